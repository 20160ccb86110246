//! The concurrency model of the package (crate `goguard_concurrency`) as a
//! shared analysis, and how rules turn its findings into words: which
//! goroutine, what it waits on, and what the others did meanwhile.

use goguard_concurrency::{
    Analysis as ModelAnalysis, Budget, Finding, FindingKind, Loc, StepKind, Summaries,
    SummaryLookup,
};
use goguard_diagnostics::Span;
use goguard_syntax::{Node, NodeId};

use crate::engine::{Analysis, AnalysisId, Context, Counters, Fact, ImportedFacts, PackageScope};

/// The concurrency model of a package: every function that starts a
/// goroutine or makes a channel, explored (see `goguard_concurrency`).
pub struct ConcurrencyModel;

impl Analysis for ConcurrencyModel {
    type Output = ModelAnalysis;
    const ID: AnalysisId = AnalysisId("concurrency-model");

    fn run(pkg: &PackageScope<'_>, counters: &mut Counters) -> ModelAnalysis {
        let imports = Imported(pkg.imported);
        let a = goguard_concurrency::analyze_with(pkg.model, Budget::default(), &imports);
        counters.add("summaries exported", a.summaries.len() as u64);
        counters.add("calls summarised", a.summarised_calls.len() as u64);
        counters.add("models built", a.built as u64);
        counters.add("models explored", a.models as u64);
        counters.add("models given up", a.gave_up as u64);
        counters.add("states", a.states as u64);
        counters.add("steps", a.work);
        a
    }

    /// What the package's functions do with the channels and WaitGroups
    /// they are given, for the packages that call them.
    fn export(output: &ModelAnalysis) -> Option<Fact> {
        if output.summaries.is_empty() {
            return None;
        }
        Some(output.summaries.clone())
    }
}

/// The summaries other packages of the module exported.
struct Imported<'a>(&'a ImportedFacts);

impl SummaryLookup for Imported<'_> {
    fn summaries(&self, import_path: &str) -> Option<&Summaries> {
        self.0.get::<ConcurrencyModel, Summaries>(import_path)
    }
}

/// The model's findings of the given kinds whose operation is in the
/// checked file.
pub fn findings_here<'m>(
    cx: &Context<'_>,
    model: &'m ModelAnalysis,
    kinds: &[FindingKind],
) -> Vec<&'m Finding> {
    model
        .findings
        .iter()
        .filter(|f| f.at.file() == cx.file() && kinds.contains(&f.kind))
        .collect()
}

/// Where a location points: its node, or for a function body (where a
/// goroutine ends by falling off it) the closing brace.
fn point(cx: &Context<'_>, loc: Loc) -> (u32, u32) {
    let f = &cx.model().files()[loc.file()];
    let ast = f.parsed.ast();
    match *ast.node(loc.node) {
        Node::BlockStmt { rbrace, .. } if rbrace != goguard_syntax::NO_POS => {
            (rbrace, rbrace.saturating_add(1))
        }
        _ => (ast.pos(loc.node), ast.end(loc.node)),
    }
}

/// The span of a location in any file of the package (a function body:
/// its closing brace).
pub fn span_of(cx: &Context<'_>, loc: Loc) -> Span {
    let (start, end) = point(cx, loc);
    if loc.file() == cx.file() {
        return cx.span_between(start, end);
    }
    let whole = cx.span_in(loc.file(), loc.node);
    let len = cx.model().files()[loc.file()].source.len();
    Span::new(
        whole.file,
        (start as usize).min(len)..(end as usize).min(len),
    )
}

/// "line 42", or "other.go:42" for another file of the package.
pub fn line_of(cx: &Context<'_>, loc: Loc) -> String {
    let f = &cx.model().files()[loc.file()];
    let (line, _) = f.parsed.lines().line_col(point(cx, loc).0);
    if loc.file() == cx.file() {
        format!("line {line}")
    } else {
        let name = f
            .path
            .file_name()
            .map_or_else(|| f.path.to_string_lossy(), |n| n.to_string_lossy());
        format!("{name}:{line}")
    }
}

/// The text of a node of any file.
fn text_of(cx: &Context<'_>, file: usize, node: NodeId) -> String {
    let f = &cx.model().files()[file];
    f.parsed.ast().text(node, f.source).to_string()
}

/// The span of a `go` statement's head (`go func() {` or the whole
/// statement) given its call.
pub fn go_span(cx: &Context<'_>, call: Loc) -> Span {
    if call.file() != cx.file() {
        return span_of(cx, call);
    }
    let ast = cx.ast();
    let Some(go) = cx.parent(call.node) else {
        return cx.span(call.node);
    };
    if !matches!(cx.node(go), Node::GoStmt { .. }) {
        return cx.span(call.node);
    }
    if let Node::CallExpr { fun, .. } = *cx.node(call.node) {
        if let Node::FuncLit { body, .. } = *cx.node(super::expr::unparen(cx, fun)) {
            return cx.span_between(ast.pos(go), ast.pos(body).saturating_add(1));
        }
    }
    cx.span(go)
}

/// Who is blocked: "the goroutine started at line 12" or "the function".
pub fn subject(cx: &Context<'_>, f: &Finding) -> String {
    match f.spawn {
        Some(s) => format!("the goroutine started at {}", line_of(cx, s)),
        None => "the function".to_string(),
    }
}

/// The name of the channel a blocked operation uses: the operand's text,
/// or for a select the variable the channel was made into.
pub fn chan_name(cx: &Context<'_>, f: &Finding) -> String {
    let file = f.at.file();
    let m = cx.model().files()[file].parsed.ast();
    let from_op = match *m.node(f.at.node) {
        Node::SendStmt { chan, .. } => Some(chan),
        Node::UnaryExpr { x, .. } => Some(x),
        Node::RangeStmt { x, .. } => Some(x),
        _ => None,
    };
    if let Some(n) = from_op {
        return text_of(cx, file, n);
    }
    if let Some(c) = f.chan {
        if c.alloc.file() == cx.file() {
            if let Some(name) = made_into(cx, c.alloc.node) {
                return name;
            }
        }
    }
    "the channel".to_string()
}

/// The variable a `make` call is assigned to, in the checked file.
fn made_into(cx: &Context<'_>, make: NodeId) -> Option<String> {
    let parent = cx.parent(super::expr::outer_paren(cx, make))?;
    match *cx.node(parent) {
        Node::AssignStmt { lhs, rhs, .. } => {
            let i = cx.ast().list(rhs).iter().position(|&r| r == make)?;
            cx.ast().list(lhs).get(i).map(|&l| cx.text(l).to_string())
        }
        Node::ValueSpec { names, values, .. } => {
            let i = cx.ast().list(values).iter().position(|&r| r == make)?;
            cx.ast().list(names).get(i).map(|&l| cx.text(l).to_string())
        }
        Node::KeyValueExpr { key, .. } => Some(cx.text(key).to_string()),
        _ => None,
    }
}

/// "unbuffered" or "buffer of 2".
pub fn capacity(f: &Finding) -> String {
    match f.chan {
        Some(c) if c.cap == 0 => "unbuffered".to_string(),
        Some(c) => format!("buffer of {}, full", c.cap),
        None => "not buffered enough".to_string(),
    }
}

/// What the other goroutines did while `f`'s one got stuck: a clause for
/// the message ("after the function returns at line 21 through the
/// `<-ctx.Done()` case") and related locations.
pub struct Story {
    pub clause: String,
    pub related: Vec<(Span, String)>,
}

/// Where the goroutine that performs the finding's operation (the last step of
/// the witness at the finding's place) was started, when a goroutine did it.
pub fn actor_start(f: &Finding) -> Option<Loc> {
    let actor = f.witness.iter().rev().find(|s| s.at == f.at)?.proc;
    f.witness
        .iter()
        .find(|s| matches!(s.kind, StepKind::Started(q) if q == actor))
        .map(|s| s.at)
}

pub fn story(cx: &Context<'_>, f: &Finding) -> Story {
    let mut related = Vec::new();
    if let Some(s) = f.spawn {
        related.push((go_span(cx, s), "goroutine started here".to_string()));
    }
    // The other party: the goroutine that last used the same channel,
    // else the explored function when a goroutine is stuck, else the first
    // goroutine that ended.
    let last_user = f.chan.and_then(|c| {
        f.witness
            .iter()
            .rev()
            .find(|s| s.proc != f.proc && s.chan == Some(c.alloc))
            .map(|s| s.proc)
    });
    // The goroutine that started the stuck one.
    let parent = f.witness.iter().find_map(|s| match s.kind {
        StepKind::Started(q) if q == f.proc => Some(s.proc),
        _ => None,
    });
    let other = last_user
        .and_then(|p| f.others.iter().find(|o| o.proc == p))
        .or_else(|| parent.and_then(|p| f.others.iter().find(|o| o.proc == p)))
        .or_else(|| f.others.iter().find(|o| o.proc == 0))
        .or_else(|| f.others.iter().find(|o| o.blocked_at.is_none()))
        .or_else(|| f.others.first());
    let mut clause = String::new();
    if let Some(o) = other {
        let who = match o.spawn {
            Some(s) => format!("the goroutine started at {}", line_of(cx, s)),
            None => "the function".to_string(),
        };
        match o.blocked_at {
            None => {
                let ret = f
                    .witness
                    .iter()
                    .rev()
                    .find(|s| s.proc == o.proc && s.kind == StepKind::Returned);
                if let Some(r) = ret {
                    let returns = if o.proc == 0 { "returns" } else { "ends" };
                    clause = format!("after {who} {returns} at {}", line_of(cx, r.at));
                    // The select case that led there, if any.
                    let case = f.witness.iter().rev().find(|s| {
                        s.proc == o.proc && matches!(s.kind, StepKind::Case | StepKind::Default)
                    });
                    if let Some(c) = case {
                        let cf = &cx.model().files()[c.at.file()];
                        let ast = cf.parsed.ast();
                        if c.kind == StepKind::Default {
                            clause.push_str(" through the default case");
                        } else if matches!(
                            ast.node(c.at.node),
                            Node::ExprStmt { .. } | Node::AssignStmt { .. } | Node::SendStmt { .. }
                        ) {
                            clause.push_str(&format!(
                                " through the `{}` case",
                                compact(&text_of(cx, c.at.file(), c.at.node))
                            ));
                        }
                        related.push((span_of(cx, c.at), "this case is taken".to_string()));
                    }
                    let label = if o.proc == 0 {
                        "the function returns here"
                    } else {
                        "the goroutine ends here"
                    };
                    related.push((span_of(cx, r.at), label.to_string()));
                } else {
                    clause = format!("after {who} has ended");
                }
            }
            Some(at) => {
                clause = format!("while {who} is blocked at {}", line_of(cx, at));
                related.push((span_of(cx, at), format!("{who} is blocked here")));
            }
        }
    } else if f.alone {
        clause = "and no other goroutine is running".to_string();
    }
    if let Some(c) = f.chan {
        if c.alloc.file() == cx.file() || related.len() < 3 {
            related.push((span_of(cx, c.alloc), "channel made here".to_string()));
        }
    }
    Story { clause, related }
}

/// Source text on one line, shortened.
fn compact(s: &str) -> String {
    let one: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if one.chars().count() > 40 {
        let mut t: String = one.chars().take(37).collect();
        t.push_str("...");
        t
    } else {
        one
    }
}

/// The subject with its first letter as is (messages start lowercase).
pub fn message(subject: &str, rest: &str) -> String {
    let s = subject.strip_prefix("the ").unwrap_or(subject);
    format!("{s} {rest}")
}

/// Findings grouped by goroutine and channel: the same goroutine stuck on
/// the same channel at several operations is one problem, reported at its
/// first operation with the others as related locations.
pub fn grouped<'m>(findings: Vec<&'m Finding>) -> Vec<(&'m Finding, Vec<&'m Finding>)> {
    let mut out: Vec<(&'m Finding, Vec<&'m Finding>)> = Vec::new();
    for f in findings {
        let key = |g: &Finding| (g.spawn, g.chan.map(|c| c.alloc), g.kind);
        match out
            .iter_mut()
            .find(|(first, _)| key(first) == key(f) && f.chan.is_some())
        {
            Some((_, rest)) => rest.push(f),
            None => out.push((f, Vec::new())),
        }
    }
    out
}

/// Reports a finding of a blocked operation: message, story, related
/// locations of the other operations of its group, help.
/// The function an operation runs in, and where it is declared, when it
/// is a call of another package's function whose summary performs it
/// (`util.WaitFor`, `util.go:14`).
pub fn inside_call(cx: &Context<'_>, at: Loc) -> Option<(String, String)> {
    let model = cx.analysis::<ConcurrencyModel>();
    let declared = model.summarised_call(at)?;
    let f = &cx.model().files()[at.file()];
    let ast = f.parsed.ast();
    match *ast.node(at.node) {
        Node::CallExpr { fun, .. } => {
            Some((ast.text(fun, f.source).to_string(), declared.to_string()))
        }
        _ => None,
    }
}

pub fn report_blocked(
    cx: &mut Context<'_>,
    f: &Finding,
    rest: &[&Finding],
    what: &str,
    help: &str,
) {
    let st = story(cx, f);
    // Name the other package's function the operation runs in, unless the
    // rule already did.
    let what = match inside_call(cx, f.at) {
        Some((callee, declared)) if !what.contains(&format!("`{callee}`")) => {
            format!("{what} inside `{callee}` ({declared})")
        }
        _ => what.to_string(),
    };
    let mut msg = message(&subject(cx, f), &what);
    if !st.clause.is_empty() {
        msg.push(' ');
        msg.push_str(&st.clause);
    }
    let mut d = cx.diagnostic_at(span_of(cx, f.at), msg).with_help(help);
    for (span, label) in st.related {
        d = d.with_related(span, label);
    }
    for r in rest {
        d = d.with_related(span_of(cx, r.at), "it can block forever here too");
    }
    cx.report(d);
}
