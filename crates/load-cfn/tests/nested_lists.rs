//! A `List<>` or `CommaDelimitedList` parameter of a nested stack given one joined string (the
//! parent's `!Join [',', ...]`, another nested stack's output) is split as CloudFormation splits
//! it, so `!Select` over it names the subnet.

use egressproof_load_cfn::Loaded;
use egressproof_model::{Attr, Ident, Kind};

#[path = "support/load.rs"]
mod support;
use support::load_files;

fn notebook_subnet(l: &Loaded, id: &str) -> Attr<Ident> {
    let r = l
        .model
        .resources
        .iter()
        .find(|r| r.id.as_str() == id)
        .unwrap_or_else(|| panic!("no {id}"));
    match &r.kind {
        Kind::NotebookInstance(nb) => nb.subnet.clone().expect("subnet"),
        other => panic!("{other:?}"),
    }
}

const CHILD: &str = r#"
Parameters:
  Subnets: { Type: "List<AWS::EC2::Subnet::Id>" }
  Names: { Type: CommaDelimitedList }
Resources:
  Nb:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::111122223333:role/nb
      DirectInternetAccess: Disabled
      SubnetId: !Select [1, !Ref Subnets]
      Tags: [{ Key: second, Value: !Select [1, !Ref Names] }]
"#;

const NET: &str = r#"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16 }
  A:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24 }
  B:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.2.0/24 }
Outputs:
  SubnetIds:
    Value: !Join [",", [!Ref A, !Ref B]]
"#;

#[test]
fn a_joined_string_given_to_a_list_parameter_is_split() {
    let l = load_files(&[
        ("net.yaml", NET),
        ("nb.yaml", CHILD),
        (
            "parent.yaml",
            r#"
Resources:
  Net:
    Type: AWS::CloudFormation::Stack
    Properties: { TemplateURL: net.yaml }
  Direct:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: vpc-1, CidrBlock: 10.1.0.0/24 }
  FromOutput:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: nb.yaml
      Parameters:
        Subnets: !GetAtt Net.Outputs.SubnetIds
        Names: "a, b ,c"
  FromJoin:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: nb.yaml
      Parameters:
        Subnets: !Join [", ", [!GetAtt Net.Outputs.SubnetIds, !Ref Direct]]
        Names: !Join [",", [a, !Ref "AWS::Region"]]
"#,
        ),
    ]);
    assert_eq!(
        notebook_subnet(&l, "parent.yaml#FromOutput/Nb"),
        Attr::Known(Ident::new("parent.yaml#Net/B"))
    );
    // The output joined again with a subnet of the parent, with blanks after the commas.
    assert_eq!(
        notebook_subnet(&l, "parent.yaml#FromJoin/Nb"),
        Attr::Known(Ident::new("parent.yaml#Net/B"))
    );
}

#[test]
fn a_joined_string_whose_parts_may_hold_commas_is_unknown() {
    let l = load_files(&[
        ("nb.yaml", CHILD),
        (
            "parent.yaml",
            r#"
Resources:
  Role:
    Type: AWS::IAM::Role
    Properties: { AssumeRolePolicyDocument: {} }
  Nb:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: nb.yaml
      Parameters:
        Subnets: !Join [",", [subnet-1, !Ref Role]]
        Names: a
"#,
        ),
    ]);
    match notebook_subnet(&l, "parent.yaml#Nb/Nb") {
        Attr::Unknown(u) => assert!(u.reason.contains("commas"), "{}", u.reason),
        other => panic!("{other:?}"),
    }
}

#[test]
fn nested_stacks_made_by_a_loop_are_the_childs_only_instances() {
    let l = load_files(&[
        (
            "child.yaml",
            "Parameters:\n  Cidr: { Type: String }\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: { CidrBlock: !Ref Cidr }\n",
        ),
        (
            "parent.yaml",
            r#"
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Envs:
    - Env
    - [dev, prod]
    - Net${Env}:
        Type: AWS::CloudFormation::Stack
        Properties:
          TemplateURL: child.yaml
          Parameters: { Cidr: !FindInMap [Cidrs, !Ref Env, Cidr] }
Mappings:
  Cidrs:
    dev: { Cidr: 10.1.0.0/16 }
    prod: { Cidr: 10.2.0.0/16 }
"#,
        ),
    ]);
    let ids: Vec<&str> = l.model.resources.iter().map(|r| r.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "parent.yaml#Netdev",
            "parent.yaml#Netdev/Vpc",
            "parent.yaml#Netprod",
            "parent.yaml#Netprod/Vpc"
        ]
    );
    assert!(l.model.diagnostics.is_empty(), "{:?}", l.model.diagnostics);
}
