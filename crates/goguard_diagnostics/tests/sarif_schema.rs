//! Checks SARIF output against the constraints of the SARIF 2.1.0 schema
//! that matter for GitHub code scanning: required properties, enums,
//! integer minimums, and property names (a misspelt name is silently
//! ignored by consumers, so only names the schema defines are allowed).

mod fixtures;

use std::collections::HashSet;

use goguard_diagnostics::{render_sarif, sort_diagnostics, Diagnostic, Files, Severity, Span};
use serde_json::Value;

fn obj<'a>(v: &'a Value, what: &str) -> &'a serde_json::Map<String, Value> {
    v.as_object()
        .unwrap_or_else(|| panic!("{what} must be an object: {v}"))
}

fn arr<'a>(v: &'a Value, what: &str) -> &'a Vec<Value> {
    v.as_array()
        .unwrap_or_else(|| panic!("{what} must be an array: {v}"))
}

/// Every key of `v` is one the schema defines for that object.
fn only_known(v: &Value, what: &str, known: &[&str]) {
    for k in obj(v, what).keys() {
        assert!(
            known.contains(&k.as_str()),
            "{what} has property {k:?} unknown to SARIF 2.1.0"
        );
    }
}

fn require(v: &Value, what: &str, keys: &[&str]) {
    for k in keys {
        assert!(obj(v, what).contains_key(*k), "{what} lacks required {k:?}");
    }
}

fn positive_int(v: &Value, what: &str) -> u64 {
    let n = v
        .as_u64()
        .unwrap_or_else(|| panic!("{what} must be a non-negative integer: {v}"));
    assert!(n >= 1, "{what} must be >= 1");
    n
}

fn check_message(v: &Value, what: &str) {
    only_known(
        v,
        what,
        &["text", "markdown", "id", "arguments", "properties"],
    );
    let text = v["text"]
        .as_str()
        .unwrap_or_else(|| panic!("{what}.text must be a string"));
    assert!(!text.is_empty(), "{what}.text is empty");
}

fn check_region(v: &Value, what: &str) {
    only_known(
        v,
        what,
        &[
            "startLine",
            "startColumn",
            "endLine",
            "endColumn",
            "charOffset",
            "charLength",
            "byteOffset",
            "byteLength",
            "snippet",
            "message",
            "sourceLanguage",
            "properties",
        ],
    );
    let sl = positive_int(&v["startLine"], &format!("{what}.startLine"));
    let sc = positive_int(&v["startColumn"], &format!("{what}.startColumn"));
    let el = positive_int(&v["endLine"], &format!("{what}.endLine"));
    let ec = positive_int(&v["endColumn"], &format!("{what}.endColumn"));
    assert!(el >= sl, "{what} ends before it starts");
    if el == sl {
        assert!(ec >= sc, "{what} ends before it starts");
    }
}

fn check_artifact_location(v: &Value, what: &str) {
    only_known(
        v,
        what,
        &["uri", "uriBaseId", "index", "description", "properties"],
    );
    let uri = v["uri"]
        .as_str()
        .unwrap_or_else(|| panic!("{what}.uri must be a string"));
    assert!(!uri.contains('\\'), "{what}.uri has a backslash: {uri}");
    assert!(
        !uri.starts_with('/') && !uri.contains("://"),
        "{what}.uri must be relative: {uri}"
    );
    assert!(!uri.starts_with("./"), "{what}.uri has a ./ prefix: {uri}");
    assert_eq!(v["uriBaseId"], "%SRCROOT%", "{what}.uriBaseId");
}

fn check_physical_location(v: &Value, what: &str) {
    only_known(
        v,
        what,
        &[
            "address",
            "artifactLocation",
            "region",
            "contextRegion",
            "properties",
        ],
    );
    check_artifact_location(&v["artifactLocation"], &format!("{what}.artifactLocation"));
    check_region(&v["region"], &format!("{what}.region"));
}

fn check_location(v: &Value, what: &str) {
    only_known(
        v,
        what,
        &[
            "id",
            "physicalLocation",
            "logicalLocations",
            "message",
            "annotations",
            "relationships",
            "properties",
        ],
    );
    check_physical_location(&v["physicalLocation"], &format!("{what}.physicalLocation"));
    if let Some(m) = v.get("message") {
        check_message(m, &format!("{what}.message"));
    }
}

const LEVELS: [&str; 4] = ["none", "note", "warning", "error"];

/// Checks one SARIF log and returns the rule ids of its results.
fn check_log(log: &Value) -> Vec<String> {
    only_known(
        log,
        "log",
        &[
            "$schema",
            "version",
            "runs",
            "inlineExternalProperties",
            "properties",
        ],
    );
    assert_eq!(
        log["$schema"],
        "https://json.schemastore.org/sarif-2.1.0.json"
    );
    assert_eq!(log["version"], "2.1.0");
    let runs = arr(&log["runs"], "runs");
    assert_eq!(runs.len(), 1, "one run per log");
    let run = &runs[0];
    require(run, "run", &["tool"]);
    assert!(
        ["utf16CodeUnits", "unicodeCodePoints"].contains(&run["columnKind"].as_str().unwrap_or("")),
        "columnKind must be one of the schema's enum values"
    );

    let driver = &run["tool"]["driver"];
    only_known(
        &run["tool"],
        "tool",
        &["driver", "extensions", "properties"],
    );
    only_known(
        driver,
        "driver",
        &[
            "name",
            "fullName",
            "version",
            "semanticVersion",
            "informationUri",
            "rules",
            "notifications",
            "organization",
            "product",
            "shortDescription",
            "fullDescription",
            "properties",
            "guid",
            "downloadUri",
            "dottedQuadFileVersion",
            "language",
        ],
    );
    assert_eq!(driver["name"], "goguard");
    assert!(driver["version"].is_string() && driver["informationUri"].is_string());

    let rules = arr(&driver["rules"], "rules");
    let mut ids = HashSet::new();
    for (i, rule) in rules.iter().enumerate() {
        let what = format!("rules[{i}]");
        only_known(
            rule,
            &what,
            &[
                "id",
                "name",
                "guid",
                "deprecatedIds",
                "shortDescription",
                "fullDescription",
                "messageStrings",
                "defaultConfiguration",
                "helpUri",
                "help",
                "relationships",
                "properties",
            ],
        );
        let id = rule["id"]
            .as_str()
            .unwrap_or_else(|| panic!("{what}.id must be a string"));
        assert!(ids.insert(id.to_owned()), "duplicate rule id {id}");
        check_message(
            &rule["shortDescription"],
            &format!("{what}.shortDescription"),
        );
        if let Some(fd) = rule.get("fullDescription") {
            check_message(fd, &format!("{what}.fullDescription"));
        }
        let level = rule["defaultConfiguration"]["level"].as_str().unwrap_or("");
        assert!(LEVELS.contains(&level), "{what} default level {level:?}");
        if let Some(tags) = rule.get("properties").and_then(|p| p.get("tags")) {
            assert!(arr(tags, "tags").iter().all(Value::is_string));
        }
    }

    let mut rule_ids = Vec::new();
    for (i, result) in arr(&run["results"], "results").iter().enumerate() {
        let what = format!("results[{i}]");
        only_known(
            result,
            &what,
            &[
                "ruleId",
                "ruleIndex",
                "rule",
                "kind",
                "level",
                "message",
                "analysisTarget",
                "locations",
                "guid",
                "correlationGuid",
                "occurrenceCount",
                "partialFingerprints",
                "fingerprints",
                "stacks",
                "codeFlows",
                "graphs",
                "graphTraversals",
                "relatedLocations",
                "suppressions",
                "baselineState",
                "rank",
                "attachments",
                "hostedViewerUri",
                "workItemUris",
                "provenance",
                "fixes",
                "taxa",
                "webRequest",
                "webResponse",
                "properties",
            ],
        );
        require(result, &what, &["message"]);
        check_message(&result["message"], &format!("{what}.message"));
        let rule_id = result["ruleId"].as_str().expect("ruleId");
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(
            rules[index]["id"], rule_id,
            "{what}: ruleIndex points at another rule"
        );
        assert!(
            LEVELS.contains(&result["level"].as_str().unwrap_or("")),
            "{what}.level"
        );

        let locations = arr(&result["locations"], "locations");
        assert_eq!(locations.len(), 1, "{what}: one primary location");
        check_location(&locations[0], &format!("{what}.locations[0]"));

        let mut related_ids = HashSet::new();
        for (j, r) in result
            .get("relatedLocations")
            .map_or(&vec![], |v| arr(v, "relatedLocations"))
            .iter()
            .enumerate()
        {
            let rw = format!("{what}.relatedLocations[{j}]");
            check_location(r, &rw);
            let id = r["id"]
                .as_u64()
                .unwrap_or_else(|| panic!("{rw}.id must be a non-negative integer"));
            assert!(related_ids.insert(id), "{rw}: duplicate id");
        }

        for (k, v) in obj(&result["partialFingerprints"], "partialFingerprints") {
            assert!(v.is_string(), "fingerprint {k} must be a string");
            assert_ne!(
                k, "primaryLocationLineHash",
                "GitHub computes that one itself"
            );
        }

        for (j, fix) in result
            .get("fixes")
            .map_or(&vec![], |v| arr(v, "fixes"))
            .iter()
            .enumerate()
        {
            let fw = format!("{what}.fixes[{j}]");
            only_known(fix, &fw, &["description", "artifactChanges", "properties"]);
            check_message(&fix["description"], &format!("{fw}.description"));
            let changes = arr(&fix["artifactChanges"], "artifactChanges");
            assert!(!changes.is_empty(), "{fw}: artifactChanges needs an item");
            for c in changes {
                only_known(
                    c,
                    "artifactChange",
                    &["artifactLocation", "replacements", "properties"],
                );
                check_artifact_location(&c["artifactLocation"], "artifactChange.artifactLocation");
                let reps = arr(&c["replacements"], "replacements");
                assert!(!reps.is_empty(), "{fw}: replacements needs an item");
                for r in reps {
                    only_known(
                        r,
                        "replacement",
                        &["deletedRegion", "insertedContent", "properties"],
                    );
                    check_region(&r["deletedRegion"], "replacement.deletedRegion");
                    assert!(r["insertedContent"]["text"].is_string());
                }
            }
        }
        rule_ids.push(rule_id.to_owned());
    }
    rule_ids
}

#[test]
fn fixture_log_satisfies_the_schema_constraints() {
    let (files, mut diags) = fixtures::fixture();
    sort_diagnostics(&mut diags, &files);
    let out = render_sarif(&diags, &files, &fixtures::rules(), &fixtures::tool());
    let log: Value = serde_json::from_str(&out).unwrap();
    let ids = check_log(&log);
    assert_eq!(ids, ["DL002", "GR001", "CX001", "RL001"]);
}

#[test]
fn checker_rejects_what_it_should() {
    // The checker is only worth something if it fails on bad logs.
    let (files, diags) = fixtures::fixture();
    let out = render_sarif(&diags, &files, &fixtures::rules(), &fixtures::tool());
    let good: Value = serde_json::from_str(&out).unwrap();
    let breakers: [fn(&mut Value); 4] = [
        |v| v["runs"][0]["results"][0]["ruleID"] = "x".into(),
        |v| v["runs"][0]["results"][0]["level"] = "warn".into(),
        |v| {
            v["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]
                ["startColumn"] = 0.into()
        },
        |v| v["runs"][0]["results"][0]["ruleIndex"] = 3.into(),
    ];
    for (i, breaker) in breakers.iter().enumerate() {
        let mut bad = good.clone();
        breaker(&mut bad);
        let caught = std::panic::catch_unwind(|| check_log(&bad)).is_err();
        assert!(caught, "breaker {i} went unnoticed");
    }
}

#[test]
fn unknown_rule_gets_a_descriptor_and_empty_run_is_valid() {
    let mut files = Files::new();
    let f = files.add("a b/ü,x.go", "package a\n");
    let d = Diagnostic::new(
        "ZZ999",
        "made-up-rule",
        Severity::Error,
        Span::new(f, 0..7),
        "made up",
    );
    let out = render_sarif(&[d], &files, &[], &fixtures::tool());
    let log: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(check_log(&log), ["ZZ999"]);
    let rule = &log["runs"][0]["tool"]["driver"]["rules"][0];
    assert_eq!(rule["name"], "MadeUpRule");
    assert_eq!(rule["defaultConfiguration"]["level"], "error");
    let uri = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"];
    assert_eq!(uri, "a%20b/%C3%BC%2Cx.go");

    let empty = render_sarif(&[], &Files::new(), &fixtures::rules(), &fixtures::tool());
    let log: Value = serde_json::from_str(&empty).unwrap();
    assert!(check_log(&log).is_empty());
    assert_eq!(log["runs"][0]["results"], serde_json::json!([]));
}

#[test]
fn utf16_columns_for_astral_characters() {
    // '𝔸' is two UTF-16 units; SARIF columns must count it as two.
    let mut files = Files::new();
    let f = files.add("u.go", "var s = \"𝔸\" + x\n");
    let x = files.get(f).text().find('x').unwrap();
    let d = Diagnostic::new("CX001", "r", Severity::Warning, Span::new(f, x..x + 1), "m");
    let log: Value =
        serde_json::from_str(&render_sarif(&[d], &files, &[], &fixtures::tool())).unwrap();
    let region = &log["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"];
    assert_eq!(region["startColumn"], 16);
    assert_eq!(region["endColumn"], 17);
}
