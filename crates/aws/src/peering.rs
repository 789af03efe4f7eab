//! VPC peering: whose VPC is on the other side.
//!
//! A peering connection hands whatever is routed to it to the peer VPC, private addresses
//! included, and the peer VPC may belong to another account. Both providers and the API name
//! that account the same way (`PeerOwnerId`, `peer_owner_id`, the accepter's `OwnerId`); this is
//! the one reading of it.

use egressproof_model::{Attr, Part, Pseudo, Span, Symbol, Value, VpcPeeringConnection};

/// The peer VPC's account as written: a literal account ID is itself; the deploying account
/// written symbolically (`!Ref AWS::AccountId`, the caller identity's `account_id`) is
/// [`VpcPeeringConnection::DEPLOYING_ACCOUNT`]; anything else (a parameter without a value, a
/// string built at deploy time) is an unknown at `span`, never taken as ours.
pub fn owner(written: &Value, span: &Span) -> Attr<String> {
    match written {
        Value::Str(s) => Attr::Known(s.trim().to_string()),
        Value::Number(n) => Attr::Known(n.clone()),
        Value::Text(parts)
            if matches!(
                parts.as_slice(),
                [Part::Sym(Symbol::Pseudo(Pseudo::AccountId))]
            ) =>
        {
            Attr::Known(VpcPeeringConnection::DEPLOYING_ACCOUNT.to_string())
        }
        Value::Unknown(u) => Attr::Unknown(u.clone()),
        other => Attr::unknown(
            format!(
                "the peer VPC's account {} is known only at deploy time",
                other.render()
            ),
            Some(span.clone()),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span() -> Span {
        Span::new("t", 1, 1)
    }

    #[test]
    fn literal_and_deploying_accounts_are_known() {
        assert_eq!(
            owner(&Value::from("444455556666"), &span()),
            Attr::Known("444455556666".into())
        );
        assert_eq!(
            owner(&Value::symbol(Symbol::Pseudo(Pseudo::AccountId)), &span()),
            Attr::Known(VpcPeeringConnection::DEPLOYING_ACCOUNT.into())
        );
    }

    #[test]
    fn anything_built_at_deploy_time_is_unknown() {
        let built = Value::text(vec![
            Part::Lit("4444".into()),
            Part::Sym(Symbol::Pseudo(Pseudo::Region)),
        ]);
        assert!(matches!(owner(&built, &span()), Attr::Unknown(_)));
        let unresolved = Value::unknown("parameter PeerAccount has no value", None);
        assert!(matches!(owner(&unresolved, &span()), Attr::Unknown(_)));
    }
}
