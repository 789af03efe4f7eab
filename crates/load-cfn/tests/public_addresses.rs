//! Public addresses of instances and network interfaces (what makes a host in the VPC a relay to
//! the internet, EP205): the CloudFormation half; `crates/load-tf/tests/public_addresses.rs` is
//! the Terraform half, with the same cases and expectations.

use egressproof_model::*;

#[path = "support/load.rs"]
mod support;
use support::{kind, load_one};

const TEMPLATE: &str = r#"
Parameters:
  Public:
    Type: String
Resources:
  Subnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: vpc-1
      CidrBlock: 10.0.0.0/24
      MapPublicIpOnLaunch: true
  Plain:
    Type: AWS::EC2::Instance
    Properties:
      SubnetId: !Ref Subnet
  Asked:
    Type: AWS::EC2::Instance
    Properties:
      NetworkInterfaces:
        - DeviceIndex: '0'
          SubnetId: !Ref Subnet
          AssociatePublicIpAddress: true
  Unresolved:
    Type: AWS::EC2::Instance
    Properties:
      NetworkInterfaces:
        - DeviceIndex: 0
          SubnetId: !Ref Subnet
          AssociatePublicIpAddress: !Ref Public
  Eni:
    Type: AWS::EC2::NetworkInterface
    Properties:
      SubnetId: !Ref Subnet
  Address:
    Type: AWS::EC2::EIP
    Properties:
      InstanceId: !Ref Plain
  Loose:
    Type: AWS::EC2::EIP
  Association:
    Type: AWS::EC2::EIPAssociation
    Properties:
      AllocationId: !GetAtt Loose.AllocationId
      NetworkInterfaceId: !Ref Eni
"#;

#[test]
fn subnets_map_public_addresses_and_instances_ask_for_one() {
    let m = load_one(TEMPLATE);
    assert!(matches!(
        kind(&m, "Subnet"),
        Kind::Subnet(Subnet {
            map_public_ip_on_launch: Some(Attr::Known(true)),
            ..
        })
    ));
    let public = |name| match kind(&m, name) {
        Kind::Instance(i) => i.public_ip.clone(),
        other => panic!("{name} is {other:?}"),
    };
    assert_eq!(public("Plain"), None);
    assert_eq!(public("Asked"), Some(Attr::Known(true)));
    assert!(matches!(public("Unresolved"), Some(Attr::Unknown(_))));
}

#[test]
fn elastic_ips_name_what_they_are_attached_to() {
    let m = load_one(TEMPLATE);
    let attached = |name| match kind(&m, name) {
        Kind::ElasticIp(e) => e.attached_to.clone(),
        other => panic!("{name} is {other:?}"),
    };
    assert_eq!(
        attached("Address"),
        Some(Attr::Known(Ident::new("t.yaml#Plain")))
    );
    assert_eq!(attached("Loose"), None);
    assert_eq!(
        attached("Association"),
        Some(Attr::Known(Ident::new("t.yaml#Eni")))
    );
}
