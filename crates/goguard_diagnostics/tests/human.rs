//! Behaviour of the human renderer beyond the snapshot: alignment under
//! tabs, colour only on request, edge positions, frame splitting.

mod fixtures;

use goguard_diagnostics::{render_human, Diagnostic, Files, HumanOptions, Severity, Span};

const PLAIN: HumanOptions = HumanOptions { color: false };

fn one(files: &Files, d: Diagnostic) -> String {
    render_human(&[d], files, PLAIN, None)
}

/// Display column (in chars) of `needle` in the rendered line containing it.
fn col_of(line: &str, needle: &str) -> usize {
    line[..line.find(needle).unwrap()].chars().count()
}

#[test]
fn underline_stays_under_the_span_in_tab_indented_code() {
    let mut files = Files::new();
    let f = files.add("svc/worker.go", fixtures::WORKER_GO);
    let d = Diagnostic::new(
        "CX001",
        "r",
        Severity::Warning,
        fixtures::find(&files, f, "cancel", 0),
        "m",
    );
    let out = one(&files, d);
    let lines: Vec<&str> = out.lines().collect();
    let code = lines
        .iter()
        .position(|l| l.contains("ctx, cancel :="))
        .unwrap();
    assert!(
        !lines[code].contains('\t'),
        "tabs are expanded: {:?}",
        lines[code]
    );
    assert_eq!(
        col_of(lines[code], "cancel"),
        col_of(lines[code + 1], "^^^^^^"),
        "{out}"
    );
    assert!(
        !lines[code + 1].contains("^^^^^^^"),
        "underline is as wide as `cancel`"
    );
}

#[test]
fn header_uses_character_columns() {
    let mut files = Files::new();
    let f = files.add("web/fetch.go", fixtures::FETCH_GO);
    let d = Diagnostic::new(
        "RL001",
        "r",
        Severity::Info,
        fixtures::find(&files, f, "http.Get", 0),
        "m",
    );
    let out = one(&files, d);
    // Byte column would be 37 ('é' and '☕' are multi-byte).
    assert!(out.starts_with("web/fetch.go:4:34: RL001 m\n"), "{out}");
}

#[test]
fn colour_only_when_asked() {
    let (files, diags) = fixtures::fixture();
    let plain = render_human(&diags, &files, PLAIN, None);
    let coloured = render_human(&diags, &files, HumanOptions { color: true }, None);
    assert!(!plain.contains('\x1b'));
    assert!(coloured.contains("\x1b["));
    assert_ne!(plain, coloured);
}

#[test]
fn summary_is_the_last_line_only_when_given() {
    let (files, diags) = fixtures::fixture();
    let summary = goguard_diagnostics::Summary::new(&diags, 5, 4, std::time::Duration::ZERO);
    let with = render_human(&diags, &files, PLAIN, Some(&summary));
    assert_eq!(with.lines().last().unwrap(), summary.to_string());
    let without = render_human(&diags, &files, PLAIN, None);
    assert!(!without.contains("Found "));
}

#[test]
fn spans_at_end_of_file_and_in_empty_files_render() {
    let mut files = Files::new();
    let empty = files.add("empty.go", "");
    let nl = files.add("nl.go", "package a\n");
    let out = one(
        &files,
        Diagnostic::new(
            "X001",
            "r",
            Severity::Error,
            Span::new(empty, 0..0),
            "empty file",
        ),
    );
    assert!(out.starts_with("empty.go:1:1: X001 empty file\n"), "{out}");
    let out = one(
        &files,
        Diagnostic::new(
            "X001",
            "r",
            Severity::Error,
            Span::new(nl, 10..10),
            "at eof",
        ),
    );
    assert!(out.starts_with("nl.go:2:1: X001 at eof\n"), "{out}");
    // Out-of-range offsets clamp instead of panicking.
    let out = one(
        &files,
        Diagnostic::new(
            "X001",
            "r",
            Severity::Error,
            Span::new(nl, 3..999),
            "clamped",
        ),
    );
    assert!(out.starts_with("nl.go:1:4: X001 clamped\n"), "{out}");
}

#[test]
fn crlf_source_renders_without_carriage_returns() {
    let mut files = Files::new();
    let f = files.add("w.go", "package a\r\n\r\nvar x = 1\r\n");
    let d = Diagnostic::new("X001", "r", Severity::Warning, Span::new(f, 17..18), "m")
        .with_label("here")
        .with_related(Span::new(f, 0..7), "package clause");
    let out = one(&files, d);
    assert!(out.starts_with("w.go:3:5: X001 m\n"), "{out}");
    assert!(!out.contains('\r'), "{out:?}");
    assert!(out.contains("3 | var x = 1\n"), "{out}");
    assert!(out.contains("1 | package a\n"), "{out}");
}

#[test]
fn near_related_spans_share_a_frame_and_far_ones_get_their_own() {
    let text = (1..=40)
        .map(|i| format!("\tx{i} := {i}\n"))
        .collect::<String>();
    let mut files = Files::new();
    let f = files.add("far.go", text);
    let span = |needle: &str| fixtures::find(&files, f, needle, 0);
    let d = Diagnostic::new("X001", "r", Severity::Warning, span("x20 :="), "m")
        .with_related(span("x25 :="), "near")
        .with_related(span("x3 :="), "far above")
        .with_related(span("x39 :="), "far below");
    let out = one(&files, d);
    // The primary frame (with the near span) comes first, then the others
    // in line order, each introduced by its location.
    let primary = out.find("x20 := 20").unwrap();
    let near = out.find("x25 := 25").unwrap();
    let above = out.find("::: far.go:3:2").unwrap();
    let below = out.find("::: far.go:39:2").unwrap();
    assert!(primary < near && near < above && above < below, "{out}");
    assert_eq!(out.matches(":::").count(), 2, "{out}");
}
