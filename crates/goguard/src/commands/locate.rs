//! Where a runtime finding points: the files a dump names (build paths such
//! as `/home/ci/src/app/x.go`, or module paths), mapped onto a local source
//! tree when there is one, so findings show the code and land in code
//! scanning at the right file. A path that maps nowhere is kept as the dump
//! printed it, known by path and line only.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use goguard_diagnostics::goroutines::FrameLocation;
use goguard_diagnostics::{FileId, Files, Span};
use goguard_runtime::analysis::source::SourceTree;

pub struct Locator<'t> {
    tree: Option<&'t SourceTree>,
    cwd: PathBuf,
    pub files: Files,
    by_dump_path: HashMap<String, FileId>,
    /// The local file behind an id, for files found in the tree.
    local: HashMap<FileId, PathBuf>,
}

impl<'t> Locator<'t> {
    pub fn new(tree: Option<&'t SourceTree>, cwd: &Path) -> Self {
        Locator {
            tree,
            cwd: cwd.to_path_buf(),
            files: Files::new(),
            by_dump_path: HashMap::new(),
            local: HashMap::new(),
        }
    }

    /// The file a dump path stands for, added on first use.
    pub fn file(&mut self, dump_path: &str) -> FileId {
        if let Some(&id) = self.by_dump_path.get(dump_path) {
            return id;
        }
        let local = self.tree.and_then(|t| t.resolve(dump_path));
        let text = local.as_ref().and_then(|p| std::fs::read_to_string(p).ok());
        let id = match (local, text) {
            (Some(path), Some(text)) => {
                let shown = path
                    .strip_prefix(&self.cwd)
                    .map(Path::to_path_buf)
                    .unwrap_or_else(|_| path.clone());
                let id = self.files.add(shown.display().to_string(), text);
                self.local.insert(id, path);
                id
            }
            _ => self.files.add_unread(dump_path),
        };
        self.by_dump_path.insert(dump_path.to_string(), id);
        id
    }

    /// The span of a frame's line.
    pub fn span(&mut self, frame: &FrameLocation) -> Span {
        let id = self.file(&frame.file);
        self.files.line_span(id, frame.line)
    }

    /// The local file and line of a span in a file found in the tree.
    pub fn local_line(&self, span: Span) -> Option<(PathBuf, u32)> {
        let path = self.local.get(&span.file)?;
        let line = self.files.positions(span).0.line;
        Some((path.clone(), line))
    }
}
