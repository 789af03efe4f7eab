//! Which document a role's AWS managed policy is judged by: the scan's own copy (a snapshot holds
//! the account's version, its resource ID the ARN), else the user's (`Options::managed_policies`),
//! else the bundled one.

use egressproof_analysis::managed::ManagedPolicies;
use egressproof_analysis::{analyze, Analysis, Options, Principals};
use egressproof_load_cfn::{load, Input, LoadOptions};
use egressproof_model::{Attr, IamPolicy, Ident, Kind, Model, PolicyKind, Resource, Span, Value};
use std::path::PathBuf;

const ARN: &str = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess";

/// Allows SageMaker's List actions only: no presigned URL.
fn list_only() -> serde_json::Value {
    serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Action": "sagemaker:List*", "Resource": "*"}]})
}

/// A notebook whose role attaches AmazonSageMakerFullAccess by ARN, nothing else restricting
/// presigned URLs.
fn fixture() -> Model {
    let rel = "EP401/pos_managed_full_access.yaml";
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel);
    load(
        &[Input {
            path,
            display: rel.to_string(),
        }],
        &LoadOptions::default(),
    )
    .model
}

fn ep401_of_the_role(model: &Model, options: &Options) -> usize {
    let a: Analysis = analyze(model, options);
    a.findings
        .iter()
        .filter(|f| f.rule == "EP401" && f.message.contains("role AnalystRole"))
        .count()
}

fn complete() -> Options {
    Options {
        principals: Principals::Complete,
        ..Options::default()
    }
}

#[test]
fn the_bundled_document_allows_the_presigned_url() {
    assert_eq!(ep401_of_the_role(&fixture(), &complete()), 1);
}

#[test]
fn the_users_document_comes_before_the_bundled_one() {
    let mut managed = ManagedPolicies::default();
    managed.insert("AmazonSageMakerFullAccess", list_only());
    let options = Options {
        managed_policies: managed,
        ..complete()
    };
    assert_eq!(ep401_of_the_role(&fixture(), &options), 0);
}

/// As a snapshot holds it: the policy a resource whose ID is its ARN, attached to the role.
#[test]
fn the_scans_own_copy_comes_before_the_bundled_one() {
    let mut model = fixture();
    let role = model
        .resources
        .iter()
        .find(|r| r.name == "AnalystRole")
        .map(|r| r.id.clone())
        .unwrap();
    model.resources.push(Resource::new(
        Ident::new(ARN),
        "AmazonSageMakerFullAccess",
        "AWS::IAM::ManagedPolicy",
        Span::arn(ARN),
        Kind::IamPolicy(IamPolicy {
            policy_kind: PolicyKind::Identity,
            attached_to: Attr::Known(vec![role]),
            document: Value::from(list_only()),
        }),
    ));
    assert_eq!(ep401_of_the_role(&model, &complete()), 0);
}
