//! How a registry keeps its journal: by reference to its own records wherever it can, with the
//! events rebuilt when they are read ([`crate::journal::Journal`]).
//!
//! A journal of a national roster holds tens of millions of events, nearly all of them joins and
//! additions of persons. Kept as [`Event`]s, each cost its 256 bytes plus copies of every string
//! in it (ids, names, the actor): about 600 bytes per membership on the national tree, twice
//! what the records themselves took. Here:
//! - a run of joins is one segment, "the joins that created membership records `first` to
//!   `first + count - 1`": a join's membership is the registry's record;
//! - a run of additions of persons is one segment the same way, for persons whose row is the
//!   person exactly as given (the registry normalises a legacy resident ID, and such an addition
//!   is kept as given instead);
//! - every other command is kept as given, boxed, one segment each;
//! - before a leave, a role change or a dissolution changes a membership record, or an update
//!   replaces a person's row, the registry hands the record as it was to the journal
//!   ([`History::keep_membership`], [`History::keep_person`]), which keeps the first such
//!   version: the one the join or addition made;
//! - the time and actor are kept once per run of events that share them (a batch is one run),
//!   and the rare failed `warn` rules apart.
//!
//! A bulk load thus adds a few segments, not an entry per event. Reading an event back gives
//! exactly the event that was appended (tested against the events `apply` returned, on random
//! command sequences with leaves, role changes, dissolutions and updates).

use crate::command::{Command, Event, Meta, Warnings};
use crate::model::Person;
use crate::registry::MRec;
use chrono::NaiveDateTime;
use std::collections::HashMap;

/// What a segment of events did, in the form it is kept in.
#[derive(Debug, Clone, PartialEq)]
enum Body {
    /// `count` joins in a row, the k-th of which created membership record `first + k`.
    Joins { first: u32, count: u32 },
    /// `count` additions of persons in a row, the k-th of which added the person at arena
    /// position `first + k`, whose row was the person exactly as given.
    Persons { first: u32, count: u32 },
    /// One other command, as applied.
    Command(Box<Command>),
}

/// A run of events from event `start` (0-based) on.
#[derive(Debug, Clone, PartialEq)]
struct Segment {
    start: usize,
    body: Body,
}

/// The time and actor of the events from `first` up to the next run's.
#[derive(Debug, Clone, PartialEq)]
struct Run {
    first: usize,
    at: NaiveDateTime,
    actor: String,
}

/// An event the journal keeps by reference to a record of the registry.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Reference {
    /// A join that created this membership record.
    Join(u32),
    /// The addition of the person at this arena position, whose row is the person exactly as
    /// given.
    Person(u32),
}

/// An event's command as the journal keeps it.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stored<'a> {
    /// A join that created this membership record, as it was then ([`History::membership`]).
    Join(u32),
    /// The addition of the person at this arena position, as they were then
    /// ([`History::person`]).
    Person(u32),
    /// Any other command, as applied.
    Command(&'a Command),
}

/// The journal's events in compact form (see the module documentation).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct History {
    segments: Vec<Segment>,
    /// The number of events.
    len: usize,
    runs: Vec<Run>,
    /// The failed `warn` rules of the events that have some, by position, in order.
    warnings: Vec<(usize, Warnings)>,
    /// Membership records as they were before their first change, by position.
    memberships: HashMap<u32, MRec>,
    /// Persons as they were before their first update, by arena position.
    persons: HashMap<u32, Person>,
}

impl History {
    /// The number of events.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Appends an event kept by reference: in the last segment when it is a run of the same
    /// kind that ends right before the record referred to.
    pub(crate) fn push_reference(&mut self, meta: &Meta, to: Reference, warnings: Warnings) {
        let (body, i) = match to {
            Reference::Join(i) => (Body::Joins { first: i, count: 1 }, i),
            Reference::Person(i) => (Body::Persons { first: i, count: 1 }, i),
        };
        let extended = match (self.segments.last_mut().map(|s| &mut s.body), &body) {
            (Some(Body::Joins { first, count }), Body::Joins { .. })
            | (Some(Body::Persons { first, count }), Body::Persons { .. }) => {
                extend(*first, count, i)
            }
            _ => false,
        };
        self.push(meta, extended, body, warnings);
    }

    /// Appends any other command, kept as given.
    pub(crate) fn push_command(&mut self, meta: &Meta, command: Command, warnings: Warnings) {
        self.push(meta, false, Body::Command(Box::new(command)), warnings);
    }

    /// Appends an event, in the last segment if `extended` (it was extended to hold it), else
    /// in a new one holding `body`.
    fn push(&mut self, meta: &Meta, extended: bool, body: Body, warnings: Warnings) {
        let i = self.len;
        if !extended {
            self.segments.push(Segment { start: i, body });
        }
        if self
            .runs
            .last()
            .is_none_or(|r| r.at != meta.at || r.actor != meta.actor)
        {
            self.runs.push(Run {
                first: i,
                at: meta.at,
                actor: meta.actor.clone(),
            });
        }
        if !warnings.is_empty() {
            self.warnings.push((i, warnings));
        }
        self.len += 1;
    }

    /// Keeps membership record `i` as it is, unless an earlier version is kept already: called
    /// before the registry changes it.
    pub(crate) fn keep_membership(&mut self, i: u32, record: &MRec) {
        self.memberships.entry(i).or_insert_with(|| record.clone());
    }

    /// Keeps `old`, the row of the person at arena position `i`, unless an earlier version is
    /// kept already: called when an update replaced it.
    pub(crate) fn keep_person(&mut self, i: u32, old: Person) {
        self.persons.entry(i).or_insert(old);
    }

    /// Membership record `i` as its join created it, given the registry's `records`.
    pub(crate) fn membership<'a>(&'a self, i: u32, records: &'a [MRec]) -> Option<&'a MRec> {
        self.memberships.get(&i).or_else(|| records.get(i as usize))
    }

    /// The person at arena position `i` as added, given the registry's `rows`.
    pub(crate) fn person<'a>(&'a self, i: u32, rows: &'a [Person]) -> Option<&'a Person> {
        self.persons.get(&i).or_else(|| rows.get(i as usize))
    }

    /// The event at `index` (0-based), with its command rebuilt by `command` (`None` if it
    /// cannot be).
    pub(crate) fn event(
        &self,
        index: usize,
        command: impl FnOnce(Stored<'_>) -> Option<Command>,
    ) -> Option<Event> {
        if index >= self.len {
            return None;
        }
        let segment = self.segments.partition_point(|s| s.start <= index);
        let segment = self.segments.get(segment.checked_sub(1)?)?;
        let k = u32::try_from(index - segment.start).ok()?;
        let stored = match &segment.body {
            Body::Joins { first, .. } => Stored::Join(first.checked_add(k)?),
            Body::Persons { first, .. } => Stored::Person(first.checked_add(k)?),
            Body::Command(c) => Stored::Command(c),
        };
        let run = self
            .runs
            .partition_point(|r| r.first <= index)
            .checked_sub(1)?;
        let run = self.runs.get(run)?;
        let warnings = match self.warnings.binary_search_by_key(&index, |w| w.0) {
            Ok(w) => self.warnings[w].1.clone(),
            Err(_) => Warnings::default(),
        };
        Some(Event {
            seq: index as u64 + 1,
            at: run.at,
            actor: run.actor.clone(),
            command: command(stored)?,
            warnings,
        })
    }

    /// Every event's command as kept, in order, without rebuilding any.
    pub(crate) fn stored(&self) -> impl Iterator<Item = Stored<'_>> {
        self.segments.iter().flat_map(|s| {
            let (first, count) = match &s.body {
                Body::Joins { first, count } | Body::Persons { first, count } => (*first, *count),
                Body::Command(_) => (0, 1),
            };
            (first..first.saturating_add(count)).map(move |i| match &s.body {
                Body::Joins { .. } => Stored::Join(i),
                Body::Persons { .. } => Stored::Person(i),
                Body::Command(c) => Stored::Command(c),
            })
        })
    }
}

/// Extends a run of `count` positions from `first` by `next` if it comes right after the run;
/// returns whether it did.
fn extend(first: u32, count: &mut u32, next: u32) -> bool {
    match (first.checked_add(*count), count.checked_add(1)) {
        (Some(after), Some(more)) if after == next => {
            *count = more;
            true
        }
        _ => false,
    }
}
