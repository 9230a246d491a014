//! Results as plain tables with stable column names, for CSV output (JSON output is the serde
//! form of the typed results themselves).

use super::{Coverage, GrowthRow, OrgRollup, PublishedRollup, Rollup};
use serde::{Deserialize, Serialize};

/// Marker written in place of a suppressed cell.
pub const SUPPRESSED: &str = "*";

/// A table: column names and rows of text cells.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Table {
    /// Column names, stable across versions.
    pub columns: Vec<String>,
    /// Rows, each as long as `columns`.
    pub rows: Vec<Vec<String>>,
}

impl Table {
    /// The table as CSV text (header row first, RFC 4180 quoting: the `csv` crate's writer's
    /// bytes).
    pub fn to_csv(&self) -> String {
        let mut out = String::new();
        crate::interchange::csv_write::write_record(&mut out, &self.columns);
        for row in &self.rows {
            crate::interchange::csv_write::write_record(&mut out, row);
        }
        out
    }
}

fn header(first: &[&str], more: &[String], last: &[&str]) -> Vec<String> {
    first
        .iter()
        .map(|s| s.to_string())
        .chain(more.iter().cloned())
        .chain(last.iter().map(|s| s.to_string()))
        .collect()
}

impl From<&Rollup> for Table {
    /// `org_id, total, <one column per breakdown value>, enterprises`.
    fn from(r: &Rollup) -> Table {
        Table {
            columns: header(&["org_id", "total"], &r.columns, &["enterprises"]),
            rows: r
                .rows
                .iter()
                .map(|row| {
                    [row.org_id.clone(), row.total.to_string()]
                        .into_iter()
                        .chain(row.counts.iter().map(u64::to_string))
                        .chain(std::iter::once(row.enterprises.to_string()))
                        .collect()
                })
                .collect(),
        }
    }
}

impl From<&PublishedRollup> for Table {
    /// Like a rollup, with [`SUPPRESSED`] in hidden cells.
    fn from(r: &PublishedRollup) -> Table {
        let cell = |c: &Option<u64>| c.map_or(SUPPRESSED.to_string(), |v| v.to_string());
        Table {
            columns: header(&["org_id", "total"], &r.columns, &["enterprises"]),
            rows: r
                .rows
                .iter()
                .map(|row| {
                    [row.org_id.clone(), cell(&row.total)]
                        .into_iter()
                        .chain(row.counts.iter().map(cell))
                        .chain(std::iter::once(cell(&row.enterprises)))
                        .collect()
                })
                .collect(),
        }
    }
}

impl From<&OrgRollup> for Table {
    /// `org_id, organizations, <one column per value>`.
    fn from(r: &OrgRollup) -> Table {
        Table {
            columns: header(&["org_id", "organizations"], &r.columns, &[]),
            rows: r
                .rows
                .iter()
                .map(|row| {
                    [row.org_id.clone(), row.total.to_string()]
                        .into_iter()
                        .chain(row.counts.iter().map(u64::to_string))
                        .collect()
                })
                .collect(),
        }
    }
}

impl From<&Coverage> for Table {
    /// `division_code, name, covered, organizations` (ids joined by `;`).
    fn from(c: &Coverage) -> Table {
        Table {
            columns: header(
                &["division_code", "name", "covered", "organizations"],
                &[],
                &[],
            ),
            rows: c
                .rows
                .iter()
                .map(|r| {
                    vec![
                        r.division_code.clone(),
                        r.name.clone(),
                        r.covered.to_string(),
                        r.organizations.join(";"),
                    ]
                })
                .collect(),
        }
    }
}

impl From<&[GrowthRow]> for Table {
    /// `from, to, joins, leaves, net, returning`.
    fn from(rows: &[GrowthRow]) -> Table {
        Table {
            columns: header(
                &["from", "to", "joins", "leaves", "net", "returning"],
                &[],
                &[],
            ),
            rows: rows
                .iter()
                .map(|r| {
                    vec![
                        r.from.to_string(),
                        r.to.to_string(),
                        r.joins.to_string(),
                        r.leaves.to_string(),
                        r.net.to_string(),
                        r.returning.to_string(),
                    ]
                })
                .collect(),
        }
    }
}
