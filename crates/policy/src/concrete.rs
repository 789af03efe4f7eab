//! The concrete evaluator: one request in, allowed or not out.
//!
//! It follows IAM's evaluation logic directly (an explicit deny wins; an identity or resource
//! policy must allow; SCPs and permissions boundaries, when present, must allow too) and serves
//! as the oracle of the symbolic engine in the property tests: whatever a concrete request gets,
//! the symbolic answer must contain.

use crate::cond::Cond;
use crate::parse::{Coverage, Effect, Policy};
use crate::symbolic::PolicySet;
use std::collections::HashMap;

/// One request: the action and the context keys present (lower-cased names; several values for
/// a multivalued key). The resource and principal go under [`crate::RESOURCE_KEY`] and
/// [`crate::PRINCIPAL_KEY`]; an opaque condition reads its pseudo key (`"true"` holds).
#[derive(Clone, Debug, Default)]
pub struct Request {
    pub action: String,
    pub context: HashMap<String, Vec<String>>,
}

impl Request {
    pub fn new(action: impl Into<String>) -> Self {
        Request {
            action: action.into(),
            context: HashMap::new(),
        }
    }

    pub fn with(mut self, key: &str, value: &str) -> Self {
        self.context
            .entry(key.to_lowercase())
            .or_default()
            .push(value.to_string());
        self
    }
}

/// The truth of a guard for one request (an opaque condition reads its pseudo key).
fn holds(c: &Cond, req: &Request) -> bool {
    match c {
        Cond::Test(t) => t.holds_multi(req.context.get(&t.key).map(Vec::as_slice)),
        Cond::Opaque(o) => req
            .context
            .get(&o.key)
            .is_some_and(|v| v.iter().any(|x| x == "true")),
        Cond::Any(alts) => alts.iter().any(|a| holds(a, req)),
    }
}

fn applies(p: &Policy, effect: Effect, req: &Request) -> bool {
    p.statements.iter().any(|s| {
        let covered = match s.actions.coverage(&req.action) {
            Coverage::Yes => true,
            Coverage::No => false,
            Coverage::Maybe(hole) => holds(hole, req),
        };
        s.effect == effect && covered && s.conds.iter().all(|c| holds(c, req))
    })
}

/// IAM's decision for one request.
pub fn is_allowed(set: &PolicySet<'_>, req: &Request) -> bool {
    let all = set
        .identity
        .iter()
        .chain(&set.resource)
        .chain(&set.scps)
        .chain(&set.boundaries);
    if all.clone().any(|p| applies(p, Effect::Deny, req)) {
        return false;
    }
    let allowed = set
        .identity
        .iter()
        .chain(&set.resource)
        .any(|p| applies(p, Effect::Allow, req));
    let scps_allow_anything = set
        .scps
        .iter()
        .any(|p| p.statements.iter().any(|s| s.effect == Effect::Allow));
    let scp_ok = !scps_allow_anything || set.scps.iter().any(|p| applies(p, Effect::Allow, req));
    let boundary_ok = set.boundaries.is_empty()
        || set
            .boundaries
            .iter()
            .any(|p| applies(p, Effect::Allow, req));
    allowed && scp_ok && boundary_ok
}
