//! Statistics: a JSON object tagged by `"stat"` onto the `stats` functions, and their results
//! back to the core's serde JSON or to its CSV tables ([`stats::Table`]).

use super::{to_json, ApiCode, ApiError};
use crate::error::Error;
use crate::ids::{DivisionCode, DivisionLevel, DivisionTable};
use crate::registry::Registry;
use crate::stats::{self, Dimension, Every, OrgDimension, Period, Table};
use crate::tagged::tagged_enum;
use crate::vocab::{ActivityKind, AdviceKind, Level, OrgKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

tagged_enum! {
    #[serde(tag = "stat", rename_all = "snake_case", deny_unknown_fields)]
    #[wire(StatWire)]
    /// A statistic to compute; JSON `{"stat": "<core function name>", …fields}`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
    pub enum Stat {
        /// `stats::rollup`.
        Rollup {
            /// The day.
            #[serde(with = "crate::date::day")]
            as_of: NaiveDate,
            /// The breakdown, if any.
            #[serde(default)]
            by: Option<Dimension>,
        },
        /// `stats::org_rollup`.
        OrgRollup {
            /// The day.
            #[serde(with = "crate::date::day")]
            as_of: NaiveDate,
            /// The breakdown.
            by: OrgDimension,
        },
        /// `stats::coverage`, over the bundled division table, optionally extended.
        Coverage(CoverageRequest<String>),
        /// `stats::coverage_areas`: [`Stat::Coverage`] inside each of several areas (`within` a
        /// list; they may nest or repeat), with one pass over the organizations for them all; one
        /// answer per area, in order.
        CoverageAreas(CoverageRequest<Vec<String>>),
        /// `stats::rollup_series` at `stats::period_ends(from, to, every)`.
        Series {
            /// First day.
            #[serde(with = "crate::date::day")]
            from: NaiveDate,
            /// Last day.
            #[serde(with = "crate::date::day")]
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
            #[serde(with = "crate::date::day")]
            from: NaiveDate,
            /// Last day (inclusive).
            #[serde(with = "crate::date::day")]
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
            #[serde(with = "crate::date::day")]
            from: NaiveDate,
            /// Last day (inclusive).
            #[serde(with = "crate::date::day")]
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
            #[serde(with = "crate::date::day")]
            from: NaiveDate,
            /// Last day (inclusive).
            #[serde(with = "crate::date::day")]
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
            #[serde(with = "crate::date::day")]
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
            #[serde(with = "crate::date::day")]
            as_of: NaiveDate,
        },
        /// `stats::suppress` of `stats::rollup`.
        SuppressedRollup {
            /// The day.
            #[serde(with = "crate::date::day")]
            as_of: NaiveDate,
            /// The breakdown, if any.
            #[serde(default)]
            by: Option<Dimension>,
            /// Cells from 1 to `k - 1` are hidden.
            k: u64,
        },
    }
}

/// The fields of a coverage request: `within` is one division code ([`Stat::Coverage`]) or a
/// list of them ([`Stat::CoverageAreas`]), short or padded, `00` for the country.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CoverageRequest<W> {
    /// Kind of organization.
    pub kind: OrgKind,
    /// The division code(s) the rows lie in.
    pub within: W,
    /// Division level of the rows.
    pub level: DivisionLevel,
    /// Only organizations at this level, if given.
    #[serde(default)]
    pub org_level: Option<Level>,
    /// The day.
    #[serde(with = "crate::date::day")]
    pub as_of: NaiveDate,
    /// Street (township) rows, CSV text `code,name,parent_code`, added to the table.
    #[serde(default)]
    pub streets_csv: Option<String>,
    /// Village rows, CSV text `code,name,parent_code`, added after the streets.
    #[serde(default)]
    pub villages_csv: Option<String>,
}

impl<W> CoverageRequest<W> {
    /// `f` over `table` extended by the request's street and village rows, with the request's
    /// kind, level, organization level and day.
    fn over_table<R>(
        &self,
        table: &DivisionTable,
        f: impl FnOnce(
            &DivisionTable,
            OrgKind,
            DivisionLevel,
            Option<Level>,
            NaiveDate,
        ) -> Result<R, Error>,
    ) -> Result<R, ApiError> {
        with_division_table(
            table,
            self.streets_csv.as_deref(),
            self.villages_csv.as_deref(),
            |t| f(t, self.kind, self.level, self.org_level, self.as_of),
        )?
        .map_err(ApiError::from)
    }
}

impl Stat {
    /// The stable name (the `"stat"` tag).
    pub fn name(&self) -> &'static str {
        match self {
            Stat::Rollup { .. } => "rollup",
            Stat::OrgRollup { .. } => "org_rollup",
            Stat::Coverage(_) => "coverage",
            Stat::CoverageAreas(_) => "coverage_areas",
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

    /// Whether the result has a CSV table ([`stats::Table`]).
    pub fn has_table(&self) -> bool {
        matches!(
            self,
            Stat::Rollup { .. }
                | Stat::OrgRollup { .. }
                | Stat::Coverage(_)
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
    CoverageAreas(Vec<stats::Coverage>),
    Series(Vec<stats::Rollup>),
    Growth(Vec<stats::GrowthRow>),
    ActivityTotals(stats::ActivityTotals),
    ActivitiesIn(Vec<&'r crate::model::Activity>),
    AdviceIn(Vec<&'r crate::model::Advice>),
    DesignationsInForce(Vec<(&'r crate::model::Designation, crate::date::Certainty)>),
    DesignationsByLevelYear(Vec<stats::DesignationCount>),
    PoliticalArrangements(stats::PoliticalArrangements),
    SuppressedRollup(stats::PublishedRollup),
}

impl Answer<'_> {
    /// The core result's serde JSON (compact).
    fn json(&self) -> Result<String, ApiError> {
        match self {
            Answer::Rollup(r) => to_json(r),
            Answer::OrgRollup(r) => to_json(r),
            Answer::Coverage(r) => to_json(r),
            Answer::CoverageAreas(r) => to_json(r),
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

/// Runs `f` with `bundled`, extended by the caller's street and village rows (on a copy) when
/// there are some.
fn with_division_table<R>(
    bundled: &DivisionTable,
    streets: Option<&str>,
    villages: Option<&str>,
    f: impl FnOnce(&DivisionTable) -> R,
) -> Result<R, ApiError> {
    if streets.is_none() && villages.is_none() {
        return Ok(f(bundled));
    }
    let mut table = bundled.clone();
    for (field, text) in [("streets_csv", streets), ("villages_csv", villages)] {
        if let Some(text) = text {
            table
                .load_level_csv(text)
                .map_err(|e| division(&e).context(&format!("field `{field}`")))?;
        }
    }
    Ok(f(&table))
}

/// A division code or table problem, as the core's `division` error.
pub(super) fn division(e: &crate::ids::DivisionError) -> ApiError {
    Error::Division {
        detail: e.to_string(),
    }
    .into()
}

/// Computes a statistic with the core.
fn compute<'r>(
    reg: &'r Registry,
    table: &DivisionTable,
    stat: Stat,
) -> Result<Answer<'r>, ApiError> {
    Ok(match stat {
        Stat::Rollup { as_of, by } => Answer::Rollup(stats::rollup(reg, as_of, by)),
        Stat::OrgRollup { as_of, by } => Answer::OrgRollup(stats::org_rollup(reg, as_of, by)),
        Stat::Coverage(r) => {
            let within = DivisionCode::parse(&r.within)
                .map_err(|e| division(&e).context("field `within`"))?;
            Answer::Coverage(r.over_table(table, |t, kind, level, org_level, day| {
                stats::coverage(reg, t, kind, &within, level, org_level, day)
            })?)
        }
        Stat::CoverageAreas(r) => {
            let areas = r
                .within
                .iter()
                .enumerate()
                .map(|(i, w)| {
                    DivisionCode::parse(w)
                        .map_err(|e| division(&e).context(&format!("field `within`, item {i}")))
                })
                .collect::<Result<Vec<_>, _>>()?;
            Answer::CoverageAreas(r.over_table(table, |t, kind, level, org_level, day| {
                stats::coverage_areas(reg, t, kind, &areas, level, org_level, day)
            })?)
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

/// Computes a [`Stat`] over `reg`; the answer is the core result's compact serde JSON.
/// `divisions` is the division table `coverage` reads (usually
/// [`DivisionTable::bundled`]), extended by the request's `streets_csv`/`villages_csv`.
pub fn stats_json(
    reg: &Registry,
    divisions: &DivisionTable,
    stat: Stat,
) -> Result<String, ApiError> {
    compute(reg, divisions, stat)?.json()
}

/// Computes a [`Stat`] over `reg` as its CSV table; `invalid_argument` for a statistic without
/// one (see [`Stat::has_table`]), refused before anything is computed.
pub fn stats_csv(
    reg: &Registry,
    divisions: &DivisionTable,
    stat: Stat,
) -> Result<String, ApiError> {
    csv_of(stat, |stat| compute(reg, divisions, stat))
}

/// The CSV table of a statistic computed by `compute`; `invalid_argument`, before computing,
/// for one without a table.
fn csv_of<'r>(
    stat: Stat,
    compute: impl FnOnce(Stat) -> Result<Answer<'r>, ApiError>,
) -> Result<String, ApiError> {
    let name = stat.name();
    let no_table = || {
        ApiError::new(
            ApiCode::InvalidArgument,
            format!(
                "stat `{name}` has no CSV form (CSV is offered for rollup, org_rollup, coverage, \
                 growth and suppressed_rollup)"
            ),
        )
    };
    if !stat.has_table() {
        return Err(no_table());
    }
    let table = compute(stat)?.table().ok_or_else(no_table)?;
    Ok(table.to_csv())
}

impl Answer<'_> {
    /// Keeps only what `view` covers: rows of covered organizations (at each point of a
    /// series), coverage rows listing only covered organizations (a division is `covered` when
    /// one is left), records of covered organizations.
    fn restrict(&mut self, reg: &Registry, view: &crate::access::View) {
        let sees = |id: &str| reg.org_index(id).is_some_and(|i| view.sees(i));
        match self {
            Answer::Rollup(r) => r.rows.retain(|row| sees(&row.org_id)),
            Answer::OrgRollup(r) => r.rows.retain(|row| sees(&row.org_id)),
            Answer::Series(points) => {
                for r in points {
                    r.rows.retain(|row| sees(&row.org_id));
                }
            }
            Answer::SuppressedRollup(r) => r.rows.retain(|row| sees(&row.org_id)),
            Answer::Coverage(c) => restrict_coverage(c, &sees),
            Answer::CoverageAreas(list) => {
                list.iter_mut().for_each(|c| restrict_coverage(c, &sees))
            }
            Answer::ActivitiesIn(list) => list.retain(|a| sees(&a.org)),
            Answer::AdviceIn(list) => list.retain(|a| sees(&a.org)),
            Answer::DesignationsInForce(list) => list.retain(|(d, _)| sees(&d.org)),
            Answer::Growth(_)
            | Answer::ActivityTotals(_)
            | Answer::DesignationsByLevelYear(_)
            | Answer::PoliticalArrangements(_) => {}
        }
    }
}

/// Keeps in each coverage row only the organizations `sees` covers; a division is `covered`
/// when one is left.
fn restrict_coverage(c: &mut stats::Coverage, sees: &impl Fn(&str) -> bool) {
    for row in &mut c.rows {
        row.organizations.retain(|o| sees(o));
        row.covered = !row.organizations.is_empty();
    }
}

impl Stat {
    /// The subtree root a statistic is asked about, for those that take one.
    fn root(&self) -> Option<&str> {
        match self {
            Stat::Growth { root, .. }
            | Stat::ActivityTotals { root, .. }
            | Stat::ActivitiesIn { root, .. }
            | Stat::AdviceIn { root, .. }
            | Stat::DesignationsInForce { root, .. }
            | Stat::DesignationsByLevelYear { root }
            | Stat::PoliticalArrangements { root, .. } => Some(root),
            _ => None,
        }
    }
}

/// Computes a [`Stat`] as operator `operator` (see [`stats_json_as`]).
fn compute_as<'r>(
    reg: &'r Registry,
    divisions: &DivisionTable,
    operator: &str,
    stat: Stat,
) -> Result<Answer<'r>, ApiError> {
    let access = reg.access(operator, &format!("stat {}", stat.name()))?;
    if let Some(root) = stat.root() {
        access.require_org(crate::access::AccessRole::Viewer, root)?;
    }
    let view = access.view();
    let mut answer = compute(reg, divisions, stat)?;
    answer.restrict(reg, &view);
    Ok(answer)
}

/// [`stats_json`] as operator `operator` ([`crate::access`]): a statistic about one
/// subtree needs viewer rights at its root (its totals are then the same as unscoped); the
/// tables over every organization (rollups, series, suppressed rollups) keep the rows of
/// covered organizations only — a suppressed rollup is suppressed over the whole registry
/// first, so a cell hidden there stays hidden; coverage lists and counts only covered
/// organizations; record lists keep covered organizations' records.
pub fn stats_json_as(
    reg: &Registry,
    divisions: &DivisionTable,
    operator: &str,
    stat: Stat,
) -> Result<String, ApiError> {
    compute_as(reg, divisions, operator, stat)?.json()
}

/// [`stats_csv`] as operator `operator` (what it covers: [`stats_json_as`]).
pub fn stats_csv_as(
    reg: &Registry,
    divisions: &DivisionTable,
    operator: &str,
    stat: Stat,
) -> Result<String, ApiError> {
    csv_of(stat, |stat| compute_as(reg, divisions, operator, stat))
}
