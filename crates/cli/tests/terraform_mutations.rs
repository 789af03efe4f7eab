//! The Terraform port of the sealed reference and its single-change mutations, through the
//! binary: each must give the same verdict and rule as its CloudFormation twin. Every egress-
//! opening change must turn `sealed` into `leaks` (DESIGN.md §7, mutation target: 100%).

use assert_cmd::Command;
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../load-tf/tests/fixtures")
}

fn scan(dir: &Path) -> (serde_json::Value, i32) {
    let out = Command::cargo_bin("egressproof")
        .expect("binary")
        .args(["scan", "--format", "json"])
        .arg(dir)
        .timeout(std::time::Duration::from_secs(60))
        .output()
        .expect("run egressproof");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{}: no JSON ({e}): {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (report, out.status.code().unwrap_or(-1))
}

fn rules(report: &serde_json::Value) -> Vec<String> {
    let mut out = Vec::new();
    for key in ["findings", "unknowns"] {
        for item in report[key].as_array().into_iter().flatten() {
            if item["suppressed"].as_bool() != Some(true) {
                out.push(item["rule"].as_str().unwrap_or_default().to_string());
            }
        }
    }
    out
}

#[path = "../../load-tf/tests/fixtures/mutations.rs"]
mod mutations;

#[test]
fn terraform_reference_is_sealed() {
    let (report, code) = scan(&fixtures().join("ref-sealed"));
    let bad: Vec<String> = rules(&report)
        .into_iter()
        .filter(|r| {
            r.starts_with("EP1")
                || r.starts_with("EP2")
                || r.starts_with("EP30")
                || r == "EP401"
                || r.starts_with("EP9")
        })
        .filter(|r| r != "EP303")
        .collect();
    assert_eq!(report["verdict"], "sealed", "rules: {:?}", rules(&report));
    assert_eq!(code, 0);
    assert!(
        bad.is_empty(),
        "unexpected rules on the sealed reference: {bad:?}"
    );
}

#[test]
fn terraform_mutations_match_their_cloudformation_twins() {
    let all = mutations::all();
    assert_eq!(
        all.len(),
        25,
        "one Terraform twin per CloudFormation mutation"
    );
    let mut failures = Vec::new();
    for m in &all {
        let dir = tempfile::tempdir().expect("temp dir");
        mutations::write(m, dir.path());
        let (report, code) = scan(dir.path());
        let found = rules(&report);
        let expected_code = match m.verdict.as_str() {
            "sealed" => 0,
            "leaks" => 1,
            _ => 3,
        };
        if report["verdict"] != m.verdict.as_str() || code != expected_code {
            failures.push(format!(
                "{}: verdict {} (exit {code}), expected {}; rules {found:?}",
                m.id, report["verdict"], m.verdict
            ));
        }
        for rule in &m.expect {
            if !found.contains(rule) {
                failures.push(format!("{}: {rule} not reported; rules {found:?}", m.id));
            }
        }
        for rule in &m.reject {
            if found.contains(rule) {
                failures.push(format!("{}: {rule} reported but must not be", m.id));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
