//! Symbolic evaluation: for an action, the set of request contexts in which it is allowed.
//!
//! # How
//! Every condition key a policy (or the question) mentions becomes a *dimension* of the request
//! context. Each dimension's values are split into finitely many *classes* such that every
//! condition on that key is constant on a class: for `aws:SourceIp`, the elementary IPv4/IPv6
//! intervals between all the CIDR boundaries (integer arithmetic), plus "absent"; for strings,
//! "absent", each literal, an instance of each wildcard pattern (and of pairs of them), and
//! "any other value"; for numbers and dates, the points and the open intervals between them.
//! Classes that no condition tells apart are merged. A statement is then a *box* (one set of
//! classes per dimension), a policy's Allow or Deny a union of boxes, and "allow minus deny" is
//! exact box subtraction.
//!
//! # Soundness
//! - The origin of a request is modelled as AWS documents it: from the internet a request carries
//!   `aws:SourceIp` and neither `aws:SourceVpce` nor `aws:SourceVpc`; through a VPC endpoint it
//!   carries both and NO `aws:SourceIp`.
//! - Keys a requester cannot choose (principal tags, `aws:username`, unknown keys) and opaque
//!   conditions (unresolved values, policy variables) are *not modelled*: the answer is
//!   "allowed" only when some context is allowed whatever they are, "denied" only when every
//!   context is denied whatever they are, and "undecided" (EP902/EP903) otherwise. So unknown
//!   keys over-approximate Allow and under-approximate Deny, and undecided is never read as
//!   denied.
//! - Multivalued keys (`ForAnyValue:`/`ForAllValues:`) are evaluated over the empty set and the
//!   single-valued sets; `*` in an ARN may cross a `:` (a superset of IAM's ARN matching).

use crate::cond::{parse_date, parse_net, parse_number, Cond, Family, Opaque};
use crate::parse::{Effect, Policy, PRINCIPAL_KEY, RESOURCE_KEY};
use egressproof_model::{Span, UnknownCode};
use std::collections::{BTreeSet, HashMap};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// The representative of "any value not named by the policies".
pub const OTHER: &str = "\u{1}other";

pub const SOURCE_IP: &str = "aws:sourceip";
pub const SOURCE_VPCE: &str = "aws:sourcevpce";
pub const SOURCE_VPC: &str = "aws:sourcevpc";

/// The most boxes a region may hold before the engine gives up (undecided, never a guess).
const MAX_BOXES: usize = 50_000;

/// Keys whose every value some request can carry: the requester chooses them (network origin,
/// request parameters, tags on the request) or the question ranges over them (accounts and
/// organizations of principals and resources). Everything else is not modelled.
pub fn is_modelled(key: &str) -> bool {
    const EXACT: &[&str] = &[
        RESOURCE_KEY,
        PRINCIPAL_KEY,
        SOURCE_IP,
        SOURCE_VPCE,
        SOURCE_VPC,
        "aws:principalaccount",
        "aws:principalorgid",
        "aws:principalorgpaths",
        "aws:principalarn",
        "aws:resourceaccount",
        "aws:resourceorgid",
        "aws:resourceorgpaths",
        "aws:securetransport",
        "aws:requestedregion",
        "aws:currenttime",
        "aws:epochtime",
        "aws:useragent",
        "aws:referer",
        "aws:multifactorauthpresent",
        "aws:tagkeys",
    ];
    if key.starts_with('?') {
        return false;
    }
    EXACT.contains(&key)
        || key.starts_with("aws:requesttag/")
        || (key.starts_with("sagemaker:") && !key.starts_with("sagemaker:resourcetag/"))
        || (key.starts_with("s3:") && !key.starts_with("s3:existingobjecttag/"))
        || (key.starts_with("logs:") || key.starts_with("ecr:") || key.starts_with("sts:"))
}

/// Keys whose values are a fixed enumeration (so "any other value" is impossible), per the
/// Service Authorization Reference and the API references.
fn domain_of(key: &str) -> Option<&'static [&'static str]> {
    Some(match key {
        "sagemaker:networkisolation"
        | "sagemaker:intercontainertrafficencryption"
        | "aws:securetransport"
        | "aws:multifactorauthpresent"
        | "aws:viaawsservice"
        | "aws:principalisawsservice" => &["true", "false"],
        "sagemaker:directinternetaccess" | "sagemaker:rootaccess" => &["Enabled", "Disabled"],
        "sagemaker:appnetworkaccesstype" => &["PublicInternetOnly", "VpcOnly"],
        _ => return None,
    })
}

/// Keys present in every request (no "absent" class).
fn always_present(key: &str) -> bool {
    matches!(
        key,
        RESOURCE_KEY
            | PRINCIPAL_KEY
            | "aws:principalaccount"
            | "aws:principalarn"
            | "aws:requestedregion"
            | "aws:currenttime"
            | "aws:epochtime"
            | "aws:securetransport"
    )
}

// ------------------------------------------------------------------------------------------
// bit sets

#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Bits(Vec<u64>);

impl Bits {
    fn full(n: usize) -> Bits {
        let mut v = vec![u64::MAX; n.div_ceil(64)];
        if !n.is_multiple_of(64) {
            if let Some(last) = v.last_mut() {
                *last = (1u64 << (n % 64)) - 1;
            }
        }
        Bits(v)
    }
    fn empty(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }
    fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }
    fn get(&self, i: usize) -> bool {
        self.0[i / 64] & (1 << (i % 64)) != 0
    }
    fn and(&self, o: &Bits) -> Bits {
        Bits(self.0.iter().zip(&o.0).map(|(a, b)| a & b).collect())
    }
    fn andnot(&self, o: &Bits) -> Bits {
        Bits(self.0.iter().zip(&o.0).map(|(a, b)| a & !b).collect())
    }
    fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }
    fn first(&self) -> Option<usize> {
        self.0
            .iter()
            .enumerate()
            .find(|(_, w)| **w != 0)
            .map(|(i, w)| i * 64 + w.trailing_zeros() as usize)
    }
}

// ------------------------------------------------------------------------------------------
// the space

struct Dim {
    key: String,
    /// `None` is "absent from the request".
    classes: Vec<Option<String>>,
    modelled: bool,
    opaque: Option<Opaque>,
}

/// The dimensions and classes of one question.
pub struct Space {
    dims: Vec<Dim>,
    index: HashMap<String, usize>,
}

/// A set of request contexts: a union of boxes.
#[derive(Clone, Debug, Default)]
pub struct Region {
    boxes: Vec<Vec<Bits>>,
}

/// Gave up: the region grew past [`MAX_BOXES`].
#[derive(Debug)]
pub struct TooComplex;

impl Region {
    pub fn is_empty(&self) -> bool {
        self.boxes.is_empty()
    }
    pub fn len(&self) -> usize {
        self.boxes.len()
    }
}

impl Space {
    /// A space for every key the conditions mention, plus the three origin keys.
    pub fn build<'a>(conds: impl IntoIterator<Item = &'a Cond>) -> Space {
        let mut by_key: HashMap<String, Vec<&'a Cond>> = HashMap::new();
        let mut order: Vec<String> = Vec::new();
        for k in [SOURCE_IP, SOURCE_VPCE, SOURCE_VPC] {
            by_key.insert(k.to_string(), Vec::new());
            order.push(k.to_string());
        }
        for c in conds.into_iter().flat_map(Cond::leaves) {
            let k = c.key().to_string();
            let e = by_key.entry(k.clone()).or_default();
            if e.is_empty() && !order.contains(&k) {
                order.push(k);
            }
            e.push(c);
        }
        let mut dims = Vec::with_capacity(order.len());
        for key in order {
            let cs = by_key.remove(&key).unwrap_or_default();
            dims.push(make_dim(key, &cs));
        }
        let index = dims
            .iter()
            .enumerate()
            .map(|(i, d)| (d.key.clone(), i))
            .collect();
        Space { dims, index }
    }

    fn full_box(&self) -> Vec<Bits> {
        self.dims
            .iter()
            .map(|d| Bits::full(d.classes.len()))
            .collect()
    }

    pub fn full(&self) -> Region {
        Region {
            boxes: vec![self.full_box()],
        }
    }

    /// The boxes of contexts in which every condition holds (none when that is empty): one box
    /// for a conjunction of tests, one per combination of alternatives when some conditions
    /// are disjunctions ([`Cond::Any`]).
    fn conj<'c>(&self, conds: impl IntoIterator<Item = &'c Cond>) -> Vec<Vec<Bits>> {
        let mut boxes = vec![self.full_box()];
        for c in conds {
            match c {
                Cond::Any(_) => {
                    boxes = boxes
                        .into_iter()
                        .flat_map(|b| self.restrict(b, c))
                        .collect()
                }
                leaf => boxes.retain_mut(|b| self.narrow(b, leaf)),
            }
            if boxes.is_empty() {
                break;
            }
        }
        boxes
    }

    /// `b` cut down to where `c` holds: no box, one, or one per alternative of a disjunction.
    fn restrict(&self, mut b: Vec<Bits>, c: &Cond) -> Vec<Vec<Bits>> {
        if let Cond::Any(alts) = c {
            return alts
                .iter()
                .flat_map(|alt| self.restrict(b.clone(), alt))
                .collect();
        }
        if self.narrow(&mut b, c) {
            vec![b]
        } else {
            Vec::new()
        }
    }

    /// `b` cut down in place to where the test or opaque condition `c` holds; `false` when
    /// nothing is left.
    fn narrow(&self, b: &mut [Bits], c: &Cond) -> bool {
        let Some(&d) = self.index.get(c.key()) else {
            // A key outside the space: the space was built without it. Treat as
            // unconstrained would be unsound for a Deny and for an Allow alike, so the
            // space builder always includes every condition; this is unreachable in use.
            return true;
        };
        let dim = &self.dims[d];
        let mut bits = Bits::empty(dim.classes.len());
        for (i, v) in dim.classes.iter().enumerate() {
            if c.holds(v.as_deref()) {
                bits.set(i);
            }
        }
        b[d] = b[d].and(&bits);
        !b[d].is_empty()
    }

    /// The region of an OR of AND-blocks of conditions (a question: "from an untrusted
    /// network" is two blocks, the internet and foreign endpoints).
    pub fn region_of(&self, blocks: &[Vec<Cond>]) -> Region {
        Region {
            boxes: blocks.iter().flat_map(|b| self.conj(b)).collect(),
        }
    }

    /// Contexts that can exist: through the internet (source IP, no endpoint) or through a VPC
    /// endpoint (endpoint and VPC, no source IP).
    fn consistent(&self) -> Region {
        let ip = self.index[SOURCE_IP];
        let vpce = self.index[SOURCE_VPCE];
        let vpc = self.index[SOURCE_VPC];
        let present = |d: usize| {
            let mut b = Bits::empty(self.dims[d].classes.len());
            for (i, v) in self.dims[d].classes.iter().enumerate() {
                if v.is_some() {
                    b.set(i);
                }
            }
            b
        };
        let absent = |d: usize| Bits::full(self.dims[d].classes.len()).andnot(&present(d));
        let mut internet = self.full_box();
        internet[ip] = present(ip);
        internet[vpce] = absent(vpce);
        internet[vpc] = absent(vpc);
        let mut endpoint = self.full_box();
        endpoint[ip] = absent(ip);
        endpoint[vpce] = present(vpce);
        endpoint[vpc] = present(vpc);
        Region {
            boxes: [internet, endpoint]
                .into_iter()
                .filter(|b| b.iter().all(|x| !x.is_empty()))
                .collect(),
        }
    }

    /// The statements of `policies` with `effect` that cover `action`, as a region: a union
    /// over statements, so an Allow of one statement is an Allow whatever the others leave
    /// unknown (`true OR unknown`).
    pub fn statements(&self, policies: &[&Policy], effect: Effect, action: &str) -> Region {
        let mut r = Region::default();
        for p in policies {
            for s in &p.statements {
                if s.effect != effect {
                    continue;
                }
                if let Some(guard) = s.guard_for(action) {
                    r.boxes.extend(self.conj(guard));
                }
            }
        }
        r
    }

    pub fn intersect(&self, a: &Region, b: &Region) -> Result<Region, TooComplex> {
        let mut out = Vec::new();
        for x in &a.boxes {
            for y in &b.boxes {
                let z: Vec<Bits> = x.iter().zip(y).map(|(p, q)| p.and(q)).collect();
                if z.iter().all(|c| !c.is_empty()) {
                    out.push(z);
                    if out.len() > MAX_BOXES {
                        return Err(TooComplex);
                    }
                }
            }
        }
        Ok(Region { boxes: out })
    }

    pub fn union(&self, a: &Region, b: &Region) -> Region {
        let mut boxes = a.boxes.clone();
        boxes.extend(b.boxes.iter().cloned());
        Region { boxes }
    }

    /// `a` minus `b`, exactly (disjoint box decomposition).
    pub fn subtract(&self, a: &Region, b: &Region) -> Result<Region, TooComplex> {
        let mut cur = a.boxes.clone();
        for y in &b.boxes {
            let mut next = Vec::with_capacity(cur.len());
            for x in cur {
                if x.iter().zip(y).any(|(p, q)| p.and(q).is_empty()) {
                    next.push(x);
                    continue;
                }
                let mut rest = x;
                for d in 0..rest.len() {
                    let outside = rest[d].andnot(&y[d]);
                    if !outside.is_empty() {
                        let mut piece = rest.clone();
                        piece[d] = outside;
                        next.push(piece);
                    }
                    rest[d] = rest[d].and(&y[d]);
                }
                if next.len() > MAX_BOXES {
                    return Err(TooComplex);
                }
            }
            cur = next;
        }
        Ok(Region { boxes: cur })
    }

    /// Every box widened to all values of the dimensions that are not modelled.
    fn project(&self, r: &Region) -> Region {
        let boxes = r
            .boxes
            .iter()
            .map(|b| {
                b.iter()
                    .enumerate()
                    .map(|(d, bits)| {
                        if self.dims[d].modelled {
                            bits.clone()
                        } else {
                            Bits::full(self.dims[d].classes.len())
                        }
                    })
                    .collect()
            })
            .collect();
        Region { boxes }
    }

    /// Whether the point (one class per dimension, by value) lies in the region. Used by the
    /// property test to compare with the concrete evaluator.
    pub fn contains(&self, r: &Region, values: &HashMap<String, Option<String>>) -> Option<bool> {
        let mut point = Vec::with_capacity(self.dims.len());
        for d in &self.dims {
            let v = values.get(&d.key).cloned().unwrap_or(None);
            let i = d.classes.iter().position(|c| *c == v)?;
            point.push(i);
        }
        Some(
            r.boxes
                .iter()
                .any(|b| b.iter().zip(&point).all(|(bits, &i)| bits.get(i))),
        )
    }

    /// The answer to "is `allowed` non-empty inside `question`?", with a witness.
    pub fn decide(&self, allowed: &Region, question: &Region) -> Answer {
        match self.decide_inner(allowed, question) {
            Ok(a) => a,
            Err(TooComplex) => Answer::Undecided {
                code: UnknownCode::EP903,
                reason: "the policies are too complex to decide (too many condition combinations)"
                    .into(),
                span: None,
            },
        }
    }

    fn decide_inner(&self, allowed: &Region, question: &Region) -> Result<Answer, TooComplex> {
        let q = self.intersect(question, &self.consistent())?;
        let hit = self.intersect(allowed, &q)?;
        if hit.is_empty() {
            return Ok(Answer::Denied);
        }
        let bad = self.subtract(&q, allowed)?;
        let certain = self.subtract(&q, &self.project(&bad))?;
        if let Some(b) = certain.boxes.first() {
            return Ok(Answer::Allowed(self.witness(b)));
        }
        // Some context is allowed only for some values of what is not modelled: say which.
        let mut keys = BTreeSet::new();
        for b in &hit.boxes {
            for (d, bits) in b.iter().enumerate() {
                let dim = &self.dims[d];
                if !dim.modelled && *bits != Bits::full(dim.classes.len()) {
                    keys.insert(d);
                }
            }
        }
        let dims: Vec<&Dim> = keys.iter().map(|&d| &self.dims[d]).collect();
        let pick = dims
            .iter()
            .find(|d| {
                d.opaque
                    .as_ref()
                    .is_some_and(|o| o.code == UnknownCode::EP902)
            })
            .or_else(|| dims.iter().find(|d| d.opaque.is_some()))
            .or_else(|| dims.first());
        Ok(match pick {
            Some(d) => match &d.opaque {
                Some(o) => Answer::Undecided {
                    code: o.code,
                    reason: o.reason.clone(),
                    span: o.span.clone(),
                },
                None => Answer::Undecided {
                    code: UnknownCode::EP903,
                    reason: format!(
                        "the answer depends on the condition key {}, whose value egressproof does not model",
                        d.key
                    ),
                    span: None,
                },
            },
            None => Answer::Undecided {
                code: UnknownCode::EP903,
                reason: "undecided".into(),
                span: None,
            },
        })
    }

    fn witness(&self, b: &[Bits]) -> Witness {
        let mut values = Vec::new();
        for (d, bits) in b.iter().enumerate() {
            let dim = &self.dims[d];
            if !dim.modelled {
                continue;
            }
            let origin = matches!(dim.key.as_str(), SOURCE_IP | SOURCE_VPCE | SOURCE_VPC);
            if !origin && *bits == Bits::full(dim.classes.len()) {
                continue;
            }
            if let Some(i) = bits.first() {
                values.push((dim.key.clone(), dim.classes[i].clone()));
            }
        }
        Witness { values }
    }
}

/// One request context that gets through: the keys that matter, each present with a value or
/// absent (`None`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Witness {
    pub values: Vec<(String, Option<String>)>,
}

impl Witness {
    /// The value of a key: `None` when the witness does not constrain it, `Some(None)` when
    /// the key is absent.
    pub fn get(&self, key: &str) -> Option<Option<&str>> {
        self.values
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_deref())
    }

    /// "source IP 198.51.100.7, not through a VPC endpoint; aws:principalaccount any other value".
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        match (self.get(SOURCE_IP), self.get(SOURCE_VPCE)) {
            (Some(Some(ip)), _) => {
                parts.push(format!("source IP {ip}, not through a VPC endpoint"))
            }
            (_, Some(Some(vpce))) if vpce == OTHER => parts.push(
                "through a VPC endpoint the scan does not declare (no aws:SourceIp)".to_string(),
            ),
            (_, Some(Some(vpce))) => parts.push(format!(
                "through VPC endpoint {} (no aws:SourceIp)",
                show(vpce, "")
            )),
            _ => {}
        }
        let rest = self.describe_keys();
        if !rest.is_empty() && rest != "any request" {
            parts.push(rest);
        }
        parts.join("; ")
    }

    /// The keys other than the origin ("aws:resourceaccount of any other value"), or "any
    /// request" when nothing else is constrained.
    pub fn describe_keys(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in &self.values {
            if matches!(k.as_str(), SOURCE_IP | SOURCE_VPCE | SOURCE_VPC) {
                continue;
            }
            let name = match k.as_str() {
                RESOURCE_KEY => "resource".to_string(),
                PRINCIPAL_KEY => "principal".to_string(),
                other => other.to_string(),
            };
            match v {
                None => parts.push(format!("{name} absent")),
                Some(v) => parts.push(format!("{name} {}", show(v, "of any other value"))),
            }
        }
        if parts.is_empty() {
            return "any request".into();
        }
        parts.join("; ")
    }
}

/// A class value for people: the "other" representative in words.
pub fn show<'a>(v: &'a str, other: &'a str) -> std::borrow::Cow<'a, str> {
    if v == OTHER {
        std::borrow::Cow::Borrowed(other)
    } else if v.contains(OTHER) {
        std::borrow::Cow::Owned(v.replace(OTHER, "…"))
    } else {
        std::borrow::Cow::Borrowed(v)
    }
}

/// The three answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// Allowed for certain in this context.
    Allowed(Witness),
    /// Denied in every context asked about.
    Denied,
    /// Could not decide: EP902 (unresolved value) or EP903 (not modelled), with the reason.
    Undecided {
        code: UnknownCode,
        reason: String,
        span: Option<Span>,
    },
}

// ------------------------------------------------------------------------------------------
// classes

fn make_dim(key: String, conds: &[&Cond]) -> Dim {
    if key.starts_with('?') {
        let opaque = conds.iter().find_map(|c| match c {
            Cond::Opaque(o) => Some(o.clone()),
            _ => None,
        });
        return Dim {
            key,
            classes: vec![Some("true".into()), Some("false".into())],
            modelled: false,
            opaque,
        };
    }
    let tests: Vec<_> = conds
        .iter()
        .filter_map(|c| match c {
            Cond::Test(t) => Some(t),
            _ => None,
        })
        .collect();
    let families: BTreeSet<u8> = tests.iter().map(|t| t.op.family() as u8).collect();
    let has = |f: Family| families.contains(&(f as u8));
    let mut candidates: Vec<String> = Vec::new();
    if let Some(domain) = domain_of(&key) {
        candidates.extend(domain.iter().map(|s| s.to_string()));
    } else if key == SOURCE_IP || key == "aws:vpcsourceip" || has(Family::Ip) {
        candidates.extend(ip_candidates(tests.iter().flat_map(|t| t.values.iter())));
    } else {
        if has(Family::Num) || has(Family::Date) {
            let mut pts: Vec<f64> = tests
                .iter()
                .filter(|t| matches!(t.op.family(), Family::Num | Family::Date))
                .flat_map(|t| {
                    t.values.iter().filter_map(move |v| {
                        if t.op.family() == Family::Date {
                            parse_date(v)
                        } else {
                            parse_number(v)
                        }
                    })
                })
                .collect();
            pts.sort_by(|a, b| a.total_cmp(b));
            pts.dedup();
            for (i, p) in pts.iter().enumerate() {
                if i == 0 {
                    candidates.push(num(p - 1.0));
                }
                candidates.push(num(*p));
                match pts.get(i + 1) {
                    Some(n) => candidates.push(num((p + n) / 2.0)),
                    None => candidates.push(num(p + 1.0)),
                }
            }
        }
        candidates.extend(string_candidates(&tests));
        candidates.push(OTHER.to_string());
    }
    // Merge classes that no condition tells apart (keep the first, the nicest).
    let mut classes: Vec<Option<String>> = Vec::new();
    if !always_present(&key) {
        classes.push(None);
    }
    // "Absent" stays a class of its own even when no condition tells it apart: the origin of a
    // request (internet or endpoint) is read from presence.
    let mut seen: HashMap<Vec<bool>, ()> = HashMap::new();
    let mut tried = std::collections::HashSet::new();
    for cand in candidates {
        if !tried.insert(cand.clone()) {
            continue;
        }
        let sig: Vec<bool> = conds.iter().map(|c| c.holds(Some(&cand))).collect();
        if seen.insert(sig, ()).is_none() {
            classes.push(Some(cand));
        }
    }
    if classes.is_empty() {
        classes.push(Some(OTHER.to_string()));
    }
    Dim {
        modelled: is_modelled(&key),
        key,
        classes,
        opaque: None,
    }
}

fn num(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn string_candidates(tests: &[&crate::cond::Condition]) -> Vec<String> {
    let mut literals: Vec<String> = Vec::new();
    let mut patterns: Vec<String> = Vec::new();
    for t in tests {
        if t.op == crate::cond::Op::Null {
            continue; // its values say present/absent, they are not values of the key
        }
        for v in &t.values {
            if t.op.is_like() && crate::glob::is_pattern(v) {
                patterns.push(v.clone());
            } else {
                literals.push(v.clone());
                if t.op.ignores_case() {
                    literals.push(v.to_lowercase());
                    literals.push(v.to_uppercase());
                }
            }
        }
    }
    let mut out = literals.clone();
    let mut instances = Vec::new();
    for p in &patterns {
        instances.push(fill(p, OTHER));
        instances.push(fill(p, ""));
    }
    out.extend(instances.iter().cloned());
    // A string matching two patterns at once (`a*` and `*b`): fill one with the other's
    // instances and with the literals.
    if patterns.len() >= 2 && patterns.len() <= 32 {
        let fillers: Vec<String> = literals.iter().chain(&instances).cloned().collect();
        for p in &patterns {
            for f in fillers.iter().take(64) {
                out.push(fill(p, f));
            }
        }
    }
    out
}

/// A pattern's instance: each `*` replaced by `with`, each `?` by one character.
fn fill(p: &str, with: &str) -> String {
    let mut s = String::new();
    for c in p.chars() {
        match c {
            '*' => s.push_str(with),
            '?' => s.push('x'),
            c => s.push(c),
        }
    }
    s
}

/// One address per elementary interval between all boundaries of the CIDRs (and bare
/// addresses) in `values`, IPv4 and IPv6 apart; documentation addresses preferred.
fn ip_candidates<'a>(values: impl Iterator<Item = &'a String>) -> Vec<String> {
    let mut b4: BTreeSet<u64> = [0u64, 1 << 32].into_iter().collect();
    let mut b6: BTreeSet<u128> = [0u128].into_iter().collect();
    for v in values {
        match parse_net(v) {
            Some(ipnet::IpNet::V4(n)) => {
                b4.insert(u32::from(n.network()) as u64);
                b4.insert(u32::from(n.broadcast()) as u64 + 1);
            }
            Some(ipnet::IpNet::V6(n)) => {
                b6.insert(u128::from(n.network()));
                if let Some(next) = u128::from(n.broadcast()).checked_add(1) {
                    b6.insert(next);
                }
            }
            None => {}
        }
    }
    let nice4 = [
        u32::from(Ipv4Addr::new(198, 51, 100, 7)) as u64,
        u32::from(Ipv4Addr::new(192, 0, 2, 7)) as u64,
    ];
    let nice6 = [u128::from(
        "2001:db8::7"
            .parse::<Ipv6Addr>()
            .unwrap_or(Ipv6Addr::LOCALHOST),
    )];
    let mut nice = Vec::new();
    let mut rest = Vec::new();
    let v4: Vec<u64> = b4.into_iter().collect();
    for w in v4.windows(2) {
        let (lo, hi) = (w[0], w[1]);
        let pick = nice4.iter().copied().find(|a| (lo..hi).contains(a));
        let addr = pick.unwrap_or(if hi - lo > 2 { lo + 1 } else { lo });
        let s = IpAddr::V4(Ipv4Addr::from(addr as u32)).to_string();
        if pick.is_some() {
            nice.push(s);
        } else {
            rest.push(s);
        }
    }
    let v6: Vec<u128> = b6.into_iter().collect();
    for (i, &lo) in v6.iter().enumerate() {
        let hi = v6.get(i + 1).copied();
        let inside = |a: u128| a >= lo && hi.is_none_or(|h| a < h);
        let pick = nice6.iter().copied().find(|a| inside(*a));
        let addr = pick.unwrap_or(if hi.is_none_or(|h| h - lo > 2) {
            lo + 1
        } else {
            lo
        });
        let s = IpAddr::V6(Ipv6Addr::from(addr)).to_string();
        if pick.is_some() {
            nice.push(s);
        } else {
            rest.push(s);
        }
    }
    nice.extend(rest);
    nice
}

// ------------------------------------------------------------------------------------------
// policy sets

/// The policies that decide one principal's request, by kind (IAM's evaluation logic).
#[derive(Clone, Debug, Default)]
pub struct PolicySet<'p> {
    /// Identity policies of the principal (and endpoint policies, which act alike: they must
    /// allow, and their denies deny).
    pub identity: Vec<&'p Policy>,
    /// Resource policies of the same account: their allows add to the identity allows.
    pub resource: Vec<&'p Policy>,
    /// Service control policies: their allows (if any SCP allows anything; otherwise AWS's
    /// default `FullAWSAccess` is assumed) intersect, their denies deny.
    pub scps: Vec<&'p Policy>,
    /// Permissions boundaries: their allows intersect, their denies deny.
    pub boundaries: Vec<&'p Policy>,
}

impl<'p> PolicySet<'p> {
    fn all(&self) -> impl Iterator<Item = &&'p Policy> {
        self.identity
            .iter()
            .chain(&self.resource)
            .chain(&self.scps)
            .chain(&self.boundaries)
    }

    /// Every condition of every statement, the unresolved elements of action lists included
    /// (for building the space).
    pub fn conds(&self) -> impl Iterator<Item = &Cond> {
        self.all().flat_map(|p| p.statements.iter()).flat_map(|s| {
            let hole = match &s.actions {
                crate::parse::Actions::Partial { hole, .. } => Some(hole),
                _ => None,
            };
            s.conds.iter().chain(hole)
        })
    }

    /// The conditions of the statements that may cover `action`: the only ones the answer for
    /// that action depends on.
    pub fn conds_for<'s>(&'s self, action: &'s str) -> impl Iterator<Item = &'s Cond> + 's {
        self.all()
            .flat_map(|p| p.statements.iter())
            .filter_map(move |s| s.guard_for(action))
            .flatten()
    }

    /// The region in which `action` is allowed.
    pub fn allowed(&self, space: &Space, action: &str) -> Result<Region, TooComplex> {
        let mut allow = space.union(
            &space.statements(&self.identity, Effect::Allow, action),
            &space.statements(&self.resource, Effect::Allow, action),
        );
        let scp_allow = space.statements(&self.scps, Effect::Allow, action);
        let scps_allow_anything = self
            .scps
            .iter()
            .any(|p| p.statements.iter().any(|s| s.effect == Effect::Allow));
        if scps_allow_anything {
            allow = space.intersect(&allow, &scp_allow)?;
        }
        if !self.boundaries.is_empty() {
            let b = space.statements(&self.boundaries, Effect::Allow, action);
            allow = space.intersect(&allow, &b)?;
        }
        let mut deny = Region::default();
        for p in self.all() {
            deny = space.union(&deny, &space.statements(&[p], Effect::Deny, action));
        }
        space.subtract(&allow, &deny)
    }

    /// Is `action` allowed in some context of `question` (an OR of AND-blocks)?
    pub fn evaluate(&self, action: &str, question: &[Vec<Cond>]) -> Answer {
        let space = Space::build(self.conds_for(action).chain(question.iter().flatten()));
        let q = space.region_of(question);
        match self.allowed(&space, action) {
            Ok(a) => space.decide(&a, &q),
            Err(TooComplex) => Answer::Undecided {
                code: UnknownCode::EP903,
                reason: "the policies are too complex to decide (too many condition combinations)"
                    .into(),
                span: None,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cond::{Condition, Op, SetOp};
    use crate::parse::parse;
    use egressproof_model::Value;

    fn pol(json: &str) -> Policy {
        parse(&Value::from(json)).unwrap()
    }

    fn c(op: &str, key: &str, values: &[&str]) -> Cond {
        let (name, if_exists) = match op.strip_suffix("IfExists") {
            Some(n) => (n, true),
            None => (op, false),
        };
        Cond::Test(Condition {
            op: Op::parse(name).unwrap(),
            set: SetOp::Single,
            if_exists,
            key: key.to_lowercase(),
            values: values.iter().map(|s| s.to_string()).collect(),
        })
    }

    const ALLOW_PRESIGN: &str =
        r#"{"Effect":"Allow","Action":"sagemaker:CreatePresigned*","Resource":"*"}"#;

    fn presign(policy: &Policy, trusted: &[&str], endpoints: &[&str]) -> Answer {
        let set = PolicySet {
            identity: vec![policy],
            ..Default::default()
        };
        let question = vec![
            vec![
                c("Null", SOURCE_IP, &["false"]),
                c("NotIpAddress", SOURCE_IP, trusted),
            ],
            vec![
                c("Null", SOURCE_VPCE, &["false"]),
                c("StringNotEquals", SOURCE_VPCE, endpoints),
            ],
        ];
        set.evaluate("sagemaker:CreatePresignedNotebookInstanceUrl", &question)
    }

    #[test]
    fn unrestricted_allow_is_open_from_anywhere() {
        let p = pol(&format!(r#"{{"Statement":[{ALLOW_PRESIGN}]}}"#));
        match presign(&p, &["203.0.113.0/24"], &[]) {
            Answer::Allowed(w) => {
                assert_eq!(w.get(SOURCE_IP), Some(Some("198.51.100.7")));
                assert_eq!(w.get(SOURCE_VPCE), Some(None));
                assert!(w.describe().contains("not through a VPC endpoint"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn not_ip_deny_alone_fails_closed_through_endpoints() {
        let p = pol(&format!(
            r#"{{"Statement":[{ALLOW_PRESIGN},{{"Effect":"Deny","Action":"sagemaker:*","Resource":"*",
               "Condition":{{"NotIpAddress":{{"aws:SourceIp":"203.0.113.0/24"}}}}}}]}}"#
        ));
        assert_eq!(
            presign(&p, &["203.0.113.0/24"], &["vpce-1"]),
            Answer::Denied
        );
    }

    #[test]
    fn ip_deny_with_endpoint_exception() {
        let p = pol(&format!(
            r#"{{"Statement":[{ALLOW_PRESIGN},{{"Effect":"Deny","Action":"sagemaker:*","Resource":"*",
               "Condition":{{"NotIpAddress":{{"aws:SourceIp":"203.0.113.0/24"}},
                             "StringNotEquals":{{"aws:SourceVpce":["vpce-1"]}}}}}}]}}"#
        ));
        assert_eq!(
            presign(&p, &["203.0.113.0/24"], &["vpce-1"]),
            Answer::Denied
        );
        // The same exception with a foreign endpoint ID counted as trusted would be a bypass
        // only for that endpoint; an endpoint the scan does not declare is untrusted.
        match presign(&p, &["203.0.113.0/24"], &[]) {
            Answer::Allowed(w) => assert_eq!(w.get(SOURCE_VPCE), Some(Some("vpce-1"))),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn allow_with_ip_condition_bypassed_through_endpoint_is_not_possible() {
        // An Allow that requires the corporate IP: through an endpoint there is no source IP,
        // so the allow does not apply; from the internet only the corporate range works.
        let p = pol(
            r#"{"Statement":[{"Effect":"Allow","Action":"sagemaker:*","Resource":"*",
               "Condition":{"IpAddress":{"aws:SourceIp":["203.0.113.0/24"]}}}]}"#,
        );
        assert_eq!(presign(&p, &["203.0.113.0/24"], &[]), Answer::Denied);
        // ...but a negated allow (NotIpAddress of a blocklist) is open through any endpoint.
        let p = pol(
            r#"{"Statement":[{"Effect":"Allow","Action":"sagemaker:*","Resource":"*",
               "Condition":{"NotIpAddress":{"aws:SourceIp":["0.0.0.0/0","::/0"]}}}]}"#,
        );
        match presign(&p, &[], &[]) {
            Answer::Allowed(w) => assert_eq!(w.get(SOURCE_IP), Some(None)),
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unresolved_value_is_undecided_ep902() {
        let mut p = pol(&format!(
            r#"{{"Statement":[{ALLOW_PRESIGN},{{"Effect":"Deny","Action":"sagemaker:*","Resource":"*",
               "Condition":{{"NotIpAddress":{{"aws:SourceIp":"203.0.113.0/24"}}}}}}]}}"#
        ));
        p.statements[1].conds = vec![Cond::Opaque(Opaque::new(
            UnknownCode::EP902,
            "parameter CorporateCidr has no value",
            None,
        ))];
        match presign(&p, &[], &[]) {
            Answer::Undecided { code, reason, .. } => {
                assert_eq!(code, UnknownCode::EP902);
                assert!(reason.contains("CorporateCidr"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn unmodelled_key_in_deny_is_undecided_ep903_and_in_allow_too() {
        let p = pol(&format!(
            r#"{{"Statement":[{ALLOW_PRESIGN},{{"Effect":"Deny","Action":"*","Resource":"*",
               "Condition":{{"StringNotEquals":{{"aws:PrincipalTag/team":"ml"}}}}}}]}}"#
        ));
        match presign(&p, &[], &[]) {
            Answer::Undecided { code, reason, .. } => {
                assert_eq!(code, UnknownCode::EP903);
                assert!(reason.contains("aws:principaltag/team"));
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn not_action_and_not_resource() {
        let p = pol(
            r#"{"Statement":[{"Effect":"Allow","NotAction":"iam:*","NotResource":"arn:aws:s3:::secret/*"}]}"#,
        );
        let set = PolicySet {
            identity: vec![&p],
            ..Default::default()
        };
        assert!(matches!(
            set.evaluate("s3:PutObject", &[vec![]]),
            Answer::Allowed(_)
        ));
        assert_eq!(set.evaluate("iam:PassRole", &[vec![]]), Answer::Denied);
        let q = vec![vec![c(
            "StringLike",
            RESOURCE_KEY,
            &["arn:aws:s3:::secret/*"],
        )]];
        assert_eq!(set.evaluate("s3:PutObject", &q), Answer::Denied);
    }

    #[test]
    fn scp_and_boundary_intersect() {
        let id = pol(r#"{"Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}"#);
        let scp = pol(r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}"#);
        let set = PolicySet {
            identity: vec![&id],
            scps: vec![&scp],
            ..Default::default()
        };
        assert_eq!(
            set.evaluate("sagemaker:CreateModel", &[vec![]]),
            Answer::Denied
        );
        assert!(matches!(
            set.evaluate("s3:GetObject", &[vec![]]),
            Answer::Allowed(_)
        ));
        let boundary =
            pol(r#"{"Statement":[{"Effect":"Allow","Action":"s3:Get*","Resource":"*"}]}"#);
        let set = PolicySet {
            identity: vec![&id],
            boundaries: vec![&boundary],
            ..Default::default()
        };
        assert_eq!(set.evaluate("s3:PutObject", &[vec![]]), Answer::Denied);
        // SCPs with only denies: FullAWSAccess is assumed beside them.
        let scp_deny =
            pol(r#"{"Statement":[{"Effect":"Deny","Action":"s3:PutObject","Resource":"*"}]}"#);
        let set = PolicySet {
            identity: vec![&id],
            scps: vec![&scp_deny],
            ..Default::default()
        };
        assert!(matches!(
            set.evaluate("s3:GetObject", &[vec![]]),
            Answer::Allowed(_)
        ));
        assert_eq!(set.evaluate("s3:PutObject", &[vec![]]), Answer::Denied);
    }

    #[test]
    fn pattern_intersection_is_found() {
        // Allowed only for keys matching both a* and *b: "ab..." exists.
        let p = pol(
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"s3:prefix":"a*"}}},
                {"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringNotLike":{"s3:prefix":"*b"}}}]}"#,
        );
        let set = PolicySet {
            identity: vec![&p],
            ..Default::default()
        };
        assert!(matches!(
            set.evaluate("s3:ListBucket", &[vec![]]),
            Answer::Allowed(_)
        ));
    }

    #[test]
    fn numeric_and_date_ranges() {
        let p = pol(
            r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"s3:max-keys":"10"}}},
                {"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"NumericLessThanEquals":{"s3:max-keys":"9"}}}]}"#,
        );
        let set = PolicySet {
            identity: vec![&p],
            ..Default::default()
        };
        match set.evaluate("s3:ListBucket", &[vec![]]) {
            Answer::Allowed(w) => assert_eq!(w.get("s3:max-keys"), Some(Some("9.5"))),
            other => panic!("{other:?}"),
        }
    }
}
