//! File-name rules: which names go ignores outright, and the implicit
//! `_GOOS`, `_GOARCH` and `_GOOS_GOARCH` build constraints of file names.
//! Lists and rules follow go/build (`internal/syslist`, `goodOSArchFile`).

/// Operating systems go/build knows (`syslist.KnownOS`).
pub const KNOWN_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "js",
    "linux",
    "nacl",
    "netbsd",
    "openbsd",
    "plan9",
    "solaris",
    "wasip1",
    "windows",
    "zos",
];

/// Operating systems that satisfy the `unix` build tag (`syslist.UnixOS`).
/// `unix` is a tag only: `foo_unix.go` carries no implicit constraint.
pub const UNIX_OS: &[&str] = &[
    "aix",
    "android",
    "darwin",
    "dragonfly",
    "freebsd",
    "hurd",
    "illumos",
    "ios",
    "linux",
    "netbsd",
    "openbsd",
    "solaris",
];

/// Architectures go/build knows (`syslist.KnownArch`).
pub const KNOWN_ARCH: &[&str] = &[
    "386",
    "amd64",
    "amd64p32",
    "arm",
    "armbe",
    "arm64",
    "arm64be",
    "loong64",
    "mips",
    "mipsle",
    "mips64",
    "mips64le",
    "mips64p32",
    "mips64p32le",
    "ppc",
    "ppc64",
    "ppc64le",
    "riscv",
    "riscv64",
    "s390",
    "s390x",
    "sparc",
    "sparc64",
    "wasm",
];

pub fn is_known_os(s: &str) -> bool {
    KNOWN_OS.contains(&s)
}

pub fn is_known_arch(s: &str) -> bool {
    KNOWN_ARCH.contains(&s)
}

/// go ignores files and directories whose names start with `_` or `.`
/// (editor backups, hidden files) without reporting them.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('_') || name.starts_with('.')
}

/// Whether a `.go` file name's OS/arch suffix admits it, given `matches`
/// deciding a single tag (so `_linux` is accepted under GOOS=android, as the
/// tag matcher knows). The part before the first `_` never counts:
/// `linux.go` is unconstrained, `x_linux.go` is not.
pub fn good_os_arch_file(name: &str, matches: &dyn Fn(&str) -> bool) -> bool {
    let stem = name.split('.').next().unwrap_or(name);
    let Some(i) = stem.find('_') else {
        return true;
    };
    let mut parts: Vec<&str> = stem[i..].split('_').collect();
    if parts.last() == Some(&"test") {
        parts.pop();
    }
    let n = parts.len();
    if n >= 2 && is_known_os(parts[n - 2]) && is_known_arch(parts[n - 1]) {
        return matches(parts[n - 1]) && matches(parts[n - 2]);
    }
    if n >= 1 && (is_known_os(parts[n - 1]) || is_known_arch(parts[n - 1])) {
        return matches(parts[n - 1]);
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn linux_amd64(t: &str) -> bool {
        matches!(t, "linux" | "amd64" | "unix")
    }

    #[test]
    fn suffix_table() {
        let table = [
            ("foo.go", true),
            ("linux.go", true),
            ("windows_test.go", true),
            ("foo_linux.go", true),
            ("foo_windows.go", false),
            ("foo_amd64.go", true),
            ("foo_arm64.go", false),
            ("foo_linux_amd64.go", true),
            ("foo_linux_arm64.go", false),
            ("foo_windows_amd64.go", false),
            ("foo_windows_arm64.go", false),
            ("foo_linux_test.go", true),
            ("foo_windows_test.go", false),
            ("foo_windows_arm64_test.go", false),
            ("foo_linux_amd64_test.go", true),
            // `unix` is not a file-name constraint, and unknown words are not.
            ("foo_unix.go", true),
            ("foo_bar.go", true),
            // Only the last one or two elements count.
            ("foo_windows_bar.go", true),
            ("foo_amd64_linux.go", true),
            ("foo_arm64_linux.go", true),
            ("windows_linux.go", true),
            ("x_windows_linux.go", true),
            ("x_linux_windows.go", false),
            ("foo_test.go", true),
            ("_windows.go", false),
            ("foo_windows.pb.go", false),
        ];
        for (name, want) in table {
            assert_eq!(good_os_arch_file(name, &linux_amd64), want, "{name}");
        }
    }

    #[test]
    fn ignored_names() {
        assert!(is_ignored_name("_foo.go"));
        assert!(is_ignored_name(".#foo.go"));
        assert!(!is_ignored_name("foo_.go"));
    }
}
