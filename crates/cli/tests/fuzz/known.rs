//! Crashes the fuzzer found that are not fixed yet, each with its minimal input and the way it
//! fails. A generated input failing the same way is counted and the run goes on, so the bounded
//! run stays green while the fix is under way; `check_all` re-runs each recorded input, which
//! must fail exactly as recorded (anything else is a new crash) or not at all (then the entry is
//! reported as fixed and should be removed, its input kept as a regression test where the fix
//! was made).

use crate::harness::{self, Case, Failure};

/// How a recorded crash fails.
#[allow(
    dead_code,
    reason = "an entry is written with one of these; while the list is empty none is built"
)]
pub enum Signature {
    /// A panic whose location contains `location` and whose message contains `message`.
    Panic {
        location: &'static str,
        message: &'static str,
    },
    /// Over the work bound or the time bound (or a hang), most of the time in `phase` of the
    /// scan (`load terraform`, `analysis`, `render junit`, ...).
    Slow { phase: &'static str },
}

pub struct Known {
    pub id: &'static str,
    pub description: &'static str,
    /// The minimal input: (path, text) of each file.
    pub files: &'static [(&'static str, &'static str)],
    pub signature: Signature,
}

pub const KNOWN_CRASHES: &[Known] = &[];

impl Known {
    fn matches(&self, failure: &Failure) -> bool {
        match (&self.signature, failure) {
            (
                Signature::Panic { location, message },
                Failure::Panic {
                    location: at,
                    message: said,
                },
            ) => at.contains(location) && said.contains(message),
            (
                Signature::Slow { phase },
                Failure::Heavy { phase: at, .. }
                | Failure::Slow { phase: at, .. }
                | Failure::Hang { phase: at, .. },
            ) => at == phase,
            _ => false,
        }
    }
}

/// The recorded crash that `failure` of `case` is an instance of.
pub fn matching(failure: &Failure) -> Option<&'static Known> {
    matching_in(KNOWN_CRASHES, failure)
}

pub fn matching_in<'k>(known: &'k [Known], failure: &Failure) -> Option<&'k Known> {
    known.iter().find(|k| k.matches(failure))
}

pub fn check_all() {
    let mut wrong = Vec::new();
    for k in KNOWN_CRASHES {
        let case = Case::new(
            k.files
                .iter()
                .map(|(p, t)| harness::CaseFile::new(*p, t.as_bytes()))
                .collect(),
            true,
        );
        match harness::check(&case, harness::scan).err() {
            None => eprintln!(
                "known crash {} no longer fails: remove it from known.rs",
                k.id
            ),
            Some(f) if k.matches(&f) => {}
            Some(f) => wrong.push(format!("{} ({}): now fails with {f}", k.id, k.description)),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
