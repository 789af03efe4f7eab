//! Renders an [`Analysis`] for people and machines. (Being built: the contract is `render`.)
//!
//! Architecture invariant: this crate reads no input files and knows no loader; it renders what
//! the analysis found and nothing else.

use egressproof_analysis::Analysis;
use serde::Serialize;

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

#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    /// ANSI colours in text output.
    pub color: bool,
    /// Text output: the verdict line only.
    pub quiet: bool,
}

/// Renders the analysis in the given format.
pub fn render(analysis: &Analysis, summary: &ScanSummary, format: Format, options: &RenderOptions) -> String {
    let _ = (summary, format, options);
    format!("verdict: {}\n", analysis.verdict.as_str())
}
