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
    let text = out(Format::Text);
    assert!(text.starts_with("egressproof: LEAKS ("), "{text}");
    assert!(out(Format::Text)
        .contains("EP101 high  Notebook (AWS::SageMaker::NotebookInstance) nb.yaml:3\n"));

    let json: serde_json::Value = serde_json::from_str(&out(Format::Json)).unwrap();
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"EP101"), "{rules:?}");
    assert_eq!(json["workloads"][0]["verdict"], "leaks");

    let sarif: serde_json::Value = serde_json::from_str(&out(Format::Sarif)).unwrap();
    let result = sarif["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "EP101")
        .unwrap();
    let index = result["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(
        sarif["runs"][0]["tool"]["driver"]["rules"][index]["id"],
        "EP101"
    );

    let junit = out(Format::Junit);
    assert!(
        junit.contains("<failure message=\"leaks: ")
            && junit.contains("EP101 Notebook instance with direct internet access"),
        "{junit}"
    );
    assert!(out(Format::Html).contains("data-rule=\"EP101\""));
}
