//! The seed-facts demo: loads the bundled dataset (examples/data/seeds.jsonl, one command per
//! line), prints the organization hierarchy, and computes every fact of DESIGN §"Facts from the
//! seeds" through the library, printing expected and computed values side by side. Exits 1 if
//! any fact differs, 2 on a usage or load error.
//!
//! ```text
//! cargo run --release -p tongxin-examples --bin seed-demo [-- --data FILE] [--divisions DIR] [--quiet]
//! ```

mod seeds;

use chrono::NaiveDate;
use seeds::load;
use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::ExitCode;
use tongxin::ids::{DivisionCode, DivisionLevel, DivisionTable};
use tongxin::prelude::*;
use tongxin::stats::{self, Period};

/// What the articles say about a number.
enum Expect {
    /// Exactly this.
    Exactly(u64),
    /// Within `[lo, hi]`, as in "540余" (541–549) or "超3000" (3,001–3,099).
    Between(u64, u64, &'static str),
    /// A text value.
    Text(String),
}

struct Fact {
    source: &'static str,
    what: &'static str,
    expected: Expect,
    computed: Result<String, String>,
}

impl Fact {
    fn holds(&self) -> bool {
        let Ok(got) = &self.computed else {
            return false;
        };
        match &self.expected {
            Expect::Exactly(n) => got == &n.to_string(),
            Expect::Between(lo, hi, _) => {
                got.parse::<u64>().is_ok_and(|v| (*lo..=*hi).contains(&v))
            }
            Expect::Text(t) => got == t,
        }
    }

    fn expected_text(&self) -> String {
        match &self.expected {
            Expect::Exactly(n) => n.to_string(),
            Expect::Between(_, _, label) => label.to_string(),
            Expect::Text(t) => t.clone(),
        }
    }
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap_or(NaiveDate::MIN)
}

struct Args {
    data: PathBuf,
    divisions: PathBuf,
    quiet: bool,
}

fn parse_args() -> Result<Args, String> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut args = Args {
        data: root.join("data/seeds.jsonl"),
        divisions: root.join("../../shared/data/divisions"),
        quiet: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(a) = it.next() {
        match a.as_str() {
            "--data" => args.data = it.next().ok_or("--data needs a file")?.into(),
            "--divisions" => {
                args.divisions = it.next().ok_or("--divisions needs a directory")?.into()
            }
            "--quiet" => args.quiet = true,
            "-h" | "--help" => {
                return Err("usage: seed-demo [--data FILE] [--divisions DIR] [--quiet]".into())
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(args)
}

/// Prints the forest of `on`, indented, with direct member counts; long runs of online groups
/// are summarised.
fn print_tree(reg: &Registry, on: NaiveDate) {
    println!("Organization hierarchy as of {on} (direct members in brackets):");
    let forest = reg.tree_at(on);
    for &root in forest
        .order()
        .iter()
        .filter(|&&o| forest.parent(o).is_none())
    {
        print_node(reg, &forest, root, on, 1);
    }
}

fn print_node(
    reg: &Registry,
    forest: &tongxin::tree::Forest,
    node: tongxin::tree::OrgIdx,
    on: NaiveDate,
    depth: usize,
) {
    let Some(org) = reg.organization_at(node) else {
        return;
    };
    let members = reg
        .members(&org.id, on, MemberScope::Direct)
        .map_or(0, |m| m.len());
    let rel = match forest.parent(node) {
        Some((_, Relation::PartOf)) => " (分会)",
        _ => "",
    };
    println!(
        "{}{} [{}] {}{} · {}",
        "  ".repeat(depth),
        org.name,
        members,
        org.kind.zh(),
        rel,
        org.level.zh()
    );
    let children: Vec<_> = forest.children(node).collect();
    let groups = children
        .iter()
        .filter(|&&c| {
            reg.organization_at(c)
                .is_some_and(|o| o.kind == OrgKind::OnlineGroup)
        })
        .count();
    for c in children {
        if groups > 3
            && reg
                .organization_at(c)
                .is_some_and(|o| o.kind == OrgKind::OnlineGroup)
        {
            continue;
        }
        print_node(reg, forest, c, on, depth + 1);
    }
    if groups > 3 {
        println!(
            "{}… {groups} 线上社群 (online groups)",
            "  ".repeat(depth + 1)
        );
    }
}

/// Prints distinct members by party for the Shenzhen zhilianhui and its districts: one pass
/// over the whole registry, a person in several organizations of a subtree counted once.
fn print_rollup(reg: &Registry, on: NaiveDate) {
    let r = stats::rollup(reg, on, Some(stats::Dimension::Party));
    println!("Distinct members by party, Shenzhen zhilianhui and its districts, {on}:");
    let shown: Vec<&Party> = Party::ALL
        .iter()
        .filter(|p| r.rows.iter().any(|row| row.counts[p.index()] > 0))
        .collect();
    print!("  {:<18} {:>6}", "org_id", "total");
    for p in &shown {
        print!(" {:>9}", p.as_str());
    }
    println!();
    let districts = reg.children("sz-zlh", on).unwrap_or_default();
    let is_district = |id: &str| {
        districts.contains(&id)
            && reg
                .organization(id)
                .is_some_and(|o| o.level == Level::District && o.carrier.is_none())
    };
    let shown_rows = r
        .rows
        .iter()
        .filter(|row| row.org_id == "sz-zlh" || is_district(&row.org_id));
    for row in shown_rows {
        print!("  {:<18} {:>6}", row.org_id, row.total);
        for p in &shown {
            print!(" {:>9}", row.counts[p.index()]);
        }
        println!();
    }
}

/// Computes every seed fact.
fn facts(reg: &Registry, table: &DivisionTable) -> Vec<Fact> {
    let mut out = Vec::new();
    let mut fact = |source, what, expected, computed: Result<String, Error>| {
        out.push(Fact {
            source,
            what,
            expected,
            computed: computed.map_err(|e| e.to_string()),
        })
    };
    let n = |v: usize| -> Result<String, Error> { Ok(v.to_string()) };
    let person = |m: &MemberRef| reg.person(m.id());

    // Dashi Building.
    let dashi_day = day("2023-08-21");
    let zlh = reg.members("dashi-zlh", dashi_day, MemberScope::Direct);
    fact(
        "达实大厦",
        "知联会 members (2023-08-21)",
        Expect::Exactly(39),
        zlh.as_ref()
            .map(|m| m.len().to_string())
            .map_err(Clone::clone),
    );
    fact(
        "达实大厦",
        "知联会: share of non-CPC with intermediate+ title, % (以中高级职称党外知识分子为主)",
        Expect::Between(60, 100, "≥ 60 (mainly)"),
        zlh.map(|m| {
            let qualified = m
                .iter()
                .filter_map(person)
                .filter(|p| p.party != Party::Cpc && p.title >= Title::Intermediate)
                .count();
            (qualified * 100 / m.len().max(1)).to_string()
        }),
    );
    let founding: BTreeSet<MemberRef> = reg
        .memberships()
        .filter(|m| m.org == "dashi-xlh" && m.founding)
        .map(|m| m.member)
        .collect();
    fact(
        "达实大厦",
        "新联会 founding members (首批会员)",
        Expect::Exactly(42),
        n(founding.len()),
    );
    let facilities = reg
        .organization("dashi-base")
        .and_then(|o| o.facilities.clone())
        .unwrap_or_default();
    fact(
        "达实大厦",
        "base area, m²",
        Expect::Exactly(1600),
        n(facilities.area_m2.unwrap_or(0) as usize),
    );
    fact(
        "达实大厦",
        "base function rooms",
        Expect::Exactly(4),
        n(facilities.rooms.unwrap_or(0) as usize),
    );
    let designations = reg.designations_of("dashi-base").map(|ds| {
        let mut v: Vec<String> = ds
            .iter()
            .map(|d| format!("{} {} {}", d.conferred, d.level, d.title))
            .collect();
        v.sort();
        v.join("; ")
    });
    fact(
        "达实大厦",
        "designations (conferred level title)",
        Expect::Text(
            "2016-09 district pilot_unit; 2017-08 municipal pilot_unit; 2018-07 district advanced_unit; \
             2022-11 district practice_innovation_base; 2023-06 municipal practice_innovation_base"
                .into(),
        ),
        designations,
    );
    let batch1 = reg.designations_of("dashi-base").map(|ds| {
        ds.iter()
            .filter(|d| d.level == Level::Municipal && d.title == DesignationTitle::PilotUnit)
            .map(|d| d.batch.map_or("-".to_string(), |b| b.to_string()))
            .collect::<Vec<_>>()
            .join(",")
    });
    fact(
        "达实大厦",
        "municipal pilot unit batch (第一批)",
        Expect::Text("1".into()),
        batch1,
    );
    let receptions = Period::new(day("2017-08-01"), day("2023-06-30"));
    let rec = stats::activity_totals(reg, "dashi-base", receptions, Some(ActivityKind::Reception));
    fact(
        "达实大厦",
        "delegations received 2017-08..2023-06 (91批)",
        Expect::Exactly(91),
        rec.as_ref()
            .map(|t| t.delegations.to_string())
            .map_err(Clone::clone),
    );
    fact(
        "达实大厦",
        "visitors in those delegations (约千余位)",
        Expect::Between(1000, 1099, "about 1,000 (千余)"),
        rec.map(|t| t.participants_offline.to_string()),
    );

    // Shenzhen zhilianhui.
    let may = day("2024-05-31");
    let shenzhen = DivisionCode::parse("4403").map_err(|e| Error::Division {
        detail: e.to_string(),
    });
    let cov = shenzhen.and_then(|c| {
        stats::coverage(
            reg,
            table,
            OrgKind::Zhilianhui,
            &c,
            DivisionLevel::County,
            Some(Level::District),
            may,
        )
    });
    fact(
        "深圳知联会",
        "districts with a district-level zhilianhui / districts (区一级全覆盖, 2024-05-31)",
        Expect::Text("9/9".into()),
        cov.map(|c| format!("{}/{}", c.covered(), c.rows.len())),
    );
    let sz_zlh = |pred: &dyn Fn(&Organization) -> bool| -> Result<usize, Error> {
        Ok(reg
            .subtree("sz-zlh", may)?
            .into_iter()
            .filter_map(|id| reg.organization(id))
            .filter(|o| o.kind == OrgKind::Zhilianhui && pred(o))
            .count())
    };
    fact(
        "深圳知联会",
        "zhilianhui organizations of all levels (截至2024年5月)",
        Expect::Exactly(52),
        sz_zlh(&|_| true).map(|v| v.to_string()),
    );
    let first_street = reg.subtree("sz-zlh", may).map(|ids| {
        ids.into_iter()
            .filter_map(|id| reg.organization(id))
            .filter(|o| o.kind == OrgKind::Zhilianhui && o.level == Level::Subdistrict)
            .min_by_key(|o| o.founded)
            .map_or("none".into(), |o| format!("{} {}", o.name, o.founded))
    });
    fact(
        "深圳知联会",
        "first street-level zhilianhui and its founding day",
        Expect::Text("福田区知联会福田街道分会 2024-05-07".into()),
        first_street,
    );
    for (what, carrier, count) in [
        ("zhilianhui in public hospitals", Carrier::Hospital, 12),
        (
            "zhilianhui in municipal state enterprises",
            Carrier::StateEnterprise,
            1,
        ),
        (
            "zhilianhui in research institutes",
            Carrier::ResearchInstitute,
            1,
        ),
    ] {
        fact(
            "深圳知联会",
            what,
            Expect::Exactly(count),
            sz_zlh(&|o: &Organization| o.carrier == Some(carrier)).map(|v| v.to_string()),
        );
    }
    // The street branch's members count for the district association too (part-of).
    let branch = reg.members("sz-zlh-futian-street", may, MemberScope::Direct);
    let with = reg.members("sz-zlh-futian", may, MemberScope::WithBranches);
    fact(
        "深圳知联会",
        "Futian street branch members all counted in Futian district (part-of, derived)",
        Expect::Text("true".into()),
        branch.and_then(|b| {
            with.map(|w| (!b.is_empty() && b.iter().all(|m| w.contains(m))).to_string())
        }),
    );

    // Longhua Street chamber.
    let chamber = reg.members("lh-street-chamber", day("2024-06-30"), MemberScope::Direct);
    fact(
        "龙华街道商会",
        "member enterprises (353家会员企业)",
        Expect::Exactly(353),
        chamber.map(|m| {
            m.iter()
                .filter(|x| matches!(x, MemberRef::Enterprise(_)))
                .count()
                .to_string()
        }),
    );

    // Lucheng, Wenzhou.
    let jan = day("2025-01-01");
    let lucheng_orgs: Result<Vec<&Organization>, Error> = reg.subtree("wz-xlh", jan).map(|ids| {
        ids.into_iter()
            .filter_map(|id| reg.organization(id))
            .filter(|o| o.division_code.starts_with("330302"))
            .collect()
    });
    let lucheng_orgs = lucheng_orgs.unwrap_or_default();
    let txh: Vec<&&Organization> = lucheng_orgs
        .iter()
        .filter(|o| o.kind == OrgKind::Tongxinhui)
        .collect();
    fact(
        "鹿城同心荟",
        "tongxinhui of all levels (17个)",
        Expect::Exactly(17),
        n(txh.len()),
    );
    let lucheng = DivisionCode::parse("330302").map_err(|e| Error::Division {
        detail: e.to_string(),
    });
    let district_cov = lucheng.clone().and_then(|c| {
        stats::coverage(
            reg,
            table,
            OrgKind::Tongxinhui,
            &c,
            DivisionLevel::County,
            None,
            jan,
        )
    });
    let street_cov = lucheng.and_then(|c| {
        stats::coverage(
            reg,
            table,
            OrgKind::Tongxinhui,
            &c,
            DivisionLevel::Township,
            Some(Level::Subdistrict),
            jan,
        )
    });
    fact(
        "鹿城同心荟",
        "district and towns/streets covered (区、镇(街)两级全覆盖)",
        Expect::Text("district 1/1, towns/streets 14/14".into()),
        district_cov.and_then(|d| {
            street_cov.map(|s| {
                format!(
                    "district {}/{}, towns/streets {}/{}",
                    d.covered(),
                    d.rows.len(),
                    s.covered(),
                    s.rows.len()
                )
            })
        }),
    );
    let categories: BTreeSet<TongxinCategory> = txh.iter().filter_map(|o| o.category).collect();
    fact(
        "鹿城同心荟",
        "categories in use (五大类别)",
        Expect::Exactly(5),
        n(categories.len()),
    );
    let in_force = |level: Level| -> Result<String, Error> {
        let mut count = 0;
        for o in &txh {
            count += stats::designations_in_force(reg, &o.id, jan)?
                .into_iter()
                .filter(|(d, c)| {
                    *c == Certainty::Certainly
                        && d.org == o.id
                        && d.level == level
                        && d.title == DesignationTitle::PracticeInnovationBase
                })
                .count();
        }
        Ok(count.to_string())
    };
    fact(
        "鹿城同心荟",
        "national practice-innovation bases",
        Expect::Exactly(1),
        in_force(Level::National),
    );
    fact(
        "鹿城同心荟",
        "provincial practice-innovation bases",
        Expect::Exactly(2),
        in_force(Level::Provincial),
    );
    let mut deputies = BTreeSet::new();
    for o in &lucheng_orgs {
        for m in reg
            .members(&o.id, jan, MemberScope::Direct)
            .unwrap_or_default()
        {
            if let Some(p) = person(&m) {
                let holds = p
                    .political_posts
                    .iter()
                    .any(|post| post.held_on(jan) == Certainty::Certainly);
                if p.stratum != Stratum::None && holds {
                    deputies.insert(p.id.clone());
                }
            }
        }
    }
    fact(
        "鹿城同心荟",
        "new-stratum members who are NPC deputies or CPPCC members",
        Expect::Exactly(27),
        n(deputies.len()),
    );
    let y2024 = Period::new(day("2024-01-01"), day("2024-12-31"));
    let lucheng_ids: BTreeSet<&str> = lucheng_orgs.iter().map(|o| o.id.as_str()).collect();
    let advice = reg
        .advice_records()
        .filter(|a| {
            lucheng_ids.contains(a.org.as_str()) && y2024.holds(a.date) == Certainty::Certainly
        })
        .count();
    let advice: Result<usize, Error> = Ok(advice);
    fact(
        "鹿城同心荟",
        "reports and proposals in 2024 (50余件)",
        Expect::Between(51, 59, "50余 (51–59)"),
        advice.map(|v| v.to_string()),
    );

    // Tian'an Cloud Park.
    let oct = day("2022-10-21");
    let park = reg.members("tianan-committee", oct, MemberScope::Direct);
    fact(
        "天安云谷",
        "enterprises in the park (540余家)",
        Expect::Between(541, 549, "540余 (541–549)"),
        park.map(|m| {
            m.iter()
                .filter(|x| matches!(x, MemberRef::Enterprise(_)))
                .count()
                .to_string()
        }),
    );
    let y2022 = Period::new(day("2022-01-01"), day("2022-12-31"));
    let own = |a: &&Activity| a.org == "tianan-committee";
    let acts = stats::activities_in(reg, "tianan-committee", y2022, None)
        .map(|v| v.into_iter().filter(own).collect::<Vec<_>>());
    fact(
        "天安云谷",
        "activities in 2022 (52场)",
        Expect::Exactly(52),
        acts.as_ref()
            .map(|v| v.len().to_string())
            .map_err(Clone::clone),
    );
    fact(
        "天安云谷",
        "young people served in 2022 (12000余人次)",
        Expect::Between(12001, 12999, "12,000余"),
        acts.map(|v| {
            v.iter()
                .map(|a| u64::from(a.persons_served))
                .sum::<u64>()
                .to_string()
        }),
    );
    let groups = reg.children("tianan-committee", oct).map(|c| {
        c.into_iter()
            .filter(|id| {
                reg.organization(id)
                    .is_some_and(|o| o.kind == OrgKind::OnlineGroup)
            })
            .count()
            .to_string()
    });
    fact(
        "天安云谷",
        "online groups (40余个)",
        Expect::Between(41, 49, "40余 (41–49)"),
        groups,
    );

    // Pengcheng Xinli.
    let since = Period::new(day("2019-01-01"), day("2022-10-31"));
    let xinli = stats::activity_totals(reg, "sz-xlh", since, None);
    fact(
        "鹏城新力",
        "events since 2019 (超3000场次)",
        Expect::Between(3001, 3099, "超3000"),
        xinli
            .as_ref()
            .map(|t| t.events.to_string())
            .map_err(Clone::clone),
    );
    fact(
        "鹏城新力",
        "participants since 2019 (逾9万人次)",
        Expect::Between(90001, 99999, "逾90,000"),
        xinli.map(|t| t.participants().to_string()),
    );
    out
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let reg = match load(&args.data) {
        Ok(r) => r,
        Err(e) => {
            eprintln!("cannot load the dataset: {e}");
            return ExitCode::from(2);
        }
    };
    let table = DivisionTable::bundled().and_then(|mut t| {
        let streets = args.divisions.join("street.csv");
        match std::fs::read_to_string(&streets) {
            Ok(text) => t.load_level_csv(&text).map(|_| t),
            Err(e) => {
                eprintln!(
                    "note: {}: {e}; street-level coverage cannot be computed",
                    streets.display()
                );
                Ok(t)
            }
        }
    });
    let table = match table {
        Ok(t) => t,
        Err(e) => {
            eprintln!("cannot load the division table: {e}");
            return ExitCode::from(2);
        }
    };
    println!(
        "tongxin seed dataset: {} organizations, {} persons, {} membership records, {} journal events",
        reg.organization_count(),
        reg.person_count(),
        reg.membership_count(),
        reg.journal().len()
    );
    if !args.quiet {
        println!();
        print_tree(&reg, day("2025-01-01"));
    }
    println!();
    print_rollup(&reg, day("2024-05-31"));
    println!();
    let facts = facts(&reg, &table);
    let mut failed = 0;
    for f in &facts {
        let ok = f.holds();
        failed += usize::from(!ok);
        let computed = match &f.computed {
            Ok(v) => v.clone(),
            Err(e) => format!("error: {e}"),
        };
        println!(
            "{} [{}] {}",
            if ok { "ok  " } else { "FAIL" },
            f.source,
            f.what
        );
        println!(
            "       expected {}\n       computed {computed}",
            f.expected_text()
        );
    }
    println!(
        "\n{} of {} seed facts reproduced",
        facts.len() - failed,
        facts.len()
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
