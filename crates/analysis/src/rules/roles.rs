//! The roles of the scan as the rules that follow a role value read them (EP306's execution
//! roles, EP903's function roles): which role of the scan a value names, and the policies that
//! decide each role's requests. Both are indexed once per check, so that asking for the role of
//! every workload or custom resource stays linear in the scan.

use crate::iam::{Iam, Principal};
use crate::{Context, Rule, Sink};
use egressproof_model::{Kind, Part, Resource, Symbol, Value};
use std::collections::HashMap;

/// How much of a value must name the role.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Naming {
    /// The whole value is the reference (`!GetAtt Role.Arn`, `!Ref Role`,
    /// `aws_iam_role.r.arn`) or the role's ID (a snapshot's ARN). A value that holds a reference
    /// among other text names something else: a reading for questions where naming the wrong
    /// role would drop an unknown.
    Whole,
    /// Also any reference to a role of the scan inside a built ARN
    /// (`arn:aws:iam::${AWS::AccountId}:role/${Role}`), the first one that is a role.
    Within,
}

/// The roles of the scan by ID (IDs are unique in the model).
pub(crate) struct Roles<'m> {
    by_id: HashMap<&'m str, &'m Resource>,
}

impl<'m> Roles<'m> {
    pub(crate) fn of(ctx: &Context<'m>) -> Self {
        let by_id = ctx
            .resources()
            .filter(|r| matches!(r.kind, Kind::Role(_)))
            .map(|r| (r.id.as_str(), r))
            .collect();
        Roles { by_id }
    }

    /// The role of the scan whose ID is `id`.
    pub(crate) fn get(&self, id: &str) -> Option<&'m Resource> {
        self.by_id.get(id).copied()
    }

    /// The role of the scan a role value names, read as `naming` says.
    pub(crate) fn named(&self, v: &Value, naming: Naming) -> Option<&'m Resource> {
        match v {
            Value::Text(parts) => {
                let symbols: &[Part] = match (naming, parts.as_slice()) {
                    (Naming::Within, all) => all,
                    (Naming::Whole, one @ [Part::Sym(_)]) => one,
                    (Naming::Whole, _) => &[],
                };
                symbols.iter().find_map(|p| match p {
                    Part::Sym(Symbol::Ref(id) | Symbol::Attr { resource: id, .. }) => {
                        self.get(id.as_str())
                    }
                    Part::Sym(Symbol::Pseudo(_)) | Part::Lit(_) => None,
                })
            }
            Value::Str(s) => self.get(s),
            _ => None,
        }
    }
}

/// The account of a built ARN when the value spells it as a literal
/// (`arn:aws:iam::444455556666:role/${Role}`): a reference inside such an ARN names the role of
/// that name in that account, which is the scan's role only when that account is the scan's.
/// `None` when the value is not a built ARN or its account is a symbol (`${AWS::AccountId}`,
/// Terraform's `data.aws_caller_identity`) or empty: then the reference is read as written.
pub(crate) fn literal_arn_account(v: &Value) -> Option<String> {
    let Value::Text(parts) = v else {
        return None;
    };
    // The ARN's fields up to its account (`arn`, partition, service, region, account), each
    // its literal text, or `None` once a symbol is part of it.
    let mut field = Some(String::new());
    let mut index = 0;
    for p in parts {
        match p {
            Part::Lit(s) => {
                for c in s.chars() {
                    if c != ':' {
                        if let Some(f) = field.as_mut() {
                            f.push(c);
                        }
                        continue;
                    }
                    match index {
                        0 if field.as_deref() != Some("arn") => return None,
                        4 => return field.filter(|a| !a.is_empty()),
                        _ => {}
                    }
                    index += 1;
                    field = Some(String::new());
                }
            }
            Part::Sym(_) => field = None,
        }
    }
    None
}

/// The policy engine's view of the scan's IAM, with the principal of each role found by the
/// role's ID.
pub(crate) struct RolePolicies<'m> {
    pub(crate) iam: Iam<'m>,
    /// The first principal of each role, as a search in order would find it.
    principal_of: HashMap<&'m str, usize>,
}

impl<'m> RolePolicies<'m> {
    /// Reads the scan's policies ([`Iam::read`]: the ones that cannot be read become unknowns
    /// of `rule` in `sink`).
    pub(crate) fn read(ctx: &Context<'m>, sink: &mut Sink, rule: Rule) -> Self {
        let iam = Iam::read(ctx, sink, rule);
        let mut principal_of = HashMap::new();
        for (i, p) in iam.principals.iter().enumerate() {
            if let Some(r) = p.resource {
                principal_of.entry(r.id.as_str()).or_insert(i);
            }
        }
        RolePolicies { iam, principal_of }
    }

    /// The principal of a role of the scan: its policies, boundaries included.
    pub(crate) fn principal(&self, role: &Resource) -> Option<&Principal<'m>> {
        self.principal_of
            .get(role.id.as_str())
            .map(|&i| &self.iam.principals[i])
    }
}

#[cfg(test)]
mod tests {
    use super::literal_arn_account;
    use egressproof_model::{Ident, Part, Pseudo, Symbol, Value};

    fn role_ref() -> Part {
        Part::Sym(Symbol::Ref(Ident::new("t.yaml#Role")))
    }

    #[test]
    fn a_literal_account_is_read_and_a_symbol_is_not() {
        let lit = |s: &str| Part::Lit(s.to_string());
        let foreign = Value::Text(vec![lit("arn:aws:iam::444455556666:role/"), role_ref()]);
        assert_eq!(
            literal_arn_account(&foreign).as_deref(),
            Some("444455556666")
        );
        let partition = Value::Text(vec![
            lit("arn:"),
            Part::Sym(Symbol::Pseudo(Pseudo::Partition)),
            lit(":iam::444455556666:role/"),
            role_ref(),
        ]);
        assert_eq!(
            literal_arn_account(&partition).as_deref(),
            Some("444455556666")
        );
        let own = Value::Text(vec![
            lit("arn:aws:iam::"),
            Part::Sym(Symbol::Pseudo(Pseudo::AccountId)),
            lit(":role/"),
            role_ref(),
        ]);
        assert_eq!(literal_arn_account(&own), None);
        assert_eq!(literal_arn_account(&Value::Text(vec![role_ref()])), None);
        let not_arn = Value::Text(vec![lit("a:b:c:d:444455556666:"), role_ref()]);
        assert_eq!(literal_arn_account(&not_arn), None);
    }
}
