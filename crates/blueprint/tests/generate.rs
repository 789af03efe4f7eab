//! The generator's own contract: validated options, deterministic bytes, well-formed files.

mod common;

use common::{defaults as opts, everything as full, ipv6_corporate};
use egressproof_blueprint::{
    generate, parse_cidr, BlueprintError, BlueprintOptions, GeneratedFile, OutputFormat, Workload,
};

fn get<'a>(files: &'a [GeneratedFile], path: &str) -> &'a str {
    files
        .iter()
        .find(|f| f.path.to_str() == Some(path))
        .map(|f| f.contents.as_str())
        .unwrap_or_else(|| {
            panic!(
                "no {path} in {:?}",
                files.iter().map(|f| &f.path).collect::<Vec<_>>()
            )
        })
}

#[test]
fn same_options_same_bytes() {
    for format in [OutputFormat::CloudFormation, OutputFormat::Terraform] {
        for o in [opts(format), full(format), ipv6_corporate(format)] {
            assert_eq!(generate(&o).unwrap(), generate(&o).unwrap());
        }
    }
}

#[test]
fn writes_the_documented_files() {
    let names = |o| {
        generate(&o)
            .unwrap()
            .into_iter()
            .map(|f| f.path.to_string_lossy().into_owned())
            .collect::<Vec<_>>()
    };
    let common = [
        "guardrails/scp.json",
        "guardrails/data-scientist-policy.json",
        "training-job-request.json",
        "README.md",
        ".egressproof.toml",
    ];
    let cfn = names(opts(OutputFormat::CloudFormation));
    assert_eq!(cfn[0], "template.yaml");
    assert_eq!(&cfn[1..], common);
    let tf = names(opts(OutputFormat::Terraform));
    assert_eq!(
        &tf[..4],
        ["main.tf", "variables.tf", "outputs.tf", "versions.tf"]
    );
    assert_eq!(&tf[4..], common);
}

#[test]
fn bad_options_are_refused() {
    let bad = |f: &dyn Fn(&mut BlueprintOptions)| {
        let mut o = BlueprintOptions::default();
        f(&mut o);
        generate(&o).unwrap_err()
    };
    assert_eq!(bad(&|o| o.azs = 0), BlueprintError::InvalidAzCount(0));
    assert_eq!(bad(&|o| o.azs = 7), BlueprintError::InvalidAzCount(7));
    assert!(matches!(
        bad(&|o| o.name = "Bad_Name".into()),
        BlueprintError::InvalidName(_)
    ));
    assert!(matches!(
        bad(&|o| o.name = String::new()),
        BlueprintError::InvalidName(_)
    ));
    assert!(matches!(
        bad(&|o| o.vpc_cidr = "8.8.0.0/16".parse().unwrap()),
        BlueprintError::PublicVpcCidr(_)
    ));
    assert!(matches!(
        bad(&|o| o.vpc_cidr = "10.0.0.0/8".parse().unwrap()),
        BlueprintError::VpcTooSmall { .. }
    ));
    assert!(matches!(
        bad(&|o| {
            o.vpc_cidr = "10.0.0.0/27".parse().unwrap();
            o.azs = 3;
        }),
        BlueprintError::VpcTooSmall { .. }
    ));
    assert!(matches!(
        bad(&|o| o.corporate_cidrs = vec![parse_cidr("10.0.5.0/24").unwrap()]),
        BlueprintError::CorporateOverlapsVpc { .. }
    ));
    for wide in [
        "0.0.0.0/0",
        "0.0.0.0/1",
        "128.0.0.0/1",
        "8.0.0.0/15",
        "::/1",
        "2000::/16",
    ] {
        assert!(
            matches!(
                bad(&|o| o.corporate_cidrs = vec![parse_cidr(wide).unwrap()]),
                BlueprintError::CorporateTooWide(_)
            ),
            "{wide}"
        );
    }
    assert_eq!(
        bad(&|o| o.direct_connect = true),
        BlueprintError::DirectConnectWithoutCorporateCidr
    );
    assert!(matches!(
        bad(&|o| o.org_id = Some("123".into())),
        BlueprintError::InvalidOrgId(_)
    ));
    assert!(matches!(
        bad(&|o| o.region = Some("mars".into())),
        BlueprintError::InvalidRegion(_)
    ));
    assert!(matches!(
        parse_cidr("10.0.0.300/16"),
        Err(BlueprintError::InvalidCidr(..))
    ));
    assert!(matches!(
        parse_cidr("banana"),
        Err(BlueprintError::InvalidCidr(..))
    ));
}

#[test]
fn every_option_combination_generates() {
    for format in [OutputFormat::CloudFormation, OutputFormat::Terraform] {
        for azs in 1..=6u8 {
            for bits in 0..8u8 {
                let mut o = opts(format);
                o.azs = azs;
                o.org_id = (bits & 1 != 0).then(|| "o-a1b2c3d4e5".to_string());
                if bits & 2 != 0 {
                    o.direct_connect = true;
                    o.corporate_cidrs = vec![parse_cidr("172.16.0.0/12").unwrap()];
                }
                o.package_mirror = bits & 4 != 0;
                o.workloads = vec![Workload::ALL[usize::from(azs) % 4]];
                let files = generate(&o).unwrap_or_else(|e| panic!("{o:?}: {e}"));
                assert!(files.iter().all(|f| !f.contents.is_empty()));
            }
        }
    }
}

#[test]
fn cloudformation_is_well_formed_yaml() {
    use saphyr_parser::{Event, Parser};
    for o in [
        opts(OutputFormat::CloudFormation),
        full(OutputFormat::CloudFormation),
        ipv6_corporate(OutputFormat::CloudFormation),
    ] {
        let files = generate(&o).unwrap();
        let text = get(&files, "template.yaml");
        let mut documents = 0;
        for ev in Parser::new_from_str(text) {
            let (ev, _) = ev.unwrap_or_else(|e| panic!("not YAML: {e:?}"));
            if let Event::DocumentStart(_) = ev {
                documents += 1;
            }
        }
        assert_eq!(documents, 1);
        // the pipeline definition must be JSON once Fn::Sub variables are filled in
        let start = text.find("PipelineDefinitionBody: !Sub |\n").unwrap() + 31;
        let body: String = text[start..]
            .lines()
            .take_while(|l| l.starts_with("          ") || l.is_empty())
            .map(|l| format!("{}\n", l.trim_start()))
            .collect();
        let filled = body.replace("${", "X{");
        let v: serde_json::Value = serde_json::from_str(&filled).unwrap();
        let args = &v["Steps"][0]["Arguments"];
        assert_eq!(args["EnableNetworkIsolation"], true);
        assert_eq!(args["EnableInterContainerTrafficEncryption"], true);
        assert_eq!(
            args["VpcConfig"]["Subnets"].as_array().unwrap().len(),
            o.azs as usize
        );
    }
}

#[test]
fn nothing_routes_to_the_internet() {
    for format in [OutputFormat::CloudFormation, OutputFormat::Terraform] {
        for o in [full(format), ipv6_corporate(format)] {
            let files = generate(&o).unwrap();
            let templates: Vec<&GeneratedFile> = files
                .iter()
                .filter(|f| f.path.extension().is_some_and(|e| e == "yaml" || e == "tf"))
                .collect();
            assert!(!templates.is_empty());
            for f in templates {
                let code: String = f
                    .contents
                    .lines()
                    .filter(|l| !l.trim_start().starts_with('#'))
                    .collect::<Vec<_>>()
                    .join("\n");
                for forbidden in [
                    "0.0.0.0/0",
                    "::/0",
                    "AWS::EC2::InternetGateway",
                    "AWS::EC2::NatGateway",
                    "AWS::EC2::VPNGatewayRoutePropagation",
                    "aws_internet_gateway",
                    "aws_nat_gateway",
                    "aws_vpn_gateway_route_propagation",
                    "propagating_vgws",
                ] {
                    assert!(
                        !code.contains(forbidden),
                        "{} contains {forbidden}",
                        f.path.display()
                    );
                }
            }
        }
    }
}

#[test]
fn json_files_parse_and_use_placeholders() {
    let files = generate(&full(OutputFormat::CloudFormation)).unwrap();
    for path in [
        "guardrails/scp.json",
        "guardrails/data-scientist-policy.json",
        "training-job-request.json",
    ] {
        let v: serde_json::Value = serde_json::from_str(get(&files, path)).unwrap();
        assert!(v.is_object(), "{path}");
    }
    let ds: serde_json::Value =
        serde_json::from_str(get(&files, "guardrails/data-scientist-policy.json")).unwrap();
    let deny = &ds["Statement"][1];
    assert_eq!(deny["Effect"], "Deny");
    assert_eq!(
        deny["Condition"]["NotIpAddress"]["aws:SourceIp"],
        serde_json::json!(["192.168.0.0/16", "203.0.113.0/24"])
    );
    assert_eq!(
        deny["Condition"]["StringNotEquals"]["aws:SourceVpce"],
        serde_json::json!([
            "<NOTEBOOK_ENDPOINT_ID>",
            "<STUDIO_ENDPOINT_ID>",
            "<SAGEMAKER_API_ENDPOINT_ID>"
        ])
    );
    let readme = get(&files, "README.md");
    assert!(readme.contains("<NOTEBOOK_ENDPOINT_ID>"));
}

/// Every guardrail denies the request that omits its condition key.
#[test]
fn scp_is_fail_closed() {
    let files = generate(&opts(OutputFormat::CloudFormation)).unwrap();
    let scp: serde_json::Value = serde_json::from_str(get(&files, "guardrails/scp.json")).unwrap();
    let statements = scp["Statement"].as_array().unwrap();
    let mut keys = Vec::new();
    // The presigned-URL restriction ANDs its two keys on purpose (tested below); the
    // guardrails have one test each.
    let (presigned, guardrails): (Vec<_>, Vec<_>) = statements
        .iter()
        .partition(|st| st["Sid"] == "PresignedUrlsOnlyFromCorporateNetworkOrEndpoints");
    assert_eq!(presigned.len(), 1, "the SCP restricts presigned URLs");
    for st in guardrails {
        assert_eq!(st["Effect"], "Deny");
        let cond = st["Condition"].as_object().unwrap();
        assert_eq!(
            cond.len(),
            1,
            "one test per statement, so absent keys are not ANDed away"
        );
        let (op, kv) = cond.iter().next().unwrap();
        let (key, value) = kv.as_object().unwrap().iter().next().unwrap();
        keys.push(key.clone());
        let closed = match op.as_str() {
            "Null" => value == "true",
            o if o.ends_with("IfExists") => true,
            _ => false,
        };
        assert!(closed, "{} fails open: {op} {key}", st["Sid"]);
    }
    for key in [
        "sagemaker:NetworkIsolation",
        "sagemaker:VpcSubnets",
        "sagemaker:VpcSecurityGroupIds",
        "sagemaker:DirectInternetAccess",
        "sagemaker:AppNetworkAccessType",
    ] {
        assert!(keys.iter().any(|k| k == key), "no guardrail on {key}");
    }
    let text = get(&files, "guardrails/scp.json");
    for action in [
        "sagemaker:CreateTrainingJob",
        "sagemaker:CreateProcessingJob",
        "sagemaker:CreateHyperParameterTuningJob",
        "sagemaker:CreateModel",
        "sagemaker:CreateDataQualityJobDefinition",
        "sagemaker:CreateModelQualityJobDefinition",
        "sagemaker:CreateModelBiasJobDefinition",
        "sagemaker:CreateModelExplainabilityJobDefinition",
        "sagemaker:CreateMonitoringSchedule",
        "sagemaker:CreateAutoMLJob",
        "sagemaker:CreateAutoMLJobV2",
        "sagemaker:CreateNotebookInstance",
        "sagemaker:CreateDomain",
        "sagemaker:CreateCompilationJob",
    ] {
        assert!(
            text.contains(&format!("\"{action}\"")),
            "{action} not covered"
        );
    }
}

#[test]
fn readme_prices_the_endpoints() {
    let mut o = opts(OutputFormat::CloudFormation);
    o.azs = 3;
    o.package_mirror = true;
    let files = generate(&o).unwrap();
    let readme = get(&files, "README.md");
    assert!(
        readme.contains("10 interface endpoints × 3 AZ × 730 h × $0.01 = **$219/month**"),
        "{readme}"
    );
    assert!(readme.contains("aws cloudformation deploy"));
    let tf = generate(&opts(OutputFormat::Terraform)).unwrap();
    let readme = get(&tf, "README.md");
    assert!(
        readme.contains("8 interface endpoints × 2 AZ × 730 h × $0.01 = **$117/month**"),
        "{readme}"
    );
    assert!(readme.contains("terraform init"));
}

/// `terraform fmt` aligns the `=` of consecutive single-line attributes; check every run.
#[test]
fn terraform_is_laid_out_like_terraform_fmt() {
    let files = generate(&full(OutputFormat::Terraform)).unwrap();
    for f in files
        .iter()
        .filter(|f| f.path.extension().is_some_and(|e| e == "tf"))
    {
        let lines: Vec<&str> = f.contents.lines().collect();
        let single = |l: &str| {
            let t = l.trim_start();
            t.contains(" = ")
                && !t.starts_with('#')
                && !l.ends_with('{')
                && !l.ends_with('[')
                && !l.ends_with('(')
        };
        let mut i = 0;
        while i < lines.len() {
            if !single(lines[i]) {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < lines.len() && single(lines[j]) {
                j += 1;
            }
            let cols: Vec<usize> = lines[i..j].iter().map(|l| l.find(" = ").unwrap()).collect();
            assert!(
                cols.iter().all(|c| *c == cols[0]),
                "{}: unaligned run at line {}:\n{}",
                f.path.display(),
                i + 1,
                lines[i..j].join("\n")
            );
            for l in &lines[i..j] {
                let indent = l.len() - l.trim_start().len();
                assert_eq!(indent % 2, 0, "{l}");
            }
            // the longest key has exactly one space before `=`
            assert!(
                lines[i..j].iter().any(|l| !l[..cols[0]].ends_with(' ')),
                "{}: over-padded run at line {}",
                f.path.display(),
                i + 1
            );
            i = j;
        }
        assert!(!f.contents.contains('\t'));
        assert!(f.contents.ends_with("}\n"));
    }
}

/// The SCP holds presigned URLs to the corporate networks and the endpoints for every principal
/// of the account, in the same words as the data scientists' policy; and the scan configuration
/// beside the templates says so, with the corporate networks as the trusted ones.
#[test]
fn the_organization_restricts_presigned_urls_for_everyone() {
    let files = generate(&full(OutputFormat::CloudFormation)).unwrap();
    let scp: serde_json::Value = serde_json::from_str(get(&files, "guardrails/scp.json")).unwrap();
    let ds: serde_json::Value =
        serde_json::from_str(get(&files, "guardrails/data-scientist-policy.json")).unwrap();
    let in_scp = scp["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|st| st["Sid"] == "PresignedUrlsOnlyFromCorporateNetworkOrEndpoints")
        .expect("presigned-URL statement in the SCP");
    assert_eq!(in_scp, &ds["Statement"][1]);
    let config = get(&files, ".egressproof.toml");
    assert!(config.contains("\nprincipals = \"complete\"\n"), "{config}");
    assert!(
        config.contains("trusted_cidrs = [\"192.168.0.0/16\", \"203.0.113.0/24\"]"),
        "{config}"
    );
    let plain = generate(&opts(OutputFormat::Terraform)).unwrap();
    assert!(!get(&plain, ".egressproof.toml").contains("trusted_cidrs"));
}
