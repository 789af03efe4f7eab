//! `egressproof scan`: discover inputs, load them into one model, analyse, report, and exit
//! with the verdict's code.

use crate::cli::{parse_cidr, ColorArg, ScanArgs};
use crate::config;
use crate::discover::{self, Exclude};
use crate::loaders;
use anyhow::{bail, Context as _, Result};
use egressproof_analysis::{analyze_scan, NamedEnvironment, Options, Severity, TrustLimit};
use egressproof_fs::ReadScope;
use egressproof_model::{Diagnostic, Model, Span, UnknownCode};
use egressproof_report::{RenderOptions, ScanSummary};
use std::collections::BTreeMap;
use std::io::{IsTerminal, Read};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// Snapshots of large accounts are big, but a JSON document past this is not one we wrote.
/// (Each JSON format has its own limit: templates `egressproof_load_cfn::MAX_FILE_BYTES`, plans
/// `loaders::MAX_PLAN_BYTES`; a document is read up to the larger of the snapshot and plan ones.)
const MAX_SNAPSHOT_BYTES: u64 = 512 * 1024 * 1024;

/// The settings of one scan: the config file, overridden by flags.
#[derive(Debug)]
struct Settings {
    options: Options,
    params: BTreeMap<String, String>,
    terraform: loaders::TfOptions,
    exclude: Exclude,
    /// Where templates may read the files they name, and where discovery may follow links.
    read: ReadScope,
    /// The environments the config file names (`[[environment]]`).
    environments: Vec<NamedEnvironment>,
}

pub fn run(args: &ScanArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let first = args.paths.first().map_or(Path::new("."), PathBuf::as_path);
    let loaded = config::load(args.config.as_deref(), first)?;
    let settings = settings(args, loaded)?;

    let found = discover::discover(&args.paths, &settings.exclude, &settings.read)?;
    if !args.quiet {
        for w in &found.warnings {
            eprintln!("warning: {w}");
        }
    }
    if found.documents.is_empty() && found.terraform_dirs.is_empty() && found.diagnostics.is_empty()
    {
        bail!(
            "nothing to scan in {}: no CloudFormation (.yaml, .yml, .json, .template), Terraform \
             (.tf) or snapshot files found",
            shown(&args.paths)
        );
    }

    let docs = loaders::cloudformation(&found.documents, &settings.params, &settings.read);
    let mut model = docs.model;
    let mut files = docs.templates;
    // YAML that is someone else's (a Helm chart's templates, a workflow): not an unknown of
    // ours, but said, so that a template that merely looks foreign is not dropped unseen.
    let mut skipped = docs.not_ours.len();
    if !args.quiet {
        for (display, why) in &docs.not_ours {
            eprintln!(
                "warning: {display}: skipped: does not parse and is not a CloudFormation \
                 template ({why})"
            );
        }
    }
    for (path, display) in &docs.skipped {
        match read_other_json(path, display) {
            Other::Model(m) => {
                model.extend(m);
                files += 1;
            }
            Other::Unreadable(message) => {
                model.diagnostics.push(Diagnostic::new(
                    UnknownCode::EP901,
                    message,
                    Some(Span::new(display.clone(), 0, 0)),
                ));
            }
            Other::Neither => skipped += 1,
        }
    }
    let tf = loaders::terraform(&found.terraform_dirs, &settings.terraform);
    model.extend(tf.model);
    files += tf.files;

    // Every candidate failed before any loader saw it (dangling links, loops, FIFOs): no input
    // could be read at all, which is a usage error rather than a verdict (DESIGN.md §2). A file
    // that was read but did not parse is different: an EP901 unknown, and the verdict unproven.
    if files == 0 && model.diagnostics.is_empty() && !found.diagnostics.is_empty() {
        for d in &found.diagnostics {
            eprintln!("error: {}", d.message);
        }
        bail!("no input could be read in {}", shown(&args.paths));
    }
    model.diagnostics.extend(found.diagnostics);

    if files == 0 && model.diagnostics.is_empty() {
        bail!(
            "nothing to scan in {}: {skipped} YAML/JSON file(s) found, none of them a \
             CloudFormation template, Terraform plan or snapshot, and no Terraform file declares \
             anything (empty files are skipped)",
            shown(&args.paths)
        );
    }

    let resources = model.resources.len();
    let scan = analyze_scan(model, &settings.options, &settings.environments);
    let summary = ScanSummary {
        files,
        skipped,
        resources,
        workloads: scan.in_scope().map(|e| e.analysis.workloads.len()).sum(),
        seconds: started.elapsed().as_secs_f64(),
    };
    let render = RenderOptions {
        color: use_color(args.color, args.output.is_some()),
        quiet: args.quiet,
    };
    let root = repo_root(args.repo_root.as_deref())?;
    let report =
        egressproof_report::render_scan_at(&scan, &summary, args.format.into(), &render, &root);
    match &args.output {
        Some(file) => std::fs::write(file, report)
            .with_context(|| format!("could not write the report to {}", file.display()))?,
        None => super::print(&report)?,
    }
    Ok(ExitCode::from(
        u8::try_from(scan.exit_code()).unwrap_or(crate::EXIT_USAGE),
    ))
}

/// Flags override the config file: lists and single values replace it, tables (params, vars)
/// are merged name by name.
fn settings(args: &ScanArgs, loaded: config::Loaded) -> Result<Settings> {
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
        read_scope(&args.paths, &dirs).with_context(|| in_config("allow_read"))?
    } else {
        read_scope(&args.paths, &args.allow_read).context("--allow-read")?
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
        },
        params,
        terraform: loaders::TfOptions {
            vars,
            var_files: args.var_files.clone(),
            read: read.clone(),
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

/// `auto` colours only a terminal, and never when NO_COLOR is set (no-color.org).
fn use_color(choice: ColorArg, to_file: bool) -> bool {
    match choice {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => {
            !to_file
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

enum Other {
    Model(Model),
    Unreadable(String),
    Neither,
}

/// A document the CloudFormation loader skipped: read it again as a snapshot or plan.
fn read_other_json(path: &Path, display: &str) -> Other {
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if !is_json {
        return Other::Neither;
    }
    let text = match read_limited(path, MAX_SNAPSHOT_BYTES.max(loaders::MAX_PLAN_BYTES)) {
        Ok(t) => t,
        Err(e) => return Other::Unreadable(format!("{display}: could not be read: {e}")),
    };
    // An empty file declares nothing, in every format (README, "Inputs").
    if text.trim().is_empty() {
        return Other::Neither;
    }
    let doc: serde_json::Value = match serde_json::from_str(&text) {
        Ok(d) => d,
        Err(e) => return Other::Unreadable(format!("{display}: not valid JSON: {e}")),
    };
    match loaders::other_json(&doc, display) {
        Some(Ok(m)) => Other::Model(m),
        Some(Err(message)) => Other::Unreadable(message),
        None => Other::Neither,
    }
}

fn read_limited(path: &Path, limit: u64) -> std::io::Result<String> {
    let file = std::fs::File::open(path)?;
    let mut text = String::new();
    file.take(limit + 1).read_to_string(&mut text)?;
    if text.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "larger than the limit of {} MiB",
            limit / (1024 * 1024)
        )));
    }
    Ok(text)
}

fn shown(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Where reports name files from: `--repo-root`, else the git repository holding the working
/// directory, else the working directory (all resolved, so links do not give a file two names).
fn repo_root(given: Option<&Path>) -> Result<egressproof_report::SourceRoot> {
    let cwd = std::env::current_dir()
        .and_then(std::fs::canonicalize)
        .context("could not read the working directory")?;
    let root = match given {
        Some(dir) => std::fs::canonicalize(dir)
            .ok()
            .filter(|d| d.is_dir())
            .ok_or_else(|| anyhow::anyhow!("--repo-root {}: not a directory", dir.display()))?,
        None => egressproof_fs::repository_root(&cwd).unwrap_or_else(|| cwd.clone()),
    };
    Ok(egressproof_report::SourceRoot::new(root, cwd))
}
