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
    /// Write the snapshot to FILE (default: standard output). With --org, a directory (an
    /// existing one, or a path ending in /) gets one ACCOUNT.json per account.
    #[arg(short = 'o', long = "output", value_name = "FILE|DIR/")]
    pub output: Option<PathBuf>,

    /// Snapshot every account of the caller's organization (the management account or a
    /// delegated administrator), through a role assumed in each.
    #[arg(long)]
    pub org: bool,

    /// With --org: only these accounts (comma-separated IDs).
    #[arg(long, value_name = "ID,...", value_delimiter = ',', requires = "org")]
    pub accounts: Vec<String>,

    /// With --org: only the accounts under this OU or root, at any depth (repeatable).
    #[arg(long = "ou", value_name = "OU", requires = "org")]
    pub ous: Vec<String>,

    /// With --org: the role assumed in each member account.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "OrganizationAccountAccessRole",
        requires = "org"
    )]
    pub role_name: String,

    /// With --org: the external ID the member accounts' roles ask for.
    #[arg(long, value_name = "ID", requires = "org")]
    pub external_id: Option<String>,

    /// With --org: how many accounts are read at the same time.
    #[arg(long, value_name = "N", default_value_t = 4, requires = "org")]
    pub jobs: usize,

    /// With --org: read shard I of N (0-based) of the selected accounts, those whose ID modulo
    /// N is I: stable whatever the order accounts are listed in (for parallel jobs).
    #[arg(long, value_name = "I/N", requires = "org")]
    pub shard: Option<String>,

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
    if args.org {
        return run_org(args, &options);
    }
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

/// `snapshot --org`: every selected account, into a directory (one file each) or one file.
#[cfg(feature = "live")]
fn run_org(args: &SnapshotArgs, options: &egressproof_live::Options) -> anyhow::Result<ExitCode> {
    use anyhow::Context as _;
    use std::io::Write as _;

    let shard = match &args.shard {
        Some(s) => Some(
            s.parse::<egressproof_live::Shard>()
                .map_err(|e| anyhow::anyhow!("--shard: {e}"))?,
        ),
        None => None,
    };
    let org = egressproof_live::OrgOptions {
        role_name: args.role_name.clone(),
        external_id: args.external_id.clone(),
        accounts: args.accounts.iter().map(|a| a.trim().to_string()).collect(),
        ous: args.ous.clone(),
        jobs: args.jobs.max(1),
        shard,
    };
    let snap = egressproof_live::snapshot_org(options, &org)?;
    let to_dir = args.output.as_ref().filter(|p| {
        p.is_dir()
            || p.as_os_str()
                .to_string_lossy()
                .ends_with(std::path::MAIN_SEPARATOR)
    });
    let text_of = |s: &egressproof_live::Snapshot| -> anyhow::Result<String> {
        let mut text = serde_json::to_string_pretty(&s.to_json())?;
        text.push('\n');
        Ok(text)
    };
    match (to_dir, &args.output) {
        (Some(dir), _) => {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("cannot create {}", dir.display()))?;
            for (name, s) in snap.files() {
                let path = dir.join(name);
                // Readable by its owner only, like a single account's snapshot.
                egressproof_live::write_private(&path, &text_of(s)?)
                    .with_context(|| format!("cannot write {}", path.display()))?;
            }
        }
        (None, Some(path)) => egressproof_live::write_private(path, &text_of(&snap.merged())?)
            .with_context(|| format!("cannot write {}", path.display()))?,
        (None, None) => super::print(&text_of(&snap.merged())?)?,
    }
    let mut stderr = std::io::stderr().lock();
    let unknowns: usize = snap
        .accounts
        .iter()
        .map(|s| s.model.diagnostics.len())
        .sum();
    let _ = writeln!(
        stderr,
        "snapshot of organization {}: {} accounts, {} unknowns",
        snap.organization_id,
        snap.accounts.len(),
        unknowns,
    );
    for s in &snap.accounts {
        for d in &s.model.diagnostics {
            let message = egressproof_report::redact(&d.message);
            let _ = writeln!(
                stderr,
                "  {} {}: {message}",
                s.account.as_deref().unwrap_or("?"),
                d.code.as_str()
            );
        }
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
