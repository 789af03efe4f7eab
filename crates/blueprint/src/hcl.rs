//! A tiny HCL writer that lays files out the way `terraform fmt` does: two-space indent, and the
//! `=` of consecutive single-line attributes aligned. (`terraform fmt` aligns a run of lines that
//! each hold a complete `key = value`; a blank line, a comment, a nested block or a value that
//! opens a bracket on one line and closes it on another ends the run.) Terraform itself cannot be
//! installed here, so the writer is the only place that knows these rules.

/// An HCL expression.
#[derive(Clone, Debug, PartialEq)]
pub enum H {
    /// Written verbatim: references, numbers, booleans, function calls, template strings.
    Raw(String),
    /// A literal string, quoted and escaped.
    Str(String),
    List(Vec<H>),
    /// An object constructor (`{ key = value }`), one element per line.
    Obj(Vec<(String, H)>),
    /// `name(arg)` around a multi-line argument: `jsonencode({ ... })`.
    Call(&'static str, Box<H>),
}

/// An item of a body.
#[derive(Clone, Debug, PartialEq)]
pub enum Item {
    Attr(String, H),
    Block(String, Vec<String>, Vec<Item>),
    Comment(String),
    Blank,
}

pub fn attr(k: &str, v: H) -> Item {
    Item::Attr(k.to_string(), v)
}

pub fn raw(v: impl Into<String>) -> H {
    H::Raw(v.into())
}

pub fn st(v: impl Into<String>) -> H {
    H::Str(v.into())
}

pub fn block(kind: &str, labels: &[&str], body: Vec<Item>) -> Item {
    Item::Block(
        kind.to_string(),
        labels.iter().map(|l| l.to_string()).collect(),
        body,
    )
}

pub fn comment(text: &str) -> Item {
    Item::Comment(text.to_string())
}

/// Escapes a literal for a quoted HCL string (template sequences included).
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '$' if chars.peek() == Some(&'{') => out.push_str("$$"),
            '%' if chars.peek() == Some(&'{') => out.push_str("%%"),
            c => out.push(c),
        }
    }
    out
}

fn key(k: &str) -> String {
    let ident = k.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && k.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if ident {
        k.to_string()
    } else {
        format!("\"{}\"", escape(k))
    }
}

/// Renders an expression whose first line starts at `indent`; `None` when it fits on one line.
fn single_line(h: &H) -> Option<String> {
    match h {
        H::Raw(r) => Some(r.clone()),
        H::Str(s) => Some(format!("\"{}\"", escape(s))),
        H::List(items) => {
            if items.is_empty() {
                return Some("[]".into());
            }
            let parts: Option<Vec<String>> = items
                .iter()
                .map(|i| match i {
                    H::Raw(_) | H::Str(_) => single_line(i),
                    _ => None,
                })
                .collect();
            let line = format!("[{}]", parts?.join(", "));
            (line.len() <= 80).then_some(line)
        }
        H::Obj(entries) if entries.is_empty() => Some("{}".into()),
        H::Obj(_) | H::Call(..) => None,
    }
}

/// Writes a multi-line expression: the opening is on the current line, the rest indented.
fn multi_line(h: &H, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match h {
        H::List(items) => {
            out.push_str("[\n");
            for item in items {
                out.push_str(&" ".repeat(indent + 2));
                match single_line(item) {
                    Some(line) => out.push_str(&line),
                    None => multi_line(item, indent + 2, out),
                }
                out.push_str(",\n");
            }
            out.push_str(&pad);
            out.push(']');
        }
        H::Obj(entries) => {
            out.push_str("{\n");
            let items: Vec<Item> = entries
                .iter()
                .map(|(k, v)| Item::Attr(k.clone(), v.clone()))
                .collect();
            write_items(&items, indent + 2, out);
            out.push_str(&pad);
            out.push('}');
        }
        H::Call(name, arg) => {
            out.push_str(name);
            out.push('(');
            match single_line(arg) {
                Some(line) => out.push_str(&line),
                None => multi_line(arg, indent, out),
            }
            out.push(')');
        }
        other => out.push_str(&single_line(other).unwrap_or_default()),
    }
}

fn write_items(items: &[Item], indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    let mut i = 0;
    while i < items.len() {
        match &items[i] {
            Item::Attr(..) => {
                // the run of consecutive single-line attributes starting here
                let mut run: Vec<(String, String)> = Vec::new();
                let mut j = i;
                while let Some(Item::Attr(k, v)) = items.get(j) {
                    match single_line(v) {
                        Some(line) => run.push((key(k), line)),
                        None => break,
                    }
                    j += 1;
                }
                if run.is_empty() {
                    // a multi-line value: alone, unaligned
                    if let Item::Attr(k, v) = &items[i] {
                        out.push_str(&format!("{pad}{} = ", key(k)));
                        multi_line(v, indent, out);
                        out.push('\n');
                    }
                    i += 1;
                } else {
                    let width = run.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
                    for (k, v) in &run {
                        out.push_str(&format!("{pad}{k:<width$} = {v}\n"));
                    }
                    i = j;
                }
            }
            Item::Block(kind, labels, body) => {
                out.push_str(&pad);
                out.push_str(kind);
                for l in labels {
                    out.push_str(&format!(" \"{}\"", escape(l)));
                }
                if body.is_empty() {
                    out.push_str(" {}\n");
                } else {
                    out.push_str(" {\n");
                    write_items(body, indent + 2, out);
                    out.push_str(&pad);
                    out.push_str("}\n");
                }
                i += 1;
            }
            Item::Comment(text) => {
                for line in text.lines() {
                    if line.is_empty() {
                        out.push_str(&format!("{pad}#\n"));
                    } else {
                        out.push_str(&format!("{pad}# {line}\n"));
                    }
                }
                i += 1;
            }
            Item::Blank => {
                out.push('\n');
                i += 1;
            }
        }
    }
}

/// A whole file: top-level items separated as given.
pub fn file(items: &[Item]) -> String {
    let mut out = String::new();
    write_items(items, 0, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_runs_like_terraform_fmt() {
        let text = file(&[block(
            "resource",
            &["aws_vpc", "main"],
            vec![
                attr("cidr_block", st("10.0.0.0/16")),
                attr("enable_dns_hostnames", raw("true")),
                attr("tags", H::Obj(vec![("Name".into(), st("x"))])),
                attr("id", raw("1")),
            ],
        )]);
        assert_eq!(
            text,
            "resource \"aws_vpc\" \"main\" {\n  cidr_block           = \"10.0.0.0/16\"\n  enable_dns_hostnames = true\n  tags = {\n    Name = \"x\"\n  }\n  id = 1\n}\n"
        );
    }

    #[test]
    fn blocks_and_comments_break_runs() {
        let text = file(&[block(
            "b",
            &[],
            vec![
                attr("a", raw("1")),
                comment("c"),
                attr("long_name", raw("2")),
                block("inner", &[], vec![attr("x", raw("3"))]),
                attr("y", raw("4")),
            ],
        )]);
        assert_eq!(
            text,
            "b {\n  a = 1\n  # c\n  long_name = 2\n  inner {\n    x = 3\n  }\n  y = 4\n}\n"
        );
    }

    #[test]
    fn escapes_template_sequences_and_quotes_keys() {
        assert_eq!(escape("a${b}\"%{c}"), "a$${b}\\\"%%{c}");
        let text = file(&[attr(
            "policy",
            H::Call(
                "jsonencode",
                Box::new(H::Obj(vec![(
                    "aws:SourceVpce".into(),
                    H::List(vec![st("a"), st("b")]),
                )])),
            ),
        )]);
        assert_eq!(
            text,
            "policy = jsonencode({\n  \"aws:SourceVpce\" = [\"a\", \"b\"]\n})\n"
        );
    }
}
