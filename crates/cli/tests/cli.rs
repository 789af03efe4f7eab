//! The other commands end to end, and the usage errors that must exit 2 with a clear message:
//! the rule catalog, one rule's documentation, completions, the man page, the config file.

mod common;

use common::*;
use predicates::prelude::*;

#[test]
fn rules_lists_the_catalog() {
    egressproof()
        .arg("rules")
        .assert()
        .success()
        .stdout(predicate::str::contains("EP101"))
        .stdout(predicate::str::contains("notebook-direct-internet"))
        .stdout(predicate::str::contains("high"))
        .stdout(predicate::str::contains("EP901"));
}

#[test]
fn rule_prints_its_documentation() {
    for code in ["EP101", "ep101"] {
        egressproof()
            .args(["rule", code])
            .assert()
            .success()
            .stdout(predicate::str::contains("EP101"))
            .stdout(predicate::str::contains("## What it does"))
            .stdout(predicate::str::contains("## Fix"))
            .stdout(predicate::str::contains("DirectInternetAccess"));
    }
}

#[test]
fn an_unknown_rule_exits_2_and_points_to_the_catalog() {
    egressproof()
        .args(["rule", "EP999"])
        .assert()
        .code(2)
        .stdout(predicate::str::is_empty())
        .stderr(predicate::str::contains("EP999"))
        .stderr(predicate::str::contains("egressproof rules"));
}

#[test]
fn completions_for_each_shell() {
    for (shell, marker) in [
        ("bash", "_egressproof"),
        ("zsh", "#compdef egressproof"),
        ("fish", "complete -c egressproof"),
    ] {
        egressproof()
            .args(["completions", shell])
            .assert()
            .success()
            .stdout(predicate::str::contains(marker))
            .stdout(predicate::str::contains("trusted-cidr"));
    }
    egressproof().args(["completions", "tcsh"]).assert().code(2);
}

#[test]
fn man_prints_a_roff_page_but_is_not_in_help() {
    egressproof()
        .arg("man")
        .assert()
        .success()
        .stdout(predicate::str::contains(".TH egressproof"));
    egressproof()
        .arg("--help")
        .assert()
        .success()
        .stdout(predicate::str::contains("scan"))
        .stdout(predicate::str::is_match(r"(?m)^\s+man\s").unwrap().not());
}

#[test]
fn an_unknown_flag_is_a_usage_error() {
    egressproof()
        .args(["scan", "--no-such-flag"])
        .assert()
        .code(2);
    egressproof().arg("frobnicate").assert().code(2);
}

#[test]
fn bad_trusted_cidrs_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "model.yaml", SEALED_MODEL);
    for bad in ["10.0.0.0/33", "banana", "10.0.0.0", "300.1.2.3/8"] {
        egressproof()
            .current_dir(dir.path())
            .args(["scan", "--trusted-cidr", bad, "."])
            .assert()
            .code(2)
            .stderr(predicate::str::contains(bad));
    }
}

#[test]
fn a_bad_trusted_cidr_in_the_config_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "model.yaml", SEALED_MODEL);
    write(
        dir.path(),
        ".egressproof.toml",
        "trusted_cidrs = [\"10.0.0.0/8\", \"10.0.0/8\"]\n",
    );
    egressproof()
        .current_dir(dir.path())
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("10.0.0/8"))
        .stderr(predicate::str::contains("trusted_cidrs"));
}

#[test]
fn an_unknown_config_key_exits_2_naming_the_key() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "model.yaml", SEALED_MODEL);
    write(
        dir.path(),
        ".egressproof.toml",
        "fail_on = \"high\"\ntrusted_cidr = [\"10.0.0.0/8\"]\n",
    );
    egressproof()
        .current_dir(dir.path())
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("trusted_cidr"))
        .stderr(predicate::str::contains(".egressproof.toml"));
}

#[test]
fn a_bad_fail_on_in_the_config_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "model.yaml", SEALED_MODEL);
    write(dir.path(), ".egressproof.toml", "fail_on = \"critical\"\n");
    egressproof()
        .current_dir(dir.path())
        .args(["scan", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("critical"));
}

#[test]
fn skipping_an_unknown_rule_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "model.yaml", SEALED_MODEL);
    egressproof()
        .current_dir(dir.path())
        .args(["scan", "--skip", "EP1O1", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("EP1O1"));
}

#[test]
fn an_explicit_config_that_does_not_exist_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "model.yaml", SEALED_MODEL);
    egressproof()
        .current_dir(dir.path())
        .args(["scan", "--config", "nope.toml", "."])
        .assert()
        .code(2)
        .stderr(predicate::str::contains("nope.toml"));
}

// --- settings change verdicts ---------------------------------------------------------------

#[test]
fn fail_on_decides_whether_a_medium_finding_leaks() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "net.yaml", MEDIUM_ONLY);
    let medium = scan_json(dir.path(), &["."]);
    assert_eq!(medium.code, 1, "{}", medium.stdout);
    let severities: Vec<&str> = medium.report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["severity"].as_str())
        .collect();
    assert!(severities.contains(&"medium"), "{severities:?}");
    assert!(!severities.contains(&"high"), "{severities:?}");

    let high = scan_json(dir.path(), &["--fail-on", "high", "."]);
    assert_ne!(high.code, 1, "{}", high.stdout);
    assert_ne!(high.report["verdict"], "leaks");
    // The finding is still reported; it just does not fail the scan.
    assert_eq!(high.rules(), medium.rules());
}

#[test]
fn fail_on_from_the_config_and_the_flag_overrides_it() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "net.yaml", MEDIUM_ONLY);
    write(dir.path(), ".egressproof.toml", "fail_on = \"high\"\n");
    let from_config = scan_json(dir.path(), &["."]);
    assert_ne!(
        from_config.report["verdict"], "leaks",
        "{}",
        from_config.stdout
    );
    let flag = scan_json(dir.path(), &["--fail-on", "medium", "."]);
    assert_eq!(flag.code, 1, "{}", flag.stdout);
}

#[test]
fn the_config_is_found_upward_from_the_scanned_path() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), ".egressproof.toml", "skip = [\"EP101\"]\n");
    write(dir.path(), "infra/nb/nb.yaml", LEAKY_NOTEBOOK);
    let scan = scan_json(dir.path(), &["infra/nb"]);
    assert!(
        !scan.rules().contains(&"EP101".to_string()),
        "{}",
        scan.stdout
    );
    // A flag replaces the config's list.
    let flag = scan_json(dir.path(), &["--skip", "EP102", "infra/nb"]);
    assert!(
        flag.rules().contains(&"EP101".to_string()),
        "{}",
        flag.stdout
    );
}

#[test]
fn an_explicit_config_is_used() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "settings/ep.toml", "skip = [\"EP101\"]\n");
    write(dir.path(), "nb.yaml", LEAKY_NOTEBOOK);
    let scan = scan_json(dir.path(), &["--config", "settings/ep.toml", "."]);
    assert!(
        !scan.rules().contains(&"EP101".to_string()),
        "{}",
        scan.stdout
    );
}

#[test]
fn exclude_globs_from_the_config() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        ".egressproof.toml",
        "exclude = [\"sandbox/**\", \"*.draft.yaml\"]\n",
    );
    write(dir.path(), "sandbox/nb.yaml", LEAKY_NOTEBOOK);
    write(dir.path(), "prod/nb.draft.yaml", LEAKY_NOTEBOOK);
    write(dir.path(), "prod/model.yaml", SEALED_MODEL);
    let scan = scan_json(dir.path(), &["."]);
    assert_eq!(scan.code, 0, "{}", scan.stdout);
    assert_eq!(scan.report["summary"]["files"], 1);
}

#[test]
fn params_from_the_config_and_flags_override_them() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "nb.yaml", UNRESOLVED_NOTEBOOK);
    write(
        dir.path(),
        ".egressproof.toml",
        "[params]\nAccess = \"Enabled\"\n",
    );
    let scan = scan_json(dir.path(), &["."]);
    assert_eq!(scan.code, 1, "{}", scan.stdout);
    let flag = scan_json(dir.path(), &["--param", "Access=Disabled", "."]);
    assert!(
        !flag.rules().contains(&"EP101".to_string()),
        "{}",
        flag.stdout
    );
}
