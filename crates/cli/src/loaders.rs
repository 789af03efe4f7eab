//! The calls into the loader crates, in one place: the CLI's only contact with input formats.

use egressproof_fs::ReadScope;
use egressproof_load_cfn::{Input, LoadOptions};
pub use egressproof_load_tf::{TfOptions, MAX_PLAN_BYTES};
use egressproof_model::{InputKind, Model, SharedName};
use std::collections::BTreeMap;
use std::path::PathBuf;

/// What the CloudFormation loader made of the YAML/JSON documents.
pub struct Documents {
    pub model: Model,
    /// Files recognised as templates.
    pub templates: usize,
    /// Files that are not templates (may be snapshots or plans), as (path, display).
    pub skipped: Vec<(PathBuf, String)>,
    /// Files that do not parse and show no sign of being templates (a Helm chart's templates):
    /// someone else's, skipped with a warning, as (display, why).
    pub not_ours: Vec<(String, String)>,
    /// The parameters each top-level template declares, as (display, names).
    pub declared_params: Vec<(String, Vec<String>)>,
}

/// Loads the documents as CloudFormation templates. Never fails: a file that does not parse is
/// an EP901 diagnostic in the model.
pub fn cloudformation(
    docs: &[(PathBuf, String)],
    params: &BTreeMap<String, String>,
    read: &ReadScope,
) -> Documents {
    let inputs: Vec<Input> = docs
        .iter()
        .map(|(path, display)| Input {
            path: path.clone(),
            display: display.clone(),
        })
        .collect();
    let loaded = egressproof_load_cfn::load(
        &inputs,
        &LoadOptions {
            params: params.clone(),
            read: read.clone(),
        },
    );
    Documents {
        model: loaded.model,
        templates: loaded.templates,
        skipped: loaded
            .skipped
            .into_iter()
            .map(|i| (i.path, i.display))
            .collect(),
        not_ours: loaded
            .not_ours
            .into_iter()
            .map(|(i, why)| (i.display, why))
            .collect(),
        declared_params: loaded.declared_params,
    }
}

/// What the Terraform loader made of the directories.
pub struct Terraform {
    pub model: Model,
    pub files: usize,
    /// The variables each root module declares, as (display, names).
    pub declared_vars: Vec<(String, Vec<String>)>,
}

/// Loads directories of `.tf` files (each with its display path). The loader tells root
/// modules from called ones, so every directory that holds `.tf` files is passed.
pub fn terraform(dirs: &[(PathBuf, String)], options: &TfOptions) -> Terraform {
    if dirs.is_empty() {
        return Terraform {
            model: Model::default(),
            files: 0,
            declared_vars: Vec::new(),
        };
    }
    let loaded = egressproof_load_tf::load_dirs(dirs, options);
    Terraform {
        model: loaded.model,
        files: loaded.files,
        declared_vars: loaded.declared_vars,
    }
}

/// A JSON document that the CloudFormation loader skipped: a snapshot, a Terraform plan
/// (`terraform show -json`), or neither (`None`).
pub fn other_json(doc: &serde_json::Value, display: &str) -> Option<Result<Model, String>> {
    // Each is one input of the scan (a snapshot is one account), so it keeps its identity
    // when appended to the scan's model.
    if let Some(snapshot) = Model::from_snapshot(doc) {
        return Some(
            snapshot
                .map(|mut m| {
                    // The names it declares are kept: the snapshot of an organization's account
                    // names the organization, so that its accounts form one environment.
                    let (provides, uses) = declared_names(&m);
                    m.as_input(display, InputKind::Snapshot, provides, uses);
                    m
                })
                .map_err(|e| format!("{display}: not a valid snapshot: {e}")),
        );
    }
    egressproof_load_tf::load_plan(doc, display).map(|mut m| {
        m.as_input(display, InputKind::Plan, Vec::new(), Vec::new());
        Ok(m)
    })
}

/// The shared names a model's declared inputs publish and read, each once.
fn declared_names(m: &Model) -> (Vec<SharedName>, Vec<SharedName>) {
    let mut provides: Vec<SharedName> = m.inputs.iter().flat_map(|i| i.provides.clone()).collect();
    let mut uses: Vec<SharedName> = m.inputs.iter().flat_map(|i| i.uses.clone()).collect();
    provides.sort();
    provides.dedup();
    uses.sort();
    uses.dedup();
    (provides, uses)
}
