//! `.xlsx` rosters: a sheet is turned into the CSV text of the same table (cells as text, dates
//! as ISO days) and then read exactly like a CSV file, with the sheet's row numbers as lines.

use super::columns::Table;
use super::error::{InterchangeError, InterchangeErrorKind};
#[cfg(not(feature = "xlsx"))]
use super::Limits;

#[cfg(not(feature = "xlsx"))]
pub(crate) fn sheet_to_csv(
    _table: Table,
    file: &str,
    _data: &[u8],
    _sheet: Option<&str>,
    _limits: &Limits,
) -> Result<(String, Vec<u64>), InterchangeError> {
    Err(InterchangeError::file(
        file,
        InterchangeErrorKind::FeatureDisabled { feature: "xlsx" },
    ))
}

#[cfg(feature = "xlsx")]
pub(crate) use enabled::sheet_to_csv;

#[cfg(feature = "xlsx")]
mod enabled {
    use super::super::{Limit, Limits};
    use super::*;
    use calamine::{
        Cell, Data, DataRef, ExcelDateTime, ExcelDateTimeType, Reader, Xlsx, XlsxError,
    };
    use std::io::{self, Cursor, Read, Write};

    fn xlsx_error(file: &str, message: impl ToString) -> InterchangeError {
        InterchangeError::file(
            file,
            InterchangeErrorKind::Xlsx {
                message: message.to_string(),
            },
        )
    }

    /// An Excel serial day number as an ISO day, when it is a plausible one.
    fn serial_day(value: f64, is_1904: bool) -> Option<String> {
        if !(1.0..2_958_466.0).contains(&value) {
            return None;
        }
        let (y, m, d, ..) =
            ExcelDateTime::new(value, ExcelDateTimeType::DateTime, is_1904).to_ymd_hms_milli();
        Some(format!("{y:04}-{m:02}-{d:02}"))
    }

    fn number(value: f64) -> String {
        if value.fract() == 0.0 && value.abs() < 1e15 {
            format!("{}", value as i64)
        } else {
            value.to_string()
        }
    }

    fn cell_text(cell: &Data, date_column: bool) -> String {
        match cell {
            Data::Empty => String::new(),
            Data::String(s) => s.clone(),
            Data::Bool(b) => b.to_string(),
            Data::Int(i) => match date_column {
                true => serial_day(*i as f64, false).unwrap_or_else(|| i.to_string()),
                false => i.to_string(),
            },
            Data::Float(f) => match date_column {
                true => serial_day(*f, false).unwrap_or_else(|| number(*f)),
                false => number(*f),
            },
            Data::DateTime(dt) => {
                let (y, m, d, ..) = dt.to_ymd_hms_milli();
                if dt.is_datetime() {
                    format!("{y:04}-{m:02}-{d:02}")
                } else {
                    number(dt.as_f64())
                }
            }
            Data::DateTimeIso(s) => s
                .get(..10)
                .filter(|_| s.len() >= 10)
                .unwrap_or(s)
                .to_string(),
            Data::DurationIso(s) => s.clone(),
            Data::Error(e) => format!("#{e:?}"),
        }
    }

    /// Decompresses every XML part of the workbook (all that the reader will read) into
    /// nothing, counting, and refuses the workbook when together they unpack to more than
    /// `max` bytes — whatever sizes the archive declares. An archive the zip reader cannot
    /// open is left for the workbook reader to report.
    fn check_unpacked(file: &str, data: &[u8], max: u64) -> Result<(), InterchangeError> {
        struct Count(u64);
        impl Write for Count {
            fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
                self.0 += buf.len() as u64;
                Ok(buf.len())
            }
            fn flush(&mut self) -> io::Result<()> {
                Ok(())
            }
        }
        let Ok(mut zip) = zip::ZipArchive::new(Cursor::new(data)) else {
            return Ok(());
        };
        let mut total = Count(0);
        for i in 0..zip.len() {
            let Ok(entry) = zip.by_index(i) else {
                continue;
            };
            let name = entry.name().to_ascii_lowercase();
            if !(name.ends_with(".xml") || name.ends_with(".rels")) {
                continue;
            }
            let budget = max.saturating_sub(total.0).saturating_add(1);
            // A part that does not decompress is the workbook reader's to report.
            let _ = io::copy(&mut entry.take(budget), &mut total);
            if total.0 > max {
                return Err(InterchangeError::limit(
                    file,
                    Limit::UnpackedBytes,
                    total.0,
                    max,
                ));
            }
        }
        Ok(())
    }

    /// Where the sheet's non-empty cells lie.
    struct Bounds {
        min_col: u32,
        max_col: u32,
    }

    /// Columns of an Excel sheet (A to XFD).
    const EXCEL_COLUMNS: u32 = 16_384;

    /// First pass over the sheet: the columns its cells span, checked against the limits as
    /// the cells stream by (rows past `max_rows`, a span wider than `max_columns`), so that
    /// nothing is allocated for what the sheet claims.
    fn bounds<'a>(
        file: &str,
        mut next_cell: impl FnMut() -> Result<Option<Cell<DataRef<'a>>>, XlsxError>,
        limits: &Limits,
    ) -> Result<Option<Bounds>, InterchangeError> {
        let mut bounds: Option<Bounds> = None;
        let mut last_row: Option<u32> = None;
        let mut rows = 0u64;
        while let Some(cell) = next_cell().map_err(|e| xlsx_error(file, e))? {
            if matches!(cell.get_value(), DataRef::Empty) {
                continue;
            }
            let (r, c) = cell.get_position();
            let line = u64::from(r) + 1;
            if c >= EXCEL_COLUMNS {
                return Err(InterchangeError {
                    line: Some(line),
                    ..xlsx_error(file, "a cell lies beyond the last column XFD")
                });
            }
            if last_row != Some(r) {
                if last_row.is_some_and(|l| r < l) {
                    return Err(InterchangeError {
                        line: Some(line),
                        ..xlsx_error(file, "the sheet's rows are not stored in order")
                    });
                }
                last_row = Some(r);
                rows += 1;
                // The first row with a cell is the header.
                if rows - 1 > limits.max_rows {
                    return Err(InterchangeError {
                        line: Some(line),
                        ..InterchangeError::limit(file, Limit::Rows, rows - 1, limits.max_rows)
                    });
                }
            }
            let b = bounds.get_or_insert(Bounds {
                min_col: c,
                max_col: c,
            });
            b.min_col = b.min_col.min(c);
            b.max_col = b.max_col.max(c);
            let span = u64::from(b.max_col - b.min_col) + 1;
            if span > limits.max_columns {
                return Err(InterchangeError {
                    line: Some(line),
                    ..InterchangeError::limit(file, Limit::Columns, span, limits.max_columns)
                });
            }
        }
        Ok(bounds)
    }

    /// The sheet as CSV text, and the sheet row (1-based) of each record. The header is the
    /// first row with a cell; columns start at the leftmost cell of the sheet; rows without
    /// a cell are left out (their lines are kept by the row numbers).
    pub(crate) fn sheet_to_csv(
        table: Table,
        file: &str,
        data: &[u8],
        sheet: Option<&str>,
        limits: &Limits,
    ) -> Result<(String, Vec<u64>), InterchangeError> {
        // A panic inside the readers on malformed bytes is contained and reported as an
        // error, like any other unreadable workbook.
        std::panic::catch_unwind(|| {
            check_unpacked(file, data, limits.max_unpacked_bytes)?;
            convert(table, file, data, sheet, limits)
        })
        .unwrap_or_else(|_| Err(xlsx_error(file, "the reader failed on malformed content")))
    }

    fn convert(
        table: Table,
        file: &str,
        data: &[u8],
        sheet: Option<&str>,
        limits: &Limits,
    ) -> Result<(String, Vec<u64>), InterchangeError> {
        let mut book = Xlsx::new(Cursor::new(data)).map_err(|e| xlsx_error(file, e))?;
        let names = book.sheet_names();
        let name = match sheet {
            Some(name) if names.iter().any(|n| n == name) => name.to_string(),
            Some(name) => {
                return Err(InterchangeError {
                    value: Some(super::super::error::quote(name)),
                    ..InterchangeError::file(
                        file,
                        InterchangeErrorKind::SheetNotFound {
                            available: names.join(", "),
                        },
                    )
                })
            }
            None => match names.first() {
                Some(first) => first.clone(),
                None => return Err(xlsx_error(file, "the workbook has no sheet")),
            },
        };
        // A sheet that holds no cells (a chart sheet) reads as an empty file.
        let bounds = match book.worksheet_cells_reader(&name) {
            Ok(mut reader) => bounds(file, || reader.next_cell(), limits)?,
            Err(XlsxError::NotAWorksheet(_)) => None,
            Err(e) => return Err(xlsx_error(file, e)),
        };
        let Some(bounds) = bounds else {
            return Ok((String::new(), Vec::new()));
        };
        let mut reader = book
            .worksheet_cells_reader(&name)
            .map_err(|e| xlsx_error(file, e))?;
        let width = (bounds.max_col - bounds.min_col) as usize + 1;
        let mut writer = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        let mut rows: Vec<u64> = Vec::new();
        let mut dates: Vec<bool> = vec![false; width];
        let mut header: Vec<String> = Vec::new();
        let mut fields: Vec<String> = vec![String::new(); width];
        let mut current: Option<u32> = None;
        let mut flush = |row: u32,
                         fields: &mut Vec<String>,
                         rows: &mut Vec<u64>,
                         dates: &mut Vec<bool>,
                         header: &mut Vec<String>|
         -> Result<(), InterchangeError> {
            if rows.is_empty() {
                *dates = fields
                    .iter()
                    .map(|name| {
                        table
                            .columns()
                            .iter()
                            .any(|col| col.date && col.name.eq_ignore_ascii_case(name.trim()))
                    })
                    .collect();
                header.clone_from(fields);
            }
            writer
                .write_record(fields.iter())
                .map_err(|e| xlsx_error(file, e))?;
            rows.push(u64::from(row) + 1);
            fields.iter_mut().for_each(String::clear);
            let size = writer.get_ref().len() as u64;
            if size > limits.max_unpacked_bytes {
                return Err(InterchangeError {
                    line: Some(u64::from(row) + 1),
                    ..InterchangeError::limit(
                        file,
                        Limit::UnpackedBytes,
                        size,
                        limits.max_unpacked_bytes,
                    )
                });
            }
            Ok(())
        };
        while let Some(cell) = reader.next_cell().map_err(|e| xlsx_error(file, e))? {
            if matches!(cell.get_value(), DataRef::Empty) {
                continue;
            }
            let (r, c) = cell.get_position();
            if current != Some(r) {
                if let Some(row) = current {
                    flush(row, &mut fields, &mut rows, &mut dates, &mut header)?;
                }
                current = Some(r);
            }
            let j = c.saturating_sub(bounds.min_col) as usize;
            let value = Data::from(cell.get_value().clone());
            let text = cell_text(&value, dates.get(j).copied().unwrap_or(false));
            let len = text.len() as u64;
            if len > limits.max_field_bytes {
                let column = header
                    .get(j)
                    .map(|n| n.trim().to_string())
                    .filter(|n| !n.is_empty())
                    .unwrap_or_else(|| format!("#{}", j + 1));
                return Err(InterchangeError {
                    line: Some(u64::from(r) + 1),
                    column: Some(column),
                    value: Some(super::super::error::quote(&text)),
                    ..InterchangeError::limit(file, Limit::FieldBytes, len, limits.max_field_bytes)
                });
            }
            if let Some(slot) = fields.get_mut(j) {
                *slot = text;
            }
        }
        if let Some(row) = current {
            flush(row, &mut fields, &mut rows, &mut dates, &mut header)?;
        }
        let bytes = writer.into_inner().map_err(|e| xlsx_error(file, e))?;
        let text = String::from_utf8(bytes).map_err(|e| xlsx_error(file, e))?;
        Ok((text, rows))
    }
}
