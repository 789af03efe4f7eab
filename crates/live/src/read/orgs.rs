//! Service control policies, where the account can read them (the management account or a
//! delegated administrator).
//!
//! When they cannot be read, the snapshot says so in a note instead of an EP904 unknown: an SCP
//! can only deny, so a snapshot without SCPs can only show more findings than the account has,
//! never fewer. Every member account would otherwise be `unproven` for a reason it cannot fix.

use super::{call, each_collect, failed, resource, Ctx};
use crate::decode_policy_document;
use aws_sdk_organizations::error::ProvideErrorMetadata;
use aws_sdk_organizations::types as t;
use aws_sdk_organizations::Client;
use egressproof_model::{Attr, IamPolicy, Ident, Kind, Model, PolicyKind, Span, Value};

pub(super) async fn read(c: &Ctx, org: &Client) -> Model {
    let mut m = Model::default();
    let scope = format!("arn:{}:organizations::{}:policy/*", c.partition, c.account);
    let listed = org
        .list_policies()
        .filter(t::PolicyType::ServiceControlPolicy)
        .into_paginator()
        .send()
        .try_collect()
        .await;
    let list: Vec<t::PolicySummary> = match listed {
        Ok(pages) => pages
            .into_iter()
            .flat_map(|p| p.policies.unwrap_or_default())
            .collect(),
        Err(e) => {
            match e.code() {
                Some("AWSOrganizationsNotInUseException") => m
                    .notes
                    .push("the account is not in an organization: no service control policies apply".into()),
                Some("AccessDeniedException" | "AccessDenied") => m.notes.push(
                    "service control policies could not be read from this account (AccessDenied): \
                     guardrails they may add are not in the scan, so findings can only be more, not fewer"
                        .into(),
                ),
                _ => m.diagnostics.push(failed(
                    "organizations:ListPolicies",
                    "service control policies",
                    &scope,
                    &super::why(&e),
                )),
            }
            return m;
        }
    };
    let items: Vec<(String, String, String)> = list
        .into_iter()
        .filter_map(|p| Some((p.id?, p.arn.unwrap_or_default(), p.name.unwrap_or_default())))
        .collect();
    let client = org.clone();
    let account = c.account.clone();
    let (found, diags) = each_collect(items, c.limit, move |(id, arn, name)| {
        let org = client.clone();
        let account = account.clone();
        async move {
            let mut out = Model::default();
            let scope = if arn.is_empty() {
                id.clone()
            } else {
                arn.clone()
            };
            let (content, targets) = tokio::join!(
                call(
                    "organizations:DescribePolicy",
                    "a service control policy's document",
                    &scope,
                    org.describe_policy().policy_id(&id).send()
                ),
                call(
                    "organizations:ListTargetsForPolicy",
                    "the accounts and OUs a service control policy applies to",
                    &scope,
                    org.list_targets_for_policy()
                        .policy_id(&id)
                        .into_paginator()
                        .send()
                        .try_collect()
                ),
            );
            let document = match content {
                Ok(o) => match o
                    .policy()
                    .and_then(|p| p.content())
                    .map(decode_policy_document)
                {
                    Some(Ok(doc)) => crate::symbolise_account(doc, &account),
                    Some(Err(why)) => Value::unknown(why, Some(Span::arn(&scope))),
                    None => Value::unknown(
                        "the API returned no policy content",
                        Some(Span::arn(&scope)),
                    ),
                },
                Err(d) => {
                    let why = d.message.clone();
                    out.diagnostics.push(d);
                    Value::unknown(why, Some(Span::arn(&scope)))
                }
            };
            let attached_to = match targets {
                Ok(pages) => {
                    let list: Vec<t::PolicyTargetSummary> = pages
                        .into_iter()
                        .flat_map(|p| p.targets.unwrap_or_default())
                        .collect();
                    Attr::Known(
                        list.iter()
                            .filter_map(|t| t.target_id())
                            .map(Ident::new)
                            .collect(),
                    )
                }
                Err(d) => {
                    let why = d.message.clone();
                    out.diagnostics.push(d);
                    Attr::unknown(why, Some(Span::arn(&scope)))
                }
            };
            out.resources.push(resource(
                scope.clone(),
                name,
                "AWS::Organizations::Policy",
                scope,
                Kind::IamPolicy(IamPolicy {
                    policy_kind: PolicyKind::ServiceControl,
                    attached_to,
                    document,
                }),
            ));
            out
        }
    })
    .await;
    m.diagnostics.extend(diags);
    for f in found {
        m.extend(f);
    }
    m
}
