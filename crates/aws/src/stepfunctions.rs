//! Step Functions: the SageMaker workloads a state machine definition (Amazon States Language)
//! starts.
//!
//! Every state of `States` is visited, and every nested state machine: Parallel `Branches`, Map
//! `Iterator`/`ItemProcessor` (Choice states only point at other states of the same `States`).
//! A `Task` state's `Resource` is parsed as an ARN, field by field:
//! - `arn:<partition>:states:::sagemaker:<action>[.sync|.waitForTaskToken]` (optimized
//!   integration) and `arn:<partition>:states:::aws-sdk:sagemaker:<action>[...]` (SDK
//!   integration) call SageMaker: the action's request body is `Parameters` (JSONPath) or
//!   `Arguments` (JSONata), read as the API reads it ([`crate::sagemaker`]);
//! - a SageMaker action that may start something egressproof does not read here is an unknown;
//! - other services, Lambda function ARNs and activities are not SageMaker workloads;
//! - an unresolved `Resource` could be a SageMaker task: an unknown.
//!
//! A definition stored outside the scan, or one that is not JSON before deployment, is an unknown
//! workload named after the definition. `DefinitionSubstitutions` (`${Name}` in the definition)
//! are applied first, where their values are known.

use crate::body::{Node, Reader, Site, State};
use crate::json_text::{self, Piece};
use crate::sagemaker::{action, created_at, Action, Models, Request};
use crate::workflow::{child, unknown_step, Definition, Step, MAX_DEPTH};
use egressproof_model::{Kind, Part, Unknown, Value};

/// A task's `Resource` ARN, as far as it matters here.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TaskResource {
    /// A service integration: `service` and `action` (`sagemaker`, `createTrainingJob`), whether
    /// through the AWS SDK integration, and the integration pattern after the dot (`sync`).
    Integration {
        service: String,
        action: String,
        sdk: bool,
        pattern: Option<String>,
    },
    /// A Lambda function, an activity, or a reference to a resource of the scan.
    Other,
}

/// Parses a task's `Resource`. A value known only at deploy time in the service or action
/// position is an unknown.
pub fn task_resource(resource: &Value) -> Result<TaskResource, Unknown> {
    /// Stands for a symbol inside the ARN: never in an ARN, and no `:` in it.
    const SYM: char = '\u{1}';
    let text: String = match resource {
        Value::Unknown(u) => return Err(u.clone()),
        Value::Str(s) => s.clone(),
        Value::Text(parts) => parts
            .iter()
            .map(|p| match p {
                Part::Lit(s) => s.clone(),
                Part::Sym(_) => SYM.to_string(),
            })
            .collect(),
        other => {
            return Err(Unknown::new(
                format!("task Resource is not a string: {}", other.render()),
                None,
            ))
        }
    };
    let fields: Vec<&str> = text.split(':').collect();
    let states_integration = fields.len() >= 7
        && fields[0] == "arn"
        && fields[2] == "states"
        && fields[3].is_empty()
        && fields[4].is_empty();
    if !states_integration {
        return Ok(TaskResource::Other);
    }
    let (sdk, service, rest) = if fields[5] == "aws-sdk" && fields.len() >= 8 {
        (true, fields[6], &fields[7..])
    } else {
        (false, fields[5], &fields[6..])
    };
    let rest = rest.join(":");
    let (action, pattern) = match rest.split_once('.') {
        Some((a, p)) => (a.to_string(), Some(p.to_string())),
        None => (rest, None),
    };
    if service.contains(SYM) || action.contains(SYM) {
        return Err(Unknown::new(
            format!(
                "task Resource {} is known only at deploy time",
                resource.render()
            ),
            None,
        ));
    }
    Ok(TaskResource::Integration {
        service: service.to_string(),
        action,
        sdk,
        pattern,
    })
}

/// The workloads of a state machine. `substitutions` is the `DefinitionSubstitutions` map (or
/// an unknown one), applied to `${Name}` in the definition before it is read.
pub fn read(
    definition: Definition<'_>,
    substitutions: Option<&Value>,
    site: &dyn Site,
) -> Vec<Step> {
    let unknown = |why: String| vec![unknown_step("definition", why, site.span())];
    let doc = match definition {
        Definition::Stored(place) => {
            return unknown(format!(
                "the state machine definition is stored {place}, outside the scan: the \
                 SageMaker jobs it starts are not known"
            ))
        }
        Definition::Missing => return unknown("the state machine has no definition".into()),
        Definition::Inline(Value::Unknown(u)) => return unknown(u.reason.clone()),
        Definition::Inline(v @ Value::Map(_)) => substitute(v, substitutions),
        Definition::Inline(v) => {
            let Some(parts) = v.parts() else {
                return unknown(format!(
                    "the state machine definition is not a document: {}",
                    v.render()
                ));
            };
            match json_text::parse(&substitute_parts(&parts, substitutions)) {
                Ok(doc) => doc,
                Err(e) => {
                    return unknown(format!(
                        "the state machine definition is not JSON that can be read before \
                         deployment: {e}"
                    ))
                }
            }
        }
    };
    tasks(&doc, site)
}

/// The workloads of a parsed definition (`{"StartAt": ..., "States": {...}}`).
pub fn tasks(definition: &Value, site: &dyn Site) -> Vec<Step> {
    let r = Reader::new(site);
    let mut w = Walk {
        r: &r,
        out: Vec::new(),
        models: Models::default(),
        transforms: Vec::new(),
    };
    w.walk(&r.node(definition, ""), "", 0);
    w.resolve_transforms();
    w.out
}

struct Walk<'r, 's> {
    r: &'r Reader<'s>,
    out: Vec<Step>,
    /// Models of `createModel` tasks, by their literal `ModelName`.
    models: Models,
    /// Transform tasks: (index in `out`, request body, state name).
    transforms: Vec<(usize, Value, String)>,
}

impl Walk<'_, '_> {
    fn unknown(&mut self, name: &str, reason: String) {
        let name = if name.is_empty() { "definition" } else { name };
        self.out
            .push(unknown_step(name, reason, self.r.site.span()));
    }

    fn walk(&mut self, machine: &Node<'_>, prefix: &str, depth: usize) {
        if depth > MAX_DEPTH {
            return self.unknown(
                prefix,
                format!(
                    "state machines nest deeper than {MAX_DEPTH} levels at {prefix}: the states \
                     inside are not read"
                ),
            );
        }
        let states = self.r.get(machine, "States");
        let map = match &states.state {
            State::Value(Value::Map(m)) => m,
            State::Value(other) => {
                return self.unknown(
                    prefix,
                    format!("States is not an object: {}", other.render()),
                )
            }
            State::Unknown(u) => return self.unknown(prefix, u.reason.clone()),
            State::Absent => return self.unknown(prefix, "the state machine has no States".into()),
        };
        for (name, state) in map {
            let full = child(prefix, name);
            let node = self.r.node(state, &full);
            self.state(&node, &full);
            match self.r.items(&self.r.get(&node, "Branches")) {
                Ok(branches) => {
                    for (i, b) in branches.iter().enumerate() {
                        self.walk(b, &format!("{full}[{i}]"), depth + 1);
                    }
                }
                Err(u) => self.unknown(&full, format!("Branches: {}", u.reason)),
            }
            for key in ["Iterator", "ItemProcessor"] {
                let inner = self.r.get(&node, key);
                if !matches!(inner.state, State::Absent) {
                    self.walk(&inner, &full, depth + 1);
                }
            }
        }
    }

    /// A state's task, when it calls SageMaker.
    fn state(&mut self, node: &Node<'_>, name: &str) {
        let Some(resource) = self.r.raw(node, "Resource") else {
            return;
        };
        let (service, act) = match task_resource(resource) {
            Ok(TaskResource::Integration {
                service, action, ..
            }) => (service, action),
            Ok(TaskResource::Other) => return,
            Err(u) => {
                return self.unknown(
                    name,
                    format!(
                        "task {name}: its Resource may be a SageMaker job ({})",
                        u.reason
                    ),
                )
            }
        };
        if service != "sagemaker" {
            return;
        }
        let request = match action(&act) {
            Action::Creates(r) => r,
            Action::RunsNothing => return,
            Action::Unmodelled => {
                return self.unknown(
                    name,
                    format!(
                        "task {name} calls sagemaker:{act}, which egressproof does not read: \
                         what it starts is not known"
                    ),
                )
            }
        };
        // `Parameters` in JSONPath states, `Arguments` in JSONata ones.
        let Some(key) = ["Parameters", "Arguments"]
            .into_iter()
            .find(|k| self.r.raw(node, k).is_some())
        else {
            return self.unknown(
                name,
                format!("task {name} calls sagemaker:{act} without Parameters or Arguments"),
            );
        };
        let body = self.r.get(node, key);
        let created = created_at(self.r, request, &body, Some(name), &Models::default());
        for c in created {
            if let (Kind::Model(m), State::Value(v)) = (&c.kind, &body.state) {
                if let Some(Value::Str(model_name)) = v.get("ModelName") {
                    self.models.by_name.insert(model_name.clone(), m.clone());
                }
            }
            if request == Request::CreateTransformJob {
                if let State::Value(v) = &body.state {
                    self.transforms
                        .push((self.out.len(), (*v).clone(), name.to_string()));
                }
            }
            let step = match &c.suffix {
                Some(s) => child(name, s),
                None => name.to_string(),
            };
            self.out.push(Step {
                name: step,
                kind: c.kind,
            });
        }
    }

    /// Transform tasks run with the model of a `createModel` task of the same definition when
    /// they name it literally.
    fn resolve_transforms(&mut self) {
        for (i, body, step) in std::mem::take(&mut self.transforms) {
            let root = self.r.node(&body, "");
            let job = created_at(
                self.r,
                Request::CreateTransformJob,
                &root,
                Some(&step),
                &self.models,
            );
            if let (Some(c), Some(s)) = (job.into_iter().next(), self.out.get_mut(i)) {
                s.kind = c.kind;
            }
        }
    }
}

/// `${Name}` in the literal parts of a string, replaced by the substitution's value: its text, or
/// an unresolved hole. Names without a substitution are left as written.
pub fn substitute_parts(parts: &[Part], substitutions: Option<&Value>) -> Vec<Piece> {
    let Some(subs) = substitutions else {
        return parts.iter().cloned().map(Piece::Part).collect();
    };
    let mut out = Vec::new();
    for p in parts {
        let Part::Lit(s) = p else {
            out.push(Piece::Part(p.clone()));
            continue;
        };
        let mut rest = s.as_str();
        while let Some(start) = rest.find("${") {
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else { break };
            let key = &after[..end];
            let value = match subs {
                Value::Unknown(u) => Some(vec![Piece::Unknown(u.clone())]),
                other => other.get(key).map(substitution),
            };
            match value {
                Some(pieces) => {
                    out.push(Piece::Part(Part::Lit(rest[..start].to_string())));
                    out.extend(pieces);
                }
                None => out.push(Piece::Part(Part::Lit(
                    rest[..start + 2 + end + 1].to_string(),
                ))),
            }
            rest = &after[end + 1..];
        }
        out.push(Piece::Part(Part::Lit(rest.to_string())));
    }
    out
}

/// A substitution's value as text pieces.
fn substitution(v: &Value) -> Vec<Piece> {
    match v {
        Value::Unknown(u) => vec![Piece::Unknown(u.clone())],
        Value::Number(n) => vec![Piece::Part(Part::Lit(n.clone()))],
        Value::Bool(b) => vec![Piece::Part(Part::Lit(b.to_string()))],
        other => match other.parts() {
            Some(parts) => parts.into_iter().map(Piece::Part).collect(),
            None => vec![Piece::Unknown(Unknown::new(
                format!(
                    "a definition substitution is not a string: {}",
                    other.render()
                ),
                None,
            ))],
        },
    }
}

/// Substitutions applied to every string of a definition written as a map.
fn substitute(v: &Value, substitutions: Option<&Value>) -> Value {
    if substitutions.is_none() {
        return v.clone();
    }
    match v {
        Value::Str(_) | Value::Text(_) => {
            let parts = v.parts().unwrap_or_default();
            let pieces = substitute_parts(&parts, substitutions);
            let mut out = Vec::with_capacity(pieces.len());
            for p in pieces {
                match p {
                    Piece::Part(p) => out.push(p),
                    Piece::Unknown(u) => return Value::Unknown(u),
                }
            }
            Value::text(out)
        }
        Value::List(items) => {
            Value::List(items.iter().map(|i| substitute(i, substitutions)).collect())
        }
        Value::Map(m) => Value::Map(
            m.iter()
                .map(|(k, i)| (k.clone(), substitute(i, substitutions)))
                .collect(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::body::At;
    use egressproof_model::{Attr, Job, JobKind, Pseudo, Span, Symbol};

    fn json(s: &str) -> Value {
        Value::from(serde_json::from_str::<serde_json::Value>(s).unwrap())
    }

    fn run(def: &str) -> Vec<Step> {
        let span = Span::new("t", 1, 1);
        tasks(&json(def), &At(&span))
    }

    fn job<'a>(steps: &'a [Step], name: &str) -> &'a Job {
        match steps.iter().find(|s| s.name == name).map(|s| &s.kind) {
            Some(Kind::Job(j)) => j,
            other => panic!("{name}: {other:?} in {steps:?}"),
        }
    }

    fn unknown_reason(steps: &[Step], name: &str) -> String {
        match &job(steps, name).network_isolation {
            Some(Attr::Unknown(u)) => u.reason.clone(),
            other => panic!("{name}: {other:?}"),
        }
    }

    #[test]
    fn resources_are_parsed_field_by_field() {
        let r = |s: &str| task_resource(&Value::from(s)).unwrap();
        assert_eq!(
            r("arn:aws:states:::sagemaker:createTrainingJob.sync"),
            TaskResource::Integration {
                service: "sagemaker".into(),
                action: "createTrainingJob".into(),
                sdk: false,
                pattern: Some("sync".into())
            }
        );
        assert_eq!(
            r("arn:aws-cn:states:::aws-sdk:sagemaker:createProcessingJob.waitForTaskToken"),
            TaskResource::Integration {
                service: "sagemaker".into(),
                action: "createProcessingJob".into(),
                sdk: true,
                pattern: Some("waitForTaskToken".into())
            }
        );
        // A Lambda function whose name mentions SageMaker is not a SageMaker task.
        assert_eq!(
            r("arn:aws:lambda:eu-west-1:111122223333:function:sagemaker:createTrainingJob"),
            TaskResource::Other
        );
        let partition = Value::text(vec![
            Part::Lit("arn:".into()),
            Part::Sym(Symbol::Pseudo(Pseudo::Partition)),
            Part::Lit(":states:::sagemaker:createModel".into()),
        ]);
        assert!(matches!(
            task_resource(&partition),
            Ok(TaskResource::Integration { action, .. }) if action == "createModel"
        ));
        assert!(task_resource(&Value::unknown("var.arn", None)).is_err());
    }

    #[test]
    fn every_sagemaker_task_in_any_nesting_is_read() {
        let s = run(r#"{"StartAt": "P", "States": {
            "P": {"Type": "Parallel", "Branches": [{"StartAt": "Train", "States": {
                "Train": {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync",
                          "Parameters": {"EnableNetworkIsolation": false}}}}]},
            "M": {"Type": "Map", "ItemProcessor": {"StartAt": "Proc", "States": {
                "Proc": {"Type": "Task", "Resource": "arn:aws:states:::aws-sdk:sagemaker:createProcessingJob",
                         "Arguments": {"NetworkConfig": {"EnableNetworkIsolation": true}}}}}},
            "Old": {"Type": "Map", "Iterator": {"StartAt": "Tune", "States": {
                "Tune": {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createHyperParameterTuningJob",
                         "Parameters": {"TrainingJobDefinition": {}}}}}},
            "Choose": {"Type": "Choice", "Choices": [], "Default": "Lost"},
            "Lost": {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createTransformJob.sync",
                     "Parameters": {"ModelName": "m"}},
            "Mdl": {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createModel",
                     "Parameters": {"ModelName": "m", "EnableNetworkIsolation": true}},
            "Fn": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "End": true}}}"#);
        let t = job(&s, "P[0]/Train");
        assert_eq!(
            (t.job_kind, t.network_isolation.clone()),
            (JobKind::Training, Some(Attr::Known(false)))
        );
        assert_eq!(job(&s, "M/Proc").network_isolation, Some(Attr::Known(true)));
        assert_eq!(job(&s, "Old/Tune").job_kind, JobKind::HyperParameterTuning);
        assert_eq!(
            job(&s, "Lost").network_isolation,
            Some(Attr::Known(true)),
            "the transform task runs the model of the createModel task"
        );
        assert_eq!(s.len(), 5, "{s:?}");
    }

    #[test]
    fn jsonpath_and_jsonata_values_are_set_at_run_time() {
        let s = run(r#"{"States": {
            "A": {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createTrainingJob",
                  "Parameters": {"EnableNetworkIsolation.$": "$.iso"}},
            "B": {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createTrainingJob",
                  "Arguments": "{% $states.input.request %}"}}}"#);
        assert!(unknown_reason(&s, "A").contains("$.iso"));
        assert!(unknown_reason(&s, "B").contains("$states.input"));
    }

    #[test]
    fn unreadable_tasks_and_definitions_are_unknowns() {
        let s = run(r#"{"States": {
            "Label": {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createLabelingJob.sync", "Parameters": {}},
            "Bare": {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createTrainingJob"}}}"#);
        assert!(unknown_reason(&s, "Label").contains("createLabelingJob"));
        assert!(unknown_reason(&s, "Bare").contains("without Parameters"));
        let span = Span::new("t", 1, 1);
        let at = At(&span);
        let s = read(Definition::Stored("in S3"), None, &at);
        assert!(unknown_reason(&s, "definition").contains("S3"));
        let s = read(
            Definition::Inline(&Value::from("{\"States\": ${X}}")),
            None,
            &at,
        );
        assert!(unknown_reason(&s, "definition").contains("not JSON"));
    }

    #[test]
    fn definition_substitutions_are_applied_where_known() {
        let span = Span::new("t", 1, 1);
        let at = At(&span);
        let text = Value::from(
            r#"{"States": {"T": {"Type": "Task", "Resource": "${TrainArn}",
                "Parameters": {"EnableNetworkIsolation": ${Iso}}}}}"#,
        );
        let subs = json(
            r#"{"TrainArn": "arn:aws:states:::sagemaker:createTrainingJob.sync", "Iso": false}"#,
        );
        let s = read(Definition::Inline(&text), Some(&subs), &at);
        assert_eq!(job(&s, "T").network_isolation, Some(Attr::Known(false)));
        let mut unresolved = subs.clone();
        if let Value::Map(m) = &mut unresolved {
            m.insert(
                "TrainArn".into(),
                Value::unknown("parameter TrainArn", None),
            );
        }
        let s = read(Definition::Inline(&text), Some(&unresolved), &at);
        assert!(unknown_reason(&s, "T").contains("TrainArn"));
        let map = json(
            r#"{"States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::sagemaker:createTrainingJob",
                "Parameters": {"EnableNetworkIsolation": "${Iso}"}}}}"#,
        );
        let s = read(Definition::Inline(&map), Some(&subs), &at);
        assert_eq!(job(&s, "T").network_isolation, Some(Attr::Known(false)));
    }
}
