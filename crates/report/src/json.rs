//! The JSON report of DESIGN.md §5: stable and versioned by `schema`. Fields are only ever
//! added (a new `schema` number would announce anything else), so scripts can rely on them.
//!
//! Beyond the documented shape this adds `hardening` (EP6xx findings, reported apart because
//! they never change the verdict; same shape as a finding), `assumptions` (each with its `kind`,
//! `message`, `file` and `line`: what the verdict rests on), a per-finding
//! `suppression_reason` and `summary.skipped`. Environments (DESIGN.md §2) add an `environment`
//! to every finding, unknown, workload, hardening finding and assumption, and an `environments`
//! list (`name`, `verdict`, `in_scope`, `inputs`, `resources`, `assumptions`); an environment out
//! of scope, and a scan with nothing in scope, has the verdict `out-of-scope`. A location
//! outside every file (the internet) has `file: null, line: null`; a live resource has its ARN
//! as `file` and `line: null`.

use crate::{environments, is_hardening, ScanSummary, TOOL_VERSION};
use egressproof_analysis::{Analysis, Finding, Hop, ResourceRef, Scan};
use egressproof_model::Span;
use serde::Serialize;

/// The version of this JSON shape.
pub const SCHEMA: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    schema: u32,
    tool: Tool,
    verdict: &'static str,
    findings: Vec<FindingOut<'a>>,
    unknowns: Vec<UnknownOut<'a>>,
    workloads: Vec<WorkloadOut<'a>>,
    hardening: Vec<FindingOut<'a>>,
    assumptions: Vec<AssumptionOut<'a>>,
    summary: SummaryOut,
}

/// An assumption the verdict rests on: its kind (`bucket-names`, `corporate-network`, ...),
/// what was taken as given, and where it comes from when one place says it.
#[derive(Serialize)]
struct AssumptionOut<'a> {
    kind: &'static str,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<u32>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct FindingOut<'a> {
    rule: &'a str,
    severity: &'static str,
    title: &'a str,
    message: &'a str,
    resource: ResourceOut<'a>,
    path: Vec<HopOut<'a>>,
    fix: &'a str,
    suppressed: bool,
    suppression_reason: Option<&'a str>,
}

#[derive(Serialize)]
struct ResourceOut<'a> {
    #[serde(rename = "type")]
    type_name: &'a str,
    name: &'a str,
    file: Option<&'a str>,
    line: Option<u32>,
}

#[derive(Serialize)]
struct HopOut<'a> {
    #[serde(rename = "type")]
    type_name: &'a str,
    name: &'a str,
    file: Option<&'a str>,
    line: Option<u32>,
    note: &'a str,
}

#[derive(Serialize)]
struct UnknownOut<'a> {
    rule: &'a str,
    message: &'a str,
    file: Option<&'a str>,
    line: Option<u32>,
}

#[derive(Serialize)]
struct WorkloadOut<'a> {
    #[serde(rename = "type")]
    type_name: &'a str,
    name: &'a str,
    file: Option<&'a str>,
    line: Option<u32>,
    verdict: &'static str,
}

#[derive(Serialize)]
struct SummaryOut {
    files: usize,
    skipped: usize,
    resources: usize,
    workloads: usize,
    seconds: f64,
}

/// `(file, line)` as the JSON shows them: nulls rather than `""` and `0`, which are not places.
fn file_line(span: Option<&Span>) -> (Option<&str>, Option<u32>) {
    match span {
        Some(s) if !s.file.is_empty() => (Some(s.file.as_str()), (s.line > 0).then_some(s.line)),
        _ => (None, None),
    }
}

fn resource(r: &ResourceRef) -> ResourceOut<'_> {
    let (file, line) = file_line(Some(&r.span));
    ResourceOut {
        type_name: &r.type_name,
        name: &r.name,
        file,
        line,
    }
}

fn hop(h: &Hop) -> HopOut<'_> {
    let (file, line) = file_line(Some(&h.resource.span));
    HopOut {
        type_name: &h.resource.type_name,
        name: &h.resource.name,
        file,
        line,
        note: &h.note,
    }
}

fn finding(f: &Finding) -> FindingOut<'_> {
    FindingOut {
        rule: f.rule.as_str(),
        severity: f.severity.as_str(),
        title: &f.title,
        message: &f.message,
        resource: resource(&f.resource),
        path: f.path.iter().map(hop).collect(),
        fix: &f.fix,
        suppressed: f.suppressed,
        suppression_reason: f.suppression_reason.as_deref(),
    }
}

/// The report of one analysis, as a JSON value.
fn value(analysis: &Analysis, summary: &ScanSummary) -> serde_json::Value {
    let (hardening, findings): (Vec<&Finding>, Vec<&Finding>) =
        analysis.findings.iter().partition(|f| is_hardening(f));
    let report = Report {
        schema: SCHEMA,
        tool: Tool {
            name: "egressproof",
            version: TOOL_VERSION,
        },
        verdict: analysis.verdict.as_str(),
        findings: findings.into_iter().map(finding).collect(),
        unknowns: analysis
            .unknowns
            .iter()
            .map(|u| {
                let (file, line) = file_line(u.span.as_ref());
                UnknownOut {
                    rule: u.rule.as_str(),
                    message: &u.message,
                    file,
                    line,
                }
            })
            .collect(),
        workloads: analysis
            .workloads
            .iter()
            .map(|w| {
                let (file, line) = file_line(Some(&w.resource.span));
                WorkloadOut {
                    type_name: &w.resource.type_name,
                    name: &w.resource.name,
                    file,
                    line,
                    verdict: w.verdict.as_str(),
                }
            })
            .collect(),
        hardening: hardening.into_iter().map(finding).collect(),
        assumptions: analysis
            .assumptions
            .iter()
            .map(|a| {
                let (file, line) = file_line(a.span.as_ref());
                AssumptionOut {
                    kind: a.kind.as_str(),
                    message: &a.message,
                    file,
                    line,
                }
            })
            .collect(),
        summary: SummaryOut {
            files: summary.files,
            skipped: summary.skipped,
            resources: summary.resources,
            workloads: summary.workloads,
            seconds: summary.seconds,
        },
    };
    serde_json::to_value(&report).unwrap_or_else(
        |e| serde_json::json!({ "error": format!("egressproof could not render JSON: {e}") }),
    )
}

/// The lists whose every item names its environment.
const PER_ENVIRONMENT: [&str; 5] = [
    "findings",
    "unknowns",
    "workloads",
    "hardening",
    "assumptions",
];

/// One environment as the `environments` list shows it.
#[derive(Serialize)]
struct EnvironmentOut<'a> {
    name: &'a str,
    verdict: &'static str,
    in_scope: bool,
    inputs: &'a [String],
    resources: usize,
    assumptions: serde_json::Value,
}

/// The report of a scan: the documented shape, with the lists of every environment judged
/// (each item with its `environment`), the scan's verdict (`out-of-scope` when nothing was
/// judged) and the `environments` themselves.
pub(crate) fn render_scan(scan: &Scan, summary: &ScanSummary) -> String {
    let empty = egressproof_analysis::analyze(
        &egressproof_model::Model::default(),
        &egressproof_analysis::Options::default(),
    );
    let mut report = value(&empty, summary);
    let mut environments = Vec::with_capacity(scan.environments.len());
    for env in &scan.environments {
        let mut assumptions = serde_json::Value::Array(Vec::new());
        if env.in_scope {
            let mut one = value(&env.analysis, summary);
            for list in PER_ENVIRONMENT {
                let Some(serde_json::Value::Array(items)) = one.get_mut(list).map(std::mem::take)
                else {
                    continue;
                };
                if list == "assumptions" {
                    assumptions = serde_json::Value::Array(items.clone());
                }
                if let Some(serde_json::Value::Array(all)) = report.get_mut(list) {
                    all.extend(items.into_iter().map(|mut item| {
                        if let Some(o) = item.as_object_mut() {
                            o.insert("environment".into(), env.name.as_str().into());
                        }
                        item
                    }));
                }
            }
        }
        environments.push(EnvironmentOut {
            name: &env.name,
            verdict: environments::verdict(env),
            in_scope: env.in_scope,
            inputs: &env.inputs,
            resources: env.resources,
            assumptions,
        });
    }
    if let Some(o) = report.as_object_mut() {
        o.insert("verdict".into(), environments::scan_verdict(scan).into());
        // `summary` stays last, after the environments.
        let summary = o.shift_remove("summary");
        o.insert(
            "environments".into(),
            serde_json::to_value(&environments).unwrap_or_default(),
        );
        if let Some(summary) = summary {
            o.insert("summary".into(), summary);
        }
    }
    to_pretty_json(&report)
}

/// Pretty JSON with a final newline. Serializing our own structs (strings, numbers, bools,
/// no maps with non-string keys) cannot fail in serde_json; should it ever, the output is
/// still JSON, and says what went wrong rather than panicking.
pub(crate) fn to_pretty_json<T: Serialize>(value: &T) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(mut s) => {
            s.push('\n');
            s
        }
        Err(e) => {
            let msg = serde_json::Value::String(format!("egressproof could not render JSON: {e}"));
            format!("{{\"error\": {msg}}}\n")
        }
    }
}
