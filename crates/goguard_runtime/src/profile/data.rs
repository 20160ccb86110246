//! A decoded profile with every reference resolved: sample types, functions, locations
//! (each with its inlined lines, innermost first) and the samples as flat arrays of
//! location indices and values.

/// A sample type or the period type: `inuse_space`/`bytes`, `contentions`/`count`...
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleType {
    pub kind: String,
    pub unit: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Function {
    pub name: String,
    pub system_name: String,
    pub file: String,
    /// Line of the `func` keyword, when the profile carries it (Go 1.x writes it); 0 if not.
    pub start_line: i64,
}

/// One line of a location: the function (index into `functions`; `None` when the
/// profile names none) and the line in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Line {
    pub function: Option<u32>,
    pub line: i64,
}

/// A program counter. `lines` holds several entries when calls were inlined: innermost
/// first, the last is the function the others were inlined into. Empty when the
/// profile is not symbolized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub address: u64,
    /// Index into `mapping_files`.
    pub mapping: Option<u32>,
    pub lines: Vec<Line>,
}

/// What kind of profile this is, by its sample types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// `alloc_objects, alloc_space, inuse_objects, inuse_space`, shown as in-use by default.
    Heap,
    /// The same four types, shown as allocated by default (`/debug/pprof/allocs`).
    Allocs,
    Goroutine,
    /// `contentions, delay`: the mutex or the block profile (they share their types).
    Contention,
    /// `samples, cpu`.
    Cpu,
    Other,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Heap => "heap",
            Kind::Allocs => "allocs",
            Kind::Goroutine => "goroutine",
            Kind::Contention => "mutex or block",
            Kind::Cpu => "CPU",
            Kind::Other => "other",
        }
    }
}

#[derive(Debug, Clone)]
pub struct ProfileData {
    pub sample_types: Vec<SampleType>,
    pub default_sample_type: Option<String>,
    pub period_type: Option<SampleType>,
    pub period: i64,
    /// When the profile was taken (Unix nanoseconds; 0 when unknown).
    pub time_nanos: i64,
    pub duration_nanos: i64,
    pub comments: Vec<String>,
    /// Regular expressions the profile asks viewers to apply (empty when none; Go
    /// profiles set neither).
    pub drop_frames: String,
    pub keep_frames: String,
    pub functions: Vec<Function>,
    pub locations: Vec<Location>,
    pub mapping_files: Vec<String>,
    /// `sample_ends[i]` is where sample i's locations end in `sample_locations`.
    pub(crate) sample_ends: Vec<usize>,
    /// Location indices of every sample, leaf first, one sample after the other.
    pub(crate) sample_locations: Vec<u32>,
    /// `sample_types.len()` values per sample.
    pub(crate) values: Vec<i64>,
}

/// One sample: its stack (location indices, leaf first) and its values (one per sample
/// type).
#[derive(Debug, Clone, Copy)]
pub struct SampleRef<'p> {
    pub locations: &'p [u32],
    pub values: &'p [i64],
}

impl ProfileData {
    pub fn sample_count(&self) -> usize {
        self.sample_ends.len()
    }

    pub fn sample(&self, i: usize) -> SampleRef<'_> {
        let begin = if i == 0 { 0 } else { self.sample_ends[i - 1] };
        let n = self.sample_types.len();
        SampleRef {
            locations: &self.sample_locations[begin..self.sample_ends[i]],
            values: &self.values[i * n..(i + 1) * n],
        }
    }

    pub fn samples(&self) -> impl Iterator<Item = SampleRef<'_>> {
        (0..self.sample_count()).map(|i| self.sample(i))
    }

    /// The function name of a line, or "" when it names no function.
    pub fn function_name(&self, line: &Line) -> &str {
        line.function
            .map_or("", |f| self.functions[f as usize].name.as_str())
    }

    /// The index of the sample type named `kind` (`inuse_space`), if any.
    pub fn sample_index(&self, kind: &str) -> Option<usize> {
        self.sample_types.iter().position(|t| t.kind == kind)
    }

    /// The sample type viewers show by default: the profile's `default_sample_type`, else
    /// the last one (as `go tool pprof` does).
    pub fn default_index(&self) -> usize {
        self.default_sample_type
            .as_deref()
            .and_then(|k| self.sample_index(k))
            .unwrap_or(self.sample_types.len() - 1)
    }

    pub fn kind(&self) -> Kind {
        let has = |k: &str| self.sample_index(k).is_some();
        if has("inuse_space") && has("alloc_space") {
            let default = &self.sample_types[self.default_index()].kind;
            if default.starts_with("alloc_") {
                Kind::Allocs
            } else {
                Kind::Heap
            }
        } else if has("goroutine") {
            Kind::Goroutine
        } else if has("contentions") && has("delay") {
            Kind::Contention
        } else if has("cpu") {
            Kind::Cpu
        } else {
            Kind::Other
        }
    }

    /// The sampling period of a heap profile in bytes (`runtime.MemProfileRate`), when the
    /// profile says so.
    pub fn bytes_period(&self) -> Option<i64> {
        let t = self.period_type.as_ref()?;
        (t.unit == "bytes" && self.period > 0).then_some(self.period)
    }

    /// Sum of one value over all samples.
    pub fn total(&self, index: usize) -> i64 {
        let n = self.sample_types.len();
        self.values
            .iter()
            .skip(index)
            .step_by(n)
            .fold(0i64, |a, &v| a.saturating_add(v))
    }
}
