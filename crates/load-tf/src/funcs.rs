//! Terraform's built-in functions, over partly symbolic values.
//!
//! A function whose inputs are unknown returns an unknown that keeps the first reason; a
//! function that is not implemented returns an unknown and reports EP903 naming it, so that a
//! missing function never silently becomes "nothing".

use crate::eval::{Eval, Scope, CELL_BYTES, MAX_VALUE_CELLS};
use crate::parse;
use crate::val::{fmt_num, json_parts, Val};
use egressproof_fs::ReadError;
use egressproof_model::{Part, Span, UnknownCode};
use indexmap::IndexMap;
use ipnet::IpNet;
use std::collections::HashSet;

/// Units of [`crate::eval::MAX_EVAL_WORK`] one file read costs besides its bytes: about 65,000
/// reads per scan.
const READ_WORK: usize = 1024;

/// `file`/`templatefile` read at most this much.
const MAX_READ: u64 = 4 * 1024 * 1024;

fn first_unknown(args: &[Val]) -> Option<Val> {
    args.iter()
        .find_map(|a| a.first_unknown().map(|u| Val::Unknown(u.clone())))
}

fn list_of(v: &Val) -> Option<Vec<Val>> {
    match v {
        Val::List(l) => Some(l.clone()),
        Val::Null => Some(Vec::new()),
        _ => None,
    }
}

/// A key equal for equal values, for set operations in linear time (a list of a million items
/// compared pairwise would never end).
fn set_key(v: &Val) -> String {
    format!("{v:?}")
}

fn dedup(items: Vec<Val>) -> Vec<Val> {
    let mut seen = HashSet::new();
    items
        .into_iter()
        .filter(|i| seen.insert(set_key(i)))
        .collect()
}

/// Numbers beyond this are not exact in a 64-bit float: `range` over them would repeat values
/// (Terraform's numbers are arbitrary-precision, ours are not), so it is not computed.
const MAX_EXACT: f64 = 9_007_199_254_740_992.0; // 2^53

type MaybeSpan = Option<Span>;

/// One family of functions: the value, or `None` when the name is not of the family.
type Family = fn(&mut Eval, &str, &[Val], &Scope, &MaybeSpan) -> Option<Val>;

/// The unknown of a function that cannot compute its value.
fn bad(name: &str, span: &MaybeSpan, what: &str) -> Val {
    Val::unknown(format!("{name}: {what}"), span.clone())
}

impl Eval {
    /// Calls a built-in function. Each family of functions is its own method; the first that
    /// knows the name answers.
    pub(crate) fn call(
        &mut self,
        name: &str,
        args: Vec<Val>,
        sc: &Scope,
        span: Option<Span>,
    ) -> Val {
        // Functions that accept unknown arguments on purpose.
        if let Some(v) = self.call_control(name, &args, &span) {
            return v;
        }
        if let Some(v) = self.call_conversion(name, &args, &span) {
            return v;
        }
        if let Some(v) = self.call_collection_lenient(name, &args, &span) {
            return v;
        }
        if name == "templatefile" {
            return self.templatefile(&args, sc, &span);
        }
        if let Some(u) = first_unknown(&args) {
            // Some functions keep symbols; the rest cannot compute over an unknown.
            if !matches!(name, "format" | "join") {
                return u;
            }
        }
        let families: [Family; 6] = [
            Eval::call_string,
            Eval::call_collection,
            Eval::call_numeric,
            Eval::call_encoding,
            Eval::call_filesystem,
            Eval::call_network,
        ];
        for family in families {
            if let Some(v) = family(self, name, &args, sc, &span) {
                return v;
            }
        }
        let msg = format!("function {name} is not supported");
        self.diag_pub(UnknownCode::EP903, msg.clone(), span.clone());
        Val::unknown(msg, span)
    }

    /// `try`, `can`, `coalesce`: they look at unknown arguments.
    fn call_control(&mut self, name: &str, args: &[Val], span: &MaybeSpan) -> Option<Val> {
        Some(match name {
            "try" => args
                .iter()
                .find(|a| a.first_unknown().is_none())
                .or(args.first())
                .cloned()
                .unwrap_or(Val::Null),
            "can" => match args.first() {
                Some(a) if a.first_unknown().is_none() => Val::Bool(true),
                Some(a) => a
                    .first_unknown()
                    .map(|u| Val::Unknown(u.clone()))
                    .unwrap_or(Val::Null),
                None => bad(name, span, "no argument"),
            },
            "coalesce" => {
                for a in args {
                    match a {
                        Val::Null => continue,
                        Val::Str(s) if s.is_empty() => continue,
                        _ => return Some(a.clone()),
                    }
                }
                bad(name, span, "no non-null argument")
            }
            _ => return None,
        })
    }

    /// Type conversions and `jsonencode`: they pass unknowns through.
    fn call_conversion(&mut self, name: &str, args: &[Val], span: &MaybeSpan) -> Option<Val> {
        Some(match name {
            "jsonencode" => match args.first() {
                // A key that stands for a symbolic string would be written as a literal.
                Some(v) if self.has_symbolic_key(v) => {
                    bad(name, span, "an object key holds symbols")
                }
                Some(v) => Val::Json(Box::new(v.clone())),
                None => bad(name, span, "no argument"),
            },
            "tolist" | "toset" | "tomap" | "tostring" | "tonumber" | "tobool" | "sensitive"
            | "nonsensitive" => {
                let v = args.first().cloned().unwrap_or(Val::Null);
                match (name, v) {
                    ("toset", Val::List(l)) => Val::List(dedup(l)),
                    ("tonumber", v) => match v.as_num() {
                        Some(n) => Val::Num(n),
                        None => v,
                    },
                    ("tobool", v) => match v.as_bool() {
                        Some(b) => Val::Bool(b),
                        None => v,
                    },
                    ("tostring", Val::Num(n)) => Val::Str(fmt_num(n)),
                    ("tostring", Val::Bool(b)) => Val::Str(b.to_string()),
                    (_, v) => v,
                }
            }
            _ => return None,
        })
    }

    /// Collection functions whose result stays partly known when some elements are not.
    fn call_collection_lenient(
        &mut self,
        name: &str,
        args: &[Val],
        span: &MaybeSpan,
    ) -> Option<Val> {
        let bad = |what: &str| bad(name, span, what);
        Some(match name {
            "length" => match args.first() {
                Some(Val::List(l)) => Val::Num(l.len() as f64),
                Some(Val::Map(m)) => Val::Num(m.len() as f64),
                Some(Val::Str(s)) => Val::Num(s.chars().count() as f64),
                Some(Val::Null) => Val::Num(0.0),
                Some(Val::Unknown(u)) => Val::Unknown(u.clone()),
                _ => bad("argument has no known length"),
            },
            "concat" => {
                let mut out = Vec::new();
                for a in args {
                    match list_of(a) {
                        Some(l) => out.extend(l),
                        None => return Some(self.unknown_or(a, &bad("argument is not a list"))),
                    }
                }
                Val::List(out)
            }
            "merge" => {
                let mut out = IndexMap::new();
                for a in args {
                    match a {
                        Val::Map(m) => out.extend(m.clone()),
                        Val::Null => {}
                        other => {
                            return Some(self.unknown_or(other, &bad("argument is not a map")))
                        }
                    }
                }
                Val::Map(out)
            }
            "element" => match (args.first(), args.get(1).and_then(Val::as_num)) {
                (Some(Val::List(l)), Some(i)) if !l.is_empty() => {
                    l[(i.max(0.0) as usize) % l.len()].clone()
                }
                (Some(Val::List(l)), None) if l.len() == 1 => l[0].clone(),
                _ => self.unknown_or_args(args, &bad("needs a non-empty list and an index")),
            },
            "lookup" => match (args.first(), args.get(1).and_then(Val::as_plain_str)) {
                (Some(Val::Map(m)), Some(k)) => match m.get(&k) {
                    Some(v) => v.clone(),
                    None => args.get(2).cloned().unwrap_or_else(|| bad("key not found")),
                },
                _ => self.unknown_or_args(args, &bad("needs a map and a key")),
            },
            "one" => match args.first() {
                Some(Val::List(l)) if l.is_empty() => Val::Null,
                Some(Val::List(l)) if l.len() == 1 => l[0].clone(),
                Some(Val::Null) => Val::Null,
                Some(other) => self.unknown_or(other, &bad("more than one element")),
                None => bad("no argument"),
            },
            "keys" | "values" => match args.first() {
                Some(Val::Map(m)) => Val::List(if name == "keys" {
                    m.keys().map(|k| self.key_val(k)).collect()
                } else {
                    m.values().cloned().collect()
                }),
                Some(other) => self.unknown_or(other, &bad("argument is not a map")),
                None => bad("no argument"),
            },
            "flatten" => match args.first() {
                Some(v @ Val::List(_)) => {
                    let mut out = Vec::new();
                    let mut todo = vec![v];
                    // Depth-first, in order, without recursion.
                    while let Some(v) = todo.pop() {
                        match v {
                            Val::List(l) => todo.extend(l.iter().rev()),
                            other => out.push(other.clone()),
                        }
                    }
                    Val::List(out)
                }
                Some(other) => self.unknown_or(other, &bad("argument is not a list")),
                None => bad("no argument"),
            },
            "compact" => match args.first() {
                Some(Val::List(l)) => Val::List(
                    l.iter()
                        .filter(|x| {
                            !matches!(x, Val::Null) && !matches!(x, Val::Str(s) if s.is_empty())
                        })
                        .cloned()
                        .collect(),
                ),
                Some(other) => self.unknown_or(other, &bad("argument is not a list")),
                None => bad("no argument"),
            },
            "distinct" => match args.first() {
                Some(Val::List(l)) => Val::List(dedup(l.clone())),
                Some(other) => self.unknown_or(other, &bad("argument is not a list")),
                None => bad("no argument"),
            },
            "contains" => match (args.first(), args.get(1)) {
                (Some(Val::List(l)), Some(x)) if x.first_unknown().is_none() => {
                    if l.contains(x) {
                        Val::Bool(true)
                    } else if l
                        .iter()
                        .any(|i| i.first_unknown().is_some() || matches!(i, Val::Text(_)))
                    {
                        bad("list holds values that are not known")
                    } else {
                        Val::Bool(false)
                    }
                }
                _ => self.unknown_or_args(args, &bad("needs a list and a value")),
            },
            "zipmap" => match (args.first(), args.get(1)) {
                (Some(Val::List(k)), Some(Val::List(v))) => {
                    let mut m = IndexMap::new();
                    for (k, v) in k.iter().zip(v.iter()) {
                        match k.as_plain_str() {
                            Some(k) => {
                                m.insert(k, v.clone());
                            }
                            None => {
                                return Some(self.unknown_or(k, &bad("key is not a known string")))
                            }
                        }
                    }
                    Val::Map(m)
                }
                _ => self.unknown_or_args(args, &bad("needs two lists")),
            },
            _ => return None,
        })
    }

    /// `templatefile(path, vars)`: the file rendered as a template.
    fn templatefile(&mut self, args: &[Val], sc: &Scope, span: &MaybeSpan) -> Val {
        let bad = |what: &str| bad("templatefile", span, what);
        // Terraform's own rule; it also keeps a template that renders itself from recursing.
        if self.rendering > 0 {
            return bad("cannot be called from within a template");
        }
        let Some(path) = args.first().and_then(Val::as_plain_str) else {
            return self.unknown_or_args(args, &bad("path is not known"));
        };
        let vars = match args.get(1) {
            Some(Val::Map(m)) => m.clone(),
            None | Some(Val::Null) => IndexMap::new(),
            Some(other) => return self.unknown_or(other, &bad("variables are not a map")),
        };
        let text = match self.read_file("templatefile", &path, sc, span) {
            Ok(t) => t,
            Err(e) => return bad(&e),
        };
        self.render_template("templatefile", &text, vars, sc, span)
    }

    /// `text` rendered as a Terraform template (interpolations, `%{ for }` and `%{ if }`
    /// directives) with `vars` as its only names, bounded like every other value: what cannot
    /// be rendered is an unknown that says so under `name` (`templatefile`,
    /// `data.template_file.x`).
    pub(crate) fn render_template(
        &mut self,
        name: &str,
        text: &str,
        vars: IndexMap<String, Val>,
        sc: &Scope,
        span: &MaybeSpan,
    ) -> Val {
        let tpl = match hcl_edit::parser::parse_template(text) {
            Ok(t) => t,
            Err(e) => {
                return bad(
                    name,
                    span,
                    &format!("template does not parse: {}", e.message()),
                )
            }
        };
        // Spans in the template are offsets in its text, read as offsets in the calling file
        // (as before blocks were parsed alone): no base.
        let inner = Scope {
            inst: sc.inst,
            file: sc.file,
            base: 0,
            vars: vars.into_iter().collect(),
        };
        self.rendering += 1;
        let v = self.eval_template(&tpl, &inner, None);
        self.rendering -= 1;
        v
    }

    /// String functions.
    fn call_string(
        &mut self,
        name: &str,
        args: &[Val],
        _: &Scope,
        span: &MaybeSpan,
    ) -> Option<Val> {
        let bad = |what: &str| bad(name, span, what);
        let s = |i: usize| args.get(i).and_then(Val::as_plain_str);
        let n = |i: usize| args.get(i).and_then(Val::as_num);
        Some(match name {
            "format" => self.format(args, span.clone()),
            "join" => self.join(args, span),
            "split" => match (s(0), s(1)) {
                (Some(sep), Some(text)) if !sep.is_empty() => Val::List(
                    text.split(sep.as_str())
                        .map(|x| Val::Str(x.to_string()))
                        .collect(),
                ),
                _ => bad("needs a separator and a known string"),
            },
            "replace" => match (s(0), s(1), s(2)) {
                (Some(t), Some(from), Some(to)) => {
                    if from.len() > 2 && from.starts_with('/') && from.ends_with('/') {
                        bad("regular expression replace is not supported")
                    } else {
                        // Measured before it is built: each match may grow the string.
                        let grows = to.len().saturating_sub(from.len());
                        let matches = if from.is_empty() || grows == 0 {
                            0
                        } else {
                            t.matches(from.as_str()).count()
                        };
                        let len = t.len().saturating_add(matches.saturating_mul(grows));
                        if len / CELL_BYTES > MAX_VALUE_CELLS {
                            return Some(self.too_large(span));
                        }
                        Val::Str(t.replace(&from, &to))
                    }
                }
                _ => bad("needs three known strings"),
            },
            "lower" | "upper" | "trimspace" | "title" | "chomp" => match s(0) {
                Some(t) => Val::Str(match name {
                    "lower" => t.to_lowercase(),
                    "upper" => t.to_uppercase(),
                    "chomp" => t.trim_end_matches(['\n', '\r']).to_string(),
                    "title" => t
                        .split(' ')
                        .map(|w| {
                            let mut c = w.chars();
                            c.next()
                                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                                .unwrap_or_default()
                        })
                        .collect::<Vec<_>>()
                        .join(" "),
                    _ => t.trim().to_string(),
                }),
                None => bad("argument is not a known string"),
            },
            "trimprefix" | "trimsuffix" | "trim" => match (s(0), s(1)) {
                (Some(t), Some(x)) => Val::Str(match name {
                    "trimprefix" => t.strip_prefix(x.as_str()).unwrap_or(&t).to_string(),
                    "trimsuffix" => t.strip_suffix(x.as_str()).unwrap_or(&t).to_string(),
                    _ => t.trim_matches(|c| x.contains(c)).to_string(),
                }),
                _ => bad("needs two known strings"),
            },
            "startswith" | "endswith" | "strcontains" => match (s(0), s(1)) {
                (Some(t), Some(x)) => Val::Bool(match name {
                    "startswith" => t.starts_with(&x),
                    "endswith" => t.ends_with(&x),
                    _ => t.contains(&x),
                }),
                _ => bad("needs two known strings"),
            },
            "substr" => match (s(0), n(1), n(2)) {
                (Some(t), Some(off), Some(len)) => {
                    let chars: Vec<char> = t.chars().collect();
                    let start = if off < 0.0 {
                        chars.len().saturating_sub((-off) as usize)
                    } else {
                        (off as usize).min(chars.len())
                    };
                    let end = if len < 0.0 {
                        chars.len()
                    } else {
                        start.saturating_add(len as usize).min(chars.len())
                    };
                    Val::Str(chars[start..end].iter().collect())
                }
                _ => bad("needs a string, an offset and a length"),
            },
            "regex" | "regexall" => bad("regular expressions are not evaluated"),
            _ => return None,
        })
    }

    /// `join(separator, lists...)`, symbols kept.
    fn join(&mut self, args: &[Val], span: &MaybeSpan) -> Val {
        let bad = |what: &str| bad("join", span, what);
        let sep = args.first().and_then(Val::as_plain_str).unwrap_or_default();
        let lists = args.get(1..).unwrap_or_default();
        // Measured before it is built: the separator is repeated between every two items.
        let items: usize = lists.iter().filter_map(list_of).map(|l| l.len()).sum();
        let sep_cells = items.saturating_mul(1 + sep.len() / CELL_BYTES);
        if sep_cells > MAX_VALUE_CELLS {
            return self.too_large(span);
        }
        let mut parts = Vec::new();
        let mut first = true;
        for l in lists {
            let Some(items) = list_of(l) else {
                return self.unknown_or(l, &bad("argument is not a list"));
            };
            for item in items {
                if !first {
                    parts.push(Part::Lit(sep.clone()));
                }
                first = false;
                match item.string_parts() {
                    Some(p) => parts.extend(p),
                    None => return self.unknown_or(&item, &bad("element is not a string")),
                }
            }
        }
        Val::text(parts)
    }

    /// The unknown of a value that would be larger than [`MAX_VALUE_CELLS`].
    fn too_large(&mut self, span: &MaybeSpan) -> Val {
        self.over_limit(
            &format!("value larger than {MAX_VALUE_CELLS} cells"),
            "MAX_VALUE_CELLS",
            span.clone(),
        )
    }

    /// Collection functions over known arguments.
    fn call_collection(
        &mut self,
        name: &str,
        args: &[Val],
        _: &Scope,
        span: &MaybeSpan,
    ) -> Option<Val> {
        let bad = |what: &str| bad(name, span, what);
        let n = |i: usize| args.get(i).and_then(Val::as_num);
        Some(match name {
            "range" => self.range(args, span),
            "sort" => match args.first() {
                Some(Val::List(l)) => {
                    let strs: Option<Vec<String>> = l.iter().map(Val::as_plain_str).collect();
                    match strs {
                        Some(mut v) => {
                            v.sort();
                            Val::List(v.into_iter().map(Val::Str).collect())
                        }
                        None => bad("elements are not known strings"),
                    }
                }
                _ => bad("argument is not a list"),
            },
            "reverse" => match args.first() {
                Some(Val::List(l)) => Val::List(l.iter().rev().cloned().collect()),
                _ => bad("argument is not a list"),
            },
            "slice" => match (args.first(), n(1), n(2)) {
                (Some(Val::List(l)), Some(a), Some(b))
                    if a >= 0.0 && b <= l.len() as f64 && a <= b =>
                {
                    Val::List(l[a as usize..b as usize].to_vec())
                }
                _ => bad("needs a list and a valid range"),
            },
            "index" => match (args.first(), args.get(1)) {
                (Some(Val::List(l)), Some(x)) => match l.iter().position(|i| i == x) {
                    Some(i) => Val::Num(i as f64),
                    None => bad("value not in list"),
                },
                _ => bad("needs a list and a value"),
            },
            "setunion" => {
                let mut out = Vec::new();
                for a in args {
                    out.extend(list_of(a).unwrap_or_default());
                }
                Val::List(dedup(out))
            }
            "setintersection" => {
                let mut lists = args.iter().filter_map(list_of);
                let mut acc = lists.next().unwrap_or_default();
                for l in lists {
                    let keys: HashSet<String> = l.iter().map(set_key).collect();
                    acc.retain(|x| keys.contains(&set_key(x)));
                }
                Val::List(dedup(acc))
            }
            "setsubtract" => match (
                args.first().and_then(list_of),
                args.get(1).and_then(list_of),
            ) {
                (Some(a), Some(b)) => {
                    let keys: HashSet<String> = b.iter().map(set_key).collect();
                    Val::List(
                        a.into_iter()
                            .filter(|x| !keys.contains(&set_key(x)))
                            .collect(),
                    )
                }
                _ => bad("needs two sets"),
            },
            "alltrue" | "anytrue" => match args.first() {
                Some(Val::List(l)) => {
                    let b: Option<Vec<bool>> = l.iter().map(Val::as_bool).collect();
                    match b {
                        Some(b) => Val::Bool(if name == "alltrue" {
                            b.iter().all(|x| *x)
                        } else {
                            b.iter().any(|x| *x)
                        }),
                        None => bad("elements are not known bools"),
                    }
                }
                _ => bad("argument is not a list"),
            },
            _ => return None,
        })
    }

    /// `range([start,] limit [, step])`: the count is known before a value is built, and each
    /// element is computed from its index (adding the step again and again makes no progress
    /// at magnitudes where the step is below the float's precision).
    fn range(&mut self, args: &[Val], span: &MaybeSpan) -> Val {
        let bad = |what: &str| bad("range", span, what);
        let n = |i: usize| args.get(i).and_then(Val::as_num);
        let (start, end, step) = match args.len() {
            1 => (Some(0.0), n(0), Some(1.0)),
            2 => (n(0), n(1), Some(1.0)),
            3 => (n(0), n(1), n(2)),
            _ => return bad("needs one to three numbers"),
        };
        let (Some(start), Some(end), Some(step)) = (start, end, step) else {
            return bad("needs numbers");
        };
        if step == 0.0 || !(start.is_finite() && end.is_finite() && step.is_finite()) {
            return bad("needs finite numbers and a step that is not zero");
        }
        if [start, end, step].iter().any(|x| x.abs() > MAX_EXACT) {
            return bad("numbers beyond 2^53 are not exact, so the elements are not known");
        }
        let count = ((end - start) / step).ceil().max(0.0);
        if count > MAX_VALUE_CELLS as f64 {
            return self.too_large(span);
        }
        Val::List(
            (0..count as usize)
                .map(|i| Val::Num(start + i as f64 * step))
                .collect(),
        )
    }

    /// Numeric functions.
    fn call_numeric(
        &mut self,
        name: &str,
        args: &[Val],
        _: &Scope,
        span: &MaybeSpan,
    ) -> Option<Val> {
        let bad = |what: &str| bad(name, span, what);
        let n = |i: usize| args.get(i).and_then(Val::as_num);
        Some(match name {
            "max" | "min" => {
                let nums: Option<Vec<f64>> = args.iter().map(Val::as_num).collect();
                match nums {
                    Some(v) if !v.is_empty() => Val::Num(v.into_iter().fold(
                        if name == "max" { f64::MIN } else { f64::MAX },
                        |a, b| if name == "max" { a.max(b) } else { a.min(b) },
                    )),
                    _ => bad("needs numbers"),
                }
            }
            "abs" | "ceil" | "floor" => match n(0) {
                Some(x) => Val::Num(match name {
                    "abs" => x.abs(),
                    "ceil" => x.ceil(),
                    _ => x.floor(),
                }),
                None => bad("needs a number"),
            },
            _ => return None,
        })
    }

    /// Encodings and the functions whose value is computed by Terraform (hashes, UUIDs, time).
    fn call_encoding(
        &mut self,
        name: &str,
        args: &[Val],
        _: &Scope,
        span: &MaybeSpan,
    ) -> Option<Val> {
        let bad = |what: &str| bad(name, span, what);
        Some(match name {
            "jsondecode" => match args.first() {
                Some(Val::Json(v)) => (**v).clone(),
                Some(Val::Str(t)) => match serde_json::from_str::<serde_json::Value>(t) {
                    Ok(j) => Val::from_json(&j),
                    Err(e) => bad(&format!("not JSON: {e}")),
                },
                Some(Val::Text(p)) => from_value(&crate::val::json_decode_parts(p)),
                _ => bad("argument is not a string"),
            },
            "base64encode" | "base64decode" | "md5" | "sha1" | "sha256" | "uuid" | "timestamp"
            | "filebase64" | "bcrypt" | "base64gzip" | "filemd5" | "filesha256" | "uuidv5" => {
                Val::unknown(
                    format!("{name}() is computed, not a value egressproof reads"),
                    span.clone(),
                )
            }
            _ => return None,
        })
    }

    /// Files and paths.
    fn call_filesystem(
        &mut self,
        name: &str,
        args: &[Val],
        sc: &Scope,
        span: &MaybeSpan,
    ) -> Option<Val> {
        let bad = |what: &str| bad(name, span, what);
        let s = |i: usize| args.get(i).and_then(Val::as_plain_str);
        Some(match name {
            "file" => match s(0) {
                Some(p) => match self.read_file(name, &p, sc, span) {
                    Ok(t) => Val::Str(t),
                    Err(e) => bad(&e),
                },
                None => bad("path is not known"),
            },
            // Outside the read scope the answer is unknown: true or false would tell whether
            // the file exists there.
            "fileexists" => match s(0) {
                Some(p) => {
                    let path = self.resolve_path(&p, sc);
                    match self.read.file(&path) {
                        Ok(_) => Val::Bool(true),
                        Err(ReadError::NotFound | ReadError::WrongKind(_)) => Val::Bool(false),
                        Err(e) => bad(&self.refused(name, &p, e, span)),
                    }
                }
                None => bad("path is not known"),
            },
            "abspath" | "pathexpand" | "dirname" | "basename" => match s(0) {
                Some(p) => Val::Str(match name {
                    "dirname" => p
                        .rsplit_once('/')
                        .map(|(d, _)| d.to_string())
                        .unwrap_or_else(|| ".".into()),
                    "basename" => p.rsplit('/').next().unwrap_or("").to_string(),
                    _ => p,
                }),
                None => bad("path is not known"),
            },
            _ => return None,
        })
    }

    /// Network address functions.
    fn call_network(
        &mut self,
        name: &str,
        args: &[Val],
        _: &Scope,
        span: &MaybeSpan,
    ) -> Option<Val> {
        let bad = |what: &str| bad(name, span, what);
        let s = |i: usize| args.get(i).and_then(Val::as_plain_str);
        let n = |i: usize| args.get(i).and_then(Val::as_num);
        Some(match name {
            "cidrsubnet" => match (s(0), n(1), n(2)) {
                (Some(c), Some(bits), Some(num)) => new_bits(bits)
                    .ok()
                    .filter(|_| num >= 0.0 && num.fract() == 0.0)
                    .and_then(|bits| cidrsubnet(&c, bits, num as u128))
                    .map(Val::Str)
                    .unwrap_or_else(|| bad("invalid arguments")),
                _ => bad("needs a prefix, new bits and a number"),
            },
            "cidrhost" => match (s(0), n(1)) {
                (Some(c), Some(h)) => cidrhost(&c, h as i128)
                    .map(Val::Str)
                    .unwrap_or_else(|| bad("invalid arguments")),
                _ => bad("needs a prefix and a host number"),
            },
            "cidrsubnets" => match s(0) {
                Some(c) => cidrsubnets(&c, args.get(1..).unwrap_or_default()).unwrap_or_else(&bad),
                None => bad("needs a prefix"),
            },
            _ => return None,
        })
    }

    fn unknown_or(&self, v: &Val, fallback: &Val) -> Val {
        v.first_unknown()
            .map(|u| Val::Unknown(u.clone()))
            .unwrap_or_else(|| fallback.clone())
    }

    fn unknown_or_args(&self, args: &[Val], fallback: &Val) -> Val {
        first_unknown(args).unwrap_or_else(|| fallback.clone())
    }

    pub(crate) fn diag_pub(&mut self, code: UnknownCode, msg: String, span: Option<Span>) {
        self.diag(code, msg, span);
    }

    fn resolve_path(&self, p: &str, sc: &Scope) -> std::path::PathBuf {
        let path = std::path::Path::new(p);
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            self.insts[sc.inst].def.dir.join(path)
        }
    }

    /// Reads a file that Terraform code names (`file`, `templatefile`), through the read
    /// scope: the code is untrusted, and what the file holds could reach a report.
    fn read_file(
        &mut self,
        name: &str,
        p: &str,
        sc: &Scope,
        span: &MaybeSpan,
    ) -> Result<String, String> {
        let path = self.resolve_path(p, sc);
        // A read costs far more than an expression: bounded by the work limit like one, so
        // that a file read in every iteration of a large loop stops within seconds.
        self.charge(READ_WORK);
        let text = self
            .read
            .read_to_string(&path, MAX_READ.min(parse::MAX_FILE_BYTES))
            .map_err(|e| self.refused(name, p, e, span))?;
        self.charge(text.len() / CELL_BYTES);
        Ok(text)
    }

    /// Why `name(p)` read nothing. A refusal (outside the read scope, a special file) is also
    /// an EP902 of its own that names the path and how to allow it, wherever the value ends up.
    fn refused(&mut self, name: &str, p: &str, e: ReadError, span: &MaybeSpan) -> String {
        if matches!(e, ReadError::Outside | ReadError::Special(_)) {
            let message = format!("{name}(\"{p}\"): {e}");
            self.diag_pub(UnknownCode::EP902, message, span.clone());
        }
        format!("{p}: {e}")
    }

    fn format(&mut self, args: &[Val], span: Option<Span>) -> Val {
        let Some(fmt) = args.first().and_then(Val::as_plain_str) else {
            return self
                .unknown_or_args(args, &Val::unknown("format: the format is not known", span));
        };
        let mut parts = Vec::new();
        let mut next = 1;
        let mut chars = fmt.chars().peekable();
        let mut lit = String::new();
        while let Some(c) = chars.next() {
            if c != '%' {
                lit.push(c);
                continue;
            }
            // Skip flags and width; the verb is the first letter.
            let mut verb = None;
            while let Some(&d) = chars.peek() {
                chars.next();
                if d == '%' {
                    lit.push('%');
                    break;
                }
                if d.is_ascii_alphabetic() {
                    verb = Some(d);
                    break;
                }
            }
            let Some(verb) = verb else { continue };
            parts.push(Part::Lit(std::mem::take(&mut lit)));
            let Some(arg) = args.get(next) else {
                return Val::unknown("format: too few arguments", span);
            };
            next += 1;
            if let Some(u) = arg.first_unknown() {
                return Val::Unknown(u.clone());
            }
            match verb {
                'v' | 's' | 'd' => match arg.string_parts() {
                    Some(p) => parts.extend(p),
                    None => parts.extend(json_parts(arg)),
                },
                'q' => {
                    parts.push(Part::Lit("\"".into()));
                    parts.extend(arg.string_parts().unwrap_or_default());
                    parts.push(Part::Lit("\"".into()));
                }
                _ => match arg.as_num() {
                    Some(x) => parts.push(Part::Lit(fmt_num(x))),
                    None => parts.extend(arg.string_parts().unwrap_or_default()),
                },
            }
        }
        parts.push(Part::Lit(lit));
        Val::text(parts)
    }
}

fn from_value(v: &egressproof_model::Value) -> Val {
    use egressproof_model::Value;
    match v {
        Value::Null => Val::Null,
        Value::Bool(b) => Val::Bool(*b),
        Value::Number(n) => Val::Num(n.parse().unwrap_or(0.0)),
        Value::Str(s) => Val::Str(s.clone()),
        Value::Text(p) => Val::Text(p.clone()),
        Value::List(l) => Val::List(l.iter().map(from_value).collect()),
        Value::Map(m) => Val::Map(m.iter().map(|(k, v)| (k.clone(), from_value(v))).collect()),
        Value::Unknown(u) => Val::Unknown(u.clone()),
    }
}

fn cidrsubnet(prefix: &str, newbits: u32, num: u128) -> Option<String> {
    let net: IpNet = prefix.parse().ok()?;
    let plen = u32::from(net.prefix_len()).checked_add(newbits)?;
    let max = u32::from(net.max_prefix_len());
    if plen > max || (newbits < 128 && num >= (1u128 << newbits)) {
        return None;
    }
    let shift = max - plen;
    match net.trunc() {
        IpNet::V4(n) => {
            let base = u32::from(n.network()) as u128;
            let addr = base + (num << shift);
            let a = std::net::Ipv4Addr::from(u32::try_from(addr).ok()?);
            Some(format!("{a}/{plen}"))
        }
        IpNet::V6(n) => {
            let base = u128::from(n.network());
            let addr = base.checked_add(num.checked_shl(shift)?)?;
            Some(format!("{}/{plen}", std::net::Ipv6Addr::from(addr)))
        }
    }
}

fn cidrhost(prefix: &str, host: i128) -> Option<String> {
    let net: IpNet = prefix.parse().ok()?;
    let max = u32::from(net.max_prefix_len());
    let size: i128 = 1i128.checked_shl(max - u32::from(net.prefix_len()))?;
    let off = if host < 0 { size + host } else { host };
    if off < 0 || off >= size {
        return None;
    }
    match net.trunc() {
        IpNet::V4(n) => {
            let a = u32::from(n.network()) as i128 + off;
            Some(std::net::Ipv4Addr::from(u32::try_from(a).ok()?).to_string())
        }
        IpNet::V6(n) => {
            let a = u128::from(n.network()).checked_add(off as u128)?;
            Some(std::net::Ipv6Addr::from(a).to_string())
        }
    }
}

/// A new-bits argument: a whole number of bits no address family exceeds. Input is untrusted,
/// so a huge, negative or fractional value is an error, never an overflow.
fn new_bits(n: f64) -> Result<u32, &'static str> {
    if n.fract() == 0.0 && (0.0..=128.0).contains(&n) {
        Ok(n as u32)
    } else {
        Err("new bits must be a whole number from 0 to 128")
    }
}

/// `cidrsubnets(prefix, newbits...)`: consecutive aligned blocks.
fn cidrsubnets(c: &str, newbits: &[Val]) -> Result<Val, &'static str> {
    let base = c.parse::<IpNet>().map_err(|_| "invalid prefix")?;
    let mut out = Vec::new();
    let mut next: u128 = 0; // offset in addresses from the base
    let host_bits = u32::from(base.max_prefix_len());
    for a in newbits {
        let bits = new_bits(a.as_num().ok_or("new bits is not a number")?)?;
        let plen = u32::from(base.prefix_len())
            .checked_add(bits)
            .filter(|p| *p <= host_bits)
            .ok_or("prefix too long")?;
        // The whole IPv6 space (2^128 addresses) has no u128 size: an unknown, never a shift
        // overflow.
        let size: u128 = 1u128
            .checked_shl(host_bits - plen)
            .ok_or("address space exhausted")?;
        let aligned = next
            .div_ceil(size)
            .checked_mul(size)
            .ok_or("address space exhausted")?;
        let x = cidrsubnet(c, bits, aligned / size).ok_or("address space exhausted")?;
        out.push(Val::Str(x));
        next = aligned.checked_add(size).ok_or("address space exhausted")?;
    }
    Ok(Val::List(out))
}
