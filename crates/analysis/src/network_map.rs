//! What a report needs to draw an environment's network: each VPC with its subnets grouped by
//! the route table that applies to them (AWS's fallback to the main table included), its
//! routes, gateways (internet, NAT, egress-only, transit, peering, VPN), endpoints and
//! firewalls. Leak paths are drawn over it: every hop of a finding names a resource by the
//! same identifier as the map.
//!
//! Only what is known is drawn: an unresolved attribute is an unknown elsewhere in the analysis
//! (EP902), and here the resource is simply left out of the group it cannot be placed in
//! (a subnet whose table is unknown goes to a group without a table).

use crate::net::Network;
use crate::{Context, ResourceRef};
use egressproof_model::{
    Attr, Destination, EndpointType, Ident, Kind, Resource, Route, TargetKind,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Every VPC of the analysed model, in the model's order.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkMap {
    pub vpcs: Vec<VpcMap>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VpcMap {
    pub vpc: ResourceRef,
    /// Its IPv4 and IPv6 blocks, as known.
    pub cidrs: Vec<String>,
    /// Route tables of the VPC, each with the subnets it applies to; a group without a table
    /// holds the subnets whose table could not be resolved.
    pub route_tables: Vec<RouteTableMap>,
    pub gateways: Vec<GatewayMap>,
    pub endpoints: Vec<EndpointMap>,
    pub firewalls: Vec<FirewallMap>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteTableMap {
    pub table: Option<ResourceRef>,
    pub main: bool,
    pub subnets: Vec<ResourceRef>,
    pub routes: Vec<RouteMap>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteMap {
    pub route: ResourceRef,
    /// `0.0.0.0/0`, `::/0`, or a prefix list's identifier.
    pub destination: String,
    /// The target's identifier (a gateway of the map, or something outside the scan).
    pub target: Option<Ident>,
}

/// What a gateway is, for the legend and the shape drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum GatewayKind {
    Internet,
    EgressOnly,
    Nat,
    TransitGateway,
    Peering,
    /// A virtual private gateway: VPN and Direct Connect.
    VpnOrDirectConnect,
    Carrier,
}

impl GatewayKind {
    pub const fn label(self) -> &'static str {
        match self {
            GatewayKind::Internet => "internet gateway",
            GatewayKind::EgressOnly => "egress-only internet gateway",
            GatewayKind::Nat => "NAT gateway",
            GatewayKind::TransitGateway => "transit gateway",
            GatewayKind::Peering => "VPC peering",
            GatewayKind::VpnOrDirectConnect => "VPN / Direct Connect gateway",
            GatewayKind::Carrier => "carrier gateway",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GatewayMap {
    pub gateway: ResourceRef,
    pub kind: GatewayKind,
    /// The subnet a NAT gateway sits in.
    pub subnet: Option<Ident>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EndpointMap {
    pub endpoint: ResourceRef,
    /// The service name as far as it is known (`com.amazonaws.<region>.s3`).
    pub service: String,
    /// A gateway endpoint (S3, DynamoDB: a route in the tables) rather than an interface.
    pub gateway: bool,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FirewallMap {
    pub firewall: ResourceRef,
    pub subnets: Vec<Ident>,
}

fn known_vpc(a: &Attr<Ident>) -> Option<&str> {
    a.known().map(Ident::as_str)
}

fn destination(d: &Attr<Destination>) -> String {
    match d.known() {
        Some(Destination::V4(n)) => n.to_string(),
        Some(Destination::V6(n)) => n.to_string(),
        Some(Destination::PrefixList(p)) => format!("prefix list {p}"),
        None => "(unresolved)".to_string(),
    }
}

/// The map of the context's model.
pub(crate) fn of(ctx: &Context<'_>) -> NetworkMap {
    let mut extra: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (_, b) in ctx.of(|k| match k {
        Kind::VpcCidrBlock(b) => Some(b),
        _ => None,
    }) {
        if let (Some(vpc), Some(c)) = (known_vpc(&b.vpc), b.cidr.as_ref().and_then(Attr::known)) {
            extra.entry(vpc).or_default().push(c.to_string());
        }
    }
    let mut vpcs: Vec<VpcMap> = Vec::new();
    let mut index: BTreeMap<&str, usize> = BTreeMap::new();
    for r in ctx.resources() {
        if let Kind::Vpc(v) = &r.kind {
            index.insert(r.id.as_str(), vpcs.len());
            let mut cidrs: Vec<String> = v
                .cidr_v4
                .as_ref()
                .and_then(Attr::known)
                .map(|c| c.to_string())
                .into_iter()
                .collect();
            cidrs.extend(extra.remove(r.id.as_str()).unwrap_or_default());
            vpcs.push(VpcMap {
                vpc: r.into(),
                cidrs,
                route_tables: Vec::new(),
                gateways: Vec::new(),
                endpoints: Vec::new(),
                firewalls: Vec::new(),
            });
        }
    }
    if vpcs.is_empty() {
        return NetworkMap::default();
    }
    let net = Network::new(ctx);
    tables(ctx, &net, &index, &mut vpcs);
    gateways(ctx, &index, &mut vpcs);
    endpoints_and_firewalls(ctx, &index, &mut vpcs);
    NetworkMap { vpcs }
}

/// Route tables with their routes, and each subnet under the first table that certainly
/// applies to it.
fn tables(
    ctx: &Context<'_>,
    net: &Network<'_, '_>,
    index: &BTreeMap<&str, usize>,
    vpcs: &mut [VpcMap],
) {
    let mut table_at: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for r in ctx.resources() {
        let Kind::RouteTable(t) = &r.kind else {
            continue;
        };
        let Some(&v) = known_vpc(&t.vpc).and_then(|id| index.get(id)) else {
            continue;
        };
        let main = t.main || net.main_tables(&vpcs[v].vpc.id).contains(&r.id);
        table_at.insert(r.id.as_str(), (v, vpcs[v].route_tables.len()));
        vpcs[v].route_tables.push(RouteTableMap {
            table: Some(r.into()),
            main,
            subnets: Vec::new(),
            routes: net
                .routes_of(r.id.as_str())
                .iter()
                .map(|(res, route)| route_map(res, route))
                .collect(),
        });
    }
    for r in ctx.resources() {
        let Kind::Subnet(s) = &r.kind else {
            continue;
        };
        let Some(&v) = known_vpc(&s.vpc).and_then(|id| index.get(id)) else {
            continue;
        };
        let vpc_id = vpcs[v].vpc.id.clone();
        let chosen = net.subnet_tables(r, &vpc_id);
        let placed = chosen
            .certain
            .first()
            .and_then(|c| table_at.get(c.table.as_str()))
            .filter(|(tv, _)| *tv == v);
        let implicit = Ident::main_route_table_of(&vpc_id);
        match placed {
            Some(&(_, t)) => vpcs[v].route_tables[t].subnets.push(r.into()),
            None if chosen.certain.first().map(|c| &c.table) == Some(&implicit) => {
                implicit_main(net, &mut vpcs[v], implicit)
                    .subnets
                    .push(r.into());
            }
            None => unplaced(&mut vpcs[v]).subnets.push(r.into()),
        }
    }
}

/// The main route table AWS creates with a VPC, when the scan declares none (created on first
/// use): only the local route, unless the scan adds routes to it.
fn implicit_main<'v>(
    net: &Network<'_, '_>,
    vpc: &'v mut VpcMap,
    id: Ident,
) -> &'v mut RouteTableMap {
    let at = match vpc
        .route_tables
        .iter()
        .position(|t| t.table.as_ref().is_some_and(|r| r.id == id))
    {
        Some(i) => i,
        None => {
            let routes = net
                .routes_of(id.as_str())
                .iter()
                .map(|(res, route)| route_map(res, route))
                .collect();
            vpc.route_tables.push(RouteTableMap {
                table: Some(ResourceRef::new(
                    id,
                    "AWS::EC2::RouteTable",
                    format!("{} main route table (created by AWS)", vpc.vpc.name),
                    Default::default(),
                )),
                main: true,
                subnets: Vec::new(),
                routes,
            });
            vpc.route_tables.len() - 1
        }
    };
    &mut vpc.route_tables[at]
}

fn route_map(res: &Resource, route: &Route) -> RouteMap {
    RouteMap {
        route: res.into(),
        destination: destination(&route.destination),
        target: route
            .target
            .known()
            .and_then(|t| (t.kind != TargetKind::Local).then(|| t.id.known().cloned())?),
    }
}

/// The group of subnets whose route table is not known (created on first use).
fn unplaced(vpc: &mut VpcMap) -> &mut RouteTableMap {
    let at = match vpc.route_tables.iter().position(|t| t.table.is_none()) {
        Some(i) => i,
        None => {
            vpc.route_tables.push(RouteTableMap {
                table: None,
                main: false,
                subnets: Vec::new(),
                routes: Vec::new(),
            });
            vpc.route_tables.len() - 1
        }
    };
    &mut vpc.route_tables[at]
}

fn gateway_kind(kind: &Kind) -> Option<GatewayKind> {
    Some(match kind {
        Kind::InternetGateway(_) => GatewayKind::Internet,
        Kind::EgressOnlyInternetGateway(_) => GatewayKind::EgressOnly,
        Kind::VpnGateway(_) => GatewayKind::VpnOrDirectConnect,
        Kind::CarrierGateway(_) => GatewayKind::Carrier,
        Kind::NatGateway(_) => GatewayKind::Nat,
        Kind::TransitGateway(_) => GatewayKind::TransitGateway,
        Kind::VpcPeeringConnection(_) => GatewayKind::Peering,
        _ => return None,
    })
}

/// Each gateway under every VPC it serves: by its own VPC, an attachment, the subnet of a NAT
/// gateway, either side of a peering.
fn gateways(ctx: &Context<'_>, index: &BTreeMap<&str, usize>, vpcs: &mut [VpcMap]) {
    let subnet_vpc: BTreeMap<&str, &str> = ctx
        .of(|k| match k {
            Kind::Subnet(s) => Some(s),
            _ => None,
        })
        .filter_map(|(r, s)| Some((r.id.as_str(), known_vpc(&s.vpc)?)))
        .collect();
    let mut add = |vpc: Option<&str>, gw: &Resource, subnet: Option<Ident>| {
        let (Some(&v), Some(kind)) = (vpc.and_then(|id| index.get(id)), gateway_kind(&gw.kind))
        else {
            return;
        };
        if !vpcs[v].gateways.iter().any(|g| g.gateway.id == gw.id) {
            vpcs[v].gateways.push(GatewayMap {
                gateway: gw.into(),
                kind,
                subnet,
            });
        }
    };
    for r in ctx.resources() {
        match &r.kind {
            Kind::InternetGateway(g)
            | Kind::EgressOnlyInternetGateway(g)
            | Kind::VpnGateway(g)
            | Kind::CarrierGateway(g) => {
                add(g.vpc.as_ref().and_then(known_vpc), r, None);
            }
            Kind::GatewayAttachment(a) => {
                if let Some(gw) = a.gateway.known().and_then(|g| ctx.get(g)) {
                    add(known_vpc(&a.vpc), gw, None);
                }
            }
            Kind::NatGateway(n) => {
                let subnet = n.subnet.known();
                let vpc = subnet.and_then(|s| subnet_vpc.get(s.as_str()).copied());
                add(vpc, r, subnet.cloned());
            }
            Kind::TransitGatewayAttachment(a) => {
                if let Some(gw) = a.transit_gateway.known().and_then(|g| ctx.get(g)) {
                    add(known_vpc(&a.vpc), gw, None);
                }
            }
            Kind::VpcPeeringConnection(p) => {
                add(known_vpc(&p.vpc), r, None);
                add(known_vpc(&p.peer_vpc), r, None);
            }
            _ => {}
        }
    }
}

fn endpoints_and_firewalls(ctx: &Context<'_>, index: &BTreeMap<&str, usize>, vpcs: &mut [VpcMap]) {
    for r in ctx.resources() {
        match &r.kind {
            Kind::VpcEndpoint(e) => {
                if let Some(&v) = known_vpc(&e.vpc).and_then(|id| index.get(id)) {
                    vpcs[v].endpoints.push(EndpointMap {
                        endpoint: r.into(),
                        service: e
                            .service_name
                            .as_str()
                            .map_or_else(|| "(unresolved service)".to_string(), str::to_string),
                        // Absent, the type is AWS's default: a gateway endpoint.
                        gateway: matches!(
                            e.endpoint_type,
                            None | Some(Attr::Known(EndpointType::Gateway))
                        ),
                    });
                }
            }
            Kind::NetworkFirewall(f) => {
                if let Some(&v) = known_vpc(&f.vpc).and_then(|id| index.get(id)) {
                    vpcs[v].firewalls.push(FirewallMap {
                        firewall: r.into(),
                        subnets: f.subnets.known().cloned().unwrap_or_default(),
                    });
                }
            }
            _ => {}
        }
    }
}
