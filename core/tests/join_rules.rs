//! The registry's rule book: `set_rule_book` as a journaled command, joins refused by `reject`
//! rules atomically (byte-identical snapshots), `warn` rules recorded on the event, replay and
//! snapshots reproducing both, `None` ending enforcement, and all-or-nothing batches.

mod common;
use common::*;
use tongxin::prelude::*;
use tongxin::rules::{Rule, RuleBook, Severity};

fn p(id: &str) -> MemberRef {
    MemberRef::Person(id.into())
}

fn set(book: Option<RuleBook>) -> Command {
    Command::SetRuleBook { book }
}

fn join(person: &str, org: &str, start: &str) -> Command {
    Command::Join {
        membership: membership(person, org, Role::Member, start),
    }
}

/// The standard book plus a common `warn` rule every person born before 1984 fails.
fn book_with_warning() -> RuleBook {
    let mut book = RuleBook::standard();
    book.common.push(
        Rule::eligibility(
            "age.young",
            Severity::Warn,
            "age <= 40",
            "年龄偏大",
            "Over 40",
        )
        .expect("rule"),
    );
    book
}

/// Applies a command that must be rejected with `code`; asserts the snapshot is unchanged.
fn rejects(reg: &mut Registry, command: Command, code: ErrorCode) -> Error {
    let before = reg.to_json();
    let err = reg
        .apply(&meta(), command)
        .expect_err("command should be rejected");
    assert_eq!(err.code(), code, "{err}");
    assert_eq!(
        before,
        reg.to_json(),
        "a rejected command changed the registry"
    );
    err
}

#[test]
fn without_a_book_nothing_is_enforced() {
    let mut reg = shenzhen();
    assert!(reg.rule_book().is_none());
    // p3 is a CPC member without a title: the standard zhilianhui rule would refuse them.
    let ev = reg.apply(&meta(), join("p3", "sz", "2024-06-01")).unwrap();
    assert!(ev.warnings.is_empty());
    assert!(!serde_json::to_string(&ev).unwrap().contains("warnings"));
}

#[test]
fn a_book_refuses_warns_or_accepts_joins() {
    let mut reg = shenzhen();
    let ev = reg
        .apply(&meta(), set(Some(book_with_warning())))
        .expect("book compiles");
    assert_eq!(ev.command.name(), "set_rule_book");
    assert!(!ev.command.is_structural());
    assert_eq!(reg.rule_book().unwrap().book(), &book_with_warning());

    // Reject: the first failed reject rule, named with member, org, rule and both messages.
    let err = rejects(
        &mut reg,
        join("p3", "sz", "2024-06-01"),
        ErrorCode::RuleViolation,
    );
    assert_eq!(err.code().number(), 404);
    assert_eq!(err.code().as_str(), "rule_violation");
    let msg = err.to_string();
    for part in [
        "person `p3` cannot join `sz`",
        "rule `zhilianhui.eligibility`",
        "A zhilianhui member is a non-CPC intellectual",
        "知联会会员须为党外知识分子",
        "party is cpc, required not cpc ✗",
    ] {
        assert!(msg.contains(part), "{msg} lacks {part}");
    }
    let Error::RuleViolation(v) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(v.rule, "zhilianhui.eligibility");
    assert_eq!(v.member, p("p3"));
    assert!(
        v.explanation_zh.contains("党派 = 中共党员"),
        "{}",
        v.explanation_zh
    );

    // Structural checks come first: an overlapping membership is reported as such.
    rejects(
        &mut reg,
        join("p2", "nanshan", "2024-06-01"),
        ErrorCode::OverlappingMembership,
    );

    // Warn: p1 (born 1980) passes the reject rules and fails the warn rule.
    let ev = reg.apply(&meta(), join("p1", "sz", "2024-06-01")).unwrap();
    assert_eq!(ev.warnings.len(), 1);
    let w = &ev.warnings[0];
    assert_eq!(w.rule, "age.young");
    assert_eq!(w.severity, Severity::Warn);
    assert!(!w.passed);
    assert_eq!(
        w.explanation_en,
        "✗ age.young [warn] Over 40: age is 44, required at most 40 ✗"
    );
    assert_eq!(reg.journal().last().unwrap().warnings, ev.warnings);
    let json = serde_json::to_value(&ev).unwrap();
    assert_eq!(json["warnings"][0]["rule"], "age.young");
    assert_eq!(json["warnings"][0]["message_zh"], "年龄偏大");

    // Each organization's own rules: p1 (stratum none) is refused by the xinlianhui rule.
    rejects(
        &mut reg,
        join("p1", "xlh", "2024-06-01"),
        ErrorCode::RuleViolation,
    );
    // Accept without warnings: a young non-CPC intermediate-title person.
    let mut young = person("young", Party::NonParty, Title::Intermediate);
    young.birth = Some("1995-03".parse().unwrap());
    reg.apply(&meta(), Command::AddPerson { person: young })
        .unwrap();
    let ev = reg
        .apply(&meta(), join("young", "nanshan", "2024-06-01"))
        .unwrap();
    assert!(ev.warnings.is_empty());

    // Other commands carry no warnings, even under a book.
    let ev = reg
        .apply(
            &meta(),
            Command::Leave {
                member: p("young"),
                org: "nanshan".into(),
                date: d("2024-07-01"),
            },
        )
        .unwrap();
    assert!(ev.warnings.is_empty());
}

#[test]
fn rules_follow_the_membership_start_day_and_inheritance() {
    let mut reg = shenzhen();
    reg.apply(&meta(), set(Some(RuleBook::standard()))).unwrap();
    // futian-street is a part-of branch of a zhilianhui: the zhilianhui rule applies.
    rejects(
        &mut reg,
        join("p3", "futian-street", "2024-06-01"),
        ErrorCode::RuleViolation,
    );
    // Past memberships are checked too (on their start day).
    let mut past = membership("p3", "nanshan", Role::Member, "2015-01-01");
    past.end = Some(d("2016-01-01"));
    rejects(
        &mut reg,
        Command::Join { membership: past },
        ErrorCode::RuleViolation,
    );
}

#[test]
fn an_invalid_book_is_refused_and_the_old_one_stays() {
    let mut reg = shenzhen();
    reg.apply(&meta(), set(Some(RuleBook::standard()))).unwrap();
    let mut bad = RuleBook::standard();
    bad.common
        .push(Rule::eligibility("bad", Severity::Reject, "height > 3", "身高", "Height").unwrap());
    let err = rejects(&mut reg, set(Some(bad)), ErrorCode::InvalidRuleBook);
    assert_eq!(err.code().number(), 206);
    assert_eq!(err.code().as_str(), "invalid_rule_book");
    let msg = err.to_string();
    assert!(
        msg.starts_with("rule book does not compile: ") && msg.contains("bad"),
        "{msg}"
    );
    assert!(msg.contains("height"), "{msg}");
    let Error::InvalidRuleBook { rule_code, .. } = err else {
        panic!()
    };
    assert_eq!(rule_code, "rule_unknown_attribute");
    // A duplicate rule id is a compile error too.
    let mut dup = RuleBook::empty();
    let r = Rule::eligibility("x", Severity::Warn, "true", "甲", "a").unwrap();
    dup.common = vec![r.clone(), r];
    rejects(&mut reg, set(Some(dup)), ErrorCode::InvalidRuleBook);
    // The standard book still holds.
    assert_eq!(reg.rule_book().unwrap().book(), &RuleBook::standard());
    rejects(
        &mut reg,
        join("p3", "sz", "2024-06-01"),
        ErrorCode::RuleViolation,
    );
}

#[test]
fn removing_the_book_stops_enforcement() {
    let mut reg = shenzhen();
    reg.apply(&meta(), set(Some(book_with_warning()))).unwrap();
    rejects(
        &mut reg,
        join("p3", "sz", "2024-06-01"),
        ErrorCode::RuleViolation,
    );
    reg.apply(&meta(), set(None)).unwrap();
    assert!(reg.rule_book().is_none());
    let ev = reg.apply(&meta(), join("p3", "sz", "2024-06-01")).unwrap();
    assert!(ev.warnings.is_empty());
    // And setting it again enforces it again (for new joins only).
    reg.apply(&meta(), set(Some(RuleBook::standard()))).unwrap();
    rejects(
        &mut reg,
        join("p3", "nanshan", "2024-06-01"),
        ErrorCode::RuleViolation,
    );
}

#[test]
fn replay_and_snapshots_reproduce_the_book_and_the_warnings() {
    let mut reg = shenzhen();
    reg.apply(&meta(), set(Some(book_with_warning()))).unwrap();
    reg.apply(&meta(), join("p1", "sz", "2024-06-01")).unwrap();
    reg.apply(&meta(), set(None)).unwrap();
    reg.apply(&meta(), join("p3", "sz", "2024-06-01")).unwrap();
    reg.apply(&meta(), set(Some(book_with_warning()))).unwrap();
    let warned = reg.journal().iter().nth_back(3).unwrap();
    assert_eq!(warned.warnings.len(), 1);

    let replayed = Registry::replay(reg.journal()).expect("replays");
    assert_eq!(replayed, reg);
    assert_eq!(replayed.journal(), reg.journal());
    assert_eq!(
        replayed.rule_book().map(|b| b.book()),
        Some(&book_with_warning())
    );

    let json = reg.to_json();
    assert!(json.contains("\"type\": \"set_rule_book\""), "{json}");
    assert!(json.contains("\"book\": null"));
    assert!(json.contains("\"warnings\""));
    let back = Registry::from_json(&json).expect("snapshot loads");
    assert_eq!(back, reg);
    assert_eq!(back.to_json(), json);
    // The reloaded registry still enforces the book.
    let mut back = back;
    rejects(
        &mut back,
        join("p3", "nanshan", "2024-06-01"),
        ErrorCode::RuleViolation,
    );

    // A snapshot whose recorded warnings were edited is refused by its hash chain; with the
    // chain recomputed, warnings that differ from what replay computes still do not load.
    let tampered = json.replacen("Over 40", "Over 50", 1);
    assert_ne!(tampered, json);
    let err = Registry::from_json(&tampered).unwrap_err();
    assert_eq!(err.code(), ErrorCode::JournalTampered, "{err}");
    let mut snap = tongxin::snapshot::Snapshot::from_json(&tampered).unwrap();
    let events: Vec<Event> = snap.journal.into_iter().map(|c| c.event).collect();
    (snap.journal, snap.head) = tongxin::journal::link(events);
    let err = snap.into_registry().unwrap_err();
    assert_eq!(err.code(), ErrorCode::SnapshotMismatch, "{err}");
    // Nor does one whose journal joins someone its book refuses.
    let mut lax = shenzhen();
    lax.apply(&meta(), join("p3", "sz", "2024-06-01")).unwrap();
    // (Its hash chain recomputed, as whoever edits a journal can: the replay still refuses it.)
    let mut snap = lax.snapshot();
    let mut events: Vec<Event> = snap.journal.into_iter().map(|c| c.event).collect();
    let n = events.len();
    let joined = events.pop().unwrap();
    events.push(Event {
        seq: n as u64,
        command: set(Some(RuleBook::standard())),
        warnings: Warnings::new(),
        ..joined.clone()
    });
    events.push(Event {
        seq: n as u64 + 1,
        ..joined
    });
    (snap.journal, snap.head) = tongxin::journal::link(events);
    let err = snap.into_registry().unwrap_err();
    assert_eq!(err.code(), ErrorCode::Replay, "{err}");
    assert!(
        err.to_string().contains("rule `zhilianhui.eligibility`"),
        "{err}"
    );
}

#[test]
fn set_rule_book_json() {
    let c: Command = serde_json::from_str(r#"{"type":"set_rule_book","book":null}"#).unwrap();
    assert_eq!(c, set(None));
    let c: Command = serde_json::from_str(r#"{"type":"set_rule_book"}"#).unwrap();
    assert_eq!(c, set(None));
    let c: Command = serde_json::from_str(
        r#"{"type":"set_rule_book","book":{"common":[{"id":"t","severity":"reject","message_zh":"职称","message_en":"Title","body":{"type":"eligibility","when":"title >= intermediate"}}]}}"#,
    )
    .unwrap();
    let Command::SetRuleBook { book: Some(b) } = &c else {
        panic!("{c:?}")
    };
    assert_eq!(b.common[0].id, "t");
    let text = serde_json::to_string(&c).unwrap();
    assert_eq!(serde_json::from_str::<Command>(&text).unwrap(), c);
    assert_eq!(
        serde_json::to_string(&set(None)).unwrap(),
        r#"{"type":"set_rule_book","book":null}"#
    );
}

#[test]
fn batches_stay_all_or_nothing_with_a_rule_rejection_in_the_middle() {
    // Into a non-empty registry (undo by copy) and into an empty one.
    let mut reg = shenzhen();
    let before = reg.to_json();
    let batch = vec![
        set(Some(book_with_warning())),
        join("p1", "sz", "2024-06-01"),
        join("p3", "sz", "2024-06-01"),
        join("p2", "sz", "2024-06-01"),
    ];
    let (i, err) = reg.apply_batch(&meta(), batch.clone()).unwrap_err();
    assert_eq!(i, 2);
    assert_eq!(err.code(), ErrorCode::RuleViolation);
    assert_eq!(reg.to_json(), before);
    assert!(reg.rule_book().is_none());

    let mut empty = Registry::new();
    let mut setup: Vec<Command> = shenzhen()
        .journal()
        .iter()
        .map(|e| e.command.clone())
        .collect();
    setup.extend(batch);
    let (i, err) = empty.apply_batch(&meta(), setup).unwrap_err();
    assert_eq!(err.code(), ErrorCode::RuleViolation);
    assert_eq!(i, shenzhen().journal().len() + 2);
    assert!(empty.is_empty());
    assert_eq!(empty, Registry::new());

    // Without the refused join the batch goes through, with the warnings on its events.
    let n = reg
        .apply_batch(
            &meta(),
            vec![
                set(Some(book_with_warning())),
                join("p1", "sz", "2024-06-01"),
                join("p2", "sz", "2024-06-01"),
            ],
        )
        .unwrap();
    assert_eq!(n, 3);
    let last = &reg.journal().to_vec()[reg.journal().len() - 2..];
    assert_eq!(last[0].warnings[0].rule, "age.young");
    assert_eq!(last[1].warnings[0].rule, "age.young");
    assert_eq!(Registry::replay(reg.journal()).unwrap(), reg);
}

#[test]
fn warnings_cost_one_pointer_per_event() {
    assert_eq!(
        std::mem::size_of::<Warnings>(),
        std::mem::size_of::<usize>()
    );
    let w = Warnings::from(Vec::new());
    assert!(w.is_empty() && w.as_slice().is_empty() && w == Warnings::new());
    let json = serde_json::to_string(&w).unwrap();
    assert_eq!(json, "[]");
    assert!(serde_json::from_str::<Warnings>("[]").unwrap().is_empty());
}

#[test]
fn snapshots_without_a_book_are_unchanged() {
    // Existing data loads unchanged: a snapshot written before rule books exists has no
    // `set_rule_book` event, and its events no `warnings`.
    let reg = shenzhen();
    let json = reg.to_json();
    assert!(!json.contains("warnings") && !json.contains("set_rule_book"));
    assert_eq!(Registry::from_json(&json).unwrap(), reg);
}
