//! A small builder of models for the network tests and the benchmark.
#![allow(dead_code)]

use egressproof_analysis::{analyze, Analysis, Family, Options};
use egressproof_model::*;
use ipnet::IpNet;

pub struct B {
    pub model: Model,
    pub line: u32,
}

impl Default for B {
    fn default() -> Self {
        Self::new()
    }
}

impl B {
    pub fn new() -> Self {
        B {
            model: Model::default(),
            line: 1,
        }
    }

    pub fn add(&mut self, name: &str, type_name: &str, kind: Kind) -> Ident {
        let id = Ident::new(format!("net.yaml#{name}"));
        self.line += 1;
        self.model.resources.push(Resource::new(
            id.clone(),
            name,
            type_name,
            Span::new("net.yaml", self.line, 3),
            kind,
        ));
        id
    }

    pub fn vpc(&mut self, name: &str, cidr: &str) -> Ident {
        self.add(
            name,
            "AWS::EC2::VPC",
            Kind::Vpc(Vpc {
                cidr_v4: Some(Attr::Known(cidr.parse().unwrap())),
            }),
        )
    }

    pub fn subnet(&mut self, name: &str, vpc: &Ident, cidr: &str) -> Ident {
        self.add(
            name,
            "AWS::EC2::Subnet",
            Kind::Subnet(Subnet {
                vpc: Attr::Known(vpc.clone()),
                cidr_v4: Some(Attr::Known(cidr.parse().unwrap())),
                cidr_v6: None,
                map_public_ip_on_launch: None,
            }),
        )
    }

    pub fn table(&mut self, name: &str, vpc: &Ident) -> Ident {
        self.add(
            name,
            "AWS::EC2::RouteTable",
            Kind::RouteTable(RouteTable {
                vpc: Attr::Known(vpc.clone()),
                main: false,
            }),
        )
    }

    pub fn assoc(&mut self, subnet: &Ident, table: &Ident) {
        let name = format!(
            "{}Assoc{}",
            subnet.as_str().replace("net.yaml#", ""),
            self.line
        );
        self.add(
            &name,
            "AWS::EC2::SubnetRouteTableAssociation",
            Kind::SubnetRouteTableAssociation(SubnetRouteTableAssociation {
                subnet: Attr::Known(subnet.clone()),
                route_table: Attr::Known(table.clone()),
            }),
        );
    }

    pub fn route(&mut self, table: &Ident, dest: &str, kind: TargetKind, target: &Ident) -> Ident {
        let destination = match dest.parse::<IpNet>().unwrap() {
            IpNet::V4(n) => Destination::V4(n),
            IpNet::V6(n) => Destination::V6(n),
        };
        let name = format!("Route{}", self.line);
        self.add(
            &name,
            "AWS::EC2::Route",
            Kind::Route(Route {
                route_table: Attr::Known(table.clone()),
                destination: Attr::Known(destination),
                target: Attr::Known(RouteTarget {
                    kind,
                    id: Attr::Known(target.clone()),
                }),
            }),
        )
    }

    pub fn igw(&mut self, name: &str) -> Ident {
        self.add(
            name,
            "AWS::EC2::InternetGateway",
            Kind::InternetGateway(Gateway::default()),
        )
    }

    pub fn nat(&mut self, name: &str, subnet: &Ident) -> Ident {
        self.add(
            name,
            "AWS::EC2::NatGateway",
            Kind::NatGateway(NatGateway {
                subnet: Attr::Known(subnet.clone()),
                connectivity: None,
            }),
        )
    }

    pub fn sg(&mut self, name: &str, vpc: &Ident, egress: &[&str]) -> Ident {
        let egress = egress
            .iter()
            .map(|c| SgRule {
                protocol: Attr::Known(Protocol::All),
                from_port: None,
                to_port: None,
                peer: Attr::Known(Peer::Cidr(c.parse().unwrap())),
            })
            .collect();
        self.add(
            name,
            "AWS::EC2::SecurityGroup",
            Kind::SecurityGroup(SecurityGroup {
                vpc: Some(Attr::Known(vpc.clone())),
                egress,
                ingress: Vec::new(),
            }),
        )
    }

    /// A security group that admits every address of the VPC's range (an interface endpoint's,
    /// so that workloads reach it).
    pub fn admitting_sg(&mut self, name: &str, vpc: &Ident) -> Ident {
        self.add(
            name,
            "AWS::EC2::SecurityGroup",
            Kind::SecurityGroup(SecurityGroup {
                vpc: Some(Attr::Known(vpc.clone())),
                egress: Vec::new(),
                ingress: vec![SgRule {
                    protocol: Attr::Known(Protocol::All),
                    from_port: None,
                    to_port: None,
                    peer: Attr::Known(Peer::Cidr("10.0.0.0/8".parse().unwrap())),
                }],
            }),
        )
    }

    pub fn nacl(
        &mut self,
        name: &str,
        vpc: &Ident,
        subnets: &[&Ident],
        entries: &[(i64, bool, &str)],
    ) -> Ident {
        let acl = self.add(
            name,
            "AWS::EC2::NetworkAcl",
            Kind::NetworkAcl(NetworkAcl {
                vpc: Attr::Known(vpc.clone()),
                default: false,
            }),
        );
        for (n, allow, cidr) in entries {
            let en = format!("{name}Entry{n}");
            self.add(
                &en,
                "AWS::EC2::NetworkAclEntry",
                Kind::NetworkAclEntry(NetworkAclEntry {
                    network_acl: Attr::Known(acl.clone()),
                    rule_number: Attr::Known(*n),
                    egress: true,
                    allow: Attr::Known(*allow),
                    protocol: Attr::Known(Protocol::All),
                    cidr: Attr::Known(cidr.parse().unwrap()),
                    from_port: None,
                    to_port: None,
                }),
            );
        }
        for s in subnets {
            let an = format!("{name}Assoc{}", self.line);
            self.add(
                &an,
                "AWS::EC2::SubnetNetworkAclAssociation",
                Kind::SubnetNetworkAclAssociation(SubnetNetworkAclAssociation {
                    subnet: Attr::Known((*s).clone()),
                    network_acl: Attr::Known(acl.clone()),
                }),
            );
        }
        acl
    }

    pub fn notebook(&mut self, name: &str, subnet: &Ident, sgs: &[&Ident]) -> Ident {
        self.add(
            name,
            "AWS::SageMaker::NotebookInstance",
            Kind::NotebookInstance(NotebookInstance {
                subnet: Some(Attr::Known(subnet.clone())),
                security_groups: Some(Attr::Known(sgs.iter().map(|s| (*s).clone()).collect())),
                direct_internet_access: Some(Attr::Known("Disabled".into())),
                root_access: Some(Attr::Known("Disabled".into())),
                ..NotebookInstance::default()
            }),
        )
    }

    pub fn model_in_vpc(
        &mut self,
        name: &str,
        subnets: &[&Ident],
        sgs: &[&Ident],
        isolation: Option<Attr<bool>>,
    ) -> Ident {
        self.add(
            name,
            "AWS::SageMaker::Model",
            Kind::Model(SageMakerModel {
                network_isolation: isolation,
                vpc_config: Some(VpcConfig {
                    subnets: Attr::Known(subnets.iter().map(|s| (*s).clone()).collect()),
                    security_groups: Attr::Known(sgs.iter().map(|s| (*s).clone()).collect()),
                }),
                role: None,
            }),
        )
    }

    #[allow(clippy::too_many_arguments)]
    pub fn endpoint(
        &mut self,
        name: &str,
        vpc: &Ident,
        service: &str,
        kind: EndpointType,
        tables: &[&Ident],
        subnets: &[&Ident],
        policy: Option<Value>,
    ) -> Ident {
        // An interface endpoint's group admits the VPC: the tests that use it are about what
        // the endpoint lets through, not whether the workloads reach it.
        let groups = match kind {
            EndpointType::Gateway => Vec::new(),
            _ => vec![self.admitting_sg(&format!("{name}Sg"), vpc)],
        };
        self.add(
            name,
            "AWS::EC2::VPCEndpoint",
            Kind::VpcEndpoint(VpcEndpoint {
                vpc: Attr::Known(vpc.clone()),
                service_name: Value::text(vec![
                    Part::Lit(if service.starts_with("aws.") {
                        "aws.sagemaker.".into()
                    } else {
                        "com.amazonaws.".into()
                    }),
                    Part::Sym(Symbol::Pseudo(Pseudo::Region)),
                    Part::Lit(format!(".{}", service.trim_start_matches("aws."))),
                ]),
                endpoint_type: Some(Attr::Known(kind)),
                policy,
                route_tables: Attr::Known(tables.iter().map(|t| (*t).clone()).collect()),
                subnets: Attr::Known(subnets.iter().map(|s| (*s).clone()).collect()),
                security_groups: Attr::Known(groups),
                private_dns: Some(Attr::Known(true)),
            }),
        )
    }

    pub fn dns_firewall(&mut self, vpc: &Ident) {
        self.add(
            "DnsFirewallAssociation",
            "AWS::Route53Resolver::FirewallRuleGroupAssociation",
            Kind::ResolverFirewallRuleGroupAssociation(ResolverFirewallRuleGroupAssociation {
                vpc: Attr::Known(vpc.clone()),
                rule_group: Attr::Known(Ident::new("rslvr-frg-1")),
            }),
        );
    }

    /// Runs the network rules only (EP2xx, EP3xx; the unknowns always count).
    pub fn run(&self) -> Analysis {
        self.run_with(&Options::default())
    }

    pub fn run_with(&self, options: &Options) -> Analysis {
        let mut options = options.clone();
        options.skip_rules = egressproof_analysis::registry()
            .iter()
            .map(|r| r.code)
            .filter(|r| !matches!(r.family(), Family::VpcRoutes | Family::ServiceChannels))
            .collect();
        analyze(&self.model, &options)
    }
}

/// A private VPC (10.20.0.0/16) with a workload subnet, its own route table, a notebook whose
/// security group allows all egress, and a public subnet with an internet gateway route.
pub struct Env {
    pub b: B,
    pub vpc: Ident,
    pub private: Ident,
    pub private_rt: Ident,
    pub public: Ident,
    pub public_rt: Ident,
    pub igw: Ident,
    pub sg: Ident,
    pub notebook: Ident,
}

pub fn env() -> Env {
    let mut b = B::new();
    let vpc = b.vpc("Vpc", "10.20.0.0/16");
    let private = b.subnet("PrivateSubnet", &vpc, "10.20.1.0/24");
    let private_rt = b.table("PrivateRouteTable", &vpc);
    b.assoc(&private, &private_rt);
    let public = b.subnet("PublicSubnet", &vpc, "10.20.100.0/24");
    let public_rt = b.table("PublicRouteTable", &vpc);
    b.assoc(&public, &public_rt);
    let igw = b.igw("Igw");
    b.route(&public_rt, "0.0.0.0/0", TargetKind::Gateway, &igw);
    let sg = b.sg("WorkloadSg", &vpc, &["0.0.0.0/0", "::/0"]);
    let notebook = b.notebook("Notebook", &private, &[&sg]);
    Env {
        b,
        vpc,
        private,
        private_rt,
        public,
        public_rt,
        igw,
        sg,
        notebook,
    }
}

pub fn codes(a: &Analysis) -> Vec<String> {
    let mut v: Vec<String> = a.findings.iter().map(|f| f.rule.to_string()).collect();
    v.sort();
    v.dedup();
    v
}

pub fn unknown_codes(a: &Analysis) -> Vec<String> {
    let mut v: Vec<String> = a.unknowns.iter().map(|f| f.rule.to_string()).collect();
    v.sort();
    v.dedup();
    v
}

pub fn has(a: &Analysis, rule: &str) -> bool {
    a.findings.iter().any(|f| f.rule == rule)
}
