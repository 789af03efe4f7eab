//! `egressproof blueprint`: writes the private SageMaker environment a regulated firm needs, in
//! CloudFormation or Terraform, together with organization guardrails, a data-scientist policy,
//! a training request to start from, a README, and the `.egressproof.toml` that states what the
//! scan of the directory takes as given. The tests of this crate scan the output with
//! egressproof itself and require `sealed` with no finding at all: the blueprint is the proof
//! that the rules can be satisfied, and the scan is the proof that the blueprint satisfies them.
//!
//! ```
//! use egressproof_blueprint::{generate, BlueprintOptions, OutputFormat};
//! let files = generate(&BlueprintOptions::default()).unwrap();
//! assert!(files.iter().any(|f| f.path.ends_with("template.yaml")));
//! let tf = generate(&BlueprintOptions { format: OutputFormat::Terraform, ..Default::default() }).unwrap();
//! assert!(tf.iter().any(|f| f.path.ends_with("main.tf")));
//! ```
//!
//! Architecture invariants: generation is pure (no IO, no clock, no randomness): the same options
//! give the same bytes. The environment is described once (`design`): every resource as a
//! typed value (its settings and its references), every policy document, the outputs. `cfn` and
//! `tf` only render that description (names, syntax, and where the providers differ), and the
//! JSON files print the same documents, so the CloudFormation, Terraform and JSON copies cannot
//! disagree. The guardrails' condition keys and actions come from the aws layer's table, the one
//! the analysis checks them against.

mod cfn;
mod design;
mod expr;
mod hcl;
mod options;
mod readme;
mod tf;
mod yaml;

pub use options::{parse_cidr, BlueprintError, BlueprintOptions, OutputFormat, Workload};

use std::path::PathBuf;

/// One file of the blueprint, relative to the output directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: PathBuf,
    pub contents: String,
}

fn file(path: &str, contents: String) -> GeneratedFile {
    GeneratedFile {
        path: PathBuf::from(path),
        contents,
    }
}

fn pretty(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// Validates the options and writes every file of the blueprint, in a fixed order.
pub fn generate(options: &BlueprintOptions) -> Result<Vec<GeneratedFile>, BlueprintError> {
    let o = options.check()?;
    let names = design::Names::new(&o);
    let mut out = Vec::new();
    match o.format {
        OutputFormat::CloudFormation => out.push(file("template.yaml", cfn::template(&o))),
        OutputFormat::Terraform => {
            for (path, contents) in tf::files(&o) {
                out.push(file(&path, contents));
            }
        }
    }
    out.push(file(
        "guardrails/scp.json",
        pretty(&design::organization_policy(&o).to_json(&expr::placeholder)),
    ));
    out.push(file(
        "guardrails/data-scientist-policy.json",
        pretty(&design::data_scientist_policy(&o).to_json(&expr::placeholder)),
    ));
    out.push(file(
        "training-job-request.json",
        pretty(
            &design::training_request(&o, &names, Some(&format!("{}-training-001", o.name)))
                .to_json(&expr::placeholder),
        ),
    ));
    out.push(file("README.md", readme::readme(&o)));
    out.push(file(".egressproof.toml", readme::scan_config(&o)));
    Ok(out)
}
