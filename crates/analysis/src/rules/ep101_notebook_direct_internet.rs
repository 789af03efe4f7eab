use crate::rules::isolation::{through_service_network, Access};
use crate::rules::util::finding;
use crate::{Context, Sink};
use egressproof_model::Kind;

declare_rule! {
    /// ## What it does
    /// Flags a SageMaker notebook instance whose `DirectInternetAccess` is `Enabled`, or is not
    /// set at all: AWS's default is `Enabled`.
    ///
    /// ## Why is this bad?
    /// With direct internet access, SageMaker gives the notebook a network interface in a
    /// service-managed VPC that routes to the internet. Nothing in your VPC sees that traffic: no
    /// route table, security group, NACL or firewall of yours applies. Anyone with the notebook
    /// open can `curl` the data to any host.
    ///
    /// ## Example
    /// ```yaml
    /// Notebook:
    ///   Type: AWS::SageMaker::NotebookInstance
    ///   Properties:
    ///     InstanceType: ml.t3.medium
    ///     RoleArn: !GetAtt ExecutionRole.Arn
    ///     # DirectInternetAccess absent: Enabled
    /// ```
    /// ```hcl
    /// resource "aws_sagemaker_notebook_instance" "nb" {
    ///   name          = "nb"
    ///   instance_type = "ml.t3.medium"
    ///   role_arn      = aws_iam_role.exec.arn
    /// }
    /// ```
    ///
    /// ## Fix
    /// Set `DirectInternetAccess: Disabled` (Terraform: `direct_internet_access = "Disabled"`) and
    /// place the notebook in a private subnet (`SubnetId`, `SecurityGroupIds`) that reaches AWS
    /// services through VPC endpoints only.
    code: NotebookDirectInternet,
    name: "notebook-direct-internet",
    severity: High,
    summary: "Notebook instance with direct internet access",
    check: check,
}

/// The notebook's way out through SageMaker's network.
const DIRECT_INTERNET_ACCESS: Access = Access {
    field: "DirectInternetAccess",
    closed: "Disabled",
    open: "Enabled",
};

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for (res, nb) in ctx.of(|k| match k {
        Kind::NotebookInstance(n) => Some(n),
        _ => None,
    }) {
        let what = format!("notebook {}", res.name);
        let Some(why) = DIRECT_INTERNET_ACCESS.open_because(
            nb.direct_internet_access.as_ref(),
            &what,
            res,
            sink,
        ) else {
            continue;
        };
        sink.findings.push(finding(
            &RULE,
            res,
            format!(
                "Notebook instance {} reaches the internet directly: {why}.",
                res.name
            ),
            through_service_network(DIRECT_INTERNET_ACCESS.hop(res)),
        ));
    }
}
