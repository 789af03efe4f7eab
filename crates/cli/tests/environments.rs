//! Environments, scope and inputs that are not ours, end to end through the binary
//! (DESIGN.md §2): a scan is split into the connected components of references between its
//! inputs, each judged on its own; an environment without SageMaker is listed, not judged; a
//! YAML file that is not a template and does not parse is skipped, not an unknown.

mod common;

use common::*;
use std::collections::BTreeSet;
use std::path::Path;

fn workspace() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// What identifies a finding whatever else is scanned with it.
type Key = (String, String, String, String);

fn finding_keys(scan: &Scan) -> BTreeSet<Key> {
    ["findings", "hardening"]
        .iter()
        .flat_map(|list| scan.report[*list].as_array().cloned().unwrap_or_default())
        .map(|f| {
            (
                f["rule"].as_str().unwrap_or_default().to_string(),
                f["resource"]["name"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                f["resource"]["file"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string(),
                f["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

fn unknown_keys(scan: &Scan) -> BTreeSet<(String, String, String)> {
    scan.unknowns().into_iter().collect()
}

/// `(name, verdict, in_scope)` of every environment of the report.
fn environments(scan: &Scan) -> Vec<(String, String, bool)> {
    scan.report["environments"]
        .as_array()
        .unwrap_or_else(|| panic!("no environments in the report: {}", scan.stdout))
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap_or_default().to_string(),
                e["verdict"].as_str().unwrap_or_default().to_string(),
                e["in_scope"].as_bool().unwrap_or(true),
            )
        })
        .collect()
}

#[test]
fn the_examples_together_give_the_findings_of_each_apart() {
    let root = workspace();
    let both = scan_json(root, &["examples"]);
    let leaky = scan_json(root, &["examples/leaky"]);
    let sealed = scan_json(root, &["examples/sealed"]);
    assert_eq!(leaky.code, 1);
    assert_eq!(sealed.code, 0, "{}", sealed.stdout);

    let mut apart = finding_keys(&leaky);
    apart.extend(finding_keys(&sealed));
    assert_eq!(finding_keys(&both), apart);
    // The presigned-URL findings of the leaky example are among them: a Deny on a role of the
    // sealed example says nothing about the principals of another environment.
    assert!(
        both.rules().iter().filter(|r| *r == "EP401").count() >= 2,
        "{:?}",
        both.rules()
    );

    let mut unknowns = unknown_keys(&leaky);
    unknowns.extend(unknown_keys(&sealed));
    assert_eq!(unknown_keys(&both), unknowns);

    assert_eq!(both.code, 1);
    assert_eq!(
        environments(&both),
        vec![
            ("examples/leaky/network.yaml".into(), "leaks".into(), true),
            (
                "examples/sealed/private-sagemaker.yaml".into(),
                "sealed".into(),
                true
            ),
        ]
    );
    // Every finding names its environment.
    for f in both.report["findings"].as_array().unwrap() {
        assert_eq!(f["environment"], "examples/leaky/network.yaml", "{f}");
    }
    for w in both.report["workloads"].as_array().unwrap() {
        let file = w["file"].as_str().unwrap();
        let env = w["environment"].as_str().unwrap();
        assert_eq!(file.split('/').nth(1), env.split('/').nth(1), "{w}");
    }
}

/// Three templates of a networking team: a VPC whose public subnet routes to an internet
/// gateway, a database subnet group, a bucket. No SageMaker anywhere.
fn no_sagemaker(dir: &Path) {
    write(
        dir,
        "network/vpc.yaml",
        r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  Igw:
    Type: AWS::EC2::InternetGateway
  Attach:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties:
      VpcId: !Ref Vpc
      InternetGatewayId: !Ref Igw
  Public:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1.0/24
  Routes:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  Default:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref Routes
      DestinationCidrBlock: 0.0.0.0/0
      GatewayId: !Ref Igw
  Assoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref Public
      RouteTableId: !Ref Routes
  S3:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
      RouteTableIds: [!Ref Routes]
"#,
    );
    write(
        dir,
        "database/dms.yaml",
        r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  DmsVpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.9.0.0/16
  DmsSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref DmsVpc
      CidrBlock: 10.9.1.0/24
  DmsSubnetGroup:
    Type: AWS::DMS::ReplicationSubnetGroup
    Properties:
      ReplicationSubnetGroupDescription: dms
      SubnetIds: [!Ref DmsSubnet]
"#,
    );
    write(
        dir,
        "storage/bucket.yaml",
        "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Logs:\n    Type: AWS::S3::Bucket\n",
    );
}

#[test]
fn a_repository_without_sagemaker_is_out_of_scope_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    no_sagemaker(dir.path());
    let scan = scan_json(dir.path(), &["."]);
    assert_eq!(scan.code, 0, "{}", scan.stdout);
    let judged: Vec<String> = scan
        .rules()
        .into_iter()
        .filter(|r| r.starts_with("EP2") || r.starts_with("EP3"))
        .collect();
    assert!(judged.is_empty(), "{judged:?}");
    let envs = environments(&scan);
    assert_eq!(envs.len(), 3, "{envs:?}");
    assert!(envs.iter().all(|(_, _, in_scope)| !in_scope), "{envs:?}");
    assert_ne!(scan.report["verdict"], "sealed");

    let text = egressproof()
        .current_dir(dir.path())
        .args(["scan", "--color", "never", "."])
        .output()
        .unwrap();
    assert_eq!(text.status.code(), Some(0));
    let out = String::from_utf8_lossy(&text.stdout);
    let headline = out.lines().next().unwrap_or_default();
    assert!(
        headline.contains("nothing in scope") && !headline.contains("SEALED"),
        "{out}"
    );
    assert!(
        out.contains("database/dms.yaml"),
        "out-of-scope inputs are listed: {out}"
    );

    let quiet = egressproof()
        .current_dir(dir.path())
        .args(["scan", "-q", "--color", "never", "."])
        .output()
        .unwrap();
    let line = String::from_utf8_lossy(&quiet.stdout).into_owned();
    assert!(line.contains("nothing in scope"), "{line}");
}

#[test]
fn an_environment_without_sagemaker_beside_a_leaky_one_is_not_judged() {
    let dir = tempfile::tempdir().unwrap();
    no_sagemaker(dir.path());
    write(dir.path(), "ml/nb.yaml", LEAKY_NOTEBOOK);
    let scan = scan_json(dir.path(), &["."]);
    assert_eq!(scan.code, 1, "{}", scan.stdout);
    assert!(scan.rules().contains(&"EP101".to_string()));
    assert!(
        !scan.rules().iter().any(|r| r.starts_with("EP2")),
        "{:?}",
        scan.rules()
    );
    let envs = environments(&scan);
    assert!(
        envs.contains(&("ml/nb.yaml".into(), "leaks".into(), true)),
        "{envs:?}"
    );
    assert_eq!(envs.iter().filter(|e| !e.2).count(), 3, "{envs:?}");
}

#[test]
fn a_helm_chart_beside_a_sealed_stack_leaves_it_sealed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "stack/model.yaml", SEALED_MODEL);
    write(
        dir.path(),
        "charts/app/templates/deployment.yaml",
        r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Values.name }}
  labels:
    {{- include "app.labels" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicas }}
  template:
    spec:
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag }}"
"#,
    );
    write(
        dir.path(),
        ".github/workflows/ci.yml",
        "on: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ secrets.X }\n",
    );
    let scan = scan_json(dir.path(), &["."]);
    assert_eq!(scan.code, 0, "{}\n{}", scan.stdout, scan.stderr);
    assert_eq!(scan.report["verdict"], "sealed");
    assert!(scan.unknowns().is_empty(), "{:?}", scan.unknowns());
    assert!(scan.report["summary"]["skipped"].as_u64().unwrap() >= 1);
    assert!(
        scan.stderr.contains("charts/app/templates/deployment.yaml"),
        "a warning names the skipped file: {}",
        scan.stderr
    );

    let text = egressproof()
        .current_dir(dir.path())
        .args(["scan", "--color", "never", "."])
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&text.stdout);
    assert!(out.contains("skipped"), "{out}");
}

/// A template that does not parse, beside a sealed model.
const BROKEN_TEMPLATE: &str =
    "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Vpc: { Type: AWS::EC2::VPC\n";

#[test]
fn a_broken_template_stays_ep901_and_skip_ep901_skips_it() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "model.yaml", SEALED_MODEL);
    write(dir.path(), "broken.yaml", BROKEN_TEMPLATE);
    let scan = scan_json(dir.path(), &["."]);
    assert_eq!(scan.code, 3, "{}", scan.stdout);
    assert!(scan.unknowns().iter().any(|u| u.0 == "EP901"));

    let skipped = scan_json(dir.path(), &["--skip", "EP901", "."]);
    assert_eq!(skipped.code, 0, "{}", skipped.stdout);
    assert!(skipped.unknowns().is_empty(), "{:?}", skipped.unknowns());
}

#[test]
fn an_inline_ignore_suppresses_ep901() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "model.yaml", SEALED_MODEL);
    write(
        dir.path(),
        "broken.yaml",
        format!("# egressproof:ignore EP901 a fixture for another tool\n{BROKEN_TEMPLATE}"),
    );
    let scan = scan_json(dir.path(), &["."]);
    assert_eq!(scan.code, 0, "{}", scan.stdout);
    assert!(scan.unknowns().is_empty(), "{:?}", scan.unknowns());
    let suppressed: Vec<&serde_json::Value> = scan.report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "EP901")
        .collect();
    assert_eq!(suppressed.len(), 1, "{}", scan.stdout);
    assert_eq!(suppressed[0]["suppressed"], true);
    assert_eq!(
        suppressed[0]["suppression_reason"],
        "a fixture for another tool"
    );
}

#[test]
fn exports_and_imports_join_templates_and_the_config_joins_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "stacks/net.yaml",
        r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
Outputs:
  Cidr:
    Value: 10.0.0.0/16
    Export: { Name: net-cidr }
"#,
    );
    write(
        dir.path(),
        "stacks/app.yaml",
        r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !ImportValue net-cidr
"#,
    );
    write(dir.path(), "stacks/risk-a.yaml", SEALED_MODEL);
    write(dir.path(), "stacks/risk-b.yaml", LEAKY_NOTEBOOK);
    let apart = scan_json(dir.path(), &["."]);
    let names: Vec<String> = environments(&apart).into_iter().map(|e| e.0).collect();
    assert_eq!(
        names,
        [
            "stacks/app.yaml",
            "stacks/risk-a.yaml",
            "stacks/risk-b.yaml"
        ],
        "net.yaml and app.yaml are one environment: {}",
        apart.stdout
    );

    write(
        dir.path(),
        ".egressproof.toml",
        "[[environment]]\nname = \"risk\"\npaths = [\"stacks/risk-*\"]\n",
    );
    let joined = scan_json(dir.path(), &["."]);
    let envs = environments(&joined);
    assert_eq!(
        envs,
        vec![
            ("risk".into(), "leaks".into(), true),
            ("stacks/app.yaml".into(), "out-of-scope".into(), false),
        ],
        "{}",
        joined.stdout
    );
}
