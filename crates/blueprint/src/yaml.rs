//! A small YAML writer for CloudFormation: block style, two-space indent, short-form intrinsic
//! tags, and comments for the humans who will own the template. We write YAML ourselves because
//! no maintained Rust YAML emitter keeps comments and `!Ref` tags.

/// A YAML node.
#[derive(Clone, Debug, PartialEq)]
pub enum Y {
    /// A string scalar, quoted when plain style would change its meaning.
    Str(String),
    /// Written verbatim: numbers, booleans, `!Ref X`, `!Select [0, !GetAZs '']`.
    Raw(String),
    Seq(Vec<Y>),
    Map(Vec<(String, Y)>),
    /// A literal block scalar (`|`), optionally tagged (`!Sub |`).
    Block(Option<&'static str>, String),
    /// A comment line, only meaningful as a map entry value (its key is ignored).
    Comment(String),
}

/// A map entry that is a comment line above the next key.
pub fn comment(text: &str) -> (String, Y) {
    (String::new(), Y::Comment(text.to_string()))
}

pub fn raw(v: impl Into<String>) -> Y {
    Y::Raw(v.into())
}

pub fn st(v: impl Into<String>) -> Y {
    Y::Str(v.into())
}

pub fn r#ref(logical: &str) -> Y {
    Y::Raw(format!("!Ref {logical}"))
}

pub fn getatt(logical: &str, attr: &str) -> Y {
    Y::Raw(format!("!GetAtt {logical}.{attr}"))
}

pub fn m(entries: Vec<(&str, Y)>) -> Y {
    Y::Map(
        entries
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect(),
    )
}

/// A string as a YAML scalar: plain when that is unambiguous, else single-quoted.
pub fn quote(s: &str) -> String {
    let reserved = [
        "true", "false", "yes", "no", "on", "off", "null", "y", "n", "~",
    ];
    let plain = !s.is_empty()
        && s.starts_with(|c: char| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._/-:*${}".contains(c))
        && !s.contains(": ")
        && !s.ends_with(':')
        && !reserved.contains(&s.to_ascii_lowercase().as_str());
    if plain {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "''"))
    }
}

fn is_inline(y: &Y) -> bool {
    match y {
        Y::Str(_) | Y::Raw(_) => true,
        Y::Seq(items) => items.is_empty(),
        Y::Map(entries) => entries.is_empty(),
        Y::Block(..) | Y::Comment(_) => false,
    }
}

fn inline(y: &Y) -> String {
    match y {
        Y::Str(s) => quote(s),
        Y::Raw(r) => r.clone(),
        Y::Seq(_) => "[]".into(),
        Y::Map(_) => "{}".into(),
        Y::Block(..) | Y::Comment(_) => String::new(),
    }
}

/// Writes `y` as the body of a document or of a key at `indent`.
pub fn emit(y: &Y, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match y {
        Y::Map(entries) => {
            for (k, v) in entries {
                emit_entry(k, v, indent, out);
            }
        }
        Y::Seq(items) => {
            for item in items {
                match item {
                    Y::Map(entries) if !entries.is_empty() => {
                        // first entry on the dash line, the rest aligned under it
                        let mut first = true;
                        for (k, v) in entries {
                            if first && !matches!(v, Y::Comment(_)) {
                                out.push_str(&pad);
                                out.push_str("- ");
                                let mut line = String::new();
                                emit_entry(k, v, indent + 2, &mut line);
                                out.push_str(line.trim_start());
                                first = false;
                            } else {
                                emit_entry(k, v, indent + 2, out);
                            }
                        }
                    }
                    other if is_inline(other) => {
                        out.push_str(&format!("{pad}- {}\n", inline(other)));
                    }
                    other => {
                        out.push_str(&format!("{pad}-\n"));
                        emit(other, indent + 2, out);
                    }
                }
            }
        }
        other => {
            out.push_str(&pad);
            out.push_str(&inline(other));
            out.push('\n');
        }
    }
}

fn emit_entry(k: &str, v: &Y, indent: usize, out: &mut String) {
    let pad = " ".repeat(indent);
    match v {
        Y::Comment(text) => {
            // a leading newline asks for a blank line first (between resources)
            let text = match text.strip_prefix('\n') {
                Some(rest) => {
                    out.push('\n');
                    rest
                }
                None => text.as_str(),
            };
            for line in text.lines() {
                if line.is_empty() {
                    out.push_str(&format!("{pad}#\n"));
                } else {
                    out.push_str(&format!("{pad}# {line}\n"));
                }
            }
        }
        Y::Block(tag, text) => {
            let tag = tag.map(|t| format!("{t} ")).unwrap_or_default();
            out.push_str(&format!("{pad}{}: {tag}|\n", quote(k)));
            let inner = " ".repeat(indent + 2);
            for line in text.lines() {
                if line.is_empty() {
                    out.push('\n');
                } else {
                    out.push_str(&format!("{inner}{line}\n"));
                }
            }
        }
        v if is_inline(v) => out.push_str(&format!("{pad}{}: {}\n", quote(k), inline(v))),
        Y::Seq(_) => {
            out.push_str(&format!("{pad}{}:\n", quote(k)));
            emit(v, indent + 2, out);
        }
        _ => {
            out.push_str(&format!("{pad}{}:\n", quote(k)));
            emit(v, indent + 2, out);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_only_when_needed() {
        assert_eq!(quote("VpcOnly"), "VpcOnly");
        assert_eq!(quote("aws:SourceVpce"), "aws:SourceVpce");
        assert_eq!(quote("true"), "'true'");
        assert_eq!(quote("*"), "'*'");
        assert_eq!(quote("10.0.0.0/16"), "'10.0.0.0/16'");
        assert_eq!(quote("it's"), "'it''s'");
        assert_eq!(quote("a: b"), "'a: b'");
    }

    #[test]
    fn writes_block_style_with_comments() {
        let y = m(vec![
            (
                "Statement",
                Y::Seq(vec![m(vec![
                    ("Effect", st("Allow")),
                    ("Action", Y::Seq(vec![st("s3:GetObject")])),
                ])]),
            ),
            ("", Y::Comment("why".into())),
            ("Empty", Y::Seq(vec![])),
        ]);
        let mut out = String::new();
        emit(&y, 0, &mut out);
        assert_eq!(
            out,
            "Statement:\n  - Effect: Allow\n    Action:\n      - s3:GetObject\n# why\nEmpty: []\n"
        );
    }
}
