//! AWS managed policies by their real documents. A scan does not hold them (they live in AWS),
//! so the default version of every one of them is bundled, dated by the commit of the public
//! tracker it was collected from ([`bundled_source`]); the user can supply newer or other
//! documents ([`ManagedPolicies`], `scan --managed-policies`). A name neither knows is unknown
//! to the caller, never "allows nothing"; a document the parser cannot read is an error the
//! caller turns into an unknown, and what the parser reads as unknown inside a document stays
//! unknown (opaque conditions), never dropped.

mod bundle;

pub use bundle::Source;

use crate::parse::{parse, ParseError, Policy};
use egressproof_model::Value;
use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

/// The name of the AWS managed policy an ARN names: `arn:aws:iam::aws:policy/NAME`, with a path
/// (`service-role/`, `aws-service-role/`, `job-function/`, ...) or not, in any partition
/// (`arn:aws-us-gov:`, `arn:aws-cn:`, the deploying one `arn:${AWS::Partition}:`; the same
/// policies under the same names). IAM policy names
/// are unique in an account whatever their path, so the name alone identifies the document.
/// `None` for anything else (a customer managed policy's ARN).
pub fn aws_policy_name(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:")?;
    // The partition the template is deployed in (`arn:${AWS::Partition}:`) is one of them too.
    let (partition, rest) = match rest.strip_prefix("${AWS::Partition}:") {
        Some(rest) => ("aws", rest),
        None => rest.split_once(':')?,
    };
    if partition != "aws" && !partition.starts_with("aws-") {
        return None;
    }
    let path_and_name = rest.strip_prefix("iam::aws:policy/")?;
    let name = path_and_name.rsplit('/').next()?;
    (!name.is_empty()).then_some(name)
}

/// The bundled document of the AWS managed policy `arn` names: `None` when the ARN is not an AWS
/// managed policy or the bundle does not know its name (the caller's unknown), an error when the
/// document cannot be read.
pub fn aws_managed(arn: &str) -> Option<Result<Policy, ParseError>> {
    ManagedPolicies::default().resolve(arn)
}

/// Where the bundled documents come from (their date and the pinned commit), or why the
/// bundle cannot be read.
pub fn bundled_source() -> Result<&'static Source, String> {
    bundle::source().map_err(str::to_string)
}

/// The names of the bundled policies, in no particular order.
pub fn bundled_names() -> Result<impl Iterator<Item = &'static str>, String> {
    bundle::get()
        .map(bundle::Bundle::names)
        .map_err(str::to_string)
}

/// A document parsed from compact JSON text (the bundle's) into a policy.
fn parse_json(text: &str) -> Result<Policy, ParseError> {
    let json: serde_json::Value = serde_json::from_str(text)
        .map_err(|e| ParseError::Malformed(format!("invalid JSON: {e}")))?;
    parse(&Value::from(json))
}

/// Why a file of managed policy documents cannot be read.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("not JSON: {0}")]
    Json(String),
    #[error("{0}")]
    Shape(String),
}

#[derive(Clone)]
struct Override {
    doc: serde_json::Value,
    parsed: OnceLock<Result<Policy, ParseError>>,
}

/// The AWS managed policy documents a scan resolves ARNs with: the user's (read from
/// `--managed-policies`), then the bundled ones. Cheap to clone (the user's are shared).
#[derive(Clone, Default)]
pub struct ManagedPolicies {
    overrides: Arc<HashMap<String, Override>>,
}

impl std::fmt::Debug for ManagedPolicies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ManagedPolicies")
            .field("overrides", &self.overrides.len())
            .finish()
    }
}

impl ManagedPolicies {
    /// The document of the AWS managed policy `arn` names, the user's before the bundled one:
    /// `None` when neither knows it (or it is not an AWS managed policy's ARN).
    pub fn resolve(&self, arn: &str) -> Option<Result<Policy, ParseError>> {
        let name = aws_policy_name(arn)?;
        if let Some(o) = self.overrides.get(name) {
            let parsed = o.parsed.get_or_init(|| parse(&Value::from(o.doc.clone())));
            return Some(parsed.clone());
        }
        match bundle::get() {
            Ok(b) => b.lookup(name),
            Err(why) => Some(Err(ParseError::Malformed(why.to_string()))),
        }
    }

    /// How many documents the user supplied.
    pub fn overrides(&self) -> usize {
        self.overrides.len()
    }

    /// Uses `document` for the AWS managed policy `name`, over the bundled one.
    pub fn insert(&mut self, name: impl Into<String>, document: serde_json::Value) {
        Arc::make_mut(&mut self.overrides).insert(
            name.into(),
            Override {
                doc: document,
                parsed: OnceLock::new(),
            },
        );
    }

    /// Reads one file in the tracker's (MAMIP's) shape, `{"PolicyVersion": {"Document": ...,
    /// "IsDefaultVersion": true}}` as IAM's GetPolicyVersion returns it, for the policy `name`
    /// (the file's name).
    pub fn add_policy_version(&mut self, name: &str, text: &str) -> Result<(), ReadError> {
        let json: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ReadError::Json(e.to_string()))?;
        let version = json.get("PolicyVersion").ok_or_else(|| {
            ReadError::Shape("no PolicyVersion (expected GetPolicyVersion's output)".into())
        })?;
        if version.get("IsDefaultVersion") == Some(&serde_json::Value::Bool(false)) {
            return Err(ReadError::Shape(
                "this version is not the policy's default version".into(),
            ));
        }
        let doc = document(version)?;
        self.insert(name, doc);
        Ok(())
    }

    /// Reads the AWS managed policies of `aws iam get-account-authorization-details` output:
    /// each entry of `Policies` whose ARN is an AWS managed policy's, by the version of its
    /// `PolicyVersionList` that is the default one. Customer managed policies are left out
    /// (their ARNs name them in one account, not by a name). Returns how many were read.
    pub fn add_authorization_details(&mut self, text: &str) -> Result<usize, ReadError> {
        let json: serde_json::Value =
            serde_json::from_str(text).map_err(|e| ReadError::Json(e.to_string()))?;
        let policies = json
            .get("Policies")
            .and_then(serde_json::Value::as_array)
            .ok_or_else(|| {
                ReadError::Shape(
                    "no Policies list (expected get-account-authorization-details output)".into(),
                )
            })?;
        let mut read = 0;
        for (i, p) in policies.iter().enumerate() {
            let arn = p
                .get("Arn")
                .and_then(serde_json::Value::as_str)
                .ok_or_else(|| ReadError::Shape(format!("Policies[{i}] has no Arn")))?;
            let Some(name) = aws_policy_name(arn) else {
                continue;
            };
            let doc = default_version(p)
                .ok_or_else(|| ReadError::Shape(format!("{arn}: no default version")))
                .and_then(document)
                .map_err(|e| ReadError::Shape(format!("{arn}: {e}")))?;
            self.insert(name, doc);
            read += 1;
        }
        Ok(read)
    }
}

/// The default version in a `PolicyVersionList`: the one marked `IsDefaultVersion`, or the one
/// whose ID is the policy's `DefaultVersionId`.
fn default_version(policy: &serde_json::Value) -> Option<&serde_json::Value> {
    let list = policy.get("PolicyVersionList")?.as_array()?;
    let by_flag = list
        .iter()
        .find(|v| v.get("IsDefaultVersion") == Some(&serde_json::Value::Bool(true)));
    by_flag.or_else(|| {
        let id = policy.get("DefaultVersionId")?;
        list.iter().find(|v| v.get("VersionId") == Some(id))
    })
}

/// A version's `Document`: a JSON object (as the AWS CLI prints it), or the JSON text IAM's
/// API returns, URL-encoded or plain.
fn document(version: &serde_json::Value) -> Result<serde_json::Value, ReadError> {
    let doc = version
        .get("Document")
        .ok_or_else(|| ReadError::Shape("the version has no Document".into()))?;
    let doc = match doc {
        serde_json::Value::String(s) => decode_text(s)?,
        other => other.clone(),
    };
    if doc.is_object() {
        Ok(doc)
    } else {
        Err(ReadError::Shape("the Document is not a JSON object".into()))
    }
}

/// Plain JSON is tried first: URL-decoding a plain document would corrupt a literal `%2F` in it.
fn decode_text(s: &str) -> Result<serde_json::Value, ReadError> {
    if let Ok(v) = serde_json::from_str(s) {
        return Ok(v);
    }
    let decoded = percent_encoding::percent_decode_str(s)
        .decode_utf8()
        .map_err(|e| ReadError::Json(format!("the Document is not UTF-8 once decoded: {e}")))?;
    serde_json::from_str(&decoded).map_err(|e| ReadError::Json(format!("the Document: {e}")))
}

#[cfg(test)]
mod tests;
