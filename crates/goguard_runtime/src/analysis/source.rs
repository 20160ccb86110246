//! Showing source code at a frame: dump paths are build paths (`/home/ci/src/app/x.go`)
//! or module paths (`github.com/acme/app/internal/x.go`), so they are mapped onto a local
//! tree by the longest matching suffix of path components. Only files found by walking
//! the tree are read (symlinks are not followed), so nothing outside it is ever opened.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The `.go` files under a directory, indexed by file name.
#[derive(Debug, Default)]
pub struct SourceTree {
    by_name: HashMap<String, Vec<Vec<String>>>,
    root: PathBuf,
}

/// Lines around a frame's line; `marked` is the frame's own line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snippet {
    pub path: PathBuf,
    pub marked: u32,
    /// (line number, text)
    pub lines: Vec<(u32, String)>,
}

const SKIPPED_DIRS: &[&str] = &[".git", "node_modules", "target"];

impl SourceTree {
    pub fn scan(root: &Path) -> std::io::Result<SourceTree> {
        let mut tree = SourceTree {
            by_name: HashMap::new(),
            root: root.to_path_buf(),
        };
        let mut stack = vec![(root.to_path_buf(), Vec::<String>::new())];
        while let Some((dir, rel)) = stack.pop() {
            for entry in fs::read_dir(&dir)? {
                let entry = entry?;
                let name = entry.file_name().to_string_lossy().into_owned();
                let kind = entry.file_type()?;
                let mut child = rel.clone();
                child.push(name.clone());
                if kind.is_dir() && !SKIPPED_DIRS.contains(&name.as_str()) {
                    stack.push((entry.path(), child));
                } else if kind.is_file() && name.ends_with(".go") {
                    tree.by_name.entry(name).or_default().push(child);
                }
            }
        }
        for candidates in tree.by_name.values_mut() {
            candidates.sort();
        }
        Ok(tree)
    }

    /// The local file for a dump path: the candidate sharing the most trailing path
    /// components. When only the file name matches, it must be unique in the tree.
    pub fn resolve(&self, dump_path: &str) -> Option<PathBuf> {
        let wanted: Vec<&str> = dump_path
            .split(['/', '\\'])
            .filter(|c| !c.is_empty())
            .collect();
        let candidates = self.by_name.get(*wanted.last()?)?;
        let matching = |c: &Vec<String>| {
            c.iter()
                .rev()
                .zip(wanted.iter().rev())
                .take_while(|(a, b)| a.as_str() == **b)
                .count()
        };
        let best = candidates.iter().map(matching).max()?;
        let mut best_candidates = candidates.iter().filter(|c| matching(c) == best);
        let chosen = best_candidates.next()?;
        if best == 1 && best_candidates.next().is_some() {
            return None;
        }
        Some(chosen.iter().fold(self.root.clone(), |p, c| p.join(c)))
    }

    /// `context` lines either side of `line` in the file the dump path maps to.
    pub fn snippet(&self, dump_path: &str, line: u32, context: u32) -> Option<Snippet> {
        let path = self.resolve(dump_path)?;
        let text = fs::read_to_string(&path).ok()?;
        let first = line.saturating_sub(context).max(1);
        let last = line + context;
        let lines: Vec<(u32, String)> = text
            .lines()
            .enumerate()
            .map(|(i, l)| (i as u32 + 1, l.to_string()))
            .filter(|(n, _)| (first..=last).contains(n))
            .collect();
        if !lines.iter().any(|(n, _)| *n == line) {
            return None;
        }
        Some(Snippet {
            path,
            marked: line,
            lines,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[&str]) -> (PathBuf, SourceTree) {
        let root = std::env::temp_dir().join(format!(
            "goguard-source-{}-{}",
            std::process::id(),
            files.len()
        ));
        let _ = fs::remove_dir_all(&root);
        for f in files {
            let p = root.join(f);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(&p, "package x\n\nfunc a() {\n\tch <- 1\n}\n").unwrap();
        }
        let t = SourceTree::scan(&root).unwrap();
        (root, t)
    }

    #[test]
    fn longest_suffix_wins() {
        let (root, t) = tree(&["internal/x/x.go", "cmd/x/x.go", "main.go"]);
        assert_eq!(
            t.resolve("/home/ci/src/app/internal/x/x.go"),
            Some(root.join("internal/x/x.go"))
        );
        assert_eq!(
            t.resolve("github.com/acme/app/cmd/x/x.go"),
            Some(root.join("cmd/x/x.go"))
        );
        // Only the name matches and two files have it: ambiguous.
        assert_eq!(t.resolve("/elsewhere/x.go"), None);
        assert_eq!(
            t.resolve("C:\\build\\app\\main.go"),
            Some(root.join("main.go"))
        );
        assert_eq!(t.resolve("/app/missing.go"), None);
        let s = t.snippet("/b/internal/x/x.go", 4, 1).unwrap();
        assert_eq!(s.lines.len(), 3);
        assert_eq!(s.lines[1], (4, "\tch <- 1".to_string()));
        assert!(t.snippet("/b/internal/x/x.go", 99, 1).is_none());
        fs::remove_dir_all(root).unwrap();
    }
}
