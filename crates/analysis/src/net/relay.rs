//! Relay hosts (EP205): an instance or network interface in a workload's VPC that the workload can
//! reach on some port (its security groups, the host's and the network ACLs let it) and that
//! itself reaches the internet. Whatever runs there (a forward proxy, a bastion, a NAT instance
//! no route points at) can carry the workload's data out, past the workload's own routes.
//!
//! Each host's ways out are found once, the way a workload's are (the route tables' walks are
//! memoised and shared with the workloads); a host that does not reach the internet is never
//! paired. Whether a workload reaches a host is decided once per workload subnet, security
//! groups and host.

use crate::net::reach::{describe, ExitKind, Home, Leak, Walker};
use crate::net::topology::{Admission, Direction, Filter, Network};
use crate::net::Space;
use crate::{unresolved, Context, Hop, UnknownFinding};
use egressproof_model::{Attr, Ident, Kind, Resource, Subnet};
use std::collections::{HashMap, HashSet};

/// A workload (or a subnet judged as a future workload's home) that can relay data through a
/// host, and one of the host's ways out.
#[derive(Clone, Debug)]
pub struct Relayed<'m> {
    pub subject: &'m Resource,
    pub workload: bool,
    /// The workload's subnet.
    pub subnet: &'m Resource,
    pub host: &'m Resource,
    /// Where the host's traffic ends, and for which addresses.
    pub kind: ExitKind,
    pub space: Space,
    /// Short names of the host's way out ("internet gateway Igw").
    pub via: Vec<String>,
    /// Workload -> security group -> host -> the host's route -> internet.
    pub path: Vec<Hop>,
}

/// The relays found, and what keeps others from being decided.
#[derive(Default)]
pub(crate) struct Relays<'m> {
    pub found: Vec<Relayed<'m>>,
    pub unknowns: Vec<UnknownFinding>,
}

/// How a host comes by a public IPv4 address, which a route to an internet gateway needs.
enum PublicAddress {
    /// It has one; the words say how.
    Yes(String),
    No,
    /// Only if an unresolved value says so.
    Doubt(UnknownFinding),
}

/// A host in a workload's VPC that reaches the internet (or may).
struct Host<'m> {
    resource: &'m Resource,
    subnet: &'m Resource,
    vpc: Ident,
    groups: Vec<Ident>,
    /// Set when its security groups are unresolved: whether it admits anyone is unknown.
    groups_unknown: Option<UnknownFinding>,
    /// Its ways to the internet, each with how it gets there.
    exits: Vec<(Leak<'m>, String)>,
    /// What could add a way out.
    unknowns: Vec<UnknownFinding>,
}

/// Every relay of the workloads placed in `homes`.
pub(crate) fn find<'m>(walker: &mut Walker<'_, '_, 'm>, homes: &[Home<'m>]) -> Relays<'m> {
    let mut out = Relays::default();
    if homes.is_empty() {
        return out;
    }
    let hosts = hosts(walker, homes, &mut out.unknowns);
    if hosts.is_empty() {
        return out;
    }
    let net = walker.net;
    let mut decided: HashMap<(&str, &[Ident], &str), Admission> = HashMap::new();
    for home in homes {
        let Some(candidates) = hosts.get(&home.vpc) else {
            continue;
        };
        // A host a route of the workload's own tables points at is a NAT instance or appliance
        // on the workload's path: EP201 reports it.
        let targets = route_targets(net, &home.tables);
        for host in candidates {
            if targets.contains(host.resource.id.as_str()) {
                continue;
            }
            let admission = decided
                .entry((
                    home.subnet.id.as_str(),
                    home.groups.as_slice(),
                    host.resource.id.as_str(),
                ))
                .or_insert_with(|| reaches(net, home, host))
                .clone();
            let group = match admission {
                Admission::No => continue,
                Admission::Maybe(u) => {
                    if !host.exits.is_empty() {
                        out.unknowns.push(deciding(u, home, host));
                    }
                    continue;
                }
                Admission::Yes { group } => group,
            };
            if let Some(doubt) = &home.doubt {
                if !host.exits.is_empty() {
                    out.unknowns.push(deciding(doubt.clone(), home, host));
                }
                continue;
            }
            out.unknowns.extend(host.unknowns.iter().cloned());
            for (leak, how) in &host.exits {
                out.found.push(relayed(net, home, host, &group, leak, how));
            }
        }
    }
    out
}

/// The instances and network interfaces in the workloads' VPCs that reach the internet (or may),
/// by VPC.
fn hosts<'m>(
    walker: &mut Walker<'_, '_, 'm>,
    homes: &[Home<'m>],
    unknowns: &mut Vec<UnknownFinding>,
) -> HashMap<Ident, Vec<Host<'m>>> {
    let ctx = walker.net.ctx;
    let vpcs: HashSet<&Ident> = homes.iter().map(|h| &h.vpc).collect();
    let addresses = elastic_ips(ctx);
    let mut out: HashMap<Ident, Vec<Host<'m>>> = HashMap::new();
    for r in ctx.resources() {
        let (subnet, groups, asked) = match &r.kind {
            Kind::Instance(i) => match &i.subnet {
                // No subnet: the default VPC's, which the scan does not hold.
                None => continue,
                Some(s) => (s, &i.security_groups, Some(&i.public_ip)),
            },
            Kind::NetworkInterface(n) => (&n.subnet, &n.security_groups, None),
            _ => continue,
        };
        let subnet_id = match subnet {
            Attr::Known(s) => s,
            Attr::Unknown(u) => {
                unknowns.push(unresolved(
                    u,
                    &format!(
                        "{}: its subnet (a host the workloads reach that reaches the internet relays their data)",
                        r.name
                    ),
                ));
                continue;
            }
        };
        let Some(subnet) = ctx.get(subnet_id) else {
            continue;
        };
        let Kind::Subnet(sn) = &subnet.kind else {
            continue;
        };
        let Attr::Known(vpc) = &sn.vpc else {
            continue;
        };
        if !vpcs.contains(vpc) {
            continue;
        }
        let (groups, groups_unknown) = match groups {
            Attr::Known(g) if !g.is_empty() => (g.clone(), None),
            Attr::Known(_) => (vec![Ident::default_security_group_of(vpc)], None),
            Attr::Unknown(u) => (
                Vec::new(),
                Some(unresolved(u, &format!("{}: security groups", r.name))),
            ),
        };
        let public = public_address(r, asked, sn, &addresses);
        let found = walker.host_exits(r, subnet_id.clone(), Some(groups.clone()));
        let mut host = Host {
            resource: r,
            subnet,
            vpc: vpc.clone(),
            groups,
            groups_unknown,
            exits: Vec::new(),
            unknowns: found.unknowns,
        };
        for leak in found.leaks {
            let how = match (&leak.kind, leak.translated, &public) {
                (ExitKind::EgressOnly, _, _) => "it has an IPv6 address".to_string(),
                (ExitKind::Internet | ExitKind::Filtered { .. }, true, _) => {
                    "its traffic gets a public address on the way".to_string()
                }
                (
                    ExitKind::Internet | ExitKind::Filtered { .. },
                    false,
                    PublicAddress::Yes(how),
                ) => how.clone(),
                (
                    ExitKind::Internet | ExitKind::Filtered { .. },
                    false,
                    PublicAddress::Doubt(u),
                ) => {
                    host.unknowns.push(UnknownFinding {
                        message: format!(
                            "{} (decides whether {} reaches {} through {})",
                            u.message,
                            r.name,
                            describe(&leak.kind),
                            leak.via.join(" -> ")
                        ),
                        ..u.clone()
                    });
                    continue;
                }
                // No public address: an internet gateway does not carry its traffic. Networks
                // beyond the scan are EP203's, from the workload's own routes.
                _ => continue,
            };
            host.exits.push((leak, how));
        }
        if !host.exits.is_empty() || !host.unknowns.is_empty() {
            out.entry(vpc.clone()).or_default().push(host);
        }
    }
    out
}

/// Elastic IPs by what they are attached to; an association whose target is unresolved may be
/// any host's.
struct Addresses<'m> {
    attached: HashMap<&'m str, &'m Resource>,
    loose: Option<UnknownFinding>,
}

fn elastic_ips<'m>(ctx: &Context<'m>) -> Addresses<'m> {
    let mut out = Addresses {
        attached: HashMap::new(),
        loose: None,
    };
    for r in ctx.resources() {
        if let Kind::ElasticIp(e) = &r.kind {
            match &e.attached_to {
                Some(Attr::Known(target)) => {
                    out.attached.insert(target.as_str(), r);
                }
                Some(Attr::Unknown(u)) => {
                    out.loose.get_or_insert_with(|| {
                        unresolved(u, &format!("Elastic IP {}: what it is attached to", r.name))
                    });
                }
                None => {}
            }
        }
    }
    out
}

/// Whether a host has a public IPv4 address: an Elastic IP, or (an instance) the address its
/// primary interface asks for, else the one its subnet maps on launch.
fn public_address(
    host: &Resource,
    asked: Option<&Option<Attr<bool>>>,
    subnet: &Subnet,
    addresses: &Addresses<'_>,
) -> PublicAddress {
    if let Some(eip) = addresses.attached.get(host.id.as_str()) {
        return PublicAddress::Yes(format!("it has a public address (Elastic IP {})", eip.name));
    }
    let own = match asked {
        Some(Some(Attr::Known(true))) => {
            PublicAddress::Yes("it has a public address (AssociatePublicIpAddress)".to_string())
        }
        Some(Some(Attr::Known(false))) => PublicAddress::No,
        Some(Some(Attr::Unknown(u))) => PublicAddress::Doubt(unresolved(
            u,
            &format!("{}: whether it gets a public address", host.name),
        )),
        // Not asked either way: the subnet decides (an interface created on its own gets none).
        Some(None) => match &subnet.map_public_ip_on_launch {
            Some(Attr::Known(true)) => PublicAddress::Yes(
                "it has a public address (its subnet maps one on launch)".to_string(),
            ),
            Some(Attr::Unknown(u)) => PublicAddress::Doubt(unresolved(
                u,
                &format!("{}: whether its subnet maps a public address", host.name),
            )),
            _ => PublicAddress::No,
        },
        None => PublicAddress::No,
    };
    match (own, &addresses.loose) {
        (PublicAddress::No, Some(u)) => PublicAddress::Doubt(u.clone()),
        (own, _) => own,
    }
}

/// The resources that routes of these tables point at.
fn route_targets<'m>(net: &Network<'_, 'm>, tables: &[Ident]) -> HashSet<&'m str> {
    let mut out = HashSet::new();
    for t in tables {
        for (_, route) in net.routes_of(t.as_str()) {
            if let Attr::Known(target) = &route.target {
                if let Attr::Known(id) = &target.id {
                    out.insert(id.as_str());
                }
            }
        }
    }
    out
}

/// Whether the workload's interfaces in `home` reach the host on some port: out through the
/// workload's security groups and its subnet's network ACL, in through the host subnet's network
/// ACL and the host's security groups. Traffic within one subnet crosses no network ACL.
fn reaches(net: &Network<'_, '_>, home: &Home<'_>, host: &Host<'_>) -> Admission {
    if let Some(u) = &host.groups_unknown {
        return Admission::Maybe(u.clone());
    }
    let to = Interfaces {
        subnet: host.subnet,
        vpc: &host.vpc,
        groups: &host.groups,
        name: &host.resource.name,
    };
    reaches_interfaces(net, home, &to, None)
}

/// Network interfaces in the workload's VPC (a host's, an interface endpoint's).
pub(crate) struct Interfaces<'a, 'm> {
    pub subnet: &'m Resource,
    pub vpc: &'a Ident,
    pub groups: &'a [Ident],
    pub name: &'a str,
}

/// Whether the workload's interfaces in `home` reach interfaces `to` (TCP to `port` only, or any
/// traffic): out through the workload's security groups and its subnet's network ACL, in
/// through the other subnet's network ACL and the other interfaces' security groups. Traffic
/// within one subnet crosses no network ACL.
pub(crate) fn reaches_interfaces(
    net: &Network<'_, '_>,
    home: &Home<'_>,
    to: &Interfaces<'_, '_>,
    port: Option<u16>,
) -> Admission {
    let from = net.subnet_space(home.subnet);
    let to_space = net.subnet_space(to.subnet);
    let out_groups = net.sg_admits_on(
        &home.groups,
        Direction::Egress,
        &to_space,
        to.groups,
        &home.subject.name,
        port,
    );
    let in_groups = net.sg_admits_on(
        to.groups,
        Direction::Ingress,
        &from,
        &home.groups,
        to.name,
        port,
    );
    let mut steps = vec![in_groups];
    if home.subnet.id != to.subnet.id {
        let out_acl = net.subnet_nacl(home.subnet, &home.vpc).filter;
        let in_acl = net.subnet_nacl_ingress(to.subnet, to.vpc).filter;
        steps.push(acl_admits(&out_acl, &to_space));
        steps.push(acl_admits(&in_acl, &from));
    }
    let mut result = out_groups;
    for step in steps {
        result = match (result, step) {
            (Admission::No, _) | (_, Admission::No) => Admission::No,
            (Admission::Maybe(u), _) | (_, Admission::Maybe(u)) => Admission::Maybe(u),
            (yes, Admission::Yes { .. }) => yes,
        };
    }
    result
}

/// Whether a network ACL's filter lets some of `space` through.
pub(crate) fn acl_admits(filter: &Filter, space: &Space) -> Admission {
    if filter.sure.intersects(space) {
        return Admission::Yes {
            group: Ident::new("network ACL"),
        };
    }
    if filter.maybe.intersects(space) {
        if let Some(u) = filter.unknowns.first() {
            return Admission::Maybe(u.clone());
        }
    }
    Admission::No
}

/// An unknown about a workload or a host, with what it decides.
fn deciding(u: UnknownFinding, home: &Home<'_>, host: &Host<'_>) -> UnknownFinding {
    UnknownFinding {
        message: format!(
            "{} (decides whether {} can relay data through {}, which reaches the internet)",
            u.message, home.subject.name, host.resource.name
        ),
        ..u
    }
}

/// The finding's material: the path from the workload through its security group to the host
/// and on along the host's way out.
fn relayed<'m>(
    net: &Network<'_, 'm>,
    home: &Home<'m>,
    host: &Host<'m>,
    group: &Ident,
    leak: &Leak<'m>,
    how: &str,
) -> Relayed<'m> {
    let mut path = Vec::new();
    if home.workload {
        path.push(Hop::new(
            home.subject,
            format!("network interfaces in subnet {}", home.subnet.name),
        ));
    } else {
        path.push(Hop::new(
            home.subnet,
            "a workload placed here, with the VPC's default security group",
        ));
    }
    let note = format!(
        "lets {} reach {} (any port); {}'s security groups admit it and the network ACLs allow it",
        home.subject.name, host.resource.name, host.resource.name
    );
    path.push(match net.ctx.get(group) {
        Some(r) => Hop::new(r, note),
        None => Hop::external("AWS::EC2::SecurityGroup", &net.name_of(group), note),
    });
    path.push(Hop::new(
        host.resource,
        format!("can forward what it receives (proxy, bastion, NAT); {how}"),
    ));
    path.extend(leak.path.iter().cloned());
    Relayed {
        subject: home.subject,
        workload: home.workload,
        subnet: home.subnet,
        host: host.resource,
        kind: leak.kind.clone(),
        space: leak.space.clone(),
        via: leak.via.clone(),
        path,
    }
}
