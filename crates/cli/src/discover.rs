//! Discovery: which files of the paths the user gave are inputs, and how each is shown.
//!
//! The walk is parallel (`ignore`, as in ripgrep), honours `.gitignore` and hidden-file rules,
//! follows a symlink only when it leads inside the scan's read scope (the scanned paths, their
//! git repository, `--allow-read` directories; a link out of it could make a scan of a pull
//! request read any file of the machine) and stops at loops, and never fails the scan: an entry
//! that cannot be read or is not followed becomes an EP901 unknown for that path, because what
//! it holds could be the route that leaks. The result is sorted, so the same tree always gives
//! the same report.

use anyhow::{bail, Context as _, Result};
use egressproof_fs::ReadScope;
use egressproof_model::{Diagnostic, Span, UnknownCode};
use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::{WalkBuilder, WalkState};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

/// File extensions that may hold a CloudFormation template (the loader decides), a snapshot or a
/// Terraform plan.
const DOCUMENT_EXTENSIONS: &[&str] = &["yaml", "yml", "json", "template"];

/// What the walk found.
#[derive(Debug, Default)]
pub struct Discovered {
    /// YAML/JSON files, as (path on disk, display path), sorted by display path.
    pub documents: Vec<(PathBuf, String)>,
    /// Directories holding `.tf` files, as (path on disk, display path), sorted.
    pub terraform_dirs: Vec<(PathBuf, String)>,
    /// `.tf` files found (for the summary).
    pub terraform_files: usize,
    /// Entries that could not be read (EP901), sorted.
    pub diagnostics: Vec<Diagnostic>,
    /// Problems that do not touch inputs (a bad glob in a .gitignore), for stderr.
    pub warnings: Vec<String>,
}

/// Paths not to scan: globs from the config file, matched against the path relative to the
/// config file's directory and against the display path.
#[derive(Clone, Debug, Default)]
pub struct Exclude {
    set: GlobSet,
    base: Option<PathBuf>,
    empty: bool,
}

impl Exclude {
    pub fn new(globs: &[String], base: Option<&Path>) -> Result<Self> {
        let mut builder = GlobSetBuilder::new();
        for g in globs {
            let g = g.trim_end_matches('/');
            builder.add(Glob::new(g).with_context(|| format!("invalid exclude glob `{g}`"))?);
        }
        Ok(Exclude {
            set: builder.build().context("invalid exclude globs")?,
            base: base.and_then(|b| std::path::absolute(b).ok()),
            empty: globs.is_empty(),
        })
    }

    fn excludes(&self, path: &Path, display: &str) -> bool {
        if self.empty {
            return false;
        }
        if !display.is_empty() && self.set.is_match(display) {
            return true;
        }
        let (Some(base), Ok(abs)) = (&self.base, std::path::absolute(path)) else {
            return false;
        };
        match abs.strip_prefix(base) {
            Ok(rel) if !rel.as_os_str().is_empty() => self.set.is_match(slashed(rel)),
            _ => false,
        }
    }
}

/// One thing the walk saw.
enum Found {
    Document(PathBuf, String),
    TerraformFile(PathBuf, String),
    Unreadable(String, String),
    Warning(String),
}

/// Walks every root and classifies what it finds. A root that does not exist is an error (the
/// user asked for it: scanning without it could report `sealed` for the wrong thing).
pub fn discover(roots: &[PathBuf], exclude: &Exclude, scope: &ReadScope) -> Result<Discovered> {
    let mut found = Vec::new();
    for root in roots {
        if std::fs::symlink_metadata(root).is_err() {
            bail!("{}: no such file or directory", root.display());
        }
        found.extend(walk(root, exclude, scope));
    }

    let mut out = Discovered::default();
    let mut documents = BTreeMap::new();
    let mut dirs = BTreeMap::new();
    let mut tf_files = BTreeSet::new();
    let mut diagnostics = BTreeMap::new();
    for f in found {
        match f {
            Found::Document(path, display) => {
                documents.entry(display).or_insert(path);
            }
            Found::TerraformFile(path, display) => {
                let dir = path
                    .parent()
                    .map(|p| {
                        if p.as_os_str().is_empty() {
                            PathBuf::from(".")
                        } else {
                            p.to_path_buf()
                        }
                    })
                    .unwrap_or_else(|| PathBuf::from("."));
                let dir_display = match display.rsplit_once('/') {
                    Some((d, _)) => d.to_string(),
                    // Files directly under `.`: the loader shows them as `main.tf`.
                    None => String::new(),
                };
                tf_files.insert(display);
                dirs.entry(dir_display).or_insert(dir);
            }
            Found::Unreadable(display, message) => {
                diagnostics.entry(display).or_insert(message);
            }
            Found::Warning(w) => out.warnings.push(w),
        }
    }
    out.documents = documents.into_iter().map(|(d, p)| (p, d)).collect();
    out.terraform_dirs = dirs.into_iter().map(|(d, p)| (p, d)).collect();
    out.terraform_files = tf_files.len();
    out.diagnostics = diagnostics
        .into_iter()
        .map(|(display, message)| {
            Diagnostic::new(UnknownCode::EP901, message, Some(Span::new(display, 0, 0)))
        })
        .collect();
    out.warnings.sort();
    out.warnings.dedup();
    Ok(out)
}

/// The parallel walk of one root.
fn walk(root: &Path, exclude: &Exclude, scope: &ReadScope) -> Vec<Found> {
    let prefix = display_root(root);
    let root_is_file = root.is_file();
    let found = Arc::new(Mutex::new(Vec::new()));

    let mut builder = WalkBuilder::new(root);
    builder
        .follow_links(true)
        // Honour .gitignore also outside a git checkout (an unpacked release, a CI artifact).
        .require_git(false);
    {
        let exclude = exclude.clone();
        let root = root.to_path_buf();
        let prefix = prefix.clone();
        builder.filter_entry(move |entry| {
            entry.depth() == 0
                || !exclude.excludes(entry.path(), &display(&root, &prefix, entry.path()))
        });
    }
    builder.build_parallel().run(|| {
        let found = Arc::clone(&found);
        let root = root.to_path_buf();
        let prefix = prefix.clone();
        Box::new(move |result| {
            let (item, state) = match result {
                Ok(entry) => match link_out_of_scope(&root, &prefix, scope, &entry) {
                    Some(refused) => (refused, WalkState::Skip),
                    None => (
                        classify(&root, &prefix, root_is_file, &entry),
                        WalkState::Continue,
                    ),
                },
                Err(err) => (Some(from_error(&root, &prefix, &err)), WalkState::Continue),
            };
            if let Some(item) = item {
                // A poisoned lock only means another visitor panicked; the data is still valid.
                let mut guard = found.lock().unwrap_or_else(|p| p.into_inner());
                guard.push(item);
            }
            state
        })
    });
    let mut guard = found.lock().unwrap_or_else(|p| p.into_inner());
    std::mem::take(&mut *guard)
}

/// A symlink below the root whose target lies outside the read scope: not followed (`Some`,
/// with the unknown to report when it could hold inputs). The root itself was named by the user.
fn link_out_of_scope(
    root: &Path,
    prefix: &str,
    scope: &ReadScope,
    entry: &ignore::DirEntry,
) -> Option<Option<Found>> {
    if entry.depth() == 0 || !entry.path_is_symlink() {
        return None;
    }
    let why = scope.locate(entry.path()).err()?;
    let path = entry.path();
    let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
    if !is_dir && !may_be_input(path) {
        // A link named like no input (`notes.md`) hides nothing we would read.
        return Some(None);
    }
    let shown = display(root, prefix, path);
    let target = std::fs::read_link(path)
        .map(|t| slashed(&t))
        .unwrap_or_default();
    Some(Some(Found::Unreadable(
        shown.clone(),
        format!("{shown}: could not be read: a symlink to {target}: {why}"),
    )))
}

fn classify(
    root: &Path,
    prefix: &str,
    root_is_file: bool,
    entry: &ignore::DirEntry,
) -> Option<Found> {
    let path = entry.path();
    let file_type = entry.file_type()?;
    if file_type.is_dir() {
        return None;
    }
    let shown = display(root, prefix, path);
    let ext = path
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let explicit = entry.depth() == 0 && root_is_file;
    if ext == "tf" {
        return Some(Found::TerraformFile(path.to_path_buf(), shown));
    }
    if !DOCUMENT_EXTENSIONS.contains(&ext.as_str()) && !explicit {
        return None;
    }
    if !file_type.is_file() {
        // A FIFO, socket or device named like a template: reading it could block forever or
        // return anything, and what it stands for is unknown.
        return Some(Found::Unreadable(
            shown.clone(),
            format!("{shown}: not a regular file (a FIFO, socket or device); not read"),
        ));
    }
    Some(Found::Document(path.to_path_buf(), shown))
}

/// Turns a walk error into an EP901 for the path it concerns, or a warning when it concerns
/// no input (a bad pattern in a .gitignore).
fn from_error(root: &Path, prefix: &str, err: &ignore::Error) -> Found {
    match error_path(err) {
        Some(path) if !is_loop(err) && is_not_found(err) && !may_be_input(path) => {
            // A dangling link named like no input (`notes.md`) hides nothing we would read.
            Found::Warning(err.to_string())
        }
        Some(path) => {
            let shown = display(root, prefix, path);
            let shown = if shown.is_empty() {
                ".".to_string()
            } else {
                shown
            };
            let what = if let Some(ancestor) = loop_ancestor(err) {
                let ancestor = display(root, prefix, ancestor);
                let ancestor = if ancestor.is_empty() { "." } else { &ancestor };
                format!("symlink loop (it leads back to {ancestor}); not followed")
            } else {
                root_cause(err)
            };
            Found::Unreadable(shown.clone(), format!("{shown}: could not be read: {what}"))
        }
        None => Found::Warning(err.to_string()),
    }
}

fn error_path(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::WithPath { path, .. } => Some(path),
        ignore::Error::Loop { child, .. } => Some(child),
        ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
            error_path(err)
        }
        ignore::Error::Partial(errs) => errs.iter().find_map(error_path),
        _ => None,
    }
}

fn is_not_found(err: &ignore::Error) -> bool {
    match err {
        ignore::Error::Io(io) => io.kind() == std::io::ErrorKind::NotFound,
        ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. }
        | ignore::Error::WithPath { err, .. } => is_not_found(err),
        _ => false,
    }
}

/// Whether a path could be an input or a directory of inputs: a document or `.tf` extension,
/// or no extension at all.
fn may_be_input(path: &Path) -> bool {
    match path.extension() {
        None => true,
        Some(ext) => {
            let ext = ext.to_string_lossy().to_ascii_lowercase();
            ext == "tf" || DOCUMENT_EXTENSIONS.contains(&ext.as_str())
        }
    }
}

fn loop_ancestor(err: &ignore::Error) -> Option<&Path> {
    match err {
        ignore::Error::Loop { ancestor, .. } => Some(ancestor),
        ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. }
        | ignore::Error::WithPath { err, .. } => loop_ancestor(err),
        _ => None,
    }
}

fn is_loop(err: &ignore::Error) -> bool {
    match err {
        ignore::Error::Loop { .. } => true,
        ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. }
        | ignore::Error::WithPath { err, .. } => is_loop(err),
        _ => false,
    }
}

/// The innermost message, without the path that the display already shows.
fn root_cause(err: &ignore::Error) -> String {
    match err {
        ignore::Error::WithPath { err, .. }
        | ignore::Error::WithDepth { err, .. }
        | ignore::Error::WithLineNumber { err, .. } => root_cause(err),
        ignore::Error::Io(io) if io.kind() == std::io::ErrorKind::NotFound => {
            "it does not exist (a dangling symlink?)".to_string()
        }
        other => other.to_string(),
    }
}

/// How the root itself is shown: as the user wrote it, with forward slashes, without `./` and
/// trailing slashes; `.` is shown as nothing, so files under it appear as `leaky/net.yaml`.
fn display_root(root: &Path) -> String {
    let s = slashed(root);
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest.trim_start_matches('/');
    }
    let trimmed = s.trim_end_matches('/');
    let s = if trimmed.is_empty() && s.starts_with('/') {
        "/"
    } else {
        trimmed
    };
    if s == "." {
        String::new()
    } else {
        s.to_string()
    }
}

/// The display path of `path`, found under `root` (shown as `prefix`).
fn display(root: &Path, prefix: &str, path: &Path) -> String {
    let rel = match path.strip_prefix(root) {
        Ok(rel) => slashed(rel),
        Err(_) => return slashed(path),
    };
    match (prefix.is_empty(), rel.is_empty()) {
        (true, _) => rel,
        (false, true) => prefix.to_string(),
        (false, false) if prefix.ends_with('/') => format!("{prefix}{rel}"),
        (false, false) => format!("{prefix}/{rel}"),
    }
}

/// A path with forward slashes, whatever the platform (reports must not differ by OS).
fn slashed(path: &Path) -> String {
    let s = path.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '/' {
        s.into_owned()
    } else {
        s.replace(std::path::MAIN_SEPARATOR, "/")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn displays(d: &Discovered) -> Vec<&str> {
        d.documents.iter().map(|(_, s)| s.as_str()).collect()
    }

    #[test]
    fn roots_are_shown_as_written() {
        assert_eq!(display_root(Path::new(".")), "");
        assert_eq!(display_root(Path::new("./")), "");
        assert_eq!(display_root(Path::new("examples/")), "examples");
        assert_eq!(display_root(Path::new("./examples")), "examples");
        assert_eq!(display_root(Path::new("/")), "/");
        assert_eq!(
            display(
                Path::new("examples/"),
                "examples",
                Path::new("examples/leaky/net.yaml")
            ),
            "examples/leaky/net.yaml"
        );
        assert_eq!(
            display(Path::new("."), "", Path::new("./leaky/net.yaml")),
            "leaky/net.yaml"
        );
        assert_eq!(
            display(Path::new("/"), "/", Path::new("/a.yaml")),
            "/a.yaml"
        );
    }

    #[test]
    fn classifies_and_orders_inputs() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        fs::create_dir_all(p.join("b/tf")).unwrap();
        fs::write(p.join("b/z.yaml"), "").unwrap();
        fs::write(p.join("a.json"), "{}").unwrap();
        fs::write(p.join("c.template"), "").unwrap();
        fs::write(p.join("readme.md"), "").unwrap();
        fs::write(p.join("b/tf/main.tf"), "").unwrap();
        fs::write(p.join("b/tf/vars.tf"), "").unwrap();
        let d = discover(
            &[p.to_path_buf()],
            &Exclude::default(),
            &ReadScope::new([p]),
        )
        .unwrap();
        let root = display_root(p);
        assert_eq!(
            displays(&d),
            vec![
                format!("{root}/a.json"),
                format!("{root}/b/z.yaml"),
                format!("{root}/c.template")
            ]
        );
        assert_eq!(d.terraform_files, 2);
        assert_eq!(d.terraform_dirs.len(), 1);
        assert_eq!(d.terraform_dirs[0].1, format!("{root}/b/tf"));
        assert!(d.diagnostics.is_empty());
    }

    #[test]
    fn honours_gitignore_and_exclude_globs() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        fs::create_dir_all(p.join("vendor")).unwrap();
        fs::create_dir_all(p.join("examples/x")).unwrap();
        fs::write(p.join(".gitignore"), "vendor/\n").unwrap();
        fs::write(p.join("vendor/v.yaml"), "").unwrap();
        fs::write(p.join("examples/x/e.yaml"), "").unwrap();
        fs::write(p.join("keep.yaml"), "").unwrap();
        fs::write(p.join("skip.test.yaml"), "").unwrap();
        let exclude = Exclude::new(&["examples/**".into(), "*.test.yaml".into()], Some(p)).unwrap();
        let d = discover(&[p.to_path_buf()], &exclude, &ReadScope::new([p])).unwrap();
        let shown = displays(&d);
        assert_eq!(shown.len(), 1, "{shown:?}");
        assert!(shown[0].ends_with("/keep.yaml"));
    }

    #[test]
    fn a_missing_root_is_an_error() {
        let err = discover(
            &[PathBuf::from("/nonexistent/egressproof")],
            &Exclude::default(),
            &ReadScope::default(),
        );
        assert!(err.is_err());
    }

    #[cfg(unix)]
    #[test]
    fn links_out_of_the_scope_are_not_followed() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        fs::create_dir_all(p.join("scan/in")).unwrap();
        fs::create_dir_all(p.join("out")).unwrap();
        fs::write(p.join("out/x.yaml"), "").unwrap();
        fs::write(p.join("out/notes.md"), "").unwrap();
        fs::write(p.join("scan/in/y.yaml"), "").unwrap();
        let scan = p.join("scan");
        std::os::unix::fs::symlink(p.join("out"), scan.join("dir")).unwrap();
        std::os::unix::fs::symlink(p.join("out/x.yaml"), scan.join("file.yaml")).unwrap();
        std::os::unix::fs::symlink(p.join("out/notes.md"), scan.join("notes.md")).unwrap();
        std::os::unix::fs::symlink(scan.join("in"), scan.join("alias")).unwrap();

        let d = discover(
            std::slice::from_ref(&scan),
            &Exclude::default(),
            &ReadScope::new([&scan]),
        )
        .unwrap();
        let root = display_root(&scan);
        let mut shown = displays(&d);
        shown.sort();
        assert_eq!(
            shown,
            vec![format!("{root}/alias/y.yaml"), format!("{root}/in/y.yaml")]
        );
        let unknowns: Vec<(&str, &str)> = d
            .diagnostics
            .iter()
            .map(|d| {
                let file = d.span.as_ref().map_or("", |s| s.file.as_str());
                (file, d.message.as_str())
            })
            .collect();
        assert_eq!(unknowns.len(), 2, "{unknowns:?}");
        for (file, message) in &unknowns {
            assert!(
                file.ends_with("/dir") || file.ends_with("/file.yaml"),
                "{unknowns:?}"
            );
            assert!(message.contains("--allow-read DIR"), "{message}");
        }

        let wider = ReadScope::new([p]);
        let d = discover(std::slice::from_ref(&scan), &Exclude::default(), &wider).unwrap();
        assert_eq!(displays(&d).len(), 4, "{:?}", displays(&d));
        assert!(d.diagnostics.is_empty());
    }

    #[cfg(unix)]
    #[test]
    fn loops_and_dangling_links_are_unknowns() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path();
        fs::create_dir_all(p.join("d")).unwrap();
        std::os::unix::fs::symlink(p, p.join("d/loop")).unwrap();
        std::os::unix::fs::symlink(p.join("missing.yaml"), p.join("dangling.yaml")).unwrap();
        fs::write(p.join("ok.yaml"), "").unwrap();
        let d = discover(
            &[p.to_path_buf()],
            &Exclude::default(),
            &ReadScope::new([p]),
        )
        .unwrap();
        assert_eq!(displays(&d).len(), 1);
        let messages: Vec<&str> = d.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert!(
            messages.iter().any(|m| m.contains("symlink loop")),
            "{messages:?}"
        );
        assert!(
            messages.iter().any(|m| m.contains("dangling.yaml")),
            "{messages:?}"
        );
        assert!(d.diagnostics.iter().all(|d| d.code == UnknownCode::EP901));
    }
}
