//! Rules of the sync domain.

use crate::engine::Rule;

pub mod cond_wait_without_loop;
pub mod double_lock;
pub mod lock_not_released;
pub mod lock_order_inversion;
pub mod mixed_atomic_access;
pub mod recursive_read_lock;
pub mod unguarded_field_access;
pub mod unsynchronized_map_write;
pub mod unsynchronized_shared_write;
pub mod write_under_read_lock;

/// The rules of this domain, in code order.
pub const RULES: &[&dyn Rule] = &[
    &lock_not_released::LockNotReleased,
    &double_lock::DoubleLock,
    &recursive_read_lock::RecursiveReadLock,
    &lock_order_inversion::LockOrderInversion,
    &write_under_read_lock::WriteUnderReadLock,
    &unsynchronized_map_write::UnsynchronizedMapWrite,
    &unsynchronized_shared_write::UnsynchronizedSharedWrite,
    &mixed_atomic_access::MixedAtomicAccess,
    &cond_wait_without_loop::CondWaitWithoutLoop,
    &unguarded_field_access::UnguardedFieldAccess,
];
