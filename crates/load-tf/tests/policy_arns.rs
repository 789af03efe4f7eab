//! Policy attachments that name a policy of the module by ARN: by reference, or built from the
//! account ID and the policy's name (`format`, string templates), attach that policy; an AWS
//! managed policy's ARN never names one of the module, whatever its name.

use egressproof_load_tf::{load_dirs, TfOptions};
use egressproof_model::{Attr, Ident, Kind, Model};

fn load(main_tf: &str, case: &str) -> Model {
    let dir = std::env::temp_dir().join(format!(
        "egressproof-policy-arns-{}-{case}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary module directory");
    std::fs::write(dir.join("main.tf"), main_tf).expect("module file");
    let loaded = load_dirs(&[(dir.clone(), "t".to_string())], &TfOptions::default());
    let _ = std::fs::remove_dir_all(&dir);
    loaded.model
}

fn attached_to(m: &Model, name: &str) -> Vec<Ident> {
    let r = m
        .resources
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no {name}"));
    match &r.kind {
        Kind::IamPolicy(p) => p.attached_to.known().cloned().unwrap_or_default(),
        other => panic!("{other:?}"),
    }
}

fn managed_arns(m: &Model) -> usize {
    m.resources
        .iter()
        .find_map(|r| match &r.kind {
            Kind::Role(role) => match &role.managed_policy_arns {
                Attr::Known(arns) => Some(arns.len()),
                Attr::Unknown(_) => None,
            },
            _ => None,
        })
        .expect("a role")
}

const POLICIES: &str = r#"
data "aws_caller_identity" "me" {}
resource "aws_iam_policy" "a" {
  name   = "team-a"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}
resource "aws_iam_policy" "b" {
  name   = "team-b"
  path   = "/teams/"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}
resource "aws_iam_policy" "c" {
  name   = "team-c"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:GetObject", Resource = "*" }] })
}
resource "aws_iam_policy" "AmazonSageMakerFullAccess" {
  name   = "AmazonSageMakerFullAccess"
  policy = jsonencode({ Statement = [{ Effect = "Deny", Action = "*", Resource = "*" }] })
}
"#;

#[test]
fn built_arns_and_references_attach_the_policy_of_the_module() {
    let m = load(
        &format!(
            r#"{POLICIES}
resource "aws_iam_role" "r" {{
  name                = "r"
  assume_role_policy  = jsonencode({{ Statement = [] }})
  managed_policy_arns = [
    "arn:aws:iam::${{data.aws_caller_identity.me.account_id}}:policy/${{aws_iam_policy.a.name}}",
    aws_iam_policy.c.arn,
    "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess",
  ]
}}
resource "aws_iam_role_policy_attachment" "b" {{
  role       = aws_iam_role.r.name
  policy_arn = format("arn:aws:iam::%s:policy/teams/%s", data.aws_caller_identity.me.account_id, aws_iam_policy.b.name)
}}
"#
        ),
        "built",
    );
    let role = Ident::new("t/aws_iam_role.r");
    assert_eq!(attached_to(&m, "aws_iam_policy.a"), vec![role.clone()]);
    assert_eq!(attached_to(&m, "aws_iam_policy.b"), vec![role.clone()]);
    assert_eq!(attached_to(&m, "aws_iam_policy.c"), vec![role]);
    // The AWS managed policy stays a managed policy ARN of the role, whatever the module names
    // one of its own.
    assert!(attached_to(&m, "aws_iam_policy.AmazonSageMakerFullAccess").is_empty());
    assert_eq!(managed_arns(&m), 1);
}

#[test]
fn a_path_that_differs_names_another_policy() {
    let m = load(
        &format!(
            r#"{POLICIES}
resource "aws_iam_role" "r" {{
  name               = "r"
  assume_role_policy = jsonencode({{ Statement = [] }})
}}
resource "aws_iam_role_policy_attachment" "b" {{
  role       = aws_iam_role.r.name
  policy_arn = "arn:aws:iam::${{data.aws_caller_identity.me.account_id}}:policy/team-b"
}}
"#
        ),
        "path",
    );
    assert!(attached_to(&m, "aws_iam_policy.b").is_empty());
    assert_eq!(managed_arns(&m), 1, "kept as a policy outside the scan");
}
