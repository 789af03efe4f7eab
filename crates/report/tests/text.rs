//! The text report's promises: verdict first, quiet means one line, colour only when asked,
//! and the input cannot drive the terminal.

mod common;

use common::{leaky, nat_finding, out, sealed, summary};
use egressproof_report::{render, Format, RenderOptions};

#[test]
fn the_verdict_comes_first_with_its_counts() {
    let text = out(&leaky(), Format::Text);
    assert_eq!(
        text.lines().next(),
        Some("egressproof: LEAKS (3 findings, 2 unknowns, 1 suppressed, 1 hardening)")
    );
    let sealed = out(&sealed(), Format::Text);
    assert!(sealed.starts_with("egressproof: SEALED (0 findings, 0 unknowns)\n"));
}

#[test]
fn quiet_prints_the_verdict_line_only() {
    let options = RenderOptions {
        quiet: true,
        color: false,
        ..RenderOptions::default()
    };
    let text = render(&leaky(), &summary(), Format::Text, &options);
    assert_eq!(text.lines().count(), 1);
    assert!(text.starts_with("egressproof: LEAKS"));
}

#[test]
fn every_hop_is_on_its_own_line_with_file_line_and_note() {
    let text = out(&leaky(), Format::Text);
    assert!(text
        .contains("EP201 high  Notebook (AWS::SageMaker::NotebookInstance) infra/net.yaml:42\n"));
    for h in &nat_finding().path {
        let line = text
            .lines()
            .find(|l| {
                l.contains(&format!(" {} ({})", h.resource.name, h.resource.type_name))
                    && l.contains(h.note.as_ref())
            })
            .unwrap_or_else(|| panic!("no line for hop {}", h.resource.name));
        if !h.resource.span.file.is_empty() {
            assert!(
                line.contains(&format!(
                    "{}:{}",
                    h.resource.span.file, h.resource.span.line
                )),
                "{line}"
            );
        }
    }
    assert!(text.contains("    -> internet (Internet): any destination\n"));
    assert!(text.contains("  fix: Remove the 0.0.0.0/0 route"));
}

#[test]
fn unknowns_suppressions_hardening_and_summary_are_shown() {
    let text = out(&leaky(), Format::Text);
    assert!(text.contains("  EP902 infra/net.yaml:3  parameter VpcCidr has no value"));
    assert!(text.contains("  EP903 transform AWS::Serverless-2016-10-31"));
    assert!(text.contains("reason: demo account, synthetic data only"));
    let hardening = text.find("hardening (").expect("hardening section");
    assert!(text[hardening..].contains("does not stop it leaving"));
    assert!(text[hardening..].contains("EP601"));
    // The hardening finding is not among the egress findings listed before it: only the
    // summary at the top counts it, as hardening.
    assert!(text[..hardening]
        .lines()
        .filter(|l| l.contains("EP601"))
        .all(|l| l.starts_with("  hardening:  1 (EP601 ")));
    assert!(text.contains("scanned 3 files (1 skipped), 24 resources, 3 workloads (2 leaks, 1 unproven, 0 sealed) in 0.00s"));
}

#[test]
fn assumptions_come_with_their_kind_and_place_before_the_summary() {
    let text = out(&leaky(), Format::Text);
    let at = text.find("assumptions (").expect("assumptions section");
    let summary = text.find("\nscanned ").expect("summary");
    assert!(at < summary);
    assert!(text[at..].contains("  - bucket-names: S3 buckets counted as ours: data-bucket\n"));
    assert!(text[at..].contains(
        "  - corporate-network: presigned URLs: 203.0.113.0/24 taken as the corporate network  infra/iam.yaml:12\n"
    ));
    assert!(!out(&sealed(), Format::Text).contains("assumptions"));
}

#[test]
fn colour_only_when_asked() {
    assert!(!out(&leaky(), Format::Text).contains('\u{1b}'));
    let options = RenderOptions {
        color: true,
        quiet: false,
        ..RenderOptions::default()
    };
    let coloured = render(&leaky(), &summary(), Format::Text, &options);
    assert!(coloured.contains("\u{1b}["));
    assert!(coloured.contains("LEAKS"));
}

#[test]
fn input_cannot_send_escape_sequences_to_the_terminal() {
    let mut a = leaky();
    a.findings[0].message = "evil \u{1b}]0;pwned\u{7} \u{1b}[2J".into();
    a.findings[0].resource.name = "Nb\u{1b}[31m".into();
    let text = out(&a, Format::Text);
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(text.contains("\\u{1b}"));
}
