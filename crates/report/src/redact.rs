//! Defence in depth: values that look like credentials are redacted before any format sees the
//! analysis. Reports go where many people read them (code scanning, pull request annotations,
//! CI artifacts), and templates are written by anyone who opens a pull request; a file that a
//! scan should not have read, a secret pasted into a tag, must not reach them verbatim.
//!
//! Redacted, in every string of the analysis:
//! - AWS access key IDs: `AKIA` or `ASIA` and 16 upper-case letters or digits;
//! - STS session tokens (the base64 of AWS's token formats, by their fixed prefixes);
//! - `-----BEGIN … PRIVATE KEY-----` blocks, to their END line (or the end of the text);
//! - the value of a `password=`, `secret=`, `token=`-style pair (any name ending in password,
//!   passwd, passphrase, secret, token, api key, private key; `=` or `:`; quoted or not);
//! - a 40-character base64 value next to a name that holds `secret`, even without `=`.
//!
//! The shapes are fixed, so a small scanner does: no regular expressions, linear in the text.

use egressproof_analysis::{Analysis, NetworkMap};
use finder::Finder;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::borrow::Cow;

mod finder;

/// What a redacted value is replaced with (the name of a pair is kept, so the reader sees what
/// was there).
const REDACTED: &str = "[redacted]";
const ACCESS_KEY_ID: &str = "[redacted access key id]";
const SESSION_TOKEN: &str = "[redacted session token]";
const PRIVATE_KEY: &str = "[redacted private key]";

/// Names whose value is a secret, compared lower-case without `_`, `-` and `.`
/// (`SECRET_TOKEN`, `api-key`, `MasterUserPassword`).
const SECRET_NAME_ENDINGS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "secret",
    "secretkey",
    "secretaccesskey",
    "token",
    "apikey",
    "privatekey",
];

/// The first bytes of the base64 of STS session tokens (`IQoJb3JpZ2lu…` and older formats).
const SESSION_TOKEN_PREFIXES: &[&str] = &[
    "IQoJb3JpZ2lu",
    "FwoGZXIvYXdz",
    "FQoGZXIvYXdz",
    "AgoJb3JpZ2lu",
];

/// Real session tokens are hundreds of characters; a prefix alone is not one.
const MIN_SESSION_TOKEN: usize = 64;

/// The analysis with every string redacted, borrowed when nothing needed it (the common case).
/// Every string means every one: the analysis is walked through its serialized form, so a field
/// added later is covered without anyone remembering to list it here.
///
/// The walk builds nothing ([`needs_redaction`]): at a million resources the analysis holds
/// hundreds of thousands of findings, and a generic JSON tree of them was most of the scan's
/// memory. When something must be redacted, the large lists are redacted item by item (each
/// through its own small JSON tree) and only the rest of the analysis as a whole.
pub(crate) fn analysis(a: &Analysis) -> Result<Cow<'_, Analysis>, serde_json::Error> {
    if !needs_redaction(a)? {
        return Ok(Cow::Borrowed(a));
    }
    // The literals name every field: a field added later fails to compile here until it is
    // given to `rest` (redacted as a whole) or to `items`.
    let rest = Analysis {
        verdict: a.verdict,
        findings: Vec::new(),
        unknowns: Vec::new(),
        workloads: Vec::new(),
        assumptions: Vec::new(),
        network: NetworkMap { vpcs: Vec::new() },
    };
    let mut out = redacted_whole(&rest)?;
    out.findings = items(&a.findings)?;
    out.unknowns = items(&a.unknowns)?;
    out.workloads = items(&a.workloads)?;
    out.assumptions = items(&a.assumptions)?;
    out.network.vpcs = items(&a.network.vpcs)?;
    Ok(Cow::Owned(out))
}

/// Each item redacted on its own: only the items that hold a credential are rebuilt.
fn items<T>(list: &[T]) -> Result<Vec<T>, serde_json::Error>
where
    T: Clone + Serialize + DeserializeOwned,
{
    list.iter()
        .map(|item| {
            if needs_redaction(item)? {
                redacted_whole(item)
            } else {
                Ok(item.clone())
            }
        })
        .collect()
}

/// `v` redacted through its JSON tree (for one item, or an analysis without its lists).
fn redacted_whole<T: Serialize + DeserializeOwned>(v: &T) -> Result<T, serde_json::Error> {
    let mut value = serde_json::to_value(v)?;
    value_in_place(&mut value);
    serde_json::from_value(value)
}

/// Redacts every string (and object key) of a JSON value.
fn value_in_place(v: &mut serde_json::Value) {
    match v {
        serde_json::Value::String(s) => {
            if let Cow::Owned(r) = redact(s) {
                *s = r;
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(value_in_place),
        serde_json::Value::Object(map) => {
            map.values_mut().for_each(value_in_place);
            if map.keys().any(|k| matches!(redact(k), Cow::Owned(_))) {
                let old = std::mem::take(map);
                for (k, v) in old {
                    map.insert(redact(&k).into_owned(), v);
                }
            }
        }
        _ => {}
    }
}

/// True when some string of `v` (a value or a map key) holds something [`redact`] replaces.
pub(crate) fn needs_redaction<T: Serialize + ?Sized>(v: &T) -> Result<bool, serde_json::Error> {
    let mut finder = Finder { found: false };
    v.serialize(&mut finder)?;
    Ok(finder.found)
}
/// `text` with every credential-looking value replaced; borrowed when there is none.
pub fn redact(text: &str) -> Cow<'_, str> {
    let b = text.as_bytes();
    let mut out = Out::new(text);
    let mut i = 0;
    while i < b.len() {
        if let Some(end) = private_key_block(text, i) {
            out.replace(i, end, PRIVATE_KEY);
            i = end;
            continue;
        }
        let starts_word = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        if starts_word {
            if let Some(end) = access_key_id(b, i) {
                out.replace(i, end, ACCESS_KEY_ID);
                i = end;
                continue;
            }
        }
        if i == 0 || !is_base64(b[i - 1]) {
            if let Some(end) = session_token(text, i) {
                out.replace(i, end, SESSION_TOKEN);
                i = end;
                continue;
            }
        }
        if is_name(b[i]) && (i == 0 || !is_name(b[i - 1])) {
            let name_end = i + b[i..].iter().take_while(|c| is_name(**c)).count();
            if let Some((start, end)) = secret_pair_value(b, i, name_end) {
                out.replace(start, end, REDACTED);
                i = end;
                continue;
            }
        }
        i += 1;
    }
    out.finish()
}

/// The text being rewritten, copied only once something is replaced.
struct Out<'a> {
    src: &'a str,
    out: String,
    copied: usize,
    changed: bool,
}

impl<'a> Out<'a> {
    fn new(src: &'a str) -> Self {
        Out {
            src,
            out: String::new(),
            copied: 0,
            changed: false,
        }
    }

    /// Replaces `src[start..end]`; ranges come in order and start at ASCII bytes.
    fn replace(&mut self, start: usize, end: usize, with: &str) {
        self.out.push_str(&self.src[self.copied..start]);
        self.out.push_str(with);
        self.copied = end;
        self.changed = true;
    }

    fn finish(mut self) -> Cow<'a, str> {
        if !self.changed {
            return Cow::Borrowed(self.src);
        }
        self.out.push_str(&self.src[self.copied..]);
        Cow::Owned(self.out)
    }
}

fn is_base64(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'+' || c == b'/' || c == b'='
}

fn is_name(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'-' || c == b'.'
}

/// `AKIA`/`ASIA` and 16 upper-case letters or digits, not inside a longer word.
fn access_key_id(b: &[u8], i: usize) -> Option<usize> {
    let rest = &b[i..];
    if !(rest.starts_with(b"AKIA") || rest.starts_with(b"ASIA")) {
        return None;
    }
    let end = i + 20;
    let body = b.get(i + 4..end)?;
    let ok = body
        .iter()
        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    let bounded = b.get(end).is_none_or(|c| !c.is_ascii_alphanumeric());
    (ok && bounded).then_some(end)
}

/// A base64 run that starts like an STS session token and is long enough to be one.
fn session_token(text: &str, i: usize) -> Option<usize> {
    // Bytes, not `&text[i..]`: `i` may fall inside a multi-byte character.
    let rest = &text.as_bytes()[i..];
    if !SESSION_TOKEN_PREFIXES
        .iter()
        .any(|p| rest.starts_with(p.as_bytes()))
    {
        return None;
    }
    let len = rest.iter().take_while(|c| is_base64(**c)).count();
    (len >= MIN_SESSION_TOKEN).then_some(i + len)
}

/// A `-----BEGIN … PRIVATE KEY-----` block: its end (after the END line, or the text's end
/// when the block was cut).
fn private_key_block(text: &str, i: usize) -> Option<usize> {
    const BEGIN: &str = "-----BEGIN ";
    if !text.as_bytes()[i..].starts_with(BEGIN.as_bytes()) {
        return None;
    }
    // An ASCII prefix matched at `i`: `i` is a character boundary.
    let rest = &text[i + BEGIN.len()..];
    let label_len = rest.find("-----")?;
    let label = &rest[..label_len];
    if !label.ends_with("PRIVATE KEY") || label.contains('\n') {
        return None;
    }
    let body_start = i + BEGIN.len() + label_len + 5;
    let end_marker = format!("-----END {label}-----");
    Some(match text[body_start..].find(&end_marker) {
        Some(at) => body_start + at + end_marker.len(),
        None => text.len(),
    })
}

/// The name's normalized form (lower case, without `_`, `-`, `.`).
fn normalized(name: &[u8]) -> String {
    name.iter()
        .filter(|c| !matches!(c, b'_' | b'-' | b'.'))
        .map(|c| c.to_ascii_lowercase() as char)
        .collect()
}

/// When `b[start..name_end]` names a secret and a value follows (`= v`, `: "v"`, or for a
/// `secret` name a 40-character base64 value after a space), the value's range.
fn secret_pair_value(b: &[u8], start: usize, name_end: usize) -> Option<(usize, usize)> {
    let name = normalized(&b[start..name_end]);
    if !SECRET_NAME_ENDINGS.iter().any(|e| name.ends_with(e)) {
        return None;
    }
    let mut k = name_end;
    // The closing quote of a quoted name (`"password": …`).
    if matches!(b.get(k), Some(b'"' | b'\'')) {
        k += 1;
    }
    k += b[k..]
        .iter()
        .take_while(|c| matches!(c, b' ' | b'\t'))
        .count();
    let separated = matches!(b.get(k), Some(b'=' | b':'));
    if separated {
        k += 1;
        // `==`, `::` are comparisons and paths, not assignments; `=>` is one.
        match b.get(k) {
            Some(b'=' | b':') => return None,
            Some(b'>') => k += 1,
            _ => {}
        }
        k += b[k..]
            .iter()
            .take_while(|c| matches!(c, b' ' | b'\t'))
            .count();
    }
    let (value_start, value_end) = match b.get(k) {
        Some(q @ (b'"' | b'\'')) => {
            let s = k + 1;
            let len = b[s..]
                .iter()
                .take_while(|c| *c != q && **c != b'\n')
                .count();
            (s, s + len)
        }
        _ => {
            let len = b[k..]
                .iter()
                .take_while(|c| {
                    !c.is_ascii_whitespace()
                        && !matches!(
                            c,
                            b',' | b';' | b'&' | b')' | b']' | b'}' | b'"' | b'\'' | b'<' | b'>'
                        )
                })
                .count();
            (k, k + len)
        }
    };
    let value = &b[value_start..value_end];
    if value.is_empty() || value.starts_with(b"[redacted") {
        return None;
    }
    if !separated {
        // Without `=` or `:` only the shape of a secret access key next to a `secret` name.
        let looks_like_secret_key = value.len() == 40 && value.iter().all(|c| is_base64(*c));
        if !(name.contains("secret") && looks_like_secret_key && value_start > name_end) {
            return None;
        }
    }
    Some((value_start, value_end))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(s: &str) -> String {
        redact(s).into_owned()
    }

    #[test]
    fn access_key_ids() {
        assert_eq!(
            r("key AKIAIOSFODNN7EXAMPLE used"),
            "key [redacted access key id] used"
        );
        assert_eq!(
            r("arn:aws:s3:::ASIAY34FZKBOKMUTVV7A*/*"),
            "arn:aws:s3:::[redacted access key id]*/*"
        );
        // Inside a longer word, or too short: not a key.
        assert_eq!(r("XAKIAIOSFODNN7EXAMPLE"), "XAKIAIOSFODNN7EXAMPLE");
        assert_eq!(r("AKIAIOSFODNN7EXAMPLEX"), "AKIAIOSFODNN7EXAMPLEX");
        assert_eq!(r("AKIA1234"), "AKIA1234");
    }

    #[test]
    fn secret_pairs_keep_their_name() {
        assert_eq!(r("SECRET_TOKEN=hunter2"), "SECRET_TOKEN=[redacted]");
        assert_eq!(
            r(r#"{"password": "a b c", "user": "x"}"#),
            r#"{"password": "[redacted]", "user": "x"}"#
        );
        assert_eq!(r("db_passwd: s3cr3t;"), "db_passwd: [redacted];");
        assert_eq!(
            r("https://x/?token=abc&y=1"),
            "https://x/?token=[redacted]&y=1"
        );
        assert_eq!(
            r("MasterUserPassword => 'pw'"),
            "MasterUserPassword => '[redacted]'"
        );
        assert_eq!(r("api-key=k1"), "api-key=[redacted]");
        assert_eq!(
            r("aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            "aws_secret_access_key = [redacted]"
        );
    }

    #[test]
    fn a_secret_key_next_to_its_name_without_separator() {
        assert_eq!(
            r("SecretAccessKey wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY done"),
            "SecretAccessKey [redacted] done"
        );
        // The same shape next to another name is left alone.
        assert_eq!(
            r("bucket wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
            "bucket wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
        );
    }

    #[test]
    fn session_tokens() {
        let token = format!("IQoJb3JpZ2luX2VjE{}", "A".repeat(80));
        assert_eq!(
            r(&format!("t {token} end")),
            "t [redacted session token] end"
        );
        assert_eq!(r("IQoJb3JpZ2lu"), "IQoJb3JpZ2lu");
    }

    #[test]
    fn private_key_blocks() {
        let pem =
            "a\n-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nIBAA\n-----END RSA PRIVATE KEY-----\nb";
        assert_eq!(r(pem), "a\n[redacted private key]\nb");
        let cut = "-----BEGIN PRIVATE KEY-----\nMIIEow";
        assert_eq!(r(cut), "[redacted private key]");
        let public = "-----BEGIN PUBLIC KEY-----\nMIIB\n-----END PUBLIC KEY-----";
        assert_eq!(r(public), public);
    }

    #[test]
    fn what_reports_say_is_left_alone() {
        for s in [
            "s3:PutObject with resource arn:aws:s3:::data-*/*; aws:resourceaccount of any other value",
            "aws:TokenIssueTime",
            "token == x",
            "secret:",
            "nested stack Child: template ../secret.env: outside the directories",
            "sagemaker:CreatePresignedNotebookInstanceUrl",
            "",
            "ünïcödé password",
        ] {
            assert!(matches!(redact(s), Cow::Borrowed(_)), "{s} -> {}", r(s));
        }
    }

    /// Every pair of fragments, cut at every character: the scanner never panics and never
    /// loses text that is not redacted.
    #[test]
    fn fragments_in_any_order_never_break_the_scanner() {
        let parts = [
            "é",
            "→",
            "AKIA",
            "IOSFODNN7EXAMPLE",
            "-----BEGIN ",
            "RSA PRIVATE KEY-----",
            "token",
            "=",
            ": \"",
            "IQoJb3JpZ2lu",
            "secret ",
            " ",
        ];
        for a in parts {
            for b in parts {
                for c in parts {
                    let s = format!("{a}{b}{c}");
                    for (at, _) in s.char_indices() {
                        let _ = redact(&s[at..]);
                        let _ = redact(&s[..at]);
                    }
                }
            }
        }
    }

    #[test]
    fn non_ascii_text_around_secrets_survives() {
        assert_eq!(r("é token=x é"), "é token=[redacted] é");
        assert_eq!(r("→AKIAIOSFODNN7EXAMPLE←"), "→[redacted access key id]←");
    }

    /// A model whose names and messages carry `secret` (or nothing when it is empty).
    fn analysed(secret: &str) -> Analysis {
        use egressproof_model::{
            Diagnostic, Ident, Kind, Model, NotebookInstance, Resource, Span, UnknownCode, Vpc,
        };
        let mut model = Model::default();
        model.resources.push(Resource::new(
            Ident::new(format!("net.tf#vpc {secret}")),
            format!("vpc-{secret}"),
            "aws_vpc",
            Span::new(format!("net {secret}.tf"), 1, 1),
            Kind::Vpc(Vpc::default()),
        ));
        model.resources.push(Resource::new(
            Ident::new("nb.tf#nb"),
            format!("nb {secret}"),
            "aws_sagemaker_notebook_instance",
            Span::new("nb.tf", 3, 3),
            Kind::NotebookInstance(NotebookInstance::default()),
        ));
        model.diagnostics.push(Diagnostic::new(
            UnknownCode::EP902,
            format!("read from a file: {secret}"),
            Some(Span::new("nb.tf", 9, 1)),
        ));
        egressproof_analysis::analyze(&model, &egressproof_analysis::Options::default())
    }

    /// Item by item gives what one JSON tree of the whole analysis gave, wherever the secret is.
    #[test]
    fn an_analysis_is_redacted_as_through_its_whole_json() {
        for secret in [
            "AKIAIOSFODNN7EXAMPLE",
            "password=hunter2",
            "-----BEGIN RSA PRIVATE KEY-----\nMIIE",
        ] {
            let a = analysed(secret);
            assert!(!a.network.vpcs.is_empty() && !a.findings.is_empty());
            assert!(!a.unknowns.is_empty());
            let redacted = analysis(&a).unwrap();
            assert!(matches!(redacted, Cow::Owned(_)), "{secret}");
            assert_eq!(*redacted, redacted_whole(&a).unwrap());
            let json = serde_json::to_string(&*redacted).unwrap();
            assert!(json.contains("[redacted"), "{json}");
            assert!(
                !json.contains("IOSFODNN7") && !json.contains("hunter2") && !json.contains("MIIE"),
                "{json}"
            );
        }
    }

    #[test]
    fn a_clean_analysis_is_borrowed() {
        let a = analysed("");
        assert!(matches!(analysis(&a).unwrap(), Cow::Borrowed(_)));
    }

    /// The quiet line, rendered without redacting the analysis first, shows no credential.
    #[test]
    fn the_quiet_line_holds_no_credential() {
        let options = crate::RenderOptions {
            quiet: true,
            ..Default::default()
        };
        let out = crate::render(
            &analysed("AKIAIOSFODNN7EXAMPLE"),
            &crate::ScanSummary::default(),
            crate::Format::Text,
            &options,
        );
        assert_eq!(out.lines().count(), 1, "{out}");
        assert!(!out.contains("IOSFODNN7"), "{out}");
    }

    /// Map keys are strings of the analysis too.
    #[test]
    fn map_keys_are_searched() {
        let mut map = std::collections::BTreeMap::new();
        map.insert("token=abc".to_string(), 1);
        assert!(needs_redaction(&map).unwrap());
        map.clear();
        map.insert("plain".to_string(), 1);
        assert!(!needs_redaction(&map).unwrap());
        assert!(needs_redaction(&Some(vec![("x", 'a', "AKIAIOSFODNN7EXAMPLE")])).unwrap());
    }
}
