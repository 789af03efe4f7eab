use crate::net::endpoints::endpoint_uses;
use crate::net::service::Service;
use crate::rules::util::finding;
use crate::{AssumptionKind, Context, Sink};
use egressproof_model::{Attr, Kind, Piece, Resource, Symbol, Value};
use egressproof_policy::{exact_buckets, named_orgs, parse, s3_foreign_write, Exposure, Ours};

declare_rule! {
    /// ## What it does
    /// Flags an S3 VPC endpoint (gateway or interface) that a workload reaches (its subnet's
    /// route table carries the endpoint's route, or the interface endpoint is in its VPC) and
    /// whose policy lets writes reach buckets outside your account or organization: no policy
    /// at all (AWS's default allows everything), `Resource: "*"`, or bucket-name wildcards such
    /// as `*sagemaker*` without an `aws:ResourceAccount` / `aws:ResourceOrgID` condition.
    ///
    /// ## Why is this bad?
    /// A private subnet with no internet route still reaches S3 through the endpoint. With a
    /// permissive policy, anyone on the workload can `aws s3 cp` data into a bucket of their
    /// own account, using their own credentials: the best-known exfiltration path from
    /// "isolated" SageMaker environments.
    ///
    /// ## Example
    /// ```yaml
    /// S3Endpoint:
    ///   Type: AWS::EC2::VPCEndpoint
    ///   Properties:
    ///     VpcId: !Ref Vpc
    ///     ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
    ///     RouteTableIds: [!Ref PrivateRouteTable]
    ///     # no PolicyDocument: full access to every bucket
    /// ```
    /// ```hcl
    /// resource "aws_vpc_endpoint" "s3" {
    ///   vpc_id          = aws_vpc.main.id
    ///   service_name    = "com.amazonaws.eu-west-1.s3"
    ///   route_table_ids = [aws_route_table.private.id]
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give the endpoint a policy whose statements require
    /// `aws:ResourceAccount: ${AWS::AccountId}` (or `aws:ResourceOrgID`) and
    /// `aws:PrincipalAccount`, or list exact bucket ARNs that you own. Allow the AWS-owned
    /// buckets SageMaker needs (ECR layers, Python package mirrors) by exact ARN.
    code: S3EndpointForeignWrite,
    name: "s3-endpoint-foreign-write",
    severity: High,
    summary: "S3 endpoint lets writes reach buckets outside the account",
    check: check,
}

/// The accounts and organizations a closed endpoint policy relied on to keep data in: the
/// deploying account (`${AWS::AccountId}`, the same account for every template of the scan) and
/// the organization IDs the policy names itself. Both are taken as ours, so both are stated.
pub(crate) fn assume_ours(endpoint: &Resource, policy: Option<&Value>, sink: &mut Sink) {
    let Some(Ok(p)) = policy.map(parse) else {
        return;
    };
    let keyed_on = |keys: &[&str]| {
        p.statements
            .iter()
            .any(|s| keys.iter().any(|k| s.conds_on(k).next().is_some()))
    };
    if keyed_on(&["aws:resourceaccount", "aws:principalaccount"]) {
        sink.assume(
            AssumptionKind::AccountIds,
            "the account each template is deployed to (${AWS::AccountId}) is taken as ours, and as the same account for every template of the scan",
            None,
        );
    }
    let orgs = named_orgs(&p);
    if !orgs.is_empty() {
        sink.assume(
            AssumptionKind::AccountIds,
            format!(
                "organization {} (named by the policy of endpoint {}) is taken as ours: every account in it counts as ours",
                orgs.join(", "),
                endpoint.name
            ),
            Some(endpoint.span.clone()),
        );
    }
}

/// The buckets the scan creates, each by every name a template gives it: the name it declares
/// (literal, built from symbols such as `data-${AWS::AccountId}`, or with unresolved parts), the
/// name a reference gives (`!Ref Bucket`; `aws_s3_bucket.b.id` and `.bucket`), and the ARN
/// attribute (`!GetAtt Bucket.Arn`, `aws_s3_bucket.b.arn`). A policy that names them is not a
/// wildcard, and they are not another account's.
pub(crate) fn ours(ctx: &Context<'_>, sink: &mut Sink) -> Ours {
    let mut buckets: Vec<Value> = Vec::new();
    let mut arns: Vec<Value> = Vec::new();
    let mut names: Vec<String> = Vec::new();
    for (r, b) in ctx.of(|k| match k {
        Kind::Bucket(b) => Some(b),
        _ => None,
    }) {
        let attr = |a: &str| {
            Value::symbol(Symbol::Attr {
                resource: r.id.clone(),
                attribute: a.to_string(),
            })
        };
        buckets.push(Value::symbol(Symbol::Ref(r.id.clone())));
        buckets.push(attr("bucket"));
        arns.push(attr("Arn"));
        arns.push(attr("arn"));
        match &b.name {
            Some(Attr::Known(n)) => {
                buckets.push(Value::from(n.as_str()));
                names.push(n.clone());
            }
            Some(Attr::Unknown(u)) if u.pieces.is_some() => {
                buckets.push(Value::Unknown(u.clone()));
                names.push(shown(u.pieces.as_deref().unwrap_or_default()));
            }
            _ => names.push(r.name.clone()),
        }
    }
    names.sort();
    names.dedup();
    sink.assume(
        AssumptionKind::BucketNames,
        if names.is_empty() {
            "S3 buckets counted as ours: none named in the scan (only the deploying account's, by condition)".to_string()
        } else {
            format!("S3 buckets counted as ours: {}", names.join(", "))
        },
        None,
    );
    Ours {
        accounts: Vec::new(),
        orgs: Vec::new(),
        buckets,
        arns,
    }
}

/// A partly known string for people: symbols as `${...}`, unresolved parts as `${Name}`.
pub(crate) fn shown(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Lit(s) => s.clone(),
            Piece::Sym(s) => s.to_string(),
            Piece::Hole { name, .. } if name.is_empty() => "${?}".to_string(),
            Piece::Hole { name, .. } => format!("${{{name}}}"),
        })
        .collect()
}

/// The buckets a policy names exactly that the scan does not create: each is one bucket, taken
/// as ours (a write there stays in the account only if it is), and so stated. `owner` says
/// whose policy it is (`endpoint S3Endpoint`, `role ExecutionRole`).
pub(crate) fn assume_exact_buckets(
    ctx: &Context<'_>,
    owner: (&str, &Resource),
    policy: &Value,
    sink: &mut Sink,
) {
    let (what, owner) = owner;
    let scan: Vec<String> = ctx
        .of(|k| match k {
            Kind::Bucket(b) => Some(b),
            _ => None,
        })
        .flat_map(|(r, b)| {
            let mut names = vec![
                Value::symbol(Symbol::Ref(r.id.clone())).render(),
                Value::symbol(Symbol::Attr {
                    resource: r.id.clone(),
                    attribute: "bucket".into(),
                })
                .render(),
            ];
            match &b.name {
                Some(Attr::Known(n)) => names.push(n.clone()),
                Some(Attr::Unknown(u)) => {
                    names.push(shown(u.pieces.as_deref().unwrap_or_default()))
                }
                None => {}
            }
            names
        })
        .collect();
    let outside: Vec<String> = exact_buckets(policy)
        .into_iter()
        .filter(|b| !scan.contains(b))
        .collect();
    if !outside.is_empty() {
        sink.assume(
            AssumptionKind::BucketNames,
            format!(
                "S3 bucket{} {} (named exactly by the policy of {what} {}, not created by the scan) taken as ours",
                if outside.len() == 1 { "" } else { "s" },
                outside.join(", "),
                owner.name
            ),
            Some(owner.span.clone()),
        );
    }
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    let uses = endpoint_uses(ctx);
    let mut ours_cache = None;
    for u in &uses {
        match &u.service {
            Service::Aws(s) if s == "s3" || s.starts_with("s3-") || s.starts_with("s3.") => {}
            Service::Unknown(why) => {
                sink.unknown(
                    crate::Rule::UnresolvedValue,
                    format!(
                        "VPC endpoint {}: service name not resolved ({why}); an S3 endpoint with an open policy would be a channel",
                        u.resource.name
                    ),
                    Some(u.resource.span.clone()),
                );
                continue;
            }
            _ => continue,
        }
        if let Some(unknown) = &u.unknown {
            sink.unknowns.push(unknown.clone());
            continue;
        }
        let ours = ours_cache.get_or_insert_with(|| ours(ctx, sink));
        match s3_foreign_write(u.endpoint.policy.as_ref(), ours) {
            Exposure::Closed => {
                assume_ours(u.resource, u.endpoint.policy.as_ref(), sink);
                if let Some(policy) = &u.endpoint.policy {
                    assume_exact_buckets(ctx, ("endpoint", u.resource), policy, sink);
                }
            }
            Exposure::Open { context } => {
                let mut f = finding(
                    &RULE,
                    u.resource,
                    format!(
                        "S3 endpoint {} lets data be written to buckets outside the account: {context}.",
                        u.resource.name
                    ),
                    u.path(&format!("policy admits: {context}")),
                );
                f.path.push(crate::Hop::external(
                    "AWS::S3::Bucket",
                    "a bucket of another account",
                    "writable through the endpoint",
                ));
                f.workloads = u.workloads();
                sink.findings.push(f);
            }
            Exposure::Undecided { code, reason } => sink.unknown(
                code,
                format!(
                    "S3 endpoint {}: policy not decided: {reason}",
                    u.resource.name
                ),
                Some(u.resource.span.clone()),
            ),
        }
    }
}
