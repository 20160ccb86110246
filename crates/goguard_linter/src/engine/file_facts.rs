//! Facts about one file that every rule may ask for, computed at most once
//! per file and shared by all rules run on it: the node index by kind, the
//! parent links and the CFG of each function body.
//!
//! Each fact is built on first use (`OnceCell`), so a file whose rules never
//! ask for parents or CFGs never pays for them. A `FileFacts` belongs to one
//! thread: the runner checks a file's rules one after another.

use std::cell::OnceCell;

use goguard_semantic::cfg::Cfg;
use goguard_syntax::{Ast, Node, NodeId, NodeKind};

/// Number of [`NodeKind`] variants (`File` is the last one).
const KIND_COUNT: usize = NodeKind::File as usize + 1;

/// Says whether a CallExpr never returns (os.Exit, log.Fatal, panic...).
pub type NoReturn<'a> = dyn Fn(NodeId) -> bool + 'a;

/// FuncDecl and FuncLit ids, sorted by id, with one lazily built CFG each.
type CfgSlots = (Vec<NodeId>, Vec<OnceCell<Option<Cfg>>>);

/// The lazily computed facts of one file.
pub struct FileFacts<'a> {
    ast: &'a Ast,
    root: NodeId,
    kinds: OnceCell<Vec<Vec<NodeId>>>,
    parents: OnceCell<Vec<Option<NodeId>>>,
    funcs: OnceCell<CfgSlots>,
}

impl<'a> FileFacts<'a> {
    pub fn new(ast: &'a Ast, root: NodeId) -> FileFacts<'a> {
        FileFacts {
            ast,
            root,
            kinds: OnceCell::new(),
            parents: OnceCell::new(),
            funcs: OnceCell::new(),
        }
    }

    /// The reachable nodes of one kind, in source (pre-)order.
    pub fn nodes_of_kind(&self, kind: NodeKind) -> &[NodeId] {
        let kinds = self.kinds.get_or_init(|| {
            let mut kinds = vec![Vec::new(); KIND_COUNT];
            for id in self.ast.walk(self.root) {
                kinds[self.ast.node(id).kind() as usize].push(id);
            }
            kinds
        });
        &kinds[kind as usize]
    }

    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        let parents = self.parents.get_or_init(|| self.ast.parent_map(self.root));
        parents.get(id.index()).copied().flatten()
    }

    /// The CFG of a FuncDecl's or FuncLit's body, built on first request;
    /// None for other nodes and for declarations without a body.
    pub fn cfg(&self, func: NodeId, source: &str, no_return: &NoReturn<'_>) -> Option<&Cfg> {
        let (ids, slots) = self.funcs.get_or_init(|| {
            let mut ids: Vec<NodeId> = self
                .nodes_of_kind(NodeKind::FuncDecl)
                .iter()
                .chain(self.nodes_of_kind(NodeKind::FuncLit))
                .copied()
                .collect();
            ids.sort_unstable();
            let slots = ids.iter().map(|_| OnceCell::new()).collect();
            (ids, slots)
        });
        let slot = &slots[ids.binary_search(&func).ok()?];
        slot.get_or_init(|| {
            let body = match *self.ast.node(func) {
                Node::FuncDecl { body, .. } => body?,
                Node::FuncLit { body, .. } => body,
                _ => return None,
            };
            Some(Cfg::build(self.ast, source, body, no_return))
        })
        .as_ref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use goguard_syntax::parse_file;

    #[test]
    fn kind_index_is_in_source_order_and_parents_link_up() {
        let src = "package p\n\nfunc f() {\n\tgo g()\n\tgo func() { go h() }()\n}\n";
        let file = parse_file(src);
        let facts = FileFacts::new(file.ast(), file.root());
        let gos = facts.nodes_of_kind(NodeKind::GoStmt);
        assert_eq!(gos.len(), 3);
        let starts: Vec<u32> = gos.iter().map(|&g| file.ast().pos(g)).collect();
        let mut sorted = starts.clone();
        sorted.sort_unstable();
        assert_eq!(starts, sorted);
        let funcs = facts.nodes_of_kind(NodeKind::FuncDecl);
        assert_eq!(funcs.len(), 1);
        assert_eq!(facts.parent(file.root()), None);
        // The innermost go statement's chain of parents reaches the FuncDecl.
        let mut at = gos[2];
        let mut hops = 0;
        while let Some(p) = facts.parent(at) {
            at = p;
            hops += 1;
            assert!(hops < 100);
        }
        assert_eq!(at, file.root());
        assert!(facts.nodes_of_kind(NodeKind::SelectStmt).is_empty());
    }

    #[test]
    fn no_cfg_for_nodes_that_are_not_functions() {
        let src = "package p\n\nfunc f()\n";
        let file = parse_file(src);
        let facts = FileFacts::new(file.ast(), file.root());
        let f = facts.nodes_of_kind(NodeKind::FuncDecl)[0];
        // A declaration without a body has no CFG; the root is no function.
        assert!(facts.cfg(f, "", &|_| false).is_none());
        assert!(facts.cfg(file.root(), "", &|_| false).is_none());
    }
}
