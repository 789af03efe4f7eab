//! Reviewed snapshots of every file the blueprint writes, for option sets that together reach
//! every branch of the design: the defaults; everything on (organization keys, Direct Connect,
//! a PyPI mirror, three zones, a Region); and IPv6 corporate ranges with one zone and some of
//! the workloads. A change to the generated CloudFormation or Terraform shows here as a diff to
//! review (`cargo insta review`).

use egressproof_blueprint::{generate, parse_cidr, BlueprintOptions, OutputFormat, Workload};

fn defaults(format: OutputFormat) -> BlueprintOptions {
    BlueprintOptions {
        format,
        ..Default::default()
    }
}

fn everything(format: OutputFormat) -> BlueprintOptions {
    BlueprintOptions {
        format,
        name: "risk-models".into(),
        region: Some("eu-west-1".into()),
        azs: 3,
        corporate_cidrs: vec![
            parse_cidr("192.168.0.0/16").unwrap(),
            parse_cidr("203.0.113.0/24").unwrap(),
        ],
        org_id: Some("o-a1b2c3d4e5".into()),
        direct_connect: true,
        package_mirror: true,
        ..Default::default()
    }
}

fn ipv6_corporate(format: OutputFormat) -> BlueprintOptions {
    BlueprintOptions {
        format,
        azs: 1,
        corporate_cidrs: vec![
            parse_cidr("172.16.0.0/12").unwrap(),
            parse_cidr("2001:db8::/32").unwrap(),
        ],
        direct_connect: true,
        workloads: vec![Workload::Notebook, Workload::Training],
        ..Default::default()
    }
}

/// Every file, each under a header with its path.
fn files(o: &BlueprintOptions) -> String {
    let mut text = String::new();
    for f in generate(o).unwrap() {
        text.push_str(&format!("===== {}\n", f.path.display()));
        text.push_str(&f.contents);
    }
    text
}

#[test]
fn cloudformation_defaults() {
    insta::assert_snapshot!(files(&defaults(OutputFormat::CloudFormation)));
}

#[test]
fn cloudformation_everything() {
    insta::assert_snapshot!(files(&everything(OutputFormat::CloudFormation)));
}

#[test]
fn cloudformation_ipv6_corporate() {
    insta::assert_snapshot!(files(&ipv6_corporate(OutputFormat::CloudFormation)));
}

#[test]
fn terraform_defaults() {
    insta::assert_snapshot!(files(&defaults(OutputFormat::Terraform)));
}

#[test]
fn terraform_everything() {
    insta::assert_snapshot!(files(&everything(OutputFormat::Terraform)));
}

#[test]
fn terraform_ipv6_corporate() {
    insta::assert_snapshot!(files(&ipv6_corporate(OutputFormat::Terraform)));
}
