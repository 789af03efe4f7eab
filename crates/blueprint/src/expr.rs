//! A format-neutral value: policy documents and the training request are written once as an
//! [`E`] and rendered three ways (CloudFormation YAML, Terraform HCL, plain JSON with
//! placeholders), so the three copies cannot drift apart.

use crate::hcl::H;
use crate::yaml::{quote, Y};

/// A resource of the generated environment, named in both formats.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct R {
    /// CloudFormation logical ID (`NotebookEndpoint`).
    pub cfn: String,
    /// Terraform address (`aws_vpc_endpoint.notebook`).
    pub tf: String,
    /// Placeholder stem for the JSON files (`NOTEBOOK_ENDPOINT`).
    pub placeholder: String,
}

impl R {
    pub fn new(cfn: &str, tf: &str, placeholder: &str) -> R {
        R {
            cfn: cfn.to_string(),
            tf: tf.to_string(),
            placeholder: placeholder.to_string(),
        }
    }

    /// A resource no JSON file refers to: its placeholder stem is its logical ID in capitals
    /// (`DataBucket` -> `DATA_BUCKET`), never printed but never empty either.
    pub fn named(cfn: &str, tf: &str) -> R {
        let mut placeholder = String::new();
        for (i, c) in cfn.chars().enumerate() {
            if c.is_ascii_uppercase() && i > 0 {
                placeholder.push('_');
            }
            placeholder.push(c.to_ascii_uppercase());
        }
        R::new(cfn, tf, &placeholder)
    }

    /// The Terraform resource type (`aws_vpc_endpoint`).
    pub fn tf_type(&self) -> &str {
        self.tf.split_once('.').map_or(self.tf.as_str(), |(t, _)| t)
    }

    /// The Terraform resource name (`notebook`).
    pub fn tf_name(&self) -> &str {
        self.tf.split_once('.').map_or(self.tf.as_str(), |(_, n)| n)
    }
}

/// A piece of an interpolated string.
#[derive(Clone, Debug, PartialEq)]
pub enum P {
    Lit(String),
    Account,
    Region,
    /// The physical ID (`!Ref`, `.id`).
    Ref(R),
    /// An attribute: CloudFormation name, Terraform name.
    Att(R, &'static str, &'static str),
}

/// A value in a document.
#[derive(Clone, Debug, PartialEq)]
pub enum E {
    Str(String),
    Bool(bool),
    Num(i64),
    /// An interpolated string (`!Sub`, `"${...}"`); a single symbolic piece renders as the bare
    /// reference.
    Sub(Vec<P>),
    List(Vec<E>),
    Map(Vec<(String, E)>),
}

pub fn s(v: &str) -> E {
    E::Str(v.to_string())
}

pub fn sub(parts: Vec<P>) -> E {
    E::Sub(parts)
}

pub fn lit(v: &str) -> P {
    P::Lit(v.to_string())
}

pub fn rf(r: &R) -> E {
    E::Sub(vec![P::Ref(r.clone())])
}

pub fn arn(r: &R) -> E {
    E::Sub(vec![P::Att(r.clone(), "Arn", "arn")])
}

pub fn account() -> E {
    E::Sub(vec![P::Account])
}

pub fn map(entries: Vec<(&str, E)>) -> E {
    E::Map(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

pub fn list(items: Vec<E>) -> E {
    E::List(items)
}

/// A list of literal strings.
pub fn strs(items: &[&str]) -> E {
    E::List(items.iter().map(|i| s(i)).collect())
}

impl E {
    /// CloudFormation: short-form intrinsics, `!Sub` only where a string mixes parts.
    pub fn to_yaml(&self) -> Y {
        match self {
            E::Str(v) => Y::Str(v.clone()),
            E::Bool(b) => Y::Raw(b.to_string()),
            E::Num(n) => Y::Raw(n.to_string()),
            E::Sub(parts) => match parts.as_slice() {
                [P::Account] => Y::Raw("!Ref AWS::AccountId".into()),
                [P::Region] => Y::Raw("!Ref AWS::Region".into()),
                [P::Ref(r)] => Y::Raw(format!("!Ref {}", r.cfn)),
                [P::Att(r, a, _)] => Y::Raw(format!("!GetAtt {}.{a}", r.cfn)),
                _ => Y::Raw(format!("!Sub {}", quote(&self.sub_template()))),
            },
            E::List(items) => Y::Seq(items.iter().map(E::to_yaml).collect()),
            E::Map(entries) => Y::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_yaml()))
                    .collect(),
            ),
        }
    }

    /// The `Fn::Sub` template of an interpolated string.
    pub fn sub_template(&self) -> String {
        match self {
            E::Sub(parts) => parts
                .iter()
                .map(|p| match p {
                    P::Lit(l) => l.replace("${", "${!"),
                    P::Account => "${AWS::AccountId}".into(),
                    P::Region => "${AWS::Region}".into(),
                    P::Ref(r) => format!("${{{}}}", r.cfn),
                    P::Att(r, a, _) => format!("${{{}.{a}}}", r.cfn),
                })
                .collect(),
            E::Str(v) => v.replace("${", "${!"),
            other => other.to_json(&|p| format!("{p:?}")).to_string(),
        }
    }

    /// Terraform: HCL expressions; the account is `data.aws_caller_identity.current.account_id`
    /// and the Region `var.region`.
    pub fn to_hcl(&self) -> H {
        fn piece(p: &P) -> String {
            match p {
                P::Lit(_) => String::new(),
                P::Account => "data.aws_caller_identity.current.account_id".into(),
                P::Region => "var.region".into(),
                P::Ref(r) => format!("{}.id", r.tf),
                P::Att(r, _, a) => format!("{}.{a}", r.tf),
            }
        }
        match self {
            E::Str(v) => H::Str(v.clone()),
            E::Bool(b) => H::Raw(b.to_string()),
            E::Num(n) => H::Raw(n.to_string()),
            E::Sub(parts) => match parts.as_slice() {
                [p] if !matches!(p, P::Lit(_)) => H::Raw(piece(p)),
                _ => {
                    let mut out = String::from("\"");
                    for p in parts {
                        match p {
                            P::Lit(l) => out.push_str(&crate::hcl::escape(l)),
                            other => {
                                out.push_str("${");
                                out.push_str(&piece(other));
                                out.push('}');
                            }
                        }
                    }
                    out.push('"');
                    H::Raw(out)
                }
            },
            E::List(items) => H::List(items.iter().map(E::to_hcl).collect()),
            E::Map(entries) => H::Obj(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.to_hcl()))
                    .collect(),
            ),
        }
    }

    /// Plain JSON; each symbolic piece is replaced by what `placeholder` says.
    pub fn to_json(&self, placeholder: &dyn Fn(&P) -> String) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            E::Str(v) => J::String(v.clone()),
            E::Bool(b) => J::Bool(*b),
            E::Num(n) => J::from(*n),
            E::Sub(parts) => J::String(
                parts
                    .iter()
                    .map(|p| match p {
                        P::Lit(l) => l.clone(),
                        other => placeholder(other),
                    })
                    .collect(),
            ),
            E::List(items) => J::Array(items.iter().map(|i| i.to_json(placeholder)).collect()),
            E::Map(entries) => {
                let mut m = serde_json::Map::new();
                for (k, v) in entries {
                    m.insert(k.clone(), v.to_json(placeholder));
                }
                J::Object(m)
            }
        }
    }

    /// JSON text in which every symbolic piece is a `Fn::Sub` variable: the body of a
    /// `!Sub |` block (a pipeline definition is a JSON *string* in CloudFormation).
    pub fn to_sub_json(&self) -> String {
        // Literal `${` in the data is escaped first so Fn::Sub leaves it alone; symbols become
        // Fn::Sub variables. JSON string escaping never produces `${`, so the two cannot mix.
        let escaped = self.escape_sub_literals();
        let json = escaped.to_json(&|p| match p {
            P::Lit(l) => l.clone(),
            P::Account => "${AWS::AccountId}".into(),
            P::Region => "${AWS::Region}".into(),
            P::Ref(r) => format!("${{{}}}", r.cfn),
            P::Att(r, a, _) => format!("${{{}.{a}}}", r.cfn),
        });
        serde_json::to_string_pretty(&json).unwrap_or_default()
    }

    fn escape_sub_literals(&self) -> E {
        match self {
            E::Str(v) => E::Str(v.replace("${", "${!")),
            E::Sub(parts) => E::Sub(
                parts
                    .iter()
                    .map(|p| match p {
                        P::Lit(l) => P::Lit(l.replace("${", "${!")),
                        other => other.clone(),
                    })
                    .collect(),
            ),
            E::List(items) => E::List(items.iter().map(E::escape_sub_literals).collect()),
            E::Map(entries) => E::Map(
                entries
                    .iter()
                    .map(|(k, v)| (k.clone(), v.escape_sub_literals()))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

/// The placeholder used in the stand-alone JSON files (`<NOTEBOOK_ENDPOINT_ID>`); the README
/// lists each one and where its value comes from.
pub fn placeholder(p: &P) -> String {
    match p {
        P::Lit(l) => l.clone(),
        P::Account => "<ACCOUNT_ID>".into(),
        P::Region => "<REGION>".into(),
        P::Ref(r) => format!("<{}_ID>", r.placeholder),
        P::Att(r, _, a) => format!("<{}_{}>", r.placeholder, a.to_ascii_uppercase()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ep() -> R {
        R::new(
            "NotebookEndpoint",
            "aws_vpc_endpoint.notebook",
            "NOTEBOOK_ENDPOINT",
        )
    }

    #[test]
    fn a_lone_reference_is_a_bare_reference() {
        let e = rf(&ep());
        assert_eq!(e.to_yaml(), Y::Raw("!Ref NotebookEndpoint".into()));
        assert_eq!(e.to_hcl(), H::Raw("aws_vpc_endpoint.notebook.id".into()));
        assert_eq!(
            e.to_json(&placeholder),
            serde_json::json!("<NOTEBOOK_ENDPOINT_ID>")
        );
    }

    #[test]
    fn mixed_strings_interpolate() {
        let e = sub(vec![lit("arn:aws:s3:::data-"), P::Account, lit("/*")]);
        assert_eq!(
            e.to_yaml(),
            Y::Raw("!Sub arn:aws:s3:::data-${AWS::AccountId}/*".into())
        );
        assert_eq!(
            e.to_hcl(),
            H::Raw("\"arn:aws:s3:::data-${data.aws_caller_identity.current.account_id}/*\"".into())
        );
    }

    #[test]
    fn sub_json_escapes_literal_dollar_braces() {
        let e = map(vec![("a", s("${x}")), ("b", rf(&ep()))]);
        let text = e.to_sub_json();
        assert!(text.contains("\"${!x}\""), "{text}");
        assert!(text.contains("\"${NotebookEndpoint}\""), "{text}");
    }
}
