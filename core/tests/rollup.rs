//! Rollups and the subtree membership check against brute force on random registries.
#![allow(clippy::needless_range_loop)] // the attacker indexes rows and columns of a table

mod common;
use common::*;
use proptest::prelude::*;
use std::collections::BTreeSet;
use tongxin::prelude::*;
use tongxin::stats::{self, age_on, Dimension, OrgDimension, AGE_BANDS};

/// The column a membership counts under, computed directly from the records.
fn column(reg: &Registry, dim: Dimension, m: &Membership, on: chrono::NaiveDate) -> String {
    let p = reg.person(m.member.id()).expect("person");
    let o = reg.organization(&m.org).expect("org");
    match dim {
        Dimension::Party => p.party.to_string(),
        Dimension::Title => p.title.to_string(),
        Dimension::Stratum => p.stratum.to_string(),
        Dimension::Sex => p.sex.map_or("unknown".into(), |s| s.to_string()),
        Dimension::Age => {
            let band = match p.birth.and_then(|b| age_on(b, on)) {
                None => 5,
                Some(a) if a < 30 => 0,
                Some(a) if a >= 60 => 4,
                Some(a) => (a as usize - 30) / 10 + 1,
            };
            AGE_BANDS[band].to_string()
        }
        Dimension::Ethnicity => p.ethnicity.clone().unwrap_or_else(|| "unknown".into()),
        Dimension::Role => m.role.to_string(),
        Dimension::Level => o.level.to_string(),
        Dimension::Kind => o.kind.to_string(),
    }
}

fn check(reg: &Registry) {
    // The incremental series gives exactly the rollup of each point.
    let points: Vec<chrono::NaiveDate> = (0..42).step_by(2).map(day).collect();
    for dim in [
        None,
        Some(Dimension::Party),
        Some(Dimension::Role),
        Some(Dimension::Age),
    ] {
        let series = stats::rollup_series(reg, &points, dim);
        assert_eq!(series.len(), points.len());
        for (p, r) in points.iter().zip(&series) {
            assert_eq!(
                r,
                &stats::rollup(reg, *p, dim),
                "series point {p} by {dim:?}"
            );
        }
    }
    for k in (0..42).step_by(7) {
        attack(reg, day(k));
    }
    let memberships: Vec<Membership> = reg.memberships().collect();
    for k in (0..42).step_by(5) {
        let on = day(k);
        let plain = stats::rollup(reg, on, None);
        let live: Vec<&str> = reg
            .organizations()
            .filter(|o| o.active_on(on))
            .map(|o| o.id.as_str())
            .collect();
        assert_eq!(plain.rows.len(), live.len());
        for dim in Dimension::ALL {
            let r = stats::rollup(reg, on, Some(*dim));
            for row in &r.rows {
                let sub = brute_subtree(reg, &row.org_id, on);
                let active: Vec<&Membership> = memberships
                    .iter()
                    .filter(|m| m.active_on(on) && sub.contains(&m.org))
                    .collect();
                let persons: BTreeSet<&str> = active.iter().map(|m| m.member.id()).collect();
                assert_eq!(
                    row.total,
                    persons.len() as u64,
                    "total of {} on {on}",
                    row.org_id
                );
                assert_eq!(plain.row(&row.org_id).map(|r| r.total), Some(row.total));
                for (c, name) in r.columns.iter().enumerate() {
                    let distinct: BTreeSet<&str> = active
                        .iter()
                        .filter(|m| &column(reg, *dim, m, on) == name)
                        .map(|m| m.member.id())
                        .collect();
                    assert_eq!(
                        row.counts[c],
                        distinct.len() as u64,
                        "{dim:?}={name} of {} on {on}",
                        row.org_id
                    );
                }
            }
        }
        for dim in [
            OrgDimension::Kind,
            OrgDimension::Level,
            OrgDimension::Carrier,
        ] {
            let r = stats::org_rollup(reg, on, dim);
            for row in &r.rows {
                let sub = brute_subtree(reg, &row.org_id, on);
                assert_eq!(row.total, sub.len() as u64);
                assert_eq!(row.counts.iter().sum::<u64>(), sub.len() as u64);
            }
        }
        for root in reg.organizations() {
            let sub = brute_subtree(reg, &root.id, on);
            for i in 0..PERSONS {
                let who = MemberRef::Person(format!("p{i}"));
                let expected = memberships
                    .iter()
                    .any(|m| m.member == who && m.active_on(on) && sub.contains(&m.org));
                assert_eq!(
                    reg.is_member_within(&who, &root.id, on).unwrap(),
                    expected,
                    "p{i} under {} on {on}",
                    root.id
                );
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn rollups_equal_brute_force(setup in arb_setup(), commands in proptest::collection::vec(arb_command(), 1..60)) {
        let mut reg = Registry::new();
        for c in setup.into_iter().chain(commands) {
            let _ = reg.apply(&meta(), c);
        }
        check(&reg);
    }
}

#[test]
fn rollup_counts_a_person_once_per_subtree() {
    let mut reg = shenzhen();
    // p2 is in nanshan and futian-street; p1 presides futian. Enterprise e1 in a chamber.
    let on = d("2024-06-01");
    reg.apply(
        &meta(),
        Command::Join {
            membership: membership("p1", "sz", Role::VicePresident, "2021-01-01"),
        },
    )
    .unwrap();
    let r = stats::rollup(&reg, on, Some(Dimension::Role));
    let total = |id: &str| r.row(id).unwrap().total;
    assert_eq!(
        (
            total("sz"),
            total("futian"),
            total("futian-street"),
            total("nanshan"),
            total("xlh")
        ),
        (2, 2, 1, 1, 0)
    );
    assert_eq!(r.count("sz", "president"), Some(1));
    assert_eq!(r.count("sz", "vice_president"), Some(1));
    assert_eq!(r.count("sz", "member"), Some(1));
    assert_eq!(r.count("futian", "member"), Some(1));
    assert!(stats::rollup(&reg, d("2009-01-01"), None).rows.is_empty());
    let kinds = stats::org_rollup(&reg, on, OrgDimension::Kind);
    assert_eq!(
        kinds
            .rows
            .iter()
            .find(|x| x.org_id == "sz")
            .map(|x| x.total),
        Some(4)
    );
}

#[test]
fn growth_counts_journal_events_not_record_boundaries() {
    let mut reg = shenzhen();
    let apply = |reg: &mut Registry, c: Command| reg.apply(&meta(), c).unwrap();
    let leave = |who: &str, org: &str, date: &str| Command::Leave {
        member: MemberRef::Person(who.into()),
        org: org.into(),
        date: d(date),
    };
    // 2024: p1 changes role in futian (not a join or leave), p3 joins nanshan, leaves, returns;
    // p2 leaves nanshan; a past membership with a recorded end; nanshan dissolves on 2025-03-01
    // closing p3's second membership.
    apply(
        &mut reg,
        Command::ChangeRole {
            member: MemberRef::Person("p1".into()),
            org: "futian".into(),
            role: Role::Council,
            date: d("2024-03-01"),
        },
    );
    apply(
        &mut reg,
        Command::Join {
            membership: membership("p3", "nanshan", Role::Member, "2024-02-01"),
        },
    );
    apply(&mut reg, leave("p3", "nanshan", "2024-04-01"));
    apply(
        &mut reg,
        Command::Join {
            membership: membership("p3", "nanshan", Role::Member, "2024-06-01"),
        },
    );
    apply(&mut reg, leave("p2", "nanshan", "2024-07-01"));
    let mut past = membership("p1", "nanshan", Role::Member, "2015-01-01");
    past.end = Some(d("2016-01-01"));
    apply(&mut reg, Command::Join { membership: past });
    apply(
        &mut reg,
        Command::DissolveOrganization {
            id: "nanshan".into(),
            date: d("2025-03-01"),
        },
    );
    let periods = [
        stats::Period::new(d("2015-01-01"), d("2016-12-31")),
        stats::Period::new(d("2024-01-01"), d("2024-12-31")),
        stats::Period::new(d("2025-01-01"), d("2025-12-31")),
    ];
    let g = stats::growth(&reg, "sz", &periods).unwrap();
    let triple = |r: &stats::GrowthRow| (r.joins, r.leaves, r.net, r.returning);
    assert_eq!(triple(&g[0]), (1, 1, 0, 0));
    // 2024: joins p3 (x2; the second is returning) and p2's street-branch join (2024-05-07);
    // leaves p3 (04-01) and p2 (07-01). The role change counts as neither.
    assert_eq!(triple(&g[1]), (3, 2, 1, 1));
    assert_eq!(triple(&g[2]), (0, 1, -1, 0));
    // Only futian's subtree: the street branch join in 2024, nothing else.
    let f = stats::growth(&reg, "futian", &periods).unwrap();
    assert_eq!(triple(&f[1]), (1, 0, 1, 0));
    assert_eq!(
        stats::growth(&reg, "nowhere", &periods).unwrap_err().code(),
        ErrorCode::NotFound
    );
}

/// An attacker who knows the rows add up (party is one per person) and that a parent may be the
/// sum of its children, and who subtracts visible cells from totals until nothing more comes out.
fn attack(reg: &Registry, on: chrono::NaiveDate) {
    let truth = stats::rollup(reg, on, Some(Dimension::Party));
    for k in [2, 3, 5] {
        let published = stats::suppress(reg, &truth, k);
        let width = 2 + truth.columns.len();
        let value = |r: usize, c: usize| match c {
            0 => truth.rows[r].total,
            1 => truth.rows[r].enterprises,
            c => truth.rows[r].counts[c - 2],
        };
        let mut known: Vec<Vec<Option<u64>>> = published
            .rows
            .iter()
            .map(|r| {
                [r.total, r.enterprises]
                    .into_iter()
                    .chain(r.counts.iter().copied())
                    .collect()
            })
            .collect();
        for (r, row) in known.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let v = value(r, c);
                assert!(
                    !(v > 0 && v < k) || cell.is_none(),
                    "small cell {v} shown (k={k})"
                );
                assert!(cell.is_none_or(|x| x == v), "published value differs");
            }
        }
        let hidden_before = known.iter().flatten().filter(|c| c.is_none()).count();
        let rows: Vec<&str> = truth.rows.iter().map(|r| r.org_id.as_str()).collect();
        let mut recovered = 0;
        loop {
            let mut progress = false;
            // Row equations: total = sum of the party cells.
            for r in 0..known.len() {
                let cells: Vec<usize> = std::iter::once(0).chain(2..width).collect();
                let unknown: Vec<usize> = cells
                    .iter()
                    .copied()
                    .filter(|&c| known[r][c].is_none())
                    .collect();
                if unknown.len() == 1 {
                    known[r][unknown[0]] = Some(value(r, unknown[0]));
                    recovered += 1;
                    progress = true;
                }
            }
            // Parent = sum of children, where that holds.
            for (r, id) in rows.iter().enumerate() {
                let kids: Vec<usize> = reg
                    .children(id, on)
                    .unwrap()
                    .iter()
                    .filter_map(|c| rows.iter().position(|x| x == c))
                    .collect();
                if kids.is_empty() {
                    continue;
                }
                for c in 0..width {
                    if kids.iter().map(|&x| value(x, c)).sum::<u64>() != value(r, c) {
                        continue;
                    }
                    let mut unknown: Vec<usize> = kids
                        .iter()
                        .copied()
                        .filter(|&x| known[x][c].is_none())
                        .collect();
                    if known[r][c].is_none() {
                        unknown.push(r);
                    }
                    if unknown.len() == 1 {
                        known[unknown[0]][c] = Some(value(unknown[0], c));
                        recovered += 1;
                        progress = true;
                    }
                }
            }
            if !progress {
                break;
            }
        }
        assert_eq!(
            recovered, 0,
            "attacker recovered {recovered} of {hidden_before} hidden cells (k={k}) on {on}"
        );
    }
}
