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

use crate::iam::Iam;
use crate::rules::util::finding;
use crate::{AssumptionKind, Context, Sink, UnknownFinding};
use egressproof_model::{Attr, Ident, Kind, Other, Part, PolicyKind, Resource, Symbol, Value};
use egressproof_policy::confined::{deploy_code_reach, Reach};

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

/// Whether the code a custom resource runs is confined to actions that leave the scan's view
/// as it is (see the module's doc).
pub(crate) fn decide<'m>(ctx: &Context<'m>, iam: &Iam<'m>, other: &'m Other) -> Decision<'m> {
    let Some(target) = &other.invokes else {
        return Decision::Unfollowed;
    };
    let Some(function) = named(ctx, target, |o| o.runs_as.is_some()) else {
        return Decision::Open(format!(
            "it calls {}, which is not a Lambda function of the scan",
            shown(target)
        ));
    };
    let Kind::Other(Other {
        runs_as: Some(role_value),
        ..
    }) = &function.kind
    else {
        return Decision::Open(format!("the role of function {} is unknown", function.name));
    };
    let Some(role) = role_of(ctx, role_value) else {
        return Decision::Open(format!(
            "its function {} runs as {}, a role not in the scan",
            function.name,
            shown(role_value)
        ));
    };
    if let Some(grantor) = may_grant(ctx, role) {
        return Decision::Open(format!(
            "{} ({}) names its role {}: a trust or resource policy may grant it more than its own policies",
            grantor.name, grantor.type_name, role.name
        ));
    }
    if let Some(why) = unreadable_policy(ctx, role) {
        return Decision::Open(format!(
            "a policy of its role {} could not be read: {why}",
            role.name
        ));
    }
    let Some(principal) = iam
        .principals
        .iter()
        .find(|p| p.resource.is_some_and(|r| r.id == role.id))
    else {
        return Decision::Open(format!("the policies of role {} are unknown", role.name));
    };
    let identity: Vec<_> = principal.identity.iter().collect();
    match deploy_code_reach(&identity) {
        Reach::Inside => Decision::Confined { function, role },
        Reach::Outside { pattern } => Decision::Open(format!(
            "its role {} may call {} (function {})",
            role.name,
            as_written(ctx, role, &pattern),
            function.name
        )),
        Reach::Undecided { reason, .. } => Decision::Open(format!(
            "what its role {} may call is not known: {reason}",
            role.name
        )),
    }
}

/// An action pattern as a policy of the scan attached to `role` spells it
/// (`sagemaker:CreateNotebookInstance`; the policy engine compares actions in lower case), or
/// as given when none does (an AWS managed policy's).
fn as_written(ctx: &Context<'_>, role: &Resource, pattern: &str) -> String {
    fn find<'v>(v: &'v Value, pattern: &str) -> Option<&'v str> {
        match v {
            Value::Str(s) if s.eq_ignore_ascii_case(pattern) => Some(s),
            Value::List(items) => items.iter().find_map(|i| find(i, pattern)),
            Value::Map(m) => m.values().find_map(|i| find(i, pattern)),
            _ => None,
        }
    }
    ctx.resources()
        .filter_map(|r| match &r.kind {
            Kind::IamPolicy(p) if p.attached_to.known().is_some_and(|a| a.contains(&role.id)) => {
                Some(&p.document)
            }
            _ => None,
        })
        .find_map(|d| find(d, pattern))
        .unwrap_or(pattern)
        .to_string()
}

/// A value as a person reads it.
fn shown(v: &Value) -> String {
    match v {
        Value::Unknown(u) => format!("a value not resolved ({})", u.reason),
        other => other.render(),
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

/// The role of the scan a role value names, as EP306 reads execution roles.
fn role_of<'m>(ctx: &Context<'m>, v: &Value) -> Option<&'m Resource> {
    let is_role = |id: &Ident| ctx.get(id).filter(|r| matches!(r.kind, Kind::Role(_)));
    match v {
        Value::Text(parts) => match parts.as_slice() {
            [Part::Sym(Symbol::Ref(id))] | [Part::Sym(Symbol::Attr { resource: id, .. })] => {
                is_role(id)
            }
            _ => None,
        },
        Value::Str(s) => is_role(&Ident::new(s.clone())),
        _ => None,
    }
}

/// A resource of the scan that names `role` and may grant it permissions its own policies do
/// not hold: in one account, a trust policy (another role's) or a resource policy (a bucket's,
/// a key's, a function's permission) that names a principal grants it without an Allow of the
/// principal's own. Functions that run as the role, the role itself and identity policies
/// (which only attach) are not such grants; every other resource naming it counts as one.
fn may_grant<'m>(ctx: &Context<'m>, role: &Resource) -> Option<&'m Resource> {
    ctx.resources().find(|r| {
        let grants = match &r.kind {
            Kind::Role(_) => r.id != role.id,
            Kind::IamPolicy(p) => p.policy_kind == PolicyKind::Resource,
            Kind::Other(o) => o.runs_as.is_none(),
            _ => false,
        };
        if !grants {
            return false;
        }
        let mut names = false;
        crate::environment::refs::each_string(&r.kind, &mut |s| names |= s == role.id.as_str());
        names
    })
}

/// An identity policy of the scan that applies (or may apply) to `role` and whose document
/// cannot be parsed: the policy engine leaves it out, so its allows would be missed.
fn unreadable_policy(ctx: &Context<'_>, role: &Resource) -> Option<String> {
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
    ctx.resources().find_map(|res| {
        let Kind::IamPolicy(p) = &res.kind else {
            return None;
        };
        if !matches!(p.policy_kind, PolicyKind::Identity) {
            return None;
        }
        let applies =
            p.attached_to.known().is_none_or(|a| a.contains(&role.id)) || by_arn.contains(&&res.id);
        if !applies {
            return None;
        }
        egressproof_policy::parse(&p.document)
            .err()
            .map(|e| format!("{}: {e}", res.name))
    })
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
    // Unreadable policies are each reported by the rules that read them; here they keep the
    // custom resource an unknown (`unreadable_policy`).
    let iam = Iam::read(ctx, &mut Sink::default(), meta.code);
    for (r, other) in customs {
        let why = match decide(ctx, &iam, other) {
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
