//! A local module that two Terraform roots call, end to end through the binary: each root
//! evaluates it with its own inputs, so what that evaluation cannot know is that root's alone
//! (another stack's `terraform init` does not change this one's verdict); a file of the module
//! that does not parse is read once but is every caller's.

mod common;

use common::*;
use std::collections::BTreeSet;
use std::path::Path;

fn root_tf(name: &str) -> String {
    format!(
        r#"module "net" {{
  source = "../modules/net"
  name   = "{name}"
}}

resource "aws_sagemaker_notebook_instance" "nb" {{
  name                   = "nb-{name}"
  instance_type          = "ml.t3.medium"
  role_arn               = "arn:aws:iam::123456789012:role/exec"
  subnet_id              = module.net.subnet
  direct_internet_access = "Disabled"
}}
"#
    )
}

/// The shared module calls a registry module, which no root has installed.
const NET_TF: &str = r#"variable "name" {}

module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.1.0"
  name    = var.name
}

output "subnet" {
  value = module.vpc.private_subnets[0]
}
"#;

fn tree(dir: &Path) {
    write(dir, "a/main.tf", root_tf("a"));
    write(dir, "b/main.tf", root_tf("b"));
    write(dir, "modules/net/main.tf", NET_TF);
    write(
        dir,
        "modules/net/broken.tf",
        "resource \"aws_s3_bucket\" \"b\" {\n",
    );
}

/// (rule, file, message) of the unknowns of one environment.
fn unknowns_of(scan: &Scan, env: &str) -> BTreeSet<(String, String, String)> {
    scan.report["unknowns"]
        .as_array()
        .unwrap_or_else(|| panic!("no unknowns list: {}", scan.stdout))
        .iter()
        .filter(|u| u["environment"] == env)
        .map(|u| {
            (
                u["rule"].as_str().unwrap_or_default().to_string(),
                u["file"].as_str().unwrap_or_default().to_string(),
                u["message"].as_str().unwrap_or_default().to_string(),
            )
        })
        .collect()
}

#[test]
fn a_shared_modules_unknowns_are_each_roots_own_and_its_parse_errors_every_callers() {
    let dir = tempfile::tempdir().unwrap();
    // One repository: the module beside the roots is in the scan's read scope.
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    tree(dir.path());
    let both = scan_json(dir.path(), &["a", "b"]);
    let alone = scan_json(dir.path(), &["a"]);

    for root in ["a", "b"] {
        let other = if root == "a" { "b" } else { "a" };
        let mine = unknowns_of(&both, root);
        let init: Vec<&(String, String, String)> = mine
            .iter()
            .filter(|(_, _, m)| m.contains("terraform init"))
            .collect();
        assert_eq!(init.len(), 1, "{root}: {mine:#?}");
        assert!(
            init[0]
                .2
                .contains(&format!("run `terraform init` in {root} ")),
            "{root}: {mine:#?}"
        );
        assert!(
            !mine
                .iter()
                .any(|(_, _, m)| m.contains(&format!("in {other} "))),
            "{root} has {other}'s unknowns: {mine:#?}"
        );
        let parse: Vec<_> = mine
            .iter()
            .filter(|(r, f, _)| r == "EP901" && f == "modules/net/broken.tf")
            .collect();
        assert_eq!(parse.len(), 1, "{root}: {mine:#?}");
    }
    // Root a's result does not depend on root b being scanned beside it.
    assert_eq!(unknowns_of(&alone, "a"), unknowns_of(&both, "a"));
    let verdict = |scan: &Scan, env: &str| {
        scan.report["environments"]
            .as_array()
            .and_then(|es| es.iter().find(|e| e["name"] == env))
            .map(|e| e["verdict"].clone())
    };
    assert_eq!(verdict(&alone, "a"), verdict(&both, "a"));
    assert!(verdict(&both, "a").is_some(), "{}", both.stdout);
}
