//! Reading tongxin's JSON: every struct from an object, never from an array.
//!
//! serde_json reads a struct from an object or, by its fields in order, from an array
//! (`["P1", "张三", …]`). tongxin never writes the array form, its TypeScript types do not allow
//! it, and a registry should not take a person whose fields are matched by position. Beyond the
//! meaning, the array form costs a second reader per struct type (11 KB of the gzipped WASM
//! module). [`ObjectsOnly`] wraps any deserializer so that structs, struct variants
//! included, are read from maps only, and an array where a struct belongs is an `invalid type`
//! error (`invalid type: sequence, expected struct Person`). Everything else is passed through
//! unchanged: the same values, the same messages, the same error positions.
//!
//! Every JSON reader of the library goes through [`from_str`] ([`crate::api::parse`],
//! journals, snapshots, rule books, Popolo documents, the C front's rule book) or wraps its
//! deserializer in [`ObjectsOnly`] itself (command batches, tagged objects read again).

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess,
    Unexpected, VariantAccess, Visitor,
};
use std::fmt;

/// Reads a `T` from JSON text as `serde_json::from_str` does (trailing characters refused),
/// except that every struct must be a JSON object ([`ObjectsOnly`]).
///
/// ```
/// use tongxin::json_read::from_str;
/// #[derive(serde::Deserialize, Debug, PartialEq)]
/// struct Point { x: i32, y: i32 }
/// assert_eq!(from_str::<Point>(r#"{"x":1,"y":2}"#).unwrap(), Point { x: 1, y: 2 });
/// let err = from_str::<Point>("[1,2]").unwrap_err();
/// assert!(err.to_string().starts_with("invalid type: sequence, expected struct Point"));
/// // serde_json alone reads the array by position.
/// assert!(serde_json::from_str::<Point>("[1,2]").is_ok());
/// ```
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, serde_json::Error> {
    let mut de = serde_json::Deserializer::from_str(text);
    let value = T::deserialize(ObjectsOnly(&mut de))?;
    de.end()?;
    Ok(value)
}

/// A deserializer that reads every struct (and struct variant) only from a map: the wrapped
/// deserializer's `visit_seq` on a struct's visitor becomes an `invalid type` error. Every other
/// call is passed through, with the values inside (fields, elements, options, newtypes, enum
/// contents) read through `ObjectsOnly` again.
pub struct ObjectsOnly<D>(pub D);

/// Passes a visitor through, wrapping what it is handed. `SEQ = false` for a struct's visitor:
/// a sequence is refused instead of handed to it.
struct Wrap<V, const SEQ: bool>(V);

/// A seed whose deserializer is wrapped in [`ObjectsOnly`].
struct Seed<S>(S);

/// A sequence, map, enum or variant access whose values are read through [`ObjectsOnly`].
struct Access<A>(A);

/// Deserializer methods that take only a visitor.
macro_rules! pass_visitor {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, D::Error> {
            self.0.$method(Wrap::<V, true>(visitor))
        }
    )*};
}

impl<'de, D: Deserializer<'de>> Deserializer<'de> for ObjectsOnly<D> {
    type Error = D::Error;

    pass_visitor! {
        deserialize_any deserialize_bool deserialize_i8 deserialize_i16 deserialize_i32
        deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32
        deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 deserialize_char
        deserialize_str deserialize_string deserialize_bytes deserialize_byte_buf
        deserialize_option deserialize_unit deserialize_seq deserialize_map
        deserialize_identifier deserialize_ignored_any
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0
            .deserialize_unit_struct(name, Wrap::<V, true>(visitor))
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0
            .deserialize_newtype_struct(name, Wrap::<V, true>(visitor))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0.deserialize_tuple(len, Wrap::<V, true>(visitor))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        len: usize,
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0
            .deserialize_tuple_struct(name, len, Wrap::<V, true>(visitor))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        // A map, not a struct: the wrapped deserializer then has no array branch to take.
        let _ = (name, fields);
        self.0.deserialize_map(Wrap::<V, true>(visitor))
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, D::Error> {
        self.0
            .deserialize_enum(name, variants, Wrap::<V, true>(visitor))
    }

    fn is_human_readable(&self) -> bool {
        self.0.is_human_readable()
    }
}

/// Visitor methods that take a plain value.
macro_rules! pass_value {
    ($($method:ident($ty:ty))*) => {$(
        fn $method<E: de::Error>(self, v: $ty) -> Result<V::Value, E> {
            self.0.$method(v)
        }
    )*};
}

impl<'de, V: Visitor<'de>, const SEQ: bool> Visitor<'de> for Wrap<V, SEQ> {
    type Value = V::Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.expecting(f)
    }

    pass_value! {
        visit_bool(bool) visit_i8(i8) visit_i16(i16) visit_i32(i32) visit_i64(i64)
        visit_i128(i128) visit_u8(u8) visit_u16(u16) visit_u32(u32) visit_u64(u64)
        visit_u128(u128) visit_f32(f32) visit_f64(f64) visit_char(char) visit_str(&str)
        visit_borrowed_str(&'de str) visit_string(String) visit_bytes(&[u8])
        visit_borrowed_bytes(&'de [u8]) visit_byte_buf(Vec<u8>)
    }

    fn visit_none<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_none()
    }

    fn visit_unit<E: de::Error>(self) -> Result<V::Value, E> {
        self.0.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_some(ObjectsOnly(d))
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, d: D) -> Result<V::Value, D::Error> {
        self.0.visit_newtype_struct(ObjectsOnly(d))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<V::Value, A::Error> {
        if SEQ {
            self.0.visit_seq(Access(seq))
        } else {
            Err(de::Error::invalid_type(Unexpected::Seq, &self))
        }
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<V::Value, A::Error> {
        self.0.visit_map(Access(map))
    }

    fn visit_enum<A: EnumAccess<'de>>(self, data: A) -> Result<V::Value, A::Error> {
        self.0.visit_enum(Access(data))
    }
}

impl<'de, S: DeserializeSeed<'de>> DeserializeSeed<'de> for Seed<S> {
    type Value = S::Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<S::Value, D::Error> {
        self.0.deserialize(ObjectsOnly(d))
    }
}

impl<'de, A: SeqAccess<'de>> SeqAccess<'de> for Access<A> {
    type Error = A::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, A::Error> {
        self.0.next_element_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Access<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        self.0.next_key_seed(Seed(seed))
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, A::Error> {
        self.0.next_value_seed(Seed(seed))
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint()
    }
}

impl<'de, A: EnumAccess<'de>> EnumAccess<'de> for Access<A> {
    type Error = A::Error;
    type Variant = Access<A::Variant>;

    fn variant_seed<T: DeserializeSeed<'de>>(
        self,
        seed: T,
    ) -> Result<(T::Value, Self::Variant), A::Error> {
        let (value, variant) = self.0.variant_seed(Seed(seed))?;
        Ok((value, Access(variant)))
    }
}

impl<'de, A: VariantAccess<'de>> VariantAccess<'de> for Access<A> {
    type Error = A::Error;

    fn unit_variant(self) -> Result<(), A::Error> {
        self.0.unit_variant()
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        self.0.newtype_variant_seed(Seed(seed))
    }

    fn tuple_variant<V: Visitor<'de>>(self, len: usize, visitor: V) -> Result<V::Value, A::Error> {
        self.0.tuple_variant(len, Wrap::<V, true>(visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        self.0.struct_variant(fields, Wrap::<V, false>(visitor))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Deserialize, Debug, PartialEq)]
    struct Inner {
        a: u32,
        #[serde(default)]
        b: Option<String>,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Outer {
        inner: Inner,
        list: Vec<Inner>,
        maybe: Option<Inner>,
        pair: (u8, String),
        map: BTreeMap<String, Inner>,
        e: Vec<E>,
        n: Newtype,
    }

    #[derive(Deserialize, Debug, PartialEq)]
    struct Newtype(Inner);

    #[derive(Deserialize, Debug, PartialEq)]
    #[serde(rename_all = "snake_case")]
    enum E {
        Unit,
        New(Inner),
        Tuple(u8, u8),
        Struct { x: i64 },
    }

    const GOOD: &str = r#"{"inner":{"a":1},"list":[{"a":2,"b":"二"}],"maybe":{"a":3},
        "pair":[4,"四"],"map":{"k":{"a":5}},
        "e":["unit",{"new":{"a":6}},{"tuple":[7,8]},{"struct":{"x":-9}}],"n":{"a":10}}"#;

    /// Objects read as serde_json reads them, arrays and tuples included.
    #[test]
    fn objects_read_as_serde_json_reads_them() {
        let ours: Outer = from_str(GOOD).unwrap();
        let theirs: Outer = serde_json::from_str(GOOD).unwrap();
        assert_eq!(ours, theirs);
        assert_eq!(ours.e[3], E::Struct { x: -9 });
        assert_eq!(ours.pair, (4, "四".to_string()));
    }

    /// Each place a struct can stand refuses the array form, which serde_json alone reads; the
    /// error is placed where serde_json places its own.
    #[test]
    fn a_struct_in_array_form_is_refused_at_every_depth() {
        let cases = [
            (r#"{"inner":{"a":1}"#, r#"{"inner":[1]"#, "struct Inner"),
            (
                r#""list":[{"a":2,"b":"二"}]"#,
                r#""list":[[2,"二"]]"#,
                "struct Inner",
            ),
            (r#""maybe":{"a":3}"#, r#""maybe":[3]"#, "struct Inner"),
            (
                r#""map":{"k":{"a":5}}"#,
                r#""map":{"k":[5]}"#,
                "struct Inner",
            ),
            (r#"{"new":{"a":6}}"#, r#"{"new":[6]}"#, "struct Inner"),
            (
                r#"{"struct":{"x":-9}}"#,
                r#"{"struct":[-9]}"#,
                "struct variant E::Struct",
            ),
            (r#""n":{"a":10}"#, r#""n":[10]"#, "struct Inner"),
        ];
        for (from, to, expected) in cases {
            let text = GOOD.replacen(from, to, 1);
            assert_ne!(text, GOOD, "{from}");
            let theirs = serde_json::from_str::<Outer>(&text);
            assert!(theirs.is_ok(), "serde_json reads {to}: {theirs:?}");
            let err = from_str::<Outer>(&text).unwrap_err().to_string();
            let want = format!("invalid type: sequence, expected {expected}");
            assert!(err.starts_with(&want), "{to}: {err}");
            // Placed where serde_json places a value of the wrong type: at the struct's `[`
            // (the column counts the bytes before it); a struct variant's just inside it, as
            // serde_json has read the `[` before the variant's visitor is asked.
            let inside = usize::from(expected.starts_with("struct variant"));
            let at = text.find(to).unwrap() + to.rfind('[').unwrap() + inside;
            let column = text[..at].rsplit('\n').next().unwrap().len();
            assert!(err.ends_with(&format!("column {column}")), "{to}: {err}");
        }
        let err = from_str::<Inner>("[1]").unwrap_err().to_string();
        assert_eq!(
            err,
            "invalid type: sequence, expected struct Inner at line 1 column 0"
        );
    }

    /// Other errors are serde_json's own, word for word and at the same place.
    #[test]
    fn other_errors_are_serde_jsons() {
        for text in [
            r#"{"a":"one"}"#,
            r#"{"a":1,"b":2}"#,
            r#"{"b":"x"}"#,
            r#"{"a":1,"a":2}"#,
            r#"{"a":1} x"#,
            r#"{"a":1"#,
            "",
            "null",
        ] {
            let ours = from_str::<Inner>(text).unwrap_err().to_string();
            let theirs = serde_json::from_str::<Inner>(text).unwrap_err().to_string();
            assert_eq!(ours, theirs, "{text}");
        }
        for text in [
            r#"["unit",{"tuple":[1]},{"bad":1}]"#,
            r#"[{"struct":{"y":1}}]"#,
        ] {
            let ours = from_str::<Vec<E>>(text).unwrap_err().to_string();
            let theirs = serde_json::from_str::<Vec<E>>(text)
                .unwrap_err()
                .to_string();
            assert_eq!(ours, theirs, "{text}");
        }
    }
}
