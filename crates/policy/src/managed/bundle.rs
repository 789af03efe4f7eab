//! The bundled documents (`data/aws-managed-policies.tsv.gz`, written by
//! `scripts/update-managed-policies`): decompressed once on first use, indexed by name, and each
//! document parsed only when a scan asks for it (a scan names a handful of the ~1,500).

use super::parse_json;
use crate::parse::{ParseError, Policy};
use serde::Deserialize;
use std::collections::HashMap;
use std::io::{BufRead, Read};
use std::ops::Range;
use std::sync::OnceLock;

static DATA: &[u8] = include_bytes!("../../data/aws-managed-policies.tsv.gz");

/// The format of the data file this code reads (the generator's `FORMAT`).
const FORMAT: u32 = 1;

/// Where the bundled documents come from: the MAMIP commit they were built from, and its date.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct Source {
    /// The repository the documents were collected from.
    pub source: String,
    /// The pinned commit of that repository.
    pub commit: String,
    /// The commit's date (UTC, `YYYY-MM-DD`): the documents are AWS's as of that day.
    pub date: String,
    /// How many policies the bundle holds.
    pub count: usize,
    format: u32,
}

impl Source {
    /// The commit abbreviated as git shows it.
    pub fn short_commit(&self) -> &str {
        self.commit.get(..7).unwrap_or(&self.commit)
    }
}

struct Entry {
    /// The document's compact JSON text.
    doc: Range<usize>,
    parsed: OnceLock<Result<Policy, ParseError>>,
}

pub(super) struct Bundle {
    text: String,
    index: HashMap<String, Entry>,
}

/// The bundle, read on first use. An unreadable bundle (a corrupt build) is an error every
/// lookup reports, so the policies become unknowns instead of a panic.
pub(super) fn get() -> Result<&'static Bundle, &'static str> {
    static BUNDLE: OnceLock<Result<Bundle, String>> = OnceLock::new();
    BUNDLE
        .get_or_init(|| read(DATA))
        .as_ref()
        .map_err(String::as_str)
}

/// The bundle's source alone, from its first line: `--version` prints it, and decompressing the
/// first few hundred bytes costs nothing where the whole bundle would.
pub(super) fn source() -> Result<&'static Source, &'static str> {
    static SOURCE: OnceLock<Result<Source, String>> = OnceLock::new();
    SOURCE
        .get_or_init(|| {
            let mut head = String::new();
            std::io::BufReader::new(flate2::read::GzDecoder::new(DATA))
                .take(64 * 1024)
                .read_line(&mut head)
                .map_err(|e| {
                    format!("the bundled AWS managed policies cannot be decompressed: {e}")
                })?;
            header(&head)
        })
        .as_ref()
        .map_err(String::as_str)
}

fn header(line: &str) -> Result<Source, String> {
    let source: Source = serde_json::from_str(line)
        .map_err(|e| format!("the bundled AWS managed policies have a bad header: {e}"))?;
    if source.format != FORMAT {
        return Err(format!(
            "the bundled AWS managed policies are of format {}, this build reads {FORMAT}",
            source.format
        ));
    }
    Ok(source)
}

fn read(data: &[u8]) -> Result<Bundle, String> {
    let mut text = String::new();
    flate2::read::GzDecoder::new(data)
        .read_to_string(&mut text)
        .map_err(|e| format!("the bundled AWS managed policies cannot be decompressed: {e}"))?;
    let (head, _) = text
        .split_once('\n')
        .ok_or("the bundled AWS managed policies have no header")?;
    let source = header(head)?;
    let mut index = HashMap::with_capacity(source.count);
    let mut at = head.len() + 1;
    for line in text[at..].split_inclusive('\n') {
        let start = at;
        at += line.len();
        let line = line.trim_end_matches('\n');
        if line.is_empty() {
            continue;
        }
        let mut fields = line.splitn(4, '\t');
        // The path and version are provenance: a policy is named by its name alone (see
        // `aws_policy_name`).
        let (Some(name), Some(_path), Some(_version), Some(doc)) =
            (fields.next(), fields.next(), fields.next(), fields.next())
        else {
            return Err(format!(
                "the bundled AWS managed policies have a bad line at byte {start}"
            ));
        };
        let doc_at = start + line.len() - doc.len();
        index.insert(
            name.to_string(),
            Entry {
                doc: doc_at..doc_at + doc.len(),
                parsed: OnceLock::new(),
            },
        );
    }
    if index.len() != source.count {
        return Err(format!(
            "the bundled AWS managed policies hold {} policies, their header says {}",
            index.len(),
            source.count
        ));
    }
    Ok(Bundle { text, index })
}

impl Bundle {
    pub(super) fn names(&self) -> impl Iterator<Item = &str> {
        self.index.keys().map(String::as_str)
    }

    /// The parsed document of a bundled policy (parsed on the first request, then cached).
    pub(super) fn lookup(&self, name: &str) -> Option<Result<Policy, ParseError>> {
        let e = self.index.get(name)?;
        Some(
            e.parsed
                .get_or_init(|| parse_json(&self.text[e.doc.clone()]))
                .clone(),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_alone_is_the_whole_bundles_header() {
        let whole = get().unwrap();
        let head = whole.text.split_once('\n').unwrap().0;
        assert_eq!(source().unwrap(), &header(head).unwrap());
        assert_eq!(source().unwrap().count, whole.index.len());
    }

    #[test]
    fn corrupt_data_is_an_error_not_a_panic() {
        assert!(read(b"not gzip").is_err());
        assert!(read(&[]).is_err());
    }
}
