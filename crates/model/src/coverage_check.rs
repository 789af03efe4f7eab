//! The checks of a coverage table against the lowering it describes, written once for every
//! loader: each loader's tests only say how its types are spelled and how one type is lowered,
//! and these functions say whether the table and the lowering agree. A row without its arm, an
//! arm without its row, or a table that claims a kind the lowering does not yield would
//! otherwise let `docs/coverage.md` drift from what a scan really reads.
//!
//! Each check returns its disagreements, one sentence each, rather than panicking, so a test
//! reports all of them at once and this crate stays free of assertions on its callers' data.
//! Reading the lowering's source files is the caller's: this crate does no IO.

use crate::{KindTag, Lowering, Origin};
use std::collections::BTreeMap;

/// Fewer full type names than this in a lowering's source means the scan of the source, not the
/// table, is broken (the spelling of type names changed, the directory moved).
pub const MIN_NAMES_IN_SOURCE: usize = 50;

/// What lowering one input type, given the least input its arm needs, produced.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lowered {
    /// The kind of the first resource made; `None` when the type made none.
    pub first: Option<KindTag>,
    /// How many resources were made, the first included.
    pub resources: usize,
    /// How many links add to a resource declared elsewhere (what `Link` rows list).
    pub links: usize,
}

impl Lowered {
    /// What a type without an arm lowers to: one resource of kind `Other`, no links.
    pub const OTHER: Lowered = Lowered {
        first: Some(KindTag::Other),
        resources: 1,
        links: 0,
    };
}

/// Every full type name spelled as a string literal in `source` that starts with `prefix`
/// (`AWS::` for CloudFormation, `aws_` for Terraform). `is_full` is given the rest of the
/// literal after `prefix` and tells a whole type name from a prefix the lowering matches on
/// (`"aws_iam_"`) or other text that happens to start the same way.
pub fn type_names_in(source: &str, prefix: &str, is_full: impl Fn(&str) -> bool) -> Vec<String> {
    let opening = format!("\"{prefix}");
    source
        .split(opening.as_str())
        .skip(1)
        .filter_map(|piece| piece.find('"').map(|end| &piece[..end]))
        .filter(|rest| is_full(rest))
        .map(|rest| format!("{prefix}{rest}"))
        .collect()
}

/// Whether every type name found in the lowering's source (`(name, file)`) has a row in
/// `table`, unless it is one the lowering names without giving it a kind (`not_a_kind`); and
/// whether the scan found enough names to be trusted at all.
pub fn names_without_row(
    table: &[Lowering],
    found: &[(String, String)],
    not_a_kind: &[&str],
) -> Vec<String> {
    let mut problems = Vec::new();
    if found.len() <= MIN_NAMES_IN_SOURCE {
        problems.push(format!("the source scan found only {}", found.len()));
    }
    for (t, file) in found {
        if !table.iter().any(|r| r.input == t) && !not_a_kind.contains(&t.as_str()) {
            problems.push(format!(
                "{t} is lowered in {file} but has no row in COVERAGE"
            ));
        }
    }
    problems
}

/// Whether every type of `table` lowers as its rows say: at most one `Resource` row per type,
/// the first resource made is of that row's kind (`Other` when the type has no `Resource`
/// row, only parts, links or steps), and links are made exactly when the type has `Link` rows.
pub fn rows_disagreeing(table: &[Lowering], lower: impl Fn(&str) -> Lowered) -> Vec<String> {
    let mut by_type: BTreeMap<&str, Vec<&Lowering>> = BTreeMap::new();
    for row in table {
        by_type.entry(row.input).or_default().push(row);
    }
    let mut problems = Vec::new();
    for (t, rows) in by_type {
        let resources: Vec<_> = rows
            .iter()
            .filter(|r| r.origin == Origin::Resource)
            .collect();
        if resources.len() > 1 {
            problems.push(format!("{t}: more than one Resource row"));
        }
        let got = lower(t);
        match resources.first() {
            Some(r) if got.first != Some(r.kind) => problems.push(format!(
                "{t} does not lower to {:?} (it lowers to {:?})",
                r.kind, got.first
            )),
            None if got.first != Some(KindTag::Other) => problems.push(format!(
                "{t} has no Resource row (it lowers to {:?})",
                got.first
            )),
            _ => {}
        }
        let linked = rows.iter().any(|r| r.origin == Origin::Link);
        if (got.links > 0) != linked {
            problems.push(format!(
                "{t}: links produced ({}) and Link rows disagree",
                got.links
            ));
        }
    }
    problems
}

/// Whether each of `unlisted`, types the loader deliberately has no arm for, is absent from
/// `table` and lowers to [`Lowered::OTHER`]: a type nobody listed must not quietly become a
/// kind the analysis trusts.
pub fn unlisted_disagreeing(
    table: &[Lowering],
    unlisted: &[&str],
    lower: impl Fn(&str) -> Lowered,
) -> Vec<String> {
    let mut problems = Vec::new();
    for &t in unlisted {
        if table.iter().any(|r| r.input == t) {
            problems.push(format!("{t} is listed"));
        }
        let got = lower(t);
        if got != Lowered::OTHER {
            problems.push(format!("{t} lowers to {got:?}, not {:?}", Lowered::OTHER));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{KindTag as K, Lowering as L, Origin as O};

    const TABLE: &[L] = &[
        L::resource("t_vpc", K::Vpc),
        L::via("t_link", K::Role, O::Link),
        L::via("t_pipeline", K::Job, O::PipelineStep),
    ];

    fn lower(t: &str) -> Lowered {
        match t {
            "t_vpc" => Lowered {
                first: Some(K::Vpc),
                resources: 1,
                links: 0,
            },
            "t_link" => Lowered {
                links: 1,
                ..Lowered::OTHER
            },
            _ => Lowered::OTHER,
        }
    }

    #[test]
    fn finds_full_names_only() {
        let src = r#"match t { "t_vpc" => 1, x if x.starts_with("t_iam_") => 2, "other" => 3 }"#;
        let names = type_names_in(src, "t_", |rest| !rest.ends_with('_'));
        assert_eq!(names, ["t_vpc"]);
    }

    #[test]
    fn an_agreeing_table_has_no_problems() {
        assert_eq!(rows_disagreeing(TABLE, lower), Vec::<String>::new());
        assert_eq!(
            unlisted_disagreeing(TABLE, &["t_queue"], lower),
            Vec::<String>::new()
        );
    }

    #[test]
    fn each_disagreement_is_reported() {
        let wrong = &[
            L::resource("t_vpc", K::Subnet),
            L::resource("t_vpc", K::Vpc),
            L::resource("t_link", K::Role),
        ];
        let problems = rows_disagreeing(wrong, lower);
        assert_eq!(problems.len(), 4, "{problems:#?}");
        let problems = unlisted_disagreeing(TABLE, &["t_vpc"], lower);
        assert_eq!(problems.len(), 2, "{problems:#?}");
        let found = vec![("t_queue".to_string(), "lower.rs".to_string())];
        let problems = names_without_row(TABLE, &found, &[]);
        assert_eq!(problems.len(), 2, "{problems:#?}");
        assert_eq!(names_without_row(TABLE, &found, &["t_queue"]).len(), 1);
    }
}
