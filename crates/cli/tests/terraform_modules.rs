//! Registry modules through the binary: after `terraform init`, the installed copies under
//! `.terraform/modules` are read through the calls that use them (with their inputs), never
//! scanned as roots of their own; without them, the unknown says to run `terraform init`.

mod common;

use common::*;

const ROOT_TF: &str = r#"module "ml" {
  source  = "example/notebooks/aws"
  version = "1.2.0"
  name    = "nb"
}
"#;

const COPY_TF: &str = r#"variable "name" {}

resource "aws_sagemaker_notebook_instance" "nb" {
  name          = var.name
  instance_type = "ml.t3.medium"
  role_arn      = "arn:aws:iam::123456789012:role/exec"
}
"#;

const MANIFEST: &str = r#"{"Modules":[{"Key":"","Source":"","Dir":"."},{"Key":"ml","Source":"registry.terraform.io/example/notebooks/aws","Version":"1.2.0","Dir":".terraform/modules/ml"}]}"#;

fn findings(scan: &Scan, rule: &str) -> Vec<(String, String)> {
    scan.report["findings"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter(|f| f["rule"] == rule)
                .map(|f| {
                    (
                        f["resource"]["file"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                        f["resource"]["name"]
                            .as_str()
                            .unwrap_or_default()
                            .to_string(),
                    )
                })
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn an_installed_registry_module_is_read_once_through_its_call() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "infra/main.tf", ROOT_TF);
    write(
        dir.path(),
        "infra/.terraform/modules/modules.json",
        MANIFEST,
    );
    write(dir.path(), "infra/.terraform/modules/ml/main.tf", COPY_TF);
    let scan = scan_json(dir.path(), &["infra"]);
    assert_eq!(scan.code, 1, "{}\n{}", scan.stdout, scan.stderr);
    // One notebook, the call's: the copy is not a second root (whose `name` would be unset).
    assert_eq!(
        findings(&scan, "EP101"),
        vec![(
            "infra/.terraform/modules/ml/main.tf".to_string(),
            "module.ml.aws_sagemaker_notebook_instance.nb".to_string()
        )],
        "{}",
        scan.stdout
    );
    assert!(
        scan.unknowns()
            .iter()
            .all(|(_, _, m)| !m.contains("module ml")),
        "{:?}",
        scan.unknowns()
    );
}

/// A notebook in the private subnet of a registry VPC module.
const NOTEBOOK_IN_MODULE_VPC_TF: &str = r#"module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.1.0"
}

resource "aws_sagemaker_notebook_instance" "nb" {
  name                   = "nb"
  instance_type          = "ml.t3.medium"
  role_arn               = "arn:aws:iam::123456789012:role/exec"
  subnet_id              = module.vpc.private_subnets[0]
  direct_internet_access = "Disabled"
}
"#;

#[test]
fn without_the_installed_copy_the_unknown_says_to_run_terraform_init() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "infra/main.tf", NOTEBOOK_IN_MODULE_VPC_TF);
    let scan = scan_json(dir.path(), &["infra"]);
    assert!(
        scan.unknowns().iter().any(|(rule, file, m)| rule == "EP902"
            && file == "infra/main.tf"
            && m.contains("terraform-aws-modules/vpc/aws")
            && m.contains("terraform init")),
        "{:?}",
        scan.unknowns()
    );
    // The notebook in the module's VPC is judged, never dropped, and never sealed.
    assert_eq!(
        scan.report["workloads"].as_array().map(Vec::len),
        Some(1),
        "{}",
        scan.stdout
    );
    assert_ne!(scan.report["verdict"], "sealed", "{}", scan.stdout);
    assert!(
        scan.unknowns()
            .iter()
            .any(|(_, _, m)| m.contains("aws_sagemaker_notebook_instance.nb")
                && m.contains("output of remote module vpc")),
        "{:?}",
        scan.unknowns()
    );
}

#[test]
fn tf_data_dir_says_where_terraform_init_kept_the_installed_modules() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "infra/main.tf", ROOT_TF);
    // Not hidden like `.terraform`: the walk finds the copy, which is still no root of its own.
    write(
        dir.path(),
        "infra/tfdata/modules/modules.json",
        MANIFEST.replace(".terraform/modules/ml", "tfdata/modules/ml"),
    );
    write(dir.path(), "infra/tfdata/modules/ml/main.tf", COPY_TF);
    let output = egressproof()
        .current_dir(dir.path())
        .env("TF_DATA_DIR", "tfdata")
        .args(["scan", "--format", "json", "infra"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let report: serde_json::Value = serde_json::from_str(&stdout).expect("a JSON report");
    let names: Vec<&str> = report["findings"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|f| f["rule"] == "EP101")
        .filter_map(|f| f["resource"]["name"].as_str())
        .collect();
    assert_eq!(
        names,
        ["module.ml.aws_sagemaker_notebook_instance.nb"],
        "{stdout}"
    );

    // Without the setting the scan reads `.terraform`, as Terraform would, and says so.
    let scan = scan_json(dir.path(), &["infra"]);
    assert!(
        scan.unknowns()
            .iter()
            .any(|(_, _, m)| m.contains("no infra/.terraform/modules/modules.json")),
        "{:?}",
        scan.unknowns()
    );
}
