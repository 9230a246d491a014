//! Tagged objects (commands, queries, statistics, rule bodies, ASTs) read the same whatever the
//! place of their tag: first (as tongxin writes them), last at every depth, or with every
//! object's keys sorted (as `serde_json::Value` writes them), from text, from a `Value` and from
//! a reader.

mod common;
use common::*;
use proptest::prelude::*;
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::fmt::Debug;
use tongxin::api::{Query, Stat};
use tongxin::prelude::*;
use tongxin::rules::RuleBook;

/// The tag keys of tongxin's tagged enums.
const TAGS: [&str; 4] = ["type", "op", "stat", "question"];

/// `value` as JSON text with every object's tag keys last.
fn tags_last(value: &Value) -> String {
    match value {
        Value::Object(map) => {
            let (tags, others): (Vec<_>, Vec<_>) =
                map.iter().partition(|(k, _)| TAGS.contains(&k.as_str()));
            let fields: Vec<String> = others
                .into_iter()
                .chain(tags)
                .map(|(k, v)| format!("{}:{}", Value::from(k.as_str()), tags_last(v)))
                .collect();
            format!("{{{}}}", fields.join(","))
        }
        Value::Array(items) => {
            let items: Vec<String> = items.iter().map(tags_last).collect();
            format!("[{}]", items.join(","))
        }
        scalar => scalar.to_string(),
    }
}

/// `text` read as `T` in every arrangement and from every source, all equal to the direct read.
fn reads_alike<T: DeserializeOwned + PartialEq + Debug>(text: &str) -> T {
    let direct: T = serde_json::from_str(text).unwrap_or_else(|e| panic!("{text}: {e}"));
    let value: Value = serde_json::from_str(text).unwrap();
    let last = tags_last(&value);
    assert!(
        !last.starts_with("{\"type\"") || value.as_object().is_some_and(|m| m.len() == 1),
        "{last}"
    );
    let sorted = value.to_string();
    for other in [&last, &sorted] {
        assert_eq!(serde_json::from_str::<T>(other).unwrap(), direct, "{other}");
        assert_eq!(
            serde_json::from_reader::<_, T>(other.as_bytes()).unwrap(),
            direct,
            "{other}"
        );
    }
    assert_eq!(serde_json::from_value::<T>(value).unwrap(), direct);
    direct
}

#[test]
fn every_seed_command_reads_alike() {
    let seeds = include_str!("../../examples/data/seeds.jsonl");
    let mut read = 0;
    for line in seeds.lines() {
        let command: Command = reads_alike(line);
        // And it is written back as it was read.
        assert_eq!(
            serde_json::from_str::<Command>(&serde_json::to_string(&command).unwrap()).unwrap(),
            command
        );
        read += 1;
    }
    assert_eq!(read, 8327);
}

#[test]
fn requests_and_rule_books_read_alike() {
    for text in [
        r#"{"type":"organization","id":"sz-zlh"}"#,
        r#"{"type":"members","org":"sz-zlh","date":"2024-06-30","scope":"subtree"}"#,
        r#"{"type":"journal","after":3}"#,
        r#"{"type":"counts"}"#,
    ] {
        reads_alike::<Query>(text);
    }
    for text in [
        r#"{"stat":"rollup","as_of":"2024-06-30","by":"party"}"#,
        r#"{"stat":"coverage","kind":"zhilianhui","within":"4403","level":"township","as_of":"2024-06-30"}"#,
        r#"{"stat":"coverage_areas","kind":"zhilianhui","within":["4403","4401"],"level":"township","as_of":"2024-06-30"}"#,
    ] {
        reads_alike::<Stat>(text);
    }
    // A book whose conditions are ASTs nested three deep, and one with text conditions and
    // every kind of body.
    let ast = r#"{"common":[{"id":"a","severity":"reject","message_zh":"z","message_en":"e",
        "body":{"type":"eligibility","when":{"op":"and","args":[
            {"op":"not","arg":{"op":"cmp","attr":"party","cmp":"==","value":{"name":"cpc"}}},
            {"op":"in","attr":"profession","values":[{"str":"律师"},{"str":"医生"}]}]}}}]}"#;
    let book: RuleBook = reads_alike(ast);
    assert_eq!(book.common.len(), 1);
    let terms = r#"{"common":[
        {"id":"t","severity":"warn","message_zh":"z","message_en":"e","body":{"type":"president_term_limit","max_consecutive":2}},
        {"id":"s","severity":"warn","message_zh":"z","message_en":"e","body":{"type":"council_seats","max":3,"role":"council"}},
        {"id":"o","severity":"reject","message_zh":"z","message_en":"e","body":{"type":"overdue_term"}},
        {"id":"w","severity":"reject","message_zh":"z","message_en":"e","body":{"type":"eligibility","when":"party != cpc and age >= 18"}}]}"#;
    reads_alike::<RuleBook>(terms);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn random_commands_read_alike(command in arb_command()) {
        let text = serde_json::to_string(&command).unwrap();
        prop_assert_eq!(reads_alike::<Command>(&text), command);
    }
}

#[test]
fn request_errors_name_the_value_at_fault() {
    let good = r#"{"type":"join","membership":{"member":{"person":"p1"},"org":"o1","role":"member","start":"2024-01-01"}}"#;
    let bad = good.replace("2024-01-01", "2024-13-01");
    let err = tongxin::api::parse::<Command>(&bad).unwrap_err();
    assert_eq!(err.code.as_str(), "invalid_json");
    assert!(
        err.message
            .starts_with("membership.start: invalid JSON at line 1, column "),
        "{}",
        err.message
    );
    let (index, err) = tongxin::api::parse_commands(&format!("[{good},\n{bad}]")).unwrap_err();
    assert_eq!(index, Some(1));
    assert!(
        err.message
            .starts_with("[1].membership.start: invalid JSON at line 2, column "),
        "{}",
        err.message
    );
    // A request that is not an object is named by its place in the batch.
    let (index, err) = tongxin::api::parse_commands(&format!("[{good},[]]")).unwrap_err();
    assert_eq!(index, Some(1));
    assert!(err.message.starts_with("[1]: "), "{}", err.message);
    // With the tag last the object is read again from its re-encoded text, and the error is
    // placed at the object's end: the path still names the value.
    let value: Value = serde_json::from_str(&bad).unwrap();
    let err = tongxin::api::parse::<Command>(&tags_last(&value)).unwrap_err();
    assert!(
        err.message
            .starts_with("membership.start: invalid JSON at line 1, column "),
        "{}",
        err.message
    );
    let (index, err) =
        tongxin::api::parse_commands(&format!("[{good},{}]", tags_last(&value))).unwrap_err();
    assert_eq!(index, Some(1));
    assert!(
        err.message.starts_with("[1].membership.start: "),
        "{}",
        err.message
    );
}
