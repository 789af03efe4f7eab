//! `egressproof man` (hidden): the man page in roff, for packagers
//! (`egressproof man > egressproof.1`).

use clap::CommandFactory;
use std::process::ExitCode;

pub fn run() -> anyhow::Result<ExitCode> {
    let mut buf = Vec::new();
    clap_mangen::Man::new(crate::cli::Cli::command()).render(&mut buf)?;
    super::print(&String::from_utf8_lossy(&buf))?;
    Ok(ExitCode::SUCCESS)
}
