//! The network an analysis keeps for reports to draw (`Analysis::network`), in both formats:
//! subnets under the route table that applies to them (an explicit association, else the
//! VPC's main table), routes with their targets, gateways of every kind under their VPC, and
//! endpoints with their type.

use egressproof_analysis::network_map::{GatewayKind, NetworkMap, VpcMap};
use egressproof_analysis::{analyze, Options};
use egressproof_load_cfn::{load, Input, LoadOptions};
use egressproof_load_tf::{load_dirs, TfOptions};

const CFN: &str = r#"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16 }
  Public:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24 }
  Private:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24 }
  Igw:
    Type: AWS::EC2::InternetGateway
  Attach:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties: { VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw }
  PublicRoutes:
    Type: AWS::EC2::RouteTable
    Properties: { VpcId: !Ref Vpc }
  ToIgw:
    Type: AWS::EC2::Route
    Properties: { RouteTableId: !Ref PublicRoutes, DestinationCidrBlock: 0.0.0.0/0, GatewayId: !Ref Igw }
  PublicAssoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: { SubnetId: !Ref Public, RouteTableId: !Ref PublicRoutes }
  Eip:
    Type: AWS::EC2::EIP
  Nat:
    Type: AWS::EC2::NatGateway
    Properties: { SubnetId: !Ref Public, AllocationId: !GetAtt Eip.AllocationId }
  S3:
    Type: AWS::EC2::VPCEndpoint
    Properties: { VpcId: !Ref Vpc, ServiceName: com.amazonaws.eu-west-1.s3, RouteTableIds: [!Ref PublicRoutes] }
  Eoigw:
    Type: AWS::EC2::EgressOnlyInternetGateway
    Properties: { VpcId: !Ref Vpc }
"#;

const TF: &str = r#"
resource "aws_vpc" "Vpc" { cidr_block = "10.0.0.0/16" }
resource "aws_subnet" "Public" {
  vpc_id     = aws_vpc.Vpc.id
  cidr_block = "10.0.0.0/24"
}
resource "aws_subnet" "Private" {
  vpc_id     = aws_vpc.Vpc.id
  cidr_block = "10.0.1.0/24"
}
resource "aws_internet_gateway" "Igw" { vpc_id = aws_vpc.Vpc.id }
resource "aws_route_table" "PublicRoutes" { vpc_id = aws_vpc.Vpc.id }
resource "aws_route" "ToIgw" {
  route_table_id         = aws_route_table.PublicRoutes.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = aws_internet_gateway.Igw.id
}
resource "aws_route_table_association" "PublicAssoc" {
  subnet_id      = aws_subnet.Public.id
  route_table_id = aws_route_table.PublicRoutes.id
}
resource "aws_eip" "Eip" { domain = "vpc" }
resource "aws_nat_gateway" "Nat" {
  subnet_id     = aws_subnet.Public.id
  allocation_id = aws_eip.Eip.id
}
resource "aws_vpc_endpoint" "S3" {
  vpc_id          = aws_vpc.Vpc.id
  service_name    = "com.amazonaws.eu-west-1.s3"
  route_table_ids = [aws_route_table.PublicRoutes.id]
}
resource "aws_egress_only_internet_gateway" "Eoigw" { vpc_id = aws_vpc.Vpc.id }
"#;

fn cfn() -> NetworkMap {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("net.yaml");
    std::fs::write(&path, CFN).unwrap();
    let model = load(
        &[Input {
            path,
            display: "net.yaml".into(),
        }],
        &LoadOptions::default(),
    )
    .model;
    analyze(&model, &Options::default()).network
}

fn tf() -> NetworkMap {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("main.tf"), TF).unwrap();
    let model = load_dirs(
        &[(dir.path().to_path_buf(), "net".into())],
        &TfOptions::default(),
    )
    .model;
    analyze(&model, &Options::default()).network
}

/// The map as names, so that both formats compare: table → subnets and routes; gateways;
/// endpoints.
fn names(v: &VpcMap) -> (Vec<String>, Vec<String>, Vec<String>) {
    let short = |n: &str| n.rsplit('.').next().unwrap_or(n).to_string();
    let mut tables: Vec<String> = v
        .route_tables
        .iter()
        .map(|t| {
            let table = t
                .table
                .as_ref()
                .map_or("(unknown)".to_string(), |r| short(&r.name));
            let subnets: Vec<String> = t.subnets.iter().map(|s| short(&s.name)).collect();
            let routes: Vec<String> = t.routes.iter().map(|r| r.destination.clone()).collect();
            format!(
                "{table}{}: {subnets:?} {routes:?}",
                if t.main { " (main)" } else { "" }
            )
        })
        .collect();
    tables.sort();
    let mut gateways: Vec<String> = v
        .gateways
        .iter()
        .map(|g| format!("{} {:?}", short(&g.gateway.name), g.kind))
        .collect();
    gateways.sort();
    let endpoints = v
        .endpoints
        .iter()
        .map(|e| {
            format!(
                "{} {} gateway={}",
                short(&e.endpoint.name),
                e.service,
                e.gateway
            )
        })
        .collect();
    (tables, gateways, endpoints)
}

#[test]
fn subnets_are_grouped_by_the_table_that_applies_in_both_formats() {
    for (format, map) in [("cloudformation", cfn()), ("terraform", tf())] {
        assert_eq!(map.vpcs.len(), 1, "{format}");
        let v = &map.vpcs[0];
        assert_eq!(v.cidrs, vec!["10.0.0.0/16".to_string()], "{format}");
        let (tables, gateways, endpoints) = names(v);
        assert_eq!(
            tables,
            vec![
                "PublicRoutes: [\"Public\"] [\"0.0.0.0/0\"]".to_string(),
                "Vpc main route table (created by AWS) (main): [\"Private\"] []".to_string(),
            ],
            "{format}: a subnet without an association is under the VPC's main table, AWS's \
             own when the scan declares none"
        );
        assert_eq!(
            gateways,
            vec![
                format!("Eoigw {:?}", GatewayKind::EgressOnly),
                format!("Igw {:?}", GatewayKind::Internet),
                format!("Nat {:?}", GatewayKind::Nat),
            ],
            "{format}"
        );
        assert_eq!(
            endpoints,
            vec!["S3 com.amazonaws.eu-west-1.s3 gateway=true".to_string()],
            "{format}"
        );
        let route = &v
            .route_tables
            .iter()
            .find(|t| t.table.is_some())
            .unwrap()
            .routes[0];
        assert!(
            route
                .target
                .as_ref()
                .is_some_and(|t| t.as_str().contains("Igw")),
            "{format}: {route:?}"
        );
    }
}
