//! `try` and `can` over a missing attribute or map key: Terraform makes an error of it, so
//! `try` falls back and `can` is false, as in terraform-aws-modules' `try(v.create, true)`.
//! Outside them a missing attribute still reads as null (an optional attribute).

use egressproof_load_tf::load_str;
use egressproof_model::*;

fn buckets(m: &Model) -> Vec<(String, String)> {
    m.resources
        .iter()
        .filter_map(|r| match &r.kind {
            Kind::Bucket(Bucket { name: Some(n) }) => Some((
                r.name.clone(),
                match n {
                    Attr::Known(s) => s.clone(),
                    Attr::Unknown(u) => format!("unknown: {}", u.reason),
                },
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn try_falls_back_on_a_missing_attribute_or_key() {
    let m = load_str(
        r#"variable "create" {
  default = true
}

locals {
  endpoints = {
    s3  = { service = "s3" }
    sts = { service = "sts", create = false }
  }
  enabled = { for k, v in local.endpoints : k => v if var.create && try(v.create, true) }
  names   = { a = "alpha" }
}

resource "aws_s3_bucket" "per_endpoint" {
  for_each = local.enabled
  bucket   = "ep-${each.value.service}"
}

resource "aws_s3_bucket" "by_key" {
  bucket = try(local.names["b"], "fallback")
}

resource "aws_s3_bucket" "can" {
  bucket = can(local.endpoints.s3.create) ? "has" : "has-not"
}

resource "aws_s3_bucket" "optional" {
  bucket = coalesce(local.endpoints.s3.name, "optional-null")
}
"#,
        "t",
    );
    assert!(
        m.diagnostics.iter().all(|d| d.code != UnknownCode::EP902),
        "{:?}",
        m.diagnostics
    );
    assert_eq!(
        buckets(&m),
        vec![
            (
                r#"aws_s3_bucket.per_endpoint["s3"]"#.to_string(),
                "ep-s3".to_string()
            ),
            ("aws_s3_bucket.by_key".to_string(), "fallback".to_string()),
            ("aws_s3_bucket.can".to_string(), "has-not".to_string()),
            (
                "aws_s3_bucket.optional".to_string(),
                "optional-null".to_string()
            ),
        ]
    );
}

#[test]
fn a_named_value_read_inside_try_is_evaluated_as_anywhere_else() {
    // `local.view` is memoised once for every use: its own missing attribute reads as null
    // although it is first read inside `try`.
    let m = load_str(
        r#"locals {
  obj  = { a = "x" }
  view = { b = local.obj.missing }
}

resource "aws_s3_bucket" "first" {
  bucket = try(local.view.b, "fallback")
}

resource "aws_s3_bucket" "second" {
  bucket = coalesce(local.view.b, "null-b")
}
"#,
        "t",
    );
    let b = buckets(&m);
    assert!(
        b.contains(&("aws_s3_bucket.second".to_string(), "null-b".to_string())),
        "{b:?}"
    );
}
