//! Lowering: CloudFormation resource types onto the model's [`Kind`]s.
//!
//! Properties are resolved into a [`Value`] first, then read here. `None` means the property was
//! absent (the rule applies AWS's default); a property present but unresolved is
//! `Some(Attr::Unknown)`. CloudFormation-specific semantics (a security group without inline
//! egress rules allows all egress) are applied here, so the analysis never needs to know the
//! format.

use crate::pipeline;
use crate::resolve::{diag, is_custom, literal_string, Cond, Stack, StackResult};
use crate::suppress;
use crate::tree::Node;
use egressproof_model::*;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::collections::HashMap;

/// The exports of a stack and of its nested stacks: rendered `Export.Name` → value.
pub(crate) fn exports(stack: &Stack<'_>) -> Vec<(String, Value)> {
    let mut out = own_exports(stack);
    if let Some(resources) = stack.tpl.root.get("Resources") {
        for (key, node) in resources.entries() {
            if node.get("Type").and_then(Node::as_str) != Some("AWS::CloudFormation::Stack") {
                continue;
            }
            let absent = node
                .get("Condition")
                .and_then(|c| c.as_str().map(|n| (n, c)))
                .is_some_and(|(n, c)| stack.condition(n, c) == Cond::False);
            if absent {
                continue;
            }
            if let Some(child) = stack.nested_stack(&key.name) {
                out.extend(child.exports.iter().cloned());
            }
        }
    }
    out
}

fn own_exports(stack: &Stack<'_>) -> Vec<(String, Value)> {
    let Some(outputs) = stack.tpl.root.get("Outputs") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (_, o) in outputs.entries() {
        if output_absent(stack, o) {
            continue;
        }
        let Some(name) = o.get("Export").and_then(|e| e.get("Name")) else {
            continue;
        };
        let name = match stack.resolve(name) {
            Some(Value::Unknown(_)) | None => continue,
            Some(v) => v.render(),
        };
        if let Some(v) = o.get("Value").and_then(|v| stack.resolve(v)) {
            out.push((name, v));
        }
    }
    out
}

fn output_absent(stack: &Stack<'_>, o: &Node) -> bool {
    o.get("Condition")
        .and_then(|c| c.as_str().map(|n| (n, c)))
        .is_some_and(|(n, c)| stack.condition(n, c) == Cond::False)
}

fn outputs(stack: &Stack<'_>) -> HashMap<String, Value> {
    let Some(outputs) = stack.tpl.root.get("Outputs") else {
        return HashMap::new();
    };
    outputs
        .entries()
        .iter()
        .filter(|(_, o)| !output_absent(stack, o))
        .filter_map(|(k, o)| Some((k.name.clone(), stack.resolve(o.get("Value")?)?)))
        .collect()
}

/// Lowers every resource of a stack (and of its nested stacks).
pub(crate) fn lower_stack(stack: &Stack<'_>) -> StackResult {
    let mut model = Model::default();
    let root = &stack.tpl.root;
    if let Some(t) = root.get("Transform") {
        let names = match stack.resolve(t) {
            Some(v) => v.render(),
            None => String::new(),
        };
        diag(
            stack,
            UnknownCode::EP903,
            format!(
                "template uses Transform {names}: a macro can add or change resources at deploy \
                 time; scan the processed template"
            ),
            t,
        );
    }
    let empty = Value::Map(Default::default());
    if let Some(resources) = root.get("Resources") {
        for (key, node) in resources.entries() {
            let span = stack.span_at(key.line, key.col);
            let Some(type_name) = node.get("Type").and_then(Node::as_str) else {
                diag(
                    stack,
                    UnknownCode::EP901,
                    format!("resource {} has no Type", key.name),
                    node,
                );
                continue;
            };
            if let Some(c) = node.get("Condition") {
                match c.as_str() {
                    Some(name) => {
                        if stack.condition(name, c) == Cond::False {
                            continue;
                        }
                    }
                    None => diag(
                        stack,
                        UnknownCode::EP902,
                        format!("resource {}: Condition is not a name", key.name),
                        c,
                    ),
                }
            }
            let props = node
                .get("Properties")
                .and_then(|p| stack.resolve(p))
                .unwrap_or_else(|| empty.clone());
            if !matches!(props, Value::Map(_)) {
                // Every property would read as absent, and absent means AWS's default: say
                // instead that none of them is known.
                let why = match &props {
                    Value::Unknown(u) => u.reason.clone(),
                    other => format!("Properties is not a mapping: {}", other.render()),
                };
                diag(
                    stack,
                    UnknownCode::EP902,
                    format!("resource {}: properties are not known ({why})", key.name),
                    node.get("Properties").unwrap_or(node),
                );
            }
            let id = stack.id_of(&key.name);
            let mut extra: Vec<Resource> = Vec::new();
            let cx = Cx {
                id: &id,
                name: &key.name,
                span: &span,
                type_name,
            };
            let kind = lower_kind(&cx, &props, &mut extra);
            let suppressions = suppress::collect(stack, key, node);
            let mut r = Resource::new(id.clone(), key.name.clone(), type_name, span.clone(), kind);
            r.suppressions = suppressions.clone();
            model.resources.push(r);
            for mut e in extra {
                e.suppressions = suppressions.clone();
                model.resources.push(e);
            }
            if type_name == "AWS::CloudFormation::Stack" {
                if let Some(child) = stack.nested_stack(&key.name) {
                    model.extend(child.model.clone());
                }
            }
        }
    }
    let outputs = outputs(stack);
    let exports = exports(stack);
    model.diagnostics.extend(stack.diags.take());
    StackResult {
        model,
        outputs,
        exports,
    }
}

/// The resource being lowered.
pub(crate) struct Cx<'a> {
    pub id: &'a Ident,
    pub name: &'a str,
    pub span: &'a Span,
    pub type_name: &'a str,
}

impl Cx<'_> {
    fn unknown<T>(&self, reason: impl Into<String>) -> Attr<T> {
        Attr::unknown(reason, Some(self.span.clone()))
    }
}

/// A property value, absent when missing or null.
pub(crate) fn get<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    match v.get(key) {
        None | Some(Value::Null) => None,
        some => some,
    }
}

pub(crate) fn path<'v>(v: &'v Value, keys: &[&str]) -> Option<&'v Value> {
    keys.iter().try_fold(v, |v, k| get(v, k))
}

pub(crate) fn ident(cx: &Cx<'_>, v: &Value) -> Attr<Ident> {
    match v {
        Value::Unknown(u) => Attr::Unknown(u.clone()),
        Value::Str(s) if !s.is_empty() => Attr::Known(Ident::new(s.clone())),
        v => match v.as_symbol() {
            Some(Symbol::Ref(id)) => Attr::Known(id.clone()),
            Some(Symbol::Attr {
                resource,
                attribute,
            }) => Attr::Known(Ident::attribute_of(resource, attribute)),
            _ => cx.unknown(format!("expected an identifier, found {}", v.render())),
        },
    }
}

fn opt_ident(cx: &Cx<'_>, props: &Value, key: &str) -> Option<Attr<Ident>> {
    get(props, key).map(|v| ident(cx, v))
}

fn req_ident(cx: &Cx<'_>, props: &Value, key: &str) -> Attr<Ident> {
    opt_ident(cx, props, key).unwrap_or_else(|| cx.unknown(format!("{key} is missing")))
}

pub(crate) fn idents(cx: &Cx<'_>, v: &Value) -> Attr<Vec<Ident>> {
    match v {
        Value::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for i in items {
                match ident(cx, i) {
                    Attr::Known(id) => out.push(id),
                    Attr::Unknown(u) => return Attr::Unknown(u),
                }
            }
            Attr::Known(out)
        }
        Value::Unknown(u) => Attr::Unknown(u.clone()),
        v => cx.unknown(format!(
            "expected a list of identifiers, found {}",
            v.render()
        )),
    }
}

fn opt_idents(cx: &Cx<'_>, props: &Value, key: &str) -> Option<Attr<Vec<Ident>>> {
    get(props, key).map(|v| idents(cx, v))
}

/// A list property whose absence means "none".
fn list_idents(cx: &Cx<'_>, props: &Value, key: &str) -> Attr<Vec<Ident>> {
    opt_idents(cx, props, key).unwrap_or(Attr::Known(Vec::new()))
}

pub(crate) fn string(cx: &Cx<'_>, v: &Value) -> Attr<String> {
    match v {
        Value::Unknown(u) => Attr::Unknown(u.clone()),
        v => match literal_string(v) {
            Some(s) => Attr::Known(s),
            None => cx.unknown(format!("{} is known only at deploy time", v.render())),
        },
    }
}

fn opt_string(cx: &Cx<'_>, props: &Value, key: &str) -> Option<Attr<String>> {
    get(props, key).map(|v| string(cx, v))
}

pub(crate) fn boolean(cx: &Cx<'_>, v: &Value) -> Attr<bool> {
    match v {
        Value::Bool(b) => Attr::Known(*b),
        Value::Unknown(u) => Attr::Unknown(u.clone()),
        Value::Str(s) if s.eq_ignore_ascii_case("true") => Attr::Known(true),
        Value::Str(s) if s.eq_ignore_ascii_case("false") => Attr::Known(false),
        v => cx.unknown(format!("expected true or false, found {}", v.render())),
    }
}

fn opt_bool(cx: &Cx<'_>, props: &Value, key: &str) -> Option<Attr<bool>> {
    get(props, key).map(|v| boolean(cx, v))
}

fn int(cx: &Cx<'_>, v: &Value) -> Attr<i64> {
    match v {
        Value::Unknown(u) => Attr::Unknown(u.clone()),
        v => match literal_string(v).and_then(|s| s.trim().parse::<i64>().ok()) {
            Some(i) => Attr::Known(i),
            None => cx.unknown(format!("expected a number, found {}", v.render())),
        },
    }
}

fn opt_int(cx: &Cx<'_>, props: &Value, key: &str) -> Option<Attr<i64>> {
    get(props, key).map(|v| int(cx, v))
}

fn parsed<T: std::str::FromStr>(cx: &Cx<'_>, v: &Value, what: &str) -> Attr<T> {
    match v {
        Value::Unknown(u) => Attr::Unknown(u.clone()),
        v => match literal_string(v).and_then(|s| s.trim().parse::<T>().ok()) {
            Some(n) => Attr::Known(n),
            None => cx.unknown(format!("expected {what}, found {}", v.render())),
        },
    }
}

fn opt_v4(cx: &Cx<'_>, props: &Value, key: &str) -> Option<Attr<Ipv4Net>> {
    get(props, key).map(|v| parsed(cx, v, "an IPv4 CIDR"))
}

fn opt_v6(cx: &Cx<'_>, props: &Value, key: &str) -> Option<Attr<Ipv6Net>> {
    get(props, key).map(|v| parsed(cx, v, "an IPv6 CIDR"))
}

fn opt_net(cx: &Cx<'_>, props: &Value, key: &str) -> Option<Attr<IpNet>> {
    get(props, key).map(|v| parsed(cx, v, "a CIDR"))
}

/// A policy document: a map as written, or a JSON string parsed (symbols kept).
pub(crate) fn document(v: &Value) -> Value {
    match v {
        Value::Str(_) | Value::Text(_) => pipeline::parse_json_text(v).unwrap_or_else(|| v.clone()),
        other => other.clone(),
    }
}

fn vpc_config(cx: &Cx<'_>, v: Option<&Value>) -> Option<VpcConfig> {
    let v = v?;
    if let Value::Unknown(u) = v {
        return Some(VpcConfig {
            subnets: Attr::Unknown(u.clone()),
            security_groups: Attr::Unknown(u.clone()),
        });
    }
    Some(VpcConfig {
        subnets: get(v, "Subnets")
            .map(|s| idents(cx, s))
            .unwrap_or_else(|| cx.unknown("VpcConfig.Subnets is missing")),
        security_groups: get(v, "SecurityGroupIds")
            .map(|s| idents(cx, s))
            .unwrap_or_else(|| cx.unknown("VpcConfig.SecurityGroupIds is missing")),
    })
}

fn network_config_job(cx: &Cx<'_>, props: &Value, job_kind: JobKind) -> Job {
    let nc = get(props, "NetworkConfig");
    let nc_unknown = nc.and_then(|n| match n {
        Value::Unknown(u) => Some(u.clone()),
        _ => None,
    });
    if let Some(u) = nc_unknown {
        return Job {
            job_kind,
            network_isolation: Some(Attr::Unknown(u.clone())),
            vpc_config: Some(VpcConfig {
                subnets: Attr::Unknown(u.clone()),
                security_groups: Attr::Unknown(u),
            }),
            inter_container_encryption: None,
            step: None,
        };
    }
    Job {
        job_kind,
        network_isolation: nc.and_then(|n| opt_bool(cx, n, "EnableNetworkIsolation")),
        vpc_config: vpc_config(cx, nc.and_then(|n| get(n, "VpcConfig"))),
        inter_container_encryption: nc
            .and_then(|n| opt_bool(cx, n, "EnableInterContainerTrafficEncryption")),
        step: None,
    }
}

fn sg_rule(cx: &Cx<'_>, r: &Value, egress: bool) -> SgRule {
    if let Value::Unknown(u) = r {
        return unknown_rule(u.clone());
    }
    let protocol = get(r, "IpProtocol")
        .map(|v| string(cx, v))
        .unwrap_or_else(|| cx.unknown("IpProtocol is missing"));
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
        from_port: opt_int(cx, r, "FromPort"),
        to_port: opt_int(cx, r, "ToPort"),
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
        protocol: Attr::Known("-1".into()),
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

/// Each item of a list property (a non-list is one item).
fn items(v: Option<&Value>) -> Vec<&Value> {
    match v {
        None => Vec::new(),
        Some(Value::List(items)) => items.iter().collect(),
        Some(other) => vec![other],
    }
}

fn inline_policies(cx: &Cx<'_>, props: &Value, extra: &mut Vec<Resource>) {
    for p in items(get(props, "Policies")) {
        let name = get(p, "PolicyName")
            .map(Value::render)
            .unwrap_or_else(|| "inline".into());
        let document = get(p, "PolicyDocument").map(document).unwrap_or_else(|| {
            Value::unknown("inline policy has no PolicyDocument", Some(cx.span.clone()))
        });
        extra.push(Resource::new(
            Ident(format!("{}/{}", cx.id, name)),
            format!("{}/{}", cx.name, name),
            cx.type_name,
            cx.span.clone(),
            Kind::IamPolicy(IamPolicy {
                policy_kind: PolicyKind::Identity,
                attached_to: Attr::Known(vec![cx.id.clone()]),
                document,
            }),
        ));
    }
}

fn attached(cx: &Cx<'_>, props: &Value, keys: &[&str]) -> Attr<Vec<Ident>> {
    let mut out = Vec::new();
    for k in keys {
        match opt_idents(cx, props, k) {
            None => {}
            Some(Attr::Known(v)) => out.extend(v),
            Some(Attr::Unknown(u)) => return Attr::Unknown(u),
        }
    }
    Attr::Known(out)
}

fn lower_kind(cx: &Cx<'_>, p: &Value, extra: &mut Vec<Resource>) -> Kind {
    match cx.type_name {
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
        "AWS::EC2::EIP" => Kind::ElasticIp(ElasticIp {}),
        "AWS::EC2::TransitGateway" => Kind::TransitGateway(TransitGateway {
            default_route_table_association: opt_string(cx, p, "DefaultRouteTableAssociation"),
            default_route_table_propagation: opt_string(cx, p, "DefaultRouteTablePropagation"),
        }),
        "AWS::EC2::TransitGatewayAttachment" | "AWS::EC2::TransitGatewayVpcAttachment" => {
            Kind::TransitGatewayAttachment(TransitGatewayAttachment {
                transit_gateway: req_ident(cx, p, "TransitGatewayId"),
                vpc: req_ident(cx, p, "VpcId"),
                subnets: list_idents(cx, p, "SubnetIds"),
            })
        }
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
        "AWS::EC2::NetworkAclEntry" => Kind::NetworkAclEntry(NetworkAclEntry {
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
            protocol: get(p, "Protocol")
                .map(|v| string(cx, v))
                .unwrap_or_else(|| cx.unknown("Protocol is missing")),
            cidr: opt_net(cx, p, "CidrBlock")
                .or_else(|| opt_net(cx, p, "Ipv6CidrBlock"))
                .unwrap_or_else(|| cx.unknown("entry has no CIDR")),
            from_port: path(p, &["PortRange", "From"]).map(|v| int(cx, v)),
            to_port: path(p, &["PortRange", "To"]).map(|v| int(cx, v)),
        }),
        "AWS::EC2::SubnetNetworkAclAssociation" => {
            Kind::SubnetNetworkAclAssociation(SubnetNetworkAclAssociation {
                subnet: req_ident(cx, p, "SubnetId"),
                network_acl: req_ident(cx, p, "NetworkAclId"),
            })
        }
        "AWS::EC2::VPCEndpoint" => Kind::VpcEndpoint(VpcEndpoint {
            vpc: req_ident(cx, p, "VpcId"),
            service_name: get(p, "ServiceName")
                .cloned()
                .unwrap_or_else(|| Value::unknown("ServiceName is missing", Some(cx.span.clone()))),
            endpoint_type: get(p, "VpcEndpointType").map(|v| match string(cx, v) {
                Attr::Known(s) => match s.as_str() {
                    "Gateway" => Attr::Known(EndpointType::Gateway),
                    "Interface" => Attr::Known(EndpointType::Interface),
                    "GatewayLoadBalancer" => Attr::Known(EndpointType::GatewayLoadBalancer),
                    other => cx.unknown(format!("endpoint type {other} is not modelled")),
                },
                Attr::Unknown(u) => Attr::Unknown(u),
            }),
            policy: get(p, "PolicyDocument").map(document),
            route_tables: list_idents(cx, p, "RouteTableIds"),
            subnets: list_idents(cx, p, "SubnetIds"),
            security_groups: list_idents(cx, p, "SecurityGroupIds"),
            private_dns: opt_bool(cx, p, "PrivateDnsEnabled"),
        }),
        "AWS::EC2::NetworkInterface" => Kind::NetworkInterface(NetworkInterface {
            subnet: req_ident(cx, p, "SubnetId"),
            security_groups: list_idents(cx, p, "GroupSet"),
        }),
        "AWS::EC2::Instance" => {
            let primary = items(get(p, "NetworkInterfaces")).into_iter().find(|n| {
                get(n, "DeviceIndex")
                    .and_then(literal_string)
                    .is_some_and(|d| d == "0")
            });
            let subnet = opt_ident(cx, p, "SubnetId")
                .or_else(|| primary.and_then(|n| opt_ident(cx, n, "SubnetId")));
            let security_groups = opt_idents(cx, p, "SecurityGroupIds")
                .or_else(|| opt_idents(cx, p, "SecurityGroups"))
                .or_else(|| primary.and_then(|n| opt_idents(cx, n, "GroupSet")))
                .unwrap_or(Attr::Known(Vec::new()));
            Kind::Instance(Instance {
                subnet,
                security_groups,
            })
        }
        "AWS::NetworkFirewall::Firewall" => Kind::NetworkFirewall(NetworkFirewall {
            vpc: req_ident(cx, p, "VpcId"),
            subnets: match get(p, "SubnetMappings") {
                Some(Value::List(maps)) => {
                    let ids: Vec<Value> = maps
                        .iter()
                        .map(|m| get(m, "SubnetId").cloned().unwrap_or(Value::Null))
                        .collect();
                    idents(cx, &Value::List(ids))
                }
                Some(v) => idents(cx, v),
                None => cx.unknown("SubnetMappings is missing"),
            },
            policy: req_ident(cx, p, "FirewallPolicyArn"),
        }),
        "AWS::NetworkFirewall::FirewallPolicy" => {
            let refs = path(p, &["FirewallPolicy", "StatefulRuleGroupReferences"]);
            let stateful_rule_groups = match refs {
                None => Attr::Known(Vec::new()),
                Some(Value::List(rs)) => {
                    let arns: Vec<Value> = rs
                        .iter()
                        .map(|r| get(r, "ResourceArn").cloned().unwrap_or(Value::Null))
                        .collect();
                    idents(cx, &Value::List(arns))
                }
                Some(v) => idents(cx, v),
            };
            Kind::NetworkFirewallPolicy(NetworkFirewallPolicy {
                stateful_rule_groups,
            })
        }
        "AWS::NetworkFirewall::RuleGroup" => {
            let list = path(p, &["RuleGroup", "RulesSource", "RulesSourceList"]);
            let allowed_domains = match list {
                None => Attr::Known(Vec::new()),
                Some(l) => match get(l, "GeneratedRulesType").map(|v| string(cx, v)) {
                    Some(Attr::Known(t)) if t == "ALLOWLIST" => match get(l, "Targets") {
                        Some(Value::List(ts)) => {
                            let mut out = Vec::new();
                            let mut unknown = None;
                            for t in ts {
                                match string(cx, t) {
                                    Attr::Known(s) => out.push(s),
                                    Attr::Unknown(u) => {
                                        unknown.get_or_insert(u);
                                    }
                                }
                            }
                            match unknown {
                                Some(u) => Attr::Unknown(u),
                                None => Attr::Known(out),
                            }
                        }
                        Some(Value::Unknown(u)) => Attr::Unknown(u.clone()),
                        _ => cx.unknown("allow-list rule group without a list of Targets"),
                    },
                    Some(Attr::Unknown(u)) => Attr::Unknown(u),
                    _ => Attr::Known(Vec::new()),
                },
            };
            Kind::NetworkFirewallRuleGroup(NetworkFirewallRuleGroup { allowed_domains })
        }
        "AWS::Route53Resolver::FirewallRuleGroupAssociation" => {
            Kind::ResolverFirewallRuleGroupAssociation(ResolverFirewallRuleGroupAssociation {
                vpc: req_ident(cx, p, "VpcId"),
                rule_group: req_ident(cx, p, "FirewallRuleGroupId"),
            })
        }

        // --- SageMaker ---
        "AWS::SageMaker::NotebookInstance" => Kind::NotebookInstance(NotebookInstance {
            subnet: opt_ident(cx, p, "SubnetId"),
            security_groups: opt_idents(cx, p, "SecurityGroupIds"),
            direct_internet_access: opt_string(cx, p, "DirectInternetAccess"),
            root_access: opt_string(cx, p, "RootAccess"),
            kms_key: opt_string(cx, p, "KmsKeyId"),
            role: get(p, "RoleArn").cloned(),
        }),
        "AWS::SageMaker::Domain" => Kind::Domain(Domain {
            app_network_access_type: opt_string(cx, p, "AppNetworkAccessType"),
            vpc: opt_ident(cx, p, "VpcId"),
            subnets: opt_idents(cx, p, "SubnetIds"),
            default_user_security_groups: path(p, &["DefaultUserSettings", "SecurityGroups"])
                .map(|v| idents(cx, v)),
            default_space_security_groups: path(p, &["DefaultSpaceSettings", "SecurityGroups"])
                .map(|v| idents(cx, v)),
            kms_key: opt_string(cx, p, "KmsKeyId"),
            auth_mode: opt_string(cx, p, "AuthMode"),
        }),
        "AWS::SageMaker::UserProfile" => Kind::UserProfile(UserProfile {
            domain: req_ident(cx, p, "DomainId"),
            security_groups: path(p, &["UserSettings", "SecurityGroups"]).map(|v| idents(cx, v)),
        }),
        "AWS::SageMaker::Space" => Kind::Space(Space {
            domain: req_ident(cx, p, "DomainId"),
            remote_access: path(p, &["SpaceSettings", "RemoteAccess"]).map(|v| string(cx, v)),
        }),
        "AWS::SageMaker::Model" => Kind::Model(SageMakerModel {
            network_isolation: opt_bool(cx, p, "EnableNetworkIsolation"),
            vpc_config: vpc_config(cx, get(p, "VpcConfig")),
        }),
        "AWS::SageMaker::EndpointConfig" => {
            let mut ec = EndpointConfig {
                kms_key: opt_string(cx, p, "KmsKeyId"),
                ..EndpointConfig::default()
            };
            for key in ["ProductionVariants", "ShadowProductionVariants"] {
                match get(p, key) {
                    Some(Value::Unknown(u)) => ec.models.push(Attr::Unknown(u.clone())),
                    v => {
                        for variant in items(v) {
                            if let Some(m) = get(variant, "ModelName") {
                                ec.models.push(ident(cx, m));
                            }
                            if let Some(s) = opt_bool(cx, variant, "EnableSSMAccess") {
                                ec.ssm_access.push(s);
                            }
                        }
                    }
                }
            }
            Kind::EndpointConfig(ec)
        }
        "AWS::SageMaker::ProcessingJob" => {
            Kind::Job(network_config_job(cx, p, JobKind::Processing))
        }
        "AWS::SageMaker::DataQualityJobDefinition" => {
            Kind::Job(network_config_job(cx, p, JobKind::DataQualityMonitoring))
        }
        "AWS::SageMaker::ModelQualityJobDefinition" => {
            Kind::Job(network_config_job(cx, p, JobKind::ModelQualityMonitoring))
        }
        "AWS::SageMaker::ModelBiasJobDefinition" => {
            Kind::Job(network_config_job(cx, p, JobKind::ModelBiasMonitoring))
        }
        "AWS::SageMaker::ModelExplainabilityJobDefinition" => Kind::Job(network_config_job(
            cx,
            p,
            JobKind::ModelExplainabilityMonitoring,
        )),
        "AWS::SageMaker::MonitoringSchedule" => {
            match path(p, &["MonitoringScheduleConfig", "MonitoringJobDefinition"]) {
                Some(def) => Kind::Job(network_config_job(cx, def, JobKind::MonitoringSchedule)),
                None => Kind::Other(Other { custom: false }),
            }
        }
        "AWS::SageMaker::Pipeline" => pipeline::lower_pipeline(cx, p, extra),
        "AWS::StepFunctions::StateMachine" => {
            pipeline::lower_state_machine(cx, p, extra);
            Kind::Other(Other { custom: false })
        }

        // --- IAM and data ---
        "AWS::IAM::Role" => {
            inline_policies(cx, p, extra);
            Kind::Role(Role {
                trust_policy: get(p, "AssumeRolePolicyDocument").map(document),
                managed_policy_arns: match get(p, "ManagedPolicyArns") {
                    None => Attr::Known(Vec::new()),
                    Some(Value::List(v)) => Attr::Known(v.clone()),
                    Some(Value::Unknown(u)) => Attr::Unknown(u.clone()),
                    Some(other) => Attr::Known(vec![other.clone()]),
                },
            })
        }
        "AWS::IAM::User" | "AWS::IAM::Group" => {
            inline_policies(cx, p, extra);
            Kind::Other(Other { custom: false })
        }
        "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => Kind::IamPolicy(IamPolicy {
            policy_kind: PolicyKind::Identity,
            attached_to: attached(cx, p, &["Roles", "Users", "Groups"]),
            document: get(p, "PolicyDocument").map(document).unwrap_or_else(|| {
                Value::unknown("PolicyDocument is missing", Some(cx.span.clone()))
            }),
        }),
        "AWS::Organizations::Policy" => match get(p, "Type").and_then(literal_string).as_deref() {
            Some("SERVICE_CONTROL_POLICY") => Kind::IamPolicy(IamPolicy {
                policy_kind: PolicyKind::ServiceControl,
                attached_to: list_idents(cx, p, "TargetIds"),
                document: get(p, "Content")
                    .map(document)
                    .unwrap_or_else(|| Value::unknown("Content is missing", Some(cx.span.clone()))),
            }),
            _ => Kind::Other(Other { custom: false }),
        },
        "AWS::S3::BucketPolicy" => Kind::IamPolicy(IamPolicy {
            policy_kind: PolicyKind::Resource,
            attached_to: req_ident(cx, p, "Bucket").map(|b| vec![b]),
            document: get(p, "PolicyDocument").map(document).unwrap_or_else(|| {
                Value::unknown("PolicyDocument is missing", Some(cx.span.clone()))
            }),
        }),
        "AWS::S3::Bucket" => Kind::Bucket(Bucket {
            name: opt_string(cx, p, "BucketName"),
        }),
        t => Kind::Other(Other {
            custom: is_custom(t),
        }),
    }
}
