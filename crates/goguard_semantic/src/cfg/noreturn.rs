//! Library calls that never return to their caller.

use crate::model::Callee;

pub fn never_returns(callee: &Callee) -> bool {
    let _ = callee;
    false
}
