//! The parser must survive any input: it returns errors, it never panics, never
//! overflows the stack and never reports an offset outside the source. These tests
//! mutate the test inputs in cheap, deterministic ways (a fixed-seed generator, so a
//! failure is reproducible) and build pathologically deep nesting.

use std::fs;
use std::path::PathBuf;

use goguard_syntax::{outline, parse_file, LineIndex};

/// SplitMix64: tiny, good enough to pick positions, and fixed by its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A value in `0..=max`.
    fn upto(&mut self, max: usize) -> usize {
        (self.next() % (max as u64 + 1)) as usize
    }
}

fn testdata_files() -> Vec<(PathBuf, String)> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/testdata");
    let mut files = Vec::new();
    for dir in ["valid", "errors"] {
        for entry in fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "go") {
                let source = fs::read_to_string(&path).unwrap();
                files.push((path, source));
            }
        }
    }
    files.sort();
    assert!(files.len() >= 70, "test inputs missing: {}", files.len());
    files
}

/// The largest char boundary at or before `at`.
fn floor_boundary(s: &str, mut at: usize) -> usize {
    at = at.min(s.len());
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Parses `source` and checks what every caller relies on.
fn check(source: &str, what: &dyn Fn() -> String) {
    let parsed = parse_file(source);
    let index = LineIndex::new(source);
    let mut previous = 0;
    for error in parsed.errors() {
        assert!(
            error.offset as usize <= source.len(),
            "error offset {} past the end ({} bytes) for {}",
            error.offset,
            source.len(),
            what()
        );
        assert!(
            error.offset >= previous,
            "errors out of source order for {}",
            what()
        );
        previous = error.offset;
        let (line, col) = index.line_col(error.offset);
        assert!(line >= 1 && line <= index.line_count() && col >= 1);
    }
    let _ = outline(&parsed, source);
}

#[test]
fn truncation_at_every_nth_byte() {
    for (path, source) in testdata_files() {
        // About 40 cuts per file, always including the empty prefix.
        let step = (source.len() / 40).max(1);
        for cut in (0..source.len()).step_by(step) {
            let cut = floor_boundary(&source, cut);
            check(&source[..cut], &|| {
                format!("{} truncated at byte {cut}", path.display())
            });
        }
    }
}

#[test]
fn deleting_and_duplicating_spans() {
    let mut rng = Rng(0x60_9a_4d);
    for (path, source) in testdata_files() {
        for round in 0..20 {
            let start = floor_boundary(&source, rng.upto(source.len()));
            let end = floor_boundary(&source, start + rng.upto(64));
            let (head, span, tail) = (&source[..start], &source[start..end], &source[end..]);
            let deleted = format!("{head}{tail}");
            check(&deleted, &|| {
                format!("{} without bytes {start}..{end}", path.display())
            });
            let duplicated = format!("{head}{span}{span}{tail}");
            check(&duplicated, &|| {
                format!(
                    "{} with bytes {start}..{end} doubled (round {round})",
                    path.display()
                )
            });
        }
    }
}

#[test]
fn inserting_openers_and_quotes() {
    let mut rng = Rng(0x0b_5e_55);
    let inserts = [
        "{", "(", "[", "\"", "`", "'", "/*", "}", ")", "func", "<-", ";", "\n",
    ];
    for (path, source) in testdata_files() {
        for insert in inserts {
            for _ in 0..4 {
                let at = floor_boundary(&source, rng.upto(source.len()));
                let mutated = format!("{}{insert}{}", &source[..at], &source[at..]);
                check(&mutated, &|| {
                    format!("{} with {insert:?} at byte {at}", path.display())
                });
            }
        }
    }
}

#[test]
fn control_and_odd_characters() {
    let mut rng = Rng(0xc0_47_01);
    let odd = [
        "\0",
        "\u{feff}",
        "\r",
        "\u{2028}",
        "\u{fffd}",
        "é",
        "\u{1f642}",
        "\\",
    ];
    for (path, source) in testdata_files() {
        for ch in odd {
            let at = floor_boundary(&source, rng.upto(source.len()));
            let mutated = format!("{}{ch}{}", &source[..at], &source[at..]);
            check(&mutated, &|| {
                format!("{} with {ch:?} at byte {at}", path.display())
            });
        }
    }
}

/// Runs `f` on a thread with the 2 MiB stack that spawned threads (and rayon's
/// workers) get by default, so deep recursion shows up as a failure here.
fn on_default_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new()
        .stack_size(2 << 20)
        .spawn(f)
        .unwrap()
        .join()
        .unwrap();
}

const DEPTH: usize = 100_000;

fn assert_deep_nesting_is_an_error(
    name: &'static str,
    prefix: &'static str,
    unit: &'static str,
    suffix: &'static str,
) {
    on_default_stack(move || {
        let source = format!("{prefix}{}{suffix}", unit.repeat(DEPTH));
        let parsed = parse_file(&source);
        assert!(
            !parsed.errors().is_empty(),
            "{DEPTH} nested {name} parsed without an error"
        );
        check(&source, &|| format!("{DEPTH} nested {name}"));
    });
}

#[test]
fn deep_parentheses() {
    assert_deep_nesting_is_an_error("parentheses", "package p\n\nvar x = ", "(", "1\n");
}

#[test]
fn deep_closed_parentheses() {
    on_default_stack(|| {
        let source = format!(
            "package p\n\nvar x = {}1{}\n",
            "(".repeat(DEPTH),
            ")".repeat(DEPTH)
        );
        assert!(!parse_file(&source).errors().is_empty());
    });
}

#[test]
fn deep_brackets() {
    assert_deep_nesting_is_an_error("brackets", "package p\n\nvar x ", "[", "]int\n");
}

#[test]
fn deep_braces() {
    assert_deep_nesting_is_an_error("braces", "package p\n\nfunc f() ", "{", "\n");
}

#[test]
fn deep_pointer_types() {
    assert_deep_nesting_is_an_error("stars", "package p\n\nvar x ", "*", "int\n");
}

#[test]
fn deep_unary_minus() {
    // "- " rather than "-": "--" is the decrement token, not two unary minuses.
    assert_deep_nesting_is_an_error("minus signs", "package p\n\nvar x = ", "- ", "1\n");
}

#[test]
fn deep_unary_xor() {
    assert_deep_nesting_is_an_error("unary ^", "package p\n\nvar x = ", "^", "1\n");
}

#[test]
fn deep_decrement_tokens() {
    assert_deep_nesting_is_an_error("minus characters", "package p\n\nvar x = ", "-", "1\n");
}

#[test]
fn deep_func_types() {
    assert_deep_nesting_is_an_error("func types", "package p\n\nvar x ", "func(", "\n");
}

#[test]
fn deep_composite_literals() {
    assert_deep_nesting_is_an_error(
        "composite literals",
        "package p\n\nvar x = []any",
        "{",
        "\n",
    );
}

#[test]
fn deep_binary_chain() {
    // Left-associative, so the parser can loop, but the tree is 100,000 deep.
    assert_deep_nesting_is_an_error("binary operators", "package p\n\nvar x = ", "1+", "1\n");
}

/// Long but legal chains, as generated code has them: go/parser accepts 10,000 terms,
/// so they must parse without an error, and walking the tree must not overflow.
fn assert_long_chain_is_valid(
    name: &'static str,
    prefix: &'static str,
    unit: &'static str,
    suffix: &'static str,
) {
    on_default_stack(move || {
        let source = format!("{prefix}{}{suffix}", unit.repeat(10_000));
        let parsed = parse_file(&source);
        assert_eq!(parsed.errors(), &[], "10,000 {name}");
        check(&source, &|| format!("10,000 {name}"));
    });
}

#[test]
fn long_string_concatenation() {
    assert_long_chain_is_valid(
        "concatenations",
        "package p\n\nvar s = ",
        "\"ab\" + ",
        "\"c\"\n",
    );
}

#[test]
fn long_selector_chain() {
    assert_long_chain_is_valid("selectors", "package p\n\nvar s = ", "a.", "b\n");
}

/// Inputs the fuzz target found, minimised. Each once broke a check above.
#[test]
fn fuzz_regressions() {
    let inputs = [
        // "expression in defer must be function call" one byte past the end.
        "package r\nfunc}\n){defer(-\n(",
        "package p\nfunc f(){defer(-\n(",
        "package p\nfunc f(){go(-\n(",
    ];
    for source in inputs {
        check(source, &|| format!("{source:?}"));
    }
}
