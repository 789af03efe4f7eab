//! The pieces a CI pipeline wires together, end to end through the binary: report formats taken
//! from file names and several reports at once, a template on standard input, the rule catalog
//! as JSON and rules named by code or name, warnings for values no input declares, the text
//! report's summary and compact form, baselines, and the exit-code controls.

mod common;

use common::*;
use predicates::prelude::*;
use std::path::Path;

/// A Terraform notebook without `direct_internet_access`: the default is Enabled, so EP101.
const LEAKY_TF_NOTEBOOK: &str = r#"resource "aws_sagemaker_notebook_instance" "nb" {
  name          = "nb"
  instance_type = "ml.t3.medium"
  role_arn      = "arn:aws:iam::123456789012:role/exec"
}
"#;

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn run(cwd: &Path, args: &[&str]) -> (i32, String, String) {
    let out = egressproof().current_dir(cwd).args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

// --- formats and files ----------------------------------------------------------------------

#[test]
fn the_output_file_extension_names_the_format() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nb.yaml", LEAKY_NOTEBOOK);
    for (file, marker) in [
        ("report.sarif", "\"version\": \"2.1.0\""),
        ("report.sarif.json", "\"version\": \"2.1.0\""),
        ("report.json", "\"verdict\": \"leaks\""),
        ("report.html", "<!DOCTYPE html>"),
        ("report.xml", "<testsuites"),
        ("report.txt", "egressproof: LEAKS"),
        ("report.out", "egressproof: LEAKS"),
    ] {
        let (code, stdout, stderr) = run(dir.path(), &["scan", "nb.yaml", "-o", file]);
        assert_eq!(code, 1, "{file}: {stderr}");
        assert!(stdout.is_empty(), "{file}: {stdout}");
        let text = read(&dir.path().join(file));
        assert!(
            text.to_ascii_lowercase()
                .contains(&marker.to_ascii_lowercase()),
            "{file}: {text}"
        );
    }
}

#[test]
fn an_explicit_format_wins_over_the_extension_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nb.yaml", LEAKY_NOTEBOOK);
    let (code, _, stderr) = run(
        dir.path(),
        &["scan", "nb.yaml", "--format", "JSON", "-o", "report.sarif"],
    );
    assert_eq!(code, 1, "{stderr}");
    let report: serde_json::Value =
        serde_json::from_str(&read(&dir.path().join("report.sarif"))).expect("a JSON report");
    assert_eq!(report["verdict"], "leaks");
    assert!(report.get("runs").is_none(), "{report:#}");
    assert!(
        stderr.contains("writing json to report.sarif as --format says"),
        "{stderr}"
    );
}

#[test]
fn several_reports_are_written_at_once_beside_text_on_stdout() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nb.yaml", LEAKY_NOTEBOOK);
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "scan",
            "nb.yaml",
            "--color",
            "never",
            "--report",
            "sarif=out.sarif",
            "--report",
            "HTML=out.html",
            "--report",
            "junit=out.xml",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.starts_with("egressproof: LEAKS"), "{stdout}");
    let sarif: serde_json::Value =
        serde_json::from_str(&read(&dir.path().join("out.sarif"))).unwrap();
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "EP101");
    assert!(read(&dir.path().join("out.html")).contains("EP101"));
    assert!(read(&dir.path().join("out.xml")).contains("<testsuites"));

    let (code, _, stderr) = run(dir.path(), &["scan", "nb.yaml", "--report", "xml=out.xml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a report format"), "{stderr}");
}

// --- standard input -------------------------------------------------------------------------

#[test]
fn a_template_on_standard_input_is_told_by_its_content() {
    let dir = tempfile::tempdir().unwrap();
    let json_template = serde_json::json!({
        "Resources": {
            "Notebook": {
                "Type": "AWS::SageMaker::NotebookInstance",
                "Properties": {
                    "InstanceType": "ml.t3.medium",
                    "RoleArn": "arn:aws:iam::123456789012:role/exec"
                }
            }
        }
    })
    .to_string();
    for (what, input, file) in [
        ("yaml", LEAKY_NOTEBOOK, "stdin"),
        ("json", json_template.as_str(), "stdin"),
        ("terraform", LEAKY_TF_NOTEBOOK, "stdin/main.tf"),
    ] {
        let out = egressproof()
            .current_dir(dir.path())
            .args(["scan", "--format", "json", "-"])
            .write_stdin(input)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let report: serde_json::Value =
            serde_json::from_str(&stdout).unwrap_or_else(|e| panic!("{what}: {e}: {stdout}"));
        assert_eq!(out.status.code(), Some(1), "{what}: {report:#}");
        let finding = &report["findings"][0];
        assert_eq!(finding["rule"], "EP101", "{what}: {report:#}");
        assert_eq!(finding["resource"]["file"], file, "{what}: {report:#}");
    }
}

#[test]
fn standard_input_that_is_no_template_is_nothing_to_scan() {
    let dir = tempfile::tempdir().unwrap();
    egressproof()
        .current_dir(dir.path())
        .args(["scan", "-"])
        .write_stdin("")
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nothing to scan"));
}

// --- rules ----------------------------------------------------------------------------------

#[test]
fn rules_as_json_list_every_rule() {
    let (code, stdout, _) = run(Path::new("."), &["rules", "--format", "json"]);
    assert_eq!(code, 0);
    let rules: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let rules = rules.as_array().expect("an array");
    let ep201 = rules
        .iter()
        .find(|r| r["code"] == "EP201")
        .expect("EP201 listed");
    assert_eq!(ep201["severity"], "high");
    assert_eq!(ep201["family"], "egress");
    assert!(ep201["name"].as_str().is_some_and(|n| !n.is_empty()));
    let ep601 = rules.iter().find(|r| r["code"] == "EP601").unwrap();
    assert_eq!(ep601["family"], "hardening");
    let ep901 = rules.iter().find(|r| r["code"] == "EP901").unwrap();
    assert_eq!(ep901["family"], "unknown");
}

#[test]
fn a_rule_is_named_by_code_or_name_in_any_case() {
    let (_, catalog, _) = run(Path::new("."), &["rules", "--format", "json"]);
    let rules: serde_json::Value = serde_json::from_str(&catalog).unwrap();
    let name = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["code"] == "EP201")
        .and_then(|r| r["name"].as_str())
        .unwrap()
        .to_string();
    for given in [name.clone(), name.to_ascii_uppercase(), "ep201".to_string()] {
        egressproof()
            .args(["rule", &given])
            .assert()
            .success()
            .stdout(predicate::str::starts_with(format!("# EP201 {name}")));
    }
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nb.yaml", LEAKY_NOTEBOOK);
    let skipped = scan_json(
        dir.path(),
        &["--skip", "NOTEBOOK-DIRECT-INTERNET", "nb.yaml"],
    );
    assert!(
        !skipped.rules().contains(&"EP101".to_string()),
        "{:?}",
        skipped.rules()
    );
}

#[test]
fn severities_formats_and_colours_are_case_insensitive() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "model.yaml", MEDIUM_ONLY);
    let medium = scan_json(dir.path(), &["model.yaml"]);
    assert_eq!(medium.code, 1, "{}", medium.stdout);
    let high = scan_json(dir.path(), &["--fail-on", "HIGH", "model.yaml"]);
    assert_eq!(high.code, 0, "{}", high.stdout);
    let (code, stdout, stderr) = run(
        dir.path(),
        &[
            "scan",
            "--format",
            "SARIF",
            "--color",
            "NEVER",
            "model.yaml",
        ],
    );
    assert_eq!(code, 1, "{stderr}");
    assert!(stdout.contains("\"version\": \"2.1.0\""), "{stdout}");
}

// --- values nothing declares ----------------------------------------------------------------

#[test]
fn a_parameter_or_variable_nothing_declares_is_a_warning_with_the_closest_name() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nb.yaml", UNRESOLVED_NOTEBOOK);
    write(
        dir.path(),
        "tf/main.tf",
        format!("variable \"notebook_name\" {{}}\n{LEAKY_TF_NOTEBOOK}"),
    );
    let scan = scan_json(
        dir.path(),
        &[
            "--param",
            "Acess=Disabled",
            "--var",
            "notebook_nme=x",
            "--param",
            "NoSuchParam=1",
            ".",
        ],
    );
    let stderr = &scan.stderr;
    assert!(
        stderr.contains("warning: --param Acess: no CloudFormation template of the scan declares"),
        "{stderr}"
    );
    assert!(stderr.contains("nb.yaml declares Access"), "{stderr}");
    assert!(stderr.contains("did you mean Access?"), "{stderr}");
    assert!(stderr.contains("warning: --param NoSuchParam"), "{stderr}");
    assert!(
        stderr.contains("warning: --var notebook_nme: no Terraform root module"),
        "{stderr}"
    );
    assert!(stderr.contains("did you mean notebook_name?"), "{stderr}");
    let declared = scan_json(dir.path(), &["--param", "Access=Disabled", "nb.yaml"]);
    assert!(!declared.stderr.contains("warning"), "{}", declared.stderr);
}

// --- exit codes -----------------------------------------------------------------------------

#[test]
fn a_file_that_does_not_parse_is_unproven_and_the_summary_says_so() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "broken.yaml",
        "AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  Vpc: { Type: AWS::EC2::VPC\n",
    );
    let (code, stdout, stderr) = run(dir.path(), &["scan", "--color", "never", "."]);
    assert_eq!(code, 3, "{stdout}\n{stderr}");
    assert!(stdout.contains("EP901"), "{stdout}");
    assert!(
        stdout.contains("scanned 0 files (1 unreadable, EP901)"),
        "{stdout}"
    );
}

#[test]
fn exit_zero_and_unproven_exit_change_the_verdicts_codes() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nb.yaml", UNRESOLVED_NOTEBOOK);
    write(dir.path(), "leaky/nb.yaml", LEAKY_NOTEBOOK);
    // At the high threshold the notebook's presigned URL (medium) does not count: unproven.
    let code = |args: &[&str]| run(dir.path(), args).0;
    let unproven = ["scan", "-q", "--fail-on", "high"];
    let with = |extra: &[&'static str]| -> Vec<&'static str> {
        unproven.iter().chain(extra).copied().collect()
    };
    assert_eq!(code(&with(&["nb.yaml"])), 3);
    assert_eq!(code(&with(&["--unproven-exit", "0", "nb.yaml"])), 0);
    assert_eq!(code(&with(&["--unproven-exit", "7", "nb.yaml"])), 7);
    assert_eq!(code(&with(&["--unproven-exit", "0", "leaky"])), 1);
    assert_eq!(code(&with(&["--exit-zero", "leaky"])), 0);
    assert_eq!(code(&with(&["--exit-zero", "nb.yaml"])), 0);
    // A usage error is not a verdict.
    assert_eq!(code(&["scan", "-q", "--exit-zero", "missing"]), 2);
}

// --- text report ----------------------------------------------------------------------------

#[test]
fn the_text_report_puts_the_summary_before_the_findings() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/nb.yaml", LEAKY_NOTEBOOK);
    write(dir.path(), "b/nb.yaml", UNRESOLVED_NOTEBOOK);
    let (code, stdout, _) = run(dir.path(), &["scan", "--color", "never", "a", "b"]);
    assert_eq!(code, 1);
    let summary = stdout.find("\nsummary:\n").expect("a summary");
    let first_finding = stdout.find("\nEP101 ").expect("the finding");
    assert!(summary < first_finding, "{stdout}");
    let block = &stdout[summary..first_finding];
    assert!(block.contains("a/nb.yaml"), "{block}");
    assert!(block.contains("b/nb.yaml"), "{block}");
    assert!(block.contains("findings:   1 high"), "{block}");
    assert!(block.contains("by rule:    EP101 high 1"), "{block}");
    assert!(block.contains("unknowns:   1 (EP902 1)"), "{block}");
}

#[test]
fn the_summary_lists_the_worst_environments_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    for i in 0..25 {
        write(dir.path(), &format!("m{i:02}/model.yaml"), SEALED_MODEL);
    }
    write(dir.path(), "z/nb.yaml", LEAKY_NOTEBOOK);
    let (code, stdout, _) = run(dir.path(), &["scan", "--color", "never", "."]);
    assert_eq!(code, 1);
    let summary = &stdout[stdout.find("\nsummary:\n").expect("a summary")..];
    let listed: Vec<&str> = summary
        .lines()
        .skip(2)
        .take_while(|l| l.contains(" LEAKS ") || l.contains(" SEALED "))
        .collect();
    assert_eq!(listed.len(), 20, "{summary}");
    assert!(listed[0].trim_start().starts_with("z/nb.yaml"), "{summary}");
    assert!(
        summary.contains("  and 6 more environments (0 leaks, 0 unproven, 6 sealed)\n"),
        "{summary}"
    );
}

#[test]
fn compact_prints_one_line_per_finding() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a/nb.yaml", LEAKY_NOTEBOOK);
    write(dir.path(), "b/nb.yaml", UNRESOLVED_NOTEBOOK);
    let (_, full, _) = run(dir.path(), &["scan", "--color", "never", "a", "b"]);
    let (_, compact, _) = run(
        dir.path(),
        &["scan", "--compact", "--color", "never", "a", "b"],
    );
    assert!(compact.lines().count() < full.lines().count());
    let lines: Vec<&str> = compact
        .lines()
        .filter(|l| l.starts_with("EP101 ") || l.starts_with("EP902 "))
        .collect();
    assert_eq!(lines.len(), 2, "{compact}");
    assert!(lines[0].contains("Notebook (AWS::SageMaker::NotebookInstance)"));
    assert!(!compact.contains("path:"), "{compact}");
    assert!(!compact.contains("fix:"), "{compact}");
}

#[test]
fn findings_under_a_sealed_verdict_are_said_to_be_below_the_threshold() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "model.yaml", MEDIUM_ONLY);
    let (code, stdout, _) = run(
        dir.path(),
        &[
            "scan",
            "--fail-on",
            "high",
            "--color",
            "never",
            "model.yaml",
        ],
    );
    assert_eq!(code, 0, "{stdout}");
    let headline = stdout.lines().next().unwrap();
    assert!(headline.starts_with("egressproof: SEALED ("), "{headline}");
    assert!(
        headline.contains("finding below the fail threshold")
            || headline.contains("findings below the fail threshold"),
        "{headline}"
    );
}

// --- blueprint and man ----------------------------------------------------------------------

#[test]
fn blueprint_refuses_a_directory_that_is_not_empty_unless_forced() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "notes.md", "ours");
    egressproof()
        .args(["blueprint", "-o"])
        .arg(dir.path())
        .assert()
        .code(2)
        .stderr(predicate::str::contains("--force"));
    assert!(!dir.path().join("README.md").exists());
    egressproof()
        .args(["blueprint", "--force", "-o"])
        .arg(dir.path())
        .assert()
        .success();
    assert!(dir.path().join("README.md").is_file());
    assert_eq!(read(&dir.path().join("notes.md")), "ours");
}

#[test]
fn man_writes_a_page_per_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    egressproof()
        .args(["man", "--out"])
        .arg(dir.path())
        .assert()
        .success();
    for page in [
        "egressproof.1",
        "egressproof-scan.1",
        "egressproof-rules.1",
        "egressproof-rule.1",
        "egressproof-blueprint.1",
        "egressproof-snapshot.1",
        "egressproof-completions.1",
    ] {
        let text = read(&dir.path().join(page));
        assert!(text.contains(".TH"), "{page}");
    }
    assert!(read(&dir.path().join("egressproof-scan.1")).contains("baseline"));
    egressproof()
        .args(["man", "scan"])
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH egressproof-scan"))
        .stdout(predicate::str::contains("write\\-baseline"));
    egressproof().args(["man", "nosuch"]).assert().code(2);
}

// --- baselines ------------------------------------------------------------------------------

#[test]
fn a_baseline_round_trip_reports_only_what_is_new() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a/nb.yaml", LEAKY_NOTEBOOK);
    write(d, "b/nb.yaml", UNRESOLVED_NOTEBOOK);

    let first = scan_json(d, &["--write-baseline", "base.json", "a", "b"]);
    assert_eq!(first.code, 1);
    let baseline: serde_json::Value = serde_json::from_str(&read(&d.join("base.json"))).unwrap();
    // Every finding (hardening too: a baseline accepts what is there) and the unknown.
    let recorded = |key: &str| baseline[key].as_array().map_or(0, Vec::len);
    let reported = |key: &str| first.report[key].as_array().map_or(0, Vec::len);
    assert_eq!(
        recorded("findings"),
        reported("findings") + reported("hardening")
    );
    assert_eq!(recorded("unknowns"), 1);

    // Nothing changed: nothing new, exit 0.
    let again = scan_json(d, &["--baseline", "base.json", "a", "b"]);
    assert_eq!(again.code, 0, "{}\n{}", again.stdout, again.stderr);
    assert!(again.rules().is_empty(), "{:?}", again.rules());
    assert!(again.unknowns().is_empty(), "{:?}", again.unknowns());
    assert_eq!(again.report["verdict"], "sealed");

    // A line moved does not make a finding new.
    write(
        d,
        "a/nb.yaml",
        format!("# a comment above\n{LEAKY_NOTEBOOK}"),
    );
    let moved = scan_json(d, &["--baseline", "base.json", "a", "b"]);
    assert_eq!(moved.code, 0, "{}", moved.stdout);

    // A change adds exactly the new finding, and the exit code follows it.
    write(
        d,
        "a/nb.yaml",
        format!(
            "# a comment above\n{LEAKY_NOTEBOOK}  Second:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      InstanceType: ml.t3.medium\n      RoleArn: !GetAtt ExecutionRole.Arn\n"
        ),
    );
    let changed = scan_json(d, &["--baseline", "base.json", "a", "b"]);
    assert_eq!(changed.code, 1, "{}", changed.stdout);
    assert!(changed.rules().contains(&"EP101".to_string()));
    for key in ["findings", "hardening"] {
        for f in changed.report[key].as_array().unwrap() {
            assert_eq!(f["resource"]["name"], "Second", "{f:#}");
        }
    }
    assert!(changed.unknowns().is_empty());

    // The unknown resolved, the notebook removed: both fixed, and said so with --show-fixed.
    std::fs::remove_file(d.join("b/nb.yaml")).unwrap();
    write(d, "b/model.yaml", SEALED_MODEL);
    write(d, "a/nb.yaml", SEALED_MODEL);
    let fixed = scan_json(d, &["--baseline", "base.json", "--show-fixed", "a", "b"]);
    assert_eq!(fixed.code, 0, "{}", fixed.stdout);
    assert!(
        fixed.stderr.contains("fixed since the baseline:"),
        "{}",
        fixed.stderr
    );
    assert!(
        fixed.stderr.contains("EP101 finding Notebook"),
        "{}",
        fixed.stderr
    );
    assert!(fixed.stderr.contains("EP902 unknown"), "{}", fixed.stderr);
}

#[test]
fn one_file_as_baseline_and_new_baseline_is_compared_then_replaced() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(d, "a/nb.yaml", LEAKY_NOTEBOOK);
    let first = scan_json(d, &["--write-baseline", "base.json", "a"]);
    assert_eq!(first.code, 1);
    write(d, "b/nb.yaml", LEAKY_NOTEBOOK);
    let args = [
        "--baseline",
        "base.json",
        "--write-baseline",
        "base.json",
        "a",
        "b",
    ];
    let grown = scan_json(d, &args);
    assert_eq!(grown.code, 1, "{}", grown.stdout);
    assert!(grown.rules().contains(&"EP101".to_string()));
    let again = scan_json(d, &args);
    assert_eq!(again.code, 0, "{}", again.stdout);
    assert!(again.rules().is_empty(), "{:?}", again.rules());
}

#[test]
fn an_empty_baseline_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(
        d,
        "empty.json",
        r#"{"egressproof_baseline": 1, "findings": [], "unknowns": []}"#,
    );
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let examples = examples.to_str().unwrap();
    let plain = scan_json(d, &[examples]);
    let based = scan_json(d, &["--baseline", "empty.json", examples]);
    assert_eq!(plain.code, based.code);
    for key in [
        "verdict",
        "findings",
        "unknowns",
        "workloads",
        "environments",
    ] {
        assert_eq!(plain.report[key], based.report[key], "{key}");
    }
}

#[test]
fn a_baseline_that_is_not_one_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nb.yaml", LEAKY_NOTEBOOK);
    write(dir.path(), "base.json", "{\"findings\": 3}");
    let (code, _, stderr) = run(dir.path(), &["scan", "--baseline", "base.json", "nb.yaml"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("not a baseline"), "{stderr}");
    let (code, _, _) = run(dir.path(), &["scan", "--show-fixed", "nb.yaml"]);
    assert_eq!(code, 2);
}
