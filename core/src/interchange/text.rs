//! Text encodings of roster files: UTF-8 (with or without BOM) and GBK / GB18030.

use super::error::{InterchangeError, InterchangeErrorKind};
use super::gb18030;
use std::borrow::Cow;

/// The encoding of a roster file.
///
/// On import, a UTF-8 byte-order mark always wins (as browsers do): a file that starts with one
/// is read as UTF-8 whatever was declared. Without a BOM, [`TextEncoding::Auto`] reads valid
/// UTF-8 as UTF-8 and anything else as GB18030 (of which GBK is a subset). On export,
/// `Auto` writes UTF-8.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum TextEncoding {
    /// Detect: BOM → UTF-8; valid UTF-8 → UTF-8; otherwise GB18030.
    #[default]
    Auto,
    /// UTF-8.
    Utf8,
    /// GBK (read as GB18030, its superset; written without four-byte sequences, so a character
    /// GBK lacks is an error on export).
    Gbk,
    /// GB18030, which encodes every Unicode character but U+E5E5 (a private-use code point the
    /// WHATWG encoder refuses, as GB18030-2005 decoded 0xA3A0 to it).
    Gb18030,
}

impl TextEncoding {
    /// The encoding's usual name.
    pub fn name(self) -> &'static str {
        match self {
            TextEncoding::Auto => "auto",
            TextEncoding::Utf8 => "UTF-8",
            TextEncoding::Gbk => "GBK",
            TextEncoding::Gb18030 => "GB18030",
        }
    }
}

const BOM: &[u8] = b"\xEF\xBB\xBF";

fn encoding_error(
    file: &str,
    encoding: &'static str,
    data: &[u8],
    offset: usize,
) -> InterchangeError {
    let line = data
        .get(..offset)
        .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count()) as u64
        + 1;
    InterchangeError {
        line: Some(line),
        ..InterchangeError::file(file, InterchangeErrorKind::Encoding { encoding, offset })
    }
}

fn utf8<'a>(file: &str, data: &'a [u8], skipped: usize) -> Result<Cow<'a, str>, InterchangeError> {
    let body = data.get(skipped..).unwrap_or_default();
    std::str::from_utf8(body)
        .map(Cow::Borrowed)
        .map_err(|e| encoding_error(file, "UTF-8", data, skipped + e.valid_up_to()))
}

fn gb18030<'a>(file: &str, data: &'a [u8]) -> Result<Cow<'a, str>, InterchangeError> {
    // ASCII is the same in GB18030: skip the work for it.
    if data.is_ascii() {
        return utf8(file, data, 0);
    }
    gb18030::Decoder::new()
        .decode(data)
        .map(Cow::Owned)
        .map_err(|offset| encoding_error(file, "GB18030", data, offset))
}

/// Decodes a roster file's bytes to text; `file` names it in errors. Borrows the bytes when
/// they are UTF-8 already. An invalid byte is an [`InterchangeErrorKind::Encoding`] error with
/// its offset and line.
pub fn decode<'a>(
    file: &str,
    data: &'a [u8],
    encoding: TextEncoding,
) -> Result<Cow<'a, str>, InterchangeError> {
    if data.starts_with(BOM) {
        return utf8(file, data, BOM.len());
    }
    match encoding {
        TextEncoding::Utf8 => utf8(file, data, 0),
        TextEncoding::Gbk | TextEncoding::Gb18030 => gb18030(file, data),
        TextEncoding::Auto => match std::str::from_utf8(data) {
            Ok(text) => Ok(Cow::Borrowed(text)),
            Err(_) => gb18030(file, data),
        },
    }
}

/// Encodes text for export. `Auto` and `Utf8` give UTF-8 (with a BOM when `bom`, which Excel
/// needs to recognise UTF-8 CSV); `Gbk` fails on the first character GBK lacks, naming it.
pub fn encode(
    file: &str,
    text: String,
    encoding: TextEncoding,
    bom: bool,
) -> Result<Vec<u8>, InterchangeError> {
    match encoding {
        TextEncoding::Auto | TextEncoding::Utf8 => {
            if bom {
                let mut out = Vec::with_capacity(text.len() + BOM.len());
                out.extend_from_slice(BOM);
                out.extend_from_slice(text.as_bytes());
                Ok(out)
            } else {
                Ok(text.into_bytes())
            }
        }
        TextEncoding::Gb18030 | TextEncoding::Gbk => {
            if text.is_ascii() {
                return Ok(text.into_bytes());
            }
            let encoder = gb18030::Encoder::new(encoding == TextEncoding::Gbk);
            encoder.encode(&text).map_err(|(at, c)| {
                let before = text.get(..at).unwrap_or_default();
                InterchangeError {
                    line: Some(before.matches('\n').count() as u64 + 1),
                    value: Some(c.to_string()),
                    ..InterchangeError::file(
                        file,
                        InterchangeErrorKind::Unencodable {
                            encoding: encoding.name(),
                        },
                    )
                }
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_bom_utf8_and_gbk() {
        let gbk = encode("f", "名称,知联会\n".into(), TextEncoding::Gbk, false).unwrap();
        assert_eq!(
            decode("f", &gbk, TextEncoding::Auto).unwrap(),
            "名称,知联会\n"
        );
        assert_eq!(
            decode("f", "\u{FEFF}a,b".as_bytes(), TextEncoding::Gbk).unwrap(),
            "a,b"
        );
        assert!(matches!(
            decode("f", b"ab", TextEncoding::Utf8).unwrap(),
            Cow::Borrowed(_)
        ));
        let err = decode("f", &gbk, TextEncoding::Utf8).unwrap_err();
        assert_eq!((err.line, err.code()), (Some(1), "encoding"));
        let err = decode("f", b"a\nb\n\x81\x20", TextEncoding::Gb18030).unwrap_err();
        assert_eq!(err.line, Some(3));
    }

    #[test]
    fn gbk_export_names_what_it_cannot_write() {
        let out = encode("f", "知联会".into(), TextEncoding::Gbk, false).unwrap();
        assert_eq!(decode("f", &out, TextEncoding::Gbk).unwrap(), "知联会");
        let err = encode("f", "a\n😀".into(), TextEncoding::Gbk, false).unwrap_err();
        assert_eq!((err.line, err.value.as_deref()), (Some(2), Some("😀")));
        let ok = encode("f", "😀".into(), TextEncoding::Gb18030, false).unwrap();
        assert_eq!(decode("f", &ok, TextEncoding::Gb18030).unwrap(), "😀");
    }
}
