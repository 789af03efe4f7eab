//! AWS managed policies through the binary: roles are judged by the bundled real documents (no
//! EP902 for a policy AWS publishes), `--managed-policies` overrides them in both input shapes,
//! an unknown name stays an unknown, and `--version` says how old the bundle is.

mod common;

use common::*;
use std::path::Path;

/// A notebook instance whose role attaches `arns`, and presigned URLs restricted by nothing but
/// the role's policies: EP401 exactly when a policy allows
/// sagemaker:CreatePresignedNotebookInstanceUrl. The scan holds every principal, so the role is
/// the only one asked.
fn notebook_with_role(dir: &Path, arns: &[&str]) {
    let list = arns.join(", ");
    let template = format!(
        r#"AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  Subnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1.0/24
  ApiEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      VpcEndpointType: Interface
      ServiceName: !Sub com.amazonaws.${{AWS::Region}}.sagemaker.api
      SubnetIds: [!Ref Subnet]
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: !GetAtt AnalystRole.Arn
      SubnetId: !Ref Subnet
      DirectInternetAccess: Disabled
  AnalystRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement:
          - Effect: Allow
            Principal: {{ Service: sagemaker.amazonaws.com }}
            Action: sts:AssumeRole
      ManagedPolicyArns: [{list}]
"#
    );
    write(dir, "env/stack.yaml", template);
    write(dir, ".egressproof.toml", "principals = \"complete\"\n");
}

fn ep401(scan: &Scan) -> usize {
    scan.rules().iter().filter(|r| *r == "EP401").count()
}

/// The unknowns whose message names `needle`.
fn unknowns_naming(scan: &Scan, needle: &str) -> Vec<String> {
    scan.unknowns()
        .into_iter()
        .map(|(_, _, m)| m)
        .filter(|m| m.contains(needle))
        .collect()
}

const SAGEMAKER_FULL: &str = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess";

/// A document allowing only SageMaker's List actions: no presigned URL.
const LIST_ONLY: &str = r#"{"Version": "2012-10-17", "Statement": [
    {"Effect": "Allow", "Action": "sagemaker:List*", "Resource": "*"}]}"#;

#[test]
fn lambda_basic_execution_and_ec2_read_only_resolve() {
    let dir = tempfile::tempdir().unwrap();
    notebook_with_role(
        dir.path(),
        &[
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess",
        ],
    );
    let scan = scan_json(dir.path(), &["env"]);
    for name in ["AWSLambdaBasicExecutionRole", "AmazonEC2ReadOnlyAccess"] {
        assert_eq!(
            unknowns_naming(&scan, name),
            Vec::<String>::new(),
            "{}",
            scan.stdout
        );
    }
    // Neither allows a presigned URL: nothing for EP401, and nothing unknown about it either.
    assert_eq!(ep401(&scan), 0, "{}", scan.stdout);
    assert!(
        unknowns_naming(&scan, "not in the scan").is_empty(),
        "{}",
        scan.stdout
    );
}

#[test]
fn an_unknown_aws_managed_policy_stays_an_unknown() {
    let dir = tempfile::tempdir().unwrap();
    notebook_with_role(dir.path(), &["arn:aws:iam::aws:policy/NoSuchPolicy"]);
    let scan = scan_json(dir.path(), &["env"]);
    let named = unknowns_naming(&scan, "arn:aws:iam::aws:policy/NoSuchPolicy");
    assert!(
        named.iter().any(|m| m.contains("not in the scan")),
        "{}",
        scan.stdout
    );
    // Neither a finding (the document might not allow it) nor "no finding": an unknown.
    assert_eq!(ep401(&scan), 0, "{}", scan.stdout);
    assert_ne!(scan.report["verdict"], "sealed", "{}", scan.stdout);
}

#[test]
fn sagemaker_full_access_is_judged_by_its_real_document() {
    let dir = tempfile::tempdir().unwrap();
    notebook_with_role(dir.path(), &[SAGEMAKER_FULL]);
    let scan = scan_json(dir.path(), &["env"]);
    assert_eq!(ep401(&scan), 1, "{}", scan.stdout);
    assert!(
        unknowns_naming(&scan, "AmazonSageMakerFullAccess").is_empty(),
        "{}",
        scan.stdout
    );
}

#[test]
fn a_directory_of_policy_versions_overrides_the_bundle() {
    let dir = tempfile::tempdir().unwrap();
    notebook_with_role(dir.path(), &[SAGEMAKER_FULL]);
    write(
        dir.path(),
        "managed/AmazonSageMakerFullAccess.json",
        format!(
            r#"{{"PolicyVersion": {{"VersionId": "v99", "IsDefaultVersion": true, "Document": {LIST_ONLY}}}}}"#
        ),
    );
    // The tracker's files have no extension.
    write(
        dir.path(),
        "managed/NoSuchPolicy",
        format!(r#"{{"PolicyVersion": {{"Document": {LIST_ONLY}}}}}"#),
    );
    let scan = scan_json(dir.path(), &["--managed-policies", "managed", "env"]);
    assert_eq!(ep401(&scan), 0, "{}", scan.stdout);

    // A name the bundle does not know resolves from the directory.
    notebook_with_role(dir.path(), &["arn:aws:iam::aws:policy/NoSuchPolicy"]);
    let scan = scan_json(dir.path(), &["--managed-policies", "managed", "env"]);
    assert!(
        unknowns_naming(&scan, "NoSuchPolicy").is_empty(),
        "{}",
        scan.stdout
    );
}

#[test]
fn account_authorization_details_override_the_bundle() {
    let dir = tempfile::tempdir().unwrap();
    notebook_with_role(dir.path(), &[SAGEMAKER_FULL]);
    write(
        dir.path(),
        "details.json",
        format!(
            r#"{{"RoleDetailList": [], "Policies": [{{
                "PolicyName": "AmazonSageMakerFullAccess",
                "Arn": "{SAGEMAKER_FULL}",
                "Path": "/",
                "DefaultVersionId": "v2",
                "PolicyVersionList": [
                    {{"VersionId": "v2", "IsDefaultVersion": true, "Document": {LIST_ONLY}}},
                    {{"VersionId": "v1", "IsDefaultVersion": false,
                      "Document": {{"Statement": [{{"Effect": "Allow", "Action": "*", "Resource": "*"}}]}}}}
                ]}}]}}"#
        ),
    );
    let scan = scan_json(dir.path(), &["--managed-policies", "details.json", "env"]);
    assert_eq!(ep401(&scan), 0, "{}", scan.stdout);
    // Without it, the bundled document allows the presigned URL.
    assert_eq!(ep401(&scan_json(dir.path(), &["env"])), 1);
}

#[test]
fn unreadable_managed_policies_are_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    notebook_with_role(dir.path(), &[SAGEMAKER_FULL]);
    write(
        dir.path(),
        "bad/AmazonSageMakerFullAccess.json",
        "{\"Statement\": []}",
    );
    write(dir.path(), "empty/.keep", "");
    for (path, needle) in [
        ("missing", "missing"),
        ("bad", "AmazonSageMakerFullAccess.json"),
        ("empty", "no policy file"),
        ("env/stack.yaml", "not JSON"),
    ] {
        let out = egressproof()
            .current_dir(dir.path())
            .args(["scan", "--managed-policies", path, "env"])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{path}: {stderr}");
        assert!(stderr.contains(needle), "{path}: {stderr}");
    }
}

/// `egressproof 0.1.0 (AWS managed policies of 2026-03-07, MAMIP 0387244)`.
#[test]
fn version_names_the_date_and_commit_of_the_bundled_policies() {
    let out = egressproof().arg("--version").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text.trim_end();
    let rest = line
        .strip_prefix(&format!(
            "egressproof {} (AWS managed policies of ",
            env!("CARGO_PKG_VERSION")
        ))
        .unwrap_or_else(|| panic!("{line}"));
    let (date, rest) = rest
        .split_once(", MAMIP ")
        .unwrap_or_else(|| panic!("{line}"));
    let commit = rest.strip_suffix(')').unwrap_or_else(|| panic!("{line}"));
    let parts: Vec<&str> = date.split('-').collect();
    assert!(
        parts.len() == 3
            && [4, 2, 2].iter().zip(&parts).all(|(n, p)| p.len() == *n)
            && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit())),
        "{line}"
    );
    assert!(
        commit.len() == 7 && commit.bytes().all(|b| b.is_ascii_hexdigit()),
        "{line}"
    );
    // The same as the generator pinned.
    let script = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../scripts/update-managed-policies"),
    )
    .unwrap();
    assert!(
        script.contains(&format!("PINNED = \"{commit}")),
        "{line} is not the pinned commit"
    );
}
