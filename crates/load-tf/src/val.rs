//! The evaluator's value: the model's [`Value`] plus the few things Terraform needs while
//! evaluating (numbers as numbers, resource and module objects whose attributes are looked up
//! lazily, and strings that hold the JSON encoding of a value that may still contain symbols).

use egressproof_model::{Ident, Part, Symbol, Unknown, Value};
use indexmap::IndexMap;

/// Which instance of a resource or module (`[0]`, `["key"]`, or the only one).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub(crate) enum InstKey {
    Single,
    Index(usize),
    Key(String),
    /// `count`/`for_each` could not be resolved: one instance stands for all of them.
    Unresolved,
}

impl InstKey {
    pub(crate) fn suffix(&self) -> String {
        match self {
            InstKey::Single | InstKey::Unresolved => String::new(),
            InstKey::Index(i) => format!("[{i}]"),
            InstKey::Key(k) => format!("[{}]", serde_json::Value::String(k.clone())),
        }
    }
}

/// A resource or data source instance, referenced as a whole (`aws_subnet.a`, `each.value`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ResObj {
    pub inst: usize,
    pub data: bool,
    pub rtype: String,
    pub name: String,
    pub key: InstKey,
    pub id: Ident,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Val {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    /// A string with symbolic parts (never a single literal).
    Text(Vec<Part>),
    List(Vec<Val>),
    Map(IndexMap<String, Val>),
    /// A string holding the JSON encoding of this value (`jsonencode`, a policy document's
    /// `.json`): kept structured so that symbols inside survive into the model.
    Json(Box<Val>),
    Res(Box<ResObj>),
    /// The outputs of a module instance.
    Module(usize),
    Unknown(Unknown),
}

impl Val {
    pub(crate) fn unknown(reason: impl Into<String>, span: Option<egressproof_model::Span>) -> Val {
        Val::Unknown(Unknown::new(reason, span))
    }

    pub(crate) fn sym(s: Symbol) -> Val {
        Val::Text(vec![Part::Sym(s)])
    }

    pub(crate) fn text(parts: Vec<Part>) -> Val {
        match Value::text(parts) {
            Value::Str(s) => Val::Str(s),
            Value::Text(p) => Val::Text(p),
            _ => Val::Str(String::new()),
        }
    }

    pub(crate) fn type_name(&self) -> &'static str {
        match self {
            Val::Null => "null",
            Val::Bool(_) => "bool",
            Val::Num(_) => "number",
            Val::Str(_) | Val::Text(_) | Val::Json(_) => "string",
            Val::List(_) => "list",
            Val::Map(_) | Val::Res(_) | Val::Module(_) => "object",
            Val::Unknown(_) => "unknown",
        }
    }

    /// A plain string (literals only), converting numbers and bools as Terraform does.
    pub(crate) fn as_plain_str(&self) -> Option<String> {
        match self {
            Val::Str(s) => Some(s.clone()),
            Val::Num(n) => Some(fmt_num(*n)),
            Val::Bool(b) => Some(b.to_string()),
            Val::Json(v) if v.first_unknown().is_some() => None,
            Val::Json(v) => match json_parts(v).as_slice() {
                [Part::Lit(s)] => Some(s.clone()),
                _ => None,
            },
            _ => None,
        }
    }

    /// The string's parts, when the value is a string (symbolic or not).
    pub(crate) fn string_parts(&self) -> Option<Vec<Part>> {
        match self {
            Val::Str(s) => Some(vec![Part::Lit(s.clone())]),
            Val::Num(n) => Some(vec![Part::Lit(fmt_num(*n))]),
            Val::Bool(b) => Some(vec![Part::Lit(b.to_string())]),
            Val::Text(p) => Some(p.clone()),
            Val::Json(v) if v.first_unknown().is_some() => None,
            Val::Json(v) => Some(json_parts(v)),
            Val::Res(r) => Some(vec![Part::Sym(Symbol::Ref(r.id.clone()))]),
            _ => None,
        }
    }

    pub(crate) fn first_unknown(&self) -> Option<&Unknown> {
        match self {
            Val::Unknown(u) => Some(u),
            Val::List(items) => items.iter().find_map(Val::first_unknown),
            Val::Map(m) => m.values().find_map(Val::first_unknown),
            Val::Json(v) => v.first_unknown(),
            _ => None,
        }
    }

    pub(crate) fn as_num(&self) -> Option<f64> {
        match self {
            Val::Num(n) => Some(*n),
            Val::Str(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub(crate) fn as_bool(&self) -> Option<bool> {
        match self {
            Val::Bool(b) => Some(*b),
            Val::Str(s) if s == "true" => Some(true),
            Val::Str(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    /// The value as the model stores it.
    pub(crate) fn to_value(&self) -> Value {
        match self {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(*b),
            Val::Num(n) => Value::Number(fmt_num(*n)),
            Val::Str(s) => Value::Str(s.clone()),
            Val::Text(p) => Value::text(p.clone()),
            Val::List(items) => Value::List(items.iter().map(Val::to_value).collect()),
            Val::Map(m) => Value::Map(m.iter().map(|(k, v)| (k.clone(), v.to_value())).collect()),
            Val::Json(v) => match v.first_unknown() {
                Some(u) => Value::Unknown(u.clone()),
                None => Value::text(json_parts(v)),
            },
            Val::Res(r) => Value::symbol(Symbol::Ref(r.id.clone())),
            Val::Module(_) => Value::unknown("a whole module used as a value", None),
            Val::Unknown(u) => Value::Unknown(u.clone()),
        }
    }

    /// A document value (policy): JSON strings are decoded, symbols kept.
    pub(crate) fn to_document(&self) -> Value {
        match self {
            Val::Json(v) => v.to_value(),
            Val::Str(s) => json_decode_parts(&[Part::Lit(s.clone())]),
            Val::Text(parts) => json_decode_parts(parts),
            Val::Map(_) => self.to_value(),
            Val::Unknown(u) => Value::Unknown(u.clone()),
            other => Value::unknown(
                format!("policy is a {}, not a document", other.type_name()),
                None,
            ),
        }
    }

    pub(crate) fn from_json(j: &serde_json::Value) -> Val {
        match j {
            serde_json::Value::Null => Val::Null,
            serde_json::Value::Bool(b) => Val::Bool(*b),
            serde_json::Value::Number(n) => Val::Num(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => Val::Str(s.clone()),
            serde_json::Value::Array(a) => Val::List(a.iter().map(Val::from_json).collect()),
            serde_json::Value::Object(o) => Val::Map(
                o.iter()
                    .map(|(k, v)| (k.clone(), Val::from_json(v)))
                    .collect(),
            ),
        }
    }
}

pub(crate) fn fmt_num(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// The JSON text of a value, with symbols kept as symbolic parts.
pub(crate) fn json_parts(v: &Val) -> Vec<Part> {
    let mut out = Vec::new();
    write_json(v, &mut out);
    match Value::text(out) {
        Value::Str(s) => vec![Part::Lit(s)],
        Value::Text(p) => p,
        _ => Vec::new(),
    }
}

fn lit(out: &mut Vec<Part>, s: &str) {
    out.push(Part::Lit(s.to_string()));
}

fn write_json(v: &Val, out: &mut Vec<Part>) {
    match v {
        Val::Null | Val::Module(_) => lit(out, "null"),
        Val::Bool(b) => lit(out, &b.to_string()),
        Val::Num(n) => lit(out, &fmt_num(*n)),
        Val::Str(s) => lit(out, &serde_json::Value::String(s.clone()).to_string()),
        Val::Text(parts) => {
            lit(out, "\"");
            for p in parts {
                match p {
                    Part::Lit(s) => {
                        let q = serde_json::Value::String(s.clone()).to_string();
                        lit(out, &q[1..q.len() - 1]);
                    }
                    Part::Sym(s) => out.push(Part::Sym(s.clone())),
                }
            }
            lit(out, "\"");
        }
        Val::Json(inner) => write_json(&Val::Text(json_parts(inner)), out),
        Val::Res(r) => write_json(&Val::sym(Symbol::Ref(r.id.clone())), out),
        Val::List(items) => {
            lit(out, "[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    lit(out, ",");
                }
                write_json(item, out);
            }
            lit(out, "]");
        }
        Val::Map(m) => {
            lit(out, "{");
            for (i, (k, item)) in m.iter().enumerate() {
                if i > 0 {
                    lit(out, ",");
                }
                lit(out, &serde_json::Value::String(k.clone()).to_string());
                lit(out, ":");
                write_json(item, out);
            }
            lit(out, "}");
        }
        Val::Unknown(u) => lit(
            out,
            &format!("\"<unknown: {}>\"", u.reason.replace('"', "'")),
        ),
    }
}

/// Decodes JSON text whose strings may contain symbols (a heredoc policy with `${...}`), by the
/// aws layer's one reading of JSON text; text that is not a JSON document is an unknown.
pub(crate) fn json_decode_parts(parts: &[Part]) -> Value {
    egressproof_aws::json_text::parse_parts(parts).unwrap_or_else(|e| {
        Value::unknown(
            format!("document is not JSON that can be read before deployment: {e}"),
            None,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use egressproof_model::Pseudo;

    #[test]
    fn json_round_trip_keeps_symbols() {
        let mut m = IndexMap::new();
        m.insert(
            "Resource".to_string(),
            Val::Text(vec![
                Part::Lit("arn:aws:s3:::data-".into()),
                Part::Sym(Symbol::Pseudo(Pseudo::AccountId)),
            ]),
        );
        let parts = json_parts(&Val::Map(m));
        let back = json_decode_parts(&parts);
        assert_eq!(
            back.get("Resource").map(Value::render).as_deref(),
            Some("arn:aws:s3:::data-${AWS::AccountId}")
        );
    }
}
