//! `docs/coverage.md`: every model kind, the CloudFormation and Terraform types that lower to it
//! and the live API operations that read it, generated from the three coverage tables
//! (`egressproof_load_cfn::COVERAGE`, `egressproof_load_tf::COVERAGE`,
//! `egressproof_live::COVERAGE`); each loader's own tests check its table against its lowering.
//!
//! The same environment must get the same verdict whatever it is written in, so a kind that one
//! source reads and another cannot is a gap: this test fails on it unless [`REASONS`] says why.
//! A reason that is no longer needed (the gap was closed) fails too, so the list stays true.
//!
//! Regenerate the document with `UPDATE_DOCS=1 cargo test -p egressproof --test coverage`.

use egressproof_model::{KindTag, Lowering, Origin};
use std::fmt::Write as _;
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Source {
    CloudFormation,
    Terraform,
    Live,
}

const SOURCES: [Source; 3] = [Source::CloudFormation, Source::Terraform, Source::Live];

fn table(s: Source) -> &'static [Lowering] {
    match s {
        Source::CloudFormation => egressproof_load_cfn::COVERAGE,
        Source::Terraform => egressproof_load_tf::COVERAGE,
        Source::Live => egressproof_live::COVERAGE,
    }
}

/// The ways of saying a kind that are compared across sources on their own (see
/// [`Origin::channel`]).
const CHANNELS: [Origin; 3] = [
    Origin::Resource,
    Origin::PipelineStep,
    Origin::StateMachineTask,
];

/// Why a source does not read a kind (through a channel) that another source reads.
const REASONS: &[(KindTag, Origin, Source, &str)] = &[
    (
        KindTag::MainRouteTableAssociation,
        Origin::Resource,
        Source::CloudFormation,
        "CloudFormation has no resource that replaces a VPC's main route table",
    ),
    (
        KindTag::SecurityGroupRule,
        Origin::Resource,
        Source::Live,
        "read with the group: `ec2:DescribeSecurityGroups` answers with every rule inside its group",
    ),
    (
        KindTag::VpnGatewayRoutePropagation,
        Origin::Resource,
        Source::Live,
        "read as routes: `ec2:DescribeRouteTables` lists the propagated routes with their table",
    ),
    (
        KindTag::CarrierGateway,
        Origin::Resource,
        Source::Live,
        "not read yet (no `ec2:DescribeCarrierGateways` call)",
    ),
    (
        KindTag::ElasticIp,
        Origin::Resource,
        Source::Live,
        "not read yet (no `ec2:DescribeAddresses` call)",
    ),
    (
        KindTag::ResourceShare,
        Origin::Resource,
        Source::Live,
        "not read yet (no AWS RAM API call)",
    ),
    (
        KindTag::NetworkFirewall,
        Origin::Resource,
        Source::Live,
        "not read yet (no Network Firewall API call)",
    ),
    (
        KindTag::NetworkFirewallPolicy,
        Origin::Resource,
        Source::Live,
        "not read yet (no Network Firewall API call)",
    ),
    (
        KindTag::NetworkFirewallRuleGroup,
        Origin::Resource,
        Source::Live,
        "not read yet (no Network Firewall API call)",
    ),
    (
        KindTag::ResolverFirewallRuleGroupAssociation,
        Origin::Resource,
        Source::Live,
        "not read yet (no Route 53 Resolver API call)",
    ),
    (
        KindTag::NetworkInterface,
        Origin::Resource,
        Source::Live,
        "not read yet (no `ec2:DescribeNetworkInterfaces` call)",
    ),
    (
        KindTag::Instance,
        Origin::Resource,
        Source::Live,
        "not read yet (no `ec2:DescribeInstances` call)",
    ),
    (
        KindTag::Pipeline,
        Origin::Resource,
        Source::Live,
        "not read yet (no `sagemaker:ListPipelines` call)",
    ),
    (
        KindTag::Job,
        Origin::PipelineStep,
        Source::Live,
        "are not read yet (no `sagemaker:DescribePipeline` call); the jobs a pipeline ran are read as jobs",
    ),
    (
        KindTag::Job,
        Origin::StateMachineTask,
        Source::Live,
        "are not read yet (no Step Functions API call); the jobs a state machine ran are read as jobs",
    ),
    (
        KindTag::Model,
        Origin::PipelineStep,
        Source::Live,
        "are not read yet (no `sagemaker:DescribePipeline` call); the models a pipeline created are read as models",
    ),
    (
        KindTag::Model,
        Origin::StateMachineTask,
        Source::Live,
        "are not read yet (no Step Functions API call); the models a state machine created are read as models",
    ),
    (
        KindTag::EndpointConfig,
        Origin::StateMachineTask,
        Source::Live,
        "are not read yet (no Step Functions API call); the endpoint configurations a state machine created are read as such",
    ),
    (
        KindTag::Bucket,
        Origin::Resource,
        Source::Live,
        "not read yet (no `s3:ListBuckets` call)",
    ),
    (
        KindTag::App,
        Origin::Resource,
        Source::Live,
        "not read yet (no `sagemaker:ListApps` call); in a live account every app runs in a domain the reader reads",
    ),
];

fn covers(s: Source, kind: KindTag, channel: Origin) -> bool {
    table(s)
        .iter()
        .any(|r| r.kind == kind && r.origin.channel() == channel)
}

fn reason(s: Source, kind: KindTag, channel: Origin) -> Option<&'static str> {
    REASONS
        .iter()
        .find(|(k, c, src, _)| *k == kind && *c == channel && *src == s)
        .map(|r| r.3)
}

#[test]
fn every_gap_between_sources_has_a_reason() {
    let mut problems = Vec::new();
    for &kind in KindTag::ALL {
        if kind == KindTag::Other {
            continue;
        }
        for channel in CHANNELS {
            let readers: Vec<Source> = SOURCES
                .into_iter()
                .filter(|&s| covers(s, kind, channel))
                .collect();
            if channel == Origin::Resource && readers.is_empty() {
                problems.push(format!("no source yields {kind:?}"));
            }
            for s in SOURCES {
                let gap = !readers.is_empty() && !readers.contains(&s);
                match (gap, reason(s, kind, channel)) {
                    (true, None) => problems.push(format!(
                        "{s:?} has no arm for {kind:?} ({channel:?}) that {readers:?} read: add \
                         it, or a reason to REASONS"
                    )),
                    (false, Some(_)) => problems.push(format!(
                        "the reason for {s:?} not reading {kind:?} ({channel:?}) is stale: remove it"
                    )),
                    _ => {}
                }
            }
        }
    }
    for (i, (k, c, s, _)) in REASONS.iter().enumerate() {
        if REASONS[..i]
            .iter()
            .any(|(k2, c2, s2, _)| (k2, c2, s2) == (k, c, s))
        {
            problems.push(format!("two reasons for {s:?} not reading {k:?} ({c:?})"));
        }
    }
    assert!(problems.is_empty(), "\n{}", problems.join("\n"));
}

fn origin_note(o: Origin) -> &'static str {
    match o {
        Origin::Resource => "",
        Origin::Part => " (part)",
        Origin::Link => " (link)",
        Origin::PipelineStep => " (pipeline step)",
        Origin::StateMachineTask => " (state machine task)",
    }
}

fn cell(s: Source, kind: KindTag) -> String {
    let mut items: Vec<String> = Vec::new();
    for r in table(s).iter().filter(|r| r.kind == kind) {
        let item = format!("`{}`{}", r.input, origin_note(r.origin));
        if !items.contains(&item) {
            items.push(item);
        }
    }
    for channel in CHANNELS {
        if let Some(why) = reason(s, kind, channel) {
            items.push(match channel {
                Origin::Resource => format!("*{why}*"),
                Origin::PipelineStep => format!("*pipeline steps {why}*"),
                _ => format!("*state machine tasks {why}*"),
            });
        }
    }
    if items.is_empty() {
        "—".into()
    } else {
        items.join("<br>")
    }
}

fn document() -> String {
    let mut out = String::from(
        "# Coverage\n\n<!-- Generated from the loaders' coverage tables by `UPDATE_DOCS=1 cargo test -p egressproof --test coverage`; do not edit. -->\n\n\
         Every kind of the model, the CloudFormation and Terraform resource types that become it, \
         and the API operations that read it from a live account. *(part)*: a block or property \
         of the type becomes resources of the kind (inline routes, rules, policies); *(link)*: \
         the type adds to a resource of the kind declared elsewhere (an association, an \
         attachment); *(pipeline step)*, *(state machine task)*: SageMaker work declared inside \
         a pipeline definition or a Step Functions state machine. Text in italics says why a \
         source does not read a kind another source reads. Any other type is kept as `Other`: \
         in the scan, but not understood; a reference to it is an unknown.\n\n\
         | kind | CloudFormation | Terraform | live API |\n|---|---|---|---|\n",
    );
    for &kind in KindTag::ALL {
        if kind == KindTag::Other {
            continue;
        }
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            kind.name(),
            cell(Source::CloudFormation, kind),
            cell(Source::Terraform, kind),
            cell(Source::Live, kind)
        );
    }
    out
}

#[test]
fn docs_coverage_md_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/coverage.md");
    let want = document();
    let have = std::fs::read_to_string(&path).unwrap_or_default();
    if have == want {
        return;
    }
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(&path, &want).expect("write docs/coverage.md");
        return;
    }
    let first = have
        .lines()
        .zip(want.lines())
        .position(|(a, b)| a != b)
        .unwrap_or_else(|| have.lines().count().min(want.lines().count()));
    panic!(
        "docs/coverage.md is out of date (first difference at line {}:\n  have: {}\n  want: {}\n); \
         regenerate it with `UPDATE_DOCS=1 cargo test -p egressproof --test coverage` and review \
         the diff",
        first + 1,
        have.lines().nth(first).unwrap_or("<end of file>"),
        want.lines().nth(first).unwrap_or("<end of file>"),
    );
}
