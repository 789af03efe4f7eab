use crate::iam::guardrail::guardrails;
use crate::iam::{Iam, Principal};
use crate::rules::util::finding;
use crate::{AssumptionKind, Context, Hop, Principals, Sink};
use egressproof_model::{Ident, PolicyKind, Resource};
use egressproof_policy::cond::{Cond, Condition, Op, SetOp};
use egressproof_policy::sagemaker_keys::{Requirement, REQUIREMENTS};
use egressproof_policy::{Answer, Coverage, Effect, Policy, PolicySet};

declare_rule! {
    /// ## What it does
    /// Flags a guardrail (a Deny keyed on `sagemaker:NetworkIsolation`, `sagemaker:VpcSubnets`,
    /// `sagemaker:DirectInternetAccess` or `sagemaker:AppNetworkAccessType`) that does not hold:
    /// some principal can make the request it is meant to deny. It reports who and with which
    /// request: the key absent, a value of the wrong type or case, or an action the guardrail
    /// does not list.
    ///
    /// It reports what a principal can actually do. Once the scan has a guardrail on a key,
    /// every principal in scope is asked whether it can make a request that violates it: each
    /// role of the scan (its own policies, permissions boundaries and the SCPs of the scan
    /// decide), and, unless the scan holds every principal of the account (a snapshot, or
    /// `principals = "complete"`), any other principal, restricted only by the SCPs and the
    /// managed policies the scan does not attach to one of its roles. A guardrail that fails
    /// open only for actions no principal is allowed is not reported: nothing gets past it.
    ///
    /// Its severity is that of a missing guardrail (EP501–EP503): a guardrail that fails open
    /// is, for the requests that get past it, no guardrail, and never worse than none, so that
    /// adding a Deny to a policy never makes a scan worse.
    ///
    /// ## Why is this bad?
    /// A guardrail that fails open looks like protection and is not. The usual ways:
    /// - `Bool: { sagemaker:NetworkIsolation: 'false' }` does not fire when the request omits
    ///   `EnableNetworkIsolation`: `Bool` on an absent key is false, and the resource is then
    ///   created *without* isolation.
    /// - `StringEquals: { sagemaker:DirectInternetAccess: Enabled }` does not fire when the
    ///   request omits it, and AWS's default is Enabled.
    /// - `Bool` against a string key (`Bool: { sagemaker:DirectInternetAccess: 'true' }`) never
    ///   matches `Enabled`.
    /// - The Deny lists `CreateTrainingJob` but not `CreateProcessingJob`.
    ///
    /// ## Example
    /// ```yaml
    /// - Effect: Deny
    ///   Action: [sagemaker:CreateTrainingJob, sagemaker:CreateModel]
    ///   Resource: '*'
    ///   Condition:
    ///     Bool: { sagemaker:NetworkIsolation: 'false' }
    /// ```
    ///
    /// ## Fix
    /// Key the Deny on the safe value with a negated operator (true when the key is absent),
    /// or add `...IfExists` / a `Null` statement, and list every action that carries the key:
    /// ```yaml
    /// - Effect: Deny
    ///   Action: [sagemaker:CreateTrainingJob, sagemaker:CreateProcessingJob,
    ///            sagemaker:CreateHyperParameterTuningJob, sagemaker:CreateModel,
    ///            sagemaker:CreateMonitoringSchedule, sagemaker:CreateDataQualityJobDefinition,
    ///            sagemaker:CreateModelBiasJobDefinition, sagemaker:CreateModelQualityJobDefinition,
    ///            sagemaker:CreateModelExplainabilityJobDefinition]
    ///   Resource: '*'
    ///   Condition:
    ///     StringNotEquals: { sagemaker:NetworkIsolation: 'true' }
    /// ```
    code: GuardrailFailsOpen,
    name: "guardrail-fails-open",
    severity: Low,
    summary: "A SageMaker network guardrail lets some requests through",
    check: check,
}

fn check(ctx: &Context<'_>, sink: &mut Sink) {
    let iam = Iam::read(ctx, sink, RULE.code);
    if REQUIREMENTS.iter().all(|r| guardrails(&iam, r).is_empty()) {
        return;
    }
    let subjects = subjects(ctx, &iam, sink);
    for req in REQUIREMENTS {
        fails_open(&iam, &subjects, sink, req);
    }
}

/// Who a guardrail may restrict.
enum Who<'m> {
    Role(&'m Resource),
    /// The principals of the account the scan does not hold.
    Others,
}

impl Who<'_> {
    fn name(&self) -> String {
        match self {
            Who::Role(r) => format!("role {}", r.name),
            Who::Others => "any other principal of the account".into(),
        }
    }

    fn hop(&self, note: String) -> Hop {
        match self {
            Who::Role(r) => Hop::new(r, note),
            Who::Others => {
                Hop::external("AWS::IAM::Role", "any other principal of the account", note)
            }
        }
    }
}

/// A principal and the policies that decide its requests.
struct Subject<'a, 'm> {
    who: Who<'m>,
    set: PolicySet<'a>,
}

/// Every principal in scope: the roles of the scan, and the others of the account unless the
/// scan holds them all. The others may do anything their (unseen) policies allow, so only the
/// SCPs of the scan and the managed policies it does not attach to one of its roles restrict
/// them.
fn subjects<'a, 'm>(ctx: &Context<'m>, iam: &'a Iam<'m>, sink: &mut Sink) -> Vec<Subject<'a, 'm>> {
    let mut out: Vec<Subject<'a, 'm>> = iam
        .principals
        .iter()
        .filter_map(|p: &'a Principal<'m>| {
            p.resource.map(|r| Subject {
                who: Who::Role(r),
                set: iam.set_for(p),
            })
        })
        .collect();
    if ctx.model.principals_complete || ctx.options.principals == Principals::Complete {
        if !ctx.model.principals_complete {
            sink.assume(
                AssumptionKind::PrincipalsComplete,
                "the scan holds every principal of the account (principals = \"complete\" in .egressproof.toml): guardrails are judged on its roles only",
                None,
            );
        }
        return out;
    }
    let roles: Vec<&Ident> = iam
        .principals
        .iter()
        .filter_map(|p| p.resource.map(|r| &r.id))
        .collect();
    let mut identity: Vec<&'a Policy> = vec![anything()];
    for p in &iam.policies {
        let outside_roles = match p.attached {
            None => true,
            Some(ids) => ids.is_empty() || ids.iter().any(|i| !roles.contains(&i)),
        };
        if matches!(p.kind, PolicyKind::Identity | PolicyKind::Boundary)
            && outside_roles
            && !identity.contains(&&p.policy)
        {
            identity.push(&p.policy);
        }
    }
    out.push(Subject {
        who: Who::Others,
        set: PolicySet {
            identity,
            scps: iam.scps(),
            ..Default::default()
        },
    });
    out
}

/// Anything an administrator may do: what a principal outside the scan may be allowed.
fn anything() -> &'static Policy {
    static ANYTHING: std::sync::OnceLock<Policy> = std::sync::OnceLock::new();
    ANYTHING.get_or_init(|| Policy::allow_all(&["*"]))
}

/// Whether a guardrail of the scan lists `action` (for certain).
fn listed(iam: &Iam<'_>, key: &str, action: &str) -> bool {
    iam.policies
        .iter()
        .filter(|p| p.kind != PolicyKind::Resource)
        .flat_map(|p| &p.policy.statements)
        .any(|s| {
            s.effect == Effect::Deny
                && s.conds_on(key).next().is_some()
                && s.actions.coverage(action) == Coverage::Yes
        })
}

/// A request that violates the requirement: the key absent, or a value it must not have.
fn violating(key: &str, v: Option<&str>) -> Cond {
    Cond::Test(match v {
        None => Condition {
            op: Op::Null,
            set: SetOp::Single,
            if_exists: false,
            key: key.to_string(),
            values: vec!["true".into()],
        },
        Some(x) => Condition {
            op: Op::StringEquals,
            set: SetOp::Single,
            if_exists: false,
            key: key.to_string(),
            values: vec![x.to_string()],
        },
    })
}

/// EP504 for one requirement that the scan has guardrails for: every principal in scope that
/// can make a request violating it, whether the guardrails fail open for it or do not apply to
/// it at all (either way it is what the principal can do, and a Deny only takes from that).
fn fails_open(iam: &Iam<'_>, subjects: &[Subject<'_, '_>], sink: &mut Sink, req: &Requirement) {
    let guards = guardrails(iam, req);
    let Some(first) = guards.first() else {
        return;
    };
    let key = req.key.to_lowercase();
    // Per principal: the requests that get past the guardrails.
    let mut bypasses: Vec<(String, Vec<String>)> = Vec::new();
    let mut unlisted: Vec<&str> = Vec::new();
    let mut who_hops: Vec<Hop> = Vec::new();
    // Principals with the same policies get the same answers: each distinct set once.
    let mut seen: Vec<&PolicySet<'_>> = Vec::new();
    for subject in subjects {
        if seen.iter().any(|s| {
            s.identity == subject.set.identity
                && s.boundaries == subject.set.boundaries
                && s.scps == subject.set.scps
        }) {
            continue;
        }
        seen.push(&subject.set);
        let mut can: Vec<&str> = Vec::new();
        let mut past: Vec<String> = Vec::new();
        // What keeps the answer from being decided, and for which actions.
        let mut undecided: Option<(
            egressproof_model::UnknownCode,
            String,
            Option<egressproof_model::Span>,
        )> = None;
        let mut undecided_actions: Vec<&str> = Vec::new();
        for action in req.actions {
            for v in req.violating {
                match subject.set.evaluate(action, &[vec![violating(&key, *v)]]) {
                    Answer::Allowed(w) => {
                        if !can.contains(action) {
                            can.push(action);
                        }
                        if listed(iam, &key, action) {
                            past.push(format!("{action} with {}", w.describe_keys()));
                        } else if !unlisted.contains(action) {
                            unlisted.push(action);
                        }
                    }
                    Answer::Denied => {}
                    Answer::Undecided { code, reason, span } => {
                        undecided.get_or_insert((code, reason, span));
                        if !undecided_actions.contains(action) {
                            undecided_actions.push(action);
                        }
                    }
                }
            }
        }
        if let Some((code, reason, span)) = undecided {
            let names: Vec<&str> = undecided_actions
                .iter()
                .map(|a| a.trim_start_matches("sagemaker:"))
                .collect();
            sink.unknown(
                code,
                format!(
                    "{}: whether the {} guardrail holds for {} ({}): {reason}",
                    RULE.code,
                    req.key,
                    subject.who.name(),
                    names.join(", ")
                ),
                span.or_else(|| Some(first.span.clone())),
            );
        }
        if !past.is_empty() {
            past.sort();
            past.dedup();
            bypasses.push((subject.who.name(), past));
        }
        if !can.is_empty() {
            let names: Vec<&str> = can
                .iter()
                .map(|a| a.trim_start_matches("sagemaker:"))
                .collect();
            who_hops.push(subject.who.hop(format!(
                "may call {} violating {}",
                names.join(", "),
                req.key
            )));
        }
    }
    if bypasses.is_empty() && unlisted.is_empty() {
        return;
    }
    let names: Vec<&str> = guards.iter().map(|r| r.name.as_str()).collect();
    let mut parts = Vec::new();
    for (who, past) in &bypasses {
        let shown: Vec<&str> = past.iter().take(3).map(String::as_str).collect();
        let more = if past.len() > 3 {
            format!(" (and {} more)", past.len() - 3)
        } else {
            String::new()
        };
        parts.push(format!("{who} gets past it: {}{more}", shown.join("; ")));
    }
    if !unlisted.is_empty() {
        unlisted.sort();
        parts.push(format!(
            "it does not cover {} (which carry {})",
            unlisted.join(", "),
            req.key
        ));
    }
    let mut path = who_hops;
    path.extend(
        guards
            .iter()
            .map(|r| Hop::new(r, format!("Deny keyed on {}", req.key))),
    );
    sink.findings.push(finding(
        &RULE,
        first,
        format!(
            "The guardrail on {} in {} fails open: {}.",
            req.key,
            names.join(", "),
            parts.join("; ")
        ),
        path,
    ));
}
