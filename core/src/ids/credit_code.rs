//! Unified social credit codes (统一社会信用代码) of GB 32100-2015, the one number of every
//! enterprise, public institution, social organization and other legal entity.
//!
//! Eighteen characters from the 31-character set `0-9 A-H J-N P-R T U W-Y` (no `I O Z S V`):
//!
//! | characters | part |
//! |---|---|
//! | 1 | registration authority (登记管理部门): `9` market regulation, `5` civil affairs, `1` establishment … |
//! | 2 | category within the authority (机构类别): `91` enterprise, `92` individual business, `51` social group … |
//! | 3–8 | division of the registering office (GB/T 2260, six digits) |
//! | 9–17 | organization code (组织机构代码, GB 11714): eight characters and their check |
//! | 18 | check character: MOD 31 over the first 17 |
//!
//! Chambers of commerce identify their member enterprises by this code.

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// The character set; a character's value is its index.
const CHARSET: [char; 31] = [
    '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'J',
    'K', 'L', 'M', 'N', 'P', 'Q', 'R', 'T', 'U', 'W', 'X', 'Y',
];
/// Weights of the first 17 characters in the check.
const WEIGHTS: [u32; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];
/// Weights of the eight body characters of a GB 11714 organization code.
const ORG_WEIGHTS: [u32; 8] = [3, 7, 9, 10, 5, 8, 4, 2];

/// Why a text is not a unified social credit code.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    /// The wrong number of characters.
    #[error("expected {expected} characters of a unified social credit code, found {found}")]
    Length {
        /// The number of characters expected: 18, or 17 for [`CreditCode::check_char`], 8 for
        /// [`CreditCode::organization_check_char`].
        expected: usize,
        /// The number of characters found.
        found: usize,
    },
    /// A character outside the code's character set.
    #[error(
        "character {position} `{found}` is not allowed in a unified social credit code (digits and \
         upper-case letters except I, O, Z, S, V)"
    )]
    Character {
        /// 1-based position of the character.
        position: usize,
        /// The character found.
        found: char,
    },
    /// Character 1 is not a registration authority of GB 32100.
    #[error("character 1 `{found}` is not a registration authority code")]
    Authority {
        /// The character found.
        found: char,
    },
    /// Characters 3–8 are not six digits.
    #[error("characters 3-8 `{found}` are not a six-digit division code")]
    Division {
        /// The six characters found.
        found: String,
    },
    /// Character 18 does not match the first 17.
    #[error("check character 18 is `{found}`, expected `{expected}`")]
    Check {
        /// The check character the first 17 characters call for.
        expected: char,
        /// The character found.
        found: char,
    },
    /// Character 17, the check of the embedded organization code (characters 9–16), is wrong.
    #[error(
        "character 17 `{found}`, the check of the organization code in characters 9-16, should be \
         `{expected}`"
    )]
    OrganizationCheck {
        /// The check character characters 9–16 call for.
        expected: char,
        /// The character found.
        found: char,
    },
}

impl CreditCodeError {
    /// The stable snake_case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            CreditCodeError::Length { .. } => "credit_code_length",
            CreditCodeError::Character { .. } => "credit_code_character",
            CreditCodeError::Authority { .. } => "credit_code_authority",
            CreditCodeError::Division { .. } => "credit_code_division",
            CreditCodeError::Check { .. } => "credit_code_check",
            CreditCodeError::OrganizationCheck { .. } => "credit_code_organization_check",
        }
    }
}

/// A valid unified social credit code, upper case.
///
/// Serialized as its string; deserializing validates it like [`CreditCode::parse`].
///
/// ```
/// use tongxin::ids::CreditCode;
///
/// let code = CreditCode::parse("91110000600037341L")?;
/// assert_eq!(code.authority_name(), "市场监管(工商)");
/// assert_eq!(code.category_name(), Some("企业"));
/// assert_eq!(code.division_code(), "110000");
/// assert_eq!(code.organization_code(), "600037341");
/// # Ok::<(), tongxin::ids::CreditCodeError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CreditCode(String);

impl CreditCode {
    /// Reads a code; lower-case letters are accepted and upper-cased. Surrounding spaces are not
    /// removed.
    pub fn parse(text: &str) -> Result<Self, CreditCodeError> {
        let values: [u32; 18] = values(text)?;
        let code: String = values.iter().map(|&v| char_of(v)).collect();
        let authority = char_of(values[0]);
        if authority_name(authority).is_none() {
            return Err(CreditCodeError::Authority { found: authority });
        }
        let division = &code[2..8];
        if !division.bytes().all(|b| b.is_ascii_digit()) {
            return Err(CreditCodeError::Division {
                found: division.to_owned(),
            });
        }
        let (expected, found) = (check_of(&values), char_of(values[17]));
        if expected != found {
            return Err(CreditCodeError::Check { expected, found });
        }
        let (expected, found) = (organization_check(&code[8..16]), char_of(values[16]));
        if expected != found {
            return Err(CreditCodeError::OrganizationCheck { expected, found });
        }
        Ok(CreditCode(code))
    }

    /// The check character (18th) for the first 17 characters of a code, for generators of
    /// test data. Lower-case letters are accepted.
    pub fn check_char(first17: &str) -> Result<char, CreditCodeError> {
        Ok(check_of(&values::<17>(first17)?))
    }

    /// The GB 11714 check character (17th of a credit code) for the eight characters of an
    /// organization code's body (digits and letters, any case).
    pub fn organization_check_char(body: &str) -> Result<char, CreditCodeError> {
        let chars: Vec<char> = body.chars().take(9).collect();
        if chars.len() != 8 {
            return Err(CreditCodeError::Length {
                expected: 8,
                found: body.chars().count(),
            });
        }
        if let Some((index, &found)) = chars
            .iter()
            .enumerate()
            .find(|(_, c)| !c.is_ascii_alphanumeric())
        {
            return Err(CreditCodeError::Character {
                position: index + 1,
                found,
            });
        }
        Ok(organization_check(body))
    }

    /// The 18 characters.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The registration authority code (character 1).
    pub fn authority(&self) -> char {
        self.0.chars().next().unwrap_or('Y')
    }

    /// The registration authority's name, e.g. `民政` for `5`.
    pub fn authority_name(&self) -> &'static str {
        authority_name(self.authority()).unwrap_or("其他")
    }

    /// The category code (characters 1–2), e.g. `91`.
    pub fn category(&self) -> &str {
        &self.0[..2]
    }

    /// The category's name, e.g. `企业` for `91`, if the standard's table names it.
    pub fn category_name(&self) -> Option<&'static str> {
        Some(match self.category() {
            "11" => "机关",
            "12" => "事业单位",
            "13" => "中央编办直接管理机构编制的群众团体",
            "21" => "外国常驻新闻机构",
            "31" => "律师执业机构",
            "32" => "公证处",
            "33" => "基层法律服务所",
            "34" => "司法鉴定机构",
            "35" => "仲裁委员会",
            "41" => "外国在华文化中心",
            "51" => "社会团体",
            "52" => "民办非企业单位",
            "53" => "基金会",
            "61" => "外国旅游部门常驻代表机构",
            "62" => "港澳台地区旅游部门常驻内地(大陆)代表机构",
            "71" => "宗教活动场所",
            "72" => "宗教院校",
            "81" => "基层工会",
            "91" => "企业",
            "92" => "个体工商户",
            "93" => "农民专业合作社",
            "G1" => "境外非政府组织代表机构",
            "J1" => "业主大会",
            "N1" => "组级集体经济组织",
            "N2" => "村级集体经济组织",
            "N3" => "乡镇级集体经济组织",
            "19" | "29" | "39" | "49" | "59" | "69" | "79" | "89" | "A9" | "G9" | "J9" | "N9"
            | "Y1" => "其他",
            _ => return None,
        })
    }

    /// The division of the registering office (characters 3–8), six digits in the padded
    /// GB/T 2260 form (`110000`); [`DivisionCode::parse`](super::DivisionCode::parse) reads it.
    pub fn division_code(&self) -> &str {
        &self.0[2..8]
    }

    /// The GB 11714 organization code (characters 9–17): eight characters and their check.
    pub fn organization_code(&self) -> &str {
        &self.0[8..17]
    }
}

/// The name of a registration authority code.
fn authority_name(code: char) -> Option<&'static str> {
    Some(match code {
        '1' => "机构编制",
        '2' => "外交",
        '3' => "司法行政",
        '4' => "文化",
        '5' => "民政",
        '6' => "旅游",
        '7' => "宗教",
        '8' => "工会",
        '9' => "市场监管(工商)",
        'A' => "中央军委改革和编制办公室",
        'G' => "公安",
        'J' => "住房城乡建设",
        'N' => "农业农村",
        'Q' => "侨联",
        'Y' => "其他",
        _ => return None,
    })
}

/// The values of exactly `N` characters of the character set (any case).
fn values<const N: usize>(text: &str) -> Result<[u32; N], CreditCodeError> {
    let chars: Vec<char> = text.chars().take(N + 1).collect();
    if chars.len() != N {
        return Err(CreditCodeError::Length {
            expected: N,
            found: text.chars().count(),
        });
    }
    let mut values = [0; N];
    for (position, (slot, &c)) in (1..).zip(values.iter_mut().zip(&chars)) {
        let upper = c.to_ascii_uppercase();
        *slot = (0..)
            .zip(CHARSET)
            .find_map(|(value, allowed)| (allowed == upper).then_some(value))
            .ok_or(CreditCodeError::Character { position, found: c })?;
    }
    Ok(values)
}

/// The character of a value below 31.
fn char_of(value: u32) -> char {
    CHARSET[value as usize % CHARSET.len()]
}

/// The check character of the first 17 of `values`.
fn check_of(values: &[u32]) -> char {
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    char_of((31 - sum % 31) % 31)
}

/// The GB 11714 check of eight alphanumeric characters: `0`–`9` or `X`.
fn organization_check(body: &str) -> char {
    let sum: u32 = body
        .chars()
        .filter_map(|c| c.to_digit(36))
        .zip(ORG_WEIGHTS)
        .map(|(v, w)| v * w)
        .sum();
    char_of_org(11 - sum % 11)
}

/// The GB 11714 check character of a value 1–11: 10 is `X`, 11 is `0`.
fn char_of_org(value: u32) -> char {
    match value {
        10 => 'X',
        value => char::from_digit(value % 11, 10).unwrap_or('0'),
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for CreditCode {
    type Err = CreditCodeError;
    /// Same as [`CreditCode::parse`].
    fn from_str(text: &str) -> Result<Self, CreditCodeError> {
        Self::parse(text)
    }
}

impl Serialize for CreditCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for CreditCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KNOWN: [&str; 2] = ["91110000600037341L", "12100000400009880K"];

    /// A code with the right check character after `first17`.
    fn with_check(first17: &str) -> String {
        format!("{first17}{}", CreditCode::check_char(first17).unwrap())
    }

    #[test]
    fn known_codes_parse() {
        let a = CreditCode::parse(KNOWN[0]).unwrap();
        assert_eq!(a.as_str(), KNOWN[0]);
        assert_eq!(a.authority(), '9');
        assert_eq!(a.category(), "91");
        assert_eq!(a.division_code(), "110000");
        assert_eq!(a.organization_code(), "600037341");
        let b = CreditCode::parse(KNOWN[1]).unwrap();
        assert_eq!(b.authority_name(), "机构编制");
        assert_eq!(b.category_name(), Some("事业单位"));
        assert_eq!(b.organization_code(), "400009880");
        assert_eq!(b.to_string(), KNOWN[1]);
        for known in KNOWN {
            assert_eq!(
                CreditCode::check_char(&known[..17]).unwrap(),
                known.chars().last().unwrap()
            );
            assert_eq!(
                CreditCode::organization_check_char(&known[8..16]).unwrap(),
                known.chars().nth(16).unwrap()
            );
        }
    }

    #[test]
    fn lowercase_is_uppercased() {
        let code = CreditCode::parse("91110000600037341l").unwrap();
        assert_eq!(code.as_str(), KNOWN[0]);
    }

    #[test]
    fn every_single_character_corruption_is_rejected() {
        for known in KNOWN {
            for position in 0..18 {
                for replacement in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".chars() {
                    let mut chars: Vec<char> = known.chars().collect();
                    if chars[position] == replacement {
                        continue;
                    }
                    chars[position] = replacement;
                    let corrupt: String = chars.into_iter().collect();
                    assert!(CreditCode::parse(&corrupt).is_err(), "{corrupt} accepted");
                }
            }
        }
    }

    #[test]
    fn excluded_letters_are_named_with_their_position() {
        for (position, letter) in [
            (9, 'I'),
            (10, 'O'),
            (11, 'Z'),
            (12, 'S'),
            (13, 'V'),
            (18, 'i'),
        ] {
            let mut chars: Vec<char> = KNOWN[0].chars().collect();
            chars[position - 1] = letter;
            let corrupt: String = chars.into_iter().collect();
            let err = CreditCode::parse(&corrupt).unwrap_err();
            assert_eq!(
                err,
                CreditCodeError::Character {
                    position,
                    found: letter
                }
            );
            assert_eq!(err.code(), "credit_code_character");
            assert!(err
                .to_string()
                .starts_with(&format!("character {position} `{letter}` is not allowed")));
        }
    }

    #[test]
    fn structural_errors() {
        let err = CreditCode::parse("91110000600037341").unwrap_err();
        assert_eq!(
            err,
            CreditCodeError::Length {
                expected: 18,
                found: 17
            }
        );
        assert_eq!(
            err.to_string(),
            "expected 18 characters of a unified social credit code, found 17"
        );
        assert_eq!(
            CreditCode::parse("统一社会信用代码").unwrap_err().code(),
            "credit_code_length"
        );

        let err = CreditCode::parse(&with_check("B1110000600037341")).unwrap_err();
        assert_eq!(err, CreditCodeError::Authority { found: 'B' });
        assert_eq!(err.code(), "credit_code_authority");

        let err = CreditCode::parse(&with_check("9111000A600037341")).unwrap_err();
        assert_eq!(
            err,
            CreditCodeError::Division {
                found: "11000A".into()
            }
        );
        assert_eq!(
            err.to_string(),
            "characters 3-8 `11000A` are not a six-digit division code"
        );

        let err = CreditCode::parse("91110000600037341K").unwrap_err();
        assert_eq!(
            err,
            CreditCodeError::Check {
                expected: 'L',
                found: 'K'
            }
        );
        assert_eq!(err.to_string(), "check character 18 is `K`, expected `L`");

        // A right overall check around a wrong organization-code check.
        let err = CreditCode::parse(&with_check("91110000600037342")).unwrap_err();
        assert_eq!(
            err,
            CreditCodeError::OrganizationCheck {
                expected: '1',
                found: '2'
            }
        );
        assert_eq!(err.code(), "credit_code_organization_check");

        assert_eq!(
            CreditCode::check_char("9111000060003734"),
            Err(CreditCodeError::Length {
                expected: 17,
                found: 16
            })
        );
        assert_eq!(
            CreditCode::organization_check_char("6000-734"),
            Err(CreditCodeError::Character {
                position: 5,
                found: '-'
            })
        );
    }

    #[test]
    fn organization_checks_map_ten_and_eleven() {
        // Σ = 109 → 11 - 10 = 1; Σ = 132 → 11 - 0 = 11 → '0'.
        assert_eq!(CreditCode::organization_check_char("60003734"), Ok('1'));
        assert_eq!(CreditCode::organization_check_char("40000988"), Ok('0'));
        // Σ = 3 → 8; Σ = 10 → 1; Σ = 3 + 9 = 12 → 11 - 1 = 10 → 'X'.
        assert_eq!(CreditCode::organization_check_char("10000000"), Ok('8'));
        assert_eq!(CreditCode::organization_check_char("00010000"), Ok('1'));
        assert_eq!(CreditCode::organization_check_char("10100000"), Ok('X'));
        // Letters count 10–35, in either case.
        assert_eq!(
            CreditCode::organization_check_char("a0000000"),
            CreditCode::organization_check_char("A0000000")
        );
        let code = with_check(&format!(
            "93330302MA2CF5K1{}",
            CreditCode::organization_check_char("MA2CF5K1").unwrap()
        ));
        assert_eq!(
            CreditCode::parse(&code).map(|c| c.category_name()),
            Ok(Some("农民专业合作社"))
        );
    }

    #[test]
    fn authority_and_category_names() {
        for (first16, authority, category) in [
            ("51440300MJ000000", "民政", Some("社会团体")),
            ("52440300MJ000000", "民政", Some("民办非企业单位")),
            ("53440300MJ000000", "民政", Some("基金会")),
            ("92440300MA000000", "市场监管(工商)", Some("个体工商户")),
            ("N2330302MF000000", "农业农村", Some("村级集体经济组织")),
            ("Y1440300MJ000000", "其他", Some("其他")),
            ("98440300MA000000", "市场监管(工商)", None),
        ] {
            let body = &first16[8..16];
            let first17 = format!(
                "{first16}{}",
                CreditCode::organization_check_char(body).unwrap()
            );
            let code = CreditCode::parse(&with_check(&first17)).unwrap();
            assert_eq!(code.authority_name(), authority, "{first16}");
            assert_eq!(code.category_name(), category, "{first16}");
        }
    }

    #[test]
    fn serde_as_a_validated_string() {
        let code = CreditCode::parse(KNOWN[0]).unwrap();
        assert_eq!(
            serde_json::to_string(&code).unwrap(),
            format!("\"{}\"", KNOWN[0])
        );
        assert_eq!(
            serde_json::from_str::<CreditCode>("\"91110000600037341l\"").unwrap(),
            code
        );
        assert!(serde_json::from_str::<CreditCode>("\"91110000600037341K\"").is_err());
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_parsed_without_panic(text in "\\PC{0,20}|[0-9A-Za-z]{18}") {
            let _ = CreditCode::parse(&text);
        }

        #[test]
        fn generated_codes_round_trip(
            prefix in "(91|92|93|51|52|53|11|12|Y1)[0-9]{6}",
            body in "[0-9A-HJ-NP-RTUW-Y]{8}",
        ) {
            let org = CreditCode::organization_check_char(&body).unwrap();
            let text = with_check(&format!("{prefix}{body}{org}"));
            let code = CreditCode::parse(&text.to_lowercase()).unwrap();
            proptest::prop_assert_eq!(code.as_str(), text.as_str());
            proptest::prop_assert_eq!(code.organization_code(), format!("{body}{org}"));
        }
    }
}
