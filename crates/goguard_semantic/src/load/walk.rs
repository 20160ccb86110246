//! Paths and patterns: turning `goguard check` arguments into directories,
//! and walking `...` patterns like the go command (skipping `vendor`,
//! `testdata`, `_`/`.` directories and nested modules), honouring
//! `.gitignore`.

use std::collections::{BTreeMap, HashSet};
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// What one command-line argument asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Target {
    /// One directory's package.
    Dir(PathBuf),
    /// The package of the directory holding this `.go` file.
    File(PathBuf),
    /// Packages below `root` whose path relative to `root` matches `rest`
    /// (go's `...` wildcard syntax; `rest` is `...` for `root/...`).
    Tree { root: PathBuf, rest: String },
}

/// Lexically cleans a path: drops `.`, resolves `..` against preceding
/// components. Symlinks are not resolved, so reported paths stay as given.
pub(crate) fn clean(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else if !out.has_root() {
                    out.push("..");
                }
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// Classifies an argument, resolved against `base` (absolute).
pub(crate) fn parse_target(arg: &str, base: &Path) -> Result<Target, PathBuf> {
    if let Some(k) = arg.find("...") {
        // The literal directory prefix before the element holding `...`.
        let lit = &arg[..k];
        let cut = lit.rfind('/').map_or(0, |i| i + 1);
        let root = clean(&base.join(&arg[..cut]));
        let rest = arg[cut..].to_string();
        if !root.is_dir() {
            return Err(root);
        }
        return Ok(Target::Tree { root, rest });
    }
    let p = clean(&base.join(arg));
    if p.is_dir() {
        Ok(Target::Dir(p))
    } else if p.is_file() && arg.ends_with(".go") {
        Ok(Target::File(p))
    } else {
        Err(p)
    }
}

/// go's `matchPattern`: `...` matches any string (slashes included), and a
/// trailing `/...` also matches the empty suffix, so `x/...` matches `x`.
pub(crate) fn match_pattern(pattern: &str, name: &str) -> bool {
    if let Some(prefix) = pattern.strip_suffix("/...") {
        if wildcard(prefix.as_bytes(), name.as_bytes()) {
            return true;
        }
    }
    wildcard(pattern.as_bytes(), name.as_bytes())
}

fn wildcard(p: &[u8], s: &[u8]) -> bool {
    // Iterative glob with `...` as the only wildcard; the backtracking point
    // is the latest `...`, which is enough for a single-wildcard language.
    let (mut pi, mut si) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while si < s.len() {
        if p[pi..].starts_with(b"...") {
            star = Some((pi + 3, si));
            pi += 3;
        } else if pi < p.len() && p[pi] == s[si] {
            pi += 1;
            si += 1;
        } else if let Some((sp, ss)) = star {
            pi = sp;
            si = ss + 1;
            star = Some((sp, ss + 1));
        } else {
            return false;
        }
    }
    while p[pi..].starts_with(b"...") {
        pi += 3;
    }
    pi == p.len()
}

/// go.mod `ignore` semantics: `./x/y` ignores the directory `x/y` of the
/// module root and everything below it; `x` (no `./`) ignores any directory
/// whose module-relative path contains the element sequence `x`.
pub(crate) fn ignored_by_patterns(rel: &str, patterns: &[String]) -> bool {
    let norm = |p: &str| {
        let p = p.replace('\\', "/");
        let p = p.trim_matches('/');
        format!("/{p}/")
    };
    let dir = norm(rel);
    if dir == "//" {
        // The module root itself is never ignored.
        return false;
    }
    patterns.iter().any(|pat| match pat.strip_prefix("./") {
        Some(r) => dir.starts_with(&norm(r)),
        None => dir.contains(&norm(pat)),
    })
}

/// Walk settings.
pub(crate) struct WalkPolicy {
    pub include_vendor: bool,
    pub include_testdata: bool,
    pub gitignore: bool,
    /// Nested module roots (directories with go.mod) the walk may enter.
    pub allowed_modules: Arc<HashSet<PathBuf>>,
    /// Enter every nested module.
    pub all_modules: bool,
}

/// Result of walking one tree.
#[derive(Default)]
pub(crate) struct WalkResult {
    /// Directory → names of its `.go` files that survived .gitignore.
    pub dirs: BTreeMap<PathBuf, Vec<String>>,
    /// Nested module roots entered.
    pub modules: Vec<PathBuf>,
    pub errors: Vec<(PathBuf, String)>,
}

/// Whether the walk may descend into directory `dir` named `name`.
fn enter_dir(dir: &Path, name: &str, policy: &WalkPolicy) -> bool {
    if name.starts_with('.') || name.starts_with('_') {
        return false;
    }
    if (name == "testdata" && !policy.include_testdata)
        || (name == "vendor" && !policy.include_vendor)
    {
        return false;
    }
    if dir.join("go.mod").is_file() {
        return policy.all_modules || policy.allowed_modules.contains(dir);
    }
    true
}

pub(crate) fn walk_tree(root: &Path, rest: &str, policy: WalkPolicy) -> WalkResult {
    let mut b = ignore::WalkBuilder::new(root);
    b.standard_filters(false)
        .hidden(false)
        .follow_links(false)
        .git_ignore(policy.gitignore)
        .git_exclude(policy.gitignore)
        .parents(policy.gitignore)
        // Honour .gitignore files even outside a git checkout (exported
        // trees, fixtures); go itself never reads them.
        .require_git(false);
    let policy = Arc::new(policy);
    let filter_policy = Arc::clone(&policy);
    b.filter_entry(move |e| {
        if e.depth() == 0 || !e.file_type().is_some_and(|t| t.is_dir()) {
            return true;
        }
        let name = e.file_name().to_string_lossy();
        enter_dir(e.path(), &name, &filter_policy)
    });
    let mut out = WalkResult::default();
    for entry in b.build() {
        let e = match entry {
            Ok(e) => e,
            Err(err) => {
                let path = match &err {
                    ignore::Error::WithPath { path, .. } => path.clone(),
                    _ => root.to_path_buf(),
                };
                out.errors.push((path, err.to_string()));
                continue;
            }
        };
        let Some(ft) = e.file_type() else { continue };
        if ft.is_dir() {
            if e.depth() > 0 && e.path().join("go.mod").is_file() {
                out.modules.push(e.path().to_path_buf());
            }
            continue;
        }
        if !ft.is_file() && !ft.is_symlink() {
            continue;
        }
        let name = e.file_name().to_string_lossy().into_owned();
        if !name.ends_with(".go") {
            continue;
        }
        let Some(dir) = e.path().parent() else {
            continue;
        };
        if ft.is_symlink() && !e.path().is_file() {
            // go skips symlinks to directories and dangling links.
            continue;
        }
        let rel = dir.strip_prefix(root).unwrap_or(dir);
        let rel = rel.to_string_lossy().replace('\\', "/");
        if !match_pattern(rest, &rel) {
            continue;
        }
        out.dirs.entry(dir.to_path_buf()).or_default().push(name);
    }
    for names in out.dirs.values_mut() {
        names.sort();
    }
    out.modules.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_match_like_go() {
        let yes = [
            ("...", ""),
            ("...", "a/b"),
            ("cmd/...", "cmd"),
            ("cmd/...", "cmd/x/y"),
            (".../main", "a/b/main"),
            ("foo...", "foobar/baz"),
            ("a/.../b/...", "a/x/b"),
        ];
        for (p, s) in yes {
            assert!(match_pattern(p, s), "{p} ~ {s}");
        }
        let no = [
            ("cmd/...", "cmdx"),
            (".../main", "a/mainx"),
            ("foo...", ""),
            ("a/.../b", "a/b"),
        ];
        for (p, s) in no {
            assert!(!match_pattern(p, s), "{p} !~ {s}");
        }
    }

    #[test]
    fn go_mod_ignore_patterns() {
        let pats = vec!["./web/node_modules".to_string(), "gen".to_string()];
        assert!(ignored_by_patterns("web/node_modules", &pats));
        assert!(ignored_by_patterns("web/node_modules/x/y", &pats));
        assert!(!ignored_by_patterns("a/web/node_modules", &pats));
        assert!(!ignored_by_patterns("web/node_modules_x", &pats));
        assert!(ignored_by_patterns("a/gen/b", &pats));
        assert!(ignored_by_patterns("gen", &pats));
        assert!(!ignored_by_patterns("generated", &pats));
        assert!(!ignored_by_patterns("", &pats));
    }

    #[test]
    fn cleans_paths() {
        assert_eq!(clean(Path::new("/a/./b/../c")), PathBuf::from("/a/c"));
        assert_eq!(clean(Path::new("/..")), PathBuf::from("/"));
        assert_eq!(clean(Path::new("./")), PathBuf::from("."));
    }
}
