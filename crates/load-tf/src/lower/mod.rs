//! Provider semantics: an AWS provider resource's arguments (as an attribute map, from HCL or
//! from a plan) onto the model. Shared by the HCL and the plan loaders.
//!
//! One module per resource family; [`lower`] asks each in turn. The places where Terraform's
//! provider differs from CloudFormation are stated next to the code that applies them
//! (`network.rs`: security groups and the `aws_default_*` resources).

mod endpoints;
mod iam;
mod instances;
mod network;
mod sagemaker;
mod workflows;

pub(crate) use network::{adopted_default, adopted_default_key};

use crate::val::Val;
use egressproof_model::*;
use indexmap::IndexMap;

pub(crate) type Args = IndexMap<String, Val>;

/// Links that need the whole model: applied by [`post_process`].
pub(crate) enum Link {
    EndpointRouteTable(Attr<Ident>, Attr<Ident>),
    EndpointSubnet(Attr<Ident>, Attr<Ident>),
    EndpointSecurityGroup(Attr<Ident>, Attr<Ident>),
    EndpointPolicy(Attr<Ident>, Value),
    /// Policy ARN (as a value) attached to a principal.
    PolicyAttachment {
        policy: Val,
        principal: Attr<Ident>,
        role: bool,
    },
    OrgPolicyAttachment {
        policy: Attr<Ident>,
        target: Attr<Ident>,
    },
    /// How a policy's ARN ends (`policy/guardrails/isolation`, and the same with its name as
    /// `${...name}`): an ARN built from the account ID and the name names this policy.
    PolicyName {
        policy: Ident,
        suffixes: Vec<String>,
    },
}

#[cfg(test)]
impl Link {
    /// Whether the link adds to a resource declared elsewhere (what the coverage table's `Link`
    /// rows list), rather than recording how a resource is named.
    pub(crate) fn adds_to_another(&self) -> bool {
        !matches!(self, Link::PolicyName { .. })
    }
}

/// The policy of the scan an IAM policy ARN names, when it names one: by reference
/// (`aws_iam_policy.x.arn`), or built from the account and the name
/// (`"arn:aws:iam::${account}:policy/${aws_iam_policy.x.name}"`, `format(...)`). A role can only
/// attach customer managed policies of its own account, so the name (and path) decide.
fn policy_of(
    arn: &Value,
    index: &std::collections::HashMap<Ident, usize>,
    names: &std::collections::HashMap<String, Ident>,
    policies: &std::collections::HashSet<usize>,
) -> Option<usize> {
    let is_policy = |i: &usize| policies.contains(i);
    if let Some(Symbol::Ref(id) | Symbol::Attr { resource: id, .. }) = arn.as_symbol() {
        return index.get(id).copied().filter(is_policy);
    }
    let text = match arn {
        Value::Str(_) | Value::Text(_) => arn.render(),
        _ => return None,
    };
    let (head, tail) = text.split_once(":policy/")?;
    let account = head.split_once(":iam::")?.1;
    // `arn:aws:iam::aws:policy/...` is an AWS managed policy, never one of the scan.
    if !head.starts_with("arn:") || account == "aws" {
        return None;
    }
    let id = names.get(&format!("policy/{tail}"))?;
    index.get(id).copied().filter(is_policy)
}

pub(crate) struct Ctx<'a> {
    pub id: Ident,
    pub name: String,
    pub type_name: String,
    pub span: Span,
    pub args: &'a Args,
}

fn get<'a>(m: &'a Args, k: &str) -> Option<&'a Val> {
    m.get(k).filter(|v| !matches!(v, Val::Null))
}

impl Ctx<'_> {
    fn unk<T>(&self, why: impl Into<String>) -> Attr<T> {
        Attr::unknown(why, Some(self.span.clone()))
    }

    fn res(&self, kind: Kind) -> Resource {
        Resource::new(
            self.id.clone(),
            self.name.clone(),
            self.type_name.clone(),
            self.span.clone(),
            kind,
        )
    }

    fn sub(&self, suffix: &str, kind: Kind) -> Resource {
        Resource::new(
            Ident(format!("{}{suffix}", self.id)),
            format!("{}{suffix}", self.name),
            self.type_name.clone(),
            self.span.clone(),
            kind,
        )
    }

    fn ident(&self, v: &Val) -> Attr<Ident> {
        ident_of(v, &self.span)
    }

    fn req_ident(&self, m: &Args, k: &str) -> Attr<Ident> {
        match get(m, k) {
            Some(v) => self.ident(v),
            None => self.unk(format!("{k} is not set")),
        }
    }

    fn opt_ident(&self, m: &Args, k: &str) -> Option<Attr<Ident>> {
        get(m, k).map(|v| self.ident(v))
    }

    fn idents(&self, v: &Val) -> Attr<Vec<Ident>> {
        match v {
            Val::List(items) => {
                let mut out = Vec::new();
                for i in items {
                    match self.ident(i) {
                        Attr::Known(id) => out.push(id),
                        Attr::Unknown(u) => return Attr::Unknown(u),
                    }
                }
                Attr::Known(out)
            }
            Val::Unknown(u) => Attr::Unknown(u.clone()),
            Val::Null => Attr::Known(Vec::new()),
            other => self.ident(other).map(|i| vec![i]),
        }
    }

    /// Absent → empty list (Terraform's default for these lists).
    fn idents_or_empty(&self, m: &Args, k: &str) -> Attr<Vec<Ident>> {
        get(m, k)
            .map(|v| self.idents(v))
            .unwrap_or(Attr::Known(Vec::new()))
    }

    fn opt_idents(&self, m: &Args, k: &str) -> Option<Attr<Vec<Ident>>> {
        get(m, k).map(|v| self.idents(v))
    }

    fn string(&self, v: &Val) -> Attr<String> {
        match v {
            Val::Unknown(u) => Attr::Unknown(u.clone()),
            other => match other.as_plain_str() {
                Some(s) => Attr::Known(s),
                None => match other.first_unknown() {
                    Some(u) => Attr::Unknown(u.clone()),
                    None => self.unk(format!(
                        "expected a literal string, found {}",
                        other.to_value().render()
                    )),
                },
            },
        }
    }

    fn opt_string(&self, m: &Args, k: &str) -> Option<Attr<String>> {
        get(m, k).map(|v| self.string(v))
    }

    fn opt_bool(&self, m: &Args, k: &str) -> Option<Attr<bool>> {
        get(m, k).map(|v| match v.as_bool() {
            Some(b) => Attr::Known(b),
            None => v
                .first_unknown()
                .map(|u| Attr::Unknown(u.clone()))
                .unwrap_or_else(|| self.unk(format!("{k} is not a bool"))),
        })
    }

    fn int(&self, v: &Val) -> Attr<i64> {
        match v.as_num() {
            Some(n) => Attr::Known(n as i64),
            None => v
                .first_unknown()
                .map(|u| Attr::Unknown(u.clone()))
                .unwrap_or_else(|| self.unk("not a number")),
        }
    }

    fn opt_int(&self, m: &Args, k: &str) -> Option<Attr<i64>> {
        get(m, k).map(|v| self.int(v))
    }

    fn net<T: std::str::FromStr>(&self, v: &Val) -> Attr<T> {
        match self.string(v) {
            Attr::Known(s) => match s.parse::<T>() {
                Ok(n) => Attr::Known(n),
                Err(_) => self.unk(format!("{s} is not a CIDR block")),
            },
            Attr::Unknown(u) => Attr::Unknown(u),
        }
    }

    fn opt_net<T: std::str::FromStr>(&self, m: &Args, k: &str) -> Option<Attr<T>> {
        get(m, k).map(|v| self.net(v))
    }

    /// The first block of a nested block list (`vpc_config { ... }`): `None` when absent,
    /// `Err` when the block itself is unknown (dynamic block over an unknown collection).
    fn block<'b>(&self, m: &'b Args, k: &str) -> Option<Result<&'b Args, Unknown>> {
        match get(m, k)? {
            Val::List(items) => match items.first()? {
                Val::Map(b) => Some(Ok(b)),
                Val::Unknown(u) => Some(Err(u.clone())),
                _ => None,
            },
            Val::Map(b) => Some(Ok(b)),
            Val::Unknown(u) => Some(Err(u.clone())),
            _ => None,
        }
    }

    fn blocks<'b>(&self, m: &'b Args, k: &str) -> Vec<&'b Val> {
        match get(m, k) {
            Some(Val::List(items)) => items.iter().collect(),
            Some(v @ Val::Unknown(_)) => vec![v],
            Some(v @ Val::Map(_)) => vec![v],
            _ => Vec::new(),
        }
    }

    fn document(&self, v: &Val) -> Value {
        match v.to_document() {
            Value::Unknown(u) if u.span.is_none() => {
                Value::Unknown(Unknown::new(u.reason, Some(self.span.clone())))
            }
            other => other,
        }
    }
}

/// Whether a resource's attribute is the name AWS knows it by (`aws_vpc.x.id`, `.name`, `.arn`,
/// `aws_s3_bucket.x.bucket`), so that a reference to it names the resource itself.
pub(crate) fn names_resource(attribute: &str) -> bool {
    matches!(attribute, "id" | "name" | "arn" | "bucket")
}

/// Arguments the provider computes when the configuration leaves them out, to the value AWS's
/// default gives: a plan marks them "known after apply", but the lowering reads their absence
/// exactly (the requester's own account owns a peering's peer VPC; an instance gets a public
/// address when its subnet maps one on launch), so the plan's reader treats them as absent.
pub(crate) fn defaulted_when_unset(type_name: &str, key: &str) -> bool {
    matches!(
        (type_name, key),
        ("aws_vpc_peering_connection", "peer_owner_id")
            | ("aws_instance", "associate_public_ip_address")
    )
}

/// A VPC's attribute that names one of the default objects AWS creates with it
/// (`aws_vpc.v.default_security_group_id`): the identity the model gives that object, the same
/// one an `aws_default_*` resource adopting it is lowered under, so that rules and routes
/// attached through the VPC meet those attached to the adopting resource.
///
/// `main_route_table_id` reads the table AWS created as main with the VPC (a main route table
/// association elsewhere in the configuration changes it only after it is applied), so it names
/// that table too.
fn vpc_default_object(vpc: &Ident, attribute: &str) -> Option<Ident> {
    let of: fn(&Ident) -> Ident = match attribute {
        "default_security_group_id" => Ident::default_security_group_of,
        "default_route_table_id" | "main_route_table_id" => Ident::main_route_table_of,
        "default_network_acl_id" => Ident::default_network_acl_of,
        _ => return None,
    };
    Some(of(vpc))
}

/// A reference or a literal physical ID as an [`Ident`].
pub(crate) fn ident_of(v: &Val, span: &Span) -> Attr<Ident> {
    match v {
        Val::Str(s) => Attr::Known(Ident(s.clone())),
        Val::Res(r) => Attr::Known(r.id.clone()),
        Val::Text(parts) => match parts.as_slice() {
            [Part::Sym(Symbol::Ref(id))] => Attr::Known(id.clone()),
            [Part::Sym(Symbol::Attr {
                resource,
                attribute,
            })] => match names_resource(attribute) {
                true => Attr::Known(resource.clone()),
                false => Attr::Known(
                    vpc_default_object(resource, attribute)
                        .unwrap_or_else(|| Ident::attribute_of(resource, attribute)),
                ),
            },
            _ => Attr::Known(Ident(v.to_value().render())),
        },
        Val::Unknown(u) => Attr::Unknown(u.clone()),
        Val::List(items) if items.len() == 1 => ident_of(&items[0], span),
        other => Attr::unknown(
            format!("expected an identifier, found a {}", other.type_name()),
            Some(span.clone()),
        ),
    }
}

/// The resource families, asked in turn; each returns whether it handled the type.
const FAMILIES: &[Family] = &[
    network::lower,
    endpoints::lower,
    instances::lower,
    sagemaker::lower,
    workflows::lower,
    iam::lower,
];

/// Lowers the types of one family: pushes the resources and links, or returns `false` when the
/// type is not one of its own.
type Family = fn(&Ctx, &mut Vec<Resource>, &mut Vec<Link>) -> bool;

/// Lowers one resource instance. Returns the model resources and links for post-processing.
pub(crate) fn lower(c: &Ctx) -> (Vec<Resource>, Vec<Link>) {
    let mut out = Vec::new();
    let mut links = Vec::new();
    if !FAMILIES.iter().any(|f| f(c, &mut out, &mut links)) {
        out.push(c.res(Kind::Other(other(c))));
    }
    (out, links)
}

/// A type the model does not represent, with what the analysis follows through it: the
/// function a Lambda invocation calls, the role a Lambda function runs as.
fn other(c: &Ctx) -> Other {
    let value = |k| get(c.args, k).map(Val::to_value);
    match c.type_name.as_str() {
        "aws_lambda_invocation" => Other::deploy_code(value("function_name")),
        "aws_lambda_function" => Other::function(value("role")),
        t if runs_unread_code(t) => Other::deploy_code(None),
        _ => Other::plain(),
    }
}

/// Types that run code at apply time which the scan does not read, so that what it creates (a
/// notebook, a Studio domain) may exist outside the model: a Lambda function invoked, a stack of
/// a template Terraform only passes on, and the resources that exist to run provisioners
/// (`local-exec` with the operator's credentials). The analysis reports each (EP903), as it
/// does a CloudFormation custom resource.
fn runs_unread_code(type_name: &str) -> bool {
    matches!(
        type_name,
        "aws_lambda_invocation" | "aws_cloudformation_stack" | "null_resource" | "terraform_data"
    )
}

fn push_ident(list: &mut Attr<Vec<Ident>>, id: &Attr<Ident>) {
    match (list, id) {
        (Attr::Known(l), Attr::Known(i)) => {
            if !l.contains(i) {
                l.push(i.clone())
            }
        }
        (l, Attr::Unknown(u)) => *l = Attr::Unknown(u.clone()),
        (Attr::Unknown(_), _) => {}
    }
}

/// Applies the links that need the whole model (endpoint associations, policy attachments).
pub(crate) fn post_process(model: &mut Model, links: Vec<Link>) {
    let index: std::collections::HashMap<Ident, usize> = model
        .resources
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id.clone(), i))
        .collect();
    let find = |id: &Attr<Ident>| id.known().and_then(|i| index.get(i).copied());
    let policies: std::collections::HashSet<usize> = model
        .resources
        .iter()
        .enumerate()
        .filter(|(_, r)| matches!(r.kind, Kind::IamPolicy(_)))
        .map(|(i, _)| i)
        .collect();
    let mut names: std::collections::HashMap<String, Ident> = std::collections::HashMap::new();
    for link in &links {
        if let Link::PolicyName { policy, suffixes } = link {
            for s in suffixes {
                names.entry(s.clone()).or_insert_with(|| policy.clone());
            }
        }
    }
    for link in links {
        match link {
            Link::EndpointRouteTable(ep, x)
            | Link::EndpointSubnet(ep, x)
            | Link::EndpointSecurityGroup(ep, x)
                if find(&ep).is_none() =>
            {
                let _ = (ep, x);
            }
            Link::EndpointRouteTable(ep, x) => {
                if let Some(Kind::VpcEndpoint(e)) = find(&ep).map(|i| &mut model.resources[i].kind)
                {
                    push_ident(&mut e.route_tables, &x);
                }
            }
            Link::EndpointSubnet(ep, x) => {
                if let Some(Kind::VpcEndpoint(e)) = find(&ep).map(|i| &mut model.resources[i].kind)
                {
                    push_ident(&mut e.subnets, &x);
                }
            }
            Link::EndpointSecurityGroup(ep, x) => {
                if let Some(Kind::VpcEndpoint(e)) = find(&ep).map(|i| &mut model.resources[i].kind)
                {
                    push_ident(&mut e.security_groups, &x);
                }
            }
            Link::EndpointPolicy(ep, policy) => {
                if let Some(Kind::VpcEndpoint(e)) = find(&ep).map(|i| &mut model.resources[i].kind)
                {
                    e.policy = Some(policy);
                }
            }
            Link::PolicyAttachment {
                policy,
                principal,
                role,
            } => {
                let span = Span::default();
                let target = match ident_of(&policy, &span) {
                    Attr::Known(p) => index.get(&p).copied(),
                    Attr::Unknown(_) => None,
                }
                .filter(|i| policies.contains(i))
                .or_else(|| policy_of(&policy.to_value(), &index, &names, &policies));
                match target.map(|i| &mut model.resources[i].kind) {
                    Some(Kind::IamPolicy(p)) => push_ident(&mut p.attached_to, &principal),
                    _ => {
                        // An AWS managed policy (or one outside the scan): recorded on the role.
                        if role {
                            if let Some(Kind::Role(r)) =
                                find(&principal).map(|i| &mut model.resources[i].kind)
                            {
                                if let Attr::Known(l) = &mut r.managed_policy_arns {
                                    l.push(policy.to_value());
                                }
                            }
                        }
                    }
                }
            }
            Link::OrgPolicyAttachment { policy, target } => {
                if let Some(Kind::IamPolicy(p)) =
                    find(&policy).map(|i| &mut model.resources[i].kind)
                {
                    push_ident(&mut p.attached_to, &target);
                }
            }
            Link::PolicyName { .. } => {}
        }
    }
    // A role's `managed_policy_arns` that name policies of the scan attach them.
    let mut attach: Vec<(usize, Ident)> = Vec::new();
    for r in &mut model.resources {
        let Kind::Role(role) = &mut r.kind else {
            continue;
        };
        let Attr::Known(arns) = &role.managed_policy_arns else {
            continue;
        };
        let mut kept = Vec::with_capacity(arns.len());
        for arn in arns {
            match policy_of(arn, &index, &names, &policies) {
                Some(i) => attach.push((i, r.id.clone())),
                None => kept.push(arn.clone()),
            }
        }
        role.managed_policy_arns = Attr::Known(kept);
    }
    for (i, role) in attach {
        if let Kind::IamPolicy(p) = &mut model.resources[i].kind {
            push_ident(&mut p.attached_to, &Attr::Known(role));
        }
    }
}
