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

/// Whether a policy document can allow or deny any SageMaker action: a statement whose `Action`
/// names a pattern that matches the `sagemaker` service (`sagemaker:*`, `*`, `sage*:Create*`), or
/// any `NotAction` statement (it applies to everything it does not list). Documents that are not
/// policies at all are kept too (`true`), so that nothing is dropped on a guess.
pub fn touches_sagemaker(doc: &serde_json::Value) -> bool {
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
            Some(serde_json::Value::String(a)) => action_matches_sagemaker(a),
            Some(serde_json::Value::Array(a)) => a.iter().any(|v| match v {
                serde_json::Value::String(s) => action_matches_sagemaker(s),
                _ => true,
            }),
            Some(_) => true,
        }
    })
}

fn action_matches_sagemaker(action: &str) -> bool {
    let lower = action.to_ascii_lowercase();
    match lower.split_once(':') {
        Some((service, _)) => glob("sagemaker", service),
        None => lower.contains('*'),
    }
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
    fn finds_sagemaker_actions() {
        let yes = [
            json!({"Statement": [{"Effect": "Allow", "Action": "sagemaker:CreatePresignedNotebookInstanceUrl", "Resource": "*"}]}),
            json!({"Statement": {"Effect": "Allow", "Action": ["s3:GetObject", "SageMaker:*"], "Resource": "*"}}),
            json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "sage*:Create*", "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}]}),
        ];
        for d in &yes {
            assert!(touches_sagemaker(d), "{d}");
        }
        let no = [
            json!({"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "logs:*"], "Resource": "*"}]}),
            json!({"Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}]}),
        ];
        for d in &no {
            assert!(!touches_sagemaker(d), "{d}");
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
