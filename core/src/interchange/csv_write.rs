//! Writing CSV text: the records the `csv` crate's writer writes with its defaults, without it.
//!
//! The `csv` crate's writer decides per field whether to quote it, and one of its quoting styles
//! (`NonNumeric`) parses every field as a number, so using it links the standard library's float
//! parser and its tables (10 KB of the gzipped WASM module) into a library that parses no float.
//! Reading CSV stays with the `csv` crate.

/// Appends one record to `out`: the cells separated by commas and ended by `\n`. A cell holding
/// a comma, a double quote, `\r` or `\n` is written in double quotes, its quotes doubled; a
/// record of one empty cell is written `""`, so that it reads back as a record. These are the
/// bytes the `csv` crate's `Writer` writes with its defaults (`QuoteStyle::Necessary`).
pub(crate) fn write_record<I: AsRef<str>>(out: &mut String, cells: impl IntoIterator<Item = I>) {
    let start = out.len();
    let mut count = 0;
    for cell in cells {
        let cell = cell.as_ref();
        if count > 0 {
            out.push(',');
        }
        count += 1;
        if cell.contains([',', '"', '\r', '\n']) {
            out.push('"');
            for (i, part) in cell.split('"').enumerate() {
                if i > 0 {
                    out.push_str("\"\"");
                }
                out.push_str(part);
            }
            out.push('"');
        } else {
            out.push_str(cell);
        }
    }
    if count == 1 && out.len() == start {
        out.push_str("\"\"");
    }
    out.push('\n');
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    /// The `csv` crate's writer with its defaults on the same records.
    fn csv_crate(records: &[Vec<String>]) -> String {
        let mut w = csv::Writer::from_writer(Vec::new());
        for record in records {
            w.write_record(record).unwrap();
        }
        String::from_utf8(w.into_inner().unwrap()).unwrap()
    }

    #[test]
    fn quotes_what_needs_quotes() {
        let mut out = String::new();
        super::write_record(
            &mut out,
            ["a", "b,c", "say \"hi\"", "line\nbreak", "cr\r", "中文", ""],
        );
        super::write_record(&mut out, [""]);
        super::write_record(&mut out, ["", ""]);
        assert_eq!(
            out,
            "a,\"b,c\",\"say \"\"hi\"\"\",\"line\nbreak\",\"cr\r\",中文,\n\"\"\n,\n"
        );
    }

    proptest! {
        /// Byte for byte what the `csv` crate writes, on records of random cells (every record
        /// of a file has as many cells, as that writer requires).
        #[test]
        fn writes_what_the_csv_crate_writes(
            width in 1usize..4,
            cells in prop::collection::vec("[a ,\"\r\n中0-9.-]{0,6}", 0..12),
        ) {
            let records: Vec<Vec<String>> = cells.chunks(width).filter(|c| c.len() == width)
                .map(<[String]>::to_vec).collect();
            let mut ours = String::new();
            for record in &records {
                super::write_record(&mut ours, record);
            }
            prop_assert_eq!(ours, csv_crate(&records));
        }
    }
}
