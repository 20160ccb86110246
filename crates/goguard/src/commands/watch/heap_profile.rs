//! The heap profile each poll gets from its garbage collection (`/debug/pprof/heap?gc=1`,
//! so the in-use figures are of live objects): its in-use total and the functions that
//! hold the most of it, as `goguard heap top` computes them.

use goguard_runtime::profile::filter::Filter;
use goguard_runtime::profile::growth::check_heap;
use goguard_runtime::profile::top::{top, Granularity, Input, Sort};
use goguard_runtime::profile::{read_profile, ProfileData};

use super::record::HeapFunction;

/// Functions kept per sample.
pub const MAX_FUNCTIONS: usize = 20;

/// The profile in `body`, if it is a heap profile.
pub fn read_heap(body: &[u8]) -> Result<ProfileData, String> {
    let p = read_profile(body).map_err(|e| format!("the heap profile: {e}"))?;
    check_heap(&p).map_err(|e| format!("the heap profile: {e}"))?;
    Ok(p)
}

/// (in-use bytes, the functions holding the most, largest first).
pub fn heap_top(p: &ProfileData) -> Result<(u64, Vec<HeapFunction>), String> {
    let value = p
        .sample_types
        .iter()
        .position(|t| t.kind == "inuse_space")
        .ok_or("the heap profile has no inuse_space values")?;
    let t = top(
        &[Input {
            profile: p,
            value,
            base: false,
        }],
        Granularity::Functions,
        &Filter::default(),
        Sort::Flat,
    );
    let functions = t
        .rows
        .iter()
        .filter(|r| r.flat > 0)
        .take(MAX_FUNCTIONS)
        .map(|r| HeapFunction {
            function: r.function.clone(),
            file: r.file.clone(),
            flat: r.flat.max(0) as u64,
            cum: r.cum.max(0) as u64,
        })
        .collect();
    Ok((t.total.max(0) as u64, functions))
}
