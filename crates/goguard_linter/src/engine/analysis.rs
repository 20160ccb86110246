//! Analyses shared by several rules, computed at most once per package.
//!
//! An analysis is a type implementing [`Analysis`]: a name, an output type
//! and a function from the package (its model and per-file facts) to that
//! output. A rule that reads one declares it (`requires:` in
//! [`declare_rule!`](crate::declare_rule), like go/analysis `Requires`) and
//! asks for it with [`Context::analysis`](super::Context::analysis); the
//! first request in a package runs it, later requests (from any rule, on any
//! file of the package) share the result. A package none of whose enabled
//! rules asks never pays for it.
//!
//! Analyses record what they did in [`Counters`]; the runner sums them over
//! the workspace with the time spent (`goguard check --stats`).
//!
//! An analysis may also export a small per-package [`Fact`] (like go/analysis
//! facts): the runner checks packages in dependency order and hands each
//! package the facts of the module packages it imports ([`ImportedFacts`]).

use std::any::Any;
use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use goguard_diagnostics::{FileId, Span};
use goguard_semantic::cfg::Cfg;
use goguard_semantic::model::{FileIdx, PackageModel};
use goguard_syntax::NodeId;

use super::file_facts::FileFacts;
use super::panics::guarded;

/// Names an analysis; rules list the ids of the analyses they read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct AnalysisId(pub &'static str);

/// A package-wide fact computation shared by rules.
pub trait Analysis: 'static {
    /// What the analysis produces for one package.
    type Output: 'static;
    /// Its name, as rules declare it and `--stats` prints it.
    const ID: AnalysisId;
    /// Computes the output for the package; `counters` collect statistics.
    fn run(pkg: &PackageScope<'_>, counters: &mut Counters) -> Self::Output;

    /// What packages importing this one may read of the output (a small
    /// summary, not trees: it lives until the end of the run).
    fn export(_output: &Self::Output) -> Option<Fact> {
        None
    }
}

/// A fact an analysis exports about a package.
pub type Fact = Arc<dyn Any + Send + Sync>;

/// The facts of the packages a package imports, by import path and
/// analysis, and how the other packages of the module call its functions.
#[derive(Clone, Default)]
pub struct ImportedFacts {
    facts: BTreeMap<(Arc<str>, AnalysisId), Fact>,
    callers: Arc<super::main_callers::MainCallers>,
}

impl ImportedFacts {
    /// Facts that know how the module's packages call each other.
    pub fn with_callers(callers: super::main_callers::MainCallers) -> ImportedFacts {
        ImportedFacts {
            facts: BTreeMap::new(),
            callers: Arc::new(callers),
        }
    }

    /// How the other packages of the module call the package-level
    /// functions of every package (from their syntax, gathered before any
    /// package is checked: callers are checked after what they call).
    pub fn callers(&self) -> &super::main_callers::MainCallers {
        &self.callers
    }

    /// Records the facts a package exported.
    pub fn insert(&mut self, import_path: &str, facts: &[(AnalysisId, Fact)]) {
        let path: Arc<str> = import_path.into();
        for (id, f) in facts {
            self.facts.insert((path.clone(), *id), f.clone());
        }
    }

    /// The fact analysis `A` exported about package `import_path`, of type
    /// `T`.
    pub fn get<A: Analysis, T: Any>(&self, import_path: &str) -> Option<&T> {
        self.facts
            .get(&(Arc::from(import_path), A::ID))
            .and_then(|f| f.downcast_ref::<T>())
    }

    /// Every fact analysis `A` exported about the imported packages, of
    /// type `T`.
    pub fn all<A: Analysis, T: Any>(&self) -> impl Iterator<Item = &T> + '_ {
        self.facts
            .iter()
            .filter(|((_, id), _)| *id == A::ID)
            .filter_map(|(_, f)| f.downcast_ref::<T>())
    }

    pub fn len(&self) -> usize {
        self.facts.len()
    }

    pub fn is_empty(&self) -> bool {
        self.facts.is_empty()
    }
}

/// No facts: what a package checked on its own sees.
pub static NO_FACTS: std::sync::LazyLock<ImportedFacts> =
    std::sync::LazyLock::new(ImportedFacts::default);

/// Named counts an analysis reports (models built, states explored...).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counters(pub BTreeMap<&'static str, u64>);

impl Counters {
    pub fn add(&mut self, name: &'static str, n: u64) {
        *self.0.entry(name).or_insert(0) += n;
    }

    pub fn get(&self, name: &str) -> u64 {
        self.0.get(name).copied().unwrap_or(0)
    }
}

/// What one analysis cost over the packages it ran on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AnalysisStats {
    /// Packages it ran on.
    pub packages: u64,
    /// Time spent in it (summed over threads).
    pub time: Duration,
    pub counters: Counters,
}

/// Statistics of a run, by analysis name.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    pub analyses: BTreeMap<&'static str, AnalysisStats>,
}

impl Stats {
    /// Adds another package's (or run's) statistics to these.
    pub fn merge(&mut self, other: &Stats) {
        for (name, s) in &other.analyses {
            let mine = self.analyses.entry(name).or_default();
            mine.packages += s.packages;
            mine.time += s.time;
            for (c, n) in &s.counters.0 {
                mine.counters.add(c, *n);
            }
        }
    }

    /// One line per analysis: `name: N packages, T s; counter n, ...`.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (name, s) in &self.analyses {
            out.push_str(&format!(
                "{name}: {} package{}, {:.3}s",
                s.packages,
                if s.packages == 1 { "" } else { "s" },
                s.time.as_secs_f64()
            ));
            let counters: Vec<String> = s
                .counters
                .0
                .iter()
                .map(|(c, n)| format!("{c} {n}"))
                .collect();
            if !counters.is_empty() {
                out.push_str("; ");
                out.push_str(&counters.join(", "));
            }
            out.push('\n');
        }
        out
    }
}

/// What an analysis sees of the package: the model, the facts of every file
/// (node index, parents, CFGs) and the ids findings' spans carry.
#[derive(Clone, Copy)]
pub struct PackageScope<'a> {
    pub model: &'a PackageModel<'a>,
    /// Indexed like `model.files()`.
    pub files: &'a [FileFacts<'a>],
    /// The span ids of the package's files, indexed like `model.files()`.
    pub file_ids: &'a [FileId],
    /// What the analyses exported about the module packages it imports.
    pub imported: &'a ImportedFacts,
}

impl<'a> PackageScope<'a> {
    /// The CFG of a FuncDecl or FuncLit of file `file` (see
    /// [`Context::cfg`](super::Context::cfg)).
    pub fn cfg(&self, file: FileIdx, func: NodeId) -> Option<&'a Cfg> {
        let model = self.model;
        let no_return = move |call: NodeId| model.never_returns(&model.callee(file, call));
        let source = model.files()[file].source;
        self.files.get(file)?.cfg(func, source, &no_return)
    }

    /// Runs `f` with a read-only [`Context`](super::Context) over file
    /// `file`, so that an analysis can ask the syntactic and semantic
    /// questions rules ask (parents, places, callees, CFGs). Findings
    /// reported through it are dropped, and it reads no other analysis (that
    /// panics: the context's pseudo-rule declares none); its main module
    /// version is the newest known.
    pub fn with_file<R>(&self, file: FileIdx, f: impl FnOnce(&super::Context<'_>) -> R) -> R {
        static ANALYSIS: super::RuleMeta = super::RuleMeta {
            name: "shared-analysis",
            code: "E000",
            domain: super::Domain::Resource,
            category: super::Category::Style,
            status: super::Status::Preview,
            go_below: None,
            in_tests: true,
            doc: "",
            options: &[],
            requires: &[],
        };
        let package = PackageFacts::new(*self);
        let scope = super::context::FileScope {
            model: self.model,
            file,
            facts: &self.files[file],
            package: &package,
            file_id: self.file_ids[file],
            main_module_go: goguard_semantic::load::version::NEWEST_KNOWN,
        };
        let cx = super::Context::new(scope, &ANALYSIS, &[]);
        f(&cx)
    }

    /// The span of a node of file `file`.
    pub fn span(&self, file: FileIdx, node: NodeId) -> Span {
        let f = &self.model.files()[file];
        let ast = f.parsed.ast();
        let len = f.source.len();
        let (start, end) = (ast.pos(node) as usize, ast.end(node) as usize);
        Span::new(self.file_ids[file], start.min(len)..end.min(len))
    }
}

/// A finished analysis: its output, or the message of its panic.
type Outcome = Result<Rc<dyn Any>, String>;

/// The analyses computed so far for one package, and their statistics.
pub struct PackageFacts<'a> {
    scope: PackageScope<'a>,
    done: RefCell<Vec<(AnalysisId, Outcome)>>,
    /// Analyses being computed (a cycle would otherwise recurse forever).
    running: RefCell<Vec<AnalysisId>>,
    stats: RefCell<Stats>,
    exported: RefCell<Vec<(AnalysisId, Fact)>>,
}

impl<'a> PackageFacts<'a> {
    pub fn new(scope: PackageScope<'a>) -> PackageFacts<'a> {
        PackageFacts {
            scope,
            done: RefCell::new(Vec::new()),
            running: RefCell::new(Vec::new()),
            stats: RefCell::new(Stats::default()),
            exported: RefCell::new(Vec::new()),
        }
    }

    pub fn scope(&self) -> PackageScope<'a> {
        self.scope
    }

    /// The output of analysis `A` for this package, computed on first
    /// request.
    ///
    /// # Panics
    /// When the analysis panicked (now or on an earlier request: it is not
    /// run again), or requests itself.
    pub fn get<A: Analysis>(&self) -> Rc<A::Output> {
        let found = self
            .done
            .borrow()
            .iter()
            .find(|(id, _)| *id == A::ID)
            .map(|(_, r)| r.clone());
        let result = match found {
            Some(r) => r,
            None => {
                if self.running.borrow().contains(&A::ID) {
                    panic!("analysis {} requires itself", A::ID.0);
                }
                self.running.borrow_mut().push(A::ID);
                let start = Instant::now();
                let mut counters = Counters::default();
                let scope = self.scope;
                let out = guarded(|| A::run(&scope, &mut counters));
                if let Some(fact) = out.as_ref().ok().and_then(A::export) {
                    self.exported.borrow_mut().push((A::ID, fact));
                }
                let out = out.map(|o| Rc::new(o) as Rc<dyn Any>);
                let elapsed = start.elapsed();
                self.running.borrow_mut().retain(|&id| id != A::ID);
                {
                    let mut stats = self.stats.borrow_mut();
                    let s = stats.analyses.entry(A::ID.0).or_default();
                    s.packages += 1;
                    s.time += elapsed;
                    for (c, n) in &counters.0 {
                        s.counters.add(c, *n);
                    }
                }
                self.done.borrow_mut().push((A::ID, out.clone()));
                out
            }
        };
        match result {
            Ok(any) => match any.downcast::<A::Output>() {
                Ok(out) => out,
                Err(_) => panic!("analysis {} has two output types", A::ID.0),
            },
            Err(msg) => panic!("analysis {} failed: {msg}", A::ID.0),
        }
    }

    /// The statistics of the analyses run so far.
    pub fn into_stats(self) -> Stats {
        self.stats.into_inner()
    }

    /// The statistics and the facts the analyses run so far exported,
    /// sorted by analysis.
    pub fn into_parts(self) -> (Stats, Vec<(AnalysisId, Fact)>) {
        let mut facts = self.exported.into_inner();
        facts.sort_by_key(|(id, _)| *id);
        (self.stats.into_inner(), facts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stats_merge_and_render() {
        let mut a = Stats::default();
        let mut s = AnalysisStats {
            packages: 1,
            time: Duration::from_millis(5),
            ..Default::default()
        };
        s.counters.add("models", 3);
        a.analyses.insert("concurrency", s.clone());
        let mut b = Stats::default();
        b.analyses.insert("concurrency", s);
        a.merge(&b);
        let c = &a.analyses["concurrency"];
        assert_eq!(c.packages, 2);
        assert_eq!(c.counters.get("models"), 6);
        assert_eq!(c.time, Duration::from_millis(10));
        assert_eq!(
            a.render(),
            "concurrency: 2 packages, 0.010s; models 6\n".to_string()
        );
    }
}
