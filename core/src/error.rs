//! Errors with stable codes.
//!
//! Every rejection is an [`Error`]; [`Error::code`] gives its [`ErrorCode`], whose snake_case name
//! ([`ErrorCode::as_str`]) and number ([`ErrorCode::number`]) never change, so the C and WASM fronts
//! report the same codes. Messages name the ids, fields and dates involved.

use crate::access::AccessDenied;
use crate::journal::JournalTamper;
use crate::rules::RuleViolation;
use crate::vocab::{Level, OrgKind, Relation};
use chrono::NaiveDate;
use std::fmt;

/// The kind of record an error is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Entity {
    /// An organization.
    Organization,
    /// A person.
    Person,
    /// An enterprise.
    Enterprise,
    /// A membership.
    Membership,
    /// A designation.
    Designation,
    /// An activity.
    Activity,
    /// An advice record.
    Advice,
    /// An affiliation.
    Affiliation,
    /// A council term.
    Term,
    /// A journal event (its metadata).
    Event,
    /// A scoped operator.
    Operator,
}

impl Entity {
    /// Lower-case English name.
    pub fn as_str(self) -> &'static str {
        match self {
            Entity::Organization => "organization",
            Entity::Person => "person",
            Entity::Enterprise => "enterprise",
            Entity::Membership => "membership",
            Entity::Designation => "designation",
            Entity::Activity => "activity",
            Entity::Advice => "advice",
            Entity::Affiliation => "affiliation",
            Entity::Term => "term",
            Entity::Event => "event",
            Entity::Operator => "operator",
        }
    }
}

impl fmt::Display for Entity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Formats an optional date as the date or "never".
fn or_never(d: &Option<NaiveDate>) -> String {
    d.map_or_else(|| "never".to_string(), |d| d.to_string())
}

/// Formats an optional parent id.
fn or_root(p: &Option<String>) -> String {
    p.as_ref()
        .map_or_else(|| "(root)".to_string(), |p| format!("`{p}`"))
}

/// A rejected command, query or load.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// An id is already taken.
    #[error("{entity} id `{id}` already exists")]
    DuplicateId {
        /// Kind of record.
        entity: Entity,
        /// The id.
        id: String,
    },
    /// A referenced record does not exist.
    #[error("{entity} `{id}` not found")]
    NotFound {
        /// Kind of record.
        entity: Entity,
        /// The id.
        id: String,
    },
    /// A field's value is not acceptable.
    #[error("{entity} `{id}`: field `{field}` {reason}")]
    InvalidField {
        /// Kind of record.
        entity: Entity,
        /// The record's id.
        id: String,
        /// The field.
        field: &'static str,
        /// What is wrong, including the value seen.
        reason: String,
    },
    /// An interval ends on or before it starts.
    #[error("{entity} `{id}`: `{end_field}` {end} is not after `{start_field}` {start}")]
    DateOrder {
        /// Kind of record.
        entity: Entity,
        /// The record's id.
        id: String,
        /// Name of the start field.
        start_field: &'static str,
        /// The start.
        start: NaiveDate,
        /// Name of the end field.
        end_field: &'static str,
        /// The end.
        end: NaiveDate,
    },
    /// A dated fact falls outside the lifetime of the organization it belongs to.
    #[error("{what} on {date} is outside the lifetime of organization `{org}` (founded {founded}, dissolved {})", or_never(.dissolved))]
    OutsideLifetime {
        /// The organization.
        org: String,
        /// What was dated, e.g. "membership of person `p1`".
        what: String,
        /// The offending date.
        date: NaiveDate,
        /// The organization's founding day.
        founded: NaiveDate,
        /// Its dissolution day.
        dissolved: Option<NaiveDate>,
    },
    /// The move would make an organization its own ancestor.
    #[error("moving organization `{org}` under `{parent}` from {date} would make a cycle (`{parent}` is inside `{org}`'s subtree on {at})")]
    Cycle {
        /// The organization being moved.
        org: String,
        /// The proposed parent.
        parent: String,
        /// The day of the move.
        date: NaiveDate,
        /// A day on which the cycle would exist.
        at: NaiveDate,
    },
    /// A child's level does not fit its parent's under the relation.
    #[error("organization `{child}` ({child_level}) cannot be {relation} `{parent}` ({parent_level}): {}", if *.relation == Relation::Guidance { "a guided organization must be at a lower level than its guide" } else { "a branch or committee must be at its parent's level or below" })]
    LevelOrder {
        /// The child.
        child: String,
        /// The child's level.
        child_level: Level,
        /// The parent.
        parent: String,
        /// The parent's level.
        parent_level: Level,
        /// The relation.
        relation: Relation,
    },
    /// A part-of child's kind differs from its parent's.
    #[error("organization `{child}` ({child_kind}) cannot be part_of `{parent}` ({parent_kind}): a branch is of its parent's kind (or a special_committee)")]
    KindMismatch {
        /// The child.
        child: String,
        /// The child's kind.
        child_kind: OrgKind,
        /// The parent.
        parent: String,
        /// The parent's kind.
        parent_kind: OrgKind,
    },
    /// Two memberships of the same member in the same organization would overlap.
    #[error("{member} already has a membership in `{org}` from {existing_start} to {} overlapping the new one", or_never(.existing_end))]
    OverlappingMembership {
        /// The member, e.g. "person `p1`".
        member: String,
        /// The organization.
        org: String,
        /// Start of the existing membership.
        existing_start: NaiveDate,
        /// End of the existing membership.
        existing_end: Option<NaiveDate>,
    },
    /// An organization would have two presidents at once.
    #[error("organization `{org}` already has president {existing} from {existing_start} to {}, overlapping {new}'s presidency", or_never(.existing_end))]
    PresidentConflict {
        /// The organization.
        org: String,
        /// The sitting president.
        existing: String,
        /// Start of the sitting president's membership.
        existing_start: NaiveDate,
        /// End of it.
        existing_end: Option<NaiveDate>,
        /// The member who would be a second president.
        new: String,
    },
    /// No membership of the member in the organization is active on the date.
    #[error("{member} has no membership in `{org}` active on {date}")]
    NoActiveMembership {
        /// The member.
        member: String,
        /// The organization.
        org: String,
        /// The date.
        date: NaiveDate,
    },
    /// The organization has children that would outlive it.
    #[error("organization `{org}` cannot be dissolved on {date}: child `{child}` is still under it then")]
    HasActiveChildren {
        /// The organization.
        org: String,
        /// A child active on or after the date.
        child: String,
        /// The dissolution day.
        date: NaiveDate,
    },
    /// A move or a dissolution is dated before the organization's last recorded change.
    #[error(
        "organization `{org}`: {what} on {date} is not after its last parent change on {last}"
    )]
    HistoryOrder {
        /// The organization.
        org: String,
        /// What was attempted.
        what: &'static str,
        /// The attempted date.
        date: NaiveDate,
        /// The last change.
        last: NaiveDate,
    },
    /// The organization is already dissolved.
    #[error("organization `{org}` is already dissolved on {dissolved}")]
    AlreadyDissolved {
        /// The organization.
        org: String,
        /// Its dissolution day.
        dissolved: NaiveDate,
    },
    /// A field that only its own command may change was changed by an update.
    #[error("{entity} `{id}`: field `{field}` cannot be changed by an update ({hint})")]
    ImmutableField {
        /// Kind of record.
        entity: Entity,
        /// The id.
        id: String,
        /// The field.
        field: &'static str,
        /// Which command to use instead.
        hint: &'static str,
    },
    /// A term number is not the next one.
    #[error("organization `{org}`: term {number} cannot start on {start} ({reason})")]
    TermOrder {
        /// The organization.
        org: String,
        /// The number given.
        number: u16,
        /// The start given.
        start: NaiveDate,
        /// Why not.
        reason: String,
    },
    /// A division code or table problem (unknown code, level not loaded, …).
    #[error("division: {detail}")]
    Division {
        /// What is wrong, naming the code.
        detail: String,
    },
    /// A snapshot's schema version is not one this library reads.
    #[error("snapshot schema_version {found} is not supported (this library reads versions 1 to {supported}); upgrade tongxin to load it")]
    UnsupportedSchemaVersion {
        /// The version found.
        found: u32,
        /// The version supported.
        supported: u32,
    },
    /// A document is not valid JSON of the expected shape.
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde said.
        message: String,
    },
    /// A snapshot's stated records differ from those its journal rebuilds.
    #[error("snapshot is inconsistent: {detail}")]
    SnapshotMismatch {
        /// What differs.
        detail: String,
    },
    /// A rule book given to `set_rule_book` does not compile; the registry keeps its book.
    #[error("rule book does not compile: {message} ({rule_code})")]
    InvalidRuleBook {
        /// The rules engine's message, naming the rule, line and column.
        message: String,
        /// The rules engine's stable code, e.g. `rule_unknown_attribute`.
        rule_code: &'static str,
    },
    /// A join refused by a `reject` rule of the registry's rule book.
    #[error(
        "{} cannot join `{}`: rule `{}` is not met ({} / {}): {}",
        .0.member, .0.org, .0.rule, .0.message_en, .0.message_zh, .0.explanation_en
    )]
    RuleViolation(Box<RuleViolation>),
    /// Replaying an event of a journal failed.
    #[error("journal event {seq} ({command}) cannot be replayed: {source}")]
    Replay {
        /// The event's sequence number.
        seq: u64,
        /// The command's name.
        command: &'static str,
        /// Why it failed.
        source: Box<Error>,
    },
    /// A journal whose hash chain is broken: the first altered, inserted, removed or moved
    /// event, or a head other than the one expected (see [`crate::journal`]).
    #[error(transparent)]
    JournalTampered(Box<JournalTamper>),
    /// A scoped call by an operator whose grants do not allow it (or who does not exist).
    #[error(transparent)]
    AccessDenied(Box<AccessDenied>),
}

impl From<JournalTamper> for Error {
    fn from(t: JournalTamper) -> Self {
        Error::JournalTampered(Box::new(t))
    }
}

/// Stable codes for [`Error`]s: the same names and numbers in Rust, C and JavaScript.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ErrorCode {
    /// An id is already taken.
    DuplicateId,
    /// A referenced record does not exist.
    NotFound,
    /// A field's value is not acceptable.
    InvalidField,
    /// An interval ends on or before it starts.
    DateOrder,
    /// A dated fact lies outside its organization's lifetime.
    OutsideLifetime,
    /// A move would make a cycle.
    Cycle,
    /// A child's level does not fit its parent's.
    LevelOrder,
    /// A branch's kind differs from its parent's.
    KindMismatch,
    /// Overlapping memberships of one member in one organization.
    OverlappingMembership,
    /// Two presidents at once.
    PresidentConflict,
    /// No active membership to end or change.
    NoActiveMembership,
    /// Children would outlive their parent.
    HasActiveChildren,
    /// A change dated before the last recorded one.
    HistoryOrder,
    /// Already dissolved.
    AlreadyDissolved,
    /// A field an update may not change.
    ImmutableField,
    /// A term out of order.
    TermOrder,
    /// A division code or table problem.
    Division,
    /// Unsupported snapshot version.
    UnsupportedSchemaVersion,
    /// Invalid JSON.
    Json,
    /// Inconsistent snapshot.
    SnapshotMismatch,
    /// A journal that does not replay.
    Replay,
    /// A rule book that does not compile.
    InvalidRuleBook,
    /// A join refused by a membership rule.
    RuleViolation,
    /// A journal whose hash chain is broken.
    JournalTampered,
    /// `access_denied`: an operator's grants do not allow the call.
    AccessDenied,
}

impl ErrorCode {
    /// Every code.
    pub const ALL: &'static [ErrorCode] = &[
        ErrorCode::DuplicateId,
        ErrorCode::NotFound,
        ErrorCode::InvalidField,
        ErrorCode::DateOrder,
        ErrorCode::OutsideLifetime,
        ErrorCode::Cycle,
        ErrorCode::LevelOrder,
        ErrorCode::KindMismatch,
        ErrorCode::OverlappingMembership,
        ErrorCode::PresidentConflict,
        ErrorCode::NoActiveMembership,
        ErrorCode::HasActiveChildren,
        ErrorCode::HistoryOrder,
        ErrorCode::AlreadyDissolved,
        ErrorCode::ImmutableField,
        ErrorCode::TermOrder,
        ErrorCode::Division,
        ErrorCode::UnsupportedSchemaVersion,
        ErrorCode::Json,
        ErrorCode::SnapshotMismatch,
        ErrorCode::Replay,
        ErrorCode::InvalidRuleBook,
        ErrorCode::RuleViolation,
        ErrorCode::JournalTampered,
        ErrorCode::AccessDenied,
    ];

    /// The stable snake_case name.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::DuplicateId => "duplicate_id",
            ErrorCode::NotFound => "not_found",
            ErrorCode::InvalidField => "invalid_field",
            ErrorCode::DateOrder => "date_order",
            ErrorCode::OutsideLifetime => "outside_lifetime",
            ErrorCode::Cycle => "cycle",
            ErrorCode::LevelOrder => "level_order",
            ErrorCode::KindMismatch => "kind_mismatch",
            ErrorCode::OverlappingMembership => "overlapping_membership",
            ErrorCode::PresidentConflict => "president_conflict",
            ErrorCode::NoActiveMembership => "no_active_membership",
            ErrorCode::HasActiveChildren => "has_active_children",
            ErrorCode::HistoryOrder => "history_order",
            ErrorCode::AlreadyDissolved => "already_dissolved",
            ErrorCode::ImmutableField => "immutable_field",
            ErrorCode::TermOrder => "term_order",
            ErrorCode::Division => "division",
            ErrorCode::UnsupportedSchemaVersion => "unsupported_schema_version",
            ErrorCode::Json => "invalid_json",
            ErrorCode::SnapshotMismatch => "snapshot_mismatch",
            ErrorCode::Replay => "replay_failed",
            ErrorCode::InvalidRuleBook => "invalid_rule_book",
            ErrorCode::RuleViolation => "rule_violation",
            ErrorCode::JournalTampered => "journal_tampered",
            ErrorCode::AccessDenied => "access_denied",
        }
    }

    /// The stable number, grouped by family: 100s lookups, 200s field and date checks,
    /// 300s tree structure, 400s memberships, 500s history, 600s access, 900s documents.
    pub fn number(self) -> u32 {
        match self {
            ErrorCode::DuplicateId => 101,
            ErrorCode::NotFound => 102,
            ErrorCode::InvalidField => 201,
            ErrorCode::DateOrder => 202,
            ErrorCode::OutsideLifetime => 203,
            ErrorCode::ImmutableField => 204,
            ErrorCode::Division => 205,
            ErrorCode::InvalidRuleBook => 206,
            ErrorCode::Cycle => 301,
            ErrorCode::LevelOrder => 302,
            ErrorCode::KindMismatch => 303,
            ErrorCode::HasActiveChildren => 304,
            ErrorCode::OverlappingMembership => 401,
            ErrorCode::PresidentConflict => 402,
            ErrorCode::NoActiveMembership => 403,
            ErrorCode::RuleViolation => 404,
            ErrorCode::HistoryOrder => 501,
            ErrorCode::AlreadyDissolved => 502,
            ErrorCode::TermOrder => 503,
            ErrorCode::UnsupportedSchemaVersion => 901,
            ErrorCode::Json => 902,
            ErrorCode::SnapshotMismatch => 903,
            ErrorCode::Replay => 904,
            ErrorCode::JournalTampered => 905,
            ErrorCode::AccessDenied => 601,
        }
    }
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Error {
    /// The stable code of this error.
    pub fn code(&self) -> ErrorCode {
        match self {
            Error::DuplicateId { .. } => ErrorCode::DuplicateId,
            Error::NotFound { .. } => ErrorCode::NotFound,
            Error::InvalidField { .. } => ErrorCode::InvalidField,
            Error::DateOrder { .. } => ErrorCode::DateOrder,
            Error::OutsideLifetime { .. } => ErrorCode::OutsideLifetime,
            Error::Cycle { .. } => ErrorCode::Cycle,
            Error::LevelOrder { .. } => ErrorCode::LevelOrder,
            Error::KindMismatch { .. } => ErrorCode::KindMismatch,
            Error::OverlappingMembership { .. } => ErrorCode::OverlappingMembership,
            Error::PresidentConflict { .. } => ErrorCode::PresidentConflict,
            Error::NoActiveMembership { .. } => ErrorCode::NoActiveMembership,
            Error::HasActiveChildren { .. } => ErrorCode::HasActiveChildren,
            Error::HistoryOrder { .. } => ErrorCode::HistoryOrder,
            Error::AlreadyDissolved { .. } => ErrorCode::AlreadyDissolved,
            Error::ImmutableField { .. } => ErrorCode::ImmutableField,
            Error::TermOrder { .. } => ErrorCode::TermOrder,
            Error::Division { .. } => ErrorCode::Division,
            Error::UnsupportedSchemaVersion { .. } => ErrorCode::UnsupportedSchemaVersion,
            Error::Json { .. } => ErrorCode::Json,
            Error::SnapshotMismatch { .. } => ErrorCode::SnapshotMismatch,
            Error::Replay { .. } => ErrorCode::Replay,
            Error::InvalidRuleBook { .. } => ErrorCode::InvalidRuleBook,
            Error::RuleViolation(_) => ErrorCode::RuleViolation,
            Error::JournalTampered(_) => ErrorCode::JournalTampered,
            Error::AccessDenied(_) => ErrorCode::AccessDenied,
        }
    }

    /// A JSON error from serde_json, with its position.
    pub fn json(e: &serde_json::Error) -> Self {
        Error::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        }
    }

    pub(crate) fn not_found(entity: Entity, id: &str) -> Self {
        Error::NotFound {
            entity,
            id: id.to_string(),
        }
    }

    pub(crate) fn invalid(
        entity: Entity,
        id: &str,
        field: &'static str,
        reason: impl Into<String>,
    ) -> Self {
        Error::InvalidField {
            entity,
            id: id.to_string(),
            field,
            reason: reason.into(),
        }
    }
}

/// Describes a parent for messages.
pub(crate) fn describe_parent(p: &Option<String>) -> String {
    or_root(p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_stable() {
        let names: HashSet<_> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
        let numbers: HashSet<_> = ErrorCode::ALL.iter().map(|c| c.number()).collect();
        assert_eq!(names.len(), ErrorCode::ALL.len());
        assert_eq!(numbers.len(), ErrorCode::ALL.len());
        assert_eq!(ErrorCode::Cycle.number(), 301);
        assert_eq!(ErrorCode::Json.as_str(), "invalid_json");
    }

    #[test]
    fn messages_name_what_and_where() {
        let e = Error::LevelOrder {
            child: "c".into(),
            child_level: Level::Municipal,
            parent: "p".into(),
            parent_level: Level::District,
            relation: Relation::Guidance,
        };
        let msg = e.to_string();
        assert!(
            msg.contains("`c` (municipal)") && msg.contains("`p` (district)"),
            "{msg}"
        );
    }
}
