//! The bundled examples through the binary, in every format: the sealed example is sealed, the
//! leaky one leaks, and each rendering is a reviewed insta snapshot (elapsed time masked).

use assert_cmd::Command;
use std::path::Path;

fn workspace() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

fn scan(args: &[&str]) -> (String, i32) {
    let out = Command::cargo_bin("egressproof")
        .expect("binary")
        .current_dir(workspace())
        .arg("scan")
        .args(args)
        .output()
        .expect("run egressproof");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        out.status.code().unwrap_or(-1),
    )
}

/// Replaces the elapsed time wherever a format prints it: `in 0.01s`, `"seconds": 0.008`,
/// `time="0.009"`, `· 0.01s</footer>`.
fn mask_time(text: &str) -> String {
    [
        ("in ", "s\n"),
        ("\"seconds\": ", "\n"),
        ("time=\"", "\""),
        ("· ", "s</footer>"),
    ]
    .iter()
    .fold(text.to_string(), |text, (prefix, suffix)| {
        mask_after(&text, prefix, suffix)
    })
}

/// Every decimal number that follows `prefix` and is followed by `suffix` becomes `[elapsed]`.
fn mask_after(text: &str, prefix: &str, suffix: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find(prefix) {
        let start = i + prefix.len();
        let tail = &rest[start..];
        let len = tail
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .unwrap_or(tail.len());
        out.push_str(&rest[..start]);
        if len > 0 && tail[..len].contains('.') && tail[len..].starts_with(suffix) {
            out.push_str("[elapsed]");
        } else {
            out.push_str(&tail[..len]);
        }
        rest = &tail[len..];
    }
    out.push_str(rest);
    out
}

#[test]
fn the_sealed_example_is_sealed_and_the_leaky_one_leaks() {
    let (_, code) = scan(&["examples/sealed", "-q"]);
    assert_eq!(code, 0);
    let (_, code) = scan(&["examples/leaky", "-q"]);
    assert_eq!(code, 1);
}

#[test]
fn every_format_on_the_examples() {
    for format in ["text", "json", "sarif", "junit", "html"] {
        let (out, code) = scan(&["--format", format, "--color", "never", "examples"]);
        assert_eq!(code, 1, "{format}: the leaky example makes the scan leak");
        insta::assert_snapshot!(format!("examples_{format}"), mask_time(&out));
    }
}
