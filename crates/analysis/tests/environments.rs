//! Environments (DESIGN.md §2): a finding never depends on a resource of another environment.
//!
//! The property: for two templates with no reference between them, the findings (and
//! unknowns) of the scan of both are exactly those of each scanned alone. The templates are
//! generated from the pieces whose interplay the rules read across a whole scan: workloads,
//! routes out, endpoints and their policies, roles and SCPs that restrict presigned URLs,
//! unresolved parameters, and templates without SageMaker (out of scope).

use egressproof_analysis::{analyze_scan, Options, Scan};
use egressproof_load_cfn::{load, Input, LoadOptions};
use egressproof_model::Model;
use proptest::prelude::*;
use std::collections::BTreeSet;

/// One generated template.
#[derive(Clone, Debug)]
struct Stack {
    /// `None`: no notebook; else its DirectInternetAccess (`None` leaves it absent).
    notebook: Option<Option<bool>>,
    /// The notebook sits in the subnet (else it uses SageMaker's network).
    in_subnet: bool,
    /// The subnet routes 0.0.0.0/0 to a NAT gateway (0), an internet gateway (1), or nowhere.
    route: u8,
    /// A `sagemaker.api` interface endpoint in the VPC.
    api_endpoint: bool,
    /// An S3 gateway endpoint: none (0), default policy (1), limited to the account (2).
    s3_endpoint: u8,
    /// A role with a Deny of presigned URLs outside the office network.
    role_deny: bool,
    /// An SCP restricting presigned URLs for everyone.
    scp: bool,
    /// A parameter without a default decides the notebook's internet access.
    unresolved: bool,
    /// A network-isolated model.
    model: bool,
}

fn stack() -> impl Strategy<Value = Stack> {
    (
        prop::option::of(prop::option::of(any::<bool>())),
        any::<bool>(),
        0u8..3,
        any::<bool>(),
        0u8..3,
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    )
        .prop_map(
            |(
                notebook,
                in_subnet,
                route,
                api_endpoint,
                s3_endpoint,
                role_deny,
                scp,
                unresolved,
                model,
            )| Stack {
                notebook,
                in_subnet,
                route,
                api_endpoint,
                s3_endpoint,
                role_deny,
                scp,
                unresolved,
                model,
            },
        )
}

impl Stack {
    fn yaml(&self) -> String {
        let mut t = String::from("AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n");
        t.push_str("  Office:\n    Type: String\n    Default: 203.0.113.0/24\n");
        if self.unresolved {
            t.push_str("  Access:\n    Type: String\n");
        }
        t.push_str(
            "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n\
             \x20 Subnet:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: 10.0.1.0/24\n\
             \x20 Routes:\n    Type: AWS::EC2::RouteTable\n    Properties:\n      VpcId: !Ref Vpc\n\
             \x20 Assoc:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n    Properties:\n      SubnetId: !Ref Subnet\n      RouteTableId: !Ref Routes\n",
        );
        match self.route {
            0 => t.push_str(
                "  Igw:\n    Type: AWS::EC2::InternetGateway\n\
                 \x20 Attach:\n    Type: AWS::EC2::VPCGatewayAttachment\n    Properties:\n      VpcId: !Ref Vpc\n      InternetGatewayId: !Ref Igw\n\
                 \x20 Public:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: 10.0.2.0/24\n\
                 \x20 PublicRoutes:\n    Type: AWS::EC2::RouteTable\n    Properties:\n      VpcId: !Ref Vpc\n\
                 \x20 PublicAssoc:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n    Properties:\n      SubnetId: !Ref Public\n      RouteTableId: !Ref PublicRoutes\n\
                 \x20 PublicDefault:\n    Type: AWS::EC2::Route\n    Properties:\n      RouteTableId: !Ref PublicRoutes\n      DestinationCidrBlock: 0.0.0.0/0\n      GatewayId: !Ref Igw\n\
                 \x20 Eip:\n    Type: AWS::EC2::EIP\n\
                 \x20 Nat:\n    Type: AWS::EC2::NatGateway\n    Properties:\n      SubnetId: !Ref Public\n      AllocationId: !GetAtt Eip.AllocationId\n\
                 \x20 Default:\n    Type: AWS::EC2::Route\n    Properties:\n      RouteTableId: !Ref Routes\n      DestinationCidrBlock: 0.0.0.0/0\n      NatGatewayId: !Ref Nat\n",
            ),
            1 => t.push_str(
                "  Igw:\n    Type: AWS::EC2::InternetGateway\n\
                 \x20 Attach:\n    Type: AWS::EC2::VPCGatewayAttachment\n    Properties:\n      VpcId: !Ref Vpc\n      InternetGatewayId: !Ref Igw\n\
                 \x20 Default:\n    Type: AWS::EC2::Route\n    Properties:\n      RouteTableId: !Ref Routes\n      DestinationCidrBlock: 0.0.0.0/0\n      GatewayId: !Ref Igw\n",
            ),
            _ => {}
        }
        if self.api_endpoint {
            t.push_str(
                "  Api:\n    Type: AWS::EC2::VPCEndpoint\n    Properties:\n      VpcId: !Ref Vpc\n      VpcEndpointType: Interface\n      ServiceName: !Sub com.amazonaws.${AWS::Region}.sagemaker.api\n      SubnetIds: [!Ref Subnet]\n",
            );
        }
        match self.s3_endpoint {
            1 => t.push_str(
                "  S3:\n    Type: AWS::EC2::VPCEndpoint\n    Properties:\n      VpcId: !Ref Vpc\n      ServiceName: !Sub com.amazonaws.${AWS::Region}.s3\n      RouteTableIds: [!Ref Routes]\n",
            ),
            2 => t.push_str(
                "  S3:\n    Type: AWS::EC2::VPCEndpoint\n    Properties:\n      VpcId: !Ref Vpc\n      ServiceName: !Sub com.amazonaws.${AWS::Region}.s3\n      RouteTableIds: [!Ref Routes]\n      PolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: '*'\n            Action: 's3:*'\n            Resource: '*'\n            Condition:\n              StringEquals:\n                aws:ResourceAccount: !Ref AWS::AccountId\n",
            ),
            _ => {}
        }
        if let Some(access) = self.notebook {
            t.push_str("  Notebook:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      InstanceType: ml.t3.medium\n      RoleArn: !GetAtt Role.Arn\n");
            if self.in_subnet {
                t.push_str("      SubnetId: !Ref Subnet\n");
            }
            if self.unresolved {
                t.push_str("      DirectInternetAccess: !Ref Access\n");
            } else if let Some(enabled) = access {
                t.push_str(if enabled {
                    "      DirectInternetAccess: Enabled\n"
                } else {
                    "      DirectInternetAccess: Disabled\n"
                });
            }
        }
        if self.model {
            t.push_str("  Model:\n    Type: AWS::SageMaker::Model\n    Properties:\n      ExecutionRoleArn: !GetAtt Role.Arn\n      EnableNetworkIsolation: true\n      PrimaryContainer:\n        Image: 111122223333.dkr.ecr.eu-west-1.amazonaws.com/m:1\n");
        }
        t.push_str("  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument:\n        Statement:\n          - Effect: Allow\n            Principal: { Service: sagemaker.amazonaws.com }\n            Action: sts:AssumeRole\n");
        if self.role_deny {
            t.push_str("      Policies:\n        - PolicyName: office-only\n          PolicyDocument:\n            Statement:\n              - Effect: Deny\n                Action:\n                  - sagemaker:CreatePresignedNotebookInstanceUrl\n                  - sagemaker:CreatePresignedDomainUrl\n                Resource: '*'\n                Condition:\n                  NotIpAddress:\n                    aws:SourceIp: !Ref Office\n");
        }
        if self.scp {
            t.push_str("  Guardrail:\n    Type: AWS::Organizations::Policy\n    Properties:\n      Name: guardrail\n      Type: SERVICE_CONTROL_POLICY\n      TargetIds: ['111122223333']\n      Content:\n        Version: '2012-10-17'\n        Statement:\n          - Effect: Deny\n            Action:\n              - sagemaker:CreatePresignedNotebookInstanceUrl\n              - sagemaker:CreatePresignedDomainUrl\n            Resource: '*'\n            Condition:\n              NotIpAddress:\n                aws:SourceIp: !Ref Office\n          - Effect: Deny\n            Action: sagemaker:CreateNotebookInstance\n            Resource: '*'\n            Condition:\n              StringEquals:\n                sagemaker:DirectInternetAccess: Enabled\n");
        }
        t
    }
}

/// Loads the named templates of `dir` together, as one scan.
fn load_files(dir: &std::path::Path, names: &[&str]) -> Model {
    let inputs: Vec<Input> = names
        .iter()
        .map(|n| Input {
            path: dir.join(n),
            display: (*n).to_string(),
        })
        .collect();
    load(&inputs, &LoadOptions::default()).model
}

/// Everything a scan found, each with what identifies it whatever else is scanned with it.
fn found(scan: &Scan) -> BTreeSet<(String, String, String, String)> {
    let mut out = BTreeSet::new();
    for e in scan.in_scope() {
        for f in &e.analysis.findings {
            out.insert((
                f.rule.to_string(),
                f.resource.name.clone(),
                f.resource.span.file.clone(),
                f.message.clone(),
            ));
        }
        for u in &e.analysis.unknowns {
            out.insert((
                u.rule.to_string(),
                String::new(),
                u.span.as_ref().map(|s| s.file.clone()).unwrap_or_default(),
                u.message.clone(),
            ));
        }
    }
    out
}

fn scan_of(dir: &std::path::Path, names: &[&str]) -> Scan {
    analyze_scan(load_files(dir, names), &Options::default(), &[])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn scanning_two_unrelated_templates_together_finds_what_each_finds_alone(
        a in stack(),
        b in stack(),
    ) {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("a.yaml"), a.yaml()).expect("write");
        std::fs::write(dir.path().join("b.yaml"), b.yaml()).expect("write");
        let alone_a = scan_of(dir.path(), &["a.yaml"]);
        let alone_b = scan_of(dir.path(), &["b.yaml"]);
        let both = scan_of(dir.path(), &["a.yaml", "b.yaml"]);
        let mut apart = found(&alone_a);
        apart.extend(found(&alone_b));
        prop_assert_eq!(found(&both), apart);
        prop_assert_eq!(both.environments.len(), 2);
        let worst = alone_a
            .in_scope()
            .chain(alone_b.in_scope())
            .map(|e| e.analysis.verdict)
            .max()
            .unwrap_or(egressproof_analysis::Verdict::Sealed);
        prop_assert_eq!(both.verdict, worst);
    }
}

/// The property is not vacuous: scanned as one environment, a role's Deny in one template
/// hides the other template's presigned-URL finding (the behaviour environments remove).
#[test]
fn without_environments_one_template_changes_the_findings_of_another() {
    let open = Stack {
        notebook: Some(Some(false)),
        in_subnet: true,
        route: 2,
        api_endpoint: true,
        s3_endpoint: 0,
        role_deny: false,
        scp: false,
        unresolved: false,
        model: false,
    };
    let guarded = Stack {
        scp: true,
        role_deny: true,
        ..open.clone()
    };
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.yaml"), open.yaml()).expect("write");
    std::fs::write(dir.path().join("b.yaml"), guarded.yaml()).expect("write");
    let ep401 = |scan: &Scan| {
        found(scan)
            .into_iter()
            .filter(|f| f.0 == "EP401" && f.2 == "a.yaml")
            .count()
    };
    let alone = scan_of(dir.path(), &["a.yaml"]);
    assert!(ep401(&alone) > 0, "{:?}", found(&alone));
    let both = scan_of(dir.path(), &["a.yaml", "b.yaml"]);
    assert_eq!(ep401(&both), ep401(&alone));

    let mut merged = load_files(dir.path(), &["a.yaml", "b.yaml"]);
    merged.inputs.clear();
    let one = analyze_scan(merged, &Options::default(), &[]);
    assert_eq!(one.environments.len(), 1);
    assert_eq!(ep401(&one), 0, "{:?}", found(&one));
}

/// An export read by an import joins the two templates, whatever the exported value.
#[test]
fn an_import_joins_the_exporting_template() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("net.yaml"),
        "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\nOutputs:\n  Office:\n    Value: 203.0.113.0/24\n    Export: { Name: office }\n",
    )
    .expect("write");
    std::fs::write(
        dir.path().join("nb.yaml"),
        "Resources:\n  Notebook:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      InstanceType: ml.t3.medium\n      RoleArn: arn:aws:iam::111122223333:role/x\n      Tags:\n        - Key: office\n          Value: !ImportValue office\n",
    )
    .expect("write");
    let scan = scan_of(dir.path(), &["net.yaml", "nb.yaml"]);
    assert_eq!(scan.environments.len(), 1, "{:?}", scan.environments);
    assert_eq!(scan.environments[0].inputs, ["nb.yaml", "net.yaml"]);
    assert_eq!(scan.environments[0].name, "nb.yaml");
}
