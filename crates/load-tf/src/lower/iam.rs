//! Identity and data: IAM roles, policies and their attachments, Organizations service control
//! policies, S3 buckets and bucket policies.

use super::{get, Ctx, Link};
use crate::val::Val;
use egressproof_model::*;

/// Lowers the IAM family.
pub(super) fn lower(c: &Ctx, out: &mut Vec<Resource>, links: &mut Vec<Link>) -> bool {
    let a = c.args;
    let t = c.type_name.as_str();
    match t {
        "aws_iam_role" => {
            let managed = match get(a, "managed_policy_arns") {
                Some(Val::List(items)) => Attr::Known(items.iter().map(Val::to_value).collect()),
                Some(Val::Unknown(u)) => Attr::Unknown(u.clone()),
                Some(other) => c.unk(format!("managed_policy_arns is a {}", other.type_name())),
                None => Attr::Known(Vec::new()),
            };
            out.push(c.res(Kind::Role(Role {
                trust_policy: get(a, "assume_role_policy").map(|v| c.document(v)),
                managed_policy_arns: managed,
            })));
            for (i, p) in c.blocks(a, "inline_policy").into_iter().enumerate() {
                let document = match p {
                    Val::Map(m) => match get(m, "policy") {
                        Some(v) => c.document(v),
                        None => continue,
                    },
                    other => other.to_value(),
                };
                out.push(c.sub(
                    &format!(".inline_policy[{i}]"),
                    Kind::IamPolicy(IamPolicy {
                        policy_kind: PolicyKind::Identity,
                        attached_to: Attr::Known(vec![c.id.clone()]),
                        document,
                    }),
                ));
            }
        }
        "aws_iam_role_policy" | "aws_iam_user_policy" | "aws_iam_group_policy" => {
            let k = t.trim_start_matches("aws_iam_").trim_end_matches("_policy");
            out.push(c.res(Kind::IamPolicy(IamPolicy {
                policy_kind: PolicyKind::Identity,
                attached_to: c.req_ident(a, k).map(|i| vec![i]),
                document:
                    get(a, "policy").map(|v| c.document(v)).unwrap_or_else(|| {
                        Value::unknown("policy is not set", Some(c.span.clone()))
                    }),
            })));
        }
        "aws_iam_policy" => {
            // Its ARN ends in `policy<path><name>`: an attachment may build it from the name.
            let path = match get(a, "path") {
                None => Some("/".to_string()),
                Some(v) => v.as_plain_str(),
            };
            let names = [
                get(a, "name").and_then(Val::as_plain_str),
                Some(
                    Value::symbol(Symbol::Attr {
                        resource: c.id.clone(),
                        attribute: "name".into(),
                    })
                    .render(),
                ),
            ];
            if let Some(path) = path {
                links.push(Link::PolicyName {
                    policy: c.id.clone(),
                    suffixes: names
                        .into_iter()
                        .flatten()
                        .map(|n| format!("policy{path}{n}"))
                        .collect(),
                });
            }
            out.push(c.res(Kind::IamPolicy(IamPolicy {
                policy_kind: PolicyKind::Identity,
                attached_to: Attr::Known(Vec::new()),
                document:
                    get(a, "policy").map(|v| c.document(v)).unwrap_or_else(|| {
                        Value::unknown("policy is not set", Some(c.span.clone()))
                    }),
            })))
        }
        "aws_iam_role_policy_attachment"
        | "aws_iam_user_policy_attachment"
        | "aws_iam_group_policy_attachment" => {
            let k = if t.contains("role") {
                "role"
            } else if t.contains("user") {
                "user"
            } else {
                "group"
            };
            links.push(Link::PolicyAttachment {
                policy: get(a, "policy_arn")
                    .cloned()
                    .unwrap_or(Val::unknown("policy_arn is not set", Some(c.span.clone()))),
                principal: c.req_ident(a, k),
                role: k == "role",
            });
            out.push(c.res(Kind::Other(Other::default())));
        }
        "aws_iam_policy_attachment" => {
            let policy = get(a, "policy_arn")
                .cloned()
                .unwrap_or(Val::unknown("policy_arn is not set", Some(c.span.clone())));
            for (k, role) in [("roles", true), ("users", false), ("groups", false)] {
                if let Some(v) = get(a, k) {
                    match c.idents(v) {
                        Attr::Known(ids) => ids.into_iter().for_each(|p| {
                            links.push(Link::PolicyAttachment {
                                policy: policy.clone(),
                                principal: Attr::Known(p),
                                role,
                            })
                        }),
                        Attr::Unknown(u) => links.push(Link::PolicyAttachment {
                            policy: policy.clone(),
                            principal: Attr::Unknown(u),
                            role,
                        }),
                    }
                }
            }
            out.push(c.res(Kind::Other(Other::default())));
        }
        "aws_organizations_policy" => {
            let ty = get(a, "type")
                .and_then(Val::as_plain_str)
                .unwrap_or_else(|| "SERVICE_CONTROL_POLICY".into());
            if ty == "SERVICE_CONTROL_POLICY" {
                out.push(c.res(Kind::IamPolicy(IamPolicy {
                    policy_kind: PolicyKind::ServiceControl,
                    attached_to: Attr::Known(Vec::new()),
                    document: get(a, "content").map(|v| c.document(v)).unwrap_or_else(|| {
                        Value::unknown("content is not set", Some(c.span.clone()))
                    }),
                })));
            } else {
                out.push(c.res(Kind::Other(Other::default())));
            }
        }
        "aws_organizations_policy_attachment" => {
            links.push(Link::OrgPolicyAttachment {
                policy: c.req_ident(a, "policy_id"),
                target: c.req_ident(a, "target_id"),
            });
            out.push(c.res(Kind::Other(Other::default())));
        }
        "aws_s3_bucket" => out.push(c.res(Kind::Bucket(Bucket {
            // A name built from symbols keeps them (`logs-${account_id}`), so that a policy
            // naming the same string names this bucket.
            name: get(a, "bucket").map(|v| match (c.string(v), v) {
                (Attr::Unknown(u), Val::Text(parts)) if u.pieces.is_none() => {
                    Attr::Unknown(u.with_pieces(parts.iter().cloned().map(Into::into).collect()))
                }
                (name, _) => name,
            }),
        }))),
        "aws_s3_bucket_policy" => {
            out.push(c.res(Kind::IamPolicy(IamPolicy {
                policy_kind: PolicyKind::Resource,
                attached_to: c.req_ident(a, "bucket").map(|b| vec![b]),
                document:
                    get(a, "policy").map(|v| c.document(v)).unwrap_or_else(|| {
                        Value::unknown("policy is not set", Some(c.span.clone()))
                    }),
            })))
        }
        _ => return false,
    }
    true
}
