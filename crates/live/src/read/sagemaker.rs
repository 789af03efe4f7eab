//! SageMaker workloads of one region: the List calls name them, a Describe per item reads the
//! settings that decide egress (the List answers do not carry them).

use super::{call, each, resource, Ctx};
use aws_sdk_sagemaker::primitives::DateTime;
use aws_sdk_sagemaker::types as t;
use aws_sdk_sagemaker::Client;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use egressproof_aws::destination::{self, Holder};
use egressproof_aws::sagemaker::Request;
use egressproof_model::{
    Attr, DataDestination, Domain, EndpointConfig, FeatureGroup, Ident, Job, JobKind, Kind, Model,
    NotebookInstance, Resource, SageMakerModel, Space, Span, UserProfile, Value, VpcConfig,
};
use std::collections::HashMap;
use std::future::Future;
use std::sync::Arc;

fn vpc_config(v: Option<&t::VpcConfig>) -> Option<VpcConfig> {
    v.map(|v| VpcConfig {
        subnets: Attr::Known(v.subnets().iter().map(Ident::new).collect()),
        security_groups: Attr::Known(v.security_group_ids().iter().map(Ident::new).collect()),
    })
}

fn groups(list: &[String]) -> Option<Attr<Vec<Ident>>> {
    (!list.is_empty()).then(|| Attr::Known(list.iter().map(Ident::new).collect()))
}

fn text<S: AsRef<str>>(v: Option<S>) -> Option<Attr<String>> {
    v.map(|s| Attr::Known(s.as_ref().to_string()))
}

/// Lists with a paginator, turning a failure into a diagnostic in `m`.
macro_rules! list {
    ($m:ident, $api:literal, $reads:literal, $scope:expr, $req:expr) => {
        match call(
            $api,
            $reads,
            &$scope,
            $req.into_paginator().items().send().try_collect(),
        )
        .await
        {
            Ok(v) => v,
            Err(d) => {
                $m.diagnostics.push(d);
                Vec::new()
            }
        }
    };
}

pub(super) async fn read(c: &Ctx, sm: &Client) -> Model {
    let (mut a, b, cfgs, d, e, f, g) = tokio::join!(
        notebooks(c, sm),
        studio(c, sm),
        models_and_endpoint_configs(c, sm),
        training_jobs(c, sm),
        processing_jobs(c, sm),
        monitoring_schedules(c, sm),
        feature_groups(c, sm),
    );
    for m in [b, cfgs, d, e, f, g] {
        a.extend(m);
    }
    a
}

/// Describes each of `items`, at most `c.limit` at a time: the ARN the caller would see is
/// `path(item)` in this region and account, a failed Describe becomes a diagnostic naming
/// `api` and what it `reads` there, and an answer becomes the one resource `build` makes of it
/// (given the context, the answer, that ARN and the item). Written once so that every kind of
/// SageMaker resource reads, scopes and reports its Describe the same way.
async fn describe_each<K, O, E, Fut, P, D, B>(
    c: &Ctx,
    sm: &Client,
    items: Vec<K>,
    (api, reads): (&'static str, &'static str),
    path: P,
    describe: D,
    build: B,
) -> Model
where
    K: Send + 'static,
    O: Send + 'static,
    E: std::error::Error + ProvideErrorMetadata + Send + 'static,
    Fut: Future<Output = Result<O, E>> + Send + 'static,
    P: Fn(&K) -> String + Send + Sync + 'static,
    D: Fn(&Client, &K) -> Fut + Send + Sync + 'static,
    B: Fn(&Ctx, O, String, K) -> Resource + Send + Sync + 'static,
{
    let (client, ctx, build) = (sm.clone(), c.clone(), Arc::new(build));
    each(items, c.limit, move |item: K| {
        let arn = ctx.arn("sagemaker", &path(&item));
        let answer = describe(&client, &item);
        let (c, build) = (ctx.clone(), build.clone());
        async move {
            let mut out = Model::default();
            match call(api, reads, &arn, answer).await {
                Ok(d) => out.resources.push(build(&c, d, arn, item)),
                Err(d) => out.diagnostics.push(d),
            }
            out
        }
    })
    .await
}

/// The ARN path of a resource SageMaker names in lower case: `kind/name`.
fn lower(kind: &'static str) -> impl Fn(&String) -> String + Send + Sync + 'static {
    move |name| format!("{kind}/{}", name.to_lowercase())
}
async fn notebooks(c: &Ctx, sm: &Client) -> Model {
    let mut m = Model::default();
    let list: Vec<t::NotebookInstanceSummary> = list!(
        m,
        "sagemaker:ListNotebookInstances",
        "notebook instances",
        c.arn("sagemaker", "notebook-instance/*"),
        sm.list_notebook_instances()
    );
    let names: Vec<String> = list
        .iter()
        .filter_map(|n| n.notebook_instance_name().map(str::to_string))
        .collect();
    m.extend(
        describe_each(
            c,
            sm,
            names,
            (
                "sagemaker:DescribeNotebookInstance",
                "a notebook instance's network settings",
            ),
            lower("notebook-instance"),
            |sm, name| {
                sm.describe_notebook_instance()
                    .notebook_instance_name(name)
                    .send()
            },
            |_, n, arn, name| {
                let arn = n.notebook_instance_arn().map(str::to_string).unwrap_or(arn);
                let nb = NotebookInstance {
                    subnet: n.subnet_id().map(|s| Attr::Known(Ident::new(s))),
                    security_groups: groups(n.security_groups()),
                    direct_internet_access: text(n.direct_internet_access().map(|d| d.as_str())),
                    root_access: text(n.root_access().map(|d| d.as_str())),
                    kms_key: text(n.kms_key_id()),
                    role: n.role_arn().map(|r| Value::Str(r.to_string())),
                };
                resource(
                    arn.clone(),
                    name,
                    "AWS::SageMaker::NotebookInstance",
                    arn,
                    Kind::NotebookInstance(nb),
                )
            },
        )
        .await,
    );
    m
}

async fn studio(c: &Ctx, sm: &Client) -> Model {
    let mut m = Model::default();
    let (domains, profiles, spaces) = tokio::join!(
        call(
            "sagemaker:ListDomains",
            "Studio domains",
            c.arn("sagemaker", "domain/*"),
            sm.list_domains()
                .into_paginator()
                .items()
                .send()
                .try_collect()
        ),
        call(
            "sagemaker:ListUserProfiles",
            "Studio user profiles",
            c.arn("sagemaker", "user-profile/*"),
            sm.list_user_profiles()
                .into_paginator()
                .items()
                .send()
                .try_collect()
        ),
        call(
            "sagemaker:ListSpaces",
            "Studio spaces",
            c.arn("sagemaker", "space/*"),
            sm.list_spaces()
                .into_paginator()
                .items()
                .send()
                .try_collect()
        ),
    );
    let domains: Vec<t::DomainDetails> = domains.unwrap_or_else(|d| {
        m.diagnostics.push(d);
        Vec::new()
    });
    let profiles: Vec<t::UserProfileDetails> = profiles.unwrap_or_else(|d| {
        m.diagnostics.push(d);
        Vec::new()
    });
    let spaces: Vec<t::SpaceDetails> = spaces.unwrap_or_else(|d| {
        m.diagnostics.push(d);
        Vec::new()
    });

    let ids: Vec<String> = domains
        .iter()
        .filter_map(|d| d.domain_id().map(str::to_string))
        .collect();
    let domains = describe_each(
        c,
        sm,
        ids,
        (
            "sagemaker:DescribeDomain",
            "a Studio domain's network settings",
        ),
        |id: &String| format!("domain/{id}"),
        |sm, id| sm.describe_domain().domain_id(id).send(),
        |_, d, arn, id| {
            let arn = d.domain_arn().map(str::to_string).unwrap_or(arn);
            let domain = Domain {
                app_network_access_type: text(d.app_network_access_type().map(|a| a.as_str())),
                vpc: d.vpc_id().map(|v| Attr::Known(Ident::new(v))),
                subnets: groups(d.subnet_ids()),
                default_user_security_groups: d
                    .default_user_settings()
                    .and_then(|u| groups(u.security_groups())),
                default_space_security_groups: d
                    .default_space_settings()
                    .and_then(|s| groups(s.security_groups())),
                kms_key: text(d.kms_key_id()),
                auth_mode: text(d.auth_mode().map(|a| a.as_str())),
                execution_roles: [
                    d.default_user_settings().and_then(|u| u.execution_role()),
                    d.default_space_settings().and_then(|s| s.execution_role()),
                ]
                .into_iter()
                .flatten()
                .map(|r| Value::Str(r.to_string()))
                .collect(),
                destinations: user_settings(
                    Holder::Domain,
                    "DefaultUserSettings",
                    d.default_user_settings(),
                    &arn,
                ),
            };
            let name = match d.domain_name() {
                Some(n) => format!("{n} ({id})"),
                None => id.clone(),
            };
            resource(
                id,
                name,
                "AWS::SageMaker::Domain",
                arn,
                Kind::Domain(domain),
            )
        },
    );

    let pairs: Vec<(String, String)> = profiles
        .iter()
        .filter_map(|p| {
            Some((
                p.domain_id()?.to_string(),
                p.user_profile_name()?.to_string(),
            ))
        })
        .collect();
    let profiles = describe_each(
        c,
        sm,
        pairs,
        (
            "sagemaker:DescribeUserProfile",
            "a Studio user profile's security groups",
        ),
        |(domain, name): &(String, String)| format!("user-profile/{domain}/{name}"),
        |sm, (domain, name)| {
            sm.describe_user_profile()
                .domain_id(domain)
                .user_profile_name(name)
                .send()
        },
        |_, p, arn, (domain, name)| {
            let arn = p.user_profile_arn().map(str::to_string).unwrap_or(arn);
            let profile = UserProfile {
                domain: Attr::Known(Ident::new(&domain)),
                security_groups: p.user_settings().and_then(|u| groups(u.security_groups())),
                role: p
                    .user_settings()
                    .and_then(|u| u.execution_role())
                    .map(|r| Value::Str(r.to_string())),
                destinations: user_settings(
                    Holder::UserProfile,
                    "UserSettings",
                    p.user_settings(),
                    &arn,
                ),
            };
            resource(
                arn.clone(),
                name,
                "AWS::SageMaker::UserProfile",
                arn,
                Kind::UserProfile(profile),
            )
        },
    );

    let pairs: Vec<(String, String)> = spaces
        .iter()
        .filter_map(|s| Some((s.domain_id()?.to_string(), s.space_name()?.to_string())))
        .collect();
    let spaces = describe_each(
        c,
        sm,
        pairs,
        (
            "sagemaker:DescribeSpace",
            "a Studio space's remote access setting",
        ),
        |(domain, name): &(String, String)| format!("space/{domain}/{name}"),
        |sm, (domain, name)| {
            sm.describe_space()
                .domain_id(domain)
                .space_name(name)
                .send()
        },
        |_, s, arn, (domain, name)| {
            let arn = s.space_arn().map(str::to_string).unwrap_or(arn);
            let space = Space {
                domain: Attr::Known(Ident::new(&domain)),
                remote_access: text(
                    s.space_settings()
                        .and_then(|x| x.remote_access())
                        .map(|r| r.as_str()),
                ),
            };
            resource(
                arn.clone(),
                name,
                "AWS::SageMaker::Space",
                arn,
                Kind::Space(space),
            )
        },
    );
    let (a, b, s) = tokio::join!(domains, profiles, spaces);
    m.extend(a);
    m.extend(b);
    m.extend(s);
    m
}

/// Models first, so that endpoint configs can name them by the ARN the model resource has.
async fn models_and_endpoint_configs(c: &Ctx, sm: &Client) -> Model {
    let mut m = Model::default();
    let list: Vec<t::ModelSummary> = list!(
        m,
        "sagemaker:ListModels",
        "models",
        c.arn("sagemaker", "model/*"),
        sm.list_models()
    );
    let mut arns: HashMap<String, String> = HashMap::new();
    for s in &list {
        if let (Some(n), Some(a)) = (s.model_name(), s.model_arn()) {
            arns.insert(n.to_string(), a.to_string());
        }
    }
    let names: Vec<String> = list
        .iter()
        .filter_map(|s| s.model_name().map(str::to_string))
        .collect();
    m.extend(
        describe_each(
            c,
            sm,
            names,
            (
                "sagemaker:DescribeModel",
                "a model's network isolation and VPC settings",
            ),
            lower("model"),
            |sm, name| sm.describe_model().model_name(name).send(),
            |_, d, arn, name| {
                let arn = d.model_arn().map(str::to_string).unwrap_or(arn);
                let model = SageMakerModel {
                    network_isolation: d.enable_network_isolation().map(Attr::Known),
                    vpc_config: vpc_config(d.vpc_config()),
                    role: d.execution_role_arn().map(|r| Value::Str(r.to_string())),
                };
                resource(
                    arn.clone(),
                    name,
                    "AWS::SageMaker::Model",
                    arn,
                    Kind::Model(model),
                )
            },
        )
        .await,
    );

    let list: Vec<t::EndpointConfigSummary> = list!(
        m,
        "sagemaker:ListEndpointConfigs",
        "endpoint configs",
        c.arn("sagemaker", "endpoint-config/*"),
        sm.list_endpoint_configs()
    );
    let names: Vec<String> = list
        .iter()
        .filter_map(|s| s.endpoint_config_name().map(str::to_string))
        .collect();
    m.extend(
        describe_each(
            c,
            sm,
            names,
            (
                "sagemaker:DescribeEndpointConfig",
                "an endpoint config's models and variants",
            ),
            lower("endpoint-config"),
            |sm, name| {
                sm.describe_endpoint_config()
                    .endpoint_config_name(name)
                    .send()
            },
            move |c, d, arn, name| {
                let arn = d.endpoint_config_arn().map(str::to_string).unwrap_or(arn);
                let variants: Vec<&t::ProductionVariant> = d
                    .production_variants()
                    .iter()
                    .chain(d.shadow_production_variants())
                    .collect();
                let cfg = EndpointConfig {
                    models: variants
                        .iter()
                        .filter_map(|v| v.model_name())
                        .map(|n| {
                            let id = arns.get(n).cloned().unwrap_or_else(|| {
                                c.arn("sagemaker", &format!("model/{}", n.to_lowercase()))
                            });
                            Attr::Known(Ident::new(id))
                        })
                        .collect(),
                    ssm_access: variants
                        .iter()
                        .filter_map(|v| v.enable_ssm_access())
                        .map(Attr::Known)
                        .collect(),
                    kms_key: text(d.kms_key_id()),
                    destinations: endpoint_config_destinations(&d, &arn),
                };
                resource(
                    arn.clone(),
                    name,
                    "AWS::SageMaker::EndpointConfig",
                    arn,
                    Kind::EndpointConfig(cfg),
                )
            },
        )
        .await,
    );
    m
}

fn since(c: &Ctx) -> DateTime {
    DateTime::from(c.since)
}

async fn training_jobs(c: &Ctx, sm: &Client) -> Model {
    let mut m = Model::default();
    let list: Vec<t::TrainingJobSummary> = list!(
        m,
        "sagemaker:ListTrainingJobs",
        "recent training jobs",
        c.arn("sagemaker", "training-job/*"),
        sm.list_training_jobs().creation_time_after(since(c))
    );
    let names: Vec<String> = list
        .iter()
        .filter_map(|s| s.training_job_name().map(str::to_string))
        .collect();
    m.extend(
        describe_each(
            c,
            sm,
            names,
            (
                "sagemaker:DescribeTrainingJob",
                "a training job's network isolation and VPC settings",
            ),
            lower("training-job"),
            |sm, name| sm.describe_training_job().training_job_name(name).send(),
            |_, d, arn, name| {
                let arn = d.training_job_arn().map(str::to_string).unwrap_or(arn);
                let job = Job {
                    job_kind: JobKind::Training,
                    network_isolation: d.enable_network_isolation().map(Attr::Known),
                    vpc_config: vpc_config(d.vpc_config()),
                    inter_container_encryption: d
                        .enable_inter_container_traffic_encryption()
                        .map(Attr::Known),
                    step: None,
                    role: d.role_arn().map(|r| Value::Str(r.to_string())),
                    destinations: training_destinations(&d, &arn),
                };
                resource(
                    arn.clone(),
                    name,
                    "AWS::SageMaker::TrainingJob",
                    arn,
                    Kind::Job(job),
                )
            },
        )
        .await,
    );
    m
}

async fn processing_jobs(c: &Ctx, sm: &Client) -> Model {
    let mut m = Model::default();
    let list: Vec<t::ProcessingJobSummary> = list!(
        m,
        "sagemaker:ListProcessingJobs",
        "recent processing jobs",
        c.arn("sagemaker", "processing-job/*"),
        sm.list_processing_jobs().creation_time_after(since(c))
    );
    let names: Vec<String> = list
        .iter()
        .filter_map(|s| s.processing_job_name().map(str::to_string))
        .collect();
    m.extend(
        describe_each(
            c,
            sm,
            names,
            (
                "sagemaker:DescribeProcessingJob",
                "a processing job's network settings",
            ),
            lower("processing-job"),
            |sm, name| {
                sm.describe_processing_job()
                    .processing_job_name(name)
                    .send()
            },
            |_, d, arn, name| {
                let arn = d.processing_job_arn().map(str::to_string).unwrap_or(arn);
                let net = d.network_config();
                let job = Job {
                    job_kind: JobKind::Processing,
                    network_isolation: net
                        .and_then(|n| n.enable_network_isolation())
                        .map(Attr::Known),
                    vpc_config: vpc_config(net.and_then(|n| n.vpc_config())),
                    inter_container_encryption: net
                        .and_then(|n| n.enable_inter_container_traffic_encryption())
                        .map(Attr::Known),
                    step: None,
                    role: d.role_arn().map(|r| Value::Str(r.to_string())),
                    destinations: processing_destinations(&d, &arn),
                };
                resource(
                    arn.clone(),
                    name,
                    "AWS::SageMaker::ProcessingJob",
                    arn,
                    Kind::Job(job),
                )
            },
        )
        .await,
    );
    m
}

/// What decides a monitoring job's egress, wherever the schedule keeps its definition (inline,
/// or a job definition it names): its network settings, the role it runs as, and the S3
/// locations it writes its reports to.
struct Net {
    isolation: Option<bool>,
    vpc: Option<VpcConfig>,
    encryption: Option<bool>,
    role: Option<Value>,
    destinations: Vec<DataDestination>,
}

impl Net {
    fn of(
        n: Option<&t::MonitoringNetworkConfig>,
        role: Option<&str>,
        destinations: Vec<DataDestination>,
    ) -> Net {
        Net {
            isolation: n.and_then(|n| n.enable_network_isolation()),
            vpc: vpc_config(n.and_then(|n| n.vpc_config())),
            encryption: n.and_then(|n| n.enable_inter_container_traffic_encryption()),
            role: role.map(|r| Value::Str(r.to_string())),
            destinations,
        }
    }
}

/// The S3 locations a monitoring job writes to: `MonitoringOutputs[].S3Output.S3Uri` under
/// `prefix` (the output config's path in `holder`'s API shape), located at `arn`.
fn monitoring_destinations(
    holder: Holder,
    prefix: &str,
    outputs: Option<&t::MonitoringOutputConfig>,
    arn: &str,
) -> Vec<DataDestination> {
    let path = format!("{prefix}.MonitoringOutputs[].S3Output.S3Uri");
    outputs
        .map(|o| o.monitoring_outputs())
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter_map(|(i, o)| {
            found(
                holder,
                &path,
                format!("{prefix}.MonitoringOutputs[{i}].S3Output.S3Uri"),
                o.s3_output().and_then(|s| s.s3_uri()),
                None,
                arn,
            )
        })
        .collect()
}

async fn monitoring_schedules(c: &Ctx, sm: &Client) -> Model {
    let mut m = Model::default();
    let list: Vec<t::MonitoringScheduleSummary> = list!(
        m,
        "sagemaker:ListMonitoringSchedules",
        "monitoring schedules",
        c.arn("sagemaker", "monitoring-schedule/*"),
        sm.list_monitoring_schedules()
    );
    let names: Vec<String> = list
        .iter()
        .filter_map(|s| s.monitoring_schedule_name().map(str::to_string))
        .collect();
    let (client, ctx) = (sm.clone(), c.clone());
    m.extend(
        each(names, c.limit, move |name: String| {
            let (sm, c) = (client.clone(), ctx.clone());
            async move {
                let mut out = Model::default();
                let arn = c.arn(
                    "sagemaker",
                    &format!("monitoring-schedule/{}", name.to_lowercase()),
                );
                let d = match call(
                    "sagemaker:DescribeMonitoringSchedule",
                    "a monitoring schedule's job definition",
                    &arn,
                    sm.describe_monitoring_schedule()
                        .monitoring_schedule_name(&name)
                        .send(),
                )
                .await
                {
                    Ok(d) => d,
                    Err(d) => {
                        out.diagnostics.push(d);
                        return out;
                    }
                };
                let arn = d
                    .monitoring_schedule_arn()
                    .map(str::to_string)
                    .unwrap_or(arn);
                let cfg = d.monitoring_schedule_config();
                let mtype = cfg
                    .and_then(|c| c.monitoring_type())
                    .or(d.monitoring_type())
                    .map(|t| t.as_str().to_string());
                let kind = match mtype.as_deref() {
                    Some("DataQuality") => JobKind::DataQualityMonitoring,
                    Some("ModelQuality") => JobKind::ModelQualityMonitoring,
                    Some("ModelBias") => JobKind::ModelBiasMonitoring,
                    Some("ModelExplainability") => JobKind::ModelExplainabilityMonitoring,
                    _ => JobKind::MonitoringSchedule,
                };
                let net: Result<Net, String> = if let Some(def) =
                    cfg.and_then(|c| c.monitoring_job_definition())
                {
                    let n = def.network_config();
                    Ok(Net {
                        isolation: n.and_then(|n| n.enable_network_isolation()),
                        vpc: vpc_config(n.and_then(|n| n.vpc_config())),
                        encryption: n.and_then(|n| n.enable_inter_container_traffic_encryption()),
                        role: def.role_arn().map(|r| Value::Str(r.to_string())),
                        destinations: monitoring_destinations(
                            Holder::MonitoringSchedule,
                            "MonitoringScheduleConfig.MonitoringJobDefinition.MonitoringOutputConfig",
                            def.monitoring_output_config(),
                            &arn,
                        ),
                    })
                } else if let Some(def) = cfg.and_then(|c| c.monitoring_job_definition_name()) {
                    let def_arn = c.arn(
                        "sagemaker",
                        &format!("job-definition/{}", def.to_lowercase()),
                    );
                    let got = match kind {
                        JobKind::DataQualityMonitoring => call(
                            "sagemaker:DescribeDataQualityJobDefinition",
                            "a monitoring job definition's network settings",
                            &def_arn,
                            sm.describe_data_quality_job_definition()
                                .job_definition_name(def)
                                .send(),
                        )
                        .await
                        .map(|o| {
                            Net::of(
                                o.network_config(),
                                o.role_arn(),
                                monitoring_destinations(
                                    Holder::DataQualityJobDefinition,
                                    "DataQualityJobOutputConfig",
                                    o.data_quality_job_output_config(),
                                    &def_arn,
                                ),
                            )
                        }),
                        JobKind::ModelQualityMonitoring => call(
                            "sagemaker:DescribeModelQualityJobDefinition",
                            "a monitoring job definition's network settings",
                            &def_arn,
                            sm.describe_model_quality_job_definition()
                                .job_definition_name(def)
                                .send(),
                        )
                        .await
                        .map(|o| {
                            Net::of(
                                o.network_config(),
                                o.role_arn(),
                                monitoring_destinations(
                                    Holder::ModelQualityJobDefinition,
                                    "ModelQualityJobOutputConfig",
                                    o.model_quality_job_output_config(),
                                    &def_arn,
                                ),
                            )
                        }),
                        JobKind::ModelBiasMonitoring => call(
                            "sagemaker:DescribeModelBiasJobDefinition",
                            "a monitoring job definition's network settings",
                            &def_arn,
                            sm.describe_model_bias_job_definition()
                                .job_definition_name(def)
                                .send(),
                        )
                        .await
                        .map(|o| {
                            Net::of(
                                o.network_config(),
                                o.role_arn(),
                                monitoring_destinations(
                                    Holder::ModelBiasJobDefinition,
                                    "ModelBiasJobOutputConfig",
                                    o.model_bias_job_output_config(),
                                    &def_arn,
                                ),
                            )
                        }),
                        JobKind::ModelExplainabilityMonitoring => call(
                            "sagemaker:DescribeModelExplainabilityJobDefinition",
                            "a monitoring job definition's network settings",
                            &def_arn,
                            sm.describe_model_explainability_job_definition()
                                .job_definition_name(def)
                                .send(),
                        )
                        .await
                        .map(|o| {
                            Net::of(
                                o.network_config(),
                                o.role_arn(),
                                monitoring_destinations(
                                    Holder::ModelExplainabilityJobDefinition,
                                    "ModelExplainabilityJobOutputConfig",
                                    o.model_explainability_job_output_config(),
                                    &def_arn,
                                ),
                            )
                        }),
                        _ => Err(super::failed(
                            "sagemaker:DescribeMonitoringSchedule",
                            "the monitoring job definition",
                            &def_arn,
                            "the schedule names a definition of an unknown monitoring type",
                        )),
                    };
                    got.map_err(|d| {
                        let msg = d.message.clone();
                        out.diagnostics.push(d);
                        msg
                    })
                } else {
                    Err("the schedule names no job definition".to_string())
                };
                let job = match net {
                    Ok(n) => Job {
                        job_kind: kind,
                        network_isolation: n.isolation.map(Attr::Known),
                        vpc_config: n.vpc,
                        inter_container_encryption: n.encryption.map(Attr::Known),
                        step: None,
                        role: n.role,
                        destinations: n.destinations,
                    },
                    Err(why) => Job {
                        job_kind: kind,
                        network_isolation: Some(Attr::unknown(
                            why,
                            Some(egressproof_model::Span::arn(&arn)),
                        )),
                        vpc_config: None,
                        inter_container_encryption: None,
                        step: None,
                        role: None,
                        destinations: Vec::new(),
                    },
                };
                out.resources.push(resource(
                    arn.clone(),
                    name,
                    "AWS::SageMaker::MonitoringSchedule",
                    arn,
                    Kind::Job(job),
                ));
                out
            }
        })
        .await,
    );
    m
}

/// Feature Store feature groups: SageMaker writes every record ingested into one to its offline
/// store's S3 location, as the group's role.
async fn feature_groups(c: &Ctx, sm: &Client) -> Model {
    let mut m = Model::default();
    let list: Vec<t::FeatureGroupSummary> = list!(
        m,
        "sagemaker:ListFeatureGroups",
        "feature groups",
        c.arn("sagemaker", "feature-group/*"),
        sm.list_feature_groups()
    );
    let names: Vec<String> = list
        .iter()
        .filter_map(|s| s.feature_group_name().map(str::to_string))
        .collect();
    m.extend(
        describe_each(
            c,
            sm,
            names,
            (
                "sagemaker:DescribeFeatureGroup",
                "a feature group's offline store and role",
            ),
            lower("feature-group"),
            |sm, name| sm.describe_feature_group().feature_group_name(name).send(),
            |_, d, arn, name| {
                let arn = d.feature_group_arn().map(str::to_string).unwrap_or(arn);
                resource(
                    arn.clone(),
                    name,
                    "AWS::SageMaker::FeatureGroup",
                    arn.clone(),
                    Kind::FeatureGroup(feature_group(&d, &arn)),
                )
            },
        )
        .await,
    );
    m
}

fn feature_group(
    d: &aws_sdk_sagemaker::operation::describe_feature_group::DescribeFeatureGroupOutput,
    arn: &str,
) -> FeatureGroup {
    let path = "OfflineStoreConfig.S3StorageConfig.S3Uri";
    FeatureGroup {
        destinations: found(
            Holder::FeatureGroup,
            path,
            path.to_string(),
            d.offline_store_config()
                .and_then(|o| o.s3_storage_config())
                .and_then(|s| s.s3_uri()),
            None,
            arn,
        )
        .into_iter()
        .collect(),
        role: d.role_arn().map(|r| Value::Str(r.to_string())),
    }
}

/// A destination a Describe answer names: the field at `path` of `holder` in the aws layer's
/// table (`shown`: the field with its list index), with the value of the setting that turns it
/// on when the table names one. `None` when the answer has no value there, or the setting is off.
fn found(
    holder: Holder,
    path: &str,
    shown: String,
    value: Option<&str>,
    when: Option<&str>,
    arn: &str,
) -> Option<DataDestination> {
    let f = destination::fields(holder)
        .iter()
        .find(|f| f.path.join(".") == path)?;
    let enabled = f
        .when
        .map(|w| destination::enabled(&w, when.map(|v| Value::Str(v.to_string())).as_ref()));
    if enabled == Some(Attr::Known(false)) {
        return None;
    }
    Some(destination::at(
        f,
        shown,
        &Value::Str(value?.to_string()),
        &Span::arn(arn),
        enabled,
    ))
}

/// The destinations of Studio user settings (a domain's defaults, a user profile's own).
fn user_settings(
    holder: Holder,
    key: &str,
    u: Option<&t::UserSettings>,
    arn: &str,
) -> Vec<DataDestination> {
    let Some(u) = u else {
        return Vec::new();
    };
    let sharing = u.sharing_settings();
    let path = format!("{key}.SharingSettings.S3OutputPath");
    let canvas = format!("{key}.CanvasAppSettings.WorkspaceSettings.S3ArtifactPath");
    [
        found(
            holder,
            &path,
            path.clone(),
            sharing.and_then(|s| s.s3_output_path()),
            sharing
                .and_then(|s| s.notebook_output_option())
                .map(|o| o.as_str()),
            arn,
        ),
        found(
            holder,
            &canvas,
            canvas.clone(),
            u.canvas_app_settings()
                .and_then(|c| c.workspace_settings())
                .and_then(|w| w.s3_artifact_path()),
            None,
            arn,
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn endpoint_config_destinations(
    d: &aws_sdk_sagemaker::operation::describe_endpoint_config::DescribeEndpointConfigOutput,
    arn: &str,
) -> Vec<DataDestination> {
    let holder = Holder::Request(Request::CreateEndpointConfig);
    let one =
        |path: &str, value: Option<&str>| found(holder, path, path.to_string(), value, None, arn);
    let output = d.async_inference_config().and_then(|a| a.output_config());
    let topics = output.and_then(|o| o.notification_config());
    let mut out: Vec<DataDestination> = [
        one(
            "DataCaptureConfig.DestinationS3Uri",
            d.data_capture_config().and_then(|c| c.destination_s3_uri()),
        ),
        one(
            "AsyncInferenceConfig.OutputConfig.S3OutputPath",
            output.and_then(|o| o.s3_output_path()),
        ),
        one(
            "AsyncInferenceConfig.OutputConfig.S3FailurePath",
            output.and_then(|o| o.s3_failure_path()),
        ),
        one(
            "AsyncInferenceConfig.OutputConfig.NotificationConfig.SuccessTopic",
            topics.and_then(|n| n.success_topic()),
        ),
        one(
            "AsyncInferenceConfig.OutputConfig.NotificationConfig.ErrorTopic",
            topics.and_then(|n| n.error_topic()),
        ),
    ]
    .into_iter()
    .flatten()
    .collect();
    for (key, variants) in [
        ("ProductionVariants", d.production_variants()),
        ("ShadowProductionVariants", d.shadow_production_variants()),
    ] {
        for (i, v) in variants.iter().enumerate() {
            out.extend(found(
                holder,
                &format!("{key}[].CoreDumpConfig.DestinationS3Uri"),
                format!("{key}[{i}].CoreDumpConfig.DestinationS3Uri"),
                v.core_dump_config().and_then(|c| c.destination_s3_uri()),
                None,
                arn,
            ));
        }
    }
    out
}

fn training_destinations(
    d: &aws_sdk_sagemaker::operation::describe_training_job::DescribeTrainingJobOutput,
    arn: &str,
) -> Vec<DataDestination> {
    let one = |path: &str, value: Option<&str>| {
        found(
            Holder::Request(Request::CreateTrainingJob),
            path,
            path.to_string(),
            value,
            None,
            arn,
        )
    };
    [
        one(
            "OutputDataConfig.S3OutputPath",
            d.output_data_config().and_then(|o| o.s3_output_path()),
        ),
        one(
            "CheckpointConfig.S3Uri",
            d.checkpoint_config().and_then(|c| c.s3_uri()),
        ),
        one(
            "DebugHookConfig.S3OutputPath",
            d.debug_hook_config().and_then(|c| c.s3_output_path()),
        ),
        one(
            "TensorBoardOutputConfig.S3OutputPath",
            d.tensor_board_output_config()
                .and_then(|c| c.s3_output_path()),
        ),
        one(
            "ProfilerConfig.S3OutputPath",
            d.profiler_config().and_then(|c| c.s3_output_path()),
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

fn processing_destinations(
    d: &aws_sdk_sagemaker::operation::describe_processing_job::DescribeProcessingJobOutput,
    arn: &str,
) -> Vec<DataDestination> {
    let outputs = d
        .processing_output_config()
        .map(|c| c.outputs())
        .unwrap_or_default();
    outputs
        .iter()
        .enumerate()
        .filter_map(|(i, o)| {
            found(
                Holder::Request(Request::CreateProcessingJob),
                "ProcessingOutputConfig.Outputs[].S3Output.S3Uri",
                format!("ProcessingOutputConfig.Outputs[{i}].S3Output.S3Uri"),
                o.s3_output().and_then(|s| s.s3_uri()),
                None,
                arn,
            )
        })
        .collect()
}

/// The conversions from Describe answers, on answers built with the SDK's own types (moto 5
/// implements neither `ListFeatureGroups` nor the monitoring-schedule calls).
#[cfg(test)]
mod tests {
    use super::*;
    use aws_sdk_sagemaker::operation::describe_feature_group::DescribeFeatureGroupOutput;
    use egressproof_model::{Delivery, Target};

    const ARN: &str = "arn:aws:sagemaker:eu-west-1:111122223333:feature-group/fg";

    fn bucket(d: &DataDestination) -> Value {
        match &d.target {
            Attr::Known(Target::S3 { bucket }) => bucket.clone(),
            other => panic!("not an S3 target: {other:?}"),
        }
    }

    #[test]
    fn a_feature_group_writes_to_its_offline_store_as_its_role() {
        let d = DescribeFeatureGroupOutput::builder()
            .feature_group_arn(ARN)
            .feature_group_name("fg")
            .role_arn("arn:aws:iam::111122223333:role/fs")
            .offline_store_config(
                t::OfflineStoreConfig::builder()
                    .s3_storage_config(
                        t::S3StorageConfig::builder()
                            .s3_uri("s3://other-bucket/features")
                            .build(),
                    )
                    .build(),
            )
            .build();
        let fg = feature_group(&d, ARN);
        assert_eq!(fg.destinations.len(), 1, "{fg:?}");
        let dest = &fg.destinations[0];
        assert_eq!(dest.delivery, Delivery::OfflineStore);
        assert_eq!(dest.field, "OfflineStoreConfig.S3StorageConfig.S3Uri");
        assert_eq!(bucket(dest), Value::Str("other-bucket".into()));
        assert_eq!(dest.span, Span::arn(ARN));
        assert_eq!(
            fg.role,
            Some(Value::Str("arn:aws:iam::111122223333:role/fs".into()))
        );
    }

    #[test]
    fn a_feature_group_without_offline_store_writes_nowhere() {
        let d = DescribeFeatureGroupOutput::builder()
            .feature_group_arn(ARN)
            .build();
        let fg = feature_group(&d, ARN);
        assert!(fg.destinations.is_empty());
        assert_eq!(fg.role, None);
    }

    fn outputs(uris: &[&str]) -> t::MonitoringOutputConfig {
        let mut b = t::MonitoringOutputConfig::builder();
        for uri in uris {
            b = b.monitoring_outputs(
                t::MonitoringOutput::builder()
                    .s3_output(
                        t::MonitoringS3Output::builder()
                            .s3_uri(*uri)
                            .local_path("/opt/ml/processing/output")
                            .build(),
                    )
                    .build(),
            );
        }
        b.build()
    }

    /// Every place a monitoring job's outputs are written is a path of the aws layer's table:
    /// a schedule's inline definition and each kind of job definition.
    #[test]
    fn monitoring_outputs_are_destinations_wherever_the_definition_is() {
        let config = outputs(&["s3://reports/a", "s3://elsewhere/b"]);
        for (holder, prefix) in [
            (
                Holder::MonitoringSchedule,
                "MonitoringScheduleConfig.MonitoringJobDefinition.MonitoringOutputConfig",
            ),
            (
                Holder::DataQualityJobDefinition,
                "DataQualityJobOutputConfig",
            ),
            (
                Holder::ModelQualityJobDefinition,
                "ModelQualityJobOutputConfig",
            ),
            (Holder::ModelBiasJobDefinition, "ModelBiasJobOutputConfig"),
            (
                Holder::ModelExplainabilityJobDefinition,
                "ModelExplainabilityJobOutputConfig",
            ),
        ] {
            let got = monitoring_destinations(holder, prefix, Some(&config), ARN);
            assert_eq!(got.len(), 2, "{holder:?}: {got:?}");
            assert!(got.iter().all(|d| d.delivery == Delivery::MonitoringOutput));
            assert_eq!(
                got[1].field,
                format!("{prefix}.MonitoringOutputs[1].S3Output.S3Uri")
            );
            assert_eq!(bucket(&got[0]), Value::Str("reports".into()));
            assert_eq!(bucket(&got[1]), Value::Str("elsewhere".into()));
        }
        assert!(monitoring_destinations(
            Holder::MonitoringSchedule,
            "MonitoringScheduleConfig.MonitoringJobDefinition.MonitoringOutputConfig",
            None,
            ARN
        )
        .is_empty());
    }

    #[test]
    fn a_monitoring_definition_keeps_its_role() {
        let n = Net::of(
            None,
            Some("arn:aws:iam::111122223333:role/monitor"),
            Vec::new(),
        );
        assert_eq!(
            n.role,
            Some(Value::Str("arn:aws:iam::111122223333:role/monitor".into()))
        );
    }
}
