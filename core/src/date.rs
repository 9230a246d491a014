//! Dates known only to the year or month (2016年9月), kept as such and read as intervals.
//!
//! The sources often say "in September 2016". A [`PartialDate`] stores exactly what is known and
//! renders it the same way (`2016-09`). Asked "as of" a day it is an interval: a designation
//! conferred in `2017-08` is *certainly* in force on 2017-09-01 and only *possibly* on 2017-08-15.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A calendar date known to the year, the month or the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PartialDate {
    /// Only the year is known, e.g. `2017`.
    Year(i32),
    /// Year and month are known, e.g. `2017-08`.
    Month(i32, u32),
    /// The exact day is known, e.g. `2024-05-07`.
    Day(NaiveDate),
}

/// How sure an answer about a partial date is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Certainty {
    /// False for every day the partial date may stand for.
    No,
    /// True for some of the days it may stand for, false for others.
    Possibly,
    /// True whichever day it stands for.
    Certainly,
}

/// Why a text is not a partial date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{text}` is not a date of the form YYYY, YYYY-MM or YYYY-MM-DD")]
pub struct PartialDateError {
    /// The text that was given (at most 32 characters of it).
    pub text: String,
}

impl PartialDate {
    /// A partial date of a given month; `None` when the month is out of range or the year is
    /// outside what [`NaiveDate`] represents.
    pub fn month(year: i32, month: u32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, month, 1).map(|_| PartialDate::Month(year, month))
    }

    /// A partial date of a given year; `None` outside what [`NaiveDate`] represents.
    pub fn year(year: i32) -> Option<Self> {
        NaiveDate::from_ymd_opt(year, 12, 31).map(|_| PartialDate::Year(year))
    }

    /// The first day the partial date may stand for.
    pub fn earliest(self) -> NaiveDate {
        match self {
            PartialDate::Day(d) => d,
            PartialDate::Month(y, m) => NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(NaiveDate::MIN),
            PartialDate::Year(y) => NaiveDate::from_ymd_opt(y, 1, 1).unwrap_or(NaiveDate::MIN),
        }
    }

    /// The last day the partial date may stand for.
    pub fn latest(self) -> NaiveDate {
        match self {
            PartialDate::Day(d) => d,
            PartialDate::Month(y, m) => {
                let next = if m == 12 {
                    NaiveDate::from_ymd_opt(y + 1, 1, 1)
                } else {
                    NaiveDate::from_ymd_opt(y, m + 1, 1)
                };
                next.and_then(|n| n.pred_opt()).unwrap_or(NaiveDate::MAX)
            }
            PartialDate::Year(y) => NaiveDate::from_ymd_opt(y, 12, 31).unwrap_or(NaiveDate::MAX),
        }
    }

    /// The year, whatever the precision.
    pub fn year_number(self) -> i32 {
        match self {
            PartialDate::Day(d) => d.year(),
            PartialDate::Month(y, _) | PartialDate::Year(y) => y,
        }
    }

    /// Whether the date is on or before `day`.
    pub fn on_or_before(self, day: NaiveDate) -> Certainty {
        if self.latest() <= day {
            Certainty::Certainly
        } else if self.earliest() <= day {
            Certainty::Possibly
        } else {
            Certainty::No
        }
    }

    /// Whether the date is strictly after `day`.
    pub fn after(self, day: NaiveDate) -> Certainty {
        match self.on_or_before(day) {
            Certainty::Certainly => Certainty::No,
            Certainty::Possibly => Certainty::Possibly,
            Certainty::No => Certainty::Certainly,
        }
    }

    /// Whether something that starts on `self` (inclusive) and ends on `end` (exclusive, `None`
    /// while open) is in force on `day`.
    pub fn in_force(self, end: Option<PartialDate>, day: NaiveDate) -> Certainty {
        let started = self.on_or_before(day);
        let not_ended = end.map_or(Certainty::Certainly, |e| e.after(day));
        started.min(not_ended)
    }
}

impl From<NaiveDate> for PartialDate {
    fn from(d: NaiveDate) -> Self {
        PartialDate::Day(d)
    }
}

impl fmt::Display for PartialDate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PartialDate::Day(d) => write!(f, "{d}"),
            PartialDate::Month(y, m) => write!(f, "{y:04}-{m:02}"),
            PartialDate::Year(y) => write!(f, "{y:04}"),
        }
    }
}

impl FromStr for PartialDate {
    type Err = PartialDateError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || PartialDateError {
            text: s.chars().take(32).collect(),
        };
        let digits = |p: &str, n: usize| p.len() == n && p.bytes().all(|b| b.is_ascii_digit());
        let parts: Vec<&str> = s.split('-').collect();
        match parts.as_slice() {
            [y] if digits(y, 4) => y.parse().ok().and_then(PartialDate::year).ok_or_else(err),
            [y, m] if digits(y, 4) && digits(m, 2) => {
                let (y, m) = (y.parse().map_err(|_| err())?, m.parse().map_err(|_| err())?);
                PartialDate::month(y, m).ok_or_else(err)
            }
            [y, m, d] if digits(y, 4) && digits(m, 2) && digits(d, 2) => {
                let (y, m, d) = (y.parse(), m.parse(), d.parse());
                let (Ok(y), Ok(m), Ok(d)) = (y, m, d) else {
                    return Err(err());
                };
                NaiveDate::from_ymd_opt(y, m, d)
                    .map(PartialDate::Day)
                    .ok_or_else(err)
            }
            _ => Err(err()),
        }
    }
}

impl Serialize for PartialDate {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for PartialDate {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn parses_and_renders_each_precision() {
        for text in ["2016", "2016-09", "2016-09-30"] {
            let p: PartialDate = text.parse().unwrap();
            assert_eq!(p.to_string(), text);
        }
        for bad in [
            "16",
            "2016-9",
            "2016-13",
            "2016-02-30",
            "2016-09-01-01",
            "",
            "abcd",
        ] {
            assert!(bad.parse::<PartialDate>().is_err(), "{bad}");
        }
    }

    #[test]
    fn months_are_intervals() {
        let p: PartialDate = "2017-08".parse().unwrap();
        assert_eq!(p.earliest(), day("2017-08-01"));
        assert_eq!(p.latest(), day("2017-08-31"));
        assert_eq!(p.on_or_before(day("2017-09-01")), Certainty::Certainly);
        assert_eq!(p.on_or_before(day("2017-08-15")), Certainty::Possibly);
        assert_eq!(p.on_or_before(day("2017-07-31")), Certainty::No);
        let feb: PartialDate = "2024-02".parse().unwrap();
        assert_eq!(feb.latest(), day("2024-02-29"));
        let dec: PartialDate = "2023-12".parse().unwrap();
        assert_eq!(dec.latest(), day("2023-12-31"));
    }

    #[test]
    fn in_force_combines_start_and_end() {
        let start: PartialDate = "2017-08".parse().unwrap();
        let end: PartialDate = "2020".parse().unwrap();
        assert_eq!(
            start.in_force(Some(end), day("2018-01-01")),
            Certainty::Certainly
        );
        assert_eq!(
            start.in_force(Some(end), day("2020-06-01")),
            Certainty::Possibly
        );
        assert_eq!(start.in_force(Some(end), day("2021-01-01")), Certainty::No);
        assert_eq!(start.in_force(None, day("2017-08-02")), Certainty::Possibly);
    }
}
