//! Every policy document of the environment and the training request, as format-neutral values
//! ([`E`]): the templates embed them, the JSON files print them with placeholders, so the
//! controls are the same wherever they are read.

use super::network::presign_endpoints;
use super::Names;
use crate::expr::{account, arn, list, lit, map, rf, s, strs, sub, E, P};
use crate::options::Checked;
use egressproof_aws::writes::DATA_WRITES;

/// A policy statement, written in the order IAM documents conventionally use (`Sid`, `Effect`,
/// `Principal`, `Action`, `Resource`, `Condition`) whatever order it is built in.
pub(super) struct Statement {
    sid: Option<&'static str>,
    effect: &'static str,
    principal: Option<E>,
    action: Option<E>,
    resource: Option<E>,
    condition: Option<E>,
}

pub(super) fn allow(sid: &'static str) -> Statement {
    Statement::new(Some(sid), "Allow")
}

pub(super) fn deny(sid: &'static str) -> Statement {
    Statement::new(Some(sid), "Deny")
}

impl Statement {
    fn new(sid: Option<&'static str>, effect: &'static str) -> Statement {
        Statement {
            sid,
            effect,
            principal: None,
            action: None,
            resource: None,
            condition: None,
        }
    }

    /// A trust policy's statement, which names no `Sid`.
    fn trust(principal: E) -> Statement {
        Statement::new(None, "Allow")
            .principal(principal)
            .action("sts:AssumeRole")
    }

    fn principal(mut self, principal: E) -> Statement {
        self.principal = Some(principal);
        self
    }

    /// Any principal: a resource policy whose conditions say who.
    fn anyone(self) -> Statement {
        self.principal(s("*"))
    }

    /// One action, written as a string.
    pub(super) fn action(mut self, action: &str) -> Statement {
        self.action = Some(s(action));
        self
    }

    /// Several actions, written as a list.
    pub(super) fn actions(mut self, actions: &[&str]) -> Statement {
        self.action = Some(strs(actions));
        self
    }

    pub(super) fn resource(mut self, resource: E) -> Statement {
        self.resource = Some(resource);
        self
    }

    /// Every resource.
    pub(super) fn anything(self) -> Statement {
        self.resource(s("*"))
    }

    pub(super) fn condition(mut self, condition: E) -> Statement {
        self.condition = Some(condition);
        self
    }

    pub(super) fn build(self) -> E {
        let mut entries = Vec::new();
        if let Some(sid) = self.sid {
            entries.push(("Sid".to_string(), s(sid)));
        }
        entries.push(("Effect".to_string(), s(self.effect)));
        let rest = [
            ("Principal", self.principal),
            ("Action", self.action),
            ("Resource", self.resource),
            ("Condition", self.condition),
        ];
        for (key, value) in rest {
            if let Some(value) = value {
                entries.push((key.to_string(), value));
            }
        }
        E::Map(entries)
    }
}

/// A policy document.
pub(super) fn policy(statements: Vec<Statement>) -> E {
    map(vec![
        ("Version", s("2012-10-17")),
        (
            "Statement",
            list(statements.into_iter().map(Statement::build).collect()),
        ),
    ])
}

/// A condition with one operator and one key.
pub(super) fn cond(op: &str, key: &str, value: E) -> E {
    map(vec![(op, map(vec![(key, value)]))])
}

/// `arn:aws:<service>:<region>:<account>:<resource>`.
fn regional_arn(service: &str, resource: &str) -> E {
    sub(vec![
        lit(&format!("arn:aws:{service}:")),
        P::Region,
        lit(":"),
        P::Account,
        lit(&format!(":{resource}")),
    ])
}

/// The account itself as a principal (`arn:aws:iam::<account>:root`).
fn account_root() -> E {
    map(vec![(
        "AWS",
        sub(vec![lit("arn:aws:iam::"), P::Account, lit(":root")]),
    )])
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

/// The Deny that keeps the data-carrying writes (the aws layer's list: objects, messages,
/// records, log events) on resources whose account (or organization) is `owner`. SageMaker
/// uploads a job's output and checkpoints as the execution role from its own network, where
/// no endpoint policy applies: only the role's permissions keep that data in (EP306). Absent
/// `aws:ResourceAccount` is denied too (`IfExists`), so the Deny fails closed.
pub(super) fn writes_stay_with(key: &str, owner: E) -> Statement {
    deny("DataWritesStayInTheAccount")
        .actions(DATA_WRITES)
        .anything()
        .condition(cond("StringNotEqualsIfExists", key, owner))
}

/// [`writes_stay_with`] this account, or this organization when it is given.
pub(super) fn writes_stay_in_ours(o: &Checked) -> Statement {
    match &o.org_id {
        Some(org) => writes_stay_with("aws:ResourceOrgID", s(org)),
        None => writes_stay_with("aws:ResourceAccount", account()),
    }
}

/// Interface endpoint policy: any action, but only by our principals on our resources, so
/// credentials or buckets of another account are useless through it.
pub fn interface_endpoint_policy(o: &Checked) -> E {
    policy(vec![allow("OwnPrincipalsOnOwnResources")
        .anyone()
        .action("*")
        .anything()
        .condition(ours(o, true, true))])
}

/// S3 gateway endpoint policy: our buckets only, plus read-only access to the one bucket ECR
/// serves image layers from (an AWS-owned bucket named per Region; without it no image pulls).
pub fn s3_endpoint_policy(o: &Checked) -> E {
    policy(vec![
        allow("OwnBucketsOnly")
            .anyone()
            .action("s3:*")
            .anything()
            .condition(ours(o, true, true)),
        allow("EcrImageLayersReadOnly")
            .anyone()
            .action("s3:GetObject")
            .resource(sub(vec![
                lit("arn:aws:s3:::prod-"),
                P::Region,
                lit("-starport-layer-bucket/*"),
            ]))
            .condition(ours(o, true, false)),
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
    policy(vec![
        deny("DenyInsecureTransport")
            .anyone()
            .action("s3:*")
            .resource(both())
            .condition(cond("Bool", "aws:SecureTransport", s("false"))),
        deny("DenyDataAccessOutsideTheS3Endpoint")
            .anyone()
            .actions(&[
                "s3:GetObject",
                "s3:GetObjectVersion",
                "s3:PutObject",
                "s3:DeleteObject",
                "s3:DeleteObjectVersion",
                "s3:ListBucket",
                "s3:ListBucketVersions",
                "s3:RestoreObject",
            ])
            .resource(both())
            .condition(cond(
                "StringNotEquals",
                "aws:SourceVpce",
                rf(&n.s3_endpoint),
            )),
        deny("DenyPrincipalsOutsideOurs")
            .anyone()
            .action("s3:*")
            .resource(both())
            .condition(map(vec![
                ("StringNotEquals", not_ours),
                (
                    "BoolIfExists",
                    map(vec![("aws:PrincipalIsAWSService", s("false"))]),
                ),
            ])),
        deny("DenyReplication")
            .anyone()
            .action("s3:PutReplicationConfiguration")
            .resource(bucket_arn(o, "")),
    ])
}

/// The KMS key policy: the account administers the key; IAM policies grant its use.
pub fn key_policy() -> E {
    policy(vec![allow("AccountAdministersTheKey")
        .principal(account_root())
        .action("kms:*")
        .anything()])
}

/// Trust policy for a role SageMaker assumes, limited to this account (confused deputy).
pub fn sagemaker_trust() -> E {
    policy(vec![Statement::trust(map(vec![(
        "Service",
        s("sagemaker.amazonaws.com"),
    )]))
    .condition(cond("StringEquals", "aws:SourceAccount", account()))])
}

/// Trust policy for the data scientists' role: principals of this account (federate into it).
pub fn account_trust() -> E {
    policy(vec![Statement::trust(account_root())])
}

pub fn execution_role_name(o: &Checked) -> String {
    format!("{}-execution", o.name)
}

/// What SageMaker needs to run the workloads, scoped to this environment's bucket and key.
pub fn execution_policy(o: &Checked, n: &Names) -> E {
    let mut statements = vec![
        allow("DataBucket")
            .actions(&[
                "s3:GetObject",
                "s3:PutObject",
                "s3:DeleteObject",
                "s3:ListBucket",
                "s3:GetBucketLocation",
            ])
            .resource(list(vec![bucket_arn(o, ""), bucket_arn(o, "/*")])),
        allow("DataKey")
            .actions(&[
                "kms:Decrypt",
                "kms:Encrypt",
                "kms:GenerateDataKey",
                "kms:ReEncryptFrom",
                "kms:ReEncryptTo",
                "kms:DescribeKey",
                "kms:CreateGrant",
            ])
            .resource(arn(&n.data_key)),
        allow("Logs")
            .actions(&[
                "logs:CreateLogGroup",
                "logs:CreateLogStream",
                "logs:PutLogEvents",
                "logs:DescribeLogStreams",
            ])
            .resource(regional_arn("logs", "log-group:/aws/sagemaker/*")),
        allow("PullOwnImages")
            .actions(&[
                "ecr:BatchGetImage",
                "ecr:GetDownloadUrlForLayer",
                "ecr:BatchCheckLayerAvailability",
            ])
            .resource(regional_arn("ecr", "repository/*")),
        allow("EcrToken")
            .action("ecr:GetAuthorizationToken")
            .anything(),
        allow("VpcNetworkInterfaces")
            .actions(&[
                "ec2:CreateNetworkInterface",
                "ec2:CreateNetworkInterfacePermission",
                "ec2:DeleteNetworkInterface",
                "ec2:DeleteNetworkInterfacePermission",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeVpcs",
                "ec2:DescribeDhcpOptions",
                "ec2:DescribeSubnets",
                "ec2:DescribeSecurityGroups",
            ])
            .anything(),
        allow("RunSageMakerWork")
            .actions(&[
                "sagemaker:AddTags",
                "sagemaker:CreateModel",
                "sagemaker:CreateProcessingJob",
                "sagemaker:CreateTrainingJob",
                "sagemaker:Describe*",
                "sagemaker:List*",
                "sagemaker:StopProcessingJob",
                "sagemaker:StopTrainingJob",
            ])
            .resource(regional_arn("sagemaker", "*")),
        allow("PassThisRoleToSageMakerOnly")
            .action("iam:PassRole")
            .resource(sub(vec![
                lit("arn:aws:iam::"),
                P::Account,
                lit(&format!(":role/{}", execution_role_name(o))),
            ]))
            .condition(cond(
                "StringEquals",
                "iam:PassedToService",
                s("sagemaker.amazonaws.com"),
            )),
        writes_stay_in_ours(o),
    ];
    if o.package_mirror {
        statements.extend([
            allow("PackageMirror")
                .actions(&[
                    "codeartifact:GetAuthorizationToken",
                    "codeartifact:GetRepositoryEndpoint",
                    "codeartifact:ReadFromRepository",
                ])
                .resource(regional_arn("codeartifact", "*")),
            allow("PackageMirrorBearerToken")
                .action("sts:GetServiceBearerToken")
                .anything()
                .condition(cond(
                    "StringEquals",
                    "sts:AWSServiceName",
                    s("codeartifact.amazonaws.com"),
                )),
        ]);
    }
    policy(statements)
}

/// The data scientists' policy: open notebooks and Studio, but only from the corporate network
/// or through this VPC's endpoints. Through an endpoint `aws:SourceIp` is absent (the negated
/// `NotIpAddress` is then true) and `aws:SourceVpce` decides; from the internet `aws:SourceVpce`
/// is absent and the source address decides.
pub fn data_scientist_policy(o: &Checked) -> E {
    policy(vec![
        allow("OpenNotebooksAndStudio")
            .actions(&[
                "sagemaker:CreatePresignedDomainUrl",
                "sagemaker:CreatePresignedNotebookInstanceUrl",
                "sagemaker:Describe*",
                "sagemaker:List*",
                "sagemaker:StartNotebookInstance",
                "sagemaker:StopNotebookInstance",
            ])
            .anything(),
        presigned_url_restriction(o),
    ])
}

/// The Deny that keeps presigned notebook and Studio URLs to the corporate network or this VPC's
/// endpoints: in the data scientists' policy (that role) and in the organization's SCP (every
/// principal of the account, administrators included). The two conditions are ANDed on
/// purpose: through an endpoint `aws:SourceIp` is absent and `aws:SourceVpce` decides, from
/// the internet the reverse, so an absent key never lets a request through.
pub(super) fn presigned_url_restriction(o: &Checked) -> Statement {
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
    deny("PresignedUrlsOnlyFromCorporateNetworkOrEndpoints")
        .actions(&[
            "sagemaker:CreatePresignedDomainUrl",
            "sagemaker:CreatePresignedNotebookInstanceUrl",
        ])
        .anything()
        .condition(map(conditions))
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
