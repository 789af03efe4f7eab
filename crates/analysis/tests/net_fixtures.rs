//! Per-rule fixtures (`fixtures/EP2xx/`, `fixtures/EP30x/`), loaded from CloudFormation and run
//! with only that rule on: a `leaks_*` file must report the rule, a `sealed_*` file must not, and
//! an `unknown_*` file must not but must report an unknown.

use egressproof_analysis::{analyze, registry, Analysis, Options};
use egressproof_load_cfn::{load, Input, LoadOptions};
use std::path::Path;

fn run(rule: &str, path: &Path) -> Analysis {
    let display = format!(
        "fixtures/{rule}/{}",
        path.file_name().unwrap().to_string_lossy()
    );
    let loaded = load(
        &[Input {
            path: path.to_path_buf(),
            display,
        }],
        &LoadOptions::default(),
    );
    let options = Options {
        skip_rules: registry()
            .iter()
            .filter(|r| r.code != rule)
            .map(|r| r.code)
            .collect(),
        ..Options::default()
    };
    analyze(&loaded.model, &options)
}

#[test]
fn net_rule_fixtures() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut checked = 0;
    for rule in [
        "EP201", "EP202", "EP203", "EP204", "EP205", "EP301", "EP302", "EP303", "EP304", "EP305",
    ] {
        let dir = root.join(rule);
        let mut files: Vec<_> = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
            .map(|e| e.unwrap().path())
            // The CloudFormation forms; their Terraform twins run in `rule_fixtures`.
            .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
            .collect();
        files.sort();
        let mut leaks = 0;
        for path in files {
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            let a = run(rule, &path);
            let found: Vec<_> = a.findings.iter().filter(|f| f.rule == rule).collect();
            if name.starts_with("leaks_") {
                assert!(
                    !found.is_empty(),
                    "{rule}/{name}: expected {rule}; unknowns {:?}",
                    a.unknowns
                );
                let f = found[0];
                assert!(f.resource.span.file.ends_with(&name), "{}", f.resource.span);
                assert!(f.resource.span.line > 0);
                leaks += 1;
            } else if name.starts_with("unknown_") {
                assert!(found.is_empty(), "{rule}/{name}: unexpected {:?}", found);
                assert!(!a.unknowns.is_empty(), "{rule}/{name}: expected an unknown");
            } else {
                assert!(name.starts_with("sealed_"), "{name}");
                assert!(found.is_empty(), "{rule}/{name}: unexpected {:?}", found);
            }
            checked += 1;
        }
        assert!(leaks > 0, "{rule}: no leaking fixture");
    }
    assert!(checked >= 23, "{checked}");
}

#[test]
fn nat_chain_fixture_path_has_file_and_line_for_every_hop_in_the_template() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/EP201/leaks_nat.yaml");
    let a = run("EP201", &path);
    let f = a
        .findings
        .iter()
        .find(|f| f.rule == "EP201")
        .expect("EP201");
    let names: Vec<&str> = f.path.iter().map(|h| h.resource.name.as_str()).collect();
    for n in [
        "Notebook",
        "PrivateSubnet",
        "PrivateRouteTable",
        "PrivateDefaultRoute",
        "Nat",
        "PublicRouteTable",
        "PublicDefaultRoute",
        "Igw",
    ] {
        assert!(names.contains(&n), "{n} missing from {names:?}");
    }
    for h in f.path.iter().filter(|h| h.resource.type_name != "Internet") {
        assert!(h.resource.span.line > 0, "{h:?}");
    }
}
