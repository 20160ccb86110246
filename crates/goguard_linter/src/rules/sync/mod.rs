//! Rules of the sync domain.

use crate::engine::Rule;

pub mod lock_not_released;

/// The rules of this domain, in code order.
pub const RULES: &[&dyn Rule] = &[&lock_not_released::LockNotReleased];
