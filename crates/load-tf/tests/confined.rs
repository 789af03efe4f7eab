//! Terraform code is untrusted input: the files it names (`file`, `templatefile`,
//! `fileexists`, module sources, `.tfvars` and the `.tf` files of a module directory) are read
//! only inside the read scope, symlinks resolved, never from `/proc`; anything else is an
//! unknown that names the path and `--allow-read`, and its content never reaches the model.

use egressproof_load_tf::{load_dirs, ReadScope, TfOptions};
use egressproof_model::{Model, UnknownCode};
use std::path::Path;

const CANARY: &str = "outsidecanary7f3a";

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// `infra/` scanned, `secret.env`, `outside/` beside it.
fn tree(main_tf: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "secret.env", &format!("{CANARY}\n"));
    write(dir.path(), "infra/main.tf", main_tf);
    dir
}

fn load(dir: &Path, read: ReadScope) -> Model {
    load_dirs(
        &[(dir.join("infra"), "infra".to_string())],
        &TfOptions {
            read,
            ..TfOptions::default()
        },
    )
    .model
}

fn assert_no_canary(m: &Model) {
    let all = format!("{m:?}");
    assert!(!all.contains(CANARY), "the outside file was read:\n{all}");
}

/// The diagnostics of `code` whose message names `what`.
fn naming(m: &Model, code: UnknownCode, what: &str) -> Vec<String> {
    m.diagnostics
        .iter()
        .filter(|d| d.code == code && d.message.contains(what))
        .map(|d| d.message.clone())
        .collect()
}

fn assert_refused(m: &Model, code: UnknownCode, what: &str) {
    let found = naming(m, code, what);
    assert!(
        found.iter().any(|m| m.contains("--allow-read DIR")),
        "no {code:?} naming {what} and --allow-read: {:?}",
        m.diagnostics
    );
}

fn bucket_named(expr: &str) -> String {
    format!("resource \"aws_s3_bucket\" \"b\" {{\n  bucket = {expr}\n}}\n")
}

#[test]
fn file_outside_the_tree_is_an_ep902_and_is_not_read() {
    let dir = tree(&bucket_named(r#"trimspace(file("../secret.env"))"#));
    let m = load(dir.path(), ReadScope::default());
    assert_no_canary(&m);
    assert_refused(&m, UnknownCode::EP902, "../secret.env");

    // Allowed, it is read.
    let m = load(dir.path(), ReadScope::new([dir.path()]));
    assert!(format!("{m:?}").contains(CANARY));
    assert!(naming(&m, UnknownCode::EP902, "../secret.env").is_empty());
}

#[test]
fn templatefile_and_an_absolute_path_outside_are_refused() {
    let dir = tree(&bucket_named(
        r#"join("-", [templatefile("../secret.env", {}), file("/etc/hostname")])"#,
    ));
    let m = load(dir.path(), ReadScope::default());
    assert_no_canary(&m);
    assert_refused(&m, UnknownCode::EP902, "../secret.env");
    assert_refused(&m, UnknownCode::EP902, "/etc/hostname");
}

#[test]
fn proc_is_never_read_even_when_allowed() {
    let dir = tree(&bucket_named(r#"file("/proc/self/environ")"#));
    let m = load(dir.path(), ReadScope::new(["/"]));
    let found = naming(&m, UnknownCode::EP902, "/proc/self/environ");
    assert!(
        found
            .iter()
            .any(|m| m.contains("not a regular file; not read")),
        "{:?}",
        m.diagnostics
    );
}

/// `fileexists` of a path outside answers neither true nor false: either would tell whether
/// the file exists.
#[test]
fn fileexists_outside_is_unknown() {
    let dir = tree(&bucket_named(
        r#"fileexists("../secret.env") ? "yes" : "no""#,
    ));
    let m = load(dir.path(), ReadScope::default());
    let all = format!("{m:?}");
    assert!(!all.contains("\"yes\"") && !all.contains("\"no\""), "{all}");
    assert_refused(&m, UnknownCode::EP902, "../secret.env");
}

#[test]
fn a_module_outside_the_tree_is_not_read() {
    let dir = tree("module \"m\" {\n  source = \"../outside-mod\"\n}\n");
    write(
        dir.path(),
        "outside-mod/main.tf",
        &bucket_named(&format!("\"{CANARY}\"")),
    );
    let m = load(dir.path(), ReadScope::default());
    assert_no_canary(&m);
    assert_refused(&m, UnknownCode::EP902, "../outside-mod");

    let m = load(dir.path(), ReadScope::new([dir.path()]));
    assert!(format!("{m:?}").contains(CANARY));
}

#[cfg(unix)]
#[test]
fn symlinked_tf_and_tfvars_files_leading_out_are_not_read() {
    let dir =
        tree("variable \"name\" {}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = var.name\n}\n");
    write(
        dir.path(),
        "outside/extra.tf",
        &format!("resource \"aws_s3_bucket\" \"c\" {{\n  bucket = \"{CANARY}\"\n}}\n"),
    );
    write(
        dir.path(),
        "outside/vars",
        &format!("name = \"{CANARY}\"\n"),
    );
    let infra = dir.path().join("infra");
    std::os::unix::fs::symlink(dir.path().join("outside/extra.tf"), infra.join("extra.tf"))
        .unwrap();
    std::os::unix::fs::symlink(
        dir.path().join("outside/vars"),
        infra.join("terraform.tfvars"),
    )
    .unwrap();
    let m = load(dir.path(), ReadScope::default());
    assert_no_canary(&m);
    assert_refused(&m, UnknownCode::EP901, "--allow-read");
    assert!(
        m.diagnostics
            .iter()
            .filter(|d| d.message.contains("--allow-read"))
            .count()
            >= 2,
        "{:?}",
        m.diagnostics
    );
}

/// A variables file named on the command line is the user's choice: read wherever it is.
#[test]
fn var_files_from_the_command_line_are_read_wherever_they_are() {
    let dir =
        tree("variable \"name\" {}\nresource \"aws_s3_bucket\" \"b\" {\n  bucket = var.name\n}\n");
    write(
        dir.path(),
        "elsewhere/prod.tfvars",
        &format!("name = \"{CANARY}\"\n"),
    );
    let m = load_dirs(
        &[(dir.path().join("infra"), "infra".to_string())],
        &TfOptions {
            var_files: vec![dir.path().join("elsewhere/prod.tfvars")],
            ..TfOptions::default()
        },
    )
    .model;
    assert!(format!("{m:?}").contains(CANARY), "{:?}", m.diagnostics);
}

/// Inside the tree, `..` that stays inside and a module beside the root are still read.
#[test]
fn reads_inside_the_tree_still_work() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "infra/files/name.txt", "inside-name\n");
    write(
        dir.path(),
        "infra/root/main.tf",
        "module \"m\" {\n  source = \"../mod\"\n}\n",
    );
    write(
        dir.path(),
        "infra/mod/main.tf",
        &bucket_named(r#"trimspace(file("${path.module}/../files/name.txt"))"#),
    );
    let m = load_dirs(
        &[(dir.path().join("infra/root"), "infra/root".to_string())],
        &TfOptions {
            read: ReadScope::new([dir.path().join("infra")]),
            ..TfOptions::default()
        },
    )
    .model;
    assert!(
        format!("{m:?}").contains("inside-name"),
        "{:?}",
        m.diagnostics
    );
    assert!(m.diagnostics.is_empty(), "{:?}", m.diagnostics);
}
