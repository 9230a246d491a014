//! Snapshot load: arbitrary text as a snapshot document.
//!
//! `Registry::from_json` returns `Ok` or a typed error (never a panic); on `Ok` the registry's
//! `to_json()` loads back and writes the same text again (`from_json(to_json(r))` is `r`), and
//! the loaded registry answers the summary questions (counts, a subtree of each root) without
//! panicking.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tongxin::api::{self, Query};
use tongxin::Registry;
use tongxin_fuzz::{assert_snapshot_round_trip, day};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let reg = match Registry::from_json(text) {
        Ok(reg) => reg,
        Err(e) => {
            // A typed error with a stable code and a message.
            assert!(!e.code().as_str().is_empty());
            assert!(!e.to_string().is_empty());
            return;
        }
    };
    assert_snapshot_round_trip(&reg);
    let counts: Query = api::parse(r#"{"type":"counts"}"#).expect("a query");
    api::query(&reg, counts).expect("counts of a loaded registry");
    let ids: Vec<String> = reg.organizations().map(|o| o.id.clone()).take(8).collect();
    for id in ids {
        let _ = reg.subtree(&id, day());
    }
});
