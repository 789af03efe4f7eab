//! Paths across accounts, end to end through the binary: a workload account's stack whose VPC
//! routes to the network account's transit gateway, a participant's notebook in a subnet the
//! network account shares through AWS RAM. The stacks name each other (exports and imports), so
//! they are one environment, and the path is followed from one template into the other.

mod common;

use common::*;

/// The network account: a transit gateway, its route table sending everything to the egress
/// VPC (NAT gateway, internet gateway), and the attachment of the workload VPC (imported)
/// associated with it.
const NETWORK: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Tgw:
    Type: AWS::EC2::TransitGateway
    Properties:
      DefaultRouteTableAssociation: disable
      DefaultRouteTablePropagation: disable
  TgwRouteTable:
    Type: AWS::EC2::TransitGatewayRouteTable
    Properties:
      TransitGatewayId: !Ref Tgw
  WorkloadAssociation:
    Type: AWS::EC2::TransitGatewayRouteTableAssociation
    Properties:
      TransitGatewayRouteTableId: !Ref TgwRouteTable
      TransitGatewayAttachmentId: !ImportValue workload-tgw-attachment
  TgwDefaultRoute:
    Type: AWS::EC2::TransitGatewayRoute
    Properties:
      TransitGatewayRouteTableId: !Ref TgwRouteTable
      DestinationCidrBlock: 0.0.0.0/0
      TransitGatewayAttachmentId: !Ref EgressAttachment
  EgressVpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.99.0.0/16
  EgressTgwSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref EgressVpc
      CidrBlock: 10.99.1.0/24
  EgressPublicSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref EgressVpc
      CidrBlock: 10.99.2.0/24
  Igw:
    Type: AWS::EC2::InternetGateway
  IgwAttachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties:
      VpcId: !Ref EgressVpc
      InternetGatewayId: !Ref Igw
  PublicRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref EgressVpc
  PublicAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref EgressPublicSubnet
      RouteTableId: !Ref PublicRouteTable
  PublicDefaultRoute:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PublicRouteTable
      DestinationCidrBlock: 0.0.0.0/0
      GatewayId: !Ref Igw
  Nat:
    Type: AWS::EC2::NatGateway
    Properties:
      SubnetId: !Ref EgressPublicSubnet
  TgwSubnetRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref EgressVpc
  TgwSubnetAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref EgressTgwSubnet
      RouteTableId: !Ref TgwSubnetRouteTable
  TgwSubnetDefaultRoute:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref TgwSubnetRouteTable
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref Nat
  EgressAttachment:
    Type: AWS::EC2::TransitGatewayVpcAttachment
    Properties:
      TransitGatewayId: !Ref Tgw
      VpcId: !Ref EgressVpc
      SubnetIds: [!Ref EgressTgwSubnet]
  EgressAssociation:
    Type: AWS::EC2::TransitGatewayRouteTableAssociation
    Properties:
      TransitGatewayRouteTableId: !Ref TgwRouteTable
      TransitGatewayAttachmentId: !Ref EgressAttachment
Outputs:
  Tgw:
    Value: !Ref Tgw
    Export: { Name: network-tgw }
"#;

/// The workload account: a notebook whose VPC routes 0.0.0.0/0 to the imported gateway.
const WORKLOAD: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.20.0.0/16
  Subnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.20.1.0/24
  RouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  Association:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref Subnet
      RouteTableId: !Ref RouteTable
  Attachment:
    Type: AWS::EC2::TransitGatewayVpcAttachment
    Properties:
      TransitGatewayId: !ImportValue network-tgw
      VpcId: !Ref Vpc
      SubnetIds: [!Ref Subnet]
  DefaultRoute:
    Type: AWS::EC2::Route
    DependsOn: Attachment
    Properties:
      RouteTableId: !Ref RouteTable
      DestinationCidrBlock: 0.0.0.0/0
      TransitGatewayId: !ImportValue network-tgw
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::444455556666:role/sagemaker
      SubnetId: !Ref Subnet
      DirectInternetAccess: Disabled
Outputs:
  Attachment:
    Value: !Ref Attachment
    Export: { Name: workload-tgw-attachment }
"#;

/// The files of each hop of the first finding's path, in order.
fn hop_files(scan: &Scan) -> Vec<String> {
    scan.report["findings"][0]["path"]
        .as_array()
        .unwrap_or_else(|| panic!("no path: {}", scan.stdout))
        .iter()
        .map(|h| h["file"].as_str().unwrap_or_default().to_string())
        .collect()
}

fn environment_names(scan: &Scan) -> Vec<String> {
    scan.report["environments"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|e| e["name"].as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn centralized_egress_is_followed_into_the_network_accounts_stack() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "network/network.yaml", NETWORK);
    write(dir.path(), "workload/workload.yaml", WORKLOAD);
    let scan = scan_json(dir.path(), &["."]);
    assert_eq!(scan.code, 1, "{}", scan.stdout);
    assert_eq!(
        environment_names(&scan).len(),
        1,
        "the stacks import each other: one environment: {}",
        scan.stdout
    );
    assert!(scan.rules().contains(&"EP201".into()), "{}", scan.stdout);
    assert!(!scan.rules().contains(&"EP203".into()), "{}", scan.stdout);
    let files = hop_files(&scan);
    let first_network = files
        .iter()
        .position(|f| f.ends_with("network.yaml"))
        .unwrap_or_else(|| panic!("the path never enters the network stack: {files:?}"));
    assert!(
        files[..first_network]
            .iter()
            .all(|f| f.ends_with("workload.yaml") || f.is_empty()),
        "{files:?}"
    );
    let message = scan.report["findings"][0]["message"].as_str().unwrap();
    assert!(
        message.contains("transit gateway Tgw -> NAT gateway Nat -> internet gateway Igw"),
        "{message}"
    );
}

#[test]
fn the_workload_stack_alone_ends_at_the_gateway_outside_the_scan() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "workload.yaml", WORKLOAD);
    let scan = scan_json(dir.path(), &["."]);
    assert!(!scan.rules().contains(&"EP201".into()), "{}", scan.stdout);
    assert_ne!(scan.code, 0, "{}", scan.stdout);
}

/// The network account shares a subnet routed to a NAT gateway; the participant's notebook
/// names it by the export.
const SHARED_NETWORK: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.30.0.0/16
  SharedSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.30.1.0/24
  PublicSubnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.30.2.0/24
  Igw:
    Type: AWS::EC2::InternetGateway
  IgwAttachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties:
      VpcId: !Ref Vpc
      InternetGatewayId: !Ref Igw
  PublicRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  PublicAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref PublicSubnet
      RouteTableId: !Ref PublicRouteTable
  PublicDefaultRoute:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref PublicRouteTable
      DestinationCidrBlock: 0.0.0.0/0
      GatewayId: !Ref Igw
  Nat:
    Type: AWS::EC2::NatGateway
    Properties:
      SubnetId: !Ref PublicSubnet
  SharedRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref Vpc
  SharedAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref SharedSubnet
      RouteTableId: !Ref SharedRouteTable
  SharedDefaultRoute:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref SharedRouteTable
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref Nat
  Share:
    Type: AWS::RAM::ResourceShare
    Properties:
      Name: workload-subnets
      Principals: ['444455556666']
      ResourceArns:
        - !Sub arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:subnet/${SharedSubnet}
Outputs:
  Subnet:
    Value: !Ref SharedSubnet
    Export: { Name: shared-subnet }
"#;

const PARTICIPANT: &str = r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::444455556666:role/sagemaker
      SubnetId: !ImportValue shared-subnet
      DirectInternetAccess: Disabled
"#;

#[test]
fn a_notebook_in_a_shared_subnet_follows_the_owners_route_table() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "network.yaml", SHARED_NETWORK);
    write(dir.path(), "participant.yaml", PARTICIPANT);
    let scan = scan_json(dir.path(), &["."]);
    assert_eq!(scan.code, 1, "{}", scan.stdout);
    assert_eq!(environment_names(&scan).len(), 1, "{}", scan.stdout);
    assert!(scan.rules().contains(&"EP201".into()), "{}", scan.stdout);
    let path = scan.report["findings"][0]["path"].to_string();
    assert!(path.contains("shared through AWS RAM by Share"), "{path}");
    assert!(path.contains("participant.yaml"), "{path}");
    assert!(path.contains("network.yaml"), "{path}");

    // Without the owner's stack the subnet is outside the scan: unproven, never sealed.
    let alone = tempfile::tempdir().unwrap();
    write(alone.path(), "participant.yaml", PARTICIPANT);
    let scan = scan_json(alone.path(), &["."]);
    assert_ne!(scan.code, 0, "{}", scan.stdout);
    assert!(!scan.rules().contains(&"EP201".into()), "{}", scan.stdout);
    assert!(
        scan.unknowns()
            .iter()
            .any(|(rule, _, message)| rule == "EP902" && message.contains("shared-subnet")),
        "{:?}",
        scan.unknowns()
    );
}
