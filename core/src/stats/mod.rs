//! Statistics over a registry: the numbers departments report (DESIGN §Statistics).
//!
//! Every statistic is asked "as of" a day or over a period, and sees the tree of the day each
//! fact happened: an activity held by a branch in 2019 counts for the association the branch was
//! part of in 2019, even if the branch moved since. Records whose date is known only to the month
//! or year count in a period when they *certainly* fall inside it.

mod rollup;
mod series;
mod suppress;
mod table;
pub use rollup::*;
pub use series::*;
pub use suppress::*;
pub use table::*;

use crate::date::{Certainty, PartialDate};
use crate::error::Error;
use crate::ids::{DivisionCode, DivisionLevel, DivisionTable};
use crate::model::{Activity, Advice, Designation};
use crate::registry::Registry;
use crate::vocab::{ActivityKind, AdviceKind};
use crate::vocab::{Level, OrgKind, PoliticalBody};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};

/// An inclusive range of days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    /// First day.
    #[serde(with = "crate::date::day")]
    pub from: NaiveDate,
    /// Last day (inclusive).
    #[serde(with = "crate::date::day")]
    pub to: NaiveDate,
}

impl Period {
    /// The period from `from` to `to`, both included.
    pub fn new(from: NaiveDate, to: NaiveDate) -> Self {
        Period { from, to }
    }

    /// The period a partial date stands for (a month, a year, a day).
    pub fn of(date: PartialDate) -> Self {
        Period {
            from: date.earliest(),
            to: date.latest(),
        }
    }

    /// Whether the partial date falls inside the period, certainly or possibly.
    pub fn holds(&self, date: PartialDate) -> Certainty {
        if date.earliest() >= self.from && date.latest() <= self.to {
            Certainty::Certainly
        } else if date.latest() < self.from || date.earliest() > self.to {
            Certainty::No
        } else {
            Certainty::Possibly
        }
    }
}

/// Totals of activities (活动) in a subtree and period.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActivityTotals {
    /// Number of activities.
    pub events: u64,
    /// Participants on site.
    pub participants_offline: u64,
    /// Participants online.
    pub participants_online: u64,
    /// Persons served (服务人次).
    pub persons_served: u64,
    /// Visiting delegations received (批次).
    pub delegations: u64,
}

impl ActivityTotals {
    /// Participants on site and online.
    pub fn participants(&self) -> u64 {
        self.participants_offline + self.participants_online
    }

    fn add(&mut self, a: &Activity) {
        self.events += 1;
        self.participants_offline += u64::from(a.participants_offline);
        self.participants_online += u64::from(a.participants_online);
        self.persons_served += u64::from(a.persons_served);
        self.delegations += u64::from(a.delegations);
    }
}

/// Fails with `not_found` unless `root` names an organization.
pub(crate) fn require_root(reg: &Registry, root: &str) -> Result<(), Error> {
    reg.org_index(root)
        .map(|_| ())
        .ok_or_else(|| Error::not_found(crate::error::Entity::Organization, root))
}

/// The day a dated record is placed in the tree: its first possible day, but not before the
/// organization existed.
fn placement_day(reg: &Registry, org: &str, date: PartialDate) -> NaiveDate {
    let founded = reg.organization(org).map_or(NaiveDate::MIN, |o| o.founded);
    date.earliest().max(founded)
}

/// Activities of the subtree of `root` certainly inside `period`, optionally of one kind, each
/// counted under the tree of its own day.
pub fn activities_in<'r>(
    reg: &'r Registry,
    root: &str,
    period: Period,
    kind: Option<ActivityKind>,
) -> Result<Vec<&'r Activity>, Error> {
    require_root(reg, root)?;
    Ok(reg
        .activities()
        .filter(|a| kind.is_none_or(|k| a.kind == k))
        .filter(|a| period.holds(a.date) == Certainty::Certainly)
        .filter(|a| reg.is_within(&a.org, root, placement_day(reg, &a.org, a.date)))
        .collect())
}

/// Totals of [`activities_in`].
pub fn activity_totals(
    reg: &Registry,
    root: &str,
    period: Period,
    kind: Option<ActivityKind>,
) -> Result<ActivityTotals, Error> {
    let mut t = ActivityTotals::default();
    for a in activities_in(reg, root, period, kind)? {
        t.add(a);
    }
    Ok(t)
}

/// Advice records of the subtree of `root` certainly inside `period`, optionally of some kinds.
pub fn advice_in<'r>(
    reg: &'r Registry,
    root: &str,
    period: Period,
    kinds: &[AdviceKind],
) -> Result<Vec<&'r Advice>, Error> {
    require_root(reg, root)?;
    Ok(reg
        .advice_records()
        .filter(|a| kinds.is_empty() || kinds.contains(&a.kind))
        .filter(|a| period.holds(a.date) == Certainty::Certainly)
        .filter(|a| reg.is_within(&a.org, root, placement_day(reg, &a.org, a.date)))
        .collect())
}

/// Designations held on `day` by organizations of the subtree of `root` (the tree of that day),
/// with how sure that is when the dates are partial; those certainly not in force are left out.
pub fn designations_in_force<'r>(
    reg: &'r Registry,
    root: &str,
    day: NaiveDate,
) -> Result<Vec<(&'r Designation, Certainty)>, Error> {
    let subtree = reg.subtree(root, day)?;
    let mut out = Vec::new();
    for org in subtree {
        for d in reg.designations_of(org)? {
            let c = d.conferred.in_force(d.revoked, day);
            if c != Certainty::No {
                out.push((d, c));
            }
        }
    }
    Ok(out)
}

/// One division's line in a [`Coverage`] table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CoverageRow {
    /// The division's code.
    pub division_code: String,
    /// Its name.
    pub name: String,
    /// Whether at least one qualifying organization is active in it.
    pub covered: bool,
    /// The qualifying organizations in it (ids, in the order they were added).
    pub organizations: Vec<String>,
}

/// Which divisions of a level have an active organization of a kind ("区一级全覆盖").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Coverage {
    /// The kind asked about.
    pub kind: OrgKind,
    /// The division level of the rows.
    pub level: DivisionLevel,
    /// The day.
    #[serde(with = "crate::date::day")]
    pub as_of: NaiveDate,
    /// One row per division of `level` inside the division asked about, sorted by code.
    pub rows: Vec<CoverageRow>,
}

impl Coverage {
    /// Number of covered divisions.
    pub fn covered(&self) -> usize {
        self.rows.iter().filter(|r| r.covered).count()
    }

    /// Covered divisions over all divisions (1.0 for an empty table).
    pub fn share(&self) -> f64 {
        if self.rows.is_empty() {
            1.0
        } else {
            self.covered() as f64 / self.rows.len() as f64
        }
    }

    /// The divisions not covered.
    pub fn uncovered(&self) -> impl Iterator<Item = &CoverageRow> {
        self.rows.iter().filter(|r| !r.covered)
    }
}

/// Coverage of the divisions of `level` inside `within` by organizations of `kind` active on
/// `day` (optionally only those at organization level `org_level`). An organization covers the
/// division of `level` that contains its own division code (declared functional areas count
/// under their declared parent). A table row whose code is the padded form of a higher
/// division (金门县's placeholder township `350527000`, 东莞市's county row `441900`) stands for
/// that division and is not listed at `level`. O(organizations × depth + divisions).
pub fn coverage(
    reg: &Registry,
    table: &DivisionTable,
    kind: OrgKind,
    within: &DivisionCode,
    level: DivisionLevel,
    org_level: Option<Level>,
    day: NaiveDate,
) -> Result<Coverage, Error> {
    let mut all = coverage_areas(
        reg,
        table,
        kind,
        std::slice::from_ref(within),
        level,
        org_level,
        day,
    )?;
    Ok(all.pop().unwrap_or(Coverage {
        kind,
        level,
        as_of: day,
        rows: Vec::new(),
    }))
}

/// [`coverage`] inside each of `areas` (one result per area, in order), with one pass over the
/// organizations for them all: the per-province questions of a national registry read its
/// organizations once instead of once per province. Areas may nest or repeat; each gets what
/// [`coverage`] gives it.
pub fn coverage_areas(
    reg: &Registry,
    table: &DivisionTable,
    kind: OrgKind,
    areas: &[DivisionCode],
    level: DivisionLevel,
    org_level: Option<Level>,
    day: NaiveDate,
) -> Result<Vec<Coverage>, Error> {
    if !table.has_level(level) && !table.iter().any(|e| e.level == level) {
        return Err(Error::Division {
            detail: format!(
                "level {} is not loaded in the division table ({})",
                level.as_str(),
                table.edition()
            ),
        });
    }
    let mut found: Vec<AreaRows> = areas
        .iter()
        .map(|within| AreaRows::new(table, within, level))
        .collect();
    // Codes inside an area share its digits, except under declared functional areas, whose
    // codes the host chooses: only then must every organization's lineage be looked up in the
    // table; otherwise a code's ancestors are its prefixes (stored codes are in short form),
    // and the areas an organization is in are found by its code's prefixes.
    let functional = table.iter().any(|e| e.functional);
    let by_prefix = |within: &DivisionCode| !within.is_national() && !functional;
    let (prefixed, lineage): (Vec<usize>, Vec<usize>) =
        (0..areas.len()).partition(|&i| by_prefix(&areas[i]));
    // With many areas, those an organization's code is in are found by hashing its prefixes
    // of the areas' lengths; with a few, by comparing.
    let mut by_code: HashMap<&str, Vec<usize>> = HashMap::new();
    if prefixed.len() > 8 {
        for &i in &prefixed {
            by_code.entry(areas[i].as_str()).or_default().push(i);
        }
    }
    let mut lengths: Vec<usize> = by_code.keys().map(|k| k.len()).collect();
    lengths.sort_unstable();
    lengths.dedup();
    for org in reg.organizations() {
        if org.kind != kind || !org.active_on(day) || org_level.is_some_and(|l| org.level != l) {
            continue;
        }
        let code = org.division_code.as_str();
        if by_code.is_empty() {
            for &i in &prefixed {
                if code.starts_with(areas[i].as_str()) {
                    found[i].cover_code(code, &org.id);
                }
            }
        } else {
            for &n in &lengths {
                for &i in code
                    .get(..n)
                    .and_then(|p| by_code.get(p))
                    .into_iter()
                    .flatten()
                {
                    found[i].cover_code(code, &org.id);
                }
            }
        }
        if lineage.is_empty() {
            continue;
        }
        let Ok(parsed) = DivisionCode::parse(code) else {
            continue;
        };
        let ancestors: Vec<DivisionCode> = std::iter::once(parsed.clone())
            .chain(table.ancestors(&parsed).into_iter().map(|e| e.code.clone()))
            .collect();
        for &i in &lineage {
            let area = &mut found[i];
            let row = ancestors
                .iter()
                .find_map(|c| area.position.get(c.as_str()).copied());
            area.cover(row, &org.id);
        }
    }
    Ok(found
        .into_iter()
        .map(|area| Coverage {
            kind,
            level,
            as_of: day,
            rows: area.rows,
        })
        .collect())
}

/// The rows of one area of [`coverage_areas`] and their positions by division code.
struct AreaRows {
    rows: Vec<CoverageRow>,
    position: HashMap<String, usize>,
}

impl AreaRows {
    /// Every division of `level` under `within`, by walking down the table, uncovered.
    fn new(table: &DivisionTable, within: &DivisionCode, level: DivisionLevel) -> Self {
        let mut rows: BTreeMap<DivisionCode, CoverageRow> = BTreeMap::new();
        let mut frontier: Vec<DivisionCode> = vec![within.clone()];
        while let Some(code) = frontier.pop() {
            if code.level() == level || table.get(&code).is_some_and(|e| e.level == level) {
                // A row whose code is the padded form of a higher division (金门县's
                // placeholder township 350527000, 东莞市's county row 441900) is that
                // division: organizations given its code are normalised to the higher one, so
                // no organization could ever cover it at this level. It is not listed.
                if DivisionCode::parse(code.as_str()).is_ok_and(|c| c != code) {
                    continue;
                }
                rows.insert(
                    code.clone(),
                    CoverageRow {
                        division_code: code.as_str().to_string(),
                        name: table.name(&code).unwrap_or_default().to_string(),
                        covered: false,
                        organizations: Vec::new(),
                    },
                );
            } else if code.level() < level || code.is_national() {
                frontier.extend(table.children(&code).into_iter().map(|e| e.code.clone()));
            }
        }
        let rows: Vec<CoverageRow> = rows.into_values().collect();
        let position = rows
            .iter()
            .enumerate()
            .map(|(i, r)| (r.division_code.clone(), i))
            .collect();
        AreaRows { rows, position }
    }

    /// Marks the row of the organization `id` covered, found by the prefixes of its `code`.
    fn cover_code(&mut self, code: &str, id: &str) {
        let row = [12, 9, 6, 4, 2]
            .into_iter()
            .filter_map(|n| code.get(..n))
            .find_map(|prefix| self.position.get(prefix))
            .copied();
        self.cover(row, id);
    }

    /// Marks row `row`, if any, covered by the organization `id`.
    fn cover(&mut self, row: Option<usize>, id: &str) {
        if let Some(row) = row.and_then(|i| self.rows.get_mut(i)) {
            row.covered = true;
            row.organizations.push(id.to_string());
        }
    }
}

/// Designations conferred on the organizations of a subtree, counted by issuer level and year
/// of conferral (each placed in the tree of its conferral day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DesignationCount {
    /// Level of the issuer.
    pub level: Level,
    /// Year conferred.
    pub year: i32,
    /// How many.
    pub count: u64,
}

/// Designations of the subtree of `root` by level and year, sorted by level then year;
/// revoked ones included (they were conferred).
pub fn designations_by_level_year(
    reg: &Registry,
    root: &str,
) -> Result<Vec<DesignationCount>, Error> {
    require_root(reg, root)?;
    let mut counts: BTreeMap<(Level, i32), u64> = BTreeMap::new();
    for d in reg.designations() {
        if reg.is_within(&d.org, root, placement_day(reg, &d.org, d.conferred)) {
            *counts
                .entry((d.level, d.conferred.year_number()))
                .or_default() += 1;
        }
    }
    Ok(counts
        .into_iter()
        .map(|((level, year), count)| DesignationCount { level, year, count })
        .collect())
}

/// Distinct active members of a subtree holding political posts on a day.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoliticalArrangements {
    /// Persons holding at least one NPC or CPPCC post (each counted once).
    pub persons: u64,
    /// Persons holding an NPC post.
    pub npc: u64,
    /// Persons holding a CPPCC post.
    pub cppcc: u64,
    /// Persons by the highest level of post they hold, indexed like [`Level::ALL`].
    pub by_level: Vec<u64>,
}

/// Members active on `day` anywhere in the subtree of `root` who certainly hold an NPC or CPPCC
/// post that day.
pub fn political_arrangements(
    reg: &Registry,
    root: &str,
    day: NaiveDate,
) -> Result<PoliticalArrangements, Error> {
    let mut out = PoliticalArrangements {
        by_level: vec![0; Level::ALL.len()],
        ..Default::default()
    };
    for m in reg.members(root, day, crate::registry::MemberScope::Subtree)? {
        let Some(p) = reg.person(m.id()) else {
            continue;
        };
        let held: Vec<_> = p
            .political_posts
            .iter()
            .filter(|post| post.held_on(day) == Certainty::Certainly)
            .collect();
        let Some(top) = held.iter().map(|post| post.level).min() else {
            continue;
        };
        out.persons += 1;
        out.npc += u64::from(held.iter().any(|x| x.body == PoliticalBody::Npc));
        out.cppcc += u64::from(held.iter().any(|x| x.body == PoliticalBody::Cppcc));
        out.by_level[top.index()] += 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn periods_hold_partial_dates() {
        let p = Period::new(day("2017-08-01"), day("2023-06-30"));
        let month = |s: &str| s.parse::<PartialDate>().unwrap();
        assert_eq!(p.holds(month("2017-08")), Certainty::Certainly);
        assert_eq!(p.holds(month("2023-06")), Certainty::Certainly);
        assert_eq!(p.holds(month("2023")), Certainty::Possibly);
        assert_eq!(p.holds(month("2017-07")), Certainty::No);
        assert_eq!(Period::of(month("2024")).to, day("2024-12-31"));
    }
}
