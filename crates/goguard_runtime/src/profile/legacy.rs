//! The text form of a heap profile: what `/debug/pprof/heap?debug=1` and
//! `pprof.Lookup("heap").WriteTo(w, 1)` print, and what people paste into issues.
//!
//! ```text
//! heap profile: 3: 1064960 [12: 1589248] @ heap/1048576
//! 1: 1048576 [1: 1048576] @ 0x4a1b2c 0x4a1d3e 0x43f0e1
//! #    0x4a1b2b    main.leak+0x4b    /src/app/main.go:42
//! #    0x4a1d3d    main.main+0x1d    /src/app/main.go:17
//!
//! # runtime.MemStats
//! # Alloc = 1064960
//! ```
//!
//! The header gives the totals and the sampling (`heap/N` is twice
//! `runtime.MemProfileRate`, as `go tool pprof` reads it); each record gives in-use
//! objects and bytes, then allocated ones in brackets, then its stack. The values are the
//! sampled ones: they are scaled as the runtime scales them when it writes the protobuf
//! form (and as pprof's legacy reader does), so that both forms of one profile give the
//! same numbers. Unlike pprof, which needs the binary to name the addresses, the `#`
//! lines the runtime prints under each record name the functions and lines; a record
//! without them keeps its bare addresses. What the text form cannot say is which calls
//! were inlined: Go prints each inlined frame with an address of its own, so each
//! becomes a location of its own, and `top` shows no inline labels for these profiles
//! (the values are the same).

use rustc_hash::FxHashMap;

use super::data::{Function, Line, Location, ProfileData, SampleType};
use super::decode::ProfileError;

/// Whether `data` starts like a text heap profile.
pub fn is_text_heap_profile(data: &[u8]) -> bool {
    data.trim_ascii_start().starts_with(b"heap profile:")
}

/// Reads a text heap profile. Errors name the line and its byte offset.
pub fn read_text_heap_profile(data: &[u8]) -> Result<ProfileData, ProfileError> {
    let text = std::str::from_utf8(data).map_err(|e| ProfileError {
        offset: Some(e.valid_up_to() as u64),
        in_gzip: false,
        message: "a text heap profile must be UTF-8".to_string(),
    })?;
    let mut reader = Reader::default();
    let mut offset = 0usize;
    let mut header_seen = false;
    for (index, raw) in text.split('\n').enumerate() {
        let line_start = offset;
        offset += raw.len() + 1;
        let line = raw.trim_end_matches('\r');
        let fail = |message: String| ProfileError {
            offset: Some(line_start as u64),
            in_gzip: false,
            message: format!("line {}: {message}", index + 1),
        };
        let trimmed = line.trim();
        if trimmed.is_empty() {
            continue;
        }
        if !header_seen {
            reader.period = header(trimmed).map_err(fail)?;
            header_seen = true;
            continue;
        }
        if let Some(frame) = line.strip_prefix("#\t") {
            reader.frame(frame).map_err(fail)?;
        } else if trimmed.starts_with('#') {
            // `# runtime.MemStats` and the statistics after it end the records.
            if trimmed.starts_with("# runtime.MemStats") {
                break;
            }
        } else {
            reader.record(trimmed).map_err(fail)?;
        }
    }
    if !header_seen {
        return Err(ProfileError {
            offset: None,
            in_gzip: false,
            message: "the input is empty".to_string(),
        });
    }
    Ok(reader.finish())
}

/// The sampling period in bytes from `heap profile: a: b [c: d] @ heap/N`.
fn header(line: &str) -> Result<i64, String> {
    let rest = line
        .strip_prefix("heap profile:")
        .ok_or_else(|| format!("expected \"heap profile:\", found {:?}", head(line)))?;
    let (_, sampling) = rest
        .split_once('@')
        .ok_or_else(|| "the header has no \"@ heap/RATE\"".to_string())?;
    let sampling = sampling.trim();
    let (kind, rate) = sampling.split_once('/').unwrap_or((sampling, ""));
    let rate: i64 = if rate.is_empty() {
        0
    } else {
        rate.parse()
            .map_err(|_| format!("the sampling rate {rate:?} is not a number"))?
    };
    match kind {
        // The runtime prints twice its MemProfileRate.
        "heap" => Ok(rate / 2),
        "heap_v2" | "heapz_v2" => Ok(rate),
        "heapprofile" => Ok(1),
        other => Err(format!(
            "unknown sampling {other:?} (expected heap/N, as Go writes it)"
        )),
    }
}

fn head(s: &str) -> String {
    s.chars().take(40).collect()
}

#[derive(Default)]
struct Reader {
    period: i64,
    functions: Vec<Function>,
    function_ids: FxHashMap<(String, String), u32>,
    locations: Vec<Location>,
    location_ids: FxHashMap<(u64, Vec<Line>), u32>,
    sample_ends: Vec<usize>,
    sample_locations: Vec<u32>,
    values: Vec<i64>,
    /// The addresses of the record being read, used when no `#` line follows it.
    pending: Vec<u64>,
    /// The `#` lines of the record being read: address and line, leaf first.
    frames: Vec<(u64, Option<Line>)>,
}

impl Reader {
    /// `N: B [M: A] @ 0x1 0x2 ...`
    fn record(&mut self, line: &str) -> Result<(), String> {
        self.end_record();
        let (counts, addresses) = line.split_once('@').ok_or_else(|| {
            format!(
                "expected \"N: B [M: A] @ addresses\", found {:?}",
                head(line)
            )
        })?;
        let (inuse, alloc) = counts
            .split_once('[')
            .ok_or_else(|| format!("expected \"[\" in {:?}", head(line)))?;
        let alloc = alloc
            .trim()
            .strip_suffix(']')
            .ok_or_else(|| format!("expected \"]\" in {:?}", head(line)))?;
        let (inuse_objects, inuse_bytes) = pair(inuse)?;
        let (alloc_objects, alloc_bytes) = pair(alloc)?;
        let (alloc_objects, alloc_bytes) = scale(alloc_objects, alloc_bytes, self.period);
        let (inuse_objects, inuse_bytes) = scale(inuse_objects, inuse_bytes, self.period);
        // The order of the runtime's protobuf heap profile.
        self.values
            .extend([alloc_objects, alloc_bytes, inuse_objects, inuse_bytes]);
        self.pending = addresses
            .split_whitespace()
            .map(|a| {
                u64::from_str_radix(a.trim_start_matches("0x"), 16)
                    .map_err(|_| format!("{a:?} is not an address"))
            })
            .collect::<Result<_, _>>()?;
        self.sample_ends.push(self.sample_locations.len());
        Ok(())
    }

    /// `0x4a1b2b\tmain.leak+0x4b\t/src/app/main.go:42`, or a bare address.
    fn frame(&mut self, text: &str) -> Result<(), String> {
        if self.sample_ends.is_empty() {
            return Err("a stack line before any record".to_string());
        }
        let mut fields = text.split('\t').filter(|f| !f.is_empty());
        let address = fields.next().unwrap_or("");
        let address = u64::from_str_radix(address.trim_start_matches("0x"), 16)
            .map_err(|_| format!("{address:?} is not an address"))?;
        let function = fields.next().map(|f| f.trim());
        let place = fields.next().map(|f| f.trim());
        let line = match (function, place) {
            (Some(function), Some(place)) => {
                let name = function.rsplit_once("+0x").map_or(function, |(n, _)| n);
                let (file, line) = place
                    .rsplit_once(':')
                    .and_then(|(f, l)| Some((f, l.parse::<i64>().ok()?)))
                    .unwrap_or((place, 0));
                Some(Line {
                    function: Some(self.function(name, file)),
                    line,
                })
            }
            _ => None,
        };
        self.frames.push((address, line));
        Ok(())
    }

    fn function(&mut self, name: &str, file: &str) -> u32 {
        let key = (name.to_string(), file.to_string());
        if let Some(&id) = self.function_ids.get(&key) {
            return id;
        }
        let id = self.functions.len() as u32;
        self.functions.push(Function {
            name: name.to_string(),
            system_name: name.to_string(),
            file: file.to_string(),
            start_line: 0,
        });
        self.function_ids.insert(key, id);
        id
    }

    fn location(&mut self, address: u64, lines: Vec<Line>) -> u32 {
        let key = (address, lines);
        if let Some(&id) = self.location_ids.get(&key) {
            return id;
        }
        let id = self.locations.len() as u32;
        self.locations.push(Location {
            address,
            mapping: None,
            lines: key.1.clone(),
        });
        self.location_ids.insert(key, id);
        id
    }

    /// Ends the record being read: its `#` lines become its stack, consecutive lines of
    /// one address forming one location (calls inlined at that pc, innermost first, as
    /// in the protobuf form); a record with no `#` line keeps its bare addresses.
    fn end_record(&mut self) {
        if self.sample_ends.is_empty() {
            return;
        }
        let frames = std::mem::take(&mut self.frames);
        let pending = std::mem::take(&mut self.pending);
        if frames.is_empty() {
            for address in pending {
                let location = self.location(address, Vec::new());
                self.sample_locations.push(location);
            }
        } else {
            for group in frames.chunk_by(|a, b| a.0 == b.0) {
                let lines: Vec<Line> = group.iter().filter_map(|(_, line)| *line).collect();
                let location = self.location(group[0].0, lines);
                self.sample_locations.push(location);
            }
        }
        if let Some(end) = self.sample_ends.last_mut() {
            *end = self.sample_locations.len();
        }
    }

    fn finish(mut self) -> ProfileData {
        self.end_record();
        let types = [
            ("alloc_objects", "count"),
            ("alloc_space", "bytes"),
            ("inuse_objects", "count"),
            ("inuse_space", "bytes"),
        ];
        ProfileData {
            sample_types: types
                .iter()
                .map(|(kind, unit)| SampleType {
                    kind: kind.to_string(),
                    unit: unit.to_string(),
                })
                .collect(),
            default_sample_type: None,
            period_type: Some(SampleType {
                kind: "space".to_string(),
                unit: "bytes".to_string(),
            }),
            period: self.period,
            time_nanos: 0,
            duration_nanos: 0,
            comments: Vec::new(),
            drop_frames: String::new(),
            keep_frames: String::new(),
            functions: self.functions,
            locations: self.locations,
            mapping_files: Vec::new(),
            sample_ends: self.sample_ends,
            sample_locations: self.sample_locations,
            values: self.values,
        }
    }
}

/// `N: B` as two numbers.
fn pair(text: &str) -> Result<(i64, i64), String> {
    let (a, b) = text
        .split_once(':')
        .ok_or_else(|| format!("expected \"N: B\", found {:?}", text.trim()))?;
    let number = |s: &str| {
        s.trim()
            .parse::<i64>()
            .map_err(|_| format!("{:?} is not a number", s.trim()))
    };
    Ok((number(a)?, number(b)?))
}

/// Undoes the sampling of one record, as the runtime does for the protobuf form
/// (`runtime/pprof.scaleHeapSample`): a record of average size s sampled every `rate`
/// bytes on average stands for 1 / (1 - e^(-s/rate)) times as many.
fn scale(count: i64, size: i64, rate: i64) -> (i64, i64) {
    if count == 0 || size == 0 {
        return (0, 0);
    }
    if rate <= 1 {
        return (count, size);
    }
    let average = size as f64 / count as f64;
    let factor = 1.0 / (1.0 - (-average / rate as f64).exp());
    (
        (count as f64 * factor) as i64,
        (size as f64 * factor) as i64,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const PROFILE: &str = "heap profile: 2: 2097152 [5: 2129920] @ heap/1048576\n\
        1: 1048576 [1: 1048576] @ 0x4a1b2c 0x4a1d3e\n\
        #\t0x4a1b2b\tmain.leak+0x4b\t/src/app/main.go:42\n\
        #\t0x4a1d3d\tmain.main+0x1d\t/src/app/main.go:17\n\
        \n\
        1: 1048576 [4: 1081344] @ 0x4a1b9c\n\
        #\t0x4a1b9b\tmain.cache+0x1b\t/src/app/cache.go:9\n\
        \n\
        0: 0 [0: 0] @ 0x1000 0x2000\n\
        \n\
        # runtime.MemStats\n\
        # Alloc = 2097152\n";

    #[test]
    fn records_frames_and_scaling() {
        assert!(is_text_heap_profile(PROFILE.as_bytes()));
        let p = read_text_heap_profile(PROFILE.as_bytes()).unwrap();
        assert_eq!(p.period, 524288);
        assert_eq!(p.sample_count(), 3);
        let leak = p.sample(0);
        let names: Vec<&str> = leak
            .locations
            .iter()
            .map(|&l| p.function_name(&p.locations[l as usize].lines[0]))
            .collect();
        assert_eq!(names, ["main.leak", "main.main"]);
        assert_eq!(p.locations[leak.locations[0] as usize].lines[0].line, 42);
        // One 1 MiB object sampled every 512 KiB stands for 1/(1-e^-2) objects.
        let factor = 1.0 / (1.0 - (-2.0f64).exp());
        assert_eq!(leak.values[2], factor as i64);
        assert_eq!(leak.values[3], (1048576.0 * factor) as i64);
        assert_eq!(p.kind(), super::super::data::Kind::Heap);
        // The unsymbolized record keeps its addresses.
        let bare = p.sample(2);
        assert_eq!(bare.locations.len(), 2);
        assert_eq!(p.locations[bare.locations[1] as usize].address, 0x2000);
        assert!(p.locations[bare.locations[1] as usize].lines.is_empty());
        assert_eq!(bare.values, [0, 0, 0, 0]);
    }

    /// Cut at every byte, or with any byte changed: an error or a profile, never a panic.
    #[test]
    fn cut_or_changed_anywhere() {
        let bytes = PROFILE.as_bytes();
        for end in 0..bytes.len() {
            let _ = read_profile_bytes(&bytes[..end]);
        }
        for at in 0..bytes.len() {
            for b in [b'\t', b' ', b'#', b':', b'@', b'[', b'x', b'9', b'-', 0xff] {
                let mut changed = bytes.to_vec();
                changed[at] = b;
                let _ = read_profile_bytes(&changed);
            }
        }
    }

    fn read_profile_bytes(data: &[u8]) -> Option<ProfileData> {
        let p = read_text_heap_profile(data).ok()?;
        // What reads a profile afterwards must hold: every sample indexes real locations.
        for s in p.samples() {
            for &l in s.locations {
                assert!((l as usize) < p.locations.len());
            }
        }
        Some(p)
    }

    #[test]
    fn damage_names_the_line() {
        let e = read_text_heap_profile(b"heap profile: 1: 2 [3: 4] @ heap/2\n1: x [1: 2] @ 0x1\n")
            .unwrap_err();
        assert_eq!(e.offset, Some(35));
        assert!(e.message.starts_with("line 2:"), "{e}");
        let e = read_text_heap_profile(b"heap profile: 1: 2 [3: 4] @ cpu/2\n").unwrap_err();
        assert!(e.message.contains("unknown sampling"), "{e}");
        let e =
            read_text_heap_profile(b"heap profile: 1: 2 [3: 4] @ heap/2\n#\t0x1\tf+0x1\tf.go:1\n")
                .unwrap_err();
        assert!(e.message.contains("before any record"), "{e}");
    }
}
