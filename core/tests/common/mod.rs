//! Builders shared by the integration tests.
#![allow(dead_code)]

use chrono::NaiveDate;
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
