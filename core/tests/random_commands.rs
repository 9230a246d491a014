//! Random command sequences, checked after every command against brute force computed from the
//! public records only (parent histories, lifetimes, memberships), never from the pre-order index.

mod common;
use chrono::NaiveDate;
use common::*;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use tongxin::prelude::*;

/// The tree of `day` as (org -> parent, relation), from the registry's own forest.
fn tree_shape(reg: &Registry, on: NaiveDate) -> BTreeMap<String, Option<(String, Relation)>> {
    let f = reg.tree_at(on);
    f.order()
        .iter()
        .map(|&i| {
            let id = reg.organization_at(i).unwrap().id.clone();
            let parent = f
                .parent(i)
                .map(|(p, r)| (reg.organization_at(p).unwrap().id.clone(), r));
            (id, parent)
        })
        .collect()
}

fn check_invariants(reg: &Registry) {
    let days: Vec<NaiveDate> = (0..42).step_by(3).map(day).collect();
    for &on in &days {
        for o in reg.organizations() {
            let sub: BTreeSet<String> = reg
                .subtree(&o.id, on)
                .unwrap()
                .into_iter()
                .map(String::from)
                .collect();
            let expected = if alive(reg, &o.id, on) {
                brute_subtree(reg, &o.id, on)
            } else {
                BTreeSet::new()
            };
            assert_eq!(sub, expected, "subtree of {} on {on}", o.id);
            // Pre-order ranges of the day's forest are the same sets.
            if let Some(i) = reg.org_index(&o.id) {
                let f = reg.tree_at(on);
                let from_range: BTreeSet<String> = f
                    .subtree(i)
                    .iter()
                    .map(|&x| reg.organization_at(x).unwrap().id.clone())
                    .collect();
                assert_eq!(from_range, expected, "forest range of {} on {on}", o.id);
            }
            // The chain-walking membership test agrees with brute force for every pair.
            for other in reg.organizations() {
                assert_eq!(
                    reg.is_within(&other.id, &o.id, on),
                    expected.contains(&other.id),
                    "{} within {} on {on}",
                    other.id,
                    o.id
                );
            }
            // A live child's parent is alive (existence is inherited down the tree).
            if alive(reg, &o.id, on) {
                if let Some(p) = parent_on(reg, &o.id, on) {
                    assert!(alive(reg, &p, on), "{} alive under dead {p} on {on}", o.id);
                }
            }
        }
    }
    // The latest forest covers every organization and its ranges match the latest links.
    let latest = reg.latest_tree();
    for o in reg.organizations() {
        let i = reg.org_index(&o.id).unwrap();
        let links = reg.parent_history(&o.id).unwrap();
        let last = links.last().unwrap();
        assert_eq!(
            latest
                .parent(i)
                .map(|(p, _)| reg.organization_at(p).unwrap().id.clone()),
            last.parent
        );
        // Histories are contiguous and start at founding.
        assert_eq!(links[0].from, o.founded);
        for w in links.windows(2) {
            assert_eq!(w[0].to, Some(w[1].from));
        }
    }
    // No dangling references; memberships inside lifetimes; no overlaps; one president.
    let memberships: Vec<Membership> = reg.memberships().collect();
    for m in &memberships {
        let o = reg.organization(&m.org).expect("membership org exists");
        assert!(reg.person(m.member.id()).is_some());
        assert!(o.active_on(m.start), "membership starts outside {}", o.id);
        if let Some(dis) = o.dissolved {
            assert!(m.end.is_some_and(|e| e <= dis));
        }
    }
    for (i, a) in memberships.iter().enumerate() {
        for b in &memberships[i + 1..] {
            if a.org == b.org && overlaps(a.start, a.end, b.start, b.end) {
                assert_ne!(a.member, b.member, "overlapping memberships {a:?} {b:?}");
                assert!(
                    !(a.role == Role::President && b.role == Role::President),
                    "two presidents {a:?} {b:?}"
                );
            }
        }
    }
    // Snapshot round trip and journal replay.
    let json = reg.to_json();
    let back = Registry::from_json(&json).expect("snapshot loads");
    assert_eq!(&back, reg);
    assert_eq!(back.to_json(), json);
    assert_eq!(
        &Registry::replay(reg.journal()).expect("journal replays"),
        reg
    );
    // The tree of a past day equals the one rebuilt from the journal up to that day: the
    // structural events dated on or before it, when they form a prefix of the journal's
    // structural events (history entered in date order; out of order, "the journal up to that
    // day" is not a prefix and may not replay on its own).
    let structural: Vec<Event> = reg
        .journal()
        .iter()
        .filter(|e| effective(&e.command).is_some())
        .collect();
    for &on in &days {
        let k = structural
            .iter()
            .take_while(|e| effective(&e.command).is_some_and(|t| t <= on))
            .count();
        if structural[k..]
            .iter()
            .any(|e| effective(&e.command).is_some_and(|t| t <= on))
        {
            continue;
        }
        let partial = Registry::replay(&structural[..k]).expect("prefix of the journal replays");
        assert_eq!(
            tree_shape(&partial, on),
            tree_shape(reg, on),
            "tree on {on}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]
    #[test]
    fn random_command_sequences_keep_every_invariant(
        setup in arb_setup(),
        mut commands in proptest::collection::vec(arb_command(), 1..40),
        chronological in any::<bool>(),
    ) {
        if chronological {
            commands.sort_by_key(|c| effective(c).unwrap_or(NaiveDate::MIN));
        }
        let mut reg = Registry::new();
        let mut accepted = Vec::new();
        for c in setup.into_iter().chain(commands) {
            let before = reg.to_json();
            let book = reg.rule_book().is_some();
            match reg.apply(&meta(), c.clone()) {
                Ok(ev) => {
                    accepted.push(ev.clone());
                    // Only joins under a book carry warnings, and only failed warn rules.
                    let is_join = matches!(c, Command::Join { .. });
                    prop_assert!(ev.warnings.is_empty() || (book && is_join), "warnings on {:?}", c);
                    prop_assert!(ev.warnings.iter().all(|w| !w.passed && w.severity == tongxin::rules::Severity::Warn));
                    prop_assert_eq!(ev.command, c);
                }
                Err(e) => {
                    prop_assert!(book || e.code() != ErrorCode::RuleViolation);
                    prop_assert_eq!(&before, &reg.to_json(), "rejected command changed the registry");
                }
            }
            check_invariants(&reg);
        }
        // The journal, kept compactly, reads back as exactly the events `apply` returned (which
        // it builds from the command given): joins whose records later ended or changed role,
        // persons later updated, persons whose resident ID the registry normalised.
        let journal = reg.journal();
        prop_assert_eq!(journal.len(), accepted.len());
        prop_assert_eq!(journal.to_vec(), accepted.clone());
        prop_assert!(journal.iter().rev().eq(accepted.iter().rev().cloned()));
        prop_assert_eq!(journal.get(accepted.len()), None);
    }
}
