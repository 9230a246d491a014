//! Accept and reject paths of every command. Every rejection must leave the registry's snapshot
//! byte-identical and report the expected stable code.

mod common;
use common::*;
use tongxin::prelude::*;

/// Applies a command that must be rejected with `code`; asserts nothing changed.
fn rejects(reg: &mut Registry, command: Command, code: ErrorCode) -> Error {
    let before = reg.to_json();
    let err = reg
        .apply(&meta(), command.clone())
        .expect_err("command should be rejected");
    assert_eq!(err.code(), code, "{command:?} gave {err}");
    assert_eq!(
        before,
        reg.to_json(),
        "rejected {command:?} changed the registry"
    );
    err
}

/// Applies a command that must be accepted; returns the event.
fn accepts(reg: &mut Registry, command: Command) -> Event {
    let n = reg.journal().len();
    let ev = reg
        .apply(&meta(), command.clone())
        .unwrap_or_else(|e| panic!("{command:?} rejected: {e}"));
    assert_eq!(ev.seq as usize, n + 1);
    assert_eq!(ev.command, command);
    assert_eq!(reg.journal().last(), Some(ev.clone()));
    ev
}

fn add(o: Organization, parent: Option<&str>, relation: Relation) -> Command {
    Command::AddOrganization {
        org: o,
        parent: parent.map(str::to_string),
        relation,
    }
}

fn p(id: &str) -> MemberRef {
    MemberRef::Person(id.into())
}

#[test]
fn add_organization_accepts_and_rejects() {
    let mut reg = shenzhen();
    accepts(
        &mut reg,
        add(
            org(
                "luohu",
                OrgKind::Zhilianhui,
                Level::District,
                "440303",
                "2014-01-01",
            ),
            Some("sz"),
            Relation::Guidance,
        ),
    );
    assert_eq!(
        reg.children("sz", d("2024-06-01")).unwrap(),
        vec!["futian", "nanshan", "luohu"]
    );
    // Duplicate id.
    rejects(
        &mut reg,
        add(
            org(
                "futian",
                OrgKind::Zhilianhui,
                Level::District,
                "440304",
                "2014-01-01",
            ),
            Some("sz"),
            Relation::Guidance,
        ),
        ErrorCode::DuplicateId,
    );
    // Unknown parent.
    rejects(
        &mut reg,
        add(
            org(
                "x",
                OrgKind::Zhilianhui,
                Level::District,
                "440304",
                "2014-01-01",
            ),
            Some("nowhere"),
            Relation::Guidance,
        ),
        ErrorCode::NotFound,
    );
    // Guided child at its guide's level.
    let err = rejects(
        &mut reg,
        add(
            org(
                "x",
                OrgKind::Zhilianhui,
                Level::Municipal,
                "4403",
                "2014-01-01",
            ),
            Some("sz"),
            Relation::Guidance,
        ),
        ErrorCode::LevelOrder,
    );
    assert!(err.to_string().contains("`x` (municipal)"), "{err}");
    // A part-of committee may share its parent's level, but a branch above it may not.
    accepts(
        &mut reg,
        add(
            org(
                "sz-edu",
                OrgKind::SpecialCommittee,
                Level::Municipal,
                "4403",
                "2015-01-01",
            ),
            Some("sz"),
            Relation::PartOf,
        ),
    );
    rejects(
        &mut reg,
        add(
            org(
                "x",
                OrgKind::Zhilianhui,
                Level::Provincial,
                "44",
                "2014-01-01",
            ),
            Some("sz"),
            Relation::PartOf,
        ),
        ErrorCode::LevelOrder,
    );
    // A branch of another kind.
    rejects(
        &mut reg,
        add(
            org(
                "x",
                OrgKind::Xinlianhui,
                Level::District,
                "440304",
                "2014-01-01",
            ),
            Some("sz"),
            Relation::PartOf,
        ),
        ErrorCode::KindMismatch,
    );
    // Founded before the parent.
    rejects(
        &mut reg,
        add(
            org(
                "x",
                OrgKind::Zhilianhui,
                Level::District,
                "440306",
                "2009-12-31",
            ),
            Some("sz"),
            Relation::Guidance,
        ),
        ErrorCode::OutsideLifetime,
    );
    // Field checks: empty id, empty name, bad division code, dissolved before founded,
    // category on a non-tongxinhui, national code on a district.
    let mut bad = org(
        "",
        OrgKind::Zhilianhui,
        Level::District,
        "440306",
        "2014-01-01",
    );
    rejects(
        &mut reg,
        add(bad.clone(), None, Relation::Guidance),
        ErrorCode::InvalidField,
    );
    bad.id = "x".into();
    bad.name = "  ".into();
    rejects(
        &mut reg,
        add(bad.clone(), None, Relation::Guidance),
        ErrorCode::InvalidField,
    );
    bad.name = "宝安".into();
    bad.division_code = "44030".into();
    let err = rejects(
        &mut reg,
        add(bad.clone(), None, Relation::Guidance),
        ErrorCode::InvalidField,
    );
    assert!(err.to_string().contains("division_code"), "{err}");
    bad.division_code = "00".into();
    rejects(
        &mut reg,
        add(bad.clone(), None, Relation::Guidance),
        ErrorCode::InvalidField,
    );
    bad.division_code = "440306".into();
    bad.dissolved = Some(d("2013-01-01"));
    rejects(
        &mut reg,
        add(bad.clone(), None, Relation::Guidance),
        ErrorCode::DateOrder,
    );
    bad.dissolved = None;
    bad.category = Some(TongxinCategory::Culture);
    rejects(
        &mut reg,
        add(bad, None, Relation::Guidance),
        ErrorCode::InvalidField,
    );
}

#[test]
fn update_organization_accepts_and_rejects() {
    let mut reg = shenzhen();
    let mut o = reg.organization("futian").unwrap().clone();
    o.name = "福田区知联会".into();
    o.facilities = Some(Facilities {
        area_m2: Some(300),
        rooms: Some(2),
    });
    accepts(&mut reg, Command::UpdateOrganization { org: o.clone() });
    assert_eq!(reg.search_organizations("福田区").len(), 1);
    assert!(reg.search_organizations("futian 名称").is_empty());
    // Raising futian to municipal breaks its link under sz (guidance).
    let mut up = o.clone();
    up.level = Level::Municipal;
    rejects(
        &mut reg,
        Command::UpdateOrganization { org: up },
        ErrorCode::LevelOrder,
    );
    // Lowering futian to community breaks its part-of branch (subdistrict) below it.
    let mut down = o.clone();
    down.level = Level::Community;
    rejects(
        &mut reg,
        Command::UpdateOrganization { org: down },
        ErrorCode::LevelOrder,
    );
    // Changing kind breaks the part-of branch's kind.
    let mut kind = o.clone();
    kind.kind = OrgKind::Xinlianhui;
    rejects(
        &mut reg,
        Command::UpdateOrganization { org: kind },
        ErrorCode::KindMismatch,
    );
    let mut founded = o.clone();
    founded.founded = d("2011-01-01");
    rejects(
        &mut reg,
        Command::UpdateOrganization { org: founded },
        ErrorCode::ImmutableField,
    );
    let mut dissolved = o.clone();
    dissolved.dissolved = Some(d("2030-01-01"));
    rejects(
        &mut reg,
        Command::UpdateOrganization { org: dissolved },
        ErrorCode::ImmutableField,
    );
    let mut unknown = o;
    unknown.id = "nowhere".into();
    rejects(
        &mut reg,
        Command::UpdateOrganization { org: unknown },
        ErrorCode::NotFound,
    );
}

#[test]
fn dissolve_closes_memberships_and_guards_children() {
    let mut reg = shenzhen();
    let dissolve = |id: &str, date: &str| Command::DissolveOrganization {
        id: id.into(),
        date: d(date),
    };
    // futian still has its street branch.
    let err = rejects(
        &mut reg,
        dissolve("futian", "2025-01-01"),
        ErrorCode::HasActiveChildren,
    );
    assert!(err.to_string().contains("futian-street"), "{err}");
    rejects(
        &mut reg,
        dissolve("nowhere", "2025-01-01"),
        ErrorCode::NotFound,
    );
    rejects(
        &mut reg,
        dissolve("nanshan", "2012-01-01"),
        ErrorCode::DateOrder,
    );
    // p2 joined nanshan in 2019: dissolving before that would orphan the membership.
    rejects(
        &mut reg,
        dissolve("nanshan", "2018-01-01"),
        ErrorCode::OutsideLifetime,
    );
    accepts(&mut reg, dissolve("nanshan", "2025-01-01"));
    let m = reg.memberships_of(&p("p2")).unwrap();
    assert_eq!(
        m.iter().find(|m| m.org == "nanshan").unwrap().end,
        Some(d("2025-01-01"))
    );
    rejects(
        &mut reg,
        dissolve("nanshan", "2026-01-01"),
        ErrorCode::AlreadyDissolved,
    );
    assert_eq!(reg.children("sz", d("2025-01-01")).unwrap(), vec!["futian"]);
    assert_eq!(
        reg.children("sz", d("2024-12-31")).unwrap(),
        vec!["futian", "nanshan"]
    );
    // Nothing new may start in a dissolved organization.
    rejects(
        &mut reg,
        Command::Join {
            membership: membership("p1", "nanshan", Role::Member, "2025-06-01"),
        },
        ErrorCode::OutsideLifetime,
    );
    rejects(
        &mut reg,
        add(
            org(
                "ns-branch",
                OrgKind::Zhilianhui,
                Level::Subdistrict,
                "440305003",
                "2025-02-01",
            ),
            Some("nanshan"),
            Relation::PartOf,
        ),
        ErrorCode::OutsideLifetime,
    );
}

#[test]
fn move_keeps_history_and_refuses_cycles() {
    let mut reg = shenzhen();
    let mv = |id: &str, parent: Option<&str>, relation, date: &str| Command::MoveOrganization {
        id: id.into(),
        parent: parent.map(str::to_string),
        relation,
        date: d(date),
    };
    // The street branch moves to nanshan on 2024-09-01.
    accepts(
        &mut reg,
        mv(
            "futian-street",
            Some("nanshan"),
            Relation::PartOf,
            "2024-09-01",
        ),
    );
    assert_eq!(
        reg.ancestors("futian-street", d("2024-08-31")).unwrap(),
        vec!["futian", "sz"]
    );
    assert_eq!(
        reg.ancestors("futian-street", d("2024-09-01")).unwrap(),
        vec!["nanshan", "sz"]
    );
    assert_eq!(
        reg.subtree("futian", d("2024-06-01")).unwrap(),
        vec!["futian", "futian-street"]
    );
    assert_eq!(
        reg.subtree("futian", d("2024-10-01")).unwrap(),
        vec!["futian"]
    );
    let history = reg.parent_history("futian-street").unwrap();
    assert_eq!(history.len(), 2);
    assert_eq!(history[0].to, Some(d("2024-09-01")));
    // Cycles: sz under its own descendant.
    let err = rejects(
        &mut reg,
        mv("sz", Some("futian"), Relation::Guidance, "2025-01-01"),
        ErrorCode::LevelOrder,
    );
    assert!(err.to_string().contains("lower level"), "{err}");
    // A same-level part-of loop is caught as a cycle.
    add_org(
        &mut reg,
        org(
            "sz-a",
            OrgKind::SpecialCommittee,
            Level::Municipal,
            "4403",
            "2015-01-01",
        ),
        Some("sz"),
        Relation::PartOf,
    );
    let err = rejects(
        &mut reg,
        mv("sz", Some("sz-a"), Relation::PartOf, "2025-01-01"),
        ErrorCode::KindMismatch,
    );
    assert!(err.to_string().contains("special_committee"), "{err}");
    add_org(
        &mut reg,
        org(
            "sz-b",
            OrgKind::Zhilianhui,
            Level::Municipal,
            "4403",
            "2015-01-01",
        ),
        Some("sz"),
        Relation::PartOf,
    );
    add_org(
        &mut reg,
        org(
            "sz-c",
            OrgKind::Zhilianhui,
            Level::Municipal,
            "4403",
            "2015-01-01",
        ),
        Some("sz-b"),
        Relation::PartOf,
    );
    let err = rejects(
        &mut reg,
        mv("sz-b", Some("sz-c"), Relation::PartOf, "2025-01-01"),
        ErrorCode::Cycle,
    );
    assert!(err.to_string().contains("`sz-c` is inside `sz-b`"), "{err}");
    // A cycle that only appears after a later recorded move: sz-c leaves sz-b in 2026, so sz-b
    // under sz-c from 2027 is fine, from 2025 not.
    accepts(
        &mut reg,
        mv("sz-c", Some("sz"), Relation::PartOf, "2026-01-01"),
    );
    rejects(
        &mut reg,
        mv("sz-b", Some("sz-c"), Relation::PartOf, "2025-06-01"),
        ErrorCode::Cycle,
    );
    accepts(
        &mut reg,
        mv("sz-b", Some("sz-c"), Relation::PartOf, "2027-01-01"),
    );
    // Moves must come after the last change, within the lifetime, to a live parent.
    rejects(
        &mut reg,
        mv(
            "futian-street",
            Some("futian"),
            Relation::PartOf,
            "2024-08-01",
        ),
        ErrorCode::HistoryOrder,
    );
    rejects(
        &mut reg,
        mv(
            "futian-street",
            Some("nanshan"),
            Relation::PartOf,
            "2025-01-01",
        ),
        ErrorCode::InvalidField,
    );
    rejects(
        &mut reg,
        mv(
            "futian-street",
            Some("nowhere"),
            Relation::PartOf,
            "2025-01-01",
        ),
        ErrorCode::NotFound,
    );
    rejects(
        &mut reg,
        mv("nowhere", None, Relation::Guidance, "2025-01-01"),
        ErrorCode::NotFound,
    );
    // Becoming a root is a move too.
    accepts(
        &mut reg,
        mv("nanshan", None, Relation::Guidance, "2025-01-01"),
    );
    assert_eq!(reg.roots(d("2025-01-01")), vec!["sz", "nanshan", "xlh"]);
}

#[test]
fn affiliations_accept_and_reject() {
    let mut reg = shenzhen();
    add_org(
        &mut reg,
        org(
            "base",
            OrgKind::Base,
            Level::Community,
            "440305007",
            "2016-09-01",
        ),
        None,
        Relation::Guidance,
    );
    let aff = |id: &str, org: &str, other: &str, from: &str| Affiliation {
        id: id.into(),
        org: org.into(),
        other: other.into(),
        kind: AffiliationKind::HostedBy,
        from: d(from),
        to: None,
    };
    accepts(
        &mut reg,
        Command::AddAffiliation {
            affiliation: aff("a1", "nanshan", "base", "2017-01-01"),
        },
    );
    assert_eq!(reg.affiliations_of("base").unwrap().len(), 1);
    // Affiliations never change the tree.
    assert_eq!(reg.subtree("base", d("2024-01-01")).unwrap(), vec!["base"]);
    rejects(
        &mut reg,
        Command::AddAffiliation {
            affiliation: aff("a1", "nanshan", "base", "2017-01-01"),
        },
        ErrorCode::DuplicateId,
    );
    rejects(
        &mut reg,
        Command::AddAffiliation {
            affiliation: aff("a2", "nanshan", "nanshan", "2017-01-01"),
        },
        ErrorCode::InvalidField,
    );
    rejects(
        &mut reg,
        Command::AddAffiliation {
            affiliation: aff("a2", "nanshan", "nowhere", "2017-01-01"),
        },
        ErrorCode::NotFound,
    );
    rejects(
        &mut reg,
        Command::AddAffiliation {
            affiliation: aff("a2", "nanshan", "base", "2016-01-01"),
        },
        ErrorCode::OutsideLifetime,
    );
    let end = |id: &str, date: &str| Command::EndAffiliation {
        id: id.into(),
        date: d(date),
    };
    rejects(&mut reg, end("a1", "2016-12-31"), ErrorCode::DateOrder);
    rejects(&mut reg, end("nowhere", "2020-01-01"), ErrorCode::NotFound);
    accepts(&mut reg, end("a1", "2020-01-01"));
    rejects(&mut reg, end("a1", "2021-01-01"), ErrorCode::InvalidField);
}

#[test]
fn terms_accept_and_reject() {
    let mut reg = shenzhen();
    let term = |number, start: &str, posts: Vec<CouncilPost>| Term {
        number,
        start: d(start),
        statutory_years: 5,
        end: None,
        posts,
    };
    let post = |person: &str, role| CouncilPost {
        person: person.into(),
        role,
    };
    let start = |t: Term| Command::StartTerm {
        org: "sz".into(),
        term: t,
    };
    accepts(
        &mut reg,
        start(term(
            1,
            "2010-01-01",
            vec![post("p1", Role::President), post("p2", Role::Council)],
        )),
    );
    rejects(
        &mut reg,
        start(term(3, "2015-01-01", vec![])),
        ErrorCode::TermOrder,
    );
    rejects(
        &mut reg,
        start(term(2, "2009-01-01", vec![])),
        ErrorCode::TermOrder,
    );
    rejects(
        &mut reg,
        start(term(
            2,
            "2015-01-01",
            vec![post("p1", Role::President), post("p2", Role::President)],
        )),
        ErrorCode::TermOrder,
    );
    rejects(
        &mut reg,
        start(term(
            2,
            "2015-01-01",
            vec![post("p1", Role::President), post("p1", Role::Council)],
        )),
        ErrorCode::TermOrder,
    );
    rejects(
        &mut reg,
        start(term(2, "2015-01-01", vec![post("nobody", Role::Council)])),
        ErrorCode::NotFound,
    );
    let mut ended = term(2, "2015-01-01", vec![]);
    ended.end = Some(d("2016-01-01"));
    rejects(&mut reg, start(ended), ErrorCode::TermOrder);
    let mut zero = term(2, "2015-01-01", vec![]);
    zero.statutory_years = 0;
    rejects(&mut reg, start(zero), ErrorCode::TermOrder);
    rejects(
        &mut reg,
        Command::StartTerm {
            org: "nowhere".into(),
            term: term(1, "2015-01-01", vec![]),
        },
        ErrorCode::NotFound,
    );
    accepts(&mut reg, start(term(2, "2016-03-01", vec![])));
    let terms = reg.terms("sz").unwrap();
    assert_eq!(terms[0].end, Some(d("2016-03-01")));
    assert!(terms[1].overdue_on(d("2021-03-01")) && !terms[1].overdue_on(d("2021-02-28")));
}

#[test]
fn persons_and_enterprises_accept_and_reject() {
    let mut reg = shenzhen();
    let mut q = person("p9", Party::JiuSan, Title::AssociateSenior);
    q.resident_id = Some("11010519491231002X".into());
    q.political_posts = vec![PoliticalPost {
        body: PoliticalBody::Cppcc,
        level: Level::District,
        term: Some(7),
        from: Some("2021-12".parse().unwrap()),
        to: None,
    }];
    accepts(&mut reg, Command::AddPerson { person: q.clone() });
    rejects(
        &mut reg,
        Command::AddPerson { person: q.clone() },
        ErrorCode::DuplicateId,
    );
    let mut bad = q.clone();
    bad.id = "p10".into();
    bad.resident_id = Some("1101051949123100".into());
    rejects(
        &mut reg,
        Command::AddPerson {
            person: bad.clone(),
        },
        ErrorCode::InvalidField,
    );
    bad.resident_id = None;
    bad.birth = Some("1850".parse().unwrap());
    rejects(
        &mut reg,
        Command::AddPerson {
            person: bad.clone(),
        },
        ErrorCode::InvalidField,
    );
    bad.birth = None;
    bad.political_posts[0].to = Some("2020".parse().unwrap());
    rejects(
        &mut reg,
        Command::AddPerson {
            person: bad.clone(),
        },
        ErrorCode::DateOrder,
    );
    bad.political_posts.clear();
    bad.name = Some("".into());
    rejects(
        &mut reg,
        Command::AddPerson { person: bad },
        ErrorCode::InvalidField,
    );
    q.name = Some("王某".into());
    accepts(&mut reg, Command::UpdatePerson { person: q.clone() });
    assert_eq!(reg.search_persons("王").len(), 1);
    assert!(reg.search_persons("p9姓").is_empty());
    q.id = "nobody".into();
    rejects(
        &mut reg,
        Command::UpdatePerson { person: q },
        ErrorCode::NotFound,
    );

    let e = Enterprise {
        id: "e1".into(),
        name: "深圳达实智能股份有限公司".into(),
        credit_code: "91110000600037341L".into(),
    };
    accepts(
        &mut reg,
        Command::AddEnterprise {
            enterprise: e.clone(),
        },
    );
    rejects(
        &mut reg,
        Command::AddEnterprise {
            enterprise: e.clone(),
        },
        ErrorCode::DuplicateId,
    );
    let mut bad = e.clone();
    bad.credit_code = "9111000060003734".into();
    rejects(
        &mut reg,
        Command::UpdateEnterprise { enterprise: bad },
        ErrorCode::InvalidField,
    );
    let mut renamed = e;
    renamed.name = "达实智能".into();
    accepts(
        &mut reg,
        Command::UpdateEnterprise {
            enterprise: renamed.clone(),
        },
    );
    renamed.id = "e2".into();
    rejects(
        &mut reg,
        Command::UpdateEnterprise {
            enterprise: renamed,
        },
        ErrorCode::NotFound,
    );
}

#[test]
fn joins_enforce_structural_membership_rules() {
    let mut reg = shenzhen();
    let join = |m: Membership| Command::Join { membership: m };
    // Second president of futian while p1 presides.
    let err = rejects(
        &mut reg,
        join(membership("p2", "futian", Role::President, "2023-01-01")),
        ErrorCode::PresidentConflict,
    );
    assert!(err.to_string().contains("person `p1`"), "{err}");
    // A president before p1's term is fine (it must end before p1 starts).
    let mut earlier = membership("p3", "futian", Role::President, "2015-01-01");
    earlier.end = Some(d("2020-01-01"));
    accepts(&mut reg, join(earlier));
    // Overlapping duplicate.
    rejects(
        &mut reg,
        join(membership("p2", "nanshan", Role::Council, "2023-01-01")),
        ErrorCode::OverlappingMembership,
    );
    // Before the organization existed.
    rejects(
        &mut reg,
        join(membership(
            "p3",
            "futian-street",
            Role::Member,
            "2024-01-01",
        )),
        ErrorCode::OutsideLifetime,
    );
    // Unknown member, unknown org, bad interval, empty source.
    rejects(
        &mut reg,
        join(membership("nobody", "sz", Role::Member, "2023-01-01")),
        ErrorCode::NotFound,
    );
    rejects(
        &mut reg,
        join(membership("p3", "nowhere", Role::Member, "2023-01-01")),
        ErrorCode::NotFound,
    );
    let mut backwards = membership("p3", "sz", Role::Member, "2023-01-01");
    backwards.end = Some(d("2023-01-01"));
    rejects(&mut reg, join(backwards), ErrorCode::DateOrder);
    let mut sourced = membership("p3", "sz", Role::Member, "2023-01-01");
    sourced.source = Some(String::new());
    rejects(&mut reg, join(sourced.clone()), ErrorCode::InvalidField);
    sourced.source = Some("双轨推荐".into());
    sourced.founding = true;
    accepts(&mut reg, join(sourced));
    let m = reg.memberships_of(&p("p3")).unwrap();
    assert_eq!(m.last().unwrap().source.as_deref(), Some("双轨推荐"));
    // Enterprises join chambers.
    add_org(
        &mut reg,
        org(
            "chamber",
            OrgKind::Chamber,
            Level::Subdistrict,
            "440309003",
            "2018-01-01",
        ),
        None,
        Relation::Guidance,
    );
    reg.apply(
        &meta(),
        Command::AddEnterprise {
            enterprise: Enterprise {
                id: "e1".into(),
                name: "某公司".into(),
                credit_code: "91110000600037341L".into(),
            },
        },
    )
    .unwrap();
    accepts(
        &mut reg,
        join(Membership {
            member: MemberRef::Enterprise("e1".into()),
            org: "chamber".into(),
            role: Role::MemberUnit,
            start: d("2019-01-01"),
            end: None,
            founding: false,
            source: None,
        }),
    );
    assert_eq!(
        reg.members("chamber", d("2020-01-01"), MemberScope::Direct)
            .unwrap(),
        vec![MemberRef::Enterprise("e1".into())]
    );
}

#[test]
fn leave_and_change_role() {
    let mut reg = shenzhen();
    let leave = |who: &str, org: &str, date: &str| Command::Leave {
        member: p(who),
        org: org.into(),
        date: d(date),
    };
    let change = |who: &str, org: &str, role, date: &str| Command::ChangeRole {
        member: p(who),
        org: org.into(),
        role,
        date: d(date),
    };
    rejects(
        &mut reg,
        leave("p3", "futian", "2024-01-01"),
        ErrorCode::NoActiveMembership,
    );
    rejects(
        &mut reg,
        leave("p2", "nanshan", "2018-01-01"),
        ErrorCode::NoActiveMembership,
    );
    rejects(
        &mut reg,
        leave("p2", "nanshan", "2019-01-01"),
        ErrorCode::DateOrder,
    );
    rejects(
        &mut reg,
        leave("nobody", "nanshan", "2020-01-01"),
        ErrorCode::NotFound,
    );
    accepts(&mut reg, leave("p2", "nanshan", "2024-01-01"));
    assert!(reg
        .members("nanshan", d("2024-01-01"), MemberScope::Direct)
        .unwrap()
        .is_empty());
    // Role changes keep the history as two records.
    rejects(
        &mut reg,
        change("p1", "futian", Role::President, "2022-01-01"),
        ErrorCode::InvalidField,
    );
    accepts(
        &mut reg,
        change("p1", "futian", Role::VicePresident, "2022-01-01"),
    );
    let m = reg.memberships_of(&p("p1")).unwrap();
    assert_eq!(m.len(), 2);
    assert_eq!(
        (m[0].role, m[0].end),
        (Role::President, Some(d("2022-01-01")))
    );
    assert_eq!(
        (m[1].role, m[1].start, m[1].end),
        (Role::VicePresident, d("2022-01-01"), None)
    );
    // p2 may now become president of futian-street, but not of futian-street and… one at a time.
    accepts(
        &mut reg,
        change("p2", "futian-street", Role::President, "2024-06-01"),
    );
    reg.apply(
        &meta(),
        Command::Join {
            membership: membership("p3", "futian-street", Role::Member, "2024-06-01"),
        },
    )
    .unwrap();
    rejects(
        &mut reg,
        change("p3", "futian-street", Role::President, "2024-07-01"),
        ErrorCode::PresidentConflict,
    );
    // A change on the day the membership started replaces the role in place.
    accepts(
        &mut reg,
        change("p3", "futian-street", Role::Council, "2024-06-01"),
    );
    assert_eq!(reg.memberships_of(&p("p3")).unwrap().len(), 1);
}

#[test]
fn designations_activities_advice() {
    let mut reg = shenzhen();
    let des = Designation {
        id: "d1".into(),
        org: "nanshan".into(),
        title: DesignationTitle::PilotUnit,
        name: "试点单位".into(),
        level: Level::District,
        issuer: "南山区委统战部".into(),
        batch: Some(1),
        conferred: "2016-09".parse().unwrap(),
        revoked: None,
    };
    accepts(
        &mut reg,
        Command::RecordDesignation {
            designation: des.clone(),
        },
    );
    rejects(
        &mut reg,
        Command::RecordDesignation {
            designation: des.clone(),
        },
        ErrorCode::DuplicateId,
    );
    let mut early = des.clone();
    early.id = "d2".into();
    early.conferred = "2012".parse().unwrap();
    rejects(
        &mut reg,
        Command::RecordDesignation {
            designation: early.clone(),
        },
        ErrorCode::OutsideLifetime,
    );
    early.conferred = "2016-09".parse().unwrap();
    early.revoked = Some("2016-09".parse().unwrap());
    rejects(
        &mut reg,
        Command::RecordDesignation {
            designation: early.clone(),
        },
        ErrorCode::DateOrder,
    );
    early.revoked = None;
    early.issuer = "".into();
    rejects(
        &mut reg,
        Command::RecordDesignation { designation: early },
        ErrorCode::InvalidField,
    );
    let revoke = |id: &str, date: &str| Command::RevokeDesignation {
        id: id.into(),
        date: date.parse().unwrap(),
    };
    rejects(&mut reg, revoke("d1", "2016-09"), ErrorCode::DateOrder);
    rejects(&mut reg, revoke("nowhere", "2020"), ErrorCode::NotFound);
    accepts(&mut reg, revoke("d1", "2020"));
    rejects(&mut reg, revoke("d1", "2021"), ErrorCode::InvalidField);

    let act = Activity {
        id: "a1".into(),
        org: "nanshan".into(),
        date: "2017-08".parse().unwrap(),
        kind: ActivityKind::Reception,
        title: "参观接待".into(),
        participants_offline: 12,
        participants_online: 0,
        persons_served: 0,
        delegations: 1,
    };
    accepts(
        &mut reg,
        Command::RecordActivity {
            activity: act.clone(),
        },
    );
    rejects(
        &mut reg,
        Command::RecordActivity {
            activity: act.clone(),
        },
        ErrorCode::DuplicateId,
    );
    let mut late = act.clone();
    late.id = "a2".into();
    late.org = "futian-street".into();
    rejects(
        &mut reg,
        Command::RecordActivity {
            activity: late.clone(),
        },
        ErrorCode::OutsideLifetime,
    );
    late.org = "nowhere".into();
    rejects(
        &mut reg,
        Command::RecordActivity { activity: late },
        ErrorCode::NotFound,
    );
    assert_eq!(reg.activities_of("nanshan").unwrap().len(), 1);

    let adv = Advice {
        id: "v1".into(),
        org: "futian".into(),
        authors: vec!["p1".into()],
        date: "2024".parse().unwrap(),
        kind: AdviceKind::Proposal,
        title: "关于深港制造业创新合作的提案".into(),
        adopted: Some(true),
    };
    accepts(
        &mut reg,
        Command::RecordAdvice {
            advice: adv.clone(),
        },
    );
    rejects(
        &mut reg,
        Command::RecordAdvice {
            advice: adv.clone(),
        },
        ErrorCode::DuplicateId,
    );
    let mut bad = adv;
    bad.id = "v2".into();
    bad.authors = vec!["nobody".into()];
    rejects(
        &mut reg,
        Command::RecordAdvice {
            advice: bad.clone(),
        },
        ErrorCode::NotFound,
    );
    bad.authors.clear();
    bad.title = " ".into();
    rejects(
        &mut reg,
        Command::RecordAdvice { advice: bad },
        ErrorCode::InvalidField,
    );
    assert_eq!(reg.advice_of("futian").unwrap().len(), 1);
}

#[test]
fn branch_members_count_for_the_parent_without_copies() {
    let reg = shenzhen();
    let day = d("2024-06-01");
    let direct = reg.members("futian", day, MemberScope::Direct).unwrap();
    let with = reg
        .members("futian", day, MemberScope::WithBranches)
        .unwrap();
    let sub = reg.members("sz", day, MemberScope::Subtree).unwrap();
    assert_eq!(direct, vec![p("p1")]);
    assert_eq!(with, vec![p("p1"), p("p2")]);
    // p2 is in nanshan and the street branch: counted once.
    assert_eq!(sub, vec![p("p1"), p("p2")]);
    // Guidance children do not count for their guide under WithBranches.
    assert!(reg
        .members("sz", day, MemberScope::WithBranches)
        .unwrap()
        .is_empty());
    // No membership record was copied to the parent.
    assert_eq!(reg.membership_count(), 3);
    // Before the branch existed.
    assert_eq!(
        reg.members("futian", d("2024-05-06"), MemberScope::WithBranches)
            .unwrap(),
        vec![p("p1")]
    );
}

#[test]
fn batches_are_all_or_nothing() {
    let mut reg = shenzhen();
    let before = reg.to_json();
    let commands = vec![
        Command::AddPerson {
            person: person("p7", Party::MinJin, Title::Junior),
        },
        Command::Join {
            membership: membership("p7", "sz", Role::Member, "2020-01-01"),
        },
        Command::Join {
            membership: membership("p7", "sz", Role::Member, "2021-01-01"),
        },
    ];
    let (at, err) = reg.apply_batch(&meta(), commands.clone()).unwrap_err();
    assert_eq!((at, err.code()), (2, ErrorCode::OverlappingMembership));
    assert_eq!(before, reg.to_json());
    assert_eq!(reg.apply_batch(&meta(), commands[..2].to_vec()), Ok(2));
    assert_eq!(
        reg.members("sz", d("2020-01-01"), MemberScope::Direct)
            .unwrap(),
        vec![p("p7")]
    );
    // Into an empty registry too.
    let mut empty = Registry::new();
    assert!(empty.apply_batch(&meta(), commands).is_err());
    assert_eq!(empty, Registry::new());
}

#[test]
fn snapshot_round_trips_and_rejects_tampering() {
    let mut reg = shenzhen();
    reg.apply(
        &meta(),
        Command::MoveOrganization {
            id: "futian-street".into(),
            parent: Some("nanshan".into()),
            relation: Relation::PartOf,
            date: d("2024-09-01"),
        },
    )
    .unwrap();
    let json = reg.to_json();
    let back = Registry::from_json(&json).unwrap();
    assert_eq!(back, reg);
    assert_eq!(back.to_json(), json);
    assert_eq!(Registry::replay(reg.journal()).unwrap(), reg);

    // A future version.
    assert!(json.contains("\"schema_version\": 2"));
    let future = json.replacen("\"schema_version\": 2", "\"schema_version\": 3", 1);
    let err = Registry::from_json(&future).unwrap_err();
    assert_eq!(err.code(), ErrorCode::UnsupportedSchemaVersion);
    assert!(err.to_string().contains("schema_version 3"), "{err}");
    // Broken JSON names its position.
    let err = Registry::from_json("{\"schema_version\": 1,").unwrap_err();
    assert!(matches!(err, Error::Json { line: 1, .. }), "{err}");
    assert_eq!(
        Registry::from_json("{}").unwrap_err().code(),
        ErrorCode::Json
    );
    // A record edited by hand no longer matches what the journal rebuilds.
    let tampered = json.replacen("\"party\": \"cpc\"", "\"party\": \"non_party\"", 1);
    let err = Registry::from_json(&tampered).unwrap_err();
    assert_eq!(err.code(), ErrorCode::SnapshotMismatch);
    assert!(err.to_string().contains("persons"), "{err}");
    // A journal edited into breaking a rule is refused by its hash chain, naming the event
    // (with the chain recomputed, it fails to replay instead: see `join_rules`).
    let bad = json.replacen("\"role\": \"member\"", "\"role\": \"president\"", 1);
    let err = Registry::from_json(&bad).unwrap_err();
    assert!(
        matches!(
            err.code(),
            ErrorCode::JournalTampered | ErrorCode::Replay | ErrorCode::SnapshotMismatch
        ),
        "{err}"
    );
}

#[test]
fn identifiers_are_checked_and_normalised() {
    let mut reg = shenzhen();
    // Padded GB/T 2260 division codes are stored in the short statistical form.
    accepts(
        &mut reg,
        add(
            org(
                "baoan",
                OrgKind::Zhilianhui,
                Level::District,
                "440306",
                "2014-01-01",
            ),
            Some("sz"),
            Relation::Guidance,
        ),
    );
    accepts(
        &mut reg,
        add(
            org(
                "gd",
                OrgKind::Zhilianhui,
                Level::Provincial,
                "440000",
                "2005-01-01",
            ),
            None,
            Relation::Guidance,
        ),
    );
    assert_eq!(reg.organization("gd").unwrap().division_code, "44");
    rejects(
        &mut reg,
        add(
            org(
                "x",
                OrgKind::Zhilianhui,
                Level::District,
                "44030a",
                "2014-01-01",
            ),
            None,
            Relation::Guidance,
        ),
        ErrorCode::InvalidField,
    );
    // A lowercase check character is accepted and stored upper-case; a wrong one is named.
    let mut q = person("p8", Party::MinJian, Title::Senior);
    q.resident_id = Some("11010519491231002x".into());
    accepts(&mut reg, Command::AddPerson { person: q.clone() });
    assert_eq!(
        reg.person("p8").unwrap().resident_id.as_deref(),
        Some("11010519491231002X")
    );
    q.id = "p9".into();
    q.resident_id = Some("110105194912310021".into());
    let err = rejects(
        &mut reg,
        Command::AddPerson { person: q },
        ErrorCode::InvalidField,
    );
    assert!(err.to_string().contains("resident_id"), "{err}");
    // Credit codes: check character and forbidden letters.
    let ent = |code: &str| Enterprise {
        id: "e5".into(),
        name: "某公司".into(),
        credit_code: code.into(),
    };
    let err = rejects(
        &mut reg,
        Command::AddEnterprise {
            enterprise: ent("91110000600037341M"),
        },
        ErrorCode::InvalidField,
    );
    assert!(err.to_string().contains("credit_code"), "{err}");
    rejects(
        &mut reg,
        Command::AddEnterprise {
            enterprise: ent("9111000060003734IL"),
        },
        ErrorCode::InvalidField,
    );
    accepts(
        &mut reg,
        Command::AddEnterprise {
            enterprise: ent("91110000600037341l"),
        },
    );
    assert_eq!(
        reg.enterprise("e5").unwrap().credit_code,
        "91110000600037341L"
    );
}

#[test]
fn latest_forest_follows_commands_applied_one_by_one() {
    // The forest of the latest links is numbered lazily: every question after a structural
    // command must see that command, and a rejected command must not leave it stale.
    let mut reg = shenzhen();
    let day = d("2024-06-01");
    let before = reg.latest_tree().order().len();
    let mut parent = "futian".to_string();
    for i in 0..5 {
        let id = format!("chain-{i}");
        let level = if i == 0 {
            Level::Subdistrict
        } else {
            Level::Community
        };
        accepts(
            &mut reg,
            add(
                org(&id, OrgKind::Zhilianhui, level, "440304001", "2016-01-01"),
                Some(&parent),
                Relation::PartOf,
            ),
        );
        // Asked right after each addition: the new organization is in its parent's subtree,
        // in the numbered forest and under every ancestor.
        assert!(reg.subtree(&parent, day).unwrap().contains(&id.as_str()));
        assert_eq!(reg.latest_tree().order().len(), before + i + 1);
        assert_eq!(reg.ancestors(&id, day).unwrap()[0], parent);
        let snapshot = reg.clone();
        rejects(
            &mut reg,
            add(
                org(&id, OrgKind::Zhilianhui, level, "440304001", "2016-01-01"),
                Some(&parent),
                Relation::PartOf,
            ),
            ErrorCode::DuplicateId,
        );
        assert_eq!(reg, snapshot);
        parent = id;
    }
    assert_eq!(
        reg.subtree("chain-2", day).unwrap(),
        vec!["chain-2", "chain-3", "chain-4"]
    );
    // A move renumbers as well.
    accepts(
        &mut reg,
        Command::MoveOrganization {
            id: "chain-3".into(),
            parent: Some("chain-0".into()),
            relation: Relation::PartOf,
            date: d("2024-07-01"),
        },
    );
    assert_eq!(
        reg.subtree("chain-2", d("2024-07-02")).unwrap(),
        vec!["chain-2"]
    );
    assert!(reg
        .subtree("chain-0", d("2024-07-02"))
        .unwrap()
        .contains(&"chain-4"));
}
