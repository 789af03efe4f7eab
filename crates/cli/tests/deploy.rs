//! The deployment manifests under `deploy/` (a Kubernetes Indexed Job, an AWS Batch array job
//! definition) parse, and the `egressproof snapshot` command line they run uses flags that the
//! command has, with the shard taken from the index each platform gives.

mod common;

use common::*;
use saphyr_parser::{Event, Parser};
use std::path::Path;

fn deploy(path: &str) -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../deploy")
        .join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// Every scalar of every document of a YAML stream, in order; panics on malformed YAML.
fn yaml_scalars(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for event in Parser::new_from_str(text) {
        let (event, _span) = event.unwrap_or_else(|e| panic!("malformed YAML: {e}"));
        if let Event::Scalar(value, ..) = event {
            out.push(value.to_string());
        }
    }
    out
}

/// The `--flags` of the `egressproof snapshot` command lines among `strings`.
fn snapshot_flags(strings: &[String]) -> Vec<String> {
    let lines: Vec<&String> = strings
        .iter()
        .filter(|s| s.contains("egressproof snapshot"))
        .collect();
    assert!(!lines.is_empty(), "no egressproof snapshot command line");
    // From `egressproof snapshot` to the end of that command (`;`, `&&`, `|`).
    lines
        .iter()
        .filter_map(|l| l.split_once("egressproof snapshot").map(|(_, rest)| rest))
        .map(|rest| rest.split([';', '&', '|']).next().unwrap_or(rest))
        .flat_map(|c| c.split_whitespace())
        .filter(|w| w.starts_with("--"))
        .map(|w| w.split('=').next().unwrap_or(w).to_string())
        .collect()
}

fn snapshot_help() -> String {
    let out = egressproof().args(["snapshot", "--help"]).output().unwrap();
    assert!(out.status.success());
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn check(flags: &[String], shard_from: &str, text: &str) {
    let help = snapshot_help();
    for f in flags {
        assert!(
            help.contains(f.as_str()),
            "{f} is not a flag of snapshot:\n{help}"
        );
    }
    for needed in ["--org", "--shard"] {
        assert!(
            flags.iter().any(|f| f == needed),
            "{needed} missing: {flags:?}"
        );
    }
    assert!(
        text.contains(shard_from),
        "the shard comes from {shard_from}"
    );
}

#[test]
fn snapshot_help_shows_the_organization_flags() {
    let help = snapshot_help();
    for flag in [
        "--org",
        "--role-name",
        "--jobs",
        "--shard",
        "--accounts",
        "--ou",
        "--external-id",
    ] {
        assert!(help.contains(flag), "{flag}:\n{help}");
    }
}

#[test]
fn the_kubernetes_indexed_job_runs_a_shard_per_completion_index() {
    let text = deploy("kubernetes/org-snapshot-job.yaml");
    let scalars = yaml_scalars(&text);
    assert!(
        scalars.iter().any(|s| s == "Indexed"),
        "completionMode: Indexed"
    );
    let flags = snapshot_flags(&scalars);
    check(&flags, "${JOB_COMPLETION_INDEX}/${SHARDS}", &text);
    // The shard count and the completions agree.
    let after = |key: &str, n: usize| {
        scalars
            .iter()
            .position(|s| s == key)
            .and_then(|i| scalars.get(i + n))
            .cloned()
            .unwrap_or_default()
    };
    // `completions: 8`, and the environment's `- name: SHARDS` / `value: "8"`.
    assert_eq!(after("completions", 1), after("SHARDS", 2));
}

#[test]
fn the_batch_array_job_runs_a_shard_per_array_index() {
    let text = deploy("aws-batch/org-snapshot-job-definition.json");
    let doc: serde_json::Value = serde_json::from_str(&text).expect("JSON");
    let command: Vec<String> = doc["containerProperties"]["command"]
        .as_array()
        .expect("a command")
        .iter()
        .filter_map(|v| v.as_str().map(str::to_string))
        .collect();
    let flags = snapshot_flags(&command);
    check(&flags, "${AWS_BATCH_JOB_ARRAY_INDEX}/${SHARDS}", &text);
}
