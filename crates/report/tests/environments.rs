//! A scan split into environments, in every format: each environment with its verdict and
//! what it found, those out of scope listed as such, and a scan with nothing in scope never
//! called sealed.

mod common;

use common::{leaky, sealed, summary};
use egressproof_analysis::{Environment, Scan, Verdict};
use egressproof_report::{render_scan, Format, RenderOptions};
use serde_json::Value;

fn environment(
    name: &str,
    in_scope: bool,
    analysis: egressproof_analysis::Analysis,
) -> Environment {
    Environment {
        name: name.to_string(),
        inputs: vec![name.to_string(), format!("{name}/extra.yaml")],
        in_scope,
        resources: 7,
        analysis,
    }
}

/// Two judged environments (one leaking, one sealed) and one out of scope.
fn scan() -> Scan {
    let empty = egressproof_analysis::analyze(
        &egressproof_model::Model::default(),
        &egressproof_analysis::Options::default(),
    );
    Scan {
        verdict: Verdict::Leaks,
        environments: vec![
            environment("infra", true, leaky()),
            environment("logging", false, empty),
            environment("risk", true, sealed()),
        ],
    }
}

fn nothing_in_scope() -> Scan {
    let mut s = scan();
    s.environments.retain(|e| !e.in_scope);
    s.verdict = Verdict::Sealed;
    s
}

fn out(scan: &Scan, format: Format) -> String {
    render_scan(scan, &summary(), format, &RenderOptions::default())
}

fn json(scan: &Scan, format: Format) -> Value {
    serde_json::from_str(&out(scan, format)).expect("JSON")
}

#[test]
fn json_names_the_environment_of_everything() {
    let v = json(&scan(), Format::Json);
    assert_eq!(v["verdict"], "leaks");
    let envs: Vec<(&str, &str, bool)> = v["environments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| {
            (
                e["name"].as_str().unwrap(),
                e["verdict"].as_str().unwrap(),
                e["in_scope"].as_bool().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        envs,
        [
            ("infra", "leaks", true),
            ("logging", "out-of-scope", false),
            ("risk", "sealed", true)
        ]
    );
    assert_eq!(v["environments"][0]["inputs"][1], "infra/extra.yaml");
    assert_eq!(
        v["environments"][0]["assumptions"]
            .as_array()
            .unwrap()
            .len(),
        leaky().assumptions.len()
    );
    for list in ["findings", "unknowns", "hardening", "assumptions"] {
        for item in v[list].as_array().unwrap() {
            assert_eq!(item["environment"], "infra", "{list}: {item}");
        }
    }
    let workloads: Vec<&str> = v["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["environment"].as_str().unwrap())
        .collect();
    assert_eq!(
        workloads.len(),
        leaky().workloads.len() + sealed().workloads.len()
    );
    assert!(workloads.contains(&"risk"));

    let none = json(&nothing_in_scope(), Format::Json);
    assert_eq!(none["verdict"], "out-of-scope");
    assert_eq!(none["findings"], serde_json::json!([]));
}

#[test]
fn text_shows_each_environment_and_lists_those_out_of_scope() {
    let text = out(&scan(), Format::Text);
    let first = text.lines().next().unwrap();
    assert!(first.starts_with("egressproof: LEAKS"), "{first}");
    assert!(
        first.contains("2 environments judged, 1 out of scope"),
        "{first}"
    );
    let infra = text
        .find("environment infra: LEAKS")
        .expect("infra heading");
    let risk = text.find("environment risk: SEALED").expect("risk heading");
    let out_of_scope = text.find("out of scope (").expect("out-of-scope list");
    assert!(infra < risk && risk < out_of_scope, "{text}");
    // infra's findings are under its heading, not risk's (the summary above counts them).
    let ep201 = infra + text[infra..].find("EP201").unwrap();
    assert!(infra < ep201 && ep201 < risk, "{text}");
    assert!(text[out_of_scope..].contains("logging (7 resources, with logging/extra.yaml)"));

    let none = out(&nothing_in_scope(), Format::Text);
    let headline = none.lines().next().unwrap();
    assert!(
        headline.starts_with("egressproof: nothing in scope"),
        "{none}"
    );
    assert!(!none.contains("SEALED"), "{none}");
    let quiet = render_scan(
        &nothing_in_scope(),
        &summary(),
        Format::Text,
        &RenderOptions {
            quiet: true,
            ..RenderOptions::default()
        },
    );
    assert_eq!(quiet.lines().count(), 1, "{quiet}");
}

#[test]
fn sarif_results_carry_their_environment() {
    let v = json(&scan(), Format::Sarif);
    let run = &v["runs"][0];
    assert_eq!(run["properties"]["verdict"], "leaks");
    assert_eq!(run["properties"]["environments"][1]["inScope"], false);
    assert_eq!(
        run["properties"]["environments"][1]["verdict"],
        "out-of-scope"
    );
    let results = run["results"].as_array().unwrap();
    assert!(!results.is_empty());
    for r in results {
        assert_eq!(r["properties"]["environment"], "infra", "{r}");
    }
    for n in run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap()
    {
        assert_eq!(n["properties"]["environment"], "infra", "{n}");
    }
}

#[test]
fn junit_has_one_testsuite_per_environment() {
    let xml = out(&scan(), Format::Junit);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let suites: Vec<roxmltree::Node> = doc
        .descendants()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    let names: Vec<&str> = suites.iter().filter_map(|s| s.attribute("name")).collect();
    assert_eq!(
        names,
        [
            "egressproof: infra",
            "egressproof: logging",
            "egressproof: risk"
        ]
    );
    let logging = suites[1];
    assert_eq!(logging.attribute("skipped"), Some("1"));
    let property = |suite: roxmltree::Node, name: &str| {
        suite
            .descendants()
            .find(|p| p.has_tag_name("property") && p.attribute("name") == Some(name))
            .and_then(|p| p.attribute("value"))
            .map(str::to_string)
    };
    assert_eq!(
        property(logging, "verdict").as_deref(),
        Some("out-of-scope")
    );
    assert_eq!(property(suites[2], "environment").as_deref(), Some("risk"));
    // The totals are the sums of the suites.
    let root = doc.root_element();
    let total: usize = suites
        .iter()
        .map(|s| s.attribute("tests").unwrap().parse::<usize>().unwrap())
        .sum();
    assert_eq!(root.attribute("tests"), Some(total.to_string().as_str()));
}

#[test]
fn html_has_a_section_per_environment_and_unique_ids() {
    let html = out(&scan(), Format::Html);
    assert!(html.contains("data-environment=\"infra\" data-verdict=\"leaks\""));
    assert!(html.contains("data-environment=\"risk\" data-verdict=\"sealed\""));
    assert!(html.contains("<li class=\"environment out-of-scope\" data-environment=\"logging\""));
    let mut ids: Vec<&str> = html
        .split(" id=\"")
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    let all = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), all, "duplicate ids in the page");
    assert!(ids.contains(&"env-1-findings") && ids.contains(&"env-2-findings"));

    let none = out(&nothing_in_scope(), Format::Html);
    assert!(none.contains("NOTHING IN SCOPE"), "{none}");
    assert!(!none.contains(">SEALED<"));
}
