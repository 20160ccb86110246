//! Findings: what `goguard stacks` reports, with the evidence for each.

use serde::Serialize;

use crate::analysis::classify::BlockKind;
use crate::analysis::sites::{FrameRef, SiteGroup};

/// Rule codes and names, as in the rule catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Rule {
    #[serde(rename = "RT001")]
    LeakedGoroutineGroup,
    #[serde(rename = "RT002")]
    LockDeadlock,
    #[serde(rename = "RT003")]
    GoroutineGrowth,
    #[serde(rename = "RT004")]
    WholeProgramDeadlock,
}

impl Rule {
    pub fn code(self) -> &'static str {
        match self {
            Rule::LeakedGoroutineGroup => "RT001",
            Rule::LockDeadlock => "RT002",
            Rule::GoroutineGrowth => "RT003",
            Rule::WholeProgramDeadlock => "RT004",
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Rule::LeakedGoroutineGroup => "leaked-goroutine-group",
            Rule::LockDeadlock => "lock-deadlock",
            Rule::GoroutineGrowth => "goroutine-growth",
            Rule::WholeProgramDeadlock => "whole-program-deadlock",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct WaitRange {
    pub min: u64,
    pub max: u64,
}

/// One group of goroutines as findings describe it.
#[derive(Debug, Clone, Serialize)]
pub struct GroupFacts {
    pub count: u64,
    /// Goroutine ids as ranges, `12-40, 77`; empty for aggregated profiles (no ids).
    pub ids: String,
    pub id_list: Vec<u64>,
    pub state: String,
    pub kind: BlockKind,
    pub wait_minutes: Option<WaitRange>,
    pub blocking_frame: Option<FrameRef>,
    pub created_by: Option<FrameRef>,
}

impl GroupFacts {
    pub fn of(group: &SiteGroup) -> Self {
        let mut id_list = group.ids.clone();
        id_list.sort_unstable();
        GroupFacts {
            count: group.count,
            ids: group.id_ranges(),
            id_list,
            state: group.state.clone(),
            kind: group.kind,
            wait_minutes: group.wait_minutes.map(|(min, max)| WaitRange { min, max }),
            blocking_frame: group.key.blocking_frame.clone(),
            created_by: group.key.created_by.clone(),
        }
    }
}

impl GroupFacts {
    /// Facts of several groups together (deadlock findings): counts and ids add up, waits
    /// span all; state, kind and frames are those of the first (largest) group.
    pub fn merged(groups: &[&SiteGroup]) -> Self {
        let mut facts = GroupFacts::of(groups[0]);
        for g in &groups[1..] {
            facts.count += g.count;
            facts.id_list.extend(&g.ids);
            if let Some((lo, hi)) = g.wait_minutes {
                facts.wait_minutes = Some(match facts.wait_minutes {
                    None => WaitRange { min: lo, max: hi },
                    Some(w) => WaitRange {
                        min: w.min.min(lo),
                        max: w.max.max(hi),
                    },
                });
            }
        }
        facts.id_list.sort_unstable();
        facts.ids = crate::analysis::ids::format_id_ranges(&facts.id_list);
        facts
    }
}

/// A diagnosed problem. Deadlock findings cover several groups: their top-level facts
/// are the merged facts (`GroupFacts::merged`) and `involved` lists each group.
#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    pub code: &'static str,
    pub name: &'static str,
    #[serde(skip)]
    pub rule: Rule,
    /// Ranking score (higher first); see docs/stacks.md.
    pub score: u64,
    #[serde(flatten)]
    pub facts: GroupFacts,
    /// One line: what and where.
    pub why: String,
    /// The facts the finding rests on.
    pub evidence: Vec<String>,
    pub involved: Vec<GroupFacts>,
    /// Indices of the site groups this finding covers (into `Diagnosis::groups`).
    #[serde(skip)]
    pub group_indices: Vec<usize>,
}

impl Finding {
    pub fn new(
        rule: Rule,
        groups: &[SiteGroup],
        index: usize,
        why: String,
        evidence: Vec<String>,
    ) -> Self {
        let group = &groups[index];
        Finding {
            code: rule.code(),
            name: rule.name(),
            rule,
            score: 0,
            facts: GroupFacts::of(group),
            why,
            evidence,
            involved: Vec::new(),
            group_indices: vec![index],
        }
    }
}

/// `"120 goroutines"` / `"1 goroutine"`.
pub fn goroutines(n: u64) -> String {
    if n == 1 {
        "1 goroutine".into()
    } else {
        format!("{n} goroutines")
    }
}

/// ` for 12-45 minutes` / ` for 3 minutes` / empty.
pub fn wait_phrase(group: &SiteGroup) -> String {
    match group.wait_minutes {
        Some((lo, hi)) if lo == hi => format!(" for {lo} minutes"),
        Some((lo, hi)) => format!(" for {lo}-{hi} minutes"),
        None => String::new(),
    }
}

/// ` at main.f (x.go:12)` for the blocking frame.
pub fn at_phrase(group: &SiteGroup) -> String {
    match &group.key.blocking_frame {
        Some(f) => format!(" at {} ({})", f.function, f.short_location()),
        None => String::new(),
    }
}

/// `, all created at x.go:20 by main.f` when a creator is known.
pub fn created_phrase(group: &SiteGroup) -> String {
    let Some(c) = &group.key.created_by else {
        return String::new();
    };
    let all = if group.count > 1 { "all " } else { "" };
    format!(", {all}created at {} by {}", c.short_location(), c.function)
}
