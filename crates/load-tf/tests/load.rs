//! Lowering tests: Terraform written by us in `tests/fixtures` or inline, onto the model.

use egressproof_load_tf::{load_dirs, load_plan, load_str, ReadScope, TfOptions};
use egressproof_model::*;
use std::path::{Path, PathBuf};

fn fixture(p: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(p)
}

fn load_fixture(p: &str) -> Model {
    load_dirs(&[(fixture(p), p.to_string())], &TfOptions::default()).model
}

fn by_name<'a>(m: &'a Model, name: &str) -> &'a Resource {
    m.resources
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| {
            panic!(
                "no resource {name}; have {:?}",
                m.resources.iter().map(|r| &r.name).collect::<Vec<_>>()
            )
        })
}

/// A scratch directory with the given files.
fn scratch(files: &[(&str, &str)]) -> tempdir::Dir {
    let d = tempdir::Dir::new();
    for (name, text) in files {
        let p = d.path.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    d
}

mod tempdir {
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    pub struct Dir {
        pub path: PathBuf,
    }
    impl Dir {
        pub fn new() -> Dir {
            let path = std::env::temp_dir().join(format!(
                "egressproof-load-tf-{}-{}",
                std::process::id(),
                N.fetch_add(1, Ordering::SeqCst)
            ));
            let _ = std::fs::remove_dir_all(&path);
            std::fs::create_dir_all(&path).unwrap();
            Dir { path }
        }
    }
    impl Drop for Dir {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.path);
        }
    }
}

fn load_scratch(d: &tempdir::Dir, options: &TfOptions) -> Model {
    load_dirs(&[(d.path.clone(), "infra".into())], options).model
}

fn eval_local(expr: &str) -> Value {
    let m = load_str(
        &format!("locals {{\n  x = {expr}\n}}\nresource \"aws_s3_bucket\" \"b\" {{\n  bucket = jsonencode(local.x)\n}}\n"),
        "t",
    );
    match &by_name(&m, "aws_s3_bucket.b").kind {
        Kind::Bucket(Bucket {
            name: Some(Attr::Known(s)),
        }) => Value::from(serde_json::from_str::<serde_json::Value>(s).unwrap()),
        other => panic!("{other:?} / {:?}", m.diagnostics),
    }
}

fn ev(expr: &str) -> serde_json::Value {
    serde_json::to_value(eval_local(expr)).unwrap()
}

#[test]
fn functions() {
    use serde_json::json;
    assert_eq!(ev(r#"format("%s-%d", "a", 3)"#), json!({"str": "a-3"}));
    assert_eq!(ev(r#"join(",", ["a", "b"])"#), json!({"str": "a,b"}));
    assert_eq!(
        ev(r#"split(",", "a,b")"#),
        json!({"list": [{"str": "a"}, {"str": "b"}]})
    );
    assert_eq!(ev(r#"lookup({a = "x"}, "b", "d")"#), json!({"str": "d"}));
    assert_eq!(
        ev(r#"merge({a = 1}, {b = 2})"#),
        json!({"map": {"a": {"number": "1"}, "b": {"number": "2"}}})
    );
    assert_eq!(
        ev(r#"concat(["a"], ["b"])"#),
        json!({"list": [{"str": "a"}, {"str": "b"}]})
    );
    assert_eq!(
        ev(r#"flatten([["a"], ["b", ["c"]]])"#),
        json!({"list": [{"str": "a"}, {"str": "b"}, {"str": "c"}]})
    );
    assert_eq!(ev(r#"toset(["a", "a"])"#), json!({"list": [{"str": "a"}]}));
    assert_eq!(
        ev(r#"try(local.nope, "fallback")"#),
        json!({"str": "fallback"})
    );
    assert_eq!(ev(r#"can("a")"#), json!({"bool": true}));
    assert_eq!(ev(r#"coalesce("", "x")"#), json!({"str": "x"}));
    assert_eq!(ev(r#"element(["a", "b"], 3)"#), json!({"str": "b"}));
    assert_eq!(ev(r#"length(["a", "b"])"#), json!({"number": "2"}));
    assert_eq!(
        ev(r#"keys({b = 1, a = 2})"#),
        json!({"list": [{"str": "b"}, {"str": "a"}]})
    );
    assert_eq!(ev(r#"values({a = "x"})"#), json!({"list": [{"str": "x"}]}));
    assert_eq!(ev(r#"contains(["a"], "a")"#), json!({"bool": true}));
    assert_eq!(
        ev(r#"cidrsubnet("10.0.0.0/16", 8, 2)"#),
        json!({"str": "10.0.2.0/24"})
    );
    assert_eq!(
        ev(r#"cidrhost("10.0.1.0/24", 5)"#),
        json!({"str": "10.0.1.5"})
    );
    assert_eq!(ev(r#"replace("a-b", "-", "_")"#), json!({"str": "a_b"}));
    assert_eq!(ev(r#"upper(lower("aB"))"#), json!({"str": "AB"}));
    assert_eq!(
        ev(r#"jsondecode("{\"a\": [1]}")"#),
        json!({"map": {"a": {"list": [{"number": "1"}]}}})
    );
    assert_eq!(
        ev(r#"distinct(compact(["a", "", "a"]))"#),
        json!({"list": [{"str": "a"}]})
    );
    assert_eq!(
        ev(r#"[startswith("abc", "a"), endswith("abc", "c")]"#),
        json!({"list": [{"bool": true}, {"bool": true}]})
    );
    assert_eq!(
        ev(r#"substr(trimspace(" hello "), 1, 3)"#),
        json!({"str": "ell"})
    );
    assert_eq!(
        ev(r#"[max(1, 3), min(1, 3)]"#),
        json!({"list": [{"number": "3"}, {"number": "1"}]})
    );
    assert_eq!(
        ev(r#"range(3)"#),
        json!({"list": [{"number": "0"}, {"number": "1"}, {"number": "2"}]})
    );
    assert_eq!(
        ev(r#"zipmap(["a"], ["x"])"#),
        json!({"map": {"a": {"str": "x"}}})
    );
    assert_eq!(ev(r#"one(["x"])"#), json!({"str": "x"}));
    assert_eq!(
        ev(r#"sort(["b", "a"])"#),
        json!({"list": [{"str": "a"}, {"str": "b"}]})
    );
    assert_eq!(
        ev(r#"[for s in ["a", "b"] : upper(s) if s != "b"]"#),
        json!({"list": [{"str": "A"}]})
    );
    assert_eq!(
        ev(r#"{for k, v in {a = 1} : v => k}"#),
        json!({"map": {"1": {"str": "a"}}})
    );
    assert_eq!(ev(r#"true ? "y" : "n""#), json!({"str": "y"}));
    assert_eq!(
        ev(r#"[{a = "x"}, {a = "y"}][*].a"#),
        json!({"list": [{"str": "x"}, {"str": "y"}]})
    );
    assert_eq!(
        ev(r#""%{if 1 > 0}yes%{else}no%{endif}""#),
        json!({"str": "yes"})
    );
    assert_eq!(
        ev(r#"tomap({a = tolist(["x"])})"#),
        json!({"map": {"a": {"list": [{"str": "x"}]}}})
    );
}

#[test]
fn unknown_function_is_ep903_naming_it() {
    let m = load_str(
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = frobnicate(\"x\")\n}\n",
        "t",
    );
    let d = m
        .diagnostics
        .iter()
        .find(|d| d.code == UnknownCode::EP903)
        .expect("EP903");
    assert!(d.message.contains("frobnicate"));
    assert_eq!(d.span.as_ref().map(|s| s.line), Some(2));
    assert!(matches!(
        &by_name(&m, "aws_s3_bucket.b").kind,
        Kind::Bucket(Bucket {
            name: Some(Attr::Unknown(_))
        })
    ));
}

#[test]
fn templatefile_and_file_read_relative_to_the_module() {
    let d = scratch(&[
        ("main.tf", "resource \"aws_s3_bucket_policy\" \"p\" {\n  bucket = \"b\"\n  policy = templatefile(\"${path.module}/policy.json.tpl\", { bucket = \"data\" })\n}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = trimspace(file(\"name.txt\"))\n}\n"),
        ("policy.json.tpl", "{\"Statement\": [{\"Effect\": \"Allow\", \"Resource\": \"arn:aws:s3:::${bucket}/*\"}]}"),
        ("name.txt", "scoring\n"),
    ]);
    let m = load_scratch(&d, &TfOptions::default());
    let Kind::IamPolicy(p) = &by_name(&m, "aws_s3_bucket_policy.p").kind else {
        panic!()
    };
    let res = p
        .document
        .get("Statement")
        .and_then(|s| match s {
            Value::List(l) => l.first(),
            _ => None,
        })
        .and_then(|s| s.get("Resource"));
    assert_eq!(res, Some(&Value::Str("arn:aws:s3:::data/*".into())));
    assert!(
        matches!(&by_name(&m, "aws_s3_bucket.b").kind, Kind::Bucket(Bucket { name: Some(Attr::Known(n)) }) if n == "scoring")
    );
}

fn bucket_name(m: &Model) -> Attr<String> {
    match &by_name(m, "aws_s3_bucket.b").kind {
        Kind::Bucket(Bucket { name: Some(n) }) => n.clone(),
        other => panic!("{other:?}"),
    }
}

#[test]
fn variable_precedence_default_tfvars_auto_varfile_cli() {
    let main = "variable \"n\" {\n  default = \"default\"\n}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = var.n\n}\n";
    let d = scratch(&[("main.tf", main)]);
    assert_eq!(
        bucket_name(&load_scratch(&d, &TfOptions::default())),
        Attr::Known("default".into())
    );
    std::fs::write(d.path.join("terraform.tfvars"), "n = \"tfvars\"\n").unwrap();
    assert_eq!(
        bucket_name(&load_scratch(&d, &TfOptions::default())),
        Attr::Known("tfvars".into())
    );
    std::fs::write(d.path.join("a.auto.tfvars"), "n = \"auto\"\n").unwrap();
    assert_eq!(
        bucket_name(&load_scratch(&d, &TfOptions::default())),
        Attr::Known("auto".into())
    );
    let vf = d.path.join("custom.tfvars");
    std::fs::write(&vf, "n = \"varfile\"\n").unwrap();
    let mut o = TfOptions {
        var_files: vec![vf],
        ..Default::default()
    };
    assert_eq!(
        bucket_name(&load_scratch(&d, &o)),
        Attr::Known("varfile".into())
    );
    o.vars.insert("n".into(), "cli".into());
    assert_eq!(
        bucket_name(&load_scratch(&d, &o)),
        Attr::Known("cli".into())
    );
}

#[test]
fn cli_vars_parse_lists_and_numbers() {
    let main = "variable \"cidrs\" {}\nvariable \"n\" {}\nresource \"aws_s3_bucket\" \"b\" {\n  count = var.n\n  bucket = var.cidrs[count.index]\n}\n";
    let d = scratch(&[("main.tf", main)]);
    let mut o = TfOptions::default();
    o.vars.insert("cidrs".into(), "[\"a\", \"b\"]".into());
    o.vars.insert("n".into(), "2".into());
    let m = load_scratch(&d, &o);
    assert!(
        matches!(&by_name(&m, "aws_s3_bucket.b[1]").kind, Kind::Bucket(Bucket { name: Some(Attr::Known(n)) }) if n == "b")
    );
}

#[test]
fn variable_without_value_is_unknown_with_its_span() {
    let m = load_str("variable \"cidr\" {\n  type = string\n}\nresource \"aws_subnet\" \"s\" {\n  vpc_id = \"vpc-1\"\n  cidr_block = var.cidr\n}\n", "t");
    let Kind::Subnet(s) = &by_name(&m, "aws_subnet.s").kind else {
        panic!()
    };
    let u = s
        .cidr_v4
        .as_ref()
        .and_then(|c| c.as_unknown())
        .expect("unknown");
    assert!(
        u.reason.contains("variable cidr has no value"),
        "{}",
        u.reason
    );
    assert_eq!(
        u.span.as_ref().map(|s| (s.file.as_str(), s.line)),
        Some(("t/main.tf", 1))
    );
}

#[test]
fn count_and_for_each_make_one_instance_per_index_or_key() {
    let m = load_str(
        r#"
resource "aws_subnet" "a" {
  count = 2
  vpc_id = "vpc-1"
  cidr_block = cidrsubnet("10.0.0.0/16", 8, count.index)
}
resource "aws_subnet" "b" {
  for_each = { x = "10.1.0.0/24", y = "10.1.1.0/24" }
  vpc_id = "vpc-1"
  cidr_block = each.value
}
resource "aws_route_table_association" "a" {
  count = length(aws_subnet.a)
  subnet_id = aws_subnet.a[count.index].id
  route_table_id = "rtb-1"
}
"#,
        "infra",
    );
    let a1 = by_name(&m, "aws_subnet.a[1]");
    assert_eq!(a1.id.as_str(), "infra/aws_subnet.a[1]");
    assert!(
        matches!(&a1.kind, Kind::Subnet(Subnet { cidr_v4: Some(Attr::Known(c)), .. }) if c.to_string() == "10.0.1.0/24")
    );
    let by = by_name(&m, "aws_subnet.b[\"y\"]");
    assert!(
        matches!(&by.kind, Kind::Subnet(Subnet { cidr_v4: Some(Attr::Known(c)), .. }) if c.to_string() == "10.1.1.0/24")
    );
    let Kind::SubnetRouteTableAssociation(assoc) =
        &by_name(&m, "aws_route_table_association.a[1]").kind
    else {
        panic!()
    };
    assert_eq!(
        assoc.subnet,
        Attr::Known(Ident::new("infra/aws_subnet.a[1]"))
    );
    assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
}

#[test]
fn unknown_count_is_one_instance_and_ep902() {
    let m = load_str("variable \"n\" {}\nresource \"aws_subnet\" \"a\" {\n  count = var.n\n  vpc_id = \"vpc-1\"\n}\n", "t");
    assert_eq!(
        m.resources
            .iter()
            .filter(|r| r.type_name == "aws_subnet")
            .count(),
        1
    );
    let d = m
        .diagnostics
        .iter()
        .find(|d| d.code == UnknownCode::EP902)
        .expect("EP902");
    assert!(d.message.contains("count of aws_subnet.a"), "{}", d.message);
    assert_eq!(d.span.as_ref().map(|s| s.line), Some(3));
}

#[test]
fn unknown_dynamic_blocks_are_an_unknown_rule_and_ep902() {
    let m = load_str(
        "variable \"rules\" {}\nresource \"aws_security_group\" \"g\" {\n  vpc_id = \"vpc-1\"\n  dynamic \"egress\" {\n    for_each = var.rules\n    content {\n      protocol = \"-1\"\n      from_port = 0\n      to_port = 0\n      cidr_blocks = [egress.value]\n    }\n  }\n}\n",
        "t",
    );
    let Kind::SecurityGroup(g) = &by_name(&m, "aws_security_group.g").kind else {
        panic!()
    };
    assert_eq!(g.egress.len(), 1);
    assert!(g.egress[0].peer.as_unknown().is_some());
    assert!(m
        .diagnostics
        .iter()
        .any(|d| d.code == UnknownCode::EP902 && d.span.as_ref().map(|s| s.line) == Some(4)));
}

#[test]
fn dynamic_blocks_over_known_collections() {
    let m = load_str(
        "locals {\n  cidrs = [\"10.0.0.0/8\", \"192.168.0.0/16\"]\n}\nresource \"aws_security_group\" \"g\" {\n  vpc_id = \"vpc-1\"\n  dynamic \"egress\" {\n    for_each = local.cidrs\n    iterator = c\n    content {\n      protocol = \"tcp\"\n      from_port = 443\n      to_port = 443\n      cidr_blocks = [c.value]\n    }\n  }\n}\n",
        "t",
    );
    let Kind::SecurityGroup(g) = &by_name(&m, "aws_security_group.g").kind else {
        panic!()
    };
    assert_eq!(g.egress.len(), 2);
    assert_eq!(
        g.egress[1].peer,
        Attr::Known(Peer::Cidr("192.168.0.0/16".parse().unwrap()))
    );
    assert_eq!(g.egress[1].protocol, Attr::Known(Protocol::Tcp));
}

#[test]
fn security_group_without_egress_has_no_egress() {
    let m = load_str(
        "resource \"aws_security_group\" \"g\" {\n  vpc_id = \"vpc-1\"\n}\n",
        "t",
    );
    let Kind::SecurityGroup(g) = &by_name(&m, "aws_security_group.g").kind else {
        panic!()
    };
    assert!(g.egress.is_empty());
    assert!(g.ingress.is_empty());
}

#[test]
fn default_security_group_keeps_only_declared_rules() {
    let m = load_str(
        "resource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.0.0.0/16\"\n}\nresource \"aws_default_security_group\" \"d\" {\n  vpc_id = aws_vpc.v.id\n  ingress {\n    protocol = -1\n    self = true\n    from_port = 0\n    to_port = 0\n  }\n}\n",
        "t",
    );
    let r = by_name(&m, "aws_default_security_group.d");
    let vpc = Ident::new("t/aws_vpc.v");
    assert_eq!(r.id, Ident::default_security_group_of(&vpc));
    let Kind::SecurityGroup(g) = &r.kind else {
        panic!()
    };
    assert!(g.egress.is_empty());
    assert_eq!(g.ingress.len(), 1);
    assert_eq!(
        g.ingress[0].peer,
        Attr::Known(Peer::SecurityGroup(Ident::default_security_group_of(&vpc)))
    );
    assert_eq!(g.ingress[0].from_port, None);
}

#[test]
fn inline_routes_and_default_route_table() {
    let m = load_str(
        r#"
resource "aws_vpc" "v" {
  cidr_block = "10.0.0.0/16"
}
resource "aws_nat_gateway" "n" {
  subnet_id = "subnet-1"
}
resource "aws_route_table" "r" {
  vpc_id = aws_vpc.v.id
  route {
    cidr_block     = "0.0.0.0/0"
    nat_gateway_id = aws_nat_gateway.n.id
  }
  route {
    ipv6_cidr_block        = "::/0"
    egress_only_gateway_id = "eigw-1"
  }
}
resource "aws_default_route_table" "main" {
  default_route_table_id = aws_vpc.v.default_route_table_id
  route {
    cidr_block = "0.0.0.0/0"
    gateway_id = "igw-1"
  }
}
"#,
        "t",
    );
    let Kind::Route(r0) = &by_name(&m, "aws_route_table.r.route[0]").kind else {
        panic!()
    };
    assert_eq!(
        r0.route_table,
        Attr::Known(Ident::new("t/aws_route_table.r"))
    );
    assert_eq!(
        r0.destination,
        Attr::Known(Destination::V4("0.0.0.0/0".parse().unwrap()))
    );
    assert_eq!(
        r0.target,
        Attr::Known(RouteTarget {
            kind: TargetKind::NatGateway,
            id: Attr::Known(Ident::new("t/aws_nat_gateway.n"))
        })
    );
    let Kind::Route(r1) = &by_name(&m, "aws_route_table.r.route[1]").kind else {
        panic!()
    };
    assert!(matches!(
        &r1.target,
        Attr::Known(RouteTarget {
            kind: TargetKind::EgressOnlyInternetGateway,
            ..
        })
    ));
    let main = by_name(&m, "aws_default_route_table.main");
    let vpc = Ident::new("t/aws_vpc.v");
    assert_eq!(main.id, Ident::main_route_table_of(&vpc));
    assert!(
        matches!(&main.kind, Kind::RouteTable(RouteTable { main: true, vpc: Attr::Known(v) }) if *v == vpc)
    );
    let Kind::Route(mr) = &by_name(&m, "aws_default_route_table.main.route[0]").kind else {
        panic!()
    };
    assert_eq!(
        mr.route_table,
        Attr::Known(Ident::main_route_table_of(&vpc))
    );
}

#[test]
fn internet_gateway_gets_an_attachment_and_nacl_subnets_associations() {
    let m = load_str(
        "resource \"aws_internet_gateway\" \"i\" {\n  vpc_id = \"vpc-1\"\n}\nresource \"aws_network_acl\" \"n\" {\n  vpc_id = \"vpc-1\"\n  subnet_ids = [\"subnet-1\"]\n  egress {\n    rule_no = 100\n    action = \"deny\"\n    protocol = \"all\"\n    cidr_block = \"0.0.0.0/0\"\n    from_port = 0\n    to_port = 0\n  }\n}\n",
        "t",
    );
    assert!(
        matches!(&by_name(&m, "aws_internet_gateway.i.attachment").kind, Kind::GatewayAttachment(a) if a.gateway == Attr::Known(Ident::new("t/aws_internet_gateway.i")))
    );
    let Kind::NetworkAclEntry(e) = &by_name(&m, "aws_network_acl.n.egress[0]").kind else {
        panic!()
    };
    assert_eq!(
        (e.egress, &e.allow, &e.protocol),
        (true, &Attr::Known(false), &Attr::Known(Protocol::All))
    );
    assert!(matches!(
        &by_name(&m, "aws_network_acl.n.subnet_ids[0]").kind,
        Kind::SubnetNetworkAclAssociation(_)
    ));
}

#[test]
fn policy_document_data_source_and_pseudo_symbols() {
    let m = load_str(
        r#"
data "aws_caller_identity" "me" {}
data "aws_iam_policy_document" "p" {
  statement {
    sid       = "Own"
    actions   = ["s3:*"]
    resources = ["arn:aws:s3:::data-${data.aws_caller_identity.me.account_id}/*"]
    principals {
      type        = "AWS"
      identifiers = ["*"]
    }
    condition {
      test     = "StringEquals"
      variable = "aws:ResourceAccount"
      values   = [data.aws_caller_identity.me.account_id]
    }
  }
}
data "aws_vpc_endpoint_service" "s3" {
  service = "s3"
}
resource "aws_vpc_endpoint" "e" {
  vpc_id       = "vpc-1"
  service_name = data.aws_vpc_endpoint_service.s3.service_name
  policy       = data.aws_iam_policy_document.p.json
}
"#,
        "t",
    );
    let Kind::VpcEndpoint(e) = &by_name(&m, "aws_vpc_endpoint.e").kind else {
        panic!()
    };
    assert_eq!(e.service_name.render(), "com.amazonaws.${AWS::Region}.s3");
    assert_eq!(e.endpoint_type, None);
    let p = e.policy.as_ref().expect("policy");
    let Some(Value::List(st)) = p.get("Statement") else {
        panic!("{p:?}")
    };
    assert_eq!(st[0].get("Effect"), Some(&Value::Str("Allow".into())));
    assert_eq!(
        st[0].get("Resource").map(Value::render).as_deref(),
        Some("[arn:aws:s3:::data-${AWS::AccountId}/*]")
    );
    let cond = st[0]
        .get("Condition")
        .and_then(|c| c.get("StringEquals"))
        .and_then(|c| c.get("aws:ResourceAccount"));
    assert_eq!(
        cond.map(Value::render).as_deref(),
        Some("[${AWS::AccountId}]")
    );
    assert_eq!(
        st[0]
            .get("Principal")
            .and_then(|p| p.get("AWS"))
            .map(Value::render)
            .as_deref(),
        Some("[*]")
    );
}

#[test]
fn other_data_sources_are_unknown() {
    let m = load_str("data \"aws_vpc\" \"v\" {\n  id = \"vpc-1\"\n}\nresource \"aws_subnet\" \"s\" {\n  vpc_id = data.aws_vpc.v.id\n}\n", "t");
    let Kind::Subnet(s) = &by_name(&m, "aws_subnet.s").kind else {
        panic!()
    };
    let u = s.vpc.as_unknown().expect("unknown");
    assert!(u.reason.contains("read at plan time"));
    assert_eq!(u.span.as_ref().map(|s| s.line), Some(5));
}

#[test]
fn heredoc_policy_with_interpolation() {
    let m = load_str(
        "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"data\"\n}\nresource \"aws_s3_bucket_policy\" \"p\" {\n  bucket = aws_s3_bucket.b.id\n  policy = <<-EOT\n    {\"Statement\": [{\"Effect\": \"Deny\", \"Resource\": \"${aws_s3_bucket.b.arn}/*\"}]}\n  EOT\n}\n",
        "t",
    );
    let Kind::IamPolicy(p) = &by_name(&m, "aws_s3_bucket_policy.p").kind else {
        panic!()
    };
    assert_eq!(
        p.attached_to,
        Attr::Known(vec![Ident::new("t/aws_s3_bucket.b")])
    );
    let Some(Value::List(st)) = p.document.get("Statement") else {
        panic!("{:?}", p.document)
    };
    assert_eq!(
        st[0].get("Resource").map(Value::render).as_deref(),
        Some("${t/aws_s3_bucket.b.arn}/*")
    );
}

#[test]
fn suppressions_on_or_above_the_block() {
    let m = load_str("# egressproof:ignore EP201 shared egress VPC\nresource \"aws_route\" \"r\" {\n  route_table_id = \"rtb-1\"\n}\n// egressproof:ignore EP203\nresource \"aws_route\" \"s\" {\n  route_table_id = \"rtb-1\"\n}\n", "t");
    let r = by_name(&m, "aws_route.r");
    assert_eq!(r.suppressions.len(), 1);
    assert_eq!(
        r.suppressions[0].reason.as_deref(),
        Some("shared egress VPC")
    );
    let s = by_name(&m, "aws_route.s");
    assert_eq!(
        (
            s.suppressions[0].rule.as_str(),
            s.suppressions[0].reason.as_deref()
        ),
        ("EP203", None)
    );
}

#[test]
fn bad_hcl_is_ep901_and_the_rest_loads() {
    let d = scratch(&[
        ("bad.tf", "resource \"aws_vpc\" {{{\n"),
        (
            "good.tf",
            "resource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n",
        ),
    ]);
    let l = load_dirs(&[(d.path.clone(), "infra".into())], &TfOptions::default());
    assert_eq!(l.files, 2);
    let e = l
        .model
        .diagnostics
        .iter()
        .find(|d| d.code == UnknownCode::EP901)
        .expect("EP901");
    assert_eq!(
        e.span.as_ref().map(|s| s.file.as_str()),
        Some("infra/bad.tf")
    );
    assert_eq!(
        by_name(&l.model, "aws_vpc.v").span,
        Span::new("infra/good.tf", 1, 1)
    );
}

#[test]
fn local_modules_with_inputs_and_outputs() {
    let d = scratch(&[
        (
            "root/main.tf",
            r#"
module "net" {
  source = "../modules/net"
  cidr   = "10.9.0.0/16"
  names  = ["a", "b"]
}
resource "aws_sagemaker_notebook_instance" "nb" {
  subnet_id = module.net.subnet_ids[1]
  security_groups = [module.net.sg]
  direct_internet_access = "Disabled"
}
"#,
        ),
        (
            "modules/net/main.tf",
            r#"
variable "cidr" {}
variable "names" {}
resource "aws_vpc" "v" {
  cidr_block = var.cidr
}
resource "aws_subnet" "s" {
  for_each = toset(var.names)
  vpc_id = aws_vpc.v.id
  cidr_block = cidrsubnet(aws_vpc.v.cidr_block, 8, index(var.names, each.key))
}
resource "aws_security_group" "g" {
  vpc_id = aws_vpc.v.id
}
output "subnet_ids" {
  value = [for k in var.names : aws_subnet.s[k].id]
}
output "sg" {
  value = aws_security_group.g.id
}
"#,
        ),
    ]);
    // The module lives beside the root: both are inside the directories the scan may read.
    let m = load_dirs(
        &[(d.path.join("root"), "root".into())],
        &TfOptions {
            read: ReadScope::new([&d.path]),
            ..TfOptions::default()
        },
    )
    .model;
    let s = by_name(&m, "module.net.aws_subnet.s[\"b\"]");
    assert_eq!(s.id.as_str(), "root/module.net.aws_subnet.s[\"b\"]");
    assert_eq!(s.span.file, "modules/net/main.tf");
    assert!(
        matches!(&s.kind, Kind::Subnet(Subnet { cidr_v4: Some(Attr::Known(c)), vpc: Attr::Known(v), .. }) if c.to_string() == "10.9.1.0/24" && v.as_str() == "root/module.net.aws_vpc.v")
    );
    let Kind::NotebookInstance(nb) = &by_name(&m, "aws_sagemaker_notebook_instance.nb").kind else {
        panic!()
    };
    assert_eq!(
        nb.subnet,
        Some(Attr::Known(Ident::new(
            "root/module.net.aws_subnet.s[\"b\"]"
        )))
    );
    assert_eq!(
        nb.security_groups,
        Some(Attr::Known(vec![Ident::new(
            "root/module.net.aws_security_group.g"
        )]))
    );
    assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
}

#[test]
fn called_directories_are_not_roots() {
    let d = scratch(&[
        (
            "root/main.tf",
            "module \"m\" {\n  source = \"../child\"\n  name = \"x\"\n}\n",
        ),
        (
            "child/main.tf",
            "variable \"name\" {}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = var.name\n}\n",
        ),
    ]);
    let m = load_dirs(
        &[
            (d.path.join("root"), "root".into()),
            (d.path.join("child"), "child".into()),
        ],
        &TfOptions::default(),
    )
    .model;
    let buckets: Vec<_> = m
        .resources
        .iter()
        .filter(|r| r.type_name == "aws_s3_bucket")
        .map(|r| r.id.as_str())
        .collect();
    assert_eq!(buckets, vec!["root/module.m.aws_s3_bucket.b"]);
}

#[test]
fn remote_module_is_ep902_with_span_and_unknown_outputs() {
    let m = load_str(
        "module \"vpc\" {\n  source = \"terraform-aws-modules/vpc/aws\"\n}\nresource \"aws_sagemaker_notebook_instance\" \"nb\" {\n  subnet_id = module.vpc.private_subnets[0]\n}\n",
        "t",
    );
    let d = m
        .diagnostics
        .iter()
        .find(|d| d.code == UnknownCode::EP902)
        .expect("EP902");
    assert!(d.message.contains("terraform-aws-modules/vpc/aws"));
    assert_eq!(d.span.as_ref().map(|s| s.line), Some(1));
    let Kind::NotebookInstance(nb) = &by_name(&m, "aws_sagemaker_notebook_instance.nb").kind else {
        panic!()
    };
    assert!(nb.subnet.as_ref().is_some_and(|s| s.as_unknown().is_some()));
}

#[test]
fn module_cycles_are_bounded() {
    let d = scratch(&[(
        "a/main.tf",
        "module \"self\" {\n  source = \"./\"\n}\nresource \"aws_s3_bucket\" \"b\" {}\n",
    )]);
    let m = load_dirs(&[(d.path.join("a"), "a".into())], &TfOptions::default()).model;
    assert!(m
        .diagnostics
        .iter()
        .any(|d| d.code == UnknownCode::EP902 && d.message.contains("calls itself")));
}

#[test]
fn jsonencode_of_an_unknown_is_not_a_known_string() {
    let m = load_str("variable \"v\" {}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = jsonencode({ a = var.v })\n}\n", "t");
    assert!(
        matches!(bucket_name(&m), Attr::Unknown(u) if u.reason.contains("variable v has no value"))
    );
}

#[test]
fn reference_cycles_become_unknown() {
    let m = load_str("locals {\n  a = local.b\n  b = local.a\n}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = local.a\n}\n", "t");
    assert!(matches!(bucket_name(&m), Attr::Unknown(u) if u.reason.contains("cycle")));
}

#[test]
fn sagemaker_and_iam_lowering() {
    let m = load_str(
        r#"
resource "aws_iam_policy" "p" {
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "s3:*", Resource = "*" }] })
}
resource "aws_iam_role" "r" {
  assume_role_policy = "{\"Statement\": []}"
}
resource "aws_iam_role_policy_attachment" "a" {
  role       = aws_iam_role.r.name
  policy_arn = aws_iam_policy.p.arn
}
resource "aws_iam_role_policy_attachment" "m" {
  role       = aws_iam_role.r.name
  policy_arn = "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess"
}
resource "aws_sagemaker_domain" "d" {
  domain_name = "d"
  auth_mode   = "IAM"
  vpc_id      = "vpc-1"
  subnet_ids  = ["subnet-1"]
  default_user_settings {
    security_groups = ["sg-1"]
  }
}
resource "aws_sagemaker_endpoint_configuration" "c" {
  production_variants {
    model_name        = "m"
    enable_ssm_access = true
  }
}
resource "aws_sagemaker_data_quality_job_definition" "j" {
  network_config {
    enable_network_isolation = true
  }
}
resource "aws_sagemaker_pipeline" "p" {
  pipeline_definition = jsonencode({
    Steps = [{ Name = "Train", Type = "Training", Arguments = { EnableNetworkIsolation = false } }]
  })
}
"#,
        "t",
    );
    let Kind::IamPolicy(p) = &by_name(&m, "aws_iam_policy.p").kind else {
        panic!()
    };
    assert_eq!(
        p.attached_to,
        Attr::Known(vec![Ident::new("t/aws_iam_role.r")])
    );
    let Kind::Role(r) = &by_name(&m, "aws_iam_role.r").kind else {
        panic!()
    };
    assert_eq!(
        r.managed_policy_arns,
        Attr::Known(vec![Value::Str(
            "arn:aws:iam::aws:policy/AmazonSageMakerFullAccess".into()
        )])
    );
    let Kind::Domain(d) = &by_name(&m, "aws_sagemaker_domain.d").kind else {
        panic!()
    };
    assert_eq!(d.app_network_access_type, None);
    assert_eq!(
        d.default_user_security_groups,
        Some(Attr::Known(vec![Ident::new("sg-1")]))
    );
    let Kind::EndpointConfig(c) = &by_name(&m, "aws_sagemaker_endpoint_configuration.c").kind
    else {
        panic!()
    };
    assert_eq!(c.ssm_access, vec![Attr::Known(true)]);
    assert!(matches!(
        &by_name(&m, "aws_sagemaker_data_quality_job_definition.j").kind,
        Kind::Job(Job {
            job_kind: JobKind::DataQualityMonitoring,
            network_isolation: Some(Attr::Known(true)),
            ..
        })
    ));
    assert!(matches!(
        &by_name(&m, "aws_sagemaker_pipeline.p.step[\"Train\"]").kind,
        Kind::Job(Job {
            job_kind: JobKind::Training,
            network_isolation: Some(Attr::Known(false)),
            ..
        })
    ));
}

#[test]
fn plan_json_resolves_values_and_connects_computed_ids() {
    let plan = serde_json::json!({
        "format_version": "1.2",
        "planned_values": { "root_module": {
            "resources": [
                { "address": "aws_vpc.main", "mode": "managed", "type": "aws_vpc", "name": "main",
                  "values": { "cidr_block": "10.0.0.0/16" } },
                { "address": "aws_subnet.a[0]", "mode": "managed", "type": "aws_subnet", "name": "a", "index": 0,
                  "values": { "cidr_block": "10.0.1.0/24" } },
                { "address": "aws_security_group.g", "mode": "managed", "type": "aws_security_group", "name": "g",
                  "values": { "egress": [], "ingress": [] } }
            ],
            "child_modules": [ { "address": "module.m", "resources": [
                { "address": "module.m.aws_route.r", "mode": "managed", "type": "aws_route", "name": "r",
                  "values": { "route_table_id": "rtb-1", "destination_cidr_block": "0.0.0.0/0" } }
            ] } ]
        } },
        "resource_changes": [
            { "address": "aws_subnet.a[0]", "change": { "after_unknown": { "vpc_id": true, "id": true } } },
            { "address": "module.m.aws_route.r", "change": { "after_unknown": { "nat_gateway_id": true } } }
        ],
        "configuration": { "root_module": {
            "resources": [ { "address": "aws_subnet.a", "expressions": {
                "vpc_id": { "references": ["aws_vpc.main.id", "aws_vpc.main"] } } } ],
            "module_calls": { "m": { "module": { "resources": [ { "address": "aws_route.r", "expressions": {
                "nat_gateway_id": { "references": ["aws_nat_gateway.n.id", "aws_nat_gateway.n"] } } } ] } } }
        } }
    });
    let m = load_plan(&plan, "plan.json").expect("a plan");
    let Kind::Subnet(s) = &by_name(&m, "aws_subnet.a[0]").kind else {
        panic!()
    };
    assert_eq!(s.vpc, Attr::Known(Ident::new("plan.json/aws_vpc.main")));
    let Kind::SecurityGroup(g) = &by_name(&m, "aws_security_group.g").kind else {
        panic!()
    };
    assert!(g.egress.is_empty());
    let Kind::Route(r) = &by_name(&m, "module.m.aws_route.r").kind else {
        panic!()
    };
    assert_eq!(
        r.target,
        Attr::Known(RouteTarget {
            kind: TargetKind::NatGateway,
            id: Attr::Known(Ident::new("plan.json/module.m.aws_nat_gateway.n"))
        })
    );
    assert!(load_plan(&serde_json::json!({"Resources": {}}), "x.json").is_none());
}

#[test]
fn ref_sealed_port_lowers_completely() {
    let m = load_fixture("ref-sealed");
    assert!(m.diagnostics.is_empty(), "{:#?}", m.diagnostics);
    let Kind::NotebookInstance(nb) = &by_name(&m, "aws_sagemaker_notebook_instance.notebook").kind
    else {
        panic!()
    };
    assert_eq!(
        nb.direct_internet_access,
        Some(Attr::Known("Disabled".into()))
    );
    assert_eq!(
        nb.subnet,
        Some(Attr::Known(Ident::new("ref-sealed/aws_subnet.private[0]")))
    );
    let Kind::SecurityGroup(g) = &by_name(&m, "aws_security_group.workload").kind else {
        panic!()
    };
    assert_eq!(g.egress.len(), 1);
    assert_eq!(
        g.egress[0].peer,
        Attr::Known(Peer::Cidr("10.20.0.0/16".parse().unwrap()))
    );
    let Kind::VpcEndpoint(notebook_ep) =
        &by_name(&m, "aws_vpc_endpoint.interface[\"notebook\"]").kind
    else {
        panic!()
    };
    assert_eq!(
        notebook_ep.service_name.render(),
        "aws.sagemaker.${AWS::Region}.notebook"
    );
    assert_eq!(notebook_ep.subnets.known().map(Vec::len), Some(2));
    assert!(!m.resources.iter().any(|r| matches!(r.kind, Kind::Route(_))));
    let Kind::IamPolicy(p) = &by_name(&m, "aws_organizations_policy.presigned_url_guardrail").kind
    else {
        panic!()
    };
    let rendered = p.document.render();
    assert!(rendered.contains("203.0.113.0/24"), "{rendered}");
    assert!(
        rendered.contains("ref-sealed/aws_vpc_endpoint.interface[\"notebook\"]"),
        "{rendered}"
    );
    assert!(p.document.first_unknown().is_none());
}

#[path = "fixtures/mutations.rs"]
mod mutations;

/// The mutated reference, loaded with the display path `mutations/<id>` (ids and spans read
/// `mutations/M07/...` as if the module were a directory of the repository).
fn mutation(id: &str) -> Model {
    let m = mutations::all()
        .into_iter()
        .find(|m| m.id == id)
        .expect("a mutation of that id");
    let dir = tempfile::tempdir().expect("temp dir");
    mutations::write(&m, dir.path());
    let display = format!("mutations/{id}");
    load_dirs(
        &[(dir.path().to_path_buf(), display)],
        &TfOptions::default(),
    )
    .model
}

fn routes(m: &Model) -> Vec<&Route> {
    m.resources
        .iter()
        .filter_map(|r| match &r.kind {
            Kind::Route(r) => Some(r),
            _ => None,
        })
        .collect()
}

#[test]
fn mutations_lower_to_the_channel_they_open() {
    // M01–M04: the notebook and domain settings.
    let nb = |m: &Model| match &by_name(m, "aws_sagemaker_notebook_instance.notebook").kind {
        Kind::NotebookInstance(n) => n.direct_internet_access.clone(),
        _ => panic!(),
    };
    assert_eq!(nb(&mutation("M01")), Some(Attr::Known("Enabled".into())));
    assert_eq!(nb(&mutation("M02")), None);
    let dom = |m: &Model| match &by_name(m, "aws_sagemaker_domain.studio").kind {
        Kind::Domain(d) => d.app_network_access_type.clone(),
        _ => panic!(),
    };
    assert_eq!(
        dom(&mutation("M03")),
        Some(Attr::Known("PublicInternetOnly".into()))
    );
    assert_eq!(dom(&mutation("M04")), None);
    let model = |m: &Model| match &by_name(m, "aws_sagemaker_model.scoring").kind {
        Kind::Model(x) => x.clone(),
        _ => panic!(),
    };
    let m5 = model(&mutation("M05"));
    assert_eq!(
        (m5.network_isolation, m5.vpc_config.is_none()),
        (Some(Attr::Known(false)), true)
    );
    assert!(model(&mutation("M06")).vpc_config.is_some());
    // M07: the private route table sends 0.0.0.0/0 to the NAT gateway.
    let m7 = mutation("M07");
    assert!(routes(&m7).iter().any(|r| r.route_table == Attr::Known(Ident::new("mutations/M07/aws_route_table.private"))
        && matches!(&r.target, Attr::Known(RouteTarget { kind: TargetKind::NatGateway, id: Attr::Known(id) }) if id.as_str() == "mutations/M07/aws_nat_gateway.nat")));
    assert!(routes(&mutation("M08")).iter().any(|r| matches!(
        &r.target,
        Attr::Known(RouteTarget {
            kind: TargetKind::Gateway,
            ..
        })
    )));
    let s3 = |m: &Model| match &by_name(m, "aws_vpc_endpoint.s3").kind {
        Kind::VpcEndpoint(e) => e.policy.clone(),
        _ => panic!(),
    };
    assert!(!s3(&mutation("M09"))
        .unwrap()
        .render()
        .contains("aws:ResourceAccount"));
    assert_eq!(s3(&mutation("M10")), None);
    assert!(s3(&mutation("M11"))
        .unwrap()
        .render()
        .contains("*sagemaker*"));
    let logs = |m: &Model| match &by_name(m, "aws_vpc_endpoint.interface[\"logs\"]").kind {
        Kind::VpcEndpoint(e) => e.policy.clone(),
        _ => panic!(),
    };
    assert_eq!(logs(&mutation("M12")), None);
    let pol = |m: &Model| match &by_name(m, "aws_organizations_policy.presigned_url_guardrail").kind
    {
        Kind::IamPolicy(p) => p.document.render(),
        _ => panic!(),
    };
    assert!(!pol(&mutation("M13")).contains("Deny"));
    assert!(pol(&mutation("M14")).contains("0.0.0.0/0"));
    assert!(!pol(&mutation("M15")).contains("aws:SourceVpce"));
    let m16 = mutation("M16");
    assert!(routes(&m16).iter().any(|r| r.destination
        == Attr::Known(Destination::V6("::/0".parse().unwrap()))
        && matches!(
            &r.target,
            Attr::Known(RouteTarget {
                kind: TargetKind::EgressOnlyInternetGateway,
                ..
            })
        )));
    assert!(m16
        .resources
        .iter()
        .any(|r| matches!(&r.kind, Kind::VpcCidrBlock(VpcCidrBlock { ipv6: true, .. }))));
    assert!(routes(&mutation("M17")).iter().any(|r| matches!(&r.target, Attr::Known(RouteTarget { kind: TargetKind::TransitGateway, id: Attr::Known(id) }) if id.as_str() == "tgw-0123456789abcdef0")));
    assert!(routes(&mutation("M18")).iter().any(|r| matches!(
        &r.target,
        Attr::Known(RouteTarget {
            kind: TargetKind::VpcPeeringConnection,
            ..
        })
    )));
    assert!(
        matches!(&by_name(&mutation("M19"), "aws_vpc_endpoint.partner").kind, Kind::VpcEndpoint(e) if e.service_name.render().contains("vpce-svc-"))
    );
    assert!(matches!(
        &by_name(
            &mutation("M20"),
            "aws_sagemaker_data_quality_job_definition.features"
        )
        .kind,
        Kind::Job(Job {
            network_isolation: None,
            vpc_config: None,
            ..
        })
    ));
    assert!(!mutation("M21")
        .resources
        .iter()
        .any(|r| matches!(r.kind, Kind::ResolverFirewallRuleGroupAssociation(_))));
    let m22 = mutation("M22");
    let Kind::SecurityGroup(g) = &by_name(&m22, "aws_security_group.workload").kind else {
        panic!()
    };
    assert_eq!(
        g.egress[0].peer,
        Attr::Known(Peer::Cidr("0.0.0.0/0".parse().unwrap()))
    );
    let m23 = mutation("M23");
    assert_eq!(
        m23.resources
            .iter()
            .filter(|r| matches!(r.kind, Kind::SubnetNetworkAclAssociation(_)))
            .count(),
        2
    );
    assert!(!m23
        .resources
        .iter()
        .any(|r| matches!(r.kind, Kind::NetworkAclEntry(_))));
    assert!(
        pol(&mutation("M24")).is_empty()
            || s3(&mutation("M24"))
                .unwrap()
                .render()
                .contains("aws:ResourceOrgID")
    );
    // M25: the corporate CIDR has no value: the policy holds an unknown with the variable's span.
    let m25 = mutation("M25");
    let Kind::IamPolicy(p) =
        &by_name(&m25, "aws_organizations_policy.presigned_url_guardrail").kind
    else {
        panic!()
    };
    let u = p.document.first_unknown().expect("unknown");
    assert!(u.reason.contains("corporate_cidr"));
    assert_eq!(
        u.span.as_ref().map(|s| (s.file.as_str(), s.line)),
        Some(("mutations/M25/main.tf", 6))
    );
}
