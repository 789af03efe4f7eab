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

/// (mutation, verdict, a rule that must be reported, rules that must not).
const EXPECTED: &[(&str, &str, Option<&str>, &[&str])] = &[
    ("M01", "leaks", Some("EP101"), &[]),
    ("M02", "leaks", Some("EP101"), &[]),
    ("M03", "leaks", Some("EP102"), &[]),
    ("M04", "leaks", Some("EP102"), &[]),
    ("M05", "leaks", Some("EP104"), &[]),
    ("M06", "sealed", None, &["EP104", "EP201"]),
    ("M07", "leaks", Some("EP201"), &[]),
    ("M08", "leaks", Some("EP201"), &[]),
    ("M09", "leaks", Some("EP301"), &[]),
    ("M10", "leaks", Some("EP301"), &[]),
    ("M11", "leaks", Some("EP301"), &[]),
    ("M12", "leaks", Some("EP302"), &[]),
    ("M13", "leaks", Some("EP401"), &[]),
    ("M14", "leaks", Some("EP401"), &[]),
    ("M15", "sealed", None, &["EP401"]),
    ("M16", "leaks", Some("EP202"), &[]),
    ("M17", "leaks", Some("EP203"), &[]),
    ("M18", "leaks", Some("EP203"), &[]),
    ("M19", "leaks", Some("EP304"), &[]),
    ("M20", "leaks", Some("EP103"), &[]),
    ("M21", "sealed", Some("EP305"), &[]),
    ("M22", "sealed", None, &["EP201"]),
    ("M23", "sealed", None, &["EP201"]),
    ("M24", "sealed", None, &["EP301"]),
    ("M25", "unproven", Some("EP902"), &[]),
];

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
    let mut failures = Vec::new();
    for (id, verdict, expect, reject) in EXPECTED {
        let (report, code) = scan(&fixtures().join("mutations").join(id));
        let found = rules(&report);
        let expected_code = match *verdict {
            "sealed" => 0,
            "leaks" => 1,
            _ => 3,
        };
        if report["verdict"] != *verdict || code != expected_code {
            failures.push(format!(
                "{id}: verdict {} (exit {code}), expected {verdict}; rules {found:?}",
                report["verdict"]
            ));
        }
        if let Some(rule) = expect {
            if !found.iter().any(|r| r == rule) {
                failures.push(format!("{id}: {rule} not reported; rules {found:?}"));
            }
        }
        for rule in *reject {
            if found.iter().any(|r| r == rule) {
                failures.push(format!("{id}: {rule} reported but must not be"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
