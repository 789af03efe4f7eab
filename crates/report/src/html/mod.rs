//! The HTML report: one self-contained file (inline CSS, inline SVG, no script, nothing fetched)
//! that can be attached to a ticket or a CI run and opened anywhere.
//!
//! Top to bottom: the verdict, the environments with their verdicts and counts; then each
//! environment judged: a diagram of its network with every open leak path in red and the hop
//! to fix marked ([`topology`]), the table of its findings (each row `id="finding-N"`, N
//! counting the scan's findings from 1, with `data-rule`, `data-severity`, `data-suppressed`),
//! each finding in full (message, every hop with its note, the fix), its unknowns, suppressed
//! findings, workloads, assumptions and hardening; then the environments out of scope and a
//! summary.
//!
//! Safety: every piece of input text is escaped ([`crate::escape`]); code in messages is
//! rendered by [`markup`], which escapes first. The page declares a Content-Security-Policy
//! that allows no script at all and only its own stylesheet (by hash), so even a bug in
//! escaping could not run anything. Layout: readable from 600 px up, with nothing wider than
//! the window (long tokens wrap, tables fold into blocks on narrow screens, the diagram
//! scales).

mod markup;
mod topology;

use crate::{environments, escape, headline_counts, location, Parts, ScanSummary, TOOL_VERSION};
use egressproof_analysis::{Analysis, Environment, Finding, Scan, Verdict};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::fmt::Write;
use topology::Leak;

const CSS: &str = r#"
:root { --leaks: #b42318; --unproven: #b54708; --sealed: #067647; --ink: #1d2939; --muted: #667085; --line: #d0d5dd; }
* { box-sizing: border-box; }
html { -webkit-text-size-adjust: 100%; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); margin: 0 auto; max-width: 1100px; padding: 16px; overflow-wrap: anywhere; word-break: break-word; }
header.verdict { border-left: 8px solid var(--muted); padding: 8px 16px; margin-bottom: 16px; background: #f9fafb; }
header.verdict-leaks { border-color: var(--leaks); }
header.verdict-unproven { border-color: var(--unproven); }
header.verdict-sealed { border-color: var(--sealed); }
h1 { margin: 0; font-size: 24px; }
h2 { margin: 24px 0 8px; font-size: 20px; }
h3 { font-size: 16px; }
.v-leaks { color: var(--leaks); } .v-unproven { color: var(--unproven); } .v-sealed { color: var(--sealed); } .v-out-of-scope { color: var(--muted); }
table { border-collapse: collapse; width: 100%; margin: 8px 0 24px; table-layout: fixed; }
th, td { text-align: left; padding: 6px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { background: #f2f4f7; font-weight: 600; }
col.rule { width: 7em; } col.sev { width: 8em; } col.res { width: 24%; } col.loc { width: 18%; }
td p { margin: 0 0 4px; }
code, pre, .loc { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
code { background: #f2f4f7; padding: 0 3px; border-radius: 3px; }
pre { white-space: pre-wrap; overflow-wrap: anywhere; background: #f9fafb; padding: 8px; border-radius: 4px; max-width: 100%; }
pre code { background: none; padding: 0; }
.loc { color: var(--muted); }
.sev { font-weight: 600; text-transform: uppercase; font-size: 12px; }
.sev-high .sev { color: var(--leaks); } .sev-medium .sev { color: var(--unproven); }
.sev-low .sev { color: #026aa2; } .sev-info .sev { color: var(--muted); }
tr.suppressed td { color: var(--muted); }
section.environment { border-top: 2px solid var(--line); margin-top: 24px; }
article.finding-detail { border: 1px solid var(--line); border-radius: 6px; padding: 8px 16px; margin: 16px 0; }
article.finding-detail h3 { margin: 4px 0 8px; }
ol.path { padding-left: 24px; margin: 8px 0; }
ol.path li { margin: 2px 0; }
ol.path li.fix-here { color: var(--leaks); font-weight: 600; }
ol.path li.fix-here::after { content: " \2190 fix here"; }
figure.topology { margin: 8px 0 16px; }
figure.topology figcaption { color: var(--muted); font-size: 12px; }
svg.topology { display: block; width: 100%; max-width: 760px; height: auto; }
.note { color: var(--muted); }
footer { color: var(--muted); margin-top: 32px; border-top: 1px solid var(--line); padding-top: 8px; }
@media (max-width: 700px) {
  body { padding: 8px; }
  table.results, table.results tbody, table.results tr, table.results td { display: block; width: 100%; }
  table.results thead, table.results colgroup { display: none; }
  table.results tr { border-bottom: 1px solid var(--line); padding: 6px 0; }
  table.results td { border: none; padding: 2px 4px; }
}
"#;

/// The page's policy: nothing may load or run but its own stylesheet, identified by hash.
fn content_security_policy() -> String {
    let digest = Sha256::digest(CSS.as_bytes());
    format!(
        "default-src 'none'; style-src 'sha256-{}'; img-src data:; base-uri 'none'; form-action 'none'",
        base64(&digest)
    )
}

/// Standard base64 with padding (what CSP hashes are written in).
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Leaks => "leaks",
        Verdict::Unproven => "unproven",
        Verdict::Sealed => "sealed",
    }
}

/// A hop as one line of text: name (type) location: note, in full.
fn hop_text(h: &egressproof_analysis::Hop) -> String {
    let mut s = format!("{} ({})", h.resource.name, h.resource.type_name);
    if let Some(l) = location(&h.resource.span) {
        let _ = write!(s, " {l}");
    }
    if !h.note.is_empty() {
        let _ = write!(s, ": {}", h.note);
    }
    s
}

fn finding_row(out: &mut String, index: usize, f: &Finding) {
    let mut class = format!("finding sev-{}", f.severity.as_str());
    if f.suppressed {
        class.push_str(" suppressed");
    }
    let status = if f.suppressed {
        format!(
            "<p><em>suppressed: {}</em></p>",
            escape(
                f.suppression_reason
                    .as_deref()
                    .filter(|r| !r.trim().is_empty())
                    .unwrap_or("no reason given")
            )
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
        msg = markup::rich(&f.message),
    );
}

fn findings_table(out: &mut String, numbers: &Numbers, pick: &[&Finding]) {
    out.push_str(
        "<table class=\"results\"><colgroup><col class=\"rule\"><col class=\"sev\"><col class=\"res\"><col class=\"loc\"><col></colgroup>\
         <thead><tr><th>Rule</th><th>Severity</th><th>Resource</th><th>Location</th><th>Message</th></tr></thead><tbody>\n",
    );
    for f in pick {
        finding_row(out, numbers.get(f), f);
    }
    out.push_str("</tbody></table>\n");
}

/// Each finding's number in the scan (1-based), the key of its row, its details and its leak
/// path in the diagram. Keyed by address: the parts hold references into `analysis.findings`.
struct Numbers(HashMap<usize, usize>);

impl Numbers {
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

/// A finding in full: title, resource, message, every hop (the one to fix marked), the fix.
fn detail(out: &mut String, numbers: &Numbers, f: &Finding) {
    let index = numbers.get(f);
    let _ = writeln!(
        out,
        "<article class=\"finding-detail sev-{sev}\" id=\"detail-{index}\" data-rule=\"{rule}\">\
         <h3><code>{rule}</code> <span class=\"sev\">{sev}</span> {title}</h3>\
         <p>{name} <span class=\"loc\">({type_}) {loc}</span></p>{msg}",
        sev = f.severity.as_str(),
        rule = escape(f.rule.as_str()),
        title = escape(&f.title),
        name = escape(&f.resource.name),
        type_ = escape(&f.resource.type_name),
        loc = escape(&location(&f.resource.span).unwrap_or_default()),
        msg = markup::rich(&f.message),
    );
    if !f.path.is_empty() {
        let fix = topology::fix_hop(f);
        let _ = write!(
            out,
            "<h4>Path</h4><ol class=\"path\" id=\"path-{index}\" data-hops=\"{}\">",
            f.path.len()
        );
        for (i, h) in f.path.iter().enumerate() {
            let class = if Some(i) == fix {
                "hop fix-here"
            } else {
                "hop"
            };
            let _ = write!(
                out,
                "<li class=\"{class}\" data-name=\"{}\">{}</li>",
                escape(&h.resource.name),
                markup::inline(&hop_text(h))
            );
        }
        out.push_str("</ol>\n");
    }
    if !f.fix.is_empty() {
        let _ = writeln!(
            out,
            "<h4>Fix</h4><div class=\"fix\">{}</div>",
            markup::rich(&f.fix)
        );
    }
    out.push_str("</article>\n");
}

/// The page's head and the verdict header.
fn head(out: &mut String, v: &str, verdict_upper: &str, counts: &str) {
    let _ = writeln!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{csp}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"generator\" content=\"egressproof {version}\">\n\
         <title>egressproof: {verdict_upper}</title>\n<style>{CSS}</style>\n</head>\n<body>\n\
         <header class=\"verdict verdict-{v}\"><h1>egressproof: <span id=\"verdict\" class=\"v-{v}\" data-verdict=\"{v}\">{verdict_upper}</span></h1>\
         <p id=\"counts\">{counts}</p></header>",
        // Ours entirely (quotes and base64 only: nothing to escape in a double-quoted value).
        csp = content_security_policy(),
        version = escape(TOOL_VERSION),
        counts = escape(counts),
    );
}

/// The environments at a glance, each with its verdict and counts, linked to its section.
fn overview(out: &mut String, scan: &Scan) {
    out.push_str(
        "<section id=\"environments\">\n<h2>Environments</h2>\n<table class=\"results\"><thead><tr><th>Environment</th><th>Verdict</th><th>Counts</th></tr></thead><tbody>\n",
    );
    let mut k = 0;
    for e in &scan.environments {
        let (ev, counts, name) = if e.in_scope {
            k += 1;
            let parts = Parts::of(&e.analysis);
            (
                verdict_class(e.analysis.verdict),
                headline_counts(&e.analysis, &parts),
                format!("<a href=\"#environment-{k}\">{}</a>", escape(&e.name)),
            )
        } else {
            (
                environments::OUT_OF_SCOPE,
                crate::plural(e.resources, "resource"),
                escape(&e.name),
            )
        };
        let _ = writeln!(
            out,
            "<tr class=\"environment-row\" data-environment=\"{attr}\" data-verdict=\"{ev}\"><td>{name}</td>\
             <td class=\"v-{ev}\"><strong>{upper}</strong></td><td>{counts}</td></tr>",
            attr = escape(&e.name),
            upper = ev.to_ascii_uppercase(),
            counts = escape(&counts),
        );
    }
    out.push_str("</tbody></table>\n</section>\n");
}

/// Renders a scan. One judged environment renders as the page itself (no environment
/// heading); several get an overview, then a `<section class="environment">` each
/// (`data-environment`, `data-verdict`; the ids of its inner sections prefixed `env-K-`, its
/// findings and unknowns numbered on from the previous environment's), then those out of
/// scope.
pub(crate) fn render_scan(scan: &Scan, summary: &ScanSummary) -> String {
    let single = environments::is_single(scan);
    let (v, verdict_upper) = if scan.nothing_in_scope() {
        ("out-of-scope", "NOTHING IN SCOPE".to_string())
    } else {
        (
            verdict_class(scan.verdict),
            scan.verdict.as_str().to_ascii_uppercase(),
        )
    };
    let counts = if single {
        scan.environments
            .first()
            .map(|e| headline_counts(&e.analysis, &Parts::of(&e.analysis)))
            .unwrap_or_default()
    } else {
        environments::counts(scan).unwrap_or_default()
    };
    let mut out = String::new();
    head(&mut out, v, &verdict_upper, &counts);
    if !single {
        overview(&mut out, scan);
    }
    let (mut findings, mut unknowns) = (1, 0);
    for (k, e) in scan.in_scope().enumerate() {
        let parts = Parts::of(&e.analysis);
        let numbers = Numbers::from(&e.analysis, findings);
        let mut inner = String::new();
        diagram(&mut inner, k + 1, &e.analysis, &parts, &numbers);
        sections(&mut inner, &e.analysis, &parts, &numbers, unknowns);
        if single {
            out.push_str(&inner);
        } else {
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
            // Every piece of input text is escaped, so this markup is only ever ours.
            out.push_str(
                &inner.replace("<section id=\"", &format!("<section id=\"env-{}-", k + 1)),
            );
            out.push_str("</section>\n");
        }
        findings += e.analysis.findings.len();
        unknowns += e.analysis.unknowns.len();
    }
    out_of_scope(&mut out, scan);
    footer(&mut out, summary);
    out
}

/// The network diagram of an environment, when there is a network or a path to draw.
fn diagram(
    out: &mut String,
    env: usize,
    analysis: &Analysis,
    parts: &Parts<'_>,
    numbers: &Numbers,
) {
    let leaks: Vec<Leak<'_>> = parts
        .egress
        .iter()
        .map(|f| Leak {
            number: numbers.get(f),
            finding: f,
        })
        .collect();
    if let Some(svg) = topology::diagram(env, &analysis.network, &leaks) {
        let drawn = leaks.iter().filter(|l| !l.finding.path.is_empty()).count();
        let _ = writeln!(
            out,
            "<section id=\"network\">\n<h2>Network</h2>\n<figure class=\"topology\">{svg}<figcaption>{}</figcaption></figure>\n</section>",
            escape(&if drawn == 0 {
                "No open leak path.".to_string()
            } else {
                format!(
                    "{} in red, numbered like the findings below; the red frame marks the hop to fix.",
                    crate::plural(drawn, "leak path")
                )
            })
        );
    }
}

fn out_of_scope(out: &mut String, scan: &Scan) {
    let out_of_scope: Vec<&Environment> =
        scan.environments.iter().filter(|e| !e.in_scope).collect();
    if out_of_scope.is_empty() {
        return;
    }
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

/// Everything an analysis shows below its diagram: its findings, unknowns (numbered after
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
    unknowns(out, analysis, unknowns_before);
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
    workloads(out, analysis);
    assumptions(out, analysis);
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

fn unknowns(out: &mut String, analysis: &Analysis, before: usize) {
    if analysis.unknowns.is_empty() {
        return;
    }
    out.push_str(
        "<section id=\"unknowns\">\n<h2>Unknowns</h2>\n<p>Each could open a channel: no verdict is sealed until they are resolved.</p>\n\
         <table class=\"results\"><colgroup><col class=\"rule\"><col class=\"loc\"><col></colgroup>\
         <thead><tr><th>Rule</th><th>Location</th><th>Message</th></tr></thead><tbody>\n",
    );
    for (i, u) in analysis.unknowns.iter().enumerate() {
        let _ = writeln!(
            out,
            "<tr id=\"unknown-{}\" class=\"unknown\" data-rule=\"{rule}\"><td><code>{rule}</code></td><td class=\"loc\">{loc}</td><td>{msg}</td></tr>",
            before + i + 1,
            rule = escape(u.rule.as_str()),
            loc = escape(&u.span.as_ref().and_then(location).unwrap_or_default()),
            msg = markup::rich(&u.message),
        );
    }
    out.push_str("</tbody></table>\n</section>\n");
}

fn workloads(out: &mut String, analysis: &Analysis) {
    if analysis.workloads.is_empty() {
        return;
    }
    out.push_str(
        "<section id=\"workloads\">\n<h2>Workloads</h2>\n<table class=\"results\"><colgroup><col class=\"sev\"><col><col class=\"loc\"></colgroup>\
         <thead><tr><th>Verdict</th><th>Workload</th><th>Location</th></tr></thead><tbody>\n",
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

fn assumptions(out: &mut String, analysis: &Analysis) {
    if analysis.assumptions.is_empty() {
        return;
    }
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
            markup::inline(&a.message),
            kind = escape(a.kind.as_str()),
        );
    }
    out.push_str("</ul>\n</section>\n");
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_is_the_standard_one() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn the_policy_allows_exactly_our_stylesheet() {
        let csp = content_security_policy();
        assert!(
            csp.starts_with("default-src 'none'; style-src 'sha256-"),
            "{csp}"
        );
        assert!(!csp.contains("script"), "{csp}");
        // sha256 of the empty string, as a check of the encoding.
        assert_eq!(
            base64(&Sha256::digest(b"")),
            "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU="
        );
    }
}
