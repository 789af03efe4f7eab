//! The CloudFormation loader: reads templates (YAML and JSON) and lowers them onto the egressproof
//! [`Model`]. It knows the template language (intrinsic functions, parameters, conditions,
//! mappings, imports, nested stacks) and CloudFormation's resource types; it knows nothing of the
//! rules that will read the model.
//!
//! ```
//! use egressproof_load_cfn::{load, Input, LoadOptions};
//! use egressproof_model::Kind;
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("nb.yaml");
//! std::fs::write(&path, "Resources:\n  Nb:\n    Type: AWS::SageMaker::NotebookInstance\n    Properties:\n      DirectInternetAccess: Disabled\n").unwrap();
//! let loaded = load(&[Input { path, display: "nb.yaml".into() }], &LoadOptions::default());
//! assert_eq!(loaded.templates, 1);
//! let nb = &loaded.model.resources[0];
//! assert_eq!(nb.id.as_str(), "nb.yaml#Nb");
//! assert_eq!((nb.span.line, nb.span.column), (2, 3));
//! assert!(matches!(nb.kind, Kind::NotebookInstance(_)));
//! ```
//!
//! Architecture invariants:
//! - loading never fails the scan and never panics: a file that cannot be read or parsed is an
//!   `EP901` diagnostic, and the other files are still loaded;
//! - nothing unresolved is guessed: it becomes an explicit unknown with the reason and the place
//!   it was written (and a resource whose `Condition` is not known is still loaded, since it may
//!   exist);
//! - values that exist only at deploy time (`AWS::AccountId`, `!Ref Vpc`) stay symbolic.

mod coverage;
mod foreach;
mod lower;
mod nested;
mod pipeline;
mod resolve;
mod suppress;
mod tree;

pub use coverage::COVERAGE;
pub use egressproof_fs::ReadScope;
use egressproof_model::{Diagnostic, InputKind, Model, SharedName, Span, UnknownCode, Value};
use rayon::prelude::*;
use resolve::{Ctx, Stack};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Read;
use std::path::PathBuf;
use std::sync::Arc;

/// Templates larger than this are not read (a template is at most 1 MB for CloudFormation
/// itself). A larger `.json` file that is not a template is left to the caller, which may read
/// it as a snapshot or a Terraform plan under their own limits.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;
/// Deepest nesting of mappings and sequences accepted in a document.
pub const MAX_DEPTH: usize = 128;
/// Most nodes that YAML aliases may add to a document (stops "billion laughs").
pub const MAX_ALIAS_EXPANSION: usize = 10_000;
/// Deepest chain of nested stacks followed.
pub const MAX_NESTING: usize = 8;

/// A file to load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Input {
    pub path: PathBuf,
    /// The path as shown in reports (relative to the scan root as the user gave it).
    pub display: String,
}

/// Options of a load.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// Parameter values (`--param NAME=VALUE`), for every top-level template that declares them.
    pub params: BTreeMap<String, String>,
    /// Where the files that templates name (nested stacks) may be read. Templates are untrusted
    /// input: a `TemplateURL` that leads elsewhere is an EP902 unknown, not a read. Empty means
    /// the directories of the inputs.
    pub read: ReadScope,
}

/// What a load produced.
#[derive(Clone, Debug, Default)]
pub struct Loaded {
    /// Resources of every template, and the diagnostics (EP901/EP902/EP903).
    pub model: Model,
    /// Files recognised as templates.
    pub templates: usize,
    /// YAML/JSON files that are not templates (the caller may try them as snapshots or plans).
    pub skipped: Vec<Input>,
    /// Files that do not parse and show no sign of being a template (a Helm chart's templates,
    /// a workflow with `${{ }}`): not ours to read, each with why it did not parse.
    pub not_ours: Vec<(Input, String)>,
    /// The parameters each top-level template declares, as (display, names in file order):
    /// `--param` values apply to these, so the caller can tell a name that none declares.
    pub declared_params: Vec<(String, Vec<String>)>,
}

/// A parsed template file.
#[derive(Debug)]
pub(crate) struct Template {
    pub display: String,
    pub path: PathBuf,
    pub canonical: PathBuf,
    /// The file's comments by line, for the `# egressproof:ignore` next to a resource.
    pub comments: suppress::Comments,
    pub root: tree::Node,
}

pub(crate) enum Parsed {
    Template(Arc<Template>),
    Skipped,
    /// Does not parse and shows no sign of being a template: someone else's YAML or JSON.
    NotOurs(String),
    Failed(Diagnostic),
}

pub(crate) fn fail(display: &str, line: u32, col: u32, message: String) -> Parsed {
    Parsed::Failed(Diagnostic::new(
        UnknownCode::EP901,
        message,
        Some(Span::new(display, line, col)),
    ))
}

/// Reads and parses one file the user gave (or discovery found), enforcing every limit.
pub(crate) fn read_template(path: &std::path::Path, display: &str) -> Parsed {
    let file = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) => {
            return fail(
                display,
                0,
                0,
                format!("{display}: cannot read the file: {e}"),
            )
        }
    };
    if let Ok(meta) = file.metadata() {
        if meta.len() > MAX_FILE_BYTES {
            // Snapshots and plans are JSON too, with limits of their own: one of them is left to
            // the caller; only a template (or what cannot be told apart) is over this limit.
            let json = path
                .extension()
                .is_some_and(|e| e.eq_ignore_ascii_case("json"));
            if json && !tree::json_looks_like_template(&file) {
                return Parsed::Skipped;
            }
            return fail(
                display,
                0,
                0,
                format!(
                    "{display}: file is {} bytes, over the limit of {MAX_FILE_BYTES} bytes \
                     (MAX_FILE_BYTES); not read",
                    meta.len()
                ),
            );
        }
    }
    let mut bytes = Vec::new();
    if let Err(e) = file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes) {
        return fail(
            display,
            0,
            0,
            format!("{display}: cannot read the file: {e}"),
        );
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return fail(
            display,
            0,
            0,
            format!("{display}: file is over the limit of {MAX_FILE_BYTES} bytes (MAX_FILE_BYTES); not read"),
        );
    }
    parse_template(bytes, path, display)
}

/// Parses the bytes of a template file, enforcing the depth and alias limits.
pub(crate) fn parse_template(bytes: Vec<u8>, path: &std::path::Path, display: &str) -> Parsed {
    if bytes.contains(&0) {
        return fail(
            display,
            0,
            0,
            format!("{display}: binary content (NUL bytes); not a YAML or JSON template"),
        );
    }
    let source = match String::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            return fail(
                display,
                0,
                0,
                format!(
                    "{display}: not UTF-8 text (invalid byte at offset {})",
                    e.utf8_error().valid_up_to()
                ),
            )
        }
    };
    let source = match source.strip_prefix('\u{feff}') {
        Some(s) => s.to_string(),
        None => source,
    };
    if source.trim().is_empty() {
        return Parsed::Skipped;
    }
    let mut marks = Vec::new();
    let root = match tree::parse_marking(&source, &mut marks) {
        Ok(Some(root)) => root,
        Ok(None) => return Parsed::Skipped,
        Err(e) => {
            let message = format!("{display}:{}:{}: {}", e.line, e.col, e.message);
            if !looks_like_template(&source) {
                return Parsed::NotOurs(message);
            }
            let mut failed = Diagnostic::new(
                UnknownCode::EP901,
                message,
                Some(Span::new(display, e.line, e.col)),
            );
            failed.suppression = ep901_ignore(&source, display);
            return Parsed::Failed(failed);
        }
    };
    if !is_template(&root) {
        return Parsed::Skipped;
    }
    // JSON has no comments: a `.json` template's suppressions come from `Metadata` only.
    let comments = if path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
    {
        suppress::Comments::default()
    } else {
        suppress::Comments::scan(&source, &marks)
    };
    let canonical = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    Parsed::Template(Arc::new(Template {
        display: display.to_string(),
        path: path.to_path_buf(),
        canonical,
        comments,
        root,
    }))
}

/// Whether text that does not parse still shows a sign of being a CloudFormation template: the
/// format version, or `Resources` beside an `AWS::` type. Without one it is someone else's file
/// (Helm and Jinja templates, Kubernetes manifests, workflows, compose files, OpenAPI documents)
/// and is skipped; with one, what it would have declared is unknown (EP901).
fn looks_like_template(source: &str) -> bool {
    source.contains("AWSTemplateFormatVersion")
        || (source.contains("Resources") && source.contains("AWS::"))
}

/// An `# egressproof:ignore EP901 reason` comment on a line of its own, in a file that does not
/// parse: the way to accept that one file stays unread. Only whole-line comments count (the
/// parser's view of strings is not available for a file it rejected), and never in JSON, which
/// has no comments.
fn ep901_ignore(source: &str, display: &str) -> Option<egressproof_model::Suppression> {
    if display.to_ascii_lowercase().ends_with(".json") {
        return None;
    }
    source.lines().enumerate().find_map(|(i, line)| {
        let comment = line.trim_start().strip_prefix('#')?;
        let span = Span::new(display, u32::try_from(i + 1).unwrap_or(u32::MAX), 1);
        egressproof_model::Suppression::from_comment(comment, span)
            .into_iter()
            .find(|s| s.rule.eq_ignore_ascii_case(UnknownCode::EP901.as_str()))
    })
}

/// A template has `AWSTemplateFormatVersion`, or `Resources` whose entries have a `Type` or are
/// `Fn::ForEach` loops (which make resources).
fn is_template(root: &tree::Node) -> bool {
    if root.get("AWSTemplateFormatVersion").is_some() {
        return true;
    }
    root.get("Resources").is_some_and(|r| {
        r.entries()
            .iter()
            .any(|(k, v)| v.get("Type").is_some() || k.name.starts_with("Fn::ForEach::"))
    })
}

/// Loads every input. Never panics and never fails the whole scan: what cannot be read is a
/// diagnostic in the returned model.
pub fn load(inputs: &[Input], options: &LoadOptions) -> Loaded {
    let parsed: Vec<Parsed> = inputs
        .par_iter()
        .map(|i| read_template(&i.path, &i.display))
        .collect();

    let mut loaded = Loaded::default();
    let mut templates: Vec<Arc<Template>> = Vec::new();
    for (input, p) in inputs.iter().zip(parsed) {
        match p {
            Parsed::Template(t) => templates.push(t),
            Parsed::Skipped => loaded.skipped.push(input.clone()),
            Parsed::NotOurs(why) => loaded.not_ours.push((input.clone(), why)),
            Parsed::Failed(d) => loaded.model.diagnostics.push(d),
        }
    }
    loaded.templates = templates.len();
    let files: HashMap<PathBuf, Arc<Template>> = templates
        .iter()
        .map(|t| (t.canonical.clone(), t.clone()))
        .collect();

    let scope = options.read.clone().or_dirs(inputs.iter().map(|i| &i.path));

    let tops = top_level(&templates, &files);
    loaded.declared_params = tops
        .iter()
        .map(|t| {
            let names = t.root.get("Parameters").map_or_else(Vec::new, |p| {
                p.entries().iter().map(|(k, _)| k.name.clone()).collect()
            });
            (t.display.clone(), names)
        })
        .collect();
    let top_params: HashMap<String, Value> = options
        .params
        .iter()
        .map(|(k, v)| (k.clone(), Value::Str(v.clone())))
        .collect();

    // Exports and the SSM parameters the scan writes, in two rounds so that an export computed
    // from an import of another template (or a parameter from another parameter) is found too.
    let mut exports: HashMap<String, Value> = HashMap::new();
    let mut ssm: HashMap<String, Value> = HashMap::new();
    for _ in 0..2 {
        let ctx = Ctx {
            files: &files,
            exports: &exports,
            ssm: &ssm,
            scope: &scope,
        };
        type Named = Vec<(String, Value)>;
        let found: Vec<(Named, Named)> = tops
            .par_iter()
            .map(|t| {
                let stack = Stack::new(
                    &ctx,
                    t.clone(),
                    format!("{}#", t.display),
                    top_params.clone(),
                    Vec::new(),
                );
                (lower::exports(&stack), lower::ssm_writes(&stack))
            })
            .collect();
        let (e, s): (Vec<_>, Vec<_>) = found.into_iter().unzip();
        exports = e.into_iter().flatten().collect();
        ssm = ssm_by_name(s.into_iter().flatten());
    }

    let ctx = Ctx {
        files: &files,
        exports: &exports,
        ssm: &ssm,
        scope: &scope,
    };
    let models: Vec<Model> = tops
        .par_iter()
        .map(|t| {
            let stack = Stack::new(
                &ctx,
                t.clone(),
                format!("{}#", t.display),
                top_params.clone(),
                Vec::new(),
            );
            let result = lower::lower_stack(&stack);
            // One input per top-level stack: what it exports or writes, and what it reads.
            let mut provides: Vec<SharedName> = result
                .exports
                .iter()
                .map(|(name, _)| SharedName::Export(name.clone()))
                .chain(result.writes)
                .collect();
            let mut uses = result.uses;
            provides.sort();
            provides.dedup();
            uses.sort();
            uses.dedup();
            let mut model = result.model;
            model.as_input(&t.display, InputKind::Template, provides, uses);
            model
        })
        .collect();
    for m in models {
        loaded.model.extend(m);
    }
    loaded
}

/// SSM parameters by name. A name written twice with different values has no one value: it is
/// an unknown (the stack deployed last wins, which the scan cannot tell).
fn ssm_by_name(writes: impl Iterator<Item = (String, Value)>) -> HashMap<String, Value> {
    let mut out: HashMap<String, Value> = HashMap::new();
    for (name, value) in writes {
        match out.get(&name) {
            Some(v) if *v != value => {
                let u = Value::unknown(
                    format!("SSM parameter {name} is written with different values in the scan"),
                    None,
                );
                out.insert(name, u);
            }
            Some(_) => {}
            None => {
                out.insert(name, value);
            }
        }
    }
    out
}

/// Templates loaded as stacks of their own: all but those that another template of the scan
/// nests (those are loaded as nested stacks, with their parent's parameters). Templates that
/// only nest each other in a cycle are loaded on their own, so nothing is lost.
fn top_level(
    templates: &[Arc<Template>],
    files: &HashMap<PathBuf, Arc<Template>>,
) -> Vec<Arc<Template>> {
    let children_of = |t: &Template| -> Vec<PathBuf> {
        nested::local_children(t)
            .into_iter()
            .filter(|c| files.contains_key(c))
            .collect()
    };
    let edges: HashMap<PathBuf, Vec<PathBuf>> = templates
        .iter()
        .map(|t| (t.canonical.clone(), children_of(t)))
        .collect();
    let nested_somewhere: HashSet<&PathBuf> = edges.values().flatten().collect();
    let mut covered: HashSet<PathBuf> = HashSet::new();
    let mut todo: Vec<PathBuf> = templates
        .iter()
        .filter(|t| !nested_somewhere.contains(&t.canonical))
        .map(|t| t.canonical.clone())
        .collect();
    while let Some(p) = todo.pop() {
        if covered.insert(p.clone()) {
            if let Some(children) = edges.get(&p) {
                todo.extend(children.iter().cloned());
            }
        }
    }
    templates
        .iter()
        .filter(|t| !nested_somewhere.contains(&t.canonical) || !covered.contains(&t.canonical))
        .cloned()
        .collect()
}

#[cfg(test)]
mod tests;
