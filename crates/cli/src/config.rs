//! `.egressproof.toml`: the settings a team keeps beside its infrastructure, so that every run
//! (a developer's, CI's) judges the same way. Unknown keys are errors: a misspelt `trusted_cidr`
//! silently ignored would change verdicts without anyone noticing.

use anyhow::{bail, Context as _, Result};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file name looked for upward from the first scanned path.
pub const FILE_NAME: &str = ".egressproof.toml";

/// The file's contents, as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    #[serde(default)]
    pub trusted_cidrs: Vec<String>,
    /// The widest trusted network that can be a corporate network, as an IPv4 prefix length
    /// (default 16): a wider one is EP403.
    pub max_trusted_prefix: Option<u8>,
    /// The same for IPv6 (default 32).
    pub max_trusted_prefix_v6: Option<u8>,
    /// `"complete"`: the scan holds every principal of the account, so only its own roles can
    /// create presigned URLs (EP401). Listed as an assumption in every report.
    pub principals: Option<egressproof_analysis::Principals>,
    pub fail_on: Option<String>,
    /// Rules not to run, by code or name in any case (as `--skip`); an unknown one is an error
    /// that names the closest rule.
    #[serde(default, deserialize_with = "rules")]
    pub skip: Vec<egressproof_analysis::Rule>,
    /// Globs of paths not to scan, relative to the directory that holds the file.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Directories whose files templates may read besides the scanned paths and their
    /// repository, relative to the directory that holds the file (`--allow-read`).
    #[serde(default)]
    pub allow_read: Vec<PathBuf>,
    /// CloudFormation parameters.
    #[serde(default)]
    pub params: BTreeMap<String, toml::Value>,
    /// Terraform variables.
    #[serde(default)]
    pub vars: BTreeMap<String, toml::Value>,
    /// VPCs meant for SageMaker that have no SageMaker endpoint to say so (model IDs, names in
    /// the source, or physical IDs): their environment is in scope.
    #[serde(default)]
    pub sagemaker_vpcs: Vec<String>,
    /// Named environments (`[[environment]]`): inputs joined into one environment although no
    /// reference between them shows (stacks wired by deploy-time parameters).
    #[serde(default, rename = "environment")]
    pub environments: Vec<EnvironmentEntry>,
}

/// One `[[environment]]` entry.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnvironmentEntry {
    pub name: String,
    /// Globs or path prefixes, relative to the directory that holds the file, matched against
    /// templates, Terraform root directories and their files.
    pub paths: Vec<String>,
}

/// A configuration and where it came from (exclude globs are relative to its directory).
#[derive(Debug, Default)]
pub struct Loaded {
    pub config: Config,
    pub dir: Option<PathBuf>,
    pub path: Option<PathBuf>,
}

/// Rules by code or name, as the command line takes them ([`crate::cli::parse_rule`]).
fn rules<'de, D: serde::Deserializer<'de>>(
    deserializer: D,
) -> Result<Vec<egressproof_analysis::Rule>, D::Error> {
    let names = Vec::<String>::deserialize(deserializer)?;
    names
        .iter()
        .map(|n| crate::cli::parse_rule(n).map_err(serde::de::Error::custom))
        .collect()
}

/// Reads `explicit` when given, else the nearest `.egressproof.toml` at or above `start`.
pub fn load(explicit: Option<&Path>, start: &Path) -> Result<Loaded> {
    let path = match explicit {
        Some(p) => {
            if !p.is_file() {
                bail!("config file {} does not exist", p.display());
            }
            Some(p.to_path_buf())
        }
        None => discover(start),
    };
    let Some(path) = path else {
        return Ok(Loaded::default());
    };
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("could not read config file {}", path.display()))?;
    let config = parse(&text).with_context(|| format!("in config file {}", path.display()))?;
    let dir = path
        .parent()
        .map(|d| {
            if d.as_os_str().is_empty() {
                Path::new(".")
            } else {
                d
            }
        })
        .map(Path::to_path_buf);
    Ok(Loaded {
        config,
        dir,
        path: Some(path),
    })
}

/// Parses the file's text; the error names the offending key and line.
pub fn parse(text: &str) -> Result<Config> {
    toml::from_str(text).map_err(|e| anyhow::anyhow!("{}", e.to_string().trim_end()))
}

/// The nearest config file at or above `start` (a file's directory, or the directory itself).
fn discover(start: &Path) -> Option<PathBuf> {
    let abs = std::path::absolute(start).ok()?;
    let mut dir = if abs.is_dir() {
        Some(abs.as_path())
    } else {
        abs.parent()
    };
    while let Some(d) = dir {
        let candidate = d.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = d.parent();
    }
    None
}

/// The configured environments as the analysis takes them: each with a test of whether a path
/// (an input as displayed, one of its files or module directories) belongs. A pattern is a glob
/// (`stacks/risk-*`) or a path prefix (`stacks/risk`, matching what lies below it), relative to
/// `dir`, the directory that holds the config file; it is tried against the displayed path and
/// against that path made relative to `dir`.
pub fn environments(
    entries: &[EnvironmentEntry],
    dir: Option<&Path>,
) -> Result<Vec<egressproof_analysis::NamedEnvironment>> {
    let base = dir.and_then(|d| std::path::absolute(d).ok());
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for e in entries {
        let name = e.name.trim().to_string();
        if name.is_empty() {
            bail!("[[environment]]: `name` is empty");
        }
        if !seen.insert(name.clone()) {
            bail!("[[environment]] `{name}` is named twice");
        }
        if e.paths.is_empty() {
            bail!("[[environment]] `{name}`: `paths` is empty");
        }
        let mut globs = globset::GlobSetBuilder::new();
        let mut prefixes = Vec::new();
        for p in &e.paths {
            let p = p.trim().trim_start_matches("./").trim_end_matches('/');
            if p.is_empty() {
                bail!("[[environment]] `{name}`: an empty path");
            }
            globs.add(
                globset::Glob::new(p)
                    .with_context(|| format!("[[environment]] `{name}`: invalid glob `{p}`"))?,
            );
            prefixes.push(p.to_string());
        }
        let globs = globs
            .build()
            .with_context(|| format!("[[environment]] `{name}`: invalid globs"))?;
        let base = base.clone();
        let matches = move |path: &str| {
            let hit = |candidate: &str| {
                globs.is_match(candidate)
                    || prefixes.iter().any(|p| {
                        candidate == p
                            || candidate
                                .strip_prefix(p.as_str())
                                .is_some_and(|rest| rest.starts_with('/'))
                    })
            };
            let path = path.trim_start_matches("./");
            if hit(path) {
                return true;
            }
            let relative = base.as_ref().and_then(|b| {
                let abs = std::path::absolute(path).ok()?;
                let rel = abs.strip_prefix(b).ok()?;
                Some(rel.to_string_lossy().replace('\\', "/"))
            });
            relative.is_some_and(|r| hit(&r))
        };
        out.push(egressproof_analysis::NamedEnvironment {
            name,
            matches: Box::new(matches),
        });
    }
    Ok(out)
}

/// A table value as the loaders take it: strings as written, everything else in the JSON form
/// that is also valid HCL (`["a", "b"]`, `{"k" = "v"}` parses as `{"k": "v"}`).
pub fn value_text(name: &str, value: &toml::Value) -> Result<String> {
    Ok(match value {
        toml::Value::String(s) => s.clone(),
        toml::Value::Integer(i) => i.to_string(),
        toml::Value::Float(f) => f.to_string(),
        toml::Value::Boolean(b) => b.to_string(),
        toml::Value::Datetime(d) => d.to_string(),
        other => serde_json::to_string(other)
            .with_context(|| format!("value of `{name}` cannot be written as JSON"))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_are_named() {
        let err = parse("trusted_cidr = [\"10.0.0.0/8\"]\n").unwrap_err();
        assert!(format!("{err:#}").contains("trusted_cidr"), "{err:#}");
    }

    #[test]
    fn every_key_is_read() {
        let c = parse(
            r#"
trusted_cidrs = ["10.0.0.0/8"]
fail_on = "high"
skip = ["EP303"]
exclude = ["examples/**"]
allow_read = ["../shared-modules"]
[params]
Env = "prod"
Port = 443
[vars]
subnets = ["a", "b"]
"#,
        )
        .unwrap();
        assert_eq!(c.trusted_cidrs, vec!["10.0.0.0/8"]);
        assert_eq!(c.fail_on.as_deref(), Some("high"));
        assert_eq!(c.skip, vec!["EP303"]);
        assert_eq!(c.exclude, vec!["examples/**"]);
        assert_eq!(c.allow_read, vec![PathBuf::from("../shared-modules")]);
        assert_eq!(value_text("Port", &c.params["Port"]).unwrap(), "443");
        assert_eq!(
            value_text("subnets", &c.vars["subnets"]).unwrap(),
            r#"["a","b"]"#
        );
    }

    #[test]
    fn environments_are_read_and_match_globs_and_prefixes() {
        let c = parse(
            r#"
sagemaker_vpcs = ["vpc-0abc", "Vpc"]
[[environment]]
name = "risk"
paths = ["stacks/risk-*", "terraform/risk/"]
[[environment]]
name = "shared"
paths = ["net.yaml"]
"#,
        )
        .unwrap();
        assert_eq!(c.sagemaker_vpcs, ["vpc-0abc", "Vpc"]);
        let envs = environments(&c.environments, None).unwrap();
        assert_eq!(envs.len(), 2);
        let risk = &envs[0];
        assert_eq!(risk.name, "risk");
        for yes in [
            "stacks/risk-a.yaml",
            "./stacks/risk-b.json",
            "terraform/risk",
            "terraform/risk/main.tf",
        ] {
            assert!((risk.matches)(yes), "{yes}");
        }
        for no in [
            "stacks/app.yaml",
            "terraform/risky/main.tf",
            "other/stacks/risk-a.yaml",
        ] {
            assert!(!(risk.matches)(no), "{no}");
        }
        assert!((envs[1].matches)("net.yaml"));

        let dup = parse("[[environment]]\nname = \"a\"\npaths = [\"x\"]\n[[environment]]\nname = \"a\"\npaths = [\"y\"]\n")
            .unwrap();
        let err = environments(&dup.environments, None).unwrap_err();
        assert!(format!("{err:#}").contains("named twice"), "{err:#}");
        let err = parse("[[environment]]\nname = \"a\"\npath = [\"x\"]\n").unwrap_err();
        assert!(format!("{err:#}").contains("path"), "{err:#}");
    }

    #[test]
    fn environment_paths_are_relative_to_the_config_file() {
        let dir = tempfile::tempdir().unwrap();
        let c = parse("[[environment]]\nname = \"risk\"\npaths = [\"stacks/risk-*\"]\n").unwrap();
        let envs = environments(&c.environments, Some(dir.path())).unwrap();
        let shown = dir.path().join("stacks/risk-a.yaml");
        assert!((envs[0].matches)(&shown.to_string_lossy()));
    }

    #[test]
    fn principals_and_the_trust_limit_are_read() {
        let c = parse(
            "principals = \"complete\"\nmax_trusted_prefix = 20\nmax_trusted_prefix_v6 = 40\n",
        )
        .unwrap();
        assert_eq!(
            c.principals,
            Some(egressproof_analysis::Principals::Complete)
        );
        assert_eq!(c.max_trusted_prefix, Some(20));
        assert_eq!(c.max_trusted_prefix_v6, Some(40));
        let err = parse("principals = \"all\"\n").unwrap_err();
        assert!(format!("{err:#}").contains("partial"), "{err:#}");
        assert_eq!(parse("").unwrap().principals, None);
    }

    #[test]
    fn an_unknown_rule_is_named_with_the_closest_one() {
        let err = parse("skip = [\"EP3O3\"]\n").unwrap_err();
        let text = format!("{err:#}");
        assert!(text.contains("unknown rule `EP3O3`"), "{text}");
        assert!(text.contains("did you mean EP303"), "{text}");
        assert_eq!(
            parse("skip = [\"ep303\"]\n").unwrap().skip,
            [egressproof_analysis::Rule::MissingSagemakerEndpoints]
        );
        let name = egressproof_analysis::Rule::MissingSagemakerEndpoints
            .meta()
            .name;
        assert_eq!(
            parse(&format!("skip = [\"{}\"]\n", name.to_ascii_uppercase()))
                .unwrap()
                .skip,
            [egressproof_analysis::Rule::MissingSagemakerEndpoints]
        );
    }

    #[test]
    fn discovery_walks_upward() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join(FILE_NAME), "fail_on = \"low\"\n").unwrap();
        let deep = dir.path().join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        let loaded = load(None, &deep).unwrap();
        assert_eq!(loaded.config.fail_on.as_deref(), Some("low"));
        assert_eq!(loaded.dir.as_deref(), Some(dir.path()));
    }
}
