//! Byte-level mutation of the repository's inputs: the rule fixtures (both formats), the
//! Terraform loader's fixtures and mutation table, the bundled examples, and the templates,
//! configurations and plans written inline in the loaders' tests. Each case is one seed file
//! with a few edits (bit flips, inserted tokens or bytes, deleted, duplicated or truncated
//! ranges, splices from another seed), generated and shrunk by proptest from a fixed seed, so
//! a run is reproducible and a failure comes with its smallest edit list.

use crate::cfn;
use crate::harness::{Case, CaseFile};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::{select, Index};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Tokens worth inserting: the syntax of every format, and values the semantics care about.
const TOKENS: &[&str] = &[
    "\n",
    " ",
    "  ",
    "\t",
    "\r\n",
    ":",
    ": ",
    "- ",
    "-",
    "#",
    "# egressproof:ignore EP101 x\n",
    "// egressproof:ignore EP201\n",
    "/*",
    "*/",
    "{",
    "}",
    "[",
    "]",
    "(",
    ")",
    ",",
    "\"",
    "'",
    "\\",
    "${",
    "%{",
    "}}",
    "$${",
    "<<EOT\n",
    "\nEOT\n",
    "<<-EOT\n",
    "!Ref ",
    "!GetAtt ",
    "!Sub ",
    "!If ",
    "!ImportValue ",
    "&a ",
    "*a",
    "<<: *a\n",
    "---\n",
    "...\n",
    "|\n",
    ">-\n",
    "? ",
    "~",
    "null",
    "true",
    "false",
    "0",
    "-1",
    "1e30",
    "1e309",
    "99999999999999999999",
    "0x",
    "NaN",
    "count = ",
    "for_each = ",
    "count.index",
    "each.value",
    "var.",
    "local.",
    "module.",
    "dynamic \"egress\" {",
    "content {",
    "for x in ",
    " if ",
    " ? ",
    " : ",
    "...",
    "[*]",
    ".*",
    "Fn::",
    "Ref",
    "Condition",
    "Type",
    "Properties",
    "Resources",
    "0.0.0.0/0",
    "::/0",
    "\u{feff}",
    "\u{0}",
    "\u{85}",
    "\u{2028}",
    "\u{1F600}",
    "é",
    "\"\"\"",
    "''",
];

/// One edit of a seed's bytes.
#[derive(Clone, Debug)]
pub enum Op {
    Flip {
        at: Index,
        bit: u8,
    },
    Byte {
        at: Index,
        byte: u8,
    },
    Token {
        at: Index,
        token: &'static str,
    },
    Bytes {
        at: Index,
        bytes: Vec<u8>,
    },
    Delete {
        at: Index,
        len: u16,
    },
    Duplicate {
        at: Index,
        len: u16,
        to: Index,
    },
    Truncate {
        at: Index,
    },
    /// A range of another seed inserted here.
    Splice {
        at: Index,
        seed: Index,
        from: Index,
        len: u16,
    },
    /// Line edits, which keep indentation-sensitive formats parsing more often.
    DeleteLine(Index),
    DuplicateLine(Index),
    SwapLines(Index, Index),
    /// The word (letters, digits, `_-.:/`) around a position replaced by a value.
    Word {
        at: Index,
        value: &'static str,
    },
}

/// Values for `Op::Word`: what the loaders and rules decide on.
const VALUES: &[&str] = &[
    "0.0.0.0/0",
    "::/0",
    "10.0.0.0/8",
    "Enabled",
    "Disabled",
    "true",
    "false",
    "-1",
    "0",
    "1",
    "65536",
    "1e30",
    "null",
    "\"\"",
    "!Ref Vpc",
    "!GetAtt Vpc.CidrBlock",
    "aws_vpc.a.id",
    "var.undeclared",
    "\"${var.n}\"",
    "count.index",
    "each.key",
    "PublicInternetOnly",
    "arn:aws:iam::444455556666:root",
    "AWS::EC2::Route",
    "aws_route",
    "Condition",
    "DependsOn",
    "EP101",
    "egressproof:ignore",
    "\"*\"",
    "[]",
    "{}",
];

fn lines(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\n' {
            out.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < bytes.len() {
        out.push((start, bytes.len()));
    }
    out
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"_-.:/".contains(&b)
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => (any::<Index>(), 0..8u8).prop_map(|(at, bit)| Op::Flip { at, bit }),
        1 => (any::<Index>(), any::<u8>()).prop_map(|(at, byte)| Op::Byte { at, byte }),
        4 => (any::<Index>(), select(TOKENS)).prop_map(|(at, token)| Op::Token { at, token }),
        1 => (any::<Index>(), vec(any::<u8>(), 1..4)).prop_map(|(at, bytes)| Op::Bytes { at, bytes }),
        3 => (any::<Index>(), 1..64u16).prop_map(|(at, len)| Op::Delete { at, len }),
        2 => (any::<Index>(), 1..256u16, any::<Index>()).prop_map(|(at, len, to)| Op::Duplicate { at, len, to }),
        1 => any::<Index>().prop_map(|at| Op::Truncate { at }),
        2 => (any::<Index>(), any::<Index>(), any::<Index>(), 1..512u16)
            .prop_map(|(at, seed, from, len)| Op::Splice { at, seed, from, len }),
        3 => any::<Index>().prop_map(Op::DeleteLine),
        3 => any::<Index>().prop_map(Op::DuplicateLine),
        2 => (any::<Index>(), any::<Index>()).prop_map(|(a, b)| Op::SwapLines(a, b)),
        6 => (any::<Index>(), select(VALUES)).prop_map(|(at, value)| Op::Word { at, value }),
    ]
}

fn position(at: &Index, bytes: &[u8]) -> usize {
    at.index(bytes.len() + 1)
}

fn range(at: &Index, len: u16, bytes: &[u8]) -> (usize, usize) {
    let start = position(at, bytes).min(bytes.len());
    (start, (start + usize::from(len)).min(bytes.len()))
}

pub fn apply(bytes: &mut Vec<u8>, op: &Op, seeds: &[CaseFile]) {
    match op {
        Op::Flip { at, bit } => {
            if !bytes.is_empty() {
                let i = at.index(bytes.len());
                bytes[i] ^= 1 << (bit % 8);
            }
        }
        Op::Byte { at, byte } => {
            if !bytes.is_empty() {
                let i = at.index(bytes.len());
                bytes[i] = *byte;
            }
        }
        Op::Token { at, token } => {
            let i = position(at, bytes);
            bytes.splice(i..i, token.bytes());
        }
        Op::Bytes { at, bytes: b } => {
            let i = position(at, bytes);
            bytes.splice(i..i, b.iter().copied());
        }
        Op::Delete { at, len } => {
            let (s, e) = range(at, *len, bytes);
            bytes.drain(s..e);
        }
        Op::Duplicate { at, len, to } => {
            let (s, e) = range(at, *len, bytes);
            let copy = bytes[s..e].to_vec();
            let i = position(to, bytes);
            bytes.splice(i..i, copy);
        }
        Op::Truncate { at } => {
            let i = position(at, bytes);
            bytes.truncate(i);
        }
        Op::DeleteLine(at) | Op::DuplicateLine(at) => {
            let ls = lines(bytes);
            if ls.is_empty() {
                return;
            }
            let (s, e) = ls[at.index(ls.len())];
            if matches!(op, Op::DeleteLine(_)) {
                bytes.drain(s..e);
            } else {
                let copy = bytes[s..e].to_vec();
                bytes.splice(s..s, copy);
            }
        }
        Op::SwapLines(a, b) => {
            let ls = lines(bytes);
            if ls.len() < 2 {
                return;
            }
            let (x, y) = (ls[a.index(ls.len())], ls[b.index(ls.len())]);
            let (first, second) = if x.0 <= y.0 { (x, y) } else { (y, x) };
            if first == second {
                return;
            }
            let mut out = bytes[..first.0].to_vec();
            out.extend_from_slice(&bytes[second.0..second.1]);
            out.extend_from_slice(&bytes[first.1..second.0]);
            out.extend_from_slice(&bytes[first.0..first.1]);
            out.extend_from_slice(&bytes[second.1..]);
            *bytes = out;
        }
        Op::Word { at, value } => {
            if bytes.is_empty() {
                return;
            }
            let i = at.index(bytes.len());
            let mut s = i;
            while s > 0 && is_word(bytes[s - 1]) {
                s -= 1;
            }
            let mut e = i;
            while e < bytes.len() && is_word(bytes[e]) {
                e += 1;
            }
            bytes.splice(s..e, value.bytes());
        }
        Op::Splice {
            at,
            seed,
            from,
            len,
        } => {
            if seeds.is_empty() {
                return;
            }
            let other = &seed.get(seeds).bytes;
            let (s, e) = range(from, *len, other);
            let i = position(at, bytes);
            bytes.splice(i..i, other[s..e].iter().copied());
        }
    }
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

/// The raw string literals (`r#"..."#`) of a test source that hold a template, a
/// configuration or a plan, named by the format they hold. Format strings (`{{`) are left out:
/// their text is not the input the test scans.
fn inline_inputs(source: &str, origin: &str, out: &mut Vec<CaseFile>) {
    let mut rest = source;
    let mut n = 0;
    while let Some(start) = rest.find("r#\"") {
        let after = &rest[start + 3..];
        let Some(end) = after.find("\"#") else {
            break;
        };
        let text = &after[..end];
        rest = &after[end + 2..];
        if text.contains("{{") {
            continue;
        }
        let ext = if text.contains("resource \"") || text.contains("variable \"") {
            "tf"
        } else if text.contains("planned_values") {
            "json"
        } else if text.contains("Resources") || text.contains("AWSTemplateFormatVersion") {
            if text.trim_start().starts_with('{') {
                "json"
            } else {
                "yaml"
            }
        } else {
            continue;
        };
        n += 1;
        out.push(CaseFile::new(
            format!("{origin}-{n}.{ext}"),
            text.as_bytes(),
        ));
    }
}

/// Every seed, in a fixed order: a reproducible run needs the same corpus.
pub fn corpus() -> &'static [CaseFile] {
    static CORPUS: OnceLock<Vec<CaseFile>> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let root = workspace();
        let mut paths = Vec::new();
        for dir in [
            "crates/analysis/fixtures",
            "crates/load-tf/tests/fixtures",
            "examples",
        ] {
            files_under(&root.join(dir), &mut paths);
        }
        let mut seeds = Vec::new();
        for p in &paths {
            let ext = p.extension().and_then(|e| e.to_str()).unwrap_or_default();
            if !["yaml", "yml", "json", "tf", "template"].contains(&ext) {
                continue;
            }
            if let Ok(bytes) = std::fs::read(p) {
                let name = p
                    .strip_prefix(&root)
                    .unwrap_or(p)
                    .to_string_lossy()
                    .replace('/', "_");
                seeds.push(CaseFile::new(name, bytes));
            }
        }
        let mut sources = Vec::new();
        for dir in [
            "crates/load-cfn/src",
            "crates/load-cfn/tests",
            "crates/load-tf/tests",
        ] {
            files_under(&root.join(dir), &mut sources);
        }
        for p in sources
            .iter()
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        {
            if let Ok(text) = std::fs::read_to_string(p) {
                let origin = p
                    .strip_prefix(&root)
                    .unwrap_or(p)
                    .to_string_lossy()
                    .replace(['/', '.'], "_");
                inline_inputs(&text, &origin, &mut seeds);
            }
        }
        assert!(
            seeds.len() >= 100,
            "only {} seed inputs found under {}",
            seeds.len(),
            root.display()
        );
        seeds
    })
}

/// Where a mutated seed is written: `.tf` files into a directory of their own (one module),
/// documents under their name.
fn placed(name: &str) -> String {
    if name.ends_with(".tf") {
        "main.tf".to_string()
    } else {
        name.to_string()
    }
}

pub fn case() -> impl Strategy<Value = Case> {
    (
        any::<Index>(),
        vec(op(), 1..5),
        prop::option::weighted(0.1, any::<Index>()),
        cfn::flags(),
    )
        .prop_map(|(seed, ops, companion, flags)| {
            let seeds = corpus();
            let original = seed.get(seeds);
            let mut bytes = original.bytes.clone();
            for op in &ops {
                apply(&mut bytes, op, seeds);
            }
            let mut files = vec![CaseFile::new(placed(&original.path), bytes)];
            // A second, intact seed beside it: two templates or modules that meet.
            if let Some(c) = companion {
                let other = c.get(seeds);
                let path = if other.path.ends_with(".tf") {
                    "other.tf".to_string()
                } else {
                    format!("other-{}", other.path)
                };
                files.push(CaseFile::new(path, other.bytes.clone()));
            }
            let mut case = Case::new(files, false);
            case.flags = flags;
            case
        })
}
