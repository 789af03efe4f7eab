use crate::net::{report, ExitKind, Leak};
use crate::{Context, Sink};

declare_rule! {
    /// ## What it does
    /// Flags a workload whose path to the internet passes an AWS Network Firewall endpoint or a
    /// Gateway Load Balancer endpoint, and reports the firewall's domain allow-list.
    ///
    /// ## Why is this bad?
    /// Filtered egress is still egress. An allow-list with `.amazonaws.com` admits every
    /// account's S3 bucket and API Gateway; `.github.com` admits gists. Whether the filter is
    /// tight enough is a judgement this report gives you the facts for.
    ///
    /// ## Example
    /// ```yaml
    /// PrivateDefaultRoute:
    ///   Type: AWS::EC2::Route
    ///   Properties:
    ///     RouteTableId: !Ref PrivateRouteTable
    ///     DestinationCidrBlock: 0.0.0.0/0
    ///     VpcEndpointId: !Select [0, !GetAtt Firewall.EndpointIds]
    /// ```
    /// ```hcl
    /// resource "aws_route" "to_firewall" {
    ///   route_table_id         = aws_route_table.private.id
    ///   destination_cidr_block = "0.0.0.0/0"
    ///   vpc_endpoint_id        = "vpce-0123456789abcdef0"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Prefer no internet route at all (VPC endpoints for AWS services, a private package
    /// mirror). If a firewall must stay, allow exact host names only (no `.amazonaws.com`),
    /// and keep S3 traffic on a gateway endpoint with an account-scoped policy.
    code: FilteredEgress,
    name: "filtered-egress",
    severity: Medium,
    summary: "Workload reaches the internet through a filtering firewall",
    check: check,
}

fn owns(kind: &ExitKind) -> bool {
    matches!(kind, ExitKind::Filtered { .. })
}

fn what(leak: &Leak<'_>) -> String {
    let allowed = match &leak.kind {
        ExitKind::Filtered { allowed, .. } => allowed.as_str(),
        _ => "",
    };
    format!(
        "leaves through {}; the filter allows: {allowed}",
        leak.via.join(" -> ")
    )
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    report(ctx, sink, &RULE, owns, what);
}
