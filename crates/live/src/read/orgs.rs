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
use egressproof_model::{
    Account, Attr, IamPolicy, Ident, Kind, Model, OrganizationalUnit, PolicyKind, Span, Value,
};
use std::collections::HashMap;

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

/// The organization's tree: roots, OUs and accounts with their parents, as model resources (the
/// path along which service control policies apply), and as a map for selecting accounts.
#[derive(Clone, Debug, Default)]
pub(crate) struct Tree {
    pub model: Model,
    pub roots: Vec<String>,
    /// Child (OU or account) to parent (OU or root).
    pub parents: HashMap<String, String>,
    /// Every listing answered: a selection by OU can be trusted.
    pub complete: bool,
}

impl Tree {
    /// The accounts under `node` at any depth.
    pub fn accounts_under(&self, node: &str) -> Vec<String> {
        self.parents
            .keys()
            .filter(|child| child.bytes().all(|b| b.is_ascii_digit()))
            .filter(|account| {
                let mut at = account.as_str();
                // Organizations nests OUs five deep: the bound only guards against a cycle.
                for _ in 0..64 {
                    let Some(parent) = self.parents.get(at) else {
                        return false;
                    };
                    if parent == node {
                        return true;
                    }
                    at = parent;
                }
                false
            })
            .cloned()
            .collect()
    }
}

/// Reads the tree level by level: the roots, then each level's OUs and accounts.
pub(super) async fn tree(c: &Ctx, org: &Client) -> Tree {
    let mut t = Tree {
        complete: true,
        ..Tree::default()
    };
    let scope = format!("arn:{}:organizations::{}:root/*", c.partition, c.account);
    let roots = call(
        "organizations:ListRoots",
        "the organization's roots",
        &scope,
        org.list_roots().into_paginator().send().try_collect(),
    )
    .await;
    let mut level: Vec<String> = match roots {
        Ok(pages) => pages
            .into_iter()
            .flat_map(|p| p.roots.unwrap_or_default())
            .filter_map(|r| r.id)
            .collect(),
        Err(d) => {
            t.model.diagnostics.push(d);
            t.complete = false;
            return t;
        }
    };
    for root in &level {
        t.roots.push(root.clone());
        t.model.resources.push(node(c, root, root, None));
    }
    // Five levels of OUs below the root; the bound only guards against an answer that loops.
    for _ in 0..8 {
        if level.is_empty() {
            break;
        }
        let client = org.clone();
        let ctx = c.clone();
        let (found, diags) = each_collect(level, c.limit, move |parent: String| {
            let org = client.clone();
            let scope = format!(
                "arn:{}:organizations::{}:ou/{parent}",
                ctx.partition, ctx.account
            );
            async move {
                let (ous, accounts) = tokio::join!(
                    call(
                        "organizations:ListOrganizationalUnitsForParent",
                        "the OUs of the organization's tree",
                        &scope,
                        org.list_organizational_units_for_parent()
                            .parent_id(&parent)
                            .into_paginator()
                            .send()
                            .try_collect()
                    ),
                    call(
                        "organizations:ListAccountsForParent",
                        "where the organization's accounts sit in its tree",
                        &scope,
                        org.list_accounts_for_parent()
                            .parent_id(&parent)
                            .into_paginator()
                            .send()
                            .try_collect()
                    ),
                );
                (parent, ous, accounts)
            }
        })
        .await;
        t.model.diagnostics.extend(diags);
        let mut next = Vec::new();
        for (parent, ous, accounts) in found {
            match ous {
                Ok(pages) => {
                    let list = pages
                        .into_iter()
                        .flat_map(|p| p.organizational_units.unwrap_or_default());
                    for ou in list {
                        let Some(id) = ou.id() else { continue };
                        let name = ou.name().unwrap_or(id);
                        t.model.resources.push(node(c, id, name, Some(&parent)));
                        t.parents.insert(id.to_string(), parent.clone());
                        next.push(id.to_string());
                    }
                }
                Err(d) => {
                    t.model.diagnostics.push(d);
                    t.complete = false;
                }
            }
            match accounts {
                Ok(pages) => {
                    let list = pages
                        .into_iter()
                        .flat_map(|p| p.accounts.unwrap_or_default());
                    for a in list {
                        let Some(id) = a.id() else { continue };
                        let name = a.name().unwrap_or(id);
                        t.model.resources.push(account(c, id, name, &parent));
                        t.parents.insert(id.to_string(), parent.clone());
                    }
                }
                Err(d) => {
                    t.model.diagnostics.push(d);
                    t.complete = false;
                }
            }
        }
        level = next;
    }
    t
}

/// A root (no parent) or an OU.
fn node(c: &Ctx, id: &str, name: &str, parent: Option<&str>) -> egressproof_model::Resource {
    let (what, type_name) = if parent.is_none() {
        ("root", "AWS::Organizations::Root")
    } else {
        ("ou", "AWS::Organizations::OrganizationalUnit")
    };
    resource(
        id,
        name,
        type_name,
        format!(
            "arn:{}:organizations::{}:{what}/{id}",
            c.partition, c.account
        ),
        Kind::OrganizationalUnit(OrganizationalUnit {
            parent: parent.map(|p| Attr::Known(Ident::new(p))),
        }),
    )
}

/// A member account in its place in the tree; its ID is the resource's, as SCP targets name it.
fn account(c: &Ctx, id: &str, name: &str, parent: &str) -> egressproof_model::Resource {
    let mut r = resource(
        id,
        format!("{name} ({id})"),
        "AWS::Organizations::Account",
        format!(
            "arn:{}:organizations::{}:account/{id}",
            c.partition, c.account
        ),
        Kind::Account(Account {
            account_id: Some(Attr::Known(id.to_string())),
            parents: Attr::Known(vec![Ident::new(parent)]),
        }),
    );
    r.account = Some(id.to_string());
    r
}
