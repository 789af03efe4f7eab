//! The little Markdown that messages and fixes hold, as HTML: ```` ``` ```` fences become
//! `<pre><code>`, `` `inline code` `` becomes `<code>`, a blank line starts a new paragraph and a
//! single newline is a space (rule texts are wrapped at 100 columns). Nothing else is read as
//! markup: every character of the input is escaped, so a message can never become an element.

use crate::escape_text;

/// A text as paragraphs and code blocks.
pub(super) fn rich(text: &str) -> String {
    let mut out = String::new();
    let mut paragraph: Vec<&str> = Vec::new();
    let mut fence: Option<Vec<&str>> = None;
    for line in text.lines() {
        let is_fence = line.trim_start().starts_with("```");
        match (&mut fence, is_fence) {
            (Some(block), false) => block.push(line),
            (Some(block), true) => {
                code_block(&mut out, block);
                fence = None;
            }
            (None, true) => {
                flush(&mut out, &mut paragraph);
                fence = Some(Vec::new());
            }
            (None, false) if line.trim().is_empty() => flush(&mut out, &mut paragraph),
            (None, false) => paragraph.push(line.trim()),
        }
    }
    // An unclosed fence is still code: the text ends inside it.
    if let Some(block) = &fence {
        code_block(&mut out, block);
    }
    flush(&mut out, &mut paragraph);
    out
}

fn flush(out: &mut String, paragraph: &mut Vec<&str>) {
    if !paragraph.is_empty() {
        out.push_str("<p>");
        out.push_str(&inline(&paragraph.join(" ")));
        out.push_str("</p>");
        paragraph.clear();
    }
}

fn code_block(out: &mut String, lines: &[&str]) {
    out.push_str("<pre><code>");
    out.push_str(&escape_text(&lines.join("\n")));
    out.push_str("</code></pre>");
}

/// One line of text with its `` `code` `` spans; a backtick without its pair stays a backtick.
pub(super) fn inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('`') else {
            break;
        };
        out.push_str(&escape_text(&rest[..open]));
        out.push_str("<code>");
        out.push_str(&escape_text(&after[..close]));
        out.push_str("</code>");
        rest = &after[close + 1..];
    }
    out.push_str(&escape_text(rest));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fences_inline_code_and_paragraphs() {
        let text = "Set `EnableNetworkIsolation: true`\nwherever you can.\n\n```yaml\nKey: <v>\n  x: 1\n```\nThen `a<b`.";
        assert_eq!(
            rich(text),
            "<p>Set <code>EnableNetworkIsolation: true</code> wherever you can.</p>\
             <pre><code>Key: &lt;v&gt;\n  x: 1</code></pre><p>Then <code>a&lt;b</code>.</p>"
        );
    }

    #[test]
    fn unpaired_backticks_and_unclosed_fences_stay_text() {
        assert_eq!(inline("a ` b <i>"), "a ` b &lt;i&gt;");
        assert_eq!(
            rich("x\n```\n<script>"),
            "<p>x</p><pre><code>&lt;script&gt;</code></pre>"
        );
    }
}
