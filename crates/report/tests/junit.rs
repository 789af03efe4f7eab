//! The JUnit report is well-formed XML that a CI dashboard reads the way the verdict reads:
//! leaking workloads fail, unproven ones are errors, sealed ones pass, unknowns are listed.

mod common;

use common::{leaky, out, sealed};
use egressproof_report::Format;

fn cases(xml: &str) -> Vec<(String, String, String)> {
    let doc = roxmltree::Document::parse(xml).unwrap();
    doc.descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .map(|n| {
            let outcome = n
                .children()
                .find(|c| c.is_element() && c.tag_name().name() != "system-out")
                .map(|c| c.tag_name().name().to_string())
                .unwrap_or_else(|| "pass".to_string());
            (
                n.attribute("classname").unwrap().to_string(),
                n.attribute("name").unwrap().to_string(),
                outcome,
            )
        })
        .collect()
}

fn find<'a>(cases: &'a [(String, String, String)], name: &str) -> &'a (String, String, String) {
    cases
        .iter()
        .find(|c| c.1 == name)
        .unwrap_or_else(|| panic!("no testcase {name}"))
}

#[test]
fn workloads_fail_error_or_pass_by_verdict() {
    let xml = out(&leaky(), Format::Junit);
    let cases = cases(&xml);
    assert_eq!(
        find(&cases, "Notebook"),
        &(
            "AWS::SageMaker::NotebookInstance".into(),
            "Notebook".into(),
            "failure".into()
        )
    );
    assert_eq!(find(&cases, "DemoNotebook").2, "error");
    assert_eq!(find(&cases, "scoring").2, "failure");

    let sealed_xml = out(&sealed(), Format::Junit);
    let sealed_cases = cases_of(&sealed_xml);
    assert_eq!(sealed_cases.len(), 2);
    assert!(
        sealed_cases.iter().all(|c| c.2 == "pass"),
        "{sealed_cases:?}"
    );
}

fn cases_of(xml: &str) -> Vec<(String, String, String)> {
    cases(xml)
}

#[test]
fn the_failure_names_the_findings_of_that_workload_only() {
    let xml = out(&leaky(), Format::Junit);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let nb = doc
        .descendants()
        .find(|n| n.has_tag_name("testcase") && n.attribute("name") == Some("Notebook"))
        .unwrap();
    assert_eq!(nb.attribute("file"), Some("infra/net.yaml"));
    assert_eq!(nb.attribute("line"), Some("42"));
    let failure = nb.children().find(|c| c.has_tag_name("failure")).unwrap();
    let message = failure.attribute("message").unwrap();
    assert!(message.contains("EP201"), "{message}");
    assert!(!message.contains("EP104"), "{message}");
    // Hardening never fails a test.
    assert!(!message.contains("EP601"), "{message}");
    let body = failure.text().unwrap();
    assert!(
        body.contains("-> NatGw (AWS::EC2::NatGateway) infra/net.yaml:30"),
        "{body}"
    );
    let system_out = nb
        .children()
        .find(|c| c.has_tag_name("system-out"))
        .unwrap();
    assert!(system_out.text().unwrap().contains("EP601"));
}

#[test]
fn unattributed_channels_and_unknowns_get_their_own_cases() {
    let xml = out(&leaky(), Format::Junit);
    let cases = cases(&xml);
    // The endpoint finding affects no listed workload; it still shows, and fails.
    assert_eq!(
        find(&cases, "EP302 StsEndpoint"),
        &(
            "AWS::EC2::VPCEndpoint".into(),
            "EP302 StsEndpoint".into(),
            "failure".into()
        )
    );
    assert_eq!(find(&cases, "EP902 infra/net.yaml:3").2, "error");
    assert_eq!(find(&cases, "EP903").0, "egressproof.unknown");
    // The markup in the endpoint's message survived as text.
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let failure = doc
        .descendants()
        .find(|n| n.has_tag_name("failure") && n.attribute("type") == Some("EP302"))
        .unwrap();
    assert!(failure
        .text()
        .unwrap()
        .contains("\"*\" on <any> principal & resource"));
}

#[test]
fn counts_match_the_cases() {
    let xml = out(&leaky(), Format::Junit);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .unwrap();
    let cases = cases(&xml);
    let count = |o: &str| cases.iter().filter(|c| c.2 == o).count().to_string();
    assert_eq!(
        suite.attribute("tests"),
        Some(cases.len().to_string().as_str())
    );
    assert_eq!(suite.attribute("failures"), Some(count("failure").as_str()));
    assert_eq!(suite.attribute("errors"), Some(count("error").as_str()));
    assert_eq!(suite.attribute("skipped"), Some(count("skipped").as_str()));
    assert_eq!(count("failure"), "3");
    assert_eq!(count("error"), "3");
}

#[test]
fn hostile_text_stays_well_formed() {
    let mut a = leaky();
    a.findings[0].message = "]]></failure><x a=\"1\">\u{0}\u{1b}[31m &amp;".into();
    a.workloads[0].resource.name = "<Nb \"q\" 'a'>".into();
    let xml = out(&a, Format::Junit);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    assert!(doc
        .descendants()
        .any(|n| n.attribute("name") == Some("<Nb \"q\" 'a'>")));
    assert!(!doc.descendants().any(|n| n.has_tag_name("x")));
}

#[test]
fn assumptions_are_suite_properties() {
    let xml = out(&leaky(), Format::Junit);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let props: Vec<(&str, &str)> = doc
        .descendants()
        .filter(|n| n.has_tag_name("property"))
        .map(|n| (n.attribute("name").unwrap(), n.attribute("value").unwrap()))
        .collect();
    assert!(props.contains(&(
        "assumption.bucket-names",
        "S3 buckets counted as ours: data-bucket"
    )));
    assert!(props.contains(&(
        "assumption.corporate-network",
        "presigned URLs: 203.0.113.0/24 taken as the corporate network (infra/iam.yaml:12)"
    )));
}

/// Every unknown is a test case of its own; an unproven workload's error repeats only a few of
/// them, so W workloads and U unknowns never make W x U lines.
#[test]
fn unproven_workloads_do_not_repeat_every_unknown() {
    let mut analysis = sealed();
    analysis.verdict = egressproof_analysis::Verdict::Unproven;
    for w in &mut analysis.workloads {
        w.verdict = egressproof_analysis::Verdict::Unproven;
    }
    analysis.unknowns = (0..500)
        .map(|i| egressproof_analysis::UnknownFinding {
            rule: egressproof_analysis::Rule::UnresolvedValue,
            message: format!("value {i} is not known"),
            span: None,
        })
        .collect();
    let xml = out(&analysis, Format::Junit);
    let unknown_cases = cases(&xml)
        .iter()
        .filter(|c| c.0 == "egressproof.unknown")
        .count();
    assert_eq!(unknown_cases, 500, "each unknown is a case");
    assert_eq!(xml.matches("value 499 is not known").count(), 1);
    assert_eq!(xml.matches("value 0 is not known").count(), 3);
    assert_eq!(xml.matches("480 more unknowns").count(), 2);
}
