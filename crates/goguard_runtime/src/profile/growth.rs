//! Heap profiles of one program in time order (`goguard heap diff BASE NEW [MORE...]`):
//! the in-use memory of every allocation site in each profile, and the sites that grew.
//!
//! A heap profile samples allocations (one every `MemProfileRate` bytes on average,
//! 512 KiB by default) and scales each sample up, so a site's in-use bytes are an
//! estimate: a site that holds B bytes varies by about sqrt(B × rate) between profiles
//! with no change in the program. Growth counts only when it exceeds three times that
//! (and `min_growth`), so sampling noise is not reported as a leak.

use rustc_hash::FxHashMap;
use serde::Serialize;

use super::data::ProfileData;
use super::filter::Filter;
use super::site::{Hazard, LocalFrame, SiteFrame, SiteResolver, LARGE_OBJECT};

/// The values of a heap profile, by name.
pub const INUSE_SPACE: &str = "inuse_space";
pub const INUSE_OBJECTS: &str = "inuse_objects";
pub const ALLOC_SPACE: &str = "alloc_space";
pub const ALLOC_OBJECTS: &str = "alloc_objects";

#[derive(Debug, Clone)]
pub struct Options {
    /// Growth below this many bytes is not reported, however sure.
    pub min_growth: i64,
    pub filter: Filter,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            min_growth: 256 << 10,
            filter: Filter::default(),
        }
    }
}

/// One profile of the series.
#[derive(Debug, Clone, Serialize)]
pub struct ProfileSummary {
    pub label: String,
    /// Unix nanoseconds; `None` when the profile does not say.
    pub time_nanos: Option<i64>,
    pub inuse_space: i64,
    pub inuse_objects: i64,
    /// The sampling rate in bytes (`runtime.MemProfileRate`), when the profile says.
    pub sampling_rate: Option<i64>,
}

/// One allocation site across the series.
#[derive(Debug, Clone, Serialize)]
pub struct SiteSeries {
    pub site: SiteFrame,
    /// Per profile, in order.
    pub inuse_space: Vec<i64>,
    pub inuse_objects: Vec<i64>,
    pub alloc_space: Vec<i64>,
    pub alloc_objects: Vec<i64>,
    /// The innermost frame of the samples holding the most memory here, when it is not
    /// the site (`bytes.growSlice`).
    pub allocated_in: Option<SiteFrame>,
    /// The program's own frame that called the site, in those samples.
    pub caller: Option<SiteFrame>,
    pub hazard: Option<Hazard>,
    pub pool_get_caller: Option<SiteFrame>,
}

/// A site's change from the first profile to the last.
#[derive(Debug, Clone, Serialize)]
pub struct Growth {
    #[serde(flatten)]
    pub series: SiteSeries,
    pub bytes: i64,
    pub objects: i64,
    /// Sampling noise of the byte change: one standard deviation.
    pub noise_bytes: i64,
    /// Bytes per hour, when the profiles carry their times.
    pub bytes_per_hour: Option<f64>,
    /// Never shrank between consecutive profiles by more than sampling noise.
    pub monotonic: bool,
    /// Grew beyond noise and `min_growth`: a finding.
    pub grew: bool,
}

#[derive(Debug, Clone, Serialize)]
pub struct GrowthReport {
    pub profiles: Vec<ProfileSummary>,
    /// Seconds from the first profile to the last, when both carry their times.
    pub seconds: Option<f64>,
    /// Every site whose in-use bytes changed, most growth first.
    pub sites: Vec<Growth>,
}

impl GrowthReport {
    pub fn grown(&self) -> impl Iterator<Item = &Growth> {
        self.sites.iter().filter(|g| g.grew)
    }
}

/// Why a series cannot be compared.
pub fn check_heap(p: &ProfileData) -> Result<(), String> {
    if p.sample_index(INUSE_SPACE).is_none() || p.sample_index(INUSE_OBJECTS).is_none() {
        let types: Vec<String> = p
            .sample_types
            .iter()
            .map(|t| format!("{}/{}", t.kind, t.unit))
            .collect();
        return Err(format!(
            "not a heap profile: its sample types are {} (a heap or allocs profile has \
             inuse_space and inuse_objects)",
            types.join(", ")
        ));
    }
    Ok(())
}

#[derive(Default, Clone)]
struct Accumulated {
    inuse_space: Vec<i64>,
    inuse_objects: Vec<i64>,
    alloc_space: Vec<i64>,
    alloc_objects: Vec<i64>,
}

/// What the frames around a site show, in the last profile's terms: (hazard, allocated
/// in, caller, pool user).
type Variant = (
    Option<Hazard>,
    Option<LocalFrame>,
    Option<LocalFrame>,
    Option<LocalFrame>,
);

/// Compares heap profiles in time order. Each must pass `check_heap`.
pub fn growth(profiles: &[(String, &ProfileData)], opts: &Options) -> GrowthReport {
    let n = profiles.len();
    let mut index: FxHashMap<SiteFrame, usize> = FxHashMap::default();
    let mut sites: Vec<(SiteFrame, Accumulated)> = Vec::new();
    // In the last profile: in-use bytes per (site, variant), to pick what to show.
    let mut variants: FxHashMap<(usize, Variant), i64> = FxHashMap::default();
    let mut summaries = Vec::with_capacity(n);
    let mut last_resolver = None;
    for (i, (label, p)) in profiles.iter().enumerate() {
        let space = p.sample_index(INUSE_SPACE).unwrap_or(0);
        let objects = p.sample_index(INUSE_OBJECTS).unwrap_or(0);
        let alloc_space = p.sample_index(ALLOC_SPACE);
        let alloc_objects = p.sample_index(ALLOC_OBJECTS);
        let marks = opts.filter.marks(p);
        let resolver = SiteResolver::new(p);
        // This profile's frames to the series' sites.
        let mut local: FxHashMap<LocalFrame, usize> = FxHashMap::default();
        for s in p.samples() {
            if !marks.keeps(s.locations) {
                continue;
            }
            let Some(found) = resolver.resolve(s.locations) else {
                continue;
            };
            let k = *local.entry(found.site).or_insert_with(|| {
                let frame = resolver.frame(found.site);
                *index.entry(frame.clone()).or_insert_with(|| {
                    sites.push((
                        frame,
                        Accumulated {
                            inuse_space: vec![0; n],
                            inuse_objects: vec![0; n],
                            alloc_space: vec![0; n],
                            alloc_objects: vec![0; n],
                        },
                    ));
                    sites.len() - 1
                })
            });
            let acc = &mut sites[k].1;
            acc.inuse_space[i] += s.values[space];
            acc.inuse_objects[i] += s.values[objects];
            if let Some(a) = alloc_space {
                acc.alloc_space[i] += s.values[a];
            }
            if let Some(a) = alloc_objects {
                acc.alloc_objects[i] += s.values[a];
            }
            if i + 1 == n {
                let variant = (
                    found.hazard,
                    found.allocated_in,
                    found.caller,
                    found.pool_get_caller,
                );
                *variants.entry((k, variant)).or_default() += s.values[space];
            }
        }
        summaries.push(ProfileSummary {
            label: label.clone(),
            time_nanos: (p.time_nanos != 0).then_some(p.time_nanos),
            inuse_space: p.total(space),
            inuse_objects: p.total(objects),
            sampling_rate: p.bytes_period(),
        });
        if i + 1 == n {
            last_resolver = Some(resolver);
        }
    }
    // The variant holding the most memory of each site (ties: the smallest, for a
    // deterministic choice).
    let mut best: Vec<Option<(Variant, i64)>> = vec![None; sites.len()];
    for (&(k, v), &bytes) in &variants {
        let better = match &best[k] {
            None => true,
            Some((bv, bb)) => bytes > *bb || (bytes == *bb && v < *bv),
        };
        if better {
            best[k] = Some((v, bytes));
        }
    }
    let seconds = match (
        summaries.first().and_then(|s| s.time_nanos),
        summaries.last().and_then(|s| s.time_nanos),
    ) {
        (Some(a), Some(b)) if b > a => Some((b - a) as f64 / 1e9),
        _ => None,
    };
    let rate = |i: usize| summaries[i].sampling_rate.unwrap_or(0) as f64;
    let name =
        |f: Option<LocalFrame>| -> Option<SiteFrame> { Some(last_resolver.as_ref()?.frame(f?)) };
    let mut out: Vec<Growth> = sites
        .into_iter()
        .zip(best)
        .map(|((site, acc), best)| {
            let first = acc.inuse_space[0];
            let last = acc.inuse_space[n - 1];
            let bytes = last - first;
            let objects = acc.inuse_objects[n - 1] - acc.inuse_objects[0];
            let noise = |a: i64, b: i64, r: f64| ((a.max(0) + b.max(0)) as f64 * r).sqrt();
            let noise_bytes = noise(first, last, rate(n - 1).max(rate(0)));
            let monotonic = (1..n).all(|k| {
                let step = acc.inuse_space[k] - acc.inuse_space[k - 1];
                let r = rate(k).max(rate(k - 1));
                step as f64 >= -2.0 * noise(acc.inuse_space[k], acc.inuse_space[k - 1], r)
            });
            let grew = bytes > 0 && bytes >= opts.min_growth && bytes as f64 > 3.0 * noise_bytes;
            let (mut hazard, allocated_in, caller, pool_get_caller) = match best {
                Some(((h, a, c, p), _)) => (h, name(a), name(c), name(p)),
                None => (None, None, None, None),
            };
            let last_objects = acc.inuse_objects[n - 1];
            let large = (objects > 0 && bytes / objects >= LARGE_OBJECT)
                || (last_objects > 0 && last / last_objects >= LARGE_OBJECT);
            if hazard.is_none() && large {
                hazard = Some(Hazard::LargeBuffers);
            }
            Growth {
                series: SiteSeries {
                    site,
                    inuse_space: acc.inuse_space,
                    inuse_objects: acc.inuse_objects,
                    alloc_space: acc.alloc_space,
                    alloc_objects: acc.alloc_objects,
                    allocated_in,
                    caller,
                    hazard,
                    pool_get_caller,
                },
                bytes,
                objects,
                noise_bytes: noise_bytes.round() as i64,
                bytes_per_hour: seconds.map(|s| bytes as f64 * 3600.0 / s),
                monotonic,
                grew,
            }
        })
        .filter(|g| g.bytes != 0 || g.objects != 0)
        .collect();
    out.sort_by(|a, b| {
        b.bytes
            .cmp(&a.bytes)
            .then_with(|| b.objects.cmp(&a.objects))
            .then_with(|| a.series.site.cmp(&b.series.site))
    });
    GrowthReport {
        profiles: summaries,
        seconds,
        sites: out,
    }
}
