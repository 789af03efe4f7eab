use crate::iam::guardrail::fails_open;
use crate::{Context, Sink};
use egressproof_policy::sagemaker_keys::REQUIREMENTS;

declare_rule! {
    /// ## What it does
    /// Flags a guardrail (a Deny keyed on `sagemaker:NetworkIsolation`, `sagemaker:VpcSubnets`,
    /// `sagemaker:DirectInternetAccess` or `sagemaker:AppNetworkAccessType`) that some request
    /// gets past, and reports that request: the key absent, a value of the wrong type or case,
    /// or an action the guardrail does not list.
    ///
    /// ## Why is this bad?
    /// A guardrail that fails open looks like protection and is not. The usual ways:
    /// - `Bool: { sagemaker:NetworkIsolation: 'false' }` does not fire when the request omits
    ///   `EnableNetworkIsolation`: `Bool` on an absent key is false, and the resource is then
    ///   created *without* isolation.
    /// - `StringEquals: { sagemaker:DirectInternetAccess: Enabled }` does not fire when the
    ///   request omits it, and AWS's default is Enabled.
    /// - `Bool` against a string key (`Bool: { sagemaker:DirectInternetAccess: 'true' }`) never
    ///   matches `Enabled`.
    /// - The Deny lists `CreateTrainingJob` but not `CreateProcessingJob`.
    ///
    /// ## Example
    /// ```yaml
    /// - Effect: Deny
    ///   Action: [sagemaker:CreateTrainingJob, sagemaker:CreateModel]
    ///   Resource: '*'
    ///   Condition:
    ///     Bool: { sagemaker:NetworkIsolation: 'false' }
    /// ```
    ///
    /// ## Fix
    /// Key the Deny on the safe value with a negated operator (true when the key is absent),
    /// or add `...IfExists` / a `Null` statement, and list every action that carries the key:
    /// ```yaml
    /// - Effect: Deny
    ///   Action: [sagemaker:CreateTrainingJob, sagemaker:CreateProcessingJob,
    ///            sagemaker:CreateHyperParameterTuningJob, sagemaker:CreateModel,
    ///            sagemaker:CreateMonitoringSchedule, sagemaker:CreateDataQualityJobDefinition,
    ///            sagemaker:CreateModelBiasJobDefinition, sagemaker:CreateModelQualityJobDefinition,
    ///            sagemaker:CreateModelExplainabilityJobDefinition]
    ///   Resource: '*'
    ///   Condition:
    ///     StringNotEquals: { sagemaker:NetworkIsolation: 'true' }
    /// ```
    code: GuardrailFailsOpen,
    name: "guardrail-fails-open",
    severity: High,
    summary: "A SageMaker network guardrail lets some requests through",
    check: check,
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for req in REQUIREMENTS {
        fails_open(ctx, sink, &RULE, req);
    }
}
