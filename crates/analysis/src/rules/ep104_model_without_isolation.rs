use crate::context::unresolved;
use crate::rules::isolation::{state, through_service_network, State};
use crate::rules::util::finding;
use crate::{Context, Hop, Sink};
use egressproof_model::{Attr, Kind};

declare_rule! {
    /// ## What it does
    /// Flags a SageMaker model that has neither `EnableNetworkIsolation: true` nor a `VpcConfig`,
    /// and an endpoint configuration that serves a model the scan cannot see.
    ///
    /// ## Why is this bad?
    /// An endpoint serving such a model runs its inference containers in a service-managed network
    /// with internet access. Every request payload (customer records, transactions) passes
    /// through code that can forward it anywhere.
    ///
    /// ## Example
    /// ```yaml
    /// Model:
    ///   Type: AWS::SageMaker::Model
    ///   Properties:
    ///     ExecutionRoleArn: !GetAtt Role.Arn
    ///     PrimaryContainer: { Image: !Ref Image }
    ///     # EnableNetworkIsolation absent (false), no VpcConfig
    /// ```
    /// ```hcl
    /// resource "aws_sagemaker_model" "m" {
    ///   execution_role_arn = aws_iam_role.exec.arn
    ///   primary_container { image = var.image }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Set `EnableNetworkIsolation: true` (Terraform: `enable_network_isolation = true`) and a
    /// `VpcConfig` with private subnets, so that the model artifacts SageMaker fetches for the
    /// container still travel through your VPC endpoints.
    code: ModelWithoutIsolation,
    name: "model-without-isolation",
    severity: High,
    summary: "Model neither network-isolated nor in a VPC",
    check: check,
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for res in ctx.resources() {
        match &res.kind {
            Kind::Model(model) => match state(&model.network_isolation, &model.vpc_config) {
                State::Isolated | State::InVpc => {}
                State::Unresolved(u) => sink.unknowns.push(unresolved(
                    u,
                    &format!("model {}: EnableNetworkIsolation", res.name),
                )),
                State::Open(why) => {
                    let path = through_service_network(Hop::new(res, why));
                    sink.findings.push(finding(
                        &RULE,
                        res,
                        format!(
                            "Model {} can reach the internet from its containers: {why}.",
                            res.name
                        ),
                        path,
                    ));
                }
            },
            Kind::EndpointConfig(config) => {
                for model in &config.models {
                    match model {
                        Attr::Known(id) if ctx.get(id).is_some() => {}
                        Attr::Known(id) => sink.unknown(
                            crate::Rule::UnresolvedValue,
                            format!(
                                "endpoint config {} serves model {id}, which is not in the scan: its network isolation is unknown",
                                res.name
                            ),
                            Some(res.span.clone()),
                        ),
                        Attr::Unknown(u) => sink.unknowns.push(unresolved(
                            u,
                            &format!("endpoint config {}: the model it serves", res.name),
                        )),
                    }
                }
            }
            _ => {}
        }
    }
}
