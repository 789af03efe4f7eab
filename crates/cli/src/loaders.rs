//! The calls into the loader crates, in one place: the CLI's only contact with input formats.

use egressproof_model::{Diagnostic, Model, UnknownCode};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What the CloudFormation loader made of the YAML/JSON documents.
pub struct Documents {
    pub model: Model,
    /// Files recognised as templates.
    pub templates: usize,
    /// Files that are not templates (may be snapshots or plans), as (path, display).
    pub skipped: Vec<(PathBuf, String)>,
}

/// Loads the documents as CloudFormation templates.
pub fn cloudformation(docs: &[(PathBuf, String)], params: &BTreeMap<String, String>) -> Documents {
    // Placeholder until the loader crate exposes `load`: every document is an unknown, so the
    // verdict can never be `sealed` on input that was not read.
    let _ = params;
    let mut model = Model::default();
    for (_, display) in docs {
        model.diagnostics.push(Diagnostic::new(
            UnknownCode::EP903,
            format!("{display}: CloudFormation is not supported by this build"),
            Some(egressproof_model::Span::new(display.clone(), 0, 0)),
        ));
    }
    Documents {
        model,
        templates: 0,
        skipped: Vec::new(),
    }
}

/// Terraform settings from the command line and the config file.
#[derive(Debug, Default)]
pub struct TerraformOptions {
    pub vars: BTreeMap<String, String>,
    pub var_files: Vec<PathBuf>,
}

/// What the Terraform loader made of the directories.
pub struct Terraform {
    pub model: Model,
    pub files: usize,
}

/// Loads directories of `.tf` files.
pub fn terraform(dirs: &[(PathBuf, String)], options: &TerraformOptions) -> Terraform {
    // Until the Terraform loader exposes `load_dirs`, a directory of .tf files is an explicit
    // unknown (EP903): its resources exist but are not read, so the verdict cannot be `sealed`.
    let _ = options;
    let mut model = Model::default();
    for (_, display) in dirs {
        model.diagnostics.push(Diagnostic::new(
            UnknownCode::EP903,
            format!(
                "{display}: Terraform configurations are not supported by this build; not analysed"
            ),
            Some(egressproof_model::Span::new(display.clone(), 0, 0)),
        ));
    }
    Terraform { model, files: 0 }
}

/// A JSON document that the CloudFormation loader skipped: a snapshot, a Terraform plan, or
/// neither (`None`).
pub fn other_json(doc: &serde_json::Value, display: &str) -> Option<Result<Model, String>> {
    if let Some(snapshot) = Model::from_snapshot(doc) {
        return Some(snapshot.map_err(|e| format!("{display}: not a valid snapshot: {e}")));
    }
    None
}
