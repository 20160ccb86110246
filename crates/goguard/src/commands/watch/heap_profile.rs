//! The heap profile each poll gets from its garbage collection (`/debug/pprof/heap?gc=1`,
//! so the in-use figures are of live objects): its in-use total and the functions that
//! hold the most of it, as `goguard heap top` computes them.

use goguard_runtime::profile::filter::Filter;
use goguard_runtime::profile::read_profile;
use goguard_runtime::profile::top::{top, Granularity, Input, Sort};

use super::record::HeapFunction;

/// Functions kept per sample.
pub const MAX_FUNCTIONS: usize = 20;

/// (in-use bytes, the functions holding the most, largest first).
pub fn heap_top(body: &[u8]) -> Result<(u64, Vec<HeapFunction>), String> {
    let p = read_profile(body).map_err(|e| format!("the heap profile: {e}"))?;
    let value = p
        .sample_types
        .iter()
        .position(|t| t.kind == "inuse_space")
        .ok_or("the heap profile has no inuse_space values")?;
    let t = top(
        &[Input {
            profile: &p,
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
