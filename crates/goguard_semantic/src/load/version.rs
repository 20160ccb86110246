//! Go versions as they appear in go.mod, go.work and `go1.N` build tags.
//!
//! Ordering follows the go command (`cmd/go/internal/gover`): a language
//! version such as `1.21` sorts before its pre-releases (`1.21rc1`), which
//! sort before its releases (`1.21.0`, `1.21.3`).

use std::cmp::Ordering;
use std::fmt;

/// The newest Go version goguard knows about. Used as the default toolchain
/// version (which `go1.N` build tags are satisfied) and as the language
/// version of code outside any module.
pub const NEWEST_KNOWN: GoVersion = GoVersion::new(1, 27);

/// The version the go command assumes for a go.mod without a `go` line.
pub const DEFAULT_GO_MOD_VERSION: GoVersion = GoVersion::new(1, 16);

/// The lowest version a file's `//go:build` line can set: since Go 1.21,
/// file versions are `max(file version, go1.21)` (go/types `initFiles`).
pub const FILE_VERSION_FLOOR: GoVersion = GoVersion::new(1, 21);

/// A pre-release marker: `1.21rc1`, `1.21beta2`, `1.21alpha1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PreRelease {
    Alpha(u32),
    Beta(u32),
    Rc(u32),
}

/// A Go version: `1.21`, `1.21.3`, `1.21rc1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct GoVersion {
    pub major: u32,
    pub minor: u32,
    pub patch: Option<u32>,
    pub pre: Option<PreRelease>,
}

impl GoVersion {
    pub const fn new(major: u32, minor: u32) -> GoVersion {
        GoVersion {
            major,
            minor,
            patch: None,
            pre: None,
        }
    }

    /// Parses `1`, `1.21`, `1.21.3`, `1.21rc1`, optionally prefixed by `go`.
    /// Returns `None` for anything else (including leading zeros, as Go does).
    pub fn parse(s: &str) -> Option<GoVersion> {
        let s = s.strip_prefix("go").unwrap_or(s);
        let (major, rest) = split_num(s)?;
        if rest.is_empty() {
            return Some(GoVersion::new(major, 0));
        }
        let rest = rest.strip_prefix('.')?;
        let (minor, rest) = split_num(rest)?;
        let mut v = GoVersion::new(major, minor);
        if rest.is_empty() {
            return Some(v);
        }
        if let Some(p) = rest.strip_prefix('.') {
            let (patch, tail) = split_num(p)?;
            if !tail.is_empty() {
                return None;
            }
            v.patch = Some(patch);
            return Some(v);
        }
        let (kind, num): (fn(u32) -> PreRelease, &str) = if let Some(n) = rest.strip_prefix("rc") {
            (PreRelease::Rc, n)
        } else if let Some(n) = rest.strip_prefix("beta") {
            (PreRelease::Beta, n)
        } else if let Some(n) = rest.strip_prefix("alpha") {
            (PreRelease::Alpha, n)
        } else {
            return None;
        };
        let (n, tail) = split_num(num)?;
        if !tail.is_empty() {
            return None;
        }
        v.pre = Some(kind(n));
        Some(v)
    }

    /// The language version: the version without patch or pre-release.
    pub fn lang(self) -> GoVersion {
        GoVersion::new(self.major, self.minor)
    }

    fn key(self) -> (u32, u32, u8, u32, u32) {
        match (self.pre, self.patch) {
            (Some(PreRelease::Alpha(n)), _) => (self.major, self.minor, 1, 0, n),
            (Some(PreRelease::Beta(n)), _) => (self.major, self.minor, 1, 1, n),
            (Some(PreRelease::Rc(n)), _) => (self.major, self.minor, 1, 2, n),
            (None, Some(p)) => (self.major, self.minor, 2, p, 0),
            (None, None) => (self.major, self.minor, 0, 0, 0),
        }
    }
}

/// Splits a leading decimal number (no leading zeros except `0` itself).
fn split_num(s: &str) -> Option<(u32, &str)> {
    let end = s.bytes().take_while(u8::is_ascii_digit).count();
    if end == 0 || (end > 1 && s.starts_with('0')) {
        return None;
    }
    let n = s[..end].parse().ok()?;
    Some((n, &s[end..]))
}

impl Ord for GoVersion {
    fn cmp(&self, other: &Self) -> Ordering {
        self.key().cmp(&other.key())
    }
}

impl PartialOrd for GoVersion {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl fmt::Display for GoVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)?;
        match (self.pre, self.patch) {
            (Some(PreRelease::Alpha(n)), _) => write!(f, "alpha{n}"),
            (Some(PreRelease::Beta(n)), _) => write!(f, "beta{n}"),
            (Some(PreRelease::Rc(n)), _) => write!(f, "rc{n}"),
            (None, Some(p)) => write!(f, ".{p}"),
            (None, None) => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> GoVersion {
        GoVersion::parse(s).unwrap_or_else(|| panic!("parse {s}"))
    }

    #[test]
    fn parses_forms() {
        assert_eq!(v("1.21"), GoVersion::new(1, 21));
        assert_eq!(v("go1.22"), GoVersion::new(1, 22));
        assert_eq!(v("1.21.3").patch, Some(3));
        assert_eq!(v("1.21rc1").pre, Some(PreRelease::Rc(1)));
        assert_eq!(v("1.22beta2").pre, Some(PreRelease::Beta(2)));
        assert_eq!(v("go1"), GoVersion::new(1, 0));
        for bad in [
            "",
            "go",
            "1.",
            "1.x",
            "01.2",
            "1.02",
            "1.21.",
            "1.21rc",
            "1.21-rc1",
            "v1.21",
            "1.2.3.4",
            "1.21.3rc1",
            " 1.21",
        ] {
            assert_eq!(GoVersion::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn orders_like_gover() {
        let order = [
            "1.9",
            "1.20",
            "1.21",
            "1.21rc1",
            "1.21rc2",
            "1.21.0",
            "1.21.3",
            "1.22alpha1",
            "1.22beta1",
            "1.22rc1",
            "1.22.0",
        ];
        for w in order.windows(2) {
            assert!(v(w[0]) < v(w[1]), "{} < {}", w[0], w[1]);
        }
        assert!(v("1.22") < v("1.22alpha1"));
        assert_eq!(v("1.21").max(v("1.21.3")), v("1.21.3"));
    }

    #[test]
    fn displays_round_trip() {
        for s in ["1.21", "1.21.3", "1.21rc1", "1.22beta2", "1.0"] {
            assert_eq!(v(s).to_string(), s);
        }
        assert_eq!(v("1.21.3").lang(), v("1.21"));
    }
}
