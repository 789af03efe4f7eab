//! `egressproof rule EP201` (or `rule route-to-internet`): the rule's own documentation (its doc
//! comment is the only copy).

use anyhow::anyhow;
use std::process::ExitCode;

pub fn run(code: &str) -> anyhow::Result<ExitCode> {
    let meta = crate::cli::parse_rule(code)
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
