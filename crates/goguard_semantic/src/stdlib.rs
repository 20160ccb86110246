//! The curated standard-library stubs: Go declarations without bodies, one
//! file per package under `stdlib/`, summarized like workspace packages.
//!
//! The stubs describe the standard library of Go 1.26 (checked against
//! go1.26.8). Each file holds a chosen subset of its package's exported API,
//! every item written exactly as the real package declares it: parameter and
//! result types, receiver pointer-ness, variadics, struct fields, complete
//! interface method sets, and the unexported embedded types that carry
//! promoted methods (`testing.common`). Unexported fields are left out.
//! `tools/stdlib-check` compares every declaration with the real package of
//! the installed toolchain; `tests/stdlib_stubs.rs` runs it.
//!
//! Each file starts with the comment
//! `// Declarations of package <import path> used by goguard's light types; signatures only.`
//! which the checker reads to know which package a file describes.

/// The Go release whose standard library the stubs describe.
pub const GO_VERSION: &str = "go1.26";

/// (import path, stub source) for every stubbed package, sorted by import path.
pub const STUBS: &[(&str, &str)] = &[
    ("context", include_str!("../stdlib/context.go")),
    ("database/sql", include_str!("../stdlib/database_sql.go")),
    ("io", include_str!("../stdlib/io.go")),
    ("io/fs", include_str!("../stdlib/io_fs.go")),
    ("log", include_str!("../stdlib/log.go")),
    ("net/http", include_str!("../stdlib/net_http.go")),
    ("os", include_str!("../stdlib/os.go")),
    ("sync", include_str!("../stdlib/sync.go")),
    ("testing", include_str!("../stdlib/testing.go")),
    ("time", include_str!("../stdlib/time.go")),
];

/// The stub source of a standard-library package, if it is stubbed.
pub fn stub(import_path: &str) -> Option<&'static str> {
    STUBS
        .binary_search_by(|(path, _)| (*path).cmp(import_path))
        .ok()
        .map(|i| STUBS[i].1)
}
