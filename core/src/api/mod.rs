//! Requests and answers as JSON: the one mapping of the core's capabilities that the C and WASM
//! fronts share, so that both offer the same operations under the same names and give
//! byte-identical answers.
//!
//! Each request is a serde type (a [`Query`] tagged by `"type"`, a [`Stat`] tagged by `"stat"`,
//! a [`Question`] tagged by `"question"`, option objects for rosters and Popolo); each answer is
//! the core result's compact serde JSON. A front parses the caller's text into the request type
//! (naming the argument in its own terms), calls the function here, and hands back the string.
//! Failures are an [`ApiError`]: a stable [`ApiCode`] (the core's [`ErrorCode`]s plus the few
//! families that only exist at this level: invalid argument, invalid identifier, import,
//! export, rule) and a message saying what was wrong and where.
//!
//! ```
//! use tongxin::api::{self, Query};
//! use tongxin::Registry;
//!
//! let reg = Registry::new();
//! let q: Query = api::parse(r#"{"type":"counts"}"#)?;
//! assert_eq!(
//!     api::query(&reg, q)?,
//!     r#"{"organizations":0,"persons":0,"enterprises":0,"memberships":0}"#
//! );
//! # Ok::<(), tongxin::api::ApiError>(())
//! ```

mod ids;
mod interchange;
mod query;
mod rules;
mod stats;

pub use ids::{credit_code_info, division_code_info, resident_id_info};
pub use interchange::{
    check_rosters, check_rosters_with_progress, export_popolo, export_popolo_as, export_rosters,
    export_rosters_as, import_popolo, import_rosters, import_rosters_with_progress, Encoding,
    ImportLimits, PopoloExportOptions, PopoloImportOptions, RosterBytes, RosterExportOptions,
    RosterFormat, RosterImportOptions, RosterSheets, UnknownColumnsPolicy,
};
pub use query::{query, query_as, Query};
pub use rules::{rules, rules_as, Question};
pub use stats::{stats_csv, stats_csv_as, stats_json, stats_json_as, Stat};

use crate::command::{Command, Event, Meta};
use crate::error::{Error, ErrorCode};
use crate::journal::{ChainedEvent, TamperKind};
use crate::registry::Registry;
use crate::rules::RuleError;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The stable code of an [`ApiError`]: the core's [`ErrorCode`]s and the families that exist
/// only where text from a caller meets the core. Numbers are the C front's `tx_status` values;
/// names are what the WASM front puts in an error's `code`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ApiCode {
    /// A value is not a valid date, vocabulary name or option, or asks for what is not offered
    /// (`invalid_argument`, 3).
    InvalidArgument,
    /// A text given to an identifier check is not a valid identifier of that kind
    /// (`invalid_identifier`, 5).
    InvalidIdentifier,
    /// A roster or Popolo import was rejected; the registry is unchanged (`import`, 6).
    Import,
    /// An export could not be written, e.g. a name GBK cannot encode (`export`, 7).
    Export,
    /// A rule book that does not compile, or a rule question about an unknown organization or
    /// member (`rule`, 8).
    Rule,
    /// One of the core's own errors (its [`ErrorCode`] name and number, 100 and up).
    Core(ErrorCode),
}

impl ApiCode {
    /// The stable snake_case name (`invalid_argument`, …, or the core code's name).
    pub fn as_str(self) -> &'static str {
        match self {
            ApiCode::InvalidArgument => "invalid_argument",
            ApiCode::InvalidIdentifier => "invalid_identifier",
            ApiCode::Import => "import",
            ApiCode::Export => "export",
            ApiCode::Rule => "rule",
            ApiCode::Core(c) => c.as_str(),
        }
    }

    /// The stable number (the C front's `tx_status`).
    pub fn number(self) -> u32 {
        match self {
            ApiCode::InvalidArgument => 3,
            ApiCode::InvalidIdentifier => 5,
            ApiCode::Import => 6,
            ApiCode::Export => 7,
            ApiCode::Rule => 8,
            ApiCode::Core(c) => c.number(),
        }
    }
}

/// A failed request: a stable code, a message saying what was wrong and where, and for a
/// rejected roster import the JSON report of every problem found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    /// The stable code.
    pub code: ApiCode,
    /// What was wrong and where.
    pub message: String,
    /// For [`ApiCode::Import`] from [`import_rosters`]: the report
    /// (`{"errors":[…],"rows_ok":n,"rows_skipped":n}`); for a
    /// [`journal_tampered`](ErrorCode::JournalTampered) error: `{"seq":n,"kind":"…"}`.
    pub report: Option<String>,
}

impl ApiError {
    /// An error with a code and a message.
    pub fn new(code: ApiCode, message: impl Into<String>) -> Self {
        ApiError {
            code,
            message: message.into(),
            report: None,
        }
    }

    /// An invalid argument: `what` (an argument or field) and why.
    pub fn invalid(what: &str, reason: impl std::fmt::Display) -> Self {
        ApiError::new(ApiCode::InvalidArgument, format!("{what}: {reason}"))
    }

    /// Prefixes the message with where the failure happened (`what: message`).
    pub fn context(mut self, what: &str) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }
}

impl From<Error> for ApiError {
    /// The core error's code and message; a [`journal_tampered`](ErrorCode::JournalTampered)
    /// error also gets the report `{"seq":n,"kind":"altered"|"inserted"|"removed"|"reordered"|
    /// "head_mismatch"}`.
    fn from(e: Error) -> Self {
        let report = match &e {
            Error::JournalTampered(t) => serde_json::to_string(&TamperReport {
                seq: t.seq,
                kind: t.kind,
            })
            .ok(),
            _ => None,
        };
        ApiError {
            code: ApiCode::Core(e.code()),
            message: e.to_string(),
            report,
        }
    }
}

#[derive(Serialize)]
struct TamperReport {
    seq: u64,
    kind: TamperKind,
}

impl From<RuleError> for ApiError {
    fn from(e: RuleError) -> Self {
        ApiError::new(ApiCode::Rule, format!("{e} ({})", e.code()))
    }
}

impl From<serde_json::Error> for ApiError {
    fn from(e: serde_json::Error) -> Self {
        Error::json(&e).into()
    }
}

/// Longest JSON text [`parse`], [`parse_options`] and [`parse_commands`] read, in bytes
/// (256 MiB: the 8,327 commands of the bundled seeds are about 2 MiB). A longer text is an
/// `invalid_json` error saying so, raised before any of it is parsed; [`parse_bounded`] and
/// [`parse_commands_bounded`] take another limit.
pub const MAX_JSON_BYTES: usize = 256 * 1024 * 1024;

/// Deepest nesting of arrays and objects in any JSON the core reads: serde_json's recursion
/// limit, which this crate never turns off (serde_json's `unbounded_depth` feature is not
/// enabled). Deeper text is an `invalid_json` error ("recursion limit exceeded"), never a stack
/// overflow.
pub const MAX_JSON_DEPTH: usize = 128;

/// The `invalid_json` error of a text longer than `max` bytes.
fn too_long(len: usize, max: usize) -> ApiError {
    Error::Json {
        line: 1,
        column: 1,
        message: format!("the JSON text has {len} bytes, over the limit max_json_bytes = {max}"),
    }
    .into()
}

/// Parses a request or value from JSON text (an `invalid_json` error on failure, or when the
/// text is longer than [`MAX_JSON_BYTES`] or nests deeper than [`MAX_JSON_DEPTH`]). The error
/// names the value at fault first: `membership.start: invalid JSON at line 1, column 98: …`.
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    parse_bounded(text, MAX_JSON_BYTES)
}

/// [`parse`] with another size limit: a text longer than `max_bytes` is an `invalid_json` error
/// naming its length and the limit.
///
/// ```
/// use tongxin::api::{self, Query};
/// let err = api::parse_bounded::<Query>(r#"{"type":"counts"}"#, 8).unwrap_err();
/// assert_eq!(err.code.as_str(), "invalid_json");
/// assert!(err.message.ends_with("the JSON text has 17 bytes, over the limit max_json_bytes = 8"));
/// ```
pub fn parse_bounded<T: DeserializeOwned>(text: &str, max_bytes: usize) -> Result<T, ApiError> {
    if text.len() > max_bytes {
        return Err(too_long(text.len(), max_bytes));
    }
    crate::json_read::from_str(text).map_err(|e| json_error(text, e))
}

/// serde_json's error on `text` as an `invalid_json` [`ApiError`] that names the value at fault
/// first (`membership.start: …`, [`crate::json_path`]), where there is one.
fn json_error(text: &str, e: serde_json::Error) -> ApiError {
    let path = crate::json_path::path_of_error(text, &e);
    let err = ApiError::from(e);
    if path.is_empty() {
        err
    } else {
        err.context(&path)
    }
}

/// Parses an options object: `None` gives the defaults; the text must be a JSON object. (Any
/// other JSON is refused by [`parse`] too, with serde's `invalid type` message; this says it in
/// the words of options.)
pub fn parse_options<T: DeserializeOwned + Default>(text: Option<&str>) -> Result<T, ApiError> {
    match text {
        None => Ok(T::default()),
        Some(t) if !t.trim_start().starts_with('{') => Err(Error::Json {
            line: 1,
            column: 1,
            message: "options must be a JSON object `{…}`".to_string(),
        }
        .into()),
        Some(t) => parse(t),
    }
}

/// Parses a JSON array of commands (as [`apply_batch`] takes them); on failure, the index of
/// the first command that is not a command (or `None` when the text is not an array) and the
/// error, whose message begins with the element and the value at fault
/// (`[3].membership.start: …`).
pub fn parse_commands(text: &str) -> Result<Vec<Command>, (Option<usize>, ApiError)> {
    parse_commands_bounded(text, MAX_JSON_BYTES)
}

/// [`parse_commands`] with another size limit than [`MAX_JSON_BYTES`]: a longer text is an
/// `invalid_json` error (index `None`).
pub fn parse_commands_bounded(
    text: &str,
    max_bytes: usize,
) -> Result<Vec<Command>, (Option<usize>, ApiError)> {
    if text.len() > max_bytes {
        return Err((None, too_long(text.len(), max_bytes)));
    }
    /// Reads the array element by element, counting, so that a failure names its element.
    struct Commands<'c>(&'c std::cell::Cell<Option<usize>>);
    impl<'de> serde::de::Visitor<'de> for Commands<'_> {
        type Value = Vec<Command>;
        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str("an array of commands")
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(
            self,
            mut seq: A,
        ) -> Result<Self::Value, A::Error> {
            let mut out = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1 << 16));
            loop {
                self.0.set(Some(out.len()));
                match seq.next_element::<Command>()? {
                    Some(c) => out.push(c),
                    None => break,
                }
            }
            self.0.set(None);
            Ok(out)
        }
    }
    let at = std::cell::Cell::new(None);
    let mut de = serde_json::Deserializer::from_str(text);
    let parsed =
        serde::Deserializer::deserialize_seq(crate::json_read::ObjectsOnly(&mut de), Commands(&at))
            .and_then(|v| {
                de.end()?;
                Ok(v)
            });
    // The path begins with the element (`[3].membership.start`).
    parsed.map_err(|e| (at.get(), json_error(text, e)))
}

/// The compact JSON of a value.
pub fn to_json<T: Serialize + ?Sized>(value: &T) -> Result<String, ApiError> {
    Ok(serde_json::to_string(value)?)
}

/// Applies one command (as a front parses it with [`parse`], naming its argument); the answer
/// is the journal event's JSON. A rejection is the registry's own error, and then the registry
/// is unchanged.
pub fn apply(reg: &mut Registry, meta: &Meta, command: Command) -> Result<String, ApiError> {
    let event: Event = reg.apply(meta, command)?;
    to_json(&event)
}

/// Why [`apply_batch`] applied nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BatchError {
    /// The text is not an array of commands: `index` is the element that is not a command
    /// (`None` when the text is not an array); the message begins with `[index]`.
    NotCommands {
        /// The element that is not a command.
        index: Option<usize>,
        /// What is wrong with it.
        error: ApiError,
    },
    /// The registry rejected command `index`; the message begins with `command [index]
    /// (name)`.
    Rejected {
        /// The rejected command.
        index: usize,
        /// The registry's reason.
        error: ApiError,
    },
}

/// Applies a JSON array of commands, all or nothing; the answer is how many were applied. On
/// failure nothing is applied and the registry is unchanged.
pub fn apply_batch(reg: &mut Registry, meta: &Meta, commands: &str) -> Result<usize, BatchError> {
    batch(commands, |commands| reg.apply_batch(meta, commands))
}

/// [`apply`] as the operator named by `meta.actor` ([`Registry::apply_as`]): `access_denied`
/// when its grants do not allow the command.
pub fn apply_as(reg: &mut Registry, meta: &Meta, command: Command) -> Result<String, ApiError> {
    let event: Event = reg.apply_as(meta, command)?;
    to_json(&event)
}

/// [`apply_batch`] as the operator named by `meta.actor` ([`Registry::apply_batch_as`]).
pub fn apply_batch_as(
    reg: &mut Registry,
    meta: &Meta,
    commands: &str,
) -> Result<usize, BatchError> {
    batch(commands, |commands| reg.apply_batch_as(meta, commands))
}

/// Parses a batch and applies it with `apply`, naming the failing command.
fn batch(
    commands: &str,
    apply: impl FnOnce(Vec<Command>) -> Result<usize, (usize, Error)>,
) -> Result<usize, BatchError> {
    let commands = parse_commands(commands)
        .map_err(|(index, error)| BatchError::NotCommands { index, error })?;
    let names: Vec<&'static str> = commands.iter().map(Command::name).collect();
    apply(commands).map_err(|(index, e)| {
        let name = names.get(index).copied().unwrap_or("?");
        BatchError::Rejected {
            index,
            error: ApiError::from(e).context(&format!("command [{index}] ({name})")),
        }
    })
}

/// The answer of [`verify_journal`] and of the `journal_head` query: the journal's head hash
/// and its number of events; JSON `{"head":"…","events":n}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct JournalCheck {
    /// The hash of the last event (lowercase hex; 64 zeros for an empty journal).
    pub head: String,
    /// How many events.
    pub events: usize,
}

/// Verifies a journal given as JSON: an array of events with their `prev` hashes, as the
/// `journal` query answers them (from the first event), checked by
/// [`journal::verify_journal`](crate::journal::verify_journal) — and, when `expected_head` is
/// given (64 hex digits), against that head. The answer is `{"head":"…","events":n}`.
///
/// Errors: `invalid_json` for text that is not such an array (the message names the element);
/// `invalid_argument` for an `expected_head` that is not 64 hex digits; `journal_tampered`
/// (905) naming the first altered, inserted, removed or moved event, or a head mismatch, with
/// the report `{"seq":n,"kind":"…"}`.
pub fn verify_journal(events: &str, expected_head: Option<&str>) -> Result<String, ApiError> {
    let events = parse_journal(events).map_err(|e| e.context("events"))?;
    if let Some(h) = expected_head {
        check_head(h).map_err(|e| e.context("expected_head"))?;
    }
    to_json(&check_journal(&events, expected_head)?)
}

/// Reads a chained journal: a JSON array of events each with its `prev` (as the `journal` query
/// answers them). An `invalid_json` error gives the line and column and names the value at
/// fault (`[3].command.org.founded`) without naming an argument, for the front to add its own.
pub fn parse_journal(events: &str) -> Result<Vec<ChainedEvent>, ApiError> {
    crate::json_read::from_str(events).map_err(|e| json_error(events, e))
}

/// Checks a head a caller kept: 64 hex digits, else an `invalid_argument` error without
/// context.
pub fn check_head(head: &str) -> Result<(), ApiError> {
    match crate::journal::from_hex(head) {
        Some(_) => Ok(()),
        None => {
            let shown: String = head.chars().take(80).collect();
            Err(ApiError::new(
                ApiCode::InvalidArgument,
                format!("`{shown}` is not a hash of 64 hex digits"),
            ))
        }
    }
}

/// Verifies parsed events from event 1 (and against `expected_head`, checked with
/// [`check_head`], when given): the [`JournalCheck`], or `journal_tampered` naming the first bad
/// event with the report `{"seq","kind"}`.
pub fn check_journal(
    events: &[ChainedEvent],
    expected_head: Option<&str>,
) -> Result<JournalCheck, ApiError> {
    let head = crate::journal::verify_journal(events, expected_head).map_err(Error::from)?;
    Ok(JournalCheck {
        head,
        events: events.len(),
    })
}
