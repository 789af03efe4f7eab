use crate::context::unresolved;
use crate::rules::util::finding;
use crate::{Context, Hop, Sink};
use egressproof_model::{Attr, Kind};

declare_rule! {
    /// ## What it does
    /// Flags a Studio space with `RemoteAccess: ENABLED` (connection from a local IDE such as VS
    /// Code) and an endpoint configuration variant with `EnableSSMAccess: true`.
    ///
    /// ## Why is this bad?
    /// Both open an interactive session from a person's laptop into the workload. Whatever the
    /// workload can read, the person can copy to the laptop, outside every network control of the
    /// VPC. It is a people channel, like presigned URLs, not a network path.
    ///
    /// ## Example
    /// ```yaml
    /// Space:
    ///   Type: AWS::SageMaker::Space
    ///   Properties:
    ///     DomainId: !Ref Domain
    ///     SpaceName: shared
    ///     SpaceSettings: { RemoteAccess: ENABLED }
    /// ```
    /// ```hcl
    /// resource "aws_sagemaker_space" "shared" {
    ///   domain_id  = aws_sagemaker_domain.d.id
    ///   space_name = "shared"
    ///   space_settings { remote_access = "ENABLED" }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Leave `RemoteAccess` at `DISABLED` and `EnableSSMAccess` unset, or restrict
    /// `sagemaker:StartSession` to the corporate network with the same `aws:SourceIp` /
    /// `aws:SourceVpce` conditions as presigned URLs.
    code: RemoteIdeAccess,
    name: "remote-ide-access",
    severity: Low,
    summary: "Interactive access from a local IDE or SSM",
    check: check,
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    for res in ctx.resources() {
        match &res.kind {
            Kind::Space(space) => match &space.remote_access {
                Some(Attr::Known(v)) if v.eq_ignore_ascii_case("ENABLED") => {
                    sink.findings.push(finding(
                        &RULE,
                        res,
                        format!("Studio space {} accepts connections from local IDEs (RemoteAccess ENABLED).", res.name),
                        vec![Hop::new(res, "RemoteAccess: ENABLED"), Hop::external("Laptop", "local IDE", "interactive session")],
                    ));
                }
                Some(Attr::Unknown(u)) => sink
                    .unknowns
                    .push(unresolved(u, &format!("space {}: RemoteAccess", res.name))),
                _ => {}
            },
            Kind::EndpointConfig(config) => {
                for ssm in &config.ssm_access {
                    match ssm {
                        Attr::Known(true) => sink.findings.push(finding(
                            &RULE,
                            res,
                            format!("Endpoint config {} enables SSM sessions into its containers (EnableSSMAccess).", res.name),
                            vec![Hop::new(res, "EnableSSMAccess: true"), Hop::external("Laptop", "SSM session", "interactive session")],
                        )),
                        Attr::Known(false) => {}
                        Attr::Unknown(u) => sink
                            .unknowns
                            .push(unresolved(u, &format!("endpoint config {}: EnableSSMAccess", res.name))),
                    }
                }
            }
            _ => {}
        }
    }
}
