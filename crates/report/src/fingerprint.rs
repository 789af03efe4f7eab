//! Stable identities of results: one fingerprint per finding and per unknown of a scan, for
//! SARIF `partialFingerprints` (GitHub code scanning tracks an alert by it) and for baselines
//! (a finding accepted once is recognised in the next scan).
//!
//! A fingerprint must be:
//! - **unique** within a scan: two results that GitHub would merge into one alert hide one of
//!   them. It hashes the rule, the environment, the resource (type, name, file) and every hop
//!   of the channel with its note: two EP503 results on one role differ only in the hop that
//!   names the missing condition key, and that hop is what tells them apart. Results that still
//!   hash alike (an unknown repeated at two lines of one file) are numbered in an order of
//!   their full content, never in the order the scan found them.
//! - **stable** across runs, checkouts and working directories: files are named relative to
//!   the repository root ([`SourceRoot`]), never as typed on the command line, and line numbers
//!   are left out, so an alert survives an edit above it.
//! - **free of secrets**: every part is redacted before it is hashed ([`crate::redact`]), so a
//!   fingerprint is the same whether computed on the scan or on its redacted copy, and a short
//!   hash never confirms a guessed credential.
//!
//! The hash is 64-bit FNV-1a: fixed by its definition (unlike `DefaultHasher`, which may
//! change between Rust releases); not a security boundary.

use crate::redact::redact;
use egressproof_analysis::{Environment, Finding, Scan, UnknownFinding};
use egressproof_model::Span;
use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};

/// The key of our fingerprint in SARIF `partialFingerprints`. v1 hashed no environment and no
/// hop (results on one resource collided); bump the version whenever what is hashed changes.
pub const KEY: &str = "egressproof/v2";

/// Where the files of a scan are named from: the repository root, and the directory that the
/// paths of the command line are relative to (the working directory). Both absolute; without
/// them (the default) a file is named as the scan names it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SourceRoot {
    root: Option<PathBuf>,
    base: Option<PathBuf>,
}

/// Where a span's file is, as a report names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Located {
    /// No file: a hop outside the scan (the internet).
    Nowhere,
    /// A live resource, named by its ARN.
    Arn(String),
    /// A file under the repository root: its path relative to the root, with `/`.
    InRoot(String),
    /// A file outside the root (or any file, without a root): its path, absolute when known.
    Outside(String),
}

impl SourceRoot {
    /// Files are named relative to `root`; relative paths of the scan are taken from `base`.
    pub fn new(root: impl Into<PathBuf>, base: impl Into<PathBuf>) -> Self {
        SourceRoot {
            root: Some(normalize(&root.into())),
            base: Some(normalize(&base.into())),
        }
    }

    /// The repository root, when there is one.
    pub fn root(&self) -> Option<&Path> {
        self.root.as_deref()
    }

    /// Where a file of the scan is. Purely lexical (`..` and `.` resolved on the path's text):
    /// the report reads no file system.
    pub fn locate(&self, file: &str) -> Located {
        if file.is_empty() {
            return Located::Nowhere;
        }
        if file.starts_with("arn:") {
            return Located::Arn(file.to_string());
        }
        // Windows separators as `/`, on any host: a report names a file the same way
        // wherever it is rendered (a `\\` in a Unix file name is not worth a second name).
        let file = file.replace('\\', "/");
        let path = Path::new(&file);
        let absolute = match (&self.base, path.is_absolute()) {
            (_, true) => normalize(path),
            (Some(base), false) => normalize(&base.join(path)),
            (None, false) => {
                return Located::InRoot(slashes(&normalize(path)));
            }
        };
        match self
            .root
            .as_deref()
            .and_then(|r| absolute.strip_prefix(r).ok())
        {
            Some(rel) if !rel.as_os_str().is_empty() => Located::InRoot(slashes(rel)),
            _ => Located::Outside(slashes(&absolute)),
        }
    }

    /// A file as fingerprints and reports name it: relative to the root when under it.
    pub fn name(&self, file: &str) -> String {
        match self.locate(file) {
            Located::Nowhere => String::new(),
            Located::Arn(s) | Located::InRoot(s) | Located::Outside(s) => s,
        }
    }
}

/// `a/./b/../c` as `a/c`, lexically; a `..` above the start is kept (`../x` stays).
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                let poppable = matches!(out.components().next_back(), Some(Component::Normal(_)));
                if poppable {
                    out.pop();
                } else if !matches!(
                    out.components().next_back(),
                    Some(Component::RootDir | Component::Prefix(_))
                ) {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

fn slashes(path: &Path) -> String {
    path.to_string_lossy().replace('\\', "/")
}

/// The fingerprints of a scan, one per finding and per unknown of each environment, in the
/// scan's order (`environments[e].analysis.findings[i]`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Fingerprints {
    findings: Vec<Vec<String>>,
    unknowns: Vec<Vec<String>>,
}

impl Fingerprints {
    /// Computes every fingerprint of the scan. Linear in the results (plus sorting the few that
    /// hash alike).
    pub fn of(scan: &Scan, root: &SourceRoot) -> Fingerprints {
        let mut pending: Vec<Pending> = Vec::new();
        for (e, env) in scan.environments.iter().enumerate() {
            let env_name = environment_name(env, root);
            for (i, f) in env.analysis.findings.iter().enumerate() {
                pending.push(Pending::finding(e, i, &env_name, f, root));
            }
            for (i, u) in env.analysis.unknowns.iter().enumerate() {
                pending.push(Pending::unknown(e, i, &env_name, u, root));
            }
        }
        let mut out = Fingerprints {
            findings: scan
                .environments
                .iter()
                .map(|e| vec![String::new(); e.analysis.findings.len()])
                .collect(),
            unknowns: scan
                .environments
                .iter()
                .map(|e| vec![String::new(); e.analysis.unknowns.len()])
                .collect(),
        };
        for p in number_alike(pending) {
            let slot = match p.what {
                What::Finding => &mut out.findings,
                What::Unknown => &mut out.unknowns,
            };
            if let Some(s) = slot.get_mut(p.env).and_then(|v| v.get_mut(p.index)) {
                *s = p.print;
            }
        }
        out
    }

    /// The fingerprint of `scan.environments[env].analysis.findings[index]`.
    pub fn finding(&self, env: usize, index: usize) -> Option<&str> {
        self.findings.get(env)?.get(index).map(String::as_str)
    }

    /// The fingerprint of `scan.environments[env].analysis.unknowns[index]`.
    pub fn unknown(&self, env: usize, index: usize) -> Option<&str> {
        self.unknowns.get(env)?.get(index).map(String::as_str)
    }

    /// Every fingerprint, findings then unknowns of each environment.
    pub fn iter(&self) -> impl Iterator<Item = &str> {
        self.findings
            .iter()
            .zip(&self.unknowns)
            .flat_map(|(f, u)| f.iter().chain(u))
            .map(String::as_str)
    }
}

/// An environment's name: its first input's path names it unless the configuration did, and
/// that path is named from the root like any file.
pub(crate) fn environment_name(env: &Environment, root: &SourceRoot) -> String {
    if env.inputs.first() == Some(&env.name) {
        root.name(&env.name)
    } else {
        env.name.clone()
    }
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum What {
    Finding,
    Unknown,
}

/// A result on its way to its fingerprint.
struct Pending {
    what: What,
    env: usize,
    index: usize,
    /// What identifies it (hashed).
    identity: Vec<String>,
    /// What tells apart results of one identity (lines, the message), for numbering only.
    detail: Vec<String>,
    print: String,
}

impl Pending {
    fn finding(env: usize, index: usize, env_name: &str, f: &Finding, root: &SourceRoot) -> Self {
        let files: Vec<&str> = std::iter::once(&f.resource)
            .chain(f.path.iter().map(|h| &h.resource))
            .map(|r| r.span.file.as_str())
            .collect();
        let mut identity = vec![
            "finding".to_string(),
            f.rule.as_str().to_string(),
            env_name.to_string(),
            f.resource.type_name.clone(),
            f.resource.name.clone(),
            root.name(&f.resource.span.file),
        ];
        for h in &f.path {
            identity.extend([
                h.resource.type_name.clone(),
                h.resource.name.clone(),
                root.name(&h.resource.span.file),
                named_files(&h.note, &files, root),
            ]);
        }
        let mut detail = vec![lines(&f.resource.span), f.message.clone()];
        detail.extend(f.path.iter().map(|h| lines(&h.resource.span)));
        Pending::new(What::Finding, env, index, identity, detail)
    }

    fn unknown(
        env: usize,
        index: usize,
        env_name: &str,
        u: &UnknownFinding,
        root: &SourceRoot,
    ) -> Self {
        let file = u.span.as_ref().map(|s| s.file.as_str()).unwrap_or_default();
        let identity = vec![
            "unknown".to_string(),
            u.rule.as_str().to_string(),
            env_name.to_string(),
            root.name(file),
            named_files(&u.message, &[file], root),
        ];
        let detail = vec![u.span.as_ref().map(lines).unwrap_or_default()];
        Pending::new(What::Unknown, env, index, identity, detail)
    }

    fn new(
        what: What,
        env: usize,
        index: usize,
        identity: Vec<String>,
        detail: Vec<String>,
    ) -> Self {
        let identity: Vec<String> = identity
            .into_iter()
            .map(|s| redact(&s).into_owned())
            .collect();
        let detail = detail
            .into_iter()
            .map(|s| redact(&s).into_owned())
            .collect();
        let print = fnv1a(identity.iter().map(String::as_str));
        Pending {
            what,
            env,
            index,
            identity,
            detail,
            print,
        }
    }
}

/// A text that names the result's own files (an EP801 note, an EP901 message) names them as
/// the command line did: named from the root instead, so the fingerprint does not depend on
/// the working directory. Longest first, so a file is not replaced inside a longer one.
fn named_files(text: &str, files: &[&str], root: &SourceRoot) -> String {
    let mut files: Vec<&str> = files.iter().copied().filter(|f| !f.is_empty()).collect();
    files.sort_by_key(|f| std::cmp::Reverse(f.len()));
    files.dedup();
    let mut out = text.to_string();
    for file in files {
        let named = root.name(file);
        if named != file && out.contains(file) {
            out = out.replace(file, &named);
        }
    }
    out
}

fn lines(span: &Span) -> String {
    format!("{}:{}", span.line, span.column)
}

/// Results whose fingerprints are equal get their number among them (by identity, then
/// detail) hashed in, so each is unique and the numbering does not depend on the order the
/// scan found them. Exact duplicates keep the order they came in, and are told apart all
/// the same.
fn number_alike(mut pending: Vec<Pending>) -> Vec<Pending> {
    let mut count: HashMap<String, usize> = HashMap::new();
    for p in &pending {
        *count.entry(p.print.clone()).or_default() += 1;
    }
    if count.values().all(|&n| n == 1) {
        return pending;
    }
    pending.sort_by(|a, b| {
        (&a.print, &a.identity, &a.detail).cmp(&(&b.print, &b.identity, &b.detail))
    });
    let mut taken: HashMap<String, usize> = HashMap::new();
    let mut seen: std::collections::HashSet<String> = pending
        .iter()
        .filter(|p| count.get(&p.print) == Some(&1))
        .map(|p| p.print.clone())
        .collect();
    for p in &mut pending {
        if count.get(&p.print).copied().unwrap_or(1) < 2 {
            continue;
        }
        let n = taken.entry(p.print.clone()).or_default();
        loop {
            *n += 1;
            let ordinal = n.to_string();
            let candidate = fnv1a(
                p.identity
                    .iter()
                    .map(String::as_str)
                    .chain(["#", ordinal.as_str()]),
            );
            // A numbered print equal to another result's print (2^-64 per pair) takes the
            // next number: uniqueness is checked, not hoped for.
            if seen.insert(candidate.clone()) {
                p.print = candidate;
                break;
            }
        }
    }
    pending
}

/// 64-bit FNV-1a over the parts, each ended by a NUL (so `["a", "bc"]` and `["ab", "c"]`
/// differ), as 16 hex digits.
pub(crate) fn fnv1a<'a>(parts: impl IntoIterator<Item = &'a str>) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in parts {
        for b in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(b);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_hash_is_fixed() {
        // Changing it would re-open every alert on GitHub: bump KEY instead.
        assert_eq!(fnv1a([]), "cbf29ce484222325");
        assert_eq!(fnv1a(["a"]), "089be207b544f1e4");
        assert_ne!(fnv1a(["a", "bc"]), fnv1a(["ab", "c"]));
    }

    #[test]
    fn files_are_named_from_the_root() {
        let root = SourceRoot::new("/repo", "/repo/infra");
        assert_eq!(
            root.locate("net.yaml"),
            Located::InRoot("infra/net.yaml".into())
        );
        assert_eq!(
            root.locate("./a/../net.yaml"),
            Located::InRoot("infra/net.yaml".into())
        );
        assert_eq!(root.locate("../x/y.tf"), Located::InRoot("x/y.tf".into()));
        assert_eq!(
            root.locate("/repo/x/y.tf"),
            Located::InRoot("x/y.tf".into())
        );
        assert_eq!(
            root.locate("/repository/y.tf"),
            Located::Outside("/repository/y.tf".into())
        );
        assert_eq!(
            root.locate("../../etc/x.yaml"),
            Located::Outside("/etc/x.yaml".into())
        );
        assert_eq!(root.locate("/../../x"), Located::Outside("/x".into()));
        assert_eq!(root.locate(""), Located::Nowhere);
        let arn = "arn:aws:ec2:eu-west-1:111122223333:vpc/vpc-1";
        assert_eq!(root.locate(arn), Located::Arn(arn.into()));
        // Without a root, a file is named as given, tidied.
        let none = SourceRoot::default();
        assert_eq!(
            none.locate("./infra/net.yaml"),
            Located::InRoot("infra/net.yaml".into())
        );
        assert_eq!(
            none.locate("/abs/net.yaml"),
            Located::Outside("/abs/net.yaml".into())
        );
    }

    #[test]
    fn redaction_is_idempotent_so_prints_agree_on_redacted_scans() {
        for s in [
            "password=hunter2 and AKIAABCDEFGHIJKLMNOP",
            "token: \"abc\"",
            "-----BEGIN RSA PRIVATE KEY-----\nx\n-----END RSA PRIVATE KEY-----",
        ] {
            let once = redact(s).into_owned();
            assert_eq!(redact(&once), once, "{s}");
        }
    }
}
