//! The proof: every blueprint, scanned by egressproof itself, is `sealed` with no finding of any
//! severity; and removing any one control makes the scan name the rule that control satisfies.

use egressproof_analysis::{analyze, Analysis, Options, Principals, Verdict};
use egressproof_blueprint::{generate, parse_cidr, BlueprintOptions, GeneratedFile, OutputFormat};
use std::path::Path;

fn write(dir: &Path, files: &[GeneratedFile]) {
    for f in files {
        let path = dir.join(&f.path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, &f.contents).unwrap();
    }
}

/// Scans the generated template(s) the way `egressproof scan` does.
fn scan(format: OutputFormat, files: &[GeneratedFile]) -> Analysis {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), files);
    let model = match format {
        OutputFormat::CloudFormation => {
            let input = egressproof_load_cfn::Input {
                path: dir.path().join("template.yaml"),
                display: "template.yaml".into(),
            };
            let loaded = egressproof_load_cfn::load(&[input], &Default::default());
            assert_eq!(loaded.templates, 1);
            loaded.model
        }
        OutputFormat::Terraform => {
            let loaded = egressproof_load_tf::load_dirs(
                &[(dir.path().to_path_buf(), ".".into())],
                &Default::default(),
            );
            assert_eq!(loaded.files, 4);
            loaded.model
        }
    };
    analyze(&model, &scan_options(files))
}

/// The settings of the `.egressproof.toml` the blueprint writes, read as `egressproof scan`
/// reads them (its two keys: the declared principals and the trusted CIDRs), so that what the
/// scan takes as given is what the file says, not what the test assumes.
fn scan_options(files: &[GeneratedFile]) -> Options {
    let config = files
        .iter()
        .find(|f| f.path.to_str() == Some(".egressproof.toml"))
        .map(|f| f.contents.as_str())
        .expect("the blueprint writes .egressproof.toml");
    let mut options = Options::default();
    for line in config.lines().filter(|l| !l.starts_with('#')) {
        match line.split_once(" = ") {
            Some(("principals", "\"complete\"")) => options.principals = Principals::Complete,
            Some(("trusted_cidrs", list)) => {
                options.trusted_cidrs = list
                    .trim_matches(['[', ']'])
                    .split(", ")
                    .map(|c| c.trim_matches('"').parse().expect("a CIDR"))
                    .collect()
            }
            None if line.trim().is_empty() => {}
            other => panic!("unexpected line in .egressproof.toml: {other:?}"),
        }
    }
    options
}

fn explain(a: &Analysis) -> String {
    let mut s = format!("verdict {:?}\n", a.verdict);
    for f in &a.findings {
        s.push_str(&format!(
            "  {} [{}] {}: {}\n",
            f.rule,
            f.severity.as_str(),
            f.resource.name,
            f.message
        ));
    }
    for u in &a.unknowns {
        s.push_str(&format!("  {} {}\n", u.rule, u.message));
    }
    s
}

fn matrix(format: OutputFormat, org: bool) -> Vec<BlueprintOptions> {
    let mut out = Vec::new();
    for azs in [1u8, 3] {
        for bits in 0..4u8 {
            let mut o = BlueprintOptions {
                format,
                azs,
                ..Default::default()
            };
            if org {
                o.org_id = Some("o-a1b2c3d4e5".into());
            }
            if bits & 1 != 0 {
                o.direct_connect = true;
                o.corporate_cidrs = vec![
                    parse_cidr("192.168.0.0/16").unwrap(),
                    parse_cidr("172.16.0.0/12").unwrap(),
                ];
            }
            o.package_mirror = bits & 2 != 0;
            out.push(o);
        }
    }
    out
}

fn assert_sealed(options: Vec<BlueprintOptions>) {
    let total = options.len();
    let mut failures = Vec::new();
    for o in options {
        let files = generate(&o).unwrap();
        let a = scan(o.format, &files);
        if a.verdict != Verdict::Sealed || !a.findings.is_empty() || !a.unknowns.is_empty() {
            failures.push(format!("{o:?}\n{}", explain(&a)));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {total} not sealed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn cloudformation_blueprints_are_sealed_with_no_finding() {
    assert_sealed(matrix(OutputFormat::CloudFormation, false));
}

#[test]
fn organization_keyed_cloudformation_blueprints_are_sealed() {
    assert_sealed(matrix(OutputFormat::CloudFormation, true));
}

#[test]
fn terraform_blueprints_are_sealed_with_no_finding() {
    assert_sealed(matrix(OutputFormat::Terraform, false));
}

#[test]
fn organization_keyed_terraform_blueprints_are_sealed() {
    assert_sealed(matrix(OutputFormat::Terraform, true));
}

/// Presigned URLs restricted to a public corporate range are still restricted (no EP401).
#[test]
fn public_corporate_range_is_sealed_too() {
    for format in [OutputFormat::CloudFormation, OutputFormat::Terraform] {
        let o = BlueprintOptions {
            format,
            corporate_cidrs: vec![parse_cidr("203.0.113.0/24").unwrap()],
            ..Default::default()
        };
        let a = scan(format, &generate(&o).unwrap());
        assert!(
            a.verdict == Verdict::Sealed && a.findings.is_empty(),
            "{}",
            explain(&a)
        );
    }
}

// ---------------------------------------------------------------------------------------------
// mutations: remove one control, expect its rule

/// Removes the first line at or after the line starting with `anchor` whose trimmed text starts
/// with `needle`, together with everything nested under it (deeper-indented YAML lines, or up to
/// the matching closing bracket in HCL).
fn remove(text: &str, anchor: &str, needle: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with(anchor))
        .unwrap_or_else(|| panic!("no anchor {anchor}"));
    let at = (start..lines.len())
        .find(|&i| lines[i].trim_start().starts_with(needle))
        .unwrap_or_else(|| panic!("no {needle} after {anchor}"));
    let indent = lines[at].len() - lines[at].trim_start().len();
    let opens = lines[at].trim_end().ends_with(['{', '[', '(']);
    let mut end = at + 1;
    if opens {
        // HCL: up to the closing line at the same indent
        while end < lines.len() {
            let l = lines[end];
            let i = l.len() - l.trim_start().len();
            end += 1;
            if i == indent && l.trim_start().starts_with(['}', ']', ')']) {
                break;
            }
        }
    } else if !lines[at].contains(" = ") {
        // YAML: everything more indented (a `- ` item's continuation is two deeper)
        let item = lines[at].trim_start().starts_with("- ");
        while end < lines.len() {
            let l = lines[end];
            let i = l.len() - l.trim_start().len();
            if l.trim().is_empty() || i < indent + if item { 2 } else { 1 } {
                break;
            }
            end += 1;
        }
    }
    let mut out: Vec<&str> = lines[..at].to_vec();
    out.extend_from_slice(&lines[end..]);
    out.join("\n") + "\n"
}

fn mutate(files: &[GeneratedFile], path: &str, edits: &[(&str, &str)]) -> Vec<GeneratedFile> {
    files
        .iter()
        .map(|f| {
            if f.path.to_str() == Some(path) {
                let mut c = f.contents.clone();
                for (anchor, needle) in edits {
                    let before = c.clone();
                    c = if *needle == WHOLE_RESOURCE {
                        remove_resource(&c, anchor)
                    } else {
                        remove(&c, anchor, needle)
                    };
                    assert_ne!(before, c, "{anchor} / {needle} removed nothing");
                }
                // a member removed from the middle of a JSON object leaves a trailing comma
                let lines: Vec<&str> = c.lines().collect();
                let mut fixed = Vec::with_capacity(lines.len());
                for (i, l) in lines.iter().enumerate() {
                    let next = lines.get(i + 1).map(|n| n.trim_start()).unwrap_or("");
                    if l.ends_with(',')
                        && l.trim_start().starts_with('"')
                        && (next.starts_with('}') || next.starts_with(']'))
                    {
                        fixed.push(l.trim_end_matches(','));
                    } else {
                        fixed.push(l);
                    }
                }
                c = fixed.join("\n") + "\n";
                GeneratedFile {
                    path: f.path.clone(),
                    contents: c,
                }
            } else {
                f.clone()
            }
        })
        .collect()
}

/// As the needle of an edit: remove the whole resource that the anchor starts.
const WHOLE_RESOURCE: &str = "<whole resource>";

/// Removes a resource: a CloudFormation logical ID with its comment, up to the next blank line;
/// or a Terraform `resource` block with its comment, up to its closing brace.
fn remove_resource(text: &str, anchor: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with(anchor))
        .unwrap_or_else(|| panic!("no anchor {anchor}"));
    let mut first = start;
    while first > 0 && lines[first - 1].trim_start().starts_with('#') {
        first -= 1;
    }
    let end = (start..lines.len())
        .find(|&i| {
            if anchor.starts_with("resource ") {
                lines[i] == "}"
            } else {
                lines[i].trim().is_empty()
            }
        })
        .map(|i| i + 1)
        .unwrap_or(lines.len());
    let mut out: Vec<&str> = lines[..first].to_vec();
    out.extend_from_slice(&lines[end..]);
    out.join("\n") + "\n"
}

struct Mutation {
    what: &'static str,
    rule: &'static str,
    cfn: &'static [(&'static str, &'static str)],
    tf: &'static [(&'static str, &'static str)],
}

/// Among them the S3 endpoint's policy: the workloads' security group lets HTTPS out to the S3
/// prefix list, so they reach the gateway endpoint (without that rule they could not read their
/// data), and its policy is what keeps them to this account's buckets.
const MUTATIONS: &[Mutation] = &[
    Mutation {
        what: "S3 endpoint policy",
        rule: "EP301",
        cfn: &[("  S3Endpoint:", "PolicyDocument:")],
        tf: &[("resource \"aws_vpc_endpoint\" \"s3\"", "policy = ")],
    },
    Mutation {
        what: "STS endpoint policy",
        rule: "EP302",
        cfn: &[("  StsEndpoint:", "PolicyDocument:")],
        tf: &[("resource \"aws_vpc_endpoint\" \"sts\"", "policy = ")],
    },
    Mutation {
        what: "logs endpoint policy",
        rule: "EP302",
        cfn: &[("  LogsEndpoint:", "PolicyDocument:")],
        tf: &[("resource \"aws_vpc_endpoint\" \"logs\"", "policy = ")],
    },
    Mutation {
        what: "SageMaker API endpoint policy",
        rule: "EP302",
        cfn: &[("  SageMakerApiEndpoint:", "PolicyDocument:")],
        tf: &[(
            "resource \"aws_vpc_endpoint\" \"sagemaker_api\"",
            "policy = ",
        )],
    },
    Mutation {
        what: "training isolation and VPC",
        rule: "EP103",
        cfn: &[
            ("  TrainingPipeline:", "\"EnableNetworkIsolation\""),
            ("  TrainingPipeline:", "\"VpcConfig\""),
        ],
        tf: &[
            (
                "resource \"aws_sagemaker_pipeline\"",
                "EnableNetworkIsolation ",
            ),
            ("resource \"aws_sagemaker_pipeline\"", "VpcConfig = "),
        ],
    },
    Mutation {
        what: "model isolation and VPC",
        rule: "EP104",
        cfn: &[
            ("  Model:", "EnableNetworkIsolation:"),
            ("  Model:", "VpcConfig:"),
        ],
        tf: &[
            (
                "resource \"aws_sagemaker_model\"",
                "enable_network_isolation",
            ),
            ("resource \"aws_sagemaker_model\"", "vpc_config {"),
        ],
    },
    Mutation {
        what: "presigned-URL restriction",
        rule: "EP401",
        cfn: &[("  DataScientistRole:", "- Sid: PresignedUrlsOnly")],
        tf: &[(
            "resource \"aws_iam_role_policy\" \"data_scientist\"",
            "Sid ",
        )],
    },
    Mutation {
        what: "VpcOnly",
        rule: "EP102",
        cfn: &[("  StudioDomain:", "AppNetworkAccessType:")],
        tf: &[(
            "resource \"aws_sagemaker_domain\"",
            "app_network_access_type",
        )],
    },
    Mutation {
        what: "DirectInternetAccess",
        rule: "EP101",
        cfn: &[("  Notebook:", "DirectInternetAccess:")],
        tf: &[(
            "resource \"aws_sagemaker_notebook_instance\"",
            "direct_internet_access",
        )],
    },
    Mutation {
        what: "DNS firewall association",
        rule: "EP305",
        cfn: &[("  DnsFirewallAssociation:", "DnsFirewallAssociation:")],
        tf: &[(
            "resource \"aws_route53_resolver_firewall_rule_group_association\"",
            "resource \"aws_route53_resolver_firewall_rule_group_association\"",
        )],
    },
];

#[test]
fn removing_any_control_names_its_rule() {
    check_mutations(
        &MUTATIONS
            .iter()
            .filter(|m| m.rule != "EP305")
            .collect::<Vec<_>>(),
    );
}

/// The whole association goes (a missing `VpcId` alone would be a template CloudFormation
/// rejects, and an association whose VPC is unresolved may well be this VPC's).
#[test]
fn removing_the_dns_firewall_names_ep305() {
    check_mutations(
        &MUTATIONS
            .iter()
            .filter(|m| m.rule == "EP305")
            .collect::<Vec<_>>(),
    );
}

fn check_mutations(mutations: &[&Mutation]) {
    let mut failures = Vec::new();
    for format in [OutputFormat::CloudFormation, OutputFormat::Terraform] {
        let o = BlueprintOptions {
            format,
            corporate_cidrs: vec![parse_cidr("192.168.0.0/16").unwrap()],
            ..Default::default()
        };
        let files = generate(&o).unwrap();
        for m in mutations {
            let (path, edits) = match format {
                OutputFormat::CloudFormation => ("template.yaml", m.cfn),
                OutputFormat::Terraform => ("main.tf", m.tf),
            };
            let edits: Vec<(&str, &str)> = if format == OutputFormat::Terraform && m.rule == "EP401"
            {
                // the Deny is the second statement of the data scientists' policy
                vec![]
            } else {
                edits.to_vec()
            };
            let mutated = if edits.is_empty() {
                remove_tf_presign_deny(&files)
            } else {
                mutate(&files, path, &edits)
            };
            let a = scan(format, &mutated);
            if !a.findings.iter().any(|f| f.rule == m.rule) {
                failures.push(format!(
                    "{format:?}: without the {} expected {}, got\n{}",
                    m.what,
                    m.rule,
                    explain(&a)
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// In HCL the Deny statement is an object in a list: drop the object holding its Sid.
fn remove_tf_presign_deny(files: &[GeneratedFile]) -> Vec<GeneratedFile> {
    files
        .iter()
        .map(|f| {
            if f.path.to_str() != Some("main.tf") {
                return f.clone();
            }
            let lines: Vec<&str> = f.contents.lines().collect();
            let sid = lines
                .iter()
                .position(|l| {
                    l.contains("Sid ")
                        && l.contains("PresignedUrlsOnlyFromCorporateNetworkOrEndpoints")
                })
                .unwrap();
            let open = (0..sid).rev().find(|&i| lines[i].trim() == "{").unwrap();
            let indent = lines[open].len() - lines[open].trim_start().len();
            let close = (sid..lines.len())
                .find(|&i| {
                    lines[i].trim() == "},"
                        && lines[i].len() - lines[i].trim_start().len() == indent
                })
                .unwrap();
            let mut out: Vec<&str> = lines[..open].to_vec();
            out.extend_from_slice(&lines[close + 1..]);
            GeneratedFile {
                path: f.path.clone(),
                contents: out.join("\n") + "\n",
            }
        })
        .collect()
}

#[test]
fn mutation_helper_removes_nested_blocks() {
    let yaml = "  A:\n    P:\n      Q: 1\n      R:\n        - x\n    S: 2\n";
    assert_eq!(remove(yaml, "  A:", "P:"), "  A:\n    S: 2\n");
    let hcl =
        "resource \"a\" \"b\" {\n  x = 1\n  policy = jsonencode({\n    V = 1\n  })\n  y = 2\n}\n";
    assert_eq!(
        remove(hcl, "resource \"a\"", "policy = "),
        "resource \"a\" \"b\" {\n  x = 1\n  y = 2\n}\n"
    );
}
