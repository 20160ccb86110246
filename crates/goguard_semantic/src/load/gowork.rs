//! go.work parsing: `go`, `toolchain`, `use` (single or block), `replace`
//! and `godebug`, with the go.mod lexer.

use super::gomod::{
    parse_go_directive, parse_godebug, parse_replace, parse_toolchain, statements, ModFileError,
    Replace,
};
use super::version::GoVersion;

/// What a go.work says.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GoWork {
    pub go: Option<GoVersion>,
    pub toolchain: Option<String>,
    /// `use` directories as written (relative to the go.work directory
    /// unless absolute), with their lines.
    pub uses: Vec<(String, u32)>,
    pub replaces: Vec<Replace>,
    pub godebug: Vec<(String, String)>,
}

/// Parses a go.work. Always returns what could be understood, plus errors.
pub fn parse_go_work(src: &str) -> (GoWork, Vec<ModFileError>) {
    let (stmts, mut errors) = statements(src);
    let mut w = GoWork::default();
    for s in &stmts {
        let r: Result<(), String> = match s.verb.as_str() {
            "go" if w.go.is_some() => Err("repeated go statement".into()),
            "go" => parse_go_directive(s).map(|v| w.go = Some(v)),
            "toolchain" if w.toolchain.is_some() => Err("repeated toolchain statement".into()),
            "toolchain" => parse_toolchain(s).map(|t| w.toolchain = Some(t)),
            "use" => match s.args.as_slice() {
                [dir] => {
                    w.uses.push((dir.clone(), s.line));
                    Ok(())
                }
                _ => Err("usage: use local/dir".into()),
            },
            "replace" => parse_replace(s).map(|r| w.replaces.push(r)),
            "godebug" => parse_godebug(s).map(|g| w.godebug.push(g)),
            other => Err(format!("unknown directive: {other}")),
        };
        if let Err(message) = r {
            errors.push(ModFileError {
                line: s.line,
                message,
            });
        }
    }
    errors.sort_by_key(|e| e.line);
    (w, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_uses_and_versions() {
        let src = "go 1.23\ntoolchain go1.23.2\n\nuse (\n\t.\n\t./tools // the tools\n\t\"./with space\"\n)\nuse ../other\nreplace a => ../a\ngodebug asynctimerchan=1\n";
        let (w, errs) = parse_go_work(src);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(w.go, GoVersion::parse("1.23"));
        assert_eq!(w.toolchain.as_deref(), Some("go1.23.2"));
        let uses: Vec<&str> = w.uses.iter().map(|(u, _)| u.as_str()).collect();
        assert_eq!(uses, [".", "./tools", "./with space", "../other"]);
        assert_eq!(w.uses[1].1, 6);
        assert_eq!(w.replaces.len(), 1);
        assert_eq!(w.godebug.len(), 1);
    }

    #[test]
    fn rejects_go_mod_only_directives() {
        let (_, errs) = parse_go_work("go 1.22\nmodule x\nuse a b\n");
        assert_eq!(errs.len(), 2);
        assert_eq!(errs[0].line, 2);
        assert!(errs[1].message.contains("usage: use"));
    }
}
