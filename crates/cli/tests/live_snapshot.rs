//! `egressproof snapshot` end to end against moto (an AWS API peer on loopback): the file is
//! the owner's only, and neither it nor the log holds the credentials it ran with. Run through
//! `scripts/with-moto cargo test -p egressproof --features live`; without a moto server these
//! tests fail with a message, they never skip.
#![cfg(feature = "live")]

mod common;

use common::*;
use std::os::unix::fs::PermissionsExt as _;

const ACCESS_KEY_ID: &str = "AKIAEGRESSPROOFCANRY";
const SECRET_KEY: &str = "egressproofCanarySecretKey/0123456789abcd";
const SESSION_TOKEN: &str = "egressproofCanarySessionToken0123456789";

fn endpoint() -> String {
    std::env::var("EGRESSPROOF_MOTO_ENDPOINT").unwrap_or_else(|_| {
        panic!(
            "EGRESSPROOF_MOTO_ENDPOINT is unset: these tests need a moto server. Run them as \
             `scripts/with-moto cargo test -p egressproof --features live`"
        )
    })
}

#[test]
fn a_snapshot_file_is_private_and_holds_no_credentials() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("account.json");
    // A previous snapshot left readable by everyone is narrowed too.
    std::fs::write(&file, "old").unwrap();
    std::fs::set_permissions(&file, std::fs::Permissions::from_mode(0o644)).unwrap();
    let out = egressproof()
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_KEY)
        .env("AWS_SESSION_TOKEN", SESSION_TOKEN)
        .env_remove("AWS_PROFILE")
        .args(["snapshot", "--no-progress", "--region", "eu-north-1"])
        .args(["--endpoint-url", &endpoint()])
        .arg("-o")
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(text.contains("\"operations\""), "{text}");
    let stdout = String::from_utf8_lossy(&out.stdout);
    for secret in [ACCESS_KEY_ID, SECRET_KEY, SESSION_TOKEN] {
        for (what, s) in [
            ("snapshot", text.as_str()),
            ("stderr", &*stderr),
            ("stdout", &*stdout),
        ] {
            assert!(!s.contains(secret), "{what} holds {secret}:\n{s}");
        }
    }
}

#[test]
fn an_endpoint_url_that_is_not_http_is_refused_before_any_call() {
    for url in [
        "file:///etc/passwd",
        "ftp://127.0.0.1:21",
        "http://user:hunter2@127.0.0.1:1",
    ] {
        let out = egressproof()
            .args(["snapshot", "--no-progress", "--region", "eu-north-1"])
            .args(["--endpoint-url", url])
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{url}: {stderr}");
        assert!(stderr.contains("--endpoint-url"), "{url}: {stderr}");
        assert!(!stderr.contains("hunter2"), "{stderr}");
    }
}
