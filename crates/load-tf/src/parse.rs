//! Reading one directory of `.tf` files into a module definition: its variables, locals,
//! resources, data sources, module calls and outputs, each with the file it came from.

use egressproof_fs::ReadScope;
use egressproof_model::{Diagnostic, Span, Suppression, UnknownCode};
use hcl_edit::expr::Expression;
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::visit::{self, Visit};
use indexmap::IndexMap;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Files larger than this are reported (EP901) instead of parsed: a bound on time and memory.
pub(crate) const MAX_FILE_BYTES: u64 = 50 * 1024 * 1024;

/// One parsed source file, kept for byte offset → line/column conversion and for the
/// suppression comments next to its blocks.
pub(crate) struct SourceFile {
    pub display: String,
    line_starts: Vec<usize>,
    pub text: String,
    /// Line comments (`#`, `//`) by 1-based line, found once per file.
    comments: HashMap<u32, Comment>,
}

/// One line comment: its text from the marker to the end of the line.
struct Comment {
    text: String,
    /// Nothing but blanks before the marker on its line.
    own_line: bool,
}

impl SourceFile {
    /// A file without comments (the caller adds them with the parsed body).
    pub(crate) fn new(display: String, text: String) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        SourceFile {
            display,
            line_starts,
            text,
            comments: HashMap::new(),
        }
    }

    /// A parsed file with its line comments.
    pub(crate) fn parsed(display: String, text: String, body: &Body) -> Self {
        let mut f = SourceFile::new(display, text);
        f.comments = line_comments(&f.text, body);
        f
    }

    pub(crate) fn span_at(&self, offset: usize) -> Span {
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        };
        let start = self.line_starts.get(line).copied().unwrap_or(0);
        let column = self
            .text
            .get(start..offset.min(self.text.len()))
            .map(|s| s.chars().count())
            .unwrap_or(0);
        Span::new(self.display.clone(), line as u32 + 1, column as u32 + 1)
    }

    /// `# egressproof:ignore EP201 reason` (or `//`) on the block's line or in the comment lines
    /// right above it. Only comments count: the same text inside a string is a string.
    pub(crate) fn suppressions(&self, line: u32) -> Vec<Suppression> {
        let mut out = Vec::new();
        if let Some(c) = self.comments.get(&line) {
            self.parse_suppression(&c.text, line, &mut out);
        }
        let mut l = line;
        while l > 1 {
            l -= 1;
            match self.comments.get(&l) {
                Some(c) if c.own_line => self.parse_suppression(&c.text, l, &mut out),
                _ => break,
            }
        }
        out
    }

    fn parse_suppression(&self, comment: &str, line: u32, out: &mut Vec<Suppression>) {
        out.extend(Suppression::from_comment(
            comment,
            Span::new(self.display.clone(), line, 1),
        ));
    }
}

/// Collects the byte ranges of every string, string template and heredoc of a body: the places
/// where `#` and `//` are text. Taken from the parser itself, so that the scan of comments can
/// never disagree with it about where a string (or a heredoc) ends.
#[derive(Default)]
struct Strings(Vec<std::ops::Range<usize>>);

impl Visit for Strings {
    fn visit_expr(&mut self, e: &Expression) {
        match e {
            Expression::String(_)
            | Expression::StringTemplate(_)
            | Expression::HeredocTemplate(_) => self.0.extend(hcl_edit::Span::span(e)),
            _ => visit::visit_expr(self, e),
        }
    }

    fn visit_string(&mut self, s: &hcl_edit::Decorated<String>) {
        self.0.extend(hcl_edit::Span::span(s));
    }
}

/// The line comments of an HCL file: `#` or `//` outside strings and `/* */` comments.
fn line_comments(text: &str, body: &Body) -> HashMap<u32, Comment> {
    let mut strings = Strings::default();
    strings.visit_body(body);
    let mut ranges = strings.0;
    ranges.sort_by_key(|r| r.start);
    let bytes = text.as_bytes();
    let mut out = HashMap::new();
    let mut ranges = ranges.into_iter().peekable();
    let (mut i, mut line, mut own_line) = (0usize, 1u32, true);
    while i < bytes.len() {
        while ranges.peek().is_some_and(|r| r.end <= i) {
            ranges.next();
        }
        if let Some(r) = ranges.peek().filter(|r| r.start <= i) {
            // Inside a string: count its lines, read nothing.
            let end = r.end.min(bytes.len());
            line = line.saturating_add(newlines(&bytes[i..end]));
            own_line = false;
            i = end;
            continue;
        }
        let rest = &bytes[i..];
        match bytes[i] {
            b'\n' => {
                line = line.saturating_add(1);
                own_line = true;
                i += 1;
            }
            b'#' | b'/' if rest.starts_with(b"#") || rest.starts_with(b"//") => {
                let len = rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len());
                let comment = String::from_utf8_lossy(&rest[..len]);
                out.insert(
                    line,
                    Comment {
                        text: comment.trim_end_matches('\r').to_string(),
                        own_line,
                    },
                );
                i += len;
            }
            b'/' if rest.starts_with(b"/*") => {
                let len = rest
                    .windows(2)
                    .skip(2)
                    .position(|w| w == b"*/")
                    .map_or(rest.len(), |p| p + 4);
                line = line.saturating_add(newlines(&rest[..len]));
                own_line = false;
                i += len;
            }
            b' ' | b'\t' | b'\r' => i += 1,
            _ => {
                own_line = false;
                i += 1;
            }
        }
    }
    out
}

fn newlines(bytes: &[u8]) -> u32 {
    u32::try_from(bytes.iter().filter(|b| **b == b'\n').count()).unwrap_or(u32::MAX)
}

pub(crate) struct VarDef {
    pub default: Option<Expression>,
    pub file: usize,
    pub span: Span,
}

/// A `resource`, `data` or `module` block. Its syntax tree is not kept here: hcl-edit's tree is
/// about 26 times the text, and evaluation is lazy (any block may read any other's arguments),
/// so keeping every tree would hold the whole configuration's trees until the last resource is
/// lowered. The evaluator parses the block again from these bytes of its file when it needs it,
/// through a bounded cache ([`crate::eval::Eval::block`]).
pub(crate) struct ResDef {
    pub file: usize,
    pub span: Span,
    /// The block's bytes in its file's text (from its type keyword to its closing brace).
    pub range: std::ops::Range<usize>,
    /// Whether it sets `count` / `for_each`: read for every reference to the block, so kept
    /// without its tree.
    pub has_count: bool,
    pub has_for_each: bool,
}

/// A block's syntax tree kept from the first parse, to be handed to the evaluator's cache:
/// (file, first byte of the block, tree).
pub(crate) type KeptTree = (usize, usize, Block);

/// A block's (type, name) borrowed, to look it up in [`ModuleDef::resources`] or
/// [`ModuleDef::data`] without building two strings: hashes as the owned pair does (a tuple
/// and a tuple struct both hash their fields in order).
#[derive(Hash)]
pub(crate) struct Pair<'a>(pub &'a str, pub &'a str);

impl indexmap::Equivalent<(String, String)> for Pair<'_> {
    fn equivalent(&self, key: &(String, String)) -> bool {
        self.0 == key.0 && self.1 == key.1
    }
}

pub(crate) struct ModuleDef {
    /// Unique in the process: names this definition's blocks in the evaluator's cache.
    pub uid: usize,
    pub dir: PathBuf,
    /// The directory as the user sees it (`infra`, `infra/../modules/net`).
    pub display: String,
    pub files: Vec<SourceFile>,
    pub variables: IndexMap<String, VarDef>,
    pub locals: IndexMap<String, (Expression, usize)>,
    pub resources: IndexMap<(String, String), ResDef>,
    pub data: IndexMap<(String, String), ResDef>,
    pub modules: IndexMap<String, ResDef>,
    pub outputs: IndexMap<String, (Expression, usize)>,
    pub diagnostics: Vec<Diagnostic>,
    /// Trees of the first parse kept while their text is under [`KEEP_TREES_BYTES`], so that a
    /// configuration of ordinary size is parsed once; taken by the evaluator.
    pub kept: Vec<KeptTree>,
}

impl ModuleDef {
    pub(crate) fn span(&self, file: usize, range: Option<std::ops::Range<usize>>) -> Option<Span> {
        let f = self.files.get(file)?;
        Some(match range {
            Some(r) => f.span_at(r.start),
            None => Span::new(f.display.clone(), 0, 0),
        })
    }
}

pub(crate) fn join_display(dir: &str, name: &str) -> String {
    if dir.is_empty() {
        name.to_string()
    } else if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// Lexically normalises `a/b/../c` to `a/c` (display paths only; no filesystem access).
pub(crate) fn normalize_display(path: &str) -> String {
    let mut out: Vec<&str> = Vec::new();
    let absolute = path.starts_with('/');
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                if matches!(out.last(), Some(l) if *l != "..") {
                    out.pop();
                } else if !absolute {
                    out.push("..");
                }
            }
            s => out.push(s),
        }
    }
    let joined = out.join("/");
    if absolute {
        format!("/{joined}")
    } else if joined.is_empty() {
        ".".to_string()
    } else {
        joined
    }
}

/// Reads a file with the size bound; `Err` carries the message for EP901.
pub(crate) fn read_bounded(path: &Path) -> Result<String, String> {
    let meta = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(format!("file is larger than {MAX_FILE_BYTES} bytes"));
    }
    std::fs::read_to_string(path).map_err(|e| e.to_string())
}

/// Source bytes whose syntax trees may be alive at a time: the trees of the first parse kept
/// for evaluation, and those the evaluator parses again ([`crate::eval::Eval::block`]). About
/// 100 MB of trees; a configuration under it is parsed once.
pub(crate) const PARSED_BYTES: usize = 4 << 20;

/// A process-wide number for each module definition (see [`ModuleDef::uid`]).
static NEXT_UID: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);

/// Parses every `.tf` file of `dir` (sorted, so that results do not depend on the filesystem).
/// Each is read through `read`: a `.tf` link that leads out of the scope is not read (EP901).
pub(crate) fn load_module(dir: &Path, display: &str, read: &ReadScope) -> ModuleDef {
    let mut def = ModuleDef {
        uid: NEXT_UID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        dir: dir.to_path_buf(),
        display: display.to_string(),
        files: Vec::new(),
        variables: IndexMap::new(),
        locals: IndexMap::new(),
        resources: IndexMap::new(),
        data: IndexMap::new(),
        modules: IndexMap::new(),
        outputs: IndexMap::new(),
        diagnostics: Vec::new(),
        kept: Vec::new(),
    };
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| e == "tf"))
            .collect(),
        Err(e) => {
            def.diagnostics.push(Diagnostic::new(
                UnknownCode::EP901,
                format!("cannot read directory: {e}"),
                Some(Span::new(display, 0, 0)),
            ));
            return def;
        }
    };
    paths.sort();
    // (name shown, text or why it was not read)
    let texts: Vec<(String, Result<String, String>)> = paths
        .par_iter()
        .map(|path| {
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            // Kept for the whole scan (blocks are parsed again from it): without the room
            // left by reading it, up to half as much again.
            let text = read
                .read_to_string(path, MAX_FILE_BYTES)
                .map(|mut t| {
                    t.shrink_to_fit();
                    t
                })
                .map_err(|e| e.to_string());
            (join_display(display, &name), text)
        })
        .collect();
    // The trees of the first files (in path order) are kept, up to PARSED_BYTES of text; the
    // others are dropped as soon as their file is parsed.
    let mut budget = PARSED_BYTES;
    let jobs: Vec<_> = texts
        .into_iter()
        .map(|(shown, text)| {
            let len = text.as_ref().map_or(usize::MAX, String::len);
            let keep = len <= budget;
            if keep {
                budget -= len;
            }
            (shown, text, keep)
        })
        .collect();
    // Files are parsed in parallel (the parse is most of the loading time), then added in path
    // order, so that the module is the same whatever the scheduling.
    let parsed: Vec<Parsed> = jobs
        .into_par_iter()
        .map(|(shown, text, keep)| match text {
            Ok(text) => parse_file(shown, text, keep),
            Err(e) => Parsed::Failed(Diagnostic::new(
                UnknownCode::EP901,
                format!("cannot read Terraform file: {e}"),
                Some(Span::new(shown, 0, 0)),
            )),
        })
        .collect();
    for p in parsed {
        insert_file(&mut def, p);
    }
    def
}

/// One file read and parsed, not yet part of its module.
pub(crate) enum Parsed {
    File(SourceFile, Vec<Decl>),
    /// Nothing but blanks and comments: declares nothing and is not counted as read.
    Empty,
    /// Not read or not parsed (EP901).
    Failed(Diagnostic),
}

/// One declaration of a file, in file order (its file's number is given when the file is added
/// to its module).
pub(crate) enum Decl {
    Variable(String, Option<Expression>, Span),
    Local(String, Expression),
    Output(String, Expression),
    /// `resource` (`data` false), `data` (true): type and name.
    Resource(bool, (String, String), ResDef, Option<Block>),
    Module(String, ResDef, Option<Block>),
}

/// Parses one file's text, finds its line comments and its declarations (no module state: runs
/// on any thread). The blocks' trees are returned only if `keep`.
pub(crate) fn parse_file(shown: String, text: String, keep: bool) -> Parsed {
    match hcl_edit::parser::parse_body(&text) {
        Ok(body) if body.is_empty() => Parsed::Empty,
        Ok(body) => {
            let source = SourceFile::parsed(shown, text, &body);
            let decls = collect(&source, body, keep);
            Parsed::File(source, decls)
        }
        Err(e) => {
            let loc = e.location();
            Parsed::Failed(Diagnostic::new(
                UnknownCode::EP901,
                format!("Terraform file does not parse: {}", e.message()),
                Some(Span::new(shown, loc.line() as u32, loc.column() as u32)),
            ))
        }
    }
}

/// Adds a parsed file to its module definition (a file that failed is its EP901).
pub(crate) fn insert_file(def: &mut ModuleDef, parsed: Parsed) {
    match parsed {
        Parsed::File(source, decls) => {
            let file = def.files.len();
            def.files.push(source);
            for d in decls {
                insert_decl(def, file, d);
            }
        }
        Parsed::Empty => {}
        Parsed::Failed(d) => def.diagnostics.push(d),
    }
}

fn insert_decl(def: &mut ModuleDef, file: usize, decl: Decl) {
    let mut keep = |rd: &ResDef, tree: Option<Block>| {
        if let Some(tree) = tree {
            def.kept.push((file, rd.range.start, tree));
        }
    };
    match decl {
        Decl::Variable(name, default, span) => {
            def.variables.insert(
                name,
                VarDef {
                    default,
                    file,
                    span,
                },
            );
        }
        Decl::Local(name, e) => {
            def.locals.insert(name, (e, file));
        }
        Decl::Output(name, e) => {
            def.outputs.insert(name, (e, file));
        }
        Decl::Resource(data, key, mut rd, tree) => {
            rd.file = file;
            keep(&rd, tree);
            if data {
                def.data.insert(key, rd);
            } else {
                def.resources.insert(key, rd);
            }
        }
        Decl::Module(name, mut rd, tree) => {
            rd.file = file;
            keep(&rd, tree);
            def.modules.insert(name, rd);
        }
    }
}

/// Adds one file's text to a module definition (parse errors become EP901). A file with no
/// content (empty, blanks or comments only) declares nothing and is not counted as read, as in
/// every other format.
pub(crate) fn add_file(def: &mut ModuleDef, shown: String, text: String) {
    insert_file(def, parse_file(shown, text, true));
}

fn label(block: &Block, i: usize) -> Option<String> {
    block.labels.get(i).map(|l| l.as_str().to_string())
}

/// Where a block starts (as [`ModuleDef::span`] gives it).
fn block_span(source: &SourceFile, range: Option<std::ops::Range<usize>>) -> Span {
    match range {
        Some(r) => source.span_at(r.start),
        None => Span::new(source.display.clone(), 0, 0),
    }
}

/// A block's place and shape, without its tree.
fn res_def(source: &SourceFile, block: &Block) -> ResDef {
    let range = hcl_edit::Span::span(block);
    ResDef {
        file: 0,
        span: block_span(source, range.clone()),
        range: range.unwrap_or(0..0),
        has_count: block.body.has_attribute("count"),
        has_for_each: block.body.has_attribute("for_each"),
    }
}

fn collect(source: &SourceFile, body: Body, keep: bool) -> Vec<Decl> {
    let mut out = Vec::new();
    let tree = |block: Block| keep.then_some(block);
    for structure in body.into_iter() {
        let Structure::Block(block) = structure else {
            continue;
        };
        match block.ident.value().as_str() {
            "variable" => {
                if let Some(name) = label(&block, 0) {
                    let default = block.body.get_attribute("default").map(|a| a.value.clone());
                    let span = block_span(source, hcl_edit::Span::span(&block));
                    out.push(Decl::Variable(name, default, span));
                }
            }
            "locals" => {
                for s in block.body.into_iter() {
                    if let Structure::Attribute(a) = s {
                        out.push(Decl::Local(a.key.value().to_string(), a.value));
                    }
                }
            }
            "output" => {
                if let Some(name) = label(&block, 0) {
                    if let Some(v) = block.body.get_attribute("value") {
                        out.push(Decl::Output(name, v.value.clone()));
                    }
                }
            }
            "resource" | "data" => {
                let data = block.ident.value().as_str() == "data";
                if let (Some(t), Some(n)) = (label(&block, 0), label(&block, 1)) {
                    let rd = res_def(source, &block);
                    out.push(Decl::Resource(data, (t, n), rd, tree(block)));
                }
            }
            "module" => {
                if let Some(name) = label(&block, 0) {
                    let rd = res_def(source, &block);
                    out.push(Decl::Module(name, rd, tree(block)));
                }
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_borrowed_pair_finds_its_block() {
        let mut m: IndexMap<(String, String), u8> = IndexMap::new();
        m.insert(("aws_vpc".into(), "v".into()), 1);
        m.insert(("aws_vp".into(), "cv".into()), 2);
        assert_eq!(m.get(&Pair("aws_vpc", "v")), Some(&1));
        assert_eq!(m.get(&Pair("aws_vp", "cv")), Some(&2));
        assert_eq!(m.get(&Pair("aws_vpcv", "")), None);
    }

    #[test]
    fn normalizes_display_paths() {
        assert_eq!(normalize_display("infra/../modules/net"), "modules/net");
        assert_eq!(normalize_display("./a/./b"), "a/b");
        assert_eq!(normalize_display("../x"), "../x");
    }

    #[test]
    fn suppressions_above_and_on_the_line() {
        let text = "# egressproof:ignore EP201 shared egress by design\n// egressproof:ignore EP203\nresource \"aws_route\" \"r\" { # egressproof:ignore EP204 filtered\n}\n";
        let body = hcl_edit::parser::parse_body(text).expect("parses");
        let f = SourceFile::parsed("m.tf".into(), text.into(), &body);
        let s = f.suppressions(3);
        let rules: Vec<_> = s
            .iter()
            .map(|s| (s.rule.as_str(), s.reason.as_deref()))
            .collect();
        assert_eq!(
            rules,
            vec![
                ("EP204", Some("filtered")),
                ("EP203", None),
                ("EP201", Some("shared egress by design"))
            ]
        );
    }

    #[test]
    fn line_and_column_from_offsets() {
        let f = SourceFile::new("a.tf".into(), "x = 1\n  y = 2\n".into());
        assert_eq!(f.span_at(8), Span::new("a.tf", 2, 3));
    }
}
