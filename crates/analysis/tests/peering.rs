//! Peering into another account (EP203): a route to a peering connection whose peer VPC belongs
//! to another account, or is not in the scan, hands that account every address routed to it,
//! private ranges included, unless the range is trusted. Private ranges toward on-premises stay
//! out of egress.

use egressproof_analysis::{analyze, Analysis, Options, Rule};
use egressproof_load_cfn::{load, Input, LoadOptions};
use egressproof_load_tf::load_str;
use egressproof_model::Model;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/EP203")
        .join(name)
}

fn cfn(name: &str) -> Model {
    load(
        &[Input {
            path: fixture(name),
            display: name.to_string(),
        }],
        &LoadOptions::default(),
    )
    .model
}

fn tf(name: &str) -> Model {
    let text = std::fs::read_to_string(fixture(name)).expect("fixture");
    load_str(&text, name)
}

fn ep203(analysis: &Analysis) -> Vec<&str> {
    analysis
        .findings
        .iter()
        .filter(|f| f.rule == Rule::RouteBeyondScan)
        .map(|f| f.message.as_str())
        .collect()
}

#[test]
fn the_finding_names_the_peer_account_and_the_private_range() {
    for model in [
        cfn("leaks_peering_other_account.yaml"),
        tf("leaks_peering_other_account.tf"),
    ] {
        let analysis = analyze(&model, &Options::default());
        let messages = ep203(&analysis);
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(messages[0].contains("444455556666"), "{}", messages[0]);
        assert!(messages[0].contains("10.50.0.0/16"), "{}", messages[0]);
    }
}

#[test]
fn a_trusted_range_into_another_account_is_not_egress() {
    let options = Options {
        trusted_cidrs: vec!["10.50.0.0/16".parse().expect("a CIDR")],
        ..Options::default()
    };
    for model in [
        cfn("leaks_peering_other_account.yaml"),
        tf("leaks_peering_other_account.tf"),
        cfn("leaks_peering_private_range_outside_scan.yaml"),
        tf("leaks_peering_private_range_outside_scan.tf"),
    ] {
        let analysis = analyze(&model, &options);
        assert!(ep203(&analysis).is_empty(), "{:?}", ep203(&analysis));
    }
}

fn snapshot_peering(notes: &[&str]) -> Analysis {
    let mut model = load_str(
        &std::fs::read_to_string(fixture("leaks_peering_other_account.tf"))
            .expect("fixture")
            .replace("444455556666", "123456789012"),
        "snap",
    );
    model.notes.extend(notes.iter().map(|n| n.to_string()));
    analyze(&model, &Options::default())
}

/// A snapshot says which account it was read from: a peer VPC of that account, in the scan, is
/// followed like one of the deploying account.
#[test]
fn a_peer_of_the_snapshot_account_is_followed() {
    assert!(ep203(&snapshot_peering(&["account 123456789012"])).is_empty());
    assert_eq!(ep203(&snapshot_peering(&["account 999999999999"])).len(), 1);
    assert_eq!(ep203(&snapshot_peering(&[])).len(), 1);
}

/// A private range toward a virtual private gateway is the corporate network, not egress.
#[test]
fn a_private_range_to_on_premises_is_not_egress() {
    let text = std::fs::read_to_string(fixture("leaks_peering_private_range_outside_scan.tf"))
        .expect("fixture")
        .replace(
            "vpc_peering_connection_id = aws_vpc_peering_connection.Peering.id",
            "gateway_id                = \"vgw-0123456789abcdef0\"",
        );
    assert!(text.contains("vgw-0123456789abcdef0"));
    let analysis = analyze(&load_str(&text, "vpn"), &Options::default());
    assert!(ep203(&analysis).is_empty(), "{:?}", ep203(&analysis));
}
