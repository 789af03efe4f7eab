//! Registry and remote modules are read from the copy `terraform init` installed
//! (`.terraform/modules/modules.json`, or `modules/modules.json` under `TF_DATA_DIR`, maps each
//! call, nested ones included, to its directory),
//! inside the read scope like every file the code names. Without a copy, the module is an
//! EP902 that says how to get one, and the resources that use its outputs stay in the scan.

use egressproof_load_tf::{load_dirs, TfOptions};
use egressproof_model::*;
use std::path::Path;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn load(dir: &Path) -> Model {
    load_dirs(
        &[(dir.join("infra"), "infra".to_string())],
        &TfOptions::default(),
    )
    .model
}

const ROOT: &str = r#"module "vpc" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.1.0"
  cidr    = "10.7.0.0/16"
}

resource "aws_sagemaker_notebook_instance" "nb" {
  name          = "nb"
  instance_type = "ml.t3.medium"
  role_arn      = "arn:aws:iam::123456789012:role/exec"
  subnet_id     = module.vpc.private_subnets[0]
}
"#;

/// The registry module's copy: a VPC, and a nested registry call for its subnets.
const VPC_COPY: &str = r#"variable "cidr" {}

resource "aws_vpc" "this" {
  cidr_block = var.cidr
}

module "subnets" {
  source = "example/subnets/aws"
  vpc_id = aws_vpc.this.id
  cidr   = cidrsubnet(var.cidr, 8, 1)
}

output "private_subnets" {
  value = module.subnets.ids
}
"#;

const SUBNETS_COPY: &str = r#"variable "vpc_id" {}
variable "cidr" {}

resource "aws_subnet" "private" {
  vpc_id     = var.vpc_id
  cidr_block = var.cidr
}

output "ids" {
  value = [aws_subnet.private.id]
}
"#;

fn manifest(vpc_dir: &str) -> String {
    format!(
        r#"{{"Modules":[
  {{"Key":"","Source":"","Dir":"."}},
  {{"Key":"vpc","Source":"registry.terraform.io/terraform-aws-modules/vpc/aws","Version":"5.1.0","Dir":"{vpc_dir}"}},
  {{"Key":"vpc.subnets","Source":"registry.terraform.io/example/subnets/aws","Version":"1.0.0","Dir":".terraform/modules/vpc.subnets"}}
]}}"#
    )
}

/// `infra/` with the module copies `terraform init` would have installed.
fn initialised() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "infra/main.tf", ROOT);
    write(
        d.path(),
        "infra/.terraform/modules/modules.json",
        &manifest(".terraform/modules/vpc"),
    );
    write(d.path(), "infra/.terraform/modules/vpc/main.tf", VPC_COPY);
    write(
        d.path(),
        "infra/.terraform/modules/vpc.subnets/main.tf",
        SUBNETS_COPY,
    );
    d
}

fn by_name<'a>(m: &'a Model, name: &str) -> &'a Resource {
    m.resources
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no resource {name}; have {:?}\n{:?}",
                m.resources.iter().map(|r| &r.name).collect::<Vec<_>>(),
                m.diagnostics
            )
        })
}

fn ep902(m: &Model) -> Vec<&str> {
    m.diagnostics
        .iter()
        .filter(|d| d.code == UnknownCode::EP902)
        .map(|d| d.message.as_str())
        .collect()
}

fn notebook_subnet(m: &Model) -> Attr<Ident> {
    let Kind::NotebookInstance(nb) = &by_name(m, "aws_sagemaker_notebook_instance.nb").kind else {
        panic!("not a notebook")
    };
    nb.subnet.clone().expect("the notebook names a subnet")
}

#[test]
fn an_installed_registry_module_and_its_nested_call_are_read() {
    let d = initialised();
    let m = load(d.path());
    assert!(ep902(&m).is_empty(), "{:?}", ep902(&m));
    let vpc = by_name(&m, "module.vpc.aws_vpc.this");
    assert_eq!(vpc.span.file, "infra/.terraform/modules/vpc/main.tf");
    let s = by_name(&m, "module.vpc.module.subnets.aws_subnet.private");
    assert!(
        matches!(&s.kind, Kind::Subnet(Subnet { cidr_v4: Some(Attr::Known(c)), vpc: Attr::Known(v), .. })
            if c.to_string() == "10.7.1.0/24" && v == &vpc.id),
        "{:?}",
        s.kind
    );
    // The root's notebook is in the installed module's subnet.
    assert_eq!(notebook_subnet(&m), Attr::Known(s.id.clone()));
}

#[test]
fn without_terraform_init_the_remote_module_names_it_and_its_users_stay() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "infra/main.tf", ROOT);
    let m = load(d.path());
    let msgs = ep902(&m);
    assert!(
        msgs.iter()
            .any(|m| m.contains("terraform-aws-modules/vpc/aws")
                && m.contains("run `terraform init` in infra")),
        "{msgs:?}"
    );
    // The notebook in the module's VPC is kept, its subnet unknown, never dropped.
    assert!(notebook_subnet(&m).as_unknown().is_some());
}

#[test]
fn a_call_missing_from_the_manifest_or_of_another_source_is_named() {
    let d = initialised();
    write(
        d.path(),
        "infra/.terraform/modules/modules.json",
        r#"{"Modules":[{"Key":"vpc","Source":"registry.terraform.io/other/vpc/aws","Dir":".terraform/modules/vpc"}]}"#,
    );
    let m = load(d.path());
    let msgs = ep902(&m);
    assert!(
        msgs.iter().any(
            |m| m.contains("records registry.terraform.io/other/vpc/aws")
                && m.contains("terraform init")
        ),
        "{msgs:?}"
    );
    assert!(m
        .resources
        .iter()
        .all(|r| !r.name.starts_with("module.vpc.")));

    write(
        d.path(),
        "infra/.terraform/modules/modules.json",
        r#"{"Modules":[]}"#,
    );
    let m = load(d.path());
    assert!(
        ep902(&m)
            .iter()
            .any(|m| m.contains("has no module vpc") && m.contains("terraform init")),
        "{:?}",
        ep902(&m)
    );

    write(
        d.path(),
        "infra/.terraform/modules/modules.json",
        "not json",
    );
    let m = load(d.path());
    assert!(
        ep902(&m).iter().any(|m| m.contains("is not JSON")),
        "{:?}",
        ep902(&m)
    );
}

#[test]
fn an_installed_copy_outside_the_scan_is_not_read_and_is_named() {
    let d = initialised();
    write(d.path(), "elsewhere/vpc/main.tf", VPC_COPY);
    write(
        d.path(),
        "infra/.terraform/modules/modules.json",
        &manifest("../elsewhere/vpc"),
    );
    let m = load(d.path());
    let msgs = ep902(&m);
    assert!(
        msgs.iter()
            .any(|m| m.contains("elsewhere/vpc") && m.contains("--allow-read")),
        "{msgs:?}"
    );
    assert!(m
        .resources
        .iter()
        .all(|r| !r.name.starts_with("module.vpc.")));
    assert!(notebook_subnet(&m).as_unknown().is_some());
}

#[cfg(unix)]
#[test]
fn an_installed_copy_through_a_symlink_out_of_the_scan_is_not_read() {
    let d = initialised();
    write(d.path(), "elsewhere/vpc/main.tf", VPC_COPY);
    std::fs::remove_dir_all(d.path().join("infra/.terraform/modules/vpc")).unwrap();
    std::os::unix::fs::symlink(
        d.path().join("elsewhere/vpc"),
        d.path().join("infra/.terraform/modules/vpc"),
    )
    .unwrap();
    let m = load(d.path());
    let msgs = ep902(&m);
    assert!(
        msgs.iter()
            .any(|m| m.contains("infra/.terraform/modules/vpc") && m.contains("--allow-read")),
        "{msgs:?}"
    );
    assert!(m
        .resources
        .iter()
        .all(|r| !r.name.starts_with("module.vpc.")));
}

#[test]
fn an_installed_version_that_the_call_no_longer_accepts_is_not_read() {
    let d = initialised();
    write(
        d.path(),
        "infra/main.tf",
        &ROOT.replace(r#"version = "5.1.0""#, r#"version = "~> 5.0""#),
    );
    let m = load(d.path());
    assert!(ep902(&m).is_empty(), "{:?}", ep902(&m));
    by_name(&m, "module.vpc.aws_vpc.this");

    write(
        d.path(),
        "infra/main.tf",
        &ROOT.replace(r#"version = "5.1.0""#, r#"version = ">= 4.0, < 5.0""#),
    );
    let m = load(d.path());
    assert!(
        ep902(&m).iter().any(|m| m.contains("version 5.1.0")
            && m.contains(">= 4.0, < 5.0")
            && m.contains("terraform init -upgrade")),
        "{:?}",
        ep902(&m)
    );
    assert!(m
        .resources
        .iter()
        .all(|r| !r.name.starts_with("module.vpc.")));
}

#[test]
fn a_git_shorthand_matches_the_address_terraform_records() {
    let d = initialised();
    write(
        d.path(),
        "infra/main.tf",
        &ROOT
            .replace(
                "terraform-aws-modules/vpc/aws",
                "github.com/example/vpc//modules/vpc?ref=v5.1.0",
            )
            .replace("  version = \"5.1.0\"\n", ""),
    );
    write(
        d.path(),
        "infra/.terraform/modules/modules.json",
        &manifest(".terraform/modules/vpc").replace(
            "registry.terraform.io/terraform-aws-modules/vpc/aws",
            "git::https://github.com/example/vpc.git?ref=v5.1.0//modules/vpc",
        ),
    );
    let m = load(d.path());
    assert!(ep902(&m).is_empty(), "{:?}", ep902(&m));
    by_name(&m, "module.vpc.aws_vpc.this");
}

#[test]
fn with_tf_data_dir_the_manifest_is_read_under_it_and_named() {
    // `TF_DATA_DIR=tfdata terraform init`: the manifest and the copies are under `tfdata`,
    // relative to the root module's directory, and `.terraform` is not read.
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "infra/main.tf", ROOT);
    let mut json = manifest("tfdata/modules/vpc");
    json = json.replace(
        ".terraform/modules/vpc.subnets",
        "tfdata/modules/vpc.subnets",
    );
    write(d.path(), "infra/tfdata/modules/modules.json", &json);
    write(d.path(), "infra/tfdata/modules/vpc/main.tf", VPC_COPY);
    write(
        d.path(),
        "infra/tfdata/modules/vpc.subnets/main.tf",
        SUBNETS_COPY,
    );
    let with = |data_dir: Option<&str>| {
        load_dirs(
            &[(d.path().join("infra"), "infra".to_string())],
            &TfOptions {
                data_dir: data_dir.map(Into::into),
                ..TfOptions::default()
            },
        )
        .model
    };
    let m = with(Some("tfdata"));
    assert!(ep902(&m).is_empty(), "{:?}", ep902(&m));
    let s = by_name(&m, "module.vpc.module.subnets.aws_subnet.private");
    assert_eq!(s.span.file, "infra/tfdata/modules/vpc.subnets/main.tf");
    assert_eq!(notebook_subnet(&m), Attr::Known(s.id.clone()));

    // Without the setting, Terraform (and the scan) look in `.terraform`.
    let m = with(None);
    assert!(
        ep902(&m)
            .iter()
            .any(|m| m.contains("no infra/.terraform/modules/modules.json")),
        "{:?}",
        ep902(&m)
    );

    // Set to a directory `terraform init` did not fill: the message names it and the setting.
    let m = with(Some("elsewhere"));
    assert!(
        ep902(&m).iter().any(|m| m
            .contains("no infra/elsewhere/modules/modules.json (TF_DATA_DIR=elsewhere)")
            && m.contains("run `terraform init` in infra")),
        "{:?}",
        ep902(&m)
    );
}
