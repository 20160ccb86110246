//! Control-flow graphs of function bodies, built lazily per function.
//!
//! The shape follows golang.org/x/tools/go/cfg: a block holds the nodes
//! executed in order (simple statements, the conditions of if/for/switch,
//! case expressions, range operands, select communications, ValueSpecs of
//! local `var` declarations, and the DeferStmt/GoStmt/ReturnStmt themselves);
//! its successors follow. Function literals are not entered: they get their
//! own CFG. A `return` (and falling off the end of the body) flows to the
//! single exit block; `panic(...)` and calls that never return (os.Exit,
//! log.Fatal*, t.Fatal*, ...) end their block with an edge to the exit
//! block marked as a panic edge. Deferred calls are not expanded: a rule that
//! sees a DeferStmt on a path knows that the call runs at every exit after it.

use goguard_syntax::{Ast, NodeId, Pos};

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
}

/// How a path leaves the function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// A return statement.
    Return(NodeId),
    /// Falling off the end of the body; the position of its closing brace.
    FallOff(Pos),
    /// A call to panic.
    Panic(NodeId),
    /// A call that never returns (os.Exit, log.Fatal, t.Fatal...).
    NoReturn(NodeId),
}

/// Which exits a path query counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitFilter {
    /// Returns and falling off the end.
    Normal,
    /// Also panics and no-return calls.
    All,
}

/// The control-flow graph of one function body.
#[derive(Debug, Clone)]
pub struct Cfg {
    pub blocks: Vec<Block>,
}

impl Cfg {
    /// Builds the CFG of a function body (the BlockStmt of a FuncDecl or
    /// FuncLit). `no_return` says whether a CallExpr never returns.
    pub fn build(ast: &Ast, body: NodeId, no_return: &dyn Fn(NodeId) -> bool) -> Cfg {
        let _ = (ast, body, no_return);
        todo!()
    }

    pub fn entry(&self) -> BlockId {
        BlockId(0)
    }

    pub fn exit(&self) -> BlockId {
        todo!()
    }

    pub fn block(&self, id: BlockId) -> &Block {
        &self.blocks[id.0 as usize]
    }

    /// The block and index holding a node of some block's `nodes`.
    pub fn locate(&self, node: NodeId) -> Option<(BlockId, usize)> {
        let _ = node;
        todo!()
    }

    /// Searches for a path from just after `from` (a node of some block) to
    /// an exit accepted by `filter` on which no node satisfies `stop`.
    /// Returns how that path leaves the function, or None when every path
    /// meets a stopping node (or never leaves: infinite loops).
    pub fn path_to_exit_avoiding(
        &self,
        from: NodeId,
        filter: ExitFilter,
        stop: &mut dyn FnMut(NodeId) -> bool,
    ) -> Option<Exit> {
        let _ = (from, filter, stop);
        todo!()
    }

    /// True when some path leads from just after `from` to `to` (both nodes
    /// of blocks), including through loop back edges.
    pub fn reaches(&self, from: NodeId, to: NodeId) -> bool {
        let _ = (from, to);
        todo!()
    }

    /// A readable dump of the graph, for tests and `goguard debug cfg`.
    pub fn format(&self, ast: &Ast, source: &str) -> String {
        let _ = (ast, source);
        todo!()
    }
}
