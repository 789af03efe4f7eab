//! The command line, as data: every subcommand and flag with its help. The same definition feeds
//! `--help`, the shell completions and the man page, so they never disagree.

use clap::{Args, Parser, Subcommand, ValueEnum};
use ipnet::IpNet;
use std::path::PathBuf;

/// Proves whether data can leave an AWS SageMaker environment, and shows every egress path hop
/// by hop.
///
/// Exit codes: 0 sealed (or nothing in scope), 1 leaks, 3 unproven, 2 usage error or no input
/// could be read at all. `scan --exit-zero` and `--unproven-exit N` change the verdicts' codes.
#[derive(Debug, Parser)]
#[command(
    name = "egressproof",
    version = crate::managed_policies::version(),
    about,
    long_about,
    max_term_width = 100
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Scan CloudFormation, Terraform and snapshots for egress channels.
    Scan(ScanArgs),
    /// List every rule: code, severity, name and summary.
    Rules(RulesArgs),
    /// Explain one rule: what it flags, why, an example and the fix.
    Rule {
        /// The rule's code or name, in any case: EP201, ep201 or route-to-internet.
        code: String,
    },
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print a man page (roff), or write every page with --out.
    #[command(hide = true)]
    Man(ManArgs),
    /// Read a live AWS account (Describe/List/Get calls only) into a snapshot for `scan`.
    Snapshot(crate::commands::snapshot::SnapshotArgs),
    /// Write a private SageMaker environment (template, guardrails, README) that the scan proves sealed.
    Blueprint(crate::commands::blueprint::BlueprintArgs),
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files or directories to scan. Directories are walked for CloudFormation
    /// (.yaml, .yml, .json, .template), Terraform (.tf), plans and snapshots (.json); hidden and
    /// .gitignore'd paths are skipped, like the config file's `exclude` globs.
    #[arg(default_value = ".")]
    pub paths: Vec<PathBuf>,

    /// Report format [default: taken from the extension of -o (.sarif, .json, .html, .xml for
    /// junit, .txt), else text]. Given with an -o of another extension, --format wins.
    #[arg(long, value_enum, ignore_case = true)]
    pub format: Option<FormatArg>,

    /// Write the report to FILE instead of standard output (the exit code is still the
    /// verdict's). `-o -` is standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// The repository root that SARIF locations (`%SRCROOT%`) and fingerprints name files from
    /// [default: the git repository holding the scanned path, else the working directory].
    #[arg(long = "repo-root", value_name = "DIR")]
    pub repo_root: Option<PathBuf>,

    /// Also write a report in FORMAT to FILE (repeatable), e.g. --report sarif=out.sarif
    /// --report html=out.html; the main report still goes to standard output or -o.
    #[arg(long = "report", value_name = "FORMAT=FILE", value_parser = parse_report)]
    pub reports: Vec<(FormatArg, PathBuf)>,

    /// Text report: one line per finding and unknown, no paths or fixes.
    #[arg(long)]
    pub compact: bool,

    /// Report only what is not in this baseline (written by --write-baseline): new findings
    /// and unknowns; the verdict and exit code follow those alone.
    #[arg(long = "baseline", value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Record the scan's findings and unknowns (all of them, whatever --baseline hides) by
    /// fingerprint into FILE, for a later --baseline.
    #[arg(long = "write-baseline", value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// With --baseline: also list on standard error what the baseline holds and the scan no
    /// longer finds.
    #[arg(long = "show-fixed", requires = "baseline")]
    pub show_fixed: bool,

    /// Exit 0 whatever the verdict (usage errors still exit 2): report without gating.
    #[arg(long = "exit-zero")]
    pub exit_zero: bool,

    /// The exit code of an `unproven` verdict [default: 3]; 0 gates on `leaks` only.
    #[arg(long = "unproven-exit", value_name = "N")]
    pub unproven_exit: Option<u8>,

    /// A CloudFormation parameter value (repeatable); overrides the template's Default.
    #[arg(long = "param", value_name = "NAME=VALUE", value_parser = parse_assignment)]
    pub params: Vec<(String, String)>,

    /// A Terraform variable value (repeatable); overrides defaults and .tfvars files.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_assignment)]
    pub vars: Vec<(String, String)>,

    /// A Terraform variable file (repeatable), read after terraform.tfvars.
    #[arg(long = "var-file", value_name = "FILE")]
    pub var_files: Vec<PathBuf>,

    /// A network that counts as yours (on-premises, corporate), repeatable. Routes toward it are
    /// not egress; presigned URLs restricted to it are restricted.
    #[arg(long = "trusted-cidr", value_name = "CIDR", value_parser = parse_cidr)]
    pub trusted_cidrs: Vec<IpNet>,

    /// Findings at or above this severity make the verdict `leaks` [default: medium].
    #[arg(
        long = "fail-on",
        value_enum,
        value_name = "SEVERITY",
        ignore_case = true
    )]
    pub fail_on: Option<SeverityArg>,

    /// A rule not to run (repeatable), by code or name in any case: --skip EP303,
    /// --skip missing-sagemaker-endpoints.
    #[arg(long = "skip", value_name = "RULE", value_parser = parse_rule)]
    pub skip: Vec<egressproof_analysis::Rule>,

    /// A directory whose files templates may read (repeatable). Files that templates name
    /// (Terraform's `file()`, module sources, nested stacks) are read only inside the scanned
    /// paths, the git repository that holds them, and these directories; anything else is an
    /// unknown (EP902). Replaces the config file's `allow_read`.
    #[arg(long = "allow-read", value_name = "DIR")]
    pub allow_read: Vec<PathBuf>,

    /// AWS managed policy documents to judge roles by, over the bundled ones (dated: see
    /// --version): a directory of GetPolicyVersion outputs, one file per policy named after it
    /// (as the public tracker MAMIP keeps them), or a file of `aws iam
    /// get-account-authorization-details` output (its AWS managed policies' default versions).
    #[arg(long = "managed-policies", value_name = "PATH")]
    pub managed_policies: Option<PathBuf>,

    /// The configuration file; by default `.egressproof.toml` is looked for upward from the
    /// first scanned path.
    #[arg(long = "config", value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Colour in text output; `auto` colours when standard output is a terminal and NO_COLOR is
    /// not set.
    #[arg(long, value_enum, default_value_t = ColorArg::Auto, ignore_case = true)]
    pub color: ColorArg,

    /// Print the verdict only, and no warnings (a report written to a file is whole).
    #[arg(short, long)]
    pub quiet: bool,
}

#[derive(Debug, Args)]
pub struct RulesArgs {
    /// text (aligned columns) or json (an array of {code, name, severity, family, summary}).
    #[arg(long, value_enum, default_value_t = RulesFormat::Text, ignore_case = true)]
    pub format: RulesFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

#[derive(Debug, Args)]
pub struct ManArgs {
    /// The subcommand whose page to print (egressproof-scan(1) for `scan`); none prints
    /// egressproof(1).
    pub subcommand: Option<String>,

    /// Write egressproof.1 and a page per subcommand (egressproof-scan.1, ...) into DIR.
    #[arg(long = "out", value_name = "DIR", conflicts_with = "subcommand")]
    pub out: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FormatArg {
    Text,
    Json,
    Sarif,
    Junit,
    Html,
}

impl From<FormatArg> for egressproof_report::Format {
    fn from(f: FormatArg) -> Self {
        use egressproof_report::Format;
        match f {
            FormatArg::Text => Format::Text,
            FormatArg::Json => Format::Json,
            FormatArg::Sarif => Format::Sarif,
            FormatArg::Junit => Format::Junit,
            FormatArg::Html => Format::Html,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum SeverityArg {
    Info,
    Low,
    Medium,
    High,
}

impl From<SeverityArg> for egressproof_analysis::Severity {
    fn from(s: SeverityArg) -> Self {
        use egressproof_analysis::Severity;
        match s {
            SeverityArg::Info => Severity::Info,
            SeverityArg::Low => Severity::Low,
            SeverityArg::Medium => Severity::Medium,
            SeverityArg::High => Severity::High,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorArg {
    Never,
    Always,
    Auto,
}

/// `NAME=VALUE`; the value may itself contain `=` (a CIDR list, a JSON document).
fn parse_assignment(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((name, value)) if !name.trim().is_empty() => {
            Ok((name.trim().to_string(), value.to_string()))
        }
        _ => Err(format!("expected NAME=VALUE, got `{s}`")),
    }
}

/// `FORMAT=FILE` of `--report`; the format is one `--format` takes, in any case.
fn parse_report(s: &str) -> Result<(FormatArg, PathBuf), String> {
    let (format, file) = s
        .split_once('=')
        .ok_or_else(|| format!("expected FORMAT=FILE (e.g. sarif=out.sarif), got `{s}`"))?;
    let format = FormatArg::from_str(format.trim(), true).map_err(|_| {
        format!("`{format}` is not a report format (text, json, sarif, junit, html)")
    })?;
    if file.is_empty() {
        return Err(format!("no file after `{}=`", format_name(format)));
    }
    Ok((format, PathBuf::from(file)))
}

fn format_name(f: FormatArg) -> &'static str {
    egressproof_report::Format::from(f).as_str()
}

/// A rule by code or by name, in any case (`EP201`, `ep201`, `route-to-internet`): the catalog
/// lists both, so either must be accepted wherever a rule is named.
pub fn parse_rule(s: &str) -> Result<egressproof_analysis::Rule, String> {
    let s = s.trim();
    if let Ok(rule) = s.parse::<egressproof_analysis::Rule>() {
        return Ok(rule);
    }
    egressproof_analysis::registry()
        .iter()
        .find(|r| r.name.eq_ignore_ascii_case(s))
        .map(|r| r.code)
        .ok_or_else(|| match s.parse::<egressproof_analysis::Rule>() {
            Err(e) => e.to_string(),
            Ok(_) => format!("unknown rule `{s}`"),
        })
}

/// A CIDR such as `10.0.0.0/8` or `fd00::/8`. Host bits are cleared (`10.1.2.3/8` is
/// `10.0.0.0/8`), because the network is what is trusted.
pub fn parse_cidr(s: &str) -> Result<IpNet, String> {
    s.trim()
        .parse::<IpNet>()
        .map(|n| n.trunc())
        .map_err(|_| format!("`{s}` is not a CIDR block (expected e.g. 10.0.0.0/8 or fd00::/8)"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn assignments_keep_equals_signs_in_the_value() {
        assert_eq!(
            parse_assignment("Cidrs=a=b").unwrap(),
            ("Cidrs".to_string(), "a=b".to_string())
        );
        assert!(parse_assignment("novalue").is_err());
        assert!(parse_assignment("=x").is_err());
    }

    #[test]
    fn rules_are_named_by_code_or_name_in_any_case() {
        let by_code = parse_rule("EP201").unwrap();
        assert_eq!(parse_rule("ep201").unwrap(), by_code);
        assert_eq!(parse_rule(by_code.meta().name).unwrap(), by_code);
        assert_eq!(
            parse_rule(&by_code.meta().name.to_ascii_uppercase()).unwrap(),
            by_code
        );
        let err = parse_rule("EP2O1").unwrap_err();
        assert!(err.contains("did you mean EP201"), "{err}");
    }

    #[test]
    fn reports_are_format_and_file() {
        assert_eq!(
            parse_report("SARIF=out.sarif").unwrap(),
            (FormatArg::Sarif, PathBuf::from("out.sarif"))
        );
        assert!(parse_report("out.sarif").is_err());
        assert!(parse_report("xml=out.xml").is_err());
        assert!(parse_report("html=").is_err());
    }

    #[test]
    fn cidrs_are_validated_and_truncated() {
        assert_eq!(parse_cidr("10.1.2.3/8").unwrap().to_string(), "10.0.0.0/8");
        assert!(parse_cidr("10.0.0.0").is_err());
        assert!(parse_cidr("10.0.0.0/33").is_err());
        assert!(parse_cidr("fd00::/8").is_ok());
    }
}
