//! Commands as JSON, into the small seeded registry.
//!
//! Input: text. As one command, `api::apply`; as an array, `api::apply_batch`; and line by line
//! (JSON Lines, like `examples/data/seeds.jsonl`), `api::apply` per line. Every call returns `Ok`
//! or a typed `ApiError` and never panics; a rejected call leaves `to_json()` exactly as it was;
//! an accepted one adds exactly its events to the journal (one per command; a batch as many as
//! it reports); and the registry any sequence of accepted commands leaves loads back from its own
//! snapshot unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tongxin::api::{self, BatchError};
use tongxin::Registry;
use tongxin_fuzz::{assert_snapshot_round_trip, meta, small_registry};

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
