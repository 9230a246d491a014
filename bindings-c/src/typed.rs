//! Typed hot paths over the core's rules and statistics: an eligibility check against a rule
//! book compiled once per handle, and the subtree totals of every organization in one pass.
//!
//! The JSON entry points (`tx_registry_rules_json`, `tx_registry_stats_json`) answer the same
//! questions with the whole core result; these functions skip the JSON on both sides for
//! callers that ask many times.

use crate::error::Failure;
use crate::registry::{parse_date, tx_registry};
use crate::status::tx_status;
use std::ffi::{c_char, CString};
use tongxin::rules::{self, CompiledBook, RuleBook, RuleError};
use tongxin::{stats, MemberRef};

/// The book of the typed check: the one installed by `tx_registry_set_rule_book_json`, else the
/// registry's own (the book its joins obey, set by the `set_rule_book` command), else the
/// core's standard book, compiled on first use and kept.
fn book(reg: &tx_registry) -> &CompiledBook {
    reg.rule_book
        .as_ref()
        .or(reg.inner.rule_book())
        .unwrap_or_else(|| reg.standard_book.get_or_init(CompiledBook::standard))
}

/// A core rules failure for the typed check: an unknown id is `TX_STATUS_NOT_FOUND`, as in
/// the other typed functions; anything else is the rules engine's own status.
fn check_failure(e: RuleError) -> Failure {
    match e {
        RuleError::NotFound { .. } => Failure::new(tx_status::NotFound, e.to_string()),
        other => Failure::from(other),
    }
}

/// Text handed out through an optional `char**`, prepared before anything is written so that
/// out-parameters stay untouched on failure.
fn owned_text(text: String) -> Result<CString, Failure> {
    CString::new(text).map_err(|_| {
        Failure::new(
            tx_status::UnknownError,
            "internal error: output text contains a NUL byte",
        )
    })
}

/// Whether a person may belong to an organization on a day under the handle's rule book (the
/// core's `rules::check`): every eligibility rule of the organization, after defaults,
/// inheritance and overrides; warnings do not count. The answer equals the `eligible` field of
/// `tx_registry_rules_json` with `{"question":"check","member":{"person":…},"org":…,
/// "as_of":…}` (plus the same `book` when one was installed with
/// `tx_registry_set_rule_book_json`).
///
/// The rule book is compiled once per handle (on first use), not on every call.
///
/// \param reg                non-NULL handle; only read (its cached rule book may be filled
///                           on first use).
/// \param person_id          the person.
/// \param org_id             the organization.
/// \param date               the day asked, `YYYY-MM-DD`.
/// \param out_eligible       non-NULL; receives the answer on success.
/// \param out_explanation_zh may be NULL (not wanted); else receives, on success, the verdict
///                           and one line per rule with the values seen, in Chinese.
/// \param out_explanation_en may be NULL (not wanted); else the same in English.
/// \return `TX_STATUS_OK`; `TX_STATUS_NOT_FOUND` for an unknown person or organization;
///         `TX_STATUS_INVALID_ARGUMENT` for a bad date; binding-level codes.
///
/// Ownership: strings in are borrowed for the call. On success the caller owns
/// `*out_explanation_zh` and `*out_explanation_en` (when asked for); release each with
/// `tx_string_free`, never `free()`.
/// Thread safety: reads `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL (only the explanations may be) or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_check_eligibility(
    reg: *const tx_registry,
    person_id: *const c_char,
    org_id: *const c_char,
    date: *const c_char,
    out_eligible: *mut bool,
    out_explanation_zh: *mut *mut c_char,
    out_explanation_en: *mut *mut c_char,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_ref!(reg);
        let (person_id, org_id, date) = (try_str!(person_id), try_str!(org_id), try_str!(date));
        let out_eligible = try_out!(out_eligible);
        let (out_zh, out_en) = (opt_out!(out_explanation_zh), opt_out!(out_explanation_en));
        let day = parse_date("date", date)?;
        let member = MemberRef::Person(person_id.to_string());
        let check =
            rules::check(&reg.inner, book(reg), &member, org_id, day).map_err(check_failure)?;
        let zh = out_zh.as_ref().map(|_| owned_text(check.explanation_zh)).transpose()?;
        let en = out_en.as_ref().map(|_| owned_text(check.explanation_en)).transpose()?;
        out_eligible.write(check.eligible);
        if let (Some(out), Some(text)) = (out_zh, zh) {
            out.write(text.into_raw());
        }
        if let (Some(out), Some(text)) = (out_en, en) {
            out.write(text.into_raw());
        }
        Ok(())
    })
}

/// Installs the rule book `tx_registry_check_eligibility` uses on this handle, compiled once
/// here; NULL removes it. Without one, the check uses the registry's own book (the one its joins
/// obey, set by the journaled `set_rule_book` command through `tx_registry_apply_json`), else
/// the core's standard book. The JSON entry point `tx_registry_rules_json` is not affected (it
/// takes its book in each question, defaulting the same way but without this handle's book),
/// and neither are joins.
///
/// \param reg       non-NULL handle; its rule book is replaced on success only.
/// \param book_json a rule book as the core's `RuleBook` JSON (`common`, `defaults`,
///                  `overrides`; conditions as text), or NULL for the standard book.
/// \return `TX_STATUS_OK`; `TX_STATUS_INVALID_JSON` for text that is not a rule book
///         (including condition text that does not parse); `TX_STATUS_RULE` for rules that do
///         not compile, with the core's message and code; binding-level codes.
///
/// Ownership: `book_json` is borrowed for the call; the handle keeps its own compiled copy.
/// Thread safety: mutates `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL (only `book_json` may be) or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_set_rule_book_json(
    reg: *mut tx_registry,
    book_json: *const c_char,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_mut!(reg);
        let book_json = try_opt_str!(book_json);
        reg.rule_book = match book_json {
            None => None,
            Some(text) => {
                let book: RuleBook =
                    tongxin::json_read::from_str(text).map_err(|e| Failure::json("book_json", &e))?;
                let compiled = book
                    .compile()
                    .map_err(|e| Failure::from(e).context("argument `book_json`"))?;
                Some(compiled)
            }
        };
        Ok(())
    })
}

/// The subtree totals of every organization on a day, in one pass (the core's `stats::rollup`):
/// `out[i]` receives what `tx_registry_rollup_total` gives for the organization at index `i` —
/// distinct persons active on `date` anywhere in its subtree, 0 when it does not exist that
/// day.
///
/// Order: the registry's organization indices, i.e. the order organizations were added, dissolved
/// ones included; `tx_registry_organization_id_at(reg, i, …)` names the organization at `i`,
/// and `tx_registry_organization_count` gives how many there are. The order does not depend on
/// the date and is kept by snapshots (`tx_registry_to_json` / `tx_registry_from_json`).
///
/// Cost: one rollup (O(memberships × depth + organizations)), whatever the number of
/// organizations; no per-organization call.
///
/// \param reg         non-NULL handle; only read.
/// \param date        the day asked, `YYYY-MM-DD`.
/// \param out         caller-owned array of `out_len` totals; may be NULL only when `out_len`
///                    is 0 (to ask for the length).
/// \param out_len     capacity of `out`, in elements.
/// \param out_written non-NULL; on success receives the number of elements written (the
///                    number of organizations); on `TX_STATUS_BUFFER_TOO_SMALL` receives the
///                    length needed (a documented exception to "out-params only on success").
/// \return `TX_STATUS_OK`; `TX_STATUS_BUFFER_TOO_SMALL` when `out_len` is less than the number
///         of organizations (nothing is computed and `out` is untouched);
///         `TX_STATUS_INVALID_ARGUMENT` for a bad date; `TX_STATUS_NULL_ARGUMENT` when `out` is
///         NULL with `out_len > 0`; binding-level codes.
///
/// Ownership: nothing changes owner; only the first `*out_written` elements of `out` are
/// written.
/// Thread safety: reads `reg`; see `tx_registry`.
///
/// # Safety
/// `out` must be NULL or valid for writes of `out_len` elements; the other pointers must be
/// NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_rollup_totals(
    reg: *const tx_registry,
    date: *const c_char,
    out: *mut u64,
    out_len: usize,
    out_written: *mut usize,
) -> tx_status {
    ffi_boundary!(status {
        let reg = &try_ref!(reg).inner;
        let date = try_str!(date);
        let out_written = try_out!(out_written);
        if out.is_null() && out_len > 0 {
            return Err(Failure::new(
                tx_status::NullArgument,
                format!("argument `out` is NULL but `out_len` is {out_len}"),
            ));
        }
        let day = parse_date("date", date)?;
        let needed = reg.organization_count();
        if out_len < needed {
            out_written.write(needed);
            return Err(Failure::new(
                tx_status::BufferTooSmall,
                format!(
                    "argument `out_len`: {out_len} is too small, the registry has {needed} organizations"
                ),
            ));
        }
        let totals = stats::rollup_totals(reg, day);
        if needed > 0 {
            // SAFETY: `out` is non-NULL here (`out_len >= needed > 0`) and valid for `out_len`
            // elements (the caller's promise); the ranges cannot overlap, `totals` is ours.
            unsafe { std::ptr::copy_nonoverlapping(totals.as_ptr(), out, needed) };
        }
        out_written.write(needed);
        Ok(())
    })
}

/// The id of the organization at an index of the order `tx_registry_rollup_totals` uses (the
/// order organizations were added; `0 <= index < tx_registry_organization_count`).
///
/// \param reg    non-NULL handle; only read.
/// \param index  the index.
/// \param out_id non-NULL; receives the id on success.
/// \return `TX_STATUS_OK`; `TX_STATUS_INVALID_ARGUMENT` for an index past the last
///         organization; binding-level codes.
///
/// Ownership: on success the caller owns `*out_id`; release it with `tx_string_free`, never
/// `free()`.
/// Thread safety: reads `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_organization_id_at(
    reg: *const tx_registry,
    index: usize,
    out_id: *mut *mut c_char,
) -> tx_status {
    ffi_boundary!(status {
        let reg = &try_ref!(reg).inner;
        let out = try_out!(out_id);
        let org = u32::try_from(index)
            .ok()
            .and_then(|i| reg.organization_at(tongxin::tree::OrgIdx(i)))
            .ok_or_else(|| {
                Failure::invalid(
                    "index",
                    format!(
                        "{index} is out of range, the registry has {} organizations",
                        reg.organization_count()
                    ),
                )
            })?;
        crate::strings::write_string(out, org.id.clone())
    })
}
