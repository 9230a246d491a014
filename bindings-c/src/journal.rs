//! The tamper-evident journal: its head hash, and verifying a journal against its chain.

use crate::error::Failure;
use crate::registry::tx_registry;
use crate::status::tx_status;
use crate::strings::write_string;
use std::ffi::c_char;
use tongxin::api;

/// The head of the registry's journal: the SHA-256 hash chaining every event, as 64 lowercase
/// hex digits ("000…0" for an empty journal). Each event's hash is
/// SHA-256(previous hash as 32 bytes || the event's compact JSON); keep the head somewhere the
/// journal's writer cannot change, and a later `tx_verify_journal_json` with it shows any
/// change to history. Computed from the whole journal on each call (no cost while applying
/// commands).
///
/// \param reg      non-NULL handle; only read.
/// \param out_head non-NULL; receives the head on success.
/// \return `TX_STATUS_OK`; binding-level codes.
///
/// Ownership: on success the caller owns `*out_head` (`tx_string_free`).
/// Thread safety: reads `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_journal_head(
    reg: *const tx_registry,
    out_head: *mut *mut c_char,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_ref!(reg);
        let out = try_out!(out_head);
        write_string(out, reg.inner.journal_head())
    })
}

/// Verifies a journal: a JSON array of events each with its `prev` hash, from event 1, as
/// `tx_registry_query_json` answers `{"type":"journal"}` (and as a snapshot's `journal`
/// holds them). Recomputes the hash chain and finds the first event altered, inserted,
/// removed or moved; with `expected_head`, also a journal that does not end at that head (its
/// last event altered, events removed from its end, or events added after it).
///
/// \param journal_json  the events.
/// \param expected_head NULL (check the chain only) or the head kept from before: 64 hex
///                      digits.
/// \param out_head      non-NULL; receives the journal's head (64 lowercase hex digits) on
///                      success.
/// \param out_bad_seq   NULL, or receives the seq of the first tampered event (for a head
///                      mismatch, the journal's last event), written only on
///                      `TX_STATUS_JOURNAL_TAMPERED`.
/// \return `TX_STATUS_OK`; `TX_STATUS_JOURNAL_TAMPERED`, the message naming the event and what
///         was found, e.g. "journal tampered at event 42 (altered): event 43's `prev` is
///         `3fa0…` but event 42 hashes to `9bc1…`" (kinds: altered, inserted, removed,
///         reordered, head_mismatch); `TX_STATUS_INVALID_JSON` (not an array of events, the
///         message naming the element); `TX_STATUS_INVALID_ARGUMENT` (an `expected_head` that
///         is not 64 hex digits); binding-level codes.
///
/// Ownership: inputs are borrowed for the call; on success the caller owns `*out_head`
/// (`tx_string_free`).
/// Thread safety: safe from any thread.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_verify_journal_json(
    journal_json: *const c_char,
    expected_head: *const c_char,
    out_head: *mut *mut c_char,
    out_bad_seq: *mut u64,
) -> tx_status {
    ffi_boundary!(status {
        let journal_json = try_str!(journal_json);
        let expected_head = try_opt_str!(expected_head);
        let out = try_out!(out_head);
        let bad_seq = opt_out!(out_bad_seq);
        let events = api::parse_journal(journal_json)
            .map_err(|e| Failure::from(e).context("argument `journal_json`"))?;
        if let Some(h) = expected_head {
            api::check_head(h).map_err(|e| Failure::from(e).context("argument `expected_head`"))?;
        }
        match api::check_journal(&events, expected_head) {
            Ok(check) => write_string(out, check.head),
            Err(e) => {
                let seq = e
                    .report
                    .as_deref()
                    .and_then(|r| serde_json::from_str::<serde_json::Value>(r).ok())
                    .and_then(|r| r.get("seq").and_then(serde_json::Value::as_u64));
                if let (Some(out), Some(seq)) = (bad_seq, seq) {
                    out.write(seq);
                }
                Err(Failure::from(e))
            }
        }
    })
}
