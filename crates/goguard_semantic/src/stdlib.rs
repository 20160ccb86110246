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
//! does not evaluate constant expressions across packages. A constant whose
//! value depends on GOOS/GOARCH (`runtime.GOOS`, `os.PathSeparator`) holds
//! the linux/amd64 value and carries the line comment
//! `// value differs by platform`, so the checker compares only its type.

/// The Go release whose standard library the stubs describe.
pub const GO_VERSION: &str = "go1.26";

/// `(import path, stub source)` pairs, the sources read from `stdlib/`.
macro_rules! stubs {
    ($($path:literal => $file:literal,)*) => {
        &[$(($path, include_str!(concat!("../stdlib/", $file))),)*]
    };
}

/// (import path, stub source) for every stubbed package, sorted by import path.
pub const STUBS: &[(&str, &str)] = stubs! {
    "archive/tar" => "archive_tar.go",
    "archive/zip" => "archive_zip.go",
    "bufio" => "bufio.go",
    "bytes" => "bytes.go",
    "cmp" => "cmp.go",
    "compress/flate" => "compress_flate.go",
    "compress/gzip" => "compress_gzip.go",
    "container/heap" => "container_heap.go",
    "context" => "context.go",
    "crypto/hmac" => "crypto_hmac.go",
    "crypto/md5" => "crypto_md5.go",
    "crypto/rand" => "crypto_rand.go",
    "crypto/sha1" => "crypto_sha1.go",
    "crypto/sha256" => "crypto_sha256.go",
    "crypto/sha512" => "crypto_sha512.go",
    "crypto/subtle" => "crypto_subtle.go",
    "crypto/tls" => "crypto_tls.go",
    "crypto/x509" => "crypto_x509.go",
    "database/sql" => "database_sql.go",
    "database/sql/driver" => "database_sql_driver.go",
    "embed" => "embed.go",
    "encoding/base64" => "encoding_base64.go",
    "encoding/binary" => "encoding_binary.go",
    "encoding/csv" => "encoding_csv.go",
    "encoding/gob" => "encoding_gob.go",
    "encoding/hex" => "encoding_hex.go",
    "encoding/json" => "encoding_json.go",
    "encoding/pem" => "encoding_pem.go",
    "encoding/xml" => "encoding_xml.go",
    "errors" => "errors.go",
    "expvar" => "expvar.go",
    "flag" => "flag.go",
    "fmt" => "fmt.go",
    "hash" => "hash.go",
    "hash/crc32" => "hash_crc32.go",
    "hash/fnv" => "hash_fnv.go",
    "html/template" => "html_template.go",
    "io" => "io.go",
    "io/fs" => "io_fs.go",
    "io/ioutil" => "io_ioutil.go",
    "iter" => "iter.go",
    "log" => "log.go",
    "log/slog" => "log_slog.go",
    "maps" => "maps.go",
    "math" => "math.go",
    "math/rand" => "math_rand.go",
    "math/rand/v2" => "math_rand_v2.go",
    "mime/multipart" => "mime_multipart.go",
    "net" => "net.go",
    "net/http" => "net_http.go",
    "net/http/httptest" => "net_http_httptest.go",
    "net/http/httputil" => "net_http_httputil.go",
    "net/http/pprof" => "net_http_pprof.go",
    "net/netip" => "net_netip.go",
    "net/textproto" => "net_textproto.go",
    "net/url" => "net_url.go",
    "os" => "os.go",
    "os/exec" => "os_exec.go",
    "os/signal" => "os_signal.go",
    "os/user" => "os_user.go",
    "path" => "path.go",
    "path/filepath" => "path_filepath.go",
    "regexp" => "regexp.go",
    "runtime" => "runtime.go",
    "runtime/debug" => "runtime_debug.go",
    "runtime/pprof" => "runtime_pprof.go",
    "slices" => "slices.go",
    "sort" => "sort.go",
    "strconv" => "strconv.go",
    "strings" => "strings.go",
    "sync" => "sync.go",
    "sync/atomic" => "sync_atomic.go",
    "syscall" => "syscall.go",
    "testing" => "testing.go",
    "testing/synctest" => "testing_synctest.go",
    "text/tabwriter" => "text_tabwriter.go",
    "text/template" => "text_template.go",
    "time" => "time.go",
    "unicode" => "unicode.go",
    "unicode/utf8" => "unicode_utf8.go",
};

/// The stub source of a standard-library package, if it is stubbed.
pub fn stub(import_path: &str) -> Option<&'static str> {
    STUBS
        .binary_search_by(|(path, _)| (*path).cmp(import_path))
        .ok()
        .map(|i| STUBS[i].1)
}
