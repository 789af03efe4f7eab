//! The network of one region: VPCs, subnets, route tables, gateways, endpoints, security groups
//! and network ACLs, with physical IDs as model IDs so that references connect as they do in AWS.

use super::{call, display_name, each, resource, Ctx};
use aws_sdk_ec2::types::{self as t, Tag};
use aws_sdk_ec2::Client;
use egressproof_model::{
    Attr, Destination, Diagnostic, EndpointType, Gateway, GatewayAttachment, Ident, Kind,
    MainRouteTableAssociation, Model, NatGateway, NetworkAcl, NetworkAclEntry, Peer, Route,
    RouteTable, RouteTarget, SecurityGroup, SgRule, Span, Subnet, SubnetNetworkAclAssociation,
    SubnetRouteTableAssociation, TargetKind, TgwAttachmentKind, TransitGateway,
    TransitGatewayAttachment, TransitGatewayRoute, TransitGatewayRouteTable,
    TransitGatewayRouteTableAssociation, TransitGatewayRouteTablePropagation, Value, Vpc,
    VpcCidrBlock, VpcEndpoint, VpcPeeringConnection,
};
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::collections::HashSet;

fn name_tag(tags: &[Tag]) -> Option<&str> {
    tags.iter()
        .find(|t| t.key() == Some("Name"))
        .and_then(|t| t.value())
}

fn known(id: Option<&str>, what: &str, span: &str) -> Attr<Ident> {
    match id {
        Some(s) if !s.is_empty() => Attr::Known(Ident::new(s)),
        _ => Attr::unknown(
            format!("the API answer has no {what}"),
            Some(Span::arn(span)),
        ),
    }
}

fn cidr<T: std::str::FromStr>(s: Option<&str>, span: &str) -> Option<Attr<T>> {
    s.map(|s| match s.parse::<T>() {
        Ok(n) => Attr::Known(n),
        Err(_) => Attr::unknown(format!("unreadable CIDR {s:?}"), Some(Span::arn(span))),
    })
}

fn ids(list: &[String]) -> Attr<Vec<Ident>> {
    Attr::Known(list.iter().map(Ident::new).collect())
}

/// Reads the region's network. Each Describe runs at the same time as the others; each failure
/// is its own EP904 diagnostic. Fetching (the calls) and lowering (their answers onto the
/// model) are apart, so that the lowering reads as plain data mapping.
pub(super) async fn read(c: &Ctx, ec2: &Client) -> Model {
    let (answers, diagnostics) = fetch(c, ec2).await;
    let mut m = Model {
        diagnostics,
        ..Model::default()
    };
    let tgw_tables = lower(c, &answers, &mut m);
    m.extend(transit_gateway_associations(c, ec2, tgw_tables).await);
    m
}

/// What the region's Describe calls answered. A call that failed left its list empty and an
/// EP904 diagnostic beside it.
struct Answers {
    vpcs: Vec<t::Vpc>,
    subnets: Vec<t::Subnet>,
    tables: Vec<t::RouteTable>,
    igws: Vec<t::InternetGateway>,
    eigws: Vec<t::EgressOnlyInternetGateway>,
    vgws: Vec<t::VpnGateway>,
    nats: Vec<t::NatGateway>,
    sgs: Vec<t::SecurityGroup>,
    acls: Vec<t::NetworkAcl>,
    endpoints: Vec<t::VpcEndpoint>,
    peerings: Vec<t::VpcPeeringConnection>,
    atts: Vec<t::TransitGatewayVpcAttachment>,
    tgw_tables: Vec<t::TransitGatewayRouteTable>,
    tgws: Vec<t::TransitGateway>,
    other_atts: Vec<t::TransitGatewayAttachment>,
}

/// Sends every Describe of the region at once and collects the answers.
async fn fetch(c: &Ctx, ec2: &Client) -> (Answers, Vec<Diagnostic>) {
    let scope = |what: &str| c.arn("ec2", &format!("{what}/*"));
    let (
        vpcs,
        subnets,
        tables,
        igws,
        eigws,
        vgws,
        nats,
        sgs,
        acls,
        endpoints,
        peerings,
        atts,
        tgw_tables,
        tgws,
        other_atts,
    ) = tokio::join!(
        call(
            "ec2:DescribeVpcs",
            "VPCs",
            scope("vpc"),
            ec2.describe_vpcs()
                .into_paginator()
                .items()
                .send()
                .try_collect()
        ),
        call(
            "ec2:DescribeSubnets",
            "subnets",
            scope("subnet"),
            ec2.describe_subnets()
                .into_paginator()
                .items()
                .send()
                .try_collect()
        ),
        call(
            "ec2:DescribeRouteTables",
            "route tables, routes and their associations",
            scope("route-table"),
            ec2.describe_route_tables()
                .into_paginator()
                .items()
                .send()
                .try_collect()
        ),
        call(
            "ec2:DescribeInternetGateways",
            "internet gateways",
            scope("internet-gateway"),
            ec2.describe_internet_gateways()
                .into_paginator()
                .items()
                .send()
                .try_collect()
        ),
        call(
            "ec2:DescribeEgressOnlyInternetGateways",
            "egress-only internet gateways",
            scope("egress-only-internet-gateway"),
            ec2.describe_egress_only_internet_gateways()
                .into_paginator()
                .items()
                .send()
                .try_collect()
        ),
        call(
            "ec2:DescribeVpnGateways",
            "virtual private gateways",
            scope("vpn-gateway"),
            ec2.describe_vpn_gateways().send()
        ),
        call(
            "ec2:DescribeNatGateways",
            "NAT gateways",
            scope("natgateway"),
            ec2.describe_nat_gateways()
                .into_paginator()
                .items()
                .send()
                .try_collect()
        ),
        call(
            "ec2:DescribeSecurityGroups",
            "security groups and their rules",
            scope("security-group"),
            ec2.describe_security_groups()
                .into_paginator()
                .items()
                .send()
                .try_collect()
        ),
        call(
            "ec2:DescribeNetworkAcls",
            "network ACLs, their entries and associations",
            scope("network-acl"),
            ec2.describe_network_acls()
                .into_paginator()
                .items()
                .send()
                .try_collect()
        ),
        call(
            "ec2:DescribeVpcEndpoints",
            "VPC endpoints and their policies",
            scope("vpc-endpoint"),
            ec2.describe_vpc_endpoints()
                .into_paginator()
                .items()
                .send()
                .try_collect()
        ),
        call(
            "ec2:DescribeVpcPeeringConnections",
            "VPC peering connections",
            scope("vpc-peering-connection"),
            ec2.describe_vpc_peering_connections()
                .into_paginator()
                .items()
                .send()
                .try_collect()
        ),
        call(
            "ec2:DescribeTransitGatewayVpcAttachments",
            "transit gateway VPC attachments",
            scope("transit-gateway-attachment"),
            ec2.describe_transit_gateway_vpc_attachments()
                .into_paginator()
                .items()
                .send()
                .try_collect()
        ),
        call(
            "ec2:DescribeTransitGatewayRouteTables",
            "transit gateway route tables",
            scope("transit-gateway-route-table"),
            ec2.describe_transit_gateway_route_tables()
                .into_paginator()
                .items()
                .send()
                .try_collect()
        ),
        call(
            "ec2:DescribeTransitGateways",
            "transit gateways",
            scope("transit-gateway"),
            ec2.describe_transit_gateways()
                .into_paginator()
                .items()
                .send()
                .try_collect()
        ),
        call(
            "ec2:DescribeTransitGatewayAttachments",
            "transit gateway attachments to VPNs, Direct Connect and peer gateways",
            scope("transit-gateway-attachment"),
            ec2.describe_transit_gateway_attachments()
                .into_paginator()
                .items()
                .send()
                .try_collect()
        ),
    );
    let mut diagnostics = Vec::new();
    macro_rules! take {
        ($r:expr) => {
            match $r {
                Ok(v) => v,
                Err(d) => {
                    diagnostics.push(d);
                    Vec::new()
                }
            }
        };
    }
    let vpcs: Vec<t::Vpc> = take!(vpcs);
    let subnets: Vec<t::Subnet> = take!(subnets);
    let tables: Vec<t::RouteTable> = take!(tables);
    let igws: Vec<t::InternetGateway> = take!(igws);
    let eigws: Vec<t::EgressOnlyInternetGateway> = take!(eigws);
    let vgws: Vec<t::VpnGateway> = take!(vgws.map(|o| o.vpn_gateways.unwrap_or_default()));
    let nats: Vec<t::NatGateway> = take!(nats);
    let sgs: Vec<t::SecurityGroup> = take!(sgs);
    let acls: Vec<t::NetworkAcl> = take!(acls);
    let endpoints: Vec<t::VpcEndpoint> = take!(endpoints);
    let peerings: Vec<t::VpcPeeringConnection> = take!(peerings);
    let atts: Vec<t::TransitGatewayVpcAttachment> = take!(atts);
    let tgw_tables: Vec<t::TransitGatewayRouteTable> = take!(tgw_tables);
    let tgws: Vec<t::TransitGateway> = take!(tgws);
    let other_atts: Vec<t::TransitGatewayAttachment> = take!(other_atts);
    let answers = Answers {
        vpcs,
        subnets,
        tables,
        igws,
        eigws,
        vgws,
        nats,
        sgs,
        acls,
        endpoints,
        peerings,
        atts,
        tgw_tables,
        tgws,
        other_atts,
    };
    (answers, diagnostics)
}

/// Lowers the answers onto the model, in the order the resources have always been listed.
/// Returns the transit gateway route tables, whose associations are read next.
fn lower(c: &Ctx, a: &Answers, m: &mut Model) -> Vec<String> {
    vpcs(c, &a.vpcs, m);
    subnets(c, &a.subnets, m);
    route_tables(c, &a.tables, &a.endpoints, m);
    internet_gateways(c, &a.igws, m);
    egress_only_internet_gateways(c, &a.eigws, m);
    vpn_gateways(c, &a.vgws, m);
    nat_gateways(c, &a.nats, m);
    security_groups(c, &a.sgs, m);
    network_acls(c, &a.acls, m);
    vpc_endpoints(c, &a.endpoints, m);
    peerings(c, &a.peerings, m);
    transit_gateways(c, &a.tgws, m);
    transit_gateway_attachments(c, &a.atts, m);
    other_transit_gateway_attachments(c, &a.other_atts, m);
    transit_gateway_route_tables(c, &a.tgw_tables, m)
}

/// The ARN of an EC2 resource owned by `owner` (this account when the answer names none).
fn arn_in(c: &Ctx, owner: Option<&str>, what: &str, id: &str) -> String {
    format!(
        "arn:{}:ec2:{}:{}:{what}/{id}",
        c.partition,
        c.region,
        owner.unwrap_or(&c.account)
    )
}

/// VPCs and their associated CIDR blocks.
fn vpcs(c: &Ctx, vpcs: &[t::Vpc], m: &mut Model) {
    for v in vpcs {
        let Some(id) = v.vpc_id() else { continue };
        let arn = arn_in(c, v.owner_id(), "vpc", id);
        let vpc = Vpc {
            cidr_v4: cidr::<Ipv4Net>(v.cidr_block(), &arn),
        };
        for a in v.cidr_block_association_set() {
            let state = a
                .cidr_block_state()
                .and_then(|s| s.state())
                .map(|s| s.as_str());
            if a.cidr_block() == v.cidr_block()
                || !matches!(state, Some("associated" | "associating"))
            {
                continue;
            }
            let aid = a.association_id().unwrap_or("cidr");
            m.resources.push(resource(
                format!("{id}::{aid}"),
                format!("{} of {id}", a.cidr_block().unwrap_or("CIDR block")),
                "AWS::EC2::VPCCidrBlock",
                arn.clone(),
                Kind::VpcCidrBlock(VpcCidrBlock {
                    vpc: Attr::Known(Ident::new(id)),
                    cidr: cidr::<IpNet>(a.cidr_block(), &arn),
                    ipv6: false,
                }),
            ));
        }
        for a in v.ipv6_cidr_block_association_set() {
            let state = a
                .ipv6_cidr_block_state()
                .and_then(|s| s.state())
                .map(|s| s.as_str());
            if !matches!(state, Some("associated" | "associating")) {
                continue;
            }
            let aid = a.association_id().unwrap_or("ipv6");
            m.resources.push(resource(
                format!("{id}::{aid}"),
                format!("{} of {id}", a.ipv6_cidr_block().unwrap_or("IPv6 block")),
                "AWS::EC2::VPCCidrBlock",
                arn.clone(),
                Kind::VpcCidrBlock(VpcCidrBlock {
                    vpc: Attr::Known(Ident::new(id)),
                    cidr: cidr::<IpNet>(a.ipv6_cidr_block(), &arn),
                    ipv6: true,
                }),
            ));
        }
        m.resources.push(resource(
            id,
            display_name(id, name_tag(v.tags())),
            "AWS::EC2::VPC",
            arn,
            Kind::Vpc(vpc),
        ));
    }
}

/// Subnets with their IPv4 and associated IPv6 blocks.
fn subnets(c: &Ctx, subnets: &[t::Subnet], m: &mut Model) {
    for s in subnets {
        let Some(id) = s.subnet_id() else { continue };
        let arn = s
            .subnet_arn()
            .map(str::to_string)
            .unwrap_or_else(|| arn_in(c, s.owner_id(), "subnet", id));
        let v6 = s
            .ipv6_cidr_block_association_set()
            .iter()
            .find(|a| {
                matches!(
                    a.ipv6_cidr_block_state()
                        .and_then(|st| st.state())
                        .map(|st| st.as_str()),
                    Some("associated" | "associating")
                )
            })
            .and_then(|a| a.ipv6_cidr_block());
        let subnet = Subnet {
            vpc: known(s.vpc_id(), "VPC", &arn),
            cidr_v4: cidr::<Ipv4Net>(s.cidr_block(), &arn),
            cidr_v6: cidr::<Ipv6Net>(v6, &arn),
            map_public_ip_on_launch: s.map_public_ip_on_launch().map(Attr::Known),
        };
        m.resources.push(resource(
            id,
            display_name(id, name_tag(s.tags())),
            "AWS::EC2::Subnet",
            arn,
            Kind::Subnet(subnet),
        ));
    }
}

/// Route tables, their associations and routes.
fn route_tables(c: &Ctx, tables: &[t::RouteTable], endpoints: &[t::VpcEndpoint], m: &mut Model) {
    // Gateway endpoints appear in route tables as prefix-list routes; the endpoint's own
    // `route_tables` carries that fact (as a template does), so those routes are not repeated.
    let gateway_endpoints: HashSet<&str> = endpoints
        .iter()
        .filter(|e| e.vpc_endpoint_type().map(|t| t.as_str()) == Some("Gateway"))
        .filter_map(|e| e.vpc_endpoint_id())
        .collect();

    for rt in tables {
        let Some(id) = rt.route_table_id() else {
            continue;
        };
        let arn = arn_in(c, rt.owner_id(), "route-table", id);
        let vpc = known(rt.vpc_id(), "VPC", &arn);
        let main = rt.associations().iter().any(|a| a.main() == Some(true));
        m.resources.push(resource(
            id,
            display_name(id, name_tag(rt.tags())),
            "AWS::EC2::RouteTable",
            arn.clone(),
            Kind::RouteTable(RouteTable {
                vpc: vpc.clone(),
                main,
            }),
        ));
        for a in rt.associations() {
            let state = a
                .association_state()
                .and_then(|s| s.state())
                .map(|s| s.as_str());
            if matches!(state, Some("disassociated" | "disassociating" | "failed")) {
                continue;
            }
            let aid = a.route_table_association_id().unwrap_or("association");
            if a.main() == Some(true) {
                m.resources.push(resource(
                    aid,
                    format!("main route table association of {id}"),
                    "AWS::EC2::MainRouteTableAssociation",
                    arn.clone(),
                    Kind::MainRouteTableAssociation(MainRouteTableAssociation {
                        vpc: vpc.clone(),
                        route_table: Attr::Known(Ident::new(id)),
                    }),
                ));
            } else if let Some(subnet) = a.subnet_id() {
                m.resources.push(resource(
                    aid,
                    format!("{subnet} -> {id}"),
                    "AWS::EC2::SubnetRouteTableAssociation",
                    arn.clone(),
                    Kind::SubnetRouteTableAssociation(SubnetRouteTableAssociation {
                        subnet: Attr::Known(Ident::new(subnet)),
                        route_table: Attr::Known(Ident::new(id)),
                    }),
                ));
            }
            // Gateway (edge) associations route traffic coming in, not going out.
        }
        for r in rt.routes() {
            // A blackhole route drops what it matches; leaving it out lets a wider route match
            // instead, which can only add paths, never hide one.
            if r.state().map(|s| s.as_str()) == Some("blackhole") {
                continue;
            }
            if let (Some(gw), Some(_)) = (r.gateway_id(), r.destination_prefix_list_id()) {
                if gateway_endpoints.contains(gw) {
                    continue;
                }
            }
            let (dest_text, destination) = if let Some(d) = r.destination_cidr_block() {
                (
                    d.to_string(),
                    match d.parse::<Ipv4Net>() {
                        Ok(n) => Attr::Known(Destination::V4(n)),
                        Err(_) => Attr::unknown(
                            format!("unreadable destination {d:?}"),
                            Some(Span::arn(&arn)),
                        ),
                    },
                )
            } else if let Some(d) = r.destination_ipv6_cidr_block() {
                (
                    d.to_string(),
                    match d.parse::<Ipv6Net>() {
                        Ok(n) => Attr::Known(Destination::V6(n)),
                        Err(_) => Attr::unknown(
                            format!("unreadable destination {d:?}"),
                            Some(Span::arn(&arn)),
                        ),
                    },
                )
            } else if let Some(pl) = r.destination_prefix_list_id() {
                (
                    pl.to_string(),
                    Attr::Known(Destination::PrefixList(Ident::new(pl))),
                )
            } else {
                (
                    "?".to_string(),
                    Attr::unknown("a route without a destination", Some(Span::arn(&arn))),
                )
            };
            let target = route_target(r, rt.vpc_id(), &arn);
            m.resources.push(resource(
                format!("{id}::route::{dest_text}"),
                format!("{dest_text} in {}", display_name(id, name_tag(rt.tags()))),
                "AWS::EC2::Route",
                arn.clone(),
                Kind::Route(Route {
                    route_table: Attr::Known(Ident::new(id)),
                    destination,
                    target,
                }),
            ));
        }
    }
}

/// Internet gateways and their attachments.
fn internet_gateways(c: &Ctx, igws: &[t::InternetGateway], m: &mut Model) {
    for g in igws {
        let Some(id) = g.internet_gateway_id() else {
            continue;
        };
        let arn = arn_in(c, g.owner_id(), "internet-gateway", id);
        m.resources.push(resource(
            id,
            display_name(id, name_tag(g.tags())),
            "AWS::EC2::InternetGateway",
            arn.clone(),
            Kind::InternetGateway(Gateway::default()),
        ));
        for a in g.attachments() {
            if let Some(vpc) = a.vpc_id() {
                m.resources
                    .push(attachment(id, vpc, "AWS::EC2::VPCGatewayAttachment", &arn));
            }
        }
    }
}

/// Egress-only internet gateways, with the VPC each is attached to.
fn egress_only_internet_gateways(c: &Ctx, eigws: &[t::EgressOnlyInternetGateway], m: &mut Model) {
    for g in eigws {
        let Some(id) = g.egress_only_internet_gateway_id() else {
            continue;
        };
        let arn = arn_in(c, None, "egress-only-internet-gateway", id);
        let vpc = g
            .attachments()
            .iter()
            .find_map(|a| a.vpc_id())
            .map(|v| Attr::Known(Ident::new(v)));
        m.resources.push(resource(
            id,
            display_name(id, name_tag(g.tags())),
            "AWS::EC2::EgressOnlyInternetGateway",
            arn,
            Kind::EgressOnlyInternetGateway(Gateway { vpc }),
        ));
    }
}

/// Virtual private gateways and their attachments.
fn vpn_gateways(c: &Ctx, vgws: &[t::VpnGateway], m: &mut Model) {
    for g in vgws {
        let Some(id) = g.vpn_gateway_id() else {
            continue;
        };
        if matches!(g.state().map(|s| s.as_str()), Some("deleted" | "deleting")) {
            continue;
        }
        let arn = arn_in(c, None, "vpn-gateway", id);
        m.resources.push(resource(
            id,
            display_name(id, name_tag(g.tags())),
            "AWS::EC2::VPNGateway",
            arn.clone(),
            Kind::VpnGateway(Gateway::default()),
        ));
        for a in g.vpc_attachments() {
            let attached = matches!(
                a.state().map(|s| s.as_str()),
                Some("attached" | "attaching")
            );
            if let (true, Some(vpc)) = (attached, a.vpc_id()) {
                m.resources
                    .push(attachment(id, vpc, "AWS::EC2::VPCGatewayAttachment", &arn));
            }
        }
    }
}

/// NAT gateways that are not gone.
fn nat_gateways(c: &Ctx, nats: &[t::NatGateway], m: &mut Model) {
    for n in nats {
        let Some(id) = n.nat_gateway_id() else {
            continue;
        };
        if matches!(
            n.state().map(|s| s.as_str()),
            Some("deleted" | "deleting" | "failed")
        ) {
            continue;
        }
        let arn = arn_in(c, None, "natgateway", id);
        let nat = NatGateway {
            subnet: match n.subnet_id() {
                Some(s) => Attr::Known(Ident::new(s)),
                None => Attr::unknown("a NAT gateway without a subnet (regional availability): where its traffic goes is not read", Some(Span::arn(&arn))),
            },
            connectivity: n.connectivity_type().map(|t| Attr::Known(t.as_str().to_string())),
        };
        m.resources.push(resource(
            id,
            display_name(id, name_tag(n.tags())),
            "AWS::EC2::NatGateway",
            arn,
            Kind::NatGateway(nat),
        ));
    }
}

/// Security groups with their rules.
fn security_groups(c: &Ctx, sgs: &[t::SecurityGroup], m: &mut Model) {
    for g in sgs {
        let Some(id) = g.group_id() else { continue };
        let arn = g
            .security_group_arn()
            .map(str::to_string)
            .unwrap_or_else(|| arn_in(c, g.owner_id(), "security-group", id));
        let sg = SecurityGroup {
            vpc: g.vpc_id().map(|v| Attr::Known(Ident::new(v))),
            egress: g
                .ip_permissions_egress()
                .iter()
                .flat_map(|p| sg_rules(p, &arn))
                .collect(),
            ingress: g
                .ip_permissions()
                .iter()
                .flat_map(|p| sg_rules(p, &arn))
                .collect(),
        };
        let name = match g.group_name() {
            Some(n) => format!("{n} ({id})"),
            None => id.to_string(),
        };
        m.resources.push(resource(
            id,
            name,
            "AWS::EC2::SecurityGroup",
            arn,
            Kind::SecurityGroup(sg),
        ));
    }
}

/// Network ACLs, their entries and subnet associations.
fn network_acls(c: &Ctx, acls: &[t::NetworkAcl], m: &mut Model) {
    for a in acls {
        let Some(id) = a.network_acl_id() else {
            continue;
        };
        let arn = arn_in(c, a.owner_id(), "network-acl", id);
        m.resources.push(resource(
            id,
            display_name(id, name_tag(a.tags())),
            "AWS::EC2::NetworkAcl",
            arn.clone(),
            Kind::NetworkAcl(NetworkAcl {
                vpc: known(a.vpc_id(), "VPC", &arn),
                default: a.is_default() == Some(true),
            }),
        ));
        for e in a.entries() {
            let egress = e.egress() == Some(true);
            let number = e.rule_number();
            let net = e.cidr_block().or(e.ipv6_cidr_block());
            // One reading of protocols for every input (the aws layer); AWS ignores the ports of
            // a protocol that has none.
            let protocol = egressproof_aws::protocol::read(
                match e.protocol() {
                    Some(p) => Attr::Known(p.to_string()),
                    None => Attr::unknown("an ACL entry without a protocol", Some(Span::arn(&arn))),
                },
                &Span::arn(&arn),
            );
            let all = matches!(protocol, Attr::Known(p) if !p.has_ports());
            let entry = NetworkAclEntry {
                network_acl: Attr::Known(Ident::new(id)),
                rule_number: match number {
                    Some(n) => Attr::Known(i64::from(n)),
                    None => {
                        Attr::unknown("an ACL entry without a rule number", Some(Span::arn(&arn)))
                    }
                },
                egress,
                allow: match e.rule_action().map(|r| r.as_str()) {
                    Some("allow") => Attr::Known(true),
                    Some("deny") => Attr::Known(false),
                    other => {
                        Attr::unknown(format!("ACL rule action {other:?}"), Some(Span::arn(&arn)))
                    }
                },
                protocol,
                cidr: cidr::<IpNet>(net, &arn).unwrap_or_else(|| {
                    Attr::unknown("an ACL entry without a CIDR", Some(Span::arn(&arn)))
                }),
                from_port: e
                    .port_range()
                    .filter(|_| !all)
                    .and_then(|p| p.from())
                    .map(|p| Attr::Known(i64::from(p))),
                to_port: e
                    .port_range()
                    .filter(|_| !all)
                    .and_then(|p| p.to())
                    .map(|p| Attr::Known(i64::from(p))),
            };
            let dir = if egress { "egress" } else { "ingress" };
            let n = number.map(|n| n.to_string()).unwrap_or_else(|| "?".into());
            m.resources.push(resource(
                format!("{id}::{dir}::{n}"),
                format!("{dir} rule {n} of {id}"),
                "AWS::EC2::NetworkAclEntry",
                arn.clone(),
                Kind::NetworkAclEntry(entry),
            ));
        }
        for assoc in a.associations() {
            let (Some(aid), Some(subnet)) = (assoc.network_acl_association_id(), assoc.subnet_id())
            else {
                continue;
            };
            m.resources.push(resource(
                aid,
                format!("{subnet} -> {id}"),
                "AWS::EC2::SubnetNetworkAclAssociation",
                arn.clone(),
                Kind::SubnetNetworkAclAssociation(SubnetNetworkAclAssociation {
                    subnet: Attr::Known(Ident::new(subnet)),
                    network_acl: Attr::Known(Ident::new(id)),
                }),
            ));
        }
    }
}

/// VPC endpoints that are not gone, with their policies.
fn vpc_endpoints(c: &Ctx, endpoints: &[t::VpcEndpoint], m: &mut Model) {
    for e in endpoints {
        let Some(id) = e.vpc_endpoint_id() else {
            continue;
        };
        if matches!(
            e.state()
                .map(|s| s.as_str().to_ascii_lowercase())
                .as_deref(),
            Some("deleted" | "deleting" | "rejected" | "failed" | "expired")
        ) {
            continue;
        }
        let arn = arn_in(c, e.owner_id(), "vpc-endpoint", id);
        let endpoint_type = e.vpc_endpoint_type().map(|t| match t.as_str() {
            "Gateway" => Attr::Known(EndpointType::Gateway),
            "Interface" => Attr::Known(EndpointType::Interface),
            "GatewayLoadBalancer" => Attr::Known(EndpointType::GatewayLoadBalancer),
            other => Attr::unknown(
                format!("endpoint type {other} is not modelled"),
                Some(Span::arn(&arn)),
            ),
        });
        let policy = e
            .policy_document()
            .map(|p| match crate::decode_policy_document(p) {
                Ok(doc) => crate::symbolise_account(doc, &c.account),
                Err(why) => Value::unknown(why, Some(Span::arn(&arn))),
            });
        let ep = VpcEndpoint {
            vpc: known(e.vpc_id(), "VPC", &arn),
            service_name: match e.service_name() {
                Some(s) => Value::Str(s.to_string()),
                None => Value::unknown("an endpoint without a service name", Some(Span::arn(&arn))),
            },
            endpoint_type,
            policy,
            route_tables: ids(e.route_table_ids()),
            subnets: ids(e.subnet_ids()),
            security_groups: Attr::Known(
                e.groups()
                    .iter()
                    .filter_map(|g| g.group_id())
                    .map(Ident::new)
                    .collect(),
            ),
            private_dns: e.private_dns_enabled().map(Attr::Known),
        };
        let name = display_name(id, name_tag(e.tags()).or(e.service_name()));
        m.resources.push(resource(
            id,
            name,
            "AWS::EC2::VPCEndpoint",
            arn,
            Kind::VpcEndpoint(ep),
        ));
    }
}

/// Active VPC peering connections.
fn peerings(c: &Ctx, peerings: &[t::VpcPeeringConnection], m: &mut Model) {
    for p in peerings {
        let Some(id) = p.vpc_peering_connection_id() else {
            continue;
        };
        let active = p.status().and_then(|s| s.code()).map(|c| c.as_str()) == Some("active");
        if !active {
            continue;
        }
        let arn = arn_in(c, None, "vpc-peering-connection", id);
        m.resources.push(resource(
            id,
            display_name(id, name_tag(p.tags())),
            "AWS::EC2::VPCPeeringConnection",
            arn.clone(),
            Kind::VpcPeeringConnection(VpcPeeringConnection {
                vpc: known(
                    p.requester_vpc_info().and_then(|i| i.vpc_id()),
                    "requester VPC",
                    &arn,
                ),
                peer_vpc: known(
                    p.accepter_vpc_info().and_then(|i| i.vpc_id()),
                    "accepter VPC",
                    &arn,
                ),
                peer_owner: p
                    .accepter_vpc_info()
                    .and_then(|i| i.owner_id())
                    .map(|o| Attr::Known(o.to_string())),
            }),
        ));
    }
}

/// Transit gateway VPC attachments that are not gone.
fn transit_gateway_attachments(c: &Ctx, atts: &[t::TransitGatewayVpcAttachment], m: &mut Model) {
    for a in atts {
        let Some(id) = a.transit_gateway_attachment_id() else {
            continue;
        };
        if matches!(
            a.state().map(|s| s.as_str()),
            Some("deleted" | "deleting" | "failed" | "rejected")
        ) {
            continue;
        }
        // The attachment is its VPC owner's, also when the gateway is another account's.
        let arn = arn_in(c, a.vpc_owner_id(), "transit-gateway-attachment", id);
        m.resources.push(resource(
            id,
            display_name(id, name_tag(a.tags())),
            "AWS::EC2::TransitGatewayVpcAttachment",
            arn.clone(),
            Kind::TransitGatewayAttachment(TransitGatewayAttachment {
                vpc: known(a.vpc_id(), "VPC", &arn),
                subnets: ids(a.subnet_ids()),
                // Its associations and propagations are read as they are, never inferred from
                // the gateway's defaults.
                default_association: Some(Attr::Known(false)),
                default_propagation: Some(Attr::Known(false)),
                ..TransitGatewayAttachment::other(
                    TgwAttachmentKind::Vpc,
                    known(a.transit_gateway_id(), "transit gateway", &arn),
                    None,
                )
            }),
        ));
    }
}

/// Transit gateway route tables that are not gone; returns their IDs.
fn transit_gateway_route_tables(
    c: &Ctx,
    tgw_tables: &[t::TransitGatewayRouteTable],
    m: &mut Model,
) -> Vec<String> {
    let mut table_ids = Vec::new();
    for rt in tgw_tables {
        let Some(id) = rt.transit_gateway_route_table_id() else {
            continue;
        };
        if matches!(rt.state().map(|s| s.as_str()), Some("deleted" | "deleting")) {
            continue;
        }
        let arn = arn_in(c, None, "transit-gateway-route-table", id);
        m.resources.push(resource(
            id,
            display_name(id, name_tag(rt.tags())),
            "AWS::EC2::TransitGatewayRouteTable",
            arn,
            Kind::TransitGatewayRouteTable(TransitGatewayRouteTable {
                transit_gateway: known(rt.transit_gateway_id(), "transit gateway", id),
            }),
        ));
        table_ids.push(id.to_string());
    }
    table_ids
}

/// Transit gateways that are not gone, with their default route table settings.
fn transit_gateways(c: &Ctx, tgws: &[t::TransitGateway], m: &mut Model) {
    for g in tgws {
        let Some(id) = g.transit_gateway_id() else {
            continue;
        };
        if matches!(g.state().map(|s| s.as_str()), Some("deleted" | "deleting")) {
            continue;
        }
        let arn = arn_in(c, g.owner_id(), "transit-gateway", id);
        let o = g.options();
        let setting = |v: Option<&str>| v.map(|v| Attr::Known(v.to_string()));
        let table = |v: Option<&str>| v.map(|v| Attr::Known(Ident::new(v)));
        m.resources.push(resource(
            id,
            display_name(id, name_tag(g.tags())),
            "AWS::EC2::TransitGateway",
            arn,
            Kind::TransitGateway(TransitGateway {
                default_route_table_association: setting(
                    o.and_then(|o| o.default_route_table_association())
                        .map(|v| v.as_str()),
                ),
                default_route_table_propagation: setting(
                    o.and_then(|o| o.default_route_table_propagation())
                        .map(|v| v.as_str()),
                ),
                association_default_route_table: table(
                    o.and_then(|o| o.association_default_route_table_id()),
                ),
                propagation_default_route_table: table(
                    o.and_then(|o| o.propagation_default_route_table_id()),
                ),
            }),
        ));
    }
}

/// Attachments to VPNs, Direct Connect gateways, peer gateways and Connect (VPC attachments,
/// with their subnets, come from their own call).
fn other_transit_gateway_attachments(c: &Ctx, atts: &[t::TransitGatewayAttachment], m: &mut Model) {
    for a in atts {
        let Some(id) = a.transit_gateway_attachment_id() else {
            continue;
        };
        let kind = match a.resource_type().map(|r| r.as_str()) {
            Some("vpc") => continue,
            Some("direct-connect-gateway") => TgwAttachmentKind::DirectConnectGateway,
            Some("peering") => TgwAttachmentKind::Peering,
            Some("connect") => TgwAttachmentKind::Connect,
            // A VPN, and anything newer: outside the scan, traffic leaves through it.
            _ => TgwAttachmentKind::Vpn,
        };
        if matches!(
            a.state().map(|s| s.as_str()),
            Some("deleted" | "deleting" | "failed" | "rejected")
        ) {
            continue;
        }
        let arn = arn_in(c, a.resource_owner_id(), "transit-gateway-attachment", id);
        let mut att = TransitGatewayAttachment::other(
            kind,
            known(a.transit_gateway_id(), "transit gateway", &arn),
            a.resource_id().map(|r| Attr::Known(Ident::new(r))),
        );
        att.default_association = Some(Attr::Known(false));
        att.default_propagation = Some(Attr::Known(false));
        m.resources.push(resource(
            id,
            display_name(id, name_tag(a.tags())),
            "AWS::EC2::TransitGatewayAttachment",
            arn,
            Kind::TransitGatewayAttachment(att),
        ));
    }
}

/// Reads the attachments associated with each transit gateway route table, a few tables at a
/// time.
async fn transit_gateway_associations(c: &Ctx, ec2: &Client, table_ids: Vec<String>) -> Model {
    let client = ec2.clone();
    let ctx = c.clone();
    each(table_ids, c.limit, move |table: String| {
        let ec2 = client.clone();
        let arn = ctx.arn("ec2", &format!("transit-gateway-route-table/{table}"));
        async move {
            let mut out = Model::default();
            let got = call(
                "ec2:GetTransitGatewayRouteTableAssociations",
                "the attachments associated with a transit gateway route table",
                &arn,
                ec2.get_transit_gateway_route_table_associations()
                    .transit_gateway_route_table_id(&table)
                    .into_paginator()
                    .items()
                    .send()
                    .try_collect(),
            )
            .await;
            match got {
                Ok(list) => {
                    out.resources = transit_gateway_association_resources(&table, &arn, &list)
                }
                Err(d) => out.diagnostics.push(d),
            }
            let (routes, propagations) = tokio::join!(
                transit_gateway_routes(&ec2, &table, &arn),
                call(
                    "ec2:GetTransitGatewayRouteTablePropagations",
                    "the attachments that propagate routes into a transit gateway route table",
                    &arn,
                    ec2.get_transit_gateway_route_table_propagations()
                        .transit_gateway_route_table_id(&table)
                        .into_paginator()
                        .items()
                        .send()
                        .try_collect(),
                ),
            );
            out.extend(routes);
            match propagations {
                Ok(list) => {
                    for p in list {
                        let Some(att) = p.transit_gateway_attachment_id() else {
                            continue;
                        };
                        out.resources.push(resource(
                            format!("{table}::propagation::{att}"),
                            format!("{att} propagates to {table}"),
                            "AWS::EC2::TransitGatewayRouteTablePropagation",
                            arn.clone(),
                            Kind::TransitGatewayRouteTablePropagation(
                                TransitGatewayRouteTablePropagation {
                                    route_table: Attr::Known(Ident::new(&table)),
                                    attachment: Attr::Known(Ident::new(att)),
                                },
                            ),
                        ));
                    }
                }
                Err(d) => out.diagnostics.push(d),
            }
            out
        }
    })
    .await
}

/// The routes of a transit gateway route table, static and propagated, active and blackhole:
/// `ec2:SearchTransitGatewayRoutes` (read-only, though not a Describe/List/Get) answers with
/// at most 1000 routes and no pagination, so a table with more is an EP904, never cut short.
async fn transit_gateway_routes(ec2: &Client, table: &str, arn: &str) -> Model {
    let mut out = Model::default();
    let filter = |name: &str, values: &[&str]| {
        t::Filter::builder()
            .name(name)
            .set_values(Some(values.iter().map(|v| v.to_string()).collect()))
            .build()
    };
    let got = call(
        "ec2:SearchTransitGatewayRoutes",
        "the routes of a transit gateway route table",
        arn,
        ec2.search_transit_gateway_routes()
            .transit_gateway_route_table_id(table)
            .filters(filter("type", &["static", "propagated"]))
            .filters(filter("state", &["active", "blackhole"]))
            .send(),
    )
    .await;
    let answer = match got {
        Ok(a) => a,
        Err(d) => {
            out.diagnostics.push(d);
            return out;
        }
    };
    if answer.additional_routes_available() == Some(true) {
        out.diagnostics.push(super::failed(
            "ec2:SearchTransitGatewayRoutes",
            "every route of a transit gateway route table",
            arn,
            "the table holds more than 1000 routes",
        ));
    }
    for r in answer.routes() {
        let destination = match (r.destination_cidr_block(), r.prefix_list_id()) {
            (Some(cidr), _) => match cidr.parse::<IpNet>() {
                Ok(IpNet::V4(n)) => Attr::Known(Destination::V4(n)),
                Ok(IpNet::V6(n)) => Attr::Known(Destination::V6(n)),
                Err(_) => Attr::unknown(format!("unreadable CIDR {cidr:?}"), Some(Span::arn(arn))),
            },
            (None, Some(pl)) => Attr::Known(Destination::PrefixList(Ident::new(pl))),
            (None, None) => Attr::unknown("a route without a destination", Some(Span::arn(arn))),
        };
        let dest_text = r
            .destination_cidr_block()
            .or(r.prefix_list_id())
            .unwrap_or("?");
        let blackhole = r.state().map(|s| s.as_str()) == Some("blackhole");
        let attachments: Vec<&str> = r
            .transit_gateway_attachments()
            .iter()
            .filter_map(|a| a.transit_gateway_attachment_id())
            .collect();
        // Equal-cost routes (VPN) name several attachments: one route each. An active route
        // whose answer names no attachment goes somewhere unknown, never nowhere.
        let targets: Vec<(String, Option<Attr<Ident>>)> = if blackhole {
            vec![("blackhole".into(), None)]
        } else if attachments.is_empty() {
            vec![(
                "unknown".into(),
                Some(Attr::unknown(
                    "the API answer names no attachment for an active route",
                    Some(Span::arn(arn)),
                )),
            )]
        } else {
            attachments
                .into_iter()
                .map(|a| (a.to_string(), Some(Attr::Known(Ident::new(a)))))
                .collect()
        };
        for (label, attachment) in targets {
            out.resources.push(resource(
                format!("{table}::route::{dest_text}::{label}"),
                format!("{dest_text} -> {label}"),
                "AWS::EC2::TransitGatewayRoute",
                arn.to_string(),
                Kind::TransitGatewayRoute(TransitGatewayRoute {
                    route_table: Attr::Known(Ident::new(table)),
                    destination: destination.clone(),
                    attachment,
                }),
            ));
        }
    }
    out
}

/// The associations of one transit gateway route table.
fn transit_gateway_association_resources(
    table: &str,
    arn: &str,
    list: &[t::TransitGatewayRouteTableAssociation],
) -> Vec<egressproof_model::Resource> {
    let mut out = Vec::new();
    for a in list {
        let Some(att) = a.transit_gateway_attachment_id() else {
            continue;
        };
        out.push(resource(
            format!("{table}::association::{att}"),
            format!("{att} -> {table}"),
            "AWS::EC2::TransitGatewayRouteTableAssociation",
            arn.to_string(),
            Kind::TransitGatewayRouteTableAssociation(TransitGatewayRouteTableAssociation {
                route_table: Attr::Known(Ident::new(table)),
                attachment: Attr::Known(Ident::new(att)),
            }),
        ));
    }
    out
}

fn attachment(gateway: &str, vpc: &str, type_name: &str, arn: &str) -> egressproof_model::Resource {
    resource(
        format!("{gateway}::attachment::{vpc}"),
        format!("{gateway} attached to {vpc}"),
        type_name,
        arn.to_string(),
        Kind::GatewayAttachment(GatewayAttachment {
            vpc: Attr::Known(Ident::new(vpc)),
            gateway: Attr::Known(Ident::new(gateway)),
        }),
    )
}

fn route_target(r: &t::Route, vpc: Option<&str>, arn: &str) -> Attr<RouteTarget> {
    let to = |kind: TargetKind, id: &str| {
        Attr::Known(RouteTarget {
            kind,
            id: Attr::Known(Ident::new(id)),
        })
    };
    if let Some(id) = r.nat_gateway_id() {
        return to(TargetKind::NatGateway, id);
    }
    if let Some(id) = r.egress_only_internet_gateway_id() {
        return to(TargetKind::EgressOnlyInternetGateway, id);
    }
    if let Some(id) = r.transit_gateway_id() {
        return to(TargetKind::TransitGateway, id);
    }
    if let Some(id) = r.vpc_peering_connection_id() {
        return to(TargetKind::VpcPeeringConnection, id);
    }
    if let Some(id) = r.carrier_gateway_id() {
        return to(TargetKind::CarrierGateway, id);
    }
    if let Some(id) = r.local_gateway_id() {
        return to(TargetKind::LocalGateway, id);
    }
    if let Some(id) = r.core_network_arn() {
        return to(TargetKind::CoreNetwork, id);
    }
    if let Some(id) = r.instance_id() {
        return to(TargetKind::Instance, id);
    }
    if let Some(id) = r.network_interface_id() {
        return to(TargetKind::NetworkInterface, id);
    }
    if let Some(gw) = r.gateway_id() {
        if gw == "local" {
            return match vpc {
                Some(v) => to(TargetKind::Local, v),
                None => Attr::unknown(
                    "a local route of a table without a VPC",
                    Some(Span::arn(arn)),
                ),
            };
        }
        let kind = if gw.starts_with("igw-") {
            TargetKind::InternetGateway
        } else if gw.starts_with("vgw-") {
            TargetKind::VpnGateway
        } else if gw.starts_with("vpce-") {
            // A Gateway Load Balancer or Network Firewall endpoint (gateway endpoints were
            // left out above when DescribeVpcEndpoints answered).
            TargetKind::VpcEndpoint
        } else {
            TargetKind::Gateway
        };
        return to(kind, gw);
    }
    Attr::unknown(
        "a route target of a kind egressproof does not read (e.g. an ODB network)",
        Some(Span::arn(arn)),
    )
}

/// One model rule per peer of an API permission (the API groups peers; the model does not).
fn sg_rules(p: &t::IpPermission, arn: &str) -> Vec<SgRule> {
    let protocol = egressproof_aws::protocol::read(
        match p.ip_protocol() {
            Some(pr) => Attr::Known(pr.to_string()),
            None => Attr::unknown("a rule without a protocol", Some(Span::arn(arn))),
        },
        &Span::arn(arn),
    );
    let all = matches!(protocol, Attr::Known(p) if !p.has_ports());
    let port = |x: Option<i32>| {
        if all {
            None
        } else {
            x.map(|v| Attr::Known(i64::from(v)))
        }
    };
    let mut peers: Vec<Attr<Peer>> = Vec::new();
    for r in p.ip_ranges() {
        peers.push(net_peer(r.cidr_ip(), arn));
    }
    for r in p.ipv6_ranges() {
        peers.push(net_peer(r.cidr_ipv6(), arn));
    }
    for pl in p.prefix_list_ids() {
        peers.push(match pl.prefix_list_id() {
            Some(id) => Attr::Known(Peer::PrefixList(Ident::new(id))),
            None => Attr::unknown("a prefix list rule without an ID", Some(Span::arn(arn))),
        });
    }
    for g in p.user_id_group_pairs() {
        peers.push(match g.group_id() {
            Some(id) => Attr::Known(Peer::SecurityGroup(Ident::new(id))),
            None => Attr::unknown(
                "a security group rule without a group ID",
                Some(Span::arn(arn)),
            ),
        });
    }
    peers
        .into_iter()
        .map(|peer| SgRule {
            protocol: protocol.clone(),
            from_port: port(p.from_port()),
            to_port: port(p.to_port()),
            peer,
        })
        .collect()
}

fn net_peer(cidr: Option<&str>, arn: &str) -> Attr<Peer> {
    match cidr.map(|c| c.parse::<IpNet>()) {
        Some(Ok(n)) => Attr::Known(Peer::Cidr(n)),
        _ => Attr::unknown(format!("unreadable CIDR {cidr:?}"), Some(Span::arn(arn))),
    }
}
