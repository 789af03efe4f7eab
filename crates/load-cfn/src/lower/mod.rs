//! Lowering: CloudFormation resource types onto the model's [`Kind`]s.
//!
//! Properties are resolved into a [`Value`] first, then read here. `None` means the property was
//! absent (the rule applies AWS's default); a property present but unresolved is
//! `Some(Attr::Unknown)`. CloudFormation-specific semantics (a security group without inline
//! egress rules allows all egress, `network.rs`) are applied here, so the analysis never needs
//! to know the format. One module per resource family; [`lower_kind`] asks each in turn.

mod endpoints;
mod iam;
mod instances;
mod network;
mod sagemaker;
mod stepfunctions;

use crate::pipeline;
use crate::resolve::{diag, diag_hiding, is_custom, literal_string, Cond, Stack, StackResult};
use crate::suppress;
use crate::tree::Node;
use egressproof_aws::json_text;
use egressproof_model::*;
use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::collections::HashMap;

/// The exports of a stack and of its nested stacks: rendered `Export.Name` → value.
pub(crate) fn exports(stack: &Stack<'_>) -> Vec<(String, Value)> {
    let mut out = own_exports(stack);
    if let Some(resources) = stack.tpl.root.get("Resources") {
        for (key, node) in resources.entries() {
            if node.get("Type").and_then(Node::as_str) != Some("AWS::CloudFormation::Stack") {
                continue;
            }
            let absent = node
                .get("Condition")
                .and_then(|c| c.as_str().map(|n| (n, c)))
                .is_some_and(|(n, c)| stack.condition(n, c) == Cond::False);
            if absent {
                continue;
            }
            if let Some(child) = stack.nested_stack(&key.name) {
                out.extend(child.exports.iter().cloned());
            }
        }
    }
    out
}

fn own_exports(stack: &Stack<'_>) -> Vec<(String, Value)> {
    let Some(outputs) = stack.tpl.root.get("Outputs") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (_, o) in outputs.entries() {
        if output_absent(stack, o) {
            continue;
        }
        let Some(name) = o.get("Export").and_then(|e| e.get("Name")) else {
            continue;
        };
        let name = match stack.resolve(name) {
            Some(Value::Unknown(_)) | None => continue,
            Some(v) => v.render(),
        };
        if let Some(v) = o.get("Value").and_then(|v| stack.resolve(v)) {
            out.push((name, v));
        }
    }
    out
}

fn output_absent(stack: &Stack<'_>, o: &Node) -> bool {
    o.get("Condition")
        .and_then(|c| c.as_str().map(|n| (n, c)))
        .is_some_and(|(n, c)| stack.condition(n, c) == Cond::False)
}

fn outputs(stack: &Stack<'_>) -> HashMap<String, Value> {
    let Some(outputs) = stack.tpl.root.get("Outputs") else {
        return HashMap::new();
    };
    outputs
        .entries()
        .iter()
        .filter(|(_, o)| !output_absent(stack, o))
        .filter_map(|(k, o)| Some((k.name.clone(), stack.resolve(o.get("Value")?)?)))
        .collect()
}

/// The transform whose functions the resolver implements itself.
const LANGUAGE_EXTENSIONS: &str = "AWS::LanguageExtensions";

/// The SAM transform: it expands the `AWS::Serverless::*` resources and nothing else.
const SAM_TRANSFORM: &str = "AWS::Serverless-2016-10-31";

/// The SAM resource types (after `AWS::Serverless::`) whose expansion is documented to be of
/// types that are never a SageMaker resource nor a SageMaker VPC endpoint (Lambda, API Gateway,
/// AppSync, DynamoDB, IAM, event sources): their unknown does not keep an environment in scope.
const SAM_KNOWN_EXPANSIONS: &[&str] = &[
    "Function",
    "Api",
    "HttpApi",
    "SimpleTable",
    "LayerVersion",
    "Connector",
    "GraphQLApi",
];

/// Lowers every resource of a stack (and of its nested stacks).
pub(crate) fn lower_stack(stack: &Stack<'_>) -> StackResult {
    let mut model = Model::default();
    let root = &stack.tpl.root;
    if let Some(t) = root.get("Transform") {
        // AWS::LanguageExtensions is read here (Fn::ForEach, Fn::Length, Fn::ToJsonString,
        // Fn::FindInMap's DefaultValue); any other transform is a macro we do not run.
        let others: Vec<String> = match stack.resolve(t) {
            Some(Value::List(items)) => items.iter().map(Value::render).collect(),
            Some(v) => vec![v.render()],
            None => Vec::new(),
        }
        .into_iter()
        .filter(|n| n != LANGUAGE_EXTENSIONS)
        .collect();
        let names = others.join(", ");
        // The SAM transform changes only the AWS::Serverless::* resources, each of which is
        // its own unknown; any other macro may add resources of any type.
        let hiding = others.iter().any(|n| n != SAM_TRANSFORM);
        if !others.is_empty() {
            let report = if hiding { diag_hiding } else { diag };
            report(
                stack,
                UnknownCode::EP903,
                format!(
                "template uses Transform {names}: a macro can add or change resources at deploy \
                 time; scan the processed template"
            ),
                t,
            );
        }
    }
    let empty = Value::Map(Default::default());
    let mut writes = Vec::new();
    let mut uses = Vec::new();
    ssm_references(root, &mut uses);
    if let Some(resources) = root.get("Resources") {
        for (key, node) in resources.entries() {
            let span = stack.span_at(key.line, key.col);
            let Some(type_name) = node.get("Type").and_then(Node::as_str) else {
                diag(
                    stack,
                    UnknownCode::EP901,
                    format!("resource {} has no Type", key.name),
                    node,
                );
                continue;
            };
            if let Some(c) = node.get("Condition") {
                match c.as_str() {
                    Some(name) => {
                        if stack.condition(name, c) == Cond::False {
                            continue;
                        }
                    }
                    None => diag(
                        stack,
                        UnknownCode::EP902,
                        format!("resource {}: Condition is not a name", key.name),
                        c,
                    ),
                }
            }
            let props = node
                .get("Properties")
                .and_then(|p| stack.resolve(p))
                .unwrap_or_else(|| empty.clone());
            if !matches!(props, Value::Map(_)) {
                // Every property would read as absent, and absent means AWS's default: say
                // instead that none of them is known.
                let why = match &props {
                    Value::Unknown(u) => u.reason.clone(),
                    other => format!("Properties is not a mapping: {}", other.render()),
                };
                diag(
                    stack,
                    UnknownCode::EP902,
                    format!("resource {}: properties are not known ({why})", key.name),
                    node.get("Properties").unwrap_or(node),
                );
            }
            let id = stack.id_of(&key.name);
            let mut extra: Vec<Resource> = Vec::new();
            let cx = Cx {
                id: &id,
                name: &key.name,
                span: &span,
                type_name,
            };
            if type_name == "AWS::SSM::Parameter" {
                if let Some(Value::Str(name)) = get(&props, "Name") {
                    writes.push(SharedName::SsmParameter(name.clone()));
                }
            }
            if let Some(sam) = type_name.strip_prefix("AWS::Serverless::") {
                // SAM expands it at deploy time into resources of other types (a function, its
                // role, an API, permissions) that the scan does not see. An application (a
                // nested stack) or a state machine (whose tasks may start SageMaker jobs) may
                // hold anything; so may a type SAM adds later.
                let report = if SAM_KNOWN_EXPANSIONS.contains(&sam) {
                    diag
                } else {
                    diag_hiding
                };
                report(
                    stack,
                    UnknownCode::EP903,
                    format!(
                        "resource {}: {type_name} is made by the AWS::Serverless transform into \
                         other resources at deploy time; not read (scan the processed template)",
                        key.name
                    ),
                    node,
                );
            }
            let kind = lower_kind(&cx, &props, &mut extra);
            let suppressions = suppress::collect(stack, key, node);
            let mut r = Resource::new(id.clone(), key.name.clone(), type_name, span.clone(), kind);
            r.suppressions = suppressions.clone();
            model.resources.push(r);
            for mut e in extra {
                e.suppressions = suppressions.clone();
                model.resources.push(e);
            }
            if type_name == "AWS::CloudFormation::Stack" {
                if let Some(child) = stack.nested_stack(&key.name) {
                    model.extend(child.model.clone());
                    writes.extend(child.writes.iter().cloned());
                    uses.extend(child.uses.iter().cloned());
                }
            }
        }
    }
    let outputs = outputs(stack);
    let exports = exports(stack);
    let ssm = ssm_writes(stack);
    model.diagnostics.extend(stack.diags.take());
    uses.extend(stack.uses.take());
    StackResult {
        model,
        outputs,
        exports,
        writes,
        uses,
        ssm,
    }
}

/// The SSM parameters a stack and its nested stacks write (`AWS::SSM::Parameter` with a known
/// `Name`), with the `Value` each writes, so that a reader in the scan gets it.
pub(crate) fn ssm_writes(stack: &Stack<'_>) -> Vec<(String, Value)> {
    let Some(resources) = stack.tpl.root.get("Resources") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for (key, node) in resources.entries() {
        let type_name = node.get("Type").and_then(Node::as_str);
        if !matches!(
            type_name,
            Some("AWS::SSM::Parameter" | "AWS::CloudFormation::Stack")
        ) {
            continue;
        }
        let condition = node
            .get("Condition")
            .and_then(|c| c.as_str().map(|n| stack.condition(n, c)));
        if condition == Some(Cond::False) {
            continue;
        }
        if type_name == Some("AWS::CloudFormation::Stack") {
            if let Some(child) = stack.nested_stack(&key.name) {
                out.extend(child.ssm.iter().cloned());
            }
            continue;
        }
        let Some(props) = node.get("Properties") else {
            continue;
        };
        let name = props.get("Name").and_then(|n| stack.resolve(n));
        let Some(Value::Str(name)) = name else {
            continue;
        };
        let value = match (
            props.get("Value").and_then(|v| stack.resolve(v)),
            &condition,
        ) {
            // A parameter that may not exist has no one value.
            (_, Some(Cond::Unknown(_))) => Value::unknown(
                format!("SSM parameter {name} may not be written (its Condition is not known)"),
                Some(stack.span(node)),
            ),
            (Some(v), _) => v,
            (None, _) => Value::unknown(
                format!("SSM parameter {name} is written without a Value"),
                Some(stack.span(node)),
            ),
        };
        out.push((name, value));
    }
    out
}

/// The SSM parameters that dynamic references (`{{resolve:ssm:name}}`,
/// `{{resolve:ssm-secure:name:1}}`) anywhere in the template read at deploy time.
fn ssm_references(node: &Node, out: &mut Vec<SharedName>) {
    use crate::tree::NodeKind;
    match &node.kind {
        NodeKind::Scalar { text, .. } => {
            let mut rest = text.as_str();
            while let Some(at) = rest.find("{{resolve:ssm") {
                rest = &rest[at + "{{resolve:ssm".len()..];
                let after = rest
                    .strip_prefix("-secure:")
                    .or_else(|| rest.strip_prefix(':'));
                if let Some(after) = after {
                    let end = after.find([':', '}']).unwrap_or(after.len());
                    if end > 0 {
                        out.push(SharedName::SsmParameter(after[..end].to_string()));
                    }
                }
            }
        }
        NodeKind::Seq(items) => items.iter().for_each(|i| ssm_references(i, out)),
        NodeKind::Map(entries) => entries
            .as_slice()
            .iter()
            .for_each(|(_, v)| ssm_references(v, out)),
        NodeKind::Tagged(_, inner) => ssm_references(inner, out),
    }
}

/// The resource being lowered.
pub(crate) struct Cx<'a> {
    pub id: &'a Ident,
    pub name: &'a str,
    pub span: &'a Span,
    pub type_name: &'a str,
}

impl Cx<'_> {
    fn unknown<T>(&self, reason: impl Into<String>) -> Attr<T> {
        Attr::unknown(reason, Some(self.span.clone()))
    }
}

/// A property value, absent when missing or null.
pub(crate) fn get<'v>(v: &'v Value, key: &str) -> Option<&'v Value> {
    match v.get(key) {
        None | Some(Value::Null) => None,
        some => some,
    }
}

pub(crate) fn path<'v>(v: &'v Value, keys: &[&str]) -> Option<&'v Value> {
    keys.iter().try_fold(v, |v, k| get(v, k))
}

pub(crate) fn ident(cx: &Cx<'_>, v: &Value) -> Attr<Ident> {
    match v {
        Value::Unknown(u) => Attr::Unknown(u.clone()),
        Value::Str(s) if !s.is_empty() => Attr::Known(Ident::new(s.clone())),
        v => match v.as_symbol() {
            Some(Symbol::Ref(id)) => Attr::Known(id.clone()),
            Some(Symbol::Attr {
                resource,
                attribute,
            }) => Attr::Known(Ident::attribute_of(resource, attribute)),
            _ => cx.unknown(format!("expected an identifier, found {}", v.render())),
        },
    }
}

fn opt_ident(cx: &Cx<'_>, props: &Value, key: &str) -> Option<Attr<Ident>> {
    get(props, key).map(|v| ident(cx, v))
}

fn req_ident(cx: &Cx<'_>, props: &Value, key: &str) -> Attr<Ident> {
    opt_ident(cx, props, key).unwrap_or_else(|| cx.unknown(format!("{key} is missing")))
}

pub(crate) fn idents(cx: &Cx<'_>, v: &Value) -> Attr<Vec<Ident>> {
    match v {
        Value::List(items) => {
            let mut out = Vec::with_capacity(items.len());
            for i in items {
                match ident(cx, i) {
                    Attr::Known(id) => out.push(id),
                    Attr::Unknown(u) => return Attr::Unknown(u),
                }
            }
            Attr::Known(out)
        }
        Value::Unknown(u) => Attr::Unknown(u.clone()),
        v => cx.unknown(format!(
            "expected a list of identifiers, found {}",
            v.render()
        )),
    }
}

fn opt_idents(cx: &Cx<'_>, props: &Value, key: &str) -> Option<Attr<Vec<Ident>>> {
    get(props, key).map(|v| idents(cx, v))
}

/// A list property whose absence means "none".
fn list_idents(cx: &Cx<'_>, props: &Value, key: &str) -> Attr<Vec<Ident>> {
    opt_idents(cx, props, key).unwrap_or(Attr::Known(Vec::new()))
}

pub(crate) fn string(cx: &Cx<'_>, v: &Value) -> Attr<String> {
    match v {
        Value::Unknown(u) => Attr::Unknown(u.clone()),
        v => match literal_string(v) {
            Some(s) => Attr::Known(s),
            None => cx.unknown(format!("{} is known only at deploy time", v.render())),
        },
    }
}

fn opt_string(cx: &Cx<'_>, props: &Value, key: &str) -> Option<Attr<String>> {
    get(props, key).map(|v| string(cx, v))
}

pub(crate) fn boolean(cx: &Cx<'_>, v: &Value) -> Attr<bool> {
    match v {
        Value::Bool(b) => Attr::Known(*b),
        Value::Unknown(u) => Attr::Unknown(u.clone()),
        Value::Str(s) if s.eq_ignore_ascii_case("true") => Attr::Known(true),
        Value::Str(s) if s.eq_ignore_ascii_case("false") => Attr::Known(false),
        v => cx.unknown(format!("expected true or false, found {}", v.render())),
    }
}

fn opt_bool(cx: &Cx<'_>, props: &Value, key: &str) -> Option<Attr<bool>> {
    get(props, key).map(|v| boolean(cx, v))
}

fn int(cx: &Cx<'_>, v: &Value) -> Attr<i64> {
    match v {
        Value::Unknown(u) => Attr::Unknown(u.clone()),
        v => match literal_string(v).and_then(|s| s.trim().parse::<i64>().ok()) {
            Some(i) => Attr::Known(i),
            None => cx.unknown(format!("expected a number, found {}", v.render())),
        },
    }
}

fn opt_int(cx: &Cx<'_>, props: &Value, key: &str) -> Option<Attr<i64>> {
    get(props, key).map(|v| int(cx, v))
}

fn parsed<T: std::str::FromStr>(cx: &Cx<'_>, v: &Value, what: &str) -> Attr<T> {
    match v {
        Value::Unknown(u) => Attr::Unknown(u.clone()),
        v => match literal_string(v).and_then(|s| s.trim().parse::<T>().ok()) {
            Some(n) => Attr::Known(n),
            None => cx.unknown(format!("expected {what}, found {}", v.render())),
        },
    }
}

fn opt_v4(cx: &Cx<'_>, props: &Value, key: &str) -> Option<Attr<Ipv4Net>> {
    get(props, key).map(|v| parsed(cx, v, "an IPv4 CIDR"))
}

fn opt_v6(cx: &Cx<'_>, props: &Value, key: &str) -> Option<Attr<Ipv6Net>> {
    get(props, key).map(|v| parsed(cx, v, "an IPv6 CIDR"))
}

fn opt_net(cx: &Cx<'_>, props: &Value, key: &str) -> Option<Attr<IpNet>> {
    get(props, key).map(|v| parsed(cx, v, "a CIDR"))
}

/// A policy document: a map as written, or a JSON string parsed (symbols kept).
pub(crate) fn document(v: &Value) -> Value {
    match v {
        Value::Str(_) | Value::Text(_) => json_text::parse_value(v).unwrap_or_else(|_| v.clone()),
        other => other.clone(),
    }
}

/// Each item of a list property (a non-list is one item).
fn items(v: Option<&Value>) -> Vec<&Value> {
    match v {
        None => Vec::new(),
        Some(Value::List(items)) => items.iter().collect(),
        Some(other) => vec![other],
    }
}

/// Lowers the types of one family, or returns `None` when the type is not one of its own.
type Family = fn(&Cx<'_>, &Value, &mut Vec<Resource>) -> Option<Kind>;

/// The resource families, asked in turn.
const FAMILIES: &[Family] = &[
    network::lower,
    endpoints::lower,
    instances::lower,
    sagemaker::lower,
    stepfunctions::lower,
    iam::lower,
];

pub(crate) fn lower_kind(cx: &Cx<'_>, p: &Value, extra: &mut Vec<Resource>) -> Kind {
    FAMILIES
        .iter()
        .find_map(|f| f(cx, p, extra))
        .unwrap_or_else(|| Kind::Other(other(cx, p)))
}

/// A type the model does not represent, with what the analysis follows through it: the
/// function a custom resource calls (`ServiceToken`), the role a Lambda function runs as.
fn other(cx: &Cx<'_>, p: &Value) -> Other {
    if is_custom(cx.type_name) {
        Other::deploy_code(get(p, "ServiceToken").cloned())
    } else if cx.type_name == "AWS::Lambda::Function" {
        Other::function(get(p, "Role").cloned())
    } else {
        Other::plain()
    }
}
