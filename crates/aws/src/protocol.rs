//! IP protocols of security group rules and network ACL entries, and the ports that go with them.
//!
//! The type is [`Protocol`] in the model (a snapshot must read without this crate); this module
//! is what loaders call: a protocol as written becomes a [`Protocol`] or an unknown naming the
//! text, and a rule's ports are dropped when AWS ignores them.

use egressproof_model::{Attr, Span};
pub use egressproof_model::{NotAProtocol, Protocol};

/// Reads a protocol as written: `-1`/`all`, a name in any case, or a number 0-255. Security
/// groups and network ACLs accept the same forms through both providers, so there is one reading.
pub fn parse(text: &str) -> Result<Protocol, NotAProtocol> {
    text.parse()
}

/// A protocol attribute as the model holds it: known text parsed, an unparsable one an unknown
/// at `span` (AWS would refuse the rule, so what it allows is not known), unknown kept.
pub fn read(written: Attr<String>, span: &Span) -> Attr<Protocol> {
    match written {
        Attr::Known(text) => match parse(&text) {
            Ok(p) => Attr::Known(p),
            Err(e) => Attr::unknown(e.to_string(), Some(span.clone())),
        },
        Attr::Unknown(u) => Attr::Unknown(u),
    }
}

/// A rule's port range as it applies: `(None, None)` (all ports) when the protocol is known and
/// has no ports, whatever was written; otherwise the ports as written.
pub fn ports<T>(
    protocol: &Attr<Protocol>,
    from: Option<T>,
    to: Option<T>,
) -> (Option<T>, Option<T>) {
    match protocol {
        Attr::Known(p) if !p.has_ports() => (None, None),
        _ => (from, to),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn span() -> Span {
        Span::new("t", 1, 1)
    }

    #[test]
    fn every_written_form_reads_as_one_protocol() {
        for (text, want) in [
            ("-1", Protocol::All),
            ("all", Protocol::All),
            ("Tcp", Protocol::Tcp),
            ("6", Protocol::Tcp),
            ("udp", Protocol::Udp),
            ("17", Protocol::Udp),
            ("ICMP", Protocol::Icmp),
            ("icmpv6", Protocol::Icmpv6),
            ("58", Protocol::Icmpv6),
            ("50", Protocol::Number(50)),
        ] {
            assert_eq!(read(Attr::Known(text.into()), &span()), Attr::Known(want));
        }
    }

    #[test]
    fn a_text_aws_refuses_is_an_unknown_naming_it() {
        let Attr::Unknown(u) = read(Attr::Known("tpc".into()), &span()) else {
            panic!("a misspelt protocol must not be read as any protocol")
        };
        assert!(u.reason.contains("\"tpc\""), "{}", u.reason);
        assert_eq!(u.span, Some(span()));
        assert_eq!(
            read(Attr::unknown("var.proto", None), &span()),
            Attr::unknown("var.proto", None)
        );
    }

    #[test]
    fn ports_are_ignored_for_protocols_without_ports() {
        assert_eq!(
            ports(&Attr::Known(Protocol::All), Some(443), Some(443)),
            (None, None)
        );
        assert_eq!(
            ports(&Attr::Known(Protocol::Number(47)), Some(1), Some(2)),
            (None, None)
        );
        assert_eq!(
            ports(&Attr::Known(Protocol::Tcp), Some(443), Some(443)),
            (Some(443), Some(443))
        );
        assert_eq!(
            ports(&Attr::<Protocol>::unknown("?", None), Some(1), Some(2)),
            (Some(1), Some(2))
        );
    }
}
