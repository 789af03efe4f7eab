//! JUnit XML, for CI dashboards that chart test results.
//!
//! One `<testsuite>` per environment (`egressproof` for a scan of one judged environment,
//! `egressproof: NAME` otherwise, with `verdict` and `environment` properties; an environment
//! out of scope is one skipped testcase), each holding:
//! - one testcase per workload (classname = resource type, name = resource name, `file`,
//!   `line`; no `file` for a live resource, whose ARN is no file): `<failure>` when its verdict is `leaks`, listing every open finding that lets data
//!   out of it; `<error>` when it is `unproven`, listing the unknowns. An unproven workload is an
//!   error, not `<skipped>`: dashboards hide skipped tests, and an unfinished proof must not look
//!   like a pass. A sealed workload passes.
//! - one testcase per open egress finding that no listed workload accounts for (an endpoint
//!   policy, a presigned-URL policy), so no channel is missing from the dashboard. It fails
//!   when the scan's verdict is `leaks`; when it is not, the finding is under the fail threshold
//!   and the testcase passes with the finding in `<system-out>`. A suppressed one is `<skipped>`
//!   with its reason.
//! - one testcase per unknown (classname `egressproof.unknown`), an `<error>`: it says what to
//!   resolve.
//!
//! The suite's `<properties>` hold the verdict, the tool's version, and each assumption the
//! verdict rests on as `assumption.<kind>` (a kind may repeat).
//!
//! Hardening findings (EP6xx) never fail a testcase; they appear in the workload's
//! `<system-out>`. Text is escaped for XML 1.0, and characters XML cannot hold at all become
//! U+FFFD.

use crate::{
    environments, escape, escape_text, file_of, is_hardening, location, plural, ScanSummary,
};
use egressproof_analysis::{Analysis, Finding, Scan, Verdict};
use egressproof_model::Ident;
use std::collections::{HashMap, HashSet};
use std::fmt::Write;

struct Case {
    classname: String,
    name: String,
    file: Option<String>,
    line: Option<u32>,
    outcome: Outcome,
    system_out: String,
}

enum Outcome {
    Pass,
    Failure {
        message: String,
        kind: String,
        body: String,
    },
    Error {
        message: String,
        kind: String,
        body: String,
    },
    Skipped {
        message: String,
    },
}

/// One finding as a failure body: the message, the path hop by hop, and the fix.
fn describe(f: &Finding) -> String {
    let mut s = format!("{} {}: {}\n", f.rule, f.severity.as_str(), f.message);
    if let Some(l) = location(&f.resource.span) {
        let _ = writeln!(s, "at {} ({}) {l}", f.resource.name, f.resource.type_name);
    }
    for (i, h) in f.path.iter().enumerate() {
        let arrow = if i == 0 { "  " } else { "->" };
        let at = location(&h.resource.span)
            .map(|l| format!(" {l}"))
            .unwrap_or_default();
        let note = if h.note.is_empty() {
            String::new()
        } else {
            format!(": {}", h.note)
        };
        let _ = writeln!(
            s,
            "  {arrow} {} ({}){at}{note}",
            h.resource.name, h.resource.type_name
        );
    }
    if !f.fix.is_empty() {
        let _ = writeln!(s, "fix: {}", f.fix);
    }
    s
}

/// How many unknowns an unproven workload's case repeats. Every unknown is a test case of its
/// own (class `egressproof.unknown`); repeating all of them in each of W workloads would make
/// the report W x U lines, so a few stand for the rest.
const UNKNOWNS_PER_WORKLOAD: usize = 20;

fn unknowns_body(analysis: &Analysis) -> String {
    let mut s = String::new();
    for u in analysis.unknowns.iter().take(UNKNOWNS_PER_WORKLOAD) {
        let at = u
            .span
            .as_ref()
            .and_then(location)
            .map(|l| format!(" {l}"))
            .unwrap_or_default();
        let _ = writeln!(s, "{}{at}: {}", u.rule, u.message);
    }
    if let Some(more) = analysis.unknowns.len().checked_sub(UNKNOWNS_PER_WORKLOAD) {
        if more > 0 {
            let _ = writeln!(
                s,
                "... and {}: each is a test case of class egressproof.unknown",
                plural(more, "more unknown")
            );
        }
    }
    s
}

fn cases(analysis: &Analysis) -> Vec<Case> {
    let mut cases = Vec::new();

    // Findings by the workloads they let data out of, so that large scans stay linear.
    let mut by_workload: HashMap<&Ident, Vec<&Finding>> = HashMap::new();
    for f in &analysis.findings {
        let mut ids: Vec<&Ident> = f.workloads.iter().collect();
        ids.push(&f.resource.id);
        ids.sort();
        ids.dedup();
        for id in ids {
            by_workload.entry(id).or_default().push(f);
        }
    }
    let workload_ids: HashSet<&Ident> = analysis.workloads.iter().map(|w| &w.resource.id).collect();

    for w in &analysis.workloads {
        let affecting: &[&Finding] = by_workload.get(&w.resource.id).map_or(&[], Vec::as_slice);
        let open: Vec<&Finding> = affecting
            .iter()
            .copied()
            .filter(|f| !is_hardening(f) && !f.suppressed)
            .collect();
        let mut system_out = String::new();
        for f in affecting {
            if is_hardening(f) {
                let _ = writeln!(
                    system_out,
                    "hardening (does not stop egress): {}",
                    describe(f)
                );
            } else if f.suppressed {
                let reason = f.suppression_reason.as_deref().unwrap_or("no reason given");
                let _ = writeln!(system_out, "suppressed ({reason}): {}", describe(f));
            } else if w.verdict != Verdict::Leaks {
                let _ = writeln!(system_out, "below the fail threshold: {}", describe(f));
            }
        }
        let outcome = match w.verdict {
            Verdict::Leaks => Outcome::Failure {
                message: if open.is_empty() {
                    "leaks".to_string()
                } else {
                    format!(
                        "leaks: {}",
                        open.iter()
                            .map(|f| format!("{} {}", f.rule, f.title))
                            .collect::<Vec<_>>()
                            .join("; ")
                    )
                },
                kind: "leaks".to_string(),
                body: open
                    .iter()
                    .map(|f| describe(f))
                    .collect::<Vec<_>>()
                    .join("\n"),
            },
            Verdict::Unproven => Outcome::Error {
                message: format!(
                    "unproven: {} could open a channel",
                    plural(analysis.unknowns.len(), "unknown")
                ),
                kind: "unproven".to_string(),
                body: unknowns_body(analysis),
            },
            Verdict::Sealed => Outcome::Pass,
        };
        cases.push(Case {
            classname: w.resource.type_name.clone(),
            name: w.resource.name.clone(),
            file: file_of(&w.resource.span),
            line: (w.resource.span.line > 0).then_some(w.resource.span.line),
            outcome,
            system_out,
        });
    }

    let unattributed = analysis
        .findings
        .iter()
        .filter(|f| !is_hardening(f))
        .filter(|f| {
            !workload_ids.contains(&f.resource.id)
                && !f.workloads.iter().any(|id| workload_ids.contains(id))
        });
    for f in unattributed {
        let outcome = if f.suppressed {
            Outcome::Skipped {
                message: format!(
                    "suppressed: {}",
                    f.suppression_reason.as_deref().unwrap_or("no reason given")
                ),
            }
        } else if analysis.verdict == Verdict::Leaks {
            Outcome::Failure {
                message: format!("{} {}", f.rule, f.title),
                kind: f.rule.to_string(),
                body: describe(f),
            }
        } else {
            Outcome::Pass
        };
        let system_out = if matches!(outcome, Outcome::Pass) {
            format!("below the fail threshold: {}", describe(f))
        } else {
            String::new()
        };
        cases.push(Case {
            classname: f.resource.type_name.clone(),
            name: format!("{} {}", f.rule, f.resource.name),
            file: file_of(&f.resource.span),
            line: (f.resource.span.line > 0).then_some(f.resource.span.line),
            outcome,
            system_out,
        });
    }

    for u in &analysis.unknowns {
        let at = u.span.as_ref().and_then(location);
        cases.push(Case {
            classname: "egressproof.unknown".to_string(),
            name: match &at {
                Some(l) => format!("{} {l}", u.rule),
                None => u.rule.to_string(),
            },
            file: u.span.as_ref().and_then(file_of),
            line: u.span.as_ref().filter(|s| s.line > 0).map(|s| s.line),
            outcome: Outcome::Error {
                message: u.message.clone(),
                kind: u.rule.to_string(),
                body: String::new(),
            },
            system_out: String::new(),
        });
    }
    cases
}

/// A scan: one `<testsuite>` per environment (named `egressproof` for a scan of one judged
/// environment, `egressproof: NAME` otherwise), its verdict and environment as properties; an
/// environment out of scope is a suite of one skipped testcase that says so.
pub(crate) fn render_scan(scan: &Scan, summary: &ScanSummary) -> String {
    let time = format!("{:.3}", summary.seconds);
    let single = environments::is_single(scan);
    let mut suites = Vec::with_capacity(scan.environments.len());
    let mut total = Counts::default();
    for env in &scan.environments {
        let name = if single {
            "egressproof".to_string()
        } else {
            format!("egressproof: {}", env.name)
        };
        let cases = if env.in_scope {
            cases(&env.analysis)
        } else {
            vec![Case {
                classname: "egressproof.environment".to_string(),
                name: env.name.clone(),
                file: None,
                line: None,
                outcome: Outcome::Skipped {
                    message: format!("out of scope: {}", environments::WHY_OUT_OF_SCOPE),
                },
                system_out: String::new(),
            }]
        };
        let counts = Counts::of(&cases);
        total.add(&counts);
        suites.push(suite(
            &name,
            environments::verdict(env),
            (!single).then_some(env.name.as_str()),
            &env.analysis,
            &cases,
            &counts.attributes(&time),
        ));
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"egressproof\" {}>",
        total.attributes(&time)
    );
    for s in suites {
        out.push_str(&s);
    }
    let _ = writeln!(out, "</testsuites>");
    out
}

/// How many testcases of each outcome.
#[derive(Default)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Counts {
    fn of(cases: &[Case]) -> Counts {
        let count = |f: fn(&Outcome) -> bool| cases.iter().filter(|c| f(&c.outcome)).count();
        Counts {
            tests: cases.len(),
            failures: count(|o| matches!(o, Outcome::Failure { .. })),
            errors: count(|o| matches!(o, Outcome::Error { .. })),
            skipped: count(|o| matches!(o, Outcome::Skipped { .. })),
        }
    }

    fn add(&mut self, other: &Counts) {
        self.tests += other.tests;
        self.failures += other.failures;
        self.errors += other.errors;
        self.skipped += other.skipped;
    }

    fn attributes(&self, time: &str) -> String {
        format!(
            "tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{time}\"",
            self.tests, self.failures, self.errors, self.skipped
        )
    }
}

/// One `<testsuite>`: its properties (verdict, tool version, environment, assumptions), then
/// its testcases.
fn suite(
    name: &str,
    verdict: &str,
    environment: Option<&str>,
    analysis: &Analysis,
    cases: &[Case],
    counts: &str,
) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "  <testsuite name=\"{}\" {counts}>", escape(name));
    let _ = writeln!(out, "    <properties>");
    let _ = writeln!(
        out,
        "      <property name=\"verdict\" value=\"{verdict}\"/>"
    );
    if let Some(env) = environment {
        let _ = writeln!(
            out,
            "      <property name=\"environment\" value=\"{}\"/>",
            escape(env)
        );
    }
    let _ = writeln!(
        out,
        "      <property name=\"tool.version\" value=\"{}\"/>",
        escape(crate::TOOL_VERSION)
    );
    // What the verdict rests on, one property each, named by kind (a kind may repeat).
    for a in &analysis.assumptions {
        let at = a
            .span
            .as_ref()
            .and_then(location)
            .map(|l| format!(" ({l})"))
            .unwrap_or_default();
        let _ = writeln!(
            out,
            "      <property name=\"assumption.{}\" value=\"{}\"/>",
            escape(a.kind.as_str()),
            escape(&format!("{}{at}", a.message))
        );
    }
    let _ = writeln!(out, "    </properties>");
    for c in cases {
        let mut attrs = format!(
            "classname=\"{}\" name=\"{}\"",
            escape(&c.classname),
            escape(&c.name)
        );
        if let Some(f) = &c.file {
            let _ = write!(attrs, " file=\"{}\"", escape(f));
        }
        if let Some(l) = c.line {
            let _ = write!(attrs, " line=\"{l}\"");
        }
        let inner = match &c.outcome {
            Outcome::Pass => String::new(),
            Outcome::Failure {
                message,
                kind,
                body,
            } => element("failure", message, kind, body),
            Outcome::Error {
                message,
                kind,
                body,
            } => element("error", message, kind, body),
            Outcome::Skipped { message } => {
                format!("      <skipped message=\"{}\"/>\n", escape(message))
            }
        };
        let system_out = if c.system_out.is_empty() {
            String::new()
        } else {
            format!(
                "      <system-out>{}</system-out>\n",
                escape_text(&c.system_out)
            )
        };
        if inner.is_empty() && system_out.is_empty() {
            let _ = writeln!(out, "    <testcase {attrs}/>");
        } else {
            let _ = write!(
                out,
                "    <testcase {attrs}>\n{inner}{system_out}    </testcase>\n"
            );
        }
    }
    let _ = writeln!(out, "  </testsuite>");
    out
}

fn element(tag: &str, message: &str, kind: &str, body: &str) -> String {
    if body.is_empty() {
        format!(
            "      <{tag} message=\"{}\" type=\"{}\"/>\n",
            escape(message),
            escape(kind)
        )
    } else {
        format!(
            "      <{tag} message=\"{}\" type=\"{}\">{}</{tag}>\n",
            escape(message),
            escape(kind),
            escape_text(body)
        )
    }
}
