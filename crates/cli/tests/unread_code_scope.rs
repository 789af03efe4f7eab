//! Scope and code that was not read, end to end through the binary (DESIGN.md §2): an
//! environment is judged when it may hold SageMaker, and code the scan did not read (a registry
//! module not installed, a nested stack's template outside the scan, a macro's output, a local
//! module that is missing) may. Such an environment is `unproven` with the unknown shown, never
//! "nothing in scope"; one that was read whole and holds no SageMaker stays out of scope.

mod common;

use common::*;

/// The report's verdict, and whether some environment is judged.
fn verdict(scan: &Scan) -> (String, bool) {
    let in_scope = scan.report["environments"]
        .as_array()
        .unwrap_or_else(|| panic!("no environments in the report: {}", scan.stdout))
        .iter()
        .any(|e| e["in_scope"].as_bool() != Some(false));
    (
        scan.report["verdict"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        in_scope,
    )
}

fn has_unknown(scan: &Scan, rule: &str, says: &str) -> bool {
    scan.unknowns()
        .iter()
        .any(|(r, _, m)| r == rule && m.contains(says))
}

/// Asserts an unproven scan, judged, that shows the unknown `rule` saying `says`.
fn assert_unproven_with(scan: &Scan, rule: &str, says: &str) {
    assert_eq!(scan.code, 3, "{}", scan.stdout);
    assert_eq!(
        verdict(scan),
        ("unproven".to_string(), true),
        "{}",
        scan.stdout
    );
    assert!(has_unknown(scan, rule, says), "{}", scan.stdout);
}

/// Asserts a scan where nothing is judged: exit 0, every environment out of scope.
fn assert_nothing_in_scope(scan: &Scan) {
    assert_eq!(scan.code, 0, "{}", scan.stdout);
    assert!(!verdict(scan).1, "{}", scan.stdout);
}

const REMOTE_MODULE_ONLY: &str = r#"
module "x" {
  source = "terraform-aws-modules/vpc/aws"
}
"#;

#[test]
fn a_root_of_only_a_registry_module_not_read_is_unproven() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "infra/main.tf", REMOTE_MODULE_ONLY);
    let scan = scan_json(dir.path(), &["infra"]);
    assert_unproven_with(
        &scan,
        "EP902",
        "module x comes from terraform-aws-modules/vpc/aws",
    );

    // Accepting the unknown (--skip EP902) is the user's word that the module does not matter.
    let skipped = scan_json(dir.path(), &["--skip", "EP902", "infra"]);
    assert_nothing_in_scope(&skipped);

    let text = egressproof()
        .current_dir(dir.path())
        .args(["scan", "--color", "never", "infra"])
        .output()
        .unwrap();
    assert_eq!(text.status.code(), Some(3));
    let out = String::from_utf8_lossy(&text.stdout);
    assert!(!out.contains("nothing in scope"), "{out}");
    assert!(out.contains("EP902"), "{out}");
}

#[test]
fn a_root_of_only_a_local_module_that_is_missing_is_unproven() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "infra/main.tf",
        "module \"ml\" {\n  source = \"./modules/ml\"\n}\n",
    );
    let scan = scan_json(dir.path(), &["infra"]);
    assert_unproven_with(&scan, "EP902", "module ml");
}

#[test]
fn a_template_of_only_a_remote_nested_stack_is_unproven() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "stack.yaml",
        r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Ml:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://example-bucket.s3.amazonaws.com/ml.yaml
"#,
    );
    let scan = scan_json(dir.path(), &["stack.yaml"]);
    assert_unproven_with(&scan, "EP902", "nested stack Ml");
}

#[test]
fn a_template_under_a_macro_is_unproven() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "stack.yaml",
        r#"AWSTemplateFormatVersion: "2010-09-09"
Transform: MyCompanyNotebooks
Resources:
  Logs:
    Type: AWS::S3::Bucket
"#,
    );
    let scan = scan_json(dir.path(), &["stack.yaml"]);
    assert_unproven_with(&scan, "EP903", "MyCompanyNotebooks");
}

#[test]
fn a_sam_function_alone_stays_out_of_scope_but_a_sam_application_does_not() {
    // SAM expands a function into Lambda, IAM and event sources: never SageMaker.
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "fn.yaml",
        r#"AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Handler:
    Type: AWS::Serverless::Function
    Properties:
      Runtime: python3.12
      Handler: app.handler
      CodeUri: src/
"#,
    );
    assert_nothing_in_scope(&scan_json(dir.path(), &["fn.yaml"]));

    // An application is a nested stack from elsewhere: it may hold anything.
    write(
        dir.path(),
        "app.yaml",
        r#"AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::Serverless-2016-10-31
Resources:
  Ml:
    Type: AWS::Serverless::Application
    Properties:
      Location:
        ApplicationId: arn:aws:serverlessrepo:us-east-1:123456789012:applications/ml
        SemanticVersion: 1.0.0
"#,
    );
    let scan = scan_json(dir.path(), &["app.yaml"]);
    assert_unproven_with(&scan, "EP903", "AWS::Serverless::Application");
}

#[test]
fn a_root_read_whole_without_sagemaker_stays_out_of_scope() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "infra/main.tf",
        "resource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n}\n",
    );
    assert_nothing_in_scope(&scan_json(dir.path(), &["infra"]));
}
