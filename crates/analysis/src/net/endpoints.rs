//! VPC endpoints and the workloads that reach them (EP3xx).
//!
//! A workload reaches an endpoint when a route or its VPC puts it there *and* the traffic gets
//! through, read as the egress rules read it (EP201, EP205: the same security group and network
//! ACL evaluation): an interface endpoint of an AWS service takes HTTPS on 443 (another's
//! endpoint service, a port of its own) at its network interfaces, behind
//! its own security groups (the VPC's default group when it names none, which admits only its
//! own members) and its subnets' network ACLs; a gateway endpoint takes traffic to the
//! service's public addresses (S3's prefix list), which the workload's security groups and
//! subnet ACL must let out. Only a certain "no" drops a workload: an unresolved rule counts as
//! letting the traffic through. A subnet judged as the home of workloads to come has no
//! security group yet (they may use any of the VPC's): only its network ACLs count.

use crate::net::relay::{acl_admits, reaches_interfaces, Interfaces};
use crate::net::service::{classify, Service};
use crate::net::space::internet;
use crate::net::topology::{Admission, Network};
use crate::net::Home;
use crate::{unresolved, Context, Hop, UnknownFinding};
use egressproof_model::{Attr, EndpointType, Ident, Kind, Resource, VpcEndpoint};

/// The port an interface endpoint serves its AWS API on.
const HTTPS: u16 = 443;

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
        path.push(Hop::new(self.resource, last.to_string()));
        path
    }
}

/// Every endpoint in a VPC that hosts a workload (or a candidate subnet).
pub fn endpoint_uses<'a, 'm>(ctx: &'a Context<'m>) -> Vec<EndpointUse<'a, 'm>> {
    let homes = &ctx.net().homes;
    let net = Network::new(ctx);
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
        let service = classify(&ep.service_name, |i| ctx.get(i).is_some());
        // An AWS service answers on HTTPS; another's endpoint service on a port of its own.
        let port = matches!(service, Service::Aws(_)).then_some(HTTPS);
        let reached: Vec<&Home<'m>> = reached
            .into_iter()
            .filter(|h| !matches!(gets_through(&net, h, r, ep, kind, port), Admission::No))
            .collect();
        if reached.is_empty() {
            continue;
        }
        out.push(EndpointUse {
            resource: r,
            endpoint: ep,
            service,
            kind,
            homes: reached,
            unknown,
        });
    }
    out
}

/// Whether a workload's traffic for the endpoint (TCP to `port` for an interface endpoint, when
/// the port is known) gets through the security groups and network ACLs on the way. `No` only
/// when that is certain.
fn gets_through(
    net: &Network<'_, '_>,
    home: &Home<'_>,
    endpoint: &Resource,
    ep: &VpcEndpoint,
    kind: EndpointType,
    port: Option<u16>,
) -> Admission {
    if kind == EndpointType::Gateway {
        // To the service's public addresses: a security group rule for its prefix list, or a
        // range that holds them, must let them out, and so must the subnet's ACL.
        let public = internet();
        let acl = net.subnet_nacl(home.subnet, &home.vpc).filter;
        let out = |maybe: &crate::net::Space| maybe.intersects(&public);
        if home.workload {
            let groups = net.sg_filter(&home.groups, &home.subject.name);
            if !out(&groups.maybe) {
                return Admission::No;
            }
        }
        if !out(&acl.maybe) {
            return Admission::No;
        }
        return acl_admits(&acl, &public);
    }
    let (Attr::Known(subnets), Attr::Known(vpc)) = (&ep.subnets, &ep.vpc) else {
        return Admission::Maybe(UnknownFinding {
            rule: crate::Rule::UnresolvedValue,
            message: format!("VPC endpoint {}: its subnets or VPC", endpoint.name),
            span: Some(endpoint.span.clone()),
        });
    };
    let groups: Vec<Ident> = match &ep.security_groups {
        Attr::Known(g) if g.is_empty() => vec![Ident::default_security_group_of(vpc)],
        Attr::Known(g) => g.clone(),
        Attr::Unknown(u) => {
            return Admission::Maybe(unresolved(
                u,
                &format!("VPC endpoint {}: its security groups", endpoint.name),
            ))
        }
    };
    let mut verdict = Admission::No;
    for subnet in subnets {
        let Some(subnet) = net.ctx.get(subnet) else {
            // A subnet outside the scan: what its ACL lets in is not known.
            return Admission::Maybe(UnknownFinding {
                rule: crate::Rule::UnresolvedValue,
                message: format!(
                    "VPC endpoint {}: subnet {subnet} is not in the scan",
                    endpoint.name
                ),
                span: Some(endpoint.span.clone()),
            });
        };
        let to = Interfaces {
            subnet,
            vpc,
            groups: &groups,
            name: &endpoint.name,
        };
        let admission = if home.workload {
            reaches_interfaces(net, home, &to, port)
        } else {
            acls_admit(net, home, &to)
        };
        match admission {
            yes @ Admission::Yes { .. } => return yes,
            maybe @ Admission::Maybe(_) => verdict = maybe,
            Admission::No => {}
        }
    }
    if subnets.is_empty() {
        return Admission::Maybe(UnknownFinding {
            rule: crate::Rule::UnresolvedValue,
            message: format!("VPC endpoint {}: it names no subnet", endpoint.name),
            span: Some(endpoint.span.clone()),
        });
    }
    verdict
}

/// Whether the network ACLs between a subnet and interfaces in another let traffic through
/// (traffic within one subnet crosses none).
fn acls_admit(net: &Network<'_, '_>, home: &Home<'_>, to: &Interfaces<'_, '_>) -> Admission {
    if home.subnet.id == to.subnet.id {
        return Admission::Yes {
            group: Ident::new("network ACL"),
        };
    }
    let from = net.subnet_space(home.subnet);
    let to_space = net.subnet_space(to.subnet);
    let out = acl_admits(&net.subnet_nacl(home.subnet, &home.vpc).filter, &to_space);
    let inward = acl_admits(&net.subnet_nacl_ingress(to.subnet, to.vpc).filter, &from);
    match (out, inward) {
        (Admission::No, _) | (_, Admission::No) => Admission::No,
        (Admission::Maybe(u), _) | (_, Admission::Maybe(u)) => Admission::Maybe(u),
        (yes, _) => yes,
    }
}

/// The VPCs that host workloads (or candidate subnets), each with its homes, in model order.
/// Linear in the homes (an index by VPC): an estate has as many VPCs as it has workloads.
pub fn home_vpcs<'a, 'm>(ctx: &'a Context<'m>) -> Vec<(Ident, Vec<&'a Home<'m>>)> {
    let mut out: Vec<(Ident, Vec<&'a Home<'m>>)> = Vec::new();
    let mut at: std::collections::HashMap<&Ident, usize> = std::collections::HashMap::new();
    for h in &ctx.net().homes {
        match at.get(&h.vpc) {
            Some(&i) => out[i].1.push(h),
            None => {
                at.insert(&h.vpc, out.len());
                out.push((h.vpc.clone(), vec![h]));
            }
        }
    }
    out
}
