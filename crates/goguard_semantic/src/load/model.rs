//! The output of loading: plain, immutable data.

use std::fmt;
use std::path::PathBuf;

use super::gomod;
use super::version::GoVersion;

/// Index into [`Workspace::modules`].
pub type ModuleId = usize;

/// The loaded project: plain data in a deterministic order (modules by
/// directory, packages by import path then directory, files by name).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Workspace {
    /// The go.work used, if any.
    pub go_work: Option<PathBuf>,
    /// Its `go` line. Informational: each module keeps its own language
    /// version, as with the go command.
    pub go_work_version: Option<GoVersion>,
    /// Its `toolchain` line.
    pub go_work_toolchain: Option<String>,
    pub modules: Vec<Module>,
    pub packages: Vec<Package>,
    pub skipped: Vec<SkippedFile>,
    /// Directories whose files could not be listed (permissions, a path
    /// too long for the system); each also has a warning.
    pub unreadable_dirs: Vec<PathBuf>,
    pub warnings: Vec<LoadWarning>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Module {
    pub dir: PathBuf,
    /// The module path; empty in ad-hoc mode (no usable go.mod).
    pub path: String,
    /// The go.mod `go` line (1.16 if absent, as the go command assumes), or
    /// the toolchain version in ad-hoc mode.
    pub go_version: GoVersion,
    pub go_work_member: bool,
    /// No go.mod (or one without a module line): import paths are relative
    /// directories.
    pub ad_hoc: bool,
    pub toolchain: Option<String>,
    pub requires: Vec<gomod::Require>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Package {
    pub module: ModuleId,
    pub dir: PathBuf,
    /// Module path joined with the directory relative to the module root
    /// (the same for a package and its external test package).
    pub import_path: String,
    /// The declared name (`foo_test` for an external test package).
    pub name: String,
    pub is_external_test: bool,
    pub files: Vec<GoFile>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoFile {
    pub path: PathBuf,
    /// A `_test.go` file.
    pub is_test: bool,
    /// The language version the file is compiled with.
    pub go_version: GoVersion,
    /// Carries the generated-code marker (only kept with
    /// [`LoadOptions::include_generated`](super::LoadOptions::include_generated)).
    pub generated: bool,
    /// Imports "C".
    pub cgo: bool,
    pub size: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedFile {
    pub path: PathBuf,
    pub reason: SkipReason,
}

impl SkipReason {
    /// True when the file was meant to be checked but could not be (an
    /// unreadable file, no package clause, a malformed constraint, another
    /// package's file), as opposed to a file the build leaves out.
    pub fn is_problem(&self) -> bool {
        matches!(
            self,
            SkipReason::Unreadable
                | SkipReason::NoPackageClause
                | SkipReason::InvalidConstraint
                | SkipReason::OtherPackage(_)
        )
    }
}

/// Why a `.go` file is not checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    /// Name starts with `_` or `.`.
    IgnoredName,
    /// A `_GOOS`/`_GOARCH` name suffix does not match.
    FileNameConstraint,
    /// `//go:build` or `// +build` lines exclude it.
    BuildConstraint,
    /// A malformed `//go:build` line, or several of them (go rejects the
    /// file as invalid).
    InvalidConstraint,
    /// Imports "C" while cgo is off.
    CgoDisabled,
    /// Generated code.
    Generated,
    /// `package documentation`, which go ignores.
    Documentation,
    /// Its package clause differs from the directory's package.
    OtherPackage(String),
    /// No package clause could be found.
    NoPackageClause,
    /// A `_test.go` file while tests are off.
    Test,
    Unreadable,
}

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct LoadWarning {
    pub path: PathBuf,
    pub line: Option<u32>,
    pub message: String,
}

impl fmt::Display for LoadWarning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(l) => write!(f, "{}:{}: {}", self.path.display(), l, self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// A path argument does not exist (or is not a directory or `.go` file).
    NotFound(PathBuf),
    /// The current directory could not be determined.
    CurrentDir(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NotFound(p) => write!(f, "{}: no such directory or .go file", p.display()),
            LoadError::CurrentDir(e) => write!(f, "cannot determine current directory: {e}"),
        }
    }
}

impl std::error::Error for LoadError {}
