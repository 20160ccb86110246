//! The curated standard-library stubs: Go declarations without bodies, one
//! file per package under `stdlib/`, summarized like workspace packages.

/// (import path, stub source) for every stubbed package.
pub const STUBS: &[(&str, &str)] = &[];
