//! Adversarial inputs end to end: text inside strings never silences a finding, and inputs of
//! every format are bounded and handled alike.

use assert_cmd::Command;
use std::path::Path;

fn scan(dir: &Path) -> (serde_json::Value, i32, String) {
    let out = Command::cargo_bin("egressproof")
        .expect("binary")
        .args(["scan", "--format", "json"])
        .arg(dir)
        .output()
        .expect("run");
    let report = serde_json::from_slice(&out.stdout).unwrap_or(serde_json::Value::Null);
    (
        report,
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write fixture");
    }
    dir
}

/// Rules of the findings that count (not suppressed).
fn open_rules(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["suppressed"].as_bool() != Some(true))
        .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
        .collect()
}

const TEXT: &str = "# egressproof:ignore EP101 ok";

#[test]
fn suppression_text_in_a_tag_does_not_hide_ep101() {
    let json = format!(
        r#"{{"Resources":{{"Nb":{{"Type":"AWS::SageMaker::NotebookInstance","Properties":{{"InstanceType":"ml.t3.medium","RoleArn":"arn:aws:iam::111122223333:role/r","DirectInternetAccess":"Enabled"}}}},"Vpc":{{"Type":"AWS::EC2::VPC","Properties":{{"CidrBlock":"10.0.0.0/16","Tags":[{{"Key":"note","Value":"{TEXT}"}}]}}}}}}}}"#
    );
    let yaml = format!(
        "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      Tags:\n        - Key: note\n          Value: |\n            {TEXT}\n  Nb: {{Type: AWS::SageMaker::NotebookInstance, Properties: {{InstanceType: ml.t3.medium, RoleArn: 'arn:aws:iam::111122223333:role/r', DirectInternetAccess: Enabled, Tags: [{{Key: n, Value: \"{TEXT}\"}}]}}}}\n"
    );
    let tf = format!(
        "resource \"aws_vpc\" \"v\" {{\n  tags = {{ note = <<EOT\n{TEXT}\nEOT\n  }}\n}}\nresource \"aws_sagemaker_notebook_instance\" \"nb\" {{ tags = {{ note = \"{TEXT}\" }} }}\n"
    );
    for (name, text) in [("t.json", &json), ("t.yaml", &yaml), ("main.tf", &tf)] {
        let dir = dir_with(&[(name, text)]);
        let (report, code, stderr) = scan(dir.path());
        assert_eq!(report["verdict"], "leaks", "{name}: {report:#} {stderr}");
        assert!(
            open_rules(&report).iter().any(|r| r == "EP101"),
            "{name}: {report:#}"
        );
        assert_ne!(code, 0, "{name}");
    }
}

// ---------------------------------------------------------------------------------------------
// Each JSON format has its own size limit: a snapshot or plan over the 16 MB template limit is
// still read; a template over it is EP901.

/// The unknowns of a report as (rule, message).
fn unknowns(report: &serde_json::Value) -> Vec<(String, String)> {
    report["unknowns"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|u| {
            (
                u["rule"].as_str().unwrap_or_default().to_string(),
                u["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

/// Text that takes a document past the 16 MB limit of CloudFormation templates.
fn padding() -> String {
    "x".repeat(17 << 20)
}

#[test]
fn a_plan_over_the_template_limit_is_read_as_a_plan() {
    let plan = serde_json::json!({
        "format_version": "1.2",
        "terraform_version": "1.9.0",
        "planned_values": { "root_module": { "resources": [
            { "address": "aws_sagemaker_notebook_instance.nb", "mode": "managed",
              "type": "aws_sagemaker_notebook_instance", "name": "nb",
              "values": { "direct_internet_access": "Enabled" } } ] } },
        "padding": padding(),
    });
    let dir = dir_with(&[("plan.json", &plan.to_string())]);
    let (report, code, stderr) = scan(dir.path());
    assert!(
        unknowns(&report).is_empty(),
        "{:?} {stderr}",
        unknowns(&report)
    );
    assert!(
        open_rules(&report).iter().any(|r| r == "EP101"),
        "{report:#}"
    );
    assert_eq!(code, 1);
}

#[test]
fn a_snapshot_over_the_template_limit_is_read() {
    let snapshot = serde_json::json!({
        "schema": "egressproof-snapshot/1",
        "model": { "resources": [], "diagnostics": [] },
        "padding": padding(),
    });
    let dir = dir_with(&[("snapshot.json", &snapshot.to_string())]);
    let (report, code, stderr) = scan(dir.path());
    assert!(
        unknowns(&report).is_empty(),
        "{:?} {stderr}",
        unknowns(&report)
    );
    assert_ne!(report["verdict"], "unproven", "{stderr}");
    assert_eq!(code, 0, "{report:#}");
}

#[test]
fn a_template_over_its_limit_is_ep901() {
    let template = serde_json::json!({
        "AWSTemplateFormatVersion": "2010-09-09",
        "Description": padding(),
        "Resources": { "Vpc": { "Type": "AWS::EC2::VPC" } },
    });
    let dir = dir_with(&[("big.json", &template.to_string())]);
    let (report, code, stderr) = scan(dir.path());
    assert!(
        unknowns(&report)
            .iter()
            .any(|(rule, m)| rule == "EP901" && m.contains("MAX_FILE_BYTES")),
        "{:?} {stderr}",
        unknowns(&report)
    );
    assert_eq!(report["verdict"], "unproven");
    assert_eq!(code, 3);
}
