use super::*;
use std::fs;

/// `tree/scan/…` is the scanned directory, `tree/secret.env` lies beside it, outside.
struct Tree {
    _dir: tempfile::TempDir,
    root: PathBuf,
    scan: PathBuf,
}

fn tree() -> Tree {
    let dir = tempfile::tempdir().unwrap();
    let root = fs::canonicalize(dir.path()).unwrap();
    let scan = root.join("scan");
    fs::create_dir_all(scan.join("sub")).unwrap();
    fs::write(scan.join("sub/child.yaml"), "Resources: {}\n").unwrap();
    fs::write(root.join("secret.env"), "SECRET_TOKEN=canary\n").unwrap();
    fs::create_dir_all(root.join("elsewhere")).unwrap();
    fs::write(root.join("elsewhere/x.tf"), "x").unwrap();
    Tree {
        _dir: dir,
        root,
        scan,
    }
}

fn scope(t: &Tree) -> ReadScope {
    ReadScope::new([&t.scan])
}

#[test]
fn a_file_inside_is_read() {
    let t = tree();
    let text = scope(&t)
        .read_to_string(&t.scan.join("sub/child.yaml"), 1024)
        .unwrap();
    assert_eq!(text, "Resources: {}\n");
    // `..` that stays inside is fine.
    assert!(scope(&t)
        .read_to_string(&t.scan.join("sub/../sub/child.yaml"), 1024)
        .is_ok());
}

#[test]
fn dot_dot_out_of_the_scope_is_refused() {
    let t = tree();
    let err = scope(&t)
        .read_to_string(&t.scan.join("../secret.env"), 1024)
        .unwrap_err();
    assert!(matches!(err, ReadError::Outside), "{err}");
    assert!(err.to_string().contains("--allow-read DIR"), "{err}");
}

#[test]
fn an_absolute_path_outside_is_refused() {
    let t = tree();
    let err = scope(&t)
        .read(&t.root.join("secret.env"), 1024)
        .unwrap_err();
    assert!(matches!(err, ReadError::Outside), "{err}");
}

#[cfg(unix)]
#[test]
fn a_symlink_inside_that_leads_outside_is_refused() {
    let t = tree();
    std::os::unix::fs::symlink(t.root.join("secret.env"), t.scan.join("innocent.yaml")).unwrap();
    std::os::unix::fs::symlink(t.root.join("elsewhere"), t.scan.join("modules")).unwrap();
    let s = scope(&t);
    assert!(matches!(
        s.read(&t.scan.join("innocent.yaml"), 1024),
        Err(ReadError::Outside)
    ));
    assert!(matches!(
        s.read(&t.scan.join("modules/x.tf"), 1024),
        Err(ReadError::Outside)
    ));
    assert!(matches!(
        s.dir(&t.scan.join("modules")),
        Err(ReadError::Outside)
    ));
    assert!(matches!(
        s.file(&t.scan.join("innocent.yaml")),
        Err(ReadError::Outside)
    ));
}

#[cfg(unix)]
#[test]
fn a_symlink_that_stays_inside_is_followed() {
    let t = tree();
    std::os::unix::fs::symlink(t.scan.join("sub"), t.scan.join("alias")).unwrap();
    assert!(scope(&t)
        .read(&t.scan.join("alias/child.yaml"), 1024)
        .is_ok());
}

#[test]
fn a_missing_file_outside_is_outside_not_missing() {
    let t = tree();
    let s = scope(&t);
    assert!(matches!(
        s.read(&t.scan.join("../nothing-here"), 10),
        Err(ReadError::Outside)
    ));
    // Through a directory that does not exist either: folded, not trusted.
    assert!(matches!(
        s.read(&t.scan.join("no/such/../../../../etc/passwd"), 10),
        Err(ReadError::Outside)
    ));
    assert!(matches!(
        s.read(&t.scan.join("sub/nothing.yaml"), 10),
        Err(ReadError::NotFound)
    ));
}

#[test]
fn kernel_trees_are_never_read_even_when_allowed() {
    let everything = ReadScope::new(["/"]);
    for p in [
        "/proc/self/environ",
        "/proc/self/cmdline",
        "/dev/zero",
        "/sys/kernel",
    ] {
        let err = everything.read(Path::new(p), 1024).unwrap_err();
        assert!(matches!(err, ReadError::Special(_)), "{p}: {err}");
    }
    assert!(!everything.contains(Path::new("/proc/1/environ")));
}

#[cfg(unix)]
#[test]
fn a_fifo_inside_is_refused_without_blocking() {
    let t = tree();
    let fifo = t.scan.join("pipe.yaml");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    let err = scope(&t).read(&fifo, 1024).unwrap_err();
    assert!(matches!(err, ReadError::Special("a FIFO")), "{err}");
}

#[test]
fn directories_and_files_are_told_apart() {
    let t = tree();
    let s = scope(&t);
    assert!(matches!(
        s.read(&t.scan.join("sub"), 10),
        Err(ReadError::WrongKind(_))
    ));
    assert!(matches!(
        s.dir(&t.scan.join("sub/child.yaml")),
        Err(ReadError::WrongKind(_))
    ));
    assert_eq!(s.dir(&t.scan.join("sub")).unwrap(), t.scan.join("sub"));
    assert_eq!(
        s.file(&t.scan.join("sub/child.yaml")).unwrap(),
        t.scan.join("sub/child.yaml")
    );
}

#[test]
fn the_size_limit_holds() {
    let t = tree();
    fs::write(t.scan.join("big.yaml"), vec![b'a'; 100]).unwrap();
    let s = scope(&t);
    assert!(matches!(
        s.read(&t.scan.join("big.yaml"), 99),
        Err(ReadError::TooLarge { limit: 99 })
    ));
    assert_eq!(s.read(&t.scan.join("big.yaml"), 100).unwrap().len(), 100);
    fs::write(t.scan.join("bin.yaml"), [0xff, 0xfe]).unwrap();
    assert!(matches!(
        s.read_to_string(&t.scan.join("bin.yaml"), 10),
        Err(ReadError::NotText)
    ));
}

#[test]
fn a_file_stands_for_its_directory_and_missing_roots_are_dropped() {
    let t = tree();
    let s = ReadScope::new([t.scan.join("sub/child.yaml"), t.root.join("gone")]);
    assert_eq!(s.roots(), [t.scan.join("sub")]);
    let mut s = ReadScope::default();
    assert!(s.allow(&t.root.join("gone")).is_err());
    s.allow(&t.scan).unwrap();
    s.allow(&t.scan.join(".")).unwrap();
    assert_eq!(s.roots().len(), 1);
}

#[test]
fn an_empty_scope_reads_nothing_until_given_a_default() {
    let t = tree();
    let none = ReadScope::default();
    assert!(matches!(
        none.read(&t.scan.join("sub/child.yaml"), 1024),
        Err(ReadError::Outside)
    ));
    let defaulted = none.or_dirs([&t.scan]);
    assert!(defaulted.read(&t.scan.join("sub/child.yaml"), 1024).is_ok());
    let kept = ReadScope::new([&t.root]).or_dirs([&t.scan]);
    assert!(kept.read(&t.root.join("secret.env"), 1024).is_ok());
}

#[test]
fn the_repository_root_is_the_nearest_git_directory() {
    let t = tree();
    assert_eq!(repository_root(&t.scan.join("sub")), None);
    fs::create_dir(t.root.join(".git")).unwrap();
    assert_eq!(repository_root(&t.scan.join("sub")), Some(t.root.clone()));
    // A worktree or submodule has a `.git` file.
    fs::write(t.scan.join(".git"), "gitdir: ../.git/worktrees/x\n").unwrap();
    assert_eq!(repository_root(&t.scan.join("sub")), Some(t.scan.clone()));
}
