//! The IAM side of the model, read once for the rules that ask the policy engine (EP401,
//! EP501–EP504): parsed policies by kind, and each role with the policies that decide its
//! requests.

use crate::{Rule, Sink};
use egressproof_model::{Attr, Ident, Kind, PolicyKind, Resource, Symbol, UnknownCode, Value};
use egressproof_policy::cond::{parse_net, Cond, Family, Opaque};
use egressproof_policy::symbolic::SOURCE_IP;
use egressproof_policy::{parse, Actions, Effect, Policy, PolicySet, Statement};
use ipnet::IpNet;

/// A policy document of the scan, parsed.
pub(crate) struct Parsed<'m> {
    pub resource: &'m Resource,
    pub kind: PolicyKind,
    /// `None` when the attachment is unresolved.
    pub attached: Option<&'m [Ident]>,
    pub policy: Policy,
    /// The document as written, for questions that decide resources with unresolved parts.
    pub document: &'m Value,
}

/// A principal of the scan and the policies that apply to it.
pub(crate) struct Principal<'m> {
    /// `None` for the synthetic "any principal of the account" (outside the scan).
    pub resource: Option<&'m Resource>,
    pub name: String,
    pub identity: Vec<Policy>,
    /// For each of `identity`, the document of the scan it was read from when it applies for
    /// certain (`None` for AWS managed, unknown and maybe-attached policies).
    pub documents: Vec<Option<&'m Value>>,
    pub boundaries: Vec<Policy>,
}

/// The IAM policies of the scan, parsed once; documents that cannot be read become unknowns.
pub(crate) struct Iam<'m> {
    pub policies: Vec<Parsed<'m>>,
    pub principals: Vec<Principal<'m>>,
    /// The SCPs that reach the workloads' account (see [`Iam::scps`]).
    scp_docs: Vec<Policy>,
}

impl<'m> Iam<'m> {
    pub fn read(ctx: &crate::Context<'m>, sink: &mut Sink, rule: Rule) -> Iam<'m> {
        let mut policies = Vec::new();
        for (res, p) in ctx.of(|k| match k {
            Kind::IamPolicy(p) => Some(p),
            _ => None,
        }) {
            match parse(&p.document) {
                Ok(policy) => policies.push(Parsed {
                    resource: res,
                    kind: p.policy_kind,
                    attached: p.attached_to.known().map(Vec::as_slice),
                    policy,
                    document: &p.document,
                }),
                Err(e) => sink.unknown(
                    e.code(),
                    format!("{rule}: policy {} could not be read: {e}", res.name),
                    e.span().or_else(|| Some(res.span.clone())),
                ),
            }
        }
        let mut principals = Vec::new();
        for (res, role) in ctx.of(|k| match k {
            Kind::Role(r) => Some(r),
            _ => None,
        }) {
            let mut identity = Vec::new();
            let mut documents = Vec::new();
            let mut boundaries = Vec::new();
            for p in &policies {
                // A policy whose attachment is unresolved may apply to this role: its allows
                // might, its denies cannot be counted on (handled by `may_apply`).
                let attached = p.attached.is_none_or(|a| a.contains(&res.id));
                if !attached {
                    continue;
                }
                let doc = if p.attached.is_none() {
                    may_apply(&p.policy, &p.resource.name)
                } else {
                    p.policy.clone()
                };
                match p.kind {
                    PolicyKind::Identity => {
                        documents.push(p.attached.is_some().then_some(p.document));
                        identity.push(doc)
                    }
                    PolicyKind::Boundary => boundaries.push(doc),
                    PolicyKind::ServiceControl | PolicyKind::Resource => {}
                }
            }
            match &role.managed_policy_arns {
                Attr::Known(arns) => {
                    for arn in arns {
                        if let Some(p) = managed_policy(ctx, &policies, arn) {
                            identity.push(p);
                            documents.push(None);
                        }
                    }
                }
                Attr::Unknown(u) => {
                    identity.push(unknown_policy(
                        UnknownCode::EP902,
                        format!("managed policies of role {}: {}", res.name, u.reason),
                        u.span.clone(),
                    ));
                    documents.push(None);
                }
            }
            principals.push(Principal {
                resource: Some(res),
                name: res.name.clone(),
                identity,
                documents,
                boundaries,
            });
        }
        let scp_docs = scps_in_scope(ctx, &policies);
        Iam {
            policies,
            principals,
            scp_docs,
        }
    }

    /// The SCPs in scope, each distinct document once: SCPs intersect, so a repeated document
    /// (the same guardrail deployed to many OUs) changes nothing but the cost of evaluating it.
    /// An SCP whose targets do not cover the workloads' account (by the organization's tree,
    /// when the scan holds it) is left out; one that reaches it only maybe (unresolved targets)
    /// counts as maybe applying, so its Deny is never relied on.
    pub fn scps(&self) -> Vec<&Policy> {
        self.scp_docs.iter().collect()
    }

    /// Whether the scan holds IAM policies or SCPs (EP501–EP503 report only then).
    pub fn has_policies(&self) -> bool {
        self.policies.iter().any(|p| p.kind != PolicyKind::Resource)
    }

    /// The policy set deciding `principal`'s requests.
    pub fn set_for<'a>(&'a self, principal: &'a Principal<'m>) -> PolicySet<'a> {
        PolicySet {
            identity: principal.identity.iter().collect(),
            resource: Vec::new(),
            scps: self.scps(),
            boundaries: principal.boundaries.iter().collect(),
        }
    }
}

/// The document of a managed policy a role attaches: one of the scan (`!Ref Policy`), an AWS
/// managed policy (its bundled or user-supplied document), or an unknown policy that may allow
/// or deny anything (never "allows nothing", and never "denies nothing": it could hold the Deny
/// that restricts the role).
fn managed_policy(ctx: &crate::Context<'_>, parsed: &[Parsed<'_>], arn: &Value) -> Option<Policy> {
    // A snapshot names a role's managed policies by ARN, and holds the account's own version of
    // each one that matters (its resource ID is the ARN): that document, not the bundled one.
    let id = match arn.as_symbol() {
        Some(Symbol::Ref(id)) => Some(id.clone()),
        _ => arn.as_str().map(Ident::new),
    };
    if let Some(id) = &id {
        if ctx.get(id).is_some() {
            // Its document is in the scan; `attached_to` links it already when the loader knows
            // the attachment, otherwise link it here.
            return parsed
                .iter()
                .find(|p| &p.resource.id == id && p.attached.is_none_or(|a| a.is_empty()))
                .map(|p| p.policy.clone());
        }
    }
    if let Value::Unknown(u) = arn {
        return Some(unknown_policy(
            UnknownCode::EP902,
            format!("managed policy ARN: {}", u.reason),
            u.span.clone(),
        ));
    }
    let rendered = arn.render();
    match ctx.options.managed_policies.resolve(&rendered) {
        Some(Ok(p)) => return Some(p),
        Some(Err(e)) => {
            return Some(unknown_policy(
                e.code(),
                format!("the document of AWS managed policy {rendered} could not be read: {e}"),
                None,
            ))
        }
        None => {}
    }
    Some(unknown_policy(
        UnknownCode::EP902,
        format!("the document of managed policy {rendered} is not in the scan"),
        None,
    ))
}

/// An attached policy whose document is unknown: it may allow anything and it may deny
/// anything, independently (two opaque conditions). So a request it could deny is never
/// "allowed for certain": the principal is an unknown, not a finding, until it is resolved.
pub(crate) fn unknown_policy(
    code: UnknownCode,
    reason: String,
    span: Option<egressproof_model::Span>,
) -> Policy {
    let statement = |effect| Statement {
        sid: None,
        effect,
        actions: Actions::Action(vec!["*".into()]),
        conds: vec![Cond::Opaque(Opaque::new(
            code,
            reason.clone(),
            span.clone(),
        ))],
    };
    Policy {
        statements: vec![statement(Effect::Allow), statement(Effect::Deny)],
    }
}

/// The SCPs that reach the workloads' account, each distinct document once.
fn scps_in_scope(ctx: &crate::Context<'_>, policies: &[Parsed<'_>]) -> Vec<Policy> {
    use crate::net::org::{Coverage, Org};
    let org = Org::of(ctx);
    let account = Org::workloads_account(ctx);
    let mut out: Vec<Policy> = Vec::new();
    for p in policies
        .iter()
        .filter(|p| p.kind == PolicyKind::ServiceControl)
    {
        let doc = match org.covers(p.attached, account) {
            Coverage::Applies => p.policy.clone(),
            Coverage::DoesNot => continue,
            Coverage::Maybe(why) => guarded(
                &p.policy,
                format!(
                    "service control policy {} may not apply: {why}",
                    p.resource.name
                ),
            ),
        };
        if !out.contains(&doc) {
            out.push(doc);
        }
    }
    out
}

/// A policy that applies only maybe: every statement guarded by one opaque condition.
fn may_apply(p: &Policy, name: &str) -> Policy {
    guarded(
        p,
        format!("the principals policy {name} is attached to are unresolved"),
    )
}

/// Every statement of a policy guarded by one opaque condition, for `why`.
fn guarded(p: &Policy, why: String) -> Policy {
    let o = Opaque::new(UnknownCode::EP902, why, None);
    Policy {
        statements: p
            .statements
            .iter()
            .map(|s| {
                let mut s = s.clone();
                s.conds.push(Cond::Opaque(o.clone()));
                s
            })
            .collect(),
    }
}

/// Where the trusted networks of a scan come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TrustSource {
    /// `--trusted-cidr` or `trusted_cidrs` in the configuration.
    Configured,
    /// None configured: the CIDRs the policies themselves name (an assumption).
    Policies,
}

/// A network taken as the corporate one, and the policy that named it (when inferred).
pub(crate) struct TrustedNet<'m> {
    pub net: IpNet,
    pub policy: Option<&'m Resource>,
}

/// The networks trusted for requests to `actions`: the configured trusted CIDRs, or when none
/// are configured, every CIDR that a policy of the scan names in an IP condition on
/// `aws:SourceIp` of a statement covering one of the actions (a parameter value such as
/// `CorporateCidr` arrives this way), never a `/0`: "everywhere" is no restriction.
pub(crate) fn trusted_networks<'m>(
    ctx: &crate::Context<'_>,
    iam: &Iam<'m>,
    actions: &[&str],
) -> (TrustSource, Vec<TrustedNet<'m>>) {
    if !ctx.options.trusted_cidrs.is_empty() {
        let nets = ctx
            .options
            .trusted_cidrs
            .iter()
            .map(|n| TrustedNet {
                net: *n,
                policy: None,
            })
            .collect();
        return (TrustSource::Configured, nets);
    }
    let mut out: Vec<TrustedNet<'m>> = Vec::new();
    for p in &iam.policies {
        for s in &p.policy.statements {
            if !actions.iter().any(|a| s.actions.covers(a)) {
                continue;
            }
            for c in s.conds_on(SOURCE_IP) {
                if c.op.family() != Family::Ip {
                    continue;
                }
                for v in &c.values {
                    let Some(net) = parse_net(v) else { continue };
                    if net.prefix_len() > 0 && !out.iter().any(|t| t.net == net) {
                        out.push(TrustedNet {
                            net,
                            policy: Some(p.resource),
                        });
                    }
                }
            }
        }
    }
    (TrustSource::Policies, out)
}

/// The values a policy can use to name a resource of the scan: `${id}` (a `Ref`) and the ID
/// itself (a physical ID read from a live account).
pub(crate) fn names_of(res: &Resource) -> [String; 2] {
    [
        Value::symbol(Symbol::Ref(res.id.clone())).render(),
        res.id.as_str().to_string(),
    ]
}

/// What the scan's guardrails do about one SageMaker network requirement.
pub(crate) mod guardrail {
    use super::Iam;
    use crate::rules::util::finding;
    use crate::rules::RuleMeta;
    use crate::{Context, Hop, Sink};
    use egressproof_model::{PolicyKind, Resource};
    use egressproof_policy::sagemaker_keys::{GuardrailKey, Requirement};
    use egressproof_policy::Effect;

    /// The policy resources holding a Deny statement keyed on the requirement's key.
    pub fn guardrails<'a, 'm>(iam: &'a Iam<'m>, req: &Requirement) -> Vec<&'m Resource> {
        let key = req.key.to_lowercase();
        let mut out: Vec<&'m Resource> = Vec::new();
        for p in &iam.policies {
            if p.kind == PolicyKind::Resource {
                continue;
            }
            let keyed = p
                .policy
                .statements
                .iter()
                .any(|s| s.effect == Effect::Deny && s.conds_on(&key).next().is_some());
            if keyed && !out.iter().any(|r| r.id == p.resource.id) {
                out.push(p.resource);
            }
        }
        out
    }

    /// EP501–EP503: no policy of the scan denies what the guardrails `keys` ask for.
    pub fn report_missing(
        ctx: &Context<'_>,
        sink: &mut Sink,
        meta: &RuleMeta,
        keys: &[GuardrailKey],
    ) {
        let iam = Iam::read(ctx, &mut Sink::default(), meta.code);
        if !iam.has_policies() {
            return;
        }
        let Some(anchor) = iam
            .policies
            .iter()
            .filter(|p| p.kind != PolicyKind::Resource)
            .map(|p| p.resource)
            .min_by(|a, b| (&a.span, &a.name).cmp(&(&b.span, &b.name)))
        else {
            return;
        };
        for &key in keys {
            let req = Requirement::for_key(key);
            if !guardrails(&iam, req).is_empty() {
                continue;
            }
            let actions: Vec<&str> = req
                .actions
                .iter()
                .map(|a| a.trim_start_matches("sagemaker:"))
                .collect();
            sink.findings.push(finding(
                meta,
                anchor,
                format!(
                    "No policy in the scan has a guardrail to {}: resources created later ({}) are not held to it.",
                    req.wanted,
                    actions.join(", ")
                ),
                vec![Hop::new(anchor, format!("no Deny keyed on {}", req.key))],
            ));
        }
    }
}
