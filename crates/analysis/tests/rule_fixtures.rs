//! Every rule against its own fixtures, with only that rule enabled (as ruff does).
//!
//! `fixtures/EPxxx/<prefix>_<name>.yaml`: the prefix says what must happen —
//! `pos_`/`leaks_`: the rule reports at least one finding; `neg_`/`sealed_`: it reports none;
//! `unknown_`: no finding, and at least one unknown. Each fixture's findings are also an insta
//! snapshot (message, fix, and the hop-by-hop path with file:line), so a change in wording or
//! path is reviewed, not silent.

use egressproof_analysis::{analyze, registry, Analysis, Options};
use egressproof_load_cfn::{load, Input, LoadOptions};
use std::fmt::Write;
use std::path::{Path, PathBuf};

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// Rules that judge other rules' findings (suppression hygiene) run with every rule on.
const JUDGES_OTHERS: &[&str] = &["EP801", "EP802"];

fn only(code: &str) -> Options {
    if JUDGES_OTHERS.contains(&code) {
        return Options::default();
    }
    Options {
        skip_rules: registry()
            .iter()
            .filter(|r| r.code != code)
            .map(|r| r.code.to_string())
            .collect(),
        ..Options::default()
    }
}

fn scan(path: &Path, code: &str) -> Analysis {
    let display = format!(
        "{}/{}",
        code,
        path.file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
    );
    let loaded = load(
        &[Input {
            path: path.to_path_buf(),
            display,
        }],
        &LoadOptions::default(),
    );
    analyze(&loaded.model, &only(code))
}

fn describe(analysis: &Analysis, code: &str) -> String {
    let mut out = String::new();
    for f in analysis.findings.iter().filter(|f| f.rule == code) {
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

#[test]
fn every_rule_fixture() {
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(fixtures_root())
        .expect("fixtures directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    for dir in dirs {
        let code = dir
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if egressproof_analysis::rule(&code).is_none() {
            continue;
        }
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
            .expect("rule fixture directory")
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                matches!(
                    p.extension().and_then(|e| e.to_str()),
                    Some("yaml" | "yml" | "json")
                )
            })
            .collect();
        files.sort();
        for file in files {
            let stem = file
                .file_stem()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            let analysis = scan(&file, &code);
            let fired = analysis
                .findings
                .iter()
                .any(|f| f.rule == code && !f.suppressed);
            let expectation = stem.split('_').next().unwrap_or_default();
            let ok = match expectation {
                "pos" | "leaks" => fired,
                "neg" | "sealed" => !fired,
                "unknown" => !fired && !analysis.unknowns.is_empty(),
                other => {
                    failures.push(format!("{code}/{stem}: unknown fixture prefix {other:?}"));
                    continue;
                }
            };
            if !ok {
                failures.push(format!(
                    "{code}/{stem}: expected {expectation}, got:\n{}",
                    describe(&analysis, &code)
                ));
            }
            insta::assert_snapshot!(format!("{code}__{stem}"), describe(&analysis, &code));
            checked += 1;
        }
    }
    assert!(checked > 0, "no fixtures found");
    assert!(
        failures.is_empty(),
        "{} fixture(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn every_rule_with_a_check_has_positive_and_negative_fixtures() {
    let root = fixtures_root();
    let mut missing = Vec::new();
    for meta in registry() {
        if meta.code.starts_with("EP9") {
            continue; // unknowns come from loaders; covered by loader and end-to-end tests
        }
        let names: Vec<String> = std::fs::read_dir(root.join(meta.code))
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
