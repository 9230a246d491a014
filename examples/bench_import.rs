//! `bench-import`: imports generated rosters from CSV bytes already in memory and reports
//! rows per second and peak memory against the memory of the final registry.
//!
//! ```sh
//! cargo run --release -p tongxin-examples --bin bench-import -- \
//!     [--orgs 10000] [--persons 1000000] [--memberships 2000000] [--seed 1] [--phases] [--runs 1]
//! ```
//!
//! Memory comes from `/proc/self/status`: `VmRSS` before the import (the CSV bytes are already
//! resident) is the baseline; the peak is `VmHWM` (reset through `/proc/self/clear_refs` just
//! before the import, where the kernel allows it); the registry's memory is `VmRSS` after the
//! import minus the baseline. With `--phases` the import is instead run in two steps,
//! reading (`roster_commands`) and applying (`Registry::apply_batch`), each timed. With `--runs N`
//! the whole import is repeated N times (each into an empty registry; memory is that of the
//! first) and the best time is reported too: on a shared machine the best run is the least
//! disturbed.

mod procmem;
mod rostergen;

use procmem::status;

use std::time::Instant;
use tongxin::interchange::{import_rosters, roster_commands, ImportOptions, Rosters};
use tongxin::prelude::*;

fn mib(bytes: u64) -> f64 {
    bytes as f64 / (1024.0 * 1024.0)
}

fn main() {
    let mut spec = rostergen::Spec {
        orgs: 10_000,
        persons: 1_000_000,
        memberships: 2_000_000,
        seed: 1,
    };
    let mut phases = false;
    let mut runs = 1;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        if flag == "--phases" {
            phases = true;
            continue;
        }
        let value: u64 = args.next().and_then(|v| v.parse().ok()).unwrap_or_else(|| {
            eprintln!("usage: bench-import [--orgs N] [--persons N] [--memberships N] [--seed S] [--phases] [--runs N]");
            std::process::exit(2)
        });
        match flag.as_str() {
            "--orgs" => spec.orgs = value as usize,
            "--persons" => spec.persons = value as usize,
            "--memberships" => spec.memberships = value as usize,
            "--seed" => spec.seed = value,
            "--runs" => runs = value.max(1),
            _ => {
                eprintln!("unknown flag {flag}");
                std::process::exit(2)
            }
        }
    }
    let t = Instant::now();
    let files = rostergen::generate(&spec);
    let csv_bytes = files.orgs.len() + files.persons.len() + files.memberships.len();
    println!(
        "generated {} orgs, {} persons, {} memberships: {:.1} MiB of CSV in {:.2?}",
        spec.orgs,
        spec.persons,
        spec.memberships,
        mib(csv_bytes as u64),
        t.elapsed()
    );
    let rows = spec.orgs + spec.persons + spec.memberships;
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
    let options = ImportOptions::default();
    let hwm_reset = procmem::reset_peak();
    let base = status("VmRSS:").unwrap_or(0);
    let mut reg = Registry::new();
    let t = Instant::now();
    if phases {
        let commands = match roster_commands(&reg, &rosters, &options) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("import failed: {e}");
                std::process::exit(1)
            }
        };
        let read = t.elapsed();
        let after_read = status("VmRSS:").unwrap_or(0);
        println!(
            "phase read (roster_commands): {:.2?} = {:.0} rows/s; the commands take {:.1} MiB ({} bytes each, plus their strings)",
            read,
            rows as f64 / read.as_secs_f64(),
            mib(after_read.saturating_sub(base)),
            std::mem::size_of::<Command>(),
        );
        // Apply in two batches to see what each kind of row costs the registry: the second
        // `apply_batch` on a non-empty registry first clones it (its undo copy), so the clone
        // is timed on its own and subtracted.
        let split = spec.orgs + spec.persons;
        let mut commands = commands;
        let joins = commands.split_off(split.min(commands.len()));
        let t2 = Instant::now();
        if let Err((i, e)) = reg.apply_batch(&meta, commands) {
            eprintln!("apply failed at command {i}: {e}");
            std::process::exit(1)
        }
        let first = t2.elapsed();
        let t3 = Instant::now();
        let copy = reg.clone();
        let clone = t3.elapsed();
        drop(copy);
        let t4 = Instant::now();
        if let Err((i, e)) = reg.apply_batch(&meta, joins) {
            eprintln!("apply failed at membership {i}: {e}");
            std::process::exit(1)
        }
        let second = t4.elapsed().saturating_sub(clone);
        println!(
            "phase apply (Registry::apply_batch): orgs+persons {:.2?} = {:.0} rows/s; memberships {:.2?} = {:.0} rows/s (after subtracting the undo clone of {:.2?}); apply total {:.0} rows/s",
            first,
            split as f64 / first.as_secs_f64(),
            second,
            spec.memberships as f64 / second.as_secs_f64(),
            clone,
            rows as f64 / (first + second).as_secs_f64(),
        );
    } else if let Err(e) = import_rosters(&mut reg, &meta, &rosters, &options) {
        eprintln!("import failed: {e}");
        std::process::exit(1)
    }
    let elapsed = t.elapsed();
    if phases {
        println!("(timings below include the extra clone of the phase split)");
    }
    let after = status("VmRSS:").unwrap_or(0);
    let hwm = status("VmHWM:").unwrap_or(0);
    let registry = after.saturating_sub(base);
    let peak = hwm.saturating_sub(base);
    println!(
        "imported {} rows ({} orgs, {} persons, {} memberships) in {:.2?}: {:.0} rows/s",
        rows,
        reg.organization_count(),
        reg.person_count(),
        reg.membership_count(),
        elapsed,
        rows as f64 / elapsed.as_secs_f64()
    );
    println!(
        "memory: baseline {:.1} MiB (CSV resident), final registry {:.1} MiB, peak during import {:.1} MiB above baseline = {:.2}x the registry{}",
        mib(base),
        mib(registry),
        mib(peak),
        peak as f64 / registry.max(1) as f64,
        if hwm_reset { "" } else { " (VmHWM could not be reset: peak includes generation)" }
    );
    if !phases && runs > 1 {
        drop(reg);
        let mut best = elapsed;
        for run in 2..=runs {
            let mut again = Registry::new();
            let t = Instant::now();
            if let Err(e) = import_rosters(&mut again, &meta, &rosters, &options) {
                eprintln!("import failed: {e}");
                std::process::exit(1)
            }
            let elapsed = t.elapsed();
            drop(again);
            println!(
                "run {run}: {:.2?} = {:.0} rows/s",
                elapsed,
                rows as f64 / elapsed.as_secs_f64()
            );
            best = best.min(elapsed);
        }
        println!(
            "best of {runs} runs: {:.2?} = {:.0} rows/s",
            best,
            rows as f64 / best.as_secs_f64()
        );
    }
    drop(files);
}
