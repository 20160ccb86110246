//! The model every dump format is parsed into, and every analysis reads.
//!
//! One `Snapshot` is one dump (one point in time). A file may hold several snapshots
//! (a log with two SIGQUIT dumps). Aggregated formats (debug=1 text, protobuf profiles)
//! do not list goroutines one by one: they become `Goroutine`s with `count > 1` and no id.

use std::sync::Arc;

use serde::Serialize;

/// Where a piece of parsed data came from: 1-based line in the input file (0 when the
/// format has no lines, as in protobuf).
pub type LineNo = u32;

/// What format a snapshot was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DumpFormat {
    /// `goroutine N [state]:` blocks: debug=2, panic/SIGQUIT traceback, runtime.Stack(all).
    Traceback,
    /// `goroutine profile: total N` with `N @ 0x...` records and `#\t` frame lines.
    Debug1,
    /// gzipped (or plain) profile.proto goroutine profile (debug=0).
    Protobuf,
}

/// One stack frame. Function and file names repeat across thousands of goroutines, so
/// parsers intern them (`Arc<str>`) instead of allocating each copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Frame {
    /// Fully qualified function as printed, e.g. `net/http.(*conn).serve` or
    /// `main.worker[...]` or `main.main.func1`.
    pub func: Arc<str>,
    /// Source file path as printed (may be a Windows path).
    pub file: Arc<str>,
    /// Line in `file`; 0 if unknown (truncated input).
    pub line: u32,
    /// The `+0x..` program-counter offset if printed; `None` for inlined frames.
    pub pc_offset: Option<u64>,
    /// The argument list text between the parentheses, as printed (`0xc000010000, 0x1`,
    /// `...`, `{...}`, `?`), without the parentheses. Empty when none.
    pub args: Args,
}

/// A frame's argument text. Dumps hold millions of frames and most argument lists are
/// short (`...`, `0x0?, 0x1?`): those are stored inline, longer ones in a shared
/// `Arc<str>` (repeated texts are shared by the parser). Reads as a `&str` (`Deref`),
/// compares with strings, serializes as a string.
#[derive(Clone, PartialEq, Eq, Hash)]
pub enum Args {
    Inline { len: u8, bytes: [u8; ARGS_INLINE] },
    Shared(Arc<str>),
}

/// Longest argument text stored inline (keeps `Args` as small as a `String`).
pub const ARGS_INLINE: usize = 22;

impl Args {
    pub fn new(text: &str) -> Args {
        if text.len() <= ARGS_INLINE {
            let mut bytes = [0u8; ARGS_INLINE];
            bytes[..text.len()].copy_from_slice(text.as_bytes());
            Args::Inline {
                len: text.len() as u8,
                bytes,
            }
        } else {
            Args::Shared(Arc::from(text))
        }
    }

    pub fn as_str(&self) -> &str {
        match self {
            // Built only from a `&str` cut at its end, so always valid UTF-8.
            Args::Inline { len, bytes } => {
                std::str::from_utf8(&bytes[..usize::from(*len)]).unwrap_or("")
            }
            Args::Shared(text) => text,
        }
    }
}

impl Default for Args {
    fn default() -> Args {
        Args::Inline {
            len: 0,
            bytes: [0u8; ARGS_INLINE],
        }
    }
}

impl std::ops::Deref for Args {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Args {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl std::fmt::Debug for Args {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Args {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for Args {
    fn from(text: &str) -> Args {
        Args::new(text)
    }
}

impl From<String> for Args {
    fn from(text: String) -> Args {
        Args::new(&text)
    }
}

impl PartialEq<str> for Args {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Args {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Args {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Serialize for Args {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// A goroutine's scheduling state and wait details from its header.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Goroutine {
    /// Goroutine id; `None` for aggregated records (debug=1, protobuf).
    pub id: Option<u64>,
    /// How many goroutines this record stands for (1 for a traceback entry).
    pub count: u64,
    /// The state/wait reason as printed: `chan receive`, `select`, `running`,
    /// `semacquire`, `sync.Mutex.Lock`, `IO wait`, `chan send (nil chan)`, ...
    /// Empty for aggregated formats, which do not print it.
    pub state: String,
    /// Minutes the goroutine has been waiting (`[select, 5 minutes]`), if printed.
    pub wait_minutes: Option<u64>,
    /// `locked to thread` was printed.
    pub locked_to_thread: bool,
    /// Other header flags as printed, e.g. `durable`, `leaked`, `synctest bubble 3`,
    /// `scan`; kept verbatim so newer runtimes' additions are not lost.
    pub flags: Vec<String>,
    /// pprof labels (`{"k":"v"}` in newer tracebacks, `# labels:` in debug=1, profile labels).
    pub labels: Vec<(String, String)>,
    /// Innermost frame first.
    pub frames: Vec<Frame>,
    /// Frames the runtime elided (`...N frames elided...`: N; `...additional frames
    /// elided...`: counted as 1 with `frames_elided_unknown`).
    pub frames_elided: u32,
    /// The elision marker gave no count.
    pub frames_elided_unknown: bool,
    /// The `created by` frame, if printed.
    pub created_by: Option<Frame>,
    /// `created by X in goroutine N`: N.
    pub creator_id: Option<u64>,
    /// tracebackancestors blocks: `[originating from goroutine N]:`, nearest first.
    pub ancestors: Vec<Ancestor>,
    /// Line in the input where this goroutine's header starts (0 for protobuf).
    pub line: LineNo,
}

impl Goroutine {
    /// A record of an aggregated format (debug=1, protobuf): `count` goroutines sharing
    /// one stack, without id, state or creator, which those formats do not print.
    pub fn aggregated(count: u64, line: LineNo) -> Goroutine {
        Goroutine {
            id: None,
            count,
            state: String::new(),
            wait_minutes: None,
            locked_to_thread: false,
            flags: Vec::new(),
            labels: Vec::new(),
            frames: Vec::new(),
            frames_elided: 0,
            frames_elided_unknown: false,
            created_by: None,
            creator_id: None,
            ancestors: Vec::new(),
            line,
        }
    }
}

/// One `[originating from goroutine N]:` block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Ancestor {
    pub id: u64,
    pub frames: Vec<Frame>,
    pub created_by: Option<Frame>,
    pub creator_id: Option<u64>,
}

/// What made the program print a dump, when the text before it says so.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum DumpCause {
    /// `panic: test timed out after D`: the test binary's alarm fired after the
    /// tests had run for `seconds` without finishing.
    TestTimeout { seconds: f64, line: LineNo },
    /// `fatal error: all goroutines are asleep - deadlock!`: the runtime's own
    /// whole-program deadlock check.
    AllGoroutinesAsleep { line: LineNo },
    /// A signal preamble such as `SIGQUIT: quit` (a dump asked for from outside).
    Signal { name: String, line: LineNo },
    /// Another `panic:` or `fatal error:`: the program crashed.
    Crash { message: String, line: LineNo },
}

impl DumpCause {
    pub fn line(&self) -> LineNo {
        match self {
            DumpCause::TestTimeout { line, .. }
            | DumpCause::AllGoroutinesAsleep { line }
            | DumpCause::Signal { line, .. }
            | DumpCause::Crash { line, .. } => *line,
        }
    }
}

/// Which profile the snapshot is, for aggregated formats (tracebacks are all
/// goroutines, with `(leaked)` marks on some when the runtime looked for leaks).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum ProfileKind {
    /// Every goroutine (`goroutine` profile, tracebacks).
    #[default]
    Goroutine,
    /// Only the goroutines the runtime's leak detector proved blocked forever
    /// (`goroutineleak` profile, Go 1.26 with GOEXPERIMENT=goroutineleakprofile,
    /// Go 1.27+).
    GoroutineLeak,
}

/// One dump: a point in time.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Snapshot {
    pub format: DumpFormat,
    /// Total goroutines as the dump states it (debug=1 `total N`) or as counted.
    pub total: u64,
    pub goroutines: Vec<Goroutine>,
    /// Line where this snapshot starts in the input (0 for protobuf).
    pub line: LineNo,
    pub profile: ProfileKind,
    /// Why the program printed it, when the preceding text says so.
    pub cause: Option<DumpCause>,
}

impl Snapshot {
    pub fn new(format: DumpFormat, total: u64, line: LineNo) -> Snapshot {
        Snapshot {
            format,
            total,
            goroutines: Vec::new(),
            line,
            profile: ProfileKind::Goroutine,
            cause: None,
        }
    }
}

/// A line the parser did not understand inside a dump. Never silently dropped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownLine {
    pub line: LineNo,
    pub text: String,
}

/// Everything read from one input file.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ParsedDump {
    pub snapshots: Vec<Snapshot>,
    /// Lines inside dumps that matched no known form.
    pub unknown_lines: Vec<UnknownLine>,
    /// Problems worth telling the user: truncated input, unknown format, bad gzip...
    pub warnings: Vec<String>,
    /// Lines inside dumps recognised as crash-output noise and skipped: register dumps
    /// (`rax    0x0`), the signal preamble (`SIGQUIT: quit`, `PC=0x.. m=0 sigcode=0`),
    /// `exit status 2`, `runtime: ...` diagnostics.
    pub noise_lines: u64,
}
