//! JSON snapshots of a whole registry.
//!
//! A snapshot holds every record *and* the journal that produced them, under a
//! `schema_version`. Since version 2 each journal event carries `prev`, the hash of the event
//! before it, and the snapshot records its `head`, the hash of the last event (the chain of
//! [`crate::journal`]). Loading first checks that chain — an event altered, inserted, removed
//! or moved is refused with [`ErrorCode::JournalTampered`](crate::ErrorCode::JournalTampered)
//! naming the first such event — then replays the journal through the same validated commands
//! and checks that the records it rebuilds are exactly the ones written, so a snapshot edited by
//! hand cannot smuggle in a state the rules forbid. Writing the loaded registry again gives the
//! same bytes.
//!
//! Version 1 snapshots (no hashes) still load, replayed and compared as before; written again
//! they become version 2, their chain computed then.

use crate::command::Event;
use crate::error::Error;
use crate::journal::{self, ChainedEvent};
use crate::model::*;
use crate::registry::Registry;
use serde::{Deserialize, Serialize};

/// The snapshot schema version this library writes (it reads 1 and 2).
pub const SCHEMA_VERSION: u32 = 2;

/// An organization with its parent history and council terms.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganizationState {
    /// The organization's own fields.
    pub organization: Organization,
    /// Its parent history, oldest first.
    pub parents: Vec<ParentLink>,
    /// Its council terms, oldest first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub terms: Vec<Term>,
}

/// Everything a registry holds, in a serde-stable shape (`schema_version` 2). The membership
/// rule book, if any, is the one the journal's last `set_rule_book` event sets; replaying the
/// journal compiles it again.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Snapshot {
    /// Always [`SCHEMA_VERSION`] when written by this library.
    pub schema_version: u32,
    /// Organizations in the order they were added.
    pub organizations: Vec<OrganizationState>,
    /// Persons.
    pub persons: Vec<Person>,
    /// Enterprises.
    pub enterprises: Vec<Enterprise>,
    /// Membership records.
    pub memberships: Vec<Membership>,
    /// Designations.
    pub designations: Vec<Designation>,
    /// Activities.
    pub activities: Vec<Activity>,
    /// Advice records.
    pub advice: Vec<Advice>,
    /// Affiliations.
    pub affiliations: Vec<Affiliation>,
    /// The journal of accepted events, each with the hash of the one before.
    pub journal: Vec<ChainedEvent>,
    /// The hash of the journal's last event ([`journal::GENESIS`] when it is empty).
    pub head: String,
}

/// A `schema_version` 1 snapshot: no hashes.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SnapshotV1 {
    /// Always 1 (read before, by `VersionOnly`).
    #[serde(rename = "schema_version")]
    _schema_version: u32,
    organizations: Vec<OrganizationState>,
    persons: Vec<Person>,
    enterprises: Vec<Enterprise>,
    memberships: Vec<Membership>,
    designations: Vec<Designation>,
    activities: Vec<Activity>,
    advice: Vec<Advice>,
    affiliations: Vec<Affiliation>,
    journal: Vec<Event>,
}

impl SnapshotV1 {
    /// The version 2 shape, with the given `prev` of each event and head.
    fn upgrade(self, prevs: impl Fn(&[Event]) -> (Vec<String>, String)) -> Snapshot {
        let (prevs, head) = prevs(&self.journal);
        Snapshot {
            schema_version: SCHEMA_VERSION,
            organizations: self.organizations,
            persons: self.persons,
            enterprises: self.enterprises,
            memberships: self.memberships,
            designations: self.designations,
            activities: self.activities,
            advice: self.advice,
            affiliations: self.affiliations,
            journal: self
                .journal
                .into_iter()
                .zip(prevs.into_iter().chain(std::iter::repeat(String::new())))
                .map(|(event, prev)| ChainedEvent { event, prev })
                .collect(),
            head,
        }
    }
}

/// A snapshot document as read, by version.
enum Read {
    V1(SnapshotV1),
    V2(Snapshot),
}

#[derive(Deserialize)]
struct VersionOnly {
    schema_version: Option<u32>,
}

/// Names the first differing element of two lists.
fn first_difference<T: PartialEq + Serialize>(
    section: &str,
    written: &[T],
    rebuilt: &[T],
) -> Option<String> {
    if written.len() != rebuilt.len() {
        return Some(format!(
            "`{section}` lists {} records but the journal rebuilds {}",
            written.len(),
            rebuilt.len()
        ));
    }
    let i = written.iter().zip(rebuilt).position(|(a, b)| a != b)?;
    let show = |x: &T| serde_json::to_string(x).unwrap_or_default();
    Some(format!(
        "`{section}`[{i}] is {} but the journal rebuilds {}",
        show(&written[i]),
        show(&rebuilt[i])
    ))
}

/// Reads a snapshot document of any supported version. Checks the version before the shape, so
/// a document from a future version reports its version rather than a field it does not know.
fn read(text: &str) -> Result<Read, Error> {
    let version: VersionOnly = crate::json_read::from_str(text).map_err(|e| Error::json(&e))?;
    match version.schema_version {
        Some(1) => Ok(Read::V1(
            crate::json_read::from_str(text).map_err(|e| Error::json(&e))?,
        )),
        Some(SCHEMA_VERSION) => Ok(Read::V2(
            crate::json_read::from_str(text).map_err(|e| Error::json(&e))?,
        )),
        Some(found) => Err(Error::UnsupportedSchemaVersion {
            found,
            supported: SCHEMA_VERSION,
        }),
        None => Err(Error::Json {
            line: 1,
            column: 1,
            message: "missing field `schema_version`".into(),
        }),
    }
}

impl Snapshot {
    /// Reads a snapshot document. Checks the version before the shape, so a document from a
    /// future version reports its version rather than a field it does not know. A version 1
    /// document comes back in the version 2 shape, its chain and head computed from its
    /// journal.
    pub fn from_json(text: &str) -> Result<Snapshot, Error> {
        Ok(match read(text)? {
            Read::V1(v1) => v1.upgrade(|events| {
                let (chained, head) = journal::link(events.to_vec());
                (chained.into_iter().map(|c| c.prev).collect(), head)
            }),
            Read::V2(s) => s,
        })
    }

    /// Checks the journal's hash chain against `head` ([`journal::verify_journal`]), then
    /// rebuilds the registry from the journal and checks it against the records written.
    pub fn into_registry(self) -> Result<Registry, Error> {
        journal::verify_journal(&self.journal, Some(&self.head))?;
        self.rebuild()
    }

    /// Replays the journal and compares the records (the chain already checked, or absent).
    fn rebuild(self) -> Result<Registry, Error> {
        let registry = Registry::replay(self.journal.iter().map(|c| &c.event))?;
        let written: Vec<&Event> = self.journal.iter().map(|c| &c.event).collect();
        let replayed = registry.journal().to_vec();
        let replayed: Vec<&Event> = replayed.iter().collect();
        let rebuilt = registry.records_snapshot();
        let difference = first_difference("journal", &written, &replayed)
            .or_else(|| {
                first_difference("organizations", &self.organizations, &rebuilt.organizations)
            })
            .or_else(|| first_difference("persons", &self.persons, &rebuilt.persons))
            .or_else(|| first_difference("enterprises", &self.enterprises, &rebuilt.enterprises))
            .or_else(|| first_difference("memberships", &self.memberships, &rebuilt.memberships))
            .or_else(|| first_difference("designations", &self.designations, &rebuilt.designations))
            .or_else(|| first_difference("activities", &self.activities, &rebuilt.activities))
            .or_else(|| first_difference("advice", &self.advice, &rebuilt.advice))
            .or_else(|| {
                first_difference("affiliations", &self.affiliations, &rebuilt.affiliations)
            });
        match difference {
            Some(detail) => Err(Error::SnapshotMismatch { detail }),
            None => Ok(registry),
        }
    }
}

impl Registry {
    /// Everything the registry holds, as a [`Snapshot`] (the journal chained, see
    /// [`crate::journal`]).
    pub fn snapshot(&self) -> Snapshot {
        let (journal, head) = self.chained_journal();
        Snapshot {
            journal,
            head,
            ..self.records_snapshot()
        }
    }

    /// The records, with an empty journal.
    fn records_snapshot(&self) -> Snapshot {
        Snapshot {
            schema_version: SCHEMA_VERSION,
            organizations: self
                .organizations()
                .map(|o| OrganizationState {
                    organization: o.clone(),
                    parents: self.parent_history(&o.id).unwrap_or_default(),
                    terms: self.terms(&o.id).map(<[Term]>::to_vec).unwrap_or_default(),
                })
                .collect(),
            persons: self.persons().cloned().collect(),
            enterprises: self.enterprises().cloned().collect(),
            memberships: self.memberships().collect(),
            designations: self.designations().cloned().collect(),
            activities: self.activities().cloned().collect(),
            advice: self.advice_records().cloned().collect(),
            affiliations: self.affiliations().cloned().collect(),
            journal: Vec::new(),
            head: journal::GENESIS.to_string(),
        }
    }

    /// The snapshot as JSON text (pretty-printed, deterministic).
    pub fn to_json(&self) -> String {
        // Serializing these plain data types cannot fail; an empty string would only signal a
        // bug in serde_json itself.
        crate::pretty::to_string_pretty(&self.snapshot())
    }

    /// Loads a registry from snapshot JSON (see [`Snapshot::from_json`] and
    /// [`Snapshot::into_registry`]). A version 1 snapshot, which has no hashes, is replayed and
    /// compared without computing its chain.
    pub fn from_json(text: &str) -> Result<Registry, Error> {
        match read(text)? {
            Read::V1(v1) => v1.upgrade(|_| (Vec::new(), String::new())).rebuild(),
            Read::V2(s) => s.into_registry(),
        }
    }
}
