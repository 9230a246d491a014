//! Pretty-printed JSON, written as serde_json's `to_string_pretty` writes it (two-space indent,
//! `"key": value`, empty `[]` and `{}` on one line), but laid out from the compact text.
//!
//! Why not `serde_json::to_string_pretty`: every type serialized through it is compiled a
//! second time for the pretty formatter. Snapshots, rule books and Popolo documents are written
//! pretty while answers and journal events are written compact, so the record types were
//! compiled twice: 23 KB of the WASM module's code. Laying out compact text costs one small
//! function.

use serde::Serialize;

/// `value` as pretty JSON text, byte for byte what `serde_json::to_string_pretty` gives, or
/// an empty string where serialization fails (a map with non-string keys; tongxin's types have
/// none).
pub(crate) fn to_string_pretty<T: Serialize + ?Sized>(value: &T) -> String {
    serde_json::to_string(value)
        .map(|compact| indent(&compact))
        .unwrap_or_default()
}

/// Lays out compact JSON text (no whitespace outside strings, as serde_json writes it).
fn indent(compact: &str) -> String {
    let bytes = compact.as_bytes();
    let mut out = Vec::with_capacity(bytes.len() + bytes.len() / 2);
    let mut depth = 0usize;
    let newline = |out: &mut Vec<u8>, depth: usize| {
        out.push(b'\n');
        out.extend(std::iter::repeat_n(b' ', 2 * depth));
    };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' => {
                // A string, copied through its closing quote (escapes skipped over).
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                let end = (i + 1).min(bytes.len());
                out.extend_from_slice(&bytes[start..end]);
            }
            b'{' | b'[' => {
                out.push(b);
                if matches!(bytes.get(i + 1), Some(b'}' | b']')) {
                    out.push(bytes[i + 1]);
                    i += 1;
                } else {
                    depth += 1;
                    newline(&mut out, depth);
                }
            }
            b'}' | b']' => {
                depth = depth.saturating_sub(1);
                newline(&mut out, depth);
                out.push(b);
            }
            b',' => {
                out.push(b',');
                newline(&mut out, depth);
            }
            b':' => out.extend_from_slice(b": "),
            _ => out.push(b),
        }
        i += 1;
    }
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
            to_string_pretty(&v),
            "{\n  \"a\": [\n    1,\n    2,\n    {}\n  ],\n  \"b\": {\n    \"c\": [],\n    \
             \"d\": \"x,:{}[]\\\"\\\\\"\n  },\n  \"e\": null\n}"
        );
        assert_eq!(to_string_pretty(&json!([])), "[]");
        assert_eq!(to_string_pretty(&json!("s")), "\"s\"");
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
            prop_assert_eq!(to_string_pretty(&v), serde_json::to_string_pretty(&v).unwrap());
        }
    }
}
