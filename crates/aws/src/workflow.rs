//! What pipelines and state machines have in common: a definition that may be inline, stored
//! elsewhere or missing, and the workloads found inside it, each named by its step.

use egressproof_model::{Attr, Job, JobKind, Kind, Span, Unknown, Value};

/// How deep Condition steps, Parallel branches and Map processors are followed. A definition
/// that nests deeper is not read past the limit, and that is an unknown naming the limit.
pub const MAX_DEPTH: usize = 32;

/// A workflow definition as the resource gives it.
#[derive(Clone, Copy, Debug)]
pub enum Definition<'a> {
    /// Written in the resource: a map, or JSON text (whose parts may be symbols).
    Inline(&'a Value),
    /// Stored outside the scan; the text says where (`"in S3"`).
    Stored(&'a str),
    /// Not given at all.
    Missing,
}

/// A workload found in a definition: the step (or state) path, `/`-separated from the top, and
/// the resource it is. Each loader turns it into a resource with its own IDs and span.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub name: String,
    pub kind: Kind,
}

/// A step that may run code egressproof cannot see: a job of [`JobKind::Other`] whose network
/// isolation is unknown for `reason`, which the analysis reports as EP902 (through EP103) and
/// which keeps the verdict `unproven`.
pub fn unknown_step(name: &str, reason: impl Into<String>, span: &Span) -> Step {
    Step {
        name: name.to_string(),
        kind: Kind::Job(Job {
            job_kind: JobKind::Other,
            network_isolation: Some(Attr::Unknown(Unknown::new(reason, Some(span.clone())))),
            vpc_config: None,
            inter_container_encryption: None,
            step: Some(name.to_string()),
            role: None,
            destinations: Vec::new(),
        }),
    }
}

/// A path one level down.
pub(crate) fn child(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_string()
    } else {
        format!("{parent}/{name}")
    }
}
