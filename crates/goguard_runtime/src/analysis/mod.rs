//! Analyses on the parsed model: classification, grouping, the context the
//! runtime rules (`crate::rules`) read, diagnosis, growth, source.

pub mod background;
pub mod classify;
pub mod cx;
pub mod diagnose;
pub mod diff;
pub mod finding;
pub mod group;
pub mod ids;
pub mod ignore;
pub mod locks;
pub mod persistence;
pub mod sites;
pub mod source;
pub mod stdlib;
#[cfg(test)]
mod testutil;
pub mod wait;
