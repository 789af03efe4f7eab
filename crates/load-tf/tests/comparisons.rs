//! `==` and `!=` over values that are only partly known are decided when the answer does not
//! depend on what is not known (three-valued: anything else stays unknown). Real modules guard
//! optional blocks with `var.x != null ? [1] : []` where `var.x` is a resource's ID or an object
//! holding a computed value; such a guard decides whether a block (a file system, an idle
//! shutdown) exists at all.

use egressproof_load_tf::load_str;
use egressproof_model::*;

const GUARDS: &str = r#"data "aws_region" "current" {}

resource "aws_efs_file_system" "efs" {}

resource "aws_iam_role" "r" {
  name               = "r"
  assume_role_policy = "{}"
}

locals {
  efs_id   = aws_efs_file_system.efs.id
  settings = { timeout = 60, image = uuid() }
  service  = "com.amazonaws.${data.aws_region.current.name}.sts"
  unset    = null
}

# A resource's ID is never null.
resource "aws_s3_bucket" "id_set" {
  count = local.efs_id != null ? 1 : 0
}

# An object is not null, whatever it holds.
resource "aws_s3_bucket" "object_set" {
  count = local.settings != null ? 1 : 0
}

# A number is not null.
resource "aws_s3_bucket" "number_set" {
  count = try(local.settings.timeout, null) != null ? 1 : 0
}

# Null is null.
resource "aws_s3_bucket" "null_set" {
  count = local.unset != null ? 1 : 0
}

# Whatever the Region, the name does not end in "-a".
resource "aws_s3_bucket" "other_name" {
  count = local.service == "com.amazonaws.us-east-1.sts-a" ? 1 : 0
}

# Whatever the Region, the name does not start with "sts".
resource "aws_s3_bucket" "other_prefix" {
  count = local.service != "sts.amazonaws.com" ? 1 : 0
}

# The Region may be us-east-1: not decided.
resource "aws_s3_bucket" "maybe_same" {
  count = local.service == "com.amazonaws.us-east-1.sts" ? 1 : 0
}

# A computed attribute alone may be null: not decided.
resource "aws_s3_bucket" "attribute" {
  count = aws_iam_role.r.unique_id != null ? 1 : 0
}
"#;

fn instances(m: &Model, name: &str) -> usize {
    let prefix = format!("aws_s3_bucket.{name}");
    m.resources
        .iter()
        .filter(|r| r.name == prefix || r.name.starts_with(&format!("{prefix}[")))
        .count()
}

fn count_unknown(m: &Model, name: &str) -> bool {
    m.diagnostics.iter().any(|d| {
        d.message
            .starts_with(&format!("count of aws_s3_bucket.{name} "))
    })
}

#[test]
fn comparisons_decided_whatever_the_unknowns_are_decided() {
    let m = load_str(GUARDS, "t");
    for (name, n) in [
        ("id_set", 1),
        ("object_set", 1),
        ("number_set", 1),
        ("null_set", 0),
        ("other_name", 0),
        ("other_prefix", 1),
    ] {
        assert!(!count_unknown(&m, name), "{name}: {:?}", m.diagnostics);
        assert_eq!(instances(&m, name), n, "{name}: {:?}", m.diagnostics);
    }
}

#[test]
fn comparisons_that_depend_on_the_unknowns_stay_unknown() {
    let m = load_str(GUARDS, "t");
    for name in ["maybe_same", "attribute"] {
        assert!(count_unknown(&m, name), "{name}: {:?}", m.diagnostics);
    }
}
