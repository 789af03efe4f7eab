//! The account of a peering connection's peer VPC, read from HCL and from plans: data routed to a
//! peer VPC of another account leaves the scan's account whatever its range.

use egressproof_load_tf::{load_plan, load_str};
use egressproof_model::*;

fn peering(m: &Model) -> &VpcPeeringConnection {
    m.resources
        .iter()
        .find_map(|r| match &r.kind {
            Kind::VpcPeeringConnection(p) => Some(p),
            _ => None,
        })
        .expect("a peering connection")
}

fn hcl(owner: &str) -> Model {
    load_str(
        &format!(
            r#"
data "aws_caller_identity" "current" {{}}
variable "peer_account" {{
  type = string
}}
resource "aws_vpc_peering_connection" "p" {{
  vpc_id      = "vpc-1"
  peer_vpc_id = "vpc-2"
  {owner}
}}
"#
        ),
        "t",
    )
}

#[test]
fn hcl_owner_literal_deploying_unset_and_unresolved() {
    assert_eq!(
        peering(&hcl("peer_owner_id = \"444455556666\"")).peer_owner,
        Some(Attr::Known("444455556666".into()))
    );
    assert_eq!(
        peering(&hcl(
            "peer_owner_id = data.aws_caller_identity.current.account_id"
        ))
        .peer_owner,
        Some(Attr::Known(VpcPeeringConnection::DEPLOYING_ACCOUNT.into()))
    );
    assert_eq!(peering(&hcl("")).peer_owner, None);
    assert!(matches!(
        peering(&hcl("peer_owner_id = var.peer_account")).peer_owner,
        Some(Attr::Unknown(_))
    ));
}

fn plan(expressions: serde_json::Value) -> Model {
    let plan = serde_json::json!({
        "format_version": "1.2",
        "planned_values": { "root_module": { "resources": [
            { "address": "aws_vpc_peering_connection.p", "mode": "managed",
              "type": "aws_vpc_peering_connection", "name": "p",
              "values": { "vpc_id": "vpc-1", "peer_vpc_id": "vpc-2" } }
        ] } },
        "resource_changes": [
            { "address": "aws_vpc_peering_connection.p",
              "change": { "after_unknown": { "peer_owner_id": true, "id": true } } }
        ],
        "configuration": { "root_module": { "resources": [
            { "address": "aws_vpc_peering_connection.p", "expressions": expressions }
        ] } }
    });
    load_plan(&plan, "plan.json").expect("a plan")
}

/// A plan marks an owner left out of the configuration "known after apply": the provider fills
/// in the requester's account, which is what absence means. One the configuration computes
/// stays unknown.
#[test]
fn plan_owner_left_out_is_absent_and_computed_is_unknown() {
    let unset = plan(serde_json::json!({
        "vpc_id": { "constant_value": "vpc-1" },
        "peer_vpc_id": { "constant_value": "vpc-2" }
    }));
    assert_eq!(peering(&unset).peer_owner, None);
    let computed = plan(serde_json::json!({
        "vpc_id": { "constant_value": "vpc-1" },
        "peer_vpc_id": { "constant_value": "vpc-2" },
        "peer_owner_id": { "references": ["var.peer_account"] }
    }));
    assert!(matches!(
        peering(&computed).peer_owner,
        Some(Attr::Unknown(_))
    ));
}

/// The accepter's side: the requester's VPC and account are named by AWS once the connection is
/// accepted, so a configuration leaves them unknown (never this account's), while a state or a
/// plan of an accepted connection holds them.
#[test]
fn an_accepter_knows_the_peer_only_once_accepted() {
    let m = load_str(
        "resource \"aws_vpc_peering_connection_accepter\" \"a\" {\n  vpc_peering_connection_id = \"pcx-0a1b2c3d4e5f60718\"\n  auto_accept = true\n}\n",
        "t",
    );
    let p = peering(&m);
    assert!(matches!(p.peer_vpc, Attr::Unknown(_)), "{p:?}");
    assert!(matches!(p.peer_owner, Some(Attr::Unknown(_))), "{p:?}");
    let accepted = serde_json::json!({
        "format_version": "1.0",
        "terraform_version": "1.9.0",
        "values": { "root_module": { "resources": [
            { "address": "aws_vpc_peering_connection_accepter.a", "mode": "managed",
              "type": "aws_vpc_peering_connection_accepter", "name": "a",
              "values": { "id": "pcx-0a1b2c3d4e5f60718",
                          "vpc_peering_connection_id": "pcx-0a1b2c3d4e5f60718",
                          "vpc_id": "vpc-1", "peer_vpc_id": "vpc-2",
                          "peer_owner_id": "444455556666" } }
        ] } }
    });
    let m = load_plan(&accepted, "state.json").expect("a state");
    let p = peering(&m);
    assert_eq!(p.vpc, Attr::Known(Ident::new("vpc-1")));
    assert_eq!(p.peer_vpc, Attr::Known(Ident::new("vpc-2")));
    assert_eq!(p.peer_owner, Some(Attr::Known("444455556666".into())));
}
