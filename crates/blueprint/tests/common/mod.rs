//! Option sets the blueprint tests share.

use egressproof_blueprint::{parse_cidr, BlueprintOptions, OutputFormat, Workload};

/// The documented defaults.
pub fn defaults(format: OutputFormat) -> BlueprintOptions {
    BlueprintOptions {
        format,
        ..Default::default()
    }
}

/// Every option on: a name and Region, three zones, a private and a public corporate range,
/// organization keys, Direct Connect and the PyPI mirror.
pub fn everything(format: OutputFormat) -> BlueprintOptions {
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

/// An IPv4 and an IPv6 corporate range over Direct Connect, one zone, some of the workloads.
pub fn ipv6_corporate(format: OutputFormat) -> BlueprintOptions {
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
