use crate::net::{report, ExitKind, Leak};
use crate::{Context, Sink};

declare_rule! {
    /// ## What it does
    /// Flags a workload whose subnet sends public address space to a transit gateway, VPC
    /// peering connection, virtual private gateway, Cloud WAN core network, carrier or local
    /// gateway whose far side is not in the scan. When the far side is in the scan (a transit
    /// gateway route table and the egress VPC behind it, a peered VPC), the path is followed
    /// instead. Private ranges and the trusted CIDRs (`trusted_cidrs`) toward on-premises are
    /// not egress.
    ///
    /// A peering connection whose peer VPC belongs to another account (`PeerOwnerId`,
    /// `peer_owner_id` other than the scan's account), or is not in the scan, is flagged for
    /// every range routed to it, private ones included, unless the range is trusted: the
    /// message names the peer account.
    ///
    /// ## Why is this bad?
    /// `0.0.0.0/0` to a transit gateway is the classic centralised-egress design: the internet
    /// exit is in another VPC or account. Whether it filters anything cannot be told from this
    /// scan. A peering connection hands data to the peer VPC, and `10.50.0.0/16` in another
    /// account is that account's network, however private the range looks.
    ///
    /// ## Example
    /// ```yaml
    /// PrivateDefaultRoute:
    ///   Type: AWS::EC2::Route
    ///   Properties:
    ///     RouteTableId: !Ref PrivateRouteTable
    ///     DestinationCidrBlock: 0.0.0.0/0
    ///     TransitGatewayId: tgw-0123456789abcdef0
    /// ```
    /// ```hcl
    /// resource "aws_route" "to_tgw" {
    ///   route_table_id         = aws_route_table.private.id
    ///   destination_cidr_block = "0.0.0.0/0"
    ///   transit_gateway_id     = "tgw-0123456789abcdef0"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Route only the on-premises or partner prefixes to the gateway, and declare them as
    /// trusted (`trusted_cidrs` in `.egressproof.toml`). If all traffic must go through a
    /// central egress VPC, scan that VPC's templates together with this one so that the path is
    /// followed to its end. Remove routes to a peering with another account's VPC, or declare
    /// its range trusted if that account is a partner the data may reach.
    code: RouteBeyondScan,
    name: "route-beyond-scan",
    severity: Medium,
    summary: "Workload subnet routes public addresses to a network outside the scan",
    check: check,
}

fn owns(kind: &ExitKind) -> bool {
    matches!(kind, ExitKind::Beyond(_) | ExitKind::PeerVpc { .. })
}

fn what(leak: &Leak<'_>) -> String {
    format!("goes to {}", leak.via.join(" -> "))
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    report(ctx, sink, &RULE, owns, what);
}
