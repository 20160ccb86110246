//! `--focus` and `--ignore`, as `go tool pprof` applies them: a location matches when
//! the name or file of one of its functions, or its mapping's file, matches the regular
//! expression (unanchored). A sample is kept when none of its locations is ignored and,
//! with a focus, one of them is focused.

use regex::Regex;

use super::data::ProfileData;

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub focus: Option<Regex>,
    pub ignore: Option<Regex>,
}

/// What a filter says about one location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mark {
    Neither,
    Focused,
    Ignored,
}

/// A filter applied to one profile: each location marked once.
pub struct LocationMarks {
    marks: Vec<Mark>,
    active: bool,
}

impl Filter {
    /// Compiles the two options; the error names the option.
    pub fn new(focus: Option<&str>, ignore: Option<&str>) -> Result<Filter, String> {
        let compile = |name: &str, re: Option<&str>| -> Result<Option<Regex>, String> {
            re.filter(|r| !r.is_empty())
                .map(|r| Regex::new(r).map_err(|e| format!("--{name}: {e}")))
                .transpose()
        };
        Ok(Filter {
            focus: compile("focus", focus)?,
            ignore: compile("ignore", ignore)?,
        })
    }

    pub fn is_active(&self) -> bool {
        self.focus.is_some() || self.ignore.is_some()
    }

    pub fn marks(&self, p: &ProfileData) -> LocationMarks {
        if !self.is_active() {
            return LocationMarks {
                marks: Vec::new(),
                active: false,
            };
        }
        let matches = |re: &Regex, loc: &super::data::Location| -> bool {
            loc.lines.iter().any(|l| {
                l.function.is_some_and(|f| {
                    let f = &p.functions[f as usize];
                    re.is_match(&f.name) || re.is_match(&f.file)
                })
            }) || loc
                .mapping
                .is_some_and(|m| re.is_match(&p.mapping_files[m as usize]))
        };
        let marks = p
            .locations
            .iter()
            .map(|loc| {
                if self.ignore.as_ref().is_some_and(|re| matches(re, loc)) {
                    Mark::Ignored
                } else if self.focus.as_ref().is_none_or(|re| matches(re, loc)) {
                    Mark::Focused
                } else {
                    Mark::Neither
                }
            })
            .collect();
        LocationMarks {
            marks,
            active: true,
        }
    }
}

impl LocationMarks {
    /// Whether a sample with these locations is kept.
    pub fn keeps(&self, locations: &[u32]) -> bool {
        if !self.active {
            return true;
        }
        let mut focused = false;
        for &l in locations {
            match self.marks[l as usize] {
                Mark::Ignored => return false,
                Mark::Focused => focused = true,
                Mark::Neither => {}
            }
        }
        focused
    }
}
