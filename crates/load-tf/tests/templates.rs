//! Templates rendered as Terraform renders them: `data "template_file"` (the template
//! provider's `template` with its `vars`, read as `.rendered`) and `templatefile(path, vars)`,
//! interpolations and `%{ for }` / `%{ if }` directives included, symbols kept; what cannot be
//! rendered is an unknown that names it.

use egressproof_load_tf::{load_dirs, load_str, TfOptions};
use egressproof_model::*;
use std::path::Path;

#[path = "../../load-cfn/tests/support/work.rs"]
mod work;

#[global_allocator]
static ALLOCATOR: work::Counting = work::Counting;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn load(files: &[(&str, &str)]) -> Model {
    let d = tempfile::tempdir().unwrap();
    for (rel, text) in files {
        write(d.path(), rel, text);
    }
    load_dirs(
        &[(d.path().to_path_buf(), String::new())],
        &TfOptions::default(),
    )
    .model
}

fn policy(m: &Model, name: &str) -> Value {
    let r = m
        .resources
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no {name}: {:?}", m.diagnostics));
    let Kind::IamPolicy(p) = &r.kind else {
        panic!("{:?}", r.kind)
    };
    p.document.clone()
}

fn statements(doc: &Value) -> Vec<Value> {
    match doc.get("Statement") {
        Some(Value::List(l)) => l.clone(),
        other => panic!("no statements: {other:?} in {doc:?}"),
    }
}

const POLICY_TPL: &str = r#"{"Statement": [
  %{ for i, b in split(",", buckets) ~}
  %{ if i > 0 },%{ endif }{"Effect": "Allow", "Principal": %{ if public == "true" }"*"%{ else }{"AWS": "arn:aws:iam::${account}:root"}%{ endif }, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::${b}/*"}
  %{ endfor ~}
]}"#;

#[test]
fn a_template_file_data_source_renders_its_template_with_its_vars() {
    let m = load(&[
        (
            "main.tf",
            r#"data "aws_caller_identity" "me" {}

data "template_file" "policy" {
  template = file("${path.module}/policy.json.tpl")
  vars = {
    buckets = "data,models"
    public  = "false"
    account = data.aws_caller_identity.me.account_id
  }
}

resource "aws_s3_bucket_policy" "p" {
  bucket = "data"
  policy = data.template_file.policy.rendered
}
"#,
        ),
        ("policy.json.tpl", POLICY_TPL),
    ]);
    let st = statements(&policy(&m, "aws_s3_bucket_policy.p"));
    assert_eq!(st.len(), 2, "{st:?}");
    assert_eq!(
        st[1].get("Resource"),
        Some(&Value::Str("arn:aws:s3:::models/*".into()))
    );
    // The account stays a symbol inside the rendered text.
    assert_eq!(
        st[0].get("Principal").and_then(|p| p.get("AWS")),
        Some(&Value::Text(vec![
            Part::Lit("arn:aws:iam::".into()),
            Part::Sym(Symbol::Pseudo(Pseudo::AccountId)),
            Part::Lit(":root".into()),
        ]))
    );
}

#[test]
fn an_inline_template_file_renders_too() {
    let m = load_str(
        r#"data "template_file" "policy" {
  template = "{\"Statement\": [{\"Effect\": \"Allow\", \"Principal\": \"*\", \"Action\": \"s3:*\", \"Resource\": \"arn:aws:s3:::$${bucket}/*\"}]}"
  vars = {
    bucket = "open"
  }
}

resource "aws_s3_bucket_policy" "p" {
  bucket = "open"
  policy = data.template_file.policy.rendered
}
"#,
        "t",
    );
    let st = statements(&policy(&m, "aws_s3_bucket_policy.p"));
    assert_eq!(
        st[0].get("Resource"),
        Some(&Value::Str("arn:aws:s3:::open/*".into()))
    );
}

#[test]
fn templatefile_renders_for_and_if_directives() {
    let m = load(&[
        (
            "main.tf",
            r#"resource "aws_s3_bucket_policy" "p" {
  bucket = "data"
  policy = templatefile("policy.json.tpl", { buckets = "a,b,c", public = "true", account = "123456789012" })
}
"#,
        ),
        ("policy.json.tpl", POLICY_TPL),
    ]);
    let st = statements(&policy(&m, "aws_s3_bucket_policy.p"));
    assert_eq!(st.len(), 3, "{st:?}");
    assert!(st
        .iter()
        .all(|s| s.get("Principal") == Some(&Value::Str("*".into()))));
}

#[test]
fn a_template_that_cannot_be_rendered_is_an_unknown_naming_it() {
    let m = load_str(
        r#"variable "tpl" {}

data "template_file" "unset" {
  template = var.tpl
}

data "template_file" "broken" {
  template = "%%{ if }"
}

resource "aws_s3_bucket_policy" "a" {
  bucket = "a"
  policy = data.template_file.unset.rendered
}

resource "aws_s3_bucket_policy" "b" {
  bucket = "b"
  policy = data.template_file.broken.rendered
}
"#,
        "t",
    );
    let a = format!("{:?}", policy(&m, "aws_s3_bucket_policy.a"));
    assert!(a.contains("variable tpl"), "{a}");
    let b = format!("{:?}", policy(&m, "aws_s3_bucket_policy.b"));
    assert!(
        b.contains("data.template_file.broken: template does not parse"),
        "{b}"
    );
}

#[test]
fn a_template_that_renders_itself_is_an_unknown_quickly() {
    let (m, bytes) = work::measured(|| {
        load(&[
            (
                "main.tf",
                "resource \"aws_s3_bucket\" \"b\" {\n  bucket = templatefile(\"t.tpl\", {})\n}\n",
            ),
            (
                "t.tpl",
                r#"${templatefile("t.tpl", {})}${templatefile("t.tpl", {})}"#,
            ),
        ])
    });
    // Rendering it without end would build 2^n copies: a bound on what it allocates, not on
    // the clock, so that a busy machine does not fail it.
    assert!(bytes <= 1 << 20, "allocated {bytes} bytes");
    let b = m
        .resources
        .iter()
        .find(|r| r.name == "aws_s3_bucket.b")
        .expect("the bucket");
    let all = format!("{:?}", b.kind);
    assert!(
        all.contains("templatefile: cannot be called from within a template"),
        "{all}"
    );
}

#[test]
fn reading_files_without_end_stops_at_the_work_limit() {
    let (m, bytes) = work::measured(|| {
        load(&[
            (
                "main.tf",
                r#"locals {
  all = [for i in range(1000) : [for j in range(1000) : j if file("name.txt") == "x"]]
}
resource "aws_s3_bucket" "b" {
  bucket = length(local.all)
}
"#,
            ),
            ("name.txt", "data"),
        ])
    });
    // A million reads (each allocating its path and text) unless reading is work.
    assert!(bytes <= 256 << 20, "allocated {bytes} bytes");
    assert!(
        m.diagnostics
            .iter()
            .any(|d| d.code == UnknownCode::EP902 && d.message.contains("MAX_EVAL_WORK")),
        "{:?}",
        m.diagnostics
    );
}
