use crate::net::endpoints::endpoint_uses;
use crate::net::service::Service;
use crate::rules::util::finding;
use crate::{Context, Sink};
use egressproof_model::EndpointType;
use egressproof_policy::{foreign_use, Exposure};

declare_rule! {
    /// ## What it does
    /// Flags an interface VPC endpoint to an AWS service other than S3 (sts, logs,
    /// sagemaker.api, ecr, ...) in a workload's VPC whose policy is the default full-access one,
    /// or otherwise lets credentials or resources of another account be used through it.
    ///
    /// ## Why is this bad?
    /// The endpoint carries any request that its policy allows. With credentials of another
    /// account, a workload can `logs:PutLogEvents` to a foreign log group, push an image to a
    /// foreign ECR repository, or start a job in someone else's account, and the data goes with
    /// the request.
    ///
    /// ## Example
    /// ```yaml
    /// LogsEndpoint:
    ///   Type: AWS::EC2::VPCEndpoint
    ///   Properties:
    ///     VpcId: !Ref Vpc
    ///     VpcEndpointType: Interface
    ///     ServiceName: !Sub com.amazonaws.${AWS::Region}.logs
    ///     SubnetIds: [!Ref PrivateSubnetA]
    ///     # no PolicyDocument: any principal, any resource
    /// ```
    /// ```hcl
    /// resource "aws_vpc_endpoint" "logs" {
    ///   vpc_id            = aws_vpc.main.id
    ///   vpc_endpoint_type = "Interface"
    ///   service_name      = "com.amazonaws.eu-west-1.logs"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Attach a policy that allows only principals and resources of your account or
    /// organization: conditions `aws:PrincipalAccount` and `aws:ResourceAccount` equal to
    /// `${AWS::AccountId}` (or `aws:PrincipalOrgID` / `aws:ResourceOrgID`).
    code: InterfaceEndpointForeignUse,
    name: "interface-endpoint-foreign-use",
    severity: Medium,
    summary: "Interface endpoint usable with another account's credentials or resources",
    check: check,
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    let uses = endpoint_uses(ctx);
    let mut ours = None;
    for u in &uses {
        if u.kind != EndpointType::Interface {
            continue;
        }
        let service = match &u.service {
            Service::Aws(s) if s == "s3" || s.starts_with("s3-") || s.starts_with("s3.") => {
                continue
            }
            Service::Aws(s) => s.clone(),
            _ => continue,
        };
        if let Some(unknown) = &u.unknown {
            sink.unknowns.push(unknown.clone());
            continue;
        }
        let ours =
            ours.get_or_insert_with(|| super::ep301_s3_endpoint_foreign_write::ours(ctx, sink));
        match foreign_use(u.endpoint.policy.as_ref(), ours) {
            Exposure::Closed => super::ep301_s3_endpoint_foreign_write::assume_ours(
                u.resource,
                u.endpoint.policy.as_ref(),
                sink,
            ),
            Exposure::Open { context } => {
                let mut f = finding(
                    &RULE,
                    u.resource,
                    format!(
                        "Interface endpoint {} ({service}) can be used with another account's credentials or resources: {context}.",
                        u.resource.name
                    ),
                    u.path(&format!("policy admits: {context}")),
                );
                f.path.push(crate::Hop::external(
                    "Account",
                    "another AWS account",
                    format!("{service} requests carry the data"),
                ));
                f.workloads = u.workloads();
                sink.findings.push(f);
            }
            Exposure::Undecided { code, reason } => sink.unknown(
                code,
                format!(
                    "interface endpoint {} ({service}): policy not decided: {reason}",
                    u.resource.name
                ),
                Some(u.resource.span.clone()),
            ),
        }
    }
}
