//! SageMaker Pipelines: the workloads a pipeline definition (`PipelineDefinition` JSON, `Steps[]`)
//! runs when it executes.
//!
//! Every step is accounted for, at any depth of Condition steps:
//! - steps that create SageMaker workloads are read as the request their `Arguments` hold
//!   ([`STEP_REQUESTS`]): Training, Processing, Tuning, Transform, Model/CreateModel, AutoML, and
//!   ClarifyCheck/QualityCheck, whose `Arguments` are a CreateProcessingJob request;
//! - Condition steps are followed into `Arguments.IfSteps` and `Arguments.ElseSteps`;
//! - steps that run code outside SageMaker's network isolation ([`RUNS_OUTSIDE`]: Lambda,
//!   Callback, EMR) are unknowns naming the step and why;
//! - steps that run nothing ([`RUNS_NOTHING`]: RegisterModel, Fail) are skipped, by name;
//! - any other step type, a step without `Arguments`, or nesting past [`MAX_DEPTH`] is an
//!   unknown, never silence.

use crate::body::{Node, Reader, Site, State};
use crate::json_text;
use crate::sagemaker::{created_at, Models, Request};
use crate::workflow::{child, unknown_step, Definition, Step, MAX_DEPTH};
use egressproof_model::{Attr, Kind, Value};

/// Step types whose `Arguments` are a SageMaker request body.
pub const STEP_REQUESTS: &[(&str, Request)] = &[
    ("Training", Request::CreateTrainingJob),
    ("Processing", Request::CreateProcessingJob),
    ("ClarifyCheck", Request::CreateProcessingJob),
    ("QualityCheck", Request::CreateProcessingJob),
    ("Tuning", Request::CreateHyperParameterTuningJob),
    ("Transform", Request::CreateTransformJob),
    ("Model", Request::CreateModel),
    ("CreateModel", Request::CreateModel),
    ("AutoML", Request::CreateAutoMlJob),
];

/// Step types that run code outside SageMaker's network isolation, and what they do.
pub const RUNS_OUTSIDE: &[(&str, &str)] = &[
    ("Lambda", "it runs a Lambda function"),
    (
        "Callback",
        "it hands its inputs to whatever reads its SQS queue",
    ),
    ("EMR", "it runs a step on an EMR cluster"),
    ("EMRServerless", "it runs a job on EMR Serverless"),
];

/// Step types that run nothing: registering a model version, failing the execution.
pub const RUNS_NOTHING: &[&str] = &["RegisterModel", "Fail"];

/// The pipeline's definition and the workloads its steps run. The first value is what
/// `Pipeline.definition` holds: unknown when the definition cannot be read at all (stored in S3,
/// unresolved, not JSON), and then no step is known either.
pub fn read(definition: Definition<'_>, site: &dyn Site) -> (Attr<()>, Vec<Step>) {
    let unknown = |why: String| (Attr::unknown(why, Some(site.span().clone())), Vec::new());
    match definition {
        Definition::Stored(place) => unknown(format!(
            "the pipeline definition is stored {place}, outside the scan"
        )),
        Definition::Missing => unknown("the pipeline has no definition".into()),
        Definition::Inline(Value::Unknown(u)) => (Attr::Unknown(u.clone()), Vec::new()),
        Definition::Inline(v @ Value::Map(_)) => (Attr::Known(()), steps(v, site)),
        Definition::Inline(v) => match json_text::parse_value(v) {
            Ok(doc @ Value::Map(_)) => (Attr::Known(()), steps(&doc, site)),
            Ok(_) => unknown("the pipeline definition is not a JSON object".into()),
            Err(e) => unknown(format!(
                "the pipeline definition is not JSON that can be read before deployment: {e}"
            )),
        },
    }
}

/// The workloads of a parsed definition (`{"Steps": [...]}`).
pub fn steps(definition: &Value, site: &dyn Site) -> Vec<Step> {
    let r = Reader::new(site);
    let mut w = Walk {
        r: &r,
        out: Vec::new(),
        transforms: Vec::new(),
    };
    let root = r.node(definition, "");
    let top = r.get(&root, "Steps");
    if matches!(top.state, State::Absent) {
        w.unknown("Steps", "the pipeline definition has no Steps".into());
    } else {
        w.walk(&top, "", 0);
    }
    w.resolve_transforms();
    w.out
}

struct Walk<'r, 's> {
    r: &'r Reader<'s>,
    out: Vec<Step>,
    /// Transform steps: (index in `out`, request body), resolved once every Model step is known.
    transforms: Vec<(usize, Value, String)>,
}

impl Walk<'_, '_> {
    fn unknown(&mut self, name: &str, reason: String) {
        self.out
            .push(unknown_step(name, reason, self.r.site.span()));
    }

    fn walk(&mut self, steps: &Node<'_>, parent: &str, depth: usize) {
        let items = match self.r.items(steps) {
            Ok(items) => items,
            Err(u) => {
                let name = child(parent, &steps.path);
                self.out
                    .push(unknown_step(&name, u.reason, self.r.site.span()));
                return;
            }
        };
        for (i, step) in items.iter().enumerate() {
            let name = match self.r.string(&self.r.get(step, "Name")) {
                Some(Attr::Known(n)) => n,
                _ => format!("{}[{i}]", steps.path),
            };
            self.step(step, &name, depth);
        }
    }

    fn step(&mut self, step: &Node<'_>, name: &str, depth: usize) {
        let ty = match self.r.string(&self.r.get(step, "Type")) {
            Some(Attr::Known(t)) => t,
            Some(Attr::Unknown(u)) => {
                return self.unknown(
                    name,
                    format!("step {name}: its type is not known ({})", u.reason),
                )
            }
            None => return self.unknown(name, format!("step {name} has no Type")),
        };
        let args = self.r.get(step, "Arguments");
        if ty == "Condition" {
            if depth + 1 > MAX_DEPTH {
                return self.unknown(
                    name,
                    format!(
                        "Condition step {name} nests deeper than {MAX_DEPTH} levels: the steps \
                         inside it are not read"
                    ),
                );
            }
            if matches!(args.state, State::Absent) {
                return self.unknown(name, format!("Condition step {name} has no Arguments"));
            }
            for branch in ["IfSteps", "ElseSteps"] {
                let steps = self.r.get(&args, branch);
                self.walk(&steps, name, depth + 1);
            }
            return;
        }
        if RUNS_NOTHING.contains(&ty.as_str()) {
            return;
        }
        if let Some((_, what)) = RUNS_OUTSIDE.iter().find(|(t, _)| *t == ty) {
            return self.unknown(
                name,
                format!(
                    "step {name} is a {ty} step: {what}, outside SageMaker's network isolation, \
                     which egressproof does not analyse"
                ),
            );
        }
        let Some((_, request)) = STEP_REQUESTS.iter().find(|(t, _)| *t == ty) else {
            return self.unknown(
                name,
                format!(
                    "step {name} has type {ty}, which egressproof does not read: it may run code"
                ),
            );
        };
        if matches!(args.state, State::Absent) {
            return self.unknown(
                name,
                format!("step {name} has no Arguments: what its {ty} step runs is not known"),
            );
        }
        for c in created_at(self.r, *request, &args, Some(name), &Models::default()) {
            let step_name = match &c.suffix {
                Some(s) => child(name, s),
                None => name.to_string(),
            };
            if *request == Request::CreateTransformJob {
                if let State::Value(v) = &args.state {
                    self.transforms
                        .push((self.out.len(), (*v).clone(), name.to_string()));
                }
            }
            self.out.push(Step {
                name: step_name,
                kind: c.kind,
            });
        }
    }

    /// Transform steps run with the model of a Model step of this pipeline when they name it
    /// (`{"Get": "Steps.<step>.ModelName"}`): read them again now that every model is known.
    fn resolve_transforms(&mut self) {
        let mut models = Models::default();
        for s in &self.out {
            if let Kind::Model(m) = &s.kind {
                models.by_step.insert(s.name.clone(), m.clone());
            }
        }
        for (i, body, step) in std::mem::take(&mut self.transforms) {
            let root = self.r.node(&body, "");
            if let Some(c) = created_at(
                self.r,
                Request::CreateTransformJob,
                &root,
                Some(&step),
                &models,
            )
            .into_iter()
            .next()
            {
                if let Some(s) = self.out.get_mut(i) {
                    s.kind = c.kind;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::At;
    use egressproof_model::{Job, JobKind, Span};

    fn json(s: &str) -> Value {
        Value::from(serde_json::from_str::<serde_json::Value>(s).unwrap())
    }

    fn run(def: &str) -> Vec<Step> {
        let span = Span::new("t", 1, 1);
        steps(&json(def), &At(&span))
    }

    fn job<'a>(steps: &'a [Step], name: &str) -> &'a Job {
        let s = steps
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no step {name} in {steps:?}"));
        match &s.kind {
            Kind::Job(j) => j,
            other => panic!("{name} is {other:?}"),
        }
    }

    fn unknown_reason(steps: &[Step], name: &str) -> String {
        let j = job(steps, name);
        assert_eq!(j.job_kind, JobKind::Other);
        match &j.network_isolation {
            Some(Attr::Unknown(u)) => u.reason.clone(),
            other => panic!("{name}: {other:?}"),
        }
    }

    #[test]
    fn a_training_step_nested_in_conditions_is_read() {
        let s = run(
            r#"{"Steps": [{"Name": "C1", "Type": "Condition", "Arguments": {
            "IfSteps": [{"Name": "C2", "Type": "Condition", "Arguments": {
                "ElseSteps": [{"Name": "Train", "Type": "Training", "Arguments": {}}]}}]}}]}"#,
        );
        let t = job(&s, "Train");
        assert_eq!(t.job_kind, JobKind::Training);
        assert_eq!(
            (t.network_isolation.clone(), t.vpc_config.clone()),
            (None, None)
        );
        assert_eq!(t.step.as_deref(), Some("Train"));
    }

    #[test]
    fn every_step_type_that_runs_a_job_is_read() {
        let s = run(r#"{"Steps": [
            {"Name": "P", "Type": "Processing", "Arguments": {"NetworkConfig": {"EnableNetworkIsolation": true}}},
            {"Name": "Q", "Type": "QualityCheck", "Arguments": {}},
            {"Name": "K", "Type": "ClarifyCheck", "Arguments": {"NetworkConfig": {"VpcConfig": {"Subnets": ["s"], "SecurityGroupIds": ["g"]}}}},
            {"Name": "T", "Type": "Tuning", "Arguments": {"TrainingJobDefinition": {"EnableNetworkIsolation": true}}},
            {"Name": "A", "Type": "AutoML", "Arguments": {}},
            {"Name": "R", "Type": "RegisterModel", "Arguments": {}},
            {"Name": "F", "Type": "Fail", "Arguments": {}}]}"#);
        assert_eq!(job(&s, "P").network_isolation, Some(Attr::Known(true)));
        assert_eq!(job(&s, "Q").job_kind, JobKind::Processing);
        assert!(job(&s, "K").vpc_config.is_some());
        assert_eq!(job(&s, "T").job_kind, JobKind::HyperParameterTuning);
        assert_eq!(job(&s, "A").job_kind, JobKind::AutoMl);
        assert_eq!(s.len(), 5, "RegisterModel and Fail run nothing: {s:?}");
    }

    #[test]
    fn steps_that_run_code_elsewhere_are_unknowns_naming_them() {
        let s = run(r#"{"Steps": [
            {"Name": "L", "Type": "Lambda", "Arguments": {}},
            {"Name": "Cb", "Type": "Callback", "Arguments": {}},
            {"Name": "E", "Type": "EMR", "Arguments": {}},
            {"Name": "N", "Type": "Brandnew", "Arguments": {}}]}"#);
        assert!(unknown_reason(&s, "L").contains("Lambda"));
        assert!(unknown_reason(&s, "Cb").contains("SQS"));
        assert!(unknown_reason(&s, "E").contains("EMR"));
        assert!(unknown_reason(&s, "N").contains("Brandnew"));
    }

    #[test]
    fn a_step_without_arguments_is_an_unknown() {
        let s = run(r#"{"Steps": [{"Name": "Train", "Type": "Training"}]}"#);
        assert!(unknown_reason(&s, "Train").contains("no Arguments"));
    }

    #[test]
    fn pipeline_expressions_are_set_at_run_time() {
        let s = run(
            r#"{"Steps": [{"Name": "Train", "Type": "Training", "Arguments": {
            "EnableNetworkIsolation": {"Get": "Parameters.Isolate"}}}]}"#,
        );
        let Some(Attr::Unknown(u)) = &job(&s, "Train").network_isolation else {
            panic!()
        };
        assert!(u.reason.contains("Parameters.Isolate"), "{}", u.reason);
    }

    #[test]
    fn nesting_past_the_limit_is_an_unknown_naming_it() {
        let mut def = r#"{"Name": "Train", "Type": "Training", "Arguments": {}}"#.to_string();
        for i in 0..=MAX_DEPTH {
            def = format!(
                r#"{{"Name": "C{i}", "Type": "Condition", "Arguments": {{"IfSteps": [{def}]}}}}"#
            );
        }
        let s = run(&format!(r#"{{"Steps": [{def}]}}"#));
        assert!(s.iter().all(|s| s.name != "Train"));
        let reason = unknown_reason(&s, "C0");
        assert!(reason.contains(&MAX_DEPTH.to_string()), "{reason}");
    }

    #[test]
    fn a_transform_step_runs_with_the_model_of_a_model_step() {
        let s = run(r#"{"Steps": [
            {"Name": "Tr", "Type": "Transform", "Arguments": {"ModelName": {"Get": "Steps.M.ModelName"}}},
            {"Name": "M", "Type": "Model", "Arguments": {"EnableNetworkIsolation": true}},
            {"Name": "Other", "Type": "Transform", "Arguments": {"ModelName": "elsewhere"}}]}"#);
        assert_eq!(job(&s, "Tr").network_isolation, Some(Attr::Known(true)));
        assert!(matches!(
            job(&s, "Other").network_isolation,
            Some(Attr::Unknown(_))
        ));
        assert!(matches!(
            s.iter().find(|s| s.name == "M").map(|s| &s.kind),
            Some(Kind::Model(_))
        ));
    }

    #[test]
    fn definitions_that_cannot_be_read_are_unknown() {
        let span = Span::new("t", 1, 1);
        let at = At(&span);
        let (d, s) = read(Definition::Stored("in S3"), &at);
        assert!(matches!(d, Attr::Unknown(u) if u.reason.contains("S3")));
        assert!(s.is_empty());
        let (d, _) = read(Definition::Inline(&Value::from("{\"Steps\": ")), &at);
        assert!(matches!(d, Attr::Unknown(_)));
        let text =
            Value::from(r#"{"Steps": [{"Name": "T", "Type": "Training", "Arguments": {}}]}"#);
        let (d, s) = read(Definition::Inline(&text), &at);
        assert_eq!(d, Attr::Known(()));
        assert_eq!(s.len(), 1);
        let (d, s) = read(Definition::Inline(&json("{}")), &at);
        assert_eq!(d, Attr::Known(()));
        assert!(unknown_reason(&s, "Steps").contains("no Steps"));
    }
}
