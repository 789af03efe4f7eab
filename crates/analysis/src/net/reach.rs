//! Reachability: from each workload's subnet, which public destinations get out, and how.
//!
//! A route table splits the public address space by longest-prefix match (IPv4 and IPv6 apart;
//! the more specific route wins); each part follows its target: an internet gateway ends the
//! walk at the internet, a NAT gateway continues in its own subnet's route table, a firewall
//! endpoint continues in the firewall's subnets, a transit gateway or peering whose far side is
//! not in the scan ends "beyond". The result of a table is computed once for the whole public
//! space and memoised; a workload's security groups and its subnet's NACL are applied by
//! intersecting, which commutes with routing because routing depends on the destination only.

use crate::net::space::{internet, Space};
use crate::net::topology::{Candidate, Network, SubnetNacl};
use crate::net::transit::TgwIndex;
use crate::{unresolved, Context, Hop, Rule, UnknownFinding};
use egressproof_model::{Attr, EndpointType, Ident, Kind, Resource, RouteTarget, TargetKind};
use ipnet::IpNet;
use std::collections::HashMap;
use std::rc::Rc;

/// How far a walk may go before it is cut (NAT behind NAT behind firewall ...).
pub(super) const MAX_DEPTH: usize = 24;

/// Where traffic ends up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ExitKind {
    /// An internet gateway, directly, through a NAT gateway, or through an appliance (EP201).
    Internet,
    /// An egress-only internet gateway (IPv6, EP202).
    EgressOnly,
    /// A network outside the scan: transit gateway, VPN, ... (EP203). The string names it.
    Beyond(String),
    /// A peered VPC of another account, or one the scan does not hold (EP203): it receives every
    /// address routed to it, private ones included.
    PeerVpc {
        /// The peering connection, as its name reads.
        peering: String,
        /// The peer VPC's account when it is another one; `None` when the peer VPC is outside
        /// the scan (or its account unresolved).
        account: Option<String>,
    },
    /// Through an inspecting firewall or appliance (EP204): its name and its allow-list.
    Filtered { firewall: String, allowed: String },
}

/// One way out of a route table, for a part of the address space.
#[derive(Clone, Debug)]
pub struct Exit {
    pub kind: ExitKind,
    pub space: Space,
    /// Hops from the route table onward, ending at the exit.
    pub hops: Vec<Hop>,
    /// Short names of the hops that matter for a message ("NAT gateway Nat").
    pub via: Vec<String>,
    /// Set when this exit exists only if an unresolved value is permissive.
    pub uncertain: Option<UnknownFinding>,
    /// The traffic is given a public source address on the way (a NAT gateway, a NAT instance
    /// or appliance): it gets out even from an interface without a public address of its own.
    pub translated: bool,
}

/// A place where a workload's network interfaces live (or could live).
#[derive(Clone, Debug)]
pub struct Home<'m> {
    /// The workload, or the subnet itself for a subnet evaluated as a future workload's home.
    pub subject: &'m Resource,
    pub workload: bool,
    pub subnet: &'m Resource,
    pub vpc: Ident,
    /// The subnet's effective route tables.
    pub tables: Vec<Ident>,
    /// The security groups of its interfaces there (the VPC's default group included when it
    /// applies).
    pub groups: Vec<Ident>,
    /// Set when the workload has interfaces here only if an unresolved value says so.
    pub doubt: Option<UnknownFinding>,
}

/// An egress path found for a workload (or a subnet).
#[derive(Clone, Debug)]
pub struct Leak<'m> {
    pub kind: ExitKind,
    pub subject: &'m Resource,
    pub workload: bool,
    pub subnet: &'m Resource,
    pub space: Space,
    pub path: Vec<Hop>,
    pub via: Vec<String>,
    /// See [`Exit::translated`].
    pub translated: bool,
}

/// The outcome of the network analysis, shared by EP2xx and EP3xx.
#[derive(Debug, Default)]
pub struct Reach<'m> {
    pub leaks: Vec<Leak<'m>>,
    pub unknowns: Vec<UnknownFinding>,
    pub homes: Vec<Home<'m>>,
    /// True when no workload is placed in a subnet, so every subnet is a home.
    pub homes_are_candidates: bool,
    /// Hosts in a workload's VPC that it can reach and that reach the internet (EP205).
    pub relays: Vec<crate::net::relay::Relayed<'m>>,
    /// What keeps a relay from being decided: reported by EP205 only, since a host the
    /// workloads may not reach concerns no other rule.
    pub relay_unknowns: Vec<UnknownFinding>,
}

/// One placement: the subnets and security groups of a workload.
struct Placement<'m> {
    subject: &'m Resource,
    workload: bool,
    subnets: Vec<Ident>,
    /// `None`: the VPC's default security group.
    groups: Option<Vec<Ident>>,
    /// The VPC's default security group applies in addition to `groups`.
    with_default_group: bool,
    /// Set when the placement exists only if an unresolved value says so (isolation unknown).
    uncertain: Option<UnknownFinding>,
}

impl<'m> Reach<'m> {
    pub fn compute(ctx: &Context<'m>) -> Reach<'m> {
        let net = Network::new(ctx);
        let mut out = Reach {
            unknowns: net.global_unknowns.clone(),
            ..Reach::default()
        };
        let placements = placements(ctx, &mut out.unknowns);
        let candidates = placements.is_empty();
        let placements = if candidates {
            // With no workload placed yet, the subnets of the VPCs meant for SageMaker are
            // judged as the homes of workloads to come; other VPCs' subnets (a database's) are
            // not SageMaker's egress (DESIGN.md §2, scope).
            let meant =
                crate::environment::scope::SageMakerVpcs::of(ctx.resources(), ctx.options, |id| {
                    ctx.get(id).is_some()
                });
            ctx.resources()
                .filter(|r| matches!(&r.kind, Kind::Subnet(s) if meant.holds(&s.vpc)))
                .map(|r| Placement {
                    subject: r,
                    workload: false,
                    subnets: vec![r.id.clone()],
                    groups: None,
                    with_default_group: false,
                    uncertain: None,
                })
                .collect()
        } else {
            placements
        };
        out.homes_are_candidates = candidates;
        let mut walker = Walker::new(&net);
        for p in &placements {
            walker.place(p, &mut out);
        }
        let relays = crate::net::relay::find(&mut walker, &out.homes);
        out.relays = relays.found;
        out.relay_unknowns = relays.unknowns;
        out.unknowns.extend(walker.unknowns);
        out
    }
}

/// Every workload whose network interfaces are in a VPC subnet and not isolated.
fn placements<'m>(ctx: &Context<'m>, unknowns: &mut Vec<UnknownFinding>) -> Vec<Placement<'m>> {
    let mut out = Vec::new();
    let mut profiles: HashMap<&str, Vec<&Ident>> = HashMap::new();
    for r in ctx.resources() {
        if let Kind::UserProfile(p) = &r.kind {
            if let Attr::Known(d) = &p.domain {
                match &p.security_groups {
                    Some(Attr::Known(gs)) => {
                        profiles.entry(d.as_str()).or_default().extend(gs.iter())
                    }
                    Some(Attr::Unknown(u)) => unknowns.push(unresolved(
                        u,
                        &format!("user profile {}: security groups", r.name),
                    )),
                    None => {}
                }
            }
        }
    }
    for r in ctx.resources() {
        match &r.kind {
            Kind::NotebookInstance(nb) => match &nb.subnet {
                None => {}
                Some(Attr::Unknown(u)) => {
                    unknowns.push(unresolved(u, &format!("notebook {}: SubnetId", r.name)))
                }
                Some(Attr::Known(s)) => {
                    let groups = match &nb.security_groups {
                        Some(Attr::Known(g)) if !g.is_empty() => Some(g.clone()),
                        Some(Attr::Unknown(u)) => {
                            unknowns.push(unresolved(
                                u,
                                &format!("notebook {}: SecurityGroupIds", r.name),
                            ));
                            Some(vec![Ident::new(format!(
                                "{}::unresolved-security-groups",
                                r.id
                            ))])
                        }
                        _ => None,
                    };
                    out.push(Placement {
                        subject: r,
                        workload: true,
                        subnets: vec![s.clone()],
                        groups,
                        with_default_group: false,
                        uncertain: None,
                    });
                }
            },
            Kind::Domain(d) => {
                let vpc_only = match &d.app_network_access_type {
                    Some(Attr::Known(v)) => v.eq_ignore_ascii_case("VpcOnly"),
                    Some(Attr::Unknown(_)) => true,
                    None => false,
                };
                if !vpc_only {
                    continue;
                }
                let subnets = match &d.subnets {
                    Some(Attr::Known(s)) => s.clone(),
                    Some(Attr::Unknown(u)) => {
                        unknowns.push(unresolved(
                            u,
                            &format!("Studio domain {}: SubnetIds", r.name),
                        ));
                        continue;
                    }
                    None => continue,
                };
                let mut groups: Vec<Ident> = Vec::new();
                // Spaces without security groups of their own get the VPC's default group
                // (EC2 gives an interface created without groups the default one).
                let mut default_group = d.default_space_security_groups.is_none();
                for g in [
                    &d.default_user_security_groups,
                    &d.default_space_security_groups,
                ] {
                    match g {
                        Some(Attr::Known(gs)) => groups.extend(gs.iter().cloned()),
                        Some(Attr::Unknown(u)) => {
                            unknowns.push(unresolved(
                                u,
                                &format!("Studio domain {}: security groups", r.name),
                            ));
                            groups
                                .push(Ident::new(format!("{}::unresolved-security-groups", r.id)));
                        }
                        None => default_group = true,
                    }
                }
                if let Some(extra) = profiles.get(r.id.as_str()) {
                    groups.extend(extra.iter().map(|g| (*g).clone()));
                }
                groups.sort();
                groups.dedup();
                out.push(Placement {
                    subject: r,
                    workload: true,
                    subnets,
                    groups: if groups.is_empty() {
                        None
                    } else {
                        Some(groups)
                    },
                    with_default_group: default_group,
                    uncertain: None,
                });
            }
            Kind::Model(m) => {
                if let Some(p) = vpc_placement(r, &m.network_isolation, &m.vpc_config, unknowns) {
                    out.push(p);
                }
            }
            Kind::Job(j) => {
                if let Some(p) = vpc_placement(r, &j.network_isolation, &j.vpc_config, unknowns) {
                    out.push(p);
                }
            }
            _ => {}
        }
    }
    out
}

fn vpc_placement<'m>(
    r: &'m Resource,
    isolation: &Option<Attr<bool>>,
    vpc: &Option<egressproof_model::VpcConfig>,
    unknowns: &mut Vec<UnknownFinding>,
) -> Option<Placement<'m>> {
    let vpc = vpc.as_ref()?;
    let uncertain = match isolation {
        // Isolated containers have no network at all.
        Some(Attr::Known(true)) => return None,
        Some(Attr::Unknown(u)) => Some(unresolved(
            u,
            &format!("{}: EnableNetworkIsolation", r.name),
        )),
        _ => None,
    };
    let subnets = match &vpc.subnets {
        Attr::Known(s) => s.clone(),
        Attr::Unknown(u) => {
            unknowns.push(unresolved(u, &format!("{}: VpcConfig subnets", r.name)));
            return None;
        }
    };
    let groups = match &vpc.security_groups {
        Attr::Known(g) if !g.is_empty() => Some(g.clone()),
        Attr::Known(_) => None,
        Attr::Unknown(u) => {
            unknowns.push(unresolved(
                u,
                &format!("{}: VpcConfig security groups", r.name),
            ));
            Some(vec![Ident::new(format!(
                "{}::unresolved-security-groups",
                r.id
            ))])
        }
    };
    Some(Placement {
        subject: r,
        workload: true,
        subnets,
        groups,
        with_default_group: false,
        uncertain,
    })
}

/// Whether a walk followed everything it led to.
///
/// Routing is decided by the table and the destination alone, so an address that comes back
/// to a table it already went through circles until its TTL runs out: nothing leaves for it.
/// A walk cut only by loops back to its own starting table is therefore exact for every
/// address, and is memoised; one cut by a loop to a table above it on the stack, or by the
/// depth limit, depends on the path taken to get there, and is not.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Completeness {
    /// Nothing was cut: the result holds whichever path reached the table, so it is memoised.
    Complete,
    Cut {
        /// The tables on the stack that loops came back to.
        at: Vec<Ident>,
        /// The depth limit cut the walk.
        deep: bool,
    },
}

impl Completeness {
    /// A walk made of parts is cut where any part is.
    pub(super) fn absorb(&mut self, part: Completeness) {
        let Completeness::Cut { at, deep } = part else {
            return;
        };
        match self {
            Completeness::Complete => *self = Completeness::Cut { at, deep },
            Completeness::Cut {
                at: mine,
                deep: my_deep,
            } => {
                *my_deep |= deep;
                for t in at {
                    if !mine.contains(&t) {
                        mine.push(t);
                    }
                }
            }
        }
    }

    /// The walk of `table` is done: loops back to it are exact (see above).
    pub(super) fn settle(&mut self, table: &Ident) {
        if let Completeness::Cut { at, deep } = self {
            at.retain(|t| t != table);
            if at.is_empty() && !*deep {
                *self = Completeness::Complete;
            }
        }
    }
}

/// What a walk found: its exits, and whether it followed everything.
pub(super) struct Walk<E = Vec<Exit>> {
    pub(super) exits: E,
    pub(super) completeness: Completeness,
}

impl<E> Walk<E> {
    pub(super) fn complete(exits: E) -> Self {
        Walk {
            exits,
            completeness: Completeness::Complete,
        }
    }

    /// A loop back to `table`, on the stack.
    pub(super) fn looped(exits: E, table: &Ident) -> Self {
        Walk {
            exits,
            completeness: Completeness::Cut {
                at: vec![table.clone()],
                deep: false,
            },
        }
    }

    /// The depth limit.
    pub(super) fn too_deep(exits: E) -> Self {
        Walk {
            exits,
            completeness: Completeness::Cut {
                at: Vec::new(),
                deep: true,
            },
        }
    }
}

impl Walk {
    /// No exit: the traffic stays (a local route, a peering inside the scan, IPv4 to an
    /// egress-only gateway).
    pub(super) fn nowhere() -> Self {
        Walk::complete(Vec::new())
    }
}

/// A route whose destination is known. Routes are matched longest prefix first; routes of one
/// length share what longer ones left.
struct PrefixRoute<'m> {
    prefix_len: u8,
    destination: Space,
    route: &'m Resource,
    target: &'m Attr<RouteTarget>,
    /// The destination as the path shows it (`0.0.0.0/0`).
    text: String,
}

/// A route whose destination is not known (a prefix list, an unresolved value): it may take
/// any part of the space, so what it leads to is uncertain, for `why`.
struct DoubtfulRoute<'m> {
    route: &'m Resource,
    target: &'m Attr<RouteTarget>,
    why: UnknownFinding,
    text: String,
}

pub(crate) struct Walker<'n, 'c, 'm> {
    pub(crate) net: &'n Network<'c, 'm>,
    internet: Space,
    pub(super) trusted: Space,
    memo: HashMap<Ident, Rc<Vec<Exit>>>,
    /// Transit gateway route tables' exits, for the whole space (see `transit`).
    pub(super) tgw_memo: HashMap<Ident, Rc<Vec<Exit>>>,
    pub(super) unknowns: Vec<UnknownFinding>,
    pub(super) tgw: TgwIndex<'m>,
    /// Whether the scan holds any transit gateway (a route to one given at deploy time may
    /// then lead into the scan).
    any_tgw: bool,
}

impl<'n, 'c, 'm> Walker<'n, 'c, 'm> {
    fn new(net: &'n Network<'c, 'm>) -> Self {
        let ctx = net.ctx;
        Walker {
            net,
            internet: internet(),
            trusted: Space::nets(&ctx.options.trusted_cidrs),
            memo: HashMap::new(),
            tgw_memo: HashMap::new(),
            unknowns: Vec::new(),
            tgw: TgwIndex::new(ctx.resources()),
            any_tgw: ctx
                .resources()
                .any(|r| matches!(r.kind, Kind::TransitGateway(_))),
        }
    }

    pub(super) fn ctx(&self) -> &'c Context<'m> {
        self.net.ctx
    }

    /// Every address a route table of a VPC can send out of it: all but the VPC's own blocks
    /// and the networks the user trusts. Private addresses are walked too, because a peered VPC
    /// of another account receives them; each exit keeps only what leaves through it
    /// ([`Walker::egress_part`]).
    fn routable_for(&self, vpc: Option<&Ident>) -> Space {
        let mut s = Space::all().difference(&self.trusted);
        if let Some(v) = vpc {
            s = s.difference(&self.net.vpc_space(v.as_str()));
        }
        s
    }

    /// The part of `space` that is egress through an exit of this kind. A peered VPC outside
    /// the scan or of another account receives every address routed to it. Everywhere else only
    /// public addresses are egress: an internet gateway drops private ones, and private ranges
    /// toward on-premises (VPN, Direct Connect, a transit gateway beyond the scan) are the
    /// corporate network.
    fn egress_part(&self, kind: &ExitKind, space: &Space) -> Space {
        match kind {
            ExitKind::PeerVpc { .. } => space.clone(),
            _ => space.intersect(&self.internet),
        }
    }

    /// The ways a host in a VPC (an instance or a network interface) gets out of its subnet,
    /// found as a workload's are: its leaks (paths from its subnet on, no host hop) and the
    /// unknowns that could add one. `groups` is `None` for the VPC's default group.
    pub(crate) fn host_exits(
        &mut self,
        host: &'m Resource,
        subnet: Ident,
        groups: Option<Vec<Ident>>,
    ) -> Reach<'m> {
        let mut out = Reach::default();
        let placement = Placement {
            subject: host,
            workload: false,
            subnets: vec![subnet],
            groups,
            with_default_group: false,
            uncertain: None,
        };
        self.place(&placement, &mut out);
        out
    }

    /// Evaluates one placement and records its leaks, unknowns and homes.
    fn place(&mut self, p: &Placement<'m>, out: &mut Reach<'m>) {
        for sid in &p.subnets {
            let Some(subnet) = self.ctx().get(sid) else {
                out.unknowns.push(UnknownFinding {
                    rule: Rule::UnresolvedValue,
                    message: format!(
                        "{}: subnet {sid} is not in the scan, so its routes are unknown",
                        p.subject.name
                    ),
                    span: Some(p.subject.span.clone()),
                });
                continue;
            };
            let Kind::Subnet(sn) = &subnet.kind else {
                out.unknowns.push(UnknownFinding {
                    rule: Rule::UnsupportedConstruct,
                    message: format!(
                        "{}: {} is used as a subnet but is a {}",
                        p.subject.name, subnet.name, subnet.type_name
                    ),
                    span: Some(subnet.span.clone()),
                });
                continue;
            };
            let vpc = match &sn.vpc {
                Attr::Known(v) => v.clone(),
                Attr::Unknown(u) => {
                    out.unknowns
                        .push(unresolved(u, &format!("subnet {}: its VPC", subnet.name)));
                    continue;
                }
            };
            let mut groups: Vec<Ident> = p.groups.clone().unwrap_or_default();
            if p.groups.is_none() || p.with_default_group {
                groups.push(Ident::default_security_group_of(&vpc));
            }
            let groups = &groups[..];
            let sg = self.net.sg_filter(groups, &p.subject.name);
            let SubnetNacl {
                filter: nacl,
                names: nacl_name,
            } = self.net.subnet_nacl(subnet, &vpc);
            let filter = sg.and(&nacl);
            let tables = self.net.subnet_tables(subnet, &vpc);
            out.unknowns.extend(tables.unknowns.iter().cloned());
            out.homes.push(Home {
                subject: p.subject,
                workload: p.workload,
                subnet,
                vpc: vpc.clone(),
                tables: tables.certain.iter().map(|c| c.table.clone()).collect(),
                groups: groups.to_vec(),
                doubt: p.uncertain.clone(),
            });
            let group_names: Vec<String> = groups.iter().map(|g| self.net.name_of(g)).collect();
            // A subnet shared through AWS RAM: whichever account runs the workload, the
            // owner's route table and network ACL decide where its traffic goes.
            let shared = match self.tgw.share_of(&subnet.id) {
                Some(share) => format!(
                    " (subnet shared through AWS RAM by {}{}: its owner's route table and network ACL apply)",
                    share.name,
                    subnet
                        .account
                        .as_deref()
                        .map(|a| format!(", owned by account {a}"))
                        .unwrap_or_default()
                ),
                None => String::new(),
            };
            let mut head = Vec::new();
            if p.workload {
                head.push(Hop::new(
                    p.subject,
                    format!("network interfaces in subnet {}", subnet.name),
                ));
            }
            for Candidate {
                table,
                how,
                doubt: table_doubt,
            } in tables.candidates()
            {
                let mut stack = Vec::new();
                let exits = self.table(table, &mut stack, 0).exits;
                for e in exits.iter() {
                    let doubt = table_doubt
                        .cloned()
                        .or_else(|| e.uncertain.clone())
                        .or_else(|| p.uncertain.clone());
                    let sure = e.space.intersect(&filter.sure);
                    if doubt.is_none() && !sure.is_empty() {
                        let mut path = head.clone();
                        path.push(Hop::new(
                            subnet,
                            format!(
                                "security groups {} allow {}; network ACL {} allows it; route table: {how}{shared}",
                                group_names.join(", "),
                                sure.describe(),
                                if nacl_name.is_empty() { "(default)".to_string() } else { nacl_name.clone() },
                            ),
                        ));
                        path.extend(e.hops.iter().cloned());
                        out.leaks.push(Leak {
                            kind: e.kind.clone(),
                            subject: p.subject,
                            workload: p.workload,
                            subnet,
                            space: sure,
                            path,
                            via: e.via.clone(),
                            translated: e.translated,
                        });
                        continue;
                    }
                    if !e.space.intersects(&filter.maybe) {
                        continue;
                    }
                    match doubt {
                        Some(u) => out.unknowns.push(UnknownFinding {
                            rule: u.rule,
                            message: format!(
                                "{} (decides whether {} reaches {} through {})",
                                u.message,
                                p.subject.name,
                                describe(&e.kind),
                                e.via.join(" -> ")
                            ),
                            span: u.span.clone(),
                        }),
                        None => out.unknowns.extend(filter.unknowns.iter().cloned()),
                    }
                }
            }
        }
    }

    /// The exits of a route table for its VPC's whole public space. A walk a cycle cut is not
    /// memoised: what it found depends on the path taken.
    fn table(
        &mut self,
        table: &Ident,
        stack: &mut Vec<Ident>,
        depth: usize,
    ) -> Walk<Rc<Vec<Exit>>> {
        if let Some(m) = self.memo.get(table) {
            return Walk::complete(m.clone());
        }
        if stack.contains(table) {
            // A routing loop: packets circle until their TTL runs out; nothing leaves here.
            return Walk::looped(Rc::new(Vec::new()), table);
        }
        if depth > MAX_DEPTH {
            self.unknowns.push(UnknownFinding {
                rule: Rule::UnsupportedConstruct,
                message: format!(
                    "route table {table}: path longer than {MAX_DEPTH} hops, not followed"
                ),
                span: None,
            });
            return Walk::too_deep(Rc::new(Vec::new()));
        }
        stack.push(table.clone());
        let walk = self.table_uncached(table, stack, depth);
        stack.pop();
        let exits = Rc::new(walk.exits);
        let mut completeness = walk.completeness;
        completeness.settle(table);
        if completeness == Completeness::Complete {
            self.memo.insert(table.clone(), exits.clone());
        }
        Walk {
            exits,
            completeness,
        }
    }

    fn table_hop(&self, table: &Ident) -> Hop {
        match self.ctx().get(table) {
            Some(r) => Hop::new(r, "route table"),
            None => Hop::external(
                "AWS::EC2::RouteTable",
                &self.net.name_of(table),
                "route table (implicit: local routes only unless changed)",
            ),
        }
    }

    /// The exits of a route table, each cut to what is egress through it.
    fn table_uncached(&mut self, table: &Ident, stack: &mut Vec<Ident>, depth: usize) -> Walk {
        let mut walk = self.table_routes(table, stack, depth);
        for e in &mut walk.exits {
            e.space = self.egress_part(&e.kind, &e.space);
        }
        walk.exits.retain(|e| !e.space.is_empty());
        walk
    }

    /// Where each part of the routable space goes from a route table, by longest-prefix match.
    fn table_routes(&mut self, table: &Ident, stack: &mut Vec<Ident>, depth: usize) -> Walk {
        let ctx = self.ctx();
        let vpc = self.net.table_vpc(table);
        let space = self.routable_for(vpc.as_ref());
        let mut exits = Vec::new();
        let mut completeness = Completeness::Complete;
        let routes = self.net.routes_of(table.as_str());
        let in_scan = ctx.get(table).is_some();
        let implicit_main = matches!(table.split_attribute(), Some((_, "main-route-table")));
        if !in_scan && !implicit_main && routes.is_empty() {
            exits.push(Exit {
                kind: ExitKind::Beyond(format!("route table {table}")),
                space,
                hops: vec![self.table_hop(table)],
                via: vec![format!("route table {table}")],
                uncertain: Some(UnknownFinding {
                    rule: Rule::UnresolvedValue,
                    message: format!(
                        "route table {table} is not in the scan: its routes are unknown"
                    ),
                    span: None,
                }),
                translated: false,
            });
            return Walk::complete(exits);
        }
        let table_hop = self.table_hop(table);

        // Longest prefix first; routes of equal length share what is left before them.
        let mut known: Vec<PrefixRoute<'m>> = Vec::new();
        let mut doubtful: Vec<DoubtfulRoute<'m>> = Vec::new();
        for (res, route) in routes {
            let (prefix_len, destination, text) = match &route.destination {
                Attr::Known(egressproof_model::Destination::V4(n)) => {
                    (n.prefix_len(), Space::v4_net(n), n.to_string())
                }
                Attr::Known(egressproof_model::Destination::V6(n)) => {
                    (n.prefix_len(), Space::v6_net(n), n.to_string())
                }
                Attr::Known(egressproof_model::Destination::PrefixList(pl)) => {
                    doubtful.push(DoubtfulRoute {
                        route: res,
                        target: &route.target,
                        why: UnknownFinding {
                            rule: Rule::UnresolvedValue,
                            message: format!(
                                "route {}: destination prefix list {pl}, whose entries are not in the scan",
                                res.name
                            ),
                            span: Some(res.span.clone()),
                        },
                        text: format!("prefix list {pl}"),
                    });
                    continue;
                }
                Attr::Unknown(u) => {
                    doubtful.push(DoubtfulRoute {
                        route: res,
                        target: &route.target,
                        why: unresolved(u, &format!("route {}: destination", res.name)),
                        text: "unresolved destination".into(),
                    });
                    continue;
                }
            };
            known.push(PrefixRoute {
                prefix_len,
                destination,
                route: res,
                target: &route.target,
                text,
            });
        }
        known.sort_by_key(|k| std::cmp::Reverse(k.prefix_len));
        let mut remaining = space.clone();
        for same_length in known.chunk_by(|a, b| a.prefix_len == b.prefix_len) {
            let mut taken = Space::empty();
            for r in same_length {
                let part = remaining.intersect(&r.destination);
                taken = taken.union(&r.destination);
                if !part.is_empty() {
                    let walk = self.target(r.route, r.target, &part, vpc.as_ref(), stack, depth);
                    completeness.absorb(walk.completeness);
                    let mut es = walk.exits;
                    prefix_hops(&mut es, &table_hop, r.route, &r.text, r.target, self.net);
                    exits.extend(es);
                }
            }
            remaining = remaining.difference(&taken);
        }
        for r in doubtful {
            let walk = self.target(r.route, r.target, &space, vpc.as_ref(), stack, depth);
            completeness.absorb(walk.completeness);
            let mut es = walk.exits;
            prefix_hops(&mut es, &table_hop, r.route, &r.text, r.target, self.net);
            for e in &mut es {
                if e.uncertain.is_none() {
                    e.uncertain = Some(r.why.clone());
                }
            }
            exits.extend(es);
        }
        for prop in self.net.propagations_of(table.as_str()) {
            let vgw = match &prop.kind {
                Kind::VpnGatewayRoutePropagation(p) => match &p.vpn_gateway {
                    Attr::Known(v) => self.net.name_of(v),
                    Attr::Unknown(_) => "an unresolved gateway".into(),
                },
                _ => continue,
            };
            exits.push(Exit {
                kind: ExitKind::Beyond(format!("virtual private gateway {vgw}")),
                space: space.clone(),
                hops: vec![
                    table_hop.clone(),
                    Hop::new(prop, format!("routes propagated from {vgw}")),
                    Hop::external("Network", "on-premises network", "prefixes learned by BGP"),
                ],
                via: vec![format!("virtual private gateway {vgw}")],
                uncertain: Some(UnknownFinding {
                    rule: Rule::UnresolvedValue,
                    message: format!(
                        "route propagation {}: the prefixes {vgw} announces are learned at run time; a public prefix (or a default route) from on-premises would send traffic there",
                        prop.name
                    ),
                    span: Some(prop.span.clone()),
                }),
                translated: false,
            });
        }
        Walk {
            exits,
            completeness,
        }
    }

    /// Where a part of the space goes from a route target. Hops start at the target.
    fn target(
        &mut self,
        route: &'m Resource,
        target: &'m Attr<RouteTarget>,
        part: &Space,
        vpc: Option<&Ident>,
        stack: &mut Vec<Ident>,
        depth: usize,
    ) -> Walk {
        let t = match target {
            Attr::Known(t) => t,
            Attr::Unknown(u) => {
                return Walk::complete(vec![Exit {
                    kind: ExitKind::Beyond("an unresolved target".into()),
                    space: part.clone(),
                    hops: Vec::new(),
                    via: vec!["an unresolved target".into()],
                    uncertain: Some(unresolved(u, &format!("route {}: target", route.name))),
                    translated: false,
                }])
            }
        };
        if t.kind == TargetKind::Local {
            return Walk::nowhere();
        }
        let id = match &t.id {
            Attr::Known(id) => id,
            Attr::Unknown(u) if t.kind == TargetKind::TransitGateway && !self.any_tgw => {
                // Whatever the ID turns out to be, no gateway of the scan can be the one: the
                // far side is outside the scan (EP203), not an unknown.
                let note = format!(
                    "transit gateway given at deploy time ({}); the scan holds no transit \
                     gateway, so it is outside the scan",
                    u.reason
                );
                let name = "a transit gateway outside the scan";
                return Walk::complete(vec![ended(
                    ExitKind::Beyond(name.to_string()),
                    part,
                    vec![Hop::external("TransitGateway", name, note)],
                    name.to_string(),
                )]);
            }
            Attr::Unknown(u) => {
                let kind = match t.kind {
                    TargetKind::VpcPeeringConnection => ExitKind::PeerVpc {
                        peering: "an unresolved peering connection".into(),
                        account: None,
                    },
                    _ => ExitKind::Beyond("an unresolved target".into()),
                };
                return Walk::complete(vec![Exit {
                    kind,
                    space: part.clone(),
                    hops: Vec::new(),
                    via: vec![format!("an unresolved {:?}", t.kind)],
                    uncertain: Some(unresolved(u, &format!("route {}: target", route.name))),
                    translated: false,
                }]);
            }
        };
        let ctx = self.ctx();
        let resource = ctx
            .get(id)
            .or_else(|| id.split_attribute().and_then(|(o, _)| ctx.get(&o)));
        match resource {
            Some(r) => self.target_in_scan(route, r, part, vpc, stack, depth),
            None => self.target_beyond_scan(route, t.kind, id, part),
        }
    }

    /// A route target the scan holds: follow it by what it is.
    fn target_in_scan(
        &mut self,
        route: &'m Resource,
        r: &'m Resource,
        part: &Space,
        vpc: Option<&Ident>,
        stack: &mut Vec<Ident>,
        depth: usize,
    ) -> Walk {
        match &r.kind {
            Kind::InternetGateway(_) => Walk::complete(vec![ended(
                ExitKind::Internet,
                part,
                vec![Hop::new(r, "internet gateway"), internet_hop()],
                format!("internet gateway {}", r.name),
            )]),
            Kind::EgressOnlyInternetGateway(_) => {
                let v6 = Space {
                    v4: Default::default(),
                    v6: part.v6.clone(),
                };
                if v6.is_empty() {
                    return Walk::nowhere();
                }
                Walk::complete(vec![ended(
                    ExitKind::EgressOnly,
                    &v6,
                    vec![
                        Hop::new(r, "egress-only internet gateway (IPv6 out)"),
                        internet_hop(),
                    ],
                    format!("egress-only internet gateway {}", r.name),
                )])
            }
            Kind::VpnGateway(_) | Kind::CarrierGateway(_) => {
                let what = if matches!(r.kind, Kind::VpnGateway(_)) {
                    "virtual private gateway"
                } else {
                    "carrier gateway"
                };
                Walk::complete(vec![ended(
                    ExitKind::Beyond(format!("{what} {}", r.name)),
                    part,
                    vec![
                        Hop::new(r, what),
                        Hop::external("Network", "outside the scan", "network beyond the gateway"),
                    ],
                    format!("{what} {}", r.name),
                )])
            }
            Kind::NatGateway(nat) => self.nat(r, nat, part, stack, depth),
            Kind::Instance(_) | Kind::NetworkInterface(_) => Walk::complete(vec![Exit {
                translated: true,
                ..ended(
                    ExitKind::Internet,
                    part,
                    vec![
                        Hop::new(r, "NAT instance or appliance: forwards traffic onward"),
                        internet_hop(),
                    ],
                    format!("appliance {}", r.name),
                )
            }]),
            Kind::TransitGateway(_) => self.transit(r, vpc, part, stack, depth),
            Kind::VpcPeeringConnection(p) => self.peering(r, p, part),
            Kind::NetworkFirewall(fw) => {
                let inspector = Inspector {
                    name: format!("Network Firewall {}", r.name),
                    allowed: self.firewall_allowed(fw),
                };
                self.inspection(r, inspector, &fw.subnets, part, stack, depth)
            }
            Kind::VpcEndpoint(ep)
                if matches!(
                    ep.endpoint_type,
                    Some(Attr::Known(EndpointType::GatewayLoadBalancer))
                ) =>
            {
                let inspector = Inspector {
                    name: format!("Gateway Load Balancer endpoint {}", r.name),
                    allowed: "the appliance's rules are not in the scan".into(),
                };
                self.inspection(r, inspector, &ep.subnets, part, stack, depth)
            }
            _ => Walk::complete(vec![Exit {
                // A route that names a peering reaches a peer VPC whatever the resource is.
                kind: match route_target_kind(route) {
                    Some(TargetKind::VpcPeeringConnection) => ExitKind::PeerVpc {
                        peering: r.name.clone(),
                        account: None,
                    },
                    _ => ExitKind::Beyond(r.name.clone()),
                },
                space: part.clone(),
                hops: vec![Hop::new(r, "route target of an unsupported kind")],
                via: vec![r.name.clone()],
                uncertain: Some(UnknownFinding {
                    rule: Rule::UnsupportedConstruct,
                    message: format!(
                        "route {}: target {} is a {}, which egressproof does not model as a route target",
                        route.name, r.name, r.type_name
                    ),
                    span: Some(route.span.clone()),
                }),
                translated: false,
            }]),
        }
    }

    /// A route target outside the scan: decided by the target kind and the physical ID's prefix.
    fn target_beyond_scan(
        &self,
        route: &Resource,
        target_kind: TargetKind,
        id: &Ident,
        part: &Space,
    ) -> Walk {
        let lit = id.as_str();
        let (kind, note) = match target_kind {
            TargetKind::InternetGateway => {
                (ExitKind::Internet, "internet gateway outside the scan")
            }
            TargetKind::Gateway if lit.starts_with("igw-") => {
                (ExitKind::Internet, "internet gateway outside the scan")
            }
            TargetKind::Gateway if lit.starts_with("vgw-") => (
                ExitKind::Beyond(format!("virtual private gateway {lit}")),
                "virtual private gateway outside the scan",
            ),
            TargetKind::EgressOnlyInternetGateway => {
                let v6 = Space {
                    v4: Default::default(),
                    v6: part.v6.clone(),
                };
                if v6.is_empty() {
                    return Walk::nowhere();
                }
                return Walk::complete(vec![ended(
                    ExitKind::EgressOnly,
                    &v6,
                    vec![
                        Hop::external(
                            "AWS::EC2::EgressOnlyInternetGateway",
                            lit,
                            "egress-only internet gateway outside the scan",
                        ),
                        internet_hop(),
                    ],
                    format!("egress-only internet gateway {lit}"),
                )]);
            }
            TargetKind::NatGateway => (
                ExitKind::Internet,
                "NAT gateway outside the scan: assumed to reach the internet",
            ),
            TargetKind::Instance | TargetKind::NetworkInterface => (
                ExitKind::Internet,
                "instance or network interface outside the scan: an appliance that forwards anywhere",
            ),
            TargetKind::TransitGateway => (
                ExitKind::Beyond(format!("transit gateway {lit}")),
                "transit gateway outside the scan",
            ),
            TargetKind::VpcPeeringConnection => (
                ExitKind::PeerVpc {
                    peering: lit.to_string(),
                    account: None,
                },
                "VPC peering outside the scan: its peer VPC and account are not known",
            ),
            TargetKind::VpnGateway => (
                ExitKind::Beyond(format!("virtual private gateway {lit}")),
                "virtual private gateway outside the scan",
            ),
            TargetKind::CarrierGateway => (
                ExitKind::Beyond(format!("carrier gateway {lit}")),
                "carrier gateway outside the scan",
            ),
            TargetKind::LocalGateway => (
                ExitKind::Beyond(format!("local gateway {lit}")),
                "Outposts local gateway: on-premises network",
            ),
            TargetKind::CoreNetwork => (
                ExitKind::Beyond(format!("Cloud WAN core network {lit}")),
                "Cloud WAN core network outside the scan",
            ),
            TargetKind::VpcEndpoint => (
                ExitKind::Filtered {
                    firewall: format!("endpoint {lit}"),
                    allowed: "the inspecting appliance is not in the scan".into(),
                },
                "firewall or Gateway Load Balancer endpoint outside the scan",
            ),
            TargetKind::Gateway => {
                return Walk::complete(vec![Exit {
                    kind: ExitKind::Beyond(format!("gateway {lit}")),
                    space: part.clone(),
                    hops: vec![Hop::external("Gateway", lit, "gateway outside the scan")],
                    via: vec![format!("gateway {lit}")],
                    uncertain: Some(UnknownFinding {
                        rule: Rule::UnresolvedValue,
                        message: format!(
                            "route {}: gateway {lit} is not in the scan and its ID does not tell an internet gateway from a VPN gateway",
                            route.name
                        ),
                        span: Some(route.span.clone()),
                    }),
                    translated: false,
                }]);
            }
            TargetKind::Local => return Walk::nowhere(),
        };
        let name = self.net.name_of(id);
        let mut hops = vec![Hop::external(&format!("{target_kind:?}"), &name, note)];
        if kind == ExitKind::Internet {
            hops.push(internet_hop());
        }
        // A NAT gateway or an appliance outside the scan gives the traffic its own address.
        let translated = matches!(
            target_kind,
            TargetKind::NatGateway | TargetKind::Instance | TargetKind::NetworkInterface
        );
        Walk::complete(vec![Exit {
            translated,
            ..ended(kind, part, hops, name)
        }])
    }

    /// A peering connection in the scan. It hands every address routed to it to the VPC on its
    /// other side: when that VPC belongs to another account, or is not in the scan, the data
    /// leaves (EP203, whatever the range); a peer VPC of the same account in the scan takes only
    /// its own addresses (peering is not transitive), which the scan holds.
    fn peering(
        &self,
        r: &'m Resource,
        p: &'m egressproof_model::VpcPeeringConnection,
        part: &Space,
    ) -> Walk {
        let ctx = self.ctx();
        let foreign = |account: &str| {
            let what = format!("VPC peering {} into account {account}", r.name);
            ended(
                ExitKind::PeerVpc {
                    peering: r.name.clone(),
                    account: Some(account.to_string()),
                },
                part,
                vec![
                    Hop::new(r, format!("VPC peering into account {account}")),
                    Hop::external(
                        "Network",
                        &format!("account {account}"),
                        "the peer VPC's account",
                    ),
                ],
                what,
            )
        };
        let outside = |why: Option<UnknownFinding>| {
            let mut e = ended(
                ExitKind::PeerVpc {
                    peering: r.name.clone(),
                    account: None,
                },
                part,
                vec![Hop::new(r, "VPC peering to a VPC outside the scan")],
                format!("VPC peering {}", r.name),
            );
            e.uncertain = why;
            e
        };
        let both_in_scan = [&p.vpc, &p.peer_vpc]
            .iter()
            .all(|s| matches!(s, Attr::Known(v) if ctx.get(v).is_some()));
        match &p.peer_owner {
            Some(Attr::Known(account)) if !ctx.is_own_account(account) => {
                Walk::complete(vec![foreign(account)])
            }
            _ if !both_in_scan => Walk::complete(vec![outside(None)]),
            Some(Attr::Unknown(u)) => Walk::complete(vec![outside(Some(unresolved(
                u,
                &format!("VPC peering {}: the peer VPC's account", r.name),
            )))]),
            // Peering is not transitive: the peer takes only its own addresses, and those are
            // part of the scan.
            _ => Walk::nowhere(),
        }
    }

    /// Continues from a NAT gateway in its own subnet's route table (and NACL).
    fn nat(
        &mut self,
        r: &'m Resource,
        nat: &'m egressproof_model::NatGateway,
        part: &Space,
        stack: &mut Vec<Ident>,
        depth: usize,
    ) -> Walk {
        let private =
            matches!(&nat.connectivity, Some(Attr::Known(c)) if c.eq_ignore_ascii_case("private"));
        let mut input = part.clone();
        // NAT64: IPv6 traffic to 64:ff9b::/96 leaves as IPv4 to any address.
        if let Ok(IpNet::V6(n64)) = "64:ff9b::/96".parse::<IpNet>() {
            if part.intersects(&Space::v6_net(&n64)) && !private {
                input = input.union(&Space {
                    v4: internet().v4,
                    v6: Default::default(),
                });
            }
        }
        let hop = Hop::new(
            r,
            if private {
                "private NAT gateway"
            } else {
                "NAT gateway"
            },
        );
        let via = format!("NAT gateway {}", r.name);
        let subnets = Attr::Known(match &nat.subnet {
            Attr::Known(s) => vec![s.clone()],
            Attr::Unknown(u) => {
                return Walk::complete(vec![Exit {
                    kind: ExitKind::Internet,
                    space: part.clone(),
                    hops: vec![hop],
                    via: vec![via],
                    uncertain: Some(unresolved(
                        u,
                        &format!("NAT gateway {}: its subnet", r.name),
                    )),
                    translated: true,
                }])
            }
        });
        let walk = self.through_subnets(&subnets, &input, stack, depth, &r.name);
        let mut out = Vec::new();
        for mut e in walk.exits {
            if private && matches!(e.kind, ExitKind::Internet | ExitKind::EgressOnly) {
                // A private NAT gateway's traffic to an internet gateway is dropped.
                continue;
            }
            e.hops.insert(0, hop.clone());
            e.via.insert(0, via.clone());
            e.translated = true;
            out.push(e);
        }
        Walk {
            exits: out,
            completeness: walk.completeness,
        }
    }

    /// Continues through a set of subnets (a NAT's, a firewall's): their NACL and route tables.
    pub(super) fn through_subnets(
        &mut self,
        subnets: &Attr<Vec<Ident>>,
        part: &Space,
        stack: &mut Vec<Ident>,
        depth: usize,
        owner: &str,
    ) -> Walk {
        let ctx = self.ctx();
        let mut out = Vec::new();
        let mut completeness = Completeness::Complete;
        let list = match subnets {
            Attr::Known(l) => l,
            Attr::Unknown(u) => {
                out.push(Exit {
                    kind: ExitKind::Internet,
                    space: part.clone(),
                    hops: Vec::new(),
                    via: Vec::new(),
                    uncertain: Some(unresolved(u, &format!("{owner}: its subnets"))),
                    translated: false,
                });
                return Walk::complete(out);
            }
        };
        for sid in list {
            let subnet = match ctx.get(sid) {
                Some(s) => s,
                None => {
                    out.push(Exit {
                        kind: ExitKind::Internet,
                        space: part.clone(),
                        hops: Vec::new(),
                        via: Vec::new(),
                        uncertain: Some(UnknownFinding {
                            rule: Rule::UnresolvedValue,
                            message: format!("{owner}: subnet {sid} is not in the scan, so where its traffic goes is unknown"),
                            span: None,
                        }),
                        translated: false,
                    });
                    continue;
                }
            };
            let vpc = match &subnet.kind {
                Kind::Subnet(s) => match &s.vpc {
                    Attr::Known(v) => v.clone(),
                    Attr::Unknown(u) => {
                        self.unknowns
                            .push(unresolved(u, &format!("subnet {}: its VPC", subnet.name)));
                        continue;
                    }
                },
                _ => continue,
            };
            let nacl = self.net.subnet_nacl(subnet, &vpc).filter;
            let tables = self.net.subnet_tables(subnet, &vpc);
            self.unknowns.extend(tables.unknowns.iter().cloned());
            let subnet_hop = Hop::new(subnet, format!("{owner} is in this subnet"));
            for table in tables
                .certain
                .iter()
                .map(|c| &c.table)
                .chain(tables.maybe.iter().map(|m| &m.table))
            {
                // A maybe table is doubtful for the first association that may add it.
                let doubt = tables
                    .maybe
                    .iter()
                    .find(|m| &m.table == table)
                    .map(|m| m.why.clone());
                let walk = self.table(table, stack, depth + 1);
                completeness.absorb(walk.completeness);
                for e in walk.exits.iter() {
                    let space = e.space.intersect(part);
                    let sure = space.intersect(&nacl.sure);
                    let maybe_only = space.intersect(&nacl.maybe).difference(&sure);
                    let mut hops = vec![subnet_hop.clone()];
                    hops.extend(e.hops.iter().cloned());
                    if !sure.is_empty() {
                        out.push(Exit {
                            kind: e.kind.clone(),
                            space: sure,
                            hops: hops.clone(),
                            via: e.via.clone(),
                            uncertain: doubt.clone().or_else(|| e.uncertain.clone()),
                            translated: false,
                        });
                    }
                    if !maybe_only.is_empty() {
                        out.push(Exit {
                            kind: e.kind.clone(),
                            space: maybe_only,
                            hops,
                            via: e.via.clone(),
                            uncertain: nacl
                                .unknowns
                                .first()
                                .cloned()
                                .or_else(|| doubt.clone())
                                .or_else(|| e.uncertain.clone()),
                            translated: false,
                        });
                    }
                }
            }
        }
        Walk {
            exits: out,
            completeness,
        }
    }

    /// Traffic through an inspecting firewall or appliance: whatever leaves beyond it is
    /// filtered egress (EP204), still egress.
    fn inspection(
        &mut self,
        r: &'m Resource,
        inspector: Inspector,
        subnets: &Attr<Vec<Ident>>,
        part: &Space,
        stack: &mut Vec<Ident>,
        depth: usize,
    ) -> Walk {
        let Inspector { name, allowed } = inspector;
        let hop = Hop::new(r, format!("inspected; allows: {allowed}"));
        let kind = ExitKind::Filtered {
            firewall: name.clone(),
            allowed,
        };
        if !matches!(subnets, Attr::Known(l) if !l.is_empty()) {
            return Walk::complete(vec![Exit {
                kind,
                space: part.clone(),
                hops: vec![hop],
                via: vec![name],
                uncertain: None,
                translated: false,
            }]);
        }
        let walk = self.through_subnets(subnets, part, stack, depth, &r.name);
        let exits = walk
            .exits
            .into_iter()
            .map(|mut e| {
                e.kind = kind.clone();
                e.hops.insert(0, hop.clone());
                e.via.insert(0, name.clone());
                e
            })
            .collect();
        Walk {
            exits,
            completeness: walk.completeness,
        }
    }

    /// The domains a Network Firewall's stateful rule groups allow, as text.
    fn firewall_allowed(&self, fw: &egressproof_model::NetworkFirewall) -> String {
        let ctx = self.ctx();
        let Attr::Known(policy) = &fw.policy else {
            return "unknown (firewall policy unresolved)".into();
        };
        let Some(Kind::NetworkFirewallPolicy(p)) = ctx.get(policy).map(|r| &r.kind) else {
            return "unknown (firewall policy not in the scan)".into();
        };
        let Attr::Known(groups) = &p.stateful_rule_groups else {
            return "unknown (rule groups unresolved)".into();
        };
        let mut domains = Vec::new();
        for g in groups {
            match ctx.get(g).map(|r| &r.kind) {
                Some(Kind::NetworkFirewallRuleGroup(rg)) => match &rg.allowed_domains {
                    Attr::Known(d) => domains.extend(d.iter().cloned()),
                    Attr::Unknown(_) => {
                        return "unknown (a rule group's domains are unresolved)".into()
                    }
                },
                _ => return format!("unknown (rule group {g} not in the scan)"),
            }
        }
        if domains.is_empty() {
            "no domain allow-list (rules other than domain lists)".into()
        } else {
            domains.join(", ")
        }
    }
}

/// The kind of target a route resource names, when known.
fn route_target_kind(route: &Resource) -> Option<TargetKind> {
    match &route.kind {
        Kind::Route(r) => r.target.known().map(|t| t.kind),
        _ => None,
    }
}

/// An exit that ends at the target, for all of `space`.
fn ended(kind: ExitKind, space: &Space, hops: Vec<Hop>, via: String) -> Exit {
    Exit {
        kind,
        space: space.clone(),
        hops,
        via: vec![via],
        uncertain: None,
        translated: false,
    }
}

fn internet_hop() -> Hop {
    Hop::external("Internet", "internet", "any public address")
}

/// An inspecting firewall or appliance: its name in messages and what it lets through.
struct Inspector {
    name: String,
    allowed: String,
}

/// Puts the route table and route hops in front of a target's exits.
fn prefix_hops(
    exits: &mut [Exit],
    table_hop: &Hop,
    route: &Resource,
    dest: &str,
    target: &Attr<RouteTarget>,
    net: &Network<'_, '_>,
) {
    let target_name = match target {
        Attr::Known(t) => match &t.id {
            Attr::Known(id) => net.name_of(id),
            Attr::Unknown(_) => "<unresolved>".into(),
        },
        Attr::Unknown(_) => "<unresolved>".into(),
    };
    let route_hop = Hop::new(route, format!("{dest} -> {target_name}"));
    for e in exits.iter_mut() {
        e.hops.splice(0..0, [table_hop.clone(), route_hop.clone()]);
    }
}

/// A few words for an exit kind, for messages.
pub fn describe(kind: &ExitKind) -> String {
    match kind {
        ExitKind::Internet => "the internet".into(),
        ExitKind::EgressOnly => "the IPv6 internet".into(),
        ExitKind::Beyond(what) => format!("a network outside the scan ({what})"),
        ExitKind::PeerVpc {
            peering,
            account: Some(account),
        } => format!("account {account} (VPC peering {peering})"),
        ExitKind::PeerVpc {
            peering,
            account: None,
        } => format!("a VPC outside the scan or of another account (VPC peering {peering})"),
        ExitKind::Filtered { firewall, .. } => format!("the internet through {firewall}"),
    }
}
