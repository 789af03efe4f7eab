//! Public addresses of instances and network interfaces (what makes a host in the VPC a relay to
//! the internet, EP205): the Terraform half; `crates/load-cfn/tests/public_addresses.rs` is the
//! CloudFormation half, with the same cases and expectations.

use egressproof_load_tf::{load_plan, load_str};
use egressproof_model::*;

fn kind<'a>(m: &'a Model, name: &str) -> &'a Kind {
    &m.resources
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no resource {name}"))
        .kind
}

const CONFIG: &str = r#"
variable "public" {
  type = bool
}
resource "aws_subnet" "subnet" {
  vpc_id                  = "vpc-1"
  cidr_block              = "10.0.0.0/24"
  map_public_ip_on_launch = true
}
resource "aws_instance" "plain" {
  subnet_id = aws_subnet.subnet.id
}
resource "aws_instance" "asked" {
  subnet_id                   = aws_subnet.subnet.id
  associate_public_ip_address = true
}
resource "aws_instance" "unresolved" {
  subnet_id                   = aws_subnet.subnet.id
  associate_public_ip_address = var.public
}
resource "aws_network_interface" "eni" {
  subnet_id = aws_subnet.subnet.id
}
resource "aws_eip" "address" {
  domain   = "vpc"
  instance = aws_instance.plain.id
}
resource "aws_eip" "loose" {
  domain = "vpc"
}
resource "aws_eip_association" "association" {
  allocation_id        = aws_eip.loose.id
  network_interface_id = aws_network_interface.eni.id
}
"#;

#[test]
fn subnets_map_public_addresses_and_instances_ask_for_one() {
    let m = load_str(CONFIG, "t");
    assert!(matches!(
        kind(&m, "aws_subnet.subnet"),
        Kind::Subnet(Subnet {
            map_public_ip_on_launch: Some(Attr::Known(true)),
            ..
        })
    ));
    let public = |name| match kind(&m, name) {
        Kind::Instance(i) => i.public_ip.clone(),
        other => panic!("{name} is {other:?}"),
    };
    assert_eq!(public("aws_instance.plain"), None);
    assert_eq!(public("aws_instance.asked"), Some(Attr::Known(true)));
    assert!(matches!(
        public("aws_instance.unresolved"),
        Some(Attr::Unknown(_))
    ));
}

#[test]
fn elastic_ips_name_what_they_are_attached_to() {
    let m = load_str(CONFIG, "t");
    let attached = |name| match kind(&m, name) {
        Kind::ElasticIp(e) => e.attached_to.clone(),
        other => panic!("{name} is {other:?}"),
    };
    assert_eq!(
        attached("aws_eip.address"),
        Some(Attr::Known(Ident::new("t/aws_instance.plain")))
    );
    assert_eq!(attached("aws_eip.loose"), None);
    assert_eq!(
        attached("aws_eip_association.association"),
        Some(Attr::Known(Ident::new("t/aws_network_interface.eni")))
    );
}

/// A plan marks `associate_public_ip_address` left out of the configuration "known after
/// apply": the subnet decides, as when it is absent.
#[test]
fn plan_public_address_left_out_is_absent() {
    let plan = serde_json::json!({
        "format_version": "1.2",
        "planned_values": { "root_module": { "resources": [
            { "address": "aws_instance.i", "mode": "managed", "type": "aws_instance",
              "name": "i", "values": { "subnet_id": "subnet-1" } }
        ] } },
        "resource_changes": [
            { "address": "aws_instance.i",
              "change": { "after_unknown": { "associate_public_ip_address": true } } }
        ],
        "configuration": { "root_module": { "resources": [
            { "address": "aws_instance.i",
              "expressions": { "subnet_id": { "constant_value": "subnet-1" } } }
        ] } }
    });
    let m = load_plan(&plan, "plan.json").expect("a plan");
    let Kind::Instance(i) = kind(&m, "aws_instance.i") else {
        panic!()
    };
    assert_eq!(i.public_ip, None);
}
