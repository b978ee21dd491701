//! The State Council's holiday arrangements (国务院办公厅关于部分节假日安排的通知),
//! shipped for 2019–2026: statutory holidays with the days taken in lieu, and the
//! weekend days worked instead (调休上班). Newer years arrive as table `calendar`
//! and override these day by day (see `engine`).

use chrono::{Datelike, NaiveDate, Weekday};

/// `(first day, last day)` of each holiday period, and the swapped working days.
type Year = (i32, &'static [((u32, u32), (u32, u32))], &'static [(u32, u32)]);

/// Each year as its notice gives it.
const YEARS: &[Year] = &[
    // 国办发明电〔2018〕15号; May Day as adjusted by 国办发明电〔2019〕3号. (New Year 2019
    // began on 2018-12-30; its swapped day, 2018-12-29, lies outside the years shipped.)
    (
        2019,
        &[
            ((1, 1), (1, 1)),
            ((2, 4), (2, 10)),
            ((4, 5), (4, 7)),
            ((5, 1), (5, 4)),
            ((6, 7), (6, 9)),
            ((9, 13), (9, 15)),
            ((10, 1), (10, 7)),
        ],
        &[(2, 2), (2, 3), (4, 28), (5, 5), (9, 29), (10, 12)],
    ),
    // 国办发明电〔2019〕16号; the Spring Festival extended to 2 February by 国办发明电〔2020〕1号,
    // which made 1 February, a swapped working Saturday, a holiday.
    (
        2020,
        &[
            ((1, 1), (1, 1)),
            ((1, 24), (2, 2)),
            ((4, 4), (4, 6)),
            ((5, 1), (5, 5)),
            ((6, 25), (6, 27)),
            ((10, 1), (10, 8)),
        ],
        &[(1, 19), (4, 26), (5, 9), (6, 28), (9, 27), (10, 10)],
    ),
    // 2021年部分节假日安排.
    (
        2021,
        &[
            ((1, 1), (1, 3)),
            ((2, 11), (2, 17)),
            ((4, 3), (4, 5)),
            ((5, 1), (5, 5)),
            ((6, 12), (6, 14)),
            ((9, 19), (9, 21)),
            ((10, 1), (10, 7)),
        ],
        &[(2, 7), (2, 20), (4, 25), (5, 8), (9, 18), (9, 26), (10, 9)],
    ),
    // 2022年部分节假日安排 (2021-10-25).
    (
        2022,
        &[
            ((1, 1), (1, 3)),
            ((1, 31), (2, 6)),
            ((4, 3), (4, 5)),
            ((4, 30), (5, 4)),
            ((6, 3), (6, 5)),
            ((9, 10), (9, 12)),
            ((10, 1), (10, 7)),
            ((12, 31), (12, 31)),
        ],
        &[(1, 29), (1, 30), (4, 2), (4, 24), (5, 7), (10, 8), (10, 9)],
    ),
    // 国办发明电〔2022〕16号 (New Year 2023: 2022-12-31 to 2023-01-02).
    (
        2023,
        &[
            ((1, 1), (1, 2)),
            ((1, 21), (1, 27)),
            ((4, 5), (4, 5)),
            ((4, 29), (5, 3)),
            ((6, 22), (6, 24)),
            ((9, 29), (10, 6)),
        ],
        &[(1, 28), (1, 29), (4, 23), (5, 6), (6, 25), (10, 7), (10, 8)],
    ),
    // 2024年部分节假日安排 (2023-10-25).
    (
        2024,
        &[
            ((1, 1), (1, 1)),
            ((2, 10), (2, 17)),
            ((4, 4), (4, 6)),
            ((5, 1), (5, 5)),
            ((6, 10), (6, 10)),
            ((9, 15), (9, 17)),
            ((10, 1), (10, 7)),
        ],
        &[(2, 4), (2, 18), (4, 7), (4, 28), (5, 11), (9, 14), (9, 29), (10, 12)],
    ),
    // 国办发明电〔2024〕12号.
    (
        2025,
        &[
            ((1, 1), (1, 1)),
            ((1, 28), (2, 4)),
            ((4, 4), (4, 6)),
            ((5, 1), (5, 5)),
            ((5, 31), (6, 2)),
            ((10, 1), (10, 8)),
        ],
        &[(1, 26), (2, 8), (4, 27), (9, 28), (10, 11)],
    ),
    // 2026年部分节假日安排 (2025-11-04).
    (
        2026,
        &[
            ((1, 1), (1, 3)),
            ((2, 15), (2, 23)),
            ((4, 4), (4, 6)),
            ((5, 1), (5, 5)),
            ((6, 19), (6, 21)),
            ((9, 25), (9, 27)),
            ((10, 1), (10, 7)),
        ],
        &[(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)],
    ),
];

/// The first and last year shipped.
pub const YEARS_SHIPPED: (i32, i32) = (2019, 2026);

fn year(y: i32) -> Option<&'static Year> {
    YEARS.iter().find(|(year, _, _)| *year == y)
}

/// A statutory holiday or a day taken in lieu (放假).
pub fn is_holiday(d: NaiveDate) -> bool {
    year(d.year()).is_some_and(|(_, holidays, _)| {
        holidays
            .iter()
            .any(|&((m1, d1), (m2, d2))| (m1, d1) <= (d.month(), d.day()) && (d.month(), d.day()) <= (m2, d2))
    })
}

/// A weekend day worked in exchange for a holiday (调休上班).
pub fn is_swapped_workday(d: NaiveDate) -> bool {
    year(d.year()).is_some_and(|(_, _, swapped)| swapped.contains(&(d.month(), d.day())))
}

pub fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// A day off: a holiday, or a weekend day that is not swapped.
pub fn is_rest_day(d: NaiveDate) -> bool {
    is_holiday(d) || (is_weekend(d) && !is_swapped_workday(d))
}

pub fn is_workday(d: NaiveDate) -> bool {
    !is_rest_day(d)
}

/// The first working day after `d`.
pub fn next_workday(d: NaiveDate) -> NaiveDate {
    let mut next = d + chrono::Duration::days(1);
    // Holidays last at most ten days; the bound only guards against a broken table.
    for _ in 0..30 {
        if is_workday(next) {
            break;
        }
        next += chrono::Duration::days(1);
    }
    next
}

/// The `n`th working day after `d`, by a calendar that may override the shipped
/// one (`overrides` says `Some(true)` for a working day, `Some(false)` for a day off).
pub fn add_workdays(d: NaiveDate, n: u32, overrides: impl Fn(NaiveDate) -> Option<bool>) -> NaiveDate {
    let mut day = d;
    let mut left = n;
    // A year has about 250 working days; the bound guards against a calendar of only days off.
    let mut guard = 0;
    while left > 0 && guard < 366 * 10 {
        day += chrono::Duration::days(1);
        guard += 1;
        if overrides(day).unwrap_or_else(|| is_workday(day)) {
            left -= 1;
        }
    }
    day
}

/// Working days after `from` up to and including `to` (negative when `to` is earlier).
pub fn workdays_between(from: NaiveDate, to: NaiveDate) -> i64 {
    let (lo, hi, sign) = if from <= to { (from, to, 1) } else { (to, from, -1) };
    let mut n = 0;
    let mut d = lo + chrono::Duration::days(1);
    while d <= hi {
        n += i64::from(is_workday(d));
        d += chrono::Duration::days(1);
    }
    sign * n
}

/// Every holiday and swapped working day shipped, in date order, as table
/// `calendar` has them (`holiday` or `workday`).
pub fn entries() -> Vec<(NaiveDate, &'static str)> {
    let mut all = Vec::new();
    for &(y, holidays, swapped) in YEARS {
        for &((m1, d1), (m2, d2)) in holidays {
            let (Some(mut d), Some(to)) = (NaiveDate::from_ymd_opt(y, m1, d1), NaiveDate::from_ymd_opt(y, m2, d2))
            else {
                continue;
            };
            while d <= to {
                all.push((d, "holiday"));
                d += chrono::Duration::days(1);
            }
        }
        for &(m, day) in swapped {
            if let Some(d) = NaiveDate::from_ymd_opt(y, m, day) {
                all.push((d, "workday"));
            }
        }
    }
    all.sort();
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn twenty_working_days_over_national_day() {
        // Checked on Friday 26 September 2025: the National Day and Mid-Autumn break
        // (1–8 October) and its swapped Saturday working days (28 September, 11 October)
        // count as they should.
        // 28, 29, 30 September; 9, 10, 11 October; then 14 working days to the 30th.
        let due = add_workdays(d(2025, 9, 26), 20, |_| None);
        assert_eq!(due, d(2025, 10, 30));
        // An imported calendar can add a day off.
        let due = add_workdays(d(2025, 9, 26), 20, |x| (x == d(2025, 10, 29)).then_some(false));
        assert_eq!(due, d(2025, 10, 31));
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn days(y: i32, list: &[(u32, u32)]) -> Vec<NaiveDate> {
        list.iter().map(|&(m, day)| d(y, m, day)).collect()
    }

    /// The 2025 and 2026 notices, day by day: every rest day of the year that is not a
    /// plain weekend, and every weekend day worked.
    #[test]
    fn the_2025_and_2026_notices_day_by_day() {
        let cases = [
            (
                2025,
                days(
                    2025,
                    &[
                        (1, 1),
                        (1, 28),
                        (1, 29),
                        (1, 30),
                        (1, 31),
                        (2, 3),
                        (2, 4),
                        (4, 4),
                        (5, 1),
                        (5, 2),
                        (5, 5),
                        (6, 2),
                        (10, 1),
                        (10, 2),
                        (10, 3),
                        (10, 6),
                        (10, 7),
                        (10, 8),
                    ],
                ),
                days(2025, &[(1, 26), (2, 8), (4, 27), (9, 28), (10, 11)]),
            ),
            (
                2026,
                days(
                    2026,
                    &[
                        (1, 1),
                        (1, 2),
                        (2, 16),
                        (2, 17),
                        (2, 18),
                        (2, 19),
                        (2, 20),
                        (2, 23),
                        (4, 6),
                        (5, 1),
                        (5, 4),
                        (5, 5),
                        (6, 19),
                        (9, 25),
                        (10, 1),
                        (10, 2),
                        (10, 5),
                        (10, 6),
                        (10, 7),
                    ],
                ),
                days(2026, &[(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)]),
            ),
        ];
        for (y, weekday_holidays, worked_weekend_days) in cases {
            let mut day = d(y, 1, 1);
            while day.year() == y {
                let expected_rest =
                    if is_weekend(day) { !worked_weekend_days.contains(&day) } else { weekday_holidays.contains(&day) };
                assert_eq!(is_rest_day(day), expected_rest, "{day} ({})", day.weekday());
                day += chrono::Duration::days(1);
            }
        }
    }

    #[test]
    fn every_swapped_day_is_a_weekend_day_and_no_holiday() {
        for (day, kind) in entries() {
            if kind == "workday" {
                assert!(is_weekend(day) && !is_holiday(day), "{day}");
            }
        }
        assert!(entries().iter().all(|(d, _)| (2019..=2026).contains(&d.year())));
    }

    #[test]
    fn working_day_arithmetic() {
        // National Day 2025: Tuesday 30 September, then back on Thursday 9 October.
        assert_eq!(next_workday(d(2025, 9, 30)), d(2025, 10, 9));
        // Friday 10 October, then the swapped Saturday.
        assert_eq!(next_workday(d(2025, 10, 10)), d(2025, 10, 11));
        assert_eq!(workdays_between(d(2025, 9, 26), d(2025, 10, 13)), 7);
        assert_eq!(workdays_between(d(2025, 10, 13), d(2025, 9, 26)), -7);
        // The 2020 Spring Festival, extended: 1 February 2020 was no longer worked.
        assert!(is_rest_day(d(2020, 2, 1)) && is_workday(d(2020, 1, 19)) && is_workday(d(2020, 2, 3)));
        // Outside the shipped years: Monday to Friday.
        assert!(is_workday(d(2030, 10, 1)) && is_rest_day(d(2030, 10, 5)));
    }
}
