//! Step Functions: state machines, whose SageMaker tasks become jobs.

use super::*;

/// Lowers the Step Functions family.
pub(super) fn lower(cx: &Cx<'_>, p: &Value, extra: &mut Vec<Resource>) -> Option<Kind> {
    Some(match cx.type_name {
        "AWS::StepFunctions::StateMachine" => {
            pipeline::lower_state_machine(cx, p, extra);
            Kind::Other(Other::plain())
        }
        _ => return None,
    })
}
