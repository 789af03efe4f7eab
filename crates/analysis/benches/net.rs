//! The network analysis on a generated estate: 10,000 subnets, 2,000 route tables, 5,000
//! workloads (notebooks and models), with NAT chains, internet gateways and security groups.

use criterion::{criterion_group, criterion_main, Criterion};
use egressproof_analysis::{analyze, Family, Options};
use egressproof_model::*;

fn add(m: &mut Model, id: String, type_name: &str, kind: Kind) -> Ident {
    let ident = Ident::new(id.clone());
    let line = m.resources.len() as u32 + 1;
    m.resources.push(Resource::new(
        ident.clone(),
        id,
        type_name,
        Span::new("bench.yaml", line, 1),
        kind,
    ));
    ident
}

/// 100 VPCs, each with 100 subnets, 20 route tables and 50 workloads. Every fifth table routes
/// to a NAT gateway whose subnet routes to an internet gateway.
pub fn estate() -> Model {
    estate_of(100)
}

/// `vpcs` VPCs shaped like those of [`estate`] (about 370 resources each; VPC ranges repeat
/// after 256, as separate VPCs may).
pub fn estate_of(vpcs: u32) -> Model {
    let mut m = Model::default();
    for v in 0..vpcs {
        let o = v % 256;
        let vpc = add(
            &mut m,
            format!("vpc{v}"),
            "AWS::EC2::VPC",
            Kind::Vpc(Vpc {
                cidr_v4: Some(Attr::Known(format!("10.{o}.0.0/16").parse().unwrap())),
            }),
        );
        let igw = add(
            &mut m,
            format!("igw{v}"),
            "AWS::EC2::InternetGateway",
            Kind::InternetGateway(Gateway::default()),
        );
        let mut subnets = Vec::new();
        for s in 0..100u32 {
            subnets.push(add(
                &mut m,
                format!("subnet{v}-{s}"),
                "AWS::EC2::Subnet",
                Kind::Subnet(Subnet {
                    vpc: Attr::Known(vpc.clone()),
                    cidr_v4: Some(Attr::Known(format!("10.{o}.{s}.0/24").parse().unwrap())),
                    cidr_v6: None,
                    map_public_ip_on_launch: None,
                }),
            ));
        }
        let nat = add(
            &mut m,
            format!("nat{v}"),
            "AWS::EC2::NatGateway",
            Kind::NatGateway(NatGateway {
                subnet: Attr::Known(subnets[0].clone()),
                connectivity: None,
            }),
        );
        let mut tables = Vec::new();
        for t in 0..20u32 {
            let table = add(
                &mut m,
                format!("rt{v}-{t}"),
                "AWS::EC2::RouteTable",
                Kind::RouteTable(RouteTable {
                    vpc: Attr::Known(vpc.clone()),
                    main: false,
                }),
            );
            let (kind, target) = match t {
                0 => (TargetKind::Gateway, igw.clone()),
                t if t % 5 == 0 => (TargetKind::NatGateway, nat.clone()),
                _ => (TargetKind::TransitGateway, Ident::new("tgw-outside")),
            };
            for (i, dest) in ["0.0.0.0/0", "8.8.0.0/16", "1.0.0.0/8", "192.0.2.0/24"]
                .iter()
                .enumerate()
            {
                let target = if i == 0 {
                    target.clone()
                } else {
                    Ident::new(format!("pcx-{i}"))
                };
                let kind = if i == 0 {
                    kind
                } else {
                    TargetKind::VpcPeeringConnection
                };
                add(
                    &mut m,
                    format!("route{v}-{t}-{i}"),
                    "AWS::EC2::Route",
                    Kind::Route(Route {
                        route_table: Attr::Known(table.clone()),
                        destination: Attr::Known(Destination::V4(dest.parse().unwrap())),
                        target: Attr::Known(RouteTarget {
                            kind,
                            id: Attr::Known(target),
                        }),
                    }),
                );
            }
            tables.push(table);
        }
        for (s, subnet) in subnets.iter().enumerate() {
            add(
                &mut m,
                format!("assoc{v}-{s}"),
                "AWS::EC2::SubnetRouteTableAssociation",
                Kind::SubnetRouteTableAssociation(SubnetRouteTableAssociation {
                    subnet: Attr::Known(subnet.clone()),
                    route_table: Attr::Known(tables[s % tables.len()].clone()),
                }),
            );
        }
        let sg = add(
            &mut m,
            format!("sg{v}"),
            "AWS::EC2::SecurityGroup",
            Kind::SecurityGroup(SecurityGroup {
                vpc: Some(Attr::Known(vpc.clone())),
                egress: vec![SgRule {
                    protocol: Attr::Known(Protocol::All),
                    from_port: None,
                    to_port: None,
                    peer: Attr::Known(Peer::Cidr("0.0.0.0/0".parse().unwrap())),
                }],
                ingress: Vec::new(),
            }),
        );
        for w in 0..50u32 {
            let subnet = subnets[(w as usize * 2 + 1) % subnets.len()].clone();
            if w % 2 == 0 {
                add(
                    &mut m,
                    format!("nb{v}-{w}"),
                    "AWS::SageMaker::NotebookInstance",
                    Kind::NotebookInstance(NotebookInstance {
                        subnet: Some(Attr::Known(subnet)),
                        security_groups: Some(Attr::Known(vec![sg.clone()])),
                        direct_internet_access: Some(Attr::Known("Disabled".into())),
                        ..NotebookInstance::default()
                    }),
                );
            } else {
                add(
                    &mut m,
                    format!("model{v}-{w}"),
                    "AWS::SageMaker::Model",
                    Kind::Model(SageMakerModel {
                        network_isolation: Some(Attr::Known(false)),
                        vpc_config: Some(VpcConfig {
                            subnets: Attr::Known(vec![subnet]),
                            security_groups: Attr::Known(vec![sg.clone()]),
                        }),
                        role: None,
                    }),
                );
            }
        }
    }
    m
}

fn bench(c: &mut Criterion) {
    let model = estate();
    let options = Options::default();
    c.bench_function("net: 10k subnets, 2k tables, 5k workloads", |b| {
        b.iter(|| analyze(&model, &options))
    });
    let net_only = Options {
        skip_rules: egressproof_analysis::registry()
            .iter()
            .map(|r| r.code)
            .filter(|r| !matches!(r.family(), Family::VpcRoutes | Family::ServiceChannels))
            .collect(),
        ..Options::default()
    };
    c.bench_function("net rules only (EP2xx, EP3xx)", |b| {
        b.iter(|| analyze(&model, &net_only))
    });
}

/// DESIGN.md §7: a 100k-resource synthetic model analysed in under 2 s.
fn bench_100k(c: &mut Criterion) {
    let model = estate_of(270);
    let options = Options::default();
    let mut group = c.benchmark_group("scale");
    group.sample_size(10);
    group.bench_function(
        format!("full analysis, {} resources", model.resources.len()),
        |b| b.iter(|| analyze(&model, &options)),
    );
    group.finish();
}

criterion_group!(benches, bench, bench_100k);
criterion_main!(benches);
