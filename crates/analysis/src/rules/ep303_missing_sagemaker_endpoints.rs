use crate::net::endpoints::home_vpcs;
use crate::net::service::{classify, Service};
use crate::net::ExitKind;
use crate::rules::util::finding_with_severity;
use crate::{Context, Hop, Sink};
use egressproof_model::{Attr, Ident, Kind, VpcEndpoint};
use std::collections::{HashMap, HashSet};

declare_rule! {
    /// ## What it does
    /// Reports a VPC that hosts SageMaker workloads, has no route to the internet, and lacks a
    /// VPC endpoint SageMaker needs: `sagemaker.api`, `sagemaker.runtime`, the notebook or
    /// Studio endpoint (when the VPC hosts notebooks or a Studio domain), `sts`, `logs`,
    /// `ecr.api`, `ecr.dkr` and `s3`.
    ///
    /// ## Why is this bad?
    /// It is not an egress channel: it is why people open one. Jobs fail to pull images or
    /// write logs, and the quick fix is often a NAT gateway. Adding the endpoints keeps the
    /// environment sealed and working.
    ///
    /// ## Example
    /// ```yaml
    /// # A VPC with a VpcOnly Studio domain and only an S3 gateway endpoint:
    /// # sagemaker.api, sagemaker.runtime, studio, sts, logs, ecr.api and ecr.dkr are missing.
    /// ```
    /// ```hcl
    /// resource "aws_vpc_endpoint" "s3" {
    ///   vpc_id       = aws_vpc.main.id
    ///   service_name = "com.amazonaws.eu-west-1.s3"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Add interface endpoints (private DNS enabled, in the workload subnets, security group
    /// allowing 443 from the workloads) for each missing service, each with an account-scoped
    /// policy, and an S3 gateway endpoint.
    code: MissingSagemakerEndpoints,
    name: "missing-sagemaker-endpoints",
    severity: Info,
    summary: "Private VPC lacks endpoints SageMaker needs",
    check: check,
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    let reach = ctx.net();
    // Indexed once, so that the rule stays linear when an estate has many VPCs.
    let routed_out: HashSet<&Ident> = reach
        .leaks
        .iter()
        .filter(|l| matches!(l.kind, ExitKind::Internet | ExitKind::Filtered { .. }))
        .map(|l| &l.subnet.id)
        .collect();
    let mut endpoints: HashMap<&Ident, Vec<&VpcEndpoint>> = HashMap::new();
    for (_, ep) in ctx.of(|k| match k {
        Kind::VpcEndpoint(e) => Some(e),
        _ => None,
    }) {
        if let Attr::Known(v) = &ep.vpc {
            endpoints.entry(v).or_default().push(ep);
        }
    }
    for (vpc, homes) in home_vpcs(ctx) {
        if homes.iter().any(|h| routed_out.contains(&h.subnet.id)) {
            continue;
        }
        let mut present: Vec<String> = Vec::new();
        let mut unresolved = false;
        for ep in endpoints.get(&vpc).into_iter().flatten() {
            match classify(&ep.service_name, |i| ctx.get(i).is_some()) {
                Service::Aws(s) => present.push(s),
                Service::Unknown(_) => unresolved = true,
                _ => {}
            }
        }
        if unresolved {
            // An unresolved service name could be any of them; this rule is advice only.
            continue;
        }
        let mut needed = vec![
            "sagemaker.api",
            "sagemaker.runtime",
            "sts",
            "logs",
            "ecr.api",
            "ecr.dkr",
            "s3",
        ];
        if homes
            .iter()
            .any(|h| matches!(h.subject.kind, Kind::NotebookInstance(_)))
        {
            needed.push("notebook");
        }
        if homes
            .iter()
            .any(|h| matches!(h.subject.kind, Kind::Domain(_)))
        {
            needed.push("studio");
        }
        let missing: Vec<&str> = needed
            .into_iter()
            .filter(|n| !present.iter().any(|p| p == n))
            .collect();
        if missing.is_empty() {
            continue;
        }
        let Some(first) = homes.first() else { continue };
        let anchor = ctx.get(&vpc).unwrap_or(first.subnet);
        let mut f = finding_with_severity(
            &RULE,
            RULE.severity,
            anchor,
            format!(
                "VPC {} hosts SageMaker workloads without internet access but has no endpoint for: {}.",
                anchor.name,
                missing.join(", ")
            ),
            vec![Hop::new(first.subnet, "workload subnet without a route out")],
        );
        f.workloads = homes
            .iter()
            .filter(|h| h.workload)
            .map(|h| h.subject.id.clone())
            .collect();
        f.workloads.sort();
        f.workloads.dedup();
        sink.findings.push(f);
    }
}
