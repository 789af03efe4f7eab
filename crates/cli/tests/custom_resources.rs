//! Code that runs at deploy time and that the scan does not read, end to end through the
//! binary: a CloudFormation custom resource whose Lambda creates the notebook through the API
//! (as `aws-sagemaker-guard` does: `sagemaker.createNotebookInstance`, direct internet access
//! enabled by default), and a Terraform provisioner run with the operator's credentials. What
//! that code creates is not in the scan, so the verdict is `unproven` (exit 3), never `sealed`.

mod common;

use common::*;

/// A private VPC meant for SageMaker (its API endpoint), and a notebook created by a custom
/// resource's Lambda rather than declared.
const NOTEBOOK_BY_LAMBDA: &str = r#"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16 }
  Subnet:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24 }
  EndpointSg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: endpoints
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/16 }
  SageMakerApi:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${AWS::Region}.sagemaker.api
      VpcEndpointType: Interface
      PrivateDnsEnabled: true
      SubnetIds: [!Ref Subnet]
      SecurityGroupIds: [!Ref EndpointSg]
  CreatorRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: lambda.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: create
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: sagemaker:CreateNotebookInstance
                Resource: "*"
  Creator:
    Type: AWS::Lambda::Function
    Properties:
      Runtime: nodejs18.x
      Handler: index.handler
      Role: !GetAtt CreatorRole.Arn
      Code:
        ZipFile: |
          exports.handler = async () => sagemaker.createNotebookInstance(params).promise();
  NotebookInstance:
    Type: Custom::NotebookInstance
    Properties:
      ServiceToken: !GetAtt Creator.Arn
      SubnetId: !Ref Subnet
"#;

/// The endpoint's default policy is EP302's subject, not this test's.
const SKIP_ENDPOINT_POLICY: [&str; 2] = ["--skip", "EP302"];

fn has_ep903(scan: &Scan, says: &str) -> bool {
    scan.unknowns()
        .iter()
        .any(|(rule, _, message)| rule == "EP903" && message.contains(says))
}

#[test]
fn a_notebook_created_by_a_custom_resource_is_unproven_not_sealed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "instance.yaml", NOTEBOOK_BY_LAMBDA);
    let scan = scan_json(
        dir.path(),
        &[&SKIP_ENDPOINT_POLICY[..], &["instance.yaml"]].concat(),
    );
    assert_eq!(scan.code, 3, "{}", scan.stdout);
    assert_eq!(scan.report["verdict"], "unproven", "{}", scan.stdout);
    assert!(
        has_ep903(
            &scan,
            "NotebookInstance (Custom::NotebookInstance) runs code"
        ),
        "{}",
        scan.stdout
    );

    // The custom resource alone keeps the verdict from `sealed`: accepting its unknown leaves a
    // scan with nothing else to say.
    let skipped = scan_json(
        dir.path(),
        &[
            &SKIP_ENDPOINT_POLICY[..],
            &["--skip", "EP903", "instance.yaml"],
        ]
        .concat(),
    );
    assert_eq!(skipped.code, 0, "{}", skipped.stdout);
    assert_eq!(skipped.report["verdict"], "sealed", "{}", skipped.stdout);
}

#[test]
fn a_local_exec_provisioner_is_unproven_not_sealed() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "infra/main.tf",
        r#"
resource "aws_vpc" "ml" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "a" {
  vpc_id     = aws_vpc.ml.id
  cidr_block = "10.0.1.0/24"
}

resource "aws_vpc_endpoint" "sagemaker_api" {
  vpc_id              = aws_vpc.ml.id
  service_name        = "com.amazonaws.eu-west-1.sagemaker.api"
  vpc_endpoint_type   = "Interface"
  private_dns_enabled = true
  subnet_ids          = [aws_subnet.a.id]
}

resource "null_resource" "notebook" {
  provisioner "local-exec" {
    command = "aws sagemaker create-notebook-instance --notebook-instance-name nb --instance-type ml.t3.medium --role-arn arn:aws:iam::111122223333:role/nb"
  }
}
"#,
    );
    let scan = scan_json(
        dir.path(),
        &[&SKIP_ENDPOINT_POLICY[..], &["infra"]].concat(),
    );
    assert_eq!(scan.code, 3, "{}", scan.stdout);
    assert_eq!(scan.report["verdict"], "unproven", "{}", scan.stdout);
    assert!(
        has_ep903(&scan, "null_resource.notebook (null_resource) runs code"),
        "{}",
        scan.stdout
    );
}

/// A Studio domain created by a custom resource's Lambda (`create_domain` without
/// `AppNetworkAccessType`: PublicInternetOnly by default), and nothing else about SageMaker in
/// the template: the environment is judged, not "out of scope".
const DOMAIN_BY_LAMBDA: &str = r#"
Resources:
  StudioDomain:
    Type: Custom::StudioDomain
    Properties:
      ServiceToken: !ImportValue studio-domain-function-arn
      DomainName: research
"#;

#[test]
fn a_template_of_only_a_custom_resource_is_in_scope_and_unproven() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "domain.yaml", DOMAIN_BY_LAMBDA);
    let scan = scan_json(dir.path(), &["domain.yaml"]);
    assert_eq!(scan.code, 3, "{}", scan.stdout);
    assert_eq!(scan.report["verdict"], "unproven", "{}", scan.stdout);
    assert!(
        has_ep903(&scan, "StudioDomain (Custom::StudioDomain) runs code"),
        "{}",
        scan.stdout
    );
    let in_scope = scan.report["environments"]
        .as_array()
        .is_some_and(|e| e.iter().any(|e| e["in_scope"].as_bool() != Some(false)));
    assert!(in_scope, "{}", scan.stdout);

    // Skipping EP903 is the user's word that the code does not matter: nothing is judged.
    let skipped = scan_json(dir.path(), &["--skip", "EP903", "domain.yaml"]);
    assert_eq!(skipped.code, 0, "{}", skipped.stdout);
}
