//! The two endpoint-policy questions the network rules ask (EP301, EP302), on policies written
//! the ways real templates write them.

use egressproof_model::{Pseudo, Symbol, Value};
use egressproof_policy::{foreign_use, s3_foreign_write, Exposure, Ours};

fn account() -> Value {
    Value::symbol(Symbol::Pseudo(Pseudo::AccountId))
}

fn policy(action: &str, resource: Value, condition: Option<Value>) -> Value {
    let mut statement = serde_json::json!({"Effect": "Allow", "Principal": "*", "Action": action});
    let mut st = Value::from(statement.take());
    if let Value::Map(m) = &mut st {
        m.insert("Resource".into(), resource);
        if let Some(c) = condition {
            m.insert("Condition".into(), c);
        }
    }
    let mut doc = indexmap::IndexMap::new();
    doc.insert("Version".to_string(), Value::from("2012-10-17"));
    doc.insert("Statement".to_string(), Value::List(vec![st]));
    Value::Map(doc)
}

fn string_equals(pairs: &[(&str, Value)]) -> Value {
    let mut inner = indexmap::IndexMap::new();
    for (k, v) in pairs {
        inner.insert(k.to_string(), v.clone());
    }
    let mut outer = indexmap::IndexMap::new();
    outer.insert("StringEquals".to_string(), Value::Map(inner));
    Value::Map(outer)
}

fn is_open(e: &Exposure) -> bool {
    matches!(e, Exposure::Open { .. })
}

#[test]
fn default_policies_are_open() {
    assert!(is_open(&s3_foreign_write(None, &Ours::default())));
    assert!(is_open(&foreign_use(None, &Ours::default())));
}

#[test]
fn full_access_statement_without_conditions_is_open() {
    let p = policy("*", Value::from("*"), None);
    assert!(is_open(&s3_foreign_write(Some(&p), &Ours::default())));
    assert!(is_open(&foreign_use(Some(&p), &Ours::default())));
}

#[test]
fn account_conditions_close_both_questions() {
    let cond = string_equals(&[
        ("aws:ResourceAccount", account()),
        ("aws:PrincipalAccount", account()),
    ]);
    let p = policy("*", Value::from("*"), Some(cond));
    assert_eq!(
        s3_foreign_write(Some(&p), &Ours::default()),
        Exposure::Closed
    );
    assert_eq!(foreign_use(Some(&p), &Ours::default()), Exposure::Closed);
}

#[test]
fn organization_conditions_close_both_questions() {
    let org = Value::from("o-a1b2c3d4e5");
    let cond = string_equals(&[
        ("aws:ResourceOrgID", org.clone()),
        ("aws:PrincipalOrgID", org),
    ]);
    let p = policy("*", Value::from("*"), Some(cond));
    assert_eq!(
        s3_foreign_write(Some(&p), &Ours::default()),
        Exposure::Closed
    );
    assert_eq!(foreign_use(Some(&p), &Ours::default()), Exposure::Closed);
}

#[test]
fn principal_condition_alone_leaves_foreign_resources_open() {
    let cond = string_equals(&[("aws:PrincipalAccount", account())]);
    let p = policy("*", Value::from("*"), Some(cond));
    assert!(is_open(&foreign_use(Some(&p), &Ours::default())));
}

#[test]
fn bucket_name_wildcard_is_open() {
    let resource = Value::List(vec![
        Value::from("arn:aws:s3:::*sagemaker*"),
        Value::from("arn:aws:s3:::*sagemaker*/*"),
    ]);
    let p = policy("s3:*", resource, None);
    assert!(is_open(&s3_foreign_write(Some(&p), &Ours::default())));
}

#[test]
fn unresolved_account_is_undecided_not_closed() {
    let cond = string_equals(&[
        (
            "aws:ResourceAccount",
            Value::unknown("parameter Account has no value", None),
        ),
        ("aws:PrincipalAccount", account()),
    ]);
    let p = policy("*", Value::from("*"), Some(cond));
    assert!(matches!(
        s3_foreign_write(Some(&p), &Ours::default()),
        Exposure::Undecided { .. }
    ));
}

/// A statement built from parts, each element a value (a literal or an unresolved one).
fn statement(effect: &str, parts: &[(&str, Value)]) -> Value {
    let mut m = indexmap::IndexMap::new();
    m.insert("Effect".to_string(), Value::from(effect));
    for (k, v) in parts {
        m.insert(k.to_string(), v.clone());
    }
    Value::Map(m)
}

fn document(statements: Vec<Value>) -> Value {
    let mut doc = indexmap::IndexMap::new();
    doc.insert("Version".to_string(), Value::from("2012-10-17"));
    doc.insert("Statement".to_string(), Value::List(statements));
    Value::Map(doc)
}

fn unresolved(name: &str) -> Value {
    Value::unknown(format!("parameter {name} has no value"), None)
}

fn list(items: Vec<Value>) -> Value {
    Value::List(items)
}

fn ours_with(bucket: &str) -> Ours {
    Ours {
        buckets: vec![Value::from(bucket)],
        ..Ours::default()
    }
}

// Three-valued lists: an element of `Resource`, `Action`, `Principal` or a condition's values
// that is unresolved is unknown, and `true OR unknown` is true, `false AND unknown` false.

#[test]
fn resource_list_with_an_unresolved_element_and_a_bucket_wildcard_is_open() {
    let p = document(vec![statement(
        "Allow",
        &[
            ("Principal", Value::from("*")),
            ("Action", Value::from("s3:PutObject")),
            (
                "Resource",
                list(vec![
                    unresolved("DataBucketArn"),
                    Value::from("arn:aws:s3:::*sagemaker*/*"),
                ]),
            ),
        ],
    )]);
    assert!(is_open(&s3_foreign_write(Some(&p), &Ours::default())));
}

#[test]
fn resource_list_with_an_unresolved_element_and_our_bucket_is_undecided() {
    let p = document(vec![statement(
        "Allow",
        &[
            ("Principal", Value::from("*")),
            ("Action", Value::from("s3:PutObject")),
            (
                "Resource",
                list(vec![
                    unresolved("DataBucketArn"),
                    Value::from("arn:aws:s3:::ml-models/*"),
                ]),
            ),
        ],
    )]);
    assert!(matches!(
        s3_foreign_write(Some(&p), &ours_with("ml-models")),
        Exposure::Undecided { .. }
    ));
}

#[test]
fn deny_whose_action_list_has_an_unresolved_element_still_denies_what_it_names() {
    let allow = statement(
        "Allow",
        &[
            ("Principal", Value::from("*")),
            ("Action", Value::from("s3:*")),
            ("Resource", Value::from("*")),
        ],
    );
    let deny = statement(
        "Deny",
        &[
            ("Principal", Value::from("*")),
            (
                "Action",
                list(vec![Value::from("s3:PutObject"), unresolved("Extra")]),
            ),
            ("Resource", Value::from("*")),
            (
                "Condition",
                string_not_equals(&[("aws:ResourceAccount", account())]),
            ),
        ],
    );
    let p = document(vec![allow.clone(), deny]);
    assert_eq!(
        s3_foreign_write(Some(&p), &Ours::default()),
        Exposure::Closed
    );
    // An allow whose action list names the action is open whatever the other element is.
    let allow_listed = statement(
        "Allow",
        &[
            ("Principal", Value::from("*")),
            (
                "Action",
                list(vec![unresolved("Extra"), Value::from("s3:PutObject")]),
            ),
            ("Resource", Value::from("*")),
        ],
    );
    assert!(is_open(&s3_foreign_write(
        Some(&document(vec![allow_listed])),
        &Ours::default()
    )));
}

#[test]
fn deny_with_an_unresolved_element_makes_an_allow_undecided_never_denied() {
    let allow = statement(
        "Allow",
        &[
            ("Principal", Value::from("*")),
            ("Action", Value::from("s3:*")),
            ("Resource", Value::from("*")),
        ],
    );
    // Denied unless the bucket's account is ours or the unresolved one: the unresolved account
    // may be another's.
    let deny = statement(
        "Deny",
        &[
            ("Principal", Value::from("*")),
            ("Action", Value::from("s3:*")),
            ("Resource", Value::from("*")),
            (
                "Condition",
                string_not_equals(&[(
                    "aws:ResourceAccount",
                    list(vec![account(), unresolved("PartnerAccount")]),
                )]),
            ),
        ],
    );
    assert!(matches!(
        s3_foreign_write(Some(&document(vec![allow, deny])), &Ours::default()),
        Exposure::Undecided { .. }
    ));
}

#[test]
fn principal_list_with_an_unresolved_element_and_a_star_is_open() {
    let mut principal = indexmap::IndexMap::new();
    principal.insert(
        "AWS".to_string(),
        list(vec![unresolved("TrustedRole"), Value::from("*")]),
    );
    let p = document(vec![statement(
        "Allow",
        &[
            ("Principal", Value::Map(principal)),
            ("Action", Value::from("*")),
            ("Resource", Value::from("*")),
        ],
    )]);
    assert!(is_open(&foreign_use(Some(&p), &Ours::default())));
}

#[test]
fn condition_values_are_ored_with_the_unresolved_one() {
    // StringLike on the resource's account: `*` matches every account, whatever the other value.
    let mut like = indexmap::IndexMap::new();
    let mut keys = indexmap::IndexMap::new();
    keys.insert(
        "aws:ResourceAccount".to_string(),
        list(vec![unresolved("Account"), Value::from("*")]),
    );
    like.insert("StringLike".to_string(), Value::Map(keys));
    let p = document(vec![statement(
        "Allow",
        &[
            ("Principal", Value::from("*")),
            ("Action", Value::from("s3:PutObject")),
            ("Resource", Value::from("*")),
            ("Condition", Value::Map(like)),
        ],
    )]);
    assert!(is_open(&s3_foreign_write(Some(&p), &Ours::default())));
    // The same with our account only: the unresolved value may be another account.
    let cond = string_equals(&[(
        "aws:ResourceAccount",
        list(vec![account(), unresolved("Account")]),
    )]);
    let p = policy("s3:PutObject", Value::from("*"), Some(cond));
    assert!(matches!(
        s3_foreign_write(Some(&p), &Ours::default()),
        Exposure::Undecided { .. }
    ));
}

fn string_not_equals(pairs: &[(&str, Value)]) -> Value {
    let mut inner = indexmap::IndexMap::new();
    for (k, v) in pairs {
        inner.insert(k.to_string(), v.clone());
    }
    let mut outer = indexmap::IndexMap::new();
    outer.insert("StringNotEquals".to_string(), Value::Map(inner));
    Value::Map(outer)
}

// Strings with unresolved parts (holes): only the parts that matter for the question need a
// value.

fn hole(name: &str, line: u32) -> egressproof_model::Piece {
    let u = egressproof_model::Unknown::new(
        format!("parameter {name} has no value"),
        Some(egressproof_model::Span::new("t.yaml", line, 3)),
    );
    egressproof_model::Piece::hole(name, &u)
}

fn lit(s: &str) -> egressproof_model::Piece {
    egressproof_model::Piece::Lit(s.into())
}

/// An unresolved string with what is known of it.
fn partly(pieces: Vec<egressproof_model::Piece>) -> Value {
    Value::Unknown(
        egressproof_model::Unknown::new("parameter has no value", None).with_pieces(pieces),
    )
}

fn allow_write(resource: Value) -> Value {
    document(vec![statement(
        "Allow",
        &[
            ("Principal", Value::from("*")),
            ("Action", Value::from("s3:PutObject")),
            ("Resource", resource),
        ],
    )])
}

#[test]
fn bucket_pattern_with_unresolved_parts_and_a_free_wildcard_is_open_whatever_they_are() {
    // arn:aws:s3:::ds-data-${ProjectName}-${Env}-*/*: whatever the two values, the trailing
    // wildcard admits a bucket anyone can create (bucket names are global).
    let p = allow_write(partly(vec![
        lit("arn:aws:s3:::ds-data-"),
        hole("ProjectName", 2),
        lit("-"),
        hole("Env", 4),
        lit("-*/*"),
    ]));
    match s3_foreign_write(Some(&p), &Ours::default()) {
        Exposure::Open { context } => {
            assert!(
                context.contains("ds-data-${ProjectName}-${Env}-"),
                "{context}"
            )
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn exact_bucket_name_with_unresolved_parts_is_one_bucket_taken_as_ours() {
    // One bucket whatever the value: an exact name outside the scan, taken as ours (the rule
    // states the assumption).
    let name = vec![
        lit("arn:aws:s3:::"),
        hole("ProjectName", 2),
        lit("-models-"),
        egressproof_model::Piece::Sym(Symbol::Pseudo(Pseudo::AccountId)),
        lit("/*"),
    ];
    let p = allow_write(partly(name));
    assert_eq!(
        s3_foreign_write(Some(&p), &Ours::default()),
        Exposure::Closed
    );
    assert_eq!(
        egressproof_policy::exact_buckets(&p),
        vec!["${ProjectName}-models-${AWS::AccountId}".to_string()]
    );
}

#[test]
fn a_deny_with_an_unresolved_pattern_decides_only_where_it_cannot_matter() {
    // Everything but ${Prefix}-* is denied: whatever the prefix, its trailing wildcard admits
    // a bucket of another account.
    let allow = statement(
        "Allow",
        &[
            ("Principal", Value::from("*")),
            ("Action", Value::from("s3:PutObject")),
            ("Resource", Value::from("arn:aws:s3:::*")),
        ],
    );
    let deny = statement(
        "Deny",
        &[
            ("Principal", Value::from("*")),
            ("Action", Value::from("s3:PutObject")),
            (
                "NotResource",
                partly(vec![lit("arn:aws:s3:::"), hole("Prefix", 2), lit("-*")]),
            ),
        ],
    );
    assert!(is_open(&s3_foreign_write(
        Some(&document(vec![allow, deny])),
        &Ours::default()
    )));
    // data-* minus ${Prefix}*: empty when the prefix is "data-", not otherwise: undecided.
    let allow = statement(
        "Allow",
        &[
            ("Principal", Value::from("*")),
            ("Action", Value::from("s3:PutObject")),
            ("Resource", Value::from("arn:aws:s3:::data-*")),
        ],
    );
    let deny = statement(
        "Deny",
        &[
            ("Principal", Value::from("*")),
            ("Action", Value::from("s3:PutObject")),
            (
                "Resource",
                partly(vec![lit("arn:aws:s3:::"), hole("Prefix", 2), lit("*")]),
            ),
        ],
    );
    assert!(matches!(
        s3_foreign_write(Some(&document(vec![allow, deny])), &Ours::default()),
        Exposure::Undecided { .. }
    ));
}

#[test]
fn our_buckets_by_reference_are_not_foreign() {
    use egressproof_model::Ident;
    let arn = Value::symbol(Symbol::Attr {
        resource: Ident::new("t.yaml#Data"),
        attribute: "Arn".into(),
    });
    let objects = Value::text(vec![
        egressproof_model::Part::Sym(Symbol::Attr {
            resource: Ident::new("t.yaml#Data"),
            attribute: "Arn".into(),
        }),
        egressproof_model::Part::Lit("/*".into()),
    ]);
    let by_name = Value::text(vec![
        egressproof_model::Part::Lit("arn:aws:s3:::".into()),
        egressproof_model::Part::Sym(Symbol::Ref(Ident::new("t.yaml#Data"))),
        egressproof_model::Part::Lit("/*".into()),
    ]);
    let p = allow_write(list(vec![arn.clone(), objects, by_name]));
    let ours = Ours {
        buckets: vec![Value::symbol(Symbol::Ref(Ident::new("t.yaml#Data")))],
        arns: vec![arn],
        ..Ours::default()
    };
    assert_eq!(s3_foreign_write(Some(&p), &ours), Exposure::Closed);
    // The ARN of something that is not a bucket of the scan could be any bucket's.
    assert!(!matches!(
        s3_foreign_write(Some(&p), &Ours::default()),
        Exposure::Closed
    ));
}
