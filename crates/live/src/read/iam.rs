//! IAM: roles (with trust policies), and the identity policies that can allow or deny a
//! SageMaker action or a data-carrying write (inline on roles, users and groups; customer-managed
//! and AWS-managed ones attached), with their documents.

use super::{call, each_collect, resource, Ctx};
use crate::{decode_policy_document, governs_sagemaker_or_data_writes, symbolise_account};
use aws_sdk_iam::types as t;
use aws_sdk_iam::Client;
use egressproof_model::{
    Attr, Diagnostic, IamPolicy, Ident, Kind, Model, PolicyKind, Resource, Role, Span, Value,
};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Clone, Copy, Debug)]
enum Who {
    Role,
    User,
    Group,
}

impl Who {
    fn word(self) -> &'static str {
        match self {
            Who::Role => "role",
            Who::User => "user",
            Who::Group => "group",
        }
    }
}

/// What one principal contributed: its resources and inline policies, and the managed policy
/// ARNs attached to it.
#[derive(Default)]
struct Found {
    model: Model,
    attached: Vec<(String, String)>,
}

fn doc_value(raw: Option<&str>, arn: &str, account: &str) -> Value {
    match raw.map(decode_policy_document) {
        Some(Ok(v)) => symbolise_account(v, account),
        Some(Err(why)) => Value::unknown(why, Some(Span::arn(arn))),
        None => Value::unknown("the API returned no policy document", Some(Span::arn(arn))),
    }
}

pub(super) async fn read(c: &Ctx, iam: &Client) -> Model {
    let mut m = Model::default();
    let (roles, users, groups, policies) = tokio::join!(
        call(
            "iam:ListRoles",
            "IAM roles and their policies",
            c.arn("iam", "role/*"),
            iam.list_roles()
                .into_paginator()
                .items()
                .send()
                .try_collect()
        ),
        call(
            "iam:ListUsers",
            "IAM users and their policies",
            c.arn("iam", "user/*"),
            iam.list_users()
                .into_paginator()
                .items()
                .send()
                .try_collect()
        ),
        call(
            "iam:ListGroups",
            "IAM groups and their policies",
            c.arn("iam", "group/*"),
            iam.list_groups()
                .into_paginator()
                .items()
                .send()
                .try_collect()
        ),
        call(
            "iam:ListPolicies",
            "attached managed policies",
            c.arn("iam", "policy/*"),
            iam.list_policies()
                .only_attached(true)
                .scope(t::PolicyScopeType::All)
                .into_paginator()
                .items()
                .send()
                .try_collect()
        ),
    );
    // Every role, user and group listed: no principal of the account is outside the snapshot.
    let complete = roles.is_ok() && users.is_ok() && groups.is_ok();
    let mut principals: Vec<(Who, String, String, Option<String>)> = Vec::new();
    match roles {
        Ok(list) => {
            let list: Vec<t::Role> = list;
            for r in list {
                principals.push((Who::Role, r.role_name, r.arn, r.assume_role_policy_document));
            }
        }
        Err(d) => m.diagnostics.push(d),
    }
    match users {
        Ok(list) => {
            let list: Vec<t::User> = list;
            for u in list {
                principals.push((Who::User, u.user_name, u.arn, None));
            }
        }
        Err(d) => m.diagnostics.push(d),
    }
    match groups {
        Ok(list) => {
            let list: Vec<t::Group> = list;
            for g in list {
                principals.push((Who::Group, g.group_name, g.arn, None));
            }
        }
        Err(d) => m.diagnostics.push(d),
    }

    let client = iam.clone();
    let account = c.account.clone();
    let (found, diags) = each_collect(principals, c.limit, move |(who, name, arn, trust)| {
        let iam = client.clone();
        let account = account.clone();
        async move { principal(&iam, &account, who, name, arn, trust).await }
    })
    .await;
    m.diagnostics.extend(diags);
    let mut attached: BTreeMap<String, Vec<Ident>> = BTreeMap::new();
    for f in found {
        m.extend(f.model);
        for (policy, principal) in f.attached {
            attached
                .entry(policy)
                .or_default()
                .push(Ident::new(principal));
        }
    }

    let policies: Vec<t::Policy> = match policies {
        Ok(p) => p,
        Err(d) => {
            m.diagnostics.push(d);
            Vec::new()
        }
    };
    let items: Vec<(String, String, String, Vec<Ident>)> = policies
        .into_iter()
        .filter_map(|p| {
            let arn = p.arn?;
            let to = attached.get(&arn).cloned().unwrap_or_default();
            Some((
                arn,
                p.policy_name.unwrap_or_default(),
                p.default_version_id?,
                to,
            ))
        })
        .collect();
    let client = iam.clone();
    let account = c.account.clone();
    let (docs, diags) = each_collect(items, c.limit, move |(arn, name, version, to)| {
        let iam = client.clone();
        let account = account.clone();
        async move {
            let got = call(
                "iam:GetPolicyVersion",
                "a managed policy's document",
                &arn,
                iam.get_policy_version()
                    .policy_arn(&arn)
                    .version_id(&version)
                    .send(),
            )
            .await;
            match got {
                Ok(v) => {
                    let raw = v.policy_version().and_then(|pv| pv.document());
                    let parsed = raw.map(decode_policy_document);
                    if let Some(Ok(doc)) = &parsed {
                        if !governs_sagemaker_or_data_writes(doc) {
                            return Ok(Managed::Dropped(arn));
                        }
                    }
                    let policy = IamPolicy {
                        policy_kind: PolicyKind::Identity,
                        attached_to: Attr::Known(to),
                        document: doc_value(raw, &arn, &account),
                    };
                    Ok(Managed::Kept(Box::new(resource(
                        arn.clone(),
                        name,
                        "AWS::IAM::ManagedPolicy",
                        arn,
                        Kind::IamPolicy(policy),
                    ))))
                }
                Err(d) => Err(d),
            }
        }
    })
    .await;
    m.diagnostics.extend(diags);
    let mut dropped = BTreeSet::new();
    for d in docs {
        match d {
            Ok(Managed::Kept(r)) => m.resources.push(*r),
            Ok(Managed::Dropped(arn)) => {
                dropped.insert(arn);
            }
            Err(d) => m.diagnostics.push(d),
        }
    }
    forget_dropped(&mut m, &dropped);
    // Set last: the principals' own parts appended above say nothing of completeness.
    m.principals_complete = complete;
    m
}

/// A managed policy as the snapshot takes it: its resource, or the ARN of one whose document
/// governs neither SageMaker nor a data-carrying write.
enum Managed {
    Kept(Box<Resource>),
    Dropped(String),
}

/// Takes the dropped managed policies out of the roles' lists of attached ARNs.
///
/// WHY: the analysis reads an attached ARN whose document is not in the scan as a policy that
/// may allow or deny anything (an EP902), so a role with an EC2-only policy attached would be
/// unproven for a document the snapshot did read and found irrelevant. The filter keeps every
/// document that can allow or deny a SageMaker action or a data-carrying write, which is all
/// the analysis asks of a role's identity policies, so without the dropped ones each answer
/// stays the same.
fn forget_dropped(m: &mut Model, dropped: &BTreeSet<String>) {
    if dropped.is_empty() {
        return;
    }
    for r in &mut m.resources {
        if let Kind::Role(Role {
            managed_policy_arns: Attr::Known(arns),
            ..
        }) = &mut r.kind
        {
            arns.retain(|a| a.as_str().is_none_or(|s| !dropped.contains(s)));
        }
    }
}

async fn principal(
    iam: &Client,
    account: &str,
    who: Who,
    name: String,
    arn: String,
    trust: Option<String>,
) -> Found {
    let mut f = Found::default();
    let word = who.word();
    let inline_names = match who {
        Who::Role => {
            call(
                "iam:ListRolePolicies",
                "a role's inline policies",
                &arn,
                iam.list_role_policies()
                    .role_name(&name)
                    .into_paginator()
                    .items()
                    .send()
                    .try_collect(),
            )
            .await
        }
        Who::User => {
            call(
                "iam:ListUserPolicies",
                "a user's inline policies",
                &arn,
                iam.list_user_policies()
                    .user_name(&name)
                    .into_paginator()
                    .items()
                    .send()
                    .try_collect(),
            )
            .await
        }
        Who::Group => {
            call(
                "iam:ListGroupPolicies",
                "a group's inline policies",
                &arn,
                iam.list_group_policies()
                    .group_name(&name)
                    .into_paginator()
                    .items()
                    .send()
                    .try_collect(),
            )
            .await
        }
    };
    let attached: Result<Vec<t::AttachedPolicy>, Diagnostic> = match who {
        Who::Role => {
            call(
                "iam:ListAttachedRolePolicies",
                "the managed policies attached to a role",
                &arn,
                iam.list_attached_role_policies()
                    .role_name(&name)
                    .into_paginator()
                    .items()
                    .send()
                    .try_collect(),
            )
            .await
        }
        Who::User => {
            call(
                "iam:ListAttachedUserPolicies",
                "the managed policies attached to a user",
                &arn,
                iam.list_attached_user_policies()
                    .user_name(&name)
                    .into_paginator()
                    .items()
                    .send()
                    .try_collect(),
            )
            .await
        }
        Who::Group => {
            call(
                "iam:ListAttachedGroupPolicies",
                "the managed policies attached to a group",
                &arn,
                iam.list_attached_group_policies()
                    .group_name(&name)
                    .into_paginator()
                    .items()
                    .send()
                    .try_collect(),
            )
            .await
        }
    };
    let managed: Attr<Vec<Value>> = match attached {
        Ok(list) => {
            let arns: Vec<String> = list
                .iter()
                .filter_map(|p| p.policy_arn().map(str::to_string))
                .collect();
            for p in &arns {
                f.attached.push((p.clone(), arn.clone()));
            }
            Attr::Known(arns.into_iter().map(Value::Str).collect())
        }
        Err(d) => {
            let why = d.message.clone();
            f.model.diagnostics.push(d);
            Attr::unknown(why, Some(Span::arn(&arn)))
        }
    };
    if let Who::Role = who {
        f.model.resources.push(resource(
            arn.clone(),
            name.clone(),
            "AWS::IAM::Role",
            arn.clone(),
            Kind::Role(Role {
                trust_policy: trust.as_deref().map(|t| doc_value(Some(t), &arn, account)),
                managed_policy_arns: managed,
            }),
        ));
    }
    match inline_names {
        Ok(names) => {
            let names: Vec<String> = names;
            for policy in names {
                let got = match who {
                    Who::Role => call(
                        "iam:GetRolePolicy",
                        "an inline policy's document",
                        &arn,
                        iam.get_role_policy()
                            .role_name(&name)
                            .policy_name(&policy)
                            .send(),
                    )
                    .await
                    .map(|o| o.policy_document),
                    Who::User => call(
                        "iam:GetUserPolicy",
                        "an inline policy's document",
                        &arn,
                        iam.get_user_policy()
                            .user_name(&name)
                            .policy_name(&policy)
                            .send(),
                    )
                    .await
                    .map(|o| o.policy_document),
                    Who::Group => call(
                        "iam:GetGroupPolicy",
                        "an inline policy's document",
                        &arn,
                        iam.get_group_policy()
                            .group_name(&name)
                            .policy_name(&policy)
                            .send(),
                    )
                    .await
                    .map(|o| o.policy_document),
                };
                match got {
                    Ok(raw) => {
                        if let Ok(doc) = decode_policy_document(&raw) {
                            if !governs_sagemaker_or_data_writes(&doc) {
                                continue;
                            }
                        }
                        let id = format!("{arn}#inline/{policy}");
                        f.model.resources.push(resource(
                            id.clone(),
                            format!("{policy} (inline on {word} {name})"),
                            "AWS::IAM::Policy",
                            arn.clone(),
                            Kind::IamPolicy(IamPolicy {
                                policy_kind: PolicyKind::Identity,
                                attached_to: Attr::Known(vec![Ident::new(&arn)]),
                                document: doc_value(Some(&raw), &id, account),
                            }),
                        ));
                    }
                    Err(d) => f.model.diagnostics.push(d),
                }
            }
        }
        Err(d) => f.model.diagnostics.push(d),
    }
    f
}
