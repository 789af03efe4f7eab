//! `Fn::ForEach` of the `AWS::LanguageExtensions` transform, expanded before the template is
//! read, as CloudFormation expands it before it creates anything.
//!
//! Why on the tree and not on resolved values: a loop makes logical IDs (the keys of the
//! `Resources`, `Outputs` and `Conditions` sections, or of a resource's properties), and the
//! rest of the loader looks resources, conditions and outputs up by those keys. Expanding the
//! tree once per stack (its parameters decide the collections) lets every later step see the
//! template CloudFormation would see.
//!
//! Bounds: every node copied is charged to the stack's resolution work (linear in the template,
//! see `MAX_RESOLVE_WORK`), so loops that multiply each other stop at the same bound; a loop
//! past it, or whose collection is not known at scan time, is an EP902 unknown naming the loop,
//! and what it would make is not read.

use crate::resolve::{diag, literal_string, Stack};
use crate::tree::{Key, Mapping, Node, NodeKind};
use egressproof_model::{UnknownCode, Value};

const PREFIX: &str = "Fn::ForEach::";

/// Sections where CloudFormation accepts `Fn::ForEach` (with the resources' properties).
const SECTIONS: [&str; 3] = ["Conditions", "Outputs", "Resources"];

/// The template's root with every `Fn::ForEach` expanded; `None` when it has none (the common
/// case: nothing is copied).
pub(crate) fn expand(stack: &Stack<'_>) -> Option<Node> {
    let root = &stack.tpl.root;
    let has_loop = SECTIONS
        .iter()
        .filter_map(|s| root.get(s))
        .any(contains_loop);
    if !has_loop {
        return None;
    }
    let NodeKind::Map(top) = &root.kind else {
        return None;
    };
    let entries = top
        .iter()
        .map(|(k, v)| {
            if SECTIONS.contains(&k.name.as_str()) {
                (k.clone(), expand_node(stack, v, &[]))
            } else {
                (k.clone(), v.clone())
            }
        })
        .collect();
    Some(Node {
        kind: NodeKind::Map(Mapping::new(entries)),
        line: root.line,
        col: root.col,
    })
}

fn contains_loop(n: &Node) -> bool {
    let mut todo = vec![n];
    while let Some(n) = todo.pop() {
        match &n.kind {
            NodeKind::Scalar { .. } => {}
            NodeKind::Seq(items) => todo.extend(items),
            NodeKind::Map(m) => {
                if m.iter().any(|(k, _)| k.name.starts_with(PREFIX)) {
                    return true;
                }
                todo.extend(m.iter().map(|(_, v)| v));
            }
            NodeKind::Tagged(_, inner) => todo.push(inner),
        }
    }
    false
}

/// One binding of a loop identifier to an item of its collection.
struct Binding<'s> {
    id: &'s str,
    item: &'s str,
}

/// `n` with the loops inside it expanded and the identifiers of the loops around it (`binds`,
/// innermost last) replaced.
fn expand_node(stack: &Stack<'_>, n: &Node, binds: &[Binding<'_>]) -> Node {
    if stack.charge_copy(n) {
        // Past the bound (reported once): the copy stops growing, and whatever is still to
        // resolve is an unknown naming the limit.
        return item_node("", n);
    }
    let kind = match &n.kind {
        NodeKind::Scalar { text, plain } => NodeKind::Scalar {
            text: substitute(text, binds),
            plain: *plain,
        },
        NodeKind::Seq(items) => {
            NodeKind::Seq(items.iter().map(|i| expand_node(stack, i, binds)).collect())
        }
        NodeKind::Tagged(tag, inner) => {
            if let Some(item) = bound_ref(tag == "Ref", inner, binds) {
                return item_node(item, n);
            }
            NodeKind::Tagged(tag.clone(), Box::new(expand_node(stack, inner, binds)))
        }
        NodeKind::Map(m) => {
            if let [(k, inner)] = m.as_slice() {
                if let Some(item) = bound_ref(k.name == "Ref", inner, binds) {
                    return item_node(item, n);
                }
            }
            let mut out = Vec::with_capacity(m.len());
            for (k, v) in m.iter() {
                if k.name.starts_with(PREFIX) {
                    expand_loop(stack, k, v, binds, &mut out);
                } else {
                    let key = Key {
                        name: substitute(&k.name, binds),
                        ..k.clone()
                    };
                    out.push((key, expand_node(stack, v, binds)));
                }
            }
            NodeKind::Map(Mapping::new(out))
        }
    };
    Node {
        kind,
        line: n.line,
        col: n.col,
    }
}

/// `Ref` to a loop identifier: the item it is bound to (the innermost binding wins).
fn bound_ref<'b>(is_ref: bool, arg: &Node, binds: &'b [Binding<'_>]) -> Option<&'b str> {
    if !is_ref {
        return None;
    }
    let name = arg.as_str()?;
    binds.iter().rev().find(|b| b.id == name).map(|b| b.item)
}

fn item_node(item: &str, at: &Node) -> Node {
    Node {
        kind: NodeKind::Scalar {
            text: item.to_string(),
            plain: false,
        },
        line: at.line,
        col: at.col,
    }
}

/// `${Identifier}` is the item; `&{Identifier}` the item with its non-alphanumeric characters
/// left out (so `10.0.1.0/24` can be part of a logical ID).
fn substitute(text: &str, binds: &[Binding<'_>]) -> String {
    if binds.is_empty() || !(text.contains("${") || text.contains("&{")) {
        return text.to_string();
    }
    let mut out = text.to_string();
    for b in binds.iter().rev() {
        let alnum: String = b.item.chars().filter(char::is_ascii_alphanumeric).collect();
        out = out
            .replace(&format!("${{{}}}", b.id), b.item)
            .replace(&format!("&{{{}}}", b.id), &alnum);
    }
    out
}

/// Expands `Fn::ForEach::Name: [Identifier, Collection, {OutputKey: OutputValue}]` into `out`.
fn expand_loop(
    stack: &Stack<'_>,
    key: &Key,
    v: &Node,
    binds: &[Binding<'_>],
    out: &mut Vec<(Key, Node)>,
) {
    let name = &key.name;
    let NodeKind::Seq(args) = &v.kind else {
        return not_read(
            stack,
            name,
            "its value is not [Identifier, Collection, Fragment]",
            v,
        );
    };
    let [id, collection, fragment] = args.as_slice() else {
        return not_read(
            stack,
            name,
            "its value is not [Identifier, Collection, Fragment]",
            v,
        );
    };
    let Some(id) = id.as_str() else {
        return not_read(stack, name, "its identifier is not a name", id);
    };
    // The collection may use the identifiers of the loops around this one.
    let collection = expand_node(stack, collection, binds);
    let items = match stack.resolve(&collection) {
        Some(Value::List(items)) => items,
        Some(Value::Unknown(u)) => {
            return not_read(
                stack,
                name,
                &format!("its collection is not known at scan time ({})", u.reason),
                &collection,
            )
        }
        Some(other) => {
            return not_read(
                stack,
                name,
                &format!(
                    "its collection is not a list known at scan time: {}",
                    other.render()
                ),
                &collection,
            )
        }
        None => Vec::new(),
    };
    let mut texts = Vec::with_capacity(items.len());
    for item in &items {
        match literal_string(item) {
            Some(t) => texts.push(t),
            None => {
                return not_read(
                    stack,
                    name,
                    &format!(
                        "an item of its collection is not known at scan time ({})",
                        item.render()
                    ),
                    &collection,
                )
            }
        }
    }
    for item in &texts {
        if stack.out_of_work() {
            return not_read(
                stack,
                name,
                "expansion stopped at the resolution work limit",
                v,
            );
        }
        let mut inner: Vec<Binding<'_>> = binds
            .iter()
            .map(|b| Binding {
                id: b.id,
                item: b.item,
            })
            .collect();
        inner.push(Binding { id, item });
        let made = expand_node(stack, fragment, &inner);
        match made.kind {
            NodeKind::Map(m) => out.extend(m.iter().cloned()),
            _ => return not_read(stack, name, "its fragment is not a mapping", fragment),
        }
    }
}

fn not_read(stack: &Stack<'_>, name: &str, why: &str, at: &Node) {
    diag(
        stack,
        UnknownCode::EP902,
        format!("{name}: {why}; what the loop makes is not read"),
        at,
    );
}
