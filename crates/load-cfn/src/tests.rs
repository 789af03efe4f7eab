//! Tests of the loader: intrinsics one by one, lowering per resource family, bad inputs.

use super::*;
use egressproof_model::*;
use std::time::{Duration, Instant};

fn write(dir: &std::path::Path, name: &str, body: &[u8]) -> Input {
    let path = dir.join(name);
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&path, body).unwrap();
    Input {
        path,
        display: name.to_string(),
    }
}

fn load_files(files: &[(&str, &str)], params: &[(&str, &str)]) -> Loaded {
    let dir = tempfile::tempdir().unwrap();
    let inputs: Vec<Input> = files
        .iter()
        .map(|(n, b)| write(dir.path(), n, b.as_bytes()))
        .collect();
    let options = LoadOptions {
        params: params
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..LoadOptions::default()
    };
    load(&inputs, &options)
}

fn load_one(body: &str) -> Loaded {
    load_files(&[("t.yaml", body)], &[])
}

fn res<'a>(l: &'a Loaded, name: &str) -> &'a Resource {
    l.model
        .resources
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no resource {name} in {:#?}", l.model.resources))
}

/// Resolves `expr` inside `template` (which gives Parameters, Conditions, Mappings, Resources).
fn eval_with(template: &str, expr: &str, params: &[(&str, &str)]) -> Option<Value> {
    let root = tree::parse(template).unwrap().unwrap();
    let tpl = Arc::new(Template {
        display: "t.yaml".into(),
        path: "t.yaml".into(),
        canonical: "t.yaml".into(),
        comments: Default::default(),
        root,
    });
    let files = HashMap::new();
    let exports = HashMap::new();
    let scope = ReadScope::default();
    let ssm = HashMap::new();
    let ctx = Ctx {
        files: &files,
        exports: &exports,
        ssm: &ssm,
        scope: &scope,
    };
    let overrides = params
        .iter()
        .map(|(k, v)| (k.to_string(), Value::Str(v.to_string())))
        .collect();
    let stack = Stack::new(&ctx, tpl, "t.yaml#".into(), overrides, Vec::new());
    let e = tree::parse(expr).unwrap().unwrap();
    stack.resolve(&e)
}

const BASE: &str = r#"
Parameters:
  Env: { Type: String, Default: prod }
  Cidr: { Type: String, Default: 10.0.0.0/16 }
  NoDefault: { Type: String }
  Subnets: { Type: CommaDelimitedList, Default: "subnet-1, subnet-2" }
  Ssm: { Type: "AWS::SSM::Parameter::Value<String>", Default: /x/y }
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  IsDev: !Not [!Condition IsProd]
  InUsEast: !Equals [!Ref "AWS::Region", us-east-1]
  Both: !And [!Condition IsProd, !Condition InUsEast]
  Either: !Or [!Condition IsProd, !Condition InUsEast]
  Loop: !Condition Loop
Mappings:
  Net:
    prod: { Cidr: 10.1.0.0/16 }
    dev: { Cidr: 10.2.0.0/16 }
  Same:
    us-east-1: { Mode: VpcOnly }
    eu-west-1: { Mode: VpcOnly }
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: !Ref Cidr }
  Firewall:
    Type: AWS::NetworkFirewall::Firewall
    Properties: {}
  Custom:
    Type: Custom::Thing
"#;

fn eval(expr: &str) -> Value {
    eval_with(BASE, expr, &[]).expect("a value")
}

fn sym_attr(resource: &str, attribute: &str) -> Value {
    Value::symbol(Symbol::Attr {
        resource: Ident::new(resource),
        attribute: attribute.into(),
    })
}

fn unknown_reason(v: &Value) -> String {
    match v {
        Value::Unknown(u) => u.reason.clone(),
        other => panic!("expected unknown, got {other:?}"),
    }
}

// ---------------------------------------------------------------------------------------------
// intrinsics

#[test]
fn ref_parameter_default_override_and_missing() {
    assert_eq!(eval("!Ref Env"), Value::from("prod"));
    assert_eq!(
        eval_with(BASE, "!Ref Env", &[("Env", "dev")]),
        Some(Value::from("dev"))
    );
    let v = eval("!Ref NoDefault");
    assert_eq!(
        unknown_reason(&v),
        "parameter NoDefault has no default and no --param value"
    );
    let Value::Unknown(u) = v else { unreachable!() };
    assert_eq!(u.span.unwrap().line, 5);
    assert_eq!(
        eval("!Ref Subnets"),
        Value::List(vec![Value::from("subnet-1"), Value::from("subnet-2")])
    );
    assert!(unknown_reason(&eval("!Ref Ssm")).contains("SSM"));
}

#[test]
fn ref_pseudo_resource_and_novalue() {
    assert_eq!(
        eval("!Ref AWS::AccountId"),
        Value::symbol(Symbol::Pseudo(Pseudo::AccountId))
    );
    assert_eq!(
        eval("{Ref: AWS::URLSuffix}"),
        Value::symbol(Symbol::Pseudo(Pseudo::UrlSuffix))
    );
    assert_eq!(
        eval("!Ref Vpc"),
        Value::symbol(Symbol::Ref(Ident::new("t.yaml#Vpc")))
    );
    assert_eq!(eval_with(BASE, "!Ref AWS::NoValue", &[]), None);
    assert_eq!(
        eval("{a: 1, b: !Ref AWS::NoValue}"),
        Value::Map(
            [("a".to_string(), Value::Number("1".into()))]
                .into_iter()
                .collect()
        )
    );
    assert_eq!(
        eval("[x, !Ref AWS::NoValue]"),
        Value::List(vec![Value::from("x")])
    );
    assert!(unknown_reason(&eval("!Ref Nope")).contains("neither a parameter nor a resource"));
}

#[test]
fn conditions_and_if() {
    assert_eq!(eval("!If [IsProd, a, b]"), Value::from("a"));
    assert_eq!(eval("!If [IsDev, a, b]"), Value::from("b"));
    assert_eq!(
        eval_with(BASE, "!If [IsDev, a, b]", &[("Env", "dev")]),
        Some(Value::from("a"))
    );
    // Depends on the Region: unknown, unless both branches agree.
    assert!(unknown_reason(&eval("!If [InUsEast, a, b]")).contains("InUsEast"));
    assert_eq!(eval("!If [InUsEast, same, same]"), Value::from("same"));
    assert!(matches!(eval("!If [Both, a, b]"), Value::Unknown(_)));
    assert_eq!(eval("!If [Either, a, b]"), Value::from("a"));
    assert!(unknown_reason(&eval("!If [Loop, a, b]")).contains("refers to itself"));
    assert!(unknown_reason(&eval("!If [Undefined, a, b]")).contains("not defined"));
    assert_eq!(
        eval_with(BASE, "!If [IsDev, a, !Ref AWS::NoValue]", &[]),
        None
    );
    assert_eq!(
        eval("{Fn::If: [IsProd, {Fn::Equals: [1, '1']}, x]}"),
        Value::Bool(true)
    );
}

#[test]
fn get_att_forms_and_well_known_attributes() {
    assert_eq!(eval("!GetAtt Vpc.CidrBlock"), Value::from("10.0.0.0/16"));
    assert_eq!(
        eval("{Fn::GetAtt: [Vpc, CidrBlock]}"),
        Value::from("10.0.0.0/16")
    );
    assert_eq!(
        eval("!GetAtt Vpc.DefaultSecurityGroup"),
        Value::symbol(Symbol::Ref(Ident::default_security_group_of(&Ident::new(
            "t.yaml#Vpc"
        ))))
    );
    assert_eq!(
        eval("!GetAtt Vpc.VpcId"),
        Value::symbol(Symbol::Ref(Ident::new("t.yaml#Vpc")))
    );
    assert_eq!(
        eval("!GetAtt Vpc.Ipv6CidrBlocks"),
        sym_attr("t.yaml#Vpc", "Ipv6CidrBlocks")
    );
    assert!(unknown_reason(&eval("!GetAtt Custom.Value")).contains("custom resource attribute"));
    assert!(unknown_reason(&eval("!GetAtt Ghost.Arn")).contains("not a resource"));
}

#[test]
fn sub_forms() {
    assert_eq!(
        eval("!Sub 'arn:${AWS::Partition}:s3:::data-${Env}/*'"),
        Value::text(vec![
            Part::Lit("arn:".into()),
            Part::Sym(Symbol::Pseudo(Pseudo::Partition)),
            Part::Lit(":s3:::data-prod/*".into()),
        ])
    );
    assert_eq!(
        eval("!Sub ['${A}-${B}', {A: x, B: !Ref Env}]"),
        Value::from("x-prod")
    );
    assert_eq!(
        eval("!Sub '${!Literal}-${Env}'"),
        Value::from("${Literal}-prod")
    );
    assert_eq!(eval("!Sub '${Vpc.CidrBlock}'"), Value::from("10.0.0.0/16"));
    assert_eq!(
        eval("!Sub '${Firewall.EndpointIds}'"),
        sym_attr("t.yaml#Firewall", "EndpointIds")
    );
    assert!(matches!(eval("!Sub '${NoDefault}'"), Value::Unknown(_)));
    // A JSON document with one unresolved variable keeps the rest of the document.
    let doc = eval(r#"!Sub '{"a": "${NoDefault}", "b": "x-${Env}"}'"#);
    assert!(matches!(doc.get("a"), Some(Value::Unknown(_))), "{doc:?}");
    assert_eq!(doc.get("b"), Some(&Value::from("x-prod")));
}

#[test]
fn join_select_split() {
    assert_eq!(
        eval("!Join ['-', [a, !Ref Env, 3]]"),
        Value::from("a-prod-3")
    );
    assert_eq!(
        eval("!Join [',', !Ref Subnets]"),
        Value::from("subnet-1,subnet-2")
    );
    assert_eq!(eval("!Select [1, [a, b, c]]"), Value::from("b"));
    assert_eq!(eval("!Select ['0', !Ref Subnets]"), Value::from("subnet-1"));
    assert!(unknown_reason(&eval("!Select [5, [a]]")).contains("out of range"));
    assert_eq!(
        eval("!Split [',', 'a,b']"),
        Value::List(vec![Value::from("a"), Value::from("b")])
    );
    // The classic Network Firewall endpoint lookup keeps pointing at the firewall.
    let v = eval("!Select [1, !Split [':', !Select [0, !GetAtt Firewall.EndpointIds]]]");
    let Some(Symbol::Attr { resource, .. }) = v.as_symbol() else {
        panic!("{v:?}")
    };
    assert_eq!(resource, &Ident::new("t.yaml#Firewall"));
    assert!(matches!(
        eval("!Split [',', !Sub 'a,${AWS::Region}']"),
        Value::Unknown(_)
    ));
}

#[test]
fn find_in_map() {
    assert_eq!(
        eval("!FindInMap [Net, !Ref Env, Cidr]"),
        Value::from("10.1.0.0/16")
    );
    assert!(unknown_reason(&eval("!FindInMap [Net, test, Cidr]")).contains("not in the mapping"));
    assert!(matches!(
        eval("!FindInMap [Net, !Ref AWS::Region, Cidr]"),
        Value::Unknown(_)
    ));
    // Every Region gives the same value: known.
    assert_eq!(
        eval("!FindInMap [Same, !Ref AWS::Region, Mode]"),
        Value::from("VpcOnly")
    );
}

#[test]
fn get_azs_cidr_base64_length_json() {
    let azs = eval("!GetAZs ''");
    assert!(azs.as_symbol().is_some());
    assert!(eval("!Select [0, !GetAZs '']").as_symbol().is_some());
    assert_eq!(
        eval("!Cidr [10.0.0.0/16, 3, 8]"),
        Value::List(vec![
            Value::from("10.0.0.0/24"),
            Value::from("10.0.1.0/24"),
            Value::from("10.0.2.0/24"),
        ])
    );
    assert_eq!(
        eval("!Select [1, !Cidr [!GetAtt Vpc.CidrBlock, 2, 12]]"),
        Value::from("10.0.16.0/20")
    );
    assert!(matches!(
        eval("!Cidr [!Ref NoDefault, 2, 8]"),
        Value::Unknown(_)
    ));
    assert_eq!(eval("{Fn::Base64: !Sub '${Env}'}"), Value::from("prod"));
    assert_eq!(eval("{Fn::Length: [a, b]}"), Value::Number("2".into()));
    assert_eq!(
        eval("{Fn::ToJsonString: {a: [1]}}"),
        Value::from("{\"a\":[1]}")
    );
    assert!(unknown_reason(&eval("{Fn::Frobnicate: 1}")).contains("unsupported intrinsic"));
    assert!(unknown_reason(&eval("!Frobnicate 1")).contains("unsupported intrinsic"));
}

#[test]
fn import_value_across_templates() {
    let network = r#"
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.0.0.0/16 } }
  Private: { Type: AWS::EC2::Subnet, Properties: { VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24 } }
Outputs:
  SubnetOut:
    Value: !Ref Private
    Export: { Name: network-private-subnet }
"#;
    let app = r#"
Resources:
  Nb:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      SubnetId: !ImportValue network-private-subnet
      SecurityGroupIds: [!ImportValue missing-export]
"#;
    let l = load_files(&[("network.yaml", network), ("app.yaml", app)], &[]);
    let Kind::NotebookInstance(nb) = &res(&l, "Nb").kind else {
        panic!()
    };
    assert_eq!(
        nb.subnet,
        Some(Attr::Known(Ident::new("network.yaml#Private")))
    );
    let Some(Attr::Unknown(u)) = &nb.security_groups else {
        panic!("{:?}", nb.security_groups)
    };
    assert!(u.reason.contains("missing-export"));
    assert_eq!(u.span.as_ref().unwrap().file, "app.yaml");
}

#[test]
fn nested_stack_from_local_file() {
    let parent = r#"
Resources:
  Net:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: ./nested/net.yaml
      Parameters: { Cidr: 10.9.0.0/16 }
  Nb:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      SubnetId: !GetAtt Net.Outputs.SubnetId
  Remote:
    Type: AWS::CloudFormation::Stack
    Properties:
      TemplateURL: https://s3.amazonaws.com/bucket/x.yaml
"#;
    let child = r#"
Parameters:
  Cidr: { Type: String }
Resources:
  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: !Ref Cidr } }
  Sub: { Type: AWS::EC2::Subnet, Properties: { VpcId: !Ref Vpc, CidrBlock: 10.9.1.0/24 } }
Outputs:
  SubnetId: { Value: !Ref Sub }
"#;
    let l = load_files(&[("parent.yaml", parent), ("nested/net.yaml", child)], &[]);
    assert_eq!(l.templates, 2);
    let vpc = l
        .model
        .resources
        .iter()
        .find(|r| r.id.as_str() == "parent.yaml#Net/Vpc")
        .expect("child loaded under the parent");
    assert_eq!(vpc.span.file, "nested/net.yaml");
    let Kind::Vpc(v) = &vpc.kind else { panic!() };
    assert_eq!(v.cidr_v4, Some(Attr::Known("10.9.0.0/16".parse().unwrap())));
    // The child is not loaded a second time as a stack of its own.
    assert_eq!(
        l.model.resources.iter().filter(|r| r.name == "Vpc").count(),
        1
    );
    let Kind::NotebookInstance(nb) = &res(&l, "Nb").kind else {
        panic!()
    };
    assert_eq!(
        nb.subnet,
        Some(Attr::Known(Ident::new("parent.yaml#Net/Sub")))
    );
    let d = l
        .model
        .diagnostics
        .iter()
        .find(|d| d.message.contains("Remote"))
        .expect("remote stack diagnostic");
    assert_eq!(d.code, UnknownCode::EP902);
}

/// Templates are untrusted: a nested stack is read only inside the load's scope (by default the
/// inputs' directories), never from a special file, and an outside one is an EP902.
#[test]
fn nested_stacks_are_read_only_inside_the_scope() {
    let dir = tempfile::tempdir().unwrap();
    let child = "Resources:\n  OutsideVpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.0.0.0/16 } }\n";
    write(dir.path(), "shared/child.yaml", child.as_bytes());
    let parent = "Resources:\n  Out:\n    Type: AWS::CloudFormation::Stack\n    Properties: { TemplateURL: ../shared/child.yaml }\n  Env:\n    Type: AWS::CloudFormation::Stack\n    Properties: { TemplateURL: /proc/self/environ }\n";
    let input = write(dir.path(), "infra/main.yaml", parent.as_bytes());
    let inputs = [input];

    let l = load(&inputs, &LoadOptions::default());
    assert!(l.model.resources.iter().all(|r| r.name != "OutsideVpc"));
    let messages: Vec<(UnknownCode, &str)> = l
        .model
        .diagnostics
        .iter()
        .map(|d| (d.code, d.message.as_str()))
        .collect();
    assert!(
        messages.iter().any(|(c, m)| *c == UnknownCode::EP902
            && m.contains("../shared/child.yaml")
            && m.contains("--allow-read DIR")),
        "{messages:?}"
    );
    assert!(
        messages.iter().any(|(c, m)| *c == UnknownCode::EP902
            && m.contains("/proc/self/environ")
            && m.contains("not a regular file; not read")),
        "{messages:?}"
    );

    let wider = LoadOptions {
        read: ReadScope::new([dir.path()]),
        ..LoadOptions::default()
    };
    let l = load(&inputs, &wider);
    assert!(l.model.resources.iter().any(|r| r.name == "OutsideVpc"));
}

#[test]
fn nested_stack_cycle_is_cut() {
    let a = "Resources:\n  B:\n    Type: AWS::CloudFormation::Stack\n    Properties: { TemplateURL: b.yaml }\n";
    let b = "Resources:\n  A:\n    Type: AWS::CloudFormation::Stack\n    Properties: { TemplateURL: a.yaml }\n";
    let l = load_files(&[("a.yaml", a), ("b.yaml", b)], &[]);
    assert!(l
        .model
        .diagnostics
        .iter()
        .any(|d| d.message.contains("cycle")));
}

#[test]
fn transform_gives_ep903_and_still_loads() {
    let l = load_one(
        "Transform: AWS::Serverless-2016-10-31\nResources:\n  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.0.0.0/16 } }\n",
    );
    assert!(l
        .model
        .diagnostics
        .iter()
        .any(|d| d.code == UnknownCode::EP903 && d.message.contains("Serverless")));
    assert_eq!(l.model.resources.len(), 1);
}

#[test]
fn resource_conditions() {
    let l = load_one(
        r#"
Parameters:
  Env: { Type: String, Default: prod }
Conditions:
  IsDev: !Equals [!Ref Env, dev]
  InUsEast: !Equals [!Ref "AWS::Region", us-east-1]
Resources:
  DevOnly: { Type: AWS::EC2::InternetGateway, Condition: IsDev }
  MaybeRegion: { Type: AWS::EC2::InternetGateway, Condition: InUsEast }
"#,
    );
    assert!(l.model.resources.iter().all(|r| r.name != "DevOnly"));
    // Unknown condition: the resource may exist, so it is loaded.
    res(&l, "MaybeRegion");
}

// ---------------------------------------------------------------------------------------------
// lowering

#[test]
fn lowers_network_family() {
    let l = load_one(
        r#"
Resources:
  Vpc: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.0.0.0/16 } }
  Sub:
    Type: AWS::EC2::Subnet
    Properties: { VpcId: !Ref Vpc, CidrBlock: !Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 2, 8]] }
  Rt: { Type: AWS::EC2::RouteTable, Properties: { VpcId: !Ref Vpc } }
  Nat: { Type: AWS::EC2::NatGateway, Properties: { SubnetId: !Ref Sub } }
  Out:
    Type: AWS::EC2::Route
    Properties: { RouteTableId: !Ref Rt, DestinationCidrBlock: 0.0.0.0/0, NatGatewayId: !Ref Nat }
  V6:
    Type: AWS::EC2::Route
    Properties: { RouteTableId: !Ref Rt, DestinationIpv6CidrBlock: "::/0", EgressOnlyInternetGatewayId: eigw-0abc }
  Bad:
    Type: AWS::EC2::Route
    Properties: { RouteTableId: !Ref Rt, DestinationCidrBlock: not-a-cidr, GatewayId: !Ref Missing }
  Assoc:
    Type: AWS::EC2::SubnetRouteTableAssociation
    Properties: { SubnetId: !Ref Sub, RouteTableId: !Ref Rt }
  Open: { Type: AWS::EC2::SecurityGroup, Properties: { VpcId: !Ref Vpc, GroupDescription: x } }
  Tight:
    Type: AWS::EC2::SecurityGroup
    Properties:
      VpcId: !GetAtt Vpc.VpcId
      SecurityGroupEgress:
        - { IpProtocol: tcp, FromPort: 443, ToPort: 443, DestinationPrefixListId: pl-123 }
  Eg:
    Type: AWS::EC2::SecurityGroupEgress
    Properties: { GroupId: !Ref Tight, IpProtocol: "-1", CidrIp: 10.0.0.0/8 }
  Acl: { Type: AWS::EC2::NetworkAcl, Properties: { VpcId: !Ref Vpc } }
  Entry:
    Type: AWS::EC2::NetworkAclEntry
    Properties: { NetworkAclId: !Ref Acl, RuleNumber: 100, Egress: true, RuleAction: deny, Protocol: 6, CidrBlock: 0.0.0.0/0, PortRange: { From: 443, To: 443 } }
  Ep:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      VpcId: !Ref Vpc
      ServiceName: !Sub com.amazonaws.${AWS::Region}.s3
      RouteTableIds: [!Ref Rt]
      PolicyDocument: '{"Statement": [{"Effect": "Allow", "Action": "s3:*", "Resource": "*"}]}'
  Fw:
    Type: AWS::NetworkFirewall::Firewall
    Properties: { VpcId: !Ref Vpc, SubnetMappings: [{ SubnetId: !Ref Sub }], FirewallPolicyArn: !Ref Pol }
  Pol:
    Type: AWS::NetworkFirewall::FirewallPolicy
    Properties: { FirewallPolicy: { StatefulRuleGroupReferences: [{ ResourceArn: !Ref Rg }] } }
  Rg:
    Type: AWS::NetworkFirewall::RuleGroup
    Properties:
      RuleGroup:
        RulesSource:
          RulesSourceList: { GeneratedRulesType: ALLOWLIST, TargetTypes: [TLS_SNI], Targets: [.amazonaws.com] }
  FwRoute:
    Type: AWS::EC2::Route
    Properties:
      RouteTableId: !Ref Rt
      DestinationCidrBlock: 0.0.0.0/0
      VpcEndpointId: !Select [1, !Split [":", !Select [0, !GetAtt Fw.EndpointIds]]]
"#,
    );
    assert!(l.model.diagnostics.is_empty(), "{:?}", l.model.diagnostics);
    let Kind::Subnet(s) = &res(&l, "Sub").kind else {
        panic!()
    };
    assert_eq!(s.vpc, Attr::Known(Ident::new("t.yaml#Vpc")));
    assert_eq!(s.cidr_v4, Some(Attr::Known("10.0.0.0/24".parse().unwrap())));
    let Kind::Route(r) = &res(&l, "Out").kind else {
        panic!()
    };
    assert_eq!(
        r.destination,
        Attr::Known(Destination::V4("0.0.0.0/0".parse().unwrap()))
    );
    assert_eq!(
        r.target,
        Attr::Known(RouteTarget {
            kind: TargetKind::NatGateway,
            id: Attr::Known(Ident::new("t.yaml#Nat"))
        })
    );
    let Kind::Route(r) = &res(&l, "V6").kind else {
        panic!()
    };
    assert_eq!(
        r.destination,
        Attr::Known(Destination::V6("::/0".parse().unwrap()))
    );
    let Kind::Route(r) = &res(&l, "Bad").kind else {
        panic!()
    };
    assert!(matches!(r.destination, Attr::Unknown(_)));
    let Attr::Known(RouteTarget {
        id: Attr::Unknown(_),
        kind: TargetKind::Gateway,
    }) = &r.target
    else {
        panic!("{:?}", r.target)
    };
    let Kind::SecurityGroup(open) = &res(&l, "Open").kind else {
        panic!()
    };
    assert_eq!(
        open.egress.len(),
        2,
        "CloudFormation default allow-all egress"
    );
    assert_eq!(
        open.egress[0].peer,
        Attr::Known(Peer::Cidr("0.0.0.0/0".parse().unwrap()))
    );
    assert_eq!(open.egress[0].protocol, Attr::Known(Protocol::All));
    let Kind::SecurityGroup(tight) = &res(&l, "Tight").kind else {
        panic!()
    };
    assert_eq!(tight.vpc, Some(Attr::Known(Ident::new("t.yaml#Vpc"))));
    assert_eq!(tight.egress.len(), 1);
    assert_eq!(
        tight.egress[0].peer,
        Attr::Known(Peer::PrefixList(Ident::new("pl-123")))
    );
    assert_eq!(tight.egress[0].from_port, Some(Attr::Known(443)));
    let Kind::SecurityGroupRule(eg) = &res(&l, "Eg").kind else {
        panic!()
    };
    assert!(eg.egress);
    assert_eq!(eg.group, Attr::Known(Ident::new("t.yaml#Tight")));
    let Kind::NetworkAclEntry(e) = &res(&l, "Entry").kind else {
        panic!()
    };
    assert!(e.egress);
    assert_eq!(e.allow, Attr::Known(false));
    assert_eq!(e.protocol, Attr::Known(Protocol::Tcp));
    assert_eq!(e.to_port, Some(Attr::Known(443)));
    let Kind::VpcEndpoint(ep) = &res(&l, "Ep").kind else {
        panic!()
    };
    assert_eq!(ep.endpoint_type, None);
    assert_eq!(ep.route_tables, Attr::Known(vec![Ident::new("t.yaml#Rt")]));
    assert!(
        ep.policy.as_ref().unwrap().get("Statement").is_some(),
        "JSON string parsed"
    );
    assert_eq!(ep.service_name.render(), "com.amazonaws.${AWS::Region}.s3");
    let Kind::NetworkFirewall(fw) = &res(&l, "Fw").kind else {
        panic!()
    };
    assert_eq!(fw.subnets, Attr::Known(vec![Ident::new("t.yaml#Sub")]));
    let Kind::NetworkFirewallPolicy(p) = &res(&l, "Pol").kind else {
        panic!()
    };
    assert_eq!(
        p.stateful_rule_groups,
        Attr::Known(vec![Ident::new("t.yaml#Rg")])
    );
    let Kind::NetworkFirewallRuleGroup(g) = &res(&l, "Rg").kind else {
        panic!()
    };
    assert_eq!(
        g.allowed_domains,
        Attr::Known(vec![".amazonaws.com".to_string()])
    );
    let Kind::Route(r) = &res(&l, "FwRoute").kind else {
        panic!()
    };
    let Attr::Known(RouteTarget {
        kind: TargetKind::VpcEndpoint,
        id: Attr::Known(id),
    }) = &r.target
    else {
        panic!("{:?}", r.target)
    };
    assert_eq!(id.split_attribute().unwrap().0, Ident::new("t.yaml#Fw"));
}

#[test]
fn lowers_sagemaker_family() {
    let l = load_one(
        r#"
Parameters:
  Sg: { Type: "AWS::EC2::SecurityGroup::Id" }
Resources:
  Nb:
    Type: AWS::SageMaker::NotebookInstance
    Properties: { InstanceType: ml.t3.medium, RoleArn: !GetAtt Role.Arn, SubnetId: subnet-0ab, SecurityGroupIds: [!Ref Sg] }
  Dom:
    Type: AWS::SageMaker::Domain
    Properties:
      AppNetworkAccessType: VpcOnly
      VpcId: vpc-1
      SubnetIds: [subnet-1]
      DefaultUserSettings: { SecurityGroups: [sg-1] }
  Up: { Type: AWS::SageMaker::UserProfile, Properties: { DomainId: !GetAtt Dom.DomainId } }
  Sp:
    Type: AWS::SageMaker::Space
    Properties: { DomainId: !Ref Dom, SpaceSettings: { RemoteAccess: ENABLED } }
  Mdl:
    Type: AWS::SageMaker::Model
    Properties: { EnableNetworkIsolation: true, VpcConfig: { Subnets: [subnet-1], SecurityGroupIds: [sg-1] } }
  Ec:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      ProductionVariants: [{ ModelName: !GetAtt Mdl.ModelName, EnableSSMAccess: true }]
  Pj:
    Type: AWS::SageMaker::DataQualityJobDefinition
    Properties: { NetworkConfig: { EnableNetworkIsolation: "false" } }
  Ms:
    Type: AWS::SageMaker::MonitoringSchedule
    Properties: { MonitoringScheduleConfig: { MonitoringJobDefinitionName: x } }
  Pipe:
    Type: AWS::SageMaker::Pipeline
    Properties:
      PipelineDefinition:
        PipelineDefinitionBody: !Sub |
          {"Version": "2020-12-01", "Steps": [
            {"Name": "Train", "Type": "Training", "Arguments": {"EnableNetworkIsolation": true,
              "VpcConfig": {"Subnets": ["subnet-1"], "SecurityGroupIds": ["${Sg}"]}}},
            {"Name": "Check", "Type": "Condition", "Arguments": {"IfSteps": [
              {"Name": "Prep", "Type": "Processing", "Arguments": {"RoleArn": "arn:aws:iam::${AWS::AccountId}:role/x"}}]}}]}
  S3Pipe:
    Type: AWS::SageMaker::Pipeline
    Properties: { PipelineDefinition: { PipelineDefinitionS3Location: { Bucket: b, Key: k } } }
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: { Statement: [{ Effect: Allow, Principal: { Service: sagemaker.amazonaws.com }, Action: sts:AssumeRole }] }
      ManagedPolicyArns: [arn:aws:iam::aws:policy/AmazonSageMakerFullAccess]
      Policies:
        - PolicyName: Inline
          PolicyDocument: { Statement: [{ Effect: Allow, Action: "s3:*", Resource: "*" }] }
"#,
    );
    let Kind::NotebookInstance(nb) = &res(&l, "Nb").kind else {
        panic!()
    };
    assert_eq!(nb.direct_internet_access, None, "absent stays absent");
    assert_eq!(nb.subnet, Some(Attr::Known(Ident::new("subnet-0ab"))));
    let Some(Attr::Unknown(u)) = &nb.security_groups else {
        panic!()
    };
    assert!(u.reason.contains("parameter Sg"));
    assert_eq!(nb.role.as_ref().unwrap(), &sym_attr("t.yaml#Role", "Arn"));
    let Kind::Domain(d) = &res(&l, "Dom").kind else {
        panic!()
    };
    assert_eq!(
        d.app_network_access_type,
        Some(Attr::Known("VpcOnly".into()))
    );
    assert_eq!(
        d.default_user_security_groups,
        Some(Attr::Known(vec![Ident::new("sg-1")]))
    );
    assert_eq!(d.default_space_security_groups, None);
    let Kind::UserProfile(up) = &res(&l, "Up").kind else {
        panic!()
    };
    assert_eq!(up.domain, Attr::Known(Ident::new("t.yaml#Dom")));
    let Kind::Space(sp) = &res(&l, "Sp").kind else {
        panic!()
    };
    assert_eq!(sp.remote_access, Some(Attr::Known("ENABLED".into())));
    let Kind::Model(m) = &res(&l, "Mdl").kind else {
        panic!()
    };
    assert_eq!(m.network_isolation, Some(Attr::Known(true)));
    assert_eq!(
        m.vpc_config.as_ref().unwrap().subnets,
        Attr::Known(vec![Ident::new("subnet-1")])
    );
    let Kind::EndpointConfig(ec) = &res(&l, "Ec").kind else {
        panic!()
    };
    assert_eq!(ec.models, vec![Attr::Known(Ident::new("t.yaml#Mdl"))]);
    assert_eq!(ec.ssm_access, vec![Attr::Known(true)]);
    let Kind::Job(j) = &res(&l, "Pj").kind else {
        panic!()
    };
    assert_eq!(j.job_kind, JobKind::DataQualityMonitoring);
    assert_eq!(j.network_isolation, Some(Attr::Known(false)));
    assert!(matches!(res(&l, "Ms").kind, Kind::Other(_)));
    let Kind::Pipeline(p) = &res(&l, "Pipe").kind else {
        panic!()
    };
    assert_eq!(p.definition, Attr::Known(()));
    let train = res(&l, "Pipe/Train");
    assert_eq!(train.id.as_str(), "t.yaml#Pipe/Train");
    assert_eq!(train.span, res(&l, "Pipe").span);
    let Kind::Job(t) = &train.kind else { panic!() };
    assert_eq!(t.step.as_deref(), Some("Train"));
    assert_eq!(t.network_isolation, Some(Attr::Known(true)));
    assert!(matches!(
        t.vpc_config.as_ref().unwrap().security_groups,
        Attr::Unknown(_)
    ));
    let Kind::Job(prep) = &res(&l, "Pipe/Prep").kind else {
        panic!()
    };
    assert_eq!(prep.job_kind, JobKind::Processing);
    assert_eq!(prep.network_isolation, None);
    assert_eq!(prep.vpc_config, None);
    let Kind::Pipeline(p) = &res(&l, "S3Pipe").kind else {
        panic!()
    };
    assert!(matches!(p.definition, Attr::Unknown(_)));
    let Kind::Role(r) = &res(&l, "Role").kind else {
        panic!()
    };
    assert!(r.trust_policy.is_some());
    assert_eq!(r.managed_policy_arns.known().unwrap().len(), 1);
    let inline = res(&l, "Role/Inline");
    assert_eq!(inline.id.as_str(), "t.yaml#Role/Inline");
    let Kind::IamPolicy(ip) = &inline.kind else {
        panic!()
    };
    assert_eq!(ip.policy_kind, PolicyKind::Identity);
    assert_eq!(ip.attached_to, Attr::Known(vec![Ident::new("t.yaml#Role")]));
}

#[test]
fn lowers_policies_buckets_and_state_machines() {
    let l = load_one(
        r#"
Resources:
  Bucket: { Type: AWS::S3::Bucket, Properties: { BucketName: !Sub "data-${AWS::AccountId}" } }
  Bp:
    Type: AWS::S3::BucketPolicy
    Properties: { Bucket: !Ref Bucket, PolicyDocument: { Statement: [] } }
  Scp:
    Type: AWS::Organizations::Policy
    Properties:
      Type: SERVICE_CONTROL_POLICY
      TargetIds: [ou-1]
      Content: '{"Statement": [{"Effect": "Deny", "Action": "sagemaker:CreateModel", "Resource": "*"}]}'
  Pol:
    Type: AWS::IAM::ManagedPolicy
    Properties: { Roles: [!Ref R], PolicyDocument: { Statement: [] } }
  R: { Type: AWS::IAM::Role, Properties: { AssumeRolePolicyDocument: {} } }
  Sm:
    Type: AWS::StepFunctions::StateMachine
    Properties:
      Definition:
        States:
          Train:
            Type: Task
            Resource: arn:aws:states:::sagemaker:createTrainingJob.sync
            Parameters: { EnableNetworkIsolation: false }
          Proc:
            Type: Task
            Resource: arn:aws:states:::sagemaker:createProcessingJob.sync
            Parameters: { "NetworkConfig.$": "$.net" }
"#,
    );
    let Kind::Bucket(b) = &res(&l, "Bucket").kind else {
        panic!()
    };
    assert!(
        matches!(b.name, Some(Attr::Unknown(_))),
        "symbolic name is not a literal"
    );
    let Kind::IamPolicy(bp) = &res(&l, "Bp").kind else {
        panic!()
    };
    assert_eq!(bp.policy_kind, PolicyKind::Resource);
    assert_eq!(
        bp.attached_to,
        Attr::Known(vec![Ident::new("t.yaml#Bucket")])
    );
    let Kind::IamPolicy(scp) = &res(&l, "Scp").kind else {
        panic!()
    };
    assert_eq!(scp.policy_kind, PolicyKind::ServiceControl);
    assert!(scp.document.get("Statement").is_some());
    let Kind::IamPolicy(p) = &res(&l, "Pol").kind else {
        panic!()
    };
    assert_eq!(p.attached_to, Attr::Known(vec![Ident::new("t.yaml#R")]));
    let Kind::Job(t) = &res(&l, "Sm/Train").kind else {
        panic!()
    };
    assert_eq!(t.job_kind, JobKind::Training);
    assert_eq!(t.network_isolation, Some(Attr::Known(false)));
    let Kind::Job(p) = &res(&l, "Sm/Proc").kind else {
        panic!()
    };
    assert!(matches!(p.network_isolation, Some(Attr::Unknown(_))));
}

#[test]
fn custom_resources_are_marked() {
    let l = load_one("Resources:\n  C: { Type: Custom::Thing }\n  D: { Type: AWS::CloudFormation::CustomResource }\n  E: { Type: AWS::Lambda::Function }\n");
    assert_eq!(res(&l, "C").kind, Kind::Other(Other::deploy_code(None)));
    assert_eq!(res(&l, "D").kind, Kind::Other(Other::deploy_code(None)));
    assert_eq!(res(&l, "E").kind, Kind::Other(Other::function(None)));
}

#[test]
fn a_custom_resource_keeps_its_service_token_and_a_function_its_role() {
    let l = load_one(
        "Resources:\n  Fn: { Type: AWS::Lambda::Function, Properties: { Role: !GetAtt R.Arn } }\n  R: { Type: AWS::IAM::Role }\n  C: { Type: Custom::Thing, Properties: { ServiceToken: !GetAtt Fn.Arn } }\n",
    );
    let Kind::Other(c) = &res(&l, "C").kind else {
        panic!()
    };
    let Kind::Other(f) = &res(&l, "Fn").kind else {
        panic!()
    };
    let target = c.invokes.as_ref().map(Value::render).unwrap_or_default();
    assert!(target.contains(res(&l, "Fn").id.as_str()), "{target}");
    let role = f.runs_as.as_ref().map(Value::render).unwrap_or_default();
    assert!(role.contains(res(&l, "R").id.as_str()), "{role}");
}

#[test]
fn json_templates_have_positions() {
    let body = "{\n  \"Resources\": {\n    \"Vpc\": {\n      \"Type\": \"AWS::EC2::VPC\",\n      \"Properties\": {\"CidrBlock\": {\"Fn::Join\": [\"\", [\"10.0.\", \"0.0/16\"]]}}\n    }\n  }\n}\n";
    let l = load_files(&[("t.json", body)], &[]);
    let vpc = res(&l, "Vpc");
    assert_eq!(
        (vpc.span.file.as_str(), vpc.span.line, vpc.span.column),
        ("t.json", 3, 5)
    );
    let Kind::Vpc(v) = &vpc.kind else { panic!() };
    assert_eq!(v.cidr_v4, Some(Attr::Known("10.0.0.0/16".parse().unwrap())));
}

#[test]
fn suppressions_from_metadata_and_comments() {
    let l = load_one(
        r#"Resources:
  # egressproof:ignore EP101 notebook is in a sandbox account
  # egressproof:ignore EP401
  Nb:
    Type: AWS::SageMaker::NotebookInstance
    Metadata:
      egressproof:
        ignore:
          - { rule: EP402, reason: approved by security }
  Other: # egressproof:ignore EP201,EP202 reviewed
    Type: AWS::EC2::VPC
  Plain:
    Type: AWS::EC2::VPC
"#,
    );
    let nb = res(&l, "Nb");
    let mut rules: Vec<(&str, Option<&str>)> = nb
        .suppressions
        .iter()
        .map(|s| (s.rule.as_str(), s.reason.as_deref()))
        .collect();
    rules.sort();
    assert_eq!(
        rules,
        vec![
            ("EP101", Some("notebook is in a sandbox account")),
            ("EP401", None),
            ("EP402", Some("approved by security")),
        ]
    );
    let other: Vec<&str> = res(&l, "Other")
        .suppressions
        .iter()
        .map(|s| s.rule.as_str())
        .collect();
    assert_eq!(other, vec!["EP201", "EP202"]);
    assert!(res(&l, "Plain").suppressions.is_empty());
}

#[test]
fn non_templates_are_skipped() {
    let l = load_files(
        &[
            ("workflow.yaml", "on: push\njobs: {}\n"),
            ("empty.yaml", ""),
            ("blank.json", "  \n"),
            (
                "plan.json",
                "{\"format_version\": \"1.2\", \"resource_changes\": []}",
            ),
        ],
        &[],
    );
    assert_eq!(l.templates, 0);
    assert_eq!(l.skipped.len(), 4);
    assert!(l.model.diagnostics.is_empty());
}

// ---------------------------------------------------------------------------------------------
// bad inputs: an EP901 with a clear message, no panic, in bounded time, and the others still load

fn assert_ep901(name: &str, body: &[u8], expect: &str) {
    let dir = tempfile::tempdir().unwrap();
    let bad = write(dir.path(), name, body);
    let good = write(
        dir.path(),
        "good.yaml",
        b"Resources:\n  Vpc: { Type: AWS::EC2::VPC }\n",
    );
    // A hang guard only: these inputs are small. The inputs that would take the time or the
    // memory (an alias bomb, deep nesting, a huge file) are bounded by what they allocate in
    // tests/robustness.rs.
    let start = Instant::now();
    let l = load(&[bad, good], &LoadOptions::default());
    assert!(
        start.elapsed() < Duration::from_secs(30),
        "took {:?}",
        start.elapsed()
    );
    let d = l
        .model
        .diagnostics
        .iter()
        .find(|d| d.code == UnknownCode::EP901)
        .unwrap_or_else(|| panic!("no EP901 for {name}: {:?}", l.model.diagnostics));
    assert!(d.message.contains(expect), "{}", d.message);
    assert!(d.message.contains(name), "{}", d.message);
    assert_eq!(d.span.as_ref().unwrap().file, name);
    res(&l, "Vpc");
}

#[test]
fn binary_non_utf8_malformed_unreadable_are_ep901() {
    assert_ep901("bin.yaml", &[0x7f, b'E', b'L', b'F', 0, 0, 1, 2], "binary");
    assert_ep901(
        "latin1.yaml",
        b"Resources:\n  X: { Type: caf\xe9 }\n",
        "not UTF-8",
    );
    assert_ep901(
        "broken.yaml",
        b"Resources:\n  Vpc: { Type: AWS::EC2::VPC\n",
        "syntax error",
    );
    assert_ep901(
        "broken.json",
        b"{\"Resources\": {\"Vpc\": {\"Type\": \"AWS::EC2::VPC\"}, \"Sg\": }",
        "syntax error",
    );
    let l = load(
        &[Input {
            path: "/nonexistent/dir/t.yaml".into(),
            display: "t.yaml".into(),
        }],
        &LoadOptions::default(),
    );
    assert!(l.model.diagnostics[0].message.contains("cannot read"));
}

#[test]
fn resource_without_type_is_reported() {
    let l =
        load_one("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  X: { Properties: {} }\n");
    assert!(l
        .model
        .diagnostics
        .iter()
        .any(|d| d.message.contains("X has no Type")));
}

#[test]
fn deep_but_legal_nesting_and_reference_chains_stay_bounded() {
    // Within MAX_DEPTH: loads, no stack overflow on a worker thread.
    let deep = format!(
        "Resources:\n  X:\n    Type: AWS::IAM::Policy\n    Properties:\n      PolicyDocument: {}1{}\n",
        "[".repeat(120),
        "]".repeat(120)
    );
    let l = load_one(&deep);
    res(&l, "X");
    // A long chain of references: resolved up to the limit, then unknown, never a crash.
    let mut chain = String::from(
        "Resources:\n  V0: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.0.0.0/16 } }\n",
    );
    for i in 1..200 {
        chain.push_str(&format!(
            "  V{i}: {{ Type: AWS::EC2::VPC, Properties: {{ CidrBlock: !GetAtt V{}.CidrBlock }} }}\n",
            i - 1
        ));
    }
    let l = load_one(&chain);
    let Kind::Vpc(v1) = &res(&l, "V1").kind else {
        panic!()
    };
    assert_eq!(
        v1.cidr_v4,
        Some(Attr::Known("10.0.0.0/16".parse().unwrap()))
    );
    let Kind::Vpc(last) = &res(&l, "V199").kind else {
        panic!()
    };
    assert!(matches!(last.cidr_v4, Some(Attr::Unknown(_))));
}

#[test]
fn reference_cycles_are_unknown() {
    let l = load_one(
        "Resources:\n  A: { Type: AWS::EC2::VPC, Properties: { CidrBlock: !GetAtt B.CidrBlock } }\n  B: { Type: AWS::EC2::VPC, Properties: { CidrBlock: !GetAtt A.CidrBlock } }\n",
    );
    let Kind::Vpc(a) = &res(&l, "A").kind else {
        panic!()
    };
    assert!(matches!(a.cidr_v4, Some(Attr::Unknown(_))));
}

#[test]
fn adversarial_nesting_through_references_does_not_overflow() {
    let mut s = String::from(
        "Resources:\n  V0: { Type: AWS::EC2::VPC, Properties: { CidrBlock: 10.0.0.0/16 } }\n",
    );
    for i in 1..20 {
        s.push_str(&format!(
            "  V{i}:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !Select [0, {}!GetAtt V{}.CidrBlock{}]\n",
            "[".repeat(110),
            i - 1,
            "]".repeat(110)
        ));
    }
    let l = load_one(&s);
    let Kind::Vpc(last) = &res(&l, "V19").kind else {
        panic!()
    };
    assert!(matches!(last.cidr_v4, Some(Attr::Unknown(_))));
}

#[test]
fn unknown_properties_are_reported_not_defaulted() {
    let l = load_one(
        "Conditions:\n  R: !Equals [!Ref AWS::Region, x]\nResources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties: !If [R, {DirectInternetAccess: Disabled}, {DirectInternetAccess: Enabled}]\n",
    );
    res(&l, "Nb");
    let d = l
        .model
        .diagnostics
        .iter()
        .find(|d| d.message.contains("Nb: properties are not known"))
        .expect("diagnostic");
    assert_eq!(d.code, UnknownCode::EP902);
    assert_eq!(d.span.as_ref().unwrap().line, 6);
}

#[test]
fn exports_of_nested_stacks_are_importable() {
    let parent = "Resources:\n  Net:\n    Type: AWS::CloudFormation::Stack\n    Properties: { TemplateURL: net.yaml }\n";
    let net = "Resources:\n  Sub: { Type: AWS::EC2::Subnet, Properties: { VpcId: vpc-1 } }\nOutputs:\n  S:\n    Value: !Ref Sub\n    Export: { Name: shared-subnet }\n";
    let app = "Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties: { SubnetId: !ImportValue shared-subnet }\n";
    let l = load_files(
        &[
            ("parent.yaml", parent),
            ("net.yaml", net),
            ("app.yaml", app),
        ],
        &[],
    );
    let Kind::NotebookInstance(nb) = &res(&l, "Nb").kind else {
        panic!()
    };
    assert_eq!(
        nb.subnet,
        Some(Attr::Known(Ident::new("parent.yaml#Net/Sub")))
    );
}
