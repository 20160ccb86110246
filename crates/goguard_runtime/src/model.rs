//! The model every dump format is parsed into, and every analysis reads.
//!
//! One `Snapshot` is one dump (one point in time). A file may hold several snapshots
//! (a log with two SIGQUIT dumps). Aggregated formats (debug=1 text, protobuf profiles)
//! do not list goroutines one by one: they become `Goroutine`s with `count > 1` and no id.

use std::num::NonZeroU32;
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

/// A function or file name. A dump repeats a few hundred names millions of times, so
/// parsers intern them: every frame holds its names as one pointer each, to a shared
/// string that reads as a `&str` (`Deref`), compares and serializes as one. Equal names
/// from one parser share their allocation, which settles most comparisons by pointer.
#[derive(Clone)]
pub struct Name(Arc<Box<str>>);

impl Name {
    pub fn new(text: &str) -> Name {
        Name(Arc::new(Box::from(text)))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The same allocation (so certainly the same text).
    pub fn ptr_eq(a: &Name, b: &Name) -> bool {
        Arc::ptr_eq(&a.0, &b.0)
    }
}

impl Default for Name {
    fn default() -> Name {
        Name::new("")
    }
}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        Name::ptr_eq(self, other) || self.as_str() == other.as_str()
    }
}

impl Eq for Name {}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl std::hash::Hash for Name {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Name) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Name) -> std::cmp::Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl std::fmt::Debug for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self.as_str(), f)
    }
}

impl std::fmt::Display for Name {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Name {
        Name::new(text)
    }
}

impl From<String> for Name {
    fn from(text: String) -> Name {
        Name::new(&text)
    }
}

impl Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

/// One stack frame: 32 bytes, as dumps hold millions of them. Its argument text lives
/// in the goroutine that holds the frame (`Goroutine::args`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Frame {
    /// Fully qualified function as printed, e.g. `net/http.(*conn).serve` or
    /// `main.worker[...]` or `main.main.func1`.
    pub func: Name,
    /// Source file path as printed (may be a Windows path).
    pub file: Name,
    /// Line in `file`; 0 if unknown (truncated input).
    pub line: u32,
    /// The `+0x..` program-counter offset plus one, if printed (see `pc_offset`).
    pc_offset_plus_one: Option<NonZeroU32>,
    /// Where the argument text is in the owning goroutine's `args_text`.
    args: ArgsSpan,
}

// Dumps hold millions of frames: four words each, names one pointer each.
const _: () = assert!(std::mem::size_of::<Frame>() == 32);
const _: () = assert!(std::mem::size_of::<Name>() == 8);

/// Where a frame's argument text is in its goroutine's `args_text`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct ArgsSpan {
    start: u32,
    len: u32,
}

impl Frame {
    /// A frame without program-counter offset or arguments.
    pub fn new(func: Name, file: Name, line: u32) -> Frame {
        Frame {
            func,
            file,
            line,
            pc_offset_plus_one: None,
            args: ArgsSpan::default(),
        }
    }

    /// The `+0x..` program-counter offset if printed; `None` for inlined frames.
    /// Offsets of 4 GiB or more (no function is that long) read as `u32::MAX - 1`.
    pub fn pc_offset(&self) -> Option<u32> {
        self.pc_offset_plus_one.map(|n| n.get() - 1)
    }

    pub fn set_pc_offset(&mut self, offset: Option<u64>) {
        self.pc_offset_plus_one = offset.map(|offset| {
            let offset = u32::try_from(offset).unwrap_or(u32::MAX).min(u32::MAX - 1);
            NonZeroU32::MIN.saturating_add(offset)
        });
    }

    pub fn with_pc_offset(mut self, offset: Option<u64>) -> Frame {
        self.set_pc_offset(offset);
        self
    }

    /// The frame with its argument text at `args` (from `Goroutine::add_args`).
    pub(crate) fn with_args(mut self, args: ArgsSpan) -> Frame {
        self.args = args;
        self
    }
}

/// A goroutine's scheduling state and wait details from its header.
#[derive(Debug, Clone, PartialEq, Eq)]
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
    /// The argument texts of all frames above (own, `created by`, ancestors'), one
    /// after another: one allocation per goroutine instead of one per frame. Read
    /// through `args`.
    pub(crate) args_text: String,
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
            args_text: String::new(),
        }
    }

    /// The argument text of one of this goroutine's frames (its own, `created_by` or
    /// an ancestor's) as printed between the parentheses (`0xc000010000, 0x1`, `...`,
    /// `{...}`, `?`); empty when none. A frame of another goroutine gives nonsense.
    pub fn args(&self, frame: &Frame) -> &str {
        let start = frame.args.start as usize;
        let end = start + frame.args.len as usize;
        self.args_text.get(start..end).unwrap_or("")
    }

    /// Sets the argument text of `frames[index]` (for building goroutines by hand).
    pub fn set_args(&mut self, index: usize, text: &str) {
        let span = self.add_args(text);
        if let Some(frame) = self.frames.get_mut(index) {
            frame.args = span;
        }
    }

    /// Stores an argument text for a frame of this goroutine. Texts beyond 4 GiB in
    /// one goroutine (no real dump has them) are not kept.
    pub(crate) fn add_args(&mut self, text: &str) -> ArgsSpan {
        if text.is_empty() {
            return ArgsSpan::default();
        }
        let (Ok(start), Ok(len)) = (
            u32::try_from(self.args_text.len()),
            u32::try_from(text.len()),
        ) else {
            return ArgsSpan::default();
        };
        if start.checked_add(len).is_none() {
            return ArgsSpan::default();
        }
        self.args_text.push_str(text);
        ArgsSpan { start, len }
    }

    /// Gives back the spare capacity of the growing vectors once the goroutine is read.
    pub(crate) fn shrink_to_fit(&mut self) {
        self.frames.shrink_to_fit();
        self.args_text.shrink_to_fit();
        for ancestor in &mut self.ancestors {
            ancestor.frames.shrink_to_fit();
        }
    }
}

/// A frame as serialized: its fields and its argument text.
#[derive(Serialize)]
struct FrameOut<'g> {
    func: &'g str,
    file: &'g str,
    line: u32,
    pc_offset: Option<u32>,
    args: &'g str,
}

impl<'g> FrameOut<'g> {
    fn new(g: &'g Goroutine, f: &'g Frame) -> FrameOut<'g> {
        FrameOut {
            func: &f.func,
            file: &f.file,
            line: f.line,
            pc_offset: f.pc_offset(),
            args: g.args(f),
        }
    }
}

/// Frames of a goroutine, serialized with their argument texts.
struct FramesOut<'g>(&'g Goroutine, &'g [Frame]);

impl Serialize for FramesOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.1.iter().map(|f| FrameOut::new(self.0, f)))
    }
}

#[derive(Serialize)]
struct AncestorOut<'g> {
    id: u64,
    frames: FramesOut<'g>,
    created_by: Option<FrameOut<'g>>,
    creator_id: Option<u64>,
}

struct AncestorsOut<'g>(&'g Goroutine);

impl Serialize for AncestorsOut<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let g = self.0;
        serializer.collect_seq(g.ancestors.iter().map(|a| AncestorOut {
            id: a.id,
            frames: FramesOut(g, &a.frames),
            created_by: a.created_by.as_ref().map(|f| FrameOut::new(g, f)),
            creator_id: a.creator_id,
        }))
    }
}

impl Serialize for Goroutine {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("Goroutine", 14)?;
        out.serialize_field("id", &self.id)?;
        out.serialize_field("count", &self.count)?;
        out.serialize_field("state", &self.state)?;
        out.serialize_field("wait_minutes", &self.wait_minutes)?;
        out.serialize_field("locked_to_thread", &self.locked_to_thread)?;
        out.serialize_field("flags", &self.flags)?;
        out.serialize_field("labels", &self.labels)?;
        out.serialize_field("frames", &FramesOut(self, &self.frames))?;
        out.serialize_field("frames_elided", &self.frames_elided)?;
        out.serialize_field("frames_elided_unknown", &self.frames_elided_unknown)?;
        let created_by = self.created_by.as_ref().map(|f| FrameOut::new(self, f));
        out.serialize_field("created_by", &created_by)?;
        out.serialize_field("creator_id", &self.creator_id)?;
        out.serialize_field("ancestors", &AncestorsOut(self))?;
        out.serialize_field("line", &self.line)?;
        out.end()
    }
}

/// One `[originating from goroutine N]:` block. The argument texts of its frames are
/// in the goroutine that holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pc_offsets_in_four_bytes() {
        let frame = |offset| Frame::new("f".into(), "f.go".into(), 1).with_pc_offset(offset);
        assert_eq!(frame(None).pc_offset(), None);
        assert_eq!(frame(Some(0)).pc_offset(), Some(0));
        assert_eq!(frame(Some(0x1d)).pc_offset(), Some(0x1d));
        assert_eq!(
            frame(Some(u64::from(u32::MAX) - 1)).pc_offset(),
            Some(u32::MAX - 1)
        );
        assert_eq!(frame(Some(1 << 40)).pc_offset(), Some(u32::MAX - 1));
    }

    #[test]
    fn arguments_live_in_the_goroutine() {
        let mut g = Goroutine::aggregated(1, 0);
        g.frames = vec![
            Frame::new("a".into(), "a.go".into(), 1),
            Frame::new("b".into(), "b.go".into(), 2),
            Frame::new("c".into(), "c.go".into(), 3),
        ];
        g.set_args(0, "0xc000010000, 0x1");
        g.set_args(2, "...");
        assert_eq!(g.args(&g.frames[0]), "0xc000010000, 0x1");
        assert_eq!(g.args(&g.frames[1]), "");
        assert_eq!(g.args(&g.frames[2]), "...");
        g.set_args(0, "{0x4a, 0x5}");
        assert_eq!(g.args(&g.frames[0]), "{0x4a, 0x5}");
        let json = serde_json::to_value(&g).unwrap();
        assert_eq!(json["frames"][0]["args"], "{0x4a, 0x5}");
        assert_eq!(json["frames"][2]["args"], "...");
        assert_eq!(json["frames"][2]["pc_offset"], serde_json::Value::Null);
    }

    #[test]
    fn names_compare_by_text() {
        let a = Name::new("main.main");
        let b = Name::from("main.main".to_string());
        assert!(!Name::ptr_eq(&a, &b));
        assert_eq!(a, b);
        assert_eq!(a, "main.main");
        assert!(a.starts_with("main."));
        assert!(Name::new("a") < Name::new("b"));
        assert_eq!(serde_json::to_string(&a).unwrap(), "\"main.main\"");
    }
}
