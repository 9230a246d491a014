//! Benchmark of the membership rules engine (issue 4).
//!
//! ```sh
//! cargo run --release -p tongxin-examples --bin bench-rules            # full size
//! cargo run --release -p tongxin-examples --bin bench-rules -- --small # a tenth, for a quick look
//! cargo run --release -p tongxin-examples --bin bench-rules -- --quick # skip the evaluation loops
//! ```
//!
//! Builds a seeded registry of 10,000 organizations, 1,000,000 persons, 50,000 enterprises and
//! 2,050,000 memberships (2,000,000 of persons, 50,000 of enterprises in chambers) and 3,000
//! council terms through one `Registry::apply_batch`, then measures on one thread: compiled
//! evaluations per second, `audit` of the whole registry, and `candidates` for one organization
//! (over the registry's person columns, which the first question builds). Every figure is the
//! best of several runs; the candidates lines also give the median and the slowest.

mod timing;

use chrono::NaiveDate;
use std::hint::black_box;
use std::time::{Duration, Instant};
use timing::best_of;
use tongxin::ids::CreditCode;
use tongxin::prelude::*;
use tongxin::rules::*;

/// SplitMix64: small, seeded, good enough for test data.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }
}

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("valid day")
}

const PROFESSIONS: &[&str] = &[
    "医生",
    "律师",
    "教师",
    "工程师",
    "注册会计师",
    "主播",
    "产品经理",
    "护理",
    "设计师",
    "研究员",
];

struct Sizes {
    roots: usize,
    persons: usize,
    enterprises: usize,
    memberships: usize,
}

fn organization(id: String, kind: OrgKind, level: Level, code: String) -> Organization {
    Organization {
        id: id.clone(),
        name: id,
        name_en: None,
        kind,
        level,
        division_code: code,
        carrier: None,
        category: None,
        founded: day(2010, 1, 1),
        dissolved: None,
        facilities: None,
        tags: vec![],
    }
}

fn credit_code(i: usize) -> String {
    let body = format!("{:08}", 10_000_000 + i);
    let org_check = CreditCode::organization_check_char(&body).expect("body");
    let first17 = format!("91440300{body}{org_check}");
    let check = CreditCode::check_char(&first17).expect("first 17");
    format!("{first17}{check}")
}

/// Organization ids by kind, plus the commands building the whole registry (lazily).
fn build(sizes: &Sizes) -> (Registry, Vec<String>, Duration) {
    let kinds = [
        OrgKind::Zhilianhui,
        OrgKind::Zhilianhui,
        OrgKind::Zhilianhui,
        OrgKind::Zhilianhui,
        OrgKind::Xinlianhui,
        OrgKind::Xinlianhui,
        OrgKind::Xinlianhui,
        OrgKind::Wanglianhui,
        OrgKind::Chamber,
        OrgKind::Tongxinhui,
    ];
    // 1 municipal root, 9 guided districts, 5 part-of streets each, one part-of community each:
    // 100 organizations per root.
    let mut orgs: Vec<Command> = Vec::new();
    let mut by_kind: Vec<Vec<String>> = vec![Vec::new(); OrgKind::ALL.len()];
    let mut terms = Vec::new();
    for r in 0..sizes.roots {
        let kind = kinds[r % kinds.len()];
        let city = format!("44{:02}", r % 90 + 1);
        let root = format!("m{r}");
        let mut add = |id: &str, level, code: String, parent: Option<&str>, relation| {
            by_kind[kind.index()].push(id.to_string());
            orgs.push(Command::AddOrganization {
                org: organization(id.to_string(), kind, level, code),
                parent: parent.map(str::to_string),
                relation,
            });
        };
        add(
            &root,
            Level::Municipal,
            city.clone(),
            None,
            Relation::Guidance,
        );
        terms.push(root.clone());
        for dd in 0..9 {
            let district = format!("{root}-d{dd}");
            let dcode = format!("{city}{:02}", dd + 1);
            add(
                &district,
                Level::District,
                dcode.clone(),
                Some(&root),
                Relation::Guidance,
            );
            terms.push(district.clone());
            for s in 0..5 {
                let street = format!("{district}-s{s}");
                let scode = format!("{dcode}{:03}", s + 1);
                add(
                    &street,
                    Level::Subdistrict,
                    scode.clone(),
                    Some(&district),
                    Relation::PartOf,
                );
                let community = format!("{street}-c0");
                add(
                    &community,
                    Level::Community,
                    format!("{scode}001"),
                    Some(&street),
                    Relation::PartOf,
                );
            }
        }
    }
    let mut rng = Rng(0x7060_0000_0000_0004);
    let parties = [
        Party::Cpc,
        Party::NonParty,
        Party::NonParty,
        Party::MinMeng,
        Party::MinJin,
        Party::JiuSan,
        Party::Mass,
        Party::Mass,
        Party::NongGong,
        Party::ZhiGong,
    ];
    let persons: Vec<Person> = (0..sizes.persons)
        .map(|i| {
            let stratum = if rng.chance(50) {
                Stratum::None
            } else {
                rng.pick(&Stratum::ALL[1..])
            };
            Person {
                id: format!("p{i:07}"),
                name: None,
                sex: Some(rng.pick(Sex::ALL)),
                birth: Some(PartialDate::Day(day(
                    1950 + rng.below(50) as i32,
                    1 + rng.below(12) as u32,
                    1 + rng.below(28) as u32,
                ))),
                ethnicity: None,
                party: rng.pick(&parties),
                title: rng.pick(&[
                    Title::None,
                    Title::Junior,
                    Title::Intermediate,
                    Title::Intermediate,
                    Title::AssociateSenior,
                    Title::Senior,
                ]),
                stratum,
                education: Some(rng.pick(Education::ALL)),
                returned_overseas: rng.chance(10),
                employer: None,
                profession: rng.chance(70).then(|| rng.pick(PROFESSIONS).to_string()),
                resident_id: None,
                political_posts: vec![],
            }
        })
        .collect();
    let zhi = compile_text(
        &RuleBook::standard().defaults[&OrgKind::Zhilianhui][0]
            .body
            .clone()
            .when_text(),
        Context::Member,
    )
    .expect("zhilianhui rule");
    // Memberships: a random person each; most go to an organization of a kind the person
    // qualifies for, some anywhere (the violations the audit finds).
    let mut memberships = Vec::with_capacity(sizes.memberships);
    let mut per_person: Vec<Vec<u32>> = vec![Vec::new(); sizes.persons];
    let index: std::collections::HashMap<&str, u32> = by_kind
        .iter()
        .flatten()
        .enumerate()
        .map(|(i, id)| (id.as_str(), i as u32))
        .collect();
    let today = day(2024, 6, 1);
    while memberships.len() < sizes.memberships {
        let i = rng.below(sizes.persons);
        let person = &persons[i];
        let mut fits = vec![OrgKind::Tongxinhui];
        if zhi.eval(&Subject::person(person, today)) {
            fits.extend([OrgKind::Zhilianhui; 3]);
        }
        if person.stratum != Stratum::None {
            fits.extend([OrgKind::Xinlianhui; 2]);
        }
        if person.stratum == Stratum::NewMedia {
            fits.push(OrgKind::Wanglianhui);
        }
        let kind = if rng.chance(95) {
            rng.pick(&fits)
        } else {
            rng.pick(&[
                OrgKind::Zhilianhui,
                OrgKind::Xinlianhui,
                OrgKind::Wanglianhui,
                OrgKind::Tongxinhui,
            ])
        };
        let list = &by_kind[kind.index()];
        let org = list[rng.below(list.len())].clone();
        let o = index[org.as_str()];
        if per_person[i].contains(&o) {
            continue;
        }
        per_person[i].push(o);
        let start = day(
            2015 + rng.below(9) as i32,
            1 + rng.below(12) as u32,
            1 + rng.below(28) as u32,
        );
        let end = rng
            .chance(10)
            .then(|| day(2024, 1, 1))
            .filter(|e| *e > start);
        memberships.push(Command::Join {
            membership: Membership {
                member: MemberRef::Person(person.id.clone()),
                org,
                role: rng.pick(&[
                    Role::Member,
                    Role::Member,
                    Role::Member,
                    Role::Council,
                    Role::VicePresident,
                ]),
                start,
                end,
                founding: rng.chance(5),
                source: None,
            },
        });
    }
    drop(per_person);
    drop(index);
    let chambers = &by_kind[OrgKind::Chamber.index()];
    let enterprises: Vec<Command> = (0..sizes.enterprises)
        .map(|i| Command::AddEnterprise {
            enterprise: Enterprise {
                id: format!("e{i:06}"),
                name: format!("企业{i}"),
                credit_code: credit_code(i),
            },
        })
        .collect();
    let enterprise_joins: Vec<Command> = (0..sizes.enterprises)
        .map(|i| Command::Join {
            membership: Membership {
                member: MemberRef::Enterprise(format!("e{i:06}")),
                org: chambers[i % chambers.len()].clone(),
                role: Role::MemberUnit,
                start: day(2018, 1, 1),
                end: None,
                founding: false,
                source: None,
            },
        })
        .collect();
    // Council terms for roots and districts: five-year terms, the current (third) one started
    // between 2017 and 2021, so some are overdue on 2024-06-01; a third of the organizations
    // keep one president for all three terms.
    let term_cmds: Vec<Command> = terms
        .iter()
        .enumerate()
        .flat_map(|(i, org)| {
            let third = 2017 + (i % 5) as i32;
            let years = [(third - 10).max(2010), third - 5, third];
            (0..3usize).map(move |n| {
                let president = if i % 3 == 0 {
                    i % 1000
                } else {
                    (i + 337 * n) % 1000
                };
                Command::StartTerm {
                    org: org.clone(),
                    term: Term {
                        number: n as u16 + 1,
                        start: day(years[n], 3, 1),
                        statutory_years: 5,
                        end: None,
                        posts: vec![
                            CouncilPost {
                                person: format!("p{president:07}"),
                                role: Role::President,
                            },
                            CouncilPost {
                                person: format!("p{:07}", 1000 + i % 1000),
                                role: Role::VicePresident,
                            },
                        ],
                    },
                }
            })
        })
        .collect();
    let meta = Meta {
        at: day(2024, 6, 1).and_hms_opt(0, 0, 0).expect("time"),
        actor: "bench".into(),
    };
    let ids: Vec<String> = by_kind[OrgKind::Zhilianhui.index()].clone();
    let commands = orgs
        .into_iter()
        .chain(
            persons
                .into_iter()
                .map(|person| Command::AddPerson { person }),
        )
        .chain(enterprises)
        .chain(memberships)
        .chain(enterprise_joins)
        .chain(term_cmds);
    let t = Instant::now();
    let mut reg = Registry::new();
    reg.apply_batch(&meta, commands)
        .unwrap_or_else(|(i, e)| panic!("command {i}: {e}"));
    (reg, ids, t.elapsed())
}

trait WhenText {
    fn when_text(self) -> String;
}

impl WhenText for RuleBody {
    fn when_text(self) -> String {
        match self {
            RuleBody::Eligibility { when } | RuleBody::Composition { when } => when.to_string(),
            _ => "true".into(),
        }
    }
}

/// Best, median and slowest of `runs` runs, and the last result.
fn spread_of<R>(runs: usize, mut f: impl FnMut() -> R) -> ([Duration; 3], R) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs.max(1) {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed());
    }
    times.sort();
    let spread = [times[0], times[times.len() / 2], times[times.len() - 1]];
    (spread, last.expect("at least one run"))
}

fn ms3(t: [Duration; 3]) -> String {
    format!(
        "{:.1} ms (median {:.1}, slowest {:.1})",
        t[0].as_secs_f64() * 1e3,
        t[1].as_secs_f64() * 1e3,
        t[2].as_secs_f64() * 1e3
    )
}

/// Number of distinct interned texts, through the public API only: not exposed, so count
/// distinct professions, employers and ethnicities of the registry.
fn index_strings(index: &PersonIndex<'_>) -> usize {
    let mut seen = std::collections::HashSet::new();
    for p in index.registry().persons() {
        for s in [&p.profession, &p.employer, &p.ethnicity]
            .into_iter()
            .flatten()
        {
            seen.insert(s.as_str());
        }
    }
    seen.len()
}

fn cpu_model() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|m| m.trim().to_string())
        })
        .unwrap_or_else(|| "unknown".into())
}

fn main() {
    let small = std::env::args().any(|a| a == "--small");
    let sizes = if small {
        Sizes {
            roots: 10,
            persons: 100_000,
            enterprises: 5_000,
            memberships: 200_000,
        }
    } else {
        Sizes {
            roots: 100,
            persons: 1_000_000,
            enterprises: 50_000,
            memberships: 2_000_000,
        }
    };
    println!(
        "machine: {} logical CPUs, {}",
        std::thread::available_parallelism().map_or(0, |n| n.get()),
        cpu_model()
    );
    let on = day(2024, 6, 1);

    // 1. Evaluations per second of a compiled five-clause rule, on one thread.
    let five = compile_text(
        "party != cpc and title >= intermediate and age <= 60 and education >= bachelor and not political_post",
        Context::Member,
    )
    .expect("five-clause rule");
    let zhi_text = RuleBook::standard().defaults[&OrgKind::Zhilianhui][0]
        .body
        .clone()
        .when_text();
    let zhi = compile_text(&zhi_text, Context::Member).expect("zhilianhui rule");
    let (reg, zhilianhui_ids, build_time) = build(&sizes);
    println!(
        "registry: {} organizations, {} persons, {} memberships built in {:.1} s (apply_batch)",
        reg.organization_count(),
        reg.person_count(),
        reg.membership_count(),
        build_time.as_secs_f64()
    );
    let people: Vec<&Person> = reg.persons().collect();
    let subjects: Vec<Subject<'_>> = people.iter().map(|p| Subject::person(p, on)).collect();
    let quick = std::env::args().any(|a| a == "--quick");
    for (name, rule) in [
        ("five-clause rule", &five),
        ("zhilianhui default rule", &zhi),
    ] {
        if quick {
            break;
        }
        for (label, set) in [
            ("1,024 cached subjects", &subjects[..1024]),
            ("all persons", &subjects[..]),
        ] {
            let rounds = (50_000_000 / set.len()).max(1);
            let (t, hits) = best_of(3, || {
                let mut hits = 0u64;
                for _ in 0..rounds {
                    for s in set {
                        hits += u64::from(black_box(rule).eval(black_box(s)));
                    }
                }
                hits
            });
            let n = (rounds * set.len()) as f64;
            println!(
                "eval {name} over {label}: {:.1} M evaluations/s ({:.1} ns each; {} instructions; {:.0}% pass)",
                n / t.as_secs_f64() / 1e6,
                t.as_secs_f64() * 1e9 / n,
                rule.instructions(),
                hits as f64 / n * 100.0
            );
        }
    }
    let (t, n) = best_of(3, || {
        let mut hits = 0u64;
        for p in &people {
            hits += u64::from(five.eval(&Subject::person(black_box(p), on)));
        }
        hits
    });
    println!(
        "eval five-clause rule, subject built per evaluation: {:.1} M evaluations/s ({n} pass)",
        people.len() as f64 / t.as_secs_f64() / 1e6
    );

    // 2. Audit of the whole registry.
    let book = CompiledBook::standard();
    let (t, a) = best_of(if quick { 1 } else { 3 }, || {
        audit(&reg, &book, None, on).expect("audit")
    });
    println!(
        "audit whole registry: {:.0} ms ({} organizations, {} active memberships, {} violations: {} reject, {} warn)",
        t.as_secs_f64() * 1e3,
        a.organizations,
        a.memberships,
        a.violations.len(),
        a.count(Severity::Reject),
        a.count(Severity::Warn)
    );
    let mut by_rule = std::collections::BTreeMap::new();
    for v in &a.violations {
        *by_rule.entry(v.rule.as_str()).or_insert(0usize) += 1;
    }
    println!("  violations by rule: {by_rule:?}");

    // 3. Candidates for one organization over every person.
    let target = &zhilianhui_ids[0];
    let orders = [
        ("title desc, age asc, id", CandidateOrder::default()),
        (
            "title desc, age asc, then as added",
            CandidateOrder {
                keys: vec![OrderKey::TitleDesc, OrderKey::AgeAsc],
                limit: None,
            },
        ),
        (
            "title desc, age asc, id, first 100",
            CandidateOrder {
                limit: Some(100),
                ..CandidateOrder::default()
            },
        ),
    ];
    // The first question builds the registry's person columns; later ones find them.
    let t = Instant::now();
    let index = PersonIndex::new(&reg);
    println!(
        "person columns built by the first question over {} persons: {:.1} ms ({} distinct texts)",
        index.len(),
        t.elapsed().as_secs_f64() * 1e3,
        index_strings(&index)
    );
    for (label, order) in &orders {
        let (t, n) = spread_of(7, || {
            candidates(&reg, &book, target, on, order)
                .expect("candidates")
                .len()
        });
        println!(
            "candidates for `{target}` (zhilianhui) over {} persons, {label}: {} ({n} candidates)",
            reg.person_count(),
            ms3(t)
        );
    }
    for (name, rule) in [
        ("five-clause rule", &five),
        ("zhilianhui default rule", &zhi),
    ] {
        let (t, hits) = best_of(3, || {
            (0..index.len())
                .filter(|&i| rule.eval(&index.subject(i, on).expect("row")))
                .count()
        });
        println!(
            "eval {name} over all index rows: {:.1} M evaluations/s ({:.1} ns each; {hits} pass)",
            index.len() as f64 / t.as_secs_f64() / 1e6,
            t.as_secs_f64() * 1e9 / index.len() as f64
        );
        let (t, rows) = best_of(5, || rule.matching_rows(&index, on).len());
        assert_eq!(
            rows, hits,
            "column-at-a-time and row-by-row evaluation agree"
        );
        println!(
            "matching_rows {name} (a column at a time): {:.1} M evaluations/s ({:.2} ns each; {rows} pass)",
            index.len() as f64 / t.as_secs_f64() / 1e6,
            t.as_secs_f64() * 1e9 / index.len() as f64
        );
    }
    for kind in [OrgKind::Xinlianhui, OrgKind::Wanglianhui] {
        let id = reg
            .organizations()
            .find(|o| o.kind == kind)
            .map(|o| o.id.clone())
            .expect("an organization of the kind");
        let (t, n) = spread_of(7, || {
            candidates(&reg, &book, &id, on, &CandidateOrder::default())
                .expect("candidates")
                .len()
        });
        println!(
            "candidates for `{id}` ({kind}), title desc, age asc, id: {} ({n} candidates)",
            ms3(t)
        );
    }

    // 4. Single questions.
    let someone = MemberRef::Person(people[12345 % people.len()].id.clone());
    let (t, c) = best_of(5, || {
        check(&reg, &book, &someone, target, on).expect("check")
    });
    println!(
        "check one member (with explanation): {:.1} µs ({})",
        t.as_secs_f64() * 1e6,
        if c.eligible {
            "eligible"
        } else {
            "not eligible"
        }
    );
    let m = Membership {
        member: someone.clone(),
        org: target.clone(),
        role: Role::Member,
        start: on,
        end: None,
        founding: false,
        source: None,
    };
    let (t, _) = best_of(5, || check_join(&book, &reg, &m).is_ok());
    println!("check_join one membership: {:.1} µs", t.as_secs_f64() * 1e6);
}
