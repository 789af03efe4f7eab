//! The concrete evaluator is the oracle of the symbolic engine: for random policies and random
//! request contexts, the context lies in the symbolic "allowed" region exactly when the concrete
//! evaluator allows it.

use egressproof_model::Value;
use egressproof_policy::concrete::{is_allowed, Request};
use egressproof_policy::cond::{Cond, Condition, Op, SetOp};
use egressproof_policy::{parse, PolicySet, Space, RESOURCE_KEY};
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
    not_resource: bool,
    resource: usize,
    conds: Vec<(usize, usize, Vec<usize>)>,
}

fn stmt() -> impl Strategy<Value = Stmt> {
    (
        any::<bool>(),
        prop::bool::weighted(0.2),
        0..ACTIONS.len(),
        prop::bool::weighted(0.2),
        0..RESOURCES.len(),
        prop::collection::vec(
            (
                0..7usize,
                0..16usize,
                prop::collection::vec(0..8usize, 1..3),
            ),
            0..3,
        ),
    )
        .prop_map(
            |(deny, not_action, action, not_resource, resource, conds)| Stmt {
                deny,
                not_action,
                action,
                not_resource,
                resource,
                conds,
            },
        )
}

fn render(stmts: &[Stmt]) -> String {
    let ks = keys();
    let mut out = Vec::new();
    for s in stmts {
        let mut cond: HashMap<String, HashMap<String, Vec<String>>> = HashMap::new();
        for (k, o, vs) in &s.conds {
            let (key, ops, vals, _) = &ks[*k];
            let op = ops[o % ops.len()];
            let values: Vec<String> = vs
                .iter()
                .map(|v| vals[v % vals.len()].to_string())
                .collect();
            let values = if op == "Null" {
                vec![if vs[0] % 2 == 0 {
                    "true".into()
                } else {
                    "false".into()
                }]
            } else {
                values
            };
            cond.entry(op.to_string())
                .or_default()
                .insert(key.to_string(), values);
        }
        let doc = serde_json::json!({
            "Effect": if s.deny { "Deny" } else { "Allow" },
            (if s.not_action { "NotAction" } else { "Action" }): ACTIONS[s.action],
            (if s.not_resource { "NotResource" } else { "Resource" }): RESOURCES[s.resource],
            "Condition": cond,
        });
        out.push(doc);
    }
    serde_json::json!({ "Statement": out }).to_string()
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
        let mut set = PolicySet { identity: vec![&idp], ..Default::default() };
        if !scp.is_empty() { set.scps.push(&scpp); }
        let ks = keys();
        let mut req = Request::new(REQUEST_ACTIONS[action]).with(RESOURCE_KEY, REQUEST_RESOURCES[resource]);
        // The request's own values as extra classes, so that the point is exactly one class.
        let mut extra = vec![exact(Op::StringEquals, RESOURCE_KEY, REQUEST_RESOURCES[resource])];
        let mut point: HashMap<String, Option<String>> = HashMap::new();
        point.insert(RESOURCE_KEY.into(), Some(REQUEST_RESOURCES[resource].into()));
        for (i, pick) in picks.iter().enumerate() {
            let (key, _, _, reqvals) = &ks[i];
            let key_l = key.to_lowercase();
            // aws:CurrentTime and aws:PrincipalArn are in every request.
            let pick = if i == 4 || i == 6 { Some(pick.unwrap_or(0)) } else { *pick };
            match pick {
                Some(p) => {
                    let v = reqvals[p % reqvals.len()];
                    req = req.with(key, v);
                    extra.push(if i == 0 { exact(Op::IpAddress, &key_l, v) } else { exact(Op::StringEquals, &key_l, v) });
                    point.insert(key_l, Some(v.to_string()));
                }
                None => { point.insert(key_l, None); }
            }
        }
        let space = Space::build(set.conds().chain(extra.iter()));
        let allowed = set.allowed(&space, REQUEST_ACTIONS[action]).unwrap();
        let symbolic = space.contains(&allowed, &point);
        prop_assert!(symbolic.is_some(), "the request is not a class of the space: {point:?}");
        prop_assert_eq!(symbolic.unwrap(), is_allowed(&set, &req), "policy {} scp {} request {:?}", render(&id), render(&scp), req);
    }
}
