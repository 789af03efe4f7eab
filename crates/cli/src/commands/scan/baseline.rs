//! Baselines: a team adopting the scan on infrastructure that already has findings records them
//! once (`--write-baseline FILE`), and from then on each scan with `--baseline FILE` reports,
//! and gates on, only what is new. What the baseline holds and the scan no longer finds is
//! "fixed" (`--show-fixed`).
//!
//! Findings and unknowns are matched by the fingerprints SARIF carries
//! ([`egressproof_report::Fingerprints`]): what a finding is (rule, environment, resource, the
//! channel's hops), not where it is printed, so that moving a resource down a file does not make
//! its finding new, with files named from the repository root so that the working directory
//! does not matter either.

use anyhow::{bail, Context as _, Result};
use egressproof_analysis::{Analysis, Finding, Scan, Severity, Verdict};
use egressproof_model::Ident;
use egressproof_report::{Fingerprints, SourceRoot};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashSet};
use std::path::Path;

/// The schema version written into every baseline; a file of another one is refused.
const VERSION: u32 = 1;

/// A baseline file: every finding and unknown of a scan, by fingerprint, with enough beside it
/// for a person to read (and `--show-fixed` to print) what each one was.
#[derive(Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Baseline {
    egressproof_baseline: u32,
    findings: Vec<Entry>,
    unknowns: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    fingerprint: String,
    rule: String,
    environment: String,
    /// `Name (Type)` of a finding's resource; empty for an unknown.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    resource: String,
    file: String,
    message: String,
}

impl Baseline {
    /// The findings (not suppressed: those are accepted already) and unknowns of every
    /// environment in scope.
    pub fn of(scan: &Scan, root: &SourceRoot) -> Baseline {
        let prints = Prints::of(scan, root);
        let mut findings = Vec::new();
        let mut unknowns = Vec::new();
        for (n, e) in scan.environments.iter().enumerate() {
            if !e.in_scope {
                continue;
            }
            for (i, f) in e.analysis.findings.iter().enumerate() {
                if f.suppressed {
                    continue;
                }
                findings.push(Entry {
                    fingerprint: prints.finding(n, i),
                    rule: f.rule.as_str().to_string(),
                    environment: root.name(&e.name),
                    resource: format!("{} ({})", f.resource.name, f.resource.type_name),
                    file: root.name(&f.resource.span.file),
                    message: f.message.clone(),
                });
            }
            for (i, u) in e.analysis.unknowns.iter().enumerate() {
                unknowns.push(Entry {
                    fingerprint: prints.unknown(n, i),
                    rule: u.rule.as_str().to_string(),
                    environment: root.name(&e.name),
                    resource: String::new(),
                    file: u
                        .span
                        .as_ref()
                        .map(|s| root.name(&s.file))
                        .unwrap_or_default(),
                    message: u.message.clone(),
                });
            }
        }
        findings.sort();
        findings.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        unknowns.sort();
        unknowns.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        Baseline {
            egressproof_baseline: VERSION,
            findings,
            unknowns,
        }
    }

    pub fn read(path: &Path) -> Result<Baseline> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("could not read the baseline {}", path.display()))?;
        let baseline: Baseline = serde_json::from_str(&text).with_context(|| {
            format!(
                "{} is not a baseline written by --write-baseline",
                path.display()
            )
        })?;
        if baseline.egressproof_baseline != VERSION {
            bail!(
                "{}: a baseline of version {} (this egressproof reads version {VERSION}); \
                 write it again with --write-baseline",
                path.display(),
                baseline.egressproof_baseline
            );
        }
        Ok(baseline)
    }

    pub fn write(&self, path: &Path) -> Result<()> {
        let mut text = serde_json::to_string_pretty(self)?;
        text.push('\n');
        std::fs::write(path, text)
            .with_context(|| format!("could not write the baseline to {}", path.display()))
    }

    pub fn len(&self) -> usize {
        self.findings.len() + self.unknowns.len()
    }
}

/// What applying a baseline left out of the report.
#[derive(Debug, Default)]
pub(super) struct Applied {
    /// Findings and unknowns of the scan that the baseline holds (not reported).
    pub known: usize,
    /// Entries of the baseline the scan no longer finds, as printable lines.
    pub fixed: Vec<String>,
}

/// Removes from the scan every finding and unknown the baseline holds, and derives the verdicts
/// again from what is left (the threshold is the scan's `fail_on`).
pub(super) fn apply(
    scan: &mut Scan,
    baseline: &Baseline,
    fail_on: Severity,
    root: &SourceRoot,
) -> Applied {
    let findings: HashSet<&str> = baseline
        .findings
        .iter()
        .map(|e| e.fingerprint.as_str())
        .collect();
    let unknowns: HashSet<&str> = baseline
        .unknowns
        .iter()
        .map(|e| e.fingerprint.as_str())
        .collect();
    let prints = Prints::of(scan, root);
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut applied = Applied::default();
    for (n, e) in scan.environments.iter_mut().enumerate() {
        if !e.in_scope {
            continue;
        }
        let a = &mut e.analysis;
        let before = a.findings.len() + a.unknowns.len();
        let mut i = 0;
        a.findings.retain(|f| {
            let fp = prints.finding(n, i);
            i += 1;
            if f.suppressed {
                return true;
            }
            let known = findings.contains(fp.as_str());
            seen.insert(fp);
            !known
        });
        let mut i = 0;
        a.unknowns.retain(|_| {
            let fp = prints.unknown(n, i);
            i += 1;
            let known = unknowns.contains(fp.as_str());
            seen.insert(fp);
            !known
        });
        applied.known += before - (a.findings.len() + a.unknowns.len());
        derive_verdicts(a, fail_on);
    }
    scan.verdict = scan
        .in_scope()
        .map(|e| e.analysis.verdict)
        .max()
        .unwrap_or(Verdict::Sealed);
    for (kind, entries) in [
        ("finding", &baseline.findings),
        ("unknown", &baseline.unknowns),
    ] {
        for entry in entries.iter().filter(|e| !seen.contains(&e.fingerprint)) {
            applied.fixed.push(describe(kind, entry));
        }
    }
    applied
}

fn describe(kind: &str, e: &Entry) -> String {
    let what = if e.resource.is_empty() {
        String::new()
    } else {
        format!(" {}", e.resource)
    };
    let at = if e.file.is_empty() {
        String::new()
    } else {
        format!(" {}", e.file)
    };
    format!(
        "{} {kind}{what}{at} [{}]: {}",
        e.rule, e.environment, e.message
    )
}

/// DESIGN.md §2 applied to what a baseline left: `leaks` when a finding that counts (not
/// suppressed, not hardening, at or above the threshold) remains, else `unproven` when an
/// unknown remains, else `sealed`; each workload likewise, by the findings that name it. The
/// analysis derives the same from the same findings (a test holds the two together).
pub(super) fn derive_verdicts(a: &mut Analysis, fail_on: Severity) {
    let counts =
        |f: &Finding| !f.suppressed && f.severity >= fail_on && f.rule.counts_for_verdict();
    a.verdict = if a.findings.iter().any(counts) {
        Verdict::Leaks
    } else if !a.unknowns.is_empty() {
        Verdict::Unproven
    } else {
        Verdict::Sealed
    };
    let leaking: HashSet<Ident> = a
        .findings
        .iter()
        .filter(|f| counts(f))
        .flat_map(|f| f.workloads.iter().chain(std::iter::once(&f.resource.id)))
        .cloned()
        .collect();
    let unknowns = !a.unknowns.is_empty();
    for w in &mut a.workloads {
        w.verdict = if leaking.contains(&w.resource.id) {
            Verdict::Leaks
        } else if unknowns {
            Verdict::Unproven
        } else {
            Verdict::Sealed
        };
    }
}

// --- fingerprints ----------------------------------------------------------------------------

/// The fingerprints of a scan, by environment and index: those SARIF's `partialFingerprints`
/// carry (one definition, in the report crate), so a baseline and GitHub code scanning agree on
/// what is the same finding.
struct Prints(Fingerprints);

impl Prints {
    fn of(scan: &Scan, root: &SourceRoot) -> Prints {
        Prints(Fingerprints::of(scan, root))
    }

    /// The fingerprint of `environments[env].analysis.findings[index]`.
    fn finding(&self, env: usize, index: usize) -> String {
        self.0
            .finding(env, index)
            .map(str::to_string)
            .unwrap_or_default()
    }

    /// The fingerprint of `environments[env].analysis.unknowns[index]`.
    fn unknown(&self, env: usize, index: usize) -> String {
        self.0
            .unknown(env, index)
            .map(str::to_string)
            .unwrap_or_default()
    }
}

/// Where files are named from, so that the same checkout gives the same fingerprints whatever
/// the working directory: the git repository holding the first scanned path, else the working
/// directory.
pub(super) fn source_root(paths: &[std::path::PathBuf]) -> SourceRoot {
    let Ok(cwd) = std::env::current_dir().and_then(std::fs::canonicalize) else {
        return SourceRoot::default();
    };
    let root = paths
        .first()
        .and_then(|p| egressproof_fs::repository_root(p))
        .unwrap_or_else(|| cwd.clone());
    SourceRoot::new(root, cwd)
}
