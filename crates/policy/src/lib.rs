//! The IAM policy language, evaluated symbolically.
//!
//! (Being built: see the exposure functions below for the contract the analysis relies on.)

use egressproof_model::Value;

/// What the scan counts as "ours": the deploying account (always, as the `AWS::AccountId`
/// symbol), account IDs and organization IDs the user or the templates name, and bucket names
/// that the scan creates or writes exactly.
#[derive(Clone, Debug, Default)]
pub struct Ours {
    pub accounts: Vec<String>,
    pub orgs: Vec<String>,
    pub buckets: Vec<String>,
}

/// The answer to "can data get out through this policy?". Three answers, never two.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Exposure {
    /// No request context gets through.
    Closed,
    /// Some request context gets through; `context` describes one ("principal of another
    /// account, bucket of another account").
    Open { context: String },
    /// Could not decide: `code` is EP902 (unresolved value) or EP903 (unmodelled condition key).
    Undecided { code: &'static str, reason: String },
}

/// EP301: through an S3 endpoint with this policy (`None`: AWS's default full-access policy),
/// can a write reach a bucket outside our account or organization?
pub fn s3_foreign_write(policy: Option<&Value>, ours: &Ours) -> Exposure {
    let _ = ours;
    match policy {
        None => Exposure::Open { context: "default endpoint policy: any principal, any bucket".into() },
        Some(_) => Exposure::Undecided { code: "EP903", reason: "policy evaluation not implemented".into() },
    }
}

/// EP302: through an interface endpoint with this policy (`None`: the default full-access
/// policy), can credentials of another account, or a resource of another account, be used?
pub fn foreign_use(policy: Option<&Value>, ours: &Ours) -> Exposure {
    let _ = ours;
    match policy {
        None => Exposure::Open { context: "default endpoint policy: any principal, any resource".into() },
        Some(_) => Exposure::Undecided { code: "EP903", reason: "policy evaluation not implemented".into() },
    }
}
