//! The tongxin side of `bench/compare_sql.py`: loads a roster directory, then times the rollup
//! by party (best of N), the coverage of zhilianhui over the subdistricts of the root's districts,
//! and a list of "is P an active member anywhere under X" checks; prints one JSON document with
//! the timings and the answers, for the script to compare with SQLite and DuckDB.
//!
//! ```text
//! bench-compare DIR --as-of YYYY-MM-DD --queries FILE --streets FILE [--runs N]
//! ```
//! `FILE` of queries: CSV `person_id,org_id`, no header.

mod procmem;

use chrono::{NaiveDate, NaiveDateTime};
use std::collections::BTreeMap;
use std::time::Instant;
use tongxin::ids::{DivisionCode, DivisionLevel, DivisionTable};
use tongxin::interchange::{import_rosters, ImportOptions, Limits, Rosters};
use tongxin::prelude::*;
use tongxin::stats::{self, Dimension};

fn value(args: &[String], name: &str) -> Option<String> {
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

fn fail(msg: String) -> ! {
    eprintln!("{msg}");
    std::process::exit(2)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).cloned().unwrap_or_else(|| {
        fail("usage: bench-compare DIR --as-of DAY --queries FILE --streets FILE [--runs N]".into())
    });
    let day: NaiveDate = value(&args, "--as-of")
        .and_then(|d| d.parse().ok())
        .unwrap_or_else(|| fail("--as-of YYYY-MM-DD is required".into()));
    let runs: u32 = value(&args, "--runs")
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    let read = |name: &str| {
        std::fs::read(format!("{dir}/{name}"))
            .unwrap_or_else(|e| fail(format!("{dir}/{name}: {e}")))
    };
    let (orgs, persons, memberships) = (
        read("orgs.csv"),
        read("persons.csv"),
        read("memberships.csv"),
    );
    let meta = Meta {
        at: NaiveDateTime::default(),
        actor: "bench".into(),
    };
    let t = Instant::now();
    let mut reg = Registry::new();
    import_rosters(
        &mut reg,
        &meta,
        &Rosters::csv(&orgs, &persons, &memberships),
        // The national tree's files exceed the default bounds meant for untrusted uploads.
        &ImportOptions {
            limits: Limits {
                max_file_bytes: 16 << 30,
                max_rows: 200_000_000,
                ..Limits::default()
            },
            ..ImportOptions::default()
        },
    )
    .unwrap_or_else(|e| fail(e.to_string()));
    let load = t.elapsed().as_secs_f64();
    // Memory: the registry alone once the CSV bytes are freed, and the peak of the load.
    drop((orgs, persons, memberships));
    let rss = procmem::status("VmRSS:");
    let peak = procmem::status("VmHWM:");

    // Rollup by party, best of `runs`; the first call's memory above the registry's (its
    // working memory and answer) is the peak it reaches.
    let peak_reset = procmem::reset_peak();
    let before_rollup = procmem::status("VmRSS:");
    let mut best = f64::MAX;
    let mut rollup = stats::rollup(&reg, day, Some(Dimension::Party));
    let rollup_peak = procmem::status("VmHWM:")
        .zip(before_rollup)
        .filter(|_| peak_reset)
        .map(|(peak, before)| peak.saturating_sub(before));
    for _ in 0..runs {
        let t = Instant::now();
        rollup = stats::rollup(&reg, day, Some(Dimension::Party));
        best = best.min(t.elapsed().as_secs_f64());
    }
    let rows: BTreeMap<&str, (u64, &[u64])> = rollup
        .rows
        .iter()
        .map(|r| (r.org_id.as_str(), (r.total, r.counts.as_slice())))
        .collect();

    // Coverage of zhilianhui over the subdistricts of every district in the roots' divisions.
    let mut table = DivisionTable::bundled().unwrap_or_else(|e| fail(e.to_string()));
    if let Some(streets) = value(&args, "--streets") {
        let text =
            std::fs::read_to_string(&streets).unwrap_or_else(|e| fail(format!("{streets}: {e}")));
        table
            .load_level_csv(&text)
            .unwrap_or_else(|e| fail(e.to_string()));
    }
    let roots: Vec<DivisionCode> = reg
        .roots(day)
        .into_iter()
        .filter_map(|id| reg.organization(id))
        .filter_map(|o| DivisionCode::parse(&o.division_code).ok())
        .collect();
    let mut best_cov = f64::MAX;
    let mut covered: BTreeMap<String, usize> = BTreeMap::new();
    for _ in 0..runs {
        let t = Instant::now();
        covered.clear();
        // Every root's area in one pass over the organizations.
        let all = stats::coverage_areas(
            &reg,
            &table,
            OrgKind::Zhilianhui,
            &roots,
            DivisionLevel::Township,
            None,
            day,
        )
        .unwrap_or_else(|e| fail(e.to_string()));
        for r in all.into_iter().flat_map(|c| c.rows) {
            covered.insert(r.division_code, r.organizations.len());
        }
        best_cov = best_cov.min(t.elapsed().as_secs_f64());
    }

    // Membership checks.
    let queries: Vec<(String, String)> = value(&args, "--queries")
        .map(|f| std::fs::read_to_string(&f).unwrap_or_else(|e| fail(format!("{f}: {e}"))))
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once(','))
        .map(|(p, o)| (p.to_string(), o.to_string()))
        .collect();
    let refs: Vec<MemberRef> = queries
        .iter()
        .map(|(p, _)| MemberRef::Person(p.clone()))
        .collect();
    let mut answers = Vec::with_capacity(queries.len());
    let t = Instant::now();
    for (m, (_, o)) in refs.iter().zip(&queries) {
        answers.push(reg.is_member_within(m, o, day).unwrap_or(false));
    }
    let checks = t.elapsed().as_secs_f64();

    let out = serde_json::json!({
        "load_s": load,
        "rollup_s": best,
        "coverage_s": best_cov,
        "checks_s": checks,
        "checks": queries.len(),
        "memberships": reg.membership_count(),
        "rss_bytes": rss,
        "peak_bytes": peak,
        "rollup_peak_bytes": rollup_peak,
        "columns": rollup.columns,
        "rollup": rows,
        "coverage": covered,
        "answers": answers,
    });
    println!("{out}");
}
