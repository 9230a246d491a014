//! Bounds on what one import reads, so that a hostile file cannot exhaust memory or time.

use std::fmt;

/// Bounds on the files of one import ([`ImportOptions::limits`](super::ImportOptions::limits)),
/// checked before or while reading — never by first allocating what a file claims. Passing one
/// is an [`InterchangeErrorKind::LimitExceeded`](super::InterchangeErrorKind::LimitExceeded)
/// error (code `limit_exceeded`, 1009) naming the limit, the value seen, the file and, where
/// there is one, the line and column.
///
/// | limit | default | applies to |
/// |---|---|---|
/// | [`max_file_bytes`](Self::max_file_bytes) | 512 MiB | each CSV file, `.xlsx` workbook or Popolo document, before decoding |
/// | [`max_unpacked_bytes`](Self::max_unpacked_bytes) | 2 GiB | an `.xlsx` workbook unpacked (its zip entries as decompressed, counted while decompressing), and the text made from one sheet |
/// | [`max_rows`](Self::max_rows) | 10,000,000 | data rows of one file or sheet (the header not counted); records of each Popolo array |
/// | [`max_columns`](Self::max_columns) | 256 | fields of the header of one file, or columns spanned by one sheet |
/// | [`max_field_bytes`](Self::max_field_bytes) | 64 KiB | one cell's text, in UTF-8 bytes |
///
/// The defaults are far above any real roster (a registry of three million memberships is
/// about 150 MiB of CSV) and can be raised or lowered per import:
///
/// ```
/// use tongxin::interchange::{import_rosters, ImportOptions, Limits, Rosters};
/// use tongxin::prelude::*;
///
/// let persons = "id,party,title,stratum,birth_year\np1,min_meng,senior,none,1975\n\
///                p2,min_meng,senior,none,1976\n";
/// let options = ImportOptions {
///     limits: Limits { max_rows: 1, ..Limits::default() },
///     ..ImportOptions::default()
/// };
/// let mut reg = Registry::new();
/// let meta = Meta { at: chrono::NaiveDateTime::default(), actor: "clerk".into() };
/// let err = import_rosters(&mut reg, &meta, &Rosters::csv(b"", persons.as_bytes(), b""), &options)
///     .unwrap_err();
/// assert_eq!((err.code(), err.number(), err.line), ("limit_exceeded", 1009, Some(3)));
/// assert_eq!(err.to_string(),
///     "persons.csv, line 3: data row 2, over the limit max_rows = 1");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    /// Largest file accepted, in bytes (default [`Limits::MAX_FILE_BYTES`], 512 MiB).
    pub max_file_bytes: u64,
    /// Largest unpacked `.xlsx` workbook, and largest text made from one sheet, in bytes
    /// (default [`Limits::MAX_UNPACKED_BYTES`], 2 GiB).
    pub max_unpacked_bytes: u64,
    /// Most data rows per file or sheet, and records per Popolo array (default
    /// [`Limits::MAX_ROWS`], 10,000,000).
    pub max_rows: u64,
    /// Most columns of a header or a sheet (default [`Limits::MAX_COLUMNS`], 256).
    pub max_columns: u64,
    /// Longest cell, in UTF-8 bytes (default [`Limits::MAX_FIELD_BYTES`], 64 KiB).
    pub max_field_bytes: u64,
}

impl Limits {
    /// Default of [`max_file_bytes`](Self::max_file_bytes): 512 MiB.
    pub const MAX_FILE_BYTES: u64 = 512 * 1024 * 1024;
    /// Default of [`max_unpacked_bytes`](Self::max_unpacked_bytes): 2 GiB.
    pub const MAX_UNPACKED_BYTES: u64 = 2 * 1024 * 1024 * 1024;
    /// Default of [`max_rows`](Self::max_rows): 10,000,000.
    pub const MAX_ROWS: u64 = 10_000_000;
    /// Default of [`max_columns`](Self::max_columns): 256.
    pub const MAX_COLUMNS: u64 = 256;
    /// Default of [`max_field_bytes`](Self::max_field_bytes): 64 KiB.
    pub const MAX_FIELD_BYTES: u64 = 64 * 1024;

    /// No limit at all (every bound `u64::MAX`), for trusted input.
    pub const UNLIMITED: Limits = Limits {
        max_file_bytes: u64::MAX,
        max_unpacked_bytes: u64::MAX,
        max_rows: u64::MAX,
        max_columns: u64::MAX,
        max_field_bytes: u64::MAX,
    };
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: Limits::MAX_FILE_BYTES,
            max_unpacked_bytes: Limits::MAX_UNPACKED_BYTES,
            max_rows: Limits::MAX_ROWS,
            max_columns: Limits::MAX_COLUMNS,
            max_field_bytes: Limits::MAX_FIELD_BYTES,
        }
    }
}

/// Which of the [`Limits`] was passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Limit {
    /// [`Limits::max_file_bytes`].
    FileBytes,
    /// [`Limits::max_unpacked_bytes`].
    UnpackedBytes,
    /// [`Limits::max_rows`].
    Rows,
    /// [`Limits::max_columns`].
    Columns,
    /// [`Limits::max_field_bytes`].
    FieldBytes,
}

impl Limit {
    /// The field name in [`Limits`] (and in the fronts' `"limits"` option object):
    /// `max_file_bytes`, `max_unpacked_bytes`, `max_rows`, `max_columns`, `max_field_bytes`.
    pub fn name(self) -> &'static str {
        match self {
            Limit::FileBytes => "max_file_bytes",
            Limit::UnpackedBytes => "max_unpacked_bytes",
            Limit::Rows => "max_rows",
            Limit::Columns => "max_columns",
            Limit::FieldBytes => "max_field_bytes",
        }
    }

    /// What was seen, in words: `the file has 600 bytes`, `data row 11` …
    pub(crate) fn describe(self, found: u64) -> String {
        match self {
            Limit::FileBytes => format!("the file has {found} bytes"),
            Limit::UnpackedBytes => format!("unpacks to at least {found} bytes"),
            Limit::Rows => format!("data row {found}"),
            Limit::Columns => format!("{found} columns"),
            Limit::FieldBytes => format!("the cell has {found} bytes"),
        }
    }
}

impl fmt::Display for Limit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}
