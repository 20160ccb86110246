//! Goroutine profiles in profile.proto form (`pprof.Lookup("goroutine").WriteTo(w, 0)`,
//! `/debug/pprof/goroutine`), usually gzipped. Only the messages and fields needed are
//! declared; prost skips the rest. The same messages serve the heap, allocs, mutex and
//! block profiles of `crate::profile`.

use std::collections::HashMap;

use prost::Message;

use crate::model::{DumpFormat, Frame, Goroutine, Name, ParsedDump, ProfileKind, Snapshot};

#[derive(Clone, PartialEq, prost::Message)]
pub struct Profile {
    #[prost(message, repeated, tag = "1")]
    pub sample_type: Vec<ValueType>,
    #[prost(message, repeated, tag = "2")]
    pub sample: Vec<Sample>,
    #[prost(message, repeated, tag = "3")]
    pub mapping: Vec<Mapping>,
    #[prost(message, repeated, tag = "4")]
    pub location: Vec<Location>,
    #[prost(message, repeated, tag = "5")]
    pub function: Vec<Function>,
    #[prost(string, repeated, tag = "6")]
    pub string_table: Vec<String>,
    #[prost(int64, tag = "9")]
    pub time_nanos: i64,
    #[prost(int64, tag = "10")]
    pub duration_nanos: i64,
    #[prost(message, optional, tag = "11")]
    pub period_type: Option<ValueType>,
    #[prost(int64, tag = "12")]
    pub period: i64,
    #[prost(int64, repeated, tag = "13")]
    pub comment: Vec<i64>,
    #[prost(int64, tag = "14")]
    pub default_sample_type: i64,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct ValueType {
    #[prost(int64, tag = "1")]
    pub r#type: i64,
    #[prost(int64, tag = "2")]
    pub unit: i64,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Sample {
    #[prost(uint64, repeated, tag = "1")]
    pub location_id: Vec<u64>,
    #[prost(int64, repeated, tag = "2")]
    pub value: Vec<i64>,
    #[prost(message, repeated, tag = "3")]
    pub label: Vec<Label>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Label {
    #[prost(int64, tag = "1")]
    pub key: i64,
    #[prost(int64, tag = "2")]
    pub str: i64,
    #[prost(int64, tag = "3")]
    pub num: i64,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Mapping {
    #[prost(uint64, tag = "1")]
    pub id: u64,
    #[prost(int64, tag = "5")]
    pub filename: i64,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Location {
    #[prost(uint64, tag = "1")]
    pub id: u64,
    #[prost(uint64, tag = "2")]
    pub mapping_id: u64,
    #[prost(uint64, tag = "3")]
    pub address: u64,
    /// Several entries when calls were inlined: innermost first, the last one is the
    /// function the others were inlined into.
    #[prost(message, repeated, tag = "4")]
    pub line: Vec<Line>,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Line {
    #[prost(uint64, tag = "1")]
    pub function_id: u64,
    #[prost(int64, tag = "2")]
    pub line: i64,
}

#[derive(Clone, PartialEq, prost::Message)]
pub struct Function {
    #[prost(uint64, tag = "1")]
    pub id: u64,
    #[prost(int64, tag = "2")]
    pub name: i64,
    #[prost(int64, tag = "3")]
    pub system_name: i64,
    #[prost(int64, tag = "4")]
    pub filename: i64,
    #[prost(int64, tag = "5")]
    pub start_line: i64,
}

/// Most frames expanded from one profile (a goroutine profile of a million goroutines
/// has far fewer distinct stacks).
const MAX_FRAMES: usize = 50_000_000;

/// Decodes a profile; `Err` if the bytes are not one.
pub fn decode(data: &[u8]) -> Result<Profile, prost::DecodeError> {
    Profile::decode(data)
}

/// Converts a decoded profile into a snapshot (goroutine profiles) or a warning.
pub fn profile_to_dump(profile: &Profile, out: &mut ParsedDump) {
    let string = |index: i64| -> &str {
        usize::try_from(index)
            .ok()
            .and_then(|i| profile.string_table.get(i))
            .map_or("", String::as_str)
    };
    let kind = profile
        .sample_type
        .first()
        .map(|vt| (string(vt.r#type), string(vt.unit)));
    let profile_kind = match kind {
        Some(("goroutine", _)) => ProfileKind::Goroutine,
        Some(("goroutineleak", _)) => ProfileKind::GoroutineLeak,
        Some((kind, unit)) => {
            let all: Vec<String> = profile
                .sample_type
                .iter()
                .map(|vt| format!("{}/{}", string(vt.r#type), string(vt.unit)))
                .collect();
            out.warnings.push(format!(
                "a protobuf profile of type {} is not a goroutine profile ({kind}/{unit} first); skipped",
                all.join(", ")
            ));
            return;
        }
        None => {
            out.warnings
                .push("a protobuf profile without sample types; skipped".to_string());
            return;
        }
    };

    let mut names: HashMap<i64, Name> = HashMap::new();
    let mut intern = |index: i64| -> Name {
        names
            .entry(index)
            .or_insert_with(|| Name::new(string(index)))
            .clone()
    };
    let functions: HashMap<u64, &Function> = profile.function.iter().map(|f| (f.id, f)).collect();
    let mut locations: HashMap<u64, Vec<Frame>> = HashMap::with_capacity(profile.location.len());
    for location in &profile.location {
        let mut frames = Vec::with_capacity(location.line.len().max(1));
        for line in &location.line {
            let (func, file) = match functions.get(&line.function_id) {
                Some(function) => (
                    print_name(&mut intern, function.name),
                    intern(function.filename),
                ),
                None => (Name::from(format!("{:#x}", location.address)), intern(0)),
            };
            frames.push(Frame::new(
                func,
                file,
                u32::try_from(line.line).unwrap_or(0),
            ));
        }
        if frames.is_empty() {
            // Unsymbolized: the address stands in for the function, as in debug=1.
            frames.push(Frame::new(
                Name::from(format!("{:#x}", location.address)),
                intern(0),
                0,
            ));
        }
        locations.insert(location.id, frames);
    }

    let mut snapshot = Snapshot::new(DumpFormat::Protobuf, 0, 0);
    snapshot.profile = profile_kind;
    let mut missing_locations = 0usize;
    // A small profile can reference a location with many lines millions of times; stop
    // expanding frames well before that exhausts memory.
    let mut frame_budget: usize = MAX_FRAMES;
    let mut cut_samples = 0usize;
    for sample in &profile.sample {
        let count = sample.value.first().copied().unwrap_or(0).max(0) as u64;
        let mut frames = Vec::new();
        for id in &sample.location_id {
            match locations.get(id) {
                Some(location_frames) if location_frames.len() <= frame_budget => {
                    frame_budget -= location_frames.len();
                    frames.extend(location_frames.iter().cloned());
                }
                Some(_) => {
                    cut_samples += 1;
                    break;
                }
                None => missing_locations += 1,
            }
        }
        let labels = sample
            .label
            .iter()
            .filter(|label| label.str != 0)
            .map(|label| (string(label.key).to_string(), string(label.str).to_string()))
            .collect();
        snapshot.total += count;
        snapshot.goroutines.push(Goroutine {
            labels,
            frames,
            ..Goroutine::aggregated(count, 0)
        });
    }
    if cut_samples > 0 {
        out.warnings.push(format!(
            "protobuf profile: more than {MAX_FRAMES} frames in all; the stacks of {cut_samples} samples are cut"
        ));
    }
    if missing_locations > 0 {
        out.warnings.push(format!(
            "protobuf profile: {missing_locations} sample locations are not defined"
        ));
    }
    out.snapshots.push(snapshot);
}

/// Profiles keep generic instantiations (`main.(*Queue[go.shape.string]).Pop`) where
/// tracebacks and debug=1 print `main.(*Queue[...]).Pop`; print them the same way, as
/// `funcNamePiecesForPrint` in runtime/traceback.go does, so stacks match across formats.
fn print_name(intern: &mut impl FnMut(i64) -> Name, index: i64) -> Name {
    let name = intern(index);
    let Some(open) = name.find('[') else {
        return name;
    };
    let Some(close) = name.rfind(']') else {
        return name;
    };
    if close <= open {
        return name;
    }
    Name::from(format!("{}[...]{}", &name[..open], &name[close + 1..]))
}
