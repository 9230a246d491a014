//! A prepared, columnar view of a registry's persons for questions that scan all of them.
//!
//! Evaluating a rule on a [`Person`] record reads scattered memory: the record itself, and the
//! heap text of its profession or employer. Over a million persons that is a cache miss or two
//! per person, and it dominates the time of [`candidates`](super::candidates). A
//! [`PersonIndex`] reads the attributes rules look at from dense columns (one byte per
//! vocabulary, interned text, a packed birth day); the same compiled conditions then run on
//! its rows, reading a few bytes per person, or on its columns 64 rows at a time
//! ([`Condition::matching_rows`](super::Condition::matching_rows)). The registry builds the
//! columns on first use and keeps them up to date as persons are added or updated, so the index
//! is free to take after the first time, and it cannot drift from the records: it borrows the
//! registry, which cannot change while it is held.

use super::compile::{prefix8, Day, Subject};
use crate::date::Certainty;
use crate::model::Person;
use crate::registry::Registry;
use crate::vocab::PoliticalBody;
use std::collections::HashMap;

/// No value in a byte column.
pub(crate) const NONE8: u8 = u8::MAX;
/// No value in a text column.
pub(crate) const NONE32: u32 = u32::MAX;

pub(crate) const RETURNED: u8 = 1;
const POSTS: u8 = 2;
const RESIDENT_ID: u8 = 4;

/// The earliest day a partial birth date stands for, packed so that integer order is calendar
/// order: `(year + 32768) << 9 | month << 5 | day`; 0 when unknown or out of range.
pub(crate) fn pack_birth(p: &Person) -> u32 {
    use chrono::Datelike;
    p.birth.map_or(0, |b| {
        let d = b.earliest();
        match u32::try_from(d.year() + 32768) {
            Ok(y) if y < 1 << 16 => y << 9 | d.month() << 5 | d.day(),
            _ => 0,
        }
    })
}

/// The first eight bytes of an id, big-endian and zero-padded: ids compare like these numbers
/// unless the numbers are equal.
pub(crate) fn id_prefix(id: &str) -> u64 {
    let b = id.as_bytes();
    let mut v = 0u64;
    for i in 0..8 {
        v = v << 8 | u64::from(b.get(i).copied().unwrap_or(0));
    }
    v
}

/// Columns of the persons of one registry, by arena index: what a [`PersonIndex`] reads. The
/// registry builds them on first use and keeps them up to date as persons are added or updated
/// (see `Registry::person_columns`), so every front gets column-at-a-time answers without
/// building anything itself.
#[derive(Clone, Default)]
pub(crate) struct PersonColumns {
    /// First eight bytes of each id, big-endian (for ranking by id without reading the text).
    pub(crate) id8: Vec<u64>,
    pub(crate) party: Vec<u8>,
    pub(crate) title: Vec<u8>,
    pub(crate) stratum: Vec<u8>,
    pub(crate) sex: Vec<u8>,
    pub(crate) education: Vec<u8>,
    pub(crate) flags: Vec<u8>,
    pub(crate) birth: Vec<u32>,
    pub(crate) profession: Vec<u32>,
    pub(crate) employer: Vec<u32>,
    pub(crate) ethnicity: Vec<u32>,
    /// The distinct texts of the three text columns, once each.
    pub(crate) strings: Vec<std::sync::Arc<str>>,
    /// First eight bytes of each interned text (see `compile::prefix8`).
    pub(crate) heads: Vec<u64>,
    interned: HashMap<std::sync::Arc<str>, u32>,
}

impl PersonColumns {
    /// The columns of every person of `reg`: one pass over the records.
    pub(crate) fn new(reg: &Registry) -> Self {
        let n = reg.person_count();
        let mut c = PersonColumns {
            id8: Vec::with_capacity(n),
            party: Vec::with_capacity(n),
            title: Vec::with_capacity(n),
            stratum: Vec::with_capacity(n),
            sex: Vec::with_capacity(n),
            education: Vec::with_capacity(n),
            flags: Vec::with_capacity(n),
            birth: Vec::with_capacity(n),
            profession: Vec::with_capacity(n),
            employer: Vec::with_capacity(n),
            ethnicity: Vec::with_capacity(n),
            ..PersonColumns::default()
        };
        for p in reg.persons() {
            c.push(p);
        }
        c
    }

    /// Number of rows.
    pub(crate) fn len(&self) -> usize {
        self.id8.len()
    }

    fn intern(&mut self, s: &Option<String>) -> u32 {
        let Some(s) = s else {
            return NONE32;
        };
        if let Some(&i) = self.interned.get(s.as_str()) {
            return i;
        }
        let i = self.strings.len() as u32;
        let text: std::sync::Arc<str> = s.as_str().into();
        self.strings.push(text.clone());
        self.heads.push(prefix8(s));
        self.interned.insert(text, i);
        i
    }

    /// The row of `p`: its vocabulary indices, flags, packed birth day and interned texts.
    fn row(&mut self, p: &Person) -> Row {
        Row {
            id8: id_prefix(&p.id),
            party: p.party.index() as u8,
            title: p.title.index() as u8,
            stratum: p.stratum.index() as u8,
            sex: p.sex.map_or(NONE8, |s| s.index() as u8),
            education: p.education.map_or(NONE8, |e| e.index() as u8),
            flags: if p.returned_overseas { RETURNED } else { 0 }
                | if p.political_posts.is_empty() {
                    0
                } else {
                    POSTS
                }
                | if p.resident_id.is_some() {
                    RESIDENT_ID
                } else {
                    0
                },
            birth: pack_birth(p),
            profession: self.intern(&p.profession),
            employer: self.intern(&p.employer),
            ethnicity: self.intern(&p.ethnicity),
        }
    }

    /// Appends the row of a person added to the registry.
    pub(crate) fn push(&mut self, p: &Person) {
        let r = self.row(p);
        self.id8.push(r.id8);
        self.party.push(r.party);
        self.title.push(r.title);
        self.stratum.push(r.stratum);
        self.sex.push(r.sex);
        self.education.push(r.education);
        self.flags.push(r.flags);
        self.birth.push(r.birth);
        self.profession.push(r.profession);
        self.employer.push(r.employer);
        self.ethnicity.push(r.ethnicity);
    }

    /// Rewrites row `i` for an updated person (false when there is no such row).
    pub(crate) fn set(&mut self, i: u32, p: &Person) -> bool {
        let i = i as usize;
        if i >= self.len() {
            return false;
        }
        let r = self.row(p);
        self.id8[i] = r.id8;
        self.party[i] = r.party;
        self.title[i] = r.title;
        self.stratum[i] = r.stratum;
        self.sex[i] = r.sex;
        self.education[i] = r.education;
        self.flags[i] = r.flags;
        self.birth[i] = r.birth;
        self.profession[i] = r.profession;
        self.employer[i] = r.employer;
        self.ethnicity[i] = r.ethnicity;
        true
    }
}

/// One person's values in the columns.
struct Row {
    id8: u64,
    party: u8,
    title: u8,
    stratum: u8,
    sex: u8,
    education: u8,
    flags: u8,
    birth: u32,
    profession: u32,
    employer: u32,
    ethnicity: u32,
}

/// A columnar view of the persons of one registry, by arena index. See the module docs.
#[derive(Clone, Copy)]
pub struct PersonIndex<'r> {
    pub(crate) reg: &'r Registry,
    pub(crate) cols: &'r PersonColumns,
}

impl std::fmt::Debug for PersonIndex<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PersonIndex")
            .field("persons", &self.len())
            .field("distinct_texts", &self.cols.strings.len())
            .finish()
    }
}

impl<'r> PersonIndex<'r> {
    /// The columns of `reg`'s persons. The registry builds them on the first call (one pass
    /// over the persons) and keeps them up to date as persons are added and updated, so later
    /// calls cost nothing.
    pub fn new(reg: &'r Registry) -> Self {
        PersonIndex {
            reg,
            cols: reg.person_columns(),
        }
    }

    /// The registry it was built from.
    pub fn registry(&self) -> &'r Registry {
        self.reg
    }

    /// Number of persons.
    pub fn len(&self) -> usize {
        self.cols.len()
    }

    /// Whether there are no persons.
    pub fn is_empty(&self) -> bool {
        self.cols.len() == 0
    }

    /// The id of the person at arena position `i` ("" past the end).
    pub(crate) fn id(&self, i: u32) -> &'r str {
        self.reg.person_id_at(i)
    }

    /// The person at arena position `i` (the order of [`Registry::persons`]) as a subject on
    /// `day`, with all of their memberships active that day as "other memberships".
    pub fn subject(&self, i: usize, day: chrono::NaiveDate) -> Option<Subject<'_>> {
        (i < self.len()).then(|| Subject::row(self, i as u32, Day::new(day), None))
    }

    pub(crate) fn byte(col: &[u8], i: u32) -> Option<u8> {
        col.get(i as usize).copied().filter(|&b| b != NONE8)
    }

    pub(crate) fn text(&self, col: &[u32], i: u32) -> Option<&'r str> {
        let s = *col.get(i as usize)?;
        self.cols.strings.get(s as usize).map(|t| &**t)
    }

    pub(crate) fn text_keyed(&self, col: &[u32], i: u32) -> Option<(&'r str, u64)> {
        let s = *col.get(i as usize)? as usize;
        Some((self.cols.strings.get(s)?, *self.cols.heads.get(s)?))
    }

    pub(crate) fn flag(&self, i: u32, bit: u8) -> Option<bool> {
        self.cols.flags.get(i as usize).map(|f| f & bit != 0)
    }

    pub(crate) fn returned(&self, i: u32) -> Option<bool> {
        self.flag(i, RETURNED)
    }

    pub(crate) fn resident_id(&self, i: u32) -> bool {
        self.flag(i, RESIDENT_ID).unwrap_or(false)
    }

    /// Whether a political post (of `body`, when given) is certainly held on `day`; the record
    /// is read only for the few persons who have posts at all.
    pub(crate) fn post_held(
        &self,
        i: u32,
        body: Option<PoliticalBody>,
        day: chrono::NaiveDate,
    ) -> Option<u8> {
        let has = self.flag(i, POSTS)?;
        if !has {
            return Some(0);
        }
        let p = self.person(i)?;
        Some(u8::from(p.political_posts.iter().any(|post| {
            body.is_none_or(|b| post.body == b) && post.held_on(day) == Certainty::Certainly
        })))
    }

    pub(crate) fn person(&self, i: u32) -> Option<&'r Person> {
        (i < self.reg.person_count() as u32).then(|| self.reg.person_at(i))
    }
}
