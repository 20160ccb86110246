//! Finishing a built graph: which blocks are live, and removal of the empty
//! unreachable blocks the walk leaves behind.

use super::{Block, BlockId, ENTRY, EXIT};

/// Marks the blocks reachable from the entry (the exit block is settled by
/// the caller, after the fall-off edge is known).
pub(super) fn mark_live(blocks: &mut [Block]) {
    let mut stack = vec![ENTRY];
    while let Some(id) = stack.pop() {
        let block = &mut blocks[id.0 as usize];
        if block.live {
            continue;
        }
        block.live = true;
        stack.extend(block.succs.iter().copied());
    }
}

/// Removes the unreachable blocks that hold no node and that either nothing
/// jumps to or that lead nowhere (the placeholders left after a return or a
/// branch), renumbering the rest. No query can tell the difference: such a
/// block has no node to start from and adds no path.
pub(super) fn drop_dead_placeholders(mut blocks: Vec<Block>) -> Vec<Block> {
    let removable = |i: usize, b: &Block| {
        i > EXIT.0 as usize && !b.live && b.nodes.is_empty() && b.exit.is_none()
    };
    let mut preds = vec![0u32; blocks.len()];
    for b in &blocks {
        for s in &b.succs {
            preds[s.0 as usize] += 1;
        }
    }
    let mut removed = vec![false; blocks.len()];
    let mut work: Vec<usize> = (0..blocks.len())
        .filter(|&i| removable(i, &blocks[i]) && (preds[i] == 0 || blocks[i].succs.is_empty()))
        .collect();
    while let Some(i) = work.pop() {
        if std::mem::replace(&mut removed[i], true) {
            continue;
        }
        for s in &blocks[i].succs {
            let s = s.0 as usize;
            preds[s] -= 1;
            if preds[s] == 0 && !removed[s] && removable(s, &blocks[s]) {
                work.push(s);
            }
        }
    }
    if !removed.contains(&true) {
        return blocks;
    }
    let mut new_id = vec![u32::MAX; blocks.len()];
    let mut next = 0;
    for (i, r) in removed.iter().enumerate() {
        if !r {
            new_id[i] = next;
            next += 1;
        }
    }
    let mut i = 0;
    blocks.retain(|_| {
        i += 1;
        !removed[i - 1]
    });
    for b in &mut blocks {
        b.succs.retain(|s| !removed[s.0 as usize]);
        for s in &mut b.succs {
            *s = BlockId(new_id[s.0 as usize]);
        }
    }
    blocks
}
