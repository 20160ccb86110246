//! The JSON schema's promises: every field always present, 1-based byte
//! columns that agree with the byte offsets.

mod fixtures;

use goguard_diagnostics::{render_json, sort_diagnostics, Files, JSON_SCHEMA_VERSION};
use serde_json::Value;

const FINDING_KEYS: [&str; 15] = [
    "rule",
    "code",
    "severity",
    "message",
    "label",
    "help",
    "file",
    "line",
    "column",
    "end_line",
    "end_column",
    "start_offset",
    "end_offset",
    "related",
    "fix",
];

/// Recomputes line and byte column of an offset the slow, obvious way.
fn line_col(files: &Files, path: &str, offset: usize) -> (u64, u64) {
    let (_, f) = files.iter().find(|(_, f)| f.path() == path).unwrap();
    let before = &f.text()[..offset];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (
        (before.matches('\n').count() + 1) as u64,
        (offset - line_start + 1) as u64,
    )
}

fn check_location(files: &Files, v: &Value) {
    let path = v["file"].as_str().unwrap();
    let start = v["start_offset"].as_u64().unwrap() as usize;
    let end = v["end_offset"].as_u64().unwrap() as usize;
    assert!(start <= end);
    assert_eq!(
        line_col(files, path, start),
        (v["line"].as_u64().unwrap(), v["column"].as_u64().unwrap())
    );
    assert_eq!(
        line_col(files, path, end),
        (
            v["end_line"].as_u64().unwrap(),
            v["end_column"].as_u64().unwrap()
        )
    );
}

#[test]
fn every_finding_has_every_field_and_consistent_positions() {
    let (files, mut diags) = fixtures::fixture();
    sort_diagnostics(&mut diags, &files);
    let v: Value = serde_json::from_str(&render_json(&diags, &files)).unwrap();
    assert_eq!(v["schema_version"], JSON_SCHEMA_VERSION);
    let findings = v["findings"].as_array().unwrap();
    assert_eq!(findings.len(), diags.len());
    for f in findings {
        for k in FINDING_KEYS {
            assert!(f.get(k).is_some(), "missing {k} in {f}");
        }
        assert!(["error", "warning", "info"].contains(&f["severity"].as_str().unwrap()));
        check_location(&files, f);
        for r in f["related"].as_array().unwrap() {
            check_location(&files, r);
            assert!(r["message"].is_string());
        }
        if !f["fix"].is_null() {
            assert!(["safe", "unsafe"].contains(&f["fix"]["applicability"].as_str().unwrap()));
            for e in f["fix"]["edits"].as_array().unwrap() {
                check_location(&files, e);
                assert!(e["replacement"].is_string());
            }
        }
    }
}

#[test]
fn no_findings_is_an_empty_array() {
    let v: Value = serde_json::from_str(&render_json(&[], &Files::new())).unwrap();
    assert_eq!(
        v,
        serde_json::json!({ "schema_version": JSON_SCHEMA_VERSION, "findings": [] })
    );
}
