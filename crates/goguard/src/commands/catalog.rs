//! The one rule catalogue: the static rules of `goguard check`, the engine's
//! own finding kinds, and the runtime rules of `goguard stacks`. `goguard
//! rules`, `goguard explain`, selectors and SARIF rule descriptors all read it.

use goguard_diagnostics::{RuleInfo, ToolInfo};
use goguard_linter::engine::context::severity_of;
use goguard_linter::engine::registry::{self, Entry};

/// Every rule goguard knows.
pub fn catalogue() -> Vec<Entry> {
    registry::catalogue(
        &goguard_linter::rules::all(),
        &goguard_runtime::rules::RULES,
    )
}

/// SARIF rule descriptors of the given entries.
pub fn rule_infos(entries: &[Entry]) -> Vec<RuleInfo> {
    entries
        .iter()
        .map(|&e| RuleInfo {
            code: e.code().to_string(),
            name: e.name().to_string(),
            short_description: e.summary(),
            full_description: e.doc_markdown(),
            default_severity: severity_of(e.category()),
            help_uri: None,
            tags: vec![e.domain_name().to_string(), e.category().name().to_string()],
        })
        .collect()
}

pub fn tool_info() -> ToolInfo {
    ToolInfo {
        version: env!("CARGO_PKG_VERSION").to_string(),
        // The project has no published home to link to yet, so the optional
        // informationUri is left out rather than pointing somewhere made up.
        information_uri: None,
    }
}

/// SARIF descriptors of the runtime rules.
pub fn runtime_rule_infos() -> Vec<RuleInfo> {
    let entries: Vec<Entry> = catalogue()
        .into_iter()
        .filter(|e| matches!(e, Entry::Runtime(_)))
        .collect();
    rule_infos(&entries)
}
