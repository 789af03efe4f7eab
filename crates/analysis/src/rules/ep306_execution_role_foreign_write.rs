use crate::rules::ep301_s3_endpoint_foreign_write::{assume_exact_buckets, ours};
use crate::rules::roles::{literal_arn_account, Naming, RolePolicies, Roles};
use crate::rules::util::finding;
use crate::{AssumptionKind, Context, Hop, Sink};
use egressproof_model::{Kind, Resource, Value};
use egressproof_policy::foreign::{foreign_write, Doc, Origin, Outcome, Writer, DATA_WRITES};
use egressproof_policy::named_orgs;
use std::collections::HashMap;

declare_rule! {
    /// ## What it does
    /// Flags the execution role of a SageMaker workload (notebook instance, Studio domain and
    /// user profile defaults, model, training, processing, tuning, transform, AutoML and
    /// monitoring jobs, pipelines and the jobs of their steps and of Step Functions tasks) when
    /// its policies, after its permissions boundary and the service control policies of the
    /// scan, let it write to a resource of another account: `s3:PutObject`,
    /// `s3:PutObjectAcl`, `s3:ReplicateObject`, `s3:PutReplicationConfiguration`, `sns:Publish`,
    /// `sqs:SendMessage`, `firehose:PutRecord(Batch)`, `kinesis:PutRecord(s)` or
    /// `logs:PutLogEvents` on a bucket-name wildcard, on `*`, or on an ARN of another (or any)
    /// account, with no `aws:ResourceAccount`, `aws:ResourceOrgID` or `s3:ResourceAccount`
    /// condition pinning it to yours. Buckets the scan creates, and buckets a policy names
    /// exactly, are yours (the second is stated as an assumption).
    ///
    /// ## Why is this bad?
    /// Network isolation stops the container from opening connections, but SageMaker itself
    /// uploads the job's output, checkpoints and captured data to the S3 paths of the request,
    /// from SageMaker's own network: VPC routes and endpoint policies never see those uploads.
    /// Whoever starts a job chooses the path; if the role may write to another account's bucket,
    /// the data leaves. `AmazonSageMakerFullAccess` allows `s3:PutObject` on every bucket whose
    /// name contains `sagemaker`, in any account, and anyone can create `evil-sagemaker-drop`.
    ///
    /// ## Example
    /// ```yaml
    /// ExecutionRole:
    ///   Type: AWS::IAM::Role
    ///   Properties:
    ///     AssumeRolePolicyDocument: { ... sagemaker.amazonaws.com ... }
    ///     ManagedPolicyArns:
    ///       - arn:aws:iam::aws:policy/AmazonSageMakerFullAccess
    /// Training:
    ///   Type: AWS::SageMaker::Model
    ///   Properties:
    ///     ExecutionRoleArn: !GetAtt ExecutionRole.Arn
    ///     EnableNetworkIsolation: true
    /// ```
    /// ```hcl
    /// resource "aws_iam_role" "execution" {
    ///   assume_role_policy  = data.aws_iam_policy_document.sagemaker.json
    ///   managed_policy_arns = ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"]
    /// }
    /// resource "aws_sagemaker_model" "m" {
    ///   execution_role_arn       = aws_iam_role.execution.arn
    ///   enable_network_isolation = true
    /// }
    /// ```
    ///
    /// ## Fix
    /// Give the role a Deny on the write actions for resources outside your account (or
    /// organization), which holds whatever its other policies allow:
    /// ```yaml
    /// - Effect: Deny
    ///   Action: [s3:PutObject, s3:PutObjectAcl, s3:ReplicateObject, s3:PutReplicationConfiguration,
    ///            sns:Publish, sqs:SendMessage, firehose:PutRecord, firehose:PutRecordBatch,
    ///            kinesis:PutRecord, kinesis:PutRecords, logs:PutLogEvents]
    ///   Resource: '*'
    ///   Condition:
    ///     StringNotEqualsIfExists:
    ///       aws:ResourceAccount: !Ref AWS::AccountId   # or aws:ResourceOrgID: o-...
    /// ```
    /// Better, put the same Deny in a service control policy of the workloads' accounts, so
    /// that no role created later escapes it. Then allow exact bucket ARNs you own instead of
    /// name wildcards. (A resource control policy does not help here: it governs the
    /// resources of your organization, and the destination is someone else's.)
    code: ExecutionRoleForeignWrite,
    name: "execution-role-foreign-write",
    severity: High,
    summary: "execution role can send data to another account",
    check: check,
}

/// The execution roles a workload names, as written (`!GetAtt Role.Arn`, an ARN, unresolved).
fn roles_of(r: &Resource) -> Vec<&Value> {
    match &r.kind {
        Kind::NotebookInstance(n) => n.role.iter().collect(),
        Kind::Domain(d) => d.execution_roles.iter().collect(),
        Kind::UserProfile(u) => u.role.iter().collect(),
        Kind::Model(m) => m.role.iter().collect(),
        Kind::Job(j) => j.role.iter().collect(),
        Kind::Pipeline(p) => p.role.iter().collect(),
        Kind::FeatureGroup(f) => f.role.iter().collect(),
        _ => Vec::new(),
    }
}

/// What a role value names: a role of the scan, or something the scan cannot read.
#[derive(Clone, Debug, PartialEq)]
enum Named<'m> {
    Role(&'m Resource),
    /// A role outside the scan, or a value not resolved: shown as written.
    Elsewhere(String),
}

/// The role a value names: a reference to a role of the scan (`!GetAtt Role.Arn`, `!Ref Role`,
/// `aws_iam_role.r.arn`, or any symbol of one inside a built ARN), or a role whose ID is the
/// value (a live snapshot's ARNs). A built ARN whose account is a literal that is not one of
/// the scan's `accounts` (nor the role's own) names a role of that other account, however its
/// name is spelled: the scan's role of the same name says nothing of what that one may do.
fn named<'m>(ctx: &Context<'m>, roles: &Roles<'m>, v: &Value, accounts: &[String]) -> Named<'m> {
    let role = roles.named(v, Naming::Within).filter(|r| {
        literal_arn_account(v)
            .is_none_or(|a| accounts.contains(&a) || r.account.as_ref() == Some(&a))
    });
    match role {
        Some(r) => Named::Role(r),
        None => Named::Elsewhere(match v {
            Value::Unknown(u) => format!("unresolved ({})", u.reason),
            other => ctx.shown(other),
        }),
    }
}

/// The account IDs the input told us are the scan's own.
fn scan_accounts(ctx: &Context<'_>) -> Vec<String> {
    ctx.model
        .notes
        .iter()
        .filter_map(|n| n.strip_prefix("account ").map(str::to_string))
        .collect()
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    // Each role once, with the workloads that run as it, in the order the scan declares them.
    // Indexed by the role's key, so a scan of many workloads and roles stays linear.
    let mut roles: Vec<(Named<'_>, Vec<&Resource>)> = Vec::new();
    let mut index: HashMap<(bool, String), usize> = HashMap::new();
    let of_scan = Roles::of(ctx);
    let accounts = scan_accounts(ctx);
    for w in ctx.resources() {
        for v in roles_of(w) {
            let n = named(ctx, &of_scan, v, &accounts);
            let key = match &n {
                Named::Role(r) => (true, r.id.as_str().to_string()),
                Named::Elsewhere(what) => (false, what.clone()),
            };
            match index.get(&key) {
                // Workloads come in order, so the same workload naming a role twice is the
                // last one recorded for it.
                Some(&i) if roles[i].1.last().is_some_and(|x| x.id == w.id) => {}
                Some(&i) => roles[i].1.push(w),
                None => {
                    index.insert(key, roles.len());
                    roles.push((n, vec![w]));
                }
            }
        }
    }
    if roles.is_empty() {
        return;
    }
    let policies = RolePolicies::read(ctx, sink, RULE.code);
    let iam = &policies.iam;
    let mut our = ours(ctx, sink);
    our.accounts.extend(accounts);
    let scps = iam.scps();
    for (role, workloads) in &roles {
        let names: Vec<&str> = workloads.iter().map(|w| w.name.as_str()).collect();
        let role = match role {
            Named::Role(r) => *r,
            Named::Elsewhere(what) => {
                sink.unknown(
                    crate::Rule::UnresolvedValue,
                    format!(
                        "{}: the execution role {what} of {} is not in the scan: whether it can write to another account is unknown",
                        RULE.code,
                        names.join(", ")
                    ),
                    Some(workloads[0].span.clone()),
                );
                continue;
            }
        };
        let Some(principal) = policies.principal(role) else {
            continue;
        };
        let writer = Writer {
            identity: principal
                .identity
                .iter()
                .zip(&principal.documents)
                .map(|(p, d)| match d {
                    Some(doc) => Doc::Document(doc),
                    None => Doc::Parsed(p),
                })
                .collect(),
            scps: scps.clone(),
            boundaries: principal.boundaries.iter().collect(),
            origin: Origin::Anywhere,
        };
        match foreign_write(&writer, DATA_WRITES, &our) {
            Outcome::Closed => {
                assume_orgs(role, principal, sink);
                for doc in principal.documents.iter().flatten() {
                    assume_exact_buckets(ctx, ("role", role), doc, sink);
                }
            }
            open @ Outcome::Open { .. } => {
                let witness = open.witness().unwrap_or_default();
                let service = match &open {
                    Outcome::Open { action, .. } => action.split(':').next().unwrap_or_default(),
                    _ => "",
                };
                sink.findings
                    .push(open_finding(role, workloads, &names, &witness, service));
            }
            Outcome::Undecided { code, reason } => sink.unknown(
                code,
                format!(
                    "{}: whether execution role {} (of {}) can write to another account: {reason}",
                    RULE.code,
                    role.name,
                    names.join(", ")
                ),
                Some(role.span.clone()),
            ),
        }
    }
}

/// The finding: the role, the write that reaches another account, and who runs as the role.
fn open_finding(
    role: &Resource,
    workloads: &[&Resource],
    names: &[&str],
    witness: &str,
    service: &str,
) -> crate::Finding {
    let (type_name, what) = match service {
        "s3" => ("AWS::S3::Bucket", "a bucket of another account"),
        "sns" => ("AWS::SNS::Topic", "a topic of another account"),
        "sqs" => ("AWS::SQS::Queue", "a queue of another account"),
        "firehose" => (
            "AWS::KinesisFirehose::DeliveryStream",
            "a delivery stream of another account",
        ),
        "kinesis" => ("AWS::Kinesis::Stream", "a stream of another account"),
        "logs" => ("AWS::Logs::LogGroup", "a log group of another account"),
        _ => ("AWS::Resource", "a resource of another account"),
    };
    let mut path: Vec<Hop> = workloads
        .iter()
        .map(|w| Hop::new(w, format!("runs as {}", role.name)))
        .collect();
    path.push(Hop::new(role, format!("allows {witness}")));
    path.push(Hop::external(
        type_name,
        what,
        "SageMaker writes there from its own network, past the VPC",
    ));
    let mut f = finding(
        &RULE,
        role,
        format!(
            "Execution role {} can send data to another account ({witness}); it runs {}.",
            role.name,
            names.join(", ")
        ),
        path,
    );
    f.workloads = workloads.iter().map(|w| w.id.clone()).collect();
    f
}

/// The organizations a closed role relies on (named by its own policies) are taken as ours:
/// say so.
fn assume_orgs(role: &Resource, principal: &crate::iam::Principal<'_>, sink: &mut Sink) {
    let mut orgs: Vec<String> = principal.identity.iter().flat_map(named_orgs).collect();
    orgs.sort();
    orgs.dedup();
    if !orgs.is_empty() {
        sink.assume(
            AssumptionKind::AccountIds,
            format!(
                "organization {} (named by the policies of role {}) is taken as ours: every account in it counts as ours",
                orgs.join(", "),
                role.name
            ),
            Some(role.span.clone()),
        );
    }
}
