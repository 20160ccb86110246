//! Package summaries know which functions and methods never return, and the
//! model answers `never_returns` for callees of the package and of others.

use std::path::Path;

use goguard_semantic::load::GoVersion;
use goguard_semantic::model::{summarize_with, Callee, FileInput, PackageModel, Universe};
use goguard_semantic::types::NamedRef;
use goguard_syntax::{parse_file, ParsedFile};

const A: &str = include_str!("testdata/noreturn/a.go");
const B: &str = include_str!("testdata/noreturn/b.go");

fn input<'s>(path: &'s Path, source: &'s str, parsed: &'s ParsedFile) -> FileInput<'s> {
    FileInput {
        path,
        source,
        parsed,
        go_version: GoVersion::new(1, 23),
        is_test: false,
    }
}

#[test]
fn functions_of_one_package() {
    let parsed = parse_file(A);
    let files = [input(Path::new("a.go"), A, &parsed)];
    let s = summarize_with("example.com/a", "a", &files, &Universe::with_stdlib());
    assert!(s.func_never_returns("FatalHelper"), "t.Fatal helper");
    assert!(s.func_never_returns("fatalf"), "log.Fatalf wrapper");
    assert!(!s.func_never_returns("must"), "panics only on error");
    assert!(s.func_never_returns("viaHelper"), "calls a fatal helper");
    assert!(!s.func_never_returns("serve"), "loops without an exit");
    assert!(!s.func_never_returns("early"), "returns early");
    assert!(
        s.method_never_returns("Suite", "fail"),
        "field of type *testing.T"
    );
    assert!(
        s.method_never_returns("Suite", "failTwice"),
        "calls an ending method"
    );
    assert!(!s.method_never_returns("Suite", "missing"));
}

#[test]
fn across_packages_and_through_the_model() {
    let mut universe = Universe::with_stdlib();
    let pa = parse_file(A);
    let fa = [input(Path::new("a.go"), A, &pa)];
    universe.insert(summarize_with("example.com/a", "a", &fa, &universe));
    let pb = parse_file(B);
    let fb = [input(Path::new("b.go"), B, &pb)];
    let sb = summarize_with("example.com/b", "b", &fb, &universe);
    assert!(sb.func_never_returns("Stop"));
    assert!(sb.func_never_returns("Use"), "calls Stop after close");

    let model = PackageModel::build("example.com/b", &fb, &universe);
    assert!(model.never_returns(&Callee::Func(NamedRef::new("example.com/b", "Stop"))));
    assert!(model.never_returns(&Callee::Func(NamedRef::new("example.com/a", "FatalHelper"))));
    assert!(model.never_returns(&Callee::Method {
        recv: NamedRef::new("example.com/a", "Suite"),
        name: "fail".into(),
    }));
    assert!(model.never_returns(&Callee::Func(NamedRef::new("os", "Exit"))));
    assert!(!model.never_returns(&Callee::Func(NamedRef::new("example.com/a", "early"))));
    assert!(!model.never_returns(&Callee::Func(NamedRef::new("example.com/a", "must"))));
}
