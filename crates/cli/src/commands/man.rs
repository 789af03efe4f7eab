//! `egressproof man` (hidden): man pages in roff, for packagers. `man` prints egressproof(1),
//! `man scan` prints egressproof-scan(1) (which egressproof(1) refers to), and `man --out DIR`
//! writes them all: the same definition as `--help`, so the pages never disagree with it.

use crate::cli::ManArgs;
use anyhow::{anyhow, Context as _};
use clap::CommandFactory;
use std::process::ExitCode;

pub fn run(args: &ManArgs) -> anyhow::Result<ExitCode> {
    let command = crate::cli::Cli::command();
    if let Some(dir) = &args.out {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        clap_mangen::generate_to(command, dir)
            .with_context(|| format!("writing man pages into {}", dir.display()))?;
        let mut pages: Vec<String> = std::fs::read_dir(dir)?
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("egressproof") && n.ends_with(".1"))
            .collect();
        pages.sort();
        super::print(&format!(
            "wrote {} man pages to {}: {}\n",
            pages.len(),
            dir.display(),
            pages.join(", ")
        ))?;
        return Ok(ExitCode::SUCCESS);
    }
    let page = match &args.subcommand {
        None => command,
        Some(name) => {
            let mut command = command.disable_help_subcommand(true);
            // Built, so that the subcommand's page is named egressproof-scan and its usage line
            // says `egressproof scan`.
            command.build();
            let page = command
                .get_subcommands()
                .find(|s| s.get_name() == name && !s.is_hide_set())
                .cloned();
            page.ok_or_else(|| anyhow!("no subcommand `{name}`; `egressproof --help` lists them"))?
        }
    };
    let mut buf = Vec::new();
    clap_mangen::Man::new(page).render(&mut buf)?;
    super::print(&String::from_utf8_lossy(&buf))?;
    Ok(ExitCode::SUCCESS)
}
