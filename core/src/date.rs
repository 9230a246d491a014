//! Dates known only to the year or month (2016年9月), kept as such and read as intervals.
//!
//! The sources often say "in September 2016". A [`PartialDate`] stores exactly what is known and
//! renders it the same way (`2016-09`). Asked "as of" a day it is an interval: a designation
//! conferred in `2017-08` is *certainly* in force on 2017-09-01 and only *possibly* on 2017-08-15.

use chrono::{Datelike, NaiveDate, NaiveDateTime};
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
            // Four-digit years only: `parse_day` alone would take signed ones too.
            [y, _, _] if digits(y, 4) => parse_day(s).map(PartialDate::Day).ok_or_else(err),
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

/// Reads a day written `YYYY-MM-DD`, the form tongxin (through chrono's `Display`) writes days
/// in; a year outside 0–9999 as chrono writes it, signed and with more digits
/// (`+12345-01-01`, `-0001-12-31`). `None` for any other text or a day that does not exist.
///
/// Every day read from JSON goes through this function rather than chrono's `FromStr`, whose
/// general format parser would be most of chrono's share of the WASM module. It is stricter
/// than chrono's: no spaces, no one-digit months or days.
///
/// ```
/// use tongxin::date::parse_day;
/// use chrono::NaiveDate;
/// assert_eq!(parse_day("2024-02-29"), NaiveDate::from_ymd_opt(2024, 2, 29));
/// assert_eq!(parse_day("2023-02-29"), None);
/// assert_eq!(parse_day("2024-2-29"), None);
/// ```
pub fn parse_day(text: &str) -> Option<NaiveDate> {
    let (sign, rest) = match text.as_bytes().first()? {
        b'+' => (1, &text[1..]),
        b'-' => (-1, &text[1..]),
        _ => (0, text),
    };
    let (year, rest) = rest.split_at_checked(rest.len().checked_sub(6)?)?;
    // Unsigned years have four digits; signed ones at least four.
    if (sign == 0 && year.len() != 4) || year.len() < 4 || year.len() > 6 {
        return None;
    }
    let year = i32::try_from(digits_value(year)?).ok()? * if sign < 0 { -1 } else { 1 };
    let rest = rest.as_bytes();
    if rest[0] != b'-' || rest[3] != b'-' {
        return None;
    }
    let month = digits_value(std::str::from_utf8(&rest[1..3]).ok()?)?;
    let day = digits_value(std::str::from_utf8(&rest[4..6]).ok()?)?;
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Reads a moment written `YYYY-MM-DDTHH:MM:SS` with an optional fraction of a second (one to
/// nine digits), as chrono's serde writes a `NaiveDateTime` (a leap second as `:60`). `None` for
/// any other text. Like [`parse_day`], stricter than chrono's `FromStr`.
pub fn parse_moment(text: &str) -> Option<NaiveDateTime> {
    let (day, time) = text.split_once('T')?;
    let day = parse_day(day)?;
    let (hms, fraction) = match time.split_once('.') {
        Some((hms, f)) if (1..=9).contains(&f.len()) => (hms, Some(f)),
        Some(_) => return None,
        None => (time, None),
    };
    let b = hms.as_bytes();
    if b.len() != 8 || b[2] != b':' || b[5] != b':' {
        return None;
    }
    let (h, m, s) = (
        digits_value(hms.get(0..2)?)?,
        digits_value(hms.get(3..5)?)?,
        digits_value(hms.get(6..8)?)?,
    );
    let nano = match fraction {
        Some(f) => digits_value(f)? * 10u32.pow(9 - f.len() as u32),
        None => 0,
    };
    // chrono keeps a leap second as second 59 with a nanosecond count past one second.
    let (s, nano) = if s == 60 {
        (59, nano + 1_000_000_000)
    } else {
        (s, nano)
    };
    day.and_hms_nano_opt(h, m, s, nano)
}

/// The value of a text of ASCII digits only (at most nine of them), else `None`.
pub(crate) fn digits_value(digits: &str) -> Option<u32> {
    if digits.is_empty() || digits.len() > 9 {
        return None;
    }
    digits.bytes().try_fold(0u32, |n, c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

/// Reads a string through `parse`; the error quotes (the first 40 characters of) the text and
/// says what it is not.
fn read<'de, D: Deserializer<'de>, T>(
    d: D,
    parse: fn(&str) -> Option<T>,
    expected: &str,
) -> Result<T, D::Error> {
    let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
    parse(&text).ok_or_else(|| {
        let shown: String = text.chars().take(40).collect();
        serde::de::Error::custom(format_args!("`{shown}` is not {expected}"))
    })
}

/// serde for a `NaiveDate` field through [`parse_day`]: `#[serde(with = "crate::date::day")]`.
/// Written as chrono writes it.
pub(crate) mod day {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(d)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        read(d, parse_day, "a day of the form YYYY-MM-DD")
    }
}

/// serde for an `Option<NaiveDate>` field through [`parse_day`]:
/// `#[serde(default, with = "crate::date::day_opt")]` (`null` or absent is `None`).
pub(crate) mod day_opt {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => day::serialize(d, s),
            None => s.serialize_none(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<NaiveDate>, D::Error> {
        /// The `Some` side, read through [`day`].
        struct Day(NaiveDate);
        impl<'de> Deserialize<'de> for Day {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                day::deserialize(d).map(Day)
            }
        }
        Ok(Option::<Day>::deserialize(d)?.map(|Day(d)| d))
    }
}

/// serde for a `NaiveDateTime` field through [`parse_moment`]:
/// `#[serde(with = "crate::date::moment")]`. Written as chrono's serde writes it.
pub(crate) mod moment {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(m: &NaiveDateTime, s: S) -> Result<S::Ok, S::Error> {
        m.serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDateTime, D::Error> {
        read(d, parse_moment, "a moment of the form YYYY-MM-DDTHH:MM:SS")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn days_and_moments_hand_checked() {
        assert_eq!(parse_day("2024-02-29"), Some(day("2024-02-29")));
        assert_eq!(
            parse_day("+12345-01-01"),
            NaiveDate::from_ymd_opt(12345, 1, 1)
        );
        assert_eq!(
            parse_day("-0001-12-31"),
            NaiveDate::from_ymd_opt(-1, 12, 31)
        );
        for bad in [
            "2023-02-29",
            "2024-2-29",
            " 2024-02-29",
            "2024-02-29 ",
            "24-02-29",
            "12345-01-01",
            "+1234567-01-01",
            "2024/02/29",
            "2024-02-2９",
            "",
            "-",
        ] {
            assert_eq!(parse_day(bad), None, "{bad}");
        }
        let at = |s: &str| NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f").unwrap();
        assert_eq!(
            parse_moment("2024-05-07T09:30:00"),
            Some(at("2024-05-07T09:30:00"))
        );
        assert_eq!(
            parse_moment("2024-05-07T09:30:00.25"),
            Some(at("2024-05-07T09:30:00.250"))
        );
        for bad in [
            "2024-05-07 09:30:00",
            "2024-05-07T09:30",
            "2024-05-07T9:30:00",
            "2024-05-07T09:30:00.",
            "2024-05-07T09:30:00.1234567890",
            "2024-05-07T24:00:00",
            "2024-05-07T09:30:00Z",
        ] {
            assert_eq!(parse_moment(bad), None, "{bad}");
        }
    }

    /// A bad day in a request is named, with the value at fault and the form expected.
    #[test]
    fn a_bad_day_in_a_request_is_named() {
        let err = crate::api::parse::<crate::api::Query>(
            r#"{"type":"children","org":"o1","date":"2024-13-01"}"#,
        )
        .unwrap_err();
        assert_eq!(err.code.as_str(), "invalid_json");
        assert!(err.message.starts_with("date: "), "{}", err.message);
        assert!(
            err.message
                .contains("`2024-13-01` is not a day of the form YYYY-MM-DD"),
            "{}",
            err.message
        );
    }

    /// A day or moment as chrono's serde writes it, from across chrono's whole range.
    fn any_day() -> impl Strategy<Value = NaiveDate> {
        (NaiveDate::MIN.num_days_from_ce()..=NaiveDate::MAX.num_days_from_ce())
            .prop_map(|n| NaiveDate::from_num_days_from_ce_opt(n).unwrap())
    }

    /// Texts near the forms: digits, signs, separators in any order, most of them well formed.
    fn near_day_text() -> impl Strategy<Value = String> {
        prop_oneof![
            "[+-]?[0-9]{4,6}-[0-9]{2}-[0-9]{2}",
            "[0-9]{4}-[0-9]{1,2}-[0-9]{1,3}",
            "[0-9 +-]{0,12}",
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(3000))]

        #[test]
        fn every_day_reads_back(d in any_day()) {
            prop_assert_eq!(parse_day(&d.to_string()), Some(d));
        }

        #[test]
        fn every_moment_reads_back(
            d in any_day(),
            secs in 0u32..86_400,
            nano in prop_oneof![Just(0u32), 0u32..1_000_000_000, 1_000_000_000u32..2_000_000_000],
        ) {
            // A leap second only at a minute's last second, as chrono allows it.
            let nano = if secs % 60 == 59 { nano } else { nano % 1_000_000_000 };
            let t = chrono::NaiveTime::from_num_seconds_from_midnight_opt(secs, nano).unwrap();
            let m = d.and_time(t);
            let json = serde_json::to_string(&m).unwrap();
            prop_assert_eq!(parse_moment(json.trim_matches('"')), Some(m), "{}", json);
        }

        /// What is read is what chrono reads; and of the canonical forms, it reads all chrono does.
        #[test]
        fn days_read_as_chrono_reads_them(text in near_day_text()) {
            let chrono = text.parse::<NaiveDate>().ok();
            match parse_day(&text) {
                Some(d) => prop_assert_eq!(chrono, Some(d)),
                None => prop_assert!(
                    chrono.is_none() || !canonical(&text),
                    "chrono reads {} as {:?}", text, chrono
                ),
            }
        }

        #[test]
        fn moments_read_as_chrono_reads_them(
            date in "[0-9]{4}-[0-9]{2}-[0-9]{2}",
            time in "[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?",
        ) {
            let text = format!("{date}T{time}");
            let chrono = text.parse::<NaiveDateTime>().ok();
            prop_assert_eq!(parse_moment(&text), chrono);
        }
    }

    /// `YYYY-MM-DD` with a year of four digits, or signed with four to six.
    fn canonical(text: &str) -> bool {
        let unsigned = text.trim_start_matches(['+', '-']);
        let signed = unsigned.len() != text.len();
        let parts: Vec<&str> = unsigned.split('-').collect();
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        matches!(parts.as_slice(), [y, m, d]
            if digits(y) && digits(m) && digits(d) && m.len() == 2 && d.len() == 2
                && (if signed { (4..=6).contains(&y.len()) } else { y.len() == 4 })
                && text.len() - unsigned.len() <= 1)
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
