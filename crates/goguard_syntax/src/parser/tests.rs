//! Parser unit tests: statement kinds, ambiguities, error recovery and robustness.

use crate::ast::{Node, NodeKind, NO_POS};
use crate::{parse_file, ParsedFile};

fn parse_ok(src: &str) -> ParsedFile {
    let f = parse_file(src);
    assert!(
        f.errors().is_empty(),
        "unexpected errors for {src:?}: {:?}",
        f.errors()
    );
    f
}

fn kinds(f: &ParsedFile) -> Vec<NodeKind> {
    f.nodes().map(|(_, n)| n.kind()).collect()
}

fn body(stmts: &str) -> String {
    format!("package p\nfunc f() {{\n{stmts}\n}}\n")
}

fn count(f: &ParsedFile, k: NodeKind) -> usize {
    f.nodes_of_kind(k).count()
}

#[test]
fn every_statement_kind() {
    let src = body(
        "var x int\nx = 1\nx++\nx--\nch <- 1\n<-ch\ngo f()\ndefer f()\n{}\n;\nif x > 0 {} else {}\n\
         for {}\nfor i := range 10 { _ = i }\nswitch x {case 1: fallthrough\ndefault:}\n\
         switch v := y.(type) {case int: _ = v}\nselect {case <-ch:\ndefault:}\nL: for { break L }\n\
         goto L\nreturn",
    );
    let f = parse_ok(&src);
    for k in [
        NodeKind::DeclStmt,
        NodeKind::AssignStmt,
        NodeKind::IncDecStmt,
        NodeKind::SendStmt,
        NodeKind::ExprStmt,
        NodeKind::GoStmt,
        NodeKind::DeferStmt,
        NodeKind::BlockStmt,
        NodeKind::EmptyStmt,
        NodeKind::IfStmt,
        NodeKind::ForStmt,
        NodeKind::RangeStmt,
        NodeKind::SwitchStmt,
        NodeKind::TypeSwitchStmt,
        NodeKind::CaseClause,
        NodeKind::SelectStmt,
        NodeKind::CommClause,
        NodeKind::LabeledStmt,
        NodeKind::BranchStmt,
        NodeKind::ReturnStmt,
    ] {
        assert!(count(&f, k) > 0, "no {k:?} in tree");
    }
    assert_eq!(count(&f, NodeKind::IncDecStmt), 2);
    assert_eq!(count(&f, NodeKind::BranchStmt), 3); // fallthrough, break L, goto L
}

#[test]
fn composite_literal_in_control_clause_is_a_block() {
    // `if x == T {}`: exprLev < 0 makes `{` start the body, as go/parser.
    let f = parse_ok(&body(
        "if x == T {\n}\nfor _, v := range []int{1} { _ = v }",
    ));
    assert_eq!(count(&f, NodeKind::CompositeLit), 1); // only the parenthesis-free []int{1}
    let f = parse_ok(&body("if x := (T{}); x.a {\n}"));
    assert_eq!(count(&f, NodeKind::CompositeLit), 1);
    let f = parse_file(&body("if x := T{}; x.a {\n}"));
    assert!(f.errors()[0]
        .message
        .contains("missing parentheses around composite literal"));
}

#[test]
fn type_parameters_versus_array_lengths() {
    // `[P *C]` and `[P (C)]` stay array lengths unless the constraint is clearly a type
    // element or a comma follows, exactly as go/parser decides.
    let f = parse_ok(
        "package p\ntype A [N]int\ntype B[T any] []T\ntype C [N * M]int\ntype D[P *C,] struct{}\ntype E [len(x)]int\n\
         type F[P *struct{}] int\ntype G[P *C] struct{}\ntype H[P (C)] int\ntype I[P ~int] int\n",
    );
    let specs: Vec<_> = f
        .nodes_of_kind(NodeKind::TypeSpec)
        .map(|(_, n)| *n)
        .collect();
    let has_tparams: Vec<bool> = specs
        .iter()
        .map(|n| {
            matches!(
                n,
                Node::TypeSpec {
                    type_params: Some(_),
                    ..
                }
            )
        })
        .collect();
    assert_eq!(
        has_tparams,
        [false, true, false, true, false, true, false, false, true]
    );
}

#[test]
fn generics_and_instantiation() {
    let f = parse_ok(
        "package p\nfunc (l *List[T]) M() {}\nfunc G[T ~int | ~string, U any](x T) {}\nvar _ = F[int, string]\ntype A[T any] = B[T]\nvar y = new(1)\n",
    );
    assert_eq!(count(&f, NodeKind::IndexListExpr), 1);
    let alias = f.nodes_of_kind(NodeKind::TypeSpec).next().unwrap().1;
    assert!(
        matches!(alias, Node::TypeSpec { type_params: Some(_), assign, .. } if *assign != NO_POS)
    );
    assert!(f.nodes_of_kind(NodeKind::UnaryExpr).any(|(_, n)| matches!(
        n,
        Node::UnaryExpr {
            op: crate::Tok::Tilde,
            ..
        }
    )));
}

#[test]
fn error_recovery_keeps_later_declarations() {
    let f = parse_file("package p\nfunc f() {\n\tx := )\n\treturn\n}\nfunc g() {}\n");
    assert_eq!(f.errors().len(), 2);
    assert_eq!(f.lines().line_col(f.errors()[0].offset), (3, 7));
    assert_eq!(count(&f, NodeKind::FuncDecl), 2);
    assert!(count(&f, NodeKind::BadExpr) > 0);
}

#[test]
fn bad_declaration_resyncs_at_next_declaration() {
    let f = parse_file("package p\nx := 1\nvar y = 2\n");
    assert_eq!(f.errors()[0].message, "expected declaration, found x");
    assert_eq!(count(&f, NodeKind::BadDecl), 1);
    assert_eq!(count(&f, NodeKind::GenDecl), 1);
}

#[test]
fn missing_closing_brace_reports_at_eof() {
    let src = "package p\nfunc f() {\n\tif x {\n";
    let f = parse_file(src);
    let e = &f.errors()[0];
    assert_eq!(e.message, "expected '}', found 'EOF'");
    assert_eq!(e.offset as usize, src.len());
}

fn assert_depth_error(src: &str) {
    let f = parse_file(src);
    assert!(
        f.errors()
            .iter()
            .any(|e| e.message == "exceeded max nesting depth"),
        "no depth error; first errors: {:?}",
        &f.errors()[..f.errors().len().min(3)]
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    const N: usize = 100_000;
    let wrap = |open: &str, mid: &str, close: &str| {
        format!(
            "package p\nvar x = {}{mid}{}\n",
            open.repeat(N),
            close.repeat(N)
        )
    };
    assert_depth_error(&wrap("(", "1", ")"));
    assert_depth_error(&wrap("[", "", "]int{}"));
    assert_depth_error(&wrap("- ", "1", ""));
    assert_depth_error(&wrap("<-", "c", ""));
    assert_depth_error(&wrap("!", "b", ""));
    assert_depth_error(&wrap("* ", "p", ""));
    assert_depth_error(&wrap("chan ", "int", ""));
    assert_depth_error(&wrap("map[int]", "int", ""));
    assert_depth_error(&wrap("[]T{", "", "}"));
    assert_depth_error(&wrap("func() {", "", "}"));
    assert_depth_error(&format!(
        "package p\nfunc f() {}{}\n",
        "{".repeat(N),
        "}".repeat(N)
    ));
    assert_depth_error(&format!(
        "package p\nfunc f() {{ {} }}\n",
        "if x {".repeat(N)
    ));
    // Unbalanced input must terminate too.
    assert_depth_error(&format!("package p\nvar x = {}\n", "(".repeat(N)));
    let f = parse_file(&format!("package p\nvar x = {}\n", ")".repeat(N)));
    assert!(!f.errors().is_empty());
}

#[test]
fn long_flat_chains_are_not_depth_limited() {
    // Selector and operator chains iterate rather than recurse; go/parser accepts them.
    let sel = format!("package p\nvar x = a{}\n", ".b".repeat(5000));
    parse_ok(&sel);
    let sum = format!("package p\nvar x = 1{}\n", " + 1".repeat(5000));
    let f = parse_ok(&sum);
    let root_expr = f.nodes_of_kind(NodeKind::BinaryExpr).next().unwrap().0;
    assert_eq!(f.ast().pos(root_expr) as usize, "package p\nvar x = ".len());
}

#[test]
fn garbage_inputs_terminate() {
    let inputs = [
        "",
        "package",
        "package p; func",
        "package p\nfunc f() { for { switch { case",
        "package p\nvar x = \"unterminated",
        "package p\nvar x = `unterminated",
        "package p\n/* unterminated",
        "package p\nvar x = '",
        "package p\n\u{0}\u{0}\u{0}",
        "\u{feff}package p\n\u{feff}",
        "package p\r\nvar x = 1\r",
        "package p\nfunc f() { a := [...]; b := map[; c := chan<-; }",
        "package p\ntype T[",
        "package p\ntype T interface { M[",
        "package p\nfunc f() { x.(; y.; z[:: }",
        "package p\nimport (\n\"a\"\n",
        ")))]]]}}}",
    ];
    for src in inputs {
        let f = parse_file(src);
        let _ = crate::outline(&f, src);
        // The loop guard is a safety net only: go/parser's recovery always progresses.
        assert!(
            f.errors()
                .iter()
                .all(|e| e.message != "parser made no progress"),
            "{src:?}"
        );
        if !src.is_empty() && src != "package p\r\nvar x = 1\r" {
            assert!(!f.errors().is_empty(), "expected an error for {src:?}");
        }
    }
}

#[test]
fn too_many_errors_stops_parsing() {
    let src = format!("package p\n{}", "func f() { ) }\n".repeat(1000));
    let f = parse_file(&src);
    assert!(f.errors().len() <= 12, "{} errors", f.errors().len());
}

#[test]
fn every_byte_prefix_of_a_file_parses() {
    let src = include_str!("../../tests/testdata/parser/all_productions.go");
    for (i, _) in src.char_indices().step_by(7) {
        let f = parse_file(&src[..i]);
        let _ = crate::outline(&f, &src[..i]);
    }
}

#[test]
fn doc_comments_attach_to_declarations() {
    let src = "package p\n\n// Doc of F.\nfunc F() {} // trailing\n\ntype S struct {\n\t// doc A\n\tA int // line A\n}\n";
    let f = parse_ok(src);
    let ast = f.ast();
    let (_, fdecl) = f.nodes_of_kind(NodeKind::FuncDecl).next().unwrap();
    let Node::FuncDecl { doc: Some(doc), .. } = *fdecl else {
        panic!("no doc on F")
    };
    let c = ast.group_comments(doc)[0];
    assert_eq!(&src[c.pos as usize..c.end as usize], "// Doc of F.");
    let (_, field) = f
        .nodes_of_kind(NodeKind::Field)
        .find(|(_, n)| matches!(n, Node::Field { doc: Some(_), .. }))
        .unwrap();
    let Node::Field {
        doc: Some(d),
        comment: Some(lc),
        ..
    } = *field
    else {
        panic!("field comments")
    };
    assert_eq!(
        &src[ast.group_pos(d) as usize..ast.group_end(d) as usize],
        "// doc A"
    );
    assert_eq!(
        &src[ast.group_pos(lc) as usize..ast.group_end(lc) as usize],
        "// line A"
    );
    assert_eq!(ast.comment_groups.len(), 4);
}

#[test]
fn nodes_iteration_is_preorder_and_skips_nothing_reachable() {
    let f = parse_ok("package p\nfunc f() { g(1, h(2)) }\n");
    let k = kinds(&f);
    assert_eq!(k[0], NodeKind::File);
    assert_eq!(count(&f, NodeKind::CallExpr), 2);
    assert_eq!(count(&f, NodeKind::BasicLit), 2);
    let calls: Vec<_> = f
        .nodes_of_kind(NodeKind::CallExpr)
        .map(|(id, _)| f.ast().pos(id))
        .collect();
    assert!(calls[0] < calls[1], "outer call first");
}

#[test]
fn parent_map_finds_enclosing_function() {
    let src = "package p\nfunc f() {\n\tgo func() { g() }()\n}\n";
    let f = parse_ok(src);
    let parents = f.ast().parent_map(f.root());
    let (inner_call, _) = f
        .nodes_of_kind(NodeKind::CallExpr)
        .find(|(id, _)| f.ast().text(*id, src) == "g()")
        .unwrap();
    let mut cur = inner_call;
    let mut chain = Vec::new();
    while let Some(p) = parents[cur.index()] {
        chain.push(f.ast().node(p).kind());
        cur = p;
    }
    assert_eq!(
        chain,
        [
            NodeKind::ExprStmt,
            NodeKind::BlockStmt,
            NodeKind::FuncLit,
            NodeKind::CallExpr,
            NodeKind::GoStmt,
            NodeKind::BlockStmt,
            NodeKind::FuncDecl,
            NodeKind::File
        ]
    );
}

/// gofmt and go/parser accept expressions a few hundred parentheses deep
/// (each level is three productions here); so must we.
#[test]
fn hundreds_of_nested_parentheses_parse() {
    for depth in [333, 1000] {
        let src = format!(
            "package p\n\nvar x = {}1{}\n",
            "(".repeat(depth),
            ")".repeat(depth)
        );
        let f = parse_file(&src);
        assert!(f.errors().is_empty(), "{depth}: {:?}", &f.errors()[..1]);
    }
}
