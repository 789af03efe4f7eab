//! What a verdict takes as given, through the binary: the corporate network (EP403 when it is not
//! one), the principals outside the scan (EP401), and the assumptions every format lists.

mod common;

use common::*;

/// The sealed example, copied so that a test can put a configuration beside it.
fn sealed_example(dir: &std::path::Path) {
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../examples/sealed/private-sagemaker.yaml"),
    )
    .expect("the sealed example");
    write(dir, "env/private-sagemaker.yaml", text);
}

fn findings_of<'a>(report: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == rule)
        .collect()
}

fn assumption_kinds(report: &serde_json::Value) -> Vec<String> {
    report["assumptions"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|a| a["kind"].as_str().unwrap_or_default().to_string())
        .collect()
}

/// Measured: `--param CorporateCidr=0.0.0.0/1` sealed the sealed example, half of the internet
/// taken as the corporate network, and only the text format said so.
#[test]
fn half_of_the_internet_is_not_a_corporate_network() {
    let dir = tempfile::tempdir().unwrap();
    sealed_example(dir.path());
    let sealed = scan_json(dir.path(), &["env"]);
    assert_eq!(sealed.code, 0, "{}", sealed.stdout);
    let scan = scan_json(dir.path(), &["--param", "CorporateCidr=0.0.0.0/1", "env"]);
    assert_eq!(scan.code, 1, "{}", scan.stdout);
    let ep403 = findings_of(&scan.report, "EP403");
    assert_eq!(ep403.len(), 1, "{}", scan.stdout);
    let message = ep403[0]["message"].as_str().unwrap();
    assert!(message.contains("0.0.0.0/1"), "{message}");
    assert!(message.contains("SageMakerGuardrails"), "{message}");
    assert_eq!(ep403[0]["severity"], "medium");
    assert!(assumption_kinds(&scan.report).contains(&"corporate-network".to_string()));
}

#[test]
fn a_configured_trusted_cidr_is_held_to_the_same_limit() {
    let dir = tempfile::tempdir().unwrap();
    sealed_example(dir.path());
    let scan = scan_json(dir.path(), &["--trusted-cidr", "128.0.0.0/1", "env"]);
    assert_eq!(scan.code, 1, "{}", scan.stdout);
    let ep403 = findings_of(&scan.report, "EP403");
    assert_eq!(ep403.len(), 1, "{}", scan.stdout);
    assert!(ep403[0]["message"]
        .as_str()
        .unwrap()
        .contains("--trusted-cidr"));
    // Configured, so nothing about the corporate network is assumed.
    assert!(!assumption_kinds(&scan.report).contains(&"corporate-network".to_string()));
    // A corporate /24 passes.
    let scan = scan_json(dir.path(), &["--trusted-cidr", "198.51.100.0/24", "env"]);
    assert_eq!(scan.code, 0, "{}", scan.stdout);
}

#[test]
fn the_limit_is_configurable_but_never_to_half_the_internet() {
    let dir = tempfile::tempdir().unwrap();
    sealed_example(dir.path());
    // A public /20 passes the default /16 limit, not a /24 one.
    let args = ["--param", "CorporateCidr=100.0.0.0/20", "env"];
    assert_eq!(scan_json(dir.path(), &args).code, 0);
    write(dir.path(), ".egressproof.toml", "max_trusted_prefix = 24\n");
    let scan = scan_json(dir.path(), &args);
    assert_eq!(scan.code, 1, "{}", scan.stdout);
    assert_eq!(findings_of(&scan.report, "EP403").len(), 1);
    write(dir.path(), ".egressproof.toml", "max_trusted_prefix = 1\n");
    egressproof()
        .current_dir(dir.path())
        .args(["scan", "env"])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("max_trusted_prefix"));
}

/// Measured: a Deny on a role of one stack made EP401 assume that no other principal exists.
/// The roles of the scan are not every principal of the account: only an SCP of the scan, a
/// snapshot or the configuration's declaration says there are no others.
#[test]
fn principals_outside_the_scan_exist_unless_declared() {
    let dir = tempfile::tempdir().unwrap();
    let fixture = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../analysis/fixtures/EP401/pos_other_principal_of_the_account.yaml"),
    )
    .unwrap();
    write(dir.path(), "env/stack.yaml", fixture);
    let scan = scan_json(dir.path(), &["env"]);
    assert_eq!(scan.code, 1, "{}", scan.stdout);
    let ep401 = findings_of(&scan.report, "EP401");
    assert_eq!(ep401.len(), 1, "{}", scan.stdout);
    assert!(ep401[0]["message"]
        .as_str()
        .unwrap()
        .contains("any other principal of the account"));
    assert!(assumption_kinds(&scan.report).contains(&"scps-outside-scan".to_string()));

    write(
        dir.path(),
        ".egressproof.toml",
        "principals = \"complete\"\n",
    );
    let scan = scan_json(dir.path(), &["env"]);
    // The stack's other channel (an interface endpoint without a policy) is still there.
    assert!(
        scan.rules().contains(&"EP302".to_string()),
        "{}",
        scan.stdout
    );
    assert!(
        findings_of(&scan.report, "EP401").is_empty(),
        "{}",
        scan.stdout
    );
    assert!(assumption_kinds(&scan.report).contains(&"principals-complete".to_string()));

    // Every format says what the verdict rests on.
    for (format, needle) in [
        (
            "text",
            "principals-complete: the scan holds every principal",
        ),
        ("sarif", "\"id\": \"principals-complete\""),
        ("junit", "name=\"assumption.principals-complete\""),
        ("html", "data-kind=\"principals-complete\""),
    ] {
        let out = egressproof()
            .current_dir(dir.path())
            .args(["scan", "--format", format, "env"])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains(needle), "{format}: {text}");
    }
}
