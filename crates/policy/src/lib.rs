//! The IAM policy language, evaluated symbolically.
//!
//! A policy is parsed once ([`parse`]) from the model's [`Value`] (a map, or JSON text with
//! symbolic parts such as `${AWS::AccountId}`). The symbolic engine ([`PolicySet::evaluate`])
//! answers, for an action and a question ("from outside the corporate network"), one of three
//! things: allowed for certain (with a request context that gets through), denied in every
//! context, or undecided (EP902: an unresolved value; EP903: a key or construct not modelled).
//! Undecided is never read as denied. The concrete evaluator ([`concrete::is_allowed`]) decides
//! one request and is the oracle of the property tests.
//!
//! ```
//! use egressproof_policy::{parse, Answer, PolicySet, cond::{Cond, Condition, Op, SetOp}};
//! use egressproof_model::Value;
//! let p = parse(&Value::from(r#"{"Statement":[
//!     {"Effect":"Allow","Action":"sagemaker:*","Resource":"*"},
//!     {"Effect":"Deny","Action":"sagemaker:CreatePresigned*","Resource":"*",
//!      "Condition":{"NotIpAddress":{"aws:SourceIp":"203.0.113.0/24"}}}]}"#)).unwrap();
//! let set = PolicySet { identity: vec![&p], ..Default::default() };
//! // From anywhere but the corporate network (through an endpoint there is no source IP, and
//! // NotIpAddress on an absent key is true: the deny applies there too).
//! let outside = vec![Cond::Test(Condition { op: Op::NotIpAddress, set: SetOp::Single,
//!     if_exists: true, key: "aws:sourceip".into(), values: vec!["203.0.113.0/24".into()] })];
//! assert_eq!(set.evaluate("sagemaker:CreatePresignedDomainUrl", &[outside]), Answer::Denied);
//! ```
//!
//! Architecture invariant: this crate knows IAM and the model's values, nothing of templates or
//! rules; it never reads files.

pub mod concrete;
pub mod cond;
pub mod glob;
mod holes;
pub mod managed;
pub mod parse;
pub mod sagemaker_keys;
pub mod symbolic;

pub use parse::{
    parse, Actions, Coverage, Effect, ParseError, Policy, Statement, PRINCIPAL_KEY, RESOURCE_KEY,
};
pub use symbolic::{Answer, PolicySet, Space, Witness};

use cond::{Cond, Condition, Op, Opaque, SetOp};
use egressproof_model::{Pseudo, Symbol, UnknownCode, Value};
use holes::Holes;

/// What the scan counts as "ours": the deploying account (always, as the `AWS::AccountId`
/// symbol), account IDs and organization IDs the user or the templates name, and the buckets
/// the scan creates.
#[derive(Clone, Debug, Default)]
pub struct Ours {
    pub accounts: Vec<String>,
    pub orgs: Vec<String>,
    /// Bucket names: literal, with symbols (`data-${AWS::AccountId}`, `${Bucket}` for the name
    /// a `Ref` gives), or unknown with what is known of them (`${ProjectName}-data`).
    pub buckets: Vec<Value>,
    /// Bucket ARNs as a template writes them by reference (`!GetAtt Bucket.Arn`).
    pub arns: Vec<Value>,
}

impl Ours {
    /// Our accounts as rendered values, the deploying account's symbol included.
    fn account_values(&self) -> Vec<String> {
        let mut v = vec![Value::symbol(Symbol::Pseudo(Pseudo::AccountId)).render()];
        v.extend(self.accounts.iter().cloned());
        v
    }
}

/// The answer to "can data get out through this policy?". Three answers, never two.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exposure {
    /// No request context gets through.
    Closed,
    /// Some request context gets through; `context` describes one ("principal of another
    /// account, bucket of another account").
    Open { context: String },
    /// Could not decide: `code` is EP902 (unresolved value) or EP903 (unmodelled condition key).
    Undecided { code: UnknownCode, reason: String },
}

fn test(op: Op, key: &str, values: Vec<String>) -> Cond {
    Cond::Test(Condition {
        op,
        set: SetOp::Single,
        if_exists: false,
        key: key.to_string(),
        values,
    })
}

/// The question's origin: requests that come through the endpoint whose policy this is.
fn through_endpoint() -> Cond {
    test(Op::Null, symbolic::SOURCE_VPCE, vec!["false".into()])
}

/// EP301: through an S3 endpoint with this policy (`None`: AWS's default full-access policy),
/// can a write reach a bucket outside our account or organization?
///
/// A bucket is ours when its account is ours (`aws:ResourceAccount`), its organization is ours
/// (`aws:ResourceOrgID`: `ours.orgs`, and any organization ID the policy itself names, which
/// the policy's author evidently counts as theirs), it is a bucket of the scan (by name or by
/// reference), or the policy names it exactly ([`exact_buckets`]: one bucket, taken as ours; the
/// caller states the assumption). A bucket-name wildcard (`arn:aws:s3:::*sagemaker*`) names
/// buckets anyone can create.
///
/// Names with unresolved parts are decided where the parts do not matter: an exact name is one
/// bucket whatever its parts are, and `arn:aws:s3:::ds-data-${Env}-*` admits a bucket of
/// another account whatever `Env` is (the trailing `*` is free, and bucket names are global).
pub fn s3_foreign_write(policy: Option<&Value>, ours: &Ours) -> Exposure {
    let Some(doc) = policy else {
        return Exposure::Open {
            context: "default endpoint policy: any principal, any bucket".into(),
        };
    };
    let doc = match parse::as_document(doc) {
        Ok(d) => d,
        Err(e) => return undecided_from_parse(&e),
    };
    let p = match parse(&doc) {
        Ok(p) => p,
        Err(e) => return undecided_from_parse(&e),
    };
    let orgs = our_orgs(&p, ours);
    let mut holes = Holes::default();
    let mut our_arns: Vec<String> = Vec::new();
    for b in &ours.buckets {
        if let Some(name) = holes.text(b) {
            our_arns.push(format!("arn:aws:s3:::{name}"));
            our_arns.push(format!("arn:aws:s3:::{name}/*"));
        }
    }
    for a in &ours.arns {
        if let Some(arn) = holes.text(a) {
            our_arns.push(format!("{arn}/*"));
            our_arns.push(arn);
        }
    }
    for (prefix, name) in exact_bucket_arns(&doc, &mut holes) {
        our_arns.push(format!("{prefix}{name}"));
        our_arns.push(format!("{prefix}{name}/*"));
    }
    // Statements that allow only our buckets say nothing about foreign ones, whatever their
    // unresolved parts are: the question excludes those buckets anyway.
    let doc = without_ours(&doc, &our_arns, &mut holes);
    let p = match parse(&doc) {
        Ok(p) => p,
        Err(e) => return undecided_from_parse(&e),
    };
    let question = |generic: bool| {
        let ours_known: Vec<String> = our_arns
            .iter()
            .filter(|a| generic || !a.chars().any(holes::is_token))
            .cloned()
            .collect();
        let mut block = vec![
            through_endpoint(),
            test(Op::Null, "aws:resourceaccount", vec!["false".into()]),
            test(
                Op::StringNotEquals,
                "aws:resourceaccount",
                ours.account_values(),
            ),
            test(Op::StringNotEquals, "aws:resourceorgid", orgs.clone()),
            test(Op::StringNotLike, RESOURCE_KEY, ours_known.clone()),
        ];
        if ours_known.len() < our_arns.len() {
            // Not one of our buckets whose names have unresolved parts: unknown here.
            block.push(Cond::Opaque(Opaque::new(
                UnknownCode::EP902,
                "a bucket of the scan has a name with parts known only at deploy time",
                None,
            )));
        }
        vec![block]
    };
    let set = PolicySet {
        identity: vec![&p],
        ..Default::default()
    };
    let action = "s3:PutObject";
    let answer = set.evaluate(action, &question(false));
    if let Answer::Undecided { .. } = answer {
        if let Some(open) = open_whatever_the_holes(&doc, &question(true), &mut holes, action) {
            return open;
        }
    }
    exposure(answer, action)
}

/// The bucket names a policy's Allow statements write exactly (no wildcard in the name;
/// unresolved parts shown as `${Name}`): one bucket each, which [`s3_foreign_write`] takes as
/// ours. A caller states that as an assumption for those the scan does not create.
pub fn exact_buckets(policy: &Value) -> Vec<String> {
    let Ok(doc) = parse::as_document(policy) else {
        return Vec::new();
    };
    let mut holes = Holes::default();
    let mut out: Vec<String> = exact_bucket_arns(&doc, &mut holes)
        .into_iter()
        .map(|(_, name)| holes.show(&name))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// The Allow statements of a document (a map, or a list of them).
fn statements_of(doc: &Value) -> Vec<&Value> {
    match doc.get("Statement") {
        Some(Value::List(items)) => items.iter().collect(),
        Some(one @ Value::Map(_)) => vec![one],
        _ => Vec::new(),
    }
}

/// `(arn:aws:s3:::, name)` for each `Resource` element of an Allow statement that names one
/// bucket exactly (its objects may be a pattern); unresolved parts of the name are tokens.
fn exact_bucket_arns(doc: &Value, holes: &mut Holes) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for s in statements_of(doc) {
        if s.get("Effect").and_then(Value::as_str) != Some("Allow") {
            continue;
        }
        let Some(resources) = s.get("Resource") else {
            continue;
        };
        for r in resources.as_list() {
            let Some(text) = holes.text(r) else { continue };
            let Some(i) = text.find(":s3:::") else {
                continue;
            };
            let (prefix, rest) = text.split_at(i + ":s3:::".len());
            let name = bucket_part(rest);
            let exact = |s: &str| !s.is_empty() && !glob::is_pattern(s);
            if prefix.starts_with("arn:") && exact(prefix) && exact(name) {
                let pair = (prefix.to_string(), name.to_string());
                if !out.contains(&pair) {
                    out.push(pair);
                }
            }
        }
    }
    out
}

/// The bucket name at the start of an S3 resource (up to the first `/` outside a symbol's
/// `${...}`, whose rendering may hold one).
fn bucket_part(rest: &str) -> &str {
    let mut depth = 0usize;
    let mut prev = '\0';
    for (i, c) in rest.char_indices() {
        match c {
            '{' if prev == '$' => depth += 1,
            '}' if depth > 0 => depth -= 1,
            '/' if depth == 0 => return &rest[..i],
            _ => {}
        }
        prev = c;
    }
    rest
}

/// The document with each Allow statement's `Resource` elements that name only our buckets
/// (for every value of their unresolved parts) taken out.
fn without_ours(doc: &Value, our_arns: &[String], holes: &mut Holes) -> Value {
    let mut doc = doc.clone();
    let mut edit = |s: &mut Value| {
        let Value::Map(m) = s else { return };
        if m.get("Effect").and_then(Value::as_str) != Some("Allow") {
            return;
        }
        let Some(resources) = m.get("Resource") else {
            return;
        };
        let kept: Vec<Value> = resources
            .as_list()
            .into_iter()
            .filter(|r| {
                !holes
                    .text(r)
                    .is_some_and(|t| our_arns.iter().any(|q| holes::covers(q, true, &t, true)))
            })
            .cloned()
            .collect();
        m.insert("Resource".into(), Value::List(kept));
    };
    if let Value::Map(d) = &mut doc {
        match d.get_mut("Statement") {
            Some(Value::List(items)) => items.iter_mut().for_each(&mut edit),
            Some(one @ Value::Map(_)) => edit(one),
            _ => {}
        }
    }
    doc
}

/// The document with each `Resource`/`NotResource` element that has unresolved parts written
/// with its holes as tokens: the policy for one generic value of each hole.
fn with_tokens(doc: &Value, holes: &mut Holes) -> Value {
    let mut doc = doc.clone();
    let mut edit = |s: &mut Value| {
        let Value::Map(m) = s else { return };
        for key in ["Resource", "NotResource"] {
            let Some(v) = m.get(key) else { continue };
            let items: Vec<Value> = v
                .as_list()
                .into_iter()
                .map(|r| match r {
                    Value::Unknown(_) => holes.text(r).map(Value::Str).unwrap_or(r.clone()),
                    other => other.clone(),
                })
                .collect();
            m.insert(key.into(), Value::List(items));
        }
    };
    if let Value::Map(d) = &mut doc {
        match d.get_mut("Statement") {
            Some(Value::List(items)) => items.iter_mut().for_each(&mut edit),
            Some(one @ Value::Map(_)) => edit(one),
            _ => {}
        }
    }
    doc
}

/// Whether `action` is allowed through the policy whatever values the unresolved parts of its
/// resources have. The policy is evaluated for one generic value of each hole (its token); the
/// request that gets through is then checked against every resource test, with the holes
/// standing for any value: when each test is decided whatever the values, the same request
/// (with the real values in it) gets through for every value.
fn open_whatever_the_holes(
    doc: &Value,
    question: &[Vec<Cond>],
    holes: &mut Holes,
    action: &str,
) -> Option<Exposure> {
    let generic = with_tokens(doc, holes);
    let p = parse(&generic).ok()?;
    let set = PolicySet {
        identity: vec![&p],
        ..Default::default()
    };
    let Answer::Allowed(w) = set.evaluate(action, question) else {
        return None;
    };
    let resource = w.get(RESOURCE_KEY).unwrap_or(Some(symbolic::OTHER));
    let decided = set
        .conds_for(action)
        .chain(question.iter().flatten())
        .flat_map(Cond::leaves)
        .all(|c| match c {
            Cond::Test(t) if t.key == RESOURCE_KEY => holes::holds_whatever(t, resource).is_some(),
            _ => true,
        });
    if !decided {
        return None;
    }
    match exposure(Answer::Allowed(w), action) {
        Exposure::Open { context } => Some(Exposure::Open {
            context: holes.show(&context),
        }),
        _ => None,
    }
}

/// Our organizations: `ours.orgs`, and any organization ID the policy itself names in an
/// org-keyed condition, which the policy's author evidently counts as theirs.
fn our_orgs(p: &Policy, ours: &Ours) -> Vec<String> {
    let mut orgs = ours.orgs.clone();
    orgs.extend(named_orgs(p));
    orgs
}

/// The organization IDs a policy names in its own org-keyed conditions (`aws:ResourceOrgID`,
/// `aws:PrincipalOrgID`), which [`s3_foreign_write`] and [`foreign_use`] count as ours: callers
/// report them as an assumption.
pub fn named_orgs(p: &Policy) -> Vec<String> {
    let mut orgs: Vec<String> = Vec::new();
    for s in &p.statements {
        for key in ["aws:resourceorgid", "aws:principalorgid"] {
            for c in s.conds_on(key) {
                if !c.op.negated() || c.op == Op::StringNotEquals {
                    orgs.extend(c.values.iter().filter(|v| !glob::is_pattern(v)).cloned());
                }
            }
        }
    }
    orgs.sort();
    orgs.dedup();
    orgs
}

/// EP302: through an interface endpoint with this policy (`None`: the default full-access
/// policy), can credentials of another account, or a resource of another account, be used?
pub fn foreign_use(policy: Option<&Value>, ours: &Ours) -> Exposure {
    let Some(doc) = policy else {
        return Exposure::Open {
            context: "default endpoint policy: any principal, any resource".into(),
        };
    };
    let p = match parse(doc) {
        Ok(p) => p,
        Err(e) => return undecided_from_parse(&e),
    };
    let accounts = ours.account_values();
    let orgs = our_orgs(&p, ours);
    // A principal or resource is foreign when neither its account nor its organization is ours
    // (another account of our own organization is ours, as DESIGN.md counts it for S3).
    let question = vec![
        vec![
            through_endpoint(),
            test(
                Op::StringNotEquals,
                "aws:principalaccount",
                accounts.clone(),
            ),
            test(Op::StringNotEquals, "aws:principalorgid", orgs.clone()),
        ],
        vec![
            through_endpoint(),
            test(Op::Null, "aws:resourceaccount", vec!["false".into()]),
            test(Op::StringNotEquals, "aws:resourceaccount", accounts),
            test(Op::StringNotEquals, "aws:resourceorgid", orgs),
        ],
    ];
    let set = PolicySet {
        identity: vec![&p],
        ..Default::default()
    };
    let mut undecided = None;
    for action in candidate_actions(&p) {
        match set.evaluate(&action, &question) {
            Answer::Allowed(w) => return exposure(Answer::Allowed(w), &action),
            Answer::Denied => {}
            u @ Answer::Undecided { .. } => {
                undecided.get_or_insert(exposure(u, &action));
            }
        }
    }
    undecided.unwrap_or(Exposure::Closed)
}

/// One action per pattern the policy names (and one it does not name, for `NotAction`).
fn candidate_actions(p: &Policy) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in &p.statements {
        for pat in s.actions.patterns() {
            let a: String = pat
                .chars()
                .map(|c| if c == '*' || c == '?' { 'x' } else { c })
                .collect();
            if !out.contains(&a) {
                out.push(a);
            }
        }
    }
    out.push("egressproof:unnamedaction".into());
    out
}

fn undecided_from_parse(e: &ParseError) -> Exposure {
    Exposure::Undecided {
        code: e.code(),
        reason: e.to_string(),
    }
}

fn exposure(a: Answer, action: &str) -> Exposure {
    match a {
        Answer::Allowed(w) => Exposure::Open {
            context: format!("{action} with {}", w.describe_keys()),
        },
        Answer::Denied => Exposure::Closed,
        Answer::Undecided { code, reason, .. } => Exposure::Undecided { code, reason },
    }
}
