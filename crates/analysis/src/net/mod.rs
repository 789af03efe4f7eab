//! Network paths: which public destinations a workload's network interfaces reach, and how.
//!
//! [`topology`] indexes the model's VPCs, subnets, route tables, NACLs and security groups once;
//! [`space`] does exact set arithmetic on address ranges; [`reach`] walks route tables by
//! longest-prefix match from every workload placement and records each way out with its path;
//! [`relay`] finds the hosts a workload can reach that reach the internet themselves.
//! The result is computed once per analysis ([`Context::net`](crate::Context::net)) and shared
//! by the EP2xx and EP3xx rules.

pub mod endpoints;
pub(crate) mod org;
pub mod reach;
pub mod relay;
pub mod service;
pub mod space;
pub mod topology;
mod transit;

pub use reach::{describe, Exit, ExitKind, Home, Leak, Reach};
pub use space::Space;
pub use topology::{Filter, Network};

use crate::rules::RuleMeta;
use crate::{Context, Finding, Sink};
use egressproof_model::Ident;

/// Turns the leaks of the kinds a rule owns into findings: one per workload (or subnet) and way
/// out, with the addresses of every subnet that takes that way merged into the message. Pushes
/// the network unknowns too (each net rule does; the report removes duplicates), so that
/// skipping one rule never hides an unknown.
pub(crate) fn report(
    ctx: &Context<'_>,
    sink: &mut Sink,
    meta: &RuleMeta,
    owns: fn(&ExitKind) -> bool,
    what: fn(&Leak<'_>) -> String,
) {
    let reach = ctx.net();
    sink.unknowns.extend(reach.unknowns.iter().cloned());
    let mut seen: std::collections::HashMap<(&Ident, &[String]), usize> =
        std::collections::HashMap::new();
    // (first leak of the group, merged space, subnets)
    let mut grouped: Vec<(&Leak<'_>, Space, Vec<&str>)> = Vec::new();
    for leak in reach.leaks.iter().filter(|l| owns(&l.kind)) {
        let key = (&leak.subject.id, leak.via.as_slice());
        if let Some(at) = seen.get(&key) {
            let (_, space, subnets) = &mut grouped[*at];
            *space = space.union(&leak.space);
            if !subnets.contains(&leak.subnet.name.as_str()) {
                subnets.push(&leak.subnet.name);
            }
            continue;
        }
        seen.insert(key, grouped.len());
        grouped.push((leak, leak.space.clone(), vec![&leak.subnet.name]));
    }
    for (leak, space, subnets) in grouped {
        let who = if leak.workload {
            format!(
                "{} {}",
                kind_word(&leak.subject.type_name),
                leak.subject.name
            )
        } else {
            format!(
                "A workload placed in subnet {} (with the VPC's default security group)",
                leak.subject.name
            )
        };
        let message = format!(
            "{who} can send data to {}: traffic from subnet{} {} to {} {}.",
            describe(&leak.kind),
            if subnets.len() > 1 { "s" } else { "" },
            subnets.join(", "),
            space.describe(),
            what(leak),
        );
        sink.findings.push(Finding {
            rule: meta.code,
            severity: meta.severity,
            title: meta.summary.into(),
            message,
            resource: leak.subject.into(),
            path: leak.path.clone(),
            fix: meta.shared_fix().into(),
            workloads: if leak.workload {
                vec![leak.subject.id.clone()]
            } else {
                Vec::new()
            },
            suppressed: false,
            suppression_reason: None,
        });
    }
}

/// "notebook instance" for `AWS::SageMaker::NotebookInstance`, etc.
pub(crate) fn kind_word(type_name: &str) -> String {
    let last = type_name
        .rsplit("::")
        .next()
        .unwrap_or(type_name)
        .trim_start_matches("aws_sagemaker_");
    let mut out = String::new();
    for (i, c) in last.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push(' ');
        }
        out.push(if c == '_' {
            ' '
        } else {
            c.to_ascii_lowercase()
        });
    }
    let mut chars = out.chars();
    match chars.next() {
        Some(f) => f.to_ascii_uppercase().to_string() + chars.as_str(),
        None => out,
    }
}
