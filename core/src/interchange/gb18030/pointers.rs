//! The bytes of GB18030 pointers, shared by the codec and by `core/build.rs`, which derives the
//! codec's tables by decoding these bytes with encoding_rs.

/// The two bytes of a two-byte pointer (below 23,940: 126 leads of 190 trails).
pub(crate) fn two_byte(pointer: u16) -> [u8; 2] {
    let trail = (pointer % 190) as u8;
    [
        (pointer / 190) as u8 + 0x81,
        trail + if trail < 0x3F { 0x40 } else { 0x41 },
    ]
}

/// The four bytes of a four-byte pointer (below 1,587,600).
pub(crate) fn four_byte(pointer: u32) -> [u8; 4] {
    [
        (pointer / 12600) as u8 + 0x81,
        (pointer / 1260 % 10) as u8 + 0x30,
        (pointer / 10 % 126) as u8 + 0x81,
        (pointer % 10) as u8 + 0x30,
    ]
}

/// Two-byte sequences: leads 0x81..=0xFE, each with 190 trails.
pub(crate) const TWO_BYTE_POINTERS: usize = 126 * 190;

/// The CJK Unified Ideographs that GBK's extension areas list: those of U+4E00..=U+9FA5 that
/// GB2312 lacks, in code point order.
const CJK: std::ops::RangeInclusive<u16> = 0x4E00..=0x9FA5;

/// Whether a two-byte pointer lies in GBK's extension areas: GBK/3 (leads 0x81..=0xA0) or
/// GBK/4 (leads 0xAA..=0xFE, trails below 0xA1).
pub(crate) fn in_extension_area(pointer: u16) -> bool {
    let [lead, trail] = two_byte(pointer);
    lead <= 0xA0 || (lead >= 0xAA && trail < 0xA1)
}

/// The two-byte index (pointer → BMP code point, 0 where the sequence is malformed) from its
/// explicit entries and a count: the first `derived` pointers of the extension areas hold, in
/// order, the ideographs of U+4E00..=U+9FA5 that no explicit entry holds, so they need not be
/// stored; every other pointer takes the next explicit entry. `core/build.rs` checks that this
/// gives back the index encoding_rs decodes.
pub(crate) fn rebuild_index(mut explicit: impl Iterator<Item = u16>, derived: usize) -> Vec<u16> {
    let mut index = vec![0u16; TWO_BYTE_POINTERS];
    let mut taken = vec![false; CJK.len()];
    let mut slots = Vec::with_capacity(derived);
    for (pointer, slot) in (0u16..).zip(index.iter_mut()) {
        if slots.len() < derived && in_extension_area(pointer) {
            slots.push(slot);
            continue;
        }
        *slot = explicit.next().unwrap_or(0);
        if let Some(t) = slot
            .checked_sub(*CJK.start())
            .and_then(|i| taken.get_mut(usize::from(i)))
        {
            *t = true;
        }
    }
    let mut free = CJK.filter(|&c| {
        !taken
            .get(usize::from(c - CJK.start()))
            .copied()
            .unwrap_or(true)
    });
    for slot in slots {
        *slot = free.next().unwrap_or(0);
    }
    index
}
