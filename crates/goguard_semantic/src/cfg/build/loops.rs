//! For and range loops: header, body, post statement and the block after.

use goguard_syntax::NodeId;

use super::{BlockKind, Builder, Targets};

impl Builder<'_> {
    pub(super) fn for_stmt(
        &mut self,
        s: NodeId,
        init: Option<NodeId>,
        cond: Option<NodeId>,
        post: Option<NodeId>,
        body: NodeId,
        label: Option<usize>,
    ) {
        if let Some(init) = init {
            self.stmt(init, None);
        }
        let body_block = self.new_loop_block(BlockKind::ForBody, s);
        let done = self.new_block(BlockKind::ForDone, Some(s));
        let head = match cond {
            Some(_) => self.new_loop_block(BlockKind::ForLoop, s),
            None => body_block,
        };
        let cont = match post {
            Some(_) => self.new_loop_block(BlockKind::ForPost, s),
            None => head,
        };
        if let Some(l) = label {
            self.labels[l].brk = Some(done);
            self.labels[l].cont = Some(cont);
        }
        self.jump(head);
        self.current = head;
        if let Some(cond) = cond {
            self.add(cond);
            self.ifelse(body_block, done);
            self.current = body_block;
        }
        self.targets.push(Targets {
            brk: Some(done),
            cont: Some(cont),
            fall: None,
        });
        self.loops.push(s);
        self.stmt(body, None);
        self.targets.pop();
        self.jump(cont);
        if let Some(post) = post {
            self.current = cont;
            self.stmt(post, None);
            self.jump(head);
        }
        self.loops.pop();
        self.current = done;
    }

    pub(super) fn range(&mut self, s: NodeId, x: NodeId, body: NodeId, label: Option<usize>) {
        self.add(x);
        let head = self.new_loop_block(BlockKind::RangeLoop, s);
        self.jump(head);
        self.current = head;
        self.add(s);
        let body_block = self.new_loop_block(BlockKind::RangeBody, s);
        let done = self.new_block(BlockKind::RangeDone, Some(s));
        self.ifelse(body_block, done);
        self.current = body_block;
        if let Some(l) = label {
            self.labels[l].brk = Some(done);
            self.labels[l].cont = Some(head);
        }
        self.targets.push(Targets {
            brk: Some(done),
            cont: Some(head),
            fall: None,
        });
        self.loops.push(s);
        self.stmt(body, None);
        self.loops.pop();
        self.targets.pop();
        self.jump(head);
        self.current = done;
    }
}
