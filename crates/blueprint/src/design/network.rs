//! The network half: the VPC and its private subnets, their route tables (and, with Direct
//! Connect, the gateway and static routes toward the corporate networks), the security groups,
//! the VPC endpoints through which alone AWS is reached, and the DNS firewall.

use super::documents::{interface_endpoint_policy, s3_endpoint_policy};
use super::resources::{
    Association, Direction, DnsAction, DnsAssociation, DnsFirewall, DnsRule, DomainList, Kind,
    Peer, Placement, Resource, Route, RouteTable, Rule, SecurityGroup, Subnet, Text, Traffic, Vpc,
    VpcEndpoint, VpnAttachment, VpnGateway,
};
use super::Names;
use crate::expr::{lit, sub, E, P, R};
use crate::options::Checked;
use ipnet::IpNet;

/// The port every workload and endpoint speaks.
const HTTPS: Traffic = Traffic::Tcp(443);

/// Where an endpoint's service name lives.
#[derive(Clone, Copy)]
enum Namespace {
    /// `com.amazonaws.<region>.<suffix>`
    Com,
    /// `aws.sagemaker.<region>.<suffix>` (notebook and Studio UIs)
    SageMaker,
}

/// An interface endpoint as the design lists it.
struct Spec {
    /// CloudFormation logical ID.
    logical_id: &'static str,
    /// Terraform name (of an `aws_vpc_endpoint`), and the stem of its placeholder.
    name: &'static str,
    namespace: Namespace,
    /// The service name after the Region.
    suffix: &'static str,
    /// What it is for, for the comment above it.
    why: &'static str,
}

/// The interface endpoints every environment has.
const INTERFACE_ENDPOINTS: &[Spec] = &[
    Spec {
        logical_id: "SageMakerApiEndpoint",
        name: "sagemaker_api",
        namespace: Namespace::Com,
        suffix: "sagemaker.api",
        why: "SageMaker control plane (create jobs, presigned URLs) without the internet.",
    },
    Spec {
        logical_id: "SageMakerRuntimeEndpoint",
        name: "sagemaker_runtime",
        namespace: Namespace::Com,
        suffix: "sagemaker.runtime",
        why: "InvokeEndpoint for hosted models.",
    },
    Spec {
        logical_id: "NotebookEndpoint",
        name: "notebook",
        namespace: Namespace::SageMaker,
        suffix: "notebook",
        why: "Notebook instance UI (presigned URLs open through it).",
    },
    Spec {
        logical_id: "StudioEndpoint",
        name: "studio",
        namespace: Namespace::SageMaker,
        suffix: "studio",
        why: "Studio UI for the VPC-only domain.",
    },
    Spec {
        logical_id: "StsEndpoint",
        name: "sts",
        namespace: Namespace::Com,
        suffix: "sts",
        why: "Credentials for the SDKs running in notebooks and jobs.",
    },
    Spec {
        logical_id: "LogsEndpoint",
        name: "logs",
        namespace: Namespace::Com,
        suffix: "logs",
        why: "CloudWatch Logs for jobs, notebooks and endpoints.",
    },
    Spec {
        logical_id: "EcrApiEndpoint",
        name: "ecr_api",
        namespace: Namespace::Com,
        suffix: "ecr.api",
        why: "ECR API (authorization tokens, image manifests).",
    },
    Spec {
        logical_id: "EcrDkrEndpoint",
        name: "ecr_dkr",
        namespace: Namespace::Com,
        suffix: "ecr.dkr",
        why: "Docker registry protocol for image pulls (layers come through the S3 endpoint).",
    },
];

/// The interface endpoints of the package mirror.
const MIRROR_ENDPOINTS: &[Spec] = &[
    Spec {
        logical_id: "CodeArtifactApiEndpoint",
        name: "codeartifact_api",
        namespace: Namespace::Com,
        suffix: "codeartifact.api",
        why: "CodeArtifact API (authorization tokens for pip).",
    },
    Spec {
        logical_id: "CodeArtifactRepositoriesEndpoint",
        name: "codeartifact_repositories",
        namespace: Namespace::Com,
        suffix: "codeartifact.repositories",
        why: "CodeArtifact repository endpoints (pip install).",
    },
];

/// Presigned notebook and Studio URLs may be created through these (logical IDs, in the order
/// the policies list them).
const PRESIGN_ENDPOINTS: &[&str] = &["NotebookEndpoint", "StudioEndpoint", "SageMakerApiEndpoint"];

/// An interface endpoint the environment needs.
pub struct Endpoint {
    pub r: R,
    /// `com.amazonaws.{region}.` + suffix, or the `aws.sagemaker.{region}.` form.
    pub service: E,
    /// What it is for, for the comment above it.
    pub why: &'static str,
}

fn endpoint(spec: &Spec) -> Endpoint {
    let prefix = match spec.namespace {
        Namespace::Com => "com.amazonaws.",
        Namespace::SageMaker => "aws.sagemaker.",
    };
    Endpoint {
        r: R::new(
            spec.logical_id,
            &format!("aws_vpc_endpoint.{}", spec.name),
            &format!("{}_ENDPOINT", spec.name.to_ascii_uppercase()),
        ),
        service: sub(vec![
            lit(prefix),
            P::Region,
            lit(&format!(".{}", spec.suffix)),
        ]),
        why: spec.why,
    }
}

/// The S3 gateway endpoint's service name.
pub fn s3_service() -> E {
    sub(vec![lit("com.amazonaws."), P::Region, lit(".s3")])
}

/// Every interface endpoint, in the order they are written.
pub fn interface_endpoints(o: &Checked) -> Vec<Endpoint> {
    let mirror: &[_] = if o.package_mirror {
        MIRROR_ENDPOINTS
    } else {
        &[]
    };
    INTERFACE_ENDPOINTS
        .iter()
        .chain(mirror)
        .map(endpoint)
        .collect()
}

/// The endpoints through which presigned notebook and Studio URLs may be created.
pub fn presign_endpoints() -> Vec<R> {
    PRESIGN_ENDPOINTS
        .iter()
        .filter_map(|id| INTERFACE_ENDPOINTS.iter().find(|e| e.logical_id == *id))
        .map(|e| endpoint(e).r)
        .collect()
}

/// Domains the DNS firewall lets the VPC resolve; everything else gets NXDOMAIN. Every one is a
/// zone AWS answers for, so a query cannot reach a name server someone else runs.
pub fn allowed_domains() -> Vec<&'static str> {
    vec!["*.amazonaws.com", "*.api.aws", "*.sagemaker.aws"]
}

/// Monthly cost of the interface endpoints, for the README.
pub struct Cost {
    pub endpoints: usize,
    pub azs: usize,
    pub monthly_usd: f64,
}

pub fn cost(o: &Checked) -> Cost {
    let endpoints = interface_endpoints(o).len();
    let azs = o.subnets.len();
    Cost {
        endpoints,
        azs,
        monthly_usd: endpoints as f64 * azs as f64 * 730.0 * 0.01,
    }
}

fn resource(r: R, why: Text, kind: Kind) -> Resource {
    Resource { r, why, kind }
}

/// The network resources, in the order they are written.
pub fn resources(o: &Checked, n: &Names) -> Vec<Resource> {
    let mut v = vec![resource(
        n.vpc.clone(),
        Text::same("The VPC. DNS support and hostnames are on so that the interface endpoints' private DNS\nnames answer inside it. It has no internet gateway and no NAT gateway."),
        Kind::Vpc(Vpc {
            cidr: o.vpc_cidr,
            dns: true,
            name: format!("{}-vpc", o.name),
        }),
    )];
    v.extend(subnets(o, n));
    if o.direct_connect {
        v.extend(direct_connect(o, n));
    }
    v.extend(security_groups(o, n));
    v.extend(endpoints(o, n));
    v.extend(dns_firewall(o, n));
    v
}

/// One private subnet per Availability Zone, each with its own route table.
fn subnets(o: &Checked, n: &Names) -> Vec<Resource> {
    let mut v = Vec::new();
    for (i, cidr) in o.subnets.iter().enumerate() {
        let (subnet, table) = (&n.subnets[i], &n.route_tables[i]);
        let name = format!("{}-private-{}", o.name, i + 1);
        v.push(resource(
            subnet.clone(),
            Text::same(format!(
                "Private subnet {} of {}; no public IPs are ever assigned.",
                i + 1,
                o.subnets.len()
            )),
            Kind::Subnet(Subnet {
                vpc: n.vpc.clone(),
                cidr: *cidr,
                az: i,
                public_ips: false,
                name: name.clone(),
            }),
        ));
        v.push(resource(
            table.clone(),
            Text::same("Route table of the subnet: only the VPC's local route (and, with Direct Connect, the\ncorporate networks). Nothing routes to the internet."),
            Kind::RouteTable(RouteTable {
                vpc: n.vpc.clone(),
                name,
            }),
        ));
        v.push(resource(
            R::named(
                &format!("{}RouteTableAssociation", subnet.cfn),
                &format!("aws_route_table_association.private_{}", i + 1),
            ),
            Text::same("Explicit association, so the subnet never falls back to the VPC's main route table."),
            Kind::Association(Association {
                subnet: subnet.clone(),
                table: table.clone(),
            }),
        ));
    }
    v
}

/// A virtual private gateway and static routes toward the corporate networks, never a default
/// route and never propagation.
fn direct_connect(o: &Checked, n: &Names) -> Vec<Resource> {
    let mut v = vec![
        resource(
            n.vpn_gateway.clone(),
            Text::same("Virtual private gateway for Direct Connect (associate it with your Direct Connect\ngateway or private virtual interface)."),
            Kind::VpnGateway(VpnGateway {
                name: format!("{}-vgw", o.name),
            }),
        ),
        resource(
            n.vpn_attachment.clone(),
            Text::same("Attaches the virtual private gateway to the VPC."),
            Kind::VpnAttachment(VpnAttachment {
                vpc: n.vpc.clone(),
                gateway: n.vpn_gateway.clone(),
            }),
        ),
    ];
    for (i, table) in n.route_tables.iter().enumerate() {
        for (j, cidr) in o.corporate_v4().iter().enumerate() {
            let why = |source: &str| {
                format!("Static route to the corporate network {cidr} over Direct Connect. Static, not\npropagated: a propagated route table would accept whatever on-premises advertises,\nincluding a default route, and that could not be proven from this {source}.")
            };
            v.push(resource(
                R::named(
                    &format!("{}CorporateRoute{}", table.cfn, j + 1),
                    &format!("aws_route.private_{}_corporate_{}", i + 1, j + 1),
                ),
                Text::each(why("template"), why("configuration")),
                Kind::Route(Route {
                    table: table.clone(),
                    destination: *cidr,
                    gateway: n.vpn_gateway.clone(),
                    after: n.vpn_attachment.clone(),
                }),
            ));
        }
    }
    v
}

fn rule(direction: Direction, traffic: Traffic, peer: Peer, description: Text) -> Rule {
    Rule {
        direction,
        traffic,
        peer,
        description,
        why: "",
    }
}

/// Does the environment have the corporate security group on its endpoints?
pub fn corporate_ingress(o: &Checked) -> bool {
    !o.corporate.is_empty() && o.direct_connect
}

/// The workloads' group (HTTPS to the VPC, HTTPS to S3's prefix list, anything among
/// themselves) and the endpoints' groups (HTTPS from the workloads, and from the corporate
/// networks over Direct Connect). Every group has an egress rule confined to the VPC or to the
/// S3 gateway endpoint's prefix list: none keeps a provider's allow-all default. The S3 rule is
/// what lets workloads use the gateway endpoint at all: its traffic goes to S3's public
/// addresses (the route table sends them to the endpoint), never to an address in the VPC, so
/// a group that lets HTTPS out to the VPC only drops it (AWS, "Gateway endpoints for Amazon
/// S3": the instances' security group rules must allow traffic to Amazon S3).
fn security_groups(o: &Checked, n: &Names) -> Vec<Resource> {
    let to_vpc = || Peer::Cidrs(vec![IpNet::V4(o.vpc_cidr)]);
    let between = "Between workloads";
    let mut v = vec![
        resource(
            n.workload_sg.clone(),
            Text::each(
                "Security group of every SageMaker workload: HTTPS to the VPC (the endpoints) and to S3\nthrough the gateway endpoint (its prefix list) only.",
                "Security group of every SageMaker workload: HTTPS to the VPC (the endpoints) and to S3\nthrough the gateway endpoint (its prefix list) only, and anything between workloads\n(distributed training, Studio apps and their EFS volume).",
            ),
            Kind::SecurityGroup(SecurityGroup {
                vpc: n.vpc.clone(),
                name: format!("{}-workload", o.name),
                description: "SageMaker workloads: HTTPS to the VPC and S3 only".into(),
                rules: vec![
                    rule(Direction::Egress, HTTPS, to_vpc(), Text::same("HTTPS to the VPC endpoints")),
                    rule(
                        Direction::Egress,
                        HTTPS,
                        Peer::PrefixListOf(n.s3_endpoint.clone()),
                        Text::same("HTTPS to S3 through the gateway endpoint"),
                    ),
                    Rule {
                        why: "The matching egress rule: to members of the same group only.",
                        ..rule(Direction::Egress, Traffic::All, Peer::Itself, Text::same(between))
                    },
                    Rule {
                        why: "Workloads talk to each other (distributed training, Studio apps and their EFS volume).",
                        ..rule(Direction::Ingress, Traffic::All, Peer::Itself, Text::same(between))
                    },
                ],
            }),
        ),
        resource(
            n.endpoint_sg.clone(),
            Text::same("Security group of the interface endpoints: HTTPS from the workloads only."),
            Kind::SecurityGroup(SecurityGroup {
                vpc: n.vpc.clone(),
                name: format!("{}-endpoints", o.name),
                description: "Interface endpoints: HTTPS from the workloads".into(),
                rules: vec![
                    rule(
                        Direction::Ingress,
                        HTTPS,
                        Peer::Group(n.workload_sg.clone()),
                        Text::same("HTTPS from the workloads"),
                    ),
                    rule(
                        Direction::Egress,
                        HTTPS,
                        to_vpc(),
                        Text::each(
                            "Replaces the default allow-all egress; endpoints only answer",
                            "Endpoints only answer; nothing beyond the VPC",
                        ),
                    ),
                ],
            }),
        ),
    ];
    if corporate_ingress(o) {
        v.push(resource(
            n.corporate_sg.clone(),
            Text::same(
                "People on the corporate network open notebooks and Studio through the endpoints.",
            ),
            Kind::SecurityGroup(SecurityGroup {
                vpc: n.vpc.clone(),
                name: format!("{}-endpoints-corporate", o.name),
                description: "Interface endpoints: HTTPS from the corporate network".into(),
                rules: vec![
                    rule(
                        Direction::Ingress,
                        HTTPS,
                        Peer::Cidrs(o.corporate.clone()),
                        Text::each(
                            "HTTPS from the corporate network (presigned URLs, Studio)",
                            "HTTPS from the corporate network",
                        ),
                    ),
                    rule(
                        Direction::Egress,
                        HTTPS,
                        to_vpc(),
                        Text::each(
                            "Replaces the default allow-all egress",
                            "Endpoints only answer; nothing beyond the VPC",
                        ),
                    ),
                ],
            }),
        ));
    }
    v
}

/// The S3 gateway endpoint on every route table and an interface endpoint per service in every
/// subnet, each with its policy.
fn endpoints(o: &Checked, n: &Names) -> Vec<Resource> {
    let mut v = vec![resource(
        n.s3_endpoint.clone(),
        Text::same("S3 gateway endpoint on every private route table. Its policy admits only this\naccount's (organization's) buckets and principals, plus read-only access to the bucket ECR\nserves image layers from."),
        Kind::Endpoint(VpcEndpoint {
            vpc: n.vpc.clone(),
            service: s3_service(),
            placement: Placement::Gateway {
                route_tables: n.route_tables.clone(),
            },
            policy: s3_endpoint_policy(o),
        }),
    )];
    let mut groups = vec![n.endpoint_sg.clone()];
    if corporate_ingress(o) {
        groups.push(n.corporate_sg.clone());
    }
    for ep in interface_endpoints(o) {
        v.push(resource(
            ep.r,
            Text::same(format!("{}\nInterface endpoint in every private subnet, private DNS on, policy keyed on this\naccount (organization).", ep.why)),
            Kind::Endpoint(VpcEndpoint {
                vpc: n.vpc.clone(),
                service: ep.service,
                placement: Placement::Interface {
                    subnets: n.subnets.clone(),
                    security_groups: groups.clone(),
                    private_dns: true,
                },
                policy: interface_endpoint_policy(o),
            }),
        ));
    }
    v
}

/// Route 53 Resolver DNS Firewall: AWS zones resolve, every other name gets NXDOMAIN.
fn dns_firewall(o: &Checked, n: &Names) -> Vec<Resource> {
    let firewall = format!("{}-dns-firewall", o.name);
    vec![
        resource(
            n.aws_domains.clone(),
            Text::same("Names the VPC may resolve: zones AWS answers for."),
            Kind::DomainList(DomainList {
                name: format!("{}-aws-domains", o.name),
                domains: allowed_domains().into_iter().map(String::from).collect(),
            }),
        ),
        resource(
            n.all_domains.clone(),
            Text::same("Every other name."),
            Kind::DomainList(DomainList {
                name: format!("{}-all-domains", o.name),
                domains: vec!["*".into()],
            }),
        ),
        resource(
            n.dns_firewall.clone(),
            Text::same("Route 53 Resolver DNS Firewall: AWS names resolve, everything else gets NXDOMAIN, so DNS\nqueries cannot carry data to a name server someone else runs."),
            Kind::DnsFirewall(DnsFirewall {
                name: firewall.clone(),
                rules: vec![
                    DnsRule {
                        name: "allow-aws",
                        why: "First: AWS names.",
                        action: DnsAction::Allow,
                        list: n.aws_domains.clone(),
                        priority: 1,
                    },
                    DnsRule {
                        name: "block-everything-else",
                        why: "Then: nothing else.",
                        action: DnsAction::Block,
                        list: n.all_domains.clone(),
                        priority: 2,
                    },
                ],
            }),
        ),
        resource(
            R::named(
                "DnsFirewallAssociation",
                "aws_route53_resolver_firewall_rule_group_association.main",
            ),
            Text::same("Applies the DNS firewall to the VPC."),
            Kind::DnsAssociation(DnsAssociation {
                name: firewall,
                firewall: n.dns_firewall.clone(),
                vpc: n.vpc.clone(),
                priority: 101,
            }),
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_presign_endpoint_is_an_interface_endpoint() {
        let found: Vec<String> = presign_endpoints().into_iter().map(|r| r.cfn).collect();
        assert_eq!(found, PRESIGN_ENDPOINTS);
    }
}
