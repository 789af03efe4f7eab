use crate::net::{report, ExitKind, Leak};
use crate::{Context, Sink};

declare_rule! {
    /// ## What it does
    /// Flags a workload whose subnet's effective route table (its explicit association, else the
    /// VPC's main table) sends public address space to an internet gateway, a NAT gateway whose
    /// own subnet routes to an internet gateway, or a NAT instance or appliance, when the
    /// workload's security groups and the subnet's network ACL let that traffic out. Routes are
    /// resolved by longest-prefix match, IPv4 and IPv6 apart. Subnets with no workload are
    /// judged as the home of a future workload when the scan places no workload at all.
    ///
    /// ## Why is this bad?
    /// `DirectInternetAccess: Disabled`, `VpcOnly` and a `VpcConfig` only move the workload's
    /// traffic into your VPC. If the VPC routes it to the internet, the notebook, Studio app,
    /// job or endpoint can still send data to any host.
    ///
    /// ## Example
    /// ```yaml
    /// PrivateDefaultRoute:
    ///   Type: AWS::EC2::Route
    ///   Properties:
    ///     RouteTableId: !Ref PrivateRouteTable
    ///     DestinationCidrBlock: 0.0.0.0/0
    ///     NatGatewayId: !Ref Nat
    /// ```
    /// ```hcl
    /// resource "aws_route" "private_default" {
    ///   route_table_id         = aws_route_table.private.id
    ///   destination_cidr_block = "0.0.0.0/0"
    ///   nat_gateway_id         = aws_nat_gateway.nat.id
    /// }
    /// ```
    ///
    /// ## Fix
    /// Remove the default route from the workload subnets' route tables (keep only the local
    /// route and gateway endpoint routes) and reach AWS services through VPC endpoints. If some
    /// egress is required, send it through an inspecting firewall with a domain allow-list
    /// (reported as EP204) and restrict the security group egress to the VPC.
    code: RouteToInternet,
    name: "route-to-internet",
    severity: High,
    summary: "Workload subnet routes public addresses to the internet",
    check: check,
}

fn owns(kind: &ExitKind) -> bool {
    matches!(kind, ExitKind::Internet)
}

fn what(leak: &Leak<'_>) -> String {
    format!("leaves through {}", leak.via.join(" -> "))
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    report(ctx, sink, &RULE, owns, what);
}
