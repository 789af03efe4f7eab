use crate::Span;
use serde::{Deserialize, Serialize};

/// The unknown families of DESIGN.md §3 (EP9xx). Each makes the verdict `unproven`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum UnknownCode {
    /// A file could not be parsed.
    EP901,
    /// A value could not be resolved (parameter without value, import not found, remote module).
    EP902,
    /// A construct is not supported (macro/transform, custom resource, unknown type on a path).
    EP903,
    /// A live API call failed or was denied.
    EP904,
}

impl UnknownCode {
    pub fn as_str(self) -> &'static str {
        match self {
            UnknownCode::EP901 => "EP901",
            UnknownCode::EP902 => "EP902",
            UnknownCode::EP903 => "EP903",
            UnknownCode::EP904 => "EP904",
        }
    }
}

/// An unknown that a loader found on its own (not tied to one attribute the analysis reads).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Diagnostic {
    pub code: UnknownCode,
    pub message: String,
    pub span: Option<Span>,
    /// An inline `egressproof:ignore` for this unknown (a file that does not parse can still
    /// carry the comment that accepts it), applied by the analysis like any suppression.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub suppression: Option<crate::Suppression>,
}

impl Diagnostic {
    pub fn new(code: UnknownCode, message: impl Into<String>, span: Option<Span>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            span,
            suppression: None,
        }
    }
}
