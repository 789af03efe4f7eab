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
use std::io::Write as _;

/// The version of this JSON shape.
pub const SCHEMA: u32 = 1;

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

/// One item of a per-environment list (a finding, unknown, workload, hardening finding or
/// assumption), followed by the `environment` it belongs to.
#[derive(Serialize)]
struct InEnvironment<'a, T> {
    #[serde(flatten)]
    item: T,
    environment: &'a str,
}

/// The environments judged, in order, each with its analysis.
fn judged(scan: &Scan) -> impl Iterator<Item = (&str, &Analysis)> + Clone {
    scan.environments
        .iter()
        .filter(|e| e.in_scope)
        .map(|e| (e.name.as_str(), &e.analysis))
}

/// A list written item by item as it is serialized: the items of every environment judged, each
/// with its `environment`. Nothing of the whole list is built.
struct Each<I>(I);

impl<I, T> Serialize for Each<I>
where
    I: Iterator<Item = T> + Clone,
    T: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.clone())
    }
}

fn unknown(u: &egressproof_analysis::UnknownFinding) -> UnknownOut<'_> {
    let (file, line) = file_line(u.span.as_ref());
    UnknownOut {
        rule: u.rule.as_str(),
        message: &u.message,
        file,
        line,
    }
}

fn workload(w: &egressproof_analysis::WorkloadVerdict) -> WorkloadOut<'_> {
    let (file, line) = file_line(Some(&w.resource.span));
    WorkloadOut {
        type_name: &w.resource.type_name,
        name: &w.resource.name,
        file,
        line,
        verdict: w.verdict.as_str(),
    }
}

fn assumption(a: &egressproof_analysis::Assumption) -> AssumptionOut<'_> {
    let (file, line) = file_line(a.span.as_ref());
    AssumptionOut {
        kind: a.kind.as_str(),
        message: &a.message,
        file,
        line,
    }
}

/// One environment as the `environments` list shows it.
#[derive(Serialize)]
struct EnvironmentOut<'a> {
    name: &'a str,
    verdict: &'static str,
    in_scope: bool,
    inputs: &'a [String],
    resources: usize,
    /// Its assumptions (without `environment`); none when it was not judged.
    assumptions: Assumptions<'a>,
}

/// An environment's assumptions, as its entry of `environments` lists them.
struct Assumptions<'a>(&'a [egressproof_analysis::Assumption]);

impl Serialize for Assumptions<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(assumption))
    }
}

/// The report of a scan in the documented shape, serialized as it is written.
#[derive(Serialize)]
#[serde(bound(
    serialize = "Each<F>: Serialize, Each<U>: Serialize, Each<W>: Serialize, \
                           Each<H>: Serialize, Each<A>: Serialize, Each<E>: Serialize"
))]
struct ScanReport<F, U, W, H, A, E> {
    schema: u32,
    tool: Tool,
    verdict: &'static str,
    findings: Each<F>,
    unknowns: Each<U>,
    workloads: Each<W>,
    hardening: Each<H>,
    assumptions: Each<A>,
    environments: Each<E>,
    summary: SummaryOut,
}

/// The report of a scan: the documented shape, with the lists of every environment judged
/// (each item with its `environment`), the scan's verdict (`out-of-scope` when nothing was
/// judged) and the `environments` themselves.
pub(crate) fn render_scan(scan: &Scan, summary: &ScanSummary) -> String {
    let mut out = Vec::new();
    match write_scan(scan, summary, &mut out) {
        // serde_json writes UTF-8 only.
        Ok(()) => String::from_utf8(out).unwrap_or_default(),
        Err(e) => {
            let msg = serde_json::Value::String(format!("egressproof could not render JSON: {e}"));
            format!("{{\"error\": {msg}}}\n")
        }
    }
}

/// [`render_scan`] written to `out` as it is serialized, item by item: a report of a million
/// findings is never held whole, neither as a tree of values nor as text.
pub(crate) fn write_scan(
    scan: &Scan,
    summary: &ScanSummary,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let findings = |hardening: bool| {
        judged(scan).flat_map(move |(environment, a)| {
            a.findings
                .iter()
                .filter(move |f| is_hardening(f) == hardening)
                .map(move |f| InEnvironment {
                    item: finding(f),
                    environment,
                })
        })
    };
    let report = ScanReport {
        schema: SCHEMA,
        tool: Tool {
            name: "egressproof",
            version: TOOL_VERSION,
        },
        verdict: environments::scan_verdict(scan),
        findings: Each(findings(false)),
        unknowns: Each(judged(scan).flat_map(|(environment, a)| {
            a.unknowns.iter().map(move |u| InEnvironment {
                item: unknown(u),
                environment,
            })
        })),
        workloads: Each(judged(scan).flat_map(|(environment, a)| {
            a.workloads.iter().map(move |w| InEnvironment {
                item: workload(w),
                environment,
            })
        })),
        hardening: Each(findings(true)),
        assumptions: Each(judged(scan).flat_map(|(environment, a)| {
            a.assumptions.iter().map(move |x| InEnvironment {
                item: assumption(x),
                environment,
            })
        })),
        environments: Each(scan.environments.iter().map(move |env| EnvironmentOut {
            name: &env.name,
            verdict: environments::verdict(env),
            in_scope: env.in_scope,
            inputs: &env.inputs,
            resources: env.resources,
            assumptions: Assumptions(if env.in_scope {
                &env.analysis.assumptions
            } else {
                &[]
            }),
        })),
        summary: SummaryOut {
            files: summary.files,
            skipped: summary.skipped,
            resources: summary.resources,
            workloads: summary.workloads,
            seconds: summary.seconds,
        },
    };
    let mut out = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut out, &report)?;
    out.write_all(b"\n")?;
    out.flush()
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
