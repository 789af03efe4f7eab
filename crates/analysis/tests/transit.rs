//! Transit gateway semantics the single-file fixtures cannot show: defaults named through the
//! gateway's computed attribute, default association disabled, a gateway shared through AWS RAM,
//! peering into a gateway of the scan, and loops between gateways.

mod net_support;

#[path = "../../load-cfn/tests/support/work.rs"]
mod work;

#[global_allocator]
static ALLOCATOR: work::Counting = work::Counting;

use egressproof_analysis::Verdict;
use egressproof_model::*;
use net_support::*;

/// A workload VPC routing everything to gateway `Tgw`, whose attachment `WorkloadAttachment`
/// exists; and an egress VPC behind attachment `EgressAttachment`, NAT to internet.
struct Hub {
    e: Env,
    tgw: Ident,
    workload_att: Ident,
    egress_att: Ident,
}

fn attachment(b: &mut B, name: &str, tgw: &Ident, vpc: &Ident, subnet: &Ident) -> Ident {
    b.add(
        name,
        "AWS::EC2::TransitGatewayVpcAttachment",
        Kind::TransitGatewayAttachment(TransitGatewayAttachment {
            vpc: Attr::Known(vpc.clone()),
            subnets: Attr::Known(vec![subnet.clone()]),
            ..TransitGatewayAttachment::other(
                TgwAttachmentKind::Vpc,
                Attr::Known(tgw.clone()),
                None,
            )
        }),
    )
}

fn gateway(b: &mut B, name: &str, association: Option<&str>, propagation: Option<&str>) -> Ident {
    b.add(
        name,
        "AWS::EC2::TransitGateway",
        Kind::TransitGateway(TransitGateway {
            default_route_table_association: association.map(|s| Attr::Known(s.into())),
            default_route_table_propagation: propagation.map(|s| Attr::Known(s.into())),
            ..TransitGateway::default()
        }),
    )
}

fn tgw_route(b: &mut B, name: &str, table: &Ident, dest: &str, att: Option<&Ident>) {
    b.add(
        name,
        "AWS::EC2::TransitGatewayRoute",
        Kind::TransitGatewayRoute(TransitGatewayRoute {
            route_table: Attr::Known(table.clone()),
            destination: Attr::Known(Destination::V4(dest.parse().unwrap())),
            attachment: att.map(|a| Attr::Known(a.clone())),
        }),
    );
}

fn hub(association: Option<&str>, propagation: Option<&str>) -> Hub {
    let mut e = env();
    let tgw = gateway(&mut e.b, "Tgw", association, propagation);
    let egress_vpc = e.b.vpc("EgressVpc", "10.99.0.0/16");
    let tgw_subnet = e.b.subnet("EgressTgwSubnet", &egress_vpc, "10.99.1.0/24");
    let public = e.b.subnet("EgressPublic", &egress_vpc, "10.99.2.0/24");
    let public_rt = e.b.table("EgressPublicRt", &egress_vpc);
    e.b.assoc(&public, &public_rt);
    let igw = e.b.igw("EgressIgw");
    e.b.route(&public_rt, "0.0.0.0/0", TargetKind::Gateway, &igw);
    let nat = e.b.nat("EgressNat", &public);
    let tgw_rt = e.b.table("EgressTgwRt", &egress_vpc);
    e.b.assoc(&tgw_subnet, &tgw_rt);
    e.b.route(&tgw_rt, "0.0.0.0/0", TargetKind::NatGateway, &nat);
    let (vpc, private) = (e.vpc.clone(), e.private.clone());
    let workload_att = attachment(&mut e.b, "WorkloadAttachment", &tgw, &vpc, &private);
    let egress_att = attachment(&mut e.b, "EgressAttachment", &tgw, &egress_vpc, &tgw_subnet);
    let private_rt = e.private_rt.clone();
    e.b.route(&private_rt, "0.0.0.0/0", TargetKind::TransitGateway, &tgw);
    e.b.route(&tgw_rt, "10.0.0.0/8", TargetKind::TransitGateway, &tgw);
    e.b.route(&public_rt, "10.0.0.0/8", TargetKind::TransitGateway, &tgw);
    Hub {
        e,
        tgw,
        workload_att,
        egress_att,
    }
}

#[test]
fn a_route_in_the_default_table_named_by_the_gateways_attribute_is_followed() {
    let mut h = hub(None, None);
    let table = Ident::attribute_of(&h.tgw, "association_default_route_table_id");
    let egress = h.egress_att.clone();
    tgw_route(&mut h.e.b, "TgwDefault", &table, "0.0.0.0/0", Some(&egress));
    let a = h.e.b.run();
    assert!(has(&a, "EP201"), "{:?} {:?}", a.findings, a.unknowns);
    assert!(!has(&a, "EP203"), "{:?}", a.findings);
}

#[test]
fn default_association_disabled_without_an_association_is_unknown() {
    let mut h = hub(Some("disable"), Some("disable"));
    let table = Ident::attribute_of(&h.tgw, "association_default_route_table_id");
    let egress = h.egress_att.clone();
    tgw_route(&mut h.e.b, "TgwDefault", &table, "0.0.0.0/0", Some(&egress));
    let a = h.e.b.run();
    assert!(!has(&a, "EP201"), "{:?}", a.findings);
    assert_ne!(a.verdict, Verdict::Sealed, "{:?}", a.unknowns);
}

#[test]
fn the_attachments_own_setting_opts_out_of_default_association() {
    let mut h = hub(None, None);
    let table = Ident::attribute_of(&h.tgw, "association_default_route_table_id");
    let egress = h.egress_att.clone();
    tgw_route(&mut h.e.b, "TgwDefault", &table, "0.0.0.0/0", Some(&egress));
    for r in h.e.b.model.resources.iter_mut() {
        if let Kind::TransitGatewayAttachment(a) = &mut r.kind {
            if r.id == h.workload_att {
                a.default_association = Some(Attr::Known(false));
            }
        }
    }
    let a = h.e.b.run();
    assert!(!has(&a, "EP201"), "{:?}", a.findings);
}

#[test]
fn a_gateway_shared_through_ram_takes_routes_from_outside_the_scan() {
    let mut h = hub(None, None);
    let tgw = h.tgw.clone();
    h.e.b.add(
        "TgwShare",
        "AWS::RAM::ResourceShare",
        Kind::ResourceShare(ResourceShare {
            resources: Attr::Known(vec![tgw]),
            principals: Attr::Known(vec!["o-abc123".into()]),
            share: None,
        }),
    );
    let a = h.e.b.run();
    assert!(!has(&a, "EP201"), "{:?}", a.findings);
    assert_eq!(a.verdict, Verdict::Unproven, "{:?}", a.unknowns);
    // Unshared, the default table holds the two VPCs' ranges only: sealed.
    let h = hub(None, None);
    assert_eq!(h.e.b.run().verdict, Verdict::Sealed);
}

#[test]
fn peering_continues_in_the_peer_gateways_table_and_loops_end() {
    let mut h = hub(Some("disable"), Some("disable"));
    let b = &mut h.e.b;
    let peer = gateway(b, "PeerTgw", Some("disable"), Some("disable"));
    let peering = b.add(
        "Peering",
        "AWS::EC2::TransitGatewayPeeringAttachment",
        Kind::TransitGatewayAttachment(TransitGatewayAttachment::other(
            TgwAttachmentKind::Peering,
            Attr::Known(h.tgw.clone()),
            Some(Attr::Known(peer.clone())),
        )),
    );
    let table = |b: &mut B, name: &str, tgw: &Ident| {
        b.add(
            name,
            "AWS::EC2::TransitGatewayRouteTable",
            Kind::TransitGatewayRouteTable(TransitGatewayRouteTable {
                transit_gateway: Attr::Known(tgw.clone()),
            }),
        )
    };
    let assoc = |b: &mut B, name: &str, table: &Ident, att: &Ident| {
        b.add(
            name,
            "AWS::EC2::TransitGatewayRouteTableAssociation",
            Kind::TransitGatewayRouteTableAssociation(TransitGatewayRouteTableAssociation {
                route_table: Attr::Known(table.clone()),
                attachment: Attr::Known(att.clone()),
            }),
        );
    };
    let hub_rt = table(b, "HubRt", &h.tgw);
    let peer_rt = table(b, "PeerRt", &peer);
    assoc(b, "WorkloadAssoc", &hub_rt, &h.workload_att);
    assoc(b, "PeeringHubSide", &hub_rt, &peering);
    assoc(b, "PeeringPeerSide", &peer_rt, &peering);
    tgw_route(b, "ToPeer", &hub_rt, "0.0.0.0/0", Some(&peering));
    // The peer sends it back: a loop between the gateways, cut; nothing leaves.
    tgw_route(b, "BackToHub", &peer_rt, "0.0.0.0/0", Some(&peering));
    let a = h.e.b.run();
    assert!(!has(&a, "EP201"), "{:?}", a.findings);
    assert!(!has(&a, "EP203"), "{:?}", a.findings);

    // The peer's egress attachment: the path reaches the NAT gateway through both gateways.
    let b = &mut h.e.b;
    let egress = h.egress_att.clone();
    b.model.resources.retain(|r| r.name != "BackToHub");
    for r in b.model.resources.iter_mut() {
        if let Kind::TransitGatewayAttachment(a) = &mut r.kind {
            if r.id == egress {
                a.transit_gateway = Attr::Known(peer.clone());
            }
        }
    }
    assoc(b, "EgressAssoc", &peer_rt, &egress);
    tgw_route(b, "PeerDefault", &peer_rt, "0.0.0.0/0", Some(&egress));
    let a = h.e.b.run();
    let f = a
        .findings
        .iter()
        .find(|f| f.rule == "EP201")
        .unwrap_or_else(|| panic!("{:?} {:?}", a.findings, a.unknowns));
    let hops: Vec<&str> = f.path.iter().map(|h| h.resource.name.as_str()).collect();
    assert!(
        hops.windows(3)
            .any(|w| w == ["Peering", "PeerTgw", "PeerRt"]),
        "{hops:?}"
    );
}

/// A hub of many spoke VPCs, each routing everything to the gateway, all in its default table
/// (their ranges propagated into it) with 0.0.0.0/0 to the egress VPC: every spoke leaks, and
/// the hub's table is walked once, not once per spoke (the spokes' own ranges end in their VPCs
/// instead of looping back to the hub).
#[test]
fn a_hub_of_many_spokes_is_walked_once() {
    const SPOKES: usize = 1500;
    let mut h = hub(None, None);
    let table = Ident::attribute_of(&h.tgw, "association_default_route_table_id");
    let egress = h.egress_att.clone();
    tgw_route(&mut h.e.b, "TgwDefault", &table, "0.0.0.0/0", Some(&egress));
    let b = &mut h.e.b;
    for i in 0..SPOKES {
        let cidr = format!("10.{}.{}.0/24", 100 + i / 256, i % 256);
        let vpc = b.vpc(&format!("Spoke{i}"), &cidr);
        let subnet = b.subnet(&format!("SpokeSubnet{i}"), &vpc, &cidr);
        let rt = b.table(&format!("SpokeRt{i}"), &vpc);
        b.assoc(&subnet, &rt);
        b.route(&rt, "0.0.0.0/0", TargetKind::TransitGateway, &h.tgw);
        attachment(b, &format!("SpokeAttachment{i}"), &h.tgw, &vpc, &subnet);
        let sg = b.sg(&format!("SpokeSg{i}"), &vpc, &["0.0.0.0/0"]);
        b.notebook(&format!("SpokeNotebook{i}"), &subnet, &[&sg]);
    }
    let b = &h.e.b;
    let (a, bytes) = work::measured(|| b.run());
    let leaking = a.findings.iter().filter(|f| f.rule == "EP201").count();
    assert_eq!(leaking, SPOKES + 1, "{:?}", a.unknowns);
    // Linear in the spokes: each spoke's walk reuses the hub's table (walked again for every
    // spoke, the analysis allocates several times this).
    assert!(
        bytes <= 160 << 20,
        "{SPOKES} spokes allocated {} MiB",
        bytes >> 20
    );
}
