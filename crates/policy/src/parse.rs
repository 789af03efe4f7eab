//! The policy language, parsed once from a model [`Value`].
//!
//! A document arrives as a map (YAML or JSON already parsed by the loader) or as a string of JSON
//! text, possibly with symbolic parts (`!Sub` of a JSON body). Symbolic parts are kept: the text
//! is parsed with a placeholder for each symbol, and the placeholders become symbols again, so
//! `${AWS::AccountId}` stays "our account" instead of turning into a made-up literal.
//!
//! `Resource`/`NotResource` and `Principal`/`NotPrincipal` are lowered to ordinary conditions on
//! the pseudo keys [`RESOURCE_KEY`] and [`PRINCIPAL_KEY`], so that the engine has one mechanism
//! for everything a statement tests. What cannot be evaluated (an unresolved value, a policy
//! variable such as `${aws:username}`, an unknown operator) becomes an [`Opaque`] condition:
//! never silently true, never silently false.

use crate::cond::{Cond, Condition, Op, Opaque, SetOp};
use egressproof_model::{Part, Span, Unknown, UnknownCode, Value};

/// The pseudo condition key a statement's `Resource` element tests.
pub const RESOURCE_KEY: &str = "#resource";
/// The pseudo condition key a statement's `Principal` element tests (a principal ARN, or
/// `service:NAME`, `federated:NAME`, `canonical:ID`).
pub const PRINCIPAL_KEY: &str = "#principal";

/// Why a document could not be read at all.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ParseError {
    /// The document (or its effect) is an unresolved value.
    #[error("unresolved policy document: {}", .0.reason)]
    Unknown(Unknown),
    /// Not an IAM policy document.
    #[error("not a policy document: {0}")]
    Malformed(String),
}

impl ParseError {
    /// The unknown family this error belongs to (EP902 unresolved, EP903 not understood).
    pub fn code(&self) -> UnknownCode {
        match self {
            ParseError::Unknown(_) => UnknownCode::EP902,
            ParseError::Malformed(_) => UnknownCode::EP903,
        }
    }

    pub fn span(&self) -> Option<Span> {
        match self {
            ParseError::Unknown(u) => u.span.clone(),
            ParseError::Malformed(_) => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Effect {
    Allow,
    Deny,
}

/// `Action` or `NotAction`, as lower-cased wildcard patterns.
#[derive(Clone, Debug, PartialEq)]
pub enum Actions {
    Action(Vec<String>),
    NotAction(Vec<String>),
    /// A list with unresolved elements: it covers what its patterns name (`Action`) or do not
    /// name (`NotAction`, `negated`), and an action that only the unresolved elements decide is
    /// covered *maybe*: `hole`, an opaque condition, says whether (for `Action`, "an unresolved
    /// element names it"; for `NotAction`, "none does").
    Partial {
        negated: bool,
        patterns: Vec<String>,
        hole: Cond,
    },
}

/// Whether a statement applies to an action: three answers, as for everything unresolved.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Coverage<'a> {
    No,
    Yes,
    /// Only the unresolved elements of the list decide: the statement applies when this
    /// (opaque) condition holds.
    Maybe(&'a Cond),
}

impl Actions {
    /// Whether the statement covers `action` for certain, not at all, or depending on an
    /// unresolved element (IAM actions are case-insensitive).
    pub fn coverage(&self, action: &str) -> Coverage<'_> {
        let hit = |pats: &[String]| pats.iter().any(|p| crate::glob::matches(p, action, true));
        match self {
            Actions::Action(p) if hit(p) => Coverage::Yes,
            Actions::NotAction(p) if !hit(p) => Coverage::Yes,
            Actions::Action(_) | Actions::NotAction(_) => Coverage::No,
            Actions::Partial {
                negated, patterns, ..
            } if hit(patterns) => {
                if *negated {
                    Coverage::No
                } else {
                    Coverage::Yes
                }
            }
            Actions::Partial { hole, .. } => Coverage::Maybe(hole),
        }
    }

    /// Whether the statement may cover `action`: for certain, or depending on an unresolved
    /// element. Callers that count on a statement applying (a Deny that restricts) ask
    /// [`Actions::coverage`].
    pub fn covers(&self, action: &str) -> bool {
        self.coverage(action) != Coverage::No
    }

    pub fn patterns(&self) -> &[String] {
        match self {
            Actions::Action(p) | Actions::NotAction(p) => p,
            Actions::Partial { patterns, .. } => patterns,
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Statement {
    pub sid: Option<String>,
    pub effect: Effect,
    pub actions: Actions,
    /// All of them must hold (Resource, Principal and Condition, lowered).
    pub conds: Vec<Cond>,
}

impl Statement {
    /// The conditions on a key (lower-cased name), those inside a disjunction included.
    pub fn conds_on<'a>(&'a self, key: &'a str) -> impl Iterator<Item = &'a Condition> + 'a {
        self.conds
            .iter()
            .flat_map(Cond::leaves)
            .filter_map(move |c| match c {
                Cond::Test(t) if t.key == key => Some(t),
                _ => None,
            })
    }

    /// The opaque conditions: in the guard, and the unresolved elements of the action list.
    pub fn opaque(&self) -> impl Iterator<Item = &Opaque> {
        let hole = match &self.actions {
            Actions::Partial { hole, .. } => Some(hole),
            _ => None,
        };
        self.conds
            .iter()
            .chain(hole)
            .flat_map(Cond::leaves)
            .filter_map(|c| match c {
                Cond::Opaque(o) => Some(o),
                _ => None,
            })
    }

    /// The conditions under which the statement applies to `action`, `None` when it does not:
    /// its guard, and the opaque condition of an unresolved action-list element when only that
    /// element decides.
    pub fn guard_for<'a>(&'a self, action: &str) -> Option<impl Iterator<Item = &'a Cond> + 'a> {
        let extra = match self.actions.coverage(action) {
            Coverage::No => return None,
            Coverage::Yes => None,
            Coverage::Maybe(hole) => Some(hole),
        };
        Some(self.conds.iter().chain(extra))
    }
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Policy {
    pub statements: Vec<Statement>,
}

impl Policy {
    /// A policy of one statement allowing `actions` on everything (AWS managed policies, the
    /// default endpoint policy).
    pub fn allow_all(actions: &[&str]) -> Policy {
        Policy {
            statements: vec![Statement {
                sid: None,
                effect: Effect::Allow,
                actions: Actions::Action(actions.iter().map(|a| a.to_lowercase()).collect()),
                conds: Vec::new(),
            }],
        }
    }
}

/// Parses a policy document.
pub fn parse(doc: &Value) -> Result<Policy, ParseError> {
    let doc = as_document(doc)?;
    let statements = match doc.get("Statement") {
        Some(Value::List(items)) => items.iter().collect::<Vec<_>>(),
        Some(Value::Unknown(u)) => return Err(ParseError::Unknown(u.clone())),
        Some(one @ Value::Map(_)) => vec![one],
        Some(other) => {
            return Err(ParseError::Malformed(format!(
                "Statement is {}",
                other.render()
            )))
        }
        None => return Err(ParseError::Malformed("no Statement".into())),
    };
    let mut out = Vec::with_capacity(statements.len());
    for s in statements {
        out.push(statement(s)?);
    }
    Ok(Policy { statements: out })
}

/// The document as a map: a map already, or JSON text (with symbols) parsed to one by the aws
/// layer's one reading of JSON text, the same the loaders use.
pub(crate) fn as_document(doc: &Value) -> Result<Value, ParseError> {
    match doc {
        Value::Map(_) => Ok(doc.clone()),
        Value::Unknown(u) => Err(ParseError::Unknown(u.clone())),
        Value::Str(_) | Value::Text(_) => match egressproof_aws::json_text::parse_value(doc) {
            Ok(v @ Value::Map(_)) => Ok(v),
            Ok(other) => Err(ParseError::Malformed(format!(
                "JSON is not an object: {}",
                other.render()
            ))),
            Err(e) => Err(ParseError::Malformed(format!("invalid JSON: {e}"))),
        },
        other => Err(ParseError::Malformed(format!(
            "a policy must be a map, got {}",
            other.render()
        ))),
    }
}

/// A string element as the engine reads it.
enum Str {
    Lit(String),
    Unknown(Unknown),
    /// Holds a policy variable (`${aws:username}`), named here.
    Variable(String),
}

fn string_of(v: &Value) -> Result<Str, ParseError> {
    Ok(match v {
        Value::Str(s) => match variable_in(s) {
            Some(var) => Str::Variable(var),
            None => Str::Lit(s.clone()),
        },
        Value::Text(parts) => {
            for p in parts {
                if let Part::Lit(s) = p {
                    if let Some(var) = variable_in(s) {
                        return Ok(Str::Variable(var));
                    }
                }
            }
            Str::Lit(v.render())
        }
        Value::Bool(b) => Str::Lit(b.to_string()),
        Value::Number(n) => Str::Lit(n.clone()),
        Value::Unknown(u) => Str::Unknown(u.clone()),
        other => {
            return Err(ParseError::Malformed(format!(
                "expected a string, got {}",
                other.render()
            )))
        }
    })
}

/// The first policy variable in a literal (`${aws:username}`); `${*}`, `${?}`, `${$}` are
/// escapes for the literal characters, not variables.
fn variable_in(s: &str) -> Option<String> {
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        let after = &rest[i + 2..];
        let end = after.find('}')?;
        let name = &after[..end];
        if !matches!(name, "*" | "?" | "$") {
            return Some(format!("${{{name}}}"));
        }
        rest = &after[end + 1..];
    }
    None
}

fn strings(v: &Value) -> Result<Vec<Str>, ParseError> {
    v.as_list().into_iter().map(string_of).collect()
}

fn statement(v: &Value) -> Result<Statement, ParseError> {
    let Value::Map(m) = v else {
        return Err(ParseError::Malformed(format!(
            "a statement must be a map, got {}",
            v.render()
        )));
    };
    let sid = m.get("Sid").map(Value::render);
    let effect = match m.get("Effect") {
        Some(Value::Str(s)) if s == "Allow" => Effect::Allow,
        Some(Value::Str(s)) if s == "Deny" => Effect::Deny,
        Some(Value::Unknown(u)) => return Err(ParseError::Unknown(u.clone())),
        other => {
            return Err(ParseError::Malformed(format!(
                "Effect must be Allow or Deny, got {}",
                other.map(Value::render).unwrap_or_else(|| "nothing".into())
            )))
        }
    };
    let mut conds = Vec::new();
    let actions = match (m.get("Action"), m.get("NotAction")) {
        (Some(a), None) => action_list(a, false)?,
        (None, Some(a)) => action_list(a, true)?,
        _ => {
            return Err(ParseError::Malformed(
                "a statement needs exactly one of Action and NotAction".into(),
            ))
        }
    };
    match (m.get("Resource"), m.get("NotResource")) {
        (Some(r), None) => element(r, RESOURCE_KEY, false, "Resource", &mut conds)?,
        (None, Some(r)) => element(r, RESOURCE_KEY, true, "NotResource", &mut conds)?,
        (None, None) => {}
        _ => {
            return Err(ParseError::Malformed(
                "a statement has both Resource and NotResource".into(),
            ))
        }
    }
    match (m.get("Principal"), m.get("NotPrincipal")) {
        (Some(p), None) => principal(p, false, &mut conds)?,
        (None, Some(p)) => principal(p, true, &mut conds)?,
        (None, None) => {}
        _ => {
            return Err(ParseError::Malformed(
                "a statement has both Principal and NotPrincipal".into(),
            ))
        }
    }
    if let Some(c) = m.get("Condition") {
        condition_block(c, &mut conds)?;
    }
    Ok(Statement {
        sid,
        effect,
        actions,
        conds,
    })
}

/// `Action` or `NotAction`. An unresolved element may name any action, or none: the list
/// covers what its literals decide, and the rest only maybe ([`Actions::Partial`]).
fn action_list(v: &Value, negated: bool) -> Result<Actions, ParseError> {
    let mut out = Vec::new();
    let mut hole = None;
    for s in strings(v)? {
        match s {
            Str::Lit(a) => out.push(a.to_lowercase()),
            Str::Variable(a) => out.push(a.to_lowercase()),
            Str::Unknown(u) => {
                hole.get_or_insert_with(|| {
                    Cond::Opaque(Opaque::new(
                        UnknownCode::EP902,
                        format!("unresolved action: {}", u.reason),
                        u.span,
                    ))
                });
            }
        }
    }
    Ok(match (hole, negated) {
        (None, false) => Actions::Action(out),
        (None, true) => Actions::NotAction(out),
        (Some(hole), negated) => Actions::Partial {
            negated,
            patterns: out,
            hole,
        },
    })
}

/// The first unresolved element or policy variable of a list, as an opaque condition.
fn hole_of(s: Str, what: &str) -> Result<String, Opaque> {
    match s {
        Str::Lit(p) => Ok(p),
        Str::Unknown(u) => Err(Opaque::new(
            UnknownCode::EP902,
            format!("unresolved {what}: {}", u.reason),
            u.span,
        )),
        Str::Variable(var) => Err(Opaque::new(
            UnknownCode::EP903,
            format!("policy variable {var} in {what}"),
            None,
        )),
    }
}

/// A list of values, some unresolved, as the guard it makes. IAM ORs a list's values; an
/// unresolved value is an unknown boolean `u`. For a positive test that is `test(literals) OR
/// u` (true where a literal matches, whatever `u` is); for a negated one (`NotResource`,
/// `StringNotEquals`: "none of the values matches") it is `test(literals) AND u`. With no
/// literal at all only `u` is left. Whole-list matches (a positive `*`) are handled by callers.
fn list_guard(test: Condition, hole: Option<Opaque>, conds: &mut Vec<Cond>) {
    let Some(hole) = hole else {
        conds.push(Cond::Test(test));
        return;
    };
    if test.values.is_empty() {
        conds.push(Cond::Opaque(hole));
    } else if test.op.negated() {
        conds.push(Cond::Test(test));
        conds.push(Cond::Opaque(hole));
    } else {
        conds.push(Cond::Any(vec![Cond::Test(test), Cond::Opaque(hole)]));
    }
}

/// `Resource`/`NotResource` (or a principal list) as a pattern condition on a pseudo key.
fn element(
    v: &Value,
    key: &str,
    negated: bool,
    what: &str,
    conds: &mut Vec<Cond>,
) -> Result<(), ParseError> {
    let mut values = Vec::new();
    let mut hole = None;
    for s in strings(v)? {
        match hole_of(s, what) {
            Ok(p) => values.push(p),
            Err(o) => {
                hole.get_or_insert(o);
            }
        }
    }
    if !negated && values.iter().any(|p| p == "*") {
        return Ok(());
    }
    let test = Condition {
        op: if negated {
            Op::StringNotLike
        } else {
            Op::StringLike
        },
        set: SetOp::Single,
        if_exists: false,
        key: key.to_string(),
        values,
    };
    list_guard(test, hole, conds);
    Ok(())
}

fn principal(v: &Value, negated: bool, conds: &mut Vec<Cond>) -> Result<(), ParseError> {
    let what = if negated { "NotPrincipal" } else { "Principal" };
    let mut pats = Vec::new();
    let mut hole = None;
    match v {
        Value::Str(s) if s == "*" => pats.push("*".to_string()),
        Value::Map(m) => {
            for (kind, ids) in m {
                for s in strings(ids)? {
                    let s = match hole_of(s, what) {
                        Ok(s) => s,
                        Err(o) => {
                            hole.get_or_insert(o);
                            continue;
                        }
                    };
                    pats.push(match kind.as_str() {
                        "AWS" => aws_principal(&s),
                        "Service" => format!("service:{s}"),
                        "Federated" => format!("federated:{s}"),
                        "CanonicalUser" => format!("canonical:{s}"),
                        other => {
                            return Err(ParseError::Malformed(format!(
                                "unknown principal type {other}"
                            )))
                        }
                    });
                }
            }
        }
        Value::Unknown(u) => {
            conds.push(Cond::Opaque(Opaque::new(
                UnknownCode::EP902,
                format!("unresolved {what}: {}", u.reason),
                u.span.clone(),
            )));
            return Ok(());
        }
        other => {
            return Err(ParseError::Malformed(format!(
                "{what} must be '*' or a map, got {}",
                other.render()
            )))
        }
    }
    if !negated && pats.iter().any(|p| p == "*") {
        return Ok(());
    }
    let test = Condition {
        op: if negated {
            Op::StringNotLike
        } else {
            Op::StringLike
        },
        set: SetOp::Single,
        if_exists: false,
        key: PRINCIPAL_KEY.to_string(),
        values: pats,
    };
    list_guard(test, hole, conds);
    Ok(())
}

/// An `AWS` principal as a pattern over principal ARNs: an account ID or its `:root` ARN names
/// every principal of that account.
fn aws_principal(s: &str) -> String {
    if s == "*" {
        return "*".into();
    }
    if s.len() == 12 && s.chars().all(|c| c.is_ascii_digit()) {
        return format!("arn:aws:iam::{s}:*");
    }
    if let Some(prefix) = s.strip_suffix(":root") {
        return format!("{prefix}:*");
    }
    if s.starts_with("${") && !s.contains(':') {
        // `!Ref AWS::AccountId` alone: the whole account.
        return format!("arn:aws:iam::{s}:*");
    }
    s.to_string()
}

fn condition_block(v: &Value, conds: &mut Vec<Cond>) -> Result<(), ParseError> {
    let Value::Map(ops) = v else {
        if let Value::Unknown(u) = v {
            conds.push(Cond::Opaque(Opaque::new(
                UnknownCode::EP902,
                format!("unresolved Condition: {}", u.reason),
                u.span.clone(),
            )));
            return Ok(());
        }
        return Err(ParseError::Malformed(format!(
            "Condition must be a map, got {}",
            v.render()
        )));
    };
    for (op_name, keys) in ops {
        let (set, rest) = if let Some(r) = op_name.strip_prefix("ForAnyValue:") {
            (SetOp::ForAnyValue, r)
        } else if let Some(r) = op_name.strip_prefix("ForAllValues:") {
            (SetOp::ForAllValues, r)
        } else {
            (SetOp::Single, op_name.as_str())
        };
        let (name, if_exists) = match rest.strip_suffix("IfExists") {
            Some(n) if n != "Null" => (n, true),
            _ => (rest, false),
        };
        let Value::Map(keys) = keys else {
            conds.push(Cond::Opaque(Opaque::new(
                if matches!(keys, Value::Unknown(_)) {
                    UnknownCode::EP902
                } else {
                    UnknownCode::EP903
                },
                format!("condition {op_name} is not a map of keys"),
                keys.first_unknown().and_then(|u| u.span.clone()),
            )));
            continue;
        };
        let Some(op) = Op::parse(name) else {
            for key in keys.keys() {
                conds.push(Cond::Opaque(Opaque::new(
                    UnknownCode::EP903,
                    format!("condition operator {op_name} on {key} is not supported"),
                    None,
                )));
            }
            continue;
        };
        for (key, vals) in keys {
            let mut values = Vec::new();
            let mut opaque = None;
            for s in strings(vals)? {
                match s {
                    Str::Lit(x) => values.push(x),
                    Str::Unknown(u) => {
                        opaque.get_or_insert_with(|| {
                            Opaque::new(
                                UnknownCode::EP902,
                                format!("{op_name} {key}: {}", u.reason),
                                u.span,
                            )
                        });
                    }
                    Str::Variable(var) => {
                        opaque.get_or_insert_with(|| {
                            Opaque::new(
                                UnknownCode::EP903,
                                format!("{op_name} {key}: policy variable {var}"),
                                None,
                            )
                        });
                    }
                }
            }
            let test = Condition {
                op,
                set,
                if_exists,
                key: key.to_lowercase(),
                values,
            };
            // `Null` takes one value, "true" or "false": unresolved, nothing is known.
            match opaque {
                Some(o) if op == Op::Null => conds.push(Cond::Opaque(o)),
                hole => list_guard(test, hole, conds),
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use egressproof_model::{Ident, Pseudo, Symbol};
    use indexmap::IndexMap;

    #[test]
    fn parses_json_text_with_symbols() {
        let doc = Value::Text(vec![
            Part::Lit(
                r#"{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::data-"#
                    .into(),
            ),
            Part::Sym(Symbol::Pseudo(Pseudo::AccountId)),
            Part::Lit(r#"/*","Condition":{"StringEquals":{"aws:SourceVpce":""#.into()),
            Part::Sym(Symbol::Ref(Ident::new("t.yaml#Endpoint"))),
            Part::Lit(r#""}}}]}"#.into()),
        ]);
        let p = parse(&doc).unwrap();
        let s = &p.statements[0];
        let res: Vec<_> = s.conds_on(RESOURCE_KEY).collect();
        assert_eq!(res[0].values, vec!["arn:aws:s3:::data-${AWS::AccountId}/*"]);
        let vpce: Vec<_> = s.conds_on("aws:sourcevpce").collect();
        assert_eq!(vpce[0].values, vec!["${t.yaml#Endpoint}"]);
    }

    #[test]
    fn unknown_condition_value_is_opaque_ep902() {
        let mut m = IndexMap::new();
        m.insert(
            "aws:SourceIp".to_string(),
            Value::unknown("parameter CorporateCidr has no value", None),
        );
        let mut c = IndexMap::new();
        c.insert("NotIpAddress".to_string(), Value::Map(m));
        let mut s = IndexMap::new();
        s.insert("Effect".into(), Value::from("Deny"));
        s.insert("Action".into(), Value::from("sagemaker:*"));
        s.insert("Resource".into(), Value::from("*"));
        s.insert("Condition".into(), Value::Map(c));
        let mut d = IndexMap::new();
        d.insert("Statement".into(), Value::List(vec![Value::Map(s)]));
        let p = parse(&Value::Map(d)).unwrap();
        let o: Vec<_> = p.statements[0].opaque().collect();
        assert_eq!(o.len(), 1);
        assert_eq!(o[0].code, UnknownCode::EP902);
        assert!(o[0].reason.contains("CorporateCidr"));
    }

    #[test]
    fn policy_variables_are_opaque_not_literal() {
        let p = parse(&Value::from(
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}}"#,
        ))
        .unwrap();
        let o: Vec<_> = p.statements[0].opaque().collect();
        assert_eq!(o[0].code, UnknownCode::EP903);
        assert!(o[0].reason.contains("${aws:username}"));
        // The escapes are literals.
        let p = parse(&Value::from(
            r#"{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${*}"}}"#,
        ))
        .unwrap();
        assert_eq!(p.statements[0].opaque().count(), 0);
    }

    #[test]
    fn not_action_not_resource_principals() {
        let p = parse(&Value::from(
            r#"{"Statement":[{"Effect":"Deny","NotAction":"iam:*","NotResource":["arn:aws:s3:::a"],
               "Principal":{"AWS":["111122223333","arn:aws:iam::444455556666:root"],"Service":"sagemaker.amazonaws.com"}}]}"#,
        ))
        .unwrap();
        let s = &p.statements[0];
        assert!(s.actions.covers("s3:PutObject"));
        assert!(!s.actions.covers("IAM:PassRole"));
        let r: Vec<_> = s.conds_on(RESOURCE_KEY).collect();
        assert_eq!(r[0].op, Op::StringNotLike);
        let pr: Vec<_> = s.conds_on(PRINCIPAL_KEY).collect();
        assert_eq!(
            pr[0].values,
            vec![
                "arn:aws:iam::111122223333:*",
                "arn:aws:iam::444455556666:*",
                "service:sagemaker.amazonaws.com"
            ]
        );
    }

    #[test]
    fn malformed_documents_are_errors_not_panics() {
        for bad in [
            "",
            "[]",
            "{}",
            r#"{"Statement":[{"Effect":"Maybe","Action":"*"}]}"#,
            "{\"Statement\":3}",
        ] {
            assert!(parse(&Value::from(bad)).is_err(), "{bad}");
        }
        assert!(matches!(
            parse(&Value::unknown("x", None)),
            Err(ParseError::Unknown(_))
        ));
    }

    #[test]
    fn unsupported_operator_is_opaque_ep903() {
        let p = parse(&Value::from(
            r#"{"Statement":{"Effect":"Deny","Action":"*","Resource":"*","Condition":{"StringFuzzy":{"aws:SourceVpce":"v"}}}}"#,
        ))
        .unwrap();
        assert_eq!(
            p.statements[0].opaque().next().map(|o| o.code),
            Some(UnknownCode::EP903)
        );
    }
}
