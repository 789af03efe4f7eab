//! Every rule against its own fixtures, with only that rule enabled (as ruff does), in both input
//! formats.
//!
//! `fixtures/EPxxx/<prefix>_<name>.yaml` (CloudFormation) and its twin `<prefix>_<name>.tf`
//! (Terraform, loaded as a one-file module): the prefix says what must happen —
//! `pos_`/`leaks_`: the rule reports at least one finding; `neg_`/`sealed_`: it reports none;
//! `unknown_`: no finding, and at least one unknown. Each fixture's findings are also an insta
//! snapshot (message, fix, and the hop-by-hop path with file:line), one per format, so a change in
//! wording or path is reviewed, not silent.
//!
//! A fixture may carry the settings a user would give in `.egressproof.toml` or on the command
//! line (declared principals, trusted CIDRs, the trust limit) on a comment line starting with
//! `# egressproof-fixture:`, the same in both twins.
//!
//! The two formats describe the same environment, so they must reach the same verdict with the
//! same rule codes (the differential test): AWS behaves the same whichever tool wrote the
//! template, and a disagreement is a loader that drifted from the other. Every CloudFormation
//! fixture has a twin unless `NO_TWIN` says why it cannot have one. A Terraform fixture without
//! a CloudFormation twin tests what only Terraform has, and says so in its header (provisioners
//! such as `local-exec`: CloudFormation has none).

use egressproof_analysis::{analyze, registry, Analysis, Family, Options, Rule, Verdict};
use egressproof_load_cfn::{load, Input, LoadOptions};
use egressproof_load_tf::{load_dirs, TfOptions};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// CloudFormation fixtures without a Terraform twin, each with the reason there is none.
const NO_TWIN: &[(&str, &str)] = &[
    (
        "EP103/pos_processing_job",
        "the AWS provider has no processing job resource (jobs are started by the API or a pipeline)",
    ),
    (
        "EP903/unknown_service_token_topic",
        "Terraform invokes a function (aws_lambda_invocation), never a topic: a custom resource served through SNS exists only in CloudFormation",
    ),
];

/// Twins whose Terraform result differs from the CloudFormation one because the Terraform loader
/// does not yet read what the twin says, each with the loader gap. The twin is kept (it is right);
/// the pair is exempt from the differential test and the `.tf` from its prefix's expectation until
/// the loader is fixed, and an entry whose pair agrees again fails the test so the list only
/// shrinks.
const KNOWN_DRIFT: &[(&str, &str)] = &[];

/// Rules that judge other rules' findings (suppression hygiene) run with every rule on.
const JUDGES_OTHERS: &[Rule] = &[Rule::SuppressionWithoutReason, Rule::UnusedSuppression];

fn only(rule: Rule) -> Options {
    if JUDGES_OTHERS.contains(&rule) {
        return Options::default();
    }
    Options {
        skip_rules: registry()
            .iter()
            .map(|r| r.code)
            .filter(|c| *c != rule)
            .collect(),
        ..Options::default()
    }
}

/// The input format of a fixture, from its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Format {
    CloudFormation,
    Terraform,
}

impl Format {
    fn of(path: &Path) -> Option<Format> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("yaml" | "yml" | "json") => Some(Format::CloudFormation),
            Some("tf") => Some(Format::Terraform),
            _ => None,
        }
    }

    /// The snapshot suffix, so that both formats of a fixture have their own reviewed snapshot.
    fn suffix(self) -> &'static str {
        match self {
            Format::CloudFormation => "yaml",
            Format::Terraform => "tf",
        }
    }
}

/// One fixture file, loaded and analysed once for every test of this file.
struct Scanned {
    rule: Rule,
    stem: String,
    format: Format,
    analysis: Analysis,
}

impl Scanned {
    fn key(&self) -> String {
        format!("{}/{}", self.rule, self.stem)
    }

    /// Whether the fixture's own rule fired (unsuppressed).
    fn fired(&self) -> bool {
        self.analysis
            .findings
            .iter()
            .any(|f| f.rule == self.rule && !f.suppressed)
    }

    /// What the differential test compares: the verdict and the rule codes reported.
    fn outcome(&self) -> (Verdict, BTreeSet<Rule>) {
        let rules = self
            .analysis
            .findings
            .iter()
            .map(|f| f.rule)
            .chain(self.analysis.unknowns.iter().map(|u| u.rule))
            .collect();
        (self.analysis.verdict, rules)
    }
}

/// The marker of a fixture's options line: `# egressproof-fixture: principals=complete
/// trusted-cidr=203.0.113.0/24 max-trusted-prefix=20`, a comment in both formats and the same
/// line in both twins. It stands for what a user sets in `.egressproof.toml` or on the command
/// line, which a template cannot say.
const OPTIONS_MARKER: &str = "# egressproof-fixture:";

/// The rule's options with the fixture's own on top; an unknown setting fails the test.
fn fixture_options(path: &Path, rule: Rule) -> Options {
    let mut options = only(rule);
    let text = std::fs::read_to_string(path).expect("fixture text");
    for line in text.lines() {
        let Some(settings) = line.trim().strip_prefix(OPTIONS_MARKER) else {
            continue;
        };
        for setting in settings.split_whitespace() {
            match setting.split_once('=') {
                Some(("principals", "complete")) => {
                    options.principals = egressproof_analysis::Principals::Complete
                }
                Some(("trusted-cidr", cidr)) => options
                    .trusted_cidrs
                    .push(cidr.parse().expect("trusted-cidr is a CIDR")),
                Some(("max-trusted-prefix", n)) => {
                    options.trust_limit.v4 = n.parse().expect("max-trusted-prefix is a number")
                }
                _ => panic!("{}: unknown fixture setting {setting:?}", path.display()),
            }
        }
    }
    options
}

fn scan_cfn(path: &Path, rule: Rule, name: &str) -> Analysis {
    let loaded = load(
        &[Input {
            path: path.to_path_buf(),
            display: format!("{rule}/{name}"),
        }],
        &LoadOptions::default(),
    );
    analyze(&loaded.model, &fixture_options(path, rule))
}

/// A `.tf` fixture is loaded as a module of its own: the file alone in a fresh directory, shown
/// as `EPxxx/<file>.tf` so that spans read like the CloudFormation twin's.
fn scan_tf(path: &Path, rule: Rule, name: &str) -> Analysis {
    let dir = std::env::temp_dir().join(format!(
        "egressproof-rule-fixture-{}-{rule}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary module directory");
    std::fs::copy(path, dir.join(name)).expect("copy of the Terraform fixture");
    let loaded = load_dirs(&[(dir.clone(), rule.to_string())], &TfOptions::default());
    let _ = std::fs::remove_dir_all(&dir);
    analyze(&loaded.model, &fixture_options(path, rule))
}

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Every fixture of every rule directory, loaded once.
fn scanned() -> &'static [Scanned] {
    static ALL: OnceLock<Vec<Scanned>> = OnceLock::new();
    ALL.get_or_init(|| {
        let mut out = Vec::new();
        let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures_root())
            .expect("fixtures directory")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_dir())
            .collect();
        dirs.sort();
        for dir in dirs {
            let Some(rule) = dir
                .file_name()
                .and_then(|n| n.to_str())
                .and_then(|n| n.parse::<Rule>().ok())
            else {
                continue;
            };
            let mut files: Vec<(PathBuf, Format)> = std::fs::read_dir(&dir)
                .expect("rule fixture directory")
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter_map(|p| Format::of(&p).map(|f| (p, f)))
                .collect();
            files.sort();
            for (file, format) in files {
                let name = file
                    .file_name()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default()
                    .to_string();
                let stem = file
                    .file_stem()
                    .and_then(|n| n.to_str())
                    .unwrap_or_default()
                    .to_string();
                let analysis = match format {
                    Format::CloudFormation => scan_cfn(&file, rule, &name),
                    Format::Terraform => scan_tf(&file, rule, &name),
                };
                out.push(Scanned {
                    rule,
                    stem,
                    format,
                    analysis,
                });
            }
        }
        out
    })
}

fn describe(analysis: &Analysis, rule: Rule) -> String {
    let mut out = String::new();
    for f in analysis.findings.iter().filter(|f| f.rule == rule) {
        let _ = writeln!(
            out,
            "{} {} {} ({})",
            f.rule,
            f.severity.as_str(),
            f.resource.name,
            f.resource.span
        );
        let _ = writeln!(out, "  {}", f.message);
        for hop in &f.path {
            let _ = writeln!(
                out,
                "  -> {} [{}] {}: {}",
                hop.resource.name, hop.resource.type_name, hop.resource.span, hop.note
            );
        }
        let _ = writeln!(out, "  fix: {}", f.fix.lines().next().unwrap_or_default());
    }
    for u in &analysis.unknowns {
        let span = u.span.as_ref().map(|s| s.to_string()).unwrap_or_default();
        let _ = writeln!(out, "{} {}: {}", u.rule, span, u.message);
    }
    out
}

fn listed(list: &[(&str, &str)], key: &str) -> bool {
    list.iter().any(|(k, _)| *k == key)
}

#[test]
fn every_rule_fixture() {
    let mut failures = Vec::new();
    let all = scanned();
    for s in all {
        let expectation = s.stem.split('_').next().unwrap_or_default();
        let ok = match expectation {
            "pos" | "leaks" => s.fired(),
            "neg" | "sealed" => !s.fired(),
            "unknown" => !s.fired() && !s.analysis.unknowns.is_empty(),
            other => {
                failures.push(format!("{}: unknown fixture prefix {other:?}", s.key()));
                continue;
            }
        };
        let drift = s.format == Format::Terraform && listed(KNOWN_DRIFT, &s.key());
        if !ok && !drift {
            failures.push(format!(
                "{} ({}): expected {expectation}, got:\n{}",
                s.key(),
                s.format.suffix(),
                describe(&s.analysis, s.rule)
            ));
        }
        let mut settings = insta::Settings::clone_current();
        settings.set_snapshot_suffix(s.format.suffix());
        settings.bind(|| {
            insta::assert_snapshot!(
                format!("{}__{}", s.rule, s.stem),
                describe(&s.analysis, s.rule)
            );
        });
    }
    assert!(!all.is_empty(), "no fixtures found");
    assert!(
        failures.is_empty(),
        "{} fixture(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The CloudFormation and Terraform forms of one environment agree on the verdict and on the rule
/// codes of findings and unknowns.
#[test]
fn both_formats_agree() {
    let mut pairs: BTreeMap<String, BTreeMap<Format, &Scanned>> = BTreeMap::new();
    for s in scanned() {
        pairs.entry(s.key()).or_default().insert(s.format, s);
    }
    let mut failures = Vec::new();
    let mut compared = 0;
    for (key, by_format) in &pairs {
        let (Some(cfn), Some(tf)) = (
            by_format.get(&Format::CloudFormation),
            by_format.get(&Format::Terraform),
        ) else {
            continue;
        };
        compared += 1;
        let agree = cfn.outcome() == tf.outcome();
        match (agree, listed(KNOWN_DRIFT, key)) {
            (true, true) => failures.push(format!(
                "{key}: both formats now agree; remove it from KNOWN_DRIFT"
            )),
            (false, false) => {
                let (cv, cc) = cfn.outcome();
                let (tv, tc) = tf.outcome();
                failures.push(format!(
                    "{key}: the formats disagree\n\
                     CloudFormation: {} {cc:?}\n{}\
                     Terraform: {} {tc:?}\n{}",
                    cv.as_str(),
                    describe(&cfn.analysis, cfn.rule),
                    tv.as_str(),
                    describe(&tf.analysis, tf.rule)
                ));
            }
            _ => {}
        }
    }
    for (key, _) in KNOWN_DRIFT {
        if pairs.get(*key).is_none_or(|p| p.len() != 2) {
            failures.push(format!(
                "{key}: listed in KNOWN_DRIFT but not a pair of fixtures"
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {compared} pair(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// Every CloudFormation fixture has a Terraform twin, or `NO_TWIN` gives the reason; an entry of
/// `NO_TWIN` that has a twin (or no fixture) is stale and fails too.
#[test]
fn every_cloudformation_fixture_has_a_terraform_twin() {
    let mut formats: BTreeMap<String, BTreeSet<Format>> = BTreeMap::new();
    for s in scanned() {
        formats.entry(s.key()).or_default().insert(s.format);
    }
    let mut failures = Vec::new();
    for (key, f) in &formats {
        let cfn = f.contains(&Format::CloudFormation);
        let tf = f.contains(&Format::Terraform);
        match (cfn && !tf, listed(NO_TWIN, key)) {
            (true, false) => failures.push(format!("{key}: no Terraform twin ({key}.tf)")),
            (false, true) => failures.push(format!(
                "{key}: listed in NO_TWIN but has a twin or no CloudFormation fixture"
            )),
            _ => {}
        }
    }
    for (key, reason) in NO_TWIN {
        if reason.trim().is_empty() {
            failures.push(format!("{key}: NO_TWIN entry without a reason"));
        }
        if !formats.contains_key(*key) {
            failures.push(format!("{key}: listed in NO_TWIN but no such fixture"));
        }
    }
    assert!(
        failures.is_empty(),
        "{} fixture(s) without a twin:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_with_a_check_has_positive_and_negative_fixtures() {
    let root = fixtures_root();
    let mut missing = Vec::new();
    for meta in registry() {
        if meta.code.family() == Family::Unknowns {
            continue; // unknowns come from loaders; covered by loader and end-to-end tests
        }
        let names: Vec<String> = std::fs::read_dir(root.join(meta.code.as_str()))
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        let has = |prefixes: &[&str]| {
            names
                .iter()
                .any(|n| prefixes.iter().any(|p| n.starts_with(p)))
        };
        if !has(&["pos_", "leaks_"]) || !has(&["neg_", "sealed_"]) {
            missing.push(meta.code);
        }
    }
    assert!(
        missing.is_empty(),
        "rules without positive and negative fixtures: {missing:?}"
    );
}
