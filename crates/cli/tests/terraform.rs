//! Terraform through the binary: directories of `.tf` files, `--var` / `--var-file` / config
//! `vars`, and plan JSON (`terraform show -json`), all judged by the same rules.

mod common;

use common::*;

const NOTEBOOK_TF: &str = r#"resource "aws_sagemaker_notebook_instance" "nb" {
  name          = "nb"
  instance_type = "ml.t3.medium"
  role_arn      = "arn:aws:iam::123456789012:role/exec"
}
"#;

const NOTEBOOK_FROM_VARIABLE_TF: &str = r#"variable "access" {
  type = string
}

resource "aws_sagemaker_notebook_instance" "nb" {
  name                   = "nb"
  instance_type          = "ml.t3.medium"
  role_arn               = "arn:aws:iam::123456789012:role/exec"
  direct_internet_access = var.access
}
"#;

fn finding_files(scan: &Scan, rule: &str) -> Vec<String> {
    scan.report["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|f| f["rule"] == rule)
                .filter_map(|f| f["resource"]["file"].as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn a_terraform_directory_is_scanned() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "infra/main.tf", NOTEBOOK_TF);
    let scan = scan_json(dir.path(), &["infra"]);
    assert_eq!(scan.code, 1, "{}\n{}", scan.stdout, scan.stderr);
    assert_eq!(finding_files(&scan, "EP101"), vec!["infra/main.tf"]);
    assert_eq!(scan.report["summary"]["files"], 1);
}

#[test]
fn terraform_files_under_the_current_directory_have_plain_names() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.tf", NOTEBOOK_TF);
    let scan = scan_json(dir.path(), &[]);
    assert_eq!(scan.code, 1, "{}", scan.stdout);
    assert_eq!(finding_files(&scan, "EP101"), vec!["main.tf"]);
}

#[test]
fn variables_come_from_flags_files_and_the_config() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "infra/main.tf", NOTEBOOK_FROM_VARIABLE_TF);
    // EP401 (no policy restricts presigned URLs) is not what this test is about.

    let unset = scan_json(dir.path(), &["--skip", "EP401", "infra"]);
    assert_eq!(unset.code, 3, "{}", unset.stdout);

    let flag = scan_json(
        dir.path(),
        &["--skip", "EP401", "--var", "access=Enabled", "infra"],
    );
    assert_eq!(flag.code, 1, "{}", flag.stdout);

    write(dir.path(), "prod.tfvars", "access = \"Enabled\"\n");
    let file = scan_json(
        dir.path(),
        &["--skip", "EP401", "--var-file", "prod.tfvars", "infra"],
    );
    assert_eq!(file.code, 1, "{}", file.stdout);

    write(
        dir.path(),
        ".egressproof.toml",
        "skip = [\"EP401\"]\n[vars]\naccess = \"Enabled\"\n",
    );
    let config = scan_json(dir.path(), &["--skip", "EP401", "infra"]);
    assert_eq!(config.code, 1, "{}", config.stdout);
    let overridden = scan_json(
        dir.path(),
        &["--skip", "EP401", "--var", "access=Disabled", "infra"],
    );
    assert!(
        finding_files(&overridden, "EP101").is_empty(),
        "{}",
        overridden.stdout
    );
}

#[test]
fn a_missing_var_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.tf", NOTEBOOK_TF);
    egressproof()
        .current_dir(dir.path())
        .args(["scan", "--var-file", "nope.tfvars", "."])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("nope.tfvars"));
}

#[test]
fn a_plan_json_is_scanned() {
    let dir = tempfile::tempdir().unwrap();
    let plan = serde_json::json!({
        "format_version": "1.2",
        "terraform_version": "1.9.0",
        "planned_values": { "root_module": { "resources": [ {
            "address": "aws_sagemaker_notebook_instance.nb",
            "mode": "managed",
            "type": "aws_sagemaker_notebook_instance",
            "name": "nb",
            "provider_name": "registry.terraform.io/hashicorp/aws",
            "values": {
                "name": "nb",
                "instance_type": "ml.t3.medium",
                "role_arn": "arn:aws:iam::123456789012:role/exec",
                "direct_internet_access": "Enabled"
            }
        } ] } }
    });
    write(
        dir.path(),
        "plan.json",
        serde_json::to_string_pretty(&plan).unwrap(),
    );
    let scan = scan_json(dir.path(), &["."]);
    assert_eq!(scan.code, 1, "{}\n{}", scan.stdout, scan.stderr);
    assert!(scan.rules().contains(&"EP101".to_string()));
    assert_eq!(scan.report["summary"]["files"], 1);
}

#[test]
fn a_malformed_tf_file_is_ep901_and_the_rest_is_analysed() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "infra/main.tf", NOTEBOOK_TF);
    write(
        dir.path(),
        "infra/broken.tf",
        "resource \"aws_vpc\" \"v\" {\n  cidr_block = \n",
    );
    let scan = scan_json(dir.path(), &["infra"]);
    assert_eq!(scan.code, 1, "{}", scan.stdout);
    assert!(scan
        .unknowns()
        .iter()
        .any(|(rule, file, msg)| rule == "EP901"
            && (file.contains("broken.tf") || msg.contains("broken.tf"))));
}
