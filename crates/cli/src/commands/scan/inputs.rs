//! Inputs besides what discovery finds: JSON documents the CloudFormation loader skipped
//! (snapshots, plans), and one template read from standard input (`scan -`).

use crate::loaders;
use anyhow::{bail, Context as _, Result};
use egressproof_model::Model;
use std::io::Read;
use std::path::{Path, PathBuf};

/// Snapshots of large accounts are big, but a JSON document past this is not one we wrote.
/// (Each JSON format has its own limit: templates `egressproof_load_cfn::MAX_FILE_BYTES`, plans
/// `loaders::MAX_PLAN_BYTES`; a document is read up to the larger of the snapshot and plan ones.)
const MAX_SNAPSHOT_BYTES: u64 = 512 * 1024 * 1024;

/// How a document on standard input is shown in reports (`stdin`, or `stdin/main.tf`).
pub(super) const STDIN_DISPLAY: &str = "stdin";

/// Standard input, written into a private temporary directory so that the loaders read it like
/// any file: a JSON document (template, plan or snapshot), a Terraform file, or YAML.
pub(super) struct Stdin {
    /// Removed when dropped.
    pub dir: tempfile::TempDir,
    pub kind: StdinKind,
    pub path: PathBuf,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum StdinKind {
    Json,
    Terraform,
    Yaml,
}

/// What standard input holds, told by its content as a real parser sees it: JSON when it
/// starts with `{` or `[` (a template, a plan or a snapshot: the loaders then tell which);
/// Terraform when it parses as an HCL body with at least one block or attribute (CloudFormation
/// YAML never does: `Key: value` is no HCL); YAML otherwise (the CloudFormation loader reports
/// it as not a template, or as EP901, when it is neither).
pub(super) fn detect(text: &str) -> StdinKind {
    let start = text.trim_start_matches('\u{feff}').trim_start();
    if start.starts_with('{') || start.starts_with('[') {
        return StdinKind::Json;
    }
    match hcl_edit::parser::parse_body(text) {
        Ok(body) if !body.is_empty() => StdinKind::Terraform,
        _ => StdinKind::Yaml,
    }
}

/// Reads standard input, at most the largest size any input format may have, and writes it
/// where the loaders read it.
pub(super) fn read_stdin() -> Result<Stdin> {
    let limit = egressproof_load_cfn::MAX_FILE_BYTES
        .max(MAX_SNAPSHOT_BYTES)
        .max(loaders::MAX_PLAN_BYTES);
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .context("could not read standard input")?;
    if bytes.len() as u64 > limit {
        bail!(
            "standard input is larger than the limit of {} MiB",
            limit / (1024 * 1024)
        );
    }
    let text = String::from_utf8_lossy(&bytes);
    let kind = detect(&text);
    let dir = tempfile::Builder::new()
        .prefix("egressproof-stdin-")
        .tempdir()
        .context("could not create a temporary directory for standard input")?;
    let name = match kind {
        StdinKind::Json => "stdin.json",
        StdinKind::Terraform => "main.tf",
        StdinKind::Yaml => "stdin.yaml",
    };
    let path = dir.path().join(name);
    std::fs::write(&path, &bytes).context("could not store standard input")?;
    Ok(Stdin { dir, kind, path })
}

pub(super) enum Other {
    Model(Model),
    Unreadable(String),
    Neither,
}

/// A document the CloudFormation loader skipped: read it again as a snapshot or plan.
pub(super) fn read_other_json(path: &Path, display: &str) -> Other {
    let is_json = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"));
    if !is_json {
        return Other::Neither;
    }
    let text = match read_limited(path, MAX_SNAPSHOT_BYTES.max(loaders::MAX_PLAN_BYTES)) {
        Ok(t) => t,
        Err(e) => return Other::Unreadable(format!("{display}: could not be read: {e}")),
    };
    // An empty file declares nothing, in every format (README, "Inputs").
    if text.trim().is_empty() {
        return Other::Neither;
    }
    let doc: serde_json::Value = match serde_json::from_str(&text) {
        Ok(d) => d,
        Err(e) => return Other::Unreadable(format!("{display}: not valid JSON: {e}")),
    };
    match loaders::other_json(&doc, display) {
        Some(Ok(m)) => Other::Model(m),
        Some(Err(message)) => Other::Unreadable(message),
        None => Other::Neither,
    }
}

fn read_limited(path: &Path, limit: u64) -> std::io::Result<String> {
    let file = std::fs::File::open(path)?;
    let mut text = String::new();
    file.take(limit + 1).read_to_string(&mut text)?;
    if text.len() as u64 > limit {
        return Err(std::io::Error::other(format!(
            "larger than the limit of {} MiB",
            limit / (1024 * 1024)
        )));
    }
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn standard_input_is_told_by_its_content() {
        assert_eq!(detect("  {\"Resources\": {}}"), StdinKind::Json);
        assert_eq!(detect("[]"), StdinKind::Json);
        assert_eq!(
            detect("resource \"aws_vpc\" \"v\" {\n  cidr_block = \"10.0.0.0/16\"\n}\n"),
            StdinKind::Terraform
        );
        assert_eq!(detect("variable \"x\" {}\n"), StdinKind::Terraform);
        assert_eq!(
            detect("AWSTemplateFormatVersion: \"2010-09-09\"\nResources:\n  V:\n    Type: AWS::EC2::VPC\n"),
            StdinKind::Yaml
        );
        assert_eq!(detect("Resources: {}\n"), StdinKind::Yaml);
        assert_eq!(detect(""), StdinKind::Yaml);
    }
}
