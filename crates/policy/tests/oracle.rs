//! The concrete evaluator is the oracle of the symbolic engine: for random policies and random
//! request contexts, the context lies in the symbolic "allowed" region exactly when the concrete
//! evaluator allows it. Policies may hold unresolved elements (in `Action`, `Resource` and
//! condition value lists): the region is then exact for every truth value of them, and a
//! decided answer holds for every value they could turn out to have.

use egressproof_model::Value;
use egressproof_policy::concrete::{is_allowed, Request};
use egressproof_policy::cond::{Cond, Condition, Op, SetOp};
use egressproof_policy::{parse, Answer, Policy, PolicySet, Space, RESOURCE_KEY};
use proptest::prelude::*;
use std::collections::HashMap;

const ACTIONS: &[&str] = &[
    "s3:PutObject",
    "s3:*",
    "sagemaker:Create*",
    "*",
    "sagemaker:CreatePresigned*",
];
const REQUEST_ACTIONS: &[&str] = &[
    "s3:PutObject",
    "sagemaker:CreatePresignedDomainUrl",
    "sagemaker:CreateModel",
];

/// A key, the operators that make sense on it, policy values, request values.
type KeySpec = (
    &'static str,
    Vec<&'static str>,
    Vec<&'static str>,
    Vec<&'static str>,
);

fn keys() -> Vec<KeySpec> {
    vec![
        (
            "aws:SourceIp",
            vec![
                "IpAddress",
                "NotIpAddress",
                "IpAddressIfExists",
                "NotIpAddressIfExists",
            ],
            vec![
                "203.0.113.0/24",
                "0.0.0.0/0",
                "10.0.0.0/8",
                "2001:db8::/32",
                "198.51.100.7",
            ],
            vec![
                "203.0.113.5",
                "198.51.100.7",
                "10.1.2.3",
                "8.8.8.8",
                "2001:db8::1",
                "::1",
            ],
        ),
        (
            "aws:SourceVpce",
            vec![
                "StringEquals",
                "StringNotEquals",
                "StringLike",
                "StringNotLike",
                "StringEqualsIfExists",
                "StringNotEqualsIfExists",
                "Null",
                "ForAnyValue:StringEquals",
                "ForAllValues:StringEquals",
            ],
            vec!["vpce-1", "vpce-2", "vpce-*", "*-1", "true", "false"],
            vec!["vpce-1", "vpce-2", "vpce-3", "x-1", "VPCE-1"],
        ),
        (
            "sagemaker:NetworkIsolation",
            vec![
                "Bool",
                "BoolIfExists",
                "StringEquals",
                "StringNotEquals",
                "Null",
            ],
            vec!["true", "false", "True"],
            vec!["true", "false"],
        ),
        (
            "s3:max-keys",
            vec![
                "NumericLessThan",
                "NumericGreaterThanEquals",
                "NumericEquals",
                "NumericNotEquals",
                "NumericLessThanEqualsIfExists",
            ],
            vec!["10", "20", "15.5"],
            vec!["5", "10", "12", "20", "99", "abc"],
        ),
        (
            "aws:CurrentTime",
            vec!["DateLessThan", "DateGreaterThan", "DateEquals"],
            vec!["2024-01-01T00:00:00Z", "2025-06-01"],
            vec![
                "2023-05-05T00:00:00Z",
                "2024-01-01T00:00:00Z",
                "2026-01-01T00:00:00Z",
            ],
        ),
        (
            "aws:PrincipalTag/team",
            vec![
                "StringEqualsIgnoreCase",
                "StringNotEqualsIgnoreCase",
                "StringLike",
            ],
            vec!["ML", "data*"],
            vec!["ml", "Ml", "data-eng", "other"],
        ),
        (
            "aws:PrincipalArn",
            vec!["ArnLike", "ArnNotLike", "ArnEquals"],
            vec![
                "arn:aws:iam::111122223333:role/*",
                "arn:aws:iam::*:role/admin",
            ],
            vec![
                "arn:aws:iam::111122223333:role/x",
                "arn:aws:iam::444455556666:role/admin",
            ],
        ),
    ]
}

const RESOURCES: &[&str] = &[
    "*",
    "arn:aws:s3:::data-*",
    "arn:aws:s3:::*sagemaker*",
    "arn:aws:s3:::exact",
];
const REQUEST_RESOURCES: &[&str] = &[
    "arn:aws:s3:::data-1",
    "arn:aws:s3:::my-sagemaker-x",
    "arn:aws:s3:::exact",
    "arn:aws:s3:::other",
];

#[derive(Debug, Clone)]
struct Stmt {
    deny: bool,
    not_action: bool,
    action: usize,
    /// An unresolved element added to the action list.
    action_hole: bool,
    not_resource: bool,
    resource: usize,
    /// An unresolved element added to the resource list.
    resource_hole: bool,
    /// (key, operator, values, an unresolved value added to the list).
    conds: Vec<(usize, usize, Vec<usize>, bool)>,
}

fn stmt_with(holes: f64) -> impl Strategy<Value = Stmt> {
    (
        any::<bool>(),
        prop::bool::weighted(0.2),
        0..ACTIONS.len(),
        prop::bool::weighted(holes),
        prop::bool::weighted(0.2),
        0..RESOURCES.len(),
        prop::bool::weighted(holes),
        prop::collection::vec(
            (
                0..7usize,
                0..16usize,
                prop::collection::vec(0..8usize, 1..3),
                prop::bool::weighted(holes),
            ),
            0..3,
        ),
    )
        .prop_map(
            |(
                deny,
                not_action,
                action,
                action_hole,
                not_resource,
                resource,
                resource_hole,
                conds,
            )| Stmt {
                deny,
                not_action,
                action,
                action_hole,
                not_resource,
                resource,
                resource_hole,
                conds,
            },
        )
}

fn stmt() -> impl Strategy<Value = Stmt> {
    stmt_with(0.0)
}

/// Where an unresolved element stands, and the values it could turn out to have.
#[derive(Debug, Clone)]
struct Hole {
    pool: Vec<&'static str>,
}

/// The marker of the `n`th unresolved element in the rendered JSON.
fn marker(n: usize) -> String {
    format!("\u{0}hole{n}")
}

/// The statements as a JSON document, with a marker string where each unresolved element
/// stands, and the holes in marker order.
fn render_holes(stmts: &[Stmt]) -> (serde_json::Value, Vec<Hole>) {
    let ks = keys();
    let mut holes: Vec<Hole> = Vec::new();
    let mut hole = |pool: Vec<&'static str>| {
        holes.push(Hole { pool });
        serde_json::Value::String(marker(holes.len() - 1))
    };
    let mut out = Vec::new();
    for s in stmts {
        let mut cond: HashMap<String, HashMap<String, Vec<serde_json::Value>>> = HashMap::new();
        for (k, o, vs, unresolved) in &s.conds {
            let (key, ops, vals, _) = &ks[*k];
            let op = ops[o % ops.len()];
            let mut values: Vec<serde_json::Value> =
                vs.iter().map(|v| vals[v % vals.len()].into()).collect();
            if op == "Null" {
                values = vec![if vs[0] % 2 == 0 { "true" } else { "false" }.into()];
            } else if *unresolved {
                values.push(hole(vals.clone()));
            }
            cond.entry(op.to_string())
                .or_default()
                .insert(key.to_string(), values);
        }
        let mut actions = vec![serde_json::Value::from(ACTIONS[s.action])];
        if s.action_hole {
            actions.push(hole(
                ACTIONS.iter().chain(REQUEST_ACTIONS).copied().collect(),
            ));
        }
        let mut resources = vec![serde_json::Value::from(RESOURCES[s.resource])];
        if s.resource_hole {
            resources.push(hole(
                RESOURCES.iter().chain(REQUEST_RESOURCES).copied().collect(),
            ));
        }
        let doc = serde_json::json!({
            "Effect": if s.deny { "Deny" } else { "Allow" },
            (if s.not_action { "NotAction" } else { "Action" }): actions,
            (if s.not_resource { "NotResource" } else { "Resource" }): resources,
            "Condition": cond,
        });
        out.push(doc);
    }
    (serde_json::json!({ "Statement": out }), holes)
}

fn render(stmts: &[Stmt]) -> String {
    render_holes(stmts).0.to_string()
}

/// The document as a model value, each marker replaced: by an unresolved value (`None`), or
/// by the concrete value the hole is given.
fn fill(doc: &serde_json::Value, values: Option<&[&str]>) -> Value {
    match doc {
        serde_json::Value::String(s) => match s.strip_prefix("\u{0}hole") {
            Some(n) => {
                let n: usize = n.parse().expect("marker index");
                match values {
                    None => Value::unknown(format!("hole {n}"), None),
                    Some(vs) => Value::from(vs[n]),
                }
            }
            None => Value::Str(s.clone()),
        },
        serde_json::Value::Array(items) => {
            Value::List(items.iter().map(|i| fill(i, values)).collect())
        }
        serde_json::Value::Object(m) => Value::Map(
            m.iter()
                .map(|(k, v)| (k.clone(), fill(v, values)))
                .collect(),
        ),
        other => Value::from(other.clone()),
    }
}

/// Every way to give each hole a value of its pool (at most `limit`, spread over the pools).
fn concretizations(holes: &[Hole], limit: usize) -> Vec<Vec<&'static str>> {
    let mut out: Vec<Vec<&'static str>> = vec![Vec::new()];
    for h in holes {
        let mut next = Vec::new();
        for prefix in &out {
            for v in &h.pool {
                let mut p = prefix.clone();
                p.push(*v);
                next.push(p);
            }
        }
        out = next;
        if out.len() > limit {
            // Keep an even spread: every `step`th combination.
            let step = out.len().div_ceil(limit);
            out = out.into_iter().step_by(step).collect();
        }
    }
    out
}

fn exact(op: Op, key: &str, v: &str) -> Cond {
    Cond::Test(Condition {
        op,
        set: SetOp::Single,
        if_exists: false,
        key: key.into(),
        values: vec![v.into()],
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]
    #[test]
    fn concrete_answer_lies_in_symbolic_answer(
        id in prop::collection::vec(stmt(), 1..6),
        scp in prop::collection::vec(stmt(), 0..3),
        action in 0..REQUEST_ACTIONS.len(),
        resource in 0..REQUEST_RESOURCES.len(),
        picks in prop::collection::vec(prop::option::of(0..8usize), 7),
    ) {
        let idp = parse(&Value::from(render(&id).as_str())).unwrap();
        let scpp = parse(&Value::from(render(&scp).as_str())).unwrap();
        check_region(&idp, &scpp, !scp.is_empty(), action, resource, &picks, &[])?;
    }

    /// The same with unresolved elements: the region is exact for every truth value of them.
    #[test]
    fn region_is_exact_with_unresolved_elements(
        id in prop::collection::vec(stmt_with(0.3), 1..6),
        scp in prop::collection::vec(stmt_with(0.3), 0..3),
        action in 0..REQUEST_ACTIONS.len(),
        resource in 0..REQUEST_RESOURCES.len(),
        picks in prop::collection::vec(prop::option::of(0..8usize), 7),
        truths in prop::collection::vec(any::<bool>(), 32),
    ) {
        let idp = parse(&fill(&render_holes(&id).0, None)).unwrap();
        let scpp = parse(&fill(&render_holes(&scp).0, None)).unwrap();
        check_region(&idp, &scpp, !scp.is_empty(), action, resource, &picks, &truths)?;
    }

    /// A decided answer holds whatever the unresolved elements turn out to be: an allowed
    /// answer's witness is allowed, and a denied answer stays denied, in every concretization.
    #[test]
    fn decided_answers_hold_for_every_concretization(
        id in prop::collection::vec(stmt_with(0.3), 1..5),
        scp in prop::collection::vec(stmt_with(0.3), 0..3),
        action in 0..REQUEST_ACTIONS.len(),
        question in prop::collection::vec((0..7usize, 0..16usize, prop::collection::vec(0..8usize, 1..3)), 0..3),
    ) {
        let (id_doc, id_holes) = render_holes(&id);
        let (scp_doc, scp_holes) = render_holes(&scp);
        let idp = parse(&fill(&id_doc, None)).unwrap();
        let scpp = parse(&fill(&scp_doc, None)).unwrap();
        let q = vec![question_block(&question)];
        let action = REQUEST_ACTIONS[action];
        let answer = set_of(&idp, &scpp, !scp.is_empty()).evaluate(action, &q);
        if matches!(answer, Answer::Undecided { .. }) {
            return Ok(());
        }
        let holes: Vec<Hole> = id_holes.iter().chain(&scp_holes).cloned().collect();
        for values in concretizations(&holes, 48) {
            let (a, b) = values.split_at(id_holes.len());
            let idc = parse(&fill(&id_doc, Some(a))).unwrap();
            let scpc = parse(&fill(&scp_doc, Some(b))).unwrap();
            let set = set_of(&idc, &scpc, !scp.is_empty());
            let concrete = set.evaluate(action, &q);
            match &answer {
                Answer::Denied => prop_assert_eq!(&concrete, &Answer::Denied, "with {:?}: policy {} scp {}", values, id_doc, scp_doc),
                Answer::Allowed(w) => {
                    prop_assert!(matches!(concrete, Answer::Allowed(_)), "with {:?}: {:?}: policy {} scp {}", values, concrete, id_doc, scp_doc);
                    let req = request_of(action, w);
                    prop_assert!(q[0].iter().all(|c| holds(c, &req)), "witness {:?} outside the question", w);
                    prop_assert!(is_allowed(&set, &req), "witness {:?} denied with {:?}: policy {} scp {}", w, values, id_doc, scp_doc);
                }
                Answer::Undecided { .. } => {}
            }
        }
    }
}

fn set_of<'p>(id: &'p Policy, scp: &'p Policy, with_scp: bool) -> PolicySet<'p> {
    let mut set = PolicySet {
        identity: vec![id],
        ..Default::default()
    };
    if with_scp {
        set.scps.push(scp);
    }
    set
}

/// A question block from generated (key, operator, values) triples.
fn question_block(conds: &[(usize, usize, Vec<usize>)]) -> Vec<Cond> {
    let ks = keys();
    conds
        .iter()
        // Not aws:PrincipalTag/team: a witness names only the keys egressproof models.
        .filter(|(k, _, _)| !keys()[*k].0.starts_with("aws:PrincipalTag"))
        .map(|(k, o, vs)| {
            let (key, ops, vals, _) = &ks[*k];
            let op = ops[o % ops.len()];
            let values: Vec<String> = if op == "Null" {
                vec![if vs[0] % 2 == 0 { "true" } else { "false" }.into()]
            } else {
                vs.iter()
                    .map(|v| vals[v % vals.len()].to_string())
                    .collect()
            };
            let (set, rest) = if let Some(r) = op.strip_prefix("ForAnyValue:") {
                (SetOp::ForAnyValue, r)
            } else if let Some(r) = op.strip_prefix("ForAllValues:") {
                (SetOp::ForAllValues, r)
            } else {
                (SetOp::Single, op)
            };
            let (name, if_exists) = match rest.strip_suffix("IfExists") {
                Some(n) => (n, true),
                None => (rest, false),
            };
            Cond::Test(Condition {
                op: Op::parse(name).expect("operator"),
                set,
                if_exists,
                key: key.to_lowercase(),
                values,
            })
        })
        .collect()
}

/// The request a witness describes; keys it leaves free (any value gets through) get one.
fn request_of(action: &str, w: &egressproof_policy::Witness) -> Request {
    let mut req = Request::new(action);
    for (k, v) in &w.values {
        if let Some(v) = v {
            req = req.with(k, v);
        }
    }
    for (k, v) in [
        (RESOURCE_KEY, "arn:aws:s3:::other"),
        ("aws:currenttime", "2023-05-05T00:00:00Z"),
        ("aws:principalarn", "arn:aws:iam::111122223333:role/x"),
    ] {
        if w.get(k).is_none() {
            req = req.with(k, v);
        }
    }
    req
}

fn holds(c: &Cond, req: &Request) -> bool {
    match c {
        Cond::Test(t) => t.holds_multi(req.context.get(&t.key).map(Vec::as_slice)),
        _ => false,
    }
}

/// The oracle at one request: `truths` gives the unresolved elements their truth values.
fn check_region(
    idp: &Policy,
    scpp: &Policy,
    with_scp: bool,
    action: usize,
    resource: usize,
    picks: &[Option<usize>],
    truths: &[bool],
) -> Result<(), TestCaseError> {
    {
        let set = set_of(idp, scpp, with_scp);
        let ks = keys();
        let mut req =
            Request::new(REQUEST_ACTIONS[action]).with(RESOURCE_KEY, REQUEST_RESOURCES[resource]);
        // The request's own values as extra classes, so that the point is exactly one class.
        let mut extra = vec![exact(
            Op::StringEquals,
            RESOURCE_KEY,
            REQUEST_RESOURCES[resource],
        )];
        let mut point: HashMap<String, Option<String>> = HashMap::new();
        point.insert(
            RESOURCE_KEY.into(),
            Some(REQUEST_RESOURCES[resource].into()),
        );
        for (i, pick) in picks.iter().enumerate() {
            let (key, _, _, reqvals) = &ks[i];
            let key_l = key.to_lowercase();
            // aws:CurrentTime and aws:PrincipalArn are in every request.
            let pick = if i == 4 || i == 6 {
                Some(pick.unwrap_or(0))
            } else {
                *pick
            };
            match pick {
                Some(p) => {
                    let v = reqvals[p % reqvals.len()];
                    req = req.with(key, v);
                    extra.push(if i == 0 {
                        exact(Op::IpAddress, &key_l, v)
                    } else {
                        exact(Op::StringEquals, &key_l, v)
                    });
                    point.insert(key_l, Some(v.to_string()));
                }
                None => {
                    point.insert(key_l, None);
                }
            }
        }
        let opaque: Vec<String> = idp
            .statements
            .iter()
            .chain(&scpp.statements)
            .flat_map(|s| s.opaque())
            .map(|o| o.key.clone())
            .collect();
        for (i, key) in opaque.iter().enumerate() {
            let t = if truths
                .get(i % truths.len().max(1))
                .copied()
                .unwrap_or(false)
            {
                "true"
            } else {
                "false"
            };
            req = req.with(key, t);
            point.insert(key.clone(), Some(t.to_string()));
        }
        let space = Space::build(set.conds().chain(extra.iter()));
        let allowed = set.allowed(&space, REQUEST_ACTIONS[action]).unwrap();
        let symbolic = space.contains(&allowed, &point);
        prop_assert!(
            symbolic.is_some(),
            "the request is not a class of the space: {point:?}"
        );
        prop_assert_eq!(
            symbolic.unwrap(),
            is_allowed(&set, &req),
            "policy {:?} scp {:?} request {:?}",
            idp,
            scpp,
            req
        );
    }
    Ok(())
}
