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
mod model;
mod package;
pub mod version;
mod walk;

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

pub use model::{
    GoFile, LoadError, LoadWarning, Module, ModuleId, Package, SkipReason, SkippedFile, Workspace,
};
pub use package::BuildContext;
use package::{load_dir, warn, DirResult};
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
    /// The language version of code outside any module (no go.mod): old
    /// GOPATH-style trees. `None` means the toolchain version.
    pub go_without_module: Option<GoVersion>,
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
            go_without_module: None,
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

/// Per-module facts needed while loading a directory.
#[derive(Debug, Clone)]
struct ModInfo {
    path: String,
    go_version: GoVersion,
    member: bool,
    ad_hoc: bool,
    toolchain: Option<String>,
    requires: Vec<gomod::Require>,
    /// go.mod `ignore` directives: directories `...` patterns skip.
    ignores: Vec<String>,
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
    /// Directories that could not be read (their files are not checked).
    unreadable_dirs: Vec<PathBuf>,
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
                ignores: m.ignores,
            },
        );
    }

    fn register_ad_hoc(&mut self, dir: &Path) {
        if self.modules.contains_key(dir) {
            return;
        }
        let go_version = self.opts.go_without_module.unwrap_or(self.opts.toolchain);
        if !self.ad_hoc_warned {
            self.ad_hoc_warned = true;
            self.warnings.push(warn(
                dir,
                None,
                format!(
                    "no go.mod found here or above; loading without a module (import paths are relative directories, Go version {go_version})"
                ),
            ));
        }
        self.modules.insert(
            dir.to_path_buf(),
            ModInfo {
                path: String::new(),
                go_version,
                member: false,
                ad_hoc: true,
                toolchain: None,
                requires: Vec::new(),
                ignores: Vec::new(),
            },
        );
    }

    /// Whether the module's go.mod `ignore` directives exclude `dir` from
    /// `...` patterns (cmd/go `IgnorePatterns`).
    fn ignored_by_go_mod(&self, dir: &Path, module: &Path) -> bool {
        let Some(mi) = self.modules.get(module) else {
            return false;
        };
        if mi.ignores.is_empty() {
            return false;
        }
        let rel = dir.strip_prefix(module).unwrap_or(dir);
        walk::ignored_by_patterns(&rel.to_string_lossy(), &mi.ignores)
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
            Err(e) => {
                self.warnings
                    .push(warn(dir, None, format!("cannot read directory: {e}")));
                self.unreadable_dirs.push(dir.to_path_buf());
            }
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
            self.unreadable_dirs.push(path);
        }
        for m in &res.modules {
            self.register_go_mod(m);
        }
        let mut matched = false;
        for (dir, names) in res.dirs {
            match self.module_of(&dir) {
                Some(module) if self.ignored_by_go_mod(&dir, &module) => {}
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
        unreadable_dirs: Vec::new(),
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
            // Files get the language version (go1.22.1 compiles as go1.22).
            let go = modules
                .get(*m)
                .map_or(opts.toolchain, |mi| mi.go_version)
                .lang();
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
        // A vendored copy is imported by the path it copies.
        let import_path = crate::importpath::copied_from(&import_path).to_string();
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
    ws.unreadable_dirs = loader.unreadable_dirs;
    ws.unreadable_dirs.sort();
    ws.unreadable_dirs.dedup();
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
