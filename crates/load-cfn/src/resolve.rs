//! Intrinsic functions, parameters, conditions and pseudo parameters, resolved into [`Value`].
//!
//! The rule throughout: what is known at scan time becomes a literal, what exists only at deploy
//! time becomes a [`Symbol`] (never a made-up literal), and what cannot be resolved becomes
//! [`Value::Unknown`] with the reason and the place it was written. `None` from [`Stack::resolve`]
//! means `AWS::NoValue`: the property or list item is removed.

use crate::tree::{Node, NodeKind};
use crate::{Template, MAX_NESTING};
use egressproof_aws::json_text::{self, Piece};
use egressproof_model::{
    Diagnostic, Ident, Part, Pseudo, Span, Symbol, Unknown, UnknownCode, Value,
};
use indexmap::IndexMap;
use std::cell::{Cell, RefCell};
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::rc::Rc;
use std::sync::Arc;

/// How deep resolution may follow references between resources (`!GetAtt Vpc.CidrBlock` reads
/// the VPC's property, which may read another...). Bounds reference cycles.
const MAX_RESOLVE_DEPTH: usize = 64;

/// How deep [`Stack::resolve`] may recurse in all (tree nesting plus followed references).
/// Bounds the stack used on rayon's worker threads and the depth of the values built, whatever
/// the input.
const MAX_RESOLVE_FRAMES: usize = 384;

/// Work of resolving one template, in steps: one per node resolved, plus one per element of a
/// value copied whole (a parameter, a nested stack's output). `Fn::GetAtt` reads the referenced
/// resource's property again at every reference, so references that fan out (each property
/// joining two references to the previous one) cost exponential time without a bound. The
/// bound is linear in the template: [`MAX_RESOLVE_WORK_PER_NODE`] steps per node of it, plus
/// [`MAX_RESOLVE_WORK_BASE`]; real templates take under one step per node (0.4 to 0.7 on the
/// loader benchmarks). Past it every value still to resolve is an unknown naming the limit.
const MAX_RESOLVE_WORK_BASE: usize = 1 << 16;
const MAX_RESOLVE_WORK_PER_NODE: usize = 16;

/// Bytes of text `Fn::ForEach` may copy per step of work: the copies of a loop are bounded by
/// `64 * MAX_RESOLVE_WORK` bytes, linear in the template like the rest of the work.
const COPY_BYTES_PER_STEP: usize = 64;

/// Longest text `Fn::Join` or `Fn::Sub` may build: 4 MiB, four times CloudFormation's own limit
/// on a whole template. Measured before the text is built, so that a join repeating a long
/// delimiter (or text doubled through references) never takes the memory.
const MAX_TEXT_BYTES: usize = 4 << 20;

/// The outcome of a condition.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cond {
    True,
    False,
    Unknown(Unknown),
}

impl Cond {
    fn from_bool(b: bool) -> Cond {
        if b {
            Cond::True
        } else {
            Cond::False
        }
    }
}

/// What the whole scan shares while stacks are resolved.
pub(crate) struct Ctx<'a> {
    /// Templates of the scan by canonical path (nested stacks are looked up here first).
    pub files: &'a HashMap<PathBuf, Arc<Template>>,
    /// `Export.Name` (rendered) → exported value, from every template of the scan.
    pub exports: &'a HashMap<String, Value>,
    /// SSM parameter name → the `Value` an `AWS::SSM::Parameter` of the scan writes, for
    /// `AWS::SSM::Parameter::Value<>` parameters and `{{resolve:ssm:name}}` references.
    pub ssm: &'a HashMap<String, Value>,
    /// Where nested templates may be read.
    pub scope: &'a egressproof_fs::ReadScope,
}

/// A loaded nested stack: its resources and its outputs.
pub(crate) struct StackResult {
    pub model: egressproof_model::Model,
    pub outputs: HashMap<String, Value>,
    /// Its exports and those of the stacks it nests.
    pub exports: Vec<(String, Value)>,
    /// SSM parameter names it and the stacks it nests write, for environments.
    pub writes: Vec<egressproof_model::SharedName>,
    /// Names it and the stacks it nests read from other inputs (imports, SSM parameters).
    pub uses: Vec<egressproof_model::SharedName>,
    /// SSM parameters it and the stacks it nests write: (name, value).
    pub ssm: Vec<(String, Value)>,
}

/// One template instance being resolved: a top-level template or a nested stack.
pub(crate) struct Stack<'a> {
    pub ctx: &'a Ctx<'a>,
    pub tpl: Arc<Template>,
    /// Prepended to logical IDs to form model IDs: `file.yaml#` or `file.yaml#Stack/`.
    pub prefix: String,
    params: HashMap<String, Value>,
    /// Canonical paths of the templates above this one (nested stack cycle guard).
    pub chain: Vec<PathBuf>,
    conds: RefCell<HashMap<String, Cond>>,
    cond_busy: RefCell<HashSet<String>>,
    pub nested: RefCell<HashMap<String, Option<Rc<StackResult>>>>,
    depth: Cell<usize>,
    frames: Cell<usize>,
    /// Resolution work so far, its bound (see [`MAX_RESOLVE_WORK_BASE`]), and whether running
    /// out of it was reported.
    work: Cell<usize>,
    work_limit: usize,
    out_of_work: Cell<bool>,
    pub diags: RefCell<Vec<Diagnostic>>,
    /// Names this stack reads from other inputs (imports, SSM parameters), for environments.
    pub uses: RefCell<Vec<egressproof_model::SharedName>>,
}

fn pseudo(name: &str) -> Option<Pseudo> {
    Some(match name {
        "AWS::AccountId" => Pseudo::AccountId,
        "AWS::Region" => Pseudo::Region,
        "AWS::Partition" => Pseudo::Partition,
        "AWS::StackName" => Pseudo::StackName,
        "AWS::StackId" => Pseudo::StackId,
        "AWS::URLSuffix" => Pseudo::UrlSuffix,
        "AWS::NotificationARNs" => Pseudo::NotificationArns,
        _ => return None,
    })
}

/// A list parameter's value given as one string, split as CloudFormation splits it.
fn split_list(s: &str) -> Value {
    Value::List(
        s.split(',')
            .map(|p| Value::Str(p.trim().to_string()))
            .collect(),
    )
}

/// One item of a split list, with the blanks around it trimmed.
fn trimmed(mut parts: Vec<Part>) -> Value {
    if let Some(Part::Lit(s)) = parts.first_mut() {
        *s = s.trim_start().to_string();
    }
    if let Some(Part::Lit(s)) = parts.last_mut() {
        *s = s.trim_end().to_string();
    }
    Value::text(parts)
}

/// Attributes that name the resource itself: `!GetAtt Vpc.VpcId` is the same identifier as
/// `!Ref Vpc`, so the analysis can follow it.
fn is_self_id(type_name: &str, attr: &str) -> bool {
    matches!(
        (type_name, attr),
        ("AWS::EC2::VPC", "VpcId")
            | ("AWS::EC2::Subnet", "SubnetId")
            | ("AWS::EC2::SecurityGroup", "GroupId")
            | ("AWS::EC2::RouteTable", "RouteTableId")
            | ("AWS::EC2::InternetGateway", "InternetGatewayId")
            | ("AWS::EC2::NatGateway", "NatGatewayId")
            | ("AWS::EC2::NetworkAcl", "Id")
            | ("AWS::EC2::VPCEndpoint", "Id")
            | ("AWS::EC2::TransitGateway", "Id")
            | ("AWS::EC2::TransitGatewayAttachment", "Id")
            | ("AWS::EC2::TransitGatewayVpcAttachment", "Id")
            | (
                "AWS::EC2::TransitGatewayRouteTable",
                "TransitGatewayRouteTableId"
            )
            | ("AWS::EC2::EgressOnlyInternetGateway", "Id")
            | ("AWS::EC2::NetworkInterface", "Id")
            | ("AWS::EC2::VPCPeeringConnection", "Id")
            | ("AWS::EC2::CarrierGateway", "CarrierGatewayId")
            | ("AWS::EC2::VPNGateway", "VPNGatewayId")
            | ("AWS::SageMaker::Domain", "DomainId")
            | ("AWS::SageMaker::Model", "ModelName")
            | ("AWS::SageMaker::EndpointConfig", "EndpointConfigName")
            | ("AWS::SageMaker::NotebookInstance", "NotebookInstanceName")
            | ("AWS::NetworkFirewall::FirewallPolicy", "FirewallPolicyArn")
            | ("AWS::NetworkFirewall::RuleGroup", "RuleGroupArn")
            | ("AWS::NetworkFirewall::Firewall", "FirewallArn")
    )
}

/// Attributes that read a property of the resource as written.
fn property_attr(type_name: &str, attr: &str) -> Option<&'static str> {
    Some(match (type_name, attr) {
        ("AWS::EC2::VPC", "CidrBlock") => "CidrBlock",
        ("AWS::EC2::Subnet", "CidrBlock") => "CidrBlock",
        ("AWS::EC2::Subnet", "VpcId") => "VpcId",
        ("AWS::EC2::SecurityGroup", "VpcId") => "VpcId",
        ("AWS::EC2::VPCCidrBlock", "Ipv6CidrBlock") => "Ipv6CidrBlock",
        ("AWS::S3::Bucket", "BucketName") => "BucketName",
        _ => return None,
    })
}

pub(crate) fn is_custom(type_name: &str) -> bool {
    type_name == "AWS::CloudFormation::CustomResource" || type_name.starts_with("Custom::")
}

/// A scalar as a value: plain scalars get YAML 1.2 core typing (bool, null, number), quoted ones
/// stay strings.
pub(crate) fn scalar_value(text: &str, plain: bool) -> Value {
    if !plain {
        return Value::Str(text.to_string());
    }
    match text {
        "true" | "True" | "TRUE" => Value::Bool(true),
        "false" | "False" | "FALSE" => Value::Bool(false),
        "null" | "Null" | "NULL" | "~" | "" => Value::Null,
        _ if looks_numeric(text) => Value::Number(text.to_string()),
        _ => Value::Str(text.to_string()),
    }
}

fn looks_numeric(s: &str) -> bool {
    let t = s.strip_prefix(['-', '+']).unwrap_or(s);
    !t.is_empty()
        && t.chars().next().is_some_and(|c| c.is_ascii_digit())
        && (t.parse::<i64>().is_ok() || t.parse::<f64>().is_ok())
}

/// A value as the string CloudFormation would see (numbers and booleans are strings there).
pub(crate) fn literal_string(v: &Value) -> Option<String> {
    match v {
        Value::Str(s) | Value::Number(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// True when the value holds no symbol and no unknown.
fn is_literal(v: &Value) -> bool {
    match v {
        Value::Null | Value::Bool(_) | Value::Number(_) | Value::Str(_) => true,
        Value::Text(_) | Value::Unknown(_) => false,
        Value::List(items) => items.iter().all(is_literal),
        Value::Map(m) => m.values().all(is_literal),
    }
}

fn literal_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::List(x), Value::List(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| literal_eq(a, b))
        }
        (Value::Map(x), Value::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| literal_eq(v, w)))
        }
        (Value::Null, Value::Null) => true,
        _ => match (literal_string(a), literal_string(b)) {
            (Some(x), Some(y)) => x == y,
            _ => false,
        },
    }
}

/// Parts of a string-like value, for concatenation.
/// An unresolved value substituted for `var` in a string: what is known of it, else a hole
/// named `var`.
fn named_hole(u: Unknown, var: &str) -> Unknown {
    if u.pieces.is_some() {
        return u;
    }
    let hole = egressproof_model::Piece::hole(var, &u);
    u.with_pieces(vec![hole])
}

fn string_parts(v: &Value) -> Option<Vec<Part>> {
    match v {
        Value::Text(p) => Some(p.clone()),
        other => literal_string(other).map(|s| vec![Part::Lit(s)]),
    }
}

impl<'a> Stack<'a> {
    /// A stack over `tpl`. `overrides` are parameter values given by the caller (`--param` for
    /// top-level templates, the parent's `Parameters` for nested stacks).
    pub fn new(
        ctx: &'a Ctx<'a>,
        tpl: Arc<Template>,
        prefix: String,
        overrides: HashMap<String, Value>,
        chain: Vec<PathBuf>,
    ) -> Stack<'a> {
        let mut stack = Stack {
            ctx,
            tpl: tpl.clone(),
            prefix,
            params: HashMap::new(),
            chain,
            conds: RefCell::default(),
            cond_busy: RefCell::default(),
            nested: RefCell::default(),
            depth: Cell::new(0),
            frames: Cell::new(0),
            work: Cell::new(0),
            work_limit: MAX_RESOLVE_WORK_BASE
                .saturating_add(MAX_RESOLVE_WORK_PER_NODE.saturating_mul(node_count(&tpl.root))),
            out_of_work: Cell::new(false),
            diags: RefCell::default(),
            uses: RefCell::default(),
        };
        if let Some(params) = tpl.root.get("Parameters") {
            for (key, decl) in params.entries() {
                let span = stack.span_at(key.line, key.col);
                let ptype = decl.get("Type").and_then(Node::as_str).unwrap_or("String");
                let value = if let Some(v) = overrides.get(&key.name) {
                    Some(v.clone())
                } else {
                    decl.get("Default").and_then(|d| stack.resolve(d))
                };
                let value = match value {
                    None => Value::unknown(
                        format!("parameter {} has no default and no --param value", key.name),
                        Some(span),
                    ),
                    Some(v) if ptype.starts_with("AWS::SSM::Parameter::Value") => {
                        // The value names a parameter that another stack may write: its value
                        // when a template of the scan writes it, else known only at deploy time.
                        let is_list =
                            ptype.contains("<List<") || ptype.contains("<CommaDelimitedList>");
                        match &v {
                            Value::Str(name) => {
                                stack.uses.borrow_mut().push(
                                    egressproof_model::SharedName::SsmParameter(name.clone()),
                                );
                                match ctx.ssm.get(name) {
                                    Some(Value::Str(s)) if is_list => split_list(s),
                                    Some(v) => v.clone(),
                                    None => Value::unknown(
                                        format!(
                                            "parameter {} is read from SSM parameter {name} at \
                                             deploy time, and no template of the scan writes it",
                                            key.name
                                        ),
                                        Some(span),
                                    ),
                                }
                            }
                            _ => Value::unknown(
                                format!(
                                    "parameter {} is read from SSM Parameter Store at deploy time",
                                    key.name
                                ),
                                Some(span),
                            ),
                        }
                    }
                    Some(v) => {
                        let is_list = ptype == "CommaDelimitedList" || ptype.starts_with("List<");
                        match (&v, is_list) {
                            (Value::Str(s), true) => split_list(s),
                            _ => v,
                        }
                    }
                };
                stack.params.insert(key.name.clone(), value);
            }
        }
        if let Some(root) = crate::foreach::expand(&stack) {
            stack.tpl = Arc::new(Template {
                display: tpl.display.clone(),
                path: tpl.path.clone(),
                canonical: tpl.canonical.clone(),
                comments: tpl.comments.clone(),
                root,
            });
        }
        stack
    }

    pub fn span_at(&self, line: u32, col: u32) -> Span {
        Span::new(self.tpl.display.clone(), line, col)
    }

    pub fn span(&self, n: &Node) -> Span {
        self.span_at(n.line, n.col)
    }

    pub fn id_of(&self, logical: &str) -> Ident {
        Ident(format!("{}{}", self.prefix, logical))
    }

    pub fn resource_node(&self, logical: &str) -> Option<&Node> {
        self.tpl.root.get("Resources")?.get(logical)
    }

    pub fn resource_type(&self, logical: &str) -> Option<&str> {
        self.resource_node(logical)?.get("Type")?.as_str()
    }

    fn unknown(&self, reason: impl Into<String>, n: &Node) -> Value {
        Value::unknown(reason, Some(self.span(n)))
    }

    /// Resolves a node. `None` is `AWS::NoValue`.
    pub fn resolve(&self, n: &Node) -> Option<Value> {
        if let Some(u) = self.charge(1, n) {
            return Some(u);
        }
        let frames = self.frames.get();
        if frames >= MAX_RESOLVE_FRAMES {
            return Some(self.unknown(
                "value nests too deeply to resolve (nesting plus references)",
                n,
            ));
        }
        self.frames.set(frames + 1);
        let out = self.resolve_inner(n);
        self.frames.set(frames);
        out
    }

    fn resolve_inner(&self, n: &Node) -> Option<Value> {
        match &n.kind {
            NodeKind::Scalar { text, plain } => Some(match self.dynamic_refs(text, n) {
                Some(pieces) => pieces_value(pieces),
                None => scalar_value(text, *plain),
            }),
            NodeKind::Seq(items) => Some(Value::List(
                items.iter().filter_map(|i| self.resolve(i)).collect(),
            )),
            NodeKind::Map(entries) => {
                if let [(key, arg)] = entries.as_slice() {
                    if key.name == "Ref" || key.name.starts_with("Fn::") {
                        return self.intrinsic(&key.name, arg, n);
                    }
                }
                let mut out = IndexMap::with_capacity(entries.len());
                for (k, v) in entries {
                    if let Some(v) = self.resolve(v) {
                        out.insert(k.name.clone(), v);
                    }
                }
                Some(Value::Map(out))
            }
            NodeKind::Tagged(tag, inner) => {
                let name = match tag.as_str() {
                    "Ref" => "Ref".to_string(),
                    "Condition" => "Condition".to_string(),
                    other => format!("Fn::{other}"),
                };
                self.intrinsic(&name, inner, n)
            }
        }
    }

    /// Adds `steps` of work; past the bound, the unknown to use instead (reported once).
    fn charge(&self, steps: usize, at: &Node) -> Option<Value> {
        let work = self.work.get().saturating_add(steps);
        self.work.set(work);
        if work <= self.work_limit {
            return None;
        }
        let msg = format!(
            "resolution stopped after {} steps; what is left is not resolved \
             (limit MAX_RESOLVE_WORK)",
            self.work_limit
        );
        if !self.out_of_work.replace(true) {
            diag(self, UnknownCode::EP902, msg.clone(), at);
        }
        Some(self.unknown(msg, at))
    }

    /// One node copied by `Fn::ForEach` expansion: true when the work bound is passed. A
    /// scalar costs a step per [`COPY_BYTES_PER_STEP`] bytes too, so that loops copying one long
    /// string many times stay bounded in memory, not only in nodes.
    pub(crate) fn charge_copy(&self, at: &Node) -> bool {
        let bytes = match &at.kind {
            NodeKind::Scalar { text, .. } => text.len(),
            _ => 0,
        };
        self.charge(1 + bytes / COPY_BYTES_PER_STEP, at).is_some()
    }

    /// Whether resolution ran out of work (every value still to resolve is an unknown).
    pub(crate) fn out_of_work(&self) -> bool {
        self.out_of_work.get()
    }

    /// A whole value copied (a parameter, an output): its size is work too.
    fn copied(&self, v: &Value, at: &Node) -> Value {
        match self.charge(value_size(v), at) {
            Some(u) => u,
            None => v.clone(),
        }
    }

    /// Text past [`MAX_TEXT_BYTES`] is not built: the unknown to use instead. Text that is
    /// built costs a step per [`COPY_BYTES_PER_STEP`] bytes, as `Fn::ForEach` copies do: a
    /// reference is resolved again where it is used, so text doubled through references
    /// (`!Sub '${A.X}${A.X}'`, with `A.X` doubled the same way) would otherwise build each level
    /// twice as often as the one above it, 2^n long strings for n levels.
    fn too_long(&self, what: &str, bytes: usize, at: &Node) -> Option<Value> {
        if bytes <= MAX_TEXT_BYTES {
            return self.charge(bytes / COPY_BYTES_PER_STEP, at);
        }
        let msg = format!(
            "{what} would build {bytes} bytes of text, more than {MAX_TEXT_BYTES} \
             (limit MAX_TEXT_BYTES)"
        );
        diag(self, UnknownCode::EP902, msg.clone(), at);
        Some(self.unknown(msg, at))
    }

    fn resolve_or_null(&self, n: &Node) -> Value {
        self.resolve(n).unwrap_or(Value::Null)
    }

    fn args<'n>(&self, arg: &'n Node) -> &'n [Node] {
        match &arg.kind {
            NodeKind::Seq(items) => items,
            _ => std::slice::from_ref(arg),
        }
    }

    fn intrinsic(&self, name: &str, arg: &Node, at: &Node) -> Option<Value> {
        let depth = self.depth.get();
        if depth >= MAX_RESOLVE_DEPTH {
            return Some(self.unknown("references nest too deeply (a reference cycle?)", at));
        }
        self.depth.set(depth + 1);
        let out = self.intrinsic_inner(name, arg, at);
        self.depth.set(depth);
        out
    }

    fn intrinsic_inner(&self, name: &str, arg: &Node, at: &Node) -> Option<Value> {
        Some(match name {
            "Ref" => return self.ref_(arg, at),
            "Fn::GetAtt" => self.get_att(arg, at),
            "Fn::Sub" => self.sub(arg, at),
            "Fn::Join" => self.join(arg, at),
            "Fn::Select" => self.select(arg, at),
            "Fn::Split" => self.split(arg, at),
            "Fn::If" => return self.if_(arg, at),
            "Fn::FindInMap" => self.find_in_map(arg, at),
            "Fn::GetAZs" => {
                let region = self.resolve_or_null(arg);
                let region = match region {
                    Value::Str(s) if !s.is_empty() => s,
                    _ => "AWS::Region".to_string(),
                };
                Value::symbol(Symbol::Attr {
                    resource: Ident::new("Fn::GetAZs"),
                    attribute: region,
                })
            }
            "Fn::Cidr" => self.cidr(arg, at),
            "Fn::Base64" => self.resolve_or_null(arg),
            "Fn::ImportValue" => self.import(arg, at),
            "Fn::Length" => match self.resolve_or_null(arg) {
                Value::List(items) => Value::Number(items.len().to_string()),
                Value::Unknown(u) => Value::Unknown(u),
                _ => self.unknown("Fn::Length of a value that is not a known list", at),
            },
            "Fn::ToJsonString" => {
                let v = self.resolve_or_null(arg);
                match (&v, to_json(&v)) {
                    (Value::Unknown(_), _) => v,
                    (_, Some(j)) => Value::Str(j.to_string()),
                    _ => self.unknown("Fn::ToJsonString of a value known only at deploy time", at),
                }
            }
            "Fn::Equals" | "Fn::And" | "Fn::Or" | "Fn::Not" | "Condition" => {
                match self.eval_cond_fn(name, arg, at) {
                    Cond::True => Value::Bool(true),
                    Cond::False => Value::Bool(false),
                    Cond::Unknown(u) => Value::Unknown(u),
                }
            }
            other => self.unknown(format!("unsupported intrinsic function {other}"), at),
        })
    }

    fn ref_(&self, arg: &Node, at: &Node) -> Option<Value> {
        let Some(name) = arg.as_str() else {
            return Some(self.unknown("Ref of something that is not a name", at));
        };
        if name == "AWS::NoValue" {
            return None;
        }
        Some(self.ref_name(name, at))
    }

    fn ref_name(&self, name: &str, at: &Node) -> Value {
        if let Some(p) = pseudo(name) {
            return Value::symbol(Symbol::Pseudo(p));
        }
        if let Some(v) = self.params.get(name) {
            return self.copied(v, at);
        }
        if self.resource_node(name).is_some() {
            return Value::symbol(Symbol::Ref(self.id_of(name)));
        }
        self.unknown(
            format!("Ref to {name}, which is neither a parameter nor a resource of this template"),
            at,
        )
    }

    fn get_att(&self, arg: &Node, at: &Node) -> Value {
        let (res, attr) = match &arg.kind {
            NodeKind::Scalar { text, .. } => match text.split_once('.') {
                Some((r, a)) => (r.to_string(), self_str(a)),
                None => return self.unknown("Fn::GetAtt needs Resource.Attribute", at),
            },
            NodeKind::Seq(items) if items.len() == 2 => {
                let r = items[0].as_str().map(str::to_string);
                let a = self.resolve_or_null(&items[1]);
                match (r, literal_string(&a)) {
                    (Some(r), Some(a)) => (r, a),
                    _ => {
                        return self
                            .unknown("Fn::GetAtt with an attribute known only at deploy time", at)
                    }
                }
            }
            _ => return self.unknown("Fn::GetAtt needs [Resource, Attribute]", at),
        };
        self.attribute(&res, &attr, at)
    }

    /// The value of `!GetAtt res.attr`.
    pub(crate) fn attribute(&self, res: &str, attr: &str, at: &Node) -> Value {
        let Some(type_name) = self.resource_type(res) else {
            return self.unknown(
                format!("Fn::GetAtt names {res}, which is not a resource of this template"),
                at,
            );
        };
        let id = self.id_of(res);
        if is_custom(type_name) {
            return self.unknown(
                format!("custom resource attribute {res}.{attr} is known only at deploy time"),
                at,
            );
        }
        if type_name == "AWS::CloudFormation::Stack" {
            if let Some(output) = attr.strip_prefix("Outputs.") {
                return self.nested_output(res, output, at);
            }
        }
        if type_name == "AWS::EC2::VPC" && attr == "DefaultSecurityGroup" {
            return Value::symbol(Symbol::Ref(Ident::default_security_group_of(&id)));
        }
        if type_name == "AWS::EC2::VPC" && attr == "DefaultNetworkAcl" {
            return Value::symbol(Symbol::Ref(Ident::default_network_acl_of(&id)));
        }
        if is_self_id(type_name, attr) {
            return Value::symbol(Symbol::Ref(id));
        }
        if let Some(prop) = property_attr(type_name, attr) {
            if let Some(node) = self
                .resource_node(res)
                .and_then(|r| r.get("Properties"))
                .and_then(|p| p.get(prop))
            {
                if let Some(v) = self.resolve(node) {
                    return v;
                }
            }
        }
        Value::symbol(Symbol::Attr {
            resource: id,
            attribute: attr.to_string(),
        })
    }

    fn nested_output(&self, res: &str, output: &str, at: &Node) -> Value {
        match self.nested_stack(res) {
            Some(child) => match child.outputs.get(output) {
                Some(v) => self.copied(v, at),
                None => self.unknown(format!("nested stack {res} has no output {output}"), at),
            },
            None => self.unknown(
                format!("output {output} of nested stack {res}, which is not in the scan"),
                at,
            ),
        }
    }

    fn sub(&self, arg: &Node, at: &Node) -> Value {
        let (template, vars) = match &arg.kind {
            NodeKind::Scalar { text, .. } => (text.as_str(), None),
            NodeKind::Seq(items) if items.len() == 2 => match items[0].as_str() {
                Some(t) => (t, Some(&items[1])),
                None => return self.unknown("Fn::Sub needs a template string", at),
            },
            _ => return self.unknown("Fn::Sub needs a string or [string, {vars}]", at),
        };
        let mut pieces: Vec<Piece> = Vec::new();
        let lit = |s: String| Piece::Part(Part::Lit(s));
        let text = |pieces: &mut Vec<Piece>, s: &str| match self.dynamic_refs(s, at) {
            Some(p) => pieces.extend(p),
            None => pieces.push(lit(s.to_string())),
        };
        let mut rest = template;
        while let Some(start) = rest.find("${") {
            text(&mut pieces, &rest[..start]);
            let after = &rest[start + 2..];
            let Some(end) = after.find('}') else {
                pieces.push(lit(rest[start..].to_string()));
                rest = "";
                break;
            };
            let var = &after[..end];
            rest = &after[end + 1..];
            if let Some(l) = var.strip_prefix('!') {
                pieces.push(lit(format!("${{{l}}}")));
                continue;
            }
            let var = var.trim();
            let value = match vars.and_then(|v| v.get(var)) {
                Some(n) => self.resolve_or_null(n),
                None => match var.split_once('.') {
                    Some((r, a)) if pseudo(var).is_none() => self.attribute(r, a, at),
                    _ => self.ref_name(var, at),
                },
            };
            match value {
                Value::Unknown(u) => pieces.push(Piece::Unknown(named_hole(u, var))),
                v => match string_parts(&v) {
                    Some(p) => pieces.extend(p.into_iter().map(Piece::Part)),
                    None => pieces.push(Piece::Unknown(Unknown::new(
                        format!("Fn::Sub variable {var} is not a string"),
                        Some(self.span(at)),
                    ))),
                },
            }
        }
        text(&mut pieces, rest);
        let bytes = pieces
            .iter()
            .map(|p| match p {
                Piece::Part(Part::Lit(s)) => s.len(),
                _ => 1,
            })
            .fold(0, usize::saturating_add);
        if let Some(u) = self.too_long("Fn::Sub", bytes, at) {
            return u;
        }
        // A JSON document (policy, pipeline definition) with an unresolved variable: keep the
        // document, with the unknown where the variable was. Otherwise the string is unknown,
        // with what is known of it (`arn:aws:s3:::data-${Env}-*`).
        if pieces.iter().any(|p| matches!(p, Piece::Unknown(_))) {
            if let Ok(document) = json_text::parse(&pieces) {
                return document;
            }
        }
        pieces_value(pieces)
    }

    /// Dynamic references (`{{resolve:ssm:name}}`) in `text`, as pieces; `None` when it has
    /// none. CloudFormation reads them at deploy time: an SSM parameter that a template of the
    /// scan writes has that template's value, anything else (another parameter, a pinned
    /// version, a SecureString, a secret) is an unknown naming what is read.
    fn dynamic_refs(&self, text: &str, at: &Node) -> Option<Vec<Piece>> {
        const OPEN: &str = "{{resolve:";
        if !has_dynamic_ref(text) {
            return None;
        }
        let mut pieces = Vec::new();
        let mut rest = text;
        while let Some(start) = rest.find(OPEN) {
            pieces.push(Piece::Part(Part::Lit(rest[..start].to_string())));
            let after = &rest[start + OPEN.len()..];
            let Some(end) = after.find("}}") else {
                pieces.push(Piece::Part(Part::Lit(rest[start..].to_string())));
                return Some(pieces);
            };
            rest = &after[end + 2..];
            let reference = &after[..end];
            let value = self.dynamic_ref(reference, at);
            match string_parts(&value) {
                Some(parts) => pieces.extend(parts.into_iter().map(Piece::Part)),
                None => pieces.push(Piece::Unknown(match value {
                    Value::Unknown(u) => u,
                    other => Unknown::new(
                        format!(
                            "{{{{resolve:{reference}}}}} is not a string: {}",
                            other.render()
                        ),
                        Some(self.span(at)),
                    ),
                })),
            }
        }
        pieces.push(Piece::Part(Part::Lit(rest.to_string())));
        Some(pieces)
    }

    /// One dynamic reference: `service:rest` of `{{resolve:service:rest}}`.
    fn dynamic_ref(&self, reference: &str, at: &Node) -> Value {
        let (service, rest) = reference.split_once(':').unwrap_or((reference, ""));
        let name = match rest.strip_prefix("arn:") {
            Some(_) => rest.split_once(":parameter").map_or(rest, |(_, n)| n),
            None => rest,
        };
        let (name, version) = match name.rsplit_once(':') {
            Some((n, v)) if rest.starts_with("arn:") || !n.is_empty() => (n, Some(v)),
            _ => (name, None),
        };
        let why = match (service, version) {
            ("ssm", None) => match self.ctx.ssm.get(name) {
                Some(v) => return v.clone(),
                None => format!(
                    "SSM parameter {name} is read at deploy time ({{{{resolve:{reference}}}}}), \
                     and no template of the scan writes it"
                ),
            },
            ("ssm", Some(v)) => format!(
                "version {v} of SSM parameter {name} is read at deploy time \
                 ({{{{resolve:{reference}}}}})"
            ),
            ("ssm-secure", _) => format!(
                "SecureString SSM parameter {name} is read at deploy time \
                 ({{{{resolve:{reference}}}}})"
            ),
            _ => format!("{{{{resolve:{reference}}}}} is read at deploy time"),
        };
        self.unknown(why, at)
    }

    fn join(&self, arg: &Node, at: &Node) -> Value {
        let args = self.args(arg);
        let [delim, list] = args else {
            return self.unknown("Fn::Join needs [delimiter, list]", at);
        };
        let delim = match self.resolve_or_null(delim) {
            v @ Value::Unknown(_) => return v,
            v => literal_string(&v).unwrap_or_default(),
        };
        let items = match self.resolve_or_null(list) {
            Value::List(items) => items,
            v @ Value::Unknown(_) => return v,
            _ => return self.unknown("Fn::Join over a list known only at deploy time", at),
        };
        let item_bytes = items
            .iter()
            .map(|i| match i {
                Value::Str(s) => s.len(),
                _ => 1,
            })
            .fold(0, usize::saturating_add);
        let bytes =
            item_bytes.saturating_add(delim.len().saturating_mul(items.len().saturating_sub(1)));
        if let Some(u) = self.too_long("Fn::Join", bytes, at) {
            return u;
        }
        let mut parts: Vec<Piece> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if i > 0 {
                parts.push(Piece::Part(Part::Lit(delim.clone())));
            }
            match item {
                Value::Unknown(u) => parts.push(Piece::Unknown(u.clone())),
                v => match string_parts(v) {
                    Some(p) => parts.extend(p.into_iter().map(Piece::Part)),
                    None => return self.unknown("Fn::Join of an item that is not a string", at),
                },
            }
        }
        // An unresolved item makes the string unknown, with what is known of it.
        pieces_value(parts)
    }

    fn index(&self, n: &Node) -> Result<usize, Value> {
        match self.resolve_or_null(n) {
            Value::Unknown(u) => Err(Value::Unknown(u)),
            v => literal_string(&v)
                .and_then(|s| s.trim().parse::<usize>().ok())
                .ok_or_else(|| self.unknown("Fn::Select index is not a number", n)),
        }
    }

    fn select(&self, arg: &Node, at: &Node) -> Value {
        let [idx, list] = self.args(arg) else {
            return self.unknown("Fn::Select needs [index, list]", at);
        };
        let i = match self.index(idx) {
            Ok(i) => i,
            Err(v) => return v,
        };
        match self.resolve_or_null(list) {
            Value::List(items) => match items.into_iter().nth(i) {
                Some(v) => v,
                None => self.unknown(format!("Fn::Select index {i} is out of range"), at),
            },
            v @ Value::Unknown(_) => v,
            v => match v.as_symbol() {
                Some(Symbol::Attr {
                    resource,
                    attribute,
                }) => Value::symbol(Symbol::Attr {
                    resource: resource.clone(),
                    attribute: format!("{attribute}[{i}]"),
                }),
                _ => self.unknown("Fn::Select from a value that is not a list", at),
            },
        }
    }

    fn split(&self, arg: &Node, at: &Node) -> Value {
        let [sep, source] = self.args(arg) else {
            return self.unknown("Fn::Split needs [delimiter, string]", at);
        };
        let sep = match self.resolve_or_null(sep) {
            v @ Value::Unknown(_) => return v,
            v => match literal_string(&v) {
                Some(s) if !s.is_empty() => s,
                _ => return self.unknown("Fn::Split delimiter is not a string", at),
            },
        };
        match self.resolve_or_null(source) {
            Value::Str(s) => Value::List(s.split(sep.as_str()).map(Value::from).collect()),
            v @ Value::Unknown(_) => v,
            v => match v.as_symbol() {
                // A single deploy-time value: the pieces cannot be known, but they still come
                // from that resource, which is what the analysis needs to follow a route.
                Some(Symbol::Attr {
                    resource,
                    attribute,
                }) => Value::symbol(Symbol::Attr {
                    resource: resource.clone(),
                    attribute: format!("{attribute}|split"),
                }),
                Some(Symbol::Ref(id)) => Value::symbol(Symbol::Attr {
                    resource: id.clone(),
                    attribute: "Ref|split".to_string(),
                }),
                _ => self.unknown("Fn::Split of a string known only at deploy time", at),
            },
        }
    }

    fn if_(&self, arg: &Node, at: &Node) -> Option<Value> {
        let [cond, then, otherwise] = self.args(arg) else {
            return Some(self.unknown("Fn::If needs [condition, then, else]", at));
        };
        let Some(cond_name) = cond.as_str() else {
            return Some(self.unknown("Fn::If needs a condition name", at));
        };
        match self.condition(cond_name, cond) {
            Cond::True => self.resolve(then),
            Cond::False => self.resolve(otherwise),
            Cond::Unknown(u) => {
                // Both branches agreeing makes the choice irrelevant.
                let a = self.resolve(then);
                let b = self.resolve(otherwise);
                match (&a, &b) {
                    (Some(x), Some(y)) if x == y => a,
                    (None, None) => None,
                    _ => Some(Value::Unknown(Unknown::new(
                        format!("Fn::If on condition {cond_name}: {}", u.reason),
                        Some(self.span(at)),
                    ))),
                }
            }
        }
    }

    fn find_in_map(&self, arg: &Node, at: &Node) -> Value {
        let args = self.args(arg);
        if args.len() < 3 {
            return self.unknown("Fn::FindInMap needs [map, key, key]", at);
        }
        let Some(mappings) = self.tpl.root.get("Mappings") else {
            return self.unknown("Fn::FindInMap without Mappings", at);
        };
        let keys: Vec<Value> = args[..3].iter().map(|a| self.resolve_or_null(a)).collect();
        // AWS::LanguageExtensions: `[map, key, key, {DefaultValue: v}]` gives v when the keys
        // are not in the mapping.
        let default = args.get(3).and_then(|d| d.get("DefaultValue"));
        let map = match literal_string(&keys[0]).and_then(|k| mappings.get(&k).map(|m| (k, m))) {
            Some((_, m)) => m,
            None => match default {
                Some(d) => return self.resolve_or_null(d),
                None => return self.unknown("Fn::FindInMap names a mapping that is not there", at),
            },
        };
        let second = literal_string(&keys[2]);
        match literal_string(&keys[1]) {
            Some(top) => {
                let missing = match (map.get(&top), &second) {
                    (Some(t), Some(s)) => match t.get(s) {
                        Some(n) => return self.resolve_or_null(n),
                        None => format!("Fn::FindInMap key {s} is not in the mapping"),
                    },
                    (None, _) => format!("Fn::FindInMap key {top} is not in the mapping"),
                    (Some(_), None) => {
                        return self.unknown("Fn::FindInMap key known only at deploy time", at)
                    }
                };
                match default {
                    Some(d) => self.resolve_or_null(d),
                    None => self.unknown(missing, at),
                }
            }
            None if default.is_some() => {
                // Either an entry's value or the default (a key not in the mapping): known only
                // when they are all the same.
                self.unknown(
                    format!(
                        "Fn::FindInMap key {} is known only at deploy time",
                        keys[1].render()
                    ),
                    at,
                )
            }
            None => {
                // The top key is known only at deploy time (usually AWS::Region): the value is
                // still known when every entry gives the same one.
                let Some(second) = second else {
                    return self.unknown("Fn::FindInMap key known only at deploy time", at);
                };
                let mut found: Option<Value> = None;
                for (_, entry) in map.entries() {
                    let v = entry.get(&second).map(|n| self.resolve_or_null(n));
                    match (&found, v) {
                        (_, None) => {
                            return self.unknown("Fn::FindInMap key known only at deploy time", at)
                        }
                        (None, Some(v)) => found = Some(v),
                        (Some(f), Some(v)) if *f == v => {}
                        _ => {
                            return self.unknown(
                                format!(
                                    "Fn::FindInMap key {} is known only at deploy time",
                                    keys[1].render()
                                ),
                                at,
                            )
                        }
                    }
                }
                found.unwrap_or_else(|| self.unknown("Fn::FindInMap over an empty mapping", at))
            }
        }
    }

    fn cidr(&self, arg: &Node, at: &Node) -> Value {
        let [block, count, bits] = self.args(arg) else {
            return self.unknown("Fn::Cidr needs [ipBlock, count, cidrBits]", at);
        };
        let vals = [block, count, bits].map(|n| self.resolve_or_null(n));
        if let Some(u) = vals.iter().find_map(Value::first_unknown) {
            return Value::Unknown(u.clone());
        }
        let (Some(block), Some(count), Some(bits)) = (
            literal_string(&vals[0]).and_then(|s| s.parse::<ipnet::IpNet>().ok()),
            literal_string(&vals[1]).and_then(|s| s.parse::<u32>().ok()),
            literal_string(&vals[2]).and_then(|s| s.parse::<u8>().ok()),
        ) else {
            return self.unknown("Fn::Cidr of a block known only at deploy time", at);
        };
        let max = block.max_prefix_len();
        let Some(new_prefix) = max.checked_sub(bits) else {
            return self.unknown("Fn::Cidr cidrBits larger than the address", at);
        };
        if count == 0 || count > 256 {
            return self.unknown(
                format!("Fn::Cidr count {count} is outside 1 to 256, CloudFormation's limit"),
                at,
            );
        }
        if new_prefix < block.prefix_len() {
            return self.unknown("Fn::Cidr cannot split the block that way", at);
        }
        let Ok(subnets) = block.subnets(new_prefix) else {
            return self.unknown("Fn::Cidr cannot split the block that way", at);
        };
        let out: Vec<Value> = subnets
            .take(count as usize)
            .map(|n| Value::Str(n.to_string()))
            .collect();
        if out.len() < count as usize {
            return self.unknown("Fn::Cidr asks for more blocks than fit", at);
        }
        Value::List(out)
    }

    fn import(&self, arg: &Node, at: &Node) -> Value {
        match self.resolve_or_null(arg) {
            v @ Value::Unknown(_) => v,
            name => match self.ctx.exports.get(&name.render()) {
                Some(v) => {
                    self.uses
                        .borrow_mut()
                        .push(egressproof_model::SharedName::Export(name.render()));
                    v.clone()
                }
                None => self.unknown(
                    format!(
                        "Fn::ImportValue {}: no template in the scan exports it",
                        name.render()
                    ),
                    at,
                ),
            },
        }
    }

    /// The named condition, memoised; cycles and unknown names are unknown.
    pub fn condition(&self, name: &str, at: &Node) -> Cond {
        if let Some(c) = self.conds.borrow().get(name) {
            return c.clone();
        }
        let Some(node) = self.tpl.root.get("Conditions").and_then(|c| c.get(name)) else {
            return Cond::Unknown(Unknown::new(
                format!("condition {name} is not defined"),
                Some(self.span(at)),
            ));
        };
        if !self.cond_busy.borrow_mut().insert(name.to_string()) {
            return Cond::Unknown(Unknown::new(
                format!("condition {name} refers to itself"),
                Some(self.span(at)),
            ));
        }
        let c = self.eval_cond(node);
        self.cond_busy.borrow_mut().remove(name);
        self.conds.borrow_mut().insert(name.to_string(), c.clone());
        c
    }

    fn eval_cond(&self, n: &Node) -> Cond {
        match &n.kind {
            NodeKind::Map(entries) if entries.len() == 1 => {
                let (k, arg) = &entries[0];
                self.eval_cond_fn(&k.name, arg, n)
            }
            NodeKind::Tagged(tag, inner) => {
                let name = if tag == "Condition" {
                    "Condition".to_string()
                } else {
                    format!("Fn::{tag}")
                };
                self.eval_cond_fn(&name, inner, n)
            }
            _ => match self.resolve_or_null(n) {
                Value::Bool(b) => Cond::from_bool(b),
                Value::Str(s) if s == "true" => Cond::True,
                Value::Str(s) if s == "false" => Cond::False,
                Value::Unknown(u) => Cond::Unknown(u),
                _ => Cond::Unknown(Unknown::new(
                    "condition is not a condition function",
                    Some(self.span(n)),
                )),
            },
        }
    }

    fn eval_cond_fn(&self, name: &str, arg: &Node, at: &Node) -> Cond {
        let unknown = |reason: String| Cond::Unknown(Unknown::new(reason, Some(self.span(at))));
        match name {
            "Condition" => match arg.as_str() {
                Some(c) => self.condition(c, arg),
                None => unknown("Condition needs a name".into()),
            },
            "Fn::Equals" => {
                let [a, b] = self.args(arg) else {
                    return unknown("Fn::Equals needs two values".into());
                };
                let (a, b) = (self.resolve_or_null(a), self.resolve_or_null(b));
                for v in [&a, &b] {
                    if let Some(u) = v.first_unknown() {
                        return Cond::Unknown(u.clone());
                    }
                }
                if is_literal(&a) && is_literal(&b) {
                    Cond::from_bool(literal_eq(&a, &b))
                } else {
                    unknown(format!(
                        "Fn::Equals compares {} with {}, known only at deploy time",
                        a.render(),
                        b.render()
                    ))
                }
            }
            "Fn::Not" => match self.args(arg) {
                [c] => match self.eval_cond(c) {
                    Cond::True => Cond::False,
                    Cond::False => Cond::True,
                    u => u,
                },
                _ => unknown("Fn::Not needs one condition".into()),
            },
            "Fn::And" | "Fn::Or" => {
                let is_and = name == "Fn::And";
                let mut first_unknown = None;
                for c in self.args(arg) {
                    match (self.eval_cond(c), is_and) {
                        (Cond::False, true) => return Cond::False,
                        (Cond::True, false) => return Cond::True,
                        (Cond::Unknown(u), _) => {
                            first_unknown.get_or_insert(u);
                        }
                        _ => {}
                    }
                }
                match first_unknown {
                    Some(u) => Cond::Unknown(u),
                    None => Cond::from_bool(is_and),
                }
            }
            other => unknown(format!("{other} is not a condition function")),
        }
    }

    /// The nested stack `logical`, loaded once; `None` when it is not a local template.
    pub fn nested_stack(&self, logical: &str) -> Option<Rc<StackResult>> {
        if let Some(r) = self.nested.borrow().get(logical) {
            return r.clone();
        }
        // Mark as in progress: a cycle through outputs resolves to "not available".
        self.nested.borrow_mut().insert(logical.to_string(), None);
        let result = crate::nested::load_nested(self, logical).map(Rc::new);
        self.nested
            .borrow_mut()
            .insert(logical.to_string(), result.clone());
        result
    }

    /// A value given to a `List<>` or `CommaDelimitedList` parameter of a nested stack as one
    /// string (`!Join [',', [!Ref A, !Ref B]]`, a child's output): CloudFormation splits it at
    /// the commas and trims each item. Deploy-time parts stay whole inside their item when their
    /// value cannot hold a comma (an EC2 resource's ID, a pseudo parameter); otherwise the list
    /// is an unknown.
    pub(crate) fn split_joined(&self, v: Value, at: &Node) -> Value {
        let parts = match v {
            Value::Str(s) => return split_list(&s),
            Value::Text(parts) => parts,
            other => return other,
        };
        let mut items: Vec<Vec<Part>> = vec![Vec::new()];
        for part in parts {
            match part {
                Part::Lit(s) => {
                    for (i, piece) in s.split(',').enumerate() {
                        if i > 0 {
                            items.push(Vec::new());
                        }
                        if let Some(item) = items.last_mut() {
                            item.push(Part::Lit(piece.to_string()));
                        }
                    }
                }
                Part::Sym(sym) => {
                    if !self.comma_free(&sym) {
                        return self.unknown(
                            format!(
                                "a list parameter is given one string holding {sym}, whose value \
                                 may hold commas: its items are not known"
                            ),
                            at,
                        );
                    }
                    if let Some(item) = items.last_mut() {
                        item.push(Part::Sym(sym));
                    }
                }
            }
        }
        Value::List(items.into_iter().map(trimmed).collect())
    }

    /// Whether a deploy-time value cannot hold a comma.
    fn comma_free(&self, sym: &Symbol) -> bool {
        let (id, attr) = match sym {
            Symbol::Pseudo(p) => return *p != Pseudo::NotificationArns,
            Symbol::Ref(id) => (id, None),
            Symbol::Attr {
                resource,
                attribute,
            } => (resource, Some(attribute.as_str())),
        };
        let Some(type_name) = self.type_of(id) else {
            return false;
        };
        match attr {
            None => type_name.starts_with("AWS::EC2::"),
            Some(a) => is_self_id(&type_name, a),
        }
    }

    /// The type of a resource of this stack or of a stack it nests, by model ID.
    fn type_of(&self, id: &Ident) -> Option<String> {
        let rest = id.as_str().strip_prefix(self.prefix.as_str())?;
        match rest.split_once('/') {
            None => self.resource_type(rest).map(str::to_string),
            Some((stack, _)) => {
                let child = self.nested_stack(stack)?;
                if self
                    .charge(child.model.resources.len(), &self.tpl.root)
                    .is_some()
                {
                    return None;
                }
                child
                    .model
                    .resources
                    .iter()
                    .find(|r| r.id == *id)
                    .map(|r| r.type_name.clone())
            }
        }
    }

    pub fn at_nesting_limit(&self) -> bool {
        self.chain.len() >= MAX_NESTING
    }
}

/// Nodes of a tree (for the work bound of its resolution).
fn node_count(root: &Node) -> usize {
    let mut n: usize = 0;
    let mut todo = vec![root];
    while let Some(node) = todo.pop() {
        n = n.saturating_add(1);
        match &node.kind {
            NodeKind::Scalar { .. } => {}
            NodeKind::Seq(items) => todo.extend(items),
            NodeKind::Map(entries) => todo.extend(entries.iter().map(|(_, v)| v)),
            NodeKind::Tagged(_, inner) => todo.push(inner),
        }
    }
    n
}

/// Elements of a value (for the work of copying it).
fn value_size(v: &Value) -> usize {
    let mut n: usize = 0;
    let mut todo = vec![v];
    while let Some(v) = todo.pop() {
        n = n.saturating_add(1);
        match v {
            Value::List(items) => todo.extend(items),
            Value::Map(m) => todo.extend(m.values()),
            Value::Text(parts) => n = n.saturating_add(parts.len()),
            _ => {}
        }
    }
    n
}

fn self_str(s: &str) -> String {
    s.to_string()
}

/// Whether `text` holds `{{resolve:`. Every scalar resolved is checked, and references fan out
/// (a long string read again at each reference), so the check runs at memory speed: a search
/// for one byte (`str::find` of a char is a `memchr`), then a look at what follows each `{`.
fn has_dynamic_ref(text: &str) -> bool {
    let mut rest = text;
    while let Some(at) = rest.find('{') {
        rest = &rest[at + 1..];
        if rest.starts_with("{resolve:") {
            return true;
        }
    }
    false
}

/// Pieces of text as a value: the text, or the first unknown with what is known around it.
fn pieces_value(pieces: Vec<Piece>) -> Value {
    match json_text::string_of(pieces) {
        Ok(parts) => Value::text(parts),
        Err(u) => Value::Unknown(u),
    }
}

/// A fully literal value as JSON (for `Fn::ToJsonString`).
fn to_json(v: &Value) -> Option<serde_json::Value> {
    Some(match v {
        Value::Null => serde_json::Value::Null,
        Value::Bool(b) => serde_json::Value::Bool(*b),
        Value::Number(n) => serde_json::from_str(n).ok()?,
        Value::Str(s) => serde_json::Value::String(s.clone()),
        Value::List(items) => {
            serde_json::Value::Array(items.iter().map(to_json).collect::<Option<_>>()?)
        }
        Value::Map(m) => serde_json::Value::Object(
            m.iter()
                .map(|(k, v)| Some((k.clone(), to_json(v)?)))
                .collect::<Option<_>>()?,
        ),
        Value::Text(_) | Value::Unknown(_) => return None,
    })
}

/// A diagnostic at a node.
pub(crate) fn diag(stack: &Stack<'_>, code: UnknownCode, msg: impl Into<String>, n: &Node) {
    stack
        .diags
        .borrow_mut()
        .push(Diagnostic::new(code, msg, Some(stack.span(n))));
}

/// A diagnostic at a node behind which a template was not read (a nested stack outside the
/// scan, a macro's output): resources of any type may stand behind it, so scope keeps its
/// environment.
pub(crate) fn diag_hiding(stack: &Stack<'_>, code: UnknownCode, msg: impl Into<String>, n: &Node) {
    stack
        .diags
        .borrow_mut()
        .push(Diagnostic::hiding(code, msg, Some(stack.span(n))));
}
