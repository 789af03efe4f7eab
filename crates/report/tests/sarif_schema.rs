//! The SARIF output is valid SARIF 2.1.0 (checked against the OASIS schema, copied into
//! `tests/data/`) and carries what code scanning needs: rules with help, one result per
//! finding, hops as a code flow, suppressions, stable fingerprints.

mod common;

use common::{leaky, out, sealed};
use egressproof_report::Format;
use serde_json::{json, Value};

fn schema() -> jsonschema::Validator {
    // The published schema's `language` pattern has a stray `]`, which a validator that
    // asserts `format: regex` on the schema itself rejects. We never emit `language`; the file
    // stays as published and the intended pattern is substituted here, so that the formats
    // we do emit (`uri`, `uri-reference`) are checked.
    let text = include_str!("data/sarif-schema-2.1.0.json").replace(
        r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#,
        r#""^[a-zA-Z]{2}(-[a-zA-Z]{2})?$""#,
    );
    let mut schema: Value = serde_json::from_str(&text).unwrap();
    // This copy (draft-07, from the AdaCore/sarif-ada mirror) keeps the log object's own
    // constraints under `definitions/Root`, and its top level constrains nothing: point the
    // top level at it, or every document would pass (`the_schema_check_can_fail` checks).
    assert!(schema["definitions"]["Root"]["required"].is_array());
    schema["$ref"] = Value::String("#/definitions/Root".into());
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap()
}

fn sarif(a: &egressproof_analysis::Analysis) -> Value {
    serde_json::from_str(&out(a, Format::Sarif)).unwrap()
}

#[test]
fn output_is_valid_against_the_oasis_schema() {
    let validator = schema();
    for a in [leaky(), sealed()] {
        let doc = sarif(&a);
        let errors: Vec<String> = validator
            .iter_errors(&doc)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
    }
}

#[test]
fn a_scan_of_several_environments_is_valid_too() {
    use egressproof_analysis::{Environment, Scan, Verdict};
    let env = |name: &str, in_scope: bool, analysis| Environment {
        name: name.to_string(),
        inputs: vec![name.to_string()],
        in_scope,
        resources: 1,
        analysis,
    };
    let scan = Scan {
        verdict: Verdict::Leaks,
        environments: vec![
            env("infra", true, leaky()),
            env("logs", false, sealed()),
            env("risk", true, sealed()),
        ],
    };
    let text = egressproof_report::render_scan(
        &scan,
        &common::summary(),
        Format::Sarif,
        &Default::default(),
    );
    let doc: Value = serde_json::from_str(&text).unwrap();
    let errors: Vec<String> = schema()
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
}

#[test]
fn the_schema_check_can_fail() {
    // Guards the test above: a document the schema rejects is rejected.
    let validator = schema();
    let doc = sarif(&leaky());
    assert!(validator.is_valid(&doc));
    let mut bad_level = doc.clone();
    bad_level["runs"][0]["results"][0]["level"] = json!("fatal");
    assert!(!validator.is_valid(&bad_level));
    let mut no_version = doc.clone();
    no_version.as_object_mut().unwrap().remove("version");
    assert!(!validator.is_valid(&no_version));
    let mut bad_uri = doc;
    bad_uri["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
        ["uri"] = json!("a b\\c");
    assert!(!validator.is_valid(&bad_uri));
}

#[test]
fn driver_lists_every_rule_with_its_documentation() {
    let doc = sarif(&sealed());
    let driver = &doc["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "egressproof");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(driver["informationUri"]
        .as_str()
        .unwrap()
        .starts_with("https://"));
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), egressproof_analysis::registry().len());
    for (rule, meta) in rules.iter().zip(egressproof_analysis::registry()) {
        assert_eq!(rule["id"], meta.code.as_str());
        assert_eq!(rule["name"], meta.name);
        assert_eq!(rule["shortDescription"]["text"], meta.summary);
        assert_eq!(rule["help"]["markdown"], meta.documentation());
        assert!(!rule["fullDescription"]["text"].as_str().unwrap().is_empty());
        let level = match meta.severity {
            egressproof_analysis::Severity::High => "error",
            egressproof_analysis::Severity::Medium => "warning",
            _ => "note",
        };
        assert_eq!(rule["defaultConfiguration"]["level"], level);
    }
}

fn result<'a>(doc: &'a Value, rule: &str) -> &'a Value {
    doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == rule)
        .unwrap_or_else(|| panic!("no result for {rule}"))
}

#[test]
fn one_result_per_finding_and_unknown() {
    let a = leaky();
    let doc = sarif(&a);
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), a.findings.len() + a.unknowns.len());
    assert_eq!(doc["runs"][0]["properties"]["verdict"], "leaks");
    for u in ["EP902", "EP903"] {
        assert_eq!(result(&doc, u)["level"], "note");
    }
    assert_eq!(result(&doc, "EP302")["level"], "warning");
}

#[test]
fn finding_location_and_code_flow() {
    let doc = sarif(&leaky());
    let r = result(&doc, "EP201");
    assert_eq!(r["level"], "error");
    assert_eq!(
        r["locations"][0]["physicalLocation"],
        json!({"artifactLocation": {"uri": "infra/net.yaml"}, "region": {"startLine": 42, "startColumn": 3}})
    );
    let hops = r["codeFlows"][0]["threadFlows"][0]["locations"]
        .as_array()
        .unwrap();
    assert_eq!(hops.len(), 6);
    assert_eq!(
        hops[2]["location"]["message"]["text"],
        "PrivateRoutes (AWS::EC2::RouteTable): 0.0.0.0/0 -> NatGw"
    );
    assert_eq!(
        hops[2]["location"]["physicalLocation"]["region"]["startLine"],
        20
    );
    // The internet has no file: a message and a logical location only.
    assert!(hops[5]["location"].get("physicalLocation").is_none());
    assert_eq!(
        hops[5]["location"]["logicalLocations"][0]["name"],
        "internet"
    );
}

#[test]
fn a_live_resource_gets_a_logical_location() {
    let doc = sarif(&leaky());
    let loc = &result(&doc, "EP104")["locations"][0];
    assert!(loc.get("physicalLocation").is_none());
    assert_eq!(
        loc["logicalLocations"][0]["fullyQualifiedName"],
        "arn:aws:sagemaker:eu-west-1:123456789012:model/scoring"
    );
}

#[test]
fn suppressed_findings_carry_the_justification() {
    let doc = sarif(&leaky());
    assert_eq!(
        result(&doc, "EP101")["suppressions"],
        json!([{"kind": "inSource", "status": "accepted", "justification": "demo account, synthetic data only"}])
    );
    assert!(result(&doc, "EP201").get("suppressions").is_none());
}

#[test]
fn fingerprints_ignore_line_numbers_but_not_identity() {
    let base = sarif(&leaky());
    let fp = |doc: &Value, rule: &str| {
        result(doc, rule)["partialFingerprints"][egressproof_report::fingerprint::KEY].clone()
    };
    let mut moved = leaky();
    moved.findings[0].resource.span.line += 10;
    assert_eq!(fp(&base, "EP201"), fp(&sarif(&moved), "EP201"));
    let mut renamed = leaky();
    renamed.findings[0].resource.name = "OtherNotebook".into();
    assert_ne!(fp(&base, "EP201"), fp(&sarif(&renamed), "EP201"));
    assert_ne!(fp(&base, "EP201"), fp(&base, "EP104"));
    assert_eq!(fp(&base, "EP201").as_str().unwrap().len(), 16);
}

#[test]
fn assumptions_are_run_properties_and_invocation_notifications() {
    let doc = sarif(&leaky());
    let run = &doc["runs"][0];
    let listed = run["properties"]["assumptions"].as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[1]["kind"], "corporate-network");
    assert_eq!(listed[1]["file"], "infra/iam.yaml");
    assert_eq!(listed[1]["line"], 12);
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 2);
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    let descriptors = run["tool"]["driver"]["notifications"].as_array().unwrap();
    for n in notes {
        let i = n["descriptor"]["index"].as_u64().unwrap() as usize;
        assert_eq!(descriptors[i]["id"], n["descriptor"]["id"]);
    }
    assert_eq!(notes[0]["descriptor"]["id"], "bucket-names");
    assert_eq!(
        notes[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "infra/iam.yaml"
    );
    let sealed = sarif(&sealed());
    assert_eq!(sealed["runs"][0]["properties"]["assumptions"], json!([]));
    assert!(sealed["runs"][0]["invocations"][0]
        .get("toolExecutionNotifications")
        .is_none());
}
