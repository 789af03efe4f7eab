//! `egressproof scan`: discover inputs, load them into one model, analyse, report, and exit
//! with the verdict's code.
//!
//! - `settings`: the config file overridden by flags;
//! - `inputs`: snapshots and plans the CloudFormation loader skipped, and standard input;
//! - `undeclared`: warnings for `--param`/`--var` values no input declares;
//! - `baseline`: `--write-baseline` and `--baseline` (only what is new is reported);
//! - `output`: the report formats and files (`-o`, `--format`, `--report`);
//! - `exit`: the exit code (`--exit-zero`, `--unproven-exit`).

mod baseline;
mod exit;
mod inputs;
mod output;
mod settings;
mod undeclared;

use crate::cli::ScanArgs;
use crate::config;
use crate::discover;
use crate::loaders;
use anyhow::{bail, Result};
use egressproof_analysis::analyze_scan;
use egressproof_model::{Diagnostic, Model, Span, UnknownCode};
use egressproof_report::ScanSummary;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

/// The path that stands for standard input (`scan -`).
const STDIN_PATH: &str = "-";

/// What the loaders made of every input, before analysis.
struct Loaded {
    model: Model,
    files: usize,
    skipped: usize,
}

pub fn run(args: &ScanArgs) -> Result<ExitCode> {
    let started = Instant::now();
    let from_stdin = args.paths.iter().any(|p| is_stdin(p));
    let paths: Vec<PathBuf> = args
        .paths
        .iter()
        .filter(|p| !is_stdin(p))
        .cloned()
        .collect();
    let first = paths.first().map_or(Path::new("."), PathBuf::as_path);
    let config = config::load(args.config.as_deref(), first)?;
    let mut settings = settings::settings(args, &paths, config)?;
    let targets = output::targets(args);
    // The network map is drawn only by the HTML report.
    settings.options.network_map = targets
        .iter()
        .any(|t| t.format == egressproof_report::Format::Html);
    // Read before anything is written: `--baseline F --write-baseline F` compares with the old
    // file and then replaces it; a file that is not a baseline stops the scan before it runs.
    let base = args
        .baseline
        .as_deref()
        .map(baseline::Baseline::read)
        .transpose()?;

    let mut found = discover::discover(&paths, &settings.exclude, &settings.read)?;
    // Kept alive until the loaders have read it; removed when dropped.
    let _stdin = if from_stdin {
        let stdin = inputs::read_stdin()?;
        settings.read.allow(stdin.dir.path())?;
        settings.terraform.read.allow(stdin.dir.path())?;
        let display = inputs::STDIN_DISPLAY.to_string();
        match stdin.kind {
            inputs::StdinKind::Terraform => found
                .terraform_dirs
                .push((stdin.dir.path().to_path_buf(), display)),
            _ => found.documents.push((stdin.path.clone(), display)),
        }
        Some(stdin)
    } else {
        None
    };
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

    let Loaded {
        model,
        files,
        skipped,
    } = load(args, &settings, found)?;

    let resources = model.resources.len();
    let mut scan = analyze_scan(model, &settings.options, &settings.environments);
    let root = repo_root(args, &paths)?;
    if let Some(file) = &args.write_baseline {
        baseline::Baseline::of(&scan, &root).write(file)?;
    }
    if let (Some(file), Some(base)) = (&args.baseline, &base) {
        let applied = baseline::apply(&mut scan, base, settings.options.fail_on, &root);
        if !args.quiet {
            eprintln!(
                "baseline {}: {} of the scan's findings and unknowns are in it and not reported; \
                 {} of its {} are no longer found",
                file.display(),
                applied.known,
                applied.fixed.len(),
                base.len()
            );
        }
        if args.show_fixed {
            if applied.fixed.is_empty() {
                eprintln!("fixed since the baseline: nothing");
            } else {
                eprintln!("fixed since the baseline:");
                for line in &applied.fixed {
                    eprintln!("  {}", egressproof_report::redact(line));
                }
            }
        }
    }
    let summary = ScanSummary {
        files,
        skipped,
        resources,
        workloads: scan.in_scope().map(|e| e.analysis.workloads.len()).sum(),
        seconds: started.elapsed().as_secs_f64(),
    };
    output::write_all(&targets, &scan, &summary, args, &root)?;
    Ok(ExitCode::from(exit::code(&scan, args)))
}

/// Loads every input found into one model: CloudFormation, the JSON it skipped (snapshots,
/// plans), Terraform. Fails (exit 2) only when no input could be read at all.
fn load(
    args: &ScanArgs,
    settings: &settings::Settings,
    found: discover::Discovered,
) -> Result<Loaded> {
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
        match inputs::read_other_json(path, display) {
            inputs::Other::Model(m) => {
                model.extend(m);
                files += 1;
            }
            inputs::Other::Unreadable(message) => {
                model.diagnostics.push(Diagnostic::new(
                    UnknownCode::EP901,
                    message,
                    Some(Span::new(display.clone(), 0, 0)),
                ));
            }
            inputs::Other::Neither => skipped += 1,
        }
    }
    let tf = loaders::terraform(&found.terraform_dirs, &settings.terraform);
    model.extend(tf.model);
    files += tf.files;
    if !args.quiet {
        let params = undeclared::warnings(
            undeclared::Kind::Param,
            &settings.params,
            &docs.declared_params,
        );
        let vars = undeclared::warnings(
            undeclared::Kind::Var,
            &settings.terraform.vars,
            &tf.declared_vars,
        );
        for w in params.iter().chain(&vars) {
            eprintln!("warning: {w}");
        }
    }

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
    Ok(Loaded {
        model,
        files,
        skipped,
    })
}

fn is_stdin(p: &Path) -> bool {
    p.as_os_str() == STDIN_PATH
}

fn shown(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// The repository root `--repo-root` names (resolved, so that paths below it are named from
/// it whatever links lead there), else the default of [`baseline::source_root`].
fn repo_root(args: &ScanArgs, paths: &[PathBuf]) -> Result<egressproof_report::SourceRoot> {
    let Some(dir) = &args.repo_root else {
        return Ok(baseline::source_root(paths));
    };
    let root = std::fs::canonicalize(dir)
        .ok()
        .filter(|d| d.is_dir())
        .ok_or_else(|| anyhow::anyhow!("--repo-root {}: not a directory", dir.display()))?;
    let cwd = std::env::current_dir().and_then(std::fs::canonicalize)?;
    Ok(egressproof_report::SourceRoot::new(root, cwd))
}
