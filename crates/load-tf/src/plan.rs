//! Terraform plan JSON (`terraform show -json plan.out`): resolved arguments from
//! `planned_values`, computed ones (`after_unknown`) connected through the configuration's
//! `references`, then the same provider lowering as HCL.

use crate::lower::{self, Ctx};
use crate::val::Val;
use egressproof_model::{Ident, Model, Span, Symbol};
use serde_json::Value as J;
use std::collections::HashMap;

/// A Terraform plan's resources as a model; `None` when the JSON is not a plan.
pub fn load_plan(json: &J, display: &str) -> Option<Model> {
    let planned = json.get("planned_values")?;
    json.get("format_version")?;
    let mut unknowns: HashMap<String, J> = HashMap::new();
    if let Some(J::Array(changes)) = json.get("resource_changes") {
        for c in changes {
            if let (Some(addr), Some(u)) = (
                c.get("address").and_then(J::as_str),
                c.pointer("/change/after_unknown"),
            ) {
                unknowns.insert(addr.to_string(), u.clone());
            }
        }
    }
    let mut exprs: HashMap<String, J> = HashMap::new();
    if let Some(root) = json.pointer("/configuration/root_module") {
        collect_config(root, "", &mut exprs, 0);
    }
    let mut model = Model::default();
    let mut links = Vec::new();
    if let Some(root) = planned.get("root_module") {
        let none = HashMap::new();
        let mut plan = Plan {
            display,
            unknowns: &unknowns,
            exprs: &exprs,
            adopted: &none,
        };
        let mut adopted = HashMap::new();
        adopted_defaults(root, &plan, &mut adopted, 0);
        plan.adopted = &adopted;
        walk(root, &plan, &mut model, &mut links, 0);
    }
    lower::post_process(&mut model, links);
    Some(model)
}

fn collect_config(module: &J, prefix: &str, out: &mut HashMap<String, J>, depth: usize) {
    if depth > 32 {
        return;
    }
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
                collect_config(m, &format!("{prefix}module.{name}."), out, depth + 1);
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
        if r.get("mode").and_then(J::as_str) != Some("managed") {
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
                let at = At {
                    prefix: &prefix,
                    span: &span,
                    key: k,
                };
                let v = apply_unknown(cur, flag, e.and_then(|e| e.get(k)), plan, &at);
                args.insert(k.clone(), v);
            }
        }
        out.push((addr, rtype, args));
    }
    out
}

/// The identities of the `aws_default_*` resources of a module and its children (see
/// [`lower::adopted_default`]), read before any reference to them is resolved. Their own
/// arguments name VPCs, never another adopted object, so no alias is needed to read them.
fn adopted_defaults(module: &J, plan: &Plan<'_>, out: &mut HashMap<Ident, Ident>, depth: usize) {
    if depth > 32 {
        return;
    }
    let adopting = |rtype: &str| lower::adopted_default_key(rtype).is_some();
    let span = Span::new(plan.display, 0, 0);
    for (addr, rtype, args) in instances(module, plan, adopting) {
        if let Some(id) = lower::adopted_default(rtype, &args, &span) {
            out.insert(Ident(format!("{}/{addr}", plan.display)), id);
        }
    }
    if let Some(J::Array(kids)) = module.get("child_modules") {
        for k in kids {
            adopted_defaults(k, plan, out, depth + 1);
        }
    }
}

fn walk(
    module: &J,
    plan: &Plan<'_>,
    model: &mut Model,
    links: &mut Vec<lower::Link>,
    depth: usize,
) {
    if depth > 32 {
        return;
    }
    let display = plan.display;
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
    if let Some(J::Array(kids)) = module.get("child_modules") {
        for k in kids {
            walk(k, plan, model, links, depth + 1);
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
