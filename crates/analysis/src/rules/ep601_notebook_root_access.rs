use crate::rules::util::finding;
use crate::{Context, Hop, Sink};
use egressproof_model::{Attr, Kind};

declare_rule! {
    /// ## What it does
    /// Reports a notebook instance whose users have root access (`RootAccess` Enabled, or not
    /// set: the default is Enabled). Hardening, not an egress control: it never changes the
    /// verdict.
    ///
    /// ## Why is this bad?
    /// Root lets a user change the instance's own configuration (install tools, alter lifecycle
    /// scripts). It does not open a network path: whether data can leave is decided by the
    /// routes, endpoints and direct internet access, which the egress rules check.
    ///
    /// ## Example
    /// ```yaml
    /// Notebook:
    ///   Type: AWS::SageMaker::NotebookInstance
    ///   Properties:
    ///     InstanceType: ml.t3.medium
    ///     RoleArn: !GetAtt Role.Arn
    ///     DirectInternetAccess: Disabled
    ///     # RootAccess absent: Enabled
    /// ```
    /// ```hcl
    /// resource "aws_sagemaker_notebook_instance" "nb" {
    ///   root_access = "Enabled"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Set `RootAccess: Disabled` (Terraform: `root_access = "Disabled"`).
    code: NotebookRootAccess,
    name: "notebook-root-access",
    severity: Low,
    summary: "Notebook users have root access (hardening)",
    check: check,
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for (res, nb) in ctx.of(|k| match k {
        Kind::NotebookInstance(n) => Some(n),
        _ => None,
    }) {
        let why = match &nb.root_access {
            Some(Attr::Known(v)) if v.eq_ignore_ascii_case("Disabled") => continue,
            Some(Attr::Unknown(_)) => continue,
            None => "RootAccess is not set (default Enabled)",
            Some(Attr::Known(_)) => "RootAccess is Enabled",
        };
        sink.findings.push(finding(
            &RULE,
            res,
            format!(
                "Notebook instance {}: {why}. This hardens the instance; it does not stop egress.",
                res.name
            ),
            vec![Hop::new(res, why)],
        ));
    }
}
