//! Suppressions end to end: a suppressed finding stays in the report, marked, and does not count
//! for the verdict; a suppression without a reason or matching nothing is itself reported (low).

use assert_cmd::Command;
use std::path::Path;

const NOTEBOOK: &str = "AWSTemplateFormatVersion: '2010-09-09'
Resources:
  # egressproof:ignore EP101 REASON101
  # egressproof:ignore EP401 REASON401
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: !GetAtt Role.Arn
  # No permissions: the notebook's role writes nowhere (EP306).
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - { Effect: Allow, Principal: { Service: sagemaker.amazonaws.com }, Action: sts:AssumeRole }
";

fn scan(dir: &Path, extra: &[&str]) -> (serde_json::Value, i32) {
    let out = Command::cargo_bin("egressproof")
        .expect("binary")
        .args(["scan", "--format", "json"])
        .args(extra)
        .arg(dir)
        .output()
        .expect("run");
    let report = serde_json::from_slice(&out.stdout).expect("JSON report");
    (report, out.status.code().unwrap_or(-1))
}

fn write(text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("nb.yaml"), text).expect("write fixture");
    dir
}

fn rules(report: &serde_json::Value, suppressed: bool) -> Vec<String> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["suppressed"].as_bool() == Some(suppressed))
        .map(|f| f["rule"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn suppressed_findings_stay_reported_but_do_not_count() {
    let dir = write(
        &NOTEBOOK
            .replace("REASON101", "sandbox with synthetic data")
            .replace("REASON401", "lab account"),
    );
    let (report, code) = scan(dir.path(), &[]);
    assert_eq!(report["verdict"], "sealed", "{report:#}");
    assert_eq!(code, 0);
    let hidden = rules(&report, true);
    assert!(
        hidden.contains(&"EP101".to_string()) && hidden.contains(&"EP401".to_string()),
        "{report:#}"
    );
    assert!(
        rules(&report, false)
            .iter()
            .all(|r| r != "EP801" && r != "EP802"),
        "{report:#}"
    );
}

#[test]
fn without_the_suppressions_the_notebook_leaks() {
    let dir = write(
        &NOTEBOOK
            .replace("  # egressproof:ignore EP101 REASON101\n", "")
            .replace("  # egressproof:ignore EP401 REASON401\n", ""),
    );
    let (report, code) = scan(dir.path(), &[]);
    assert_eq!(report["verdict"], "leaks");
    assert_eq!(code, 1);
    assert!(rules(&report, false).contains(&"EP101".to_string()));
}

#[test]
fn a_suppression_without_reason_is_reported_low() {
    let dir = write(
        &NOTEBOOK
            .replace(" REASON101", "")
            .replace("REASON401", "lab account"),
    );
    let (report, code) = scan(dir.path(), &[]);
    assert!(
        rules(&report, false).contains(&"EP801".to_string()),
        "{report:#}"
    );
    assert_eq!(
        report["verdict"], "sealed",
        "low severity does not fail the default threshold"
    );
    assert_eq!(code, 0);
    let (report, code) = scan(dir.path(), &["--fail-on", "low"]);
    assert_eq!(report["verdict"], "leaks", "{report:#}");
    assert_eq!(code, 1);
}

#[test]
fn a_suppression_that_matches_nothing_is_reported() {
    let text = NOTEBOOK.replace("REASON101", "sandbox").replace("REASON401", "lab account").replace(
        "      RoleArn: !GetAtt Role.Arn\n",
        "      RoleArn: !GetAtt Role.Arn\n      DirectInternetAccess: Disabled\n      SubnetId: subnet-0123456789abcdef0\n",
    );
    let dir = write(&text);
    let (report, _) = scan(dir.path(), &[]);
    assert!(
        rules(&report, false).contains(&"EP802".to_string()),
        "{report:#}"
    );
}
