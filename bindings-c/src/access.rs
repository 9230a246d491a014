//! Scoped operators: the calls that act as an operator (the core's `tongxin::access`).
//!
//! Operators are registry state, set with the `set_operator` and `remove_operator` commands
//! through `tx_registry_apply_json` (the host's own, unscoped call). Each function here is the
//! scoped twin of an unscoped one, with the same arguments plus the operator (for the calls
//! that write, the `actor` of `meta_json` *is* the operator), and the same answers restricted to
//! what the operator's grants cover; a call they do not allow gives `TX_STATUS_ACCESS_DENIED`
//! (601) with a message naming the operator, the action, the role it lacks and where, and
//! changes nothing.

use crate::error::{parse_arg, Failure, Out};
use crate::ids::with_bundled_table;
use crate::interchange::{options, parse_meta, write_export};
use crate::registry::{tx_registry, write_batch};
use crate::status::tx_status;
use crate::strings::{tx_bytes, write_string};
use std::ffi::c_char;
use tongxin::api::{self, PopoloExportOptions, RosterExportOptions, Stat};

/// `tx_registry_apply_json` as the operator named by the `actor` of `meta_json`: refused with
/// `TX_STATUS_ACCESS_DENIED` unless its grants allow the command. What each command needs:
/// editor rights at the organization it changes (at both the old and the new parent for
/// `move_organization`; over the whole registry for a root), editor rights over a person or
/// enterprise to update it, administrator rights over every grant given or taken for
/// `set_operator`/`remove_operator`, and over the whole registry for `set_rule_book`.
///
/// \param reg            non-NULL handle; mutated on success only.
/// \param meta_json      `{"at":"YYYY-MM-DDTHH:MM:SS","actor":"<operator id>"}`.
/// \param command_json   the command (see `tx_registry_apply_json`).
/// \param out_event_json non-NULL; receives the journal event JSON on success (its `actor` is
///                       the operator).
/// \return `TX_STATUS_OK`; `TX_STATUS_ACCESS_DENIED`; otherwise as `tx_registry_apply_json`.
///
/// Ownership: on success the caller owns `*out_event_json` (`tx_string_free`).
/// Thread safety: mutates `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_apply_as_json(
    reg: *mut tx_registry,
    meta_json: *const c_char,
    command_json: *const c_char,
    out_event_json: *mut *mut c_char,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_mut!(reg);
        let meta_json = try_str!(meta_json);
        let command_json = try_str!(command_json);
        let out = try_out!(out_event_json);
        let meta = parse_meta(meta_json)?;
        let command = parse_arg("command_json", command_json)?;
        write_string(out, api::apply_as(&mut reg.inner, &meta, command)?)
    })
}

/// `tx_registry_apply_batch_json` as the operator named by the `actor` of `meta_json`: each
/// command is authorized against the registry as the earlier ones left it; a refusal fails the
/// batch like a rejection (`out_failed_index` names it) and nothing is applied.
///
/// \param reg              non-NULL handle; mutated on success only.
/// \param meta_json        `{"at":…,"actor":"<operator id>"}`, for every command.
/// \param commands_json    a JSON array of commands.
/// \param out_applied      non-NULL; receives the number applied on success.
/// \param out_failed_index non-NULL; on failure, the index of the command to blame (as
///                         `tx_registry_apply_batch_json`).
/// \return `TX_STATUS_OK`; `TX_STATUS_ACCESS_DENIED`; otherwise as
///         `tx_registry_apply_batch_json`.
///
/// Ownership: nothing is handed out.
/// Thread safety: mutates `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_apply_batch_as_json(
    reg: *mut tx_registry,
    meta_json: *const c_char,
    commands_json: *const c_char,
    out_applied: *mut usize,
    out_failed_index: *mut usize,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_mut!(reg);
        let meta_json = try_str!(meta_json);
        let commands_json = try_str!(commands_json);
        let out_applied = try_out!(out_applied);
        let out_failed_index = try_out!(out_failed_index);
        let meta = parse_meta(meta_json)?;
        write_batch(
            api::apply_batch_as(&mut reg.inner, &meta, commands_json),
            out_applied,
            out_failed_index,
        )
    })
}

/// `tx_registry_query_json` as operator `operator`: a record outside its grants is
/// `TX_STATUS_ACCESS_DENIED`; tree lists, searches, member lists and counts keep only what the
/// grants cover; parent ids outside them read as `null`; resident IDs are masked where the
/// operator is only a viewer; `journal` needs administrator rights over the whole registry.
///
/// \param reg        non-NULL handle; only read.
/// \param operator   the operator id.
/// \param query_json the query (see `tx_registry_query_json`).
/// \param out_json   non-NULL; receives the answer on success.
/// \return `TX_STATUS_OK`; `TX_STATUS_ACCESS_DENIED`; otherwise as `tx_registry_query_json`.
///
/// Ownership: on success the caller owns `*out_json` (`tx_string_free`).
/// Thread safety: reads `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_query_as_json(
    reg: *const tx_registry,
    operator: *const c_char,
    query_json: *const c_char,
    out_json: *mut *mut c_char,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_ref!(reg);
        let operator = try_str!(operator);
        let query_json = try_str!(query_json);
        let out = try_out!(out_json);
        let query = parse_arg("query_json", query_json)?;
        write_string(out, api::query_as(&reg.inner, operator, query)?)
    })
}

/// Parses a statistic and computes it as `operator` with `f`.
fn stat_as(
    reg: &tx_registry,
    operator: &str,
    text: &str,
    f: impl FnOnce(
        &tongxin::Registry,
        &tongxin::ids::DivisionTable,
        &str,
        Stat,
    ) -> Result<String, api::ApiError>,
) -> Result<String, Failure> {
    let stat: Stat = parse_arg("query_json", text)?;
    Ok(with_bundled_table(|table| {
        f(&reg.inner, table, operator, stat)
    })??)
}

/// `tx_registry_stats_json` as operator `operator`: a statistic about one subtree needs viewer
/// rights at its root; rollups, series and suppressed rollups keep the rows of covered
/// organizations (suppressed over the whole registry first, so a hidden cell stays hidden);
/// coverage lists and counts only covered organizations.
///
/// \param reg        non-NULL handle; only read.
/// \param operator   the operator id.
/// \param query_json the statistic (see `tx_registry_stats_json`).
/// \param out_json   non-NULL; receives the answer on success.
/// \return `TX_STATUS_OK`; `TX_STATUS_ACCESS_DENIED`; otherwise as `tx_registry_stats_json`.
///
/// Ownership: on success the caller owns `*out_json` (`tx_string_free`).
/// Thread safety: reads `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_stats_as_json(
    reg: *const tx_registry,
    operator: *const c_char,
    query_json: *const c_char,
    out_json: *mut *mut c_char,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_ref!(reg);
        let operator = try_str!(operator);
        let query_json = try_str!(query_json);
        let out = try_out!(out_json);
        write_string(out, stat_as(reg, operator, query_json, api::stats_json_as)?)
    })
}

/// `tx_registry_stats_csv` as operator `operator` (what it covers: `tx_registry_stats_as_json`).
///
/// \param reg        non-NULL handle; only read.
/// \param operator   the operator id.
/// \param query_json the statistic.
/// \param out_csv    non-NULL; receives the CSV text on success.
/// \return `TX_STATUS_OK`; `TX_STATUS_ACCESS_DENIED`; otherwise as `tx_registry_stats_csv`.
///
/// Ownership: on success the caller owns `*out_csv` (`tx_string_free`).
/// Thread safety: reads `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_stats_as_csv(
    reg: *const tx_registry,
    operator: *const c_char,
    query_json: *const c_char,
    out_csv: *mut *mut c_char,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_ref!(reg);
        let operator = try_str!(operator);
        let query_json = try_str!(query_json);
        let out = try_out!(out_csv);
        write_string(out, stat_as(reg, operator, query_json, api::stats_csv_as)?)
    })
}

/// `tx_registry_rules_json` as operator `operator`: `check` needs viewer rights at the
/// organization and over the member (unless it has no membership yet); `audit` viewer rights
/// at its root (over the whole registry without one) and keeps covered organizations'
/// violations; `candidates` lists only members the operator covers.
///
/// \param reg        non-NULL handle; only read.
/// \param operator   the operator id.
/// \param query_json the question (see `tx_registry_rules_json`).
/// \param out_json   non-NULL; receives the answer on success.
/// \return `TX_STATUS_OK`; `TX_STATUS_ACCESS_DENIED`; otherwise as `tx_registry_rules_json`.
///
/// Ownership: on success the caller owns `*out_json` (`tx_string_free`).
/// Thread safety: reads `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_rules_as_json(
    reg: *const tx_registry,
    operator: *const c_char,
    query_json: *const c_char,
    out_json: *mut *mut c_char,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_ref!(reg);
        let operator = try_str!(operator);
        let query_json = try_str!(query_json);
        let out = try_out!(out_json);
        let question = parse_arg("query_json", query_json)?;
        write_string(out, api::rules_as(&reg.inner, operator, question)?)
    })
}

/// `tx_registry_export_rosters` as the operator named by the `actor` of `meta_json`: the
/// organizations (a parent outside the grants left empty), members and memberships its grants
/// cover. With `"unmask_resident_ids":true` it needs an administrator grant, covers only the
/// administrator grants, and first appends a `record_unmasked_export` event to the journal
/// (at the meta's `at`) — so the handle is mutable.
///
/// \param reg             non-NULL handle; gains one journal event for an unmasked export.
/// \param meta_json       `{"at":…,"actor":"<operator id>"}`.
/// \param options_json    NULL or the options of `tx_registry_export_rosters`.
/// \param out_orgs        non-NULL; receives `orgs.csv` on success; likewise `out_persons`,
///                        `out_memberships`, `out_enterprises`.
/// \return `TX_STATUS_OK`; `TX_STATUS_ACCESS_DENIED` (nothing journaled); otherwise as
///         `tx_registry_export_rosters`.
///
/// Ownership: on success the caller owns the four buffers (`tx_bytes_free` each).
/// Thread safety: mutates `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_export_rosters_as(
    reg: *mut tx_registry,
    meta_json: *const c_char,
    options_json: *const c_char,
    out_orgs: *mut tx_bytes,
    out_persons: *mut tx_bytes,
    out_memberships: *mut tx_bytes,
    out_enterprises: *mut tx_bytes,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_mut!(reg);
        let meta_json = try_str!(meta_json);
        let options_json = try_opt_str!(options_json);
        let outs: [Out<tx_bytes>; 4] = [
            try_out!(out_orgs),
            try_out!(out_persons),
            try_out!(out_memberships),
            try_out!(out_enterprises),
        ];
        let meta = parse_meta(meta_json)?;
        let o: RosterExportOptions = options(options_json)?;
        write_export(outs, api::export_rosters_as(&mut reg.inner, &meta, &o)?);
        Ok(())
    })
}

/// `tx_registry_export_popolo` as the operator named by the `actor` of `meta_json`, covering
/// and journaling as `tx_registry_export_rosters_as` does.
///
/// \param reg          non-NULL handle; gains one journal event for an unmasked export.
/// \param meta_json    `{"at":…,"actor":"<operator id>"}`.
/// \param options_json NULL or `{"unmask_resident_ids":false}`.
/// \param out_json     non-NULL; receives the document on success.
/// \return `TX_STATUS_OK`; `TX_STATUS_ACCESS_DENIED` (nothing journaled);
///         `TX_STATUS_INVALID_JSON` for bad arguments; binding-level codes.
///
/// Ownership: on success the caller owns `*out_json` (`tx_string_free`).
/// Thread safety: mutates `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_export_popolo_as(
    reg: *mut tx_registry,
    meta_json: *const c_char,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_mut!(reg);
        let meta_json = try_str!(meta_json);
        let options_json = try_opt_str!(options_json);
        let out = try_out!(out_json);
        let meta = parse_meta(meta_json)?;
        let o: PopoloExportOptions = options(options_json)?;
        write_string(out, api::export_popolo_as(&mut reg.inner, &meta, &o)?)
    })
}
