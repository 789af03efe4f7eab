use crate::Span;
use serde::{Deserialize, Serialize};

/// Why a value is not known, and where the unresolved thing was written.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Unknown {
    pub reason: String,
    pub span: Option<Span>,
}

impl Unknown {
    pub fn new(reason: impl Into<String>, span: Option<Span>) -> Self {
        Unknown {
            reason: reason.into(),
            span,
        }
    }
}

/// An attribute is either known, or unknown with a reason. There is no third state, and no
/// attribute is ever silently defaulted by a loader: an *absent* optional property is `None` in
/// the resource struct (the rule applies AWS's documented default), an *unresolved* one is
/// `Unknown`.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Attr<T> {
    Known(T),
    Unknown(Unknown),
}

impl<T> Attr<T> {
    pub fn unknown(reason: impl Into<String>, span: Option<Span>) -> Self {
        Attr::Unknown(Unknown::new(reason, span))
    }

    pub fn known(&self) -> Option<&T> {
        match self {
            Attr::Known(v) => Some(v),
            Attr::Unknown(_) => None,
        }
    }

    pub fn as_unknown(&self) -> Option<&Unknown> {
        match self {
            Attr::Known(_) => None,
            Attr::Unknown(u) => Some(u),
        }
    }

    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Attr<U> {
        match self {
            Attr::Known(v) => Attr::Known(f(v)),
            Attr::Unknown(u) => Attr::Unknown(u),
        }
    }

    pub fn as_ref(&self) -> Attr<&T> {
        match self {
            Attr::Known(v) => Attr::Known(v),
            Attr::Unknown(u) => Attr::Unknown(u.clone()),
        }
    }
}

impl<T: Default> Default for Attr<T> {
    fn default() -> Self {
        Attr::Known(T::default())
    }
}
