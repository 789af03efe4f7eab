//! `egressproof rules`: the catalog, one rule per line.

use std::process::ExitCode;

pub fn run() -> anyhow::Result<ExitCode> {
    super::print(&catalog())?;
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
