use crate::rules::Rule;
use egressproof_model::{Ident, Resource, Span};
use serde::{Deserialize, Serialize};

/// How much a finding matters. The fail threshold (`--fail-on`, default medium) compares to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Some(Severity::Info),
            "low" => Some(Severity::Low),
            "medium" => Some(Severity::Medium),
            "high" => Some(Severity::High),
            _ => None,
        }
    }
}

/// A resource as reports show it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceRef {
    pub id: Ident,
    pub type_name: String,
    pub name: String,
    pub span: Span,
}

impl From<&Resource> for ResourceRef {
    fn from(r: &Resource) -> Self {
        ResourceRef {
            id: r.id.clone(),
            type_name: r.type_name.clone(),
            name: r.name.clone(),
            span: r.span.clone(),
        }
    }
}

/// One step of a leak path: a resource and what happens there ("0.0.0.0/0 -> Nat").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hop {
    pub resource: ResourceRef,
    pub note: String,
}

impl Hop {
    pub fn new(resource: &Resource, note: impl Into<String>) -> Self {
        Hop {
            resource: resource.into(),
            note: note.into(),
        }
    }

    /// A hop that is not a resource of the scan (the internet, a transit gateway elsewhere).
    pub fn external(type_name: &str, name: &str, note: impl Into<String>) -> Self {
        Hop {
            resource: ResourceRef {
                id: Ident::new(name),
                type_name: type_name.to_string(),
                name: name.to_string(),
                span: Span::default(),
            },
            note: note.into(),
        }
    }
}

/// An open egress channel (or, for EP6xx, a hardening gap).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    pub title: String,
    pub message: String,
    pub resource: ResourceRef,
    pub path: Vec<Hop>,
    pub fix: String,
    /// The workloads this channel lets data out of (for per-workload verdicts).
    pub workloads: Vec<Ident>,
    pub suppressed: bool,
    /// The reason given by the suppression, when suppressed.
    pub suppression_reason: Option<String>,
}

/// Something that could open a channel but was not resolved (EP9xx).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownFinding {
    /// One of the EP9xx rules ([`crate::Family::Unknowns`]).
    pub rule: Rule,
    pub message: String,
    pub span: Option<Span>,
}

/// Where rules put what they find.
#[derive(Debug, Default)]
pub struct Sink {
    pub findings: Vec<Finding>,
    pub unknowns: Vec<UnknownFinding>,
    /// What a rule took as given, shown in the report ("bucket names created by the scan are ours").
    pub assumptions: Vec<String>,
}

impl Sink {
    /// Records an unknown; `code` is an EP9xx rule or the policy engine's [`UnknownCode`].
    ///
    /// [`UnknownCode`]: egressproof_model::UnknownCode
    pub fn unknown(
        &mut self,
        code: impl Into<Rule>,
        message: impl Into<String>,
        span: Option<Span>,
    ) {
        let rule = code.into();
        debug_assert_eq!(
            rule.family(),
            crate::Family::Unknowns,
            "{rule} is not an unknown"
        );
        self.unknowns.push(UnknownFinding {
            rule,
            message: message.into(),
            span,
        });
    }
}
