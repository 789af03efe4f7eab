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
    /// Whether code the scan did not read stands behind this unknown, so that resources of any
    /// type (a notebook, a VPC meant for SageMaker) may exist that the model does not hold. Scope
    /// reads it: an environment whose only content is a module call that was not read is not
    /// "nothing about SageMaker" but not known. Absent in a snapshot means `Nothing`.
    #[serde(default, skip_serializing_if = "Hides::is_nothing")]
    pub hides: Hides,
}

/// What an unknown may hide besides the value it names.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hides {
    /// Only a value (an attribute, an output): the resources are all in the model.
    #[default]
    Nothing,
    /// Resources the scan did not read: a registry module not installed, a nested stack's
    /// template outside the scan, a macro's output, a file that does not parse.
    Resources,
}

impl Hides {
    /// For `skip_serializing_if`: a diagnostic that hides nothing writes no field.
    pub fn is_nothing(&self) -> bool {
        *self == Hides::Nothing
    }
}

impl Diagnostic {
    pub fn new(code: UnknownCode, message: impl Into<String>, span: Option<Span>) -> Self {
        Diagnostic {
            code,
            message: message.into(),
            span,
            suppression: None,
            hides: Hides::Nothing,
        }
    }

    /// An unknown behind which code was not read: it may declare resources of any type.
    pub fn hiding(code: UnknownCode, message: impl Into<String>, span: Option<Span>) -> Self {
        Diagnostic {
            hides: Hides::Resources,
            ..Diagnostic::new(code, message, span)
        }
    }

    /// Whether resources the model does not hold may stand behind this unknown. An EP901 always
    /// may (a file that could not be read could declare anything), whatever wrote it, so a
    /// snapshot of an older version that has no `hides` keeps that meaning.
    pub fn hides_resources(&self) -> bool {
        self.hides == Hides::Resources || self.code == UnknownCode::EP901
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A diagnostic that hides nothing writes no `hides`, so snapshots of older versions read
    /// and write alike; one that hides resources says so.
    #[test]
    fn hides_is_written_only_when_resources_may_be_hidden() {
        let plain = Diagnostic::new(UnknownCode::EP902, "x", None);
        let json = serde_json::to_value(&plain).expect("serializes");
        assert!(json.get("hides").is_none(), "{json}");
        let back: Diagnostic = serde_json::from_value(json).expect("reads");
        assert_eq!(back, plain);

        let hiding = Diagnostic::hiding(UnknownCode::EP902, "module x is not read", None);
        let json = serde_json::to_value(&hiding).expect("serializes");
        assert_eq!(json["hides"], "resources");
        let back: Diagnostic = serde_json::from_value(json).expect("reads");
        assert!(back.hides_resources());
        assert!(!plain.hides_resources());
    }

    /// A file that does not parse could declare anything, whoever wrote its EP901.
    #[test]
    fn an_ep901_always_hides_resources() {
        let old: Diagnostic = serde_json::from_value(
            serde_json::json!({"code": "EP901", "message": "bad file", "span": null}),
        )
        .expect("reads");
        assert_eq!(old.hides, Hides::Nothing);
        assert!(old.hides_resources());
    }
}
