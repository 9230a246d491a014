//! Rollups and the subtree membership check against brute force on random registries.

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
