use super::*;
use crate::concrete::{is_allowed, Request};
use crate::{PolicySet, RESOURCE_KEY};

fn allows(p: &Policy, action: &str, resource: &str) -> bool {
    let set = PolicySet {
        identity: vec![p],
        ..Default::default()
    };
    is_allowed(&set, &Request::new(action).with(RESOURCE_KEY, resource))
}

fn bundled(arn: &str) -> Policy {
    match aws_managed(arn) {
        Some(Ok(p)) => p,
        other => panic!("{arn}: {other:?}"),
    }
}

#[test]
fn names_of_aws_managed_arns_in_every_path_and_partition() {
    for (arn, name) in [
        ("arn:aws:iam::aws:policy/AdministratorAccess", "AdministratorAccess"),
        (
            "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "AWSLambdaBasicExecutionRole",
        ),
        (
            "arn:aws:iam::aws:policy/aws-service-role/AmazonSageMakerServiceCatalogProductsLaunchRolePolicy",
            "AmazonSageMakerServiceCatalogProductsLaunchRolePolicy",
        ),
        ("arn:aws:iam::aws:policy/job-function/DataScientist", "DataScientist"),
        ("arn:aws-us-gov:iam::aws:policy/ReadOnlyAccess", "ReadOnlyAccess"),
        ("arn:aws-cn:iam::aws:policy/service-role/X", "X"),
        (
            "arn:${AWS::Partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
            "AWSLambdaBasicExecutionRole",
        ),
    ] {
        assert_eq!(aws_policy_name(arn), Some(name), "{arn}");
    }
    for arn in [
        "arn:aws:iam::123456789012:policy/AdministratorAccess",
        "arn:aws:iam::aws:role/AdministratorAccess",
        "arn:aws:iam::aws:policy/",
        "arn:other:iam::aws:policy/AdministratorAccess",
        "AdministratorAccess",
        "",
    ] {
        assert_eq!(aws_policy_name(arn), None, "{arn}");
    }
}

#[test]
fn every_bundled_document_parses() {
    let source = bundled_source().unwrap();
    let names: Vec<&str> = bundled_names().unwrap().collect();
    assert_eq!(names.len(), source.count);
    assert!(source.count > 1000, "{}", source.count);
    for name in names {
        let arn = format!("arn:aws:iam::aws:policy/{name}");
        match aws_managed(&arn) {
            Some(Ok(p)) => assert!(!p.statements.is_empty(), "{name}"),
            other => panic!("{name}: {other:?}"),
        }
    }
}

#[test]
fn the_bundle_is_dated_and_pinned() {
    let s = bundled_source().unwrap();
    assert_eq!(s.source, "https://github.com/zoph-io/MAMIP");
    assert_eq!(s.commit.len(), 40, "{}", s.commit);
    assert!(s.commit.chars().all(|c| c.is_ascii_hexdigit()));
    assert_eq!(s.short_commit(), &s.commit[..7]);
    let d: Vec<&str> = s.date.split('-').collect();
    assert!(
        d.len() == 3 && d.iter().all(|p| p.parse::<u32>().is_ok()),
        "{}",
        s.date
    );
}

#[test]
fn sagemaker_full_access_writes_objects_of_buckets_named_like_sagemaker() {
    let p = bundled("arn:aws:iam::aws:policy/AmazonSageMakerFullAccess");
    // AllowS3ObjectActions: arn:aws:s3:::*SageMaker*, *Sagemaker*, *sagemaker*, *aws-glue*.
    for bucket in [
        "someone-elses-sagemaker-bucket",
        "MySageMakerData",
        "x-aws-glue-y",
    ] {
        let object = format!("arn:aws:s3:::{bucket}/key");
        assert!(allows(&p, "s3:PutObject", &object), "{bucket}");
    }
    // Not any bucket: the approximation (s3:*) was wrong there.
    assert!(!allows(
        &p,
        "s3:PutObject",
        "arn:aws:s3:::corporate-data/key"
    ));
    assert!(!allows(
        &p,
        "s3:DeleteBucket",
        "arn:aws:s3:::my-sagemaker-bucket"
    ));
    assert!(allows(
        &p,
        "sagemaker:CreateTrainingJob",
        "arn:aws:sagemaker:us-east-1:1:training-job/x"
    ));
}

#[test]
fn service_role_and_read_only_policies_resolve_in_any_partition() {
    for arn in [
        "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws-us-gov:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
        "arn:aws-cn:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    ] {
        let p = bundled(arn);
        assert!(allows(
            &p,
            "logs:PutLogEvents",
            "arn:aws:logs:eu-west-1:1:log-group:x"
        ));
        assert!(!allows(&p, "s3:PutObject", "arn:aws:s3:::b/k"));
    }
    let ec2 = bundled("arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess");
    assert!(allows(&ec2, "ec2:DescribeInstances", "*"));
    assert!(!allows(&ec2, "ec2:RunInstances", "*"));
    assert!(!allows(&ec2, "s3:PutObject", "arn:aws:s3:::b/k"));
}

#[test]
fn not_action_and_policy_variables_are_kept() {
    // PowerUserAccess: NotAction over iam/organizations/account.
    let p = bundled("arn:aws:iam::aws:policy/PowerUserAccess");
    assert!(allows(&p, "s3:PutObject", "arn:aws:s3:::any/k"));
    assert!(!allows(&p, "iam:CreateUser", "*"));
    // IAMUserChangePassword names ${aws:username}: an opaque condition, never "allows nothing"
    // nor "allows everything".
    let p = bundled("arn:aws:iam::aws:policy/IAMUserChangePassword");
    assert!(p.statements.iter().any(|s| s.opaque().next().is_some()));
}

#[test]
fn unknown_names_and_other_accounts_are_not_resolved() {
    assert!(aws_managed("arn:aws:iam::aws:policy/NoSuchPolicy").is_none());
    assert!(aws_managed("arn:aws:iam::123456789012:policy/AmazonS3FullAccess").is_none());
    // Left out of the bundle: the tracker holds no document for them (deprecated).
    assert!(aws_managed("arn:aws:iam::aws:policy/AWSCodePipelineFullAccess").is_none());
}

#[test]
fn a_supplied_document_overrides_the_bundled_one() {
    let mut m = ManagedPolicies::default();
    m.insert(
        "AmazonS3FullAccess",
        serde_json::json!({"Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}}),
    );
    m.insert(
        "BrandNewPolicy",
        serde_json::json!({"Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]}),
    );
    let s3 = match m.resolve("arn:aws:iam::aws:policy/AmazonS3FullAccess") {
        Some(Ok(p)) => p,
        other => panic!("{other:?}"),
    };
    assert!(!allows(&s3, "s3:PutObject", "arn:aws:s3:::b/k"));
    assert!(allows(
        &bundled("arn:aws:iam::aws:policy/AmazonS3FullAccess"),
        "s3:PutObject",
        "arn:aws:s3:::b/k"
    ));
    assert!(matches!(
        m.resolve("arn:aws:iam::aws:policy/BrandNewPolicy"),
        Some(Ok(_))
    ));
    assert!(aws_managed("arn:aws:iam::aws:policy/BrandNewPolicy").is_none());
    // Names the user did not supply still come from the bundle.
    assert!(matches!(
        m.resolve("arn:aws:iam::aws:policy/ReadOnlyAccess"),
        Some(Ok(_))
    ));
    assert_eq!(m.overrides(), 2);
}

#[test]
fn an_unreadable_supplied_document_is_an_error_not_a_drop() {
    let mut m = ManagedPolicies::default();
    m.insert("Odd", serde_json::json!({"Statement": "nope"}));
    assert!(matches!(
        m.resolve("arn:aws:iam::aws:policy/Odd"),
        Some(Err(_))
    ));
}

#[test]
fn policy_version_files_as_the_tracker_keeps_them() {
    let mut m = ManagedPolicies::default();
    let text = r#"{"PolicyVersion": {"VersionId": "v9", "IsDefaultVersion": true,
        "Document": {"Version": "2012-10-17", "Statement": [
            {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]}}}"#;
    m.add_policy_version("AmazonEC2ReadOnlyAccess", text)
        .unwrap();
    let p = m
        .resolve("arn:aws:iam::aws:policy/AmazonEC2ReadOnlyAccess")
        .unwrap()
        .unwrap();
    assert!(allows(&p, "s3:PutObject", "arn:aws:s3:::b/k"));
    // A URL-encoded document, as the API returns it.
    let encoded = r#"{"PolicyVersion": {"Document": "%7B%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22ec2%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D"}}"#;
    m.add_policy_version("Encoded", encoded).unwrap();
    let p = m
        .resolve("arn:aws:iam::aws:policy/Encoded")
        .unwrap()
        .unwrap();
    assert!(allows(&p, "ec2:RunInstances", "*"));
    for bad in [
        "not json",
        r#"{"Statement": []}"#,
        r#"{"PolicyVersion": {}}"#,
        r#"{"PolicyVersion": {"Document": [1]}}"#,
        r#"{"PolicyVersion": {"IsDefaultVersion": false, "Document": {"Statement": []}}}"#,
    ] {
        assert!(m.add_policy_version("X", bad).is_err(), "{bad}");
    }
}

#[test]
fn account_authorization_details_by_their_default_versions() {
    let text = r#"{"UserDetailList": [], "Policies": [
        {"PolicyName": "AmazonSageMakerFullAccess",
         "Arn": "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess",
         "DefaultVersionId": "v2",
         "PolicyVersionList": [
            {"VersionId": "v1", "IsDefaultVersion": false,
             "Document": {"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}},
            {"VersionId": "v2", "IsDefaultVersion": true,
             "Document": {"Statement": [{"Effect": "Allow", "Action": "sagemaker:List*", "Resource": "*"}]}}]},
        {"PolicyName": "Mine", "Arn": "arn:aws:iam::123456789012:policy/Mine",
         "PolicyVersionList": [{"IsDefaultVersion": true, "Document": {"Statement": []}}]}]}"#;
    let mut m = ManagedPolicies::default();
    assert_eq!(m.add_authorization_details(text).unwrap(), 1);
    let p = m
        .resolve("arn:aws:iam::aws:policy/AmazonSageMakerFullAccess")
        .unwrap()
        .unwrap();
    assert!(allows(&p, "sagemaker:ListModels", "*"));
    assert!(!allows(
        &p,
        "s3:PutObject",
        "arn:aws:s3:::my-sagemaker-bucket/k"
    ));
    // Customer managed policies are not AWS managed ones of the same name.
    assert!(m.resolve("arn:aws:iam::aws:policy/Mine").is_none());
    for bad in [
        "[]",
        r#"{"Policies": {}}"#,
        r#"{"Policies": [{"PolicyName": "X"}]}"#,
        r#"{"Policies": [{"Arn": "arn:aws:iam::aws:policy/X", "PolicyVersionList": []}]}"#,
    ] {
        assert!(m.add_authorization_details(bad).is_err(), "{bad}");
    }
}
