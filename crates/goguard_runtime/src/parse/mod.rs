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
mod text;
mod traceback;

use std::path::Path;

use crate::model::ParsedDump;

/// Parses a dump or profile in any supported form (see the crate docs).
pub fn parse_bytes(data: &[u8]) -> ParsedDump {
    parse_named(data, "input")
}

/// Reads and parses a file. Only reading can fail; parse problems become warnings.
pub fn parse_file(path: &Path) -> std::io::Result<ParsedDump> {
    let data = std::fs::read(path)?;
    Ok(parse_named(&data, &path.display().to_string()))
}

/// `parse_bytes` with the input's name for the warnings.
pub fn parse_named(data: &[u8], name: &str) -> ParsedDump {
    let mut dump = match detect::detect(data) {
        detect::Input::Gzip => {
            let (plain, error) = detect::gunzip(data);
            let mut dump = match detect::detect(&plain) {
                detect::Input::Gzip => {
                    let mut dump = ParsedDump::default();
                    dump.warnings
                        .push(format!("{name}: gzip inside gzip; not read"));
                    dump
                }
                detect::Input::Protobuf => parse_protobuf(&plain, name),
                // A gzipped goroutine profile is protobuf, but gzipped text also happens
                // (compressed logs); decide by trying protobuf first when it is not text.
                detect::Input::Text => {
                    if plain.is_empty() || looks_like_text(&plain) {
                        text::TextParser::parse_text(&plain)
                    } else {
                        parse_protobuf(&plain, name)
                    }
                }
            };
            if let Some(error) = error {
                dump.warnings.insert(
                    0,
                    format!("{name}: gzip data is damaged or truncated: {error}"),
                );
            }
            dump
        }
        detect::Input::Protobuf => match protobuf::decode(data) {
            Ok(profile) if !profile.sample_type.is_empty() => {
                let mut dump = ParsedDump::default();
                protobuf::profile_to_dump(&profile, &mut dump);
                dump
            }
            Ok(_) => text::TextParser::parse_text(data),
            Err(err) => {
                let mut dump = text::TextParser::parse_text(data);
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
            let mut dump = text::TextParser::parse_text(data);
            if dump.snapshots.is_empty() && !data.is_empty() && !looks_like_text(data) {
                dump.warnings.push(
                    "binary data that is neither text, gzip nor a protobuf profile".to_string(),
                );
            }
            dump
        }
    };
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
