//! Allocation sites: where in the program's own code a sample's memory was allocated —
//! its first frame, from the innermost, outside the standard library (the line to fix;
//! `bytes.growSlice` is where a `bytes.Buffer` allocates, not where the program keeps
//! it) — and what the frames between the allocation and that line say about it.
//!
//! Go writes heap profiles without the runtime's own frames below the first other one
//! (`runtime.mallocgc`, map growth inside `runtime.mapassign`...), so a map that grows
//! shows as an allocation at the line that inserts into it; the standard-library frames
//! that remain (`bytes.(*Buffer).grow`, `strings.(*Builder).grow`, `sync.(*Pool).Get`)
//! are the evidence the hazards below rest on.

use serde::Serialize;

use super::data::{Line, ProfileData};
use crate::analysis::classify::is_stdlib_func;

/// A frame as a site names it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct SiteFrame {
    pub function: String,
    pub file: String,
    pub line: i64,
}

impl SiteFrame {
    fn of(p: &ProfileData, line: &Line) -> SiteFrame {
        match line.function {
            Some(f) => {
                let f = &p.functions[f as usize];
                SiteFrame {
                    function: f.name.clone(),
                    file: f.file.clone(),
                    line: line.line,
                }
            }
            None => SiteFrame {
                function: String::new(),
                file: String::new(),
                line: 0,
            },
        }
    }

    /// `main.f (x.go:12)`.
    pub fn short(&self) -> String {
        let file = self.file.rsplit(['/', '\\']).next().unwrap_or(&self.file);
        if self.function.is_empty() {
            return "<unknown>".to_string();
        }
        format!("{} ({file}:{})", self.function, self.line)
    }
}

/// A hazard the frames of a site show.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Hazard {
    /// Allocated by `bytes.(*Buffer).grow`: a buffer that keeps growing.
    BufferGrowth,
    /// Allocated by `strings.(*Builder).grow`.
    BuilderGrowth,
    /// Allocated by a `sync.Pool`'s New function, called from `Pool.Get`: pooled objects
    /// that are kept instead of being put back.
    PoolNew,
    /// In-use objects that average 32 KiB or more: whole buffers kept.
    LargeBuffers,
    /// The site's line inserts into a map that nothing in its package deletes from,
    /// clears or hands elsewhere. Heap profiles leave out the runtime's map frames, so
    /// this comes from the source (`goguard heap diff --source`), not from the stack.
    MapOnlyInserted,
    /// The buffer allocated on the site's line is kept through a sub-slice of it (from
    /// the source, like `MapOnlyInserted`).
    SubSliceKept,
}

impl Hazard {
    /// One sentence: what the frames show and what it usually means.
    pub fn describe(self) -> &'static str {
        match self {
            Hazard::BufferGrowth => {
                "the memory is a bytes.Buffer's storage (allocated by bytes.(*Buffer).grow): \
                 a buffer that is written to and never reset or dropped keeps growing"
            }
            Hazard::BuilderGrowth => {
                "the memory is a strings.Builder's storage (allocated by \
                 strings.(*Builder).grow): a builder appended to and never reset keeps \
                 growing"
            }
            Hazard::PoolNew => {
                "the memory was made by a sync.Pool's New function (called from \
                 sync.(*Pool).Get): objects taken from the pool are kept instead of being \
                 put back, so the pool keeps making new ones"
            }
            Hazard::LargeBuffers => {
                "the objects kept here average 32 KiB or more: whole buffers stay alive; if \
                 only a small part of each is needed (a sub-slice of a read buffer), copying \
                 that part out lets the buffer go"
            }
            Hazard::MapOnlyInserted => {
                "this line inserts into a map that nothing in its package deletes from, \
                 clears or hands elsewhere (read from the source): every key stays as long as \
                 the map does"
            }
            Hazard::SubSliceKept => {
                "the buffer made on this line is kept through a sub-slice of it (read from the \
                 source): a slice shares its array, so the whole buffer stays reachable as \
                 long as the sub-slice does"
            }
        }
    }
}

/// Objects averaging this many bytes are "large buffers".
pub const LARGE_OBJECT: i64 = 32 << 10;

/// A frame of one profile: its function's index (`None` when the line names none) and
/// line. Cheap to hash; `SiteResolver::frame` gives the names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LocalFrame {
    pub function: Option<u32>,
    pub line: i64,
}

/// Where a sample's memory was allocated, and what its frames show, in one profile's
/// terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct SampleSite {
    /// The first frame outside the standard library, or the innermost frame when every
    /// frame is the standard library's.
    pub site: LocalFrame,
    /// The innermost frame (where the allocation happened), when it is not the site.
    pub allocated_in: Option<LocalFrame>,
    /// The first frame of the program's own code above the site: its caller.
    pub caller: Option<LocalFrame>,
    pub hazard: Option<Hazard>,
    /// For `Hazard::PoolNew`: the frame that called `sync.(*Pool).Get`.
    pub pool_get_caller: Option<LocalFrame>,
}

/// What a function is to site resolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Own,
    BufferGrowth,
    BuilderGrowth,
    PoolGet,
    Library,
}

/// Resolves sample stacks to sites, with each function classified once.
pub struct SiteResolver<'p> {
    p: &'p ProfileData,
    roles: Vec<Role>,
}

impl<'p> SiteResolver<'p> {
    pub fn new(p: &'p ProfileData) -> Self {
        let roles = p
            .functions
            .iter()
            .map(|f| {
                let n = f.name.as_str();
                if n.starts_with("bytes.(*Buffer).") || n == "bytes.growSlice" {
                    Role::BufferGrowth
                } else if n.starts_with("strings.(*Builder).") {
                    Role::BuilderGrowth
                } else if n == "sync.(*Pool).Get" {
                    Role::PoolGet
                } else if !n.is_empty() && !is_stdlib_func(n) {
                    Role::Own
                } else {
                    Role::Library
                }
            })
            .collect();
        SiteResolver { p, roles }
    }

    fn role(&self, f: LocalFrame) -> Role {
        f.function.map_or(Role::Library, |i| self.roles[i as usize])
    }

    /// The site of a sample's stack (location indices, leaf first). `None` for a sample
    /// without frames.
    pub fn resolve(&self, locations: &[u32]) -> Option<SampleSite> {
        let mut frames = locations.iter().flat_map(|&l| {
            self.p.locations[l as usize]
                .lines
                .iter()
                .map(|line| LocalFrame {
                    function: line.function,
                    line: line.line,
                })
        });
        let leaf = frames.next()?;
        let mut hazard = None;
        let mut below = 0usize;
        let mut current = leaf;
        let mut rest = frames;
        // Find the site, noting what the library frames below it are.
        let found = loop {
            match self.role(current) {
                Role::Own => break true,
                Role::BufferGrowth => hazard = hazard.or(Some(Hazard::BufferGrowth)),
                Role::BuilderGrowth => hazard = hazard.or(Some(Hazard::BuilderGrowth)),
                Role::PoolGet | Role::Library => {}
            }
            match rest.next() {
                Some(f) => {
                    current = f;
                    below += 1;
                }
                None => break false,
            }
        };
        if !found {
            // Every frame is the standard library's: the innermost one stands in.
            return Some(SampleSite {
                site: leaf,
                allocated_in: None,
                caller: None,
                hazard,
                pool_get_caller: None,
            });
        }
        let site = current;
        let next = rest.next();
        let pool = hazard.is_none() && next.is_some_and(|f| self.role(f) == Role::PoolGet);
        let caller = next
            .into_iter()
            .chain(rest)
            .find(|&f| self.role(f) == Role::Own);
        Some(SampleSite {
            site,
            allocated_in: (below > 0).then_some(leaf),
            caller,
            hazard: if pool { Some(Hazard::PoolNew) } else { hazard },
            pool_get_caller: if pool { caller } else { None },
        })
    }

    /// The names of a frame.
    pub fn frame(&self, f: LocalFrame) -> SiteFrame {
        SiteFrame::of(
            self.p,
            &Line {
                function: f.function,
                line: f.line,
            },
        )
    }
}
