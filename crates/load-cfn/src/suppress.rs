//! Inline suppressions: `Metadata: { egressproof: { ignore: [...] } }` on a resource, and
//! `# egressproof:ignore EP201 reason` comments on the line of the resource's logical ID or on
//! the comment lines directly above it. Comments are not part of the YAML tree, so they are read
//! from the source lines around the resource.

use crate::resolve::Stack;
use crate::tree::{Key, Node};
use egressproof_model::Suppression;

const MARKER: &str = "egressproof:ignore";

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
    let tpl = &stack.tpl;
    if let Some(text) = tpl.line(key.line) {
        if let Some(i) = text.find('#') {
            parse_comment(&text[i..], stack, key.line, &mut out);
        }
    }
    let mut line = key.line;
    while line > 1 {
        line -= 1;
        let Some(text) = tpl.line(line) else { break };
        let t = text.trim_start();
        if !t.starts_with('#') {
            break;
        }
        parse_comment(t, stack, line, &mut out);
    }
    out
}

fn parse_comment(comment: &str, stack: &Stack<'_>, line: u32, out: &mut Vec<Suppression>) {
    let Some(i) = comment.find(MARKER) else {
        return;
    };
    let rest = comment[i + MARKER.len()..].trim();
    let (rules, reason) = match rest.split_once(char::is_whitespace) {
        Some((r, reason)) => (r, Some(reason.trim())),
        None => (rest, None),
    };
    for rule in rules.split(',').map(str::trim).filter(|r| !r.is_empty()) {
        out.push(Suppression {
            rule: rule.to_string(),
            reason: reason.filter(|r| !r.is_empty()).map(str::to_string),
            span: stack.span_at(line, 1),
        });
    }
}
