//! Read-only queries: a tagged JSON object onto the registry's public query functions, and
//! their answers back to JSON.

use super::{to_json as json, ApiError};
use crate::error::{Entity, Error};
use crate::journal::{to_hex, ChainedEvent, Chainer};
use crate::model::MemberRef;
use crate::registry::{MemberScope, Registry};
use crate::tagged::tagged_enum;
use chrono::NaiveDate;
use serde::Serialize;

fn direct() -> MemberScope {
    MemberScope::Direct
}

tagged_enum! {
    #[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
    #[wire(QueryWire)]
    /// A read-only question to a registry; JSON `{"type": "<snake_case name>", …fields}`.
    #[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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
            #[serde(with = "crate::date::day")]
            date: NaiveDate,
        },
        /// Ancestors on a day, parent first.
        Ancestors {
            /// Organization id.
            org: String,
            /// The day.
            #[serde(with = "crate::date::day")]
            date: NaiveDate,
        },
        /// The subtree on a day, in pre-order.
        Subtree {
            /// Organization id.
            org: String,
            /// The day.
            #[serde(with = "crate::date::day")]
            date: NaiveDate,
        },
        /// Root organizations on a day.
        Roots {
            /// The day.
            #[serde(with = "crate::date::day")]
            date: NaiveDate,
        },
        /// Distinct members active on a day under a scope.
        Members {
            /// Organization id.
            org: String,
            /// The day.
            #[serde(with = "crate::date::day")]
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
            #[serde(with = "crate::date::day")]
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
                let prev = (event.seq > after).then(|| to_hex(chain.head()));
                chain.push(&event);
                if let Some(prev) = prev {
                    events.push(ChainedEvent { event, prev });
                }
            }
            json(&events)
        }
        Query::JournalHead {} => json(&super::JournalCheck {
            head: reg.journal_head(),
            events: reg.journal().len(),
        }),
    }
}

impl Query {
    /// The stable name (the JSON `"type"` tag).
    pub fn name(&self) -> &'static str {
        match self {
            Query::Organization { .. } => "organization",
            Query::Person { .. } => "person",
            Query::Enterprise { .. } => "enterprise",
            Query::Counts {} => "counts",
            Query::ParentHistory { .. } => "parent_history",
            Query::Terms { .. } => "terms",
            Query::Children { .. } => "children",
            Query::Ancestors { .. } => "ancestors",
            Query::Subtree { .. } => "subtree",
            Query::Roots { .. } => "roots",
            Query::Members { .. } => "members",
            Query::ActiveMemberships { .. } => "active_memberships",
            Query::MembershipsOf { .. } => "memberships_of",
            Query::SearchOrganizations { .. } => "search_organizations",
            Query::SearchPersons { .. } => "search_persons",
            Query::DesignationsOf { .. } => "designations_of",
            Query::ActivitiesOf { .. } => "activities_of",
            Query::AdviceOf { .. } => "advice_of",
            Query::AffiliationsOf { .. } => "affiliations_of",
            Query::Journal { .. } => "journal",
            Query::JournalHead {} => "journal_head",
        }
    }
}

/// Answers a [`Query`] as operator `operator` ([`crate::access`]): the same answer as
/// [`query`] restricted to what its grants cover. A record (organization, person, enterprise,
/// or the lists hanging on one organization) outside them is `access_denied`; tree lists,
/// searches, member lists and counts keep only covered organizations and members; parent ids
/// outside the grants read as `null` (the organization is a root of the operator's view);
/// resident IDs are masked where the operator is only a viewer; the journal is for
/// administrators of the whole registry (its head for every operator).
pub fn query_as(reg: &Registry, operator: &str, query: Query) -> Result<String, ApiError> {
    use crate::access::AccessRole::{Administrator, Viewer};
    let access = reg.access(operator, &format!("query {}", query.name()))?;
    let view = access.view();
    let sees = |id: &str| reg.org_index(id).is_some_and(|i| view.sees(i));
    let sees_ids = |ids: Vec<&str>| -> Vec<String> {
        ids.into_iter()
            .filter(|id| sees(id))
            .map(str::to_string)
            .collect()
    };
    let sees_member = |m: &MemberRef| view.role_over_member(reg, m).is_some();
    match query {
        Query::Person { id } => {
            let member = MemberRef::Person(id.clone());
            access.require_member(Viewer, &member)?;
            let p = reg
                .person(&id)
                .ok_or_else(|| not_found(Entity::Person, &id))?;
            json(&view.person(reg, p))
        }
        Query::Enterprise { id } => {
            access.require_member(Viewer, &MemberRef::Enterprise(id.clone()))?;
            self::query(reg, Query::Enterprise { id })
        }
        Query::MembershipsOf { member } => {
            access.require_member(Viewer, &member)?;
            let list: Vec<_> = reg
                .memberships_of(&member)?
                .into_iter()
                .filter(|m| sees(&m.org))
                .collect();
            json(&list)
        }
        Query::Counts {} => {
            let visible = |m: &MemberRef| sees_member(m);
            json(&Counts {
                organizations: reg.organizations().filter(|o| sees(&o.id)).count(),
                persons: reg
                    .persons()
                    .filter(|p| visible(&MemberRef::Person(p.id.clone())))
                    .count(),
                enterprises: reg
                    .enterprises()
                    .filter(|e| visible(&MemberRef::Enterprise(e.id.clone())))
                    .count(),
                memberships: reg.memberships().filter(|m| sees(&m.org)).count(),
            })
        }
        Query::Roots { date } => {
            let tree = reg.tree_at(date);
            let roots: Vec<&str> = tree
                .order()
                .iter()
                .filter(|&&o| view.sees(o) && tree.parent(o).is_none_or(|(p, _)| !view.sees(p)))
                .filter_map(|&o| reg.organization_at(o).map(|o| o.id.as_str()))
                .collect();
            json(&roots)
        }
        Query::SearchOrganizations { prefix } => {
            let found: Vec<_> = reg
                .search_organizations(&prefix)
                .into_iter()
                .filter(|o| sees(&o.id))
                .collect();
            json(&found)
        }
        Query::SearchPersons { prefix } => {
            let found: Vec<_> = reg
                .search_persons(&prefix)
                .into_iter()
                .filter(|p| sees_member(&MemberRef::Person(p.id.clone())))
                .map(|p| view.person(reg, p))
                .collect();
            json(&found)
        }
        Query::Journal { .. } => {
            access.require_registry(Administrator)?;
            self::query(reg, query)
        }
        Query::JournalHead {} => self::query(reg, query),
        // The rest concern one organization.
        Query::Organization { ref id } => {
            access.require_org(Viewer, id)?;
            self::query(reg, query)
        }
        Query::ParentHistory { org } => {
            access.require_org(Viewer, &org)?;
            let mut history = reg.parent_history(&org)?;
            for link in &mut history {
                if link.parent.as_deref().is_some_and(|p| !sees(p)) {
                    link.parent = None;
                }
            }
            json(&history)
        }
        Query::Terms { ref org }
        | Query::DesignationsOf { ref org }
        | Query::ActivitiesOf { ref org }
        | Query::AdviceOf { ref org } => {
            access.require_org(Viewer, org)?;
            self::query(reg, query)
        }
        Query::AffiliationsOf { org } => {
            access.require_org(Viewer, &org)?;
            let list: Vec<_> = reg
                .affiliations_of(&org)?
                .into_iter()
                .filter(|a| sees(&a.org) && sees(&a.other))
                .collect();
            json(&list)
        }
        Query::Children { org, date } => {
            access.require_org(Viewer, &org)?;
            json(&sees_ids(reg.children(&org, date)?))
        }
        Query::Ancestors { org, date } => {
            access.require_org(Viewer, &org)?;
            json(&sees_ids(reg.ancestors(&org, date)?))
        }
        Query::Subtree { org, date } => {
            access.require_org(Viewer, &org)?;
            json(&sees_ids(reg.subtree(&org, date)?))
        }
        Query::Members { org, date, scope } => {
            access.require_org(Viewer, &org)?;
            let mut members: Vec<MemberRef> = reg
                .active_memberships(&org, date, scope)?
                .into_iter()
                .filter(|m| sees(&m.org))
                .map(|m| m.member)
                .collect();
            members.sort();
            members.dedup();
            json(&members)
        }
        Query::ActiveMemberships { org, date, scope } => {
            access.require_org(Viewer, &org)?;
            let list: Vec<_> = reg
                .active_memberships(&org, date, scope)?
                .into_iter()
                .filter(|m| sees(&m.org))
                .collect();
            json(&list)
        }
    }
}
