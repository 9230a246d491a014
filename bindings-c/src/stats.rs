//! Statistics over a registry: the JSON and CSV entry points and the typed subtree total.
//!
//! The request types and their answers are the core's (`tongxin::api::Stat`,
//! `api::stats_json`, `api::stats_csv`); every number comes from the core.

use crate::error::{parse_arg, Failure, Out};
use crate::ids::with_bundled_table;
use crate::registry::{parse_date, tx_registry};
use crate::status::tx_status;
use crate::strings::write_string;
use std::ffi::c_char;
use tongxin::api::{self, ApiError, Stat};
use tongxin::ids::DivisionTable;
use tongxin::stats;
use tongxin::Registry;

/// Parses the statistic of `query_json` and computes it with `f` (the core's
/// `api::stats_json` or `api::stats_csv`) over the bundled division table.
fn answer(
    reg: &Registry,
    text: &str,
    f: impl FnOnce(&Registry, &DivisionTable, Stat) -> Result<String, ApiError>,
) -> Result<String, Failure> {
    let stat: Stat = parse_arg("query_json", text)?;
    Ok(with_bundled_table(|table| f(reg, table, stat))??)
}

/// Distinct persons active on `day` anywhere in the subtree of `org_id`, from the core's
/// rollup row (0 when the organization does not exist that day).
fn write_count(out: Out<usize>, n: u64) -> Result<(), Failure> {
    match usize::try_from(n) {
        Ok(n) => {
            out.write(n);
            Ok(())
        }
        Err(_) => Err(Failure::new(
            tx_status::UnknownError,
            format!("internal error: the count {n} does not fit a size_t"),
        )),
    }
}

/// Computes a statistic given as a JSON object tagged by `"stat"`; the answer is the core
/// result's serde JSON (compact; the same bytes as `serde_json::to_string` of the core's result
/// in Rust). Field names and values are the core's snake_case names; dates are `YYYY-MM-DD`.
///
/// | stat | fields | answer (core) |
/// |---|---|---|
/// | `rollup` | `as_of`, `by`? | `stats::rollup`: `{"as_of","dimension","columns","rows":[{"org_id","total","enterprises","counts"}]}` |
/// | `org_rollup` | `as_of`, `by` | `stats::org_rollup` (organizations per subtree) |
/// | `coverage` | `kind`, `within`, `level`, `org_level`?, `as_of`, `streets_csv`?, `villages_csv`? | `stats::coverage` |
/// | `coverage_areas` | as `coverage`, with `within` a list of division codes | `stats::coverage_areas`: one coverage per area, in order, from one pass over the organizations |
/// | `series` | `from`, `to`, `every`, `by`? | `stats::rollup_series` at `stats::period_ends(from, to, every)`: an array of rollups |
/// | `growth` | `root`, `periods` (`[{"from","to"}]`) | `stats::growth`: joins, leaves, net, returning per period |
/// | `activity_totals` | `root`, `from`, `to`, `kind`? | `stats::activity_totals` |
/// | `activities_in` | `root`, `from`, `to`, `kind`? | `stats::activities_in`: activity records |
/// | `advice_in` | `root`, `from`, `to`, `kinds`? | `stats::advice_in`: advice records |
/// | `designations_in_force` | `root`, `as_of` | `stats::designations_in_force`: `[[designation, certainty]]` |
/// | `designations_by_level_year` | `root` | `stats::designations_by_level_year` |
/// | `political_arrangements` | `root`, `as_of` | `stats::political_arrangements` |
/// | `suppressed_rollup` | `as_of`, `by`?, `k` | `stats::suppress(stats::rollup(as_of, by), k)`: hidden cells are `null` |
///
/// - `by` (rollups): `party`, `title`, `stratum`, `sex`, `age`, `ethnicity`, `role`, `level`,
///   `kind`; for `org_rollup`: `kind`, `level`, `carrier`. `every`: `month` or `year`.
/// - `coverage`: `kind` is an organization kind; `within` a division code (short or padded,
///   `00` for the whole country); `level` a division level (`province`, `city`, `county`,
///   `township`, `village`); `org_level` an organization level. The division table is the
///   bundled one (provinces, cities, counties of NBS 2023), extended by `streets_csv` and then
///   `villages_csv` when given: CSV text with header `code,name,parent_code`, as the core's
///   `DivisionTable::load_level_csv` reads it (township and village coverage need them).
/// - Example: `{"stat":"rollup","as_of":"2024-05-31","by":"party"}`.
///
/// Cost: that of the core function; a rollup is one pass over all memberships
/// (O(memberships × depth + organizations × columns)), a series is computed incrementally.
///
/// \param reg        non-NULL handle; only read.
/// \param query_json the statistic, NUL-terminated UTF-8; borrowed for the call.
/// \param out_json   non-NULL; receives the answer on success.
/// \return `TX_STATUS_OK`; `TX_STATUS_INVALID_JSON` for text that is not JSON, an unknown
///         `stat`, a missing or unknown field, or a bad value (date, dimension, kind …);
///         `TX_STATUS_NOT_FOUND` for an unknown `root`; `TX_STATUS_DIVISION` for a malformed
///         `within`, a street/village CSV the core refuses, or a `level` the table lacks;
///         binding-level codes.
///
/// Ownership: on success the caller owns `*out_json`; release it with `tx_string_free`, never
/// `free()`.
/// Thread safety: reads `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_stats_json(
    reg: *const tx_registry,
    query_json: *const c_char,
    out_json: *mut *mut c_char,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_ref!(reg);
        let query_json = try_str!(query_json);
        let out = try_out!(out_json);
        let answer = answer(&reg.inner, query_json, api::stats_json)?;
        write_string(out, answer)
    })
}

/// Computes a statistic (the same JSON query as `tx_registry_stats_json`) and gives the core's
/// CSV table of it (`stats::Table::to_csv`: a header row, then one row per line, RFC 4180
/// quoting, `\n` line ends, suppressed cells as `*`).
///
/// Offered for the tabular statistics: `rollup` (`org_id,total,<columns>,enterprises`),
/// `org_rollup` (`org_id,organizations,<columns>`), `coverage`
/// (`division_code,name,covered,organizations`), `growth`
/// (`from,to,joins,leaves,net,returning`) and `suppressed_rollup`. The others have no table in
/// the core and give `TX_STATUS_INVALID_ARGUMENT` (before anything is computed).
///
/// \param reg        non-NULL handle; only read.
/// \param query_json the statistic, NUL-terminated UTF-8; borrowed for the call.
/// \param out_csv    non-NULL; receives the CSV text on success.
/// \return as `tx_registry_stats_json`, and `TX_STATUS_INVALID_ARGUMENT` for a statistic
///         without a CSV form.
///
/// Ownership: on success the caller owns `*out_csv` (`tx_string_free`).
/// Thread safety: reads `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_stats_csv(
    reg: *const tx_registry,
    query_json: *const c_char,
    out_csv: *mut *mut c_char,
) -> tx_status {
    ffi_boundary!(status {
        let reg = try_ref!(reg);
        let query_json = try_str!(query_json);
        let out = try_out!(out_csv);
        let answer = answer(&reg.inner, query_json, api::stats_csv)?;
        write_string(out, answer)
    })
}

/// Number of distinct persons active on `date` anywhere in the subtree of an organization (the
/// tree of that day; a person in several of its organizations counts once; enterprises are not
/// counted): the `total` of the organization's row in the core's `stats::rollup`.
///
/// Cost: each call runs the core's whole rollup, O(memberships × depth + organizations), for
/// one row. To read many organizations' totals for one day, ask `tx_registry_stats_json` for
/// `{"stat":"rollup","as_of":…}` once instead. (`tx_registry_member_count` with scope
/// `subtree` counts persons and enterprises together, from the subtree's memberships only.)
///
/// \param reg    non-NULL handle; only read.
/// \param org_id the organization.
/// \param date   the day asked, `YYYY-MM-DD`.
/// \param out    non-NULL; receives the count on success (0 when the organization does not
///               exist that day).
/// \return `TX_STATUS_OK`; `TX_STATUS_NOT_FOUND` for an unknown organization;
///         `TX_STATUS_INVALID_ARGUMENT` for a bad date; binding-level codes.
///
/// Ownership: nothing is handed out.
/// Thread safety: reads `reg`; see `tx_registry`.
///
/// # Safety
/// Pointers must be NULL or valid as described.
#[must_use]
#[unsafe(no_mangle)]
pub unsafe extern "C" fn tx_registry_rollup_total(
    reg: *const tx_registry,
    org_id: *const c_char,
    date: *const c_char,
    out: *mut usize,
) -> tx_status {
    ffi_boundary!(status {
        let reg = &try_ref!(reg).inner;
        let (org_id, date) = (try_str!(org_id), try_str!(date));
        let out = try_out!(out);
        let day = parse_date("date", date)?;
        write_count(out, stats::rollup_total(reg, org_id, day)?)
    })
}
