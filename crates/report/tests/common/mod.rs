//! Hand-built analyses for the report tests: the report renders what it is given, so the
//! fixtures are analyses, not templates.
#![allow(dead_code)]

use egressproof_analysis::network_map::{
    EndpointMap, GatewayKind, GatewayMap, RouteMap, RouteTableMap, VpcMap,
};
use egressproof_analysis::NetworkMap;
use egressproof_analysis::{
    Analysis, Assumption, AssumptionKind, Finding, Hop, ResourceRef, Rule, Severity,
    UnknownFinding, Verdict, WorkloadVerdict,
};
use egressproof_model::{Ident, Span};
use egressproof_report::{render, Format, RenderOptions, ScanSummary};

pub fn resource(name: &str, type_name: &str, file: &str, line: u32) -> ResourceRef {
    ResourceRef::new(
        Ident::new(format!("{file}#{name}")),
        type_name,
        name,
        Span::new(file, line, if line > 0 { 3 } else { 0 }),
    )
}

pub fn hop(r: &ResourceRef, note: &str) -> Hop {
    Hop {
        resource: r.clone(),
        note: note.to_string().into(),
    }
}

pub fn external(type_name: &str, name: &str, note: &str) -> Hop {
    Hop {
        resource: ResourceRef::new(Ident::new(name), type_name, name, Span::default()),
        note: note.to_string().into(),
    }
}

pub fn notebook() -> ResourceRef {
    resource(
        "Notebook",
        "AWS::SageMaker::NotebookInstance",
        "infra/net.yaml",
        42,
    )
}

pub fn demo_notebook() -> ResourceRef {
    resource(
        "DemoNotebook",
        "AWS::SageMaker::NotebookInstance",
        "infra/demo.yaml",
        7,
    )
}

pub fn live_model() -> ResourceRef {
    resource(
        "scoring",
        "AWS::SageMaker::Model",
        "arn:aws:sagemaker:eu-west-1:123456789012:model/scoring",
        0,
    )
}

pub fn sts_endpoint() -> ResourceRef {
    resource("StsEndpoint", "AWS::EC2::VPCEndpoint", "infra/net.yaml", 60)
}

/// The NAT path of EP201: notebook, subnet, route table, NAT gateway, internet gateway, internet.
pub fn nat_finding() -> Finding {
    let nb = notebook();
    Finding {
        rule: Rule::RouteToInternet,
        severity: Severity::High,
        title: "Workload subnet routes to the internet".into(),
        message: "Notebook reaches the internet: its subnet PrivateA routes 0.0.0.0/0 to NAT gateway NatGw.".into(),
        resource: nb.clone(),
        path: vec![
            hop(&nb, "ENI in subnet PrivateA"),
            hop(&resource("PrivateA", "AWS::EC2::Subnet", "infra/net.yaml", 10), "associated with PrivateRoutes"),
            hop(&resource("PrivateRoutes", "AWS::EC2::RouteTable", "infra/net.yaml", 20), "0.0.0.0/0 -> NatGw"),
            hop(&resource("NatGw", "AWS::EC2::NatGateway", "infra/net.yaml", 30), "in public subnet PublicA"),
            hop(&resource("Igw", "AWS::EC2::InternetGateway", "infra/net.yaml", 35), "PublicRoutes 0.0.0.0/0 -> Igw"),
            external("Internet", "internet", "any destination"),
        ],
        fix: "Remove the 0.0.0.0/0 route from the workload subnets' route table.\nReach AWS services through VPC endpoints instead.".into(),
        workloads: vec![nb.id.clone()],
        suppressed: false,
        suppression_reason: None,
    }
}

/// A leaking analysis: a NAT path, a live model without isolation (an ARN, no line), an
/// endpoint policy no workload accounts for (with markup in its message), a suppressed
/// finding, a hardening finding, two unknowns and an assumption.
pub fn leaky() -> Analysis {
    let model = live_model();
    let demo = demo_notebook();
    let sts = sts_endpoint();
    Analysis {
        verdict: Verdict::Leaks,
        findings: vec![
            nat_finding(),
            Finding {
                rule: Rule::ModelWithoutIsolation,
                severity: Severity::High,
                title: "Model without network isolation".into(),
                message: "Model scoring has neither EnableNetworkIsolation nor VpcConfig.".into(),
                resource: model.clone(),
                path: vec![
                    hop(&model, "EnableNetworkIsolation: false, no VpcConfig"),
                    external("Internet", "internet", "any destination"),
                ],
                fix: "Set EnableNetworkIsolation: true.".into(),
                workloads: vec![model.id.clone()],
                suppressed: false,
                suppression_reason: None,
            },
            Finding {
                rule: Rule::InterfaceEndpointForeignUse,
                severity: Severity::Medium,
                title: "Interface endpoint with the default full-access policy".into(),
                message: "Endpoint StsEndpoint allows \"*\" on <any> principal & resource.".into(),
                resource: sts.clone(),
                path: vec![hop(&sts, "policy: Allow * on *")],
                fix: "Give the endpoint a policy limited to your account.".into(),
                workloads: vec![],
                suppressed: false,
                suppression_reason: None,
            },
            Finding {
                rule: Rule::NotebookDirectInternet,
                severity: Severity::High,
                title: "Notebook instance with direct internet access".into(),
                message: "Notebook instance DemoNotebook reaches the internet directly: DirectInternetAccess is Enabled.".into(),
                resource: demo.clone(),
                path: vec![
                    hop(&demo, "DirectInternetAccess: Enabled"),
                    external("Internet", "internet", "any destination"),
                ],
                fix: "Set DirectInternetAccess: Disabled.".into(),
                workloads: vec![demo.id.clone()],
                suppressed: true,
                suppression_reason: Some("demo account, synthetic data only".into()),
            },
            Finding {
                rule: Rule::NotebookRootAccess,
                severity: Severity::Low,
                title: "Notebook with root access".into(),
                message: "Notebook has RootAccess Enabled.".into(),
                resource: notebook(),
                path: vec![],
                fix: "Set RootAccess: Disabled.".into(),
                workloads: vec![notebook().id.clone()],
                suppressed: false,
                suppression_reason: None,
            },
        ],
        unknowns: vec![
            UnknownFinding {
                rule: Rule::UnresolvedValue,
                message: "parameter VpcCidr has no value: it decides the route table's local range".into(),
                span: Some(Span::new("infra/net.yaml", 3, 3)),
            },
            UnknownFinding {
                rule: Rule::UnsupportedConstruct,
                message: "transform AWS::Serverless-2016-10-31 is not expanded".into(),
                span: None,
            },
        ],
        workloads: vec![
            WorkloadVerdict { resource: notebook(), verdict: Verdict::Leaks },
            WorkloadVerdict { resource: demo, verdict: Verdict::Unproven },
            WorkloadVerdict { resource: model, verdict: Verdict::Leaks },
        ],
        assumptions: vec![
            Assumption::new(
                AssumptionKind::BucketNames,
                "S3 buckets counted as ours: data-bucket",
                None,
            ),
            Assumption::new(
                AssumptionKind::CorporateNetwork,
                "presigned URLs: 203.0.113.0/24 taken as the corporate network",
                Some(Span::new("infra/iam.yaml", 12, 3)),
            ),
        ],
        network: leaky_network(),
    }
}

/// The network of the NAT path: a VPC whose private subnet's table routes to a NAT gateway
/// in the public subnet, whose table routes to the internet gateway; an STS endpoint.
pub fn leaky_network() -> NetworkMap {
    let net =
        |name: &str, type_name: &str, line: u32| resource(name, type_name, "infra/net.yaml", line);
    let route = |name: &str, line: u32, target: &str| RouteMap {
        route: net(name, "AWS::EC2::Route", line),
        destination: "0.0.0.0/0".into(),
        target: Some(net(target, "", 0).id.clone()),
    };
    NetworkMap {
        vpcs: vec![VpcMap {
            vpc: net("Vpc", "AWS::EC2::VPC", 5),
            cidrs: vec!["10.0.0.0/16".into()],
            route_tables: vec![
                RouteTableMap {
                    table: Some(net("PrivateRoutes", "AWS::EC2::RouteTable", 20)),
                    main: false,
                    subnets: vec![net("PrivateA", "AWS::EC2::Subnet", 10)],
                    routes: vec![route("PrivateDefault", 22, "NatGw")],
                },
                RouteTableMap {
                    table: Some(net("PublicRoutes", "AWS::EC2::RouteTable", 24)),
                    main: true,
                    subnets: vec![net("PublicA", "AWS::EC2::Subnet", 12)],
                    routes: vec![route("PublicDefault", 26, "Igw")],
                },
            ],
            gateways: vec![
                GatewayMap {
                    gateway: net("NatGw", "AWS::EC2::NatGateway", 30),
                    kind: GatewayKind::Nat,
                    subnet: Some(net("PublicA", "", 0).id.clone()),
                },
                GatewayMap {
                    gateway: net("Igw", "AWS::EC2::InternetGateway", 35),
                    kind: GatewayKind::Internet,
                    subnet: None,
                },
            ],
            endpoints: vec![EndpointMap {
                endpoint: sts_endpoint(),
                service: "com.amazonaws.eu-west-1.sts".into(),
                gateway: false,
            }],
            firewalls: vec![],
        }],
    }
}

/// A sealed analysis: two workloads, nothing open, nothing unresolved.
pub fn sealed() -> Analysis {
    Analysis {
        verdict: Verdict::Sealed,
        findings: vec![],
        unknowns: vec![],
        workloads: vec![
            WorkloadVerdict {
                resource: resource(
                    "Notebook",
                    "AWS::SageMaker::NotebookInstance",
                    "secure/env.yaml",
                    12,
                ),
                verdict: Verdict::Sealed,
            },
            WorkloadVerdict {
                resource: resource(
                    "Training",
                    "AWS::SageMaker::ModelPackage",
                    "secure/env.yaml",
                    80,
                ),
                verdict: Verdict::Sealed,
            },
        ],
        assumptions: vec![],
        network: NetworkMap::default(),
    }
}

/// Stable counts: zero seconds so snapshots do not change run to run.
pub fn summary() -> ScanSummary {
    ScanSummary {
        files: 3,
        skipped: 1,
        resources: 24,
        workloads: 3,
        seconds: 0.0,
    }
}

pub fn out(analysis: &Analysis, format: Format) -> String {
    render(analysis, &summary(), format, &RenderOptions::default())
}

/// The output with the crate version replaced, so a release does not change every snapshot.
pub fn stable(s: String) -> String {
    s.replace(env!("CARGO_PKG_VERSION"), "[VERSION]")
}
