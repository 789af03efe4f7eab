use crate::rules::ep301_s3_endpoint_foreign_write::shown;
use crate::rules::util::finding;
use crate::{AssumptionKind, Context, Hop, Rule, Sink};
use egressproof_model::{
    Attr, DataDestination, Delivery, Ident, Kind, Piece, Resource, Symbol, Target, Unknown, Value,
};
use egressproof_policy::cond::Op;
use egressproof_policy::{parse, RESOURCE_KEY};

declare_rule! {
    /// ## What it does
    /// Flags a destination that SageMaker itself writes to and that belongs to another account:
    /// a job's output or checkpoints, the requests and responses an endpoint captures, the
    /// results and notification topics of asynchronous inference, a model monitor's reports,
    /// the notebooks Studio users share with their cell output, Canvas artifacts, the offline
    /// store of a Feature Store feature group. A topic ARN
    /// that names another account is another account's; so is a bucket that the scan's
    /// policies say another account owns (`aws:ResourceAccount` / `s3:ResourceAccount` on a
    /// statement naming it). A bucket the scan does not create is listed as an assumption
    /// (taken as ours), an unresolved destination is an unknown (EP902) naming the field.
    /// Notebooks that Studio users share with their cell output (`SharingSettings`
    /// `NotebookOutputOption: Allowed`) must go to a bucket the scan creates: any other is
    /// flagged, and one of the scan is listed as an assumption.
    ///
    /// ## Why is this bad?
    /// SageMaker uploads these from its own network, with the execution role's permissions, to
    /// whatever S3 location or SNS topic the request names. No route, security group, network
    /// ACL or VPC endpoint policy of the workload's VPC is on that path: a sealed VPC still
    /// delivers its model artifacts, captured inference data or shared notebooks to another
    /// account when the request says so.
    ///
    /// ## Example
    /// ```yaml
    /// EndpointConfig:
    ///   Type: AWS::SageMaker::EndpointConfig
    ///   Properties:
    ///     ProductionVariants:
    ///       - { ModelName: !GetAtt Model.ModelName, VariantName: main, InitialInstanceCount: 1, InstanceType: ml.m5.large }
    ///     AsyncInferenceConfig:
    ///       OutputConfig:
    ///         S3OutputPath: !Sub s3://${Results}/async
    ///         NotificationConfig:
    ///           SuccessTopic: arn:aws:sns:eu-west-1:444455556666:inference-done
    /// ```
    /// ```hcl
    /// resource "aws_sagemaker_endpoint_configuration" "async" {
    ///   production_variants {
    ///     model_name             = aws_sagemaker_model.m.name
    ///     initial_instance_count = 1
    ///     instance_type          = "ml.m5.large"
    ///   }
    ///   async_inference_config {
    ///     output_config {
    ///       s3_output_path = "s3://${aws_s3_bucket.results.bucket}/async"
    ///       notification_config {
    ///         success_topic = "arn:aws:sns:eu-west-1:444455556666:inference-done"
    ///       }
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Fix
    /// Name buckets and topics of your own account, preferably ones the same stack or
    /// configuration creates (`!Ref Bucket`, `aws_s3_bucket.b.bucket`, `!Ref Topic`), and let
    /// another account read them through a policy you control. Keep Studio's
    /// `NotebookOutputOption` at `Disabled` unless the sharing bucket is yours. Deny the
    /// execution role `s3:PutObject` and `sns:Publish` outside the account with an
    /// `aws:ResourceAccount` condition, so that a request naming another account's bucket fails.
    code: ForeignDestination,
    name: "foreign-destination",
    severity: Medium,
    summary: "SageMaker delivers data to another account's bucket or topic",
    check: check,
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    let mut owners = None;
    for r in ctx.resources() {
        let (destinations, workload) = match &r.kind {
            Kind::Job(j) => (&j.destinations, None),
            Kind::EndpointConfig(e) => (&e.destinations, None),
            Kind::Domain(d) => (&d.destinations, None),
            Kind::UserProfile(u) => (&u.destinations, u.domain.known().cloned()),
            Kind::FeatureGroup(f) => (&f.destinations, None),
            _ => continue,
        };
        for d in destinations {
            let owners = owners.get_or_insert_with(|| Owners::of(ctx));
            judge(ctx, owners, r, workload.as_ref(), d, sink);
        }
    }
}

/// Whose a destination is.
enum Owner {
    /// Created by the scan.
    Ours,
    /// Not created by the scan, but the scan says it is our account's (`why`).
    OursOutside { why: String },
    /// Not ours: `whose` says whose, and how the scan tells ("which belongs to account …").
    Foreign { whose: String },
    /// Not in the scan, and nothing in it says whose: taken as ours, and so stated.
    Outside,
}

fn judge(
    ctx: &Context<'_>,
    owners: &Owners,
    r: &Resource,
    workload: Option<&Ident>,
    d: &DataDestination,
    sink: &mut Sink,
) {
    let what = format!("{} {}", kind_name(r), r.name);
    let unknown = |sink: &mut Sink, u: &Unknown| {
        sink.unknown(
            Rule::UnresolvedValue,
            format!(
                "{what}: {} (where SageMaker delivers {}) is not resolved: {}",
                d.field,
                d.delivery.describe(),
                u.reason
            ),
            u.span.clone().or_else(|| Some(d.span.clone())),
        )
    };
    if d.enabled == Some(Attr::Known(false)) {
        return;
    }
    let target = match &d.target {
        Attr::Known(t) => t,
        Attr::Unknown(u) => return unknown(sink, u),
    };
    let (owner, named, service) = match target {
        Target::S3 { bucket } => match bucket_owner(ctx, owners, bucket) {
            Ok(o) => (
                o,
                format!("bucket {}", shown_value(ctx, bucket)),
                "AWS::S3::Bucket",
            ),
            Err(u) => return unknown(sink, &u),
        },
        Target::Sns { topic, account } => match account {
            Attr::Unknown(u) => return unknown(sink, u),
            Attr::Known(a) if ctx.is_own_account(a) => {
                let in_scan = matches!(
                    topic.as_symbol(),
                    Some(Symbol::Ref(id) | Symbol::Attr { resource: id, .. }) if ctx.get(id).is_some()
                );
                let owner = if in_scan {
                    Owner::Ours
                } else {
                    Owner::OursOutside {
                        why: "its ARN names our account".into(),
                    }
                };
                (
                    owner,
                    format!("topic {}", shown_value(ctx, topic)),
                    "AWS::SNS::Topic",
                )
            }
            Attr::Known(a) => (
                Owner::Foreign {
                    whose: format!("which belongs to account {a} (its ARN names it)"),
                },
                format!("topic {}", shown_value(ctx, topic)),
                "AWS::SNS::Topic",
            ),
        },
    };
    let plain = match target {
        Target::S3 { bucket } => shown_value(ctx, bucket),
        Target::Sns { topic, .. } => shown_value(ctx, topic),
    };
    // Studio shares notebooks with their cell output only into a bucket that is ours: one the
    // scan does not create is not, whoever owns it.
    let owner = match owner {
        Owner::Outside if d.delivery == Delivery::SharedNotebook => Owner::Foreign {
            whose: "which the scan does not create".into(),
        },
        other => other,
    };
    match owner {
        Owner::Foreign { whose } => {
            if let Some(Attr::Unknown(u)) = &d.enabled {
                return sink.unknown(
                    Rule::UnresolvedValue,
                    format!(
                        "{what}: {} names {named}, {whose}, and whether SageMaker delivers {} there is not resolved: {}",
                        d.field,
                        d.delivery.describe(),
                        u.reason
                    ),
                    u.span.clone().or_else(|| Some(d.span.clone())),
                );
            }
            let mut f = finding(
                &RULE,
                r,
                format!(
                    "{what} has SageMaker deliver {} to {named} ({}), {whose}.",
                    d.delivery.describe(),
                    d.field
                ),
                vec![
                    Hop::new(r, format!("{} = {plain}", d.field)),
                    Hop::external(
                        service,
                        &plain,
                        "receives it from SageMaker's own network, past every control of the VPC",
                    ),
                ],
            );
            if let Some(domain) = workload {
                f.workloads = vec![domain.clone()];
            }
            sink.findings.push(f);
        }
        Owner::Outside => {
            let kind = match target {
                Target::S3 { .. } => AssumptionKind::BucketNames,
                Target::Sns { .. } => AssumptionKind::AccountIds,
            };
            sink.assume(
                kind,
                format!(
                    "{named} ({} of {what}, where SageMaker delivers {}) is not created by the scan: taken as ours",
                    d.field,
                    d.delivery.describe()
                ),
                Some(d.span.clone()),
            );
        }
        Owner::OursOutside { why } => sink.assume(
            AssumptionKind::AccountIds,
            format!(
                "{named} ({} of {what}) is not created by the scan; {why}, and whoever reads it is taken as ours",
                d.field
            ),
            Some(d.span.clone()),
        ),
        Owner::Ours if d.delivery == Delivery::SharedNotebook => sink.assume(
            AssumptionKind::BucketNames,
            format!(
                "{what} shares notebooks with their cell output into {named} ({}), of the scan: whoever that bucket lets read them is taken as ours",
                d.field
            ),
            Some(d.span.clone()),
        ),
        Owner::Ours => {}
    }
}

/// Whose a bucket is: one the scan creates is ours; one the scan's policies say another account
/// owns is that account's; one whose name is not resolved is an unknown (unless the same
/// unresolved name is a bucket of the scan); any other is outside the scan.
fn bucket_owner(ctx: &Context<'_>, owners: &Owners, bucket: &Value) -> Result<Owner, Unknown> {
    if let Some(Symbol::Ref(id) | Symbol::Attr { resource: id, .. }) = bucket.as_symbol() {
        return match ctx.get(id).map(|r| &r.kind) {
            Some(Kind::Bucket(_)) => Ok(Owner::Ours),
            _ => Err(Unknown::new(
                format!("the bucket is named by {id}, which is not a bucket the scan creates"),
                None,
            )),
        };
    }
    let pieces = Piece::merged(bucket.pieces().unwrap_or_default());
    if !pieces.is_empty() && owners.buckets.contains(&pieces) {
        return Ok(Owner::Ours);
    }
    if let Value::Unknown(u) = bucket {
        return Err(u.clone());
    }
    let name = bucket.render();
    match owners.owner_of(&name) {
        Some((account, policy)) if ctx.is_own_account(&account) => Ok(Owner::OursOutside {
            why: format!("policy {policy} allows writing to it only in our account"),
        }),
        Some((account, policy)) => Ok(Owner::Foreign {
            whose: format!(
                "which belongs to account {account} (policy {policy} allows writing to it only in that account)"
            ),
        }),
        None => Ok(Owner::Outside),
    }
}

/// What the scan says about buckets: the names of those it creates, and the owners its policies
/// state for others.
struct Owners {
    /// Each bucket of the scan by its name's pieces (literal, with symbols, or with holes).
    buckets: Vec<Vec<Piece>>,
    /// (bucket name, owner account as rendered, policy name) from statements naming the bucket
    /// with an `aws:ResourceAccount` / `s3:ResourceAccount` of one account.
    stated: Vec<(String, String, String)>,
}

impl Owners {
    fn of(ctx: &Context<'_>) -> Owners {
        let buckets = ctx
            .of(|k| match k {
                Kind::Bucket(b) => Some(b),
                _ => None,
            })
            .filter_map(|(_, b)| match &b.name {
                Some(Attr::Known(n)) => Some(vec![Piece::Lit(n.clone())]),
                Some(Attr::Unknown(u)) => u.pieces.clone().map(Piece::merged),
                None => None,
            })
            .collect();
        let mut stated = Vec::new();
        for (r, p) in ctx.of(|k| match k {
            Kind::IamPolicy(p) => Some(p),
            _ => None,
        }) {
            let Ok(policy) = parse(&p.document) else {
                continue;
            };
            for s in &policy.statements {
                let accounts: Vec<&String> = ["aws:resourceaccount", "s3:resourceaccount"]
                    .iter()
                    .flat_map(|k| s.conds_on(k))
                    .filter(|c| matches!(c.op, Op::StringEquals | Op::StringLike))
                    .flat_map(|c| c.values.iter())
                    .collect();
                let [account] = accounts.as_slice() else {
                    continue;
                };
                if account.contains(['*', '?']) {
                    continue;
                }
                for c in s.conds_on(RESOURCE_KEY) {
                    if c.op != Op::StringLike {
                        continue;
                    }
                    for v in &c.values {
                        let Some((_, rest)) = v.split_once(":s3:::") else {
                            continue;
                        };
                        let name = rest.split('/').next().unwrap_or_default();
                        if !name.is_empty() && !name.contains(['*', '?']) {
                            stated.push((name.to_string(), (*account).clone(), r.name.clone()));
                        }
                    }
                }
            }
        }
        Owners { buckets, stated }
    }

    /// The account the scan's policies say owns the bucket, and the policy that says so.
    fn owner_of(&self, bucket: &str) -> Option<(String, String)> {
        self.stated
            .iter()
            .find(|(b, _, _)| b == bucket)
            .map(|(_, a, p)| (a.clone(), p.clone()))
    }
}

/// A destination for people: literals as written, symbols as `${...}`, holes by name.
fn shown_value(ctx: &Context<'_>, v: &Value) -> String {
    match v {
        Value::Unknown(u) => shown(u.pieces.as_deref().unwrap_or_default()),
        other => ctx.shown(other),
    }
}

fn kind_name(r: &Resource) -> &'static str {
    match &r.kind {
        Kind::Job(_) => "job",
        Kind::EndpointConfig(_) => "endpoint config",
        Kind::Domain(_) => "Studio domain",
        Kind::UserProfile(_) => "user profile",
        Kind::FeatureGroup(_) => "feature group",
        _ => "resource",
    }
}
