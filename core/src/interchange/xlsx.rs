//! `.xlsx` rosters: a sheet is turned into the CSV text of the same table (cells as text, dates
//! as ISO days) and then read exactly like a CSV file, with the sheet's row numbers as lines.

use super::columns::Table;
use super::error::{InterchangeError, InterchangeErrorKind};

#[cfg(not(feature = "xlsx"))]
pub(crate) fn sheet_to_csv(
    _table: Table,
    file: &str,
    _data: &[u8],
    _sheet: Option<&str>,
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
    use super::*;
    use calamine::{Data, ExcelDateTime, ExcelDateTimeType, Range, Reader, Xlsx};
    use std::io::Cursor;

    fn xlsx_error(file: &str, message: impl ToString) -> InterchangeError {
        InterchangeError::file(
            file,
            InterchangeErrorKind::Xlsx {
                message: message.to_string(),
            },
        )
    }

    /// Reads the sheet's cells. A panic inside the reader on malformed bytes is contained
    /// and reported as an error, like any other unreadable workbook.
    fn read_range(
        file: &str,
        data: &[u8],
        sheet: Option<&str>,
    ) -> Result<Range<Data>, InterchangeError> {
        let attempt = std::panic::catch_unwind(|| {
            let mut book = Xlsx::new(Cursor::new(data)).map_err(|e| xlsx_error(file, e))?;
            let names = book.sheet_names();
            match sheet {
                Some(name) => {
                    if !names.iter().any(|n| n == name) {
                        return Err(InterchangeError {
                            value: Some(super::super::error::quote(name)),
                            ..InterchangeError::file(
                                file,
                                InterchangeErrorKind::SheetNotFound {
                                    available: names.join(", "),
                                },
                            )
                        });
                    }
                    book.worksheet_range(name).map_err(|e| xlsx_error(file, e))
                }
                None => match book.worksheet_range_at(0) {
                    Some(range) => range.map_err(|e| xlsx_error(file, e)),
                    None => Err(xlsx_error(file, "the workbook has no sheet")),
                },
            }
        });
        attempt.unwrap_or_else(|_| Err(xlsx_error(file, "the reader failed on malformed content")))
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

    /// The sheet as CSV text, and the sheet row (1-based) of each record.
    pub(crate) fn sheet_to_csv(
        table: Table,
        file: &str,
        data: &[u8],
        sheet: Option<&str>,
    ) -> Result<(String, Vec<u64>), InterchangeError> {
        let range = read_range(file, data, sheet)?;
        let first_row = u64::from(range.start().map_or(0, |(r, _)| r)) + 1;
        let mut writer = csv::WriterBuilder::new()
            .flexible(true)
            .from_writer(Vec::new());
        let mut rows = Vec::new();
        let mut dates: Vec<bool> = Vec::new();
        let mut fields: Vec<String> = Vec::new();
        for (i, row) in range.rows().enumerate() {
            if rows.is_empty() && row.iter().all(|c| matches!(c, Data::Empty)) {
                continue; // blank rows above the header
            }
            if rows.is_empty() {
                dates = row
                    .iter()
                    .map(|c| {
                        let name = cell_text(c, false);
                        table
                            .columns()
                            .iter()
                            .any(|col| col.date && col.name.eq_ignore_ascii_case(name.trim()))
                    })
                    .collect();
            }
            fields.clear();
            fields.extend(
                row.iter()
                    .enumerate()
                    .map(|(j, c)| cell_text(c, dates.get(j).copied().unwrap_or(false))),
            );
            writer
                .write_record(&fields)
                .map_err(|e| xlsx_error(file, e))?;
            rows.push(first_row + i as u64);
        }
        let bytes = writer.into_inner().map_err(|e| xlsx_error(file, e))?;
        let text = String::from_utf8(bytes).map_err(|e| xlsx_error(file, e))?;
        Ok((text, rows))
    }
}
