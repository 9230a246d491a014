//! Where in a JSON text serde_json stopped: the path of the value it was reading
//! (`persons[1].tongxin.party`), found by scanning the text up to the error's position.
//!
//! `serde_path_to_error` finds the same path by wrapping every reader, which instantiates every
//! record type's reader a second time (15 KB of the gzipped WASM module for the Popolo import
//! alone). The scan costs nothing until there is an error, and then one pass over the text up
//! to it.
//!
//! serde_json places an error at the last byte it read:
//! - a value of the wrong type is found on peeking at its first byte, so the last byte read is
//!   the `[`, `,`, `:` or space before it: the scan takes that byte;
//! - an error raised below an object's or array's reader without a position of its own (an
//!   unknown enum variant, a missing field) is placed where that reader stopped, after the bad
//!   value or on the closing `}` or `]`: the scan stops before a closing byte, so the path
//!   still names the field last read, which is the one at fault;
//! - at the end of the text, the scan takes it all.
//!
//! A missing or unknown field is named from the message, and so is the value at fault inside
//! a tagged object read again from its text (``in `path`: …``, `crate::tagged`).

/// The path of the value serde_json was reading when it failed with `error` on `text`, or the
/// empty string when the error has no position or lies outside every container.
pub(crate) fn path_of_error(text: &str, error: &serde_json::Error) -> String {
    if error.line() == 0 {
        return String::new();
    }
    // Which bytes to scan: see the module's documentation.
    let end = if error.is_eof() {
        text.len()
    } else {
        let last = offset(text, error.line(), error.column());
        match text.as_bytes().get(last) {
            Some(b'}' | b']') => last,
            Some(_) => last + 1,
            None => text.len(),
        }
    };
    let (mut path, fresh) = scan(text, end);
    // An array where nothing was read yet: the path names its first element if the reader
    // stopped on peeking at one (`[[…`: a command cannot be an array), else the array.
    if fresh && path.last() == Some(&Segment::Index(0)) {
        let next = text.as_bytes().get(end..).unwrap_or_default();
        let peeked = next.iter().find(|b| !b.is_ascii_whitespace());
        if peeked.is_none() || peeked == Some(&b']') {
            path.pop();
        }
    }
    // "missing field `x`" is raised at the object's end, after its last field, and "unknown
    // field `x`" on reading the key: name that field. A tagged object read again from its text
    // fails at its end too, saying ``in `path`: …`` inside it.
    let message = error.to_string();
    let named = ["missing field `", "unknown field `", "in `"]
        .iter()
        .find_map(|prefix| message.strip_prefix(prefix))
        .and_then(|rest| rest.split('`').next());
    if let (Some(field), Some(Segment::Key(key))) = (named, path.last_mut()) {
        *key = Some(field.to_owned());
    }
    render(&path)
}

/// The byte offset of 1-based `line`, 1-based `column` (serde_json's counting: bytes on the
/// line up to and including the last byte read).
fn offset(text: &str, line: usize, column: usize) -> usize {
    let start = if line <= 1 {
        0
    } else {
        text.bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .nth(line - 2)
            .map_or(text.len(), |(i, _)| i + 1)
    };
    (start + column.saturating_sub(1)).min(text.len())
}

/// One level of the path.
#[derive(Debug, PartialEq)]
enum Segment {
    /// In an object: the key last read (none before the first, and after a comma).
    Key(Option<String>),
    /// In an array: the element's index.
    Index(usize),
}

/// The containers open at byte `end` of `text`, each with where it is, and whether the
/// innermost is an array in which nothing was read yet.
fn scan(text: &str, end: usize) -> (Vec<Segment>, bool) {
    let bytes = text.as_bytes();
    let end = end.min(bytes.len());
    let mut path: Vec<Segment> = Vec::new();
    // Per container: in an object, whether the next string is a key; in an array, whether no
    // element has begun.
    let mut fresh: Vec<bool> = Vec::new();
    let mut i = 0;
    while i < end {
        let byte = bytes[i];
        if matches!(path.last(), Some(Segment::Index(_))) && !byte.is_ascii_whitespace() {
            if let Some(f) = fresh.last_mut() {
                *f = false;
            }
        }
        match byte {
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < bytes.len() && bytes[j] != b'"' {
                    j += if bytes[j] == b'\\' { 2 } else { 1 };
                }
                if j >= end {
                    // The error is inside this string.
                    break;
                }
                if let (Some(Segment::Key(k)), Some(f @ true)) = (path.last_mut(), fresh.last_mut())
                {
                    let raw = text.get(start - 1..=j).unwrap_or_default();
                    *k = Some(serde_json::from_str::<String>(raw).unwrap_or_else(|_| raw.into()));
                    *f = false;
                }
                i = j + 1;
                continue;
            }
            b'{' => {
                path.push(Segment::Key(None));
                fresh.push(true);
            }
            b'[' => {
                path.push(Segment::Index(0));
                fresh.push(true);
            }
            b'}' | b']' => {
                path.pop();
                fresh.pop();
            }
            b',' => match path.last_mut() {
                Some(Segment::Index(n)) => *n += 1,
                Some(Segment::Key(key)) => {
                    *key = None;
                    if let Some(f) = fresh.last_mut() {
                        *f = true;
                    }
                }
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    let fresh_array = matches!(path.last(), Some(Segment::Index(_))) && fresh.last() == Some(&true);
    (path, fresh_array)
}

/// `persons[1].tongxin.party`; an object before its first key adds nothing.
fn render(path: &[Segment]) -> String {
    let mut out = String::new();
    for segment in path {
        match segment {
            Segment::Key(Some(key)) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Segment::Key(None) => {}
            Segment::Index(n) => out.push_str(&format!("[{n}]")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::path_of_error;
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Debug, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Party {
        Cpc,
        Mass,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Ext {
        party: Party,
        #[serde(default)]
        title: Option<String>,
        #[serde(default)]
        posts: Vec<Party>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Person {
        id: String,
        #[serde(default)]
        tongxin: Option<Ext>,
        #[serde(default)]
        ages: Vec<u32>,
    }

    #[derive(Debug, Deserialize)]
    #[allow(dead_code)]
    struct Doc {
        #[serde(default)]
        persons: Vec<Person>,
        #[serde(default)]
        labels: BTreeMap<String, u32>,
    }

    /// The path found for the error reading `text` as a [`Doc`].
    fn path(text: &str) -> String {
        let e = serde_json::from_str::<Doc>(text).expect_err("an error");
        path_of_error(text, &e)
    }

    proptest::proptest! {
        /// Any text, and JSON cut or with a byte changed anywhere: a path, never a panic (the
        /// scan indexes bytes up to a position the text does not choose).
        #[test]
        fn any_text_gives_a_path(
            noise in "[{}\\[\\],:\"\\\\a-z0-9 \n\u{e9}\u{4e2d}]{0,60}",
            cut in 0usize..200,
            byte in 0usize..200,
            with in proptest::sample::select(vec!['"', '\\', '{', '}', '[', ']', ',', ':', 'x', '中']),
        ) {
            let doc = "{\"persons\": [{\"id\": \"a\", \"tongxin\": {\"party\": \"cpc\", \
                       \"posts\": [\"mass\"]}}, {\"id\": \"b\\\"\", \"ages\": [1, 2]}],\n\
                       \"labels\": {\"k\": 1}}";
            let mut changed: Vec<char> = doc.chars().collect();
            let at = byte % changed.len();
            changed[at] = with;
            let changed: String = changed.into_iter().collect();
            let cut_doc: String = doc.chars().take(cut).collect();
            for text in [noise.as_str(), cut_doc.as_str(), changed.as_str()] {
                if let Err(e) = serde_json::from_str::<Doc>(text) {
                    let _ = path_of_error(text, &e);
                }
            }
        }
    }

    #[test]
    fn names_the_field_at_fault() {
        // An unknown variant, last in its object and not last.
        let a = r#"{"persons": [{"id": "a"}, {"id": "b", "tongxin": {"party": "communist"}}]}"#;
        assert_eq!(path(a), "persons[1].tongxin.party");
        let b = r#"{"persons": [{"id": "b", "tongxin": {"party": "x", "title": "t"}}]}"#;
        assert_eq!(path(b), "persons[0].tongxin.party");
        // A wrong type, where it is.
        assert_eq!(path(r#"{"persons": [{"id": 7}]}"#), "persons[0].id");
        assert_eq!(
            path(r#"{"persons": [{"id": "a", "ages": [1, "x", 3]}]}"#),
            "persons[0].ages[1]"
        );
        // Without spaces: the byte read last is the `,`, `[` or `:` before the value.
        let tight = r#"{"persons":[{"id":"a","ages":[1,"x",3]}]}"#;
        assert_eq!(path(tight), "persons[0].ages[1]");
        assert_eq!(
            path(r#"{"persons":[{"id":"a","ages":["x"]}]}"#),
            "persons[0].ages[0]"
        );
        assert_eq!(path(r#"{"persons":["x"]}"#), "persons[0]");
        assert_eq!(path(r#"{"persons":[7]}"#), "persons[0]");
        assert_eq!(path(r#"{"persons":[[]]}"#), "persons[0]");
        assert_eq!(
            path(r#"{"persons":[{"id":"a","ages":[]}],"labels":[]}"#),
            "labels"
        );
        assert_eq!(path(r#"{"persons":[{"id":7}]}"#), "persons[0].id");
        assert_eq!(
            path(r#"{"persons":[{"id":"a","tongxin":[]}]}"#),
            "persons[0].tongxin"
        );
        let tight = r#"{"persons":[{"id":"a","tongxin":{"party":"cpc","posts":["no","mass"]}}]}"#;
        assert_eq!(path(tight), "persons[0].tongxin.posts[0]");
        let tight = r#"{"persons":[{"id":"a","tongxin":{"party":"x","title":"t"}}]}"#;
        assert_eq!(path(tight), "persons[0].tongxin.party");
        // An unknown variant in an array, last and not last.
        let c =
            r#"{"persons": [{"id": "a", "tongxin": {"party": "cpc", "posts": ["mass", "no"]}}]}"#;
        assert_eq!(path(c), "persons[0].tongxin.posts[1]");
        let d =
            r#"{"persons": [{"id": "a", "tongxin": {"party": "cpc", "posts": ["no", "mass"]}}]}"#;
        assert_eq!(path(d), "persons[0].tongxin.posts[0]");
        // A missing field is named, with and without other fields.
        assert_eq!(
            path(r#"{"persons": [{"id": "a", "tongxin": {"title": "t"}}]}"#),
            "persons[0].tongxin.party"
        );
        assert_eq!(
            path(r#"{"persons": [{"id": "a", "tongxin": {}}]}"#),
            "persons[0].tongxin.party"
        );
        // An unknown field, first and last.
        assert_eq!(
            path(r#"{"persons": [{"id": "a", "tongxin": {"zzz": 1, "party": "cpc"}}]}"#),
            "persons[0].tongxin.zzz"
        );
        assert_eq!(
            path(r#"{"persons": [{"id": "a", "tongxin": {"party": "cpc", "zzz": 1}}]}"#),
            "persons[0].tongxin.zzz"
        );
        // Keys with escapes and across lines; strings holding brackets, commas and quotes.
        let e = "{\"labels\": {\"a,[\\\"}\": 1,\n \"b\\u00e9\": \"x\"}}";
        assert_eq!(path(e), "labels.bé");
        // A syntax error, after a comma: the object.
        assert_eq!(path("{\"persons\": [{\"id\": \"a\",\n }]}"), "persons[0]");
        // Cut off after a comma: the next element.
        assert_eq!(path(r#"{"persons": [{"id": "a"},"#), "persons[1]");
        // At the top.
        assert_eq!(path("7"), "");
    }
}
