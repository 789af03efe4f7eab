//! Values given for names no input declares: `--param NoSuchParam=1` or `--var nosuch=1` (or the
//! config file's `[params]`/`[vars]`) would otherwise be dropped in silence, and the template
//! judged with its default, which is rarely what a misspelt name meant. Each is a warning that
//! names the inputs that do declare parameters or variables, and the closest declared name.

use std::collections::BTreeMap;

/// How many declaring inputs a warning lists before it says "and N more".
const SHOWN_INPUTS: usize = 3;

/// What a value is given for: CloudFormation parameters or Terraform variables.
#[derive(Clone, Copy, Debug)]
pub(super) enum Kind {
    Param,
    Var,
}

impl Kind {
    fn flag(self) -> &'static str {
        match self {
            Kind::Param => "--param",
            Kind::Var => "--var",
        }
    }

    fn noun(self) -> &'static str {
        match self {
            Kind::Param => "parameter",
            Kind::Var => "variable",
        }
    }

    fn inputs(self) -> &'static str {
        match self {
            Kind::Param => "CloudFormation template",
            Kind::Var => "Terraform root module",
        }
    }
}

/// One warning per given name that no input declares. `declared`: each input with the names it
/// declares, as the loaders report them.
pub(super) fn warnings(
    kind: Kind,
    given: &BTreeMap<String, String>,
    declared: &[(String, Vec<String>)],
) -> Vec<String> {
    let mut out = Vec::new();
    for name in given.keys() {
        if declared.iter().any(|(_, names)| names.contains(name)) {
            continue;
        }
        let declaring: Vec<&(String, Vec<String>)> =
            declared.iter().filter(|(_, n)| !n.is_empty()).collect();
        let mut text = format!(
            "{} {name}: no {} of the scan declares a {} of that name, so the value is not used",
            kind.flag(),
            kind.inputs(),
            kind.noun()
        );
        if declaring.is_empty() {
            text.push_str(&format!(
                " ({})",
                if declared.is_empty() {
                    format!("the scan holds no {}", kind.inputs())
                } else {
                    format!("none declares any {}", kind.noun())
                }
            ));
        } else {
            let mut listed: Vec<String> = declaring
                .iter()
                .take(SHOWN_INPUTS)
                .map(|(input, names)| format!("{input} declares {}", names.join(", ")))
                .collect();
            if declaring.len() > SHOWN_INPUTS {
                listed.push(format!("{} more", declaring.len() - SHOWN_INPUTS));
            }
            text.push_str(&format!(" ({})", listed.join("; ")));
        }
        if let Some(close) = closest(name, declared.iter().flat_map(|(_, n)| n)) {
            text.push_str(&format!("; did you mean {close}?"));
        }
        out.push(text);
    }
    out
}

/// The declared name nearest to `name` by edit distance, ignoring case, when it is near enough
/// to be a typo (a third of the name's length, at least two edits).
fn closest<'a>(name: &str, candidates: impl Iterator<Item = &'a String>) -> Option<&'a str> {
    let lower = name.to_lowercase();
    let limit = (name.chars().count() / 3).max(2);
    candidates
        .map(|c| (strsim::levenshtein(&lower, &c.to_lowercase()), c))
        .filter(|(d, _)| *d <= limit)
        .min_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)))
        .map(|(_, c)| c.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn given(names: &[&str]) -> BTreeMap<String, String> {
        names
            .iter()
            .map(|n| (n.to_string(), "1".to_string()))
            .collect()
    }

    #[test]
    fn a_declared_name_is_no_warning() {
        let declared = vec![("a.yaml".to_string(), vec!["Access".to_string()])];
        assert!(warnings(Kind::Param, &given(&["Access"]), &declared).is_empty());
    }

    #[test]
    fn an_undeclared_name_names_the_declaring_inputs_and_the_closest_name() {
        let declared = vec![
            (
                "a.yaml".to_string(),
                vec!["Access".to_string(), "Env".to_string()],
            ),
            ("b.yaml".to_string(), Vec::new()),
        ];
        let w = warnings(Kind::Param, &given(&["access"]), &declared);
        assert_eq!(w.len(), 1);
        assert!(
            w[0].starts_with("--param access: no CloudFormation template"),
            "{}",
            w[0]
        );
        assert!(w[0].contains("a.yaml declares Access, Env"), "{}", w[0]);
        assert!(!w[0].contains("b.yaml"), "{}", w[0]);
        assert!(w[0].ends_with("did you mean Access?"), "{}", w[0]);

        let w = warnings(Kind::Var, &given(&["zzzzzzzz"]), &[]);
        assert!(
            w[0].contains("the scan holds no Terraform root module"),
            "{}",
            w[0]
        );
        assert!(!w[0].contains("did you mean"), "{}", w[0]);
    }
}
