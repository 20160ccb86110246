//! goguard.toml: what to check and how. The reference is
//! docs/configuration.md.
//!
//! The file is found by walking up from the first checked path (or given
//! with `--config`). Everything is validated up front: an unknown key, an
//! unknown rule, a rule option the rule does not declare or a value of the
//! wrong type is an error naming the file and line, so a typo never
//! silently disables a check.

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use goguard_semantic::load::{filename, GoVersion};
use serde::Deserialize;
use toml::Spanned;

use super::registry::{find, suggest, Entry};
use super::rule::{OptionDefault, OptionValue};
use super::selection::{Layer, Selector};

/// The name of the configuration file.
pub const CONFIG_FILE: &str = "goguard.toml";

/// A configuration error, located when it comes from a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: Option<PathBuf>,
    pub line: Option<usize>,
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.path, self.line) {
            (Some(p), Some(l)) => write!(f, "{}:{l}: {}", p.display(), self.message),
            (Some(p), None) => write!(f, "{}: {}", p.display(), self.message),
            _ => write!(f, "{}", self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// `[build]`: the build context files are selected for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct BuildSettings {
    pub goos: Option<String>,
    pub goarch: Option<String>,
    pub tags: Vec<String>,
    pub cgo: Option<bool>,
    /// `go = "1.NN"`: the language version of code without a go.mod.
    pub go: Option<GoVersion>,
}

/// `[files]`: which files are checked.
#[derive(Debug, Clone)]
pub struct FileSettings {
    pub include_generated: bool,
    pub include_vendor: bool,
    pub include_testdata: bool,
    /// Patterns as written, relative to the settings' root.
    pub exclude: Vec<String>,
    exclude_set: Option<GlobSet>,
    /// Files that are test code though not `_test.go` files (test helpers,
    /// end-to-end suites, examples): patterns as written.
    pub test_helpers: Vec<String>,
    test_helper_set: Option<GlobSet>,
}

/// Where test helpers live outside `_test.go` files, by default: packages
/// named or under these directories, and files named so.
pub const DEFAULT_TEST_HELPERS: &[&str] = &[
    "test",
    "tests",
    "testutil",
    "*testutil",
    "testutils",
    "testhelper",
    "testhelpers",
    "testsuite",
    "e2e",
    "framework",
    "examples",
    "example",
    "integration",
    "mock",
    "mocks",
    "fake",
    "fakes",
    "testing.go",
    "testutil.go",
    "testhelper.go",
    "testhelpers.go",
    "*_mock.go",
    "mock_*.go",
    "*_fake.go",
    "fake_*.go",
];

impl Default for FileSettings {
    fn default() -> FileSettings {
        let defaults: Vec<(String, std::ops::Range<usize>)> = DEFAULT_TEST_HELPERS
            .iter()
            .map(|p| (p.to_string(), 0..0))
            .collect();
        FileSettings {
            include_generated: false,
            include_vendor: false,
            include_testdata: false,
            exclude: Vec::new(),
            exclude_set: None,
            test_helpers: defaults.iter().map(|(p, _)| p.clone()).collect(),
            test_helper_set: glob_set(&defaults).ok(),
        }
    }
}

/// One `[[overrides]]` table.
#[derive(Debug, Clone)]
pub struct Override {
    pub paths: Vec<String>,
    set: GlobSet,
    pub layer: Layer,
}

/// Resolved settings.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Paths in the settings are relative to this directory: the config
    /// file's directory, else the working directory.
    pub root: PathBuf,
    pub config_file: Option<PathBuf>,
    pub base: Layer,
    pub preview: bool,
    pub overrides: Vec<Override>,
    /// Option values per rule code, aligned with the rule's declared options.
    options: HashMap<&'static str, Vec<OptionValue>>,
    pub build: BuildSettings,
    pub files: FileSettings,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    preview: Option<bool>,
    #[serde(default)]
    overrides: Vec<RawOverride>,
    #[serde(default)]
    rules: Option<Spanned<toml::Table>>,
    #[serde(default)]
    build: RawBuild,
    #[serde(default)]
    files: RawFiles,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawOverride {
    paths: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    select: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawBuild {
    goos: Option<Spanned<String>>,
    goarch: Option<Spanned<String>>,
    #[serde(default)]
    tags: Vec<String>,
    cgo: Option<bool>,
    go: Option<Spanned<String>>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawFiles {
    #[serde(default)]
    include_generated: bool,
    #[serde(default)]
    include_vendor: bool,
    #[serde(default)]
    include_testdata: bool,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    #[serde(default)]
    test_helpers: Option<Vec<Spanned<String>>>,
}

impl Settings {
    /// Settings without a file: every stable rule, default options.
    pub fn new(root: impl Into<PathBuf>) -> Settings {
        Settings {
            root: root.into(),
            config_file: None,
            base: Layer::default(),
            preview: false,
            overrides: Vec::new(),
            options: HashMap::new(),
            build: BuildSettings::default(),
            files: FileSettings::default(),
        }
    }

    /// The nearest goguard.toml at or above `start`.
    pub fn find_config(start: &Path) -> Option<PathBuf> {
        let start = std::path::absolute(start).unwrap_or_else(|_| start.to_path_buf());
        let dir = if start.is_file() {
            start.parent()?.to_path_buf()
        } else {
            start
        };
        dir.ancestors()
            .map(|d| d.join(CONFIG_FILE))
            .find(|f| f.is_file())
    }

    /// Reads and validates a goguard.toml.
    pub fn load(path: &Path, catalogue: &[Entry]) -> Result<Settings, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|e| ConfigError {
            path: Some(path.to_path_buf()),
            line: None,
            message: format!("cannot read: {e}"),
        })?;
        let root = path
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        Settings::parse(&text, path, root, catalogue)
    }

    /// Parses and validates goguard.toml text; `path` is named in errors.
    /// Selectors are checked against `catalogue`: every rule the file may
    /// name, static and runtime (see `registry::catalogue`).
    pub fn parse(
        text: &str,
        path: &Path,
        root: PathBuf,
        catalogue: &[Entry],
    ) -> Result<Settings, ConfigError> {
        let entries = catalogue;
        let err = |span: Option<std::ops::Range<usize>>, message: String| ConfigError {
            path: Some(path.to_path_buf()),
            line: span.map(|s| line_of(text, s.start)),
            message,
        };
        let raw: RawConfig =
            toml::from_str(text).map_err(|e| err(e.span(), e.message().trim().to_string()))?;
        let selectors = |list: &[Spanned<String>]| -> Result<Vec<Selector>, ConfigError> {
            list.iter()
                .map(|s| Selector::parse(s.get_ref(), entries).map_err(|m| err(Some(s.span()), m)))
                .collect()
        };
        let mut settings = Settings::new(root);
        settings.config_file = Some(path.to_path_buf());
        settings.base = Layer {
            select: selectors(&raw.select)?,
            ignore: selectors(&raw.ignore)?,
        };
        settings.preview = raw.preview.unwrap_or(false);
        for o in &raw.overrides {
            if o.paths.get_ref().is_empty() {
                return Err(err(
                    Some(o.paths.span()),
                    "`paths` of an override is empty".into(),
                ));
            }
            let mut patterns = Vec::new();
            for p in o.paths.get_ref() {
                patterns.push((p.get_ref().clone(), p.span()));
            }
            let set = glob_set(&patterns).map_err(|(span, m)| err(Some(span), m))?;
            settings.overrides.push(Override {
                paths: patterns.into_iter().map(|(p, _)| p).collect(),
                set,
                layer: Layer {
                    select: selectors(&o.select)?,
                    ignore: selectors(&o.ignore)?,
                },
            });
        }
        if let Some(rules_table) = &raw.rules {
            for (name, value) in rules_table.get_ref() {
                let span = key_span(text, rules_table.span(), name);
                let entry = find(entries, name).ok_or_else(|| {
                    err(
                        span.clone(),
                        match suggest(entries, name) {
                            Some(s) => {
                                format!("[rules.{name}]: unknown rule (did you mean `{s}`?)")
                            }
                            None => format!("[rules.{name}]: unknown rule"),
                        },
                    )
                })?;
                let values = rule_options(entry, value, &|m| err(span.clone(), m))?;
                settings.options.insert(entry.code(), values);
            }
        }
        let checked =
            |v: &Option<Spanned<String>>, what: &str, check: fn(&str) -> Option<String>| {
                v.as_ref()
                    .map(|v| match check(v.get_ref()) {
                        None => Ok(v.get_ref().clone()),
                        Some(m) => Err(err(Some(v.span()), format!("[build] {what}: {m}"))),
                    })
                    .transpose()
            };
        settings.build = BuildSettings {
            goos: checked(&raw.build.goos, "goos", unknown_goos)?,
            goarch: checked(&raw.build.goarch, "goarch", unknown_goarch)?,
            tags: raw.build.tags,
            cgo: raw.build.cgo,
            go: match &raw.build.go {
                None => None,
                Some(v) => Some(
                    parse_go_version(v.get_ref())
                        .map_err(|m| err(Some(v.span()), format!("[build] go: {m}")))?,
                ),
            },
        };
        let exclude: Vec<(String, std::ops::Range<usize>)> = raw
            .files
            .exclude
            .iter()
            .map(|s| (s.get_ref().clone(), s.span()))
            .collect();
        let defaults = FileSettings::default();
        let (test_helpers, test_helper_set) = match &raw.files.test_helpers {
            None => (defaults.test_helpers, defaults.test_helper_set),
            Some(list) => {
                let patterns: Vec<(String, std::ops::Range<usize>)> = list
                    .iter()
                    .map(|s| (s.get_ref().clone(), s.span()))
                    .collect();
                let set = if patterns.is_empty() {
                    None
                } else {
                    Some(glob_set(&patterns).map_err(|(span, m)| err(Some(span), m))?)
                };
                (patterns.into_iter().map(|(p, _)| p).collect(), set)
            }
        };
        settings.files = FileSettings {
            include_generated: raw.files.include_generated,
            include_vendor: raw.files.include_vendor,
            include_testdata: raw.files.include_testdata,
            exclude_set: if exclude.is_empty() {
                None
            } else {
                Some(glob_set(&exclude).map_err(|(span, m)| err(Some(span), m))?)
            },
            exclude: exclude.into_iter().map(|(p, _)| p).collect(),
            test_helpers,
            test_helper_set,
        };
        Ok(settings)
    }

    /// Adds command-line selectors to the file's lists.
    pub fn extend(
        &mut self,
        select: &[String],
        ignore: &[String],
        catalogue: &[Entry],
    ) -> Result<(), ConfigError> {
        let parse = |s: &String| {
            Selector::parse(s, catalogue).map_err(|message| ConfigError {
                path: None,
                line: None,
                message,
            })
        };
        for s in select {
            self.base.select.push(parse(s)?);
        }
        for s in ignore {
            self.base.ignore.push(parse(s)?);
        }
        Ok(())
    }

    /// The option values of a rule, aligned with its declared options;
    /// empty when the settings leave all of them at their defaults.
    pub fn rule_options(&self, code: &str) -> &[OptionValue] {
        self.options.get(code).map_or(&[], Vec::as_slice)
    }

    fn relative<'p>(&self, path: &'p Path) -> &'p Path {
        path.strip_prefix(&self.root).unwrap_or(path)
    }

    /// The override layers that apply to a file, in order.
    pub fn overrides_for(&self, path: &Path) -> Vec<&Layer> {
        let rel = self.relative(path);
        self.overrides
            .iter()
            .filter(|o| o.set.is_match(rel))
            .map(|o| &o.layer)
            .collect()
    }

    /// Whether `[files] exclude` leaves a file out.
    pub fn is_excluded(&self, path: &Path) -> bool {
        self.files
            .exclude_set
            .as_ref()
            .is_some_and(|s| s.is_match(self.relative(path)))
    }

    /// Whether a file that is not a `_test.go` file is test code all the
    /// same (`[files] test-helpers`): rules that skip tests skip it.
    pub fn is_test_helper(&self, path: &Path) -> bool {
        self.files
            .test_helper_set
            .as_ref()
            .is_some_and(|s| s.is_match(self.relative(path)))
    }

    /// Whether an entry may run on some file (in the base layer or an
    /// override).
    pub fn may_enable(&self, e: Entry) -> bool {
        self.enabled(e, &[])
            || self
                .overrides
                .iter()
                .any(|o| o.layer.decide(e, self.preview) == Some(true))
    }

    /// Whether an entry runs on a file the given override layers apply to.
    pub fn enabled(&self, e: Entry, overrides: &[&Layer]) -> bool {
        super::selection::enabled(e, &self.base, overrides, self.preview)
    }
}

/// 1-based line of a byte offset.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// Where the `[rules.<name>]` header (or the key `name` inside `[rules]`)
/// is: the toml crate does not give spans of table keys.
fn key_span(
    text: &str,
    table: std::ops::Range<usize>,
    name: &str,
) -> Option<std::ops::Range<usize>> {
    let header = format!("[rules.{name}]");
    if let Some(i) = text.find(&header) {
        return Some(i..i + header.len());
    }
    let quoted = format!("[rules.\"{name}\"]");
    if let Some(i) = text.find(&quoted) {
        return Some(i..i + quoted.len());
    }
    let region = text.get(table.clone())?;
    region
        .find(name)
        .map(|i| table.start + i..table.start + i + name.len())
        .or(Some(table))
}

/// Converts `[rules.<name>]` values to the rule's declared option types.
fn rule_options(
    entry: Entry,
    value: &toml::Value,
    err: &dyn Fn(String) -> ConfigError,
) -> Result<Vec<OptionValue>, ConfigError> {
    let name = entry.name();
    let Entry::Rule(rule) = entry else {
        return Err(err(format!("[rules.{name}]: this check has no options")));
    };
    let meta = rule.meta();
    let toml::Value::Table(table) = value else {
        return Err(err(format!("[rules.{name}] must be a table of options")));
    };
    let mut values: Vec<OptionValue> = meta.options.iter().map(|o| o.default.to_value()).collect();
    for (key, v) in table {
        let Some(i) = meta.options.iter().position(|o| o.name == key) else {
            let known: Vec<&str> = meta.options.iter().map(|o| o.name).collect();
            return Err(err(if known.is_empty() {
                format!("[rules.{name}]: unknown option `{key}`: this rule has no options")
            } else {
                format!(
                    "[rules.{name}]: unknown option `{key}` (options: {})",
                    known.join(", ")
                )
            }));
        };
        let converted = match (meta.options[i].default, v) {
            (OptionDefault::Bool(_), toml::Value::Boolean(b)) => Some(OptionValue::Bool(*b)),
            (OptionDefault::Usize(_), toml::Value::Integer(n)) if *n >= 0 => {
                Some(OptionValue::Usize(*n as usize))
            }
            (OptionDefault::Str(_), toml::Value::String(s)) => Some(OptionValue::Str(s.clone())),
            (OptionDefault::StrList(_), toml::Value::Array(items)) => items
                .iter()
                .map(|i| i.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
                .map(OptionValue::StrList),
            _ => None,
        };
        match converted {
            Some(c) => values[i] = c,
            None => {
                return Err(err(format!(
                    "[rules.{name}]: option `{key}` must be {}",
                    meta.options[i].default.to_value().type_name()
                )))
            }
        }
    }
    Ok(values)
}

/// Compiles path patterns the way .gitignore reads them: relative to the
/// settings' root, `*` stops at `/`, `**` crosses directories, a pattern
/// without `/` matches at any depth, and a directory matches what is in it.
fn glob_set(
    patterns: &[(String, std::ops::Range<usize>)],
) -> Result<GlobSet, (std::ops::Range<usize>, String)> {
    let mut b = GlobSetBuilder::new();
    for (p, span) in patterns {
        let trimmed = p.trim_start_matches("./").trim_end_matches('/');
        let base = if trimmed.contains('/') {
            trimmed.trim_start_matches('/').to_string()
        } else {
            format!("**/{trimmed}")
        };
        for pat in [base.clone(), format!("{base}/**")] {
            let g = GlobBuilder::new(&pat)
                .literal_separator(true)
                .build()
                .map_err(|e| (span.clone(), format!("bad path pattern `{p}`: {e}")))?;
            b.add(g);
        }
    }
    b.build().map_err(|e| {
        let span = patterns.first().map_or(0..0, |p| p.1.clone());
        (span, format!("bad path patterns: {e}"))
    })
}

/// Why `goos` is not a GOOS the go command knows, if it is not.
pub fn unknown_goos(goos: &str) -> Option<String> {
    (!filename::is_known_os(goos)).then(|| {
        format!(
            "unknown GOOS `{goos}` (one of: {})",
            filename::KNOWN_OS.join(", ")
        )
    })
}

/// Why `goarch` is not a GOARCH the go command knows, if it is not.
pub fn unknown_goarch(goarch: &str) -> Option<String> {
    (!filename::is_known_arch(goarch)).then(|| {
        format!(
            "unknown GOARCH `{goarch}` (one of: {})",
            filename::KNOWN_ARCH.join(", ")
        )
    })
}

/// A language version as written after `go` in go.mod: `1.NN` (or `1.NN.P`).
pub fn parse_go_version(text: &str) -> Result<GoVersion, String> {
    match GoVersion::parse(text) {
        Some(v) if v.major == 1 && v.pre.is_none() => Ok(v.lang()),
        _ => Err(format!(
            "`{text}` is not a Go version; write it as in go.mod, e.g. 1.21"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Context, RuleOption};

    crate::declare_rule! {
        /// ## What it does
        /// Tests.
        pub struct Opt {
            name: "opt-rule",
            code: "CX001",
            domain: Context,
            category: Suspicious,
            status: Stable,
            options: &[
                RuleOption::usize("max-depth", 3, "Depth."),
                RuleOption::bool("strict", false, "Strict."),
                RuleOption::str_list("names", &["a"], "Names."),
            ],
        }
    }
    impl Opt {
        fn run(&self, _cx: &mut Context<'_>) {}
    }

    fn parse(text: &str) -> Result<Settings, String> {
        Settings::parse(
            text,
            Path::new("goguard.toml"),
            PathBuf::from("/r"),
            &super::super::registry::entries(&[&Opt]),
        )
        .map_err(|e| e.to_string())
    }

    #[test]
    fn a_full_file_parses() {
        let s = parse(
            r#"
select = ["CX", "E"]
ignore = ["E004"]
preview = true

[[overrides]]
paths = ["internal/legacy/", "*_gen.go"]
ignore = ["opt-rule"]

[rules.opt-rule]
max-depth = 5
names = ["x", "y"]

[build]
goos = "darwin"
tags = ["integration"]
cgo = false

[files]
include-generated = true
exclude = ["third_party/**"]
"#,
        )
        .unwrap();
        assert_eq!(s.base.select.len(), 2);
        assert!(s.preview);
        assert_eq!(
            s.rule_options("CX001"),
            [
                OptionValue::Usize(5),
                OptionValue::Bool(false),
                OptionValue::StrList(vec!["x".into(), "y".into()])
            ]
        );
        assert_eq!(s.build.goos.as_deref(), Some("darwin"));
        assert_eq!(s.build.cgo, Some(false));
        assert!(s.files.include_generated);
        assert!(s.is_excluded(Path::new("/r/third_party/x/y.go")));
        // Default test helpers.
        assert!(s.is_test_helper(Path::new("/r/test/e2e/framework/util.go")));
        assert!(s.is_test_helper(Path::new("/r/pkg/testutil/x.go")));
        assert!(s.is_test_helper(Path::new("/r/pkg/apitestutil/x.go")));
        assert!(s.is_test_helper(Path::new("/r/pkg/client/client_mock.go")));
        assert!(!s.is_test_helper(Path::new("/r/pkg/latest/x.go")));
        assert!(!s.is_test_helper(Path::new("/r/internal/server.go")));
        assert!(!s.is_excluded(Path::new("/r/internal/x.go")));
        assert_eq!(
            s.overrides_for(Path::new("/r/internal/legacy/a/b.go"))
                .len(),
            1
        );
        assert_eq!(s.overrides_for(Path::new("/r/pkg/x_gen.go")).len(), 1);
        assert!(s.overrides_for(Path::new("/r/pkg/x.go")).is_empty());
    }

    #[test]
    fn test_helpers_can_be_replaced_or_turned_off() {
        let s = parse("[files]\ntest-helpers = [\"qa/\"]\n").unwrap();
        assert!(s.is_test_helper(Path::new("/r/qa/x.go")));
        assert!(!s.is_test_helper(Path::new("/r/test/x.go")));
        let s = parse("[files]\ntest-helpers = []\n").unwrap();
        assert!(!s.is_test_helper(Path::new("/r/test/x.go")));
        assert!(Settings::new("/r").is_test_helper(Path::new("/r/e2e/x.go")));
    }

    #[test]
    fn errors_name_the_file_and_line() {
        assert_eq!(
            parse("select = [\"CX\"]\nbogus = 1\n").unwrap_err(),
            "goguard.toml:2: unknown field `bogus`, expected one of `select`, `ignore`, `preview`, `overrides`, `rules`, `build`, `files`"
        );
        assert_eq!(
            parse("\nselect = [\"CX\", \"opt-rul\"]\n").unwrap_err(),
            "goguard.toml:2: unknown rule `opt-rul` (did you mean `opt-rule`?)"
        );
        assert_eq!(
            parse("[rules.opt-rule]\nmax-depth = \"deep\"\n").unwrap_err(),
            "goguard.toml:1: [rules.opt-rule]: option `max-depth` must be a non-negative integer"
        );
        assert_eq!(
            parse("\n[rules.opt-rule]\ndepth = 2\n").unwrap_err(),
            "goguard.toml:2: [rules.opt-rule]: unknown option `depth` (options: max-depth, strict, names)"
        );
        assert_eq!(
            parse("[rules.nope]\nx = 1\n").unwrap_err(),
            "goguard.toml:1: [rules.nope]: unknown rule"
        );
        assert_eq!(
            parse("[files]\ninclude-vendor = \"yes\"\n").unwrap_err(),
            "goguard.toml:2: invalid type: string \"yes\", expected a boolean"
        );
        assert!(parse("[[overrides]]\npaths = []\n")
            .unwrap_err()
            .starts_with("goguard.toml:2: `paths` of an override is empty"));
        assert!(parse("[[overrides]]\nselect = [\"CX\"]\n")
            .unwrap_err()
            .contains("missing field `paths`"));
    }

    #[test]
    fn command_line_selectors_extend_and_are_checked() {
        let mut s = Settings::new("/r");
        s.extend(
            &["CX001".into()],
            &["E".into()],
            &super::super::registry::entries(&[&Opt]),
        )
        .unwrap();
        assert_eq!(s.base.select, [Selector::Exact("CX001")]);
        let e = s
            .extend(
                &["nope".into()],
                &[],
                &super::super::registry::entries(&[&Opt]),
            )
            .unwrap_err();
        assert!(e.to_string().starts_with("unknown rule `nope`"));
    }
}
