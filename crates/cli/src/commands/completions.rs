//! `egressproof completions SHELL`: generated from the same definition as `--help`.

use clap::CommandFactory;
use std::process::ExitCode;

pub fn run(shell: clap_complete::Shell) -> anyhow::Result<ExitCode> {
    let mut cmd = crate::cli::Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "egressproof", &mut buf);
    super::print(&String::from_utf8_lossy(&buf))?;
    Ok(ExitCode::SUCCESS)
}
