//! Provider semantics: an AWS provider resource's arguments (as an attribute map, from HCL or
//! from a plan) onto the model. Shared by the HCL and the plan loaders.
//!
//! Terraform differs from CloudFormation where it matters for egress: a security group has no
//! egress rule unless one is declared, and the `aws_default_*` resources *replace* the VPC's
//! default rules with the declared ones.

use crate::val::Val;
use egressproof_model::*;
use indexmap::IndexMap;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};

pub(crate) type Args = IndexMap<String, Val>;

/// Links that need the whole model: applied by [`post_process`].
pub(crate) enum Link {
    EndpointRouteTable(Attr<Ident>, Attr<Ident>),
    EndpointSubnet(Attr<Ident>, Attr<Ident>),
    EndpointSecurityGroup(Attr<Ident>, Attr<Ident>),
    EndpointPolicy(Attr<Ident>, Value),
    /// Policy ARN (as a value) attached to a principal.
    PolicyAttachment {
        policy: Val,
        principal: Attr<Ident>,
        role: bool,
    },
    OrgPolicyAttachment {
        policy: Attr<Ident>,
        target: Attr<Ident>,
    },
}

pub(crate) struct Ctx<'a> {
    pub id: Ident,
    pub name: String,
    pub type_name: String,
    pub span: Span,
    pub args: &'a Args,
}

fn get<'a>(m: &'a Args, k: &str) -> Option<&'a Val> {
    m.get(k).filter(|v| !matches!(v, Val::Null))
}

impl Ctx<'_> {
    fn unk<T>(&self, why: impl Into<String>) -> Attr<T> {
        Attr::unknown(why, Some(self.span.clone()))
    }

    fn res(&self, kind: Kind) -> Resource {
        Resource::new(
            self.id.clone(),
            self.name.clone(),
            self.type_name.clone(),
            self.span.clone(),
            kind,
        )
    }

    fn sub(&self, suffix: &str, kind: Kind) -> Resource {
        Resource::new(
            Ident(format!("{}{suffix}", self.id)),
            format!("{}{suffix}", self.name),
            self.type_name.clone(),
            self.span.clone(),
            kind,
        )
    }

    fn ident(&self, v: &Val) -> Attr<Ident> {
        ident_of(v, &self.span)
    }

    fn req_ident(&self, m: &Args, k: &str) -> Attr<Ident> {
        match get(m, k) {
            Some(v) => self.ident(v),
            None => self.unk(format!("{k} is not set")),
        }
    }

    fn opt_ident(&self, m: &Args, k: &str) -> Option<Attr<Ident>> {
        get(m, k).map(|v| self.ident(v))
    }

    fn idents(&self, v: &Val) -> Attr<Vec<Ident>> {
        match v {
            Val::List(items) => {
                let mut out = Vec::new();
                for i in items {
                    match self.ident(i) {
                        Attr::Known(id) => out.push(id),
                        Attr::Unknown(u) => return Attr::Unknown(u),
                    }
                }
                Attr::Known(out)
            }
            Val::Unknown(u) => Attr::Unknown(u.clone()),
            Val::Null => Attr::Known(Vec::new()),
            other => self.ident(other).map(|i| vec![i]),
        }
    }

    /// Absent → empty list (Terraform's default for these lists).
    fn idents_or_empty(&self, m: &Args, k: &str) -> Attr<Vec<Ident>> {
        get(m, k)
            .map(|v| self.idents(v))
            .unwrap_or(Attr::Known(Vec::new()))
    }

    fn opt_idents(&self, m: &Args, k: &str) -> Option<Attr<Vec<Ident>>> {
        get(m, k).map(|v| self.idents(v))
    }

    fn string(&self, v: &Val) -> Attr<String> {
        match v {
            Val::Unknown(u) => Attr::Unknown(u.clone()),
            other => match other.as_plain_str() {
                Some(s) => Attr::Known(s),
                None => match other.first_unknown() {
                    Some(u) => Attr::Unknown(u.clone()),
                    None => self.unk(format!(
                        "expected a literal string, found {}",
                        other.to_value().render()
                    )),
                },
            },
        }
    }

    fn opt_string(&self, m: &Args, k: &str) -> Option<Attr<String>> {
        get(m, k).map(|v| self.string(v))
    }

    fn opt_bool(&self, m: &Args, k: &str) -> Option<Attr<bool>> {
        get(m, k).map(|v| match v.as_bool() {
            Some(b) => Attr::Known(b),
            None => v
                .first_unknown()
                .map(|u| Attr::Unknown(u.clone()))
                .unwrap_or_else(|| self.unk(format!("{k} is not a bool"))),
        })
    }

    fn int(&self, v: &Val) -> Attr<i64> {
        match v.as_num() {
            Some(n) => Attr::Known(n as i64),
            None => v
                .first_unknown()
                .map(|u| Attr::Unknown(u.clone()))
                .unwrap_or_else(|| self.unk("not a number")),
        }
    }

    fn opt_int(&self, m: &Args, k: &str) -> Option<Attr<i64>> {
        get(m, k).map(|v| self.int(v))
    }

    fn net<T: std::str::FromStr>(&self, v: &Val) -> Attr<T> {
        match self.string(v) {
            Attr::Known(s) => match s.parse::<T>() {
                Ok(n) => Attr::Known(n),
                Err(_) => self.unk(format!("{s} is not a CIDR block")),
            },
            Attr::Unknown(u) => Attr::Unknown(u),
        }
    }

    fn opt_net<T: std::str::FromStr>(&self, m: &Args, k: &str) -> Option<Attr<T>> {
        get(m, k).map(|v| self.net(v))
    }

    /// The first block of a nested block list (`vpc_config { ... }`): `None` when absent,
    /// `Err` when the block itself is unknown (dynamic block over an unknown collection).
    fn block<'b>(&self, m: &'b Args, k: &str) -> Option<Result<&'b Args, Unknown>> {
        match get(m, k)? {
            Val::List(items) => match items.first()? {
                Val::Map(b) => Some(Ok(b)),
                Val::Unknown(u) => Some(Err(u.clone())),
                _ => None,
            },
            Val::Map(b) => Some(Ok(b)),
            Val::Unknown(u) => Some(Err(u.clone())),
            _ => None,
        }
    }

    fn blocks<'b>(&self, m: &'b Args, k: &str) -> Vec<&'b Val> {
        match get(m, k) {
            Some(Val::List(items)) => items.iter().collect(),
            Some(v @ Val::Unknown(_)) => vec![v],
            Some(v @ Val::Map(_)) => vec![v],
            _ => Vec::new(),
        }
    }

    fn document(&self, v: &Val) -> Value {
        match v.to_document() {
            Value::Unknown(u) if u.span.is_none() => {
                Value::Unknown(Unknown::new(u.reason, Some(self.span.clone())))
            }
            other => other,
        }
    }
}

/// A reference or a literal physical ID as an [`Ident`].
pub(crate) fn ident_of(v: &Val, span: &Span) -> Attr<Ident> {
    match v {
        Val::Str(s) => Attr::Known(Ident(s.clone())),
        Val::Res(r) => Attr::Known(r.id.clone()),
        Val::Text(parts) => match parts.as_slice() {
            [Part::Sym(Symbol::Ref(id))] => Attr::Known(id.clone()),
            [Part::Sym(Symbol::Attr {
                resource,
                attribute,
            })] => match attribute.as_str() {
                "id" | "name" | "arn" | "bucket" => Attr::Known(resource.clone()),
                _ => Attr::Known(Ident::attribute_of(resource, attribute)),
            },
            _ => Attr::Known(Ident(v.to_value().render())),
        },
        Val::Unknown(u) => Attr::Unknown(u.clone()),
        Val::List(items) if items.len() == 1 => ident_of(&items[0], span),
        other => Attr::unknown(
            format!("expected an identifier, found a {}", other.type_name()),
            Some(span.clone()),
        ),
    }
}

fn sg_protocol(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "-1" | "all" => "-1".into(),
        "6" => "tcp".into(),
        "17" => "udp".into(),
        "1" => "icmp".into(),
        "58" => "icmpv6".into(),
        other => other.to_string(),
    }
}

fn acl_protocol(p: &str) -> String {
    match p.to_ascii_lowercase().as_str() {
        "all" | "-1" => "-1".into(),
        "tcp" => "6".into(),
        "udp" => "17".into(),
        "icmp" => "1".into(),
        "icmpv6" => "58".into(),
        other => other.to_string(),
    }
}

impl Ctx<'_> {
    fn protocol(&self, m: &Args, k: &str, acl: bool) -> Attr<String> {
        match get(m, k) {
            Some(v) => self.string(v).map(|p| {
                if acl {
                    acl_protocol(&p)
                } else {
                    sg_protocol(&p)
                }
            }),
            None => self.unk(format!("{k} is not set")),
        }
    }

    fn ports(
        &self,
        m: &Args,
        proto: &Attr<String>,
        from: &str,
        to: &str,
    ) -> (Option<Attr<i64>>, Option<Attr<i64>>) {
        if matches!(proto, Attr::Known(p) if p == "-1") {
            return (None, None);
        }
        (self.opt_int(m, from), self.opt_int(m, to))
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
        let protocol = self.protocol(m, "protocol", false);
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
        let protocol = self.protocol(m, "ip_protocol", false);
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
        let protocol = self.protocol(m, "protocol", true);
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

    fn vpc_config(&self, m: &Args, k: &str, subnets: &str, sgs: &str) -> Option<VpcConfig> {
        match self.block(m, k)? {
            Ok(b) => Some(VpcConfig {
                subnets: self.idents_or_empty(b, subnets),
                security_groups: self.idents_or_empty(b, sgs),
            }),
            Err(u) => Some(VpcConfig {
                subnets: Attr::Unknown(u.clone()),
                security_groups: Attr::Unknown(u),
            }),
        }
    }
}

/// Lowers one resource instance. Returns the model resources and links for post-processing.
pub(crate) fn lower(c: &Ctx) -> (Vec<Resource>, Vec<Link>) {
    let a = c.args;
    let mut out = Vec::new();
    let mut links = Vec::new();
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
        }))),
        "aws_route_table" | "aws_default_route_table" => {
            let main = t == "aws_default_route_table";
            let (vpc, table_id) = if main {
                match get(a, "default_route_table_id").map(|v| c.ident(v)) {
                    Some(Attr::Known(id)) => match id.split_attribute() {
                        Some((vpc, "default_route_table_id")) => {
                            (Attr::Known(vpc.clone()), Ident::main_route_table_of(&vpc))
                        }
                        _ => (
                            c.unk("the VPC of this default route table is not in the scan"),
                            id,
                        ),
                    },
                    Some(Attr::Unknown(u)) => (Attr::Unknown(u), c.id.clone()),
                    None => (c.unk("default_route_table_id is not set"), c.id.clone()),
                }
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
        "aws_eip" => out.push(c.res(Kind::ElasticIp(ElasticIp {}))),
        "aws_ec2_transit_gateway" => out.push(c.res(Kind::TransitGateway(TransitGateway {
            default_route_table_association: c.opt_string(a, "default_route_table_association"),
            default_route_table_propagation: c.opt_string(a, "default_route_table_propagation"),
        }))),
        "aws_ec2_transit_gateway_vpc_attachment" => out.push(c.res(
            Kind::TransitGatewayAttachment(TransitGatewayAttachment {
                transit_gateway: c.req_ident(a, "transit_gateway_id"),
                vpc: c.req_ident(a, "vpc_id"),
                subnets: c.idents_or_empty(a, "subnet_ids"),
            }),
        )),
        "aws_ec2_transit_gateway_route_table" => out.push(c.res(Kind::TransitGatewayRouteTable(
            TransitGatewayRouteTable {
                transit_gateway: c.req_ident(a, "transit_gateway_id"),
            },
        ))),
        "aws_ec2_transit_gateway_route" => {
            let blackhole = get(a, "blackhole").and_then(Val::as_bool) == Some(true);
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
                attachment: if blackhole {
                    None
                } else {
                    Some(c.req_ident(a, "transit_gateway_attachment_id"))
                },
            })));
        }
        "aws_ec2_transit_gateway_route_table_association" => out.push(c.res(
            Kind::TransitGatewayRouteTableAssociation(TransitGatewayRouteTableAssociation {
                route_table: c.req_ident(a, "transit_gateway_route_table_id"),
                attachment: c.req_ident(a, "transit_gateway_attachment_id"),
            }),
        )),
        "aws_vpc_peering_connection" => {
            out.push(c.res(Kind::VpcPeeringConnection(VpcPeeringConnection {
                vpc: c.req_ident(a, "vpc_id"),
                peer_vpc: c.req_ident(a, "peer_vpc_id"),
            })))
        }
        "aws_security_group" | "aws_default_security_group" => {
            let vpc = c.opt_ident(a, "vpc_id");
            let id = match (t, &vpc) {
                ("aws_default_security_group", Some(Attr::Known(v))) => {
                    Ident::default_security_group_of(v)
                }
                _ => c.id.clone(),
            };
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
            out.push(r);
        }
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
                match get(a, "default_network_acl_id").map(|v| c.ident(v)) {
                    Some(Attr::Known(id)) => match id.split_attribute() {
                        Some((vpc, "default_network_acl_id")) => (
                            Attr::Known(vpc.clone()),
                            Ident::default_network_acl_of(&vpc),
                        ),
                        _ => (
                            c.unk("the VPC of this default network ACL is not in the scan"),
                            id,
                        ),
                    },
                    Some(Attr::Unknown(u)) => (Attr::Unknown(u), c.id.clone()),
                    None => (c.unk("default_network_acl_id is not set"), c.id.clone()),
                }
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
        "aws_vpc_endpoint" => out.push(
            c.res(Kind::VpcEndpoint(VpcEndpoint {
                vpc: c.req_ident(a, "vpc_id"),
                service_name: get(a, "service_name")
                    .map(Val::to_value)
                    .unwrap_or_else(|| {
                        Value::unknown("service_name is not set", Some(c.span.clone()))
                    }),
                endpoint_type: get(a, "vpc_endpoint_type").map(|v| match c.string(v) {
                    Attr::Known(s) => match s.as_str() {
                        "Gateway" => Attr::Known(EndpointType::Gateway),
                        "Interface" => Attr::Known(EndpointType::Interface),
                        "GatewayLoadBalancer" => Attr::Known(EndpointType::GatewayLoadBalancer),
                        other => c.unk(format!("unknown endpoint type {other}")),
                    },
                    Attr::Unknown(u) => Attr::Unknown(u),
                }),
                policy: get(a, "policy").map(|v| c.document(v)),
                route_tables: c.idents_or_empty(a, "route_table_ids"),
                subnets: c.idents_or_empty(a, "subnet_ids"),
                security_groups: c.idents_or_empty(a, "security_group_ids"),
                private_dns: c.opt_bool(a, "private_dns_enabled"),
            })),
        ),
        "aws_vpc_endpoint_route_table_association" => {
            links.push(Link::EndpointRouteTable(
                c.req_ident(a, "vpc_endpoint_id"),
                c.req_ident(a, "route_table_id"),
            ));
            out.push(c.res(Kind::Other(Other::default())));
        }
        "aws_vpc_endpoint_subnet_association" => {
            links.push(Link::EndpointSubnet(
                c.req_ident(a, "vpc_endpoint_id"),
                c.req_ident(a, "subnet_id"),
            ));
            out.push(c.res(Kind::Other(Other::default())));
        }
        "aws_vpc_endpoint_security_group_association" => {
            links.push(Link::EndpointSecurityGroup(
                c.req_ident(a, "vpc_endpoint_id"),
                c.req_ident(a, "security_group_id"),
            ));
            out.push(c.res(Kind::Other(Other::default())));
        }
        "aws_vpc_endpoint_policy" => {
            let policy = get(a, "policy")
                .map(|v| c.document(v))
                .unwrap_or_else(|| Value::unknown("policy is not set", Some(c.span.clone())));
            links.push(Link::EndpointPolicy(
                c.req_ident(a, "vpc_endpoint_id"),
                policy,
            ));
            out.push(c.res(Kind::Other(Other::default())));
        }
        "aws_networkfirewall_firewall" => {
            let subnets = c
                .blocks(a, "subnet_mapping")
                .into_iter()
                .map(|b| match b {
                    Val::Map(m) => c.req_ident(m, "subnet_id"),
                    other => other
                        .first_unknown()
                        .map(|u| Attr::Unknown(u.clone()))
                        .unwrap_or_else(|| c.unk("subnet mapping")),
                })
                .collect::<Vec<_>>();
            let subnets = subnets
                .into_iter()
                .try_fold(Vec::new(), |mut acc, s| match s {
                    Attr::Known(s) => {
                        acc.push(s);
                        Ok(acc)
                    }
                    Attr::Unknown(u) => Err(u),
                });
            out.push(c.res(Kind::NetworkFirewall(NetworkFirewall {
                vpc: c.req_ident(a, "vpc_id"),
                subnets: match subnets {
                    Ok(s) => Attr::Known(s),
                    Err(u) => Attr::Unknown(u),
                },
                policy: c.req_ident(a, "firewall_policy_arn"),
            })));
        }
        "aws_networkfirewall_firewall_policy" => {
            let groups = match c.block(a, "firewall_policy") {
                Some(Ok(p)) => {
                    let mut ids = Vec::new();
                    let mut unknown = None;
                    for r in c.blocks(p, "stateful_rule_group_reference") {
                        match r {
                            Val::Map(m) => match c.req_ident(m, "resource_arn") {
                                Attr::Known(i) => ids.push(i),
                                Attr::Unknown(u) => unknown = Some(u),
                            },
                            other => unknown = other.first_unknown().cloned(),
                        }
                    }
                    match unknown {
                        Some(u) => Attr::Unknown(u),
                        None => Attr::Known(ids),
                    }
                }
                Some(Err(u)) => Attr::Unknown(u),
                None => Attr::Known(Vec::new()),
            };
            out.push(c.res(Kind::NetworkFirewallPolicy(NetworkFirewallPolicy {
                stateful_rule_groups: groups,
            })));
        }
        "aws_networkfirewall_rule_group" => {
            let domains = (|| {
                let rg = c.block(a, "rule_group")?.ok()?;
                let src = c.block(rg, "rules_source")?.ok()?;
                let list = c.block(src, "rules_source_list")?;
                Some(match list {
                    Ok(l) => {
                        let allow = get(l, "generated_rules_type")
                            .and_then(Val::as_plain_str)
                            .is_some_and(|s| s == "ALLOWLIST");
                        if !allow {
                            Attr::Known(Vec::new())
                        } else {
                            match get(l, "targets") {
                                Some(Val::List(items)) => items
                                    .iter()
                                    .map(|i| c.string(i))
                                    .try_fold(Vec::new(), |mut acc, s| match s {
                                        Attr::Known(s) => {
                                            acc.push(s);
                                            Ok(acc)
                                        }
                                        Attr::Unknown(u) => Err(u),
                                    })
                                    .map_or_else(Attr::Unknown, Attr::Known),
                                Some(other) => other
                                    .first_unknown()
                                    .map(|u| Attr::Unknown(u.clone()))
                                    .unwrap_or(Attr::Known(Vec::new())),
                                None => Attr::Known(Vec::new()),
                            }
                        }
                    }
                    Err(u) => Attr::Unknown(u),
                })
            })()
            .unwrap_or(Attr::Known(Vec::new()));
            out.push(
                c.res(Kind::NetworkFirewallRuleGroup(NetworkFirewallRuleGroup {
                    allowed_domains: domains,
                })),
            );
        }
        "aws_route53_resolver_firewall_rule_group_association" => out.push(c.res(
            Kind::ResolverFirewallRuleGroupAssociation(ResolverFirewallRuleGroupAssociation {
                vpc: c.req_ident(a, "vpc_id"),
                rule_group: c.req_ident(a, "firewall_rule_group_id"),
            }),
        )),
        "aws_network_interface" => out.push(c.res(Kind::NetworkInterface(NetworkInterface {
            subnet: c.req_ident(a, "subnet_id"),
            security_groups: c.idents_or_empty(a, "security_groups"),
        }))),
        "aws_instance" => {
            let sgs = match (
                c.opt_idents(a, "vpc_security_group_ids"),
                c.opt_idents(a, "security_groups"),
            ) {
                (Some(Attr::Known(mut x)), Some(Attr::Known(y))) => {
                    x.extend(y);
                    Attr::Known(x)
                }
                (Some(x), None) | (None, Some(x)) => x,
                (Some(Attr::Unknown(u)), _) | (_, Some(Attr::Unknown(u))) => Attr::Unknown(u),
                (None, None) => Attr::Known(Vec::new()),
            };
            out.push(c.res(Kind::Instance(Instance {
                subnet: c.opt_ident(a, "subnet_id"),
                security_groups: sgs,
            })));
        }
        "aws_sagemaker_notebook_instance" => out.push(
            c.res(Kind::NotebookInstance(NotebookInstance {
                subnet: c.opt_ident(a, "subnet_id"),
                security_groups: c.opt_idents(a, "security_groups"),
                direct_internet_access: c.opt_string(a, "direct_internet_access"),
                root_access: c.opt_string(a, "root_access"),
                kms_key: c
                    .opt_string(a, "kms_key_id")
                    .or_else(|| get(a, "kms_key_id").map(|v| c.ident(v).map(|i| i.0))),
                role: get(a, "role_arn").map(Val::to_value),
            })),
        ),
        "aws_sagemaker_domain" => {
            let sgs = |k: &str| match c.block(a, k) {
                Some(Ok(b)) => c.opt_idents(b, "security_groups"),
                Some(Err(u)) => Some(Attr::Unknown(u)),
                None => None,
            };
            out.push(c.res(Kind::Domain(Domain {
                app_network_access_type: c.opt_string(a, "app_network_access_type"),
                vpc: c.opt_ident(a, "vpc_id"),
                subnets: c.opt_idents(a, "subnet_ids"),
                default_user_security_groups: sgs("default_user_settings"),
                default_space_security_groups: sgs("default_space_settings"),
                kms_key: get(a, "kms_key_id").map(|v| c.ident(v).map(|i| i.0)),
                auth_mode: c.opt_string(a, "auth_mode"),
            })));
        }
        "aws_sagemaker_user_profile" => out.push(c.res(Kind::UserProfile(UserProfile {
            domain: c.req_ident(a, "domain_id"),
            security_groups: match c.block(a, "user_settings") {
                Some(Ok(b)) => c.opt_idents(b, "security_groups"),
                Some(Err(u)) => Some(Attr::Unknown(u)),
                None => None,
            },
        }))),
        "aws_sagemaker_space" => out.push(c.res(Kind::Space(Space {
            domain: c.req_ident(a, "domain_id"),
            remote_access: match c.block(a, "space_settings") {
                Some(Ok(b)) => c.opt_string(b, "remote_access"),
                Some(Err(u)) => Some(Attr::Unknown(u)),
                None => None,
            },
        }))),
        "aws_sagemaker_model" => out.push(c.res(Kind::Model(SageMakerModel {
            network_isolation: c.opt_bool(a, "enable_network_isolation"),
            vpc_config: c.vpc_config(a, "vpc_config", "subnets", "security_group_ids"),
        }))),
        "aws_sagemaker_endpoint_configuration" => {
            let mut models = Vec::new();
            let mut ssm = Vec::new();
            for k in ["production_variants", "shadow_production_variants"] {
                for v in c.blocks(a, k) {
                    match v {
                        Val::Map(m) => {
                            models.push(c.req_ident(m, "model_name"));
                            if let Some(b) = c.opt_bool(m, "enable_ssm_access") {
                                ssm.push(b);
                            }
                        }
                        other => {
                            let u = other
                                .first_unknown()
                                .cloned()
                                .unwrap_or_else(|| Unknown::new("variant", Some(c.span.clone())));
                            models.push(Attr::Unknown(u.clone()));
                            ssm.push(Attr::Unknown(u));
                        }
                    }
                }
            }
            out.push(c.res(Kind::EndpointConfig(EndpointConfig {
                models,
                ssm_access: ssm,
                kms_key: get(a, "kms_key_arn").map(|v| c.ident(v).map(|i| i.0)),
            })));
        }
        t if t.starts_with("aws_sagemaker_") && t.ends_with("_job_definition") => {
            let job_kind = match t {
                "aws_sagemaker_data_quality_job_definition" => JobKind::DataQualityMonitoring,
                "aws_sagemaker_model_quality_job_definition" => JobKind::ModelQualityMonitoring,
                "aws_sagemaker_model_bias_job_definition" => JobKind::ModelBiasMonitoring,
                "aws_sagemaker_model_explainability_job_definition" => {
                    JobKind::ModelExplainabilityMonitoring
                }
                _ => JobKind::Other,
            };
            let (iso, vpc, ict) = match c.block(a, "network_config") {
                Some(Ok(n)) => (
                    c.opt_bool(n, "enable_network_isolation"),
                    c.vpc_config(n, "vpc_config", "subnets", "security_group_ids"),
                    c.opt_bool(n, "enable_inter_container_traffic_encryption"),
                ),
                Some(Err(u)) => (
                    Some(Attr::Unknown(u.clone())),
                    Some(VpcConfig {
                        subnets: Attr::Unknown(u.clone()),
                        security_groups: Attr::Unknown(u.clone()),
                    }),
                    Some(Attr::Unknown(u)),
                ),
                None => (None, None, None),
            };
            out.push(c.res(Kind::Job(Job {
                job_kind,
                network_isolation: iso,
                vpc_config: vpc,
                inter_container_encryption: ict,
                step: None,
            })));
        }
        "aws_sagemaker_pipeline" => {
            let (definition, jobs) = match get(a, "pipeline_definition") {
                Some(v) => match v.to_document() {
                    Value::Unknown(u) => (Attr::Unknown(u), Vec::new()),
                    doc => (Attr::Known(()), pipeline_jobs(&doc, &c.span)),
                },
                None => (c.unk("the pipeline definition is read from S3"), Vec::new()),
            };
            out.push(c.res(Kind::Pipeline(Pipeline { definition })));
            for (name, job) in jobs {
                out.push(c.sub(
                    &format!(".step[{}]", serde_json::Value::String(name)),
                    Kind::Job(job),
                ));
            }
        }
        "aws_iam_role" => {
            let managed = match get(a, "managed_policy_arns") {
                Some(Val::List(items)) => Attr::Known(items.iter().map(Val::to_value).collect()),
                Some(Val::Unknown(u)) => Attr::Unknown(u.clone()),
                Some(other) => c.unk(format!("managed_policy_arns is a {}", other.type_name())),
                None => Attr::Known(Vec::new()),
            };
            out.push(c.res(Kind::Role(Role {
                trust_policy: get(a, "assume_role_policy").map(|v| c.document(v)),
                managed_policy_arns: managed,
            })));
            for (i, p) in c.blocks(a, "inline_policy").into_iter().enumerate() {
                let document = match p {
                    Val::Map(m) => match get(m, "policy") {
                        Some(v) => c.document(v),
                        None => continue,
                    },
                    other => other.to_value(),
                };
                out.push(c.sub(
                    &format!(".inline_policy[{i}]"),
                    Kind::IamPolicy(IamPolicy {
                        policy_kind: PolicyKind::Identity,
                        attached_to: Attr::Known(vec![c.id.clone()]),
                        document,
                    }),
                ));
            }
        }
        "aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy" => {
            let k = t.trim_start_matches("aws_iam_").trim_end_matches("_policy");
            out.push(c.res(Kind::IamPolicy(IamPolicy {
                policy_kind: PolicyKind::Identity,
                attached_to: c.req_ident(a, k).map(|i| vec![i]),
                document:
                    get(a, "policy").map(|v| c.document(v)).unwrap_or_else(|| {
                        Value::unknown("policy is not set", Some(c.span.clone()))
                    }),
            })));
        }
        "aws_iam_policy" => {
            out.push(c.res(Kind::IamPolicy(IamPolicy {
                policy_kind: PolicyKind::Identity,
                attached_to: Attr::Known(Vec::new()),
                document:
                    get(a, "policy").map(|v| c.document(v)).unwrap_or_else(|| {
                        Value::unknown("policy is not set", Some(c.span.clone()))
                    }),
            })))
        }
        "aws_iam_role_policy_attachment"
        | "aws_iam_user_policy_attachment"
        | "aws_iam_group_policy_attachment" => {
            let k = if t.contains("role") {
                "role"
            } else if t.contains("user") {
                "user"
            } else {
                "group"
            };
            links.push(Link::PolicyAttachment {
                policy: get(a, "policy_arn")
                    .cloned()
                    .unwrap_or(Val::unknown("policy_arn is not set", Some(c.span.clone()))),
                principal: c.req_ident(a, k),
                role: k == "role",
            });
            out.push(c.res(Kind::Other(Other::default())));
        }
        "aws_iam_policy_attachment" => {
            let policy = get(a, "policy_arn")
                .cloned()
                .unwrap_or(Val::unknown("policy_arn is not set", Some(c.span.clone())));
            for (k, role) in [("roles", true), ("users", false), ("groups", false)] {
                if let Some(v) = get(a, k) {
                    match c.idents(v) {
                        Attr::Known(ids) => ids.into_iter().for_each(|p| {
                            links.push(Link::PolicyAttachment {
                                policy: policy.clone(),
                                principal: Attr::Known(p),
                                role,
                            })
                        }),
                        Attr::Unknown(u) => links.push(Link::PolicyAttachment {
                            policy: policy.clone(),
                            principal: Attr::Unknown(u),
                            role,
                        }),
                    }
                }
            }
            out.push(c.res(Kind::Other(Other::default())));
        }
        "aws_organizations_policy" => {
            let ty = get(a, "type")
                .and_then(Val::as_plain_str)
                .unwrap_or_else(|| "SERVICE_CONTROL_POLICY".into());
            if ty == "SERVICE_CONTROL_POLICY" {
                out.push(c.res(Kind::IamPolicy(IamPolicy {
                    policy_kind: PolicyKind::ServiceControl,
                    attached_to: Attr::Known(Vec::new()),
                    document: get(a, "content").map(|v| c.document(v)).unwrap_or_else(|| {
                        Value::unknown("content is not set", Some(c.span.clone()))
                    }),
                })));
            } else {
                out.push(c.res(Kind::Other(Other::default())));
            }
        }
        "aws_organizations_policy_attachment" => {
            links.push(Link::OrgPolicyAttachment {
                policy: c.req_ident(a, "policy_id"),
                target: c.req_ident(a, "target_id"),
            });
            out.push(c.res(Kind::Other(Other::default())));
        }
        "aws_s3_bucket" => out.push(c.res(Kind::Bucket(Bucket {
            name: c.opt_string(a, "bucket"),
        }))),
        "aws_s3_bucket_policy" => {
            out.push(c.res(Kind::IamPolicy(IamPolicy {
                policy_kind: PolicyKind::Resource,
                attached_to: c.req_ident(a, "bucket").map(|b| vec![b]),
                document:
                    get(a, "policy").map(|v| c.document(v)).unwrap_or_else(|| {
                        Value::unknown("policy is not set", Some(c.span.clone()))
                    }),
            })))
        }
        _ => out.push(c.res(Kind::Other(Other::default()))),
    }
    (out, links)
}

/// Jobs declared as steps of a pipeline definition (`Steps[].Arguments`).
fn pipeline_jobs(doc: &Value, span: &Span) -> Vec<(String, Job)> {
    let mut out = Vec::new();
    let Some(Value::List(steps)) = doc.get("Steps") else {
        return out;
    };
    let b = |v: Option<&Value>| -> Option<Attr<bool>> {
        v.map(|v| match v {
            Value::Bool(b) => Attr::Known(*b),
            Value::Str(s) if s == "true" || s == "false" => Attr::Known(s == "true"),
            other => Attr::unknown(
                format!("not a bool: {}", other.render()),
                Some(span.clone()),
            ),
        })
    };
    let ids = |v: Option<&Value>| -> Attr<Vec<Ident>> {
        match v {
            Some(Value::List(items)) => items
                .iter()
                .try_fold(Vec::new(), |mut acc, i| match i {
                    Value::Str(s) => {
                        acc.push(Ident(s.clone()));
                        Ok(acc)
                    }
                    other => Err(Unknown::new(
                        format!("not an identifier: {}", other.render()),
                        Some(span.clone()),
                    )),
                })
                .map_or_else(Attr::Unknown, Attr::Known),
            Some(other) => Attr::unknown(
                format!("not a list: {}", other.render()),
                Some(span.clone()),
            ),
            None => Attr::Known(Vec::new()),
        }
    };
    let vpc = |v: Option<&Value>| {
        v.map(|v| VpcConfig {
            subnets: ids(v.get("Subnets")),
            security_groups: ids(v.get("SecurityGroupIds")),
        })
    };
    for step in steps {
        let name = step.get("Name").map(Value::render).unwrap_or_default();
        let Some(args) = step.get("Arguments") else {
            continue;
        };
        let ty = step.get("Type").and_then(Value::as_str).unwrap_or("");
        let job = match ty {
            "Training" => Job {
                job_kind: JobKind::Training,
                network_isolation: b(args.get("EnableNetworkIsolation")),
                vpc_config: vpc(args.get("VpcConfig")),
                inter_container_encryption: b(args.get("EnableInterContainerTrafficEncryption")),
                step: Some(name.clone()),
            },
            "Processing" => {
                let n = args.get("NetworkConfig");
                Job {
                    job_kind: JobKind::Processing,
                    network_isolation: b(n.and_then(|n| n.get("EnableNetworkIsolation"))),
                    vpc_config: vpc(n.and_then(|n| n.get("VpcConfig"))),
                    inter_container_encryption: b(
                        n.and_then(|n| n.get("EnableInterContainerTrafficEncryption"))
                    ),
                    step: Some(name.clone()),
                }
            }
            "Tuning" => {
                let d = args.get("TrainingJobDefinition");
                Job {
                    job_kind: JobKind::HyperParameterTuning,
                    network_isolation: b(d.and_then(|d| d.get("EnableNetworkIsolation"))),
                    vpc_config: vpc(d.and_then(|d| d.get("VpcConfig"))),
                    inter_container_encryption: b(
                        d.and_then(|d| d.get("EnableInterContainerTrafficEncryption"))
                    ),
                    step: Some(name.clone()),
                }
            }
            _ => continue,
        };
        out.push((name, job));
    }
    out
}

fn push_ident(list: &mut Attr<Vec<Ident>>, id: &Attr<Ident>) {
    match (list, id) {
        (Attr::Known(l), Attr::Known(i)) => {
            if !l.contains(i) {
                l.push(i.clone())
            }
        }
        (l, Attr::Unknown(u)) => *l = Attr::Unknown(u.clone()),
        (Attr::Unknown(_), _) => {}
    }
}

/// Applies the links that need the whole model (endpoint associations, policy attachments).
pub(crate) fn post_process(model: &mut Model, links: Vec<Link>) {
    let index: std::collections::HashMap<Ident, usize> = model
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    let find = |id: &Attr<Ident>| id.known().and_then(|i| index.get(i).copied());
    for link in links {
        match link {
            Link::EndpointRouteTable(ep, x)
            | Link::EndpointSubnet(ep, x)
            | Link::EndpointSecurityGroup(ep, x)
                if find(&ep).is_none() =>
            {
                let _ = (ep, x);
            }
            Link::EndpointRouteTable(ep, x) => {
                if let Some(Kind::VpcEndpoint(e)) = find(&ep).map(|i| &mut model.resources[i].kind)
                {
                    push_ident(&mut e.route_tables, &x);
                }
            }
            Link::EndpointSubnet(ep, x) => {
                if let Some(Kind::VpcEndpoint(e)) = find(&ep).map(|i| &mut model.resources[i].kind)
                {
                    push_ident(&mut e.subnets, &x);
                }
            }
            Link::EndpointSecurityGroup(ep, x) => {
                if let Some(Kind::VpcEndpoint(e)) = find(&ep).map(|i| &mut model.resources[i].kind)
                {
                    push_ident(&mut e.security_groups, &x);
                }
            }
            Link::EndpointPolicy(ep, policy) => {
                if let Some(Kind::VpcEndpoint(e)) = find(&ep).map(|i| &mut model.resources[i].kind)
                {
                    e.policy = Some(policy);
                }
            }
            Link::PolicyAttachment {
                policy,
                principal,
                role,
            } => {
                let span = Span::default();
                let target = match ident_of(&policy, &span) {
                    Attr::Known(p) => index.get(&p).copied(),
                    Attr::Unknown(_) => None,
                };
                match target.map(|i| &mut model.resources[i].kind) {
                    Some(Kind::IamPolicy(p)) => push_ident(&mut p.attached_to, &principal),
                    _ => {
                        // An AWS managed policy (or one outside the scan): recorded on the role.
                        if role {
                            if let Some(Kind::Role(r)) =
                                find(&principal).map(|i| &mut model.resources[i].kind)
                            {
                                if let Attr::Known(l) = &mut r.managed_policy_arns {
                                    l.push(policy.to_value());
                                }
                            }
                        }
                    }
                }
            }
            Link::OrgPolicyAttachment { policy, target } => {
                if let Some(Kind::IamPolicy(p)) =
                    find(&policy).map(|i| &mut model.resources[i].kind)
                {
                    push_ident(&mut p.attached_to, &target);
                }
            }
        }
    }
}
