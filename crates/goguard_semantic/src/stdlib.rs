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
//!
//! To stub another package: write `stdlib/<import path with / as _>.go` with
//! that header, add it to [`STUBS`] in import-path order, and run
//! `cargo test -p goguard_semantic --test stdlib_stubs` (or, from the
//! repository root, `cd tools/stdlib-check && go run . ../../crates/goguard_semantic/stdlib`)
//! until it reports nothing. Prefer explicit types on vars and on constants whose
//! value is not a literal: the light-type summarizer reads declared types and
//! does not evaluate constant expressions across packages.

/// The Go release whose standard library the stubs describe.
pub const GO_VERSION: &str = "go1.26";

/// (import path, stub source) for every stubbed package, sorted by import path.
pub const STUBS: &[(&str, &str)] = &[
    ("bufio", include_str!("../stdlib/bufio.go")),
    ("bytes", include_str!("../stdlib/bytes.go")),
    ("cmp", include_str!("../stdlib/cmp.go")),
    ("compress/gzip", include_str!("../stdlib/compress_gzip.go")),
    ("context", include_str!("../stdlib/context.go")),
    ("crypto/rand", include_str!("../stdlib/crypto_rand.go")),
    ("crypto/tls", include_str!("../stdlib/crypto_tls.go")),
    ("database/sql", include_str!("../stdlib/database_sql.go")),
    (
        "database/sql/driver",
        include_str!("../stdlib/database_sql_driver.go"),
    ),
    (
        "encoding/base64",
        include_str!("../stdlib/encoding_base64.go"),
    ),
    (
        "encoding/binary",
        include_str!("../stdlib/encoding_binary.go"),
    ),
    ("encoding/csv", include_str!("../stdlib/encoding_csv.go")),
    ("encoding/hex", include_str!("../stdlib/encoding_hex.go")),
    ("encoding/json", include_str!("../stdlib/encoding_json.go")),
    ("errors", include_str!("../stdlib/errors.go")),
    ("fmt", include_str!("../stdlib/fmt.go")),
    ("io", include_str!("../stdlib/io.go")),
    ("io/fs", include_str!("../stdlib/io_fs.go")),
    ("io/ioutil", include_str!("../stdlib/io_ioutil.go")),
    ("iter", include_str!("../stdlib/iter.go")),
    ("log", include_str!("../stdlib/log.go")),
    ("log/slog", include_str!("../stdlib/log_slog.go")),
    ("maps", include_str!("../stdlib/maps.go")),
    ("math/rand", include_str!("../stdlib/math_rand.go")),
    (
        "mime/multipart",
        include_str!("../stdlib/mime_multipart.go"),
    ),
    ("net", include_str!("../stdlib/net.go")),
    ("net/http", include_str!("../stdlib/net_http.go")),
    (
        "net/http/httptest",
        include_str!("../stdlib/net_http_httptest.go"),
    ),
    (
        "net/http/httputil",
        include_str!("../stdlib/net_http_httputil.go"),
    ),
    ("net/textproto", include_str!("../stdlib/net_textproto.go")),
    ("net/url", include_str!("../stdlib/net_url.go")),
    ("os", include_str!("../stdlib/os.go")),
    ("os/exec", include_str!("../stdlib/os_exec.go")),
    ("os/signal", include_str!("../stdlib/os_signal.go")),
    ("path/filepath", include_str!("../stdlib/path_filepath.go")),
    ("regexp", include_str!("../stdlib/regexp.go")),
    ("runtime", include_str!("../stdlib/runtime.go")),
    ("runtime/debug", include_str!("../stdlib/runtime_debug.go")),
    ("slices", include_str!("../stdlib/slices.go")),
    ("sort", include_str!("../stdlib/sort.go")),
    ("strconv", include_str!("../stdlib/strconv.go")),
    ("strings", include_str!("../stdlib/strings.go")),
    ("sync", include_str!("../stdlib/sync.go")),
    ("sync/atomic", include_str!("../stdlib/sync_atomic.go")),
    ("syscall", include_str!("../stdlib/syscall.go")),
    ("testing", include_str!("../stdlib/testing.go")),
    (
        "text/tabwriter",
        include_str!("../stdlib/text_tabwriter.go"),
    ),
    ("time", include_str!("../stdlib/time.go")),
    ("unicode/utf8", include_str!("../stdlib/unicode_utf8.go")),
];

/// The stub source of a standard-library package, if it is stubbed.
pub fn stub(import_path: &str) -> Option<&'static str> {
    STUBS
        .binary_search_by(|(path, _)| (*path).cmp(import_path))
        .ok()
        .map(|i| STUBS[i].1)
}
