//! The settings of one scan: the config file, overridden by flags.

use crate::cli::{parse_cidr, ScanArgs};
use crate::config;
use crate::discover::Exclude;
use crate::loaders;
use anyhow::{bail, Context as _, Result};
use egressproof_analysis::{NamedEnvironment, Options, Severity, TrustLimit};
use egressproof_fs::ReadScope;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The settings of one scan: the config file, overridden by flags.
#[derive(Debug)]
pub(super) struct Settings {
    pub options: Options,
    pub params: BTreeMap<String, String>,
    pub terraform: loaders::TfOptions,
    pub exclude: Exclude,
    /// Where templates may read the files they name, and where discovery may follow links.
    pub read: ReadScope,
    /// The environments the config file names (`[[environment]]`).
    pub environments: Vec<NamedEnvironment>,
}

/// Flags override the config file: lists and single values replace it, tables (params, vars)
/// are merged name by name. `paths`: the scanned paths on disk (standard input is not one).
pub(super) fn settings(
    args: &ScanArgs,
    paths: &[PathBuf],
    loaded: config::Loaded,
) -> Result<Settings> {
    let config::Loaded { config, dir, path } = loaded;
    let in_config = |what: &str| match &path {
        Some(p) => format!("{what} in config file {}", p.display()),
        None => what.to_string(),
    };

    let trusted_cidrs = if args.trusted_cidrs.is_empty() {
        config
            .trusted_cidrs
            .iter()
            .map(|c| parse_cidr(c).map_err(anyhow::Error::msg))
            .collect::<Result<Vec<_>>>()
            .with_context(|| in_config("trusted_cidrs"))?
    } else {
        args.trusted_cidrs.clone()
    };

    let fail_on = match (args.fail_on, &config.fail_on) {
        (Some(s), _) => s.into(),
        (None, Some(s)) => Severity::parse(s).with_context(|| {
            format!(
                "{}: `{s}` is not a severity (info, low, medium, high)",
                in_config("fail_on")
            )
        })?,
        (None, None) => Severity::Medium,
    };

    // Both are parsed as rules already: an unknown code stopped at the command line or config.
    let skip_rules = if args.skip.is_empty() {
        config.skip.clone()
    } else {
        args.skip.clone()
    };

    let mut params = BTreeMap::new();
    for (name, value) in &config.params {
        params.insert(
            name.clone(),
            config::value_text(name, value).with_context(|| in_config("params"))?,
        );
    }
    params.extend(args.params.iter().cloned());

    let mut vars = BTreeMap::new();
    for (name, value) in &config.vars {
        vars.insert(
            name.clone(),
            config::value_text(name, value).with_context(|| in_config("vars"))?,
        );
    }
    vars.extend(args.vars.iter().cloned());
    for f in &args.var_files {
        if !f.is_file() {
            bail!("variable file {} does not exist", f.display());
        }
    }

    let exclude =
        Exclude::new(&config.exclude, dir.as_deref()).with_context(|| in_config("exclude"))?;

    let read = if args.allow_read.is_empty() {
        let base = dir.as_deref().unwrap_or(Path::new("."));
        let dirs: Vec<PathBuf> = config.allow_read.iter().map(|d| base.join(d)).collect();
        read_scope(paths, &dirs).with_context(|| in_config("allow_read"))?
    } else {
        read_scope(paths, &args.allow_read).context("--allow-read")?
    };

    let trust_limit = trust_limit(&config).with_context(|| in_config("max_trusted_prefix"))?;
    let environments = config::environments(&config.environments, dir.as_deref())
        .with_context(|| in_config("environment"))?;

    Ok(Settings {
        options: Options {
            trusted_cidrs,
            fail_on,
            skip_rules,
            principals: config.principals.unwrap_or_default(),
            trust_limit,
            sagemaker_vpcs: config.sagemaker_vpcs.clone(),
            managed_policies: match &args.managed_policies {
                Some(path) => crate::managed_policies::read(path)?,
                None => Default::default(),
            },
            // Narrowed by the scan to the report formats that draw it.
            network_map: true,
        },
        params,
        terraform: loaders::TfOptions {
            vars,
            var_files: args.var_files.clone(),
            read: read.clone(),
            // Where `terraform init` kept the installed modules, as Terraform reads it.
            data_dir: std::env::var_os("TF_DATA_DIR")
                .filter(|d| !d.is_empty())
                .map(std::path::PathBuf::from),
        },
        exclude,
        read,
        environments,
    })
}

/// The directories templates may read: every scanned path (a file stands for its directory),
/// the git repository that holds it, and the allowed directories, which must exist.
fn read_scope(paths: &[PathBuf], allowed: &[PathBuf]) -> Result<ReadScope> {
    let mut scope = ReadScope::default();
    for p in paths {
        // A scanned path that does not exist is reported by discovery.
        let _ = scope.allow(p);
        if let Some(repo) = egressproof_fs::repository_root(p) {
            let _ = scope.allow(&repo);
        }
    }
    for d in allowed {
        if !d.is_dir() {
            bail!("{}: no such directory", d.display());
        }
        scope
            .allow(d)
            .with_context(|| format!("{}: cannot be resolved", d.display()))?;
    }
    Ok(scope)
}

/// The EP403 limits of the config file: a prefix length the family has, and never a /0 or /1
/// (half of the internet is never a corporate network, whatever the file says).
fn trust_limit(config: &config::Config) -> Result<TrustLimit> {
    let mut limit = TrustLimit::default();
    for (value, bits, name, slot) in [
        (
            config.max_trusted_prefix,
            32,
            "max_trusted_prefix",
            &mut limit.v4,
        ),
        (
            config.max_trusted_prefix_v6,
            128,
            "max_trusted_prefix_v6",
            &mut limit.v6,
        ),
    ] {
        if let Some(v) = value {
            if v < TrustLimit::MIN_PREFIX || v > bits {
                bail!(
                    "{name} = {v}: use a prefix length from {} to {bits} (a /0 or /1 is half of the internet or more)",
                    TrustLimit::MIN_PREFIX
                );
            }
            *slot = v;
        }
    }
    Ok(limit)
}
