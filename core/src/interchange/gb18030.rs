//! GB18030 and GBK as the WHATWG Encoding Standard defines them (GB18030-2022 mappings): the
//! decoder and encoder of roster files.
//!
//! The tables come from encoding_rs at build time (`core/build.rs` says why the library does
//! not link it); the tests compare this codec with encoding_rs on every two- and four-byte
//! sequence and every code point.

mod pointers;

include!(concat!(env!("OUT_DIR"), "/gb18030_tables.rs"));

/// The first four-byte pointer above the BMP, and the last one that has a code point.
const SUPPLEMENTARY_FIRST: u32 = 189_000;
const SUPPLEMENTARY_LAST: u32 = 1_237_575;

/// The two-byte index: pointer → BMP code point, 0 where the sequence is malformed.
fn index() -> Vec<u16> {
    let explicit = EXPLICIT_DELTAS.iter().scan(0u16, |code, &delta| {
        *code = code.wrapping_add(delta);
        Some(*code)
    });
    pointers::rebuild_index(explicit, DERIVED)
}

/// The code point of a four-byte pointer, if it has one.
fn four_byte_char(pointer: u32) -> Option<char> {
    if pointer >= SUPPLEMENTARY_FIRST {
        return (pointer <= SUPPLEMENTARY_LAST)
            .then(|| char::from_u32(0x10000 + pointer - SUPPLEMENTARY_FIRST))
            .flatten();
    }
    let pointer = u16::try_from(pointer).ok()?;
    let run = RUNS.partition_point(|r| r.0 <= pointer).checked_sub(1)?;
    let &(first, code, len) = RUNS.get(run)?;
    let offset = pointer - first;
    (offset < len)
        .then(|| char::from_u32(u32::from(code) + u32::from(offset)))
        .flatten()
}

/// One step of the decoder at a byte above ASCII (`rest[0] >= 0x80`), with the two-byte
/// `index`: the character read and
/// the bytes it took, or `None` and the bytes the malformed sequence took (the WHATWG decoder
/// puts back an ASCII byte that ends a sequence early, so it is read again on its own).
fn step(index: &[u16], rest: &[u8]) -> (Option<char>, usize) {
    let byte = |i: usize| rest.get(i).copied();
    let lead = rest.first().copied().unwrap_or(0);
    match lead {
        0x80 => return (Some('\u{20AC}'), 1),
        0x81..=0xFE => {}
        _ => return (None, 1),
    }
    match byte(1) {
        None => (None, rest.len()),
        Some(second @ 0x30..=0x39) => match (byte(2), byte(3)) {
            (None, _) | (Some(0x81..=0xFE), None) => (None, rest.len()),
            (Some(third @ 0x81..=0xFE), Some(fourth @ 0x30..=0x39)) => {
                let pointer = (u32::from(lead) - 0x81) * 12600
                    + (u32::from(second) - 0x30) * 1260
                    + (u32::from(third) - 0x81) * 10
                    + (u32::from(fourth) - 0x30);
                (four_byte_char(pointer), 4)
            }
            _ => (None, 1),
        },
        Some(trail) => {
            let offset = if trail < 0x7F { 0x40 } else { 0x41 };
            let pointer = match trail {
                0x40..=0x7E | 0x80..=0xFE => {
                    Some((usize::from(lead) - 0x81) * 190 + usize::from(trail) - offset)
                }
                _ => None,
            };
            let code = pointer.and_then(|p| index.get(p)).copied().unwrap_or(0);
            if code != 0 {
                (char::from_u32(u32::from(code)), 2)
            } else if trail < 0x80 {
                (None, 1)
            } else {
                (None, 2)
            }
        }
    }
}

/// A GB18030 decoder: the two-byte index unpacked.
pub(crate) struct Decoder {
    index: Vec<u16>,
}

impl Decoder {
    /// A decoder (unpacking its index takes some microseconds).
    pub(crate) fn new() -> Decoder {
        Decoder { index: index() }
    }

    /// Decodes `data`, calling `malformed` with the offset of each malformed sequence; it
    /// returns whether to go on (writing U+FFFD for the sequence) or stop.
    fn decode_with(&self, data: &[u8], mut malformed: impl FnMut(usize) -> bool) -> Option<String> {
        let mut out = String::with_capacity(data.len() + data.len() / 2);
        let mut at = 0;
        while let Some(rest) = data.get(at..).filter(|r| !r.is_empty()) {
            let ascii = rest.iter().position(|&b| b >= 0x80).unwrap_or(rest.len());
            let (ascii_run, _) = rest.split_at(ascii);
            match std::str::from_utf8(ascii_run) {
                Ok(run) => out.push_str(run),
                // Never: ASCII is UTF-8.
                Err(_) => out.extend(ascii_run.iter().map(|&b| char::from(b))),
            }
            at += ascii;
            let Some(rest) = rest.get(ascii..).filter(|r| !r.is_empty()) else {
                break;
            };
            let (c, taken) = step(&self.index, rest);
            match c {
                Some(c) => out.push(c),
                None if malformed(at) => out.push(char::REPLACEMENT_CHARACTER),
                None => return None,
            }
            at += taken;
        }
        Some(out)
    }

    /// Decodes GB18030 (of which GBK is a subset), or gives the byte offset of the first
    /// malformed sequence.
    pub(crate) fn decode(&self, data: &[u8]) -> Result<String, usize> {
        let mut first = 0;
        self.decode_with(data, |at| {
            first = at;
            false
        })
        .ok_or(first)
    }

    /// Decodes GB18030, writing U+FFFD for each malformed sequence.
    pub(crate) fn decode_lossy(&self, data: &[u8]) -> String {
        self.decode_with(data, |_| true).unwrap_or_default()
    }
}

/// The bytes of one encoded character (at most four).
type Encoded = ([u8; 4], usize);

/// A GB18030 or GBK encoder: the two-byte index turned around.
pub(crate) struct Encoder {
    gbk: bool,
    /// (code point, its first two-byte pointer), by code point.
    by_code: Vec<(u16, u16)>,
}

impl Encoder {
    /// An encoder for GBK (two-byte sequences only) or GB18030.
    pub(crate) fn new(gbk: bool) -> Encoder {
        let mut by_code: Vec<(u16, u16)> = index()
            .iter()
            .zip(0u16..)
            .filter(|&(&code, _)| code != 0)
            .map(|(&code, pointer)| (code, pointer))
            .collect();
        // By code point, then pointer: the first of each code point is its lowest pointer.
        by_code.sort_unstable();
        by_code.dedup_by_key(|e| e.0);
        Encoder { gbk, by_code }
    }

    /// The bytes of `c`, or `None` where the encoding has none.
    pub(crate) fn char(&self, c: char) -> Option<Encoded> {
        let code = u32::from(c);
        if code < 0x80 {
            return Some(([code as u8, 0, 0, 0], 1));
        }
        let Ok(bmp) = u16::try_from(code) else {
            return (!self.gbk).then(|| four_byte(code - 0x10000 + SUPPLEMENTARY_FIRST));
        };
        if let Ok(i) = ENCODE_EXCEPTIONS.binary_search_by(|e| (e.0, e.1).cmp(&(bmp, self.gbk))) {
            return ENCODE_EXCEPTIONS.get(i)?.2.map(|bytes| {
                let mut out = [0; 4];
                out.iter_mut().zip(bytes).for_each(|(o, b)| *o = *b);
                (out, bytes.len().min(4))
            });
        }
        if let Ok(i) = self.by_code.binary_search_by_key(&bmp, |e| e.0) {
            let [lead, trail] = pointers::two_byte(self.by_code.get(i)?.1);
            return Some(([lead, trail, 0, 0], 2));
        }
        if self.gbk {
            return None;
        }
        let run = RUNS_BY_CODE
            .partition_point(|&i| RUNS.get(usize::from(i)).is_some_and(|r| r.1 <= bmp))
            .checked_sub(1)?;
        let &(first, start, len) = RUNS.get(usize::from(*RUNS_BY_CODE.get(run)?))?;
        let offset = bmp - start;
        (offset < len).then(|| four_byte(u32::from(first) + u32::from(offset)))
    }

    /// Encodes `text`, or gives the byte offset and the character of the first one the
    /// encoding lacks.
    pub(crate) fn encode(&self, text: &str) -> Result<Vec<u8>, (usize, char)> {
        let mut out = Vec::with_capacity(text.len());
        for (at, c) in text.char_indices() {
            let (bytes, len) = self.char(c).ok_or((at, c))?;
            out.extend_from_slice(bytes.get(..len).unwrap_or_default());
        }
        Ok(out)
    }
}

/// The four bytes of a four-byte pointer, as an encoded character.
fn four_byte(pointer: u32) -> Encoded {
    (pointers::four_byte(pointer), 4)
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::{DecoderResult, EncoderResult, GB18030, GBK};
    use proptest::prelude::*;

    /// encoding_rs's strict answer: the text, or the offset of the first malformed sequence
    /// (as the library computed it when it decoded through encoding_rs).
    fn reference(data: &[u8]) -> Result<String, usize> {
        let mut decoder = GB18030.new_decoder_without_bom_handling();
        let mut out = String::with_capacity(data.len() * 3 + 16);
        let (result, read) = decoder.decode_to_string_without_replacement(data, &mut out, true);
        match result {
            DecoderResult::InputEmpty => Ok(out),
            DecoderResult::Malformed(bad, after) => {
                Err(read - usize::from(bad) - usize::from(after))
            }
            DecoderResult::OutputFull => panic!("the buffer was sized for the worst case"),
        }
    }

    fn same_as_encoding_rs(decoder: &Decoder, data: &[u8]) {
        assert_eq!(decoder.decode(data), reference(data), "strict, {data:02X?}");
        assert_eq!(
            decoder.decode_lossy(data),
            GB18030.decode_without_bom_handling(data).0,
            "lossy, {data:02X?}"
        );
    }

    #[test]
    fn every_two_byte_sequence_decodes_as_encoding_rs_does() {
        let decoder = Decoder::new();
        for lead in 0x80..=0xFFu8 {
            for second in 0..=0xFFu8 {
                same_as_encoding_rs(&decoder, &[lead, second]);
                same_as_encoding_rs(&decoder, &[b'a', lead, second, b'z']);
            }
            same_as_encoding_rs(&decoder, &[lead]);
        }
    }

    #[test]
    fn every_four_byte_sequence_decodes_as_encoding_rs_does() {
        let decoder = Decoder::new();
        for lead in 0x81..=0xFEu8 {
            for second in 0x30..=0x39u8 {
                same_as_encoding_rs(&decoder, &[lead, second]);
                for third in 0x81..=0xFEu8 {
                    same_as_encoding_rs(&decoder, &[lead, second, third]);
                    for fourth in 0x30..=0x39u8 {
                        let bytes = [lead, second, third, fourth];
                        // The lossy path is the same code; the strict one is enough here.
                        assert_eq!(decoder.decode(&bytes), reference(&bytes), "{bytes:02X?}");
                    }
                }
                // Sequences broken off at each byte.
                same_as_encoding_rs(&decoder, &[lead, second, 0x81, b'x']);
                same_as_encoding_rs(&decoder, &[lead, second, b'x', b'1']);
                same_as_encoding_rs(&decoder, &[lead, second, 0xFF, 0x30]);
            }
        }
    }

    fn encode_rs(c: char, gbk: bool) -> Option<Vec<u8>> {
        let mut encoder = if gbk { GBK } else { GB18030 }.new_encoder();
        let mut out = Vec::with_capacity(8);
        let (result, _) =
            encoder.encode_from_utf8_to_vec_without_replacement(&c.to_string(), &mut out, true);
        matches!(result, EncoderResult::InputEmpty).then_some(out)
    }

    #[test]
    fn every_code_point_encodes_as_encoding_rs_does() {
        for gbk in [false, true] {
            let encoder = Encoder::new(gbk);
            for c in (0..=0x10FFFF).filter_map(char::from_u32) {
                let ours = encoder
                    .char(c)
                    .map(|(bytes, len)| bytes.get(..len).unwrap_or_default().to_vec());
                assert_eq!(ours, encode_rs(c, gbk), "U+{:04X}, gbk {gbk}", u32::from(c));
            }
        }
    }

    #[test]
    fn encode_names_the_first_character_it_lacks() {
        let gbk = Encoder::new(true);
        assert_eq!(
            gbk.encode("知联会€"),
            Ok(b"\xD6\xAA\xC1\xAA\xBB\xE1\x80".to_vec())
        );
        assert_eq!(gbk.encode("知😀会😀"), Err((3, '😀')));
        let gb18030 = Encoder::new(false);
        assert_eq!(gb18030.encode("😀"), Ok(b"\x94\x39\xFC\x36".to_vec()));
        assert_eq!(
            Decoder::new().decode(b"\x94\x39\xFC\x36"),
            Ok("😀".to_string())
        );
    }

    /// Bytes that are mostly GB18030's own: leads, digits and trails, with ASCII between.
    fn gb_bytes() -> impl Strategy<Value = Vec<u8>> {
        let byte = prop_oneof![
            3 => 0x81..=0xFEu8,
            2 => 0x30..=0x39u8,
            1 => 0x40..=0x7Fu8,
            1 => any::<u8>(),
        ];
        proptest::collection::vec(byte, 0..40)
    }

    proptest! {
        #[test]
        fn any_bytes_decode_as_encoding_rs_does(data in gb_bytes()) {
            let decoder = Decoder::new();
            same_as_encoding_rs(&decoder, &data);
        }

        #[test]
        fn any_text_round_trips(text in "\\PC{0,40}") {
            let encoded = Encoder::new(false).encode(&text);
            // U+E5E5 is the one character GB18030 cannot write.
            if let Some(at) = text.find('\u{E5E5}') {
                prop_assert_eq!(encoded, Err((at, '\u{E5E5}')));
            } else {
                let expected = GB18030.encode(&text).0.into_owned();
                prop_assert_eq!(encoded.as_deref(), Ok(&expected[..]));
                prop_assert_eq!(Decoder::new().decode(&expected), Ok(text));
            }
        }
    }
}
