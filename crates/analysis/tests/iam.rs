//! EP401 and EP501–EP504 on their fixtures, loaded through the CloudFormation loader.

use egressproof_analysis::{analyze, Analysis, Options, Verdict};
use egressproof_load_cfn::{load, Input, LoadOptions};
use std::path::PathBuf;

fn scan(rel: &str, options: &Options) -> Analysis {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel);
    let loaded = load(
        &[Input {
            path,
            display: rel.to_string(),
        }],
        &LoadOptions::default(),
    );
    analyze(&loaded.model, options)
}

fn run(rel: &str) -> Analysis {
    scan(rel, &Options::default())
}

fn messages<'a>(a: &'a Analysis, rule: &str) -> Vec<&'a str> {
    a.findings
        .iter()
        .filter(|f| f.rule == rule)
        .map(|f| f.message.as_str())
        .collect()
}

#[test]
fn ep401_no_restriction_is_open_from_anywhere() {
    let a = run("EP401/pos_no_restriction.yaml");
    let m = messages(&a, "EP401");
    assert_eq!(m.len(), 1, "{a:#?}");
    assert!(m[0].contains("role AnalystRole"), "{}", m[0]);
    assert!(
        m[0].contains("source IP 198.51.100.7, not through a VPC endpoint"),
        "{}",
        m[0]
    );
    assert_eq!(a.verdict, Verdict::Leaks);
}

#[test]
fn ep401_aws_default_when_nothing_restricts() {
    let a = run("EP401/pos_managed_full_access.yaml");
    let m = messages(&a, "EP401");
    assert!(!m.is_empty(), "{a:#?}");
    assert!(m[0].contains("AnalystRole"), "{}", m[0]);
}

#[test]
fn ep401_zero_cidr_is_no_restriction() {
    let a = run("EP401/pos_everything_is_corporate.yaml");
    let m = messages(&a, "EP401");
    assert_eq!(m.len(), 1, "{a:#?}");
    assert!(m[0].contains("source IP"), "{}", m[0]);
    assert!(
        a.assumptions.iter().all(|s| !s.contains("0.0.0.0/0")),
        "{:?}",
        a.assumptions
    );
}

#[test]
fn ep401_exempting_every_endpoint_is_a_bypass() {
    let a = run("EP401/pos_any_endpoint_exempt.yaml");
    let m = messages(&a, "EP401");
    assert_eq!(m.len(), 1, "{a:#?}");
    assert!(
        m[0].contains("through a VPC endpoint the scan does not declare"),
        "{}",
        m[0]
    );
}

#[test]
fn ep401_office_or_declared_endpoint_is_closed() {
    let a = run("EP401/neg_office_or_endpoint.yaml");
    assert!(messages(&a, "EP401").is_empty(), "{a:#?}");
    assert!(
        a.unknowns.iter().all(|u| !u.message.contains("EP401")),
        "{:?}",
        a.unknowns
    );
    assert!(
        a.assumptions.iter().any(|s| s.contains("203.0.113.0/24")),
        "the corporate network is taken from the policy: {:?}",
        a.assumptions
    );
}

#[test]
fn ep401_ip_only_deny_fails_closed_through_endpoints() {
    let a = run("EP401/neg_ip_only_fails_closed.yaml");
    assert!(messages(&a, "EP401").is_empty(), "{a:#?}");
}

#[test]
fn ep401_configured_trusted_cidrs_replace_the_policy_ones() {
    let options = Options {
        trusted_cidrs: vec!["192.0.2.0/24".parse().unwrap()],
        ..Options::default()
    };
    // The policy admits 203.0.113.0/24, which the user does not trust.
    let a = scan("EP401/neg_office_or_endpoint.yaml", &options);
    let m = messages(&a, "EP401");
    assert_eq!(m.len(), 1, "{a:#?}");
    assert!(m[0].contains("203.0.113."), "{}", m[0]);
}

#[test]
fn ep401_unresolved_cidr_is_unknown_not_sealed() {
    let a = run("EP401/unknown_office_cidr.yaml");
    assert!(messages(&a, "EP401").is_empty(), "{a:#?}");
    let u: Vec<_> = a
        .unknowns
        .iter()
        .filter(|u| u.rule == "EP902" && u.message.contains("EP401"))
        .collect();
    assert_eq!(u.len(), 1, "{:?}", a.unknowns);
    assert!(u[0].message.contains("OfficeCidr"), "{}", u[0].message);
    assert_ne!(a.verdict, Verdict::Sealed);
}

#[test]
fn ep501_to_ep503_without_guardrails() {
    let a = run("EP501/pos_no_guardrails.yaml");
    assert_eq!(messages(&a, "EP501").len(), 1, "{a:#?}");
    assert_eq!(messages(&a, "EP502").len(), 1);
    assert_eq!(messages(&a, "EP503").len(), 2, "notebooks and domains");
    assert!(messages(&a, "EP504").is_empty());
    // Low severity: the verdict is not `leaks` for these alone.
    assert_eq!(a.verdict, Verdict::Sealed);
}

#[test]
fn ep50x_silent_without_iam_policies() {
    let a = run("EP401/../EP504/pos_bool_on_string_key.yaml");
    assert!(messages(&a, "EP501").len() <= 1);
    let empty = analyze(&egressproof_model::Model::default(), &Options::default());
    assert!(empty.findings.is_empty());
}

#[test]
fn ep501_ep504_fail_closed_guardrails_pass() {
    let a = run("EP501/neg_guardrails.yaml");
    for rule in ["EP501", "EP502", "EP503", "EP504"] {
        assert!(messages(&a, rule).is_empty(), "{rule}: {a:#?}");
    }
    let a = run("EP504/neg_fail_closed.yaml");
    assert!(messages(&a, "EP504").is_empty(), "{a:#?}");
}

#[test]
fn ep504_bool_false_misses_the_absent_key_and_actions() {
    let a = run("EP504/pos_bool_false_misses_absent.yaml");
    let m = messages(&a, "EP504");
    assert_eq!(m.len(), 1, "{a:#?}");
    assert!(
        m[0].contains("sagemaker:CreateTrainingJob with sagemaker:networkisolation absent"),
        "{}",
        m[0]
    );
    assert!(
        m[0].contains("does not cover sagemaker:CreateDataQualityJobDefinition"),
        "missing actions are reported too: {}",
        m[0]
    );
    assert_eq!(a.verdict, Verdict::Leaks);
    // The guardrail exists, so EP501 stays quiet.
    assert!(messages(&a, "EP501").is_empty());
}

#[test]
fn ep504_bool_on_a_string_key_never_fires() {
    let a = run("EP504/pos_bool_on_string_key.yaml");
    let m = messages(&a, "EP504");
    assert_eq!(m.len(), 1, "{a:#?}");
    assert!(
        m[0].contains("sagemaker:directinternetaccess Enabled"),
        "{}",
        m[0]
    );
}
