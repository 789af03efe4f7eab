use crate::rules::util::finding;
use crate::{Context, Hop, Sink};
use egressproof_model::{Attr, JobKind, Kind};

declare_rule! {
    /// ## What it does
    /// Reports a distributed training or processing job whose traffic between containers is not
    /// encrypted (`EnableInterContainerTrafficEncryption` false or absent). Hardening, not an
    /// egress control: it never changes the verdict.
    ///
    /// ## Why is this bad?
    /// Between the instances of one job, model parameters and data cross the VPC in the clear.
    /// Encrypting that traffic protects it inside your network; it does not keep the job from
    /// sending data out, which network isolation and the VPC's routes decide.
    ///
    /// ## Example
    /// ```yaml
    /// "Arguments": { "EnableNetworkIsolation": true }   # no EnableInterContainerTrafficEncryption
    /// ```
    /// ```hcl
    /// network_config { enable_network_isolation = true }   # no enable_inter_container_traffic_encryption
    /// ```
    ///
    /// ## Fix
    /// Set `EnableInterContainerTrafficEncryption: true` in the job's request or `NetworkConfig`.
    code: InterContainerTrafficInClear,
    name: "inter-container-traffic-in-clear",
    severity: Low,
    summary: "Traffic between a job's containers is not encrypted (hardening)",
    check: check,
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for (res, job) in ctx.of(|k| match k {
        Kind::Job(j) => Some(j),
        _ => None,
    }) {
        let distributed = matches!(
            job.job_kind,
            JobKind::Training | JobKind::Processing | JobKind::HyperParameterTuning
        );
        let encrypted = matches!(
            job.inter_container_encryption,
            Some(Attr::Known(true)) | Some(Attr::Unknown(_))
        );
        if distributed && !encrypted {
            let what = job.step.as_deref().unwrap_or(&res.name);
            sink.findings.push(finding(
                &RULE,
                res,
                format!(
                    "Job {what} does not encrypt traffic between its containers. This protects data inside the VPC; it does not stop egress."
                ),
                vec![Hop::new(res, "EnableInterContainerTrafficEncryption not true")],
            ));
        }
    }
}
