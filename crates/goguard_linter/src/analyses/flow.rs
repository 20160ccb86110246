//! Path search over one function's CFG: "is there a path from this node to a
//! normal exit (a return or falling off the end, not a panic) that meets none
//! of these nodes?"
//!
//! It refines [`Cfg::path_to_exit_avoiding`] in the one way release checks
//! need: edges out of an `if` condition can be pruned while some fact holds
//! (the branch where the call's error is non-nil has nothing to release), and
//! nodes on the path can end that fact (the error variable reassigned).

use std::collections::{HashSet, VecDeque};

use goguard_diagnostics::Span;
use goguard_semantic::cfg::{Block, BlockId, BlockKind, Cfg, Exit, ExitFilter};
use goguard_syntax::{Node, NodeId, Pos, Tok};

use crate::engine::Context;

use super::expr::unparen;

/// How a leaking path leaves the function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LeakExit {
    /// At this return statement.
    Return(NodeId),
    /// By falling off the end of the body: the closing brace.
    FallOff(Pos),
    /// By going round the loop (this statement) back to the creation, which
    /// replaces the value still held.
    LoopBack(NodeId),
    /// At this statement, which overwrites the variable still holding the
    /// value: nothing can release it afterwards.
    Overwritten(NodeId),
}

impl LeakExit {
    /// The label of the exit's related span; `missing` says what was not
    /// done ("calling cancel", "stopping t").
    pub fn label(self, missing: &str) -> String {
        match self {
            LeakExit::Return(_) => format!("returns here without {missing}"),
            LeakExit::FallOff(_) => format!("the function ends here without {missing}"),
            LeakExit::LoopBack(_) => format!("the loop comes back to the call without {missing}"),
            LeakExit::Overwritten(_) => format!("overwritten here without {missing}"),
        }
    }

    /// Where to point at the exit.
    pub fn span(self, cx: &Context<'_>) -> Span {
        match self {
            LeakExit::Return(node) | LeakExit::Overwritten(node) => cx.span(node),
            LeakExit::FallOff(pos) => cx.span_between(pos, pos.saturating_add(1)),
            // The `for` keyword.
            LeakExit::LoopBack(stmt) => {
                let pos = cx.ast().pos(stmt);
                cx.span_between(pos, pos.saturating_add(3))
            }
        }
    }
}

/// What a search must avoid and which branches it may skip.
pub struct Search<'q> {
    /// Nodes that end a path: the value is released, handed off or replaced.
    pub stop: &'q dyn Fn(NodeId) -> bool,
    /// `prune(cond, taken, facts)`: true when the path may not leave the
    /// condition `cond` (of an `if`, a `for`, a tagless switch case or a `range`) by its `taken`
    /// branch; `facts` says whether the path has not met a `kill_facts` node
    /// since its start.
    pub prune: &'q dyn Fn(NodeId, bool, bool) -> bool,
    /// Nodes after which `facts` is false on the path.
    pub kill_facts: &'q dyn Fn(NodeId) -> bool,
    /// Nodes that end a path as a leak: they overwrite the value.
    pub overwrite: &'q dyn Fn(NodeId) -> bool,
    /// Nodes after which the value is also held elsewhere (stored into a
    /// local object or slice): coming back to the start is then no leak.
    pub holds: &'q dyn Fn(NodeId) -> bool,
    /// Whether coming back to the starting node (round a loop) is a leak:
    /// the value made there replaces the one still held.
    pub loop_back_leaks: bool,
    /// Exits that are no leak (a return reporting a failure, for a rule
    /// that only cares about successful returns): the search goes on.
    pub ignore_exit: &'q dyn Fn(LeakExit) -> bool,
}

impl Search<'_> {
    /// A search that only stops at `stop` nodes.
    pub fn stopping_at(stop: &dyn Fn(NodeId) -> bool) -> Search<'_> {
        Search {
            stop,
            prune: &|_, _, _| false,
            kill_facts: &|_| false,
            overwrite: &|_| false,
            holds: &|_| false,
            loop_back_leaks: false,
            ignore_exit: &|_| false,
        }
    }
}

/// A path from just after `from` (a node of `cfg`, the CFG of `func`) to a
/// normal exit avoiding the search's stop nodes, as the exit it reaches.
/// Reaching `from` again ends a path: as a leak when the search says so,
/// else silently. None when every path is stopped, panics or never ends, or
/// `from` is not in `cfg`.
pub fn leak_path(
    cx: &Context<'_>,
    func: NodeId,
    cfg: &Cfg,
    from: NodeId,
    search: &Search<'_>,
) -> Option<LeakExit> {
    leak_exits(cx, func, cfg, from, search, 1)
        .into_iter()
        .next()
}

/// The exits (at most `limit`) that paths from just after `from` reach
/// as [`leak_path`] finds one, nearest first: each return, fall-off, loop
/// back or overwrite that leaves the value held.
pub fn leak_exits(
    cx: &Context<'_>,
    func: NodeId,
    cfg: &Cfg,
    from: NodeId,
    search: &Search<'_>,
    limit: usize,
) -> Vec<LeakExit> {
    let mut found: Vec<LeakExit> = Vec::new();
    let Some((first_block, index)) = cfg.locate(from) else {
        return found;
    };
    let exit = cfg.exit();
    // Breadth-first, so the exit reported is one through the fewest blocks.
    // A state is (block, first node, facts, held elsewhere).
    let mut queue: VecDeque<(BlockId, usize, bool, bool)> =
        VecDeque::from([(first_block, index + 1, true, false)]);
    let mut seen: HashSet<(BlockId, bool, bool)> = HashSet::new();
    while let Some((b, start, mut facts, mut held)) = queue.pop_front() {
        if found.len() >= limit {
            break;
        }
        let block = cfg.block(b);
        let mut stopped = false;
        for &n in block.nodes.iter().skip(start) {
            if n == from && search.loop_back_leaks && !held {
                found.push(LeakExit::LoopBack(
                    enclosing_loop(cx, func, from).unwrap_or(from),
                ));
            }
            if n == from || (search.stop)(n) {
                stopped = true;
                break;
            }
            if (search.overwrite)(n) {
                found.push(LeakExit::Overwritten(n));
                stopped = true;
                break;
            }
            if (search.holds)(n) {
                held = true;
            }
            if facts && (search.kill_facts)(n) {
                facts = false;
            }
        }
        if stopped {
            continue;
        }
        let last = block.nodes.last().copied();
        let branch = last.and_then(|n| condition_target(cx, n).map(|t| (n, t)));
        let then_block = branch.and_then(|(_, t)| true_successor(cfg, block.succs.as_slice(), t));
        for &s in &block.succs {
            if s == exit {
                if let Some(e) = exit_of(cx, func, cfg, block, last) {
                    if !(search.ignore_exit)(e) {
                        found.push(e);
                    }
                }
                continue;
            }
            if !cfg.block(s).live {
                continue;
            }
            if let (Some((cond, _)), Some(then_b)) = (branch, then_block) {
                if (search.prune)(cond, s == then_b, facts) {
                    continue;
                }
            }
            if seen.insert((s, facts, held)) {
                queue.push_back((s, 0, facts, held));
            }
        }
    }
    let mut exits: Vec<LeakExit> = Vec::new();
    for e in found {
        if !exits.contains(&e) {
            exits.push(e);
        }
    }
    exits.truncate(limit);
    exits
}

/// For a node that is a condition — of an `if`, a `for`, a case of a switch
/// without tag, or a `range` statement (true: one more iteration) — the
/// block kind and statement of the block entered when it is true.
fn condition_target(cx: &Context<'_>, node: NodeId) -> Option<(BlockKind, NodeId)> {
    if matches!(cx.node(node), Node::RangeStmt { .. }) {
        return Some((BlockKind::RangeBody, node));
    }
    let parent = cx.parent(node)?;
    match *cx.node(parent) {
        Node::IfStmt { cond, .. } if cond == node => Some((BlockKind::IfThen, parent)),
        Node::ForStmt { cond: Some(c), .. } if c == node => Some((BlockKind::ForBody, parent)),
        Node::CaseClause { list, .. } if cx.ast().list(list).contains(&node) => {
            let switch = cx.parent(parent).and_then(|body| cx.parent(body))?;
            match *cx.node(switch) {
                Node::SwitchStmt { tag: None, .. } => Some((BlockKind::SwitchCaseBody, parent)),
                _ => None,
            }
        }
        _ => None,
    }
}

/// The successor entered when the condition holds.
fn true_successor(cfg: &Cfg, succs: &[BlockId], target: (BlockKind, NodeId)) -> Option<BlockId> {
    succs.iter().copied().find(|&s| {
        let b = cfg.block(s);
        b.kind == target.0 && b.stmt == Some(target.1)
    })
}

/// How the edge out of `block` into the exit block leaves the function;
/// None for panics and calls that never return.
fn exit_of(
    cx: &Context<'_>,
    func: NodeId,
    cfg: &Cfg,
    block: &Block,
    last: Option<NodeId>,
) -> Option<LeakExit> {
    match block.exit {
        Some(Exit::Return(n)) => return Some(LeakExit::Return(n)),
        Some(Exit::FallOff(pos)) if pos != goguard_syntax::NO_POS => {
            return Some(LeakExit::FallOff(pos))
        }
        Some(Exit::Panic(_) | Exit::NoReturn(_)) => return None,
        _ => {}
    }
    if let Some(n) = last {
        if matches!(cx.node(n), Node::ReturnStmt { .. }) {
            return Some(LeakExit::Return(n));
        }
        cfg.path_to_exit_avoiding(n, ExitFilter::Normal, &mut |_| true)?;
    }
    Some(LeakExit::FallOff(body_end(cx, func)))
}

/// The innermost `for` or `range` statement of `func` holding `node`.
fn enclosing_loop(cx: &Context<'_>, func: NodeId, node: NodeId) -> Option<NodeId> {
    cx.ancestors(node)
        .take_while(|&a| a != func)
        .find(|&a| matches!(cx.node(a), Node::ForStmt { .. } | Node::RangeStmt { .. }))
}

/// The position of the closing brace of a function's body.
fn body_end(cx: &Context<'_>, func: NodeId) -> Pos {
    let body = match *cx.node(func) {
        Node::FuncDecl { body, .. } => body,
        Node::FuncLit { body, .. } => Some(body),
        _ => None,
    };
    match body.map(|b| cx.node(b)) {
        Some(&Node::BlockStmt { rbrace, .. }) if rbrace != goguard_syntax::NO_POS => rbrace,
        _ => cx.ast().end(func).saturating_sub(1),
    }
}

/// The CFG node of `func` that holds `node`: the node itself or its nearest
/// ancestor that is a node of some block (for a use inside a function
/// literal, the statement holding the literal).
pub fn anchor(cx: &Context<'_>, func: NodeId, cfg: &Cfg, node: NodeId) -> Option<NodeId> {
    if cfg.locate(node).is_some() {
        return Some(node);
    }
    for a in cx.ancestors(node) {
        if a == func {
            return None;
        }
        if cfg.locate(a).is_some() {
            return Some(a);
        }
    }
    None
}

/// What to look for in a condition: comparisons of `x` with nil, and for an
/// error, calls given it (`errors.Is(err, io.EOF)`, `isTimeout(err)`), which
/// are false for a nil error.
pub struct NilTest<'a> {
    /// True for an expression that stands for `x` (the identifier, or for a
    /// response also `resp.Body`).
    pub is_x: &'a dyn Fn(NodeId) -> bool,
    /// A call given `x` that returns true means `x` is non-nil.
    pub predicates_imply_non_nil: bool,
}

/// What a branch of a condition says about `x`: Some(true) when `x` is
/// non-nil on that branch, Some(false) when it is nil, None when the
/// condition does not tell.
pub fn branch_says_non_nil(
    cx: &Context<'_>,
    cond: NodeId,
    taken: bool,
    test: &NilTest<'_>,
) -> Option<bool> {
    says(cx, cond, taken, test, 0)
}

fn says(
    cx: &Context<'_>,
    cond: NodeId,
    taken: bool,
    test: &NilTest<'_>,
    depth: u32,
) -> Option<bool> {
    if depth > 32 {
        return None;
    }
    let cond = unparen(cx, cond);
    let both = |x: NodeId, y: NodeId, t: bool| {
        let a = says(cx, x, t, test, depth + 1);
        (a.is_some() && a == says(cx, y, t, test, depth + 1)).then_some(a?)
    };
    let either = |x: NodeId, y: NodeId, t: bool| {
        says(cx, x, t, test, depth + 1).or_else(|| says(cx, y, t, test, depth + 1))
    };
    match *cx.node(cond) {
        Node::UnaryExpr {
            op: Tok::Not, x, ..
        } => says(cx, x, !taken, test, depth + 1),
        Node::BinaryExpr { x, op, y, .. } => match op {
            // `a && b` true: both hold; false: one of them is false.
            Tok::Land if taken => either(x, y, true),
            Tok::Land => both(x, y, false),
            // `a || b` false: both are false; true: one of them holds.
            Tok::Lor if !taken => either(x, y, false),
            Tok::Lor => both(x, y, true),
            Tok::Eql | Tok::Neq => {
                let (x, y) = (unparen(cx, x), unparen(cx, y));
                let tested = if super::expr::is_nil(cx, y) {
                    x
                } else if super::expr::is_nil(cx, x) {
                    y
                } else {
                    return None;
                };
                if !(test.is_x)(tested) {
                    return None;
                }
                Some((op == Tok::Neq) == taken)
            }
            _ => None,
        },
        Node::CallExpr { args, .. } if test.predicates_imply_non_nil && taken => cx
            .ast()
            .list(args)
            .iter()
            .any(|&a| (test.is_x)(unparen(cx, a)))
            .then_some(true),
        _ => None,
    }
}

/// True when some path from the function's entry meets a `target` node
/// before any `stop` node.
pub fn entry_reaches(
    cfg: &Cfg,
    target: &dyn Fn(NodeId) -> bool,
    stop: &dyn Fn(NodeId) -> bool,
) -> bool {
    let mut stack = vec![cfg.entry()];
    let mut seen: HashSet<BlockId> = HashSet::from([cfg.entry()]);
    while let Some(b) = stack.pop() {
        let block = cfg.block(b);
        let mut stopped = false;
        for &n in &block.nodes {
            if target(n) {
                return true;
            }
            if stop(n) {
                stopped = true;
                break;
            }
        }
        if stopped {
            continue;
        }
        for &s in &block.succs {
            if cfg.block(s).live && seen.insert(s) {
                stack.push(s);
            }
        }
    }
    false
}

/// True for a `return` that reports a failure: its last result is made by
/// an error constructor (`fmt.Errorf`, `errors.New`, `errors.Wrap`, any
/// function whose name says `Err`), or is a variable an enclosing `if` has
/// just found non-nil (`if err != nil { return err }`).
pub fn reports_failure(cx: &Context<'_>, func: NodeId, ret: NodeId) -> bool {
    let Node::ReturnStmt { results, .. } = *cx.node(ret) else {
        return false;
    };
    let Some(&last) = cx.ast().list(results).last() else {
        return false;
    };
    let last = unparen(cx, last);
    match *cx.node(last) {
        Node::CallExpr { fun, .. } => {
            let name = match super::expr::selector(cx, unparen(cx, fun)) {
                Some((_, n)) => n,
                None => cx.text(fun),
            };
            name.contains("Err") || name.contains("err") || ERROR_MAKERS.contains(&name)
        }
        Node::Ident { .. } => {
            let Some(b) = super::release::binding_of(cx, last) else {
                return false;
            };
            let is_x = |id: NodeId| {
                matches!(cx.node(id), Node::Ident { .. })
                    && cx.model().resolve(cx.file(), id) == Some(b)
            };
            let test = NilTest {
                is_x: &is_x,
                predicates_imply_non_nil: true,
            };
            let mut child = ret;
            for a in cx.ancestors(ret) {
                if a == func {
                    break;
                }
                if let Node::IfStmt { cond, body, .. } = *cx.node(a) {
                    if body == child && branch_says_non_nil(cx, cond, true, &test) == Some(true) {
                        return true;
                    }
                }
                child = a;
            }
            false
        }
        _ => false,
    }
}

/// Functions making errors whose names do not say so.
const ERROR_MAKERS: &[&str] = &["New", "Wrap", "Wrapf", "WithStack", "WithMessage", "Join"];
