//! Flat and cumulative values per function (or per line), as `go tool pprof -top` computes
//! them, for one profile or for a difference (`-diff_base`: the base profile's samples
//! counted negatively).
//!
//! The rules are pprof's (internal/graph): each inlined call is a frame of its own; a
//! sample adds its value to the cumulative value of every node on its stack once, however
//! often the node appears (recursion), and to the flat value of its innermost frame.
//! Functions are told apart by name (lines by name, file and line). Percentages are of
//! the total of all samples before `--focus`/`--ignore` (pprof's default), and in a
//! difference of the base profile's total. Rows are sorted by flat value, or cumulative
//! with `Sort::Cum`, largest magnitude first, then by name, then by the other value.

use std::cmp::Ordering;

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::data::{Line, ProfileData};
use super::filter::Filter;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Granularity {
    Functions,
    Lines,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Sort {
    Flat,
    Cum,
}

/// One profile taking part: which value, and whether it is the base of a difference.
#[derive(Clone, Copy)]
pub struct Input<'p> {
    pub profile: &'p ProfileData,
    pub value: usize,
    pub base: bool,
}

/// How a row's function was inlined, as pprof labels it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Inline {
    /// Every call that reaches it was inlined.
    Inline,
    /// Some calls were inlined, some not.
    Partial,
}

impl Inline {
    /// `(inline)`, `(partial-inline)`.
    pub fn label(self) -> &'static str {
        match self {
            Inline::Inline => "(inline)",
            Inline::Partial => "(partial-inline)",
        }
    }
}

/// What a row stands for.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct NodeKey {
    /// The function name; empty for an unsymbolized location.
    pub function: String,
    /// With `Granularity::Lines` only (pprof blanks files for functions).
    pub file: String,
    /// With `Granularity::Lines` only; 0 otherwise.
    pub line: i64,
    /// The mapping's file, for locations without a function name.
    pub objfile: String,
}

impl NodeKey {
    /// The name pprof prints: `main.f`, `main.f /src/x.go:12`, `[binary]`, `<unknown>`.
    pub fn printable(&self) -> String {
        let mut parts: Vec<String> = Vec::new();
        if !self.function.is_empty() {
            parts.push(self.function.clone());
        }
        if self.line != 0 {
            parts.push(format!("{}:{}", self.file, self.line));
        } else if !self.file.is_empty() {
            parts.push(self.file.clone());
        } else if self.function.is_empty() {
            if self.objfile.is_empty() {
                parts.push("<unknown>".into());
            } else {
                let base = self.objfile.rsplit('/').next().unwrap_or(&self.objfile);
                parts.push(format!("[{base}]"));
            }
        }
        parts.join(" ")
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    #[serde(skip)]
    pub key: NodeKey,
    /// The printable name (`key.printable()`).
    pub name: String,
    /// The function (empty for an unsymbolized location).
    pub function: String,
    /// The function's file and line, for showing where it is: the line itself with
    /// `Granularity::Lines`, the function's first line (when the profile says) with
    /// functions.
    pub file: String,
    pub line: Option<i64>,
    pub flat: i64,
    pub cum: i64,
    pub inline: Option<Inline>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Top {
    /// The total percentages are of.
    pub total: i64,
    pub rows: Vec<Row>,
    /// Samples counted (after the filter), over all inputs.
    pub samples: u64,
}

#[derive(Clone, Copy)]
struct Flags {
    inline_in: bool,
    plain_in: bool,
}

/// Computes the rows. `inputs` are one profile, or a base and one or more profiles.
pub fn top(inputs: &[Input<'_>], granularity: Granularity, filter: &Filter, sort: Sort) -> Top {
    let mut keys: FxHashMap<NodeKey, u32> = FxHashMap::default();
    let mut nodes: Vec<NodeKey> = Vec::new();
    let mut shown: Vec<(String, Option<i64>)> = Vec::new();
    let mut flat: Vec<i64> = Vec::new();
    let mut cum: Vec<i64> = Vec::new();
    let mut seen: Vec<u64> = Vec::new();
    let mut flags: Vec<Flags> = Vec::new();
    let mut stamp: u64 = 0;
    let mut samples = 0u64;
    let any_base = inputs.iter().any(|i| i.base);
    let mut total = 0i64;

    for input in inputs {
        let p = input.profile;
        if !any_base || input.base {
            total = p.samples().fold(total, |t, s| {
                t.saturating_add(s.values[input.value].saturating_abs())
            });
        }
        // Nodes of each location, innermost first.
        let mut location_nodes: Vec<Vec<u32>> = Vec::with_capacity(p.locations.len());
        for loc in &p.locations {
            let objfile = loc
                .mapping
                .map_or("", |m| p.mapping_files[m as usize].as_str());
            let empty = [Line {
                function: None,
                line: 0,
            }];
            let lines: &[Line] = if loc.lines.is_empty() {
                &empty
            } else {
                &loc.lines
            };
            let ids = lines
                .iter()
                .map(|line| {
                    let (key, display) = node_key(p, line, objfile, granularity);
                    *keys.entry(key).or_insert_with_key(|k| {
                        nodes.push(k.clone());
                        shown.push(display);
                        flat.push(0);
                        cum.push(0);
                        seen.push(0);
                        flags.push(Flags {
                            inline_in: false,
                            plain_in: false,
                        });
                        (nodes.len() - 1) as u32
                    })
                })
                .collect();
            location_nodes.push(ids);
        }
        let marks = filter.marks(p);
        // Per location: used by a kept sample with a caller frame above it.
        let mut has_caller = vec![false; p.locations.len()];
        let mut used = vec![false; p.locations.len()];
        let sign = if input.base { -1 } else { 1 };
        for s in p.samples() {
            if !marks.keeps(s.locations) {
                continue;
            }
            let w = s.values[input.value].saturating_mul(sign);
            if w == 0 {
                continue;
            }
            samples += 1;
            stamp += 1;
            let mut leaf = None;
            for (depth, &l) in s.locations.iter().enumerate().rev() {
                used[l as usize] = true;
                if depth + 1 < s.locations.len() {
                    has_caller[l as usize] = true;
                }
                for &n in location_nodes[l as usize].iter().rev() {
                    let n = n as usize;
                    if seen[n] != stamp {
                        seen[n] = stamp;
                        cum[n] = cum[n].saturating_add(w);
                    }
                    leaf = Some(n);
                }
            }
            if let Some(n) = leaf {
                flat[n] = flat[n].saturating_add(w);
            }
        }
        // Inline labels: a frame inlined into the one below it in a location is reached
        // by an inlined call; the outermost frame of a location with a caller, by a call.
        for (l, ids) in location_nodes.iter().enumerate() {
            if !used[l] {
                continue;
            }
            for (i, &n) in ids.iter().enumerate() {
                let outermost = i + 1 == ids.len();
                let parent = if outermost { None } else { Some(ids[i + 1]) };
                if outermost {
                    if has_caller[l] {
                        flags[n as usize].plain_in = true;
                    }
                } else if parent != Some(n) {
                    flags[n as usize].inline_in = true;
                }
            }
        }
    }

    let mut rows: Vec<Row> = (0..nodes.len())
        .filter(|&n| flat[n] != 0 || cum[n] != 0)
        .map(|n| Row {
            name: nodes[n].printable(),
            function: nodes[n].function.clone(),
            key: nodes[n].clone(),
            file: shown[n].0.clone(),
            line: shown[n].1,
            flat: flat[n],
            cum: cum[n],
            inline: match (flags[n].inline_in, flags[n].plain_in) {
                (true, false) => Some(Inline::Inline),
                (true, true) => Some(Inline::Partial),
                _ => None,
            },
        })
        .collect();
    rows.sort_by(|a, b| compare(a, b, sort));
    Top {
        total,
        rows,
        samples,
    }
}

fn node_key(
    p: &ProfileData,
    line: &Line,
    objfile: &str,
    granularity: Granularity,
) -> (NodeKey, (String, Option<i64>)) {
    let Some(f) = line.function.map(|f| &p.functions[f as usize]) else {
        let key = NodeKey {
            function: String::new(),
            file: String::new(),
            line: 0,
            objfile: objfile.to_string(),
        };
        return (key, (String::new(), None));
    };
    let nameless = f.name.is_empty();
    let key = match granularity {
        Granularity::Functions => NodeKey {
            function: f.name.clone(),
            file: String::new(),
            line: 0,
            objfile: if nameless {
                objfile.to_string()
            } else {
                String::new()
            },
        },
        Granularity::Lines => NodeKey {
            function: f.name.clone(),
            file: f.file.clone(),
            line: line.line,
            objfile: if nameless {
                objfile.to_string()
            } else {
                String::new()
            },
        },
    };
    let shown_line = match granularity {
        Granularity::Lines => Some(line.line).filter(|&l| l > 0),
        Granularity::Functions => Some(f.start_line).filter(|&l| l > 0),
    };
    (key, (f.file.clone(), shown_line))
}

fn compare(a: &Row, b: &Row, sort: Sort) -> Ordering {
    let by_abs = |x: i64, y: i64| y.unsigned_abs().cmp(&x.unsigned_abs());
    let (first, second) = match sort {
        Sort::Flat => ((a.flat, b.flat), (a.cum, b.cum)),
        Sort::Cum => ((a.cum, b.cum), (a.flat, b.flat)),
    };
    by_abs(first.0, first.1)
        .then_with(|| a.name.cmp(&b.name))
        .then_with(|| by_abs(second.0, second.1))
        .then_with(|| a.key.objfile.cmp(&b.key.objfile))
}
