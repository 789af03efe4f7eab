//! Network paths: every route target kind, longest-prefix match, main-table fallback, security
//! groups, NACLs, NAT chains, IPv6, trusted CIDRs, unknowns, and the EP3xx endpoint rules.

mod net_support;

use egressproof_analysis::{AssumptionKind, Options, Verdict};
use egressproof_model::*;
use net_support::*;

#[test]
fn private_subnet_without_route_out_is_sealed() {
    let e = env();
    let a = e.b.run();
    assert!(!has(&a, "EP201"), "{:?}", a.findings);
    assert_eq!(
        a.verdict,
        Verdict::Sealed,
        "{:?} {:?}",
        a.findings,
        a.unknowns
    );
}

#[test]
fn internet_gateway_route_leaks_with_path() {
    let mut e = env();
    e.b.route(&e.private_rt, "0.0.0.0/0", TargetKind::Gateway, &e.igw);
    let a = e.b.run();
    assert_eq!(a.verdict, Verdict::Leaks);
    let f = a
        .findings
        .iter()
        .find(|f| f.rule == "EP201")
        .expect("EP201");
    assert_eq!(f.resource.name, "Notebook");
    assert_eq!(f.workloads, vec![e.notebook.clone()]);
    let names: Vec<&str> = f.path.iter().map(|h| h.resource.name.as_str()).collect();
    assert_eq!(names.first(), Some(&"Notebook"));
    assert!(
        names.contains(&"PrivateSubnet")
            && names.contains(&"PrivateRouteTable")
            && names.contains(&"Igw"),
        "{names:?}"
    );
    assert!(
        f.path.iter().any(|h| h.note == "0.0.0.0/0 -> Igw"),
        "{:?}",
        f.path
    );
    assert!(f
        .path
        .iter()
        .all(|h| h.resource.span.line > 0 || h.resource.type_name == "Internet"));
}

#[test]
fn nat_chain_leaks_through_the_nat_subnet_table() {
    let mut e = env();
    let nat = e.b.nat("Nat", &e.public);
    e.b.route(&e.private_rt, "0.0.0.0/0", TargetKind::NatGateway, &nat);
    let a = e.b.run();
    let f = a
        .findings
        .iter()
        .find(|f| f.rule == "EP201")
        .expect("EP201");
    let names: Vec<&str> = f.path.iter().map(|h| h.resource.name.as_str()).collect();
    let pos = |n: &str| {
        names
            .iter()
            .position(|x| *x == n)
            .unwrap_or_else(|| panic!("{n} not in {names:?}"))
    };
    assert!(pos("PrivateRouteTable") < pos("Nat"));
    assert!(pos("Nat") < pos("PublicRouteTable"));
    assert!(pos("PublicRouteTable") < pos("Igw"));
    assert!(
        f.message
            .contains("NAT gateway Nat -> internet gateway Igw"),
        "{}",
        f.message
    );
}

#[test]
fn nat_whose_subnet_routes_nowhere_does_not_leak() {
    let mut e = env();
    let lonely = e.b.subnet("LonelySubnet", &e.vpc, "10.20.50.0/24");
    let nat = e.b.nat("Nat", &lonely);
    e.b.route(&e.private_rt, "0.0.0.0/0", TargetKind::NatGateway, &nat);
    let a = e.b.run();
    assert!(!has(&a, "EP201"), "{:?}", a.findings);
    assert_eq!(a.verdict, Verdict::Sealed);
}

#[test]
fn nat_chain_blocked_by_the_nat_subnet_nacl() {
    let mut e = env();
    let nat = e.b.nat("Nat", &e.public);
    e.b.route(&e.private_rt, "0.0.0.0/0", TargetKind::NatGateway, &nat);
    let public = e.public.clone();
    e.b.nacl(
        "PublicNacl",
        &e.vpc,
        &[&public],
        &[(100, true, "10.0.0.0/8")],
    );
    assert!(!has(&e.b.run(), "EP201"));
}

#[test]
fn more_specific_route_overrides_the_default_route() {
    // 0.0.0.0/0 goes to the internet, but the two halves go to a peered VPC in the scan.
    let mut e = env();
    let other = e.b.vpc("OtherVpc", "10.30.0.0/16");
    let pcx = e.b.add(
        "Peering",
        "AWS::EC2::VPCPeeringConnection",
        Kind::VpcPeeringConnection(VpcPeeringConnection {
            vpc: Attr::Known(e.vpc.clone()),
            peer_vpc: Attr::Known(other),
            peer_owner: None,
        }),
    );
    e.b.route(&e.private_rt, "0.0.0.0/0", TargetKind::Gateway, &e.igw);
    e.b.route(
        &e.private_rt,
        "0.0.0.0/1",
        TargetKind::VpcPeeringConnection,
        &pcx,
    );
    let half = e.b.run();
    let f = half
        .findings
        .iter()
        .find(|f| f.rule == "EP201")
        .expect("the upper half still leaks");
    assert!(f.message.contains("128.0.0.0"), "{}", f.message);
    assert!(!f.message.contains("8.0.0.0/7"), "{}", f.message);
    e.b.route(
        &e.private_rt,
        "128.0.0.0/1",
        TargetKind::VpcPeeringConnection,
        &pcx,
    );
    let a = e.b.run();
    assert!(!has(&a, "EP201") && !has(&a, "EP203"), "{:?}", a.findings);
}

#[test]
fn security_group_limits_what_the_route_carries() {
    let mut e = env();
    e.b.route(&e.private_rt, "0.0.0.0/0", TargetKind::Gateway, &e.igw);
    let only_vpc = e.b.sg("VpcOnlySg", &e.vpc, &["10.20.0.0/16"]);
    let nb = e.b.notebook("TightNotebook", &e.private, &[&only_vpc]);
    let a = e.b.run();
    let leaking: Vec<&Ident> = a
        .findings
        .iter()
        .filter(|f| f.rule == "EP201")
        .flat_map(|f| &f.workloads)
        .collect();
    assert!(leaking.contains(&&e.notebook));
    assert!(!leaking.contains(&&nb), "{leaking:?}");
    let tight = a.workloads.iter().find(|w| w.resource.id == nb).unwrap();
    assert_eq!(tight.verdict, Verdict::Sealed);
}

#[test]
fn nacl_without_entries_denies_all() {
    let mut e = env();
    let nat = e.b.nat("Nat", &e.public);
    e.b.route(&e.private_rt, "0.0.0.0/0", TargetKind::NatGateway, &nat);
    let private = e.private.clone();
    e.b.nacl("Locked", &e.vpc, &[&private], &[]);
    let a = e.b.run();
    assert!(!has(&a, "EP201"), "{:?}", a.findings);
}

#[test]
fn nacl_rules_first_match_wins() {
    let mut e = env();
    e.b.route(&e.private_rt, "0.0.0.0/0", TargetKind::Gateway, &e.igw);
    let private = e.private.clone();
    e.b.nacl(
        "Nacl",
        &e.vpc,
        &[&private],
        &[(100, false, "0.0.0.0/0"), (200, true, "0.0.0.0/0")],
    );
    assert!(!has(&e.b.run(), "EP201"));

    let mut e = env();
    e.b.route(&e.private_rt, "0.0.0.0/0", TargetKind::Gateway, &e.igw);
    let private = e.private.clone();
    e.b.nacl(
        "Nacl",
        &e.vpc,
        &[&private],
        &[(100, true, "0.0.0.0/0"), (200, false, "0.0.0.0/0")],
    );
    assert!(has(&e.b.run(), "EP201"));
}

#[test]
fn main_route_table_applies_without_an_explicit_association() {
    let mut b = B::new();
    let vpc = b.vpc("Vpc", "10.0.0.0/16");
    let s = b.subnet("Subnet", &vpc, "10.0.1.0/24");
    let sg = b.sg("Sg", &vpc, &["0.0.0.0/0"]);
    b.notebook("Notebook", &s, &[&sg]);
    let igw = b.igw("Igw");
    // A table that is not main: it does not apply.
    let other = b.table("Other", &vpc);
    b.route(&other, "0.0.0.0/0", TargetKind::Gateway, &igw);
    assert!(!has(&b.run(), "EP201"));
    // Routes added to AWS's implicit main table apply.
    let implicit = Ident::main_route_table_of(&vpc);
    let mut b2 = B {
        model: b.model.clone(),
        line: 1000,
    };
    b2.route(&implicit, "0.0.0.0/0", TargetKind::InternetGateway, &igw);
    assert!(has(&b2.run(), "EP201"));
    // A main route table association makes `Other` the main table.
    b.add(
        "MainAssoc",
        "aws_main_route_table_association",
        Kind::MainRouteTableAssociation(MainRouteTableAssociation {
            vpc: Attr::Known(vpc.clone()),
            route_table: Attr::Known(other.clone()),
        }),
    );
    let a = b.run();
    let f = a
        .findings
        .iter()
        .find(|f| f.rule == "EP201")
        .expect("EP201");
    assert!(
        f.path.iter().any(|h| h.note.contains("main route table")),
        "{:?}",
        f.path
    );
}

#[test]
fn ipv6_default_route_to_egress_only_gateway() {
    let mut e = env();
    let eigw = e.b.add(
        "Eigw",
        "AWS::EC2::EgressOnlyInternetGateway",
        Kind::EgressOnlyInternetGateway(Gateway {
            vpc: Some(Attr::Known(e.vpc.clone())),
        }),
    );
    e.b.route(
        &e.private_rt,
        "::/0",
        TargetKind::EgressOnlyInternetGateway,
        &eigw,
    );
    let a = e.b.run();
    assert!(has(&a, "EP202"), "{:?}", a.findings);
    assert!(!has(&a, "EP201"));
    let f = a.findings.iter().find(|f| f.rule == "EP202").unwrap();
    assert!(
        f.message.contains("every public IPv6 address"),
        "{}",
        f.message
    );
}

#[test]
fn ipv4_only_security_group_blocks_ipv6_route() {
    let mut e = env();
    let eigw = e.b.add(
        "Eigw",
        "AWS::EC2::EgressOnlyInternetGateway",
        Kind::EgressOnlyInternetGateway(Gateway::default()),
    );
    e.b.route(
        &e.private_rt,
        "::/0",
        TargetKind::EgressOnlyInternetGateway,
        &eigw,
    );
    let v4 = e.b.sg("V4Only", &e.vpc, &["0.0.0.0/0"]);
    let nb = e.b.notebook("V4Notebook", &e.private, &[&v4]);
    let a = e.b.run();
    assert!(a
        .findings
        .iter()
        .filter(|f| f.rule == "EP202")
        .all(|f| !f.workloads.contains(&nb)));
}

#[test]
fn transit_gateway_and_peering_outside_the_scan_are_ep203() {
    for (kind, id) in [
        (TargetKind::TransitGateway, "tgw-0123456789abcdef0"),
        (TargetKind::VpcPeeringConnection, "pcx-0123456789abcdef0"),
        (TargetKind::VpnGateway, "vgw-0123"),
        (
            TargetKind::CoreNetwork,
            "arn:aws:networkmanager::1:core-network/x",
        ),
    ] {
        let mut e = env();
        e.b.route(&e.private_rt, "0.0.0.0/0", kind, &Ident::new(id));
        let a = e.b.run();
        assert!(has(&a, "EP203"), "{kind:?}: {:?}", a.findings);
        assert!(!has(&a, "EP201"), "{kind:?}");
        assert_eq!(a.verdict, Verdict::Leaks);
    }
}

#[test]
fn transit_gateway_in_the_scan_is_followed_to_the_egress_vpc() {
    let mut e = env();
    let tgw = e.b.add(
        "Tgw",
        "AWS::EC2::TransitGateway",
        Kind::TransitGateway(TransitGateway::default()),
    );
    let egress_vpc = e.b.vpc("EgressVpc", "10.99.0.0/16");
    let tgw_subnet = e.b.subnet("EgressTgwSubnet", &egress_vpc, "10.99.1.0/24");
    let egress_public = e.b.subnet("EgressPublic", &egress_vpc, "10.99.2.0/24");
    let egress_public_rt = e.b.table("EgressPublicRt", &egress_vpc);
    e.b.assoc(&egress_public, &egress_public_rt);
    let igw2 = e.b.igw("EgressIgw");
    e.b.route(&egress_public_rt, "0.0.0.0/0", TargetKind::Gateway, &igw2);
    let nat = e.b.nat("EgressNat", &egress_public);
    let tgw_subnet_rt = e.b.table("EgressTgwRt", &egress_vpc);
    e.b.assoc(&tgw_subnet, &tgw_subnet_rt);
    e.b.route(&tgw_subnet_rt, "0.0.0.0/0", TargetKind::NatGateway, &nat);
    let att = |b: &mut B, name: &str, vpc: &Ident, subnet: &Ident| {
        b.add(
            name,
            "AWS::EC2::TransitGatewayAttachment",
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
    };
    let private = e.private.clone();
    let vpc = e.vpc.clone();
    let spoke_att = att(&mut e.b, "SpokeAttachment", &vpc, &private);
    let egress_att = att(&mut e.b, "EgressAttachment", &egress_vpc, &tgw_subnet);
    let tgw_rt = e.b.add(
        "TgwRt",
        "AWS::EC2::TransitGatewayRouteTable",
        Kind::TransitGatewayRouteTable(TransitGatewayRouteTable {
            transit_gateway: Attr::Known(tgw.clone()),
        }),
    );
    e.b.add(
        "TgwAssoc",
        "AWS::EC2::TransitGatewayRouteTableAssociation",
        Kind::TransitGatewayRouteTableAssociation(TransitGatewayRouteTableAssociation {
            route_table: Attr::Known(tgw_rt.clone()),
            attachment: Attr::Known(spoke_att),
        }),
    );
    e.b.add(
        "TgwDefault",
        "AWS::EC2::TransitGatewayRoute",
        Kind::TransitGatewayRoute(TransitGatewayRoute {
            route_table: Attr::Known(tgw_rt),
            destination: Attr::Known(Destination::V4("0.0.0.0/0".parse().unwrap())),
            attachment: Some(Attr::Known(egress_att)),
        }),
    );
    e.b.route(&e.private_rt, "0.0.0.0/0", TargetKind::TransitGateway, &tgw);
    let a = e.b.run();
    let f = a
        .findings
        .iter()
        .find(|f| f.rule == "EP201")
        .unwrap_or_else(|| panic!("{:?} {:?}", a.findings, a.unknowns));
    assert!(
        f.message
            .contains("transit gateway Tgw -> NAT gateway EgressNat -> internet gateway EgressIgw"),
        "{}",
        f.message
    );
    assert!(!has(&a, "EP203"));
}

#[test]
fn trusted_cidrs_via_vpn_are_not_egress() {
    let mut e = env();
    let vgw = e.b.add(
        "Vgw",
        "AWS::EC2::VPNGateway",
        Kind::VpnGateway(Gateway::default()),
    );
    e.b.route(&e.private_rt, "8.8.8.0/24", TargetKind::Gateway, &vgw);
    let a = e.b.run();
    assert!(has(&a, "EP203"));
    let opts = Options {
        trusted_cidrs: vec!["8.8.8.0/24".parse().unwrap()],
        ..Options::default()
    };
    let a = e.b.run_with(&opts);
    assert!(!has(&a, "EP203"), "{:?}", a.findings);
}

#[test]
fn firewall_endpoint_is_filtered_egress_with_its_allow_list() {
    let mut e = env();
    let group = e.b.add(
        "AllowList",
        "AWS::NetworkFirewall::RuleGroup",
        Kind::NetworkFirewallRuleGroup(NetworkFirewallRuleGroup {
            allowed_domains: Attr::Known(vec![".amazonaws.com".into()]),
        }),
    );
    let policy = e.b.add(
        "FwPolicy",
        "AWS::NetworkFirewall::FirewallPolicy",
        Kind::NetworkFirewallPolicy(NetworkFirewallPolicy {
            stateful_rule_groups: Attr::Known(vec![group]),
        }),
    );
    let fw_subnet = e.b.subnet("FirewallSubnet", &e.vpc, "10.20.200.0/24");
    let fw_rt = e.b.table("FirewallRt", &e.vpc);
    e.b.assoc(&fw_subnet, &fw_rt);
    e.b.route(&fw_rt, "0.0.0.0/0", TargetKind::Gateway, &e.igw);
    let fw = e.b.add(
        "Firewall",
        "AWS::NetworkFirewall::Firewall",
        Kind::NetworkFirewall(NetworkFirewall {
            vpc: Attr::Known(e.vpc.clone()),
            subnets: Attr::Known(vec![fw_subnet]),
            policy: Attr::Known(policy),
        }),
    );
    e.b.route(
        &e.private_rt,
        "0.0.0.0/0",
        TargetKind::VpcEndpoint,
        &Ident::attribute_of(&fw, "EndpointIds"),
    );
    let a = e.b.run();
    let f = a
        .findings
        .iter()
        .find(|f| f.rule == "EP204")
        .unwrap_or_else(|| panic!("{:?}", a.findings));
    assert!(f.message.contains(".amazonaws.com"), "{}", f.message);
    assert!(!has(&a, "EP201"));
}

#[test]
fn unresolved_route_target_is_unknown_not_sealed() {
    let mut e = env();
    e.b.add(
        "MysteryRoute",
        "AWS::EC2::Route",
        Kind::Route(Route {
            route_table: Attr::Known(e.private_rt.clone()),
            destination: Attr::Known(Destination::V4("0.0.0.0/0".parse().unwrap())),
            target: Attr::Known(RouteTarget {
                kind: TargetKind::NatGateway,
                id: Attr::unknown(
                    "parameter NatId has no value",
                    Some(Span::new("net.yaml", 99, 1)),
                ),
            }),
        }),
    );
    let a = e.b.run();
    assert_eq!(a.verdict, Verdict::Unproven, "{:?}", a.findings);
    assert!(unknown_codes(&a).contains(&"EP902".to_string()));
}

#[test]
fn unknown_isolation_makes_a_vpc_leak_unproven() {
    let mut e = env();
    e.b.route(&e.private_rt, "0.0.0.0/0", TargetKind::Gateway, &e.igw);
    e.b.model.resources.retain(|r| r.name != "Notebook");
    let p = e.private.clone();
    let sg = e.sg.clone();
    e.b.model_in_vpc(
        "Model",
        &[&p],
        &[&sg],
        Some(Attr::unknown("parameter Isolate", None)),
    );
    let a = e.b.run();
    assert!(!has(&a, "EP201"), "{:?}", a.findings);
    assert_eq!(a.verdict, Verdict::Unproven);
    let mut e2 = env();
    e2.b.route(&e2.private_rt, "0.0.0.0/0", TargetKind::Gateway, &e2.igw);
    e2.b.model.resources.retain(|r| r.name != "Notebook");
    let p = e2.private.clone();
    let sg = e2.sg.clone();
    let model =
        e2.b.model_in_vpc("Model", &[&p], &[&sg], Some(Attr::Known(true)));
    let a = e2.b.run();
    assert!(
        a.findings
            .iter()
            .all(|f| !f.workloads.contains(&model) && f.resource.id != model),
        "{:?}",
        a.findings
    );
}

#[test]
fn subnets_without_workloads_are_judged_as_future_homes() {
    // Only in a VPC meant for SageMaker: one with a SageMaker interface endpoint.
    let mut e = env();
    e.b.model.resources.retain(|r| r.name != "Notebook");
    let vpc = e.vpc.clone();
    e.b.endpoint(
        "ApiEndpoint",
        &vpc,
        "sagemaker.api",
        EndpointType::Interface,
        &[],
        &[],
        None,
    );
    let a = e.b.run();
    let f = a
        .findings
        .iter()
        .find(|f| f.rule == "EP201")
        .expect("public subnet judged");
    assert_eq!(f.resource.name, "PublicSubnet");
    assert!(f.workloads.is_empty());
}

#[test]
fn subnets_of_a_vpc_not_meant_for_sagemaker_are_not_future_homes() {
    let mut e = env();
    e.b.model.resources.retain(|r| r.name != "Notebook");
    let a = e.b.run();
    assert!(
        !a.findings
            .iter()
            .any(|f| f.rule.as_str().starts_with("EP2")),
        "{:?}",
        a.findings
    );
    // Named in the configuration, the VPC is meant for SageMaker.
    let named = e.b.run_with(&egressproof_analysis::Options {
        sagemaker_vpcs: vec![e.vpc.as_str().to_string()],
        ..Default::default()
    });
    assert!(named.findings.iter().any(|f| f.rule == "EP201"));
}

#[test]
fn s3_gateway_endpoint_with_default_policy_is_ep301() {
    let mut e = env();
    let rt = e.private_rt.clone();
    e.b.endpoint(
        "S3Endpoint",
        &e.vpc.clone(),
        "s3",
        EndpointType::Gateway,
        &[&rt],
        &[],
        None,
    );
    let a = e.b.run();
    let f = a
        .findings
        .iter()
        .find(|f| f.rule == "EP301")
        .expect("EP301");
    assert_eq!(f.workloads, vec![e.notebook.clone()]);
    assert!(a
        .assumptions
        .iter()
        .any(|s| s.kind == AssumptionKind::BucketNames && s.message.contains("S3 buckets")));
    // Not on the workload's route table: not reachable, not reported.
    let mut e = env();
    let public_rt = e.public_rt.clone();
    e.b.endpoint(
        "S3Endpoint",
        &e.vpc.clone(),
        "s3",
        EndpointType::Gateway,
        &[&public_rt],
        &[],
        None,
    );
    assert!(!has(&e.b.run(), "EP301"));
}

#[test]
fn interface_endpoint_rules() {
    let mut e = env();
    let p = e.private.clone();
    let vpc = e.vpc.clone();
    e.b.endpoint(
        "LogsEndpoint",
        &vpc,
        "logs",
        EndpointType::Interface,
        &[],
        &[&p],
        None,
    );
    let partner_sg = e.b.admitting_sg("PartnerSg", &vpc);
    e.b.add(
        "Partner",
        "AWS::EC2::VPCEndpoint",
        Kind::VpcEndpoint(VpcEndpoint {
            vpc: Attr::Known(vpc.clone()),
            service_name: Value::from("com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"),
            endpoint_type: Some(Attr::Known(EndpointType::Interface)),
            policy: None,
            route_tables: Attr::Known(vec![]),
            subnets: Attr::Known(vec![p.clone()]),
            security_groups: Attr::Known(vec![partner_sg]),
            private_dns: None,
        }),
    );
    let a = e.b.run();
    assert!(has(&a, "EP302"), "{:?}", codes(&a));
    assert!(has(&a, "EP304"));
    assert!(has(&a, "EP305"));
    let ep303 = a
        .findings
        .iter()
        .find(|f| f.rule == "EP303")
        .expect("EP303");
    assert!(
        ep303.message.contains("sagemaker.api") && !ep303.message.contains(" logs"),
        "{}",
        ep303.message
    );
    e.b.dns_firewall(&vpc);
    assert!(!has(&e.b.run(), "EP305"));
}

#[test]
fn every_net_rule_has_one_file_and_documents_itself() {
    for code in [
        "EP201", "EP202", "EP203", "EP204", "EP301", "EP302", "EP303", "EP304", "EP305",
    ] {
        let meta = egressproof_analysis::rule(code).expect(code);
        assert!(!meta.fix().is_empty(), "{code}");
        assert!(meta.documentation().contains("```hcl"), "{code}");
        assert!(meta.documentation().contains("```yaml"), "{code}");
    }
}
