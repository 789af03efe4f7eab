//! The `AWS::LanguageExtensions` transform: `Fn::ForEach` in Resources, Outputs, Conditions
//! and resource properties, expanded as CloudFormation expands it; `Fn::FindInMap` with a
//! `DefaultValue`. The transform itself is read, so it is no EP903.

use egressproof_load_cfn::{LoadOptions, Loaded};
use egressproof_model::{Attr, Kind, Resource, UnknownCode};

#[path = "support/load.rs"]
mod support;
#[path = "support/work.rs"]
mod work;

#[global_allocator]
static ALLOCATOR: work::Counting = work::Counting;

fn load_with(text: &str, params: &[(&str, &str)]) -> Loaded {
    let options = LoadOptions {
        params: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..LoadOptions::default()
    };
    support::load_files_with(&[("t.yaml", text)], &options)
}

fn names(l: &Loaded) -> Vec<&str> {
    l.model.resources.iter().map(|r| r.name.as_str()).collect()
}

fn res<'a>(l: &'a Loaded, name: &str) -> &'a Resource {
    support::res(&l.model, name)
}

fn subnet_cidr(l: &Loaded, name: &str) -> String {
    match &res(l, name).kind {
        Kind::Subnet(s) => match &s.cidr_v4 {
            Some(Attr::Known(c)) => c.to_string(),
            other => panic!("{name}: cidr {other:?}"),
        },
        other => panic!("{name}: {other:?}"),
    }
}

fn codes(l: &Loaded) -> Vec<(UnknownCode, &str)> {
    l.model
        .diagnostics
        .iter()
        .map(|d| (d.code, d.message.as_str()))
        .collect()
}

const SUBNETS: &str = r#"
Transform: AWS::LanguageExtensions
Parameters:
  Cidrs:
    Type: CommaDelimitedList
    Default: "10.0.1.0/24, 10.0.2.0/24"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16 }
  Fn::ForEach::Subnets:
    - Cidr
    - !Ref Cidrs
    - Subnet&{Cidr}:
        Type: AWS::EC2::Subnet
        Properties:
          VpcId: !Ref Vpc
          CidrBlock: !Ref Cidr
          Tags:
            - { Key: Name, Value: !Sub "net-${Cidr}" }
Outputs:
  Fn::ForEach::Ids:
    - Cidr
    - !Ref Cidrs
    - Out&{Cidr}:
        Value: !Ref Cidr
"#;

#[test]
fn for_each_over_a_comma_delimited_list_parameter_makes_each_resource() {
    let l = load_with(SUBNETS, &[]);
    assert_eq!(
        names(&l),
        ["Vpc", "Subnet1001024", "Subnet1002024"],
        "{:?}",
        codes(&l)
    );
    assert_eq!(subnet_cidr(&l, "Subnet1002024"), "10.0.2.0/24");
    assert_eq!(res(&l, "Subnet1001024").id.as_str(), "t.yaml#Subnet1001024");
    // The transform is read, not a macro left unrun; nothing is unknown.
    assert!(l.model.diagnostics.is_empty(), "{:?}", codes(&l));
}

#[test]
fn for_each_follows_the_parameter_value_given() {
    let l = load_with(SUBNETS, &[("Cidrs", "10.0.9.0/24")]);
    assert_eq!(names(&l), ["Vpc", "Subnet1009024"]);
    assert_eq!(subnet_cidr(&l, "Subnet1009024"), "10.0.9.0/24");
}

#[test]
fn nested_loops_literal_lists_and_split_collections() {
    let l = load_with(
        r#"
Transform: [AWS::LanguageExtensions]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16 }
  Fn::ForEach::Tiers:
    - Tier
    - [App, Data]
    - Fn::ForEach::Zones:
        - Zone
        - !Split [",", "1,2"]
        - ${Tier}Subnet${Zone}:
            Type: AWS::EC2::Subnet
            Properties:
              VpcId: !Ref Vpc
              CidrBlock: !FindInMap [Cidrs, !Ref Tier, !Sub "Zone${Zone}"]
Mappings:
  Cidrs:
    App: { Zone1: 10.0.1.0/24, Zone2: 10.0.2.0/24 }
    Data: { Zone1: 10.0.3.0/24, Zone2: 10.0.4.0/24 }
"#,
        &[],
    );
    assert_eq!(
        names(&l),
        [
            "Vpc",
            "AppSubnet1",
            "AppSubnet2",
            "DataSubnet1",
            "DataSubnet2"
        ],
        "{:?}",
        codes(&l)
    );
    assert_eq!(subnet_cidr(&l, "DataSubnet2"), "10.0.4.0/24");
    assert!(l.model.diagnostics.is_empty(), "{:?}", codes(&l));
}

#[test]
fn for_each_in_conditions_and_properties() {
    let l = load_with(
        r#"
Transform: AWS::LanguageExtensions
Parameters:
  Env: { Type: String, Default: prod }
Conditions:
  Fn::ForEach::Envs:
    - E
    - [prod, test]
    - Is${E}: !Equals [!Ref Env, !Ref E]
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16 }
  Prod:
    Type: AWS::EC2::Subnet
    Condition: Isprod
    Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24 }
  Test:
    Type: AWS::EC2::Subnet
    Condition: Istest
    Properties:
      VpcId: !Ref Vpc
      Fn::ForEach::Props:
        - P
        - [CidrBlock]
        - ${P}: 10.0.2.0/24
"#,
        &[],
    );
    assert_eq!(names(&l), ["Vpc", "Prod"], "{:?}", codes(&l));
    let l = load_with(
        r#"
Transform: AWS::LanguageExtensions
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16 }
  Test:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      Fn::ForEach::Props:
        - P
        - [CidrBlock]
        - ${P}: 10.0.2.0/24
"#,
        &[],
    );
    assert_eq!(subnet_cidr(&l, "Test"), "10.0.2.0/24");
}

#[test]
fn an_unknown_collection_is_an_ep902_naming_the_loop_not_a_missing_type() {
    let l = load_with(
        r#"
Transform: AWS::LanguageExtensions
Parameters:
  Names: { Type: CommaDelimitedList }
Resources:
  Fn::ForEach::Buckets:
    - N
    - !Ref Names
    - Bucket${N}:
        Type: AWS::S3::Bucket
  Other:
    Type: AWS::S3::Bucket
"#,
        &[],
    );
    assert_eq!(names(&l), ["Other"]);
    let found = codes(&l);
    assert!(
        found.iter().any(|(c, m)| *c == UnknownCode::EP902
            && m.contains("Fn::ForEach::Buckets")
            && m.contains("not known")),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|(c, _)| *c == UnknownCode::EP901),
        "{found:?}"
    );
}

#[test]
fn malformed_loops_are_ep902_never_a_crash() {
    for body in [
        "Fn::ForEach::L: notalist",
        "Fn::ForEach::L: [a, [x]]",
        "Fn::ForEach::L: [[a], [x], {B: {Type: AWS::S3::Bucket}}]",
        "Fn::ForEach::L: [a, x, {B: {Type: AWS::S3::Bucket}}]",
        "Fn::ForEach::L: [a, [x], notamap]",
        "Fn::ForEach::L: [a, [[x]], {'B${a}': {Type: AWS::S3::Bucket}}]",
        // The Availability Zones are known only at deploy time.
        "Fn::ForEach::L: [a, !GetAZs '', {'B&{a}': {Type: AWS::S3::Bucket}}]",
        "Fn::ForEach::L: [a, !Split [',', !Ref AWS::Region], {'B&{a}': {Type: AWS::S3::Bucket}}]",
    ] {
        let l = load_with(
            &format!("Transform: AWS::LanguageExtensions\nResources:\n  {body}\n"),
            &[],
        );
        assert!(l.model.resources.is_empty(), "{body}: {:?}", names(&l));
        assert!(
            codes(&l)
                .iter()
                .any(|(c, m)| *c == UnknownCode::EP902 && m.contains("Fn::ForEach::L")),
            "{body}: {:?}",
            codes(&l)
        );
    }
}

#[test]
fn loops_that_multiply_stop_at_the_work_bound() {
    // Ten nested loops of ten items would make 10^10 resources: the expansion is charged to
    // the resolver's linear work bound and stops with an unknown.
    let mut body = String::from("Bucket");
    for i in 0..10 {
        body.push_str(&format!("${{I{i}}}"));
    }
    let mut fragment = format!("{{'{body}': {{Type: AWS::S3::Bucket}}}}");
    for i in (0..10).rev() {
        fragment = format!("{{Fn::ForEach::L{i}: [I{i}, [a,b,c,d,e,f,g,h,i,j], {fragment}]}}");
    }
    let text = format!("Transform: AWS::LanguageExtensions\nResources: {fragment}\n");
    let (l, bytes) = work::measured(|| load_with(&text, &[]));
    // The work bound allows about 230 MiB of copies here; without it, 10^10 resources.
    assert!(bytes <= 640 << 20, "allocated {} MiB", bytes >> 20);
    assert!(
        codes(&l)
            .iter()
            .any(|(c, m)| *c == UnknownCode::EP902 && m.contains("limit")),
        "{:?}",
        &codes(&l)[..codes(&l).len().min(3)]
    );
    assert!(l.model.resources.len() < 1_000_000);
}

#[test]
fn find_in_map_default_value() {
    let l = load_with(
        r#"
Transform: AWS::LanguageExtensions
Mappings:
  Cidrs:
    prod: { Subnet: 10.0.1.0/24 }
Parameters:
  Env: { Type: String, Default: test }
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16 }
  Missing:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: !FindInMap [Cidrs, !Ref Env, Subnet, {DefaultValue: 10.0.9.0/24}]
  Found:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: !FindInMap [Cidrs, prod, Subnet, {DefaultValue: 10.0.9.0/24}]
  ByRegion:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref Vpc
      CidrBlock: !FindInMap [Cidrs, !Ref AWS::Region, Subnet, {DefaultValue: 10.0.9.0/24}]
"#,
        &[],
    );
    assert_eq!(subnet_cidr(&l, "Missing"), "10.0.9.0/24");
    assert_eq!(subnet_cidr(&l, "Found"), "10.0.1.0/24");
    // The Region may or may not be in the mapping: either value may be the one.
    match &res(&l, "ByRegion").kind {
        Kind::Subnet(s) => assert!(matches!(s.cidr_v4, Some(Attr::Unknown(_)))),
        other => panic!("{other:?}"),
    }
}

#[test]
fn nested_loops_in_outputs_with_get_att_built_from_identifiers() {
    let l = load_with(
        r#"
AWSTemplateFormatVersion: "2010-09-09"
Transform: AWS::LanguageExtensions
Resources:
  Fn::ForEach::Buckets:
    - Identifier
    - [A, B]
    - S3Bucket${Identifier}:
        Type: AWS::S3::Bucket
Outputs:
  Fn::ForEach::BucketOutputs:
    - Identifier
    - [A, B]
    - Fn::ForEach::GetAttLoop:
        - Property
        - [Arn]
        - S3Bucket${Identifier}${Property}:
            Value: !GetAtt [!Sub "S3Bucket${Identifier}", !Ref Property]
            Export: { Name: !Sub "bucket-${Identifier}-${Property}" }
"#,
        &[],
    );
    assert_eq!(names(&l), ["S3BucketA", "S3BucketB"]);
    assert!(l.model.diagnostics.is_empty(), "{:?}", codes(&l));
    let provides = &l.model.inputs[0].provides;
    assert_eq!(provides.len(), 2, "{provides:?}");
}

#[test]
fn sam_resources_are_named_as_not_read_and_the_rest_is_read() {
    let l = load_with(
        r#"
Transform: [AWS::LanguageExtensions, AWS::Serverless-2016-10-31]
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties: { Handler: index.handler, Runtime: python3.12 }
  Api:
    Type: AWS::Serverless::Api
    Properties: { StageName: prod }
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16 }
  Fn::ForEach::Subnets:
    - Z
    - ["1"]
    - Subnet${Z}:
        Type: AWS::EC2::Subnet
        Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24 }
"#,
        &[],
    );
    assert_eq!(subnet_cidr(&l, "Subnet1"), "10.0.1.0/24");
    let found = codes(&l);
    let ep903: Vec<&str> = found
        .iter()
        .filter(|(c, _)| *c == UnknownCode::EP903)
        .map(|(_, m)| *m)
        .collect();
    assert_eq!(ep903.len(), 3, "{ep903:?}");
    assert!(ep903[0].contains("AWS::Serverless-2016-10-31"));
    assert!(!ep903[0].contains("LanguageExtensions"), "{}", ep903[0]);
    assert!(ep903[1].contains("resource Fn: AWS::Serverless::Function"));
    assert!(ep903[2].contains("resource Api: AWS::Serverless::Api"));
}

#[test]
fn loops_copying_a_long_string_stop_at_the_work_bound() {
    // One 1 MiB string copied by three nested loops of 40 items (64,000 copies) would take
    // 64 GiB: the copies are charged by their bytes and stop with an unknown.
    let long = "x".repeat(1 << 20);
    let text = format!(
        "Transform: AWS::LanguageExtensions\nResources:\n  Fn::ForEach::A:\n    - A\n    - [{items}]\n    - Fn::ForEach::B:\n        - B\n        - [{items}]\n        - Fn::ForEach::C:\n            - C\n            - [{items}]\n            - 'Topic${{A}}${{B}}${{C}}':\n                Type: AWS::SNS::Topic\n                Properties: {{ DisplayName: '{long}' }}\n",
        items = (0..40).map(|i| i.to_string()).collect::<Vec<_>>().join(",")
    );
    let (l, bytes) = work::measured(|| load_with(&text, &[]));
    // The work bound allows about 50 MiB of copies here; without it, 64 GiB.
    assert!(bytes <= 160 << 20, "allocated {} MiB", bytes >> 20);
    assert!(
        codes(&l)
            .iter()
            .any(|(c, m)| *c == UnknownCode::EP902 && m.contains("limit")),
        "{:?}",
        &codes(&l)[..codes(&l).len().min(3)]
    );
    assert!(l.model.resources.len() < 100, "{}", l.model.resources.len());
}
