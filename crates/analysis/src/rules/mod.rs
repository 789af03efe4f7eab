//! The rule catalog. One file per rule; each file holds the rule's documentation as its doc
//! comment (the only copy: `egressproof rule EPxxx`, SARIF `help` and the docs all read it) and
//! its check. The [`Rule`] enum and [`registry`] come from one table of codes, below.

use crate::{Context, Severity, Sink};

mod code;
pub use code::{Family, ParseRuleError};

/// Declares a rule: its doc comment becomes [`RuleMeta::doc`], so the text a person reads with
/// `egressproof rule` and the rustdoc are the same words. `code` names the rule's variant of
/// [`Rule`]; the code as text (`EP201`) is written once, in the table of [`rule_table!`].
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        code: $code:ident,
        name: $name:literal,
        severity: $sev:ident,
        summary: $summary:literal,
        check: $check:path $(,)?
    ) => {
        $(#[doc = $doc])*
        pub const RULE: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
            code: $crate::rules::Rule::$code,
            name: $name,
            severity: $crate::Severity::$sev,
            summary: $summary,
            doc: concat!($($doc, "\n"),*),
            check: $check,
        };
    };
}

pub mod ep101_notebook_direct_internet;
pub mod ep102_domain_public_internet;
pub mod ep103_job_without_isolation;
pub mod ep104_model_without_isolation;
pub mod ep201_route_to_internet;
pub mod ep202_ipv6_egress_only;
pub mod ep203_route_beyond_scan;
pub mod ep204_filtered_egress;
pub mod ep205_relay_host;
pub mod ep301_s3_endpoint_foreign_write;
pub mod ep302_interface_endpoint_foreign_use;
pub mod ep303_missing_sagemaker_endpoints;
pub mod ep304_third_party_endpoint;
pub mod ep305_no_dns_firewall;
pub mod ep306_execution_role_foreign_write;
pub mod ep307_foreign_destination;
pub mod ep401_presigned_url_from_anywhere;
pub mod ep402_remote_ide_access;
pub mod ep403_trusted_network_too_wide;
pub mod ep501_no_network_isolation_guardrail;
pub mod ep502_no_vpc_guardrail;
pub mod ep503_no_internet_guardrail;
pub mod ep504_guardrail_fails_open;
pub mod ep601_notebook_root_access;
pub mod ep602_no_kms_key;
pub mod ep603_no_inter_container_encryption;
pub mod ep801_suppression_without_reason;
pub mod ep802_unused_suppression;
pub mod ep9xx_unknowns;
pub(crate) mod roles;
pub(crate) mod unread_code;

/// A rule as the catalog knows it.
#[derive(Clone, Copy)]
pub struct RuleMeta {
    pub code: Rule,
    /// Kebab-case name of the pattern flagged (`notebook-direct-internet`).
    pub name: &'static str,
    pub severity: Severity,
    /// One line: what is flagged.
    pub summary: &'static str,
    /// The rule's doc comment, raw (one leading space per line); see [`RuleMeta::documentation`].
    pub doc: &'static str,
    pub check: fn(&Context<'_>, &mut Sink),
}

impl std::fmt::Debug for RuleMeta {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleMeta")
            .field("code", &self.code)
            .field("name", &self.name)
            .finish()
    }
}

impl RuleMeta {
    /// The documentation as Markdown.
    pub fn documentation(&self) -> String {
        let mut out = String::new();
        for line in self.doc.lines() {
            out.push_str(line.strip_prefix(' ').unwrap_or(line));
            out.push('\n');
        }
        out
    }

    /// The "## Fix" section of the documentation, for reports that show the fix inline.
    pub fn fix(&self) -> String {
        section(&self.documentation(), "Fix")
    }

    /// [`RuleMeta::fix`], read from the documentation once per rule: every finding of the rule
    /// borrows the same text (a million findings do not each hold a copy).
    pub fn shared_fix(&self) -> &'static str {
        static FIXES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
        let fixes = FIXES.get_or_init(|| Rule::ALL.iter().map(|r| r.meta().fix()).collect());
        fixes.get(self.code as usize).map_or("", String::as_str)
    }
}

/// The text under `## heading`, up to the next heading.
pub fn section(doc: &str, heading: &str) -> String {
    let mut out = Vec::new();
    let mut inside = false;
    for line in doc.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            inside = h.trim().eq_ignore_ascii_case(heading);
            continue;
        }
        if inside {
            out.push(line);
        }
    }
    out.join("\n").trim().to_string()
}

/// Rules that find nothing on their own: their findings come from loaders or other rules.
pub(crate) fn no_check(_: &Context<'_>, _: &mut Sink) {}

/// The one table of codes: each family of DESIGN.md §3, and in it each rule's code, its variant
/// of [`Rule`] and its definition. It declares the enum, its text form, its family and the
/// registry together, so a code cannot exist in one and be missing from another.
macro_rules! rule_table {
    ($($family:ident { $($code:literal $variant:ident => $meta:path,)* })*) => {
        /// A rule of the catalog, named for the pattern it flags; [`Rule::as_str`] is its code.
        /// Findings, unknowns and options carry this type, never a code as text, so a
        /// misspelt code fails to compile (in code) or to parse, naming the closest rule (in
        /// a configuration or on the command line); it is never a rule silently not matched.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Rule {
            $($(#[doc = $code] $variant,)*)*
        }

        impl Rule {
            /// Every rule, in code order.
            pub const ALL: &'static [Rule] = &[$($(Rule::$variant,)*)*];

            /// The code, as users write it and reports print it (`EP201`).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($(Rule::$variant => $code,)*)*
                }
            }

            /// The family the code belongs to.
            pub const fn family(self) -> Family {
                match self {
                    $($(Rule::$variant => Family::$family,)*)*
                }
            }

            /// The rule's entry of the registry: name, severity, documentation, check.
            pub fn meta(self) -> &'static RuleMeta {
                match self {
                    $($(Rule::$variant => &$meta,)*)*
                }
            }
        }

        static REGISTRY: &[RuleMeta] = &[$($($meta,)*)*];
    };
}

rule_table! {
    ManagedInternet {
        "EP101" NotebookDirectInternet => ep101_notebook_direct_internet::RULE,
        "EP102" DomainPublicInternet => ep102_domain_public_internet::RULE,
        "EP103" JobWithoutIsolation => ep103_job_without_isolation::RULE,
        "EP104" ModelWithoutIsolation => ep104_model_without_isolation::RULE,
    }
    VpcRoutes {
        "EP201" RouteToInternet => ep201_route_to_internet::RULE,
        "EP202" Ipv6EgressOnlyGateway => ep202_ipv6_egress_only::RULE,
        "EP203" RouteBeyondScan => ep203_route_beyond_scan::RULE,
        "EP204" FilteredEgress => ep204_filtered_egress::RULE,
        "EP205" RelayHost => ep205_relay_host::RULE,
    }
    ServiceChannels {
        "EP301" S3EndpointForeignWrite => ep301_s3_endpoint_foreign_write::RULE,
        "EP302" InterfaceEndpointForeignUse => ep302_interface_endpoint_foreign_use::RULE,
        "EP303" MissingSagemakerEndpoints => ep303_missing_sagemaker_endpoints::RULE,
        "EP304" ThirdPartyEndpoint => ep304_third_party_endpoint::RULE,
        "EP305" NoDnsFirewall => ep305_no_dns_firewall::RULE,
        "EP306" ExecutionRoleForeignWrite => ep306_execution_role_foreign_write::RULE,
        "EP307" ForeignDestination => ep307_foreign_destination::RULE,
    }
    People {
        "EP401" PresignedUrlFromAnywhere => ep401_presigned_url_from_anywhere::RULE,
        "EP402" RemoteIdeAccess => ep402_remote_ide_access::RULE,
        "EP403" TrustedNetworkTooWide => ep403_trusted_network_too_wide::RULE,
    }
    Guardrails {
        "EP501" NoNetworkIsolationGuardrail => ep501_no_network_isolation_guardrail::RULE,
        "EP502" NoVpcGuardrail => ep502_no_vpc_guardrail::RULE,
        "EP503" NoInternetGuardrail => ep503_no_internet_guardrail::RULE,
        "EP504" GuardrailFailsOpen => ep504_guardrail_fails_open::RULE,
    }
    Hardening {
        "EP601" NotebookRootAccess => ep601_notebook_root_access::RULE,
        "EP602" StorageWithoutCustomerKey => ep602_no_kms_key::RULE,
        "EP603" InterContainerTrafficInClear => ep603_no_inter_container_encryption::RULE,
    }
    SuppressionHygiene {
        "EP801" SuppressionWithoutReason => ep801_suppression_without_reason::RULE,
        "EP802" UnusedSuppression => ep802_unused_suppression::RULE,
    }
    Unknowns {
        "EP901" UnparsableFile => ep9xx_unknowns::EP901,
        "EP902" UnresolvedValue => ep9xx_unknowns::EP902,
        "EP903" UnsupportedConstruct => ep9xx_unknowns::EP903,
        "EP904" LiveCallFailed => ep9xx_unknowns::EP904,
    }
}

/// Every rule, in code order.
pub fn registry() -> &'static [RuleMeta] {
    REGISTRY
}

/// One rule by code (case-insensitive).
pub fn rule(code: &str) -> Option<&'static RuleMeta> {
    code.parse::<Rule>().ok().map(Rule::meta)
}

/// Helpers shared by the rules.
pub(crate) mod util {
    use crate::{Context, Finding, Hop, Severity};
    use egressproof_model::Resource;

    /// A finding on `resource` by the rule `meta`, with the fix taken from its documentation.
    pub fn finding(
        meta: &super::RuleMeta,
        resource: &Resource,
        message: String,
        path: Vec<Hop>,
    ) -> Finding {
        finding_with_severity(meta, meta.severity, resource, message, path)
    }

    pub fn finding_with_severity(
        meta: &super::RuleMeta,
        severity: Severity,
        resource: &Resource,
        message: String,
        path: Vec<Hop>,
    ) -> Finding {
        Finding {
            rule: meta.code,
            severity,
            title: meta.summary.into(),
            message,
            resource: resource.into(),
            path,
            fix: meta.shared_fix().into(),
            workloads: if Context::is_workload(resource) {
                vec![resource.id.clone()]
            } else {
                Vec::new()
            },
            suppressed: false,
            suppression_reason: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_rule_documents_itself() {
        for meta in registry() {
            let doc = meta.documentation();
            for heading in ["What it does", "Why is this bad?", "Example", "Fix"] {
                assert!(
                    doc.contains(&format!("## {heading}")),
                    "{} lacks the section `## {heading}`",
                    meta.code
                );
                assert!(
                    !section(&doc, heading).is_empty(),
                    "{}: empty `{heading}`",
                    meta.code
                );
            }
        }
    }

    #[test]
    fn codes_are_unique_and_ordered() {
        let codes: Vec<&str> = registry().iter().map(|r| r.code.as_str()).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted);
    }

    #[test]
    fn each_rule_file_declares_its_own_row() {
        assert_eq!(registry().len(), Rule::ALL.len());
        for (meta, &rule) in registry().iter().zip(Rule::ALL) {
            assert_eq!(meta.code, rule, "{}", meta.name);
            assert_eq!(rule.meta().code, rule);
            // The variant is the rule's name: `RouteToInternet` is `route-to-internet`.
            let mut kebab = String::new();
            for (i, c) in format!("{rule:?}").chars().enumerate() {
                if c.is_ascii_uppercase() && i > 0 {
                    kebab.push('-');
                }
                kebab.push(c.to_ascii_lowercase());
            }
            assert_eq!(kebab, meta.name);
        }
    }

    #[test]
    fn rule_lookup_is_case_insensitive() {
        assert_eq!(
            rule("ep101").map(|r| r.code),
            Some(Rule::NotebookDirectInternet)
        );
        assert!(rule("EP999").is_none());
    }
}

/// Whether a model or job keeps its containers off SageMaker's internet-facing network.
pub(crate) mod isolation {
    use egressproof_model::{Attr, Unknown, VpcConfig};

    pub enum State<'a> {
        /// `EnableNetworkIsolation` true: no network at all.
        Isolated,
        /// Not isolated, but its ENIs are in the VPC: the network rules (EP2xx) judge it.
        InVpc,
        /// Neither: SageMaker's managed network reaches the internet. The string says why.
        Open(&'static str),
        Unresolved(&'a Unknown),
    }

    pub fn state<'a>(isolation: &'a Option<Attr<bool>>, vpc: &'a Option<VpcConfig>) -> State<'a> {
        match isolation {
            Some(Attr::Known(true)) => State::Isolated,
            Some(Attr::Unknown(u)) if vpc.is_none() => State::Unresolved(u),
            _ if vpc.is_some() => State::InVpc,
            None => State::Open(
                "EnableNetworkIsolation is not set (default false) and there is no VpcConfig",
            ),
            Some(_) => State::Open("EnableNetworkIsolation is false and there is no VpcConfig"),
        }
    }
}
