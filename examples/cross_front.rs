//! The Rust side of the cross-front scenario (`tests/cross/requests.json`): loads the seed
//! dataset, answers every request with the core's request layer (`tongxin::api`, which the C
//! and WASM fronts also call), and prints one JSON line per request:
//! `{"ok": <answer text>}` or `{"error": {"code", "status", "message"}}`. The C (ctypes) and
//! WASM (Node) sides print the same lines; the test scripts compare them byte for byte.
//!
//! After the seeds, the scenario's `setup` commands (the operators) are applied with its `meta`;
//! the scoped requests (`query_as`, `stats_as`, `stats_csv_as`, `rules_as`, `apply_as`) name
//! the operator they act as.
//!
//! Usage: `cross-front [REQUESTS_JSON] [SEEDS_JSONL]` (defaults: the repository's files).

use std::path::PathBuf;
use tongxin::api::{self, ApiError};
use tongxin::ids::DivisionTable;
use tongxin::{Meta, Registry};

/// One request: `kind` names the `api` function; `operator` is given for the scoped kinds
/// (`*_as`; `apply_as` acts with `meta.at` and the operator as actor).
fn answer(
    reg: &mut Registry,
    table: &DivisionTable,
    meta: &Meta,
    kind: &str,
    operator: &str,
    body: &str,
) -> Result<String, ApiError> {
    match kind {
        "query" => api::query(reg, api::parse(body)?),
        "stats" => api::stats_json(reg, table, api::parse(body)?),
        "stats_csv" => api::stats_csv(reg, table, api::parse(body)?),
        "rules" => api::rules(reg, api::parse(body)?),
        "query_as" => api::query_as(reg, operator, api::parse(body)?),
        "stats_as" => api::stats_json_as(reg, table, operator, api::parse(body)?),
        "stats_csv_as" => api::stats_csv_as(reg, table, operator, api::parse(body)?),
        "rules_as" => api::rules_as(reg, operator, api::parse(body)?),
        "apply_as" => {
            let meta = Meta {
                actor: operator.to_string(),
                ..meta.clone()
            };
            api::apply_as(reg, &meta, api::parse(body)?)
        }
        other => Err(ApiError::invalid(
            "kind",
            format!("unknown request kind `{other}`"),
        )),
    }
}

fn main() -> Result<(), String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut args = std::env::args().skip(1);
    let requests = args
        .next()
        .map_or_else(|| root.join("tests/cross/requests.json"), PathBuf::from);
    let seeds = args
        .next()
        .map_or_else(|| root.join("examples/data/seeds.jsonl"), PathBuf::from);
    let text =
        std::fs::read_to_string(&requests).map_err(|e| format!("{}: {e}", requests.display()))?;
    let scenario: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", requests.display()))?;
    let meta: Meta = serde_json::from_value(scenario["meta"].clone())
        .map_err(|e| format!("{}: meta: {e}", requests.display()))?;
    let seeds_text =
        std::fs::read_to_string(&seeds).map_err(|e| format!("{}: {e}", seeds.display()))?;
    let lines: Vec<&str> = seeds_text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .collect();
    let commands = format!("[{}]", lines.join(","));
    let mut reg = Registry::new();
    api::apply_batch(&mut reg, &meta, &commands).map_err(|e| format!("{e:?}"))?;
    let setup = serde_json::to_string(&scenario["setup"]).map_err(|e| e.to_string())?;
    if scenario["setup"].is_array() {
        api::apply_batch(&mut reg, &meta, &setup).map_err(|e| format!("setup: {e:?}"))?;
    }
    let table = DivisionTable::bundled().map_err(|e| e.to_string())?;
    let empty = Vec::new();
    for r in scenario["requests"].as_array().unwrap_or(&empty) {
        let kind = r["kind"].as_str().unwrap_or_default();
        let operator = r["operator"].as_str().unwrap_or_default();
        let body = serde_json::to_string(&r["body"]).map_err(|e| e.to_string())?;
        let line = match answer(&mut reg, &table, &meta, kind, operator, &body) {
            Ok(text) => serde_json::json!({ "ok": text }),
            Err(e) => serde_json::json!({ "error": {
                "code": e.code.as_str(), "status": e.code.number(), "message": e.message } }),
        };
        println!("{line}");
    }
    Ok(())
}
