//! Statistics on hand-made registries whose answers are worked out by hand in the comments.

mod common;
use common::*;
use tongxin::ids::{DivisionCode, DivisionLevel, DivisionTable};
use tongxin::prelude::*;
use tongxin::stats::{self, Period};

fn activity(id: &str, org: &str, date: &str, offline: u32, delegations: u32) -> Command {
    Command::RecordActivity {
        activity: Activity {
            id: id.into(),
            org: org.into(),
            date: date.parse().unwrap(),
            kind: ActivityKind::Reception,
            title: String::new(),
            participants_offline: offline,
            participants_online: 1,
            persons_served: 0,
            delegations,
        },
    }
}

#[test]
fn activities_count_under_the_tree_of_their_own_day() {
    let mut reg = shenzhen();
    // futian-street (from 2024-05-07 under futian) moves to nanshan on 2024-09-01.
    for c in [
        activity("a1", "futian-street", "2024-06-15", 10, 1),
        activity("a2", "futian-street", "2024-10-01", 20, 2),
        activity("a3", "futian-street", "2024-08", 40, 4),
        activity("a4", "futian-street", "2024", 80, 8),
        activity("a5", "futian", "2024-07-01", 160, 16),
        Command::MoveOrganization {
            id: "futian-street".into(),
            parent: Some("nanshan".into()),
            relation: Relation::PartOf,
            date: d("2024-09-01"),
        },
    ] {
        reg.apply(&meta(), c).unwrap();
    }
    let year = Period::new(d("2024-01-01"), d("2024-12-31"));
    // futian: a1 (June, under futian), a3 (August, under futian), a5; a4 is placed on its
    // earliest day (the branch's founding, under futian). a2 happened under nanshan.
    let t = stats::activity_totals(&reg, "futian", year, None).unwrap();
    assert_eq!(
        (t.events, t.participants_offline, t.delegations),
        (4, 10 + 40 + 80 + 160, 29)
    );
    assert_eq!(t.participants(), 290 + 4);
    let n = stats::activity_totals(&reg, "nanshan", year, None).unwrap();
    assert_eq!((n.events, n.participants_offline), (1, 20));
    // sz sees all five; a month-precision record counts only when certainly inside the period.
    let summer = Period::new(d("2024-06-01"), d("2024-08-15"));
    let s = stats::activity_totals(&reg, "sz", summer, None).unwrap();
    assert_eq!((s.events, s.participants_offline), (2, 10 + 160));
    assert!(
        stats::activity_totals(&reg, "sz", year, Some(ActivityKind::Training))
            .unwrap()
            .events
            == 0
    );
    assert_eq!(
        stats::activity_totals(&reg, "nowhere", year, None)
            .unwrap_err()
            .code(),
        ErrorCode::NotFound
    );
}

#[test]
fn designations_in_force_with_partial_dates() {
    let mut reg = shenzhen();
    let des = |id: &str, conferred: &str, revoked: Option<&str>| Command::RecordDesignation {
        designation: Designation {
            id: id.into(),
            org: "nanshan".into(),
            title: DesignationTitle::PracticeInnovationBase,
            name: "实践创新基地".into(),
            level: Level::District,
            issuer: "区委统战部".into(),
            batch: None,
            conferred: conferred.parse().unwrap(),
            revoked: revoked.map(|r| r.parse().unwrap()),
        },
    };
    reg.apply(&meta(), des("d1", "2017-08", None)).unwrap();
    reg.apply(&meta(), des("d2", "2015", Some("2017-08-10")))
        .unwrap();
    let on = |s: &str| {
        let mut v: Vec<(String, Certainty)> = stats::designations_in_force(&reg, "sz", d(s))
            .unwrap()
            .into_iter()
            .map(|(d, c)| (d.id.clone(), c))
            .collect();
        v.sort();
        v
    };
    assert_eq!(
        on("2017-08-05"),
        vec![
            ("d1".into(), Certainty::Possibly),
            ("d2".into(), Certainty::Certainly)
        ]
    );
    assert_eq!(on("2017-09-01"), vec![("d1".into(), Certainty::Certainly)]);
    assert_eq!(on("2014-06-01"), vec![]);
}

#[test]
fn coverage_of_shenzhen_districts() {
    let mut reg = shenzhen();
    let table = DivisionTable::bundled().unwrap();
    let sz = DivisionCode::parse("440300").unwrap();
    let cov = stats::coverage(
        &reg,
        &table,
        OrgKind::Zhilianhui,
        &sz,
        DivisionLevel::County,
        Some(Level::District),
        d("2024-06-01"),
    )
    .unwrap();
    // Shenzhen has 9 districts; futian and nanshan have district-level zhilianhui.
    assert_eq!(cov.rows.len(), 9);
    assert_eq!(cov.covered(), 2);
    assert!((cov.share() - 2.0 / 9.0).abs() < 1e-12);
    let covered: Vec<(&str, &str, &[String])> = cov
        .rows
        .iter()
        .filter(|r| r.covered)
        .map(|r| {
            (
                r.division_code.as_str(),
                r.name.as_str(),
                r.organizations.as_slice(),
            )
        })
        .collect();
    assert_eq!(
        covered,
        vec![
            ("440304", "福田区", &["futian".to_string()][..]),
            ("440305", "南山区", &["nanshan".to_string()][..])
        ]
    );
    assert_eq!(
        cov.uncovered().next().map(|r| r.name.as_str()),
        Some("罗湖区")
    );
    // Before nanshan existed, and counting any level (the street branch covers futian anyway).
    let early = stats::coverage(
        &reg,
        &table,
        OrgKind::Zhilianhui,
        &sz,
        DivisionLevel::County,
        None,
        d("2012-06-01"),
    )
    .unwrap();
    assert_eq!(early.covered(), 1);
    // A dissolved association no longer covers its district.
    reg.apply(
        &meta(),
        Command::Leave {
            member: MemberRef::Person("p2".into()),
            org: "nanshan".into(),
            date: d("2024-07-01"),
        },
    )
    .unwrap();
    reg.apply(
        &meta(),
        Command::DissolveOrganization {
            id: "nanshan".into(),
            date: d("2024-08-01"),
        },
    )
    .unwrap();
    let late = stats::coverage(
        &reg,
        &table,
        OrgKind::Zhilianhui,
        &sz,
        DivisionLevel::County,
        None,
        d("2024-08-01"),
    )
    .unwrap();
    assert_eq!(late.covered(), 1);
    // Township rows need the street table, which is not bundled.
    let err = stats::coverage(
        &reg,
        &table,
        OrgKind::Zhilianhui,
        &sz,
        DivisionLevel::Township,
        None,
        d("2024-08-01"),
    )
    .unwrap_err();
    assert_eq!(err.code(), ErrorCode::Division);
}

#[test]
fn coverage_does_not_list_padded_forms_of_higher_divisions() {
    // 金门县 (350527) has one placeholder township row, 350527000, whose code is the county's
    // own padded form: an organization given it is normalised to the county, so the row could
    // never be covered and is not listed. 厦门市思明区's townships are ordinary.
    let mut table = DivisionTable::bundled().unwrap();
    table
        .load_level_csv(
            "code,name,parent_code\n350527000,金门县,350527\n350203001,厦港街道,350203\n350203002,中华街道,350203\n",
        )
        .unwrap();
    let mut reg = Registry::new();
    for (id, code) in [("jinmen", "350527000"), ("xiagang", "350203001")] {
        add_org(
            &mut reg,
            org(
                id,
                OrgKind::Zhilianhui,
                Level::Subdistrict,
                code,
                "2015-01-01",
            ),
            None,
            Relation::Guidance,
        );
    }
    assert_eq!(reg.organization("jinmen").unwrap().division_code, "350527");
    let fujian = DivisionCode::parse("35").unwrap();
    let cov = stats::coverage(
        &reg,
        &table,
        OrgKind::Zhilianhui,
        &fujian,
        DivisionLevel::Township,
        None,
        d("2024-06-01"),
    )
    .unwrap();
    let rows: Vec<(&str, bool)> = cov
        .rows
        .iter()
        .map(|r| (r.division_code.as_str(), r.covered))
        .collect();
    assert_eq!(rows, vec![("350203001", true), ("350203002", false)]);
    // At county level the organization coded with the placeholder covers 金门县 itself.
    let counties = stats::coverage(
        &reg,
        &table,
        OrgKind::Zhilianhui,
        &DivisionCode::parse("3505").unwrap(),
        DivisionLevel::County,
        None,
        d("2024-06-01"),
    )
    .unwrap();
    let jinmen = counties
        .rows
        .iter()
        .find(|r| r.division_code == "350527")
        .unwrap();
    assert!(jinmen.covered);
    assert_eq!(jinmen.organizations, vec!["jinmen".to_string()]);
}

#[test]
fn coverage_follows_declared_functional_areas() {
    // 大鹏新区 acts as a district of 深圳市 under a code the host chose (not 4403xx): an
    // organization there covers it, found through the table's declared parent, both within
    // 深圳市 and within the whole country.
    let mut table = DivisionTable::bundled().unwrap();
    let dapeng = DivisionCode::parse("449901").unwrap();
    table
        .declare_functional_area(&dapeng, "大鹏新区", &DivisionCode::parse("4403").unwrap())
        .unwrap();
    let mut reg = Registry::new();
    for (id, code) in [
        ("dapeng", "449901"),
        ("futian", "440304"),
        ("elsewhere", "110101"),
    ] {
        add_org(
            &mut reg,
            org(id, OrgKind::Zhilianhui, Level::District, code, "2015-01-01"),
            None,
            Relation::Guidance,
        );
    }
    for within in ["4403", "00"] {
        let cov = stats::coverage(
            &reg,
            &table,
            OrgKind::Zhilianhui,
            &DivisionCode::parse(within).unwrap(),
            DivisionLevel::County,
            None,
            d("2024-06-01"),
        )
        .unwrap();
        let covered: Vec<(String, Vec<String>)> = cov
            .rows
            .iter()
            .filter(|r| r.covered)
            .map(|r| (r.division_code.clone(), r.organizations.clone()))
            .collect();
        let row = |code: &str, org: &str| (code.to_string(), vec![org.to_string()]);
        let mut expected = vec![row("440304", "futian"), row("449901", "dapeng")];
        if within == "00" {
            expected.insert(0, row("110101", "elsewhere"));
        }
        assert_eq!(covered, expected, "within {within}");
        assert!(cov
            .rows
            .iter()
            .any(|r| r.division_code == "449901" && r.name == "大鹏新区"));
    }
}

#[test]
fn designations_political_posts_and_tables() {
    let mut reg = shenzhen();
    for (id, org, level, when) in [
        ("d1", "nanshan", Level::District, "2016-09"),
        ("d2", "nanshan", Level::Municipal, "2017-08"),
        ("d3", "futian", Level::Municipal, "2017"),
        ("d4", "xlh", Level::Municipal, "2017-02"),
    ] {
        reg.apply(
            &meta(),
            Command::RecordDesignation {
                designation: Designation {
                    id: id.into(),
                    org: org.into(),
                    title: DesignationTitle::PilotUnit,
                    name: "试点".into(),
                    level,
                    issuer: "统战部".into(),
                    batch: None,
                    conferred: when.parse().unwrap(),
                    revoked: None,
                },
            },
        )
        .unwrap();
    }
    let counts: Vec<(Level, i32, u64)> = stats::designations_by_level_year(&reg, "sz")
        .unwrap()
        .into_iter()
        .map(|c| (c.level, c.year, c.count))
        .collect();
    assert_eq!(
        counts,
        vec![(Level::Municipal, 2017, 2), (Level::District, 2016, 1)]
    );

    // p1 (futian president) is a municipal CPPCC member and a district NPC deputy since 2021;
    // p2's post ended in 2020.
    let mut p1 = reg.person("p1").unwrap().clone();
    let post = |body, level, from: &str, to: Option<&str>| PoliticalPost {
        body,
        level,
        term: None,
        from: Some(from.parse().unwrap()),
        to: to.map(|t| t.parse().unwrap()),
    };
    p1.political_posts = vec![
        post(PoliticalBody::Cppcc, Level::Municipal, "2021-01", None),
        post(PoliticalBody::Npc, Level::District, "2021", None),
    ];
    reg.apply(&meta(), Command::UpdatePerson { person: p1 })
        .unwrap();
    let mut p2 = reg.person("p2").unwrap().clone();
    p2.political_posts = vec![post(
        PoliticalBody::Npc,
        Level::District,
        "2016",
        Some("2020"),
    )];
    reg.apply(&meta(), Command::UpdatePerson { person: p2 })
        .unwrap();
    let pa = stats::political_arrangements(&reg, "sz", d("2024-06-01")).unwrap();
    assert_eq!((pa.persons, pa.npc, pa.cppcc), (1, 1, 1));
    assert_eq!(pa.by_level[Level::Municipal.index()], 1);
    let early = stats::political_arrangements(&reg, "sz", d("2019-06-01")).unwrap();
    assert_eq!((early.persons, early.npc, early.cppcc), (1, 1, 0));

    // Tables: stable columns, CSV quoting, suppression marker.
    let r = stats::rollup(&reg, d("2024-06-01"), Some(stats::Dimension::Sex));
    let t = stats::Table::from(&r);
    assert_eq!(
        t.columns,
        [
            "org_id",
            "total",
            "male",
            "female",
            "unknown",
            "enterprises"
        ]
    );
    let csv = t.to_csv();
    assert!(
        csv.starts_with("org_id,total,male,female,unknown,enterprises\nsz,2,0,2,0,0\n"),
        "{csv}"
    );
    let published = stats::suppress(&reg, &r, 3);
    let pt = stats::Table::from(&published);
    assert_eq!(pt.rows[0], ["sz", "*", "0", "*", "0", "0"]);
    let table = DivisionTable::bundled().unwrap();
    let cov = stats::coverage(
        &reg,
        &table,
        OrgKind::Zhilianhui,
        &DivisionCode::parse("4403").unwrap(),
        DivisionLevel::County,
        None,
        d("2024-06-01"),
    )
    .unwrap();
    let ct = stats::Table::from(&cov).to_csv();
    assert!(
        ct.contains("440304,福田区,true,futian;futian-street\n"),
        "{ct}"
    );
}

/// Coverage by its definition, slowly: the table's divisions of `level` inside `within` (by
/// their lineage), padded forms of higher divisions excepted, each with the qualifying
/// organizations whose code is the division or lies under it.
fn coverage_by_definition(
    reg: &Registry,
    table: &DivisionTable,
    within: &DivisionCode,
    level: DivisionLevel,
    org_level: Option<Level>,
    day: chrono::NaiveDate,
) -> Vec<(String, Vec<String>)> {
    let lineage = |c: &DivisionCode| -> Vec<DivisionCode> {
        std::iter::once(c.clone())
            .chain(table.ancestors(c).into_iter().map(|e| e.code.clone()))
            .collect()
    };
    let mut rows: Vec<(String, Vec<String>)> = table
        .iter()
        .filter(|e| e.level == level)
        .filter(|e| within.is_national() || lineage(&e.code).contains(within))
        .filter(|e| DivisionCode::parse(e.code.as_str()).is_ok_and(|c| c == e.code))
        .map(|e| (e.code.as_str().to_string(), Vec::new()))
        .collect();
    rows.sort();
    for o in reg.organizations() {
        if o.kind != OrgKind::Zhilianhui
            || !o.active_on(day)
            || org_level.is_some_and(|l| o.level != l)
        {
            continue;
        }
        let Ok(code) = DivisionCode::parse(&o.division_code) else {
            continue;
        };
        let row = lineage(&code)
            .iter()
            .find_map(|c| rows.iter().position(|(r, _)| r == c.as_str()));
        if let Some(i) = row {
            rows[i].1.push(o.id.clone());
        }
    }
    rows
}

/// Coverage of several areas at once (nested, repeated, the whole country, with and without a
/// declared functional area) is, area by area, the coverage of each alone.
#[test]
fn coverage_of_several_areas_equals_each_alone() {
    let bundled = DivisionTable::bundled().unwrap();
    let mut functional = bundled.clone();
    functional
        .declare_functional_area(
            &DivisionCode::parse("449901").unwrap(),
            "大鹏新区",
            &DivisionCode::parse("4403").unwrap(),
        )
        .unwrap();
    // Organizations coded at every 7th division of the table, of two kinds and levels, some
    // dissolved before the day, and a few with codes outside the table or functional.
    let mut codes: Vec<String> = bundled
        .iter()
        .map(|e| e.code.as_str().to_string())
        .step_by(7)
        .collect();
    codes.extend(["449901", "440304", "4403", "44", "999999", "350527"].map(String::from));
    let mut reg = Registry::new();
    for (i, code) in codes.iter().enumerate() {
        let kind = if i % 3 == 0 {
            OrgKind::Xinlianhui
        } else {
            OrgKind::Zhilianhui
        };
        let level = if i % 2 == 0 {
            Level::District
        } else {
            Level::Subdistrict
        };
        let mut o = org(&format!("o{i}"), kind, level, code, "2015-01-01");
        if i % 11 == 0 {
            o.dissolved = Some(d("2020-01-01"));
        }
        add_org(&mut reg, o, None, Relation::Guidance);
    }
    // A few areas (compared one by one) and many (found by hashing the codes' prefixes).
    let few: Vec<DivisionCode> = ["44", "4403", "440304", "35", "11", "00", "44", "3505"]
        .iter()
        .map(|c| DivisionCode::parse(c).unwrap())
        .collect();
    let provinces = bundled
        .iter()
        .filter(|e| e.level == DivisionLevel::Province)
        .map(|e| e.code.clone());
    let many: Vec<DivisionCode> = few.iter().cloned().chain(provinces).collect();
    assert!(many.len() > 30);
    let mut compared = 0;
    for (table, areas) in [
        (&bundled, &few),
        (&functional, &few),
        (&bundled, &many),
        (&functional, &many),
    ] {
        for level in [
            DivisionLevel::Province,
            DivisionLevel::City,
            DivisionLevel::County,
        ] {
            for org_level in [None, Some(Level::District)] {
                let all = stats::coverage_areas(
                    &reg,
                    table,
                    OrgKind::Zhilianhui,
                    areas,
                    level,
                    org_level,
                    d("2024-06-01"),
                )
                .unwrap();
                assert_eq!(all.len(), areas.len());
                for (area, cov) in areas.iter().zip(&all) {
                    let alone = stats::coverage(
                        &reg,
                        table,
                        OrgKind::Zhilianhui,
                        area,
                        level,
                        org_level,
                        d("2024-06-01"),
                    )
                    .unwrap();
                    assert_eq!(cov, &alone, "{area:?} {level:?} {org_level:?}");
                    // The country asked at province level lists one row, `00` itself (its code
                    // reports the province level), not the provinces: left as it was.
                    if area.is_national() && level == DivisionLevel::Province {
                        assert_eq!(cov.rows.len(), 1);
                        continue;
                    }
                    let rows: Vec<(String, Vec<String>)> = cov
                        .rows
                        .iter()
                        .map(|r| (r.division_code.clone(), r.organizations.clone()))
                        .collect();
                    assert_eq!(
                        rows,
                        coverage_by_definition(
                            &reg,
                            table,
                            area,
                            level,
                            org_level,
                            d("2024-06-01")
                        ),
                        "{area:?} {level:?} {org_level:?}"
                    );
                    assert!(cov
                        .rows
                        .iter()
                        .all(|r| r.covered != r.organizations.is_empty()));
                    compared += cov.covered();
                }
            }
        }
    }
    assert!(compared > 100, "{compared} covered rows compared");
}
