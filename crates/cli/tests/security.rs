//! The scanner's own security, end to end through the binary: a template in a pull request must
//! not make the scan read files outside the scanned tree (and print them in a report that many
//! people read), discovery must not follow links out of it, and a scan makes no network call.

mod common;

use common::*;
use egressproof_report::Format;
use std::path::Path;

/// What the file outside the tree holds. Shaped like no credential, so that redaction in the
/// reports cannot be what hides it: only not reading it can.
const CANARY: &str = "outsidecanary7f3a";

/// An S3 gateway endpoint on the notebook's route table whose policy writes to a bucket named
/// by a file: EP301 prints the resource, so whatever the file holds would be in every report.
fn s3_endpoint_reading(path: &str) -> String {
    format!(
        r#"data "aws_region" "current" {{}}

resource "aws_vpc" "Vpc" {{
  cidr_block = "10.20.0.0/16"
}}

resource "aws_subnet" "PrivateSubnet" {{
  vpc_id     = aws_vpc.Vpc.id
  cidr_block = "10.20.1.0/24"
}}

resource "aws_route_table" "PrivateRouteTable" {{
  vpc_id = aws_vpc.Vpc.id
}}

resource "aws_route_table_association" "PrivateAssociation" {{
  subnet_id      = aws_subnet.PrivateSubnet.id
  route_table_id = aws_route_table.PrivateRouteTable.id
}}

resource "aws_security_group" "WorkloadSecurityGroup" {{
  name   = "workloads"
  vpc_id = aws_vpc.Vpc.id
  egress {{
    protocol    = "-1"
    from_port   = 0
    to_port     = 0
    cidr_blocks = ["0.0.0.0/0"]
  }}
}}

resource "aws_sagemaker_notebook_instance" "Notebook" {{
  name                   = "notebook"
  instance_type          = "ml.t3.medium"
  role_arn               = "arn:aws:iam::111122223333:role/sagemaker"
  subnet_id              = aws_subnet.PrivateSubnet.id
  security_groups        = [aws_security_group.WorkloadSecurityGroup.id]
  direct_internet_access = "Disabled"
}}

resource "aws_vpc_endpoint" "S3Endpoint" {{
  vpc_id            = aws_vpc.Vpc.id
  vpc_endpoint_type = "Gateway"
  service_name      = "com.amazonaws.${{data.aws_region.current.name}}.s3"
  route_table_ids   = [aws_route_table.PrivateRouteTable.id]

  policy = jsonencode({{
    Version = "2012-10-17"
    Statement = [{{
      Effect    = "Allow"
      Principal = "*"
      Action    = "s3:*"
      Resource  = "arn:aws:s3:::${{trimspace(file("{path}"))}}*/*"
    }}]
  }})
}}
"#
    )
}

/// A template that would show the canary in every report if it were read.
fn leaky_template_named_canary() -> String {
    LEAKY_NOTEBOOK.replace("  Notebook:", &format!("  Notebook{CANARY}:"))
}

/// Runs `scan` in every format; returns each format's output (stdout and stderr together).
fn every_format(cwd: &Path, args: &[&str]) -> Vec<(Format, String)> {
    Format::ALL
        .into_iter()
        .map(|f| {
            let out = egressproof()
                .current_dir(cwd)
                .arg("scan")
                .args(["--format", f.as_str()])
                .args(args)
                .output()
                .unwrap();
            let text = format!(
                "{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            assert!(!text.contains("panicked"), "{text}");
            (f, text)
        })
        .collect()
}

fn assert_no_canary(outputs: &[(Format, String)]) {
    for (format, text) in outputs {
        assert!(
            !text.contains(CANARY),
            "the {} report shows the outside file's content:\n{text}",
            format.as_str()
        );
    }
}

/// The EP902 unknowns whose message names `what`.
fn ep902_naming(scan: &Scan, what: &str) -> Vec<String> {
    scan.unknowns()
        .into_iter()
        .filter(|(rule, _, message)| rule == "EP902" && message.contains(what))
        .map(|(_, _, message)| message)
        .collect()
}

fn assert_refused_with_the_option(scan: &Scan, what: &str) {
    let found = ep902_naming(scan, what);
    assert!(
        found
            .iter()
            .any(|m| m.contains("--allow-read DIR") && m.contains("not read")),
        "no EP902 naming {what} and --allow-read: {:?}",
        scan.unknowns()
    );
}

/// `work/secret.env` outside, `work/infra` scanned.
fn terraform_attack() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "secret.env", format!("{CANARY}\n"));
    write(
        dir.path(),
        "infra/main.tf",
        s3_endpoint_reading("../secret.env"),
    );
    dir
}

#[test]
fn terraform_file_outside_the_tree_is_an_ep902_in_every_format() {
    let dir = terraform_attack();
    let infra = dir.path().join("infra");
    assert_no_canary(&every_format(&infra, &["."]));
    let scan = scan_json(&infra, &["."]);
    assert_refused_with_the_option(&scan, "../secret.env");
    assert_eq!(scan.report["verdict"], "leaks", "{}", scan.stdout);
}

#[test]
fn allow_read_lets_the_scan_read_outside_the_tree() {
    let dir = terraform_attack();
    let infra = dir.path().join("infra");
    let scan = scan_json(&infra, &["--allow-read", "..", "."]);
    assert!(scan.stdout.contains(CANARY), "{}", scan.stdout);
    assert!(ep902_naming(&scan, "../secret.env").is_empty());

    // The same from the config file, relative to its directory.
    write(&infra, ".egressproof.toml", "allow_read = [\"..\"]\n");
    let scan = scan_json(&infra, &["."]);
    assert!(scan.stdout.contains(CANARY), "{}", scan.stdout);
}

#[test]
fn an_allowed_directory_that_does_not_exist_is_a_usage_error() {
    let dir = terraform_attack();
    egressproof()
        .current_dir(dir.path().join("infra"))
        .args(["scan", "--allow-read", "../nowhere", "."])
        .assert()
        .code(2)
        .stderr(predicates::str::contains("../nowhere"));
}

#[test]
fn the_enclosing_repository_is_readable() {
    let dir = terraform_attack();
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let scan = scan_json(&dir.path().join("infra"), &["."]);
    assert!(scan.stdout.contains(CANARY), "{}", scan.stdout);
}

#[cfg(unix)]
#[test]
fn a_symlink_in_the_tree_does_not_carry_reads_out_of_it() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "outside/bucket.txt", format!("{CANARY}\n"));
    write(
        dir.path(),
        "infra/main.tf",
        s3_endpoint_reading("./shared/bucket.txt"),
    );
    std::os::unix::fs::symlink(dir.path().join("outside"), dir.path().join("infra/shared"))
        .unwrap();
    let infra = dir.path().join("infra");
    assert_no_canary(&every_format(&infra, &["."]));
    assert_refused_with_the_option(&scan_json(&infra, &["."]), "./shared/bucket.txt");
}

/// The CloudFormation twin: nested stacks whose `TemplateURL` leaves the tree, names a file
/// that is not a template, or names the process's environment.
#[test]
fn cloudformation_nested_stacks_outside_the_tree_are_ep902_in_every_format() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "outside.yaml", leaky_template_named_canary());
    write(dir.path(), "secret.env", format!("SECRET={CANARY}\n"));
    write(
        dir.path(),
        "infra/main.yaml",
        r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Outside:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ../outside.yaml
  Env:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ../secret.env
  Proc:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: /proc/self/environ
  Included:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      Fn::Transform:
        Name: AWS::Include
        Parameters:
          Location: ../outside.yaml
"#,
    );
    let infra = dir.path().join("infra");
    let outputs = every_format(&infra, &["."]);
    assert_no_canary(&outputs);
    let scan = scan_json(&infra, &["."]);
    assert_refused_with_the_option(&scan, "../outside.yaml");
    assert_refused_with_the_option(&scan, "../secret.env");
    let proc: Vec<_> = scan
        .unknowns()
        .into_iter()
        .filter(|(_, _, m)| m.contains("/proc/self/environ"))
        .collect();
    assert!(
        proc.iter()
            .any(|(rule, _, m)| rule == "EP902" && m.contains("not read")),
        "{:?}",
        scan.unknowns()
    );
    // Nothing was opened: no parse error of the environment or of the env file.
    assert!(
        !scan
            .unknowns()
            .iter()
            .any(|(rule, _, m)| rule == "EP901" || m.contains("binary content")),
        "{:?}",
        scan.unknowns()
    );
    assert_ne!(scan.report["verdict"], "sealed", "{}", scan.stdout);

    // Allowed, the outside template is read like any nested stack.
    let allowed = scan_json(&infra, &["--allow-read", "..", "."]);
    assert!(allowed.stdout.contains(CANARY), "{}", allowed.stdout);
}

/// A nested stack inside the tree is still followed (through `..` that stays inside).
#[test]
fn a_nested_stack_inside_the_tree_is_still_loaded() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "infra/child/nb.yaml",
        leaky_template_named_canary(),
    );
    // The parent holds a workload of its own, so that its environment is judged.
    write(
        dir.path(),
        "infra/parent/main.yaml",
        format!(
            "{SEALED_MODEL}  Child:\n    Type: AWS::CloudFormation::Stack\n    Properties:\n      TemplateURL: ../child/nb.yaml\n"
        ),
    );
    let scan = scan_json(dir.path(), &["infra/parent/main.yaml"]);
    assert!(
        scan.unknowns()
            .iter()
            .any(|(_, _, m)| m.contains("--allow-read")),
        "a file root's reach is its own directory: {:?}",
        scan.unknowns()
    );
    let scan = scan_json(dir.path(), &["infra"]);
    assert!(scan.stdout.contains(CANARY), "{}", scan.stdout);
    assert!(ep902_naming(&scan, "--allow-read").is_empty());
}

#[cfg(unix)]
#[test]
fn discovery_does_not_follow_a_symlink_out_of_the_tree() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "elsewhere/nb.yaml",
        leaky_template_named_canary(),
    );
    write(
        dir.path(),
        "elsewhere/single.yaml",
        leaky_template_named_canary(),
    );
    write(dir.path(), "scan/model.yaml", SEALED_MODEL);
    write(dir.path(), "scan/inside/nb.yaml", LEAKY_NOTEBOOK);
    let scan_dir = dir.path().join("scan");
    std::os::unix::fs::symlink(dir.path().join("elsewhere"), scan_dir.join("linked")).unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("elsewhere/single.yaml"),
        scan_dir.join("single.yaml"),
    )
    .unwrap();
    // A link that stays inside is followed.
    std::os::unix::fs::symlink(scan_dir.join("inside"), scan_dir.join("alias")).unwrap();

    assert_no_canary(&every_format(&scan_dir, &["."]));
    let scan = scan_json(&scan_dir, &["."]);
    for link in ["linked", "single.yaml"] {
        assert!(
            scan.unknowns().iter().any(|(rule, file, m)| rule == "EP901"
                && file == link
                && m.contains("--allow-read")),
            "{link}: {:?}",
            scan.unknowns()
        );
    }
    let files: Vec<&str> = scan.report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["resource"]["file"].as_str())
        .collect();
    assert!(files.contains(&"alias/nb.yaml"), "{files:?}");

    // Allowed, the links are followed.
    let allowed = scan_json(&scan_dir, &["--allow-read", "../elsewhere", "."]);
    assert!(allowed.stdout.contains(CANARY), "{}", allowed.stdout);
}

/// Inputs that name remote things (a registry module, a git module, nested stacks on S3 and
/// HTTPS): a scan reports them as unknowns and fetches none.
fn remote_references(dir: &Path) {
    write(
        dir,
        "tf/main.tf",
        r#"module "vpc" {
  source = "terraform-aws-modules/vpc/aws"
}
module "git" {
  source = "git::https://example.com/modules/net.git?ref=v1"
}
resource "aws_sagemaker_notebook_instance" "nb" {
  name          = "nb"
  instance_type = "ml.t3.medium"
  role_arn      = "arn:aws:iam::111122223333:role/sagemaker"
  subnet_id     = module.vpc.private_subnets[0]
}
"#,
    );
    write(
        dir,
        "cfn/main.yaml",
        r#"AWSTemplateFormatVersion: "2010-09-09"
Resources:
  S3Stack:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: s3://example-bucket/net.yaml
  HttpsStack:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://example.com/net.yaml
  Model:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: arn:aws:iam::123456789012:role/exec
      EnableNetworkIsolation: true
"#,
    );
}

/// The JSON report without what differs between any two runs (the time taken).
fn timeless(stdout: &[u8]) -> serde_json::Value {
    let mut report: serde_json::Value = serde_json::from_slice(stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}", String::from_utf8_lossy(stdout)));
    if let Some(summary) = report["summary"].as_object_mut() {
        summary.remove("seconds");
    }
    report
}

/// A scan makes no network call of any kind: in a network namespace with no interface but a
/// loopback that is down, it gives the same report as a normal run. Needs unprivileged user
/// namespaces (`unshare -rn`); where they are unavailable the test fails and says so, unless
/// `EGRESSPROOF_NO_NETNS` explains why this machine cannot run it.
#[cfg(target_os = "linux")]
#[test]
fn a_scan_makes_no_network_call() {
    let probe = std::process::Command::new("unshare")
        .args(["-rn", "true"])
        .output();
    let usable = matches!(&probe, Ok(out) if out.status.success());
    if !usable {
        let why = match &probe {
            Ok(out) => String::from_utf8_lossy(&out.stderr).into_owned(),
            Err(e) => e.to_string(),
        };
        match std::env::var("EGRESSPROOF_NO_NETNS") {
            Ok(reason) if !reason.trim().is_empty() => {
                eprintln!(
                    "NOT RUN: a_scan_makes_no_network_call needs `unshare -rn` ({why}); \
                     EGRESSPROOF_NO_NETNS says: {reason}"
                );
                return;
            }
            _ => panic!(
                "`unshare -rn true` failed ({why}): this test needs unprivileged user \
                 namespaces to run a scan without network. Enable them \
                 (sysctl kernel.unprivileged_userns_clone=1), or set EGRESSPROOF_NO_NETNS to \
                 the reason this machine cannot"
            ),
        }
    }

    let dir = tempfile::tempdir().unwrap();
    remote_references(dir.path());
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let bin = env!("CARGO_BIN_EXE_egressproof");
    let args = [
        "scan".as_ref(),
        "--format".as_ref(),
        "json".as_ref(),
        examples.as_os_str(),
        dir.path().as_os_str(),
    ];

    let normal = std::process::Command::new(bin).args(args).output().unwrap();
    let isolated = std::process::Command::new("unshare")
        .arg("-rn")
        .arg(bin)
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&isolated.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(normal.status.code(), isolated.status.code(), "{stderr}");
    let report = timeless(&normal.stdout);
    assert_eq!(report, timeless(&isolated.stdout));
    // The remote references were seen, and left unread.
    let text = report.to_string();
    for what in [
        "terraform-aws-modules/vpc/aws",
        "example.com/modules/net.git",
        "s3://example-bucket/net.yaml",
        "https://example.com/net.yaml",
    ] {
        assert!(text.contains(what), "{what} not reported:\n{text}");
    }
}
