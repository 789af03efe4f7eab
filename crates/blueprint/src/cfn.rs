//! The environment as one CloudFormation template (`template.yaml`).

use crate::design::{self, Names};
use crate::expr::E;
use crate::options::{Checked, Workload};
use crate::yaml::{comment, emit, getatt, m, r#ref, raw, st, sub, Y};

type Entries = Vec<(String, Y)>;

fn resource(out: &mut Entries, logical: &str, why: &str, ty: &str, props: Vec<(&str, Y)>) {
    resource_with(out, logical, why, ty, props, &[]);
}

fn resource_with(
    out: &mut Entries,
    logical: &str,
    why: &str,
    ty: &str,
    props: Vec<(&str, Y)>,
    depends_on: &[&str],
) {
    out.push(comment(&format!("\n{why}")));
    let mut body = vec![("Type", st(ty))];
    if !depends_on.is_empty() {
        body.push((
            "DependsOn",
            Y::Seq(depends_on.iter().map(|d| st(*d)).collect()),
        ));
    }
    body.push(("Properties", m(props)));
    out.push((logical.to_string(), m(body)));
}

fn refs(rs: &[crate::expr::R]) -> Y {
    Y::Seq(rs.iter().map(|r| r#ref(&r.cfn)).collect())
}

fn doc(e: &E) -> Y {
    e.to_yaml()
}

fn tags(o: &Checked, name: &str) -> Y {
    Y::Seq(vec![m(vec![
        ("Key", st("Name")),
        ("Value", st(format!("{}-{name}", o.name))),
    ])])
}

pub fn template(o: &Checked) -> String {
    let n = Names::new(o);
    let mut res: Entries = Vec::new();

    // ----- network
    resource(
        &mut res,
        "Vpc",
        "The VPC. DNS support and hostnames are on so that the interface endpoints' private DNS\nnames answer inside it. It has no internet gateway and no NAT gateway.",
        "AWS::EC2::VPC",
        vec![
            ("CidrBlock", st(o.vpc_cidr.to_string())),
            ("EnableDnsSupport", raw("true")),
            ("EnableDnsHostnames", raw("true")),
            ("Tags", tags(o, "vpc")),
        ],
    );
    for (i, cidr) in o.subnets.iter().enumerate() {
        let subnet = &n.subnets[i];
        let table = &n.route_tables[i];
        resource(
            &mut res,
            &subnet.cfn,
            &format!(
                "Private subnet {} of {}; no public IPs are ever assigned.",
                i + 1,
                o.subnets.len()
            ),
            "AWS::EC2::Subnet",
            vec![
                ("VpcId", r#ref("Vpc")),
                ("CidrBlock", st(cidr.to_string())),
                (
                    "AvailabilityZone",
                    raw(format!("!Select [{i}, !GetAZs '']")),
                ),
                ("MapPublicIpOnLaunch", raw("false")),
                ("Tags", tags(o, &format!("private-{}", i + 1))),
            ],
        );
        resource(
            &mut res,
            &table.cfn,
            "Route table of the subnet: only the VPC's local route (and, with Direct Connect, the\ncorporate networks). Nothing routes to the internet.",
            "AWS::EC2::RouteTable",
            vec![("VpcId", r#ref("Vpc")), ("Tags", tags(o, &format!("private-{}", i + 1)))],
        );
        resource(
            &mut res,
            &format!("{}RouteTableAssociation", subnet.cfn),
            "Explicit association, so the subnet never falls back to the VPC's main route table.",
            "AWS::EC2::SubnetRouteTableAssociation",
            vec![
                ("SubnetId", r#ref(&subnet.cfn)),
                ("RouteTableId", r#ref(&table.cfn)),
            ],
        );
    }
    if o.direct_connect {
        resource(
            &mut res,
            "VpnGateway",
            "Virtual private gateway for Direct Connect (associate it with your Direct Connect\ngateway or private virtual interface).",
            "AWS::EC2::VPNGateway",
            vec![("Type", st("ipsec.1")), ("Tags", tags(o, "vgw"))],
        );
        resource(
            &mut res,
            "VpnGatewayAttachment",
            "Attaches the virtual private gateway to the VPC.",
            "AWS::EC2::VPCGatewayAttachment",
            vec![
                ("VpcId", r#ref("Vpc")),
                ("VpnGatewayId", r#ref("VpnGateway")),
            ],
        );
        for table in &n.route_tables {
            for (j, cidr) in o.corporate_v4().iter().enumerate() {
                resource_with(
                    &mut res,
                    &format!("{}CorporateRoute{}", table.cfn, j + 1),
                    &format!(
                        "Static route to the corporate network {cidr} over Direct Connect. Static, not\npropagated: a propagated route table would accept whatever on-premises advertises,\nincluding a default route, and that could not be proven from this template."
                    ),
                    "AWS::EC2::Route",
                    vec![
                        ("RouteTableId", r#ref(&table.cfn)),
                        ("DestinationCidrBlock", st(cidr.to_string())),
                        ("GatewayId", r#ref("VpnGateway")),
                    ],
                    &["VpnGatewayAttachment"],
                );
            }
        }
    }
    resource(
        &mut res,
        "WorkloadSecurityGroup",
        "Security group of every SageMaker workload: HTTPS to the VPC (the endpoints) only.",
        "AWS::EC2::SecurityGroup",
        vec![
            (
                "GroupDescription",
                st("SageMaker workloads: HTTPS to the VPC only"),
            ),
            ("VpcId", r#ref("Vpc")),
            (
                "SecurityGroupEgress",
                Y::Seq(vec![m(vec![
                    ("IpProtocol", st("tcp")),
                    ("FromPort", raw("443")),
                    ("ToPort", raw("443")),
                    ("CidrIp", st(o.vpc_cidr.to_string())),
                    ("Description", st("HTTPS to the VPC endpoints")),
                ])]),
            ),
            ("Tags", tags(o, "workload")),
        ],
    );
    resource(
        &mut res,
        "WorkloadSelfIngress",
        "Workloads talk to each other (distributed training, Studio apps and their EFS volume).",
        "AWS::EC2::SecurityGroupIngress",
        vec![
            ("GroupId", r#ref("WorkloadSecurityGroup")),
            ("IpProtocol", st("-1")),
            ("SourceSecurityGroupId", r#ref("WorkloadSecurityGroup")),
            ("Description", st("Between workloads")),
        ],
    );
    resource(
        &mut res,
        "WorkloadSelfEgress",
        "The matching egress rule: to members of the same group only.",
        "AWS::EC2::SecurityGroupEgress",
        vec![
            ("GroupId", r#ref("WorkloadSecurityGroup")),
            ("IpProtocol", st("-1")),
            ("DestinationSecurityGroupId", r#ref("WorkloadSecurityGroup")),
            ("Description", st("Between workloads")),
        ],
    );
    resource(
        &mut res,
        "EndpointSecurityGroup",
        "Security group of the interface endpoints: HTTPS from the workloads only.",
        "AWS::EC2::SecurityGroup",
        vec![
            (
                "GroupDescription",
                st("Interface endpoints: HTTPS from the workloads"),
            ),
            ("VpcId", r#ref("Vpc")),
            (
                "SecurityGroupIngress",
                Y::Seq(vec![m(vec![
                    ("IpProtocol", st("tcp")),
                    ("FromPort", raw("443")),
                    ("ToPort", raw("443")),
                    ("SourceSecurityGroupId", r#ref("WorkloadSecurityGroup")),
                    ("Description", st("HTTPS from the workloads")),
                ])]),
            ),
            (
                "SecurityGroupEgress",
                Y::Seq(vec![m(vec![
                    ("IpProtocol", st("tcp")),
                    ("FromPort", raw("443")),
                    ("ToPort", raw("443")),
                    ("CidrIp", st(o.vpc_cidr.to_string())),
                    (
                        "Description",
                        st("Replaces the default allow-all egress; endpoints only answer"),
                    ),
                ])]),
            ),
            ("Tags", tags(o, "endpoints")),
        ],
    );
    if !o.corporate.is_empty() && o.direct_connect {
        let mut rules = Vec::new();
        for c in &o.corporate {
            let (key, v) = match c {
                ipnet::IpNet::V4(v4) => ("CidrIp", v4.to_string()),
                ipnet::IpNet::V6(v6) => ("CidrIpv6", v6.to_string()),
            };
            rules.push(m(vec![
                ("IpProtocol", st("tcp")),
                ("FromPort", raw("443")),
                ("ToPort", raw("443")),
                (key, st(v)),
                (
                    "Description",
                    st("HTTPS from the corporate network (presigned URLs, Studio)"),
                ),
            ]));
        }
        resource(
            &mut res,
            "EndpointCorporateIngress",
            "People on the corporate network open notebooks and Studio through the endpoints.",
            "AWS::EC2::SecurityGroup",
            vec![
                (
                    "GroupDescription",
                    st("Interface endpoints: HTTPS from the corporate network"),
                ),
                ("VpcId", r#ref("Vpc")),
                ("SecurityGroupIngress", Y::Seq(rules)),
                (
                    "SecurityGroupEgress",
                    Y::Seq(vec![m(vec![
                        ("IpProtocol", st("tcp")),
                        ("FromPort", raw("443")),
                        ("ToPort", raw("443")),
                        ("CidrIp", st(o.vpc_cidr.to_string())),
                        ("Description", st("Replaces the default allow-all egress")),
                    ])]),
                ),
                ("Tags", tags(o, "endpoints-corporate")),
            ],
        );
    }

    // ----- endpoints
    resource(
        &mut res,
        "S3Endpoint",
        "S3 gateway endpoint on every private route table. Its policy admits only this\naccount's (organization's) buckets and principals, plus read-only access to the bucket ECR\nserves image layers from.",
        "AWS::EC2::VPCEndpoint",
        vec![
            ("VpcId", r#ref("Vpc")),
            ("VpcEndpointType", st("Gateway")),
            ("ServiceName", design::s3_service().to_yaml()),
            ("RouteTableIds", refs(&n.route_tables)),
            ("PolicyDocument", doc(&design::s3_endpoint_policy(o))),
        ],
    );
    let mut endpoint_sgs = vec![r#ref("EndpointSecurityGroup")];
    if !o.corporate.is_empty() && o.direct_connect {
        endpoint_sgs.push(r#ref("EndpointCorporateIngress"));
    }
    for ep in design::interface_endpoints(o) {
        resource(
            &mut res,
            &ep.r.cfn,
            &format!("{}\nInterface endpoint in every private subnet, private DNS on, policy keyed on this\naccount (organization).", ep.why),
            "AWS::EC2::VPCEndpoint",
            vec![
                ("VpcId", r#ref("Vpc")),
                ("VpcEndpointType", st("Interface")),
                ("ServiceName", ep.service.to_yaml()),
                ("PrivateDnsEnabled", raw("true")),
                ("SubnetIds", refs(&n.subnets)),
                ("SecurityGroupIds", Y::Seq(endpoint_sgs.clone())),
                ("PolicyDocument", doc(&design::interface_endpoint_policy(o))),
            ],
        );
    }

    // ----- DNS firewall
    resource(
        &mut res,
        "AwsDomains",
        "Names the VPC may resolve: zones AWS answers for.",
        "AWS::Route53Resolver::FirewallDomainList",
        vec![
            ("Name", st(format!("{}-aws-domains", o.name))),
            (
                "Domains",
                Y::Seq(design::allowed_domains().into_iter().map(st).collect()),
            ),
        ],
    );
    resource(
        &mut res,
        "AllDomains",
        "Every other name.",
        "AWS::Route53Resolver::FirewallDomainList",
        vec![
            ("Name", st(format!("{}-all-domains", o.name))),
            ("Domains", Y::Seq(vec![st("*")])),
        ],
    );
    resource(
        &mut res,
        "DnsFirewallRuleGroup",
        "Route 53 Resolver DNS Firewall: AWS names resolve, everything else gets NXDOMAIN, so DNS\nqueries cannot carry data to a name server someone else runs.",
        "AWS::Route53Resolver::FirewallRuleGroup",
        vec![
            ("Name", st(format!("{}-dns-firewall", o.name))),
            (
                "FirewallRules",
                Y::Seq(vec![
                    m(vec![
                        ("Action", st("ALLOW")),
                        ("FirewallDomainListId", r#ref("AwsDomains")),
                        ("Priority", raw("1")),
                    ]),
                    m(vec![
                        ("Action", st("BLOCK")),
                        ("BlockResponse", st("NXDOMAIN")),
                        ("FirewallDomainListId", r#ref("AllDomains")),
                        ("Priority", raw("2")),
                    ]),
                ]),
            ),
        ],
    );
    resource(
        &mut res,
        "DnsFirewallAssociation",
        "Applies the DNS firewall to the VPC.",
        "AWS::Route53Resolver::FirewallRuleGroupAssociation",
        vec![
            ("Name", st(format!("{}-dns-firewall", o.name))),
            ("FirewallRuleGroupId", r#ref("DnsFirewallRuleGroup")),
            ("VpcId", r#ref("Vpc")),
            ("Priority", raw("101")),
        ],
    );

    // ----- data
    resource(
        &mut res,
        "DataKey",
        "Customer-managed key (rotated yearly) for the bucket, notebook, Studio and endpoint volumes.",
        "AWS::KMS::Key",
        vec![
            ("Description", st(format!("{} data at rest", o.name))),
            ("EnableKeyRotation", raw("true")),
            ("KeyPolicy", doc(&design::key_policy())),
        ],
    );
    resource(
        &mut res,
        "DataKeyAlias",
        "A readable name for the key.",
        "AWS::KMS::Alias",
        vec![
            ("AliasName", st(format!("alias/{}-data", o.name))),
            ("TargetKeyId", r#ref("DataKey")),
        ],
    );
    resource(
        &mut res,
        "DataBucket",
        "The data: KMS-encrypted, never public, versioned, ACLs off.",
        "AWS::S3::Bucket",
        vec![
            ("BucketName", design::bucket_name(o).to_yaml()),
            (
                "BucketEncryption",
                m(vec![(
                    "ServerSideEncryptionConfiguration",
                    Y::Seq(vec![m(vec![
                        (
                            "ServerSideEncryptionByDefault",
                            m(vec![
                                ("SSEAlgorithm", st("aws:kms")),
                                ("KMSMasterKeyID", getatt("DataKey", "Arn")),
                            ]),
                        ),
                        ("BucketKeyEnabled", raw("true")),
                    ])]),
                )]),
            ),
            (
                "PublicAccessBlockConfiguration",
                m(vec![
                    ("BlockPublicAcls", raw("true")),
                    ("BlockPublicPolicy", raw("true")),
                    ("IgnorePublicAcls", raw("true")),
                    ("RestrictPublicBuckets", raw("true")),
                ]),
            ),
            (
                "OwnershipControls",
                m(vec![(
                    "Rules",
                    Y::Seq(vec![m(vec![(
                        "ObjectOwnership",
                        st("BucketOwnerEnforced"),
                    )])]),
                )]),
            ),
            (
                "VersioningConfiguration",
                m(vec![("Status", st("Enabled"))]),
            ),
        ],
    );
    resource(
        &mut res,
        "DataBucketPolicy",
        "TLS only; data only through the S3 endpoint; principals only ours; no replication.",
        "AWS::S3::BucketPolicy",
        vec![
            ("Bucket", r#ref("DataBucket")),
            ("PolicyDocument", doc(&design::bucket_policy(o, &n))),
        ],
    );

    // ----- identity
    resource(
        &mut res,
        "ExecutionRole",
        "The role SageMaker runs the workloads as: this bucket, this key, logs, own images.",
        "AWS::IAM::Role",
        vec![
            ("RoleName", st(design::execution_role_name(o))),
            ("AssumeRolePolicyDocument", doc(&design::sagemaker_trust())),
            (
                "Policies",
                Y::Seq(vec![m(vec![
                    ("PolicyName", st("sagemaker-execution")),
                    ("PolicyDocument", doc(&design::execution_policy(o, &n))),
                ])]),
            ),
        ],
    );
    resource(
        &mut res,
        "DataScientistRole",
        "The role people use: presigned notebook and Studio URLs only from the corporate network\nor through this VPC's notebook, Studio and API endpoints.",
        "AWS::IAM::Role",
        vec![
            ("RoleName", st(format!("{}-data-scientist", o.name))),
            ("AssumeRolePolicyDocument", doc(&design::account_trust())),
            (
                "Policies",
                Y::Seq(vec![m(vec![
                    ("PolicyName", st("presigned-urls-from-trusted-networks")),
                    ("PolicyDocument", doc(&design::data_scientist_policy(o))),
                ])]),
            ),
        ],
    );
    resource(
        &mut res,
        "GuardrailPolicy",
        "Guardrails for what these roles create later: no job or model without network isolation\nor outside this VPC's subnets, no notebook with internet access or root, no domain that is\nnot VPC-only. Fail-closed: a request that omits the setting is denied. guardrails/scp.json is\nthe same for the whole organization.",
        "AWS::IAM::ManagedPolicy",
        vec![
            ("ManagedPolicyName", st(format!("{}-guardrails", o.name))),
            ("Roles", Y::Seq(vec![r#ref("ExecutionRole"), r#ref("DataScientistRole")])),
            ("PolicyDocument", doc(&design::guardrail_policy(Some(&n)))),
        ],
    );

    // ----- package mirror
    if o.package_mirror {
        resource(
            &mut res,
            "CodeArtifactDomain",
            "CodeArtifact domain for the PyPI mirror, encrypted with the data key.",
            "AWS::CodeArtifact::Domain",
            vec![
                ("DomainName", st(o.name.clone())),
                ("EncryptionKey", getatt("DataKey", "Arn")),
            ],
        );
        resource(
            &mut res,
            "PypiRepository",
            "Mirror of public PyPI: CodeArtifact fetches packages, workloads never reach the internet.",
            "AWS::CodeArtifact::Repository",
            vec![
                ("DomainName", getatt("CodeArtifactDomain", "Name")),
                ("RepositoryName", st("pypi")),
                ("Description", st("Mirror of public PyPI")),
                ("ExternalConnections", Y::Seq(vec![st("public:pypi")])),
            ],
        );
    }

    // ----- workloads
    let subnet_refs = refs(&n.subnets);
    if o.has(Workload::Notebook) {
        resource(
            &mut res,
            "Notebook",
            "Notebook instance: in a private subnet, no direct internet access, no root.",
            "AWS::SageMaker::NotebookInstance",
            vec![
                ("NotebookInstanceName", st(format!("{}-notebook", o.name))),
                ("InstanceType", st("ml.t3.medium")),
                ("RoleArn", getatt("ExecutionRole", "Arn")),
                ("SubnetId", r#ref(&n.subnets[0].cfn)),
                (
                    "SecurityGroupIds",
                    Y::Seq(vec![r#ref("WorkloadSecurityGroup")]),
                ),
                ("DirectInternetAccess", st("Disabled")),
                ("RootAccess", st("Disabled")),
                ("KmsKeyId", r#ref("DataKey")),
                ("VolumeSizeInGB", raw("20")),
            ],
        );
    }
    if o.has(Workload::Studio) {
        let settings = || {
            m(vec![
                ("ExecutionRole", getatt("ExecutionRole", "Arn")),
                (
                    "SecurityGroups",
                    Y::Seq(vec![r#ref("WorkloadSecurityGroup")]),
                ),
            ])
        };
        resource(
            &mut res,
            "StudioDomain",
            "Studio domain: VPC-only, so apps reach AWS only through this VPC's endpoints.",
            "AWS::SageMaker::Domain",
            vec![
                ("DomainName", st(o.name.clone())),
                ("AuthMode", st("IAM")),
                ("AppNetworkAccessType", st("VpcOnly")),
                ("VpcId", r#ref("Vpc")),
                ("SubnetIds", subnet_refs.clone()),
                ("KmsKeyId", r#ref("DataKey")),
                ("DefaultUserSettings", settings()),
                ("DefaultSpaceSettings", settings()),
            ],
        );
    }
    if o.has(Workload::Model) {
        resource(
            &mut res,
            "Model",
            "Model: network-isolated (the container has no network at all) and in the VPC. Push the\nimage to the ECR repository named below before deploying.",
            "AWS::SageMaker::Model",
            vec![
                ("ModelName", st(format!("{}-model", o.name))),
                ("ExecutionRoleArn", getatt("ExecutionRole", "Arn")),
                ("EnableNetworkIsolation", raw("true")),
                (
                    "PrimaryContainer",
                    m(vec![
                        ("Image", design::image(o, "model").to_yaml()),
                        (
                            "ModelDataUrl",
                            sub(&format!("s3://{}-data-${{AWS::AccountId}}/models/model.tar.gz", o.name)),
                        ),
                    ]),
                ),
                (
                    "VpcConfig",
                    m(vec![
                        ("SecurityGroupIds", Y::Seq(vec![r#ref("WorkloadSecurityGroup")])),
                        ("Subnets", subnet_refs.clone()),
                    ]),
                ),
            ],
        );
        resource(
            &mut res,
            "EndpointConfig",
            "Endpoint configuration: encrypted volumes, no SSM access into the containers.",
            "AWS::SageMaker::EndpointConfig",
            vec![
                (
                    "EndpointConfigName",
                    st(format!("{}-endpoint-config", o.name)),
                ),
                ("KmsKeyId", r#ref("DataKey")),
                (
                    "ProductionVariants",
                    Y::Seq(vec![m(vec![
                        ("VariantName", st("AllTraffic")),
                        ("ModelName", getatt("Model", "ModelName")),
                        ("InstanceType", st("ml.m5.large")),
                        ("InitialInstanceCount", raw("1")),
                        ("InitialVariantWeight", raw("1.0")),
                        ("EnableSSMAccess", raw("false")),
                    ])]),
                ),
            ],
        );
    }
    if o.has(Workload::Training) {
        resource(
            &mut res,
            "TrainingPipeline",
            "Training pipeline: its step is the isolated CreateTrainingJob request (network isolation,\nthis VPC, inter-container traffic encryption, KMS), the same as training-job-request.json.",
            "AWS::SageMaker::Pipeline",
            vec![
                ("PipelineName", st(format!("{}-training", o.name))),
                ("RoleArn", getatt("ExecutionRole", "Arn")),
                (
                    "PipelineDefinition",
                    m(vec![(
                        "PipelineDefinitionBody",
                        Y::Block(
                            Some("!Sub"),
                            design::pipeline_definition(o, &n).to_sub_json(),
                        ),
                    )]),
                ),
            ],
        );
    }

    // ----- outputs
    let mut outputs: Entries = vec![
        output("VpcId", "The VPC", r#ref("Vpc")),
        output("DataBucketName", "The data bucket", r#ref("DataBucket")),
        output("DataKeyArn", "The KMS key", getatt("DataKey", "Arn")),
        output(
            "ExecutionRoleArn",
            "SageMaker execution role",
            getatt("ExecutionRole", "Arn"),
        ),
        output(
            "DataScientistRoleArn",
            "Role for people (presigned URLs from trusted networks only)",
            getatt("DataScientistRole", "Arn"),
        ),
        output(
            "WorkloadSecurityGroupId",
            "Security group for new workloads",
            r#ref("WorkloadSecurityGroup"),
        ),
    ];
    for s in &n.subnets {
        outputs.push(output(
            &format!("{}Id", s.cfn),
            "Private subnet",
            r#ref(&s.cfn),
        ));
    }
    for ep in design::presign_endpoints() {
        outputs.push(output(
            &format!("{}Id", ep.cfn),
            "Endpoint ID for guardrails/data-scientist-policy.json",
            r#ref(&ep.cfn),
        ));
    }

    let root = Y::Map(vec![
        ("AWSTemplateFormatVersion".into(), st("2010-09-09")),
        (
            "Description".into(),
            st(format!(
                "{}: private SageMaker environment with no egress channel (generated by egressproof blueprint)",
                o.name
            )),
        ),
        ("Resources".into(), Y::Map(res)),
        ("Outputs".into(), Y::Map(outputs)),
    ]);
    let mut text = String::new();
    text.push_str(&header(o));
    emit(&root, 0, &mut text);
    text.replacen("Resources:\n\n", "Resources:\n", 1)
}

fn output(name: &str, description: &str, value: Y) -> (String, Y) {
    (
        name.to_string(),
        m(vec![("Description", st(description)), ("Value", value)]),
    )
}

fn header(o: &Checked) -> String {
    let mut h = String::new();
    h.push_str("# Private SageMaker environment, generated by `egressproof blueprint`.\n");
    h.push_str("# Nothing here routes to the internet: no internet gateway, no NAT, SageMaker reached only\n");
    h.push_str(
        "# through PrivateLink endpoints whose policies stay inside this account (organization),\n",
    );
    h.push_str(
        "# isolated jobs and models, VPC-only notebooks and Studio, presigned URLs only from the\n",
    );
    h.push_str(
        "# corporate network or the endpoints. `egressproof scan` of this file says `sealed`.\n",
    );
    h.push_str(&format!(
        "# Options: name={} vpc-cidr={} azs={} workloads={}{}{}{}\n",
        o.name,
        o.vpc_cidr,
        o.subnets.len(),
        o.workloads
            .iter()
            .map(|w| w.as_str())
            .collect::<Vec<_>>()
            .join(","),
        if o.direct_connect {
            " direct-connect"
        } else {
            ""
        },
        if o.package_mirror {
            " package-mirror"
        } else {
            ""
        },
        o.org_id
            .as_ref()
            .map(|id| format!(" org-id={id}"))
            .unwrap_or_default(),
    ));
    h
}
