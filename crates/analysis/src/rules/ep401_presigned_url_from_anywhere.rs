use crate::iam::{names_of, Iam};
use crate::rules::util::finding;
use crate::{Context, Hop, Sink};
use egressproof_model::{Kind, Resource};
use egressproof_policy::cond::{parse_net, Cond, Condition, Family, Op, SetOp};
use egressproof_policy::symbolic::{SOURCE_IP, SOURCE_VPC, SOURCE_VPCE};
use egressproof_policy::{glob, Answer, Effect, Policy, Witness};
use std::collections::HashMap;

declare_rule! {
    /// ## What it does
    /// Flags notebook instances and Studio domains whose presigned URLs
    /// (`sagemaker:CreatePresignedNotebookInstanceUrl`, `sagemaker:CreatePresignedDomainUrl`) can
    /// be created from outside the trusted networks, and names a request context that gets
    /// through ("source IP 198.51.100.7, not through a VPC endpoint"). Trusted are the
    /// configured trusted CIDRs (when none are configured, the CIDRs the policies themselves
    /// allow, never `0.0.0.0/0` or `::/0`) and the VPC endpoints and VPCs the scan declares.
    /// When no policy in the scan restricts these actions at all, AWS's default applies: any
    /// principal with `sagemaker:*` (for example `AmazonSageMakerFullAccess`) creates them from
    /// anywhere.
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
    /// only when all of its conditions hold):
    /// ```yaml
    /// - Sid: OnlyFromCorporateNetworkOrEndpoints
    ///   Effect: Deny
    ///   Action:
    ///     - sagemaker:CreatePresignedNotebookInstanceUrl
    ///     - sagemaker:CreatePresignedDomainUrl
    ///   Resource: '*'
    ///   Condition:
    ///     NotIpAddress:
    ///       aws:SourceIp: 203.0.113.0/24
    ///     StringNotEquals:
    ///       aws:SourceVpce: [!Ref NotebookEndpoint, !Ref StudioEndpoint]
    /// ```
    /// Put it in every role that may open notebooks (or in an SCP), and pass `--trusted-cidr`
    /// (or `trusted_cidrs` in `.egressproof.toml`) so the corporate network is not guessed.
    code: PresignedUrlFromAnywhere,
    name: "presigned-url-from-anywhere",
    severity: Medium,
    summary: "Presigned notebook or Studio URLs can be created from an untrusted network",
    check: check,
}

const NOTEBOOK_URL: &str = "sagemaker:CreatePresignedNotebookInstanceUrl";
const DOMAIN_URL: &str = "sagemaker:CreatePresignedDomainUrl";

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    let notebooks: Vec<&Resource> = ctx
        .resources()
        .filter(|r| matches!(r.kind, Kind::NotebookInstance(_)))
        .collect();
    let domains: Vec<&Resource> = ctx
        .resources()
        .filter(|r| matches!(r.kind, Kind::Domain(_)))
        .collect();
    if notebooks.is_empty() && domains.is_empty() {
        return;
    }
    let iam = Iam::read(ctx, sink, RULE.code);
    for (action, workloads) in [(NOTEBOOK_URL, &notebooks), (DOMAIN_URL, &domains)] {
        if workloads.is_empty() {
            continue;
        }
        let open = open_contexts(ctx, &iam, action, sink);
        for w in workloads.iter() {
            for (principal, witness) in &open {
                let who = match principal {
                    Some(r) => format!("role {}", r.name),
                    None => "any principal with sagemaker:* (no policy in the scan restricts \
                               presigned URLs; AWS's default allows them from anywhere)"
                        .to_string(),
                };
                let mut path = Vec::new();
                match principal {
                    Some(r) => path.push(Hop::new(r, format!("allowed {action}"))),
                    None => path.push(Hop::external(
                        "AWS::IAM::Role",
                        "any principal with sagemaker:*",
                        format!("allowed {action} by default"),
                    )),
                }
                path.push(Hop::external(
                    "Internet",
                    "untrusted network",
                    witness.describe(),
                ));
                path.push(Hop::new(w, "presigned URL opens it in a browser"));
                sink.findings.push(finding(
                    &RULE,
                    w,
                    format!(
                        "{} {} can be opened from an untrusted network: {who} can call {action} ({}).",
                        if action == NOTEBOOK_URL { "Notebook instance" } else { "Studio domain" },
                        w.name,
                        witness.describe()
                    ),
                    path,
                ));
            }
        }
    }
}

/// The principals that can call `action` from an untrusted network, each with a context
/// (`None`: a principal outside the scan, under AWS's default).
fn open_contexts<'m>(
    ctx: &Context<'m>,
    iam: &Iam<'m>,
    action: &str,
    sink: &mut Sink,
) -> Vec<(Option<&'m Resource>, Witness)> {
    let question = untrusted(ctx, iam, action, sink);
    let narrower = Narrower::new(&question);
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
                let answer = set.evaluate(action, &narrower.narrow(&question, &set));
                answers.push((&p.identity, &p.boundaries, answer.clone()));
                answer
            }
        };
        match answer {
            Answer::Allowed(w) => out.push((p.resource, w)),
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
    if !restricted(iam, action) && out.is_empty() {
        // Nothing in the scan restricts the action: AWS's default (any principal with
        // sagemaker:*, subject only to the SCPs in scope).
        let any = Policy::allow_all(&["sagemaker:*"]);
        let scps = iam.scps();
        let set = egressproof_policy::PolicySet {
            identity: vec![&any],
            scps,
            ..Default::default()
        };
        match set.evaluate(action, &question) {
            Answer::Allowed(w) => out.push((None, w)),
            Answer::Denied => {}
            Answer::Undecided { code, reason, span } => sink.unknown(
                code,
                format!(
                    "{}: whether {action} is restricted by the SCPs: {reason}",
                    RULE.code
                ),
                span,
            ),
        }
    }
    out
}

/// Whether any policy of the scan restricts `action`: a Deny that covers it, or an Allow that
/// covers it only under conditions.
fn restricted(iam: &Iam<'_>, action: &str) -> bool {
    iam.policies.iter().any(|p| {
        p.policy.statements.iter().any(|s| {
            s.actions.covers(action)
                && (s.effect == Effect::Deny || (s.effect == Effect::Allow && !s.conds.is_empty()))
        })
    })
}

/// "From an untrusted network": the internet outside the trusted CIDRs, or a VPC endpoint
/// that the scan does not declare, in a VPC the scan does not declare.
fn untrusted(ctx: &Context<'_>, iam: &Iam<'_>, action: &str, sink: &mut Sink) -> Vec<Vec<Cond>> {
    let mut trusted: Vec<String> = ctx
        .options
        .trusted_cidrs
        .iter()
        .map(|n| n.to_string())
        .collect();
    if trusted.is_empty() {
        for p in &iam.policies {
            for s in &p.policy.statements {
                if !s.actions.covers(action) {
                    continue;
                }
                for c in s.conds_on(SOURCE_IP) {
                    if c.op.family() != Family::Ip {
                        continue;
                    }
                    for v in &c.values {
                        if let Some(net) = parse_net(v) {
                            if net.prefix_len() > 0 && !trusted.contains(&net.to_string()) {
                                trusted.push(net.to_string());
                            }
                        }
                    }
                }
            }
        }
        if !trusted.is_empty() {
            sink.assumptions.push(format!(
                "presigned URLs: {} taken as the corporate network (the CIDRs the policies allow; configure trusted CIDRs to change this)",
                trusted.join(", ")
            ));
        }
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

    fn narrow(
        &self,
        question: &[Vec<Cond>],
        set: &egressproof_policy::PolicySet<'_>,
    ) -> Vec<Vec<Cond>> {
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
