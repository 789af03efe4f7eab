//! The Terraform loader: HCL directories and plan JSON, lowered onto the egressproof model.
//!
//! Terraform is not installable where egressproof runs, so this crate evaluates HCL itself:
//! variables (defaults, `terraform.tfvars`, `*.auto.tfvars`, `--var-file`, `--var`), locals,
//! references between resources, `count`/`for_each`, `dynamic` blocks, conditionals, `for`
//! expressions, splats, the common built-in functions, local modules, and the data sources whose
//! result can be known statically (`aws_iam_policy_document`, `aws_region`, ...). Whatever cannot
//! be known (a variable without value, a remote module, a data source read from the account)
//! becomes an explicit unknown with its span, never a guess.
//!
//! The AWS provider's semantics are applied here (`lower/`, one module per resource family) so
//! that the analysis never needs to know that a resource came from Terraform; where the provider
//! differs from CloudFormation is stated next to the code that applies it.
//!
//! ```no_run
//! use egressproof_load_tf::{load_dirs, TfOptions};
//! let loaded = load_dirs(&[("infra".into(), "infra".to_string())], &TfOptions::default());
//! println!("{} resources from {} files", loaded.model.resources.len(), loaded.files);
//! ```
//!
//! Architecture invariant: this crate knows nothing of rules; it never fails the scan (a file
//! that does not parse is an EP901 diagnostic and the rest still loads) and never panics on input.

mod blocks;
mod coverage;
mod eval;
mod funcs;
mod installed;
mod lower;
mod parse;
mod plan;
mod policy;
mod val;

use egressproof_model::{
    Diagnostic, Ident, InputKind, Kind, Model, Other, Resource, ScanInput, SharedName, Span,
    UnknownCode,
};
use eval::{Children, Eval, Inst, Scope};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use val::Val;

pub use coverage::COVERAGE;
pub use egressproof_fs::ReadScope;
pub use plan::{load_plan, MAX_PLAN_BYTES};

/// Values given on the command line.
#[derive(Default, Clone, Debug)]
pub struct TfOptions {
    /// `--var NAME=VALUE`: applied last, over every other source.
    pub vars: BTreeMap<String, String>,
    /// `--var-file FILE`: applied in order, after `terraform.tfvars` and `*.auto.tfvars`.
    /// Named on the command line, so read wherever they are.
    pub var_files: Vec<PathBuf>,
    /// Where the files the code names may be read (`file()`, `templatefile()`, module sources,
    /// `.tfvars` and `.tf` files, symlinks resolved): the code is untrusted, and a path that
    /// leads elsewhere is an unknown, not a read. Empty means the directories loaded.
    pub read: ReadScope,
    /// `TF_DATA_DIR`: where `terraform init` kept the installed modules' manifest
    /// (`modules/modules.json` under it) instead of `.terraform`, relative to each root
    /// module's directory as Terraform reads it there. `None`: `.terraform`.
    pub data_dir: Option<PathBuf>,
}

/// The model of the scanned directories, and how many Terraform files were read.
#[derive(Debug)]
pub struct Loaded {
    pub model: Model,
    pub files: usize,
    /// The variables each root module declares, as (display, names in file order): `--var`
    /// values apply to these, so the caller can tell a name that none declares.
    pub declared_vars: Vec<(String, Vec<String>)>,
}

/// Loads directories of `.tf` files. `dirs`: each directory with the display prefix for it (the
/// path as the user wrote it). A directory that another scanned directory calls as a local module
/// is evaluated only through that call (with its inputs), not on its own.
pub fn load_dirs(dirs: &[(PathBuf, String)], options: &TfOptions) -> Loaded {
    let mut ev = Eval::new();
    ev.read = options.read.clone().or_dirs(dirs.iter().map(|(d, _)| d));
    ev.data_dir = options.data_dir.clone();
    let mut model = Model::default();
    let mut loaded: Vec<(PathBuf, String)> = Vec::new();
    for (dir, display) in dirs {
        match dir.canonicalize() {
            Ok(c) if c.is_dir() => {
                if !loaded.iter().any(|(l, _)| *l == c) {
                    ev.module_def(&c, display);
                    loaded.push((c, display.clone()));
                }
            }
            Ok(_) | Err(_) => model.diagnostics.push(Diagnostic::new(
                UnknownCode::EP901,
                "cannot read Terraform directory",
                Some(Span::new(display.clone(), 0, 0)),
            )),
        }
    }
    // Directories called by another scanned directory are not roots.
    let mut called: HashSet<PathBuf> = HashSet::new();
    for (c, _) in &loaded {
        let Some(def) = ev.defs.get(c).cloned() else {
            continue;
        };
        for mb in def.modules.values() {
            let src = ev
                .block(&def, mb)
                .block
                .body
                .get_attribute("source")
                .and_then(|a| a.value.as_str().map(str::to_string));
            if let Some(src) = src.filter(|s| s.starts_with("./") || s.starts_with("../")) {
                if let Ok(p) = c.join(src).canonicalize() {
                    if p != *c {
                        called.insert(p);
                    }
                }
            }
        }
    }
    // Nor are the copies `terraform init` installed for a scanned root (a `TF_DATA_DIR` that
    // is not hidden is walked like any directory): they are read through the calls that use
    // them, with their inputs, and a copy no call uses is not code Terraform runs.
    for (c, _) in &loaded {
        let manifest = c.join(installed::manifest(options.data_dir.as_deref()));
        let Some(Ok(copies)) = manifest.parent().map(Path::canonicalize) else {
            continue;
        };
        called.extend(
            loaded
                .iter()
                .filter(|(p, _)| p.starts_with(&copies) && p != c)
                .map(|(p, _)| p.clone()),
        );
    }
    let mut links = Vec::new();
    let mut declared_vars = Vec::new();
    for (c, display) in &loaded {
        if called.contains(c) {
            continue;
        }
        let Some(def) = ev.defs.get(c).cloned() else {
            continue;
        };
        declared_vars.push((
            if display.is_empty() {
                ".".to_string()
            } else {
                display.clone()
            },
            def.variables.keys().cloned().collect(),
        ));
        ev.insts.push(Inst {
            def,
            prefix: String::new(),
            id_base: display.clone(),
            call: None,
            root_vars: HashMap::new(),
            ancestors: vec![c.clone()],
        });
        let root = ev.insts.len() - 1;
        ev.begin_root();
        let first_diag = ev.diags.len();
        let vars = root_vars(&mut ev, root, c, display, options);
        ev.insts[root].root_vars = vars;
        let first = model.resources.len();
        let tree = lower_instance_tree(&mut ev, root, &mut model, &mut links);
        // One input per root module: its resources, its diagnostics (what evaluating it with
        // its inputs found, in its modules too), the directories of its modules (a file of one
        // that does not parse is this root's), the SSM parameters it shares.
        model.inputs.push(ScanInput {
            // Files directly under the scanned directory are shown without a directory.
            name: if display.is_empty() {
                ".".to_string()
            } else {
                display.clone()
            },
            kind: InputKind::TerraformRoot,
            resources: first..model.resources.len(),
            // Indexes into the evaluator's diagnostics for now; moved below.
            diagnostics: first_diag..ev.diags.len(),
            dirs: tree.dirs,
            provides: tree.provides,
            uses: tree.uses,
            principals_complete: false,
        });
    }
    lower::post_process(&mut model, links);
    // Diagnostics of reading modules' files come first, in no root's range: each is every
    // root's whose modules hold its file (the analysis gives it by directory).
    model.diagnostics.append(&mut ev.def_diags);
    let base = model.diagnostics.len();
    for input in &mut model.inputs {
        input.diagnostics = input.diagnostics.start + base..input.diagnostics.end + base;
    }
    model.diagnostics.extend(ev.diags);
    Loaded {
        model,
        files: ev.files,
        declared_vars,
    }
}

/// Variable values of a root module, in Terraform's precedence order (later wins).
fn root_vars(
    ev: &mut Eval,
    root: usize,
    dir: &Path,
    display: &str,
    options: &TfOptions,
) -> HashMap<String, Val> {
    let mut out = HashMap::new();
    let mut files: Vec<PathBuf> = Vec::new();
    for name in ["terraform.tfvars", "terraform.tfvars.json"] {
        let p = dir.join(name);
        if p.is_file() {
            files.push(p);
        }
    }
    let mut auto: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.file_name().map(|n| n.to_string_lossy()).is_some_and(|n| {
                        n.ends_with(".auto.tfvars") || n.ends_with(".auto.tfvars.json")
                    })
                })
                .collect()
        })
        .unwrap_or_default();
    auto.sort();
    files.extend(auto);
    let user_files: Vec<PathBuf> = options.var_files.clone();
    for (i, p) in files.iter().chain(user_files.iter()).enumerate() {
        let shown = if i < files.len() {
            parse::join_display(
                display,
                &p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
            )
        } else {
            p.to_string_lossy().into_owned()
        };
        // The directory's own variables files are read through the scope; the user's are not.
        let read = if i < files.len() {
            ev.read
                .read_to_string(p, parse::MAX_FILE_BYTES)
                .map_err(|e| e.to_string())
        } else {
            parse::read_bounded(p)
        };
        let text = match read {
            Ok(t) => t,
            Err(e) => {
                ev.diags.push(Diagnostic::new(
                    UnknownCode::EP901,
                    format!("cannot read variables file: {e}"),
                    Some(Span::new(shown, 0, 0)),
                ));
                continue;
            }
        };
        ev.files += 1;
        if p.extension().is_some_and(|e| e == "json") {
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(serde_json::Value::Object(o)) => {
                    for (k, v) in o {
                        out.insert(k, Val::from_json(&v));
                    }
                }
                _ => ev.diags.push(Diagnostic::new(
                    UnknownCode::EP901,
                    "variables file is not a JSON object",
                    Some(Span::new(shown, 0, 0)),
                )),
            }
            continue;
        }
        match hcl_edit::parser::parse_body(&text) {
            Ok(body) => {
                let sc = Scope {
                    inst: root,
                    file: usize::MAX,
                    base: 0,
                    vars: Vec::new(),
                };
                for s in body.iter() {
                    if let hcl_edit::structure::Structure::Attribute(a) = s {
                        let v = ev.eval(&a.value, &sc);
                        out.insert(a.key.value().to_string(), v);
                    }
                }
            }
            Err(e) => ev.diags.push(Diagnostic::new(
                UnknownCode::EP901,
                format!("variables file does not parse: {}", e.message()),
                Some(Span::new(
                    shown,
                    e.location().line() as u32,
                    e.location().column() as u32,
                )),
            )),
        }
    }
    for (k, raw) in &options.vars {
        out.insert(k.clone(), cli_var(ev, root, raw));
    }
    out
}

/// A `--var` value: an HCL expression when it looks like a list, map, number or bool, else the
/// string as written (as Terraform does for string-typed variables).
fn cli_var(ev: &mut Eval, root: usize, raw: &str) -> Val {
    let t = raw.trim();
    let looks_typed = t.starts_with('[')
        || t.starts_with('{')
        || t == "true"
        || t == "false"
        || t == "null"
        || t.parse::<f64>().is_ok();
    if looks_typed {
        if let Ok(e) = hcl_edit::parser::parse_expr(t) {
            let sc = Scope {
                inst: root,
                file: usize::MAX,
                base: 0,
                vars: Vec::new(),
            };
            return ev.eval(&e, &sc);
        }
    }
    Val::Str(raw.to_string())
}

/// What a root module's instance tree holds besides its resources, for environments.
#[derive(Default)]
struct Tree {
    /// The directories of the root and of every local module it calls.
    dirs: Vec<String>,
    /// SSM parameter names its `aws_ssm_parameter` resources write.
    provides: Vec<SharedName>,
    /// SSM parameter names its `aws_ssm_parameter` data sources read.
    uses: Vec<SharedName>,
}

/// Lowers every resource of a module instance and, through local module calls, of its children.
fn lower_instance_tree(
    ev: &mut Eval,
    root: usize,
    model: &mut Model,
    links: &mut Vec<lower::Link>,
) -> Tree {
    let mut tree = Tree::default();
    let mut work = vec![root];
    while let Some(inst) = work.pop() {
        let def = ev.insts[inst].def.clone();
        tree.dirs.push(def.display.clone());
        for ((t, _), rd) in def.data.iter() {
            if t != "aws_ssm_parameter" {
                continue;
            }
            let blk = ev.block(&def, rd);
            if let Some(a) = blk.block.body.get_attribute("name") {
                let sc = Scope {
                    inst,
                    file: rd.file,
                    base: blk.base,
                    vars: Vec::new(),
                };
                if let Some(name) = ev.eval(&a.value, &sc).as_plain_str() {
                    tree.uses.push(SharedName::SsmParameter(name));
                }
            }
        }
        for ((t, n), rd) in def.resources.iter() {
            let exp = ev.expand(inst, eval::BlockKind::Resource, t, n);
            for (key, bindings) in exp.iter() {
                let blk = ev.block(&def, rd);
                let sc = Scope {
                    inst,
                    file: rd.file,
                    base: blk.base,
                    vars: bindings.clone(),
                };
                let args = ev.eval_body(&blk.block.body, &sc, None);
                if t == "aws_ssm_parameter" {
                    if let Some(name) = args.get("name").and_then(Val::as_plain_str) {
                        tree.provides.push(SharedName::SsmParameter(name));
                    }
                }
                let id = ev.resource_id(inst, false, t, n, key);
                let name = format!("{}{t}.{n}{}", ev.insts[inst].prefix, key.suffix());
                let ctx = lower::Ctx {
                    id,
                    name,
                    type_name: t.clone(),
                    span: rd.span.clone(),
                    args: &args,
                };
                let (mut resources, l) = lower::lower(&ctx);
                // A resource that is itself such code (a null_resource) is reported once.
                if !resources.iter().any(runs_unread_code) {
                    resources.extend(local_exec(&blk, &def, rd.file, &ctx));
                }
                let supp = def
                    .files
                    .get(rd.file)
                    .map(|f| f.suppressions(rd.span.line))
                    .unwrap_or_default();
                for r in &mut resources {
                    r.suppressions = supp.clone();
                }
                model.resources.extend(resources);
                links.extend(l);
            }
        }
        for name in def.modules.keys() {
            if let Children::Local(kids) = ev.module_children(inst, name).as_ref() {
                work.extend(kids.iter().map(|(_, i)| *i));
            }
        }
    }
    tree.dirs.sort();
    tree.dirs.dedup();
    tree.provides.sort();
    tree.provides.dedup();
    tree.uses.sort();
    tree.uses.dedup();
    tree
}

/// Whether the scan reports a resource as code it does not read (EP903).
fn runs_unread_code(r: &Resource) -> bool {
    matches!(&r.kind, Kind::Other(o) if o.custom)
}

/// The code a resource instance's `local-exec` provisioners run, as a resource of its own that
/// runs code the scan does not read (EP903, as a `null_resource`): the command runs on the
/// operator's machine with the operator's credentials when the resource is created (or, with
/// `when = destroy`, destroyed, which replacing it also does), so it may create a notebook or a
/// Studio domain that the configuration does not hold, whatever the resource's type. A
/// `remote-exec` provisioner runs on the instance it provisions, with that instance's role and
/// network, as the instance's user data does: not the operator's credentials, so not this.
/// `file` copies files and runs nothing.
fn local_exec(
    tree: &blocks::Tree,
    def: &parse::ModuleDef,
    file: usize,
    c: &lower::Ctx,
) -> Option<Resource> {
    let block = tree
        .block
        .body
        .get_blocks("provisioner")
        .find(|b| b.labels.first().is_some_and(|l| l.as_str() == "local-exec"))?;
    let range = hcl_edit::Span::span(block).map(|r| r.start + tree.base..r.end + tree.base);
    let span = def.span(file, range).unwrap_or_else(|| c.span.clone());
    Some(Resource::new(
        Ident::new(format!("{}::provisioner-local-exec", c.id.as_str())),
        c.name.clone(),
        "provisioner \"local-exec\"",
        span,
        Kind::Other(Other::deploy_code(None)),
    ))
}

/// Loads one HCL text as a module (tests and fuzzing: no filesystem).
#[doc(hidden)]
pub fn load_str(text: &str, display: &str) -> Model {
    load_str_in(Eval::new(), text, display)
}

/// [`load_str`] with a given evaluator (tests: a cache of blocks of another size).
fn load_str_in(mut ev: Eval, text: &str, display: &str) -> Model {
    let mut def = parse::load_module(
        Path::new("/nonexistent-egressproof"),
        display,
        &ReadScope::default(),
    );
    def.diagnostics.clear();
    parse::add_file(
        &mut def,
        parse::join_display(display, "main.tf"),
        text.to_string(),
    );
    ev.def_diags.extend(def.diagnostics.iter().cloned());
    let def = ev.adopt(def);
    ev.insts.push(Inst {
        def,
        prefix: String::new(),
        id_base: display.to_string(),
        call: None,
        root_vars: HashMap::new(),
        ancestors: Vec::new(),
    });
    let mut model = Model::default();
    let mut links = Vec::new();
    let _ = lower_instance_tree(&mut ev, 0, &mut model, &mut links);
    lower::post_process(&mut model, links);
    model.diagnostics.append(&mut ev.def_diags);
    model.diagnostics.extend(ev.diags);
    model
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A block parsed again alone reads as the one kept from the first parse: same values,
    /// same unknowns, same spans (line and column) and diagnostics.
    #[test]
    fn blocks_parsed_again_read_as_the_first_parse() {
        let text = r##"
# egressproof:ignore EP201 by design
resource "aws_vpc" "v" {
  cidr_block = var.missing
  tags       = { note = "# not a comment" }
}

resource "aws_subnet" "s" {
  count      = 2
  vpc_id     = aws_vpc.v.id
  cidr_block = cidrsubnet(aws_vpc.v.cidr_block, 8, count.index)
}

resource "aws_security_group" "g" {
  for_each = toset(["a", "b"])
  vpc_id   = aws_vpc.v.id
  egress {
    protocol    = "tcp"
    from_port   = 443
    to_port     = 443
    cidr_blocks = [data.aws_vpc.remote.cidr_block, "${each.key}/8"]
  }
  dynamic "ingress" {
    for_each = [1]
    content {
      from_port = ingress.value
    }
  }
}

data "aws_iam_policy_document" "d" {
  statement {
    actions   = ["s3:GetObject"]
    resources = [aws_vpc.v.arn]
  }
}

resource "aws_sagemaker_notebook_instance" "n" {
  subnet_id              = aws_subnet.s[0].id
  security_groups        = [for g in aws_security_group.g : g.id]
  direct_internet_access = aws_vpc.v.unknown_attribute
  role_arn               = "arn:aws:iam::111122223333:role/x"
  count                  = length(undefined_function(1))
}

resource "aws_iam_role_policy" "p" {
  role   = "x"
  policy = data.aws_iam_policy_document.d.json
  provisioner "local-exec" {
    command = "echo ${aws_vpc.v.id}"
  }
}
"##;
        let kept = load_str_in(Eval::new(), text, "m");
        let mut ev = Eval::new();
        ev.blocks_limit(0);
        let again = load_str_in(ev, text, "m");
        assert!(!kept.resources.is_empty() && !kept.diagnostics.is_empty());
        assert_eq!(kept, again);
    }

    /// Many blocks parsed again, with a cache that holds none or a few of them, and references
    /// to blocks lowered long before: the same model as parsed once.
    #[test]
    fn many_blocks_parsed_again_read_as_the_first_parse() {
        let text: String = (0..400)
            .map(|g| {
                format!(
                    "# group {g}\nresource \"aws_vpc\" \"v{g}\" {{\n  cidr_block = \"10.0.0.0/16\"\n}}\n\
                     resource \"aws_subnet\" \"s{g}\" {{\n  vpc_id = aws_vpc.v{g}.id\n  \
                     cidr_block = cidrsubnet(aws_vpc.v{}.cidr_block, 8, 1)\n}}\n",
                    (g * 7) % 400
                )
            })
            .collect();
        let kept = load_str_in(Eval::new(), &text, "m");
        for limit in [0, 2_000] {
            let mut ev = Eval::new();
            ev.blocks_limit(limit);
            assert_eq!(kept, load_str_in(ev, &text, "m"), "cache of {limit} bytes");
        }
        assert_eq!(kept.resources.len(), 800);
    }
}
