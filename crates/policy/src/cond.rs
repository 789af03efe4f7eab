//! Condition operators and their documented semantics for one request value.
//!
//! The symbolic engine and the concrete evaluator both call [`Condition::holds`], so there is one
//! place where AWS's rules live (IAM User Guide, "IAM JSON policy elements: Condition operators"
//! and "Condition with multiple context keys or values"):
//! - a condition block is an AND of operators, each operator an AND of keys, each key an OR of
//!   values; for a *negated* operator (`StringNotEquals`, `NotIpAddress`, `ArnNotLike`, ...) the
//!   key matches when the value equals none of the listed values;
//! - a key absent from the request makes a positive operator false and a negated operator TRUE;
//! - `...IfExists` is true when the key is absent;
//! - `Null: true` means absent, `Null: false` means present;
//! - `ForAllValues:` is true when the key is absent (the empty set), `ForAnyValue:` is false.

use egressproof_model::{Span, UnknownCode};
use ipnet::IpNet;
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Condition operators (without `IfExists` and the set prefixes, kept apart).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Op {
    StringEquals,
    StringNotEquals,
    StringEqualsIgnoreCase,
    StringNotEqualsIgnoreCase,
    StringLike,
    StringNotLike,
    NumericEquals,
    NumericNotEquals,
    NumericLessThan,
    NumericLessThanEquals,
    NumericGreaterThan,
    NumericGreaterThanEquals,
    DateEquals,
    DateNotEquals,
    DateLessThan,
    DateLessThanEquals,
    DateGreaterThan,
    DateGreaterThanEquals,
    Bool,
    BinaryEquals,
    IpAddress,
    NotIpAddress,
    ArnEquals,
    ArnLike,
    ArnNotEquals,
    ArnNotLike,
    Null,
}

/// What kind of value an operator compares; the engine partitions a key's values by it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    Str,
    Num,
    Date,
    Bool,
    Ip,
    Arn,
    Binary,
    Null,
}

impl Op {
    pub fn parse(name: &str) -> Option<Op> {
        use Op::*;
        Some(match name {
            "StringEquals" => StringEquals,
            "StringNotEquals" => StringNotEquals,
            "StringEqualsIgnoreCase" => StringEqualsIgnoreCase,
            "StringNotEqualsIgnoreCase" => StringNotEqualsIgnoreCase,
            "StringLike" => StringLike,
            "StringNotLike" => StringNotLike,
            "NumericEquals" => NumericEquals,
            "NumericNotEquals" => NumericNotEquals,
            "NumericLessThan" => NumericLessThan,
            "NumericLessThanEquals" => NumericLessThanEquals,
            "NumericGreaterThan" => NumericGreaterThan,
            "NumericGreaterThanEquals" => NumericGreaterThanEquals,
            "DateEquals" => DateEquals,
            "DateNotEquals" => DateNotEquals,
            "DateLessThan" => DateLessThan,
            "DateLessThanEquals" => DateLessThanEquals,
            "DateGreaterThan" => DateGreaterThan,
            "DateGreaterThanEquals" => DateGreaterThanEquals,
            "Bool" => Bool,
            "BinaryEquals" => BinaryEquals,
            "IpAddress" => IpAddress,
            "NotIpAddress" => NotIpAddress,
            "ArnEquals" => ArnEquals,
            "ArnLike" => ArnLike,
            "ArnNotEquals" => ArnNotEquals,
            "ArnNotLike" => ArnNotLike,
            "Null" => Null,
            _ => return None,
        })
    }

    /// Negated operators are true when the key is absent, and true when no value matches.
    pub fn negated(self) -> bool {
        use Op::*;
        matches!(
            self,
            StringNotEquals
                | StringNotEqualsIgnoreCase
                | StringNotLike
                | NumericNotEquals
                | DateNotEquals
                | NotIpAddress
                | ArnNotEquals
                | ArnNotLike
        )
    }

    pub fn family(self) -> Family {
        use Op::*;
        match self {
            StringEquals
            | StringNotEquals
            | StringEqualsIgnoreCase
            | StringNotEqualsIgnoreCase
            | StringLike
            | StringNotLike => Family::Str,
            NumericEquals
            | NumericNotEquals
            | NumericLessThan
            | NumericLessThanEquals
            | NumericGreaterThan
            | NumericGreaterThanEquals => Family::Num,
            DateEquals
            | DateNotEquals
            | DateLessThan
            | DateLessThanEquals
            | DateGreaterThan
            | DateGreaterThanEquals => Family::Date,
            Bool => Family::Bool,
            BinaryEquals => Family::Binary,
            IpAddress | NotIpAddress => Family::Ip,
            ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => Family::Arn,
            Null => Family::Null,
        }
    }

    /// Whether the operator's values are wildcard patterns.
    pub fn is_like(self) -> bool {
        use Op::*;
        matches!(
            self,
            StringLike | StringNotLike | ArnEquals | ArnLike | ArnNotEquals | ArnNotLike
        )
    }

    pub fn ignores_case(self) -> bool {
        matches!(
            self,
            Op::StringEqualsIgnoreCase | Op::StringNotEqualsIgnoreCase | Op::Bool
        )
    }
}

/// The set operator prefix for multivalued keys.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SetOp {
    Single,
    ForAnyValue,
    ForAllValues,
}

/// One operator applied to one key with its list of values.
#[derive(Clone, Debug, PartialEq)]
pub struct Condition {
    pub op: Op,
    pub set: SetOp,
    pub if_exists: bool,
    /// Lower-cased: condition key names are case-insensitive.
    pub key: String,
    /// Rendered values; symbols appear as `${AWS::AccountId}`, `${file#Logical}`.
    pub values: Vec<String>,
}

/// A condition the engine cannot evaluate: an unresolved value (EP902), a policy variable or an
/// unsupported operator (EP903). It becomes a free boolean of its own: an Allow guarded by it is
/// *possibly* allowed, a Deny guarded by it *possibly* denies, and nothing is decided on it.
#[derive(Clone, Debug, PartialEq)]
pub struct Opaque {
    /// A unique pseudo key (`?12`), so that two opaque conditions are independent.
    pub key: String,
    pub code: UnknownCode,
    pub reason: String,
    pub span: Option<Span>,
}

impl Opaque {
    pub fn new(code: UnknownCode, reason: impl Into<String>, span: Option<Span>) -> Self {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        Opaque {
            key: format!("?{}", NEXT.fetch_add(1, Ordering::Relaxed)),
            code,
            reason: reason.into(),
            span,
        }
    }
}

/// A statement's guard: a real condition, an opaque one, or a disjunction of guards.
#[derive(Clone, Debug, PartialEq)]
pub enum Cond {
    Test(Condition),
    Opaque(Opaque),
    /// Holds when one of them holds. A list with an unresolved element is one: `Resource:
    /// [<unresolved>, arn:aws:s3:::*sagemaker*]` is "the resource matches the literal, OR the
    /// unresolved element names it", so the literal decides on its own wherever it matches
    /// (`true OR unknown` is true) and the unknown decides nothing where it does not.
    Any(Vec<Cond>),
}

impl Cond {
    /// The condition key a test or an opaque condition reads; a disjunction reads several (see
    /// [`Cond::leaves`]) and answers the empty string.
    pub fn key(&self) -> &str {
        match self {
            Cond::Test(c) => &c.key,
            Cond::Opaque(o) => &o.key,
            Cond::Any(_) => "",
        }
    }

    /// The tests and opaque conditions inside, disjunctions opened: what the request context
    /// must have a dimension for.
    pub fn leaves(&self) -> Leaves<'_> {
        Leaves {
            next: Some(self),
            stack: Vec::new(),
        }
    }

    /// The truth of a test or an opaque condition for one request value of its key (`None`:
    /// the key is absent). An opaque condition reads its pseudo key: `"true"` means it holds.
    /// A disjunction spans several keys and is evaluated over a whole request (the symbolic
    /// engine expands it into one box per alternative): here it is false.
    pub fn holds(&self, value: Option<&str>) -> bool {
        match self {
            Cond::Test(c) => c.holds(value),
            Cond::Opaque(_) => value == Some("true"),
            Cond::Any(_) => false,
        }
    }
}

/// The leaves of a guard ([`Cond::leaves`]), without allocating for a guard that is one.
pub struct Leaves<'a> {
    next: Option<&'a Cond>,
    stack: Vec<&'a Cond>,
}

impl<'a> Iterator for Leaves<'a> {
    type Item = &'a Cond;

    fn next(&mut self) -> Option<&'a Cond> {
        loop {
            let c = self.next.take().or_else(|| self.stack.pop())?;
            match c {
                Cond::Any(alts) => self.stack.extend(alts.iter().rev()),
                leaf => return Some(leaf),
            }
        }
    }
}

impl Condition {
    /// The documented semantics for a single-valued (or absent) key.
    pub fn holds(&self, value: Option<&str>) -> bool {
        let Some(v) = value else {
            if self.op == Op::Null {
                return self.values.iter().any(|c| c.eq_ignore_ascii_case("true"));
            }
            if self.if_exists {
                return true;
            }
            return match self.set {
                SetOp::ForAllValues => true,
                SetOp::ForAnyValue => false,
                SetOp::Single => self.op.negated(),
            };
        };
        if self.op == Op::Null {
            return self.values.iter().any(|c| c.eq_ignore_ascii_case("false"));
        }
        let any = self.values.iter().any(|c| base_match(self.op, v, c));
        if self.op.negated() {
            !any
        } else {
            any
        }
    }

    /// The semantics for a multivalued key (a set of request values; empty means absent).
    pub fn holds_multi(&self, values: Option<&[String]>) -> bool {
        match values {
            None => self.holds(None),
            Some([]) => self.holds(None),
            Some(vs) => match self.set {
                SetOp::ForAllValues => vs.iter().all(|v| self.holds(Some(v))),
                SetOp::ForAnyValue | SetOp::Single => vs.iter().any(|v| self.holds(Some(v))),
            },
        }
    }
}

/// Whether the request value `v` matches the policy value `c` under the positive form of `op`.
fn base_match(op: Op, v: &str, c: &str) -> bool {
    use Op::*;
    match op {
        StringEquals | StringNotEquals | BinaryEquals => v == c,
        StringEqualsIgnoreCase | StringNotEqualsIgnoreCase => v.to_lowercase() == c.to_lowercase(),
        Bool => v.eq_ignore_ascii_case(c),
        StringLike | StringNotLike | ArnEquals | ArnLike | ArnNotEquals | ArnNotLike => {
            crate::glob::matches(c, v, false)
        }
        IpAddress | NotIpAddress => match (v.parse::<IpAddr>(), parse_net(c)) {
            (Ok(ip), Some(net)) => net.contains(&ip),
            _ => false,
        },
        NumericEquals
        | NumericNotEquals
        | NumericLessThan
        | NumericLessThanEquals
        | NumericGreaterThan
        | NumericGreaterThanEquals => match (parse_number(v), parse_number(c)) {
            (Some(a), Some(b)) => compare(op, a, b),
            _ => false,
        },
        DateEquals
        | DateNotEquals
        | DateLessThan
        | DateLessThanEquals
        | DateGreaterThan
        | DateGreaterThanEquals => match (parse_date(v), parse_date(c)) {
            (Some(a), Some(b)) => compare(op, a, b),
            _ => false,
        },
        Null => false,
    }
}

fn compare(op: Op, a: f64, b: f64) -> bool {
    use Op::*;
    match op {
        NumericEquals | NumericNotEquals | DateEquals | DateNotEquals => a == b,
        NumericLessThan | DateLessThan => a < b,
        NumericLessThanEquals | DateLessThanEquals => a <= b,
        NumericGreaterThan | DateGreaterThan => a > b,
        NumericGreaterThanEquals | DateGreaterThanEquals => a >= b,
        _ => false,
    }
}

/// A CIDR or a bare address (a host route), as IAM accepts both.
pub fn parse_net(s: &str) -> Option<IpNet> {
    let s = s.trim();
    if let Ok(n) = s.parse::<IpNet>() {
        return Some(n);
    }
    s.parse::<IpAddr>().ok().map(IpNet::from)
}

pub fn parse_number(s: &str) -> Option<f64> {
    s.trim().parse::<f64>().ok().filter(|f| f.is_finite())
}

/// A date as seconds since the epoch: an epoch number, `YYYY-MM-DD`, or an ISO 8601 date-time
/// (`2024-01-31T12:00:00Z`; fractions and offsets are honoured to the second).
pub fn parse_date(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Some(n) = parse_number(s) {
        return Some(n);
    }
    let (date, time) = match s.split_once(['T', 't', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut it = date.split('-');
    let y: i64 = it.next()?.parse().ok()?;
    let m: i64 = it.next()?.parse().ok()?;
    let d: i64 = it.next()?.parse().ok()?;
    if it.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let mut secs = days_from_civil(y, m, d) as f64 * 86_400.0;
    if let Some(t) = time {
        let (clock, offset) = split_offset(t)?;
        let mut parts = clock.split(':');
        let h: f64 = parts.next()?.parse().ok()?;
        let mi: f64 = parts.next().unwrap_or("0").parse().ok()?;
        let se: f64 = parts.next().unwrap_or("0").parse().ok()?;
        secs += h * 3600.0 + mi * 60.0 + se - offset;
    }
    Some(secs)
}

fn split_offset(t: &str) -> Option<(&str, f64)> {
    if let Some(c) = t.strip_suffix(['Z', 'z']) {
        return Some((c, 0.0));
    }
    if let Some(i) = t.rfind(['+', '-']) {
        let (clock, off) = t.split_at(i);
        let sign = if off.starts_with('-') { -1.0 } else { 1.0 };
        let mut hm = off[1..].split(':');
        let h: f64 = hm.next()?.parse().ok()?;
        let m: f64 = hm.next().unwrap_or("0").parse().ok()?;
        return Some((clock, sign * (h * 3600.0 + m * 60.0)));
    }
    Some((t, 0.0))
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(op: &str, key: &str, values: &[&str]) -> Condition {
        let (set, rest) = if let Some(r) = op.strip_prefix("ForAnyValue:") {
            (SetOp::ForAnyValue, r)
        } else if let Some(r) = op.strip_prefix("ForAllValues:") {
            (SetOp::ForAllValues, r)
        } else {
            (SetOp::Single, op)
        };
        let (name, if_exists) = match rest.strip_suffix("IfExists") {
            Some(n) => (n, true),
            None => (rest, false),
        };
        Condition {
            op: Op::parse(name).unwrap(),
            set,
            if_exists,
            key: key.to_lowercase(),
            values: values.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn string_family() {
        let eq = c("StringEquals", "k", &["a", "b"]);
        assert!(eq.holds(Some("b")));
        assert!(!eq.holds(Some("B")));
        assert!(!eq.holds(None));
        let ne = c("StringNotEquals", "k", &["a", "b"]);
        assert!(ne.holds(Some("c")));
        assert!(!ne.holds(Some("a")));
        assert!(ne.holds(None), "negated operator on an absent key is true");
        let ic = c("StringEqualsIgnoreCase", "k", &["Enabled"]);
        assert!(ic.holds(Some("ENABLED")));
        let like = c("StringLike", "k", &["vpce-*"]);
        assert!(like.holds(Some("vpce-123")));
        assert!(!like.holds(Some("vpc-123")));
        let nlike = c("StringNotLike", "k", &["vpce-*"]);
        assert!(nlike.holds(Some("vpc-1")) && nlike.holds(None) && !nlike.holds(Some("vpce-1")));
    }

    #[test]
    fn numeric_and_date_families() {
        assert!(c("NumericLessThan", "k", &["10"]).holds(Some("9.5")));
        assert!(!c("NumericLessThan", "k", &["10"]).holds(Some("10")));
        assert!(c("NumericLessThanEquals", "k", &["10"]).holds(Some("10")));
        assert!(c("NumericGreaterThan", "k", &["10"]).holds(Some("11")));
        assert!(c("NumericNotEquals", "k", &["10"]).holds(None));
        assert!(!c("NumericEquals", "k", &["10"]).holds(Some("abc")));
        let before = c("DateLessThan", "aws:CurrentTime", &["2024-01-01T00:00:00Z"]);
        assert!(before.holds(Some("2023-12-31T23:59:59Z")));
        assert!(!before.holds(Some("2024-01-01")));
        assert!(c("DateEquals", "k", &["1970-01-02"]).holds(Some("86400")));
        assert!(c("DateGreaterThan", "k", &["2024-01-01T00:00:00+01:00"])
            .holds(Some("2023-12-31T23:30:00Z")));
    }

    #[test]
    fn bool_binary_null() {
        let b = c("Bool", "aws:SecureTransport", &["false"]);
        assert!(b.holds(Some("false")) && b.holds(Some("False")));
        assert!(
            !b.holds(None),
            "Bool on an absent key is false: the fail-open trap"
        );
        assert!(c("BoolIfExists", "k", &["false"]).holds(None));
        assert!(c("BinaryEquals", "k", &["QmluYXJ5"]).holds(Some("QmluYXJ5")));
        let null_true = c("Null", "k", &["true"]);
        assert!(null_true.holds(None) && !null_true.holds(Some("x")));
        let null_false = c("Null", "k", &["false"]);
        assert!(!null_false.holds(None) && null_false.holds(Some("x")));
    }

    #[test]
    fn ip_family() {
        let ip = c(
            "IpAddress",
            "aws:SourceIp",
            &["203.0.113.0/24", "2001:db8::/32"],
        );
        assert!(ip.holds(Some("203.0.113.9")));
        assert!(ip.holds(Some("2001:db8::1")));
        assert!(!ip.holds(Some("198.51.100.7")));
        assert!(!ip.holds(None));
        let not = c("NotIpAddress", "aws:SourceIp", &["203.0.113.0/24"]);
        assert!(not.holds(Some("198.51.100.7")));
        assert!(
            not.holds(None),
            "through a VPC endpoint aws:SourceIp is absent: true"
        );
        assert!(c("IpAddress", "k", &["10.0.0.1"]).holds(Some("10.0.0.1")));
    }

    #[test]
    fn arn_family() {
        let l = c(
            "ArnLike",
            "aws:PrincipalArn",
            &["arn:aws:iam::*:role/admin-*"],
        );
        assert!(l.holds(Some("arn:aws:iam::111122223333:role/admin-x")));
        assert!(!l.holds(Some("arn:aws:iam::111122223333:role/user")));
        assert!(c("ArnNotLike", "k", &["arn:aws:iam::*:role/a"]).holds(None));
    }

    #[test]
    fn if_exists_and_set_operators() {
        let e = c("StringEqualsIfExists", "k", &["a"]);
        assert!(e.holds(None) && e.holds(Some("a")) && !e.holds(Some("b")));
        let any = c("ForAnyValue:StringEquals", "aws:TagKeys", &["a"]);
        assert!(!any.holds(None));
        assert!(any.holds_multi(Some(&["x".into(), "a".into()])));
        assert!(!any.holds_multi(Some(&["x".into()])));
        let all = c("ForAllValues:StringEquals", "aws:TagKeys", &["a", "b"]);
        assert!(all.holds(None), "ForAllValues is true for an absent key");
        assert!(all.holds_multi(Some(&["a".into(), "b".into()])));
        assert!(!all.holds_multi(Some(&["a".into(), "c".into()])));
        assert!(all.holds_multi(Some(&[])));
    }
}
