//! VPC endpoints and the workloads that reach them (EP3xx).

use crate::net::service::{classify, Service};
use crate::net::Home;
use crate::{unresolved, Context, Hop, UnknownFinding};
use egressproof_model::{Attr, EndpointType, Ident, Kind, Resource, VpcEndpoint};

/// An endpoint, what it serves, and which workload homes reach it.
pub struct EndpointUse<'a, 'm> {
    pub resource: &'m Resource,
    pub endpoint: &'m VpcEndpoint,
    pub service: Service,
    pub kind: EndpointType,
    pub homes: Vec<&'a Home<'m>>,
    /// Set when whether a home reaches it could not be decided.
    pub unknown: Option<UnknownFinding>,
}

impl EndpointUse<'_, '_> {
    /// Identifiers of the workloads that reach the endpoint (subnets evaluated as future homes
    /// are not workloads).
    pub fn workloads(&self) -> Vec<Ident> {
        let mut out: Vec<Ident> = self
            .homes
            .iter()
            .filter(|h| h.workload)
            .map(|h| h.subject.id.clone())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// The path from the first home to the endpoint.
    pub fn path(&self, last: &str) -> Vec<Hop> {
        let mut path = Vec::new();
        if let Some(h) = self.homes.first() {
            if h.workload {
                path.push(Hop::new(
                    h.subject,
                    format!("network interfaces in subnet {}", h.subnet.name),
                ));
            }
            let how = match self.kind {
                EndpointType::Gateway => "its route table carries the endpoint's prefix-list route",
                _ => "the endpoint's network interfaces and DNS names are in this VPC",
            };
            path.push(Hop::new(h.subnet, how));
        }
        path.push(Hop::new(self.resource, last));
        path
    }
}

/// Every endpoint in a VPC that hosts a workload (or a candidate subnet).
pub fn endpoint_uses<'a, 'm>(ctx: &'a Context<'m>) -> Vec<EndpointUse<'a, 'm>> {
    let homes = &ctx.net().homes;
    let mut out = Vec::new();
    for (r, ep) in ctx.of(|k| match k {
        Kind::VpcEndpoint(e) => Some(e),
        _ => None,
    }) {
        let kind = match &ep.endpoint_type {
            None => EndpointType::Gateway,
            Some(Attr::Known(k)) => *k,
            Some(Attr::Unknown(u)) => {
                let in_vpc: Vec<&Home<'m>> = match &ep.vpc {
                    Attr::Known(v) => homes.iter().filter(|h| &h.vpc == v).collect(),
                    Attr::Unknown(_) => homes.iter().collect(),
                };
                if !in_vpc.is_empty() {
                    out.push(EndpointUse {
                        resource: r,
                        endpoint: ep,
                        service: classify(&ep.service_name, |i| ctx.get(i).is_some()),
                        kind: EndpointType::Interface,
                        homes: in_vpc,
                        unknown: Some(unresolved(u, &format!("VPC endpoint {}: its type", r.name))),
                    });
                }
                continue;
            }
        };
        if kind == EndpointType::GatewayLoadBalancer {
            continue;
        }
        let mut unknown = None;
        let in_vpc: Vec<&Home<'m>> = match &ep.vpc {
            Attr::Known(v) => homes.iter().filter(|h| &h.vpc == v).collect(),
            Attr::Unknown(u) => {
                if !homes.is_empty() {
                    unknown = Some(unresolved(u, &format!("VPC endpoint {}: its VPC", r.name)));
                }
                homes.iter().collect()
            }
        };
        if in_vpc.is_empty() {
            continue;
        }
        let reached: Vec<&Home<'m>> = match kind {
            EndpointType::Gateway => match &ep.route_tables {
                Attr::Known(tables) => in_vpc
                    .into_iter()
                    .filter(|h| h.tables.iter().any(|t| tables.contains(t)))
                    .collect(),
                Attr::Unknown(u) => {
                    unknown = Some(unresolved(
                        u,
                        &format!("VPC endpoint {}: its route tables", r.name),
                    ));
                    in_vpc
                }
            },
            _ => in_vpc,
        };
        if reached.is_empty() {
            continue;
        }
        out.push(EndpointUse {
            resource: r,
            endpoint: ep,
            service: classify(&ep.service_name, |i| ctx.get(i).is_some()),
            kind,
            homes: reached,
            unknown,
        });
    }
    out
}

/// The VPCs that host workloads (or candidate subnets), each with its homes, in model order.
pub fn home_vpcs<'a, 'm>(ctx: &'a Context<'m>) -> Vec<(Ident, Vec<&'a Home<'m>>)> {
    let mut out: Vec<(Ident, Vec<&'a Home<'m>>)> = Vec::new();
    for h in &ctx.net().homes {
        match out.iter_mut().find(|(v, _)| v == &h.vpc) {
            Some((_, hs)) => hs.push(h),
            None => out.push((h.vpc.clone(), vec![h])),
        }
    }
    out
}
