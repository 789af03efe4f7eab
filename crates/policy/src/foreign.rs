//! "Can data be written to a resource outside our account or organization?": the one question
//! behind EP301 (through an S3 endpoint whose policy is this) and EP306 (as an execution role
//! whose policies, boundaries and SCPs are these).
//!
//! A resource is ours when its account is ours (`aws:ResourceAccount`, `s3:ResourceAccount`, or
//! the account field of its ARN), its organization is ours (`aws:ResourceOrgID`: [`Ours::orgs`]
//! and any organization ID the policies themselves name, which their author evidently counts as
//! theirs), it is a bucket of the scan (by name or by reference), or a policy names the bucket
//! exactly ([`exact_buckets`]: one bucket, taken as ours; the caller states the assumption).
//! A bucket-name wildcard (`arn:aws:s3:::*sagemaker*`) names buckets anyone can create, in any
//! account: S3 bucket ARNs carry no account.
//!
//! Resources with unresolved parts are decided where the parts do not matter: an exact bucket
//! name is one bucket whatever its parts are, and `arn:aws:s3:::ds-data-${Env}-*` admits a
//! bucket of another account whatever `Env` is (the trailing `*` is free, and bucket names are
//! global).

use crate::cond::{Cond, Condition, Op, Opaque, SetOp};
use crate::holes::{self, Holes};
use crate::parse::{self, ParseError, Policy, RESOURCE_KEY};
use crate::symbolic::{self, Answer, PolicySet, Witness, OTHER};
use crate::{glob, named_orgs, Ours};
use egressproof_model::{UnknownCode, Value};

pub use egressproof_aws::writes::DATA_WRITES;

const S3_RESOURCE_ACCOUNT: &str = "s3:resourceaccount";

/// Where the requests come from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// Through the VPC endpoint whose policy is asked about (EP301).
    Endpoint,
    /// From anywhere: SageMaker acting as an execution role, from its own network (EP306).
    Anywhere,
}

/// A policy as the question receives it.
#[derive(Clone, Copy, Debug)]
pub enum Doc<'a> {
    /// A document of the scan (a map, or JSON text): its resources with unresolved parts can
    /// be decided for every value of those parts.
    Document(&'a Value),
    /// A policy already parsed (an AWS managed policy, a policy whose document or attachment is
    /// unknown): read as it is.
    Parsed(&'a Policy),
}

/// Who writes: the identity-side policies that must allow (a role's policies, or an endpoint's
/// policy, which acts alike), and those that bound them.
#[derive(Clone, Debug)]
pub struct Writer<'a> {
    pub identity: Vec<Doc<'a>>,
    pub scps: Vec<&'a Policy>,
    pub boundaries: Vec<&'a Policy>,
    pub origin: Origin,
}

/// The answer, three-valued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// No write reaches a resource outside.
    Closed,
    /// `action` is allowed on a resource outside: `resource` is one (the pattern it comes from,
    /// `*` standing for any text), `keys` the request that gets through, described.
    Open {
        action: String,
        resource: Option<String>,
        keys: String,
    },
    /// Could not decide: EP902 (unresolved value) or EP903 (unmodelled key or construct).
    Undecided { code: UnknownCode, reason: String },
}

impl Outcome {
    /// "s3:PutObject on arn:aws:s3:::*sagemaker*".
    pub fn witness(&self) -> Option<String> {
        match self {
            Outcome::Open {
                action,
                resource: Some(r),
                ..
            } => Some(format!("{action} on {r}")),
            Outcome::Open { action, keys, .. } => Some(format!("{action} with {keys}")),
            _ => None,
        }
    }
}

/// The resources an action writes to, as the ARN of the service names them.
fn service_of(action: &str) -> &str {
    action.split(':').next().unwrap_or(action)
}

/// Whether any of `actions` (each a service action such as `sns:Publish`) is allowed for
/// `writer` on a resource outside our account and organization. True for one action is true
/// for the whole (`true OR unknown = true`); otherwise the first undecided action decides.
pub fn foreign_write(writer: &Writer<'_>, actions: &[&str], ours: &Ours) -> Outcome {
    let mut holes = Holes::default();
    let mut documents: Vec<Value> = Vec::new();
    for d in &writer.identity {
        if let Doc::Document(v) = d {
            match parse::as_document(v) {
                Ok(doc) => documents.push(doc),
                Err(e) => return undecided_from_parse(&e),
            }
        }
    }
    let mut parsed: Vec<Policy> = Vec::new();
    for doc in &documents {
        match parse::parse(doc) {
            Ok(p) => parsed.push(p),
            Err(e) => return undecided_from_parse(&e),
        }
    }
    let mut orgs = ours.orgs.clone();
    for p in parsed
        .iter()
        .chain(writer.identity.iter().filter_map(|d| match d {
            Doc::Parsed(p) => Some(*p),
            Doc::Document(_) => None,
        }))
    {
        orgs.extend(named_orgs(p));
    }
    orgs.sort();
    orgs.dedup();
    let mut our_buckets: Vec<String> = Vec::new();
    for b in &ours.buckets {
        if let Some(name) = holes.text(b) {
            our_buckets.push(format!("arn:aws:s3:::{name}"));
            our_buckets.push(format!("arn:aws:s3:::{name}/*"));
        }
    }
    for a in &ours.arns {
        if let Some(arn) = holes.text(a) {
            our_buckets.push(format!("{arn}/*"));
            our_buckets.push(arn);
        }
    }
    for doc in &documents {
        for (prefix, name) in exact_bucket_arns(doc, &mut holes) {
            let (a, b) = (format!("{prefix}{name}"), format!("{prefix}{name}/*"));
            if !our_buckets.contains(&a) {
                our_buckets.push(a);
                our_buckets.push(b);
            }
        }
    }
    // Statements that allow only our buckets say nothing about foreign ones, whatever their
    // unresolved parts are: the question excludes those buckets anyway.
    let trimmed: Vec<Value> = documents
        .iter()
        .map(|d| without_ours(d, &our_buckets, &mut holes))
        .collect();
    let mut exact: Vec<Policy> = Vec::new();
    for d in &trimmed {
        match parse::parse(d) {
            Ok(p) => exact.push(p),
            Err(e) => return undecided_from_parse(&e),
        }
    }
    let generic: Vec<Option<Policy>> = trimmed
        .iter()
        .map(|d| parse::parse(&with_tokens(d, &mut holes)).ok())
        .collect();
    let pre_parsed: Vec<&Policy> = writer
        .identity
        .iter()
        .filter_map(|d| match d {
            Doc::Parsed(p) => Some(*p),
            Doc::Document(_) => None,
        })
        .collect();
    let mut exact_identity: Vec<&Policy> = exact.iter().collect();
    exact_identity.extend(pre_parsed.iter().copied());
    let exact_set = PolicySet {
        identity: exact_identity,
        resource: Vec::new(),
        scps: writer.scps.clone(),
        boundaries: writer.boundaries.clone(),
    };
    let generic: Option<Vec<Policy>> = generic.into_iter().collect();
    let generic_set = generic.as_ref().map(|g| {
        let mut identity: Vec<&Policy> = g.iter().collect();
        identity.extend(pre_parsed.iter().copied());
        PolicySet {
            identity,
            resource: Vec::new(),
            scps: writer.scps.clone(),
            boundaries: writer.boundaries.clone(),
        }
    });
    // S3's own account key matters only where a policy tests it (then a request carries it, as
    // the bucket's account); otherwise it stays out of the witness.
    let s3_account = exact_set
        .identity
        .iter()
        .chain(&exact_set.scps)
        .chain(&exact_set.boundaries)
        .flat_map(|p| &p.statements)
        .any(|s| s.conds_on(S3_RESOURCE_ACCOUNT).next().is_some());
    let question = Question {
        origin: writer.origin,
        s3_account,
        accounts: ours.account_values(),
        orgs,
        our_buckets,
    };
    let mut undecided: Option<Outcome> = None;
    for &action in actions {
        let answer = exact_set.evaluate(action, &question.blocks(action, false));
        let outcome = match answer {
            Answer::Allowed(w) => open(action, &w, &holes),
            Answer::Denied => Outcome::Closed,
            Answer::Undecided { code, reason, .. } => generic_set
                .as_ref()
                .and_then(|g| {
                    open_whatever_the_holes(g, &question.blocks(action, true), &holes, action)
                })
                .unwrap_or(Outcome::Undecided { code, reason }),
        };
        match outcome {
            Outcome::Open { .. } => return outcome,
            Outcome::Undecided { .. } => {
                undecided.get_or_insert(outcome);
            }
            Outcome::Closed => {}
        }
    }
    undecided.unwrap_or(Outcome::Closed)
}

/// What counts as outside, for one question.
struct Question {
    origin: Origin,
    s3_account: bool,
    accounts: Vec<String>,
    orgs: Vec<String>,
    /// ARNs (and object patterns) of our buckets; unresolved parts as tokens.
    our_buckets: Vec<String>,
}

impl Question {
    /// The requests that write to a resource outside with `action`: one block. `generic` keeps
    /// our buckets whose names have unresolved parts in the question (the policies are then
    /// evaluated for one generic value of each part); otherwise they make the block unknown.
    fn blocks(&self, action: &str, generic: bool) -> Vec<Vec<Cond>> {
        let service = service_of(action).to_ascii_lowercase();
        let mut block = Vec::new();
        if self.origin == Origin::Endpoint {
            block.push(test(Op::Null, symbolic::SOURCE_VPCE, vec!["false".into()]));
        }
        block.push(test(Op::Null, "aws:resourceaccount", vec!["false".into()]));
        block.push(test(
            Op::StringNotEquals,
            "aws:resourceaccount",
            self.accounts.clone(),
        ));
        block.push(test(
            Op::StringNotEquals,
            "aws:resourceorgid",
            self.orgs.clone(),
        ));
        if service == "s3" {
            if self.s3_account {
                // The bucket's account, as S3 names it for its own condition.
                block.push(test(Op::Null, S3_RESOURCE_ACCOUNT, vec!["false".into()]));
                block.push(test(
                    Op::StringNotEquals,
                    S3_RESOURCE_ACCOUNT,
                    self.accounts.clone(),
                ));
            }
            if self.origin == Origin::Anywhere {
                block.push(test(
                    Op::StringLike,
                    RESOURCE_KEY,
                    vec!["arn:*:s3:::*".into()],
                ));
            }
            let known: Vec<String> = self
                .our_buckets
                .iter()
                .filter(|a| generic || !a.chars().any(holes::is_token))
                .cloned()
                .collect();
            let partial = known.len() < self.our_buckets.len();
            block.push(test(Op::StringNotLike, RESOURCE_KEY, known));
            if partial {
                // Not one of our buckets whose names have unresolved parts: unknown here.
                block.push(Cond::Opaque(Opaque::new(
                    UnknownCode::EP902,
                    "a bucket of the scan has a name with parts known only at deploy time",
                    None,
                )));
            }
        } else {
            // Topics, queues, streams and log groups carry their account in their ARN.
            block.push(test(
                Op::StringLike,
                RESOURCE_KEY,
                vec![format!("arn:*:{service}:*")],
            ));
            block.push(test(
                Op::StringNotLike,
                RESOURCE_KEY,
                self.accounts
                    .iter()
                    .map(|a| format!("arn:*:{service}:*:{a}:*"))
                    .collect(),
            ));
        }
        vec![block]
    }
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

fn open(action: &str, w: &Witness, holes: &Holes) -> Outcome {
    let resource = match w.get(RESOURCE_KEY) {
        Some(Some(r)) => Some(holes.show(&r.replace(OTHER, "*"))),
        _ => None,
    };
    Outcome::Open {
        action: action.to_string(),
        resource,
        keys: holes.show(&w.describe_keys()),
    }
}

/// The bucket names a policy's Allow statements write exactly (no wildcard in the name;
/// unresolved parts shown as `${Name}`): one bucket each, which [`foreign_write`] takes as
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

/// The statements of a document (a map, or a list of them).
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

/// Applies `edit` to every statement of a document.
fn each_statement(doc: &Value, mut edit: impl FnMut(&mut Value)) -> Value {
    let mut doc = doc.clone();
    if let Value::Map(d) = &mut doc {
        match d.get_mut("Statement") {
            Some(Value::List(items)) => items.iter_mut().for_each(&mut edit),
            Some(one @ Value::Map(_)) => edit(one),
            _ => {}
        }
    }
    doc
}

/// The document with each Allow statement's `Resource` elements that name only our buckets
/// (for every value of their unresolved parts) taken out.
fn without_ours(doc: &Value, our_arns: &[String], holes: &mut Holes) -> Value {
    each_statement(doc, |s| {
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
    })
}

/// The document with each `Resource`/`NotResource` element that has unresolved parts written
/// with its holes as tokens: the policy for one generic value of each hole.
fn with_tokens(doc: &Value, holes: &mut Holes) -> Value {
    each_statement(doc, |s| {
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
    })
}

/// Whether `action` is allowed whatever values the unresolved parts of the resources have.
/// The policies are evaluated for one generic value of each hole (its token); the request that
/// gets through is then checked against every resource test, with the holes standing for any
/// value: when each test is decided whatever the values, the same request (with the real
/// values in it) gets through for every value.
fn open_whatever_the_holes(
    set: &PolicySet<'_>,
    question: &[Vec<Cond>],
    holes: &Holes,
    action: &str,
) -> Option<Outcome> {
    let Answer::Allowed(w) = set.evaluate(action, question) else {
        return None;
    };
    let resource = w.get(RESOURCE_KEY).unwrap_or(Some(OTHER));
    let decided = set
        .conds_for(action)
        .chain(question.iter().flatten())
        .flat_map(Cond::leaves)
        .all(|c| match c {
            Cond::Test(t) if t.key == RESOURCE_KEY => holes::holds_whatever(t, resource).is_some(),
            _ => true,
        });
    decided.then(|| open(action, &w, holes))
}

fn undecided_from_parse(e: &ParseError) -> Outcome {
    Outcome::Undecided {
        code: e.code(),
        reason: e.to_string(),
    }
}
