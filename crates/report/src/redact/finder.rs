//! A serde serializer that writes nothing: it visits every string (values and map keys) of a
//! value and notes whether one holds something [`super::redact`] replaces. It is how the report
//! layer checks a whole analysis for credentials without building a copy of it.

use serde::ser::{self, Serialize};

pub(super) struct Finder {
    /// Some string visited so far needs redacting.
    pub found: bool,
}

impl Finder {
    fn text(&mut self, s: &str) {
        if !self.found && matches!(super::redact(s), std::borrow::Cow::Owned(_)) {
            self.found = true;
        }
    }
}

type Result = std::result::Result<(), serde_json::Error>;

/// Scalars other than strings hold no text.
macro_rules! nothing {
    ($($name:ident: $ty:ty),* $(,)?) => {
        $(fn $name(self, _: $ty) -> Result { Ok(()) })*
    };
}

impl ser::Serializer for &mut Finder {
    type Ok = ();
    type Error = serde_json::Error;
    type SerializeSeq = Self;
    type SerializeTuple = Self;
    type SerializeTupleStruct = Self;
    type SerializeTupleVariant = Self;
    type SerializeMap = Self;
    type SerializeStruct = Self;
    type SerializeStructVariant = Self;

    nothing!(
        serialize_bool: bool,
        serialize_i8: i8,
        serialize_i16: i16,
        serialize_i32: i32,
        serialize_i64: i64,
        serialize_i128: i128,
        serialize_u8: u8,
        serialize_u16: u16,
        serialize_u32: u32,
        serialize_u64: u64,
        serialize_u128: u128,
        serialize_f32: f32,
        serialize_f64: f64,
        serialize_bytes: &[u8],
    );

    fn serialize_char(self, c: char) -> Result {
        self.text(c.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, s: &str) -> Result {
        self.text(s);
        Ok(())
    }

    fn serialize_none(self) -> Result {
        Ok(())
    }

    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result {
        v.serialize(self)
    }

    fn serialize_unit(self) -> Result {
        Ok(())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result {
        Ok(())
    }

    /// A unit variant is written as its name, which comes from our types, not the input; it is
    /// checked all the same (a JSON tree held it as a string).
    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result {
        self.text(variant);
        Ok(())
    }

    fn serialize_newtype_struct<T: ?Sized + Serialize>(self, _: &'static str, v: &T) -> Result {
        v.serialize(self)
    }

    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        v: &T,
    ) -> Result {
        self.text(variant);
        v.serialize(self)
    }

    fn serialize_seq(self, _: Option<usize>) -> std::result::Result<Self, serde_json::Error> {
        Ok(self)
    }

    fn serialize_tuple(self, _: usize) -> std::result::Result<Self, serde_json::Error> {
        Ok(self)
    }

    fn serialize_tuple_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self, serde_json::Error> {
        Ok(self)
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> std::result::Result<Self, serde_json::Error> {
        self.text(variant);
        Ok(self)
    }

    fn serialize_map(self, _: Option<usize>) -> std::result::Result<Self, serde_json::Error> {
        Ok(self)
    }

    fn serialize_struct(
        self,
        _: &'static str,
        _: usize,
    ) -> std::result::Result<Self, serde_json::Error> {
        Ok(self)
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> std::result::Result<Self, serde_json::Error> {
        self.text(variant);
        Ok(self)
    }
}

/// Sequences, tuples and their variants: each element visited.
macro_rules! elements {
    ($($trait:ident :: $method:ident),* $(,)?) => {
        $(impl ser::$trait for &mut Finder {
            type Ok = ();
            type Error = serde_json::Error;

            fn $method<T: ?Sized + Serialize>(&mut self, v: &T) -> Result {
                v.serialize(&mut **self)
            }

            fn end(self) -> Result {
                Ok(())
            }
        })*
    };
}

elements!(
    SerializeSeq::serialize_element,
    SerializeTuple::serialize_element,
    SerializeTupleStruct::serialize_field,
    SerializeTupleVariant::serialize_field,
);

impl ser::SerializeMap for &mut Finder {
    type Ok = ();
    type Error = serde_json::Error;

    fn serialize_key<T: ?Sized + Serialize>(&mut self, k: &T) -> Result {
        k.serialize(&mut **self)
    }

    fn serialize_value<T: ?Sized + Serialize>(&mut self, v: &T) -> Result {
        v.serialize(&mut **self)
    }

    fn end(self) -> Result {
        Ok(())
    }
}

/// Struct fields: the field names are ours (as for variants, checked all the same), the values
/// visited.
macro_rules! fields {
    ($($trait:ident),* $(,)?) => {
        $(impl ser::$trait for &mut Finder {
            type Ok = ();
            type Error = serde_json::Error;

            fn serialize_field<T: ?Sized + Serialize>(
                &mut self,
                name: &'static str,
                v: &T,
            ) -> Result {
                self.text(name);
                v.serialize(&mut **self)
            }

            fn end(self) -> Result {
                Ok(())
            }
        })*
    };
}

fields!(SerializeStruct, SerializeStructVariant);
