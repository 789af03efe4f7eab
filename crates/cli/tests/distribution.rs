//! The ways egressproof is shipped stay true to the CLI: the GitHub Action (`action.yml`), the
//! container image (`Dockerfile`) and the pre-commit hook (`.pre-commit-hooks.yaml`). Each is
//! read as what it is (YAML through the YAML parser, the Dockerfile by instruction) and checked
//! against the binary, the manifest and the README, so that a renamed flag or feature fails here
//! rather than in a user's pipeline.

use assert_cmd::Command;
use saphyr_parser::{Event, Parser};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

fn repo_file(name: &str) -> String {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(name);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// A YAML document as a tree (enough for these files: no anchors or tags).
#[derive(Debug, Clone, PartialEq)]
enum Yaml {
    Scalar(String),
    Seq(Vec<Yaml>),
    Map(BTreeMap<String, Yaml>),
}

impl Yaml {
    fn get(&self, key: &str) -> Option<&Yaml> {
        match self {
            Yaml::Map(m) => m.get(key),
            _ => None,
        }
    }

    fn str(&self) -> Option<&str> {
        match self {
            Yaml::Scalar(s) => Some(s),
            _ => None,
        }
    }

    fn keys(&self) -> BTreeSet<String> {
        match self {
            Yaml::Map(m) => m.keys().cloned().collect(),
            _ => BTreeSet::new(),
        }
    }

    /// Every scalar below this node (keys excluded).
    fn scalars<'a>(&'a self, out: &mut Vec<&'a str>) {
        match self {
            Yaml::Scalar(s) => out.push(s),
            Yaml::Seq(items) => items.iter().for_each(|i| i.scalars(out)),
            Yaml::Map(m) => m.values().for_each(|v| v.scalars(out)),
        }
    }
}

/// Parses one YAML document; panics (the test fails) on anything that is not well-formed.
fn parse_yaml(text: &str) -> Yaml {
    let mut stack: Vec<(Yaml, Option<String>)> = Vec::new();
    let mut done = None;
    for ev in Parser::new_from_str(text) {
        let (ev, span) = ev.unwrap_or_else(|e| panic!("not YAML: {e:?}"));
        let node = match ev {
            Event::MappingStart(..) => {
                stack.push((Yaml::Map(BTreeMap::new()), None));
                continue;
            }
            Event::SequenceStart(..) => {
                stack.push((Yaml::Seq(Vec::new()), None));
                continue;
            }
            Event::MappingEnd | Event::SequenceEnd => match stack.pop() {
                Some((node, _)) => node,
                None => panic!("unbalanced YAML at {span:?}"),
            },
            Event::Scalar(value, ..) => Yaml::Scalar(value.into_owned()),
            Event::Alias(_) => panic!("aliases are not expected at {span:?}"),
            _ => continue,
        };
        match stack.last_mut() {
            None => done = Some(node),
            Some((Yaml::Seq(items), _)) => items.push(node),
            Some((Yaml::Map(m), key)) => match key.take() {
                None => match node {
                    Yaml::Scalar(k) => *key = Some(k),
                    other => panic!("a mapping key that is not a scalar: {other:?}"),
                },
                Some(k) => {
                    assert!(m.insert(k.clone(), node).is_none(), "duplicate key {k}");
                }
            },
            Some((Yaml::Scalar(_), _)) => unreachable!("scalars are never on the stack"),
        }
    }
    done.expect("an empty YAML document")
}

/// The names of `${{ inputs.NAME }}` expressions in a text.
fn input_refs(text: &str, out: &mut BTreeSet<String>) {
    let mut rest = text;
    while let Some(i) = rest.find("${{") {
        let after = &rest[i + 3..];
        let end = after.find("}}").expect("an unterminated ${{ expression");
        let expr = after[..end].trim();
        if let Some(name) = expr.strip_prefix("inputs.") {
            out.insert(name.to_string());
        }
        rest = &after[end + 2..];
    }
}

/// Shell variables (`$NAME` or `${NAME}`) a script reads whose name starts with `prefix`.
fn shell_vars(script: &str, prefix: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for (i, _) in script.match_indices('$') {
        let rest = script[i + 1..].trim_start_matches('{');
        let name: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if name.starts_with(prefix) {
            out.insert(name);
        }
    }
    out
}

fn action() -> Yaml {
    parse_yaml(&repo_file("action.yml"))
}

#[test]
fn action_declares_every_input_it_uses_and_uses_every_input_it_declares() {
    let action = action();
    let declared = action.get("inputs").expect("inputs").keys();
    for want in ["paths", "format", "output", "baseline", "fail-on", "args"] {
        assert!(declared.contains(want), "input {want} is not declared");
    }
    let runs = action.get("runs").expect("runs");
    assert_eq!(runs.get("using").and_then(Yaml::str), Some("composite"));
    let mut texts = Vec::new();
    runs.scalars(&mut texts);
    if let Some(outputs) = action.get("outputs") {
        outputs.scalars(&mut texts);
    }
    let mut used = BTreeSet::new();
    for t in texts {
        input_refs(t, &mut used);
    }
    assert_eq!(
        used, declared,
        "inputs used in the steps against inputs declared"
    );
    let Some(Yaml::Map(inputs)) = action.get("inputs") else {
        panic!("inputs is not a mapping")
    };
    for (name, input) in inputs {
        assert!(
            input.get("description").and_then(Yaml::str).is_some(),
            "input {name} has no description"
        );
    }
}

/// The steps of the action, each a map.
fn steps() -> Vec<Yaml> {
    match action().get("runs").and_then(|r| r.get("steps")) {
        Some(Yaml::Seq(s)) => s.clone(),
        other => panic!("runs.steps is not a list: {other:?}"),
    }
}

#[test]
fn action_scripts_read_inputs_only_through_their_environment() {
    for step in steps() {
        let Some(script) = step.get("run").and_then(Yaml::str) else {
            continue;
        };
        assert!(
            step.get("shell").and_then(Yaml::str).is_some(),
            "a composite step needs a shell"
        );
        // An input spliced into the script would be shell code from the workflow's author
        // (or from a pull request's title): only the environment carries them.
        let mut spliced = BTreeSet::new();
        input_refs(script, &mut spliced);
        assert!(
            spliced.is_empty(),
            "inputs spliced into a script: {spliced:?}"
        );
        let env = step.get("env").map(Yaml::keys).unwrap_or_default();
        let read = shell_vars(script, "EP_");
        assert_eq!(
            read, env,
            "variables the script reads against those its step sets"
        );
    }
}

#[test]
fn action_passes_only_flags_that_scan_accepts() {
    let help = Command::cargo_bin("egressproof")
        .expect("binary")
        .args(["scan", "--help"])
        .output()
        .expect("run");
    let help = String::from_utf8_lossy(&help.stdout).into_owned();
    let scan = steps()
        .into_iter()
        .find(|s| s.get("id").and_then(Yaml::str) == Some("scan"))
        .expect("a step with id scan");
    let script = scan.get("run").and_then(Yaml::str).expect("a script");
    let flags: BTreeSet<&str> = script
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')')
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .collect();
    assert!(flags.contains("--baseline") && flags.contains("--fail-on"));
    for flag in flags {
        assert!(
            help.contains(&format!("{flag} ")) || help.contains(&format!("{flag}\n")),
            "the action passes {flag}, which `egressproof scan --help` does not list:\n{help}"
        );
    }
}

/// The Dockerfile's instructions, continuation lines joined, comments dropped.
fn dockerfile() -> Vec<(String, String)> {
    let text = repo_file("Dockerfile");
    let mut out = Vec::new();
    let mut current = String::new();
    for line in text.lines() {
        let line = line.trim();
        if line.starts_with('#') || (line.is_empty() && current.is_empty()) {
            continue;
        }
        match line.strip_suffix('\\') {
            Some(part) => {
                current.push_str(part.trim());
                current.push(' ');
            }
            None => {
                current.push_str(line);
                let (op, args) = current.split_once(' ').unwrap_or((&current, ""));
                out.push((op.to_uppercase(), args.trim().to_string()));
                current.clear();
            }
        }
    }
    out
}

#[test]
fn dockerfile_builds_what_the_readme_documents_with_a_feature_that_exists() {
    let steps = dockerfile();
    let build = steps
        .iter()
        .filter(|(op, _)| op == "RUN")
        .find_map(|(_, args)| {
            args.split("&&")
                .map(str::trim)
                .find(|c| c.starts_with("cargo build"))
        })
        .expect("a RUN cargo build");
    let readme = repo_file("README.md");
    assert!(
        readme.contains(build),
        "README does not document the image's build command `{build}`"
    );
    let words: Vec<&str> = build.split_whitespace().collect();
    let feature = words
        .iter()
        .position(|w| *w == "--features")
        .and_then(|i| words.get(i + 1))
        .expect("the build names its features");
    let manifest: toml::Table = repo_file("crates/cli/Cargo.toml").parse().expect("TOML");
    let features = manifest
        .get("features")
        .and_then(|f| f.as_table())
        .expect("[features]");
    assert!(
        features.contains_key(*feature),
        "feature {feature} is not one of {:?}",
        features.keys().collect::<Vec<_>>()
    );
    assert!(words.contains(&"--locked") && words.contains(&"--release"));
}

#[test]
fn docker_image_runs_the_binary_as_a_user_other_than_root() {
    let steps = dockerfile();
    let stages = steps.iter().filter(|(op, _)| op == "FROM").count();
    assert!(stages >= 2, "a multi-stage build: {steps:?}");
    let last_from = steps
        .iter()
        .rposition(|(op, _)| op == "FROM")
        .expect("FROM");
    let runtime = &steps[last_from..];
    let user = runtime
        .iter()
        .rev()
        .find(|(op, _)| op == "USER")
        .map(|(_, u)| u.as_str())
        .expect("the runtime stage sets USER");
    assert!(
        !["root", "0", "0:0"].contains(&user),
        "the image runs as {user}"
    );
    let entry = runtime
        .iter()
        .find(|(op, _)| op == "ENTRYPOINT")
        .map(|(_, e)| e.as_str())
        .expect("ENTRYPOINT");
    let copied = runtime
        .iter()
        .any(|(op, a)| op == "COPY" && a.contains("--from=") && a.ends_with("/egressproof"));
    assert!(copied, "the runtime stage copies the built binary");
    assert!(entry.contains("egressproof\""), "entrypoint {entry}");
    let ignore = repo_file(".dockerignore");
    assert!(
        ignore.lines().any(|l| l.trim() == "target/"),
        ".dockerignore keeps the build output out of the context"
    );
}

#[test]
fn pre_commit_hook_runs_on_every_file_the_scan_reads() {
    let hooks = parse_yaml(&repo_file(".pre-commit-hooks.yaml"));
    let Yaml::Seq(hooks) = hooks else {
        panic!("a list of hooks")
    };
    let hook = hooks
        .iter()
        .find(|h| h.get("id").and_then(Yaml::str) == Some("egressproof"))
        .expect("the egressproof hook");
    assert_eq!(
        hook.get("entry").and_then(Yaml::str),
        Some("egressproof scan")
    );
    // File types would AND with `files`, and pre-commit's types know no `.template`.
    assert!(hook.get("types").is_none() && hook.get("types_or").is_none());
    let files = hook.get("files").and_then(Yaml::str).expect("files");
    // The pattern is one alternation of extensions (a Python regex: read by its structure).
    let inner = files
        .strip_prefix(r"(\.(")
        .and_then(|r| r.split_once(')'))
        .map(|(exts, _)| exts)
        .expect(r"files starts with (\.(ext|ext...)");
    let exts: BTreeSet<&str> = inner.split('|').collect();
    for want in ["yaml", "yml", "json", "template", "tf", "tfvars"] {
        assert!(exts.contains(want), ".{want} is not matched by {files}");
    }
    assert!(files.ends_with(")$"), "anchored at the end: {files}");
    assert!(
        files.contains(r"\.egressproof\.toml"),
        "the configuration file"
    );
}
