//! `bench-journal`: how long the tamper-evident journal's hash chain takes over the M-scale
//! registry (generated rosters imported in memory: 10,000 organizations, 1,000,000 persons,
//! 2,000,000 memberships, about 3 million journal events).
//!
//! ```sh
//! cargo run --release -p tongxin-examples --bin bench-journal -- \
//!     [--orgs 10000] [--persons 1000000] [--memberships 2000000] [--seed 1] [--runs 3]
//! ```
//!
//! Times (best of `--runs`): `Registry::journal_head` (serialize each event to compact JSON and
//! SHA-256 it after the previous hash), `Registry::chained_journal` (the same plus a copy of
//! every event with its `prev` as hex), and `journal::verify_journal` of that chained journal
//! against the head, then `api::parse_journal` reading the chained journal back from its JSON,
//! and `Registry::to_json` (the pretty snapshot; natively serde_json's pretty formatter, in WASM
//! the compact text laid out by `core::pretty`), checked equal to `serde_json::to_string_pretty`.
//! The import itself is timed once, for comparison: the chain costs nothing while commands are
//! applied.

mod rostergen;
mod timing;

use std::time::Instant;
use timing::best_of;
use tongxin::interchange::{import_rosters, ImportOptions, Rosters};
use tongxin::journal::verify_journal;
use tongxin::prelude::*;

fn main() {
    let mut spec = rostergen::Spec {
        orgs: 10_000,
        persons: 1_000_000,
        memberships: 2_000_000,
        seed: 1,
    };
    let mut runs = 3usize;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let value: u64 = args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
            eprintln!("usage: bench-journal [--orgs N] [--persons N] [--memberships N] [--seed S] [--runs N]");
            std::process::exit(2)
        });
        match flag.as_str() {
            "--orgs" => spec.orgs = value as usize,
            "--persons" => spec.persons = value as usize,
            "--memberships" => spec.memberships = value as usize,
            "--seed" => spec.seed = value,
            "--runs" => runs = value as usize,
            _ => {
                eprintln!("unknown flag {flag}");
                std::process::exit(2)
            }
        }
    }
    let files = rostergen::generate(&spec);
    let meta = Meta {
        at: chrono::NaiveDate::from_ymd_opt(2024, 6, 1)
            .and_then(|d| d.and_hms_opt(9, 0, 0))
            .unwrap_or_default(),
        actor: "bench".into(),
    };
    let rosters = Rosters::csv(
        files.orgs.as_bytes(),
        files.persons.as_bytes(),
        files.memberships.as_bytes(),
    );
    let mut reg = Registry::new();
    let t = Instant::now();
    if let Err(e) = import_rosters(&mut reg, &meta, &rosters, &ImportOptions::default()) {
        eprintln!("import failed: {e}");
        std::process::exit(1)
    }
    let import = t.elapsed();
    drop(files);
    let n = reg.journal().len();
    let bytes: usize = reg
        .journal()
        .iter()
        .map(|e| serde_json::to_vec(&e).map_or(0, |v| v.len()))
        .sum();
    println!(
        "registry: {n} journal events ({:.0} MiB of compact event JSON), imported in {import:.2?}",
        bytes as f64 / (1024.0 * 1024.0)
    );
    let (head_time, head) = best_of(runs, || reg.journal_head());
    println!(
        "journal_head: {head_time:.2?} = {:.0} events/s, {:.0} MiB/s of JSON hashed (head {}…)",
        n as f64 / head_time.as_secs_f64(),
        bytes as f64 / (1024.0 * 1024.0) / head_time.as_secs_f64(),
        &head[..16]
    );
    let (chain_time, (chained, head2)) = best_of(runs, || reg.chained_journal());
    assert_eq!(head2, head);
    println!("chained_journal (events copied with prev): {chain_time:.2?}");
    let (verify_time, verified) = best_of(runs, || verify_journal(&chained, Some(&head)));
    match verified {
        Ok(h) if h == head => println!("verify_journal: {verify_time:.2?}"),
        other => {
            eprintln!("verify_journal failed: {other:?}");
            std::process::exit(1)
        }
    }
    // Reading the journal back from its JSON (as `fromJson` and `verifyJournal` do): every
    // command's tagged object, tag first as tongxin writes it.
    let text = serde_json::to_string(&chained).unwrap_or_default();
    // The first 100,000 events twice: as tongxin writes them, and with every object's keys
    // sorted (through `serde_json::Value`), so that each command's tag comes after other keys
    // and is read the slower way (the object read as values and written again tag first).
    let few = chained.len().min(100_000);
    let tag_first = serde_json::to_string(&chained[..few]).unwrap_or_default();
    let sorted = serde_json::to_value(&chained[..few])
        .map(|v| v.to_string())
        .unwrap_or_default();
    drop(chained);
    for (label, text) in [("tag first", &tag_first), ("keys sorted", &sorted)] {
        let (time, parsed) = best_of(runs, || tongxin::api::parse_journal(text));
        if parsed.map(|e| e.len()).ok() != Some(few) {
            eprintln!("parse_journal failed on {label}");
            std::process::exit(1)
        }
        println!("parse_journal, {few} events, {label}: {time:.2?}");
    }
    let (parse_time, parsed) = best_of(runs, || tongxin::api::parse_journal(&text));
    match parsed {
        Ok(events) if events.len() == n => println!(
            "parse_journal: {parse_time:.2?} = {:.0} events/s, {:.0} MiB/s",
            n as f64 / parse_time.as_secs_f64(),
            text.len() as f64 / (1024.0 * 1024.0) / parse_time.as_secs_f64()
        ),
        other => {
            eprintln!("parse_journal failed: {:?}", other.map(|e| e.len()));
            std::process::exit(1)
        }
    }
    drop(text);
    // The snapshot as pretty JSON: `Registry::to_json` against serde_json's own pretty
    // formatter called here; the two texts must be equal.
    let (ours_time, ours) = best_of(runs, || reg.to_json());
    let (serde_time, theirs) = best_of(runs, || {
        serde_json::to_string_pretty(&reg.snapshot()).unwrap_or_default()
    });
    if ours != theirs {
        eprintln!("Registry::to_json differs from serde_json::to_string_pretty");
        std::process::exit(1)
    }
    println!(
        "to_json ({:.0} MiB pretty): {ours_time:.2?} (serde_json's pretty formatter: {serde_time:.2?})",
        ours.len() as f64 / (1024.0 * 1024.0)
    );
}
