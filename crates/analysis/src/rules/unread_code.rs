//! EP903's own check: code that runs at deploy time and that the scan does not read. A
//! CloudFormation custom resource calls a Lambda function (or an SNS topic's subscriber) whose
//! code may create a notebook with direct internet access or a Studio domain on the public
//! internet: none of it is in the template, so a scan that stayed silent would say `sealed` of
//! an environment whose workloads it never saw. Terraform's equivalents (a Lambda invocation, a
//! stack of a template outside the scan, a `null_resource` or `terraform_data`, which exist to
//! run provisioners with the operator's credentials) are marked the same way by their loader.

use crate::rules::util::finding;
use crate::{Context, Sink, UnknownFinding};
use egressproof_model::{Kind, Other};

/// One EP903 per resource that runs code the scan does not read (`Other { custom: true }`).
pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for r in ctx.resources() {
        if !matches!(r.kind, Kind::Other(Other { custom: true })) {
            continue;
        }
        let message = format!(
            "{} ({}) runs code the scan does not read: what it creates (a notebook, a Studio \
             domain, a route) is not in the scan",
            r.name, r.type_name
        );
        let meta = &super::ep9xx_unknowns::EP903;
        // A person who read the code may accept it on the resource (an inline ignore with the
        // reason): it is then a suppressed finding, listed with its reason, instead of an
        // unknown; the verdict applies the suppression as it does every other one.
        if r.suppressions
            .iter()
            .any(|s| s.rule.eq_ignore_ascii_case(meta.code.as_str()))
        {
            sink.findings.push(finding(meta, r, message, Vec::new()));
        } else {
            sink.unknowns.push(UnknownFinding {
                rule: meta.code,
                message,
                span: Some(r.span.clone()),
            });
        }
    }
}
