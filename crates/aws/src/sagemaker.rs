//! SageMaker request bodies: what a `Create*` request in API shape creates, as model resources.
//!
//! Pipelines (`Steps[].Arguments`), Step Functions tasks (`Parameters`/`Arguments`) and the API
//! itself write the same request bodies. Where each API keeps its network settings:
//!
//! | Request | isolation | VPC | inter-container encryption |
//! |---|---|---|---|
//! | CreateTrainingJob | `EnableNetworkIsolation` | `VpcConfig` | `EnableInterContainerTrafficEncryption` |
//! | CreateProcessingJob | `NetworkConfig.EnableNetworkIsolation` | `NetworkConfig.VpcConfig` | `NetworkConfig.EnableInterContainerTrafficEncryption` |
//! | CreateHyperParameterTuningJob | each of `TrainingJobDefinition`, `TrainingJobDefinitions[]`: as training | | |
//! | CreateTransformJob | the model's (`ModelName`): a transform job has no network settings of its own | | |
//! | CreateModel | `EnableNetworkIsolation` | `VpcConfig` | - |
//! | CreateAutoMLJob | - | `AutoMLJobConfig.SecurityConfig.VpcConfig` | `AutoMLJobConfig.SecurityConfig.EnableInterContainerTrafficEncryption` |
//! | CreateAutoMLJobV2 | - | `SecurityConfig.VpcConfig` | `SecurityConfig.EnableInterContainerTrafficEncryption` |
//! | CreateEndpointConfig | its models' (`ProductionVariants[].ModelName`) | | |

use crate::body::{Node, Reader, Site, State};
use crate::destination::{self, Holder};
use egressproof_model::{Attr, EndpointConfig, Job, JobKind, Kind, SageMakerModel, Unknown, Value};
use std::collections::HashMap;

/// A SageMaker API request that creates something that runs code or holds a network setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Request {
    CreateTrainingJob,
    CreateProcessingJob,
    CreateHyperParameterTuningJob,
    CreateTransformJob,
    CreateModel,
    CreateAutoMlJob,
    CreateAutoMlJobV2,
    CreateEndpointConfig,
}

impl Request {
    pub const ALL: [Request; 8] = [
        Request::CreateTrainingJob,
        Request::CreateProcessingJob,
        Request::CreateHyperParameterTuningJob,
        Request::CreateTransformJob,
        Request::CreateModel,
        Request::CreateAutoMlJob,
        Request::CreateAutoMlJobV2,
        Request::CreateEndpointConfig,
    ];

    /// The API action, as IAM names it (after `sagemaker:`).
    pub fn action(self) -> &'static str {
        match self {
            Request::CreateTrainingJob => "CreateTrainingJob",
            Request::CreateProcessingJob => "CreateProcessingJob",
            Request::CreateHyperParameterTuningJob => "CreateHyperParameterTuningJob",
            Request::CreateTransformJob => "CreateTransformJob",
            Request::CreateModel => "CreateModel",
            Request::CreateAutoMlJob => "CreateAutoMLJob",
            Request::CreateAutoMlJobV2 => "CreateAutoMLJobV2",
            Request::CreateEndpointConfig => "CreateEndpointConfig",
        }
    }

    /// The request an action name stands for, in any case (`createTrainingJob` as Step Functions
    /// writes it, `sagemaker:CreateTrainingJob` as IAM does).
    pub fn from_action(name: &str) -> Option<Request> {
        let name = name.strip_prefix("sagemaker:").unwrap_or(name);
        Request::ALL
            .into_iter()
            .find(|r| r.action().eq_ignore_ascii_case(name))
    }
}

/// What calling a SageMaker action does, for the network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Creates a workload or a network setting: read its request.
    Creates(Request),
    /// Runs nothing and changes no network setting (reads, tags, deletes, stops, and the named
    /// actions of [`RUNS_NOTHING`]).
    RunsNothing,
    /// Anything else: it may start something (a labeling job sends data to a workforce, a
    /// notebook instance has internet access by default) that egressproof does not read here.
    Unmodelled,
}

/// Prefixes of SageMaker actions that start nothing: they read, tag, stop or delete.
const RUNS_NOTHING_PREFIXES: &[&str] = &[
    "describe",
    "list",
    "get",
    "search",
    "query",
    "stop",
    "delete",
    "add",
    "tag",
    "untag",
    "batchdescribe",
    "batchget",
    "disassociate",
];

/// Actions that create or change something that runs no code of its own and holds no network
/// setting. `CreateEndpoint`/`UpdateEndpoint` deploy models whose settings are their own
/// resources; `StartPipelineExecution` runs a pipeline that is a resource of its own.
pub const RUNS_NOTHING: &[&str] = &[
    "AssociateTrialComponent",
    "CreateAction",
    "CreateArtifact",
    "CreateContext",
    "CreateEndpoint",
    "CreateExperiment",
    "CreateModelPackage",
    "CreateModelPackageGroup",
    "CreateTrial",
    "CreateTrialComponent",
    "PutModelPackageGroupPolicy",
    "SendPipelineExecutionStepFailure",
    "SendPipelineExecutionStepSuccess",
    "StartPipelineExecution",
    "UpdateEndpoint",
    "UpdateEndpointWeightsAndCapacities",
    "UpdateModelPackage",
];

/// What an action (any case, with or without `sagemaker:`) does for the network.
pub fn action(name: &str) -> Action {
    if let Some(r) = Request::from_action(name) {
        return Action::Creates(r);
    }
    let name = name.strip_prefix("sagemaker:").unwrap_or(name);
    let lower = name.to_ascii_lowercase();
    if RUNS_NOTHING_PREFIXES.iter().any(|p| lower.starts_with(p))
        || RUNS_NOTHING.iter().any(|a| a.eq_ignore_ascii_case(name))
    {
        Action::RunsNothing
    } else {
        Action::Unmodelled
    }
}

/// One resource a request creates: a name suffix when a request creates several (the training
/// job definitions of a tuning job), and its kind.
#[derive(Clone, Debug, PartialEq)]
pub struct Created {
    pub suffix: Option<String>,
    pub kind: Kind,
}

/// The resources a request body creates. `step` names the pipeline step or state the body belongs
/// to (set on jobs); `None` for a request that stands alone.
pub fn created(
    request: Request,
    body: &Value,
    site: &dyn Site,
    step: Option<&str>,
) -> Vec<Created> {
    let r = Reader::new(site);
    let root = r.node(body, "");
    created_at(&r, request, &root, step, &Models::default())
}

/// Models created earlier in the same workflow, which a transform job may run.
#[derive(Default)]
pub(crate) struct Models {
    /// Pipelines: by the name of the step that creates the model (`Steps.<name>.ModelName`).
    pub by_step: HashMap<String, SageMakerModel>,
    /// Step Functions: by the literal `ModelName` of the `createModel` task.
    pub by_name: HashMap<String, SageMakerModel>,
}

impl Models {
    /// The model a `ModelName` value refers to, when it is created in this workflow.
    fn find(&self, model_name: Option<&Value>) -> Option<&SageMakerModel> {
        match model_name? {
            Value::Str(name) => self.by_name.get(name),
            Value::Map(m) if m.len() == 1 => {
                let target = m.get("Get")?.as_str()?;
                let step = target.strip_prefix("Steps.")?.strip_suffix(".ModelName")?;
                self.by_step.get(step)
            }
            _ => None,
        }
    }
}

pub(crate) fn created_at(
    r: &Reader<'_>,
    request: Request,
    root: &Node<'_>,
    step: Option<&str>,
    models: &Models,
) -> Vec<Created> {
    // Every request that starts a job names its execution role at the top (`RoleArn`).
    let job = |job_kind, n: &Node<'_>| Job {
        job_kind,
        network_isolation: r.bool(&r.get(n, "EnableNetworkIsolation")),
        vpc_config: r.vpc_config(&r.get(n, "VpcConfig")),
        inter_container_encryption: r.bool(&r.get(n, "EnableInterContainerTrafficEncryption")),
        step: step.map(str::to_string),
        role: r.value(&r.get(root, "RoleArn")),
        destinations: destination::read_at(r, Holder::Request(request), root),
    };
    let one = |kind| vec![Created { suffix: None, kind }];
    match request {
        Request::CreateTrainingJob => one(Kind::Job(job(JobKind::Training, root))),
        Request::CreateProcessingJob => one(Kind::Job(job(
            JobKind::Processing,
            &r.get(root, "NetworkConfig"),
        ))),
        Request::CreateHyperParameterTuningJob => tuning(r, root, step),
        Request::CreateTransformJob => one(Kind::Job(transform(r, root, step, models))),
        Request::CreateModel => one(Kind::Model(SageMakerModel {
            network_isolation: r.bool(&r.get(root, "EnableNetworkIsolation")),
            vpc_config: r.vpc_config(&r.get(root, "VpcConfig")),
            role: r.value(&r.get(root, "ExecutionRoleArn")),
        })),
        Request::CreateAutoMlJob | Request::CreateAutoMlJobV2 => {
            let security = if request == Request::CreateAutoMlJob {
                r.path(root, &["AutoMLJobConfig", "SecurityConfig"])
            } else {
                r.get(root, "SecurityConfig")
            };
            // AutoML has no network isolation setting: only a VPC keeps its jobs off the
            // managed network.
            one(Kind::Job(Job {
                network_isolation: None,
                ..job(JobKind::AutoMl, &security)
            }))
        }
        Request::CreateEndpointConfig => one(Kind::EndpointConfig(endpoint_config(r, root))),
    }
}

/// A tuning job: one job per training job definition.
fn tuning(r: &Reader<'_>, root: &Node<'_>, step: Option<&str>) -> Vec<Created> {
    let mut defs: Vec<(String, Node<'_>)> = Vec::new();
    let single = r.get(root, "TrainingJobDefinition");
    if !matches!(single.state, State::Absent) {
        defs.push(("TrainingJobDefinition".into(), single));
    }
    let many = r.get(root, "TrainingJobDefinitions");
    match r.items(&many) {
        Ok(items) => {
            for (i, d) in items.into_iter().enumerate() {
                let name = match r.string(&r.get(&d, "DefinitionName")) {
                    Some(Attr::Known(n)) => n,
                    _ => format!("TrainingJobDefinitions[{i}]"),
                };
                defs.push((name, d));
            }
        }
        Err(u) => defs.push((
            "TrainingJobDefinitions".into(),
            Node {
                state: State::Unknown(u),
                path: many.path.clone(),
            },
        )),
    }
    let job = |n: &Node<'_>| Job {
        job_kind: JobKind::HyperParameterTuning,
        network_isolation: r.bool(&r.get(n, "EnableNetworkIsolation")),
        vpc_config: r.vpc_config(&r.get(n, "VpcConfig")),
        inter_container_encryption: r.bool(&r.get(n, "EnableInterContainerTrafficEncryption")),
        step: step.map(str::to_string),
        role: r.value(&r.get(n, "RoleArn")),
        destinations: destination::read_at(r, Holder::TuningDefinition, n),
    };
    match defs.len() {
        0 => vec![Created {
            suffix: None,
            kind: Kind::Job(Job {
                network_isolation: Some(Attr::Unknown(Unknown::new(
                    "the tuning request has no training job definition",
                    Some(r.site.span().clone()),
                ))),
                ..job(&r.absent(""))
            }),
        }],
        1 => vec![Created {
            suffix: None,
            kind: Kind::Job(job(&defs[0].1)),
        }],
        _ => defs
            .iter()
            .map(|(name, d)| Created {
                suffix: Some(name.clone()),
                kind: Kind::Job(job(d)),
            })
            .collect(),
    }
}

/// A transform job runs its model's containers with the model's network settings: those of the
/// model when this workflow creates it, otherwise unknown (the model is declared elsewhere, or
/// named at run time).
fn transform(r: &Reader<'_>, root: &Node<'_>, step: Option<&str>, models: &Models) -> Job {
    let name = r.raw(root, "ModelName");
    // Its containers run as the model's execution role too.
    let (network_isolation, vpc_config, role) = match models.find(name) {
        Some(m) => (
            m.network_isolation.clone(),
            m.vpc_config.clone(),
            m.role.clone(),
        ),
        None => {
            let which = match r.get(root, "ModelName").state {
                State::Value(v) => format!("model {}", v.render()),
                State::Unknown(u) => format!("a model named at run time ({})", u.reason),
                State::Absent => "a model the request does not name".to_string(),
            };
            (
                Some(Attr::Unknown(Unknown::new(
                    format!(
                        "a transform job runs with the network settings of its model, and \
                         {which} is not created in this definition"
                    ),
                    Some(r.site.span().clone()),
                ))),
                None,
                None,
            )
        }
    };
    Job {
        job_kind: JobKind::Transform,
        network_isolation,
        vpc_config,
        inter_container_encryption: None,
        step: step.map(str::to_string),
        role,
        destinations: destination::read_at(r, Holder::Request(Request::CreateTransformJob), root),
    }
}

fn endpoint_config(r: &Reader<'_>, root: &Node<'_>) -> EndpointConfig {
    let mut ec = EndpointConfig {
        kms_key: r.string(&r.get(root, "KmsKeyId")),
        destinations: destination::read_at(r, Holder::Request(Request::CreateEndpointConfig), root),
        ..EndpointConfig::default()
    };
    for key in ["ProductionVariants", "ShadowProductionVariants"] {
        match r.items(&r.get(root, key)) {
            Ok(variants) => {
                for v in variants {
                    if let Some(m) = r.ident(&r.get(&v, "ModelName")) {
                        ec.models.push(m);
                    }
                    if let Some(s) = r.bool(&r.get(&v, "EnableSSMAccess")) {
                        ec.ssm_access.push(s);
                    }
                }
            }
            Err(u) => {
                ec.models.push(Attr::Unknown(u.clone()));
                ec.ssm_access.push(Attr::Unknown(u));
            }
        }
    }
    ec
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::At;
    use egressproof_model::{Ident, Span};

    fn json(s: &str) -> Value {
        Value::from(serde_json::from_str::<serde_json::Value>(s).unwrap())
    }

    fn one(request: Request, body: &str) -> Kind {
        let span = Span::new("t", 1, 1);
        let mut out = created(request, &json(body), &At(&span), Some("S"));
        assert_eq!(out.len(), 1, "{out:?}");
        out.remove(0).kind
    }

    fn job(k: Kind) -> Job {
        match k {
            Kind::Job(j) => j,
            other => panic!("not a job: {other:?}"),
        }
    }

    #[test]
    fn action_names_in_every_case() {
        assert_eq!(
            Request::from_action("createTrainingJob"),
            Some(Request::CreateTrainingJob)
        );
        assert_eq!(
            Request::from_action("sagemaker:CreateAutoMLJobV2"),
            Some(Request::CreateAutoMlJobV2)
        );
        assert_eq!(action("describeTrainingJob"), Action::RunsNothing);
        assert_eq!(action("createEndpoint"), Action::RunsNothing);
        assert_eq!(action("createLabelingJob"), Action::Unmodelled);
        assert_eq!(action("createNotebookInstance"), Action::Unmodelled);
        assert_eq!(
            action("createProcessingJob"),
            Action::Creates(Request::CreateProcessingJob)
        );
    }

    #[test]
    fn training_reads_isolation_vpc_and_encryption() {
        let j = job(one(
            Request::CreateTrainingJob,
            r#"{"EnableNetworkIsolation": "true", "EnableInterContainerTrafficEncryption": false,
                "VpcConfig": {"Subnets": ["subnet-1"], "SecurityGroupIds": ["sg-1"]}}"#,
        ));
        assert_eq!(j.job_kind, JobKind::Training);
        assert_eq!(j.network_isolation, Some(Attr::Known(true)));
        assert_eq!(j.inter_container_encryption, Some(Attr::Known(false)));
        assert_eq!(
            j.vpc_config.unwrap().subnets,
            Attr::Known(vec![Ident::new("subnet-1")])
        );
        assert_eq!(j.step.as_deref(), Some("S"));
        let open = job(one(Request::CreateTrainingJob, "{}"));
        assert_eq!((open.network_isolation, open.vpc_config), (None, None));
    }

    #[test]
    fn processing_settings_live_in_network_config() {
        let j = job(one(
            Request::CreateProcessingJob,
            r#"{"EnableNetworkIsolation": true, "NetworkConfig": {"EnableInterContainerTrafficEncryption": true}}"#,
        ));
        assert_eq!(
            j.network_isolation, None,
            "a top-level key is not the API's"
        );
        assert_eq!(j.inter_container_encryption, Some(Attr::Known(true)));
        let j = job(one(
            Request::CreateProcessingJob,
            r#"{"NetworkConfig": {"Get": "Parameters.Net"}}"#,
        ));
        assert!(matches!(j.network_isolation, Some(Attr::Unknown(_))));
        assert!(matches!(
            j.vpc_config.map(|v| v.subnets),
            Some(Attr::Unknown(_))
        ));
    }

    #[test]
    fn tuning_reads_every_training_job_definition() {
        let span = Span::new("t", 1, 1);
        let out = created(
            Request::CreateHyperParameterTuningJob,
            &json(
                r#"{"TrainingJobDefinitions": [
                    {"DefinitionName": "a", "EnableNetworkIsolation": true},
                    {"DefinitionName": "b"}]}"#,
            ),
            &At(&span),
            None,
        );
        let got: Vec<_> = out
            .iter()
            .map(|c| {
                let Kind::Job(j) = &c.kind else { panic!() };
                (c.suffix.clone(), j.network_isolation.clone())
            })
            .collect();
        assert_eq!(
            got,
            vec![
                (Some("a".into()), Some(Attr::Known(true))),
                (Some("b".into()), None)
            ]
        );
        let none = job(one(Request::CreateHyperParameterTuningJob, "{}"));
        assert!(matches!(none.network_isolation, Some(Attr::Unknown(_))));
    }

    #[test]
    fn a_transform_job_has_its_models_settings_or_an_unknown() {
        let j = job(one(Request::CreateTransformJob, r#"{"ModelName": "m"}"#));
        let Some(Attr::Unknown(u)) = &j.network_isolation else {
            panic!("{j:?}")
        };
        assert!(u.reason.contains("model m"), "{}", u.reason);
        let span = Span::new("t", 1, 1);
        let site = At(&span);
        let r = Reader::new(&site);
        let mut models = Models::default();
        models.by_step.insert(
            "M".into(),
            SageMakerModel {
                network_isolation: Some(Attr::Known(true)),
                vpc_config: None,
                role: None,
            },
        );
        let body = json(r#"{"ModelName": {"Get": "Steps.M.ModelName"}}"#);
        let out = created_at(
            &r,
            Request::CreateTransformJob,
            &r.node(&body, ""),
            None,
            &models,
        );
        let Kind::Job(j) = &out[0].kind else { panic!() };
        assert_eq!(j.network_isolation, Some(Attr::Known(true)));
    }

    #[test]
    fn model_automl_and_endpoint_config() {
        let Kind::Model(m) = one(Request::CreateModel, r#"{"EnableNetworkIsolation": false}"#)
        else {
            panic!()
        };
        assert_eq!(m.network_isolation, Some(Attr::Known(false)));
        let j = job(one(
            Request::CreateAutoMlJob,
            r#"{"AutoMLJobConfig": {"SecurityConfig": {"VpcConfig": {"Subnets": ["s"], "SecurityGroupIds": ["g"]}, "EnableInterContainerTrafficEncryption": true}}}"#,
        ));
        assert_eq!(j.job_kind, JobKind::AutoMl);
        assert!(j.vpc_config.is_some());
        assert_eq!(j.inter_container_encryption, Some(Attr::Known(true)));
        let j = job(one(
            Request::CreateAutoMlJobV2,
            r#"{"SecurityConfig": {"VpcConfig": {"Subnets.$": "$.s", "SecurityGroupIds": ["g"]}}}"#,
        ));
        assert!(matches!(
            j.vpc_config.map(|v| v.subnets),
            Some(Attr::Unknown(_))
        ));
        let Kind::EndpointConfig(ec) = one(
            Request::CreateEndpointConfig,
            r#"{"ProductionVariants": [{"ModelName": "m", "EnableSSMAccess": true}]}"#,
        ) else {
            panic!()
        };
        assert_eq!(ec.models, vec![Attr::Known(Ident::new("m"))]);
        assert_eq!(ec.ssm_access, vec![Attr::Known(true)]);
    }
}
