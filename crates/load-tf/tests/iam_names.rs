//! IAM attachments name their principal by `name` (`role = aws_iam_role.x.name`, the form the
//! provider documents): the reference connects to the role even when its name is a literal.

use egressproof_load_tf::load_str;
use egressproof_model::*;

const TF: &str = r#"
resource "aws_iam_role" "analyst" {
  name               = "analyst"
  assume_role_policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}

resource "aws_iam_role_policy_attachment" "full" {
  role       = aws_iam_role.analyst.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
}

resource "aws_iam_role_policy" "inline" {
  role   = aws_iam_role.analyst.name
  policy = jsonencode({ Version = "2012-10-17", Statement = [] })
}
"#;

#[test]
fn attachments_by_role_name_reach_the_role() {
    let model = load_str(TF, "iam.tf");
    let role = model
        .resources
        .iter()
        .find(|r| r.name == "aws_iam_role.analyst")
        .expect("the role is lowered");
    let Kind::Role(r) = &role.kind else {
        panic!("not a role: {:?}", role.kind)
    };
    let managed: Vec<String> = r
        .managed_policy_arns
        .known()
        .expect("managed policies are known")
        .iter()
        .map(Value::render)
        .collect();
    assert_eq!(
        managed,
        ["arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"],
        "the managed policy attached by role name reaches the role"
    );
    let inline = model
        .resources
        .iter()
        .find(|r| r.name == "aws_iam_role_policy.inline")
        .expect("the inline policy is lowered");
    let Kind::IamPolicy(p) = &inline.kind else {
        panic!("not a policy: {:?}", inline.kind)
    };
    assert_eq!(
        p.attached_to.known().map(Vec::as_slice),
        Some(std::slice::from_ref(&role.id)),
        "the inline policy is attached to the role itself, not to a name outside the scan"
    );
}
