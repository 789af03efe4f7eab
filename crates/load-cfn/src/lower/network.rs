//! Network: VPCs, subnets, route tables and routes, gateways, NAT, transit gateways, peering,
//! security groups and their rules, network ACLs.

use super::*;

fn sg_rule(cx: &Cx<'_>, r: &Value, egress: bool) -> SgRule {
    if let Value::Unknown(u) = r {
        return unknown_rule(u.clone());
    }
    let protocol = get(r, "IpProtocol")
        .map(|v| egressproof_aws::protocol::read(string(cx, v), cx.span))
        .unwrap_or_else(|| cx.unknown("IpProtocol is missing"));
    let (from_port, to_port) = egressproof_aws::protocol::ports(
        &protocol,
        opt_int(cx, r, "FromPort"),
        opt_int(cx, r, "ToPort"),
    );
    let peer_keys: &[(&str, u8)] = if egress {
        &[
            ("CidrIp", 0),
            ("CidrIpv6", 0),
            ("DestinationSecurityGroupId", 1),
            ("DestinationPrefixListId", 2),
        ]
    } else {
        &[
            ("CidrIp", 0),
            ("CidrIpv6", 0),
            ("SourceSecurityGroupId", 1),
            ("SourcePrefixListId", 2),
            ("SourceSecurityGroupName", 1),
        ]
    };
    let peer = peer_keys
        .iter()
        .find_map(|(k, t)| get(r, k).map(|v| (v, *t)))
        .map(|(v, t)| match t {
            0 => parsed::<IpNet>(cx, v, "a CIDR").map(Peer::Cidr),
            1 => ident(cx, v).map(Peer::SecurityGroup),
            _ => ident(cx, v).map(Peer::PrefixList),
        })
        .unwrap_or_else(|| cx.unknown("security group rule has no peer"));
    SgRule {
        protocol,
        from_port,
        to_port,
        peer,
    }
}

fn unknown_rule(u: Unknown) -> SgRule {
    SgRule {
        protocol: Attr::Unknown(u.clone()),
        from_port: None,
        to_port: None,
        peer: Attr::Unknown(u),
    }
}

fn allow_all(net: &str) -> SgRule {
    SgRule {
        protocol: Attr::Known(Protocol::All),
        from_port: None,
        to_port: None,
        peer: match net.parse::<IpNet>() {
            Ok(n) => Attr::Known(Peer::Cidr(n)),
            Err(_) => Attr::unknown("internal: bad default CIDR", None),
        },
    }
}

fn sg_rules(cx: &Cx<'_>, v: Option<&Value>, egress: bool) -> Option<Vec<SgRule>> {
    Some(match v? {
        Value::List(items) => items.iter().map(|r| sg_rule(cx, r, egress)).collect(),
        Value::Unknown(u) => vec![unknown_rule(u.clone())],
        other => vec![unknown_rule(Unknown::new(
            format!("security group rules are not a list: {}", other.render()),
            Some(cx.span.clone()),
        ))],
    })
}

fn route(cx: &Cx<'_>, props: &Value) -> Route {
    let destination = if let Some(v) = get(props, "DestinationCidrBlock") {
        parsed::<Ipv4Net>(cx, v, "an IPv4 CIDR").map(Destination::V4)
    } else if let Some(v) = get(props, "DestinationIpv6CidrBlock") {
        parsed::<Ipv6Net>(cx, v, "an IPv6 CIDR").map(Destination::V6)
    } else if let Some(v) = get(props, "DestinationPrefixListId") {
        ident(cx, v).map(Destination::PrefixList)
    } else {
        cx.unknown("route has no destination")
    };
    const TARGETS: &[(&str, TargetKind)] = &[
        ("GatewayId", TargetKind::Gateway),
        (
            "EgressOnlyInternetGatewayId",
            TargetKind::EgressOnlyInternetGateway,
        ),
        ("NatGatewayId", TargetKind::NatGateway),
        ("InstanceId", TargetKind::Instance),
        ("NetworkInterfaceId", TargetKind::NetworkInterface),
        ("TransitGatewayId", TargetKind::TransitGateway),
        ("VpcPeeringConnectionId", TargetKind::VpcPeeringConnection),
        ("CarrierGatewayId", TargetKind::CarrierGateway),
        ("LocalGatewayId", TargetKind::LocalGateway),
        ("CoreNetworkArn", TargetKind::CoreNetwork),
        ("VpcEndpointId", TargetKind::VpcEndpoint),
    ];
    let target = TARGETS
        .iter()
        .find_map(|(k, kind)| {
            get(props, k).map(|v| {
                Attr::Known(RouteTarget {
                    kind: *kind,
                    id: ident(cx, v),
                })
            })
        })
        .unwrap_or_else(|| cx.unknown("route has no target"));
    Route {
        route_table: req_ident(cx, props, "RouteTableId"),
        destination,
        target,
    }
}

fn gateway(cx: &Cx<'_>, props: &Value) -> Gateway {
    Gateway {
        vpc: opt_ident(cx, props, "VpcId"),
    }
}

/// The resource an ARN names: `!Sub arn:...:subnet/${Subnet}` is the subnet of the scan, a
/// literal ARN is kept whole (a live resource is matched by its ID after the last `/`).
fn arn_ident(cx: &Cx<'_>, v: &Value) -> Attr<Ident> {
    if let Value::Text(parts) = v {
        if let [.., Part::Lit(before), Part::Sym(sym)] = parts.as_slice() {
            if before.ends_with('/') {
                return ident(cx, &Value::symbol(sym.clone()));
            }
        }
    }
    ident(cx, v)
}

/// Every item known, or the first unknown.
fn all<T>(items: impl Iterator<Item = Attr<T>>) -> Attr<Vec<T>> {
    let mut out = Vec::new();
    for i in items {
        match i {
            Attr::Known(v) => out.push(v),
            Attr::Unknown(u) => return Attr::Unknown(u),
        }
    }
    Attr::Known(out)
}

/// Lowers the network family.
pub(super) fn lower(cx: &Cx<'_>, p: &Value, _extra: &mut Vec<Resource>) -> Option<Kind> {
    Some(match cx.type_name {
        "AWS::EC2::VPC" => Kind::Vpc(Vpc {
            cidr_v4: opt_v4(cx, p, "CidrBlock"),
        }),
        "AWS::EC2::VPCCidrBlock" => {
            let amazon = get(p, "AmazonProvidedIpv6CidrBlock").is_some();
            let v6 = get(p, "Ipv6CidrBlock").is_some()
                || amazon
                || get(p, "Ipv6IpamPoolId").is_some()
                || get(p, "Ipv6Pool").is_some();
            let cidr = if let Some(v) = get(p, "CidrBlock") {
                Some(parsed::<IpNet>(cx, v, "a CIDR"))
            } else if let Some(v) = get(p, "Ipv6CidrBlock") {
                Some(parsed::<IpNet>(cx, v, "an IPv6 CIDR"))
            } else if v6 {
                None
            } else {
                Some(cx.unknown("CIDR block allocated from IPAM, known only at deploy time"))
            };
            Kind::VpcCidrBlock(VpcCidrBlock {
                vpc: req_ident(cx, p, "VpcId"),
                cidr,
                ipv6: v6,
            })
        }
        "AWS::EC2::Subnet" => Kind::Subnet(Subnet {
            vpc: req_ident(cx, p, "VpcId"),
            cidr_v4: opt_v4(cx, p, "CidrBlock"),
            cidr_v6: opt_v6(cx, p, "Ipv6CidrBlock"),
            map_public_ip_on_launch: opt_bool(cx, p, "MapPublicIpOnLaunch"),
        }),
        "AWS::EC2::RouteTable" => Kind::RouteTable(RouteTable {
            vpc: req_ident(cx, p, "VpcId"),
            main: false,
        }),
        "AWS::EC2::Route" => Kind::Route(route(cx, p)),
        "AWS::EC2::SubnetRouteTableAssociation" => {
            Kind::SubnetRouteTableAssociation(SubnetRouteTableAssociation {
                subnet: req_ident(cx, p, "SubnetId"),
                route_table: req_ident(cx, p, "RouteTableId"),
            })
        }
        "AWS::EC2::InternetGateway" => Kind::InternetGateway(Gateway { vpc: None }),
        "AWS::EC2::EgressOnlyInternetGateway" => Kind::EgressOnlyInternetGateway(gateway(cx, p)),
        "AWS::EC2::VPNGateway" => Kind::VpnGateway(Gateway { vpc: None }),
        "AWS::EC2::CarrierGateway" => Kind::CarrierGateway(gateway(cx, p)),
        "AWS::EC2::VPCGatewayAttachment" => Kind::GatewayAttachment(GatewayAttachment {
            vpc: req_ident(cx, p, "VpcId"),
            gateway: opt_ident(cx, p, "InternetGatewayId")
                .or_else(|| opt_ident(cx, p, "VpnGatewayId"))
                .unwrap_or_else(|| cx.unknown("attachment names no gateway")),
        }),
        "AWS::EC2::VPNGatewayRoutePropagation" => {
            Kind::VpnGatewayRoutePropagation(VpnGatewayRoutePropagation {
                vpn_gateway: req_ident(cx, p, "VpnGatewayId"),
                route_tables: list_idents(cx, p, "RouteTableIds"),
            })
        }
        "AWS::EC2::NatGateway" => Kind::NatGateway(NatGateway {
            subnet: req_ident(cx, p, "SubnetId"),
            connectivity: opt_string(cx, p, "ConnectivityType"),
        }),
        "AWS::EC2::EIP" => Kind::ElasticIp(ElasticIp {
            attached_to: opt_ident(cx, p, "InstanceId"),
        }),
        "AWS::EC2::EIPAssociation" => Kind::ElasticIp(ElasticIp {
            attached_to: Some(
                opt_ident(cx, p, "InstanceId")
                    .or_else(|| opt_ident(cx, p, "NetworkInterfaceId"))
                    .unwrap_or_else(|| cx.unknown("association names no instance or interface")),
            ),
        }),
        "AWS::EC2::TransitGateway" => Kind::TransitGateway(TransitGateway {
            default_route_table_association: opt_string(cx, p, "DefaultRouteTableAssociation"),
            default_route_table_propagation: opt_string(cx, p, "DefaultRouteTablePropagation"),
            association_default_route_table: opt_ident(cx, p, "AssociationDefaultRouteTableId"),
            propagation_default_route_table: opt_ident(cx, p, "PropagationDefaultRouteTableId"),
        }),
        "AWS::EC2::TransitGatewayAttachment" | "AWS::EC2::TransitGatewayVpcAttachment" => {
            Kind::TransitGatewayAttachment(TransitGatewayAttachment {
                vpc: req_ident(cx, p, "VpcId"),
                subnets: list_idents(cx, p, "SubnetIds"),
                ..TransitGatewayAttachment::other(
                    TgwAttachmentKind::Vpc,
                    req_ident(cx, p, "TransitGatewayId"),
                    None,
                )
            })
        }
        "AWS::EC2::TransitGatewayPeeringAttachment" => {
            Kind::TransitGatewayAttachment(TransitGatewayAttachment::other(
                TgwAttachmentKind::Peering,
                req_ident(cx, p, "TransitGatewayId"),
                Some(req_ident(cx, p, "PeerTransitGatewayId")),
            ))
        }
        // A Connect attachment names no gateway: it is its transport attachment's.
        "AWS::EC2::TransitGatewayConnect" => {
            let transport = req_ident(cx, p, "TransportTransitGatewayAttachmentId");
            Kind::TransitGatewayAttachment(TransitGatewayAttachment::other(
                TgwAttachmentKind::Connect,
                cx.unknown("the transit gateway of the transport attachment"),
                Some(transport),
            ))
        }
        // A VPN connection to a transit gateway is an attachment of it; one to a virtual
        // private gateway is not (left to `Other`).
        "AWS::EC2::VPNConnection" if get(p, "TransitGatewayId").is_some() => {
            Kind::TransitGatewayAttachment(TransitGatewayAttachment::other(
                TgwAttachmentKind::Vpn,
                req_ident(cx, p, "TransitGatewayId"),
                Some(Attr::Known(cx.id.clone())),
            ))
        }
        "AWS::EC2::TransitGatewayRouteTablePropagation" => {
            Kind::TransitGatewayRouteTablePropagation(TransitGatewayRouteTablePropagation {
                route_table: req_ident(cx, p, "TransitGatewayRouteTableId"),
                attachment: req_ident(cx, p, "TransitGatewayAttachmentId"),
            })
        }
        "AWS::RAM::ResourceShare" => Kind::ResourceShare(ResourceShare {
            resources: match get(p, "ResourceArns") {
                Some(Value::List(items)) => all(items.iter().map(|v| arn_ident(cx, v))),
                Some(Value::Unknown(u)) => Attr::Unknown(u.clone()),
                Some(v) => cx.unknown(format!("ResourceArns is not a list: {}", v.render())),
                None => Attr::Known(Vec::new()),
            },
            principals: match get(p, "Principals") {
                // As written: whom a share reaches is reported, never decided on.
                Some(Value::List(items)) => Attr::Known(items.iter().map(Value::render).collect()),
                Some(Value::Unknown(u)) => Attr::Unknown(u.clone()),
                Some(v) => cx.unknown(format!("Principals is not a list: {}", v.render())),
                None => Attr::Known(Vec::new()),
            },
            share: None,
        }),
        "AWS::Organizations::Organization" => {
            Kind::OrganizationalUnit(OrganizationalUnit { parent: None })
        }
        "AWS::Organizations::OrganizationalUnit" => Kind::OrganizationalUnit(OrganizationalUnit {
            parent: Some(req_ident(cx, p, "ParentId")),
        }),
        // Without `ParentIds` the account sits in the root.
        "AWS::Organizations::Account" => Kind::Account(Account {
            account_id: None,
            parents: list_idents(cx, p, "ParentIds"),
        }),
        "AWS::EC2::TransitGatewayRouteTable" => {
            Kind::TransitGatewayRouteTable(TransitGatewayRouteTable {
                transit_gateway: req_ident(cx, p, "TransitGatewayId"),
            })
        }
        "AWS::EC2::TransitGatewayRoute" => {
            let blackhole = get(p, "Blackhole").map(|v| boolean(cx, v));
            Kind::TransitGatewayRoute(TransitGatewayRoute {
                route_table: req_ident(cx, p, "TransitGatewayRouteTableId"),
                destination: get(p, "DestinationCidrBlock")
                    .map(|v| match parsed::<IpNet>(cx, v, "a CIDR") {
                        Attr::Known(IpNet::V4(n)) => Attr::Known(Destination::V4(n)),
                        Attr::Known(IpNet::V6(n)) => Attr::Known(Destination::V6(n)),
                        Attr::Unknown(u) => Attr::Unknown(u),
                    })
                    .unwrap_or_else(|| cx.unknown("route has no destination")),
                attachment: match blackhole {
                    Some(Attr::Known(true)) => None,
                    Some(Attr::Unknown(u)) => Some(Attr::Unknown(u)),
                    _ => Some(req_ident(cx, p, "TransitGatewayAttachmentId")),
                },
            })
        }
        "AWS::EC2::TransitGatewayRouteTableAssociation" => {
            Kind::TransitGatewayRouteTableAssociation(TransitGatewayRouteTableAssociation {
                route_table: req_ident(cx, p, "TransitGatewayRouteTableId"),
                attachment: req_ident(cx, p, "TransitGatewayAttachmentId"),
            })
        }
        "AWS::EC2::VPCPeeringConnection" => Kind::VpcPeeringConnection(VpcPeeringConnection {
            vpc: req_ident(cx, p, "VpcId"),
            peer_vpc: req_ident(cx, p, "PeerVpcId"),
            peer_owner: get(p, "PeerOwnerId").map(|v| egressproof_aws::peering::owner(v, cx.span)),
        }),
        "AWS::EC2::SecurityGroup" => {
            // CloudFormation: without inline egress rules the group keeps AWS's default
            // allow-all egress rule (IPv4; IPv6 added conservatively).
            let egress = match sg_rules(cx, get(p, "SecurityGroupEgress"), true) {
                Some(rules) if !rules.is_empty() => rules,
                _ => vec![allow_all("0.0.0.0/0"), allow_all("::/0")],
            };
            Kind::SecurityGroup(SecurityGroup {
                vpc: opt_ident(cx, p, "VpcId"),
                egress,
                ingress: sg_rules(cx, get(p, "SecurityGroupIngress"), false).unwrap_or_default(),
            })
        }
        "AWS::EC2::SecurityGroupEgress" | "AWS::EC2::SecurityGroupIngress" => {
            let egress = cx.type_name == "AWS::EC2::SecurityGroupEgress";
            Kind::SecurityGroupRule(SecurityGroupRule {
                group: opt_ident(cx, p, "GroupId")
                    .or_else(|| opt_ident(cx, p, "GroupName"))
                    .unwrap_or_else(|| cx.unknown("GroupId is missing")),
                egress,
                rule: sg_rule(cx, p, egress),
            })
        }
        "AWS::EC2::NetworkAcl" => Kind::NetworkAcl(NetworkAcl {
            vpc: req_ident(cx, p, "VpcId"),
            default: false,
        }),
        "AWS::EC2::NetworkAclEntry" => network_acl_entry(cx, p),
        "AWS::EC2::SubnetNetworkAclAssociation" => {
            Kind::SubnetNetworkAclAssociation(SubnetNetworkAclAssociation {
                subnet: req_ident(cx, p, "SubnetId"),
                network_acl: req_ident(cx, p, "NetworkAclId"),
            })
        }
        _ => return None,
    })
}

/// `AWS::EC2::NetworkAclEntry`; the protocol and its ports read by the aws layer.
fn network_acl_entry(cx: &Cx<'_>, p: &Value) -> Kind {
    let protocol = get(p, "Protocol")
        .map(|v| egressproof_aws::protocol::read(string(cx, v), cx.span))
        .unwrap_or_else(|| cx.unknown("Protocol is missing"));
    let (from_port, to_port) = egressproof_aws::protocol::ports(
        &protocol,
        path(p, &["PortRange", "From"]).map(|v| int(cx, v)),
        path(p, &["PortRange", "To"]).map(|v| int(cx, v)),
    );
    Kind::NetworkAclEntry(NetworkAclEntry {
        network_acl: req_ident(cx, p, "NetworkAclId"),
        rule_number: get(p, "RuleNumber")
            .map(|v| int(cx, v))
            .unwrap_or_else(|| cx.unknown("RuleNumber is missing")),
        egress: match opt_bool(cx, p, "Egress") {
            None | Some(Attr::Known(false)) => false,
            Some(Attr::Known(true)) => true,
            // Unknown direction: count it where it can open a path (an allow on egress).
            Some(Attr::Unknown(_)) => true,
        },
        allow: get(p, "RuleAction")
            .map(|v| string(cx, v).map(|s| s.eq_ignore_ascii_case("allow")))
            .unwrap_or_else(|| cx.unknown("RuleAction is missing")),
        protocol,
        cidr: opt_net(cx, p, "CidrBlock")
            .or_else(|| opt_net(cx, p, "Ipv6CidrBlock"))
            .unwrap_or_else(|| cx.unknown("entry has no CIDR")),
        from_port,
        to_port,
    })
}
