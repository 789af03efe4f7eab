//! Workflows: SageMaker pipelines (`aws_sagemaker_pipeline`) and Step Functions state machines
//! (`aws_sfn_state_machine`). What their steps and tasks run is AWS behaviour, read by the aws
//! layer (`egressproof_aws::pipeline`, `egressproof_aws::stepfunctions`), the same reading the
//! CloudFormation loader uses; this module only says where Terraform keeps the definition and
//! names each workload found `<address>.step["<step>"]`.

use super::{get, Args, Ctx, Link};
use crate::val::Val;
use egressproof_aws::body::{literal_ident, Site};
use egressproof_aws::workflow::{Definition, Step};
use egressproof_aws::{pipeline, stepfunctions};
use egressproof_model::*;

/// Terraform names a resource by its `id`, `name` or `arn` as well as by itself: a definition
/// built with `jsonencode` that holds `aws_subnet.a.id` names the subnet.
impl Site for Ctx<'_> {
    fn span(&self) -> &Span {
        &self.span
    }

    fn ident(&self, v: &Value) -> Attr<Ident> {
        match v.as_symbol() {
            Some(Symbol::Attr {
                resource,
                attribute,
            }) if super::names_resource(attribute) => Attr::Known(resource.clone()),
            _ => literal_ident(v, &self.span),
        }
    }
}

/// A definition argument as the aws layer reads it: a `jsonencode` result as the document it
/// encodes (symbols and unknowns in place), anything else (a heredoc, `file(...)`, a plan's
/// string) as written.
fn definition_value(v: &Val) -> Value {
    match v {
        Val::Json(inner) => inner.to_value(),
        other => other.to_value(),
    }
}

/// Lowers the workflow family.
pub(super) fn lower(c: &Ctx, out: &mut Vec<Resource>, _links: &mut Vec<Link>) -> bool {
    let a: &Args = c.args;
    match c.type_name.as_str() {
        "aws_sagemaker_pipeline" => {
            let value = get(a, "pipeline_definition").map(definition_value);
            let definition = match (&value, c.block(a, "pipeline_definition_s3_location")) {
                (Some(v), _) => Definition::Inline(v),
                (None, Some(_)) => Definition::Stored("in S3"),
                (None, None) => Definition::Missing,
            };
            let (definition, steps) = pipeline::read(definition, c);
            let definition = match definition {
                Attr::Unknown(u) if u.span.is_none() => {
                    Attr::Unknown(Unknown::new(u.reason, Some(c.span.clone())))
                }
                other => other,
            };
            out.push(c.res(Kind::Pipeline(Pipeline {
                definition,
                role: get(a, "role_arn").map(Val::to_value),
            })));
            push_steps(c, steps, out);
        }
        "aws_sfn_state_machine" => {
            // `definition` is required; a `file(...)` outside the scan evaluates to an unknown.
            let value = get(a, "definition").map(definition_value);
            let definition = match &value {
                Some(v) => Definition::Inline(v),
                None => Definition::Missing,
            };
            out.push(c.res(Kind::Other(Other::default())));
            push_steps(c, stepfunctions::read(definition, None, c), out);
        }
        _ => return false,
    }
    true
}

fn push_steps(c: &Ctx, steps: Vec<Step>, out: &mut Vec<Resource>) {
    for step in steps {
        out.push(c.sub(
            &format!(".step[{}]", serde_json::Value::String(step.name)),
            step.kind,
        ));
    }
}
