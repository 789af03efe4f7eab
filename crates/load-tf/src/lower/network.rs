//! Network: VPCs, subnets, route tables and routes, gateways, NAT, transit gateways, peering,
//! security groups and their rules, network ACLs.

use super::{get, Args, Ctx, Link};
use crate::val::Val;
use egressproof_model::*;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};

impl Ctx<'_> {
    /// The protocol as AWS reads it (one parser for both providers, in the aws layer).
    fn protocol(&self, m: &Args, k: &str) -> Attr<Protocol> {
        match get(m, k) {
            Some(v) => egressproof_aws::protocol::read(self.string(v), &self.span),
            None => self.unk(format!("{k} is not set")),
        }
    }

    fn ports(
        &self,
        m: &Args,
        proto: &Attr<Protocol>,
        from: &str,
        to: &str,
    ) -> (Option<Attr<i64>>, Option<Attr<i64>>) {
        egressproof_aws::protocol::ports(proto, self.opt_int(m, from), self.opt_int(m, to))
    }

    /// Inline or standalone (`aws_security_group_rule`) rule arguments → one rule per peer.
    fn sg_rules(&self, b: &Val, self_group: Option<&Ident>) -> Vec<SgRule> {
        let Val::Map(m) = b else {
            let u = b
                .first_unknown()
                .cloned()
                .unwrap_or_else(|| Unknown::new("rule is not a block", Some(self.span.clone())));
            return vec![SgRule {
                protocol: Attr::Unknown(u.clone()),
                from_port: Some(Attr::Unknown(u.clone())),
                to_port: Some(Attr::Unknown(u.clone())),
                peer: Attr::Unknown(u),
            }];
        };
        let protocol = self.protocol(m, "protocol");
        let (from_port, to_port) = self.ports(m, &protocol, "from_port", "to_port");
        let mut peers: Vec<Attr<Peer>> = Vec::new();
        for k in ["cidr_blocks", "ipv6_cidr_blocks"] {
            match get(m, k) {
                Some(Val::List(items)) => {
                    peers.extend(items.iter().map(|i| self.net::<IpNet>(i).map(Peer::Cidr)))
                }
                Some(v) => peers.push(
                    v.first_unknown()
                        .map(|u| Attr::Unknown(u.clone()))
                        .unwrap_or_else(|| self.unk(format!("{k} is not a list"))),
                ),
                None => {}
            }
        }
        for (k, pl) in [("security_groups", false), ("prefix_list_ids", true)] {
            match get(m, k) {
                Some(Val::List(items)) => peers.extend(items.iter().map(|i| {
                    self.ident(i).map(|id| {
                        if pl {
                            Peer::PrefixList(id)
                        } else {
                            Peer::SecurityGroup(id)
                        }
                    })
                })),
                Some(v) => peers.push(self.ident(v).map(|id| {
                    if pl {
                        Peer::PrefixList(id)
                    } else {
                        Peer::SecurityGroup(id)
                    }
                })),
                None => {}
            }
        }
        if let Some(v) = get(m, "source_security_group_id") {
            peers.push(self.ident(v).map(Peer::SecurityGroup));
        }
        match get(m, "self").map(|v| v.as_bool()) {
            Some(Some(true)) => peers.push(match self_group {
                Some(g) => Attr::Known(Peer::SecurityGroup(g.clone())),
                None => self.unk("self rule of an unresolved group"),
            }),
            Some(None) => peers.push(self.unk("self is not known")),
            _ => {}
        }
        peers
            .into_iter()
            .map(|peer| SgRule {
                protocol: protocol.clone(),
                from_port: from_port.clone(),
                to_port: to_port.clone(),
                peer,
            })
            .collect()
    }

    fn vpc_sg_rule(&self, m: &Args) -> SgRule {
        let protocol = self.protocol(m, "ip_protocol");
        let (from_port, to_port) = self.ports(m, &protocol, "from_port", "to_port");
        let peer = if let Some(v) = get(m, "cidr_ipv4").or_else(|| get(m, "cidr_ipv6")) {
            self.net::<IpNet>(v).map(Peer::Cidr)
        } else if let Some(v) = get(m, "prefix_list_id") {
            self.ident(v).map(Peer::PrefixList)
        } else if let Some(v) = get(m, "referenced_security_group_id") {
            self.ident(v).map(Peer::SecurityGroup)
        } else {
            self.unk("rule has no peer")
        };
        SgRule {
            protocol,
            from_port,
            to_port,
            peer,
        }
    }

    fn acl_entry(
        &self,
        acl: &Attr<Ident>,
        b: &Val,
        egress: bool,
        number_key: &str,
        action_key: &str,
    ) -> NetworkAclEntry {
        let Val::Map(m) = b else {
            let u = b
                .first_unknown()
                .cloned()
                .unwrap_or_else(|| Unknown::new("rule is not a block", Some(self.span.clone())));
            return NetworkAclEntry {
                network_acl: acl.clone(),
                rule_number: Attr::Unknown(u.clone()),
                egress,
                allow: Attr::Unknown(u.clone()),
                protocol: Attr::Unknown(u.clone()),
                cidr: Attr::Unknown(u),
                from_port: None,
                to_port: None,
            };
        };
        let protocol = self.protocol(m, "protocol");
        let (from_port, to_port) = self.ports(m, &protocol, "from_port", "to_port");
        NetworkAclEntry {
            network_acl: acl.clone(),
            rule_number: get(m, number_key)
                .map(|v| self.int(v))
                .unwrap_or_else(|| self.unk(format!("{number_key} is not set"))),
            egress,
            allow: match get(m, action_key).map(|v| self.string(v)) {
                Some(Attr::Known(a)) => Attr::Known(a.eq_ignore_ascii_case("allow")),
                Some(Attr::Unknown(u)) => Attr::Unknown(u),
                None => self.unk(format!("{action_key} is not set")),
            },
            protocol,
            cidr: match get(m, "cidr_block").or_else(|| get(m, "ipv6_cidr_block")) {
                Some(v) => self.net::<IpNet>(v),
                None => self.unk("rule has no CIDR block"),
            },
            from_port,
            to_port,
        }
    }

    /// The VPC and model identity of an `aws_default_*` resource (`aws_default_route_table`,
    /// `aws_default_network_acl`) from its `default_*_id` argument.
    ///
    /// Here the AWS provider differs from CloudFormation, which cannot declare these: such a
    /// resource adopts the VPC's default route table, network ACL or security group and
    /// *replaces* its routes or rules with the declared ones. It is therefore lowered as the
    /// VPC's own default object (the identity the analysis gives it, `of(vpc)`), so that the
    /// declared rules stand in place of AWS's defaults rather than beside them; references to it
    /// by address are given the same identity ([`adopted_default`]).
    fn vpc_default(&self, what: &str, of: fn(&Ident) -> Ident) -> (Attr<Ident>, Ident) {
        let key = adopted_default_key(&self.type_name).unwrap_or_default();
        let id = adopted_default(&self.type_name, self.args, &self.span)
            .unwrap_or_else(|| self.id.clone());
        let vpc = match get(self.args, key).map(|v| self.ident(v)) {
            Some(Attr::Known(_)) => match id.split_attribute() {
                Some((vpc, _)) if of(&vpc) == id => Attr::Known(vpc),
                _ => self.unk(format!("the VPC of this default {what} is not in the scan")),
            },
            Some(Attr::Unknown(u)) => Attr::Unknown(u),
            None => self.unk(format!("{key} is not set")),
        };
        (vpc, id)
    }

    fn route(&self, m: &Args, table: Attr<Ident>, dest_keys: [&str; 3]) -> Route {
        let destination = if let Some(v) = get(m, dest_keys[0]) {
            self.net::<Ipv4Net>(v).map(Destination::V4)
        } else if let Some(v) = get(m, dest_keys[1]) {
            self.net::<Ipv6Net>(v).map(Destination::V6)
        } else if let Some(v) = get(m, dest_keys[2]) {
            self.ident(v).map(Destination::PrefixList)
        } else {
            self.unk("route has no destination")
        };
        const TARGETS: &[(&str, TargetKind)] = &[
            ("nat_gateway_id", TargetKind::NatGateway),
            (
                "egress_only_gateway_id",
                TargetKind::EgressOnlyInternetGateway,
            ),
            ("transit_gateway_id", TargetKind::TransitGateway),
            (
                "vpc_peering_connection_id",
                TargetKind::VpcPeeringConnection,
            ),
            ("network_interface_id", TargetKind::NetworkInterface),
            ("vpc_endpoint_id", TargetKind::VpcEndpoint),
            ("carrier_gateway_id", TargetKind::CarrierGateway),
            ("local_gateway_id", TargetKind::LocalGateway),
            ("core_network_arn", TargetKind::CoreNetwork),
            ("instance_id", TargetKind::Instance),
            ("gateway_id", TargetKind::Gateway),
        ];
        let target = TARGETS
            .iter()
            .find_map(|(k, kind)| {
                let v = get(m, k)?;
                if matches!(v, Val::Str(s) if s.is_empty()) {
                    return None;
                }
                Some(match (kind, v) {
                    (TargetKind::Gateway, Val::Str(s)) if s == "local" => {
                        Attr::Known(RouteTarget {
                            kind: TargetKind::Local,
                            id: Attr::unknown(
                                "the VPC of the route table",
                                Some(self.span.clone()),
                            ),
                        })
                    }
                    _ => Attr::Known(RouteTarget {
                        kind: *kind,
                        id: self.ident(v),
                    }),
                })
            })
            .unwrap_or_else(|| self.unk("route has no target"));
        Route {
            route_table: table,
            destination,
            target,
        }
    }
}

/// Lowers the network family.
pub(super) fn lower(c: &Ctx, out: &mut Vec<Resource>, links: &mut Vec<Link>) -> bool {
    routing(c, out, links) || gateways(c, out, links) || filters(c, out, links) || sharing(c, out)
}

/// Resources of one account used by others: AWS RAM shares (the share, its resources and its
/// principals are declared apart: each part is a share naming the one it adds to), and the
/// organization's tree that SCPs apply by.
fn sharing(c: &Ctx, out: &mut Vec<Resource>) -> bool {
    let a = c.args;
    let share = |resources, principals, share| {
        Kind::ResourceShare(ResourceShare {
            resources,
            principals,
            share,
        })
    };
    out.push(c.res(match c.type_name.as_str() {
        "aws_ram_resource_share" => share(Attr::Known(Vec::new()), Attr::Known(Vec::new()), None),
        "aws_ram_resource_association" => share(
            c.req_ident(a, "resource_arn").map(|r| vec![r]),
            Attr::Known(Vec::new()),
            Some(c.req_ident(a, "resource_share_arn")),
        ),
        "aws_ram_principal_association" => share(
            Attr::Known(Vec::new()),
            match get(a, "principal") {
                // As written: whom a share reaches is reported, never decided on.
                Some(v) => Attr::Known(vec![v.to_value().render()]),
                None => c.unk("principal is not set"),
            },
            Some(c.req_ident(a, "resource_share_arn")),
        ),
        "aws_organizations_organization" => {
            Kind::OrganizationalUnit(OrganizationalUnit { parent: None })
        }
        "aws_organizations_organizational_unit" => Kind::OrganizationalUnit(OrganizationalUnit {
            parent: Some(c.req_ident(a, "parent_id")),
        }),
        // Without `parent_id` the account sits in the root.
        "aws_organizations_account" => Kind::Account(Account {
            account_id: None,
            parents: c.idents_or_empty(a, "parent_id"),
        }),
        _ => return false,
    }));
    true
}

/// VPCs, their CIDR blocks, subnets, route tables, routes and their associations.
fn routing(c: &Ctx, out: &mut Vec<Resource>, _links: &mut Vec<Link>) -> bool {
    let a = c.args;
    let t = c.type_name.as_str();
    match t {
        "aws_vpc" => {
            out.push(c.res(Kind::Vpc(Vpc {
                cidr_v4: c.opt_net(a, "cidr_block"),
            })));
            if get(a, "assign_generated_ipv6_cidr_block").and_then(Val::as_bool) != Some(false)
                && get(a, "assign_generated_ipv6_cidr_block").is_some()
            {
                out.push(c.sub(
                    ".ipv6_cidr_block",
                    Kind::VpcCidrBlock(VpcCidrBlock {
                        vpc: Attr::Known(c.id.clone()),
                        cidr: c.opt_net(a, "ipv6_cidr_block"),
                        ipv6: true,
                    }),
                ));
            }
        }
        "aws_vpc_ipv4_cidr_block_association" => {
            out.push(c.res(Kind::VpcCidrBlock(VpcCidrBlock {
                vpc: c.req_ident(a, "vpc_id"),
                cidr: c.opt_net(a, "cidr_block"),
                ipv6: false,
            })))
        }
        "aws_vpc_ipv6_cidr_block_association" => {
            out.push(c.res(Kind::VpcCidrBlock(VpcCidrBlock {
                vpc: c.req_ident(a, "vpc_id"),
                cidr: c.opt_net(a, "ipv6_cidr_block"),
                ipv6: true,
            })))
        }
        "aws_subnet" => out.push(c.res(Kind::Subnet(Subnet {
            vpc: c.req_ident(a, "vpc_id"),
            cidr_v4: c.opt_net(a, "cidr_block"),
            cidr_v6: c.opt_net(a, "ipv6_cidr_block"),
            map_public_ip_on_launch: c.opt_bool(a, "map_public_ip_on_launch"),
        }))),
        "aws_route_table" | "aws_default_route_table" => {
            let main = t == "aws_default_route_table";
            let (vpc, table_id) = if main {
                c.vpc_default("route table", Ident::main_route_table_of)
            } else {
                (c.req_ident(a, "vpc_id"), c.id.clone())
            };
            let mut rt = c.res(Kind::RouteTable(RouteTable { vpc, main }));
            rt.id = table_id.clone();
            out.push(rt);
            for (i, r) in c.blocks(a, "route").into_iter().enumerate() {
                let route = match r {
                    Val::Map(m) => c.route(
                        m,
                        Attr::Known(table_id.clone()),
                        [
                            "cidr_block",
                            "ipv6_cidr_block",
                            "destination_prefix_list_id",
                        ],
                    ),
                    other => {
                        let u = other.first_unknown().cloned().unwrap_or_else(|| {
                            Unknown::new("route is not a block", Some(c.span.clone()))
                        });
                        Route {
                            route_table: Attr::Known(table_id.clone()),
                            destination: Attr::Unknown(u.clone()),
                            target: Attr::Unknown(u),
                        }
                    }
                };
                out.push(c.sub(&format!(".route[{i}]"), Kind::Route(route)));
            }
            if let Some(vgws) = get(a, "propagating_vgws") {
                if let Val::List(items) = vgws {
                    for (i, v) in items.iter().enumerate() {
                        out.push(c.sub(
                            &format!(".propagating_vgws[{i}]"),
                            Kind::VpnGatewayRoutePropagation(VpnGatewayRoutePropagation {
                                vpn_gateway: c.ident(v),
                                route_tables: Attr::Known(vec![table_id.clone()]),
                            }),
                        ));
                    }
                } else {
                    out.push(c.sub(
                        ".propagating_vgws",
                        Kind::VpnGatewayRoutePropagation(VpnGatewayRoutePropagation {
                            vpn_gateway: c.ident(vgws),
                            route_tables: Attr::Known(vec![table_id.clone()]),
                        }),
                    ));
                }
            }
        }
        "aws_route" => out.push(c.res(Kind::Route(c.route(
            a,
            c.req_ident(a, "route_table_id"),
            [
                "destination_cidr_block",
                "destination_ipv6_cidr_block",
                "destination_prefix_list_id",
            ],
        )))),
        "aws_route_table_association" => {
            if get(a, "subnet_id").is_some() || get(a, "gateway_id").is_none() {
                out.push(c.res(Kind::SubnetRouteTableAssociation(
                    SubnetRouteTableAssociation {
                        subnet: c.req_ident(a, "subnet_id"),
                        route_table: c.req_ident(a, "route_table_id"),
                    },
                )));
            } else {
                out.push(c.res(Kind::Other(Other::default())));
            }
        }
        "aws_main_route_table_association" => out.push(c.res(Kind::MainRouteTableAssociation(
            MainRouteTableAssociation {
                vpc: c.req_ident(a, "vpc_id"),
                route_table: c.req_ident(a, "route_table_id"),
            },
        ))),
        _ => return false,
    }
    true
}

/// The attachments of a transit gateway, by what they connect it to. A VPN connection or a
/// Direct Connect gateway association to a transit gateway creates an attachment (its
/// `transit_gateway_attachment_id`); one to a virtual private gateway is not one, and is left
/// to the other arms (`false`).
fn tgw_attachment(c: &Ctx, out: &mut Vec<Resource>) -> bool {
    let a = c.args;
    let mut att = match c.type_name.as_str() {
        "aws_ec2_transit_gateway_vpc_attachment" => TransitGatewayAttachment {
            vpc: c.req_ident(a, "vpc_id"),
            subnets: c.idents_or_empty(a, "subnet_ids"),
            ..TransitGatewayAttachment::other(
                TgwAttachmentKind::Vpc,
                c.req_ident(a, "transit_gateway_id"),
                None,
            )
        },
        // Another account's attachment, accepted in this one: its gateway, VPC and subnets are
        // the requester's, read by AWS when it is accepted (only a plan's or a state's values
        // hold them).
        "aws_ec2_transit_gateway_vpc_attachment_accepter" => TransitGatewayAttachment {
            vpc: accepted(c, "vpc_id"),
            subnets: c
                .opt_idents(a, "subnet_ids")
                .unwrap_or_else(|| c.unk(format!("subnet_ids {ACCEPTED}"))),
            ..TransitGatewayAttachment::other(
                TgwAttachmentKind::Vpc,
                accepted(c, "transit_gateway_id"),
                None,
            )
        },
        "aws_ec2_transit_gateway_peering_attachment" => TransitGatewayAttachment::other(
            TgwAttachmentKind::Peering,
            c.req_ident(a, "transit_gateway_id"),
            Some(c.req_ident(a, "peer_transit_gateway_id")),
        ),
        "aws_ec2_transit_gateway_peering_attachment_accepter" => TransitGatewayAttachment::other(
            TgwAttachmentKind::Peering,
            accepted(c, "transit_gateway_id"),
            Some(accepted(c, "peer_transit_gateway_id")),
        ),
        "aws_ec2_transit_gateway_connect" => TransitGatewayAttachment::other(
            TgwAttachmentKind::Connect,
            c.req_ident(a, "transit_gateway_id"),
            Some(c.req_ident(a, "transport_attachment_id")),
        ),
        "aws_vpn_connection" => match c.opt_ident(a, "transit_gateway_id") {
            Some(tgw) => TransitGatewayAttachment::other(
                TgwAttachmentKind::Vpn,
                tgw,
                Some(Attr::Known(c.id.clone())),
            ),
            None => return false,
        },
        // `associated_gateway_id` names a transit gateway or a virtual private gateway.
        _ => match c.opt_ident(a, "associated_gateway_id") {
            Some(Attr::Known(gw)) if names_transit_gateway(&gw) => TransitGatewayAttachment::other(
                TgwAttachmentKind::DirectConnectGateway,
                Attr::Known(gw),
                Some(c.req_ident(a, "dx_gateway_id")),
            ),
            _ => return false,
        },
    };
    att.default_association = c.opt_bool(a, "transit_gateway_default_route_table_association");
    att.default_propagation = c.opt_bool(a, "transit_gateway_default_route_table_propagation");
    out.push(c.res(Kind::TransitGatewayAttachment(att)));
    true
}

/// What an accepter says of the connection or attachment it accepts, once AWS has read it.
const ACCEPTED: &str = "of what is accepted here is known only once it is accepted";

/// An attribute of what an accepter accepts: known in a plan's or a state's values, else an
/// unknown at the accepter (never taken as this account's).
fn accepted(c: &Ctx, key: &str) -> Attr<Ident> {
    c.opt_ident(c.args, key)
        .unwrap_or_else(|| c.unk(format!("{key} {ACCEPTED}")))
}

/// Whether an identifier names a transit gateway: a resource of that type, or a literal ID.
fn names_transit_gateway(id: &Ident) -> bool {
    let s = id.as_str();
    s.starts_with("tgw-") || s.contains("aws_ec2_transit_gateway.")
}

/// Gateways and their attachments, NAT, transit gateways, peering.
fn gateways(c: &Ctx, out: &mut Vec<Resource>, _links: &mut Vec<Link>) -> bool {
    let a = c.args;
    let t = c.type_name.as_str();
    match t {
        "aws_internet_gateway" | "aws_vpn_gateway" => {
            let vpc = c.opt_ident(a, "vpc_id");
            let gw = Gateway { vpc: vpc.clone() };
            out.push(c.res(if t == "aws_internet_gateway" {
                Kind::InternetGateway(gw)
            } else {
                Kind::VpnGateway(gw)
            }));
            if let Some(vpc) = vpc {
                out.push(c.sub(
                    ".attachment",
                    Kind::GatewayAttachment(GatewayAttachment {
                        vpc,
                        gateway: Attr::Known(c.id.clone()),
                    }),
                ));
            }
        }
        "aws_internet_gateway_attachment" => {
            out.push(c.res(Kind::GatewayAttachment(GatewayAttachment {
                vpc: c.req_ident(a, "vpc_id"),
                gateway: c.req_ident(a, "internet_gateway_id"),
            })))
        }
        "aws_vpn_gateway_attachment" => {
            out.push(c.res(Kind::GatewayAttachment(GatewayAttachment {
                vpc: c.req_ident(a, "vpc_id"),
                gateway: c.req_ident(a, "vpn_gateway_id"),
            })))
        }
        "aws_egress_only_internet_gateway" => {
            out.push(c.res(Kind::EgressOnlyInternetGateway(Gateway {
                vpc: c.opt_ident(a, "vpc_id"),
            })))
        }
        "aws_ec2_carrier_gateway" => out.push(c.res(Kind::CarrierGateway(Gateway {
            vpc: c.opt_ident(a, "vpc_id"),
        }))),
        "aws_vpn_gateway_route_propagation" => out.push(c.res(Kind::VpnGatewayRoutePropagation(
            VpnGatewayRoutePropagation {
                vpn_gateway: c.req_ident(a, "vpn_gateway_id"),
                route_tables: c.req_ident(a, "route_table_id").map(|r| vec![r]),
            },
        ))),
        "aws_nat_gateway" => out.push(c.res(Kind::NatGateway(NatGateway {
            subnet: c.req_ident(a, "subnet_id"),
            connectivity: c.opt_string(a, "connectivity_type"),
        }))),
        "aws_eip" => out.push(
            c.res(Kind::ElasticIp(ElasticIp {
                attached_to: c
                    .opt_ident(a, "instance")
                    .or_else(|| c.opt_ident(a, "network_interface")),
            })),
        ),
        "aws_eip_association" => out.push(
            c.res(Kind::ElasticIp(ElasticIp {
                attached_to: Some(
                    c.opt_ident(a, "instance_id")
                        .or_else(|| c.opt_ident(a, "network_interface_id"))
                        .unwrap_or_else(|| c.unk("association names no instance or interface")),
                ),
            })),
        ),
        "aws_ec2_transit_gateway" => out.push(c.res(Kind::TransitGateway(TransitGateway {
            default_route_table_association: c.opt_string(a, "default_route_table_association"),
            default_route_table_propagation: c.opt_string(a, "default_route_table_propagation"),
            // Computed by AWS: the table it creates, unless a default is set by the
            // `aws_ec2_transit_gateway_default_route_table_*` resources.
            association_default_route_table: None,
            propagation_default_route_table: None,
        }))),
        "aws_ec2_transit_gateway_vpc_attachment"
        | "aws_ec2_transit_gateway_vpc_attachment_accepter"
        | "aws_ec2_transit_gateway_peering_attachment"
        | "aws_ec2_transit_gateway_peering_attachment_accepter"
        | "aws_ec2_transit_gateway_connect"
        | "aws_vpn_connection"
        | "aws_dx_gateway_association" => return tgw_attachment(c, out),
        "aws_ec2_transit_gateway_route_table" => out.push(c.res(Kind::TransitGatewayRouteTable(
            TransitGatewayRouteTable {
                transit_gateway: c.req_ident(a, "transit_gateway_id"),
            },
        ))),
        "aws_ec2_transit_gateway_route" => {
            let blackhole = c.opt_bool(a, "blackhole");
            out.push(c.res(Kind::TransitGatewayRoute(TransitGatewayRoute {
                route_table: c.req_ident(a, "transit_gateway_route_table_id"),
                destination: match get(a, "destination_cidr_block") {
                    Some(v) => match c.net::<IpNet>(v) {
                        Attr::Known(IpNet::V4(n)) => Attr::Known(Destination::V4(n)),
                        Attr::Known(IpNet::V6(n)) => Attr::Known(Destination::V6(n)),
                        Attr::Unknown(u) => Attr::Unknown(u),
                    },
                    None => c.unk("destination_cidr_block is not set"),
                },
                attachment: match blackhole {
                    Some(Attr::Known(true)) => None,
                    // A blackhole only maybe: where the route leads is not known.
                    Some(Attr::Unknown(u)) => Some(Attr::Unknown(u)),
                    _ => Some(c.req_ident(a, "transit_gateway_attachment_id")),
                },
            })));
        }
        "aws_ec2_transit_gateway_route_table_propagation" => out.push(c.res(
            Kind::TransitGatewayRouteTablePropagation(TransitGatewayRouteTablePropagation {
                route_table: c.req_ident(a, "transit_gateway_route_table_id"),
                attachment: c.req_ident(a, "transit_gateway_attachment_id"),
            }),
        )),
        "aws_ec2_transit_gateway_route_table_association" => out.push(c.res(
            Kind::TransitGatewayRouteTableAssociation(TransitGatewayRouteTableAssociation {
                route_table: c.req_ident(a, "transit_gateway_route_table_id"),
                attachment: c.req_ident(a, "transit_gateway_attachment_id"),
            }),
        )),
        "aws_vpc_peering_connection" => out.push(
            c.res(Kind::VpcPeeringConnection(VpcPeeringConnection {
                vpc: c.req_ident(a, "vpc_id"),
                peer_vpc: c.req_ident(a, "peer_vpc_id"),
                peer_owner: get(a, "peer_owner_id")
                    .map(|v| egressproof_aws::peering::owner(&v.to_value(), &c.span)),
            })),
        ),
        // The accepter's side of a connection another configuration (often another account)
        // requested: a route through it reaches the requester's VPC, which AWS names when the
        // connection is accepted (`peer_vpc_id`, `peer_owner_id` in a plan's or a state's
        // values). Until then the peer VPC is outside the scan and its account unknown.
        "aws_vpc_peering_connection_accepter" => {
            out.push(c.res(Kind::VpcPeeringConnection(VpcPeeringConnection {
                vpc: accepted(c, "vpc_id"),
                peer_vpc: accepted(c, "peer_vpc_id"),
                peer_owner: Some(match get(a, "peer_owner_id") {
                    Some(v) => egressproof_aws::peering::owner(&v.to_value(), &c.span),
                    None => c.unk(format!("peer_owner_id {ACCEPTED}")),
                }),
            })))
        }
        _ => return false,
    }
    true
}

/// Security groups and their rules, network ACLs and their entries.
fn filters(c: &Ctx, out: &mut Vec<Resource>, _links: &mut Vec<Link>) -> bool {
    let a = c.args;
    let t = c.type_name.as_str();
    match t {
        "aws_security_group" | "aws_default_security_group" => out.push(security_group(c)),
        "aws_security_group_rule" => {
            let group = c.req_ident(a, "security_group_id");
            let egress = match get(a, "type").map(|v| c.string(v)) {
                Some(Attr::Known(s)) => s == "egress",
                // Unknown direction: an egress rule is the one that can open a channel.
                _ => true,
            };
            let rules = c.sg_rules(&Val::Map(a.clone()), group.known());
            let n = rules.len();
            for (i, rule) in rules.into_iter().enumerate() {
                let kind = Kind::SecurityGroupRule(SecurityGroupRule {
                    group: group.clone(),
                    egress,
                    rule,
                });
                out.push(if n == 1 {
                    c.res(kind)
                } else {
                    c.sub(&format!(".peer[{i}]"), kind)
                });
            }
        }
        "aws_vpc_security_group_egress_rule" | "aws_vpc_security_group_ingress_rule" => {
            out.push(c.res(Kind::SecurityGroupRule(SecurityGroupRule {
                group: c.req_ident(a, "security_group_id"),
                egress: t.ends_with("egress_rule"),
                rule: c.vpc_sg_rule(a),
            })))
        }
        "aws_network_acl" | "aws_default_network_acl" => {
            let default = t == "aws_default_network_acl";
            let (vpc, id) = if default {
                c.vpc_default("network ACL", Ident::default_network_acl_of)
            } else {
                (c.req_ident(a, "vpc_id"), c.id.clone())
            };
            let mut r = c.res(Kind::NetworkAcl(NetworkAcl { vpc, default }));
            r.id = id.clone();
            out.push(r);
            let acl = Attr::Known(id);
            for (dir, egress) in [("ingress", false), ("egress", true)] {
                for (i, b) in c.blocks(a, dir).into_iter().enumerate() {
                    out.push(c.sub(
                        &format!(".{dir}[{i}]"),
                        Kind::NetworkAclEntry(c.acl_entry(&acl, b, egress, "rule_no", "action")),
                    ));
                }
            }
            match c.opt_idents(a, "subnet_ids") {
                Some(Attr::Known(subnets)) => {
                    for (i, s) in subnets.into_iter().enumerate() {
                        out.push(c.sub(
                            &format!(".subnet_ids[{i}]"),
                            Kind::SubnetNetworkAclAssociation(SubnetNetworkAclAssociation {
                                subnet: Attr::Known(s),
                                network_acl: acl.clone(),
                            }),
                        ));
                    }
                }
                Some(Attr::Unknown(u)) => out.push(c.sub(
                    ".subnet_ids",
                    Kind::SubnetNetworkAclAssociation(SubnetNetworkAclAssociation {
                        subnet: Attr::Unknown(u),
                        network_acl: acl.clone(),
                    }),
                )),
                None => {}
            }
        }
        "aws_network_acl_rule" => {
            let acl = c.req_ident(a, "network_acl_id");
            let egress = get(a, "egress").and_then(Val::as_bool).unwrap_or(false);
            out.push(c.res(Kind::NetworkAclEntry(c.acl_entry(
                &acl,
                &Val::Map(a.clone()),
                egress,
                "rule_number",
                "rule_action",
            ))));
        }
        "aws_network_acl_association" => out.push(c.res(Kind::SubnetNetworkAclAssociation(
            SubnetNetworkAclAssociation {
                subnet: c.req_ident(a, "subnet_id"),
                network_acl: c.req_ident(a, "network_acl_id"),
            },
        ))),
        _ => return false,
    }
    true
}

/// A security group with exactly the rules declared in its `egress` and `ingress` blocks.
///
/// Here the AWS provider differs from CloudFormation: the provider removes the egress rule AWS
/// adds to a new group, so a group without `egress` blocks has no egress (CloudFormation keeps
/// AWS's allow-all). `aws_default_security_group` takes over the VPC's default group and
/// replaces its rules; it is lowered as that group (see [`Ctx::vpc_default`]).
fn security_group(c: &Ctx) -> Resource {
    let a = c.args;
    let vpc = c.opt_ident(a, "vpc_id");
    let id = adopted_default(&c.type_name, a, &c.span).unwrap_or_else(|| c.id.clone());
    let egress = c
        .blocks(a, "egress")
        .into_iter()
        .flat_map(|b| c.sg_rules(b, Some(&id)))
        .collect();
    let ingress = c
        .blocks(a, "ingress")
        .into_iter()
        .flat_map(|b| c.sg_rules(b, Some(&id)))
        .collect();
    let mut r = c.res(Kind::SecurityGroup(SecurityGroup {
        vpc,
        egress,
        ingress,
    }));
    r.id = id;
    r
}

/// The argument of an `aws_default_*` resource that names the VPC default object it adopts.
pub(crate) fn adopted_default_key(type_name: &str) -> Option<&'static str> {
    match type_name {
        "aws_default_security_group" => Some("vpc_id"),
        "aws_default_route_table" => Some("default_route_table_id"),
        "aws_default_network_acl" => Some("default_network_acl_id"),
        _ => None,
    }
}

/// The identity an `aws_default_*` resource is lowered under, from its arguments (only
/// [`adopted_default_key`] is read): the VPC's default security group, main route table or
/// default network ACL, or the physical ID written. `None` when it keeps its address (its VPC is
/// the default VPC, or unresolved).
///
/// The one decision shared by the lowering and by whatever resolves a reference to such a
/// resource by its address (`aws_default_security_group.d.id`, in HCL or in a plan): both must
/// name the same object, or the rules and routes attached by address are attached to nothing.
pub(crate) fn adopted_default(type_name: &str, args: &Args, span: &Span) -> Option<Ident> {
    let key = adopted_default_key(type_name)?;
    match super::ident_of(get(args, key)?, span) {
        Attr::Known(v) if type_name == "aws_default_security_group" => {
            Some(Ident::default_security_group_of(&v))
        }
        Attr::Known(id) => Some(id),
        Attr::Unknown(_) => None,
    }
}
