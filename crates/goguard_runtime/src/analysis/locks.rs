//! Who waits for which lock, and who may hold it, from the addresses a
//! traceback prints as arguments.
//!
//! A dump never says who holds a mutex. But the goroutine waiting for one
//! prints its address as the receiver of the sync frame it is parked in
//! (`internal/sync.(*Mutex).lockSlow(0xc0000a4010)`), and a goroutine that
//! locked it usually still has a frame whose arguments hold that address, or
//! the address of the struct the mutex is the first field of
//! (`main.transfer(0xc0000a4000, 0xc0000a4010, ...)`). A goroutine that
//! itself waits for the same lock does not hold it. Holders found this way
//! are candidates, not facts: a finding built on them needs a cycle, and
//! says so.

use crate::analysis::classify::is_internal_func;
use crate::model::Goroutine;

/// Sync frames whose receiver is the lock being waited for, outermost call
/// first (what the program called), then the slow paths.
const LOCK_FRAMES: &[&str] = &[
    "sync.(*RWMutex).Lock",
    "sync.(*RWMutex).RLock",
    "sync.(*Mutex).Lock",
    "internal/sync.(*Mutex).Lock",
    "sync.(*Mutex).lockSlow",
    "internal/sync.(*Mutex).lockSlow",
];

/// A mutex found by address within this many bytes above a struct pointer
/// is taken to be a field of that struct.
pub const FIELD_REACH: u64 = 64;

/// The address of the lock a goroutine waits for, when a sync frame prints
/// it reliably (no `?`, which marks a possibly stale register value).
pub fn waited_lock(g: &Goroutine) -> Option<u64> {
    for name in LOCK_FRAMES {
        if let Some(frame) = g.frames.iter().find(|f| &*f.func == *name) {
            if let Some(addr) = first_arg_address(g.args(frame)) {
                return Some(addr);
            }
        }
    }
    None
}

/// The first argument when it is a plain hex value.
fn first_arg_address(args: &str) -> Option<u64> {
    let first = args.split(',').next()?.trim();
    let hex = first.strip_prefix("0x")?;
    if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    u64::from_str_radix(hex, 16).ok().filter(|&a| a != 0)
}

/// Every hex value among the arguments of the goroutine's own frames (not
/// runtime or sync internals): `0xc0000a4000?` and values inside `{...}`
/// included.
pub fn argument_values(g: &Goroutine) -> Vec<u64> {
    let mut values = Vec::new();
    for f in g.frames.iter().filter(|f| !is_internal_func(&f.func)) {
        for token in g.args(f).split([',', ' ', '{', '}']) {
            let token = token.trim().trim_end_matches('?');
            if let Some(hex) = token.strip_prefix("0x") {
                if let Ok(v) = u64::from_str_radix(hex, 16) {
                    if v > 0xffff {
                        values.push(v);
                    }
                }
            }
        }
    }
    values.sort_unstable();
    values.dedup();
    values
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testutil::goroutine;

    fn with_args(mut g: Goroutine, args: &[&str]) -> Goroutine {
        for (i, a) in args.iter().enumerate() {
            g.set_args(i, a);
        }
        g
    }

    #[test]
    fn waited_lock_from_the_slow_path() {
        let g = with_args(
            goroutine(
                7,
                "sync.Mutex.Lock",
                &[
                    "internal/sync.runtime_SemacquireMutex",
                    "internal/sync.(*Mutex).lockSlow",
                    "internal/sync.(*Mutex).Lock",
                    "sync.(*Mutex).Lock",
                    "main.transfer",
                ],
            ),
            &[
                "0x12b096560f48?, 0x29?, 0x0?",
                "0x12b0965341d0",
                "...",
                "...",
                "0x12b0965341c0, 0x12b0965341d0, 0xa",
            ],
        );
        assert_eq!(waited_lock(&g), Some(0x12b0965341d0));
        assert_eq!(argument_values(&g), vec![0x12b0965341c0, 0x12b0965341d0]);
    }

    #[test]
    fn unreliable_receivers_are_not_used() {
        let g = with_args(
            goroutine(7, "sync.Mutex.Lock", &["sync.(*Mutex).lockSlow", "main.f"]),
            &["0xc000010000?", ""],
        );
        assert_eq!(waited_lock(&g), None);
    }
}
