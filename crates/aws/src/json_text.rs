//! JSON documents written as text whose parts are only known at deploy time.
//!
//! Policy documents, pipeline definitions and state machines are often JSON *strings* built from
//! pieces: `!Sub '{"Resource": "arn:aws:s3:::data-${AWS::AccountId}/*"}'`, a Terraform heredoc
//! with `${aws_s3_bucket.data.arn}` inside, a `DefinitionString` with substitutions. Rendering the
//! symbols to made-up literals would let the analysis reason about values that were never there,
//! so the text is parsed with the symbols kept where they were.
//!
//! The one behaviour, for every format:
//! - A symbol inside a JSON string stays a symbol of that string (`Value::Text`).
//! - A JSON string holding an unresolved hole *is* that unknown (`Value::Unknown`), with what is
//!   known of the string ([`Unknown::pieces`]): one unresolved variable does not hide the rest
//!   of the document, nor the rest of its string.
//! - A symbol or hole outside a JSON string (`{"N": ${Count}}`) means the text is not JSON before
//!   deployment: [`NotJson`], and the caller reports the whole document as unknown.
//! - A placeholder that cannot be put back (it cannot happen; the check is there so that it would
//!   never be read as a literal) is an unknown naming it.
//! - Only an object or an array is a document: other JSON text is [`NotJson`].
//!
//! Symbols are replaced by a marker character for parsing and put back afterwards. The marker is
//! chosen among the private-use characters that the text does not already contain (raw or as a
//! `\uXXXX` escape), so input that uses those characters itself cannot be confused with a marker.

use egressproof_model::{Part, Piece as Known, Unknown, Value};
use std::collections::HashSet;

/// A piece of a string under construction: text, a symbol, or something unresolved.
#[derive(Clone, Debug, PartialEq)]
pub enum Piece {
    Part(Part),
    Unknown(Unknown),
}

impl From<Part> for Piece {
    fn from(p: Part) -> Self {
        Piece::Part(p)
    }
}

/// The most a string's shape may hold (pieces, and bytes of literal text): shapes are copied
/// through every reference, so a string built from two copies of the previous one, again and
/// again, would double its shape at each step. Past the bound nothing is kept but the unknown.
const MAX_SHAPE_PIECES: usize = 64;
const MAX_SHAPE_BYTES: usize = 4096;

/// The unknown a string with unresolved pieces is: the first unknown's reason and place, with
/// what is known of the whole string ([`shape`]), or nothing when that is past the bound (never
/// the first unknown's own shape, which describes only a part).
pub fn unknown_string(first: Unknown, pieces: &[Piece]) -> Unknown {
    let mut u = first;
    u.pieces = shape(pieces);
    u
}

/// The string these pieces make: its parts when every piece is known, otherwise the unknown it is
/// ([`unknown_string`] of the first unknown piece).
pub fn string_of(pieces: Vec<Piece>) -> Result<Vec<Part>, Unknown> {
    let first_unknown = pieces.iter().find_map(|p| match p {
        Piece::Unknown(u) => Some(u),
        Piece::Part(_) => None,
    });
    if let Some(u) = first_unknown {
        return Err(unknown_string(u.clone(), &pieces));
    }
    Ok(pieces
        .into_iter()
        .filter_map(|p| match p {
            Piece::Part(p) => Some(p),
            Piece::Unknown(_) => None,
        })
        .collect())
}

/// What is known of a string made of these pieces: literals and symbols as they are, and for
/// each unresolved piece the pieces known of it (an unknown that carries them), else a hole.
/// `None` past [`MAX_SHAPE_PIECES`] or [`MAX_SHAPE_BYTES`].
pub fn shape(pieces: &[Piece]) -> Option<Vec<Known>> {
    let mut out: Vec<Known> = Vec::with_capacity(pieces.len().min(MAX_SHAPE_PIECES));
    let mut bytes = 0usize;
    let mut count = 0usize;
    for p in pieces {
        let added: &[Known] = match p {
            Piece::Unknown(Unknown {
                pieces: Some(known),
                ..
            }) => known,
            _ => &[],
        };
        count = count.saturating_add(added.len().max(1));
        bytes = added
            .iter()
            .map(|k| match k {
                Known::Lit(s) => s.len(),
                _ => 1,
            })
            .chain(match p {
                Piece::Part(Part::Lit(s)) => Some(s.len()),
                _ => None,
            })
            .fold(bytes, usize::saturating_add);
        if count > MAX_SHAPE_PIECES || bytes > MAX_SHAPE_BYTES {
            return None;
        }
        match p {
            Piece::Part(Part::Lit(s)) => out.push(Known::Lit(s.clone())),
            Piece::Part(Part::Sym(sym)) => out.push(Known::Sym(sym.clone())),
            Piece::Unknown(u) => match &u.pieces {
                Some(known) => out.extend(known.iter().cloned()),
                None => out.push(Known::hole("", u)),
            },
        }
    }
    Some(Known::merged(out))
}

/// The text is not a JSON document that can be read before deployment; the message says why.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct NotJson(pub String);

/// Parses JSON text made of pieces (see the module documentation for the behaviour).
pub fn parse(pieces: &[Piece]) -> Result<Value, NotJson> {
    let marker = marker_for(pieces)?;
    let mut text = String::new();
    let mut holes: Vec<&Piece> = Vec::new();
    for p in pieces {
        match p {
            Piece::Part(Part::Lit(s)) => text.push_str(s),
            hole => {
                text.push(marker);
                text.push_str(&holes.len().to_string());
                text.push(marker);
                holes.push(hole);
            }
        }
    }
    let first = text.trim_start().chars().next();
    if !matches!(first, Some('{' | '[')) {
        return Err(NotJson("not a JSON object or array".into()));
    }
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
        if holes.is_empty() {
            NotJson(format!("not valid JSON: {e}"))
        } else {
            NotJson(format!(
                "not valid JSON before deployment ({e}); a value known only at deploy time may \
                 stand outside a JSON string"
            ))
        }
    })?;
    Ok(restore(json, marker, &holes))
}

/// [`parse`] over parts (symbols, no unresolved holes).
pub fn parse_parts(parts: &[Part]) -> Result<Value, NotJson> {
    let pieces: Vec<Piece> = parts.iter().cloned().map(Piece::Part).collect();
    parse(&pieces)
}

/// [`parse`] over a string value (`Str` or `Text`); any other value is not JSON text.
pub fn parse_value(v: &Value) -> Result<Value, NotJson> {
    match v.parts() {
        Some(parts) => parse_parts(&parts),
        None => Err(NotJson(format!("not a string: {}", v.render()))),
    }
}

/// A private-use character that neither the literal text nor any `\uXXXX` escape in it holds.
fn marker_for(pieces: &[Piece]) -> Result<char, NotJson> {
    let mut used: HashSet<char> = HashSet::new();
    let mut all = String::new();
    for p in pieces {
        if let Piece::Part(Part::Lit(s)) = p {
            all.push_str(s);
        }
    }
    used.extend(
        all.chars()
            .filter(|c| ('\u{E000}'..='\u{F8FF}').contains(c)),
    );
    let mut rest = all.as_str();
    while let Some(i) = rest.find("\\u") {
        let hex = rest.get(i + 2..i + 6).unwrap_or("");
        if let Some(c) = u32::from_str_radix(hex, 16).ok().and_then(char::from_u32) {
            used.insert(c);
        }
        rest = &rest[i + 2..];
    }
    ('\u{E000}'..='\u{F8FF}')
        .find(|c| !used.contains(c))
        .ok_or_else(|| NotJson("the text uses every private-use character".into()))
}

/// JSON back to a model value, each marker replaced by what it stood for.
fn restore(v: serde_json::Value, marker: char, holes: &[&Piece]) -> Value {
    match v {
        serde_json::Value::String(s) if s.contains(marker) => match pieces_of(&s, marker, holes) {
            Ok(parts) => Value::text(parts),
            Err(u) => Value::Unknown(u),
        },
        serde_json::Value::Array(items) => Value::List(
            items
                .into_iter()
                .map(|i| restore(i, marker, holes))
                .collect(),
        ),
        serde_json::Value::Object(o) => {
            let mut out = indexmap::IndexMap::with_capacity(o.len());
            for (k, item) in o {
                let key = if k.contains(marker) {
                    // Keys are plain strings in the model: a symbol is kept as its `${...}`
                    // rendering; an unresolved key makes the whole object unknown (which
                    // member it is, is not known).
                    match pieces_of(&k, marker, holes) {
                        Ok(parts) => Value::text(parts).render(),
                        Err(u) => return Value::Unknown(u),
                    }
                } else {
                    k
                };
                out.insert(key, restore(item, marker, holes));
            }
            Value::Map(out)
        }
        other => Value::from(other),
    }
}

/// The parts of a string holding markers, or the unknown it stands for.
fn pieces_of(s: &str, marker: char, holes: &[&Piece]) -> Result<Vec<Part>, Unknown> {
    let segments: Vec<&str> = s.split(marker).collect();
    if segments.len().is_multiple_of(2) {
        return Err(Unknown::new(
            "a value known only at deploy time was cut inside a JSON document",
            None,
        ));
    }
    let mut parts: Vec<Piece> = Vec::with_capacity(segments.len());
    for (i, seg) in segments.iter().enumerate() {
        if i % 2 == 0 {
            parts.push(Piece::Part(Part::Lit((*seg).to_string())));
            continue;
        }
        match seg.parse::<usize>().ok().and_then(|n| holes.get(n)) {
            Some(p) => parts.push((*p).clone()),
            None => {
                return Err(Unknown::new(
                    format!("placeholder {seg:?} in a JSON document stands for nothing"),
                    None,
                ))
            }
        }
    }
    string_of(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use egressproof_model::{Ident, Pseudo, Symbol};

    fn lit(s: &str) -> Piece {
        Piece::Part(Part::Lit(s.into()))
    }

    fn account() -> Piece {
        Piece::Part(Part::Sym(Symbol::Pseudo(Pseudo::AccountId)))
    }

    #[test]
    fn a_symbol_inside_a_string_stays_a_symbol() {
        let doc = parse(&[
            lit(r#"{"Role": "arn:aws:iam::"#),
            account(),
            lit(r#":role/x", "N": 1, "L": ["a"]}"#),
        ])
        .unwrap();
        assert_eq!(
            doc.get("Role").map(Value::render).as_deref(),
            Some("arn:aws:iam::${AWS::AccountId}:role/x")
        );
        assert!(matches!(doc.get("Role"), Some(Value::Text(_))));
        assert_eq!(doc.get("N"), Some(&Value::Number("1".into())));
        assert_eq!(doc.get("L"), Some(&Value::List(vec![Value::from("a")])));
    }

    #[test]
    fn a_string_with_an_unresolved_hole_is_that_unknown_and_the_rest_survives() {
        let hole = Unknown::new("parameter Sg has no value", None);
        let doc = parse(&[
            lit(r#"{"Sg": "sg-"#),
            Piece::Unknown(hole.clone()),
            lit(r#"", "Keep": "yes"}"#),
        ])
        .unwrap();
        // The unknown keeps what is known of its string: "sg-" and the hole.
        assert_eq!(
            doc.get("Sg"),
            Some(&Value::Unknown(hole.clone().with_pieces(vec![
                Known::Lit("sg-".into()),
                Known::hole("", &hole),
            ])))
        );
        assert_eq!(doc.get("Keep"), Some(&Value::from("yes")));
    }

    #[test]
    fn a_shape_is_bounded_however_often_it_is_copied() {
        // A string made of two copies of the previous one, forty times over.
        let mut u = Unknown::new("parameter P has no value", None).with_pieces(vec![Known::hole(
            "P",
            &Unknown::new("parameter P has no value", None),
        )]);
        let mut dropped = false;
        for _ in 0..40 {
            let pieces = [
                Piece::Unknown(u.clone()),
                lit("-"),
                Piece::Unknown(u.clone()),
            ];
            u = unknown_string(u.clone(), &pieces);
            assert!(u
                .pieces
                .as_ref()
                .is_none_or(|p| p.len() <= MAX_SHAPE_PIECES));
            dropped |= u.pieces.is_none();
        }
        assert!(dropped, "past the bound nothing but the unknown is kept");
        assert_eq!(
            shape(&[lit("a"), Piece::Unknown(Unknown::new("x", None)), lit("b")]).map(|s| s.len()),
            Some(3)
        );
    }

    #[test]
    fn a_symbol_outside_a_string_means_not_json() {
        let err = parse(&[lit(r#"{"N": "#), account(), lit("}")]).unwrap_err();
        assert!(err.0.contains("outside a JSON string"), "{err}");
        let hole = Piece::Unknown(Unknown::new("x", None));
        assert!(parse(&[lit(r#"{"N": "#), hole, lit("}")]).is_err());
    }

    #[test]
    fn only_objects_and_arrays_are_documents() {
        assert!(parse_value(&Value::from("not json")).is_err());
        assert!(parse_value(&Value::from("\"a string\"")).is_err());
        assert!(parse_value(&Value::from("42")).is_err());
        assert!(parse_value(&Value::from("[1]")).is_ok());
        assert!(parse_value(&Value::Bool(true)).is_err());
        assert!(parse_value(&Value::from("{\"a\": ")).is_err());
    }

    #[test]
    fn private_use_characters_in_the_input_are_not_taken_for_markers() {
        // Raw U+E000 and U+E001, an escaped U+E002, and a symbol: all come back as written.
        let doc = parse(&[
            lit("{\"A\": \"\u{E000}0\u{E000}\", \"B\": \"\\ue001 \\uE002\", \"C\": \""),
            account(),
            lit("\u{E001}\"}"),
        ])
        .unwrap();
        assert_eq!(doc.get("A"), Some(&Value::from("\u{E000}0\u{E000}")));
        assert_eq!(doc.get("B"), Some(&Value::from("\u{E001} \u{E002}")));
        assert_eq!(
            doc.get("C").map(Value::render).as_deref(),
            Some("${AWS::AccountId}\u{E001}")
        );
    }

    #[test]
    fn symbols_in_keys_are_rendered_and_unresolved_keys_hide_their_object() {
        let r = Piece::Part(Part::Sym(Symbol::Ref(Ident::new("t#Key"))));
        let doc = parse(&[lit(r#"{"k": {""#), r, lit(r#"": 1}}"#)]).unwrap();
        assert_eq!(
            doc.get("k").and_then(|k| k.get("${t#Key}")),
            Some(&Value::Number("1".into()))
        );
        let u = Unknown::new("var.key", None);
        let doc = parse(&[
            lit(r#"{"k": {""#),
            Piece::Unknown(u.clone()),
            lit(r#"": 1}, "other": 2}"#),
        ])
        .unwrap();
        assert!(matches!(doc.get("k"), Some(Value::Unknown(got)) if got.reason == u.reason));
        assert_eq!(doc.get("other"), Some(&Value::Number("2".into())));
    }

    #[test]
    fn a_marker_that_stands_for_nothing_is_an_unknown_naming_it() {
        let got = pieces_of("a\u{E000}7\u{E000}b", '\u{E000}', &[]).unwrap_err();
        assert!(got.reason.contains("\"7\""), "{}", got.reason);
        let cut = pieces_of("a\u{E000}0", '\u{E000}', &[]).unwrap_err();
        assert!(cut.reason.contains("cut"), "{}", cut.reason);
    }
}
