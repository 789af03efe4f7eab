//! What runs on the network: the data key and bucket, the roles and their guardrails, the
//! package mirror, and the workloads the options ask for.

use super::documents::{
    account_trust, bucket_name, bucket_name_parts, bucket_policy, data_scientist_policy,
    execution_policy, execution_role_name, image, key_policy, pipeline_definition, sagemaker_trust,
};
use super::guardrails::guardrail_policy;
use super::resources::{
    Bucket, BucketPolicy, EndpointConfig, InlinePolicy, Key, KeyAlias, Kind, ManagedPolicy, Model,
    Notebook, PackageDomain, PackageRepository, Pipeline, Resource, Role, S3Url, Studio, Text,
    Variant,
};
use super::Names;
use crate::expr::R;
use crate::options::{Checked, Workload};

fn resource(r: R, why: impl Into<String>, kind: Kind) -> Resource {
    Resource {
        r,
        why: Text::same(why),
        kind,
    }
}

/// The resources after the network, in the order they are written.
pub fn resources(o: &Checked, n: &Names) -> Vec<Resource> {
    let mut v = data(o, n);
    v.extend(identity(o, n));
    if o.package_mirror {
        v.extend(package_mirror(o, n));
    }
    v.extend(workloads(o, n));
    v
}

/// The key and the bucket it encrypts.
fn data(o: &Checked, n: &Names) -> Vec<Resource> {
    vec![
        resource(
            n.data_key.clone(),
            "Customer-managed key (rotated yearly) for the bucket, notebook, Studio and endpoint volumes.",
            Kind::Key(Key {
                description: format!("{} data at rest", o.name),
                rotation: true,
                policy: key_policy(),
            }),
        ),
        resource(
            R::named("DataKeyAlias", "aws_kms_alias.data"),
            "A readable name for the key.",
            Kind::KeyAlias(KeyAlias {
                name: format!("alias/{}-data", o.name),
                key: n.data_key.clone(),
            }),
        ),
        Resource {
            r: n.data_bucket.clone(),
            why: Text::each(
                "The data: KMS-encrypted, never public, versioned, ACLs off.",
                "The data: KMS-encrypted, never public, versioned, ACLs off (the settings follow).",
            ),
            kind: Kind::Bucket(Bucket {
                name: bucket_name(o),
                sse_algorithm: "aws:kms",
                key: n.data_key.clone(),
                bucket_key: true,
                public_access_blocked: true,
                object_ownership: "BucketOwnerEnforced",
                versioning: "Enabled",
            }),
        },
        resource(
            R::named("DataBucketPolicy", "aws_s3_bucket_policy.data"),
            "TLS only; data only through the S3 endpoint; principals only ours; no replication.",
            Kind::BucketPolicy(BucketPolicy {
                bucket: n.data_bucket.clone(),
                policy: bucket_policy(o, n),
            }),
        ),
    ]
}

/// The role SageMaker runs as, the role people use, and the guardrails on both.
fn identity(o: &Checked, n: &Names) -> Vec<Resource> {
    vec![
        Resource {
            r: n.execution_role.clone(),
            why: Text::each(
                "The role SageMaker runs the workloads as: this bucket, this key, logs, own images.",
                "The role SageMaker runs the workloads as.",
            ),
            kind: Kind::Role(Role {
                name: execution_role_name(o),
                trust: sagemaker_trust(),
                policies: vec![InlinePolicy {
                    name: "sagemaker-execution",
                    why: "This bucket, this key, logs, own images, and running jobs under the guardrails.",
                    document: execution_policy(o, n),
                }],
            }),
        },
        Resource {
            r: n.data_scientist_role.clone(),
            why: Text::each(
                "The role people use: presigned notebook and Studio URLs only from the corporate network\nor through this VPC's notebook, Studio and API endpoints.",
                "The role people use.",
            ),
            kind: Kind::Role(Role {
                name: format!("{}-data-scientist", o.name),
                trust: account_trust(),
                policies: vec![InlinePolicy {
                    name: "presigned-urls-from-trusted-networks",
                    why: "Presigned notebook and Studio URLs only from the corporate network or through this VPC's\nnotebook, Studio and API endpoints.",
                    document: data_scientist_policy(o),
                }],
            }),
        },
        resource(
            R::named("GuardrailPolicy", "aws_iam_policy.guardrails"),
            "Guardrails for what these roles create later: no job or model without network isolation\nor outside this VPC's subnets, no notebook with internet access or root, no domain that is\nnot VPC-only. Fail-closed: a request that omits the setting is denied. guardrails/scp.json is\nthe same for the whole organization.",
            Kind::ManagedPolicy(ManagedPolicy {
                name: format!("{}-guardrails", o.name),
                roles: vec![n.execution_role.clone(), n.data_scientist_role.clone()],
                document: guardrail_policy(Some(n)),
                attachment_why: "The guardrails apply to this role.",
            }),
        ),
    ]
}

/// A CodeArtifact mirror of PyPI: CodeArtifact talks to PyPI, the VPC talks to CodeArtifact.
fn package_mirror(o: &Checked, n: &Names) -> Vec<Resource> {
    vec![
        resource(
            n.package_domain.clone(),
            "CodeArtifact domain for the PyPI mirror, encrypted with the data key.",
            Kind::PackageDomain(PackageDomain {
                name: o.name.clone(),
                key: n.data_key.clone(),
            }),
        ),
        resource(
            R::named("PypiRepository", "aws_codeartifact_repository.pypi"),
            "Mirror of public PyPI: CodeArtifact fetches packages, workloads never reach the internet.",
            Kind::PackageRepository(PackageRepository {
                domain: n.package_domain.clone(),
                name: "pypi",
                description: "Mirror of public PyPI",
                upstream: "public:pypi",
            }),
        ),
    ]
}

/// The workloads the options ask for, each closed: no internet, VPC-only, isolated.
fn workloads(o: &Checked, n: &Names) -> Vec<Resource> {
    let mut v = Vec::new();
    if o.has(Workload::Notebook) {
        v.push(resource(
            R::named("Notebook", "aws_sagemaker_notebook_instance.main"),
            "Notebook instance: in a private subnet, no direct internet access, no root.",
            Kind::Notebook(Notebook {
                name: format!("{}-notebook", o.name),
                instance_type: "ml.t3.medium",
                role: n.execution_role.clone(),
                subnet: n.subnets[0].clone(),
                security_groups: vec![n.workload_sg.clone()],
                direct_internet_access: false,
                root_access: false,
                key: n.data_key.clone(),
                volume_gb: 20,
            }),
        ));
    }
    if o.has(Workload::Studio) {
        v.push(resource(
            R::named("StudioDomain", "aws_sagemaker_domain.main"),
            "Studio domain: VPC-only, so apps reach AWS only through this VPC's endpoints.",
            Kind::Studio(Studio {
                name: o.name.clone(),
                auth: "IAM",
                vpc_only: true,
                vpc: n.vpc.clone(),
                subnets: n.subnets.clone(),
                key: n.data_key.clone(),
                role: n.execution_role.clone(),
                security_groups: vec![n.workload_sg.clone()],
            }),
        ));
    }
    if o.has(Workload::Model) {
        v.extend(model(o, n));
    }
    if o.has(Workload::Training) {
        v.push(resource(
            R::named("TrainingPipeline", "aws_sagemaker_pipeline.training"),
            "Training pipeline: its step is the isolated CreateTrainingJob request (network isolation,\nthis VPC, inter-container traffic encryption, KMS), the same as training-job-request.json.",
            Kind::Pipeline(Pipeline {
                name: format!("{}-training", o.name),
                role: n.execution_role.clone(),
                definition: pipeline_definition(o, n),
            }),
        ));
    }
    v
}

/// A network-isolated model in the VPC and an endpoint configuration for it (no endpoint: it
/// bills per hour).
fn model(o: &Checked, n: &Names) -> Vec<Resource> {
    let why = |action: &str| {
        format!("Model: network-isolated (the container has no network at all) and in the VPC. Push the\nimage to the ECR repository named below before {action}.")
    };
    vec![
        Resource {
            r: n.model.clone(),
            why: Text::each(why("deploying"), why("applying")),
            kind: Kind::Model(Model {
                name: format!("{}-model", o.name),
                role: n.execution_role.clone(),
                network_isolation: true,
                image: image(o, "model"),
                data: S3Url {
                    bucket: n.data_bucket.clone(),
                    bucket_name: bucket_name_parts(o),
                    key: "models/model.tar.gz",
                },
                security_groups: vec![n.workload_sg.clone()],
                subnets: n.subnets.clone(),
            }),
        },
        resource(
            R::named(
                "EndpointConfig",
                "aws_sagemaker_endpoint_configuration.main",
            ),
            "Endpoint configuration: encrypted volumes, no SSM access into the containers.",
            Kind::EndpointConfig(EndpointConfig {
                name: format!("{}-endpoint-config", o.name),
                key: n.data_key.clone(),
                variants: vec![Variant {
                    name: "AllTraffic",
                    model: n.model.clone(),
                    instance_type: "ml.m5.large",
                    instances: 1,
                    weight: 1.0,
                    ssm_access: false,
                }],
            }),
        ),
    ]
}
