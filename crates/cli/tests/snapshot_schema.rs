//! A snapshot written by another version of egressproof (another `schema`) is an EP901 naming
//! the schema: read as other JSON, or skipped, its account would silently vanish from the scan.

use assert_cmd::Command;

#[test]
fn a_snapshot_of_an_unknown_schema_version_is_ep901() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        dir.path().join("account.json"),
        r#"{"schema": "egressproof-snapshot/9", "model": {"resources": []}}"#,
    )
    .expect("write snapshot");
    let out = Command::cargo_bin("egressproof")
        .expect("binary")
        .args(["scan", "--format", "json"])
        .arg(dir.path())
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "no JSON report ({e}): {stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert_eq!(report["verdict"], "unproven", "{stdout}");
    assert_eq!(out.status.code(), Some(3));
    let unknowns = report["unknowns"].as_array().expect("unknowns");
    assert!(
        unknowns.iter().any(|u| u["rule"] == "EP901"
            && u["message"]
                .as_str()
                .is_some_and(|m| m.contains("egressproof-snapshot/9"))),
        "{stdout}"
    );
}
