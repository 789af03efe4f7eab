//! Endpoints and filtering services: VPC endpoints and their associations, Network Firewall,
//! Route 53 Resolver DNS Firewall.

use super::{get, Args, Ctx, Link};
use crate::val::Val;
use egressproof_aws::firewall;
use egressproof_model::*;

/// Lowers the endpoint family.
pub(super) fn lower(c: &Ctx, out: &mut Vec<Resource>, links: &mut Vec<Link>) -> bool {
    let a = c.args;
    let t = c.type_name.as_str();
    match t {
        "aws_vpc_endpoint" => out.push(
            c.res(Kind::VpcEndpoint(VpcEndpoint {
                vpc: c.req_ident(a, "vpc_id"),
                service_name: get(a, "service_name")
                    .map(Val::to_value)
                    .unwrap_or_else(|| {
                        Value::unknown("service_name is not set", Some(c.span.clone()))
                    }),
                endpoint_type: get(a, "vpc_endpoint_type").map(|v| match c.string(v) {
                    Attr::Known(s) => match s.as_str() {
                        "Gateway" => Attr::Known(EndpointType::Gateway),
                        "Interface" => Attr::Known(EndpointType::Interface),
                        "GatewayLoadBalancer" => Attr::Known(EndpointType::GatewayLoadBalancer),
                        other => c.unk(format!("unknown endpoint type {other}")),
                    },
                    Attr::Unknown(u) => Attr::Unknown(u),
                }),
                policy: get(a, "policy").map(|v| c.document(v)),
                route_tables: c.idents_or_empty(a, "route_table_ids"),
                subnets: c.idents_or_empty(a, "subnet_ids"),
                security_groups: c.idents_or_empty(a, "security_group_ids"),
                private_dns: c.opt_bool(a, "private_dns_enabled"),
            })),
        ),
        "aws_vpc_endpoint_route_table_association" => {
            links.push(Link::EndpointRouteTable(
                c.req_ident(a, "vpc_endpoint_id"),
                c.req_ident(a, "route_table_id"),
            ));
            out.push(c.res(Kind::Other(Other::default())));
        }
        "aws_vpc_endpoint_subnet_association" => {
            links.push(Link::EndpointSubnet(
                c.req_ident(a, "vpc_endpoint_id"),
                c.req_ident(a, "subnet_id"),
            ));
            out.push(c.res(Kind::Other(Other::default())));
        }
        "aws_vpc_endpoint_security_group_association" => {
            links.push(Link::EndpointSecurityGroup(
                c.req_ident(a, "vpc_endpoint_id"),
                c.req_ident(a, "security_group_id"),
            ));
            out.push(c.res(Kind::Other(Other::default())));
        }
        "aws_vpc_endpoint_policy" => {
            let policy = get(a, "policy")
                .map(|v| c.document(v))
                .unwrap_or_else(|| Value::unknown("policy is not set", Some(c.span.clone())));
            links.push(Link::EndpointPolicy(
                c.req_ident(a, "vpc_endpoint_id"),
                policy,
            ));
            out.push(c.res(Kind::Other(Other::default())));
        }
        "aws_networkfirewall_firewall" => {
            let subnets = c
                .blocks(a, "subnet_mapping")
                .into_iter()
                .map(|b| match b {
                    Val::Map(m) => c.req_ident(m, "subnet_id"),
                    other => other
                        .first_unknown()
                        .map(|u| Attr::Unknown(u.clone()))
                        .unwrap_or_else(|| c.unk("subnet mapping")),
                })
                .collect::<Vec<_>>();
            let subnets = subnets
                .into_iter()
                .try_fold(Vec::new(), |mut acc, s| match s {
                    Attr::Known(s) => {
                        acc.push(s);
                        Ok(acc)
                    }
                    Attr::Unknown(u) => Err(u),
                });
            out.push(c.res(Kind::NetworkFirewall(NetworkFirewall {
                vpc: c.req_ident(a, "vpc_id"),
                subnets: match subnets {
                    Ok(s) => Attr::Known(s),
                    Err(u) => Attr::Unknown(u),
                },
                policy: c.req_ident(a, "firewall_policy_arn"),
            })));
        }
        "aws_networkfirewall_firewall_policy" => {
            let groups = match c.block(a, "firewall_policy") {
                Some(Ok(p)) => {
                    let mut ids = Vec::new();
                    let mut unknown = None;
                    for r in c.blocks(p, "stateful_rule_group_reference") {
                        match r {
                            Val::Map(m) => match c.req_ident(m, "resource_arn") {
                                Attr::Known(i) => ids.push(i),
                                Attr::Unknown(u) => unknown = Some(u),
                            },
                            other => unknown = other.first_unknown().cloned(),
                        }
                    }
                    match unknown {
                        Some(u) => Attr::Unknown(u),
                        None => Attr::Known(ids),
                    }
                }
                Some(Err(u)) => Attr::Unknown(u),
                None => Attr::Known(Vec::new()),
            };
            out.push(c.res(Kind::NetworkFirewallPolicy(NetworkFirewallPolicy {
                stateful_rule_groups: groups,
            })));
        }
        "aws_networkfirewall_rule_group" => out.push(c.res(Kind::NetworkFirewallRuleGroup(
            NetworkFirewallRuleGroup {
                allowed_domains: firewall::allowed_domains(domain_list(c, a), &c.span),
            },
        ))),
        "aws_route53_resolver_firewall_rule_group_association" => out.push(c.res(
            Kind::ResolverFirewallRuleGroupAssociation(ResolverFirewallRuleGroupAssociation {
                vpc: c.req_ident(a, "vpc_id"),
                rule_group: c.req_ident(a, "firewall_rule_group_id"),
            }),
        )),
        _ => return false,
    }
    true
}

/// Where Terraform keeps a rule group's domain list (`rule_group.rules_source.rules_source_list`);
/// what the list allows is the aws layer's to say. A block over an unknown collection is
/// unresolved, never "no list".
fn domain_list(c: &Ctx, a: &Args) -> firewall::Block<firewall::DomainList> {
    let mut m = a;
    for key in ["rule_group", "rules_source", "rules_source_list"] {
        match c.block(m, key) {
            None => return firewall::Block::Absent,
            Some(Err(u)) => return firewall::Block::Unresolved(u),
            Some(Ok(inner)) => m = inner,
        }
    }
    firewall::Block::Present(firewall::DomainList {
        generated_rules_type: c.opt_string(m, "generated_rules_type"),
        targets: get(m, "targets").map(|v| match v {
            Val::List(items) => Attr::Known(items.iter().map(|i| c.string(i)).collect()),
            other => other
                .first_unknown()
                .map(|u| Attr::Unknown(u.clone()))
                .unwrap_or_else(|| c.unk(format!("targets is not a list: {}", other.type_name()))),
        }),
    })
}
