//! Helpers shared by the end-to-end tests: fixtures written into temporary directories, and the
//! binary run with a time limit (every scan must end in bounded time, whatever the input).
#![allow(dead_code)]

use assert_cmd::Command;
use std::path::Path;
use std::time::Duration;

/// The execution role of the templates below, with no permissions: it can write nowhere (EP306).
/// A macro, so that each template stays one `&str` (`concat!` takes literals only).
macro_rules! execution_role {
    () => {
        r#"  # The execution role, with no permissions: it can write nowhere (EP306).
  ExecutionRole:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: { Service: sagemaker.amazonaws.com }
            Action: sts:AssumeRole
"#
    };
}

/// A notebook instance without `DirectInternetAccess`: AWS's default is Enabled, so EP101.
pub const LEAKY_NOTEBOOK: &str = concat!(
    r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
"#,
    execution_role!(),
    r#"  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: !GetAtt ExecutionRole.Arn
"#
);

/// A network-isolated model: no channel at all.
pub const SEALED_MODEL: &str = concat!(
    r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
"#,
    execution_role!(),
    r#"  Model:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: !GetAtt ExecutionRole.Arn
      EnableNetworkIsolation: true
      PrimaryContainer:
        Image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/model:latest
"#
);

/// `DirectInternetAccess` from a parameter without a default: unknown unless `--param` gives it.
pub const UNRESOLVED_NOTEBOOK: &str = concat!(
    r#"AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Access:
    Type: String
Resources:
"#,
    execution_role!(),
    r#"  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: !GetAtt ExecutionRole.Arn
      DirectInternetAccess: !Ref Access
"#
);

/// A model in a private subnet (local routes only) beside an interface endpoint with AWS's
/// default full-access policy: EP302, a medium finding, and nothing high.
pub const MEDIUM_ONLY: &str = concat!(
    r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  Subnet:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: 10.0.1.0/24
  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: model
      VpcId: !Ref Vpc
      SecurityGroupIngress:
        - IpProtocol: tcp
          FromPort: 443
          ToPort: 443
          CidrIp: 10.0.0.0/16
  LogsEndpoint:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: com.amazonaws.us-east-1.logs
      VpcEndpointType: Interface
      PrivateDnsEnabled: true
      SubnetIds: [!Ref Subnet]
      SecurityGroupIds: [!Ref Sg]
"#,
    execution_role!(),
    r#"  Model:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: !GetAtt ExecutionRole.Arn
      PrimaryContainer:
        Image: 123456789012.dkr.ecr.us-east-1.amazonaws.com/model:latest
      VpcConfig:
        Subnets: [!Ref Subnet]
        SecurityGroupIds: [!Ref Sg]
"#
);

/// The binary, with a time limit: a hang is a failure, not a stuck CI job.
pub fn egressproof() -> Command {
    let mut cmd = assert_cmd::cargo::cargo_bin_cmd!("egressproof");
    cmd.timeout(Duration::from_secs(120));
    cmd.env_remove("NO_COLOR");
    // Where `terraform init` kept its modules: the tests say so themselves.
    cmd.env_remove("TF_DATA_DIR");
    cmd
}

pub fn write(dir: &Path, rel: &str, text: impl AsRef<[u8]>) {
    let path = dir.join(rel);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(path, text).unwrap();
}

/// The outcome of `egressproof scan --format json ARGS...`.
pub struct Scan {
    pub code: i32,
    pub report: serde_json::Value,
    pub stdout: String,
    pub stderr: String,
}

impl Scan {
    /// The rule codes of the findings (not the hardening ones), in report order.
    pub fn rules(&self) -> Vec<String> {
        self.report["findings"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|f| f["rule"].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The unknowns as (rule, file, message).
    pub fn unknowns(&self) -> Vec<(String, String, String)> {
        self.report["unknowns"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|u| {
                        (
                            u["rule"].as_str().unwrap_or_default().to_string(),
                            u["file"].as_str().unwrap_or_default().to_string(),
                            u["message"].as_str().unwrap_or_default().to_string(),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// Runs a JSON scan in `cwd` and parses the report. Panics with the whole output when the
/// report is not JSON, or when the process panicked.
pub fn scan_json(cwd: &Path, args: &[&str]) -> Scan {
    let output = egressproof()
        .current_dir(cwd)
        .arg("scan")
        .args(["--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "the scan panicked:\n{stderr}");
    let code = output.status.code().unwrap_or(-1);
    let report = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!("exit {code}: the report is not JSON ({e}):\n{stdout}\nstderr:\n{stderr}")
    });
    Scan {
        code,
        report,
        stdout,
        stderr,
    }
}
