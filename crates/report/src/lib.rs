//! Renders an [`Analysis`] for people and machines: text (the default, for a terminal), JSON
//! (stable and versioned, DESIGN.md §5), SARIF 2.1.0 (GitHub code scanning), JUnit XML (CI
//! dashboards) and a self-contained HTML page with a diagram of every leak path.
//!
//! ```
//! use egressproof_analysis::{analyze, Options};
//! use egressproof_report::{render, Format, RenderOptions, ScanSummary};
//! let analysis = analyze(&egressproof_model::Model::default(), &Options::default());
//! let out = render(&analysis, &ScanSummary::default(), Format::Text, &RenderOptions::default());
//! assert!(out.starts_with("egressproof: SEALED"));
//! ```
//!
//! A scan split into environments ([`Scan`], DESIGN.md §2) is rendered with [`render_scan`]:
//! each environment with its own verdict and everything below, the environments out of scope
//! listed as such, and a headline that never says `SEALED` when nothing was judged.
//!
//! Every format shows the same things: the verdict, each egress finding with its path hop by
//! hop, the unknowns (EP9xx) that keep a verdict from `sealed`, suppressed findings with their
//! reason, the assumptions, and the hardening findings (EP6xx) apart, because they never
//! change the verdict.
//!
//! Architecture invariants: this crate reads no input files and knows no loader; it renders
//! what the analysis found and nothing else. Internal types are not serialized as they are:
//! each machine format has its own serde structs at the edge, so the analysis can change its
//! types without changing a published schema.

mod environments;
pub mod fingerprint;
mod html;
mod json;
mod junit;
mod redact;
mod sarif;
mod text;

pub use fingerprint::{Fingerprints, SourceRoot};
pub use redact::redact;

use egressproof_analysis::{Analysis, Family, Finding, Scan};
use egressproof_model::Span;
use serde::Serialize;

/// The version written into every report (`tool.version`, SARIF `driver.version`).
pub const TOOL_VERSION: &str = env!("CARGO_PKG_VERSION");
/// Where SARIF consumers send people to read about the tool.
pub const INFORMATION_URI: &str = "https://github.com/egressproof/egressproof";

/// Counts about the scan that are not findings.
#[derive(Clone, Debug, Default, Serialize)]
pub struct ScanSummary {
    /// Files read as input (templates, Terraform files, snapshots).
    pub files: usize,
    /// Files looked at but not templates (skipped, not errors).
    pub skipped: usize,
    pub resources: usize,
    pub workloads: usize,
    pub seconds: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
    Sarif,
    Junit,
    Html,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 5] = [
        Format::Text,
        Format::Json,
        Format::Sarif,
        Format::Junit,
        Format::Html,
    ];

    /// The name `--format` takes.
    pub fn as_str(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Json => "json",
            Format::Sarif => "sarif",
            Format::Junit => "junit",
            Format::Html => "html",
        }
    }

    /// The format named by `--format` (case-insensitive).
    pub fn parse(name: &str) -> Option<Format> {
        Format::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(name))
    }
}

#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// ANSI colours in text output.
    pub color: bool,
    /// Text output: the verdict line only.
    pub quiet: bool,
    /// Text output: one line per finding and unknown, no paths or fixes (`--compact`).
    pub compact: bool,
}

/// Renders the analysis in the given format. Rendering cannot fail: every format is built
/// from strings and numbers we hold, and any text from the input is escaped for the format.
/// Values that look like credentials are redacted first, once for every format ([`redact`]).
///
/// The analysis is shown as the scan's one environment; [`render_scan`] renders a scan split
/// into environments.
pub fn render(
    analysis: &Analysis,
    summary: &ScanSummary,
    format: Format,
    options: &RenderOptions,
) -> String {
    render_scan(
        &Scan::single(environments::SINGLE, analysis.clone()),
        summary,
        format,
        options,
    )
}

/// Renders a scan: every format shows each environment with its verdict (DESIGN.md §5), the
/// environments out of scope as such, and the scan's verdict as the worst of those judged.
///
/// Files are named as the scan names them; [`render_scan_at`] names them from a repository
/// root.
pub fn render_scan(
    scan: &Scan,
    summary: &ScanSummary,
    format: Format,
    options: &RenderOptions,
) -> String {
    render_scan_at(scan, summary, format, options, &SourceRoot::default())
}

/// [`render_scan`], naming files from `root`: SARIF URIs relative to `%SRCROOT%` (the
/// repository root GitHub resolves them against) and fingerprints that do not depend on the
/// working directory ([`fingerprint`]).
pub fn render_scan_at(
    scan: &Scan,
    summary: &ScanSummary,
    format: Format,
    options: &RenderOptions,
    root: &SourceRoot,
) -> String {
    let view = View {
        summary,
        options,
        root,
    };
    if options.quiet && format == Format::Text {
        // The verdict line alone: counts and verdict words, no text from the input. Nothing is
        // redacted ahead of a line that prints none of it; the line itself is, all the same.
        return redact(&render_redacted(scan, format, &view)).into_owned();
    }
    match environments::redacted(scan) {
        Ok(redacted) => render_redacted(&redacted, format, &view),
        // The analysis always reads back from its own JSON (a test holds it to that); were it
        // ever not to, the rendered text is redacted instead, never shown as it is.
        Err(_) => redact(&render_redacted(scan, format, &view)).into_owned(),
    }
}

/// [`render_scan_at`] written to `out`. JSON is written as it is serialized, item by item, so
/// that a scan of a million findings never holds its whole report (DESIGN.md §7: a million
/// resources in 3 GB); the other formats are rendered, then written.
pub fn write_scan_at(
    scan: &Scan,
    summary: &ScanSummary,
    format: Format,
    options: &RenderOptions,
    root: &SourceRoot,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    if format == Format::Json {
        if let Ok(redacted) = environments::redacted(scan) {
            return json::write_scan(&redacted, summary, out);
        }
    }
    let report = render_scan_at(scan, summary, format, options, root);
    out.write_all(report.as_bytes())
}

/// What a format is rendered with besides the scan.
#[derive(Clone, Copy)]
struct View<'a> {
    summary: &'a ScanSummary,
    options: &'a RenderOptions,
    root: &'a SourceRoot,
}

fn render_redacted(scan: &Scan, format: Format, view: &View<'_>) -> String {
    let View {
        summary,
        options,
        root,
    } = *view;
    match format {
        Format::Text => text::render_scan(scan, summary, options),
        Format::Json => json::render_scan(scan, summary),
        Format::Sarif => sarif::render_scan(scan, root),
        Format::Junit => junit::render_scan(scan, summary),
        Format::Html => html::render_scan(scan, summary),
    }
}

/// Hardening findings (EP6xx) protect data but do not stop it leaving: reported apart, never
/// counted as egress (DESIGN.md §3).
pub fn is_hardening(finding: &Finding) -> bool {
    finding.rule.family() == Family::Hardening
}

/// The findings of an analysis split the way every report shows them.
pub(crate) struct Parts<'a> {
    /// Open egress channels, not suppressed.
    pub egress: Vec<&'a Finding>,
    /// Egress channels a suppression accepted.
    pub suppressed: Vec<&'a Finding>,
    /// EP6xx, suppressed or not.
    pub hardening: Vec<&'a Finding>,
}

impl<'a> Parts<'a> {
    pub fn of(analysis: &'a Analysis) -> Self {
        let mut parts = Parts {
            egress: Vec::new(),
            suppressed: Vec::new(),
            hardening: Vec::new(),
        };
        for f in &analysis.findings {
            if is_hardening(f) {
                parts.hardening.push(f);
            } else if f.suppressed {
                parts.suppressed.push(f);
            } else {
                parts.egress.push(f);
            }
        }
        parts
    }
}

/// Where a person finds it, as the model says ([`Span::location`]): `file:line`, `file` when
/// there is no line, a live resource's account, region and resource; `None` for a hop outside
/// the scan (the internet).
pub(crate) fn location(span: &Span) -> Option<String> {
    (!span.file.is_empty()).then(|| span.location())
}

/// The file a span is in, for formats with a file attribute (JUnit's `file`): `None` for a live
/// resource, whose ARN is no file, and for nowhere.
pub(crate) fn file_of(span: &Span) -> Option<String> {
    let live = span.line == 0 && span.file.starts_with("arn:");
    (!span.file.is_empty() && !live).then(|| span.file.clone())
}

/// `"1 finding"`, `"2 findings"`.
pub(crate) fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// The headline counts shared by the text verdict line and the HTML header.
pub(crate) fn headline_counts(analysis: &Analysis, parts: &Parts<'_>) -> String {
    let mut counts = vec![
        plural(parts.egress.len(), "finding"),
        plural(analysis.unknowns.len(), "unknown"),
    ];
    if !parts.suppressed.is_empty() {
        counts.push(format!("{} suppressed", parts.suppressed.len()));
    }
    if !parts.hardening.is_empty() {
        counts.push(format!("{} hardening", parts.hardening.len()));
    }
    counts.join(", ")
}

/// Escapes text for XML and HTML, attributes and elements alike, replacing what XML 1.0
/// cannot represent (control characters, ESC above all) with U+FFFD.
pub(crate) fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Newlines and tabs in attributes would be normalized to spaces by parsers.
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
    out
}

/// Element text keeps its newlines readable (only attributes need them as references).
pub(crate) fn escape_text(s: &str) -> String {
    escape(s).replace("&#10;", "\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_what_xml_cannot_hold() {
        assert_eq!(
            escape("<a href=\"x\">&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;"
        );
        assert_eq!(escape("a\u{1b}[31mb\u{0}"), "a\u{FFFD}[31mb\u{FFFD}");
        assert_eq!(escape("a\nb"), "a&#10;b");
        assert_eq!(escape_text("a\nb<"), "a\nb&lt;");
    }

    #[test]
    fn formats_parse_by_name() {
        for f in Format::ALL {
            assert_eq!(Format::parse(f.as_str()), Some(f));
        }
        assert_eq!(Format::parse("SARIF"), Some(Format::Sarif));
        assert_eq!(Format::parse("xml"), None);
    }
}
