//! Statistics over time: rollups at each month or year end, and joins, leaves and returning
//! members per period counted from the journal.

use super::rollup::{Accumulator, Dimension, Rollup};
use super::Period;
use crate::command::Command;
use crate::error::Error;
use crate::model::MemberRef;
use crate::registry::Registry;
use chrono::{Datelike, Months, NaiveDate};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// How often a series takes a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Every {
    /// At each month end.
    Month,
    /// At each year end.
    Year,
}

/// The month or year ends from `from` to `to` (both included when they are such ends).
pub fn period_ends(from: NaiveDate, to: NaiveDate, every: Every) -> Vec<NaiveDate> {
    let step = Months::new(match every {
        Every::Month => 1,
        Every::Year => 12,
    });
    let first_of = |d: NaiveDate| match every {
        Every::Month => NaiveDate::from_ymd_opt(d.year(), d.month(), 1),
        Every::Year => NaiveDate::from_ymd_opt(d.year(), 1, 1),
    };
    let mut out = Vec::new();
    let mut start = first_of(from);
    while let Some(s) = start {
        let Some(end) = s.checked_add_months(step).and_then(|n| n.pred_opt()) else {
            break;
        };
        if end > to {
            break;
        }
        if end >= from {
            out.push(end);
        }
        start = s.checked_add_months(step);
    }
    out
}

/// The [`rollup`](super::rollup()) at each of `points` (sorted and deduplicated first),
/// computed incrementally: between two points only the members whose memberships start or end
/// in between are removed and added again; the pass starts afresh only where an organization
/// moved (the tree changed) and, for [`Dimension::Age`], at every point (ages change daily).
/// Gives exactly the rollups of each point.
pub fn rollup_series(
    reg: &Registry,
    points: &[NaiveDate],
    dimension: Option<Dimension>,
) -> Vec<Rollup> {
    let mut points = points.to_vec();
    points.sort_unstable();
    points.dedup();
    let moves = reg.move_days();
    // Days on which some member's activity may change, with the member.
    let mut person_days: Vec<(NaiveDate, u32)> = Vec::new();
    for (pi, list) in reg.person_membership_lists().iter().enumerate() {
        for &mi in list {
            let m = reg.membership_record(mi);
            person_days.push((m.start, pi as u32));
            person_days.extend(m.end.map(|e| (e, pi as u32)));
        }
    }
    person_days.sort_unstable();
    let mut enterprise_days: Vec<(NaiveDate, u32)> = Vec::new();
    for (ei, list) in reg.enterprise_membership_lists().iter().enumerate() {
        for &mi in list {
            let m = reg.membership_record(mi);
            enterprise_days.push((m.start, ei as u32));
            enterprise_days.extend(m.end.map(|e| (e, ei as u32)));
        }
    }
    enterprise_days.sort_unstable();
    let changed = |days: &[(NaiveDate, u32)], after: NaiveDate, upto: NaiveDate| -> Vec<u32> {
        let a = days.partition_point(|&(d, _)| d <= after);
        let b = days.partition_point(|&(d, _)| d <= upto);
        let mut changed: Vec<u32> = days[a..b].iter().map(|&(_, i)| i).collect();
        changed.sort_unstable();
        changed.dedup();
        changed
    };

    let mut out = Vec::with_capacity(points.len());
    let mut state: Option<(usize, NaiveDate, Accumulator)> = None;
    for &p in &points {
        let segment = moves.partition_point(|&m| m <= p);
        match state.as_mut() {
            Some((seg, prev, acc)) if *seg == segment && dimension != Some(Dimension::Age) => {
                for pi in changed(&person_days, *prev, p) {
                    acc.person(pi, *prev, -1);
                    acc.person(pi, p, 1);
                }
                for ei in changed(&enterprise_days, *prev, p) {
                    acc.enterprise(ei, *prev, -1);
                    acc.enterprise(ei, p, 1);
                }
                *prev = p;
            }
            _ => {
                let start = segment
                    .checked_sub(1)
                    .and_then(|i| moves.get(i).copied())
                    .unwrap_or(NaiveDate::MIN);
                let mut acc = Accumulator::new(reg, reg.forest_from(start), dimension);
                acc.add_everyone(p);
                state = Some((segment, p, acc));
            }
        }
        if let Some((_, _, acc)) = &state {
            out.push(acc.rollup(p));
        }
    }
    out
}

/// Joins, leaves and returning members of a subtree in one period.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrowthRow {
    /// First day of the period.
    #[serde(with = "crate::date::day")]
    pub from: NaiveDate,
    /// Last day of the period (inclusive).
    #[serde(with = "crate::date::day")]
    pub to: NaiveDate,
    /// Memberships begun (join events; role changes are not joins).
    pub joins: u64,
    /// Memberships ended (leave events, recorded ends, closures by dissolution).
    pub leaves: u64,
    /// Joins minus leaves.
    pub net: i64,
    /// Joins by a member who had an earlier, ended membership in the same organization.
    pub returning: u64,
}

/// Joins, leaves, net growth and returning members of the subtree of `root` per period,
/// counted from the journal's events (a role change is neither a join nor a leave, unlike what
/// membership records alone would suggest). Each is placed in the tree of its own day: a join
/// on its first day, a leave on the member's last day.
pub fn growth(reg: &Registry, root: &str, periods: &[Period]) -> Result<Vec<GrowthRow>, Error> {
    super::require_root(reg, root)?;
    let mut rows: Vec<GrowthRow> = periods
        .iter()
        .map(|p| GrowthRow {
            from: p.from,
            to: p.to,
            joins: 0,
            leaves: 0,
            net: 0,
            returning: 0,
        })
        .collect();
    let under = |org: &str, day: NaiveDate| reg.is_within(org, root, day);
    let last_day = |end: NaiveDate| end.pred_opt().unwrap_or(end);
    // Ends recorded explicitly; the remaining ends on a dissolution day were closures by it.
    let mut explicit: BTreeSet<(MemberRef, &str, NaiveDate)> = BTreeSet::new();
    let mut joins: Vec<(NaiveDate, bool, &str)> = Vec::new();
    let mut leaves: Vec<(NaiveDate, &str)> = Vec::new();
    for m in reg.journal_joins() {
        // The organization's id as the registry keeps it (the join's own copy is dropped).
        let Some(org) = reg.organization(&m.org).map(|o| o.id.as_str()) else {
            continue;
        };
        let history = reg.memberships_of(&m.member)?;
        let returning = history
            .iter()
            .any(|h| h.org == org && h.end.is_some_and(|e| e <= m.start));
        joins.push((m.start, returning, org));
        if m.end.is_some() {
            // The recorded end, as possibly shortened by a later dissolution.
            let end = history
                .iter()
                .find(|h| h.org == org && h.start == m.start)
                .and_then(|h| h.end);
            if let Some(end) = end {
                explicit.insert((m.member, org, end));
                leaves.push((end, org));
            }
        }
    }
    let commands = || reg.journal_commands();
    for command in commands() {
        if let Command::Leave { member, org, date } = command {
            explicit.insert((member.clone(), org.as_str(), *date));
            leaves.push((*date, org.as_str()));
        }
    }
    for command in commands() {
        if let Command::DissolveOrganization { id, date } = command {
            for m in reg
                .memberships()
                .filter(|m| &m.org == id && m.end == Some(*date))
            {
                if !explicit.contains(&(m.member.clone(), id.as_str(), *date)) {
                    leaves.push((*date, id.as_str()));
                }
            }
        }
    }
    for row in rows.iter_mut() {
        let period = Period::new(row.from, row.to);
        let inside = |d: NaiveDate| d >= period.from && d <= period.to;
        for &(d, returning, org) in &joins {
            if inside(d) && under(org, d) {
                row.joins += 1;
                row.returning += u64::from(returning);
            }
        }
        for &(d, org) in &leaves {
            if inside(d) && under(org, last_day(d)) {
                row.leaves += 1;
            }
        }
        row.net = row.joins as i64 - row.leaves as i64;
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn period_ends_fall_on_month_and_year_ends() {
        assert_eq!(
            period_ends(d("2024-01-15"), d("2024-04-30"), Every::Month),
            vec![
                d("2024-01-31"),
                d("2024-02-29"),
                d("2024-03-31"),
                d("2024-04-30")
            ]
        );
        assert_eq!(
            period_ends(d("2019-06-01"), d("2022-12-30"), Every::Year),
            vec![d("2019-12-31"), d("2020-12-31"), d("2021-12-31")]
        );
        assert!(period_ends(d("2024-05-02"), d("2024-05-30"), Every::Month).is_empty());
    }
}
