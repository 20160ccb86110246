//! From bytes to a [`ProfileData`]: gunzip when gzipped, then one pass over the top level
//! of profile.proto that decodes each message with the prost types of
//! `parse::protobuf` (the one definition of the schema) and records where it started, so
//! that every error names the byte offset of what is wrong. Samples are decoded one by one
//! into a reused message and copied into flat arrays; location ids are resolved to
//! indices once every location has been read (Go writes samples first).

use std::fmt;
use std::io::Read;

use prost::Message;

use super::data::{Function, Line, Location, ProfileData, SampleType};
use crate::parse::protobuf;

/// Decompressed profiles larger than this are refused: a profile of a million distinct
/// stacks is under 100 MB; this only stops decompression bombs.
pub const MAX_DECOMPRESSED: u64 = 4 << 30;

/// Why bytes are not a usable profile, and where.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProfileError {
    /// Byte offset of the problem: in the decompressed data when `in_gzip` is set, else in
    /// the input as given. `None` for problems of the whole (an empty profile).
    pub offset: Option<u64>,
    /// The input was gzipped and the offset counts decompressed bytes.
    pub in_gzip: bool,
    pub message: String,
}

impl fmt::Display for ProfileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.offset, self.in_gzip) {
            (Some(at), true) => write!(f, "at byte {at} of the decompressed profile: ")?,
            (Some(at), false) => write!(f, "at byte {at}: ")?,
            (None, _) => {}
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for ProfileError {}

/// Reads a profile: protobuf or the text form of a heap profile, gzipped or not. Other
/// text and other binary data are refused with the reason.
pub fn read_profile(input: &[u8]) -> Result<ProfileData, ProfileError> {
    if input.starts_with(&[0x1f, 0x8b]) {
        let plain = gunzip(input)?;
        let read = if super::legacy::is_text_heap_profile(&plain) {
            super::legacy::read_text_heap_profile(&plain)
        } else {
            decode(&plain)
        };
        return read.map_err(|mut e| {
            e.in_gzip = true;
            e
        });
    }
    if input.is_empty() {
        return Err(whole("the input is empty"));
    }
    if super::legacy::is_text_heap_profile(input) {
        return super::legacy::read_text_heap_profile(input);
    }
    if looks_like_text(input) {
        return Err(ProfileError {
            offset: Some(0),
            in_gzip: false,
            message: format!(
                "this is text, not a protobuf profile (it starts with {:?}); goguard heap reads \
                 the profiles /debug/pprof/heap and pprof.WriteHeapProfile write (debug=0), \
                 and the text form of heap profiles (debug=1)",
                first_line(input)
            ),
        });
    }
    decode(input)
}

fn whole(message: &str) -> ProfileError {
    ProfileError {
        offset: None,
        in_gzip: false,
        message: message.to_string(),
    }
}

fn first_line(data: &[u8]) -> String {
    let end = data
        .iter()
        .position(|&b| b == b'\n')
        .unwrap_or(data.len())
        .min(60);
    String::from_utf8_lossy(&data[..end]).into_owned()
}

/// Printable text (the debug=1 form of a profile, a log, an HTML error page): no control
/// bytes other than whitespace in the first 4 KiB.
fn looks_like_text(data: &[u8]) -> bool {
    let head = &data[..data.len().min(4096)];
    !head
        .iter()
        .any(|&b| b < 0x09 || (0x0e..0x20).contains(&b) && b != 0x1b)
}

/// Counts the compressed bytes the decoder has consumed, to say where damage starts.
struct Counting<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Read for Counting<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = buf.len().min(self.data.len() - self.pos);
        buf[..n].copy_from_slice(&self.data[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

fn gunzip(input: &[u8]) -> Result<Vec<u8>, ProfileError> {
    let mut out = Vec::with_capacity(input.len().saturating_mul(8).min(1 << 30));
    let mut decoder = flate2::read::MultiGzDecoder::new(Counting {
        data: input,
        pos: 0,
    });
    let mut limited = (&mut decoder).take(MAX_DECOMPRESSED + 1);
    if let Err(e) = limited.read_to_end(&mut out) {
        let consumed = decoder.get_ref().pos;
        return Err(ProfileError {
            offset: Some(consumed as u64),
            in_gzip: false,
            message: format!(
                "the gzip data is damaged or cut short ({e}); {} bytes decompressed before the \
                 damage, read up to this byte",
                out.len()
            ),
        });
    }
    if out.len() as u64 > MAX_DECOMPRESSED {
        return Err(whole(&format!(
            "the profile decompresses to more than {MAX_DECOMPRESSED} bytes; refused"
        )));
    }
    Ok(out)
}

/// What a profile field holds on the wire.
enum Value<'a> {
    Varint(u64),
    Bytes(&'a [u8]),
    Fixed,
}

/// Reads a varint at `*pos`, advancing it.
fn varint(data: &[u8], pos: &mut usize) -> Option<u64> {
    let mut value = 0u64;
    for shift in 0..10 {
        let b = *data.get(*pos)?;
        *pos += 1;
        if shift == 9 && b > 1 {
            return None;
        }
        value |= u64::from(b & 0x7f) << (7 * shift);
        if b < 0x80 {
            return Some(value);
        }
    }
    None
}

fn at(offset: usize, message: String) -> ProfileError {
    ProfileError {
        offset: Some(offset as u64),
        in_gzip: false,
        message,
    }
}

/// The messages of a profile, field by field, with the offset each starts at.
fn fields(data: &[u8]) -> impl Iterator<Item = Result<(usize, u32, Value<'_>), ProfileError>> {
    let mut pos = 0usize;
    let mut failed = false;
    std::iter::from_fn(move || {
        if failed || pos >= data.len() {
            return None;
        }
        let start = pos;
        let mut next = || -> Result<(usize, u32, Value<'_>), ProfileError> {
            let key = varint(data, &mut pos)
                .ok_or_else(|| at(start, "a field key is cut short or malformed".into()))?;
            let field = u32::try_from(key >> 3).unwrap_or(u32::MAX);
            if field == 0 {
                return Err(at(start, "field number 0 is not valid protobuf".into()));
            }
            let value = match key & 7 {
                0 => Value::Varint(varint(data, &mut pos).ok_or_else(|| {
                    at(
                        start,
                        format!("field {field}: varint cut short or too long"),
                    )
                })?),
                1 | 5 => {
                    let n = if key & 7 == 1 { 8 } else { 4 };
                    if data.len() - pos < n {
                        return Err(at(start, format!("field {field}: fixed value cut short")));
                    }
                    pos += n;
                    Value::Fixed
                }
                2 => {
                    let len = varint(data, &mut pos).ok_or_else(|| {
                        at(
                            start,
                            format!("field {field}: length cut short or malformed"),
                        )
                    })?;
                    if len > (data.len() - pos) as u64 {
                        return Err(at(
                            start,
                            format!(
                                "field {field} says it holds {len} bytes but only {} remain: the \
                                 profile is cut short or damaged",
                                data.len() - pos
                            ),
                        ));
                    }
                    let bytes = &data[pos..pos + len as usize];
                    pos += len as usize;
                    Value::Bytes(bytes)
                }
                wire => {
                    return Err(at(
                        start,
                        format!("field {field}: wire type {wire} is not valid in profile.proto"),
                    ))
                }
            };
            Ok((start, field, value))
        };
        let result = next();
        failed = result.is_err();
        Some(result)
    })
}

/// Names of the top-level fields, for messages.
fn field_name(field: u32) -> &'static str {
    match field {
        1 => "sample_type",
        2 => "sample",
        3 => "mapping",
        4 => "location",
        5 => "function",
        6 => "string_table",
        11 => "period_type",
        13 => "comment",
        _ => "field",
    }
}

fn message<M: Message + Default>(
    bytes: &[u8],
    start: usize,
    field: u32,
    index: usize,
) -> Result<M, ProfileError> {
    M::decode(bytes).map_err(|e| {
        at(
            start,
            format!("{} #{index}: {}", field_name(field), decode_reason(&e)),
        )
    })
}

/// prost's message without its "failed to decode Protobuf message" preamble.
fn decode_reason(e: &prost::DecodeError) -> String {
    let text = e.to_string();
    text.strip_prefix("failed to decode Protobuf message: ")
        .unwrap_or(&text)
        .to_string()
}

fn expect_bytes<'a>(value: Value<'a>, start: usize, field: u32) -> Result<&'a [u8], ProfileError> {
    match value {
        Value::Bytes(b) => Ok(b),
        _ => Err(at(
            start,
            format!(
                "{} is a message, but this field is not length-delimited",
                field_name(field)
            ),
        )),
    }
}

/// A varint field read as int64, as protobuf does (two's complement).
fn int64(value: &Value<'_>) -> Option<i64> {
    match value {
        Value::Varint(v) => Some(*v as i64),
        _ => None,
    }
}

/// What the single pass collects before references are resolved.
#[derive(Default)]
struct Raw {
    sample_types: Vec<protobuf::ValueType>,
    mappings: Vec<(usize, protobuf::Mapping)>,
    locations: Vec<(usize, protobuf::Location)>,
    functions: Vec<(usize, protobuf::Function)>,
    strings: Vec<String>,
    /// Location ids of every sample, one after the other; `sample_ends[i]` ends sample i.
    /// Ids fit 32 bits in every profile seen (Go numbers them from 1); `wide_ids` takes
    /// over, holding all of them, from the first one that does not.
    location_ids: Vec<u32>,
    wide_ids: Vec<u64>,
    sample_ends: Vec<usize>,
    values: Vec<i64>,
    sample_offsets: Vec<usize>,
    value_counts: Vec<u32>,
    time_nanos: i64,
    duration_nanos: i64,
    period: i64,
    period_type: Option<protobuf::ValueType>,
    comments: Vec<i64>,
    default_sample_type: i64,
    drop_frames: i64,
    keep_frames: i64,
}

impl Raw {
    fn push_ids(&mut self, ids: &[u64]) {
        if self.wide_ids.is_empty() && ids.iter().all(|&id| id <= u64::from(u32::MAX)) {
            self.location_ids.extend(ids.iter().map(|&id| id as u32));
            return;
        }
        if self.wide_ids.is_empty() {
            self.wide_ids = self.location_ids.drain(..).map(u64::from).collect();
        }
        self.wide_ids.extend_from_slice(ids);
    }

    fn id_count(&self) -> usize {
        self.location_ids.len() + self.wide_ids.len()
    }
}

/// Decodes uncompressed profile.proto bytes.
pub fn decode(data: &[u8]) -> Result<ProfileData, ProfileError> {
    let mut raw = Raw::default();
    let mut sample = protobuf::Sample::default();
    for item in fields(data) {
        let (start, field, value) = item?;
        match field {
            1 => raw.sample_types.push(message(
                expect_bytes(value, start, field)?,
                start,
                field,
                raw.sample_types.len(),
            )?),
            2 => {
                let bytes = expect_bytes(value, start, field)?;
                sample.clear();
                sample.merge(bytes).map_err(|e| {
                    at(
                        start,
                        format!("sample #{}: {}", raw.sample_ends.len(), decode_reason(&e)),
                    )
                })?;
                raw.push_ids(&sample.location_id);
                raw.sample_ends.push(raw.id_count());
                raw.values.extend_from_slice(&sample.value);
                // Values are checked against the sample types once all are known.
                raw.value_counts.push(sample.value.len() as u32);
                raw.sample_offsets.push(start);
            }
            3 => {
                let m = message(
                    expect_bytes(value, start, field)?,
                    start,
                    field,
                    raw.mappings.len(),
                )?;
                raw.mappings.push((start, m));
            }
            4 => {
                let l = message(
                    expect_bytes(value, start, field)?,
                    start,
                    field,
                    raw.locations.len(),
                )?;
                raw.locations.push((start, l));
            }
            5 => {
                let f = message(
                    expect_bytes(value, start, field)?,
                    start,
                    field,
                    raw.functions.len(),
                )?;
                raw.functions.push((start, f));
            }
            6 => {
                let bytes = expect_bytes(value, start, field)?;
                let s = std::str::from_utf8(bytes).map_err(|e| {
                    at(
                        start,
                        format!("string #{} is not UTF-8: {e}", raw.strings.len()),
                    )
                })?;
                raw.strings.push(s.to_string());
            }
            7 => raw.drop_frames = int64(&value).unwrap_or(0),
            8 => raw.keep_frames = int64(&value).unwrap_or(0),
            9 => raw.time_nanos = int64(&value).unwrap_or(0),
            10 => raw.duration_nanos = int64(&value).unwrap_or(0),
            11 => {
                raw.period_type = Some(message(
                    expect_bytes(value, start, field)?,
                    start,
                    field,
                    0,
                )?)
            }
            12 => raw.period = int64(&value).unwrap_or(0),
            13 => match value {
                Value::Varint(v) => raw.comments.push(v as i64),
                Value::Bytes(packed) => {
                    let mut pos = 0;
                    while pos < packed.len() {
                        let v = varint(packed, &mut pos).ok_or_else(|| {
                            at(start, "comment: packed varint cut short".to_string())
                        })?;
                        raw.comments.push(v as i64);
                    }
                }
                Value::Fixed => {}
            },
            14 => raw.default_sample_type = int64(&value).unwrap_or(0),
            // Fields this reader does not use (doc_url...), and fields of later versions
            // of profile.proto: skipped, as protobuf readers do.
            _ => {}
        }
    }
    resolve(raw)
}

/// Checks every reference (strings, functions, locations) and builds the profile.
fn resolve(mut raw: Raw) -> Result<ProfileData, ProfileError> {
    let strings = raw.strings;
    if strings.first().is_some_and(|s| !s.is_empty()) {
        return Err(whole(
            "the string table does not start with the empty string, as profile.proto requires",
        ));
    }
    let string =
        |index: i64, what: &dyn Fn() -> String, offset: usize| -> Result<&str, ProfileError> {
            usize::try_from(index)
                .ok()
                .and_then(|i| strings.get(i))
                .map(String::as_str)
                .ok_or_else(|| {
                    at(
                        offset,
                        format!(
                            "{} names string {index}, but the string table has {} entries",
                            what(),
                            strings.len()
                        ),
                    )
                })
        };
    if raw.sample_types.is_empty() {
        return Err(whole(
            "no sample types: this is not a profile (or an empty message)",
        ));
    }
    let mut sample_types = Vec::with_capacity(raw.sample_types.len());
    for (i, vt) in raw.sample_types.iter().enumerate() {
        let what = || format!("sample_type #{i}");
        sample_types.push(SampleType {
            kind: string(vt.r#type, &what, 0)?.to_string(),
            unit: string(vt.unit, &what, 0)?.to_string(),
        });
    }
    let period_type = match &raw.period_type {
        Some(vt) => {
            let what = || "period_type".to_string();
            Some(SampleType {
                kind: string(vt.r#type, &what, 0)?.to_string(),
                unit: string(vt.unit, &what, 0)?.to_string(),
            })
        }
        None => None,
    };

    let mut function_index = IdIndex::new(raw.functions.iter().map(|(_, f)| f.id));
    let mut functions = Vec::with_capacity(raw.functions.len());
    for (i, (offset, f)) in raw.functions.iter().enumerate() {
        let what = || format!("function #{i} (id {})", f.id);
        if f.id == 0 || !function_index.insert(f.id, i as u32) {
            return Err(at(
                *offset,
                format!("function #{i} has id {}, which is zero or used twice", f.id),
            ));
        }
        functions.push(Function {
            name: string(f.name, &what, *offset)?.to_string(),
            system_name: string(f.system_name, &what, *offset)?.to_string(),
            file: string(f.filename, &what, *offset)?.to_string(),
            start_line: f.start_line,
        });
    }
    let mut mapping_index = IdIndex::new(raw.mappings.iter().map(|(_, m)| m.id));
    let mut mapping_files = Vec::with_capacity(raw.mappings.len());
    for (i, (offset, m)) in raw.mappings.iter().enumerate() {
        let what = || format!("mapping #{i} (id {})", m.id);
        if m.id == 0 || !mapping_index.insert(m.id, i as u32) {
            return Err(at(
                *offset,
                format!("mapping #{i} has id {}, which is zero or used twice", m.id),
            ));
        }
        mapping_files.push(string(m.filename, &what, *offset)?.to_string());
    }

    let mut location_index = IdIndex::new(raw.locations.iter().map(|(_, l)| l.id));
    let mut locations = Vec::with_capacity(raw.locations.len());
    for (i, (offset, l)) in raw.locations.iter().enumerate() {
        if l.id == 0 || !location_index.insert(l.id, i as u32) {
            return Err(at(
                *offset,
                format!("location #{i} has id {}, which is zero or used twice", l.id),
            ));
        }
        let mapping = match l.mapping_id {
            0 => None,
            id => Some(mapping_index.get(id).ok_or_else(|| {
                at(
                    *offset,
                    format!(
                        "location #{i} (id {}) names mapping {id}, which is not defined",
                        l.id
                    ),
                )
            })?),
        };
        let mut lines = Vec::with_capacity(l.line.len());
        for line in &l.line {
            let function = match line.function_id {
                0 => None,
                id => Some(function_index.get(id).ok_or_else(|| {
                    at(
                        *offset,
                        format!(
                            "location #{i} (id {}) names function {id}, which is not defined",
                            l.id
                        ),
                    )
                })?),
            };
            lines.push(Line {
                function,
                line: line.line,
            });
        }
        locations.push(Location {
            address: l.address,
            mapping,
            lines,
        });
    }

    let types = sample_types.len();
    // Ids become indices in place (or from the wide ids, when there are some).
    let mut sample_locations = std::mem::take(&mut raw.location_ids);
    if !raw.wide_ids.is_empty() {
        sample_locations = vec![0; raw.wide_ids.len()];
    }
    for (s, &end) in raw.sample_ends.iter().enumerate() {
        let begin = if s == 0 { 0 } else { raw.sample_ends[s - 1] };
        for (k, slot) in sample_locations[begin..end].iter_mut().enumerate() {
            let id = match raw.wide_ids.get(begin + k) {
                Some(&wide) => wide,
                None => u64::from(*slot),
            };
            *slot = location_index.get(id).ok_or_else(|| {
                at(
                    raw.sample_offsets[s],
                    format!("sample #{s} names location {id}, which is not defined"),
                )
            })?;
        }
        if raw.value_counts[s] as usize != types {
            return Err(at(
                raw.sample_offsets[s],
                format!(
                    "sample #{s} has {} values for {types} sample types",
                    raw.value_counts[s]
                ),
            ));
        }
    }
    let what = |name: &'static str| move || name.to_string();
    let default_sample_type = match raw.default_sample_type {
        0 => None,
        i => Some(string(i, &what("default_sample_type"), 0)?.to_string()),
    };
    let mut comments = Vec::with_capacity(raw.comments.len());
    for &c in &raw.comments {
        comments.push(string(c, &what("comment"), 0)?.to_string());
    }
    let drop_frames = string(raw.drop_frames, &what("drop_frames"), 0)?.to_string();
    let keep_frames = string(raw.keep_frames, &what("keep_frames"), 0)?.to_string();

    Ok(ProfileData {
        sample_types,
        default_sample_type,
        period_type,
        period: raw.period,
        time_nanos: raw.time_nanos,
        duration_nanos: raw.duration_nanos,
        comments,
        drop_frames,
        keep_frames,
        functions,
        locations,
        mapping_files,
        sample_ends: raw.sample_ends,
        sample_locations,
        values: raw.values,
    })
}

/// Ids to indices: a table when ids are dense (Go numbers them 1, 2, 3...), a hash map
/// otherwise.
enum IdIndex {
    Dense(Vec<u32>),
    Sparse(rustc_hash::FxHashMap<u64, u32>),
}

const NONE: u32 = u32::MAX;

impl IdIndex {
    fn new(ids: impl Iterator<Item = u64> + Clone) -> IdIndex {
        let count = ids.clone().count();
        let max = ids.max().unwrap_or(0);
        if max <= (count as u64).saturating_mul(2) + 1024 {
            IdIndex::Dense(vec![NONE; max as usize + 1])
        } else {
            let mut map = rustc_hash::FxHashMap::default();
            map.reserve(count);
            IdIndex::Sparse(map)
        }
    }

    /// False when the id is already taken.
    fn insert(&mut self, id: u64, index: u32) -> bool {
        match self {
            IdIndex::Dense(table) => {
                let slot = &mut table[id as usize];
                if *slot != NONE {
                    return false;
                }
                *slot = index;
                true
            }
            IdIndex::Sparse(map) => map.insert(id, index).is_none(),
        }
    }

    fn get(&self, id: u64) -> Option<u32> {
        match self {
            IdIndex::Dense(table) => table
                .get(usize::try_from(id).ok()?)
                .copied()
                .filter(|&i| i != NONE),
            IdIndex::Sparse(map) => map.get(&id).copied(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A tiny profile, encoded with the prost types: one sample of 2 objects / 64 bytes
    /// at main.leak (leak.go:7) called from main.main.
    pub(crate) fn tiny() -> Vec<u8> {
        let strings = [
            "",
            "inuse_objects",
            "count",
            "inuse_space",
            "bytes",
            "main.leak",
            "leak.go",
            "main.main",
        ];
        let profile = protobuf::Profile {
            sample_type: vec![
                protobuf::ValueType { r#type: 1, unit: 2 },
                protobuf::ValueType { r#type: 3, unit: 4 },
            ],
            sample: vec![protobuf::Sample {
                location_id: vec![1, 2],
                value: vec![2, 64],
                label: vec![],
            }],
            location: vec![
                protobuf::Location {
                    id: 1,
                    line: vec![protobuf::Line {
                        function_id: 1,
                        line: 7,
                    }],
                    ..Default::default()
                },
                protobuf::Location {
                    id: 2,
                    line: vec![protobuf::Line {
                        function_id: 2,
                        line: 3,
                    }],
                    ..Default::default()
                },
            ],
            function: vec![
                protobuf::Function {
                    id: 1,
                    name: 5,
                    system_name: 5,
                    filename: 6,
                    start_line: 5,
                },
                protobuf::Function {
                    id: 2,
                    name: 7,
                    system_name: 7,
                    filename: 6,
                    start_line: 1,
                },
            ],
            string_table: strings.iter().map(|s| s.to_string()).collect(),
            time_nanos: 1_000_000_000,
            ..Default::default()
        };
        profile.encode_to_vec()
    }

    #[test]
    fn decodes_what_prost_encodes() {
        let p = decode(&tiny()).unwrap();
        assert_eq!(p.sample_types.len(), 2);
        assert_eq!(p.sample_count(), 1);
        let s = p.sample(0);
        assert_eq!(s.values, &[2, 64]);
        let frames: Vec<&str> = s
            .locations
            .iter()
            .map(|&l| p.function_name(&p.locations[l as usize].lines[0]))
            .collect();
        assert_eq!(frames, ["main.leak", "main.main"]);
    }

    #[test]
    fn damage_is_reported_with_its_offset() {
        let data = tiny();
        let cut = &data[..data.len() - 3];
        let err = decode(cut).unwrap_err();
        assert!(err.offset.is_some(), "{err}");
        assert!(err.message.contains("cut short"), "{err}");

        let err = read_profile(b"--- mutex:\ncycles/second=2000000000\n").unwrap_err();
        assert!(err.message.contains("this is text"), "{err}");
        // The text form of a heap profile is read, not refused.
        assert!(read_profile(b"heap profile: 0: 0 [0: 0] @ heap/1048576\n").is_ok());

        let mut gz = Vec::new();
        {
            use std::io::Write;
            let mut w = flate2::write::GzEncoder::new(&mut gz, flate2::Compression::fast());
            w.write_all(&data).unwrap();
            w.finish().unwrap();
        }
        assert!(read_profile(&gz).is_ok());
        let err = read_profile(&gz[..gz.len() / 2]).unwrap_err();
        assert!(err.message.contains("gzip"), "{err}");
        assert!(err.offset.is_some());
    }

    #[test]
    fn ids_beyond_32_bits_are_read() {
        let mut p = protobuf::Profile::decode(tiny().as_slice()).unwrap();
        p.location[1].id = 1 << 40;
        p.sample[0].location_id[1] = 1 << 40;
        let d = decode(&p.encode_to_vec()).unwrap();
        assert_eq!(d.sample(0).locations, &[0, 1]);
    }

    #[test]
    fn dangling_references_are_errors() {
        let mut p = protobuf::Profile::decode(tiny().as_slice()).unwrap();
        p.sample[0].location_id.push(99);
        let err = decode(&p.encode_to_vec()).unwrap_err();
        assert!(err.to_string().contains("names location 99"), "{err}");

        let mut p = protobuf::Profile::decode(tiny().as_slice()).unwrap();
        p.function[0].name = 1000;
        let err = decode(&p.encode_to_vec()).unwrap_err();
        assert!(err.to_string().contains("names string 1000"), "{err}");

        let mut p = protobuf::Profile::decode(tiny().as_slice()).unwrap();
        p.sample[0].value.pop();
        let err = decode(&p.encode_to_vec()).unwrap_err();
        assert!(
            err.to_string().contains("1 values for 2 sample types"),
            "{err}"
        );
    }
}
