//! Which import paths name the same API. A package copied into a `vendor`
//! directory, or into a Godeps workspace whose imports were rewritten
//! (`github.com/x/y/Godeps/_workspace/src/golang.org/x/net/context`), is the
//! package it copies; and a few packages outside the standard library are
//! the standard-library API under another name (`golang.org/x/net/context`
//! is `context` since Go 1.7). Imports are read through [`canonical`], so
//! every rule that knows `context.WithCancel` also knows the old spellings.

/// Packages that are (aliases of) a standard-library package.
const STANDARD_ALIASES: &[(&str, &str)] = &[("golang.org/x/net/context", "context")];

/// Markers after which a copied package's own import path starts.
const COPY_MARKERS: &[&str] = &["/vendor/", "/Godeps/_workspace/src/"];

/// The import path an import spec's literal holds (`"net/http"` or a raw
/// string), without its quotes.
pub fn unquote(lit: &str) -> &str {
    lit.trim_matches(|c| c == '"' || c == '`')
}

/// The import path a package is known by: the copied path of a vendored or
/// Godeps copy, then the standard-library package an alias stands for.
pub fn canonical(path: &str) -> &str {
    let p = copied_from(path);
    match STANDARD_ALIASES.iter().find(|(alias, _)| *alias == p) {
        Some((_, std)) => std,
        None => p,
    }
}

/// For a vendored or Godeps copy, the import path of the package it
/// copies; any other path unchanged.
pub fn copied_from(path: &str) -> &str {
    let mut p = path;
    for m in COPY_MARKERS {
        if let Some(i) = p.rfind(m) {
            p = &p[i + m.len()..];
        }
    }
    for prefix in ["vendor/", "Godeps/_workspace/src/"] {
        if let Some(rest) = p.strip_prefix(prefix) {
            p = rest;
        }
    }
    p
}

#[cfg(test)]
mod tests {
    use super::{canonical, copied_from};

    #[test]
    fn copies_and_aliases_name_the_original() {
        assert_eq!(canonical("net/http"), "net/http");
        assert_eq!(canonical("github.com/a/b"), "github.com/a/b");
        assert_eq!(canonical("golang.org/x/net/context"), "context");
        assert_eq!(
            canonical("github.com/docker/docker/vendor/golang.org/x/net/context"),
            "context"
        );
        assert_eq!(
            canonical("github.com/coreos/etcd/Godeps/_workspace/src/golang.org/x/net/context"),
            "context"
        );
        assert_eq!(
            canonical("k8s.io/kubernetes/vendor/github.com/jmoiron/sqlx"),
            "github.com/jmoiron/sqlx"
        );
        assert_eq!(
            canonical("vendor/golang.org/x/net/http2"),
            "golang.org/x/net/http2"
        );
        assert_eq!(
            copied_from("a.io/b/vendor/golang.org/x/net/context"),
            "golang.org/x/net/context"
        );
        // Only whole path elements count.
        assert_eq!(
            canonical("github.com/a/myvendor/b"),
            "github.com/a/myvendor/b"
        );
        assert_eq!(
            canonical("golang.org/x/net/context/ctxhttp"),
            "golang.org/x/net/context/ctxhttp"
        );
    }
}
