//! `for_each` over a set of strings that hold symbols (the region, an account ID) expands to
//! one instance per element, keyed by the symbolic string, as Terraform does once the symbols
//! are known: the number of instances depends only on the collection's shape. Only a shape
//! that is not known (an unset variable, an unknown element) leaves one instance for all. A map
//! keyed by such strings (a `for` expression's, the instances of such a `for_each`) gives its
//! keys back as those symbolic strings (`keys()`, `each.key`, a `for` over it).

use egressproof_load_tf::load_str;
use egressproof_model::*;

const ENDPOINTS: &str = r#"data "aws_region" "current" {}

resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
}

locals {
  services = ["sts", "logs", "sagemaker.api"]
}

resource "aws_vpc_endpoint" "interface" {
  for_each          = toset([for s in local.services : "com.amazonaws.${data.aws_region.current.name}.${s}"])
  vpc_id            = aws_vpc.v.id
  service_name      = each.value
  vpc_endpoint_type = "Interface"
  tags = {
    Name = each.key
  }
}

resource "aws_vpc_endpoint_policy" "interface" {
  for_each        = toset([for s in local.services : "com.amazonaws.${data.aws_region.current.name}.${s}"])
  vpc_endpoint_id = aws_vpc_endpoint.interface[each.key].id
  policy = jsonencode({
    Statement = [{ Effect = "Allow", Principal = "*", Action = "sts:*", Resource = "*" }]
  })
}

resource "aws_vpc_endpoint" "gateway" {
  for_each     = toset(["com.amazonaws.${data.aws_region.current.name}.s3", "com.amazonaws.${data.aws_region.current.name}.s3"])
  vpc_id       = aws_vpc.v.id
  service_name = each.key
}
"#;

fn endpoints(m: &Model) -> Vec<(String, String)> {
    m.resources
        .iter()
        .filter_map(|r| match &r.kind {
            Kind::VpcEndpoint(e) => Some((r.name.clone(), e.service_name.render())),
            _ => None,
        })
        .collect()
}

fn for_each_unknowns(m: &Model) -> Vec<&str> {
    m.diagnostics
        .iter()
        .filter(|d| d.message.contains("for_each"))
        .map(|d| d.message.as_str())
        .collect()
}

#[test]
fn a_set_of_symbolic_strings_gives_one_instance_per_element() {
    let m = load_str(ENDPOINTS, "t");
    assert!(for_each_unknowns(&m).is_empty(), "{:?}", m.diagnostics);
    let eps = endpoints(&m);
    let names: Vec<&str> = eps.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        vec![
            r#"aws_vpc_endpoint.interface["com.amazonaws.${AWS::Region}.sts"]"#,
            r#"aws_vpc_endpoint.interface["com.amazonaws.${AWS::Region}.logs"]"#,
            r#"aws_vpc_endpoint.interface["com.amazonaws.${AWS::Region}.sagemaker.api"]"#,
            // The set holds the S3 name once.
            r#"aws_vpc_endpoint.gateway["com.amazonaws.${AWS::Region}.s3"]"#,
        ],
        "{eps:?}"
    );
    // Each endpoint keeps its service, symbols and suffix: each.value and each.key are it.
    let services: Vec<&str> = eps.iter().map(|(_, s)| s.as_str()).collect();
    assert_eq!(
        services,
        vec![
            "com.amazonaws.${AWS::Region}.sts",
            "com.amazonaws.${AWS::Region}.logs",
            "com.amazonaws.${AWS::Region}.sagemaker.api",
            "com.amazonaws.${AWS::Region}.s3",
        ]
    );
}

#[test]
fn an_instance_keyed_by_a_symbolic_string_is_found_by_it() {
    let m = load_str(ENDPOINTS, "t");
    // Each policy found its endpoint through `[each.key]`, a symbolic string.
    let with_policy: Vec<&str> = m
        .resources
        .iter()
        .filter_map(|r| match &r.kind {
            Kind::VpcEndpoint(e) if e.policy.is_some() => Some(r.name.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(
        with_policy,
        vec![
            r#"aws_vpc_endpoint.interface["com.amazonaws.${AWS::Region}.sts"]"#,
            r#"aws_vpc_endpoint.interface["com.amazonaws.${AWS::Region}.logs"]"#,
            r#"aws_vpc_endpoint.interface["com.amazonaws.${AWS::Region}.sagemaker.api"]"#,
        ],
        "{:?}",
        m.diagnostics
    );
}

#[test]
fn a_set_whose_shape_is_not_known_still_has_one_instance_for_all() {
    let m = load_str(
        r#"variable "services" {}
data "aws_region" "current" {}

resource "aws_vpc_endpoint" "unset" {
  for_each     = toset(var.services)
  vpc_id       = "vpc-1"
  service_name = each.value
}

resource "aws_vpc_endpoint" "unknown_element" {
  for_each     = toset(["com.amazonaws.${data.aws_region.current.name}.sts", var.services])
  vpc_id       = "vpc-1"
  service_name = each.value
}
"#,
        "t",
    );
    let unknowns = for_each_unknowns(&m);
    for addr in ["aws_vpc_endpoint.unset", "aws_vpc_endpoint.unknown_element"] {
        assert!(
            unknowns
                .iter()
                .any(|u| u.contains(addr) && u.contains("one instance stands for all")),
            "{addr}: {unknowns:?}"
        );
    }
    let eps = endpoints(&m);
    assert_eq!(eps.len(), 2, "{eps:?}");
    assert!(eps.iter().all(|(n, _)| !n.contains('[')), "{eps:?}");
}

/// Whether a service name kept its symbol (a literal `${AWS::Region}` would be a name of no
/// region).
fn symbolic(m: &Model, prefix: &str) -> Vec<(String, bool)> {
    m.resources
        .iter()
        .filter(|r| r.name.starts_with(prefix))
        .filter_map(|r| match &r.kind {
            Kind::VpcEndpoint(e) => Some((
                e.service_name.render(),
                matches!(&e.service_name, Value::Text(parts)
                    if parts.iter().any(|p| matches!(p, Part::Sym(_)))),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn keys_of_instances_keyed_by_symbolic_strings_keep_the_symbols() {
    let text = format!(
        "{ENDPOINTS}\n{}",
        r#"resource "aws_vpc_endpoint" "again" {
  for_each          = toset(keys(aws_vpc_endpoint.interface))
  vpc_id            = aws_vpc.v.id
  service_name      = each.key
  vpc_endpoint_type = "Interface"
}
"#
    );
    let m = load_str(&text, "t");
    assert!(for_each_unknowns(&m).is_empty(), "{:?}", m.diagnostics);
    assert_eq!(
        symbolic(&m, "aws_vpc_endpoint.again"),
        vec![
            ("com.amazonaws.${AWS::Region}.sts".to_string(), true),
            ("com.amazonaws.${AWS::Region}.logs".to_string(), true),
            (
                "com.amazonaws.${AWS::Region}.sagemaker.api".to_string(),
                true
            ),
        ]
    );
}

#[test]
fn a_for_expression_keyed_by_symbolic_strings_expands() {
    let m = load_str(
        r#"data "aws_region" "current" {}

resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
}

locals {
  services = ["sts", "logs"]
  # Plain keys, symbolic values.
  by_short = { for s in local.services : s => "com.amazonaws.${data.aws_region.current.name}.${s}" }
  # Symbolic keys.
  by_name = { for k, v in local.by_short : v => k }
  suffixed = { for k, v in local.by_name : "${k}-a" => v }
}

resource "aws_vpc_endpoint" "by_name" {
  for_each          = local.by_name
  vpc_id            = aws_vpc.v.id
  service_name      = each.key
  vpc_endpoint_type = "Interface"
  tags = {
    Short = each.value
  }
}

resource "aws_vpc_endpoint" "listed" {
  for_each          = toset([for k, v in local.suffixed : k])
  vpc_id            = aws_vpc.v.id
  service_name      = each.value
  vpc_endpoint_type = "Interface"
}

resource "aws_vpc_endpoint" "keys" {
  for_each          = toset(keys(local.by_name))
  vpc_id            = aws_vpc.v.id
  service_name      = each.value
  vpc_endpoint_type = "Interface"
}

resource "aws_iam_policy" "p" {
  name   = "p"
  policy = jsonencode(local.by_name)
}
"#,
        "t",
    );
    let names = |prefix: &str| -> Vec<String> {
        m.resources
            .iter()
            .filter(|r| r.name.starts_with(prefix))
            .map(|r| r.name.clone())
            .collect()
    };
    assert!(for_each_unknowns(&m).is_empty(), "{:?}", m.diagnostics);
    assert_eq!(
        names("aws_vpc_endpoint.by_name"),
        vec![
            r#"aws_vpc_endpoint.by_name["com.amazonaws.${AWS::Region}.sts"]"#,
            r#"aws_vpc_endpoint.by_name["com.amazonaws.${AWS::Region}.logs"]"#,
        ]
    );
    let expected = vec![
        ("com.amazonaws.${AWS::Region}.sts".to_string(), true),
        ("com.amazonaws.${AWS::Region}.logs".to_string(), true),
    ];
    assert_eq!(symbolic(&m, "aws_vpc_endpoint.by_name"), expected);
    assert_eq!(symbolic(&m, "aws_vpc_endpoint.keys"), expected);
    // A `for` over symbolic keys reads them back as symbolic strings.
    assert_eq!(
        symbolic(&m, "aws_vpc_endpoint.listed"),
        vec![
            ("com.amazonaws.${AWS::Region}.sts-a".to_string(), true),
            ("com.amazonaws.${AWS::Region}.logs-a".to_string(), true),
        ]
    );
    // JSON text would write a symbolic key as a literal one: it stays unknown.
    let policy = m
        .resources
        .iter()
        .find_map(|r| match &r.kind {
            Kind::IamPolicy(p) if r.name == "aws_iam_policy.p" => Some(p.document.clone()),
            _ => None,
        })
        .expect("the policy");
    assert!(
        matches!(policy, Value::Unknown(ref u) if u.reason.contains("object key holds symbols")),
        "{policy:?}"
    );
}
