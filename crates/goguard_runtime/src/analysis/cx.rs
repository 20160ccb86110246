//! What every runtime rule reads while diagnosing one snapshot: the site
//! groups, the options, earlier snapshots of the same process, and which
//! goroutines a stronger finding already covers.

use std::cell::OnceCell;
use std::collections::{HashMap, HashSet};

use goguard_diagnostics::goroutines::Role;

use crate::analysis::finding::{Finding, Subject};
use crate::analysis::ignore::IgnorePattern;
use crate::analysis::sites::SiteGroup;
use crate::model::Snapshot;

/// Thresholds and user patterns.
#[derive(Debug, Clone)]
pub struct Options {
    /// A group with at least this many goroutines blocked at one site is a
    /// low-confidence suspect.
    pub min_count: u64,
    /// A group waiting at least this long is a low-confidence suspect
    /// whatever its size.
    pub min_wait_minutes: u64,
    pub ignore: Vec<IgnorePattern>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            min_count: 10,
            min_wait_minutes: 10,
            ignore: Vec::new(),
        }
    }
}

/// An earlier snapshot of the same process.
#[derive(Debug, Clone, Copy)]
pub struct Earlier<'a> {
    pub snapshot: &'a Snapshot,
    /// How long before the diagnosed snapshot it was taken.
    pub seconds_before: f64,
}

/// The diagnosis of one snapshot in progress.
pub struct Cx<'a> {
    pub snapshot: &'a Snapshot,
    pub groups: &'a [SiteGroup],
    pub opts: &'a Options,
    pub earlier: Option<Earlier<'a>>,
    pub findings: Vec<Finding>,
    /// Goroutine indices a finding already covers: weaker evidence about
    /// them is not reported again.
    claimed: Vec<bool>,
    by_id: OnceCell<HashMap<u64, usize>>,
    group_of: OnceCell<Vec<usize>>,
    functions_on_stacks: OnceCell<HashSet<&'a str>>,
    earlier_by_id: OnceCell<HashMap<u64, usize>>,
}

impl<'a> Cx<'a> {
    pub fn new(
        snapshot: &'a Snapshot,
        groups: &'a [SiteGroup],
        opts: &'a Options,
        earlier: Option<Earlier<'a>>,
    ) -> Self {
        Cx {
            snapshot,
            groups,
            opts,
            earlier,
            findings: Vec::new(),
            claimed: vec![false; snapshot.goroutines.len()],
            by_id: OnceCell::new(),
            group_of: OnceCell::new(),
            functions_on_stacks: OnceCell::new(),
            earlier_by_id: OnceCell::new(),
        }
    }

    /// Indices of the groups that are not expected background, in order.
    pub fn foreground(&self) -> impl Iterator<Item = usize> + '_ {
        (0..self.groups.len()).filter(|&i| !self.groups[i].is_background())
    }

    /// Members of a group that no finding covers yet.
    pub fn unclaimed(&self, group: usize) -> Vec<usize> {
        self.groups[group]
            .members
            .iter()
            .copied()
            .filter(|&m| !self.claimed[m])
            .collect()
    }

    /// A subject of every unclaimed member of a group, or `None` if all
    /// are claimed.
    pub fn subject(&self, group: usize, role: Role) -> Option<Subject> {
        let members = self.unclaimed(group);
        (!members.is_empty()).then_some(Subject {
            role,
            group,
            members,
        })
    }

    /// Records a finding and claims its goroutines.
    pub fn report(&mut self, finding: Finding) {
        for s in &finding.subjects {
            for &m in &s.members {
                self.claimed[m] = true;
            }
        }
        self.findings.push(finding);
    }

    /// Adds evidence to the findings that already cover any of `members`:
    /// weaker evidence still explains a goroutine a stronger finding accuses.
    pub fn annotate(&mut self, members: &[usize], evidence: &str) {
        let members: HashSet<usize> = members.iter().copied().collect();
        for f in &mut self.findings {
            let covers = f
                .subjects
                .iter()
                .any(|s| s.members.iter().any(|m| members.contains(m)));
            if covers && !f.evidence.iter().any(|e| e == evidence) {
                f.evidence.push(evidence.to_string());
            }
        }
    }

    /// Whether a finding already covers this goroutine.
    pub fn is_claimed(&self, goroutine: usize) -> bool {
        self.claimed[goroutine]
    }

    /// The index of the goroutine with this id.
    pub fn goroutine_by_id(&self, id: u64) -> Option<usize> {
        self.by_id
            .get_or_init(|| {
                self.snapshot
                    .goroutines
                    .iter()
                    .enumerate()
                    .filter_map(|(i, g)| g.id.map(|id| (id, i)))
                    .collect()
            })
            .get(&id)
            .copied()
    }

    /// The site group a goroutine belongs to.
    pub fn group_of(&self, goroutine: usize) -> usize {
        self.group_of.get_or_init(|| {
            let mut of = vec![usize::MAX; self.snapshot.goroutines.len()];
            for (g, group) in self.groups.iter().enumerate() {
                for &m in &group.members {
                    of[m] = g;
                }
            }
            of
        })[goroutine]
    }

    /// True when some goroutine of the snapshot has a frame in `function`.
    pub fn on_some_stack(&self, function: &str) -> bool {
        self.functions_on_stacks
            .get_or_init(|| {
                self.snapshot
                    .goroutines
                    .iter()
                    .flat_map(|g| g.frames.iter().map(|f| &*f.func))
                    .collect()
            })
            .contains(function)
    }

    /// The goroutine with this id in the earlier snapshot.
    pub fn earlier_goroutine(&self, id: u64) -> Option<&'a crate::model::Goroutine> {
        let earlier = self.earlier?;
        let index = self
            .earlier_by_id
            .get_or_init(|| {
                earlier
                    .snapshot
                    .goroutines
                    .iter()
                    .enumerate()
                    .filter_map(|(i, g)| g.id.map(|id| (id, i)))
                    .collect()
            })
            .get(&id)?;
        earlier.snapshot.goroutines.get(*index)
    }

    /// Goroutines in the members of the subjects, summed over counts.
    pub fn count(&self, members: &[usize]) -> u64 {
        members
            .iter()
            .map(|&m| self.snapshot.goroutines[m].count)
            .sum()
    }
}
