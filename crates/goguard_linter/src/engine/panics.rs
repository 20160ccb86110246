//! Keeping a crashing rule from taking down the run.
//!
//! Rules run inside `catch_unwind`; a panic becomes an `internal-error`
//! finding naming the rule and the file. While a rule runs, a thread-local
//! flag tells the panic hook installed by [`quiet_rule_panics`] not to print
//! the usual "thread panicked" message, since the finding already carries it.

use std::any::Any;
use std::cell::Cell;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::Once;

thread_local! {
    static GUARDED: Cell<bool> = const { Cell::new(false) };
}

/// Runs `f`, turning a panic into `Err(message)`.
pub fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    let was = GUARDED.with(|g| g.replace(true));
    let result = catch_unwind(AssertUnwindSafe(f));
    GUARDED.with(|g| g.set(was));
    result.map_err(|payload| panic_message(&*payload))
}

/// The text of a panic payload.
pub fn panic_message(payload: &(dyn Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic".to_string()
    }
}

/// Installs (once per process) a panic hook that stays silent for panics
/// caught by [`guarded`] and defers to the previous hook for all others.
pub fn quiet_rule_panics() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !GUARDED.with(Cell::get) {
                previous(info);
            }
        }));
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_become_messages() {
        assert_eq!(guarded(|| 3), Ok(3));
        assert_eq!(
            guarded(|| -> u8 { panic!("boom {}", 1) }),
            Err("boom 1".into())
        );
        assert_eq!(guarded(|| -> u8 { panic!("static") }), Err("static".into()));
        // The flag is restored after a caught panic.
        assert!(!GUARDED.with(Cell::get));
    }
}
