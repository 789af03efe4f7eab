//! Empty inputs are handled alike in every format: a file with no content (no bytes, only
//! blanks, or only comments) declares nothing and is skipped; a scan in which nothing is left to
//! read has nothing to prove and exits 2, never `sealed`.

use assert_cmd::Command;
use std::path::Path;

struct Scan {
    code: i32,
    stdout: String,
    stderr: String,
}

fn scan(dir: &Path) -> Scan {
    let out = Command::cargo_bin("egressproof")
        .expect("binary")
        .args(["scan", "--format", "json"])
        .arg(dir)
        .output()
        .expect("run");
    Scan {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn dir_with(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).expect("write fixture");
    }
    dir
}

const EMPTY: &[(&str, &str)] = &[
    ("empty.yaml", ""),
    ("blank.yml", "  \n\n"),
    ("comments.yaml", "# nothing here yet\n"),
    ("empty.json", ""),
    ("blank.json", " \n"),
    ("empty.template", ""),
    ("main.tf", ""),
    (
        "comments.tf",
        "# nothing here yet\n// nor here\n/* nor here */\n",
    ),
];

#[test]
fn an_empty_file_alone_is_nothing_to_scan_in_every_format() {
    for (name, text) in EMPTY {
        let dir = dir_with(&[(name, text)]);
        let s = scan(dir.path());
        assert_eq!(s.code, 2, "{name}: {}\n{}", s.stdout, s.stderr);
        assert!(s.stderr.contains("nothing to scan"), "{name}: {}", s.stderr);
        assert!(!s.stdout.contains("sealed"), "{name}: {}", s.stdout);
    }
}

#[test]
fn only_empty_files_are_nothing_to_scan() {
    let dir = dir_with(EMPTY);
    let s = scan(dir.path());
    assert_eq!(s.code, 2, "{}\n{}", s.stdout, s.stderr);
    assert!(s.stderr.contains("nothing to scan"), "{}", s.stderr);
}

#[test]
fn empty_files_beside_an_input_are_skipped_without_unknowns() {
    let mut files = EMPTY.to_vec();
    files.push((
        "nb.yaml",
        "Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      InstanceType: ml.t3.medium\n      RoleArn: !GetAtt Role.Arn\n      DirectInternetAccess: Enabled\n  Role:\n    Type: AWS::IAM::Role\n    Properties:\n      AssumeRolePolicyDocument: { Statement: [] }\n",
    ));
    let dir = dir_with(&files);
    let s = scan(dir.path());
    let report: serde_json::Value = serde_json::from_str(&s.stdout).expect("JSON report");
    assert_eq!(report["verdict"], "leaks", "{report:#}");
    assert_eq!(
        report["unknowns"].as_array().map(Vec::len),
        Some(0),
        "{report:#}"
    );
    assert_eq!(s.code, 1);
}
