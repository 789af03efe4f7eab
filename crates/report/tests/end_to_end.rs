//! The renderers on a real analysis (not a hand-built one): a notebook left at AWS's default
//! of direct internet access, through `analyze`, into every format.

use egressproof_analysis::{analyze, Options, Verdict};
use egressproof_model::{Ident, Kind, Model, NotebookInstance, Resource, Span};
use egressproof_report::{render, Format, RenderOptions, ScanSummary};

fn analysis() -> egressproof_analysis::Analysis {
    let mut model = Model::default();
    model.resources.push(Resource::new(
        Ident::new("nb.yaml#Notebook"),
        "Notebook",
        "AWS::SageMaker::NotebookInstance",
        Span::new("nb.yaml", 3, 3),
        Kind::NotebookInstance(NotebookInstance::default()),
    ));
    let a = analyze(&model, &Options::default());
    assert_eq!(a.verdict, Verdict::Leaks);
    a
}

fn out(format: Format) -> String {
    render(
        &analysis(),
        &ScanSummary::default(),
        format,
        &RenderOptions::default(),
    )
}

#[test]
fn every_format_reports_the_leak() {
    assert!(out(Format::Text).starts_with("egressproof: LEAKS (1 finding"));
    assert!(out(Format::Text)
        .contains("EP101 high  Notebook (AWS::SageMaker::NotebookInstance) nb.yaml:3\n"));

    let json: serde_json::Value = serde_json::from_str(&out(Format::Json)).unwrap();
    assert_eq!(json["findings"][0]["rule"], "EP101");
    assert_eq!(json["workloads"][0]["verdict"], "leaks");

    let sarif: serde_json::Value = serde_json::from_str(&out(Format::Sarif)).unwrap();
    let result = &sarif["runs"][0]["results"][0];
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["rules"][index]["id"],
        "EP101"
    );

    assert!(out(Format::Junit).contains("<failure message=\"leaks: EP101"));
    assert!(out(Format::Html).contains("data-rule=\"EP101\""));
}
