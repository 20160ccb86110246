//! Path questions over a built [`Cfg`]: where a node sits, which exits are
//! reachable from it, whether one node reaches another. Searches are
//! breadth-first over blocks, so the first answer found is the one through
//! the fewest blocks, and every block is scanned at most once per query
//! (the starting block at most twice: its tail, then whole if a loop brings
//! the search back to it).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

use goguard_syntax::{Ast, Node, NodeId};

use super::{Block, BlockId, Cfg, Exit, ExitFilter};

/// Hashes the one `u32` of a [`NodeId`] by multiplication: node ids are
/// small dense integers, SipHash would cost more than the rest of a build.
#[derive(Default)]
struct IdHasher(u64);

impl Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(8) ^ u64::from(b)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        }
    }
    fn write_u32(&mut self, n: u32) {
        self.0 = (self.0 ^ u64::from(n)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

/// Where each node of a block sits.
#[derive(Debug, Clone, Default)]
pub(super) struct NodeIndex {
    map: HashMap<NodeId, (u32, u32), BuildHasherDefault<IdHasher>>,
}

impl NodeIndex {
    pub(super) fn new(blocks: &[Block]) -> NodeIndex {
        let len = blocks.iter().map(|b| b.nodes.len()).sum();
        let mut map = HashMap::with_capacity_and_hasher(len, BuildHasherDefault::default());
        for (b, block) in blocks.iter().enumerate() {
            for (i, &node) in block.nodes.iter().enumerate() {
                map.entry(node).or_insert((b as u32, i as u32));
            }
        }
        NodeIndex { map }
    }

    pub(super) fn get(&self, node: NodeId) -> Option<(BlockId, usize)> {
        self.map.get(&node).map(|&(b, i)| (BlockId(b), i as usize))
    }
}

/// What a breadth-first walk does at each block it enters.
enum Visit<T> {
    /// Do not go past this block.
    Stop,
    /// Go on to its successors.
    Continue,
    /// The answer.
    Found(T),
}

/// Walks the blocks reachable from just after `from`: `tail` judges the rest
/// of `from`'s block, `enter` every block entered afterwards (the exit block
/// excluded: a block's `exit` says how it leaves). Returns the first answer.
fn walk<T>(
    cfg: &Cfg,
    from: NodeId,
    tail: &mut dyn FnMut(&Block, usize) -> Visit<T>,
    enter: &mut dyn FnMut(BlockId, &Block) -> Visit<T>,
) -> Option<T> {
    let (start, idx) = cfg.locate(from)?;
    walk_from(cfg, start, idx + 1, tail, enter)
}

/// [`walk`] from the node at index `idx` of block `start` on.
fn walk_from<T>(
    cfg: &Cfg,
    start: BlockId,
    idx: usize,
    tail: &mut dyn FnMut(&Block, usize) -> Visit<T>,
    enter: &mut dyn FnMut(BlockId, &Block) -> Visit<T>,
) -> Option<T> {
    let block = cfg.block(start);
    match tail(block, idx) {
        Visit::Stop => return None,
        Visit::Found(t) => return Some(t),
        Visit::Continue => {}
    }
    let exit = cfg.exit();
    let mut seen = vec![false; cfg.blocks.len()];
    seen[exit.0 as usize] = true;
    // Level by level: all blocks at distance d, in index order, before d+1.
    let mut level = Vec::new();
    let mut next = Vec::new();
    for &s in &block.succs {
        if !std::mem::replace(&mut seen[s.0 as usize], true) {
            level.push(s);
        }
    }
    while !level.is_empty() {
        level.sort_unstable();
        for &id in &level {
            let block = cfg.block(id);
            match enter(id, block) {
                Visit::Stop => continue,
                Visit::Found(t) => return Some(t),
                Visit::Continue => {}
            }
            for &s in &block.succs {
                if !std::mem::replace(&mut seen[s.0 as usize], true) {
                    next.push(s);
                }
            }
        }
        std::mem::swap(&mut level, &mut next);
        next.clear();
    }
    None
}

pub(super) fn path_to_exit_avoiding(
    cfg: &Cfg,
    from: NodeId,
    filter: ExitFilter,
    stop: &mut dyn FnMut(NodeId) -> bool,
    avoid_block: &mut dyn FnMut(BlockId, &Block) -> bool,
) -> Option<Exit> {
    // Shared by both closures below, which `walk` never runs at once.
    let stop = std::cell::RefCell::new(stop);
    let judge = |block: &Block, start: usize| -> Visit<Exit> {
        let mut stop = stop.borrow_mut();
        if block.nodes[start.min(block.nodes.len())..]
            .iter()
            .any(|&n| stop(n))
        {
            return Visit::Stop;
        }
        match block.exit {
            Some(e) if filter.accepts(e) => Visit::Found(e),
            Some(_) => Visit::Stop,
            None => Visit::Continue,
        }
    };
    walk(cfg, from, &mut |b, i| judge(b, i), &mut |id, b| {
        if avoid_block(id, b) {
            Visit::Stop
        } else {
            judge(b, 0)
        }
    })
}

pub(super) fn exits_from(cfg: &Cfg, from: NodeId, filter: ExitFilter) -> Vec<Exit> {
    let exits = std::cell::RefCell::new(Vec::new());
    let collect = |block: &Block| -> Visit<()> {
        match block.exit {
            Some(e) => {
                if filter.accepts(e) {
                    exits.borrow_mut().push(e);
                }
                Visit::Stop
            }
            None => Visit::Continue,
        }
    };
    walk(cfg, from, &mut |b, _| collect(b), &mut |_, b| collect(b));
    exits.into_inner()
}

pub(super) fn reaches(cfg: &Cfg, from: NodeId, to: NodeId) -> bool {
    let Some((to_block, to_idx)) = cfg.locate(to) else {
        return false;
    };
    let Some((from_block, _)) = cfg.locate(from) else {
        return false;
    };
    walk(
        cfg,
        from,
        &mut |_, start| {
            if from_block == to_block && to_idx >= start {
                Visit::Found(())
            } else {
                Visit::Continue
            }
        },
        &mut |id, _| {
            if id == to_block {
                Visit::Found(())
            } else {
                Visit::Continue
            }
        },
    )
    .is_some()
}

pub(super) fn first_reachable(
    cfg: &Cfg,
    from: Option<NodeId>,
    target: &mut dyn FnMut(NodeId) -> bool,
    stop: &mut dyn FnMut(NodeId) -> bool,
) -> Option<NodeId> {
    let preds = std::cell::RefCell::new((target, stop));
    let scan = |nodes: &[NodeId]| -> Visit<NodeId> {
        let (target, stop) = &mut *preds.borrow_mut();
        for &n in nodes {
            if target(n) {
                return Visit::Found(n);
            }
            if stop(n) {
                return Visit::Stop;
            }
        }
        Visit::Continue
    };
    let tail = &mut |b: &Block, start: usize| scan(&b.nodes[start.min(b.nodes.len())..]);
    let enter = &mut |_, b: &Block| scan(&b.nodes);
    match from {
        Some(from) => walk(cfg, from, tail, enter),
        None => walk_from(cfg, cfg.entry(), 0, tail, enter),
    }
}

pub(super) fn enclosing_node(
    cfg: &Cfg,
    node: NodeId,
    ast: &Ast,
    parent: &dyn Fn(NodeId) -> Option<NodeId>,
) -> Option<NodeId> {
    let mut n = node;
    // Trees are far shallower than this; the bound guards against a bad
    // parent function looping.
    for _ in 0..1_000_000 {
        if cfg.locate(n).is_some() {
            return Some(n);
        }
        if matches!(ast.node(n), Node::FuncLit { .. } | Node::FuncDecl { .. }) {
            return None;
        }
        n = parent(n)?;
    }
    None
}
