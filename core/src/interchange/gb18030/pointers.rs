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
