//! Pretty-printed JSON, written as serde_json's `to_string_pretty` writes it (two-space indent,
//! `"key": value`, empty `[]` and `{}` on one line).
//!
//! In WASM it is laid out from the compact text. Why: every type serialized through
//! `serde_json::to_string_pretty` is compiled a second time for the pretty formatter.
//! Snapshots, rule books and Popolo documents are written pretty while answers and journal
//! events are written compact, so the record types were compiled twice: 6 KB of the gzipped
//! WASM module. Laying out compact text costs one small function, but a second pass and a
//! second copy of the text (the M registry's 2 GB snapshot: 11.6 s instead of 9.5 s), so
//! native builds, where code size matters little, keep serde_json's pretty formatter. The tests
//! check that both give the same bytes.

use serde::Serialize;

/// `value` as pretty JSON text, byte for byte what `serde_json::to_string_pretty` gives, or
/// an empty string where serialization fails (a map with non-string keys; tongxin's types have
/// none).
pub(crate) fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> String {
    if cfg!(target_arch = "wasm32") {
        serde_json::to_string(value)
            .map(|compact| indent(&compact))
            .unwrap_or_default()
    } else {
        serde_json::to_string_pretty(value).unwrap_or_default()
    }
}

/// Lays out compact JSON text (no whitespace outside strings, as serde_json writes it). Runs
/// of bytes between structural characters, and whole strings, are copied at once.
fn indent(compact: &str) -> String {
    let bytes = compact.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() * 2);
    // A newline and the indentation of the deepest level so far.
    let mut pad = vec![b'\n'];
    let mut depth = 0usize;
    let newline = |out: &mut Vec<u8>, pad: &mut Vec<u8>, depth: usize| {
        let width = 1 + 2 * depth;
        if pad.len() < width {
            pad.resize(width, b' ');
        }
        out.extend_from_slice(&pad[..width]);
    };
    let structural = |b: &u8| matches!(b, b'"' | b'{' | b'[' | b'}' | b']' | b',' | b':');
    let mut rest = bytes;
    while let Some(at) = rest.iter().position(structural) {
        // Numbers and literals are copied as they are.
        out.extend_from_slice(&rest[..at]);
        let b = rest[at];
        rest = &rest[at + 1..];
        match b {
            b'"' => {
                // A string, copied through its closing quote; an escaped character (`\"`) is
                // skipped over.
                let mut len = 0;
                let end = loop {
                    match rest[len..].iter().position(|&c| c == b'"' || c == b'\\') {
                        Some(k) if rest[len + k] == b'"' => break len + k + 1,
                        Some(k) => len = (len + k + 2).min(rest.len()),
                        None => break rest.len(),
                    }
                };
                out.push(b'"');
                out.extend_from_slice(&rest[..end]);
                rest = &rest[end..];
            }
            b'{' | b'[' => {
                out.push(b);
                if let Some(&close @ (b'}' | b']')) = rest.first() {
                    out.push(close);
                    rest = &rest[1..];
                } else {
                    depth += 1;
                    newline(&mut out, &mut pad, depth);
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, &mut pad, depth);
                out.push(b);
            }
            b',' => {
                out.push(b',');
                newline(&mut out, &mut pad, depth);
            }
            _ => out.extend_from_slice(b": "),
        }
    }
    out.extend_from_slice(rest);
    // Only ASCII bytes were added, at places between whole characters: still UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    #[test]
    fn hand_checked() {
        let v = json!({"a": [1, 2, {}], "b": {"c": [], "d": "x,:{}[]\"\\"}, "e": null});
        assert_eq!(
            indent(&serde_json::to_string(&v).unwrap()),
            "{\n  \"a\": [\n    1,\n    2,\n    {}\n  ],\n  \"b\": {\n    \"c\": [],\n    \
             \"d\": \"x,:{}[]\\\"\\\\\"\n  },\n  \"e\": null\n}"
        );
        assert_eq!(indent("[]"), "[]");
        assert_eq!(indent("\"s\""), "\"s\"");
    }

    /// Any JSON value: strings with quotes, escapes, brackets and non-ASCII text, numbers,
    /// nesting, empty arrays and objects.
    fn any_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            "[a-z\"\\\\{}\\[\\],: 统战\u{1}\n]{0,8}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map("[a-z\":{}]{0,4}", inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        #[test]
        fn same_as_serde_json_pretty(v in any_value()) {
            let laid_out = indent(&serde_json::to_string(&v).unwrap());
            prop_assert_eq!(laid_out, serde_json::to_string_pretty(&v).unwrap());
        }

        /// Not only serde_json's output: any text is laid out without a panic, and only
        /// whitespace is added.
        #[test]
        fn any_text_lays_out(text in "[\"\\\\{}\\[\\],:a1 统]{0,40}") {
            let out = indent(&text);
            let kept: String = out.chars().filter(|c| !c.is_whitespace()).collect();
            let before: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            prop_assert_eq!(kept, before);
        }
    }
}
