//! The semantic model against Go fixtures with expectations in comments.
//!
//! Every directory under `testdata/model/` holding `.go` files is one
//! package; its import path is `example.com/<dir>`, except under `std/`
//! where it is the rest of the path (`std/net/http` is `net/http`): small
//! stand-ins for standard-library packages. All packages form the universe.
//!
//! Expectations are line comments, several separated by ` ; `:
//! - `type: NAME TYPE` — the first identifier NAME on the line has type TYPE;
//! - `typeof: EXPR => TYPE` — the first expression starting on the line whose
//!   source text is EXPR has type TYPE;
//! - `callee: WHAT` — the first call starting on the line calls WHAT
//!   (`builtin len`, `func net/http.Get`, `method io.Closer.Close`,
//!   `value cancel`, `lit`, `conversion int`, `unknown`);
//! - `ref: NAME@LINE` — every use of NAME on the line resolves to the binding
//!   declared on line LINE (`@builtin`, `@import`, `@none`, `@pkg` for
//!   bindings declared without identifier);
//! - `uses: NAME N` — the binding NAME declares on this line has N uses.
//!
//! Every expectation is checked; a fixture file without expectations fails.

use std::collections::BTreeMap;
use std::path::PathBuf;

use goguard_semantic::load::GoVersion;
use goguard_semantic::model::{summarize, BindingKind, Callee, FileInput, PackageModel, Universe};
use goguard_syntax::{parse_file, Node, NodeId, ParsedFile};

struct Pkg {
    import_path: String,
    files: Vec<(PathBuf, String, ParsedFile)>,
}

fn load_packages() -> Vec<Pkg> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/testdata/model");
    let mut dirs: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    let mut stack = vec![root.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|e| e == "go") {
                dirs.entry(d.clone()).or_default().push(p);
            }
        }
    }
    dirs.into_iter()
        .map(|(dir, mut paths)| {
            paths.sort();
            let rel = dir
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let import_path = match rel.strip_prefix("std/") {
                Some(p) => p.to_string(),
                None => format!("example.com/{rel}"),
            };
            let files = paths
                .into_iter()
                .map(|p| {
                    let src = std::fs::read_to_string(&p).unwrap();
                    let parsed = parse_file(&src);
                    assert!(
                        parsed.errors().is_empty(),
                        "{}: {:?}",
                        p.display(),
                        parsed.errors()
                    );
                    (p, src, parsed)
                })
                .collect();
            Pkg { import_path, files }
        })
        .collect()
}

fn inputs(pkg: &Pkg) -> Vec<FileInput<'_>> {
    pkg.files
        .iter()
        .map(|(p, s, parsed)| FileInput {
            path: p,
            source: s,
            parsed,
            go_version: GoVersion::new(1, 23),
            is_test: false,
        })
        .collect()
}

fn package_name(parsed: &ParsedFile, src: &str) -> String {
    match *parsed.ast().node(parsed.root()) {
        Node::File { name, .. } => parsed.ast().ident_name(name, src).to_string(),
        _ => String::new(),
    }
}

fn line_of(parsed: &ParsedFile, pos: u32) -> u32 {
    parsed.lines().line_col(pos).0
}

struct Checker<'m, 'a> {
    model: &'m PackageModel<'a>,
    file: usize,
    failures: Vec<String>,
    checked: usize,
}

impl Checker<'_, '_> {
    fn parsed(&self) -> &ParsedFile {
        self.model.files()[self.file].parsed
    }
    fn src(&self) -> &str {
        self.model.files()[self.file].source
    }
    fn nodes_on_line(&self, line: u32) -> Vec<NodeId> {
        let p = self.parsed();
        p.nodes()
            .map(|(id, _)| id)
            .filter(|&id| line_of(p, p.ast().pos(id)) == line)
            .collect()
    }
    fn idents_named(&self, line: u32, name: &str) -> Vec<NodeId> {
        let p = self.parsed();
        self.nodes_on_line(line)
            .into_iter()
            .filter(|&id| {
                matches!(p.ast().node(id), Node::Ident { .. })
                    && p.ast().ident_name(id, self.src()) == name
            })
            .collect()
    }
    fn fail(&mut self, line: u32, msg: String) {
        let path = self.model.files()[self.file].path.display().to_string();
        self.failures.push(format!("{path}:{line}: {msg}"));
    }

    fn callee_text(&self, c: &Callee) -> String {
        match c {
            Callee::Builtin(n) => format!("builtin {n}"),
            Callee::Func(n) => format!("func {n}"),
            Callee::Method { recv, name } => format!("method {recv}.{name}"),
            Callee::Value(b) => format!("value {}", self.model.binding(*b).name),
            Callee::Lit(_) => "lit".into(),
            Callee::Conversion(t) => format!("conversion {t}"),
            Callee::Unknown => "unknown".into(),
        }
    }

    fn check(&mut self, line: u32, exp: &str) {
        self.checked += 1;
        let (kind, arg) = exp.split_once(':').unwrap_or((exp, ""));
        let arg = arg.trim();
        let p = self.parsed();
        let ast = p.ast();
        match kind.trim() {
            "type" => {
                let (name, want) = arg.split_once(' ').unwrap_or((arg, ""));
                let Some(&id) = self.idents_named(line, name).first() else {
                    return self.fail(line, format!("no identifier {name}"));
                };
                let got = self.model.type_of(self.file, id).to_string();
                if got != want.trim() {
                    self.fail(line, format!("type of {name}: got {got}, want {want}"));
                }
            }
            "typeof" => {
                let (text, want) = arg.split_once(" => ").unwrap_or((arg, ""));
                let found = self
                    .nodes_on_line(line)
                    .into_iter()
                    .find(|&id| ast.text(id, self.src()) == text);
                let Some(id) = found else {
                    return self.fail(line, format!("no expression `{text}`"));
                };
                let got = self.model.type_of(self.file, id).to_string();
                if got != want.trim() {
                    self.fail(line, format!("type of `{text}`: got {got}, want {want}"));
                }
            }
            "callee" => {
                let call = self
                    .nodes_on_line(line)
                    .into_iter()
                    .find(|&id| matches!(ast.node(id), Node::CallExpr { .. }));
                let Some(call) = call else {
                    return self.fail(line, "no call".into());
                };
                let got = self.callee_text(&self.model.callee(self.file, call));
                if got != arg {
                    self.fail(line, format!("callee: got {got}, want {arg}"));
                }
            }
            "ref" => {
                let (name, want) = arg.split_once('@').unwrap_or((arg, ""));
                let idents = self.idents_named(line, name);
                if idents.is_empty() {
                    return self.fail(line, format!("no identifier {name}"));
                }
                // Unresolved occurrences (field keys) are only checked by `@none`.
                let resolved: Vec<NodeId> = idents
                    .iter()
                    .copied()
                    .filter(|&id| self.model.resolve(self.file, id).is_some())
                    .collect();
                if want != "none" && resolved.is_empty() {
                    return self.fail(line, format!("{name} resolves nowhere, want {want}"));
                }
                let idents = if want == "none" { idents } else { resolved };
                for id in idents {
                    let got = match self.model.resolve(self.file, id) {
                        None => "none".to_string(),
                        Some(b) => {
                            let b = self.model.binding(b);
                            match (&b.kind, b.decl) {
                                (BindingKind::Builtin, _) => "builtin".into(),
                                (BindingKind::Import { .. }, _) => "import".into(),
                                (_, Some((f, d))) => {
                                    let df = self.model.files()[f].parsed;
                                    if Some(d) == Some(id) {
                                        continue; // the declaration itself
                                    }
                                    line_of(df, df.ast().pos(d)).to_string()
                                }
                                (_, None) => "pkg".into(),
                            }
                        }
                    };
                    if got != want {
                        self.fail(line, format!("{name} resolves to {got}, want {want}"));
                    }
                }
            }
            "uses" => {
                let (name, want) = arg.split_once(' ').unwrap_or((arg, ""));
                let decl = self.idents_named(line, name).into_iter().find_map(|id| {
                    let b = self.model.resolve(self.file, id)?;
                    (self.model.binding(b).decl == Some((self.file, id))).then_some(b)
                });
                let Some(b) = decl else {
                    return self.fail(line, format!("{name} declares nothing here"));
                };
                let got = self.model.uses(b).len().to_string();
                if got != want.trim() {
                    self.fail(line, format!("uses of {name}: got {got}, want {want}"));
                }
            }
            other => self.fail(line, format!("unknown expectation `{other}`")),
        }
    }
}

#[test]
fn fixtures_meet_their_expectations() {
    let pkgs = load_packages();
    let inputs: Vec<Vec<FileInput<'_>>> = pkgs.iter().map(inputs).collect();
    let mut universe = Universe::new();
    for (pkg, files) in pkgs.iter().zip(&inputs) {
        let name = package_name(&pkg.files[0].2, &pkg.files[0].1);
        universe.insert(summarize(&pkg.import_path, &name, files));
    }
    let mut failures = Vec::new();
    let mut checked = 0;
    for (pkg, files) in pkgs.iter().zip(&inputs) {
        let model = PackageModel::build(&pkg.import_path, files, &universe);
        for (fi, input) in files.iter().enumerate() {
            let mut c = Checker {
                model: &model,
                file: fi,
                failures: Vec::new(),
                checked: 0,
            };
            let (src, parsed) = (input.source, input.parsed);
            let mut in_file = 0;
            for comment in &parsed.ast().comments {
                let text = parsed.ast().comment_text(*comment, src);
                let line = line_of(parsed, comment.pos);
                let Some(body) = text.strip_prefix("//") else {
                    continue;
                };
                for exp in body.split(" ; ") {
                    let exp = exp.trim();
                    let known = ["type:", "typeof:", "callee:", "ref:", "uses:"];
                    if known.iter().any(|k| exp.starts_with(k)) {
                        c.check(line, exp);
                        in_file += 1;
                    }
                }
            }
            if in_file == 0 && pkg.import_path.starts_with("example.com/") {
                c.failures
                    .push(format!("{}: no expectations", input.path.display()));
            }
            checked += c.checked;
            failures.extend(c.failures);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {checked} expectations failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert!(checked >= 50, "only {checked} expectations");
}
