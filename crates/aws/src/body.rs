//! Reading values in API shape: request bodies as SageMaker's API, pipeline definitions and Step
//! Functions tasks write them (PascalCase keys, `"true"` for `true`), where a value may also be an
//! expression that the workflow evaluates when it runs.
//!
//! A value set at run time is an unknown, never an absent property: an absent
//! `EnableNetworkIsolation` means AWS's default (false), but `"EnableNetworkIsolation.$":
//! "$.isolation"` means "whatever the input says". The expressions recognised, whatever the
//! format the definition came from:
//! - Step Functions JSONPath: a sibling key `Name.$` sets `Name`;
//! - Step Functions JSONata: a string `{% ... %}`;
//! - SageMaker Pipelines: an object `{"Get": ...}` (parameters, execution variables, step
//!   properties) or `{"Std:Join": ...}` / `{"Std:JsonGet": ...}`.

use egressproof_model::{Attr, Ident, Span, Symbol, Unknown, Value, VpcConfig};

/// What the loader that found a body knows and the aws layer does not: where the body was
/// written, and how its syntax names resources.
pub trait Site {
    /// Where unknowns found in the body are reported.
    fn span(&self) -> &Span;

    /// An identifier (a subnet, a security group, a model) as the loader's syntax writes it.
    /// The default reads literals and references as [`literal_ident`] does.
    fn ident(&self, v: &Value) -> Attr<Ident> {
        literal_ident(v, self.span())
    }
}

/// A [`Site`] that reads identifiers with [`literal_ident`].
pub struct At<'a>(pub &'a Span);

impl Site for At<'_> {
    fn span(&self) -> &Span {
        self.0
    }
}

/// An identifier written as a literal (`subnet-0abc`) or as one reference to a resource in the
/// scan (its ID, or one of its attributes); anything else is an unknown at `span`.
pub fn literal_ident(v: &Value, span: &Span) -> Attr<Ident> {
    match v {
        Value::Unknown(u) => Attr::Unknown(u.clone()),
        Value::Str(s) if !s.is_empty() => Attr::Known(Ident::new(s.clone())),
        v => match v.as_symbol() {
            Some(Symbol::Ref(id)) => Attr::Known(id.clone()),
            Some(Symbol::Attr {
                resource,
                attribute,
            }) => Attr::Known(Ident::attribute_of(resource, attribute)),
            _ => Attr::unknown(
                format!("expected an identifier, found {}", v.render()),
                Some(span.clone()),
            ),
        },
    }
}

/// When `v` is an expression evaluated at run time (see the module documentation), how it is
/// written, for the unknown's reason.
pub fn runtime_expression(v: &Value) -> Option<String> {
    match v {
        Value::Str(s) => {
            let t = s.trim();
            (t.starts_with("{%") && t.ends_with("%}")).then(|| short(t))
        }
        Value::Map(m) if m.len() == 1 => {
            let (k, _) = m.first()?;
            (k == "Get" || k.starts_with("Std:")).then(|| short(&v.render()))
        }
        _ => None,
    }
}

fn short(s: &str) -> String {
    const MAX: usize = 80;
    match s.char_indices().nth(MAX) {
        Some((i, _)) => format!("{}...", &s[..i]),
        None => s.to_string(),
    }
}

/// A place in a body: absent, unknown (unresolved or set at run time), or a value; with the path
/// that leads to it, for messages.
#[derive(Clone, Debug)]
pub(crate) struct Node<'a> {
    pub state: State<'a>,
    pub path: String,
}

#[derive(Clone, Debug)]
pub(crate) enum State<'a> {
    Absent,
    Unknown(Unknown),
    Value(&'a Value),
}

/// Reads a body for one [`Site`].
pub(crate) struct Reader<'s> {
    pub site: &'s dyn Site,
}

impl<'s> Reader<'s> {
    pub fn new(site: &'s dyn Site) -> Self {
        Reader { site }
    }

    fn unknown(&self, reason: String) -> Unknown {
        Unknown::new(reason, Some(self.site.span().clone()))
    }

    /// The node for a value found at `path`.
    pub fn node<'a>(&self, v: &'a Value, path: &str) -> Node<'a> {
        let state = match v {
            Value::Null => State::Absent,
            Value::Unknown(u) => State::Unknown(u.clone()),
            v => match runtime_expression(v) {
                Some(expr) => State::Unknown(
                    self.unknown(format!("{path} is set when the workflow runs ({expr})")),
                ),
                None => State::Value(v),
            },
        };
        Node {
            state,
            path: path.to_string(),
        }
    }

    pub fn absent<'a>(&self, path: &str) -> Node<'a> {
        Node {
            state: State::Absent,
            path: path.to_string(),
        }
    }

    /// A member of an object; a member of an unknown object is that unknown.
    pub fn get<'a>(&self, n: &Node<'a>, key: &str) -> Node<'a> {
        let path = if n.path.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", n.path)
        };
        match &n.state {
            State::Absent => self.absent(&path),
            State::Unknown(u) => Node {
                state: State::Unknown(u.clone()),
                path,
            },
            State::Value(Value::Map(m)) => {
                if let Some(expr) = m.get(&format!("{key}.$")) {
                    return Node {
                        state: State::Unknown(self.unknown(format!(
                            "{path} is set when the workflow runs ({})",
                            short(&expr.render())
                        ))),
                        path,
                    };
                }
                match m.get(key) {
                    Some(v) => self.node(v, &path),
                    None => self.absent(&path),
                }
            }
            State::Value(other) => Node {
                state: State::Unknown(self.unknown(format!(
                    "{} is not an object: {}",
                    n.path,
                    short(&other.render())
                ))),
                path,
            },
        }
    }

    pub fn path<'a>(&self, n: &Node<'a>, keys: &[&str]) -> Node<'a> {
        keys.iter().fold(n.clone(), |n, k| self.get(&n, k))
    }

    /// The raw value of a member, expressions included (`None` when absent or not an object).
    pub fn raw<'a>(&self, n: &Node<'a>, key: &str) -> Option<&'a Value> {
        match n.state {
            State::Value(Value::Map(m)) => m.get(key).filter(|v| !matches!(v, Value::Null)),
            _ => None,
        }
    }

    /// The value as written (`None` when absent; an expression set at run time is an unknown).
    pub fn value(&self, n: &Node<'_>) -> Option<Value> {
        match &n.state {
            State::Absent => None,
            State::Unknown(u) => Some(Value::Unknown(u.clone())),
            State::Value(v) => Some((*v).clone()),
        }
    }

    /// An optional boolean: absent is `None` (AWS's default applies), `"true"`/`"false"` read.
    pub fn bool(&self, n: &Node<'_>) -> Option<Attr<bool>> {
        Some(match &n.state {
            State::Absent => return None,
            State::Unknown(u) => Attr::Unknown(u.clone()),
            State::Value(Value::Bool(b)) => Attr::Known(*b),
            State::Value(Value::Str(s)) if s.eq_ignore_ascii_case("true") => Attr::Known(true),
            State::Value(Value::Str(s)) if s.eq_ignore_ascii_case("false") => Attr::Known(false),
            State::Value(other) => Attr::Unknown(self.unknown(format!(
                "{}: expected true or false, found {}",
                n.path,
                short(&other.render())
            ))),
        })
    }

    /// An optional literal string.
    pub fn string(&self, n: &Node<'_>) -> Option<Attr<String>> {
        Some(match &n.state {
            State::Absent => return None,
            State::Unknown(u) => Attr::Unknown(u.clone()),
            State::Value(Value::Str(s)) => Attr::Known(s.clone()),
            State::Value(Value::Number(s)) => Attr::Known(s.clone()),
            State::Value(other) => Attr::Unknown(self.unknown(format!(
                "{} is known only at deploy time: {}",
                n.path,
                short(&other.render())
            ))),
        })
    }

    /// The items of a list (absent: none).
    pub fn items<'a>(&self, n: &Node<'a>) -> Result<Vec<Node<'a>>, Unknown> {
        match &n.state {
            State::Absent => Ok(Vec::new()),
            State::Unknown(u) => Err(u.clone()),
            State::Value(Value::List(items)) => Ok(items
                .iter()
                .enumerate()
                .map(|(i, v)| self.node(v, &format!("{}[{i}]", n.path)))
                .collect()),
            State::Value(other) => Err(self.unknown(format!(
                "{} is not a list: {}",
                n.path,
                short(&other.render())
            ))),
        }
    }

    /// A list of identifiers that the request must have (absent is an unknown: AWS would refuse
    /// the request, so what it creates is not known).
    pub fn required_idents(&self, n: &Node<'_>) -> Attr<Vec<Ident>> {
        if matches!(n.state, State::Absent) {
            return Attr::Unknown(self.unknown(format!("{} is missing", n.path)));
        }
        let items = match self.items(n) {
            Ok(items) => items,
            Err(u) => return Attr::Unknown(u),
        };
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            match item.state {
                State::Value(v) => match self.site.ident(v) {
                    Attr::Known(id) => out.push(id),
                    Attr::Unknown(u) => return Attr::Unknown(u),
                },
                State::Unknown(u) => return Attr::Unknown(u),
                State::Absent => {
                    return Attr::Unknown(self.unknown(format!("{} is null", item.path)))
                }
            }
        }
        Attr::Known(out)
    }

    /// An identifier (absent: `None`).
    pub fn ident(&self, n: &Node<'_>) -> Option<Attr<Ident>> {
        Some(match &n.state {
            State::Absent => return None,
            State::Unknown(u) => Attr::Unknown(u.clone()),
            State::Value(v) => self.site.ident(v),
        })
    }

    /// A `VpcConfig` (`Subnets`, `SecurityGroupIds`); absent is `None`, an unknown one has
    /// unknown subnets and groups.
    pub fn vpc_config(&self, n: &Node<'_>) -> Option<VpcConfig> {
        match &n.state {
            State::Absent => None,
            State::Unknown(u) => Some(VpcConfig {
                subnets: Attr::Unknown(u.clone()),
                security_groups: Attr::Unknown(u.clone()),
            }),
            State::Value(_) => Some(VpcConfig {
                subnets: self.required_idents(&self.get(n, "Subnets")),
                security_groups: self.required_idents(&self.get(n, "SecurityGroupIds")),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egressproof_model::{Part, Pseudo};

    fn span() -> Span {
        Span::new("t", 1, 1)
    }

    fn json(s: &str) -> Value {
        Value::from(serde_json::from_str::<serde_json::Value>(s).unwrap())
    }

    #[test]
    fn run_time_expressions_of_every_workflow_language_are_recognised() {
        assert!(runtime_expression(&Value::from("{% $states.input.iso %}")).is_some());
        assert!(runtime_expression(&json(r#"{"Get": "Parameters.Iso"}"#)).is_some());
        assert!(runtime_expression(&json(r#"{"Std:Join": {"On": "/", "Values": []}}"#)).is_some());
        assert!(runtime_expression(&Value::from("subnet-1")).is_none());
        assert!(runtime_expression(&json(r#"{"Get": 1, "Other": 2}"#)).is_none());
    }

    #[test]
    fn a_jsonpath_sibling_makes_the_field_unknown_not_absent() {
        let at = span();
        let site = At(&at);
        let r = Reader::new(&site);
        let body = json(r#"{"NetworkConfig.$": "$.net", "Other": 1}"#);
        let root = r.node(&body, "");
        let iso = r.path(&root, &["NetworkConfig", "EnableNetworkIsolation"]);
        let Some(Attr::Unknown(u)) = r.bool(&iso) else {
            panic!("a field under a run-time object is unknown")
        };
        assert!(u.reason.contains("NetworkConfig"), "{}", u.reason);
        assert!(u.reason.contains("$.net"), "{}", u.reason);
        assert_eq!(r.bool(&r.get(&root, "Missing")), None);
    }

    #[test]
    fn booleans_written_as_strings_are_read() {
        let at = span();
        let site = At(&at);
        let r = Reader::new(&site);
        let body = json(r#"{"A": "true", "B": "False", "C": true, "D": "yes"}"#);
        let root = r.node(&body, "");
        assert_eq!(r.bool(&r.get(&root, "A")), Some(Attr::Known(true)));
        assert_eq!(r.bool(&r.get(&root, "B")), Some(Attr::Known(false)));
        assert_eq!(r.bool(&r.get(&root, "C")), Some(Attr::Known(true)));
        assert!(matches!(r.bool(&r.get(&root, "D")), Some(Attr::Unknown(_))));
    }

    #[test]
    fn vpc_config_needs_both_lists_and_reads_references() {
        let at = span();
        let site = At(&at);
        let r = Reader::new(&site);
        let mut body = json(r#"{"VpcConfig": {"Subnets": ["subnet-1"]}}"#);
        if let Value::Map(m) = &mut body {
            if let Some(Value::Map(v)) = m.get_mut("VpcConfig") {
                v.insert(
                    "SecurityGroupIds".into(),
                    Value::List(vec![Value::symbol(Symbol::Ref(Ident::new("t#Sg")))]),
                );
            }
        }
        let root = r.node(&body, "");
        let vpc = r.vpc_config(&r.get(&root, "VpcConfig")).unwrap();
        assert_eq!(vpc.subnets, Attr::Known(vec![Ident::new("subnet-1")]));
        assert_eq!(vpc.security_groups, Attr::Known(vec![Ident::new("t#Sg")]));
        let missing = json(r#"{"VpcConfig": {"Subnets": ["subnet-1"]}}"#);
        let vpc = r
            .vpc_config(&r.get(&r.node(&missing, ""), "VpcConfig"))
            .unwrap();
        assert!(matches!(vpc.security_groups, Attr::Unknown(_)));
    }

    #[test]
    fn literal_identifiers_and_references() {
        let at = span();
        assert_eq!(
            literal_ident(&Value::from("sg-1"), &at),
            Attr::Known(Ident::new("sg-1"))
        );
        let attr = Value::symbol(Symbol::Attr {
            resource: Ident::new("t#Sg"),
            attribute: "GroupId".into(),
        });
        assert_eq!(
            literal_ident(&attr, &at),
            Attr::Known(Ident::attribute_of(&Ident::new("t#Sg"), "GroupId"))
        );
        let text = Value::text(vec![
            Part::Lit("sg-".into()),
            Part::Sym(Symbol::Pseudo(Pseudo::Region)),
        ]);
        assert!(matches!(literal_ident(&text, &at), Attr::Unknown(_)));
    }
}
