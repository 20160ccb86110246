//! `goguard explain NAME|CODE`: a rule's documentation.

use std::process::ExitCode;

use anyhow::bail;
use goguard_linter::engine::registry::{find, suggest, Entry};

use super::catalog::catalogue;
use goguard_linter::engine::OptionDefault;

#[derive(clap::Args)]
pub struct ExplainArgs {
    /// A rule name (`context-cancel-not-called`) or code (`CX001`).
    pub rule: String,
}

fn default_text(d: OptionDefault) -> String {
    match d {
        OptionDefault::Bool(b) => b.to_string(),
        OptionDefault::Usize(n) => n.to_string(),
        OptionDefault::Str(s) => format!("{s:?}"),
        OptionDefault::StrList(l) => format!("{l:?}"),
    }
}

/// The header line, the documentation and the rule's options.
pub fn explanation(e: Entry) -> String {
    let mut out = format!("{}\n\n{}", e.header(), e.doc_markdown().trim_end());
    out.push('\n');
    if let Entry::Rule(r) = e {
        let meta = r.meta();
        if !meta.options.is_empty() {
            out.push_str(&format!(
                "\n## Options\nSet in goguard.toml under `[rules.{}]`.\n\n",
                meta.name
            ));
            for o in meta.options {
                out.push_str(&format!(
                    "- `{}` (default `{}`): {}\n",
                    o.name,
                    default_text(o.default),
                    o.doc
                ));
            }
        }
    }
    out
}

pub fn run(args: ExplainArgs) -> anyhow::Result<ExitCode> {
    let all = catalogue();
    match find(&all, &args.rule) {
        Some(e) => {
            print!("{}", explanation(e));
            Ok(ExitCode::SUCCESS)
        }
        None => match suggest(&all, &args.rule) {
            Some(s) => bail!("unknown rule `{}` (did you mean `{s}`?)", args.rule),
            None => bail!(
                "unknown rule `{}`; `goguard rules --all` lists them",
                args.rule
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use goguard_linter::engine::{Context, RuleOption};

    goguard_linter::declare_rule! {
        /// ## What it does
        /// Tests explanations.
        pub struct WithOptions {
            name: "with-options",
            code: "SY998",
            domain: Sync,
            category: Pedantic,
            status: Preview,
            options: &[
                RuleOption::usize("max-depth", 3, "How deep to look."),
                RuleOption::str_list("allow", &["a", "b"], "Names to accept."),
            ],
        }
    }

    impl WithOptions {
        fn run(&self, _cx: &mut Context<'_>) {}
    }

    #[test]
    fn header_doc_and_options() {
        assert_eq!(
            explanation(Entry::Rule(&WithOptions)),
            "with-options (SY998) — sync, pedantic, preview\n\n\
             ## What it does\nTests explanations.\n\n\
             ## Options\nSet in goguard.toml under `[rules.with-options]`.\n\n\
             - `max-depth` (default `3`): How deep to look.\n\
             - `allow` (default `[\"a\", \"b\"]`): Names to accept.\n"
        );
    }
}
