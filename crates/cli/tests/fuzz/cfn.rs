//! CloudFormation templates: parameters, mappings, conditions, resources of the types the loader
//! lowers with properties of the right names, intrinsics nested in any value, nested stacks and
//! exports across the templates of one input, and SageMaker pipeline and Step Functions
//! definitions as JSON strings (or objects, or `Fn::Sub` texts). Each template is written as
//! YAML in seeded styles or as JSON, pretty or on one line.

use crate::harness::{Case, CaseFile, Flags};
use crate::style::{self, Entry, Rng, Yaml, Y};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;
use serde_json::{Map, Value as J};

/// A template value: literals, lists, maps and intrinsic functions (`Ref`, `Fn::*`,
/// `Condition`) around any value.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Null,
    Bool(bool),
    /// Written as given: `80`, `-1`, `1e30`, `0x10`.
    Num(String),
    Str(String),
    List(Vec<Expr>),
    Map(Vec<(String, Expr)>),
    /// `{"Ref": arg}`, `{"Fn::Join": arg}`, ...: the long form's key.
    Fn(&'static str, Box<Expr>),
    /// The value written as JSON text in a string (definitions, policies).
    JsonText(Box<Expr>),
}

fn f(name: &'static str, arg: Expr) -> Expr {
    Expr::Fn(name, Box::new(arg))
}

fn s(text: &str) -> Expr {
    Expr::Str(text.to_string())
}

fn list(items: Vec<Expr>) -> Expr {
    Expr::List(items)
}

fn map(entries: Vec<(&str, Expr)>) -> Expr {
    Expr::Map(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// Logical IDs shared by resources, parameters and outputs, so that references often resolve.
pub const NAMES: &[&str] = &[
    "Vpc", "Subnet", "Public", "Rt", "Igw", "Nat", "Sg", "Nb", "Role", "Ep", "Pipe", "Sm", "A", "B",
];
const PARAMS: &[&str] = &["Env", "Cidr", "Access", "Subnets"];
const CONDITIONS: &[&str] = &["IsProd", "HasNat", "Never"];
const PSEUDO: &[&str] = &[
    "AWS::AccountId",
    "AWS::Region",
    "AWS::NoValue",
    "AWS::Partition",
    "AWS::StackName",
    "AWS::URLSuffix",
    "AWS::NotificationARNs",
    "AWS::StackId",
];
const ATTRS: &[&str] = &[
    "Arn",
    "GroupId",
    "VpcId",
    "CidrBlock",
    "DefaultSecurityGroup",
    "Outputs.SubnetId",
    "Ipv6CidrBlocks",
    "",
];

/// Strings that the loaders and the analysis treat specially, and some that break naive code.
const STRINGS: &[&str] = &[
    "",
    "x",
    "0.0.0.0/0",
    "::/0",
    "10.0.0.0/16",
    "10.0.1.0/24",
    "192.168.0.0/33",
    "not-a-cidr",
    "Enabled",
    "Disabled",
    "VpcOnly",
    "PublicInternetOnly",
    "-1",
    "tcp",
    "udp",
    "icmp",
    "6",
    "all",
    "allow",
    "deny",
    "true",
    "false",
    "arn:aws:iam::111122223333:role/r",
    "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess",
    "com.amazonaws.us-east-1.s3",
    "com.amazonaws.us-east-1.sagemaker.api",
    "com.amazonaws.${AWS::Region}.sagemaker.runtime",
    "${AWS::Region}",
    "${Vpc}",
    "${Vpc.CidrBlock}",
    "${!Literal}",
    "${Env}-${AWS::AccountId}",
    "${",
    "$${x}",
    "sagemaker:*",
    "s3:GetObject",
    "*",
    "# egressproof:ignore EP101 in a string",
    "egressproof:ignore EP201",
    "ml.t3.medium",
    "111122223333",
    "444455556666",
    "é ünïcödé \u{1F600}",
    "line\nbreak",
    "tab\there",
    "quote ' and \" and \\",
    "a: b # c",
    "&anchor *alias !tag",
    "X1",
    "X2",
    "{{resolve:ssm:/vpc/id}}",
    "{{resolve:ssm:/vpc/id:2}}",
    "{{resolve:ssm-secure:/db/pw}}",
    "{{resolve:secretsmanager:s:SecretString:k}}",
    "/vpc/id",
];

/// IPv4 ranges, with the malformed and the edge ones (host bits set, /33, no prefix, /1).
pub const CIDRS: [&str; 14] = [
    "0.0.0.0/0",
    "10.0.0.0/16",
    "10.0.1.0/24",
    "172.16.0.0/12",
    "1.2.3.4/32",
    "10.0.0.0/8",
    "10.0.0.1/24",
    "0.0.0.0/33",
    "1.2.3.4",
    "10.0.0.0/8 ",
    "0.0.0.0/1",
    "128.0.0.0/1",
    "::ffff:10.0.0.0/104",
    "255.255.255.255/32",
];

/// IPv6 ranges, edge ones included.
pub const CIDRS6: [&str; 8] = [
    "::/0",
    "2001:db8::/32",
    "fd00::/8",
    "::/1",
    "8000::/1",
    "fe80::/10",
    "2001:db8::1/128",
    "::ffff:0:0/96",
];

const NUMBERS: &[&str] = &[
    "0",
    "1",
    "2",
    "22",
    "80",
    "443",
    "65535",
    "65536",
    "-1",
    "100",
    "1.5",
    "1e3",
    "1e30",
    "-0",
    "0x1F",
    "0o17",
    "32767",
    "99999999999999999999",
];

fn leaf() -> BoxedStrategy<Expr> {
    prop_oneof![
        4 => select(STRINGS).prop_map(s),
        2 => select(NUMBERS).prop_map(|n| Expr::Num(n.to_string())),
        1 => any::<bool>().prop_map(Expr::Bool),
        1 => Just(Expr::Null),
        3 => select(NAMES).prop_map(|n| f("Ref", s(n))),
        1 => select(PARAMS).prop_map(|n| f("Ref", s(n))),
        1 => select(PSEUDO).prop_map(|n| f("Ref", s(n))),
        2 => (select(NAMES), select(ATTRS)).prop_map(|(n, a)| f("Fn::GetAtt", list(vec![s(n), s(a)]))),
        1 => select(CONDITIONS).prop_map(|c| f("Condition", s(c))),
        1 => select(STRINGS).prop_map(|t| f("Fn::Sub", s(t))),
        1 => select(STRINGS).prop_map(|t| f("Fn::ImportValue", s(t))),
    ]
    .boxed()
}

/// Any value, intrinsics nested in lists and maps up to a small depth.
pub fn expr() -> BoxedStrategy<Expr> {
    leaf()
        .prop_recursive(4, 24, 4, |inner| {
            let e = || inner.clone();
            prop_oneof![
                2 => vec(e(), 0..4).prop_map(Expr::List),
                2 => vec((select(KEYS).prop_map(str::to_string), e()), 0..4).prop_map(Expr::Map),
                1 => (select(&[",", "", "-", ":"][..]), vec(e(), 0..4))
                    .prop_map(|(d, xs)| f("Fn::Join", list(vec![s(d), list(xs)]))),
                1 => (e(), e()).prop_map(|(i, xs)| f("Fn::Select", list(vec![i, xs]))),
                1 => (select(&[",", "/", ""][..]), e())
                    .prop_map(|(d, x)| f("Fn::Split", list(vec![s(d), x]))),
                2 => (select(CONDITIONS), e(), e())
                    .prop_map(|(c, a, b)| f("Fn::If", list(vec![s(c), a, b]))),
                1 => (e(), e(), e()).prop_map(|(a, b, c)| f("Fn::FindInMap", list(vec![a, b, c]))),
                1 => (select(STRINGS), vec((select(PARAMS), e()), 0..3)).prop_map(|(t, vars)| {
                    let vars = vars.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
                    f("Fn::Sub", list(vec![s(t), Expr::Map(vars)]))
                }),
                1 => e().prop_map(|x| f("Fn::Base64", x)),
                1 => (e(), e(), e()).prop_map(|(a, b, c)| f("Fn::Cidr", list(vec![a, b, c]))),
                1 => e().prop_map(|x| f("Fn::GetAZs", x)),
                1 => e().prop_map(|x| f("Fn::ImportValue", x)),
                1 => e().prop_map(|x| f("Fn::ToJsonString", x)),
                1 => e().prop_map(|x| f("Fn::Length", x)),
                1 => e().prop_map(|x| f("Ref", x)),
                1 => e().prop_map(|x| f("Fn::GetAtt", x)),
                1 => (select(UNUSUAL_FNS), e()).prop_map(|(n, x)| f(n, x)),
                1 => e().prop_map(|x| Expr::JsonText(Box::new(x))),
            ]
        })
        .boxed()
}

/// Intrinsics the loader may not know, and keys that look like intrinsics.
const UNUSUAL_FNS: &[&str] = &[
    "Fn::Transform",
    "Fn::ForEach::Loop",
    "Fn::Equals",
    "Fn::And",
    "Fn::Or",
    "Fn::Not",
    "Fn::Contains",
    "Fn::Unknown",
    "Fn::",
    "Ref ",
];

/// Property names of the types below and of request bodies: generic maps use them so that
/// nested values land where the lowering looks.
const KEYS: &[&str] = &[
    "VpcId",
    "SubnetId",
    "SubnetIds",
    "Subnets",
    "SecurityGroupIds",
    "CidrIp",
    "CidrIpv6",
    "IpProtocol",
    "FromPort",
    "ToPort",
    "DestinationCidrBlock",
    "GatewayId",
    "NatGatewayId",
    "EnableNetworkIsolation",
    "DirectInternetAccess",
    "VpcConfig",
    "NetworkConfig",
    "Effect",
    "Action",
    "Resource",
    "Condition",
    "Principal",
    "Statement",
    "Version",
    "Key",
    "Value",
    "Name",
    "Type",
    "Properties",
    "Fn::If",
    "Ref",
];

/// What a property holds, so that generated values are mostly of the right shape.
#[derive(Clone, Copy, Debug)]
enum Flavor {
    Cidr4,
    Cidr6,
    Ref,
    Refs,
    Bool,
    Access,
    Str,
    Int,
    Rules,
    Policy,
    Vpc,
    Network,
    PipelineDef,
    StateMachine,
    StateMachineText,
    Substitutions,
    Template,
    Tags,
    Any,
}

type Props = &'static [(&'static str, Flavor)];

/// The resource types the CloudFormation loader lowers (and a few it does not), with the
/// properties it reads.
const TYPES: &[(&str, Props)] = {
    use Flavor::*;
    &[
        (
            "AWS::EC2::VPC",
            &[("CidrBlock", Cidr4), ("EnableDnsSupport", Bool)],
        ),
        (
            "AWS::EC2::Subnet",
            &[
                ("VpcId", Ref),
                ("CidrBlock", Cidr4),
                ("Ipv6CidrBlock", Cidr6),
                ("MapPublicIpOnLaunch", Bool),
            ],
        ),
        ("AWS::EC2::RouteTable", &[("VpcId", Ref)]),
        (
            "AWS::EC2::Route",
            &[
                ("RouteTableId", Ref),
                ("DestinationCidrBlock", Cidr4),
                ("DestinationIpv6CidrBlock", Cidr6),
                ("DestinationPrefixListId", Str),
                ("GatewayId", Ref),
                ("NatGatewayId", Ref),
                ("VpcPeeringConnectionId", Ref),
                ("TransitGatewayId", Ref),
                ("NetworkInterfaceId", Ref),
                ("InstanceId", Ref),
                ("EgressOnlyInternetGatewayId", Ref),
                ("VpcEndpointId", Ref),
            ],
        ),
        (
            "AWS::EC2::SubnetRouteTableAssociation",
            &[("SubnetId", Ref), ("RouteTableId", Ref)],
        ),
        ("AWS::EC2::InternetGateway", &[("Tags", Tags)]),
        ("AWS::EC2::EgressOnlyInternetGateway", &[("VpcId", Ref)]),
        (
            "AWS::EC2::VPCGatewayAttachment",
            &[
                ("VpcId", Ref),
                ("InternetGatewayId", Ref),
                ("VpnGatewayId", Ref),
            ],
        ),
        (
            "AWS::EC2::NatGateway",
            &[
                ("SubnetId", Ref),
                ("ConnectivityType", Str),
                ("AllocationId", Ref),
            ],
        ),
        ("AWS::EC2::EIP", &[("Domain", Str), ("InstanceId", Ref)]),
        (
            "AWS::EC2::SecurityGroup",
            &[
                ("GroupDescription", Str),
                ("VpcId", Ref),
                ("SecurityGroupEgress", Rules),
                ("SecurityGroupIngress", Rules),
            ],
        ),
        (
            "AWS::EC2::SecurityGroupEgress",
            &[
                ("GroupId", Ref),
                ("IpProtocol", Str),
                ("CidrIp", Cidr4),
                ("CidrIpv6", Cidr6),
                ("FromPort", Int),
                ("ToPort", Int),
                ("DestinationSecurityGroupId", Ref),
                ("DestinationPrefixListId", Str),
            ],
        ),
        (
            "AWS::EC2::SecurityGroupIngress",
            &[
                ("GroupId", Ref),
                ("IpProtocol", Str),
                ("SourceSecurityGroupId", Ref),
                ("CidrIp", Cidr4),
            ],
        ),
        ("AWS::EC2::NetworkAcl", &[("VpcId", Ref)]),
        (
            "AWS::EC2::NetworkAclEntry",
            &[
                ("NetworkAclId", Ref),
                ("RuleNumber", Int),
                ("Protocol", Int),
                ("RuleAction", Str),
                ("Egress", Bool),
                ("CidrBlock", Cidr4),
                ("Ipv6CidrBlock", Cidr6),
                ("PortRange", Any),
            ],
        ),
        (
            "AWS::EC2::SubnetNetworkAclAssociation",
            &[("SubnetId", Ref), ("NetworkAclId", Ref)],
        ),
        (
            "AWS::EC2::VPCEndpoint",
            &[
                ("VpcId", Ref),
                ("ServiceName", Str),
                ("VpcEndpointType", Str),
                ("PolicyDocument", Policy),
                ("RouteTableIds", Refs),
                ("SubnetIds", Refs),
                ("SecurityGroupIds", Refs),
                ("PrivateDnsEnabled", Bool),
            ],
        ),
        (
            "AWS::EC2::VPCPeeringConnection",
            &[("VpcId", Ref), ("PeerVpcId", Ref), ("PeerOwnerId", Str)],
        ),
        ("AWS::EC2::TransitGateway", &[("Description", Str)]),
        (
            "AWS::EC2::TransitGatewayAttachment",
            &[
                ("VpcId", Ref),
                ("SubnetIds", Refs),
                ("TransitGatewayId", Ref),
            ],
        ),
        ("AWS::EC2::VPNGateway", &[("Type", Str)]),
        (
            "AWS::EC2::Instance",
            &[
                ("SubnetId", Ref),
                ("SecurityGroupIds", Refs),
                ("NetworkInterfaces", Any),
            ],
        ),
        (
            "AWS::EC2::NetworkInterface",
            &[("SubnetId", Ref), ("GroupSet", Refs)],
        ),
        (
            "AWS::SageMaker::NotebookInstance",
            &[
                ("InstanceType", Str),
                ("RoleArn", Str),
                ("SubnetId", Ref),
                ("SecurityGroupIds", Refs),
                ("DirectInternetAccess", Access),
                ("RootAccess", Access),
            ],
        ),
        (
            "AWS::SageMaker::Domain",
            &[
                ("AuthMode", Str),
                ("AppNetworkAccessType", Str),
                ("VpcId", Ref),
                ("SubnetIds", Refs),
                ("DefaultUserSettings", Any),
            ],
        ),
        (
            "AWS::SageMaker::UserProfile",
            &[("DomainId", Ref), ("UserSettings", Any)],
        ),
        (
            "AWS::SageMaker::Space",
            &[("DomainId", Ref), ("SpaceSettings", Any)],
        ),
        (
            "AWS::SageMaker::Model",
            &[
                ("ExecutionRoleArn", Str),
                ("EnableNetworkIsolation", Bool),
                ("VpcConfig", Vpc),
                ("PrimaryContainer", Any),
            ],
        ),
        (
            "AWS::SageMaker::EndpointConfig",
            &[("ProductionVariants", Any)],
        ),
        (
            "AWS::SageMaker::ProcessingJob",
            &[
                ("RoleArn", Str),
                ("NetworkConfig", Network),
                ("AppSpecification", Any),
            ],
        ),
        (
            "AWS::SageMaker::DataQualityJobDefinition",
            &[("NetworkConfig", Network)],
        ),
        (
            "AWS::SageMaker::MonitoringSchedule",
            &[("MonitoringScheduleConfig", Any)],
        ),
        (
            "AWS::SageMaker::Pipeline",
            &[
                ("PipelineName", Str),
                ("RoleArn", Str),
                ("PipelineDefinition", PipelineDef),
            ],
        ),
        (
            "AWS::StepFunctions::StateMachine",
            &[
                ("Definition", StateMachine),
                ("DefinitionString", StateMachineText),
                ("DefinitionSubstitutions", Substitutions),
                ("DefinitionS3Location", Any),
                ("RoleArn", Str),
            ],
        ),
        (
            "AWS::IAM::Role",
            &[
                ("AssumeRolePolicyDocument", Policy),
                ("Policies", Any),
                ("ManagedPolicyArns", Refs),
            ],
        ),
        (
            "AWS::IAM::Policy",
            &[
                ("PolicyName", Str),
                ("PolicyDocument", Policy),
                ("Roles", Refs),
            ],
        ),
        (
            "AWS::IAM::ManagedPolicy",
            &[("PolicyDocument", Policy), ("Roles", Refs), ("Users", Refs)],
        ),
        ("AWS::S3::Bucket", &[("BucketName", Str)]),
        (
            "AWS::S3::BucketPolicy",
            &[("Bucket", Ref), ("PolicyDocument", Policy)],
        ),
        (
            "AWS::Lambda::Function",
            &[("VpcConfig", Vpc), ("Role", Ref)],
        ),
        (
            "AWS::Organizations::Policy",
            &[("Content", Policy), ("Type", Str)],
        ),
        (
            "AWS::NetworkFirewall::Firewall",
            &[
                ("VpcId", Ref),
                ("SubnetMappings", Any),
                ("FirewallPolicyArn", Ref),
            ],
        ),
        (
            "AWS::CloudFormation::Stack",
            &[("TemplateURL", Template), ("Parameters", Any)],
        ),
        ("AWS::Serverless::Function", &[("VpcConfig", Vpc)]),
        ("Custom::Thing", &[("ServiceToken", Str)]),
        (
            "AWS::SSM::Parameter",
            &[("Name", Str), ("Type", Str), ("Value", Ref)],
        ),
        ("AWS::Foo::Bar", &[("Anything", Any)]),
    ]
};

fn refs_to(names: &'static [&'static str]) -> BoxedStrategy<Expr> {
    prop_oneof![
        4 => select(names).prop_map(|n| f("Ref", s(n))),
        2 => (select(names), select(ATTRS)).prop_map(|(n, a)| f("Fn::GetAtt", list(vec![s(n), s(a)]))),
        1 => select(PARAMS).prop_map(|n| f("Ref", s(n))),
        1 => select(&["vpc-123", "subnet-1", "sg-1", "igw-1", "pcx-1"][..]).prop_map(s),
    ]
    .boxed()
}

/// A value of the given flavor, or (rarely) any value at all.
fn flavored(fl: Flavor) -> BoxedStrategy<Expr> {
    use Flavor::*;
    let typed: BoxedStrategy<Expr> = match fl {
        Cidr4 => select(&CIDRS[..])
            .prop_map(s)
            .boxed(),
        Cidr6 => select(&CIDRS6[..]).prop_map(s).boxed(),
        Ref => refs_to(NAMES),
        Refs => prop_oneof![
            vec(refs_to(NAMES), 0..3).prop_map(Expr::List),
            select(PARAMS).prop_map(|p| f("Ref", s(p))),
            refs_to(NAMES).prop_map(|r| f("Fn::Split", list(vec![s(","), r]))),
        ]
        .boxed(),
        Bool => prop_oneof![any::<bool>().prop_map(Expr::Bool), select(&["true", "false", "True", "yes"][..]).prop_map(s)].boxed(),
        Access => select(&["Enabled", "Disabled", "enabled", ""][..]).prop_map(s).boxed(),
        Str => select(STRINGS).prop_map(s).boxed(),
        Int => select(NUMBERS).prop_map(|n| Expr::Num(n.to_string())).boxed(),
        Rules => vec(rule(), 0..4).prop_map(Expr::List).boxed(),
        Policy => policy().boxed(),
        Vpc => (flavored(Refs), flavored(Refs))
            .prop_map(|(sg, sn)| map(vec![("SecurityGroupIds", sg), ("Subnets", sn)]))
            .boxed(),
        Network => (flavored(Bool), flavored(Vpc))
            .prop_map(|(iso, vpc)| map(vec![("EnableNetworkIsolation", iso), ("VpcConfig", vpc)]))
            .boxed(),
        PipelineDef => prop_oneof![
            4 => pipeline().prop_map(|d| map(vec![("PipelineDefinitionBody", Expr::JsonText(Box::new(d)))])),
            1 => pipeline().prop_map(|d| map(vec![("PipelineDefinitionBody", f("Fn::Sub", Expr::JsonText(Box::new(d))))])),
            1 => pipeline().prop_map(|d| map(vec![("PipelineDefinitionBody", d)])),
            1 => Just(map(vec![("PipelineDefinitionS3Location", map(vec![("Bucket", s("b")), ("Key", s("k"))]))])),
        ]
        .boxed(),
        StateMachine => state_machine().boxed(),
        StateMachineText => prop_oneof![
            2 => state_machine().prop_map(|d| Expr::JsonText(Box::new(d))),
            1 => state_machine().prop_map(|d| f("Fn::Sub", Expr::JsonText(Box::new(d)))),
        ]
        .boxed(),
        Substitutions => vec((select(&["Job", "Iso", "Arn", "Vpc"][..]), leaf()), 0..3)
            .prop_map(|kv| Expr::Map(kv.into_iter().map(|(k, v)| (k.to_string(), v)).collect()))
            .boxed(),
        Template => select(&["t1.yaml", "./t1.json", "t2.template", "t0.yaml", "https://s3.amazonaws.com/b/k.yaml", "../x.yaml"][..])
            .prop_map(s)
            .boxed(),
        Tags => vec((select(STRINGS), select(STRINGS)), 0..3)
            .prop_map(|kv| list(kv.into_iter().map(|(k, v)| map(vec![("Key", s(k)), ("Value", s(v))])).collect()))
            .boxed(),
        Any => expr(),
    };
    prop_oneof![8 => typed, 1 => expr()].boxed()
}

fn rule() -> impl Strategy<Value = Expr> {
    (
        select(&["-1", "tcp", "6", "udp", "icmp", "58", "all"][..]),
        flavored(Flavor::Cidr4),
        select(NUMBERS),
        select(NUMBERS),
        0..4u8,
    )
        .prop_map(|(p, cidr, from, to, shape)| {
            let mut e = vec![("IpProtocol", s(p))];
            match shape {
                0 => e.push(("CidrIp", cidr)),
                1 => e.push(("CidrIpv6", s("::/0"))),
                2 => e.push(("DestinationSecurityGroupId", f("Ref", s("Sg")))),
                _ => e.push(("DestinationPrefixListId", s("pl-123"))),
            }
            e.push(("FromPort", Expr::Num(from.to_string())));
            e.push(("ToPort", Expr::Num(to.to_string())));
            map(e)
        })
}

/// IAM policy documents, with the condition keys the rules read.
pub fn policy() -> impl Strategy<Value = Expr> {
    let statement = (
        select(&["Allow", "Deny", "allow"][..]),
        vec(
            select(
                &[
                    "*",
                    "s3:*",
                    "s3:GetObject",
                    "sagemaker:CreatePresignedNotebookInstanceUrl",
                    "sagemaker:CreateTrainingJob",
                    "sagemaker:*",
                    "iam:PassRole",
                    "sagemaker:Create*",
                    "sagemaker:*Presigned*",
                    "SageMaker:createpresignednotebookinstanceurl",
                    "sagemaker:CreatePresignedDomainUrl",
                    "*:*",
                    "s*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*a*b",
                    "sagemaker:?reate*",
                ][..],
            ),
            0..3,
        ),
        select(&["*", "arn:aws:s3:::bucket/*", "arn:aws:s3:::*"][..]),
        prop::option::of((
            select(
                &[
                    "StringEquals",
                    "IpAddress",
                    "NotIpAddress",
                    "Null",
                    "StringNotEquals",
                    "ForAnyValue:StringLike",
                    "ForAllValues:StringLike",
                    "IpAddressIfExists",
                    "StringLike",
                    "ArnLike",
                    "Bool",
                ][..],
            ),
            select(
                &[
                    "aws:SourceIp",
                    "aws:SourceVpce",
                    "sagemaker:VpcSubnets",
                    "sagemaker:NetworkIsolation",
                    "aws:ResourceAccount",
                    "sagemaker:DirectInternetAccess",
                    "aws:SourceVpc",
                    "aws:VpcSourceIp",
                    "aws:PrincipalAccount",
                ][..],
            ),
            prop_oneof![
                3 => leaf(),
                1 => vec(select(&CIDRS[..]).prop_map(s), 0..3).prop_map(Expr::List),
            ],
        )),
        prop::option::of(select(
            &[
                "*",
                "sagemaker.amazonaws.com",
                "arn:aws:iam::444455556666:root",
            ][..],
        )),
    )
        .prop_map(|(effect, actions, resource, cond, principal)| {
            // The negated forms, now and then: the first action's text picks them.
            let negate = actions.first().is_some_and(|a| a.contains('?'));
            let mut e = vec![
                ("Effect", s(effect)),
                (
                    if negate { "NotAction" } else { "Action" },
                    list(actions.into_iter().map(s).collect()),
                ),
                (if negate { "NotResource" } else { "Resource" }, s(resource)),
            ];
            if let Some((op, key, v)) = cond {
                e.push(("Condition", map(vec![(op, map(vec![(key, v)]))])));
            }
            if let Some(p) = principal {
                let key = if negate { "NotPrincipal" } else { "Principal" };
                e.push((key, map(vec![("AWS", s(p))])));
            }
            map(e)
        });
    prop_oneof![
        6 => vec(statement, 0..3).prop_map(|st| map(vec![("Version", s("2012-10-17")), ("Statement", list(st))])),
        1 => expr(),
        1 => Just(Expr::JsonText(Box::new(map(vec![("Statement", list(vec![map(vec![("Effect", s("Allow")), ("Action", s("*")), ("Resource", s("*"))])]))])))),
    ]
}

/// Keys of SageMaker request bodies (pipeline step arguments, Step Functions task
/// parameters).
fn request() -> BoxedStrategy<Expr> {
    let value = prop_oneof![
        3 => any::<bool>().prop_map(Expr::Bool),
        2 => select(&["true", "false", "$.iso", "{% $states.input.iso %}", "Enabled"][..]).prop_map(s),
        1 => Just(map(vec![("Get", s("Parameters.Iso"))])),
        1 => Just(map(vec![("Get", s("Steps.Model.ModelName"))])),
        1 => Just(map(vec![("Std:Join", map(vec![("On", s("")), ("Values", list(vec![s("a")]))]))])),
        1 => leaf(),
    ];
    let vpc = (
        vec(select(&["subnet-1", "${Subnet}", "$.subnet"][..]), 0..2),
        vec(select(&["sg-1", "${Sg}"][..]), 0..2),
    )
        .prop_map(|(sn, sg)| {
            map(vec![
                ("Subnets", list(sn.into_iter().map(s).collect())),
                ("SecurityGroupIds", list(sg.into_iter().map(s).collect())),
            ])
        });
    let key = select(
        &[
            "EnableNetworkIsolation",
            "EnableNetworkIsolation.$",
            "EnableInterContainerTrafficEncryption",
            "ModelName",
            "ModelName.$",
            "RoleArn",
            "ExecutionRoleArn",
            "TrainingImage",
            "Image",
        ][..],
    );
    let flat = vec((key, value), 0..4);
    let nested = (
        flat.clone(),
        prop::option::of(vpc.clone()),
        select(
            &[
                "",
                "NetworkConfig",
                "TrainingJobDefinition",
                "TrainingJobDefinitions",
                "PrimaryContainer",
                "AutoMLJobConfig",
                "ProductionVariants",
                "Containers",
            ][..],
        ),
        prop::option::of(vpc),
    )
        .prop_map(|(flat, vpc, wrapper, inner_vpc)| {
            let mut top: Vec<(String, Expr)> =
                flat.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            if let Some(v) = vpc {
                top.push(("VpcConfig".into(), v));
            }
            if !wrapper.is_empty() {
                let mut inner = vec![("EnableNetworkIsolation".to_string(), Expr::Bool(false))];
                if let Some(v) = inner_vpc {
                    inner.push(("VpcConfig".into(), v));
                }
                let inner = Expr::Map(inner);
                let wrapped = if wrapper.ends_with('s') {
                    list(vec![inner])
                } else {
                    inner
                };
                top.push((wrapper.to_string(), wrapped));
            }
            Expr::Map(top)
        });
    prop_oneof![8 => nested, 1 => Just(s("{% $states.input.request %}")), 1 => expr()].boxed()
}

const STEP_TYPES: &[&str] = &[
    "Training",
    "Processing",
    "ClarifyCheck",
    "QualityCheck",
    "Tuning",
    "Transform",
    "Model",
    "CreateModel",
    "AutoML",
    "Lambda",
    "Callback",
    "EMR",
    "EMRServerless",
    "RegisterModel",
    "Fail",
    "Condition",
    "Notebook",
    "",
];

/// A SageMaker pipeline definition (`{"Version", "Steps": [...]}`), with Condition steps
/// nesting their `IfSteps`/`ElseSteps`.
pub fn pipeline() -> BoxedStrategy<Expr> {
    let step = (
        select(&["Train", "Process", "Model", "C", "Step 1", ""][..]),
        select(STEP_TYPES),
        request(),
    )
        .prop_map(|(name, ty, args)| {
            map(vec![
                ("Name", s(name)),
                ("Type", s(ty)),
                ("Arguments", args),
            ])
        });
    let steps = step.prop_recursive(3, 12, 3, |inner| {
        (
            select(&["C1", "C2"][..]),
            vec(inner.clone(), 0..3),
            vec(inner, 0..2),
        )
            .prop_map(|(name, yes, no)| {
                map(vec![
                    ("Name", s(name)),
                    ("Type", s("Condition")),
                    (
                        "Arguments",
                        map(vec![
                            ("Conditions", list(vec![])),
                            ("IfSteps", list(yes)),
                            ("ElseSteps", list(no)),
                        ]),
                    ),
                ])
            })
    });
    prop_oneof![
        8 => vec(steps, 0..4).prop_map(|st| map(vec![("Version", s("2020-12-01")), ("Steps", list(st))])),
        1 => Just(map(vec![("Version", s("2020-12-01"))])),
        1 => expr(),
    ]
    .boxed()
}

const TASK_RESOURCES: &[&str] = &[
    "arn:aws:states:::sagemaker:createTrainingJob.sync",
    "arn:aws:states:::sagemaker:createProcessingJob",
    "arn:aws:states:::sagemaker:createTransformJob.sync",
    "arn:aws:states:::sagemaker:createHyperParameterTuningJob",
    "arn:aws:states:::sagemaker:createModel",
    "arn:aws:states:::sagemaker:createEndpointConfig",
    "arn:aws-cn:states:::aws-sdk:sagemaker:createProcessingJob.waitForTaskToken",
    "arn:aws:states:::aws-sdk:sagemaker:createAutoMLJobV2",
    "arn:aws:states:::lambda:invoke",
    "arn:aws:lambda:eu-west-1:111122223333:function:sagemaker:createTrainingJob",
    "arn:${AWS::Partition}:states:::sagemaker:createTrainingJob",
    "${Job}",
    "arn:aws:states:::",
    "",
];

/// A Step Functions definition, with Parallel branches and Map iterators nesting machines.
pub fn state_machine() -> BoxedStrategy<Expr> {
    let task = (
        select(TASK_RESOURCES),
        select(&["Parameters", "Arguments"][..]),
        request(),
    )
        .prop_map(|(r, key, args)| {
            map(vec![
                ("Type", s("Task")),
                ("Resource", s(r)),
                (key, args),
                ("End", Expr::Bool(true)),
            ])
        });
    let other =
        select(&["Pass", "Choice", "Wait", "Succeed", "Fail", "Unknown"][..]).prop_map(|t| {
            map(vec![
                ("Type", s(t)),
                ("Next", s("T0")),
                ("Choices", list(vec![])),
                ("Default", s("T1")),
            ])
        });
    let state = prop_oneof![4 => task, 1 => other];
    let machine = |state: BoxedStrategy<Expr>| {
        (
            vec(state, 0..4),
            select(&["T0", "T1", "Missing"][..]),
            any::<bool>(),
        )
            .prop_map(|(states, start, jsonata)| {
                let states = states
                    .into_iter()
                    .enumerate()
                    .map(|(i, st)| (format!("T{i}"), st))
                    .collect();
                let mut e = vec![("StartAt", s(start)), ("States", Expr::Map(states))];
                if jsonata {
                    e.push(("QueryLanguage", s("JSONata")));
                }
                map(e)
            })
    };
    let nested = state.boxed().prop_recursive(3, 16, 3, move |inner| {
        let m = machine(inner.clone());
        prop_oneof![
            (vec(m.clone(), 0..3)).prop_map(|b| map(vec![
                ("Type", s("Parallel")),
                ("Branches", list(b)),
                ("End", Expr::Bool(true))
            ])),
            (select(&["Iterator", "ItemProcessor"][..]), m).prop_map(|(k, it)| map(vec![
                ("Type", s("Map")),
                (k, it),
                ("End", Expr::Bool(true))
            ])),
            inner,
        ]
    });
    prop_oneof![8 => machine(nested.boxed()), 1 => expr()].boxed()
}

/// One resource: type, properties, and the attributes around them.
#[derive(Clone, Debug, PartialEq)]
pub struct Resource {
    pub id: String,
    pub type_name: String,
    pub properties: Option<Vec<(String, Expr)>>,
    pub condition: Option<String>,
    pub depends_on: Option<Expr>,
    pub metadata: Option<Expr>,
    pub comment: Option<String>,
}

/// A resource of any type the table holds, or (`workload`) of a SageMaker type: most inputs get
/// one, so that the scan judges them instead of finding nothing in scope.
fn resource(workload: bool) -> impl Strategy<Value = Resource> {
    let types: Vec<(&str, Props)> = TYPES
        .iter()
        .filter(|(t, _)| !workload || t.starts_with("AWS::SageMaker::"))
        .copied()
        .collect();
    (
        select(NAMES),
        select(types),
        prop::option::weighted(0.1, select(CONDITIONS)),
        prop::option::weighted(0.1, leaf()),
        prop::option::weighted(0.1, suppression_metadata()),
        prop::option::weighted(
            0.1,
            select(
                &[
                    "egressproof:ignore EP101 reviewed",
                    "egressproof:ignore EP999",
                    "egressproof:ignore",
                    "not a marker",
                ][..],
            ),
        ),
        any::<u8>(),
    )
        .prop_flat_map(
            |(id, (type_name, props), condition, depends_on, metadata, comment, shape)| {
                let values: Vec<BoxedStrategy<(String, Expr)>> = props
                    .iter()
                    .map(|(name, fl)| {
                        flavored(*fl)
                            .prop_map(move |v| (name.to_string(), v))
                            .boxed()
                    })
                    .collect();
                let chosen =
                    prop::sample::subsequence(values, 0..=props.len()).prop_flat_map(|ps| ps);
                let extra = prop::option::weighted(0.1, (select(KEYS), expr()));
                (chosen, extra).prop_map(move |(mut properties, extra)| {
                    if let Some((k, v)) = extra {
                        properties.push((k.to_string(), v));
                    }
                    Resource {
                        id: id.to_string(),
                        type_name: type_name.to_string(),
                        properties: (shape % 16 != 0).then_some(properties),
                        condition: condition.map(str::to_string),
                        depends_on: depends_on.clone(),
                        metadata: metadata.clone(),
                        comment: comment.map(str::to_string),
                    }
                })
            },
        )
}

fn suppression_metadata() -> impl Strategy<Value = Expr> {
    (
        select(&["EP101", "EP201", "ep301", "EP999", "*"][..]),
        select(&["reviewed", ""][..]),
        any::<bool>(),
    )
        .prop_map(|(rule, reason, as_map)| {
            let item = if as_map {
                map(vec![("rule", s(rule)), ("reason", s(reason))])
            } else {
                s(rule)
            };
            map(vec![(
                "egressproof",
                map(vec![("ignore", list(vec![item]))]),
            )])
        })
}

/// Conditions: the condition functions over parameters, pseudo parameters and other conditions.
fn condition() -> impl Strategy<Value = Expr> {
    let atom = prop_oneof![
        (select(PARAMS), select(&["prod", "", "true"][..]))
            .prop_map(|(p, v)| f("Fn::Equals", list(vec![f("Ref", s(p)), s(v)]))),
        select(CONDITIONS).prop_map(|c| f("Condition", s(c))),
        select(PSEUDO).prop_map(|p| f("Fn::Equals", list(vec![f("Ref", s(p)), s("us-east-1")]))),
        leaf(),
    ];
    atom.prop_recursive(3, 8, 3, |inner| {
        prop_oneof![
            vec(inner.clone(), 0..4).prop_map(|xs| f("Fn::And", list(xs))),
            vec(inner.clone(), 0..4).prop_map(|xs| f("Fn::Or", list(xs))),
            inner.clone().prop_map(|x| f("Fn::Not", list(vec![x]))),
            (inner.clone(), inner).prop_map(|(a, b)| f("Fn::Equals", list(vec![a, b]))),
        ]
    })
}

/// Inputs at the edge of the loaders' limits: exponential aliases, nesting around the depth
/// limit, many resources (the quadratic paths), long substitutions.
#[derive(Clone, Debug, PartialEq)]
pub enum Stress {
    /// Anchors doubling `n` times (`l1: &l1 [*l0, *l0]`), the last one used by a resource.
    Laughs(u8),
    /// A property value nested `n` lists deep.
    Deep(u16),
    /// `n` more resources, each referring to the previous one.
    Wide(u16),
    /// An `Fn::Sub` with `n` variables, each used in its text.
    LongSub(u16),
}

fn stress() -> impl Strategy<Value = Stress> {
    prop_oneof![
        (2..40u8).prop_map(Stress::Laughs),
        select(&[60u16, 100, 126, 127, 128, 129, 200, 1000][..]).prop_map(Stress::Deep),
        (20..400u16).prop_map(Stress::Wide),
        (10..2000u16).prop_map(Stress::LongSub),
    ]
}

/// Stands for the deeply nested value, written into the text after styling.
const DEEP: &str = "@@DEEP@@";

#[derive(Clone, Debug, PartialEq)]
pub struct Template {
    pub format_version: bool,
    pub parameters: Vec<(String, Expr)>,
    pub mappings: Option<Expr>,
    pub conditions: Vec<(String, Expr)>,
    pub resources: Vec<Resource>,
    pub outputs: Vec<(String, Expr, Option<Expr>)>,
    pub transform: Option<String>,
    pub stress: Option<Stress>,
}

fn parameter() -> impl Strategy<Value = (String, Expr)> {
    (
        select(PARAMS),
        prop::option::of(leaf()),
        select(
            &[
                "String",
                "Number",
                "CommaDelimitedList",
                "List<AWS::EC2::Subnet::Id>",
                "AWS::SSM::Parameter::Value<String>",
                "Bogus",
            ][..],
        ),
        prop::option::weighted(0.2, vec(select(STRINGS), 0..3)),
    )
        .prop_map(|(name, default, ty, allowed)| {
            let mut e = vec![("Type", s(ty))];
            if let Some(d) = default {
                e.push(("Default", d));
            }
            if let Some(a) = allowed {
                e.push(("AllowedValues", list(a.into_iter().map(s).collect())));
            }
            (name.to_string(), map(e))
        })
}

pub fn template() -> impl Strategy<Value = Template> {
    (
        prop::bool::weighted(0.8),
        vec(parameter(), 0..3),
        prop::option::weighted(0.2, expr()),
        vec(
            (select(CONDITIONS).prop_map(str::to_string), condition()),
            0..3,
        ),
        (
            vec(resource(false), 1..8),
            prop::option::weighted(0.8, resource(true)),
        )
            .prop_map(|(mut rs, workload)| {
                rs.extend(workload);
                rs
            }),
        vec(
            (
                select(&["Out", "VpcId", "SubnetId"][..]).prop_map(str::to_string),
                expr(),
                prop::option::weighted(
                    0.5,
                    select(&["X1", "X2", "${AWS::StackName}-Vpc"][..])
                        .prop_map(|x| f("Fn::Sub", s(x))),
                ),
            ),
            0..3,
        ),
        prop::option::weighted(
            0.05,
            select(
                &[
                    "AWS::Serverless-2016-10-31",
                    "AWS::LanguageExtensions",
                    "Other",
                ][..],
            )
            .prop_map(str::to_string),
        ),
        prop::option::weighted(0.05, stress()),
    )
        .prop_map(
            |(
                format_version,
                parameters,
                mappings,
                conditions,
                resources,
                outputs,
                transform,
                stress,
            )| Template {
                format_version,
                parameters,
                mappings,
                conditions,
                resources,
                outputs,
                transform,
                stress,
            },
        )
}

impl Template {
    fn to_expr(&self) -> Expr {
        let mut top: Vec<(String, Expr)> = Vec::new();
        if self.format_version {
            top.push(("AWSTemplateFormatVersion".into(), s("2010-09-09")));
        }
        if let Some(t) = &self.transform {
            top.push(("Transform".into(), s(t)));
        }
        if !self.parameters.is_empty() {
            top.push(("Parameters".into(), Expr::Map(self.parameters.clone())));
        }
        if let Some(m) = &self.mappings {
            top.push(("Mappings".into(), map(vec![("M", m.clone())])));
        }
        if !self.conditions.is_empty() {
            top.push(("Conditions".into(), Expr::Map(self.conditions.clone())));
        }
        let resources = self
            .resources
            .iter()
            .map(|r| {
                let mut e = vec![("Type".to_string(), s(&r.type_name))];
                if let Some(p) = &r.properties {
                    e.push(("Properties".into(), Expr::Map(p.clone())));
                }
                if let Some(c) = &r.condition {
                    e.push(("Condition".into(), s(c)));
                }
                if let Some(d) = &r.depends_on {
                    e.push(("DependsOn".into(), d.clone()));
                }
                if let Some(m) = &r.metadata {
                    e.push(("Metadata".into(), m.clone()));
                }
                (r.id.clone(), Expr::Map(e))
            })
            .collect();
        let mut resources: Vec<(String, Expr)> = resources;
        match self.stress {
            Some(Stress::Deep(_)) => resources.push((
                "Deep".into(),
                map(vec![
                    ("Type", s("AWS::EC2::VPC")),
                    ("Properties", map(vec![("CidrBlock", s(DEEP))])),
                ]),
            )),
            Some(Stress::Wide(n)) => {
                for i in 0..n {
                    let previous = if i == 0 {
                        "Vpc".to_string()
                    } else {
                        format!("W{}", i - 1)
                    };
                    resources.push((
                        format!("W{i}"),
                        map(vec![
                            ("Type", s("AWS::EC2::Subnet")),
                            (
                                "Properties",
                                map(vec![
                                    ("VpcId", f("Ref", s(&previous))),
                                    ("CidrBlock", s("10.0.0.0/24")),
                                ]),
                            ),
                        ]),
                    ));
                }
            }
            Some(Stress::LongSub(n)) => {
                let text: String = (0..n).map(|i| format!("${{v{i}}}")).collect();
                let vars = (0..n)
                    .map(|i| {
                        (
                            format!("v{i}"),
                            f("Ref", s(NAMES[usize::from(i) % NAMES.len()])),
                        )
                    })
                    .collect();
                resources.push((
                    "Sub".into(),
                    map(vec![
                        ("Type", s("AWS::SageMaker::NotebookInstance")),
                        (
                            "Properties",
                            map(vec![(
                                "RoleArn",
                                f("Fn::Sub", list(vec![Expr::Str(text), Expr::Map(vars)])),
                            )]),
                        ),
                    ]),
                ));
            }
            Some(Stress::Laughs(_)) | None => {}
        }
        top.push(("Resources".into(), Expr::Map(resources)));
        if !self.outputs.is_empty() {
            let outputs = self
                .outputs
                .iter()
                .map(|(name, value, export)| {
                    let mut e = vec![("Value", value.clone())];
                    if let Some(x) = export {
                        e.push(("Export", map(vec![("Name", x.clone())])));
                    }
                    (name.clone(), map(e))
                })
                .collect();
            top.push(("Outputs".into(), Expr::Map(outputs)));
        }
        Expr::Map(top)
    }

    /// Comments by resource ID, for YAML.
    fn comments(&self) -> Vec<(&str, &str)> {
        self.resources
            .iter()
            .filter_map(|r| r.comment.as_deref().map(|c| (r.id.as_str(), c)))
            .collect()
    }
}

/// The long form as JSON.
pub fn to_json(e: &Expr) -> J {
    match e {
        Expr::Null => J::Null,
        Expr::Bool(b) => J::Bool(*b),
        Expr::Num(n) => serde_json::from_str::<serde_json::Number>(n)
            .map(J::Number)
            .unwrap_or_else(|_| J::String(n.clone())),
        Expr::Str(t) => J::String(t.clone()),
        Expr::List(xs) => J::Array(xs.iter().map(to_json).collect()),
        Expr::Map(kv) => {
            let mut m = Map::new();
            for (k, v) in kv {
                m.insert(k.clone(), to_json(v));
            }
            J::Object(m)
        }
        Expr::Fn(name, arg) => {
            let mut m = Map::new();
            m.insert((*name).to_string(), to_json(arg));
            J::Object(m)
        }
        Expr::JsonText(inner) => {
            J::String(serde_json::to_string_pretty(&to_json(inner)).unwrap_or_default())
        }
    }
}

/// YAML, with short forms (`!Ref`, `!GetAtt a.b`) where the seed says so.
fn to_yaml(e: &Expr, rng: &mut Rng) -> Y {
    match e {
        Expr::Null => Y::Plain(if rng.chance(500) {
            "~".into()
        } else {
            "null".into()
        }),
        Expr::Bool(b) => Y::Plain(b.to_string()),
        Expr::Num(n) => Y::Plain(n.clone()),
        Expr::Str(t) => Y::Str(t.clone()),
        Expr::List(xs) => Y::Seq(xs.iter().map(|x| to_yaml(x, rng)).collect()),
        Expr::Map(kv) => Y::Map(
            kv.iter()
                .map(|(k, v)| Entry::new(k.clone(), to_yaml(v, rng)))
                .collect(),
        ),
        Expr::Fn(name, arg) => {
            let short = name
                .strip_prefix("Fn::")
                .or((*name == "Ref" || *name == "Condition").then_some(*name));
            match short {
                Some(tag) if rng.chance(600) => {
                    if let (true, Expr::List(parts)) =
                        (tag == "GetAtt" && rng.chance(500), arg.as_ref())
                    {
                        if let [Expr::Str(a), Expr::Str(b)] = parts.as_slice() {
                            return Y::Tag("!GetAtt".into(), Box::new(Y::Str(format!("{a}.{b}"))));
                        }
                    }
                    // One tag per node: an intrinsic directly inside a short form is written
                    // in the long form.
                    match to_yaml(arg, rng) {
                        inner @ Y::Tag(..) => Y::Map(vec![Entry::new(*name, inner)]),
                        inner => Y::Tag(format!("!{tag}"), Box::new(inner)),
                    }
                }
                _ => Y::Map(vec![Entry::new(*name, to_yaml(arg, rng))]),
            }
        }
        Expr::JsonText(inner) => Y::Str(style::json(&to_json(inner), rng)),
    }
}

fn render(t: &Template, path: &str, seed: u64) -> CaseFile {
    let mut rng = Rng::new(seed);
    let doc = t.to_expr();
    let deep = |text: String| match t.stress {
        Some(Stress::Deep(n)) => {
            let n = usize::from(n);
            let value = format!("{}1{}", "[".repeat(n), "]".repeat(n));
            text.replace(&format!("\"{DEEP}\""), &value)
                .replace(&format!("'{DEEP}'"), &value)
        }
        _ => text,
    };
    if path.ends_with(".json") {
        return CaseFile::new(path, deep(style::json(&to_json(&doc), &mut rng)));
    }
    let mut y = to_yaml(&doc, &mut rng);
    if let (Some(Stress::Laughs(n)), Y::Map(top)) = (&t.stress, &mut y) {
        laughs(*n, top);
    }
    // Comments above resources, as `# egressproof:ignore` is written.
    if let Y::Map(top) = &mut y {
        for entry in top.iter_mut().filter(|e| e.key == "Resources") {
            if let Y::Map(resources) = &mut entry.value {
                for (id, c) in t.comments() {
                    if let Some(r) = resources.iter_mut().find(|r| r.key == id) {
                        r.comment = Some(c.to_string());
                    }
                }
            }
        }
    }
    CaseFile::new(path, deep(Yaml::write(&y, &mut rng)))
}

/// `Metadata` with anchors that each double the previous one, and a resource whose tags are
/// the last: 2^n nodes once expanded.
fn laughs(n: u8, top: &mut Vec<Entry>) {
    let mut entries = vec![Entry::new(
        "l0",
        Y::Anchor("l0".into(), Box::new(Y::Seq(vec![Y::Str("x".into()); 2]))),
    )];
    for i in 1..=n {
        let previous = Y::Alias(format!("l{}", i - 1));
        entries.push(Entry::new(
            format!("l{i}"),
            Y::Anchor(
                format!("l{i}"),
                Box::new(Y::Seq(vec![previous.clone(), previous])),
            ),
        ));
    }
    top.insert(0, Entry::new("Metadata", Y::Map(entries)));
    let lol = Y::Map(vec![
        Entry::new("Type", Y::Str("AWS::EC2::VPC".into())),
        Entry::new(
            "Properties",
            Y::Map(vec![Entry::new("Tags", Y::Alias(format!("l{n}")))]),
        ),
    ]);
    if let Some(Entry {
        value: Y::Map(resources),
        ..
    }) = top.iter_mut().find(|e| e.key == "Resources")
    {
        resources.push(Entry::new("Lol", lol));
    }
}

const FILE_NAMES: &[&str] = &[
    "t0.yaml",
    "t1.json",
    "t2.template",
    "t0.yml",
    "t1.yaml",
    "t0.json",
];

/// One to three templates scanned together (nested stacks and exports between them).
pub fn case() -> impl Strategy<Value = Case> {
    (vec((template(), any::<u64>()), 1..4), any::<u64>(), flags()).prop_map(
        |(templates, names, flags)| {
            let mut files: Vec<CaseFile> = Vec::new();
            for (i, (t, seed)) in templates.iter().enumerate() {
                // File i keeps its index so that `TemplateURL: t1.yaml` finds it often.
                let choices: Vec<&str> = FILE_NAMES
                    .iter()
                    .copied()
                    .filter(|n| n.starts_with(&format!("t{i}")))
                    .collect();
                let name = choices
                    .get((names >> (8 * i)) as usize % choices.len().max(1))
                    .copied()
                    .unwrap_or("t0.yaml");
                files.push(render(t, name, *seed));
            }
            let mut case = Case::new(files, true);
            case.flags = flags;
            case
        },
    )
}

/// Scan flags: trusted networks, the failure threshold, skipped rules.
pub fn flags() -> impl Strategy<Value = Flags> {
    (
        prop::option::weighted(
            0.2,
            vec(
                select(&["10.0.0.0/8", "0.0.0.0/0", "192.168.0.0/16", "::/0"][..]),
                1..3,
            ),
        ),
        prop::option::weighted(0.2, 0..4u8),
        prop::option::weighted(
            0.1,
            vec(select(&["EP101", "EP201", "EP302", "EP603"][..]), 1..3),
        ),
    )
        .prop_map(|(trusted, fail_on, skip)| Flags {
            trusted_cidrs: trusted
                .unwrap_or_default()
                .into_iter()
                .map(str::to_string)
                .collect(),
            fail_on: fail_on.unwrap_or(2),
            skip: skip
                .unwrap_or_default()
                .into_iter()
                .map(str::to_string)
                .collect(),
        })
}
