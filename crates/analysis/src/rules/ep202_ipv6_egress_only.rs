use crate::net::{report, ExitKind, Leak};
use crate::{Context, Sink};

declare_rule! {
    /// ## What it does
    /// Flags a workload whose subnet's effective route table sends public IPv6 space (usually
    /// `::/0`) to an egress-only internet gateway, when security groups and the NACL allow it.
    ///
    /// ## Why is this bad?
    /// "Egress-only" blocks connections *from* the internet, not *to* it: it is a NAT-less
    /// internet exit for IPv6. A workload can upload data to any IPv6 host. IPv6 routes are
    /// easy to miss in a review that only looks at `0.0.0.0/0`.
    ///
    /// ## Example
    /// ```yaml
    /// PrivateIpv6DefaultRoute:
    ///   Type: AWS::EC2::Route
    ///   Properties:
    ///     RouteTableId: !Ref PrivateRouteTable
    ///     DestinationIpv6CidrBlock: ::/0
    ///     EgressOnlyInternetGatewayId: !Ref Eigw
    /// ```
    /// ```hcl
    /// resource "aws_route" "v6_default" {
    ///   route_table_id              = aws_route_table.private.id
    ///   destination_ipv6_cidr_block = "::/0"
    ///   egress_only_gateway_id      = aws_egress_only_internet_gateway.eigw.id
    /// }
    /// ```
    ///
    /// ## Fix
    /// Remove the IPv6 default route from the workload subnets' route tables, or drop IPv6 from
    /// those subnets; restrict security group IPv6 egress (`CidrIpv6`) to the VPC.
    code: Ipv6EgressOnlyGateway,
    name: "ipv6-egress-only-gateway",
    severity: High,
    summary: "Workload subnet routes IPv6 to an egress-only internet gateway",
    check: check,
}

fn owns(kind: &ExitKind) -> bool {
    matches!(kind, ExitKind::EgressOnly)
}

fn what(leak: &Leak<'_>) -> String {
    format!("leaves through {}", leak.via.join(" -> "))
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    report(ctx, sink, &RULE, owns, what);
}
