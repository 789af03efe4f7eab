use crate::iam::guardrail::report_missing;
use crate::{Context, Sink};
use egressproof_policy::sagemaker_keys::GuardrailKey;

declare_rule! {
    /// ## What it does
    /// Reports, when the scan contains IAM policies or SCPs, that none of them denies creating
    /// VPC-capable SageMaker resources (jobs, models, notebooks, AutoML) with
    /// `sagemaker:VpcSubnets` absent.
    ///
    /// ## Why is this bad?
    /// A resource created without a `VpcConfig` runs on SageMaker's managed network, where no
    /// route table, security group or endpoint policy of yours applies. The scan cannot see
    /// resources created after it; a guardrail keeps them in the VPC.
    ///
    /// ## Example
    /// ```yaml
    /// Statement:
    ///   - Effect: Allow
    ///     Action: sagemaker:CreateTrainingJob
    ///     Resource: '*'
    /// ```
    ///
    /// ## Fix
    /// ```yaml
    /// - Effect: Deny
    ///   Action: [sagemaker:CreateTrainingJob, sagemaker:CreateProcessingJob,
    ///            sagemaker:CreateHyperParameterTuningJob, sagemaker:CreateModel,
    ///            sagemaker:CreateNotebookInstance, sagemaker:CreateAutoMLJob,
    ///            sagemaker:CreateAutoMLJobV2, sagemaker:CreateMonitoringSchedule]
    ///   Resource: '*'
    ///   Condition:
    ///     Null: { sagemaker:VpcSubnets: 'true' }
    /// ```
    code: NoVpcGuardrail,
    name: "no-vpc-guardrail",
    severity: Low,
    summary: "No policy requires a VPC for new SageMaker resources",
    check: check,
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    report_missing(ctx, sink, &RULE, &[GuardrailKey::VpcSubnets]);
}
