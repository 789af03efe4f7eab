//! Snapshots: the model's serde form (`egressproof-snapshot/1`), taken from the models the
//! loaders make of the repository's fixtures, then edited as JSON trees: a node replaced by a
//! value, by a copy of another node (a kind moved into another resource, an unknown where a
//! known value was) or by one of the strings the model uses elsewhere (enum tags, IDs); nodes
//! removed and array elements duplicated (two resources with one ID).

use crate::cfn;
use crate::harness::{Case, CaseFile};
use crate::mutate;
use crate::style::{self, Rng};
use egressproof_model::{Model, SNAPSHOT_SCHEMA};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;
use serde_json::Value as J;
use std::sync::OnceLock;

/// One edit of a snapshot's JSON tree; node indices count the nodes in document order. Most
/// edits keep the serde form valid (a string for a string, an element for an element), so that
/// the analysis sees models no loader would make: references to nothing, duplicate IDs, a kind
/// moved into another resource, an unknown where a known value was.
#[derive(Clone, Debug)]
pub enum Edit {
    /// A string node set to another string the model uses somewhere (IDs, enum tags, CIDRs).
    Vocabulary {
        at: Index,
        word: Index,
    },
    /// A number node set to a boundary value.
    Number {
        at: Index,
        value: J,
    },
    /// A boolean node negated.
    Flip(Index),
    /// A node replaced by a copy of another node under the same key.
    Transplant {
        from: Index,
        to: Index,
    },
    /// An array element removed, or duplicated in place.
    Remove(Index),
    Duplicate(Index),
    /// Any node replaced by any value (mostly not the serde form any more).
    Replace(Index, J),
    /// A schema this version does not know (`egressproof-snapshot/2`).
    Schema(&'static str),
}

/// The fixtures' models as snapshots, and every string they hold.
struct Bases {
    snapshots: Vec<J>,
    vocabulary: Vec<String>,
}

fn bases() -> &'static Bases {
    static BASES: OnceLock<Bases> = OnceLock::new();
    BASES.get_or_init(|| {
        let mut snapshots = vec![Model::default().to_snapshot()];
        for seed in mutate::corpus() {
            let text = String::from_utf8_lossy(&seed.bytes);
            let model = if seed.path.ends_with(".tf") {
                egressproof_load_tf::load_str(&text, &seed.path)
            } else if seed.path.ends_with(".yaml") {
                match load_yaml(&seed.path, &seed.bytes) {
                    Some(m) => m,
                    None => continue,
                }
            } else {
                continue;
            };
            if !model.resources.is_empty() {
                snapshots.push(model.to_snapshot());
            }
        }
        let mut vocabulary = Vec::new();
        for s in &snapshots {
            strings(s, &mut vocabulary);
        }
        vocabulary.sort();
        vocabulary.dedup();
        Bases {
            snapshots,
            vocabulary,
        }
    })
}

/// A YAML fixture through the CloudFormation loader (which reads files).
fn load_yaml(path: &str, bytes: &[u8]) -> Option<Model> {
    let dir = tempfile::tempdir().ok()?;
    let file = dir.path().join("t.yaml");
    std::fs::write(&file, bytes).ok()?;
    let loaded = egressproof_load_cfn::load(
        &[egressproof_load_cfn::Input {
            path: file,
            display: path.to_string(),
        }],
        &egressproof_load_cfn::LoadOptions::default(),
    );
    Some(loaded.model)
}

fn strings(v: &J, out: &mut Vec<String>) {
    match v {
        J::String(s) => out.push(s.clone()),
        J::Array(xs) => xs.iter().for_each(|x| strings(x, out)),
        J::Object(m) => {
            for (k, x) in m {
                out.push(k.clone());
                strings(x, out);
            }
        }
        _ => {}
    }
}

/// JSON pointers of every node under `model`, in document order.
fn nodes(v: &J, at: String, out: &mut Vec<String>) {
    match v {
        J::Array(xs) => {
            for (i, x) in xs.iter().enumerate() {
                let p = format!("{at}/{i}");
                out.push(p.clone());
                nodes(x, p, out);
            }
        }
        J::Object(m) => {
            for (k, x) in m {
                let p = format!("{at}/{}", k.replace('~', "~0").replace('/', "~1"));
                out.push(p.clone());
                nodes(x, p, out);
            }
        }
        _ => {}
    }
}

fn parent_and_last(pointer: &str) -> Option<(&str, String)> {
    let (parent, last) = pointer.rsplit_once('/')?;
    Some((parent, last.replace("~1", "/").replace("~0", "~")))
}

/// The nodes of `doc`'s model for which `keep` holds.
fn nodes_where(doc: &J, keep: impl Fn(&str, &J) -> bool) -> Vec<String> {
    let mut all = Vec::new();
    if let Some(model) = doc.get("model") {
        nodes(model, "/model".to_string(), &mut all);
    }
    all.retain(|p| doc.pointer(p).is_some_and(|v| keep(p, v)));
    all
}

fn pick(nodes: &[String], i: &Index) -> Option<String> {
    (!nodes.is_empty()).then(|| nodes[i.index(nodes.len())].clone())
}

fn in_array(doc: &J, p: &str) -> bool {
    parent_and_last(p).is_some_and(|(parent, _)| doc.pointer(parent).is_some_and(J::is_array))
}

fn apply(doc: &mut J, edit: &Edit) {
    match edit {
        Edit::Vocabulary { at, word } => {
            let words = &bases().vocabulary;
            let strings = nodes_where(doc, |_, v| v.is_string());
            if let (false, Some(p)) = (words.is_empty(), pick(&strings, at)) {
                if let Some(n) = doc.pointer_mut(&p) {
                    *n = J::String(words[word.index(words.len())].clone());
                }
            }
        }
        Edit::Number { at, value } => {
            if let Some(p) = pick(&nodes_where(doc, |_, v| v.is_number()), at) {
                if let Some(n) = doc.pointer_mut(&p) {
                    *n = value.clone();
                }
            }
        }
        Edit::Flip(at) => {
            if let Some(p) = pick(&nodes_where(doc, |_, v| v.is_boolean()), at) {
                if let Some(J::Bool(b)) = doc.pointer_mut(&p) {
                    *b = !*b;
                }
            }
        }
        Edit::Transplant { from, to } => {
            let Some(src) = pick(&nodes_where(doc, |_, _| true), from) else {
                return;
            };
            let key = parent_and_last(&src).map(|(_, k)| k).unwrap_or_default();
            let by_index = key.parse::<usize>().is_ok();
            let same_key = nodes_where(doc, |p, _| {
                parent_and_last(p).is_some_and(|(_, k)| {
                    if by_index {
                        k.parse::<usize>().is_ok()
                    } else {
                        k == key
                    }
                })
            });
            let value = doc.pointer(&src).cloned();
            if let (Some(v), Some(dst)) = (value, pick(&same_key, to)) {
                if let Some(n) = doc.pointer_mut(&dst) {
                    *n = v;
                }
            }
        }
        Edit::Remove(at) | Edit::Duplicate(at) => {
            let elements = nodes_where(doc, |_, _| true);
            let elements: Vec<String> = elements.into_iter().filter(|p| in_array(doc, p)).collect();
            let Some(p) = pick(&elements, at) else {
                return;
            };
            let Some((parent, last)) = parent_and_last(&p) else {
                return;
            };
            let (Ok(i), Some(J::Array(xs))) = (last.parse::<usize>(), doc.pointer_mut(parent))
            else {
                return;
            };
            if i < xs.len() {
                if matches!(edit, Edit::Remove(_)) {
                    xs.remove(i);
                } else {
                    let x = xs[i].clone();
                    xs.insert(i, x);
                }
            }
        }
        Edit::Replace(at, v) => {
            if let Some(p) = pick(&nodes_where(doc, |_, _| true), at) {
                if let Some(n) = doc.pointer_mut(&p) {
                    *n = v.clone();
                }
            }
        }
        Edit::Schema(s) => doc["schema"] = J::from(*s),
    }
}

fn edit() -> impl Strategy<Value = Edit> {
    let boundary = proptest::sample::select(
        &[0i64, 1, -1, 65535, 65536, 4_294_967_295, i64::MAX, i64::MIN][..],
    );
    prop_oneof![
        6 => (any::<Index>(), any::<Index>()).prop_map(|(at, word)| Edit::Vocabulary { at, word }),
        2 => (any::<Index>(), prop_oneof![boundary.prop_map(J::from), Just(J::from(u64::MAX)), Just(J::from(0.5)), Just(J::from(1e300))])
            .prop_map(|(at, value)| Edit::Number { at, value }),
        2 => any::<Index>().prop_map(Edit::Flip),
        5 => (any::<Index>(), any::<Index>()).prop_map(|(from, to)| Edit::Transplant { from, to }),
        2 => any::<Index>().prop_map(Edit::Remove),
        3 => any::<Index>().prop_map(Edit::Duplicate),
        1 => (any::<Index>(), cfn::expr().prop_map(|e| cfn::to_json(&e))).prop_map(|(i, v)| Edit::Replace(i, v)),
        1 => proptest::sample::select(&["egressproof-snapshot/2", "egressproof-snapshot/0", ""][..]).prop_map(Edit::Schema),
    ]
}

pub fn case() -> impl Strategy<Value = Case> {
    (
        any::<Index>(),
        vec(edit(), 0..5),
        any::<u64>(),
        cfn::flags(),
    )
        .prop_map(|(base, edits, seed, flags)| {
            let b = bases();
            let mut doc = base.get(&b.snapshots).clone();
            for e in &edits {
                apply(&mut doc, e);
            }
            let text = style::json(&doc, &mut Rng::new(seed));
            // A document of the snapshot schema family is a snapshot to `scan`, whatever its
            // version (another version is an EP901, never skipped).
            let family = SNAPSHOT_SCHEMA.split('/').next();
            let readable = doc["schema"]
                .as_str()
                .is_some_and(|s| s.split('/').next() == family);
            let mut case = Case::new(vec![CaseFile::new("snapshot.json", text)], readable);
            case.flags = flags;
            case
        })
}
