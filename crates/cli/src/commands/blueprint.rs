//! `egressproof blueprint`: writes the private SageMaker environment (template, guardrails,
//! a starting training-job request and a README) into a directory. The generator is the
//! `egressproof-blueprint` library; this module only maps flags and writes files.

use anyhow::{bail, Context as _};
use clap::Args;
use egressproof_blueprint::{generate, parse_cidr, BlueprintOptions};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Debug, Args)]
pub struct BlueprintArgs {
    /// Directory to write into (created when missing). One that holds anything already is
    /// refused unless --force.
    #[arg(short = 'o', long = "output", value_name = "DIR")]
    pub output: PathBuf,

    /// Write into a directory that is not empty, replacing the blueprint's files there.
    #[arg(long)]
    pub force: bool,

    /// cloudformation (default) or terraform.
    #[arg(long, value_name = "FORMAT", default_value = "cloudformation")]
    pub format: String,

    /// Name used for resources and the data bucket.
    #[arg(long, value_name = "NAME")]
    pub name: Option<String>,

    /// Region the endpoints are named for (default: the deploying stack's Region).
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// The VPC's IPv4 range (private address space).
    #[arg(long, value_name = "CIDR")]
    pub vpc_cidr: Option<String>,

    /// Availability zones: one private subnet and endpoint interface in each (1 to 6).
    #[arg(long, value_name = "N")]
    pub azs: Option<u8>,

    /// The corporate network that may open notebooks and Studio (repeatable).
    #[arg(long = "corporate-cidr", value_name = "CIDR")]
    pub corporate_cidrs: Vec<String>,

    /// Key endpoint and bucket policies on this AWS Organizations ID instead of the account.
    #[arg(long, value_name = "ORG_ID")]
    pub org_id: Option<String>,

    /// Add a virtual private gateway with routes toward the corporate CIDRs only.
    #[arg(long)]
    pub direct_connect: bool,

    /// Workloads to include: notebook,studio,model,training (default: all).
    #[arg(long, value_name = "LIST", value_delimiter = ',')]
    pub workloads: Vec<String>,

    /// Add a CodeArtifact mirror of PyPI and its endpoints, so `pip install` works offline.
    #[arg(long)]
    pub package_mirror: bool,
}

/// A directory that holds anything already may hold a team's edited blueprint (or anything
/// else): writing over it silently would lose their work, so it takes `--force`.
fn refuse_to_overwrite(dir: &Path, force: bool) -> anyhow::Result<()> {
    let meta = match std::fs::metadata(dir) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e).with_context(|| format!("reading {}", dir.display())),
    };
    if !meta.is_dir() {
        bail!("{} exists and is not a directory", dir.display());
    }
    let mut entries =
        std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))?;
    if entries.next().is_some() && !force {
        bail!(
            "{} is not empty; choose another directory, or pass --force to write the \
             blueprint's files over what is there",
            dir.display()
        );
    }
    Ok(())
}

pub fn run(args: &BlueprintArgs) -> anyhow::Result<ExitCode> {
    let mut options = BlueprintOptions {
        format: args.format.parse()?,
        ..BlueprintOptions::default()
    };
    if let Some(name) = &args.name {
        options.name = name.clone();
    }
    options.region = args.region.clone();
    if let Some(cidr) = &args.vpc_cidr {
        options.vpc_cidr = cidr
            .parse()
            .with_context(|| format!("--vpc-cidr {cidr}: not an IPv4 CIDR"))?;
    }
    if let Some(azs) = args.azs {
        options.azs = azs;
    }
    for cidr in &args.corporate_cidrs {
        options.corporate_cidrs.push(parse_cidr(cidr)?);
    }
    options.org_id = args.org_id.clone();
    options.direct_connect = args.direct_connect;
    options.package_mirror = args.package_mirror;
    for w in &args.workloads {
        options.workloads.push(w.parse()?);
    }

    let files = generate(&options)?;
    refuse_to_overwrite(&args.output, args.force)?;
    for file in &files {
        let path = args.output.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("creating {}", parent.display()))?;
        }
        std::fs::write(&path, &file.contents)
            .with_context(|| format!("writing {}", path.display()))?;
    }
    let mut listing = format!(
        "wrote {} files to {}:\n",
        files.len(),
        args.output.display()
    );
    for file in &files {
        listing.push_str(&format!("  {}\n", file.path.display()));
    }
    listing.push_str(
        "next: read README.md there, then `egressproof scan` the template to see it sealed\n",
    );
    super::print(&listing)?;
    Ok(ExitCode::SUCCESS)
}
