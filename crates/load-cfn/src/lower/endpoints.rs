//! Endpoints and filtering services: VPC endpoints, Network Firewall, Route 53 Resolver DNS
//! Firewall.

use super::*;

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
            let list = path(p, &["RuleGroup", "RulesSource", "RulesSourceList"]);
            let allowed_domains = match list {
                None => Attr::Known(Vec::new()),
                Some(l) => match get(l, "GeneratedRulesType").map(|v| string(cx, v)) {
                    Some(Attr::Known(t)) if t == "ALLOWLIST" => match get(l, "Targets") {
                        Some(Value::List(ts)) => {
                            let mut out = Vec::new();
                            let mut unknown = None;
                            for t in ts {
                                match string(cx, t) {
                                    Attr::Known(s) => out.push(s),
                                    Attr::Unknown(u) => {
                                        unknown.get_or_insert(u);
                                    }
                                }
                            }
                            match unknown {
                                Some(u) => Attr::Unknown(u),
                                None => Attr::Known(out),
                            }
                        }
                        Some(Value::Unknown(u)) => Attr::Unknown(u.clone()),
                        _ => cx.unknown("allow-list rule group without a list of Targets"),
                    },
                    Some(Attr::Unknown(u)) => Attr::Unknown(u),
                    _ => Attr::Known(Vec::new()),
                },
            };
            Kind::NetworkFirewallRuleGroup(NetworkFirewallRuleGroup { allowed_domains })
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
