//! Administrative division codes (行政区划代码) in the statistical form of the National Bureau of
//! Statistics (统计用区划代码), and the table that names them.
//!
//! A code's length is its level, and every code is a prefix of its children's codes:
//!
//! | level | digits | example |
//! |---|---|---|
//! | [`Province`](DivisionLevel::Province) 省级 | 2 | `44` 广东省 |
//! | [`City`](DivisionLevel::City) 地级 | 4 | `4403` 深圳市 |
//! | [`County`](DivisionLevel::County) 县级 | 6 | `440305` 南山区 |
//! | [`Township`](DivisionLevel::Township) 乡级 | 9 | `440305003` 南头街道 |
//! | [`Village`](DivisionLevel::Village) 村级 | 12 | `440305003001` …社区居委会 |
//!
//! Government forms write the same divisions padded to six digits (GB/T 2260: `440000`, `440300`)
//! or to twelve (`440305003000`); [`DivisionCode::parse`] reads those and keeps the short form.
//! The special code `00` stands for the whole country (national organizations); it is in no table.
//!
//! [`DivisionTable::bundled`] holds the province, city and county levels of the NBS 2023 edition.
//! Streets and villages are too large to bundle: a host that has them reads the CSV itself and
//! hands the text to [`DivisionTable::load_level_csv`]. Functional areas (大鹏新区) that act as
//! districts without being statutory are declared by the host with
//! [`DivisionTable::declare_functional_area`].

use crate::vocab::Level;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::ops::Bound;
use std::str::FromStr;

/// The edition of the bundled table.
const BUNDLED_EDITION: &str = "NBS 2023";
/// The bundled table's codes (`data/divisions/`: provinces, prefectures, counties) as `build.rs`
/// writes them: a province is `>` and its code, a prefecture `+` and its last two digits, a
/// county its last two digits, one per line, every division under its parent.
const BUNDLED: &str = include_str!(concat!(env!("OUT_DIR"), "/divisions.txt"));
/// The bundled divisions' names, one per line in the order of [`BUNDLED`], in GB18030 (two
/// bytes a character against UTF-8's three: 3 KB less of the gzipped WASM module).
const BUNDLED_NAMES: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/division_names.gb18030"));

/// A division code that is malformed, missing from the table, or does not fit where it is used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DivisionError {
    /// A character that is not an ASCII digit.
    #[error("character {position} `{found}` of a division code is not a digit")]
    NonDigit {
        /// 1-based position of the character.
        position: usize,
        /// The character found.
        found: char,
    },
    /// A number of digits that is no level's.
    #[error("a division code has 2, 4, 6, 9 or 12 digits, found {found}")]
    Length {
        /// The number of digits found.
        found: usize,
    },
    /// A division table CSV that cannot be read, or a row in it that is wrong.
    #[error("division table line {line}: {message}")]
    Csv {
        /// 1-based line of the CSV text (the header is line 1).
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A code that is not in the table.
    #[error("division `{code}` is not in the division table ({edition})")]
    Unknown {
        /// The code.
        code: String,
        /// The table's edition.
        edition: String,
    },
    /// A code of a level the table has not loaded, whose prefix at a loaded level is not in it.
    #[error(
        "division `{code}` lies in `{prefix}`, which is not in the division table ({edition})"
    )]
    UnknownPrefix {
        /// The code.
        code: String,
        /// Its prefix that is missing.
        prefix: String,
        /// The table's edition.
        edition: String,
    },
    /// A code whose level does not fit the organization's level.
    #[error(
        "division `{code}` is a {found} code and does not fit a {org_level} organization, which \
         needs {expected}"
    )]
    LevelMismatch {
        /// The code.
        code: String,
        /// The code's level (`national` for `00`).
        found: &'static str,
        /// The organization's level.
        org_level: Level,
        /// What the organization's level needs.
        expected: &'static str,
    },
    /// A division that does not lie within another.
    #[error("division `{child}` does not lie within `{parent}`")]
    Outside {
        /// The division that should lie inside.
        child: String,
        /// The division it should lie in.
        parent: String,
    },
    /// A functional area declared with a code that is not six digits.
    #[error("a functional area needs a 6-digit (county-level) code; `{code}` is a {level} code")]
    FunctionalAreaCode {
        /// The code.
        code: String,
        /// The code's level.
        level: DivisionLevel,
    },
    /// A functional area declared with a code the table already holds.
    #[error("division `{code}` is already in the table as {name}")]
    Duplicate {
        /// The code.
        code: String,
        /// The name the table gives it.
        name: String,
    },
    /// A functional area declared under something that is not a city in the table.
    #[error(
        "the parent `{parent}` of a functional area must be a city-level division in the table"
    )]
    FunctionalAreaParent {
        /// The parent code given.
        parent: String,
    },
}

impl DivisionError {
    /// The stable snake_case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            DivisionError::NonDigit { .. } => "division_character",
            DivisionError::Length { .. } => "division_length",
            DivisionError::Csv { .. } => "division_csv",
            DivisionError::Unknown { .. } | DivisionError::UnknownPrefix { .. } => {
                "division_unknown"
            }
            DivisionError::LevelMismatch { .. } => "division_level_mismatch",
            DivisionError::Outside { .. } => "division_outside",
            DivisionError::FunctionalAreaCode { .. } => "division_functional_area_code",
            DivisionError::Duplicate { .. } => "division_duplicate",
            DivisionError::FunctionalAreaParent { .. } => "division_functional_area_parent",
        }
    }
}

/// The level of a division, read from the number of digits of its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DivisionLevel {
    /// 省级: province, autonomous region, municipality directly under the central government.
    Province,
    /// 地级: prefecture-level city, prefecture, league (and the 市辖区 rows of municipalities).
    City,
    /// 县级: county, district, county-level city.
    County,
    /// 乡级: subdistrict (街道), town (镇), township (乡).
    Township,
    /// 村级: residents' committee (社区/居委会), villagers' committee (村委会).
    Village,
}

impl DivisionLevel {
    /// Every level, from the province down.
    pub const ALL: [DivisionLevel; 5] = [
        DivisionLevel::Province,
        DivisionLevel::City,
        DivisionLevel::County,
        DivisionLevel::Township,
        DivisionLevel::Village,
    ];

    /// The number of digits of a code at this level: 2, 4, 6, 9 or 12.
    pub const fn digits(self) -> usize {
        match self {
            DivisionLevel::Province => 2,
            DivisionLevel::City => 4,
            DivisionLevel::County => 6,
            DivisionLevel::Township => 9,
            DivisionLevel::Village => 12,
        }
    }

    /// The level whose codes have `digits` digits, if any.
    pub fn from_digits(digits: usize) -> Option<Self> {
        Self::ALL.into_iter().find(|level| level.digits() == digits)
    }

    /// The stable snake_case name (`province` … `village`).
    pub fn as_str(self) -> &'static str {
        match self {
            DivisionLevel::Province => "province",
            DivisionLevel::City => "city",
            DivisionLevel::County => "county",
            DivisionLevel::Township => "township",
            DivisionLevel::Village => "village",
        }
    }

    /// The Chinese name (`省级` … `村级`).
    pub fn zh(self) -> &'static str {
        match self {
            DivisionLevel::Province => "省级",
            DivisionLevel::City => "地级",
            DivisionLevel::County => "县级",
            DivisionLevel::Township => "乡级",
            DivisionLevel::Village => "村级",
        }
    }
}

impl fmt::Display for DivisionLevel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The kind of a township-level division, from digits 7–9 of its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TownshipType {
    /// 001–099: 街道 subdistrict.
    Subdistrict,
    /// 100–199: 镇 town.
    Town,
    /// 200–399: 乡 township (including 民族乡).
    Township,
    /// 400–599: 类似乡级单位, units like townships (development zones, farms …).
    Other,
    /// Any other number.
    Unknown,
}

impl TownshipType {
    /// The Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            TownshipType::Subdistrict => "街道",
            TownshipType::Town => "镇",
            TownshipType::Township => "乡",
            TownshipType::Other => "类似乡级单位",
            TownshipType::Unknown => "未知",
        }
    }
}

/// The kind of a village-level division, from digits 10–12 of its code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CommunityType {
    /// 001–199: 居委会 / 社区 residents' committee.
    ResidentsCommittee,
    /// 200–399: 村委会 villagers' committee.
    VillagersCommittee,
    /// Any other number: 类似村级单位, units like villages.
    Other,
}

impl CommunityType {
    /// The Chinese name.
    pub fn zh(self) -> &'static str {
        match self {
            CommunityType::ResidentsCommittee => "居委会",
            CommunityType::VillagersCommittee => "村委会",
            CommunityType::Other => "类似村级单位",
        }
    }
}

/// A division code in the short statistical form: 2, 4, 6, 9 or 12 ASCII digits.
///
/// ```
/// use tongxin::ids::{DivisionCode, DivisionLevel};
///
/// let nanshan = DivisionCode::parse("440305")?;
/// assert_eq!(nanshan.level(), DivisionLevel::County);
/// assert_eq!(nanshan.parent().unwrap().as_str(), "4403");
/// // The padded GB/T 2260 form of a city reads as the city.
/// assert_eq!(DivisionCode::parse("440300")?.as_str(), "4403");
/// # Ok::<(), tongxin::ids::DivisionError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DivisionCode(String);

impl DivisionCode {
    /// The pseudo-code `00` that stands for the whole country.
    pub fn national() -> Self {
        DivisionCode("00".to_owned())
    }

    /// Reads a code in the short form or padded with zeros: `440000` → `44`, `440300` → `4403`,
    /// `440305003000` → `440305003`, `440305000000` → `440305`.
    ///
    /// A six-digit code ending in `00` is read as its GB/T 2260 meaning, the city: `441900` is
    /// 东莞市 `4419`. The statistical table also has county-level rows with such codes (`441900`,
    /// `442000`, `460400`); [`DivisionCode::parse_exact`] reaches them.
    pub fn parse(text: &str) -> Result<Self, DivisionError> {
        let exact = Self::parse_exact(text)?;
        let mut digits = exact.as_str();
        while let Some(shorter) = match digits.len() {
            12 | 9 => digits.strip_suffix("000"),
            6 | 4 => digits.strip_suffix("00"),
            _ => None,
        } {
            digits = shorter;
        }
        Ok(DivisionCode(digits.to_owned()))
    }

    /// Reads a code exactly as written (2, 4, 6, 9 or 12 digits), without removing padding: the
    /// form of the statistical table's own rows.
    pub fn parse_exact(text: &str) -> Result<Self, DivisionError> {
        if let Some((index, found)) = text.chars().enumerate().find(|(_, c)| !c.is_ascii_digit()) {
            return Err(DivisionError::NonDigit {
                position: index + 1,
                found,
            });
        }
        match DivisionLevel::from_digits(text.len()) {
            Some(_) => Ok(DivisionCode(text.to_owned())),
            None => Err(DivisionError::Length { found: text.len() }),
        }
    }

    /// The digits.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Whether this is the national pseudo-code `00`.
    pub fn is_national(&self) -> bool {
        self.0 == "00"
    }

    /// The level, from the number of digits. The national code `00` has two digits and reports
    /// [`DivisionLevel::Province`]; ask [`Self::is_national`] first where that matters.
    pub fn level(&self) -> DivisionLevel {
        match self.0.len() {
            2 => DivisionLevel::Province,
            4 => DivisionLevel::City,
            6 => DivisionLevel::County,
            9 => DivisionLevel::Township,
            _ => DivisionLevel::Village,
        }
    }

    /// The code one level up, by prefix; `None` for a province and for `00`. (A functional
    /// area's parent is the one declared in the table: see [`DivisionTable::ancestors`].)
    pub fn parent(&self) -> Option<DivisionCode> {
        let keep = match self.level() {
            DivisionLevel::Province => return None,
            DivisionLevel::City => 2,
            DivisionLevel::County => 4,
            DivisionLevel::Township => 6,
            DivisionLevel::Village => 9,
        };
        self.0
            .get(..keep)
            .map(|prefix| DivisionCode(prefix.to_owned()))
    }

    /// Whether `other` equals this division or lies in it, by prefix; `00` contains everything.
    pub fn contains(&self, other: &DivisionCode) -> bool {
        self.is_national() || other.0.starts_with(&self.0)
    }

    /// The six-digit GB/T 2260 form of a province, city or county code (`4403` → `440300`);
    /// `None` for township and village codes.
    pub fn padded6(&self) -> Option<String> {
        match self.level() {
            DivisionLevel::Province => Some(format!("{}0000", self.0)),
            DivisionLevel::City => Some(format!("{}00", self.0)),
            DivisionLevel::County => Some(self.0.clone()),
            DivisionLevel::Township | DivisionLevel::Village => None,
        }
    }

    /// The kind of a township-level (9-digit) code; `None` for other levels.
    pub fn township_type(&self) -> Option<TownshipType> {
        if self.level() != DivisionLevel::Township {
            return None;
        }
        Some(match self.0.get(6..)?.parse::<u16>().ok()? {
            1..=99 => TownshipType::Subdistrict,
            100..=199 => TownshipType::Town,
            200..=399 => TownshipType::Township,
            400..=599 => TownshipType::Other,
            _ => TownshipType::Unknown,
        })
    }

    /// The kind of a village-level (12-digit) code; `None` for other levels.
    pub fn community_type(&self) -> Option<CommunityType> {
        if self.level() != DivisionLevel::Village {
            return None;
        }
        Some(match self.0.get(9..)?.parse::<u16>().ok()? {
            1..=199 => CommunityType::ResidentsCommittee,
            200..=399 => CommunityType::VillagersCommittee,
            _ => CommunityType::Other,
        })
    }
}

impl fmt::Display for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for DivisionCode {
    type Err = DivisionError;
    /// Same as [`DivisionCode::parse`].
    fn from_str(text: &str) -> Result<Self, DivisionError> {
        Self::parse(text)
    }
}

impl Serialize for DivisionCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// Deserializes with [`DivisionCode::parse_exact`], so that what was serialized comes back
/// unchanged (padded forms are not shortened).
impl<'de> Deserialize<'de> for DivisionCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Self::parse_exact(&text).map_err(serde::de::Error::custom)
    }
}

/// One division of a [`DivisionTable`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DivisionEntry {
    /// Its code.
    pub code: DivisionCode,
    /// Its name, e.g. `南山区`.
    pub name: String,
    /// The division it belongs to; `None` for provinces.
    pub parent: Option<DivisionCode>,
    /// Its level.
    pub level: DivisionLevel,
    /// Whether it is a functional area declared by the host rather than a statutory division.
    pub functional: bool,
}

/// A table of divisions: codes, names and parents, as of one edition.
///
/// ```
/// use tongxin::ids::{DivisionCode, DivisionTable};
///
/// let table = DivisionTable::bundled()?;
/// let lucheng = DivisionCode::parse("330302")?;
/// assert_eq!(table.name(&lucheng), Some("鹿城区"));
/// let up: Vec<&str> = table.ancestors(&lucheng).iter().map(|e| e.name.as_str()).collect();
/// assert_eq!(up, ["温州市", "浙江省"]);
/// # Ok::<(), tongxin::ids::DivisionError>(())
/// ```
#[derive(Debug, Clone)]
pub struct DivisionTable {
    edition: String,
    entries: BTreeMap<DivisionCode, DivisionEntry>,
    /// The levels loaded from CSV (functional areas do not count).
    loaded: BTreeSet<DivisionLevel>,
    /// The declared functional areas, also present in `entries`.
    functional: BTreeSet<DivisionCode>,
}

impl DivisionTable {
    /// The bundled province, city and county levels (NBS 2023), parsed anew on each call: keep
    /// the table rather than calling this repeatedly.
    pub fn bundled() -> Result<Self, DivisionError> {
        let mut table = Self::empty(BUNDLED_EDITION);
        table.loaded = [
            DivisionLevel::Province,
            DivisionLevel::City,
            DivisionLevel::County,
        ]
        .into();
        let error = |line: usize, message: String| DivisionError::Csv {
            line: line as u64 + 1,
            message,
        };
        // Checked by build.rs, which wrote it.
        let names = crate::interchange::gb18030::Decoder::new()
            .decode(BUNDLED_NAMES)
            .map_err(|at| error(0, format!("bundled names: malformed GB18030 at byte {at}")))?;
        let mut names = names.lines();
        let (mut province, mut city) = ("", String::new());
        for (i, line) in BUNDLED.lines().enumerate() {
            let code = if let Some(digits) = line.strip_prefix('>') {
                province = digits;
                province.to_owned()
            } else if let Some(digits) = line.strip_prefix('+') {
                city = format!("{province}{digits}");
                city.clone()
            } else {
                format!("{city}{line}")
            };
            let code = DivisionCode::parse_exact(&code).map_err(|e| error(i, e.to_string()))?;
            let name = names
                .next()
                .ok_or_else(|| error(i, format!("bundled names: none for `{code}`")))?;
            // A code's parent is its prefix (`load_level_csv` requires it of every row).
            let entry = DivisionEntry {
                parent: code.parent(),
                level: code.level(),
                name: name.to_owned(),
                functional: false,
                code,
            };
            table.entries.insert(entry.code.clone(), entry);
        }
        Ok(table)
    }

    /// A table of `edition` without divisions.
    fn empty(edition: &str) -> Self {
        DivisionTable {
            edition: edition.to_owned(),
            entries: BTreeMap::new(),
            loaded: BTreeSet::new(),
            functional: BTreeSet::new(),
        }
    }

    /// A table of another edition from CSV texts (header `code,name,parent_code`), given from
    /// the province level down so that parents come before their children.
    pub fn from_csv(edition: &str, texts: &[&str]) -> Result<Self, DivisionError> {
        let mut table = Self::empty(edition);
        for text in texts {
            table.load_level_csv(text)?;
        }
        Ok(table)
    }

    /// Adds the rows of one CSV text (header `code,name,parent_code`), typically the street
    /// table and then the village table, and returns how many were added. Codes are read exactly
    /// ([`DivisionCode::parse_exact`]); each row's parent must be its prefix and already be in
    /// the table or earlier in the text. On error nothing is added.
    pub fn load_level_csv(&mut self, text: &str) -> Result<usize, DivisionError> {
        let mut added = BTreeMap::new();
        for (line, entry) in read_rows(text)? {
            let error = |message| Err(DivisionError::Csv { line, message });
            if let Some(old) = self
                .entries
                .get(&entry.code)
                .or_else(|| added.get(&entry.code))
            {
                return error(format!(
                    "code `{}` already appears as {}",
                    entry.code, old.name
                ));
            }
            if let Some(parent) = &entry.parent {
                if !self.entries.contains_key(parent) && !added.contains_key(parent) {
                    return error(format!(
                        "parent_code `{parent}` of `{}` is not in the table, nor earlier in the text",
                        entry.code
                    ));
                }
            }
            added.insert(entry.code.clone(), entry);
        }
        let count = added.len();
        self.loaded.extend(added.values().map(|entry| entry.level));
        self.entries.append(&mut added);
        Ok(count)
    }

    /// The edition, e.g. `NBS 2023`.
    pub fn edition(&self) -> &str {
        &self.edition
    }

    /// Whether rows of `level` have been loaded from CSV.
    pub fn has_level(&self, level: DivisionLevel) -> bool {
        self.loaded.contains(&level)
    }

    /// Every division, sorted by code.
    pub fn iter(&self) -> impl Iterator<Item = &DivisionEntry> {
        self.entries.values()
    }

    /// The division of `code`.
    pub fn get(&self, code: &DivisionCode) -> Option<&DivisionEntry> {
        self.entries.get(code)
    }

    /// The name of `code`.
    pub fn name(&self, code: &DivisionCode) -> Option<&str> {
        self.get(code).map(|entry| entry.name.as_str())
    }

    /// Whether `code` is in the table.
    pub fn contains(&self, code: &DivisionCode) -> bool {
        self.entries.contains_key(code)
    }

    /// The divisions above `code` that are in the table, nearest first (a functional area's
    /// declared parent, otherwise by prefix). `code` need not be in the table itself.
    pub fn ancestors(&self, code: &DivisionCode) -> Vec<&DivisionEntry> {
        self.lineage(code)
            .skip(1)
            .filter_map(|c| self.entries.get(&c))
            .collect()
    }

    /// The divisions directly under `code`, sorted by code, including declared functional areas;
    /// under `00`, the provinces.
    pub fn children(&self, code: &DivisionCode) -> Vec<&DivisionEntry> {
        let is_child = |entry: &&DivisionEntry| entry.parent.as_ref() == Some(code);
        let mut children: Vec<&DivisionEntry> = if code.is_national() {
            self.entries
                .values()
                .filter(|entry| entry.parent.is_none())
                .collect()
        } else {
            self.entries
                .range::<DivisionCode, _>((Bound::Excluded(code), Bound::Unbounded))
                .take_while(|(c, _)| code.contains(c))
                .map(|(_, entry)| entry)
                .filter(is_child)
                .collect()
        };
        children.extend(
            self.functional
                .iter()
                .filter(|c| !code.contains(c))
                .filter_map(|c| self.entries.get(c))
                .filter(is_child),
        );
        children.sort_by(|a, b| a.code.cmp(&b.code));
        children
    }

    /// Declares a functional area (功能区, e.g. 大鹏新区) that acts as a district (county level)
    /// without being a statutory division, under the city `parent`, with a six-digit `code` the
    /// host chooses (it need not share the parent's prefix).
    pub fn declare_functional_area(
        &mut self,
        code: &DivisionCode,
        name: &str,
        parent: &DivisionCode,
    ) -> Result<(), DivisionError> {
        if code.level() != DivisionLevel::County {
            return Err(DivisionError::FunctionalAreaCode {
                code: code.to_string(),
                level: code.level(),
            });
        }
        if let Some(existing) = self.entries.get(code) {
            return Err(DivisionError::Duplicate {
                code: code.to_string(),
                name: existing.name.clone(),
            });
        }
        if self.get(parent).map(|entry| entry.level) != Some(DivisionLevel::City) {
            return Err(DivisionError::FunctionalAreaParent {
                parent: parent.to_string(),
            });
        }
        let entry = DivisionEntry {
            code: code.clone(),
            name: name.to_owned(),
            parent: Some(parent.clone()),
            level: DivisionLevel::County,
            functional: true,
        };
        self.entries.insert(code.clone(), entry);
        self.functional.insert(code.clone());
        Ok(())
    }

    /// Checks that `code` may be the division of an organization at `org_level`:
    ///
    /// | organization level | division code |
    /// |---|---|
    /// | national | the national pseudo-code `00` |
    /// | provincial | a province (2 digits) |
    /// | municipal | a city (4 digits, 市辖区 rows included) |
    /// | district | a county (6 digits) or a declared functional area |
    /// | subdistrict | a township (9 digits) |
    /// | community | a village (12 digits), or a township (buildings and parks often know only the street) |
    ///
    /// The code must also be in the table; a township or village code whose level has not been
    /// loaded is checked through its nearest prefix at a loaded level (its county, usually).
    pub fn check_org_division(
        &self,
        code: &DivisionCode,
        org_level: Level,
    ) -> Result<(), DivisionError> {
        use DivisionLevel::{City, County, Province, Township, Village};
        let level = (!code.is_national()).then(|| code.level());
        let (fits, expected) = match org_level {
            Level::National => (level.is_none(), "the national code 00"),
            Level::Provincial => (level == Some(Province), "a province code (2 digits)"),
            Level::Municipal => (level == Some(City), "a city code (4 digits)"),
            Level::District => (
                level == Some(County),
                "a county or functional-area code (6 digits)",
            ),
            Level::Subdistrict => (level == Some(Township), "a township code (9 digits)"),
            Level::Community => (
                matches!(level, Some(Village | Township)),
                "a village code (12 digits) or a township code (9 digits)",
            ),
        };
        if !fits {
            return Err(DivisionError::LevelMismatch {
                code: code.to_string(),
                found: level.map_or("national", DivisionLevel::as_str),
                org_level,
                expected,
            });
        }
        if level.is_none() {
            return Ok(());
        }
        let edition = self.edition.clone();
        match self
            .lineage(code)
            .find(|c| self.contains(c) || self.has_level(c.level()))
        {
            Some(c) if self.contains(&c) => Ok(()),
            Some(c) if c != *code => Err(DivisionError::UnknownPrefix {
                code: code.to_string(),
                prefix: c.to_string(),
                edition,
            }),
            _ => Err(DivisionError::Unknown {
                code: code.to_string(),
                edition,
            }),
        }
    }

    /// Checks that `child` lies within `parent` or equals it: by prefix, and through the declared
    /// parent of a functional area. Everything lies within `00`.
    pub fn check_within(
        &self,
        child: &DivisionCode,
        parent: &DivisionCode,
    ) -> Result<(), DivisionError> {
        if parent.is_national() || self.lineage(child).any(|c| c == *parent) {
            Ok(())
        } else {
            Err(DivisionError::Outside {
                child: child.to_string(),
                parent: parent.to_string(),
            })
        }
    }

    /// `code`, then the codes above it: a table entry's recorded parent, otherwise the prefix.
    /// Every step is shorter, so the walk ends.
    fn lineage<'a>(&'a self, code: &DivisionCode) -> impl Iterator<Item = DivisionCode> + 'a {
        std::iter::successors(Some(code.clone()), move |c| match self.entries.get(c) {
            Some(entry) => entry.parent.clone(),
            None => c.parent(),
        })
    }
}

/// Reads and checks the rows of a division CSV, with their line numbers.
fn read_rows(text: &str) -> Result<Vec<(u64, DivisionEntry)>, DivisionError> {
    let csv_error = |e: csv::Error| DivisionError::Csv {
        line: e.position().map_or(1, |p| p.line()),
        message: e.to_string(),
    };
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let headers = reader.headers().map_err(csv_error)?.clone();
    let column = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim_start_matches('\u{feff}').trim() == name)
            .ok_or_else(|| DivisionError::Csv {
                line: 1,
                message: format!(
                    "missing column `{name}` (the header must be code,name,parent_code)"
                ),
            })
    };
    let (code_at, name_at, parent_at) = (column("code")?, column("name")?, column("parent_code")?);
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(csv_error)?;
        let line = record.position().map_or(1, |p| p.line());
        let error = |message: String| DivisionError::Csv { line, message };
        let field = |at: usize| record.get(at).unwrap_or("").trim();
        let code =
            DivisionCode::parse_exact(field(code_at)).map_err(|e| error(format!("code: {e}")))?;
        if code.is_national() {
            return Err(error(
                "code `00` is reserved for the whole country".to_owned(),
            ));
        }
        let name = field(name_at);
        if name.is_empty() {
            return Err(error(format!("name of `{code}` is empty")));
        }
        let parent = match field(parent_at) {
            "" => None,
            text => Some(
                DivisionCode::parse_exact(text).map_err(|e| error(format!("parent_code: {e}")))?,
            ),
        };
        if parent != code.parent() {
            let expected = code
                .parent()
                .map_or_else(|| "empty".to_owned(), |p| format!("`{p}`"));
            let found = parent
                .as_ref()
                .map_or_else(|| "empty".to_owned(), |p| format!("`{p}`"));
            return Err(error(format!(
                "parent_code of `{code}` is {found}, expected {expected}"
            )));
        }
        let level = code.level();
        rows.push((
            line,
            DivisionEntry {
                code,
                name: name.to_owned(),
                parent,
                level,
                functional: false,
            },
        ));
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(text: &str) -> DivisionCode {
        DivisionCode::parse(text).unwrap()
    }

    fn codes(entries: &[&DivisionEntry]) -> Vec<String> {
        entries.iter().map(|e| e.code.to_string()).collect()
    }

    #[test]
    fn bundled_table_is_its_csv_files() {
        let csv = DivisionTable::from_csv(
            "NBS 2023",
            &[
                include_str!("../../data/divisions/province.csv"),
                include_str!("../../data/divisions/city.csv"),
                include_str!("../../data/divisions/county.csv"),
            ],
        )
        .unwrap();
        let bundled = DivisionTable::bundled().unwrap();
        assert_eq!(
            bundled.iter().collect::<Vec<_>>(),
            csv.iter().collect::<Vec<_>>()
        );
        for level in [
            DivisionLevel::Province,
            DivisionLevel::City,
            DivisionLevel::County,
            DivisionLevel::Township,
        ] {
            assert_eq!(bundled.has_level(level), csv.has_level(level));
        }
    }

    #[test]
    fn bundled_table_has_three_levels() {
        let table = DivisionTable::bundled().unwrap();
        assert_eq!(table.edition(), "NBS 2023");
        let count = |level| table.iter().filter(|e| e.level == level).count();
        assert_eq!(count(DivisionLevel::Province), 31);
        assert_eq!(count(DivisionLevel::City), 342);
        assert_eq!(count(DivisionLevel::County), 2978);
        assert!(table.has_level(DivisionLevel::County));
        assert!(!table.has_level(DivisionLevel::Township));
        assert_eq!(table.name(&code("1101")), Some("市辖区"));
        assert_eq!(table.children(&DivisionCode::national()).len(), 31);
    }

    #[test]
    fn shenzhen_has_nine_districts() {
        let table = DivisionTable::bundled().unwrap();
        let expected: Vec<String> = (303..=311).map(|n| format!("440{n}")).collect();
        assert_eq!(codes(&table.children(&code("4403"))), expected);
        assert_eq!(table.name(&code("440305")), Some("南山区"));
    }

    #[test]
    fn lucheng_ancestors_nearest_first() {
        let table = DivisionTable::bundled().unwrap();
        let up = table.ancestors(&code("330302"));
        assert_eq!(codes(&up), ["3303", "33"]);
        assert_eq!(up.first().map(|e| e.name.as_str()), Some("温州市"));
        assert_eq!(up.last().map(|e| e.name.as_str()), Some("浙江省"));
        // A street code not loaded still finds its ancestors by prefix.
        assert_eq!(
            codes(&table.ancestors(&code("330302001"))),
            ["330302", "3303", "33"]
        );
    }

    #[test]
    fn padded_forms_normalise() {
        for (padded, short) in [
            ("440000", "44"),
            ("440300", "4403"),
            ("440305", "440305"),
            ("440305003000", "440305003"),
            ("440305000000", "440305"),
            ("440300000000", "4403"),
            ("440000000000", "44"),
            ("000000", "00"),
            ("440305003001", "440305003001"),
        ] {
            assert_eq!(code(padded).as_str(), short, "{padded}");
        }
        assert_eq!(
            DivisionCode::parse_exact("441900").unwrap().as_str(),
            "441900"
        );
        assert_eq!(code("441900").as_str(), "4419");
        assert_eq!(code("44").padded6().as_deref(), Some("440000"));
        assert_eq!(code("4403").padded6().as_deref(), Some("440300"));
        assert_eq!(code("440305").padded6().as_deref(), Some("440305"));
        assert_eq!(code("440305003").padded6(), None);
    }

    #[test]
    fn malformed_codes_say_what_and_where() {
        let err = DivisionCode::parse("44a3").unwrap_err();
        assert_eq!(
            err,
            DivisionError::NonDigit {
                position: 3,
                found: 'a'
            }
        );
        assert_eq!(
            err.to_string(),
            "character 3 `a` of a division code is not a digit"
        );
        assert_eq!(err.code(), "division_character");
        assert_eq!(
            DivisionCode::parse("４４").unwrap_err(),
            DivisionError::NonDigit {
                position: 1,
                found: '４'
            }
        );
        for text in [
            "",
            "4",
            "440",
            "44030",
            "4403050",
            "44030500",
            "4403050030",
            "4403050030011",
        ] {
            let err = DivisionCode::parse(text).unwrap_err();
            assert_eq!(err, DivisionError::Length { found: text.len() });
            assert_eq!(err.code(), "division_length");
        }
    }

    #[test]
    fn levels_parents_and_prefixes() {
        let village = code("440305003001");
        assert_eq!(village.level(), DivisionLevel::Village);
        let chain: Vec<String> = std::iter::successors(Some(village.clone()), DivisionCode::parent)
            .map(|c| c.to_string())
            .collect();
        assert_eq!(chain, ["440305003001", "440305003", "440305", "4403", "44"]);
        assert!(code("4403").contains(&village));
        assert!(village.contains(&village));
        assert!(!code("4401").contains(&village));
        assert!(DivisionCode::national().contains(&village));
        assert!(DivisionCode::national().parent().is_none());
        assert_eq!(DivisionLevel::from_digits(9), Some(DivisionLevel::Township));
        assert_eq!(DivisionLevel::from_digits(3), None);
    }

    #[test]
    fn township_and_community_types() {
        for (text, kind) in [
            ("330302001", TownshipType::Subdistrict),
            ("330302099", TownshipType::Subdistrict),
            ("330302100", TownshipType::Town),
            ("330302201", TownshipType::Township),
            ("330302399", TownshipType::Township),
            ("330302400", TownshipType::Other),
            ("330302599", TownshipType::Other),
            ("330302600", TownshipType::Unknown),
        ] {
            assert_eq!(
                DivisionCode::parse_exact(text).unwrap().township_type(),
                Some(kind),
                "{text}"
            );
        }
        assert_eq!(code("330302").township_type(), None);
        assert_eq!(TownshipType::Town.zh(), "镇");
        for (text, kind) in [
            ("110101001001", CommunityType::ResidentsCommittee),
            ("110101001199", CommunityType::ResidentsCommittee),
            ("110101001200", CommunityType::VillagersCommittee),
            ("110101001399", CommunityType::VillagersCommittee),
            ("110101001400", CommunityType::Other),
        ] {
            assert_eq!(code(text).community_type(), Some(kind), "{text}");
        }
        assert_eq!(code("110101001").community_type(), None);
        assert_eq!(CommunityType::VillagersCommittee.zh(), "村委会");
    }

    #[test]
    fn real_street_table_loads() {
        let path = "/work/shared/data/divisions/street.csv";
        let Ok(text) = std::fs::read_to_string(path) else {
            println!("skipped: the street table {path} is absent");
            return;
        };
        let mut table = DivisionTable::bundled().unwrap();
        assert_eq!(table.load_level_csv(&text).unwrap(), 41_352);
        assert!(table.has_level(DivisionLevel::Township));
        assert_eq!(
            table
                .iter()
                .filter(|e| e.level == DivisionLevel::Township)
                .count(),
            41_352
        );
        assert_eq!(table.children(&code("330302")).len(), 14);
        assert_eq!(table.ancestors(&code("330302001")).len(), 3);
        // Now townships themselves are checked, not just their county.
        let nanshan_street = table
            .children(&code("440305"))
            .first()
            .map(|e| e.code.clone())
            .unwrap();
        assert_eq!(
            table.check_org_division(&nanshan_street, Level::Subdistrict),
            Ok(())
        );
        let err = table
            .check_org_division(&code("440305999"), Level::Subdistrict)
            .unwrap_err();
        assert!(matches!(err, DivisionError::Unknown { .. }), "{err}");
        // Loading the same rows twice is refused and changes nothing.
        let before = table.iter().count();
        let err = table.load_level_csv(&text).unwrap_err();
        assert_eq!(err.code(), "division_csv");
        assert_eq!(table.iter().count(), before);
    }

    #[test]
    fn functional_areas() {
        let mut table = DivisionTable::bundled().unwrap();
        let dapeng = code("440399");
        table
            .declare_functional_area(&dapeng, "大鹏新区", &code("4403"))
            .unwrap();
        let entry = table.get(&dapeng).unwrap();
        assert!(entry.functional);
        assert_eq!(entry.level, DivisionLevel::County);
        assert_eq!(table.children(&code("4403")).len(), 10);
        assert_eq!(table.check_org_division(&dapeng, Level::District), Ok(()));
        assert_eq!(table.check_within(&dapeng, &code("4403")), Ok(()));
        assert!(table.check_within(&dapeng, &code("4401")).is_err());

        // A code outside the parent's prefix follows the declared parent.
        let shenshan = code("449901");
        table
            .declare_functional_area(&shenshan, "深汕特别合作区", &code("4403"))
            .unwrap();
        assert_eq!(codes(&table.ancestors(&shenshan)), ["4403", "44"]);
        assert_eq!(table.check_within(&shenshan, &code("4403")), Ok(()));
        assert_eq!(
            table.children(&code("4403")).last().map(|e| e.code.clone()),
            Some(shenshan.clone())
        );
        assert_eq!(
            table.check_org_division(&code("449901001"), Level::Subdistrict),
            Ok(())
        );

        let err = table
            .declare_functional_area(&code("4499"), "x", &code("44"))
            .unwrap_err();
        assert_eq!(
            err,
            DivisionError::FunctionalAreaCode {
                code: "4499".into(),
                level: DivisionLevel::City
            }
        );
        let err = table
            .declare_functional_area(&code("440305"), "x", &code("4403"))
            .unwrap_err();
        assert_eq!(err.code(), "division_duplicate");
        assert_eq!(
            err.to_string(),
            "division `440305` is already in the table as 南山区"
        );
        for parent in ["4499", "44", "440305"] {
            let err = table
                .declare_functional_area(&code("440398"), "x", &code(parent))
                .unwrap_err();
            assert_eq!(err.code(), "division_functional_area_parent", "{parent}");
        }
    }

    #[test]
    fn organization_levels_fit_codes() {
        let table = DivisionTable::bundled().unwrap();
        for (text, level) in [
            ("00", Level::National),
            ("44", Level::Provincial),
            ("4403", Level::Municipal),
            ("1101", Level::Municipal),
            ("440305", Level::District),
            ("440305003", Level::Subdistrict),
            ("440305003", Level::Community),
            ("440305003001", Level::Community),
        ] {
            assert_eq!(
                table.check_org_division(&code(text), level),
                Ok(()),
                "{text} {level}"
            );
        }
        for (text, level) in [
            ("44", Level::National),
            ("00", Level::Provincial),
            ("4403", Level::District),
            ("440305", Level::Municipal),
            ("440305", Level::Subdistrict),
            ("440305003001", Level::Subdistrict),
            ("440305", Level::Community),
        ] {
            let err = table.check_org_division(&code(text), level).unwrap_err();
            assert_eq!(err.code(), "division_level_mismatch", "{text} {level}");
        }
        let err = table
            .check_org_division(&code("4403"), Level::District)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "division `4403` is a city code and does not fit a district organization, which needs \
             a county or functional-area code (6 digits)"
        );
        let err = table
            .check_org_division(&code("449999"), Level::District)
            .unwrap_err();
        assert_eq!(
            err,
            DivisionError::Unknown {
                code: "449999".into(),
                edition: "NBS 2023".into()
            }
        );
        let err = table
            .check_org_division(&code("449999001"), Level::Subdistrict)
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "division `449999001` lies in `449999`, which is not in the division table (NBS 2023)"
        );
        assert_eq!(err.code(), "division_unknown");
    }

    #[test]
    fn within_by_prefix() {
        let table = DivisionTable::bundled().unwrap();
        assert_eq!(
            table.check_within(&code("440305003"), &code("4403")),
            Ok(())
        );
        assert_eq!(table.check_within(&code("4403"), &code("4403")), Ok(()));
        assert_eq!(
            table.check_within(&code("4403"), &DivisionCode::national()),
            Ok(())
        );
        let err = table
            .check_within(&code("4403"), &code("440305"))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "division `4403` does not lie within `440305`"
        );
        assert_eq!(err.code(), "division_outside");
    }

    #[test]
    fn host_editions_and_bad_rows() {
        let province = "code,name,parent_code\n44,广东省,\n";
        let city = "code,name,parent_code\n4403,深圳市,44\n";
        let mut table = DivisionTable::from_csv("host 2024", &[province, city]).unwrap();
        assert_eq!(table.edition(), "host 2024");
        assert_eq!(
            table.load_level_csv("\u{feff}code,name,parent_code\n440305,南山区,4403\n"),
            Ok(1)
        );
        let cases = [
            ("code,name\n44,x\n", 1, "missing column `parent_code`"),
            (
                "code,name,parent_code\n440306,宝安区,4403\n44030x,x,4403\n",
                3,
                "code: character 6",
            ),
            (
                "code,name,parent_code\n440306,宝安区,4401\n",
                2,
                "is `4401`, expected `4403`",
            ),
            (
                "code,name,parent_code\n440101,越秀区,4401\n",
                2,
                "`4401` of `440101` is not in the table",
            ),
            (
                "code,name,parent_code\n440305,南山区,4403\n",
                2,
                "already appears as 南山区",
            ),
            (
                "code,name,parent_code\n440306,,4403\n",
                2,
                "name of `440306` is empty",
            ),
            ("code,name,parent_code\n00,全国,\n", 2, "reserved"),
            (
                "code,name,parent_code\n440306,宝安区\n",
                2,
                "found record with 2 fields",
            ),
        ];
        for (text, line, message) in cases {
            match table.load_level_csv(text) {
                Err(DivisionError::Csv {
                    line: l,
                    message: m,
                }) => {
                    assert_eq!(l, line, "{m}");
                    assert!(m.contains(message), "{m}");
                }
                other => panic!("{text}: {other:?}"),
            }
        }
        assert_eq!(table.iter().count(), 3, "failed loads add nothing");
    }

    #[test]
    fn serde_as_strings() {
        let nanshan = code("440305");
        assert_eq!(serde_json::to_string(&nanshan).unwrap(), "\"440305\"");
        let exact: DivisionCode = serde_json::from_str("\"441900\"").unwrap();
        assert_eq!(exact.as_str(), "441900");
        assert!(serde_json::from_str::<DivisionCode>("\"44x\"").is_err());
        let table = DivisionTable::bundled().unwrap();
        let json = serde_json::to_value(table.get(&nanshan).unwrap()).unwrap();
        assert_eq!(json["parent"], "4403");
        assert_eq!(json["level"], "county");
    }

    proptest::proptest! {
        #[test]
        fn any_text_is_parsed_without_panic(text in "\\PC{0,14}|[0-9]{0,13}") {
            if let Ok(code) = DivisionCode::parse(&text) {
                proptest::prop_assert!(DivisionLevel::from_digits(code.as_str().len()).is_some());
                proptest::prop_assert_eq!(code.township_type().is_some(), code.level() == DivisionLevel::Township);
            }
        }
    }

    #[test]
    fn padded6_reads_back_for_every_bundled_code() {
        let table = DivisionTable::bundled().unwrap();
        for entry in table.iter().filter(|e| !e.code.as_str().ends_with("00")) {
            let padded = entry.code.padded6().unwrap();
            assert_eq!(DivisionCode::parse(&padded).unwrap(), entry.code);
        }
    }
}
