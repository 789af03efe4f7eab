//! `egressproof rule EP201`: the rule's own documentation (its doc comment is the only copy).

use anyhow::anyhow;
use egressproof_analysis::Rule;
use std::process::ExitCode;

pub fn run(code: &str) -> anyhow::Result<ExitCode> {
    let meta = code
        .trim()
        .parse::<Rule>()
        .map_err(|e| anyhow!("{e}; run `egressproof rules` to see the catalog"))?
        .meta();
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
