//! `egressproof scan` end to end: verdicts and exit codes, display paths, output options, and
//! bad inputs that must become EP901 unknowns (never a crash) while the rest is still analysed.

mod common;

use common::*;
use egressproof_model::{Ident, Kind, Model, NotebookInstance, Resource, Span};
use predicates::prelude::*;

#[test]
fn a_leak_exits_1_and_names_the_rule() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nb.yaml", LEAKY_NOTEBOOK);
    let scan = scan_json(dir.path(), &["."]);
    assert_eq!(scan.code, 1, "{}", scan.stdout);
    assert_eq!(scan.report["verdict"], "leaks");
    assert!(
        scan.rules().contains(&"EP101".to_string()),
        "{:?}",
        scan.rules()
    );
    assert_eq!(scan.report["summary"]["files"], 1);
}

#[test]
fn nothing_open_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "model.yaml", SEALED_MODEL);
    let scan = scan_json(dir.path(), &["."]);
    assert_eq!(scan.code, 0, "{}", scan.stdout);
    assert_eq!(scan.report["verdict"], "sealed");
    assert_eq!(scan.report["summary"]["resources"], 2);
}

#[test]
fn an_unresolved_value_exits_3_until_given() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nb.yaml", UNRESOLVED_NOTEBOOK);
    // The lone notebook is also open to presigned URLs from anywhere (EP401: no policy in the
    // scan restricts them); that channel is not what this test is about.
    let scan = scan_json(dir.path(), &["--skip", "EP401", "."]);
    assert_eq!(scan.code, 3, "{}", scan.stdout);
    assert_eq!(scan.report["verdict"], "unproven");
    assert!(
        scan.unknowns().iter().any(|(rule, _, _)| rule == "EP902"),
        "{:?}",
        scan.unknowns()
    );

    let given = scan_json(dir.path(), &["--param", "Access=Enabled", "."]);
    assert_eq!(given.code, 1, "{}", given.stdout);
    assert!(given.rules().contains(&"EP101".to_string()));
}

#[test]
fn leaks_outrank_unknowns() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/nb.yaml", LEAKY_NOTEBOOK);
    write(dir.path(), "b/nb.yaml", UNRESOLVED_NOTEBOOK);
    let scan = scan_json(dir.path(), &["."]);
    assert_eq!(scan.code, 1);
    assert_eq!(scan.report["verdict"], "leaks");
}

#[test]
fn a_snapshot_is_scanned_like_a_template() {
    let dir = tempfile::tempdir().unwrap();
    let mut model = Model::default();
    model.resources.push(Resource::new(
        Ident::new("arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/nb"),
        "nb",
        "AWS::SageMaker::NotebookInstance",
        Span::arn("arn:aws:sagemaker:us-east-1:123456789012:notebook-instance/nb"),
        Kind::NotebookInstance(NotebookInstance::default()),
    ));
    write(
        dir.path(),
        "account.json",
        serde_json::to_string_pretty(&model.to_snapshot()).unwrap(),
    );
    let scan = scan_json(dir.path(), &["."]);
    assert_eq!(scan.code, 1, "{}", scan.stdout);
    assert!(scan.rules().contains(&"EP101".to_string()));
    assert_eq!(scan.report["summary"]["files"], 1);
}

#[test]
fn paths_are_shown_relative_to_the_path_given() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "examples/leaky/net.yaml", LEAKY_NOTEBOOK);
    let scan = scan_json(dir.path(), &["examples/"]);
    assert_eq!(scan.code, 1);
    let ep101 = scan.report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "EP101")
        .cloned()
        .unwrap();
    assert_eq!(ep101["resource"]["file"], "examples/leaky/net.yaml");
    assert!(ep101["resource"]["line"].as_u64().unwrap() >= 3);

    let from_inside = scan_json(&dir.path().join("examples"), &[]);
    let files: Vec<&str> = from_inside.report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["resource"]["file"].as_str())
        .collect();
    assert!(files.contains(&"leaky/net.yaml"), "{files:?}");
}

#[test]
fn gitignored_files_are_not_scanned() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".gitignore", "build/\n");
    write(dir.path(), "build/nb.yaml", LEAKY_NOTEBOOK);
    write(dir.path(), "model.yaml", SEALED_MODEL);
    let scan = scan_json(dir.path(), &["."]);
    assert_eq!(scan.code, 0, "{}", scan.stdout);
    assert!(!scan.rules().contains(&"EP101".to_string()));
}

#[test]
fn several_paths_are_one_scan() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/model.yaml", SEALED_MODEL);
    write(dir.path(), "b/nb.yaml", LEAKY_NOTEBOOK);
    let scan = scan_json(dir.path(), &["a", "b/nb.yaml"]);
    assert_eq!(scan.code, 1);
    assert_eq!(scan.report["summary"]["files"], 2);
    // The model and the notebook, each with its execution role.
    assert_eq!(scan.report["summary"]["resources"], 4);
}

#[test]
fn output_file_holds_the_report_and_the_exit_code_is_the_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "in/nb.yaml", LEAKY_NOTEBOOK);
    egressproof()
        .current_dir(dir.path())
        .args(["scan", "--format", "json", "-o", "report.json", "in"])
        .assert()
        .code(1)
        .stdout(predicate::str::is_empty());
    let text = std::fs::read_to_string(dir.path().join("report.json")).unwrap();
    let report: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(report["verdict"], "leaks");
}

#[test]
fn every_format_renders() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nb.yaml", LEAKY_NOTEBOOK);
    for format in ["text", "json", "sarif", "junit", "html"] {
        egressproof()
            .current_dir(dir.path())
            .args(["scan", "--color", "never", "--format", format, "."])
            .assert()
            .code(1)
            .stdout(predicate::str::contains("EP101"))
            .stderr(predicate::str::contains("panicked").not());
    }
}

#[test]
fn colour_follows_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nb.yaml", LEAKY_NOTEBOOK);
    egressproof()
        .current_dir(dir.path())
        .args(["scan", "--color", "always", "."])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\u{1b}["));
    // Not a terminal: `auto` means no colour.
    egressproof()
        .current_dir(dir.path())
        .args(["scan", "--color", "auto", "."])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\u{1b}[").not());
    egressproof()
        .current_dir(dir.path())
        .args(["scan", "--color", "never", "."])
        .assert()
        .code(1)
        .stdout(predicate::str::contains("\u{1b}[").not());
}

#[test]
fn quiet_prints_the_verdict_only() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nb.yaml", LEAKY_NOTEBOOK);
    let out = egressproof()
        .current_dir(dir.path())
        .args(["scan", "--quiet", "--color", "never", "."])
        .assert()
        .code(1)
        .get_output()
        .stdout
        .clone();
    let text = String::from_utf8(out).unwrap();
    assert!(text.to_lowercase().contains("leaks"), "{text}");
    assert!(!text.contains("EP101"), "{text}");
    assert!(text.lines().count() <= 2, "{text}");
}

// --- exit 2: nothing could be read ---------------------------------------------------------

#[test]
fn a_missing_path_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    egressproof()
        .current_dir(dir.path())
        .args(["scan", "does-not-exist"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("does-not-exist"));
}

#[test]
fn a_missing_path_beside_a_good_one_is_still_an_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "model.yaml", SEALED_MODEL);
    egressproof()
        .current_dir(dir.path())
        .args(["scan", "model.yaml", "typo.yaml"])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("typo.yaml"));
}

#[test]
fn an_empty_directory_has_nothing_to_scan() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "README.md", "# not infrastructure\n");
    egressproof()
        .current_dir(dir.path())
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to scan"));
}

#[test]
fn yaml_that_is_no_template_is_nothing_to_scan() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "deploy.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n",
    );
    egressproof()
        .current_dir(dir.path())
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to scan"));
}

// --- bad inputs: EP901 (or skipped), the rest still analysed --------------------------------

/// Writes the bad file beside a leaking notebook, scans, and checks: no panic, bounded time
/// (the helper's timeout), EP101 still found, exit 1. Returns the scan for further checks.
fn beside_a_leak(setup: impl FnOnce(&std::path::Path)) -> Scan {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nb.yaml", LEAKY_NOTEBOOK);
    setup(dir.path());
    let scan = scan_json(dir.path(), &["."]);
    assert_eq!(scan.code, 1, "{}\n{}", scan.stdout, scan.stderr);
    assert!(
        scan.rules().contains(&"EP101".to_string()),
        "the notebook beside the bad file was not analysed: {}",
        scan.stdout
    );
    scan
}

/// The EP901 unknowns that name `file`.
fn ep901_for(scan: &Scan, file: &str) -> Vec<String> {
    scan.unknowns()
        .into_iter()
        .filter(|(rule, f, m)| rule == "EP901" && (f == file || m.contains(file)))
        .map(|(_, _, m)| m)
        .collect()
}

fn assert_ep901(scan: &Scan, file: &str) {
    let found = ep901_for(scan, file);
    assert!(
        !found.is_empty(),
        "no EP901 for {file}: {:?}",
        scan.unknowns()
    );
    assert!(
        found.iter().all(|m| m.len() > 10),
        "unclear message: {found:?}"
    );
}

/// EP901, or skipped as not a template: either way not silently taken as read.
fn assert_ep901_or_skipped(scan: &Scan, file: &str) {
    let skipped = scan.report["summary"]["skipped"].as_u64().unwrap_or(0);
    assert!(
        !ep901_for(scan, file).is_empty() || skipped >= 1,
        "{file} neither EP901 nor skipped: {}",
        scan.stdout
    );
}

#[test]
fn malformed_yaml_is_ep901() {
    let scan = beside_a_leak(|d| {
        write(
            d,
            "bad.yaml",
            "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Vpc: { Type: AWS::EC2::VPC\n",
        )
    });
    assert_ep901(&scan, "bad.yaml");
}

#[test]
fn malformed_json_is_ep901() {
    let scan = beside_a_leak(|d| {
        write(
            d,
            "bad.json",
            r#"{"AWSTemplateFormatVersion": "2010-09-09", "Resources": {"B": {"Type": "AWS::S3::Bucket",}"#,
        )
    });
    assert_ep901(&scan, "bad.json");
}

#[test]
fn a_yaml_alias_bomb_is_ep901() {
    let scan = beside_a_leak(|d| {
        let mut text = String::from("AWSTemplateFormatVersion: \"2010-09-09\"\n");
        text.push_str(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let names = ["a", "b", "c", "d", "e", "f", "g", "h", "i"];
        for w in names.windows(2) {
            let refs = vec![format!("*{}", w[0]); 9].join(",");
            text.push_str(&format!("{}: &{} [{refs}]\n", w[1], w[1]));
        }
        text.push_str(
            "Resources:\n  Bomb:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: *i\n",
        );
        write(d, "bomb.yaml", text)
    });
    assert_ep901(&scan, "bomb.yaml");
}

#[test]
fn deep_nesting_is_ep901() {
    let scan = beside_a_leak(|d| {
        let text = format!(
            "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Deep:\n    Type: AWS::S3::Bucket\n    Properties:\n      Tags: {}{}\n",
            "[".repeat(200),
            "]".repeat(200)
        );
        write(d, "deep.yaml", text)
    });
    assert_ep901(&scan, "deep.yaml");
}

#[test]
fn deep_json_nesting_is_ep901() {
    let scan = beside_a_leak(|d| {
        let text = format!(
            "{{\"Resources\": {{\"Deep\": {{\"Type\": \"AWS::S3::Bucket\", \"Properties\": {{\"Tags\": {}{}}}}}}}}}",
            "[".repeat(200),
            "]".repeat(200)
        );
        write(d, "deep.json", text)
    });
    assert_ep901(&scan, "deep.json");
}

#[test]
fn a_50_mb_file_is_ep901() {
    let scan = beside_a_leak(|d| {
        let mut text = String::with_capacity(50 * 1024 * 1024 + 1024);
        text.push_str("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n");
        let mut i = 0;
        while text.len() < 50 * 1024 * 1024 {
            text.push_str(&format!(
                "  Bucket{i}:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: bucket-{i}\n"
            ));
            i += 1;
        }
        write(d, "huge.yaml", text)
    });
    assert_ep901(&scan, "huge.yaml");
}

#[test]
fn a_binary_file_is_ep901_or_skipped() {
    let scan = beside_a_leak(|d| {
        let bytes: Vec<u8> = (0..65_536u32).map(|i| (i * 7 % 256) as u8).collect();
        write(d, "blob.yaml", bytes)
    });
    assert_ep901_or_skipped(&scan, "blob.yaml");
}

#[test]
fn a_non_utf8_file_is_ep901_or_skipped() {
    let scan = beside_a_leak(|d| {
        let mut bytes = b"AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  B:\n    Type: AWS::S3::Bucket\n    Properties:\n      BucketName: \"".to_vec();
        bytes.extend_from_slice(&[0xff, 0xfe, 0xc3, 0x28]);
        bytes.extend_from_slice(b"\"\n");
        write(d, "latin.yaml", bytes)
    });
    assert_ep901_or_skipped(&scan, "latin.yaml");
}

#[test]
fn an_empty_file_is_skipped_not_an_error() {
    let scan = beside_a_leak(|d| write(d, "empty.yaml", ""));
    assert!(
        ep901_for(&scan, "empty.yaml").is_empty(),
        "{:?}",
        scan.unknowns()
    );
    assert!(scan.report["summary"]["skipped"].as_u64().unwrap_or(0) >= 1);
}

#[cfg(unix)]
#[test]
fn a_dangling_symlink_is_ep901() {
    let scan = beside_a_leak(|d| {
        std::os::unix::fs::symlink(d.join("gone.yaml"), d.join("link.yaml")).unwrap()
    });
    assert_ep901(&scan, "link.yaml");
}

#[cfg(unix)]
#[test]
fn a_fifo_named_like_a_template_is_ep901_and_does_not_block() {
    let scan = beside_a_leak(|d| {
        let status = std::process::Command::new("mkfifo")
            .arg(d.join("pipe.yaml"))
            .status()
            .unwrap();
        assert!(status.success());
    });
    assert_ep901(&scan, "pipe.yaml");
}

/// chmod 000 denies reading only when not root, and tests often run as root. Then the test
/// uses a regular file that fails to read for root too: a link to `/proc/self/mem`, whose
/// first page is never mapped (reading it is an I/O error).
#[cfg(target_os = "linux")]
#[test]
fn a_file_that_cannot_be_read_is_ep901() {
    use std::os::unix::fs::PermissionsExt;
    let probe_dir = tempfile::tempdir().unwrap();
    let probe = probe_dir.path().join("probe");
    std::fs::write(&probe, "x").unwrap();
    std::fs::set_permissions(&probe, std::fs::Permissions::from_mode(0o000)).unwrap();
    let chmod_bites = std::fs::read(&probe).is_err();
    let scan = beside_a_leak(|d| {
        if chmod_bites {
            write(d, "secret.yaml", LEAKY_NOTEBOOK);
            std::fs::set_permissions(
                d.join("secret.yaml"),
                std::fs::Permissions::from_mode(0o000),
            )
            .unwrap();
        } else {
            assert!(std::fs::read("/proc/self/mem").is_err());
            std::os::unix::fs::symlink("/proc/self/mem", d.join("secret.yaml")).unwrap();
        }
    });
    assert_ep901(&scan, "secret.yaml");
}

#[cfg(unix)]
#[test]
fn a_symlink_loop_is_ep901() {
    let scan = beside_a_leak(|d| {
        std::fs::create_dir_all(d.join("sub")).unwrap();
        std::os::unix::fs::symlink(d, d.join("sub/back")).unwrap();
    });
    assert_ep901(&scan, "sub/back");
}

#[test]
fn only_bad_files_is_unproven_not_sealed() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "bad.yaml",
        "AWSTemplateFormatVersion: \"2010-09-09\"\nResources: [\n",
    );
    let scan = scan_json(dir.path(), &["."]);
    assert_eq!(scan.code, 3, "{}", scan.stdout);
    assert_eq!(scan.report["verdict"], "unproven");
}

#[cfg(unix)]
#[test]
fn nothing_readable_at_all_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(dir.path().join("gone.yaml"), dir.path().join("link.yaml")).unwrap();
    egressproof()
        .current_dir(dir.path())
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("link.yaml"))
        .stderr(predicate::str::contains("no input could be read"));
}
