//! Subtree rollups for every organization in one pass.
//!
//! The question departments ask most is "how many *distinct* people are active anywhere under
//! this organization" — for every organization at once, broken down by party, title and the rest.
//! A person in three organizations of a subtree counts once.
//!
//! The pass numbers the tree of the day in pre-order. For each person it takes the organizations
//! where the person is active, sorted by position, puts +1 on each and −1 on the lowest common
//! ancestor of each consecutive pair; a subtree's count is then the sum of the weights over its
//! range of positions (DESIGN §Statistics). For a breakdown by a membership attribute (role, level,
//! kind), the same is done per value. Cost: O(memberships × depth + organizations × columns).

use crate::date::PartialDate;
use crate::model::Person;
use crate::registry::{MRec, Registry};
use crate::tree::{Forest, OrgIdx};
use crate::vocab::*;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// What a rollup breaks its counts down by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// Party affiliation.
    Party,
    /// Professional title.
    Title,
    /// New-social-stratum category.
    Stratum,
    /// Sex (and `unknown`).
    Sex,
    /// Age band on the day (`under_30`, `30_39`, … `60_plus`, `unknown`).
    Age,
    /// Ethnicity, as recorded (and `unknown`).
    Ethnicity,
    /// Role held (a person with two roles in a subtree counts under both).
    Role,
    /// Level of the organization the membership is in.
    Level,
    /// Kind of the organization the membership is in.
    Kind,
}

impl Dimension {
    /// Every dimension.
    pub const ALL: &'static [Dimension] = &[
        Dimension::Party,
        Dimension::Title,
        Dimension::Stratum,
        Dimension::Sex,
        Dimension::Age,
        Dimension::Ethnicity,
        Dimension::Role,
        Dimension::Level,
        Dimension::Kind,
    ];

    /// The stable name.
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Party => "party",
            Dimension::Title => "title",
            Dimension::Stratum => "stratum",
            Dimension::Sex => "sex",
            Dimension::Age => "age",
            Dimension::Ethnicity => "ethnicity",
            Dimension::Role => "role",
            Dimension::Level => "level",
            Dimension::Kind => "kind",
        }
    }

    /// Whether the value depends on the membership rather than only on the person.
    fn per_membership(self) -> bool {
        matches!(self, Dimension::Role | Dimension::Level | Dimension::Kind)
    }
}

impl FromStr for Dimension {
    type Err = UnknownValue;
    fn from_str(s: &str) -> Result<Self, UnknownValue> {
        Dimension::ALL
            .iter()
            .copied()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| UnknownValue {
                vocabulary: "dimension",
                value: s.chars().take(64).collect(),
                expected: Dimension::ALL
                    .iter()
                    .map(|d| d.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }
}

/// The age bands of [`Dimension::Age`], by column.
pub const AGE_BANDS: &[&str] = &["under_30", "30_39", "40_49", "50_59", "60_plus", "unknown"];

/// Age in whole years on `day`, from a birth date known to the day, month or year (the earliest
/// possible birthday is assumed when only the year or month is known).
pub fn age_on(birth: PartialDate, day: NaiveDate) -> Option<u32> {
    let b = birth.earliest();
    if b > day {
        return None;
    }
    let mut years = day.year() - b.year();
    if (day.month(), day.day()) < (b.month(), b.day()) {
        years -= 1;
    }
    u32::try_from(years).ok()
}

fn age_band(p: &Person, day: NaiveDate) -> usize {
    match p.birth.and_then(|b| age_on(b, day)) {
        None => 5,
        Some(a) if a < 30 => 0,
        Some(a) if a >= 60 => 4,
        Some(a) => (a as usize - 30) / 10 + 1,
    }
}

/// The distinct members of one organization's subtree.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RollupRow {
    /// The organization.
    pub org_id: String,
    /// Distinct persons active anywhere in its subtree.
    pub total: u64,
    /// Distinct enterprises active anywhere in its subtree.
    pub enterprises: u64,
    /// Distinct persons per column of the breakdown (empty without one).
    pub counts: Vec<u64>,
}

/// Distinct active members of every organization's subtree on a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rollup {
    /// The day.
    pub as_of: NaiveDate,
    /// The breakdown, if any.
    pub dimension: Option<Dimension>,
    /// Column names of the breakdown, in order.
    pub columns: Vec<String>,
    /// One row per organization existing that day, in pre-order of the day's tree.
    pub rows: Vec<RollupRow>,
}

impl Rollup {
    /// The row of an organization.
    pub fn row(&self, org_id: &str) -> Option<&RollupRow> {
        self.rows.iter().find(|r| r.org_id == org_id)
    }

    /// The count of a column in an organization's row.
    pub fn count(&self, org_id: &str, column: &str) -> Option<u64> {
        let c = self.columns.iter().position(|x| x == column)?;
        self.row(org_id).and_then(|r| r.counts.get(c).copied())
    }
}

/// Depth and parent by pre-order position, for walking to common ancestors.
struct Positions {
    depth: Vec<u32>,
    parent: Vec<u32>,
}

const NONE: u32 = u32::MAX;

impl Positions {
    fn new(forest: &Forest) -> Self {
        let n = forest.order().len();
        let mut depth = vec![0u32; n];
        let mut parent = vec![NONE; n];
        for (i, &o) in forest.order().iter().enumerate() {
            if let Some(p) = forest.parent(o).and_then(|(p, _)| forest.position(p)) {
                parent[i] = p as u32;
                // Parents come before children in pre-order.
                depth[i] = depth[p] + 1;
            }
        }
        Positions { depth, parent }
    }

    /// Lowest common ancestor of two positions, `None` across trees of the forest.
    fn lca(&self, mut a: u32, mut b: u32) -> Option<u32> {
        while a != b {
            let (da, db) = (self.depth[a as usize], self.depth[b as usize]);
            if da >= db {
                a = self.parent[a as usize];
            } else {
                b = self.parent[b as usize];
            }
            if a == NONE || b == NONE {
                return None;
            }
        }
        Some(a)
    }

    /// Adds (`sign` 1) or removes (`sign` −1) one member present at the sorted, distinct
    /// `positions`, in each of the columns `cols` (one walk to the common ancestors serves
    /// them all): `put(index into the weights, change)` for each change.
    fn add(
        &self,
        positions: &[u32],
        stride: usize,
        cols: &[usize],
        sign: i64,
        put: &mut impl FnMut(usize, i64),
    ) {
        let mut at = |p: u32, sign: i64| {
            for &c in cols {
                put(p as usize * stride + c, sign);
            }
        };
        for (i, &p) in positions.iter().enumerate() {
            at(p, sign);
            if i > 0 {
                if let Some(l) = self.lca(positions[i - 1], p) {
                    at(l, -sign);
                }
            }
        }
    }
}

/// Turns per-position weights into per-organization subtree sums, rows in pre-order.
fn subtree_sums(forest: &Forest, weights: &[i64], stride: usize) -> Vec<Vec<u64>> {
    let n = forest.order().len();
    let mut prefix = vec![0i64; (n + 1) * stride];
    for i in 0..n {
        for c in 0..stride {
            prefix[(i + 1) * stride + c] = prefix[i * stride + c] + weights[i * stride + c];
        }
    }
    forest
        .order()
        .iter()
        .map(|&o| {
            let r = forest.range(o).unwrap_or(0..0);
            (0..stride)
                .map(|c| (prefix[r.end * stride + c] - prefix[r.start * stride + c]).max(0) as u64)
                .collect()
        })
        .collect()
}

/// Column names of a breakdown over a registry.
fn columns(reg: &Registry, dimension: Dimension) -> Vec<String> {
    fn names<T: Copy>(all: &[T], f: fn(T) -> &'static str) -> Vec<String> {
        all.iter().map(|&x| f(x).to_string()).collect()
    }
    match dimension {
        Dimension::Party => names(Party::ALL, Party::as_str),
        Dimension::Title => names(Title::ALL, Title::as_str),
        Dimension::Stratum => names(Stratum::ALL, Stratum::as_str),
        Dimension::Sex => vec!["male".into(), "female".into(), "unknown".into()],
        Dimension::Age => AGE_BANDS.iter().map(|s| s.to_string()).collect(),
        Dimension::Ethnicity => {
            let mut v: Vec<String> = reg.persons().filter_map(|p| p.ethnicity.clone()).collect();
            v.sort();
            v.dedup();
            v.push("unknown".into());
            v
        }
        Dimension::Role => names(Role::ALL, Role::as_str),
        Dimension::Level => names(Level::ALL, Level::as_str),
        Dimension::Kind => names(OrgKind::ALL, OrgKind::as_str),
    }
}

/// Most weights updated in place by [`Accumulator::add_everyone`] (4 MiB of them, about what
/// stays in cache); beyond, changes go through [`Buckets`].
const DIRECT_MAX: usize = 1 << 19;

/// Changes to a weight array too large for the cache (the national tree's 665,276
/// organizations by 13 columns: 69 MB), gathered in order of arrival and applied a slice of
/// the array at a time, so that each change lands in cache instead of costing a miss: a
/// person's organizations lie anywhere in the array, and their changes arrive in person order.
struct Buckets {
    changes: Vec<(u32, i32)>,
    sorted: Vec<(u32, i32)>,
    counts: Vec<usize>,
    /// Bits of an index below its bucket.
    shift: u32,
    /// Changes gathered before they are applied.
    batch: usize,
}

impl Buckets {
    /// Changes gathered before they are applied (8 MB).
    const BATCH: usize = 1 << 20;

    fn new(len: usize) -> Self {
        // At most 4,096 buckets, of at least 32,768 weights (256 KiB) each.
        let bits = usize::BITS - len.leading_zeros();
        Self::with(len, Self::BATCH, bits.saturating_sub(12).max(15))
    }

    /// Buckets of `1 << shift` weights, applied every `batch` changes.
    fn with(len: usize, batch: usize, shift: u32) -> Self {
        Buckets {
            changes: Vec::with_capacity(batch),
            sorted: Vec::new(),
            counts: vec![0; (len >> shift) + 2],
            shift,
            batch,
        }
    }

    #[inline]
    fn push(&mut self, i: usize, d: i64, weights: &mut [i64]) {
        // The caller checked that indices fit in u32; changes are ±1.
        self.changes.push((i as u32, d as i32));
        if self.changes.len() >= self.batch {
            self.flush(weights);
        }
    }

    /// Applies the gathered changes bucket by bucket (a counting sort on the bucket).
    fn flush(&mut self, weights: &mut [i64]) {
        let shift = self.shift;
        self.counts.iter_mut().for_each(|c| *c = 0);
        for &(i, _) in &self.changes {
            self.counts[(i >> shift) as usize + 1] += 1;
        }
        for b in 1..self.counts.len() {
            self.counts[b] += self.counts[b - 1];
        }
        self.sorted.clear();
        self.sorted.resize(self.changes.len(), (0, 0));
        for &(i, d) in &self.changes {
            let slot = &mut self.counts[(i >> shift) as usize];
            self.sorted[*slot] = (i, d);
            *slot += 1;
        }
        for &(i, d) in &self.sorted {
            weights[i as usize] += i64::from(d);
        }
        self.changes.clear();
    }
}

/// Per-position weights of the distinct-member pass over one forest, which members can be added
/// to and removed from as of any day on which that forest is the tree.
pub(crate) struct Accumulator<'r> {
    reg: &'r Registry,
    forest: Forest,
    pos: Positions,
    dimension: Option<Dimension>,
    columns: Vec<String>,
    /// Column 0 counts persons, 1 enterprises, then one per breakdown column.
    stride: usize,
    weights: Vec<i64>,
    buf: Vec<(u32, u32)>,
    positions: Vec<u32>,
}

impl<'r> Accumulator<'r> {
    pub(crate) fn new(reg: &'r Registry, forest: Forest, dimension: Option<Dimension>) -> Self {
        let pos = Positions::new(&forest);
        let columns = dimension.map(|d| columns(reg, d)).unwrap_or_default();
        let stride = 2 + columns.len();
        let weights = vec![0i64; forest.order().len() * stride];
        Accumulator {
            reg,
            forest,
            pos,
            dimension,
            columns,
            stride,
            weights,
            buf: Vec::new(),
            positions: Vec::new(),
        }
    }

    fn key(&self, person: &Person, m: &MRec, day: NaiveDate) -> usize {
        let org = || org_of(self.reg, m.org);
        match self.dimension {
            None => 0,
            Some(Dimension::Party) => person.party.index(),
            Some(Dimension::Title) => person.title.index(),
            Some(Dimension::Stratum) => person.stratum.index(),
            Some(Dimension::Sex) => person.sex.map_or(2, |s| s.index()),
            Some(Dimension::Age) => age_band(person, day),
            Some(Dimension::Ethnicity) => {
                let e = person.ethnicity.as_deref().unwrap_or("unknown");
                let last = self.columns.len().saturating_sub(1);
                self.columns.iter().position(|c| c == e).unwrap_or(last)
            }
            Some(Dimension::Role) => m.role.index(),
            Some(Dimension::Level) => org().map_or(0, |o| o.level.index()),
            Some(Dimension::Kind) => org().map_or(0, |o| o.kind.index()),
        }
    }

    /// Adds (`sign` 1) or removes (`sign` −1) person `pi` as active on `day`.
    pub(crate) fn person(&mut self, pi: u32, day: NaiveDate, sign: i64) {
        let mut w = std::mem::take(&mut self.weights);
        self.person_into(pi, day, sign, &mut |i, d| w[i] += d);
        self.weights = w;
    }

    /// [`Self::person`], handing each change of the weights to `put`.
    fn person_into(
        &mut self,
        pi: u32,
        day: NaiveDate,
        sign: i64,
        put: &mut impl FnMut(usize, i64),
    ) {
        let mut buf = std::mem::take(&mut self.buf);
        let mut positions = std::mem::take(&mut self.positions);
        buf.clear();
        // The person's record is read only when the breakdown needs it.
        let mut person: Option<&Person> = None;
        for &mi in &self.reg.person_membership_lists()[pi as usize] {
            let m = self.reg.membership_record(mi);
            if !m.active_on(day) {
                continue;
            }
            let Some(p) = self.forest.position(m.org) else {
                continue;
            };
            let key = match self.dimension {
                None => 0,
                Some(_) => {
                    let who = *person.get_or_insert_with(|| self.reg.person_at(pi));
                    self.key(who, m, day) as u32
                }
            };
            buf.push((key, p as u32));
        }
        if !buf.is_empty() {
            positions.clear();
            positions.extend(buf.iter().map(|&(_, p)| p));
            positions.sort_unstable();
            positions.dedup();
            let s = self.stride;
            match self.dimension {
                None => self.pos.add(&positions, s, &[0], sign, put),
                // A person's own attribute: the total and its column change at the same
                // positions.
                Some(d) if !d.per_membership() => {
                    self.pos
                        .add(&positions, s, &[0, 2 + buf[0].0 as usize], sign, put)
                }
                Some(_) => {
                    self.pos.add(&positions, s, &[0], sign, put);
                    buf.sort_unstable();
                    buf.dedup();
                    for group in buf.chunk_by(|a, b| a.0 == b.0) {
                        positions.clear();
                        positions.extend(group.iter().map(|&(_, p)| p));
                        self.pos
                            .add(&positions, s, &[2 + group[0].0 as usize], sign, put);
                    }
                }
            }
        }
        self.buf = buf;
        self.positions = positions;
    }

    /// Adds or removes enterprise `ei` as active on `day`.
    pub(crate) fn enterprise(&mut self, ei: u32, day: NaiveDate, sign: i64) {
        let mut positions = std::mem::take(&mut self.positions);
        positions.clear();
        for &mi in &self.reg.enterprise_membership_lists()[ei as usize] {
            let m = self.reg.membership_record(mi);
            if m.active_on(day) {
                positions.extend(self.forest.position(m.org).map(|p| p as u32));
            }
        }
        positions.sort_unstable();
        positions.dedup();
        let w = &mut self.weights;
        self.pos
            .add(&positions, self.stride, &[1], sign, &mut |i, d| w[i] += d);
        self.positions = positions;
    }

    /// Adds every person and enterprise as active on `day`.
    pub(crate) fn add_everyone(&mut self, day: NaiveDate) {
        self.add_everyone_with(day, DIRECT_MAX);
    }

    /// [`Self::add_everyone`], updating the weights in place while there are at most
    /// `direct_max` of them, and through [`Buckets`] beyond.
    fn add_everyone_with(&mut self, day: NaiveDate, direct_max: usize) {
        let persons = self.reg.person_membership_lists().len();
        let len = self.weights.len();
        if len <= direct_max || u32::try_from(len).is_err() {
            for pi in 0..persons {
                self.person(pi as u32, day, 1);
            }
        } else {
            let mut w = std::mem::take(&mut self.weights);
            let mut buckets = Buckets::new(len);
            for pi in 0..persons {
                self.person_into(pi as u32, day, 1, &mut |i, d| buckets.push(i, d, &mut w));
            }
            buckets.flush(&mut w);
            self.weights = w;
        }
        for ei in 0..self.reg.enterprise_membership_lists().len() {
            self.enterprise(ei as u32, day, 1);
        }
    }

    /// The rollup on `day`: rows for the organizations existing that day, in pre-order.
    pub(crate) fn rollup(&self, day: NaiveDate) -> Rollup {
        let sums = subtree_sums(&self.forest, &self.weights, self.stride);
        let rows = self
            .forest
            .order()
            .iter()
            .zip(sums)
            .filter_map(|(&o, s)| {
                let org = org_of(self.reg, o)?;
                org.active_on(day).then(|| RollupRow {
                    org_id: org.id.clone(),
                    total: s[0],
                    enterprises: s[1],
                    counts: s[2..].to_vec(),
                })
            })
            .collect();
        Rollup {
            as_of: day,
            dimension: self.dimension,
            columns: self.columns.clone(),
            rows,
        }
    }
}

/// Distinct active members of every organization's subtree on `day` (the tree of that day),
/// optionally broken down by `dimension`.
pub fn rollup(reg: &Registry, day: NaiveDate, dimension: Option<Dimension>) -> Rollup {
    let mut acc = Accumulator::new(reg, reg.tree_at(day), dimension);
    acc.add_everyone(day);
    acc.rollup(day)
}

/// The subtree total of one organization on `day`: distinct persons active anywhere in its
/// subtree (the `total` of its [`rollup`] row; 0 when it does not exist that day), or
/// `not_found` for an unknown id.
pub fn rollup_total(reg: &Registry, org_id: &str, day: NaiveDate) -> Result<u64, crate::Error> {
    if reg.organization(org_id).is_none() {
        return Err(crate::Error::NotFound {
            entity: crate::Entity::Organization,
            id: org_id.to_string(),
        });
    }
    Ok(rollup(reg, day, None)
        .row(org_id)
        .map_or(0, |row| row.total))
}

/// The subtree total of [`rollup`] (distinct persons active on `day` anywhere in the
/// subtree) of every organization, indexed by arena order ([`Registry::org_index`]: the order
/// organizations were added, dissolved ones included, stable for the registry's lifetime); 0
/// for an organization that does not exist on `day`. One pass, for callers that want every
/// total as numbers (the C and WASM fronts' bulk rollup).
pub fn rollup_totals(reg: &Registry, day: NaiveDate) -> Vec<u64> {
    let rollup = rollup(reg, day, None);
    let mut totals = vec![0u64; reg.organization_count()];
    for row in &rollup.rows {
        if let Some(slot) = reg
            .org_index(&row.org_id)
            .and_then(|i| totals.get_mut(i.get()))
        {
            *slot = row.total;
        }
    }
    totals
}

fn org_of(reg: &Registry, o: OrgIdx) -> Option<&crate::model::Organization> {
    reg.organization_at(o)
}

/// What an organization rollup counts organizations by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OrgDimension {
    /// Kind of organization.
    Kind,
    /// Level.
    Level,
    /// Carrier (and `none`).
    Carrier,
}

/// Organizations existing on a day in every organization's subtree, by a dimension.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgRollup {
    /// The day.
    pub as_of: NaiveDate,
    /// The breakdown.
    pub dimension: OrgDimension,
    /// Column names.
    pub columns: Vec<String>,
    /// One row per organization (pre-order): its id, the organizations in its subtree (itself
    /// included) and their counts per column.
    pub rows: Vec<RollupRow>,
}

/// Counts the organizations of every subtree on `day` by kind, level or carrier.
/// (`RollupRow::total` is the number of organizations; `enterprises` is 0.)
pub fn org_rollup(reg: &Registry, day: NaiveDate, dimension: OrgDimension) -> OrgRollup {
    let forest = reg.tree_at(day);
    let columns: Vec<String> = match dimension {
        OrgDimension::Kind => OrgKind::ALL
            .iter()
            .map(|k| k.as_str().to_string())
            .collect(),
        OrgDimension::Level => Level::ALL.iter().map(|k| k.as_str().to_string()).collect(),
        OrgDimension::Carrier => Carrier::ALL
            .iter()
            .map(|k| k.as_str().to_string())
            .chain(std::iter::once("none".to_string()))
            .collect(),
    };
    let stride = 1 + columns.len();
    let mut weights = vec![0i64; forest.order().len() * stride];
    for (i, &o) in forest.order().iter().enumerate() {
        let Some(org) = org_of(reg, o) else { continue };
        let col = match dimension {
            OrgDimension::Kind => org.kind.index(),
            OrgDimension::Level => org.level.index(),
            OrgDimension::Carrier => org.carrier.map_or(Carrier::ALL.len(), |c| c.index()),
        };
        weights[i * stride] = 1;
        weights[i * stride + 1 + col] = 1;
    }
    let rows = forest
        .order()
        .iter()
        .zip(subtree_sums(&forest, &weights, stride))
        .map(|(&o, s)| RollupRow {
            org_id: org_of(reg, o).map(|o| o.id.clone()).unwrap_or_default(),
            total: s[0],
            enterprises: 0,
            counts: s[1..].to_vec(),
        })
        .collect();
    OrgRollup {
        as_of: day,
        dimension,
        columns,
        rows,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_and_bands() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        let birth: PartialDate = "1980-05-20".parse().unwrap();
        assert_eq!(age_on(birth, d("2020-05-19")), Some(39));
        assert_eq!(age_on(birth, d("2020-05-20")), Some(40));
        assert_eq!(age_on("1990".parse().unwrap(), d("2020-01-01")), Some(30));
        assert_eq!(age_on(birth, d("1970-01-01")), None);
        assert_eq!("age".parse::<Dimension>(), Ok(Dimension::Age));
        assert!("colour".parse::<Dimension>().is_err());
    }

    /// A deep part-of tree (every organization a community-level branch of an earlier one),
    /// persons in one to three organizations each, some memberships ended.
    fn registry() -> Registry {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move |n: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        };
        let mut cmds = Vec::new();
        for i in 0..300u64 {
            let parent = (i > 0).then(|| format!("o{}", next(i)));
            cmds.push(serde_json::json!({"type": "add_organization", "parent": parent,
                "relation": if i > 0 { "part_of" } else { "guidance" },
                "org": {"id": format!("o{i}"), "name": format!("组织{i}"), "kind": "zhilianhui",
                        "level": "community", "division_code": "440304001001", "founded": "2010-01-01"}}));
        }
        let parties = ["cpc", "non_party", "min_meng", "jiu_san"];
        for p in 0..400u64 {
            cmds.push(
                serde_json::json!({"type": "add_person", "person": {"id": format!("p{p}"),
                "party": parties[next(4) as usize], "title": "senior", "stratum": "none"}}),
            );
            let mut orgs: Vec<u64> = (0..1 + next(3)).map(|_| next(300)).collect();
            orgs.sort_unstable();
            orgs.dedup();
            for o in orgs {
                let end = (next(4) == 0).then_some("2015-01-01");
                cmds.push(serde_json::json!({"type": "join", "membership": {
                    "member": {"person": format!("p{p}")}, "org": format!("o{o}"), "role": "member",
                    "start": "2012-01-01", "end": end}}));
            }
        }
        let cmds: Vec<crate::Command> = cmds
            .into_iter()
            .map(|c| serde_json::from_value(c).expect("a valid command"))
            .collect();
        let mut reg = Registry::new();
        let meta = crate::Meta {
            at: chrono::NaiveDateTime::default(),
            actor: "test".into(),
        };
        reg.apply_batch(&meta, cmds).expect("a valid registry");
        reg
    }

    /// Changes applied through buckets, flushed every few changes, give the weights (and so
    /// the rollup) of changes applied in place, for every kind of breakdown.
    #[test]
    fn bucketed_changes_equal_direct_ones() {
        let reg = registry();
        let day = NaiveDate::from_ymd_opt(2014, 6, 30).unwrap();
        for dimension in [None, Some(Dimension::Party), Some(Dimension::Role)] {
            let mut direct = Accumulator::new(&reg, reg.tree_at(day), dimension);
            direct.add_everyone_with(day, usize::MAX);
            let mut bucketed = Accumulator::new(&reg, reg.tree_at(day), dimension);
            bucketed.add_everyone_with(day, 0);
            assert_eq!(direct.weights, bucketed.weights, "{dimension:?}");
            assert!(
                direct.weights.iter().any(|&w| w < 0),
                "common ancestors were used"
            );
            assert_eq!(direct.rollup(day), bucketed.rollup(day));
            // Small batches and buckets: many flushes, many buckets.
            let mut w = vec![0i64; direct.weights.len()];
            let mut buckets = Buckets::with(w.len(), 7, 3);
            let mut changes = 0;
            let mut small = Accumulator::new(&reg, reg.tree_at(day), dimension);
            for pi in 0..reg.person_membership_lists().len() {
                small.person_into(pi as u32, day, 1, &mut |i, d| {
                    changes += 1;
                    buckets.push(i, d, &mut w)
                });
            }
            buckets.flush(&mut w);
            for ei in 0..reg.enterprise_membership_lists().len() {
                small.enterprise(ei as u32, day, 1);
            }
            assert!(changes > 100);
            assert_eq!(direct.weights, w);
        }
    }
}
