//! A resource read from a live account is located by its ARN (line 0). Reports a person reads
//! show it as the model's `Span::location()` does (`account 123456789012 / eu-west-1 /
//! model/scoring`), where a template's resource shows `file:line`; SARIF gives it a logical
//! location (that place as the human-readable fully qualified name, the ARN as the
//! machine-readable decorated name) and no artifact, since an ARN is not a file;
//! the JSON report keeps the ARN as `file` (its documented, stable shape).

mod common;

use common::{leaky, out};
use egressproof_analysis::{Rule, UnknownFinding};
use egressproof_model::Span;
use egressproof_report::Format;

const ARN: &str = "arn:aws:sagemaker:eu-west-1:123456789012:model/scoring";
const WHERE: &str = "account 123456789012 / eu-west-1 / model/scoring";

/// The leaky scan, plus an unknown located at a live resource.
fn scan() -> egressproof_analysis::Analysis {
    let mut a = leaky();
    a.unknowns.push(UnknownFinding {
        rule: Rule::UnresolvedValue,
        message: "the model's execution role could not be read".into(),
        span: Some(Span::arn(ARN)),
    });
    a
}

#[test]
fn text_shows_the_account_region_and_resource() {
    let text = out(&scan(), Format::Text);
    assert!(
        text.contains(&format!("scoring (AWS::SageMaker::Model) {WHERE}")),
        "{text}"
    );
    assert!(!text.contains(ARN), "{text}");
    assert!(text.contains("infra/net.yaml:42"), "{text}");
}

#[test]
fn html_shows_the_account_region_and_resource() {
    let html = out(&scan(), Format::Html);
    assert!(html.contains(WHERE), "{html}");
    // The ARN is only an identifier in attributes, never shown as a place.
    assert!(!html.contains(&format!(">{ARN}<")), "{html}");
    assert!(!html.contains(&format!(") {ARN}")), "{html}");
}

#[test]
fn junit_names_no_arn_as_a_file() {
    let xml = out(&scan(), Format::Junit);
    assert!(!xml.contains(&format!("file=\"{ARN}\"")), "{xml}");
    assert!(xml.contains(WHERE), "{xml}");
    assert!(xml.contains("file=\"infra/net.yaml\""), "{xml}");
}

#[test]
fn sarif_locates_live_resources_logically() {
    let sarif: serde_json::Value = serde_json::from_str(&out(&scan(), Format::Sarif)).unwrap();
    let results = sarif["runs"][0]["results"].as_array().unwrap();
    let mut live = 0;
    for loc in results
        .iter()
        .flat_map(|r| r["locations"].as_array().cloned().unwrap_or_default())
    {
        let logical = &loc["logicalLocations"][0];
        if logical["decoratedName"] == ARN {
            live += 1;
            assert!(loc.get("physicalLocation").is_none(), "{loc}");
            assert_eq!(logical["fullyQualifiedName"], WHERE, "{loc}");
            assert_eq!(logical["kind"], "resource", "{loc}");
        }
    }
    // The model's finding and the unknown located at it.
    assert_eq!(live, 2, "{sarif:#}");
    let unknown = results
        .iter()
        .find(|r| r["message"]["text"] == "the model's execution role could not be read")
        .unwrap();
    assert_eq!(
        unknown["locations"][0]["logicalLocations"][0]["name"],
        WHERE
    );
}

#[test]
fn json_keeps_the_arn_as_file() {
    let json: serde_json::Value = serde_json::from_str(&out(&scan(), Format::Json)).unwrap();
    let finding = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["resource"]["name"] == "scoring")
        .unwrap();
    assert_eq!(finding["resource"]["file"], ARN);
    assert!(finding["resource"]["line"].is_null());
}
