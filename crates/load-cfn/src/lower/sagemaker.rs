//! SageMaker: notebook instances, domains, user profiles, spaces, Studio apps, models, endpoint
//! configurations, processing jobs, monitoring job definitions and schedules, pipelines.

use super::*;
use egressproof_aws::destination::{self, Holder};
use egressproof_aws::sagemaker::Request;

fn vpc_config(cx: &Cx<'_>, v: Option<&Value>) -> Option<VpcConfig> {
    let v = v?;
    if let Value::Unknown(u) = v {
        return Some(VpcConfig {
            subnets: Attr::Unknown(u.clone()),
            security_groups: Attr::Unknown(u.clone()),
        });
    }
    Some(VpcConfig {
        subnets: get(v, "Subnets")
            .map(|s| idents(cx, s))
            .unwrap_or_else(|| cx.unknown("VpcConfig.Subnets is missing")),
        security_groups: get(v, "SecurityGroupIds")
            .map(|s| idents(cx, s))
            .unwrap_or_else(|| cx.unknown("VpcConfig.SecurityGroupIds is missing")),
    })
}

fn network_config_job(cx: &Cx<'_>, props: &Value, job_kind: JobKind) -> Job {
    let nc = get(props, "NetworkConfig");
    let nc_unknown = nc.and_then(|n| match n {
        Value::Unknown(u) => Some(u.clone()),
        _ => None,
    });
    if let Some(u) = nc_unknown {
        return Job {
            job_kind,
            network_isolation: Some(Attr::Unknown(u.clone())),
            vpc_config: Some(VpcConfig {
                subnets: Attr::Unknown(u.clone()),
                security_groups: Attr::Unknown(u),
            }),
            inter_container_encryption: None,
            step: None,
            role: get(props, "RoleArn").cloned(),
            destinations: Vec::new(),
        };
    }
    Job {
        job_kind,
        network_isolation: nc.and_then(|n| opt_bool(cx, n, "EnableNetworkIsolation")),
        vpc_config: vpc_config(cx, nc.and_then(|n| get(n, "VpcConfig"))),
        inter_container_encryption: nc
            .and_then(|n| opt_bool(cx, n, "EnableInterContainerTrafficEncryption")),
        step: None,
        role: get(props, "RoleArn").cloned(),
        destinations: Vec::new(),
    }
}

/// A job whose network settings are in `NetworkConfig` of `def`, and whose destinations are
/// those of `holder` in the resource's properties `p`.
fn job_with_destinations(
    cx: &Cx<'_>,
    p: &Value,
    def: &Value,
    job_kind: JobKind,
    holder: Holder,
) -> Kind {
    Kind::Job(Job {
        destinations: destination::read(holder, p, cx),
        ..network_config_job(cx, def, job_kind)
    })
}

/// Lowers the SageMaker family.
pub(super) fn lower(cx: &Cx<'_>, p: &Value, extra: &mut Vec<Resource>) -> Option<Kind> {
    Some(match cx.type_name {
        "AWS::SageMaker::NotebookInstance" => Kind::NotebookInstance(NotebookInstance {
            subnet: opt_ident(cx, p, "SubnetId"),
            security_groups: opt_idents(cx, p, "SecurityGroupIds"),
            direct_internet_access: opt_string(cx, p, "DirectInternetAccess"),
            root_access: opt_string(cx, p, "RootAccess"),
            kms_key: opt_string(cx, p, "KmsKeyId"),
            role: get(p, "RoleArn").cloned(),
        }),
        "AWS::SageMaker::Domain" => Kind::Domain(Domain {
            app_network_access_type: opt_string(cx, p, "AppNetworkAccessType"),
            vpc: opt_ident(cx, p, "VpcId"),
            subnets: opt_idents(cx, p, "SubnetIds"),
            default_user_security_groups: path(p, &["DefaultUserSettings", "SecurityGroups"])
                .map(|v| idents(cx, v)),
            default_space_security_groups: path(p, &["DefaultSpaceSettings", "SecurityGroups"])
                .map(|v| idents(cx, v)),
            kms_key: opt_string(cx, p, "KmsKeyId"),
            auth_mode: opt_string(cx, p, "AuthMode"),
            execution_roles: ["DefaultUserSettings", "DefaultSpaceSettings"]
                .into_iter()
                .filter_map(|s| path(p, &[s, "ExecutionRole"]).cloned())
                .collect(),
            destinations: destination::read(Holder::Domain, p, cx),
        }),
        "AWS::SageMaker::UserProfile" => Kind::UserProfile(UserProfile {
            domain: req_ident(cx, p, "DomainId"),
            security_groups: path(p, &["UserSettings", "SecurityGroups"]).map(|v| idents(cx, v)),
            role: path(p, &["UserSettings", "ExecutionRole"]).cloned(),
            destinations: destination::read(Holder::UserProfile, p, cx),
        }),
        "AWS::SageMaker::FeatureGroup" => Kind::FeatureGroup(FeatureGroup {
            destinations: destination::read(Holder::FeatureGroup, p, cx),
            role: get(p, "RoleArn").cloned(),
        }),
        "AWS::SageMaker::Space" => Kind::Space(Space {
            domain: req_ident(cx, p, "DomainId"),
            remote_access: path(p, &["SpaceSettings", "RemoteAccess"]).map(|v| string(cx, v)),
        }),
        // Its network and role are its domain's, profile's or space's: only the domain is read.
        "AWS::SageMaker::App" => Kind::App(App {
            domain: req_ident(cx, p, "DomainId"),
        }),
        "AWS::SageMaker::Model" => Kind::Model(SageMakerModel {
            network_isolation: opt_bool(cx, p, "EnableNetworkIsolation"),
            vpc_config: vpc_config(cx, get(p, "VpcConfig")),
            role: get(p, "ExecutionRoleArn").cloned(),
        }),
        "AWS::SageMaker::EndpointConfig" => {
            let mut ec = EndpointConfig {
                kms_key: opt_string(cx, p, "KmsKeyId"),
                destinations: destination::read(
                    Holder::Request(Request::CreateEndpointConfig),
                    p,
                    cx,
                ),
                ..EndpointConfig::default()
            };
            for key in ["ProductionVariants", "ShadowProductionVariants"] {
                match get(p, key) {
                    Some(Value::Unknown(u)) => ec.models.push(Attr::Unknown(u.clone())),
                    v => {
                        for variant in items(v) {
                            if let Some(m) = get(variant, "ModelName") {
                                ec.models.push(ident(cx, m));
                            }
                            if let Some(s) = opt_bool(cx, variant, "EnableSSMAccess") {
                                ec.ssm_access.push(s);
                            }
                        }
                    }
                }
            }
            Kind::EndpointConfig(ec)
        }
        "AWS::SageMaker::ProcessingJob" => job_with_destinations(
            cx,
            p,
            p,
            JobKind::Processing,
            Holder::Request(Request::CreateProcessingJob),
        ),
        "AWS::SageMaker::DataQualityJobDefinition" => job_with_destinations(
            cx,
            p,
            p,
            JobKind::DataQualityMonitoring,
            Holder::DataQualityJobDefinition,
        ),
        "AWS::SageMaker::ModelQualityJobDefinition" => job_with_destinations(
            cx,
            p,
            p,
            JobKind::ModelQualityMonitoring,
            Holder::ModelQualityJobDefinition,
        ),
        "AWS::SageMaker::ModelBiasJobDefinition" => job_with_destinations(
            cx,
            p,
            p,
            JobKind::ModelBiasMonitoring,
            Holder::ModelBiasJobDefinition,
        ),
        "AWS::SageMaker::ModelExplainabilityJobDefinition" => job_with_destinations(
            cx,
            p,
            p,
            JobKind::ModelExplainabilityMonitoring,
            Holder::ModelExplainabilityJobDefinition,
        ),
        "AWS::SageMaker::MonitoringSchedule" => {
            match path(p, &["MonitoringScheduleConfig", "MonitoringJobDefinition"]) {
                Some(def) => job_with_destinations(
                    cx,
                    p,
                    def,
                    JobKind::MonitoringSchedule,
                    Holder::MonitoringSchedule,
                ),
                None => Kind::Other(Other::plain()),
            }
        }
        "AWS::SageMaker::Pipeline" => pipeline::lower_pipeline(cx, p, extra),
        _ => return None,
    })
}
