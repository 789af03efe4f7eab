//! EP306 with every rule on: a network-isolated training job whose execution role has
//! `AmazonSageMakerFullAccess` leaks through SageMaker's own upload, and the witness is the
//! managed policy's bucket-name wildcard (read from the bundled AWS document), in both formats.

use egressproof_analysis::{analyze, Analysis, Options, Verdict};
use egressproof_load_cfn::{load, Input, LoadOptions};
use egressproof_load_tf::{load_dirs, TfOptions};
use std::path::PathBuf;

const FIXTURE: &str = "EP306/leaks_full_access_isolated_training_job";

fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn cloudformation() -> Analysis {
    let rel = format!("{FIXTURE}.yaml");
    let loaded = load(
        &[Input {
            path: fixtures().join(&rel),
            display: rel,
        }],
        &LoadOptions::default(),
    );
    analyze(&loaded.model, &Options::default())
}

fn terraform() -> Analysis {
    // The Terraform loader reads a directory: the twin alone in one.
    let dir = tempfile::tempdir().expect("temporary directory");
    let name = "main.tf";
    std::fs::copy(
        fixtures().join(format!("{FIXTURE}.tf")),
        dir.path().join(name),
    )
    .expect("copy the fixture");
    let loaded = load_dirs(
        &[(dir.path().to_path_buf(), "EP306".to_string())],
        &TfOptions::default(),
    );
    analyze(&loaded.model, &Options::default())
}

/// The one EP306 finding: its message, and the workloads it names.
fn ep306(a: &Analysis) -> (String, Vec<String>) {
    let found: Vec<_> = a.findings.iter().filter(|f| f.rule == "EP306").collect();
    assert_eq!(found.len(), 1, "{a:#?}");
    (
        found[0].message.clone(),
        found[0].workloads.iter().map(|w| w.to_string()).collect(),
    )
}

fn assert_full_access_leaks(a: &Analysis) {
    assert_eq!(a.verdict, Verdict::Leaks, "{a:#?}");
    // The job is isolated: no other channel, the role is the leak.
    let rules: Vec<&str> = a
        .findings
        .iter()
        .filter(|f| !f.suppressed)
        .map(|f| f.rule.as_str())
        .collect();
    assert!(!rules.contains(&"EP103"), "{rules:?}");
    let (message, workloads) = ep306(a);
    // AmazonSageMakerFullAccess allows s3:PutObject on arn:aws:s3:::*SageMaker* (and the
    // lower-case variants): buckets anyone can create in their own account.
    let witness = message
        .split_once("(s3:PutObject on arn:aws:s3:::")
        .map(|(_, rest)| rest.split(')').next().unwrap_or_default())
        .unwrap_or_else(|| panic!("no s3:PutObject witness: {message}"));
    assert!(
        witness.to_lowercase().contains("*sagemaker*"),
        "the witness is the managed policy's bucket-name wildcard: {message}"
    );
    assert!(
        workloads.iter().any(|w| w.contains("Train")),
        "the training step runs as the role: {workloads:?}"
    );
}

#[test]
fn full_access_role_of_an_isolated_training_job_leaks_in_cloudformation() {
    assert_full_access_leaks(&cloudformation());
}

#[test]
fn full_access_role_of_an_isolated_training_job_leaks_in_terraform() {
    assert_full_access_leaks(&terraform());
}
