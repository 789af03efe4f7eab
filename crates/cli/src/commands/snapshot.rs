//! `egressproof snapshot`: a live account, read with Describe/List/Get calls only, written as a
//! snapshot that `egressproof scan` reads like any other input.
//!
//! The AWS SDK is behind the `live` feature (minutes of build time, megabytes of binary); a
//! binary built without it still knows the command and says how to get it.

use clap::Args;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    /// Write the snapshot to FILE (default: standard output).
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Use this profile of the AWS config files (default: the standard credential chain).
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// A region to read (repeatable; default: the configured region).
    #[arg(long = "region", value_name = "REGION")]
    pub regions: Vec<String>,

    /// Send every request to this endpoint instead of AWS (a proxy, a test peer): an http:// or
    /// https:// URL without a user name or password.
    #[arg(long, value_name = "URL")]
    pub endpoint_url: Option<String>,

    /// Read training and processing jobs created within this window (s, m, h, d, w).
    #[arg(long, value_name = "DURATION", default_value = "7d")]
    pub since: String,

    /// Do not show the progress bar.
    #[arg(long)]
    pub no_progress: bool,
}

#[cfg(feature = "live")]
pub fn run(args: &SnapshotArgs) -> anyhow::Result<ExitCode> {
    use anyhow::Context as _;
    use std::io::Write as _;

    let options = egressproof_live::Options {
        profile: args.profile.clone(),
        regions: args.regions.clone(),
        endpoint_url: args.endpoint_url.clone(),
        since: egressproof_live::parse_since(&args.since)?,
        progress: !args.no_progress,
        ..egressproof_live::Options::default()
    };
    let snapshot = egressproof_live::snapshot(&options)?;
    let mut text = serde_json::to_string_pretty(&snapshot.to_json())?;
    text.push('\n');
    match &args.output {
        // Readable by its owner only: it holds the account's policies and network layout.
        Some(path) => egressproof_live::write_private(path, &text)
            .with_context(|| format!("cannot write {}", path.display()))?,
        None => super::print(&text)?,
    }
    let unknowns = snapshot.model.diagnostics.len();
    let mut stderr = std::io::stderr().lock();
    let _ = writeln!(
        stderr,
        "snapshot of account {} ({}): {} resources, {} API operations, {} unknowns",
        snapshot.account.as_deref().unwrap_or("?"),
        snapshot.regions.join(", "),
        snapshot.model.resources.len(),
        snapshot.operations.len(),
        unknowns,
    );
    // CI logs are read widely: an error text that carries a credential-looking value is
    // redacted like a report.
    for d in &snapshot.model.diagnostics {
        let message = egressproof_report::redact(&d.message);
        let _ = writeln!(stderr, "  {}: {message}", d.code.as_str());
    }
    Ok(ExitCode::SUCCESS)
}

#[cfg(not(feature = "live"))]
pub fn run(_args: &SnapshotArgs) -> anyhow::Result<ExitCode> {
    anyhow::bail!(
        "this egressproof was built without live account support; \
         install it with `cargo install --path crates/cli --features live`"
    )
}
