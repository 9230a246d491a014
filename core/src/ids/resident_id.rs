//! Citizen identity numbers (公民身份号码) of GB 11643-1999, printed on resident identity cards.
//!
//! An 18-character number reads `AAAAAA YYYYMMDD SSS C`:
//! - `AAAAAA` (characters 1–6): address code, the county (GB/T 2260) where it was first issued;
//! - `YYYYMMDD` (7–14): birth date;
//! - `SSS` (15–17): sequence number, odd for men and even for women;
//! - `C` (18): check character, ISO 7064 MOD 11-2: `0`–`9`, or `X` for ten.
//!
//! Numbers issued before 1999 have 15 digits: the address, a two-digit year of the 1900s, month,
//! day and sequence, without a check character. [`ResidentId::parse`] converts them to 18.
//!
//! The address code stays what it was on the day of issue, so a code that today's division table
//! no longer has is only a warning ([`ResidentId::address_warning`]). The number is sensitive
//! personal data: publish [`ResidentId::masked`] only.

use super::division::{DivisionCode, DivisionTable};
use crate::vocab::Sex;
use chrono::NaiveDate;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// Weights of the first 17 digits in the MOD 11-2 check.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/// The check character, indexed by the weighted sum modulo 11.
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Why a text is not a resident ID number.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ResidentIdError {
    /// Neither 18 nor 15 characters.
    #[error("a resident ID number has 18 characters (15 in the legacy form), found {found}")]
    Length {
        /// The number of characters found.
        found: usize,
    },
    /// A character that is not a digit (nor `X` in the last place of an 18-character number).
    #[error("character {position} `{found}` of the resident ID number is not a digit{}",
        if *position == 18 { " or X" } else { "" })]
    Character {
        /// 1-based position of the character.
        position: usize,
        /// The character found.
        found: char,
    },
    /// Characters 1–2 are not a province of GB/T 2260.
    #[error("characters 1-2 `{code}` of the resident ID number are not a province code")]
    Province {
        /// The two digits found.
        code: String,
    },
    /// The birth date is not a real date between 1900-01-01 and 2099-12-31.
    #[error(
        "characters {start}-{end} `{text}` of the resident ID number are not a birth date between \
         1900-01-01 and 2099-12-31"
    )]
    BirthDate {
        /// The date's digits as written.
        text: String,
        /// 1-based position of the first digit.
        start: usize,
        /// 1-based position of the last digit.
        end: usize,
    },
    /// The check character does not match the first 17 digits.
    #[error("check character 18 of the resident ID number is `{found}`, expected `{expected}`")]
    Check {
        /// The check character the first 17 digits call for.
        expected: char,
        /// The character found.
        found: char,
    },
}

impl ResidentIdError {
    /// The stable snake_case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            ResidentIdError::Length { .. } => "resident_id_length",
            ResidentIdError::Character { .. } => "resident_id_character",
            ResidentIdError::Province { .. } => "resident_id_province",
            ResidentIdError::BirthDate { .. } => "resident_id_birth_date",
            ResidentIdError::Check { .. } => "resident_id_check",
        }
    }
}

/// A valid resident ID number, always in the 18-character form with an upper-case `X`.
///
/// Serialized as its string; deserializing validates it like [`ResidentId::parse`].
///
/// ```
/// use tongxin::ids::ResidentId;
/// use tongxin::vocab::Sex;
///
/// let id = ResidentId::parse("11010519491231002x")?;
/// assert_eq!(id.as_str(), "11010519491231002X");
/// assert_eq!(id.birth_date().to_string(), "1949-12-31");
/// assert_eq!(id.sex(), Sex::Female);
/// assert_eq!(id.masked(), "110105********002X");
/// # Ok::<(), tongxin::ids::ResidentIdError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ResidentId {
    text: String,
    birth: NaiveDate,
    sex: Sex,
}

impl ResidentId {
    /// Reads an 18-character number (a lower-case `x` is accepted) or a 15-digit legacy number,
    /// which is converted as by [`ResidentId::from_legacy15`]. Surrounding spaces are not removed.
    pub fn parse(text: &str) -> Result<Self, ResidentIdError> {
        let (chars, len) = first_chars::<19>(text);
        if len == 15 {
            return Self::from_legacy15(text);
        }
        let [body @ .., last] = <[char; 18]>::try_from(chars.get(..len).unwrap_or_default())
            .map_err(|_| ResidentIdError::Length {
                found: text.chars().count(),
            })?;
        let digits: [u32; 17] = to_digits(&body)?;
        let found = last.to_ascii_uppercase();
        if !found.is_ascii_digit() && found != 'X' {
            return Err(ResidentIdError::Character {
                position: 18,
                found: last,
            });
        }
        let id = Self::from_digits(digits, &body[6..14])?;
        if !id.text.ends_with(found) {
            return Err(ResidentIdError::Check {
                expected: check_char(&digits),
                found: last,
            });
        }
        Ok(id)
    }

    /// Converts a 15-digit legacy number (address, `YYMMDD` birth date in the 1900s, sequence)
    /// to the 18-character form: `19` goes before the year and the check character is appended.
    pub fn from_legacy15(text: &str) -> Result<Self, ResidentIdError> {
        let (chars, len) = first_chars::<16>(text);
        let legacy =
            <[char; 15]>::try_from(chars.get(..len).unwrap_or_default()).map_err(|_| {
                ResidentIdError::Length {
                    found: text.chars().count(),
                }
            })?;
        let old: [u32; 15] = to_digits(&legacy)?;
        let (address, rest) = old.split_at(6);
        let mut digits = [0; 17];
        for (slot, digit) in digits
            .iter_mut()
            .zip(address.iter().chain(&[1, 9]).chain(rest))
        {
            *slot = *digit;
        }
        Self::from_digits(digits, &legacy[6..12])
    }

    /// Checks province and birth date of 17 digits and appends the check character.
    /// `birth_text` is the birth date as written in the input, for the error message.
    fn from_digits(digits: [u32; 17], birth_text: &[char]) -> Result<Self, ResidentIdError> {
        let number =
            |range: std::ops::Range<usize>| digits[range].iter().fold(0, |n, d| n * 10 + d);
        let province = number(0..2);
        if !is_province(province) {
            return Err(ResidentIdError::Province {
                code: format!("{province:02}"),
            });
        }
        let (year, month, day) = (number(6..10), number(10..12), number(12..14));
        let birth = (1900..=2099)
            .contains(&year)
            .then(|| NaiveDate::from_ymd_opt(year as i32, month, day))
            .flatten()
            .ok_or_else(|| ResidentIdError::BirthDate {
                text: birth_text.iter().collect(),
                start: 7,
                end: 6 + birth_text.len(),
            })?;
        let sex = if digits[16] % 2 == 1 {
            Sex::Male
        } else {
            Sex::Female
        };
        let mut text = String::with_capacity(18);
        text.extend(
            digits
                .iter()
                .filter_map(|d| char::from_digit(*d, 10))
                .chain([check_char(&digits)]),
        );
        Ok(ResidentId { text, birth, sex })
    }

    /// The 18-character number.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The birth date (characters 7–14).
    pub fn birth_date(&self) -> NaiveDate {
        self.birth
    }

    /// The sex: the 17th digit is odd for men, even for women.
    pub fn sex(&self) -> Sex {
        self.sex
    }

    /// The six-digit address code (characters 1–6), in the padded GB/T 2260 form.
    pub fn address_code(&self) -> &str {
        &self.text[..6]
    }

    /// The number with characters 7–14 hidden, fit for publication: `440305********123X`.
    pub fn masked(&self) -> String {
        format!("{}********{}", &self.text[..6], &self.text[14..])
    }

    /// A warning when the address code is not in `table`: old numbers carry the codes of
    /// divisions since abolished or renumbered, so this is not an error.
    pub fn address_warning(&self, table: &DivisionTable) -> Option<String> {
        let known =
            DivisionCode::parse(self.address_code()).is_ok_and(|code| table.contains(&code));
        (!known).then(|| {
            format!(
                "address code `{}` (characters 1-6) is not in the division table ({}); the \
                 division may have been abolished or renumbered since the number was issued",
                self.address_code(),
                table.edition()
            )
        })
    }
}

/// Whether `code` is a province of GB/T 2260 (83, for residence permits of Taiwan residents, is
/// not accepted).
fn is_province(code: u32) -> bool {
    matches!(code, 11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81 | 82)
}

/// The digits of `chars`, or the first character that is not a digit.
/// The first `N` characters of `text` (as many as it has, when fewer) and how many they are.
fn first_chars<const N: usize>(text: &str) -> ([char; N], usize) {
    let mut chars = ['\0'; N];
    let mut len = 0;
    for (slot, c) in chars.iter_mut().zip(text.chars()) {
        *slot = c;
        len += 1;
    }
    (chars, len)
}

fn to_digits<const N: usize>(chars: &[char]) -> Result<[u32; N], ResidentIdError> {
    let mut digits = [0; N];
    for (position, (slot, &c)) in (1..).zip(digits.iter_mut().zip(chars)) {
        *slot = c
            .to_digit(10)
            .ok_or(ResidentIdError::Character { position, found: c })?;
    }
    Ok(digits)
}

/// The MOD 11-2 check character of the first 17 digits.
fn check_char(digits: &[u32; 17]) -> char {
    let sum: u32 = digits.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    CHECK_CHARS[(sum % 11) as usize]
}

impl fmt::Display for ResidentId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl FromStr for ResidentId {
    type Err = ResidentIdError;
    /// Same as [`ResidentId::parse`].
    fn from_str(text: &str) -> Result<Self, ResidentIdError> {
        Self::parse(text)
    }
}

impl Serialize for ResidentId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.text)
    }
}

impl<'de> Deserialize<'de> for ResidentId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: [&str; 2] = ["11010519491231002X", "360426199101010071"];

    /// The check character computed independently of the module: Σ aᵢ·2^(18-i) mod 11, then the
    /// value that brings the total to 1 mod 11.
    fn expected_check(first17: &str) -> char {
        let sum: u64 = first17
            .bytes()
            .enumerate()
            .map(|(i, b)| u64::from(b - b'0') * (1u64 << (17 - i)) % 11)
            .sum();
        match (12 - sum % 11) % 11 {
            10 => 'X',
            n => char::from_digit(n as u32, 10).unwrap(),
        }
    }

    #[test]
    fn known_numbers_parse() {
        let a = ResidentId::parse(KNOWN[0]).unwrap();
        assert_eq!(a.as_str(), KNOWN[0]);
        assert_eq!(a.address_code(), "110105");
        assert_eq!(
            a.birth_date(),
            NaiveDate::from_ymd_opt(1949, 12, 31).unwrap()
        );
        assert_eq!(a.sex(), Sex::Female);
        let b = ResidentId::parse(KNOWN[1]).unwrap();
        assert_eq!(b.birth_date(), NaiveDate::from_ymd_opt(1991, 1, 1).unwrap());
        assert_eq!(b.sex(), Sex::Male);
        assert_eq!(b.to_string(), KNOWN[1]);
        for known in KNOWN {
            assert_eq!(expected_check(&known[..17]), known.chars().last().unwrap());
        }
    }

    #[test]
    fn every_single_character_corruption_is_rejected() {
        for known in KNOWN {
            for position in 0..18 {
                for replacement in "0123456789Xx".chars() {
                    let mut chars: Vec<char> = known.chars().collect();
                    if chars[position].eq_ignore_ascii_case(&replacement) {
                        continue;
                    }
                    chars[position] = replacement;
                    let corrupt: String = chars.into_iter().collect();
                    assert!(ResidentId::parse(&corrupt).is_err(), "{corrupt} accepted");
                }
            }
        }
    }

    #[test]
    fn lowercase_x_is_normalised() {
        let id = ResidentId::parse("11010519491231002x").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id, ResidentId::parse("11010519491231002X").unwrap());
    }

    #[test]
    fn legacy_numbers_convert() {
        let legacy = "440305851231123";
        let id = ResidentId::parse(legacy).unwrap();
        let first17 = "44030519851231123";
        assert_eq!(id.as_str(), format!("{first17}{}", expected_check(first17)));
        assert_eq!(
            id.birth_date(),
            NaiveDate::from_ymd_opt(1985, 12, 31).unwrap()
        );
        assert_eq!(id.sex(), Sex::Male);
        assert_eq!(ResidentId::from_legacy15(legacy), Ok(id));
        assert_eq!(
            ResidentId::from_legacy15(KNOWN[0]),
            Err(ResidentIdError::Length { found: 18 })
        );
        let err = ResidentId::parse("440305851331123").unwrap_err();
        assert_eq!(
            err,
            ResidentIdError::BirthDate {
                text: "851331".into(),
                start: 7,
                end: 12
            }
        );
    }

    #[test]
    fn malformed_numbers_say_what_and_where() {
        let err = ResidentId::parse("1101051949123100").unwrap_err();
        assert_eq!(err, ResidentIdError::Length { found: 16 });
        assert_eq!(err.code(), "resident_id_length");
        assert_eq!(
            ResidentId::parse(&"1".repeat(40)),
            Err(ResidentIdError::Length { found: 40 })
        );
        assert_eq!(
            ResidentId::parse(""),
            Err(ResidentIdError::Length { found: 0 })
        );
        let err = ResidentId::parse("1101051949X231002X").unwrap_err();
        assert_eq!(
            err,
            ResidentIdError::Character {
                position: 11,
                found: 'X'
            }
        );
        assert_eq!(
            err.to_string(),
            "character 11 `X` of the resident ID number is not a digit"
        );
        let err = ResidentId::parse("11010519491231002Y").unwrap_err();
        assert_eq!(
            err.to_string(),
            "character 18 `Y` of the resident ID number is not a digit or X"
        );
        let err = ResidentId::parse("１1010519491231002X").unwrap_err();
        assert_eq!(
            err,
            ResidentIdError::Character {
                position: 1,
                found: '１'
            }
        );
        let err = ResidentId::parse("110105194912310021").unwrap_err();
        assert_eq!(
            err,
            ResidentIdError::Check {
                expected: 'X',
                found: '1'
            }
        );
        assert_eq!(
            err.to_string(),
            "check character 18 of the resident ID number is `1`, expected `X`"
        );
    }

    /// A number with a correct check character around `first17`.
    fn with_check(first17: &str) -> String {
        format!("{first17}{}", expected_check(first17))
    }

    #[test]
    fn bad_dates_and_provinces_are_rejected() {
        for (first17, text) in [
            ("44030520230230123", "20230230"),
            ("44030519911301123", "19911301"),
            ("44030518991231123", "18991231"),
            ("44030521000101123", "21000101"),
            ("44030519910000123", "19910000"),
        ] {
            let err = ResidentId::parse(&with_check(first17)).unwrap_err();
            assert_eq!(
                err,
                ResidentIdError::BirthDate {
                    text: text.into(),
                    start: 7,
                    end: 14
                }
            );
            assert_eq!(err.code(), "resident_id_birth_date");
        }
        assert!(ResidentId::parse(&with_check("44030520240229123")).is_ok());
        assert!(ResidentId::parse(&with_check("44030520991231123")).is_ok());
        for province in ["99", "00", "10", "16", "83", "91"] {
            let err =
                ResidentId::parse(&with_check(&format!("{province}030519910101123"))).unwrap_err();
            assert_eq!(
                err,
                ResidentIdError::Province {
                    code: province.into()
                }
            );
            assert_eq!(
                err.to_string(),
                format!(
                    "characters 1-2 `{province}` of the resident ID number are not a province code"
                )
            );
        }
        for province in ["11", "15", "23", "37", "46", "54", "65", "71", "81", "82"] {
            assert!(
                ResidentId::parse(&with_check(&format!("{province}030519910101123"))).is_ok(),
                "{province}"
            );
        }
    }

    #[test]
    fn masking_keeps_six_and_four() {
        let id = ResidentId::parse(&with_check("44030519851231123")).unwrap();
        assert_eq!(
            id.masked(),
            format!("440305********123{}", expected_check("44030519851231123"))
        );
        assert_eq!(
            ResidentId::parse(KNOWN[0]).unwrap().masked(),
            "110105********002X"
        );
    }

    #[test]
    fn address_codes_missing_from_the_table_only_warn() {
        let table = DivisionTable::bundled().unwrap();
        assert_eq!(
            ResidentId::parse(KNOWN[0]).unwrap().address_warning(&table),
            None
        );
        assert_eq!(
            ResidentId::parse(KNOWN[1]).unwrap().address_warning(&table),
            None
        );
        let old = ResidentId::parse(&with_check("44039919851231123")).unwrap();
        let warning = old.address_warning(&table).unwrap();
        assert!(warning.starts_with(
            "address code `440399` (characters 1-6) is not in the division table (NBS 2023)"
        ));
    }

    #[test]
    fn serde_as_a_validated_string() {
        let id = ResidentId::parse(KNOWN[0]).unwrap();
        assert_eq!(
            serde_json::to_string(&id).unwrap(),
            format!("\"{}\"", KNOWN[0])
        );
        let back: ResidentId = serde_json::from_str("\"11010519491231002x\"").unwrap();
        assert_eq!(back, id);
        let err = serde_json::from_str::<ResidentId>("\"110105194912310021\"").unwrap_err();
        assert!(err.to_string().contains("expected `X`"), "{err}");
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_parsed_without_panic(text in "\\PC{0,20}|[0-9xX]{15,18}") {
            let _ = ResidentId::parse(&text);
        }

        #[test]
        fn generated_numbers_round_trip(
            province in proptest::sample::select(vec![11u32, 33, 44, 65, 82]),
            rest in "[0-9]{4}",
            date in 0i64..73_049, // 1900-01-01 ..= 2099-12-31
            sequence in 0u32..1000,
        ) {
            let birth = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(date);
            let first17 = format!("{province}{rest}{}{sequence:03}", birth.format("%Y%m%d"));
            let id = ResidentId::parse(&with_check(&first17)).unwrap();
            proptest::prop_assert_eq!(id.birth_date(), birth);
            proptest::prop_assert_eq!(id.sex() == Sex::Male, sequence % 2 == 1);
            proptest::prop_assert!(ResidentId::parse(&id.masked()).is_err());
        }
    }
}
