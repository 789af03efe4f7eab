use crate::rules::util::finding;
use crate::{Context, Hop, Sink};
use egressproof_model::Kind;

declare_rule! {
    /// ## What it does
    /// Reports a notebook instance, Studio domain or endpoint configuration without a
    /// customer-managed KMS key for its storage. Hardening, not an egress control: it never
    /// changes the verdict.
    ///
    /// ## Why is this bad?
    /// A customer-managed key lets you audit and revoke access to the data at rest. Encryption
    /// does not stop a running workload from sending the decrypted data out: that is what the
    /// egress rules check.
    ///
    /// ## Example
    /// ```yaml
    /// Notebook:
    ///   Type: AWS::SageMaker::NotebookInstance
    ///   Properties:
    ///     InstanceType: ml.t3.medium
    ///     RoleArn: !GetAtt Role.Arn
    ///     # no KmsKeyId
    /// ```
    /// ```hcl
    /// resource "aws_sagemaker_domain" "d" {
    ///   # no kms_key_id
    /// }
    /// ```
    ///
    /// ## Fix
    /// Set `KmsKeyId` (Terraform: `kms_key_id`) to a customer-managed key whose key policy
    /// limits use to the workload roles.
    code: StorageWithoutCustomerKey,
    name: "storage-without-customer-key",
    severity: Low,
    summary: "Storage not encrypted with a customer-managed key (hardening)",
    check: check,
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for res in ctx.resources() {
        let missing = match &res.kind {
            Kind::NotebookInstance(n) => n.kms_key.is_none(),
            Kind::Domain(d) => d.kms_key.is_none(),
            Kind::EndpointConfig(c) => c.kms_key.is_none(),
            _ => false,
        };
        if missing {
            sink.findings.push(finding(
                &RULE,
                res,
                format!(
                    "{} has no customer-managed KMS key for its storage. This protects data at rest; it does not stop egress.",
                    res.name
                ),
                vec![Hop::new(res, "no KmsKeyId")],
            ));
        }
    }
}
