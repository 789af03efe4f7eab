//! Values read from SSM Parameter Store (`AWS::SSM::Parameter::Value<>` parameters and
//! `{{resolve:ssm:name}}` dynamic references): the value an `AWS::SSM::Parameter` of the scan
//! writes under that name, else an unknown that names the parameter.

use egressproof_load_cfn::Loaded;
use egressproof_model::{Attr, Ident, Kind, Resource};

#[path = "support/load.rs"]
mod support;
use support::load_files;

fn res<'a>(l: &'a Loaded, name: &str) -> &'a Resource {
    support::res(&l.model, name)
}

fn subnet(l: &Loaded, name: &str) -> (Attr<Ident>, Option<String>, Option<String>) {
    match &res(l, name).kind {
        Kind::Subnet(s) => {
            let (cidr, why) = match &s.cidr_v4 {
                Some(Attr::Known(c)) => (Some(c.to_string()), None),
                Some(Attr::Unknown(u)) => (None, Some(u.reason.clone())),
                None => (None, None),
            };
            (s.vpc.clone(), cidr, why)
        }
        other => panic!("{name}: {other:?}"),
    }
}

const NET: &str = r#"
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties: { CidrBlock: 10.0.0.0/16 }
  VpcIdParam:
    Type: AWS::SSM::Parameter
    Properties: { Name: /net/vpc-id, Type: String, Value: !Ref Vpc }
  CidrsParam:
    Type: AWS::SSM::Parameter
    Properties: { Name: /net/cidrs, Type: StringList, Value: "10.0.1.0/24, 10.0.2.0/24" }
"#;

const APP: &str = r#"
Parameters:
  VpcId:
    Type: AWS::SSM::Parameter::Value<AWS::EC2::VPC::Id>
    Default: /net/vpc-id
  Cidrs:
    Type: AWS::SSM::Parameter::Value<List<String>>
    Default: /net/cidrs
  Elsewhere:
    Type: AWS::SSM::Parameter::Value<String>
    Default: /other/cidr
Resources:
  ByParameter:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: !Ref VpcId
      CidrBlock: !Select [1, !Ref Cidrs]
  ByReference:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: "{{resolve:ssm:/net/vpc-id}}"
      CidrBlock: !Sub "{{resolve:ssm:/other/sub}}"
  NotWritten:
    Type: AWS::EC2::Subnet
    Properties:
      VpcId: "{{resolve:ssm:/net/vpc-id:2}}"
      CidrBlock: !Ref Elsewhere
"#;

#[test]
fn a_parameter_the_scan_writes_has_the_value_written() {
    let l = load_files(&[("net.yaml", NET), ("app.yaml", APP)]);
    let vpc = Attr::Known(Ident::new("net.yaml#Vpc"));
    let (v, cidr, _) = subnet(&l, "ByParameter");
    assert_eq!(v, vpc);
    assert_eq!(cidr.as_deref(), Some("10.0.2.0/24"));
    let (v, cidr, why) = subnet(&l, "ByReference");
    assert_eq!(v, vpc);
    assert_eq!(cidr, None);
    let why = why.expect("unknown cidr");
    assert!(
        why.contains("/other/sub") && why.contains("no template"),
        "{why}"
    );
}

#[test]
fn a_parameter_no_template_writes_is_an_unknown_naming_it() {
    let l = load_files(&[("app.yaml", APP)]);
    let (v, cidr, why) = subnet(&l, "ByParameter");
    match v {
        Attr::Unknown(u) => assert!(u.reason.contains("/net/vpc-id"), "{}", u.reason),
        other => panic!("{other:?}"),
    }
    assert_eq!(cidr, None, "{why:?}");
    let (v, _, why) = subnet(&l, "NotWritten");
    match v {
        // A pinned version may be an older value than the one written.
        Attr::Unknown(u) => assert!(u.reason.contains("version 2"), "{}", u.reason),
        other => panic!("{other:?}"),
    }
    assert!(why.expect("unknown").contains("/other/cidr"));
}
