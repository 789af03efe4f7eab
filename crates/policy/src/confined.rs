//! "May this principal perform any action outside a set?": asked of the execution role of code
//! the scan does not read (a custom resource's Lambda), with the set of actions that leave the
//! scan's view as it is (`egressproof_aws::deploy_code`).
//!
//! The question is answered over action *patterns*, not sample actions: an Allow statement's
//! pattern lies inside the set when one pattern of the set names every action it names
//! (containment, [`crate::holes`]), so `s3:Get*` lies inside `s3:Get*` and `s3:*` does not.
//! Only Allow statements are read. A Deny, a permissions boundary or an SCP can only take
//! permissions away, so leaving them out never answers "inside" for a principal that may act
//! outside; it may keep an unknown that a Deny would have closed. Conditions (other than
//! unresolved ones) are read as holding: some request may meet them.

use crate::parse::{Actions, Effect, Policy};
use egressproof_model::UnknownCode;

/// The answer, three-valued.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reach {
    /// Every action the policies allow lies inside the set.
    Inside,
    /// A statement allows actions outside the set: `pattern` as written in the policy (lower
    /// case), or `NotAction` with its list.
    Outside { pattern: String },
    /// Only unresolved parts decide (a policy whose document is not in the scan, an action list
    /// or condition with unresolved values).
    Undecided { code: UnknownCode, reason: String },
}

/// Whether the identity policies allow an action outside `inside` (IAM action patterns, any
/// case). True OR unknown is true: an allowed pattern outside the set answers `Outside` even
/// when another statement is undecided.
pub fn reach(identity: &[&Policy], inside: &[&str]) -> Reach {
    let inside: Vec<String> = inside.iter().map(|a| a.to_lowercase()).collect();
    let within = |pattern: &str| {
        let p = pattern.to_lowercase();
        inside
            .iter()
            .any(|q| crate::holes::covers(q, true, &p, true))
    };
    let mut undecided: Option<Reach> = None;
    for s in identity
        .iter()
        .flat_map(|p| &p.statements)
        .filter(|s| s.effect == Effect::Allow)
    {
        let outside = match &s.actions {
            Actions::Action(patterns) => patterns.iter().find(|p| !within(p)).cloned(),
            Actions::NotAction(patterns) => Some(format!("NotAction [{}]", patterns.join(", "))),
            Actions::Partial {
                negated: false,
                patterns,
                ..
            } => patterns.iter().find(|p| !within(p)).cloned(),
            Actions::Partial {
                negated: true,
                patterns,
                ..
            } => Some(format!("NotAction [{}]", patterns.join(", "))),
        };
        // Unresolved parts of the statement (its guard, or unresolved elements of its action
        // list) make its answer depend on values the scan does not have.
        let opaque = s.opaque().next();
        match (outside, opaque) {
            (Some(pattern), None) => return Reach::Outside { pattern },
            (outside, Some(o)) => {
                let partial = matches!(s.actions, Actions::Partial { .. });
                if outside.is_some() || partial {
                    undecided.get_or_insert(Reach::Undecided {
                        code: o.code,
                        reason: o.reason.clone(),
                    });
                }
            }
            (None, None) => {}
        }
    }
    undecided.unwrap_or(Reach::Inside)
}

/// [`reach`] asked with the actions a deploy-time function may hold without changing what the
/// scan sees (the aws layer's table, `egressproof_aws::deploy_code`).
pub fn deploy_code_reach(identity: &[&Policy]) -> Reach {
    let inside: Vec<&str> = egressproof_aws::deploy_code::confined_actions().collect();
    reach(identity, &inside)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse;
    use egressproof_model::Value;

    fn policy(json: &str) -> Policy {
        parse(&Value::from(json)).unwrap()
    }

    const INSIDE: &[&str] = &["s3:Get*", "s3:PutObject", "logs:*", "ec2:Describe*"];

    #[test]
    fn patterns_inside_the_set_stay_inside() {
        let p = policy(
            r#"{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","S3:getobjectversion","s3:Get*","logs:PutLogEvents"],"Resource":"*"},
                {"Effect":"Deny","Action":"*","Resource":"*"}]}"#,
        );
        assert_eq!(reach(&[&p], INSIDE), Reach::Inside);
    }

    #[test]
    fn a_wider_pattern_or_another_action_is_outside() {
        for (action, pattern) in [
            (r#""s3:*""#, "s3:*"),
            (r#""*""#, "*"),
            (r#""ec2:*Describe*""#, "ec2:*describe*"),
            (
                r#"["s3:GetObject","sagemaker:CreateNotebookInstance"]"#,
                "sagemaker:createnotebookinstance",
            ),
        ] {
            let p = policy(&format!(
                r#"{{"Statement":[{{"Effect":"Allow","Action":{action},"Resource":"*","Condition":{{"StringEquals":{{"aws:RequestedRegion":"eu-west-1"}}}}}}]}}"#
            ));
            assert_eq!(
                reach(&[&p], INSIDE),
                Reach::Outside {
                    pattern: pattern.into()
                },
                "{action}"
            );
        }
    }

    #[test]
    fn the_aws_table_confines_lambda_basic_execution_and_not_sagemaker() {
        let basic = policy(
            r#"{"Statement":[{"Effect":"Allow","Action":["logs:CreateLogGroup","logs:CreateLogStream","logs:PutLogEvents"],"Resource":"*"},
                {"Effect":"Allow","Action":["s3:GetObject","s3:PutObject","s3:DeleteObject","s3:ListBucket"],"Resource":"arn:aws:s3:::b/*"}]}"#,
        );
        assert_eq!(deploy_code_reach(&[&basic]), Reach::Inside);
        for action in [
            "sagemaker:CreateNotebookInstance",
            "s3:*",
            "s3:PutBucketPolicy",
            "iam:PassRole",
            "lambda:InvokeFunction",
            "cloudformation:*",
            "ec2:CreateRoute",
        ] {
            let p = policy(&format!(
                r#"{{"Statement":[{{"Effect":"Allow","Action":"{action}","Resource":"*"}}]}}"#
            ));
            assert!(
                matches!(deploy_code_reach(&[&basic, &p]), Reach::Outside { .. }),
                "{action}"
            );
        }
    }

    #[test]
    fn not_action_is_outside() {
        let p = policy(r#"{"Statement":[{"Effect":"Allow","NotAction":"iam:*","Resource":"*"}]}"#);
        assert!(matches!(reach(&[&p], INSIDE), Reach::Outside { .. }));
    }

    #[test]
    fn unresolved_parts_are_undecided_unless_something_else_is_outside() {
        let hole = Value::Unknown(egressproof_model::Unknown::new("parameter Actions", None));
        let mut doc = indexmap::IndexMap::new();
        let mut st = indexmap::IndexMap::new();
        st.insert("Effect".to_string(), Value::from("Allow"));
        st.insert(
            "Action".to_string(),
            Value::List(vec![Value::from("s3:GetObject"), hole]),
        );
        st.insert("Resource".to_string(), Value::from("*"));
        doc.insert("Statement".to_string(), Value::List(vec![Value::Map(st)]));
        let p = parse(&Value::Map(doc)).unwrap();
        assert!(matches!(reach(&[&p], INSIDE), Reach::Undecided { .. }));
        let wide =
            policy(r#"{"Statement":[{"Effect":"Allow","Action":"lambda:*","Resource":"*"}]}"#);
        assert!(matches!(reach(&[&p, &wide], INSIDE), Reach::Outside { .. }));
    }
}
