//! EP401 and EP501–EP504 on their fixtures, loaded through the CloudFormation loader.

use egressproof_analysis::{
    analyze, analyze_scan, Analysis, AssumptionKind, Options, Principals, Severity, Verdict,
};
use egressproof_load_cfn::{load, Input, LoadOptions};
use egressproof_model::Model;
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

/// The role of the fixture is the only principal of the account, as the fixtures that test a
/// role's own restriction declare (`principals = "complete"`).
fn complete() -> Options {
    Options {
        principals: Principals::Complete,
        ..Options::default()
    }
}

fn assumed(a: &Analysis, kind: AssumptionKind) -> Vec<&str> {
    a.assumptions
        .iter()
        .filter(|s| s.kind == kind)
        .map(|s| s.message.as_str())
        .collect()
}

#[test]
fn ep401_no_restriction_is_open_from_anywhere() {
    let a = run("EP401/pos_no_restriction.yaml");
    let m = messages(&a, "EP401");
    assert_eq!(m.len(), 2, "the role and every other principal: {a:#?}");
    let role = m.iter().find(|m| m.contains("role AnalystRole")).unwrap();
    assert!(
        role.contains("source IP 198.51.100.7, not through a VPC endpoint"),
        "{role}"
    );
    assert_eq!(a.verdict, Verdict::Leaks);
}

#[test]
fn ep401_aws_default_when_nothing_restricts() {
    let a = run("EP401/pos_managed_full_access.yaml");
    let m = messages(&a, "EP401");
    assert!(m.iter().any(|m| m.contains("AnalystRole")), "{a:#?}");
}

#[test]
fn ep401_zero_cidr_is_no_restriction() {
    let a = scan("EP401/pos_everything_is_corporate.yaml", &complete());
    let m = messages(&a, "EP401");
    assert_eq!(m.len(), 1, "{a:#?}");
    assert!(m[0].contains("source IP"), "{}", m[0]);
    assert!(
        a.assumptions
            .iter()
            .all(|s| !s.message.contains("0.0.0.0/0")),
        "{:?}",
        a.assumptions
    );
}

#[test]
fn ep401_exempting_every_endpoint_is_a_bypass() {
    let a = scan("EP401/pos_any_endpoint_exempt.yaml", &complete());
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
    let a = scan("EP401/neg_office_or_endpoint.yaml", &complete());
    assert!(messages(&a, "EP401").is_empty(), "{a:#?}");
    assert!(
        a.unknowns.iter().all(|u| !u.message.contains("EP401")),
        "{:?}",
        a.unknowns
    );
    let corporate = assumed(&a, AssumptionKind::CorporateNetwork);
    assert!(
        corporate.iter().any(|s| s.contains("203.0.113.0/24")),
        "the corporate network is taken from the policy: {:?}",
        a.assumptions
    );
    let declared = assumed(&a, AssumptionKind::PrincipalsComplete);
    assert_eq!(declared.len(), 1, "{:?}", a.assumptions);
    assert!(declared[0].contains("principals = \"complete\""));
}

#[test]
fn ep401_a_restricted_role_leaves_every_other_principal_open() {
    // The same template without the declaration: the role's Deny restricts the role only.
    let a = run("EP401/pos_other_principal_of_the_account.yaml");
    let m = messages(&a, "EP401");
    assert_eq!(m.len(), 1, "{a:#?}");
    assert!(
        m[0].contains("any other principal of the account"),
        "{}",
        m[0]
    );
    assert!(!m[0].contains("role AnalystRole"), "{}", m[0]);
    assert_eq!(a.verdict, Verdict::Leaks);
    assert_eq!(assumed(&a, AssumptionKind::ScpsOutsideScan).len(), 1);
    assert!(assumed(&a, AssumptionKind::PrincipalsComplete).is_empty());
}

#[test]
fn ep401_an_scp_of_the_scan_restricts_every_principal() {
    let a = run("EP401/neg_scp_restricts_everyone.yaml");
    assert!(messages(&a, "EP401").is_empty(), "{a:#?}");
    assert!(a.unknowns.is_empty(), "{:?}", a.unknowns);
    let scope = assumed(&a, AssumptionKind::ScpScope);
    assert_eq!(scope.len(), 1, "{:?}", a.assumptions);
    assert!(scope[0].contains("PresignedUrlGuardrail"), "{}", scope[0]);
    assert!(scope[0].contains("111122223333"), "{}", scope[0]);
}

#[test]
fn ep401_a_snapshot_holds_every_principal() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/EP401/pos_other_principal_of_the_account.yaml");
    let mut model = load(
        &[Input {
            path,
            display: "account".into(),
        }],
        &LoadOptions::default(),
    )
    .model;
    model.principals_complete = true;
    let a = analyze(&model, &Options::default());
    assert!(messages(&a, "EP401").is_empty(), "{a:#?}");
    let read = assumed(&a, AssumptionKind::PrincipalsComplete);
    assert_eq!(read.len(), 1, "{:?}", a.assumptions);
    assert!(read[0].contains("snapshot"), "{}", read[0]);
}

#[test]
fn ep401_sso_domains_have_no_presigned_url() {
    let a = run("EP401/neg_sso_domain.yaml");
    assert!(messages(&a, "EP401").is_empty(), "{a:#?}");
    let idp = assumed(&a, AssumptionKind::IdentityProvider);
    assert_eq!(idp.len(), 1, "{:?}", a.assumptions);
    assert!(idp[0].contains("Studio domain Studio is in SSO mode"));
    // The same domain in IAM mode is open.
    let a = run("EP401/pos_iam_domain.yaml");
    assert_eq!(messages(&a, "EP401").len(), 2, "{a:#?}");
}

#[test]
fn ep401_an_unresolved_attached_policy_is_unknown_not_a_finding() {
    let a = scan("EP401/unknown_unresolved_attached_policy.yaml", &complete());
    assert!(messages(&a, "EP401").is_empty(), "{a:#?}");
    let u: Vec<_> = a
        .unknowns
        .iter()
        .filter(|u| {
            u.rule == "EP902"
                && u.message.starts_with("EP401")
                && u.message.contains("role AnalystRole")
        })
        .collect();
    assert_eq!(u.len(), 1, "{:?}", a.unknowns);
    assert!(u[0].message.contains("TeamPolicyArn"), "{}", u[0].message);
    assert_eq!(a.verdict, Verdict::Unproven);
}

#[test]
fn ep401_ip_only_deny_fails_closed_through_endpoints() {
    let a = scan("EP401/neg_ip_only_fails_closed.yaml", &complete());
    assert!(messages(&a, "EP401").is_empty(), "{a:#?}");
}

#[test]
fn ep401_configured_trusted_cidrs_replace_the_policy_ones() {
    let options = Options {
        trusted_cidrs: vec!["192.0.2.0/24".parse().unwrap()],
        ..complete()
    };
    // The policy admits 203.0.113.0/24, which the user does not trust.
    let a = scan("EP401/neg_office_or_endpoint.yaml", &options);
    let m = messages(&a, "EP401");
    assert_eq!(m.len(), 1, "{a:#?}");
    assert!(m[0].contains("203.0.113."), "{}", m[0]);
    assert!(assumed(&a, AssumptionKind::CorporateNetwork).is_empty());
}

#[test]
fn ep401_unresolved_cidr_is_unknown_not_sealed() {
    let a = scan("EP401/unknown_office_cidr.yaml", &complete());
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
    // A guardrail failing open is no worse than none (EP501 is low too): the verdict is not
    // `leaks` at the default threshold.
    assert!(
        a.findings.iter().all(|f| f.severity == Severity::Low),
        "{a:#?}"
    );
    assert_eq!(a.verdict, Verdict::Sealed);
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

/// The fixture's account as one input of a scan: a snapshot that listed every principal of its
/// account (or did not), or a template; all of them name the same organization, so that
/// scanned together they are one environment.
fn input_of_org(display: &str, kind: egressproof_model::InputKind, complete: bool) -> Model {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/EP401/pos_other_principal_of_the_account.yaml");
    let mut model = load(
        &[Input {
            path,
            display: display.into(),
        }],
        &LoadOptions::default(),
    )
    .model;
    model.principals_complete = complete;
    let org = vec![egressproof_model::SharedName::Organization(
        "o-a1b2c3d4e5".into(),
    )];
    model.as_input(display, kind, org.clone(), org);
    model
}

/// The EP401 findings of each environment of the scan of `inputs` together.
fn ep401_by_environment(inputs: Vec<Model>) -> Vec<(String, usize, bool)> {
    let mut model = Model::default();
    for m in inputs {
        model.extend(m);
    }
    let scan = analyze_scan(model, &Options::default(), &[]);
    scan.environments
        .iter()
        .map(|e| {
            (
                e.name.clone(),
                messages(&e.analysis, "EP401").len(),
                !assumed(&e.analysis, AssumptionKind::PrincipalsComplete).is_empty(),
            )
        })
        .collect()
}

#[test]
fn ep401_an_environment_holds_every_principal_only_when_each_of_its_inputs_does() {
    use egressproof_model::InputKind::{Snapshot, Template};
    let a = || input_of_org("account-a.json", Snapshot, true);
    // One snapshot that listed every principal: no other principal exists.
    assert_eq!(
        ep401_by_environment(vec![a()]),
        [("account-a.json".to_string(), 0, true)]
    );
    // Two such snapshots of one organization: still every principal of both accounts.
    assert_eq!(
        ep401_by_environment(vec![a(), input_of_org("account-b.json", Snapshot, true)]),
        [("account-a.json".to_string(), 0, true)]
    );
    // A second account whose IAM listing failed: its other principals can open its notebook.
    let with_incomplete =
        ep401_by_environment(vec![a(), input_of_org("account-b.json", Snapshot, false)]);
    assert_eq!(with_incomplete.len(), 1, "{with_incomplete:?}");
    assert!(
        with_incomplete[0].1 >= 1 && !with_incomplete[0].2,
        "{with_incomplete:?}"
    );
    // A template joined to the snapshot names no account: the principals beside it are unseen.
    let with_template =
        ep401_by_environment(vec![a(), input_of_org("stack.yaml", Template, false)]);
    assert_eq!(with_template.len(), 1, "{with_template:?}");
    assert!(
        with_template[0].1 >= 1 && !with_template[0].2,
        "{with_template:?}"
    );
}
