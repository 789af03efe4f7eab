//! Modules that `terraform init` installed: `.terraform/modules/modules.json` in the root
//! module's directory (`$TF_DATA_DIR/modules/modules.json` when that is set) maps each module call (by its key, `vpc` or `vpc.subnets` for a call
//! inside a called module) to the local copy of its registry or remote source. That copy is
//! what Terraform itself evaluates, so reading it is how most real estates' VPCs
//! (`terraform-aws-modules/vpc/aws`) get into the scan instead of staying unknown.
//!
//! The manifest and the copies are read through the scan's read scope like every file the code
//! names: a `Dir` outside it (or reached through a symlink that leads out) is an unknown naming
//! it, never a read.

use egressproof_fs::{ReadError, ReadScope};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Where Terraform records the installed modules, relative to the root module's directory.
pub(crate) const MANIFEST: &str = ".terraform/modules/modules.json";

/// Where the manifest is, relative to the root module's directory: under `TF_DATA_DIR` when it
/// is set (`terraform init` keeps its data there instead of `.terraform`; a relative one is
/// relative to the directory Terraform runs in, the root module's; an absolute one is itself).
pub(crate) fn manifest(data_dir: Option<&Path>) -> PathBuf {
    match data_dir {
        Some(d) => d.join("modules").join("modules.json"),
        None => PathBuf::from(MANIFEST),
    }
}

/// A manifest is a few hundred bytes per module call; this bounds a hostile one.
const MAX_MANIFEST_BYTES: u64 = 4 * 1024 * 1024;

/// The installed modules of one root module, by call key.
#[derive(Debug, Default)]
pub(crate) struct Installed {
    by_key: HashMap<String, Entry>,
}

/// One installed module call.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    /// The source recorded at install time (registry sources with their host).
    pub source: String,
    /// The version installed, for registry modules.
    pub version: Option<String>,
    /// The copy's directory as recorded, relative to the root module's directory.
    pub dir: String,
}

/// Why the installed copy of a remote module cannot be used.
#[derive(Debug, Clone)]
pub(crate) enum Missing {
    /// No manifest: `terraform init` has not run here (or `.terraform` was not kept).
    NotInitialised,
    /// The manifest could not be read or is not Terraform's.
    Unreadable(String),
}

impl Installed {
    /// Reads the manifest of the root module in `root_dir`, at `manifest` (see [`manifest`]).
    pub(crate) fn read(
        root_dir: &Path,
        manifest: &Path,
        scope: &ReadScope,
    ) -> Result<Installed, Missing> {
        // Text loaded without a directory (tests, standard input) has nothing installed.
        if scope.is_empty() {
            return Err(Missing::NotInitialised);
        }
        let shown = manifest.to_string_lossy();
        let text = match scope.read_to_string(&root_dir.join(manifest), MAX_MANIFEST_BYTES) {
            Ok(t) => t,
            Err(ReadError::NotFound) => return Err(Missing::NotInitialised),
            Err(e) => return Err(Missing::Unreadable(format!("{shown}: {e}"))),
        };
        let json: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| Missing::Unreadable(format!("{shown} is not JSON: {e}")))?;
        let modules = json
            .get("Modules")
            .and_then(|m| m.as_array())
            .ok_or_else(|| Missing::Unreadable(format!("{shown} has no Modules list")))?;
        let mut by_key = HashMap::new();
        for m in modules {
            let field = |name: &str| m.get(name).and_then(|v| v.as_str()).map(str::to_string);
            if let (Some(key), Some(dir)) = (field("Key"), field("Dir")) {
                by_key.insert(
                    key,
                    Entry {
                        source: field("Source").unwrap_or_default(),
                        version: field("Version").filter(|v| !v.is_empty()),
                        dir,
                    },
                );
            }
        }
        Ok(Installed { by_key })
    }

    /// The installed copy of the call with this key (`vpc`, `vpc.subnets`).
    pub(crate) fn get(&self, key: &str) -> Option<&Entry> {
        self.by_key.get(key)
    }
}

/// Whether the source recorded at install time is the one the call names now: Terraform
/// refuses to plan with a copy of another source ("Module source has changed"), so a stale copy
/// is not the module's code. Both are compared in Terraform's normal form: registry sources
/// with their host, GitHub shorthands as `git::` addresses, the subdirectory and the query
/// (`?ref=`) apart, as the manifest may write them in either order.
pub(crate) fn same_source(called: &str, recorded: &str) -> bool {
    normal_source(called) == normal_source(recorded)
}

/// (address, subdirectory, query) of a module source, shorthands expanded.
fn normal_source(s: &str) -> (String, String, String) {
    let s = s.strip_prefix("registry.terraform.io/").unwrap_or(s);
    let expanded = if let Some(rest) = s.strip_prefix("github.com/") {
        format!("git::https://github.com/{rest}")
    } else if let Some(rest) = s.strip_prefix("git@github.com:") {
        format!("git::ssh://git@github.com/{rest}")
    } else {
        s.to_string()
    };
    // The query may come before or after the subdirectory.
    let (mut rest, mut query) = match expanded.split_once('?') {
        Some((a, q)) => (a.to_string(), q.to_string()),
        None => (expanded.clone(), String::new()),
    };
    let mut subdir = String::new();
    if let Some((q, sub)) = query.clone().split_once("//") {
        query = q.to_string();
        subdir = sub.to_string();
    }
    let scheme_end = rest.find("://").map(|i| i + 3).unwrap_or(0);
    if let Some(i) = rest[scheme_end..].find("//") {
        subdir = rest[scheme_end + i + 2..].to_string();
        rest.truncate(scheme_end + i);
    }
    if rest.starts_with("git::https://github.com/") && !rest.ends_with(".git") {
        rest.push_str(".git");
    }
    (rest, subdir.trim_matches('/').to_string(), query)
}

/// Whether `version` satisfies a module call's `version` constraint (`"5.1.0"`, `"~> 5.0"`,
/// `">= 4.0, < 6.0"`), as Terraform checks it before it plans with an installed copy
/// ("Module version requirements have changed"). `None` when either cannot be read.
pub(crate) fn satisfies(version: &str, constraint: &str) -> Option<bool> {
    let (v, _) = parse_version(version)?;
    let mut all = true;
    for part in constraint.split(',') {
        let part = part.trim();
        let (op, rest) = ["~>", ">=", "<=", "!=", ">", "<", "="]
            .iter()
            .find_map(|op| part.strip_prefix(op).map(|r| (*op, r.trim())))
            .unwrap_or(("=", part));
        let want = parse_version(rest)?;
        let ok = match op {
            "=" => v == want.0,
            "!=" => v != want.0,
            ">" => v > want.0,
            ">=" => v >= want.0,
            "<" => v < want.0,
            "<=" => v <= want.0,
            // `~> 5.1` allows 5.x from 5.1; `~> 5.1.2` allows 5.1.x from 5.1.2.
            _ => {
                let (w, given) = want;
                let keep = given.saturating_sub(1).max(1);
                v >= w && v[..keep] == w[..keep]
            }
        };
        all &= ok;
    }
    Some(all)
}

/// `major.minor.patch` (missing parts 0) and how many parts were written; a pre-release or
/// build suffix is not read (`None`), as it changes how Terraform compares.
fn parse_version(s: &str) -> Option<([u64; 3], usize)> {
    let s = s.trim().trim_start_matches('v');
    let mut out = [0u64; 3];
    let mut n = 0;
    for (i, p) in s.split('.').enumerate() {
        if i >= 3 {
            return None;
        }
        out[i] = p.parse().ok()?;
        n = i + 1;
    }
    Some((out, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_sources_match_with_or_without_their_host() {
        assert!(same_source(
            "terraform-aws-modules/vpc/aws",
            "registry.terraform.io/terraform-aws-modules/vpc/aws"
        ));
        assert!(same_source("git::https://x/y.git", "git::https://x/y.git"));
        assert!(!same_source(
            "terraform-aws-modules/vpc/aws",
            "registry.terraform.io/terraform-aws-modules/eks/aws"
        ));
        assert!(same_source(
            "github.com/org/net",
            "git::https://github.com/org/net.git"
        ));
        assert!(same_source(
            "git::https://x/y.git//modules/vpc?ref=v1",
            "git::https://x/y.git?ref=v1//modules/vpc"
        ));
        assert!(same_source(
            "terraform-aws-modules/iam/aws//modules/iam-role",
            "registry.terraform.io/terraform-aws-modules/iam/aws//modules/iam-role"
        ));
        assert!(!same_source(
            "git::https://x/y.git?ref=v1",
            "git::https://x/y.git?ref=v2"
        ));
    }

    #[test]
    fn version_constraints_as_terraform_checks_them() {
        assert_eq!(satisfies("5.1.0", "5.1.0"), Some(true));
        assert_eq!(satisfies("5.1.0", "= 5.2.0"), Some(false));
        assert_eq!(satisfies("5.4.1", "~> 5.1"), Some(true));
        assert_eq!(satisfies("6.0.0", "~> 5.1"), Some(false));
        assert_eq!(satisfies("5.1.9", "~> 5.1.2"), Some(true));
        assert_eq!(satisfies("5.2.0", "~> 5.1.2"), Some(false));
        assert_eq!(satisfies("5.0.0", ">= 4.0, < 6.0"), Some(true));
        assert_eq!(satisfies("6.0.0", ">= 4.0, < 6.0"), Some(false));
        assert_eq!(satisfies("5.0.0-beta", "5.0.0"), None);
    }
}
