//! Lexical scopes of function bodies as a shadow stack: each name maps to the
//! stack of bindings currently visible for it, each open scope remembers the
//! names it declared so closing it is O(names). Package, file and universe
//! names live outside (see `resolve`), below every local scope.

use goguard_syntax::NodeId;
use rustc_hash::FxHashMap;

use super::BindingId;

#[derive(Default)]
pub(crate) struct Scopes<'a> {
    /// Name -> visible bindings, innermost last, with the depth that declared each.
    names: FxHashMap<&'a str, Vec<(BindingId, u32)>>,
    /// Open scopes: the node that opened each and where its names start in `declared`.
    open: Vec<(NodeId, usize)>,
    /// Names declared by the open scopes, outermost first.
    declared: Vec<&'a str>,
}

impl<'a> Scopes<'a> {
    pub fn push(&mut self, node: NodeId) {
        self.open.push((node, self.declared.len()));
    }

    pub fn pop(&mut self) {
        if let Some((_, start)) = self.open.pop() {
            for name in self.declared.drain(start..) {
                if let Some(stack) = self.names.get_mut(name) {
                    stack.pop();
                }
            }
        }
    }

    /// The node of the innermost open scope (None at package level).
    pub fn current(&self) -> Option<NodeId> {
        self.open.last().map(|s| s.0)
    }

    pub fn declare(&mut self, name: &'a str, id: BindingId) {
        let depth = self.open.len() as u32;
        if self.open.is_empty() {
            return;
        }
        self.declared.push(name);
        self.names.entry(name).or_default().push((id, depth));
    }

    /// The innermost visible local binding of `name`.
    pub fn lookup(&self, name: &str) -> Option<BindingId> {
        self.names.get(name)?.last().map(|&(id, _)| id)
    }

    /// The binding of `name` declared in the innermost scope itself.
    pub fn in_current(&self, name: &str) -> Option<BindingId> {
        let depth = self.open.len() as u32;
        match self.names.get(name)?.last() {
            Some(&(id, d)) if d == depth => Some(id),
            _ => None,
        }
    }
}
