use crate::{Span, Symbol};
use serde::{Deserialize, Serialize};

/// Why a value is not known, and where the unresolved thing was written.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Unknown {
    pub reason: String,
    pub span: Option<Span>,
    /// What is known of a string that is not: its literal and symbolic pieces in order, with a
    /// hole where each unresolved value goes (`arn:aws:s3:::ds-data-${ProjectName}-*` with no
    /// value for `ProjectName`). A question that does not depend on the holes can still be
    /// answered: that bucket-name pattern admits another account's bucket whatever the value.
    /// `None` when nothing is known of it, or it is not a string.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pieces: Option<Vec<Piece>>,
}

impl Unknown {
    pub fn new(reason: impl Into<String>, span: Option<Span>) -> Self {
        Unknown {
            reason: reason.into(),
            span,
            pieces: None,
        }
    }

    /// The same unknown, with what is known of the string it stands for.
    pub fn with_pieces(mut self, pieces: Vec<Piece>) -> Self {
        self.pieces = Some(pieces);
        self
    }
}

/// A piece of a string that is only partly known.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Piece {
    Lit(String),
    Sym(Symbol),
    /// An unresolved value. Two holes with the same `reason` and `span` are the same value
    /// (one parameter used twice), so a pattern can be compared with itself.
    Hole {
        /// As the template writes it (`ProjectName`, `var.env`), for people; empty when the
        /// value was not written by a name.
        name: String,
        reason: String,
        span: Option<Span>,
    },
}

impl From<crate::Part> for Piece {
    fn from(p: crate::Part) -> Self {
        match p {
            crate::Part::Lit(s) => Piece::Lit(s),
            crate::Part::Sym(s) => Piece::Sym(s),
        }
    }
}

impl Piece {
    /// Pieces with adjacent literals merged and empty literals dropped, as [`crate::Value::text`]
    /// does for parts: one string written two ways has one form, so two can be compared.
    pub fn merged(pieces: Vec<Piece>) -> Vec<Piece> {
        crate::value::merge_literals(pieces, |p| match p {
            Piece::Lit(s) => Some(s),
            Piece::Sym(_) | Piece::Hole { .. } => None,
        })
    }

    /// The hole standing for an unresolved value, named as the template writes it.
    pub fn hole(name: impl Into<String>, u: &Unknown) -> Piece {
        Piece::Hole {
            name: name.into(),
            reason: u.reason.clone(),
            span: u.span.clone(),
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
