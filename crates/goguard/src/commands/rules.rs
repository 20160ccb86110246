//! `goguard rules`: the list of rules, as a table or JSON.

use std::process::ExitCode;

use goguard_linter::engine::registry::Entry;

use super::catalog::catalogue;
use goguard_linter::engine::OptionDefault;
use serde_json::json;

#[derive(clap::Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_name = "FORMAT", default_value = "text",
          value_parser = ["text", "json"])]
    pub format: String,
    /// Also list the engine's own finding kinds (syntax errors, suppression
    /// problems).
    #[arg(long)]
    pub all: bool,
}

/// The listed entries: the static and runtime rules, and with `all` the
/// engine's kinds.
fn listed(all: bool) -> Vec<Entry> {
    catalogue()
        .into_iter()
        .filter(|e| all || !matches!(e, Entry::Builtin(_)))
        .collect()
}

fn default_json(d: OptionDefault) -> serde_json::Value {
    match d {
        OptionDefault::Bool(b) => json!(b),
        OptionDefault::Usize(n) => json!(n),
        OptionDefault::Str(s) => json!(s),
        OptionDefault::StrList(l) => json!(l),
    }
}

pub fn run(args: RulesArgs) -> anyhow::Result<ExitCode> {
    let list = listed(args.all);
    let text = if args.format == "json" {
        let items: Vec<serde_json::Value> = list
            .iter()
            .map(|&e| {
                let options: Vec<serde_json::Value> = match e {
                    Entry::Rule(r) => r
                        .meta()
                        .options
                        .iter()
                        .map(|o| json!({"name": o.name, "default": default_json(o.default), "doc": o.doc}))
                        .collect(),
                    Entry::Builtin(_) | Entry::Runtime(_) => Vec::new(),
                };
                json!({
                    "name": e.name(),
                    "code": e.code(),
                    "domain": e.domain_name(),
                    "category": e.category().name(),
                    "status": e.status_name(),
                    "summary": e.summary(),
                    "options": options,
                })
            })
            .collect();
        let mut s = serde_json::to_string_pretty(&items)?;
        s.push('\n');
        s
    } else {
        table(&list)
    };
    print!("{text}");
    Ok(ExitCode::SUCCESS)
}

fn table(list: &[Entry]) -> String {
    if list.is_empty() {
        return "no rules\n".to_string();
    }
    let rows: Vec<[String; 6]> = list
        .iter()
        .map(|e| {
            [
                e.code().to_string(),
                e.name().to_string(),
                e.domain_name().to_string(),
                e.category().name().to_string(),
                e.status_name().to_string(),
                e.summary(),
            ]
        })
        .collect();
    let header = ["CODE", "NAME", "DOMAIN", "CATEGORY", "STATUS", "SUMMARY"].map(String::from);
    let mut widths = [0usize; 5];
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = String::new();
    for row in std::iter::once(&header).chain(&rows) {
        for (w, cell) in widths.iter().zip(row) {
            out.push_str(&format!("{cell:<w$}  "));
        }
        out.push_str(&row[5]);
        out.push('\n');
    }
    out
}
