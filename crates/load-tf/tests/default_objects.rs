//! The VPC's default security group, route table and network ACL: adopted by `aws_default_*`
//! resources, they are lowered under the VPC's default identity, and every reference to them (by
//! Terraform address, or through the VPC's `default_*_id` attributes) must name that identity.
//! A reference that kept the address would leave its rule or route attached to nothing, and the
//! scan would seal an environment that leaks.

use egressproof_load_tf::{load_plan, load_str};
use egressproof_model::*;

fn by_name<'a>(m: &'a Model, name: &str) -> &'a Resource {
    m.resources
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no resource {name}; have {:?}",
                m.resources.iter().map(|r| &r.name).collect::<Vec<_>>()
            )
        })
}

fn vpc() -> Ident {
    Ident::new("t/aws_vpc.v")
}

const VPC: &str = "resource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n";

#[test]
fn standalone_rules_attach_to_the_adopted_default_security_group() {
    let m = load_str(
        &format!(
            r#"{VPC}
resource "aws_default_security_group" "d" {{
  vpc_id = aws_vpc.v.id
}}
resource "aws_vpc_security_group_egress_rule" "e" {{
  security_group_id = aws_default_security_group.d.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}}
resource "aws_security_group_rule" "r" {{
  type              = "egress"
  security_group_id = aws_default_security_group.d.id
  protocol          = "-1"
  from_port         = 0
  to_port           = 0
  cidr_blocks       = ["0.0.0.0/0"]
}}
resource "aws_vpc_security_group_egress_rule" "by_vpc" {{
  security_group_id = aws_vpc.v.default_security_group_id
  ip_protocol       = "-1"
  cidr_ipv6         = "::/0"
}}
resource "aws_sagemaker_notebook_instance" "n" {{
  name            = "n"
  instance_type   = "ml.t3.medium"
  role_arn        = "arn:aws:iam::111122223333:role/r"
  subnet_id       = "subnet-1"
  security_groups = [aws_default_security_group.d.id]
}}
"#
        ),
        "t",
    );
    let group = Ident::default_security_group_of(&vpc());
    assert_eq!(by_name(&m, "aws_default_security_group.d").id, group);
    for rule in [
        "aws_vpc_security_group_egress_rule.e",
        "aws_security_group_rule.r",
        "aws_vpc_security_group_egress_rule.by_vpc",
    ] {
        let Kind::SecurityGroupRule(r) = &by_name(&m, rule).kind else {
            panic!("{rule} is not a rule")
        };
        assert_eq!(r.group, Attr::Known(group.clone()), "{rule}");
        assert!(r.egress, "{rule}");
    }
    let Kind::NotebookInstance(nb) = &by_name(&m, "aws_sagemaker_notebook_instance.n").kind else {
        panic!()
    };
    assert_eq!(nb.security_groups, Some(Attr::Known(vec![group])));
}

#[test]
fn a_default_security_group_of_the_default_vpc_keeps_its_address_everywhere() {
    // Without `vpc_id` the group is the default VPC's, which the scan does not hold: it keeps its
    // address, and so do the references to it.
    let m = load_str(
        r#"
resource "aws_default_security_group" "d" {}
resource "aws_vpc_security_group_egress_rule" "e" {
  security_group_id = aws_default_security_group.d.id
  ip_protocol       = "-1"
  cidr_ipv4         = "0.0.0.0/0"
}
"#,
        "t",
    );
    let group = by_name(&m, "aws_default_security_group.d").id.clone();
    assert_eq!(group, Ident::new("t/aws_default_security_group.d"));
    let Kind::SecurityGroupRule(r) = &by_name(&m, "aws_vpc_security_group_egress_rule.e").kind
    else {
        panic!()
    };
    assert_eq!(r.group, Attr::Known(group));
}

#[test]
fn routes_attach_to_the_adopted_main_route_table() {
    let m = load_str(
        &format!(
            r#"{VPC}
resource "aws_default_route_table" "main" {{
  default_route_table_id = aws_vpc.v.default_route_table_id
}}
resource "aws_route" "by_address" {{
  route_table_id         = aws_default_route_table.main.id
  destination_cidr_block = "0.0.0.0/0"
  gateway_id             = "igw-1"
}}
resource "aws_route" "by_vpc" {{
  route_table_id         = aws_vpc.v.main_route_table_id
  destination_cidr_block = "0.0.0.0/0"
  nat_gateway_id         = "nat-1"
}}
resource "aws_route_table_association" "a" {{
  subnet_id      = "subnet-1"
  route_table_id = aws_default_route_table.main.id
}}
"#
        ),
        "t",
    );
    let table = Ident::main_route_table_of(&vpc());
    let main = by_name(&m, "aws_default_route_table.main");
    assert_eq!(main.id, table);
    assert!(
        matches!(&main.kind, Kind::RouteTable(RouteTable { main: true, vpc: Attr::Known(v) }) if *v == vpc())
    );
    for route in ["aws_route.by_address", "aws_route.by_vpc"] {
        let Kind::Route(r) = &by_name(&m, route).kind else {
            panic!()
        };
        assert_eq!(r.route_table, Attr::Known(table.clone()), "{route}");
    }
    let Kind::SubnetRouteTableAssociation(a) = &by_name(&m, "aws_route_table_association.a").kind
    else {
        panic!()
    };
    assert_eq!(a.route_table, Attr::Known(table));
}

#[test]
fn acl_rules_attach_to_the_adopted_default_network_acl() {
    let m = load_str(
        &format!(
            r#"{VPC}
resource "aws_default_network_acl" "d" {{
  default_network_acl_id = aws_vpc.v.default_network_acl_id
}}
resource "aws_network_acl_rule" "by_address" {{
  network_acl_id = aws_default_network_acl.d.id
  rule_number    = 50
  egress         = true
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}}
resource "aws_network_acl_rule" "by_vpc" {{
  network_acl_id = aws_vpc.v.default_network_acl_id
  rule_number    = 60
  egress         = true
  protocol       = "-1"
  rule_action    = "allow"
  cidr_block     = "0.0.0.0/0"
}}
"#
        ),
        "t",
    );
    let acl = Ident::default_network_acl_of(&vpc());
    let d = by_name(&m, "aws_default_network_acl.d");
    assert_eq!(d.id, acl);
    assert!(matches!(
        &d.kind,
        Kind::NetworkAcl(NetworkAcl { default: true, .. })
    ));
    for rule in [
        "aws_network_acl_rule.by_address",
        "aws_network_acl_rule.by_vpc",
    ] {
        let Kind::NetworkAclEntry(e) = &by_name(&m, rule).kind else {
            panic!()
        };
        assert_eq!(e.network_acl, Attr::Known(acl.clone()), "{rule}");
    }
}

/// A plan names computed IDs by the configuration's references: the references to the adopted
/// objects must meet them as in HCL.
#[test]
fn plan_references_by_address_meet_the_adopted_defaults() {
    let plan = serde_json::json!({
        "format_version": "1.2",
        "planned_values": { "root_module": { "resources": [
            { "address": "aws_vpc.v", "mode": "managed", "type": "aws_vpc", "name": "v",
              "values": { "cidr_block": "10.0.0.0/16" } },
            { "address": "aws_default_security_group.d", "mode": "managed",
              "type": "aws_default_security_group", "name": "d", "values": {} },
            { "address": "aws_vpc_security_group_egress_rule.e", "mode": "managed",
              "type": "aws_vpc_security_group_egress_rule", "name": "e",
              "values": { "ip_protocol": "-1", "cidr_ipv4": "0.0.0.0/0" } },
            { "address": "aws_default_route_table.main", "mode": "managed",
              "type": "aws_default_route_table", "name": "main", "values": {} },
            { "address": "aws_route.r", "mode": "managed", "type": "aws_route", "name": "r",
              "values": { "destination_cidr_block": "0.0.0.0/0", "gateway_id": "igw-1" } },
            { "address": "aws_default_network_acl.n", "mode": "managed",
              "type": "aws_default_network_acl", "name": "n", "values": {} },
            { "address": "aws_network_acl_rule.x", "mode": "managed",
              "type": "aws_network_acl_rule", "name": "x",
              "values": { "rule_number": 50, "egress": true, "protocol": "-1",
                          "rule_action": "allow", "cidr_block": "0.0.0.0/0" } }
        ] } },
        "resource_changes": [
            { "address": "aws_default_security_group.d",
              "change": { "after_unknown": { "vpc_id": true, "id": true } } },
            { "address": "aws_vpc_security_group_egress_rule.e",
              "change": { "after_unknown": { "security_group_id": true } } },
            { "address": "aws_default_route_table.main",
              "change": { "after_unknown": { "default_route_table_id": true } } },
            { "address": "aws_route.r", "change": { "after_unknown": { "route_table_id": true } } },
            { "address": "aws_default_network_acl.n",
              "change": { "after_unknown": { "default_network_acl_id": true } } },
            { "address": "aws_network_acl_rule.x",
              "change": { "after_unknown": { "network_acl_id": true } } }
        ],
        "configuration": { "root_module": { "resources": [
            { "address": "aws_default_security_group.d", "expressions": {
                "vpc_id": { "references": ["aws_vpc.v.id", "aws_vpc.v"] } } },
            { "address": "aws_vpc_security_group_egress_rule.e", "expressions": {
                "security_group_id": { "references": [
                    "aws_default_security_group.d.id", "aws_default_security_group.d"] } } },
            { "address": "aws_default_route_table.main", "expressions": {
                "default_route_table_id": { "references": [
                    "aws_vpc.v.default_route_table_id", "aws_vpc.v"] } } },
            { "address": "aws_route.r", "expressions": {
                "route_table_id": { "references": [
                    "aws_default_route_table.main.id", "aws_default_route_table.main"] } } },
            { "address": "aws_default_network_acl.n", "expressions": {
                "default_network_acl_id": { "references": [
                    "aws_vpc.v.default_network_acl_id", "aws_vpc.v"] } } },
            { "address": "aws_network_acl_rule.x", "expressions": {
                "network_acl_id": { "references": [
                    "aws_default_network_acl.n.id", "aws_default_network_acl.n"] } } }
        ] } }
    });
    let m = load_plan(&plan, "plan.json").expect("a plan");
    let v = Ident::new("plan.json/aws_vpc.v");
    let group = Ident::default_security_group_of(&v);
    assert_eq!(by_name(&m, "aws_default_security_group.d").id, group);
    let Kind::SecurityGroupRule(r) = &by_name(&m, "aws_vpc_security_group_egress_rule.e").kind
    else {
        panic!()
    };
    assert_eq!(r.group, Attr::Known(group));
    let table = Ident::main_route_table_of(&v);
    assert_eq!(by_name(&m, "aws_default_route_table.main").id, table);
    let Kind::Route(route) = &by_name(&m, "aws_route.r").kind else {
        panic!()
    };
    assert_eq!(route.route_table, Attr::Known(table));
    let acl = Ident::default_network_acl_of(&v);
    assert_eq!(by_name(&m, "aws_default_network_acl.n").id, acl);
    let Kind::NetworkAclEntry(e) = &by_name(&m, "aws_network_acl_rule.x").kind else {
        panic!()
    };
    assert_eq!(e.network_acl, Attr::Known(acl));
}
