//! `gen-rosters`: writes seeded, realistic roster CSV files (orgs.csv, persons.csv,
//! memberships.csv) for benchmarks and manual testing.
//!
//! ```sh
//! cargo run --release -p tongxin-examples --bin gen-rosters -- \
//!     --orgs 10000 --persons 1000000 --memberships 2000000 --seed 1 --out /tmp/rosters
//! # the national tree: every division from province to community as an organization
//! cargo run --release -p tongxin-examples --bin gen-rosters -- \
//!     --national ../shared/data/divisions --persons 10000000 --memberships 15000000 --out /tmp/rosters-n
//! ```

mod rostergen;

use std::process::ExitCode;

fn usage() -> ExitCode {
    eprintln!(
        "usage: gen-rosters [--orgs N | --national DIVISIONS_DIR] [--persons N] [--memberships N] [--seed S] --out DIR\n\
         defaults: 10000 orgs, 1000000 persons, 2000000 memberships, seed 1"
    );
    ExitCode::from(2)
}

fn main() -> ExitCode {
    let mut spec = rostergen::Spec {
        orgs: 10_000,
        persons: 1_000_000,
        memberships: 2_000_000,
        seed: 1,
    };
    let mut out = None;
    let mut national = None;
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let Some(value) = args.next() else {
            return usage();
        };
        let number = value.parse::<u64>();
        match (flag.as_str(), number) {
            ("--orgs", Ok(n)) => spec.orgs = n as usize,
            ("--persons", Ok(n)) => spec.persons = n as usize,
            ("--memberships", Ok(n)) => spec.memberships = n as usize,
            ("--seed", Ok(n)) => spec.seed = n,
            ("--out", _) => out = Some(std::path::PathBuf::from(value)),
            ("--national", _) => national = Some(std::path::PathBuf::from(value)),
            _ => return usage(),
        }
    }
    let Some(out) = out else {
        return usage();
    };
    let files = match national {
        None => rostergen::generate(&spec),
        Some(dir) => match rostergen::generate_national(&spec, &dir) {
            Ok(files) => files,
            Err(e) => {
                eprintln!("gen-rosters: {e}");
                return ExitCode::from(1);
            }
        },
    };
    let write = |name: &str, text: &str| {
        std::fs::create_dir_all(&out)
            .and_then(|()| std::fs::write(out.join(name), text))
            .map_err(|e| {
                eprintln!(
                    "gen-rosters: cannot write {}: {e}",
                    out.join(name).display()
                )
            })
    };
    if write("orgs.csv", &files.orgs).is_err()
        || write("persons.csv", &files.persons).is_err()
        || write("memberships.csv", &files.memberships).is_err()
    {
        return ExitCode::FAILURE;
    }
    println!(
        "wrote {} ({} orgs, {} persons, {} memberships, seed {})",
        out.display(),
        files.orgs.lines().count().saturating_sub(1),
        spec.persons,
        spec.memberships,
        spec.seed
    );
    ExitCode::SUCCESS
}
