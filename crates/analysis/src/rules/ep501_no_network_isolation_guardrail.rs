use crate::iam::guardrail::report_missing;
use crate::{Context, Sink};
use egressproof_policy::sagemaker_keys::GuardrailKey;

declare_rule! {
    /// ## What it does
    /// Reports, when the scan contains IAM policies or SCPs, that none of them denies creating
    /// training, processing, tuning and monitoring jobs or models without
    /// `sagemaker:NetworkIsolation` true.
    ///
    /// ## Why is this bad?
    /// The scan proves the resources it sees. The next job someone starts from a notebook or a
    /// pipeline is not in the scan: without a guardrail it may run without isolation and
    /// without a VPC, on SageMaker's network that reaches the internet (EP103).
    ///
    /// ## Example
    /// ```yaml
    /// SageMakerUsers:
    ///   Type: AWS::IAM::ManagedPolicy
    ///   Properties:
    ///     PolicyDocument:
    ///       Statement:
    ///         - Effect: Allow
    ///           Action: sagemaker:*
    ///           Resource: '*'
    /// ```
    ///
    /// ## Fix
    /// Add a Deny that also fires when the key is absent (a request that omits
    /// `EnableNetworkIsolation` creates a resource without isolation):
    /// ```yaml
    /// - Effect: Deny
    ///   Action: [sagemaker:CreateTrainingJob, sagemaker:CreateProcessingJob,
    ///            sagemaker:CreateHyperParameterTuningJob, sagemaker:CreateModel,
    ///            sagemaker:CreateMonitoringSchedule, sagemaker:CreateDataQualityJobDefinition,
    ///            sagemaker:CreateModelBiasJobDefinition, sagemaker:CreateModelQualityJobDefinition,
    ///            sagemaker:CreateModelExplainabilityJobDefinition]
    ///   Resource: '*'
    ///   Condition:
    ///     BoolIfExists: { sagemaker:NetworkIsolation: 'false' }
    /// ```
    /// `StringNotEquals: { sagemaker:NetworkIsolation: 'true' }` works as well: a negated
    /// operator is true when the key is absent.
    code: NoNetworkIsolationGuardrail,
    name: "no-network-isolation-guardrail",
    severity: Low,
    summary: "No policy requires network isolation for new jobs and models",
    check: check,
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    report_missing(ctx, sink, &RULE, &[GuardrailKey::NetworkIsolation]);
}
