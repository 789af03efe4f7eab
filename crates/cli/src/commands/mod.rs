//! One module per subcommand. Each exposes `run(...) -> anyhow::Result<ExitCode>`; an `Err` is
//! a usage error (exit 2), printed by `main`.

pub mod blueprint;
pub mod completions;
pub mod man;
pub mod rule;
pub mod rules;
pub mod scan;
pub mod snapshot;

use std::io::Write;

/// Writes to standard output; a closed pipe (`egressproof rules | head`) is not an error.
pub fn print(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}
