//! Terraform configurations: resources of the types the loader lowers with their arguments and
//! nested blocks, `count`/`for_each`/`dynamic`, variables with defaults and `terraform.tfvars`,
//! locals referring to each other, data sources, outputs, local and remote module calls, and
//! expressions of every kind (templates with directives, heredocs, `for`, splats, conditionals,
//! operators, the built-in functions, references that resolve and some that do not).

use crate::cfn;
use crate::harness::{Case, CaseFile};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::select;

/// An HCL expression.
#[derive(Clone, Debug, PartialEq)]
pub enum H {
    Num(String),
    Bool(bool),
    Null,
    Str(Vec<Part>),
    /// `<<EOT` (or `<<-EOT` when indented).
    Heredoc(Vec<Part>, bool),
    List(Vec<H>),
    Obj(Vec<(String, H)>),
    /// A traversal written as is: `var.n`, `aws_vpc.a.id`, `each.value`.
    Ref(String),
    /// A function call; `true` expands the last argument (`f(xs...)`).
    Call(&'static str, Vec<H>, bool),
    Cond(Box<H>, Box<H>, Box<H>),
    For {
        key: Option<&'static str>,
        value: &'static str,
        collection: Box<H>,
        /// Object `for` when present: the key expression.
        key_expr: Option<Box<H>>,
        body: Box<H>,
        cond: Option<Box<H>>,
        group: bool,
    },
    Bin(&'static str, Box<H>, Box<H>),
    Not(Box<H>),
    Neg(Box<H>),
    Index(Box<H>, Box<H>),
    Attr(Box<H>, &'static str),
    /// `[*].attr` (full splat) or `.*.attr` (legacy).
    Splat(Box<H>, &'static str, bool),
    Paren(Box<H>),
    /// Text written as is (nesting past what the generator builds).
    Raw(String),
}

/// Part of a string template.
#[derive(Clone, Debug, PartialEq)]
pub enum Part {
    Lit(String),
    Interp(H),
    If(H, Vec<Part>, Vec<Part>),
    For(&'static str, H, Vec<Part>),
}

fn lit(s: &str) -> H {
    H::Str(vec![Part::Lit(s.to_string())])
}

fn r(s: &str) -> H {
    H::Ref(s.to_string())
}

const NAMES: &[&str] = &["a", "b", "main"];
const VARS: &[&str] = &["n", "cidr", "m", "flag", "names"];
const LOCALS: &[&str] = &["l1", "l2", "l3"];

/// Numbers, among them values that stress conversions (`count = 1.5`, `-1`, `1e30`).
const NUMBERS: &[&str] = &[
    "0", "1", "2", "3", "22", "443", "65535", "-1", "1.5", "0.5", "1e3", "100", "1e30", "1e300",
    "-0", "007",
];

/// Numbers at the edges of the integer types the evaluator converts to (`u8`, `u32`, `usize`,
/// `i64`), for the arguments of functions that compute with them.
const EDGES: &[&str] = &[
    "0",
    "1",
    "-1",
    "8",
    "32",
    "33",
    "128",
    "129",
    "255",
    "256",
    "65536",
    "2147483648",
    "4294967295",
    "4294967296",
    "9007199254740993",
    "18446744073709551615",
    "1e19",
    "-1e30",
    "1e308",
    "0.5",
    "-0.5",
];

/// Built-in functions that compute with numbers (sizes, offsets, prefix lengths, bit counts).
const NUMERIC_FUNCTIONS: &[&str] = &[
    "cidrsubnet",
    "cidrhost",
    "cidrsubnets",
    "cidrnetmask",
    "substr",
    "slice",
    "element",
    "chunklist",
    "range",
    "format",
    "formatlist",
    "abs",
    "ceil",
    "floor",
    "min",
    "max",
    "pow",
    "signum",
    "parseint",
    "log",
    "tonumber",
    "index",
    "sum",
    "indent",
    "setproduct",
    "matchkeys",
];

/// Numbers that may become sizes (`range`, `count`): small, so that a slow input is a bug and
/// not a large configuration.
const SMALL: &[&str] = &["0", "1", "2", "3", "-1", "1.5", "0.5", "10"];

const REFS: &[&str] = &[
    "var.n",
    "var.cidr",
    "var.m",
    "var.flag",
    "var.names",
    "var.undeclared",
    "local.l1",
    "local.l2",
    "local.l3",
    "local.missing",
    "aws_vpc.a.id",
    "aws_vpc.a.cidr_block",
    "aws_subnet.a.id",
    "aws_subnet.b[0].id",
    "aws_subnet.a[\"k\"].id",
    "aws_security_group.a.id",
    "aws_route_table.main.id",
    "aws_internet_gateway.a.id",
    "aws_nat_gateway.a.id",
    "aws_iam_role.a.arn",
    "aws_iam_role.a.name",
    "aws_vpc_endpoint.a.id",
    "aws_vpc.missing.id",
    "aws_default_security_group.a.id",
    "each.key",
    "each.value",
    "each.value.cidr",
    "count.index",
    "module.m.out",
    "module.m[0].out",
    "module.remote.vpc_id",
    "data.aws_iam_policy_document.p.json",
    "data.aws_ssm_parameter.p.value",
    "data.aws_ssm_parameter.p.insecure_value",
    "data.aws_region.r.name",
    "data.aws_caller_identity.c.account_id",
    "data.aws_vpc.unknown.id",
    "path.module",
    "path.root",
    "terraform.workspace",
    "self.id",
];

const FUNCTIONS: &[&str] = &[
    "try",
    "can",
    "coalesce",
    "jsonencode",
    "jsondecode",
    "length",
    "toset",
    "tolist",
    "tomap",
    "tonumber",
    "tostring",
    "tobool",
    "concat",
    "merge",
    "element",
    "lookup",
    "one",
    "keys",
    "values",
    "flatten",
    "compact",
    "distinct",
    "contains",
    "zipmap",
    "format",
    "join",
    "split",
    "replace",
    "lower",
    "upper",
    "trimspace",
    "trimprefix",
    "substr",
    "max",
    "min",
    "abs",
    "ceil",
    "floor",
    "sort",
    "reverse",
    "slice",
    "index",
    "setunion",
    "alltrue",
    "anytrue",
    "file",
    "fileexists",
    "templatefile",
    "cidrsubnet",
    "cidrhost",
    "cidrsubnets",
    "regex",
    "regexall",
    "base64encode",
    "sha256",
    "uuid",
    "timestamp",
    "nonsensitive",
    "sensitive",
    "formatlist",
    "chunklist",
    "coalescelist",
    "transpose",
    "startswith",
    "strcontains",
    "no_such_function",
    "provider::aws::arn_parse",
];

const STRINGS: &[&str] = &[
    "",
    "x",
    "k",
    "0.0.0.0/0",
    "::/0",
    "10.0.0.0/16",
    "10.0.1.0/24",
    "not-a-cidr",
    "Enabled",
    "Disabled",
    "VpcOnly",
    "PublicInternetOnly",
    "-1",
    "tcp",
    "all",
    "allow",
    "Allow",
    "*",
    "s3:*",
    "sagemaker:*",
    "arn:aws:iam::111122223333:role/r",
    "com.amazonaws.us-east-1.s3",
    "com.amazonaws.us-east-1.sagemaker.api",
    "111122223333",
    "444455556666",
    "# egressproof:ignore EP101 in a string",
    "// egressproof:ignore EP201",
    "é ünïcödé \u{1F600}",
    "line\nbreak",
    "quote \" and \\",
    "${",
    "%{",
    "EOT",
    "/vpc/id",
];

fn leaf() -> BoxedStrategy<H> {
    prop_oneof![
        4 => select(STRINGS).prop_map(lit),
        2 => select(NUMBERS).prop_map(|n| H::Num(n.to_string())),
        1 => any::<bool>().prop_map(H::Bool),
        1 => Just(H::Null),
        5 => select(REFS).prop_map(r),
    ]
    .boxed()
}

/// A string template with interpolations and directives around `inner`.
fn template(inner: BoxedStrategy<H>) -> impl Strategy<Value = Vec<Part>> {
    let part = prop_oneof![
        3 => select(STRINGS).prop_map(|s| Part::Lit(s.to_string())),
        3 => inner.clone().prop_map(Part::Interp),
        1 => (inner.clone(), select(STRINGS), select(STRINGS))
            .prop_map(|(c, a, b)| Part::If(c, vec![Part::Lit(a.into())], vec![Part::Lit(b.into())])),
        1 => (inner, select(STRINGS))
            .prop_map(|(c, a)| Part::For("x", c, vec![Part::Lit(a.into()), Part::Interp(r("x"))])),
    ];
    vec(part, 0..4)
}

pub fn expr() -> BoxedStrategy<H> {
    leaf()
        .prop_recursive(4, 32, 4, |inner| {
            let e = || inner.clone();
            prop_oneof![
                3 => vec(e(), 0..4).prop_map(H::List),
                3 => vec((select(KEYS).prop_map(str::to_string), e()), 0..4).prop_map(H::Obj),
                3 => template(e()).prop_map(H::Str),
                1 => (template(e()), any::<bool>()).prop_map(|(p, i)| H::Heredoc(p, i)),
                4 => (select(FUNCTIONS), vec(e(), 0..4), prop::bool::weighted(0.05))
                    .prop_map(|(f, args, expand)| H::Call(f, args, expand)),
                1 => (select(SMALL), select(SMALL)).prop_map(|(a, b)| H::Call("range", vec![H::Num(a.into()), H::Num(b.into())], false)),
                2 => (
                    select(NUMERIC_FUNCTIONS),
                    prop_oneof![
                        2 => select(&cfn::CIDRS[..]).prop_map(lit),
                        1 => select(&cfn::CIDRS6[..]).prop_map(lit),
                        2 => e(),
                    ],
                    vec(prop_oneof![3 => select(EDGES).prop_map(|n| H::Num(n.into())), 1 => e()], 0..4),
                )
                    .prop_map(|(f, first, rest)| {
                        let mut args = vec![first];
                        args.extend(rest);
                        H::Call(f, args, false)
                    }),
                2 => (e(), e(), e()).prop_map(|(c, a, b)| H::Cond(Box::new(c), Box::new(a), Box::new(b))),
                2 => (prop::option::of(select(&["k", "i"][..])), e(), prop::option::of(e()), e(), prop::option::weighted(0.3, e()), prop::bool::weighted(0.1))
                    .prop_map(|(key, collection, key_expr, body, cond, group)| H::For {
                        key,
                        value: "v",
                        collection: Box::new(collection),
                        key_expr: key_expr.map(Box::new),
                        body: Box::new(body),
                        cond: cond.map(Box::new),
                        group,
                    }),
                2 => (select(&["+", "-", "*", "/", "%", "==", "!=", "<", ">=", "&&", "||"][..]), e(), e())
                    .prop_map(|(op, a, b)| H::Bin(op, Box::new(a), Box::new(b))),
                1 => e().prop_map(|x| H::Not(Box::new(x))),
                1 => e().prop_map(|x| H::Neg(Box::new(x))),
                2 => (e(), e()).prop_map(|(x, i)| H::Index(Box::new(x), Box::new(i))),
                1 => (e(), select(&["id", "arn", "cidr", "name", "0"][..])).prop_map(|(x, a)| H::Attr(Box::new(x), a)),
                1 => (e(), select(&["id", "arn"][..]), any::<bool>()).prop_map(|(x, a, legacy)| H::Splat(Box::new(x), a, legacy)),
                1 => e().prop_map(|x| H::Paren(Box::new(x))),
            ]
        })
        .boxed()
}

const KEYS: &[&str] = &[
    "cidr",
    "id",
    "k",
    "Effect",
    "Action",
    "Resource",
    "Statement",
    "Version",
    "Condition",
    "EnableNetworkIsolation",
    "VpcConfig",
    "Steps",
    "States",
    "\"quoted key\"",
    "(var.k)",
];

#[derive(Clone, Copy, Debug)]
pub enum Fl {
    Cidr,
    Cidr6,
    Ref(&'static str),
    Refs(&'static str),
    Bool,
    Str,
    Int,
    Policy,
    Pipeline,
    StateMachine,
    Any,
}

pub type Args = &'static [(&'static str, Fl)];

/// Resource types with their arguments, and nested blocks with theirs.
/// Nested blocks of a resource type, each with its arguments.
pub type Blocks = &'static [(&'static str, Args)];

pub const TYPES: &[(&str, Args, Blocks)] = {
    use Fl::*;
    const RULE: Args = &[
        ("protocol", Str),
        ("from_port", Int),
        ("to_port", Int),
        ("cidr_blocks", Refs("cidr")),
        ("ipv6_cidr_blocks", Refs("cidr6")),
        ("security_groups", Refs("aws_security_group")),
        ("prefix_list_ids", Refs("pl")),
        ("self", Bool),
    ];
    const VPC: Args = &[
        ("subnets", Refs("aws_subnet")),
        ("security_group_ids", Refs("aws_security_group")),
    ];
    &[
        (
            "aws_vpc",
            &[
                ("cidr_block", Cidr),
                ("assign_generated_ipv6_cidr_block", Bool),
            ],
            &[],
        ),
        (
            "aws_subnet",
            &[
                ("vpc_id", Ref("aws_vpc")),
                ("cidr_block", Cidr),
                ("ipv6_cidr_block", Cidr6),
                ("map_public_ip_on_launch", Bool),
            ],
            &[],
        ),
        (
            "aws_route_table",
            &[("vpc_id", Ref("aws_vpc"))],
            &[(
                "route",
                &[
                    ("cidr_block", Cidr),
                    ("ipv6_cidr_block", Cidr6),
                    ("gateway_id", Ref("aws_internet_gateway")),
                    ("nat_gateway_id", Ref("aws_nat_gateway")),
                    (
                        "vpc_peering_connection_id",
                        Ref("aws_vpc_peering_connection"),
                    ),
                    ("transit_gateway_id", Ref("aws_ec2_transit_gateway")),
                ],
            )],
        ),
        (
            "aws_route",
            &[
                ("route_table_id", Ref("aws_route_table")),
                ("destination_cidr_block", Cidr),
                ("destination_ipv6_cidr_block", Cidr6),
                ("gateway_id", Ref("aws_internet_gateway")),
                ("nat_gateway_id", Ref("aws_nat_gateway")),
                (
                    "vpc_peering_connection_id",
                    Ref("aws_vpc_peering_connection"),
                ),
                (
                    "egress_only_gateway_id",
                    Ref("aws_egress_only_internet_gateway"),
                ),
                ("network_interface_id", Ref("aws_network_interface")),
            ],
            &[],
        ),
        (
            "aws_route_table_association",
            &[
                ("subnet_id", Ref("aws_subnet")),
                ("route_table_id", Ref("aws_route_table")),
            ],
            &[],
        ),
        (
            "aws_main_route_table_association",
            &[
                ("vpc_id", Ref("aws_vpc")),
                ("route_table_id", Ref("aws_route_table")),
            ],
            &[],
        ),
        (
            "aws_default_route_table",
            &[("default_route_table_id", Ref("aws_vpc"))],
            &[(
                "route",
                &[
                    ("cidr_block", Cidr),
                    ("gateway_id", Ref("aws_internet_gateway")),
                ],
            )],
        ),
        ("aws_internet_gateway", &[("vpc_id", Ref("aws_vpc"))], &[]),
        (
            "aws_internet_gateway_attachment",
            &[
                ("vpc_id", Ref("aws_vpc")),
                ("internet_gateway_id", Ref("aws_internet_gateway")),
            ],
            &[],
        ),
        (
            "aws_egress_only_internet_gateway",
            &[("vpc_id", Ref("aws_vpc"))],
            &[],
        ),
        (
            "aws_nat_gateway",
            &[
                ("subnet_id", Ref("aws_subnet")),
                ("connectivity_type", Str),
                ("allocation_id", Ref("aws_eip")),
            ],
            &[],
        ),
        (
            "aws_eip",
            &[("domain", Str), ("instance", Ref("aws_instance"))],
            &[],
        ),
        (
            "aws_security_group",
            &[
                ("vpc_id", Ref("aws_vpc")),
                ("name", Str),
                ("revoke_rules_on_delete", Bool),
            ],
            &[("egress", RULE), ("ingress", RULE)],
        ),
        (
            "aws_default_security_group",
            &[("vpc_id", Ref("aws_vpc"))],
            &[("egress", RULE)],
        ),
        (
            "aws_security_group_rule",
            &[
                ("type", Str),
                ("security_group_id", Ref("aws_security_group")),
                ("protocol", Str),
                ("from_port", Int),
                ("to_port", Int),
                ("cidr_blocks", Refs("cidr")),
                ("source_security_group_id", Ref("aws_security_group")),
            ],
            &[],
        ),
        (
            "aws_vpc_security_group_egress_rule",
            &[
                ("security_group_id", Ref("aws_security_group")),
                ("ip_protocol", Str),
                ("cidr_ipv4", Cidr),
                ("cidr_ipv6", Cidr6),
                ("from_port", Int),
                ("to_port", Int),
                ("referenced_security_group_id", Ref("aws_security_group")),
            ],
            &[],
        ),
        (
            "aws_network_acl",
            &[
                ("vpc_id", Ref("aws_vpc")),
                ("subnet_ids", Refs("aws_subnet")),
            ],
            &[(
                "egress",
                &[
                    ("rule_no", Int),
                    ("action", Str),
                    ("protocol", Str),
                    ("cidr_block", Cidr),
                    ("from_port", Int),
                    ("to_port", Int),
                ],
            )],
        ),
        (
            "aws_default_network_acl",
            &[("default_network_acl_id", Ref("aws_vpc"))],
            &[],
        ),
        (
            "aws_network_acl_rule",
            &[
                ("network_acl_id", Ref("aws_network_acl")),
                ("rule_number", Int),
                ("egress", Bool),
                ("protocol", Str),
                ("rule_action", Str),
                ("cidr_block", Cidr),
            ],
            &[],
        ),
        (
            "aws_vpc_endpoint",
            &[
                ("vpc_id", Ref("aws_vpc")),
                ("service_name", Str),
                ("vpc_endpoint_type", Str),
                ("policy", Policy),
                ("route_table_ids", Refs("aws_route_table")),
                ("subnet_ids", Refs("aws_subnet")),
                ("security_group_ids", Refs("aws_security_group")),
                ("private_dns_enabled", Bool),
            ],
            &[],
        ),
        (
            "aws_vpc_endpoint_policy",
            &[
                ("vpc_endpoint_id", Ref("aws_vpc_endpoint")),
                ("policy", Policy),
            ],
            &[],
        ),
        (
            "aws_vpc_peering_connection",
            &[
                ("vpc_id", Ref("aws_vpc")),
                ("peer_vpc_id", Ref("aws_vpc")),
                ("peer_owner_id", Str),
            ],
            &[],
        ),
        (
            "aws_instance",
            &[
                ("subnet_id", Ref("aws_subnet")),
                ("vpc_security_group_ids", Refs("aws_security_group")),
                ("associate_public_ip_address", Bool),
            ],
            &[],
        ),
        (
            "aws_network_interface",
            &[
                ("subnet_id", Ref("aws_subnet")),
                ("security_groups", Refs("aws_security_group")),
            ],
            &[],
        ),
        (
            "aws_sagemaker_notebook_instance",
            &[
                ("role_arn", Str),
                ("instance_type", Str),
                ("subnet_id", Ref("aws_subnet")),
                ("security_groups", Refs("aws_security_group")),
                ("direct_internet_access", Str),
                ("root_access", Str),
            ],
            &[],
        ),
        (
            "aws_sagemaker_domain",
            &[
                ("domain_name", Str),
                ("auth_mode", Str),
                ("vpc_id", Ref("aws_vpc")),
                ("subnet_ids", Refs("aws_subnet")),
                ("app_network_access_type", Str),
            ],
            &[(
                "default_user_settings",
                &[
                    ("execution_role", Str),
                    ("security_groups", Refs("aws_security_group")),
                ],
            )],
        ),
        (
            "aws_sagemaker_model",
            &[
                ("execution_role_arn", Str),
                ("enable_network_isolation", Bool),
            ],
            &[
                ("vpc_config", VPC),
                ("primary_container", &[("image", Str)]),
            ],
        ),
        (
            "aws_sagemaker_endpoint_configuration",
            &[("name", Str)],
            &[(
                "production_variants",
                &[("model_name", Ref("aws_sagemaker_model"))],
            )],
        ),
        (
            "aws_sagemaker_pipeline",
            &[
                ("pipeline_name", Str),
                ("role_arn", Str),
                ("pipeline_definition", Pipeline),
            ],
            &[],
        ),
        (
            "aws_sfn_state_machine",
            &[
                ("name", Str),
                ("role_arn", Str),
                ("definition", StateMachine),
            ],
            &[],
        ),
        (
            "aws_sagemaker_data_quality_job_definition",
            &[("role_arn", Str)],
            &[("network_config", &[("enable_network_isolation", Bool)])],
        ),
        (
            "aws_iam_role",
            &[
                ("name", Str),
                ("assume_role_policy", Policy),
                ("managed_policy_arns", Refs("arn")),
            ],
            &[("inline_policy", &[("name", Str), ("policy", Policy)])],
        ),
        (
            "aws_iam_role_policy",
            &[("role", Ref("aws_iam_role")), ("policy", Policy)],
            &[],
        ),
        (
            "aws_iam_role_policy_attachment",
            &[("role", Ref("aws_iam_role")), ("policy_arn", Str)],
            &[],
        ),
        ("aws_iam_policy", &[("policy", Policy)], &[]),
        ("aws_s3_bucket", &[("bucket", Str)], &[]),
        (
            "aws_s3_bucket_policy",
            &[("bucket", Ref("aws_s3_bucket")), ("policy", Policy)],
            &[],
        ),
        (
            "aws_lambda_function",
            &[("role", Ref("aws_iam_role"))],
            &[("vpc_config", VPC)],
        ),
        (
            "aws_organizations_policy",
            &[("content", Policy), ("type", Str)],
            &[],
        ),
        ("aws_unknown_thing", &[("anything", Any)], &[]),
        (
            "aws_ssm_parameter",
            &[("name", Str), ("type", Str), ("value", Ref("aws_vpc"))],
            &[],
        ),
    ]
};

fn reference(target: &'static str) -> BoxedStrategy<H> {
    match target {
        "cidr" => select(&cfn::CIDRS[..]).prop_map(lit).boxed(),
        "cidr6" => select(&cfn::CIDRS6[..]).prop_map(lit).boxed(),
        "pl" | "arn" => select(
            &[
                "pl-123",
                "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess",
            ][..],
        )
        .prop_map(lit)
        .boxed(),
        ty => (
            select(NAMES),
            select(&["", "[0]", "[\"k\"]", "[count.index]", "[each.key]"][..]),
            select(&["id", "id", "arn", "name", "cidr_block"][..]),
        )
            .prop_map(move |(n, idx, attr)| r(&format!("{ty}.{n}{idx}.{attr}")))
            .boxed(),
    }
}

fn flavored(fl: Fl) -> BoxedStrategy<H> {
    use Fl::*;
    let typed: BoxedStrategy<H> = match fl {
        Cidr => prop_oneof![
            4 => reference("cidr"),
            1 => Just(r("var.cidr")),
            1 => (select(SMALL), select(SMALL)).prop_map(|(a, b)| H::Call("cidrsubnet", vec![r("var.cidr"), H::Num(a.into()), H::Num(b.into())], false)),
        ]
        .boxed(),
        Cidr6 => reference("cidr6"),
        Ref(t) => reference(t),
        Refs(t) => prop_oneof![
            3 => vec(reference(t), 0..3).prop_map(H::List),
            1 => select(NAMES).prop_map(move |n| H::Splat(Box::new(r(&format!("{t}.{n}"))), "id", false)),
            1 => Just(r("var.names")),
        ]
        .boxed(),
        Bool => prop_oneof![any::<bool>().prop_map(H::Bool), select(&["true", "false", "yes"][..]).prop_map(lit), Just(r("var.flag"))].boxed(),
        Str => select(STRINGS).prop_map(lit).boxed(),
        Int => select(NUMBERS).prop_map(|n| H::Num(n.into())).boxed(),
        Policy => prop_oneof![
            3 => cfn::policy().prop_map(|p| H::Call("jsonencode", vec![from_cfn(&p)], false)),
            1 => cfn::policy().prop_map(|p| H::Heredoc(vec![Part::Lit(json_text(&p))], false)),
            1 => Just(r("data.aws_iam_policy_document.p.json")),
            1 => cfn::policy().prop_map(|p| lit(&json_text(&p))),
        ]
        .boxed(),
        Pipeline => prop_oneof![
            3 => cfn::pipeline().prop_map(|p| H::Call("jsonencode", vec![from_cfn(&p)], false)),
            1 => cfn::pipeline().prop_map(|p| H::Heredoc(vec![Part::Lit(json_text(&p))], true)),
        ]
        .boxed(),
        StateMachine => prop_oneof![
            3 => cfn::state_machine().prop_map(|p| H::Call("jsonencode", vec![from_cfn(&p)], false)),
            1 => cfn::state_machine().prop_map(|p| H::Heredoc(vec![Part::Lit(json_text(&p))], false)),
            1 => Just(H::Call("templatefile", vec![lit("sm.json"), H::Obj(vec![("Job".into(), lit("x"))])], false)),
        ]
        .boxed(),
        Any => expr(),
    };
    prop_oneof![8 => typed, 1 => expr()].boxed()
}

fn json_text(e: &cfn::Expr) -> String {
    format!(
        "{}\n",
        serde_json::to_string_pretty(&cfn::to_json(e)).unwrap_or_default()
    )
}

/// A CloudFormation-shaped value (definitions, policies) as an HCL value; its intrinsics become
/// objects, as they would be in `jsonencode`.
fn from_cfn(e: &cfn::Expr) -> H {
    match e {
        cfn::Expr::Null => H::Null,
        cfn::Expr::Bool(b) => H::Bool(*b),
        cfn::Expr::Num(n) => H::Num(n.clone()),
        cfn::Expr::Str(s) => lit(s),
        cfn::Expr::List(xs) => H::List(xs.iter().map(from_cfn).collect()),
        cfn::Expr::Map(kv) => H::Obj(kv.iter().map(|(k, v)| (quoted(k), from_cfn(v))).collect()),
        cfn::Expr::Fn(name, arg) => H::Obj(vec![(quoted(name), from_cfn(arg))]),
        cfn::Expr::JsonText(inner) => H::Call("jsonencode", vec![from_cfn(inner)], false),
    }
}

/// A block: `resource "t" "n" { ... }`.
#[derive(Clone, Debug, PartialEq)]
pub struct Block {
    pub kind: String,
    pub labels: Vec<String>,
    pub body: Vec<Item>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Attr(String, H),
    Block(Block),
    Comment(String),
}

fn block(kind: &str, labels: &[&str], body: Vec<Item>) -> Block {
    Block {
        kind: kind.to_string(),
        labels: labels.iter().map(|l| l.to_string()).collect(),
        body,
    }
}

fn attr(name: &str, value: H) -> Item {
    Item::Attr(name.to_string(), value)
}

/// `count` and `for_each` values, the odd ones included.
fn meta() -> impl Strategy<Value = Option<Item>> {
    let count = prop_oneof![
        6 => select(&["0", "1", "2", "3"][..]).prop_map(|n| H::Num(n.into())),
        1 => select(&["-1", "1.5", "1e30", "0.0"][..]).prop_map(|n| H::Num(n.into())),
        2 => Just(r("var.n")),
        1 => Just(H::Call("length", vec![r("var.names")], false)),
        1 => Just(H::Cond(Box::new(r("var.flag")), Box::new(H::Num("1".into())), Box::new(H::Num("0".into())))),
        1 => leaf(),
    ];
    let for_each = prop_oneof![
        3 => Just(H::Call("toset", vec![H::List(vec![lit("k"), lit("x")])], false)),
        2 => Just(H::Obj(vec![("k".into(), H::Obj(vec![("cidr".into(), lit("10.0.1.0/24"))])), ("x".into(), H::Obj(vec![("cidr".into(), lit("0.0.0.0/0"))]))])),
        1 => Just(r("var.m")),
        1 => Just(r("local.l1")),
        1 => Just(H::List(vec![lit("a")])),
        1 => Just(H::For { key: None, value: "v", collection: Box::new(r("var.names")), key_expr: Some(Box::new(r("v"))), body: Box::new(r("v")), cond: None, group: false }),
        1 => leaf(),
    ];
    prop_oneof![
        6 => Just(None),
        2 => count.prop_map(|c| Some(attr("count", c))),
        2 => for_each.prop_map(|f| Some(attr("for_each", f))),
    ]
}

/// A resource of any type the table holds, or (`workload`) of a SageMaker type: most modules
/// get one, so that the scan judges them instead of finding nothing in scope.
fn resource(workload: bool) -> impl Strategy<Value = Block> {
    let types: Vec<(&str, Args, Blocks)> = TYPES
        .iter()
        .filter(|(t, _, _)| !workload || t.starts_with("aws_sagemaker_"))
        .copied()
        .collect();
    (
        select(types),
        select(NAMES),
        meta(),
        any::<u8>(),
        prop::option::weighted(
            0.15,
            select(
                &[
                    "egressproof:ignore EP101 reviewed",
                    "egressproof:ignore EP201",
                    "egressproof:ignore",
                ][..],
            ),
        ),
    )
        .prop_flat_map(|((ty, args, blocks), name, meta, shape, comment)| {
            let attrs: Vec<BoxedStrategy<Item>> = args
                .iter()
                .map(|(a, fl)| flavored(*fl).prop_map(move |v| attr(a, v)).boxed())
                .collect();
            let nested: Vec<BoxedStrategy<Item>> = blocks
                .iter()
                .map(|(b, args)| {
                    let inner: Vec<BoxedStrategy<Item>> = args
                        .iter()
                        .map(|(a, fl)| flavored(*fl).prop_map(move |v| attr(a, v)).boxed())
                        .collect();
                    let n = inner.len();
                    let plain = prop::sample::subsequence(inner, 0..=n)
                        .prop_flat_map(|xs| xs)
                        .prop_map(move |body| Item::Block(block(b, &[], body)));
                    let name = *b;
                    let dynamic = (
                        prop_oneof![Just(r("var.names")), Just(r("var.m")), leaf()],
                        any::<bool>(),
                    )
                        .prop_map(move |(each, iter)| {
                            let var = if iter { "rule" } else { name };
                            let mut body = vec![attr("for_each", each)];
                            if iter {
                                body.push(attr("iterator", r("rule")));
                            }
                            body.push(Item::Block(block(
                                "content",
                                &[],
                                vec![
                                    attr("cidr_blocks", H::List(vec![r(&format!("{var}.value"))])),
                                    attr("protocol", lit("-1")),
                                ],
                            )));
                            Item::Block(block("dynamic", &[name], body))
                        });
                    prop_oneof![4 => plain, 1 => dynamic].boxed()
                })
                .collect();
            let na = attrs.len();
            let nb = nested.len();
            (
                prop::sample::subsequence(attrs, 0..=na).prop_flat_map(|xs| xs),
                prop::sample::subsequence(nested, 0..=nb).prop_flat_map(|xs| xs),
                prop::option::weighted(0.1, (select(KEYS), expr())),
            )
                .prop_map(move |(mut body, blocks, extra)| {
                    if let Some(m) = &meta {
                        body.insert(0, m.clone());
                    }
                    if let Some((k, v)) = extra
                        .filter(|(k, _)| k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
                    {
                        body.push(attr(k, v));
                    }
                    body.extend(blocks);
                    if shape % 13 == 0 {
                        body.push(attr("depends_on", H::List(vec![r("aws_vpc.a")])));
                    }
                    if shape % 17 == 0 {
                        body.push(Item::Block(block(
                            "lifecycle",
                            &[],
                            vec![attr("ignore_changes", r("all"))],
                        )));
                    }
                    let mut b = block("resource", &[ty, name], body);
                    if let Some(c) = comment {
                        b.body.insert(0, Item::Comment(format!("# {c}")));
                    }
                    b
                })
        })
}

fn policy_document() -> impl Strategy<Value = Block> {
    let statement = (
        select(&["Allow", "Deny"][..]),
        vec(
            select(
                &[
                    "*",
                    "s3:*",
                    "s3:GetObject",
                    "sagemaker:CreatePresignedNotebookInstanceUrl",
                    "sagemaker:CreateTrainingJob",
                ][..],
            ),
            0..3,
        ),
        prop::option::of((
            select(&["IpAddress", "StringEquals", "Null", "Bool"][..]),
            select(
                &[
                    "aws:SourceIp",
                    "aws:SourceVpce",
                    "sagemaker:VpcSubnets",
                    "sagemaker:NetworkIsolation",
                ][..],
            ),
            leaf(),
        )),
    )
        .prop_map(|(effect, actions, cond)| {
            let mut body = vec![
                attr("effect", lit(effect)),
                attr("actions", H::List(actions.into_iter().map(lit).collect())),
                attr("resources", H::List(vec![lit("*")])),
            ];
            if let Some((test, var, v)) = cond {
                body.push(Item::Block(block(
                    "condition",
                    &[],
                    vec![
                        attr("test", lit(test)),
                        attr("variable", lit(var)),
                        attr("values", H::List(vec![v])),
                    ],
                )));
            }
            Item::Block(block("statement", &[], body))
        });
    (vec(statement, 0..3), prop::option::weighted(0.2, leaf())).prop_map(|(mut st, src)| {
        if let Some(s) = src {
            st.push(attr("source_policy_documents", H::List(vec![s])));
        }
        block("data", &["aws_iam_policy_document", "p"], st)
    })
}

/// The other top-level blocks: variables, locals, outputs, data sources, module calls.
fn other_block() -> impl Strategy<Value = Block> {
    prop_oneof![
        3 => (select(VARS), prop::option::of(expr()), prop::option::weighted(0.3, select(&["string", "number", "bool", "list(string)", "map(any)", "any", "object({ cidr = string })", "set(string)"][..])))
            .prop_map(|(name, default, ty)| {
                let mut body = Vec::new();
                if let Some(t) = ty {
                    body.push(attr("type", r(t)));
                }
                if let Some(d) = default {
                    body.push(attr("default", d));
                }
                block("variable", &[name], body)
            }),
        3 => vec((select(LOCALS), expr()), 0..4)
            .prop_map(|ls| block("locals", &[], ls.into_iter().map(|(k, v)| attr(k, v)).collect())),
        1 => Just(block("locals", &[], vec![
            attr("l1", H::List(vec![lit("a"), lit("b")])),
            attr("l2", H::List(vec![r("local.l1"), r("local.l1")])),
            attr("l3", H::List(vec![r("local.l2"), r("local.l2")])),
        ])),
        1 => Just(block("locals", &[], vec![attr("l1", r("local.l2")), attr("l2", r("local.l1"))])),
        2 => (select(&["out", "vpc_id"][..]), expr()).prop_map(|(n, v)| block("output", &[n], vec![attr("value", v)])),
        2 => policy_document(),
        1 => select(&["aws_region", "aws_caller_identity", "aws_partition", "aws_vpc", "aws_subnets", "external"][..])
            .prop_map(|t| {
                let n = match t {
                    "aws_region" => "r",
                    "aws_caller_identity" => "c",
                    _ => "unknown",
                };
                block("data", &[t, n], vec![])
            }),
        1 => select(STRINGS).prop_map(|name| block("data", &["aws_ssm_parameter", "p"], vec![attr("name", lit(name))])),
        2 => (select(&["m", "n", "remote"][..]), select(&["./modules/m", "./modules/m/", "../", "./", "./missing", "terraform-aws-modules/vpc/aws", "git::https://example.com/m.git"][..]), meta(), vec((select(VARS), expr()), 0..3))
            .prop_map(|(name, source, meta, inputs)| {
                let mut body = vec![attr("source", lit(source))];
                if let Some(m) = meta {
                    body.push(m);
                }
                body.extend(inputs.into_iter().map(|(k, v)| attr(k, v)));
                block("module", &[name], body)
            }),
        1 => Just(block("terraform", &[], vec![Item::Block(block("required_providers", &[], vec![attr("aws", H::Obj(vec![("source".into(), lit("hashicorp/aws"))]))]))])),
        1 => Just(block("provider", &["aws"], vec![attr("region", lit("us-east-1"))])),
    ]
}

fn quoted(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// Escapes template syntax in literal text (`${` as `$${`, `%{` as `%%{`).
fn escape_template(s: &str) -> String {
    s.replace("${", "$${").replace("%{", "%%{")
}

fn write_parts(parts: &[Part], heredoc: bool, out: &mut String) {
    for p in parts {
        match p {
            Part::Lit(s) => {
                let s = escape_template(s);
                if heredoc {
                    out.push_str(&s);
                } else {
                    let q = quoted(&s);
                    out.push_str(&q[1..q.len() - 1]);
                }
            }
            Part::Interp(e) => {
                out.push_str("${");
                write_expr(e, out);
                out.push('}');
            }
            Part::If(c, a, b) => {
                out.push_str("%{ if ");
                write_expr(c, out);
                out.push_str(" }");
                write_parts(a, heredoc, out);
                out.push_str("%{ else }");
                write_parts(b, heredoc, out);
                out.push_str("%{ endif }");
            }
            Part::For(v, c, body) => {
                out.push_str(&format!("%{{ for {v} in "));
                write_expr(c, out);
                out.push_str(" }");
                write_parts(body, heredoc, out);
                out.push_str("%{ endfor }");
            }
        }
    }
}

/// Writes an expression where a heredoc may stand: an attribute's or object item's value.
/// Elsewhere (an operand, an argument, an interpolation) a heredoc is written as a quoted
/// string, since its closing line would end the enclosing expression.
pub fn write_value(e: &H, out: &mut String) {
    match e {
        H::Heredoc(parts, indent) => {
            let mut body = String::new();
            write_parts(parts, true, &mut body);
            // The closing marker must stand alone on its line.
            let body = body.replace("\nEOT", "\nEOT_");
            let body = if body.starts_with("EOT") {
                format!("_{body}")
            } else {
                body
            };
            out.push_str(if *indent { "<<-EOT\n" } else { "<<EOT\n" });
            out.push_str(&body);
            if !body.ends_with('\n') {
                out.push('\n');
            }
            out.push_str("EOT");
        }
        other => write_expr(other, out),
    }
}

pub fn write_expr(e: &H, out: &mut String) {
    match e {
        H::Num(n) => out.push_str(n),
        H::Bool(b) => out.push_str(&b.to_string()),
        H::Null => out.push_str("null"),
        H::Str(parts) => {
            out.push('"');
            write_parts(parts, false, out);
            out.push('"');
        }
        H::Heredoc(parts, _) => {
            out.push('"');
            write_parts(parts, false, out);
            out.push('"');
        }
        H::List(xs) => {
            out.push('[');
            for (i, x) in xs.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_expr(x, out);
            }
            out.push(']');
        }
        H::Obj(kv) => {
            out.push_str("{\n");
            let mut seen = std::collections::HashSet::new();
            // A key written twice does not parse: the first one stays.
            for (k, v) in kv.iter().filter(|(k, _)| seen.insert(k.as_str())) {
                out.push_str(&format!("  {k} = "));
                write_value(v, out);
                out.push('\n');
            }
            out.push('}');
        }
        H::Ref(s) => out.push_str(s),
        H::Call(f, args, expand) => {
            out.push_str(f);
            out.push('(');
            for (i, a) in args.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_expr(a, out);
            }
            if *expand && !args.is_empty() {
                out.push_str("...");
            }
            out.push(')');
        }
        H::Cond(c, a, b) => {
            write_expr(c, out);
            out.push_str(" ? ");
            write_expr(a, out);
            out.push_str(" : ");
            write_expr(b, out);
        }
        H::For {
            key,
            value,
            collection,
            key_expr,
            body,
            cond,
            group,
        } => {
            let (open, close) = if key_expr.is_some() {
                ('{', '}')
            } else {
                ('[', ']')
            };
            out.push(open);
            out.push_str("for ");
            if let Some(k) = key {
                out.push_str(&format!("{k}, "));
            }
            out.push_str(&format!("{value} in "));
            write_expr(collection, out);
            out.push_str(" : ");
            if let Some(k) = key_expr {
                write_expr(k, out);
                out.push_str(" => ");
            }
            write_expr(body, out);
            if *group && key_expr.is_some() {
                out.push_str("...");
            }
            if let Some(c) = cond {
                out.push_str(" if ");
                write_expr(c, out);
            }
            out.push(close);
        }
        H::Bin(op, a, b) => {
            write_expr(a, out);
            out.push_str(&format!(" {op} "));
            write_expr(b, out);
        }
        H::Not(x) => {
            out.push('!');
            write_expr(x, out);
        }
        H::Neg(x) => {
            out.push('-');
            write_expr(x, out);
        }
        H::Index(x, i) => {
            write_expr(x, out);
            out.push('[');
            write_expr(i, out);
            out.push(']');
        }
        H::Attr(x, a) => {
            write_expr(x, out);
            out.push('.');
            out.push_str(a);
        }
        H::Splat(x, a, legacy) => {
            write_expr(x, out);
            out.push_str(if *legacy { ".*." } else { "[*]." });
            out.push_str(a);
        }
        H::Paren(x) => {
            out.push('(');
            write_expr(x, out);
            out.push(')');
        }
        H::Raw(text) => out.push_str(text),
    }
}

fn write_block(b: &Block, indent: usize, out: &mut String) {
    let pad = "  ".repeat(indent);
    out.push_str(&pad);
    out.push_str(&b.kind);
    for l in &b.labels {
        out.push(' ');
        out.push_str(&quoted(l));
    }
    out.push_str(" {\n");
    let mut seen = std::collections::HashSet::new();
    for item in &b.body {
        match item {
            Item::Attr(k, _) if !seen.insert(k.as_str()) => {}
            Item::Attr(k, v) => {
                out.push_str(&format!("{pad}  {k} = "));
                write_value(v, out);
                out.push('\n');
            }
            Item::Block(inner) => write_block(inner, indent + 1, out),
            Item::Comment(c) => out.push_str(&format!("{pad}  {c}\n")),
        }
    }
    out.push_str(&pad);
    out.push_str("}\n");
}

pub fn write_file(blocks: &[Block]) -> String {
    let mut out = String::new();
    for b in blocks {
        // A comment above the block: where `# egressproof:ignore` is written.
        if let Some(Item::Comment(c)) = b.body.first() {
            out.push_str(c);
            out.push('\n');
        }
        write_block(b, 0, &mut out);
        out.push('\n');
    }
    out
}

/// A module: the blocks of one directory, spread over one or two files.
fn module() -> impl Strategy<Value = Vec<Block>> {
    (
        vec(resource(false), 1..7),
        prop::option::weighted(0.8, resource(true)),
        vec(other_block(), 0..5),
    )
        .prop_map(|(mut rs, workload, others)| {
            rs.extend(workload);
            rs.extend(others);
            rs
        })
}

/// Configurations at the edge of the evaluator's limits.
#[derive(Clone, Debug, PartialEq)]
pub enum Stress {
    /// A local nested `n` lists deep.
    Deep(u16),
    /// `n` more resources, each referring to the previous one.
    Wide(u16),
    /// `n` locals, each a list of the previous one twice: 2^n elements if nothing stops it.
    Doubling(u8),
    /// One resource with this `count`, reading a list local in every instance.
    Count(u16),
}

fn stress() -> impl Strategy<Value = Stress> {
    prop_oneof![
        select(&[30u16, 63, 64, 65, 200, 2000][..]).prop_map(Stress::Deep),
        (20..400u16).prop_map(Stress::Wide),
        (5..40u8).prop_map(Stress::Doubling),
        select(&[100u16, 500, 1000][..]).prop_map(Stress::Count),
    ]
}

fn stress_blocks(stress: &Stress) -> Vec<Block> {
    match *stress {
        Stress::Deep(n) => {
            let n = usize::from(n);
            let deep = H::Raw(format!("{}1{}", "[".repeat(n), "]".repeat(n)));
            vec![
                block("locals", &[], vec![attr("deep", deep)]),
                block(
                    "resource",
                    &["aws_vpc", "deep"],
                    vec![attr("cidr_block", r("local.deep"))],
                ),
            ]
        }
        Stress::Wide(n) => (0..n)
            .map(|i| {
                let vpc = if i == 0 {
                    "aws_vpc.a.id".to_string()
                } else {
                    format!("aws_subnet.w{}.vpc_id", i - 1)
                };
                let name = format!("w{i}");
                block(
                    "resource",
                    &["aws_subnet", &name],
                    vec![
                        attr("vpc_id", r(&vpc)),
                        attr("cidr_block", lit("10.0.0.0/24")),
                    ],
                )
            })
            .collect(),
        Stress::Doubling(n) => {
            let mut locals = vec![attr("d0", H::List(vec![lit("x"), lit("x")]))];
            for i in 1..=n {
                let previous = r(&format!("local.d{}", i - 1));
                locals.push(attr(
                    &format!("d{i}"),
                    H::List(vec![previous.clone(), previous]),
                ));
            }
            vec![
                block("locals", &[], locals),
                block(
                    "resource",
                    &["aws_vpc", "doubled"],
                    vec![attr(
                        "cidr_block",
                        H::Call(
                            "length",
                            vec![H::Call("flatten", vec![r(&format!("local.d{n}"))], false)],
                            false,
                        ),
                    )],
                ),
            ]
        }
        Stress::Count(n) => vec![
            block(
                "locals",
                &[],
                vec![attr(
                    "cidrs",
                    H::Call("range", vec![H::Num("100".into())], false),
                )],
            ),
            block(
                "resource",
                &["aws_subnet", "many"],
                vec![
                    attr("count", H::Num(n.to_string())),
                    attr("vpc_id", r("aws_vpc.a.id")),
                    attr(
                        "cidr_block",
                        H::Call(
                            "cidrsubnet",
                            vec![lit("10.0.0.0/8"), H::Num("16".into()), r("count.index")],
                            false,
                        ),
                    ),
                    attr(
                        "tags",
                        H::Obj(vec![(
                            "all".into(),
                            H::Call("jsonencode", vec![r("local.cidrs")], false),
                        )]),
                    ),
                ],
            ),
        ],
    }
}

/// A root module, sometimes with `terraform.tfvars`, a called module under `modules/m`, and a
/// second file.
pub fn case() -> impl Strategy<Value = Case> {
    (
        module(),
        prop::option::weighted(0.3, module()),
        prop::option::weighted(0.2, vec((select(VARS), expr()), 1..3)),
        any::<u8>(),
        cfn::flags(),
        prop::option::weighted(0.05, stress()),
    )
        .prop_map(|(mut root, called, tfvars, split, flags, stress)| {
            if let Some(s) = &stress {
                root.extend(stress_blocks(s));
            }
            let mut files = Vec::new();
            let cut = usize::from(split) % (root.len() + 1);
            let (a, b) = root.split_at(cut);
            files.push(CaseFile::new("main.tf", write_file(a)));
            if !b.is_empty() {
                files.push(CaseFile::new("network.tf", write_file(b)));
            }
            if let Some(m) = called {
                files.push(CaseFile::new("modules/m/main.tf", write_file(&m)));
            }
            if let Some(vars) = tfvars {
                let mut text = String::new();
                for (k, v) in vars {
                    text.push_str(&format!("{k} = "));
                    write_value(&v, &mut text);
                    text.push('\n');
                }
                let name = if split % 7 == 0 { "prod.auto.tfvars" } else { "terraform.tfvars" };
                files.push(CaseFile::new(name, text));
            }
            if split % 11 == 0 {
                files.push(CaseFile::new("sm.json", "{\"StartAt\": \"A\", \"States\": {\"A\": {\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::sagemaker:createTrainingJob\", \"Parameters\": {}}}}"));
            }
            let mut case = Case::new(files, true);
            case.flags = flags;
            case
        })
}
