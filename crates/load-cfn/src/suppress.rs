//! Inline suppressions: `Metadata: { egressproof: { ignore: [...] } }` on a resource, and
//! `# egressproof:ignore EP201 reason` comments on the line of the resource's logical ID or on
//! the comment lines directly above it.
//!
//! Why comments are found by a scan that knows the parser's scalars: comments are not part of
//! the YAML tree, and the text of a comment can also be written *inside* a string (a tag value,
//! a description, a block scalar). Read as a comment, such a string would let whoever writes a
//! tag silence a finding, so a `#` counts only when it is outside every quoted and block scalar
//! the parser saw. JSON has no comments at all: in a `.json` file only `Metadata` is read.

use crate::resolve::Stack;
use crate::tree::{Key, Node, TextMark};
use egressproof_model::Suppression;
use std::collections::HashMap;

/// One comment: its text from the `#` to the end of the line.
#[derive(Clone, Debug)]
struct Comment {
    text: String,
    /// Nothing but blanks before the `#` on its line.
    own_line: bool,
}

/// Inside a scalar, while scanning for comments.
#[derive(Clone, Copy)]
enum Inside {
    Single,
    Double,
    /// A block scalar, up to this character.
    Block(usize),
}

/// The comments of a template, by 1-based line, found once per file (a lookup per resource
/// then costs nothing, however long the line).
#[derive(Clone, Debug, Default)]
pub(crate) struct Comments {
    by_line: HashMap<u32, Comment>,
}

impl Comments {
    /// The comments of YAML `source`. `marks`: the quoted and block scalars that hold a `#`, in
    /// document order, as the parser saw them. A plain scalar needs no mark: it cannot hold a
    /// `#` after a blank (that starts a comment), and a `#` after anything else is not a comment
    /// either.
    pub(crate) fn scan(source: &str, marks: &[TextMark]) -> Comments {
        let mut by_line = HashMap::new();
        let mut marks = marks.iter().peekable();
        let mut inside: Option<Inside> = None;
        let mut line: u32 = 1;
        let mut own_line = true;
        let mut prev_blank = true;
        let mut chars = source.char_indices().enumerate().peekable();
        while let Some((ci, (bi, c))) = chars.next() {
            if c == '\n' || c == '\r' {
                // `\r\n` is one break; a lone `\r` is one too, as YAML counts lines.
                if c == '\n' || chars.peek().is_none_or(|(_, (_, n))| *n != '\n') {
                    line = line.saturating_add(1);
                }
                own_line = true;
                prev_blank = true;
            }
            match inside {
                Some(Inside::Block(end)) if ci < end => {
                    // The indentation before the line that ends the block is not content.
                    if !c.is_whitespace() {
                        own_line = false;
                        prev_blank = false;
                    }
                    continue;
                }
                Some(Inside::Block(_)) => inside = None,
                Some(Inside::Single | Inside::Double) => {
                    own_line = false;
                    prev_blank = false;
                }
                None => {}
            }
            match inside {
                Some(Inside::Single) => {
                    if c == '\'' {
                        // `''` is a quote inside the scalar.
                        if chars.peek().is_some_and(|(_, (_, n))| *n == '\'') {
                            chars.next();
                        } else {
                            inside = None;
                        }
                    }
                    continue;
                }
                Some(Inside::Double) => {
                    if c == '\\' {
                        chars.next();
                    } else if c == '"' {
                        inside = None;
                    }
                    continue;
                }
                _ => {}
            }
            while marks.peek().is_some_and(|m| m.start() < ci) {
                marks.next();
            }
            if let Some(m) = marks.next_if(|m| m.start() == ci) {
                inside = Some(match m {
                    TextMark::SingleQuoted(_) => Inside::Single,
                    TextMark::DoubleQuoted(_) => Inside::Double,
                    TextMark::Block(r) => Inside::Block(r.end),
                });
                prev_blank = false;
                own_line = false;
                continue;
            }
            match c {
                '\n' | '\r' => {}
                '#' if prev_blank => {
                    let rest = &source[bi..];
                    let end = rest.find(['\n', '\r']).unwrap_or(rest.len());
                    by_line.insert(
                        line,
                        Comment {
                            text: rest[..end].to_string(),
                            own_line,
                        },
                    );
                    // The comment runs to the end of the line.
                    while chars
                        .peek()
                        .is_some_and(|(_, (_, n))| *n != '\n' && *n != '\r')
                    {
                        chars.next();
                    }
                }
                ' ' | '\t' => prev_blank = true,
                _ => {
                    prev_blank = false;
                    own_line = false;
                }
            }
        }
        Comments { by_line }
    }

    fn on(&self, line: u32) -> Option<&Comment> {
        self.by_line.get(&line)
    }
}

pub(crate) fn collect(stack: &Stack<'_>, key: &Key, node: &Node) -> Vec<Suppression> {
    let mut out = Vec::new();
    if let Some(ignore) = node
        .get("Metadata")
        .and_then(|m| m.get("egressproof"))
        .and_then(|e| e.get("ignore"))
    {
        let entries: Vec<&Node> = match &ignore.kind {
            crate::tree::NodeKind::Seq(items) => items.iter().collect(),
            _ => vec![ignore],
        };
        for e in entries {
            // `- EP201` or `- { rule: EP201, reason: ... }`
            let (rule, reason) = match e.as_str() {
                Some(r) => (Some(r), None),
                None => (
                    e.get("rule").and_then(Node::as_str),
                    e.get("reason").and_then(Node::as_str),
                ),
            };
            if let Some(rule) = rule {
                out.push(Suppression {
                    rule: rule.trim().to_string(),
                    reason: reason
                        .map(str::trim)
                        .filter(|r| !r.is_empty())
                        .map(str::to_string),
                    span: stack.span(e),
                });
            }
        }
    }
    let comments = &stack.tpl.comments;
    if let Some(c) = comments.on(key.line) {
        parse_comment(&c.text, stack, key.line, &mut out);
    }
    let mut line = key.line;
    while line > 1 {
        line -= 1;
        match comments.on(line) {
            Some(c) if c.own_line => parse_comment(&c.text, stack, line, &mut out),
            _ => break,
        }
    }
    out
}

fn parse_comment(comment: &str, stack: &Stack<'_>, line: u32, out: &mut Vec<Suppression>) {
    out.extend(Suppression::from_comment(comment, stack.span_at(line, 1)));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comments(src: &str) -> Vec<(u32, String, bool)> {
        let mut scalars = Vec::new();
        crate::tree::parse_marking(src, &mut scalars).expect("parses");
        let c = Comments::scan(src, &scalars);
        let mut v: Vec<(u32, String, bool)> = c
            .by_line
            .into_iter()
            .map(|(l, c)| (l, c.text, c.own_line))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn comments_outside_scalars_only() {
        let src =
            "# top\na: \"x # no\" # yes\nb: 'y # no'\nc: |\n  # no\n  z # no\nd: e#f\n  # own\n";
        assert_eq!(
            comments(src),
            vec![
                (1, "# top".into(), true),
                (2, "# yes".into(), false),
                (8, "# own".into(), true),
            ]
        );
    }

    #[test]
    fn lines_count_like_yaml_with_crlf() {
        let src = "a: 1\r\n# c\r\nb: 2\r\n";
        assert_eq!(comments(src), vec![(2, "# c".into(), true)]);
    }

    #[test]
    fn multibyte_text_keeps_ranges_aligned() {
        let src = "a: \"é # no\"\nb: \"ü\" # yes\n";
        assert_eq!(comments(src), vec![(2, "# yes".into(), false)]);
    }
}
