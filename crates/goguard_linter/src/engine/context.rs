//! What a rule sees of one file: the package's semantic model, the file's
//! syntax tree and source, its Go version, memoized CFGs and parent links,
//! and where findings go.

use std::path::Path;

use goguard_diagnostics::{Diagnostic, Span};
use goguard_semantic::cfg::Cfg;
use goguard_semantic::load::GoVersion;
use goguard_semantic::model::{FileIdx, PackageModel};
use goguard_syntax::{Ast, Node, NodeId, NodeKind, Pos};

use super::RuleMeta;

/// The per-file context handed to [`Rule::check`](super::Rule::check).
pub struct Context<'a> {
    model: &'a PackageModel<'a>,
    file: FileIdx,
    rule: &'static RuleMeta,
    diagnostics: Vec<Diagnostic>,
}

impl<'a> Context<'a> {
    pub fn model(&self) -> &'a PackageModel<'a> {
        self.model
    }

    /// This file's index in the model.
    pub fn file(&self) -> FileIdx {
        self.file
    }

    pub fn ast(&self) -> &'a Ast {
        self.model.files()[self.file].parsed.ast()
    }

    pub fn root(&self) -> NodeId {
        self.model.files()[self.file].parsed.root()
    }

    pub fn source(&self) -> &'a str {
        self.model.files()[self.file].source
    }

    pub fn path(&self) -> &'a Path {
        self.model.files()[self.file].path
    }

    pub fn is_test(&self) -> bool {
        self.model.files()[self.file].is_test
    }

    /// The file's effective Go language version.
    pub fn go_version(&self) -> GoVersion {
        self.model.files()[self.file].go_version
    }

    /// The main module's Go version (the module being checked): it decides
    /// whether unstopped timers are collected (Go 1.23).
    pub fn main_module_go_version(&self) -> GoVersion {
        todo!()
    }

    /// The rule being run.
    pub fn rule(&self) -> &'static RuleMeta {
        self.rule
    }

    /// The nodes of one kind in this file, in source order (from an index
    /// built once per file for all rules).
    pub fn nodes_of_kind(&self, kind: NodeKind) -> &[NodeId] {
        let _ = kind;
        todo!()
    }

    pub fn node(&self, id: NodeId) -> &'a Node {
        self.ast().node(id)
    }

    /// The identifier's name (or a node's source text).
    pub fn text(&self, id: NodeId) -> &'a str {
        self.ast().text(id, self.source())
    }

    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        let _ = id;
        todo!()
    }

    /// The parents of a node, innermost first.
    pub fn ancestors(&self, id: NodeId) -> impl Iterator<Item = NodeId> + '_ {
        std::iter::successors(self.parent(id), move |&p| self.parent(p))
    }

    /// The innermost FuncDecl or FuncLit containing the node.
    pub fn enclosing_func(&self, id: NodeId) -> Option<NodeId> {
        self.ancestors(id)
            .find(|&p| matches!(self.node(p), Node::FuncDecl { .. } | Node::FuncLit { .. }))
    }

    /// The CFG of a FuncDecl's or FuncLit's body, built on first use and
    /// shared by all rules; None for a declaration without a body.
    pub fn cfg(&self, func: NodeId) -> Option<&Cfg> {
        let _ = func;
        todo!()
    }

    /// The span of a node in this file.
    pub fn span(&self, id: NodeId) -> Span {
        self.span_between(self.ast().pos(id), self.ast().end(id))
    }

    /// The span of a byte range in this file.
    pub fn span_between(&self, start: Pos, end: Pos) -> Span {
        let _ = (start, end);
        todo!()
    }

    /// A diagnostic of the running rule at `node`, with its code, name and
    /// severity filled in. Add help and related spans, then `report` it.
    pub fn diagnostic(&self, node: NodeId, message: impl Into<String>) -> Diagnostic {
        let _ = (node, message);
        todo!()
    }

    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }
}
