//! What the loader records for environments: one input per top-level stack (its nested stacks
//! inside it), the names it exports or writes and those it reads; and which files are not ours.

use egressproof_load_cfn::{load, Input, LoadOptions, Loaded};
use egressproof_model::{InputKind, SharedName};

fn load_files(files: &[(&str, &str)]) -> Loaded {
    let dir = tempfile::tempdir().expect("temp dir");
    let inputs: Vec<Input> = files
        .iter()
        .map(|(name, text)| {
            let path = dir.path().join(name);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).expect("dir");
            }
            std::fs::write(&path, text).expect("write");
            Input {
                path,
                display: (*name).to_string(),
            }
        })
        .collect();
    load(&inputs, &LoadOptions::default())
}

fn input<'a>(l: &'a Loaded, name: &str) -> &'a egressproof_model::ScanInput {
    l.model
        .inputs
        .iter()
        .find(|i| i.name == name)
        .unwrap_or_else(|| panic!("no input {name}: {:?}", l.model.inputs))
}

#[test]
fn each_top_level_stack_is_an_input_holding_its_nested_stacks() {
    let l = load_files(&[
        (
            "parent.yaml",
            "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ./child.yaml\n",
        ),
        (
            "child.yaml",
            "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n",
        ),
        ("other.yaml", "Resources:\n  Other:\n    Type: AWS::S3::Bucket\n"),
    ]);
    let names: Vec<&str> = l.model.inputs.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names.len(), 2, "{names:?}");
    let parent = input(&l, "parent.yaml");
    assert_eq!(parent.kind, InputKind::Template);
    let held: Vec<&str> = l.model.resources[parent.resources.clone()]
        .iter()
        .map(|r| r.name.as_str())
        .collect();
    assert_eq!(held, ["Bucket", "Child", "Vpc"]);
    let other = input(&l, "other.yaml");
    assert_eq!(l.model.resources[other.resources.clone()][0].name, "Other");
}

#[test]
fn exports_and_ssm_parameters_are_shared_names() {
    let l = load_files(&[
        (
            "net.yaml",
            r#"Resources:
  Param:
    Type: AWS::SSM::Parameter
    Properties:
      Name: /net/vpc-cidr
      Type: String
      Value: 10.0.0.0/16
Outputs:
  Cidr:
    Value: 10.0.0.0/16
    Export:
      Name: !Sub "${AWS::StackName}-cidr"
  Plain:
    Value: x
    Export: { Name: net-plain }
"#,
        ),
        (
            "app.yaml",
            r#"Parameters:
  Cidr:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /net/vpc-cidr
Resources:
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: !ImportValue net-plain
      Tags:
        - Key: secret
          Value: "{{resolve:ssm-secure:/app/token:3}}"
        - Key: plain
          Value: !Sub "x-{{resolve:ssm:/app/name}}"
"#,
        ),
    ]);
    let net = input(&l, "net.yaml");
    assert!(net
        .provides
        .contains(&SharedName::Export("net-plain".into())));
    assert!(net
        .provides
        .contains(&SharedName::SsmParameter("/net/vpc-cidr".into())));
    let app = input(&l, "app.yaml");
    let mut uses = app.uses.clone();
    uses.sort();
    assert_eq!(
        uses,
        [
            SharedName::Export("net-plain".into()),
            SharedName::SsmParameter("/app/name".into()),
            SharedName::SsmParameter("/app/token".into()),
            SharedName::SsmParameter("/net/vpc-cidr".into()),
        ]
    );
}

#[test]
fn yaml_that_does_not_parse_and_is_no_template_is_not_ours() {
    let l = load_files(&[
        (
            "charts/app/templates/deployment.yaml",
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Values.name }}\n  labels:\n    {{- include \"app.labels\" . | nindent 4 }}\n",
        ),
        (
            "broken.yaml",
            "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Vpc: { Type: AWS::EC2::VPC\n",
        ),
        (
            "broken-resources.json",
            r#"{"Resources": {"B": {"Type": "AWS::S3::Bucket",}"#,
        ),
    ]);
    let not_ours: Vec<&str> = l.not_ours.iter().map(|(i, _)| i.display.as_str()).collect();
    assert_eq!(not_ours, ["charts/app/templates/deployment.yaml"]);
    assert!(
        l.not_ours[0].1.contains("deployment.yaml:"),
        "{:?}",
        l.not_ours
    );
    let ep901: Vec<&str> = l
        .model
        .diagnostics
        .iter()
        .filter_map(|d| d.span.as_ref().map(|s| s.file.as_str()))
        .collect();
    assert_eq!(ep901, ["broken.yaml", "broken-resources.json"]);
    assert!(l.model.diagnostics.iter().all(|d| d.suppression.is_none()));
}

#[test]
fn a_whole_line_comment_accepts_a_template_that_does_not_parse() {
    let l = load_files(&[(
        "broken.yaml",
        "# generated by a tool we do not deploy\n# egressproof:ignore EP901 kept for the migration\nAWSTemplateFormatVersion: \"2010-09-09\"\nResources: [\n",
    )]);
    let d = &l.model.diagnostics[0];
    let s = d.suppression.as_ref().expect("suppressed");
    assert_eq!(s.rule, "EP901");
    assert_eq!(s.reason.as_deref(), Some("kept for the migration"));
    assert_eq!(s.span.line, 2);

    // Another rule's suppression, or the marker inside a value, accepts nothing.
    let l = load_files(&[(
        "broken.yaml",
        "# egressproof:ignore EP201 not this one\nAWSTemplateFormatVersion: \"2010-09-09\"\nDescription: \"# egressproof:ignore EP901 in a string\nResources: [\n",
    )]);
    assert!(l.model.diagnostics[0].suppression.is_none());
}
