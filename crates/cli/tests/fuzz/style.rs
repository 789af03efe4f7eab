//! How a generated document is written: a seeded choice of YAML styles (block or flow, quoting,
//! short or long intrinsic forms, anchors, aliases, merge keys, comments) and of JSON layout.
//!
//! The choices come from a seed that proptest generates and shrinks like any other value: seed
//! 0 is the plainest rendering (block style, no anchors, long forms), so a shrunk failure shows
//! whether the style matters.

/// splitmix64: small, seedable, good enough to pick styles.
pub struct Rng {
    state: u64,
    plain: bool,
}

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng {
            state: seed,
            plain: seed == 0,
        }
    }

    pub fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// True with probability `per_mille`/1000; never for the plain seed.
    pub fn chance(&mut self, per_mille: u64) -> bool {
        !self.plain && self.next() % 1000 < per_mille
    }

    pub fn below(&mut self, n: usize) -> usize {
        if self.plain || n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// A YAML node before styling.
#[derive(Clone, Debug, PartialEq)]
pub enum Y {
    /// A scalar written exactly as given (numbers, booleans, null).
    Plain(String),
    /// A string: the writer picks plain, single- or double-quoted, or a block literal.
    Str(String),
    Seq(Vec<Y>),
    Map(Vec<Entry>),
    /// A local tag (`!Ref`) on a node.
    Tag(String, Box<Y>),
    /// An explicit anchor on a node, and an alias to it (alias expansion limits).
    Anchor(String, Box<Y>),
    Alias(String),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Entry {
    pub key: String,
    pub value: Y,
    /// Own-line comment written above the entry (block style only).
    pub comment: Option<String>,
}

impl Entry {
    pub fn new(key: impl Into<String>, value: Y) -> Self {
        Entry {
            key: key.into(),
            value,
            comment: None,
        }
    }
}

/// Writes YAML text with seeded styles.
pub struct Yaml<'r> {
    rng: &'r mut Rng,
    out: String,
    /// Anchors of finished nodes, which aliases may name.
    done: Vec<String>,
    /// Anchors of the nodes being written (an alias to one of them makes a cycle).
    open: Vec<String>,
    next: usize,
}

impl<'r> Yaml<'r> {
    pub fn write(root: &Y, rng: &'r mut Rng) -> String {
        let mut w = Yaml {
            rng,
            out: String::new(),
            done: Vec::new(),
            open: Vec::new(),
            next: 0,
        };
        if w.rng.chance(150) {
            w.out.push_str("---\n");
        }
        match root {
            Y::Map(entries) if !entries.is_empty() && !w.rng.chance(30) => {
                w.block_map(entries, 0, 0);
            }
            other => {
                w.node(other, 0, false, 0);
                w.out.push('\n');
            }
        }
        if w.rng.chance(50) {
            w.out.push_str("...\n");
        }
        w.out
    }

    /// Writes a node after `key:` or `-` (the leading blank included). `depth`: levels below
    /// the root, to keep aliases away from the template's own sections.
    fn node(&mut self, y: &Y, indent: usize, flow: bool, depth: usize) {
        if depth >= 3 && !self.done.is_empty() && self.rng.chance(25) {
            let i = self.rng.below(self.done.len());
            self.out.push_str(&format!(" *{}", self.done[i]));
            return;
        }
        if depth >= 3 && !self.open.is_empty() && self.rng.chance(3) {
            let i = self.rng.below(self.open.len());
            self.out.push_str(&format!(" *{}", self.open[i]));
            return;
        }
        let mut props = String::new();
        let anchor = (depth >= 2 && self.rng.chance(50)).then(|| {
            self.next += 1;
            format!("a{}", self.next)
        });
        if let Some(a) = &anchor {
            props.push_str(&format!(" &{a}"));
            self.open.push(a.clone());
        }
        let mut y = y;
        loop {
            y = match y {
                Y::Tag(tag, inner) => {
                    props.push_str(&format!(" {tag}"));
                    inner
                }
                Y::Anchor(name, inner) => {
                    props.push_str(&format!(" &{name}"));
                    inner
                }
                _ => break,
            };
        }
        self.out.push_str(&props);
        match y {
            Y::Plain(s) => self.out.push_str(&format!(" {s}")),
            Y::Alias(name) => self.out.push_str(&format!(" *{name}")),
            Y::Str(s) => {
                let text = self.scalar(s, flow, indent);
                self.out.push(' ');
                self.out.push_str(&text);
            }
            Y::Seq(items) if flow || items.is_empty() || self.rng.chance(150) => {
                self.out.push_str(" [");
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    self.node(item, indent, true, depth + 1);
                }
                self.out.push_str(" ]");
            }
            Y::Map(entries) if flow || entries.is_empty() || self.rng.chance(150) => {
                self.out.push_str(" {");
                for (i, e) in entries.iter().enumerate() {
                    if i > 0 {
                        self.out.push(',');
                    }
                    let key = self.scalar(&e.key, true, indent);
                    self.out.push_str(&format!(" {key}:"));
                    self.node(&e.value, indent, true, depth + 1);
                }
                self.out.push_str(" }");
            }
            Y::Seq(items) => {
                self.out.push('\n');
                for item in items {
                    self.out.push_str(&" ".repeat(indent));
                    self.out.push('-');
                    self.node(item, indent + 2, false, depth + 1);
                    if !self.out.ends_with('\n') {
                        self.out.push('\n');
                    }
                }
            }
            Y::Map(entries) => {
                self.out.push('\n');
                self.block_map(entries, indent, depth);
            }
            Y::Tag(..) | Y::Anchor(..) => unreachable!("properties are peeled above"),
        }
        if let Some(a) = anchor {
            self.open.retain(|o| *o != a);
            self.done.push(a);
        }
    }

    fn block_map(&mut self, entries: &[Entry], indent: usize, depth: usize) {
        let pad = " ".repeat(indent);
        for e in entries {
            if let Some(c) = &e.comment {
                self.out.push_str(&format!("{pad}# {c}\n"));
            }
            if depth >= 2 && !self.done.is_empty() && self.rng.chance(10) {
                let i = self.rng.below(self.done.len());
                self.out.push_str(&format!("{pad}<<: *{}\n", self.done[i]));
            }
            let key = self.scalar(&e.key, false, indent);
            self.out.push_str(&format!("{pad}{key}:"));
            self.node(&e.value, indent + 2, false, depth + 1);
            if self.rng.chance(10) {
                self.out.push_str(" # egressproof:ignore EP101 trailing");
            }
            if !self.out.ends_with('\n') {
                self.out.push('\n');
            }
        }
    }

    /// A string scalar in a style that reads back as the same string (or, rarely on purpose, a
    /// plain scalar that does not: YAML's `yes`, `1e3`).
    fn scalar(&mut self, s: &str, flow: bool, indent: usize) -> String {
        let plain_ok = !s.is_empty()
            && s.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_./-:$@".contains(c))
            && !s.starts_with(['-', ':', '@'])
            && !s.contains(": ")
            && !s.ends_with(':')
            && !looks_typed(s);
        let ambiguous = looks_typed(s) && self.rng.chance(20);
        if (plain_ok && !self.rng.chance(200)) || ambiguous {
            return s.to_string();
        }
        let literal_ok = !flow
            && s.contains('\n')
            && !s.starts_with([' ', '\t', '\n'])
            && !s.contains('\r')
            && !s.contains('\t')
            && s.chars().all(|c| !c.is_control() || c == '\n')
            && !s.ends_with("\n\n");
        if literal_ok && !self.rng.chance(200) {
            let pad = " ".repeat(indent.max(1));
            let header = if s.ends_with('\n') { "|" } else { "|-" };
            let body: Vec<String> = s
                .trim_end_matches('\n')
                .split('\n')
                .map(|l| {
                    if l.is_empty() {
                        String::new()
                    } else {
                        format!("{pad}{l}")
                    }
                })
                .collect();
            return format!("{header}\n{}", body.join("\n"));
        }
        if !s.chars().any(char::is_control) && !self.rng.chance(300) {
            return format!("'{}'", s.replace('\'', "''"));
        }
        let mut out = String::from("\"");
        for c in s.chars() {
            match c {
                '"' => out.push_str("\\\""),
                '\\' => out.push_str("\\\\"),
                '\n' => out.push_str("\\n"),
                '\t' => out.push_str("\\t"),
                c if c.is_control() => out.push_str(&format!("\\u{:04x}", u32::from(c))),
                c => out.push(c),
            }
        }
        out.push('"');
        out
    }
}

/// A plain scalar YAML would read as something other than a string.
fn looks_typed(s: &str) -> bool {
    matches!(
        s.to_ascii_lowercase().as_str(),
        "true" | "false" | "null" | "~" | "yes" | "no" | "on" | "off" | "y" | "n"
    ) || s.parse::<f64>().is_ok()
        || s.starts_with("0x")
        || s.starts_with("0o")
}

/// JSON text of a value: compact (one line, as minifiers write it) or pretty.
pub fn json(value: &serde_json::Value, rng: &mut Rng) -> String {
    if rng.chance(400) {
        value.to_string()
    } else {
        serde_json::to_string_pretty(value).unwrap_or_else(|_| value.to_string())
    }
}
