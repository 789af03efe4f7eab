//! The rule catalog. One file per rule; each file holds the rule's documentation as its doc
//! comment (the only copy: `egressproof rule EPxxx`, SARIF `help` and the docs all read it) and
//! its check. [`registry`] is the one table of codes.

use crate::{Context, Severity, Sink};

/// Declares a rule: its doc comment becomes [`RuleMeta::doc`], so the text a person reads with
/// `egressproof rule` and the rustdoc are the same words.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        code: $code:literal,
        name: $name:literal,
        severity: $sev:ident,
        summary: $summary:literal,
        check: $check:path $(,)?
    ) => {
        $(#[doc = $doc])*
        pub const RULE: $crate::rules::RuleMeta = $crate::rules::RuleMeta {
            code: $code,
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
pub mod ep301_s3_endpoint_foreign_write;
pub mod ep302_interface_endpoint_foreign_use;
pub mod ep303_missing_sagemaker_endpoints;
pub mod ep304_third_party_endpoint;
pub mod ep305_no_dns_firewall;
pub mod ep401_presigned_url_from_anywhere;
pub mod ep402_remote_ide_access;
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

/// A rule as the catalog knows it.
#[derive(Clone, Copy)]
pub struct RuleMeta {
    pub code: &'static str,
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

static REGISTRY: &[RuleMeta] = &[
    ep101_notebook_direct_internet::RULE,
    ep102_domain_public_internet::RULE,
    ep103_job_without_isolation::RULE,
    ep104_model_without_isolation::RULE,
    ep201_route_to_internet::RULE,
    ep202_ipv6_egress_only::RULE,
    ep203_route_beyond_scan::RULE,
    ep204_filtered_egress::RULE,
    ep301_s3_endpoint_foreign_write::RULE,
    ep302_interface_endpoint_foreign_use::RULE,
    ep303_missing_sagemaker_endpoints::RULE,
    ep304_third_party_endpoint::RULE,
    ep305_no_dns_firewall::RULE,
    ep401_presigned_url_from_anywhere::RULE,
    ep402_remote_ide_access::RULE,
    ep501_no_network_isolation_guardrail::RULE,
    ep502_no_vpc_guardrail::RULE,
    ep503_no_internet_guardrail::RULE,
    ep504_guardrail_fails_open::RULE,
    ep601_notebook_root_access::RULE,
    ep602_no_kms_key::RULE,
    ep603_no_inter_container_encryption::RULE,
    ep801_suppression_without_reason::RULE,
    ep802_unused_suppression::RULE,
    ep9xx_unknowns::EP901,
    ep9xx_unknowns::EP902,
    ep9xx_unknowns::EP903,
    ep9xx_unknowns::EP904,
];

/// Every rule, in code order.
pub fn registry() -> &'static [RuleMeta] {
    REGISTRY
}

/// One rule by code (case-insensitive).
pub fn rule(code: &str) -> Option<&'static RuleMeta> {
    REGISTRY.iter().find(|r| r.code.eq_ignore_ascii_case(code))
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
            rule: meta.code.to_string(),
            severity,
            title: meta.summary.to_string(),
            message,
            resource: resource.into(),
            path,
            fix: meta.fix(),
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
        let codes: Vec<&str> = registry().iter().map(|r| r.code).collect();
        let mut sorted = codes.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(codes, sorted);
    }

    #[test]
    fn rule_lookup_is_case_insensitive() {
        assert_eq!(rule("ep101").map(|r| r.code), Some("EP101"));
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
