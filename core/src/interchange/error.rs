//! The error of every import and export: where (file, line, column, value) and why (a kind with
//! a stable code).

use std::fmt;

/// Longest cell value quoted in an error, in characters.
pub(crate) const MAX_VALUE_CHARS: usize = 64;

/// An import or export problem, located as precisely as the input allows.
///
/// `line` is 1-based and counts the header as line 1 (for an `.xlsx` sheet it is the sheet's
/// row number); `column` is the header name of the cell (for Popolo JSON, the path of the
/// field, e.g. `persons[3].tongxin.party`); `value` is the cell's text, cut to 64 characters
/// (resident ID numbers are quoted masked). The [`kind`](Self::kind) says why, with a stable
/// [`code`](Self::code) and [`number`](Self::number).
///
/// ```
/// use tongxin::interchange::{import_rosters, ImportOptions, Rosters};
/// use tongxin::prelude::*;
///
/// let orgs = "id,parent_id,level,kind,division_code,founded,dissolved\n\
///             sz,,municipal,zhilianhui,4403,2010-01-01,\n\
///             ft,sz,district,zhilianhui,440304,2010-13-01,\n";
/// let mut reg = Registry::new();
/// let meta = Meta { at: chrono::NaiveDateTime::default(), actor: "clerk".into() };
/// let err = import_rosters(&mut reg, &meta, &Rosters::csv(orgs.as_bytes(), b"", b""),
///                          &ImportOptions::default()).unwrap_err();
/// assert_eq!((err.file.as_str(), err.line, err.column.as_deref()), ("orgs.csv", Some(3), Some("founded")));
/// assert_eq!(err.code(), "invalid_value");
/// assert_eq!(err.to_string(),
///     "orgs.csv, line 3, column `founded`, value `2010-13-01`: \
///      is not a date YYYY-MM-DD (or YYYY/M/D)");
/// assert!(reg.is_empty());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct InterchangeError {
    /// The file the problem is in, as the caller named it (e.g. `orgs.csv`).
    pub file: String,
    /// 1-based line (header = 1), or `None` when the problem is not in one line.
    pub line: Option<u64>,
    /// Column header name, or JSON path; `None` when the problem is not in one cell.
    pub column: Option<String>,
    /// The offending text, when there is one (at most 64 characters).
    pub value: Option<String>,
    /// Why.
    pub kind: InterchangeErrorKind,
}

impl fmt::Display for InterchangeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ", line {line}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column `{column}`")?;
        }
        if let Some(value) = &self.value {
            write!(f, ", value `{value}`")?;
        }
        write!(f, ": {}", self.kind)
    }
}

/// Why an import or export failed. Each kind has a stable snake_case code and number
/// ([`InterchangeErrorKind::code`], [`InterchangeErrorKind::number`]), in the 1000s so that they
/// never collide with the registry's [`ErrorCode`](crate::error::ErrorCode) numbers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InterchangeErrorKind {
    /// The bytes are not valid in the (declared or detected) encoding.
    #[error("bytes at offset {offset} are not valid {encoding}")]
    Encoding {
        /// The encoding, e.g. `UTF-8` or `GB18030`.
        encoding: &'static str,
        /// Byte offset of the first invalid sequence in the file.
        offset: usize,
    },
    /// Text cannot be written in the requested encoding (export to GBK of a character GBK lacks).
    #[error("cannot be written in {encoding}")]
    Unencodable {
        /// The encoding.
        encoding: &'static str,
    },
    /// The file is not well-formed CSV (e.g. a row with another number of fields than the header).
    #[error("malformed CSV: {message}")]
    Csv {
        /// What the CSV reader said.
        message: String,
    },
    /// The file has no header row.
    #[error("the file is empty (a header row is required)")]
    EmptyFile,
    /// A required column is missing from the header.
    #[error("required column is missing from the header")]
    MissingColumn,
    /// A column of the header is not one of the table's columns.
    #[error("unknown column (expected one of: {expected})")]
    UnknownColumn {
        /// The columns the table knows.
        expected: String,
    },
    /// A column appears twice in the header.
    #[error("column appears twice in the header")]
    DuplicateColumn,
    /// A required cell is empty.
    #[error("is empty but required")]
    MissingValue,
    /// A cell's text cannot be read as what the column holds.
    #[error("{reason}")]
    InvalidValue {
        /// Why, including what was expected.
        reason: String,
    },
    /// The id is defined twice in the file.
    #[error("duplicate id (first defined at line {first_line})")]
    DuplicateId {
        /// Line of the first definition.
        first_line: u64,
    },
    /// A row refers to a record that is neither in the import nor in the registry.
    #[error("refers to {entity} that is neither in the import nor in the registry")]
    UnknownReference {
        /// What was referred to, e.g. `organization`.
        entity: &'static str,
    },
    /// Parent links among the imported organizations form a cycle.
    #[error("parent links form a cycle: {cycle}")]
    ParentCycle {
        /// The ids on the cycle, joined by ` -> `.
        cycle: String,
    },
    /// The registry rejected the row's command (a structural rule, a bad identifier …).
    #[error("{0}")]
    Rule(Box<crate::error::Error>),
    /// The `.xlsx` workbook cannot be read.
    #[error("not a readable .xlsx workbook: {message}")]
    Xlsx {
        /// What the reader said.
        message: String,
    },
    /// The named sheet is not in the workbook.
    #[error("no such sheet (the workbook has: {available})")]
    SheetNotFound {
        /// The workbook's sheets, comma separated.
        available: String,
    },
    /// The input needs a cargo feature this build lacks (`xlsx`).
    #[error("this build of tongxin lacks the `{feature}` feature")]
    FeatureDisabled {
        /// The feature.
        feature: &'static str,
    },
    /// A Popolo document is not JSON of the expected shape (JSON nested deeper than 128
    /// levels is refused here too: serde_json's recursion limit).
    #[error("invalid JSON: {message}")]
    Json {
        /// What the parser said.
        message: String,
    },
    /// One of the import's [`Limits`](super::Limits) was passed: the file, sheet, row, header or
    /// cell is larger than the limit allows (the error's file, line and column say where).
    #[error("{}, over the limit {limit} = {max}", limit.describe(*found))]
    LimitExceeded {
        /// Which limit.
        limit: super::Limit,
        /// The value seen (bytes, the number of the data row, columns).
        found: u64,
        /// The limit's value.
        max: u64,
    },
}

impl InterchangeErrorKind {
    /// Every code, in number order.
    pub const CODES: &'static [(&'static str, u32)] = &[
        ("encoding", 1001),
        ("unencodable", 1002),
        ("csv", 1003),
        ("empty_file", 1004),
        ("xlsx", 1005),
        ("sheet_not_found", 1006),
        ("feature_disabled", 1007),
        ("invalid_json", 1008),
        ("limit_exceeded", 1009),
        ("missing_column", 1101),
        ("unknown_column", 1102),
        ("duplicate_column", 1103),
        ("missing_value", 1201),
        ("invalid_value", 1202),
        ("duplicate_id", 1301),
        ("unknown_reference", 1302),
        ("parent_cycle", 1303),
        ("rule_violation", 1401),
    ];

    /// The stable snake_case code.
    pub fn code(&self) -> &'static str {
        match self {
            Self::Encoding { .. } => "encoding",
            Self::Unencodable { .. } => "unencodable",
            Self::Csv { .. } => "csv",
            Self::EmptyFile => "empty_file",
            Self::Xlsx { .. } => "xlsx",
            Self::SheetNotFound { .. } => "sheet_not_found",
            Self::FeatureDisabled { .. } => "feature_disabled",
            Self::Json { .. } => "invalid_json",
            Self::LimitExceeded { .. } => "limit_exceeded",
            Self::MissingColumn => "missing_column",
            Self::UnknownColumn { .. } => "unknown_column",
            Self::DuplicateColumn => "duplicate_column",
            Self::MissingValue => "missing_value",
            Self::InvalidValue { .. } => "invalid_value",
            Self::DuplicateId { .. } => "duplicate_id",
            Self::UnknownReference { .. } => "unknown_reference",
            Self::ParentCycle { .. } => "parent_cycle",
            Self::Rule(_) => "rule_violation",
        }
    }

    /// The stable number: 1000s the file as a whole, 1100s the header, 1200s one cell,
    /// 1300s references between rows, 1400s the registry's rules (see
    /// [`rule`](Self::rule) for the registry's own code).
    pub fn number(&self) -> u32 {
        let code = self.code();
        Self::CODES
            .iter()
            .find(|(c, _)| *c == code)
            .map_or(1000, |(_, n)| *n)
    }

    /// The registry's error, when the registry rejected the row.
    pub fn rule(&self) -> Option<&crate::error::Error> {
        match self {
            Self::Rule(e) => Some(e),
            _ => None,
        }
    }
}

impl InterchangeError {
    /// The stable snake_case code of the kind.
    pub fn code(&self) -> &'static str {
        self.kind.code()
    }

    /// The stable number of the kind.
    pub fn number(&self) -> u32 {
        self.kind.number()
    }

    /// A passed limit: `found` against `max`, in a whole file (locate it with the struct's
    /// fields).
    pub(crate) fn limit(file: &str, limit: super::Limit, found: u64, max: u64) -> Self {
        InterchangeError::file(
            file,
            InterchangeErrorKind::LimitExceeded { limit, found, max },
        )
    }

    /// An error about a whole file.
    pub(crate) fn file(file: &str, kind: InterchangeErrorKind) -> Self {
        InterchangeError {
            file: file.to_string(),
            line: None,
            column: None,
            value: None,
            kind,
        }
    }
}

/// Cuts a value to [`MAX_VALUE_CHARS`] characters for quoting in an error.
pub(crate) fn quote(value: &str) -> String {
    value.chars().take(MAX_VALUE_CHARS).collect()
}

/// Everything wrong with an import, as [`import_rosters_report`](super::import_rosters_report)
/// and [`check_rosters`](super::check_rosters) collect it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportReport {
    /// Every problem found, in file order (orgs, enterprises, persons, memberships).
    pub errors: Vec<InterchangeError>,
    /// Rows read without a problem of their own.
    pub rows_ok: usize,
    /// Rows not checked against the registry's rules because they refer to a rejected row
    /// (a membership of a rejected person, an organization under a rejected parent).
    pub rows_skipped: usize,
}

impl ImportReport {
    /// Whether no problem was found.
    pub fn is_ok(&self) -> bool {
        self.errors.is_empty()
    }
}

impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} problem(s); {} row(s) fine; {} row(s) not checked because they depend on a rejected row",
            self.errors.len(),
            self.rows_ok,
            self.rows_skipped
        )?;
        for e in &self.errors {
            writeln!(f, "[{}] {e}", e.code())?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn codes_are_unique_and_listed() {
        let names: HashSet<_> = InterchangeErrorKind::CODES.iter().map(|c| c.0).collect();
        let numbers: HashSet<_> = InterchangeErrorKind::CODES.iter().map(|c| c.1).collect();
        assert_eq!(names.len(), InterchangeErrorKind::CODES.len());
        assert_eq!(numbers.len(), InterchangeErrorKind::CODES.len());
        assert_eq!(InterchangeErrorKind::EmptyFile.number(), 1004);
        assert_eq!(InterchangeErrorKind::MissingValue.number(), 1201);
        let limit = InterchangeErrorKind::LimitExceeded {
            limit: super::super::Limit::Rows,
            found: 11,
            max: 10,
        };
        assert_eq!((limit.code(), limit.number()), ("limit_exceeded", 1009));
    }
}
