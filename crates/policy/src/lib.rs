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
pub mod confined;
pub mod foreign;
pub mod glob;
mod holes;
pub mod managed;
pub mod parse;
pub mod sagemaker_keys;
pub mod symbolic;

pub use foreign::exact_buckets;
pub use parse::{
    parse, Actions, Coverage, Effect, ParseError, Policy, Statement, PRINCIPAL_KEY, RESOURCE_KEY,
};
pub use symbolic::{Answer, PolicySet, Space, Witness};

use cond::{Cond, Condition, Op, SetOp};
use egressproof_model::{Pseudo, Symbol, UnknownCode, Value};

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
    pub(crate) fn account_values(&self) -> Vec<String> {
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
/// can a write reach a bucket outside our account or organization? The question of
/// [`foreign::foreign_write`], asked of one endpoint policy for `s3:PutObject`.
pub fn s3_foreign_write(policy: Option<&Value>, ours: &Ours) -> Exposure {
    let Some(doc) = policy else {
        return Exposure::Open {
            context: "default endpoint policy: any principal, any bucket".into(),
        };
    };
    let writer = foreign::Writer {
        identity: vec![foreign::Doc::Document(doc)],
        scps: Vec::new(),
        boundaries: Vec::new(),
        origin: foreign::Origin::Endpoint,
    };
    match foreign::foreign_write(&writer, &["s3:PutObject"], ours) {
        foreign::Outcome::Closed => Exposure::Closed,
        foreign::Outcome::Open { action, keys, .. } => Exposure::Open {
            context: format!("{action} with {keys}"),
        },
        foreign::Outcome::Undecided { code, reason } => Exposure::Undecided { code, reason },
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
/// `aws:PrincipalOrgID`), which [`foreign::foreign_write`] and [`foreign_use`] count as ours: callers
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
