//! Behaviour of the CFG queries on the functions of
//! tests/testdata/cfg/queries.go, whose nodes are picked by `// @name`
//! markers. The lock rule's question is the model: "is there a path from
//! the Lock to an exit that does not unlock?".

mod cfg_support;

use cfg_support::Fixture;
use goguard_semantic::cfg::{BlockKind, Cfg, Exit, ExitFilter};
use goguard_syntax::{Node, NodeId};

fn fixture() -> Fixture {
    Fixture::load("queries.go")
}

/// A node that unlocks: an `Unlock()` call statement or a defer of one.
fn unlocks(fx: &Fixture, node: NodeId) -> bool {
    let call = match *fx.ast().node(node) {
        Node::ExprStmt { x } => x,
        Node::DeferStmt { call, .. } => call,
        _ => return false,
    };
    fx.text(call).ends_with("Unlock()")
}

/// The exit reached from `marker` without unlocking, if any.
fn leak(fx: &Fixture, func: &str, marker: &str, filter: ExitFilter) -> Option<Exit> {
    let cfg = fx.cfg(func);
    let from = fx.marked(&cfg, marker);
    cfg.path_to_exit_avoiding(from, filter, &mut |n| unlocks(fx, n))
}

fn ret(fx: &Fixture, cfg: &Cfg, marker: &str) -> Exit {
    let node = fx.marked(cfg, marker);
    assert!(matches!(fx.ast().node(node), Node::ReturnStmt { .. }));
    Exit::Return(node)
}

/// The CallExpr of a marked expression statement.
fn call(fx: &Fixture, cfg: &Cfg, marker: &str) -> NodeId {
    match *fx.ast().node(fx.marked(cfg, marker)) {
        Node::ExprStmt { x } => x,
        ref n => panic!("{marker} marks {n:?}"),
    }
}

#[test]
fn return_on_error_path_leaks() {
    let fx = fixture();
    let cfg = fx.cfg("leakOnError");
    let got = leak(&fx, "leakOnError", "lock1", ExitFilter::Normal);
    assert_eq!(got, Some(ret(&fx, &cfg, "leak1")));
}

#[test]
fn deferred_unlock_covers_every_exit() {
    let fx = fixture();
    assert_eq!(leak(&fx, "deferred", "lock2", ExitFilter::All), None);
}

#[test]
fn os_exit_is_not_a_normal_exit() {
    let fx = fixture();
    assert_eq!(
        leak(&fx, "exitWhileLocked", "lock3", ExitFilter::Normal),
        None
    );
    let cfg = fx.cfg("exitWhileLocked");
    let exit = Exit::NoReturn(call(&fx, &cfg, "exit3"));
    assert_eq!(
        leak(&fx, "exitWhileLocked", "lock3", ExitFilter::All),
        Some(exit)
    );
}

#[test]
fn panic_counts_only_with_all() {
    let fx = fixture();
    assert_eq!(
        leak(&fx, "panicWhileLocked", "lock4", ExitFilter::Normal),
        None
    );
    let cfg = fx.cfg("panicWhileLocked");
    let exit = Exit::Panic(call(&fx, &cfg, "panic4"));
    assert_eq!(
        leak(&fx, "panicWhileLocked", "lock4", ExitFilter::All),
        Some(exit)
    );
}

#[test]
fn infinite_loop_never_exits() {
    let fx = fixture();
    assert_eq!(leak(&fx, "spin", "lock5", ExitFilter::All), None);
    let cfg = fx.cfg("spin");
    assert!(!cfg.can_return());
    assert!(!cfg.block(cfg.exit()).live);
}

#[test]
fn labeled_break_leaves_both_loops() {
    let fx = fixture();
    assert_eq!(leak(&fx, "nestedBreak", "lock6", ExitFilter::All), None);
    let cfg = fx.cfg("nestedBreak");
    let neg = fx.marked(&cfg, "neg6");
    let unlock = fx.marked(&cfg, "unlock6");
    assert!(cfg.reaches(neg, unlock));
    assert!(!cfg.reaches(unlock, neg));
    assert!(cfg.in_cycle(neg));
    assert!(!cfg.in_cycle(unlock));

    let cfg = fx.cfg("nestedBreakSkipsUnlock");
    let from = fx.marked(&cfg, "lock7");
    let got = cfg.path_to_exit_avoiding(from, ExitFilter::Normal, &mut |n| unlocks(&fx, n));
    assert!(matches!(got, Some(Exit::FallOff(_))), "{got:?}");
}

#[test]
fn goto_forward_and_backward() {
    let fx = fixture();
    assert_eq!(leak(&fx, "gotoCleanup", "lock8", ExitFilter::All), None);

    assert_eq!(leak(&fx, "gotoBackward", "lock9", ExitFilter::All), None);
    let cfg = fx.cfg("gotoBackward");
    let lock = fx.marked(&cfg, "lock9");
    let unlock = fx.marked(&cfg, "unlock9");
    assert!(
        cfg.reaches(unlock, lock),
        "the backward goto returns to the label"
    );
    assert!(cfg.in_cycle(lock));
    assert!(cfg.reaches(lock, fx.marked(&cfg, "done9")));
    assert!(!cfg.reaches(fx.marked(&cfg, "done9"), lock));
}

#[test]
fn switch_fallthrough() {
    let fx = fixture();
    assert_eq!(leak(&fx, "fallsThrough", "lock10", ExitFilter::All), None);
    let cfg = fx.cfg("fallsThroughToLeak");
    // case 1 returns while locked; case 0 unlocks, then falls through.
    let got = leak(&fx, "fallsThroughToLeak", "lock11", ExitFilter::All);
    assert_eq!(got, Some(ret(&fx, &cfg, "leak11")));
}

#[test]
fn select_with_and_without_default() {
    let fx = fixture();
    let cfg = fx.cfg("selectDefault");
    let got = leak(&fx, "selectDefault", "lock12", ExitFilter::All);
    assert_eq!(got, Some(ret(&fx, &cfg, "leak12")));
    assert_eq!(
        leak(&fx, "selectNoDefault", "lock13", ExitFilter::All),
        None
    );
    // `select {}` blocks forever: no exit at all.
    assert_eq!(leak(&fx, "blocksForever", "lock14", ExitFilter::All), None);
    assert!(fx.cfg("blocksForever").exits().is_empty());
}

#[test]
fn return_inside_range_over_func_is_a_return() {
    let fx = fixture();
    let cfg = fx.cfg("rangeFuncReturn");
    let got = leak(&fx, "rangeFuncReturn", "lock15", ExitFilter::Normal);
    assert_eq!(got, Some(ret(&fx, &cfg, "leak15")));
}

#[test]
fn code_after_panic_is_dead() {
    let fx = fixture();
    let cfg = fx.cfg("afterPanic");
    let dead = fx.marked(&cfg, "dead16");
    let (block, _) = cfg.locate(dead).unwrap();
    assert!(!cfg.block(block).live);
    assert_eq!(cfg.block(block).kind, BlockKind::Unreachable);
    assert!(!cfg.reaches(fx.marked(&cfg, "panic16"), dead));
    assert!(!cfg.can_return());
    let exits = cfg.exits();
    assert_eq!(exits.len(), 1);
    assert!(matches!(exits[0], Exit::Panic(_)));
}

#[test]
fn reaches_and_cycles_of_a_range_loop() {
    let fx = fixture();
    let cfg = fx.cfg("loops");
    let (before, body, after) = (
        fx.marked(&cfg, "before17"),
        fx.marked(&cfg, "body17"),
        fx.marked(&cfg, "after17"),
    );
    assert!(cfg.reaches(before, body));
    assert!(cfg.reaches(before, after));
    assert!(cfg.reaches(body, after));
    assert!(!cfg.reaches(after, body));
    assert!(!cfg.reaches(body, before));
    assert!(cfg.in_cycle(body));
    assert!(!cfg.in_cycle(before));
    assert!(!cfg.in_cycle(after));
}

#[test]
fn function_literals_are_not_entered() {
    let fx = fixture();
    let cfg = fx.cfg("funcLitNotEntered");
    let got = leak(&fx, "funcLitNotEntered", "lock18", ExitFilter::Normal);
    assert!(matches!(got, Some(Exit::FallOff(_))), "{got:?}");
    // No node of the literal's body is in the outer graph.
    let unlock_in_lit = cfg
        .blocks
        .iter()
        .flat_map(|b| &b.nodes)
        .any(|&n| fx.text(n) == "mu.Unlock()");
    assert!(!unlock_in_lit);
}

#[test]
fn falling_off_the_end_is_an_exit_at_the_closing_brace() {
    let fx = fixture();
    let got = leak(&fx, "fallOff", "lock19", ExitFilter::Normal);
    let Some(Exit::FallOff(pos)) = got else {
        panic!("{got:?}");
    };
    // The function's own closing brace, alone at the start of its line.
    assert_eq!(&fx.source[pos as usize - 1..pos as usize + 2], "\n}\n");
}

#[test]
fn exits_from_lists_every_reachable_exit() {
    let fx = fixture();
    let cfg = fx.cfg("leakOnError");
    let lock = fx.marked(&cfg, "lock1");
    let exits = cfg.exits_from(lock, ExitFilter::All);
    assert_eq!(exits.len(), 2, "{exits:?}");
    assert_eq!(exits[0], ret(&fx, &cfg, "leak1"), "nearest first");
    let cfg = fx.cfg("exitWhileLocked");
    let lock = fx.marked(&cfg, "lock3");
    assert_eq!(cfg.exits_from(lock, ExitFilter::All).len(), 2);
    assert_eq!(cfg.exits_from(lock, ExitFilter::Normal).len(), 1);
}

#[test]
fn locate_finds_every_block_node_and_nothing_else() {
    let fx = fixture();
    for (name, body) in fx.funcs() {
        let cfg = fx.build(body);
        for (b, block) in cfg.blocks.iter().enumerate() {
            for (i, &n) in block.nodes.iter().enumerate() {
                let (lb, li) = cfg.locate(n).unwrap();
                assert_eq!((lb.0 as usize, li), (b, i), "{name}");
            }
        }
        assert_eq!(
            cfg.locate(body),
            None,
            "{name}: the body is not a block node"
        );
        assert_eq!(
            cfg.path_to_exit_avoiding(body, ExitFilter::All, &mut |_| false),
            None
        );
        assert!(!cfg.reaches(body, body));
    }
}

#[test]
fn stop_is_not_asked_about_the_starting_node() {
    let fx = fixture();
    let cfg = fx.cfg("leakOnError");
    let lock = fx.marked(&cfg, "lock1");
    let mut asked = Vec::new();
    let got = cfg.path_to_exit_avoiding(lock, ExitFilter::Normal, &mut |n| {
        asked.push(n);
        false
    });
    assert!(got.is_some());
    assert!(!asked.contains(&lock));
}

#[test]
fn loop_of_names_the_innermost_loop() {
    let fx = fixture();
    let cfg = fx.cfg("loopOf");
    let header = fx.marked(&cfg, "range20");
    assert!(matches!(fx.ast().node(header), Node::RangeStmt { .. }));
    assert_eq!(cfg.loop_of(header), Some(header));
    assert_eq!(cfg.loop_of(fx.marked(&cfg, "inner20")), Some(header));
    let outer = cfg.loop_of(fx.marked(&cfg, "outer20")).unwrap();
    assert!(matches!(fx.ast().node(outer), Node::ForStmt { .. }));
    // The range operand is evaluated once per iteration of the outer loop.
    let Node::RangeStmt { x, .. } = *fx.ast().node(header) else {
        unreachable!()
    };
    assert_eq!(cfg.loop_of(x), Some(outer));
    assert_eq!(cfg.loop_of(fx.marked(&cfg, "outside20")), None);
    assert_eq!(cfg.loop_of(fx.marked(&cfg, "after20")), None);

    // A label reached by a goto from inside a loop is still outside it.
    let cfg = fx.cfg("gotoOutOfLoop");
    assert_eq!(cfg.loop_of(fx.marked(&cfg, "out23")), None);
}

#[test]
fn first_reachable_finds_a_second_lock_before_any_unlock() {
    let fx = fixture();
    let cfg = fx.cfg("doubleLock");
    let is_lock = |n: NodeId| fx.text(n) == "mu.Lock()";
    let lock = fx.marked(&cfg, "lock21");
    let got = cfg.first_reachable(lock, &mut |n| is_lock(n), &mut |n| unlocks(&fx, n));
    assert_eq!(got, Some(fx.marked(&cfg, "relock21")));
    // After the re-lock, the next Lock is only reachable through an Unlock.
    let relock = fx.marked(&cfg, "relock21");
    let got = cfg.first_reachable(relock, &mut |n| is_lock(n), &mut |n| unlocks(&fx, n));
    assert_eq!(got, None);
    let got = cfg.first_reachable(relock, &mut |n| is_lock(n), &mut |_| false);
    assert_eq!(got, Some(fx.marked(&cfg, "later21")));
}

#[test]
fn enclosing_node_walks_up_to_the_statement_but_not_out_of_literals() {
    let fx = fixture();
    let cfg = fx.cfg("nested");
    let parents = fx.ast().parent_map(fx.parsed.root());
    let parent = |n: NodeId| parents[n.index()];
    // The earliest node on the marked line is the if's init statement.
    let init_marked = fx.marked(&cfg, "cond22");
    let cond = cfg
        .blocks
        .iter()
        .flat_map(|b| b.nodes.iter().copied())
        .find(|&n| fx.text(n) == "err != nil")
        .unwrap();
    // `mu.TryLock()` sits inside the if's init statement.
    let (call, _) = fx
        .parsed
        .nodes_of_kind(goguard_syntax::NodeKind::CallExpr)
        .find(|&(id, _)| fx.text(id) == "mu.TryLock()")
        .unwrap();
    let init = cfg.enclosing_node(call, fx.ast(), &parent).unwrap();
    assert!(matches!(fx.ast().node(init), Node::AssignStmt { .. }));
    assert_eq!(init, init_marked);
    assert!(cfg.reaches(init, cond));
    assert!(!cfg.reaches(cond, init));
    assert_eq!(cfg.enclosing_node(cond, fx.ast(), &parent), Some(cond));
    // The Unlock inside the goroutine's literal belongs to another graph.
    let (inlit, _) = fx
        .parsed
        .nodes_of_kind(goguard_syntax::NodeKind::CallExpr)
        .find(|&(id, _)| fx.text(id) == "mu.Unlock()")
        .unwrap();
    assert_eq!(cfg.enclosing_node(inlit, fx.ast(), &parent), None);
}

#[test]
fn dominance_and_search_from_the_entry() {
    let fx = fixture();
    let cfg = fx.cfg("dominance");
    let m = |name| fx.marked(&cfg, name);
    let (add, add_b, go, wait) = (m("add24"), m("add24b"), m("go24"), m("wait24"));
    assert!(cfg.dominates(add_b, go));
    assert!(cfg.dominates(add_b, wait));
    assert!(!cfg.dominates(add, go), "the first Add is conditional");
    assert!(!cfg.dominates(go, wait), "the loop may run zero times");
    assert!(!cfg.dominates(wait, go));
    assert!(cfg.dominates(go, go));
    // From the entry, the Wait is reachable without the conditional Add but
    // not without the unconditional one.
    let first = cfg.first_reachable_from_entry(&mut |n| n == wait, &mut |n| n == add);
    assert_eq!(first, Some(wait));
    let first = cfg.first_reachable_from_entry(&mut |n| n == wait, &mut |n| n == add_b);
    assert_eq!(first, None);
    // Dead code is dominated by nothing.
    let cfg = fx.cfg("afterPanic");
    let dead = fx.marked(&cfg, "dead16");
    assert!(!cfg.dominates(fx.marked(&cfg, "panic16"), dead));
}

#[test]
fn graphs_can_be_shared_across_threads() {
    fn shareable<T: Send + Sync + Clone>() {}
    shareable::<Cfg>();
}

#[test]
fn avoiding_blocks_leaves_out_a_branch() {
    let fx = fixture();
    let cfg = fx.cfg("errBranch");
    let get = fx.marked(&cfg, "get25");
    let closes = |n: NodeId| fx.text(n) == "resp.Close()";
    let nearest = cfg.path_to_exit_avoiding(get, ExitFilter::Normal, &mut |n| closes(n));
    assert_eq!(nearest, Some(ret(&fx, &cfg, "errret25")));
    // The error branch: the IfThen of the `if` whose condition is `err != nil`.
    let mut err_branch = |_, b: &goguard_semantic::cfg::Block| {
        b.kind == BlockKind::IfThen
            && b.stmt.is_some_and(|s| match *fx.ast().node(s) {
                Node::IfStmt { cond, .. } => fx.text(cond) == "err != nil",
                _ => false,
            })
    };
    let got = cfg.path_to_exit_avoiding_blocks(
        get,
        ExitFilter::Normal,
        &mut |n| closes(n),
        &mut err_branch,
    );
    assert_eq!(got, Some(ret(&fx, &cfg, "leak25")));
    let none = cfg.path_to_exit_avoiding_blocks(
        get,
        ExitFilter::Normal,
        &mut |n| closes(n) || fx.line(n) == fx.line(fx.marked(&cfg, "leak25")),
        &mut err_branch,
    );
    assert_eq!(none, None);
}
