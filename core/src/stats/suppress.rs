//! Publication safety: small cells suppressed, and enough others with them that no hidden cell
//! can be recovered by subtracting visible cells from a total.
//!
//! A cell below the threshold `k` (and above zero) is hidden (primary suppression). A published
//! table also carries equations an attacker can use: a row whose breakdown cells add up to its
//! total, and a parent whose cells equal the sum of its children's (disjoint subtrees). Wherever
//! such an equation has exactly one hidden cell, the smallest other visible cell of it is hidden
//! too (complementary suppression), until no equation has a single hidden cell. An attacker who
//! subtracts visible cells from totals, repeatedly, therefore recovers nothing. (A full
//! linear-algebra attack over many equations at once is not ruled out; tables for publication
//! with many overlapping equations should also go through an audit tool.)

use super::rollup::Rollup;
use crate::registry::Registry;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// One organization's row as published: `None` where a cell is suppressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedRow {
    /// The organization.
    pub org_id: String,
    /// Distinct persons in the subtree, unless suppressed.
    pub total: Option<u64>,
    /// Distinct enterprises, unless suppressed.
    pub enterprises: Option<u64>,
    /// The breakdown, cell by cell.
    pub counts: Vec<Option<u64>>,
}

/// A rollup with small cells suppressed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedRollup {
    /// The day.
    #[serde(with = "crate::date::day")]
    pub as_of: NaiveDate,
    /// The threshold: cells from 1 to `k - 1` are hidden.
    pub k: u64,
    /// Column names of the breakdown.
    pub columns: Vec<String>,
    /// The rows, in the rollup's order.
    pub rows: Vec<PublishedRow>,
    /// Cells hidden for being small.
    pub primary: usize,
    /// Cells hidden to protect the small ones.
    pub complementary: usize,
}

/// The equations of a table over its cells (row-major: total, enterprises, counts…): each is a
/// whole and its parts, kept only where the numbers really add up.
pub fn equations(reg: &Registry, rollup: &Rollup) -> Vec<(usize, Vec<usize>)> {
    let width = 2 + rollup.columns.len();
    let cell = |row: usize, col: usize| row * width + col;
    let value = |row: usize, col: usize| match col {
        0 => rollup.rows[row].total,
        1 => rollup.rows[row].enterprises,
        c => rollup.rows[row].counts[c - 2],
    };
    let mut out = Vec::new();
    for (r, row) in rollup.rows.iter().enumerate() {
        if !row.counts.is_empty() && row.counts.iter().sum::<u64>() == row.total {
            out.push((cell(r, 0), (2..width).map(|c| cell(r, c)).collect()));
        }
    }
    let index: std::collections::HashMap<&str, usize> = rollup
        .rows
        .iter()
        .enumerate()
        .map(|(i, r)| (r.org_id.as_str(), i))
        .collect();
    for (r, row) in rollup.rows.iter().enumerate() {
        let children: Vec<usize> = reg
            .children(&row.org_id, rollup.as_of)
            .unwrap_or_default()
            .into_iter()
            .filter_map(|c| index.get(c).copied())
            .collect();
        if children.is_empty() {
            continue;
        }
        for col in 0..width {
            if children.iter().map(|&c| value(c, col)).sum::<u64>() == value(r, col) {
                out.push((
                    cell(r, col),
                    children.iter().map(|&c| cell(c, col)).collect(),
                ));
            }
        }
    }
    out
}

/// Suppresses the cells of `rollup` below `k` and protects them (see the module docs).
pub fn suppress(reg: &Registry, rollup: &Rollup, k: u64) -> PublishedRollup {
    let width = 2 + rollup.columns.len();
    let values: Vec<u64> = rollup
        .rows
        .iter()
        .flat_map(|r| {
            [r.total, r.enterprises]
                .into_iter()
                .chain(r.counts.iter().copied())
        })
        .collect();
    let mut hidden: Vec<bool> = values.iter().map(|&v| v > 0 && v < k).collect();
    let primary = hidden.iter().filter(|&&h| h).count();
    let eqs = equations(reg, rollup);
    let mut complementary = 0;
    loop {
        let mut changed = false;
        for (whole, parts) in &eqs {
            let cells = std::iter::once(*whole).chain(parts.iter().copied());
            if cells.clone().filter(|&c| hidden[c]).count() != 1 {
                continue;
            }
            // Hide the smallest visible cell, preferring non-zero ones (a zero is usually known).
            let pick = cells
                .filter(|&c| !hidden[c])
                .min_by_key(|&c| (values[c] == 0, values[c]));
            if let Some(c) = pick {
                hidden[c] = true;
                complementary += 1;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let shown = |i: usize| (!hidden[i]).then_some(values[i]);
    let rows = rollup
        .rows
        .iter()
        .enumerate()
        .map(|(r, row)| PublishedRow {
            org_id: row.org_id.clone(),
            total: shown(r * width),
            enterprises: shown(r * width + 1),
            counts: (2..width).map(|c| shown(r * width + c)).collect(),
        })
        .collect();
    PublishedRollup {
        as_of: rollup.as_of,
        k,
        columns: rollup.columns.clone(),
        rows,
        primary,
        complementary,
    }
}
