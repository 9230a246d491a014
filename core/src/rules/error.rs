//! Errors of the rules engine, each with a stable snake_case [`RuleError::code`].

use super::syntax::Pos;
use crate::model::MemberRef;
use std::fmt;

/// Why a rule text, AST, rule or rule book was refused, or a query could not be answered.
///
/// Errors about a rule text carry the 1-based line and column (columns count characters, not
/// bytes) and say what was expected; errors found when compiling an AST that came from text carry
/// the position of the offending attribute or value (an AST read from JSON has none, and then the
/// message quotes the clause instead).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum RuleError {
    /// The rule text is longer than [`MAX_TEXT_LEN`](super::MAX_TEXT_LEN) bytes.
    #[error("rule text is {length} bytes long; expected at most {max} bytes")]
    TooLong {
        /// Length of the text in bytes.
        length: usize,
        /// The limit.
        max: usize,
    },
    /// A character that starts no token.
    #[error("line {line}, column {column}: unexpected character `{found}`; expected {expected}")]
    UnexpectedCharacter {
        /// 1-based line.
        line: u32,
        /// 1-based column (in characters).
        column: u32,
        /// The character found.
        found: char,
        /// What would have been accepted there.
        expected: &'static str,
    },
    /// A string literal without its closing quote.
    #[error("line {line}, column {column}: string is not closed; expected a closing `\"`")]
    UnterminatedString {
        /// Line of the opening quote.
        line: u32,
        /// Column of the opening quote.
        column: u32,
    },
    /// A backslash escape a string does not know.
    #[error(
        "line {line}, column {column}: unknown escape `\\{found}` in a string; expected one of \
         \\\" \\\\ \\n \\t \\r"
    )]
    InvalidEscape {
        /// 1-based line of the backslash.
        line: u32,
        /// 1-based column of the backslash.
        column: u32,
        /// The character after the backslash.
        found: char,
    },
    /// A number that is malformed or out of range.
    #[error(
        "line {line}, column {column}: `{text}` is not a valid number; expected an integer \
         between -9223372036854775808 and 9223372036854775807 or a decimal such as 0.6"
    )]
    InvalidNumber {
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// The text of the number (at most 32 characters).
        text: String,
    },
    /// A token the grammar does not allow at this place.
    #[error("line {line}, column {column}: expected {expected}, found {found}")]
    UnexpectedToken {
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// What would have been accepted.
        expected: &'static str,
        /// What was found, e.g. "`)`" or "end of input".
        found: String,
    },
    /// Parentheses, `not`s and function calls nest too deeply (or an AST is too deep).
    #[error("{at}expression nests deeper than {max} levels; expected at most {max} nested parentheses, `not`s and function calls")]
    TooDeep {
        /// Where the limit was passed (unknown for an AST).
        at: Pos,
        /// The limit.
        max: usize,
    },
    /// An AST with more nodes than [`MAX_NODES`](super::MAX_NODES).
    #[error("expression has more than {max} nodes; expected a smaller expression")]
    TooLarge {
        /// The limit.
        max: usize,
    },
    /// A condition with more clauses than [`MAX_CLAUSES`](super::MAX_CLAUSES).
    #[error("{at}condition has more than {max} clauses; expected at most {max} comparisons, `in`s, `has`es and calls in one rule")]
    TooManyClauses {
        /// The clause that passed the limit (unknown for an AST).
        at: Pos,
        /// The limit.
        max: usize,
    },
    /// A book with more rules than [`MAX_RULES`](super::MAX_RULES).
    #[error("rule book has {count} rules; expected at most {max} (common, defaults and overrides together)")]
    TooManyRules {
        /// The rules of the book.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// Rule book JSON longer than [`MAX_BOOK_JSON_LEN`](super::MAX_BOOK_JSON_LEN) bytes.
    #[error("rule book JSON is {length} bytes long; expected at most {max} bytes")]
    BookTooLong {
        /// Length of the text in bytes.
        length: usize,
        /// The limit.
        max: usize,
    },
    /// A function name the language does not know at this place.
    #[error("line {line}, column {column}: unknown function `{name}`; expected {expected}")]
    UnknownFunction {
        /// 1-based line.
        line: u32,
        /// 1-based column.
        column: u32,
        /// The name found (at most 64 characters).
        name: String,
        /// The functions allowed there.
        expected: &'static str,
    },
    /// `date("…")` with a text that is not a calendar day.
    #[error(
        "line {line}, column {column}: `{text}` is not a date; expected a day written YYYY-MM-DD"
    )]
    InvalidDate {
        /// 1-based line of the string.
        line: u32,
        /// 1-based column of the string.
        column: u32,
        /// The text (at most 32 characters).
        text: String,
    },
    /// An attribute the context does not have.
    #[error("{at}unknown attribute `{name}` in {context}; expected one of: {expected}")]
    UnknownAttribute {
        /// Where (unknown for an AST).
        at: Pos,
        /// The name (at most 64 characters).
        name: String,
        /// The context, e.g. "a member condition".
        context: &'static str,
        /// The attributes of the context.
        expected: String,
    },
    /// A name that is not in the attribute's vocabulary (nor in any other).
    #[error(
        "{at}`{value}` is not a {vocabulary} value in `{clause}`; expected one of: {expected}"
    )]
    UnknownValue {
        /// Where.
        at: Pos,
        /// The clause, as text.
        clause: String,
        /// The vocabulary, e.g. `party`.
        vocabulary: &'static str,
        /// The name found (at most 64 characters).
        value: String,
        /// The names of the vocabulary.
        expected: String,
    },
    /// A value of the wrong type for the attribute, e.g. `title >= cpc` or `age == "x"`.
    #[error("{at}type mismatch in `{clause}`: expected {expected}, found {found}")]
    TypeMismatch {
        /// Where.
        at: Pos,
        /// The clause, as text.
        clause: String,
        /// What the attribute compares with.
        expected: String,
        /// What was given.
        found: String,
    },
    /// An ordering comparison on an attribute without an order.
    #[error("{at}`{attribute}` has no order, so `{op}` cannot compare it in `{clause}`; expected ==, != or in")]
    NotOrdered {
        /// Where.
        at: Pos,
        /// The clause, as text.
        clause: String,
        /// The attribute.
        attribute: String,
        /// The operator used.
        op: &'static str,
    },
    /// A function used where it does not belong (e.g. `ratio` in an eligibility rule).
    #[error("{at}`{name}` is not allowed in {context}; expected {expected}")]
    WrongContext {
        /// Where.
        at: Pos,
        /// The function or construct.
        name: &'static str,
        /// The context it was found in.
        context: &'static str,
        /// What that context accepts instead.
        expected: &'static str,
    },
    /// A number outside the range its clause accepts (a ratio above 1, a negative count).
    #[error("{at}{value} is out of range in `{clause}`; expected {expected}")]
    OutOfRange {
        /// Where.
        at: Pos,
        /// The clause, as text.
        clause: String,
        /// The value, as text.
        value: String,
        /// The accepted range.
        expected: &'static str,
    },
    /// Two rules with the same id in one list (or in the common rules and a kind's defaults).
    #[error("rule id `{id}` appears twice in {scope}; expected unique ids")]
    DuplicateRule {
        /// The id.
        id: String,
        /// Where, e.g. "the defaults of zhilianhui".
        scope: String,
    },
    /// A rule's field is not acceptable (empty id or message, a zero limit, …).
    #[error("rule `{id}`: field `{field}` {reason}")]
    InvalidRule {
        /// The rule id (at most 128 characters).
        id: String,
        /// The field.
        field: &'static str,
        /// What is wrong and what was expected.
        reason: String,
    },
    /// A structural rule naming an error code the registry does not have.
    #[error("rule `{id}`: `{code}` is not a registry error code; expected one of: {expected}")]
    UnknownRegistryCode {
        /// The rule id.
        id: String,
        /// The code given (at most 64 characters).
        code: String,
        /// The codes of structural rules.
        expected: String,
    },
    /// A rule's condition failed to compile.
    #[error("rule `{id}`: {source}")]
    InRule {
        /// The rule id.
        id: String,
        /// What is wrong with its condition.
        source: Box<RuleError>,
    },
    /// An organization or member of a query does not exist.
    #[error("{entity} `{id}` not found")]
    NotFound {
        /// `organization`, `person` or `enterprise`.
        entity: &'static str,
        /// The id.
        id: String,
    },
    /// A rule book or AST that is not valid JSON of the expected shape.
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What serde said.
        message: String,
    },
}

impl RuleError {
    /// Every code name, for documentation and bindings.
    pub const CODES: &'static [&'static str] = &[
        "rule_too_long",
        "rule_unexpected_character",
        "rule_unterminated_string",
        "rule_invalid_escape",
        "rule_invalid_number",
        "rule_unexpected_token",
        "rule_too_deep",
        "rule_too_large",
        "rule_too_many_clauses",
        "rule_too_many_rules",
        "rule_book_too_long",
        "rule_unknown_function",
        "rule_invalid_date",
        "rule_unknown_attribute",
        "rule_unknown_value",
        "rule_type_mismatch",
        "rule_not_ordered",
        "rule_wrong_context",
        "rule_out_of_range",
        "rule_duplicate_id",
        "rule_invalid",
        "rule_unknown_registry_code",
        "rule_not_found",
        "rule_invalid_json",
    ];

    /// The stable snake_case code. [`RuleError::InRule`] reports the code of its cause.
    pub fn code(&self) -> &'static str {
        match self {
            RuleError::TooLong { .. } => "rule_too_long",
            RuleError::UnexpectedCharacter { .. } => "rule_unexpected_character",
            RuleError::UnterminatedString { .. } => "rule_unterminated_string",
            RuleError::InvalidEscape { .. } => "rule_invalid_escape",
            RuleError::InvalidNumber { .. } => "rule_invalid_number",
            RuleError::UnexpectedToken { .. } => "rule_unexpected_token",
            RuleError::TooDeep { .. } => "rule_too_deep",
            RuleError::TooLarge { .. } => "rule_too_large",
            RuleError::TooManyClauses { .. } => "rule_too_many_clauses",
            RuleError::TooManyRules { .. } => "rule_too_many_rules",
            RuleError::BookTooLong { .. } => "rule_book_too_long",
            RuleError::UnknownFunction { .. } => "rule_unknown_function",
            RuleError::InvalidDate { .. } => "rule_invalid_date",
            RuleError::UnknownAttribute { .. } => "rule_unknown_attribute",
            RuleError::UnknownValue { .. } => "rule_unknown_value",
            RuleError::TypeMismatch { .. } => "rule_type_mismatch",
            RuleError::NotOrdered { .. } => "rule_not_ordered",
            RuleError::WrongContext { .. } => "rule_wrong_context",
            RuleError::OutOfRange { .. } => "rule_out_of_range",
            RuleError::DuplicateRule { .. } => "rule_duplicate_id",
            RuleError::InvalidRule { .. } => "rule_invalid",
            RuleError::UnknownRegistryCode { .. } => "rule_unknown_registry_code",
            RuleError::InRule { source, .. } => source.code(),
            RuleError::NotFound { .. } => "rule_not_found",
            RuleError::Json { .. } => "rule_invalid_json",
        }
    }

    /// The 1-based line and column the error points at, when it points at a place in a text.
    pub fn position(&self) -> Option<(u32, u32)> {
        match self {
            RuleError::UnexpectedCharacter { line, column, .. }
            | RuleError::UnterminatedString { line, column }
            | RuleError::InvalidEscape { line, column, .. }
            | RuleError::InvalidNumber { line, column, .. }
            | RuleError::UnexpectedToken { line, column, .. }
            | RuleError::UnknownFunction { line, column, .. }
            | RuleError::InvalidDate { line, column, .. } => Some((*line, *column)),
            RuleError::TooDeep { at, .. }
            | RuleError::TooManyClauses { at, .. }
            | RuleError::UnknownAttribute { at, .. }
            | RuleError::UnknownValue { at, .. }
            | RuleError::TypeMismatch { at, .. }
            | RuleError::NotOrdered { at, .. }
            | RuleError::WrongContext { at, .. }
            | RuleError::OutOfRange { at, .. } => at.known(),
            RuleError::InRule { source, .. } => source.position(),
            _ => None,
        }
    }

    /// A JSON error from serde_json, with its position.
    pub fn json(e: &serde_json::Error) -> Self {
        RuleError::Json {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        }
    }

    pub(crate) fn in_rule(id: &str, e: RuleError) -> Self {
        RuleError::InRule {
            id: id.chars().take(128).collect(),
            source: Box::new(e),
        }
    }
}

/// A join refused by a `reject` rule: what [`check_join`](super::check_join) returns for the first
/// reject rule the new member fails.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RuleViolation {
    /// The member who would join.
    pub member: MemberRef,
    /// The organization.
    pub org: String,
    /// The rule's id.
    pub rule: String,
    /// The rule's message in Chinese.
    pub message_zh: String,
    /// The rule's message in English.
    pub message_en: String,
    /// Clause by clause, in Chinese.
    pub explanation_zh: String,
    /// Clause by clause, in English.
    pub explanation_en: String,
}

impl RuleViolation {
    /// The stable code: `rule_violation`.
    pub fn code(&self) -> &'static str {
        "rule_violation"
    }
}

impl fmt::Display for RuleViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} cannot join `{}`: rule `{}` ({}) is not met: {}",
            self.member, self.org, self.rule, self.message_en, self.explanation_en
        )
    }
}

impl std::error::Error for RuleViolation {}
