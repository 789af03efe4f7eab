use crate::rules::isolation::{through_service_network, Access};
use crate::rules::util::finding;
use crate::{Context, Sink};
use egressproof_model::{Attr, Kind};

declare_rule! {
    /// ## What it does
    /// Flags a SageMaker Studio domain whose `AppNetworkAccessType` is `PublicInternetOnly`, or
    /// is not set at all: AWS's default is `PublicInternetOnly`. A Studio user profile, space
    /// or app whose domain is not in the scan (an import, a parameter or variable, a literal
    /// domain ID no template or snapshot of the scan holds) is an EP902 unknown: its apps run in
    /// that domain's network, which the scan does not show. An app has no network setting of
    /// its own, so a domain in the scan is judged for it.
    ///
    /// ## Why is this bad?
    /// In `PublicInternetOnly` mode every Studio app (JupyterLab, Code Editor, kernels) gets
    /// internet access through a network that SageMaker manages, outside your VPC's routes and
    /// firewalls. Any user can upload the data they can read to any host on the internet.
    ///
    /// ## Example
    /// ```yaml
    /// Domain:
    ///   Type: AWS::SageMaker::Domain
    ///   Properties:
    ///     DomainName: research
    ///     AuthMode: IAM
    ///     VpcId: !Ref Vpc
    ///     SubnetIds: [!Ref PrivateSubnet]
    ///     DefaultUserSettings: { ExecutionRole: !GetAtt Role.Arn }
    ///     # AppNetworkAccessType absent: PublicInternetOnly
    /// ```
    /// ```hcl
    /// resource "aws_sagemaker_domain" "d" {
    ///   domain_name = "research"
    ///   auth_mode   = "IAM"
    ///   vpc_id      = aws_vpc.main.id
    ///   subnet_ids  = [aws_subnet.private.id]
    ///   default_user_settings { execution_role = aws_iam_role.exec.arn }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Set `AppNetworkAccessType: VpcOnly` (Terraform: `app_network_access_type = "VpcOnly"`), give
    /// the domain private subnets and security groups, and provide VPC endpoints for the SageMaker
    /// API, runtime, Studio, STS, CloudWatch Logs, ECR and S3.
    code: DomainPublicInternet,
    name: "domain-public-internet",
    severity: High,
    summary: "Studio domain with public internet access",
    check: check,
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    check_domains(ctx, sink);
    outside_scan(ctx, sink);
}

/// A Studio user profile, space or app whose domain is not in the scan: its apps run in that
/// domain's network, and whether they reach the internet is the domain's `AppNetworkAccessType`
/// (default `PublicInternetOnly`) and subnets, which the scan does not hold. An unknown, never silence:
/// the verdict is `unproven` until the domain is scanned too.
fn outside_scan(ctx: &Context<'_>, sink: &mut Sink) {
    for res in ctx.resources() {
        let Some(domain) = ctx.domain_outside_scan(res) else {
            continue;
        };
        let what = match res.kind {
            Kind::Space(_) => "space",
            Kind::App(_) => "Studio app",
            _ => "user profile",
        };
        let (value, span) = match domain {
            Attr::Known(d) => (d.as_str().to_string(), None),
            Attr::Unknown(u) => (format!("<{}>", u.reason), u.span.clone()),
        };
        sink.unknown(
            crate::Rule::UnresolvedValue,
            format!(
                "{what} {} runs in domain {value}, which is not in the scan: its network access \
                 (AppNetworkAccessType, default PublicInternetOnly) is unknown",
                res.name
            ),
            Some(span.unwrap_or_else(|| res.span.clone())),
        );
    }
}

/// The domain's apps' way out through SageMaker's network.
const APP_NETWORK_ACCESS_TYPE: Access = Access {
    field: "AppNetworkAccessType",
    closed: "VpcOnly",
    open: "PublicInternetOnly",
};

fn check_domains(ctx: &Context<'_>, sink: &mut Sink) {
    for (res, domain) in ctx.of(|k| match k {
        Kind::Domain(d) => Some(d),
        _ => None,
    }) {
        let what = format!("domain {}", res.name);
        let Some(why) = APP_NETWORK_ACCESS_TYPE.open_because(
            domain.app_network_access_type.as_ref(),
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
                "Studio domain {} gives its apps internet access: {why}.",
                res.name
            ),
            through_service_network(APP_NETWORK_ACCESS_TYPE.hop(res)),
        ));
    }
}
