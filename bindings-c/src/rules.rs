//! Membership rules: one JSON entry point over the core's `tongxin::rules` (eligibility checks,
//! audits and candidate lists), the same shape as the statistics entry point.

use crate::error::parse_arg;
use crate::registry::tx_registry;
use crate::status::tx_status;
use crate::strings::write_string;
use std::ffi::c_char;
use tongxin::api;

/// Answers a question about the membership rules, given as a JSON object tagged by
/// `"question"`; the answer is the core result's serde JSON (compact; the same bytes as
/// `serde_json::to_string` of the core's result in Rust).
///
/// | question | fields | answer (core) |
/// |---|---|---|
/// | `check` | `member` (`{"person":id}` or `{"enterprise":id}`), `org`, `as_of`, `book`? | `rules::check`: `{"member","org","as_of","eligible","already_member","rules","explanation_zh","explanation_en"}` |
/// | `audit` | `as_of`, `root`?, `book`? | `rules::audit`: the violations in the subtree (every organization without `root`) |
/// | `candidates` | `org`, `as_of`, `limit`?, `keys`?, `book`? | `rules::candidates`: `[{"id","enterprise","title","education","age","warnings"}]` |
///
/// - `book` is a rule book as the core's `RuleBook` JSON (`common`, `defaults`, `overrides`;
///   conditions as text); without it the registry's own book (`set_rule_book`), else the core's standard book.
/// - `keys` are the core's `OrderKey` names (`title_desc`, `title_asc`, `education_desc`,
///   `education_asc`, `age_asc`, `age_desc`, `id`); default `title_desc, age_asc, id`.
/// - Example: `{"question":"check","member":{"person":"p1"},"org":"o1","as_of":"2024-06-01"}`.
///
/// Cost: that of the core function, plus compiling `book` when given.
///
/// \param reg        non-NULL handle; only read.
/// \param query_json the question, NUL-terminated UTF-8; borrowed for the call.
/// \param out_json   non-NULL; receives the answer on success.
/// \return `TX_STATUS_OK`; `TX_STATUS_INVALID_JSON` for text that is not JSON, an unknown
///         `question`, a missing or unknown field, a bad value, or a `book` that is not a rule
///         book (including condition text that does not parse); `TX_STATUS_RULE` for a book
///         whose rules do not compile (unknown attribute or value, type mismatch …) or an
///         unknown organization or member, with the core's message and its stable code in
///         parentheses, e.g. `(rule_unknown_attribute)`; binding-level codes.
///
/// Ownership: on success the caller owns `*out_json`; release it with `tx_string_free`, never
/// `free()`.
/// Thread safety: reads `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_rules_json(
    reg: *const tx_registry,
    query_json: *const c_char,
    out_json: *mut *mut c_char,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_ref!(reg);
        let query_json = try_str!(query_json);
        let out = try_out!(out_json);
        let question = parse_arg("query_json", query_json)?;
        let answer = api::rules(&reg.inner, question)?;
        write_string(out, answer)
    })
}
