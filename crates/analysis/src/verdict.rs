use crate::{Assumption, Context, Finding, ResourceRef, Rule, Severity, Sink, UnknownFinding};
use egressproof_model::Ident;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Sealed,
    Unproven,
    Leaks,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Sealed => "sealed",
            Verdict::Unproven => "unproven",
            Verdict::Leaks => "leaks",
        }
    }

    /// DESIGN.md §2: 0 sealed, 1 leaks, 3 unproven.
    pub fn exit_code(self) -> i32 {
        match self {
            Verdict::Sealed => 0,
            Verdict::Leaks => 1,
            Verdict::Unproven => 3,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WorkloadVerdict {
    pub resource: ResourceRef,
    pub verdict: Verdict,
}

/// The outcome of one analysis.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Analysis {
    pub verdict: Verdict,
    pub findings: Vec<Finding>,
    pub unknowns: Vec<UnknownFinding>,
    pub workloads: Vec<WorkloadVerdict>,
    /// What the analysis took as given (buckets counted as ours, the corporate network), by
    /// kind: the verdict holds only if they are true.
    pub assumptions: Vec<Assumption>,
    /// The network the analysis judged (VPCs, subnets by route table, gateways, endpoints), for
    /// reports that draw the leak paths over it.
    #[serde(default)]
    pub network: crate::NetworkMap,
}

/// Applies suppressions, orders the output and derives the verdicts of DESIGN.md §2.
pub(crate) fn conclude(ctx: &Context<'_>, sink: Sink) -> Analysis {
    let Sink {
        mut findings,
        mut unknowns,
        mut assumptions,
    } = sink;
    assumptions.sort();
    assumptions.dedup();
    let mut used: HashSet<(&Ident, usize)> = HashSet::new();
    for f in &mut findings {
        if let Some(res) = ctx.get(&f.resource.id) {
            if let Some((i, s)) = res
                .suppressions
                .iter()
                .enumerate()
                .find(|(_, s)| s.rule.eq_ignore_ascii_case(f.rule.as_str()))
            {
                f.suppressed = true;
                f.suppression_reason = s.reason.clone();
                used.insert((&res.id, i));
            }
        }
    }
    findings.extend(suppression_hygiene(ctx, &used));
    sort_findings(&mut findings);
    findings.dedup();
    unknowns.sort_by(|a, b| (&a.span, &a.rule, &a.message).cmp(&(&b.span, &b.rule, &b.message)));
    unknowns.dedup();

    let threshold = ctx.options.fail_on;
    let counts = |f: &&Finding| !f.suppressed && f.severity >= threshold && counts_for_verdict(f);
    let verdict = if findings.iter().any(|f| counts(&f)) {
        Verdict::Leaks
    } else if !unknowns.is_empty() {
        Verdict::Unproven
    } else {
        Verdict::Sealed
    };

    let leaking: HashSet<&Ident> = findings
        .iter()
        .filter(|f| counts(f))
        .flat_map(|f| f.workloads.iter().chain(std::iter::once(&f.resource.id)))
        .collect();
    let workloads = ctx
        .workloads()
        .map(|r| WorkloadVerdict {
            resource: r.into(),
            verdict: if leaking.contains(&r.id) {
                Verdict::Leaks
            } else if unknowns.is_empty() {
                Verdict::Sealed
            } else {
                Verdict::Unproven
            },
        })
        .collect();

    Analysis {
        verdict,
        findings,
        unknowns,
        workloads,
        assumptions,
        network: if ctx.options.network_map {
            crate::network_map::of(ctx)
        } else {
            crate::NetworkMap::default()
        },
    }
}

/// Orders findings by severity (highest first), rule, place, resource name and message, ties
/// kept in the order found. The order is decided over indices and then applied by swaps: a
/// stable sort of the findings themselves would take a buffer of half of them (a hundred
/// megabytes at a million resources, while the model is alive).
fn sort_findings(findings: &mut [Finding]) {
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by(|&i, &j| {
        let (a, b) = (&findings[i], &findings[j]);
        (
            b.severity,
            &a.rule,
            &a.resource.span,
            &a.resource.name,
            &a.message,
        )
            .cmp(&(
                a.severity,
                &b.rule,
                &b.resource.span,
                &b.resource.name,
                &b.message,
            ))
    });
    // Position `k` takes the finding at `order[k]`: each cycle of the permutation is followed
    // once, swapping along it.
    let mut placed = vec![false; findings.len()];
    for start in 0..findings.len() {
        let mut at = start;
        while !placed[at] {
            placed[at] = true;
            let from = order[at];
            if from == start {
                break;
            }
            findings.swap(at, from);
            at = from;
        }
    }
}

/// Hardening findings (EP6xx) are reported apart and never change the verdict (DESIGN.md §3).
fn counts_for_verdict(f: &Finding) -> bool {
    f.rule.counts_for_verdict()
}

impl Severity {
    /// Whether a finding of this severity fails a scan with the given threshold.
    pub fn fails(self, threshold: Severity) -> bool {
        self >= threshold
    }
}

/// EP801/EP802: suppressions without a reason, and suppressions that matched nothing.
fn suppression_hygiene(ctx: &Context<'_>, used: &HashSet<(&Ident, usize)>) -> Vec<Finding> {
    use crate::rules::util::finding;
    use crate::rules::{
        ep801_suppression_without_reason as ep801, ep802_unused_suppression as ep802,
    };
    use crate::Hop;
    let skipped = |rule: Rule| ctx.options.skip_rules.contains(&rule);
    // A suppression names its rule as written; one that names no rule is never skipped.
    let skipped_text = |code: &str| code.parse::<Rule>().is_ok_and(skipped);
    let mut out = Vec::new();
    for res in ctx.resources() {
        for (i, s) in res.suppressions.iter().enumerate() {
            let hop = || {
                vec![Hop::new(
                    res,
                    format!("egressproof:ignore {} at {}", s.rule, s.span),
                )]
            };
            let reasonless = s.reason.as_deref().is_none_or(|r| r.trim().is_empty());
            if reasonless && !skipped(ep801::RULE.code) {
                out.push(finding(
                    &ep801::RULE,
                    res,
                    format!(
                        "The suppression of {} on {} ({}) gives no reason.",
                        s.rule, res.name, s.span
                    ),
                    hop(),
                ));
            }
            if !used.contains(&(&res.id, i)) && !skipped(ep802::RULE.code) && !skipped_text(&s.rule)
            {
                out.push(finding(
                    &ep802::RULE,
                    res,
                    format!(
                        "The suppression of {} on {} ({}) matches no finding.",
                        s.rule, res.name, s.span
                    ),
                    hop(),
                ));
            }
        }
    }
    out
}

/// A loader's unknown that an inline `egressproof:ignore` accepts: listed as a suppressed
/// finding of its rule on the file (with EP801 when the ignore gives no reason), so that the
/// report still shows what was not read and why that was accepted.
pub(crate) fn suppressed_diagnostic(
    d: &egressproof_model::Diagnostic,
    s: &egressproof_model::Suppression,
    options: &crate::Options,
) -> Vec<Finding> {
    use crate::rules::{ep801_suppression_without_reason as ep801, RuleMeta};
    let span = d.span.clone().unwrap_or_else(|| s.span.clone());
    let file = ResourceRef::new(
        Ident::new(span.file.clone()),
        "file",
        span.file.clone(),
        span,
    );
    let on = |meta: &RuleMeta, message: String, suppressed: bool, reason: Option<String>| Finding {
        rule: meta.code,
        severity: meta.severity,
        title: meta.summary.into(),
        message,
        resource: file.clone(),
        path: Vec::new(),
        fix: meta.shared_fix().into(),
        workloads: Vec::new(),
        suppressed,
        suppression_reason: reason,
    };
    let rule: Rule = d.code.into();
    let reason = s
        .reason
        .as_deref()
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .map(str::to_string);
    let mut out = vec![on(rule.meta(), d.message.clone(), true, reason.clone())];
    if reason.is_none() && !options.skip_rules.contains(&ep801::RULE.code) {
        out.push(on(
            &ep801::RULE,
            format!(
                "The suppression of {} on {} ({}) gives no reason.",
                s.rule, file.name, s.span
            ),
            false,
            None,
        ));
    }
    out
}
