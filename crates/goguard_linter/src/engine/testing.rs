//! Helpers for testing rules: run one rule on Go source held in memory,
//! read fixture expectations (`// want: ...`, `// fixture: ...`), match
//! them two-way against findings, and check a rule's documentation.
//! Used by the fixture harness (tests/fixtures.rs) and the meta tests.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use goguard_diagnostics::{render_human, Diagnostic, Files, HumanOptions};
use goguard_semantic::load::version::NEWEST_KNOWN;
use goguard_semantic::load::GoVersion;
use goguard_semantic::model::Universe;

use super::package::{check_package, PackageInput, SourceInput};
use super::selection::{Layer, Selector};
use super::settings::Settings;
use super::Rule;

/// The standard-library universe, built once per test process.
pub fn stdlib_universe() -> &'static Universe {
    static U: OnceLock<Universe> = OnceLock::new();
    U.get_or_init(|| super::panics::guarded(Universe::with_stdlib).unwrap_or_default())
}

/// Settings that run only `rule` (and report syntax errors).
pub fn only(rule: &'static dyn Rule) -> Settings {
    let mut s = Settings::new(PathBuf::from("/"));
    s.base = Layer {
        select: vec![Selector::Exact(rule.meta().code), Selector::Exact("E001")],
        ignore: Vec::new(),
    };
    s
}

/// A file to check: (name, source).
pub type NamedSource<'a> = (&'a str, &'a str);

/// Runs one rule over files forming one package; returns the findings and
/// the files they point into (in the order given).
pub fn run_rule(
    rule: &'static dyn Rule,
    files: &[NamedSource<'_>],
    go: GoVersion,
    is_test: bool,
) -> (Vec<Diagnostic>, Files) {
    let pkg = PackageInput {
        import_path: "example.com/fixture".into(),
        files: files
            .iter()
            .map(|(name, src)| SourceInput {
                path: PathBuf::from(name),
                source: src.to_string(),
                illegal_utf8: None,
                go_version: go,
                is_test: is_test || name.ends_with("_test.go"),
                report: true,
            })
            .collect(),
        main_module_go: go,
    };
    let mut diagnostics = check_package(&pkg, stdlib_universe(), &[rule], &only(rule));
    let mut store = Files::new();
    for (name, src) in files {
        store.add(*name, *src);
    }
    goguard_diagnostics::sort_diagnostics(&mut diagnostics, &store);
    (diagnostics, store)
}

/// The plain human rendering of findings, as stored in snapshots.
pub fn render_plain(diagnostics: &[Diagnostic], files: &Files) -> String {
    render_human(diagnostics, files, HumanOptions { color: false }, None)
}

/// One `// want: rule "substring"` expectation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Want {
    pub line: u32,
    pub rule: String,
    /// A substring of the message; empty matches any.
    pub message: String,
}

/// The `// fixture:` headers and `// want:` expectations of a fixture file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixtureSpec {
    pub go: GoVersion,
    pub is_test: bool,
    pub clean: bool,
    pub wants: Vec<Want>,
}

/// Reads a fixture's headers and expectations. Errors say what is malformed.
pub fn parse_fixture(source: &str) -> Result<FixtureSpec, String> {
    let mut spec = FixtureSpec {
        go: NEWEST_KNOWN,
        is_test: false,
        clean: false,
        wants: Vec::new(),
    };
    for (i, line) in source.lines().enumerate() {
        let line_no = i as u32 + 1;
        if let Some(at) = line.find("// fixture:") {
            for word in line[at + "// fixture:".len()..].split_whitespace() {
                if let Some(v) = word.strip_prefix("go=") {
                    spec.go = GoVersion::parse(v)
                        .ok_or_else(|| format!("line {line_no}: bad Go version `{v}`"))?;
                } else if word == "test" {
                    spec.is_test = true;
                } else if word == "clean" {
                    spec.clean = true;
                } else {
                    return Err(format!("line {line_no}: unknown fixture header `{word}`"));
                }
            }
        }
        if let Some(at) = line.find("// want:") {
            let wants = parse_wants(&line[at + "// want:".len()..])
                .map_err(|e| format!("line {line_no}: {e}"))?;
            if wants.is_empty() {
                return Err(format!("line {line_no}: `// want:` names no rule"));
            }
            spec.wants
                .extend(wants.into_iter().map(|(rule, message)| Want {
                    line: line_no,
                    rule,
                    message,
                }));
        }
    }
    Ok(spec)
}

/// `a "msg" b c "other"` → [(a, msg), (b, ""), (c, other)]; commas between
/// expectations are allowed.
fn parse_wants(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut out: Vec<(String, String)> = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        if c.is_whitespace() || c == ',' {
            chars.next();
        } else if c == '"' {
            chars.next();
            let mut msg = String::new();
            loop {
                match chars.next() {
                    Some('"') => break,
                    Some('\\') => match chars.next() {
                        Some(e) => msg.push(e),
                        None => return Err("unterminated message".into()),
                    },
                    Some(ch) => msg.push(ch),
                    None => return Err("unterminated message".into()),
                }
            }
            match out.last_mut() {
                Some(last) if last.1.is_empty() => last.1 = msg,
                _ => return Err(format!("message \"{msg}\" follows no rule name")),
            }
        } else {
            let mut name = String::new();
            while let Some(&ch) = chars.peek() {
                if ch.is_whitespace() || ch == ',' || ch == '"' {
                    break;
                }
                name.push(ch);
                chars.next();
            }
            out.push((name, String::new()));
        }
    }
    Ok(out)
}

/// Matches findings of one file against expectations, two-way: returns
/// the unmet expectations and the unexpected findings as readable lines.
pub fn match_wants(
    wants: &[Want],
    diagnostics: &[&Diagnostic],
    line_of: &dyn Fn(&Diagnostic) -> u32,
) -> Vec<String> {
    let mut met = vec![false; wants.len()];
    let mut problems = Vec::new();
    for d in diagnostics {
        let line = line_of(d);
        let hit = wants.iter().enumerate().position(|(i, w)| {
            !met[i]
                && w.line == line
                && (w.rule == d.rule || w.rule == d.code)
                && d.message.contains(&w.message)
        });
        match hit {
            Some(i) => met[i] = true,
            None => problems.push(format!(
                "line {line}: unexpected finding: {} {} \"{}\"",
                d.code, d.rule, d.message
            )),
        }
    }
    for (w, met) in wants.iter().zip(met) {
        if !met {
            problems.push(format!(
                "line {}: expected finding not reported: {} \"{}\"",
                w.line, w.rule, w.message
            ));
        }
    }
    problems.sort();
    problems
}

/// The five documentation sections, in their required order.
pub const DOC_SECTIONS: [&str; 5] = [
    "## What it does",
    "## Why is this bad?",
    "## Example",
    "## Use instead",
    "## Known limitations",
];

/// Splits rule documentation into its `## ` sections, checking that they
/// are exactly [`DOC_SECTIONS`] in order, each with text.
pub fn doc_sections(markdown: &str) -> Result<Vec<(String, String)>, String> {
    let mut sections: Vec<(String, String)> = Vec::new();
    let mut in_code = false;
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if !in_code && line.starts_with("## ") {
            sections.push((line.trim_end().to_string(), String::new()));
        } else if let Some(last) = sections.last_mut() {
            last.1.push_str(line);
            last.1.push('\n');
        } else if !line.trim().is_empty() {
            return Err(format!("text before the first section: `{line}`"));
        }
    }
    let names: Vec<&str> = sections.iter().map(|s| s.0.as_str()).collect();
    if names != DOC_SECTIONS {
        return Err(format!(
            "sections are {names:?}; expected {DOC_SECTIONS:?} in that order"
        ));
    }
    for (name, body) in &sections {
        if body.trim().is_empty() {
            return Err(format!("section `{name}` is empty"));
        }
    }
    Ok(sections)
}

/// The ```go blocks of a markdown text.
pub fn go_blocks(markdown: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        let t = line.trim_start();
        match &mut current {
            None if t.starts_with("```go") => current = Some(String::new()),
            Some(_) if t.starts_with("```") => blocks.extend(current.take()),
            Some(b) => {
                b.push_str(line);
                b.push('\n');
            }
            None => {}
        }
    }
    blocks
}

/// Checks a rule's documentation: the five sections, a ```go block in
/// Example that makes the rule fire and one in Use instead that does not.
pub fn check_rule_doc(rule: &'static dyn Rule) -> Result<(), String> {
    let meta = rule.meta();
    let sections = doc_sections(&meta.doc_markdown())?;
    let block = |name: &str| -> Result<String, String> {
        let body = &sections.iter().find(|s| s.0 == name).expect("checked").1;
        let blocks = go_blocks(body);
        match blocks.as_slice() {
            [] => Err(format!("`{name}` has no ```go block")),
            [b, ..] if !b.trim_start().starts_with("package ") => Err(format!(
                "the ```go block of `{name}` must be a complete file starting with `package`"
            )),
            [b, ..] => Ok(b.clone()),
        }
    };
    let fires = |src: &str| {
        let (ds, _) = run_rule(rule, &[("example.go", src)], doc_go_version(meta), false);
        ds
    };
    let example = fires(&block("## Example")?);
    if !example.iter().any(|d| d.code == meta.code) {
        return Err(format!(
            "the Example does not make {} fire (findings: {:?})",
            meta.name,
            example.iter().map(|d| &d.message).collect::<Vec<_>>()
        ));
    }
    let fixed = fires(&block("## Use instead")?);
    if !fixed.is_empty() {
        return Err(format!(
            "the Use instead block has findings: {:?}",
            fixed
                .iter()
                .map(|d| format!("{} {}", d.code, d.message))
                .collect::<Vec<_>>()
        ));
    }
    Ok(())
}

/// The Go version doc examples are checked with: the newest one, or just
/// below a rule's `go_below` bound.
fn doc_go_version(meta: &super::RuleMeta) -> GoVersion {
    match meta.go_below {
        Some(v) if v.minor > 0 => GoVersion::new(v.major, v.minor - 1),
        _ => NEWEST_KNOWN,
    }
}

// ---- fixture trees ----

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| rd.flatten().map(|e| e.path()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn name_of(p: &Path) -> String {
    p.file_name()
        .unwrap_or_default()
        .to_string_lossy()
        .into_owned()
}

/// One fixture: a .go file, or the .go files of a `.pkg` folder.
pub struct Fixture {
    /// `domain/rule/file`, for messages and filtering.
    pub id: String,
    /// Snapshot name (the file or folder name without extension).
    pub stem: String,
    /// The rule folder's `snapshots` directory.
    pub snapshots: PathBuf,
    /// (file name, text) in name order.
    pub files: Vec<(String, String)>,
}

/// Compares a fixture's rendered findings with its stored snapshot.
pub type SnapshotCheck<'a> = dyn Fn(&Fixture, &str) -> Result<(), String> + 'a;

/// What checking a fixture tree found.
#[derive(Debug, Default)]
pub struct FixtureReport {
    pub checked: usize,
    /// One readable line per problem, prefixed by the fixture's id.
    pub failures: Vec<String>,
}

/// Checks every fixture under `dir` (`<domain>/<rule_name>/...`) against
/// `rules`; `filter` keeps the fixtures of one rule folder, kebab name,
/// `domain/rule` or `rule/file`.
pub fn check_fixture_tree(
    dir: &Path,
    rules: &[&'static dyn Rule],
    filter: Option<&str>,
    snapshot: &SnapshotCheck<'_>,
) -> FixtureReport {
    let (fixtures, failures) = collect(dir, rules, filter);
    let mut report = FixtureReport {
        checked: fixtures.len(),
        failures,
    };
    if let (Some(f), true) = (filter, fixtures.is_empty()) {
        report
            .failures
            .push(format!("filter `{f}` matches no fixture"));
    }
    let mut snapshotted = std::collections::BTreeSet::new();
    let mut folders = std::collections::BTreeSet::new();
    for (rule, fx) in &fixtures {
        let (problems, has_findings) = check_fixture_inner(*rule, fx, snapshot);
        for p in problems {
            report.failures.push(format!("{}: {p}", fx.id));
        }
        folders.insert(fx.snapshots.clone());
        if has_findings {
            snapshotted.insert(fx.snapshots.join(format!("{}.snap", fx.stem)));
        }
    }
    // Snapshots of fixtures that no longer have findings (or no longer
    // exist) would otherwise linger unnoticed.
    if filter.is_none() {
        for folder in folders {
            for f in sorted_entries(&folder) {
                let name = name_of(&f);
                if name.ends_with(".snap") && !snapshotted.contains(&f) {
                    report.failures.push(format!(
                        "{}: stale snapshot: its fixture has no findings or no longer exists; delete it",
                        f.strip_prefix(dir).unwrap_or(&f).display()
                    ));
                } else if name.ends_with(".snap.new") {
                    eprintln!(
                        "note: pending snapshot {} (accept with `cargo insta review`, or delete it)",
                        f.strip_prefix(dir).unwrap_or(&f).display()
                    );
                }
            }
        }
    }
    report
}

type Collected = (Vec<(&'static dyn Rule, Fixture)>, Vec<String>);

fn collect(dir: &Path, rules: &[&'static dyn Rule], filter: Option<&str>) -> Collected {
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for domain in sorted_entries(dir).into_iter().filter(|p| p.is_dir()) {
        for rule_dir in sorted_entries(&domain).into_iter().filter(|p| p.is_dir()) {
            let stem = name_of(&rule_dir);
            let kebab = stem.replace('_', "-");
            let Some(&rule) = rules.iter().find(|r| r.meta().name == kebab) else {
                problems.push(format!(
                    "{}/{stem}: no rule named `{kebab}`",
                    name_of(&domain)
                ));
                continue;
            };
            for entry in sorted_entries(&rule_dir) {
                let name = name_of(&entry);
                let (fixture_stem, files) = if entry.is_file() && name.ends_with(".go") {
                    let text = std::fs::read_to_string(&entry).unwrap_or_default();
                    (
                        name.trim_end_matches(".go").to_string(),
                        vec![(name.clone(), text)],
                    )
                } else if entry.is_dir() && name.ends_with(".pkg") {
                    let files = sorted_entries(&entry)
                        .into_iter()
                        .filter(|f| f.is_file() && name_of(f).ends_with(".go"))
                        .map(|f| (name_of(&f), std::fs::read_to_string(&f).unwrap_or_default()))
                        .collect();
                    (name.trim_end_matches(".pkg").to_string(), files)
                } else {
                    continue;
                };
                let id = format!("{}/{stem}/{name}", name_of(&domain));
                if let Some(f) = filter {
                    let matches = f == stem
                        || f == kebab
                        || id.starts_with(&format!("{f}/"))
                        || id == f
                        || id.ends_with(&format!("/{f}"))
                        || id.trim_end_matches(".go").ends_with(&format!("/{f}"));
                    if !matches {
                        continue;
                    }
                }
                out.push((
                    rule,
                    Fixture {
                        id,
                        stem: fixture_stem,
                        snapshots: rule_dir.join("snapshots"),
                        files,
                    },
                ));
            }
        }
    }
    (out, problems)
}

/// Checks one fixture; returns its problems.
pub fn check_fixture(
    rule: &'static dyn Rule,
    fx: &Fixture,
    snapshot: &SnapshotCheck<'_>,
) -> Vec<String> {
    check_fixture_inner(rule, fx, snapshot).0
}

/// The problems of a fixture, and whether it has findings (and so a
/// snapshot).
fn check_fixture_inner(
    rule: &'static dyn Rule,
    fx: &Fixture,
    snapshot: &SnapshotCheck<'_>,
) -> (Vec<String>, bool) {
    let mut problems = Vec::new();
    let mut specs = Vec::new();
    for (name, text) in &fx.files {
        match parse_fixture(text) {
            Ok(s) => specs.push(s),
            Err(e) => {
                problems.push(format!("{name}: {e}"));
                // Not checked: its snapshot is not stale.
                return (problems, true);
            }
        }
    }
    let Some(go) = specs.first().map(|s| s.go) else {
        return (vec!["no .go files".to_string()], false);
    };
    let is_test = specs.iter().any(|s| s.is_test);
    let named: Vec<(&str, &str)> = fx
        .files
        .iter()
        .map(|(n, t)| (n.as_str(), t.as_str()))
        .collect();
    let (diagnostics, files) = run_rule(rule, &named, go, is_test);
    for (i, ((name, _), spec)) in fx.files.iter().zip(&specs).enumerate() {
        if spec.clean && !spec.wants.is_empty() {
            problems.push(format!(
                "{name}: says `fixture: clean` but has `// want:` lines"
            ));
        }
        if !spec.clean && spec.wants.is_empty() && fx.files.len() == 1 {
            problems.push(format!(
                "{name}: no `// want:` expectation and no `// fixture: clean` header"
            ));
        }
        let mine: Vec<&Diagnostic> = diagnostics
            .iter()
            .filter(|d| d.span.file.index() == i)
            .collect();
        let line_of = |d: &Diagnostic| files.positions(d.span).0.line;
        for p in match_wants(&spec.wants, &mine, &line_of) {
            problems.push(format!("{name}:{p}"));
        }
    }
    if fx.files.len() > 1 && specs.iter().all(|s| !s.clean && s.wants.is_empty()) {
        problems.push("no `// want:` expectation and no `// fixture: clean` header".into());
    }
    if !diagnostics.is_empty() {
        let rendered = render_plain(&diagnostics, &files);
        if let Err(e) = snapshot(fx, &rendered) {
            problems.push(e);
        }
    }
    let has_findings = !diagnostics.is_empty();
    (problems, has_findings)
}

// ---- meta checks ----

fn is_kebab(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('-')
        && !name.ends_with('-')
        && !name.contains("--")
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Names unique and kebab-case; codes unique, with the domain's prefix and
/// three digits.
pub fn check_names_and_codes(rules: &[&'static dyn Rule]) -> Vec<String> {
    let mut problems = Vec::new();
    let mut names = std::collections::HashMap::new();
    let mut codes = std::collections::HashMap::new();
    for r in rules {
        let m = r.meta();
        if !is_kebab(m.name) {
            problems.push(format!("{}: name is not kebab-case", m.name));
        }
        let digits = m.code.strip_prefix(m.domain.code_prefix());
        if !digits.is_some_and(|d| d.len() == 3 && d.bytes().all(|b| b.is_ascii_digit())) {
            problems.push(format!(
                "{}: code {} is not {} followed by three digits",
                m.name,
                m.code,
                m.domain.code_prefix()
            ));
        }
        if let Some(other) = names.insert(m.name, m.code) {
            problems.push(format!(
                "{}: name used twice ({other} and {})",
                m.name, m.code
            ));
        }
        if let Some(other) = codes.insert(m.code, m.name) {
            problems.push(format!(
                "{}: code used twice ({other} and {})",
                m.code, m.name
            ));
        }
    }
    problems
}

/// Each rule lives in `rules_dir/<domain>/<snake_case name>.rs`.
pub fn check_rule_files(rules: &[&'static dyn Rule], rules_dir: &Path) -> Vec<String> {
    rules
        .iter()
        .filter_map(|r| {
            let m = r.meta();
            let file = rules_dir
                .join(m.domain.name())
                .join(format!("{}.rs", m.name.replace('-', "_")));
            (!file.is_file()).then(|| format!("{}: no file {}", m.name, file.display()))
        })
        .collect()
}

/// Each rule has a fixture folder `fixtures_dir/<domain>/<snake_case
/// name>/` with at least one `// want:` expectation and one file marked
/// `// fixture: clean`.
pub fn check_fixture_folders(rules: &[&'static dyn Rule], fixtures_dir: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    for r in rules {
        let m = r.meta();
        let dir = fixtures_dir
            .join(m.domain.name())
            .join(m.name.replace('-', "_"));
        let mut texts = Vec::new();
        let mut stack = vec![dir.clone()];
        while let Some(d) = stack.pop() {
            for p in sorted_entries(&d) {
                if p.is_dir() && name_of(&p).ends_with(".pkg") {
                    stack.push(p);
                } else if p.is_file() && name_of(&p).ends_with(".go") {
                    texts.push(std::fs::read_to_string(&p).unwrap_or_default());
                }
            }
        }
        if texts.is_empty() {
            problems.push(format!("{}: no fixtures in {}", m.name, dir.display()));
            continue;
        }
        let specs: Vec<FixtureSpec> = texts.iter().filter_map(|t| parse_fixture(t).ok()).collect();
        if !specs.iter().any(|s| !s.wants.is_empty()) {
            problems.push(format!(
                "{}: no fixture has a `// want:` expectation",
                m.name
            ));
        }
        if !specs.iter().any(|s| s.clean) {
            problems.push(format!(
                "{}: no fixture is marked `// fixture: clean`",
                m.name
            ));
        }
    }
    problems
}

/// Documentation of every rule (see [`check_rule_doc`]).
pub fn check_docs(rules: &[&'static dyn Rule]) -> Vec<String> {
    rules
        .iter()
        .filter_map(|r| {
            check_rule_doc(*r)
                .err()
                .map(|e| format!("{}: {e}", r.meta().name))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fixture_headers_and_wants() {
        let src = "// fixture: go=1.21 test\npackage p\n\nfunc f() { // want: a-rule \"never \\\"called\\\"\", b-rule\n}\n";
        let spec = parse_fixture(src).unwrap();
        assert_eq!(spec.go, GoVersion::new(1, 21));
        assert!(spec.is_test && !spec.clean);
        assert_eq!(
            spec.wants,
            [
                Want {
                    line: 4,
                    rule: "a-rule".into(),
                    message: "never \"called\"".into()
                },
                Want {
                    line: 4,
                    rule: "b-rule".into(),
                    message: String::new()
                },
            ]
        );
        assert!(parse_fixture("// fixture: gone\n").is_err());
        assert!(parse_fixture("x // want:\n").is_err());
        assert!(parse_fixture("x // want: \"msg\"\n").is_err());
        assert!(parse_fixture("x // want: r \"open\n").is_err());
    }

    #[test]
    fn doc_sections_in_order() {
        let good = "## What it does\nx\n## Why is this bad?\nx\n## Example\n```go\n## not a header\n```\n## Use instead\nx\n## Known limitations\nx\n";
        assert_eq!(doc_sections(good).unwrap().len(), 5);
        assert_eq!(go_blocks(good), ["## not a header\n"]);
        let swapped = good
            .replace("## Example", "## Tmp")
            .replace("## Use instead", "## Example")
            .replace("## Tmp", "## Use instead");
        assert!(doc_sections(&swapped).is_err());
        let empty = good.replace("## Known limitations\nx\n", "## Known limitations\n");
        assert!(doc_sections(&empty).unwrap_err().contains("empty"));
    }
}
