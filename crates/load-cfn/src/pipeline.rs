//! Workloads hidden inside strings: SageMaker pipeline definitions and Step Functions state
//! machines, whose training and processing steps are jobs like any other.

use crate::lower::{boolean, get, idents, path, Cx};
use egressproof_model::*;

/// A JSON string that may hold symbols, read by the aws layer; `None` when it is not JSON.
fn parse_json_text(v: &Value) -> Option<Value> {
    egressproof_aws::json_text::parse_value(v).ok()
}

/// `AWS::SageMaker::Pipeline`: the pipeline, plus one job per training/processing/tuning/
/// transform step of its definition.
pub(crate) fn lower_pipeline(cx: &Cx<'_>, p: &Value, extra: &mut Vec<Resource>) -> Kind {
    let body = path(p, &["PipelineDefinition", "PipelineDefinitionBody"]);
    let definition = match body {
        None if path(p, &["PipelineDefinition", "PipelineDefinitionS3Location"]).is_some() => {
            Attr::unknown(
                "pipeline definition is stored in S3, outside the scan",
                Some(cx.span.clone()),
            )
        }
        None => Attr::unknown("pipeline has no definition", Some(cx.span.clone())),
        Some(Value::Unknown(u)) => Attr::Unknown(u.clone()),
        Some(Value::Map(m)) => {
            steps(cx, &Value::Map(m.clone()), extra);
            Attr::Known(())
        }
        Some(b) => match parse_json_text(b) {
            Some(def) => {
                steps(cx, &def, extra);
                Attr::Known(())
            }
            None => Attr::unknown(
                "pipeline definition is not JSON that can be read before deployment",
                Some(cx.span.clone()),
            ),
        },
    };
    Kind::Pipeline(Pipeline { definition })
}

fn steps(cx: &Cx<'_>, def: &Value, extra: &mut Vec<Resource>) {
    walk_steps(cx, get(def, "Steps"), extra, 0);
}

fn walk_steps(cx: &Cx<'_>, steps: Option<&Value>, extra: &mut Vec<Resource>, depth: usize) {
    let Some(Value::List(steps)) = steps else {
        return;
    };
    if depth > 16 {
        return;
    }
    for step in steps {
        let name = get(step, "Name").map(Value::render).unwrap_or_default();
        let ty = get(step, "Type").and_then(Value::as_str).unwrap_or("");
        let args = get(step, "Arguments");
        if ty == "Condition" {
            walk_steps(cx, args.and_then(|a| get(a, "IfSteps")), extra, depth + 1);
            walk_steps(cx, args.and_then(|a| get(a, "ElseSteps")), extra, depth + 1);
            continue;
        }
        let kind = match ty {
            "Training" => JobKind::Training,
            "Processing" => JobKind::Processing,
            "Tuning" => JobKind::HyperParameterTuning,
            "Transform" => JobKind::Transform,
            _ => continue,
        };
        let job = match args {
            Some(a) => job_from_request(cx, kind, a, &name),
            None => Job {
                job_kind: kind,
                network_isolation: Some(Attr::unknown(
                    format!("step {name} has no Arguments"),
                    Some(cx.span.clone()),
                )),
                vpc_config: None,
                inter_container_encryption: None,
                step: Some(name.clone()),
            },
        };
        push_job(cx, &name, job, extra);
    }
}

fn push_job(cx: &Cx<'_>, step: &str, job: Job, extra: &mut Vec<Resource>) {
    extra.push(Resource::new(
        Ident(format!("{}/{}", cx.id, step)),
        format!("{}/{}", cx.name, step),
        cx.type_name,
        cx.span.clone(),
        Kind::Job(job),
    ));
}

/// A job from a CreateTrainingJob / CreateProcessingJob / CreateHyperParameterTuningJob /
/// CreateTransformJob request body.
fn job_from_request(cx: &Cx<'_>, kind: JobKind, req: &Value, step: &str) -> Job {
    let (iso, vpc, ice) = match kind {
        JobKind::Processing => {
            let nc = get(req, "NetworkConfig");
            (
                nc.and_then(|n| get(n, "EnableNetworkIsolation")),
                nc.and_then(|n| get(n, "VpcConfig")),
                nc.and_then(|n| get(n, "EnableInterContainerTrafficEncryption")),
            )
        }
        JobKind::HyperParameterTuning => {
            let d = get(req, "TrainingJobDefinition");
            (
                d.and_then(|d| get(d, "EnableNetworkIsolation")),
                d.and_then(|d| get(d, "VpcConfig")),
                d.and_then(|d| get(d, "EnableInterContainerTrafficEncryption")),
            )
        }
        _ => (
            get(req, "EnableNetworkIsolation"),
            get(req, "VpcConfig"),
            get(req, "EnableInterContainerTrafficEncryption"),
        ),
    };
    Job {
        job_kind: kind,
        network_isolation: iso.map(|v| boolean(cx, v)),
        vpc_config: vpc.map(|v| VpcConfig {
            subnets: get(v, "Subnets").map(|s| idents(cx, s)).unwrap_or_else(|| {
                Attr::unknown("VpcConfig.Subnets is missing", Some(cx.span.clone()))
            }),
            security_groups: get(v, "SecurityGroupIds")
                .map(|s| idents(cx, s))
                .unwrap_or_else(|| {
                    Attr::unknown(
                        "VpcConfig.SecurityGroupIds is missing",
                        Some(cx.span.clone()),
                    )
                }),
        }),
        inter_container_encryption: ice.map(|v| boolean(cx, v)),
        step: Some(step.to_string()),
    }
}

/// `AWS::StepFunctions::StateMachine`: SageMaker job tasks of the definition become jobs.
pub(crate) fn lower_state_machine(cx: &Cx<'_>, p: &Value, extra: &mut Vec<Resource>) {
    let def = match (get(p, "Definition"), get(p, "DefinitionString")) {
        (Some(d @ Value::Map(_)), _) => Some(d.clone()),
        (_, Some(s)) => parse_json_text(s),
        _ => None,
    };
    if let Some(def) = def {
        walk_states(cx, &def, extra, 0);
    }
}

fn walk_states(cx: &Cx<'_>, def: &Value, extra: &mut Vec<Resource>, depth: usize) {
    if depth > 16 {
        return;
    }
    let Some(Value::Map(states)) = get(def, "States") else {
        return;
    };
    for (name, state) in states {
        let resource = get(state, "Resource")
            .map(Value::render)
            .unwrap_or_default();
        let kind = if resource.contains(":sagemaker:createTrainingJob") {
            Some(JobKind::Training)
        } else if resource.contains(":sagemaker:createProcessingJob") {
            Some(JobKind::Processing)
        } else if resource.contains(":sagemaker:createHyperParameterTuningJob") {
            Some(JobKind::HyperParameterTuning)
        } else if resource.contains(":sagemaker:createTransformJob") {
            Some(JobKind::Transform)
        } else {
            None
        };
        if let Some(kind) = kind {
            let params = get(state, "Parameters")
                .or_else(|| get(state, "Arguments"))
                .cloned()
                .unwrap_or(Value::Map(Default::default()));
            let mut job = job_from_request(cx, kind, &params, name);
            // `Key.$` fields are JSONPath, filled at run time: unknown, never absent.
            let dynamic = |k: &str| get(&params, &format!("{k}.$")).is_some();
            if dynamic("EnableNetworkIsolation") || dynamic("NetworkConfig") {
                job.network_isolation = Some(Attr::unknown(
                    format!("state {name}: network isolation is set at run time"),
                    Some(cx.span.clone()),
                ));
            }
            if dynamic("VpcConfig") {
                let u = Unknown::new(
                    format!("state {name}: VpcConfig is set at run time"),
                    Some(cx.span.clone()),
                );
                job.vpc_config = Some(VpcConfig {
                    subnets: Attr::Unknown(u.clone()),
                    security_groups: Attr::Unknown(u),
                });
            }
            push_job(cx, name, job, extra);
        }
        for branch in crate::lower::get(state, "Branches")
            .map(|b| b.as_list())
            .unwrap_or_default()
        {
            walk_states(cx, branch, extra, depth + 1);
        }
        for key in ["Iterator", "ItemProcessor"] {
            if let Some(inner) = get(state, key) {
                walk_states(cx, inner, extra, depth + 1);
            }
        }
    }
}
