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
        }
    }
}

/// Objects averaging this many bytes are "large buffers".
pub const LARGE_OBJECT: i64 = 32 << 10;

/// Where a sample's memory was allocated, and what its frames show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleSite {
    /// The first frame outside the standard library, or the innermost frame when every
    /// frame is the standard library's.
    pub site: SiteFrame,
    /// The innermost frame (where the allocation happened), when it is not the site.
    pub allocated_in: Option<SiteFrame>,
    /// The first frame of the program's own code above the site: its caller.
    pub caller: Option<SiteFrame>,
    pub hazard: Option<Hazard>,
    /// For `Hazard::PoolNew`: the frame that called `sync.(*Pool).Get`.
    pub pool_get_caller: Option<SiteFrame>,
}

/// The frames of a sample, innermost first, inlined frames included.
fn frames<'p>(p: &'p ProfileData, locations: &'p [u32]) -> impl Iterator<Item = &'p Line> + 'p {
    locations
        .iter()
        .flat_map(move |&l| p.locations[l as usize].lines.iter())
}

/// Resolves the site of a sample's stack. `None` for a sample without frames.
pub fn sample_site(p: &ProfileData, locations: &[u32]) -> Option<SampleSite> {
    let all: Vec<&Line> = frames(p, locations).collect();
    let first = all.first()?;
    let name = |l: &Line| p.function_name(l);
    let own = all.iter().position(|l| {
        let n = name(l);
        !n.is_empty() && !is_stdlib_func(n)
    });
    let site_index = own.unwrap_or(0);
    let site = SiteFrame::of(p, all[site_index]);
    let allocated_in = (site_index > 0).then(|| SiteFrame::of(p, first));
    let caller = all[site_index + 1..]
        .iter()
        .find(|l| {
            let n = name(l);
            !n.is_empty() && !is_stdlib_func(n)
        })
        .map(|l| SiteFrame::of(p, l));
    let below: Vec<&str> = all[..site_index].iter().map(|l| name(l)).collect();
    let mut hazard = if below
        .iter()
        .any(|f| f.starts_with("bytes.(*Buffer).") || *f == "bytes.growSlice")
    {
        Some(Hazard::BufferGrowth)
    } else if below.iter().any(|f| f.starts_with("strings.(*Builder).")) {
        Some(Hazard::BuilderGrowth)
    } else {
        None
    };
    let mut pool_get_caller = None;
    // The pool's New function is the program's own code, called by sync.(*Pool).Get.
    if hazard.is_none() && own.is_some() {
        let above = all.get(site_index + 1).map(|l| name(l));
        if above == Some("sync.(*Pool).Get") {
            hazard = Some(Hazard::PoolNew);
            pool_get_caller = caller.clone();
        }
    }
    Some(SampleSite {
        site,
        allocated_in,
        caller,
        hazard,
        pool_get_caller,
    })
}
