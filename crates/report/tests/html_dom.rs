//! The HTML report, rendered by headless Chromium: the DOM it builds holds every finding (a row
//! with its id and rule), the full path of each, the network diagram with every leak path and
//! the hop to fix, and no markup from the input; at 600 px and at 1280 px the page is no
//! wider than the window, under its own Content-Security-Policy (which must leave its
//! stylesheet working). Screenshots of each width are kept under
//! `target/report-screenshots/` to look at.
//!
//! Needs Chromium: the binary named by `$CHROMIUM`, else `chromium` on the PATH (CI installs
//! it with `apt-get install -y chromium`). Without it the test fails, saying so: a report
//! nobody rendered is not a tested report.

mod common;

use common::{leaky, out, sealed};
use egressproof_analysis::{analyze_scan, Analysis, Options, Scan};
use egressproof_load_cfn::{load, Input, LoadOptions};
use egressproof_report::{render_scan, Format, RenderOptions};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

fn chromium() -> String {
    std::env::var("CHROMIUM").unwrap_or_else(|_| "chromium".to_string())
}

/// Runs Chromium headless on a page with the given extra arguments; its standard output.
fn run_chromium(page: &Path, window: Option<(u32, u32)>, extra: &[String]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("profile");
    let bin = chromium();
    let mut cmd = Command::new(&bin);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
    ])
    .arg(format!("--user-data-dir={}", profile.display()));
    if let Some((w, h)) = window {
        cmd.arg(format!("--window-size={w},{h}"));
    }
    let output = cmd
        .args(extra)
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
    String::from_utf8(output.stdout).unwrap()
}

/// The DOM Chromium built from a page, serialized.
fn dump_html(html: &str, window: Option<(u32, u32)>) -> String {
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("report.html");
    std::fs::write(&page, html).unwrap();
    let dom = run_chromium(&page, window, &["--dump-dom".to_string()]);
    assert!(dom.contains("</html>"), "no DOM from Chromium: {dom}");
    dom
}

fn dump_dom(analysis: &Analysis) -> String {
    dump_html(&out(analysis, Format::Html), None)
}

#[test]
fn the_dom_holds_every_finding_its_path_and_its_leak_in_the_diagram() {
    let mut a = leaky();
    // Markup in the input must arrive as text, not as elements, in the table and the diagram.
    a.findings[0].message = "<script>document.title='pwned'</script><img src=x>".into();
    a.findings[0].path[1].resource.name = "Private<b>A</b>\"'".into();
    a.network.vpcs[0].route_tables[0].subnets[0].name = "<script>alert(1)</script>\"'".into();
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
            let list = format!("id=\"path-{}\"", i + 1);
            let start = dom
                .find(&list)
                .unwrap_or_else(|| panic!("no path for {}", f.rule));
            let end = start + dom[start..].find("</ol>").unwrap();
            let path = &dom[start..end];
            assert!(path.contains(&format!("data-hops=\"{}\"", f.path.len())));
            assert_eq!(path.matches("<li class=\"hop").count(), f.path.len());
            // Every note in full, never cut.
            for h in &f.path {
                assert!(path.contains(&h.note.replace('>', "&gt;")), "{path}");
            }
        }
    }
    // The diagram: the VPC, its subnets, the open leak paths, each with its hop to fix.
    let svg_at = dom.find("<svg").expect("a network diagram");
    let svg = &dom[svg_at..svg_at + dom[svg_at..].find("</svg>").unwrap()];
    assert!(svg.contains("class=\"topology\""), "{svg}");
    for name in ["PrivateRoutes", "NatGw", "Igw", "StsEndpoint", "PublicA"] {
        assert!(svg.contains(name), "{name} not drawn");
    }
    // Open egress findings with a path: EP201, EP104, EP302 (not the suppressed one).
    assert_eq!(svg.matches("<g class=\"leak\"").count(), 3, "{svg}");
    assert_eq!(svg.matches("<g class=\"fix-here\"").count(), 3, "{svg}");
    assert!(svg.contains("id=\"leak-1\""));
    // The route of the NAT path is the hop to fix.
    assert!(dom.contains("<li class=\"hop fix-here\" data-name=\"PrivateRoutes\">"));

    for i in 1..=a.unknowns.len() {
        assert!(dom.contains(&format!("id=\"unknown-{i}\"")));
    }
    assert!(dom.contains("data-verdict=\"leaks\""));
    assert!(!dom.contains("<script"), "input markup became an element");
    assert!(!dom.contains("<img"), "input markup became an element");
    assert!(!dom.contains("<b>A</b>"), "input markup became an element");
    assert!(dom.contains("&lt;script&gt;"));
    assert!(dom.contains("<title>egressproof: LEAKS</title>"));
    // Code in messages and fixes is code.
    assert!(dom.contains("<code>"));
}

#[test]
fn a_sealed_report_says_so() {
    let dom = dump_dom(&sealed());
    assert!(dom.contains("data-verdict=\"sealed\""));
    assert!(dom.contains("No open egress channel was found."));
    assert!(!dom.contains("<tr id=\"finding-"));
}

/// The examples scanned as `egressproof scan examples` does (both environments), with a
/// resource name holding markup and quotes.
fn examples_scan() -> Scan {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let inputs: Vec<Input> = [
        "examples/leaky/network.yaml",
        "examples/leaky/workloads.yaml",
        "examples/sealed/private-sagemaker.yaml",
    ]
    .iter()
    .map(|p| Input {
        path: root.join(p),
        display: (*p).to_string(),
    })
    .collect();
    let model = load(&inputs, &LoadOptions::default()).model;
    let mut scan = analyze_scan(model, &Options::default(), &[]);
    // A hostile name, everywhere it appears.
    let hostile = "Private\"Subnet'<script>alert(1)</script>";
    for e in &mut scan.environments {
        for v in &mut e.analysis.network.vpcs {
            for t in &mut v.route_tables {
                for s in &mut t.subnets {
                    s.name = s.name.replace("PrivateSubnet", hostile);
                }
            }
        }
        for f in &mut e.analysis.findings {
            for h in &mut f.path {
                h.resource.name = h.resource.name.replace("PrivateSubnet", hostile);
            }
        }
    }
    scan
}

/// What a probe script measures of a page in Chromium.
#[derive(Debug)]
struct Probe {
    viewport: u32,
    document: u32,
    height: u32,
    /// The header's left border: the stylesheet applied under the page's CSP.
    styled: bool,
    diagram: u32,
}

/// Adds a script that writes the measurements into the DOM: the page's CSP gains the
/// script's hash (and nothing else), so the page is measured under its own policy.
fn probe(html: &str, width: u32) -> Probe {
    const SCRIPT: &str = "window.addEventListener('load',function(){var d=document.documentElement,\
        s=document.querySelector('svg.topology'),h=document.querySelector('header.verdict');\
        document.body.setAttribute('data-probe',[window.innerWidth,d.scrollWidth,d.scrollHeight,\
        getComputedStyle(h).borderLeftWidth,s?Math.round(s.getBoundingClientRect().width):0].join(' '));});";
    let hash = {
        let digest = Sha256::digest(SCRIPT.as_bytes());
        let mut b = String::new();
        // Base64 by hand: the test must not trust the report's own encoder.
        const A: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for c in digest.chunks(3) {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            for i in 0..4 {
                b.push(if i <= c.len() {
                    char::from(A[((n >> (18 - 6 * i)) & 63) as usize])
                } else {
                    '='
                });
            }
        }
        b
    };
    assert!(html.contains("default-src 'none'"), "the page has no CSP");
    let page = html
        .replacen(
            "default-src 'none';",
            &format!("default-src 'none'; script-src 'sha256-{hash}';"),
            1,
        )
        .replacen("</body>", &format!("<script>{SCRIPT}</script></body>"), 1);
    let dom = dump_html(&page, Some((width, 1200)));
    let at = dom
        .find("data-probe=\"")
        .unwrap_or_else(|| panic!("the probe did not run at {width} px"));
    let values: Vec<&str> = dom[at + 12..]
        .split('"')
        .next()
        .unwrap()
        .split(' ')
        .collect();
    let num = |s: &str| s.trim_end_matches("px").parse::<f64>().unwrap() as u32;
    Probe {
        viewport: num(values[0]),
        document: num(values[1]),
        height: num(values[2]),
        styled: values[3] == "8px",
        diagram: num(values[4]),
    }
}

fn screenshots_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .unwrap()
        .join("report-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_report_fits_600_and_1280_pixels_and_is_kept_as_screenshots() {
    let cases = [
        ("examples", examples_scan()),
        ("leaky", Scan::single("scan", leaky())),
    ];
    for (name, scan) in cases {
        let html = render_scan(
            &scan,
            &common::summary(),
            Format::Html,
            &RenderOptions::default(),
        );
        assert!(!html.contains("<script"), "{name}: markup from the input");
        let dir = screenshots_dir();
        let page = dir.join(format!("{name}.html"));
        std::fs::write(&page, &html).unwrap();
        for width in [600, 1280] {
            let p = probe(&html, width);
            assert_eq!(p.viewport, width, "{name}: window {width} px gave {p:?}");
            assert!(
                p.document <= p.viewport,
                "{name}: the document is {} px wide in a {} px window",
                p.document,
                p.viewport
            );
            assert!(
                p.styled,
                "{name}: the stylesheet did not apply under the CSP: {p:?}"
            );
            assert!(
                p.diagram > 0 && p.diagram <= width,
                "{name}: the diagram is {} px wide at {width} px",
                p.diagram
            );
            let shot = dir.join(format!("{name}-{width}.png"));
            let _ = std::fs::remove_file(&shot);
            run_chromium(
                &page,
                Some((width, p.height.clamp(600, 16000))),
                &[format!("--screenshot={}", shot.display())],
            );
            let size = std::fs::metadata(&shot)
                .unwrap_or_else(|e| panic!("no screenshot {}: {e}", shot.display()))
                .len();
            assert!(size > 10_000, "{}: {size} bytes", shot.display());
        }
    }
}
