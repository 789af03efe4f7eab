//! Strings with unresolved parts: `arn:aws:s3:::ds-data-${ProjectName}-*` when `ProjectName` has
//! no value. The loaders keep what is known of such a string ([`Unknown::pieces`]); this module
//! answers the questions whose answer does not depend on the holes.
//!
//! A hole is written as a *token*: one of the 32 noncharacters U+FDD0..U+FDEF, which Unicode
//! reserves for a program's internal use; a string that already holds one is not read this way
//! (it stays an unknown). Two holes with the same reason and place are the same value (one
//! parameter used twice) and get the same token. Two checks hold whatever the values are:
//! - [`covers`]: every string one pattern names, another names too (a hole of one side matched
//!   only by the same hole of the other, or absorbed by a `*`);
//! - [`disjoint`]: no string is named by both (each hole read as `*`, so as any value).
//!
//! Both are sufficient conditions, never guesses: when neither holds, the answer depends on the
//! values, and the caller leaves it undecided.
//!
//! Only containment reads the identity of holes, and only to find that a pattern names nothing
//! but a bucket of ours: the patterns it can find so are exact bucket names, which the EP301
//! question takes as ours anyway (an assumption it states). So a `sealed` answer never rests on
//! two holes being the same value; the identity makes the answer precise, not safe.
//!
//! [`Unknown::pieces`]: egressproof_model::Unknown::pieces

use crate::cond::{Condition, Op, SetOp};
use egressproof_model::{Piece, Span, Value};
use std::collections::HashSet;

const FIRST: u32 = 0xFDD0;
const COUNT: u32 = 32;

/// Whether `c` is the token of a hole.
pub(crate) fn is_token(c: char) -> bool {
    (FIRST..FIRST + COUNT).contains(&(c as u32))
}

/// The holes of one question, each with its token.
#[derive(Debug, Default)]
pub(crate) struct Holes {
    /// Reason and place (the identity), and the name as written (for people).
    ids: Vec<(String, Option<Span>, String)>,
}

impl Holes {
    fn token(&mut self, name: &str, reason: &str, span: &Option<Span>) -> Option<char> {
        let i = match self
            .ids
            .iter()
            .position(|(r, s, _)| r == reason && s == span)
        {
            Some(i) => {
                if self.ids[i].2.is_empty() {
                    self.ids[i].2 = name.to_string();
                }
                i
            }
            None => {
                self.ids
                    .push((reason.to_string(), span.clone(), name.to_string()));
                self.ids.len() - 1
            }
        };
        u32::try_from(i)
            .ok()
            .filter(|i| *i < COUNT)
            .and_then(|i| char::from_u32(FIRST + i))
    }

    /// A string value as text: literals as written, symbols as `${...}` (as the engine reads
    /// them everywhere), holes as tokens. `None` when it is not a string, when nothing is known
    /// of it, when it has too many holes, or when its text already holds a token.
    pub(crate) fn text(&mut self, v: &Value) -> Option<String> {
        match v {
            Value::Str(_) | Value::Text(_) => {
                let s = v.render();
                (!s.chars().any(is_token)).then_some(s)
            }
            Value::Unknown(u) => {
                let mut s = String::new();
                for p in u.pieces.as_ref()? {
                    match p {
                        Piece::Lit(l) if l.chars().any(is_token) => return None,
                        Piece::Lit(l) => s.push_str(l),
                        Piece::Sym(sym) => s.push_str(&sym.to_string()),
                        Piece::Hole { name, reason, span } => {
                            s.push(self.token(name, reason, span)?)
                        }
                    }
                }
                Some(s)
            }
            _ => None,
        }
    }

    /// The text for people: each token as `${name}` (`${?}` when the value had no name).
    pub(crate) fn show(&self, s: &str) -> String {
        let mut out = String::with_capacity(s.len());
        for c in s.chars() {
            if !is_token(c) {
                out.push(c);
                continue;
            }
            let name = self
                .ids
                .get((c as u32 - FIRST) as usize)
                .map(|(_, _, n)| n.as_str())
                .filter(|n| !n.is_empty())
                .unwrap_or("?");
            out.push_str("${");
            out.push_str(name);
            out.push('}');
        }
        out
    }
}

/// One symbol of a pattern: a character, a hole, `*` or `?`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Sym {
    Char(char),
    Token(char),
    Star,
    One,
}

fn syms(s: &str, pattern: bool) -> Vec<Sym> {
    s.chars()
        .map(|c| match c {
            c if is_token(c) => Sym::Token(c),
            '*' if pattern => Sym::Star,
            '?' if pattern => Sym::One,
            c => Sym::Char(c),
        })
        .collect()
}

/// Whether every string `p` names (a pattern when `p_pattern`, else one string) is named by
/// `q` (a pattern when `q_pattern`), whatever values the holes have. `q` is matched against the
/// symbols of `p`: a `*` of `q` absorbs any of them; a `?` only one character; a character only
/// the same character; a hole only the same hole (both stand for one value).
pub(crate) fn covers(q: &str, q_pattern: bool, p: &str, p_pattern: bool) -> bool {
    let q = syms(q, q_pattern);
    let t = syms(p, p_pattern);
    let m = t.len();
    // row[j]: q[..i] matches t[..j].
    let mut row = vec![false; m + 1];
    row[0] = true;
    for sym in &q {
        let mut next = vec![false; m + 1];
        if *sym == Sym::Star {
            next[0] = row[0];
        }
        for j in 1..=m {
            next[j] = match sym {
                Sym::Star => row[j] || next[j - 1],
                Sym::One => row[j - 1] && matches!(t[j - 1], Sym::Char(_) | Sym::One),
                Sym::Char(_) | Sym::Token(_) => row[j - 1] && t[j - 1] == *sym,
            };
        }
        row = next;
    }
    row[m]
}

/// Whether no string is named by both `a` and `b`, whatever values the holes have: each hole
/// is read as `*`, and the two patterns share no string.
pub(crate) fn disjoint(a: &str, a_pattern: bool, b: &str, b_pattern: bool) -> bool {
    let loose = |s: &str, pattern: bool| -> Vec<Sym> {
        syms(s, pattern)
            .into_iter()
            .map(|x| match x {
                Sym::Token(_) => Sym::Star,
                x => x,
            })
            .collect()
    };
    let (a, b) = (loose(a, a_pattern), loose(b, b_pattern));
    let (n, m) = (a.len(), b.len());
    // One step of a string both match: the next state and the character it fixes, if any.
    let steps = |s: &[Sym], i: usize| -> Vec<(usize, Option<char>)> {
        match s.get(i) {
            Some(Sym::Star) => vec![(i, None)],
            Some(Sym::One) => vec![(i + 1, None)],
            Some(Sym::Char(c)) => vec![(i + 1, Some(*c))],
            Some(Sym::Token(_)) | None => Vec::new(),
        }
    };
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    let mut todo = vec![(0usize, 0usize)];
    while let Some((i, j)) = todo.pop() {
        if !seen.insert((i, j)) {
            continue;
        }
        if i == n && j == m {
            return false;
        }
        if a.get(i) == Some(&Sym::Star) {
            todo.push((i + 1, j));
        }
        if b.get(j) == Some(&Sym::Star) {
            todo.push((i, j + 1));
        }
        for (ni, ca) in steps(&a, i) {
            for (nj, cb) in steps(&b, j) {
                if ca.is_none() || cb.is_none() || ca == cb {
                    todo.push((ni, nj));
                }
            }
        }
    }
    true
}

/// The truth of a test on a request value with holes (`x`, one string), whatever values the
/// holes have: `None` when it depends on them (or the operator is not one this reasons about).
pub(crate) fn holds_whatever(c: &Condition, x: Option<&str>) -> Option<bool> {
    let with_holes = |s: &str| s.chars().any(is_token);
    let Some(x) = x else {
        return Some(c.holds(None));
    };
    if !with_holes(x) && !c.values.iter().any(|v| with_holes(v)) {
        return Some(c.holds(Some(x)));
    }
    if c.set != SetOp::Single {
        return None;
    }
    let pattern = match c.op {
        Op::StringLike | Op::StringNotLike | Op::ArnLike | Op::ArnNotLike | Op::ArnEquals => true,
        Op::ArnNotEquals => true,
        Op::StringEquals | Op::StringNotEquals => false,
        _ => return None,
    };
    let mut any = false;
    let mut none = true;
    for v in &c.values {
        if covers(v, pattern, x, false) {
            any = true;
        }
        if !disjoint(v, pattern, x, false) {
            none = false;
        }
    }
    let positive = if any {
        true
    } else if none {
        false
    } else {
        return None;
    };
    Some(positive != c.op.negated())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(i: u32) -> char {
        char::from_u32(FIRST + i).unwrap()
    }

    #[test]
    fn containment_with_holes() {
        let p = format!("arn:aws:s3:::{}-data/*", t(0));
        assert!(covers(&p, true, &p, true), "a pattern covers itself");
        assert!(covers("arn:aws:s3:::*", true, &p, true));
        assert!(!covers(
            &format!("arn:aws:s3:::{}-data/*", t(1)),
            true,
            &p,
            true
        ));
        // A hole is not one character.
        assert!(!covers("arn:aws:s3:::?-data/*", true, &p, true));
        // An exact name does not cover a wildcard.
        assert!(!covers(
            &format!("arn:aws:s3:::{}-data/x", t(0)),
            true,
            &p,
            true
        ));
        let x = format!("arn:aws:s3:::ds-{}-\u{1}other", t(0));
        assert!(covers(
            &format!("arn:aws:s3:::ds-{}-*", t(0)),
            true,
            &x,
            false
        ));
    }

    #[test]
    fn disjointness_with_holes() {
        let x = format!("arn:aws:s3:::ds-{}-\u{1}other", t(0));
        assert!(disjoint("arn:aws:s3:::logs/*", true, &x, false));
        assert!(!disjoint("arn:aws:s3:::ds-prod-*", true, &x, false));
        assert!(disjoint("a*b", true, "c*", true));
        assert!(!disjoint("a*b", true, "*c*", true));
        assert!(disjoint("a?", true, "abc", false));
    }

    use proptest::prelude::*;

    /// A pattern over a, b, `*`, `?` and two holes.
    fn pattern() -> impl Strategy<Value = String> {
        prop::collection::vec(
            prop::sample::select(vec!['a', 'b', '*', '?', t(0), t(1)]),
            0..6,
        )
        .prop_map(|cs| cs.into_iter().collect())
    }

    fn fill(p: &str, values: &[&str; 2]) -> String {
        p.chars()
            .map(|c| match c {
                c if c == t(0) => values[0].to_string(),
                c if c == t(1) => values[1].to_string(),
                c => c.to_string(),
            })
            .collect()
    }

    /// Every string over a and b up to `n` characters.
    fn strings(n: usize) -> Vec<String> {
        let mut out = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..n {
            last = last
                .iter()
                .flat_map(|s| [format!("{s}a"), format!("{s}b")])
                .collect();
            out.extend(last.iter().cloned());
        }
        out
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Containment and disjointness hold for every value of the holes (values that are
        /// patterns themselves included), checked on every short string.
        #[test]
        fn hole_checks_hold_for_every_value(
            q in pattern(),
            p in pattern(),
            v0 in prop::sample::select(vec!["", "a", "b", "ab", "*", "a?", "ba"]),
            v1 in prop::sample::select(vec!["", "a", "b", "*", "bb"]),
        ) {
            let values = [v0, v1];
            let (qc, pc) = (fill(&q, &values), fill(&p, &values));
            let all = strings(5);
            if covers(&q, true, &p, true) {
                for s in &all {
                    prop_assert!(!crate::glob::matches(&pc, s, false) || crate::glob::matches(&qc, s, false),
                        "{q:?} covers {p:?} but with {values:?} {s:?} matches only the second");
                }
            }
            if disjoint(&q, true, &p, true) {
                for s in &all {
                    prop_assert!(!(crate::glob::matches(&pc, s, false) && crate::glob::matches(&qc, s, false)),
                        "{q:?} and {p:?} disjoint but with {values:?} both match {s:?}");
                }
            }
            // Against one string with holes (a request value: its wildcards are characters).
            let x: String = p.chars().filter(|c| *c != '*' && *c != '?').collect();
            let xc = fill(&x, &values);
            if covers(&q, true, &x, false) {
                prop_assert!(crate::glob::matches(&qc, &xc, false), "{q:?} covers {x:?} but not with {values:?}");
            }
            if disjoint(&q, true, &x, false) {
                prop_assert!(!crate::glob::matches(&qc, &xc, false), "{q:?} disjoint from {x:?} but not with {values:?}");
            }
        }
    }

    #[test]
    fn a_test_decided_whatever_the_holes() {
        let like = |v: &str| Condition {
            op: Op::StringNotLike,
            set: SetOp::Single,
            if_exists: false,
            key: crate::RESOURCE_KEY.into(),
            values: vec![v.to_string()],
        };
        let x = format!("arn:aws:s3:::ds-{}-\u{1}other", t(0));
        assert_eq!(
            holds_whatever(&like("arn:aws:s3:::mine/*"), Some(&x)),
            Some(true)
        );
        assert_eq!(
            holds_whatever(&like(&format!("arn:aws:s3:::ds-{}-*", t(0))), Some(&x)),
            Some(false)
        );
        assert_eq!(
            holds_whatever(&like("arn:aws:s3:::ds-prod-*"), Some(&x)),
            None
        );
    }
}
