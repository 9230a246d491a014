//! How a registry keeps its journal: compactly, with the events rebuilt when they are read
//! ([`crate::journal::Journal`]).
//!
//! A journal of a national roster holds tens of millions of events, nearly all of them joins and
//! additions of persons. Kept as [`Event`]s, each cost its 256 bytes plus copies of every string
//! in it (ids, names, the actor): about 600 bytes per membership on the national tree, twice
//! what the records themselves took. Here:
//! - a join keeps the membership record it created (ids as arena positions, 32 bytes), copied,
//!   since later leaves and role changes change the registry's record but not the join;
//! - the addition of a person who is still as added refers to the registry's row, and receives
//!   its own copy of the person only when an update replaces that row;
//! - every other command is kept as given, boxed;
//! - the time and actor are kept once per run of events that share them (a batch is one run),
//!   and the rare failed `warn` rules apart.
//!
//! Reading an event back gives exactly the event that was appended (tested against the events
//! `apply` returned, on random command sequences).

use crate::command::{Command, Event, Meta, Warnings};
use crate::model::Person;
use crate::registry::MRec;
use chrono::NaiveDateTime;

/// What an event did, in the form it is kept in.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Body {
    /// A join: the membership record it created, as it was created.
    Join(MRec),
    /// The addition of the person at this arena position, whose row has not changed since and
    /// is the person exactly as given.
    Person(u32),
    /// Any other command, as applied.
    Command(Box<Command>),
}

/// The time and actor of the events from `first` up to the next run's.
#[derive(Debug, Clone, PartialEq)]
struct Run {
    first: usize,
    at: NaiveDateTime,
    actor: String,
}

/// No event refers to this person's row.
const NO_EVENT: u32 = u32::MAX;

/// The journal's events in compact form (see the module documentation).
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct History {
    bodies: Vec<Body>,
    runs: Vec<Run>,
    /// The failed `warn` rules of the events that have some, by position, in order.
    warnings: Vec<(usize, Warnings)>,
    /// For each person (by arena position), the position of the event that adds them while
    /// that event refers to their row; [`NO_EVENT`] once it holds its own copy.
    person_adds: Vec<u32>,
}

impl History {
    /// The number of events.
    pub(crate) fn len(&self) -> usize {
        self.bodies.len()
    }

    /// Makes room for `additional` more events.
    pub(crate) fn reserve(&mut self, additional: usize) {
        self.bodies.reserve(additional);
    }

    /// Appends an event.
    pub(crate) fn push(&mut self, meta: &Meta, body: Body, warnings: Warnings) {
        let i = self.bodies.len();
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
        self.bodies.push(body);
    }

    /// Notes that a person was added (at the next arena position), by the event about to be
    /// pushed: by reference to their row if `by_reference` and the event's position fits the
    /// index. Returns whether it is by reference.
    pub(crate) fn person_added(&mut self, by_reference: bool) -> bool {
        let event = u32::try_from(self.bodies.len())
            .ok()
            .filter(|&e| by_reference && e != NO_EVENT);
        self.person_adds.push(event.unwrap_or(NO_EVENT));
        event.is_some()
    }

    /// Gives the event that added the person at arena position `person` its own copy of them,
    /// `old`, if it still refers to their row: called before an update replaces the row.
    pub(crate) fn person_replaced(&mut self, person: u32, old: Person) {
        let Some(slot) = self.person_adds.get_mut(person as usize) else {
            return;
        };
        let event = std::mem::replace(slot, NO_EVENT);
        if let Some(body) = self.bodies.get_mut(event as usize) {
            *body = Body::Command(Box::new(Command::AddPerson { person: old }));
        }
    }

    /// The event at `index` (0-based), with its command rebuilt by `command`.
    pub(crate) fn event(
        &self,
        index: usize,
        command: impl FnOnce(&Body) -> Command,
    ) -> Option<Event> {
        let body = self.bodies.get(index)?;
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
            command: command(body),
            warnings,
        })
    }

    /// The events' bodies, in order.
    pub(crate) fn bodies(&self) -> &[Body] {
        &self.bodies
    }
}
