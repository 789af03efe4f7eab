//! `scan --managed-policies PATH`: AWS managed policy documents that override the bundled ones
//! (newer than the bundle, or the versions an account really has), and the bundle's date for
//! `--version`.

use anyhow::{bail, Context, Result};
use egressproof_analysis::managed::{self, ManagedPolicies};
use std::path::Path;
use std::sync::OnceLock;

/// The bundled policies plus those read from `path`: a directory of files in the shape the public
/// tracker keeps them (GetPolicyVersion's output, one file per policy, named after it, with or
/// without `.json`), or one file of `aws iam get-account-authorization-details` output.
pub(crate) fn read(path: &Path) -> Result<ManagedPolicies> {
    let mut policies = ManagedPolicies::default();
    let meta = std::fs::metadata(path)
        .with_context(|| format!("--managed-policies {}", path.display()))?;
    if meta.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .with_context(|| format!("--managed-policies {}", path.display()))?
            .collect::<std::io::Result<_>>()
            .with_context(|| format!("--managed-policies {}", path.display()))?;
        entries.sort_by_key(std::fs::DirEntry::file_name);
        for entry in entries {
            let file = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            // Hidden files (.DS_Store, editor files) and subdirectories are not policies.
            if name.starts_with('.') || file.is_dir() {
                continue;
            }
            let name = name.strip_suffix(".json").unwrap_or(&name);
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("--managed-policies: {}", file.display()))?;
            policies
                .add_policy_version(name, &text)
                .with_context(|| format!("--managed-policies: {}", file.display()))?;
        }
        if policies.overrides() == 0 {
            bail!(
                "--managed-policies {}: the directory holds no policy file",
                path.display()
            );
        }
    } else {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("--managed-policies {}", path.display()))?;
        policies
            .add_authorization_details(&text)
            .with_context(|| format!("--managed-policies {}", path.display()))?;
    }
    Ok(policies)
}

/// `egressproof 0.1.0 (AWS managed policies of 2026-03-07, MAMIP 0387244)`, less the name clap
/// prints first.
pub(crate) fn version() -> &'static str {
    static VERSION: OnceLock<String> = OnceLock::new();
    VERSION.get_or_init(|| {
        let ours = env!("CARGO_PKG_VERSION");
        match managed::bundled_source() {
            Ok(s) => format!(
                "{ours} (AWS managed policies of {}, MAMIP {})",
                s.date,
                s.short_commit()
            ),
            Err(why) => format!("{ours} ({why})"),
        }
    })
}
