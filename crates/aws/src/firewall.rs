//! AWS Network Firewall domain lists: which domains a stateful rule group allows.
//!
//! A rule group's rules come from exactly one source; only a domain list
//! (`RulesSourceList`/`rules_source_list`) names domains. Read once for every format:
//! - no domain list (Suricata rules, stateless rules, 5-tuples): no domain allow-list, `[]`;
//! - `GeneratedRulesType` `ALLOWLIST`: the `Targets`, each of which must be known;
//! - `DENYLIST`, `REJECTLIST`, `ALERTLIST`: not an allow-list, `[]`;
//! - a rule group, rules source, list, type or targets that did not resolve, or a list without
//!   its required type or targets: unknown, never an empty list.

use egressproof_model::{Attr, Span, Unknown};

/// A part of a rule group as a loader found it.
#[derive(Clone, Debug, PartialEq)]
pub enum Block<T> {
    /// Not written: the rule group has no domain list.
    Absent,
    /// Written but not resolved (a dynamic block over an unknown collection, an unresolved
    /// parameter): whether and what it lists is unknown.
    Unresolved(Unknown),
    Present(T),
}

/// A domain list (`RulesSourceList`), its fields as the loader read them (`None` when absent).
#[derive(Clone, Debug, PartialEq)]
pub struct DomainList {
    pub generated_rules_type: Option<Attr<String>>,
    pub targets: Option<Attr<Vec<Attr<String>>>>,
}

/// The domains a rule group allows (see the module documentation); unknowns are reported at
/// `span`.
pub fn allowed_domains(list: Block<DomainList>, span: &Span) -> Attr<Vec<String>> {
    let unknown = |why: &str| Attr::unknown(why, Some(span.clone()));
    let list = match list {
        Block::Absent => return Attr::Known(Vec::new()),
        Block::Unresolved(u) => return Attr::Unknown(u),
        Block::Present(l) => l,
    };
    match list.generated_rules_type {
        None => unknown("the domain list has no GeneratedRulesType"),
        Some(Attr::Unknown(u)) => Attr::Unknown(u),
        Some(Attr::Known(t)) if t.eq_ignore_ascii_case("ALLOWLIST") => match list.targets {
            None => unknown("the allow-list names no Targets"),
            Some(Attr::Unknown(u)) => Attr::Unknown(u),
            Some(Attr::Known(targets)) => {
                let mut out = Vec::with_capacity(targets.len());
                for t in targets {
                    match t {
                        Attr::Known(d) => out.push(d),
                        Attr::Unknown(u) => return Attr::Unknown(u),
                    }
                }
                Attr::Known(out)
            }
        },
        Some(Attr::Known(_)) => Attr::Known(Vec::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span() -> Span {
        Span::new("t", 1, 1)
    }

    fn list(ty: &str, targets: Option<Vec<Attr<String>>>) -> Block<DomainList> {
        Block::Present(DomainList {
            generated_rules_type: Some(Attr::Known(ty.into())),
            targets: targets.map(Attr::Known),
        })
    }

    #[test]
    fn an_allow_list_allows_its_targets() {
        let got = allowed_domains(
            list(
                "ALLOWLIST",
                Some(vec![Attr::Known(".amazonaws.com".into())]),
            ),
            &span(),
        );
        assert_eq!(got, Attr::Known(vec![".amazonaws.com".to_string()]));
    }

    #[test]
    fn deny_lists_and_rule_groups_without_a_list_allow_no_domain_list() {
        assert_eq!(
            allowed_domains(list("DENYLIST", Some(vec![])), &span()),
            Attr::Known(vec![])
        );
        assert_eq!(allowed_domains(Block::Absent, &span()), Attr::Known(vec![]));
    }

    #[test]
    fn anything_unresolved_is_unknown_never_empty() {
        let u = Unknown::new("dynamic block over var.groups", None);
        assert_eq!(
            allowed_domains(Block::Unresolved(u.clone()), &span()),
            Attr::Unknown(u.clone())
        );
        assert_eq!(
            allowed_domains(
                list("ALLOWLIST", Some(vec![Attr::Unknown(u.clone())])),
                &span()
            ),
            Attr::Unknown(u.clone())
        );
        assert!(matches!(
            allowed_domains(list("ALLOWLIST", None), &span()),
            Attr::Unknown(_)
        ));
        let untyped = Block::Present(DomainList {
            generated_rules_type: None,
            targets: Some(Attr::Known(vec![])),
        });
        assert!(matches!(
            allowed_domains(untyped, &span()),
            Attr::Unknown(_)
        ));
        let unresolved_type = Block::Present(DomainList {
            generated_rules_type: Some(Attr::Unknown(u.clone())),
            targets: None,
        });
        assert_eq!(allowed_domains(unresolved_type, &span()), Attr::Unknown(u));
    }
}
