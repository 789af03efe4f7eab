use crate::iam::{names_of, trusted_networks, Iam, TrustSource};
use crate::rules::util::finding;
use crate::{AssumptionKind, Context, Hop, Principals, Sink};
use egressproof_model::{Attr, Kind, PolicyKind, Resource, Unknown, UnknownCode};
use egressproof_policy::cond::{Cond, Condition, Op, SetOp};
use egressproof_policy::symbolic::{SOURCE_IP, SOURCE_VPC, SOURCE_VPCE};
use egressproof_policy::{glob, Answer, Effect, Policy, PolicySet, Witness};
use std::collections::HashMap;

declare_rule! {
    /// ## What it does
    /// Flags notebook instances and Studio domains whose presigned URLs
    /// (`sagemaker:CreatePresignedNotebookInstanceUrl`, `sagemaker:CreatePresignedDomainUrl`) can
    /// be created from outside the trusted networks, and names a request context that gets
    /// through ("source IP 198.51.100.7, not through a VPC endpoint"). Trusted are the
    /// configured trusted CIDRs (when none are configured, the CIDRs the policies themselves
    /// allow, never `0.0.0.0/0` or `::/0`: an assumption the report lists) and the VPC
    /// endpoints and VPCs the scan declares. AWS's default is: from anywhere.
    ///
    /// Every role of the scan is asked, and so is **any other principal of the account**:
    /// people with `AdministratorAccess`, roles of other stacks. They exist whatever the scan
    /// holds, so only a service control policy of the scan that restricts the two actions for
    /// everyone closes the channel for them (the report then assumes that the SCP applies to
    /// the workloads' account). Two inputs say there is no other principal: a snapshot of a
    /// live account (it lists every role, user and group), and `principals = "complete"` in
    /// `.egressproof.toml` (listed as an assumption). An environment that joins a snapshot to
    /// a template, or to another account's snapshot that could not list its principals, has
    /// principals outside the scan.
    ///
    /// A Studio domain in SSO mode has no presigned domain URL (`CreatePresignedDomainUrl`
    /// serves IAM-mode domains only): it is not flagged, and the report lists the assumption
    /// that the identity provider governs its access. A role with an attached policy that could
    /// not be read (an unresolved ARN, a customer managed policy outside the scan) is an
    /// unknown (EP902), never a finding: that policy could hold the Deny that restricts it.
    ///
    /// ## Why is this bad?
    /// A presigned URL opens the notebook or Studio in a browser. Whoever can create one from
    /// a home network or a hotel can download every file the notebook can read, whatever the
    /// VPC's routes say: the data leaves through the person, not the network.
    ///
    /// The VPC-endpoint pitfall: a request that comes through a VPC endpoint carries
    /// `aws:SourceVpce` and `aws:SourceVpc` but **no** `aws:SourceIp`. So an *Allow* keyed on
    /// `IpAddress aws:SourceIp` never matches through an endpoint, while a *Deny* keyed on
    /// `NotIpAddress aws:SourceIp` always matches there (a negated operator on an absent key is
    /// true): it fails closed. A Deny that lists endpoint IDs as exceptions
    /// (`StringNotEquals aws:SourceVpce`) admits exactly those endpoints, and a `...IfExists`
    /// or an exception for "any endpoint" (`Null aws:SourceVpce: false`) admits an endpoint in
    /// someone else's VPC.
    ///
    /// ## Example
    /// ```yaml
    /// DataScientistPolicy:
    ///   Type: AWS::IAM::Policy
    ///   Properties:
    ///     Roles: [!Ref DataScientistRole]
    ///     PolicyDocument:
    ///       Statement:
    ///         - Effect: Allow
    ///           Action: sagemaker:CreatePresignedNotebookInstanceUrl
    ///           Resource: '*'        # from anywhere
    /// ```
    /// ```hcl
    /// resource "aws_iam_role_policy_attachment" "ds" {
    ///   role       = aws_iam_role.data_scientist.name
    ///   policy_arn = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
    /// }
    /// ```
    ///
    /// ## Fix
    /// Deny the presigned-URL actions unless the request comes from the corporate network or
    /// through your own interface endpoints (both conditions in one statement: a Deny fires
    /// only when all of its conditions hold), in a service control policy attached to the
    /// workloads' account, so that it holds for every principal, administrators included:
    /// ```yaml
    /// PresignedUrlGuardrail:
    ///   Type: AWS::Organizations::Policy
    ///   Properties:
    ///     Type: SERVICE_CONTROL_POLICY
    ///     TargetIds: [!Ref WorkloadsAccount]
    ///     Content:
    ///       Statement:
    ///         - Sid: OnlyFromCorporateNetworkOrEndpoints
    ///           Effect: Deny
    ///           Action:
    ///             - sagemaker:CreatePresignedNotebookInstanceUrl
    ///             - sagemaker:CreatePresignedDomainUrl
    ///           Resource: '*'
    ///           Condition:
    ///             NotIpAddress:
    ///               aws:SourceIp: 203.0.113.0/24
    ///             StringNotEquals:
    ///               aws:SourceVpce: [!Ref NotebookEndpoint, !Ref StudioEndpoint]
    /// ```
    /// The same statement in a role's policy restricts that role only. When the SCP is managed
    /// elsewhere and the scan holds every principal that matters, say so with
    /// `principals = "complete"` in `.egressproof.toml`. Pass `--trusted-cidr` (or
    /// `trusted_cidrs`) so the corporate network is not guessed from the policies.
    code: PresignedUrlFromAnywhere,
    name: "presigned-url-from-anywhere",
    severity: Medium,
    summary: "Presigned notebook or Studio URLs can be created from an untrusted network",
    check: check,
}

const NOTEBOOK_URL: &str = "sagemaker:CreatePresignedNotebookInstanceUrl";
const DOMAIN_URL: &str = "sagemaker:CreatePresignedDomainUrl";

/// A workload presigned URLs open, and what keeps the rule from knowing whether they exist.
struct Target<'m> {
    resource: &'m Resource,
    /// A domain whose `AuthMode` is unresolved: in SSO mode it would have no presigned URL.
    auth_mode: Option<&'m Unknown>,
}

/// Who can create a presigned URL from an untrusted network.
enum Who<'m> {
    Role(&'m Resource),
    /// The principals of the account the scan does not hold.
    Others,
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    let notebooks: Vec<Target<'_>> = ctx
        .resources()
        .filter(|r| matches!(r.kind, Kind::NotebookInstance(_)))
        .map(|resource| Target {
            resource,
            auth_mode: None,
        })
        .collect();
    let mut domains = Vec::new();
    for (resource, d) in ctx.of(|k| match k {
        Kind::Domain(d) => Some(d),
        _ => None,
    }) {
        match &d.auth_mode {
            Some(Attr::Known(mode)) if mode.eq_ignore_ascii_case("SSO") => sink.assume(
                AssumptionKind::IdentityProvider,
                format!(
                    "Studio domain {} is in SSO mode: it has no presigned domain URL (CreatePresignedDomainUrl serves IAM-mode domains only), so who opens it is for the identity provider to govern",
                    resource.name
                ),
                Some(resource.span.clone()),
            ),
            Some(Attr::Unknown(u)) => domains.push(Target {
                resource,
                auth_mode: Some(u),
            }),
            // Absent: CloudFormation requires it and the API has no default; IAM is the mode
            // with presigned URLs, so counting it as IAM errs toward "can leak".
            _ => domains.push(Target {
                resource,
                auth_mode: None,
            }),
        }
    }
    if notebooks.is_empty() && domains.is_empty() {
        return;
    }
    let iam = Iam::read(ctx, sink, RULE.code);
    for (action, targets) in [(NOTEBOOK_URL, &notebooks), (DOMAIN_URL, &domains)] {
        if targets.is_empty() {
            continue;
        }
        let question = untrusted(ctx, &iam, action, sink);
        let narrower = Narrower::new(&question);
        let mut open = open_roles(&iam, action, &question, &narrower, sink);
        if let Some(w) = others(ctx, &iam, action, &question, &narrower, sink) {
            open.push((Who::Others, w));
        }
        for t in targets.iter() {
            if let (Some(u), false) = (t.auth_mode, open.is_empty()) {
                sink.unknown(
                    UnknownCode::EP902,
                    format!(
                        "{}: Studio domain {} has presigned URLs only in IAM mode, and its AuthMode is unresolved: {}",
                        RULE.code, t.resource.name, u.reason
                    ),
                    u.span.clone().or_else(|| Some(t.resource.span.clone())),
                );
                continue;
            }
            for (who, witness) in &open {
                sink.findings
                    .push(open_finding(t.resource, action, who, witness));
            }
        }
    }
}

/// The finding: who can call `action`, from where, and the workload the URL opens.
fn open_finding(w: &Resource, action: &str, who: &Who<'_>, witness: &Witness) -> crate::Finding {
    let (text, first) = match who {
        Who::Role(r) => (
            format!("role {}", r.name),
            Hop::new(r, format!("allowed {action}")),
        ),
        Who::Others => (
            "any other principal of the account (people with AdministratorAccess, roles of other stacks; no service control policy in the scan restricts the action)".to_string(),
            Hop::external(
                "AWS::IAM::Role",
                "any other principal of the account",
                format!("allowed {action}: no SCP in the scan restricts it"),
            ),
        ),
    };
    let path = vec![
        first,
        Hop::external("Internet", "untrusted network", witness.describe()),
        Hop::new(w, "presigned URL opens it in a browser"),
    ];
    finding(
        &RULE,
        w,
        format!(
            "{} {} can be opened from an untrusted network: {text} can call {action} ({}).",
            if action == NOTEBOOK_URL {
                "Notebook instance"
            } else {
                "Studio domain"
            },
            w.name,
            witness.describe()
        ),
        path,
    )
}

/// The roles of the scan that can call `action` from an untrusted network, each with a context.
fn open_roles<'m>(
    iam: &Iam<'m>,
    action: &str,
    question: &[Vec<Cond>],
    narrower: &Narrower,
    sink: &mut Sink,
) -> Vec<(Who<'m>, Witness)> {
    let mut out = Vec::new();
    // Principals with the same policies get the same answer: evaluate each distinct policy set
    // once (estates repeat the same role in many accounts and stacks).
    let mut answers: Vec<(&[Policy], &[Policy], Answer)> = Vec::new();
    for p in &iam.principals {
        let known = answers
            .iter()
            .find(|(identity, boundaries, _)| {
                *identity == p.identity.as_slice() && *boundaries == p.boundaries.as_slice()
            })
            .map(|(_, _, answer)| answer.clone());
        let answer = match known {
            Some(answer) => answer,
            None => {
                let set = iam.set_for(p);
                let answer = set.evaluate(action, &narrower.narrow(question, &set));
                answers.push((&p.identity, &p.boundaries, answer.clone()));
                answer
            }
        };
        match answer {
            Answer::Allowed(w) => {
                if let Some(r) = p.resource {
                    out.push((Who::Role(r), w));
                }
            }
            Answer::Denied => {}
            Answer::Undecided { code, reason, span } => sink.unknown(
                code,
                format!(
                    "{}: whether role {} can call {action} from an untrusted network: {reason}",
                    RULE.code, p.name
                ),
                span.or_else(|| p.resource.map(|r| r.span.clone())),
            ),
        }
    }
    out
}

/// The principals of the account that the scan does not hold (people with administrator
/// access, roles of other stacks), under the SCPs of the scan: a context from which they can
/// call `action`, or `None` when an SCP denies it for everyone, when there are no such
/// principals (a snapshot, or the configuration says so), or when it is undecided (an unknown).
fn others(
    ctx: &Context<'_>,
    iam: &Iam<'_>,
    action: &str,
    question: &[Vec<Cond>],
    narrower: &Narrower,
    sink: &mut Sink,
) -> Option<Witness> {
    // Anything an administrator may do: only the SCPs stand between them and the action.
    let anything = Policy::allow_all(&["*"]);
    let set = PolicySet {
        identity: vec![&anything],
        scps: iam.scps(),
        ..Default::default()
    };
    let answer = set.evaluate(action, &narrower.narrow(question, &set));
    if answer == Answer::Denied {
        for p in iam.policies.iter().filter(|p| {
            p.kind == PolicyKind::ServiceControl
                && p.policy
                    .statements
                    .iter()
                    .any(|s| s.effect == Effect::Deny && s.actions.covers(action))
        }) {
            let targets = match p.attached {
                Some(ids) if !ids.is_empty() => format!(
                    "attached to {}",
                    ids.iter()
                        .map(|i| i.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Some(_) => "attached to no target in the scan".to_string(),
                None => "its targets are unresolved".to_string(),
            };
            sink.assume(
                AssumptionKind::ScpScope,
                format!(
                    "service control policy {} ({targets}) is taken as applying to every principal of the workloads' account: it is what restricts presigned URLs for the principals the scan does not hold",
                    p.resource.name
                ),
                Some(p.resource.span.clone()),
            );
        }
        return None;
    }
    if ctx.model.principals_complete {
        sink.assume(
            AssumptionKind::PrincipalsComplete,
            "the snapshot lists every role, user and group of its account, so no principal outside the scan can create presigned URLs (the account's root user aside, which only an SCP restricts)",
            None,
        );
        return None;
    }
    if ctx.options.principals == Principals::Complete {
        sink.assume(
            AssumptionKind::PrincipalsComplete,
            "the scan holds every principal of the account (principals = \"complete\" in .egressproof.toml): no other person or role can create presigned URLs",
            None,
        );
        return None;
    }
    match answer {
        Answer::Allowed(w) => {
            sink.assume(
                AssumptionKind::ScpsOutsideScan,
                "service control policies outside the scan are taken as absent: one that restricts presigned URLs for the workloads' account would close the channel of the principals the scan does not hold",
                None,
            );
            Some(w)
        }
        Answer::Denied => None,
        Answer::Undecided { code, reason, span } => {
            sink.unknown(
                code,
                format!(
                    "{}: whether the service control policies restrict {action} for the principals the scan does not hold: {reason}",
                    RULE.code
                ),
                span,
            );
            None
        }
    }
}

/// "From an untrusted network": the internet outside the trusted CIDRs, or a VPC endpoint
/// that the scan does not declare, in a VPC the scan does not declare.
fn untrusted(ctx: &Context<'_>, iam: &Iam<'_>, action: &str, sink: &mut Sink) -> Vec<Vec<Cond>> {
    let (source, nets) = trusted_networks(ctx, iam, &[action]);
    let trusted: Vec<String> = nets.iter().map(|t| t.net.to_string()).collect();
    if source == TrustSource::Policies && !trusted.is_empty() {
        let mut names: Vec<&str> = nets
            .iter()
            .filter_map(|t| t.policy.map(|p| p.name.as_str()))
            .collect();
        names.dedup();
        sink.assume(
            AssumptionKind::CorporateNetwork,
            format!(
                "presigned URLs: {} taken as the corporate network (named by the aws:SourceIp conditions of {}; configure trusted CIDRs to change this)",
                trusted.join(", "),
                names.join(", ")
            ),
            nets.first()
                .and_then(|t| t.policy)
                .map(|p| p.span.clone()),
        );
    }
    let endpoints: Vec<String> = ctx
        .resources()
        .filter(|r| matches!(r.kind, Kind::VpcEndpoint(_)))
        .flat_map(names_of)
        .collect();
    let vpcs: Vec<String> = ctx
        .resources()
        .filter(|r| matches!(r.kind, Kind::Vpc(_)))
        .flat_map(names_of)
        .collect();
    let t = |op, key: &str, values: Vec<String>| {
        Cond::Test(Condition {
            op,
            set: SetOp::Single,
            if_exists: false,
            key: key.to_string(),
            values,
        })
    };
    // A person's request, not one an AWS service makes on their behalf.
    let direct = || t(Op::Bool, "aws:viaawsservice", vec!["false".into()]);
    vec![
        vec![
            t(Op::Null, SOURCE_IP, vec!["false".into()]),
            t(Op::NotIpAddress, SOURCE_IP, trusted),
            direct(),
        ],
        vec![
            t(Op::Null, SOURCE_VPCE, vec!["false".into()]),
            t(Op::StringNotEquals, SOURCE_VPCE, endpoints),
            t(Op::StringNotEquals, SOURCE_VPC, vpcs),
            direct(),
        ],
    ]
}

/// The question with its trusted endpoint and VPC lists cut down to the values a principal's
/// policies name (exactly, or through a pattern). Exact, not an approximation: a value the
/// policies never name behaves like any other unnamed value, and an unnamed value outside the
/// trusted list always exists, so dropping unnamed trusted values changes no answer. It keeps
/// each evaluation proportional to the principal's policies, not to the endpoints of the estate.
struct Narrower {
    /// Per key: the trusted values as written, and an index by lowercased value.
    trusted: HashMap<&'static str, (Vec<String>, HashMap<String, usize>)>,
}

impl Narrower {
    fn new(question: &[Vec<Cond>]) -> Self {
        let mut trusted = HashMap::new();
        for key in [SOURCE_VPCE, SOURCE_VPC] {
            let values: Vec<String> = question
                .iter()
                .flatten()
                .filter_map(|c| match c {
                    Cond::Test(c) if c.op == Op::StringNotEquals && c.key == key => {
                        Some(c.values.clone())
                    }
                    _ => None,
                })
                .flatten()
                .collect();
            let index = values
                .iter()
                .enumerate()
                .map(|(i, v)| (v.to_ascii_lowercase(), i))
                .collect();
            trusted.insert(key, (values, index));
        }
        Narrower { trusted }
    }

    fn narrow(&self, question: &[Vec<Cond>], set: &PolicySet<'_>) -> Vec<Vec<Cond>> {
        let policies = set
            .identity
            .iter()
            .chain(&set.resource)
            .chain(&set.scps)
            .chain(&set.boundaries);
        let mut kept: HashMap<&str, Vec<usize>> = HashMap::new();
        for p in policies {
            for s in &p.statements {
                for (key, (values, index)) in &self.trusted {
                    for c in s.conds_on(key) {
                        for w in &c.values {
                            let hits = kept.entry(key).or_default();
                            if glob::is_pattern(w) {
                                hits.extend(
                                    (0..values.len())
                                        .filter(|&i| glob::matches(w, &values[i], true)),
                                );
                            } else if let Some(&i) = index.get(&w.to_ascii_lowercase()) {
                                hits.push(i);
                            }
                        }
                    }
                }
            }
        }
        question
            .iter()
            .map(|clause| {
                clause
                    .iter()
                    .map(|cond| match cond {
                        Cond::Test(c)
                            if c.op == Op::StringNotEquals
                                && self.trusted.contains_key(c.key.as_str()) =>
                        {
                            let (values, _) = &self.trusted[c.key.as_str()];
                            let mut hits = kept.get(c.key.as_str()).cloned().unwrap_or_default();
                            hits.sort_unstable();
                            hits.dedup();
                            Cond::Test(Condition {
                                op: c.op,
                                set: c.set,
                                if_exists: c.if_exists,
                                key: c.key.clone(),
                                values: hits.into_iter().map(|i| values[i].clone()).collect(),
                            })
                        }
                        other => other.clone(),
                    })
                    .collect()
            })
            .collect()
    }
}
