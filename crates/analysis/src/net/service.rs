//! What a VPC endpoint's service name says: which AWS service, or a third party's.
//!
//! Service names are often built with `!Sub com.amazonaws.${AWS::Region}.s3`; the Region is a
//! symbol until deployment. The classification reads the name's parts, so it never needs the
//! Region's value: the service is what follows the Region part.

use egressproof_model::{Part, Symbol, Value};

/// The meaning of an endpoint service name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Service {
    /// An AWS service: `s3`, `sts`, `sagemaker.api`, `notebook`, `studio`, ...
    Aws(String),
    /// A PrivateLink endpoint service of another party (`com.amazonaws.vpce.<region>.vpce-svc-…`
    /// or any name outside the `com.amazonaws.` and `aws.` namespaces).
    ThirdParty(String),
    /// An endpoint service declared in the scan (a reference to it): ours.
    Own(String),
    /// Not resolved (a parameter without value).
    Unknown(String),
}

/// A placeholder for a symbolic part; a NUL never occurs in a service name.
const SYM: char = '\u{0}';

pub fn classify(value: &Value, in_scan: impl Fn(&egressproof_model::Ident) -> bool) -> Service {
    let parts = match value {
        Value::Unknown(u) => return Service::Unknown(u.reason.clone()),
        other => match other.parts() {
            Some(p) => p,
            None => {
                return Service::Unknown(format!("service name {} is not a string", other.render()))
            }
        },
    };
    let mut text = String::new();
    for p in &parts {
        match p {
            Part::Lit(s) => text.push_str(s),
            Part::Sym(Symbol::Pseudo(_)) => text.push(SYM),
            Part::Sym(Symbol::Ref(id)) | Part::Sym(Symbol::Attr { resource: id, .. }) => {
                if parts.len() == 1 && in_scan(id) {
                    return Service::Own(value.render());
                }
                text.push(SYM);
            }
        }
    }
    let rendered = value.render();
    let lower = text.to_ascii_lowercase();
    if let Some(rest) = lower.strip_prefix("com.amazonaws.vpce.") {
        let _ = rest;
        return Service::ThirdParty(rendered);
    }
    if let Some(rest) = lower.strip_prefix("com.amazonaws.") {
        // Region-less names: com.amazonaws.s3-global.accesspoint.
        if rest.starts_with("s3-global.") {
            return Service::Aws(rest.to_string());
        }
        return match rest.split_once('.') {
            Some((region, service)) if !service.is_empty() && !service.contains(SYM) => {
                let _ = region;
                Service::Aws(service.to_string())
            }
            _ => Service::Unknown(format!("service name {rendered} could not be read")),
        };
    }
    if let Some(rest) = lower.strip_prefix("aws.sagemaker.") {
        return match rest.split_once('.') {
            Some((_, service)) if !service.is_empty() && !service.contains(SYM) => {
                Service::Aws(service.to_string())
            }
            _ => Service::Unknown(format!("service name {rendered} could not be read")),
        };
    }
    if lower.starts_with("aws.") {
        return Service::Aws(lower.trim_start_matches("aws.").replace(SYM, "*"));
    }
    if lower.contains(SYM) {
        return Service::Unknown(format!("service name {rendered} is not resolved"));
    }
    Service::ThirdParty(rendered)
}

#[cfg(test)]
mod tests {
    use super::*;
    use egressproof_model::{Ident, Pseudo};

    fn sub(before: &str, after: &str) -> Value {
        Value::text(vec![
            Part::Lit(before.into()),
            Part::Sym(Symbol::Pseudo(Pseudo::Region)),
            Part::Lit(after.into()),
        ])
    }

    #[test]
    fn symbolic_region_is_skipped() {
        let none = |_: &Ident| false;
        assert_eq!(
            classify(&sub("com.amazonaws.", ".s3"), none),
            Service::Aws("s3".into())
        );
        assert_eq!(
            classify(&sub("com.amazonaws.", ".sagemaker.api"), none),
            Service::Aws("sagemaker.api".into())
        );
        assert_eq!(
            classify(&sub("aws.sagemaker.", ".notebook"), none),
            Service::Aws("notebook".into())
        );
        assert_eq!(
            classify(&Value::from("com.amazonaws.eu-west-1.logs"), none),
            Service::Aws("logs".into())
        );
    }

    #[test]
    fn third_party_services() {
        let none = |_: &Ident| false;
        assert!(matches!(
            classify(
                &Value::from("com.amazonaws.vpce.us-east-1.vpce-svc-0123456789abcdef0"),
                none
            ),
            Service::ThirdParty(_)
        ));
        assert!(matches!(
            classify(&Value::from("com.snowflake.privatelink"), none),
            Service::ThirdParty(_)
        ));
    }

    #[test]
    fn own_and_unknown_services() {
        let svc = Ident::new("t.yaml#Svc");
        let v = Value::symbol(Symbol::Attr {
            resource: svc.clone(),
            attribute: "ServiceName".into(),
        });
        assert!(matches!(
            classify(&v, |i: &Ident| *i == svc),
            Service::Own(_)
        ));
        assert!(matches!(
            classify(&v, |_: &Ident| false),
            Service::Unknown(_)
        ));
        assert!(matches!(
            classify(&Value::unknown("no value", None), |_: &Ident| false),
            Service::Unknown(_)
        ));
    }
}
