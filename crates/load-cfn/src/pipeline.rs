//! Workloads hidden inside definitions: SageMaker pipelines and Step Functions state machines.
//! What their steps and tasks run is AWS behaviour, read by the aws layer
//! (`egressproof_aws::pipeline`, `egressproof_aws::stepfunctions`); this module only says where
//! CloudFormation keeps the definition and turns each workload found into a resource of its own
//! (`<logical id>/<step>`, at the resource's span).

use crate::lower::{get, Cx};
use egressproof_aws::body::Site;
use egressproof_aws::workflow::{Definition, Step};
use egressproof_aws::{pipeline, stepfunctions};
use egressproof_model::*;

/// CloudFormation reads identifiers in request bodies as the aws layer's default does: a literal
/// physical ID, a `!Ref`, or a `!GetAtt` attribute.
impl Site for Cx<'_> {
    fn span(&self) -> &Span {
        self.span
    }
}

/// `AWS::SageMaker::Pipeline`: the pipeline, plus one resource per workload its steps run.
pub(crate) fn lower_pipeline(cx: &Cx<'_>, p: &Value, extra: &mut Vec<Resource>) -> Kind {
    let definition = match get(p, "PipelineDefinition") {
        Some(u @ Value::Unknown(_)) => Definition::Inline(u),
        Some(d) => match (
            get(d, "PipelineDefinitionBody"),
            get(d, "PipelineDefinitionS3Location"),
        ) {
            (Some(body), _) => Definition::Inline(body),
            (None, Some(_)) => Definition::Stored("in S3"),
            (None, None) => Definition::Missing,
        },
        None => Definition::Missing,
    };
    let (definition, steps) = pipeline::read(definition, cx);
    push_steps(cx, steps, extra);
    Kind::Pipeline(Pipeline {
        definition,
        role: get(p, "RoleArn").cloned(),
    })
}

/// `AWS::StepFunctions::StateMachine`: one resource per SageMaker workload its tasks start
/// (`Definition`, `DefinitionString` or `DefinitionS3Location`, with `DefinitionSubstitutions`).
pub(crate) fn lower_state_machine(cx: &Cx<'_>, p: &Value, extra: &mut Vec<Resource>) {
    let definition = match (
        get(p, "Definition"),
        get(p, "DefinitionString"),
        get(p, "DefinitionS3Location"),
    ) {
        (Some(d), _, _) | (None, Some(d), _) => Definition::Inline(d),
        (None, None, Some(_)) => Definition::Stored("in S3"),
        (None, None, None) => Definition::Missing,
    };
    let steps = stepfunctions::read(definition, get(p, "DefinitionSubstitutions"), cx);
    push_steps(cx, steps, extra);
}

fn push_steps(cx: &Cx<'_>, steps: Vec<Step>, extra: &mut Vec<Resource>) {
    for step in steps {
        extra.push(Resource::new(
            Ident(format!("{}/{}", cx.id, step.name)),
            format!("{}/{}", cx.name, step.name),
            cx.type_name,
            cx.span.clone(),
            step.kind,
        ));
    }
}
