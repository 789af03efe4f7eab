//! Lazy evaluation of Terraform expressions over module instances.
//!
//! Everything is evaluated on demand and memoised (locals, variables, module outputs, resource
//! expansions, referenced resource arguments), so that declaration order never matters and a
//! reference cycle is detected (it becomes an unknown) instead of looping.

use crate::blocks::{self, Blocks, Tree};
use crate::installed::{self, Installed, Missing};
use crate::parse::{self, ModuleDef, Pair, ResDef};
use crate::val::{InstKey, ResObj, Val};
use egressproof_aws::json_text;
use egressproof_fs::{ReadError, ReadScope};
use egressproof_model::{Diagnostic, Ident, Part, Pseudo, Span, Symbol, UnknownCode};
use hcl_edit::expr::{BinaryOperator, Expression, ObjectKey, TraversalOperator, UnaryOperator};
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::template::{Directive, Element, Template};
use indexmap::IndexMap;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::rc::Rc;

/// Bounds on module nesting and expression recursion: bad input gives an unknown, not a stack
/// overflow.
const MAX_MODULE_DEPTH: usize = 24;
const MAX_EVAL_DEPTH: usize = 256;

// Limits. Every evaluation is bounded whatever the input: past a limit the value is an unknown
// that names the limit (with an EP902 diagnostic where it was hit), the evaluation of what
// contains it stops, and the scan goes on with the rest of the configuration.

/// Instances of one resource, data source or module call (`count`, `for_each`). Real
/// configurations stay in the hundreds; every instance becomes resources of the model, so
/// `count = 1e9` would exhaust memory and `count = 1e30` cannot even be counted. Past the limit,
/// one instance stands for all of them, as for a count that is not known.
pub(crate) const MAX_INSTANCES: usize = 10_000;

/// Resource and data source instances in one scan, counting every block of every module
/// instance and every copy made by `count`/`for_each`. Every instance becomes resources of the
/// model, and a module with many resources called with a large count (or nested in another)
/// multiplies them without more input. Two million is twice the largest estate the loader is
/// measured on (BENCHMARKS.md). Past it, a resource's copies are one instance standing for all,
/// and a module call is not loaded (its outputs are unknown), each with an EP902 diagnostic.
pub(crate) const MAX_SCAN_INSTANCES: usize = 2_000_000;

/// Size of one value, in cells: every scalar, list item and map entry is a cell, and so is every
/// [`CELL_BYTES`] bytes of text. A chain of locals that each double the previous one (`a2 =
/// [local.a1, local.a1]`) grows exponentially, so values are measured as they are built and
/// one past the limit is never built. 100,000 cells (100,000 elements, or about 6 MB of text:
/// more than `file` reads) is far beyond what real configurations compute, where the largest
/// values are lists of subnets, CIDR ranges or accounts in the thousands.
pub(crate) const MAX_VALUE_CELLS: usize = 100_000;

/// Bytes of text counted as one cell of [`MAX_VALUE_CELLS`].
pub(crate) const CELL_BYTES: usize = 64;

/// Work of one evaluation (one scan of a set of directories): one unit per expression
/// evaluated, plus one per cell of every value produced or copied. Values under
/// [`MAX_VALUE_CELLS`] can still be copied without end (a large local read by every instance of
/// a resource with a large count, loops nested in loops); this bounds the time, and with it the
/// memory, of the whole evaluation. The loader benchmarks cost 14 to 19 units per resource, so
/// a million resources take about 20 million, under a third of the bound; an adversarial input
/// stops within a few seconds. Past it every expression still to evaluate is an unknown naming the limit.
pub(crate) const MAX_EVAL_WORK: u64 = 1 << 26;

/// Which kind of block a `count`/`for_each` expansion is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub(crate) enum BlockKind {
    Resource,
    Data,
    Module,
}

impl BlockKind {
    /// A resource or a data source.
    pub(crate) fn of_resource(data: bool) -> Self {
        if data {
            BlockKind::Data
        } else {
            BlockKind::Resource
        }
    }
}

/// The cells of `v` (see [`MAX_VALUE_CELLS`]), counting no further than just past `cap`.
pub(crate) fn cells(v: &Val, cap: usize) -> usize {
    let text = |len: usize| len / CELL_BYTES;
    let mut n: usize = 0;
    let mut todo: Vec<&Val> = vec![v];
    while let Some(v) = todo.pop() {
        n = n.saturating_add(1);
        match v {
            Val::Str(s) => n = n.saturating_add(text(s.len())),
            Val::Text(parts) => {
                for p in parts {
                    n = n.saturating_add(1);
                    if let Part::Lit(s) = p {
                        n = n.saturating_add(text(s.len()));
                    }
                }
            }
            Val::List(items) => todo.extend(items),
            Val::Map(m) => {
                for (k, v) in m {
                    n = n.saturating_add(text(k.len()));
                    todo.push(v);
                }
            }
            Val::Json(inner) => todo.push(inner),
            Val::Null
            | Val::Bool(_)
            | Val::Num(_)
            | Val::Res(_)
            | Val::Module(_)
            | Val::Unknown(_) => {}
        }
        if n > cap {
            break;
        }
    }
    n
}

#[derive(Clone)]
pub(crate) struct Scope {
    pub inst: usize,
    pub file: usize,
    /// Added to the byte spans of the expressions evaluated in this scope to make them offsets
    /// in `file`: a block parsed again alone has spans from its own first byte ([`Tree`]).
    pub base: usize,
    pub vars: Vec<(String, Val)>,
}

impl Scope {
    fn lookup(&self, name: &str) -> Option<&Val> {
        self.vars
            .iter()
            .rev()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v)
    }

    fn with(&self, more: Vec<(String, Val)>) -> Scope {
        let mut s = self.clone();
        s.vars.extend(more);
        s
    }
}

pub(crate) struct CallSite {
    pub caller: usize,
    pub name: String,
    pub bindings: Vec<(String, Val)>,
}

pub(crate) struct Inst {
    pub def: Rc<ModuleDef>,
    /// `module.a.module.b[0].`: prepended to resource addresses.
    pub prefix: String,
    /// The display path of the root module: the first part of every resource ID.
    pub id_base: String,
    pub call: Option<CallSite>,
    pub root_vars: HashMap<String, Val>,
    pub ancestors: Vec<PathBuf>,
}

enum Slot {
    InProgress,
    Done(Val),
}

pub(crate) type Expansion = Rc<Vec<(InstKey, Vec<(String, Val)>)>>;

pub(crate) enum Children {
    Local(Vec<(InstKey, usize)>),
    /// Remote, missing or cyclic module: its outputs are this unknown.
    Unresolved(Val),
}

pub(crate) struct Eval {
    /// Where the files the code names may be read (the code is untrusted input).
    pub(crate) read: ReadScope,
    pub defs: HashMap<PathBuf, Rc<ModuleDef>>,
    pub insts: Vec<Inst>,
    memo: HashMap<(usize, String), Slot>,
    expansions: HashMap<(usize, BlockKind, String, String), Option<Expansion>>,
    /// The expansion of every block without `count` or `for_each`: one instance, no bindings.
    single: Expansion,
    pub children: HashMap<(usize, String), Rc<Children>>,
    /// Templates being rendered (`templatefile`, `template_file`): a template may not call
    /// `templatefile`, so a template that renders itself cannot recurse.
    pub(crate) rendering: usize,
    /// Inside the arguments of `try`/`can`: there a missing attribute or key is the error
    /// Terraform makes of it (so `try(v.create, true)` falls back), elsewhere it reads as
    /// null (an optional attribute). Lexical: saved and cleared while a named value, a
    /// resource's argument or an expansion is evaluated, as those are memoised for every use.
    in_try: usize,
    try_saved: Vec<usize>,
    /// Missing attributes and keys met inside `try`/`can` so far: `can` of one is false.
    try_errors: usize,
    /// The modules `terraform init` installed, by root module directory (read once).
    installed: HashMap<PathBuf, Rc<Result<Installed, Missing>>>,
    /// The trees of blocks, parsed again on demand ([`Eval::block`]).
    blocks: Blocks,
    /// `TF_DATA_DIR`: where `terraform init` kept its data instead of `.terraform`.
    pub(crate) data_dir: Option<PathBuf>,
    /// Map keys that stand for strings with symbols, by their rendering (`com.amazonaws.
    /// ${AWS::Region}.sts`): a map's keys are text, so a `for` expression or a `for_each` keyed
    /// by such a string keys by its rendering, and whatever reads the key back (`keys()`,
    /// `each.key`, a `for` over the map) gets the symbolic string, not a literal look-alike.
    /// A literal key that renders alike would need `$${` in the source; it is read as the
    /// symbolic one, as indexing a map by a symbolic string already does.
    sym_keys: HashMap<String, Vec<Part>>,
    pub diags: Vec<Diagnostic>,
    /// Diagnostics of reading a module's files (a file that does not parse), found once per
    /// directory however many roots call it: they are every such root's, so they are kept out
    /// of any one root's range of [`Eval::diags`].
    pub def_diags: Vec<Diagnostic>,
    /// The diagnostics reported so far in the root being evaluated, so that each is reported
    /// once per root (a module two roots call has each root's unknowns, evaluated with its inputs).
    diag_seen: HashSet<Diagnostic>,
    depth: usize,
    pub files: usize,
    /// Work done so far, and the bound on it ([`MAX_EVAL_WORK`]; lower in tests).
    pub(crate) work: u64,
    pub(crate) work_limit: u64,
    /// Cells of the value the last [`Eval::eval`] returned.
    pub(crate) last_cells: usize,
    /// Limits hit so far, and the unknown of the last one: a construct that sees the count grow
    /// while it builds a value stops and returns that unknown.
    pub(crate) limit_hits: u64,
    pub(crate) last_limit: Option<Val>,
    /// Resource and data source instances so far, and the bound on them
    /// ([`MAX_SCAN_INSTANCES`]; lower in tests).
    pub(crate) instances: usize,
    pub(crate) instance_limit: usize,
}

/// A value being built from parts (a list, a map, arguments, a template), measured as it
/// grows so that one past [`MAX_VALUE_CELLS`] is never built.
pub(crate) struct Building {
    cells: usize,
    hits: u64,
}

fn str_key(k: &ObjectKey) -> Option<String> {
    match k {
        ObjectKey::Ident(i) => Some(i.value().to_string()),
        ObjectKey::Expression(_) => None,
    }
}

fn sp<T: hcl_edit::Span>(t: &T) -> Option<std::ops::Range<usize>> {
    t.span()
}

/// Arguments that steer Terraform itself, not the resource.
const META_ARGS: &[&str] = &[
    "count",
    "for_each",
    "provider",
    "depends_on",
    "lifecycle",
    "provisioner",
    "connection",
];

impl Eval {
    pub(crate) fn new() -> Self {
        Eval {
            read: ReadScope::default(),
            defs: HashMap::new(),
            insts: Vec::new(),
            memo: HashMap::new(),
            expansions: HashMap::new(),
            single: Rc::new(vec![(InstKey::Single, Vec::new())]),
            children: HashMap::new(),
            installed: HashMap::new(),
            blocks: Blocks::new(parse::PARSED_BYTES),
            data_dir: None,
            sym_keys: HashMap::new(),
            rendering: 0,
            in_try: 0,
            try_saved: Vec::new(),
            try_errors: 0,
            diags: Vec::new(),
            def_diags: Vec::new(),
            diag_seen: HashSet::new(),
            depth: 0,
            files: 0,
            work: 0,
            work_limit: MAX_EVAL_WORK,
            last_cells: 0,
            limit_hits: 0,
            last_limit: None,
            instances: 0,
            instance_limit: MAX_SCAN_INSTANCES,
        }
    }

    /// Loads a module directory once (by canonical path).
    pub(crate) fn module_def(&mut self, canonical: &Path, display: &str) -> Rc<ModuleDef> {
        if let Some(d) = self.defs.get(canonical) {
            return d.clone();
        }
        let def = parse::load_module(canonical, display, &self.read);
        self.files += def.files.len()
            + def
                .diagnostics
                .iter()
                .filter(|d| d.code == UnknownCode::EP901)
                .count();
        self.def_diags.extend(def.diagnostics.iter().cloned());
        let def = self.adopt(def);
        self.defs.insert(canonical.to_path_buf(), def.clone());
        def
    }

    /// A module definition ready for evaluation: the trees kept from its first parse go to the
    /// cache of blocks (while there is room).
    pub(crate) fn adopt(&mut self, mut def: ModuleDef) -> Rc<ModuleDef> {
        for (file, start, block) in std::mem::take(&mut def.kept) {
            let bytes = hcl_edit::Span::span(&block).map_or(0, |r| r.len());
            let tree = Tree {
                block: Rc::new(block),
                base: 0,
            };
            self.blocks.offer((def.uid, file, start), tree, bytes);
        }
        Rc::new(def)
    }

    /// Bounds the cache of blocks at `bytes` of their text, dropping the trees it holds (tests:
    /// every block parsed again).
    #[cfg(test)]
    pub(crate) fn blocks_limit(&mut self, bytes: usize) {
        self.blocks = Blocks::new(bytes);
    }

    /// The syntax tree of a `resource`, `data` or `module` block: from the cache, else parsed
    /// again from its bytes (a block the first parse read always parses again alone; if it did
    /// not, its arguments are reported as not read, never guessed).
    pub(crate) fn block(&mut self, def: &ModuleDef, rd: &ResDef) -> Tree {
        let key = (def.uid, rd.file, rd.range.start);
        if let Some(t) = self.blocks.get(&key) {
            return t;
        }
        let text = def
            .files
            .get(rd.file)
            .and_then(|f| f.text.get(rd.range.clone()))
            .unwrap_or_default();
        let block = blocks::parse_block(text).unwrap_or_else(|| {
            self.diag_hiding(
                UnknownCode::EP902,
                "block could not be read again: its arguments are not known".to_string(),
                Some(rd.span.clone()),
            );
            hcl_edit::structure::Block::new(hcl_edit::Ident::new("unreadable"))
        });
        let tree = Tree {
            block: Rc::new(block),
            base: rd.range.start,
        };
        self.blocks.insert(key, tree.clone(), text.len());
        tree
    }

    pub(crate) fn span(&self, sc: &Scope, range: Option<std::ops::Range<usize>>) -> Option<Span> {
        let range = range.map(|r| r.start + sc.base..r.end + sc.base);
        self.insts.get(sc.inst)?.def.span(sc.file, range)
    }

    pub(crate) fn diag(&mut self, code: UnknownCode, msg: String, span: Option<Span>) {
        self.push_diag(Diagnostic::new(code, msg, span));
    }

    /// An unknown behind which Terraform code was not read or not evaluated (a module not read,
    /// a limit hit): resources of any type may stand behind it, so scope keeps its environment.
    pub(crate) fn diag_hiding(&mut self, code: UnknownCode, msg: String, span: Option<Span>) {
        self.push_diag(Diagnostic::hiding(code, msg, span));
    }

    /// Starts the evaluation of another root module: what it finds is reported again, as its own.
    pub(crate) fn begin_root(&mut self) {
        self.diag_seen.clear();
    }

    fn push_diag(&mut self, d: Diagnostic) {
        if self.diag_seen.insert(d.clone()) {
            self.diags.push(d);
        }
    }

    // ------------------------------------------------------------------------------------------
    // limits

    /// An unknown for a limit hit here: reported (EP902), counted, and kept as the last one.
    pub(crate) fn over_limit(&mut self, what: &str, limit: &str, span: Option<Span>) -> Val {
        let msg = format!("{what} (limit {limit})");
        // Evaluation cut short may leave resources out (a count, a module's blocks).
        self.diag_hiding(UnknownCode::EP902, msg.clone(), span.clone());
        let u = Val::unknown(msg, span);
        self.limit_hits += 1;
        self.last_limit = Some(u.clone());
        self.last_cells = 1;
        u
    }

    /// The unknown that ends every evaluation once the work budget is spent.
    fn out_of_work(&mut self, span: Option<Span>) -> Option<Val> {
        if self.work <= self.work_limit {
            return None;
        }
        let what = format!(
            "evaluation stopped after {} units of work; what is left is not evaluated",
            self.work_limit
        );
        // Reported once, where it happened: every later value is this unknown.
        let first = self.last_limit.as_ref().is_none_or(|l| {
            l.first_unknown()
                .is_none_or(|u| !u.reason.contains("MAX_EVAL_WORK"))
        });
        if first {
            return Some(self.over_limit(&what, "MAX_EVAL_WORK", span));
        }
        self.limit_hits += 1;
        self.last_cells = 1;
        Some(Val::unknown(format!("{what} (limit MAX_EVAL_WORK)"), span))
    }

    /// Measures a value just produced: charged to the work budget, or an unknown past
    /// [`MAX_VALUE_CELLS`].
    pub(crate) fn bounded(
        &mut self,
        v: Val,
        sc: &Scope,
        range: Option<std::ops::Range<usize>>,
    ) -> Val {
        let n = cells(&v, MAX_VALUE_CELLS);
        if n > MAX_VALUE_CELLS {
            let span = self.span(sc, range);
            return self.over_limit(
                &format!("value larger than {MAX_VALUE_CELLS} cells"),
                "MAX_VALUE_CELLS",
                span,
            );
        }
        self.charge(n);
        self.last_cells = n;
        v
    }

    /// Adds work.
    pub(crate) fn charge(&mut self, units: usize) {
        self.work = self.work.saturating_add(units as u64);
    }

    /// Starts measuring a value built from parts.
    pub(crate) fn building(&self) -> Building {
        Building {
            cells: 1,
            hits: self.limit_hits,
        }
    }

    /// Adds a part of `cells` to a value being built. `Err` with the unknown to return instead
    /// when the value grew past [`MAX_VALUE_CELLS`] or a limit was hit while the part was
    /// evaluated (the value would be unknown anyway, and going on may cost without end).
    pub(crate) fn grow(
        &mut self,
        b: &mut Building,
        cells: usize,
        sc: &Scope,
        range: Option<std::ops::Range<usize>>,
    ) -> Result<(), Val> {
        if self.limit_hits != b.hits {
            let u = self
                .last_limit
                .clone()
                .unwrap_or_else(|| Val::unknown("a limit was hit", None));
            self.last_cells = 1;
            return Err(u);
        }
        b.cells = b.cells.saturating_add(cells);
        if b.cells > MAX_VALUE_CELLS {
            let span = self.span(sc, range);
            return Err(self.over_limit(
                &format!("value larger than {MAX_VALUE_CELLS} cells"),
                "MAX_VALUE_CELLS",
                span,
            ));
        }
        Ok(())
    }

    fn memo_get(&mut self, inst: usize, key: &str) -> Option<Val> {
        match self.memo.get(&(inst, key.to_string())) {
            Some(Slot::Done(v)) => {
                // A copy costs its size, even when only a part of it is then read.
                let n = cells(v, MAX_VALUE_CELLS);
                let v = v.clone();
                self.charge(n);
                Some(v)
            }
            Some(Slot::InProgress) => {
                Some(Val::unknown(format!("reference cycle through {key}"), None))
            }
            None => {
                self.memo.insert((inst, key.to_string()), Slot::InProgress);
                self.try_saved.push(std::mem::take(&mut self.in_try));
                None
            }
        }
    }

    fn memo_put(&mut self, inst: usize, key: &str, v: Val) -> Val {
        if let Some(saved) = self.try_saved.pop() {
            self.in_try = saved;
        }
        self.memo
            .insert((inst, key.to_string()), Slot::Done(v.clone()));
        v
    }

    // ------------------------------------------------------------------------------------------
    // expressions

    /// Evaluates an expression; [`Eval::last_cells`] is then the size of the value.
    pub(crate) fn eval(&mut self, e: &Expression, sc: &Scope) -> Val {
        if self.depth >= MAX_EVAL_DEPTH {
            self.last_cells = 1;
            return Val::unknown("expression nested too deeply", self.span(sc, sp(e)));
        }
        // The span (a copy of the file's name) only once the budget is spent: this runs for
        // every expression of every resource.
        if self.work > self.work_limit {
            let span = self.span(sc, sp(e));
            if let Some(u) = self.out_of_work(span) {
                return u;
            }
        }
        self.charge(1);
        self.depth += 1;
        let v = self.eval_inner(e, sc);
        self.depth -= 1;
        self.bounded(v, sc, sp(e))
    }

    /// Evaluates expressions into a list of values, measured as it grows.
    pub(crate) fn eval_all<'e>(
        &mut self,
        exprs: impl Iterator<Item = &'e Expression>,
        sc: &Scope,
        range: Option<std::ops::Range<usize>>,
    ) -> Result<Vec<Val>, Val> {
        let mut b = self.building();
        let mut out = Vec::new();
        for x in exprs {
            let v = self.eval(x, sc);
            let n = self.last_cells;
            self.grow(&mut b, n, sc, range.clone())?;
            out.push(v);
        }
        Ok(out)
    }

    fn eval_inner(&mut self, e: &Expression, sc: &Scope) -> Val {
        match e {
            Expression::Null(_) => Val::Null,
            Expression::Bool(b) => Val::Bool(*b.value()),
            Expression::Number(n) => Val::Num(n.value().as_f64().unwrap_or(0.0)),
            Expression::String(s) => Val::Str(s.value().clone()),
            Expression::Array(a) => match self.eval_all(a.iter(), sc, sp(e)) {
                Ok(items) => Val::List(items),
                Err(u) => u,
            },
            Expression::Object(o) => {
                let mut m = IndexMap::new();
                let mut b = self.building();
                for (k, v) in o.iter() {
                    let key = match str_key(k) {
                        Some(k) => Val::Str(k),
                        None => match k {
                            ObjectKey::Expression(Expression::Variable(v)) => {
                                Val::Str(v.value().to_string())
                            }
                            ObjectKey::Expression(x) => self.eval(x, sc),
                            ObjectKey::Ident(_) => Val::Null,
                        },
                    };
                    let val = self.eval(v.expr(), sc);
                    let n = self.last_cells;
                    if let Err(u) = self.grow(&mut b, n, sc, sp(e)) {
                        return u;
                    }
                    match key.as_plain_str() {
                        Some(k) => {
                            m.insert(k, val);
                        }
                        None => {
                            let reason = key
                                .first_unknown()
                                .map(|u| u.reason.clone())
                                .unwrap_or_else(|| "object key is not a known string".into());
                            return Val::unknown(reason, self.span(sc, sp(e)));
                        }
                    }
                }
                Val::Map(m)
            }
            Expression::StringTemplate(t) => self.eval_template(t, sc, sp(e)),
            Expression::HeredocTemplate(h) => self.eval_template(&h.template, sc, sp(e)),
            Expression::Parenthesis(p) => self.eval(p.inner(), sc),
            Expression::Variable(v) => self.eval_traversal(v.value().as_str(), sp(e), &[], sc),
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr, sc);
                match cond.as_bool() {
                    Some(true) => self.eval(&c.true_expr, sc),
                    Some(false) => self.eval(&c.false_expr, sc),
                    None => {
                        let t = self.eval(&c.true_expr, sc);
                        let f = self.eval(&c.false_expr, sc);
                        if t == f && t.first_unknown().is_none() {
                            t
                        } else {
                            self.unknown_from(&cond, "condition is not known", sc, sp(e))
                        }
                    }
                }
            }
            Expression::FuncCall(f) => {
                let name = f.name.name.value().to_string();
                let span = self.span(sc, sp(e));
                if f.name.is_namespaced() {
                    let full = f
                        .name
                        .namespace
                        .iter()
                        .map(|n| n.value().to_string())
                        .chain(std::iter::once(name))
                        .collect::<Vec<_>>()
                        .join("::");
                    self.diag(
                        UnknownCode::EP903,
                        format!("provider function {full} is not supported"),
                        span.clone(),
                    );
                    return Val::unknown(
                        format!("provider function {full} is not supported"),
                        span,
                    );
                }
                let guarded = name == "try" || name == "can";
                let errors = self.try_errors;
                self.in_try += usize::from(guarded);
                let args = self.eval_all(f.args.iter(), sc, sp(e));
                self.in_try -= usize::from(guarded);
                if guarded {
                    // The errors of its arguments are this call's to handle.
                    let errored = self.try_errors > errors;
                    self.try_errors = errors;
                    if errored && name == "can" {
                        return Val::Bool(false);
                    }
                }
                let mut args = match args {
                    Ok(args) => args,
                    Err(u) => return u,
                };
                if f.args.expand_final() {
                    if let Some(Val::List(items)) = args.pop() {
                        args.extend(items);
                    } else {
                        return Val::unknown("expanded argument is not a list", span);
                    }
                }
                self.call(&name, args, sc, span)
            }
            Expression::Traversal(t) => {
                if let Expression::Variable(v) = &t.expr {
                    let ops: Vec<&TraversalOperator> =
                        t.operators.iter().map(|o| o.value()).collect();
                    self.eval_traversal(v.value().as_str(), sp(e), &ops, sc)
                } else {
                    let base = self.eval(&t.expr, sc);
                    let ops: Vec<&TraversalOperator> =
                        t.operators.iter().map(|o| o.value()).collect();
                    self.apply_ops(base, &ops, sc, sp(e))
                }
            }
            Expression::UnaryOp(u) => {
                let v = self.eval(&u.expr, sc);
                match (u.operator.value(), &v) {
                    (UnaryOperator::Not, _) => match v.as_bool() {
                        Some(b) => Val::Bool(!b),
                        None => {
                            self.unknown_from(&v, "operand of ! is not a known bool", sc, sp(e))
                        }
                    },
                    (UnaryOperator::Neg, _) => match v.as_num() {
                        Some(n) => Val::Num(-n),
                        None => {
                            self.unknown_from(&v, "operand of - is not a known number", sc, sp(e))
                        }
                    },
                }
            }
            Expression::BinaryOp(b) => {
                let op = *b.operator.value();
                let l = self.eval(&b.lhs_expr, sc);
                // `&&`/`||` short-circuit on a known side, which keeps `false && unknown` known.
                match op {
                    BinaryOperator::And if l.as_bool() == Some(false) => return Val::Bool(false),
                    BinaryOperator::Or if l.as_bool() == Some(true) => return Val::Bool(true),
                    _ => {}
                }
                let r = self.eval(&b.rhs_expr, sc);
                self.binary(op, l, r, sc, sp(e))
            }
            Expression::ForExpr(f) => self.eval_for(f, sc, sp(e)),
        }
    }

    /// An unknown that keeps the reason of the unknown operand when there is one.
    pub(crate) fn unknown_from(
        &self,
        v: &Val,
        fallback: &str,
        sc: &Scope,
        range: Option<std::ops::Range<usize>>,
    ) -> Val {
        match v.first_unknown() {
            Some(u) => Val::Unknown(u.clone()),
            None => Val::unknown(fallback, self.span(sc, range)),
        }
    }

    fn binary(
        &mut self,
        op: BinaryOperator,
        l: Val,
        r: Val,
        sc: &Scope,
        range: Option<std::ops::Range<usize>>,
    ) -> Val {
        use BinaryOperator as B;
        match op {
            B::Eq | B::NotEq => {
                let eq = match (&l, &r) {
                    // Decided however the symbols and unknowns resolve: null against what is
                    // never null, strings whose known ends differ.
                    (Val::Null, x) | (x, Val::Null) if never_null(x) => Some(false),
                    _ if strings_differ(&l, &r) => Some(false),
                    _ if l.first_unknown().is_some() || r.first_unknown().is_some() => None,
                    (Val::Num(a), b) | (b, Val::Num(a)) => b.as_num().map(|b| *a == b),
                    (Val::Text(_), _) | (_, Val::Text(_)) => {
                        if l == r {
                            Some(true)
                        } else {
                            None
                        }
                    }
                    (Val::Res(a), Val::Res(b)) => Some(a.id == b.id),
                    (Val::Res(_), _) | (_, Val::Res(_)) | (Val::Json(_), _) | (_, Val::Json(_)) => {
                        None
                    }
                    _ => Some(l == r),
                };
                match eq {
                    Some(b) => Val::Bool(if op == B::Eq { b } else { !b }),
                    None => {
                        let u = if l.first_unknown().is_some() { &l } else { &r };
                        self.unknown_from(u, "comparison of symbolic values", sc, range)
                    }
                }
            }
            B::And | B::Or => match (l.as_bool(), r.as_bool()) {
                (Some(a), Some(b)) => Val::Bool(if op == B::And { a && b } else { a || b }),
                (_, Some(false)) if op == B::And => Val::Bool(false),
                (_, Some(true)) if op == B::Or => Val::Bool(true),
                _ => {
                    let u = if l.as_bool().is_none() { &l } else { &r };
                    self.unknown_from(u, "operand is not a known bool", sc, range)
                }
            },
            _ => {
                let (Some(a), Some(b)) = (l.as_num(), r.as_num()) else {
                    let u = if l.as_num().is_none() { &l } else { &r };
                    return self.unknown_from(u, "operand is not a known number", sc, range);
                };
                match op {
                    B::Plus => Val::Num(a + b),
                    B::Minus => Val::Num(a - b),
                    B::Mul => Val::Num(a * b),
                    B::Div if b != 0.0 => Val::Num(a / b),
                    B::Mod if b != 0.0 => Val::Num(a % b),
                    B::Div | B::Mod => Val::unknown("division by zero", self.span(sc, range)),
                    B::Less => Val::Bool(a < b),
                    B::LessEq => Val::Bool(a <= b),
                    B::Greater => Val::Bool(a > b),
                    B::GreaterEq => Val::Bool(a >= b),
                    _ => Val::Null,
                }
            }
        }
    }

    /// The map key of a string value: the string, or the rendering of a string with symbols
    /// (recorded, see [`Eval::sym_keys`]). `None` when it is not a known string, or when two
    /// different symbolic strings render alike (which is which could not be told).
    pub(crate) fn map_key(&mut self, v: &Val) -> Option<String> {
        if let Some(s) = v.as_plain_str() {
            return Some(s);
        }
        let parts = match v {
            Val::Text(_) | Val::Json(_) if v.first_unknown().is_none() => v.string_parts()?,
            _ => return None,
        };
        let key = render_key(&parts);
        match self.sym_keys.get(&key) {
            Some(known) if *known != parts => None,
            Some(_) => Some(key),
            None => {
                self.sym_keys.insert(key.clone(), parts);
                Some(key)
            }
        }
    }

    /// The value of a map key as `keys()`, `each.key` and `for` read it back: the symbolic
    /// string it stands for, else the string.
    pub(crate) fn key_val(&self, k: &str) -> Val {
        match self.sym_keys.get(k) {
            Some(parts) => Val::text(parts.clone()),
            None => Val::Str(k.to_string()),
        }
    }

    /// Whether a value holds a map with a key that stands for a symbolic string: its JSON text
    /// would show the rendering as a literal key.
    pub(crate) fn has_symbolic_key(&self, v: &Val) -> bool {
        if self.sym_keys.is_empty() {
            return false;
        }
        let mut todo = vec![v];
        while let Some(v) = todo.pop() {
            match v {
                Val::Map(m) => {
                    if m.keys().any(|k| self.sym_keys.contains_key(k)) {
                        return true;
                    }
                    todo.extend(m.values());
                }
                Val::List(l) => todo.extend(l),
                Val::Json(inner) => todo.push(inner),
                _ => {}
            }
        }
        false
    }

    /// The (key, element) pairs a `for` or a `dynamic` block iterates, map keys read back by
    /// [`Eval::key_val`].
    fn items_of(&self, v: &Val) -> Option<Vec<(Val, Val)>> {
        let mut items = Self::collection_items(v)?;
        if matches!(v, Val::Map(_)) && !self.sym_keys.is_empty() {
            for (k, _) in &mut items {
                if let Val::Str(s) = k {
                    *k = self.key_val(s);
                }
            }
        }
        Some(items)
    }

    fn collection_items(v: &Val) -> Option<Vec<(Val, Val)>> {
        match v {
            Val::List(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, x)| (Val::Num(i as f64), x.clone()))
                    .collect(),
            ),
            Val::Map(m) => Some(
                m.iter()
                    .map(|(k, x)| (Val::Str(k.clone()), x.clone()))
                    .collect(),
            ),
            Val::Null => Some(Vec::new()),
            _ => None,
        }
    }

    fn eval_for(
        &mut self,
        f: &hcl_edit::expr::ForExpr,
        sc: &Scope,
        range: Option<std::ops::Range<usize>>,
    ) -> Val {
        let coll = self.eval(&f.intro.collection_expr, sc);
        let Some(items) = self.items_of(&coll) else {
            return self.unknown_from(
                &coll,
                "for expression over a value that is not a collection",
                sc,
                range,
            );
        };
        let kname = f.intro.key_var.as_ref().map(|k| k.value().to_string());
        let vname = f.intro.value_var.value().to_string();
        let mut list = Vec::new();
        let mut map: IndexMap<String, Val> = IndexMap::new();
        let mut b = self.building();
        // Every iteration copies the scope: that is work too.
        let scope_cells = scope_cells(sc);
        for (k, v) in items {
            self.charge(scope_cells);
            let mut binds = vec![(vname.clone(), v)];
            if let Some(kn) = &kname {
                binds.insert(0, (kn.clone(), k));
            }
            let inner = sc.with(binds);
            if let Some(cond) = &f.cond {
                let c = self.eval(&cond.expr, &inner);
                match c.as_bool() {
                    Some(true) => {}
                    Some(false) => continue,
                    None => {
                        return self.unknown_from(
                            &c,
                            "for expression filter is not known",
                            sc,
                            range,
                        )
                    }
                }
            }
            let value = self.eval(&f.value_expr, &inner);
            let n = self.last_cells;
            if let Err(u) = self.grow(&mut b, n, sc, range.clone()) {
                return u;
            }
            match &f.key_expr {
                Some(ke) => {
                    let key_val = self.eval(ke, &inner);
                    let Some(key) = self.map_key(&key_val) else {
                        let key = key_val;
                        return self.unknown_from(
                            &key,
                            "for expression key is not a known string",
                            sc,
                            range,
                        );
                    };
                    if f.grouping {
                        if let Val::List(l) =
                            map.entry(key).or_insert_with(|| Val::List(Vec::new()))
                        {
                            l.push(value);
                        }
                    } else {
                        map.insert(key, value);
                    }
                }
                None => list.push(value),
            }
        }
        if f.key_expr.is_some() {
            Val::Map(map)
        } else {
            Val::List(list)
        }
    }

    pub(crate) fn eval_template(
        &mut self,
        t: &Template,
        sc: &Scope,
        range: Option<std::ops::Range<usize>>,
    ) -> Val {
        let mut parts = Vec::new();
        let mut b = self.building();
        if let Err(u) = self.template_parts(t, sc, range.clone(), &mut parts, &mut b) {
            return u;
        }
        // A template that is exactly one interpolation keeps the value's type.
        if let Some(Element::Interpolation(i)) = t.as_single_element() {
            return self.eval(&i.expr, sc);
        }
        // An unresolved interpolation makes the string unknown, with what is known of it
        // (`arn:aws:s3:::data-${var.env}-*`).
        let first_unknown = parts.iter().find_map(|p| match p {
            json_text::Piece::Unknown(u) => Some(u.clone()),
            json_text::Piece::Part(_) => None,
        });
        match first_unknown {
            Some(u) => Val::Unknown(json_text::unknown_string(u, &parts)),
            None => Val::text(
                parts
                    .into_iter()
                    .filter_map(|p| match p {
                        json_text::Piece::Part(p) => Some(p),
                        json_text::Piece::Unknown(_) => None,
                    })
                    .collect(),
            ),
        }
    }

    fn template_parts(
        &mut self,
        t: &Template,
        sc: &Scope,
        range: Option<std::ops::Range<usize>>,
        out: &mut Vec<json_text::Piece>,
        b: &mut Building,
    ) -> Result<(), Val> {
        for el in t.iter() {
            match el {
                Element::Literal(s) => {
                    let n = 1 + s.value().len() / CELL_BYTES;
                    self.grow(b, n, sc, range.clone())?;
                    out.push(json_text::Piece::Part(Part::Lit(s.value().clone())));
                }
                Element::Interpolation(i) => {
                    let v = self.eval(&i.expr, sc);
                    let n = self.last_cells;
                    self.grow(b, n, sc, range.clone())?;
                    match v.string_parts() {
                        Some(p) => out.extend(p.into_iter().map(json_text::Piece::Part)),
                        // A hole named as written (`var.env`), or what is known of the value.
                        None if matches!(v, Val::Unknown(_)) => {
                            if let Val::Unknown(u) = v {
                                let u = match u.pieces {
                                    Some(_) => u,
                                    None => {
                                        let hole = egressproof_model::Piece::hole(
                                            i.expr.to_string().trim(),
                                            &u,
                                        );
                                        u.with_pieces(vec![hole])
                                    }
                                };
                                out.push(json_text::Piece::Unknown(u));
                            }
                        }
                        None if v == Val::Null => {
                            return Err(Val::unknown(
                                "null in a string template",
                                self.span(sc, sp(&i.expr)),
                            ))
                        }
                        None => {
                            return Err(self.unknown_from(
                                &v,
                                "a collection in a string template",
                                sc,
                                sp(&i.expr),
                            ))
                        }
                    }
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(d) => {
                        let c = self.eval(&d.if_expr.cond_expr, sc);
                        match c.as_bool() {
                            Some(true) => {
                                self.template_parts(&d.if_expr.template, sc, range.clone(), out, b)?
                            }
                            Some(false) => {
                                if let Some(e) = &d.else_expr {
                                    self.template_parts(&e.template, sc, range.clone(), out, b)?
                                }
                            }
                            None => {
                                return Err(self.unknown_from(
                                    &c,
                                    "template condition is not known",
                                    sc,
                                    range,
                                ))
                            }
                        }
                    }
                    Directive::For(d) => {
                        let coll = self.eval(&d.for_expr.collection_expr, sc);
                        let Some(items) = self.items_of(&coll) else {
                            return Err(self.unknown_from(
                                &coll,
                                "template for over a non-collection",
                                sc,
                                range,
                            ));
                        };
                        let vname = d.for_expr.value_var.value().to_string();
                        let kname = d.for_expr.key_var.as_ref().map(|k| k.value().to_string());
                        let scope_cells = scope_cells(sc);
                        for (k, v) in items {
                            self.charge(scope_cells);
                            let mut binds = vec![(vname.clone(), v)];
                            if let Some(kn) = &kname {
                                binds.push((kn.clone(), k));
                            }
                            let inner = sc.with(binds);
                            self.template_parts(
                                &d.for_expr.template,
                                &inner,
                                range.clone(),
                                out,
                                b,
                            )?;
                        }
                    }
                },
            }
        }
        Ok(())
    }

    // ------------------------------------------------------------------------------------------
    // references

    fn get_attr_name(op: Option<&&TraversalOperator>) -> Option<String> {
        match op {
            Some(TraversalOperator::GetAttr(i)) => Some(i.value().to_string()),
            _ => None,
        }
    }

    fn eval_traversal(
        &mut self,
        root: &str,
        range: Option<std::ops::Range<usize>>,
        ops: &[&TraversalOperator],
        sc: &Scope,
    ) -> Val {
        if let Some(v) = sc.lookup(root) {
            let v = v.clone();
            self.charge(cells(&v, MAX_VALUE_CELLS));
            return self.apply_ops(v, ops, sc, range);
        }
        let span = self.span(sc, range.clone());
        let (base, rest): (Val, &[&TraversalOperator]) = match root {
            "var" => match Self::get_attr_name(ops.first()) {
                Some(n) => (self.var(sc.inst, &n, span), &ops[1..]),
                None => (Val::unknown("bare `var`", span), &[]),
            },
            "local" => match Self::get_attr_name(ops.first()) {
                Some(n) => (self.local(sc.inst, &n, span), &ops[1..]),
                None => (Val::unknown("bare `local`", span), &[]),
            },
            "module" => match Self::get_attr_name(ops.first()) {
                Some(n) => (self.module_ref(sc.inst, &n, span), &ops[1..]),
                None => (Val::unknown("bare `module`", span), &[]),
            },
            "data" => match (
                Self::get_attr_name(ops.first()),
                Self::get_attr_name(ops.get(1)),
            ) {
                (Some(t), Some(n)) => (self.resource_ref(sc.inst, true, &t, &n, span), &ops[2..]),
                _ => (Val::unknown("incomplete data source reference", span), &[]),
            },
            "path" => {
                let dir = match Self::get_attr_name(ops.first()).as_deref() {
                    Some("module") => self.insts[sc.inst].def.dir.clone(),
                    _ => {
                        let mut i = sc.inst;
                        while let Some(c) = &self.insts[i].call {
                            i = c.caller;
                        }
                        self.insts[i].def.dir.clone()
                    }
                };
                (
                    Val::Str(dir.to_string_lossy().into_owned()),
                    ops.get(1..).unwrap_or(&[]),
                )
            }
            "terraform" => (Val::Str("default".into()), ops.get(1..).unwrap_or(&[])),
            "count" | "each" | "self" => (
                Val::unknown(format!("`{root}` is not available here"), span),
                &[],
            ),
            t => match Self::get_attr_name(ops.first()) {
                Some(n) => (self.resource_ref(sc.inst, false, t, &n, span), &ops[1..]),
                None => (Val::unknown(format!("unknown name `{t}`"), span), &[]),
            },
        };
        self.apply_ops(base, rest, sc, range)
    }

    pub(crate) fn apply_ops(
        &mut self,
        mut v: Val,
        ops: &[&TraversalOperator],
        sc: &Scope,
        range: Option<std::ops::Range<usize>>,
    ) -> Val {
        for (i, op) in ops.iter().enumerate() {
            match op {
                TraversalOperator::GetAttr(name) => {
                    v = self.get_attr(v, name.value().as_str(), sc, range.clone());
                }
                TraversalOperator::Index(e) => {
                    let idx = self.eval(e, sc);
                    v = self.index(v, idx, sc, range.clone());
                }
                TraversalOperator::LegacyIndex(n) => {
                    v = self.index(v, Val::Num(*n.value() as f64), sc, range.clone());
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let rest = &ops[i + 1..];
                    let items = match v {
                        Val::List(items) => items,
                        Val::Null => Vec::new(),
                        Val::Unknown(u) => return Val::Unknown(u),
                        Val::Map(m)
                            if m.len() == 1
                                && matches!(m.values().next(), Some(Val::Res(r)) if r.key == InstKey::Unresolved) =>
                        {
                            m.into_values().collect()
                        }
                        other => vec![other],
                    };
                    let mut b = self.building();
                    let mut out = Vec::with_capacity(items.len());
                    for item in items {
                        let v = self.apply_ops(item, rest, sc, range.clone());
                        let n = cells(&v, MAX_VALUE_CELLS);
                        self.charge(n);
                        if let Err(u) = self.grow(&mut b, n, sc, range.clone()) {
                            return u;
                        }
                        out.push(v);
                    }
                    return Val::List(out);
                }
            }
        }
        v
    }

    fn get_attr(
        &mut self,
        v: Val,
        name: &str,
        sc: &Scope,
        range: Option<std::ops::Range<usize>>,
    ) -> Val {
        match v {
            Val::Map(mut m) => match m.swap_remove(name) {
                Some(v) => v,
                None if self.in_try > 0 => {
                    self.try_errors += 1;
                    Val::unknown(
                        format!("the object has no attribute {name}"),
                        self.span(sc, range),
                    )
                }
                None => Val::Null,
            },
            Val::Res(r) => self.res_attr(&r, name, self.span(sc, range)),
            Val::Module(i) => self.module_output(i, name, self.span(sc, range)),
            Val::Text(parts) => match parts.as_slice() {
                [Part::Sym(Symbol::Attr {
                    resource,
                    attribute,
                })] => Val::sym(Symbol::Attr {
                    resource: resource.clone(),
                    attribute: format!("{attribute}.{name}"),
                }),
                [Part::Sym(Symbol::Ref(id))] => Val::sym(Symbol::Attr {
                    resource: id.clone(),
                    attribute: name.to_string(),
                }),
                _ => Val::unknown(
                    format!("attribute {name} of a string"),
                    self.span(sc, range),
                ),
            },
            Val::Unknown(u) => Val::Unknown(u),
            Val::Null => Val::Null,
            Val::List(items)
                if items.len() == 1
                    && matches!(&items[0], Val::Res(r) if r.key == InstKey::Unresolved) =>
            {
                let item = items.into_iter().next().unwrap_or(Val::Null);
                self.get_attr(item, name, sc, range)
            }
            other => Val::unknown(
                format!("attribute {name} of a {}", other.type_name()),
                self.span(sc, range),
            ),
        }
    }

    fn index(
        &mut self,
        v: Val,
        idx: Val,
        sc: &Scope,
        range: Option<std::ops::Range<usize>>,
    ) -> Val {
        if let Val::Unknown(u) = &idx {
            // One unresolved instance stands for all of them, whatever the index.
            if let Val::List(items) = &v {
                if let [Val::Res(r)] = items.as_slice() {
                    if r.key == InstKey::Unresolved {
                        return Val::Res(r.clone());
                    }
                }
            }
            return Val::Unknown(u.clone());
        }
        match v {
            Val::List(items) => {
                if let [Val::Res(r)] = items.as_slice() {
                    if r.key == InstKey::Unresolved {
                        return Val::Res(r.clone());
                    }
                }
                match idx.as_num() {
                    Some(n) if n >= 0.0 && (n as usize) < items.len() => {
                        items.into_iter().nth(n as usize).unwrap_or(Val::Null)
                    }
                    Some(n) => {
                        Val::unknown(format!("index {n} out of range"), self.span(sc, range))
                    }
                    None => Val::unknown("list index is not a number", self.span(sc, range)),
                }
            }
            Val::Map(mut m) => {
                if m.len() == 1 {
                    if let Some(Val::Res(r)) = m.values().next() {
                        if r.key == InstKey::Unresolved {
                            return Val::Res(r.clone());
                        }
                    }
                }
                // A symbolic key finds the instance that `for_each` keyed by it.
                match idx.as_plain_str().or_else(|| match &idx {
                    Val::Text(parts) => Some(render_key(parts)),
                    _ => None,
                }) {
                    Some(k) => match m.swap_remove(&k) {
                        Some(v) => v,
                        None if self.in_try > 0 => {
                            self.try_errors += 1;
                            Val::unknown(
                                format!("the map has no element {k}"),
                                self.span(sc, range),
                            )
                        }
                        None => Val::Null,
                    },
                    None => Val::unknown("map key is not a string", self.span(sc, range)),
                }
            }
            Val::Text(parts) => match parts.as_slice() {
                [Part::Sym(Symbol::Attr {
                    resource,
                    attribute,
                })] => {
                    let i = idx.as_plain_str().unwrap_or_default();
                    Val::sym(Symbol::Attr {
                        resource: resource.clone(),
                        attribute: format!("{attribute}[{i}]"),
                    })
                }
                _ => Val::unknown("index into a string", self.span(sc, range)),
            },
            Val::Unknown(u) => Val::Unknown(u),
            Val::Res(r) if r.key == InstKey::Unresolved => Val::Res(r),
            Val::Null => Val::Null,
            other => Val::unknown(
                format!("index into a {}", other.type_name()),
                self.span(sc, range),
            ),
        }
    }

    fn var(&mut self, inst: usize, name: &str, span: Option<Span>) -> Val {
        let key = format!("var.{name}");
        if let Some(v) = self.memo_get(inst, &key) {
            return v;
        }
        let def = self.insts[inst].def.clone();
        let v = self.var_inner(inst, &def, name, span);
        self.memo_put(inst, &key, v)
    }

    fn var_inner(&mut self, inst: usize, def: &ModuleDef, name: &str, span: Option<Span>) -> Val {
        let Some(vd) = def.variables.get(name) else {
            return Val::unknown(format!("variable {name} is not declared"), span);
        };
        if let Some(v) = self.insts[inst].root_vars.get(name) {
            return v.clone();
        }
        if let Some(call) = &self.insts[inst].call {
            let caller = call.caller;
            let bindings = call.bindings.clone();
            let cname = call.name.clone();
            let cdef = self.insts[caller].def.clone();
            if let Some(mb) = cdef.modules.get(&cname) {
                let tree = self.block(&cdef, mb);
                if let Some(a) = tree.block.body.get_attribute(name) {
                    let sc = Scope {
                        inst: caller,
                        file: mb.file,
                        base: tree.base,
                        vars: bindings,
                    };
                    let v = self.eval(&a.value, &sc);
                    if v != Val::Null {
                        return v;
                    }
                }
            }
        }
        match &vd.default {
            Some(d) => {
                let sc = Scope {
                    inst,
                    file: vd.file,
                    base: 0,
                    vars: Vec::new(),
                };
                self.eval(d, &sc)
            }
            None => Val::unknown(
                format!("variable {name} has no value"),
                Some(vd.span.clone()),
            ),
        }
    }

    fn local(&mut self, inst: usize, name: &str, span: Option<Span>) -> Val {
        self.named(
            inst,
            format!("local.{name}"),
            |def| def.locals.get(name),
            || Val::unknown(format!("local {name} is not declared"), span),
        )
    }

    /// A module's named expression (a local or an output), evaluated once per instance.
    fn named(
        &mut self,
        inst: usize,
        key: String,
        pick: impl FnOnce(&ModuleDef) -> Option<&(Expression, usize)>,
        missing: impl FnOnce() -> Val,
    ) -> Val {
        if let Some(v) = self.memo_get(inst, &key) {
            return v;
        }
        let def = self.insts[inst].def.clone();
        let v = match pick(&def) {
            Some((e, file)) => {
                let sc = Scope {
                    inst,
                    file: *file,
                    base: 0,
                    vars: Vec::new(),
                };
                self.eval(e, &sc)
            }
            None => missing(),
        };
        self.memo_put(inst, &key, v)
    }

    pub(crate) fn resource_id(
        &self,
        inst: usize,
        data: bool,
        t: &str,
        n: &str,
        key: &InstKey,
    ) -> Ident {
        let i = &self.insts[inst];
        let d = if data { "data." } else { "" };
        Ident(format!(
            "{}/{}{d}{t}.{n}{}",
            i.id_base,
            i.prefix,
            key.suffix()
        ))
    }

    /// The instances of a resource (or data source or module call): its `count`/`for_each`.
    pub(crate) fn expand(&mut self, inst: usize, kind: BlockKind, t: &str, n: &str) -> Expansion {
        // A block without `count` or `for_each` is one instance, known without evaluating
        // anything: one shared expansion, not one memoised per block.
        let def = &self.insts[inst].def;
        let rd: Option<&ResDef> = match kind {
            BlockKind::Resource => def.resources.get(&Pair(t, n)),
            BlockKind::Data => def.data.get(&Pair(t, n)),
            BlockKind::Module => def.modules.get(n),
        };
        if rd.is_some_and(|rd| !rd.has_count && !rd.has_for_each) {
            return self.single.clone();
        }
        let mkey = (inst, kind, t.to_string(), n.to_string());
        match self.expansions.get(&mkey) {
            Some(Some(e)) => return e.clone(),
            Some(None) => {
                return Rc::new(vec![(
                    InstKey::Unresolved,
                    vec![
                        (
                            "count".into(),
                            map1("index", Val::unknown("cycle in count", None)),
                        ),
                        ("each".into(), each(Val::unknown("cycle in for_each", None))),
                    ],
                )])
            }
            None => {}
        }
        self.expansions.insert(mkey.clone(), None);
        let def = self.insts[inst].def.clone();
        let rd: Option<&ResDef> = match kind {
            BlockKind::Resource => def.resources.get(&Pair(t, n)),
            BlockKind::Data => def.data.get(&Pair(t, n)),
            BlockKind::Module => def.modules.get(n),
        };
        let in_try = std::mem::take(&mut self.in_try);
        let mut out = match rd {
            None => Vec::new(),
            Some(rd) => self.expand_block(inst, &def, rd, &format!("{t}.{n}")),
        };
        self.in_try = in_try;
        // Copies beyond the first of each block (the first is counted with its module).
        let extra = out.len().saturating_sub(1);
        if let (Some(rd), true) = (rd, kind != BlockKind::Module && extra > 0) {
            if self.instances.saturating_add(extra) > self.instance_limit {
                let why = format!(
                    "{t}.{n} would bring the scan past {} resource instances",
                    self.instance_limit
                );
                let meta = if rd.has_count { "count" } else { "for_each" };
                out = self.standing_for_all(
                    meta,
                    &format!("{t}.{n}"),
                    format!("{why} (limit MAX_SCAN_INSTANCES)"),
                    Some(rd.span.clone()),
                );
            } else {
                self.instances += extra;
            }
        }
        let out = Rc::new(out);
        self.expansions.insert(mkey, Some(out.clone()));
        out
    }

    fn expand_block(
        &mut self,
        inst: usize,
        def: &ModuleDef,
        rd: &ResDef,
        addr: &str,
    ) -> Vec<(InstKey, Vec<(String, Val)>)> {
        if !rd.has_count && !rd.has_for_each {
            return vec![(InstKey::Single, Vec::new())];
        }
        let tree = self.block(def, rd);
        let sc = Scope {
            inst,
            file: rd.file,
            base: tree.base,
            vars: Vec::new(),
        };
        if let Some(c) = tree.block.body.get_attribute("count") {
            let v = self.eval(&c.value, &sc);
            let span = self.span(&sc, sp(&c.value));
            return match v.as_num().filter(|n| *n >= 0.0 && n.fract() == 0.0) {
                Some(n) if n <= MAX_INSTANCES as f64 => (0..n as usize)
                    .map(|i| {
                        (
                            InstKey::Index(i),
                            vec![("count".into(), map1("index", Val::Num(i as f64)))],
                        )
                    })
                    .collect(),
                Some(n) => {
                    let why = format!(
                        "count of {addr} is {}, more than {MAX_INSTANCES} instances",
                        crate::val::fmt_num(n)
                    );
                    self.standing_for_all(
                        "count",
                        addr,
                        format!("{why} (limit MAX_INSTANCES)"),
                        span,
                    )
                }
                None => {
                    let reason = v
                        .first_unknown()
                        .map(|u| u.reason.clone())
                        .unwrap_or_else(|| format!("count is a {}", v.type_name()));
                    self.standing_for_all("count", addr, reason, span)
                }
            };
        }
        if let Some(fe) = tree.block.body.get_attribute("for_each") {
            let v = self.eval(&fe.value, &sc);
            let span = self.span(&sc, sp(&fe.value));
            // (instance key, each.key, each.value)
            let items: Option<Vec<(String, Val, Val)>> = match &v {
                Val::Map(m) => Some(
                    m.iter()
                        .map(|(k, v)| (k.clone(), self.key_val(k), v.clone()))
                        .collect(),
                ),
                Val::List(l) => set_instances(l).map(|items| {
                    items
                        .into_iter()
                        .map(|(k, x)| {
                            // `keys()` of the instances reads the symbolic string back.
                            if let Val::Text(parts) = &x {
                                self.sym_keys.entry(k.clone()).or_insert(parts.clone());
                            }
                            (k, x.clone(), x)
                        })
                        .collect()
                }),
                Val::Null => Some(Vec::new()),
                _ => None,
            };
            return match items {
                Some(items) if items.len() <= MAX_INSTANCES => items
                    .into_iter()
                    .map(|(k, key, v)| (InstKey::Key(k), vec![("each".into(), each_kv(key, v))]))
                    .collect(),
                Some(items) => {
                    let why = format!(
                        "for_each of {addr} has {} keys, more than {MAX_INSTANCES} instances",
                        items.len()
                    );
                    self.standing_for_all(
                        "for_each",
                        addr,
                        format!("{why} (limit MAX_INSTANCES)"),
                        span,
                    )
                }
                None => {
                    let reason = v
                        .first_unknown()
                        .map(|u| u.reason.clone())
                        .unwrap_or_else(|| format!("for_each is a {}", v.type_name()));
                    self.standing_for_all("for_each", addr, reason, span)
                }
            };
        }
        vec![(InstKey::Single, Vec::new())]
    }

    /// The one instance that stands for all of a block's when their number is not known (or
    /// past [`MAX_INSTANCES`]): `count.index` or `each` is unknown in it.
    fn standing_for_all(
        &mut self,
        meta: &str,
        addr: &str,
        reason: String,
        span: Option<Span>,
    ) -> Vec<(InstKey, Vec<(String, Val)>)> {
        self.diag(
            UnknownCode::EP902,
            format!("{meta} of {addr} is not known ({reason}): one instance stands for all"),
            span.clone(),
        );
        let unknown = Val::unknown(format!("{meta} of {addr} is not known ({reason})"), span);
        let binding = if meta == "count" {
            ("count".to_string(), map1("index", unknown))
        } else {
            ("each".to_string(), each(unknown))
        };
        vec![(InstKey::Unresolved, vec![binding])]
    }

    fn resource_ref(
        &mut self,
        inst: usize,
        data: bool,
        t: &str,
        n: &str,
        span: Option<Span>,
    ) -> Val {
        let def = self.insts[inst].def.clone();
        let rd = if data {
            def.data.get(&Pair(t, n))
        } else {
            def.resources.get(&Pair(t, n))
        };
        let Some(rd) = rd else {
            let what = if data { "data source" } else { "resource" };
            return Val::unknown(
                format!("{what} {t}.{n} is not declared in this module"),
                span,
            );
        };
        let (has_for_each, has_count) = (rd.has_for_each, rd.has_count);
        let exp = self.expand(inst, BlockKind::of_resource(data), t, n);
        let objs: Vec<(InstKey, Val)> = exp
            .iter()
            .map(|(k, _)| {
                (
                    k.clone(),
                    Val::Res(Box::new(ResObj {
                        inst,
                        data,
                        rtype: t.to_string(),
                        name: n.to_string(),
                        key: k.clone(),
                        id: self.resource_id(inst, data, t, n, k),
                    })),
                )
            })
            .collect();
        if has_for_each {
            Val::Map(
                objs.into_iter()
                    .map(|(k, v)| match k {
                        InstKey::Key(k) => (k, v),
                        _ => ("*".to_string(), v),
                    })
                    .collect(),
            )
        } else if has_count {
            Val::List(objs.into_iter().map(|(_, v)| v).collect())
        } else {
            objs.into_iter().next().map(|(_, v)| v).unwrap_or(Val::Null)
        }
    }

    /// The scope in which a resource instance's arguments are evaluated, and its block's tree.
    pub(crate) fn res_scope(&mut self, r: &ResObj) -> Option<(Scope, Rc<Block>)> {
        let def = self.insts[r.inst].def.clone();
        let rd = if r.data {
            def.data.get(&Pair(&r.rtype, &r.name))?
        } else {
            def.resources.get(&Pair(&r.rtype, &r.name))?
        };
        let file = rd.file;
        let tree = self.block(&def, rd);
        let exp = self.expand(r.inst, BlockKind::of_resource(r.data), &r.rtype, &r.name);
        let vars = exp
            .iter()
            .find(|(k, _)| *k == r.key)
            .map(|(_, b)| b.clone())
            .unwrap_or_default();
        Some((
            Scope {
                inst: r.inst,
                file,
                base: tree.base,
                vars,
            },
            tree.block,
        ))
    }

    fn res_attr(&mut self, r: &ResObj, name: &str, span: Option<Span>) -> Val {
        if r.data {
            return self.data_attr(r, name, span);
        }
        if name == "id" {
            if let Some(id) = self.adopted_default(r) {
                return Val::sym(Symbol::Ref(id));
            }
        }
        if name == "id" || names_itself(&r.rtype, name) {
            return Val::sym(Symbol::Ref(r.id.clone()));
        }
        let key = format!("attr:{}.{}", r.id, name);
        if let Some(v) = self.memo_get(r.inst, &key) {
            return v;
        }
        let v = match self.res_scope(r) {
            Some((sc, block)) => {
                let body = &block.body;
                if let Some(a) = body.get_attribute(name) {
                    self.eval(&a.value, &sc)
                } else if body.get_blocks(name).next().is_some() || has_dynamic(body, name) {
                    let m = self.eval_body(body, &sc, Some(name));
                    m.get(name).cloned().unwrap_or(Val::Null)
                } else {
                    Val::sym(Symbol::Attr {
                        resource: r.id.clone(),
                        attribute: name.to_string(),
                    })
                }
            }
            None => Val::unknown("resource vanished", span),
        };
        self.memo_put(r.inst, &key, v)
    }

    /// The ID of an `aws_default_*` resource (`aws_default_security_group.d.id`) names the VPC
    /// default object it adopts, under the identity the lowering gives that object
    /// ([`crate::lower::adopted_default`]), so that rules and routes attached by address meet it.
    fn adopted_default(&mut self, r: &ResObj) -> Option<Ident> {
        let key = crate::lower::adopted_default_key(&r.rtype)?;
        let def = self.insts[r.inst].def.clone();
        let rd = def.resources.get(&Pair(&r.rtype, &r.name))?;
        self.block(&def, rd).block.body.get_attribute(key)?;
        let mut args = crate::lower::Args::new();
        args.insert(key.to_string(), self.res_attr(r, key, None));
        crate::lower::adopted_default(&r.rtype, &args, &Span::default())
    }

    fn data_attr(&mut self, r: &ResObj, name: &str, span: Option<Span>) -> Val {
        let reason = format!("data source {}.{} is read at plan time", r.rtype, r.name);
        match (r.rtype.as_str(), name) {
            ("aws_region", "name" | "id" | "region") => Val::sym(Symbol::Pseudo(Pseudo::Region)),
            ("aws_caller_identity", "account_id" | "id") => {
                Val::sym(Symbol::Pseudo(Pseudo::AccountId))
            }
            ("aws_partition", "partition" | "id") => Val::sym(Symbol::Pseudo(Pseudo::Partition)),
            ("aws_partition", "dns_suffix") => Val::sym(Symbol::Pseudo(Pseudo::UrlSuffix)),
            ("aws_iam_policy_document", "json" | "minified_json") => {
                let key = format!("doc:{}", r.id);
                if let Some(v) = self.memo_get(r.inst, &key) {
                    return v;
                }
                let v = match self.res_scope(r) {
                    Some((sc, block)) => {
                        let m = self.eval_body(&block.body, &sc, None);
                        Val::Json(Box::new(crate::policy::document(&m)))
                    }
                    None => Val::unknown(reason, span),
                };
                self.memo_put(r.inst, &key, v)
            }
            ("template_file", "rendered") => {
                let key = format!("rendered:{}", r.id);
                if let Some(v) = self.memo_get(r.inst, &key) {
                    return v;
                }
                let v = match self.res_scope(r) {
                    Some((sc, block)) => self.template_file(&block.body, &sc, &r.name, span),
                    None => Val::unknown(reason, span),
                };
                self.memo_put(r.inst, &key, v)
            }
            ("aws_vpc_endpoint_service", "service_name") => {
                let svc = self.res_scope(r).and_then(|(sc, block)| {
                    let a = block.body.get_attribute("service")?;
                    Some(self.eval(&a.value, &sc))
                });
                match svc.and_then(|s| s.as_plain_str()) {
                    Some(s)
                        if !s.is_empty()
                            && !s.contains('.')
                            && s != "notebook"
                            && s != "studio" =>
                    {
                        Val::Text(vec![
                            Part::Lit("com.amazonaws.".into()),
                            Part::Sym(Symbol::Pseudo(Pseudo::Region)),
                            Part::Lit(format!(".{s}")),
                        ])
                    }
                    _ => Val::unknown(reason, span),
                }
            }
            _ => Val::unknown(reason, span),
        }
    }

    /// `data "template_file"` (the template provider): its `template` rendered with its `vars`,
    /// as `templatefile` renders a file. A template that is not a known string (it holds a
    /// symbol or an unknown) cannot be parsed, so the result is an unknown naming the source.
    fn template_file(&mut self, body: &Body, sc: &Scope, name: &str, span: Option<Span>) -> Val {
        let what = format!("data.template_file.{name}");
        let template = match body.get_attribute("template") {
            Some(a) => self.eval(&a.value, sc),
            None => return Val::unknown(format!("{what}: template is not set"), span),
        };
        let Some(text) = template.as_plain_str() else {
            return match template.first_unknown() {
                Some(u) => Val::Unknown(u.clone()),
                None => Val::unknown(
                    format!("{what}: the template holds values known only at deployment"),
                    span,
                ),
            };
        };
        let vars = match body.get_attribute("vars").map(|a| self.eval(&a.value, sc)) {
            Some(Val::Map(m)) => m,
            None | Some(Val::Null) => IndexMap::new(),
            Some(other) => {
                return match other.first_unknown() {
                    Some(u) => Val::Unknown(u.clone()),
                    None => Val::unknown(format!("{what}: vars is not a map"), span),
                }
            }
        };
        self.render_template(&what, &text, vars, sc, &span)
    }

    fn module_ref(&mut self, inst: usize, name: &str, span: Option<Span>) -> Val {
        let def = self.insts[inst].def.clone();
        let Some(mb) = def.modules.get(name) else {
            return Val::unknown(format!("module {name} is not declared"), span);
        };
        let (has_for_each, has_count) = (mb.has_for_each, mb.has_count);
        match self.module_children(inst, name).as_ref() {
            Children::Unresolved(u) => u.clone(),
            Children::Local(kids) => {
                if has_for_each {
                    Val::Map(
                        kids.iter()
                            .map(|(k, i)| match k {
                                InstKey::Key(k) => (k.clone(), Val::Module(*i)),
                                _ => ("*".into(), Val::Module(*i)),
                            })
                            .collect(),
                    )
                } else if has_count {
                    Val::List(kids.iter().map(|(_, i)| Val::Module(*i)).collect())
                } else {
                    kids.first()
                        .map(|(_, i)| Val::Module(*i))
                        .unwrap_or(Val::Null)
                }
            }
        }
    }

    fn module_output(&mut self, inst: usize, name: &str, span: Option<Span>) -> Val {
        self.named(
            inst,
            format!("output.{name}"),
            |def| def.outputs.get(name),
            || Val::unknown(format!("module has no output {name}"), span),
        )
    }

    /// The instances of a module call, created on first use.
    pub(crate) fn module_children(&mut self, inst: usize, name: &str) -> Rc<Children> {
        if let Some(c) = self.children.get(&(inst, name.to_string())) {
            return c.clone();
        }
        // Placeholder first: a call that reaches itself through outputs sees an unknown.
        self.children.insert(
            (inst, name.to_string()),
            Rc::new(Children::Unresolved(Val::unknown(
                format!("module {name} depends on itself"),
                None,
            ))),
        );
        let c = Rc::new(self.make_children(inst, name));
        self.children.insert((inst, name.to_string()), c.clone());
        c
    }

    fn make_children(&mut self, inst: usize, name: &str) -> Children {
        let def = self.insts[inst].def.clone();
        let Some(mb) = def.modules.get(name) else {
            return Children::Unresolved(Val::unknown(
                format!("module {name} is not declared"),
                None,
            ));
        };
        let tree = self.block(&def, mb);
        let sc = Scope {
            inst,
            file: mb.file,
            base: tree.base,
            vars: Vec::new(),
        };
        let span = Some(mb.span.clone());
        let source = tree
            .block
            .body
            .get_attribute("source")
            .map(|a| self.eval(&a.value, &sc))
            .and_then(|v| v.as_plain_str());
        let Some(source) = source else {
            let msg = format!("module {name} has no readable source");
            self.diag_hiding(UnknownCode::EP902, msg.clone(), span.clone());
            return Children::Unresolved(Val::unknown(msg, span));
        };
        let local = source.starts_with("./")
            || source.starts_with("../")
            || source == "."
            || source == "..";
        // A remote module is read from the copy `terraform init` installed, if any.
        let (dir, display, what) = if local {
            let display = parse::normalize_display(&parse::join_display(&def.display, &source));
            (
                def.dir.join(&source),
                display,
                format!("local source {source}"),
            )
        } else {
            let constraint = tree
                .block
                .body
                .get_attribute("version")
                .map(|a| self.eval(&a.value, &sc))
                .and_then(|v| v.as_plain_str());
            let call = (name, source.as_str(), constraint.as_deref());
            match self.installed_copy(inst, call, span.clone()) {
                Ok(found) => found,
                Err(unresolved) => return unresolved,
            }
        };
        // A module is read only inside the read scope, like every file the code names.
        let canonical = match self.read.dir(&dir) {
            Ok(c) => c,
            Err(e) => {
                let msg = match e {
                    ReadError::NotFound => format!("module {name}: {what} not found"),
                    e => format!("module {name}: {what}: {e}"),
                };
                self.diag_hiding(UnknownCode::EP902, msg.clone(), span.clone());
                return Children::Unresolved(Val::unknown(msg, span));
            }
        };
        let ancestors = self.insts[inst].ancestors.clone();
        if ancestors.contains(&canonical) || ancestors.len() >= MAX_MODULE_DEPTH {
            let msg = format!("module {name} ({source}) calls itself or nests too deeply");
            self.diag_hiding(UnknownCode::EP902, msg.clone(), span.clone());
            return Children::Unresolved(Val::unknown(msg, span));
        }
        let child_def = self.module_def(&canonical, &display);
        let exp = self.expand(inst, BlockKind::Module, "module", name);
        // Every instance of the module visits every block of it.
        let blocks = (child_def.resources.len() + child_def.data.len() + child_def.modules.len())
            .max(1)
            .saturating_mul(exp.len());
        if self.instances.saturating_add(blocks) > self.instance_limit {
            let why = format!(
                "module {name} ({source}) would bring the scan past {} resource instances, so \
                 its resources are not loaded",
                self.instance_limit
            );
            let u = self.over_limit(&why, "MAX_SCAN_INSTANCES", span);
            return Children::Unresolved(u);
        }
        self.instances += blocks;
        let mut kids = Vec::new();
        for (key, bindings) in exp.iter() {
            let mut anc = ancestors.clone();
            anc.push(canonical.clone());
            let prefix = format!("{}module.{name}{}.", self.insts[inst].prefix, key.suffix());
            let id_base = self.insts[inst].id_base.clone();
            self.insts.push(Inst {
                def: child_def.clone(),
                prefix,
                id_base,
                call: Some(CallSite {
                    caller: inst,
                    name: name.to_string(),
                    bindings: bindings.clone(),
                }),
                root_vars: HashMap::new(),
                ancestors: anc,
            });
            kids.push((key.clone(), self.insts.len() - 1));
        }
        Children::Local(kids)
    }

    /// The copy of remote module call `name` that `terraform init` installed (directory, display
    /// path, what it is for messages), read from the root module's manifest; or the unknown that
    /// stands for the module when there is none, naming how to get one.
    fn installed_copy(
        &mut self,
        inst: usize,
        (name, source, constraint): (&str, &str, Option<&str>),
        span: Option<Span>,
    ) -> Result<(PathBuf, String, String), Children> {
        // The manifest's key: the call names from the root down (`vpc.subnets`).
        let mut key = vec![name.to_string()];
        let mut root = inst;
        while let Some(call) = &self.insts[root].call {
            key.push(call.name.clone());
            root = call.caller;
        }
        key.reverse();
        let key = key.join(".");
        let root_def = self.insts[root].def.clone();
        let manifest_path = installed::manifest(self.data_dir.as_deref());
        let installed = match self.installed.get(&root_def.dir) {
            Some(i) => i.clone(),
            None => {
                let i = Rc::new(Installed::read(&root_def.dir, &manifest_path, &self.read));
                self.installed.insert(root_def.dir.clone(), i.clone());
                i
            }
        };
        let manifest = match &self.data_dir {
            // Named with the setting that put it there, which the reader may not know is set.
            Some(d) => format!(
                "{} (TF_DATA_DIR={})",
                if manifest_path.is_absolute() {
                    manifest_path.to_string_lossy().into_owned()
                } else {
                    parse::join_display(&root_def.display, &manifest_path.to_string_lossy())
                },
                d.to_string_lossy()
            ),
            None => parse::join_display(&root_def.display, installed::MANIFEST),
        };
        let why = match installed.as_ref() {
            Ok(i) => match i.get(&key) {
                Some(e) if !installed::same_source(source, &e.source) => format!(
                    "{manifest} records {} for it, not {source}: run `terraform init` again so the copy is its source's",
                    e.source
                ),
                Some(e) if !Self::version_holds(e.version.as_deref(), constraint) => format!(
                    "{manifest} records version {} of it, which does not meet the call's version {}: run `terraform init -upgrade` so the copy is the one Terraform would use",
                    e.version.as_deref().unwrap_or("(none)"),
                    constraint.unwrap_or_default()
                ),
                Some(e) => {
                    let version = e.version.as_deref().map(|v| format!(" {v}")).unwrap_or_default();
                    let display =
                        parse::normalize_display(&parse::join_display(&root_def.display, &e.dir));
                    let what = format!("installed copy {display} of {source}{version} (from {manifest})");
                    return Ok((root_def.dir.join(&e.dir), display, what));
                }
                None => format!("{manifest} has no module {key}: run `terraform init` again to install it"),
            },
            Err(Missing::NotInitialised) => format!(
                "no {manifest}: run `terraform init` in {} so that the scan reads the installed copy",
                if root_def.display.is_empty() { "." } else { &root_def.display }
            ),
            Err(Missing::Unreadable(e)) => parse::join_display(&root_def.display, e),
        };
        let msg = format!(
            "module {name} comes from {source}, which is not read (registry or remote module; {why}): its resources are not in the scan and its outputs are unknown"
        );
        self.diag_hiding(UnknownCode::EP902, msg, span.clone());
        Err(Children::Unresolved(Val::unknown(
            format!("output of remote module {name} ({source})"),
            span,
        )))
    }

    /// Whether an installed version meets the call's constraint. One that cannot be checked (no
    /// version recorded, a pre-release, a constraint not read) does not: Terraform would check
    /// it, and a copy that fails its check is not the module's code.
    fn version_holds(version: Option<&str>, constraint: Option<&str>) -> bool {
        match (version, constraint) {
            (_, None) => true,
            (Some(v), Some(c)) => installed::satisfies(v, c) == Some(true),
            (None, Some(_)) => false,
        }
    }

    // ------------------------------------------------------------------------------------------
    // bodies

    /// A block body as an attribute map: arguments by name, nested blocks (static or `dynamic`)
    /// as lists of maps. An unknown number of dynamic blocks is one `Unknown` element.
    /// `only`: evaluate just that argument or block (a reference to one attribute).
    pub(crate) fn eval_body(
        &mut self,
        body: &Body,
        sc: &Scope,
        only: Option<&str>,
    ) -> IndexMap<String, Val> {
        let mut m: IndexMap<String, Val> = IndexMap::new();
        let mut b = self.building();
        for s in body.iter() {
            match s {
                Structure::Attribute(a) => {
                    let k = a.key.value().as_str();
                    if META_ARGS.contains(&k) || only.is_some_and(|o| o != k) {
                        continue;
                    }
                    let v = self.eval(&a.value, sc);
                    let n = self.last_cells;
                    // Past a limit, the arguments not yet read are that limit's unknown.
                    let v = match self.grow(&mut b, n, sc, sp(&a.value)) {
                        Ok(()) => v,
                        Err(u) => {
                            b = self.building();
                            u
                        }
                    };
                    m.insert(k.to_string(), v);
                }
                Structure::Block(blk) => {
                    let ident = blk.ident.value().as_str();
                    if ident == "dynamic" {
                        let Some(lbl) = blk.labels.first().map(|l| l.as_str().to_string()) else {
                            continue;
                        };
                        if only.is_some_and(|o| o != lbl) {
                            continue;
                        }
                        let items = self.eval_dynamic(blk, sc, &lbl);
                        push_list(&mut m, &lbl, items);
                    } else {
                        if META_ARGS.contains(&ident) || only.is_some_and(|o| o != ident) {
                            continue;
                        }
                        let inner = Val::Map(self.eval_body(&blk.body, sc, None));
                        let n = cells(&inner, MAX_VALUE_CELLS);
                        self.charge(n);
                        let inner = match self.grow(&mut b, n, sc, sp(blk)) {
                            Ok(()) => inner,
                            Err(u) => {
                                b = self.building();
                                u
                            }
                        };
                        push_list(&mut m, ident, vec![inner]);
                    }
                }
            }
        }
        m
    }

    fn eval_dynamic(&mut self, b: &hcl_edit::structure::Block, sc: &Scope, lbl: &str) -> Vec<Val> {
        let iter_name = b
            .body
            .get_attribute("iterator")
            .and_then(|a| match &a.value {
                Expression::Variable(v) => Some(v.value().to_string()),
                _ => None,
            })
            .unwrap_or_else(|| lbl.to_string());
        let Some(content) = b.body.get_blocks("content").next() else {
            return Vec::new();
        };
        let coll = match b.body.get_attribute("for_each") {
            Some(a) => self.eval(&a.value, sc),
            None => Val::List(Vec::new()),
        };
        let Some(items) = self.items_of(&coll) else {
            let span = self.span(sc, sp(b));
            let reason = coll
                .first_unknown()
                .map(|u| u.reason.clone())
                .unwrap_or_else(|| "for_each is not a collection".into());
            self.diag(
                UnknownCode::EP902,
                format!("dynamic \"{lbl}\" blocks are not known ({reason})"),
                span.clone(),
            );
            return vec![Val::unknown(
                format!("dynamic \"{lbl}\" blocks are not known ({reason})"),
                span,
            )];
        };
        let mut out = Vec::new();
        let mut building = self.building();
        let scope_cells = scope_cells(sc);
        for (k, v) in items {
            self.charge(scope_cells);
            let inner = sc.with(vec![(iter_name.clone(), each_kv(k, v))]);
            let block = Val::Map(self.eval_body(&content.body, &inner, None));
            let n = cells(&block, MAX_VALUE_CELLS);
            self.charge(n);
            if let Err(u) = self.grow(&mut building, n, sc, sp(b)) {
                return vec![u];
            }
            out.push(block);
        }
        out
    }
}

/// What copying a scope costs, in cells.
fn scope_cells(sc: &Scope) -> usize {
    sc.vars
        .iter()
        .map(|(_, v)| cells(v, MAX_VALUE_CELLS))
        .fold(1, usize::saturating_add)
}

fn has_dynamic(body: &Body, name: &str) -> bool {
    body.get_blocks("dynamic")
        .any(|b| b.labels.first().is_some_and(|l| l.as_str() == name))
}

fn push_list(m: &mut IndexMap<String, Val>, key: &str, items: Vec<Val>) {
    match m
        .entry(key.to_string())
        .or_insert_with(|| Val::List(Vec::new()))
    {
        Val::List(l) => l.extend(items),
        other => *other = Val::List(items),
    }
}

fn map1(k: &str, v: Val) -> Val {
    let mut m = IndexMap::new();
    m.insert(k.to_string(), v);
    Val::Map(m)
}

/// The instances of `for_each` over a set of strings: one per distinct element, keyed by it.
/// A string with symbols (`"com.amazonaws.${data.aws_region.current.name}.sts"`) is still one
/// known element: only the collection's shape decides how many instances there are, so its
/// instance is keyed by its rendering and `each.key`/`each.value` are that symbolic string (an
/// endpoint's `.sts` stays known). `None` when the shape is not known: an element that is not a
/// string or holds an unknown, or two different elements that render alike (which instance is
/// which could not be told).
fn set_instances(items: &[Val]) -> Option<Vec<(String, Val)>> {
    let mut out: IndexMap<String, Val> = IndexMap::new();
    for x in items {
        let (key, v) = match x.as_plain_str() {
            Some(s) => (s.clone(), Val::Str(s)),
            None => {
                let parts = match x {
                    Val::Text(_) | Val::Json(_) if x.first_unknown().is_none() => {
                        x.string_parts()?
                    }
                    _ => return None,
                };
                (render_key(&parts), Val::text(parts))
            }
        };
        match out.get(&key) {
            Some(prev) if *prev != v => return None,
            Some(_) => {}
            None => {
                out.insert(key, v);
            }
        }
    }
    Some(out.into_iter().collect())
}

/// Whether a value is not null whatever its symbols and unknowns turn out to be: a collection
/// (whatever its elements), a number, a bool, a known string, a string with literal text (a
/// template's result is a string: interpolating null is an error) or with a resource's ID or a
/// pseudo parameter in it. A reference to another computed attribute alone may be null (an
/// optional attribute not set), and so may an unknown.
fn never_null(v: &Val) -> bool {
    match v {
        Val::Null => false,
        Val::Unknown(u) => u.pieces.as_ref().is_some_and(|ps| {
            ps.iter()
                .any(|p| matches!(p, egressproof_model::Piece::Lit(s) if !s.is_empty()))
        }),
        Val::Text(parts) => parts.iter().any(|p| match p {
            Part::Lit(s) => !s.is_empty(),
            Part::Sym(Symbol::Ref(_) | Symbol::Pseudo(_)) => true,
            Part::Sym(Symbol::Attr { .. }) => false,
        }),
        Val::Bool(_)
        | Val::Num(_)
        | Val::Str(_)
        | Val::List(_)
        | Val::Map(_)
        | Val::Json(_)
        | Val::Res(_)
        | Val::Module(_) => true,
    }
}

/// The literal text a string value certainly starts and ends with (all of it for a known
/// string; what comes before the first symbol or hole, and after the last). `None` when the
/// value is not a string, or nothing is known of it.
fn string_ends(v: &Val) -> Option<(String, String)> {
    use egressproof_model::Piece;
    let lit = |p: Option<&Piece>| match p {
        Some(Piece::Lit(s)) => s.clone(),
        _ => String::new(),
    };
    let pieces: Vec<Piece> = match v {
        Val::Str(s) => return Some((s.clone(), s.clone())),
        Val::Text(parts) => parts.iter().cloned().map(Piece::from).collect(),
        Val::Unknown(u) => u.pieces.clone()?,
        _ => return None,
    };
    Some((lit(pieces.first()), lit(pieces.last())))
}

/// Whether two strings certainly differ: one's known start is not a start of the other's (nor
/// the other way round), or likewise their known ends (`"com.amazonaws.${region}.sts" ==
/// "sts"` is false whatever the region).
fn strings_differ(l: &Val, r: &Val) -> bool {
    let (Some((lp, ls)), Some((rp, rs))) = (string_ends(l), string_ends(r)) else {
        return false;
    };
    !(lp.starts_with(&rp) || rp.starts_with(&lp)) || !(ls.ends_with(&rs) || rs.ends_with(&ls))
}

/// The instance key of a symbolic string: its literal parts, its symbols as `${...}`.
fn render_key(parts: &[Part]) -> String {
    parts
        .iter()
        .map(|p| match p {
            Part::Lit(s) => s.clone(),
            Part::Sym(sym) => sym.to_string(),
        })
        .collect()
}

fn each(v: Val) -> Val {
    each_kv(v.clone(), v)
}

fn each_kv(k: Val, v: Val) -> Val {
    let mut m = IndexMap::new();
    m.insert("key".to_string(), k);
    m.insert("value".to_string(), v);
    Val::Map(m)
}

/// Attributes by which the AWS API names the resource itself: another resource that reads one
/// (an endpoint configuration's `model_name = aws_sagemaker_model.m.name`) refers to the
/// resource, so the reference must connect even when the name is written literally.
fn names_itself(rtype: &str, attribute: &str) -> bool {
    matches!(
        (rtype, attribute),
        ("aws_sagemaker_model", "name")
            | ("aws_sagemaker_endpoint_configuration", "name")
            | ("aws_sagemaker_notebook_instance", "name")
            | ("aws_sagemaker_domain", "domain_id")
            // IAM attachments name their principal by `name` (`role = aws_iam_role.x.name`).
            | ("aws_iam_role", "name")
            | ("aws_iam_user", "name")
            | ("aws_iam_group", "name")
            // A Lambda invocation names its function by `function_name`.
            | ("aws_lambda_function", "function_name")
    )
}

#[cfg(test)]
mod limit_tests {
    use super::*;
    use egressproof_model::Model;

    /// Loads `files` (name, text) as one root module, with `setup` applied to the evaluator.
    fn load(files: &[(&str, &str)], setup: impl FnOnce(&mut Eval)) -> Model {
        let dir = tempfile::tempdir().expect("temp dir");
        for (name, text) in files {
            let p = dir.path().join(name);
            std::fs::create_dir_all(p.parent().expect("parent")).expect("mkdir");
            std::fs::write(p, text).expect("write");
        }
        let root = dir.path().canonicalize().expect("canonical");
        let mut ev = Eval::new();
        ev.read = ReadScope::new([&root]);
        setup(&mut ev);
        let def = ev.module_def(&root, "t");
        ev.insts.push(Inst {
            def,
            prefix: String::new(),
            id_base: "t".into(),
            call: None,
            root_vars: HashMap::new(),
            ancestors: vec![root],
        });
        let mut model = Model::default();
        let mut links = Vec::new();
        crate::lower_instance_tree(&mut ev, 0, &mut model, &mut links);
        model.diagnostics.append(&mut ev.diags);
        model
    }

    fn names_limit(m: &Model, limit: &str) -> bool {
        m.diagnostics
            .iter()
            .any(|d| d.code == UnknownCode::EP902 && d.message.contains(limit))
    }

    #[test]
    fn spent_work_makes_the_rest_unknown_and_the_scan_goes_on() {
        let tf = "locals {\n  big = [for i in range(5000) : i]\n  x = [for i in range(5000) : local.big[i]]\n}\nresource \"aws_vpc\" \"a\" {\n  cidr_block = length(local.x) > 0 ? \"10.0.0.0/16\" : \"10.1.0.0/16\"\n}\nresource \"aws_vpc\" \"b\" {\n  cidr_block = \"10.2.0.0/16\"\n}\n";
        let m = load(&[("main.tf", tf)], |ev| ev.work_limit = 200_000);
        assert!(names_limit(&m, "MAX_EVAL_WORK"), "{:#?}", m.diagnostics);
        // Both resources are still in the scan; what was not evaluated is unknown.
        assert_eq!(m.resources.len(), 2);
        let json = serde_json::to_string(&m.resources).expect("serializes");
        assert!(json.contains("MAX_EVAL_WORK"), "{json}");
        // Reported once, however many values it made unknown.
        let n = m
            .diagnostics
            .iter()
            .filter(|d| d.message.contains("MAX_EVAL_WORK"))
            .count();
        assert_eq!(n, 1);
    }

    #[test]
    fn within_the_work_bound_nothing_changes() {
        let tf = "locals {\n  big = [for i in range(50) : i]\n}\nresource \"aws_vpc\" \"a\" {\n  cidr_block = length(local.big) == 50 ? \"10.0.0.0/16\" : \"10.1.0.0/16\"\n}\n";
        let m = load(&[("main.tf", tf)], |_| {});
        assert!(m.diagnostics.is_empty(), "{:#?}", m.diagnostics);
        let json = serde_json::to_string(&m.resources).expect("serializes");
        assert!(json.contains("10.0.0.0/16"), "{json}");
    }

    #[test]
    fn copies_past_the_scan_limit_are_one_instance_standing_for_all() {
        let tf = "resource \"aws_subnet\" \"a\" {\n  count  = 30\n  vpc_id = \"vpc-1\"\n}\nresource \"aws_subnet\" \"b\" {\n  count  = 30\n  vpc_id = \"vpc-1\"\n}\n";
        let m = load(&[("main.tf", tf)], |ev| ev.instance_limit = 40);
        assert!(
            names_limit(&m, "MAX_SCAN_INSTANCES"),
            "{:#?}",
            m.diagnostics
        );
        assert_eq!(m.resources.len(), 31);
    }

    #[test]
    fn a_module_past_the_scan_limit_is_not_loaded_and_says_so() {
        let child: String = (0..10)
            .map(|i| format!("resource \"aws_subnet\" \"s{i}\" {{\n  vpc_id = \"vpc-1\"\n}}\n"))
            .collect();
        let root = "module \"m\" {\n  source = \"./child\"\n  count  = 10\n}\n";
        let m = load(&[("main.tf", root), ("child/main.tf", &child)], |ev| {
            ev.instance_limit = 50
        });
        assert!(
            names_limit(&m, "MAX_SCAN_INSTANCES"),
            "{:#?}",
            m.diagnostics
        );
        assert!(m.resources.is_empty());
        let m = load(&[("main.tf", root), ("child/main.tf", &child)], |_| {});
        assert_eq!(m.resources.len(), 100);
    }
}
