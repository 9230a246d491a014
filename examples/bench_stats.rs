//! Statistics benchmark at M scale, built in memory (no CSV): 10,000 organizations, 1,000,000
//! persons, about 2,000,000 memberships, seeded. Measures the rollup (plain and by party), a
//! 12-point monthly series, and 10,000 "is P an active member anywhere under X" checks.
//!
//! ```text
//! cargo run --release -p tongxin-examples --bin bench-stats [-- --orgs N --persons N --seed S]
//! ```

mod procmem;

use chrono::{Days, NaiveDate};
use std::time::Instant;
use tongxin::prelude::*;
use tongxin::stats::{self, Dimension, Every};

/// xorshift64*: small, seeded, good enough for synthetic data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

fn arg(name: &str, default: u64) -> u64 {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn day0() -> NaiveDate {
    NaiveDate::from_ymd_opt(2015, 1, 1).unwrap_or_default()
}

fn peak_kib() -> Option<u64> {
    procmem::status("VmHWM:").map(|b| b / 1024)
}

/// A municipal root, districts, streets under them, and the rest as community organizations.
fn organizations(n: usize, rng: &mut Rng) -> Vec<Command> {
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let (level, parent, relation) = match i {
            0 => (Level::Municipal, None, Relation::Guidance),
            1..=10 => (Level::District, Some(0), Relation::Guidance),
            11..=200 => (
                Level::Subdistrict,
                Some(1 + rng.below(10) as usize),
                Relation::PartOf,
            ),
            _ => (
                Level::Community,
                Some(11 + rng.below(190) as usize),
                Relation::Guidance,
            ),
        };
        let code = match level {
            Level::Municipal => "4403".to_string(),
            Level::District => "440304".to_string(),
            Level::Subdistrict => "440304004".to_string(),
            _ => "440304004001".to_string(),
        };
        out.push(Command::AddOrganization {
            org: Organization {
                id: format!("o{i}"),
                name: format!("组织{i}"),
                name_en: None,
                kind: OrgKind::Zhilianhui,
                level,
                division_code: code,
                carrier: None,
                category: None,
                founded: day0(),
                dissolved: None,
                facilities: None,
                tags: vec![],
            },
            parent: parent.map(|p| format!("o{p}")),
            relation,
        });
    }
    out
}

fn main() {
    let n_orgs = arg("--orgs", 10_000) as usize;
    let n_persons = arg("--persons", 1_000_000) as usize;
    let mut rng = Rng(arg("--seed", 20240507) | 1);
    let meta = Meta {
        at: day0().and_hms_opt(0, 0, 0).unwrap_or_default(),
        actor: "bench".into(),
    };
    let started = Instant::now();
    let mut commands = organizations(n_orgs, &mut rng);
    let mut memberships = 0usize;
    for p in 0..n_persons {
        commands.push(Command::AddPerson {
            person: Person {
                id: format!("p{p}"),
                name: None,
                sex: Some(if rng.below(2) == 0 {
                    Sex::Male
                } else {
                    Sex::Female
                }),
                birth: PartialDate::year(1950 + rng.below(50) as i32),
                ethnicity: None,
                party: Party::ALL[rng.below(Party::ALL.len() as u64) as usize],
                title: Title::ALL[rng.below(Title::ALL.len() as u64) as usize],
                stratum: Stratum::None,
                education: None,
                returned_overseas: false,
                employer: None,
                profession: None,
                resident_id: None,
                political_posts: vec![],
            },
        });
        // One or two or three memberships (about 2 on average) in distinct organizations.
        let k = 1 + rng.below(3) as usize;
        let mut orgs: Vec<usize> = (0..k).map(|_| rng.below(n_orgs as u64) as usize).collect();
        orgs.sort_unstable();
        orgs.dedup();
        for o in orgs {
            let start = day0() + Days::new(rng.below(3000));
            let end = (rng.below(4) == 0).then(|| start + Days::new(1 + rng.below(1500)));
            commands.push(Command::Join {
                membership: Membership {
                    member: MemberRef::Person(format!("p{p}")),
                    org: format!("o{o}"),
                    role: Role::Member,
                    start,
                    end,
                    founding: false,
                    source: None,
                },
            });
            memberships += 1;
        }
    }
    let generated = started.elapsed();
    let started = Instant::now();
    let mut reg = Registry::new();
    if let Err((i, e)) = reg.apply_batch(&meta, commands) {
        eprintln!("command {i} rejected: {e}");
        std::process::exit(1);
    }
    let loaded = started.elapsed();
    println!(
        "registry: {n_orgs} organizations, {n_persons} persons, {memberships} memberships (generated in {:.2} s, applied in {:.2} s, {:.0} commands/s)",
        generated.as_secs_f64(),
        loaded.as_secs_f64(),
        (n_orgs + n_persons + memberships) as f64 / loaded.as_secs_f64()
    );
    let day = NaiveDate::from_ymd_opt(2022, 6, 30).unwrap_or_default();
    let time = |label: &str, runs: u32, f: &mut dyn FnMut() -> u64| {
        let mut best = f64::MAX;
        let mut check = 0;
        for _ in 0..runs {
            let t = Instant::now();
            check = f();
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!(
            "{label:<44} best of {runs}: {:>9.2} ms   (root total {check})",
            best * 1e3
        );
    };
    time("rollup, all organizations", 5, &mut || {
        stats::rollup(&reg, day, None).rows[0].total
    });
    time("rollup by party, all organizations", 5, &mut || {
        stats::rollup(&reg, day, Some(Dimension::Party)).rows[0].total
    });
    let points = stats::period_ends(
        NaiveDate::from_ymd_opt(2021, 7, 1).unwrap_or_default(),
        day,
        Every::Month,
    );
    time("series, 12 month ends (incremental)", 3, &mut || {
        stats::rollup_series(&reg, &points, None)
            .last()
            .map_or(0, |r| r.rows[0].total)
    });
    time("12 separate rollups (for comparison)", 3, &mut || {
        points
            .iter()
            .fold(0, |_, &p| stats::rollup(&reg, p, None).rows[0].total)
    });
    let queries: Vec<(MemberRef, String)> = (0..10_000)
        .map(|_| {
            (
                MemberRef::Person(format!("p{}", rng.below(n_persons as u64))),
                format!("o{}", rng.below(201)),
            )
        })
        .collect();
    // Best of 5 passes over the same 10,000 checks, like the figures above.
    let (mut best, mut hits) = (f64::MAX, 0);
    for _ in 0..5 {
        let t = Instant::now();
        hits = queries
            .iter()
            .filter(|(p, o)| reg.is_member_within(p, o, day).unwrap_or(false))
            .count();
        best = best.min(t.elapsed().as_secs_f64());
    }
    let per = best / queries.len() as f64;
    println!(
        "{:<44} {:>9.3} µs each ({hits} of {} true)",
        "is P active anywhere under X (10,000), best of 5",
        per * 1e6,
        queries.len()
    );
    if let Some(kib) = peak_kib() {
        println!(
            "peak memory {:.0} MiB ({:.0} bytes per membership, journal included)",
            kib as f64 / 1024.0,
            kib as f64 * 1024.0 / memberships as f64
        );
    }
}
