//! Build constraint expressions: `//go:build` lines (full grammar) and legacy
//! `// +build` lines, their evaluation against a tag set, and the minimum Go
//! version an expression implies. Semantics follow go/build/constraint.

use std::fmt;

use super::version::GoVersion;

/// A build constraint expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Expr {
    Tag(String),
    Not(Box<Expr>),
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
}

/// A syntax error in a build constraint, with the byte offset in the
/// expression text where it was found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at offset {})", self.message, self.offset)
    }
}

/// Go's limit on expression size; it also bounds recursion depth, so hostile
/// input cannot exhaust the stack.
const MAX_SIZE: usize = 1000;
/// Parenthesis nesting limit. Go bounds nesting only through `MAX_SIZE`;
/// a tighter bound keeps recursion shallow on small thread stacks (debug
/// builds, worker threads). Real constraints nest two or three levels.
const MAX_DEPTH: usize = 100;
/// Legacy lines allow at most this many AND/OR operators.
const MAX_OLD_SIZE: usize = 100;

/// If `line` is a `//go:build` line, returns the expression text after the
/// prefix. `//go:buildx` is not one; `//go:build` alone is (with empty text).
pub fn go_build_text(line: &str) -> Option<&str> {
    let line = line.strip_suffix('\n').unwrap_or(line);
    if line.contains('\n') {
        return None;
    }
    let rest = line.trim().strip_prefix("//go:build")?;
    let trimmed = rest.trim();
    if rest.len() == trimmed.len() && !rest.is_empty() {
        return None;
    }
    Some(trimmed)
}

/// If `line` is a `// +build` line (the space is optional), returns the text
/// after the prefix.
pub fn plus_build_text(line: &str) -> Option<&str> {
    let line = line.strip_suffix('\n').unwrap_or(line);
    if line.contains('\n') {
        return None;
    }
    let rest = line.strip_prefix("//")?.trim().strip_prefix("+build")?;
    let trimmed = rest.trim();
    if rest.len() == trimmed.len() && !rest.is_empty() {
        return None;
    }
    Some(trimmed)
}

fn is_tag_char(c: char) -> bool {
    c.is_alphabetic() || c.is_numeric() || c == '_' || c == '.'
}

/// Whether `word` is a valid build tag: letters, digits, `_` and `.`.
pub fn is_valid_tag(word: &str) -> bool {
    !word.is_empty() && word.chars().all(is_tag_char)
}

/// Parses the expression of a `//go:build` line (the text after the prefix).
pub fn parse_go_build(text: &str) -> Result<Expr, SyntaxError> {
    let mut p = Parser {
        s: text,
        i: 0,
        tok: Tok::End,
        pos: 0,
        size: 0,
        depth: 0,
    };
    let x = p.or()?;
    if p.tok != Tok::End {
        return Err(p.unexpected());
    }
    Ok(x)
}

/// Parses the text of a legacy `// +build` line: space-separated options
/// (OR) of comma-separated terms (AND), each an optionally negated tag.
/// Invalid words become the tag `ignore`, as in Go, so they never match.
pub fn parse_plus_build(text: &str) -> Result<Expr, SyntaxError> {
    let mut size = 0;
    let mut too_complex = || {
        size += 1;
        if size > MAX_OLD_SIZE {
            Err(SyntaxError {
                offset: 0,
                message: "expression too complex for // +build lines".into(),
            })
        } else {
            Ok(())
        }
    };
    let ignore = || Expr::Tag("ignore".into());
    let mut x: Option<Expr> = None;
    for clause in text.split_ascii_whitespace() {
        let mut y: Option<Expr> = None;
        for lit in clause.split(',') {
            let z = if lit.starts_with("!!") || lit == "!" {
                ignore()
            } else {
                let (neg, word) = match lit.strip_prefix('!') {
                    Some(w) => (true, w),
                    None => (false, lit),
                };
                let t = if is_valid_tag(word) {
                    Expr::Tag(word.into())
                } else {
                    ignore()
                };
                if neg {
                    Expr::Not(Box::new(t))
                } else {
                    t
                }
            };
            y = Some(match y {
                None => z,
                Some(y) => {
                    too_complex()?;
                    Expr::And(Box::new(y), Box::new(z))
                }
            });
        }
        let Some(y) = y else { continue };
        x = Some(match x {
            None => y,
            Some(x) => {
                too_complex()?;
                Expr::Or(Box::new(x), Box::new(y))
            }
        });
    }
    Ok(x.unwrap_or_else(ignore))
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Tok {
    End,
    LParen,
    RParen,
    Not,
    And,
    Or,
    Tag(String),
}

struct Parser<'a> {
    s: &'a str,
    i: usize,
    tok: Tok,
    pos: usize,
    size: usize,
    depth: usize,
}

impl Parser<'_> {
    fn err(&self, offset: usize, message: impl Into<String>) -> SyntaxError {
        SyntaxError {
            offset,
            message: message.into(),
        }
    }

    fn unexpected(&self) -> SyntaxError {
        match &self.tok {
            Tok::End => self.err(self.pos, "unexpected end of expression"),
            t => self.err(self.pos, format!("unexpected token {}", tok_text(t))),
        }
    }

    fn or(&mut self) -> Result<Expr, SyntaxError> {
        let mut x = self.and()?;
        while self.tok == Tok::Or {
            let y = self.and()?;
            x = Expr::Or(Box::new(x), Box::new(y));
        }
        Ok(x)
    }

    fn and(&mut self) -> Result<Expr, SyntaxError> {
        let mut x = self.not()?;
        while self.tok == Tok::And {
            let y = self.not()?;
            x = Expr::And(Box::new(x), Box::new(y));
        }
        Ok(x)
    }

    fn not(&mut self) -> Result<Expr, SyntaxError> {
        self.size += 1;
        if self.size > MAX_SIZE {
            return Err(self.err(self.pos, "build expression too large"));
        }
        self.lex()?;
        if self.tok == Tok::Not {
            self.lex()?;
            if self.tok == Tok::Not {
                return Err(self.err(self.pos, "double negation not allowed"));
            }
            return Ok(Expr::Not(Box::new(self.atom()?)));
        }
        self.atom()
    }

    fn atom(&mut self) -> Result<Expr, SyntaxError> {
        match std::mem::replace(&mut self.tok, Tok::End) {
            Tok::LParen => {
                let open = self.pos;
                self.depth += 1;
                if self.depth > MAX_DEPTH {
                    return Err(self.err(open, "build expression too large"));
                }
                let x = self.or();
                self.depth -= 1;
                let x = match x {
                    Ok(x) => x,
                    Err(e) if e.message == "unexpected end of expression" => {
                        return Err(self.err(e.offset, "missing close paren"))
                    }
                    Err(e) => return Err(e),
                };
                if self.tok != Tok::RParen {
                    return Err(self.err(open, "missing close paren"));
                }
                self.lex()?;
                Ok(x)
            }
            Tok::Tag(t) => {
                self.lex()?;
                Ok(Expr::Tag(t))
            }
            other => {
                self.tok = other;
                Err(self.unexpected())
            }
        }
    }

    fn lex(&mut self) -> Result<(), SyntaxError> {
        let b = self.s.as_bytes();
        while self.i < b.len() && (b[self.i] == b' ' || b[self.i] == b'\t') {
            self.i += 1;
        }
        self.pos = self.i;
        if self.i >= b.len() {
            self.tok = Tok::End;
            return Ok(());
        }
        let single = match b[self.i] {
            b'(' => Some(Tok::LParen),
            b')' => Some(Tok::RParen),
            b'!' => Some(Tok::Not),
            _ => None,
        };
        if let Some(t) = single {
            self.i += 1;
            self.tok = t;
            return Ok(());
        }
        if b[self.i] == b'&' || b[self.i] == b'|' {
            if self.i + 1 >= b.len() || b[self.i + 1] != b[self.i] {
                let c = b[self.i] as char;
                return Err(self.err(self.i, format!("invalid syntax at {c}")));
            }
            self.tok = if b[self.i] == b'&' { Tok::And } else { Tok::Or };
            self.i += 2;
            return Ok(());
        }
        let rest = &self.s[self.i..];
        let len = rest
            .char_indices()
            .find(|&(_, c)| !is_tag_char(c))
            .map_or(rest.len(), |(i, _)| i);
        if len == 0 {
            let c = rest.chars().next().unwrap_or('?');
            return Err(self.err(self.i, format!("invalid syntax at {c}")));
        }
        self.tok = Tok::Tag(rest[..len].to_string());
        self.i += len;
        Ok(())
    }
}

fn tok_text(t: &Tok) -> &str {
    match t {
        Tok::End => "",
        Tok::LParen => "(",
        Tok::RParen => ")",
        Tok::Not => "!",
        Tok::And => "&&",
        Tok::Or => "||",
        Tok::Tag(s) => s,
    }
}

impl Expr {
    /// Evaluates the expression, asking `has_tag` whether each tag is set.
    pub fn eval(&self, has_tag: &dyn Fn(&str) -> bool) -> bool {
        match self {
            Expr::Tag(t) => has_tag(t),
            Expr::Not(x) => !x.eval(has_tag),
            Expr::And(x, y) => x.eval(has_tag) && y.eval(has_tag),
            Expr::Or(x, y) => x.eval(has_tag) || y.eval(has_tag),
        }
    }

    /// The minimum Go version the expression implies (go/build/constraint
    /// `GoVersion`): `go1.21 && linux` implies go1.21, `go1.21 || go1.22`
    /// implies go1.21, `!go1.21` and `linux` imply nothing.
    pub fn go_version(&self) -> Option<GoVersion> {
        let v = min_version(self, true);
        (v >= 0).then(|| GoVersion::new(1, v as u32))
    }
}

/// go/build/constraint `minVersion`: the minor version implied by `z`
/// (or by `!z` when `positive` is false); -1 for none.
fn min_version(z: &Expr, positive: bool) -> i64 {
    match z {
        Expr::And(x, y) | Expr::Or(x, y) => {
            let (a, b) = (min_version(x, positive), min_version(y, positive));
            // AND implies the stronger (max) bound, OR the weaker (min);
            // under negation De Morgan swaps them.
            if matches!(z, Expr::And(..)) == positive {
                a.max(b)
            } else if a == -1 || b == -1 {
                -1
            } else {
                a.min(b)
            }
        }
        Expr::Not(x) => min_version(x, !positive),
        Expr::Tag(t) => {
            if !positive {
                return -1;
            }
            if t == "go1" {
                return 0;
            }
            // Go cuts at the first "go1." anywhere in the tag, so `xgo1.21`
            // counts too; mirrored for identical results.
            match t.split_once("go1.").map(|(_, n)| n) {
                Some(n) if !n.is_empty() && n.bytes().all(|c| c.is_ascii_digit()) => {
                    n.parse::<u32>().map_or(-1, i64::from)
                }
                _ => -1,
            }
        }
    }
}

impl fmt::Display for Expr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fn paren(f: &mut fmt::Formatter<'_>, x: &Expr, parent_and: bool) -> fmt::Result {
            let needs = match x {
                Expr::Or(..) => parent_and,
                _ => false,
            };
            if needs {
                write!(f, "({x})")
            } else {
                write!(f, "{x}")
            }
        }
        match self {
            Expr::Tag(t) => f.write_str(t),
            Expr::Not(x) => match **x {
                Expr::Tag(_) | Expr::Not(_) => write!(f, "!{x}"),
                _ => write!(f, "!({x})"),
            },
            Expr::And(x, y) => {
                paren(f, x, true)?;
                f.write_str(" && ")?;
                paren(f, y, true)
            }
            Expr::Or(x, y) => {
                paren(f, x, false)?;
                f.write_str(" || ")?;
                paren(f, y, false)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eval(expr: &str, tags: &[&str]) -> bool {
        let x = parse_go_build(expr).unwrap_or_else(|e| panic!("{expr}: {e}"));
        x.eval(&|t| tags.contains(&t))
    }

    #[test]
    fn recognises_lines() {
        assert_eq!(go_build_text("//go:build linux"), Some("linux"));
        assert_eq!(go_build_text("//go:build\tlinux \n"), Some("linux"));
        assert_eq!(go_build_text("//go:build"), Some(""));
        assert_eq!(go_build_text("//go:buildlinux"), None);
        assert_eq!(go_build_text("// go:build linux"), None);
        assert_eq!(go_build_text("//go:build a\nb"), None);
        assert_eq!(plus_build_text("// +build linux"), Some("linux"));
        assert_eq!(plus_build_text("//+build linux,386"), Some("linux,386"));
        assert_eq!(plus_build_text("// +build"), Some(""));
        assert_eq!(plus_build_text("// +builds"), None);
        assert_eq!(plus_build_text("/* +build x */"), None);
    }

    #[test]
    fn evaluates_table() {
        let linux = &["linux", "amd64", "unix", "cgo", "go1.21"][..];
        let windows = &["windows", "arm64"][..];
        let table: &[(&str, bool, bool)] = &[
            ("linux", true, false),
            ("!linux", false, true),
            ("linux && amd64", true, false),
            ("linux || windows", true, true),
            ("!(linux || windows)", false, false),
            ("(linux || darwin) && !cgo", false, false),
            ("windows && arm64 || linux && amd64", true, true),
            ("!windows && !darwin", true, false),
            ("go1.21 && unix", true, false),
            ("a || b && c", false, false),
            ("!a && (b || !c)", true, true),
        ];
        for &(expr, want_linux, want_windows) in table {
            assert_eq!(eval(expr, linux), want_linux, "{expr} on linux");
            assert_eq!(eval(expr, windows), want_windows, "{expr} on windows");
        }
    }

    #[test]
    fn precedence_and_binds_tighter() {
        let x = parse_go_build("a || b && c").unwrap();
        assert_eq!(x.to_string(), "a || b && c");
        assert!(matches!(x, Expr::Or(..)));
        let y = parse_go_build("(a || b) && !(c)").unwrap();
        assert_eq!(y.to_string(), "(a || b) && !c");
    }

    #[test]
    fn syntax_errors_match_go() {
        let cases = [
            ("", "unexpected end of expression"),
            ("linux &&", "unexpected end of expression"),
            ("(linux", "missing close paren"),
            ("linux)", "unexpected token )"),
            ("!!linux", "double negation not allowed"),
            ("linux & amd64", "invalid syntax at &"),
            ("linux | amd64", "invalid syntax at |"),
            ("linux amd64", "unexpected token amd64"),
            ("linux,amd64", "invalid syntax at ,"),
            ("(linux &&)", "unexpected token )"),
            ("x-y", "invalid syntax at -"),
        ];
        for (expr, want) in cases {
            let e = parse_go_build(expr).expect_err(expr);
            assert_eq!(e.message, want, "{expr:?}");
        }
        let deep = "(".repeat(5000) + "x" + &")".repeat(5000);
        assert_eq!(
            parse_go_build(&deep).unwrap_err().message,
            "build expression too large"
        );
    }

    #[test]
    fn plus_build_semantics() {
        let pb = |text: &str, tags: &[&str]| {
            parse_plus_build(text).unwrap().eval(&|t| tags.contains(&t))
        };
        assert!(pb("linux darwin", &["linux"]));
        assert!(!pb("linux,386", &["linux", "amd64"]));
        assert!(pb("linux,!386 windows", &["linux", "amd64"]));
        assert!(!pb("!linux", &["linux"]));
        // Invalid words and double negations never match.
        assert!(!pb("!!linux", &["linux"]));
        assert!(!pb("lin-ux", &["lin-ux"]));
        // A negated invalid word is `!ignore`, which holds.
        assert!(pb("!lin-ux", &[]));
        // An empty line is `ignore`.
        assert!(!pb("", &["linux"]));
        assert!(pb("", &["ignore"]));
        let big = vec!["a"; 200].join(" ");
        assert!(parse_plus_build(&big).is_err());
    }

    #[test]
    fn go_version_implied() {
        let gv = |s: &str| {
            parse_go_build(s)
                .unwrap()
                .go_version()
                .map(|v| v.to_string())
        };
        assert_eq!(gv("go1.21"), Some("1.21".into()));
        assert_eq!(gv("go1"), Some("1.0".into()));
        assert_eq!(gv("linux"), None);
        assert_eq!(gv("go1.21 && linux"), Some("1.21".into()));
        assert_eq!(gv("go1.21 && go1.22"), Some("1.22".into()));
        assert_eq!(gv("go1.21 || go1.22"), Some("1.21".into()));
        assert_eq!(gv("go1.21 || linux"), None);
        assert_eq!(gv("!go1.21"), None);
        assert_eq!(gv("!(!go1.22 || !go1.23)"), Some("1.23".into()));
        assert_eq!(gv("!(!go1.22 && !go1.23)"), Some("1.22".into()));
        assert_eq!(gv("go1.x"), None);
        assert_eq!(gv("go1.2.3"), None);
        assert_eq!(gv("xgo1.21"), Some("1.21".into()));
    }
}
