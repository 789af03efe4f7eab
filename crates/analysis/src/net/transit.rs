//! Transit gateways: a VPC route to a transit gateway continues at the VPC's attachment, in the
//! gateway route table the attachment is associated with, by longest-prefix match over its
//! static and propagated routes, to the target attachment: a VPC (its subnets' route tables, in
//! whichever account owns them), a VPN or Direct Connect gateway (on-premises), a peer gateway
//! (followed when in the scan) or a Connect attachment.
//!
//! AWS's defaults are modelled, not assumed away: a gateway associates every attachment with
//! its default association route table and propagates every attachment's routes into its
//! default propagation route table unless `DefaultRouteTableAssociation` /
//! `DefaultRouteTablePropagation` (or the attachment's own setting) say `disable`; without a
//! named default table, AWS creates one ([`Ident::default_tgw_route_table_of`]).
//!
//! A gateway route table's exits are computed once for the whole address space and memoised,
//! like a VPC route table's; the walk shares the VPC walk's stack, so a loop through gateways and
//! VPCs is cut, and its depth limit.

use super::reach::{Completeness, Exit, ExitKind, Walk, Walker};
use crate::net::space::Space;
use crate::{unresolved, Hop, Rule, UnknownFinding};
use egressproof_model::{
    Attr, Destination, Ident, Kind, Resource, TgwAttachmentKind, TransitGateway,
    TransitGatewayAttachment,
};
use ipnet::IpNet;
use std::collections::HashMap;
use std::rc::Rc;

/// The scan's transit gateway resources, indexed once.
#[derive(Default)]
pub(crate) struct TgwIndex<'m> {
    /// Attachments by the gateway they attach to.
    attachments: HashMap<Ident, Vec<&'m Resource>>,
    /// Explicit associations: attachment → route tables.
    associations: HashMap<&'m str, Vec<&'m Ident>>,
    /// Explicit propagations: route table → propagation resources and their attachments.
    propagations: HashMap<&'m str, Vec<(&'m Resource, &'m Attr<Ident>)>>,
    /// Static routes by route table.
    routes: HashMap<&'m str, Vec<&'m Resource>>,
    /// The gateway of each route table of the scan.
    table_tgw: HashMap<&'m str, &'m Attr<Ident>>,
    /// Resources shared through AWS RAM (a gateway: attachments of other accounts, outside the
    /// scan, may propagate into its default table; a subnet: another account's workloads use
    /// it), by identifier and by the ID an ARN ends with, with the share naming them.
    shared: HashMap<Ident, &'m Resource>,
    /// VPC attachments whose gateway is not known (another account's attachment accepted here,
    /// whose gateway AWS names once accepted): any gateway of the scan may be theirs.
    unplaced: Vec<&'m Resource>,
    /// The CIDR blocks of each VPC (a propagating VPC attachment's routes); `None` when one of
    /// them is unresolved.
    vpc_nets: HashMap<&'m str, Option<Vec<IpNet>>>,
}

impl<'m> TgwIndex<'m> {
    pub(crate) fn new(resources: impl Iterator<Item = &'m Resource>) -> Self {
        let mut ix = TgwIndex::default();
        let mut connects = Vec::new();
        let mut by_id: HashMap<&'m str, &'m Resource> = HashMap::new();
        for r in resources {
            by_id.insert(r.id.as_str(), r);
            match &r.kind {
                Kind::TransitGatewayAttachment(a) => match &a.transit_gateway {
                    Attr::Known(t) => ix.attachments.entry(t.clone()).or_default().push(r),
                    Attr::Unknown(_) => connects.push(r),
                },
                Kind::TransitGatewayRouteTableAssociation(a) => {
                    if let (Attr::Known(att), Attr::Known(rt)) = (&a.attachment, &a.route_table) {
                        ix.associations.entry(att.as_str()).or_default().push(rt);
                    }
                }
                Kind::TransitGatewayRouteTablePropagation(p) => {
                    if let Attr::Known(rt) = &p.route_table {
                        ix.propagations
                            .entry(rt.as_str())
                            .or_default()
                            .push((r, &p.attachment));
                    }
                }
                Kind::TransitGatewayRoute(tr) => {
                    if let Attr::Known(rt) = &tr.route_table {
                        ix.routes.entry(rt.as_str()).or_default().push(r);
                    }
                }
                Kind::TransitGatewayRouteTable(t) => {
                    ix.table_tgw.insert(r.id.as_str(), &t.transit_gateway);
                }
                Kind::ResourceShare(s) => {
                    if let Attr::Known(ids) = &s.resources {
                        for id in ids {
                            ix.shared.insert(id.clone(), r);
                            // A literal ARN (`arn:aws:ec2:...:subnet/subnet-0abc`) names the
                            // resource a snapshot knows by its ID.
                            if let Some((_, tail)) = id.as_str().rsplit_once('/') {
                                if id.as_str().starts_with("arn:") {
                                    ix.shared.insert(Ident::new(tail), r);
                                }
                            }
                        }
                    }
                }
                Kind::Vpc(v) => {
                    let e = ix.vpc_nets.entry(r.id.as_str()).or_insert(Some(Vec::new()));
                    match &v.cidr_v4 {
                        Some(Attr::Known(n)) => push_net(e, IpNet::V4(*n)),
                        _ => *e = None,
                    }
                }
                Kind::VpcCidrBlock(b) => {
                    if let Attr::Known(vpc) = &b.vpc {
                        let e = ix.vpc_nets.entry(vpc.as_str()).or_insert(Some(Vec::new()));
                        match &b.cidr {
                            Some(Attr::Known(n)) => push_net(e, *n),
                            _ => *e = None,
                        }
                    }
                }
                _ => {}
            }
        }
        // A Connect attachment belongs to its transport attachment's gateway.
        for r in connects {
            let Kind::TransitGatewayAttachment(a) = &r.kind else {
                continue;
            };
            if a.attachment_kind == TgwAttachmentKind::Vpc {
                ix.unplaced.push(r);
                continue;
            }
            let transport = match &a.peer {
                Some(Attr::Known(p)) => by_id.get(p.as_str()),
                _ => None,
            };
            if let Some(Kind::TransitGatewayAttachment(t)) = transport.map(|t| &t.kind) {
                if let Attr::Known(tgw) = &t.transit_gateway {
                    ix.attachments.entry(tgw.clone()).or_default().push(r);
                }
            }
        }
        ix
    }

    /// The AWS RAM share that shares a resource of the scan with other accounts.
    pub(crate) fn share_of(&self, id: &Ident) -> Option<&'m Resource> {
        self.shared.get(id).copied()
    }

    fn attachments_of(&self, tgw: &Ident) -> &[&'m Resource] {
        self.attachments.get(tgw).map(Vec::as_slice).unwrap_or(&[])
    }
}

fn push_net(e: &mut Option<Vec<IpNet>>, n: IpNet) {
    if let Some(v) = e {
        v.push(n);
    }
}

/// Whether a gateway-wide default is on: `enable` (or absent: AWS's default), `disable`.
fn enabled(setting: &Option<Attr<String>>) -> Attr<bool> {
    match setting {
        None => Attr::Known(true),
        Some(Attr::Known(s)) => Attr::Known(!s.eq_ignore_ascii_case("disable")),
        Some(Attr::Unknown(u)) => Attr::Unknown(u.clone()),
    }
}

/// The gateway's setting narrowed by the attachment's own (`false` opts out).
fn both(gateway: Attr<bool>, own: &Option<Attr<bool>>) -> Attr<bool> {
    match (gateway, own) {
        (Attr::Known(false), _) | (_, Some(Attr::Known(false))) => Attr::Known(false),
        (Attr::Unknown(u), _) => Attr::Unknown(u),
        (_, Some(Attr::Unknown(u))) => Attr::Unknown(u.clone()),
        _ => Attr::Known(true),
    }
}

/// A gateway's default association (or propagation) route table: the one it names, else the
/// one AWS creates. A name written as the gateway's computed attribute
/// (`aws_ec2_transit_gateway.x.association_default_route_table_id`) is that table too.
fn default_table(tgw: &Resource, named: &Option<Attr<Ident>>) -> Attr<Ident> {
    match named {
        Some(Attr::Known(t)) => Attr::Known(t.clone()),
        Some(Attr::Unknown(u)) => Attr::Unknown(u.clone()),
        None => Attr::Known(Ident::default_tgw_route_table_of(&tgw.id)),
    }
}

/// The same table under the names a template may give it.
fn canonical_table(t: &Ident) -> Ident {
    match t.split_attribute() {
        Some((tgw, a))
            if a.eq_ignore_ascii_case("association_default_route_table_id")
                || a.eq_ignore_ascii_case("propagation_default_route_table_id")
                || a.eq_ignore_ascii_case("AssociationDefaultRouteTableId")
                || a.eq_ignore_ascii_case("PropagationDefaultRouteTableId") =>
        {
            Ident::default_tgw_route_table_of(&tgw)
        }
        _ => t.clone(),
    }
}

/// A prefix of a gateway route table: static (a route resource, maybe a blackhole) or
/// propagated from an attachment.
struct TgwRoute<'m> {
    prefix_len: u8,
    destination: Space,
    /// Static routes win over propagated ones of the same prefix.
    propagated: bool,
    /// The route or propagation resource, for the path.
    source: Option<&'m Resource>,
    /// `None`: a blackhole.
    attachment: Option<Attr<Ident>>,
    text: String,
}

/// A route whose prefixes are not known (learned by BGP, an unresolved CIDR): it may take any
/// part of the space.
struct TgwDoubt<'m> {
    source: Option<&'m Resource>,
    /// `None`: attachments outside the scan.
    attachment: Option<Attr<Ident>>,
    why: UnknownFinding,
    text: String,
}

/// The owner of a resource, for hops that cross accounts.
fn account_note(r: &Resource) -> String {
    r.account
        .as_deref()
        .map(|a| format!(" (account {a})"))
        .unwrap_or_default()
}

impl<'n, 'c, 'm> Walker<'n, 'c, 'm> {
    /// Follows a transit gateway in the scan from a route of `vpc`'s route table: the VPC's
    /// attachment, its associated gateway route table, and on.
    pub(super) fn transit(
        &mut self,
        r: &'m Resource,
        vpc: Option<&Ident>,
        part: &Space,
        stack: &mut Vec<Ident>,
        depth: usize,
    ) -> Walk {
        let own: Vec<&'m Resource> = self
            .tgw
            .attachments_of(&r.id)
            .iter()
            .copied()
            .filter(|a| match &a.kind {
                Kind::TransitGatewayAttachment(t) => {
                    t.attachment_kind == TgwAttachmentKind::Vpc
                        && matches!((&t.vpc, vpc), (Attr::Known(v), Some(w)) if v == w)
                }
                _ => false,
            })
            .collect();
        if own.is_empty() {
            return Walk::complete(vec![beyond(
                r,
                part,
                "this VPC's attachment is not in the scan",
                None,
            )]);
        }
        let mut out = Vec::new();
        let mut completeness = Completeness::Complete;
        for att in own {
            let head = [
                Hop::new(r, format!("transit gateway{}", account_note(r))),
                Hop::new(att, format!("the VPC's attachment{}", account_note(att))),
            ];
            let walk = self.entering_at(r, att, part, stack, depth);
            completeness.absorb(walk.completeness);
            for mut e in walk.exits {
                e.hops.splice(0..0, head.iter().cloned());
                let via = format!("transit gateway {}", r.name);
                if e.via.first() != Some(&via) {
                    e.via.insert(0, via);
                }
                out.push(e);
            }
        }
        Walk {
            exits: out,
            completeness,
        }
    }

    /// Where traffic entering gateway `tgw` from attachment `att` goes: through the route
    /// tables it is associated with.
    fn entering_at(
        &mut self,
        tgw: &'m Resource,
        att: &'m Resource,
        part: &Space,
        stack: &mut Vec<Ident>,
        depth: usize,
    ) -> Walk {
        let Kind::TransitGateway(gw) = &tgw.kind else {
            return Walk::complete(vec![beyond(tgw, part, "not a transit gateway", None)]);
        };
        let Kind::TransitGatewayAttachment(a) = &att.kind else {
            return Walk::nowhere();
        };
        let tables = match self.associated(tgw, gw, att, a) {
            Ok(t) => t,
            Err(e) => return Walk::complete(vec![beyond(tgw, part, &e.0, e.1)]),
        };
        let mut out = Vec::new();
        let mut completeness = Completeness::Complete;
        for t in tables {
            let walk = self.tgw_table(tgw, gw, &t, stack, depth);
            completeness.absorb(walk.completeness);
            for e in walk.exits.iter() {
                let space = e.space.intersect(part);
                if space.is_empty() {
                    continue;
                }
                out.push(Exit { space, ..e.clone() });
            }
        }
        Walk {
            exits: out,
            completeness,
        }
    }

    /// The route tables an attachment is associated with: its explicit associations, else the
    /// gateway's default association table when default association applies to it.
    fn associated(
        &self,
        tgw: &'m Resource,
        gw: &'m TransitGateway,
        att: &'m Resource,
        a: &'m TransitGatewayAttachment,
    ) -> Result<Vec<Ident>, (String, Option<UnknownFinding>)> {
        let explicit: Vec<Ident> = self
            .tgw
            .associations
            .get(att.id.as_str())
            .map(|ts| ts.iter().map(|t| canonical_table(t)).collect())
            .unwrap_or_default();
        if !explicit.is_empty() {
            return Ok(explicit);
        }
        match both(
            enabled(&gw.default_route_table_association),
            &a.default_association,
        ) {
            Attr::Known(true) => match default_table(tgw, &gw.association_default_route_table) {
                Attr::Known(t) => Ok(vec![canonical_table(&t)]),
                Attr::Unknown(u) => Err((
                    "its default association route table is unresolved".into(),
                    Some(unresolved(
                        &u,
                        &format!("transit gateway {}: default association route table", tgw.name),
                    )),
                )),
            },
            Attr::Known(false) => Err((
                format!("attachment {} is associated with no route table in the scan", att.name),
                Some(UnknownFinding {
                    rule: Rule::UnresolvedValue,
                    message: format!(
                        "transit gateway attachment {}: default association is disabled and no association in the scan names its route table",
                        att.name
                    ),
                    span: Some(att.span.clone()),
                }),
            )),
            Attr::Unknown(u) => Err((
                "whether the attachment is associated with the default route table is unresolved"
                    .into(),
                Some(unresolved(
                    &u,
                    &format!("transit gateway {}: default route table association", tgw.name),
                )),
            )),
        }
    }

    /// The exits of a gateway route table for the whole routable space, memoised.
    fn tgw_table(
        &mut self,
        tgw: &'m Resource,
        gw: &'m TransitGateway,
        table: &Ident,
        stack: &mut Vec<Ident>,
        depth: usize,
    ) -> Walk<Rc<Vec<Exit>>> {
        if let Some(m) = self.tgw_memo.get(table) {
            return Walk::complete(m.clone());
        }
        if stack.contains(table) {
            return Walk::looped(Rc::new(Vec::new()), table);
        }
        if depth > super::reach::MAX_DEPTH {
            self.unknowns.push(UnknownFinding {
                rule: Rule::UnsupportedConstruct,
                message: format!(
                    "transit gateway route table {table}: path longer than {} hops, not followed",
                    super::reach::MAX_DEPTH
                ),
                span: None,
            });
            return Walk::too_deep(Rc::new(Vec::new()));
        }
        stack.push(table.clone());
        let walk = self.tgw_table_routes(tgw, gw, table, stack, depth + 1);
        stack.pop();
        let exits = Rc::new(walk.exits);
        let mut completeness = walk.completeness;
        completeness.settle(table);
        if completeness == Completeness::Complete {
            self.tgw_memo.insert(table.clone(), exits.clone());
        }
        Walk {
            exits,
            completeness,
        }
    }

    fn tgw_table_hop(&self, table: &Ident) -> Hop {
        match self.ctx().get(table) {
            Some(r) => Hop::new(r, format!("transit gateway route table{}", account_note(r))),
            None => Hop::external(
                "AWS::EC2::TransitGatewayRouteTable",
                &self.net.name_of(table),
                "the transit gateway's default route table (created by AWS): the routes of the scan and those propagated into it",
            ),
        }
    }

    /// Longest-prefix match over a gateway route table's static and propagated routes.
    fn tgw_table_routes(
        &mut self,
        tgw: &'m Resource,
        gw: &'m TransitGateway,
        table: &Ident,
        stack: &mut Vec<Ident>,
        depth: usize,
    ) -> Walk {
        let space = Space::all().difference(&self.trusted);
        let table_hop = self.tgw_table_hop(table);
        let in_scan = self.ctx().get(table).is_some();
        let implicit = table == &Ident::default_tgw_route_table_of(&tgw.id);
        if !in_scan && !implicit {
            let why = UnknownFinding {
                rule: Rule::UnresolvedValue,
                message: format!(
                    "transit gateway route table {table} is not in the scan: its routes are unknown"
                ),
                span: None,
            };
            return Walk::complete(vec![beyond(
                tgw,
                &space,
                "its route table is not in the scan",
                Some(why),
            )]);
        }
        let (mut known, doubtful) = self.tgw_routes(tgw, gw, table);
        // Longest prefix first; a static route before a propagated one of the same prefix.
        known.sort_by_key(|k| (std::cmp::Reverse(k.prefix_len), k.propagated));
        let mut exits = Vec::new();
        let mut completeness = Completeness::Complete;
        let mut remaining = space.clone();
        for r in &known {
            let part = remaining.intersect(&r.destination);
            remaining = remaining.difference(&r.destination);
            if part.is_empty() {
                continue;
            }
            let Some(att) = &r.attachment else { continue }; // blackhole: dropped
            let walk = self.toward_attachment(tgw, att, &part, stack, depth);
            completeness.absorb(walk.completeness);
            exits.extend(with_route(walk.exits, &table_hop, r.source, &r.text, None));
        }
        for d in doubtful {
            let walk = match &d.attachment {
                Some(att) => self.toward_attachment(tgw, att, &space, stack, depth),
                None => Walk::complete(vec![beyond(tgw, &space, &d.text, None)]),
            };
            completeness.absorb(walk.completeness);
            exits.extend(with_route(
                walk.exits,
                &table_hop,
                d.source,
                &d.text,
                Some(d.why),
            ));
        }
        Walk {
            exits,
            completeness,
        }
    }

    /// A table's routes: static ones, and those propagated into it (explicitly, or as the
    /// gateway's default propagation table).
    fn tgw_routes(
        &self,
        tgw: &'m Resource,
        gw: &'m TransitGateway,
        table: &Ident,
    ) -> (Vec<TgwRoute<'m>>, Vec<TgwDoubt<'m>>) {
        let mut known = Vec::new();
        let mut doubtful = Vec::new();
        let ix = &self.tgw;
        let names = self.table_names(tgw, table);
        for name in &names {
            for res in ix.routes.get(name.as_str()).into_iter().flatten() {
                let Kind::TransitGatewayRoute(tr) = &res.kind else {
                    continue;
                };
                let (prefix_len, destination, text) = match &tr.destination {
                    Attr::Known(Destination::V4(n)) => {
                        (n.prefix_len(), Space::v4_net(n), n.to_string())
                    }
                    Attr::Known(Destination::V6(n)) => {
                        (n.prefix_len(), Space::v6_net(n), n.to_string())
                    }
                    Attr::Known(Destination::PrefixList(pl)) => {
                        if let Some(att) = &tr.attachment {
                            doubtful.push(TgwDoubt {
                                source: Some(res),
                                attachment: Some(att.clone()),
                                why: UnknownFinding {
                                    rule: Rule::UnresolvedValue,
                                    message: format!("transit gateway route {}: destination prefix list {pl}, whose entries are not in the scan", res.name),
                                    span: Some(res.span.clone()),
                                },
                                text: format!("prefix list {pl}"),
                            });
                        }
                        continue;
                    }
                    Attr::Unknown(u) => {
                        if let Some(att) = &tr.attachment {
                            doubtful.push(TgwDoubt {
                                source: Some(res),
                                attachment: Some(att.clone()),
                                why: unresolved(
                                    u,
                                    &format!("transit gateway route {}: destination", res.name),
                                ),
                                text: "unresolved destination".into(),
                            });
                        }
                        continue;
                    }
                };
                let target = match &tr.attachment {
                    None => "blackhole".to_string(),
                    Some(Attr::Known(a)) => self.net.name_of(a),
                    Some(Attr::Unknown(_)) => "<unresolved>".to_string(),
                };
                known.push(TgwRoute {
                    prefix_len,
                    destination,
                    propagated: false,
                    source: Some(res),
                    attachment: tr.attachment.clone(),
                    text: format!("{text} -> {target}"),
                });
            }
        }
        let mut propagators: Vec<(Option<&'m Resource>, Attr<Ident>)> = Vec::new();
        for name in &names {
            for (res, att) in ix.propagations.get(name.as_str()).into_iter().flatten() {
                propagators.push((Some(*res), (*att).clone()));
            }
        }
        let default_propagation = enabled(&gw.default_route_table_propagation);
        let is_default = match default_table(tgw, &gw.propagation_default_route_table) {
            Attr::Known(t) => canonical_table(&t) == canonical_table(table),
            Attr::Unknown(_) => false,
        };
        if is_default {
            for att in ix.attachments_of(&tgw.id) {
                let Kind::TransitGatewayAttachment(a) = &att.kind else {
                    continue;
                };
                if a.attachment_kind == TgwAttachmentKind::Peering {
                    continue; // peering attachments do not propagate
                }
                match both(default_propagation.clone(), &a.default_propagation) {
                    Attr::Known(false) => {}
                    _ => propagators.push((Some(att), Attr::Known(att.id.clone()))),
                }
            }
            for att in &ix.unplaced {
                let Kind::TransitGatewayAttachment(a) = &att.kind else {
                    continue;
                };
                if both(default_propagation.clone(), &a.default_propagation) == Attr::Known(false) {
                    continue;
                }
                let message = format!(
                    "VPC attachment {}: its transit gateway is not known (an attachment accepted from another account is named by AWS once accepted); if it is {}, the routes of its VPC propagate into the gateway's default route table",
                    att.name, tgw.name
                );
                doubtful.push(TgwDoubt {
                    source: Some(att),
                    attachment: None,
                    why: UnknownFinding {
                        rule: Rule::UnresolvedValue,
                        message,
                        span: Some(att.span.clone()),
                    },
                    text: format!("routes propagated by {}", att.name),
                });
            }
            if default_propagation != Attr::Known(false) && ix.shared.contains_key(&tgw.id) {
                let message = format!(
                    "transit gateway {} is shared through AWS RAM: attachments of other accounts, outside the scan, propagate their routes into its default route table",
                    tgw.name
                );
                doubtful.push(TgwDoubt {
                    source: None,
                    attachment: None,
                    why: UnknownFinding {
                        rule: Rule::UnresolvedValue,
                        message,
                        span: Some(tgw.span.clone()),
                    },
                    text: "routes propagated by attachments outside the scan".into(),
                });
            }
        }
        for (source, att) in propagators {
            self.propagated(source, att, &mut known, &mut doubtful);
        }
        (known, doubtful)
    }

    /// The names a table goes by: itself, and the gateway's computed attribute for its default.
    fn table_names(&self, tgw: &Resource, table: &Ident) -> Vec<Ident> {
        let mut names = vec![table.clone()];
        if table == &Ident::default_tgw_route_table_of(&tgw.id) {
            for a in [
                "association_default_route_table_id",
                "propagation_default_route_table_id",
            ] {
                names.push(Ident::attribute_of(&tgw.id, a));
            }
        }
        names
    }

    /// The routes one attachment propagates: a VPC's CIDR blocks when known; for a VPN, a
    /// Direct Connect gateway or a Connect peer, whatever BGP learns (any prefix).
    fn propagated(
        &self,
        source: Option<&'m Resource>,
        att: Attr<Ident>,
        known: &mut Vec<TgwRoute<'m>>,
        doubtful: &mut Vec<TgwDoubt<'m>>,
    ) {
        let ctx = self.ctx();
        let resource = match &att {
            Attr::Known(id) => ctx.get(id),
            Attr::Unknown(_) => None,
        };
        let name = match &att {
            Attr::Known(id) => self.net.name_of(id),
            Attr::Unknown(_) => "an unresolved attachment".into(),
        };
        let nets = match resource.map(|r| &r.kind) {
            Some(Kind::TransitGatewayAttachment(a))
                if a.attachment_kind == TgwAttachmentKind::Vpc =>
            {
                match &a.vpc {
                    Attr::Known(v) => self.tgw.vpc_nets.get(v.as_str()).cloned().flatten(),
                    Attr::Unknown(_) => None,
                }
            }
            _ => None,
        };
        match nets {
            Some(nets) => {
                for n in nets {
                    known.push(TgwRoute {
                        prefix_len: n.prefix_len(),
                        destination: Space::net(&n),
                        propagated: true,
                        source,
                        attachment: Some(att.clone()),
                        text: format!("{n} (propagated from {name})"),
                    });
                }
            }
            None => doubtful.push(TgwDoubt {
                source,
                attachment: Some(att),
                why: UnknownFinding {
                    rule: Rule::UnresolvedValue,
                    message: format!(
                        "the routes attachment {name} propagates into a transit gateway route table are learned at run time (BGP) or not in the scan; a public prefix (or a default route) would send traffic there"
                    ),
                    span: source.map(|s| s.span.clone()),
                },
                text: format!("routes propagated from {name}"),
            }),
        }
    }

    /// Where a part of the space goes from a gateway route table's target attachment.
    fn toward_attachment(
        &mut self,
        tgw: &'m Resource,
        att: &Attr<Ident>,
        part: &Space,
        stack: &mut Vec<Ident>,
        depth: usize,
    ) -> Walk {
        let ctx = self.ctx();
        let id = match att {
            Attr::Known(id) => id,
            Attr::Unknown(u) => {
                return Walk::complete(vec![beyond(
                    tgw,
                    part,
                    "a route to an unresolved attachment",
                    Some(unresolved(
                        u,
                        &format!("transit gateway {}: a route's attachment", tgw.name),
                    )),
                )])
            }
        };
        let resource = ctx
            .get(id)
            .or_else(|| id.split_attribute().and_then(|(o, _)| ctx.get(&o)));
        let Some((res, a)) = resource.and_then(|r| match &r.kind {
            Kind::TransitGatewayAttachment(a) => Some((r, a)),
            _ => None,
        }) else {
            return Walk::complete(vec![beyond(
                tgw,
                part,
                &format!("route to attachment {} outside the scan (a VPN, Direct Connect, a peer or another account's VPC)", self.net.name_of(id)),
                None,
            )]);
        };
        let onward = |what: String, note: &str| {
            let mut e = beyond(tgw, part, note, None);
            e.via = vec![what.clone()];
            e.kind = ExitKind::Beyond(what);
            e.hops = vec![
                Hop::new(res, note.to_string()),
                Hop::external(
                    "Network",
                    "on-premises or another network",
                    "outside the scan",
                ),
            ];
            e
        };
        match a.attachment_kind {
            TgwAttachmentKind::Vpc => {
                // Addresses of the VPC itself are delivered there (its local route): only the
                // rest goes on. This also keeps a hub's walk from entering every spoke VPC for
                // its own range, whose default route leads back to the hub (a loop that would
                // keep the hub's table from being memoised).
                let onward = match &a.vpc {
                    Attr::Known(v) => part.difference(&self.net.vpc_space(v.as_str())),
                    Attr::Unknown(_) => part.clone(),
                };
                if onward.is_empty() {
                    return Walk::nowhere();
                }
                let walk = self.through_subnets(&a.subnets, &onward, stack, depth, &res.name);
                let hop = Hop::new(
                    res,
                    format!("attachment into its VPC's subnets{}", account_note(res)),
                );
                Walk {
                    exits: walk
                        .exits
                        .into_iter()
                        .map(|mut e| {
                            e.hops.insert(0, hop.clone());
                            e
                        })
                        .collect(),
                    completeness: walk.completeness,
                }
            }
            TgwAttachmentKind::Vpn => Walk::complete(vec![onward(
                format!("VPN attachment {} (on-premises)", res.name),
                "VPN attachment: on-premises network",
            )]),
            TgwAttachmentKind::DirectConnectGateway => Walk::complete(vec![onward(
                format!(
                    "Direct Connect gateway attachment {} (on-premises)",
                    res.name
                ),
                "Direct Connect gateway attachment: on-premises network",
            )]),
            TgwAttachmentKind::Connect => Walk::complete(vec![onward(
                format!("Connect attachment {} (SD-WAN appliance)", res.name),
                "Connect attachment: an SD-WAN appliance's network",
            )]),
            TgwAttachmentKind::Peering => self.peer_gateway(tgw, res, a, part, stack, depth),
        }
    }

    /// A peering attachment: traffic continues in the peer gateway, in the route tables the
    /// attachment is associated with there, when the peer is in the scan.
    fn peer_gateway(
        &mut self,
        tgw: &'m Resource,
        res: &'m Resource,
        a: &'m TransitGatewayAttachment,
        part: &Space,
        stack: &mut Vec<Ident>,
        depth: usize,
    ) -> Walk {
        let ctx = self.ctx();
        // The far side from this gateway: the accepter seen from the requester, and back.
        let far = match (&a.peer, &a.transit_gateway) {
            (Some(Attr::Known(p)), Attr::Known(t)) if p == &tgw.id => Some(t),
            (Some(Attr::Known(p)), _) => Some(p),
            _ => None,
        };
        let peer = far.and_then(|p| ctx.get(p));
        let (peer, pgw) = match peer.map(|p| (p, &p.kind)) {
            Some((p, Kind::TransitGateway(g))) if p.id != tgw.id => (p, g),
            _ => {
                let mut e = beyond(
                    tgw,
                    part,
                    "peering with a transit gateway outside the scan",
                    None,
                );
                e.kind = ExitKind::Beyond(format!("peer transit gateway of {}", res.name));
                e.hops = vec![Hop::new(
                    res,
                    "peering attachment to a transit gateway outside the scan",
                )];
                return Walk::complete(vec![e]);
            }
        };
        let tables: Vec<Ident> = self
            .tgw
            .associations
            .get(res.id.as_str())
            .into_iter()
            .flatten()
            .map(|t| canonical_table(t))
            .filter(|t| match self.tgw.table_tgw.get(t.as_str()) {
                Some(Attr::Known(g)) => g == &peer.id,
                _ => t == &Ident::default_tgw_route_table_of(&peer.id),
            })
            .collect();
        if tables.is_empty() {
            let why = UnknownFinding {
                rule: Rule::UnresolvedValue,
                message: format!(
                    "peering attachment {}: no association in the scan names its route table in transit gateway {}",
                    res.name, peer.name
                ),
                span: Some(res.span.clone()),
            };
            return Walk::complete(vec![beyond(
                peer,
                part,
                "the peering attachment's route table there is not in the scan",
                Some(why),
            )]);
        }
        let mut out = Vec::new();
        let mut completeness = Completeness::Complete;
        let head = [
            Hop::new(res, "peering attachment"),
            Hop::new(peer, format!("peer transit gateway{}", account_note(peer))),
        ];
        for t in tables {
            let walk = self.tgw_table(peer, pgw, &t, stack, depth);
            completeness.absorb(walk.completeness);
            for e in walk.exits.iter() {
                let space = e.space.intersect(part);
                if space.is_empty() {
                    continue;
                }
                let mut e = Exit { space, ..e.clone() };
                e.hops.splice(0..0, head.iter().cloned());
                out.push(e);
            }
        }
        Walk {
            exits: out,
            completeness,
        }
    }
}

/// Puts a gateway route table's hop and the route's hop in front of exits.
fn with_route(
    exits: Vec<Exit>,
    table_hop: &Hop,
    source: Option<&Resource>,
    text: &str,
    doubt: Option<UnknownFinding>,
) -> Vec<Exit> {
    let route_hop = match source {
        Some(r) => Hop::new(r, text.to_string()),
        None => Hop::external("Route", text, "transit gateway route"),
    };
    exits
        .into_iter()
        .map(|mut e| {
            e.hops.splice(0..0, [table_hop.clone(), route_hop.clone()]);
            if e.uncertain.is_none() {
                e.uncertain = doubt.clone();
            }
            e
        })
        .collect()
}

/// An exit beyond the scan at a gateway (EP203), for `part`.
fn beyond(r: &Resource, part: &Space, why: &str, uncertain: Option<UnknownFinding>) -> Exit {
    Exit {
        kind: ExitKind::Beyond(format!("transit gateway {}", r.name)),
        space: part.clone(),
        hops: vec![Hop::new(r, format!("transit gateway: {why}"))],
        via: vec![format!("transit gateway {}", r.name)],
        uncertain,
        translated: false,
    }
}
