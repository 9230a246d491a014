//! JSON snapshots of a whole registry.
//!
//! A snapshot holds every record *and* the journal that produced them, under a
//! `schema_version`. Loading replays the journal through the same validated commands and then
//! checks that the records it rebuilds are exactly the ones written, so a snapshot edited by hand
//! cannot smuggle in a state the rules forbid. Writing the loaded registry again gives the same
//! bytes.

use crate::command::Event;
use crate::error::Error;
use crate::model::*;
use crate::registry::Registry;
use serde::{Deserialize, Serialize};

/// The snapshot schema version this library writes and reads.
pub const SCHEMA_VERSION: u32 = 1;

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

/// Everything a registry holds, in a serde-stable shape. The membership rule book, if any, is
/// the one the journal's last `set_rule_book` event sets; replaying the journal compiles it again.
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
    /// The journal of accepted events.
    pub journal: Vec<Event>,
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

impl Snapshot {
    /// Reads a snapshot document. Checks the version before the shape, so a document from a
    /// future version reports its version rather than a field it does not know.
    pub fn from_json(text: &str) -> Result<Snapshot, Error> {
        let version: VersionOnly = serde_json::from_str(text).map_err(|e| Error::json(&e))?;
        match version.schema_version {
            Some(SCHEMA_VERSION) => serde_json::from_str(text).map_err(|e| Error::json(&e)),
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

    /// Rebuilds the registry from the journal and checks it against the records written.
    pub fn into_registry(self) -> Result<Registry, Error> {
        let registry = Registry::replay(&self.journal)?;
        let rebuilt = registry.snapshot();
        let difference = first_difference("journal", &self.journal, &rebuilt.journal)
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
    /// Everything the registry holds, as a [`Snapshot`].
    pub fn snapshot(&self) -> Snapshot {
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
            journal: self.journal().to_vec(),
        }
    }

    /// The snapshot as JSON text (pretty-printed, deterministic).
    pub fn to_json(&self) -> String {
        // Serializing these plain data types cannot fail; an empty string would only signal a
        // bug in serde_json itself.
        serde_json::to_string_pretty(&self.snapshot()).unwrap_or_default()
    }

    /// Loads a registry from snapshot JSON (see [`Snapshot::from_json`] and
    /// [`Snapshot::into_registry`]).
    pub fn from_json(text: &str) -> Result<Registry, Error> {
        Snapshot::from_json(text)?.into_registry()
    }
}
