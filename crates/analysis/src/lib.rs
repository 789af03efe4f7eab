//! The analysis: given a [`Model`], find every channel through which data can leave, each with
//! its path hop by hop, and the unknowns that keep a verdict from being `sealed`.
//!
//! ```
//! use egressproof_analysis::{analyze, Options, Verdict};
//! let result = analyze(&egressproof_model::Model::default(), &Options::default());
//! assert_eq!(result.verdict, Verdict::Sealed);
//! ```
//!
//! Architecture invariants: this crate never reads files and never sees YAML, HCL or JSON
//! templates; it knows the model only. A rule that cannot decide emits an unknown, never nothing.

mod context;
mod environment;
mod finding;
mod iam;
pub mod net;
pub mod network_map;
pub mod rules;
mod verdict;

pub use context::{known_or_report, unresolved, Context};
/// The AWS managed policy documents of [`Options::managed_policies`] (bundled, and the user's).
pub use egressproof_policy::managed;
pub use environment::{analyze_scan, Environment, NamedEnvironment, Scan};
pub use finding::{
    Assumption, AssumptionKind, Finding, Hop, ResourceInfo, ResourceRef, Severity, Sink,
    UnknownFinding,
};
pub use network_map::NetworkMap;
pub use rules::{registry, rule, Family, ParseRuleError, Rule, RuleMeta};
pub use verdict::{Analysis, Verdict, WorkloadVerdict};

use egressproof_model::Model;
use ipnet::IpNet;

/// What the user told us about their environment.
#[derive(Clone, Debug)]
pub struct Options {
    /// Networks that count as ours (on-premises, corporate): routes toward them are not egress,
    /// and presigned URLs restricted to them are restricted.
    pub trusted_cidrs: Vec<IpNet>,
    /// Findings at or above this severity make the verdict `leaks`.
    pub fail_on: Severity,
    /// Rules not to run.
    pub skip_rules: Vec<Rule>,
    /// VPCs meant for SageMaker besides those with a SageMaker interface endpoint (model IDs,
    /// names in the source, or physical IDs): their environment is in scope, and their subnets
    /// are judged as the homes of workloads to come.
    pub sagemaker_vpcs: Vec<String>,
    /// Whether the scan holds every principal of the account (`principals = "complete"`).
    pub principals: Principals,
    /// How wide a trusted network may be before EP403 says it is not a corporate network.
    pub trust_limit: TrustLimit,
    /// The AWS managed policy documents roles are judged by: the bundled ones, and the user's
    /// (`--managed-policies`) over them.
    pub managed_policies: managed::ManagedPolicies,
    /// Whether to draw up the network map (`Analysis::network`). Only the HTML report reads it,
    /// and at a million resources it costs a hundred megabytes at the scan's peak, so the CLI
    /// asks for it only when an HTML report is written. It never changes a finding or verdict.
    pub network_map: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            trusted_cidrs: Vec::new(),
            fail_on: Severity::Medium,
            skip_rules: Vec::new(),
            sagemaker_vpcs: Vec::new(),
            principals: Principals::default(),
            trust_limit: TrustLimit::default(),
            managed_policies: Default::default(),
            network_map: true,
        }
    }
}

/// What the user declares about the principals of the account (`principals` in
/// `.egressproof.toml`). Templates never hold every principal: people with administrator access
/// and the roles of other stacks exist beside them, so the default counts them.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Principals {
    /// Principals outside the scan exist; only an SCP of the scan restricts them.
    #[default]
    Partial,
    /// The scan holds every principal of the account: declared by the user, and listed as an
    /// assumption wherever a verdict rests on it.
    Complete,
}

/// The widest trusted network (as a prefix length per family) that can still be a corporate
/// network; a wider one, counted in public addresses, is EP403. Ranges of half an address
/// family or more (`0.0.0.0/1`, `128.0.0.0/1`, `::/1`) are EP403 whatever the limit.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrustLimit {
    /// Default 16: more public IPv4 addresses than a /16 (65,536) is not one organization's
    /// network (the largest regional registry allocations to an end user are of that order).
    pub v4: u8,
    /// Default 32: more public IPv6 addresses than a /32 (a registry's allocation to a whole
    /// provider; an organization's site is a /48).
    pub v6: u8,
}

impl TrustLimit {
    /// The narrowest limit accepted: a /1 is half the address family.
    pub const MIN_PREFIX: u8 = 2;
}

impl Default for TrustLimit {
    fn default() -> Self {
        TrustLimit { v4: 16, v6: 32 }
    }
}

/// Runs every rule over the model and derives the verdicts.
pub fn analyze(model: &Model, options: &Options) -> Analysis {
    let _sharing = finding::Sharing::start();
    let mut ctx = Context::new(model, options);
    let mut sink = Sink::default();
    // Room for two findings a resource, reserved up front: a list grown by doubling holds its
    // old and new blocks at once when it grows (half a gigabyte at a million resources, at the
    // scan's peak), and room never written is never resident.
    sink.findings
        .reserve(model.resources.len().saturating_mul(2));
    for meta in registry() {
        // The network analysis is read by the network, service-channel and people rules only
        // (earlier in the registry): freed before the rules after them, which add the most
        // findings at scale, it is not alive at the peak.
        if !matches!(
            meta.code.family(),
            Family::ManagedInternet | Family::VpcRoutes | Family::ServiceChannels | Family::People
        ) {
            ctx.drop_net();
        }
        if options.skip_rules.contains(&meta.code) {
            continue;
        }
        (meta.check)(&ctx, &mut sink);
    }
    for d in &model.diagnostics {
        let rule: Rule = d.code.into();
        // The loaders' unknowns are rules like the others: `--skip EP901` drops them, and an
        // inline ignore accepts them (listed as suppressed, not counted).
        if options.skip_rules.contains(&rule) {
            continue;
        }
        match &d.suppression {
            Some(s) => sink
                .findings
                .extend(verdict::suppressed_diagnostic(d, s, options)),
            None => sink.unknowns.push(UnknownFinding {
                rule,
                message: d.message.clone(),
                span: d.span.clone(),
            }),
        }
    }
    ctx.drop_net();
    verdict::conclude(&ctx, sink)
}
