//! Identity and data: IAM roles, users, groups and policies, Organizations service control
//! policies, S3 buckets and bucket policies.

use super::*;

fn inline_policies(cx: &Cx<'_>, props: &Value, extra: &mut Vec<Resource>) {
    for p in items(get(props, "Policies")) {
        let name = get(p, "PolicyName")
            .map(Value::render)
            .unwrap_or_else(|| "inline".into());
        let document = get(p, "PolicyDocument").map(document).unwrap_or_else(|| {
            Value::unknown("inline policy has no PolicyDocument", Some(cx.span.clone()))
        });
        extra.push(Resource::new(
            Ident(format!("{}/{}", cx.id, name)),
            format!("{}/{}", cx.name, name),
            cx.type_name,
            cx.span.clone(),
            Kind::IamPolicy(IamPolicy {
                policy_kind: PolicyKind::Identity,
                attached_to: Attr::Known(vec![cx.id.clone()]),
                document,
            }),
        ));
    }
}

fn attached(cx: &Cx<'_>, props: &Value, keys: &[&str]) -> Attr<Vec<Ident>> {
    let mut out = Vec::new();
    for k in keys {
        match opt_idents(cx, props, k) {
            None => {}
            Some(Attr::Known(v)) => out.extend(v),
            Some(Attr::Unknown(u)) => return Attr::Unknown(u),
        }
    }
    Attr::Known(out)
}

/// Lowers the IAM family.
pub(super) fn lower(cx: &Cx<'_>, p: &Value, extra: &mut Vec<Resource>) -> Option<Kind> {
    Some(match cx.type_name {
        "AWS::IAM::Role" => {
            inline_policies(cx, p, extra);
            Kind::Role(Role {
                trust_policy: get(p, "AssumeRolePolicyDocument").map(document),
                managed_policy_arns: match get(p, "ManagedPolicyArns") {
                    None => Attr::Known(Vec::new()),
                    Some(Value::List(v)) => Attr::Known(v.clone()),
                    Some(Value::Unknown(u)) => Attr::Unknown(u.clone()),
                    Some(other) => Attr::Known(vec![other.clone()]),
                },
            })
        }
        "AWS::IAM::User" | "AWS::IAM::Group" => {
            inline_policies(cx, p, extra);
            Kind::Other(Other::plain())
        }
        "AWS::IAM::Policy" | "AWS::IAM::ManagedPolicy" => Kind::IamPolicy(IamPolicy {
            policy_kind: PolicyKind::Identity,
            attached_to: attached(cx, p, &["Roles", "Users", "Groups"]),
            document: get(p, "PolicyDocument").map(document).unwrap_or_else(|| {
                Value::unknown("PolicyDocument is missing", Some(cx.span.clone()))
            }),
        }),
        "AWS::Organizations::Policy" => match get(p, "Type").and_then(literal_string).as_deref() {
            Some("SERVICE_CONTROL_POLICY") => Kind::IamPolicy(IamPolicy {
                policy_kind: PolicyKind::ServiceControl,
                attached_to: list_idents(cx, p, "TargetIds"),
                document: get(p, "Content")
                    .map(document)
                    .unwrap_or_else(|| Value::unknown("Content is missing", Some(cx.span.clone()))),
            }),
            _ => Kind::Other(Other::plain()),
        },
        "AWS::S3::BucketPolicy" => Kind::IamPolicy(IamPolicy {
            policy_kind: PolicyKind::Resource,
            attached_to: req_ident(cx, p, "Bucket").map(|b| vec![b]),
            document: get(p, "PolicyDocument").map(document).unwrap_or_else(|| {
                Value::unknown("PolicyDocument is missing", Some(cx.span.clone()))
            }),
        }),
        "AWS::S3::Bucket" => Kind::Bucket(Bucket {
            name: get(p, "BucketName").map(|v| bucket_name(cx, v)),
        }),
        _ => return None,
    })
}

/// A bucket name: literal, or unknown with what is known of it (`data-${AWS::AccountId}` keeps
/// its symbol, so that a policy naming the same string names this bucket).
fn bucket_name(cx: &Cx<'_>, v: &Value) -> egressproof_model::Attr<String> {
    match (string(cx, v), v) {
        (egressproof_model::Attr::Unknown(u), Value::Text(parts)) if u.pieces.is_none() => {
            egressproof_model::Attr::Unknown(
                u.with_pieces(parts.iter().cloned().map(Into::into).collect()),
            )
        }
        (name, _) => name,
    }
}
