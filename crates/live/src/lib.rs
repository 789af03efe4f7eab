//! Reads a live AWS account into an egressproof snapshot: the same [`Model`] the CloudFormation
//! and Terraform loaders produce, with ARNs (or physical IDs) as locations, written as JSON that
//! `egressproof scan` reads back.
//!
//! The AWS SDK costs minutes of build time, so everything that talks to AWS sits behind the
//! `live` cargo feature; without it this crate only holds the snapshot document, option parsing
//! and the policy-document decoding, which are tested in the default build.
//!
//! ```
//! use egressproof_live::{parse_since, Snapshot};
//! assert_eq!(parse_since("7d").unwrap().as_secs(), 7 * 24 * 3600);
//! let doc = Snapshot::default().to_json();
//! assert!(egressproof_model::Model::from_snapshot(&doc).is_some());
//! ```
//!
//! Architecture invariants:
//! - Read-only by construction: every request of every SDK client passes one interceptor that
//!   records `service:Operation` and refuses, before anything is sent, any operation whose name
//!   does not start with `Describe`, `List` or `Get` ([`is_read_only`]).
//! - A call that fails or is denied is never read as "nothing there": it becomes an EP904
//!   diagnostic naming the API and what it would have read, and the scan answers `unproven`.

mod coverage;
mod doc;
mod org;
#[cfg(feature = "live")]
mod read;

pub use coverage::COVERAGE;
pub use doc::{decode_policy_document, governs_sagemaker_or_data_writes, symbolise_account};
pub use org::{merge, OrgOptions, OrgSnapshot, Shard};
#[cfg(feature = "live")]
pub use read::org::{probe_write_in_member, snapshot_org};
#[cfg(feature = "live")]
pub use read::snapshot;

use egressproof_model::Model;
use serde::Serialize;
use std::time::Duration;

/// What to read and how.
#[derive(Clone, Debug)]
pub struct Options {
    /// A named profile of the shared config files; `None` uses the standard credential chain.
    pub profile: Option<String>,
    /// Regions to read; empty means the region the configuration names (`AWS_REGION`, profile).
    pub regions: Vec<String>,
    /// Sends every request to this endpoint instead of AWS's (a test peer, a proxy).
    pub endpoint_url: Option<String>,
    /// How far back to read training and processing jobs (they are many, and old ones are done).
    pub since: Duration,
    /// Show a progress bar on stderr (only drawn when stderr is a terminal).
    pub progress: bool,
    /// How many regions are read at the same time.
    pub region_concurrency: usize,
    /// How many Describe/Get calls of one kind run at the same time within a region.
    pub call_concurrency: usize,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            profile: None,
            regions: Vec::new(),
            endpoint_url: None,
            since: Duration::from_secs(7 * 24 * 3600),
            progress: true,
            region_concurrency: 4,
            call_concurrency: 8,
        }
    }
}

/// A snapshot: the model plus where it came from and which API operations produced it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Snapshot {
    pub model: Model,
    /// The account the credentials belong to.
    pub account: Option<String>,
    pub regions: Vec<String>,
    /// Every API operation the snapshot called, as `service:Operation` (`ec2:DescribeVpcs`),
    /// sorted; recorded by the SDK interceptor, so it is what was sent, not what was intended.
    pub operations: Vec<String>,
}

#[derive(Serialize)]
struct Source<'a> {
    account: &'a Option<String>,
    regions: &'a [String],
}

impl Snapshot {
    /// The snapshot document: [`Model::to_snapshot`] plus `source` and `operations` metadata,
    /// which `Model::from_snapshot` ignores.
    pub fn to_json(&self) -> serde_json::Value {
        let mut doc = self.model.to_snapshot();
        if let Some(obj) = doc.as_object_mut() {
            obj.insert(
                "source".into(),
                serde_json::to_value(Source {
                    account: &self.account,
                    regions: &self.regions,
                })
                .unwrap_or(serde_json::Value::Null),
            );
            obj.insert(
                "operations".into(),
                serde_json::Value::from(self.operations.clone()),
            );
        }
        doc
    }
}

/// Why a snapshot could not be taken at all (as opposed to a call that failed, which becomes an
/// EP904 diagnostic in the snapshot).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("no region given and none configured (use --region or set AWS_REGION)")]
    NoRegion,
    #[error("the credentials do not work: sts:GetCallerIdentity failed: {0}")]
    Credentials(String),
    #[error("cannot start the async runtime: {0}")]
    Runtime(#[from] std::io::Error),
    #[error("invalid duration {0:?}: expected a number and a unit (s, m, h, d, w), e.g. 7d")]
    Duration(String),
    #[error("the organization cannot be read: {0}")]
    Organization(String),
    /// The URL is not echoed: it may carry a password.
    #[error("--endpoint-url: {0}")]
    EndpointUrl(&'static str),
}

/// Refuses an endpoint URL that is not `http://` or `https://` (a `file://` or other scheme
/// would have the SDK read or send elsewhere than an AWS API), or that carries a user name or
/// password (the SDK's errors and logs show the URL; the standard credential chain is the only
/// place credentials come from).
pub fn check_endpoint_url(url: &str) -> Result<(), Error> {
    let lower = url.to_ascii_lowercase();
    let Some(rest) = ["https://", "http://"]
        .iter()
        .find_map(|scheme| lower.strip_prefix(scheme))
    else {
        return Err(Error::EndpointUrl("must be an http:// or https:// URL"));
    };
    if url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(Error::EndpointUrl(
            "must not contain spaces or control characters",
        ));
    }
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    if authority.contains('@') {
        return Err(Error::EndpointUrl(
            "must not carry a user name or password (credentials come from the standard chain)",
        ));
    }
    if authority.is_empty() {
        return Err(Error::EndpointUrl("names no host"));
    }
    Ok(())
}

/// Writes a snapshot file readable by its owner only (0600 on Unix): it holds the account's
/// policy documents and network layout. An existing file is truncated and narrowed to 0600
/// before anything is written into it.
pub fn write_private(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt as _, PermissionsExt as _};
        options.mode(0o600);
        let file = options.open(path)?;
        // `mode` applies only to a file it creates.
        file.set_permissions(std::fs::Permissions::from_mode(0o600))?;
        write_all(file, text)
    }
    #[cfg(not(unix))]
    {
        write_all(options.open(path)?, text)
    }
}

fn write_all(mut file: std::fs::File, text: &str) -> std::io::Result<()> {
    use std::io::Write as _;
    file.write_all(text.as_bytes())?;
    file.flush()
}

/// Every operation a snapshot may call, as IAM actions. The minimal IAM policy in the crate's
/// README lists exactly these (a test keeps them equal), and the moto tests check that a snapshot
/// calls nothing else. `sts:GetCallerIdentity` needs no permission but is listed for clarity.
pub const OPERATIONS: &[&str] = &[
    "ec2:DescribeEgressOnlyInternetGateways",
    "ec2:DescribeInternetGateways",
    "ec2:DescribeNatGateways",
    "ec2:DescribeNetworkAcls",
    "ec2:DescribeRouteTables",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSubnets",
    "ec2:DescribeTransitGatewayAttachments",
    "ec2:DescribeTransitGatewayRouteTables",
    "ec2:DescribeTransitGatewayVpcAttachments",
    "ec2:DescribeTransitGateways",
    "ec2:DescribeVpcEndpoints",
    "ec2:DescribeVpcPeeringConnections",
    "ec2:DescribeVpcs",
    "ec2:DescribeVpnGateways",
    "ec2:GetTransitGatewayRouteTableAssociations",
    "ec2:GetTransitGatewayRouteTablePropagations",
    "ec2:SearchTransitGatewayRoutes",
    "iam:GetGroupPolicy",
    "iam:GetPolicyVersion",
    "iam:GetRolePolicy",
    "iam:GetUserPolicy",
    "iam:ListAttachedGroupPolicies",
    "iam:ListAttachedRolePolicies",
    "iam:ListAttachedUserPolicies",
    "iam:ListGroupPolicies",
    "iam:ListGroups",
    "iam:ListPolicies",
    "iam:ListRolePolicies",
    "iam:ListRoles",
    "iam:ListUserPolicies",
    "iam:ListUsers",
    "organizations:DescribePolicy",
    "organizations:ListPolicies",
    "organizations:ListTargetsForPolicy",
    "sagemaker:DescribeDataQualityJobDefinition",
    "sagemaker:DescribeDomain",
    "sagemaker:DescribeEndpointConfig",
    "sagemaker:DescribeFeatureGroup",
    "sagemaker:DescribeModel",
    "sagemaker:DescribeModelBiasJobDefinition",
    "sagemaker:DescribeModelExplainabilityJobDefinition",
    "sagemaker:DescribeModelQualityJobDefinition",
    "sagemaker:DescribeMonitoringSchedule",
    "sagemaker:DescribeNotebookInstance",
    "sagemaker:DescribeProcessingJob",
    "sagemaker:DescribeSpace",
    "sagemaker:DescribeTrainingJob",
    "sagemaker:DescribeUserProfile",
    "sagemaker:ListDomains",
    "sagemaker:ListEndpointConfigs",
    "sagemaker:ListFeatureGroups",
    "sagemaker:ListModels",
    "sagemaker:ListMonitoringSchedules",
    "sagemaker:ListNotebookInstances",
    "sagemaker:ListProcessingJobs",
    "sagemaker:ListSpaces",
    "sagemaker:ListTrainingJobs",
    "sagemaker:ListUserProfiles",
    "sts:GetCallerIdentity",
];

/// Operations that only read but whose verb is not Describe/List/Get, named one by one: a verb
/// is not trusted, only these exact operations.
pub const READ_ONLY_SEARCHES: &[&str] = &["ec2:SearchTransitGatewayRoutes"];

/// What the caller of an organization's snapshot calls besides [`OPERATIONS`] in its own
/// account: the organization's accounts and tree, and `sts:AssumeRole` into each member
/// account (whose role needs [`OPERATIONS`]).
pub const ORG_OPERATIONS: &[&str] = &[
    "organizations:DescribeOrganization",
    "organizations:DescribePolicy",
    "organizations:ListAccounts",
    "organizations:ListAccountsForParent",
    "organizations:ListOrganizationalUnitsForParent",
    "organizations:ListPolicies",
    "organizations:ListRoots",
    "organizations:ListTargetsForPolicy",
    "sts:AssumeRole",
    "sts:GetCallerIdentity",
];

/// The one operation besides reads that an organization's snapshot sends, from the caller's
/// session only: it writes nothing and hands out the member accounts' sessions. Only the live
/// reader sends it, so it exists only with the `live` feature.
#[cfg(feature = "live")]
pub(crate) const ASSUME_ROLE: &[&str] = &["sts:AssumeRole"];

/// True for operation names that only read: `Describe*`, `List*`, `Get*`, and the few
/// [`READ_ONLY_SEARCHES`].
pub fn is_read_only(operation: &str) -> bool {
    if READ_ONLY_SEARCHES.contains(&operation) {
        return true;
    }
    let name = operation.rsplit(':').next().unwrap_or(operation);
    ["Describe", "List", "Get"].iter().any(|verb| {
        name.strip_prefix(verb)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
    })
}

/// The 12-digit account an ARN names (`arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-1`).
pub fn arn_account(arn: &str) -> Option<&str> {
    let rest = arn.strip_prefix("arn:")?;
    let account = rest.split(':').nth(3)?;
    (account.len() == 12 && account.bytes().all(|b| b.is_ascii_digit())).then_some(account)
}

/// Parses `--since` durations: `7d`, `36h`, `90m`, `2w`, `3600s` (a bare number is seconds).
pub fn parse_since(s: &str) -> Result<Duration, Error> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().map_err(|_| Error::Duration(s.to_string()))?;
    let mult = match unit.trim() {
        "" | "s" => 1,
        "m" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(Error::Duration(s.to_string())),
    };
    n.checked_mul(mult)
        .map(Duration::from_secs)
        .ok_or_else(|| Error::Duration(s.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_only_names() {
        assert!(is_read_only("ec2:DescribeVpcs"));
        assert!(is_read_only("iam:GetPolicyVersion"));
        assert!(is_read_only("ListModels"));
        assert!(!is_read_only("ec2:CreateVpc"));
        assert!(!is_read_only("ec2:DeleteVpc"));
        // A verb prefix alone is not enough: `Getaway` is not a Get operation.
        assert!(!is_read_only("Getaway"));
        assert!(!is_read_only(
            "sagemaker:CreatePresignedNotebookInstanceUrl"
        ));
        assert!(is_read_only("ec2:SearchTransitGatewayRoutes"));
        assert!(!is_read_only("SearchTransitGatewayRoutes"));
        assert!(!is_read_only("ec2:SearchLocalGatewayRoutes"));
        assert!(!is_read_only("sts:AssumeRole"));
    }

    #[test]
    fn arn_accounts() {
        assert_eq!(
            arn_account("arn:aws:ec2:eu-west-1:111122223333:subnet/subnet-1"),
            Some("111122223333")
        );
        assert_eq!(
            arn_account("arn:aws:iam::111122223333:role/x"),
            Some("111122223333")
        );
        assert_eq!(arn_account("arn:aws:s3:::bucket"), None);
        assert_eq!(arn_account("subnet-1"), None);
        assert_eq!(arn_account("arn:aws:ec2:eu-west-1:12345:vpc/x"), None);
    }

    #[test]
    fn every_listed_operation_reads() {
        for op in OPERATIONS {
            assert!(is_read_only(op), "{op}");
        }
        let mut sorted = OPERATIONS.to_vec();
        sorted.sort_unstable();
        sorted.dedup();
        assert_eq!(sorted, OPERATIONS, "sorted, without duplicates");
    }

    /// The README's minimal IAM policy grants exactly the operations a snapshot may call.
    #[test]
    fn readme_policy_is_the_operation_list() {
        let readme = include_str!("../README.md");
        let start = readme.find("```json").expect("a json block in README.md") + "```json".len();
        let end = start + readme[start..].find("```").expect("the block's end");
        let policy: serde_json::Value = serde_json::from_str(&readme[start..end]).expect("JSON");
        let mut actions: Vec<String> = policy["Statement"]
            .as_array()
            .expect("statements")
            .iter()
            .flat_map(|s| s["Action"].as_array().cloned().unwrap_or_default())
            .filter_map(|a| a.as_str().map(str::to_string))
            .collect();
        actions.sort();
        assert_eq!(actions, OPERATIONS);
    }

    #[test]
    fn endpoint_urls_must_be_http_without_credentials() {
        for ok in [
            "http://127.0.0.1:5000",
            "https://vpce-1.ec2.eu-west-1.vpce.amazonaws.com",
            "HTTPS://proxy.example.com/path?x=1",
        ] {
            assert!(check_endpoint_url(ok).is_ok(), "{ok}");
        }
        for bad in [
            "file:///etc/passwd",
            "ftp://example.com",
            "127.0.0.1:5000",
            "unix:///var/run/x.sock",
            "http://",
            "http://user:hunter2@proxy.example.com",
            "https://a b.example.com",
        ] {
            let err = check_endpoint_url(bad).unwrap_err().to_string();
            assert!(err.starts_with("--endpoint-url: "), "{bad}: {err}");
            assert!(!err.contains("hunter2"), "{err}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn snapshot_files_are_written_for_the_owner_only() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;

        let new = dir.path().join("new.json");
        write_private(&new, "{}\n").unwrap();
        assert_eq!(mode(&new), 0o600);
        assert_eq!(std::fs::read_to_string(&new).unwrap(), "{}\n");

        let old = dir.path().join("old.json");
        std::fs::write(&old, "previous, longer content").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o644)).unwrap();
        write_private(&old, "{}").unwrap();
        assert_eq!(mode(&old), 0o600);
        assert_eq!(std::fs::read_to_string(&old).unwrap(), "{}");
    }

    /// The snapshot document holds the model, where it came from and what was called: nothing
    /// from the credential chain.
    #[test]
    fn the_snapshot_document_has_no_place_for_credentials() {
        let doc = Snapshot::default().to_json();
        let keys: Vec<&str> = doc
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        for key in &keys {
            let k = key.to_ascii_lowercase();
            assert!(
                !["credential", "secret", "token", "key", "profile"]
                    .iter()
                    .any(|w| k.contains(w)),
                "{key}"
            );
        }
        let source: Vec<&str> = doc["source"]
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(source, ["account", "regions"]);
    }

    #[test]
    fn since_units() {
        assert_eq!(parse_since("7d").unwrap(), Duration::from_secs(604_800));
        assert_eq!(parse_since("36h").unwrap(), Duration::from_secs(129_600));
        assert_eq!(parse_since("2w").unwrap(), Duration::from_secs(1_209_600));
        assert_eq!(parse_since("45").unwrap(), Duration::from_secs(45));
        assert!(parse_since("d").is_err());
        assert!(parse_since("7y").is_err());
        assert!(parse_since("-1d").is_err());
        assert!(parse_since("99999999999999999999d").is_err());
    }

    #[test]
    fn snapshot_document_is_read_back_and_carries_operations() {
        let mut snap = Snapshot {
            operations: vec!["ec2:DescribeVpcs".into()],
            account: Some("123456789012".into()),
            ..Snapshot::default()
        };
        snap.model.notes.push("account 123456789012".into());
        let doc = snap.to_json();
        assert_eq!(doc["operations"][0], "ec2:DescribeVpcs");
        assert_eq!(doc["source"]["account"], "123456789012");
        let back = Model::from_snapshot(&doc).unwrap().unwrap();
        assert_eq!(back, snap.model);
    }
}
