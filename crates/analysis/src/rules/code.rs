//! What a [`Rule`] is besides its variant: its code as text (and back), its family, and how it
//! meets the unknown codes of the loaders ([`UnknownCode`]). The variants themselves are
//! declared by the registry table in `rules/mod.rs`, so a code has exactly one definition.

use super::Rule;
use egressproof_model::UnknownCode;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// The rule families of DESIGN.md §3: the hundreds digit of a code. What a family means for
/// the verdict lives here once (hardening never counts; unknowns make it `unproven`), so no
/// caller tests a code's text prefix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Family {
    /// EP1xx: the workload reaches the internet through SageMaker's own network.
    ManagedInternet,
    /// EP2xx: the VPC's routes lead out.
    VpcRoutes,
    /// EP3xx: AWS service channels reached privately.
    ServiceChannels,
    /// EP4xx: people carry data out (presigned URLs, remote IDEs).
    People,
    /// EP5xx: guardrails for resources created later.
    Guardrails,
    /// EP6xx: hardening, reported apart; never changes a verdict.
    Hardening,
    /// EP8xx: suppressions that explain nothing or match nothing.
    SuppressionHygiene,
    /// EP9xx: what could not be decided; makes the verdict `unproven`.
    Unknowns,
}

impl Rule {
    /// The unknown family this rule reports, for the EP9xx rules.
    pub fn unknown_code(self) -> Option<UnknownCode> {
        match self {
            Rule::UnparsableFile => Some(UnknownCode::EP901),
            Rule::UnresolvedValue => Some(UnknownCode::EP902),
            Rule::UnsupportedConstruct => Some(UnknownCode::EP903),
            Rule::LiveCallFailed => Some(UnknownCode::EP904),
            _ => None,
        }
    }

    /// Whether a finding of this rule can make a verdict `leaks` (hardening cannot).
    pub fn counts_for_verdict(self) -> bool {
        self.family() != Family::Hardening
    }

    /// The known rule closest to `input` (by code or by name), when one is close enough to be
    /// what was meant: `EP2O1` and `route-to-internt` both suggest EP201.
    pub fn closest(input: &str) -> Option<Rule> {
        let input = input.trim().to_ascii_lowercase();
        Rule::ALL
            .iter()
            .flat_map(|&r| {
                let code = edit_distance(&input, &r.as_str().to_ascii_lowercase());
                let name = edit_distance(&input, r.meta().name);
                // A code is five characters: two edits make another code; a name allows a
                // typo per word or so.
                let code = (code <= 2).then_some((code, r));
                let name = (name <= (r.meta().name.len() / 6).max(2)).then_some((name, r));
                code.into_iter().chain(name)
            })
            .min_by_key(|&(d, r)| (d, r))
            .map(|(_, r)| r)
    }
}

impl From<UnknownCode> for Rule {
    fn from(code: UnknownCode) -> Rule {
        match code {
            UnknownCode::EP901 => Rule::UnparsableFile,
            UnknownCode::EP902 => Rule::UnresolvedValue,
            UnknownCode::EP903 => Rule::UnsupportedConstruct,
            UnknownCode::EP904 => Rule::LiveCallFailed,
        }
    }
}

impl fmt::Display for Rule {
    /// The code; `pad` so that `{:<6}` aligns a catalog.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A rule code that names no rule of the catalog.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown rule `{input}`{}", hint(.closest))]
pub struct ParseRuleError {
    /// What was written.
    pub input: String,
    /// The known rule it is closest to, if any is close.
    pub closest: Option<Rule>,
}

fn hint(closest: &Option<Rule>) -> String {
    match closest {
        Some(r) => format!(" (did you mean {r}, {}?)", r.meta().name),
        None => String::new(),
    }
}

impl FromStr for Rule {
    type Err = ParseRuleError;

    /// Case-insensitive (`ep201` is EP201), as users type codes on a command line.
    fn from_str(s: &str) -> Result<Rule, ParseRuleError> {
        Rule::ALL
            .iter()
            .copied()
            .find(|r| r.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| ParseRuleError {
                input: s.to_string(),
                closest: Rule::closest(s),
            })
    }
}

/// Serialized as the code ("EP201"), the form every report and configuration already uses.
impl Serialize for Rule {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Rule, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

/// Comparisons with a code as text are exact (`Rule == "EP201"`); parse for case-insensitivity.
impl PartialEq<str> for Rule {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Rule {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Rule {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Rule> for str {
    fn eq(&self, other: &Rule) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Rule> for &str {
    fn eq(&self, other: &Rule) -> bool {
        *self == other.as_str()
    }
}

/// Levenshtein distance over bytes (codes and names are ASCII).
fn edit_distance(a: &str, b: &str) -> usize {
    let b = b.as_bytes();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.bytes().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let substitute = diagonal + usize::from(ca != cb);
            diagonal = row[j + 1];
            row[j + 1] = substitute.min(row[j] + 1).min(diagonal + 1);
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_parse_in_any_case_and_print_as_written() {
        assert_eq!("ep201".parse::<Rule>(), Ok(Rule::RouteToInternet));
        assert_eq!("EP902".parse::<Rule>(), Ok(Rule::UnresolvedValue));
        assert_eq!(Rule::RouteToInternet.to_string(), "EP201");
        assert_eq!(format!("[{:<6}]", Rule::RouteToInternet), "[EP201 ]");
        for &r in Rule::ALL {
            assert_eq!(r.as_str().parse::<Rule>(), Ok(r));
        }
    }

    #[test]
    fn an_unknown_code_names_the_closest_rule() {
        let err = "EP1O1".parse::<Rule>().unwrap_err();
        assert_eq!(err.closest, Some(Rule::NotebookDirectInternet));
        assert_eq!(
            err.to_string(),
            "unknown rule `EP1O1` (did you mean EP101, notebook-direct-internet?)"
        );
        let by_name = "route-to-internt".parse::<Rule>().unwrap_err();
        assert_eq!(by_name.closest, Some(Rule::RouteToInternet));
        let far = "nothing-like-it".parse::<Rule>().unwrap_err();
        assert_eq!(far.closest, None);
        assert_eq!(far.to_string(), "unknown rule `nothing-like-it`");
    }

    #[test]
    fn serialized_as_the_code() {
        let json = serde_json::to_string(&[Rule::RouteToInternet, Rule::LiveCallFailed]).unwrap();
        assert_eq!(json, r#"["EP201","EP904"]"#);
        let back: Vec<Rule> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, [Rule::RouteToInternet, Rule::LiveCallFailed]);
        let err = serde_json::from_str::<Rule>(r#""EP999""#).unwrap_err();
        assert!(err.to_string().contains("unknown rule `EP999`"), "{err}");
    }

    #[test]
    fn unknown_codes_are_rules_of_their_family() {
        for code in [
            UnknownCode::EP901,
            UnknownCode::EP902,
            UnknownCode::EP903,
            UnknownCode::EP904,
        ] {
            let rule = Rule::from(code);
            assert_eq!(rule.as_str(), code.as_str());
            assert_eq!(rule.unknown_code(), Some(code));
            assert_eq!(rule.family(), Family::Unknowns);
        }
        let others = Rule::ALL.iter().filter(|r| r.family() != Family::Unknowns);
        assert!(others.clone().all(|r| r.unknown_code().is_none()));
    }

    #[test]
    fn families_follow_the_hundreds_digit() {
        for &r in Rule::ALL {
            let digit = r.as_str().as_bytes()[2];
            let expected = match digit {
                b'1' => Family::ManagedInternet,
                b'2' => Family::VpcRoutes,
                b'3' => Family::ServiceChannels,
                b'4' => Family::People,
                b'5' => Family::Guardrails,
                b'6' => Family::Hardening,
                b'8' => Family::SuppressionHygiene,
                _ => Family::Unknowns,
            };
            assert_eq!(r.family(), expected, "{r}");
        }
        assert!(!Rule::NotebookRootAccess.counts_for_verdict());
        assert!(Rule::RouteToInternet.counts_for_verdict());
    }

    #[test]
    fn order_is_code_order() {
        let mut by_code = Rule::ALL.to_vec();
        by_code.sort_by_key(|r| r.as_str());
        let mut by_variant = Rule::ALL.to_vec();
        by_variant.sort();
        assert_eq!(by_code, by_variant);
        assert_eq!(by_code, Rule::ALL);
    }

    #[test]
    fn edit_distance_counts_edits() {
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("ep1o1", "ep101"), 1);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
    }
}
