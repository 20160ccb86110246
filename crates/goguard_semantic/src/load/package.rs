//! One directory → its package and external test package: file selection
//! (names, build constraints, generated code) and grouping, as go/build's
//! `Import` does it.

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

use super::model::{GoFile, LoadWarning, SkipReason, SkippedFile};
use super::{constraint, filename, header, version, GoVersion, LoadOptions};

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

/// Result of loading one directory.
#[derive(Default)]
pub(crate) struct DirResult {
    pub packages: Vec<(String, bool, Vec<GoFile>)>,
    pub skipped: Vec<SkippedFile>,
    pub warnings: Vec<LoadWarning>,
}

pub(crate) fn warn(path: &Path, line: Option<u32>, message: impl Into<String>) -> LoadWarning {
    LoadWarning {
        path: path.to_path_buf(),
        line,
        message: message.into(),
    }
}

/// Selects a directory's files and groups them into its package and
/// external test package, as go/build `Import` does.
pub(crate) fn load_dir(
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

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(goos: &str, goarch: &str, f: impl FnOnce(&mut LoadOptions)) -> BuildContext {
        let mut o = LoadOptions {
            goos: goos.into(),
            goarch: goarch.into(),
            ..LoadOptions::default()
        };
        f(&mut o);
        BuildContext::new(&o)
    }

    #[test]
    fn tags_like_go_build_match_tag() {
        let c = ctx("linux", "amd64", |_| {});
        for yes in [
            "linux", "amd64", "unix", "cgo", "gc", "go1.1", "go1.21", "go1.27", "amd64.v1",
        ] {
            assert!(c.matches(yes), "{yes}");
        }
        for no in [
            "windows",
            "arm64",
            "gccgo",
            "go1.28",
            "go1",
            "go1.01",
            "ignore",
            "boringcrypto",
        ] {
            assert!(!c.matches(no), "{no}");
        }
        let c = ctx("android", "arm64", |o| o.cgo = false);
        assert!(c.matches("linux") && c.matches("android") && c.matches("unix"));
        assert!(c.matches("arm64.v8.0") && !c.matches("cgo"));
        assert!(ctx("ios", "arm64", |_| {}).matches("darwin"));
        assert!(ctx("illumos", "amd64", |_| {}).matches("solaris"));
        let c = ctx("windows", "amd64", |o| {
            o.tags = vec!["integration".into(), "goexperiment.boringcrypto".into()];
            o.toolchain = GoVersion::new(1, 21);
        });
        assert!(!c.matches("unix") && !c.matches("linux"));
        assert!(c.matches("integration") && c.matches("boringcrypto"));
        assert!(c.matches("go1.21") && !c.matches("go1.22"));
        assert!(!ctx("plan9", "386", |_| {}).matches("unix"));
    }
}
