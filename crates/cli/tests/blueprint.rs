//! `egressproof blueprint` through the binary: what it writes is what `scan` proves sealed.

use assert_cmd::Command;

fn egressproof() -> Command {
    Command::cargo_bin("egressproof").expect("binary")
}

#[test]
fn blueprint_output_scans_sealed_in_both_formats() {
    for format in ["cloudformation", "terraform"] {
        let dir = tempfile::tempdir().expect("temp dir");
        egressproof()
            .args([
                "blueprint",
                "--format",
                format,
                "--corporate-cidr",
                "198.51.100.0/24",
                "-o",
            ])
            .arg(dir.path())
            .assert()
            .success();
        for file in [
            "README.md",
            "guardrails/scp.json",
            "guardrails/data-scientist-policy.json",
            "training-job-request.json",
        ] {
            assert!(
                dir.path().join(file).is_file(),
                "{format}: {file} not written"
            );
        }
        let out = egressproof()
            .args(["scan", "--format", "json"])
            .arg(dir.path())
            .output()
            .expect("scan");
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
        assert_eq!(report["verdict"], "sealed", "{format}: {report:#}");
        assert_eq!(
            report["findings"].as_array().map(Vec::len),
            Some(0),
            "{format}: {report:#}"
        );
        assert_eq!(out.status.code(), Some(0));
    }
}

#[test]
fn blueprint_refuses_bad_options_with_exit_2() {
    let dir = tempfile::tempdir().expect("temp dir");
    egressproof()
        .args(["blueprint", "--azs", "0", "-o"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicates::str::contains("azs"));
    egressproof()
        .args(["blueprint", "--vpc-cidr", "not-a-cidr", "-o"])
        .arg(dir.path())
        .assert()
        .code(2);
}
