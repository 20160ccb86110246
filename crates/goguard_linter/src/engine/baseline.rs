//! Baselines: adopting goguard on an existing code base by recording
//! today's findings and reporting only new ones.
//!
//! A baseline is a JSON file listing one entry per finding: its rule, its
//! file (relative to the baseline's directory, with `/`), and a fingerprint
//! hashing the rule code, the file, the text of the finding's line with
//! whitespace removed, the message, and the finding's occurrence index among
//! identical ones. Line numbers are left out, so code moving up or down
//! (or being re-indented) keeps findings matched; editing the line itself
//! makes its finding new again.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use goguard_diagnostics::{Diagnostic, Files};
use serde::{Deserialize, Serialize};

/// Format version written in the file.
pub const BASELINE_VERSION: u32 = 1;

/// One recorded finding.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct BaselineEntry {
    pub rule: String,
    pub code: String,
    pub path: String,
    pub fingerprint: String,
    /// For people reading the file; not matched.
    pub message: String,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct BaselineFile {
    version: u32,
    findings: Vec<BaselineEntry>,
}

fn fnv1a64(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain([0xff]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// The path of `abs` relative to `base`, with `/` separators (absolute
/// when not under `base`).
pub fn relative_path(abs: &Path, base: &Path) -> String {
    let rel = abs.strip_prefix(base).unwrap_or(abs);
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
        .replace("//", "/")
}

/// The baseline entries of sorted findings. `absolute_paths[i]` is the
/// absolute path of the i-th file of `files`; `base` is the baseline's
/// directory.
pub fn entries(
    diagnostics: &[Diagnostic],
    files: &Files,
    absolute_paths: &[PathBuf],
    base: &Path,
) -> Vec<BaselineEntry> {
    let mut seen: HashMap<u64, u32> = HashMap::new();
    diagnostics
        .iter()
        .map(|d| {
            let file = files.get(d.span.file);
            let path = match absolute_paths.get(d.span.file.index()) {
                Some(abs) => relative_path(abs, base),
                None => file.path().to_string(),
            };
            let line = file.position(d.span.start as usize).line;
            let text: String = file.line_text(line).split_whitespace().collect();
            let key = fnv1a64(&[&d.code, &path, &text, &d.message]);
            let n = seen.entry(key).or_insert(0);
            let occurrence = *n;
            *n += 1;
            let fp = fnv1a64(&[&key.to_string(), &occurrence.to_string()]);
            BaselineEntry {
                rule: d.rule.clone(),
                code: d.code.clone(),
                path,
                fingerprint: format!("{fp:016x}"),
                message: d.message.clone(),
            }
        })
        .collect()
}

/// Writes a baseline file.
pub fn write(path: &Path, findings: Vec<BaselineEntry>) -> std::io::Result<()> {
    let file = BaselineFile {
        version: BASELINE_VERSION,
        findings,
    };
    let mut text = serde_json::to_string_pretty(&file).map_err(std::io::Error::other)?;
    text.push('\n');
    std::fs::write(path, text)
}

/// Reads a baseline file; the error says what is wrong with it.
pub fn read(path: &Path) -> Result<Vec<BaselineEntry>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let file: BaselineFile = serde_json::from_str(&text)
        .map_err(|e| format!("{}: not a goguard baseline: {e}", path.display()))?;
    if file.version != BASELINE_VERSION {
        return Err(format!(
            "{}: baseline version {} is not supported (expected {BASELINE_VERSION})",
            path.display(),
            file.version
        ));
    }
    Ok(file.findings)
}

/// Keeps the findings whose entry is not in the baseline (each baseline
/// entry absorbs one finding).
pub fn new_findings(
    diagnostics: Vec<Diagnostic>,
    current: &[BaselineEntry],
    baseline: &[BaselineEntry],
) -> Vec<Diagnostic> {
    let mut budget: HashMap<(&str, &str, &str), usize> = HashMap::new();
    for b in baseline {
        *budget
            .entry((b.code.as_str(), b.path.as_str(), b.fingerprint.as_str()))
            .or_insert(0) += 1;
    }
    diagnostics
        .into_iter()
        .zip(current)
        .filter(|(_, e)| {
            match budget.get_mut(&(e.code.as_str(), e.path.as_str(), e.fingerprint.as_str())) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            }
        })
        .map(|(d, _)| d)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use goguard_diagnostics::{Severity, Span};

    fn findings(src: &str, needles: &[&str]) -> (Vec<Diagnostic>, Files) {
        let mut files = Files::new();
        let id = files.add("pkg/a.go", src);
        let ds = needles
            .iter()
            .map(|n| {
                let at = src.find(n).unwrap();
                Diagnostic::new(
                    "CX001",
                    "r",
                    Severity::Error,
                    Span::new(id, at..at + 1),
                    "msg",
                )
            })
            .collect();
        (ds, files)
    }

    #[test]
    fn line_shifts_keep_findings_matched() {
        let abs = [PathBuf::from("/repo/pkg/a.go")];
        let before = "package a\n\nvar x = f()\n";
        let (ds, files) = findings(before, &["x ="]);
        let recorded = entries(&ds, &files, &abs, Path::new("/repo"));
        assert_eq!(recorded[0].path, "pkg/a.go");

        let after = "package a\n\n// moved down\n\n\tvar x = f()\nvar y = f()\n";
        let (ds, files) = findings(after, &["x =", "y ="]);
        let now = entries(&ds, &files, &abs, Path::new("/repo"));
        let left = new_findings(ds, &now, &recorded);
        assert_eq!(left.len(), 1);
        assert_eq!(files.positions(left[0].span).0.line, 6);
    }

    #[test]
    fn identical_lines_are_counted() {
        let abs = [PathBuf::from("/repo/a.go")];
        let src = "package a\nvar x = f()\nvar x = f()\n";
        let (ds, files) = findings(src, &["x =", "x = f()\n"]);
        let one = entries(&ds[..1], &files, &abs, Path::new("/repo"));
        let both = entries(&ds, &files, &abs, Path::new("/repo"));
        assert_ne!(both[0].fingerprint, both[1].fingerprint);
        assert_eq!(new_findings(ds, &both, &one).len(), 1);
    }

    #[test]
    fn round_trip_through_a_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("baseline.json");
        let e = BaselineEntry {
            rule: "r".into(),
            code: "CX001".into(),
            path: "a.go".into(),
            fingerprint: "0123".into(),
            message: "m".into(),
        };
        write(&path, vec![e.clone()]).unwrap();
        assert_eq!(read(&path).unwrap(), vec![e]);
        std::fs::write(&path, "{\"version\": 9, \"findings\": []}").unwrap();
        assert!(read(&path).unwrap_err().contains("version 9"));
        std::fs::write(&path, "[]").unwrap();
        assert!(read(&path).unwrap_err().contains("not a goguard baseline"));
    }
}
