//! Values that look like credentials never reach a report, whatever the format: one test per
//! format, on a real analysis whose resource names, locations and unknowns carry them (as a
//! template from a pull request could).

mod common;

use egressproof_analysis::{analyze, Analysis, Options};
use egressproof_model::{
    Diagnostic, Ident, Kind, Model, NotebookInstance, Resource, Span, UnknownCode,
};
use egressproof_report::{render, Format, RenderOptions, ScanSummary};

const ACCESS_KEY_ID: &str = "AKIAIOSFODNN7EXAMPLE";
const SECRET_KEY: &str = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
const PASSWORD: &str = "hunter2-pw-value";
const KEY_BODY: &str = "MIIEowIBAAKCAQEAsecretkeybody";

fn session_token() -> String {
    format!("IQoJb3JpZ2luX2VjEJr{}", "Zm9vYmFy".repeat(12))
}

/// Every secret the analysis carries, and where.
fn analysis() -> egressproof_analysis::Analysis {
    let mut model = Model::default();
    let name = format!("Notebook-{ACCESS_KEY_ID}");
    model.resources.push(Resource::new(
        Ident::new(format!("nb.yaml#{name}")),
        name,
        "AWS::SageMaker::NotebookInstance",
        Span::new(format!("infra/password={PASSWORD}/nb.yaml"), 3, 3),
        Kind::NotebookInstance(NotebookInstance::default()),
    ));
    model.diagnostics.push(Diagnostic::new(
        UnknownCode::EP902,
        format!(
            "value read from a file: aws_secret_access_key = {SECRET_KEY}; \
             session credentials {}; -----BEGIN RSA PRIVATE KEY-----\n{KEY_BODY}\n\
             -----END RSA PRIVATE KEY-----; SecretAccessKey {SECRET_KEY}; \
             MasterUserPassword: {PASSWORD}",
            session_token()
        ),
        Some(Span::new("nb.yaml", 9, 1)),
    ));
    analyze(&model, &Options::default())
}

fn assert_redacted(format: Format) {
    let out = render(
        &analysis(),
        &ScanSummary::default(),
        format,
        &RenderOptions::default(),
    );
    for secret in [
        ACCESS_KEY_ID,
        SECRET_KEY,
        PASSWORD,
        KEY_BODY,
        &session_token()[..40],
    ] {
        assert!(
            !out.contains(secret),
            "the {} report shows {secret}:\n{out}",
            format.as_str()
        );
    }
    for marker in [
        "[redacted access key id]",
        "[redacted session token]",
        "[redacted private key]",
        "MasterUserPassword: [redacted]",
        "aws_secret_access_key = [redacted]",
    ] {
        assert!(
            out.contains(marker),
            "the {} report lacks {marker}:\n{out}",
            format.as_str()
        );
    }
    // What is not a secret stays: the rule, the resource type and the rest of the message.
    assert!(out.contains("EP101"), "{out}");
    assert!(out.contains("value read from a file"), "{out}");
}

#[test]
fn the_text_report_redacts_credentials() {
    assert_redacted(Format::Text);
}

#[test]
fn the_json_report_redacts_credentials() {
    assert_redacted(Format::Json);
}

#[test]
fn the_sarif_report_redacts_credentials() {
    assert_redacted(Format::Sarif);
}

#[test]
fn the_junit_report_redacts_credentials() {
    assert_redacted(Format::Junit);
}

#[test]
fn the_html_report_redacts_credentials() {
    assert_redacted(Format::Html);
}

/// Redaction goes through the analysis's JSON form, so that no field is forgotten: the analysis
/// must read back from it unchanged (every field of the hand-built reports is set).
#[test]
fn an_analysis_reads_back_from_its_json() {
    for a in [common::leaky(), common::sealed(), analysis()] {
        let value = serde_json::to_value(&a).unwrap();
        let back: Analysis = serde_json::from_value(value).unwrap();
        assert_eq!(back, a);
    }
}
