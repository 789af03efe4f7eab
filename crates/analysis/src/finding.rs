use crate::rules::Rule;
use egressproof_model::{Ident, Resource, Span};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;

/// How much a finding matters. The fail threshold (`--fail-on`, default medium) compares to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Low,
    Medium,
    High,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        match s.to_ascii_lowercase().as_str() {
            "info" => Some(Severity::Info),
            "low" => Some(Severity::Low),
            "medium" => Some(Severity::Medium),
            "high" => Some(Severity::High),
            _ => None,
        }
    }
}

/// A resource as reports show it: its identity, type, name and place.
///
/// Shared, because a million-resource scan names the same few hundred thousand resources in
/// millions of places (each finding's resource, every hop of its path, the workload verdicts,
/// the network map): within an analysis, every reference to one resource of the model holds the
/// same [`ResourceInfo`], and cloning one counts a reference instead of copying four strings.
/// Fields read as before (`r.name`, `r.span.file`); writing one (a test renaming a resource)
/// copies the shared value first.
#[derive(Clone, PartialEq, Eq)]
pub struct ResourceRef(Arc<ResourceInfo>);

/// What a [`ResourceRef`] holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResourceInfo {
    pub id: Ident,
    pub type_name: String,
    pub name: String,
    pub span: Span,
}

impl ResourceRef {
    pub fn new(
        id: Ident,
        type_name: impl Into<String>,
        name: impl Into<String>,
        span: Span,
    ) -> Self {
        ResourceRef(Arc::new(ResourceInfo {
            id,
            type_name: type_name.into(),
            name: name.into(),
            span,
        }))
    }

    /// Whether `r` is the resource this refers to (same identity, type, name and place).
    fn describes(&self, r: &Resource) -> bool {
        self.id == r.id
            && self.type_name == r.type_name
            && self.name == r.name
            && self.span == r.span
    }
}

impl std::ops::Deref for ResourceRef {
    type Target = ResourceInfo;

    fn deref(&self) -> &ResourceInfo {
        &self.0
    }
}

impl std::ops::DerefMut for ResourceRef {
    /// Copies the shared value when another reference holds it, so that no other finding
    /// changes with this one.
    fn deref_mut(&mut self) -> &mut ResourceInfo {
        Arc::make_mut(&mut self.0)
    }
}

impl std::fmt::Debug for ResourceRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResourceRef")
            .field("id", &self.id)
            .field("type_name", &self.type_name)
            .field("name", &self.name)
            .field("span", &self.span)
            .finish()
    }
}

impl Serialize for ResourceRef {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for ResourceRef {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        ResourceInfo::deserialize(deserializer).map(|info| ResourceRef(Arc::new(info)))
    }
}

impl From<&Resource> for ResourceRef {
    /// Within an analysis ([`Sharing`]), the reference made for the same resource before;
    /// elsewhere a new one.
    fn from(r: &Resource) -> Self {
        SHARED.with(|shared| {
            let mut shared = shared.borrow_mut();
            let Some(known) = shared.as_mut() else {
                return ResourceRef::of(r);
            };
            // Keyed by address: the model is borrowed, unchanged, for the whole analysis. A
            // resource a rule builds for a moment may take an address another had: the contents
            // decide, so such a key is only a miss.
            let key = r as *const Resource as usize;
            match known.get(&key) {
                Some(found) if found.describes(r) => found.clone(),
                _ => {
                    let made = ResourceRef::of(r);
                    known.insert(key, made.clone());
                    made
                }
            }
        })
    }
}

impl ResourceRef {
    fn of(r: &Resource) -> Self {
        ResourceRef::new(
            r.id.clone(),
            r.type_name.clone(),
            r.name.clone(),
            r.span.clone(),
        )
    }
}

thread_local! {
    /// The references made so far in the analysis running on this thread, by the address of
    /// the resource; `None` outside an analysis.
    static SHARED: RefCell<Option<HashMap<usize, ResourceRef>>> = const { RefCell::new(None) };
}

/// While alive, references made from one resource of the model share one value
/// ([`ResourceRef`]); analyses may nest (the scan's environments), the outermost one clears.
pub(crate) struct Sharing {
    outermost: bool,
}

impl Sharing {
    pub(crate) fn start() -> Sharing {
        let outermost = SHARED.with(|shared| {
            let mut shared = shared.borrow_mut();
            let outermost = shared.is_none();
            if outermost {
                *shared = Some(HashMap::new());
            }
            outermost
        });
        Sharing { outermost }
    }
}

impl Drop for Sharing {
    fn drop(&mut self) {
        if self.outermost {
            SHARED.with(|shared| *shared.borrow_mut() = None);
        }
    }
}

/// One step of a leak path: a resource and what happens there ("0.0.0.0/0 -> Nat").
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hop {
    pub resource: ResourceRef,
    /// Most notes are fixed text ("workload subnet"), borrowed; the rest are written for the hop.
    pub note: Cow<'static, str>,
}

impl Hop {
    pub fn new(resource: &Resource, note: impl Into<Cow<'static, str>>) -> Self {
        Hop {
            resource: resource.into(),
            note: note.into(),
        }
    }

    /// A hop that is not a resource of the scan (the internet, a transit gateway elsewhere).
    pub fn external(type_name: &str, name: &str, note: impl Into<Cow<'static, str>>) -> Self {
        Hop {
            resource: ResourceRef::new(Ident::new(name), type_name, name, Span::default()),
            note: note.into(),
        }
    }
}

/// An open egress channel (or, for EP6xx, a hardening gap).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// The rule's summary: borrowed from the registry by every finding of the rule.
    pub title: Cow<'static, str>,
    pub message: String,
    pub resource: ResourceRef,
    pub path: Vec<Hop>,
    /// The rule's fix ([`crate::RuleMeta::shared_fix`]), borrowed like the title.
    pub fix: Cow<'static, str>,
    /// The workloads this channel lets data out of (for per-workload verdicts).
    pub workloads: Vec<Ident>,
    pub suppressed: bool,
    /// The reason given by the suppression, when suppressed.
    pub suppression_reason: Option<String>,
}

/// Something that could open a channel but was not resolved (EP9xx).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnknownFinding {
    /// One of the EP9xx rules ([`crate::Family::Unknowns`]).
    pub rule: Rule,
    pub message: String,
    pub span: Option<Span>,
}

/// What an assumption is about. A verdict rests on what the scan cannot see; each kind names one
/// thing taken as given, so that a report (and a script reading it) can say which, and a `sealed`
/// verdict reads "sealed, given these".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AssumptionKind {
    /// S3 bucket names taken as ours (those the scan creates), so a policy naming them exactly
    /// keeps writes in the account.
    BucketNames,
    /// Account or organization IDs taken as ours: the deploying account, and the organization
    /// IDs an endpoint policy names in its own conditions.
    AccountIds,
    /// The corporate network taken from the policies' `aws:SourceIp` values, because no trusted
    /// CIDR was configured.
    CorporateNetwork,
    /// An SCP of the scan taken as applying to every principal of the workloads' account: it is
    /// what restricts the principals the scan does not hold.
    ScpScope,
    /// Service control policies outside the scan taken as absent: a finding that such a policy
    /// could close is reported.
    ScpsOutsideScan,
    /// The scan taken as holding every principal of the account: declared in the configuration
    /// (`principals = "complete"`), or read from a live account by a snapshot.
    PrincipalsComplete,
    /// A Studio domain in SSO mode: access is the identity provider's to govern (there is no
    /// presigned domain URL).
    IdentityProvider,
    /// Code run at deploy time (a custom resource's Lambda) taken to act with its execution
    /// role's permissions only, which the scan read and found unable to change what it judges.
    DeployCode,
}

impl AssumptionKind {
    /// Every kind, in the order reports group them.
    pub const ALL: &'static [AssumptionKind] = &[
        AssumptionKind::BucketNames,
        AssumptionKind::AccountIds,
        AssumptionKind::CorporateNetwork,
        AssumptionKind::ScpScope,
        AssumptionKind::ScpsOutsideScan,
        AssumptionKind::PrincipalsComplete,
        AssumptionKind::IdentityProvider,
        AssumptionKind::DeployCode,
    ];

    /// The kind as reports print it and JSON carries it (`bucket-names`).
    pub const fn as_str(self) -> &'static str {
        match self {
            AssumptionKind::BucketNames => "bucket-names",
            AssumptionKind::AccountIds => "account-ids",
            AssumptionKind::CorporateNetwork => "corporate-network",
            AssumptionKind::ScpScope => "scp-scope",
            AssumptionKind::ScpsOutsideScan => "scps-outside-scan",
            AssumptionKind::PrincipalsComplete => "principals-complete",
            AssumptionKind::IdentityProvider => "identity-provider",
            AssumptionKind::DeployCode => "deploy-code",
        }
    }

    /// One line: what is taken as given, for a reader who does not know the kind's name.
    pub const fn description(self) -> &'static str {
        match self {
            AssumptionKind::BucketNames => "S3 bucket names taken as ours",
            AssumptionKind::AccountIds => "account and organization IDs taken as ours",
            AssumptionKind::CorporateNetwork => {
                "the corporate network taken from a policy, not from configured trusted CIDRs"
            }
            AssumptionKind::ScpScope => {
                "a service control policy of the scan taken as applying to the workloads' account"
            }
            AssumptionKind::ScpsOutsideScan => {
                "service control policies outside the scan taken as absent"
            }
            AssumptionKind::PrincipalsComplete => {
                "the scan taken as holding every principal of the account"
            }
            AssumptionKind::IdentityProvider => {
                "access to SSO-mode Studio domains governed by the identity provider"
            }
            AssumptionKind::DeployCode => {
                "code run at deploy time taken to act with its execution role's permissions only"
            }
        }
    }
}

impl std::fmt::Display for AssumptionKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Something a rule took as given because the scan cannot see it: the verdict holds only if it
/// is true. Reports list every one beside the verdict.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Assumption {
    pub kind: AssumptionKind,
    pub message: String,
    /// Where the assumption comes from (the policy whose CIDRs were taken as the corporate
    /// network, the SSO domain), when it comes from one place.
    pub span: Option<Span>,
}

impl Assumption {
    pub fn new(kind: AssumptionKind, message: impl Into<String>, span: Option<Span>) -> Self {
        Assumption {
            kind,
            message: message.into(),
            span,
        }
    }
}

/// Where rules put what they find.
#[derive(Debug, Default)]
pub struct Sink {
    pub findings: Vec<Finding>,
    pub unknowns: Vec<UnknownFinding>,
    /// What the rules took as given, shown in the report.
    pub assumptions: Vec<Assumption>,
}

impl Sink {
    /// Records an assumption a rule relied on.
    pub fn assume(&mut self, kind: AssumptionKind, message: impl Into<String>, span: Option<Span>) {
        self.assumptions.push(Assumption::new(kind, message, span));
    }

    /// Records an unknown; `code` is an EP9xx rule or the policy engine's [`UnknownCode`].
    ///
    /// [`UnknownCode`]: egressproof_model::UnknownCode
    pub fn unknown(
        &mut self,
        code: impl Into<Rule>,
        message: impl Into<String>,
        span: Option<Span>,
    ) {
        let rule = code.into();
        debug_assert_eq!(
            rule.family(),
            crate::Family::Unknowns,
            "{rule} is not an unknown"
        );
        self.unknowns.push(UnknownFinding {
            rule,
            message: message.into(),
            span,
        });
    }
}
