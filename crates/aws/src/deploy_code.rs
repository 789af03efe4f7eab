//! Actions a deploy-time function may hold without changing what the scan sees.
//!
//! A CloudFormation custom resource (or a Terraform `aws_lambda_invocation`) runs a Lambda
//! function whose code the scan does not read. Its code could create a notebook with direct
//! internet access, a Studio domain on the public internet or a route: then the scan would
//! judge an environment whose workloads it never saw. What the code *can* do is bounded by its
//! execution role. When every action the role may call is one of these, the code can read and
//! write data and bookkeeping, but it cannot create or change a workload, a network channel or
//! a policy, and it cannot start other code with other permissions: the scan's view stands.
//!
//! The table is an allowlist: an action absent from it keeps the custom resource an unknown
//! (EP903). What is left out on purpose, and why:
//! - every `Create*`/`Update*`/`Start*` of SageMaker, EC2 networking (ENIs included), VPC
//!   endpoints, security groups, routes: they create or change workloads and channels;
//! - `iam:*` writes, `iam:PassRole`, `sts:AssumeRole*`: other permissions;
//! - `lambda:*`, `states:*`, `codebuild:*`, `glue:*`, `ecs:*`, `cloudformation:*` writes,
//!   `ssm:SendCommand`: other code, run with other permissions;
//! - S3 bucket settings (policy, ACLs, `s3:PutObjectAcl`, replication, notifications, access
//!   points, website) and `s3:DeleteBucket`: they open a channel, trigger code, or free a
//!   bucket name another account can then register while workloads still write to it;
//! - `ssm:PutParameter`: the scan resolves parameters that templates write;
//! - `logs:PutSubscriptionFilter`, `logs:CreateExportTask`, DynamoDB streams, exports and
//!   Kinesis destinations: they send data elsewhere or trigger code;
//! - Cognito user pool settings and clients: a pool's triggers run Lambda code.
//!
//! The role's own permissions are what is bounded: code that finds other credentials (a secret
//! that holds access keys) is beyond any scan, which the analysis states as an assumption.

/// A group of actions (IAM patterns, case-insensitive) and why holding them changes nothing
/// the scan judges.
#[derive(Clone, Copy, Debug)]
pub struct Confined {
    pub actions: &'static [&'static str],
    pub why: &'static str,
}

/// The actions a deploy-time function's role may hold and leave the scan's view as it is.
pub const CONFINED: &[Confined] = &[
    Confined {
        actions: &[
            "logs:CreateLogGroup",
            "logs:CreateLogStream",
            "logs:PutLogEvents",
            "logs:PutRetentionPolicy",
            "logs:DeleteLogGroup",
            "logs:DeleteLogStream",
            "logs:Describe*",
            "logs:GetLogEvents",
            "logs:FilterLogEvents",
        ],
        why: "the function's own log events, kept in the account (no subscription, no export)",
    },
    Confined {
        actions: &[
            "cloudwatch:PutMetricData",
            "cloudwatch:GetMetricData",
            "cloudwatch:GetMetricStatistics",
            "cloudwatch:ListMetrics",
            "xray:PutTraceSegments",
            "xray:PutTelemetryRecords",
            "xray:GetSamplingRules",
            "xray:GetSamplingTargets",
            "xray:GetSamplingStatisticSummaries",
        ],
        why: "metrics and traces of the function",
    },
    Confined {
        actions: &[
            "s3:Get*",
            "s3:List*",
            "s3:PutObject",
            "s3:PutObjectTagging",
            "s3:DeleteObject",
            "s3:DeleteObjectVersion",
            "s3:DeleteObjectTagging",
            "s3:DeleteObjectVersionTagging",
            "s3:AbortMultipartUpload",
        ],
        why: "objects' data (copying seed code, emptying a bucket before it is deleted); no \
              bucket setting, no object ACL (`PutObject` with an ACL needs `s3:PutObjectAcl`)",
    },
    Confined {
        actions: &[
            "kms:Decrypt",
            "kms:Encrypt",
            "kms:GenerateDataKey*",
            "kms:ReEncrypt*",
            "kms:DescribeKey",
            "kms:ListKeys",
            "kms:ListAliases",
        ],
        why: "use of keys to read and write encrypted data; no grant, no key policy",
    },
    Confined {
        actions: &[
            "secretsmanager:GetSecretValue",
            "secretsmanager:DescribeSecret",
            "secretsmanager:ListSecrets",
            "ssm:GetParameter",
            "ssm:GetParameters",
            "ssm:GetParametersByPath",
            "ssm:DescribeParameters",
        ],
        why: "reads of configuration values",
    },
    Confined {
        actions: &[
            "dynamodb:GetItem",
            "dynamodb:BatchGetItem",
            "dynamodb:Query",
            "dynamodb:Scan",
            "dynamodb:PutItem",
            "dynamodb:UpdateItem",
            "dynamodb:DeleteItem",
            "dynamodb:BatchWriteItem",
            "dynamodb:ConditionCheckItem",
            "dynamodb:DescribeTable",
            "dynamodb:ListTables",
        ],
        why: "items of tables; no table setting (streams trigger code, exports go to S3)",
    },
    Confined {
        actions: &[
            "clouddirectory:*",
            "cognito-idp:AdminCreateUser",
            "cognito-idp:AdminDeleteUser",
            "cognito-idp:AdminGetUser",
            "cognito-idp:AdminAddUserToGroup",
            "cognito-idp:AdminRemoveUserFromGroup",
            "cognito-idp:AdminSetUserPassword",
            "cognito-idp:AdminSetUserMFAPreference",
            "cognito-idp:AdminUpdateUserAttributes",
            "cognito-idp:CreateGroup",
            "cognito-idp:DeleteGroup",
            "cognito-idp:GetGroup",
            "cognito-idp:ListUsers",
            "cognito-idp:ListGroups",
            "cognito-idp:ListUsersInGroup",
            "cognito-idp:DescribeUserPool",
            "cognito-idp:DescribeUserPoolClient",
        ],
        why: "directory objects, users and groups; no user pool settings (their triggers run \
              code) and no app clients",
    },
    Confined {
        actions: &[
            "ec2:Describe*",
            "sagemaker:Describe*",
            "sagemaker:List*",
            "iam:Get*",
            "iam:List*",
            "sts:GetCallerIdentity",
            "cloudformation:Describe*",
            "cloudformation:List*",
            "organizations:Describe*",
            "organizations:List*",
        ],
        why: "reads of what exists (looking up a subnet, a domain, a role, an account)",
    },
];

/// Every action pattern of [`CONFINED`], in table order.
pub fn confined_actions() -> impl Iterator<Item = &'static str> {
    CONFINED.iter().flat_map(|g| g.actions.iter().copied())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_holds_no_action_that_creates_or_runs() {
        for a in confined_actions() {
            let (service, name) = a.split_once(':').expect("service:action");
            assert!(!service.contains('*') && !name.is_empty(), "{a}");
            // A pattern may name reads by prefix, never a whole service but Cloud Directory.
            assert!(name != "*" || service == "clouddirectory", "{a}");
            for verb in [
                "Create", "Update", "Start", "Run", "Invoke", "Pass", "Assume",
            ] {
                let named = name.starts_with(verb)
                    && !matches!(
                        (service, name),
                        ("logs", "CreateLogGroup" | "CreateLogStream")
                            | ("cognito-idp", "CreateGroup")
                            // An item's attributes, not a table's settings.
                            | ("dynamodb", "UpdateItem")
                    );
                assert!(!named, "{a}");
            }
        }
    }

    #[test]
    fn no_bucket_setting_or_object_acl() {
        let all: Vec<&str> = confined_actions().collect();
        for a in [
            "s3:PutBucketPolicy",
            "s3:PutObjectAcl",
            "s3:PutReplicationConfiguration",
            "s3:DeleteBucket",
            "ssm:PutParameter",
            "iam:PassRole",
        ] {
            assert!(!all.contains(&a), "{a}");
        }
    }
}
