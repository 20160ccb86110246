//! The universe: predeclared names, the package summaries a model can see
//! (workspace packages and the standard-library stubs, built once per
//! process), and package names of imports.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use goguard_syntax::Node;

use super::{summary, FileInput, PackageSummary, Universe};
use crate::load::version::NEWEST_KNOWN;

/// Predeclared functions.
pub(crate) const BUILTIN_FUNCS: &[&str] = &[
    "append", "cap", "clear", "close", "complex", "copy", "delete", "imag", "len", "make", "max",
    "min", "new", "panic", "print", "println", "real", "recover",
];

/// Predeclared constants and `nil`.
pub(crate) const BUILTIN_VALUES: &[&str] = &["true", "false", "iota", "nil"];

/// Predeclared types.
pub(crate) const BUILTIN_TYPES: &[&str] = &[
    "any",
    "bool",
    "byte",
    "comparable",
    "complex64",
    "complex128",
    "error",
    "float32",
    "float64",
    "int",
    "int8",
    "int16",
    "int32",
    "int64",
    "rune",
    "string",
    "uint",
    "uint8",
    "uint16",
    "uint32",
    "uint64",
    "uintptr",
];

/// Package `unsafe`, as go/types declares it.
const UNSAFE: &str = "package unsafe

type ArbitraryType int
type IntegerType int
type Pointer *ArbitraryType

func Sizeof(x ArbitraryType) uintptr
func Offsetof(x ArbitraryType) uintptr
func Alignof(x ArbitraryType) uintptr
func Add(ptr Pointer, len IntegerType) Pointer
func Slice(ptr *ArbitraryType, len IntegerType) []ArbitraryType
func SliceData(slice []ArbitraryType) *ArbitraryType
func String(ptr *byte, len IntegerType) string
func StringData(str string) *byte
";

/// The standard-library summaries, built on first use.
fn stdlib_summaries() -> &'static [Arc<PackageSummary>] {
    static STDLIB: OnceLock<Vec<Arc<PackageSummary>>> = OnceLock::new();
    STDLIB.get_or_init(|| {
        let empty = Universe::new();
        // `unsafe` is built into the compiler; declared here unless stubbed.
        let unsafe_pkg =
            (!crate::stdlib::STUBS.iter().any(|s| s.0 == "unsafe")).then_some(("unsafe", UNSAFE));
        crate::stdlib::STUBS
            .iter()
            .copied()
            .chain(unsafe_pkg)
            .map(|(path, source)| {
                let parsed = goguard_syntax::parse_file(source);
                let ast = parsed.ast();
                let name = match *ast.node(parsed.root()) {
                    Node::File { name, .. } => {
                        super::typeexpr::ident_text(ast, name, source).to_string()
                    }
                    _ => guess_package_name(path).to_string(),
                };
                let file = FileInput {
                    path: Path::new(path),
                    source,
                    parsed: &parsed,
                    go_version: NEWEST_KNOWN,
                    is_test: false,
                };
                Arc::new(summary::summarize(path, &name, &[file], &empty))
            })
            .collect()
    })
}

impl Universe {
    /// A universe holding the standard-library stubs (parsed and summarized
    /// once per process; later calls only clone pointers).
    pub fn with_stdlib() -> Universe {
        let mut u = Universe::new();
        for s in stdlib_summaries() {
            u.packages.insert(s.import_path.clone(), s.clone());
        }
        u
    }

    /// Adds a summary shared with other universes.
    pub fn insert_arc(&mut self, summary: Arc<PackageSummary>) {
        if summary.name.ends_with("_test") && self.packages.contains_key(&summary.import_path) {
            return;
        }
        self.packages.insert(summary.import_path.clone(), summary);
    }

    /// The package name an import of `path` binds by default: the real name
    /// when the universe knows the package, else [`guess_package_name`].
    pub fn package_name<'s>(&'s self, path: &'s str) -> &'s str {
        package_name_of(self, path).unwrap_or_else(|| guess_package_name(path))
    }

    /// Number of packages.
    pub fn len(&self) -> usize {
        self.packages.len()
    }

    pub fn is_empty(&self) -> bool {
        self.packages.is_empty()
    }
}

/// The default name for an import of `path` (None for "C", which binds nothing usable).
pub(crate) fn package_name_of<'s>(u: &'s Universe, path: &'s str) -> Option<&'s str> {
    match u.package(path) {
        Some(p) if !p.name.is_empty() => Some(p.name.strip_suffix("_test").unwrap_or(&p.name)),
        _ => Some(guess_package_name(path)),
    }
}

/// Guesses a package's name from its import path as goimports does: the last
/// element (the one before it when the last is a `vN` major version),
/// without a leading `go-`, cut at the first character that cannot be in an
/// identifier (`yaml.v3` -> `yaml`, `client-go` -> `client`).
pub fn guess_package_name(path: &str) -> &str {
    let mut elems = path.rsplit('/');
    let mut last = elems.next().unwrap_or(path);
    if is_major_version(last) {
        if let Some(prev) = elems.next() {
            last = prev;
        }
    }
    let last = last.strip_prefix("go-").unwrap_or(last);
    let cut = last
        .find(|c: char| !(c.is_alphanumeric() || c == '_'))
        .unwrap_or(last.len());
    &last[..cut]
}

fn is_major_version(elem: &str) -> bool {
    elem.len() > 1 && elem.starts_with('v') && elem[1..].bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::guess_package_name as g;

    #[test]
    fn guesses_package_names_like_goimports() {
        assert_eq!(g("net/http"), "http");
        assert_eq!(g("github.com/foo/bar/v2"), "bar");
        assert_eq!(g("gopkg.in/yaml.v3"), "yaml");
        assert_eq!(g("github.com/mattn/go-sqlite3"), "sqlite3");
        assert_eq!(g("github.com/foo/client-go"), "client");
        assert_eq!(g("example.com/x/kit.go"), "kit");
        assert_eq!(g("fmt"), "fmt");
    }
}
