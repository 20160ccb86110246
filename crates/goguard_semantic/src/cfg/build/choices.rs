//! Switch, type switch and select: a block that chooses among clause bodies.

use goguard_syntax::{Node, NodeId};

use super::{BlockId, BlockKind, Builder, Targets};

impl<'a> Builder<'a> {
    /// The CaseClauses or CommClauses of a switch/select body.
    fn clauses(&self, body: NodeId) -> &'a [NodeId] {
        let ast = self.ast;
        match *ast.node(body) {
            Node::BlockStmt { list, .. } => ast.list(list),
            _ => &[],
        }
    }

    fn with_targets(&mut self, t: Targets, body: &[NodeId]) {
        self.targets.push(t);
        self.stmt_list(body);
        self.targets.pop();
    }

    pub(super) fn switch(
        &mut self,
        s: NodeId,
        init: Option<NodeId>,
        tag: Option<NodeId>,
        body: NodeId,
        label: Option<usize>,
    ) {
        let ast = self.ast;
        if let Some(init) = init {
            self.stmt(init, None);
        }
        if let Some(tag) = tag {
            self.add(tag);
        }
        let done = self.new_block(BlockKind::SwitchDone, Some(s));
        if let Some(l) = label {
            self.labels[l].brk = Some(done);
        }
        let clauses = self.clauses(body);
        // Each case's body block is created one case early, so that a
        // `fallthrough` can name the next body in source order; the default
        // case is tested last wherever it is written.
        let mut next_body: Option<BlockId> = None;
        let mut default: Option<(&'a [NodeId], BlockId, BlockId)> = None;
        for (i, &clause) in clauses.iter().enumerate() {
            let Node::CaseClause {
                list, body: stmts, ..
            } = *ast.node(clause)
            else {
                continue;
            };
            let body_block = match next_body {
                Some(b) => b,
                None => self.new_block(BlockKind::SwitchCaseBody, Some(clause)),
            };
            let fall = match clauses.get(i + 1) {
                Some(&next) => self.new_block(BlockKind::SwitchCaseBody, Some(next)),
                None => done,
            };
            next_body = Some(fall);
            if list.is_empty() {
                default = Some((ast.list(stmts), body_block, fall));
                continue;
            }
            for &expr in ast.list(list) {
                let next_case = self.new_block(BlockKind::SwitchNextCase, Some(clause));
                self.add(expr);
                self.ifelse(body_block, next_case);
                self.current = next_case;
            }
            let after_tests = self.current;
            self.current = body_block;
            let t = Targets {
                brk: Some(done),
                cont: None,
                fall: Some(fall),
            };
            self.with_targets(t, ast.list(stmts));
            self.jump(done);
            self.current = after_tests;
        }
        if let Some((stmts, body_block, fall)) = default {
            self.jump(body_block);
            self.current = body_block;
            let t = Targets {
                brk: Some(done),
                cont: None,
                fall: Some(fall),
            };
            self.with_targets(t, stmts);
        }
        self.jump(done);
        self.current = done;
    }

    pub(super) fn type_switch(
        &mut self,
        s: NodeId,
        init: Option<NodeId>,
        assign: NodeId,
        body: NodeId,
        label: Option<usize>,
    ) {
        let ast = self.ast;
        if let Some(init) = init {
            self.stmt(init, None);
        }
        self.add(assign);
        let done = self.new_block(BlockKind::SwitchDone, Some(s));
        if let Some(l) = label {
            self.labels[l].brk = Some(done);
        }
        let head = self.current;
        let mut default = None;
        let mut cases = Vec::new();
        for &clause in self.clauses(body) {
            let Node::CaseClause {
                list, body: stmts, ..
            } = *ast.node(clause)
            else {
                continue;
            };
            let block = self.new_block(BlockKind::SwitchCaseBody, Some(clause));
            if list.is_empty() {
                default = Some(block);
            } else {
                self.blocks[head.0 as usize].succs.push(block);
            }
            cases.push((block, stmts));
        }
        let otherwise = default.unwrap_or(done);
        self.blocks[head.0 as usize].succs.push(otherwise);
        for (block, stmts) in cases {
            self.current = block;
            let t = Targets {
                brk: Some(done),
                cont: None,
                fall: None,
            };
            self.with_targets(t, ast.list(stmts));
            self.jump(done);
        }
        self.current = done;
    }

    pub(super) fn select(&mut self, s: NodeId, body: NodeId, label: Option<usize>) {
        let ast = self.ast;
        let done = self.new_block(BlockKind::SelectDone, Some(s));
        if let Some(l) = label {
            self.labels[l].brk = Some(done);
        }
        let head = self.current;
        let mut cases = Vec::new();
        for &clause in self.clauses(body) {
            let Node::CommClause {
                comm, body: stmts, ..
            } = *ast.node(clause)
            else {
                continue;
            };
            let block = self.new_block(BlockKind::SelectCaseBody, Some(clause));
            self.blocks[head.0 as usize].succs.push(block);
            if let Some(comm) = comm {
                self.blocks[block.0 as usize].nodes.push(comm);
            }
            cases.push((block, stmts));
        }
        // `select {}` has no successor: it blocks forever.
        for (block, stmts) in cases {
            self.current = block;
            let t = Targets {
                brk: Some(done),
                cont: None,
                fall: None,
            };
            self.with_targets(t, ast.list(stmts));
            self.jump(done);
        }
        self.current = done;
    }
}
