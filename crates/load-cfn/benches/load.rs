//! Load + resolve + lower throughput over a generated corpus: 200 templates of ~100 resources,
//! with parameters, conditions, `!Sub`, `!GetAtt`, imports and inline policies; and one JSON
//! template of 100,000 resources, minified on one line against pretty-printed (the layout must
//! not change the cost: no work per resource may scan a whole line or a whole mapping).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use egressproof_load_cfn::{load, Input, LoadOptions};
use std::fmt::Write;

const TEMPLATES: usize = 200;
const GROUPS: usize = 10; // each group is 10 resources

fn template(i: usize) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "AWSTemplateFormatVersion: '2010-09-09'\nParameters:\n  Env: {{ Type: String, Default: prod }}\n  \
         Base: {{ Type: String, Default: 10.{}.0.0/16 }}\nConditions:\n  IsProd: !Equals [!Ref Env, prod]\nResources:",
        i % 250
    );
    for g in 0..GROUPS {
        let _ = write!(
            s,
            r#"
  # egressproof:ignore EP303 generated
  Vpc{g}:
    Type: AWS::EC2::VPC
    Properties: {{ CidrBlock: !Ref Base }}
  Subnet{g}:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc{g}
      CidrBlock: !Select [{g}, !Cidr [!GetAtt Vpc{g}.CidrBlock, 16, 8]]
  Rt{g}:
    Type: AWS::EC2::RouteTable
    Properties: {{ VpcId: !Ref Vpc{g} }}
  Assoc{g}:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: {{ SubnetId: !Ref Subnet{g}, RouteTableId: !Ref Rt{g} }}
  Route{g}:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref Rt{g}
      DestinationCidrBlock: 0.0.0.0/0
      TransitGatewayId: !If [IsProd, tgw-0123456789abcdef0, !Ref AWS::NoValue]
  Sg{g}:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: workload
      VpcId: !Ref Vpc{g}
      SecurityGroupEgress:
        - {{ IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/8 }}
  Endpoint{g}:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc{g}
      ServiceName: !Sub com.amazonaws.${{AWS::Region}}.s3
      RouteTableIds: [!Ref Rt{g}]
      PolicyDocument:
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: ["s3:GetObject", "s3:PutObject"]
            Resource: !Sub arn:${{AWS::Partition}}:s3:::data-${{AWS::AccountId}}-{g}/*
  Role{g}:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Statement: [{{ Effect: Allow, Principal: {{ Service: sagemaker.amazonaws.com }}, Action: sts:AssumeRole }}]
      Policies:
        - PolicyName: data
          PolicyDocument:
            Statement: [{{ Effect: Allow, Action: "s3:*", Resource: !Sub "arn:aws:s3:::bucket-${{Env}}/*" }}]
  Notebook{g}:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: !GetAtt Role{g}.Arn
      SubnetId: !Ref Subnet{g}
      SecurityGroupIds: [!GetAtt Sg{g}.GroupId]
      DirectInternetAccess: Disabled
  Model{g}:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: !GetAtt Role{g}.Arn
      EnableNetworkIsolation: true
      VpcConfig: {{ Subnets: [!Ref Subnet{g}], SecurityGroupIds: [!Ref Sg{g}] }}
"#
        );
    }
    let _ = write!(
        s,
        "Outputs:\n  Vpc:\n    Value: !Ref Vpc0\n    Export: {{ Name: vpc-{i} }}\n"
    );
    s
}

fn bench(c: &mut Criterion) {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("cannot create a temp dir: {e}");
            return;
        }
    };
    let mut inputs = Vec::new();
    let mut bytes = 0u64;
    for i in 0..TEMPLATES {
        let body = template(i);
        bytes += body.len() as u64;
        let path = dir.path().join(format!("t{i}.yaml"));
        if let Err(e) = std::fs::write(&path, body) {
            eprintln!("cannot write the corpus: {e}");
            return;
        }
        inputs.push(Input {
            path,
            display: format!("t{i}.yaml"),
        });
    }
    let options = LoadOptions::default();
    let probe = load(&inputs, &options);
    assert_eq!(probe.templates, TEMPLATES);
    assert!(
        probe.model.diagnostics.is_empty(),
        "{:?}",
        probe.model.diagnostics.first()
    );
    eprintln!(
        "corpus: {TEMPLATES} files, {} resources, {:.1} MB",
        probe.model.resources.len(),
        bytes as f64 / 1e6
    );

    let mut g = c.benchmark_group("load");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("bytes", |b| b.iter(|| load(&inputs, &options)));
    g.throughput(Throughput::Elements(TEMPLATES as u64));
    g.bench_function("files", |b| b.iter(|| load(&inputs, &options)));
    // The parser alone, as the floor the loader is measured against.
    let sources: Vec<String> = inputs
        .iter()
        .filter_map(|i| std::fs::read_to_string(&i.path).ok())
        .collect();
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("saphyr_events_only", |b| {
        b.iter(|| {
            sources
                .iter()
                .map(|s| saphyr_parser::Parser::new_from_str(s).count())
                .sum::<usize>()
        })
    });
    g.finish();
}

/// Resources of the one-template benchmark (a quarter each: VPC, subnet, security group,
/// notebook), each referring to another by `Ref`, so that every reference is a lookup among
/// 100,000 keys. Small on purpose: pretty-printed, the template stays under the 16 MB limit.
const BIG_RESOURCES: usize = 100_000;

fn big_template() -> serde_json::Value {
    use serde_json::json;
    let mut resources = serde_json::Map::new();
    for g in 0..BIG_RESOURCES / 4 {
        resources.insert(
            format!("V{g}"),
            json!({ "Type": "AWS::EC2::VPC", "Properties": { "CidrBlock": "10.0.0.0/16" } }),
        );
        resources.insert(
            format!("S{g}"),
            json!({ "Type": "AWS::EC2::Subnet", "Properties": { "VpcId": { "Ref": format!("V{g}") } } }),
        );
        resources.insert(
            format!("G{g}"),
            json!({ "Type": "AWS::EC2::SecurityGroup", "Properties": { "VpcId": { "Ref": format!("V{g}") } } }),
        );
        resources.insert(
            format!("N{g}"),
            json!({ "Type": "AWS::SageMaker::NotebookInstance", "Properties": { "SubnetId": { "Ref": format!("S{g}") } } }),
        );
    }
    json!({ "AWSTemplateFormatVersion": "2010-09-09", "Resources": resources })
}

/// One template of 100,000 resources: minified on one line, and pretty-printed.
fn bench_one_template(c: &mut Criterion) {
    let dir = match tempfile::tempdir() {
        Ok(d) => d,
        Err(e) => {
            eprintln!("cannot create a temp dir: {e}");
            return;
        }
    };
    let doc = big_template();
    let mut g = c.benchmark_group("one_template_100k");
    g.sample_size(10);
    for (layout, text) in [
        ("minified", serde_json::to_string(&doc)),
        ("pretty", serde_json::to_string_pretty(&doc)),
    ] {
        let Ok(text) = text else { return };
        let path = dir.path().join(format!("{layout}.json"));
        if let Err(e) = std::fs::write(&path, &text) {
            eprintln!("cannot write the template: {e}");
            return;
        }
        let inputs = vec![Input {
            path,
            display: format!("{layout}.json"),
        }];
        let options = LoadOptions::default();
        let probe = load(&inputs, &options);
        assert_eq!(probe.model.resources.len(), BIG_RESOURCES);
        assert!(
            probe.model.diagnostics.is_empty(),
            "{:?}",
            probe.model.diagnostics.first()
        );
        eprintln!(
            "{layout}: {} resources, {:.1} MB, {} lines",
            BIG_RESOURCES,
            text.len() as f64 / 1e6,
            text.lines().count()
        );
        g.throughput(Throughput::Elements(BIG_RESOURCES as u64));
        g.bench_function(layout, |b| b.iter(|| load(&inputs, &options)));
    }
    g.finish();
}

criterion_group!(benches, bench, bench_one_template);
criterion_main!(benches);
