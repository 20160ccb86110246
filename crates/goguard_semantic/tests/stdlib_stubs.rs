//! The standard-library stubs: each STUBS entry parses cleanly, names its
//! package and file consistently, every declaration in it agrees with the
//! real standard library (checked by tools/stdlib-check, which needs `go` on
//! PATH; that part is skipped with a message when Go is missing), and the
//! summarizer reads every declaration with known types, promoted methods
//! included.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use goguard_semantic::load::GoVersion;
use goguard_semantic::model::{FileInput, Member, PackageModel, Universe};
use goguard_semantic::stdlib::{stub, GO_VERSION, STUBS};
use goguard_semantic::types::{NamedRef, Type};
use goguard_syntax::{parse_file, Ast, Node, NodeId, ParsedFile};

const HEADER_PREFIX: &str = "// Declarations of package ";
const HEADER_SUFFIX: &str = " used by goguard's light types; signatures only.";

fn stub_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("stdlib")
}

/// The file a package's stub lives in: the import path with `/` as `_`.
fn file_name(import_path: &str) -> String {
    format!("{}.go", import_path.replace('/', "_"))
}

/// The package name an import path's stub must declare: the last element,
/// or the one before a major-version suffix (`math/rand/v2` is `rand`).
fn expected_package_name(import_path: &str) -> &str {
    let mut parts = import_path.rsplit('/');
    let last = parts.next().unwrap_or(import_path);
    let is_version =
        last.len() > 1 && last.starts_with('v') && last[1..].bytes().all(|b| b.is_ascii_digit());
    match parts.next() {
        Some(prev) if is_version => prev,
        _ => last,
    }
}

#[test]
fn stubs_are_sorted_and_unique() {
    for w in STUBS.windows(2) {
        assert!(
            w[0].0 < w[1].0,
            "STUBS must be sorted by import path without duplicates: {:?} then {:?}",
            w[0].0,
            w[1].0
        );
    }
    for (path, source) in STUBS {
        assert_eq!(stub(path), Some(*source), "stub({path:?})");
    }
    assert_eq!(stub("no/such/package"), None);
}

#[test]
fn stubs_parse_and_declare_their_package() {
    let mut failures = Vec::new();
    for (path, source) in STUBS {
        let file = parse_file(source);
        for e in file.errors() {
            let (line, col) = file.lines().line_col(e.offset);
            failures.push(format!("{path}: syntax error {line}:{col} {}", e.message));
        }
        let ast = file.ast();
        let Node::File { name, .. } = *ast.node(file.root()) else {
            failures.push(format!("{path}: root is not a File"));
            continue;
        };
        let declared = ast.text(name, source);
        if declared != expected_package_name(path) {
            failures.push(format!(
                "{path}: package clause names {declared:?}, expected {:?}",
                expected_package_name(path)
            ));
        }
        let header = format!("{HEADER_PREFIX}{path}{HEADER_SUFFIX}");
        if source.lines().next() != Some(header.as_str()) {
            failures.push(format!("{path}: first line must be {header:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn every_stub_file_is_listed_under_its_name() {
    let mut on_disk: Vec<String> = std::fs::read_dir(stub_dir())
        .expect("reading stdlib/")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".go"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = STUBS.iter().map(|(p, _)| file_name(p)).collect();
    listed.sort();
    assert_eq!(
        on_disk, listed,
        "stdlib/*.go files and STUBS entries differ"
    );
    for (path, source) in STUBS {
        let text = std::fs::read_to_string(stub_dir().join(file_name(path))).unwrap();
        assert_eq!(
            &text, source,
            "STUBS entry {path:?} does not hold its own file"
        );
    }
}

fn go_available() -> bool {
    Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
}

fn build_checker() -> PathBuf {
    let tool_dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tools/stdlib-check");
    let out = std::env::temp_dir().join(format!("stdlib-check-{}", std::process::id()));
    let status = Command::new("go")
        .args(["build", "-o"])
        .arg(&out)
        .arg(".")
        .current_dir(&tool_dir)
        .env("GOTOOLCHAIN", "local")
        .env("GOFLAGS", "")
        .env("GOWORK", "off")
        .status()
        .expect("running `go build` for tools/stdlib-check");
    assert!(status.success(), "go build of tools/stdlib-check failed");
    out
}

fn run_checker(tool: &Path, target: &Path) -> (bool, String) {
    let out = Command::new(tool)
        .arg(target)
        .env("GOTOOLCHAIN", "local")
        .output()
        .expect("running stdlib-check");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

#[test]
fn stubs_match_the_real_standard_library() {
    if !go_available() {
        eprintln!("SKIPPED: `go` is not on PATH; stdlib-check cannot compare the stubs");
        return;
    }
    let tool = build_checker();

    // The checker must notice a wrong stub before its silence means anything.
    let bad_dir = std::env::temp_dir().join(format!("stdlib-check-bad-{}", std::process::id()));
    std::fs::create_dir_all(&bad_dir).unwrap();
    std::fs::write(
        bad_dir.join("io.go"),
        format!(
            "{HEADER_PREFIX}io{HEADER_SUFFIX}\n\npackage io\n\n\
             type Reader interface {{\n\tRead(p []byte) (n int, err error)\n}}\n\n\
             func ReadAll(r Reader) (string, error)\n\n\
             type ReadCloser interface {{\n\tReader\n\tClose() error\n}}\n"
        ),
    )
    .unwrap();
    std::fs::write(
        bad_dir.join("testing.go"),
        format!(
            "{HEADER_PREFIX}testing{HEADER_SUFFIX}\n\npackage testing\n\n\
             type T struct{{}}\n\nfunc (t *T) Fatal(args ...any)\n"
        ),
    )
    .unwrap();
    std::fs::write(
        bad_dir.join("nosuch.go"),
        format!("{HEADER_PREFIX}no/such/pkg{HEADER_SUFFIX}\n\npackage pkg\n"),
    )
    .unwrap();
    let (ok, bad_report) = run_checker(&tool, &bad_dir);
    let _ = std::fs::remove_dir_all(&bad_dir);
    assert!(!ok, "stdlib-check accepted a wrong stub:\n{bad_report}");
    assert!(
        bad_report.contains(
            "io: func ReadAll: stub (Reader) (string, error) != real (Reader) ([]byte, error)"
        ),
        "unexpected report for the wrong stub:\n{bad_report}"
    );
    assert!(
        bad_report.contains(
            "io: type ReadCloser embedded interfaces: stub [Reader] != real [Reader, Closer]"
        ),
        "method declared in the interface instead of through embedding not reported:\n{bad_report}"
    );
    assert!(
        bad_report.contains("testing: type T: stub lacks embedded field common"),
        "missing embedded field not reported:\n{bad_report}"
    );
    assert!(
        bad_report.contains("testing: method T.Fatal: the real type T declares no such method"),
        "method declared on the embedding type not reported:\n{bad_report}"
    );
    assert!(
        bad_report.contains(
            "no/such/pkg: cannot load the real package: package no/such/pkg does not exist"
        ),
        "missing package not reported:\n{bad_report}"
    );

    let (ok, report) = run_checker(&tool, &stub_dir());
    let _ = std::fs::remove_file(&tool);
    let go_version = Command::new("go")
        .arg("version")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
        .unwrap_or_default();
    assert!(
        ok,
        "the stubs (which describe {GO_VERSION}) disagree with the standard library of \
         `{go_version}`:\n{report}"
    );
}

/// What a stub declares at package level: funcs, types with the number of
/// methods declared on each, vars and consts.
#[derive(Default)]
struct Declared {
    funcs: Vec<String>,
    types: BTreeMap<String, usize>,
    values: Vec<String>,
}

/// The base type name of a receiver type (`*T`, `T[K]`, `*T[K, V]`).
fn receiver_base(ast: &Ast, mut ty: NodeId, source: &str) -> String {
    for _ in 0..4 {
        ty = match *ast.node(ty) {
            Node::StarExpr { x, .. }
            | Node::IndexExpr { x, .. }
            | Node::IndexListExpr { x, .. } => x,
            _ => break,
        };
    }
    ast.text(ty, source).to_string()
}

fn declared(file: &ParsedFile, source: &str) -> Declared {
    let ast = file.ast();
    let mut d = Declared::default();
    let Node::File { decls, .. } = *ast.node(file.root()) else {
        return d;
    };
    let mut methods: Vec<String> = Vec::new();
    for &decl in ast.list(decls) {
        match *ast.node(decl) {
            Node::FuncDecl {
                recv: None, name, ..
            } => d.funcs.push(ast.text(name, source).to_string()),
            Node::FuncDecl {
                recv: Some(recv), ..
            } => {
                let Node::FieldList { list, .. } = *ast.node(recv) else {
                    continue;
                };
                if let Some(&field) = ast.list(list).first() {
                    if let Node::Field { ty: Some(ty), .. } = *ast.node(field) {
                        methods.push(receiver_base(ast, ty, source));
                    }
                }
            }
            Node::GenDecl { specs, .. } => {
                for &spec in ast.list(specs) {
                    match *ast.node(spec) {
                        Node::TypeSpec { name, .. } => {
                            d.types.insert(ast.text(name, source).to_string(), 0);
                        }
                        Node::ValueSpec { names, .. } => {
                            for &n in ast.list(names) {
                                let n = ast.text(n, source);
                                if n != "_" {
                                    d.values.push(n.to_string());
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
    for m in methods {
        *d.types.entry(m).or_default() += 1;
    }
    d
}

#[test]
fn every_stub_declaration_is_summarized_with_known_types() {
    let universe = Universe::with_stdlib();
    let mut failures = Vec::new();
    for (path, source) in STUBS {
        let Some(summary) = universe.package(path) else {
            failures.push(format!("{path}: not in Universe::with_stdlib()"));
            continue;
        };
        let file = parse_file(source);
        let d = declared(&file, source);
        for name in &d.funcs {
            match summary.func(name) {
                None => failures.push(format!("{path}: func {name} not summarized")),
                Some(sig) => {
                    if sig.params.iter().chain(&sig.results).any(Type::is_unknown) {
                        failures.push(format!("{path}: func {name}: unknown type in {sig:?}"));
                    }
                }
            }
        }
        for (name, methods) in &d.types {
            let Some(decl) = summary.type_decl(name) else {
                failures.push(format!("{path}: type {name} not summarized"));
                continue;
            };
            if !decl.is_interface() && decl.methods.len() != *methods {
                failures.push(format!(
                    "{path}: type {name}: {} methods summarized, {methods} declared",
                    decl.methods.len()
                ));
            }
            for f in decl.fields.iter().filter(|f| f.ty.is_unknown()) {
                failures.push(format!(
                    "{path}: field {name}.{} has an unknown type",
                    f.name
                ));
            }
            for m in &decl.methods {
                if m.sig
                    .params
                    .iter()
                    .chain(&m.sig.results)
                    .any(Type::is_unknown)
                {
                    failures.push(format!("{path}: method {name}.{}: unknown type", m.name));
                }
            }
        }
        for name in &d.values {
            let known = match (summary.var(name), summary.const_type(name)) {
                (Some(v), _) => !v.ty.is_unknown() || v.init_call.is_some(),
                (None, Some(t)) => {
                    // Untyped constants derived from other constants are
                    // not evaluated by the summarizer (log.LstdFlags).
                    !t.is_unknown() || (*path, name.as_str()) == ("log", "LstdFlags")
                }
                (None, None) => {
                    failures.push(format!("{path}: {name} not summarized"));
                    continue;
                }
            };
            if !known {
                failures.push(format!("{path}: {name} has an unknown type"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn named(pkg: &str, name: &str) -> Type {
    Type::Named(NamedRef::new(pkg, name))
}

/// The receiver and pointer-ness of method `name` of `ty`, looked up from a
/// package that imports nothing (the universe still holds every stub).
fn method_of(ty: &Type, name: &str) -> Option<(NamedRef, bool)> {
    let source = "package p\n";
    let parsed = parse_file(source);
    let files = [FileInput {
        path: Path::new("p.go"),
        source,
        parsed: &parsed,
        go_version: GoVersion::new(1, 26),
        is_test: false,
    }];
    let universe = Universe::with_stdlib();
    let model = PackageModel::build("example.com/p", &files, &universe);
    match model.lookup_member(ty, name)? {
        Member::Method {
            recv, pointer_recv, ..
        } => Some((recv, pointer_recv)),
        Member::Field { .. } => None,
    }
}

#[test]
fn promoted_methods_are_found_on_the_embedded_types_that_declare_them() {
    let t = Type::pointer_to(named("testing", "T"));
    for m in [
        "Fatal", "Fatalf", "FailNow", "Skip", "Helper", "Cleanup", "Context", "TempDir",
    ] {
        assert_eq!(
            method_of(&t, m),
            Some((NamedRef::new("testing", "common"), true)),
            "*testing.T.{m}"
        );
    }
    // Declared by T itself, shadowing or adding to common's.
    for m in ["Run", "Parallel", "Setenv"] {
        assert_eq!(
            method_of(&t, m),
            Some((NamedRef::new("testing", "T"), true)),
            "*testing.T.{m}"
        );
    }
    let b = Type::pointer_to(named("testing", "B"));
    assert_eq!(
        method_of(&b, "Fatal"),
        Some((NamedRef::new("testing", "common"), true))
    );
    assert_eq!(
        method_of(&b, "ResetTimer"),
        Some((NamedRef::new("testing", "B"), true))
    );
    let exit = Type::pointer_to(named("os/exec", "ExitError"));
    assert_eq!(
        method_of(&exit, "ExitCode"),
        Some((NamedRef::new("os", "ProcessState"), true))
    );
    let conn = Type::pointer_to(named("net", "TCPConn"));
    assert_eq!(
        method_of(&conn, "Close"),
        Some((NamedRef::new("net", "conn"), true))
    );
    assert_eq!(
        method_of(&conn, "CloseWrite"),
        Some((NamedRef::new("net", "TCPConn"), true))
    );
    let rw = Type::pointer_to(named("bufio", "ReadWriter"));
    assert_eq!(
        method_of(&rw, "Flush"),
        Some((NamedRef::new("bufio", "Writer"), true))
    );
}
