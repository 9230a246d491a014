//! The roster tables' columns, the header check, and reading one row's cells into records.

use super::error::{quote, InterchangeError, InterchangeErrorKind};
use super::UnknownColumns;
use crate::date::PartialDate;
use crate::model::{Enterprise, Facilities, MemberRef, Membership, Organization, Person};
use crate::vocab::*;
use chrono::NaiveDate;
use std::str::FromStr;

/// One of the roster tables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Table {
    Orgs,
    Enterprises,
    Persons,
    Memberships,
}

/// A column of a table: its header name, whether the header must have it, and whether it holds
/// dates (so that `.xlsx` serial numbers in it become ISO dates).
pub(crate) struct Column {
    pub name: &'static str,
    pub required: bool,
    #[cfg_attr(not(feature = "xlsx"), allow(dead_code))]
    pub date: bool,
}

const fn col(name: &'static str, required: bool, date: bool) -> Column {
    Column {
        name,
        required,
        date,
    }
}

/// Column positions in [`ORG_COLUMNS`].
pub(crate) mod oc {
    pub const ID: usize = 0;
    pub const PARENT_ID: usize = 1;
    pub const LEVEL: usize = 2;
    pub const KIND: usize = 3;
    pub const DIVISION_CODE: usize = 4;
    pub const FOUNDED: usize = 5;
    pub const DISSOLVED: usize = 6;
    pub const NAME: usize = 7;
    pub const NAME_EN: usize = 8;
    pub const CARRIER: usize = 9;
    pub const CATEGORY: usize = 10;
    pub const RELATION: usize = 11;
    pub const AREA_M2: usize = 12;
    pub const ROOMS: usize = 13;
}

pub(crate) const ORG_COLUMNS: &[Column] = &[
    col("id", true, false),
    col("parent_id", true, false),
    col("level", true, false),
    col("kind", true, false),
    col("division_code", true, false),
    col("founded", true, true),
    col("dissolved", true, true),
    col("name", false, false),
    col("name_en", false, false),
    col("carrier", false, false),
    col("category", false, false),
    col("relation", false, false),
    col("area_m2", false, false),
    col("rooms", false, false),
];

/// Column positions in [`PERSON_COLUMNS`].
pub(crate) mod pc {
    pub const ID: usize = 0;
    pub const PARTY: usize = 1;
    pub const TITLE: usize = 2;
    pub const STRATUM: usize = 3;
    pub const BIRTH_YEAR: usize = 4;
    pub const BIRTH: usize = 5;
    pub const NAME: usize = 6;
    pub const SEX: usize = 7;
    pub const ETHNICITY: usize = 8;
    pub const RESIDENT_ID: usize = 9;
    pub const RETURNED_OVERSEAS: usize = 10;
    pub const EDUCATION: usize = 11;
    pub const EMPLOYER: usize = 12;
    pub const PROFESSION: usize = 13;
}

/// `birth_year` is required unless `birth` is there (checked in [`Header::resolve`]).
pub(crate) const PERSON_COLUMNS: &[Column] = &[
    col("id", true, false),
    col("party", true, false),
    col("title", true, false),
    col("stratum", true, false),
    col("birth_year", false, false),
    col("birth", false, true),
    col("name", false, false),
    col("sex", false, false),
    col("ethnicity", false, false),
    col("resident_id", false, false),
    col("returned_overseas", false, false),
    col("education", false, false),
    col("employer", false, false),
    col("profession", false, false),
];

/// Column positions in [`MEMBERSHIP_COLUMNS`].
pub(crate) mod mc {
    pub const PERSON_ID: usize = 0;
    pub const ORG_ID: usize = 1;
    pub const ROLE: usize = 2;
    pub const START: usize = 3;
    pub const END: usize = 4;
    pub const FOUNDING: usize = 5;
    pub const SOURCE: usize = 6;
    pub const MEMBER_TYPE: usize = 7;
}

pub(crate) const MEMBERSHIP_COLUMNS: &[Column] = &[
    col("person_id", true, false),
    col("org_id", true, false),
    col("role", true, false),
    col("start", true, true),
    col("end", true, true),
    col("founding", false, false),
    col("source", false, false),
    col("member_type", false, false),
];

/// Column positions in [`ENTERPRISE_COLUMNS`].
pub(crate) mod ec {
    pub const ID: usize = 0;
    pub const NAME: usize = 1;
    pub const CREDIT_CODE: usize = 2;
}

pub(crate) const ENTERPRISE_COLUMNS: &[Column] = &[
    col("id", true, false),
    col("name", true, false),
    col("credit_code", true, false),
];

impl Table {
    /// The file name used in errors when the caller gives none.
    pub fn default_file(self) -> &'static str {
        match self {
            Table::Orgs => "orgs.csv",
            Table::Enterprises => "enterprises.csv",
            Table::Persons => "persons.csv",
            Table::Memberships => "memberships.csv",
        }
    }

    /// The table's columns.
    pub fn columns(self) -> &'static [Column] {
        match self {
            Table::Orgs => ORG_COLUMNS,
            Table::Enterprises => ENTERPRISE_COLUMNS,
            Table::Persons => PERSON_COLUMNS,
            Table::Memberships => MEMBERSHIP_COLUMNS,
        }
    }
}

/// A checked header: where each of the table's columns is in the file.
#[derive(Debug, Clone)]
pub(crate) struct Header {
    /// For each column of the table (by its constant), its position in the row.
    pub map: Vec<Option<usize>>,
}

impl Header {
    /// Matches header names (trimmed, ASCII case-insensitive) to the table's columns. Unknown
    /// names are an error unless `unknown` says to ignore them; a repeated or missing required
    /// column is always an error. Errors are on line 1.
    pub fn resolve<'n>(
        table: Table,
        file: &str,
        names: impl IntoIterator<Item = &'n str>,
        unknown: UnknownColumns,
    ) -> Result<Header, InterchangeError> {
        let columns = table.columns();
        let mut map = vec![None; columns.len()];
        let mut empty = true;
        let error = |column: &str, kind| InterchangeError {
            line: Some(1),
            column: Some(quote(column)),
            ..InterchangeError::file(file, kind)
        };
        for (position, raw) in names.into_iter().enumerate() {
            let name = raw.trim_start_matches('\u{FEFF}').trim();
            empty &= name.is_empty();
            match columns
                .iter()
                .position(|c| c.name.eq_ignore_ascii_case(name))
            {
                Some(i) => match map.get_mut(i) {
                    Some(slot @ None) => *slot = Some(position),
                    _ => return Err(error(name, InterchangeErrorKind::DuplicateColumn)),
                },
                None if unknown == UnknownColumns::Ignore => {}
                None => {
                    return Err(error(
                        name,
                        InterchangeErrorKind::UnknownColumn {
                            expected: columns
                                .iter()
                                .map(|c| c.name)
                                .collect::<Vec<_>>()
                                .join(", "),
                        },
                    ))
                }
            }
        }
        if empty {
            return Err(InterchangeError::file(
                file,
                InterchangeErrorKind::EmptyFile,
            ));
        }
        for (i, c) in columns.iter().enumerate() {
            let present = |j: usize| map.get(j).copied().flatten().is_some();
            let missing = if table == Table::Persons && i == pc::BIRTH_YEAR {
                !present(pc::BIRTH_YEAR) && !present(pc::BIRTH)
            } else {
                c.required && !present(i)
            };
            if missing {
                return Err(error(c.name, InterchangeErrorKind::MissingColumn));
            }
        }
        Ok(Header { map })
    }

    /// Position in the row of the column named `name`.
    pub fn position_of(&self, table: Table, name: &str) -> Option<usize> {
        let i = table.columns().iter().position(|c| c.name == name)?;
        self.map.get(i).copied().flatten()
    }
}

/// Access to one row's cells by position.
pub(crate) trait Cells {
    /// The cell at `position`, `None` past the end.
    fn cell(&self, position: usize) -> Option<&str>;
}

impl Cells for csv::StringRecord {
    fn cell(&self, position: usize) -> Option<&str> {
        self.get(position)
    }
}

/// One row of a table being read.
pub(crate) struct Row<'a, C: Cells> {
    pub table: Table,
    pub header: &'a Header,
    pub cells: &'a C,
    pub file: &'a str,
    pub line: u64,
}

/// A vocabulary read from a cell: by its English name or its Chinese label.
pub(crate) trait Vocab: FromStr<Err = UnknownValue> + Copy + 'static {
    fn all() -> &'static [Self];
    fn label(self) -> &'static str;
}

macro_rules! vocab {
    ($($t:ty),*) => {$(
        impl Vocab for $t {
            fn all() -> &'static [Self] { <$t>::ALL }
            fn label(self) -> &'static str { self.zh() }
        }
    )*};
}
vocab!(
    Level,
    OrgKind,
    Relation,
    Carrier,
    TongxinCategory,
    Party,
    Title,
    Stratum,
    Sex,
    Education,
    Role
);

/// Parses a day written `YYYY-MM-DD` ([`crate::date::parse_day`]) or `YYYY/M/D`, as
/// spreadsheets write it.
pub(crate) fn parse_day(text: &str) -> Option<NaiveDate> {
    if let Some(day) = crate::date::parse_day(text) {
        return Some(day);
    }
    let mut parts = text.split('/');
    let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
    let ok = |s: &str, lo: usize, hi: usize| (lo..=hi).contains(&s.len());
    if parts.next().is_some() || !ok(y, 4, 4) || !ok(m, 1, 2) || !ok(d, 1, 2) {
        return None;
    }
    use crate::date::digits_value as num;
    NaiveDate::from_ymd_opt(i32::try_from(num(y)?).ok()?, num(m)?, num(d)?)
}

impl<'a, C: Cells> Row<'a, C> {
    fn raw(&self, column: usize) -> Option<&'a str> {
        let position = self.header.map.get(column).copied().flatten()?;
        self.cells.cell(position)
    }

    /// The cell as written; `None` when absent or empty (only spaces count as empty).
    pub fn text(&self, column: usize) -> Option<&'a str> {
        self.raw(column).filter(|s| !s.trim().is_empty())
    }

    /// The cell trimmed; `None` when absent or empty.
    pub fn trimmed(&self, column: usize) -> Option<&'a str> {
        self.raw(column).map(str::trim).filter(|s| !s.is_empty())
    }

    /// An error about the cell of `column`.
    pub fn error(&self, column: usize, kind: InterchangeErrorKind) -> InterchangeError {
        InterchangeError {
            file: self.file.to_string(),
            line: Some(self.line),
            column: self.table.columns().get(column).map(|c| c.name.to_string()),
            value: self.raw(column).map(quote),
            kind,
        }
    }

    fn invalid(&self, column: usize, reason: impl Into<String>) -> InterchangeError {
        self.error(
            column,
            InterchangeErrorKind::InvalidValue {
                reason: reason.into(),
            },
        )
    }

    /// The trimmed cell, which must not be empty.
    pub fn required(&self, column: usize) -> Result<&'a str, InterchangeError> {
        self.trimmed(column)
            .ok_or_else(|| self.error(column, InterchangeErrorKind::MissingValue))
    }

    /// An owned id from a required cell.
    fn id(&self, column: usize) -> Result<String, InterchangeError> {
        self.required(column).map(str::to_string)
    }

    /// A vocabulary value (English name or Chinese label); `None` when empty.
    pub fn vocab<T: Vocab>(&self, column: usize) -> Result<Option<T>, InterchangeError> {
        let Some(text) = self.trimmed(column) else {
            return Ok(None);
        };
        match text.parse::<T>() {
            Ok(v) => Ok(Some(v)),
            Err(e) => T::all()
                .iter()
                .copied()
                .find(|v| v.label() == text)
                .map(Some)
                .ok_or_else(|| {
                    self.invalid(
                        column,
                        format!(
                            "is not a {} (expected one of: {})",
                            e.vocabulary, e.expected
                        ),
                    )
                }),
        }
    }

    fn required_vocab<T: Vocab>(&self, column: usize) -> Result<T, InterchangeError> {
        self.vocab(column)?
            .ok_or_else(|| self.error(column, InterchangeErrorKind::MissingValue))
    }

    /// A day; `None` when empty.
    pub fn day(&self, column: usize) -> Result<Option<NaiveDate>, InterchangeError> {
        match self.trimmed(column) {
            None => Ok(None),
            Some(text) => parse_day(text)
                .map(Some)
                .ok_or_else(|| self.invalid(column, "is not a date YYYY-MM-DD (or YYYY/M/D)")),
        }
    }

    fn required_day(&self, column: usize) -> Result<NaiveDate, InterchangeError> {
        self.day(column)?
            .ok_or_else(|| self.error(column, InterchangeErrorKind::MissingValue))
    }

    /// A yes/no cell; empty is no.
    pub fn flag(&self, column: usize) -> Result<bool, InterchangeError> {
        match self.trimmed(column) {
            None => Ok(false),
            Some(t) => match t.to_ascii_lowercase().as_str() {
                "true" | "1" | "yes" | "y" | "是" => Ok(true),
                "false" | "0" | "no" | "n" | "否" => Ok(false),
                _ => Err(self.invalid(
                    column,
                    "is not a yes/no value (true, false, 1, 0, yes, no, 是, 否)",
                )),
            },
        }
    }

    fn count(&self, column: usize) -> Result<Option<u32>, InterchangeError> {
        match self.trimmed(column) {
            None => Ok(None),
            Some(t) => t
                .parse()
                .map(Some)
                .map_err(|_| self.invalid(column, "is not a whole number from 0 to 4294967295")),
        }
    }

    fn owned(&self, column: usize) -> Option<String> {
        self.text(column).map(str::to_string)
    }
}

/// An organization row: the organization, its parent and relation.
#[derive(Debug, Clone)]
pub(crate) struct OrgRow {
    /// Line (or JSON index) of the row.
    pub pos: u64,
    pub org: Organization,
    pub parent: Option<String>,
    pub relation: Relation,
}

impl<C: Cells> Row<'_, C> {
    /// Reads an `orgs.csv` row.
    pub fn org(&self) -> Result<OrgRow, InterchangeError> {
        let id = self.id(oc::ID)?;
        let area_m2 = self.count(oc::AREA_M2)?;
        let rooms = self.count(oc::ROOMS)?;
        let org = Organization {
            name: self.owned(oc::NAME).unwrap_or_else(|| id.clone()),
            name_en: self.owned(oc::NAME_EN),
            kind: self.required_vocab(oc::KIND)?,
            level: self.required_vocab(oc::LEVEL)?,
            division_code: self.required(oc::DIVISION_CODE)?.to_string(),
            carrier: self.vocab(oc::CARRIER)?,
            category: self.vocab(oc::CATEGORY)?,
            founded: self.required_day(oc::FOUNDED)?,
            dissolved: self.day(oc::DISSOLVED)?,
            facilities: (area_m2.is_some() || rooms.is_some())
                .then_some(Facilities { area_m2, rooms }),
            tags: Vec::new(),
            id,
        };
        Ok(OrgRow {
            pos: self.line,
            parent: self.trimmed(oc::PARENT_ID).map(str::to_string),
            relation: self.vocab(oc::RELATION)?.unwrap_or_default(),
            org,
        })
    }

    /// Reads a `persons.csv` row. `drop_masked` drops a masked resident ID rather than
    /// rejecting it.
    pub fn person(&self, drop_masked: bool) -> Result<Person, InterchangeError> {
        let year = match self.trimmed(pc::BIRTH_YEAR) {
            None => None,
            Some(t) => Some(
                t.parse::<i32>()
                    .ok()
                    .filter(|_| t.len() == 4)
                    .and_then(PartialDate::year)
                    .ok_or_else(|| self.invalid(pc::BIRTH_YEAR, "is not a four-digit year"))?,
            ),
        };
        let birth = match self.trimmed(pc::BIRTH) {
            None => year,
            Some(t) => {
                let b: PartialDate = t.parse().map_err(|e: crate::date::PartialDateError| {
                    self.invalid(pc::BIRTH, e.to_string())
                })?;
                if year.is_some_and(|y| y.year_number() != b.year_number()) {
                    return Err(self.invalid(
                        pc::BIRTH_YEAR,
                        format!("does not match column `birth` ({b})"),
                    ));
                }
                Some(b)
            }
        };
        let resident_id = match self.trimmed(pc::RESIDENT_ID) {
            Some(t) if t.contains('*') => {
                if drop_masked {
                    None
                } else {
                    return Err(self.invalid(
                        pc::RESIDENT_ID,
                        "is masked (`*`): export with unmasked resident IDs to re-import them, \
                         or import with `drop_masked_resident_ids`",
                    ));
                }
            }
            t => t.map(str::to_string),
        };
        Ok(Person {
            id: self.id(pc::ID)?,
            name: self.owned(pc::NAME),
            sex: self.vocab(pc::SEX)?,
            birth,
            ethnicity: self.owned(pc::ETHNICITY),
            party: self.required_vocab(pc::PARTY)?,
            title: self.required_vocab(pc::TITLE)?,
            stratum: self.required_vocab(pc::STRATUM)?,
            education: self.vocab(pc::EDUCATION)?,
            returned_overseas: self.flag(pc::RETURNED_OVERSEAS)?,
            employer: self.owned(pc::EMPLOYER),
            profession: self.owned(pc::PROFESSION),
            resident_id,
            political_posts: Vec::new(),
        })
    }

    /// Reads a `memberships.csv` row.
    pub fn membership(&self) -> Result<Membership, InterchangeError> {
        let member_id = self.id(mc::PERSON_ID)?;
        let member = match self.trimmed(mc::MEMBER_TYPE) {
            None | Some("person") | Some("个人") => MemberRef::Person(member_id),
            Some("enterprise") | Some("企业") => MemberRef::Enterprise(member_id),
            Some(_) => {
                return Err(self.invalid(
                    mc::MEMBER_TYPE,
                    "is not a member type (expected one of: person, enterprise)",
                ))
            }
        };
        Ok(Membership {
            member,
            org: self.id(mc::ORG_ID)?,
            role: self.required_vocab(mc::ROLE)?,
            start: self.required_day(mc::START)?,
            end: self.day(mc::END)?,
            founding: self.flag(mc::FOUNDING)?,
            source: self.owned(mc::SOURCE),
        })
    }

    /// Reads an `enterprises.csv` row.
    pub fn enterprise(&self) -> Result<Enterprise, InterchangeError> {
        Ok(Enterprise {
            id: self.id(ec::ID)?,
            name: self
                .text(ec::NAME)
                .map(str::to_string)
                .ok_or_else(|| self.error(ec::NAME, InterchangeErrorKind::MissingValue))?,
            credit_code: self.required(ec::CREDIT_CODE)?.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_in_iso_and_slash_forms() {
        let d = |s| parse_day(s).map(|d| d.to_string());
        assert_eq!(d("2024-05-07").as_deref(), Some("2024-05-07"));
        assert_eq!(d("2024/5/7").as_deref(), Some("2024-05-07"));
        for bad in [
            "2024-5-7",
            "2024-02-30",
            "24/5/7",
            "2024/5/7/1",
            "",
            "２０２４-05-07",
            "2024-0a-01",
        ] {
            assert_eq!(d(bad), None, "{bad}");
        }
    }
}
