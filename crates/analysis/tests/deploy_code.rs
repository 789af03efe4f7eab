//! Code run at deploy time whose role confines it (EP903's fixtures, both formats): no unknown,
//! the `deploy-code` assumption instead, and no environment kept in scope by it; a role that
//! may create a notebook keeps the unknown and the environment in scope.

use egressproof_analysis::{analyze_scan, AssumptionKind, Options, Scan, Verdict};
use egressproof_load_cfn::{load, Input, LoadOptions};
use egressproof_load_tf::{load_dirs, TfOptions};
use egressproof_model::Model;
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/EP903")
        .join(name)
}

fn cfn(name: &str) -> Model {
    load(
        &[Input {
            path: fixture(name),
            display: name.to_string(),
        }],
        &LoadOptions::default(),
    )
    .model
}

/// The `.tf` fixture alone in a directory of its own, as a root module.
fn tf(name: &str) -> Model {
    let dir = std::env::temp_dir().join(format!(
        "egressproof-deploy-code-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary module directory");
    std::fs::copy(fixture(name), dir.join(name)).expect("copy of the fixture");
    let loaded = load_dirs(&[(dir.clone(), name.to_string())], &TfOptions::default());
    let _ = std::fs::remove_dir_all(&dir);
    loaded.model
}

fn both(stem: &str) -> [(String, Scan); 2] {
    let options = Options::default();
    [
        (
            format!("{stem}.yaml"),
            analyze_scan(cfn(&format!("{stem}.yaml")), &options, &[]),
        ),
        (
            format!("{stem}.tf"),
            analyze_scan(tf(&format!("{stem}.tf")), &options, &[]),
        ),
    ]
}

/// With every rule on, as a scan runs: the environment's own analysis (a whole-model scan
/// keeps one environment).
fn assumptions(scan: &Scan, kind: AssumptionKind) -> Vec<String> {
    scan.environments
        .iter()
        .flat_map(|e| &e.analysis.assumptions)
        .filter(|a| a.kind == kind)
        .map(|a| a.message.clone())
        .collect()
}

#[test]
fn a_confined_function_keeps_nothing_in_scope() {
    for stem in [
        "neg_role_writes_objects_and_logs",
        "neg_role_with_lambda_basic_execution",
    ] {
        for (name, scan) in both(stem) {
            assert!(
                scan.environments.iter().all(|e| !e.in_scope),
                "{name}: only deploy-time code confined to its role: nothing to judge"
            );
            assert!(scan.nothing_in_scope(), "{name}");
        }
    }
}

#[test]
fn a_confined_function_in_an_environment_in_scope_states_the_assumption() {
    // The same template with a notebook beside the custom resource: the environment is judged,
    // the custom resource is no unknown, and the assumption names the function and its role.
    let body = std::fs::read_to_string(fixture("neg_role_writes_objects_and_logs.yaml"))
        .expect("fixture")
        + "  Notebook:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      InstanceType: ml.t3.medium\n      RoleArn: arn:aws:iam::111122223333:role/nb\n      DirectInternetAccess: Disabled\n";
    let dir =
        std::env::temp_dir().join(format!("egressproof-deploy-code-nb-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temporary directory");
    let path = dir.join("t.yaml");
    std::fs::write(&path, body).expect("template");
    let model = load(
        &[Input {
            path,
            display: "t.yaml".into(),
        }],
        &LoadOptions::default(),
    )
    .model;
    let _ = std::fs::remove_dir_all(&dir);
    let scan = analyze_scan(model, &Options::default(), &[]);
    assert!(!scan.nothing_in_scope());
    let unknowns: Vec<&str> = scan
        .environments
        .iter()
        .flat_map(|e| &e.analysis.unknowns)
        .filter(|u| u.message.contains("runs code the scan does not read"))
        .map(|u| u.message.as_str())
        .collect();
    assert!(unknowns.is_empty(), "{unknowns:?}");
    let said = assumptions(&scan, AssumptionKind::DeployCode);
    assert_eq!(said.len(), 1, "{said:?}");
    assert!(
        said[0].contains("SeedCode")
            && said[0].contains("Copier")
            && said[0].contains("CopierRole"),
        "{said:?}"
    );
}

#[test]
fn a_role_that_may_create_a_notebook_keeps_the_environment_unproven() {
    for (name, scan) in both("unknown_role_may_also_create_notebook") {
        assert!(!scan.nothing_in_scope(), "{name}");
        assert_eq!(scan.verdict, Verdict::Unproven, "{name}");
        assert!(
            assumptions(&scan, AssumptionKind::DeployCode).is_empty(),
            "{name}"
        );
        let named = scan
            .environments
            .iter()
            .flat_map(|e| &e.analysis.unknowns)
            .any(|u| {
                u.message
                    .contains("may call sagemaker:CreateNotebookInstance")
            });
        assert!(named, "{name}");
    }
}
