//! Every string a resource holds, found through its `Serialize` implementation.
//!
//! A reference from one resource to another is an [`Ident`](egressproof_model::Ident) somewhere
//! in its kind (a subnet's VPC, a route's target) or a symbol in a [`Value`] (a policy naming
//! `${Role.Arn}`). Reading them field by field would need a list of fields kept in step with
//! every kind the model gains; the serialized form already holds all of them. This serializer
//! writes nothing: it hands each string to a callback, so the walk allocates nothing but what
//! the few types that print themselves (CIDR blocks) need.
//!
//! [`Value`]: egressproof_model::Value

use serde::ser::{self, Serialize};

/// Calls `f` with every string value inside `value` (map keys and enum variant names excluded:
/// they are property names, never references).
pub(crate) fn each_string(value: &impl Serialize, f: &mut impl FnMut(&str)) {
    let _ = value.serialize(&mut Strings { f });
}

struct Strings<'f, F> {
    f: &'f mut F,
}

/// The walk cannot fail; serde still asks for an error type.
#[derive(Debug)]
struct Never;

impl std::fmt::Display for Never {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("not a failure")
    }
}

impl std::error::Error for Never {}

impl ser::Error for Never {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Never
    }
}

type Done = Result<(), Never>;

/// The scalar methods that carry no string: nothing to do.
macro_rules! ignore {
    ($($name:ident: $t:ty),* $(,)?) => {
        $(fn $name(self, _: $t) -> Done { Ok(()) })*
    };
}

impl<'a, 'f, F: FnMut(&str)> ser::Serializer for &'a mut Strings<'f, F> {
    type Ok = ();
    type Error = Never;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    ignore!(
        serialize_bool: bool, serialize_i8: i8, serialize_i16: i16, serialize_i32: i32,
        serialize_i64: i64, serialize_u8: u8, serialize_u16: u16, serialize_u32: u32,
        serialize_u64: u64, serialize_f32: f32, serialize_f64: f64, serialize_char: char,
        serialize_bytes: &[u8],
    );

    fn serialize_str(self, v: &str) -> Done {
        (self.f)(v);
        Ok(())
    }

    fn serialize_none(self) -> Done {
        Ok(())
    }

    fn serialize_some<T: ?Sized + Serialize>(self, value: &T) -> Done {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Done {
        Ok(())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Done {
        Ok(())
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, _: &'static str) -> Done {
        Ok(())
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, v: &T) -> Done {
        v.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        v: &T,
    ) -> Done {
        v.serialize(self)
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Self, Never> {
        Ok(self)
    }

    fn serialize_tuple(self, _: usize) -> Result<Self, Never> {
        Ok(self)
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Self, Never> {
        Ok(self)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Never> {
        Ok(self)
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Self, Never> {
        Ok(self)
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Self, Never> {
        Ok(self)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self, Never> {
        Ok(self)
    }
}

impl<F: FnMut(&str)> ser::SerializeSeq for &mut Strings<'_, F> {
    type Ok = ();
    type Error = Never;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, v: &T) -> Done {
        v.serialize(&mut **self)
    }
    fn end(self) -> Done {
        Ok(())
    }
}

impl<F: FnMut(&str)> ser::SerializeTuple for &mut Strings<'_, F> {
    type Ok = ();
    type Error = Never;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, v: &T) -> Done {
        v.serialize(&mut **self)
    }
    fn end(self) -> Done {
        Ok(())
    }
}

impl<F: FnMut(&str)> ser::SerializeTupleStruct for &mut Strings<'_, F> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, v: &T) -> Done {
        v.serialize(&mut **self)
    }
    fn end(self) -> Done {
        Ok(())
    }
}

impl<F: FnMut(&str)> ser::SerializeTupleVariant for &mut Strings<'_, F> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, v: &T) -> Done {
        v.serialize(&mut **self)
    }
    fn end(self) -> Done {
        Ok(())
    }
}

impl<F: FnMut(&str)> ser::SerializeMap for &mut Strings<'_, F> {
    type Ok = ();
    type Error = Never;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, _: &T) -> Done {
        Ok(())
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, v: &T) -> Done {
        v.serialize(&mut **self)
    }
    fn end(self) -> Done {
        Ok(())
    }
}

impl<F: FnMut(&str)> ser::SerializeStruct for &mut Strings<'_, F> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, _: &'static str, v: &T) -> Done {
        v.serialize(&mut **self)
    }
    fn end(self) -> Done {
        Ok(())
    }
}

impl<F: FnMut(&str)> ser::SerializeStructVariant for &mut Strings<'_, F> {
    type Ok = ();
    type Error = Never;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, _: &'static str, v: &T) -> Done {
        v.serialize(&mut **self)
    }
    fn end(self) -> Done {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use egressproof_model::{
        Attr, Ident, Kind, Part, Pseudo, Route, RouteTarget, Symbol, TargetKind, Value,
    };

    fn strings(kind: &Kind) -> Vec<String> {
        let mut out = Vec::new();
        each_string(kind, &mut |s| out.push(s.to_string()));
        out
    }

    #[test]
    fn idents_and_symbols_are_found_and_names_are_not() {
        let route = Kind::Route(Route {
            route_table: Attr::Known(Ident::new("net.yaml#Rt")),
            destination: Attr::unknown("no value", None),
            target: Attr::Known(RouteTarget {
                kind: TargetKind::NatGateway,
                id: Attr::Known(Ident::new("net.yaml#Nat")),
            }),
        });
        // The kind's tag (`route`) is a string too: no resource is named like a kind.
        assert_eq!(
            strings(&route),
            ["route", "net.yaml#Rt", "no value", "net.yaml#Nat"]
        );

        let policy = Value::Map(
            [(
                "Resource".to_string(),
                Value::Text(vec![
                    Part::Sym(Symbol::Attr {
                        resource: Ident::new("iam.yaml#Role"),
                        attribute: "Arn".into(),
                    }),
                    Part::Lit("/x".into()),
                    Part::Sym(Symbol::Pseudo(Pseudo::AccountId)),
                ]),
            )]
            .into_iter()
            .collect(),
        );
        let found = {
            let mut out = Vec::new();
            each_string(&policy, &mut |s| out.push(s.to_string()));
            out
        };
        assert!(found.contains(&"iam.yaml#Role".to_string()), "{found:?}");
        assert!(!found.contains(&"Resource".to_string()), "{found:?}");
    }
}
