//! Commands as JSON, into the small seeded registry.
//!
//! Input: text. As one command, `api::apply`; as an array, `api::apply_batch`; and line by line
//! (JSON Lines, like `examples/data/seeds.jsonl`), `api::apply` per line. Every call returns `Ok`
//! or a typed `ApiError` and never panics; a rejected call leaves `to_json()` exactly as it was;
//! an accepted one adds exactly its events to the journal (one per command; a batch as many as
//! it reports); and the registry any sequence of accepted commands leaves loads back from its own
//! snapshot unchanged.
//!
//! As each scoped operator (`tongxin_fuzz::scoped_registry`): the text as one command through
//! `api::apply_as` agrees with the unscoped `api::apply` — accepted only if the unscoped call
//! accepts it (with the same event but the actor), refused with the unscoped error unless it is
//! `access_denied`, and for the administrator of everything exactly as unscoped; a refusal
//! leaves the registry as it was. The text as a query, statistic and rule question through the
//! `*_as` functions returns `Ok` or a typed error.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tongxin::api::{self, BatchError};
use tongxin::ids::DivisionTable;
use tongxin::Meta;
use tongxin::Registry;
use tongxin_fuzz::{assert_snapshot_round_trip, meta, scoped_registry, small_registry, OPERATORS};

/// The bundled division table (read once).
fn table() -> Option<&'static DivisionTable> {
    static TABLE: std::sync::OnceLock<Option<DivisionTable>> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| DivisionTable::bundled().ok()).as_ref()
}

/// Applies one command's text; checks atomicity and the journal.
fn apply_one(reg: &mut Registry, text: &str) -> bool {
    let before = reg.to_json();
    let journal = reg.journal().len();
    match api::parse(text).and_then(|command| api::apply(reg, &meta(), command)) {
        Ok(event) => {
            assert!(
                serde_json::from_str::<serde_json::Value>(&event).is_ok(),
                "event is not JSON"
            );
            assert_eq!(
                reg.journal().len(),
                journal + 1,
                "an applied command is not one event"
            );
            true
        }
        Err(e) => {
            assert!(!e.message.is_empty());
            assert_eq!(
                reg.to_json(),
                before,
                "a rejected command changed the registry: {e}"
            );
            false
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let base = small_registry();
    let before = base.to_json();

    // The whole text as one command.
    let mut one = base.clone();
    if apply_one(&mut one, text) {
        assert_snapshot_round_trip(&one);
    }

    // The whole text as a batch.
    let mut batch = base.clone();
    match api::apply_batch(&mut batch, &meta(), text) {
        Ok(n) => {
            assert_eq!(
                batch.journal().len(),
                base.journal().len() + n,
                "batch count and journal differ"
            );
            assert_snapshot_round_trip(&batch);
        }
        Err(BatchError::NotCommands { error, .. } | BatchError::Rejected { error, .. }) => {
            assert!(!error.message.is_empty());
            assert_eq!(
                batch.to_json(),
                before,
                "a rejected batch changed the registry: {error}"
            );
        }
    }

    // As each operator.
    let scoped = scoped_registry();
    let scoped_before = scoped.to_json();
    let mut unscoped = scoped.clone();
    let unscoped_result = api::parse(text).and_then(|c| api::apply(&mut unscoped, &meta(), c));
    for op in OPERATORS {
        let mut reg = scoped.clone();
        let as_op = Meta {
            actor: op.to_string(),
            ..meta()
        };
        match (
            api::parse(text).and_then(|c| api::apply_as(&mut reg, &as_op, c)),
            &unscoped_result,
        ) {
            (Ok(_), Ok(_)) => {
                assert_eq!(reg.journal().len(), unscoped.journal().len());
                let (mine, theirs) = (
                    reg.journal().last().expect("an event"),
                    unscoped.journal().last().expect("an event"),
                );
                assert_eq!((&mine.command, mine.actor.as_str()), (&theirs.command, op));
            }
            (Ok(_), Err(e)) => panic!("{op} applied what the host could not: {e}"),
            (Err(e), unscoped) => {
                assert_eq!(
                    reg.to_json(),
                    scoped_before,
                    "a refused scoped command changed the registry: {e}"
                );
                if e.code.as_str() != "access_denied" {
                    assert_eq!(
                        Some(e.code),
                        unscoped.as_ref().err().map(|u| u.code),
                        "{op}: {e}"
                    );
                } else {
                    assert_ne!(
                        op, OPERATORS[0],
                        "the administrator of everything was refused: {e}"
                    );
                }
            }
        }
        let _ = api::parse(text).and_then(|q| api::query_as(&scoped, op, q));
        let _ = api::parse(text).and_then(|q| api::rules_as(&scoped, op, q));
        if let Some(table) = table() {
            let _ = api::parse(text).and_then(|s| api::stats_json_as(&scoped, table, op, s));
        }
    }

    // Line by line.
    if text.contains('\n') {
        let mut lines = base.clone();
        let mut applied = 0;
        for line in text.lines().take(64) {
            applied += usize::from(apply_one(&mut lines, line));
        }
        if applied > 0 {
            assert_snapshot_round_trip(&lines);
        }
    }
});
