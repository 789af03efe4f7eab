use crate::iam::guardrail::report_missing;
use crate::{Context, Sink};
use egressproof_policy::sagemaker_keys::GuardrailKey;

declare_rule! {
    /// ## What it does
    /// Reports, when the scan contains IAM policies or SCPs, that none of them denies creating
    /// notebook instances with `sagemaker:DirectInternetAccess` Enabled, or Studio domains with
    /// `sagemaker:AppNetworkAccessType` other than `VpcOnly`.
    ///
    /// ## Why is this bad?
    /// Both defaults are open: a notebook created without `DirectInternetAccess` has it
    /// Enabled (EP101), a domain created without `AppNetworkAccessType` is PublicInternetOnly
    /// (EP102). Whoever creates the next one decides, unless a policy does.
    ///
    /// ## Example
    /// ```yaml
    /// Statement:
    ///   - Effect: Allow
    ///     Action: [sagemaker:CreateNotebookInstance, sagemaker:CreateDomain]
    ///     Resource: '*'
    /// ```
    ///
    /// ## Fix
    /// Deny unless the safe value is present (negated operators are true when the key is
    /// absent, so the default is denied too):
    /// ```yaml
    /// - Effect: Deny
    ///   Action: sagemaker:CreateNotebookInstance
    ///   Resource: '*'
    ///   Condition:
    ///     StringNotEquals: { sagemaker:DirectInternetAccess: Disabled }
    /// - Effect: Deny
    ///   Action: [sagemaker:CreateDomain, sagemaker:UpdateDomain]
    ///   Resource: '*'
    ///   Condition:
    ///     StringNotEquals: { sagemaker:AppNetworkAccessType: VpcOnly }
    /// ```
    code: NoInternetGuardrail,
    name: "no-internet-guardrail",
    severity: Low,
    summary: "No policy forbids notebooks or domains with internet access",
    check: check,
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    report_missing(
        ctx,
        sink,
        &RULE,
        &[
            GuardrailKey::DirectInternetAccess,
            GuardrailKey::AppNetworkAccessType,
        ],
    );
}
