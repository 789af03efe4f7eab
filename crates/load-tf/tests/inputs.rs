//! What the loader records for environments: one input per root module, holding the resources
//! of its local modules and their directories, and the SSM parameters it writes and reads.

use egressproof_load_tf::{load_dirs, TfOptions};
use egressproof_model::{InputKind, Model, SharedName};

fn load(files: &[(&str, &str)], dirs: &[&str]) -> Model {
    let tmp = tempfile::tempdir().expect("temp dir");
    for (name, text) in files {
        let p = tmp.path().join(name);
        std::fs::create_dir_all(p.parent().expect("parent")).expect("dir");
        std::fs::write(p, text).expect("write");
    }
    let dirs: Vec<(std::path::PathBuf, String)> = dirs
        .iter()
        .map(|d| (tmp.path().join(d), (*d).to_string()))
        .collect();
    load_dirs(&dirs, &TfOptions::default()).model
}

const MODULE: &str = r#"
variable "cidr" {}
resource "aws_vpc" "this" {
  cidr_block = var.cidr
}
"#;

#[test]
fn two_roots_calling_one_module_are_two_inputs() {
    let m = load(
        &[
            ("modules/net/main.tf", MODULE),
            (
                "envs/dev/main.tf",
                "module \"net\" {\n  source = \"../../modules/net\"\n  cidr = \"10.1.0.0/16\"\n}\n",
            ),
            (
                "envs/prod/main.tf",
                "module \"net\" {\n  source = \"../../modules/net\"\n  cidr = \"10.2.0.0/16\"\n}\n",
            ),
            ("envs/prod/broken.tf", "resource \"aws_vpc\" {{{\n"),
        ],
        &["envs/dev", "envs/prod", "modules/net"],
    );
    let names: Vec<&str> = m.inputs.iter().map(|i| i.name.as_str()).collect();
    assert_eq!(names, ["envs/dev", "envs/prod"], "the module is no root");
    for input in &m.inputs {
        assert_eq!(input.kind, InputKind::TerraformRoot);
        let ids: Vec<&str> = m.resources[input.resources.clone()]
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(ids, [format!("{}/module.net.aws_vpc.this", input.name)]);
        assert!(input.dirs.contains(&input.name), "{:?}", input.dirs);
        assert!(
            input.dirs.iter().any(|d| d.ends_with("modules/net")),
            "{:?}",
            input.dirs
        );
    }
    // The file that does not parse is in the directory of one root only.
    let broken = m
        .diagnostics
        .iter()
        .find(|d| {
            d.span
                .as_ref()
                .is_some_and(|s| s.file.ends_with("broken.tf"))
        })
        .expect("EP901 for broken.tf");
    let file = &broken.span.as_ref().expect("span").file;
    let dir = file.rsplit_once('/').map(|(d, _)| d).unwrap_or_default();
    let owners: Vec<&str> = m
        .inputs
        .iter()
        .filter(|i| i.dirs.iter().any(|d| d == dir))
        .map(|i| i.name.as_str())
        .collect();
    assert_eq!(owners, ["envs/prod"]);
}

#[test]
fn ssm_parameters_written_and_read_are_shared_names() {
    let m = load(
        &[
            (
                "net/main.tf",
                "resource \"aws_ssm_parameter\" \"vpc\" {\n  name  = \"/net/vpc-id\"\n  type  = \"String\"\n  value = \"vpc-1\"\n}\n",
            ),
            (
                "app/main.tf",
                "locals {\n  p = \"/net/vpc-id\"\n}\ndata \"aws_ssm_parameter\" \"vpc\" {\n  name = local.p\n}\n",
            ),
        ],
        &["app", "net"],
    );
    let net = m.inputs.iter().find(|i| i.name == "net").expect("net");
    assert_eq!(
        net.provides,
        [SharedName::SsmParameter("/net/vpc-id".into())]
    );
    let app = m.inputs.iter().find(|i| i.name == "app").expect("app");
    assert_eq!(app.uses, [SharedName::SsmParameter("/net/vpc-id".into())]);
}
