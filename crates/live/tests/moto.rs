//! Snapshots of environments created in moto (an AWS API peer on loopback), analyzed like any
//! other input. Run through `scripts/with-moto cargo test -p egressproof-live --features live`,
//! which starts moto and sets `EGRESSPROOF_MOTO_ENDPOINT`; without it these tests fail with a
//! message, they never skip.
//!
//! Each test uses its own region: moto keeps EC2 and SageMaker state per region, so tests that
//! run in parallel do not see each other's resources.
#![cfg(feature = "live")]

use egressproof_analysis::{analyze, Analysis, Options as AnalysisOptions, Verdict};
use egressproof_live::{is_read_only, snapshot, Options, Snapshot, OPERATIONS};
use egressproof_load_cfn::{load, Input, LoadOptions};
use egressproof_model::{Attr, Kind, Model, UnknownCode};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::RwLock;

/// IAM is global in moto: the test that creates IAM resources runs alone (write), the others
/// together (read).
static IAM: RwLock<()> = RwLock::new(());

/// Operations moto 5 does not implement (it answers with an HTML 404). The snapshot rightly
/// reports them as EP904; the tests drop exactly these, so any other failed call still fails.
const MOTO_GAPS: &[&str] = &[
    "sagemaker:ListFeatureGroups",
    "sagemaker:ListMonitoringSchedules",
    "sagemaker:ListSpaces",
    "sagemaker:ListUserProfiles",
];

fn without_moto_gaps(mut s: Snapshot) -> Snapshot {
    for gap in MOTO_GAPS {
        let before = s.model.diagnostics.len();
        s.model.diagnostics.retain(|d| !d.message.starts_with(gap));
        assert_eq!(
            before,
            s.model.diagnostics.len() + 1,
            "expected one EP904 for {gap}"
        );
    }
    s
}

fn endpoint() -> String {
    std::env::var("EGRESSPROOF_MOTO_ENDPOINT").unwrap_or_else(|_| {
        panic!(
            "EGRESSPROOF_MOTO_ENDPOINT is unset: these tests need a moto server. Run them as \
             `scripts/with-moto cargo test -p egressproof-live --features live`"
        )
    })
}

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn python() -> PathBuf {
    match std::env::var_os("EGRESSPROOF_MOTO_PYTHON") {
        Some(p) => PathBuf::from(p),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../../.venv/bin/python"),
    }
}

/// Creates the environment of `fixtures/env.py` in `region`; returns the IDs it printed.
fn create(region: &str, spec: serde_json::Value) -> serde_json::Value {
    let out = Command::new(python())
        .arg(fixtures().join("env.py"))
        .arg(endpoint())
        .arg(region)
        .arg(spec.to_string())
        .output()
        .expect("run the fixture script with the venv's python (scripts/with-moto creates it)");
    assert!(
        out.status.success(),
        "env.py failed in {region}:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("env.py prints JSON")
}

fn take(region: &str) -> Snapshot {
    let options = Options {
        endpoint_url: Some(endpoint()),
        regions: vec![region.to_string()],
        progress: false,
        ..Options::default()
    };
    without_moto_gaps(snapshot(&options).expect("snapshot"))
}

/// The snapshot as `scan` reads it: through its JSON document.
fn through_json(s: &Snapshot) -> Model {
    let text = serde_json::to_string(&s.to_json()).unwrap();
    let doc: serde_json::Value = serde_json::from_str(&text).unwrap();
    Model::from_snapshot(&doc)
        .expect("a snapshot")
        .expect("valid")
}

/// moto answers `EnableNetworkIsolation: false` for every model whatever was sent (a moto
/// limitation, not AWS behaviour): set it back to what the fixture asked for.
fn undo_moto_isolation_bug(model: &mut Model) {
    for r in &mut model.resources {
        if let Kind::Model(m) = &mut r.kind {
            m.network_isolation = Some(Attr::Known(true));
        }
    }
}

fn rules(a: &Analysis) -> BTreeSet<String> {
    a.findings.iter().map(|f| f.rule.to_string()).collect()
}

fn scan_template(params: &[(&str, &str)]) -> Analysis {
    let path = fixtures().join("env.yaml");
    let inputs = [Input {
        path: path.clone(),
        display: "env.yaml".into(),
    }];
    let mut options = LoadOptions::default();
    for (k, v) in params {
        options.params.insert((*k).to_string(), (*v).to_string());
    }
    let loaded = load(&inputs, &options);
    assert_eq!(loaded.templates, 1, "env.yaml is a template");
    // The account on the other side of the round trip is moto's, which holds only what the test
    // creates: the snapshot reads every principal of it, so the template is scanned with the
    // same knowledge (`principals = "complete"`), or EP401 would count principals that do not
    // exist there.
    let options = AnalysisOptions {
        principals: egressproof_analysis::Principals::Complete,
        ..AnalysisOptions::default()
    };
    analyze(&loaded.model, &options)
}

fn explain(a: &Analysis) -> String {
    let mut s = format!("verdict {:?}\n", a.verdict);
    for f in &a.findings {
        s.push_str(&format!("  {} {}\n", f.rule, f.message));
    }
    for u in &a.unknowns {
        s.push_str(&format!("  unknown {} {}\n", u.rule, u.message));
    }
    s
}

#[test]
fn leaking_environment_leaks_through_nat_notebook_and_s3_endpoint() {
    let _iam = IAM.read().unwrap_or_else(|e| e.into_inner());
    let region = "us-west-1";
    let ids = create(
        region,
        serde_json::json!({"nat_route": true, "dia": "Enabled", "s3_policy": false}),
    );
    let snap = take(region);
    let model = through_json(&snap);
    // References connect by physical ID, and locations are ARNs.
    let nb = model
        .resources
        .iter()
        .find(|r| matches!(r.kind, Kind::NotebookInstance(_)))
        .expect("the notebook is in the snapshot");
    assert!(
        nb.span.file.starts_with("arn:aws:sagemaker:us-west-1:"),
        "{}",
        nb.span.file
    );
    let Kind::NotebookInstance(n) = &nb.kind else {
        unreachable!()
    };
    assert_eq!(
        n.subnet
            .as_ref()
            .and_then(|s| s.known())
            .map(|s| s.as_str()),
        ids["private_subnet"].as_str()
    );
    assert!(model
        .resources
        .iter()
        .any(|r| r.id.as_str() == ids["nat"].as_str().unwrap()));

    let a = analyze(&model, &AnalysisOptions::default());
    assert_eq!(a.verdict, Verdict::Leaks, "{}", explain(&a));
    let got = rules(&a);
    for rule in ["EP201", "EP101", "EP301"] {
        assert!(got.contains(rule), "{rule} missing:\n{}", explain(&a));
    }
}

/// The sealed environment, created through the API, snapshots as `sealed`: no channel at or above
/// the fail threshold and no unknown. Its presigned URLs are restricted by an IAM role created
/// with it (without one, AWS's default lets them be created from anywhere: EP401).
#[test]
fn sealed_environment_has_no_channel() {
    // It creates an IAM role, and IAM is global: run alone.
    let _iam = IAM.write().unwrap_or_else(|e| e.into_inner());
    let region = "eu-west-1";
    create(
        region,
        serde_json::json!({"model": true, "restrict_presigned": true}),
    );
    let snap = take(region);
    create(region, serde_json::json!({"delete_restricted": true}));
    assert!(
        snap.model.diagnostics.is_empty(),
        "{:?}",
        snap.model.diagnostics
    );
    let mut model = through_json(&snap);
    undo_moto_isolation_bug(&mut model);
    let a = analyze(&model, &AnalysisOptions::default());
    assert!(a.unknowns.is_empty(), "{}", explain(&a));
    // What remains is below the fail threshold: EP303 (info: endpoints SageMaker needs), EP305
    // (low: no DNS Firewall; the snapshot does not read Resolver DNS Firewall yet) and EP501-EP503
    // (low: no guardrails for what is created later).
    let open: Vec<&str> = a
        .findings
        .iter()
        .filter(|f| f.severity >= egressproof_analysis::Severity::Medium)
        .map(|f| f.rule.as_str())
        .collect();
    assert!(open.is_empty(), "{}", explain(&a));
    assert_eq!(a.verdict, Verdict::Sealed, "{}", explain(&a));
}

/// Round trip: the snapshot of an environment created from the template's description reports
/// the same rules as the template, for the sealed environment and each single mutation.
fn round_trip(region: &str, spec: serde_json::Value, params: &[(&str, &str)]) {
    let _iam = IAM.read().unwrap_or_else(|e| e.into_inner());
    create(region, spec);
    let snap = take(region);
    let live = analyze(&through_json(&snap), &AnalysisOptions::default());
    let template = scan_template(params);
    assert_eq!(
        rules(&live),
        rules(&template),
        "snapshot:\n{}template:\n{}",
        explain(&live),
        explain(&template)
    );
    assert_eq!(
        live.verdict,
        template.verdict,
        "snapshot:\n{}template:\n{}",
        explain(&live),
        explain(&template)
    );
}

#[test]
fn round_trip_sealed() {
    round_trip("eu-central-1", serde_json::json!({}), &[]);
}

#[test]
fn round_trip_nat_route() {
    round_trip(
        "ap-southeast-1",
        serde_json::json!({"nat_route": true}),
        &[("NatRoute", "true")],
    );
}

#[test]
fn round_trip_direct_internet_access() {
    round_trip(
        "ap-northeast-1",
        serde_json::json!({"dia": "Enabled"}),
        &[("Dia", "Enabled")],
    );
}

#[test]
fn round_trip_s3_endpoint_without_policy() {
    round_trip(
        "ca-central-1",
        serde_json::json!({"s3_policy": false}),
        &[("S3Policy", "false")],
    );
}

/// The snapshot only reads, and this is the exact set of operations a region with one of each
/// workload costs (IAM and Organizations are read once per snapshot).
#[test]
fn calls_exactly_the_read_only_operations() {
    let _iam = IAM.write().unwrap_or_else(|e| e.into_inner());
    let region = "sa-east-1";
    create(region, serde_json::json!({"extras": true}));
    let snap = take(region);
    create(region, serde_json::json!({"delete_iam": true}));
    for op in &snap.operations {
        assert!(is_read_only(op), "{op} is not a read-only operation");
        assert!(
            OPERATIONS.contains(&op.as_str()),
            "{op} is not in the README's IAM policy"
        );
    }
    let expected: BTreeSet<&str> = [
        "sts:GetCallerIdentity",
        "ec2:DescribeVpcs",
        "ec2:DescribeSubnets",
        "ec2:DescribeRouteTables",
        "ec2:DescribeInternetGateways",
        "ec2:DescribeEgressOnlyInternetGateways",
        "ec2:DescribeVpnGateways",
        "ec2:DescribeNatGateways",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeNetworkAcls",
        "ec2:DescribeVpcEndpoints",
        "ec2:DescribeVpcPeeringConnections",
        "ec2:DescribeTransitGatewayVpcAttachments",
        "ec2:DescribeTransitGatewayRouteTables",
        "ec2:DescribeTransitGateways",
        "ec2:DescribeTransitGatewayAttachments",
        "sagemaker:ListNotebookInstances",
        "sagemaker:DescribeNotebookInstance",
        "sagemaker:ListDomains",
        "sagemaker:ListUserProfiles",
        "sagemaker:ListSpaces",
        "sagemaker:ListModels",
        "sagemaker:DescribeModel",
        "sagemaker:ListEndpointConfigs",
        "sagemaker:DescribeEndpointConfig",
        "sagemaker:ListTrainingJobs",
        "sagemaker:DescribeTrainingJob",
        "sagemaker:ListProcessingJobs",
        "sagemaker:DescribeProcessingJob",
        "sagemaker:ListMonitoringSchedules",
        "sagemaker:ListFeatureGroups",
        "iam:ListRoles",
        "iam:ListUsers",
        "iam:ListGroups",
        "iam:ListPolicies",
        "iam:ListRolePolicies",
        "iam:GetRolePolicy",
        "iam:ListAttachedRolePolicies",
        "iam:GetPolicyVersion",
        "organizations:ListPolicies",
    ]
    .into_iter()
    .collect();
    let got: BTreeSet<&str> = snap.operations.iter().map(String::as_str).collect();
    assert_eq!(got, expected);
    // The JSON document carries them too.
    let doc = snap.to_json();
    assert_eq!(
        doc["operations"].as_array().map(Vec::len),
        Some(expected.len())
    );

    // Everything the extras created came back, with the IAM documents decoded.
    let model = &snap.model;
    let kinds = |f: fn(&Kind) -> bool| model.resources.iter().filter(|r| f(&r.kind)).count();
    assert_eq!(kinds(|k| matches!(k, Kind::EndpointConfig(_))), 1);
    assert_eq!(kinds(|k| matches!(k, Kind::Job(_))), 2);
    let inline = model
        .resources
        .iter()
        .find(|r| r.id.as_str().ends_with("#inline/presign"))
        .expect("the inline policy that grants a SageMaker action");
    let Kind::IamPolicy(p) = &inline.kind else {
        panic!()
    };
    let action = p
        .document
        .get("Statement")
        .map(|s| s.render())
        .unwrap_or_default();
    assert!(
        action.contains("sagemaker:CreatePresignedNotebookInstanceUrl"),
        "{action}"
    );
    // The endpoint config names the model by the model resource's ID.
    let model_id = model
        .resources
        .iter()
        .find(|r| matches!(r.kind, Kind::Model(_)))
        .map(|r| r.id.clone())
        .expect("the model");
    let Some(Kind::EndpointConfig(cfg)) = model
        .resources
        .iter()
        .find(|r| matches!(r.kind, Kind::EndpointConfig(_)))
        .map(|r| &r.kind)
    else {
        panic!()
    };
    assert_eq!(cfg.models, vec![Attr::Known(model_id)]);
    // No SCPs in moto (no organization): a note, not an unknown.
    assert!(
        model
            .diagnostics
            .iter()
            .all(|d| d.code != UnknownCode::EP904),
        "{:?}",
        model.diagnostics
    );
}
