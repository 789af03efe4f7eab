//! Where SageMaker delivers data (EP307): what the rule takes as given is listed, in both
//! formats, and the destinations of pipeline steps and Step Functions tasks are read as those of
//! the resources themselves.

use egressproof_analysis::{analyze, Analysis, AssumptionKind, Options, Rule};
use egressproof_load_cfn::{load, Input, LoadOptions};
use egressproof_load_tf::load_str;
use egressproof_model::Model;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures/EP307")
        .join(name)
}

fn cfn_file(path: PathBuf, display: &str) -> Model {
    load(
        &[Input {
            path,
            display: display.to_string(),
        }],
        &LoadOptions::default(),
    )
    .model
}

fn cfn(name: &str) -> Model {
    cfn_file(fixture(name), name)
}

fn cfn_text(text: &str) -> Model {
    let dir = tempfile::tempdir().expect("a scratch directory");
    let path = dir.path().join("template.yaml");
    std::fs::write(&path, text).expect("the template is written");
    cfn_file(path, "template.yaml")
}

fn tf(name: &str) -> Model {
    let text = std::fs::read_to_string(fixture(name)).expect("fixture");
    load_str(&text, name)
}

fn only_ep307() -> Options {
    Options {
        skip_rules: Rule::ALL
            .iter()
            .copied()
            .filter(|r| *r != Rule::ForeignDestination)
            .collect(),
        ..Options::default()
    }
}

fn ep307(model: &Model) -> Analysis {
    analyze(model, &only_ep307())
}

fn assumed(analysis: &Analysis, kind: AssumptionKind, word: &str) -> bool {
    analysis
        .assumptions
        .iter()
        .any(|a| a.kind == kind && a.message.contains(word))
}

#[test]
fn a_bucket_outside_the_scan_is_an_assumption_never_silence() {
    for model in [
        cfn("sealed_bucket_outside_scan.yaml"),
        tf("sealed_bucket_outside_scan.tf"),
    ] {
        let a = ep307(&model);
        assert!(a.findings.is_empty(), "{:?}", a.findings);
        assert!(
            assumed(&a, AssumptionKind::BucketNames, "shared-analytics"),
            "{:?}",
            a.assumptions
        );
    }
}

#[test]
fn notebooks_shared_into_a_bucket_of_the_scan_are_an_assumption() {
    for model in [
        cfn("sealed_studio_sharing_own_bucket.yaml"),
        tf("sealed_studio_sharing_own_bucket.tf"),
    ] {
        let a = ep307(&model);
        assert!(a.findings.is_empty(), "{:?}", a.findings);
        assert!(
            assumed(&a, AssumptionKind::BucketNames, "shares notebooks"),
            "{:?}",
            a.assumptions
        );
    }
}

#[test]
fn own_buckets_and_topics_need_no_assumption_beyond_the_deploying_account() {
    for model in [
        cfn("neg_own_bucket.yaml"),
        tf("neg_own_bucket.tf"),
        cfn("neg_feature_group_own_bucket.yaml"),
        tf("neg_feature_group_own_bucket.tf"),
    ] {
        let a = ep307(&model);
        assert!(a.findings.is_empty(), "{:?}", a.findings);
        assert!(a.unknowns.is_empty(), "{:?}", a.unknowns);
        assert!(
            !a.assumptions
                .iter()
                .any(|x| x.kind == AssumptionKind::BucketNames),
            "{:?}",
            a.assumptions
        );
    }
}

#[test]
fn the_finding_names_the_field_and_the_account() {
    for model in [
        cfn("pos_foreign_topic.yaml"),
        tf("pos_foreign_topic.tf"),
        cfn("pos_foreign_bucket_by_policy_owner.yaml"),
        tf("pos_foreign_bucket_by_policy_owner.tf"),
    ] {
        let a = ep307(&model);
        assert_eq!(a.findings.len(), 1, "{:?}", a.findings);
        let m = &a.findings[0].message;
        assert!(m.contains("444455556666"), "{m}");
        assert!(
            m.contains("NotificationConfig.SuccessTopic")
                || m.contains("notification_config.success_topic")
                || m.contains("DataCaptureConfig.DestinationS3Uri")
                || m.contains("data_capture_config.destination_s3_uri"),
            "{m}"
        );
    }
}

/// A pipeline step and a Step Functions task carry request bodies: their destinations are read
/// by the same table as a resource's, in both formats.
#[test]
fn pipeline_steps_and_state_machine_tasks_deliver_where_their_requests_say() {
    let cfn = cfn_text(
        r#"
Resources:
  Train:
    Type: AWS::SageMaker::Pipeline
    Properties:
      PipelineName: train
      RoleArn: arn:aws:iam::111122223333:role/p
      PipelineDefinition:
        PipelineDefinitionBody: !Sub |
          {"Version": "2020-12-01", "Steps": [{"Name": "Fit", "Type": "Training",
            "Arguments": {"EnableNetworkIsolation": true,
              "OutputDataConfig": {"S3OutputPath": "s3://model-drop/out"},
              "CheckpointConfig": {"S3Uri": {"Get": "Parameters.Checkpoints"}}}}]}
  Flow:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      RoleArn: arn:aws:iam::111122223333:role/sfn
      Definition:
        StartAt: Score
        States:
          Score:
            Type: Task
            Resource: arn:aws:states:::sagemaker:createTransformJob.sync
            Parameters:
              ModelName: scoring
              TransformOutput:
                S3OutputPath: s3://scores-elsewhere/out
            End: true
"#,
    );
    let tf = load_str(
        r#"
resource "aws_sagemaker_pipeline" "Train" {
  pipeline_name         = "train"
  pipeline_display_name = "train"
  role_arn              = "arn:aws:iam::111122223333:role/p"
  pipeline_definition = jsonencode({
    Version = "2020-12-01"
    Steps = [{
      Name = "Fit"
      Type = "Training"
      Arguments = {
        EnableNetworkIsolation = true
        OutputDataConfig       = { S3OutputPath = "s3://model-drop/out" }
        CheckpointConfig       = { S3Uri = { Get = "Parameters.Checkpoints" } }
      }
    }]
  })
}

resource "aws_sfn_state_machine" "Flow" {
  name     = "flow"
  role_arn = "arn:aws:iam::111122223333:role/sfn"
  definition = jsonencode({
    StartAt = "Score"
    States = {
      Score = {
        Type     = "Task"
        Resource = "arn:aws:states:::sagemaker:createTransformJob.sync"
        Parameters = {
          ModelName       = "scoring"
          TransformOutput = { S3OutputPath = "s3://scores-elsewhere/out" }
        }
        End = true
      }
    }
  })
}
"#,
        "main.tf",
    );
    for model in [cfn, tf] {
        let a = ep307(&model);
        assert!(a.findings.is_empty(), "{:?}", a.findings);
        for bucket in ["model-drop", "scores-elsewhere"] {
            assert!(
                assumed(&a, AssumptionKind::BucketNames, bucket),
                "{bucket}: {:?}",
                a.assumptions
            );
        }
        assert!(
            a.unknowns
                .iter()
                .any(|u| u.rule == Rule::UnresolvedValue
                    && u.message.contains("CheckpointConfig.S3Uri")),
            "{:?}",
            a.unknowns
        );
    }
}

#[test]
fn a_feature_group_offline_store_outside_the_scan_is_an_assumption() {
    for model in [
        cfn("sealed_feature_group_bucket_outside_scan.yaml"),
        tf("sealed_feature_group_bucket_outside_scan.tf"),
    ] {
        let a = ep307(&model);
        assert!(a.findings.is_empty(), "{:?}", a.findings);
        assert!(
            assumed(&a, AssumptionKind::BucketNames, "feature-archive"),
            "{:?}",
            a.assumptions
        );
    }
}

#[test]
fn canvas_artifacts_in_a_partner_bucket_are_found_for_the_domain_and_the_profile() {
    for model in [
        cfn("pos_canvas_artifacts_foreign_bucket.yaml"),
        tf("pos_canvas_artifacts_foreign_bucket.tf"),
    ] {
        let a = ep307(&model);
        assert_eq!(a.findings.len(), 2, "{:?}", a.findings);
        for f in &a.findings {
            assert!(f.message.contains("444455556666"), "{}", f.message);
            assert!(
                f.message.contains("WorkspaceSettings.S3ArtifactPath")
                    || f.message.contains("workspace_settings.s3_artifact_path"),
                "{}",
                f.message
            );
        }
    }
}

/// SageMaker writes a feature group's offline store as the group's role: EP306 judges that role
/// like a workload's execution role.
#[test]
fn a_feature_group_role_is_judged_as_an_execution_role() {
    let cfn = cfn_text(
        r#"
Resources:
  StoreRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: { Service: sagemaker.amazonaws.com }
            Action: sts:AssumeRole
      Policies:
        - PolicyName: store
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
              - Effect: Allow
                Action: s3:PutObject
                Resource: arn:aws:s3:::*sagemaker*/*
  Customers:
    Type: AWS::SageMaker::FeatureGroup
    Properties:
      FeatureGroupName: customers
      RecordIdentifierFeatureName: customer_id
      EventTimeFeatureName: event_time
      FeatureDefinitions:
        - { FeatureName: customer_id, FeatureType: String }
        - { FeatureName: event_time, FeatureType: String }
      RoleArn: !GetAtt StoreRole.Arn
      OfflineStoreConfig:
        S3StorageConfig:
          S3Uri: s3://feature-archive/customers
"#,
    );
    let tf = load_str(
        r#"
resource "aws_iam_role" "StoreRole" {
  name = "store"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "sagemaker.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "store" {
  name = "store"
  role = aws_iam_role.StoreRole.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "s3:PutObject"
      Resource = "arn:aws:s3:::*sagemaker*/*"
    }]
  })
}

resource "aws_sagemaker_feature_group" "Customers" {
  feature_group_name             = "customers"
  record_identifier_feature_name = "customer_id"
  event_time_feature_name        = "event_time"
  role_arn                       = aws_iam_role.StoreRole.arn
  feature_definition {
    feature_name = "customer_id"
    feature_type = "String"
  }
  feature_definition {
    feature_name = "event_time"
    feature_type = "String"
  }
  offline_store_config {
    s3_storage_config {
      s3_uri = "s3://feature-archive/customers"
    }
  }
}
"#,
        "main.tf",
    );
    let only_ep306 = Options {
        skip_rules: Rule::ALL
            .iter()
            .copied()
            .filter(|r| *r != Rule::ExecutionRoleForeignWrite)
            .collect(),
        ..Options::default()
    };
    for model in [cfn, tf] {
        let a = analyze(&model, &only_ep306);
        assert!(
            a.findings
                .iter()
                .any(|f| f.rule == "EP306" && f.message.contains("StoreRole")),
            "{:?}",
            a.findings
        );
    }
}
