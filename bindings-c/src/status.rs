//! The status codes every fallible function returns.

use std::ffi::c_char;

/// The outcome of a call. Numbers are stable and grouped by family; a retired value is kept as
/// reserved and never reused.
///
/// | range | family |
/// |---|---|
/// | 0 | success |
/// | 1–99 | binding level: the arguments as C passed them, identifiers, imports and exports, buffers, panics, rules |
/// | 100–199 | lookups (the core's numbers, the core's `ErrorCode::number`) |
/// | 200–299 | field and date checks |
/// | 300–399 | tree structure |
/// | 400–499 | memberships |
/// | 500–599 | history |
/// | 900–999 | documents (JSON, snapshots, journals) |
///
/// Codes 100 and up are the core library's `ErrorCode` numbers, one to one, with the same
/// snake_case names (`tx_status_name`). A core code newer than this
/// header arrives as `TX_STATUS_UNKNOWN_ERROR`, with the core's name and number in the message.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum tx_status {
    /// Success.
    Ok = 0,
    /// A pointer argument that must not be NULL was NULL (the message names it).
    NullArgument = 1,
    /// A string argument is not valid UTF-8 (the message names it and the byte offset).
    InvalidUtf8 = 2,
    /// A string argument is not a valid date, timestamp or vocabulary name, or asks for what
    /// the function does not offer (a CSV of a statistic that has no table form); the message
    /// names the argument, the value and what is accepted.
    InvalidArgument = 3,
    /// The caller's buffer is too small; the needed size was written (see
    /// `tx_last_error_message`).
    BufferTooSmall = 4,
    /// A text given to an identifier check (`tx_resident_id_check`, `tx_credit_code_check`,
    /// `tx_division_code_check`) is not a valid identifier of that kind. The message is the core
    /// library's, naming the character (1-based) or part that is wrong, followed by the core's
    /// stable snake_case reason in parentheses, e.g. `(resident_id_check)`. A binding-level
    /// number: the core reports these as typed identifier errors, not as `ErrorCode`s.
    InvalidIdentifier = 5,
    /// Roster or Popolo files were not imported (`tx_registry_import_rosters`,
    /// `tx_registry_import_popolo`): a file cannot be read (encoding, CSV, `.xlsx`, JSON), a
    /// header or cell is wrong, rows refer to records that do not exist, or the registry's
    /// rules reject a row. The registry is unchanged. The message is the core's interchange
    /// error, naming file, line (header = 1), column and value, e.g. "orgs.csv, line 3, column
    /// `founded`, value `2010-13-01`: is not a date YYYY-MM-DD (or YYYY/M/D)"; the optional
    /// report (`out_report_json`) lists every problem with the core's stable code and number
    /// (1000s). A binding-level number: the core reports these as interchange errors, not as
    /// `ErrorCode`s.
    Import = 6,
    /// The registry cannot be exported as asked (`tx_registry_export_rosters`): e.g. a name
    /// with a character the chosen encoding (GBK) lacks. The message is the core's interchange
    /// error naming the file. A binding-level number.
    Export = 7,
    /// A membership rule question (`tx_registry_rules_json`) the core's rules engine refuses:
    /// a rule book whose rules do not compile, or an unknown organization or member. The message
    /// is the core's `RuleError`, followed by its stable snake_case code in parentheses, e.g.
    /// `(rule_unknown_attribute)`. A binding-level number: the core reports these as rule
    /// errors, not as `ErrorCode`s.
    Rule = 8,
    /// A core error this version of the binding does not know (a newer core); the message
    /// carries its name and number.
    UnknownError = 98,
    /// A bug: Rust code panicked. The panic was contained; the registry handle involved, if
    /// any, may be in an unspecified state and should be freed.
    Panic = 99,
    /// An id is already taken (core `duplicate_id`).
    DuplicateId = 101,
    /// A referenced record does not exist (core `not_found`).
    NotFound = 102,
    /// A field's value is not acceptable (core `invalid_field`).
    InvalidField = 201,
    /// An interval ends on or before it starts (core `date_order`).
    DateOrder = 202,
    /// A dated fact lies outside its organization's lifetime (core `outside_lifetime`).
    OutsideLifetime = 203,
    /// A field an update may not change (core `immutable_field`).
    ImmutableField = 204,
    /// A division code that is malformed, unknown, or does not fit the organization's level
    /// (core `division`).
    Division = 205,
    /// A rule book given to a `set_rule_book` command does not compile; the registry keeps its
    /// book (core `invalid_rule_book`). The message is the rules engine's, naming the rule,
    /// line and column, followed by its stable code in parentheses.
    InvalidRuleBook = 206,
    /// A move would make a cycle (core `cycle`).
    Cycle = 301,
    /// A child's level does not fit its parent's (core `level_order`).
    LevelOrder = 302,
    /// A branch's kind differs from its parent's (core `kind_mismatch`).
    KindMismatch = 303,
    /// Children would outlive their parent (core `has_active_children`).
    HasActiveChildren = 304,
    /// Overlapping memberships of one member in one organization (core
    /// `overlapping_membership`).
    OverlappingMembership = 401,
    /// Two presidents at once (core `president_conflict`).
    PresidentConflict = 402,
    /// No active membership to end or change (core `no_active_membership`).
    NoActiveMembership = 403,
    /// A join refused by a `reject` rule of the registry's rule book (core `rule_violation`);
    /// the message names the member, the organization, the rule id and the rule's message in
    /// English and Chinese, then the clauses.
    RuleViolation = 404,
    /// A change dated before the last recorded one (core `history_order`).
    HistoryOrder = 501,
    /// Already dissolved (core `already_dissolved`).
    AlreadyDissolved = 502,
    /// A term out of order (core `term_order`).
    TermOrder = 503,
    /// A scoped call (`tx_registry_*_as*`) by an operator whose grants do not allow it, or an
    /// operator id no `set_operator` command registered (core `access_denied`). The message
    /// names the operator, the action, the role it lacks and where.
    AccessDenied = 601,
    /// A snapshot of a schema version this library does not read (core
    /// `unsupported_schema_version`).
    UnsupportedSchemaVersion = 901,
    /// A JSON argument is not valid JSON or not of the expected shape (core `invalid_json`).
    InvalidJson = 902,
    /// A snapshot's records differ from those its journal rebuilds (core `snapshot_mismatch`).
    SnapshotMismatch = 903,
    /// A snapshot's journal does not replay (core `replay_failed`).
    ReplayFailed = 904,
    /// A journal's hash chain is broken (core `journal_tampered`): an event altered,
    /// inserted, removed or moved, or a head other than the one expected. The message names the
    /// first such event and what was found (`tx_verify_journal_json`, and
    /// `tx_registry_from_json` for a snapshot of `schema_version` 2).
    JournalTampered = 905,
}

impl tx_status {
    /// Every status, in numeric order.
    pub(crate) const ALL: &'static [tx_status] = &[
        tx_status::Ok,
        tx_status::NullArgument,
        tx_status::InvalidUtf8,
        tx_status::InvalidArgument,
        tx_status::BufferTooSmall,
        tx_status::InvalidIdentifier,
        tx_status::Import,
        tx_status::Export,
        tx_status::Rule,
        tx_status::UnknownError,
        tx_status::Panic,
        tx_status::DuplicateId,
        tx_status::NotFound,
        tx_status::InvalidField,
        tx_status::DateOrder,
        tx_status::OutsideLifetime,
        tx_status::ImmutableField,
        tx_status::Division,
        tx_status::InvalidRuleBook,
        tx_status::Cycle,
        tx_status::LevelOrder,
        tx_status::KindMismatch,
        tx_status::HasActiveChildren,
        tx_status::OverlappingMembership,
        tx_status::PresidentConflict,
        tx_status::NoActiveMembership,
        tx_status::RuleViolation,
        tx_status::HistoryOrder,
        tx_status::AlreadyDissolved,
        tx_status::TermOrder,
        tx_status::AccessDenied,
        tx_status::UnsupportedSchemaVersion,
        tx_status::InvalidJson,
        tx_status::SnapshotMismatch,
        tx_status::ReplayFailed,
        tx_status::JournalTampered,
    ];

    /// The status with this number, if there is one.
    pub(crate) fn from_number(n: i64) -> Option<tx_status> {
        Self::ALL.iter().copied().find(|s| *s as i64 == n)
    }

    /// The status for a core error code: the same number, or `UnknownError` for a code this
    /// binding does not know.
    pub(crate) fn from_core(code: tongxin::ErrorCode) -> tx_status {
        match tx_status::from_number(i64::from(code.number())) {
            Some(s) if (s as i64) >= 100 => s,
            _ => tx_status::UnknownError,
        }
    }

    /// The stable snake_case name, NUL-terminated.
    pub(crate) fn name_with_nul(self) -> &'static str {
        match self {
            tx_status::Ok => "ok\0",
            tx_status::NullArgument => "null_argument\0",
            tx_status::InvalidUtf8 => "invalid_utf8\0",
            tx_status::InvalidArgument => "invalid_argument\0",
            tx_status::BufferTooSmall => "buffer_too_small\0",
            tx_status::InvalidIdentifier => "invalid_identifier\0",
            tx_status::Import => "import\0",
            tx_status::Export => "export\0",
            tx_status::Rule => "rule\0",
            tx_status::UnknownError => "unknown_error\0",
            tx_status::Panic => "panic\0",
            tx_status::DuplicateId => "duplicate_id\0",
            tx_status::NotFound => "not_found\0",
            tx_status::InvalidField => "invalid_field\0",
            tx_status::DateOrder => "date_order\0",
            tx_status::OutsideLifetime => "outside_lifetime\0",
            tx_status::ImmutableField => "immutable_field\0",
            tx_status::Division => "division\0",
            tx_status::InvalidRuleBook => "invalid_rule_book\0",
            tx_status::Cycle => "cycle\0",
            tx_status::LevelOrder => "level_order\0",
            tx_status::KindMismatch => "kind_mismatch\0",
            tx_status::HasActiveChildren => "has_active_children\0",
            tx_status::OverlappingMembership => "overlapping_membership\0",
            tx_status::PresidentConflict => "president_conflict\0",
            tx_status::NoActiveMembership => "no_active_membership\0",
            tx_status::RuleViolation => "rule_violation\0",
            tx_status::HistoryOrder => "history_order\0",
            tx_status::AlreadyDissolved => "already_dissolved\0",
            tx_status::TermOrder => "term_order\0",
            tx_status::AccessDenied => "access_denied\0",
            tx_status::UnsupportedSchemaVersion => "unsupported_schema_version\0",
            tx_status::InvalidJson => "invalid_json\0",
            tx_status::SnapshotMismatch => "snapshot_mismatch\0",
            tx_status::ReplayFailed => "replay_failed\0",
            tx_status::JournalTampered => "journal_tampered\0",
        }
    }

    /// The stable snake_case name.
    #[cfg(test)]
    pub(crate) fn name(self) -> &'static str {
        let n = self.name_with_nul();
        &n[..n.len() - 1]
    }
}

/// The stable snake_case name of a status, e.g. `"ok"`, `"null_argument"`, `"level_order"`.
///
/// `status` is taken as an integer so that any value is safe to pass: a number that is no
/// status gives `"unknown_error"`.
///
/// \return a static NUL-terminated string. Ownership: borrowed from the library, valid for the
/// life of the process; never free it.
///
/// Thread safety: safe to call from any thread at any time.
#[unsafe(no_mangle)]
pub extern "C" fn tx_status_name(status: i32) -> *const c_char {
    ffi_boundary!(value c"panic".as_ptr(), {
        tx_status::from_number(i64::from(status))
            .unwrap_or(tx_status::UnknownError)
            .name_with_nul()
            .as_ptr()
            .cast::<c_char>()
    })
}
