//! Commands: every change to a registry is one of these, and every accepted one becomes an
//! [`Event`] in the journal.
//!
//! In JSON a command is an object tagged by `"type"`, e.g.
//! `{"type":"leave","member":{"person":"p1"},"org":"o1","date":"2024-01-01"}`.

use crate::access::Operator;
use crate::date::PartialDate;
use crate::model::*;
use crate::rules::{RuleBook, RuleOutcome};
use crate::tagged::tagged_enum;
use crate::vocab::{Relation, Role};
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};

fn is_guidance(r: &Relation) -> bool {
    *r == Relation::Guidance
}

tagged_enum! {
    #[serde(tag = "type", rename_all = "snake_case")]
    #[wire(CommandWire)]
    /// A change to a registry.
    ///
    /// (`PartialEq` only: a [`RuleBook`] may hold decimal numbers.)
    #[derive(Debug, Clone, PartialEq, Serialize)]
    pub enum Command {
        /// Add an organization, as a root or under a parent from its founding day.
        /// `org.dissolved` may be given for historical records.
        AddOrganization {
            /// The organization.
            org: Organization,
            /// Parent id, `None` for a root.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            parent: Option<String>,
            /// Relation to the parent (default guidance).
            #[serde(default, skip_serializing_if = "is_guidance")]
            relation: Relation,
        },
        /// Replace an organization's descriptive fields (everything but `founded` and `dissolved`,
        /// which have their own rules and commands).
        UpdateOrganization {
            /// The new record; its `id` names the organization.
            org: Organization,
        },
        /// Dissolve an organization on `date` (exclusive end). Its open memberships and
        /// affiliations close that day; it must have no child active on or after that day.
        DissolveOrganization {
            /// Organization id.
            id: String,
            /// First day it no longer exists.
            #[serde(with = "crate::date::day")]
            date: NaiveDate,
        },
        /// Move an organization under a new parent (or make it a root) from `date` on.
        MoveOrganization {
            /// Organization id.
            id: String,
            /// New parent id, `None` to become a root.
            #[serde(default, skip_serializing_if = "Option::is_none")]
            parent: Option<String>,
            /// Relation to the new parent (default guidance).
            #[serde(default, skip_serializing_if = "is_guidance")]
            relation: Relation,
            /// First day under the new parent.
            #[serde(with = "crate::date::day")]
            date: NaiveDate,
        },
        /// Add a secondary link between two organizations (outside the tree).
        AddAffiliation {
            /// The link.
            affiliation: Affiliation,
        },
        /// End a secondary link on `date` (exclusive).
        EndAffiliation {
            /// Affiliation id.
            id: String,
            /// First day it no longer holds.
            #[serde(with = "crate::date::day")]
            date: NaiveDate,
        },
        /// Start a council term (届). The organization's previous term, if still open, ends the
        /// day this one starts; numbers go up by one.
        StartTerm {
            /// Organization id.
            org: String,
            /// The term; `end` must be `None`.
            term: Term,
        },
        /// Add a person.
        AddPerson {
            /// The person.
            person: Person,
        },
        /// Replace a person's record (its `id` names the person).
        UpdatePerson {
            /// The new record.
            person: Person,
        },
        /// Add an enterprise.
        AddEnterprise {
            /// The enterprise.
            enterprise: Enterprise,
        },
        /// Replace an enterprise's record (its `id` names the enterprise).
        UpdateEnterprise {
            /// The new record.
            enterprise: Enterprise,
        },
        /// A member joins an organization (or, with `end`, a past membership is recorded).
        Join {
            /// The membership.
            membership: Membership,
        },
        /// A member leaves an organization on `date` (exclusive end of the active membership).
        Leave {
            /// The member.
            member: MemberRef,
            /// Organization id.
            org: String,
            /// First day no longer a member.
            #[serde(with = "crate::date::day")]
            date: NaiveDate,
        },
        /// A member's role changes on `date`: the active membership ends and a new one with the
        /// new role starts the same day. The rule book's eligibility rules are not run again: they
        /// say who may belong, which does not change with the role held; limits on roles (a
        /// president's consecutive terms, council seats per term) are composition rules, reported
        /// by [`rules::audit`](crate::rules::audit).
        ChangeRole {
            /// The member.
            member: MemberRef,
            /// Organization id.
            org: String,
            /// The new role.
            role: Role,
            /// First day in the new role.
            #[serde(with = "crate::date::day")]
            date: NaiveDate,
        },
        /// Record a designation conferred on an organization.
        RecordDesignation {
            /// The designation; `revoked` may be given for historical records.
            designation: Designation,
        },
        /// Revoke a designation.
        RevokeDesignation {
            /// Designation id.
            id: String,
            /// When revoked.
            date: PartialDate,
        },
        /// Record an activity.
        RecordActivity {
            /// The activity.
            activity: Activity,
        },
        /// Record an advice, proposal or research report.
        RecordAdvice {
            /// The record.
            advice: Advice,
        },
        /// Replace the registry's membership rule book: from this event on, every
        /// [`Join`](Command::Join) runs the book's eligibility rules for the organization
        /// ([`rules::check_join`](crate::rules::check_join)) — a failed `reject` rule refuses the
        /// join, failed `warn` rules are recorded on the event ([`Event::warnings`]). `None` (JSON
        /// `null`, the default of a new registry) enforces no rule. A book that does not compile is
        /// refused and the registry keeps its book. Memberships already recorded are not re-checked
        /// (`rules::audit` does that).
        SetRuleBook {
            /// The book, or `None` for no membership rules.
            #[serde(default)]
            book: Option<RuleBook>,
        },
        /// Add an operator, or replace the one with the same id: who may act on which subtrees
        /// through the scoped calls ([`Registry::apply_as`](crate::registry::Registry::apply_as),
        /// [`crate::access`]). Every grant must name an existing organization.
        SetOperator {
            /// The operator and its grants.
            operator: Operator,
        },
        /// Remove an operator: its scoped calls are refused from then on.
        RemoveOperator {
            /// Operator id.
            id: String,
        },
        /// The record of an export that wrote resident ID numbers in full: who, in what format,
        /// which subtrees (their roots; empty for the whole registry) and how many persons. The
        /// scoped exports ([`crate::api::export_rosters_as`]) append it before handing the data
        /// out; it changes no record.
        RecordUnmaskedExport {
            /// The operator who exported.
            operator: String,
            /// What was written (`rosters_csv`, `popolo`).
            format: String,
            /// Roots of the exported subtrees; empty for the whole registry.
            #[serde(default, skip_serializing_if = "Vec::is_empty")]
            orgs: Vec<String>,
            /// Number of persons written.
            persons: u64,
        },
    }
}

impl Command {
    /// The command's stable name (its JSON `type`).
    pub fn name(&self) -> &'static str {
        match self {
            Command::AddOrganization { .. } => "add_organization",
            Command::UpdateOrganization { .. } => "update_organization",
            Command::DissolveOrganization { .. } => "dissolve_organization",
            Command::MoveOrganization { .. } => "move_organization",
            Command::AddAffiliation { .. } => "add_affiliation",
            Command::EndAffiliation { .. } => "end_affiliation",
            Command::StartTerm { .. } => "start_term",
            Command::AddPerson { .. } => "add_person",
            Command::UpdatePerson { .. } => "update_person",
            Command::AddEnterprise { .. } => "add_enterprise",
            Command::UpdateEnterprise { .. } => "update_enterprise",
            Command::Join { .. } => "join",
            Command::Leave { .. } => "leave",
            Command::ChangeRole { .. } => "change_role",
            Command::RecordDesignation { .. } => "record_designation",
            Command::RevokeDesignation { .. } => "revoke_designation",
            Command::RecordActivity { .. } => "record_activity",
            Command::RecordAdvice { .. } => "record_advice",
            Command::SetRuleBook { .. } => "set_rule_book",
            Command::SetOperator { .. } => "set_operator",
            Command::RemoveOperator { .. } => "remove_operator",
            Command::RecordUnmaskedExport { .. } => "record_unmasked_export",
        }
    }

    /// Whether the command can change the organization tree (and so its pre-order numbering).
    pub fn is_structural(&self) -> bool {
        matches!(
            self,
            Command::AddOrganization { .. }
                | Command::MoveOrganization { .. }
                | Command::DissolveOrganization { .. }
        )
    }
}

/// Who issued a command and when, as the caller states it (the core reads no clock).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Meta {
    /// When the command was issued.
    #[serde(with = "crate::date::moment")]
    pub at: NaiveDateTime,
    /// Who issued it (an operator id, a system name).
    pub actor: String,
}

/// An accepted command, as kept in the journal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Position in the journal, from 1.
    pub seq: u64,
    /// When the command was issued (caller-given).
    #[serde(with = "crate::date::moment")]
    pub at: NaiveDateTime,
    /// Who issued it.
    pub actor: String,
    /// The command as applied.
    pub command: Command,
    /// The `warn` rules of the registry's rule book that a [`Join`](Command::Join) failed
    /// (empty, and absent from JSON, for every other command and without a book). Replaying the
    /// journal computes them again; a snapshot whose warnings differ does not load.
    #[serde(default, skip_serializing_if = "Warnings::is_empty")]
    pub warnings: Warnings,
}

/// The failed `warn` rules on an [`Event`]: a list (JSON array) that reads as a slice of
/// [`RuleOutcome`]s. Nearly every event has none, so an empty list is kept in one null pointer
/// (a journal of millions of events does not pay for a `Vec` on each).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
// A thin pointer on purpose: 8 bytes per event instead of a `Vec`'s 24 (or a boxed slice's 16).
#[allow(clippy::box_collection)]
pub struct Warnings(Option<Box<Vec<RuleOutcome>>>);

impl Warnings {
    /// No warnings.
    pub const fn new() -> Self {
        Warnings(None)
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_none()
    }

    /// The warnings as a slice.
    pub fn as_slice(&self) -> &[RuleOutcome] {
        self.0.as_deref().map_or(&[], Vec::as_slice)
    }

    /// The warnings as a `Vec`.
    pub fn into_vec(self) -> Vec<RuleOutcome> {
        self.0.map_or_else(Vec::new, |b| *b)
    }
}

impl std::ops::Deref for Warnings {
    type Target = [RuleOutcome];
    fn deref(&self) -> &[RuleOutcome] {
        self.as_slice()
    }
}

impl From<Vec<RuleOutcome>> for Warnings {
    fn from(v: Vec<RuleOutcome>) -> Self {
        Warnings((!v.is_empty()).then(|| Box::new(v)))
    }
}

impl<'a> IntoIterator for &'a Warnings {
    type Item = &'a RuleOutcome;
    type IntoIter = std::slice::Iter<'a, RuleOutcome>;
    fn into_iter(self) -> Self::IntoIter {
        self.as_slice().iter()
    }
}

impl Serialize for Warnings {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.as_slice().serialize(s)
    }
}

impl<'de> Deserialize<'de> for Warnings {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Vec::<RuleOutcome>::deserialize(d).map(Warnings::from)
    }
}
