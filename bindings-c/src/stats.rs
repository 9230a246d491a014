//! Statistics over a registry: the JSON and CSV entry points and the typed subtree total.
//!
//! A pure mapping from a JSON object tagged by `"stat"` onto the core's `tongxin::stats`
//! functions, and of their results back to the core's serde JSON or to the core's CSV tables
//! (`stats::Table`). Every number comes from the core.

use crate::error::{Failure, Out};
use crate::ids::with_bundled_table;
use crate::registry::{parse_date, tx_registry};
use crate::status::tx_status;
use crate::strings::write_string;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::ffi::c_char;
use tongxin::ids::{DivisionCode, DivisionLevel, DivisionTable};
use tongxin::stats::{self, Dimension, Every, OrgDimension, Period, Table};
use tongxin::{ActivityKind, AdviceKind, Entity, Error, Level, OrgKind, Registry};

/// A statistic to compute; JSON `{"stat": "<core function name>", …fields}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "stat", rename_all = "snake_case", deny_unknown_fields)]
pub(crate) enum Stat {
    /// `stats::rollup`.
    Rollup {
        /// The day.
        as_of: NaiveDate,
        /// The breakdown, if any.
        #[serde(default)]
        by: Option<Dimension>,
    },
    /// `stats::org_rollup`.
    OrgRollup {
        /// The day.
        as_of: NaiveDate,
        /// The breakdown.
        by: OrgDimension,
    },
    /// `stats::coverage`, over the bundled division table, optionally extended.
    Coverage {
        /// Kind of organization.
        kind: OrgKind,
        /// Division code the rows lie in (short or padded form; `00` for the country).
        within: String,
        /// Division level of the rows.
        level: DivisionLevel,
        /// Only organizations at this level, if given.
        #[serde(default)]
        org_level: Option<Level>,
        /// The day.
        as_of: NaiveDate,
        /// Street (township) rows, CSV text `code,name,parent_code`, added to the table.
        #[serde(default)]
        streets_csv: Option<String>,
        /// Village rows, CSV text `code,name,parent_code`, added after the streets.
        #[serde(default)]
        villages_csv: Option<String>,
    },
    /// `stats::rollup_series` at `stats::period_ends(from, to, every)`.
    Series {
        /// First day.
        from: NaiveDate,
        /// Last day.
        to: NaiveDate,
        /// Month or year ends.
        every: Every,
        /// The breakdown, if any.
        #[serde(default)]
        by: Option<Dimension>,
    },
    /// `stats::growth`.
    Growth {
        /// The subtree's root.
        root: String,
        /// The periods, each `{"from":…,"to":…}`.
        periods: Vec<Period>,
    },
    /// `stats::activity_totals`.
    ActivityTotals {
        /// The subtree's root.
        root: String,
        /// First day.
        from: NaiveDate,
        /// Last day (inclusive).
        to: NaiveDate,
        /// Only this kind, if given.
        #[serde(default)]
        kind: Option<ActivityKind>,
    },
    /// `stats::activities_in`.
    ActivitiesIn {
        /// The subtree's root.
        root: String,
        /// First day.
        from: NaiveDate,
        /// Last day (inclusive).
        to: NaiveDate,
        /// Only this kind, if given.
        #[serde(default)]
        kind: Option<ActivityKind>,
    },
    /// `stats::advice_in`.
    AdviceIn {
        /// The subtree's root.
        root: String,
        /// First day.
        from: NaiveDate,
        /// Last day (inclusive).
        to: NaiveDate,
        /// Only these kinds (all when empty).
        #[serde(default)]
        kinds: Vec<AdviceKind>,
    },
    /// `stats::designations_in_force`.
    DesignationsInForce {
        /// The subtree's root.
        root: String,
        /// The day.
        as_of: NaiveDate,
    },
    /// `stats::designations_by_level_year`.
    DesignationsByLevelYear {
        /// The subtree's root.
        root: String,
    },
    /// `stats::political_arrangements`.
    PoliticalArrangements {
        /// The subtree's root.
        root: String,
        /// The day.
        as_of: NaiveDate,
    },
    /// `stats::suppress` of `stats::rollup`.
    SuppressedRollup {
        /// The day.
        as_of: NaiveDate,
        /// The breakdown, if any.
        #[serde(default)]
        by: Option<Dimension>,
        /// Cells from 1 to `k - 1` are hidden.
        k: u64,
    },
}

impl Stat {
    /// The stable name (the `"stat"` tag).
    fn name(&self) -> &'static str {
        match self {
            Stat::Rollup { .. } => "rollup",
            Stat::OrgRollup { .. } => "org_rollup",
            Stat::Coverage { .. } => "coverage",
            Stat::Series { .. } => "series",
            Stat::Growth { .. } => "growth",
            Stat::ActivityTotals { .. } => "activity_totals",
            Stat::ActivitiesIn { .. } => "activities_in",
            Stat::AdviceIn { .. } => "advice_in",
            Stat::DesignationsInForce { .. } => "designations_in_force",
            Stat::DesignationsByLevelYear { .. } => "designations_by_level_year",
            Stat::PoliticalArrangements { .. } => "political_arrangements",
            Stat::SuppressedRollup { .. } => "suppressed_rollup",
        }
    }

    /// Whether the core has a CSV table (`stats::Table`) for the result.
    fn has_table(&self) -> bool {
        matches!(
            self,
            Stat::Rollup { .. }
                | Stat::OrgRollup { .. }
                | Stat::Coverage { .. }
                | Stat::Growth { .. }
                | Stat::SuppressedRollup { .. }
        )
    }
}

/// A computed statistic: the core's own result.
enum Answer<'r> {
    Rollup(stats::Rollup),
    OrgRollup(stats::OrgRollup),
    Coverage(stats::Coverage),
    Series(Vec<stats::Rollup>),
    Growth(Vec<stats::GrowthRow>),
    ActivityTotals(stats::ActivityTotals),
    ActivitiesIn(Vec<&'r tongxin::Activity>),
    AdviceIn(Vec<&'r tongxin::Advice>),
    DesignationsInForce(Vec<(&'r tongxin::Designation, tongxin::Certainty)>),
    DesignationsByLevelYear(Vec<stats::DesignationCount>),
    PoliticalArrangements(stats::PoliticalArrangements),
    SuppressedRollup(stats::PublishedRollup),
}

fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, Failure> {
    serde_json::to_string(value).map_err(|e| Failure::json("answer", &e))
}

impl Answer<'_> {
    /// The core result's serde JSON (compact).
    fn json(&self) -> Result<String, Failure> {
        match self {
            Answer::Rollup(r) => to_json(r),
            Answer::OrgRollup(r) => to_json(r),
            Answer::Coverage(r) => to_json(r),
            Answer::Series(r) => to_json(r),
            Answer::Growth(r) => to_json(r),
            Answer::ActivityTotals(r) => to_json(r),
            Answer::ActivitiesIn(r) => to_json(r),
            Answer::AdviceIn(r) => to_json(r),
            Answer::DesignationsInForce(r) => to_json(r),
            Answer::DesignationsByLevelYear(r) => to_json(r),
            Answer::PoliticalArrangements(r) => to_json(r),
            Answer::SuppressedRollup(r) => to_json(r),
        }
    }

    /// The core's table of the result, for those that have one.
    fn table(&self) -> Option<Table> {
        match self {
            Answer::Rollup(r) => Some(Table::from(r)),
            Answer::OrgRollup(r) => Some(Table::from(r)),
            Answer::Coverage(r) => Some(Table::from(r)),
            Answer::Growth(r) => Some(Table::from(r.as_slice())),
            Answer::SuppressedRollup(r) => Some(Table::from(r)),
            _ => None,
        }
    }
}

/// Runs `f` with the bundled division table, extended by the caller's street and village rows
/// (on a copy) when there are some.
fn with_division_table<R>(
    streets: Option<&str>,
    villages: Option<&str>,
    f: impl FnOnce(&DivisionTable) -> R,
) -> Result<R, Failure> {
    if streets.is_none() && villages.is_none() {
        return with_bundled_table(f);
    }
    let mut table = with_bundled_table(DivisionTable::clone)?;
    for (field, text) in [("streets_csv", streets), ("villages_csv", villages)] {
        if let Some(text) = text {
            table.load_level_csv(text).map_err(|e| {
                Failure::division(&e).context(&format!("argument `query_json`, field `{field}`"))
            })?;
        }
    }
    Ok(f(&table))
}

/// Computes a statistic with the core.
fn compute(reg: &Registry, stat: Stat) -> Result<Answer<'_>, Failure> {
    Ok(match stat {
        Stat::Rollup { as_of, by } => Answer::Rollup(stats::rollup(reg, as_of, by)),
        Stat::OrgRollup { as_of, by } => Answer::OrgRollup(stats::org_rollup(reg, as_of, by)),
        Stat::Coverage {
            kind,
            within,
            level,
            org_level,
            as_of,
            streets_csv,
            villages_csv,
        } => {
            let within = DivisionCode::parse(&within).map_err(|e| {
                Failure::division(&e).context("argument `query_json`, field `within`")
            })?;
            let coverage =
                with_division_table(streets_csv.as_deref(), villages_csv.as_deref(), |table| {
                    stats::coverage(reg, table, kind, &within, level, org_level, as_of)
                })?;
            Answer::Coverage(coverage?)
        }
        Stat::Series {
            from,
            to,
            every,
            by,
        } => {
            let points = stats::period_ends(from, to, every);
            Answer::Series(stats::rollup_series(reg, &points, by))
        }
        Stat::Growth { root, periods } => Answer::Growth(stats::growth(reg, &root, &periods)?),
        Stat::ActivityTotals {
            root,
            from,
            to,
            kind,
        } => Answer::ActivityTotals(stats::activity_totals(
            reg,
            &root,
            Period::new(from, to),
            kind,
        )?),
        Stat::ActivitiesIn {
            root,
            from,
            to,
            kind,
        } => Answer::ActivitiesIn(stats::activities_in(
            reg,
            &root,
            Period::new(from, to),
            kind,
        )?),
        Stat::AdviceIn {
            root,
            from,
            to,
            kinds,
        } => Answer::AdviceIn(stats::advice_in(reg, &root, Period::new(from, to), &kinds)?),
        Stat::DesignationsInForce { root, as_of } => {
            Answer::DesignationsInForce(stats::designations_in_force(reg, &root, as_of)?)
        }
        Stat::DesignationsByLevelYear { root } => {
            Answer::DesignationsByLevelYear(stats::designations_by_level_year(reg, &root)?)
        }
        Stat::PoliticalArrangements { root, as_of } => {
            Answer::PoliticalArrangements(stats::political_arrangements(reg, &root, as_of)?)
        }
        Stat::SuppressedRollup { as_of, by, k } => {
            let rollup = stats::rollup(reg, as_of, by);
            Answer::SuppressedRollup(stats::suppress(reg, &rollup, k))
        }
    })
}

fn parse_stat(text: &str) -> Result<Stat, Failure> {
    serde_json::from_str(text).map_err(|e| Failure::json("query_json", &e))
}

/// Parses `text` as a [`Stat`] and answers it from `reg` as the core result's JSON.
pub(crate) fn answer_json(reg: &Registry, text: &str) -> Result<String, Failure> {
    compute(reg, parse_stat(text)?)?.json()
}

/// Parses `text` as a [`Stat`] and answers it from `reg` as the core's CSV table.
pub(crate) fn answer_csv(reg: &Registry, text: &str) -> Result<String, Failure> {
    let stat = parse_stat(text)?;
    if !stat.has_table() {
        return Err(Failure::invalid(
            "query_json",
            format!(
                "stat `{}` has no CSV form (CSV is offered for rollup, org_rollup, coverage, \
                 growth and suppressed_rollup); ask tx_registry_stats_json",
                stat.name()
            ),
        ));
    }
    match compute(reg, stat)?.table() {
        Some(table) => Ok(table.to_csv()),
        None => Err(Failure::new(
            tx_status::UnknownError,
            "internal error: a tabular statistic gave no table",
        )),
    }
}

/// Distinct persons active on `day` anywhere in the subtree of `org_id`, from the core's
/// rollup row (0 when the organization does not exist that day).
fn rollup_total(reg: &Registry, org_id: &str, day: NaiveDate) -> Result<u64, Failure> {
    if reg.organization(org_id).is_none() {
        return Err(Error::NotFound {
            entity: Entity::Organization,
            id: org_id.to_string(),
        }
        .into());
    }
    let rollup = stats::rollup(reg, day, None);
    Ok(rollup.row(org_id).map_or(0, |row| row.total))
}

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
        let answer = answer_json(&reg.inner, query_json)?;
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
        let answer = answer_csv(&reg.inner, query_json)?;
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
        write_count(out, rollup_total(reg, org_id, day)?)
    })
}
