//! The model over the real standard-library stubs (`Universe::with_stdlib`):
//! calls, fields and methods of stubbed packages are typed and named.

use std::path::Path;

use goguard_semantic::load::GoVersion;
use goguard_semantic::model::{Callee, FileInput, PackageModel, Universe};
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
