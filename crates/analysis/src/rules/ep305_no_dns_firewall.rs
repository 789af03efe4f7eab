use crate::net::endpoints::home_vpcs;
use crate::rules::util::finding;
use crate::{Context, Hop, Sink};
use egressproof_model::{Attr, Kind};

declare_rule! {
    /// ## What it does
    /// Flags a VPC that hosts workloads and has no Route 53 Resolver DNS Firewall rule group
    /// associated with it.
    ///
    /// ## Why is this bad?
    /// Even with no route out, a workload can resolve names through the VPC's Resolver, which
    /// forwards queries to the internet. Data encoded in query names
    /// (`<chunk>.attacker.example`) reaches the attacker's name server: slow, but a channel.
    ///
    /// ## Example
    /// ```yaml
    /// Vpc:
    ///   Type: AWS::EC2::VPC
    ///   Properties:
    ///     CidrBlock: 10.20.0.0/16
    /// # no AWS::Route53Resolver::FirewallRuleGroupAssociation for this VPC
    /// ```
    /// ```hcl
    /// resource "aws_vpc" "main" {
    ///   cidr_block = "10.20.0.0/16"
    /// }
    /// # no aws_route53_resolver_firewall_rule_group_association
    /// ```
    ///
    /// ## Fix
    /// Associate a DNS Firewall rule group that allows the AWS domains the workloads need
    /// (`*.amazonaws.com`) and blocks everything else (`*` with `BLOCK`), or disable DNS
    /// resolution to the internet for the VPC.
    code: NoDnsFirewall,
    name: "no-dns-firewall",
    severity: Low,
    summary: "Workload VPC without a DNS Firewall",
    check: check,
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    let mut associated = Vec::new();
    for (_, a) in ctx.of(|k| match k {
        Kind::ResolverFirewallRuleGroupAssociation(a) => Some(a),
        _ => None,
    }) {
        match &a.vpc {
            Attr::Known(v) => associated.push(v.clone()),
            // An association whose VPC is unresolved may be this one; the rule is low
            // severity and does not decide the verdict, so no unknown is raised for it.
            Attr::Unknown(_) => return,
        }
    }
    for (vpc, homes) in home_vpcs(ctx) {
        if associated.contains(&vpc) {
            continue;
        }
        let Some(first) = homes.first() else { continue };
        let anchor = ctx.get(&vpc).unwrap_or(first.subnet);
        let mut f = finding(
            &RULE,
            anchor,
            format!(
                "VPC {} hosts workloads but no DNS Firewall rule group is associated with it: DNS queries can carry data out.",
                anchor.name
            ),
            vec![
                Hop::new(first.subnet, "workload subnet"),
                Hop::external("Route53Resolver", "Route 53 Resolver", "recursive resolution to the internet"),
                Hop::external("Internet", "any name server", "query names carry the data"),
            ],
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
