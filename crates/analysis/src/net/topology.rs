//! The network of the model, indexed once: which route tables, NACLs and security group rules
//! apply to which subnet. Every lookup the reachability walk does is a hash lookup, so the whole
//! analysis stays near-linear in the size of the model.

use crate::net::space::Space;
use crate::{unresolved, Context, Rule, UnknownFinding};
use egressproof_model::{
    Attr, Ident, Kind, NetworkAclEntry, NetworkFirewall, Peer, Protocol, Resource, Route, SgRule,
};
use ipnet::IpNet;
use std::collections::HashMap;

/// Allowed destinations after a filter (security groups, a NACL): `sure` is allowed for certain;
/// `maybe` (a superset) is what could be allowed if the unresolved parts were permissive.
#[derive(Clone, Debug, Default)]
pub struct Filter {
    pub sure: Space,
    pub maybe: Space,
    /// Why `maybe` is larger than `sure`.
    pub unknowns: Vec<UnknownFinding>,
}

impl Filter {
    pub fn all() -> Self {
        Filter {
            sure: Space::all(),
            maybe: Space::all(),
            unknowns: Vec::new(),
        }
    }

    fn open_maybe(&mut self, unknown: UnknownFinding) {
        self.maybe = Space::all();
        self.unknowns.push(unknown);
    }

    /// Both filters applied one after the other.
    pub fn and(&self, other: &Filter) -> Filter {
        let mut unknowns = self.unknowns.clone();
        unknowns.extend(other.unknowns.iter().cloned());
        Filter {
            sure: self.sure.intersect(&other.sure),
            maybe: self.maybe.intersect(&other.maybe),
            unknowns,
        }
    }
}

/// The route tables that decide a subnet's traffic.
pub struct SubnetTables {
    /// Tables that certainly apply (an explicit association, else the VPC's main table).
    pub certain: Vec<ChosenTable>,
    /// Tables that may apply because an association's subnet is unresolved.
    pub maybe: Vec<MaybeTable>,
    pub unknowns: Vec<UnknownFinding>,
}

/// A table a walk from a subnet starts in, and why it applies.
pub struct Candidate<'a> {
    pub table: &'a Ident,
    /// How it was chosen, for the path.
    pub how: &'static str,
    /// Set when the table applies only if an unresolved association says so.
    pub doubt: Option<&'a UnknownFinding>,
}

impl SubnetTables {
    /// The certain tables, then the ones an unresolved association may add.
    pub fn candidates(&self) -> impl Iterator<Item = Candidate<'_>> {
        let certain = self.certain.iter().map(|c| Candidate {
            table: &c.table,
            how: c.how,
            doubt: None,
        });
        let maybe = self.maybe.iter().map(|m| Candidate {
            table: &m.table,
            how: "an association with an unresolved subnet",
            doubt: Some(&m.why),
        });
        certain.chain(maybe)
    }
}

/// A route table that certainly applies to a subnet.
pub struct ChosenTable {
    pub table: Ident,
    /// How it was chosen, for the path ("explicit association", "the VPC's main route table").
    pub how: &'static str,
}

/// A route table that applies only if an association's unresolved subnet is this subnet.
pub struct MaybeTable {
    pub table: Ident,
    pub why: UnknownFinding,
}

/// The outbound network ACL filter of a subnet, and the names of the ACLs it comes from.
pub struct SubnetNacl {
    pub filter: Filter,
    /// The ACLs' names joined, empty for the VPC's default ACL outside the scan.
    pub names: String,
}

/// Which way traffic crosses a security group or network ACL.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    Egress,
    Ingress,
}

/// Whether a filter lets a peer through.
#[derive(Clone, Debug)]
pub enum Admission {
    /// Yes, by a rule of this group.
    Yes {
        group: Ident,
    },
    /// Only if an unresolved value is permissive.
    Maybe(UnknownFinding),
    No,
}

/// Whether a rule's peer is `peer_space` or one of `peer_groups`: `None` when that cannot be
/// told (an unresolved peer, a prefix list).
fn peer_match(rule: &SgRule, peer_space: &Space, peer_groups: &[Ident]) -> Option<bool> {
    match &rule.peer {
        Attr::Known(Peer::Cidr(n)) => Some(Space::net(n).intersects(peer_space)),
        Attr::Known(Peer::SecurityGroup(g)) => Some(peer_groups.contains(g)),
        Attr::Known(Peer::PrefixList(_)) | Attr::Unknown(_) => None,
    }
}

/// Whether a rule carries TCP traffic to `port`: `None` when that cannot be told (an
/// unresolved protocol or port).
fn carries_tcp(rule: &SgRule, port: u16) -> Option<bool> {
    let port = i64::from(port);
    match &rule.protocol {
        Attr::Unknown(_) => None,
        Attr::Known(Protocol::All) => Some(true),
        Attr::Known(Protocol::Tcp) => match (&rule.from_port, &rule.to_port) {
            (Some(Attr::Known(from)), Some(Attr::Known(to))) => Some(*from <= port && port <= *to),
            _ => None,
        },
        Attr::Known(_) => Some(false),
    }
}

/// The network part of the model, indexed.
pub struct Network<'c, 'm> {
    pub ctx: &'c Context<'m>,
    vpc_cidrs: HashMap<&'m str, Space>,
    main_tables: HashMap<&'m str, Vec<&'m Ident>>,
    subnet_assoc: HashMap<&'m str, Vec<&'m Attr<Ident>>>,
    /// Associations whose subnet is unresolved: (route table, why).
    loose_assoc: Vec<(&'m Ident, &'m egressproof_model::Unknown)>,
    routes: HashMap<&'m str, Vec<(&'m Resource, &'m Route)>>,
    propagations: HashMap<&'m str, Vec<&'m Resource>>,
    subnet_nacl: HashMap<&'m str, Vec<&'m Attr<Ident>>>,
    loose_nacl_assoc: Vec<(&'m Ident, &'m egressproof_model::Unknown)>,
    nacl_entries: HashMap<&'m str, Vec<(&'m Resource, &'m NetworkAclEntry)>>,
    sg_rules: HashMap<&'m str, Vec<&'m SgRule>>,
    loose_sg_rules: Vec<(&'m SgRule, &'m egressproof_model::Unknown)>,
    /// Standalone ingress rules by group, and those whose group is unresolved.
    sg_ingress_rules: HashMap<&'m str, Vec<&'m SgRule>>,
    loose_sg_ingress_rules: Vec<(&'m SgRule, &'m egressproof_model::Unknown)>,
    table_vpc: HashMap<&'m str, &'m Attr<Ident>>,
    /// Firewall endpoint identifiers (`Firewall::EndpointIds`) and firewall IDs → the firewall.
    pub firewalls: HashMap<&'m str, (&'m Resource, &'m NetworkFirewall)>,
    /// Unknowns that no subnet owns (a route whose table is unresolved).
    pub global_unknowns: Vec<UnknownFinding>,
}

impl<'c, 'm> Network<'c, 'm> {
    pub fn new(ctx: &'c Context<'m>) -> Self {
        let mut net = Network {
            ctx,
            vpc_cidrs: HashMap::new(),
            main_tables: HashMap::new(),
            subnet_assoc: HashMap::new(),
            loose_assoc: Vec::new(),
            routes: HashMap::new(),
            propagations: HashMap::new(),
            subnet_nacl: HashMap::new(),
            loose_nacl_assoc: Vec::new(),
            nacl_entries: HashMap::new(),
            sg_rules: HashMap::new(),
            loose_sg_rules: Vec::new(),
            sg_ingress_rules: HashMap::new(),
            loose_sg_ingress_rules: Vec::new(),
            table_vpc: HashMap::new(),
            firewalls: HashMap::new(),
            global_unknowns: Vec::new(),
        };
        let mut vpc_nets: HashMap<&'m str, Vec<IpNet>> = HashMap::new();
        for r in ctx.resources() {
            match &r.kind {
                Kind::Vpc(v) => {
                    let e = vpc_nets.entry(r.id.as_str()).or_default();
                    if let Some(Attr::Known(n)) = &v.cidr_v4 {
                        e.push(IpNet::V4(*n));
                    }
                }
                Kind::VpcCidrBlock(b) => {
                    if let (Attr::Known(vpc), Some(Attr::Known(n))) = (&b.vpc, &b.cidr) {
                        vpc_nets.entry(vpc.as_str()).or_default().push(*n);
                    }
                }
                Kind::RouteTable(t) => {
                    net.table_vpc.insert(r.id.as_str(), &t.vpc);
                    if t.main {
                        if let Attr::Known(vpc) = &t.vpc {
                            net.main_tables.entry(vpc.as_str()).or_default().push(&r.id);
                        }
                    }
                }
                Kind::MainRouteTableAssociation(a) => match (&a.vpc, &a.route_table) {
                    (Attr::Known(vpc), Attr::Known(t)) => {
                        net.main_tables.entry(vpc.as_str()).or_default().push(t)
                    }
                    (Attr::Unknown(u), _) | (_, Attr::Unknown(u)) => net.global_unknowns.push(
                        unresolved(u, &format!("main route table association {}", r.name)),
                    ),
                },
                Kind::SubnetRouteTableAssociation(a) => match &a.subnet {
                    Attr::Known(s) => net
                        .subnet_assoc
                        .entry(s.as_str())
                        .or_default()
                        .push(&a.route_table),
                    Attr::Unknown(u) => match &a.route_table {
                        Attr::Known(t) => net.loose_assoc.push((t, u)),
                        Attr::Unknown(_) => net.global_unknowns.push(unresolved(
                            u,
                            &format!("route table association {}", r.name),
                        )),
                    },
                },
                Kind::Route(rt) => match &rt.route_table {
                    Attr::Known(t) => net.routes.entry(t.as_str()).or_default().push((r, rt)),
                    Attr::Unknown(u) => net
                        .global_unknowns
                        .push(unresolved(u, &format!("route {}: its route table", r.name))),
                },
                Kind::VpnGatewayRoutePropagation(p) => match &p.route_tables {
                    Attr::Known(ts) => {
                        for t in ts {
                            net.propagations.entry(t.as_str()).or_default().push(r);
                        }
                    }
                    Attr::Unknown(u) => net.global_unknowns.push(unresolved(
                        u,
                        &format!("VPN gateway route propagation {}: its route tables", r.name),
                    )),
                },
                Kind::SubnetNetworkAclAssociation(a) => match &a.subnet {
                    Attr::Known(s) => net
                        .subnet_nacl
                        .entry(s.as_str())
                        .or_default()
                        .push(&a.network_acl),
                    Attr::Unknown(u) => match &a.network_acl {
                        Attr::Known(n) => net.loose_nacl_assoc.push((n, u)),
                        Attr::Unknown(_) => net.global_unknowns.push(unresolved(
                            u,
                            &format!("network ACL association {}", r.name),
                        )),
                    },
                },
                Kind::NetworkAclEntry(e) => match &e.network_acl {
                    Attr::Known(n) => net.nacl_entries.entry(n.as_str()).or_default().push((r, e)),
                    Attr::Unknown(u) if e.egress => net.global_unknowns.push(unresolved(
                        u,
                        &format!("network ACL entry {}: its ACL", r.name),
                    )),
                    Attr::Unknown(_) => {}
                },
                Kind::SecurityGroupRule(sr) if sr.egress => match &sr.group {
                    Attr::Known(g) => net.sg_rules.entry(g.as_str()).or_default().push(&sr.rule),
                    Attr::Unknown(u) => net.loose_sg_rules.push((&sr.rule, u)),
                },
                Kind::SecurityGroupRule(sr) => match &sr.group {
                    Attr::Known(g) => net
                        .sg_ingress_rules
                        .entry(g.as_str())
                        .or_default()
                        .push(&sr.rule),
                    Attr::Unknown(u) => net.loose_sg_ingress_rules.push((&sr.rule, u)),
                },
                Kind::NetworkFirewall(fw) => {
                    net.firewalls.insert(r.id.as_str(), (r, fw));
                }
                _ => {}
            }
        }
        for (vpc, nets) in vpc_nets {
            net.vpc_cidrs.insert(vpc, Space::nets(&nets));
        }
        for entries in net.nacl_entries.values_mut() {
            entries.sort_by_key(|(_, e)| match &e.rule_number {
                Attr::Known(n) => *n,
                Attr::Unknown(_) => i64::MAX,
            });
        }
        net
    }

    /// The VPC's own address space (its CIDR blocks), empty when not known.
    pub fn vpc_space(&self, vpc: &str) -> Space {
        self.vpc_cidrs.get(vpc).cloned().unwrap_or_default()
    }

    /// The VPC of a route table: the table's own, or the VPC an implicit main table belongs to.
    pub fn table_vpc(&self, table: &Ident) -> Option<Ident> {
        if let Some(Attr::Known(v)) = self.table_vpc.get(table.as_str()) {
            return Some(v.clone());
        }
        match table.split_attribute() {
            Some((vpc, "main-route-table")) => Some(vpc),
            _ => None,
        }
    }

    pub fn routes_of(&self, table: &str) -> &[(&'m Resource, &'m Route)] {
        self.routes.get(table).map(Vec::as_slice).unwrap_or(&[])
    }

    pub fn propagations_of(&self, table: &str) -> &[&'m Resource] {
        self.propagations
            .get(table)
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// The VPC's main route table(s): declared as main, or AWS's implicit one.
    pub fn main_tables(&self, vpc: &Ident) -> Vec<Ident> {
        match self.main_tables.get(vpc.as_str()) {
            Some(ts) if !ts.is_empty() => ts.iter().map(|t| (*t).clone()).collect(),
            _ => vec![Ident::main_route_table_of(vpc)],
        }
    }

    /// The effective route tables of a subnet in `vpc`.
    pub fn subnet_tables(&self, subnet: &Resource, vpc: &Ident) -> SubnetTables {
        let mut out = SubnetTables {
            certain: Vec::new(),
            maybe: Vec::new(),
            unknowns: Vec::new(),
        };
        let explicit = self.subnet_assoc.get(subnet.id.as_str());
        match explicit {
            Some(list) if !list.is_empty() => {
                for a in list {
                    match a {
                        Attr::Known(t) => out.certain.push(ChosenTable {
                            table: t.clone(),
                            how: "explicit association",
                        }),
                        Attr::Unknown(u) => out.unknowns.push(unresolved(
                            u,
                            &format!("subnet {}: its route table", subnet.name),
                        )),
                    }
                }
            }
            _ => {
                for table in self.main_tables(vpc) {
                    out.certain.push(ChosenTable {
                        table,
                        how: "the VPC's main route table (no explicit association)",
                    });
                }
            }
        }
        for (t, u) in &self.loose_assoc {
            let same_vpc = match self.table_vpc(t) {
                Some(v) => &v == vpc,
                None => true,
            };
            let certain = out.certain.iter().any(|c| &c.table == *t);
            if same_vpc && !certain {
                out.maybe.push(MaybeTable {
                    table: (*t).clone(),
                    why: unresolved(
                        u,
                        &format!(
                            "a route table association (table {t}) whose subnet could be {}",
                            subnet.name
                        ),
                    ),
                });
            }
        }
        out
    }

    /// Outbound NACL filter of a subnet.
    pub fn subnet_nacl(&self, subnet: &Resource, vpc: &Ident) -> SubnetNacl {
        self.subnet_nacl_in(subnet, vpc, Direction::Egress)
    }

    /// Inbound NACL filter of a subnet: the sources its network ACL lets in.
    pub fn subnet_nacl_ingress(&self, subnet: &Resource, vpc: &Ident) -> SubnetNacl {
        self.subnet_nacl_in(subnet, vpc, Direction::Ingress)
    }

    /// The NACL filter of a subnet in one direction.
    fn subnet_nacl_in(&self, subnet: &Resource, vpc: &Ident, direction: Direction) -> SubnetNacl {
        let mut filter = Filter::default();
        let mut names = Vec::new();
        let acls: Vec<Attr<Ident>> = match self.subnet_nacl.get(subnet.id.as_str()) {
            Some(list) if !list.is_empty() => list.iter().map(|a| (*a).clone()).collect(),
            _ => vec![Attr::Known(Ident::default_network_acl_of(vpc))],
        };
        let mut first = true;
        for acl in &acls {
            let f = match acl {
                Attr::Known(id) => {
                    names.push(self.name_of(id));
                    self.nacl_rules(id, direction)
                }
                Attr::Unknown(u) => {
                    let mut f = Filter::default();
                    f.open_maybe(unresolved(
                        u,
                        &format!("subnet {}: its network ACL", subnet.name),
                    ));
                    f
                }
            };
            // Several associations (conditions, duplicates): any of them may be the one in force.
            if first {
                filter = f;
                first = false;
            } else {
                filter.sure = filter.sure.union(&f.sure);
                filter.maybe = filter.maybe.union(&f.maybe);
                filter.unknowns.extend(f.unknowns);
            }
        }
        for (acl, u) in &self.loose_nacl_assoc {
            let f = self.nacl_rules(acl, direction);
            if !filter.maybe.contains_set(&f.maybe) {
                filter.maybe = filter.maybe.union(&f.maybe);
                filter.unknowns.push(unresolved(
                    u,
                    &format!(
                        "a network ACL association ({acl}) whose subnet could be {}",
                        subnet.name
                    ),
                ));
            }
        }
        SubnetNacl {
            filter,
            names: names.join(", "),
        }
    }

    /// What a NACL lets out: rules in order, first match wins, `*` denies the rest. Any allow
    /// entry opens its CIDR (any protocol or port is a channel); a deny entry is honoured only
    /// when it covers all protocols, since a narrower deny leaves other traffic to later rules.
    pub fn nacl_filter(&self, id: &Ident) -> Filter {
        self.nacl_rules(id, Direction::Egress)
    }

    /// What a NACL lets through in one direction (destinations out, sources in), read as
    /// [`Network::nacl_filter`] reads the outbound rules.
    fn nacl_rules(&self, id: &Ident, direction: Direction) -> Filter {
        let egress = direction == Direction::Egress;
        let entries: &[(&Resource, &NetworkAclEntry)] = self
            .nacl_entries
            .get(id.as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut f = Filter::default();
        let resource = self.ctx.get(id);
        let implicit_default = match resource {
            Some(r) => match &r.kind {
                Kind::NetworkAcl(acl) => {
                    acl.default && !entries.iter().any(|(_, e)| e.egress == egress)
                }
                _ => {
                    f.open_maybe(UnknownFinding {
                        rule: Rule::UnsupportedConstruct,
                        message: format!(
                            "{} is used as a network ACL but is a {}",
                            r.name, r.type_name
                        ),
                        span: Some(r.span.clone()),
                    });
                    return f;
                }
            },
            None => match id.split_attribute() {
                Some((_, "default-network-acl")) => true,
                _ => {
                    f.open_maybe(UnknownFinding {
                        rule: Rule::UnresolvedValue,
                        message: format!(
                            "network ACL {id} is not in the scan: its rules are unknown"
                        ),
                        span: None,
                    });
                    return f;
                }
            },
        };
        let mut denied = Space::empty();
        let mut sure = Space::empty();
        let mut maybe = Space::empty();
        // AWS's default ACL starts with rule 100 allowing everything; rules added to it by
        // number come before or after that.
        let mut implicit_done = !implicit_default;
        for (res, e) in entries.iter().filter(|(_, e)| e.egress == egress) {
            let number = match &e.rule_number {
                Attr::Known(n) => Some(*n),
                Attr::Unknown(_) => None,
            };
            if !implicit_done && number.is_none_or(|n| n > 100) {
                sure = sure.union(&Space::all().difference(&denied));
                implicit_done = true;
            }
            let cidr = match &e.cidr {
                Attr::Known(n) => Space::net(n),
                Attr::Unknown(u) => {
                    if !matches!(e.allow, Attr::Known(false)) {
                        maybe = maybe.union(&Space::all().difference(&denied));
                        f.unknowns.push(unresolved(
                            u,
                            &format!("network ACL entry {}: CIDR", res.name),
                        ));
                    }
                    continue;
                }
            };
            if number.is_none() {
                if let Attr::Unknown(u) = &e.rule_number {
                    if !matches!(e.allow, Attr::Known(false)) {
                        maybe = maybe.union(&cidr);
                        f.unknowns.push(unresolved(
                            u,
                            &format!("network ACL entry {}: rule number", res.name),
                        ));
                    }
                }
                continue;
            }
            match &e.allow {
                Attr::Known(true) => sure = sure.union(&cidr.difference(&denied)),
                Attr::Known(false) => {
                    let all_protocols = matches!(e.protocol, Attr::Known(Protocol::All));
                    if all_protocols {
                        denied = denied.union(&cidr.difference(&sure));
                    }
                }
                Attr::Unknown(u) => {
                    maybe = maybe.union(&cidr.difference(&denied));
                    f.unknowns.push(unresolved(
                        u,
                        &format!("network ACL entry {}: allow or deny", res.name),
                    ));
                }
            }
        }
        if !implicit_done {
            sure = sure.union(&Space::all().difference(&denied));
        }
        f.maybe = maybe.union(&sure);
        f.sure = sure;
        f
    }

    /// Egress filter of a set of security groups (a union: any group's rule allows).
    pub fn sg_filter(&self, groups: &[Ident], owner: &str) -> Filter {
        let mut f = Filter::default();
        let mut nets: Vec<IpNet> = Vec::new();
        for g in groups {
            let inline: &[SgRule] = match self.ctx.get(g) {
                Some(r) => match &r.kind {
                    Kind::SecurityGroup(sg) => &sg.egress,
                    _ => {
                        f.open_maybe(UnknownFinding {
                            rule: Rule::UnsupportedConstruct,
                            message: format!(
                                "{owner}: {} is used as a security group but is a {}",
                                r.name, r.type_name
                            ),
                            span: Some(r.span.clone()),
                        });
                        continue;
                    }
                },
                None => match g.split_attribute() {
                    Some((_, "default-security-group")) => {
                        // AWS's default group allows all egress unless its rules are managed.
                        f.sure = Space::all();
                        &[]
                    }
                    _ => {
                        f.open_maybe(UnknownFinding {
                            rule: Rule::UnresolvedValue,
                            message: format!("{owner}: security group {g} is not in the scan: its egress rules are unknown"),
                            span: None,
                        });
                        continue;
                    }
                },
            };
            let extra = self
                .sg_rules
                .get(g.as_str())
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            for rule in inline.iter().chain(extra.iter().copied()) {
                match &rule.peer {
                    Attr::Known(Peer::Cidr(n)) => nets.push(*n),
                    // Members of a security group are interfaces in the VPC: not public space.
                    Attr::Known(Peer::SecurityGroup(_)) => {}
                    Attr::Known(Peer::PrefixList(pl)) => f.open_maybe(UnknownFinding {
                        rule: Rule::UnresolvedValue,
                        message: format!(
                            "{owner}: security group {} allows egress to prefix list {}, whose entries are not in the scan",
                            self.name_of(g),
                            self.name_of(pl)
                        ),
                        span: self.ctx.get(g).map(|r| r.span.clone()),
                    }),
                    Attr::Unknown(u) => f.open_maybe(unresolved(u, &format!("{owner}: egress rule of security group {g}"))),
                }
            }
        }
        f.sure = f.sure.union(&Space::nets(&nets));
        for (rule, u) in &self.loose_sg_rules {
            let extra = match &rule.peer {
                Attr::Known(Peer::Cidr(n)) => Space::net(n),
                Attr::Known(Peer::SecurityGroup(_)) => continue,
                _ => Space::all(),
            };
            if !f.sure.contains_set(&extra) {
                f.maybe = f.maybe.union(&extra);
                f.unknowns.push(unresolved(
                    u,
                    &format!("{owner}: a security group egress rule whose group is unresolved"),
                ));
            }
        }
        f.maybe = f.maybe.union(&f.sure);
        f
    }

    /// Whether a set of security groups lets traffic through to (egress) or in from (ingress) a
    /// peer: addresses in `peer_space` or members of `peer_groups`, on any port (a relay needs
    /// only one). AWS's default group, when the scan does not hold it, allows all egress and
    /// admits its own members.
    pub fn sg_admits(
        &self,
        groups: &[Ident],
        direction: Direction,
        peer_space: &Space,
        peer_groups: &[Ident],
        owner: &str,
    ) -> Admission {
        self.sg_admits_on(groups, direction, peer_space, peer_groups, owner, None)
    }

    /// [`Network::sg_admits`] for TCP traffic to one port only (`None`: any traffic), as an
    /// interface endpoint takes HTTPS on 443.
    pub fn sg_admits_on(
        &self,
        groups: &[Ident],
        direction: Direction,
        peer_space: &Space,
        peer_groups: &[Ident],
        owner: &str,
        port: Option<u16>,
    ) -> Admission {
        let carries = |rule: &SgRule| port.map_or(Some(true), |p| carries_tcp(rule, p));
        let mut doubt: Option<UnknownFinding> = None;
        let egress = direction == Direction::Egress;
        let standalone = if egress {
            &self.sg_rules
        } else {
            &self.sg_ingress_rules
        };
        for g in groups {
            let inline: &[SgRule] = match self.ctx.get(g).map(|r| (r, &r.kind)) {
                Some((_, Kind::SecurityGroup(sg))) if egress => &sg.egress,
                Some((_, Kind::SecurityGroup(sg))) => &sg.ingress,
                Some((r, _)) => {
                    doubt.get_or_insert(UnknownFinding {
                        rule: Rule::UnsupportedConstruct,
                        message: format!(
                            "{owner}: {} is used as a security group but is a {}",
                            r.name, r.type_name
                        ),
                        span: Some(r.span.clone()),
                    });
                    continue;
                }
                None => match g.split_attribute() {
                    Some((_, "default-security-group")) => {
                        if egress || peer_groups.contains(g) {
                            return Admission::Yes { group: g.clone() };
                        }
                        &[]
                    }
                    _ => {
                        doubt.get_or_insert(UnknownFinding {
                            rule: Rule::UnresolvedValue,
                            message: format!(
                                "{owner}: security group {g} is not in the scan: its rules are unknown"
                            ),
                            span: None,
                        });
                        continue;
                    }
                },
            };
            let extra = standalone.get(g.as_str()).map(Vec::as_slice).unwrap_or(&[]);
            for rule in inline.iter().chain(extra.iter().copied()) {
                match (peer_match(rule, peer_space, peer_groups), carries(rule)) {
                    (Some(true), Some(true)) => return Admission::Yes { group: g.clone() },
                    (Some(false), _) | (_, Some(false)) => {}
                    (Some(true), None) => {
                        doubt.get_or_insert_with(|| match (&rule.protocol, &rule.from_port) {
                            (Attr::Unknown(u), _) | (_, Some(Attr::Unknown(u))) => unresolved(
                                u,
                                &format!("{owner}: the protocol or ports of a rule of security group {g}"),
                            ),
                            _ => UnknownFinding {
                                rule: Rule::UnresolvedValue,
                                message: format!("{owner}: a rule of security group {g} has ports that are not resolved"),
                                span: self.ctx.get(g).map(|r| r.span.clone()),
                            },
                        });
                    }
                    (None, _) => {
                        doubt.get_or_insert_with(|| match &rule.peer {
                            Attr::Unknown(u) => unresolved(u, &format!("{owner}: a rule of security group {g}")),
                            _ => UnknownFinding {
                                rule: Rule::UnresolvedValue,
                                message: format!("{owner}: security group {g} has a rule for a prefix list, whose entries are not in the scan"),
                                span: self.ctx.get(g).map(|r| r.span.clone()),
                            },
                        });
                    }
                }
            }
        }
        let loose = if egress {
            &self.loose_sg_rules
        } else {
            &self.loose_sg_ingress_rules
        };
        for (rule, u) in loose {
            if peer_match(rule, peer_space, peer_groups) != Some(false)
                && carries(rule) != Some(false)
            {
                doubt.get_or_insert_with(|| {
                    unresolved(
                        u,
                        &format!("{owner}: a security group rule whose group is unresolved"),
                    )
                });
            }
        }
        match doubt {
            Some(u) => Admission::Maybe(u),
            None => Admission::No,
        }
    }

    /// A subnet's addresses (IPv4 and IPv6 blocks), or every address when none is known.
    pub fn subnet_space(&self, subnet: &Resource) -> Space {
        let Kind::Subnet(s) = &subnet.kind else {
            return Space::all();
        };
        let mut nets = Vec::new();
        if let Some(Attr::Known(n)) = &s.cidr_v4 {
            nets.push(IpNet::V4(*n));
        }
        if let Some(Attr::Known(n)) = &s.cidr_v6 {
            nets.push(IpNet::V6(*n));
        }
        let unresolved = matches!(s.cidr_v4, Some(Attr::Unknown(_)))
            || matches!(s.cidr_v6, Some(Attr::Unknown(_)));
        if nets.is_empty() || unresolved {
            return Space::all();
        }
        Space::nets(&nets)
    }

    /// A person's name for an identifier ([`crate::Context::name_of`]).
    pub fn name_of(&self, id: &Ident) -> String {
        self.ctx.name_of(id)
    }
}
