//! SARIF 2.1.0, the format GitHub code scanning and other dashboards read.
//!
//! Choices that matter to consumers:
//! - Regions use UTF-16 code unit columns and say so with the run's
//!   `columnKind: "utf16CodeUnits"` (GitHub's assumption; also the spec's
//!   default when a run omits it). End columns are exclusive, per the spec.
//! - Paths are relative, with forward slashes, against `uriBaseId`
//!   `%SRCROOT%` (the repository root when goguard runs there).
//! - `partialFingerprints["goguardFindingHash/v1"]` identifies a finding
//!   across runs even when lines move: see [`finding_hash`]. We do not
//!   fill `primaryLocationLineHash`: GitHub computes that key itself and
//!   warns when a producer's value differs from its own.
//! - `rule.name` is the rule's name in PascalCase, as the spec suggests
//!   for `reportingDescriptor.name`; `id` is the stable code (`CX001`).

use serde_json::{json, Value};

use crate::diagnostic::{Diagnostic, Severity};
use crate::render::resolve;
use crate::source::{Files, Span};

pub const SARIF_SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
pub const FINGERPRINT_KEY: &str = "goguardFindingHash/v1";

/// Metadata for one rule, from the caller's rule registry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    /// Stable code, e.g. `CX001`; becomes the SARIF rule `id`.
    pub code: String,
    /// Kebab-case name, e.g. `context-cancel-not-called`.
    pub name: String,
    /// One sentence: what the rule finds.
    pub short_description: String,
    /// The rule's documentation in Markdown: why it matters, examples, fix.
    pub full_description: String,
    pub default_severity: Severity,
    pub help_uri: Option<String>,
    /// Categories shown as tags, e.g. `concurrency`, `resource-leak`.
    pub tags: Vec<String>,
}

/// The tool description of the run.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ToolInfo {
    pub version: String,
    /// Where SARIF viewers send people to learn about the tool; omitted
    /// from the log when None.
    pub information_uri: Option<String>,
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `context-cancel-not-called` → `ContextCancelNotCalled`.
pub fn pascal_case(kebab: &str) -> String {
    kebab
        .split(['-', '_'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

/// A relative path as a URI reference: forward slashes, no leading `./`,
/// and every byte outside RFC 3986's unreserved set (and `/`) encoded.
pub fn path_to_uri(path: &str) -> String {
    let path = path.replace('\\', "/");
    let path = path.trim_start_matches("./");
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// 64-bit FNV-1a: small, fast, and fixed forever, unlike `std`'s hasher,
/// which may change between Rust releases.
fn fnv1a64(parts: &[&str]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (i, p) in parts.iter().enumerate() {
        if i > 0 {
            // A separator that cannot occur in the parts keeps ("ab","c")
            // and ("a","bc") apart.
            h ^= 0xff;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
        for &b in p.as_bytes() {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// Stable identity of a finding: FNV-1a 64 over the rule code, the path
/// and the text of the primary line with all whitespace removed, as 16 hex
/// digits. Whitespace is dropped so re-indenting (gofmt) keeps the hash;
/// line numbers are left out so findings survive code moving up or down.
pub fn finding_hash(code: &str, path: &str, line_text: &str) -> String {
    let normalized: String = line_text.split_whitespace().collect();
    format!("{:016x}", fnv1a64(&[code, path, &normalized]))
}

fn region(files: &Files, span: Span) -> Value {
    let r = resolve(files, span);
    if !files.get(span.file).has_text() {
        // Known by path and line only (a dump's location): no columns.
        return json!({ "startLine": r.start.line, "endLine": r.end.line });
    }
    json!({
        "startLine": r.start.line,
        "startColumn": r.start.utf16_column,
        "endLine": r.end.line,
        "endColumn": r.end.utf16_column,
    })
}

/// An absolute path becomes a `file://` URI of its own; a relative one is
/// resolved against `%SRCROOT%`.
fn artifact_location(path: &str) -> Value {
    let unix_absolute = path.starts_with('/');
    let windows_absolute = path.len() > 2 && path.as_bytes()[1] == b':';
    if unix_absolute || windows_absolute {
        let prefix = if unix_absolute { "file://" } else { "file:///" };
        return json!({ "uri": format!("{prefix}{}", path_to_uri(path)) });
    }
    json!({ "uri": path_to_uri(path), "uriBaseId": "%SRCROOT%" })
}

fn physical_location(files: &Files, span: Span) -> Value {
    json!({
        "artifactLocation": artifact_location(files.get(span.file).path()),
        "region": region(files, span),
    })
}

fn rule_descriptor(rule: &RuleInfo) -> Value {
    let first_paragraph = rule
        .full_description
        .split("\n\n")
        .next()
        .unwrap_or_default()
        .trim();
    let mut v = json!({
        "id": rule.code,
        "name": pascal_case(&rule.name),
        "shortDescription": { "text": rule.short_description },
        "fullDescription": { "text": if first_paragraph.is_empty() { &rule.short_description } else { first_paragraph } },
        "help": { "text": rule.full_description, "markdown": rule.full_description },
        "defaultConfiguration": { "level": level(rule.default_severity) },
        "properties": { "tags": rule.tags },
    });
    if let Some(uri) = &rule.help_uri {
        v["helpUri"] = json!(uri);
    }
    v
}

/// The result's property bag: a runtime finding's confidence, evidence and
/// goroutines (accused count and ids, the dump they come from).
fn properties(d: &Diagnostic) -> Option<Value> {
    if d.confidence.is_none()
        && d.evidence.is_empty()
        && d.goroutines.is_none()
        && d.sites.is_empty()
    {
        return None;
    }
    let mut props = json!({});
    if let Some(c) = d.confidence {
        props["confidence"] = json!(c.as_str());
    }
    if !d.evidence.is_empty() {
        props["evidence"] = json!(d.evidence);
    }
    if let Some(g) = &d.goroutines {
        props["goroutines"] = json!({
            "input": g.input,
            "snapshot": g.snapshot,
            "count": g.accused_count(),
            "ids": g.accused_ids(),
        });
    }
    if !d.sites.is_empty() {
        props["sites"] = d
            .sites
            .iter()
            .map(|s| {
                json!({
                    "role": s.role,
                    "function": s.frame.function,
                    "file": s.frame.file,
                    "line": s.frame.line,
                })
            })
            .collect();
    }
    Some(props)
}

/// Renders one SARIF log with one run. `rules` describes every rule the run
/// used (all registered rules is fine); a diagnostic whose code is missing
/// from it gets a minimal descriptor, so every `ruleIndex` stays valid.
pub fn render_sarif(
    diagnostics: &[Diagnostic],
    files: &Files,
    rules: &[RuleInfo],
    tool: &ToolInfo,
) -> String {
    let mut descriptors: Vec<Value> = rules.iter().map(rule_descriptor).collect();
    let mut codes: Vec<&str> = rules.iter().map(|r| r.code.as_str()).collect();

    // Occurrence counts per hash, in output order, so two findings on
    // identical lines in one file keep distinct fingerprints.
    let mut seen: std::collections::HashMap<String, u32> = std::collections::HashMap::new();

    let mut results = Vec::with_capacity(diagnostics.len());
    for d in diagnostics {
        let rule_index = match codes.iter().position(|&c| c == d.code) {
            Some(i) => i,
            None => {
                codes.push(&d.code);
                descriptors.push(json!({
                    "id": d.code,
                    "name": pascal_case(&d.rule),
                    "shortDescription": { "text": d.rule },
                    "defaultConfiguration": { "level": level(d.severity) },
                }));
                codes.len() - 1
            }
        };

        let file = files.get(d.span.file);
        let line = file.position(d.span.start as usize).line;
        let hash = if file.has_text() {
            finding_hash(&d.code, file.path(), file.line_text(line))
        } else {
            // No text to follow: the location is the line itself.
            finding_hash(&d.code, file.path(), &format!("line {line}"))
        };
        let n = seen.entry(hash.clone()).or_insert(0);
        *n += 1;

        let mut text = d.message.clone();
        for e in &d.evidence {
            text.push_str("\nevidence: ");
            text.push_str(e);
        }
        for n in &d.notes {
            text.push_str("\nnote: ");
            text.push_str(n);
        }
        if let Some(help) = &d.help {
            text.push_str("\nhelp: ");
            text.push_str(help);
        }
        let mut result = json!({
            "ruleId": d.code,
            "ruleIndex": rule_index,
            "level": level(d.severity),
            "message": { "text": text },
            "locations": [{ "physicalLocation": physical_location(files, d.span) }],
            "partialFingerprints": { FINGERPRINT_KEY: format!("{hash}:{n}") },
        });
        if let Some(props) = properties(d) {
            result["properties"] = props;
        }
        if !d.related.is_empty() {
            result["relatedLocations"] = d
                .related
                .iter()
                .enumerate()
                .map(|(i, r)| {
                    json!({
                        "id": i,
                        "message": { "text": r.label },
                        "physicalLocation": physical_location(files, r.span),
                    })
                })
                .collect();
        }
        if let Some(fix) = &d.fix {
            let mut changes: Vec<Value> = Vec::new();
            let mut order: Vec<_> = Vec::new();
            for e in &fix.edits {
                if !order.contains(&e.span.file) {
                    order.push(e.span.file);
                }
            }
            for id in order {
                let replacements: Vec<Value> = fix
                    .edits
                    .iter()
                    .filter(|e| e.span.file == id)
                    .map(|e| {
                        json!({
                            "deletedRegion": region(files, e.span),
                            "insertedContent": { "text": e.replacement },
                        })
                    })
                    .collect();
                changes.push(json!({
                    "artifactLocation": artifact_location(files.get(id).path()),
                    "replacements": replacements,
                }));
            }
            result["fixes"] = json!([{
                "description": { "text": fix.message },
                "artifactChanges": changes,
                "properties": { "applicability": fix.applicability.as_str() },
            }]);
        }
        results.push(result);
    }

    let mut driver = json!({
        "name": "goguard",
        "version": tool.version,
        "rules": descriptors,
    });
    if let Some(uri) = &tool.information_uri {
        driver["informationUri"] = json!(uri);
    }
    let log = json!({
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {
                "driver": driver
            },
            "columnKind": "utf16CodeUnits",
            "results": results,
        }],
    });
    let mut out = serde_json::to_string_pretty(&log).expect("SARIF log serialises");
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::Diagnostic;

    #[test]
    fn hash_ignores_line_numbers_and_indentation() {
        let a = finding_hash(
            "CX001",
            "svc/w.go",
            "\tctx, cancel := context.WithCancel(ctx)",
        );
        let b = finding_hash(
            "CX001",
            "svc/w.go",
            "        ctx,   cancel := context.WithCancel(ctx)  ",
        );
        assert_eq!(a, b);
        assert_eq!(a.len(), 16);
        assert_ne!(
            a,
            finding_hash(
                "CX002",
                "svc/w.go",
                "ctx, cancel := context.WithCancel(ctx)"
            )
        );
        assert_ne!(
            a,
            finding_hash(
                "CX001",
                "svc/x.go",
                "ctx, cancel := context.WithCancel(ctx)"
            )
        );
        assert_ne!(
            a,
            finding_hash("CX001", "svc/w.go", "ctx, stop := context.WithCancel(ctx)")
        );
        // Part boundaries are part of the input.
        assert_ne!(finding_hash("ab", "c", ""), finding_hash("a", "bc", ""));
    }

    #[test]
    fn fnv1a_matches_the_reference_values() {
        // Published FNV-1a 64 test vectors: the hash is fixed for good.
        assert_eq!(fnv1a64(&[""]), 0xcbf2_9ce4_8422_2325);
        assert_eq!(fnv1a64(&["a"]), 0xaf63_dc4c_8601_ec8c);
        assert_eq!(fnv1a64(&["foobar"]), 0x8594_4171_f739_67e8);
    }

    /// Fingerprints of findings at the `nth` occurrence of each needle.
    fn fingerprints(text: &str, needles: &[(&str, usize)]) -> Vec<String> {
        let mut files = Files::new();
        let f = files.add("a.go", text);
        let diags: Vec<Diagnostic> = needles
            .iter()
            .map(|&(needle, nth)| {
                let (i, _) = text.match_indices(needle).nth(nth).unwrap();
                Diagnostic::new("CX001", "r", Severity::Warning, Span::new(f, i..i + 1), "m")
            })
            .collect();
        let tool = ToolInfo {
            version: "0".into(),
            information_uri: Some("https://example.invalid".into()),
        };
        let log: Value = serde_json::from_str(&render_sarif(&diags, &files, &[], &tool)).unwrap();
        log["runs"][0]["results"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| {
                r["partialFingerprints"][FINGERPRINT_KEY]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect()
    }

    #[test]
    fn fingerprints_survive_inserted_lines_and_count_repeats() {
        let before = fingerprints("package a\n\tf()\n\tf()\n", &[("f()", 0), ("f()", 1)]);
        let after = fingerprints(
            "package a\n\n// comment\n\tf()\n\tf()\n",
            &[("f()", 0), ("f()", 1)],
        );
        assert_eq!(before, after);
        // Identical lines: same hash, distinct occurrence numbers.
        let (h1, n1) = before[0].split_once(':').unwrap();
        let (h2, n2) = before[1].split_once(':').unwrap();
        assert_eq!((h1, n1, n2), (h2, "1", "2"));
    }

    #[test]
    fn names_and_uris() {
        assert_eq!(
            pascal_case("context-cancel-not-called"),
            "ContextCancelNotCalled"
        );
        assert_eq!(pascal_case("x"), "X");
        assert_eq!(path_to_uri("./svc\\run.go"), "svc/run.go");
        assert_eq!(path_to_uri("a b/ü.go"), "a%20b/%C3%BC.go");
    }
}
