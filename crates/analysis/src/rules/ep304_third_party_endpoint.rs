use crate::net::endpoints::endpoint_uses;
use crate::net::service::Service;
use crate::rules::util::finding;
use crate::{Context, Hop, Sink};
use egressproof_model::EndpointType;

declare_rule! {
    /// ## What it does
    /// Flags an interface VPC endpoint in a workload's VPC whose service is not an AWS service:
    /// a PrivateLink endpoint service of another party (`com.amazonaws.vpce.<region>.vpce-svc-…`,
    /// or a name outside the `com.amazonaws.` and `aws.` namespaces).
    ///
    /// ## Why is this bad?
    /// The endpoint is a private network path into someone else's service. Whatever that
    /// service accepts (a SaaS upload API, a partner's database) is reachable from the
    /// workload without any internet route, and no endpoint policy applies to it.
    ///
    /// ## Example
    /// ```yaml
    /// PartnerEndpoint:
    ///   Type: AWS::EC2::VPCEndpoint
    ///   Properties:
    ///     VpcId: !Ref Vpc
    ///     VpcEndpointType: Interface
    ///     ServiceName: com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0
    ///     SubnetIds: [!Ref PrivateSubnetA]
    /// ```
    /// ```hcl
    /// resource "aws_vpc_endpoint" "partner" {
    ///   vpc_id            = aws_vpc.main.id
    ///   vpc_endpoint_type = "Interface"
    ///   service_name      = "com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Remove the endpoint from the workload VPC, or place it in a separate VPC with its own
    /// controls; if the service is needed, restrict the endpoint's security group to the hosts
    /// that must use it and document the exception with a suppression and a reason.
    code: ThirdPartyEndpoint,
    name: "third-party-endpoint",
    severity: Medium,
    summary: "Interface endpoint to a third-party endpoint service",
    check: check,
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for u in &endpoint_uses(ctx) {
        if u.kind != EndpointType::Interface {
            continue;
        }
        let Service::ThirdParty(name) = &u.service else {
            continue;
        };
        let mut f = finding(
            &RULE,
            u.resource,
            format!(
                "Interface endpoint {} connects the workload VPC to the third-party service {name}.",
                u.resource.name
            ),
            u.path(&format!("endpoint to {name}")),
        );
        f.path.push(Hop::external(
            "EndpointService",
            name,
            "service of another party",
        ));
        f.workloads = u.workloads();
        sink.findings.push(f);
    }
}
