//! CloudFormation values known only at deploy time, end to end: what the scan can still decide.

mod common;

use common::*;

/// A notebook whose VPC routes everything to a transit gateway given by a parameter without a
/// default; its subnets are made by `Fn::ForEach`.
const WORKLOAD: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::LanguageExtensions
Parameters:
  TgwId: { Type: String }
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.20.0.0/16 }
  Fn::ForEach::Subnets:
    - Zone
    - [a, b]
    - Subnet${Zone}:
        Type: AWS::EC2::Subnet
        Properties:
          VpcId: !Ref Vpc
          CidrBlock: !FindInMap [Cidrs, !Ref Zone, Cidr]
  RouteTable:
    Type: AWS::EC2::RouteTable
    Properties: { VpcId: !Ref Vpc }
  Fn::ForEach::Associations:
    - Zone
    - [a, b]
    - Association${Zone}:
        Type: AWS::EC2::SubnetRouteTableAssociation
        Properties:
          SubnetId: !Ref Subnet${Zone}
          RouteTableId: !Ref RouteTable
  DefaultRoute:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref RouteTable
      DestinationCidrBlock: 0.0.0.0/0
      TransitGatewayId: !Ref TgwId
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::444455556666:role/sagemaker
      SubnetId: !Ref Subnetb
      DirectInternetAccess: Disabled
Mappings:
  Cidrs:
    a: { Cidr: 10.20.1.0/24 }
    b: { Cidr: 10.20.2.0/24 }
"#;

#[test]
fn a_route_to_a_transit_gateway_given_at_deploy_time_leaves_the_scan_when_it_holds_none() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "workload.yaml", WORKLOAD);
    let scan = scan_json(dir.path(), &["."]);
    assert!(scan.rules().contains(&"EP203".into()), "{}", scan.stdout);
    let unknowns = scan.unknowns();
    assert!(
        !unknowns.iter().any(|(_, _, m)| m.contains("TgwId")
            || m.contains("ForEach")
            || m.contains("Transform")),
        "{unknowns:?}"
    );
    assert!(scan.stdout.contains("the scan holds no transit gateway"));
}

#[test]
fn with_a_transit_gateway_in_the_scan_the_parameter_may_name_it_and_stays_unknown() {
    let dir = tempfile::tempdir().unwrap();
    // The gateway in the same environment (here the same template): the parameter may name it.
    let with_gateway = WORKLOAD.replace(
        "Resources:\n",
        "Resources:\n  Tgw:\n    Type: AWS::EC2::TransitGateway\n",
    );
    write(dir.path(), "workload.yaml", with_gateway);
    let scan = scan_json(dir.path(), &["."]);
    let unknowns = scan.unknowns();
    assert!(
        unknowns
            .iter()
            .any(|(r, _, m)| r == "EP902" && m.contains("TgwId")),
        "{unknowns:?}\n{}",
        scan.stdout
    );
}
