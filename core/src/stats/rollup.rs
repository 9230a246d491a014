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
    #[serde(with = "crate::date::day")]
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
    #[inline]
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
    /// `positions`: `at(position, change)` for each change (+1 at each position, −1 at the
    /// common ancestor of each consecutive pair).
    #[inline]
    fn add(&self, positions: &[u32], sign: i32, at: &mut impl FnMut(u32, i32)) {
        let mut prev = None;
        for &p in positions {
            at(p, sign);
            if let Some(l) = prev.and_then(|q| self.lca(q, p)) {
                at(l, -sign);
            }
            prev = Some(p);
        }
    }
}

/// Sorts and deduplicates a member's positions, usually a handful: up to four by a sorting
/// network of branch-free exchanges (the order of a person's organizations is random, so
/// branches would be mispredicted), up to 16 by insertion.
fn sort_dedup(v: &mut Vec<u32>) {
    fn exchange(a: &mut u32, b: &mut u32) {
        let (lo, hi) = ((*a).min(*b), (*a).max(*b));
        *a = lo;
        *b = hi;
    }
    match v.as_mut_slice() {
        [] | [_] => return,
        [a, b] => exchange(a, b),
        [a, b, c] => {
            exchange(a, b);
            exchange(b, c);
            exchange(a, b);
        }
        [a, b, c, d] => {
            exchange(a, b);
            exchange(c, d);
            exchange(a, c);
            exchange(b, d);
            exchange(b, c);
        }
        s if s.len() <= 16 => {
            for i in 1..s.len() {
                let mut j = i;
                while j > 0 && s[j - 1] > s[j] {
                    s.swap(j - 1, j);
                    j -= 1;
                }
            }
        }
        s => s.sort_unstable(),
    }
    // Branch-free too: each value is kept unless it equals the last one kept.
    let mut kept = 1;
    for i in 1..v.len() {
        let x = v[i];
        v[kept] = x;
        kept += usize::from(x != v[kept - 1]);
    }
    v.truncate(kept);
}

/// Turns per-position weights into per-organization subtree sums, `stride` of them per
/// organization in pre-order.
///
/// Weights are kept modulo 2³² (changes are applied with wrapping arithmetic): a subtree's sum
/// is a count of distinct members, below 2³² since members are numbered by `u32`, so its value
/// modulo 2³² is the count itself, whatever the intermediate weights and running totals.
fn subtree_sums(forest: &Forest, weights: &[u32], stride: usize) -> Vec<u64> {
    let n = forest.order().len();
    let mut prefix = vec![0u32; (n + 1) * stride];
    for i in 0..n {
        for c in 0..stride {
            prefix[(i + 1) * stride + c] =
                prefix[i * stride + c].wrapping_add(weights[i * stride + c]);
        }
    }
    let mut sums = Vec::with_capacity(n * stride);
    for &o in forest.order() {
        let r = forest.range(o).unwrap_or(0..0);
        sums.extend((0..stride).map(|c| {
            u64::from(prefix[r.end * stride + c].wrapping_sub(prefix[r.start * stride + c]))
        }));
    }
    sums
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
    fn push(&mut self, i: usize, d: i32, weights: &mut [u32]) {
        // The caller checked that indices fit in u32.
        self.changes.push((i as u32, d));
        if self.changes.len() >= self.batch {
            self.flush(weights);
        }
    }

    /// Applies the gathered changes bucket by bucket (a counting sort on the bucket).
    fn flush(&mut self, weights: &mut [u32]) {
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
            let w = &mut weights[i as usize];
            *w = w.wrapping_add_signed(d);
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
    /// Positions in the tree.
    n: usize,
    /// Two weights per position (persons, enterprises), then, from `2 * n` on, one per
    /// breakdown column and position (position-major). The breakdown's weights apart keep the
    /// totals' weights, changed for every member, dense in the cache. Modulo 2³² (see
    /// [`subtree_sums`]).
    weights: Vec<u32>,
    buf: Vec<(u32, u32)>,
    positions: Vec<u32>,
}

impl<'r> Accumulator<'r> {
    pub(crate) fn new(reg: &'r Registry, forest: Forest, dimension: Option<Dimension>) -> Self {
        let pos = Positions::new(&forest);
        let columns = dimension.map(|d| columns(reg, d)).unwrap_or_default();
        let n = forest.order().len();
        let weights = vec![0u32; n * (2 + columns.len())];
        Accumulator {
            reg,
            forest,
            pos,
            dimension,
            columns,
            n,
            weights,
            buf: Vec::new(),
            positions: Vec::new(),
        }
    }

    /// The column of person `pi` under a breakdown by a person's own attribute (0 under
    /// any other).
    fn person_key(&self, pi: u32, day: NaiveDate) -> usize {
        let Some(dimension) = self.dimension.filter(|d| !d.per_membership()) else {
            return 0;
        };
        let person = self.reg.person_at(pi);
        match dimension {
            Dimension::Party => person.party.index(),
            Dimension::Title => person.title.index(),
            Dimension::Stratum => person.stratum.index(),
            Dimension::Sex => person.sex.map_or(2, |s| s.index()),
            Dimension::Age => age_band(person, day),
            Dimension::Ethnicity => {
                let e = person.ethnicity.as_deref().unwrap_or("unknown");
                let last = self.columns.len().saturating_sub(1);
                self.columns.iter().position(|c| c == e).unwrap_or(last)
            }
            Dimension::Role | Dimension::Level | Dimension::Kind => 0,
        }
    }

    /// The column of a membership under a breakdown by a membership's attribute (0 under
    /// any other).
    fn membership_key(&self, m: &MRec) -> usize {
        let org = || org_of(self.reg, m.org);
        match self.dimension {
            Some(Dimension::Role) => m.role.index(),
            Some(Dimension::Level) => org().map_or(0, |o| o.level.index()),
            Some(Dimension::Kind) => org().map_or(0, |o| o.kind.index()),
            _ => 0,
        }
    }

    /// Adds (`sign` 1) or removes (`sign` −1) person `pi` as active on `day`.
    pub(crate) fn person(&mut self, pi: u32, day: NaiveDate, sign: i32) {
        let mut w = std::mem::take(&mut self.weights);
        self.person_into(pi, day, sign, &mut |i, d| {
            w[i] = w[i].wrapping_add_signed(d)
        });
        self.weights = w;
    }

    /// [`Self::person`], handing each change of the weights to `put`.
    fn person_into(
        &mut self,
        pi: u32,
        day: NaiveDate,
        sign: i32,
        put: &mut impl FnMut(usize, i32),
    ) {
        let mut positions = std::mem::take(&mut self.positions);
        positions.clear();
        let list = self.reg.person_membership_lists().get(pi as usize);
        let (base, k) = (2 * self.n, self.columns.len());
        match self.dimension {
            Some(dim) if dim.per_membership() => {
                let mut buf = std::mem::take(&mut self.buf);
                buf.clear();
                for m in self.active_records(list.map_or(&[], |l| l.as_slice()), day) {
                    if let Some(p) = self.forest.position(m.org) {
                        buf.push((self.membership_key(m) as u32, p as u32));
                    }
                }
                positions.extend(buf.iter().map(|&(_, p)| p));
                sort_dedup(&mut positions);
                self.pos
                    .add(&positions, sign, &mut |p, d| put(2 * p as usize, d));
                buf.sort_unstable();
                buf.dedup();
                for group in buf.chunk_by(|a, b| a.0 == b.0) {
                    positions.clear();
                    positions.extend(group.iter().map(|&(_, p)| p));
                    let col = base + group[0].0 as usize;
                    self.pos
                        .add(&positions, sign, &mut |p, d| put(col + p as usize * k, d));
                }
                self.buf = buf;
            }
            dimension => {
                // A person's own attribute, read first: the person's record and membership
                // records are then fetched from memory at the same time.
                let key = self.person_key(pi, day);
                for m in self.active_records(list.map_or(&[], |l| l.as_slice()), day) {
                    positions.extend(self.forest.position(m.org).map(|p| p as u32));
                }
                sort_dedup(&mut positions);
                match dimension {
                    None => self
                        .pos
                        .add(&positions, sign, &mut |p, d| put(2 * p as usize, d)),
                    // The total and the attribute's column change at the same positions.
                    Some(_) => {
                        let col = base + key;
                        self.pos.add(&positions, sign, &mut |p, d| {
                            put(2 * p as usize, d);
                            put(col + p as usize * k, d);
                        })
                    }
                }
            }
        }
        self.positions = positions;
    }

    /// The membership records of `list` active on `day`.
    fn active_records<'a>(
        &'a self,
        list: &'a [u32],
        day: NaiveDate,
    ) -> impl Iterator<Item = &'r MRec> + 'a {
        let reg = self.reg;
        list.iter()
            .map(move |&mi| reg.membership_record(mi))
            .filter(move |m| m.active_on(day))
    }

    /// Adds or removes enterprise `ei` as active on `day`.
    pub(crate) fn enterprise(&mut self, ei: u32, day: NaiveDate, sign: i32) {
        let mut positions = std::mem::take(&mut self.positions);
        positions.clear();
        let list = self.reg.enterprise_membership_lists().get(ei as usize);
        for m in self.active_records(list.map_or(&[], |l| l.as_slice()), day) {
            positions.extend(self.forest.position(m.org).map(|p| p as u32));
        }
        sort_dedup(&mut positions);
        let w = &mut self.weights;
        self.pos.add(&positions, sign, &mut |p, d| {
            let i = 2 * p as usize + 1;
            w[i] = w[i].wrapping_add_signed(d)
        });
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
        let (totals, breakdown) = self.weights.split_at(2 * self.n);
        let k = self.columns.len();
        let totals = subtree_sums(&self.forest, totals, 2);
        let breakdown = subtree_sums(&self.forest, breakdown, k);
        let rows = self
            .forest
            .order()
            .iter()
            .enumerate()
            .filter_map(|(i, &o)| {
                let org = org_of(self.reg, o)?;
                org.active_on(day).then(|| RollupRow {
                    org_id: org.id.clone(),
                    total: totals[2 * i],
                    enterprises: totals[2 * i + 1],
                    counts: breakdown[i * k..(i + 1) * k].to_vec(),
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
    #[serde(with = "crate::date::day")]
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
    let mut weights = vec![0u32; forest.order().len() * stride];
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
        .zip(subtree_sums(&forest, &weights, stride).chunks_exact(stride))
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

    /// Seeded numbers below `n` (xorshift64).
    fn xorshift(mut x: u64) -> impl FnMut(u64) -> u64 {
        move |n| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % n
        }
    }

    /// A deep part-of tree (every organization a community-level branch of an earlier one),
    /// persons in one to three organizations each, some memberships ended.
    fn registry() -> Registry {
        let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
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

    /// The sorting networks, insertion and the branch-free deduplication give what a sort and
    /// a deduplication give, for every length up to 40, with and without repeated values.
    #[test]
    fn sort_dedup_equals_sort_and_dedup() {
        let mut next = xorshift(0x2545_F491_4F6C_DD1D);
        for len in 0..=40u64 {
            for range in [2, 5, 1_000, u64::from(u32::MAX) + 1] {
                for _ in 0..50 {
                    let v: Vec<u32> = (0..len).map(|_| next(range) as u32).collect();
                    let mut expected = v.clone();
                    expected.sort_unstable();
                    expected.dedup();
                    let mut got = v.clone();
                    sort_dedup(&mut got);
                    assert_eq!(got, expected, "{v:?}");
                }
            }
        }
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
                direct.weights.iter().any(|&w| (w as i32) < 0),
                "common ancestors were used"
            );
            assert_eq!(direct.rollup(day), bucketed.rollup(day));
            // Small batches and buckets: many flushes, many buckets.
            let mut w = vec![0u32; direct.weights.len()];
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
