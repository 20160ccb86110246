//! Control-flow graphs of function bodies, built lazily per function.
//!
//! The shape follows golang.org/x/tools/go/cfg: a block holds the nodes
//! executed in order (simple statements, the conditions of if/for/switch,
//! case expressions, range operands, select communications, ValueSpecs of
//! local `var` declarations, and the DeferStmt/GoStmt/ReturnStmt themselves;
//! not branch statements, labels or empty statements); its successors
//! follow. Function literals are not entered: they get their own CFG. A
//! `return` (and falling off the end of the body) flows to the single exit
//! block; `panic(...)` and calls that never return (os.Exit, log.Fatal*,
//! t.Fatal*, ...) end their block with an edge to the exit block recorded as
//! [`Exit::Panic`] / [`Exit::NoReturn`]. Deferred calls are not expanded: a
//! rule that sees a DeferStmt on a path knows that the call runs at every
//! exit after it.
//!
//! Where this differs from go/cfg, on purpose:
//! - there is one explicit [`BlockKind::Exit`] block, and every block with an
//!   edge into it records how it leaves ([`Block::exit`]);
//! - the RangeStmt node itself is the only node of its loop header block (it
//!   stands for "take the next element and assign key/value"); the range
//!   operand `x` is evaluated once, before the loop;
//! - a select branches from one block straight to each clause body, whose
//!   first node is the clause's communication (the one that happened); a
//!   type switch likewise branches straight to each case body;
//! - `fallthrough` only targets the innermost switch case; `(panic)(x)`
//!   and `(panic(x))` are panics too;
//! - unreachable blocks that hold no node and add no path are dropped.
//!
//! Statement-to-statement reachability, liveness and fall-off agree with
//! go/cfg on every function of moby and GOROOT/src (`cfg_stats --liveness`).
//!
//! Queries: [`Cfg::locate`] (O(1)), [`Cfg::path_to_exit_avoiding`] (and
//! [`Cfg::path_to_exit_avoiding_blocks`]),
//! [`Cfg::exits_from`], [`Cfg::reaches`], [`Cfg::first_reachable`] (and
//! from the entry), [`Cfg::dominates`], [`Cfg::in_cycle`], [`Cfg::loop_of`],
//! [`Cfg::enclosing_node`], [`Cfg::exits`], [`Cfg::can_return`].
//!
//! Files: `build/` constructs the graph, `query.rs` answers path
//! questions, `format.rs` prints it, `noreturn.rs` lists the library calls
//! that never return.

use goguard_syntax::{Ast, NodeId, Pos};

mod build;
mod format;
mod noreturn;
mod query;

pub use noreturn::never_returns;

/// Index of a block in [`Cfg::blocks`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct BlockId(pub u32);

/// Why a block exists, for debugging output and for rules that care.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockKind {
    Entry,
    Exit,
    IfThen,
    IfElse,
    IfDone,
    ForLoop,
    ForBody,
    ForPost,
    ForDone,
    RangeLoop,
    RangeBody,
    RangeDone,
    SwitchCaseBody,
    SwitchNextCase,
    SwitchDone,
    SelectCaseBody,
    SelectDone,
    Label,
    /// Statements after a return, goto, break or continue: unreachable.
    Unreachable,
    Other,
}

impl BlockKind {
    /// The kind's name as printed by [`Cfg::format`].
    pub fn name(self) -> &'static str {
        match self {
            BlockKind::Entry => "Entry",
            BlockKind::Exit => "Exit",
            BlockKind::IfThen => "IfThen",
            BlockKind::IfElse => "IfElse",
            BlockKind::IfDone => "IfDone",
            BlockKind::ForLoop => "ForLoop",
            BlockKind::ForBody => "ForBody",
            BlockKind::ForPost => "ForPost",
            BlockKind::ForDone => "ForDone",
            BlockKind::RangeLoop => "RangeLoop",
            BlockKind::RangeBody => "RangeBody",
            BlockKind::RangeDone => "RangeDone",
            BlockKind::SwitchCaseBody => "SwitchCaseBody",
            BlockKind::SwitchNextCase => "SwitchNextCase",
            BlockKind::SwitchDone => "SwitchDone",
            BlockKind::SelectCaseBody => "SelectCaseBody",
            BlockKind::SelectDone => "SelectDone",
            BlockKind::Label => "Label",
            BlockKind::Unreachable => "Unreachable",
            BlockKind::Other => "Other",
        }
    }
}

/// One basic block.
#[derive(Debug, Clone)]
pub struct Block {
    pub kind: BlockKind,
    /// The nodes executed in this block, in order.
    pub nodes: Vec<NodeId>,
    pub succs: Vec<BlockId>,
    /// The statement that caused this block (the IfStmt for IfThen...), if any.
    pub stmt: Option<NodeId>,
    /// False when no path from the entry reaches it.
    pub live: bool,
    /// How the function is left from this block, when its (only) successor
    /// is the exit block.
    pub exit: Option<Exit>,
    /// The innermost ForStmt or RangeStmt whose iterations run this block
    /// (its condition, body, post statement or range header); None outside
    /// loops. Loops made with goto are not counted (see [`Cfg::in_cycle`]).
    pub loop_stmt: Option<NodeId>,
}

/// How a path leaves the function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// A return statement.
    Return(NodeId),
    /// Falling off the end of the body; the position of its closing brace.
    FallOff(Pos),
    /// A call to panic (the CallExpr).
    Panic(NodeId),
    /// A call that never returns (os.Exit, log.Fatal, t.Fatal...): the CallExpr.
    NoReturn(NodeId),
}

impl Exit {
    /// True for a return or falling off the end.
    pub fn is_normal(self) -> bool {
        matches!(self, Exit::Return(_) | Exit::FallOff(_))
    }
}

/// Which exits a path query counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitFilter {
    /// Returns and falling off the end.
    Normal,
    /// Also panics and no-return calls.
    All,
}

impl ExitFilter {
    /// True when this filter counts `exit`.
    pub fn accepts(self, exit: Exit) -> bool {
        match self {
            ExitFilter::Normal => exit.is_normal(),
            ExitFilter::All => true,
        }
    }
}

/// The control-flow graph of one function body.
#[derive(Debug, Clone)]
pub struct Cfg {
    pub blocks: Vec<Block>,
    /// Where each node of a block sits: built once, for O(1) [`Cfg::locate`].
    index: query::NodeIndex,
}

impl Cfg {
    /// Builds the CFG of a function body (the BlockStmt of a FuncDecl or
    /// FuncLit). `source` is the file's text: labels are matched by name and
    /// a call to an identifier named `panic` is recognised as a panic without
    /// asking `no_return` (shadowing the builtin `panic` is too rare to
    /// matter). `no_return` says whether any other CallExpr of an expression
    /// statement never returns (see [`never_returns`]).
    ///
    /// Never panics; on malformed trees (BadStmt, branches outside loops,
    /// goto to a missing label, nesting too deep) it builds a best-effort
    /// graph in which the odd statement is an opaque node or a dead end.
    pub fn build(ast: &Ast, source: &str, body: NodeId, no_return: &dyn Fn(NodeId) -> bool) -> Cfg {
        build::build(ast, source, body, no_return)
    }

    pub fn entry(&self) -> BlockId {
        BlockId(0)
    }

    /// The single exit block: every return, fall-off, panic and no-return
    /// call has an edge to it.
    pub fn exit(&self) -> BlockId {
        BlockId(1)
    }

    pub fn block(&self, id: BlockId) -> &Block {
        &self.blocks[id.0 as usize]
    }

    /// The block and index holding a node of some block's `nodes`.
    pub fn locate(&self, node: NodeId) -> Option<(BlockId, usize)> {
        self.index.get(node)
    }

    /// Searches for a path from just after `from` (a node of some block) to
    /// an exit accepted by `filter` on which no node satisfies `stop`.
    /// Returns how that path leaves the function, or None when every path
    /// meets a stopping node (or never leaves: infinite loops), or when
    /// `from` is not a node of this graph. Of several such paths, the one
    /// through the fewest blocks is reported (ties: the lowest block index).
    /// `stop` is asked about each node at most twice (the nodes after `from`
    /// in its block can be met again through a loop), never about `from`
    /// before the search comes back to it.
    pub fn path_to_exit_avoiding(
        &self,
        from: NodeId,
        filter: ExitFilter,
        stop: &mut dyn FnMut(NodeId) -> bool,
    ) -> Option<Exit> {
        query::path_to_exit_avoiding(self, from, filter, stop, &mut |_, _| false)
    }

    /// [`Cfg::path_to_exit_avoiding`] where, in addition, the path may not
    /// enter a block for which `avoid_block` holds. This is how a rule leaves
    /// out a branch it knows is not taken with its value, e.g. the IfThen
    /// block of `if err != nil` after `resp, err := http.Get(url)`
    /// (`block.kind == BlockKind::IfThen` and `block.stmt` is that IfStmt).
    /// The block holding `from` is never asked about.
    pub fn path_to_exit_avoiding_blocks(
        &self,
        from: NodeId,
        filter: ExitFilter,
        stop: &mut dyn FnMut(NodeId) -> bool,
        avoid_block: &mut dyn FnMut(BlockId, &Block) -> bool,
    ) -> Option<Exit> {
        query::path_to_exit_avoiding(self, from, filter, stop, avoid_block)
    }

    /// Every exit accepted by `filter` that some path from just after
    /// `from` reaches, nearest first (in blocks); empty when `from` is not a
    /// node of this graph.
    pub fn exits_from(&self, from: NodeId, filter: ExitFilter) -> Vec<Exit> {
        query::exits_from(self, from, filter)
    }

    /// The nearest node (in blocks, then in block order) reachable from just
    /// after `from` that satisfies `target`, on a path where no earlier node
    /// satisfies `stop`; `target` is asked first. E.g. a second Lock of the
    /// same mutex with no Unlock between: `first_reachable(lock, is_lock,
    /// is_unlock)`. None when `from` is not a node of this graph.
    pub fn first_reachable(
        &self,
        from: NodeId,
        target: &mut dyn FnMut(NodeId) -> bool,
        stop: &mut dyn FnMut(NodeId) -> bool,
    ) -> Option<NodeId> {
        query::first_reachable(self, Some(from), target, stop)
    }

    /// [`Cfg::first_reachable`] from the function's entry: the nearest node
    /// satisfying `target` on a path from the start of the body where no
    /// earlier node satisfies `stop`.
    pub fn first_reachable_from_entry(
        &self,
        target: &mut dyn FnMut(NodeId) -> bool,
        stop: &mut dyn FnMut(NodeId) -> bool,
    ) -> Option<NodeId> {
        query::first_reachable(self, None, target, stop)
    }

    /// True when every path from the function's entry to `b` runs `a` first
    /// (`a` dominates `b`; a node dominates itself): e.g. a `wg.Add` that
    /// precedes a `go` statement whatever the branches. False when either is
    /// not a node of this graph or `b` is unreachable.
    pub fn dominates(&self, a: NodeId, b: NodeId) -> bool {
        let (Some(_), Some((bb, _))) = (self.locate(a), self.locate(b)) else {
            return false;
        };
        if !self.block(bb).live {
            return false;
        }
        a == b
            || self
                .first_reachable_from_entry(&mut |n| n == b, &mut |n| n == a)
                .is_none()
    }

    /// The node of some block that is or contains `node` (an expression
    /// inside a statement, say), walking up with `parent`; None when the walk
    /// leaves through a function literal (its body has a graph of its own)
    /// or finds nothing.
    pub fn enclosing_node(
        &self,
        node: NodeId,
        ast: &Ast,
        parent: &dyn Fn(NodeId) -> Option<NodeId>,
    ) -> Option<NodeId> {
        query::enclosing_node(self, node, ast, parent)
    }

    /// True when some path leads from just after `from` to `to` (both nodes
    /// of blocks), including through loop back edges.
    pub fn reaches(&self, from: NodeId, to: NodeId) -> bool {
        query::reaches(self, from, to)
    }

    /// True when `node` can execute again after itself: it sits on a cycle
    /// (a loop, or a backward goto).
    pub fn in_cycle(&self, node: NodeId) -> bool {
        self.reaches(node, node)
    }

    /// The innermost ForStmt or RangeStmt whose iterations run `node` (a
    /// node of some block): see [`Block::loop_stmt`].
    pub fn loop_of(&self, node: NodeId) -> Option<NodeId> {
        let (b, _) = self.locate(node)?;
        self.block(b).loop_stmt
    }

    /// Every way the function can be left, from live blocks, in block order.
    pub fn exits(&self) -> Vec<Exit> {
        self.blocks
            .iter()
            .filter(|b| b.live)
            .filter_map(|b| b.exit)
            .collect()
    }

    /// True when some live path returns normally (a return statement or
    /// falling off the end); false for a body that always panics, exits or
    /// loops forever.
    pub fn can_return(&self) -> bool {
        self.exits().into_iter().any(Exit::is_normal)
    }

    /// The predecessors of every block, indexed like [`Cfg::blocks`].
    pub fn predecessors(&self) -> Vec<Vec<BlockId>> {
        let mut preds = vec![Vec::new(); self.blocks.len()];
        for (i, b) in self.blocks.iter().enumerate() {
            for s in &b.succs {
                preds[s.0 as usize].push(BlockId(i as u32));
            }
        }
        preds
    }

    /// A readable dump of the graph, for tests and `goguard debug cfg`.
    pub fn format(&self, ast: &Ast, source: &str) -> String {
        format::format(self, ast, source)
    }
}
