//! Fingerprints on real scans: an estate of 300 generated templates (`scripts/gen-bench-corpus`),
//! the examples and every rule fixture, loaded and analysed as `egressproof scan` does. Every
//! finding and unknown must have its own fingerprint, and the same files must get the same
//! fingerprints wherever the checkout is, whatever the working directory and in whatever order
//! the inputs come.

use egressproof_analysis::{analyze_scan, Options, Scan};
use egressproof_load_cfn::{load, Input, LoadOptions};
use egressproof_load_tf::{load_dirs, TfOptions};
use egressproof_report::{Fingerprints, SourceRoot};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Writes the estate under `root`: `bench/` (300 templates), `examples/`, and the rule fixtures
/// (`fixtures/EPnnn/*.yaml`; each `.tf` in a module directory of its own under `fixtures-tf/`,
/// as the fixture harness loads them).
fn estate(root: &Path) {
    let script = workspace().join("scripts/gen-bench-corpus");
    let out = Command::new("python3")
        .arg(&script)
        .arg(root.join("bench"))
        .arg("100")
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "python3 is needed to run {} (the estate of this test): {e}",
                script.display()
            )
        });
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    copy_tree(&workspace().join("examples"), &root.join("examples"));
    let fixtures = workspace().join("crates/analysis/fixtures");
    for rule in std::fs::read_dir(&fixtures).unwrap() {
        let rule = rule.unwrap().path();
        for file in std::fs::read_dir(&rule).unwrap() {
            let file = file.unwrap().path();
            let rule_name = rule.file_name().unwrap().to_string_lossy().to_string();
            let stem = file.file_stem().unwrap().to_string_lossy().to_string();
            match file.extension().and_then(|e| e.to_str()) {
                Some("yaml") => {
                    let dir = root.join("fixtures").join(&rule_name);
                    std::fs::create_dir_all(&dir).unwrap();
                    std::fs::copy(&file, dir.join(file.file_name().unwrap())).unwrap();
                }
                Some("tf") => {
                    let dir = root.join("fixtures-tf").join(format!("{rule_name}_{stem}"));
                    std::fs::create_dir_all(&dir).unwrap();
                    std::fs::copy(&file, dir.join("main.tf")).unwrap();
                }
                _ => {}
            }
        }
    }
}

fn files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// A path as the command line would show it from `cwd`: relative below it, else absolute.
fn display(path: &Path, cwd: &Path) -> String {
    path.strip_prefix(cwd)
        .map(|p| p.to_string_lossy().to_string())
        .unwrap_or_else(|_| path.to_string_lossy().to_string())
}

/// Scans the estate under `root` as if run from `cwd`, the inputs in sorted or reversed order.
fn scan(root: &Path, cwd: &Path, reversed: bool) -> Scan {
    let mut all = Vec::new();
    files(root, &mut all);
    all.sort();
    if reversed {
        all.reverse();
    }
    let inputs: Vec<Input> = all
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .map(|p| Input {
            path: p.clone(),
            display: display(p, cwd),
        })
        .collect();
    let mut dirs: Vec<(PathBuf, String)> = all
        .iter()
        .filter(|p| p.extension().is_some_and(|e| e == "tf"))
        .filter_map(|p| p.parent())
        .map(|d| (d.to_path_buf(), display(d, cwd)))
        .collect();
    dirs.dedup();
    let mut model = load(&inputs, &LoadOptions::default()).model;
    model.extend(load_dirs(&dirs, &TfOptions::default()).model);
    analyze_scan(model, &Options::default(), &[])
}

fn results(scan: &Scan) -> usize {
    scan.environments
        .iter()
        .map(|e| e.analysis.findings.len() + e.analysis.unknowns.len())
        .sum()
}

/// How many results share their fingerprint with another one.
fn colliding(prints: &[&str]) -> usize {
    let mut count: BTreeMap<&str, usize> = BTreeMap::new();
    for p in prints {
        *count.entry(p).or_default() += 1;
    }
    count.values().filter(|&&n| n > 1).sum()
}

/// Each result's fingerprint with what it is, for a readable failure.
fn described(scan: &Scan, prints: &Fingerprints) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for (e, env) in scan.environments.iter().enumerate() {
        for (i, f) in env.analysis.findings.iter().enumerate() {
            let what = format!(
                "{} {} in {}: {} ({}) at {}: {}",
                f.rule,
                env.name,
                env.inputs.len(),
                f.resource.name,
                f.resource.type_name,
                f.resource.span.file,
                f.message
            );
            out.insert(prints.finding(e, i).unwrap().to_string(), what);
        }
        for (i, u) in env.analysis.unknowns.iter().enumerate() {
            let what = format!("{} {}: {} at {:?}", u.rule, env.name, u.message, u.span);
            out.insert(prints.unknown(e, i).unwrap().to_string(), what);
        }
    }
    out
}

/// The fingerprints of two scans of the same files agree; on failure, the first results that
/// differ.
fn assert_same(a: (&Scan, &Fingerprints), b: (&Scan, &Fingerprints)) {
    let (a, b) = (described(a.0, a.1), described(b.0, b.1));
    let only_a: Vec<&String> = a
        .iter()
        .filter(|(k, _)| !b.contains_key(*k))
        .map(|(_, v)| v)
        .take(8)
        .collect();
    let only_b: Vec<&String> = b
        .iter()
        .filter(|(k, _)| !a.contains_key(*k))
        .map(|(_, v)| v)
        .take(8)
        .collect();
    assert!(
        only_a.is_empty() && only_b.is_empty(),
        "only in the first:\n{only_a:#?}\nonly in the second:\n{only_b:#?}"
    );
}

#[test]
fn every_result_of_an_estate_has_its_own_fingerprint_wherever_it_is_scanned() {
    let tmp = tempfile::tempdir().unwrap();
    let here = tmp.path().join("checkout-a");
    estate(&here);
    let scanned = scan(&here, tmp.path(), false);
    let n = results(&scanned);
    let inputs: usize = scanned.environments.iter().map(|e| e.inputs.len()).sum();
    assert!(inputs >= 326, "the estate holds {inputs} inputs");
    assert!(n > 1000, "the estate gives {n} results");
    let prints = Fingerprints::of(&scanned, &SourceRoot::new(&here, tmp.path()));
    let all: Vec<&str> = prints.iter().collect();
    assert_eq!(all.len(), n);
    assert!(all.iter().all(|p| p.len() == 16), "{all:?}");
    assert_eq!(colliding(&all), 0, "{n} results of {inputs} inputs");

    // The same files in another checkout, scanned from elsewhere (absolute paths) and in the
    // other order: the same fingerprints.
    let there = tmp.path().join("elsewhere/checkout-b");
    copy_tree(&here, &there);
    let nowhere = Path::new("/nowhere");
    let other = scan(&there, nowhere, true);
    assert_eq!(results(&other), n);
    let again = Fingerprints::of(&other, &SourceRoot::new(&there, nowhere));
    assert_same((&scanned, &prints), (&other, &again));
    // And from inside the checkout, with paths relative to a subdirectory.
    let inside = there.join("bench");
    let third = scan(&there, &inside, false);
    let third_prints = Fingerprints::of(&third, &SourceRoot::new(&there, &inside));
    assert_same((&scanned, &prints), (&third, &third_prints));
}
