//! Construction of a [`Cfg`] from a function body: one walk over the
//! statements, keeping a "current" block that nodes are appended to, a stack
//! of break/continue/fallthrough targets and the function's labels.
//!
//! This file holds the walk and the simple statements, branches and labels;
//! `choices.rs` the switch, type switch and select; `loops.rs` for and
//! range; `tidy.rs` what is done once the walk is over (liveness, removal of
//! empty unreachable placeholders).

mod choices;
mod loops;
mod tidy;

use std::collections::HashMap;

use goguard_syntax::{Ast, Node, NodeId, Tok, NO_POS};

use super::query::NodeIndex;
use super::{Block, BlockId, BlockKind, Cfg, Exit};

/// Stack bytes the builder may use below its entry point; deeper statements
/// become opaque nodes. Parsed trees nest at most `MAX_NEST` productions, but
/// frame sizes differ between debug and release builds, so the builder
/// measures rather than counts. A quarter of a 2 MiB thread stack, leaving
/// room for callers that are deep already.
const STACK_BUDGET: usize = 512 << 10;

/// Nesting depth after which statements become opaque nodes whatever the
/// stack says (a backstop should the stack measurement be meaningless).
const MAX_DEPTH: u32 = 2000;

/// Approximate current stack address: the address of a local (never dereferenced).
#[inline(always)]
fn stack_addr() -> usize {
    let marker = 0u8;
    std::hint::black_box(&marker) as *const u8 as usize
}

/// Where unlabeled break/continue/fallthrough go inside one construct.
#[derive(Clone, Copy)]
struct Targets {
    brk: Option<BlockId>,
    cont: Option<BlockId>,
    fall: Option<BlockId>,
}

/// The blocks a label names.
struct LabelTargets {
    goto: BlockId,
    brk: Option<BlockId>,
    cont: Option<BlockId>,
    /// Its LabeledStmt has been seen (a later one with the same name is a
    /// duplicate and gets a block of its own).
    defined: bool,
}

struct Builder<'a> {
    ast: &'a Ast,
    source: &'a str,
    no_return: &'a dyn Fn(NodeId) -> bool,
    blocks: Vec<Block>,
    current: BlockId,
    targets: Vec<Targets>,
    labels: Vec<LabelTargets>,
    label_names: HashMap<&'a str, usize>,
    /// The enclosing ForStmt/RangeStmt nodes, innermost last.
    loops: Vec<NodeId>,
    depth: u32,
    stack_base: usize,
}

const ENTRY: BlockId = BlockId(0);
const EXIT: BlockId = BlockId(1);

pub(super) fn build(
    ast: &Ast,
    source: &str,
    body: NodeId,
    no_return: &dyn Fn(NodeId) -> bool,
) -> Cfg {
    let mut b = Builder {
        ast,
        source,
        no_return,
        blocks: Vec::new(),
        current: ENTRY,
        targets: Vec::new(),
        labels: Vec::new(),
        label_names: HashMap::new(),
        loops: Vec::new(),
        depth: 0,
        stack_base: stack_addr(),
    };
    b.new_block(BlockKind::Entry, Some(body));
    b.new_block(BlockKind::Exit, None);
    b.current = ENTRY;
    b.stmt(body, None);

    let mut blocks = b.blocks;
    tidy::mark_live(&mut blocks);
    let last = b.current;
    if blocks[last.0 as usize].live {
        // A body cut short by a syntax error has no closing brace: use the
        // end of its last statement instead.
        let rbrace = match *ast.node(body) {
            Node::BlockStmt { rbrace, .. } if rbrace != NO_POS => rbrace,
            _ => ast.end(body).saturating_sub(1),
        };
        let block = &mut blocks[last.0 as usize];
        block.succs.push(EXIT);
        block.exit = Some(Exit::FallOff(rbrace));
    }
    blocks[EXIT.0 as usize].live = blocks.iter().any(|b| b.live && b.exit.is_some());
    let blocks = tidy::drop_dead_placeholders(blocks);
    let index = NodeIndex::new(&blocks);
    Cfg { blocks, index }
}

/// The call of an expression statement, through parentheses.
fn call_of(ast: &Ast, expr: NodeId) -> Option<NodeId> {
    let expr = ast.unparen(expr);
    matches!(ast.node(expr), Node::CallExpr { .. }).then_some(expr)
}

impl<'a> Builder<'a> {
    fn new_block(&mut self, kind: BlockKind, stmt: Option<NodeId>) -> BlockId {
        let id = BlockId(self.blocks.len() as u32);
        self.blocks.push(Block {
            kind,
            nodes: Vec::new(),
            succs: Vec::new(),
            stmt,
            live: false,
            exit: None,
            loop_stmt: self.loops.last().copied(),
        });
        id
    }

    /// A block that runs on every iteration of `lp`.
    fn new_loop_block(&mut self, kind: BlockKind, lp: NodeId) -> BlockId {
        let id = self.new_block(kind, Some(lp));
        self.blocks[id.0 as usize].loop_stmt = Some(lp);
        id
    }

    fn cur(&mut self) -> &mut Block {
        &mut self.blocks[self.current.0 as usize]
    }

    fn add(&mut self, node: NodeId) {
        self.cur().nodes.push(node);
    }

    /// An edge from the current block to `target`; the current block is left
    /// as is (callers set a new current block).
    fn jump(&mut self, target: BlockId) {
        self.cur().succs.push(target);
    }

    fn ifelse(&mut self, then: BlockId, els: BlockId) {
        let cur = self.cur();
        cur.succs.push(then);
        cur.succs.push(els);
    }

    /// Leaves the function from the current block; what follows is unreachable.
    fn exit_with(&mut self, exit: Exit, after: NodeId) {
        let cur = self.cur();
        cur.succs.push(EXIT);
        cur.exit = Some(exit);
        self.current = self.new_block(BlockKind::Unreachable, Some(after));
    }

    fn text(&self, id: NodeId) -> &'a str {
        let ast = self.ast;
        match *ast.node(id) {
            Node::Ident {
                synthetic: true, ..
            } => "_",
            Node::Ident { pos, end, .. } => {
                self.source.get(pos as usize..end as usize).unwrap_or("")
            }
            _ => "",
        }
    }

    fn too_deep(&self) -> bool {
        self.depth > MAX_DEPTH || self.stack_base.abs_diff(stack_addr()) > STACK_BUDGET
    }

    fn stmt_list(&mut self, list: &[NodeId]) {
        for &s in list {
            self.stmt(s, None);
        }
    }

    /// One statement; `label` is the label naming it, when it is the
    /// statement of a LabeledStmt (its break/continue targets get set).
    fn stmt(&mut self, s: NodeId, label: Option<usize>) {
        if self.too_deep() {
            self.add(s);
            return;
        }
        self.depth += 1;
        self.stmt_inner(s, label);
        self.depth -= 1;
    }

    fn stmt_inner(&mut self, s: NodeId, label: Option<usize>) {
        let ast = self.ast;
        match *ast.node(s) {
            Node::EmptyStmt { .. } => {}
            Node::BadStmt { .. }
            | Node::SendStmt { .. }
            | Node::IncDecStmt { .. }
            | Node::AssignStmt { .. }
            | Node::GoStmt { .. }
            | Node::DeferStmt { .. } => self.add(s),
            Node::ExprStmt { x } => {
                self.add(s);
                if let Some(call) = call_of(ast, x) {
                    if self.is_panic_call(call) {
                        self.exit_with(Exit::Panic(call), s);
                    } else if (self.no_return)(call) {
                        self.exit_with(Exit::NoReturn(call), s);
                    }
                }
            }
            Node::DeclStmt { decl } => {
                if let Node::GenDecl {
                    tok: Tok::Var,
                    specs,
                    ..
                } = *ast.node(decl)
                {
                    for &spec in ast.list(specs) {
                        if matches!(ast.node(spec), Node::ValueSpec { .. }) {
                            self.add(spec);
                        }
                    }
                }
            }
            Node::LabeledStmt {
                label: name, stmt, ..
            } => {
                let l = self.define_label(name, s);
                let target = self.labels[l].goto;
                self.jump(target);
                self.current = target;
                self.stmt(stmt, Some(l));
            }
            Node::ReturnStmt { .. } => {
                self.add(s);
                self.exit_with(Exit::Return(s), s);
            }
            Node::BranchStmt { tok, label, .. } => self.branch(s, tok, label),
            Node::BlockStmt { list, .. } => self.stmt_list(ast.list(list)),
            Node::IfStmt {
                init,
                cond,
                body,
                else_,
                ..
            } => {
                if let Some(init) = init {
                    self.stmt(init, None);
                }
                let then = self.new_block(BlockKind::IfThen, Some(s));
                let done = self.new_block(BlockKind::IfDone, Some(s));
                let els = match else_ {
                    Some(_) => self.new_block(BlockKind::IfElse, Some(s)),
                    None => done,
                };
                self.add(cond);
                self.ifelse(then, els);
                self.current = then;
                self.stmt(body, None);
                self.jump(done);
                if let Some(else_) = else_ {
                    self.current = els;
                    self.stmt(else_, None);
                    self.jump(done);
                }
                self.current = done;
            }
            Node::SwitchStmt {
                init, tag, body, ..
            } => self.switch(s, init, tag, body, label),
            Node::TypeSwitchStmt {
                init, assign, body, ..
            } => self.type_switch(s, init, assign, body, label),
            Node::SelectStmt { body, .. } => self.select(s, body, label),
            Node::ForStmt {
                init,
                cond,
                post,
                body,
                ..
            } => self.for_stmt(s, init, cond, post, body, label),
            Node::RangeStmt { x, body, .. } => self.range(s, x, body, label),
            // Not a statement (malformed tree): keep it as an opaque node.
            _ => self.add(s),
        }
    }

    /// True for a call of an identifier named `panic`.
    fn is_panic_call(&self, call: NodeId) -> bool {
        let Node::CallExpr { fun, .. } = *self.ast.node(call) else {
            return false;
        };
        let fun = self.ast.unparen(fun);
        matches!(self.ast.node(fun), Node::Ident { .. }) && self.text(fun) == "panic"
    }

    /// The targets of a label, created on first mention (a forward goto).
    fn label_targets(&mut self, name: NodeId) -> usize {
        let text = self.text(name);
        if let Some(&l) = self.label_names.get(text) {
            return l;
        }
        let goto = self.new_block(BlockKind::Label, None);
        self.labels.push(LabelTargets {
            goto,
            brk: None,
            cont: None,
            defined: false,
        });
        let l = self.labels.len() - 1;
        self.label_names.insert(text, l);
        l
    }

    /// The label of a LabeledStmt; a duplicate gets fresh targets that no
    /// branch can name.
    fn define_label(&mut self, name: NodeId, stmt: NodeId) -> usize {
        let mut l = self.label_targets(name);
        if self.labels[l].defined {
            let goto = self.new_block(BlockKind::Label, Some(stmt));
            self.labels.push(LabelTargets {
                goto,
                brk: None,
                cont: None,
                defined: true,
            });
            l = self.labels.len() - 1;
        }
        self.labels[l].defined = true;
        let goto = self.labels[l].goto;
        // A forward goto created the block where the goto is; it belongs
        // where the label is.
        let lp = self.loops.last().copied();
        let block = &mut self.blocks[goto.0 as usize];
        block.stmt = Some(stmt);
        block.loop_stmt = lp;
        l
    }

    fn branch(&mut self, s: NodeId, tok: Tok, label: Option<NodeId>) {
        let innermost =
            |f: fn(&Targets) -> Option<BlockId>, ts: &[Targets]| ts.iter().rev().find_map(f);
        let target = match (tok, label) {
            (Tok::Break, Some(name)) => {
                let l = self.label_targets(name);
                self.labels[l].brk
            }
            (Tok::Continue, Some(name)) => {
                let l = self.label_targets(name);
                self.labels[l].cont
            }
            (Tok::Goto, Some(name)) => {
                let l = self.label_targets(name);
                Some(self.labels[l].goto)
            }
            (Tok::Break, None) => innermost(|t| t.brk, &self.targets),
            (Tok::Continue, None) => innermost(|t| t.cont, &self.targets),
            // Only the innermost switch case may fall through.
            (Tok::Fallthrough, _) => self.targets.last().and_then(|t| t.fall),
            _ => None,
        };
        // A branch with nowhere to go (ill-formed) leads to a dead end.
        let target = target.unwrap_or_else(|| self.new_block(BlockKind::Unreachable, Some(s)));
        self.jump(target);
        self.current = self.new_block(BlockKind::Unreachable, Some(s));
    }
}
