//! Scope: which environments are about SageMaker at all (DESIGN.md §2).
//!
//! An environment is judged when it holds a SageMaker resource or a VPC meant for SageMaker: one
//! with a SageMaker interface endpoint (`sagemaker.api`, `sagemaker.runtime`, `notebook`,
//! `studio`), or one the configuration names. Everything else (a database's subnets, a logging
//! bucket) is listed and not judged: its routes are not SageMaker's egress. What cannot be told
//! apart counts as in scope, never out of it: an endpoint whose service name is not resolved may
//! be SageMaker's, and code that was not read (a file that does not parse, a module or nested
//! stack outside the scan, a macro's output) may declare a notebook, and so may code that runs at
//! deploy time (a custom resource's Lambda, a provisioner).

use crate::net::service::{classify, Service};
use crate::{Options, Rule};
use egressproof_model::{Attr, Diagnostic, Ident, Kind, Model, Resource};
use std::collections::HashSet;

/// A SageMaker resource: a workload, its Studio parts, a pipeline, or any other resource type
/// of the service (`AWS::SageMaker::Endpoint`, `aws_sagemaker_workteam`).
pub(crate) fn is_sagemaker(r: &Resource) -> bool {
    matches!(
        r.kind,
        Kind::NotebookInstance(_)
            | Kind::Domain(_)
            | Kind::UserProfile(_)
            | Kind::Space(_)
            | Kind::App(_)
            | Kind::Model(_)
            | Kind::EndpointConfig(_)
            | Kind::Job(_)
            | Kind::Pipeline(_)
    ) || r.type_name.to_ascii_lowercase().contains("sagemaker")
}

/// The endpoint services that only a VPC meant for SageMaker needs.
fn is_sagemaker_service(service: &str) -> bool {
    service.starts_with("sagemaker.") || service == "notebook" || service == "studio"
}

/// What the VPCs meant for SageMaker are, as far as the resources say.
#[derive(Debug, Default)]
pub(crate) struct SageMakerVpcs {
    /// VPCs with a SageMaker interface endpoint, or named in the configuration.
    pub vpcs: HashSet<Ident>,
    /// A SageMaker endpoint (or one whose service is not resolved) sits in a VPC that is not
    /// known: any VPC may be the one.
    pub any: bool,
}

impl SageMakerVpcs {
    /// Reads the endpoints of `resources`; `in_scan` tells references to resources of the scan
    /// (an endpoint service of our own) from names.
    pub(crate) fn of<'m>(
        resources: impl IntoIterator<Item = &'m Resource>,
        options: &Options,
        in_scan: impl Fn(&Ident) -> bool,
    ) -> SageMakerVpcs {
        let mut out = SageMakerVpcs::default();
        for r in resources {
            match &r.kind {
                Kind::VpcEndpoint(ep) => {
                    let meant = match classify(&ep.service_name, &in_scan) {
                        Service::Aws(s) => is_sagemaker_service(&s),
                        Service::Unknown(_) => true,
                        Service::ThirdParty(_) | Service::Own(_) => false,
                    };
                    if meant {
                        match &ep.vpc {
                            Attr::Known(v) => {
                                out.vpcs.insert(v.clone());
                            }
                            Attr::Unknown(_) => out.any = true,
                        }
                    }
                }
                Kind::Vpc(_) if named(options, r) => {
                    out.vpcs.insert(r.id.clone());
                }
                _ => {}
            }
        }
        // A VPC outside the scan, named by its ID (`vpc-0abc...`), is meant for SageMaker too.
        out.vpcs
            .extend(options.sagemaker_vpcs.iter().map(|v| Ident::new(v.clone())));
        out
    }

    /// Whether a subnet of `vpc` may be a future workload's home.
    pub(crate) fn holds(&self, vpc: &Attr<Ident>) -> bool {
        match vpc {
            Attr::Known(v) => self.any || self.vpcs.contains(v),
            Attr::Unknown(_) => true,
        }
    }
}

/// The configuration names a VPC by its model ID, its name in the source (`Vpc`,
/// `aws_vpc.main`) or its physical ID.
fn named(options: &Options, r: &Resource) -> bool {
    options
        .sagemaker_vpcs
        .iter()
        .any(|v| v == r.id.as_str() || v == &r.name)
}

/// Whether an environment of these resources and diagnostics is judged.
pub(crate) fn in_scope(
    resources: &[&Resource],
    diagnostics: &[&Diagnostic],
    options: &Options,
    in_scan: impl Fn(&Ident) -> bool,
) -> bool {
    if resources.iter().any(|r| is_sagemaker(r)) {
        return true;
    }
    let vpcs = SageMakerVpcs::of(resources.iter().copied(), options, in_scan);
    if vpcs.any || resources.iter().any(|r| vpcs.vpcs.contains(&r.id)) {
        return true;
    }
    if !options.sagemaker_vpcs.is_empty() && resources.iter().any(|r| names_a_named_vpc(options, r))
    {
        return true;
    }
    // Code that runs at deploy time and is not read (a custom resource's Lambda, a provisioner)
    // may create a notebook through the API; its EP903 is judged with the environment, unless
    // the user skips EP903 or its role confines it to actions that change nothing the scan
    // judges (the same decision as the EP903 check's).
    if !options.skip_rules.contains(&Rule::UnsupportedConstruct)
        && runs_open_code(resources, options)
    {
        return true;
    }
    // Code that was not read (a file that does not parse, a registry module not installed, a
    // nested stack's template outside the scan, a macro) could declare anything; accepting its
    // unknown (--skip of its code) is the user's word that it does not matter.
    diagnostics
        .iter()
        .any(|d| d.hides_resources() && !options.skip_rules.contains(&Rule::from(d.code)))
}

/// Whether a resource runs code at deploy time that its role does not confine.
fn runs_open_code(resources: &[&Resource], options: &Options) -> bool {
    if !resources
        .iter()
        .any(|r| matches!(&r.kind, Kind::Other(o) if o.custom))
    {
        return false;
    }
    // The environment's own resources, indexed as the analysis will index them.
    let model = Model {
        resources: resources.iter().map(|r| (*r).clone()).collect(),
        ..Model::default()
    };
    let ctx = crate::Context::new(&model, options);
    let follow = crate::rules::unread_code::Follow::new(&ctx);
    model.resources.iter().any(|r| match &r.kind {
        Kind::Other(o) if o.custom => !matches!(
            follow.decide(o),
            crate::rules::unread_code::Decision::Confined { .. }
        ),
        _ => false,
    })
}

/// A resource that refers to a VPC the configuration names (a subnet of `vpc-0abc`).
fn names_a_named_vpc(options: &Options, r: &Resource) -> bool {
    let mut found = false;
    super::refs::each_string(&r.kind, &mut |s| {
        found |= options.sagemaker_vpcs.iter().any(|v| v == s);
    });
    found
}
