//! `egressproof rules`: the catalog, one rule per line, or as JSON (`--format json`) for tools
//! that map rule codes to their own policies.

use crate::cli::{RulesArgs, RulesFormat};
use egressproof_analysis::Family;
use serde::Serialize;
use std::process::ExitCode;

pub fn run(args: &RulesArgs) -> anyhow::Result<ExitCode> {
    let text = match args.format {
        RulesFormat::Text => catalog(),
        RulesFormat::Json => json()?,
    };
    super::print(&text)?;
    Ok(ExitCode::SUCCESS)
}

/// Code, severity, name and summary, in aligned columns.
fn catalog() -> String {
    let rules = egressproof_analysis::registry();
    let name_width = rules.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for r in rules {
        out.push_str(&format!(
            "{:<6} {:<6}  {:<name_width$}  {}\n",
            r.code,
            r.severity.as_str(),
            r.name,
            r.summary
        ));
    }
    out
}

/// One rule of `rules --format json`: a published shape of its own, not the analysis' types.
#[derive(Serialize)]
struct RuleOut {
    code: &'static str,
    name: &'static str,
    severity: &'static str,
    /// What a finding of the rule does to a verdict: `egress` (can make it leaks), `hardening`
    /// (never changes it), `unknown` (makes it unproven), `suppression` (EP8xx hygiene).
    family: &'static str,
    summary: &'static str,
}

fn family(f: Family) -> &'static str {
    match f {
        Family::Hardening => "hardening",
        Family::Unknowns => "unknown",
        Family::SuppressionHygiene => "suppression",
        Family::ManagedInternet
        | Family::VpcRoutes
        | Family::ServiceChannels
        | Family::People
        | Family::Guardrails => "egress",
    }
}

fn json() -> anyhow::Result<String> {
    let rules: Vec<RuleOut> = egressproof_analysis::registry()
        .iter()
        .map(|r| RuleOut {
            code: r.code.as_str(),
            name: r.name,
            severity: r.severity.as_str(),
            family: family(r.code.family()),
            summary: r.summary,
        })
        .collect();
    let mut text = serde_json::to_string_pretty(&rules)?;
    text.push('\n');
    Ok(text)
}

#[cfg(test)]
mod tests {
    #[test]
    fn lists_every_rule_once() {
        let text = super::catalog();
        for r in egressproof_analysis::registry() {
            assert_eq!(text.matches(r.code.as_str()).count(), 1, "{}", r.code);
        }
    }
}
