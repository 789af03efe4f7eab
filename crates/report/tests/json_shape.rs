//! The JSON report keeps the documented shape (DESIGN.md §5): these keys, these types, nulls
//! where there is no place.

mod common;

use common::{leaky, out, sealed};
use egressproof_report::Format;
use serde_json::{json, Value};

fn parse(a: &egressproof_analysis::Analysis) -> Value {
    serde_json::from_str(&out(a, Format::Json)).unwrap()
}

fn keys(v: &Value) -> Vec<&str> {
    v.as_object().unwrap().keys().map(String::as_str).collect()
}

#[test]
fn top_level_shape() {
    let v = parse(&leaky());
    assert_eq!(
        keys(&v),
        [
            "schema",
            "tool",
            "verdict",
            "findings",
            "unknowns",
            "workloads",
            "hardening",
            "assumptions",
            "environments",
            "summary"
        ]
    );
    assert_eq!(v["schema"], 1);
    assert_eq!(
        v["tool"],
        json!({"name": "egressproof", "version": env!("CARGO_PKG_VERSION")})
    );
    assert_eq!(v["verdict"], "leaks");
    assert_eq!(
        v["summary"],
        json!({"files": 3, "skipped": 1, "resources": 24, "workloads": 3, "seconds": 0.0})
    );
    assert_eq!(
        v["assumptions"],
        json!([
            {"kind": "bucket-names", "message": "S3 buckets counted as ours: data-bucket", "file": null, "line": null, "environment": "scan"},
            {"kind": "corporate-network", "message": "presigned URLs: 203.0.113.0/24 taken as the corporate network", "file": "infra/iam.yaml", "line": 12, "environment": "scan"}
        ])
    );
    assert_eq!(parse(&sealed())["assumptions"], json!([]));
    // An analysis rendered on its own is the scan's one environment.
    let env = &v["environments"][0];
    assert_eq!(
        keys(env),
        [
            "name",
            "verdict",
            "in_scope",
            "inputs",
            "resources",
            "assumptions"
        ]
    );
    assert_eq!(env["name"], "scan");
    assert_eq!(env["verdict"], "leaks");
    assert_eq!(env["in_scope"], true);
    assert_eq!(env["assumptions"].as_array().unwrap().len(), 2);
}

#[test]
fn findings_carry_resource_path_fix_and_suppression() {
    let v = parse(&leaky());
    let findings = v["findings"].as_array().unwrap();
    // Hardening is reported apart; suppressed findings stay, marked.
    assert_eq!(findings.len(), 4);
    let f = &findings[0];
    assert_eq!(
        keys(f),
        [
            "rule",
            "severity",
            "title",
            "message",
            "resource",
            "path",
            "fix",
            "suppressed",
            "suppression_reason",
            "environment"
        ]
    );
    assert_eq!(f["rule"], "EP201");
    assert_eq!(f["severity"], "high");
    assert_eq!(
        f["resource"],
        json!({"type": "AWS::SageMaker::NotebookInstance", "name": "Notebook", "file": "infra/net.yaml", "line": 42})
    );
    let path = f["path"].as_array().unwrap();
    assert_eq!(path.len(), 6);
    assert_eq!(
        path[2],
        json!({"type": "AWS::EC2::RouteTable", "name": "PrivateRoutes", "file": "infra/net.yaml", "line": 20, "note": "0.0.0.0/0 -> NatGw"})
    );
    // The internet is in no file.
    assert_eq!(
        path[5],
        json!({"type": "Internet", "name": "internet", "file": null, "line": null, "note": "any destination"})
    );
    assert!(f["fix"]
        .as_str()
        .unwrap()
        .starts_with("Remove the 0.0.0.0/0 route"));
    assert_eq!(f["suppressed"], false);
    assert_eq!(f["suppression_reason"], Value::Null);

    // A live resource: its ARN is the file, and there is no line.
    assert_eq!(
        findings[1]["resource"]["file"],
        "arn:aws:sagemaker:eu-west-1:123456789012:model/scoring"
    );
    assert_eq!(findings[1]["resource"]["line"], Value::Null);

    let suppressed = findings.iter().find(|f| f["rule"] == "EP101").unwrap();
    assert_eq!(suppressed["suppressed"], true);
    assert_eq!(
        suppressed["suppression_reason"],
        "demo account, synthetic data only"
    );

    let hardening = v["hardening"].as_array().unwrap();
    assert_eq!(hardening.len(), 1);
    assert_eq!(hardening[0]["rule"], "EP601");
}

#[test]
fn unknowns_and_workloads() {
    let v = parse(&leaky());
    assert_eq!(
        v["unknowns"],
        json!([
            {"rule": "EP902", "message": "parameter VpcCidr has no value: it decides the route table's local range", "file": "infra/net.yaml", "line": 3, "environment": "scan"},
            {"rule": "EP903", "message": "transform AWS::Serverless-2016-10-31 is not expanded", "file": null, "line": null, "environment": "scan"}
        ])
    );
    assert_eq!(
        v["workloads"][0],
        json!({"type": "AWS::SageMaker::NotebookInstance", "name": "Notebook", "file": "infra/net.yaml", "line": 42, "verdict": "leaks", "environment": "scan"})
    );
    assert_eq!(v["workloads"][1]["verdict"], "unproven");
}

#[test]
fn sealed_has_empty_lists_not_missing_keys() {
    let v = parse(&sealed());
    assert_eq!(v["verdict"], "sealed");
    assert_eq!(v["findings"], json!([]));
    assert_eq!(v["unknowns"], json!([]));
    assert_eq!(v["workloads"].as_array().unwrap().len(), 2);
}
