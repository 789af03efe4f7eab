//! A JSON-like value in which parts of strings may be symbolic.
//!
//! Policy documents, endpoint service names and ARNs are often built from pseudo parameters and
//! references (`!Sub arn:aws:s3:::data-${AWS::AccountId}/*`). Rendering them to made-up literals
//! would let the analysis reason about values that were never there; keeping them symbolic lets it
//! recognise "our account" or "the endpoint declared on line 120" exactly.

use crate::{Span, Unknown};
use indexmap::IndexMap;
use serde::{Deserialize, Serialize};

/// Pseudo parameters that a template can read but whose value only exists at deploy time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Pseudo {
    AccountId,
    Region,
    Partition,
    StackName,
    StackId,
    UrlSuffix,
    NotificationArns,
}

impl Pseudo {
    pub fn cfn_name(self) -> &'static str {
        match self {
            Pseudo::AccountId => "AWS::AccountId",
            Pseudo::Region => "AWS::Region",
            Pseudo::Partition => "AWS::Partition",
            Pseudo::StackName => "AWS::StackName",
            Pseudo::StackId => "AWS::StackId",
            Pseudo::UrlSuffix => "AWS::URLSuffix",
            Pseudo::NotificationArns => "AWS::NotificationARNs",
        }
    }
}

/// A symbolic piece of a value: something that exists at deploy time and is not a literal now.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Symbol {
    /// A pseudo parameter (the deploying account, the Region, ...).
    Pseudo(Pseudo),
    /// The physical ID of a resource in the model (`!Ref Vpc`, `aws_vpc.main.id`).
    Ref(crate::Ident),
    /// A computed attribute of a resource in the model (`!GetAtt Role.Arn`).
    Attr {
        resource: crate::Ident,
        attribute: String,
    },
}

impl std::fmt::Display for Symbol {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Symbol::Pseudo(p) => write!(f, "${{{}}}", p.cfn_name()),
            Symbol::Ref(id) => write!(f, "${{{}}}", id),
            Symbol::Attr {
                resource,
                attribute,
            } => write!(f, "${{{}.{}}}", resource, attribute),
        }
    }
}

/// A piece of a partly symbolic string.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Part {
    Lit(String),
    Sym(Symbol),
}

/// A resolved document value. `Str` is a plain literal; `Text` is a string with symbolic parts
/// (never a single `Lit` part: constructors normalise that to `Str`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Value {
    Null,
    Bool(bool),
    /// Kept as written so that no precision is invented.
    Number(String),
    Str(String),
    Text(Vec<Part>),
    List(Vec<Value>),
    Map(IndexMap<String, Value>),
    Unknown(Unknown),
}

impl Value {
    /// A string value as pieces (literals, symbols and holes), as an unknown keeps them: `None`
    /// for a value that is not a string, or an unknown that kept no pieces.
    pub fn pieces(&self) -> Option<Vec<crate::Piece>> {
        match self {
            Value::Str(s) => Some(vec![crate::Piece::Lit(s.clone())]),
            Value::Text(parts) => Some(parts.iter().cloned().map(crate::Piece::from).collect()),
            Value::Unknown(u) => u.pieces.clone(),
            _ => None,
        }
    }

    /// A string from parts, merging adjacent literals; a single literal becomes `Str`.
    pub fn text(parts: Vec<Part>) -> Value {
        let out = merge_literals(parts, |p| match p {
            Part::Lit(s) => Some(s),
            Part::Sym(_) => None,
        });
        match out.as_slice() {
            [] => Value::Str(String::new()),
            [Part::Lit(s)] => Value::Str(s.clone()),
            _ => Value::Text(out),
        }
    }

    pub fn symbol(sym: Symbol) -> Value {
        Value::Text(vec![Part::Sym(sym)])
    }

    pub fn unknown(reason: impl Into<String>, span: Option<Span>) -> Value {
        Value::Unknown(Unknown::new(reason, span))
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The string's parts (a literal is one part); `None` when the value is not a string.
    pub fn parts(&self) -> Option<Vec<Part>> {
        match self {
            Value::Str(s) => Some(vec![Part::Lit(s.clone())]),
            Value::Text(p) => Some(p.clone()),
            _ => None,
        }
    }

    /// When the whole value is one symbol (`!Ref X`), that symbol.
    pub fn as_symbol(&self) -> Option<&Symbol> {
        match self {
            Value::Text(parts) => match parts.as_slice() {
                [Part::Sym(s)] => Some(s),
                _ => None,
            },
            _ => None,
        }
    }

    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(m) => m.get(key),
            _ => None,
        }
    }

    /// A single value or a list of values, as a slice-like list (IAM's "string or array").
    pub fn as_list(&self) -> Vec<&Value> {
        match self {
            Value::List(items) => items.iter().collect(),
            other => vec![other],
        }
    }

    /// The first unknown anywhere inside this value.
    pub fn first_unknown(&self) -> Option<&Unknown> {
        match self {
            Value::Unknown(u) => Some(u),
            Value::List(items) => items.iter().find_map(Value::first_unknown),
            Value::Map(m) => m.values().find_map(Value::first_unknown),
            _ => None,
        }
    }

    /// A human rendering: literals as is, symbols as `${...}`.
    pub fn render(&self) -> String {
        match self {
            Value::Null => "null".into(),
            Value::Bool(b) => b.to_string(),
            Value::Number(n) => n.clone(),
            Value::Str(s) => s.clone(),
            Value::Text(parts) => parts
                .iter()
                .map(|p| match p {
                    Part::Lit(s) => s.clone(),
                    Part::Sym(sym) => sym.to_string(),
                })
                .collect(),
            Value::List(items) => {
                let inner: Vec<String> = items.iter().map(Value::render).collect();
                format!("[{}]", inner.join(", "))
            }
            Value::Map(m) => {
                let inner: Vec<String> = m
                    .iter()
                    .map(|(k, v)| format!("{k}: {}", v.render()))
                    .collect();
                format!("{{{}}}", inner.join(", "))
            }
            Value::Unknown(u) => format!("<unknown: {}>", u.reason),
        }
    }
}

/// Parts with adjacent literals merged and empty literals dropped, so that one string written two
/// ways (`a` then `b`, or `ab`) has one form and compares equal: `lit` is a part's literal text,
/// when it is one. The one merge of [`Value::text`] and [`crate::Piece::merged`].
pub(crate) fn merge_literals<P>(parts: Vec<P>, lit: fn(&mut P) -> Option<&mut String>) -> Vec<P> {
    let mut out: Vec<P> = Vec::with_capacity(parts.len());
    for mut p in parts {
        let Some(s) = lit(&mut p) else {
            out.push(p);
            continue;
        };
        if s.is_empty() {
            continue;
        }
        match out.last_mut().and_then(lit) {
            Some(prev) => prev.push_str(s),
            None => out.push(p),
        }
    }
    out
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        Value::Str(s.to_string())
    }
}

impl From<serde_json::Value> for Value {
    fn from(v: serde_json::Value) -> Self {
        match v {
            serde_json::Value::Null => Value::Null,
            serde_json::Value::Bool(b) => Value::Bool(b),
            serde_json::Value::Number(n) => Value::Number(n.to_string()),
            serde_json::Value::String(s) => Value::Str(s),
            serde_json::Value::Array(a) => Value::List(a.into_iter().map(Value::from).collect()),
            serde_json::Value::Object(o) => {
                Value::Map(o.into_iter().map(|(k, v)| (k, Value::from(v))).collect())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_merges_literals_and_collapses_to_str() {
        let v = Value::text(vec![Part::Lit("a".into()), Part::Lit("b".into())]);
        assert_eq!(v, Value::Str("ab".into()));
        let v = Value::text(vec![
            Part::Lit("arn:".into()),
            Part::Sym(Symbol::Pseudo(Pseudo::AccountId)),
        ]);
        assert_eq!(v.render(), "arn:${AWS::AccountId}");
    }

    #[test]
    fn pieces_merge_as_parts_do() {
        let hole = crate::Piece::hole("P", &crate::Unknown::new("no value", None));
        let lit = |s: &str| crate::Piece::Lit(s.into());
        let merged = crate::Piece::merged(vec![
            lit(""),
            lit("a"),
            lit("b"),
            hole.clone(),
            lit(""),
            lit("c"),
        ]);
        assert_eq!(merged, vec![lit("ab"), hole, lit("c")]);
        assert!(crate::Piece::merged(vec![lit("")]).is_empty());
    }
}
