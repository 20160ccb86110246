//! What a rule sees of one file: the package's semantic model, the file's
//! syntax tree and source, its Go version, memoized CFGs and parent links,
//! its settings, and where findings go.

use std::path::Path;

use goguard_diagnostics::{Diagnostic, FileId, Severity, Span};
use goguard_semantic::cfg::Cfg;
use goguard_semantic::load::GoVersion;
use goguard_semantic::model::{FileIdx, PackageModel};
use goguard_syntax::{Ast, Node, NodeId, NodeKind, Pos};

use super::analysis::{Analysis, PackageFacts};
use super::file_facts::FileFacts;
use super::rule::{Category, OptionValue};
use super::RuleMeta;

/// The per-file context handed to [`Rule::check`](super::Rule::check).
pub struct Context<'a> {
    model: &'a PackageModel<'a>,
    file: FileIdx,
    rule: &'static RuleMeta,
    facts: &'a FileFacts<'a>,
    package: &'a PackageFacts<'a>,
    file_id: FileId,
    main_module_go: GoVersion,
    /// The rule's option values, aligned with `rule.options`; empty means
    /// every option has its default.
    options: &'a [OptionValue],
    diagnostics: Vec<Diagnostic>,
}

/// Where a [`Context`] reports and what it knows beyond the model: built
/// by the runner once per file.
#[derive(Clone, Copy)]
pub struct FileScope<'a> {
    pub model: &'a PackageModel<'a>,
    pub file: FileIdx,
    pub facts: &'a FileFacts<'a>,
    /// The package's shared analyses.
    pub package: &'a PackageFacts<'a>,
    /// The id spans of this file carry.
    pub file_id: FileId,
    pub main_module_go: GoVersion,
}

/// The severity of a rule's findings: correctness problems are errors,
/// every other category is a warning.
pub fn severity_of(category: Category) -> Severity {
    match category {
        Category::Correctness => Severity::Error,
        _ => Severity::Warning,
    }
}

impl<'a> Context<'a> {
    /// A context for running `rule` on one file; `options` as in
    /// [`Settings::rule_options`](super::settings::Settings::rule_options).
    pub fn new(
        scope: FileScope<'a>,
        rule: &'static RuleMeta,
        options: &'a [OptionValue],
    ) -> Context<'a> {
        Context {
            model: scope.model,
            file: scope.file,
            rule,
            facts: scope.facts,
            package: scope.package,
            file_id: scope.file_id,
            main_module_go: scope.main_module_go,
            options,
            diagnostics: Vec::new(),
        }
    }

    /// The findings reported so far.
    pub fn into_diagnostics(self) -> Vec<Diagnostic> {
        self.diagnostics
    }

    /// What the checked packages exported about the module packages this
    /// one imports, and how the module's packages call this one.
    pub fn imported(&self) -> &'a super::ImportedFacts {
        self.package.scope().imported
    }

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
        self.main_module_go
    }

    /// The rule being run.
    pub fn rule(&self) -> &'static RuleMeta {
        self.rule
    }

    /// The nodes of one kind in this file, in source order (from an index
    /// built once per file for all rules).
    pub fn nodes_of_kind(&self, kind: NodeKind) -> &'a [NodeId] {
        self.facts.nodes_of_kind(kind)
    }

    pub fn node(&self, id: NodeId) -> &'a Node {
        self.ast().node(id)
    }

    /// The identifier's name (or a node's source text).
    pub fn text(&self, id: NodeId) -> &'a str {
        self.ast().text(id, self.source())
    }

    pub fn parent(&self, id: NodeId) -> Option<NodeId> {
        self.facts.parent(id)
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
    pub fn cfg(&self, func: NodeId) -> Option<&'a Cfg> {
        let (model, file) = (self.model, self.file);
        // Known no-return calls, and functions of the workspace whose every
        // exit is a panic or such a call (test helpers calling t.Fatal).
        let no_return = move |call: NodeId| model.never_returns(&model.callee(file, call));
        self.facts.cfg(func, self.source(), &no_return)
    }

    /// The output of a shared analysis for this package, computed on the
    /// first request of any rule (see [`super::analysis`]).
    ///
    /// # Panics
    /// If the running rule does not declare `A` in its `requires`, or the
    /// analysis panicked.
    pub fn analysis<A: Analysis>(&self) -> std::rc::Rc<A::Output> {
        if !self.rule.requires.contains(&A::ID) {
            panic!(
                "rule {} reads analysis `{}`, which it does not declare",
                self.rule.name,
                A::ID.0
            );
        }
        self.package.get::<A>()
    }

    /// The span of a node of another file of the package (or of this one),
    /// for related locations.
    pub fn span_in(&self, file: FileIdx, id: NodeId) -> Span {
        if file == self.file {
            return self.span(id);
        }
        self.package.scope().span(file, id)
    }

    /// The CFG of a FuncDecl or FuncLit of any file of the package.
    pub fn cfg_in(&self, file: FileIdx, func: NodeId) -> Option<&'a Cfg> {
        if file == self.file {
            return self.cfg(func);
        }
        self.package.scope().cfg(file, func)
    }

    /// The span of a node in this file.
    pub fn span(&self, id: NodeId) -> Span {
        self.span_between(self.ast().pos(id), self.ast().end(id))
    }

    /// The span of a byte range in this file (clamped to the source, so a
    /// missing position never points past the end).
    pub fn span_between(&self, start: Pos, end: Pos) -> Span {
        let len = self.source().len();
        let clamp = |p: Pos| (p as usize).min(len);
        Span::new(self.file_id, clamp(start)..clamp(end))
    }

    /// A diagnostic of the running rule at `node`, with its code, name and
    /// severity filled in. Add help and related spans, then `report` it.
    pub fn diagnostic(&self, node: NodeId, message: impl Into<String>) -> Diagnostic {
        self.diagnostic_at(self.span(node), message)
    }

    /// A diagnostic of the running rule at a span.
    pub fn diagnostic_at(&self, span: Span, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(
            self.rule.code,
            self.rule.name,
            severity_of(self.rule.category),
            span,
            message,
        )
    }

    pub fn report(&mut self, diagnostic: Diagnostic) {
        self.diagnostics.push(diagnostic);
    }

    fn option(&self, name: &str) -> OptionValue {
        let Some(i) = self.rule.options.iter().position(|o| o.name == name) else {
            panic!(
                "rule {} reads option `{name}`, which it does not declare",
                self.rule.name
            );
        };
        match self.options.get(i) {
            Some(v) => v.clone(),
            None => self.rule.options[i].default.to_value(),
        }
    }

    /// A boolean option of the running rule (its setting or its default).
    ///
    /// # Panics
    /// If the rule does not declare a boolean option `name`.
    pub fn option_bool(&self, name: &str) -> bool {
        match self.option(name) {
            OptionValue::Bool(b) => b,
            other => panic!("option `{name}` is {}, not a boolean", other.type_name()),
        }
    }

    /// A non-negative integer option of the running rule.
    ///
    /// # Panics
    /// If the rule does not declare an integer option `name`.
    pub fn option_usize(&self, name: &str) -> usize {
        match self.option(name) {
            OptionValue::Usize(n) => n,
            other => panic!("option `{name}` is {}, not an integer", other.type_name()),
        }
    }

    /// A string option of the running rule.
    ///
    /// # Panics
    /// If the rule does not declare a string option `name`.
    pub fn option_str(&self, name: &str) -> String {
        match self.option(name) {
            OptionValue::Str(s) => s,
            other => panic!("option `{name}` is {}, not a string", other.type_name()),
        }
    }

    /// A list-of-strings option of the running rule.
    ///
    /// # Panics
    /// If the rule does not declare a list option `name`.
    pub fn option_str_list(&self, name: &str) -> Vec<String> {
        match self.option(name) {
            OptionValue::StrList(l) => l,
            other => panic!("option `{name}` is {}, not a list", other.type_name()),
        }
    }
}
