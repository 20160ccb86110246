//! Model queries outside the fixtures: calls, fields and methods of the real
//! standard-library stubs (`Universe::with_stdlib`) are typed and named, and
//! uses come in file and source order.

use std::path::Path;

use goguard_semantic::load::GoVersion;
use goguard_semantic::model::{Callee, FileInput, Member, PackageModel, Universe};
use goguard_syntax::{parse_file, Node, NodeId};

const SOURCE: &str = r#"package p

import (
	"context"
	"net/http"
	"sync"
	"time"
)

type S struct {
	mu sync.Mutex
}

func f(ctx context.Context, url string) error {
	ctx, cancel := context.WithTimeout(ctx, time.Second)
	defer cancel()
	resp, err := http.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var s S
	s.mu.Lock()
	_ = ctx
	return nil
}
"#;

fn find_call(parsed: &goguard_syntax::ParsedFile, text: &str) -> NodeId {
    parsed
        .nodes()
        .find(|(id, n)| {
            matches!(n, Node::CallExpr { .. }) && parsed.ast().text(*id, SOURCE) == text
        })
        .map(|(id, _)| id)
        .unwrap_or_else(|| panic!("no call {text}"))
}

#[test]
fn stdlib_calls_are_typed_and_named() {
    let universe = Universe::with_stdlib();
    assert!(
        universe.package("net/http").is_some(),
        "net/http stub missing"
    );
    assert_eq!(universe.package_name("net/http"), "http");
    assert_eq!(universe.package_name("github.com/x/go-yaml/v3"), "yaml");
    let unsafe_pkg = universe.package("unsafe").expect("unsafe declared");
    assert!(unsafe_pkg.type_decl("Pointer").is_some());
    let parsed = parse_file(SOURCE);
    let files = [FileInput {
        path: Path::new("p.go"),
        source: SOURCE,
        parsed: &parsed,
        go_version: GoVersion::new(1, 23),
        is_test: false,
    }];
    let model = PackageModel::build("example.com/p", &files, &universe);

    let get = find_call(&parsed, "http.Get(url)");
    assert!(model.callee(0, get).is_func("net/http", "Get"));
    assert_eq!(
        model.type_of(0, get).to_string(),
        "(*net/http.Response, error)"
    );

    let close = find_call(&parsed, "resp.Body.Close()");
    let callee = model.callee(0, close);
    assert!(callee.is_method("io", "Closer", "Close"), "{callee:?}");
    assert!(callee.is_method_named("Close"));

    let cancel = find_call(&parsed, "cancel()");
    match model.callee(0, cancel) {
        Callee::Value(b) => {
            assert_eq!(&*model.binding(b).name, "cancel");
            assert_eq!(model.binding(b).ty.to_string(), "context.CancelFunc");
            assert_eq!(model.uses(b).len(), 1);
        }
        other => panic!("cancel() calls {other:?}"),
    }

    let lock = find_call(&parsed, "s.mu.Lock()");
    assert!(model.callee(0, lock).is_method("sync", "Mutex", "Lock"));
}

/// Uses are listed in file order, then source order, including uses inside
/// closures and uses recorded before the declaration they follow in source
/// (`a, err := f(err)`).
#[test]
fn uses_are_in_file_and_source_order() {
    let a = "package p\n\nvar shared int\n\nfunc f(err error) (int, error) {\n\tn, err := g(err)\n\tgo func() { shared++ }()\n\treturn n + shared, err\n}\n";
    let b = "package p\n\nfunc g(e error) (int, error) { shared = 2; return shared, e }\n";
    let (pa, pb) = (parse_file(a), parse_file(b));
    let input = |path: &'static str, source: &'static str, parsed| FileInput {
        path: Path::new(path),
        source,
        parsed,
        go_version: GoVersion::new(1, 23),
        is_test: false,
    };
    let files = [input("a.go", a, &pa), input("b.go", b, &pb)];
    let universe = Universe::new();
    let model = PackageModel::build("example.com/p", &files, &universe);
    let (shared, _) = model
        .bindings()
        .find(|(_, b)| &*b.name == "shared")
        .expect("shared declared");
    let places: Vec<(usize, u32)> = model
        .uses(shared)
        .iter()
        .map(|u| {
            let parsed = files[u.file].parsed;
            (u.file, parsed.lines().line_col(parsed.ast().pos(u.ident)).0)
        })
        .collect();
    assert_eq!(places, vec![(0, 7), (0, 8), (1, 3), (1, 3)]);
    let (err, _) = model
        .bindings()
        .find(|(_, b)| &*b.name == "err")
        .expect("err declared");
    let lines: Vec<u32> = model
        .uses(err)
        .iter()
        .map(|u| pa.lines().line_col(pa.ast().pos(u.ident)).0)
        .collect();
    assert_eq!(
        lines,
        vec![6, 6, 8],
        "err: redeclared by :=, read by g(err), returned"
    );
    let cols: Vec<u32> = model
        .uses(err)
        .iter()
        .map(|u| pa.ast().pos(u.ident))
        .collect();
    assert!(cols.windows(2).all(|w| w[0] < w[1]), "{cols:?}");
}

/// Member lookup reports the declaring type and the receiver kind.
#[test]
fn members_report_declaring_type_and_receiver_kind() {
    let src = "package p\n\nimport \"sync\"\n\ntype T struct{ sync.Mutex; n int }\n\nfunc (t *T) Inc() { t.n++ }\n\nfunc (t T) Get() int { return t.n }\n";
    let parsed = parse_file(src);
    let files = [FileInput {
        path: Path::new("p.go"),
        source: src,
        parsed: &parsed,
        go_version: GoVersion::new(1, 23),
        is_test: false,
    }];
    let universe = Universe::with_stdlib();
    let model = PackageModel::build("example.com/p", &files, &universe);
    let t = goguard_semantic::types::Type::named("example.com/p", "T");
    let method = |name: &str| match model.lookup_member(&t, name) {
        Some(Member::Method {
            recv, pointer_recv, ..
        }) => Some((recv.to_string(), pointer_recv)),
        _ => None,
    };
    assert_eq!(method("Inc"), Some(("example.com/p.T".into(), true)));
    assert_eq!(method("Get"), Some(("example.com/p.T".into(), false)));
    assert_eq!(method("Lock"), Some(("sync.Mutex".into(), true)));
    assert_eq!(
        model.lookup_member(&goguard_semantic::types::Type::pointer_to(t.clone()), "n"),
        Some(Member::Field {
            ty: goguard_semantic::types::Type::Basic("int".into())
        })
    );
    assert_eq!(model.lookup_member(&t, "missing"), None);
}
