//! Confined file reads. Templates and plans are untrusted input (a pull request from anyone),
//! and some of them name other files: a nested stack's `TemplateURL`, Terraform's
//! `file("../secret.env")`, a module's `source`. Whatever such a file holds can end up in a
//! report that many people read, so a scan reads a file only when it resolves, symlinks
//! included, inside one of the directories the scan may read (its [`ReadScope`]), and never a
//! special file (`/proc`, `/dev`, `/sys`, FIFOs, sockets, devices), whose reading could block,
//! never end, or hand out the process's own secrets (`/proc/self/environ`).
//!
//! ```
//! use egressproof_fs::{ReadError, ReadScope};
//! let dir = tempfile::tempdir().unwrap();
//! std::fs::create_dir(dir.path().join("infra")).unwrap();
//! std::fs::write(dir.path().join("infra/child.yaml"), "Resources: {}").unwrap();
//! std::fs::write(dir.path().join("secret.env"), "TOKEN=x").unwrap();
//! let scope = ReadScope::new([dir.path().join("infra")]);
//! let infra = dir.path().join("infra");
//! assert!(scope.read_to_string(&infra.join("child.yaml"), 1024).is_ok());
//! assert!(matches!(
//!     scope.read_to_string(&infra.join("../secret.env"), 1024),
//!     Err(ReadError::Outside)
//! ));
//! assert!(matches!(
//!     scope.read_to_string(std::path::Path::new("/proc/self/environ"), 1024),
//!     Err(ReadError::Special(_))
//! ));
//! ```
//!
//! Architecture invariant: every path a template names goes through a [`ReadScope`]; only the
//! paths a person gave on the command line (the scanned paths, `--var-file`, `--config`) are
//! opened without one.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

/// Trees of the filesystem that hold no input, only the kernel's view of processes and devices
/// (`/proc/self/environ` holds the CI job's secrets). Never read, whatever the scope says.
const SPECIAL_TREES: &[&str] = &["/proc", "/dev", "/sys"];

/// Why a path was not read. The text completes a sentence that starts with the path as the
/// template wrote it (`../secret.env: outside the directories ...`).
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    /// The path resolves outside every directory of the scope.
    #[error(
        "outside the directories this scan reads (the scanned paths and their repository, \
         symlinks resolved), so not read; to read it, allow its directory with \
         --allow-read DIR (or allow_read in .egressproof.toml)"
    )]
    Outside,
    /// A FIFO, socket, device, or a file of `/proc`, `/dev` or `/sys`.
    #[error("{0}, not a regular file; not read")]
    Special(&'static str),
    /// Nothing there (and the path stays inside the scope, so saying so reveals nothing).
    #[error("not found")]
    NotFound,
    /// A directory where a file was expected, or the other way round.
    #[error("{0}")]
    WrongKind(&'static str),
    #[error("larger than the limit of {limit} bytes; not read")]
    TooLarge { limit: u64 },
    #[error("not UTF-8 text")]
    NotText,
    #[error("cannot be read: {0}")]
    Io(#[from] io::Error),
}

/// The directories a scan may read, resolved once (symlinks included). Empty means nothing may
/// be read; see [`ReadScope::or_dirs`] for a loader's default.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadScope {
    roots: Vec<PathBuf>,
}

impl ReadScope {
    /// A scope of these directories; a file stands for the directory that holds it. A path
    /// that does not exist is left out: nothing in it could be read anyway.
    pub fn new<I, P>(dirs: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: AsRef<Path>,
    {
        let mut scope = ReadScope::default();
        for d in dirs {
            let _ = scope.allow(d.as_ref());
        }
        scope
    }

    /// Adds a directory (a file stands for its directory). Fails when it does not exist.
    pub fn allow(&mut self, dir: &Path) -> io::Result<()> {
        // `Path::parent` of a bare file name is the empty path: the current directory.
        let dir = if dir.as_os_str().is_empty() {
            Path::new(".")
        } else {
            dir
        };
        let canonical = std::fs::canonicalize(dir)?;
        let canonical = if canonical.is_dir() {
            canonical
        } else {
            match canonical.parent() {
                Some(p) => p.to_path_buf(),
                None => canonical,
            }
        };
        if !self.roots.contains(&canonical) {
            self.roots.push(canonical);
        }
        Ok(())
    }

    /// The resolved directories.
    pub fn roots(&self) -> &[PathBuf] {
        &self.roots
    }

    pub fn is_empty(&self) -> bool {
        self.roots.is_empty()
    }

    /// This scope, or when it is empty (a caller that chose none), a scope of `dirs`: a loader
    /// then reads inside its own inputs and nowhere else.
    pub fn or_dirs<I, P>(self, dirs: I) -> Self
    where
        I: IntoIterator<Item = P>,
        P: AsRef<Path>,
    {
        if self.is_empty() {
            ReadScope::new(dirs)
        } else {
            self
        }
    }

    /// Whether a resolved path lies inside one of the directories.
    pub fn contains(&self, resolved: &Path) -> bool {
        !is_special_tree(resolved) && self.roots.iter().any(|r| resolved.starts_with(r))
    }

    /// The resolved path of `path` when it is inside the scope and exists. A path that does not
    /// exist is [`ReadError::Outside`] when it would resolve outside (so that the answer does not
    /// tell whether a file exists elsewhere), else [`ReadError::NotFound`].
    fn resolve(&self, path: &Path) -> Result<(PathBuf, std::fs::Metadata), ReadError> {
        let (resolved, exists) = resolve_lenient(path)?;
        if is_special_tree(&resolved) {
            return Err(ReadError::Special("a file of /proc, /dev or /sys"));
        }
        if !self.contains(&resolved) {
            return Err(ReadError::Outside);
        }
        if !exists {
            return Err(ReadError::NotFound);
        }
        // The resolved path has no symlink left: this is the file itself.
        let meta = std::fs::symlink_metadata(&resolved)?;
        Ok((resolved, meta))
    }

    /// The resolved path of an existing file or directory inside the scope, whatever its kind
    /// (where a symlink met while walking a directory leads).
    pub fn locate(&self, path: &Path) -> Result<PathBuf, ReadError> {
        self.resolve(path).map(|(resolved, _)| resolved)
    }

    /// The resolved path of a regular file inside the scope (`fileexists`, a nested stack).
    pub fn file(&self, path: &Path) -> Result<PathBuf, ReadError> {
        let (resolved, meta) = self.resolve(path)?;
        check_regular(&meta)?;
        Ok(resolved)
    }

    /// The resolved path of a directory inside the scope (a module's source).
    pub fn dir(&self, path: &Path) -> Result<PathBuf, ReadError> {
        let (resolved, meta) = self.resolve(path)?;
        if meta.is_dir() {
            Ok(resolved)
        } else {
            Err(ReadError::WrongKind("not a directory"))
        }
    }

    /// Reads a regular file inside the scope, at most `limit` bytes.
    pub fn read(&self, path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
        let (resolved, meta) = self.resolve(path)?;
        check_regular(&meta)?;
        if meta.len() > limit {
            return Err(ReadError::TooLarge { limit });
        }
        let file = File::open(&resolved)?;
        // What was opened is what was checked: a path swapped for a FIFO or a link between the
        // check and the open is refused.
        let opened = file.metadata()?;
        check_regular(&opened)?;
        if !same_file(&meta, &opened) {
            return Err(ReadError::Io(io::Error::other(
                "the file changed while it was opened",
            )));
        }
        let mut bytes = Vec::new();
        file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
        if bytes.len() as u64 > limit {
            return Err(ReadError::TooLarge { limit });
        }
        Ok(bytes)
    }

    /// Reads a UTF-8 text file inside the scope, at most `limit` bytes.
    pub fn read_to_string(&self, path: &Path, limit: u64) -> Result<String, ReadError> {
        String::from_utf8(self.read(path, limit)?).map_err(|_| ReadError::NotText)
    }
}

/// The nearest directory at or above `path` that holds a `.git` (a checkout, a worktree or a
/// submodule): the repository a scanned path belongs to.
pub fn repository_root(path: &Path) -> Option<PathBuf> {
    let canonical = std::fs::canonicalize(path).ok()?;
    canonical
        .ancestors()
        .find(|d| std::fs::symlink_metadata(d.join(".git")).is_ok())
        .map(Path::to_path_buf)
}

fn is_special_tree(resolved: &Path) -> bool {
    SPECIAL_TREES.iter().any(|t| resolved.starts_with(t))
}

fn check_regular(meta: &std::fs::Metadata) -> Result<(), ReadError> {
    let ft = meta.file_type();
    if ft.is_file() {
        return Ok(());
    }
    if ft.is_dir() {
        return Err(ReadError::WrongKind("a directory, not a file"));
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return Err(ReadError::Special("a FIFO"));
        }
        if ft.is_socket() {
            return Err(ReadError::Special("a socket"));
        }
        if ft.is_block_device() || ft.is_char_device() {
            return Err(ReadError::Special("a device"));
        }
    }
    Err(ReadError::Special("a special file"))
}

#[cfg(unix)]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
fn same_file(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    a.len() == b.len()
}

/// `path` with every symlink resolved, and whether it exists. For a path that does not exist,
/// its longest existing ancestor is resolved and the rest folded on top of it (`..` included),
/// which is where the path would lead once created.
fn resolve_lenient(path: &Path) -> io::Result<(PathBuf, bool)> {
    let abs = std::path::absolute(path)?;
    if let Ok(c) = std::fs::canonicalize(&abs) {
        return Ok((c, true));
    }
    let mut rest: Vec<Component<'_>> = Vec::new();
    let mut base: &Path = &abs;
    let resolved_base = loop {
        match base.parent() {
            Some(parent) => {
                if let Some(last) = base.components().next_back() {
                    rest.push(last);
                }
                base = parent;
                if let Ok(c) = std::fs::canonicalize(base) {
                    break c;
                }
            }
            // Not even the filesystem root resolves: fold the whole path lexically.
            None => break PathBuf::from(std::path::MAIN_SEPARATOR_STR),
        }
    };
    let mut out = resolved_base;
    for c in rest.into_iter().rev() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            Component::Normal(n) => out.push(n),
            Component::RootDir | Component::Prefix(_) => out.push(c.as_os_str()),
        }
    }
    Ok((out, false))
}

#[cfg(test)]
mod tests;
