//! go.mod parsing: a small hand-written parser for the modfile grammar
//! (golang.org/x/mod/modfile): directives on single lines or in `verb ( … )`
//! blocks, `//` comments, quoted and raw-string tokens. The lexer and
//! statement splitter are shared with go.work.

use super::version::GoVersion;

/// A problem in a go.mod or go.work file, at a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModFileError {
    pub line: u32,
    pub message: String,
}

/// One directive, with a block's verb repeated on each of its lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Stmt {
    pub verb: String,
    pub args: Vec<String>,
    pub line: u32,
    /// The trailing `//` comment's text (without `//`), e.g. ` indirect`.
    pub comment: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    Word(String),
    LParen,
    RParen,
}

/// Splits a line into tokens and an end-of-line comment.
fn lex_line(line: &str, line_no: u32) -> Result<(Vec<Tok>, Option<String>), ModFileError> {
    let err = |message: String| ModFileError {
        line: line_no,
        message,
    };
    let mut toks = Vec::new();
    let mut rest = line;
    loop {
        rest = rest.trim_start();
        if rest.is_empty() {
            return Ok((toks, None));
        }
        if let Some(c) = rest.strip_prefix("//") {
            return Ok((toks, Some(c.to_string())));
        }
        if rest.starts_with("/*") {
            return Err(err(
                "mod files must use // comments (not /* */ comments)".into()
            ));
        }
        let c = rest.chars().next().unwrap_or(' ');
        match c {
            '(' | ')' => {
                toks.push(if c == '(' { Tok::LParen } else { Tok::RParen });
                rest = &rest[1..];
            }
            '[' | ']' | '{' | '}' | ',' => {
                // Only meaningful in retract intervals; kept as words.
                toks.push(Tok::Word(c.to_string()));
                rest = &rest[1..];
            }
            '"' | '`' => {
                let (s, n) = lex_string(rest).map_err(err)?;
                toks.push(Tok::Word(s));
                rest = &rest[n..];
            }
            _ => {
                let mut end = rest.len();
                for (i, ch) in rest.char_indices() {
                    if rest[i..].starts_with("//") {
                        end = i;
                        break;
                    }
                    if matches!(ch, '(' | ')' | '[' | ']' | '{' | '}' | ',' | '"' | '`')
                        || ch.is_whitespace()
                        || ch.is_control()
                    {
                        end = i;
                        break;
                    }
                }
                if end == 0 {
                    return Err(err(format!("unexpected input character {c:?}")));
                }
                toks.push(Tok::Word(rest[..end].to_string()));
                rest = &rest[end..];
            }
        }
    }
}

/// Lexes a quoted or raw string at the start of `s`; returns the unquoted
/// text and the number of bytes consumed.
fn lex_string(s: &str) -> Result<(String, usize), String> {
    let quote = s.as_bytes()[0] as char;
    let mut out = String::new();
    let mut chars = s.char_indices().skip(1);
    while let Some((i, c)) = chars.next() {
        if c == quote {
            return Ok((out, i + 1));
        }
        if c == '\\' && quote == '"' {
            let Some((_, e)) = chars.next() else { break };
            out.push(match e {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                '\\' | '"' | '\'' => e,
                _ => return Err(format!("invalid escape \\{e} in quoted string")),
            });
            continue;
        }
        out.push(c);
    }
    Err("unexpected EOF in string".into())
}

/// Splits a modfile into directives, expanding blocks.
pub(crate) fn statements(src: &str) -> (Vec<Stmt>, Vec<ModFileError>) {
    let mut stmts = Vec::new();
    let mut errors = Vec::new();
    let mut block: Option<(String, u32)> = None;
    for (i, line) in src.lines().enumerate() {
        let line_no = i as u32 + 1;
        let (toks, comment) = match lex_line(line, line_no) {
            Ok(x) => x,
            Err(e) => {
                errors.push(e);
                continue;
            }
        };
        if toks.is_empty() {
            continue;
        }
        if let Some((verb, _)) = &block {
            if toks == [Tok::RParen] {
                block = None;
                continue;
            }
            match words(&toks) {
                Some(args) => stmts.push(Stmt {
                    verb: verb.clone(),
                    args,
                    line: line_no,
                    comment,
                }),
                None => errors.push(ModFileError {
                    line: line_no,
                    message: "unexpected parenthesis in block".into(),
                }),
            }
            continue;
        }
        let Some(Tok::Word(verb)) = toks.first() else {
            errors.push(ModFileError {
                line: line_no,
                message: "unexpected parenthesis".into(),
            });
            continue;
        };
        if toks.len() == 2 && toks[1] == Tok::LParen {
            block = Some((verb.clone(), line_no));
            continue;
        }
        match words(&toks[1..]) {
            Some(args) => stmts.push(Stmt {
                verb: verb.clone(),
                args,
                line: line_no,
                comment,
            }),
            None => errors.push(ModFileError {
                line: line_no,
                message: "unexpected parenthesis".into(),
            }),
        }
    }
    if let Some((verb, line)) = block {
        errors.push(ModFileError {
            line,
            message: format!("unterminated {verb} block"),
        });
    }
    (stmts, errors)
}

fn words(toks: &[Tok]) -> Option<Vec<String>> {
    toks.iter()
        .map(|t| match t {
            Tok::Word(w) => Some(w.clone()),
            _ => None,
        })
        .collect()
}

/// A `require` directive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Require {
    pub path: String,
    pub version: String,
    /// Marked `// indirect`.
    pub indirect: bool,
}

/// A `replace` directive: `old [v] => new [v]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Replace {
    pub old_path: String,
    pub old_version: Option<String>,
    pub new_path: String,
    pub new_version: Option<String>,
}

/// What a go.mod says (the parts goguard uses).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoMod {
    /// The module path and its line.
    pub module: Option<(String, u32)>,
    pub go: Option<GoVersion>,
    pub toolchain: Option<String>,
    pub requires: Vec<Require>,
    pub replaces: Vec<Replace>,
    pub excludes: Vec<(String, String)>,
    pub godebug: Vec<(String, String)>,
    pub tools: Vec<String>,
    pub ignores: Vec<String>,
    /// Number of `retract` entries (not interpreted further).
    pub retracts: usize,
}

/// Checks a `go` directive's argument: `1.21`, `1.21.3`, `1.21rc1` (the
/// modfile `GoVersionRE`; a `go` prefix is not allowed).
pub(crate) fn parse_go_directive(stmt: &Stmt) -> Result<GoVersion, String> {
    if stmt.args.len() != 1 {
        return Err(format!(
            "{} directive expects exactly one argument",
            stmt.verb
        ));
    }
    let a = &stmt.args[0];
    if a.starts_with("go") {
        return Err(format!(
            "invalid go version '{a}': must match format 1.23.0"
        ));
    }
    GoVersion::parse(a).ok_or_else(|| format!("invalid go version '{a}': must match format 1.23.0"))
}

/// Checks a `toolchain` argument: `go1.21.3`, `go1.22rc1`, `default`, or a
/// custom `go1.21.3+suffix`/`go1.21.3-suffix`.
pub(crate) fn parse_toolchain(stmt: &Stmt) -> Result<String, String> {
    if stmt.args.len() != 1 {
        return Err("toolchain directive expects exactly one argument".into());
    }
    let a = &stmt.args[0];
    let base = a
        .strip_prefix("go")
        .map(|v| v.split(['+', '-']).next().unwrap_or(v));
    if a == "default" || base.is_some_and(|b| GoVersion::parse(b).is_some()) {
        Ok(a.clone())
    } else {
        Err(format!(
            "invalid toolchain version '{a}': must match format go1.23.0 or default"
        ))
    }
}

pub(crate) fn parse_replace(stmt: &Stmt) -> Result<Replace, String> {
    let a = &stmt.args;
    let arrow = if a.len() >= 2 && a[1] == "=>" { 1 } else { 2 };
    if a.len() < arrow + 2 || a.len() > arrow + 3 || a.get(arrow).map(String::as_str) != Some("=>")
    {
        return Err(format!(
            "usage: {} module/path [v1.2.3] => other/module v1.4 or => ../local/directory",
            stmt.verb
        ));
    }
    Ok(Replace {
        old_path: a[0].clone(),
        old_version: (arrow == 2).then(|| a[1].clone()),
        new_path: a[arrow + 1].clone(),
        new_version: a.get(arrow + 2).cloned(),
    })
}

pub(crate) fn parse_godebug(stmt: &Stmt) -> Result<(String, String), String> {
    match stmt.args.as_slice() {
        [kv] if !kv.contains(['"', '`', '\'', ',']) => kv
            .split_once('=')
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .ok_or_else(|| "usage: godebug key=value".into()),
        _ => Err("usage: godebug key=value".into()),
    }
}

/// Parses a go.mod. Always returns what could be understood, plus errors.
pub fn parse_go_mod(src: &str) -> (GoMod, Vec<ModFileError>) {
    let (stmts, mut errors) = statements(src);
    let mut m = GoMod::default();
    for s in &stmts {
        let r: Result<(), String> = (|| {
            match s.verb.as_str() {
                "module" => {
                    if m.module.is_some() {
                        return Err("repeated module statement".into());
                    }
                    match s.args.as_slice() {
                        [p] if !p.is_empty() => m.module = Some((p.clone(), s.line)),
                        _ => return Err("usage: module module/path".into()),
                    }
                }
                "go" => {
                    if m.go.is_some() {
                        return Err("repeated go statement".into());
                    }
                    m.go = Some(parse_go_directive(s)?);
                }
                "toolchain" => {
                    if m.toolchain.is_some() {
                        return Err("repeated toolchain statement".into());
                    }
                    m.toolchain = Some(parse_toolchain(s)?);
                }
                "require" | "exclude" => {
                    let [p, v] = s.args.as_slice() else {
                        return Err(format!("usage: {} module/path v1.2.3", s.verb));
                    };
                    if s.verb == "require" {
                        let indirect = s
                            .comment
                            .as_deref()
                            .is_some_and(|c| c.split(';').any(|p| p.trim() == "indirect"));
                        m.requires.push(Require {
                            path: p.clone(),
                            version: v.clone(),
                            indirect,
                        });
                    } else {
                        m.excludes.push((p.clone(), v.clone()));
                    }
                }
                "replace" => m.replaces.push(parse_replace(s)?),
                "retract" => {
                    if s.args.is_empty() {
                        return Err("usage: retract version or retract [low, high]".into());
                    }
                    m.retracts += 1;
                }
                "godebug" => m.godebug.push(parse_godebug(s)?),
                "tool" | "ignore" => {
                    let [p] = s.args.as_slice() else {
                        return Err(format!("usage: {} path", s.verb));
                    };
                    if s.verb == "tool" {
                        m.tools.push(p.clone());
                    } else {
                        m.ignores.push(p.clone());
                    }
                }
                other => return Err(format!("unknown directive: {other}")),
            }
            Ok(())
        })();
        if let Err(message) = r {
            errors.push(ModFileError {
                line: s.line,
                message,
            });
        }
    }
    if m.module.is_none() && errors.is_empty() {
        errors.push(ModFileError {
            line: 1,
            message: "no module declaration in go.mod".into(),
        });
    }
    errors.sort_by_key(|e| e.line);
    (m, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_full_go_mod() {
        let src = r#"// The module.
module example.com/svc // trailing

go 1.22.1
toolchain go1.23.4

require (
	github.com/a/b v1.2.3
	"github.com/c/d" v0.0.0-20240101000000-abcdef123456 // indirect
	`github.com/e/f` v2.0.0+incompatible // indirect; reason
)

require golang.org/x/sync v0.7.0
replace github.com/a/b => ../b
replace (
	github.com/c/d v0.1.0 => github.com/c/d2 v0.2.0
)
exclude github.com/x/y v1.0.0
retract [v1.0.0, v1.0.5]
retract v0.9.0 // broken
godebug (
	default=go1.21
	panicnil=1
)
tool golang.org/x/tools/cmd/stringer
ignore ./node_modules
"#;
        let (m, errs) = parse_go_mod(src);
        assert_eq!(errs, vec![]);
        assert_eq!(m.module, Some(("example.com/svc".into(), 2)));
        assert_eq!(m.go, GoVersion::parse("1.22.1"));
        assert_eq!(m.toolchain.as_deref(), Some("go1.23.4"));
        assert_eq!(m.requires.len(), 4);
        assert_eq!(m.requires[1].path, "github.com/c/d");
        assert!(m.requires[1].indirect);
        assert!(m.requires[2].indirect);
        assert_eq!(m.requires[2].path, "github.com/e/f");
        assert!(!m.requires[0].indirect);
        assert_eq!(m.replaces[0].new_path, "../b");
        assert_eq!(m.replaces[0].old_version, None);
        assert_eq!(m.replaces[1].old_version.as_deref(), Some("v0.1.0"));
        assert_eq!(m.replaces[1].new_version.as_deref(), Some("v0.2.0"));
        assert_eq!(m.excludes, vec![("github.com/x/y".into(), "v1.0.0".into())]);
        assert_eq!(m.retracts, 2);
        assert_eq!(m.godebug.len(), 2);
        assert_eq!(m.tools, vec!["golang.org/x/tools/cmd/stringer".to_string()]);
        assert_eq!(m.ignores, vec!["./node_modules".to_string()]);
    }

    #[test]
    fn quoted_module_path_and_comment_inside_token() {
        let (m, errs) = parse_go_mod("module \"example.com/q\"\ngo 1.21rc1\n");
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(m.module.unwrap().0, "example.com/q");
        assert_eq!(m.go, GoVersion::parse("1.21rc1"));
        let (m, _) = parse_go_mod("module example.com/x//comment\n");
        assert_eq!(m.module.unwrap().0, "example.com/x");
    }

    #[test]
    fn reports_errors_with_lines() {
        let cases: &[(&str, u32, &str)] = &[
            ("module a\ngo go1.21\n", 2, "invalid go version"),
            ("module a\ngo 1.21 1.22\n", 2, "exactly one argument"),
            ("module a\nmodule b\n", 2, "repeated module"),
            ("module a\nfrobnicate x\n", 2, "unknown directive"),
            (
                "module a\nrequire (\n  x v1\n",
                2,
                "unterminated require block",
            ),
            ("module a\nrequire x\n", 2, "usage: require"),
            ("module \"a\n", 1, "unexpected EOF in string"),
            ("module a /* c */\n", 1, "// comments"),
            ("go 1.21\n", 1, "no module declaration"),
            ("module a\nreplace x v1 y\n", 2, "usage: replace"),
            ("module a\ntoolchain 1.21\n", 2, "invalid toolchain"),
        ];
        for &(src, line, msg) in cases {
            let (_, errs) = parse_go_mod(src);
            assert!(
                errs.iter()
                    .any(|e| e.line == line && e.message.contains(msg)),
                "{src:?}: {errs:?}"
            );
        }
    }

    #[test]
    fn partial_results_survive_errors() {
        let (m, errs) = parse_go_mod("module a\ngo 1.x\nrequire b v1.0.0\n");
        assert_eq!(errs.len(), 1);
        assert_eq!(m.module.unwrap().0, "a");
        assert_eq!(m.go, None);
        assert_eq!(m.requires.len(), 1);
    }
}
