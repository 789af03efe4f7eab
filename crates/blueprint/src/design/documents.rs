//! Every policy document of the environment and the training request, as format-neutral values
//! ([`E`]): the templates embed them, the JSON files print them with placeholders, so the
//! controls are the same wherever they are read.

use super::network::presign_endpoints;
use super::Names;
use crate::expr::{account, arn, list, lit, map, rf, s, strs, sub, E, P};
use crate::options::Checked;

pub(super) fn version() -> (&'static str, E) {
    ("Version", s("2012-10-17"))
}

/// The "ours" condition: principal and resource both in this account (or organization).
fn ours(o: &Checked, principal: bool, resource: bool) -> E {
    let mut c = Vec::new();
    match &o.org_id {
        Some(org) => {
            if principal {
                c.push(("aws:PrincipalOrgID", s(org)));
            }
            if resource {
                c.push(("aws:ResourceOrgID", s(org)));
            }
        }
        None => {
            if principal {
                c.push(("aws:PrincipalAccount", account()));
            }
            if resource {
                c.push(("aws:ResourceAccount", account()));
            }
        }
    }
    map(vec![("StringEquals", map(c))])
}

/// Interface endpoint policy: any action, but only by our principals on our resources, so
/// credentials or buckets of another account are useless through it.
pub fn interface_endpoint_policy(o: &Checked) -> E {
    map(vec![
        version(),
        (
            "Statement",
            list(vec![map(vec![
                ("Sid", s("OwnPrincipalsOnOwnResources")),
                ("Effect", s("Allow")),
                ("Principal", s("*")),
                ("Action", s("*")),
                ("Resource", s("*")),
                ("Condition", ours(o, true, true)),
            ])]),
        ),
    ])
}

/// S3 gateway endpoint policy: our buckets only, plus read-only access to the one bucket ECR
/// serves image layers from (an AWS-owned bucket named per Region; without it no image pulls).
pub fn s3_endpoint_policy(o: &Checked) -> E {
    map(vec![
        version(),
        (
            "Statement",
            list(vec![
                map(vec![
                    ("Sid", s("OwnBucketsOnly")),
                    ("Effect", s("Allow")),
                    ("Principal", s("*")),
                    ("Action", s("s3:*")),
                    ("Resource", s("*")),
                    ("Condition", ours(o, true, true)),
                ]),
                map(vec![
                    ("Sid", s("EcrImageLayersReadOnly")),
                    ("Effect", s("Allow")),
                    ("Principal", s("*")),
                    ("Action", s("s3:GetObject")),
                    (
                        "Resource",
                        sub(vec![
                            lit("arn:aws:s3:::prod-"),
                            P::Region,
                            lit("-starport-layer-bucket/*"),
                        ]),
                    ),
                    ("Condition", ours(o, true, false)),
                ]),
            ]),
        ),
    ])
}

/// The data bucket's name: `<name>-data-<account>`.
pub fn bucket_name_parts(o: &Checked) -> Vec<P> {
    vec![lit(&format!("{}-data-", o.name)), P::Account]
}

pub fn bucket_name(o: &Checked) -> E {
    sub(bucket_name_parts(o))
}

fn bucket_arn(o: &Checked, suffix: &str) -> E {
    sub(vec![
        lit(&format!("arn:aws:s3:::{}-data-", o.name)),
        P::Account,
        lit(suffix),
    ])
}

/// The data bucket's policy: TLS only, data only through the S3 endpoint, principals only ours,
/// and no replication configuration (replication copies every object to another bucket).
pub fn bucket_policy(o: &Checked, n: &Names) -> E {
    let both = || list(vec![bucket_arn(o, ""), bucket_arn(o, "/*")]);
    let not_ours = match &o.org_id {
        Some(org) => map(vec![("aws:PrincipalOrgID", s(org))]),
        None => map(vec![("aws:PrincipalAccount", account())]),
    };
    map(vec![
        version(),
        (
            "Statement",
            list(vec![
                map(vec![
                    ("Sid", s("DenyInsecureTransport")),
                    ("Effect", s("Deny")),
                    ("Principal", s("*")),
                    ("Action", s("s3:*")),
                    ("Resource", both()),
                    (
                        "Condition",
                        map(vec![(
                            "Bool",
                            map(vec![("aws:SecureTransport", s("false"))]),
                        )]),
                    ),
                ]),
                map(vec![
                    ("Sid", s("DenyDataAccessOutsideTheS3Endpoint")),
                    ("Effect", s("Deny")),
                    ("Principal", s("*")),
                    (
                        "Action",
                        strs(&[
                            "s3:GetObject",
                            "s3:GetObjectVersion",
                            "s3:PutObject",
                            "s3:DeleteObject",
                            "s3:DeleteObjectVersion",
                            "s3:ListBucket",
                            "s3:ListBucketVersions",
                            "s3:RestoreObject",
                        ]),
                    ),
                    ("Resource", both()),
                    (
                        "Condition",
                        map(vec![(
                            "StringNotEquals",
                            map(vec![("aws:SourceVpce", rf(&n.s3_endpoint))]),
                        )]),
                    ),
                ]),
                map(vec![
                    ("Sid", s("DenyPrincipalsOutsideOurs")),
                    ("Effect", s("Deny")),
                    ("Principal", s("*")),
                    ("Action", s("s3:*")),
                    ("Resource", both()),
                    (
                        "Condition",
                        map(vec![
                            ("StringNotEquals", not_ours),
                            (
                                "BoolIfExists",
                                map(vec![("aws:PrincipalIsAWSService", s("false"))]),
                            ),
                        ]),
                    ),
                ]),
                map(vec![
                    ("Sid", s("DenyReplication")),
                    ("Effect", s("Deny")),
                    ("Principal", s("*")),
                    ("Action", s("s3:PutReplicationConfiguration")),
                    ("Resource", bucket_arn(o, "")),
                ]),
            ]),
        ),
    ])
}

/// The KMS key policy: the account administers the key; IAM policies grant its use.
pub fn key_policy() -> E {
    map(vec![
        version(),
        (
            "Statement",
            list(vec![map(vec![
                ("Sid", s("AccountAdministersTheKey")),
                ("Effect", s("Allow")),
                (
                    "Principal",
                    map(vec![(
                        "AWS",
                        sub(vec![lit("arn:aws:iam::"), P::Account, lit(":root")]),
                    )]),
                ),
                ("Action", s("kms:*")),
                ("Resource", s("*")),
            ])]),
        ),
    ])
}

/// Trust policy for a role SageMaker assumes, limited to this account (confused deputy).
pub fn sagemaker_trust() -> E {
    map(vec![
        version(),
        (
            "Statement",
            list(vec![map(vec![
                ("Effect", s("Allow")),
                (
                    "Principal",
                    map(vec![("Service", s("sagemaker.amazonaws.com"))]),
                ),
                ("Action", s("sts:AssumeRole")),
                (
                    "Condition",
                    map(vec![(
                        "StringEquals",
                        map(vec![("aws:SourceAccount", account())]),
                    )]),
                ),
            ])]),
        ),
    ])
}

/// Trust policy for the data scientists' role: principals of this account (federate into it).
pub fn account_trust() -> E {
    map(vec![
        version(),
        (
            "Statement",
            list(vec![map(vec![
                ("Effect", s("Allow")),
                (
                    "Principal",
                    map(vec![(
                        "AWS",
                        sub(vec![lit("arn:aws:iam::"), P::Account, lit(":root")]),
                    )]),
                ),
                ("Action", s("sts:AssumeRole")),
            ])]),
        ),
    ])
}

pub fn execution_role_name(o: &Checked) -> String {
    format!("{}-execution", o.name)
}

/// What SageMaker needs to run the workloads, scoped to this environment's bucket and key.
pub fn execution_policy(o: &Checked, n: &Names) -> E {
    let mut statements = vec![
        map(vec![
            ("Sid", s("DataBucket")),
            ("Effect", s("Allow")),
            (
                "Action",
                strs(&[
                    "s3:GetObject",
                    "s3:PutObject",
                    "s3:DeleteObject",
                    "s3:ListBucket",
                    "s3:GetBucketLocation",
                ]),
            ),
            (
                "Resource",
                list(vec![bucket_arn(o, ""), bucket_arn(o, "/*")]),
            ),
        ]),
        map(vec![
            ("Sid", s("DataKey")),
            ("Effect", s("Allow")),
            (
                "Action",
                strs(&[
                    "kms:Decrypt",
                    "kms:Encrypt",
                    "kms:GenerateDataKey",
                    "kms:ReEncryptFrom",
                    "kms:ReEncryptTo",
                    "kms:DescribeKey",
                    "kms:CreateGrant",
                ]),
            ),
            ("Resource", arn(&n.data_key)),
        ]),
        map(vec![
            ("Sid", s("Logs")),
            ("Effect", s("Allow")),
            (
                "Action",
                strs(&[
                    "logs:CreateLogGroup",
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                    "logs:DescribeLogStreams",
                ]),
            ),
            (
                "Resource",
                sub(vec![
                    lit("arn:aws:logs:"),
                    P::Region,
                    lit(":"),
                    P::Account,
                    lit(":log-group:/aws/sagemaker/*"),
                ]),
            ),
        ]),
        map(vec![
            ("Sid", s("PullOwnImages")),
            ("Effect", s("Allow")),
            (
                "Action",
                strs(&[
                    "ecr:BatchGetImage",
                    "ecr:GetDownloadUrlForLayer",
                    "ecr:BatchCheckLayerAvailability",
                ]),
            ),
            (
                "Resource",
                sub(vec![
                    lit("arn:aws:ecr:"),
                    P::Region,
                    lit(":"),
                    P::Account,
                    lit(":repository/*"),
                ]),
            ),
        ]),
        map(vec![
            ("Sid", s("EcrToken")),
            ("Effect", s("Allow")),
            ("Action", s("ecr:GetAuthorizationToken")),
            ("Resource", s("*")),
        ]),
        map(vec![
            ("Sid", s("VpcNetworkInterfaces")),
            ("Effect", s("Allow")),
            (
                "Action",
                strs(&[
                    "ec2:CreateNetworkInterface",
                    "ec2:CreateNetworkInterfacePermission",
                    "ec2:DeleteNetworkInterface",
                    "ec2:DeleteNetworkInterfacePermission",
                    "ec2:DescribeNetworkInterfaces",
                    "ec2:DescribeVpcs",
                    "ec2:DescribeDhcpOptions",
                    "ec2:DescribeSubnets",
                    "ec2:DescribeSecurityGroups",
                ]),
            ),
            ("Resource", s("*")),
        ]),
        map(vec![
            ("Sid", s("RunSageMakerWork")),
            ("Effect", s("Allow")),
            (
                "Action",
                strs(&[
                    "sagemaker:AddTags",
                    "sagemaker:CreateModel",
                    "sagemaker:CreateProcessingJob",
                    "sagemaker:CreateTrainingJob",
                    "sagemaker:Describe*",
                    "sagemaker:List*",
                    "sagemaker:StopProcessingJob",
                    "sagemaker:StopTrainingJob",
                ]),
            ),
            (
                "Resource",
                sub(vec![
                    lit("arn:aws:sagemaker:"),
                    P::Region,
                    lit(":"),
                    P::Account,
                    lit(":*"),
                ]),
            ),
        ]),
        map(vec![
            ("Sid", s("PassThisRoleToSageMakerOnly")),
            ("Effect", s("Allow")),
            ("Action", s("iam:PassRole")),
            (
                "Resource",
                sub(vec![
                    lit("arn:aws:iam::"),
                    P::Account,
                    lit(&format!(":role/{}", execution_role_name(o))),
                ]),
            ),
            (
                "Condition",
                map(vec![(
                    "StringEquals",
                    map(vec![("iam:PassedToService", s("sagemaker.amazonaws.com"))]),
                )]),
            ),
        ]),
    ];
    if o.package_mirror {
        statements.push(map(vec![
            ("Sid", s("PackageMirror")),
            ("Effect", s("Allow")),
            (
                "Action",
                strs(&[
                    "codeartifact:GetAuthorizationToken",
                    "codeartifact:GetRepositoryEndpoint",
                    "codeartifact:ReadFromRepository",
                ]),
            ),
            (
                "Resource",
                sub(vec![
                    lit("arn:aws:codeartifact:"),
                    P::Region,
                    lit(":"),
                    P::Account,
                    lit(":*"),
                ]),
            ),
        ]));
        statements.push(map(vec![
            ("Sid", s("PackageMirrorBearerToken")),
            ("Effect", s("Allow")),
            ("Action", s("sts:GetServiceBearerToken")),
            ("Resource", s("*")),
            (
                "Condition",
                map(vec![(
                    "StringEquals",
                    map(vec![(
                        "sts:AWSServiceName",
                        s("codeartifact.amazonaws.com"),
                    )]),
                )]),
            ),
        ]));
    }
    map(vec![version(), ("Statement", list(statements))])
}

const PRESIGN_ACTIONS: &[&str] = &[
    "sagemaker:CreatePresignedDomainUrl",
    "sagemaker:CreatePresignedNotebookInstanceUrl",
];

/// The data scientists' policy: open notebooks and Studio, but only from the corporate network
/// or through this VPC's endpoints. Through an endpoint `aws:SourceIp` is absent (the negated
/// `NotIpAddress` is then true) and `aws:SourceVpce` decides; from the internet `aws:SourceVpce`
/// is absent and the source address decides.
pub fn data_scientist_policy(o: &Checked) -> E {
    let mut conditions = Vec::new();
    let corporate: Vec<E> = o.corporate.iter().map(|c| s(&c.to_string())).collect();
    if !corporate.is_empty() {
        conditions.push(("NotIpAddress", map(vec![("aws:SourceIp", list(corporate))])));
    }
    conditions.push((
        "StringNotEquals",
        map(vec![(
            "aws:SourceVpce",
            list(presign_endpoints().iter().map(rf).collect()),
        )]),
    ));
    map(vec![
        version(),
        (
            "Statement",
            list(vec![
                map(vec![
                    ("Sid", s("OpenNotebooksAndStudio")),
                    ("Effect", s("Allow")),
                    (
                        "Action",
                        strs(&[
                            "sagemaker:CreatePresignedDomainUrl",
                            "sagemaker:CreatePresignedNotebookInstanceUrl",
                            "sagemaker:Describe*",
                            "sagemaker:List*",
                            "sagemaker:StartNotebookInstance",
                            "sagemaker:StopNotebookInstance",
                        ]),
                    ),
                    ("Resource", s("*")),
                ]),
                map(vec![
                    ("Sid", s("PresignedUrlsOnlyFromCorporateNetworkOrEndpoints")),
                    ("Effect", s("Deny")),
                    ("Action", strs(PRESIGN_ACTIONS)),
                    ("Resource", s("*")),
                    ("Condition", map(conditions)),
                ]),
            ]),
        ),
    ])
}

pub fn image(o: &Checked, repo: &str) -> E {
    sub(vec![
        P::Account,
        lit(".dkr.ecr."),
        P::Region,
        lit(&format!(".amazonaws.com/{}-{repo}:latest", o.name)),
    ])
}

fn s3_uri(o: &Checked, path: &str) -> E {
    sub(vec![
        lit(&format!("s3://{}-data-", o.name)),
        P::Account,
        lit(path),
    ])
}

/// The CreateTrainingJob request: isolated, in the VPC, encrypted between containers and at
/// rest. `name` is set for the stand-alone request; a pipeline step names its own jobs.
pub fn training_request(o: &Checked, n: &Names, name: Option<&str>) -> E {
    let mut entries: Vec<(&str, E)> = Vec::new();
    if let Some(name) = name {
        entries.push(("TrainingJobName", s(name)));
    }
    entries.extend([
        (
            "AlgorithmSpecification",
            map(vec![
                ("TrainingImage", image(o, "training")),
                ("TrainingInputMode", s("File")),
            ]),
        ),
        ("RoleArn", arn(&n.execution_role)),
        (
            "InputDataConfig",
            list(vec![map(vec![
                ("ChannelName", s("train")),
                (
                    "DataSource",
                    map(vec![(
                        "S3DataSource",
                        map(vec![
                            ("S3DataType", s("S3Prefix")),
                            ("S3Uri", s3_uri(o, "/train/")),
                            ("S3DataDistributionType", s("FullyReplicated")),
                        ]),
                    )]),
                ),
            ])]),
        ),
        (
            "OutputDataConfig",
            map(vec![
                ("S3OutputPath", s3_uri(o, "/output/")),
                ("KmsKeyId", arn(&n.data_key)),
            ]),
        ),
        (
            "ResourceConfig",
            map(vec![
                ("InstanceCount", E::Num(1)),
                ("InstanceType", s("ml.m5.xlarge")),
                ("VolumeSizeInGB", E::Num(30)),
                ("VolumeKmsKeyId", arn(&n.data_key)),
            ]),
        ),
        (
            "StoppingCondition",
            map(vec![("MaxRuntimeInSeconds", E::Num(86400))]),
        ),
        ("EnableNetworkIsolation", E::Bool(true)),
        ("EnableInterContainerTrafficEncryption", E::Bool(true)),
        (
            "VpcConfig",
            map(vec![
                ("SecurityGroupIds", list(vec![rf(&n.workload_sg)])),
                ("Subnets", list(n.subnets.iter().map(rf).collect())),
            ]),
        ),
    ]);
    map(entries)
}

/// The pipeline definition: one training step whose arguments are the isolated request.
pub fn pipeline_definition(o: &Checked, n: &Names) -> E {
    map(vec![
        ("Version", s("2020-12-01")),
        ("Metadata", E::Map(Vec::new())),
        ("Parameters", E::List(Vec::new())),
        (
            "Steps",
            list(vec![map(vec![
                ("Name", s("Train")),
                ("Type", s("Training")),
                ("Arguments", training_request(o, n, None)),
            ])]),
        ),
    ])
}
