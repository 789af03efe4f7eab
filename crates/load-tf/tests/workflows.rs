//! Workloads inside workflow definitions, read by the aws layer: the Terraform half of the drift
//! cases of issue 11 (`crates/load-cfn/tests/workflows.rs` is the CloudFormation half, with the
//! same cases and the same expectations).

use egressproof_load_tf::load_str;
use egressproof_model::*;

fn kind<'a>(m: &'a Model, name: &str) -> &'a Kind {
    &m.resources
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no resource {name}; have {:?}",
                m.resources.iter().map(|r| &r.name).collect::<Vec<_>>()
            )
        })
        .kind
}

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

fn pipeline(steps: &str) -> Model {
    load_str(
        &format!(
            "resource \"aws_sagemaker_pipeline\" \"p\" {{\n  pipeline_name = \"p\"\n  \
             pipeline_definition = jsonencode({{\n    Version = \"2020-12-01\"\n    Steps = \
             {steps}\n  }})\n}}\n"
        ),
        "t",
    )
}

fn state_machine(definition: &str) -> Model {
    load_str(
        &format!(
            "resource \"aws_sfn_state_machine\" \"sm\" {{\n  name = \"sm\"\n  role_arn = \
             \"arn:aws:iam::111122223333:role/sfn\"\n  definition = {definition}\n}}\n"
        ),
        "t",
    )
}

const STEP: &str = r#"aws_sagemaker_pipeline.p.step"#;
const TASK: &str = r#"aws_sfn_state_machine.sm.step"#;

#[test]
fn issue_11_training_step_nested_in_a_condition_is_a_job() {
    let m = pipeline(
        r#"[{ Name = "Check", Type = "Condition", Arguments = { IfSteps = [], ElseSteps = [
            { Name = "Train", Type = "Training", Arguments = { EnableNetworkIsolation = false } }] } }]"#,
    );
    let j = job(&m, &format!("{STEP}[\"Train\"]"));
    assert_eq!(j.job_kind, JobKind::Training);
    assert_eq!(j.network_isolation, Some(Attr::Known(false)));
    assert_eq!(j.vpc_config, None);
}

#[test]
fn issue_11_lambda_and_callback_steps_are_unknowns() {
    let m = pipeline(
        r#"[{ Name = "Notify", Type = "Lambda", Arguments = {} },
            { Name = "Wait", Type = "Callback", Arguments = {} }]"#,
    );
    assert!(unknown_reason(&m, &format!("{STEP}[\"Notify\"]")).contains("Lambda"));
    assert!(unknown_reason(&m, &format!("{STEP}[\"Wait\"]")).contains("Callback"));
}

#[test]
fn issue_11_a_step_without_arguments_is_an_unknown() {
    let m = pipeline(r#"[{ Name = "Train", Type = "Training" }]"#);
    assert!(unknown_reason(&m, &format!("{STEP}[\"Train\"]")).contains("no Arguments"));
}

#[test]
fn issue_11_pipeline_in_s3_is_an_unknown_definition() {
    let m = load_str(
        "resource \"aws_sagemaker_pipeline\" \"p\" {\n  pipeline_name = \"p\"\n  \
         pipeline_definition_s3_location {\n    bucket = \"b\"\n    object_key = \"k\"\n  }\n}\n",
        "t",
    );
    let Kind::Pipeline(p) = kind(&m, "aws_sagemaker_pipeline.p") else {
        panic!()
    };
    assert!(matches!(&p.definition, Attr::Unknown(u) if u.reason.contains("S3")));
}

#[test]
fn issue_11_training_task_in_a_parallel_branch_is_a_job() {
    let m = state_machine(
        r#"jsonencode({
    StartAt = "P"
    States = { P = { Type = "Parallel", End = true, Branches = [{ StartAt = "Train", States = {
      Train = { Type = "Task", End = true,
                Resource = "arn:aws:states:::sagemaker:createTrainingJob.sync",
                Parameters = { "TrainingJobName.$" = "$.name" } } } }] } }
  })"#,
    );
    assert_open(
        job(&m, &format!("{TASK}[\"P[0]/Train\"]")),
        JobKind::Training,
    );
}

#[test]
fn issue_11_sdk_integration_is_a_job() {
    let m = state_machine(
        r#"<<EOF
{"StartAt": "P", "States": {"P": {"Type": "Task", "End": true,
  "Resource": "arn:aws:states:::aws-sdk:sagemaker:createProcessingJob",
  "Parameters": {"ProcessingJobName": "p"}}}}
EOF"#,
    );
    assert_open(job(&m, &format!("{TASK}[\"P\"]")), JobKind::Processing);
}

#[test]
fn issue_11_state_machine_read_from_a_file_outside_the_scan_is_an_unknown() {
    let m = state_machine(r#"file("${path.module}/not-in-the-scan.json")"#);
    let reason = unknown_reason(&m, &format!("{TASK}[\"definition\"]"));
    assert!(reason.contains("not-in-the-scan.json"), "{reason}");
}

#[test]
fn issue_11_unresolved_firewall_rule_group_is_unknown() {
    let m = load_str(
        r#"variable "groups" {}
resource "aws_networkfirewall_rule_group" "rg" {
  capacity = 10
  name     = "r"
  type     = "STATEFUL"
  dynamic "rule_group" {
    for_each = var.groups
    content {
      rules_source {
        rules_source_list {
          generated_rules_type = "ALLOWLIST"
          target_types         = ["TLS_SNI"]
          targets              = [rule_group.value]
        }
      }
    }
  }
}
resource "aws_networkfirewall_rule_group" "allow" {
  capacity = 10
  name     = "a"
  type     = "STATEFUL"
  rule_group {
    rules_source {
      rules_source_list {
        generated_rules_type = "ALLOWLIST"
        target_types         = ["TLS_SNI"]
        targets              = [".amazonaws.com"]
      }
    }
  }
}
"#,
        "t",
    );
    let Kind::NetworkFirewallRuleGroup(rg) = kind(&m, "aws_networkfirewall_rule_group.rg") else {
        panic!()
    };
    assert!(
        matches!(rg.allowed_domains, Attr::Unknown(_)),
        "{:?}",
        rg.allowed_domains
    );
    let Kind::NetworkFirewallRuleGroup(rg) = kind(&m, "aws_networkfirewall_rule_group.allow")
    else {
        panic!()
    };
    assert_eq!(
        rg.allowed_domains,
        Attr::Known(vec![".amazonaws.com".into()])
    );
}

#[test]
fn issue_11_protocols_read_as_cloudformation_reads_them() {
    let m = load_str(
        r#"resource "aws_network_acl_rule" "e" {
  network_acl_id = "acl-1"
  rule_number    = 100
  egress         = true
  protocol       = "all"
  rule_action    = "deny"
  cidr_block     = "0.0.0.0/0"
  from_port      = 443
  to_port        = 443
}
resource "aws_security_group" "g" {
  egress {
    protocol    = "6"
    from_port   = 443
    to_port     = 443
    cidr_blocks = ["0.0.0.0/0"]
  }
}
"#,
        "t",
    );
    let Kind::NetworkAclEntry(e) = kind(&m, "aws_network_acl_rule.e") else {
        panic!()
    };
    assert_eq!(e.protocol, Attr::Known(Protocol::All));
    assert_eq!((&e.from_port, &e.to_port), (&None, &None));
    let Kind::SecurityGroup(g) = kind(&m, "aws_security_group.g") else {
        panic!()
    };
    assert_eq!(g.egress[0].protocol, Attr::Known(Protocol::Tcp));
    assert_eq!(g.egress[0].from_port, Some(Attr::Known(443)));
}

#[test]
fn a_plan_reads_the_state_machine_definition_string() {
    let definition = serde_json::json!({
        "StartAt": "Train",
        "States": { "Train": {
            "Type": "Task", "End": true,
            "Resource": "arn:aws:states:::sagemaker:createTrainingJob.sync",
            "Parameters": { "EnableNetworkIsolation": true } } }
    })
    .to_string();
    let plan = serde_json::json!({
        "format_version": "1.2",
        "planned_values": { "root_module": { "resources": [
            { "address": "aws_sfn_state_machine.sm", "mode": "managed",
              "type": "aws_sfn_state_machine", "name": "sm",
              "values": { "name": "sm", "definition": definition } } ] } }
    });
    let m = egressproof_load_tf::load_plan(&plan, "plan.json").expect("a plan");
    let j = job(&m, &format!("{TASK}[\"Train\"]"));
    assert_eq!(j.job_kind, JobKind::Training);
    assert_eq!(j.network_isolation, Some(Attr::Known(true)));
}
