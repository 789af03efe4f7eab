//! Modules that `terraform init` installed: `.terraform/modules/modules.json` in the root
//! module's directory maps each module call (by its key, `vpc` or `vpc.subnets` for a call
//! inside a called module) to the local copy of its registry or remote source. That copy is
//! what Terraform itself evaluates, so reading it is how most real estates' VPCs
//! (`terraform-aws-modules/vpc/aws`) get into the scan instead of staying unknown.
//!
//! The manifest and the copies are read through the scan's read scope like every file the code
//! names: a `Dir` outside it (or reached through a symlink that leads out) is an unknown naming
//! it, never a read.

use egressproof_fs::{ReadError, ReadScope};
use std::collections::HashMap;
use std::path::Path;

/// Where Terraform records the installed modules, relative to the root module's directory.
pub(crate) const MANIFEST: &str = ".terraform/modules/modules.json";

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
    /// Reads the manifest of the root module in `root_dir`.
    pub(crate) fn read(root_dir: &Path, scope: &ReadScope) -> Result<Installed, Missing> {
        // Text loaded without a directory (tests, standard input) has nothing installed.
        if scope.is_empty() {
            return Err(Missing::NotInitialised);
        }
        let text = match scope.read_to_string(&root_dir.join(MANIFEST), MAX_MANIFEST_BYTES) {
            Ok(t) => t,
            Err(ReadError::NotFound) => return Err(Missing::NotInitialised),
            Err(e) => return Err(Missing::Unreadable(format!("{MANIFEST}: {e}"))),
        };
        let json: serde_json::Value = serde_json::from_str(&text)
            .map_err(|e| Missing::Unreadable(format!("{MANIFEST} is not JSON: {e}")))?;
        let modules = json
            .get("Modules")
            .and_then(|m| m.as_array())
            .ok_or_else(|| Missing::Unreadable(format!("{MANIFEST} has no Modules list")))?;
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
/// records registry sources with their host (`registry.terraform.io/ns/name/provider`) and
/// refuses to plan with a copy of another source, so a stale copy is not the module's code.
pub(crate) fn same_source(called: &str, recorded: &str) -> bool {
    let strip = |s: &str| {
        s.strip_prefix("registry.terraform.io/")
            .unwrap_or(s)
            .to_string()
    };
    strip(called) == strip(recorded)
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
    }
}
