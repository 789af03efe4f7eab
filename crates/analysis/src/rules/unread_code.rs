//! EP903's own check: code that runs at deploy time and that the scan does not read. A
//! CloudFormation custom resource calls a Lambda function (or an SNS topic's subscriber) whose
//! code may create a notebook with direct internet access or a Studio domain on the public
//! internet: none of it is in the template, so a scan that stayed silent would say `sealed` of
//! an environment whose workloads it never saw. Terraform's equivalents (a Lambda invocation, a
//! stack of a template outside the scan, a `null_resource` or `terraform_data`, which exist to
//! run provisioners with the operator's credentials, and the `local-exec` provisioner of any
//! other resource) are marked the same way by their loader.
//!
//! The code is not read, but what it can do is bounded by the role it runs as. A custom
//! resource (or Lambda invocation) whose target is a Lambda function of the scan, whose
//! execution role is in the scan and can call nothing outside the actions that leave the
//! scan's view as it is (`egressproof_aws::deploy_code`, asked of the policy engine over every
//! policy of the role, AWS managed ones included) is no unknown: the scan states the
//! assumption that the code acts with its role's permissions only. Anything else (an SNS topic,
//! a parameter, an import, a function or role outside the scan, an unreadable policy, one action
//! outside the list) keeps the EP903, naming what decided it.

use crate::rules::roles::{Naming, RolePolicies, Roles};
use crate::rules::util::finding;
use crate::{AssumptionKind, Context, Rule, Sink, UnknownFinding};
use egressproof_model::{
    Attr, IamPolicy, Ident, Kind, Other, Part, PolicyKind, Resource, Symbol, Value,
};
use egressproof_policy::confined::{deploy_code_reach, Reach};
use std::cell::RefCell;
use std::collections::HashMap;

/// What decides a custom resource: the code is confined to its role, or why it is not known to
/// be.
pub(crate) enum Decision<'m> {
    /// The function and its role, which can call nothing outside the confined actions.
    Confined {
        function: &'m Resource,
        role: &'m Resource,
    },
    /// Why the code may change what the scan judges, or why that is not known.
    Open(String),
    /// Nothing to follow (a provisioner, a stack, a custom resource without a `ServiceToken`).
    Unfollowed,
}

/// What the decision reads of the scan, indexed once so that deciding every custom resource
/// stays linear in the scan: the policy engine's view of the roles, the role each possible
/// grantor names, the identity policies that cannot be parsed, and each role's answer once
/// found (custom resources of one template share a function and its role).
pub(crate) struct Follow<'c, 'm> {
    ctx: &'c Context<'m>,
    roles: Roles<'m>,
    policies: RolePolicies<'m>,
    grantor_of: HashMap<&'m str, &'m Resource>,
    unreadable: Vec<(&'m Resource, &'m IamPolicy, String)>,
    by_role: RefCell<HashMap<&'m str, Result<(), String>>>,
}

impl<'c, 'm> Follow<'c, 'm> {
    pub(crate) fn new(ctx: &'c Context<'m>) -> Self {
        // Unreadable policies are each reported by the rules that read them; here they keep the
        // custom resource an unknown (`unreadable`).
        let policies = RolePolicies::read(ctx, &mut Sink::default(), Rule::UnsupportedConstruct);
        let roles = Roles::of(ctx);
        let mut grantor_of: HashMap<&'m str, &'m Resource> = HashMap::new();
        let mut unreadable = Vec::new();
        for r in ctx.resources() {
            if let Kind::IamPolicy(p) = &r.kind {
                if p.policy_kind == PolicyKind::Identity {
                    if let Err(e) = egressproof_policy::parse(&p.document) {
                        unreadable.push((r, p, format!("{}: {e}", r.name)));
                    }
                }
            }
            if !may_grant(r) {
                continue;
            }
            crate::environment::refs::each_string(&r.kind, &mut |s| {
                if let Some(role) = roles.get(s) {
                    if role.id != r.id {
                        grantor_of.entry(role.id.as_str()).or_insert(r);
                    }
                }
            });
        }
        Follow {
            ctx,
            roles,
            policies,
            grantor_of,
            unreadable,
            by_role: RefCell::new(HashMap::new()),
        }
    }

    /// Whether the code a custom resource runs is confined to actions that leave the scan's
    /// view as it is (see the module's doc).
    pub(crate) fn decide(&self, other: &'m Other) -> Decision<'m> {
        let ctx = self.ctx;
        let Some(target) = &other.invokes else {
            return Decision::Unfollowed;
        };
        let Some(function) = named(ctx, target, |o| o.runs_as.is_some()) else {
            // A resource of the scan that is no function (an SNS topic) is named as people know it.
            let what = match target.as_symbol() {
                Some(Symbol::Ref(id) | Symbol::Attr { resource: id, .. }) => {
                    ctx.get(id).map(|r| format!("{} ({})", r.name, r.type_name))
                }
                _ => None,
            };
            return Decision::Open(format!(
                "it calls {}, which is not a Lambda function of the scan",
                what.unwrap_or_else(|| shown(ctx, target))
            ));
        };
        let Kind::Other(Other {
            runs_as: Some(role_value),
            ..
        }) = &function.kind
        else {
            return Decision::Open(format!("the role of function {} is unknown", function.name));
        };
        let Some(role) = self.roles.named(role_value, Naming::Whole) else {
            return Decision::Open(format!(
                "its function {} runs as {}, a role not in the scan",
                function.name,
                shown(ctx, role_value)
            ));
        };
        let known = self.by_role.borrow().get(role.id.as_str()).cloned();
        let answer = known.unwrap_or_else(|| {
            let a = self.confined(role);
            self.by_role
                .borrow_mut()
                .insert(role.id.as_str(), a.clone());
            a
        });
        match answer {
            Ok(()) => Decision::Confined { function, role },
            Err(why) => Decision::Open(format!("{why} (function {})", function.name)),
        }
    }

    /// Whether every action `role` may call leaves the scan's view as it is; `Err` says why not,
    /// or why that is not known.
    fn confined(&self, role: &'m Resource) -> Result<(), String> {
        if let Some(grantor) = self.grantor_of.get(role.id.as_str()) {
            return Err(format!(
                "{} ({}) names its role {}: a trust or resource policy may grant it more than its own policies",
                grantor.name, grantor.type_name, role.name
            ));
        }
        if let Some(why) = self.unreadable_policy(role) {
            return Err(format!(
                "a policy of its role {} could not be read: {why}",
                role.name
            ));
        }
        let Some(principal) = self.policies.principal(role) else {
            return Err(format!("the policies of role {} are unknown", role.name));
        };
        let identity: Vec<_> = principal.identity.iter().collect();
        match deploy_code_reach(&identity) {
            Reach::Inside => Ok(()),
            Reach::Outside { pattern } => Err(format!(
                "its role {} may call {}",
                role.name,
                self.as_written(role, &pattern)
            )),
            Reach::Undecided { reason, .. } => Err(format!(
                "what its role {} may call is not known: {reason}",
                role.name
            )),
        }
    }

    /// An identity policy of the scan that applies (or may apply) to `role` and whose document
    /// cannot be parsed: the policy engine leaves it out, so its allows would be missed.
    fn unreadable_policy(&self, role: &Resource) -> Option<&str> {
        let Kind::Role(r) = &role.kind else {
            return None;
        };
        let by_arn: Vec<&Ident> = match &r.managed_policy_arns {
            Attr::Known(arns) => arns
                .iter()
                .filter_map(|a| match a.as_symbol() {
                    Some(Symbol::Ref(id)) => Some(id),
                    _ => None,
                })
                .collect(),
            Attr::Unknown(_) => Vec::new(),
        };
        self.unreadable
            .iter()
            .find(|(res, p, _)| {
                p.attached_to.known().is_none_or(|a| a.contains(&role.id))
                    || by_arn.contains(&&res.id)
            })
            .map(|(_, _, why)| why.as_str())
    }

    /// An action pattern as a policy of the scan attached to `role` spells it
    /// (`sagemaker:CreateNotebookInstance`; the policy engine compares actions in lower case),
    /// or as given when none does (an AWS managed policy's).
    fn as_written(&self, role: &Resource, pattern: &str) -> String {
        fn find<'v>(v: &'v Value, pattern: &str) -> Option<&'v str> {
            match v {
                Value::Str(s) if s.eq_ignore_ascii_case(pattern) => Some(s),
                Value::List(items) => items.iter().find_map(|i| find(i, pattern)),
                Value::Map(m) => m.values().find_map(|i| find(i, pattern)),
                _ => None,
            }
        }
        self.policies
            .iam
            .policies
            .iter()
            .filter(|p| p.attached.is_some_and(|a| a.contains(&role.id)))
            .find_map(|p| find(p.document, pattern))
            .unwrap_or(pattern)
            .to_string()
    }
}

/// A resource that may grant a role permissions its own policies do not hold when it names the
/// role: in one account, a trust policy (another role's) or a resource policy (a bucket's, a
/// key's, a function's permission) that names a principal grants it without an Allow of the
/// principal's own. Functions (which run as a role), workloads and identity policies (which
/// only attach) are not such grants; every other resource naming the role counts as one.
fn may_grant(r: &Resource) -> bool {
    match &r.kind {
        Kind::Role(_) => true,
        Kind::IamPolicy(p) => p.policy_kind == PolicyKind::Resource,
        Kind::Other(o) => o.runs_as.is_none(),
        _ => false,
    }
}

/// A value as a person reads it (references by their resources' names, [`Context::shown`]).
fn shown(ctx: &Context<'_>, v: &Value) -> String {
    match v {
        Value::Unknown(u) => format!("a value not resolved ({})", u.reason),
        other => ctx.shown(other),
    }
}

/// The resource of the scan a value names and that `is` accepts: a reference to it (`!GetAtt
/// Fn.Arn`, `!Ref Fn`, `aws_lambda_function.f.arn`), an ARN ending in one
/// (`arn:…:function:${Fn}`), or the resource whose ID is the value (a snapshot's ARN). A value
/// that merely contains a reference among other text names something else.
fn named<'m>(ctx: &Context<'m>, v: &Value, is: impl Fn(&'m Other) -> bool) -> Option<&'m Resource> {
    let accept = |id: &Ident| {
        ctx.get(id).filter(|r| match &r.kind {
            Kind::Other(o) => is(o),
            _ => false,
        })
    };
    let sym = match v {
        Value::Text(parts) => match parts.as_slice() {
            [Part::Sym(s)] => Some(s),
            [.., Part::Lit(prefix), Part::Sym(s)] if prefix.ends_with(":function:") => Some(s),
            _ => None,
        },
        _ => None,
    };
    match (sym, v) {
        (Some(Symbol::Ref(id)), _) | (Some(Symbol::Attr { resource: id, .. }), _) => accept(id),
        (None, Value::Str(s)) => accept(&Ident::new(s.clone())),
        _ => None,
    }
}

/// One EP903 per resource that runs code the scan does not read (`Other { custom: true }`),
/// unless the code is confined to its role and the role cannot change what the scan judges.
pub(crate) fn check(ctx: &Context<'_>, sink: &mut Sink) {
    let customs: Vec<(&Resource, &Other)> = ctx
        .resources()
        .filter_map(|r| match &r.kind {
            Kind::Other(o) if o.custom => Some((r, o)),
            _ => None,
        })
        .collect();
    if customs.is_empty() {
        return;
    }
    let meta = &super::ep9xx_unknowns::EP903;
    let follow = Follow::new(ctx);
    for (r, other) in customs {
        let why = match follow.decide(other) {
            Decision::Confined { function, role } => {
                sink.assume(
                    AssumptionKind::DeployCode,
                    format!(
                        "{} ({}) runs function {} as role {}, which can call only actions that change nothing the scan judges (logs, object data, reads): its code is taken to use no other credentials",
                        r.name, r.type_name, function.name, role.name
                    ),
                    Some(r.span.clone()),
                );
                continue;
            }
            Decision::Open(why) => format!("; {why}"),
            Decision::Unfollowed => String::new(),
        };
        let message = format!(
            "{} ({}) runs code the scan does not read: what it creates (a notebook, a Studio \
             domain, a route) is not in the scan{why}",
            r.name, r.type_name
        );
        // A person who read the code may accept it on the resource (an inline ignore with the
        // reason): it is then a suppressed finding, listed with its reason, instead of an
        // unknown; the verdict applies the suppression as it does every other one.
        if r.suppressions
            .iter()
            .any(|s| s.rule.eq_ignore_ascii_case(meta.code.as_str()))
        {
            sink.findings.push(finding(meta, r, message, Vec::new()));
        } else {
            sink.unknowns.push(UnknownFinding {
                rule: meta.code,
                message,
                span: Some(r.span.clone()),
            });
        }
    }
}
