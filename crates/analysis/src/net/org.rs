//! The organization's tree (root, OUs, accounts) and whom a service control policy reaches.
//!
//! An SCP attached to the root applies to every account; attached to an OU, to the accounts
//! under it at any depth; attached to an account, to that account. When the scan holds the tree
//! and the workloads' account is known (a snapshot says whose resources it read), an SCP whose
//! targets do not cover that account does not apply. Targets that are unresolved make the SCP
//! apply only maybe, never certainly: its Deny cannot be counted on. Without the tree, or when
//! the account is not known (a template deploys into an account it does not name), an SCP of
//! the scan is taken as applying, and EP401 states that assumption.
//!
//! The tree walk is bounded: each node is visited once, so a cycle in bad input ends.

use crate::Context;
use egressproof_model::{Attr, Ident, Kind, Resource};
use std::collections::{HashMap, HashSet};

/// Whether an SCP reaches the workloads' account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Coverage {
    Applies,
    DoesNot,
    /// Only maybe, for the reason given.
    Maybe(String),
}

/// The tree as the scan holds it.
pub(crate) struct Org<'m> {
    /// The roots, OUs and accounts of the scan, by identifier.
    nodes: HashMap<&'m str, &'m Resource>,
    /// Account resources by their account ID.
    accounts: HashMap<&'m str, &'m Resource>,
    /// Whether the scan holds any part of a tree (an OU, a root or an account).
    has_tree: bool,
}

/// Whether an identifier names an organization's root: a literal root ID, or a root resource.
fn is_root(id: &Ident, nodes: &HashMap<&str, &Resource>) -> bool {
    if id.as_str().starts_with("r-") {
        return true;
    }
    matches!(node(id, nodes).map(|r| &r.kind), Some(Kind::OrganizationalUnit(ou)) if ou.parent.is_none())
}

/// The node an identifier names: itself, or the resource whose attribute it is
/// (`!GetAtt Organization.RootId`).
fn node<'m>(id: &Ident, nodes: &HashMap<&str, &'m Resource>) -> Option<&'m Resource> {
    nodes.get(id.as_str()).copied().or_else(|| {
        id.split_attribute()
            .and_then(|(o, _)| nodes.get(o.as_str()).copied())
    })
}

impl<'m> Org<'m> {
    pub(crate) fn of(ctx: &Context<'m>) -> Org<'m> {
        let mut accounts = HashMap::new();
        let mut nodes = HashMap::new();
        for r in ctx.resources() {
            match &r.kind {
                Kind::Account(a) => {
                    nodes.insert(r.id.as_str(), r);
                    if let Some(Attr::Known(id)) = &a.account_id {
                        accounts.insert(id.as_str(), r);
                    }
                }
                Kind::OrganizationalUnit(_) => {
                    nodes.insert(r.id.as_str(), r);
                }
                _ => {}
            }
        }
        Org {
            has_tree: !nodes.is_empty(),
            nodes,
            accounts,
        }
    }

    /// The account the workloads of the scan run in, when every workload says the same one.
    pub(crate) fn workloads_account(ctx: &Context<'m>) -> Option<&'m str> {
        let mut found: Option<&'m str> = None;
        for w in ctx.workloads() {
            match (w.account.as_deref(), found) {
                (None, _) => return None,
                (Some(a), None) => found = Some(a),
                (Some(a), Some(b)) if a != b => return None,
                _ => {}
            }
        }
        found
    }

    /// Whether an SCP with these targets reaches `account`.
    pub(crate) fn covers(&self, targets: Option<&[Ident]>, account: Option<&str>) -> Coverage {
        let Some(targets) = targets else {
            return Coverage::Maybe("its targets are unresolved".into());
        };
        let (Some(account), true) = (account, self.has_tree) else {
            return Coverage::Applies;
        };
        if targets.is_empty() {
            return Coverage::Applies;
        }
        let mut reached: HashSet<Ident> = HashSet::new();
        let mut open = false;
        match self.accounts.get(account) {
            Some(node) => {
                reached.insert(node.id.clone());
                open |= self.ancestors(node, &mut reached);
            }
            None => open = true,
        }
        for t in targets {
            let named = node(t, &self.nodes).is_some_and(|n| reached.contains(&n.id));
            if t.as_str() == account || is_root(t, &self.nodes) || reached.contains(t) || named {
                return Coverage::Applies;
            }
        }
        if open {
            Coverage::Maybe(format!(
                "where account {account} sits in the organization is not fully in the scan"
            ))
        } else {
            Coverage::DoesNot
        }
    }

    /// Adds every node above `node` to `reached`; true when some parent is not in the scan or
    /// unresolved (the walk cannot say what lies above it).
    fn ancestors(&self, start: &Resource, reached: &mut HashSet<Ident>) -> bool {
        let mut open = false;
        let mut todo: Vec<&Resource> = vec![start];
        while let Some(n) = todo.pop() {
            let parents: Vec<Ident> = match &n.kind {
                Kind::Account(a) => match &a.parents {
                    Attr::Known(ps) => ps.clone(),
                    Attr::Unknown(_) => {
                        open = true;
                        Vec::new()
                    }
                },
                Kind::OrganizationalUnit(ou) => match &ou.parent {
                    None => Vec::new(),
                    Some(Attr::Known(p)) => vec![p.clone()],
                    Some(Attr::Unknown(_)) => {
                        open = true;
                        Vec::new()
                    }
                },
                _ => Vec::new(),
            };
            for p in parents {
                if !reached.insert(p.clone()) {
                    continue;
                }
                match node(&p, &self.nodes) {
                    Some(r) => {
                        reached.insert(r.id.clone());
                        todo.push(r);
                    }
                    None if p.as_str().starts_with("r-") => {}
                    None => open = true,
                }
            }
        }
        open
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Options;
    use egressproof_model::{Account, Model, OrganizationalUnit, Span};

    fn add(m: &mut Model, id: &str, kind: Kind) {
        m.resources.push(Resource::new(
            Ident::new(id),
            id,
            "AWS::Organizations::OrganizationalUnit",
            Span::default(),
            kind,
        ));
    }

    fn ou(parent: Option<&str>) -> Kind {
        Kind::OrganizationalUnit(OrganizationalUnit {
            parent: parent.map(|p| Attr::Known(Ident::new(p))),
        })
    }

    /// root ─ Workloads ─ account 111122223333; root ─ Sandbox; a workload of that account.
    fn tree() -> Model {
        let mut m = Model::default();
        add(&mut m, "Root", ou(None));
        add(&mut m, "Workloads", ou(Some("Root")));
        add(&mut m, "Sandbox", ou(Some("Root")));
        add(&mut m, "Loop1", ou(Some("Loop2")));
        add(&mut m, "Loop2", ou(Some("Loop1")));
        add(
            &mut m,
            "Risk",
            Kind::Account(Account {
                account_id: Some(Attr::Known("111122223333".into())),
                parents: Attr::Known(vec![Ident::new("Workloads")]),
            }),
        );
        add(
            &mut m,
            "Lost",
            Kind::Account(Account {
                account_id: Some(Attr::Known("222233334444".into())),
                parents: Attr::Known(vec![Ident::new("Loop1")]),
            }),
        );
        m
    }

    fn ids(list: &[&str]) -> Vec<Ident> {
        list.iter().map(|s| Ident::new(*s)).collect()
    }

    #[test]
    fn an_scp_reaches_the_accounts_under_its_targets_only() {
        let m = tree();
        let options = Options::default();
        let ctx = Context::new(&m, &options);
        let org = Org::of(&ctx);
        let risk = Some("111122223333");
        let covers = |t: &[&str], a| org.covers(Some(&ids(t)), a);
        assert_eq!(covers(&["Workloads"], risk), Coverage::Applies);
        assert_eq!(covers(&["Root"], risk), Coverage::Applies);
        assert_eq!(covers(&["r-ab12"], risk), Coverage::Applies);
        assert_eq!(covers(&["111122223333"], risk), Coverage::Applies);
        assert_eq!(covers(&["Risk"], risk), Coverage::Applies);
        assert_eq!(covers(&["Sandbox"], risk), Coverage::DoesNot);
        assert_eq!(covers(&["Sandbox", "Workloads"], risk), Coverage::Applies);
        // An account the tree does not hold, or a template's unnamed account.
        assert!(matches!(
            covers(&["Sandbox"], Some("999999999999")),
            Coverage::Maybe(_)
        ));
        assert_eq!(covers(&["Sandbox"], None), Coverage::Applies);
        // Unresolved targets: maybe, never certainly.
        assert!(matches!(org.covers(None, risk), Coverage::Maybe(_)));
        // A cycle in the tree ends, and the account under it is not under Sandbox.
        assert_eq!(
            covers(&["Sandbox"], Some("222233334444")),
            Coverage::DoesNot
        );
        assert_eq!(covers(&["Loop2"], Some("222233334444")), Coverage::Applies);
    }

    #[test]
    fn without_a_tree_every_scp_of_the_scan_applies() {
        let m = Model::default();
        let options = Options::default();
        let ctx = Context::new(&m, &options);
        let org = Org::of(&ctx);
        assert_eq!(
            org.covers(Some(&ids(&["ou-ab12-x"])), Some("111122223333")),
            Coverage::Applies
        );
    }
}
