//! `web-expect`: the Rust answers the browser dashboard's end-to-end test (tests/web/e2e.mjs)
//! compares the page against. Loads examples/data/seeds.jsonl as seed-demo does and prints one
//! JSON object: the rollup (distinct members of the subtree, by party and by title) of an
//! organization on a day, computed by `tongxin::stats::rollup`, and the eligibility of a person
//! for an organization on a day, computed by `tongxin::rules::check` with the standard rule book.
//!
//! ```text
//! cargo run --release -q -p tongxin-examples --bin web-expect -- \
//!     [--data FILE] [--date D] [--org ID] [--person ID] [--check-org ID]
//! ```
//! Defaults: 2024-06-30, sz-zlh-futian, p-0003, sz-zlh. Exits 2 on a usage or load error.

mod seeds;

use chrono::NaiveDate;
use serde_json::{json, Map, Value};
use std::path::PathBuf;
use std::process::ExitCode;
use tongxin::prelude::*;
use tongxin::rules::{self, CompiledBook};
use tongxin::stats::{self, Dimension};

struct Args {
    data: PathBuf,
    date: NaiveDate,
    org: String,
    person: String,
    check_org: String,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        data: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("data/seeds.jsonl"),
        date: NaiveDate::from_ymd_opt(2024, 6, 30).ok_or("bad default date")?,
        org: "sz-zlh-futian".into(),
        person: "p-0003".into(),
        check_org: "sz-zlh".into(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        let mut value = || it.next().ok_or(format!("{a} needs a value"));
        match a.as_str() {
            "--data" => args.data = value()?.into(),
            "--date" => {
                let v = value()?;
                args.date = v.parse().map_err(|e| format!("--date `{v}`: {e}"))?;
            }
            "--org" => args.org = value()?,
            "--person" => args.person = value()?,
            "--check-org" => args.check_org = value()?,
            other => {
                return Err(format!(
                    "unknown argument `{other}`\nusage: web-expect [--data FILE] [--date D] \
                     [--org ID] [--person ID] [--check-org ID]"
                ))
            }
        }
    }
    Ok(args)
}

/// The organization's row of a rollup by `dim`: its total and its non-zero columns.
fn breakdown(reg: &Registry, args: &Args, dim: Dimension) -> Result<(u64, Value), String> {
    let r = stats::rollup(reg, args.date, Some(dim));
    let row = r
        .row(&args.org)
        .ok_or_else(|| format!("`{}` does not exist on {}", args.org, args.date))?;
    let counts: Map<String, Value> = r
        .columns
        .iter()
        .zip(&row.counts)
        .map(|(c, n)| (c.clone(), json!(n)))
        .collect();
    Ok((row.total, Value::Object(counts)))
}

fn run(args: &Args) -> Result<Value, String> {
    let reg = seeds::load(&args.data)?;
    let (total, party) = breakdown(&reg, args, Dimension::Party)?;
    let (_, title) = breakdown(&reg, args, Dimension::Title)?;
    let member = MemberRef::Person(args.person.clone());
    let check = rules::check(
        &reg,
        &CompiledBook::standard(),
        &member,
        &args.check_org,
        args.date,
    )
    .map_err(|e| e.to_string())?;
    Ok(json!({
        "date": args.date.to_string(),
        "rollup": { "org": args.org, "total": total, "party": party, "title": title },
        "check": {
            "person": args.person,
            "org": args.check_org,
            "eligible": check.eligible,
            "explanation_zh": check.explanation_zh,
        },
    }))
}

fn main() -> ExitCode {
    let result = parse_args().and_then(|a| run(&a));
    match result {
        Ok(v) => {
            println!("{v}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("web-expect: {e}");
            ExitCode::from(2)
        }
    }
}
