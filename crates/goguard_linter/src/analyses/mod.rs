//! Derived analyses shared by two or more rules.

pub mod closers;
pub mod concurrency;
pub mod cond_lockers;
pub mod dynamic_calls;
pub mod entry;
pub mod expr;
pub mod fixes;
pub mod flow;
pub mod guarded_fields;
pub mod handoff;
pub mod held_locks;
pub mod http;
pub mod lifecycles;
pub mod lock_back_refs;
pub mod lock_bodies;
pub mod lock_facts;
pub mod lock_order;
pub mod lock_waits;
pub mod locks;
pub mod loop_receivers;
pub mod loops;
pub mod release;
pub mod result_channels;
pub mod shared_writes;
pub mod sub_slices;
