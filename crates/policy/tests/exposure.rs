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
