//! The AWS managed policies that matter for egress, by what they allow. Their documents are not
//! in a scan (they live in AWS), so a role that attaches one by ARN gets this approximation; an
//! AWS managed policy not listed here is unknown to the caller, never "allows nothing".

use crate::parse::{Actions, Effect, Policy, Statement};

/// The policy an AWS managed policy ARN stands for, when known.
pub fn aws_managed(arn: &str) -> Option<Policy> {
    let name = arn
        .rsplit_once(":policy/")?
        .1
        .trim_start_matches("service-role/");
    let allow = |acts: &[&str]| Policy::allow_all(acts);
    Some(match name {
        "AdministratorAccess" => allow(&["*"]),
        "PowerUserAccess" => Policy {
            statements: vec![Statement {
                sid: None,
                effect: Effect::Allow,
                actions: Actions::NotAction(vec![
                    "iam:*".into(),
                    "organizations:*".into(),
                    "account:*".into(),
                ]),
                conds: Vec::new(),
            }],
        },
        "AmazonSageMakerFullAccess" => allow(&["sagemaker:*", "s3:*", "logs:*", "ecr:*"]),
        "AmazonSageMakerReadOnly" | "ReadOnlyAccess" | "ViewOnlyAccess" => allow(&[
            "sagemaker:Describe*",
            "sagemaker:List*",
            "sagemaker:Get*",
            "s3:Get*",
            "s3:List*",
        ]),
        "AmazonS3FullAccess" => allow(&["s3:*"]),
        "AmazonS3ReadOnlyAccess" => allow(&["s3:Get*", "s3:List*"]),
        _ => return None,
    })
}
