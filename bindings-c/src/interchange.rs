//! Roster files (CSV or `.xlsx`, UTF-8 or GBK/GB18030) and Popolo JSON, in and out.
//!
//! C arguments onto the core's `tongxin::api` roster and Popolo functions (which map small JSON
//! option objects onto `tongxin::interchange`), and their results back to JSON or owned bytes.
//! Every reading, checking, ordering and writing rule lives in the core.

use crate::error::{parse_arg, parse_options_arg, Failure, Out};
use crate::registry::tx_registry;
use crate::status::tx_status;
use crate::strings::{tx_bytes, write_string};
use serde::de::DeserializeOwned;
use std::ffi::{c_char, c_void};
use tongxin::api::{
    self, PopoloExportOptions, PopoloImportOptions, RosterBytes, RosterExportOptions,
    RosterImportOptions,
};
use tongxin::Meta;

pub(crate) fn parse_meta(text: &str) -> Result<Meta, Failure> {
    parse_arg("meta_json", text)
}

/// The options argument, checked as an object by the core's `api::parse_options`.
pub(crate) fn options<T: Default + DeserializeOwned>(text: Option<&str>) -> Result<T, Failure> {
    parse_options_arg("options_json", text)
}

/// The roster import options argument: parsed, and its fields checked against each other.
fn import_options(text: Option<&str>) -> Result<RosterImportOptions, Failure> {
    let opts: RosterImportOptions = options(text)?;
    opts.validate()
        .map_err(|e| Failure::from(e).context("argument `options_json`"))?;
    Ok(opts)
}

/// Imports roster files into a registry, all or nothing: organizations (parents first),
/// enterprises, persons, then memberships, through the same validated commands as
/// `tx_registry_apply_json` (the core's `interchange::import_rosters`, or
/// `import_rosters_report` with `"report": true`).
///
/// The files are the core's roster tables (a header row, columns in any order, matched by
/// name): `orgs` (`id, parent_id, level, kind, division_code, founded, dissolved` + optional
/// `name, name_en, carrier, category, relation, area_m2, rooms`), `persons` (`id, party,
/// title, stratum`, `birth_year` or `birth` + optional `name, sex, ethnicity, resident_id,
/// returned_overseas, education, employer, profession`), `memberships` (`person_id, org_id,
/// role, start, end` + optional `founding, source, member_type`), `enterprises` (`id, name,
/// credit_code`). Each buffer is `(pointer, length)`; the bytes need no NUL. A NULL pointer
/// with length 0 means "no such file"; a non-NULL pointer with length 0 is an empty file (an
/// `empty_file` problem).
///
/// `options_json` (NULL for the defaults), every field optional:
/// `{"format":"csv"|"xlsx", "sheet":"…", "sheets":{"orgs":"…","persons":"…","memberships":"…",
/// "enterprises":"…"}, "encoding":"auto"|"utf8"|"gbk"|"gb18030", "unknown_columns":
/// "reject"|"ignore", "drop_masked_resident_ids":false, "report":false, "limits":{…}}`.
/// - `format` `xlsx`: each buffer is an `.xlsx` workbook (the same one may be given for every
///   table); the table is read from its sheet in `sheets`, else `sheet`, else the first sheet.
///   `sheet`/`sheets` with `csv` are an invalid argument.
/// - `encoding` of CSV: `auto` (default) reads a BOM or valid UTF-8 as UTF-8, anything else as
///   GB18030 (which reads GBK).
/// - `unknown_columns`: a header column a table does not know is a problem (`reject`, default)
///   or skipped (`ignore`).
/// - `drop_masked_resident_ids`: a masked resident ID (as exports write) becomes no resident ID
///   instead of a problem.
/// - `report`: `false` stops at the first problem; `true` reads every row and reports every
///   problem (rows depending on a rejected row are counted as skipped, not checked).
/// - `limits`: bounds against hostile files, each optional (an absent one keeps its default):
///   `{"max_file_bytes":536870912, "max_unpacked_bytes":2147483648, "max_rows":10000000,
///   "max_columns":256, "max_field_bytes":65536}` — bytes per buffer (checked before
///   decoding), bytes an `.xlsx` workbook unpacks to, data rows per file or sheet, columns of a
///   header or sheet, UTF-8 bytes per cell. Passing one is a problem with the code
///   `limit_exceeded` (1009) naming the limit, the value seen, the file and the line, e.g.
///   "persons.csv, line 3: data row 2, over the limit max_rows = 1".
///
/// On success `*out_summary_json` receives `{"organizations":n,"enterprises":n,"persons":n,
/// "memberships":n}`: what was added.
///
/// On `TX_STATUS_IMPORT` the registry is unchanged, the message (`tx_last_error_message`) is
/// the first problem as the core words it — file, line (header = 1; an `.xlsx` sheet's row),
/// column, value and reason, e.g. "orgs.csv, line 3, column `founded`, value `2010-13-01`: is
/// not a date YYYY-MM-DD (or YYYY/M/D)" — followed by "(and N more problem(s); see the
/// report)" when there are more, and, when `out_report_json` is not NULL, `*out_report_json`
/// receives the report: `{"errors":[{"file","line","column","value","code","number",
/// "message","rule"}…],"rows_ok":n,"rows_skipped":n}`. `line`, `column`, `value` are `null`
/// when the problem has none; `code`/`number` are the core's stable interchange codes
/// (`encoding` 1001 … `limit_exceeded` 1009 … `invalid_value` 1202 … `rule_violation` 1401);
/// `rule` is `{"code","number"}` of the registry's own error (e.g. `level_order`, 302) for a
/// `rule_violation`, else `null`; `message` is the problem's full text. Without `"report":true`
/// the report holds the one problem found and `rows_ok`/`rows_skipped` are 0 (not counted).
///
/// \param reg                 non-NULL handle; mutated on success only.
/// \param meta_json           `{"at":"YYYY-MM-DDTHH:MM:SS","actor":"…"}` for every command.
/// \param orgs                `orgs_len` bytes, or NULL with 0 (no file); likewise `persons`,
///                            `memberships`, `enterprises`.
/// \param options_json        NULL or the options above.
/// \param out_summary_json    non-NULL; receives the summary on success.
/// \param out_report_json     NULL (no report wanted) or receives the report, written only
///                            when the function returns `TX_STATUS_IMPORT` — a documented
///                            exception to "out-params only on success".
/// \return `TX_STATUS_OK`; `TX_STATUS_IMPORT`; `TX_STATUS_INVALID_JSON` for `meta_json` or
///         `options_json` that is not JSON or has an unknown field or value;
///         `TX_STATUS_INVALID_ARGUMENT` (a sheet with CSV); `TX_STATUS_NULL_ARGUMENT`
///         (including a NULL buffer with a non-zero length); `TX_STATUS_INVALID_UTF8`.
///
/// Ownership: the buffers and strings are borrowed for the call. The caller owns
/// `*out_summary_json` after success and `*out_report_json` after `TX_STATUS_IMPORT`; release
/// each with `tx_string_free`, never `free()`.
/// Thread safety: mutates `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described; each non-NULL buffer valid for reads of its
/// length.
#[allow(clippy::too_many_arguments)]
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_import_rosters(
    reg: *mut tx_registry,
    meta_json: *const c_char,
    orgs: *const u8,
    orgs_len: usize,
    persons: *const u8,
    persons_len: usize,
    memberships: *const u8,
    memberships_len: usize,
    enterprises: *const u8,
    enterprises_len: usize,
    options_json: *const c_char,
    out_summary_json: *mut *mut c_char,
    out_report_json: *mut *mut c_char,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_mut!(reg);
        let meta_json = try_str!(meta_json);
        let files = RosterBytes {
            orgs: try_bytes!(orgs, orgs_len),
            persons: try_bytes!(persons, persons_len),
            memberships: try_bytes!(memberships, memberships_len),
            enterprises: try_bytes!(enterprises, enterprises_len),
        };
        let options_json = try_opt_str!(options_json);
        let out = try_out!(out_summary_json);
        let report_out = opt_out!(out_report_json);
        let meta = parse_meta(meta_json)?;
        let opts = import_options(options_json)?;
        let progress = reg.progress;
        match api::import_rosters_with_progress(&mut reg.inner, &meta, files, &opts, &mut |p| {
            progress.report(p)
        }) {
            Ok(summary) => write_string(out, summary),
            Err(mut e) => {
                if let (Some(report_out), Some(report)) = (report_out, e.report.take()) {
                    write_string(report_out, report)?;
                }
                Err(Failure::from(e))
            }
        }
    })
}

/// Checks roster files against a registry without changing it (a dry run of
/// `tx_registry_import_rosters` in report mode; the core's `interchange::check_rosters`) and
/// lists every problem.
///
/// Arguments as `tx_registry_import_rosters` (the `report` option has no effect: a check
/// always reports everything). On success `*out_report_json` receives the report in the shape
/// `tx_registry_import_rosters` documents, `{"errors":[…],"rows_ok":n,"rows_skipped":n}`;
/// `errors` is empty exactly when the import would succeed. Problems in the files are not a
/// failure of this function: it returns `TX_STATUS_OK` with them in the report.
///
/// \param reg             non-NULL handle; only read.
/// \param meta_json       `{"at":"YYYY-MM-DDTHH:MM:SS","actor":"…"}` the commands are checked
///                        with.
/// \param orgs            `orgs_len` bytes, or NULL with 0 (no file); likewise the others.
/// \param options_json    NULL or the options of `tx_registry_import_rosters`.
/// \param out_report_json non-NULL; receives the report on success.
/// \return `TX_STATUS_OK`; `TX_STATUS_INVALID_JSON`; `TX_STATUS_INVALID_ARGUMENT`;
///         binding-level codes.
///
/// Ownership: inputs are borrowed for the call; on success the caller owns `*out_report_json`
/// (`tx_string_free`).
/// Thread safety: reads `reg` (the check works on a copy); see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described; each non-NULL buffer valid for reads of its
/// length.
#[allow(clippy::too_many_arguments)]
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_check_rosters(
    reg: *const tx_registry,
    meta_json: *const c_char,
    orgs: *const u8,
    orgs_len: usize,
    persons: *const u8,
    persons_len: usize,
    memberships: *const u8,
    memberships_len: usize,
    enterprises: *const u8,
    enterprises_len: usize,
    options_json: *const c_char,
    out_report_json: *mut *mut c_char,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_ref!(reg);
        let meta_json = try_str!(meta_json);
        let files = RosterBytes {
            orgs: try_bytes!(orgs, orgs_len),
            persons: try_bytes!(persons, persons_len),
            memberships: try_bytes!(memberships, memberships_len),
            enterprises: try_bytes!(enterprises, enterprises_len),
        };
        let options_json = try_opt_str!(options_json);
        let out = try_out!(out_report_json);
        let meta = parse_meta(meta_json)?;
        let opts = import_options(options_json)?;
        let progress = reg.progress;
        let report = api::check_rosters_with_progress(&reg.inner, &meta, files, &opts, &mut |p| {
            progress.report(p)
        })?;
        write_string(out, report)
    })
}

/// Writes the registry as the four roster CSV files (the core's `interchange::export_rosters`):
/// the tables `tx_registry_import_rosters` reads, so that exporting with unmasked resident IDs
/// and importing into an empty registry gives the same organizations, persons, enterprises and
/// memberships. The files do not carry designations, activities, advice, affiliations, terms,
/// tags, political posts, parent histories (an organization is written with its current
/// parent) or the journal.
///
/// `options_json` (NULL for the defaults), every field optional:
/// `{"encoding":"utf8"|"gbk"|"gb18030", "bom":false, "unmask_resident_ids":false}`.
/// `encoding` `auto` (the default) writes UTF-8; `bom` starts UTF-8 files with a byte-order
/// mark (Excel needs one). Resident IDs are masked (`440305********123X`) unless
/// `unmask_resident_ids` is true — masked numbers cannot be imported again except with
/// `drop_masked_resident_ids`.
///
/// \param reg             non-NULL handle; only read.
/// \param options_json    NULL or the options above.
/// \param out_orgs        non-NULL; receives `orgs.csv` on success; likewise `out_persons`,
///                        `out_memberships`, `out_enterprises` (`enterprises.csv` is a header
///                        only when the registry has no enterprise). Nothing is written on
///                        failure.
/// \return `TX_STATUS_OK`; `TX_STATUS_EXPORT` (e.g. a character GBK lacks; the message names
///         the file); `TX_STATUS_INVALID_JSON` for bad options; binding-level codes.
///
/// Ownership: on success the caller owns the four buffers and must release each with
/// `tx_bytes_free(b.data, b.len)`, never `free()`. Resident IDs unmasked are sensitive
/// personal data.
/// Thread safety: reads `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_export_rosters(
    reg: *const tx_registry,
    options_json: *const c_char,
    out_orgs: *mut tx_bytes,
    out_persons: *mut tx_bytes,
    out_memberships: *mut tx_bytes,
    out_enterprises: *mut tx_bytes,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_ref!(reg);
        let options_json = try_opt_str!(options_json);
        let outs: [Out<tx_bytes>; 4] = [
            try_out!(out_orgs),
            try_out!(out_persons),
            try_out!(out_memberships),
            try_out!(out_enterprises),
        ];
        let o: RosterExportOptions = options(options_json)?;
        write_export(outs, api::export_rosters(&reg.inner, &o)?);
        Ok(())
    })
}

/// Stage of a roster import reported to a `tx_progress_fn`.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum tx_import_stage {
    /// Reading and checking rows (`done` rows of about `total`, every file together).
    Reading = 0,
    /// Applying the commands the rows became (`done` of `total`).
    Applying = 1,
}

/// A progress callback for roster imports and checks (`tx_registry_set_import_progress`):
/// called with the caller's `user_data`, the stage, and how far it has come — at each stage's
/// start (`done` 0) and end (`done == total`) and every 16,384 rows or commands between. It
/// runs on the calling thread, inside the import; it must return normally (no `longjmp`, no
/// C++ exception) and must not call back into the same handle.
pub type tx_progress_fn = Option<
    unsafe extern "C" fn(user_data: *mut c_void, stage: tx_import_stage, done: u64, total: u64),
>;

/// A handle's progress callback and its user data (the pointer kept as an address: the
/// library never dereferences it, only hands it back).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct ProgressHook {
    callback: tx_progress_fn,
    user_data: usize,
}

impl ProgressHook {
    /// Calls the callback, if one is set.
    pub(crate) fn report(self, p: tongxin::interchange::ImportProgress) {
        if let Some(f) = self.callback {
            let stage = match p.stage {
                tongxin::interchange::ImportStage::Reading => tx_import_stage::Reading,
                tongxin::interchange::ImportStage::Applying => tx_import_stage::Applying,
            };
            // SAFETY: the caller registered `f` for this handle with this user data, and
            // promised it is safe to call with them (see `tx_registry_set_import_progress`).
            unsafe { f(self.user_data as *mut c_void, stage, p.done, p.total) }
        }
    }
}

/// Sets (or, with a NULL `callback`, removes) the progress callback of this handle's roster
/// imports and checks (`tx_registry_import_rosters`, `tx_registry_check_rosters`): rows read,
/// then commands applied (the core's `interchange::import_rosters_with_progress`). For a
/// progress bar; the imports are the same with or without it.
///
/// \param reg       non-NULL handle.
/// \param callback  the callback (see `tx_progress_fn`), or NULL for none.
/// \param user_data handed back to every call, never dereferenced by the library.
/// \return `TX_STATUS_OK`; `TX_STATUS_NULL_ARGUMENT` for a NULL `reg`.
///
/// Ownership: `user_data` stays the caller's; it must stay valid while the callback is set.
/// Thread safety: mutates `reg`; the callback runs on the thread that imports.
///
/// # Safety
/// `reg` must be NULL or a live handle; `callback`, if not NULL, must be safe to call with
/// `user_data` during every later import or check on this handle.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_set_import_progress(
    reg: *mut tx_registry,
    callback: tx_progress_fn,
    user_data: *mut c_void,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_mut!(reg);
        reg.progress = ProgressHook {
            callback,
            user_data: user_data as usize,
        };
        Ok(())
    })
}

/// Hands the four exported files out, in the order orgs, persons, memberships, enterprises.
pub(crate) fn write_export(outs: [Out<tx_bytes>; 4], export: tongxin::interchange::RosterExport) {
    let files = [
        export.orgs,
        export.persons,
        export.memberships,
        export.enterprises,
    ];
    for (out, bytes) in outs.into_iter().zip(files) {
        out.write(tx_bytes::from_vec(bytes));
    }
}

/// Writes the registry as a Popolo JSON document (the core's `interchange::export_popolo`,
/// pretty-printed): persons, organizations (enterprises classified `enterprise`) and
/// memberships as Popolo names them, with what Popolo lacks under each record's `"tongxin"`
/// key, so `tx_registry_import_popolo` restores it.
///
/// `options_json`: NULL, or `{"unmask_resident_ids":false}` (resident IDs are masked unless
/// true).
///
/// \param reg          non-NULL handle; only read.
/// \param options_json NULL or the options above.
/// \param out_json     non-NULL; receives the document on success.
/// \return `TX_STATUS_OK`; `TX_STATUS_INVALID_JSON` for bad options; binding-level codes.
///
/// Ownership: on success the caller owns `*out_json` (`tx_string_free`).
/// Thread safety: reads `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_export_popolo(
    reg: *const tx_registry,
    options_json: *const c_char,
    out_json: *mut *mut c_char,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_ref!(reg);
        let options_json = try_opt_str!(options_json);
        let out = try_out!(out_json);
        let o: PopoloExportOptions = options(options_json)?;
        write_string(out, api::export_popolo(&reg.inner, &o))
    })
}

/// Imports a Popolo JSON document (as `tx_registry_export_popolo` writes it) into a registry,
/// all or nothing, through the same commands and checks as a roster import (the core's
/// `interchange::import_popolo`); stops at the first problem.
///
/// `options_json`: NULL, or `{"encoding":"utf8"|"gbk"|"gb18030", "drop_masked_resident_ids":
/// false}` (`auto`, the default, reads UTF-8).
///
/// \param reg              non-NULL handle; mutated on success only.
/// \param meta_json        `{"at":"YYYY-MM-DDTHH:MM:SS","actor":"…"}` for every command.
/// \param json             `json_len` bytes of the document (no NUL needed); non-NULL.
/// \param json_len         its length.
/// \param options_json     NULL or the options above.
/// \param out_summary_json non-NULL; receives `{"organizations","enterprises","persons",
///                         "memberships"}` (counts added) on success.
/// \return `TX_STATUS_OK`; `TX_STATUS_IMPORT` with the registry unchanged and the core's
///         message naming `popolo.json`, the JSON path of the field as the column (e.g.
///         `persons[3].tongxin.party`) and, for malformed JSON, the line;
///         `TX_STATUS_INVALID_JSON` for bad `meta_json`/`options_json`; binding-level codes.
///
/// Ownership: inputs are borrowed for the call; on success the caller owns
/// `*out_summary_json` (`tx_string_free`).
/// Thread safety: mutates `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described; `json` valid for reads of `json_len` bytes.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_import_popolo(
    reg: *mut tx_registry,
    meta_json: *const c_char,
    json: *const u8,
    json_len: usize,
    options_json: *const c_char,
    out_summary_json: *mut *mut c_char,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_mut!(reg);
        let meta_json = try_str!(meta_json);
        let Some(json) = try_bytes!(json, json_len) else {
            return Err(Failure::null("json"));
        };
        let options_json = try_opt_str!(options_json);
        let out = try_out!(out_summary_json);
        let meta = parse_meta(meta_json)?;
        let o: PopoloImportOptions = options(options_json)?;
        write_string(out, api::import_popolo(&mut reg.inner, &meta, json, &o)?)
    })
}
