//! The `egressproof` binary: the command line and glue, nothing else. It parses arguments,
//! calls the library crates (loaders, analysis, report) and maps the outcome to an exit code:
//! 0 sealed, 1 leaks, 3 unproven, 2 usage error or no input could be read at all (DESIGN.md §2;
//! `scan --exit-zero` and `--unproven-exit N` change the verdicts' codes).
//!
//! Each subcommand is one module under `commands/`; adding one is a new module, a variant of
//! [`cli::Command`] and one arm in [`run`].

mod cli;
mod commands;
mod config;
mod discover;
mod loaders;
mod managed_policies;

use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Usage errors and "nothing could be read" (DESIGN.md §2).
pub(crate) const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap knows whether this is help/version (exit 0) or a usage error (exit 2).
            let _ = err.print();
            return ExitCode::from(u8::try_from(err.exit_code()).unwrap_or(EXIT_USAGE));
        }
    };
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            let mut stderr = std::io::stderr().lock();
            // Error texts can quote input or an SDK's answer: redacted like a report.
            let text = format!("{err:#}");
            let _ = writeln!(stderr, "error: {}", egressproof_report::redact(&text));
            ExitCode::from(EXIT_USAGE)
        }
    }
}

fn run(cli: cli::Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        cli::Command::Scan(args) => commands::scan::run(&args),
        cli::Command::Rules(args) => commands::rules::run(&args),
        cli::Command::Rule { code } => commands::rule::run(&code),
        cli::Command::Completions { shell } => commands::completions::run(shell),
        cli::Command::Man(args) => commands::man::run(&args),
        cli::Command::Snapshot(args) => commands::snapshot::run(&args),
        cli::Command::Blueprint(args) => commands::blueprint::run(&args),
    }
}
