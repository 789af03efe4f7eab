//! A Studio user profile or space whose domain is not in the scan, end to end: its apps run in
//! that domain's network, whose `AppNetworkAccessType` (default `PublicInternetOnly`) the scan
//! does not hold, so the verdict is `unproven` (exit 3), never `sealed`. When the domain is in
//! the scan (an import resolved, the same ID in a snapshot) the domain is judged instead.

mod common;

use common::*;
use egressproof_model::{Attr, Domain, Ident, Kind, Model, Resource, Span};

/// The shape of a workshop's user-journey template: the profile imports the domain's ID from
/// another stack that is not scanned.
const PROFILE_IMPORTS_DOMAIN: &str = r#"AWSTemplateFormatVersion: '2010-09-09'
Resources:
  MLOpsEngineer:
    Type: AWS::SageMaker::UserProfile
    Properties:
      DomainId: !ImportValue SageMakerDomainId
      UserProfileName: mlops-engineer
"#;

/// Its Terraform twin: the domain's ID is a variable without a value.
const PROFILE_DOMAIN_VARIABLE: &str = r#"variable "SageMakerDomainId" {
  type = string
}

resource "aws_sagemaker_user_profile" "MLOpsEngineer" {
  domain_id         = var.SageMakerDomainId
  user_profile_name = "mlops-engineer"
}
"#;

const SPACE_LITERAL_DOMAIN: &str = r#"resource "aws_sagemaker_space" "SharedSpace" {
  domain_id  = "d-abcdefghijkl"
  space_name = "shared"
}
"#;

/// The unknowns that speak of a domain outside the scan.
fn domain_unknowns(scan: &Scan) -> Vec<String> {
    scan.unknowns()
        .into_iter()
        .filter(|(rule, _, m)| rule == "EP902" && m.contains("which is not in the scan"))
        .map(|(_, _, m)| m)
        .collect()
}

fn assert_unproven_by_its_domain(scan: &Scan, subject: &str, domain: &str) {
    assert_eq!(scan.code, 3, "{}", scan.stdout);
    assert_eq!(scan.report["verdict"], "unproven");
    let unknowns = domain_unknowns(scan);
    assert!(
        unknowns.iter().any(|m| m.contains(subject)
            && m.contains(domain)
            && m.contains("AppNetworkAccessType, default PublicInternetOnly")),
        "{:?}",
        scan.unknowns()
    );
    let workloads = scan.report["workloads"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert!(
        workloads
            .iter()
            .any(|w| subject.ends_with(w["name"].as_str().unwrap_or("?"))
                && w["verdict"] == "unproven"),
        "{workloads:?}"
    );
}

#[test]
fn a_profile_importing_a_domain_from_outside_the_scan_is_unproven() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "profile.yaml", PROFILE_IMPORTS_DOMAIN);
    let scan = scan_json(dir.path(), &["."]);
    assert_unproven_by_its_domain(&scan, "user profile MLOpsEngineer", "SageMakerDomainId");
}

#[test]
fn a_profile_whose_domain_is_a_variable_without_value_is_unproven() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.tf", PROFILE_DOMAIN_VARIABLE);
    let scan = scan_json(dir.path(), &["."]);
    assert_unproven_by_its_domain(
        &scan,
        "user profile aws_sagemaker_user_profile.MLOpsEngineer",
        "SageMakerDomainId",
    );
    // A value for the variable is still a domain that is not here.
    let given = scan_json(
        dir.path(),
        &["--var", "SageMakerDomainId=d-abcdefghijkl", "."],
    );
    assert_unproven_by_its_domain(
        &given,
        "user profile aws_sagemaker_user_profile.MLOpsEngineer",
        "d-abcdefghijkl",
    );
}

#[test]
fn an_imported_domain_in_the_scan_is_judged_instead() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "profile.yaml", PROFILE_IMPORTS_DOMAIN);
    write(
        dir.path(),
        "domain.yaml",
        r#"AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Studio:
    Type: AWS::SageMaker::Domain
    Properties:
      DomainName: research
      AuthMode: IAM
      VpcId: vpc-0123456789abcdef0
      SubnetIds: [subnet-0123456789abcdef0]
Outputs:
  DomainId:
    Value: !GetAtt Studio.DomainId
    Export: { Name: SageMakerDomainId }
"#,
    );
    let scan = scan_json(dir.path(), &["."]);
    assert_eq!(scan.code, 1, "{}", scan.stdout);
    assert!(scan.rules().contains(&"EP102".to_string()));
    assert_eq!(domain_unknowns(&scan), Vec::<String>::new());
}

#[test]
fn a_literal_domain_id_is_unproven_unless_a_snapshot_holds_that_domain() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "main.tf", SPACE_LITERAL_DOMAIN);
    let scan = scan_json(dir.path(), &["."]);
    assert_unproven_by_its_domain(
        &scan,
        "space aws_sagemaker_space.SharedSpace",
        "domain d-abcdefghijkl",
    );

    // A snapshot of the account holds that domain: it is judged (its default network access is
    // public), and the space is no longer an unknown.
    let mut model = Model::default();
    model.resources.push(Resource::new(
        Ident::new("d-abcdefghijkl"),
        "research (d-abcdefghijkl)",
        "AWS::SageMaker::Domain",
        Span::arn("arn:aws:sagemaker:us-east-1:123456789012:domain/d-abcdefghijkl"),
        Kind::Domain(Domain {
            app_network_access_type: Some(Attr::Known("PublicInternetOnly".into())),
            ..Domain::default()
        }),
    ));
    write(
        dir.path(),
        "account.json",
        serde_json::to_string_pretty(&model.to_snapshot()).unwrap(),
    );
    let with_domain = scan_json(dir.path(), &["."]);
    assert_eq!(with_domain.code, 1, "{}", with_domain.stdout);
    assert!(with_domain.rules().contains(&"EP102".to_string()));
    assert_eq!(domain_unknowns(&with_domain), Vec::<String>::new());
}
