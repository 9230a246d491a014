//! Read-only queries: a tagged JSON object onto the registry's public query functions, and
//! their answers back to JSON.

use super::{to_json as json, ApiError};
use crate::command::Event;
use crate::error::{Entity, Error};
use crate::journal::{to_hex, Chainer};
use crate::model::MemberRef;
use crate::registry::{MemberScope, Registry};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

fn direct() -> MemberScope {
    MemberScope::Direct
}

/// A read-only question to a registry; JSON `{"type": "<snake_case name>", …fields}`.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Query {
    /// One organization's record.
    Organization {
        /// Organization id.
        id: String,
    },
    /// One person's record.
    Person {
        /// Person id.
        id: String,
    },
    /// One enterprise's record.
    Enterprise {
        /// Enterprise id.
        id: String,
    },
    /// How many records the registry holds.
    Counts {},
    /// An organization's parent history, oldest first.
    ParentHistory {
        /// Organization id.
        org: String,
    },
    /// An organization's council terms, oldest first.
    Terms {
        /// Organization id.
        org: String,
    },
    /// Children on a day.
    Children {
        /// Organization id.
        org: String,
        /// The day.
        date: NaiveDate,
    },
    /// Ancestors on a day, parent first.
    Ancestors {
        /// Organization id.
        org: String,
        /// The day.
        date: NaiveDate,
    },
    /// The subtree on a day, in pre-order.
    Subtree {
        /// Organization id.
        org: String,
        /// The day.
        date: NaiveDate,
    },
    /// Root organizations on a day.
    Roots {
        /// The day.
        date: NaiveDate,
    },
    /// Distinct members active on a day under a scope.
    Members {
        /// Organization id.
        org: String,
        /// The day.
        date: NaiveDate,
        /// Which memberships count (default `direct`).
        #[serde(default = "direct")]
        scope: MemberScope,
    },
    /// Memberships active on a day under a scope.
    ActiveMemberships {
        /// Organization id.
        org: String,
        /// The day.
        date: NaiveDate,
        /// Which memberships count (default `direct`).
        #[serde(default = "direct")]
        scope: MemberScope,
    },
    /// Every membership a member has had.
    MembershipsOf {
        /// The member.
        member: MemberRef,
    },
    /// Organizations whose Chinese name starts with a prefix.
    SearchOrganizations {
        /// The prefix.
        prefix: String,
    },
    /// Persons whose name starts with a prefix.
    SearchPersons {
        /// The prefix.
        prefix: String,
    },
    /// Designations of an organization.
    DesignationsOf {
        /// Organization id.
        org: String,
    },
    /// Activities of an organization.
    ActivitiesOf {
        /// Organization id.
        org: String,
    },
    /// Advice records of an organization.
    AdviceOf {
        /// Organization id.
        org: String,
    },
    /// Affiliations from or to an organization.
    AffiliationsOf {
        /// Organization id.
        org: String,
    },
    /// Journal events with a sequence number greater than `after`, each with `prev`, the hash
    /// of the event before it (see [`crate::journal`]).
    Journal {
        /// Last sequence number already seen (default 0: the whole journal).
        #[serde(default)]
        after: u64,
    },
    /// The journal's head hash and its number of events: `{"head":"…","events":n}`.
    JournalHead {},
}

/// A journal event with its `prev`, borrowed (the JSON of a [`ChainedEvent`]).
///
/// [`ChainedEvent`]: crate::journal::ChainedEvent
#[derive(Serialize)]
struct ChainedRef<'a> {
    #[serde(flatten)]
    event: &'a Event,
    prev: String,
}

#[derive(Serialize)]
struct Counts {
    organizations: usize,
    persons: usize,
    enterprises: usize,
    memberships: usize,
}

fn not_found(entity: Entity, id: &str) -> ApiError {
    Error::NotFound {
        entity,
        id: id.to_string(),
    }
    .into()
}

/// Answers a [`Query`] from `reg` as the JSON of the registry's answer: a record for
/// `organization`/`person`/`enterprise` (`not_found` when there is none), ids in pre-order for
/// the tree queries, records for the lists, journal events with their `prev` hash for `journal`
/// (the chain is computed from the first event on each call).
pub fn query(reg: &Registry, query: Query) -> Result<String, ApiError> {
    match query {
        Query::Organization { id } => json(
            reg.organization(&id)
                .ok_or_else(|| not_found(Entity::Organization, &id))?,
        ),
        Query::Person { id } => json(
            reg.person(&id)
                .ok_or_else(|| not_found(Entity::Person, &id))?,
        ),
        Query::Enterprise { id } => json(
            reg.enterprise(&id)
                .ok_or_else(|| not_found(Entity::Enterprise, &id))?,
        ),
        Query::Counts {} => json(&Counts {
            organizations: reg.organization_count(),
            persons: reg.person_count(),
            enterprises: reg.enterprises().count(),
            memberships: reg.membership_count(),
        }),
        Query::ParentHistory { org } => json(&reg.parent_history(&org)?),
        Query::Terms { org } => json(reg.terms(&org)?),
        Query::Children { org, date } => json(&reg.children(&org, date)?),
        Query::Ancestors { org, date } => json(&reg.ancestors(&org, date)?),
        Query::Subtree { org, date } => json(&reg.subtree(&org, date)?),
        Query::Roots { date } => json(&reg.roots(date)),
        Query::Members { org, date, scope } => json(&reg.members(&org, date, scope)?),
        Query::ActiveMemberships { org, date, scope } => {
            json(&reg.active_memberships(&org, date, scope)?)
        }
        Query::MembershipsOf { member } => json(&reg.memberships_of(&member)?),
        Query::SearchOrganizations { prefix } => json(&reg.search_organizations(&prefix)),
        Query::SearchPersons { prefix } => json(&reg.search_persons(&prefix)),
        Query::DesignationsOf { org } => json(&reg.designations_of(&org)?),
        Query::ActivitiesOf { org } => json(&reg.activities_of(&org)?),
        Query::AdviceOf { org } => json(&reg.advice_of(&org)?),
        Query::AffiliationsOf { org } => json(&reg.affiliations_of(&org)?),
        Query::Journal { after } => {
            let mut chain = Chainer::new();
            let mut events = Vec::new();
            for event in reg.journal() {
                if event.seq > after {
                    events.push(ChainedRef {
                        event,
                        prev: to_hex(chain.head()),
                    });
                }
                chain.push(event);
            }
            json(&events)
        }
        Query::JournalHead {} => json(&super::JournalCheck {
            head: reg.journal_head(),
            events: reg.journal().len(),
        }),
    }
}
