//! Parsers for every form in which Go prints its goroutines. `parse_bytes` detects the
//! form and never panics; whatever it cannot understand inside a dump is reported in
//! `ParsedDump::unknown_lines` or `ParsedDump::warnings`.
//!
//! Forms (see each module for the line grammar):
//! - tracebacks (`traceback.rs`, `header.rs`, `frame.rs`): debug=2, panics, SIGQUIT,
//!   `runtime.Stack(all)`, GOTRACEBACK=system/crash (`gp=`/`m=` headers, `fp=` suffixes,
//!   per-M sections), Go 1.10 to 1.26 header and frame forms;
//! - aggregated text (`debug1.rs`): goroutine and goroutineleak debug=1, and legacy count
//!   profiles (`threadcreate profile: total N`) whose records have only addresses — their
//!   frames are named by address (`0x44cb3`), no file, line 0, with a warning that the
//!   profile is not a goroutine profile;
//! - profile.proto (`protobuf.rs`), gzipped or not; non-goroutine profiles give a warning;
//! - dumps inside other text (`logscan.rs`): log prefixes detected on the header line,
//!   headers glued to preceding output, JSON-escaped dumps in log lines, crash noise.
//!
//! Snapshots: a file may hold several dumps. A new snapshot starts at a header after text
//! that is not part of a dump, when a goroutine id repeats within the current one (a
//! second `runtime.Stack` of the same process; panics list the panicking goroutine first,
//! so "goroutine 1 comes again" is the reliable sign, not "goroutine 1 appears"), and at
//! every `... profile: total N` line. Goroutine 0 (an M's g0 stack in signal output) may
//! repeat; crash output's per-M sections stay in the dump they follow.

pub mod banner;
mod debug1;
mod detect;
mod frame;
mod header;
mod intern;
mod labels;
pub(crate) mod logscan;
pub(crate) mod protobuf;
mod stream;
mod text;
mod traceback;

use std::io::Read;
use std::path::Path;

use crate::model::ParsedDump;

/// Parses a dump or profile in any supported form (see the crate docs).
pub fn parse_bytes(data: &[u8]) -> ParsedDump {
    parse_named(data, "input")
}

/// Reads and parses a file, as `parse_reader` does. Only reading can fail; parse
/// problems become warnings.
pub fn parse_file(path: &Path) -> std::io::Result<ParsedDump> {
    parse_reader(std::fs::File::open(path)?, &path.display().to_string())
}

/// Bytes looked at to tell the input's form.
const HEAD: u64 = 4096;

/// Parses a dump or profile read from `reader` (a file, standard input), with the
/// input's name for the warnings. Text, plain or gzipped, is parsed in chunks as it is
/// read, so that a large dump is never in memory whole; profiles (protobuf, compact)
/// are read whole. The result is what `parse_named` gives on the same bytes. Only
/// reading can fail; parse problems and damaged gzip data become warnings.
pub fn parse_reader(mut reader: impl Read, name: &str) -> std::io::Result<ParsedDump> {
    let mut head = Vec::new();
    reader.by_ref().take(HEAD).read_to_end(&mut head)?;
    let dump = match detect::detect(&head) {
        detect::Input::Text => {
            let (mut dump, _, error) = stream::parse_reader(&mut head.as_slice().chain(reader));
            if let Some(error) = error {
                return Err(error);
            }
            if dump.snapshots.is_empty() && !head.is_empty() && !looks_like_text(&head) {
                dump.warnings.push(BINARY.to_string());
            }
            dump
        }
        detect::Input::Gzip => {
            let mut plain = detect::gunzip_reader(head.as_slice().chain(reader));
            let mut plain_head = Vec::new();
            let head_error = plain.by_ref().take(HEAD).read_to_end(&mut plain_head).err();
            let is_text = matches!(detect::detect(&plain_head), detect::Input::Text)
                && (plain_head.is_empty() || looks_like_text(&plain_head));
            if is_text && head_error.is_none() {
                let (mut dump, len, error) =
                    stream::parse_reader(&mut plain_head.as_slice().chain(plain));
                if let Some(problem) = detect::gunzip_problem(len, error) {
                    dump.warnings.insert(0, gzip_warning(name, &problem));
                }
                dump
            } else {
                // A profile, small: decompress it all as `parse_named` does.
                let mut error = head_error;
                if error.is_none() {
                    error = plain.read_to_end(&mut plain_head).err();
                }
                let problem = detect::gunzip_problem(plain_head.len() as u64, error);
                parse_gunzipped(&plain_head, problem, name)
            }
        }
        detect::Input::Protobuf => {
            reader.read_to_end(&mut head)?;
            return Ok(parse_named(&head, name));
        }
    };
    Ok(finish(dump, name))
}

/// `parse_bytes` with the input's name for the warnings.
pub fn parse_named(data: &[u8], name: &str) -> ParsedDump {
    let dump = match detect::detect(data) {
        detect::Input::Gzip => {
            let (plain, problem) = detect::gunzip(data);
            parse_gunzipped(&plain, problem, name)
        }
        detect::Input::Protobuf => match protobuf::decode(data) {
            Ok(profile) if !profile.sample_type.is_empty() => {
                let mut dump = ParsedDump::default();
                protobuf::profile_to_dump(&profile, &mut dump);
                dump
            }
            Ok(_) => parse_text(data),
            Err(err) => {
                let mut dump = parse_text(data);
                if dump.snapshots.is_empty() {
                    dump.warnings.push(format!(
                        "binary data that is not a valid protobuf profile ({err}): a cut or \
                         damaged profile? (profiles are usually gzipped; this one is not)"
                    ));
                }
                dump
            }
        },
        detect::Input::Text => {
            let mut dump = parse_text(data);
            if dump.snapshots.is_empty() && !data.is_empty() && !looks_like_text(data) {
                dump.warnings.push(BINARY.to_string());
            }
            dump
        }
    };
    finish(dump, name)
}

const BINARY: &str = "binary data that is neither text, gzip nor a protobuf profile";

fn parse_text(data: &[u8]) -> ParsedDump {
    stream::parse_slice(text::TextParser::new(0, None), data)
}

/// What was decompressed from gzip input, and the problem that stopped it early.
fn parse_gunzipped(plain: &[u8], problem: Option<String>, name: &str) -> ParsedDump {
    let mut dump = match detect::detect(plain) {
        detect::Input::Gzip => {
            let mut dump = ParsedDump::default();
            dump.warnings
                .push(format!("{name}: gzip inside gzip; not read"));
            dump
        }
        detect::Input::Protobuf => parse_protobuf(plain, name),
        // A gzipped goroutine profile is protobuf, but gzipped text also happens
        // (compressed logs); decide by trying protobuf first when it is not text.
        detect::Input::Text => {
            if plain.is_empty() || looks_like_text(plain) {
                parse_text(plain)
            } else {
                parse_protobuf(plain, name)
            }
        }
    };
    if let Some(problem) = problem {
        dump.warnings.insert(0, gzip_warning(name, &problem));
    }
    dump
}

fn gzip_warning(name: &str, problem: &str) -> String {
    format!("{name}: gzip data is damaged or truncated: {problem}")
}

/// Says so when nothing was found and nothing else was said.
fn finish(mut dump: ParsedDump, name: &str) -> ParsedDump {
    if dump.snapshots.is_empty() && dump.warnings.is_empty() {
        dump.warnings
            .push(format!("no goroutine dump found in {name}"));
    }
    dump
}

fn parse_protobuf(data: &[u8], name: &str) -> ParsedDump {
    let mut dump = ParsedDump::default();
    match protobuf::decode(data) {
        Ok(profile) => protobuf::profile_to_dump(&profile, &mut dump),
        Err(err) => dump
            .warnings
            .push(format!("{name}: not a valid protobuf profile: {err}")),
    }
    dump
}

/// Text dumps are printable ASCII/UTF-8 with tabs and newlines.
fn looks_like_text(data: &[u8]) -> bool {
    let head = &data[..data.len().min(4096)];
    !head
        .iter()
        .any(|&b| b < 0x09 || (0x0e..0x20).contains(&b) && b != 0x1b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Yields `data`, then fails.
    struct Failing<'d>(&'d [u8]);

    impl Read for Failing<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            if self.0.is_empty() {
                return Err(std::io::Error::other("device gone"));
            }
            let n = out.len().min(self.0.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn sample() -> Vec<u8> {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/samples");
        std::fs::read(dir.join("go126_stack.txt")).unwrap()
    }

    #[test]
    fn text_that_cannot_be_read_to_its_end_is_an_error() {
        let data = sample();
        let error = parse_reader(Failing(&data), "dump.txt").unwrap_err();
        assert_eq!(error.to_string(), "device gone");
    }

    #[test]
    fn gzip_that_cannot_be_read_to_its_end_warns_and_keeps_the_rest() {
        let data = sample();
        // Stored, not compressed: the error comes after the first bytes, which tell
        // the input's form.
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::none());
        std::io::Write::write_all(&mut encoder, &data).unwrap();
        let gz = encoder.finish().unwrap();
        assert!(gz.len() > HEAD as usize + 1024);
        // Whole: read as a stream gives the dump; cut: what was read, and a warning.
        let dump = parse_reader(&gz[..], "dump.gz").unwrap();
        assert_eq!(dump, parse_bytes(&data));
        let cut = parse_reader(Failing(&gz[..gz.len() - 8]), "dump.gz").unwrap();
        assert!(
            cut.warnings[0].starts_with("dump.gz: gzip data is damaged or truncated: "),
            "{:?}",
            cut.warnings
        );
        let goroutines = |d: &ParsedDump| {
            d.snapshots
                .iter()
                .map(|s| s.goroutines.len())
                .sum::<usize>()
        };
        assert!(goroutines(&cut) > 0 && goroutines(&cut) < goroutines(&dump));
    }
}
