//! Workloads inside workflow definitions, read by the aws layer: the CloudFormation half of the
//! drift cases of issue 11 (`crates/load-tf/tests/workflows.rs` is the Terraform half, with the
//! same cases and the same expectations).

use egressproof_model::*;

#[path = "support/load.rs"]
mod support;
use support::{kind, load_one};

fn job<'a>(m: &'a Model, name: &str) -> &'a Job {
    match kind(m, name) {
        Kind::Job(j) => j,
        other => panic!("{name} is {other:?}"),
    }
}

/// The reason of a workload whose isolation is unknown (EP902 through EP103).
fn unknown_reason(m: &Model, name: &str) -> String {
    match &job(m, name).network_isolation {
        Some(Attr::Unknown(u)) => u.reason.clone(),
        other => panic!("{name}: isolation is {other:?}, not unknown"),
    }
}

/// An open job: no isolation and no VPC (EP103 fires on it).
fn assert_open(j: &Job, kind: JobKind) {
    assert_eq!(j.job_kind, kind);
    assert_eq!(j.network_isolation, None);
    assert_eq!(j.vpc_config, None);
}

fn pipeline(steps: &str) -> String {
    format!(
        "Resources:\n  Pipe:\n    Type: AWS::SageMaker::Pipeline\n    Properties:\n      \
         PipelineDefinition:\n        PipelineDefinitionBody: '{{\"Version\": \"2020-12-01\", \
         \"Steps\": {steps}}}'\n"
    )
}

fn state_machine(states: &str) -> String {
    format!(
        "Resources:\n  Sm:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      \
         DefinitionString: '{{\"StartAt\": \"P\", \"States\": {states}}}'\n"
    )
}

#[test]
fn issue_11_training_step_nested_in_a_condition_is_a_job() {
    let m = load_one(&pipeline(
        r#"[{"Name": "Check", "Type": "Condition", "Arguments": {"IfSteps": [], "ElseSteps": [
            {"Name": "Train", "Type": "Training", "Arguments": {"EnableNetworkIsolation": false}}]}}]"#,
    ));
    let j = job(&m, "Pipe/Train");
    assert_eq!(j.job_kind, JobKind::Training);
    assert_eq!(j.network_isolation, Some(Attr::Known(false)));
    assert_eq!(j.vpc_config, None);
}

#[test]
fn issue_11_lambda_and_callback_steps_are_unknowns() {
    let m = load_one(&pipeline(
        r#"[{"Name": "Notify", "Type": "Lambda", "Arguments": {}},
            {"Name": "Wait", "Type": "Callback", "Arguments": {}}]"#,
    ));
    assert!(unknown_reason(&m, "Pipe/Notify").contains("Lambda"));
    assert!(unknown_reason(&m, "Pipe/Wait").contains("Callback"));
}

#[test]
fn issue_11_a_step_without_arguments_is_an_unknown() {
    let m = load_one(&pipeline(r#"[{"Name": "Train", "Type": "Training"}]"#));
    assert!(unknown_reason(&m, "Pipe/Train").contains("no Arguments"));
}

#[test]
fn issue_11_pipeline_in_s3_is_an_unknown_definition() {
    let m = load_one(
        "Resources:\n  Pipe:\n    Type: AWS::SageMaker::Pipeline\n    Properties:\n      \
         PipelineDefinition:\n        PipelineDefinitionS3Location: { Bucket: b, Key: k }\n",
    );
    let Kind::Pipeline(p) = kind(&m, "Pipe") else {
        panic!()
    };
    assert!(matches!(&p.definition, Attr::Unknown(u) if u.reason.contains("S3")));
}

#[test]
fn issue_11_training_task_in_a_parallel_branch_is_a_job() {
    let m = load_one(&state_machine(
        r#"{"P": {"Type": "Parallel", "End": true, "Branches": [{"StartAt": "Train", "States": {
            "Train": {"Type": "Task", "End": true,
                      "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync",
                      "Parameters": {"TrainingJobName.$": "$.name"}}}}]}}"#,
    ));
    assert_open(job(&m, "Sm/P[0]/Train"), JobKind::Training);
}

#[test]
fn issue_11_sdk_integration_is_a_job() {
    let m = load_one(&state_machine(
        r#"{"P": {"Type": "Task", "End": true,
                  "Resource": "arn:aws:states:::aws-sdk:sagemaker:createProcessingJob",
                  "Parameters": {"ProcessingJobName": "p"}}}"#,
    ));
    assert_open(job(&m, "Sm/P"), JobKind::Processing);
}

#[test]
fn issue_11_state_machine_in_s3_is_an_unknown() {
    let m = load_one(
        "Resources:\n  Sm:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      \
         DefinitionS3Location: { Bucket: b, Key: k }\n",
    );
    assert!(unknown_reason(&m, "Sm/definition").contains("S3"));
}

#[test]
fn definition_substitutions_reach_the_task() {
    let m = load_one(
        "Parameters:\n  Iso: { Type: String }\nResources:\n  Sm:\n    Type: \
         AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionSubstitutions:\n        \
         Arn: arn:aws:states:::sagemaker:createTrainingJob.sync\n        Iso: !Ref Iso\n      \
         DefinitionString: '{\"StartAt\": \"T\", \"States\": {\"T\": {\"Type\": \"Task\", \
         \"End\": true, \"Resource\": \"${Arn}\", \"Parameters\": {\"EnableNetworkIsolation\": \
         \"${Iso}\"}}}}'\n",
    );
    assert!(unknown_reason(&m, "Sm/T").contains("Iso"));
}

#[test]
fn issue_11_unresolved_firewall_rule_group_is_unknown() {
    let m = load_one(
        "Parameters:\n  Groups: { Type: String }\nResources:\n  Rg:\n    Type: \
         AWS::NetworkFirewall::RuleGroup\n    Properties:\n      Capacity: 10\n      \
         RuleGroupName: r\n      Type: STATEFUL\n      RuleGroup: !Ref Groups\n  Allow:\n    \
         Type: AWS::NetworkFirewall::RuleGroup\n    Properties:\n      RuleGroup:\n        \
         RulesSource:\n          RulesSourceList:\n            GeneratedRulesType: ALLOWLIST\n            \
         TargetTypes: [TLS_SNI]\n            Targets: [.amazonaws.com]\n",
    );
    let Kind::NetworkFirewallRuleGroup(rg) = kind(&m, "Rg") else {
        panic!()
    };
    assert!(matches!(rg.allowed_domains, Attr::Unknown(_)));
    let Kind::NetworkFirewallRuleGroup(rg) = kind(&m, "Allow") else {
        panic!()
    };
    assert_eq!(
        rg.allowed_domains,
        Attr::Known(vec![".amazonaws.com".into()])
    );
}

#[test]
fn issue_11_protocols_read_as_terraform_reads_them() {
    let m = load_one(
        "Resources:\n  E:\n    Type: AWS::EC2::NetworkAclEntry\n    Properties:\n      \
         NetworkAclId: acl-1\n      RuleNumber: 100\n      Protocol: -1\n      RuleAction: deny\n      \
         Egress: true\n      CidrBlock: 0.0.0.0/0\n      PortRange: { From: 443, To: 443 }\n  G:\n    \
         Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: g\n      \
         SecurityGroupEgress:\n        - { IpProtocol: '6', FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0 }\n",
    );
    let Kind::NetworkAclEntry(e) = kind(&m, "E") else {
        panic!()
    };
    assert_eq!(e.protocol, Attr::Known(Protocol::All));
    assert_eq!((&e.from_port, &e.to_port), (&None, &None));
    let Kind::SecurityGroup(g) = kind(&m, "G") else {
        panic!()
    };
    assert_eq!(g.egress[0].protocol, Attr::Known(Protocol::Tcp));
    assert_eq!(g.egress[0].from_port, Some(Attr::Known(443)));
}
