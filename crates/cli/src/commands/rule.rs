//! `egressproof rule EP201`: the rule's own documentation (its doc comment is the only copy).

use anyhow::bail;
use std::process::ExitCode;

pub fn run(code: &str) -> anyhow::Result<ExitCode> {
    let Some(meta) = egressproof_analysis::rule(code.trim()) else {
        bail!("unknown rule `{code}`; run `egressproof rules` to see the catalog");
    };
    let mut text = format!(
        "# {} {} [{}]\n\n{}\n\n",
        meta.code,
        meta.name,
        meta.severity.as_str(),
        meta.summary
    );
    text.push_str(&meta.documentation());
    super::print(&text)?;
    Ok(ExitCode::SUCCESS)
}
