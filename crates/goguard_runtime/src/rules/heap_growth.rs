//! RT005 heap-growth: allocation sites whose in-use memory grows across heap profiles
//! (`goguard heap diff`). The comparison itself is `profile::growth`.

use goguard_diagnostics::Confidence;

use crate::profile::growth::Growth;
use crate::profile::site::Hazard;
use crate::profile::units::human_bytes;
use crate::rules::runtime_rule;

runtime_rule! {
    /// ## What it does
    /// Compares heap profiles of one program taken in time order (`goguard heap diff
    /// BASE NEW [MORE...]`) and reports the allocation sites whose in-use memory grew by
    /// more than sampling noise. A site is the first line of the program's own code on the
    /// allocating stack (not `bytes.growSlice`, but the line that writes to the buffer).
    /// Each finding gives the in-use bytes and objects in every profile, the growth rate
    /// when the profiles carry their times, and what the stack shows: a `bytes.Buffer` or
    /// `strings.Builder` that keeps growing, objects made by a `sync.Pool`'s New function
    /// and never put back, large buffers kept whole; and, with the source (run inside the
    /// module, or `--source`), a line that inserts into a map nothing deletes from, or
    /// makes a buffer that a stored sub-slice keeps alive. Growth across three profiles or more
    /// that never shrinks is medium confidence; between two profiles, low.
    ///
    /// ## Why is this bad?
    /// Memory that is allocated and kept on every request ends the process: the heap
    /// grows, each collection has more to mark, the GC takes more CPU, and the kernel or
    /// the container runtime kills the process when it reaches its limit. The growth shows
    /// in heap profiles long before, and the growing site is the line to look at.
    ///
    /// ## Example
    /// ```go
    /// package cache
    ///
    /// import "time"
    ///
    /// type session struct {
    /// 	id      string
    /// 	created time.Time
    /// }
    ///
    /// var sessions = map[string]*session{}
    ///
    /// // remember keeps a session per request; nothing ever deletes one.
    /// func remember(id string) {
    /// 	sessions[id] = &session{id: id, created: time.Now()}
    /// }
    /// ```
    /// Two heap profiles taken a few minutes apart under the same load
    /// (`curl -o base.pb.gz http://127.0.0.1:6060/debug/pprof/heap?gc=1`, then `new.pb.gz`)
    /// show `cache.remember` holding more each time.
    ///
    /// ## Use instead
    /// ```go
    /// package cache
    ///
    /// import (
    /// 	"sync"
    /// 	"time"
    /// )
    ///
    /// type session struct {
    /// 	id      string
    /// 	created time.Time
    /// }
    ///
    /// var (
    /// 	mu       sync.Mutex
    /// 	sessions = map[string]*session{}
    /// )
    ///
    /// func remember(id string) {
    /// 	mu.Lock()
    /// 	defer mu.Unlock()
    /// 	sessions[id] = &session{id: id, created: time.Now()}
    /// }
    ///
    /// // expire drops sessions older than ttl; call it from a ticker.
    /// func expire(ttl time.Duration) {
    /// 	mu.Lock()
    /// 	defer mu.Unlock()
    /// 	for id, s := range sessions {
    /// 		if time.Since(s.created) > ttl {
    /// 			delete(sessions, id)
    /// 		}
    /// 	}
    /// }
    /// ```
    ///
    /// ## Known limitations
    /// Heap profiles sample allocations (one every 512 KiB by default), so small sites are
    /// estimates: growth below three standard deviations of the sampling noise, or below
    /// `--min-growth`, is not reported. Growth under rising load, or a cache still warming
    /// up, is not a leak: take the profiles at the same load, after warm-up, with `gc=1`
    /// so that each shows what the last collection found live. Go's heap profiles leave out
    /// the runtime's frames, so a growing map shows as an allocation at the line that
    /// inserts into it, without a frame that says "map". With the source, a map is called
    /// only-inserted-into when it is an unexported package variable or struct field and
    /// every mention of it in its package indexes it, ranges over it, takes its `len` or
    /// sets it up (in the function that made its object, or in `init`); a map reassigned
    /// elsewhere (`s.m = make(...)` may be a reset) or passed to another function is not,
    /// so such maps go without the remark. The static findings
    /// at a growing line are shown too.
    pub static HEAP_GROWTH = {
        name: "heap-growth",
        code: "RT005",
        category: Suspicious,
        status: Stable,
    }
}

/// Growth that never shrank across three profiles or more is medium; anything else that
/// grew is low.
pub fn confidence(g: &Growth) -> Confidence {
    if g.series.inuse_space.len() >= 3 && g.monotonic {
        Confidence::Medium
    } else {
        Confidence::Low
    }
}

/// The facts a finding rests on, one sentence each.
pub fn evidence(g: &Growth) -> Vec<String> {
    let series = &g.series;
    let bytes: Vec<String> = series
        .inuse_space
        .iter()
        .map(|&b| human_bytes(b as f64))
        .collect();
    let objects: Vec<String> = series.inuse_objects.iter().map(i64::to_string).collect();
    let mut out = vec![
        format!("in-use bytes per profile: {}", bytes.join(" → ")),
        format!("in-use objects per profile: {}", objects.join(" → ")),
    ];
    if let Some(rate) = g.bytes_per_hour {
        out.push(format!("{} per hour", human_bytes(rate)));
    }
    out.push(format!(
        "growth {} against sampling noise of ±{} (one standard deviation)",
        human_bytes(g.bytes as f64),
        human_bytes(g.noise_bytes as f64)
    ));
    let n = series.inuse_space.len();
    if n >= 3 && g.monotonic {
        out.push(format!(
            "it never shrank across the {n} profiles (beyond sampling noise)"
        ));
    } else if n >= 3 {
        out.push("it shrank between some profiles: growth, not yet a steady climb".into());
    } else {
        out.push(
            "two profiles: growth under rising load or a warming cache looks the same; a \
             third profile that still grows makes it medium"
                .into(),
        );
    }
    if let Some(h) = series.hazard {
        out.push(h.describe().to_string());
    }
    out
}

/// What to do, by hazard.
pub fn help(g: &Growth) -> String {
    match g.series.hazard {
        Some(Hazard::BufferGrowth) | Some(Hazard::BuilderGrowth) => {
            "reset the buffer once its content is used (Reset), or bound what it keeps".into()
        }
        Some(Hazard::PoolNew) => {
            "put each object back with Put once it is no longer used, and keep no reference \
             to it afterwards"
                .into()
        }
        Some(Hazard::LargeBuffers) | Some(Hazard::SubSliceKept) => {
            "keep only what is needed: copy a small part out of a large buffer \
             (bytes.Clone, strings.Clone) instead of keeping a sub-slice of it"
                .into()
        }
        Some(Hazard::MapOnlyInserted) => {
            "delete entries once they are no longer needed (expire them on a timer or bound \
             the map's size), or keep the map per request instead of for the process's life"
                .into()
        }
        None => "find what keeps these objects reachable (a map, a slice, a cache, a goroutine) \
             and bound it or let it go"
            .into(),
    }
}
