use crate::context::unresolved;
use crate::rules::isolation::{state, through_service_network, State};
use crate::rules::util::finding;
use crate::{Context, Hop, Sink};
use egressproof_model::{JobKind, Kind};

declare_rule! {
    /// ## What it does
    /// Flags a training, processing, tuning, transform or model-monitoring job (or job
    /// definition, including the steps of a SageMaker pipeline) that has neither
    /// `EnableNetworkIsolation: true` nor a `VpcConfig`.
    ///
    /// ## Why is this bad?
    /// Without a `VpcConfig`, SageMaker runs the job's containers in a service-managed network
    /// with internet access; without network isolation the container can use it. Training code,
    /// a dependency pulled in by `pip`, or a compromised image can send the training data
    /// anywhere, and no control of yours sees it.
    ///
    /// ## Example
    /// ```yaml
    /// FeatureJob:
    ///   Type: AWS::SageMaker::ProcessingJob
    ///   Properties:
    ///     RoleArn: !GetAtt ExecutionRole.Arn
    ///     AppSpecification: { ImageUri: !Ref Image }
    ///     # no NetworkConfig: not isolated, not in a VPC
    /// ```
    /// ```hcl
    /// resource "aws_sagemaker_data_quality_job_definition" "dq" {
    ///   # no network_config block
    /// }
    /// ```
    ///
    /// ## Fix
    /// Set `EnableNetworkIsolation: true` (for processing and monitoring jobs inside
    /// `NetworkConfig`) wherever the job needs no network, and give every job a `VpcConfig` with
    /// private subnets, so that even the S3 and ECR traffic SageMaker does for it stays on your
    /// VPC endpoints.
    code: JobWithoutIsolation,
    name: "job-without-isolation",
    severity: High,
    summary: "Job neither network-isolated nor in a VPC",
    check: check,
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    // A pipeline whose definition could not be read may hold any job: unknown, never "no jobs".
    for (res, pipeline) in ctx.of(|k| match k {
        Kind::Pipeline(p) => Some(p),
        _ => None,
    }) {
        if let Some(u) = pipeline.definition.as_unknown() {
            sink.unknowns.push(unresolved(
                u,
                &format!("pipeline {}: the jobs its definition starts", res.name),
            ));
        }
    }
    for (res, job) in ctx.of(|k| match k {
        Kind::Job(j) => Some(j),
        _ => None,
    }) {
        let what = match &job.step {
            Some(_) => format!(
                "{} job of pipeline step {}",
                kind_name(job.job_kind),
                res.name
            ),
            None => format!("{} job {}", kind_name(job.job_kind), res.name),
        };
        match state(&job.network_isolation, &job.vpc_config) {
            State::Isolated | State::InVpc => {}
            State::Unresolved(u) => sink
                .unknowns
                .push(unresolved(u, &format!("{what}: EnableNetworkIsolation"))),
            State::Open(why) => {
                let path = through_service_network(Hop::new(res, why));
                sink.findings.push(finding(
                    &RULE,
                    res,
                    format!("The {what} can reach the internet: {why}."),
                    path,
                ));
            }
        }
    }
}

fn kind_name(kind: JobKind) -> &'static str {
    match kind {
        JobKind::Training => "training",
        JobKind::Processing => "processing",
        JobKind::HyperParameterTuning => "tuning",
        JobKind::Transform => "transform",
        JobKind::DataQualityMonitoring => "data-quality monitoring",
        JobKind::ModelQualityMonitoring => "model-quality monitoring",
        JobKind::ModelBiasMonitoring => "model-bias monitoring",
        JobKind::ModelExplainabilityMonitoring => "model-explainability monitoring",
        JobKind::MonitoringSchedule => "monitoring",
        JobKind::AutoMl => "AutoML",
        JobKind::Other => "SageMaker",
    }
}
