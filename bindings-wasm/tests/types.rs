//! The TypeScript declarations against the core's own names.
//!
//! `types/generated.d.ts` is written from the core: every vocabulary, every tagged request and
//! command, and every error code, read from the core's types themselves. This test fails when
//! the committed file differs from a fresh one (run with `TONGXIN_UPDATE_TYPES=1` to rewrite
//! it), and when the hand-written `types/api.d.ts` lacks a declaration for a command, query,
//! statistic, rule question or rule body the core accepts.

use serde::de::DeserializeOwned;
use std::path::PathBuf;
use tongxin::access::AccessRole;
use tongxin::api::{ApiCode, Encoding, Query, Question, Stat};
use tongxin::ids::DivisionLevel;
use tongxin::rules::{Family, Inherit, OrderKey, RuleBody, Severity};
use tongxin::stats::{Dimension, Every, OrgDimension};
use tongxin::*;

/// The variant names serde accepts for `T`, read from its "unknown variant" message for a
/// value that cannot be a name (`json` is the value with the placeholder `@`).
fn variants<T: DeserializeOwned + std::fmt::Debug>(json: &str) -> Vec<String> {
    let text = json.replace('@', "\\u0000");
    let err = serde_json::from_str::<T>(&text).expect_err("the placeholder is no variant");
    let msg = err.to_string();
    let list = msg
        .split("expected one of ")
        .nth(1)
        .or_else(|| msg.split("expected ").nth(1))
        .unwrap_or_else(|| panic!("no variant list in {msg:?}"));
    let list = list.split(" at line").next().unwrap_or(list);
    list.split(", ")
        .map(|v| v.trim().trim_matches('`').to_string())
        .filter(|v| !v.is_empty())
        .collect()
}

fn union(name: &str, doc: &str, names: &[String]) -> String {
    let alts: Vec<String> = names.iter().map(|n| format!("\"{n}\"")).collect();
    format!(
        "/** {doc} */\nexport type {name} =\n  | {};\n",
        alts.join("\n  | ")
    )
}

fn vocab<T: Copy>(all: &[T], as_str: fn(T) -> &'static str) -> Vec<String> {
    all.iter().map(|v| as_str(*v).to_string()).collect()
}

fn generated() -> String {
    let mut out = String::from(
        "// Generated from the core's own names by `TONGXIN_UPDATE_TYPES=1 cargo test -p \
         tongxin-wasm --test types`; do not edit.\n\n",
    );
    let unions: Vec<(&str, &str, Vec<String>)> = vec![
        (
            "Level",
            "Organization level, national down to community.",
            vocab(Level::ALL, Level::as_str),
        ),
        (
            "OrgKind",
            "Kind of organization.",
            vocab(OrgKind::ALL, OrgKind::as_str),
        ),
        (
            "Relation",
            "How an organization hangs under its parent.",
            vocab(Relation::ALL, Relation::as_str),
        ),
        (
            "Carrier",
            "Carrier of a 同心荟 or base.",
            vocab(Carrier::ALL, Carrier::as_str),
        ),
        (
            "TongxinCategory",
            "Category of a 同心荟.",
            vocab(TongxinCategory::ALL, TongxinCategory::as_str),
        ),
        (
            "Party",
            "Political affiliation.",
            vocab(Party::ALL, Party::as_str),
        ),
        (
            "Title",
            "Professional title.",
            vocab(Title::ALL, Title::as_str),
        ),
        (
            "Stratum",
            "New social stratum.",
            vocab(Stratum::ALL, Stratum::as_str),
        ),
        ("Sex", "Sex.", vocab(Sex::ALL, Sex::as_str)),
        (
            "Education",
            "Education.",
            vocab(Education::ALL, Education::as_str),
        ),
        (
            "Role",
            "Role in an organization.",
            vocab(Role::ALL, Role::as_str),
        ),
        (
            "PoliticalBody",
            "People's congress or CPPCC.",
            vocab(PoliticalBody::ALL, PoliticalBody::as_str),
        ),
        (
            "DesignationTitle",
            "Title of a designation.",
            vocab(DesignationTitle::ALL, DesignationTitle::as_str),
        ),
        (
            "ActivityKind",
            "Kind of activity.",
            vocab(ActivityKind::ALL, ActivityKind::as_str),
        ),
        (
            "AdviceKind",
            "Kind of advice.",
            vocab(AdviceKind::ALL, AdviceKind::as_str),
        ),
        (
            "AffiliationKind",
            "Kind of affiliation.",
            vocab(AffiliationKind::ALL, AffiliationKind::as_str),
        ),
        (
            "MemberScope",
            "Which memberships count as an organization's.",
            variants::<MemberScope>("\"@\""),
        ),
        (
            "DivisionLevel",
            "Level of a division code.",
            variants::<DivisionLevel>("\"@\""),
        ),
        (
            "Dimension",
            "Breakdown of a rollup.",
            variants::<Dimension>("\"@\""),
        ),
        (
            "OrgDimension",
            "Breakdown of an organization rollup.",
            variants::<OrgDimension>("\"@\""),
        ),
        ("Every", "Step of a series.", variants::<Every>("\"@\"")),
        (
            "OrderKey",
            "Ranking key of candidates.",
            variants::<OrderKey>("\"@\""),
        ),
        ("Family", "Family of a rule.", variants::<Family>("\"@\"")),
        (
            "Severity",
            "Severity of a rule.",
            variants::<Severity>("\"@\""),
        ),
        (
            "Inherit",
            "How an override inherits its kind's rules.",
            variants::<Inherit>("\"@\""),
        ),
        (
            "Encoding",
            "Text encoding of roster files.",
            variants::<Encoding>("\"@\""),
        ),
        (
            "AccessRole",
            "Role of an operator's grant, each including the ones before it.",
            variants::<AccessRole>("\"@\""),
        ),
        (
            "CommandType",
            "The `type` of a command.",
            variants::<Command>(r#"{"type":"@"}"#),
        ),
        (
            "QueryType",
            "The `type` of a query.",
            variants::<Query>(r#"{"type":"@"}"#),
        ),
        (
            "StatName",
            "The `stat` of a statistic request.",
            variants::<Stat>(r#"{"stat":"@"}"#),
        ),
        (
            "QuestionName",
            "The `question` of a rules question.",
            variants::<Question>(r#"{"question":"@"}"#),
        ),
        (
            "RuleBodyType",
            "The `type` of a rule body.",
            variants::<RuleBody>(r#"{"type":"@"}"#),
        ),
    ];
    for (name, doc, names) in &unions {
        out.push_str(&union(name, doc, names));
        out.push('\n');
    }
    let mut codes: Vec<String> = [
        ApiCode::InvalidArgument,
        ApiCode::InvalidIdentifier,
        ApiCode::Import,
        ApiCode::Export,
        ApiCode::Rule,
    ]
    .iter()
    .map(|c| c.as_str().to_string())
    .collect();
    codes.push("unknown_error".into());
    codes.extend(ErrorCode::ALL.iter().map(|c| c.as_str().to_string()));
    out.push_str(&union(
        "ErrorCodeName",
        "The `code` of a thrown `TongxinError` (the C front's `tx_status` names).",
        &codes,
    ));
    out
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("types")
}

#[test]
fn generated_types_are_current() {
    let path = dir().join("generated.d.ts");
    let fresh = generated();
    if std::env::var_os("TONGXIN_UPDATE_TYPES").is_some() {
        std::fs::write(&path, &fresh).expect("write generated.d.ts");
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == fresh,
        "{} is out of date: run `TONGXIN_UPDATE_TYPES=1 cargo test -p tongxin-wasm --test types` \
         and commit it",
        path.display()
    );
}

#[test]
fn every_tagged_request_has_a_declaration() {
    let api = std::fs::read_to_string(dir().join("api.d.ts")).expect("api.d.ts");
    let checks: [(&str, Vec<String>); 5] = [
        ("type", variants::<Command>(r#"{"type":"@"}"#)),
        ("type", variants::<Query>(r#"{"type":"@"}"#)),
        ("stat", variants::<Stat>(r#"{"stat":"@"}"#)),
        ("question", variants::<Question>(r#"{"question":"@"}"#)),
        ("type", variants::<RuleBody>(r#"{"type":"@"}"#)),
    ];
    for (tag, names) in checks {
        assert!(!names.is_empty());
        for name in names {
            let decl = format!("{tag}: \"{name}\"");
            assert!(api.contains(&decl), "api.d.ts declares no `{decl}`");
        }
    }
}
