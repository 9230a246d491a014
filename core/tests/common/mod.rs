//! Builders shared by the integration tests.
#![allow(dead_code)]

use chrono::{Days, NaiveDate};
use proptest::prelude::*;
use std::collections::BTreeSet;
use tongxin::prelude::*;

/// A day from `YYYY-MM-DD`.
pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("test date")
}

/// Fixed command metadata.
pub fn meta() -> Meta {
    Meta {
        at: d("2024-06-01").and_hms_opt(9, 30, 0).expect("time"),
        actor: "test".into(),
    }
}

/// An organization with the given essentials.
pub fn org(id: &str, kind: OrgKind, level: Level, code: &str, founded: &str) -> Organization {
    Organization {
        id: id.into(),
        name: format!("{id} 名称"),
        name_en: None,
        kind,
        level,
        division_code: code.into(),
        carrier: None,
        category: None,
        founded: d(founded),
        dissolved: None,
        facilities: None,
        tags: vec![],
    }
}

/// A person with the given party and title.
pub fn person(id: &str, party: Party, title: Title) -> Person {
    Person {
        id: id.into(),
        name: Some(format!("{id}姓名")),
        sex: Some(Sex::Female),
        birth: Some("1980-05".parse().expect("partial date")),
        ethnicity: Some("汉族".into()),
        party,
        title,
        stratum: Stratum::None,
        education: Some(Education::Master),
        returned_overseas: false,
        employer: None,
        profession: None,
        resident_id: None,
        political_posts: vec![],
    }
}

/// A membership starting on `start`.
pub fn membership(person: &str, org: &str, role: Role, start: &str) -> Membership {
    Membership {
        member: MemberRef::Person(person.into()),
        org: org.into(),
        role,
        start: d(start),
        end: None,
        founding: false,
        source: None,
    }
}

/// Adds an organization or panics.
pub fn add_org(reg: &mut Registry, o: Organization, parent: Option<&str>, relation: Relation) {
    reg.apply(
        &meta(),
        Command::AddOrganization {
            org: o,
            parent: parent.map(str::to_string),
            relation,
        },
    )
    .expect("add organization");
}

/// A small Shenzhen registry:
///
/// ```text
/// sz (municipal zhilianhui, 2010)
/// ├── futian (district, 2012)
/// │   └── futian-street (subdistrict, part_of, 2024-05-07)
/// └── nanshan (district, 2013)
/// xlh (municipal xinlianhui, 2016)
/// ```
/// Persons p1 (non_party, senior), p2 (min_meng, intermediate), p3 (cpc, none);
/// p1 president of futian from 2020, p2 member of futian-street from 2024-05-07,
/// p2 member of nanshan from 2019.
pub fn shenzhen() -> Registry {
    let mut reg = Registry::new();
    add_org(
        &mut reg,
        org(
            "sz",
            OrgKind::Zhilianhui,
            Level::Municipal,
            "4403",
            "2010-01-01",
        ),
        None,
        Relation::Guidance,
    );
    add_org(
        &mut reg,
        org(
            "futian",
            OrgKind::Zhilianhui,
            Level::District,
            "440304",
            "2012-01-01",
        ),
        Some("sz"),
        Relation::Guidance,
    );
    add_org(
        &mut reg,
        org(
            "nanshan",
            OrgKind::Zhilianhui,
            Level::District,
            "440305",
            "2013-01-01",
        ),
        Some("sz"),
        Relation::Guidance,
    );
    add_org(
        &mut reg,
        org(
            "futian-street",
            OrgKind::Zhilianhui,
            Level::Subdistrict,
            "440304004",
            "2024-05-07",
        ),
        Some("futian"),
        Relation::PartOf,
    );
    add_org(
        &mut reg,
        org(
            "xlh",
            OrgKind::Xinlianhui,
            Level::Municipal,
            "4403",
            "2016-01-01",
        ),
        None,
        Relation::Guidance,
    );
    for p in [
        person("p1", Party::NonParty, Title::Senior),
        person("p2", Party::MinMeng, Title::Intermediate),
        person("p3", Party::Cpc, Title::None),
    ] {
        reg.apply(&meta(), Command::AddPerson { person: p })
            .expect("add person");
    }
    for m in [
        membership("p1", "futian", Role::President, "2020-01-01"),
        membership("p2", "futian-street", Role::Member, "2024-05-07"),
        membership("p2", "nanshan", Role::Member, "2019-01-01"),
    ] {
        reg.apply(&meta(), Command::Join { membership: m })
            .expect("join");
    }
    reg
}

// Random registries for the property tests.

pub const ORGS: usize = 7;
pub const PERSONS: usize = 4;

pub fn day(k: u8) -> NaiveDate {
    d("2020-01-01") + Days::new(u64::from(k) * 61)
}

pub fn code(l: Level) -> &'static str {
    match l {
        Level::National => "00",
        Level::Provincial => "44",
        Level::Municipal => "4403",
        Level::District => "440304",
        Level::Subdistrict => "440304004",
        Level::Community => "440304004001",
    }
}

/// Creates every person and organization (parents among the earlier ones, three levels so that
/// many links are valid), some of which the registry will still reject.
pub fn arb_setup() -> impl Strategy<Value = Vec<Command>> {
    let org_spec = (
        1u8..4,
        any::<bool>(),
        proptest::option::of(0usize..ORGS),
        any::<bool>(),
        0u8..8,
        proptest::option::weighted(0.15, 4u8..30),
    );
    proptest::collection::vec(org_spec, ORGS).prop_map(|specs| {
        let mut out: Vec<Command> = (0..PERSONS)
            .map(|i| {
                let mut person = varied_person(i);
                // Every fourth person gives a legacy 15-digit resident ID, which the registry
                // keeps in its 18-character form: the record differs from the command.
                person.resident_id = (i % 4 == 1).then(|| "440305851231123".to_string());
                Command::AddPerson { person }
            })
            .collect();
        for (i, (l, committee, parent, part_of, f, dis)) in specs.into_iter().enumerate() {
            let lv = Level::ALL[usize::from(l) + 1];
            let kind = if committee {
                OrgKind::SpecialCommittee
            } else {
                OrgKind::Zhilianhui
            };
            let mut o = org(&format!("o{i}"), kind, lv, code(lv), "2020-01-01");
            o.founded = day(f);
            o.dissolved = dis.map(|x| day(f.saturating_add(x)));
            let parent = parent.filter(|&p| p < i).map(|p| format!("o{p}"));
            let relation = if part_of {
                Relation::PartOf
            } else {
                Relation::Guidance
            };
            out.push(Command::AddOrganization {
                org: o,
                parent,
                relation,
            });
        }
        out
    })
}

pub fn arb_command() -> impl Strategy<Value = Command> {
    let oid = (0..ORGS).prop_map(|i| format!("o{i}"));
    let pid = (0..PERSONS).prop_map(|i| format!("p{i}"));
    let rel = prop_oneof![Just(Relation::Guidance), Just(Relation::PartOf)];
    let role = prop_oneof![
        Just(Role::President),
        Just(Role::Member),
        Just(Role::Council)
    ];
    prop_oneof![
        5 => (oid.clone(), proptest::option::weighted(0.85, oid.clone()), rel, 1u8..40)
            .prop_map(|(id, parent, relation, k)| Command::MoveOrganization { id, parent, relation, date: day(k) }),
        1 => (oid.clone(), 1u8..40).prop_map(|(id, k)| Command::DissolveOrganization { id, date: day(k) }),
        4 => (pid.clone(), oid.clone(), role.clone(), 0u8..40, proptest::option::weighted(0.3, 1u8..10))
            .prop_map(|(p, o, role, s, len)| {
                let mut m = membership(&p, &o, role, "2020-01-01");
                m.start = day(s);
                m.end = len.map(|l| day(s.saturating_add(l)));
                Command::Join { membership: m }
            }),
        1 => (pid.clone(), oid.clone(), 0u8..40)
            .prop_map(|(p, o, k)| Command::Leave { member: MemberRef::Person(p), org: o, date: day(k) }),
        1 => (pid.clone(), oid, role, 0u8..40)
            .prop_map(|(p, o, role, k)| Command::ChangeRole { member: MemberRef::Person(p), org: o, role, date: day(k) }),
        1 => (0..PERSONS, 0u8..4).prop_map(|(i, v)| {
            let mut person = varied_person(i + usize::from(v));
            person.id = format!("p{i}");
            person.name = Some(format!("p{i}改名{v}"));
            Command::UpdatePerson { person }
        }),
        1 => (0u8..3).prop_map(|b| Command::SetRuleBook { book: arb_book(b) }),
    ]
}

/// No book, the standard one, or the standard one with a `warn` rule on age (none at all
/// being the most likely, so most joins go through).
pub fn arb_book(which: u8) -> Option<tongxin::rules::RuleBook> {
    use tongxin::rules::{Rule, RuleBook, Severity};
    match which {
        0 => None,
        1 => Some(RuleBook::standard()),
        _ => {
            let mut book = RuleBook::standard();
            book.common.push(
                Rule::eligibility(
                    "age.warn",
                    Severity::Warn,
                    "age <= 45",
                    "年龄偏大",
                    "Over 45",
                )
                .expect("rule"),
            );
            Some(book)
        }
    }
}

/// Parent on `day` from the public parent history.
pub fn parent_on(reg: &Registry, id: &str, on: NaiveDate) -> Option<String> {
    let links = reg.parent_history(id).ok()?;
    links
        .into_iter()
        .find(|l| l.from <= on && l.to.is_none_or(|t| on < t))
        .and_then(|l| l.parent)
}

pub fn alive(reg: &Registry, id: &str, on: NaiveDate) -> bool {
    reg.organization(id).is_some_and(|o| o.active_on(on))
}

/// Brute-force subtree on `day`: every live organization whose parent chain reaches `root`.
pub fn brute_subtree(reg: &Registry, root: &str, on: NaiveDate) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for o in reg.organizations().filter(|o| o.active_on(on)) {
        let mut cur = Some(o.id.clone());
        let mut steps = 0;
        while let Some(c) = cur {
            assert!(steps <= ORGS, "cycle through {c} on {on}");
            if c == root {
                out.insert(o.id.clone());
                break;
            }
            cur = parent_on(reg, &c, on);
            steps += 1;
        }
    }
    out
}

/// The day a structural command takes effect.
pub fn effective(c: &Command) -> Option<NaiveDate> {
    match c {
        Command::AddOrganization { org, .. } => Some(org.founded),
        Command::MoveOrganization { date, .. } | Command::DissolveOrganization { date, .. } => {
            Some(*date)
        }
        _ => None,
    }
}

/// Person `p{i}` with attributes that differ from one index to the next.
pub fn varied_person(i: usize) -> Person {
    let mut p = person(
        &format!("p{i}"),
        Party::ALL[(i * 3) % Party::ALL.len()],
        Title::ALL[i % Title::ALL.len()],
    );
    p.sex = [Some(Sex::Male), Some(Sex::Female), None][i % 3];
    p.birth = [
        Some("1960".parse().expect("year")),
        Some("1985-07-01".parse().expect("day")),
        None,
    ][i % 3];
    p.ethnicity = [Some("汉族"), Some("壮族"), None][(i / 2) % 3].map(String::from);
    p.stratum = Stratum::ALL[i % Stratum::ALL.len()];
    p
}
