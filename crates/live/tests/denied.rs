//! An account where every read is denied: the snapshot must say what it could not read (EP904)
//! and the scan must answer `unproven`, never `sealed` for lack of resources.
//!
//! The peer is a tiny HTTP server on loopback that answers sts:GetCallerIdentity and denies
//! everything else, as AWS does for credentials without the snapshot policy.
#![cfg(feature = "live")]

use egressproof_analysis::{analyze, Options as AnalysisOptions, Verdict};
use egressproof_live::{snapshot, Options};
use egressproof_model::UnknownCode;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;

const IDENTITY: &str = r#"<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult><Arn>arn:aws:iam::111122223333:user/auditor</Arn><UserId>AIDAEXAMPLE</UserId><Account>111122223333</Account></GetCallerIdentityResult><ResponseMetadata><RequestId>r1</RequestId></ResponseMetadata></GetCallerIdentityResponse>"#;
/// EC2's error shape.
const DENIED_EC2: &str = r#"<Response><Errors><Error><Code>UnauthorizedOperation</Code><Message>You are not authorized to perform this operation.</Message></Error></Errors><RequestID>r2</RequestID></Response>"#;
/// The query protocol's (IAM, STS).
const DENIED_QUERY: &str = r#"<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>User is not authorized</Message></Error><RequestId>r3</RequestId></ErrorResponse>"#;
/// The JSON protocols' (SageMaker, Organizations).
const DENIED_JSON: &str =
    r#"{"__type":"AccessDeniedException","message":"User is not authorized"}"#;

/// Serves until the test process ends; returns its endpoint URL.
fn denying_peer() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(stream) = stream else { continue };
            std::thread::spawn(move || {
                let mut reader = BufReader::new(stream);
                let mut length = 0usize;
                let mut json = false;
                loop {
                    let mut line = String::new();
                    if reader.read_line(&mut line).unwrap_or(0) == 0 {
                        return;
                    }
                    if line == "\r\n" {
                        break;
                    }
                    if let Some((k, v)) = line.split_once(':') {
                        if k.eq_ignore_ascii_case("content-length") {
                            length = v.trim().parse().unwrap_or(0);
                        }
                        if k.eq_ignore_ascii_case("content-type") && v.contains("json") {
                            json = true;
                        }
                    }
                }
                let mut body = vec![0u8; length];
                let _ = reader.read_exact(&mut body);
                let body = String::from_utf8_lossy(&body);
                let (status, extra, text) = if body.contains("Action=GetCallerIdentity") {
                    ("200 OK", "Content-Type: text/xml\r\n", IDENTITY)
                } else if json {
                    (
                        "403 Forbidden",
                        "Content-Type: application/x-amz-json-1.1\r\n",
                        DENIED_JSON,
                    )
                } else if body.contains("Version=2016-11-15") {
                    ("403 Forbidden", "Content-Type: text/xml\r\n", DENIED_EC2)
                } else {
                    ("403 Forbidden", "Content-Type: text/xml\r\n", DENIED_QUERY)
                };
                let response = format!(
                    "HTTP/1.1 {status}\r\n{extra}Content-Length: {}\r\nConnection: close\r\n\r\n{text}",
                    text.len()
                );
                let mut stream = reader.into_inner();
                let _ = stream.write_all(response.as_bytes());
            });
        }
    });
    url
}

#[test]
fn denied_calls_are_unknowns_not_an_empty_account() {
    let options = Options {
        endpoint_url: Some(denying_peer()),
        regions: vec!["eu-west-3".into()],
        progress: false,
        ..Options::default()
    };
    let snap = snapshot(&options).expect("the identity is readable, so a snapshot is taken");
    assert_eq!(snap.account.as_deref(), Some("111122223333"));
    assert!(snap.model.resources.is_empty());
    let messages: Vec<&str> = snap
        .model
        .diagnostics
        .iter()
        .filter(|d| d.code == UnknownCode::EP904)
        .map(|d| d.message.as_str())
        .collect();
    for api in [
        "ec2:DescribeVpcs",
        "ec2:DescribeRouteTables",
        "ec2:DescribeVpcEndpoints",
        "sagemaker:ListNotebookInstances",
        "sagemaker:ListModels",
        "iam:ListRoles",
    ] {
        assert!(
            messages.iter().any(|m| m.starts_with(api)),
            "no EP904 for {api}: {messages:#?}"
        );
    }
    // Each names what it would have read, and where.
    let vpcs = snap
        .model
        .diagnostics
        .iter()
        .find(|d| d.message.starts_with("ec2:DescribeVpcs"))
        .unwrap();
    assert!(
        vpcs.message.contains("VPCs could not be read"),
        "{}",
        vpcs.message
    );
    assert!(
        vpcs.message.contains("UnauthorizedOperation"),
        "{}",
        vpcs.message
    );
    assert_eq!(
        vpcs.span.as_ref().map(|s| s.file.as_str()),
        Some("arn:aws:ec2:eu-west-3:111122223333:vpc/*")
    );
    // SCPs denied: a note (an SCP can only deny), not an unknown.
    assert!(
        !messages.iter().any(|m| m.starts_with("organizations:")),
        "{messages:#?}"
    );

    let analysis = analyze(&snap.model, &AnalysisOptions::default());
    assert_eq!(analysis.verdict, Verdict::Unproven);
}

#[test]
fn unusable_credentials_fail_the_snapshot() {
    // Nothing listens on port 9 of loopback (discard): GetCallerIdentity cannot succeed.
    let options = Options {
        endpoint_url: Some("http://127.0.0.1:9".into()),
        regions: vec!["eu-west-3".into()],
        progress: false,
        ..Options::default()
    };
    let err = snapshot(&options).expect_err("no identity, no snapshot");
    assert!(err.to_string().contains("sts:GetCallerIdentity"), "{err}");
}
