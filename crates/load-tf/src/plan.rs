//! Terraform plan JSON (`terraform show -json plan.out`, or of a state): resolved arguments
//! from `planned_values` (`values` for a state), computed ones (`after_unknown`) connected
//! through the configuration's `references`, then the same provider lowering as HCL.
//!
//! The document is checked against the shape Terraform documents for this output ("JSON Output
//! Format": `format_version` with a major version of 0 or 1, `planned_values.root_module`, each
//! module's `resources` and `child_modules` arrays, each resource's `address`, `mode`, `type`,
//! `name` and `values`, `resource_changes[].change.after_unknown`). Every deviation is an EP901
//! diagnostic naming its JSON path, so that a plan whose resources cannot all be read never
//! scans sealed; modules are followed to any depth.

use crate::lower::{self, Ctx};
use crate::val::Val;
use egressproof_model::{Diagnostic, Ident, Model, Span, Symbol, UnknownCode};
use serde_json::Value as J;
use std::collections::HashMap;

/// Largest plan (or state) JSON read: 512 MiB, a plan of some 100,000 resources (each appears
/// in `planned_values`, `resource_changes` and the configuration). The whole document is held
/// in memory while it is read, at several times its size, so this bounds the memory of a scan.
/// CloudFormation's template limit does not apply: a plan is not a template.
pub const MAX_PLAN_BYTES: u64 = 512 * 1024 * 1024;

/// A Terraform plan's (or state's) resources as a model, with an EP901 diagnostic for every
/// deviation from the documented shape; `None` when the JSON is not a plan or state at all.
pub fn load_plan(json: &J, display: &str) -> Option<Model> {
    let values_key = plan_values_key(json)?;
    let mut shape = Shape {
        display,
        diags: Vec::new(),
    };
    shape.check_version(json);
    let unknowns = shape.resource_changes(json);
    let mut exprs: HashMap<String, J> = HashMap::new();
    if let Some(root) = json.pointer("/configuration/root_module") {
        collect_config(root, &mut exprs);
    }
    let modules = shape.modules(json, values_key);
    let mut model = Model::default();
    let mut links = Vec::new();
    let none = HashMap::new();
    let no_ids = HashMap::new();
    let mut plan = Plan {
        display,
        unknowns: &unknowns,
        exprs: &exprs,
        adopted: &none,
        by_id: &no_ids,
    };
    let mut adopted = HashMap::new();
    adopted_defaults(&modules, &plan, &mut adopted);
    plan.adopted = &adopted;
    let by_id = physical_ids(&modules, json, &plan);
    plan.by_id = &by_id;
    walk(&modules, &plan, &mut model, &mut links);
    lower::post_process(&mut model, links);
    model.diagnostics.extend(shape.diags);
    Some(model)
}

/// Where the resources are: `planned_values` in a plan, `values` in a state; `None` when the
/// document is neither. A document with `planned_values` is a plan even when other parts are
/// missing (they are then deviations); a state needs `format_version` and `terraform_version`.
fn plan_values_key(json: &J) -> Option<&'static str> {
    let o = json.as_object()?;
    if o.contains_key("planned_values") {
        return Some("planned_values");
    }
    let versioned = o.contains_key("format_version") && o.contains_key("terraform_version");
    if versioned && (o.contains_key("resource_changes") || o.contains_key("prior_state")) {
        return Some("planned_values");
    }
    if versioned && o.contains_key("values") {
        return Some("values");
    }
    None
}

/// The deviations of a plan from its documented shape.
struct Shape<'a> {
    display: &'a str,
    diags: Vec<Diagnostic>,
}

fn kind_of(v: &J) -> &'static str {
    match v {
        J::Null => "null",
        J::Bool(_) => "a boolean",
        J::Number(_) => "a number",
        J::String(_) => "a string",
        J::Array(_) => "an array",
        J::Object(_) => "an object",
    }
}

impl Shape<'_> {
    fn deviation(&mut self, path: &str, what: &str) {
        self.diags.push(Diagnostic::new(
            UnknownCode::EP901,
            format!(
                "{}: plan JSON at {path}: {what} (not the shape of `terraform show -json`)",
                self.display
            ),
            Some(Span::new(self.display, 0, 0)),
        ));
    }

    /// `format_version`: a string whose major version is one Terraform documents (0.x was
    /// written by Terraform 0.12 to 1.0, 1.x since); a new major version may change anything.
    fn check_version(&mut self, json: &J) {
        match json.get("format_version") {
            Some(J::String(v)) => {
                let major = v.split('.').next().and_then(|m| m.parse::<u32>().ok());
                if !matches!(major, Some(0 | 1)) {
                    self.deviation(
                        "/format_version",
                        &format!("format version {v} is not one this reader knows (0.x or 1.x)"),
                    );
                }
            }
            Some(other) => self.deviation(
                "/format_version",
                &format!("expected a version string, found {}", kind_of(other)),
            ),
            None => self.deviation("/format_version", "missing"),
        }
    }

    /// `after_unknown` of each well-formed entry of `resource_changes`, by address.
    fn resource_changes(&mut self, json: &J) -> HashMap<String, J> {
        let mut unknowns = HashMap::new();
        let changes = match json.get("resource_changes") {
            None => return unknowns,
            Some(J::Array(changes)) => changes,
            Some(other) => {
                let what = format!(
                    "expected an array of changes, found {}; computed values are not known",
                    kind_of(other)
                );
                self.deviation("/resource_changes", &what);
                return unknowns;
            }
        };
        for (i, c) in changes.iter().enumerate() {
            let path = format!("/resource_changes/{i}");
            let Some(addr) = c.get("address").and_then(J::as_str) else {
                let what = match c {
                    J::Object(_) => "a change without a string address".to_string(),
                    other => format!("expected a change object, found {}", kind_of(other)),
                };
                self.deviation(&path, &what);
                continue;
            };
            match c.get("change") {
                Some(J::Object(change)) => match change.get("after_unknown") {
                    None | Some(J::Object(_) | J::Bool(_)) => {
                        if let Some(u) = change.get("after_unknown") {
                            unknowns.insert(addr.to_string(), u.clone());
                        }
                    }
                    Some(other) => self.deviation(
                        &format!("{path}/change/after_unknown"),
                        &format!(
                            "expected an object, found {}; the computed values of {addr} are \
                             not known",
                            kind_of(other)
                        ),
                    ),
                },
                other => self.deviation(
                    &format!("{path}/change"),
                    &format!(
                        "expected a change object, found {}",
                        other.map_or("nothing", kind_of)
                    ),
                ),
            }
        }
        unknowns
    }

    /// Every module of the values representation, root first, checking each module and
    /// resource on the way. Iterative: modules are followed however deep they nest.
    fn modules<'j>(&mut self, json: &'j J, key: &str) -> Vec<&'j J> {
        let root = match json.get(key) {
            Some(J::Object(values)) => match values.get("root_module") {
                Some(root @ J::Object(_)) => root,
                Some(other) => {
                    let what = format!("expected a module object, found {}", kind_of(other));
                    self.deviation(&format!("/{key}/root_module"), &what);
                    return Vec::new();
                }
                None => {
                    self.deviation(
                        &format!("/{key}/root_module"),
                        "missing: no resource of the plan is read",
                    );
                    return Vec::new();
                }
            },
            Some(other) => {
                let what = format!("expected an object, found {}", kind_of(other));
                self.deviation(&format!("/{key}"), &what);
                return Vec::new();
            }
            None => {
                self.deviation(
                    &format!("/{key}"),
                    "missing: no resource of the plan is read",
                );
                return Vec::new();
            }
        };
        let mut out = Vec::new();
        let mut todo = vec![(root, format!("/{key}/root_module"))];
        while let Some((module, path)) = todo.pop() {
            self.check_module(module, &path, &mut todo);
            out.push(module);
        }
        out
    }

    fn check_module<'j>(&mut self, module: &'j J, path: &str, todo: &mut Vec<(&'j J, String)>) {
        match module.get("resources") {
            None => {}
            Some(J::Array(res)) => {
                for (i, r) in res.iter().enumerate() {
                    self.check_resource(r, &format!("{path}/resources/{i}"));
                }
            }
            Some(other) => self.deviation(
                &format!("{path}/resources"),
                &format!(
                    "expected an array of resources, found {}; they are not read",
                    kind_of(other)
                ),
            ),
        }
        match module.get("child_modules") {
            None => {}
            Some(J::Array(kids)) => {
                // Pushed in reverse so that modules are visited in document order.
                for (i, k) in kids.iter().enumerate().rev() {
                    let kpath = format!("{path}/child_modules/{i}");
                    match k {
                        J::Object(o) => {
                            if !o.get("address").is_some_and(J::is_string) {
                                self.deviation(
                                    &format!("{kpath}/address"),
                                    "a child module without a string address",
                                );
                            }
                            todo.push((k, kpath));
                        }
                        other => self.deviation(
                            &kpath,
                            &format!(
                                "expected a module object, found {}; it is not read",
                                kind_of(other)
                            ),
                        ),
                    }
                }
            }
            Some(other) => self.deviation(
                &format!("{path}/child_modules"),
                &format!(
                    "expected an array of modules, found {}; they are not read",
                    kind_of(other)
                ),
            ),
        }
    }

    fn check_resource(&mut self, r: &J, path: &str) {
        let J::Object(o) = r else {
            let what = format!("expected a resource object, found {}", kind_of(r));
            self.deviation(path, &what);
            return;
        };
        for key in ["address", "type", "name"] {
            if !o.get(key).is_some_and(J::is_string) {
                let mut what = format!("a resource without a string {key}");
                if key != "name" {
                    what.push_str("; it is not read");
                }
                self.deviation(&format!("{path}/{key}"), &what);
            }
        }
        let mode = o.get("mode").and_then(J::as_str);
        if !matches!(mode, Some("managed" | "data")) {
            self.deviation(
                &format!("{path}/mode"),
                "expected \"managed\" or \"data\"; read as a managed resource",
            );
        }
        if mode != Some("data") && !o.get("values").is_some_and(J::is_object) {
            self.deviation(
                &format!("{path}/values"),
                "expected an object of argument values; its arguments are not known",
            );
        }
    }
}

/// The configuration's expressions of every resource, by configuration address, through
/// every module call (iteratively, at any depth).
fn collect_config(root: &J, out: &mut HashMap<String, J>) {
    let mut todo = vec![(root, String::new())];
    while let Some((module, prefix)) = todo.pop() {
        if let Some(J::Array(res)) = module.get("resources") {
            for r in res {
                if let (Some(addr), Some(e)) =
                    (r.get("address").and_then(J::as_str), r.get("expressions"))
                {
                    out.insert(format!("{prefix}{addr}"), e.clone());
                }
            }
        }
        if let Some(J::Object(calls)) = module.get("module_calls") {
            for (name, call) in calls {
                if let Some(m) = call.get("module") {
                    todo.push((m, format!("{prefix}module.{name}.")));
                }
            }
        }
    }
}

/// `module.a[0].aws_subnet.b["x"]` → `module.a.aws_subnet.b` (the configuration address).
fn config_address(addr: &str) -> String {
    let mut out = String::new();
    let mut depth = 0;
    for ch in addr.chars() {
        match ch {
            '[' => depth += 1,
            ']' => depth -= 1,
            _ if depth == 0 => out.push(ch),
            _ => {}
        }
    }
    out
}

/// The module prefix of an instance address (`module.a[0].` of `module.a[0].aws_x.y`).
fn module_prefix(addr: &str, rtype: &str) -> String {
    match addr.rfind(&format!("{rtype}.")) {
        Some(i) => addr[..i].to_string(),
        None => String::new(),
    }
}

/// What resolving a plan's values needs, shared by every resource.
struct Plan<'a> {
    display: &'a str,
    /// `after_unknown` of each resource instance, by address.
    unknowns: &'a HashMap<String, J>,
    /// The configuration's expressions of each resource, by configuration address.
    exprs: &'a HashMap<String, J>,
    /// `aws_default_*` resources (by model ID of their address) → the identity they are lowered
    /// under: a computed reference to one by address names that identity.
    adopted: &'a HashMap<Ident, Ident>,
    /// The physical ID of each resource that has one (see [`physical_ids`]) → its identity.
    by_id: &'a HashMap<String, Ident>,
}

/// The managed resource instances of a plan module whose type `keep` accepts: their address,
/// type and resolved arguments.
fn instances<'j>(
    module: &'j J,
    plan: &Plan<'_>,
    keep: fn(&str) -> bool,
) -> Vec<(&'j str, &'j str, lower::Args)> {
    let Some(J::Array(res)) = module.get("resources") else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for r in res {
        // Data sources are read at plan time, not created; any other mode is a deviation
        // (reported by the shape check) and read as managed rather than dropped.
        if r.get("mode").and_then(J::as_str) == Some("data") {
            continue;
        }
        let (Some(addr), Some(rtype)) = (
            r.get("address").and_then(J::as_str),
            r.get("type").and_then(J::as_str),
        ) else {
            continue;
        };
        if !keep(rtype) {
            continue;
        }
        let span = Span::new(plan.display, 0, 0);
        let prefix = module_prefix(addr, rtype);
        let mut args = match r.get("values").map(Val::from_json) {
            Some(Val::Map(m)) => m,
            _ => Default::default(),
        };
        if let Some(J::Object(u)) = plan.unknowns.get(addr) {
            let e = plan.exprs.get(&config_address(addr));
            for (k, flag) in u {
                let cur = args.swap_remove(k).unwrap_or(Val::Null);
                let unset = e.is_some_and(|e| e.get(k).is_none());
                if unset && flag == &J::Bool(true) && lower::defaulted_when_unset(rtype, k) {
                    // Left out of the configuration: AWS's default applies, as in HCL.
                    continue;
                }
                let at = At {
                    prefix: &prefix,
                    span: &span,
                    key: k,
                };
                let v = apply_unknown(cur, flag, e.and_then(|e| e.get(k)), plan, &at);
                args.insert(k.clone(), v);
            }
        }
        for (k, v) in args.iter_mut() {
            if k != "id" {
                name_by_id(v, plan.by_id);
            }
        }
        out.push((addr, rtype, args));
    }
    out
}

/// Whether a string is an EC2-style physical ID (`subnet-0a1b2c3d`, `tgw-attach-0a1b...`): a
/// prefix of lowercase words and at least eight hexadecimal digits. Other IDs are names (a
/// bucket's, a role's) that several resources share (a bucket and its policy), so they name no
/// one resource.
fn is_physical_id(s: &str) -> bool {
    let Some((prefix, hex)) = s.rsplit_once('-') else {
        return false;
    };
    hex.len() >= 8
        && hex
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
        && !prefix.is_empty()
        && prefix
            .split('-')
            .all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
}

/// The resources of the plan by physical ID: the `id` of their planned values, or of the prior
/// state when the plan keeps the resource (its ID is not computed again). A resource that
/// exists already is referenced by that ID in the planned values of the others (Terraform
/// writes what a reference resolved to), so the ID must name it as its address does. An ID two
/// resources claim names neither.
fn physical_ids(modules: &[&J], json: &J, plan: &Plan<'_>) -> HashMap<String, Ident> {
    let mut planned: HashMap<&str, Option<&str>> = HashMap::new();
    for module in modules {
        for r in module
            .get("resources")
            .and_then(J::as_array)
            .into_iter()
            .flatten()
        {
            if r.get("mode").and_then(J::as_str) == Some("data") {
                continue;
            }
            if let Some(addr) = r.get("address").and_then(J::as_str) {
                planned.insert(addr, r.pointer("/values/id").and_then(J::as_str));
            }
        }
    }
    let mut ids: Vec<(&str, &str)> = planned
        .iter()
        .filter_map(|(addr, id)| id.map(|id| (*addr, id)))
        .collect();
    let mut todo: Vec<&J> = json
        .pointer("/prior_state/values/root_module")
        .into_iter()
        .collect();
    while let Some(module) = todo.pop() {
        todo.extend(
            module
                .get("child_modules")
                .and_then(J::as_array)
                .into_iter()
                .flatten(),
        );
        for r in module
            .get("resources")
            .and_then(J::as_array)
            .into_iter()
            .flatten()
        {
            let (Some(addr), Some(id)) = (
                r.get("address").and_then(J::as_str),
                r.pointer("/values/id").and_then(J::as_str),
            ) else {
                continue;
            };
            let recomputed = plan
                .unknowns
                .get(addr)
                .and_then(|u| u.get("id"))
                .is_some_and(|f| f == &J::Bool(true));
            if planned.get(addr) == Some(&None) && !recomputed {
                ids.push((addr, id));
            }
        }
    }
    let mut out: HashMap<String, Ident> = HashMap::new();
    let mut claimed_twice = Vec::new();
    for (addr, id) in ids {
        if !is_physical_id(id) {
            continue;
        }
        let own = Ident(format!("{}/{addr}", plan.display));
        let own = plan.adopted.get(&own).cloned().unwrap_or(own);
        if out.insert(id.to_string(), own).is_some() {
            claimed_twice.push(id);
        }
    }
    for id in claimed_twice {
        out.remove(id);
    }
    out
}

/// Replaces every string of `v` that is the physical ID of a resource of the plan by a
/// reference to that resource.
fn name_by_id(v: &mut Val, by_id: &HashMap<String, Ident>) {
    match v {
        Val::Str(s) => {
            if let Some(id) = by_id.get(s.as_str()) {
                *v = Val::sym(Symbol::Ref(id.clone()));
            }
        }
        Val::List(items) => items.iter_mut().for_each(|i| name_by_id(i, by_id)),
        Val::Map(m) => m.values_mut().for_each(|i| name_by_id(i, by_id)),
        _ => {}
    }
}

/// The identities of the `aws_default_*` resources of a module and its children (see
/// [`lower::adopted_default`]), read before any reference to them is resolved. Their own
/// arguments name VPCs, never another adopted object, so no alias is needed to read them.
fn adopted_defaults(modules: &[&J], plan: &Plan<'_>, out: &mut HashMap<Ident, Ident>) {
    let adopting = |rtype: &str| lower::adopted_default_key(rtype).is_some();
    let span = Span::new(plan.display, 0, 0);
    for module in modules {
        for (addr, rtype, args) in instances(module, plan, adopting) {
            if let Some(id) = lower::adopted_default(rtype, &args, &span) {
                out.insert(Ident(format!("{}/{addr}", plan.display)), id);
            }
        }
    }
}

fn walk(modules: &[&J], plan: &Plan<'_>, model: &mut Model, links: &mut Vec<lower::Link>) {
    let display = plan.display;
    for module in modules {
        for (addr, rtype, args) in instances(module, plan, |_| true) {
            let ctx = Ctx {
                id: Ident(format!("{display}/{addr}")),
                name: addr.to_string(),
                type_name: rtype.to_string(),
                span: Span::new(display, 0, 0),
                args: &args,
            };
            let (resources, l) = lower::lower(&ctx);
            model.resources.extend(resources);
            links.extend(l);
        }
    }
}

/// Where a computed value is read: the module of its resource, its place, and its argument.
#[derive(Clone, Copy)]
struct At<'a> {
    prefix: &'a str,
    span: &'a Span,
    key: &'a str,
}

/// Replaces the parts that `after_unknown` marks computed with a symbol of what they reference.
fn apply_unknown(cur: Val, flag: &J, expr: Option<&J>, plan: &Plan<'_>, at: &At<'_>) -> Val {
    match flag {
        J::Bool(true) => computed(expr, plan, at),
        J::Object(fm) => {
            let mut m = match cur {
                Val::Map(m) => m,
                _ => Default::default(),
            };
            for (k, f) in fm {
                let c = m.swap_remove(k).unwrap_or(Val::Null);
                let inner = At { key: k, ..*at };
                let v = apply_unknown(c, f, expr.and_then(|e| e.get(k)), plan, &inner);
                m.insert(k.clone(), v);
            }
            Val::Map(m)
        }
        J::Array(fl) => {
            let mut items = match cur {
                Val::List(l) => l,
                _ => Vec::new(),
            };
            for (i, f) in fl.iter().enumerate() {
                let e = expr.and_then(|e| e.get(i).or_else(|| e.get(0)));
                let c = if i < items.len() {
                    std::mem::replace(&mut items[i], Val::Null)
                } else {
                    Val::Null
                };
                let v = apply_unknown(c, f, e, plan, at);
                if i < items.len() {
                    items[i] = v;
                } else {
                    items.push(v);
                }
            }
            Val::List(items)
        }
        _ => cur,
    }
}

/// A computed value: the symbol of the resource the configuration references, else unknown.
fn computed(expr: Option<&J>, plan: &Plan<'_>, at: &At<'_>) -> Val {
    let At { prefix, span, key } = *at;
    let display = plan.display;
    let refs: Vec<&str> = expr
        .and_then(|e| e.get("references"))
        .and_then(J::as_array)
        .map(|a| a.iter().filter_map(J::as_str).collect())
        .unwrap_or_default();
    let symbol = |r: &str| -> Option<Val> {
        if r.starts_with("var.")
            || r.starts_with("local.")
            || r.starts_with("module.")
            || r.starts_with("data.")
            || r.starts_with("each.")
            || r.starts_with("count.")
        {
            return None;
        }
        // type.name[index].attr...
        let mut depth = 0;
        let mut dots = Vec::new();
        for (i, ch) in r.char_indices() {
            match ch {
                '[' => depth += 1,
                ']' => depth -= 1,
                '.' if depth == 0 => dots.push(i),
                _ => {}
            }
        }
        let (addr, attr) = match dots.get(1) {
            Some(&i) => (&r[..i], &r[i + 1..]),
            None => return None,
        };
        let id = Ident(format!("{display}/{prefix}{addr}"));
        Some(if attr == "id" {
            let adopted = plan.adopted.get(&id).cloned();
            Val::sym(Symbol::Ref(adopted.unwrap_or(id)))
        } else {
            Val::sym(Symbol::Attr {
                resource: id,
                attribute: attr.to_string(),
            })
        })
    };
    // Terraform lists the most specific reference first (`aws_vpc.main.id`, then `aws_vpc.main`).
    if let Some(v) = refs
        .iter()
        .find(|r| r.matches('.').count() >= 2 || r.contains("]."))
        .and_then(|r| symbol(r))
    {
        return v;
    }
    Val::unknown(
        format!("{key} is computed when the plan is applied"),
        Some(span.clone()),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_address_drops_indexes() {
        assert_eq!(
            config_address("module.a[0].aws_subnet.b[\"x\"]"),
            "module.a.aws_subnet.b"
        );
        assert_eq!(
            module_prefix("module.a[0].aws_subnet.b", "aws_subnet"),
            "module.a[0]."
        );
    }
}
