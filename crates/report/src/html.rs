//! The HTML report: one self-contained file (inline CSS, inline SVG, no script, nothing fetched)
//! that can be attached to a ticket or a CI run and opened anywhere.
//!
//! It shows the verdict, a table of every finding (each row `id="finding-N"`, N counting the
//! analysis's findings from 1, with `data-rule` and `data-severity`), then for each finding its
//! message, a diagram of its path drawn top to bottom as inline SVG (one box per hop: name,
//! type, file:line and note, arrows between) and its fix; then unknowns, workloads,
//! assumptions and a summary. Every piece of text is escaped.

use crate::{
    environments, escape, escape_text, headline_counts, location, Parts, ScanSummary, TOOL_VERSION,
};
use egressproof_analysis::{Analysis, Environment, Finding, Hop, Scan, Verdict};
use std::collections::HashMap;
use std::fmt::Write;

const CSS: &str = r#"
:root { --leaks: #b42318; --unproven: #b54708; --sealed: #067647; --ink: #1d2939; --muted: #667085; --line: #d0d5dd; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 24px; }
header.verdict { border-left: 8px solid var(--muted); padding: 8px 16px; margin-bottom: 24px; background: #f9fafb; }
header.verdict-leaks { border-color: var(--leaks); }
header.verdict-unproven { border-color: var(--unproven); }
header.verdict-sealed { border-color: var(--sealed); }
h1 { margin: 0; font-size: 24px; }
.v-leaks { color: var(--leaks); } .v-unproven { color: var(--unproven); } .v-sealed { color: var(--sealed); }
table { border-collapse: collapse; width: 100%; margin: 8px 0 24px; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f2f4f7; font-weight: 600; }
code, .loc { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
.loc { color: var(--muted); }
.sev { font-weight: 600; text-transform: uppercase; font-size: 12px; }
.sev-high .sev { color: var(--leaks); } .sev-medium .sev { color: var(--unproven); }
.sev-low .sev { color: #026aa2; } .sev-info .sev { color: var(--muted); }
tr.suppressed td { color: var(--muted); }
article.finding-detail { border: 1px solid var(--line); border-radius: 6px; padding: 12px 16px; margin: 16px 0; }
article.finding-detail h3 { margin: 0 0 8px; font-size: 16px; }
pre.fix { white-space: pre-wrap; background: #f9fafb; padding: 8px; border-radius: 4px; }
svg.path-diagram { display: block; margin: 8px 0; max-width: 100%; height: auto; }
.note { color: var(--muted); }
footer { color: var(--muted); margin-top: 32px; border-top: 1px solid var(--line); padding-top: 8px; }
"#;

/// The diagram's geometry, in SVG user units.
const BOX_W: usize = 600;
const BOX_H: usize = 64;
const GAP: usize = 30;
const MARGIN: usize = 8;
/// Characters that fit on one line of a box; longer text is cut with an ellipsis (the whole
/// text is the box's `<title>`, shown on hover, and in the findings table).
const LINE_CHARS: usize = 84;

fn cut(s: &str) -> String {
    if s.chars().count() <= LINE_CHARS {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(LINE_CHARS - 1).collect();
        t.push('…');
        t
    }
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Leaks => "leaks",
        Verdict::Unproven => "unproven",
        Verdict::Sealed => "sealed",
    }
}

/// The path of a finding as boxes top to bottom: the workload first, the internet (or the far
/// side) last.
fn diagram(index: usize, f: &Finding) -> String {
    let n = f.path.len();
    let height = MARGIN * 2 + n * BOX_H + n.saturating_sub(1) * GAP;
    let width = BOX_W + MARGIN * 2;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"path-diagram\" id=\"path-{index}\" \
         data-hops=\"{n}\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" \
         role=\"img\" aria-label=\"{}\">\n",
        escape(&format!(
            "Egress path of {} from {}",
            f.rule, f.resource.name
        ))
    );
    for (i, h) in f.path.iter().enumerate() {
        let y = MARGIN + i * (BOX_H + GAP);
        s.push_str(&hop_box(h, i, n, y));
        if i + 1 < n {
            // The arrow down to the next hop: a shaft and a head.
            let x = MARGIN + BOX_W / 2;
            let y1 = y + BOX_H;
            let y2 = y1 + GAP;
            let _ = writeln!(
                s,
                "  <line x1=\"{x}\" y1=\"{y1}\" x2=\"{x}\" y2=\"{}\" stroke=\"#475467\" stroke-width=\"2\"/>\
                 <polygon points=\"{},{} {},{} {x},{y2}\" fill=\"#475467\"/>",
                y2 - 8,
                x - 6,
                y2 - 9,
                x + 6,
                y2 - 9
            );
        }
    }
    s.push_str("</svg>\n");
    s
}

fn hop_box(h: &Hop, i: usize, n: usize, y: usize) -> String {
    let external = h.resource.span.file.is_empty();
    let (fill, stroke) = if i == 0 {
        ("#eff8ff", "#2e90fa")
    } else if external && i + 1 == n {
        ("#fef3f2", "#f04438")
    } else {
        ("#f9fafb", "#98a2b3")
    };
    let title = format!(
        "{} ({}){}{}",
        h.resource.name,
        h.resource.type_name,
        location(&h.resource.span)
            .map(|l| format!(" {l}"))
            .unwrap_or_default(),
        if h.note.is_empty() {
            String::new()
        } else {
            format!(": {}", h.note)
        }
    );
    let where_ = location(&h.resource.span).unwrap_or_else(|| "outside the scan".to_string());
    let x = MARGIN;
    let tx = x + 12;
    format!(
        "  <g class=\"hop\" data-name=\"{name_attr}\"><title>{title}</title>\
         <rect x=\"{x}\" y=\"{y}\" width=\"{BOX_W}\" height=\"{BOX_H}\" rx=\"6\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"1.5\"/>\
         <text x=\"{tx}\" y=\"{y1}\" font-family=\"system-ui, sans-serif\" font-size=\"14\" font-weight=\"600\" fill=\"#1d2939\">{name} <tspan font-weight=\"400\" fill=\"#475467\">({type_})</tspan></text>\
         <text x=\"{tx}\" y=\"{y2}\" font-family=\"ui-monospace, monospace\" font-size=\"12\" fill=\"#667085\">{where_}</text>\
         <text x=\"{tx}\" y=\"{y3}\" font-family=\"system-ui, sans-serif\" font-size=\"12\" fill=\"#344054\">{note}</text></g>\n",
        name_attr = escape(&h.resource.name),
        title = escape(&title),
        y1 = y + 20,
        y2 = y + 38,
        y3 = y + 55,
        name = escape(&cut(&h.resource.name)),
        type_ = escape(&cut(&h.resource.type_name)),
        where_ = escape(&cut(&where_)),
        note = escape(&cut(&h.note)),
    )
}

fn finding_row(out: &mut String, index: usize, f: &Finding) {
    let mut class = format!("finding sev-{}", f.severity.as_str());
    if f.suppressed {
        class.push_str(" suppressed");
    }
    let status = if f.suppressed {
        format!(
            "suppressed: {}",
            f.suppression_reason
                .as_deref()
                .filter(|r| !r.trim().is_empty())
                .unwrap_or("no reason given")
        )
    } else {
        String::new()
    };
    let _ = writeln!(
        out,
        "<tr id=\"finding-{index}\" class=\"{class}\" data-rule=\"{rule}\" data-severity=\"{sev}\" data-suppressed=\"{sup}\">\
         <td><a href=\"#detail-{index}\"><code>{rule}</code></a></td><td class=\"sev\">{sev}</td>\
         <td>{name} <span class=\"loc\">({type_})</span></td><td class=\"loc\">{loc}</td><td>{msg}{status}</td></tr>",
        rule = escape(f.rule.as_str()),
        sev = f.severity.as_str(),
        sup = f.suppressed,
        name = escape(&f.resource.name),
        type_ = escape(&f.resource.type_name),
        loc = escape(&location(&f.resource.span).unwrap_or_default()),
        msg = escape_text(&f.message),
        status = if status.is_empty() {
            String::new()
        } else {
            format!("<br><em>{}</em>", escape(&status))
        },
    );
}

fn findings_table(out: &mut String, numbers: &Numbers, pick: &[&Finding]) {
    out.push_str(
        "<table><thead><tr><th>Rule</th><th>Severity</th><th>Resource</th><th>Location</th><th>Message</th></tr></thead><tbody>\n",
    );
    for f in pick {
        finding_row(out, numbers.get(f), f);
    }
    out.push_str("</tbody></table>\n");
}

/// Each finding's number in the analysis (1-based), the key of its row and its details.
/// Keyed by address: the parts hold references into `analysis.findings`.
struct Numbers(HashMap<usize, usize>);

impl Numbers {
    fn of(analysis: &Analysis) -> Self {
        Numbers::from(analysis, 1)
    }

    /// Numbers from `first` on: the environments of a scan share one page, so one sequence.
    fn from(analysis: &Analysis, first: usize) -> Self {
        Numbers(
            analysis
                .findings
                .iter()
                .enumerate()
                .map(|(i, f)| (std::ptr::from_ref(f) as usize, first + i))
                .collect(),
        )
    }

    fn get(&self, f: &Finding) -> usize {
        self.0
            .get(&(std::ptr::from_ref(f) as usize))
            .copied()
            .unwrap_or(0)
    }
}

fn detail(out: &mut String, numbers: &Numbers, f: &Finding) {
    let index = numbers.get(f);
    let _ = writeln!(
        out,
        "<article class=\"finding-detail sev-{sev}\" id=\"detail-{index}\" data-rule=\"{rule}\">\
         <h3><code>{rule}</code> <span class=\"sev\">{sev}</span> {title}</h3>\
         <p>{name} <span class=\"loc\">({type_}) {loc}</span></p><p>{msg}</p>",
        sev = f.severity.as_str(),
        rule = escape(f.rule.as_str()),
        title = escape(&f.title),
        name = escape(&f.resource.name),
        type_ = escape(&f.resource.type_name),
        loc = escape(&location(&f.resource.span).unwrap_or_default()),
        msg = escape_text(&f.message),
    );
    if !f.path.is_empty() {
        out.push_str(&diagram(index, f));
    }
    if !f.fix.is_empty() {
        let _ = writeln!(
            out,
            "<h4>Fix</h4><pre class=\"fix\">{}</pre>",
            escape_text(&f.fix)
        );
    }
    out.push_str("</article>\n");
}

pub(crate) fn render(analysis: &Analysis, summary: &ScanSummary) -> String {
    let parts = Parts::of(analysis);
    let numbers = Numbers::of(analysis);
    let v = verdict_class(analysis.verdict);
    let verdict_upper = analysis.verdict.as_str().to_ascii_uppercase();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"egressproof {version}\">\n\
         <title>egressproof: {verdict_upper}</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
         <header class=\"verdict verdict-{v}\"><h1>egressproof: <span id=\"verdict\" class=\"v-{v}\" data-verdict=\"{v}\">{verdict_upper}</span></h1>\
         <p>{counts}</p></header>",
        version = escape(TOOL_VERSION),
        counts = escape(&headline_counts(analysis, &parts)),
    );
    sections(&mut out, analysis, &parts, &numbers, 0);
    footer(&mut out, summary);
    out
}

/// A scan: one judged environment renders as its analysis; several get a header with the
/// scan's verdict, then a `<section class="environment">` each (`data-environment`,
/// `data-verdict`; the ids of its inner sections prefixed `env-K-`, its findings and unknowns
/// numbered on from the previous environment's), then the environments out of scope, listed.
pub(crate) fn render_scan(scan: &Scan, summary: &ScanSummary) -> String {
    if environments::is_single(scan) {
        if let Some(e) = scan.environments.first() {
            return render(&e.analysis, summary);
        }
    }
    let (v, verdict_upper) = if scan.nothing_in_scope() {
        ("out-of-scope", "NOTHING IN SCOPE".to_string())
    } else {
        (
            verdict_class(scan.verdict),
            scan.verdict.as_str().to_ascii_uppercase(),
        )
    };
    let mut out = String::new();
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"egressproof {version}\">\n\
         <title>egressproof: {verdict_upper}</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
         <header class=\"verdict verdict-{v}\"><h1>egressproof: <span id=\"verdict\" class=\"v-{v}\" data-verdict=\"{v}\">{verdict_upper}</span></h1>\
         <p>{counts}</p></header>",
        version = escape(TOOL_VERSION),
        counts = escape(&environments::counts(scan).unwrap_or_default()),
    );
    let (mut findings, mut unknowns) = (1, 0);
    for (k, e) in scan.in_scope().enumerate() {
        let parts = Parts::of(&e.analysis);
        let numbers = Numbers::from(&e.analysis, findings);
        let ev = verdict_class(e.analysis.verdict);
        let _ = writeln!(
            out,
            "<section class=\"environment\" id=\"environment-{n}\" data-environment=\"{name}\" data-verdict=\"{ev}\">\
             <h2>Environment {name}: <span class=\"v-{ev}\">{upper}</span></h2><p>{counts}</p><p class=\"loc\">{inputs}</p>",
            n = k + 1,
            name = escape(&e.name),
            upper = ev.to_ascii_uppercase(),
            counts = escape(&headline_counts(&e.analysis, &parts)),
            inputs = escape(&e.inputs.join(", ")),
        );
        let mut inner = String::new();
        sections(&mut inner, &e.analysis, &parts, &numbers, unknowns);
        // Every piece of input text is escaped, so this markup is only ever ours.
        out.push_str(&inner.replace("<section id=\"", &format!("<section id=\"env-{}-", k + 1)));
        out.push_str("</section>\n");
        findings += e.analysis.findings.len();
        unknowns += e.analysis.unknowns.len();
    }
    let out_of_scope: Vec<&Environment> =
        scan.environments.iter().filter(|e| !e.in_scope).collect();
    if !out_of_scope.is_empty() {
        let _ = writeln!(
            out,
            "<section id=\"out-of-scope\">\n<h2>Out of scope</h2>\n<p>{}.</p>\n<ul>",
            escape(environments::WHY_OUT_OF_SCOPE)
        );
        for e in out_of_scope {
            let _ = writeln!(
                out,
                "<li class=\"environment out-of-scope\" data-environment=\"{name}\">{name} <span class=\"loc\">({count}: {inputs})</span></li>",
                name = escape(&e.name),
                count = escape(&crate::plural(e.resources, "resource")),
                inputs = escape(&e.inputs.join(", ")),
            );
        }
        out.push_str("</ul>\n</section>\n");
    }
    footer(&mut out, summary);
    out
}

/// Everything an analysis shows: its findings with their diagrams, unknowns (numbered after
/// `unknowns_before`), suppressed findings, workloads, assumptions and hardening.
fn sections(
    out: &mut String,
    analysis: &Analysis,
    parts: &Parts<'_>,
    numbers: &Numbers,
    unknowns_before: usize,
) {
    out.push_str("<section id=\"findings\">\n<h2>Egress findings</h2>\n");
    if parts.egress.is_empty() {
        out.push_str("<p>No open egress channel was found.</p>\n");
    } else {
        findings_table(out, numbers, &parts.egress);
        for f in &parts.egress {
            detail(out, numbers, f);
        }
    }
    out.push_str("</section>\n");

    if !analysis.unknowns.is_empty() {
        out.push_str(
            "<section id=\"unknowns\">\n<h2>Unknowns</h2>\n<p>Each could open a channel: no verdict is sealed until they are resolved.</p>\n\
             <table><thead><tr><th>Rule</th><th>Location</th><th>Message</th></tr></thead><tbody>\n",
        );
        for (i, u) in analysis.unknowns.iter().enumerate() {
            let _ = writeln!(
                out,
                "<tr id=\"unknown-{}\" class=\"unknown\" data-rule=\"{rule}\"><td><code>{rule}</code></td><td class=\"loc\">{loc}</td><td>{msg}</td></tr>",
                unknowns_before + i + 1,
                rule = escape(u.rule.as_str()),
                loc = escape(&u.span.as_ref().and_then(location).unwrap_or_default()),
                msg = escape_text(&u.message),
            );
        }
        out.push_str("</tbody></table>\n</section>\n");
    }

    if !parts.suppressed.is_empty() {
        out.push_str(
            "<section id=\"suppressed\">\n<h2>Suppressed</h2>\n<p>Accepted by a suppression; not counted in the verdict.</p>\n",
        );
        findings_table(out, numbers, &parts.suppressed);
        for f in &parts.suppressed {
            detail(out, numbers, f);
        }
        out.push_str("</section>\n");
    }

    if !analysis.workloads.is_empty() {
        out.push_str(
            "<section id=\"workloads\">\n<h2>Workloads</h2>\n<table><thead><tr><th>Verdict</th><th>Workload</th><th>Location</th></tr></thead><tbody>\n",
        );
        for w in &analysis.workloads {
            let wv = verdict_class(w.verdict);
            let _ = writeln!(
                out,
                "<tr class=\"workload\" data-verdict=\"{wv}\"><td class=\"v-{wv}\"><strong>{}</strong></td><td>{} <span class=\"loc\">({})</span></td><td class=\"loc\">{}</td></tr>",
                wv.to_ascii_uppercase(),
                escape(&w.resource.name),
                escape(&w.resource.type_name),
                escape(&location(&w.resource.span).unwrap_or_default()),
            );
        }
        out.push_str("</tbody></table>\n</section>\n");
    }

    if !analysis.assumptions.is_empty() {
        out.push_str("<section id=\"assumptions\">\n<h2>Assumptions</h2>\n<p>The verdict holds only if these are true.</p>\n<ul>\n");
        for a in &analysis.assumptions {
            let loc = a
                .span
                .as_ref()
                .and_then(location)
                .map(|l| format!(" <span class=\"loc\">({})</span>", escape(&l)))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "<li class=\"assumption\" data-kind=\"{kind}\"><code>{kind}</code> {}{loc}</li>",
                escape_text(&a.message),
                kind = escape(a.kind.as_str()),
            );
        }
        out.push_str("</ul>\n</section>\n");
    }

    if !parts.hardening.is_empty() {
        out.push_str(
            "<section id=\"hardening\">\n<h2>Hardening</h2>\n<p>These protect data, but do not stop it leaving; they never change the verdict.</p>\n",
        );
        findings_table(out, numbers, &parts.hardening);
        for f in &parts.hardening {
            detail(out, numbers, f);
        }
        out.push_str("</section>\n");
    }
}

/// The closing line and the end of the page.
fn footer(out: &mut String, summary: &ScanSummary) {
    let _ = writeln!(
        out,
        "<footer>egressproof {} · {} files ({} skipped) · {} resources · {} workloads · {:.2}s</footer>\n</body>\n</html>",
        escape(TOOL_VERSION),
        summary.files,
        summary.skipped,
        summary.resources,
        summary.workloads,
        summary.seconds
    );
}
