//! A prepared, columnar view of a registry's persons for questions that scan all of them.
//!
//! Evaluating a rule on a [`Person`] record reads scattered memory: the record itself, and the
//! heap text of its profession or employer. Over a million persons that is a cache miss or two
//! per person, and it dominates the time of [`candidates`](super::candidates). A
//! [`PersonIndex`] copies the attributes rules read into dense columns (one byte per
//! vocabulary, interned text, a packed birth day) once; the same compiled conditions then run on
//! its rows, reading a few bytes per person, or on its columns 64 rows at a time
//! ([`Condition::matching_rows`](super::Condition::matching_rows)). It borrows the registry, so it cannot outlive or
//! drift from the records it was built from: build it after loading, reuse it for every
//! organization's candidates, drop it before the next change.

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

/// Columns of the persons of one registry, by arena index. See the module docs.
#[derive(Debug, Clone)]
pub struct PersonIndex<'r> {
    pub(crate) reg: &'r Registry,
    pub(crate) ids: Vec<&'r str>,
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
    pub(crate) strings: Vec<&'r str>,
    /// First eight bytes of each interned text (see `compile::prefix8`).
    pub(crate) heads: Vec<u64>,
}

impl<'r> PersonIndex<'r> {
    /// Builds the columns: one pass over the persons.
    pub fn new(reg: &'r Registry) -> Self {
        let n = reg.person_count();
        let mut ix = PersonIndex {
            reg,
            ids: Vec::with_capacity(n),
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
            strings: Vec::new(),
            heads: Vec::new(),
        };
        let mut interned: HashMap<&'r str, u32> = HashMap::new();
        let mut intern = |s: &'r Option<String>, strings: &mut Vec<&'r str>| match s {
            None => NONE32,
            Some(s) => *interned.entry(s.as_str()).or_insert_with(|| {
                strings.push(s.as_str());
                (strings.len() - 1) as u32
            }),
        };
        for p in reg.persons() {
            ix.ids.push(&p.id);
            ix.id8.push(id_prefix(&p.id));
            ix.party.push(p.party.index() as u8);
            ix.title.push(p.title.index() as u8);
            ix.stratum.push(p.stratum.index() as u8);
            ix.sex.push(p.sex.map_or(NONE8, |s| s.index() as u8));
            ix.education
                .push(p.education.map_or(NONE8, |e| e.index() as u8));
            ix.flags.push(
                if p.returned_overseas { RETURNED } else { 0 }
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
            );
            ix.birth.push(pack_birth(p));
            ix.profession.push(intern(&p.profession, &mut ix.strings));
            ix.employer.push(intern(&p.employer, &mut ix.strings));
            ix.ethnicity.push(intern(&p.ethnicity, &mut ix.strings));
        }
        ix.heads = ix.strings.iter().map(|s| prefix8(s)).collect();
        ix
    }

    /// The registry it was built from.
    pub fn registry(&self) -> &'r Registry {
        self.reg
    }

    /// Number of persons.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are no persons.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
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
        self.strings.get(s as usize).copied()
    }

    pub(crate) fn text_keyed(&self, col: &[u32], i: u32) -> Option<(&'r str, u64)> {
        let s = *col.get(i as usize)? as usize;
        Some((*self.strings.get(s)?, *self.heads.get(s)?))
    }

    pub(crate) fn flag(&self, i: u32, bit: u8) -> Option<bool> {
        self.flags.get(i as usize).map(|f| f & bit != 0)
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
