//! Reviewed snapshots of every file the blueprint writes, for option sets that together reach
//! every branch of the design: the defaults; everything on (organization keys, Direct Connect,
//! a PyPI mirror, three zones, a Region); and IPv6 corporate ranges with one zone and some of
//! the workloads. A change to the generated CloudFormation or Terraform shows here as a diff to
//! review (`cargo insta review`).

mod common;

use common::{defaults, everything, ipv6_corporate};
use egressproof_blueprint::{generate, BlueprintOptions, OutputFormat};

/// One of the shared option sets, for a format.
type OptionSet = fn(OutputFormat) -> BlueprintOptions;

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
fn every_file_of_every_format() {
    let sets: [(&str, OptionSet); 3] = [
        ("defaults", defaults),
        ("everything", everything),
        ("ipv6_corporate", ipv6_corporate),
    ];
    for (format, prefix) in [
        (OutputFormat::CloudFormation, "cloudformation"),
        (OutputFormat::Terraform, "terraform"),
    ] {
        for (name, options) in sets {
            insta::assert_snapshot!(format!("{prefix}_{name}"), files(&options(format)));
        }
    }
}
