//! The tamper-evident journal: the hash chain over a journal of a few hundred random commands,
//! every kind of tampering found at exactly the right event, snapshots of version 2 (chained)
//! and version 1 (no hashes).

mod common;
use common::*;
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestRng, TestRunner};
use serde_json::Value;
use tongxin::journal::{self, verify_journal, ChainedEvent, JournalTamper, TamperKind, GENESIS};
use tongxin::prelude::*;
use tongxin::snapshot::Snapshot;

/// A registry from a fixed random sequence of commands (rejected ones dropped) whose journal
/// has a few hundred events.
fn random_registry() -> Registry {
    let mut runner = TestRunner::new_with_rng(
        Config::default(),
        TestRng::from_seed(RngAlgorithm::ChaCha, &[7; 32]),
    );
    let setup = arb_setup().new_tree(&mut runner).unwrap().current();
    let commands = proptest::collection::vec(arb_command(), 3000)
        .new_tree(&mut runner)
        .unwrap()
        .current();
    let mut reg = Registry::new();
    for (i, c) in setup.into_iter().chain(commands).enumerate() {
        let m = Meta {
            at: d("2024-01-01").and_hms_opt(8, 0, 0).unwrap() + chrono::Duration::minutes(i as i64),
            actor: format!("clerk-{}", i % 5),
        };
        let _ = reg.apply(&m, c);
    }
    assert!(
        reg.journal().len() >= 200,
        "only {} events",
        reg.journal().len()
    );
    reg
}

fn chained(reg: &Registry) -> (Vec<ChainedEvent>, String) {
    let (events, head) = reg.chained_journal();
    assert_eq!(head, reg.journal_head());
    (events, head)
}

fn tamper(events: &[ChainedEvent], head: &str) -> JournalTamper {
    verify_journal(events, Some(head)).expect_err("tampering goes unnoticed")
}

fn found(t: &JournalTamper) -> (u64, TamperKind) {
    (t.seq, t.kind)
}

/// Changes an event's content (its actor).
fn edit(events: &mut [ChainedEvent], seq: u64) {
    events[seq as usize - 1].event.actor.push_str(" (edited)");
}

#[test]
fn an_intact_journal_verifies_to_its_head() {
    let reg = random_registry();
    let (events, head) = chained(&reg);
    assert_eq!(verify_journal(&events, Some(&head)).unwrap(), head);
    assert_eq!(verify_journal(&events, None).unwrap(), head);
    assert_eq!(
        verify_journal(&events, Some(&head.to_uppercase())).unwrap(),
        head
    );
    // The chain is what `chain` and `head` compute, hex lowercase, starting from genesis.
    let plain = reg.journal();
    let prevs = journal::chain(plain);
    assert_eq!(prevs.len(), plain.len());
    assert_eq!(prevs[0], GENESIS);
    assert!(events.iter().zip(&prevs).all(|(e, p)| &e.prev == p));
    assert_eq!(journal::head(plain), head);
    assert!(head
        .chars()
        .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c)));
    // Each hash is SHA-256(prev || the event's compact JSON, as everywhere else).
    let e2 = &plain.get(1).unwrap();
    let h1 = journal::from_hex(&prevs[1]).unwrap();
    assert_eq!(
        journal::to_hex(&journal::event_hash(&h1, e2)),
        prevs[2],
        "hash of event 2"
    );
    // The empty journal's head is genesis.
    assert_eq!(Registry::new().journal_head(), GENESIS);
    assert_eq!(verify_journal(&[], Some(GENESIS)).unwrap(), GENESIS);
    // Events read back from JSON (as a client gets them) verify the same.
    let text = serde_json::to_string(&events).unwrap();
    let back: Vec<ChainedEvent> = serde_json::from_str(&text).unwrap();
    assert_eq!(back, events);
    assert_eq!(verify_journal(&back, Some(&head)).unwrap(), head);
    // Applying another command moves the head.
    let mut more = reg.clone();
    more.apply(
        &meta(),
        Command::AddPerson {
            person: person("late", Party::NonParty, Title::None),
        },
    )
    .unwrap();
    assert_ne!(more.journal_head(), head);
    assert_eq!(chained(&more).0[events.len()].prev, head);
}

#[test]
fn each_kind_of_tampering_is_found_at_its_event() {
    let reg = random_registry();
    let (events, head) = chained(&reg);
    let n = events.len() as u64;
    for k in [1, 2, 57, n / 2, n - 1] {
        // (a) a field of event k edited: event k+1's `prev` no longer matches.
        let mut t = events.clone();
        edit(&mut t, k);
        let err = tamper(&t, &head);
        assert_eq!(found(&err), (k, TamperKind::Altered), "{err}");
        assert!(
            err.to_string().contains(&format!("event {k} (altered)")),
            "{err}"
        );
        // Without an expected head as well: the chain alone shows it.
        assert_eq!(
            found(&verify_journal(&t, None).unwrap_err()),
            (k, TamperKind::Altered)
        );

        // (b) an event inserted after event k, claiming seq k (a repeated seq).
        let mut t = events.clone();
        let mut forged = t[k as usize - 1].clone();
        forged.event.actor = "intruder".into();
        t.insert(k as usize, forged);
        assert_eq!(found(&tamper(&t, &head)), (k, TamperKind::Inserted));
        // … or before event k, with a correct `prev`, and the later seqs renumbered.
        let mut t = events.clone();
        let mut forged = t[k as usize - 1].clone();
        forged.event.actor = "intruder".into();
        t.insert(k as usize - 1, forged);
        for e in &mut t[k as usize..] {
            e.event.seq += 1;
        }
        assert_eq!(found(&tamper(&t, &head)), (k, TamperKind::Inserted));

        // (c) event k removed.
        let mut t = events.clone();
        t.remove(k as usize - 1);
        let err = tamper(&t, &head);
        assert_eq!(found(&err), (k, TamperKind::Removed), "{err}");
        assert!(
            err.to_string()
                .contains(&format!("event {} follows", k + 1)),
            "{err}"
        );

        // (e) events k and k+1 swapped, and events k and k+5 (when there is one).
        let mut t = events.clone();
        t.swap(k as usize - 1, k as usize);
        let err = tamper(&t, &head);
        assert_eq!(found(&err), (k + 1, TamperKind::Reordered), "{err}");
        if k + 5 <= n {
            let mut t = events.clone();
            t.swap(k as usize - 1, k as usize + 4);
            assert_eq!(found(&tamper(&t, &head)), (k + 5, TamperKind::Reordered));
        }
    }
    // Several events removed at once: the first missing one is named.
    let mut t = events.clone();
    t.drain(9..12);
    let err = tamper(&t, &head);
    assert_eq!(found(&err), (10, TamperKind::Removed));
    assert!(
        err.to_string().contains("events 10 to 12 are missing"),
        "{err}"
    );
    // Event 1's own `prev` edited.
    let mut t = events.clone();
    t[0].prev = "1".repeat(64);
    assert_eq!(found(&tamper(&t, &head)), (1, TamperKind::Altered));
    // A `prev` edited in the middle blames the event it should link to.
    let mut t = events.clone();
    t[30].prev = "not a hash".into();
    assert_eq!(found(&tamper(&t, &head)), (30, TamperKind::Altered));
    // A seq edited: event 40 claims to be 41, or 38.
    let mut t = events.clone();
    t[39].event.seq = 41;
    assert_eq!(found(&tamper(&t, &head)), (40, TamperKind::Altered));
    let mut t = events.clone();
    t[39].event.seq = 38;
    assert_eq!(found(&tamper(&t, &head)), (38, TamperKind::Inserted));
    // The last event edited: only the head shows it.
    let mut t = events.clone();
    edit(&mut t, n);
    assert_eq!(found(&tamper(&t, &head)), (n, TamperKind::HeadMismatch));
    assert!(verify_journal(&t, None).is_ok());
    // (d) the last event removed: the head no longer matches.
    let mut t = events.clone();
    t.pop();
    let err = tamper(&t, &head);
    assert_eq!(found(&err), (n - 1, TamperKind::HeadMismatch), "{err}");
    assert!(err.to_string().contains("(head_mismatch)"), "{err}");
    // (f) the head edited.
    let other = journal::to_hex(&[0xab; 32]);
    assert_eq!(
        found(&tamper(&events, &other)),
        (n, TamperKind::HeadMismatch)
    );
    // Events appended after the expected head: the first appended one is named.
    let older = journal::head(reg.journal().iter().take(n as usize - 3));
    let err = tamper(&events, &older);
    assert_eq!(found(&err), (n - 2, TamperKind::Inserted), "{err}");
    assert_eq!(found(&tamper(&events, GENESIS)), (1, TamperKind::Inserted));
    // Event k removed and the later seqs renumbered: indistinguishable from event k-1 altered
    // (the removed event's hash is known to no one), and found there.
    let mut t = events.clone();
    t.remove(99);
    for e in &mut t[99..] {
        e.event.seq -= 1;
    }
    assert_eq!(found(&tamper(&t, &head)), (99, TamperKind::Altered));
}

#[derive(Debug, Clone, Copy)]
enum Tamper {
    Edit,
    InsertCopy,
    Remove,
    SwapWithNext,
}

fn arb_tamper() -> impl Strategy<Value = Tamper> {
    prop_oneof![
        Just(Tamper::Edit),
        Just(Tamper::InsertCopy),
        Just(Tamper::Remove),
        Just(Tamper::SwapWithNext),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn any_tampering_is_found_at_the_right_event(k in 1u64..10_000, what in arb_tamper()) {
        thread_local! {
            static JOURNAL: (Vec<ChainedEvent>, String) = chained(&random_registry());
        }
        let (events, head) = JOURNAL.with(|j| j.clone());
        let n = events.len() as u64;
        let k = 1 + k % n;
        let i = k as usize - 1;
        let mut t = events.clone();
        let expected = match what {
            Tamper::Edit => {
                edit(&mut t, k);
                if k == n { (n, TamperKind::HeadMismatch) } else { (k, TamperKind::Altered) }
            }
            Tamper::InsertCopy => {
                t.insert(k as usize, t[i].clone());
                (k, TamperKind::Inserted)
            }
            Tamper::Remove => {
                t.remove(i);
                if k == n { (n - 1, TamperKind::HeadMismatch) } else { (k, TamperKind::Removed) }
            }
            Tamper::SwapWithNext => {
                if k == n {
                    t.swap(i - 1, i);
                    (n, TamperKind::Reordered)
                } else {
                    t.swap(i, i + 1);
                    (k + 1, TamperKind::Reordered)
                }
            }
        };
        let err = verify_journal(&t, Some(&head)).unwrap_err();
        prop_assert_eq!(found(&err), expected, "{:?} at {}: {}", what, k, err);
    }
}

/// Rewrites a snapshot's JSON.
fn edit_json(text: &str, f: impl FnOnce(&mut Value)) -> String {
    let mut v: Value = serde_json::from_str(text).unwrap();
    f(&mut v);
    serde_json::to_string_pretty(&v).unwrap()
}

#[test]
fn snapshots_of_version_2_carry_the_chain() {
    let reg = random_registry();
    let json = reg.to_json();
    let v: Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["schema_version"], 2);
    let head = reg.journal_head();
    assert_eq!(v["head"], head.as_str());
    let journal = v["journal"].as_array().unwrap();
    assert_eq!(journal.len(), reg.journal().len());
    assert_eq!(journal[0]["prev"], GENESIS);
    assert_eq!(
        journal[1]["prev"],
        journal::chain(reg.journal())[1].as_str()
    );
    // The event's fields come first, `prev` last (the event's own JSON, then its link).
    let first = serde_json::to_string(&reg.snapshot().journal[0]).unwrap();
    let own = serde_json::to_string(&reg.journal().first().unwrap()).unwrap();
    assert_eq!(
        first,
        format!("{},\"prev\":\"{GENESIS}\"}}", &own[..own.len() - 1])
    );
    // Round trip: the same registry, the same bytes.
    let back = Registry::from_json(&json).unwrap();
    assert!(back == reg);
    assert_eq!(back.to_json(), json);
    assert_eq!(back.journal_head(), head);
    // Through the `Snapshot` type as well.
    let snap = Snapshot::from_json(&json).unwrap();
    assert_eq!(snap.head, head);
    assert!(snap == reg.snapshot());
    assert!(snap.into_registry().unwrap() == reg);
}

#[test]
fn snapshots_of_version_1_still_load() {
    let reg = random_registry();
    let v2 = reg.to_json();
    // A version 1 document: the same without `prev` and `head`.
    let v1 = edit_json(&v2, |v| {
        v["schema_version"] = 1.into();
        v.as_object_mut().unwrap().remove("head");
        for e in v["journal"].as_array_mut().unwrap() {
            e.as_object_mut().unwrap().remove("prev");
        }
    });
    assert!(!v1.contains("\"prev\""));
    let back = Registry::from_json(&v1).unwrap();
    assert!(back == reg);
    // Its head is computed after loading; written again it is version 2.
    assert_eq!(back.journal_head(), reg.journal_head());
    assert_eq!(back.to_json(), v2);
    let snap = Snapshot::from_json(&v1).unwrap();
    assert_eq!(snap.schema_version, 2);
    assert!(snap == reg.snapshot());
    // A version 1 document with hashes, or a version 2 one without, is not of its shape.
    let mixed = edit_json(&v2, |v| v["schema_version"] = 1.into());
    assert_eq!(
        Registry::from_json(&mixed).unwrap_err().code(),
        ErrorCode::Json
    );
    let bare = edit_json(&v1, |v| v["schema_version"] = 2.into());
    assert_eq!(
        Registry::from_json(&bare).unwrap_err().code(),
        ErrorCode::Json
    );
    // Version 1 is still checked by replay: a record edited by hand does not load.
    let edited = edit_json(&v1, |v| {
        v["journal"][3]["actor"] = "someone else".into();
        v["persons"][0]["name"] = "改名".into();
    });
    assert_eq!(
        Registry::from_json(&edited).unwrap_err().code(),
        ErrorCode::SnapshotMismatch
    );
}

#[test]
fn a_tampered_snapshot_is_refused_naming_the_event() {
    let reg = random_registry();
    let json = reg.to_json();
    let n = reg.journal().len();
    let refuse = |text: &str| {
        let err = Registry::from_json(text)
            .map(|_| ())
            .expect_err("the tampered snapshot loads");
        assert_eq!(err.code(), ErrorCode::JournalTampered, "{err}");
        assert_eq!(err.code().number(), 905);
        assert_eq!(err.code().as_str(), "journal_tampered");
        match err {
            Error::JournalTampered(t) => found(&t),
            other => panic!("{other}"),
        }
    };
    // An event's actor edited.
    let t = edit_json(&json, |v| v["journal"][41]["actor"] = "someone else".into());
    assert_eq!(refuse(&t), (42, TamperKind::Altered));
    let err = Registry::from_json(&t).unwrap_err().to_string();
    assert!(
        err.contains("journal tampered at event 42 (altered)"),
        "{err}"
    );
    // An event removed.
    let t = edit_json(&json, |v| {
        v["journal"].as_array_mut().unwrap().remove(17);
    });
    assert_eq!(refuse(&t), (18, TamperKind::Removed));
    // Two events swapped.
    let t = edit_json(&json, |v| v["journal"].as_array_mut().unwrap().swap(5, 6));
    assert_eq!(refuse(&t), (7, TamperKind::Reordered));
    // The head edited (to that of an empty journal: every event added since), or the last
    // event dropped.
    let t = edit_json(&json, |v| v["head"] = GENESIS.into());
    assert_eq!(refuse(&t), (1, TamperKind::Inserted));
    let t = edit_json(&json, |v| v["head"] = "ab".repeat(32).into());
    assert_eq!(refuse(&t), (n as u64, TamperKind::HeadMismatch));
    let t = edit_json(&json, |v| {
        v["journal"].as_array_mut().unwrap().pop();
    });
    assert_eq!(refuse(&t), (n as u64 - 1, TamperKind::HeadMismatch));
    // The chain is checked before the replay: an edited command is reported as tampering at
    // its event, not as a failed replay; a document that is not a snapshot stays invalid JSON.
    let t = edit_json(&json, |v| {
        v["journal"][0]["command"]["person"]["party"] = "non_party".into();
        v["persons"][0]["party"] = "non_party".into();
    });
    assert_eq!(refuse(&t), (1, TamperKind::Altered));
    let t = edit_json(&json, |v| {
        v["journal"][0]["command"]["type"] = "teleport".into()
    });
    assert_eq!(Registry::from_json(&t).unwrap_err().code(), ErrorCode::Json);
    // Edits with the chain recomputed pass the chain but not the replay check (the reason to
    // keep the head elsewhere as well): records are still compared.
    let mut snap = reg.snapshot();
    snap.persons[0].name = Some("改名".into());
    assert_eq!(
        snap.into_registry().unwrap_err().code(),
        ErrorCode::SnapshotMismatch
    );
}

#[test]
fn a_journal_that_does_not_parse_names_the_value_line_and_column() {
    let (events, _) = chained(&random_registry());
    let mut list: Vec<Value> = events
        .iter()
        .take(4)
        .map(|e| serde_json::to_value(e).unwrap())
        .collect();
    list[2]["command"]["type"] = Value::from("no_such_command");
    // One event per line: the bad one is on line 3.
    let lines: Vec<String> = list.iter().map(|v| v.to_string()).collect();
    let text = format!("[{}]", lines.join(",\n"));
    let err = tongxin::api::parse_journal(&text).unwrap_err();
    assert_eq!(err.code.as_str(), "invalid_json");
    assert!(
        err.message.starts_with("[2].command.type: "),
        "{}",
        err.message
    );
    assert!(err.message.contains("no_such_command"), "{}", err.message);
    assert!(err.message.contains("line 3 column"), "{}", err.message);
    // As tongxin writes events (the tag first), a bad value deep in the first one.
    let first = serde_json::to_string(&events[0]).unwrap();
    assert!(first.contains(r#""party":"cpc""#), "{first}");
    let text = format!(
        "[{}]",
        first.replacen(r#""party":"cpc""#, r#""party":"kmt""#, 1)
    );
    let err = tongxin::api::parse_journal(&text).unwrap_err();
    assert!(
        err.message.starts_with("[0].command.person.party: "),
        "{}",
        err.message
    );
    // What is not an array, or breaks off between events, names no event or the missing one.
    let err = tongxin::api::parse_journal(r#"{"seq":1}"#).unwrap_err();
    assert!(!err.message.starts_with('['), "{}", err.message);
    let err = tongxin::api::parse_journal(&format!("[{},", lines[0])).unwrap_err();
    assert!(err.message.starts_with("[1]: "), "{}", err.message);
    // The four intact events read back as they were.
    let intact = format!(
        "[{}]",
        events
            .iter()
            .take(4)
            .map(|e| serde_json::to_string(e).unwrap())
            .collect::<Vec<_>>()
            .join(",\n")
    );
    assert_eq!(
        tongxin::api::parse_journal(&intact).unwrap(),
        events[..4].to_vec()
    );
}

/// The journal keeps joins and additions of persons by reference to the registry's records:
/// every way a record changes afterwards (a leave, a role change on a later day and on the
/// first day, a dissolution, updates of a person) must leave the events as they were applied,
/// in one-by-one commands and in a batch, and a person whose resident ID the registry
/// normalises must read back as given.
#[test]
fn the_journal_reads_back_as_applied_after_every_kind_of_change() {
    let mut reg = Registry::new();
    let mut expected: Vec<Event> = Vec::new();
    let apply = |reg: &mut Registry, expected: &mut Vec<Event>, command: Command| {
        expected.push(reg.apply(&meta(), command).expect("applies"));
    };
    let city = org(
        "sz",
        OrgKind::Zhilianhui,
        Level::Municipal,
        code(Level::Municipal),
        "2020-01-01",
    );
    let district = org(
        "ft",
        OrgKind::Zhilianhui,
        Level::District,
        code(Level::District),
        "2020-01-01",
    );
    apply(
        &mut reg,
        &mut expected,
        Command::AddOrganization {
            org: city,
            parent: None,
            relation: Relation::Guidance,
        },
    );
    apply(
        &mut reg,
        &mut expected,
        Command::AddOrganization {
            org: district,
            parent: Some("sz".into()),
            relation: Relation::PartOf,
        },
    );
    for i in 1..=4 {
        let mut p = varied_person(i);
        if i == 3 {
            p.resident_id = Some("440305851231123".into()); // kept in its 18-character form
        }
        apply(&mut reg, &mut expected, Command::AddPerson { person: p });
    }
    let join = |p: &str, o: &str, role: Role, start: &str| Command::Join {
        membership: membership(p, o, role, start),
    };
    apply(
        &mut reg,
        &mut expected,
        join("p1", "sz", Role::Member, "2021-01-01"),
    );
    apply(
        &mut reg,
        &mut expected,
        join("p2", "sz", Role::Member, "2021-01-01"),
    );
    apply(
        &mut reg,
        &mut expected,
        join("p3", "ft", Role::Member, "2021-01-01"),
    );
    apply(
        &mut reg,
        &mut expected,
        join("p4", "ft", Role::Council, "2021-01-01"),
    );
    apply(
        &mut reg,
        &mut expected,
        join("p1", "ft", Role::Member, "2021-06-01"),
    );
    let person = |id: &str| MemberRef::Person(id.into());
    apply(
        &mut reg,
        &mut expected,
        Command::Leave {
            member: person("p1"),
            org: "sz".into(),
            date: d("2022-01-01"),
        },
    );
    apply(
        &mut reg,
        &mut expected,
        Command::ChangeRole {
            member: person("p2"),
            org: "sz".into(),
            role: Role::Council,
            date: d("2022-03-01"),
        },
    );
    apply(
        &mut reg,
        &mut expected,
        Command::ChangeRole {
            member: person("p4"),
            org: "ft".into(),
            role: Role::Member,
            date: d("2021-01-01"),
        },
    );
    for (i, name) in [(1, "改名一"), (1, "改名二"), (3, "改名三")] {
        let mut p = reg.person(&format!("p{i}")).expect("person").clone();
        p.name = Some(name.into());
        apply(&mut reg, &mut expected, Command::UpdatePerson { person: p });
    }
    apply(
        &mut reg,
        &mut expected,
        Command::DissolveOrganization {
            id: "ft".into(),
            date: d("2023-01-01"),
        },
    );
    // A batch: persons and joins in runs, one of the persons updated afterwards.
    let batch: Vec<Command> = (5..=7)
        .map(|i| Command::AddPerson {
            person: varied_person(i),
        })
        .chain((5..=7).map(|i| join(&format!("p{i}"), "sz", Role::Member, "2023-02-01")))
        .collect();
    let before = reg.journal().len() as u64;
    assert_eq!(
        reg.apply_batch(&meta(), batch.clone())
            .expect("batch applies"),
        batch.len()
    );
    expected.extend(batch.into_iter().enumerate().map(|(i, command)| Event {
        seq: before + i as u64 + 1,
        at: meta().at,
        actor: meta().actor,
        command,
        warnings: Default::default(),
    }));
    let mut p5 = reg.person("p5").expect("p5").clone();
    p5.name = Some("改名五".into());
    apply(
        &mut reg,
        &mut expected,
        Command::UpdatePerson { person: p5 },
    );
    apply(
        &mut reg,
        &mut expected,
        Command::Leave {
            member: person("p6"),
            org: "sz".into(),
            date: d("2023-05-01"),
        },
    );

    assert_ne!(
        reg.person("p3").expect("p3").resident_id.as_deref(),
        Some("440305851231123")
    );
    let journal = reg.journal();
    assert_eq!(journal.len(), expected.len());
    for (i, e) in expected.iter().enumerate() {
        assert_eq!(journal.get(i).as_ref(), Some(e), "event {}", i + 1);
    }
    assert_eq!(journal.to_vec(), expected);
    assert!(journal.iter().rev().eq(expected.iter().rev().cloned()));
    assert_eq!(journal.get(expected.len()), None);
    assert_eq!(journal::head(journal), journal::head(&expected));
    assert_eq!(Registry::replay(&expected).expect("replays"), reg);
}
