use crate::context::unresolved;
use crate::rules::util::finding;
use crate::{Context, Hop, Sink};
use egressproof_model::{Attr, Kind};

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

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for (res, nb) in ctx.of(|k| match k {
        Kind::NotebookInstance(n) => Some(n),
        _ => None,
    }) {
        let why = match &nb.direct_internet_access {
            None => "DirectInternetAccess is not set, and AWS's default is Enabled".to_string(),
            Some(Attr::Known(v)) if v.eq_ignore_ascii_case("Disabled") => continue,
            Some(Attr::Known(v)) if v.eq_ignore_ascii_case("Enabled") => {
                "DirectInternetAccess is Enabled".to_string()
            }
            Some(Attr::Known(v)) => {
                sink.unknown(
                    crate::Rule::UnresolvedValue,
                    format!(
                        "notebook {}: DirectInternetAccess has the unexpected value {v:?}",
                        res.name
                    ),
                    Some(res.span.clone()),
                );
                continue;
            }
            Some(Attr::Unknown(u)) => {
                sink.unknowns.push(unresolved(
                    u,
                    &format!("notebook {}: DirectInternetAccess", res.name),
                ));
                continue;
            }
        };
        let path = vec![
            Hop::new(res, "DirectInternetAccess: Enabled"),
            Hop::external(
                "AWS::SageMaker::ServiceVpc",
                "SageMaker service network",
                "managed route to the internet",
            ),
            Hop::external("Internet", "internet", "any destination"),
        ];
        sink.findings.push(finding(
            &RULE,
            res,
            format!(
                "Notebook instance {} reaches the internet directly: {why}.",
                res.name
            ),
            path,
        ));
    }
}
