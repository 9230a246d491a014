//! A roster table as text (decoded CSV, or an `.xlsx` sheet turned into CSV), read row by row
//! with exact line numbers, and looked up again when an error needs a cell's value.

use super::columns::{Header, Row, Table};
use super::error::{quote, InterchangeError, InterchangeErrorKind};
use super::text::decode;
use super::{FileFormat, ImportOptions, Limit, Limits, RosterFile};
use std::borrow::Cow;
use std::collections::HashSet;

/// Collects errors: stops at the first one, or (in report mode) keeps going.
pub(crate) struct Sink {
    pub report: bool,
    pub errors: Vec<InterchangeError>,
}

/// Reading stopped at an error (strict mode).
pub(crate) struct Stop;

impl Sink {
    pub fn push(&mut self, e: InterchangeError) -> Result<(), Stop> {
        self.errors.push(e);
        if self.report {
            Ok(())
        } else {
            Err(Stop)
        }
    }
}

/// Ids of rows rejected so far, so that rows referring to them are skipped in report mode.
#[derive(Default)]
pub(crate) struct Rejected {
    pub orgs: HashSet<String>,
    pub persons: HashSet<String>,
    pub enterprises: HashSet<String>,
}

impl Rejected {
    pub fn set(&mut self, table: Table) -> Option<&mut HashSet<String>> {
        match table {
            Table::Orgs => Some(&mut self.orgs),
            Table::Persons => Some(&mut self.persons),
            Table::Enterprises => Some(&mut self.enterprises),
            Table::Memberships => None,
        }
    }
}

/// Counts line feeds: in blocks of 32 bytes (a per-byte sum the compiler turns into a few
/// vector instructions), then the rest.
fn newlines(bytes: &[u8]) -> u64 {
    let mut blocks = bytes.chunks_exact(32);
    let mut n = 0;
    for block in &mut blocks {
        n += u64::from(block.iter().fold(0u8, |n, &b| n + u8::from(b == b'\n')));
    }
    n + blocks.remainder().iter().filter(|&&b| b == b'\n').count() as u64
}

/// Tracks physical line numbers of records from their byte offsets (the `csv` crate's own line
/// count drifts after blank lines, which it skips).
struct LineCounter<'t> {
    text: &'t [u8],
    byte: usize,
    line: u64,
}

impl LineCounter<'_> {
    fn line_at(&mut self, byte: usize) -> u64 {
        if byte >= self.byte {
            self.line += newlines(self.text.get(self.byte..byte).unwrap_or_default());
        } else {
            self.line = 1 + newlines(self.text.get(..byte).unwrap_or_default());
        }
        self.byte = byte;
        // A record's offset is where the blank lines before it start.
        let blank = self
            .text
            .get(byte..)
            .unwrap_or_default()
            .iter()
            .take_while(|&&b| b == b'\n' || b == b'\r');
        self.line + blank.filter(|&&b| b == b'\n').count() as u64
    }
}

/// One table's text, ready to read.
pub(crate) struct TableText<'a> {
    pub table: Table,
    pub file: String,
    pub text: Cow<'a, str>,
    /// For a sheet: the sheet row of each CSV record (header first).
    pub rows: Option<Vec<u64>>,
}

impl<'a> TableText<'a> {
    /// Decodes a CSV file or converts an `.xlsx` sheet.
    pub fn load(
        table: Table,
        source: &RosterFile<'a>,
        options: &ImportOptions,
    ) -> Result<Self, InterchangeError> {
        let file = match (source.name, source.format) {
            (Some(name), _) => name.to_string(),
            (None, FileFormat::Csv) => table.default_file().to_string(),
            (None, FileFormat::Xlsx { .. }) => table.default_file().replace(".csv", ".xlsx"),
        };
        let limits = &options.limits;
        let size = source.data.len() as u64;
        if size > limits.max_file_bytes {
            return Err(InterchangeError::limit(
                &file,
                Limit::FileBytes,
                size,
                limits.max_file_bytes,
            ));
        }
        match source.format {
            FileFormat::Csv => match decode(&file, source.data, options.encoding) {
                Ok(text) => Ok(TableText {
                    table,
                    file,
                    text,
                    rows: None,
                }),
                Err(mut e) => {
                    if let InterchangeErrorKind::Encoding { encoding, .. } = e.kind {
                        e.column = locate_bad_column(source.data, encoding);
                    }
                    Err(e)
                }
            },
            FileFormat::Xlsx { sheet } => {
                let (text, rows) =
                    super::xlsx::sheet_to_csv(table, &file, source.data, sheet, limits)?;
                Ok(TableText {
                    table,
                    file,
                    text: Cow::Owned(text),
                    rows: Some(rows),
                })
            }
        }
    }

    fn reader(&self) -> csv::Reader<&[u8]> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(self.text.as_bytes())
    }

    fn line(&self, lines: &mut LineCounter, record: &csv::StringRecord, index: u64) -> u64 {
        match &self.rows {
            Some(rows) => rows
                .get(usize::try_from(index).unwrap_or(usize::MAX))
                .copied()
                .unwrap_or(index + 1),
            None => record.position().map_or(index + 1, |p| {
                lines.line_at(usize::try_from(p.byte()).unwrap_or(0))
            }),
        }
    }

    /// Whether the header has a column named `column`.
    pub fn has_column(&self, column: &str) -> bool {
        let mut reader = self.reader();
        let mut record = csv::StringRecord::new();
        matches!(reader.read_record(&mut record), Ok(true))
            && record.iter().any(|n| {
                n.trim_start_matches('\u{FEFF}')
                    .trim()
                    .eq_ignore_ascii_case(column)
            })
    }

    /// Rough number of data rows, to reserve space (never more than the row limit allows).
    pub fn estimated_rows(&self, limits: &Limits) -> usize {
        let rows = match &self.rows {
            Some(rows) => rows.len() as u64,
            None => newlines(self.text.as_bytes()),
        };
        usize::try_from(rows.min(limits.max_rows)).unwrap_or(0)
    }

    /// The first limit the record passes: too many fields (`max_columns`) or a field longer
    /// than `max_field_bytes`, with the field's index.
    fn over_limits(
        &self,
        record: &csv::StringRecord,
        limits: &Limits,
    ) -> Option<(Limit, u64, u64, Option<usize>)> {
        let fields = record.len() as u64;
        if fields > limits.max_columns {
            return Some((Limit::Columns, fields, limits.max_columns, None));
        }
        // The whole record's bytes first: only a long record needs a look at each field.
        if record.as_slice().len() as u64 > limits.max_field_bytes {
            for (i, field) in record.iter().enumerate() {
                let len = field.len() as u64;
                if len > limits.max_field_bytes {
                    return Some((Limit::FieldBytes, len, limits.max_field_bytes, Some(i)));
                }
            }
        }
        None
    }

    /// The error for a record over a limit, at `line`, naming the column (a header name, or
    /// `#n` for a field of the header itself or past it) and quoting the start of the cell.
    fn limit_error(
        &self,
        (limit, found, max, field): (Limit, u64, u64, Option<usize>),
        line: u64,
        record: &csv::StringRecord,
        names: Option<&csv::StringRecord>,
    ) -> InterchangeError {
        let column = field.map(|i| {
            names
                .and_then(|n| n.get(i))
                .map(|n| n.trim_start_matches('\u{FEFF}').trim())
                .filter(|n| !n.is_empty())
                .map_or_else(|| format!("#{}", i + 1), str::to_string)
        });
        InterchangeError {
            line: Some(line),
            column,
            value: field.and_then(|i| record.get(i)).map(quote),
            ..InterchangeError::limit(&self.file, limit, found, max)
        }
    }

    /// Reads the header and calls `f` on each data row (rows whose cells are all empty are
    /// skipped). Errors of `f` and malformed rows go to `sink`; a bad header stops this table.
    /// In report mode, the id of a row `f` rejects is added to `rejected`.
    pub fn for_each_row(
        &self,
        options: &ImportOptions,
        sink: &mut Sink,
        rejected: &mut Rejected,
        mut f: impl FnMut(&Row<csv::StringRecord>) -> Result<(), InterchangeError>,
    ) -> Result<(), Stop> {
        let mut reader = self.reader();
        let mut record = csv::StringRecord::new();
        let mut lines = LineCounter {
            text: self.text.as_bytes(),
            byte: 0,
            line: 1,
        };
        let limits = &options.limits;
        let header = match reader.read_record(&mut record) {
            Ok(true) => match self.over_limits(&record, limits) {
                Some(over) => {
                    let line = self.line(&mut lines, &record, 0);
                    Err(self.limit_error(over, line, &record, None))
                }
                None => Header::resolve(
                    self.table,
                    &self.file,
                    record.iter(),
                    options.unknown_columns,
                ),
            },
            Ok(false) => Err(InterchangeError::file(
                &self.file,
                InterchangeErrorKind::EmptyFile,
            )),
            Err(e) => Err(self.csv_error(&mut lines, &e)),
        };
        let header = match header {
            Ok(h) => h,
            Err(e) => return sink.push(e),
        };
        let names = record.clone();
        let mut index = 0u64;
        loop {
            match reader.read_record(&mut record) {
                Ok(false) => return Ok(()),
                Ok(true) => {
                    index += 1;
                    if index > limits.max_rows {
                        // Stops this table, in report mode too: the rest is not read.
                        let line = self.line(&mut lines, &record, index);
                        let over = (Limit::Rows, index, limits.max_rows, None);
                        sink.push(self.limit_error(over, line, &record, None))?;
                        return Ok(());
                    }
                    // All fields of the record, concatenated: blank only if every cell is.
                    if record.as_slice().trim().is_empty() {
                        continue;
                    }
                    let row = Row {
                        table: self.table,
                        header: &header,
                        cells: &record,
                        file: &self.file,
                        line: self.line(&mut lines, &record, index),
                    };
                    let result = match self.over_limits(&record, limits) {
                        Some(over) => Err(self.limit_error(over, row.line, &record, Some(&names))),
                        None => f(&row),
                    };
                    if let Err(e) = result {
                        if sink.report {
                            if let (Some(set), Some(id)) =
                                (rejected.set(self.table), row.trimmed(0))
                            {
                                set.insert(id.to_string());
                            }
                        }
                        sink.push(e)?;
                    }
                }
                Err(e) => {
                    index += 1;
                    sink.push(self.csv_error(&mut lines, &e))?;
                }
            }
        }
    }

    fn csv_error(&self, lines: &mut LineCounter, e: &csv::Error) -> InterchangeError {
        let line = e.position().map(|p| match &self.rows {
            Some(rows) => rows
                .get(usize::try_from(p.record()).unwrap_or(usize::MAX))
                .copied()
                .unwrap_or(p.line()),
            None => lines.line_at(usize::try_from(p.byte()).unwrap_or(0)),
        });
        let message = match e.kind() {
            csv::ErrorKind::UnequalLengths {
                expected_len, len, ..
            } => format!("the row has {len} fields but the header has {expected_len}"),
            _ => e.to_string(),
        };
        InterchangeError {
            line,
            ..InterchangeError::file(&self.file, InterchangeErrorKind::Csv { message })
        }
    }

    /// Finds the row at `line` and returns its cell in `column` (a header name), and the line
    /// of the first row before it whose `column` holds the same text.
    pub fn lookup(&self, line: u64, column: &str) -> (Option<String>, Option<u64>) {
        let mut reader = self.reader();
        let mut record = csv::StringRecord::new();
        let mut lines = LineCounter {
            text: self.text.as_bytes(),
            byte: 0,
            line: 1,
        };
        let Ok(true) = reader.read_record(&mut record) else {
            return (None, None);
        };
        let Ok(header) = Header::resolve(
            self.table,
            &self.file,
            record.iter(),
            super::UnknownColumns::Ignore,
        ) else {
            return (None, None);
        };
        let Some(position) = header.position_of(self.table, column) else {
            return (None, None);
        };
        let mut index = 0;
        let mut seen: Vec<(String, u64)> = Vec::new();
        while let Ok(true) = reader.read_record(&mut record) {
            index += 1;
            let here = self.line(&mut lines, &record, index);
            let cell = record.get(position).map(str::trim).unwrap_or_default();
            if here == line {
                let first = seen.iter().find(|(v, _)| v == cell).map(|(_, l)| *l);
                return (Some(quote(cell)), first);
            }
            if here > line {
                break;
            }
            if column == "id" {
                seen.push((cell.to_string(), here));
            }
        }
        (None, None)
    }
}

/// For a file that is not valid in `encoding`: the header name of the column in which the
/// first invalid bytes sit, found by reading a lossy decoding of it (which marks them U+FFFD).
fn locate_bad_column(data: &[u8], encoding: &str) -> Option<String> {
    let text: Cow<str> = if encoding == "UTF-8" {
        String::from_utf8_lossy(data.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(data))
    } else {
        Cow::Owned(super::gb18030::Decoder::new().decode_lossy(data))
    };
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut record = csv::StringRecord::new();
    reader.read_record(&mut record).ok()?;
    let names: Vec<String> = record.iter().map(|n| n.trim().to_string()).collect();
    if names.iter().any(|n| n.contains('\u{FFFD}')) {
        return None;
    }
    while let Ok(true) = reader.read_record(&mut record) {
        if let Some(i) = record.iter().position(|c| c.contains('\u{FFFD}')) {
            return names.get(i).cloned();
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::newlines;

    #[test]
    fn newlines_counts_every_line_feed_in_blocks_and_the_rest() {
        let text: Vec<u8> = (0..200u32)
            .map(|i| {
                if i % 7 == 0 || i % 31 == 0 {
                    b'\n'
                } else {
                    b'a'
                }
            })
            .collect();
        for start in 0..40 {
            for end in start..text.len() {
                let slice = &text[start..end];
                let naive = slice.iter().filter(|&&b| b == b'\n').count() as u64;
                assert_eq!(newlines(slice), naive, "{start}..{end}");
            }
        }
        assert_eq!(newlines(&[b'\n'; 300]), 300);
    }
}
