//! EP301 and EP302 on their fixtures, in both formats: what the verdict rests on (the buckets
//! taken as ours) and what decides it, beyond the findings the rule fixture snapshots show.

use egressproof_analysis::{analyze, Analysis, AssumptionKind, Options, Rule, Verdict};
use egressproof_load_cfn::{load, Input, LoadOptions};
use egressproof_load_tf::{load_dirs, TfOptions};
use std::path::{Path, PathBuf};

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// Only `rule` runs, as in the rule fixture harness.
fn only(rule: Rule) -> Options {
    Options {
        skip_rules: egressproof_analysis::registry()
            .iter()
            .map(|r| r.code)
            .filter(|c| *c != rule)
            .collect(),
        ..Options::default()
    }
}

fn cfn(rel: &str, rule: Rule) -> Analysis {
    let loaded = load(
        &[Input {
            path: fixture(rel),
            display: rel.to_string(),
        }],
        &LoadOptions::default(),
    );
    analyze(&loaded.model, &only(rule))
}

fn tf(rel: &str, rule: Rule) -> Analysis {
    let dir = std::env::temp_dir().join(format!(
        "egressproof-endpoint-policies-{}-{}",
        std::process::id(),
        rel.replace('/', "-")
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary module directory");
    std::fs::copy(fixture(rel), dir.join("main.tf")).expect("copy of the fixture");
    let loaded = load_dirs(&[(dir.clone(), "t".to_string())], &TfOptions::default());
    let _ = std::fs::remove_dir_all(&dir);
    analyze(&loaded.model, &only(rule))
}

/// Both formats of a fixture (`EP301/name` without extension).
fn both(stem: &str, rule: Rule) -> [Analysis; 2] {
    [
        cfn(&format!("{stem}.yaml"), rule),
        tf(&format!("{stem}.tf"), rule),
    ]
}

fn bucket_assumptions(a: &Analysis) -> Vec<&str> {
    a.assumptions
        .iter()
        .filter(|s| s.kind == AssumptionKind::BucketNames)
        .map(|s| s.message.as_str())
        .collect()
}

#[test]
fn exact_names_outside_the_scan_are_taken_as_ours_and_said_so() {
    for (a, hole) in both(
        "EP301/sealed_bucket_names_with_unresolved_parts",
        Rule::S3EndpointForeignWrite,
    )
    .iter()
    .zip(["${ProjectName}", "${var.project_name}"])
    {
        assert_eq!(a.verdict, Verdict::Sealed, "{a:#?}");
        assert!(a.unknowns.is_empty(), "{:#?}", a.unknowns);
        let said = bucket_assumptions(a);
        let models = format!("{hole}-models-${{AWS::AccountId}}");
        let terraform_models = format!("{hole}-models-${{");
        assert!(
            said.iter()
                .any(|m| (m.contains(&models) || m.contains(&terraform_models))
                    && m.contains("not created by the scan")),
            "{said:#?}"
        );
        // The data bucket is the scan's own: counted as ours, not assumed from the policy.
        assert!(
            said.iter()
                .filter(|m| m.contains("not created by the scan"))
                .all(|m| !m.contains("-data-")),
            "{said:#?}"
        );
    }
}

#[test]
fn buckets_named_by_reference_are_the_scans_own() {
    for a in both(
        "EP301/sealed_own_buckets_by_reference",
        Rule::S3EndpointForeignWrite,
    ) {
        assert_eq!(a.verdict, Verdict::Sealed, "{a:#?}");
        assert!(a.findings.is_empty() && a.unknowns.is_empty(), "{a:#?}");
        // Nothing is assumed from the policy: every bucket it names is in the scan.
        assert!(
            bucket_assumptions(&a)
                .iter()
                .all(|m| !m.contains("not created by the scan")),
            "{:#?}",
            a.assumptions
        );
    }
}

#[test]
fn a_pattern_with_unresolved_parts_is_decided_where_they_do_not_matter() {
    for a in both(
        "EP301/leaks_bucket_pattern_with_unresolved_parts",
        Rule::S3EndpointForeignWrite,
    ) {
        assert_eq!(a.verdict, Verdict::Leaks);
        assert!(a.unknowns.is_empty(), "{:#?}", a.unknowns);
    }
    // One element left unresolved and one exact bucket of the scan: the unresolved element may
    // name any bucket, so the answer waits for its value.
    for a in both(
        "EP301/unknown_resource_list_unresolved_own_bucket",
        Rule::S3EndpointForeignWrite,
    ) {
        assert_eq!(a.verdict, Verdict::Unproven, "{a:#?}");
    }
}
