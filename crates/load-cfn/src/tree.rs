//! A spanned document tree built from saphyr's event stream.
//!
//! Why our own tree rather than saphyr's `MarkedYaml`: CloudFormation's short-form tags (`!Ref`)
//! and the position of every node must survive, and the limits (nesting depth, alias expansion)
//! must be enforced *while* building, before an alias bomb has expanded or a deep document has
//! been materialised. saphyr's parser itself is a state machine with a heap stack, so it does not
//! recurse on deep input; only our consumers of the tree recurse, and the depth limit bounds them.
//!
//! JSON goes through the same path: JSON is YAML 1.2 flow syntax, and this way both formats get
//! the same positions, limits and error messages.

use crate::{MAX_ALIAS_EXPANSION, MAX_DEPTH};
use saphyr_parser::{Event, Parser, ScalarStyle, Span as YSpan, Tag};
use std::collections::HashMap;

/// A mapping key: CloudFormation keys are always scalars.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Key {
    pub name: String,
    pub line: u32,
    pub col: u32,
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) enum NodeKind {
    /// A scalar; `plain` is false for quoted and block scalars (never typed as bool/number).
    Scalar {
        text: String,
        plain: bool,
    },
    Seq(Vec<Node>),
    Map(Mapping),
    /// A local tag (`!Ref`, `!GetAtt`...) with its tag name without the `!`.
    Tagged(String, Box<Node>),
}

/// A mapping's entries in document order, with an index by key once it is large.
///
/// Why an index: references are resolved by name (`Ref`, `Fn::GetAtt`, `Fn::Sub` look resources,
/// parameters and mappings up by key), so a template of n resources that refer to each other
/// makes n lookups into a mapping of n keys; a linear scan makes that quadratic (seconds at
/// 100,000 resources). Small mappings, nearly all of them, are scanned: cheaper than hashing.
#[derive(Clone, Debug, PartialEq, Default)]
pub(crate) struct Mapping {
    entries: Vec<(Key, Node)>,
    /// Position of the first entry of each key (a later duplicate never shadows it), when there
    /// are more than [`INDEX_ABOVE`] entries.
    index: Option<HashMap<String, usize>>,
}

/// Mappings with more entries than this get an index by key.
const INDEX_ABOVE: usize = 16;

impl Mapping {
    pub(crate) fn new(entries: Vec<(Key, Node)>) -> Self {
        let index = (entries.len() > INDEX_ABOVE).then(|| {
            let mut index = HashMap::with_capacity(entries.len());
            for (i, (k, _)) in entries.iter().enumerate() {
                index.entry(k.name.clone()).or_insert(i);
            }
            index
        });
        Mapping { entries, index }
    }

    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match &self.index {
            Some(index) => index
                .get(key)
                .and_then(|&i| self.entries.get(i))
                .map(|(_, v)| v),
            None => self
                .entries
                .iter()
                .find(|(k, _)| k.name == key)
                .map(|(_, v)| v),
        }
    }
}

impl Mapping {
    pub(crate) fn as_slice(&self) -> &[(Key, Node)] {
        &self.entries
    }
}

impl<'a> IntoIterator for &'a Mapping {
    type Item = &'a (Key, Node);
    type IntoIter = std::slice::Iter<'a, (Key, Node)>;

    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}

impl std::ops::Deref for Mapping {
    type Target = [(Key, Node)];

    fn deref(&self) -> &[(Key, Node)] {
        &self.entries
    }
}

#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Node {
    pub kind: NodeKind,
    /// 1-based line and column of the node's start.
    pub line: u32,
    pub col: u32,
}

impl Node {
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            NodeKind::Map(m) => m.get(key),
            _ => None,
        }
    }

    pub fn entries(&self) -> &[(Key, Node)] {
        match &self.kind {
            NodeKind::Map(entries) => entries,
            _ => &[],
        }
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.kind {
            NodeKind::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }
}

/// Why a document could not be turned into a tree.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{message}")]
pub(crate) struct TreeError {
    pub message: String,
    pub line: u32,
    pub col: u32,
}

enum Frame {
    Seq {
        items: Vec<Node>,
        line: u32,
        col: u32,
        anchor: usize,
        tag: Option<String>,
    },
    Map {
        entries: Vec<(Key, Node)>,
        pending_key: Option<Key>,
        line: u32,
        col: u32,
        anchor: usize,
        tag: Option<String>,
    },
}

/// An anchored node, with what an alias to it costs.
struct Anchored {
    node: Node,
    size: usize,
    height: usize,
}

fn pos(span: &YSpan) -> (u32, u32) {
    let line = u32::try_from(span.start.line()).unwrap_or(u32::MAX);
    let col = u32::try_from(span.start.col() + 1).unwrap_or(u32::MAX);
    (line, col)
}

/// The local tag name (`Ref` for `!Ref`), or `None` for core-schema and absent tags.
fn local_tag(tag: Option<&Tag>) -> Option<String> {
    let tag = tag?;
    if tag.handle == "!" {
        Some(tag.suffix.clone())
    } else {
        None
    }
}

fn is_str_tag(tag: Option<&Tag>) -> bool {
    tag.is_some_and(|t| t.handle == "!!" && t.suffix == "str")
        || tag.is_some_and(|t| t.handle.is_empty() && t.suffix == "tag:yaml.org,2002:str")
}

fn wrap(node: Node, tag: Option<String>) -> Node {
    match tag {
        Some(t) => Node {
            line: node.line,
            col: node.col,
            kind: NodeKind::Tagged(t, Box::new(node)),
        },
        None => node,
    }
}

fn size_height(node: &Node) -> (usize, usize) {
    match &node.kind {
        NodeKind::Scalar { .. } => (1, 1),
        NodeKind::Tagged(_, inner) => {
            let (s, h) = size_height(inner);
            (s + 1, h + 1)
        }
        NodeKind::Seq(items) => items.iter().fold((1, 1), |(s, h), n| {
            let (ns, nh) = size_height(n);
            (s.saturating_add(ns), h.max(nh + 1))
        }),
        NodeKind::Map(entries) => entries.iter().fold((1, 1), |(s, h), (_, n)| {
            let (ns, nh) = size_height(n);
            (s.saturating_add(ns + 1), h.max(nh + 1))
        }),
    }
}

/// Parses the first document of `src`. `Ok(None)` for an empty stream.
#[cfg(test)]
pub(crate) fn parse(src: &str) -> Result<Option<Node>, TreeError> {
    parse_marking(src, &mut Vec::new())
}

/// Where a quoted or block scalar holding a `#` was written, in characters from the start of
/// the source: the places where `#` is text, not a comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum TextMark {
    /// A `'...'` scalar starting at its opening quote.
    SingleQuoted(usize),
    /// A `"..."` scalar starting at its opening quote.
    DoubleQuoted(usize),
    /// A `|` or `>` scalar's content.
    Block(std::ops::Range<usize>),
}

impl TextMark {
    pub(crate) fn start(&self) -> usize {
        match self {
            TextMark::SingleQuoted(s) | TextMark::DoubleQuoted(s) => *s,
            TextMark::Block(r) => r.start,
        }
    }
}

/// [`parse`], also pushing onto `marks` every quoted or block scalar that holds a `#`, in
/// document order. Quoted scalars are marked by their start only: the parser's end position of
/// a quoted scalar runs on over the blanks and the comment that follow it, so the scan of
/// comments finds the closing quote itself.
pub(crate) fn parse_marking(
    src: &str,
    marks: &mut Vec<TextMark>,
) -> Result<Option<Node>, TreeError> {
    let mut stack: Vec<Frame> = Vec::new();
    let mut anchors: HashMap<usize, Anchored> = HashMap::new();
    let mut expanded: usize = 0;
    let mut root: Option<Node> = None;

    for ev in Parser::new_from_str(src) {
        let (ev, span) = ev.map_err(|e| TreeError {
            message: format!("syntax error: {}", e.info()),
            line: u32::try_from(e.marker().line()).unwrap_or(u32::MAX),
            col: u32::try_from(e.marker().col() + 1).unwrap_or(u32::MAX),
        })?;
        let (line, col) = pos(&span);
        let (completed, anchor) = match ev {
            Event::StreamStart | Event::Nothing | Event::DocumentStart(_) => continue,
            Event::DocumentEnd | Event::StreamEnd => break,
            Event::SequenceStart(anchor, tag) => {
                push_frame(
                    &mut stack,
                    Frame::Seq {
                        items: Vec::new(),
                        line,
                        col,
                        anchor,
                        tag: local_tag(tag.as_deref()),
                    },
                    line,
                    col,
                )?;
                continue;
            }
            Event::MappingStart(anchor, tag) => {
                push_frame(
                    &mut stack,
                    Frame::Map {
                        entries: Vec::new(),
                        pending_key: None,
                        line,
                        col,
                        anchor,
                        tag: local_tag(tag.as_deref()),
                    },
                    line,
                    col,
                )?;
                continue;
            }
            Event::SequenceEnd => match stack.pop() {
                Some(Frame::Seq {
                    items,
                    line,
                    col,
                    anchor,
                    tag,
                }) => (
                    wrap(
                        Node {
                            kind: NodeKind::Seq(items),
                            line,
                            col,
                        },
                        tag,
                    ),
                    anchor,
                ),
                _ => return Err(err("unbalanced sequence end", line, col)),
            },
            Event::MappingEnd => match stack.pop() {
                Some(Frame::Map {
                    entries,
                    line,
                    col,
                    anchor,
                    tag,
                    ..
                }) => (
                    wrap(
                        Node {
                            kind: NodeKind::Map(Mapping::new(entries)),
                            line,
                            col,
                        },
                        tag,
                    ),
                    anchor,
                ),
                _ => return Err(err("unbalanced mapping end", line, col)),
            },
            Event::Scalar(text, style, anchor, tag) => {
                if text.contains('#') {
                    let start = span.start.index();
                    match style {
                        ScalarStyle::Plain => {}
                        ScalarStyle::SingleQuoted => marks.push(TextMark::SingleQuoted(start)),
                        ScalarStyle::DoubleQuoted => marks.push(TextMark::DoubleQuoted(start)),
                        ScalarStyle::Literal | ScalarStyle::Folded => {
                            marks.push(TextMark::Block(start..span.end.index()));
                        }
                    }
                }
                let plain = style == ScalarStyle::Plain && !is_str_tag(tag.as_deref());
                let node = Node {
                    kind: NodeKind::Scalar {
                        text: text.into_owned(),
                        plain,
                    },
                    line,
                    col,
                };
                (wrap(node, local_tag(tag.as_deref())), anchor)
            }
            Event::Alias(id) => {
                let Some(a) = anchors.get(&id) else {
                    return Err(err("alias to an unknown anchor", line, col));
                };
                expanded = expanded.saturating_add(a.size);
                if expanded > MAX_ALIAS_EXPANSION {
                    return Err(err(
                        &format!(
                            "YAML aliases expand to more than {MAX_ALIAS_EXPANSION} nodes \
                             (limit MAX_ALIAS_EXPANSION; an alias bomb?)"
                        ),
                        line,
                        col,
                    ));
                }
                if stack.len() + a.height > MAX_DEPTH {
                    return Err(depth_err(line, col));
                }
                (a.node.clone(), 0)
            }
        };
        if anchor != 0 {
            let (size, height) = size_height(&completed);
            anchors.insert(
                anchor,
                Anchored {
                    node: completed.clone(),
                    size,
                    height,
                },
            );
        }
        match stack.last_mut() {
            None => {
                root = Some(completed);
                // The first document is the template; later documents are not read.
                break;
            }
            Some(Frame::Seq { items, .. }) => items.push(completed),
            Some(Frame::Map {
                entries,
                pending_key,
                ..
            }) => match pending_key.take() {
                None => {
                    let (line, col) = (completed.line, completed.col);
                    let name = match completed.kind {
                        NodeKind::Scalar { text, .. } => text,
                        _ => {
                            return Err(err(
                                "mapping key is not a scalar (complex keys are not supported)",
                                line,
                                col,
                            ))
                        }
                    };
                    *pending_key = Some(Key { name, line, col });
                }
                Some(key) => entries.push((key, completed)),
            },
        }
    }
    Ok(root)
}

/// Whether a JSON document's top-level keys make it a CloudFormation template
/// (`AWSTemplateFormatVersion`, `Resources`) rather than a snapshot (`schema`) or a Terraform
/// plan (`format_version`, `planned_values`, `terraform_version`). Read as a stream, deciding at
/// the first key that tells, without building the document: for a file too large to be read as
/// a template. `true` when it cannot tell (not readable, not a JSON object).
pub(crate) fn json_looks_like_template(reader: impl std::io::Read) -> bool {
    use serde::de::{Deserializer as _, Error as _, IgnoredAny, MapAccess, Visitor};
    use std::cell::Cell;

    /// Stops the stream at the first key that tells (serde_json would otherwise read on to
    /// the end of the object), leaving the answer in `told`.
    struct Probe<'a> {
        told: &'a Cell<Option<bool>>,
    }
    impl<'de> Visitor<'de> for Probe<'_> {
        type Value = bool;

        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<bool, A::Error> {
            while let Some(key) = map.next_key::<String>()? {
                let told = match key.as_str() {
                    "AWSTemplateFormatVersion" | "Resources" => true,
                    "schema" | "format_version" | "planned_values" | "terraform_version" => false,
                    _ => {
                        map.next_value::<IgnoredAny>()?;
                        continue;
                    }
                };
                self.told.set(Some(told));
                return Err(A::Error::custom("told"));
            }
            Ok(false)
        }
    }

    let told = Cell::new(None);
    let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::new(reader));
    let read = de.deserialize_map(Probe { told: &told });
    told.get().unwrap_or_else(|| read.unwrap_or(true))
}

fn push_frame(stack: &mut Vec<Frame>, frame: Frame, line: u32, col: u32) -> Result<(), TreeError> {
    if stack.len() + 1 > MAX_DEPTH {
        return Err(depth_err(line, col));
    }
    stack.push(frame);
    Ok(())
}

fn depth_err(line: u32, col: u32) -> TreeError {
    err(
        &format!("nesting deeper than {MAX_DEPTH} levels (limit MAX_DEPTH)"),
        line,
        col,
    )
}

fn err(message: &str, line: u32, col: u32) -> TreeError {
    TreeError {
        message: message.to_string(),
        line,
        col,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_tags_and_positions() {
        let n = parse("A: !Ref X\nB:\n  - !GetAtt [R, Arn]\n")
            .unwrap()
            .unwrap();
        let a = n.get("A").unwrap();
        assert_eq!((a.line, a.col), (1, 4));
        assert!(matches!(&a.kind, NodeKind::Tagged(t, _) if t == "Ref"));
        let b = n.get("B").unwrap();
        let NodeKind::Seq(items) = &b.kind else {
            panic!()
        };
        assert_eq!(items[0].line, 3);
        assert!(
            matches!(&items[0].kind, NodeKind::Tagged(t, inner) if t == "GetAtt" && matches!(inner.kind, NodeKind::Seq(_)))
        );
        assert_eq!(n.entries()[1].0.line, 2);
    }

    #[test]
    fn quoted_scalars_are_not_plain() {
        let n = parse("{\"a\": \"true\", \"b\": true}").unwrap().unwrap();
        assert!(matches!(
            &n.get("a").unwrap().kind,
            NodeKind::Scalar { plain: false, .. }
        ));
        assert!(matches!(
            &n.get("b").unwrap().kind,
            NodeKind::Scalar { plain: true, .. }
        ));
    }

    #[test]
    fn aliases_expand_within_the_limit() {
        let n = parse("a: &x [1, 2]\nb: *x\n").unwrap().unwrap();
        assert_eq!(n.get("a"), n.get("b"));
    }

    #[test]
    fn alias_bomb_is_refused() {
        let mut s = String::from(
            "a: &a [\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\",\"lol\"]\n",
        );
        let names = ["b", "c", "d", "e", "f", "g", "h", "i"];
        let mut prev = "a";
        for n in names {
            s.push_str(&format!("{n}: &{n} [*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev},*{prev}]\n"));
            prev = n;
        }
        let e = parse(&s).unwrap_err();
        assert!(e.message.contains("MAX_ALIAS_EXPANSION"), "{}", e.message);
    }

    #[test]
    fn deep_nesting_is_refused() {
        let s = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let e = parse(&s).unwrap_err();
        assert!(e.message.contains("MAX_DEPTH"));
        let ok = format!("{}{}", "[".repeat(100), "]".repeat(100));
        assert!(parse(&ok).is_ok());
    }

    #[test]
    fn syntax_error_has_position() {
        let e = parse("a: [1, 2\nb: }").unwrap_err();
        assert!(e.message.starts_with("syntax error"));
        assert!(e.line >= 1);
    }

    #[test]
    fn large_mappings_are_indexed_in_order_and_first_key_wins() {
        let mut src = String::from("{");
        for i in 0..40 {
            src.push_str(&format!("k{i}: {i}, "));
        }
        src.push_str("k3: dup}");
        let n = parse(&src).unwrap().unwrap();
        let NodeKind::Map(m) = &n.kind else { panic!() };
        assert!(m.index.is_some());
        assert_eq!(n.get("k3").and_then(Node::as_str), Some("3"));
        assert_eq!(n.get("k39").and_then(Node::as_str), Some("39"));
        assert_eq!(n.get("missing"), None);
        assert_eq!(n.entries()[0].0.name, "k0");
        assert_eq!(n.entries().len(), 41);
        let small = parse("{b: 1, a: 2, b: 3}").unwrap().unwrap();
        assert_eq!(small.get("b").and_then(Node::as_str), Some("1"));
    }

    #[test]
    fn large_json_is_told_apart_by_its_top_level_keys() {
        let probe = |s: &str| json_looks_like_template(s.as_bytes());
        assert!(probe(r#"{"Description": "x", "Resources": {}}"#));
        assert!(probe(r#"{"AWSTemplateFormatVersion": "2010-09-09"}"#));
        assert!(!probe(
            r#"{"schema": "egressproof-snapshot/1", "model": {}}"#
        ));
        assert!(!probe(
            r#"{"padding": [1, {"a": "b"}], "format_version": "1.2"}"#
        ));
        assert!(!probe(r#"{"data": [1, 2, 3]}"#));
        // What cannot be told apart is treated as a template, which is then reported.
        assert!(probe("[1, 2]"));
        assert!(probe(r#"{"a": "#));
    }

    #[test]
    fn empty_stream_is_none() {
        assert_eq!(parse("").unwrap(), None);
        assert_eq!(parse("# only a comment\n").unwrap(), None);
    }
}
