//! The normalized model of a cloud estate: what egressproof knows about VPCs, routes, security
//! groups, endpoints, SageMaker workloads and IAM policies, independent of the format it came from.
//!
//! Loaders (CloudFormation, Terraform, live snapshots) lower their input into a [`Model`]; the
//! analysis reads only this model. Every attribute that a loader could not resolve is an explicit
//! [`Attr::Unknown`] carrying the reason and the source span, so that the analysis can answer
//! `unproven` instead of guessing. The model is serializable: its JSON form *is* the snapshot
//! format written by `egressproof snapshot`.
//!
//! ```
//! use egressproof_model::{Attr, Ident, Model, Resource, Kind, Span, NotebookInstance};
//! let mut model = Model::default();
//! model.resources.push(Resource::new(
//!     Ident::new("nb.yaml#Notebook"),
//!     "Notebook",
//!     "AWS::SageMaker::NotebookInstance",
//!     Span::new("nb.yaml", 3, 3),
//!     Kind::NotebookInstance(NotebookInstance::default()),
//! ));
//! assert_eq!(model.resources.len(), 1);
//! ```
//!
//! Architecture invariant: this crate does no IO and knows no input format.

mod attr;
mod coverage;
pub mod coverage_check;
mod destination;
mod diagnostic;
mod input;
mod resources;
mod span;
mod value;

pub use attr::{Attr, Piece, Unknown};
pub use coverage::{KindTag, Lowering, Origin};
pub use destination::{DataDestination, Delivery, Target};
pub use diagnostic::{Diagnostic, Hides, UnknownCode};
pub use input::{InputKind, ScanInput, SharedName};
pub use resources::*;
pub use span::Span;
pub use value::{Part, Pseudo, Symbol, Value};

use serde::{Deserialize, Serialize};

/// The `schema` tag of a snapshot file, so `scan` can tell a snapshot from other JSON.
pub const SNAPSHOT_SCHEMA: &str = "egressproof-snapshot/1";

/// Everything the loaders found: resources, plus the unknowns that no single attribute holds
/// (a file that did not parse, a transform that was not expanded).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Model {
    pub resources: Vec<Resource>,
    #[serde(default)]
    pub diagnostics: Vec<Diagnostic>,
    /// Bucket names, account IDs and the like that the input told us are ours.
    #[serde(default)]
    pub notes: Vec<String>,
    /// Whether the model holds every IAM principal (role, user, group) of its account: set by
    /// the live reader when it listed them all, never by a template, beside which people with
    /// administrator access and the roles of other stacks exist. A rule that asks "can any
    /// principal do this?" must count principals outside the model unless this is set.
    #[serde(default, skip_serializing_if = "is_false")]
    pub principals_complete: bool,
    /// The inputs the resources and diagnostics came from, and the names they share: how a scan
    /// is split into environments. Empty for a model built by hand (then it is one environment).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<ScanInput>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// Appends `more` to `to`, taking `more`'s allocation when `to` is empty.
fn append<T>(to: &mut Vec<T>, more: Vec<T>) {
    if to.is_empty() {
        *to = more;
    } else {
        to.extend(more);
    }
}

impl Model {
    /// Appends another model (one file's worth) to this one.
    pub fn extend(&mut self, other: Model) {
        // The whole holds every principal only when each part that holds anything does: an
        // account whose IAM listing failed, or a template (it names no account, and principals
        // it does not declare exist beside it), leaves principals outside the model.
        self.principals_complete = match (self.holds_nothing(), other.holds_nothing()) {
            (true, _) => other.principals_complete,
            (false, true) => self.principals_complete,
            (false, false) => self.principals_complete && other.principals_complete,
        };
        let (resources, diagnostics) = (self.resources.len(), self.diagnostics.len());
        self.inputs.extend(
            other
                .inputs
                .into_iter()
                .map(|i| i.offset(resources, diagnostics)),
        );
        // Into an empty model the other's vectors are taken whole: extending would copy them,
        // and for a million resources the copy and the original are both alive for a moment
        // (hundreds of megabytes at the scan's peak).
        append(&mut self.resources, other.resources);
        append(&mut self.diagnostics, other.diagnostics);
        self.notes.extend(other.notes);
    }

    /// No resource, diagnostic or input: a model to extend (it says nothing of any principal).
    fn holds_nothing(&self) -> bool {
        self.resources.is_empty() && self.diagnostics.is_empty() && self.inputs.is_empty()
    }

    /// Declares the whole model as one input (a plan, a snapshot, one template's stack), so that
    /// it keeps its identity when appended to the model of the whole scan.
    pub fn as_input(
        &mut self,
        name: impl Into<String>,
        kind: InputKind,
        provides: Vec<SharedName>,
        uses: Vec<SharedName>,
    ) {
        self.inputs = vec![ScanInput {
            name: name.into(),
            kind,
            resources: 0..self.resources.len(),
            diagnostics: 0..self.diagnostics.len(),
            dirs: Vec::new(),
            provides,
            uses,
            principals_complete: self.principals_complete,
        }];
    }

    /// The model as a snapshot document (`{"schema": ..., "model": ...}`).
    pub fn to_snapshot(&self) -> serde_json::Value {
        serde_json::json!({ "schema": SNAPSHOT_SCHEMA, "model": self })
    }

    /// Reads a snapshot document; `None` when the JSON is not a snapshot at all.
    ///
    /// A snapshot of another schema version (written by a newer or older egressproof) is an
    /// error, never "not a snapshot": read as something else, or skipped, its account would
    /// silently vanish from the scan.
    pub fn from_snapshot(doc: &serde_json::Value) -> Option<Result<Model, serde_json::Error>> {
        let schema = doc.get("schema")?.as_str()?;
        if schema != SNAPSHOT_SCHEMA {
            let family = SNAPSHOT_SCHEMA.split('/').next().unwrap_or(SNAPSHOT_SCHEMA);
            if schema.split('/').next() == Some(family) {
                return Some(Err(<serde_json::Error as serde::de::Error>::custom(
                    format!(
                        "snapshot schema {schema} is not one this egressproof reads \
                     ({SNAPSHOT_SCHEMA}); write the snapshot again with this version"
                    ),
                )));
            }
            return None;
        }
        match doc.get("model") {
            Some(model) => Some(serde_json::from_value(model.clone())),
            None => Some(Err(<serde_json::Error as serde::de::Error>::custom(
                "snapshot has no model",
            ))),
        }
    }
}

#[cfg(test)]
mod snapshot_schema_tests {
    use super::*;

    #[test]
    fn a_snapshot_of_another_schema_version_is_an_error() {
        let doc = serde_json::json!({ "schema": "egressproof-snapshot/2", "model": {} });
        let err = Model::from_snapshot(&doc)
            .expect("recognised as a snapshot")
            .expect_err("not read");
        assert!(err.to_string().contains("egressproof-snapshot/2"), "{err}");
        let no_model = serde_json::json!({ "schema": SNAPSHOT_SCHEMA });
        assert!(matches!(Model::from_snapshot(&no_model), Some(Err(_))));
    }

    #[test]
    fn other_json_is_not_a_snapshot_and_the_current_schema_reads() {
        let other = serde_json::json!({ "schema": "https://json-schema.org/draft/2020-12" });
        assert!(Model::from_snapshot(&other).is_none());
        let doc = Model::default().to_snapshot();
        assert!(matches!(Model::from_snapshot(&doc), Some(Ok(_))));
    }
}

#[cfg(test)]
mod tests {
    use crate::{Diagnostic, Model, UnknownCode};

    fn part(complete: bool) -> Model {
        Model {
            diagnostics: vec![Diagnostic::new(UnknownCode::EP904, "a region", None)],
            principals_complete: complete,
            ..Model::default()
        }
    }

    #[test]
    fn a_model_holds_every_principal_only_when_each_part_that_holds_anything_does() {
        let joined = |parts: Vec<Model>| {
            let mut m = Model::default();
            for p in parts {
                m.extend(p);
            }
            m.principals_complete
        };
        assert!(joined(vec![part(true)]));
        assert!(joined(vec![part(true), part(true)]));
        assert!(!joined(vec![part(true), part(false)]));
        assert!(!joined(vec![part(false), part(true)]));
        // An empty part (no Terraform directory in the scan) says nothing of any principal.
        assert!(joined(vec![part(true), Model::default()]));
        assert!(!joined(vec![Model::default()]));
    }
}
