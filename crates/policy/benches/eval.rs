//! Evaluating 10,000 policies of 20 statements each (DESIGN.md §7: scans must stay fast when an
//! account holds thousands of policies).

use criterion::{criterion_group, criterion_main, Criterion};
use egressproof_model::Value;
use egressproof_policy::cond::{Cond, Condition, Op, SetOp};
use egressproof_policy::{parse, Policy, PolicySet};

/// A policy of 20 statements mixing the operator families, different for each `seed`.
fn policy(seed: usize) -> Policy {
    let mut stmts = Vec::new();
    for i in 0..20 {
        let n = seed * 20 + i;
        let s = match i % 5 {
            0 => format!(
                r#"{{"Effect":"Allow","Action":["sagemaker:Create*","s3:Get*"],"Resource":"arn:aws:sagemaker:*:*:notebook-instance/nb-{n}"}}"#
            ),
            1 => format!(
                r#"{{"Effect":"Deny","Action":"sagemaker:CreatePresigned*","Resource":"*","Condition":{{"NotIpAddress":{{"aws:SourceIp":["10.{}.0.0/16","203.0.113.0/24"]}},"StringNotEquals":{{"aws:SourceVpce":"vpce-{n}"}}}}}}"#,
                n % 250
            ),
            2 => format!(
                r#"{{"Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:::bucket-{n}/*","Condition":{{"StringEquals":{{"aws:ResourceAccount":"1111222233{:02}"}}}}}}"#,
                n % 100
            ),
            3 => format!(
                r#"{{"Effect":"Deny","Action":"sagemaker:CreateTrainingJob","Resource":"*","Condition":{{"BoolIfExists":{{"sagemaker:NetworkIsolation":"false"}},"NumericGreaterThan":{{"sagemaker:MaxRuntimeInSeconds":"{}"}}}}}}"#,
                3600 + n
            ),
            _ => r#"{"Effect":"Allow","Action":"sagemaker:*","Resource":"*","Condition":{"StringLike":{"aws:RequestTag/team":"ml-*"},"Bool":{"aws:SecureTransport":"true"}}}"#.to_string(),
        };
        stmts.push(s);
    }
    let doc = format!(
        r#"{{"Version":"2012-10-17","Statement":[{}]}}"#,
        stmts.join(",")
    );
    parse(&Value::from(doc.as_str())).expect("benchmark policies are valid")
}

fn untrusted() -> Vec<Vec<Cond>> {
    let t = |op, key: &str, v: &[&str]| {
        Cond::Test(Condition {
            op,
            set: SetOp::Single,
            if_exists: false,
            key: key.into(),
            values: v.iter().map(|s| s.to_string()).collect(),
        })
    };
    vec![
        vec![
            t(Op::Null, "aws:sourceip", &["false"]),
            t(Op::NotIpAddress, "aws:sourceip", &["203.0.113.0/24"]),
        ],
        vec![t(Op::Null, "aws:sourcevpce", &["false"])],
    ]
}

fn bench(c: &mut Criterion) {
    let policies: Vec<Policy> = (0..10_000).map(policy).collect();
    let q = untrusted();
    let mut g = c.benchmark_group("eval");
    g.sample_size(10);
    g.bench_function(
        "10k policies x 20 statements, presigned URL from untrusted networks",
        |b| {
            b.iter(|| {
                let mut open = 0usize;
                for p in &policies {
                    let set = PolicySet {
                        identity: vec![p],
                        ..Default::default()
                    };
                    if matches!(
                        set.evaluate("sagemaker:CreatePresignedNotebookInstanceUrl", &q),
                        egressproof_policy::Answer::Allowed(_)
                    ) {
                        open += 1;
                    }
                }
                open
            })
        },
    );
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
