//! The HTML report, rendered by headless Chromium: the DOM it builds holds every finding (a row
//! with its id and rule), a path diagram per finding with a path, and no markup from the input.
//!
//! Needs Chromium: the binary named by `$CHROMIUM`, else `chromium` on the PATH (CI installs
//! it with `apt-get install -y chromium`). Without it the test fails, saying so: a report
//! nobody rendered is not a tested report.

mod common;

use common::{leaky, out, sealed};
use egressproof_analysis::Analysis;
use egressproof_report::Format;
use std::process::Command;

fn chromium() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".to_string())
}

/// The DOM Chromium built from the report, serialized.
fn dump_dom(analysis: &Analysis) -> String {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, out(analysis, Format::Html)).unwrap();
    let profile = dir.path().join("profile");
    let bin = chromium();
    let output = Command::new(&bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg("--dump-dom")
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run Chromium ({bin}: {e}). Install it (`apt-get install -y chromium`) or \
                 set CHROMIUM to its path; this test does not skip without it."
            )
        });
    assert!(
        output.status.success(),
        "{bin} failed: {}\n{}",
        output.status,
        String::from_utf8_lossy(&output.stderr)
    );
    let dom = String::from_utf8(output.stdout).unwrap();
    assert!(dom.contains("</html>"), "no DOM from {bin}: {dom}");
    dom
}

#[test]
fn the_dom_holds_every_finding_and_its_path() {
    let mut a = leaky();
    // Markup in the input must arrive as text, not as elements.
    a.findings[0].message = "<script>document.title='pwned'</script><img src=x>".into();
    a.findings[0].path[1].resource.name = "Private<b>A</b>".into();
    let dom = dump_dom(&a);

    for (i, f) in a.findings.iter().enumerate() {
        let row = format!("<tr id=\"finding-{}\"", i + 1);
        let at = dom
            .find(&row)
            .unwrap_or_else(|| panic!("no row for finding {}: {}", i + 1, f.rule));
        let tag_end = at + dom[at..].find('>').unwrap();
        assert!(
            dom[at..tag_end].contains(&format!("data-rule=\"{}\"", f.rule)),
            "row {} lacks data-rule={}",
            i + 1,
            f.rule
        );
        if !f.path.is_empty() {
            let svg = format!("id=\"path-{}\"", i + 1);
            let start = dom
                .find(&svg)
                .unwrap_or_else(|| panic!("no path diagram for {}", f.rule));
            let end = start + dom[start..].find("</svg>").unwrap();
            let diagram = &dom[start..end];
            assert!(diagram.contains(&format!("data-hops=\"{}\"", f.path.len())));
            assert_eq!(diagram.matches("<g class=\"hop\"").count(), f.path.len());
        }
    }
    for i in 1..=a.unknowns.len() {
        assert!(dom.contains(&format!("id=\"unknown-{i}\"")));
    }
    assert!(dom.contains("data-verdict=\"leaks\""));
    assert!(!dom.contains("<script"), "input markup became an element");
    assert!(!dom.contains("<img"), "input markup became an element");
    assert!(!dom.contains("<b>A</b>"), "input markup became an element");
    assert!(dom.contains("&lt;script&gt;"));
    assert!(dom.contains("<title>egressproof: LEAKS</title>"));
}

#[test]
fn a_sealed_report_says_so() {
    let dom = dump_dom(&sealed());
    assert!(dom.contains("data-verdict=\"sealed\""));
    assert!(dom.contains("No open egress channel was found."));
    assert!(!dom.contains("<tr id=\"finding-"));
}
