//! Derives the GB18030 tables of `interchange::gb18030` from encoding_rs, which implements the
//! WHATWG Encoding Standard (GB18030-2022 mappings).
//!
//! encoding_rs decodes and encodes every encoding through one dispatch, so a program that uses
//! it for GB18030 alone still links every CJK table it has (about 113 KB of a gzipped WASM
//! module). The library therefore carries its own small GB18030 codec, and this script asks
//! encoding_rs, at build time, for the only data that codec needs:
//! - the two-byte index: what each of the 23,940 two-byte sequences decodes to, less the
//!   14,139 ideographs GBK's extension areas list in code point order, which the codec derives
//!   (`pointers::rebuild_index`; 4 KB of the gzipped WASM module);
//! - the four-byte runs below U+10000: maximal runs of pointers that decode to consecutive code
//!   points (and their order by code point);
//! - the encoder's exceptions: the few code points where encoding_rs's encoder does not write
//!   what the decode tables alone would give (U+E5E5 is unmappable; GBK writes U+20AC as 0x80;
//!   the mappings GB18030-2022 moved).
//!
//! The codec's tests compare it with encoding_rs on every sequence and every code point.
//!
//! It also writes the bundled division table (`data/divisions/`, provinces, prefectures and
//! counties) in the compact form `ids::division` reads: parents are implied by the order, each
//! code is its last two digits, and the names are a stream of their own in GB18030; 16 KB
//! gzipped instead of the CSV's 26 KB.

use encoding_rs::{EncoderResult, GB18030, GBK};
use std::fmt::Write as _;
use std::path::Path;

#[path = "src/interchange/gb18030/pointers.rs"]
mod pointers;
use pointers::{four_byte, in_extension_area, rebuild_index, two_byte, TWO_BYTE_POINTERS};

/// Four-byte pointers that fall below U+10000 (the rest is arithmetic).
const FOUR_BYTE_BMP_POINTERS: u32 = 39420;

/// The one code point `bytes` decodes to, if it decodes without error to exactly one.
fn decode_one(bytes: &[u8]) -> Option<char> {
    let text = GB18030.decode_without_bom_handling_and_without_replacement(bytes)?;
    let mut chars = text.chars();
    match (chars.next(), chars.next()) {
        (Some(c), None) => Some(c),
        _ => None,
    }
}

/// What encoding_rs writes for `c`, or `None` when it cannot.
fn encode_rs(c: char, gbk: bool) -> Option<Vec<u8>> {
    let mut encoder = if gbk { GBK } else { GB18030 }.new_encoder();
    let mut out = Vec::with_capacity(8);
    let text = c.to_string();
    let (result, _) = encoder.encode_from_utf8_to_vec_without_replacement(&text, &mut out, true);
    match result {
        EncoderResult::InputEmpty => Some(out),
        _ => None,
    }
}

/// The entries of `index` not among the first `derived` pointers of GBK's extension areas, in
/// pointer order (what `pointers::rebuild_index` takes).
fn explicit_entries(index: &[u16], derived: usize) -> Vec<u16> {
    let mut skipped = 0;
    (0u16..)
        .zip(index)
        .filter(|&(pointer, _)| {
            let skip = in_extension_area(pointer) && skipped < derived;
            skipped += usize::from(skip);
            !skip
        })
        .map(|(_, &code)| code)
        .collect()
}

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/interchange/gb18030/pointers.rs");
    let dir = std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR");
    let (codes, names) = bundled_divisions();
    std::fs::write(Path::new(&dir).join("divisions.txt"), codes)
        .expect("the build directory is writable");
    std::fs::write(Path::new(&dir).join("division_names.gb18030"), names)
        .expect("the build directory is writable");

    // The two-byte index (0: no code point).
    let mut index = vec![0u16; TWO_BYTE_POINTERS];
    for (pointer, slot) in index.iter_mut().enumerate() {
        if let Some(c) = decode_one(&two_byte(pointer as u16)) {
            *slot = u16::try_from(u32::from(c)).expect("two-byte GB18030 maps into the BMP");
        }
    }

    // The four-byte runs below U+10000: (first pointer, first code point, length).
    let mut runs: Vec<(u32, u32, u32)> = Vec::new();
    for pointer in 0..FOUR_BYTE_BMP_POINTERS {
        let Some(c) = decode_one(&four_byte(pointer)) else {
            continue;
        };
        let c = u32::from(c);
        match runs.last_mut() {
            Some((p, first, len)) if *p + *len == pointer && *first + *len == c => *len += 1,
            _ => runs.push((pointer, c, 1)),
        }
    }
    // GB18030-2022 swapped a few mappings, so the runs do not rise in code point everywhere;
    // the encoder reads them by code point, and no code point is in two of them.
    let mut by_code: Vec<usize> = (0..runs.len()).collect();
    by_code.sort_by_key(|&i| runs[i].1);
    assert!(
        by_code
            .windows(2)
            .all(|w| runs[w[0]].1 + runs[w[0]].2 <= runs[w[1]].1),
        "no code point is in two four-byte runs"
    );

    // What the decode tables alone give for a code point: the first two-byte pointer holding
    // it, else (GB18030) its four-byte sequence.
    let mut first_pointer = vec![u32::MAX; 0x10000];
    for (pointer, &c) in index.iter().enumerate() {
        let slot = &mut first_pointer[usize::from(c)];
        if c != 0 && *slot == u32::MAX {
            *slot = pointer as u32;
        }
    }
    let natural = |c: u32, gbk: bool| -> Option<Vec<u8>> {
        if c < 0x80 {
            return Some(vec![c as u8]);
        }
        let pointer = first_pointer[c as usize];
        if pointer != u32::MAX {
            return Some(two_byte(pointer as u16).to_vec());
        }
        if gbk {
            return None;
        }
        runs.iter()
            .find(|&&(_, first, len)| (first..first + len).contains(&c))
            .map(|&(p, first, _)| four_byte(p + (c - first)).to_vec())
    };
    let mut exceptions = String::new();
    for c in (0x80..0x10000u32).filter_map(char::from_u32) {
        for gbk in [false, true] {
            let expected = encode_rs(c, gbk);
            if expected != natural(u32::from(c), gbk) {
                let bytes = expected.map_or("None".to_string(), |b| format!("Some(&{b:?})"));
                let _ = writeln!(exceptions, "    ({:#06X}, {gbk}, {bytes}),", u32::from(c));
            }
        }
    }

    let mut out = String::new();
    out.push_str("// Generated by core/build.rs from encoding_rs; do not edit.\n\n");
    // The index without the ideographs GBK's extension areas list in code point order: as many
    // of those areas' first pointers as hold them are derived (`pointers::rebuild_index`).
    let ideograph_pointers = (0u16..).zip(&index).filter(|&(p, _)| in_extension_area(p));
    let listed: std::collections::HashSet<u16> = (0u16..)
        .zip(&index)
        .filter(|&(p, _)| !in_extension_area(p))
        .map(|(_, &code)| code)
        .collect();
    let mut unlisted = (0x4E00..=0x9FA5u16).filter(|c| !listed.contains(c));
    let derived = ideograph_pointers
        .take_while(|&(_, &code)| unlisted.next() == Some(code))
        .count();
    let explicit = explicit_entries(&index, derived);
    assert_eq!(rebuild_index(explicit.iter().copied(), derived), index);
    out.push_str(
        "/// The two-byte index's explicit entries (`pointers::rebuild_index`) as the wrapping\n\
         /// differences of consecutive entries: mostly small numbers, which compress well.\n",
    );
    let _ = writeln!(out, "static EXPLICIT_DELTAS: [u16; {}] = [", explicit.len());
    let deltas: Vec<u16> = explicit
        .iter()
        .scan(0u16, |previous, &code| {
            let delta = code.wrapping_sub(*previous);
            *previous = code;
            Some(delta)
        })
        .collect();
    for row in deltas.chunks(16) {
        let cells: Vec<String> = row.iter().map(|c| c.to_string()).collect();
        let _ = writeln!(out, "    {},", cells.join(","));
    }
    out.push_str("];\n\n");
    out.push_str("/// How many two-byte pointers `pointers::rebuild_index` derives.\n");
    let _ = writeln!(out, "const DERIVED: usize = {derived};\n");
    out.push_str(
        "/// Four-byte pointers below U+10000 in runs of consecutive code points: (first pointer,\n\
         /// first code point, length), rising in both.\n",
    );
    let _ = writeln!(out, "static RUNS: [(u16, u16, u16); {}] = [", runs.len());
    for (p, c, len) in &runs {
        let _ = writeln!(out, "    ({p}, {c:#06X}, {len}),");
    }
    out.push_str("];\n\n");
    out.push_str("/// The positions in `RUNS` of the runs in code point order.\n");
    let _ = writeln!(
        out,
        "static RUNS_BY_CODE: [u16; {}] = {by_code:?};\n",
        runs.len()
    );
    out.push_str(
        "/// Code points the encoder writes otherwise than the decode tables give: (code point,\n\
         /// GBK rather than GB18030, the bytes or `None` for unmappable), in code point order.\n",
    );
    let count = exceptions.lines().count();
    let _ = writeln!(
        out,
        "static ENCODE_EXCEPTIONS: [(u16, bool, Option<&[u8]>); {count}] = [\n{exceptions}];"
    );

    std::fs::write(Path::new(&dir).join("gb18030_tables.rs"), out)
        .expect("the build directory is writable");
}

/// The rows `code,name,parent_code` of `data/divisions/{level}.csv`, checked: each parent is the
/// code without its last two digits, and names are plain text.
fn division_rows(level: &str) -> Vec<(String, String, String)> {
    let path = format!("data/divisions/{level}.csv");
    println!("cargo:rerun-if-changed={path}");
    let text = std::fs::read_to_string(&path).expect("the bundled division tables are in data/");
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("code,name,parent_code"),
        "{path}: header"
    );
    lines
        .map(|line| {
            let fields: Vec<&str> = line.split(',').collect();
            let [code, name, parent] = fields[..] else {
                panic!("{path}: row `{line}` has not three fields");
            };
            let (code, name, parent) = (code.to_owned(), name.to_owned(), parent.to_owned());
            assert!(
                code.len() >= 2
                    && code.bytes().all(|b| b.is_ascii_digit())
                    && parent == code[..code.len() - 2]
                    && !name.is_empty()
                    && !name.contains(['>', '+', '"']),
                "{path}: row `{line}`"
            );
            (code, name, parent)
        })
        .collect()
}

/// The compact bundled table, as two streams that compress better apart:
/// - the codes: every province (`>` and its two digits), then its prefectures (`+` and their
///   last two digits), each followed by its counties (their last two digits), one per line, in
///   code order;
/// - the names, one per line in the same order, in GB18030 (two bytes a character where UTF-8
///   takes three), which `interchange::gb18030` decodes.
///
/// 16 KB gzipped, against 19 KB with each name in UTF-8 after its code.
fn bundled_divisions() -> (String, Vec<u8>) {
    let provinces = division_rows("province");
    let cities = division_rows("city");
    let counties = division_rows("county");
    let (mut codes, mut names) = (String::new(), String::new());
    let mut add = |code: String, name: &str| {
        codes.push_str(&code);
        codes.push('\n');
        names.push_str(name);
        names.push('\n');
    };
    let mut written = 0;
    for (p, name, _) in &provinces {
        add(format!(">{p}"), name);
        for (c, name, _) in cities.iter().filter(|(_, _, parent)| parent == p) {
            add(format!("+{}", &c[2..]), name);
            for (x, name, _) in counties.iter().filter(|(_, _, parent)| parent == c) {
                add(x[4..].to_owned(), name);
                written += 1;
            }
            written += 1;
        }
        written += 1;
    }
    assert_eq!(
        written,
        provinces.len() + cities.len() + counties.len(),
        "every division under its parent"
    );
    let (encoded, _, unmappable) = GB18030.encode(&names);
    assert!(!unmappable, "every name is in GB18030");
    let (decoded, malformed) = GB18030.decode_without_bom_handling(&encoded);
    assert!(!malformed && decoded == names, "the names decode back");
    (codes, encoded.into_owned())
}
