//! Dates, local date-times (Asia/Shanghai, UTC+8 all year) and periods in the
//! forms Chinese departments write them.

use chrono::{Datelike, NaiveDate, NaiveDateTime, NaiveTime};
use std::fmt;

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error(
        "日期无法识别（应为2026-03-01、2026/3/1、20260301或2026年3月1日） / unrecognized date (expected 2026-03-01, 2026/3/1, 20260301 or 2026年3月1日)"
    )]
    Format(String),
    #[error("日期不存在 / no such date")]
    NoSuchDate(String),
    #[error("时间无法识别（应为日期加HH:MM[:SS]） / unrecognized date-time (expected a date and HH:MM[:SS])")]
    TimeFormat(String),
    #[error(
        "所属期无法识别（应为2026-03、202603或2026年3月） / unrecognized period (expected 2026-03, 202603 or 2026年3月)"
    )]
    PeriodFormat(String),
}

/// Parses `2026-03-01`, `2026/3/1`, `2026.3.1`, `20260301` or `2026年3月1日`.
pub fn parse_date(input: &str) -> Result<NaiveDate, DateError> {
    let s = crate::text::trim(input);
    let format = || DateError::Format(s.to_owned());
    let (y, m, d) = if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        (&s[..4], &s[4..6], &s[6..])
    } else if let Some(rest) = s.strip_suffix('日') {
        let (y, rest) = rest.split_once('年').ok_or_else(format)?;
        let (m, d) = rest.split_once('月').ok_or_else(format)?;
        (y, m, d)
    } else {
        // The separator is ASCII, so the byte positions around it are character boundaries.
        let bytes = s.as_bytes();
        let first = bytes.iter().position(|b| matches!(b, b'-' | b'/' | b'.')).ok_or_else(format)?;
        let sep = bytes[first];
        let second = first + 1 + bytes[first + 1..].iter().position(|&b| b == sep).ok_or_else(format)?;
        if bytes[second + 1..].contains(&sep) {
            return Err(format());
        }
        (&s[..first], &s[first + 1..second], &s[second + 1..])
    };
    let y = crate::text::trim(y);
    let (m, d) = (crate::text::trim(m), crate::text::trim(d));
    let valid_part = |p: &str, max: usize| !p.is_empty() && p.len() <= max && p.bytes().all(|b| b.is_ascii_digit());
    if y.len() != 4 || !valid_part(y, 4) || !valid_part(m, 2) || !valid_part(d, 2) {
        return Err(format());
    }
    // Every part is 1 to 4 ASCII digits (checked above).
    let number = |p: &str| p.bytes().fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
    NaiveDate::from_ymd_opt(number(y) as i32, number(m), number(d)).ok_or_else(|| DateError::NoSuchDate(s.to_owned()))
}

/// Parses a date form followed by ` HH:MM[:SS]` (or `T`), or a bare date (midnight).
pub fn parse_datetime(input: &str) -> Result<NaiveDateTime, DateError> {
    let s = crate::text::trim(input);
    let split = s.find([' ', 'T']).or_else(|| s.find('日').map(|i| i + '日'.len_utf8()));
    let (date_part, time_part) = match split {
        Some(i) if i < s.len() => (&s[..i], s[i..].trim_start_matches(['T', ' '])),
        _ => (s, ""),
    };
    let date = parse_date(date_part).map_err(|e| match e {
        DateError::Format(_) => DateError::TimeFormat(s.to_owned()),
        other => other,
    })?;
    if time_part.is_empty() {
        return Ok(date.and_time(NaiveTime::MIN));
    }
    let time = plain_time(time_part)
        .map(Ok)
        .unwrap_or_else(|| {
            NaiveTime::parse_from_str(time_part, "%H:%M:%S").or_else(|_| NaiveTime::parse_from_str(time_part, "%H:%M"))
        })
        .map_err(|_| DateError::TimeFormat(s.to_owned()))?;
    Ok(date.and_time(time))
}

/// `HH:MM:SS` or `HH:MM` with two digits each and no leap second, as most files
/// write it, read without chrono's format parser (which reads them the same).
fn plain_time(text: &str) -> Option<NaiveTime> {
    let b = text.as_bytes();
    let two = |i: usize| {
        let (h, l) = (b[i], b[i + 1]);
        (h.is_ascii_digit() && l.is_ascii_digit()).then(|| u32::from(h - b'0') * 10 + u32::from(l - b'0'))
    };
    match b.len() {
        8 if b[2] == b':' && b[5] == b':' => NaiveTime::from_hms_opt(two(0)?, two(3)?, two(6)?),
        5 if b[2] == b':' => NaiveTime::from_hms_opt(two(0)?, two(3)?, 0),
        _ => None,
    }
}

/// Converts an Excel serial date (1900 date system) to a date-time.
pub fn excel_serial_to_datetime(serial: f64) -> Option<NaiveDateTime> {
    if !serial.is_finite() || !(1.0..2_958_466.0).contains(&serial) {
        return None;
    }
    // Excel counts 1900-02-29, which never existed; from 1900-03-01 on the
    // epoch 1899-12-30 gives the right day.
    let epoch =
        if serial < 61.0 { NaiveDate::from_ymd_opt(1899, 12, 31)? } else { NaiveDate::from_ymd_opt(1899, 12, 30)? };
    let days = serial.floor() as i64;
    let seconds = ((serial - serial.floor()) * 86_400.0).round() as i64;
    let date = epoch.checked_add_signed(chrono::Duration::days(days))?;
    date.and_time(NaiveTime::MIN).checked_add_signed(chrono::Duration::seconds(seconds))
}

/// A year and month (所属期).
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    year: i32,
    month: u32,
}

impl Period {
    pub fn new(year: i32, month: u32) -> Option<Period> {
        ((1000..=9999).contains(&year) && (1..=12).contains(&month)).then_some(Period { year, month })
    }

    pub fn of(date: NaiveDate) -> Period {
        Period { year: date.year(), month: date.month() }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn month(self) -> u32 {
        self.month
    }

    pub fn first_day(self) -> NaiveDate {
        NaiveDate::from_ymd_opt(self.year, self.month, 1).unwrap_or(NaiveDate::MIN)
    }
}

/// Parses `2026-03`, `2026/3`, `202603` or `2026年3月`.
pub fn parse_period(input: &str) -> Result<Period, DateError> {
    let s = crate::text::trim(input);
    let format = || DateError::PeriodFormat(s.to_owned());
    let (y, m) = if s.len() == 6 && s.bytes().all(|b| b.is_ascii_digit()) {
        (&s[..4], &s[4..])
    } else if let Some(rest) = s.strip_suffix('月').or_else(|| s.strip_suffix("月份")) {
        rest.split_once('年').ok_or_else(format)?
    } else {
        // The separators are ASCII, so the positions around one are character boundaries.
        let at = s.bytes().position(|b| matches!(b, b'-' | b'/' | b'.')).ok_or_else(format)?;
        (&s[..at], &s[at + 1..])
    };
    let (y, m) = (crate::text::trim(y), crate::text::trim(m));
    if y.len() != 4 || m.is_empty() || m.len() > 2 || !y.bytes().chain(m.bytes()).all(|b| b.is_ascii_digit()) {
        return Err(format());
    }
    // Both parts are ASCII digits (checked above), at most four.
    let number = |p: &str| p.bytes().fold(0u32, |n, b| n * 10 + u32::from(b - b'0'));
    Period::new(number(y) as i32, number(m)).ok_or_else(format)
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}", self.year, self.month)
    }
}

impl fmt::Debug for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Period({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn dates_in_every_contract_form() {
        for input in ["2026-03-01", "2026/3/1", "20260301", "2026年3月1日", "2026.03.01", " 2026-3-1 "] {
            assert_eq!(parse_date(input), Ok(ymd(2026, 3, 1)), "{input}");
        }
        assert!(matches!(parse_date("2026-02-30"), Err(DateError::NoSuchDate(_))));
        assert!(matches!(parse_date("03/01/2026"), Err(DateError::Format(_))));
        assert!(matches!(parse_date("yesterday"), Err(DateError::Format(_))));
        assert!(matches!(parse_date("2026-03-01-02"), Err(DateError::Format(_))));
    }

    #[test]
    fn datetimes() {
        let t = ymd(2026, 3, 1).and_hms_opt(8, 5, 0).unwrap();
        for input in
            ["2026-03-01 08:05", "2026/3/1 08:05:00", "20260301 08:05", "2026年3月1日 08:05", "2026-03-01T08:05:00"]
        {
            assert_eq!(parse_datetime(input), Ok(t), "{input}");
        }
        assert_eq!(parse_datetime("2026-03-01"), Ok(ymd(2026, 3, 1).and_hms_opt(0, 0, 0).unwrap()));
        assert!(parse_datetime("2026-03-01 25:00").is_err());
    }

    #[test]
    fn plain_times_read_as_chrono_reads_them() {
        let chrono =
            |t: &str| NaiveTime::parse_from_str(t, "%H:%M:%S").or_else(|_| NaiveTime::parse_from_str(t, "%H:%M")).ok();
        for h in ["00", "09", "23", "24", "9", "0a"] {
            for m in ["00", "59", "60", "5"] {
                for s in ["", ":00", ":59", ":60", ":7", ":5x"] {
                    let text = format!("{h}:{m}{s}");
                    let date = ymd(2026, 3, 1);
                    let expected = chrono(&text).map(|t| date.and_time(t));
                    assert_eq!(parse_datetime(&format!("2026-03-01 {text}")).ok(), expected, "{text}");
                }
            }
        }
    }

    #[test]
    fn periods() {
        for input in ["2026-03", "202603", "2026年3月", "2026/3"] {
            assert_eq!(parse_period(input), Ok(Period::new(2026, 3).unwrap()), "{input}");
        }
        assert!(parse_period("2026-13").is_err());
        assert!(parse_period("March").is_err());
    }

    #[test]
    fn excel_serials() {
        assert_eq!(excel_serial_to_datetime(46082.0), Some(ymd(2026, 3, 1).and_hms_opt(0, 0, 0).unwrap()));
        assert_eq!(excel_serial_to_datetime(46082.5), Some(ymd(2026, 3, 1).and_hms_opt(12, 0, 0).unwrap()));
        assert_eq!(excel_serial_to_datetime(1.0), Some(ymd(1900, 1, 1).and_hms_opt(0, 0, 0).unwrap()));
        assert_eq!(excel_serial_to_datetime(f64::NAN), None);
    }

    proptest! {
        #[test]
        fn every_date_form_round_trips(days in 0i64..80_000) {
            let date = ymd(1900, 1, 1) + chrono::Duration::days(days);
            for form in ["%Y-%m-%d", "%Y/%-m/%-d", "%Y%m%d", "%Y年%-m月%-d日"] {
                prop_assert_eq!(parse_date(&date.format(form).to_string()), Ok(date));
            }
            let period = Period::of(date);
            prop_assert_eq!(parse_period(&period.to_string()), Ok(period));
        }
    }
}
