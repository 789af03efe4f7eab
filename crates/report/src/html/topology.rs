//! An environment's network as inline SVG, with every open leak path drawn in red over it.
//!
//! Top to bottom, as data flows out: the workloads and other resources of the scan that a leak
//! path starts from; each VPC (its route tables, each a dashed group holding its routes and the
//! subnets it applies to; its endpoints, firewalls and gateways); then what lies outside the
//! scan (the internet, SageMaker's service network, other accounts). Each leak path is a red
//! curve through the hops it passes, numbered like its finding, and the hop to fix carries a red
//! frame and a `fix N` tag.
//!
//! The drawing is plain SVG in the page: no script, no external asset, no `style` attribute
//! (presentation attributes only), so it renders under the page's strict CSP. It scales with
//! its `viewBox`; labels are cut to fit a box, and the whole text of every node is its
//! `<title>` (and every hop is listed in full beside the diagram). Bounded: a group shows at
//! most [`MAX_ROWS_SHOWN`] subnets and routes besides those on a leak path.

use crate::escape;
use egressproof_analysis::network_map::VpcMap;
use egressproof_analysis::{Finding, NetworkMap, ResourceRef};
use std::collections::HashMap;
use std::fmt::Write;

/// The drawing's width in SVG units; it is scaled to the page's width.
const WIDTH: u32 = 640;
const PAD: u32 = 12;
const INSET: u32 = 12;
const NODE_W: u32 = 184;
const NODE_H: u32 = 40;
const GAP: u32 = 12;
const ROUTE_H: u32 = 18;
const LABEL_H: u32 = 22;
/// Characters of a label that fit in a node.
const LABEL_CHARS: usize = 26;
/// Subnets (and routes) a group shows besides those on a leak path.
const MAX_ROWS_SHOWN: usize = 12;

const RED: &str = "#d92d20";

/// One open egress finding to draw, with its number in the page.
pub(super) struct Leak<'a> {
    pub number: usize,
    pub finding: &'a Finding,
}

/// A drawn node: its box.
#[derive(Clone, Copy)]
struct Rect {
    x: u32,
    y: u32,
    w: u32,
    h: u32,
}

impl Rect {
    fn center(self) -> (u32, u32) {
        (self.x + self.w / 2, self.y + self.h / 2)
    }
}

/// The SVG being built: its body, and where each resource was drawn.
struct Canvas {
    body: String,
    at: HashMap<String, Rect>,
    y: u32,
}

fn cut(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

impl Canvas {
    fn text(&mut self, x: u32, y: u32, size: u32, weight: u32, fill: &str, text: &str) {
        let _ = write!(
            self.body,
            "<text x=\"{x}\" y=\"{y}\" font-family=\"system-ui, sans-serif\" font-size=\"{size}\" \
             font-weight=\"{weight}\" fill=\"{fill}\">{}</text>",
            escape(text)
        );
    }

    /// A node box with a name and a second line; remembered under `id` for the paths.
    fn node(&mut self, id: &str, r: Rect, name: &str, what: &str, class: &str, title: &str) {
        let (fill, stroke) = match class {
            "workload" => ("#eff8ff", "#2e90fa"),
            "outside" => ("#fef3f2", "#fda29b"),
            "gateway" => ("#fffaeb", "#f79009"),
            "endpoint" => ("#ecfdf3", "#32d583"),
            "firewall" => ("#f4f3ff", "#9b8afb"),
            _ => ("#ffffff", "#98a2b3"),
        };
        let _ = write!(
            self.body,
            "<g class=\"node node-{class}\" data-id=\"{id}\"><title>{title}</title>\
             <rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"5\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.2\"/>",
            id = escape(id),
            title = escape(title),
            x = r.x,
            y = r.y,
            w = r.w,
            h = r.h,
        );
        self.text(
            r.x + 8,
            r.y + 16,
            12,
            600,
            "#1d2939",
            &cut(name, LABEL_CHARS),
        );
        self.text(
            r.x + 8,
            r.y + 32,
            10,
            400,
            "#475467",
            &cut(what, LABEL_CHARS + 6),
        );
        self.body.push_str("</g>\n");
        self.at.entry(id.to_string()).or_insert(r);
    }

    /// Nodes in rows of as many as fit between `left` and `right`.
    fn row<'n>(&mut self, left: u32, right: u32, nodes: impl IntoIterator<Item = NodeSpec<'n>>) {
        let columns = ((right - left + GAP) / (NODE_W + GAP)).max(1);
        let mut any = false;
        for (i, n) in (0u32..).zip(nodes) {
            any = true;
            let col = i % columns;
            if col == 0 && i > 0 {
                self.y += NODE_H + GAP;
            }
            let r = Rect {
                x: left + col * (NODE_W + GAP),
                y: self.y,
                w: NODE_W,
                h: NODE_H,
            };
            self.node(&n.id, r, &n.name, &n.what, n.class, &n.title);
        }
        if any {
            self.y += NODE_H + GAP;
        }
    }
}

/// A node to place in a row.
struct NodeSpec<'a> {
    id: String,
    name: String,
    what: String,
    class: &'a str,
    title: String,
}

fn spec<'a>(r: &ResourceRef, what: String, class: &'a str) -> NodeSpec<'a> {
    NodeSpec {
        id: r.id.as_str().to_string(),
        name: r.name.clone(),
        title: format!("{} ({}) {}", r.name, r.type_name, what),
        what,
        class,
    }
}

/// The hop of a finding's path to change: the route that sends the traffic out when the path
/// has one (removing it closes the channel), else the last hop inside the scan (the endpoint
/// whose policy admits it, the setting on the workload itself).
pub(super) fn fix_hop(f: &Finding) -> Option<usize> {
    let is_route = |t: &str| t == "AWS::EC2::Route" || t == "aws_route";
    let is_table = |t: &str| t == "AWS::EC2::RouteTable" || t == "aws_route_table";
    f.path
        .iter()
        .position(|h| is_route(&h.resource.type_name))
        // A table whose hop names the route it takes (`0.0.0.0/0 -> Nat`).
        .or_else(|| {
            f.path
                .iter()
                .position(|h| is_table(&h.resource.type_name) && h.note.contains("->"))
        })
        .or_else(|| {
            f.path
                .iter()
                .rposition(|h| !h.resource.span.file.is_empty())
        })
}

/// The diagram of one environment (`env` numbers it in the page, for unique ids), or `None`
/// when it has no VPC and no leak path to draw.
pub(super) fn diagram(env: usize, map: &NetworkMap, leaks: &[Leak<'_>]) -> Option<String> {
    let leaks: Vec<&Leak<'_>> = leaks
        .iter()
        .filter(|l| !l.finding.path.is_empty())
        .collect();
    if map.vpcs.is_empty() && leaks.is_empty() {
        return None;
    }
    let on_path: std::collections::HashSet<&str> = leaks
        .iter()
        .flat_map(|l| l.finding.path.iter().map(|h| h.resource.id.as_str()))
        .collect();
    let mut c = Canvas {
        body: String::new(),
        at: HashMap::new(),
        y: PAD,
    };
    let mapped = mapped_ids(map);

    // The scan's own resources a path starts from (workloads, roles): above the network.
    let mut first_row: Vec<NodeSpec<'_>> = Vec::new();
    let mut outside: Vec<NodeSpec<'_>> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for l in &leaks {
        for h in &l.finding.path {
            let id = h.resource.id.as_str();
            if mapped.contains(id) || !seen.insert(id) {
                continue;
            }
            if h.resource.span.file.is_empty() {
                outside.push(spec(&h.resource, h.resource.type_name.clone(), "outside"));
            } else {
                first_row.push(spec(&h.resource, h.resource.type_name.clone(), "workload"));
            }
        }
    }
    if !first_row.is_empty() {
        c.text(PAD, c.y + 12, 12, 600, "#344054", "In the scan");
        c.y += LABEL_H - 4;
        c.row(PAD, WIDTH - PAD, first_row);
    }
    for vpc in &map.vpcs {
        vpc_box(&mut c, vpc, &on_path);
    }
    if !outside.is_empty() {
        c.text(PAD, c.y + 12, 12, 600, "#344054", "Outside the scan");
        c.y += LABEL_H - 4;
        c.row(PAD, WIDTH - PAD, outside);
    }
    let height = c.y + PAD;

    let mut paths = String::new();
    for (k, l) in leaks.iter().enumerate() {
        leak_path(&mut paths, &c, env, k, l);
    }
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"topology\" id=\"topology-{env}\" \
         width=\"{WIDTH}\" height=\"{height}\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" \
         data-leaks=\"{n}\" aria-label=\"Network of the environment with {n} leak paths in red\">\n\
         <defs><marker id=\"arrow-{env}\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" \
         markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{RED}\"/></marker></defs>\n",
        n = leaks.len(),
    );
    s.push_str(&c.body);
    s.push_str(&paths);
    s.push_str("</svg>\n");
    Some(s)
}

/// The identifiers the map draws (the VPC header, tables, routes, subnets, endpoints,
/// firewalls, gateways).
fn mapped_ids(map: &NetworkMap) -> std::collections::HashSet<&str> {
    let mut ids = std::collections::HashSet::new();
    for v in &map.vpcs {
        ids.insert(v.vpc.id.as_str());
        for t in &v.route_tables {
            if let Some(table) = &t.table {
                ids.insert(table.id.as_str());
            }
            ids.extend(t.subnets.iter().map(|s| s.id.as_str()));
            ids.extend(t.routes.iter().map(|r| r.route.id.as_str()));
        }
        ids.extend(v.gateways.iter().map(|g| g.gateway.id.as_str()));
        ids.extend(v.endpoints.iter().map(|e| e.endpoint.id.as_str()));
        ids.extend(v.firewalls.iter().map(|f| f.firewall.id.as_str()));
    }
    ids
}

/// Items to show of a list: all on a path, and the first others up to the limit; and how
/// many were left out.
fn shown<'a, T>(
    items: &'a [T],
    id: impl Fn(&T) -> &str,
    on_path: &std::collections::HashSet<&str>,
) -> (Vec<&'a T>, usize) {
    let mut out = Vec::new();
    let mut others = 0;
    for i in items {
        if on_path.contains(id(i)) {
            out.push(i);
        } else if others < MAX_ROWS_SHOWN {
            out.push(i);
            others += 1;
        }
    }
    let hidden = items.len() - out.len();
    (out, hidden)
}

fn vpc_box(c: &mut Canvas, vpc: &VpcMap, on_path: &std::collections::HashSet<&str>) {
    let top = c.y;
    let left = PAD + INSET;
    let right = WIDTH - PAD - INSET;
    let header = format!("VPC {} {}", vpc.vpc.name, vpc.cidrs.join(", "));
    c.y += LABEL_H;
    c.text(left, top + 16, 13, 700, "#1d2939", &cut(&header, 80));
    c.at.entry(vpc.vpc.id.as_str().to_string()).or_insert(Rect {
        x: left,
        y: top + 2,
        w: 200,
        h: 18,
    });
    for t in &vpc.route_tables {
        let group_top = c.y;
        let label = match &t.table {
            Some(table) if t.main => format!("Route table {} (main)", table.name),
            Some(table) => format!("Route table {}", table.name),
            None => "Subnets whose route table is not known".to_string(),
        };
        c.y += LABEL_H;
        c.text(
            left + 8,
            group_top + 15,
            11,
            600,
            "#344054",
            &cut(&label, 80),
        );
        if let Some(table) = &t.table {
            c.at.entry(table.id.as_str().to_string()).or_insert(Rect {
                x: left + 8,
                y: group_top + 3,
                w: 220,
                h: 16,
            });
        }
        let (routes, hidden) = shown(&t.routes, |r| r.route.id.as_str(), on_path);
        for r in routes {
            let target = r
                .target
                .as_ref()
                .map(|t| {
                    vpc.gateways
                        .iter()
                        .find(|g| &g.gateway.id == t)
                        .map_or_else(|| t.as_str().to_string(), |g| g.gateway.name.clone())
                })
                .unwrap_or_else(|| "(no target)".to_string());
            let line = format!("{} → {}", r.destination, target);
            let _ = write!(
                c.body,
                "<g class=\"route\" data-id=\"{}\"><title>{}</title>",
                escape(r.route.id.as_str()),
                escape(&format!("{} ({}): {line}", r.route.name, r.route.type_name))
            );
            c.text(left + 16, c.y + 12, 10, 400, "#475467", &cut(&line, 90));
            c.body.push_str("</g>");
            c.at.entry(r.route.id.as_str().to_string()).or_insert(Rect {
                x: left + 16,
                y: c.y,
                w: 240,
                h: ROUTE_H - 2,
            });
            c.y += ROUTE_H;
        }
        if hidden > 0 {
            c.text(
                left + 16,
                c.y + 12,
                10,
                400,
                "#667085",
                &format!("… {hidden} more routes"),
            );
            c.y += ROUTE_H;
        }
        c.y += 4;
        let (subnets, hidden) = shown(&t.subnets, |s| s.id.as_str(), on_path);
        c.row(
            left + 8,
            right - 8,
            subnets
                .into_iter()
                .map(|s| spec(s, "subnet".to_string(), "subnet")),
        );
        if hidden > 0 {
            c.text(
                left + 8,
                c.y + 10,
                10,
                400,
                "#667085",
                &format!("… {hidden} more subnets"),
            );
            c.y += ROUTE_H;
        }
        let _ = writeln!(
            c.body,
            "<rect class=\"route-table\" x=\"{x}\" y=\"{group_top}\" width=\"{w}\" height=\"{h}\" rx=\"6\" \
             fill=\"none\" stroke=\"#98a2b3\" stroke-dasharray=\"5 4\"/>",
            x = left,
            w = right - left,
            h = c.y - group_top,
        );
        c.y += GAP;
    }
    let endpoints = vpc.endpoints.iter().map(|e| {
        let kind = if e.gateway {
            "gateway endpoint"
        } else {
            "interface endpoint"
        };
        let service = e.service.rsplit('.').next().unwrap_or_default();
        spec(&e.endpoint, format!("{kind}: {service}"), "endpoint")
    });
    c.row(left, right, endpoints);
    let firewalls = vpc
        .firewalls
        .iter()
        .map(|f| spec(&f.firewall, "network firewall".to_string(), "firewall"));
    c.row(left, right, firewalls);
    let gateways = vpc
        .gateways
        .iter()
        .map(|g| spec(&g.gateway, g.kind.label().to_string(), "gateway"));
    c.row(left, right, gateways);
    let _ = writeln!(
        c.body,
        "<rect class=\"vpc\" data-id=\"{id}\" x=\"{x}\" y=\"{top}\" width=\"{w}\" height=\"{h}\" rx=\"8\" \
         fill=\"none\" stroke=\"#475467\" stroke-width=\"1.5\"/>",
        id = escape(vpc.vpc.id.as_str()),
        x = PAD,
        w = WIDTH - 2 * PAD,
        h = c.y - top,
    );
    c.y += GAP;
}

/// One leak: a red curve through its hops' nodes (slightly offset per leak, so that paths
/// sharing nodes stay apart), its number at the start, and the hop to fix framed.
fn leak_path(out: &mut String, c: &Canvas, env: usize, k: usize, l: &Leak<'_>) {
    let offset = (k % 5) as i64 * 4 - 8;
    let mut points: Vec<(i64, i64)> = Vec::new();
    for h in &l.finding.path {
        if let Some(r) = c.at.get(h.resource.id.as_str()) {
            let (x, y) = r.center();
            let p = (i64::from(x) + offset, i64::from(y) + offset / 2);
            if points.last() != Some(&p) {
                points.push(p);
            }
        }
    }
    let n = l.number;
    let _ = write!(
        out,
        "<g class=\"leak\" id=\"leak-{n}\" data-finding=\"{n}\" data-rule=\"{rule}\"><title>{title}</title>",
        rule = escape(l.finding.rule.as_str()),
        title = escape(&format!("{} {}: {}", l.finding.rule, l.finding.title, l.finding.message)),
    );
    if points.len() > 1 {
        // Each step a curve that leaves and enters vertically, as data flows down the page:
        // straight lines between far-apart nodes read as a tangle.
        let mut d = format!("M{},{}", points[0].0, points[0].1);
        for w in points.windows(2) {
            let ((x1, y1), (x2, y2)) = (w[0], w[1]);
            let mid = (y1 + y2) / 2;
            let _ = write!(d, " C{x1},{mid} {x2},{mid} {x2},{y2}");
        }
        let _ = write!(
            out,
            "<path d=\"{d}\" fill=\"none\" stroke=\"{RED}\" stroke-width=\"2.5\" stroke-opacity=\"0.75\" \
             stroke-linecap=\"round\" marker-end=\"url(#arrow-{env})\"/>"
        );
    }
    if let Some(&(x, y)) = points.first() {
        let _ = write!(
            out,
            "<circle cx=\"{x}\" cy=\"{y}\" r=\"9\" fill=\"{RED}\"/><text x=\"{x}\" y=\"{ty}\" text-anchor=\"middle\" \
             font-family=\"system-ui, sans-serif\" font-size=\"10\" font-weight=\"700\" fill=\"#ffffff\">{n}</text>",
            ty = y + 4
        );
    }
    // Tags of leaks fixed at one node side by side.
    let shift = (k % 4) as u32 * 46;
    if let Some(r) = fix_hop(l.finding)
        .and_then(|i| l.finding.path.get(i))
        .and_then(|h| c.at.get(h.resource.id.as_str()))
    {
        let _ = write!(
            out,
            "<g class=\"fix-here\" data-finding=\"{n}\"><rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"6\" \
             fill=\"none\" stroke=\"{RED}\" stroke-width=\"3\"/><rect x=\"{tx}\" y=\"{ty}\" width=\"44\" height=\"15\" rx=\"3\" fill=\"{RED}\"/>\
             <text x=\"{lx}\" y=\"{ly}\" font-family=\"system-ui, sans-serif\" font-size=\"10\" font-weight=\"700\" fill=\"#ffffff\">fix {n}</text></g>",
            x = r.x.saturating_sub(3),
            y = r.y.saturating_sub(3),
            w = r.w + 6,
            h = r.h + 6,
            tx = (r.x + r.w).saturating_sub(44 + shift),
            ty = r.y.saturating_sub(10),
            lx = (r.x + r.w).saturating_sub(40 + shift),
            ly = r.y + 1,
        );
    }
    out.push_str("</g>\n");
}
