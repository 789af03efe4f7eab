//! SageMaker: notebook instances, domains, user profiles, spaces, Studio apps, models, endpoint
//! configurations and monitoring job definitions (pipelines are in `workflows.rs`).

use super::{get, Args, Ctx, Link};
use crate::val::Val;
use egressproof_aws::destination::{self, Field, Holder};
use egressproof_aws::sagemaker::Request;
use egressproof_model::*;

impl Ctx<'_> {
    fn vpc_config(&self, m: &Args, k: &str, subnets: &str, sgs: &str) -> Option<VpcConfig> {
        match self.block(m, k)? {
            Ok(b) => Some(VpcConfig {
                subnets: self.idents_or_empty(b, subnets),
                security_groups: self.idents_or_empty(b, sgs),
            }),
            Err(u) => Some(VpcConfig {
                subnets: Attr::Unknown(u.clone()),
                security_groups: Attr::Unknown(u),
            }),
        }
    }
}

impl Ctx<'_> {
    /// The destinations of `holder`, from the aws layer's one table of destination fields, read
    /// with the provider's names: each API key in snake case (`DataCaptureConfig.DestinationS3Uri`
    /// is `data_capture_config.destination_s3_uri`), each nested block a list of blocks.
    fn destinations(&self, holder: Holder) -> Vec<DataDestination> {
        let mut out = Vec::new();
        for f in destination::fields(holder) {
            let on = f
                .when
                .map(|w| destination::enabled(&w, self.value_at(self.args, w.path).as_ref()));
            if on == Some(Attr::Known(false)) {
                continue;
            }
            self.walk_destination(self.args, f, f.path, String::new(), &on, &mut out);
        }
        out
    }

    /// The value at an API path, through the first block of each nested block list.
    fn value_at(&self, m: &Args, keys: &[&str]) -> Option<Value> {
        let (key, rest) = keys.split_first()?;
        let name = snake(key);
        if rest.is_empty() {
            return get(m, &name).map(Val::to_value);
        }
        match self.block(m, &name)? {
            Ok(b) => self.value_at(b, rest),
            Err(u) => Some(Value::Unknown(u)),
        }
    }

    fn walk_destination(
        &self,
        m: &Args,
        f: &Field,
        keys: &[&str],
        at: String,
        on: &Option<Attr<bool>>,
        out: &mut Vec<DataDestination>,
    ) {
        let Some((key, rest)) = keys.split_first() else {
            return;
        };
        let (api, list) = match key.strip_suffix("[]") {
            Some(k) => (k, true),
            None => (*key, false),
        };
        let name = snake(api);
        let here = if at.is_empty() {
            name.clone()
        } else {
            format!("{at}.{name}")
        };
        let Some(v) = get(m, &name) else {
            return;
        };
        if rest.is_empty() {
            out.push(destination::at(
                f,
                here,
                &v.to_value(),
                &self.span,
                on.clone(),
            ));
            return;
        }
        let items: Vec<&Val> = match v {
            Val::List(items) => items.iter().collect(),
            other => vec![other],
        };
        for (i, item) in items.into_iter().enumerate() {
            let path = if list {
                format!("{here}[{i}]")
            } else {
                here.clone()
            };
            match item {
                Val::Map(b) => self.walk_destination(b, f, rest, path, on, out),
                other => {
                    let u = match other.to_value() {
                        Value::Unknown(u) => u,
                        v => Unknown::new(
                            format!("{path} is not a block: {}", v.render()),
                            Some(self.span.clone()),
                        ),
                    };
                    out.push(DataDestination {
                        enabled: on.clone(),
                        ..destination::unreadable(f, path, u, &self.span)
                    });
                }
            }
        }
    }
}

/// The provider's name for an API key: `DestinationS3Uri` is `destination_s3_uri`.
fn snake(api: &str) -> String {
    let mut out = String::with_capacity(api.len() + 4);
    for (i, ch) in api.chars().enumerate() {
        if ch.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(ch.to_ascii_lowercase());
    }
    out
}

/// Lowers the SageMaker family.
pub(super) fn lower(c: &Ctx, out: &mut Vec<Resource>, _links: &mut Vec<Link>) -> bool {
    let a = c.args;
    let t = c.type_name.as_str();
    match t {
        "aws_sagemaker_notebook_instance" => out.push(
            c.res(Kind::NotebookInstance(NotebookInstance {
                subnet: c.opt_ident(a, "subnet_id"),
                security_groups: c.opt_idents(a, "security_groups"),
                direct_internet_access: c.opt_string(a, "direct_internet_access"),
                root_access: c.opt_string(a, "root_access"),
                kms_key: c
                    .opt_string(a, "kms_key_id")
                    .or_else(|| get(a, "kms_key_id").map(|v| c.ident(v).map(|i| i.0))),
                role: get(a, "role_arn").map(Val::to_value),
            })),
        ),
        "aws_sagemaker_domain" => {
            let sgs = |k: &str| match c.block(a, k) {
                Some(Ok(b)) => c.opt_idents(b, "security_groups"),
                Some(Err(u)) => Some(Attr::Unknown(u)),
                None => None,
            };
            // The default execution role of users and of spaces, each in its settings block.
            let role = |k: &str| match c.block(a, k) {
                Some(Ok(b)) => get(b, "execution_role").map(Val::to_value),
                Some(Err(u)) => Some(Value::Unknown(u)),
                None => None,
            };
            out.push(
                c.res(Kind::Domain(Domain {
                    app_network_access_type: c.opt_string(a, "app_network_access_type"),
                    vpc: c.opt_ident(a, "vpc_id"),
                    subnets: c.opt_idents(a, "subnet_ids"),
                    default_user_security_groups: sgs("default_user_settings"),
                    default_space_security_groups: sgs("default_space_settings"),
                    kms_key: get(a, "kms_key_id").map(|v| c.ident(v).map(|i| i.0)),
                    auth_mode: c.opt_string(a, "auth_mode"),
                    execution_roles: ["default_user_settings", "default_space_settings"]
                        .into_iter()
                        .filter_map(role)
                        .collect(),
                    destinations: c.destinations(Holder::Domain),
                })),
            );
        }
        "aws_sagemaker_user_profile" => out.push(c.res(Kind::UserProfile(UserProfile {
            domain: c.req_ident(a, "domain_id"),
            security_groups: match c.block(a, "user_settings") {
                Some(Ok(b)) => c.opt_idents(b, "security_groups"),
                Some(Err(u)) => Some(Attr::Unknown(u)),
                None => None,
            },
            role: match c.block(a, "user_settings") {
                Some(Ok(b)) => get(b, "execution_role").map(Val::to_value),
                Some(Err(u)) => Some(Value::Unknown(u)),
                None => None,
            },
            destinations: c.destinations(Holder::UserProfile),
        }))),
        "aws_sagemaker_space" => out.push(c.res(Kind::Space(Space {
            domain: c.req_ident(a, "domain_id"),
            remote_access: match c.block(a, "space_settings") {
                Some(Ok(b)) => c.opt_string(b, "remote_access"),
                Some(Err(u)) => Some(Attr::Unknown(u)),
                None => None,
            },
        }))),
        // Its network and role are its domain's, profile's or space's: only the domain is read.
        "aws_sagemaker_app" => out.push(c.res(Kind::App(App {
            domain: c.req_ident(a, "domain_id"),
        }))),
        "aws_sagemaker_feature_group" => out.push(c.res(Kind::FeatureGroup(FeatureGroup {
            destinations: c.destinations(Holder::FeatureGroup),
            role: get(a, "role_arn").map(Val::to_value),
        }))),
        "aws_sagemaker_model" => out.push(c.res(Kind::Model(SageMakerModel {
            network_isolation: c.opt_bool(a, "enable_network_isolation"),
            vpc_config: c.vpc_config(a, "vpc_config", "subnets", "security_group_ids"),
            role: get(a, "execution_role_arn").map(Val::to_value),
        }))),
        "aws_sagemaker_endpoint_configuration" => {
            let mut models = Vec::new();
            let mut ssm = Vec::new();
            for k in ["production_variants", "shadow_production_variants"] {
                for v in c.blocks(a, k) {
                    match v {
                        Val::Map(m) => {
                            models.push(c.req_ident(m, "model_name"));
                            if let Some(b) = c.opt_bool(m, "enable_ssm_access") {
                                ssm.push(b);
                            }
                        }
                        other => {
                            let u = other
                                .first_unknown()
                                .cloned()
                                .unwrap_or_else(|| Unknown::new("variant", Some(c.span.clone())));
                            models.push(Attr::Unknown(u.clone()));
                            ssm.push(Attr::Unknown(u));
                        }
                    }
                }
            }
            out.push(c.res(Kind::EndpointConfig(EndpointConfig {
                models,
                ssm_access: ssm,
                destinations: c.destinations(Holder::Request(Request::CreateEndpointConfig)),
                kms_key: get(a, "kms_key_arn").map(|v| c.ident(v).map(|i| i.0)),
            })));
        }
        t if t.starts_with("aws_sagemaker_") && t.ends_with("_job_definition") => {
            let (job_kind, holder) = match t {
                "aws_sagemaker_data_quality_job_definition" => (
                    JobKind::DataQualityMonitoring,
                    Some(Holder::DataQualityJobDefinition),
                ),
                "aws_sagemaker_model_quality_job_definition" => (
                    JobKind::ModelQualityMonitoring,
                    Some(Holder::ModelQualityJobDefinition),
                ),
                "aws_sagemaker_model_bias_job_definition" => (
                    JobKind::ModelBiasMonitoring,
                    Some(Holder::ModelBiasJobDefinition),
                ),
                "aws_sagemaker_model_explainability_job_definition" => (
                    JobKind::ModelExplainabilityMonitoring,
                    Some(Holder::ModelExplainabilityJobDefinition),
                ),
                _ => (JobKind::Other, None),
            };
            let (iso, vpc, ict) = match c.block(a, "network_config") {
                Some(Ok(n)) => (
                    c.opt_bool(n, "enable_network_isolation"),
                    c.vpc_config(n, "vpc_config", "subnets", "security_group_ids"),
                    c.opt_bool(n, "enable_inter_container_traffic_encryption"),
                ),
                Some(Err(u)) => (
                    Some(Attr::Unknown(u.clone())),
                    Some(VpcConfig {
                        subnets: Attr::Unknown(u.clone()),
                        security_groups: Attr::Unknown(u.clone()),
                    }),
                    Some(Attr::Unknown(u)),
                ),
                None => (None, None, None),
            };
            out.push(c.res(Kind::Job(Job {
                job_kind,
                network_isolation: iso,
                vpc_config: vpc,
                inter_container_encryption: ict,
                step: None,
                role: get(a, "role_arn").map(Val::to_value),
                destinations: holder.map(|h| c.destinations(h)).unwrap_or_default(),
            })));
        }
        _ => return false,
    }
    true
}
