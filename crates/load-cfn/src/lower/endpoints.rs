//! Endpoints and filtering services: VPC endpoints, Network Firewall, Route 53 Resolver DNS
//! Firewall.

use super::*;
use egressproof_aws::firewall;

/// Lowers the endpoint family.
pub(super) fn lower(cx: &Cx<'_>, p: &Value, _extra: &mut Vec<Resource>) -> Option<Kind> {
    Some(match cx.type_name {
        "AWS::EC2::VPCEndpoint" => Kind::VpcEndpoint(VpcEndpoint {
            vpc: req_ident(cx, p, "VpcId"),
            service_name: get(p, "ServiceName")
                .cloned()
                .unwrap_or_else(|| Value::unknown("ServiceName is missing", Some(cx.span.clone()))),
            endpoint_type: get(p, "VpcEndpointType").map(|v| match string(cx, v) {
                Attr::Known(s) => match s.as_str() {
                    "Gateway" => Attr::Known(EndpointType::Gateway),
                    "Interface" => Attr::Known(EndpointType::Interface),
                    "GatewayLoadBalancer" => Attr::Known(EndpointType::GatewayLoadBalancer),
                    other => cx.unknown(format!("endpoint type {other} is not modelled")),
                },
                Attr::Unknown(u) => Attr::Unknown(u),
            }),
            policy: get(p, "PolicyDocument").map(document),
            route_tables: list_idents(cx, p, "RouteTableIds"),
            subnets: list_idents(cx, p, "SubnetIds"),
            security_groups: list_idents(cx, p, "SecurityGroupIds"),
            private_dns: opt_bool(cx, p, "PrivateDnsEnabled"),
        }),
        "AWS::NetworkFirewall::Firewall" => Kind::NetworkFirewall(NetworkFirewall {
            vpc: req_ident(cx, p, "VpcId"),
            subnets: match get(p, "SubnetMappings") {
                Some(Value::List(maps)) => {
                    let ids: Vec<Value> = maps
                        .iter()
                        .map(|m| get(m, "SubnetId").cloned().unwrap_or(Value::Null))
                        .collect();
                    idents(cx, &Value::List(ids))
                }
                Some(v) => idents(cx, v),
                None => cx.unknown("SubnetMappings is missing"),
            },
            policy: req_ident(cx, p, "FirewallPolicyArn"),
        }),
        "AWS::NetworkFirewall::FirewallPolicy" => {
            let refs = path(p, &["FirewallPolicy", "StatefulRuleGroupReferences"]);
            let stateful_rule_groups = match refs {
                None => Attr::Known(Vec::new()),
                Some(Value::List(rs)) => {
                    let arns: Vec<Value> = rs
                        .iter()
                        .map(|r| get(r, "ResourceArn").cloned().unwrap_or(Value::Null))
                        .collect();
                    idents(cx, &Value::List(arns))
                }
                Some(v) => idents(cx, v),
            };
            Kind::NetworkFirewallPolicy(NetworkFirewallPolicy {
                stateful_rule_groups,
            })
        }
        "AWS::NetworkFirewall::RuleGroup" => {
            Kind::NetworkFirewallRuleGroup(NetworkFirewallRuleGroup {
                allowed_domains: firewall::allowed_domains(domain_list(cx, p), cx.span),
            })
        }
        "AWS::Route53Resolver::FirewallRuleGroupAssociation" => {
            Kind::ResolverFirewallRuleGroupAssociation(ResolverFirewallRuleGroupAssociation {
                vpc: req_ident(cx, p, "VpcId"),
                rule_group: req_ident(cx, p, "FirewallRuleGroupId"),
            })
        }
        _ => return None,
    })
}

/// Where CloudFormation keeps a rule group's domain list (`RuleGroup.RulesSource.RulesSourceList`);
/// what the list allows is the aws layer's to say.
fn domain_list(cx: &Cx<'_>, p: &Value) -> firewall::Block<firewall::DomainList> {
    let mut v = p;
    for key in ["RuleGroup", "RulesSource", "RulesSourceList"] {
        match get(v, key) {
            None => return firewall::Block::Absent,
            Some(Value::Unknown(u)) => return firewall::Block::Unresolved(u.clone()),
            Some(inner) => v = inner,
        }
    }
    firewall::Block::Present(firewall::DomainList {
        generated_rules_type: get(v, "GeneratedRulesType").map(|t| string(cx, t)),
        targets: get(v, "Targets").map(|t| match t {
            Value::List(items) => Attr::Known(items.iter().map(|i| string(cx, i)).collect()),
            Value::Unknown(u) => Attr::Unknown(u.clone()),
            other => cx.unknown(format!("Targets is not a list: {}", other.render())),
        }),
    })
}
