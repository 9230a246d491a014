//! Identifier checks: resident ID numbers, unified social credit codes, division codes.
//!
//! Each function reads a text with the core's parser (`tongxin::ids`) and hands back what the
//! core reads from it as JSON; a text the core refuses gives `TX_STATUS_INVALID_IDENTIFIER` and
//! the core's message.

use crate::error::Failure;
use crate::status::tx_status;
use crate::strings::write_string;
use std::cell::OnceCell;
use std::ffi::c_char;
use tongxin::api;
use tongxin::ids::{DivisionError, DivisionTable};

thread_local! {
    /// The core's bundled division table, read once per thread on first use (reading it takes
    /// milliseconds) and dropped when the thread ends. Per thread, so that no lock is needed and
    /// nothing outlives the threads that used it.
    static BUNDLED: OnceCell<Result<DivisionTable, DivisionError>> = const { OnceCell::new() };
}

/// Runs `f` with the core's bundled division table (`DivisionTable::bundled`).
pub(crate) fn with_bundled_table<R>(f: impl FnOnce(&DivisionTable) -> R) -> Result<R, Failure> {
    let mut f = Some(f);
    let mut run = |table: &Result<DivisionTable, DivisionError>| match (table, f.take()) {
        (Ok(table), Some(f)) => Ok(f(table)),
        (Err(e), _) => Err(Failure::division(e)),
        (Ok(_), None) => Err(Failure::new(
            tx_status::UnknownError,
            "internal error: the division table was used twice",
        )),
    };
    match BUNDLED.try_with(|cell| run(cell.get_or_init(DivisionTable::bundled))) {
        Ok(result) => result,
        // Only while the thread is being torn down: read the table for this call alone.
        Err(_) => run(&DivisionTable::bundled()),
    }
}

/// What `tx_resident_id_check` answers.
/// Runs a core identifier check on the argument `text`.
fn check_text(
    text: &str,
    f: impl FnOnce(&str) -> Result<String, tongxin::api::ApiError>,
) -> Result<String, Failure> {
    f(text).map_err(|e| Failure::from(e).context("argument `text`"))
}

/// Checks a resident ID number (公民身份号码, GB 11643-1999) with the core's parser: 18
/// characters (a lower-case `x` is accepted) or a 15-digit legacy number, which is converted.
///
/// On success `*out_normalized_json` receives
/// `{"number":"…18 characters…","birth_date":"YYYY-MM-DD","sex":"male"|"female","masked":"…"}`:
/// the number in its 18-character form with an upper-case `X`, the birth date and sex it
/// encodes, and the masked form (characters 7–14 hidden), the only form fit for publication.
///
/// \param text                NUL-terminated UTF-8; borrowed for the call. Surrounding spaces
///                            are not removed.
/// \param out_normalized_json non-NULL; receives the JSON on success.
/// \return `TX_STATUS_OK`; `TX_STATUS_INVALID_IDENTIFIER` when the core refuses the text (the
///         message names the character or part, e.g. "argument `text`: check character 18 of
///         the resident ID number is `2`, expected `1` (resident_id_check)"; reasons:
///         `resident_id_length`, `resident_id_character`, `resident_id_province`,
///         `resident_id_birth_date`, `resident_id_check`); binding-level codes.
///
/// Ownership: on success the caller owns `*out_normalized_json` (`tx_string_free`). The number
/// is sensitive personal data: free the answer when done with it.
/// Thread safety: takes no handle; safe from any thread.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_resident_id_check(
    text: *const c_char,
    out_normalized_json: *mut *mut c_char,
) -> tx_status {
    ffi_boundary!(status {
        let text = try_str!(text);
        let out = try_out!(out_normalized_json);
        write_string(out, check_text(text, api::resident_id_info)?)
    })
}

/// Checks a unified social credit code (统一社会信用代码, GB 32100-2015) with the core's parser,
/// including both check characters (18 over the first 17, 17 over the organization code).
///
/// On success `*out_json` receives `{"code","authority","authority_name","category",
/// "category_name","division_code","organization_code"}`: the code upper-cased; the
/// registration authority (character 1) and its name (e.g. `民政`); the category (characters
/// 1–2, e.g. `51`) and its name (e.g. `社会团体`; `null` when the standard names none); the
/// registering division (characters 3–8, six digits); the organization code (characters 9–17).
///
/// \param text     NUL-terminated UTF-8; borrowed for the call. Lower-case letters are accepted.
/// \param out_json non-NULL; receives the JSON on success.
/// \return `TX_STATUS_OK`; `TX_STATUS_INVALID_IDENTIFIER` with the core's message (reasons:
///         `credit_code_length`, `credit_code_character`, `credit_code_authority`,
///         `credit_code_division`, `credit_code_check`, `credit_code_organization_check`);
///         binding-level codes.
///
/// Ownership: on success the caller owns `*out_json` (`tx_string_free`).
/// Thread safety: takes no handle; safe from any thread.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_credit_code_check(
    text: *const c_char,
    out_json: *mut *mut c_char,
) -> tx_status {
    ffi_boundary!(status {
        let text = try_str!(text);
        let out = try_out!(out_json);
        write_string(out, check_text(text, api::credit_code_info)?)
    })
}

/// Checks a division code (统计用区划代码) with the core's parser: 2, 4, 6, 9 or 12 digits, or
/// a padded form (`440300` reads as the city `4403`, `440305003000` as the township
/// `440305003`).
///
/// On success `*out_json` receives `{"code","level","padded6","name"}`: the normalized short
/// form; its level (`province`, `city`, `county`, `township`, `village`, or `national` for the
/// pseudo-code `00`); the six-digit GB/T 2260 form (`null` for township and village codes); and
/// the name from the bundled division table (provinces, cities and counties of NBS 2023), or
/// `null` when the table does not have the code. A well-formed code the table lacks is not an
/// error here.
///
/// \param text     NUL-terminated UTF-8; borrowed for the call.
/// \param out_json non-NULL; receives the JSON on success.
/// \return `TX_STATUS_OK`; `TX_STATUS_INVALID_IDENTIFIER` with the core's message (reasons:
///         `division_character`, `division_length`); binding-level codes.
///
/// Ownership: on success the caller owns `*out_json` (`tx_string_free`).
/// Thread safety: takes no handle; safe from any thread. The first call on a thread reads the
/// bundled table (a few milliseconds); the thread keeps it until it ends.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_division_code_check(
    text: *const c_char,
    out_json: *mut *mut c_char,
) -> tx_status {
    ffi_boundary!(status {
        let text = try_str!(text);
        let out = try_out!(out_json);
        let answer = with_bundled_table(|table| {
            check_text(text, |t| api::division_code_info(t, table))
        })??;
        write_string(out, answer)
    })
}
