//! The text report, for a person at a terminal or a CI log: the verdict first (so `--quiet` is
//! one line and a long report still answers the question at the top), then a summary of counts
//! (by environment, by severity, by rule, unknowns), so a scan of hundreds of files can be
//! judged without scrolling; then each finding with its path hop by hop, the unknowns, what was
//! suppressed, the assumptions, hardening apart, and a closing line of what was read.
//! `compact` replaces the findings' paths and fixes with one line per finding and unknown.
//!
//! Text from the input (resource names, messages built from property values) is printed with
//! control characters escaped: a template must not be able to drive the reader's terminal.

use crate::{environments, headline_counts, location, plural, Parts, RenderOptions, ScanSummary};
use anstyle::{AnsiColor, Style};
use egressproof_analysis::Rule;
use egressproof_analysis::{
    Analysis, Environment, Finding, Hop, ResourceRef, Scan, Severity, Verdict,
};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt::Write;

/// How many environments the summary lists by name before it counts the rest.
const SUMMARY_ENVIRONMENTS: usize = 20;

struct Painter {
    color: bool,
}

impl Painter {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }

    fn verdict(&self, v: Verdict) -> String {
        let color = match v {
            Verdict::Leaks => AnsiColor::Red,
            Verdict::Unproven => AnsiColor::Yellow,
            Verdict::Sealed => AnsiColor::Green,
        };
        self.paint(
            Style::new().bold().fg_color(Some(color.into())),
            &v.as_str().to_ascii_uppercase(),
        )
    }

    /// Padded to the widest name first, so messages line up whether coloured or not.
    fn severity(&self, s: Severity) -> String {
        let style = match s {
            Severity::High => Style::new().bold().fg_color(Some(AnsiColor::Red.into())),
            Severity::Medium => Style::new().fg_color(Some(AnsiColor::Yellow.into())),
            Severity::Low => Style::new().fg_color(Some(AnsiColor::Cyan.into())),
            Severity::Info => Style::new().dimmed(),
        };
        self.paint(style, &format!("{:<5}", s.as_str()))
    }

    fn bold(&self, text: &str) -> String {
        self.paint(Style::new().bold(), text)
    }

    fn dim(&self, text: &str) -> String {
        self.paint(Style::new().dimmed(), text)
    }
}

/// Escapes control characters (ESC above all) in text that came from the input.
fn clean(s: &str) -> Cow<'_, str> {
    if s.chars().any(char::is_control) {
        Cow::Owned(
            s.chars()
                .map(|c| {
                    if c.is_control() {
                        c.escape_default().to_string()
                    } else {
                        c.to_string()
                    }
                })
                .collect(),
        )
    } else {
        Cow::Borrowed(s)
    }
}

pub(crate) fn render(
    analysis: &Analysis,
    summary: &ScanSummary,
    options: &RenderOptions,
) -> String {
    let p = Painter {
        color: options.color,
    };
    let parts = Parts::of(analysis);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "egressproof: {} ({})",
        p.verdict(analysis.verdict),
        headline(analysis, &parts)
    );
    if options.quiet {
        return out;
    }
    overview(&mut out, &p, &[analysis], &[]);
    body(&mut out, &p, analysis, &parts, options);
    summary_line(&mut out, summary, &[analysis]);
    out
}

/// The headline's counts. Findings under a verdict that is not `leaks` are below the fail
/// threshold (they would have made it `leaks` otherwise): said, so that `SEALED (4 findings)`
/// never reads as a contradiction.
fn headline(analysis: &Analysis, parts: &Parts<'_>) -> String {
    let counts = headline_counts(analysis, parts);
    below_threshold(analysis.verdict, parts.egress.len(), counts)
}

fn below_threshold(verdict: Verdict, findings: usize, counts: String) -> String {
    if verdict == Verdict::Leaks || findings == 0 {
        return counts;
    }
    let lead = plural(findings, "finding");
    match counts.strip_prefix(&lead) {
        Some(rest) => format!("{lead} below the fail threshold{rest}"),
        None => counts,
    }
}

/// The findings of an analysis: in full (paths, fixes), or one line each.
fn body(
    out: &mut String,
    p: &Painter,
    analysis: &Analysis,
    parts: &Parts<'_>,
    options: &RenderOptions,
) {
    if options.compact {
        compact(out, p, analysis, parts);
    } else {
        sections(out, p, analysis, parts);
    }
}

/// A scan: one judged environment renders as its analysis; several render a headline for the
/// scan, then each judged environment (its headline, its inputs, its sections), then those out
/// of scope, listed; nothing judged says so in the headline, never `SEALED`.
pub(crate) fn render_scan(scan: &Scan, summary: &ScanSummary, options: &RenderOptions) -> String {
    if environments::is_single(scan) {
        if let Some(e) = scan.environments.first() {
            return render(&e.analysis, summary, options);
        }
    }
    let p = Painter {
        color: options.color,
    };
    let mut out = String::new();
    if scan.nothing_in_scope() {
        let _ = writeln!(
            out,
            "egressproof: {} ({}, none with a SageMaker resource or a VPC meant for SageMaker)",
            p.bold("nothing in scope"),
            plural(scan.environments.len(), "environment")
        );
    } else {
        let mut counts = vec![plural(
            scan.in_scope()
                .map(|e| Parts::of(&e.analysis).egress.len())
                .sum(),
            "finding",
        )];
        counts.push(plural(
            scan.in_scope().map(|e| e.analysis.unknowns.len()).sum(),
            "unknown",
        ));
        let findings: usize = scan
            .in_scope()
            .map(|e| Parts::of(&e.analysis).egress.len())
            .sum();
        let _ = writeln!(
            out,
            "egressproof: {} ({}; {})",
            p.verdict(scan.verdict),
            environments::counts(scan).unwrap_or_default(),
            below_threshold(scan.verdict, findings, counts.join(", "))
        );
    }
    if options.quiet {
        return out;
    }
    let judged: Vec<&Analysis> = scan.in_scope().map(|e| &e.analysis).collect();
    let named: Vec<(&str, &Analysis)> = scan
        .in_scope()
        .map(|e| (e.name.as_str(), &e.analysis))
        .collect();
    overview(&mut out, &p, &judged, &named);
    for e in scan.in_scope() {
        let parts = Parts::of(&e.analysis);
        let _ = writeln!(
            out,
            "\n{} {}: {} ({})",
            p.bold("environment"),
            clean(&e.name),
            p.verdict(e.analysis.verdict),
            headline(&e.analysis, &parts)
        );
        if e.inputs.len() > 1 || e.inputs.first().is_some_and(|i| i != &e.name) {
            let inputs: Vec<Cow<'_, str>> = e.inputs.iter().map(|i| clean(i)).collect();
            let _ = writeln!(
                out,
                "  {}",
                p.dim(&format!("inputs: {}", inputs.join(", ")))
            );
        }
        body(&mut out, &p, &e.analysis, &parts, options);
    }
    let out_of_scope: Vec<&Environment> =
        scan.environments.iter().filter(|e| !e.in_scope).collect();
    if !out_of_scope.is_empty() {
        let _ = writeln!(
            out,
            "\n{} ({}):",
            p.bold("out of scope"),
            environments::WHY_OUT_OF_SCOPE
        );
        for e in out_of_scope {
            let others: Vec<Cow<'_, str>> = e
                .inputs
                .iter()
                .filter(|i| **i != e.name)
                .map(|i| clean(i))
                .collect();
            let with = if others.is_empty() {
                String::new()
            } else {
                format!(", with {}", others.join(", "))
            };
            let _ = writeln!(
                out,
                "  {} {}",
                clean(&e.name),
                p.dim(&format!("({}{with})", plural(e.resources, "resource")))
            );
        }
    }
    summary_line(&mut out, summary, &judged);
    out
}

/// The counts a reader (or a CI log) needs before the details: each environment's verdict
/// (when there are several), open findings by severity and by rule, unknowns by rule, and what
/// was suppressed or is hardening. Nothing when there is nothing to count.
fn overview(out: &mut String, p: &Painter, analyses: &[&Analysis], named: &[(&str, &Analysis)]) {
    let all: Vec<Parts<'_>> = analyses.iter().map(|a| Parts::of(a)).collect();
    let egress: Vec<&Finding> = all.iter().flat_map(|x| x.egress.iter().copied()).collect();
    let hardening: Vec<&Finding> = all
        .iter()
        .flat_map(|x| x.hardening.iter().copied())
        .collect();
    let suppressed: usize = all.iter().map(|x| x.suppressed.len()).sum();
    let unknowns: Vec<Rule> = analyses
        .iter()
        .flat_map(|a| a.unknowns.iter().map(|u| u.rule))
        .collect();
    if egress.is_empty() && hardening.is_empty() && suppressed == 0 && unknowns.is_empty() {
        return;
    }
    let _ = writeln!(out, "\n{}:", p.bold("summary"));
    if named.len() > 1 {
        // The worst first; a scan of hundreds of environments lists the first few and counts
        // the rest by verdict.
        let mut named = named.to_vec();
        named.sort_by_key(|(_, a)| std::cmp::Reverse(a.verdict));
        let shown = &named[..named.len().min(SUMMARY_ENVIRONMENTS)];
        let width = shown
            .iter()
            .map(|(n, _)| n.chars().count())
            .max()
            .unwrap_or(0);
        for (name, a) in shown {
            let parts = Parts::of(a);
            let pad = " ".repeat(8usize.saturating_sub(a.verdict.as_str().len()));
            let _ = writeln!(
                out,
                "  {:<width$}  {}{pad} {}",
                clean(name),
                p.verdict(a.verdict),
                headline(a, &parts)
            );
        }
        let rest = &named[shown.len()..];
        if !rest.is_empty() {
            let by = |v: Verdict| rest.iter().filter(|(_, a)| a.verdict == v).count();
            let _ = writeln!(
                out,
                "  and {} ({} leaks, {} unproven, {} sealed)",
                plural(rest.len(), "more environment"),
                by(Verdict::Leaks),
                by(Verdict::Unproven),
                by(Verdict::Sealed)
            );
        }
    }
    if !egress.is_empty() {
        let mut by_severity: BTreeMap<std::cmp::Reverse<Severity>, usize> = BTreeMap::new();
        for f in &egress {
            *by_severity
                .entry(std::cmp::Reverse(f.severity))
                .or_default() += 1;
        }
        let severities: Vec<String> = by_severity
            .iter()
            .map(|(s, n)| format!("{n} {}", s.0.as_str()))
            .collect();
        let _ = writeln!(out, "  findings:   {}", severities.join(", "));
        let _ = writeln!(out, "  by rule:    {}", by_rule(&egress));
    }
    if !unknowns.is_empty() {
        let mut by_code: BTreeMap<Rule, usize> = BTreeMap::new();
        for r in &unknowns {
            *by_code.entry(*r).or_default() += 1;
        }
        let codes: Vec<String> = by_code.iter().map(|(r, n)| format!("{r} {n}")).collect();
        let _ = writeln!(
            out,
            "  unknowns:   {} ({})",
            unknowns.len(),
            codes.join(", ")
        );
    }
    if suppressed > 0 {
        let _ = writeln!(out, "  suppressed: {suppressed}");
    }
    if !hardening.is_empty() {
        let _ = writeln!(
            out,
            "  hardening:  {} ({}; never changes the verdict)",
            hardening.len(),
            by_rule(&hardening)
        );
    }
}

/// `EP201 high 2, EP302 medium 1`: by severity, then code.
fn by_rule(findings: &[&Finding]) -> String {
    let mut counts: BTreeMap<(std::cmp::Reverse<Severity>, Rule), usize> = BTreeMap::new();
    for f in findings {
        *counts
            .entry((std::cmp::Reverse(f.severity), f.rule))
            .or_default() += 1;
    }
    counts
        .iter()
        .map(|((s, r), n)| format!("{r} {} {n}", s.0.as_str()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// One line per finding, unknown, suppression and hardening finding: for logs that are read
/// by grep, or by a person who wants the list rather than the paths.
fn compact(out: &mut String, p: &Painter, analysis: &Analysis, parts: &Parts<'_>) {
    if !(parts.egress.is_empty() && analysis.unknowns.is_empty()) {
        out.push('\n');
    }
    for f in &parts.egress {
        let _ = writeln!(
            out,
            "{} {} {}: {}",
            p.bold(f.rule.as_str()),
            p.severity(f.severity),
            resource(p, &f.resource),
            clean(&f.message)
        );
    }
    for u in &analysis.unknowns {
        let at = u
            .span
            .as_ref()
            .and_then(location)
            .map(|l| format!("{}: ", p.dim(&clean(&l))))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "{} unknown {at}{}",
            p.bold(u.rule.as_str()),
            clean(&u.message)
        );
    }
    for f in &parts.suppressed {
        let reason = f
            .suppression_reason
            .as_deref()
            .filter(|r| !r.trim().is_empty())
            .map_or_else(|| "no reason given".to_string(), |r| clean(r).into_owned());
        let _ = writeln!(
            out,
            "{} {} {}: suppressed: {reason}",
            p.bold(f.rule.as_str()),
            p.severity(f.severity),
            resource(p, &f.resource)
        );
    }
    for f in &parts.hardening {
        let _ = writeln!(
            out,
            "{} {} {}: hardening: {}",
            p.bold(f.rule.as_str()),
            p.severity(f.severity),
            resource(p, &f.resource),
            clean(&f.message)
        );
    }
}

/// Everything an analysis shows below its headline: each finding with its path, the unknowns,
/// what was suppressed, the workloads, the assumptions and hardening apart.
fn sections(out: &mut String, p: &Painter, analysis: &Analysis, parts: &Parts<'_>) {
    for f in &parts.egress {
        out.push('\n');
        finding(out, p, f);
    }

    if !analysis.unknowns.is_empty() {
        let _ = writeln!(
            out,
            "\n{} (each could open a channel; no verdict is sealed until they are resolved):",
            p.bold("unknowns")
        );
        for u in &analysis.unknowns {
            let at = u.span.as_ref().and_then(location);
            let _ = writeln!(
                out,
                "  {} {}{}",
                p.bold(u.rule.as_str()),
                at.map(|l| format!("{}  ", p.dim(&clean(&l))))
                    .unwrap_or_default(),
                clean(&u.message)
            );
        }
    }

    if !parts.suppressed.is_empty() {
        let _ = writeln!(
            out,
            "\n{} (not counted in the verdict):",
            p.bold("suppressed")
        );
        for f in &parts.suppressed {
            let _ = writeln!(
                out,
                "  {} {} {}",
                p.bold(f.rule.as_str()),
                p.severity(f.severity),
                resource(p, &f.resource)
            );
            let reason = match &f.suppression_reason {
                Some(r) if !r.trim().is_empty() => clean(r).into_owned(),
                _ => "none given".to_string(),
            };
            let _ = writeln!(out, "    reason: {reason}");
        }
    }

    if !analysis.workloads.is_empty() {
        let _ = writeln!(out, "\n{}:", p.bold("workloads"));
        for w in &analysis.workloads {
            // Padded outside the colour codes so columns line up either way.
            let pad = " ".repeat(8usize.saturating_sub(w.verdict.as_str().len()));
            let _ = writeln!(
                out,
                "  {}{pad} {}",
                p.verdict(w.verdict),
                resource(p, &w.resource)
            );
        }
    }

    if !analysis.assumptions.is_empty() {
        let _ = writeln!(
            out,
            "\n{} (the verdict holds only if these are true):",
            p.bold("assumptions")
        );
        for a in &analysis.assumptions {
            let at = a
                .span
                .as_ref()
                .and_then(location)
                .map(|l| format!("  {}", p.dim(&clean(&l))))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "  - {}: {}{at}",
                p.bold(a.kind.as_str()),
                clean(&a.message)
            );
        }
    }

    if !parts.hardening.is_empty() {
        let _ = writeln!(
            out,
            "\n{} (protects data, but does not stop it leaving; never changes the verdict):",
            p.bold("hardening")
        );
        for f in &parts.hardening {
            out.push('\n');
            finding(out, p, f);
        }
    }
}

/// The closing line: what was read, and the workloads of the analyses judged by verdict.
fn summary_line(out: &mut String, summary: &ScanSummary, analyses: &[&Analysis]) {
    let count = |v: Verdict| -> usize { analyses.iter().map(|a| count(a, v)).sum() };
    let leaks = count(Verdict::Leaks);
    let unproven = count(Verdict::Unproven);
    let sealed = count(Verdict::Sealed);
    // Files that could not be read or parsed are not among the files scanned: said, so that
    // "scanned 0 files" is never the whole story of an unproven verdict.
    let unreadable: std::collections::BTreeSet<&str> = analyses
        .iter()
        .flat_map(|a| a.unknowns.iter())
        .filter(|u| u.rule == Rule::UnparsableFile)
        .filter_map(|u| u.span.as_ref().map(|s| s.file.as_str()))
        .collect();
    let mut aside = Vec::new();
    if summary.skipped > 0 {
        aside.push(format!("{} skipped", summary.skipped));
    }
    if !unreadable.is_empty() {
        aside.push(format!("{} unreadable, EP901", unreadable.len()));
    }
    let skipped = if aside.is_empty() {
        String::new()
    } else {
        format!(" ({})", aside.join(", "))
    };
    let _ = writeln!(
        out,
        "\nscanned {}{skipped}, {}, {} ({leaks} leaks, {unproven} unproven, {sealed} sealed) in {:.2}s",
        plural(summary.files, "file"),
        plural(summary.resources, "resource"),
        plural(summary.workloads, "workload"),
        summary.seconds
    );
}

fn count(analysis: &Analysis, v: Verdict) -> usize {
    analysis.workloads.iter().filter(|w| w.verdict == v).count()
}

/// `Notebook (AWS::SageMaker::NotebookInstance) net.yaml:42`
fn resource(p: &Painter, r: &ResourceRef) -> String {
    let mut s = format!("{} ({})", clean(&r.name), clean(&r.type_name));
    if let Some(l) = location(&r.span) {
        s.push(' ');
        s.push_str(&p.dim(&clean(&l)));
    }
    s
}

fn hop(p: &Painter, h: &Hop) -> String {
    let mut s = format!(
        "{} ({})",
        clean(&h.resource.name),
        clean(&h.resource.type_name)
    );
    if let Some(l) = location(&h.resource.span) {
        s.push(' ');
        s.push_str(&p.dim(&clean(&l)));
    }
    if !h.note.is_empty() {
        s.push_str(": ");
        s.push_str(&clean(&h.note));
    }
    s
}

fn finding(out: &mut String, p: &Painter, f: &Finding) {
    let _ = writeln!(
        out,
        "{} {} {}",
        p.bold(f.rule.as_str()),
        p.severity(f.severity),
        resource(p, &f.resource)
    );
    let _ = writeln!(out, "  {}", clean(&f.message));
    if !f.path.is_empty() {
        let _ = writeln!(out, "  path:");
        for (i, h) in f.path.iter().enumerate() {
            let arrow = if i == 0 { "  " } else { "->" };
            let _ = writeln!(out, "    {arrow} {}", hop(p, h));
        }
    }
    let mut fix = f.fix.lines();
    if let Some(first) = fix.next() {
        let _ = writeln!(out, "  {} {}", p.bold("fix:"), clean(first));
        for line in fix {
            if line.trim().is_empty() {
                out.push('\n');
            } else {
                let _ = writeln!(out, "       {}", clean(line));
            }
        }
    }
}
