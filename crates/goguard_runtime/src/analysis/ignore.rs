//! User ignore patterns (`--ignore`, `--ignore-file`): goroutines whose stack (or `created
//! by` frame) has a matching function are treated as expected background goroutines.
//!
//! A pattern is a glob by default (`*` any run of characters, `?` one character, matched
//! against the whole function name), or a regular expression after `re:` (unanchored).

use regex::Regex;

use crate::model::Goroutine;

/// One compiled pattern and the text the user gave.
#[derive(Debug, Clone)]
pub struct IgnorePattern {
    pub text: String,
    regex: Regex,
}

impl IgnorePattern {
    pub fn parse(text: &str) -> Result<Self, String> {
        let source = match text.strip_prefix("re:") {
            Some(re) => re.to_string(),
            None => glob_to_regex(text),
        };
        let regex = Regex::new(&source).map_err(|e| format!("bad ignore pattern {text:?}: {e}"))?;
        Ok(IgnorePattern {
            text: text.to_string(),
            regex,
        })
    }

    pub fn matches_func(&self, func: &str) -> bool {
        self.regex.is_match(func)
    }
}

fn glob_to_regex(glob: &str) -> String {
    let mut re = String::from("^");
    for c in glob.chars() {
        match c {
            '*' => re.push_str(".*"),
            '?' => re.push('.'),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    re
}

/// Parses an ignore file: one pattern a line; blank lines and `#` comments skipped.
pub fn parse_ignore_file(text: &str) -> Result<Vec<IgnorePattern>, String> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(IgnorePattern::parse)
        .collect()
}

/// The first pattern matching a function in the goroutine's stack or its creator.
pub fn matching_pattern<'p>(patterns: &'p [IgnorePattern], g: &Goroutine) -> Option<&'p str> {
    patterns
        .iter()
        .find(|p| {
            g.frames.iter().any(|f| p.matches_func(&f.func))
                || g.created_by
                    .as_ref()
                    .is_some_and(|c| p.matches_func(&c.func))
        })
        .map(|p| p.text.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::testutil::goroutine;

    #[test]
    fn globs_match_whole_names() {
        let p = IgnorePattern::parse("main.(*pool).*").unwrap();
        assert!(p.matches_func("main.(*pool).worker"));
        assert!(!p.matches_func("xmain.(*pool).worker"));
        let p = IgnorePattern::parse("*/cache.loop").unwrap();
        assert!(p.matches_func("github.com/acme/app/cache.loop"));
    }

    #[test]
    fn regexes_after_prefix() {
        let p = IgnorePattern::parse("re:^main\\.worker(\\.func\\d+)?$").unwrap();
        assert!(p.matches_func("main.worker.func1"));
        assert!(IgnorePattern::parse("re:(").is_err());
    }

    #[test]
    fn file_with_comments() {
        let pats =
            parse_ignore_file("# pools\nmain.worker\n\n  re:cache  # not a comment\n").unwrap();
        assert_eq!(pats.len(), 2);
        let g = goroutine(1, "chan receive", &["runtime.gopark", "main.worker"]);
        assert_eq!(matching_pattern(&pats, &g), Some("main.worker"));
    }
}
