//! Paths across accounts, end to end through the binary: a workload account's stack whose VPC
//! routes to the network account's transit gateway, a participant's notebook in a subnet the
//! network account shares through AWS RAM. The stacks name each other (exports and imports), so
//! they are one environment, and the path is followed from one template into the other.

mod common;

use common::*;

/// A notebook instance in `subnet` (as the template writes it) without direct internet access:
/// where it reaches, its subnet's routes decide.
fn notebook(name: &str, subnet: &str) -> String {
    format!(
        r#"  {name}:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::444455556666:role/sagemaker
      SubnetId: {subnet}
      DirectInternetAccess: Disabled
"#
    )
}

/// An egress VPC `{vpc}` in `{net}.0.0/16`: the route table of the private subnet sends
/// 0.0.0.0/0 to the NAT gateway `Nat` in the public subnet, whose route table sends it to the
/// internet gateway `Igw`. The private subnet's table and its association and route are named
/// after `private_routes`.
fn egress_vpc(
    vpc: &str,
    net: &str,
    private_subnet: &str,
    private_routes: &str,
    public_subnet: &str,
) -> String {
    format!(
        r#"  {vpc}:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: {net}.0.0/16
  {private_subnet}:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref {vpc}
      CidrBlock: {net}.1.0/24
  {public_subnet}:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref {vpc}
      CidrBlock: {net}.2.0/24
  Igw:
    Type: AWS::EC2::InternetGateway
  IgwAttachment:
    Type: AWS::EC2::VPCGatewayAttachment
    Properties:
      VpcId: !Ref {vpc}
      InternetGatewayId: !Ref Igw
  PublicRouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref {vpc}
  PublicAssociation:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref {public_subnet}
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
      SubnetId: !Ref {public_subnet}
  {private_routes}RouteTable:
    Type: AWS::EC2::RouteTable
    Properties:
      VpcId: !Ref {vpc}
  {private_routes}Association:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties:
      SubnetId: !Ref {private_subnet}
      RouteTableId: !Ref {private_routes}RouteTable
  {private_routes}DefaultRoute:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref {private_routes}RouteTable
      DestinationCidrBlock: 0.0.0.0/0
      NatGatewayId: !Ref Nat
"#
    )
}

/// The network account: a transit gateway, its route table sending everything to the egress
/// VPC (NAT gateway, internet gateway), and the attachment of the workload VPC (imported)
/// associated with it.
fn network() -> String {
    let egress = egress_vpc(
        "EgressVpc",
        "10.99",
        "EgressTgwSubnet",
        "TgwSubnet",
        "EgressPublicSubnet",
    );
    format!(
        r#"AWSTemplateFormatVersion: "2010-09-09"
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
{egress}  EgressAttachment:
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
    Export: {{ Name: network-tgw }}
"#
    )
}

/// A workload account's stack: a notebook whose VPC is attached to the transit gateway `tgw`
/// (as the template writes it) and routes 0.0.0.0/0 to it, followed by `rest` (more resources,
/// or the outputs).
fn workload(tgw: &str, rest: &str) -> String {
    let notebook = notebook("Notebook", "!Ref Subnet");
    format!(
        r#"AWSTemplateFormatVersion: "2010-09-09"
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
      TransitGatewayId: {tgw}
      VpcId: !Ref Vpc
      SubnetIds: [!Ref Subnet]
  DefaultRoute:
    Type: AWS::EC2::Route
    DependsOn: Attachment
    Properties:
      RouteTableId: !Ref RouteTable
      DestinationCidrBlock: 0.0.0.0/0
      TransitGatewayId: {tgw}
{notebook}{rest}"#
    )
}

/// The workload account's stack naming the network account's gateway by its export.
fn workload_importing() -> String {
    workload(
        "!ImportValue network-tgw",
        r#"Outputs:
  Attachment:
    Value: !Ref Attachment
    Export: { Name: workload-tgw-attachment }
"#,
    )
}

/// Writes each (path, text) into a fresh directory and scans it whole.
fn scan_files(files: &[(&str, &str)]) -> Scan {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    scan_json(dir.path(), &["."])
}

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
    let scan = scan_files(&[
        ("network/network.yaml", &network()),
        ("workload/workload.yaml", &workload_importing()),
    ]);
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
    let scan = scan_files(&[("workload.yaml", &workload_importing())]);
    assert!(!scan.rules().contains(&"EP201".into()), "{}", scan.stdout);
    assert_ne!(scan.code, 0, "{}", scan.stdout);
}

/// The network account shares a subnet routed to a NAT gateway; the participant's notebook
/// names it by the export.
fn shared_network() -> String {
    let egress = egress_vpc("Vpc", "10.30", "SharedSubnet", "Shared", "PublicSubnet");
    format!(
        r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
{egress}  Share:
    Type: AWS::RAM::ResourceShare
    Properties:
      Name: workload-subnets
      Principals: ['444455556666']
      ResourceArns:
        - !Sub arn:${{AWS::Partition}}:ec2:${{AWS::Region}}:${{AWS::AccountId}}:subnet/${{SharedSubnet}}
Outputs:
  Subnet:
    Value: !Ref SharedSubnet
    Export: {{ Name: shared-subnet }}
"#
    )
}

fn participant() -> String {
    format!(
        "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n{}",
        notebook("Notebook", "!ImportValue shared-subnet")
    )
}

#[test]
fn a_notebook_in_a_shared_subnet_follows_the_owners_route_table() {
    let participant = participant();
    let scan = scan_files(&[
        ("network.yaml", &shared_network()),
        ("participant.yaml", &participant),
    ]);
    assert_eq!(scan.code, 1, "{}", scan.stdout);
    assert_eq!(environment_names(&scan).len(), 1, "{}", scan.stdout);
    assert!(scan.rules().contains(&"EP201".into()), "{}", scan.stdout);
    let path = scan.report["findings"][0]["path"].to_string();
    assert!(path.contains("shared through AWS RAM by Share"), "{path}");
    assert!(path.contains("participant.yaml"), "{path}");
    assert!(path.contains("network.yaml"), "{path}");

    // Without the owner's stack the subnet is outside the scan: unproven, never sealed.
    let scan = scan_files(&[("participant.yaml", &participant)]);
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

mod snapshot {
    //! The network account read live (a snapshot), the workload stacks as templates naming its
    //! gateway and its shared subnet by their physical IDs.

    use super::*;
    use egressproof_model::*;

    const NETWORK_ACCOUNT: &str = "111111111111";

    fn add(m: &mut Model, id: &str, type_name: &str, kind: Kind) {
        let arn = format!("arn:aws:ec2:eu-west-1:{NETWORK_ACCOUNT}:{id}");
        let mut r = Resource::new(Ident::new(id), id, type_name, Span::arn(arn), kind);
        r.account = Some(NETWORK_ACCOUNT.into());
        m.resources.push(r);
    }

    fn known(id: &str) -> Attr<Ident> {
        Attr::Known(Ident::new(id))
    }

    fn route(m: &mut Model, table: &str, dest: &str, kind: TargetKind, target: &str) {
        add(
            m,
            &format!("{table}::{dest}"),
            "AWS::EC2::Route",
            Kind::Route(Route {
                route_table: known(table),
                destination: Attr::Known(Destination::V4(dest.parse().unwrap())),
                target: Attr::Known(RouteTarget {
                    kind,
                    id: known(target),
                }),
            }),
        );
    }

    fn subnet(m: &mut Model, id: &str, cidr: &str, table: &str) {
        add(
            m,
            id,
            "AWS::EC2::Subnet",
            Kind::Subnet(Subnet {
                vpc: known("vpc-0egress"),
                cidr_v4: Some(Attr::Known(cidr.parse().unwrap())),
                cidr_v6: None,
                map_public_ip_on_launch: None,
            }),
        );
        add(
            m,
            &format!("{id}::association"),
            "AWS::EC2::SubnetRouteTableAssociation",
            Kind::SubnetRouteTableAssociation(SubnetRouteTableAssociation {
                subnet: known(id),
                route_table: known(table),
            }),
        );
    }

    /// The network account: its gateway's default association table sends 0.0.0.0/0 to the
    /// egress VPC; a subnet of the egress VPC routed to its NAT gateway is shared through RAM.
    fn network_account() -> Model {
        let mut m = Model::default();
        add(
            &mut m,
            "tgw-0net",
            "AWS::EC2::TransitGateway",
            Kind::TransitGateway(TransitGateway {
                association_default_route_table: Some(known("tgw-rtb-0main")),
                propagation_default_route_table: Some(known("tgw-rtb-0main")),
                ..TransitGateway::default()
            }),
        );
        add(
            &mut m,
            "tgw-rtb-0main",
            "AWS::EC2::TransitGatewayRouteTable",
            Kind::TransitGatewayRouteTable(TransitGatewayRouteTable {
                transit_gateway: known("tgw-0net"),
            }),
        );
        add(
            &mut m,
            "tgw-rtb-0main::0.0.0.0/0",
            "AWS::EC2::TransitGatewayRoute",
            Kind::TransitGatewayRoute(TransitGatewayRoute {
                route_table: known("tgw-rtb-0main"),
                destination: Attr::Known(Destination::V4("0.0.0.0/0".parse().unwrap())),
                attachment: Some(known("tgw-attach-0egress")),
            }),
        );
        add(
            &mut m,
            "tgw-attach-0egress",
            "AWS::EC2::TransitGatewayVpcAttachment",
            Kind::TransitGatewayAttachment(TransitGatewayAttachment {
                vpc: known("vpc-0egress"),
                subnets: Attr::Known(vec![Ident::new("subnet-0tgw")]),
                ..TransitGatewayAttachment::other(TgwAttachmentKind::Vpc, known("tgw-0net"), None)
            }),
        );
        add(
            &mut m,
            "vpc-0egress",
            "AWS::EC2::VPC",
            Kind::Vpc(Vpc {
                cidr_v4: Some(Attr::Known("10.99.0.0/16".parse().unwrap())),
            }),
        );
        for table in ["rtb-0tgw", "rtb-0pub"] {
            add(
                &mut m,
                table,
                "AWS::EC2::RouteTable",
                Kind::RouteTable(RouteTable {
                    vpc: known("vpc-0egress"),
                    main: false,
                }),
            );
        }
        subnet(&mut m, "subnet-0tgw", "10.99.1.0/24", "rtb-0tgw");
        subnet(&mut m, "subnet-0pub", "10.99.2.0/24", "rtb-0pub");
        subnet(&mut m, "subnet-0shared", "10.99.3.0/24", "rtb-0tgw");
        add(
            &mut m,
            "igw-0",
            "AWS::EC2::InternetGateway",
            Kind::InternetGateway(Gateway {
                vpc: Some(known("vpc-0egress")),
            }),
        );
        add(
            &mut m,
            "nat-0",
            "AWS::EC2::NatGateway",
            Kind::NatGateway(NatGateway {
                subnet: known("subnet-0pub"),
                connectivity: None,
            }),
        );
        route(
            &mut m,
            "rtb-0tgw",
            "0.0.0.0/0",
            TargetKind::NatGateway,
            "nat-0",
        );
        route(
            &mut m,
            "rtb-0pub",
            "0.0.0.0/0",
            TargetKind::Gateway,
            "igw-0",
        );
        add(
            &mut m,
            "rs-0subnets",
            "AWS::RAM::ResourceShare",
            Kind::ResourceShare(ResourceShare {
                resources: Attr::Known(vec![Ident::new(format!(
                    "arn:aws:ec2:eu-west-1:{NETWORK_ACCOUNT}:subnet/subnet-0shared"
                ))]),
                principals: Attr::Known(vec!["444455556666".into()]),
                share: None,
            }),
        );
        m.notes.push(format!("account {NETWORK_ACCOUNT}"));
        m
    }

    #[test]
    fn templates_naming_a_snapshots_gateway_and_shared_subnet_by_id_are_followed_into_it() {
        // The workload stack names the gateway by its ID (a parameter's value in practice),
        // and a second notebook sits in the shared subnet.
        let workload = workload("tgw-0net", &notebook("Participant", "subnet-0shared"));
        let scan = scan_files(&[
            (
                "network-account.json",
                &serde_json::to_string_pretty(&network_account().to_snapshot()).unwrap(),
            ),
            ("workload.yaml", &workload),
        ]);
        assert_eq!(scan.code, 1, "{}", scan.stdout);
        assert_eq!(
            environment_names(&scan).len(),
            1,
            "the template names the snapshot's resources: {}",
            scan.stdout
        );
        let ep201: Vec<&serde_json::Value> = scan.report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == "EP201")
            .collect();
        let by_name = |n: &str| {
            ep201
                .iter()
                .find(|f| f["resource"]["name"] == n)
                .unwrap_or_else(|| panic!("no EP201 for {n}: {}", scan.stdout))
                .to_string()
        };
        let notebook = by_name("Notebook");
        for hop in [
            "tgw-0net",
            "tgw-rtb-0main",
            "tgw-attach-0egress",
            "nat-0",
            "igw-0",
        ] {
            assert!(notebook.contains(hop), "{hop}: {notebook}");
        }
        assert!(notebook.contains("account 111111111111"), "{notebook}");
        let participant = by_name("Participant");
        assert!(
            participant
                .contains("shared through AWS RAM by rs-0subnets, owned by account 111111111111"),
            "{participant}"
        );
    }
}
