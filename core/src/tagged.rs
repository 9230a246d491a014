//! Reading internally tagged enums (`{"type": "join", …fields}`) without serde's buffering.
//!
//! For `#[serde(tag = "…")]`, serde's derive first copies the whole object into its private
//! `Content` tree (the tag may come last), then reads the variant from that copy. Every field
//! type is then read by two readers: the JSON one and the `Content` one. In the WASM module that
//! second copy of the readers was 49 KB of the gzipped module (530 KB before).
//!
//! [`tagged_enum!`] keeps the enum and its JSON exactly as they were (it derives `Serialize`
//! with the tag as before) and reads it through a private externally tagged twin of the enum,
//! the *wire* enum, that serde derives as usual. [`deserialize`] reads the object's first key;
//! when it is the tag (as tongxin and the generated TypeScript types write it) the variant's
//! fields are read straight from the rest of the object. When another key comes first, the
//! object is read as JSON values, written again with the tag first, and that text is read
//! the first way: the same reader (`serde_json` over a string) as everywhere else, so no
//! second copy of the field readers, and any deserializer works (`from_str`, `from_reader`,
//! `from_value`).

use serde::de::value::{CowStrDeserializer, MapAccessDeserializer};
use serde::de::DeserializeOwned;
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IgnoredAny, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use serde::forward_to_deserialize_any;
use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

/// Declares an internally tagged enum: the enum as written, with its `Serialize` derived
/// under `#[serde(tag = …, …)]` as usual, a private wire enum of the same variants, and a
/// `Deserialize` that reads the tag and then the variant's fields without buffering them
/// ([`deserialize`]).
///
/// ```ignore
/// tagged_enum! {
///     #[serde(tag = "type", rename_all = "snake_case")]
///     #[wire(CommandWire)]
///     /// Docs.
///     #[derive(Debug, Clone, Serialize)]
///     pub enum Command { … }
/// }
/// ```
/// The first `#[serde]` line is the enum's container attribute; everything in it but the tag
/// also goes on the wire enum. The enum's own attributes must not derive `Deserialize`.
macro_rules! tagged_enum {
    (
        #[serde(tag = $tag:literal $(, $serde:meta)* $(,)?)]
        #[wire($wire:ident)]
        $(#[$attr:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$vattr:meta])*
                $variant:ident
                $({ $( $(#[$fattr:meta])* $field:ident : $fty:ty ),* $(,)? })?
                $(( $(#[$tattr:meta])* $tty:ty $(,)? ))?
            ),* $(,)?
        }
    ) => {
        $(#[$attr])*
        #[serde(tag = $tag $(, $serde)*)]
        $vis enum $name {
            $(
                $(#[$vattr])*
                $variant
                $({ $( $(#[$fattr])* $field : $fty ),* })?
                $(( $(#[$tattr])* $tty ))?
            ),*
        }

        #[doc = concat!("How [`", stringify!($name), "`] is read: the same variants, externally tagged (`crate::tagged`).")]
        #[derive(serde::Deserialize)]
        #[serde($($serde),*)]
        enum $wire {
            $(
                $(#[$vattr])*
                $variant
                $({ $( $(#[$fattr])* $field : $fty ),* })?
                $(( $(#[$tattr])* $tty ))?
            ),*
        }

        impl From<$wire> for $name {
            fn from(wire: $wire) -> Self {
                match wire {
                    $(
                        $wire::$variant
                        $({ $($field),* })?
                        $(( $crate::tagged::first!(value, $tty) ))?
                        => $name::$variant
                        $({ $($field),* })?
                        $(( $crate::tagged::first!(value, $tty) ))?
                    ),*
                }
            }
        }

        const _: () = assert!(
            $crate::tagged::is_known_tag($tag),
            "add the tag to crate::tagged::TAGS"
        );

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::tagged::deserialize::<D, $wire>(d, stringify!($name), $tag).map(From::from)
            }
        }
    };
}
pub(crate) use tagged_enum;

/// The first of its arguments: names the value of a one-field tuple variant in
/// [`tagged_enum!`]'s conversion (the type only picks the repetition).
macro_rules! first {
    ($first:ident, $($rest:tt)*) => {
        $first
    };
}
pub(crate) use first;

/// Reads an internally tagged enum `name` whose tag key is `tag`, through its externally
/// tagged wire enum `W`. The messages are serde's own for internally tagged enums
/// (``missing field `type` ``, ``unknown variant `x`, expected one of …``, `expected
/// internally tagged enum Command`).
pub(crate) fn deserialize<'de, D, W>(
    d: D,
    name: &'static str,
    tag: &'static str,
) -> Result<W, D::Error>
where
    D: Deserializer<'de>,
    W: DeserializeOwned,
{
    d.deserialize_map(Tagged {
        name,
        tag,
        wire: PhantomData,
    })
}

/// The visitor of a tagged object: the enum's name (for messages), its tag key, its wire enum.
struct Tagged<W> {
    name: &'static str,
    tag: &'static str,
    wire: PhantomData<W>,
}

impl<'de, W: DeserializeOwned> Visitor<'de> for Tagged<W> {
    type Value = W;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "internally tagged enum {}", self.name)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<W, A::Error> {
        match map.next_key_seed(KeySeed(self.tag))? {
            None => Err(de::Error::missing_field(self.tag)),
            Some(Key::Tag) => {
                let variant = map.next_value_seed(TextSeed)?;
                W::deserialize(Variant {
                    name: variant,
                    rest: Rest { tag: self.tag, map },
                })
            }
            Some(Key::Other(first)) => self.read_reencoded(first, map),
        }
    }
}

impl<W: DeserializeOwned> Tagged<W> {
    /// An object whose first key is not the tag: written again as JSON text with the tag first
    /// ([`Reencode`]), and read from that text.
    fn read_reencoded<'de, A: MapAccess<'de>>(
        self,
        first: Cow<'de, str>,
        mut map: A,
    ) -> Result<W, A::Error> {
        let mut bytes = Vec::new();
        write_object(&mut bytes, Some(&first), &mut map, Some(self.tag))?;
        // Written from UTF-8 text by serde_json, so UTF-8.
        let text = String::from_utf8(bytes).map_err(de::Error::custom)?;
        crate::json_read::ObjectsOnly(&mut serde_json::Deserializer::from_str(&text))
            .deserialize_map(self)
            .map_err(|e| {
                // Placed by the outer reader at the object's end: name the value inside it.
                let inner = crate::json_path::path_of_error(&text, &e);
                let message = without_position(&e);
                if inner.is_empty() {
                    de::Error::custom(message)
                } else {
                    de::Error::custom(format_args!("in `{inner}`: {message}"))
                }
            })
    }
}

/// The tag keys of every enum declared with [`tagged_enum!`] (the macro checks that its tag is
/// here). Objects written again by [`Tagged::read_reencoded`] put these keys first at every depth, so
/// that a tagged object inside is read the direct way: otherwise each level of a deep AST whose
/// tags come last would write its subtree again, time and memory growing with depth × size.
/// (Key order means nothing to any other reader.)
const TAGS: [&str; 4] = ["type", "op", "stat", "question"];

/// Whether `tag` is one of [`TAGS`] (for the macro's compile-time check).
pub(crate) const fn is_known_tag(tag: &str) -> bool {
    let mut i = 0;
    while i < TAGS.len() {
        let (a, b) = (TAGS[i].as_bytes(), tag.as_bytes());
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return true;
            }
        }
        i += 1;
    }
    false
}

/// Reads any JSON value and appends it to the string as JSON text: keys in their order,
/// duplicates kept (the reader of the text reports them as serde would), but in every object
/// the [`TAGS`] keys first.
struct Reencode<'a>(&'a mut Vec<u8>);

impl<'de> DeserializeSeed<'de> for Reencode<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_any(self)
    }
}

impl Reencode<'_> {
    /// Appends a scalar as serde_json writes it (numbers in their shortest form that reads
    /// back the same, strings escaped).
    fn write<T: serde::Serialize + ?Sized, E: de::Error>(self, value: &T) -> Result<(), E> {
        write_json(self.0, value)
    }
}

impl<'de> Visitor<'de> for Reencode<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<(), E> {
        self.write(&v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<(), E> {
        self.write(&v)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<(), E> {
        self.write(&v)
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<(), E> {
        self.write(&v)
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<(), E> {
        self.write(v)
    }

    fn visit_unit<E: de::Error>(self) -> Result<(), E> {
        self.write(&())
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        self.0.push(b'[');
        let mut first = true;
        loop {
            let mark = self.0.len();
            if !first {
                self.0.push(b',');
            }
            if seq.next_element_seed(Reencode(&mut *self.0))?.is_none() {
                self.0.truncate(mark);
                break;
            }
            first = false;
        }
        self.0.push(b']');
        Ok(())
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        write_object(self.0, None, &mut map, None)
    }
}

/// Appends `value` as serde_json writes it.
fn write_json<T: serde::Serialize + ?Sized, E: de::Error>(
    out: &mut Vec<u8>,
    value: &T,
) -> Result<(), E> {
    serde_json::to_writer(out, value).map_err(E::custom)
}

/// Appends the object `map` (whose first key `first` was already read, if given) to `out`:
/// `own` (the tag being read, if any) first, the other [`TAGS`] keys next, then the rest, each
/// group in its order. With `own`, a missing or repeated `own` key is serde's error.
fn write_object<'de, A: MapAccess<'de>>(
    out: &mut Vec<u8>,
    mut first: Option<&str>,
    map: &mut A,
    own: Option<&'static str>,
) -> Result<(), A::Error> {
    out.push(b'{');
    let body = out.len();
    // Each entry's place in `out` (without its comma) and its rank: 0 `own`, 1 a tag, 2 other.
    let mut entries: Vec<(usize, usize, u8)> = Vec::new();
    loop {
        let comma = out.len();
        if !entries.is_empty() {
            out.push(b',');
        }
        let start = out.len();
        let rank = match first.take() {
            Some(key) => {
                write_json::<_, A::Error>(out, key)?;
                rank_of(key, own)
            }
            None => match map.next_key_seed(KeyInto {
                out: &mut *out,
                own,
            })? {
                Some(rank) => rank,
                None => {
                    out.truncate(comma);
                    break;
                }
            },
        };
        if rank == 0 && entries.iter().any(|e| e.2 == 0) {
            return Err(de::Error::duplicate_field(own.unwrap_or_default()));
        }
        out.push(b':');
        map.next_value_seed(Reencode(&mut *out))?;
        entries.push((start, out.len(), rank));
    }
    if let Some(own) = own {
        if !entries.iter().any(|e| e.2 == 0) {
            return Err(de::Error::missing_field(own));
        }
    }
    if entries.windows(2).any(|w| w[0].2 > w[1].2) {
        let written = out.split_off(body);
        entries.sort_by_key(|e| e.2); // stable: each group keeps its order
        for (i, &(start, end, _)) in entries.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.extend_from_slice(written.get(start - body..end - body).unwrap_or_default());
        }
    }
    out.push(b'}');
    Ok(())
}

/// Where a key goes in [`write_object`]: 0 the tag being read, 1 another tag key, 2 the rest.
fn rank_of(key: &str, own: Option<&str>) -> u8 {
    if Some(key) == own {
        0
    } else if TAGS.contains(&key) {
        1
    } else {
        2
    }
}

/// Appends a key as JSON text and answers its [`rank_of`].
struct KeyInto<'a> {
    out: &'a mut Vec<u8>,
    own: Option<&'static str>,
}

impl<'de> DeserializeSeed<'de> for KeyInto<'_> {
    type Value = u8;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<u8, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeyInto<'_> {
    type Value = u8;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a field name")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<u8, E> {
        write_json(self.out, v)?;
        Ok(rank_of(v, self.own))
    }
}

/// A key of the tagged object: the tag, or another (borrowed from the input where it can be).
enum Key<'de> {
    Tag,
    Other(Cow<'de, str>),
}

/// Reads a key, telling the tag from the others.
struct KeySeed(&'static str);

impl<'de> DeserializeSeed<'de> for KeySeed {
    type Value = Key<'de>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Key<'de>, D::Error> {
        let key = TextSeed.deserialize(d)?;
        Ok(if key == self.0 {
            Key::Tag
        } else {
            Key::Other(key)
        })
    }
}

/// Reads a string (a key, or the tag's value), borrowed from the input where it can be.
struct TextSeed;

impl<'de> DeserializeSeed<'de> for TextSeed {
    type Value = Cow<'de, str>;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Cow<'de, str>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for TextSeed {
    type Value = Cow<'de, str>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("variant identifier")
    }

    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Borrowed(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Cow<'de, str>, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
}

/// The wire enum's view of the object: an externally tagged enum whose variant is the tag's
/// value and whose content is the rest of the object.
struct Variant<'de, A> {
    name: Cow<'de, str>,
    rest: Rest<A>,
}

impl<'de, A: MapAccess<'de>> Deserializer<'de> for Variant<'de, A> {
    type Error = A::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, A::Error> {
        visitor.visit_enum(self)
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum
        identifier ignored_any
    }
}

impl<'de, A: MapAccess<'de>> EnumAccess<'de> for Variant<'de, A> {
    type Error = A::Error;
    type Variant = Rest<A>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, Rest<A>), A::Error> {
        let value = seed.deserialize(CowStrDeserializer::<A::Error>::new(self.name))?;
        Ok((value, self.rest))
    }
}

/// The object's fields after the tag.
struct Rest<A> {
    tag: &'static str,
    map: A,
}

impl<'de, A: MapAccess<'de>> MapAccess<'de> for Rest<A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        match self.map.next_key_seed(KeySeed(self.tag))? {
            None => Ok(None),
            Some(Key::Tag) => Err(de::Error::duplicate_field(self.tag)),
            Some(Key::Other(key)) => seed.deserialize(CowStrDeserializer::new(key)).map(Some),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        self.map.next_value_seed(seed)
    }
}

impl<'de, A: MapAccess<'de>> VariantAccess<'de> for Rest<A> {
    type Error = A::Error;

    /// A variant without fields: whatever else the object holds is ignored, as serde does.
    fn unit_variant(mut self) -> Result<(), A::Error> {
        while self.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
        Ok(())
    }

    /// A variant holding one struct: the struct's fields are the rest of the object.
    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, A::Error> {
        seed.deserialize(MapAccessDeserializer::new(self))
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, A::Error> {
        Err(de::Error::invalid_type(de::Unexpected::Map, &visitor))
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, A::Error> {
        visitor.visit_map(self)
    }
}

/// serde_json's message without its ` at line L column C`, which would count in the text
/// written again; the reader of the whole input adds its own position.
fn without_position(e: &serde_json::Error) -> String {
    let text = e.to_string();
    if e.line() == 0 {
        return text;
    }
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    match text.strip_suffix(&suffix) {
        Some(message) => message.to_owned(),
        None => text,
    }
}

#[cfg(test)]
mod tests {
    //! The reader against serde's own derive for internally tagged enums, on random objects:
    //! same value or same message (serde positions its errors at the end of the buffered object,
    //! this reader where the error is, so positions are left out of the comparison).
    use proptest::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Inner {
        x: i64,
    }

    tagged_enum! {
        #[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
        #[wire(SampleWire)]
        /// The enum under test.
        #[derive(Debug, Clone, PartialEq, Serialize)]
        enum Sample {
            /// A unit variant.
            Unit,
            /// No fields.
            Empty {},
            /// Fields, one with a default.
            Pair {
                /// A number.
                a: u32,
                /// A text, if any.
                #[serde(default)]
                b: Option<String>,
            },
            /// Recursion.
            Nested {
                /// Another sample.
                inner: Box<Sample>,
            },
            /// One struct as the variant's fields.
            Wrapped(Inner),
        }
    }

    tagged_enum! {
        #[serde(tag = "op")]
        #[wire(LenientWire)]
        /// Without `deny_unknown_fields`.
        #[derive(Debug, Clone, PartialEq, Serialize)]
        enum Lenient {
            /// A unit variant.
            Unit,
            /// Fields.
            Pair {
                /// A number.
                a: u32,
            },
        }
    }

    /// The reference: serde's derive with the same attributes (and names, for the messages).
    mod reference {
        use super::Inner;
        use serde::{Deserialize, Serialize};

        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
        pub(super) enum Sample {
            Unit,
            Empty {},
            Pair {
                a: u32,
                #[serde(default)]
                b: Option<String>,
            },
            Nested {
                inner: Box<Sample>,
            },
            Wrapped(Inner),
        }

        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
        #[serde(tag = "op")]
        pub(super) enum Lenient {
            Unit,
            Pair { a: u32 },
        }
    }

    /// serde_json's message without its position, nor the ``in `path`: `` this reader puts
    /// before an error inside an object it read again (which serde has no way to say).
    fn message(e: &serde_json::Error) -> String {
        let text = super::without_position(e);
        match text
            .strip_prefix("in `")
            .and_then(|rest| rest.split_once("`: "))
        {
            Some((_, message)) => message.to_owned(),
            None => text,
        }
    }

    /// Both readers on `text`: the same value (compared as JSON) or the same message.
    /// (`tag` quoted.)
    fn same<T, R>(text: &str, tag: &str) -> Result<(), TestCaseError>
    where
        T: serde::de::DeserializeOwned + Serialize + std::fmt::Debug,
        R: serde::de::DeserializeOwned + Serialize + std::fmt::Debug,
    {
        let ours = serde_json::from_str::<T>(text);
        let theirs = serde_json::from_str::<R>(text);
        match (ours, theirs) {
            (Ok(a), Ok(b)) => prop_assert_eq!(
                serde_json::to_value(&a).map_err(|e| TestCaseError::fail(e.to_string()))?,
                serde_json::to_value(&b).map_err(|e| TestCaseError::fail(e.to_string()))?,
                "{}",
                text
            ),
            // With the tag twice, serde checks the first tag's value when it reads it and
            // may report that first; this reader reports the second tag. Both refuse it.
            (Err(_), Err(_)) if text.matches(tag).count() > 1 => {}
            // serde also reads a tagged enum from an array (the tag first, then the fields in
            // order: `["pair", 1, "x"]`); this reader takes objects only.
            (Err(a), _)
                if message(&a).starts_with("invalid type: sequence, expected internally") => {}
            (Err(a), Err(b)) => prop_assert_eq!(message(&a), message(&b), "{}", text),
            (a, b) => prop_assert!(false, "{text}: ours {a:?}, serde's {b:?}"),
        }
        Ok(())
    }

    /// A JSON value for a field, mostly of the right kind.
    fn value(depth: u32, tag: &'static str) -> BoxedStrategy<String> {
        let leaf = prop_oneof![
            Just("\"unit\"".to_owned()),
            Just("\"empty\"".to_owned()),
            Just("\"pair\"".to_owned()),
            Just("\"nested\"".to_owned()),
            Just("\"wrapped\"".to_owned()),
            Just("\"other\"".to_owned()),
            (0u32..5).prop_map(|n| n.to_string()),
            Just("-1".to_owned()),
            Just("1.5".to_owned()),
            Just("null".to_owned()),
            Just("\"t\\u00e9xt\"".to_owned()),
            Just("[1]".to_owned()),
        ];
        if depth == 0 {
            leaf.boxed()
        } else {
            prop_oneof![4 => leaf, 1 => object(depth - 1, tag)].boxed()
        }
    }

    /// An object of random keys (`tag` among them, maybe twice or not at all) in random order.
    /// The only tag key in it is the enum's own: the reader writes an object whose tag is not
    /// first again with the tag keys first at every depth, which changes which of two errors
    /// comes first only where a tag key is an ordinary field.
    fn object(depth: u32, tag: &'static str) -> BoxedStrategy<String> {
        let key = prop_oneof![
            3 => Just(tag),
            1 => Just("a"),
            1 => Just("b"),
            1 => Just("x"),
            1 => Just("inner"),
            1 => Just("zzz"),
        ];
        prop::collection::vec((key, value(depth, tag)), 0..5)
            .prop_map(|fields| {
                let body: Vec<String> =
                    fields.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                format!("{{{}}}", body.join(","))
            })
            .boxed()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn reads_like_serdes_own_derive(text in object(2, "type"), lenient in object(2, "op")) {
            same::<Sample, reference::Sample>(&text, "\"type\"")?;
            same::<Lenient, reference::Lenient>(&lenient, "\"op\"")?;
        }
    }

    #[test]
    fn written_again_with_the_tags_first_at_every_depth() {
        use serde::de::Deserializer as _;
        let text = r#"{"a":[{"x":1,"op":"not","b":{"c":2.5,"type":"t"}}],"a":"\u00e9\"\t\u0001\\",
                       "type":null,"e":[],"f":{},"g":[true,false,-3,1e300,18446744073709551615]}"#;
        let mut again = Vec::new();
        serde_json::Deserializer::from_str(text)
            .deserialize_any(super::Reencode(&mut again))
            .unwrap();
        let again = String::from_utf8(again).unwrap();
        assert_eq!(
            again,
            r#"{"type":null,"a":[{"op":"not","x":1,"b":{"type":"t","c":2.5}}],"a":"é\"\t\u0001\\","e":[],"f":{},"g":[true,false,-3,1e+300,18446744073709551615]}"#
        );
        // And it reads back as the same JSON value.
        let value = |t: &str| serde_json::from_str::<serde_json::Value>(t).unwrap();
        assert_eq!(value(&again), value(text));
    }

    #[test]
    fn a_deep_chain_with_its_tags_last_reads() {
        // 100 levels of `{"inner": …, "type": "nested"}` around a pair: the outer level writes
        // the whole chain again once, tags first, and every level below reads it directly.
        let depth = 100;
        let mut text = r#"{"a":1,"b":"x","type":"pair"}"#.to_owned();
        for _ in 0..depth {
            text = format!(r#"{{"inner":{text},"type":"nested"}}"#);
        }
        let mut read = serde_json::from_str::<Sample>(&text).unwrap();
        let mut levels = 0;
        while let Sample::Nested { inner } = read {
            read = *inner;
            levels += 1;
        }
        assert_eq!(levels, depth);
        assert_eq!(
            read,
            Sample::Pair {
                a: 1,
                b: Some("x".into())
            }
        );
    }

    #[test]
    fn reads_from_values_and_readers_with_the_tag_anywhere() {
        for text in [
            r#"{"type":"pair","a":1,"b":"x"}"#,
            r#"{"a":1,"type":"pair","b":"x"}"#,
            r#"{"a":1,"b":"x","type":"pair"}"#,
        ] {
            let want = Sample::Pair {
                a: 1,
                b: Some("x".into()),
            };
            let value: serde_json::Value = serde_json::from_str(text).unwrap();
            assert_eq!(serde_json::from_value::<Sample>(value).unwrap(), want);
            assert_eq!(
                serde_json::from_reader::<_, Sample>(text.as_bytes()).unwrap(),
                want
            );
            assert_eq!(serde_json::from_str::<Sample>(text).unwrap(), want);
        }
        let text = r#"{"inner":{"x":7,"type":"wrapped"},"type":"nested"}"#;
        assert_eq!(
            serde_json::from_str::<Sample>(text).unwrap(),
            Sample::Nested {
                inner: Box::new(Sample::Wrapped(Inner { x: 7 }))
            }
        );
    }

    #[test]
    fn errors_are_placed_where_they_are() {
        // serde's derive would place this at the end of the object (column 33).
        let e =
            serde_json::from_str::<Sample>(r#"{"type":"pair","a":"one","b":null}"#).unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid type: string \"one\", expected u32 at line 1 column 24"
        );
        let e = serde_json::from_str::<Sample>("[]").unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid type: sequence, expected internally tagged enum Sample at line 1 column 0"
        );
    }
}
