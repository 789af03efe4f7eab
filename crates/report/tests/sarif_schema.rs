//! The SARIF output is valid SARIF 2.1.0 (checked against the OASIS schema, copied into
//! `tests/data/`) and carries what code scanning needs: rules with help, one result per
//! finding, hops as a code flow, suppressions, stable fingerprints.

mod common;

use common::{leaky, out, sealed};
use egressproof_report::{Format, SourceRoot};
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
        json!({"artifactLocation": {"uri": "infra/net.yaml", "uriBaseId": "%SRCROOT%"}, "region": {"startLine": 42, "startColumn": 3}})
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
    // Human-readable fully qualified name, machine-readable decorated name (SARIF 2.1.0
    // §3.33.5, §3.33.6).
    assert_eq!(
        loc["logicalLocations"][0]["fullyQualifiedName"],
        "account 123456789012 / eu-west-1 / model/scoring"
    );
    assert_eq!(
        loc["logicalLocations"][0]["decoratedName"],
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

/// Every artifact location of a log, wherever it is (results, code flows, notifications).
fn artifact_locations(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::Object(map) => {
            for (k, item) in map {
                if k == "artifactLocation" {
                    out.push(item.clone());
                }
                artifact_locations(item, out);
            }
        }
        Value::Array(items) => items.iter().for_each(|i| artifact_locations(i, out)),
        _ => {}
    }
}

/// The leaky analysis with its files where a scan from `/work/repo/infra` names them: one
/// file relative to the working directory, one absolute under the root, one outside it.
fn scan_from_a_subdirectory() -> egressproof_analysis::Scan {
    let mut a = leaky();
    a.findings[0].resource.span.file = "net.yaml".into();
    for h in &mut a.findings[0].path {
        if h.resource.span.file == "infra/net.yaml" {
            h.resource.span.file = "/work/repo/infra/net.yaml".into();
        }
    }
    a.findings[1].resource.span.file = "../../../shared/modules/x y.tf".into();
    egressproof_analysis::Scan::single("infra", a)
}

fn render_at(scan: &egressproof_analysis::Scan, root: &SourceRoot) -> Value {
    let text = egressproof_report::render_scan_at(
        scan,
        &common::summary(),
        Format::Sarif,
        &Default::default(),
        root,
    );
    serde_json::from_str(&text).unwrap()
}

#[test]
fn files_are_relative_to_the_repository_root_or_absolute_file_uris() {
    let root = SourceRoot::new("/work/repo", "/work/repo/infra");
    let doc = render_at(&scan_from_a_subdirectory(), &root);
    let errors: Vec<String> = schema()
        .iter_errors(&doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF:\n{}", errors.join("\n"));
    assert!(doc["runs"][0]["originalUriBaseIds"]["%SRCROOT%"]["description"]["text"].is_string());
    // The root's own place on the machine is not in the report.
    assert!(!doc.to_string().contains("/work/repo"), "{doc:#}");

    let mut all = Vec::new();
    artifact_locations(&doc, &mut all);
    assert!(all.len() > 5, "{all:?}");
    for a in &all {
        let uri = a["uri"].as_str().unwrap();
        match a.get("uriBaseId") {
            Some(base) => {
                assert_eq!(base, "%SRCROOT%");
                assert!(!uri.starts_with('/') && !uri.contains(".."), "{uri}");
            }
            None => assert!(uri.starts_with("file:///"), "{uri}"),
        }
    }
    let uris: Vec<&str> = all.iter().map(|a| a["uri"].as_str().unwrap()).collect();
    assert!(uris.contains(&"infra/net.yaml"), "{uris:?}");
    assert!(
        uris.contains(&"file:///shared/modules/x%20y.tf"),
        "{uris:?}"
    );
    assert!(!uris.contains(&"net.yaml"), "{uris:?}");
}

#[test]
fn a_path_holding_a_secret_is_redacted_in_its_uri() {
    let mut scan = scan_from_a_subdirectory();
    scan.environments[0].analysis.findings[1].resource.span.file =
        "/tmp/AKIAABCDEFGHIJKLMNOP/x.tf".into();
    let doc = render_at(&scan, &SourceRoot::new("/work/repo", "/work/repo"));
    let text = doc.to_string();
    assert!(!text.contains("AKIAABCDEFGHIJKLMNOP"), "{text}");
    assert!(
        text.contains("file:///tmp/%5Bredacted%20access%20key%20id%5D/x.tf"),
        "{text}"
    );
}

#[test]
fn every_rule_has_a_help_uri_to_its_section_of_the_rules_page() {
    let doc = sarif(&leaky());
    let rules_md = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md"),
    )
    .unwrap();
    let headings: Vec<&str> = rules_md
        .lines()
        .filter_map(|l| l.strip_prefix("## "))
        .collect();
    let rules = doc["runs"][0]["tool"]["driver"]["rules"]
        .as_array()
        .unwrap();
    assert!(rules.len() > 20);
    for r in rules {
        let id = r["id"].as_str().unwrap();
        let uri = r["helpUri"].as_str().unwrap();
        let (page, anchor) = uri.split_once('#').unwrap();
        assert_eq!(
            page,
            "https://github.com/egressproof/egressproof/blob/HEAD/docs/rules.md"
        );
        // GitHub's anchor of a heading: lower case, spaces as `-`, punctuation dropped.
        let heading = headings
            .iter()
            .find(|h| h.split_whitespace().next() == Some(id))
            .unwrap_or_else(|| panic!("docs/rules.md has no section for {id}"));
        let github_anchor: String = heading
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        assert_eq!(anchor, github_anchor, "{id}");
    }
}
