//! IAM policy documents as the API returns them.

use egressproof_model::{Part, Pseudo, Symbol, Value};
use percent_encoding::percent_decode_str;

/// A policy document with the snapshot's own account ID written as the `${AWS::AccountId}`
/// symbol, wherever it appears in a string (`"123456789012"`, `arn:aws:iam::123456789012:root`).
///
/// A template says "our account" with that symbol, and the analysis recognises it as ours (an
/// `aws:ResourceAccount` condition on it closes the S3 channel). In a snapshot the account is a
/// literal; it *is* the deploying account, so the symbol says exactly what the literal means,
/// and the same policy reads the same from a template and from the live account.
pub fn symbolise_account(doc: serde_json::Value, account: &str) -> Value {
    match doc {
        serde_json::Value::String(s) if !account.is_empty() && s.contains(account) => {
            let mut parts = Vec::new();
            let mut rest = s.as_str();
            while let Some(i) = rest.find(account) {
                parts.push(Part::Lit(rest[..i].to_string()));
                parts.push(Part::Sym(Symbol::Pseudo(Pseudo::AccountId)));
                rest = &rest[i + account.len()..];
            }
            parts.push(Part::Lit(rest.to_string()));
            Value::text(parts)
        }
        serde_json::Value::Array(a) => Value::List(
            a.into_iter()
                .map(|v| symbolise_account(v, account))
                .collect(),
        ),
        serde_json::Value::Object(o) => Value::Map(
            o.into_iter()
                .map(|(k, v)| (k, symbolise_account(v, account)))
                .collect(),
        ),
        other => Value::from(other),
    }
}

/// Decodes a policy document from IAM: URL-encoded JSON (RFC 3986, as GetPolicyVersion,
/// GetRolePolicy and GetAccountAuthorizationDetails return it), or plain JSON (Organizations,
/// EC2, and some API peers). Plain JSON is tried first, because decoding a plain document would
/// corrupt a literal `%2F` inside a condition value.
pub fn decode_policy_document(raw: &str) -> Result<serde_json::Value, String> {
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(raw) {
        return Ok(v);
    }
    let decoded = percent_decode_str(raw)
        .decode_utf8()
        .map_err(|e| format!("policy document is not UTF-8 after URL decoding: {e}"))?;
    serde_json::from_str(&decoded).map_err(|e| format!("policy document is not JSON: {e}"))
}

/// Whether the snapshot keeps an identity policy document: whether it can allow or deny a
/// SageMaker action, or any action of a service whose writes carry data out of the account
/// (`egressproof_aws::writes::DATA_WRITES`: S3, SNS, SQS, Firehose, Kinesis, CloudWatch Logs).
///
/// WHY the filter exists: an account holds many policies that say nothing about SageMaker (EC2
/// operators, CI roles), and the snapshot would grow with each. WHY it keeps the write services:
/// EP306 asks whether a workload's execution role may write to another account, and a role's
/// `s3:PutObject` (or the Deny that closes it) often sits in a policy of its own that names no
/// SageMaker action; dropping it would hide the leak, or hide the Deny and report a leak that
/// is closed. The whole service is kept, not only the listed actions, so that the conditions
/// other rules read beside those writes (`aws:ResourceAccount` on an S3 statement) stay too.
///
/// Anything the filter cannot tell is kept (`true`): a `NotAction` statement (it applies to
/// everything it does not list), an `Action` that is not a string, a string that is not
/// `service:action`, a wildcard whose service part matches one of these services (`*`, `s3:*`,
/// `s*:Put*`), a statement without `Action`, and a document that is not a policy at all.
/// Nothing is dropped on a guess.
pub fn governs_sagemaker_or_data_writes(doc: &serde_json::Value) -> bool {
    let Some(statements) = doc.get("Statement") else {
        return true;
    };
    let list: Vec<&serde_json::Value> = match statements {
        serde_json::Value::Array(a) => a.iter().collect(),
        other => vec![other],
    };
    list.iter().any(|st| {
        if st.get("NotAction").is_some() {
            return true;
        }
        match st.get("Action") {
            None => true,
            Some(serde_json::Value::String(a)) => action_is_kept(a),
            Some(serde_json::Value::Array(a)) => a.iter().any(|v| match v {
                serde_json::Value::String(s) => action_is_kept(s),
                _ => true,
            }),
            Some(_) => true,
        }
    })
}

/// Whether an `Action` pattern can name an action of SageMaker or of a data-write service.
/// Service prefixes are case-insensitive in IAM; a pattern that is not `service:action` is
/// malformed and kept, since what it means cannot be told.
fn action_is_kept(action: &str) -> bool {
    let lower = action.to_ascii_lowercase();
    let Some((service, _)) = lower.split_once(':') else {
        return true;
    };
    kept_services().any(|kept| glob(kept, service))
}

/// SageMaker and the services of the data-carrying writes, from the aws layer's one list (a
/// write added there is kept here without another edit).
fn kept_services() -> impl Iterator<Item = &'static str> {
    std::iter::once("sagemaker").chain(
        egressproof_aws::writes::DATA_WRITES
            .iter()
            .filter_map(|w| w.split_once(':').map(|(service, _)| service)),
    )
}

/// IAM's glob: `*` any run of characters, `?` one character.
fn glob(text: &str, pattern: &str) -> bool {
    let (t, p): (Vec<char>, Vec<char>) = (text.chars().collect(), pattern.chars().collect());
    let (mut ti, mut pi) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            ti += 1;
            pi += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn decodes_url_encoded_and_plain_documents() {
        let enc = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22sagemaker%3A%2A%22%2C%22Resource%22%3A%22%2A%22%7D%5D%7D";
        let v = decode_policy_document(enc).unwrap();
        assert_eq!(v["Statement"][0]["Action"], "sagemaker:*");
        // A literal %2F inside a plain document stays as written.
        let plain =
            r#"{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::a%2Fb"}]}"#;
        let v = decode_policy_document(plain).unwrap();
        assert_eq!(v["Statement"][0]["Resource"], "arn:aws:s3:::a%2Fb");
        assert!(decode_policy_document("%7Bnot json").is_err());
    }

    #[test]
    fn keeps_what_can_govern_sagemaker_or_a_data_write() {
        let kept = [
            json!({"Statement": [{"Effect": "Allow", "Action": "sagemaker:CreatePresignedNotebookInstanceUrl", "Resource": "*"}]}),
            json!({"Statement": {"Effect": "Allow", "Action": ["ec2:DescribeVpcs", "SageMaker:*"], "Resource": "*"}}),
            json!({"Statement": [{"Effect": "Allow", "Action": "sage*:Create*", "Resource": "*"}]}),
            // A policy with only a data-carrying write: the role's channel to another account.
            json!({"Statement": [{"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": ["SNS:Publish"], "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "logs:PutLogEvents", "Resource": "*"}]}),
            // The Deny that closes the channel.
            json!({"Statement": [{"Effect": "Deny", "Action": ["s3:PutObject", "sqs:SendMessage"], "Resource": "*",
                "Condition": {"StringNotEqualsIfExists": {"aws:ResourceAccount": "123456789012"}}}]}),
            // Wildcards that may name a write.
            json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "s3:Put*", "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "*:PutRecord", "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "kinesis:PutRecords", "Resource": "*"}]}),
            // What cannot be told.
            json!({"Statement": [{"Effect": "Deny", "NotAction": "ec2:*", "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": [7], "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": {"a": "b"}, "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "PutObject", "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Resource": "*"}]}),
            json!({"Version": "2012-10-17"}),
        ];
        for d in &kept {
            assert!(governs_sagemaker_or_data_writes(d), "{d}");
        }
        let dropped = [
            json!({"Statement": [{"Effect": "Allow", "Action": "ec2:DescribeInstances", "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": ["sts:AssumeRole", "ec2:*"], "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Deny", "Action": "dynamodb:PutItem", "Resource": "*"}]}),
        ];
        for d in &dropped {
            assert!(!governs_sagemaker_or_data_writes(d), "{d}");
        }
    }

    #[test]
    fn own_account_becomes_the_account_symbol() {
        let doc = json!({"Condition": {"StringEquals": {"aws:ResourceAccount": "123456789012"}},
                         "Principal": {"AWS": "arn:aws:iam::123456789012:root"},
                         "Resource": "arn:aws:s3:::other-999999999999/*", "N": 3});
        let v = symbolise_account(doc, "123456789012");
        let cond = v
            .get("Condition")
            .and_then(|c| c.get("StringEquals"))
            .and_then(|c| c.get("aws:ResourceAccount"))
            .unwrap();
        assert_eq!(cond, &Value::symbol(Symbol::Pseudo(Pseudo::AccountId)));
        let principal = v.get("Principal").and_then(|p| p.get("AWS")).unwrap();
        assert_eq!(principal.render(), "arn:aws:iam::${AWS::AccountId}:root");
        // Another account stays a literal: it is not ours.
        assert_eq!(
            v.get("Resource").unwrap(),
            &Value::Str("arn:aws:s3:::other-999999999999/*".into())
        );
        assert_eq!(v.get("N").unwrap(), &Value::Number("3".into()));
    }

    #[test]
    fn glob_matches_like_iam() {
        assert!(glob("sagemaker", "*"));
        assert!(glob("sagemaker", "sage*"));
        assert!(glob("sagemaker", "s?gemaker"));
        assert!(glob("sagemaker", "*maker"));
        assert!(!glob("sagemaker", "s3"));
        assert!(!glob("sagemaker", "sagemaker?"));
    }
}
