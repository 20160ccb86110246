//! Loading: how a Go project on disk becomes modules, packages and the files
//! to check, as the go command would see them — without a Go toolchain.
//!
//! Entry point: [`load`]. See docs/loading.md for the rules and how they
//! differ from the go command.

pub mod constraint;
pub mod filename;
pub mod gomod;
pub mod gowork;
pub mod header;
pub mod version;
mod walk;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

pub use version::GoVersion;

/// What to load and how to decide file selection.
#[derive(Debug, Clone)]
pub struct LoadOptions {
    /// Paths or patterns: a directory (its package), a `.go` file (its
    /// directory's package) or a pattern with `...` (`./...`, `dir/...`).
    /// Empty means `.`.
    pub paths: Vec<String>,
    /// Directory relative paths are resolved against; the process's
    /// current directory when `None`.
    pub dir: Option<PathBuf>,
    pub goos: String,
    pub goarch: String,
    /// Whether the `cgo` tag is set and files importing "C" are kept.
    pub cgo: bool,
    /// Extra build tags (`-tags`).
    pub tags: Vec<String>,
    /// The toolchain version: `go1.N` release tags hold up to it, and it is
    /// the language version outside any module.
    pub toolchain: GoVersion,
    /// Keep files marked `// Code generated ... DO NOT EDIT.`.
    pub include_generated: bool,
    /// Keep `_test.go` files and external test packages.
    pub include_tests: bool,
    /// Walk into `vendor` directories under `...`.
    pub include_vendor: bool,
    /// Walk into `testdata` directories under `...`.
    pub include_testdata: bool,
    /// Honour `.gitignore` files when walking `...`.
    pub gitignore: bool,
    /// Use a go.work found above the paths (as `GOWORK` unset does).
    pub use_go_work: bool,
    /// Under `...`, load nested modules as their own modules even when no
    /// go.work lists them (the go command would leave them out).
    pub nested_modules: bool,
}

impl Default for LoadOptions {
    fn default() -> Self {
        LoadOptions {
            paths: Vec::new(),
            dir: None,
            goos: "linux".into(),
            goarch: "amd64".into(),
            cgo: true,
            tags: Vec::new(),
            toolchain: version::NEWEST_KNOWN,
            include_generated: false,
            include_tests: true,
            include_vendor: false,
            include_testdata: false,
            gitignore: true,
            use_go_work: true,
            nested_modules: false,
        }
    }
}

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
    /// [`LoadOptions::include_generated`]).
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

/// Decides single build tags for a configuration (go/build `matchTag`).
pub struct BuildContext {
    goos: String,
    goarch: String,
    cgo: bool,
    tags: HashSet<String>,
    toolchain: GoVersion,
}

impl BuildContext {
    pub fn new(opts: &LoadOptions) -> BuildContext {
        let mut tags: HashSet<String> = opts.tags.iter().cloned().collect();
        // Default tool tags: the baseline microarchitecture levels.
        match opts.goarch.as_str() {
            "amd64" => tags.insert("amd64.v1".into()),
            "arm64" => tags.insert("arm64.v8.0".into()),
            _ => false,
        };
        BuildContext {
            goos: opts.goos.clone(),
            goarch: opts.goarch.clone(),
            cgo: opts.cgo,
            tags,
            toolchain: opts.toolchain,
        }
    }

    pub fn matches(&self, tag: &str) -> bool {
        if tag == "cgo" {
            return self.cgo;
        }
        if tag == self.goos || tag == self.goarch || tag == "gc" {
            return true;
        }
        let os = self.goos.as_str();
        if (os == "android" && tag == "linux")
            || (os == "illumos" && tag == "solaris")
            || (os == "ios" && tag == "darwin")
        {
            return true;
        }
        if tag == "unix" && filename::UNIX_OS.contains(&os) {
            return true;
        }
        if let Some(n) = tag.strip_prefix("go1.") {
            // Release tags go1.1 … go1.N for toolchain go1.N.
            if let Ok(minor) = n.parse::<u32>() {
                if !n.starts_with('0') && minor >= 1 && self.toolchain.major == 1 {
                    return minor <= self.toolchain.minor;
                }
            }
        }
        let tag = if tag == "boringcrypto" {
            "goexperiment.boringcrypto"
        } else {
            tag
        };
        self.tags.contains(tag)
    }
}

/// How much of a file is read first; most headers fit.
const HEAD_BYTES: usize = 16 * 1024;

fn read_header(path: &Path) -> std::io::Result<(header::Header, u64)> {
    let mut f = std::fs::File::open(path)?;
    let size = f.metadata()?.len();
    let mut buf = Vec::with_capacity(HEAD_BYTES.min(size as usize + 1));
    (&mut f).take(HEAD_BYTES as u64).read_to_end(&mut buf)?;
    let complete = buf.len() < HEAD_BYTES;
    if let Some(h) = header::scan(&buf, complete) {
        return Ok((h, size));
    }
    f.read_to_end(&mut buf)?;
    let h = header::scan(&buf, true).unwrap_or_default();
    Ok((h, size))
}

/// Per-module facts needed while loading a directory.
#[derive(Debug, Clone)]
struct ModInfo {
    path: String,
    go_version: GoVersion,
    member: bool,
    ad_hoc: bool,
    toolchain: Option<String>,
    requires: Vec<gomod::Require>,
}

/// Result of loading one directory.
#[derive(Default)]
struct DirResult {
    packages: Vec<(String, bool, Vec<GoFile>)>,
    skipped: Vec<SkippedFile>,
    warnings: Vec<LoadWarning>,
}

fn warn(path: &Path, line: Option<u32>, message: impl Into<String>) -> LoadWarning {
    LoadWarning {
        path: path.to_path_buf(),
        line,
        message: message.into(),
    }
}

/// Selects a directory's files and groups them into its package and
/// external test package, as go/build `Import` does.
fn load_dir(
    dir: &Path,
    names: &[String],
    module_go: GoVersion,
    ctx: &BuildContext,
    opts: &LoadOptions,
) -> DirResult {
    let mut r = DirResult::default();
    let matches = |t: &str| ctx.matches(t);
    let mut pkg_name = String::new();
    let mut first_file = String::new();
    let mut main_files = Vec::new();
    let mut x_files = Vec::new();
    let mut x_name = String::new();
    for name in names {
        let path = dir.join(name);
        let skip = |r: &mut DirResult, reason| {
            r.skipped.push(SkippedFile {
                path: path.clone(),
                reason,
            })
        };
        if filename::is_ignored_name(name) {
            skip(&mut r, SkipReason::IgnoredName);
            continue;
        }
        if !filename::good_os_arch_file(name, &matches) {
            skip(&mut r, SkipReason::FileNameConstraint);
            continue;
        }
        let is_test = name.ends_with("_test.go");
        if is_test && !opts.include_tests {
            skip(&mut r, SkipReason::Test);
            continue;
        }
        let (h, size) = match read_header(&path) {
            Ok(x) => x,
            Err(e) => {
                r.warnings
                    .push(warn(&path, None, format!("cannot read: {e}")));
                skip(&mut r, SkipReason::Unreadable);
                continue;
            }
        };
        if let Some(line) = h.multiple_go_build {
            r.warnings
                .push(warn(&path, Some(line), "multiple //go:build comments"));
            skip(&mut r, SkipReason::InvalidConstraint);
            continue;
        }
        let keep = if let Some((line, text)) = &h.go_build {
            let expr = constraint::go_build_text(text).unwrap_or_default();
            match constraint::parse_go_build(expr) {
                Ok(x) => x.eval(&matches),
                Err(e) => {
                    r.warnings.push(warn(
                        &path,
                        Some(*line),
                        format!("parsing //go:build line: {}", e.message),
                    ));
                    skip(&mut r, SkipReason::InvalidConstraint);
                    continue;
                }
            }
        } else {
            // Every legacy line must hold; unparsable ones are ignored.
            h.plus_build.iter().all(|(_, text)| {
                constraint::plus_build_text(text)
                    .and_then(|t| constraint::parse_plus_build(t).ok())
                    .is_none_or(|x| x.eval(&matches))
            })
        };
        if !keep {
            skip(&mut r, SkipReason::BuildConstraint);
            continue;
        }
        let Some((declared, pkg_line)) = h.package.clone() else {
            r.warnings
                .push(warn(&path, None, "no package clause found; file skipped"));
            skip(&mut r, SkipReason::NoPackageClause);
            continue;
        };
        if declared == "documentation" {
            skip(&mut r, SkipReason::Documentation);
            continue;
        }
        if h.imports_c && !ctx.cgo {
            skip(&mut r, SkipReason::CgoDisabled);
            continue;
        }
        // go/build: a _test.go file in package `p_test` is an external test
        // unless the directory's package is itself named `p_test`.
        let mut pkg = declared.clone();
        let mut is_xtest = false;
        if is_test && pkg.ends_with("_test") && pkg != pkg_name {
            is_xtest = true;
            pkg.truncate(pkg.len() - "_test".len());
        }
        if pkg_name.is_empty() {
            pkg_name = pkg.clone();
            first_file = name.clone();
        } else if pkg != pkg_name {
            r.warnings.push(warn(
                &path,
                Some(pkg_line),
                format!(
                    "found packages {pkg_name} ({first_file}) and {pkg} ({name}) in {}; {name} skipped",
                    dir.display()
                ),
            ));
            skip(&mut r, SkipReason::OtherPackage(declared));
            continue;
        }
        if h.generated && !opts.include_generated {
            skip(&mut r, SkipReason::Generated);
            continue;
        }
        // go/types: a file whose //go:build implies go1.N is compiled at
        // max(go1.N, go1.21), replacing (possibly lowering) the module's.
        let go_version = match h.build_version {
            Some(v) => v.max(version::FILE_VERSION_FLOOR),
            None => module_go,
        };
        let file = GoFile {
            path,
            is_test,
            go_version,
            generated: h.generated,
            cgo: h.imports_c,
            size,
        };
        if is_xtest {
            x_name = declared;
            x_files.push(file);
        } else {
            main_files.push(file);
        }
    }
    if !main_files.is_empty() {
        r.packages.push((pkg_name.clone(), false, main_files));
    }
    if !x_files.is_empty() {
        r.packages.push((x_name, true, x_files));
    }
    r
}

/// Finds the nearest directory at or above `dir` holding `file`.
fn find_up(dir: &Path, file: &str) -> Option<PathBuf> {
    dir.ancestors()
        .find(|d| d.join(file).is_file())
        .map(Path::to_path_buf)
}

struct Loader<'a> {
    opts: &'a LoadOptions,
    modules: BTreeMap<PathBuf, ModInfo>,
    members: Arc<HashSet<PathBuf>>,
    /// Directory → (module root, `.go` file names).
    dirs: BTreeMap<PathBuf, (PathBuf, Vec<String>)>,
    warnings: Vec<LoadWarning>,
    ad_hoc_warned: bool,
}

impl Loader<'_> {
    fn register_go_mod(&mut self, dir: &Path) {
        if self.modules.contains_key(dir) {
            return;
        }
        let file = dir.join("go.mod");
        let (m, errors) = match std::fs::read(&file) {
            Ok(b) => gomod::parse_go_mod(&String::from_utf8_lossy(&b)),
            Err(e) => (
                gomod::GoMod::default(),
                vec![gomod::ModFileError {
                    line: 0,
                    message: format!("cannot read: {e}"),
                }],
            ),
        };
        for e in &errors {
            let line = (e.line > 0).then_some(e.line);
            self.warnings.push(warn(&file, line, e.message.clone()));
        }
        let ad_hoc = m.module.is_none();
        if ad_hoc {
            self.warnings.push(warn(
                &file,
                None,
                "no usable module path; import paths are relative to this directory",
            ));
        }
        self.modules.insert(
            dir.to_path_buf(),
            ModInfo {
                path: m.module.map(|(p, _)| p).unwrap_or_default(),
                go_version: m.go.unwrap_or(version::DEFAULT_GO_MOD_VERSION),
                member: self.members.contains(dir),
                ad_hoc,
                toolchain: m.toolchain,
                requires: m.requires,
            },
        );
    }

    fn register_ad_hoc(&mut self, dir: &Path) {
        if self.modules.contains_key(dir) {
            return;
        }
        if !self.ad_hoc_warned {
            self.ad_hoc_warned = true;
            self.warnings.push(warn(
                dir,
                None,
                format!(
                    "no go.mod found here or above; loading without a module (import paths are relative directories, Go version {})",
                    self.opts.toolchain
                ),
            ));
        }
        self.modules.insert(
            dir.to_path_buf(),
            ModInfo {
                path: String::new(),
                go_version: self.opts.toolchain,
                member: false,
                ad_hoc: true,
                toolchain: None,
                requires: Vec::new(),
            },
        );
    }

    /// The registered module root closest above `dir`.
    fn module_of(&self, dir: &Path) -> Option<PathBuf> {
        dir.ancestors()
            .find(|d| self.modules.contains_key(*d))
            .map(Path::to_path_buf)
    }

    /// Registers the module governing `dir` (nearest go.mod, else ad-hoc
    /// rooted at `dir`) and returns its root.
    fn governing(&mut self, dir: &Path) -> PathBuf {
        match find_up(dir, "go.mod") {
            Some(root) => {
                self.register_go_mod(&root);
                if !self.members.is_empty() && !self.members.contains(&root) {
                    self.warnings.push(warn(
                        &root.join("go.mod"),
                        None,
                        "module is not listed in go.work; loaded on its own",
                    ));
                }
                root
            }
            None => {
                self.register_ad_hoc(dir);
                dir.to_path_buf()
            }
        }
    }

    fn add_dir(&mut self, dir: PathBuf, module: PathBuf, names: Vec<String>) {
        self.dirs.entry(dir).or_insert((module, names));
    }

    fn list_go_files(&mut self, dir: &Path) -> Vec<String> {
        let mut names = Vec::new();
        match std::fs::read_dir(dir) {
            Ok(rd) => {
                for e in rd.flatten() {
                    let name = e.file_name().to_string_lossy().into_owned();
                    if name.ends_with(".go") && e.path().is_file() {
                        names.push(name);
                    }
                }
            }
            Err(e) => self
                .warnings
                .push(warn(dir, None, format!("cannot read directory: {e}"))),
        }
        names.sort();
        names
    }

    fn target(&mut self, t: walk::Target) {
        match t {
            walk::Target::Dir(dir) => {
                let module = self.governing(&dir);
                let names = self.list_go_files(&dir);
                self.add_dir(dir, module, names);
            }
            walk::Target::File(file) => {
                let dir = file
                    .parent()
                    .map_or_else(|| PathBuf::from("."), Path::to_path_buf);
                let module = self.governing(&dir);
                let names = self.list_go_files(&dir);
                self.add_dir(dir.clone(), module, names);
                // A named file is considered even if a walk of the same
                // directory left it out (.gitignore).
                if let (Some(name), Some((_, names))) = (file.file_name(), self.dirs.get_mut(&dir))
                {
                    let name = name.to_string_lossy().into_owned();
                    if let Err(at) = names.binary_search(&name) {
                        names.insert(at, name);
                    }
                }
            }
            walk::Target::Tree { root, rest } => self.tree(root, &rest),
        }
    }

    fn tree(&mut self, root: PathBuf, rest: &str) {
        let in_work = !self.members.is_empty();
        let gov = find_up(&root, "go.mod");
        let mut all_modules = self.opts.nested_modules;
        match &gov {
            Some(g) if in_work && !self.members.contains(g) => {
                self.governing(&root);
            }
            Some(g) => self.register_go_mod(g),
            None if in_work => {}
            None => {
                // No module at all: nothing to be "the parent", so modules
                // found below are loaded as themselves.
                self.register_ad_hoc(&root);
                all_modules = true;
            }
        }
        let policy = walk::WalkPolicy {
            include_vendor: self.opts.include_vendor,
            include_testdata: self.opts.include_testdata,
            gitignore: self.opts.gitignore,
            allowed_modules: Arc::clone(&self.members),
            all_modules,
        };
        let res = walk::walk_tree(&root, rest, policy);
        for (path, e) in res.errors {
            self.warnings.push(warn(&path, None, e));
        }
        for m in &res.modules {
            self.register_go_mod(m);
        }
        let mut matched = false;
        for (dir, names) in res.dirs {
            match self.module_of(&dir) {
                Some(module) => {
                    matched = true;
                    self.add_dir(dir, module, names);
                }
                None => self.warnings.push(warn(
                    &dir,
                    None,
                    "directory is not inside a module listed in go.work; skipped",
                )),
            }
        }
        if !matched {
            self.warnings.push(warn(
                &root,
                None,
                format!("pattern {rest} matched no Go files"),
            ));
        }
    }
}

/// Loads the packages named by `opts.paths`.
pub fn load(opts: &LoadOptions) -> Result<Workspace, LoadError> {
    let base = match &opts.dir {
        Some(d) => d.clone(),
        None => std::env::current_dir().map_err(|e| LoadError::CurrentDir(e.to_string()))?,
    };
    let base = walk::clean(&std::path::absolute(&base).unwrap_or(base));
    let paths: Vec<String> = if opts.paths.is_empty() {
        vec![".".into()]
    } else {
        opts.paths.clone()
    };
    let targets = paths
        .iter()
        .map(|p| walk::parse_target(p, &base).map_err(LoadError::NotFound))
        .collect::<Result<Vec<_>, _>>()?;

    let mut loader = Loader {
        opts,
        modules: BTreeMap::new(),
        members: Arc::new(HashSet::new()),
        dirs: BTreeMap::new(),
        warnings: Vec::new(),
        ad_hoc_warned: false,
    };

    // go.work: found by walking up from the first path, as the go command
    // finds it from the current directory.
    let mut go_work = None;
    let mut go_work_version = None;
    let mut go_work_toolchain = None;
    if opts.use_go_work {
        let start = match targets.first() {
            Some(walk::Target::Dir(d)) => d.clone(),
            Some(walk::Target::File(f)) => f.parent().map(Path::to_path_buf).unwrap_or_default(),
            Some(walk::Target::Tree { root, .. }) => root.clone(),
            None => base.clone(),
        };
        if let Some(wdir) = find_up(&start, "go.work") {
            let file = wdir.join("go.work");
            match std::fs::read(&file) {
                Ok(b) => {
                    let (w, errors) = gowork::parse_go_work(&String::from_utf8_lossy(&b));
                    for e in errors {
                        loader.warnings.push(warn(&file, Some(e.line), e.message));
                    }
                    let mut members = HashSet::new();
                    for (u, line) in &w.uses {
                        let d = walk::clean(&wdir.join(u));
                        if d.join("go.mod").is_file() {
                            members.insert(d);
                        } else {
                            loader.warnings.push(warn(
                                &file,
                                Some(*line),
                                format!("use {u}: no go.mod in {}", d.display()),
                            ));
                        }
                    }
                    loader.members = Arc::new(members);
                    let members: Vec<PathBuf> = loader.members.iter().cloned().collect();
                    for m in members {
                        loader.register_go_mod(&m);
                    }
                    go_work = Some(file);
                    go_work_version = w.go;
                    go_work_toolchain = w.toolchain;
                }
                Err(e) => loader
                    .warnings
                    .push(warn(&file, None, format!("cannot read: {e}"))),
            }
        }
    }

    for t in targets.iter().cloned() {
        loader.target(t);
    }
    let ctx = BuildContext::new(opts);
    let jobs: Vec<(&PathBuf, &PathBuf, &Vec<String>)> =
        loader.dirs.iter().map(|(d, (m, n))| (d, m, n)).collect();
    let modules = &loader.modules;
    let results: Vec<DirResult> = jobs
        .par_iter()
        .map(|(dir, m, names)| {
            let go = modules.get(*m).map_or(opts.toolchain, |mi| mi.go_version);
            load_dir(dir, names, go, &ctx, opts)
        })
        .collect();

    // Only modules that own a loaded package are reported, plus go.work
    // members (so a workspace's modules are visible even when empty).
    let used: BTreeSet<&PathBuf> = jobs.iter().map(|(_, m, _)| *m).collect();
    let module_dirs: Vec<&PathBuf> = modules
        .iter()
        .filter(|(d, mi)| used.contains(d) || mi.member)
        .map(|(d, _)| d)
        .collect();
    let module_id = |d: &PathBuf| module_dirs.binary_search(&d).unwrap_or(0);

    let mut ws = Workspace {
        go_work,
        go_work_version,
        go_work_toolchain,
        ..Workspace::default()
    };
    for d in &module_dirs {
        let mi = &modules[*d];
        ws.modules.push(Module {
            dir: (*d).clone(),
            path: mi.path.clone(),
            go_version: mi.go_version,
            go_work_member: mi.member,
            ad_hoc: mi.ad_hoc,
            toolchain: mi.toolchain.clone(),
            requires: mi.requires.clone(),
        });
    }
    for ((dir, mroot, _), res) in jobs.iter().zip(results) {
        let mi = &modules[*mroot];
        let rel = dir
            .strip_prefix(mroot)
            .map(|r| r.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let import_path = match (mi.path.as_str(), rel.as_str()) {
            ("", "") => ".".to_string(),
            ("", r) => r.to_string(),
            (p, "") => p.to_string(),
            (p, r) => format!("{p}/{r}"),
        };
        for (name, is_external_test, files) in res.packages {
            ws.packages.push(Package {
                module: module_id(mroot),
                dir: (*dir).clone(),
                import_path: import_path.clone(),
                name,
                is_external_test,
                files,
            });
        }
        ws.skipped.extend(res.skipped);
        ws.warnings.extend(res.warnings);
    }
    ws.warnings.extend(loader.warnings);
    ws.packages.sort_by(|a, b| {
        (&a.import_path, &a.dir, a.is_external_test).cmp(&(
            &b.import_path,
            &b.dir,
            b.is_external_test,
        ))
    });
    ws.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    for t in &targets {
        if let walk::Target::File(f) = t {
            if let Some(s) = ws.skipped.iter().find(|s| &s.path == f) {
                ws.warnings.push(warn(
                    f,
                    None,
                    format!("named file is not checked: {:?}", s.reason),
                ));
            }
        }
    }
    ws.warnings.sort();
    ws.warnings.dedup();
    Ok(ws)
}
