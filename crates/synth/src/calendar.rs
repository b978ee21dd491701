//! The State Council's holiday arrangements (国务院办公厅关于部分节假日安排的通知)
//! for the years the county covers, written out as table `calendar`.

use chrono::{Datelike, NaiveDate, Weekday};

/// `(first day, last day)` of each holiday, and the swapped working weekends.
type Year = (&'static [((u32, u32), (u32, u32))], &'static [(u32, u32)]);

const Y2025: Year = (
    &[((1, 1), (1, 1)), ((1, 28), (2, 4)), ((4, 4), (4, 6)), ((5, 1), (5, 5)), ((5, 31), (6, 2)), ((10, 1), (10, 8))],
    &[(1, 26), (2, 8), (4, 27), (9, 28), (10, 11)],
);
const Y2026: Year = (
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
);

fn year(y: i32) -> Option<Year> {
    match y {
        2025 => Some(Y2025),
        2026 => Some(Y2026),
        _ => None,
    }
}

pub fn is_holiday(d: NaiveDate) -> bool {
    year(d.year()).is_some_and(|(holidays, _)| {
        holidays.iter().any(|&((m1, d1), (m2, d2))| {
            let from = NaiveDate::from_ymd_opt(d.year(), m1, d1);
            let to = NaiveDate::from_ymd_opt(d.year(), m2, d2);
            matches!((from, to), (Some(f), Some(t)) if f <= d && d <= t)
        })
    })
}

pub fn is_swapped_workday(d: NaiveDate) -> bool {
    year(d.year()).is_some_and(|(_, swapped)| swapped.iter().any(|&(m, day)| d.month() == m && d.day() == day))
}

pub fn is_weekend(d: NaiveDate) -> bool {
    matches!(d.weekday(), Weekday::Sat | Weekday::Sun)
}

/// A day on which background activity may safely happen: Monday to Friday, not a
/// holiday, and not next to one (so that no reading of the calendar makes it a rest day).
pub fn is_safe_workday(d: NaiveDate) -> bool {
    let near_holiday = (-1..=1).any(|k| is_holiday(d + chrono::Duration::days(k)));
    !is_weekend(d) && !near_holiday && !is_swapped_workday(d)
}

/// Every holiday and swapped working day, in date order.
pub fn entries() -> Vec<(NaiveDate, &'static str)> {
    let mut all = Vec::new();
    for y in [2025, 2026] {
        let Some((holidays, swapped)) = year(y) else {
            continue;
        };
        for &((m1, d1), (m2, d2)) in holidays {
            let (Some(mut d), Some(to)) = (NaiveDate::from_ymd_opt(y, m1, d1), NaiveDate::from_ymd_opt(y, m2, d2))
            else {
                continue;
            };
            while d <= to {
                all.push((d, "节假日"));
                d += chrono::Duration::days(1);
            }
        }
        for &(m, day) in swapped {
            if let Some(d) = NaiveDate::from_ymd_opt(y, m, day) {
                all.push((d, "调休上班"));
            }
        }
    }
    all.sort();
    all
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn known_days() {
        assert!(is_holiday(d(2025, 10, 2)));
        assert!(is_holiday(d(2026, 2, 17)));
        assert!(is_swapped_workday(d(2025, 9, 28)));
        assert!(!is_safe_workday(d(2025, 9, 30)), "next to National Day");
        assert!(is_safe_workday(d(2025, 3, 12)));
        // Swapped workdays are weekends on which people work.
        for (day, kind) in entries() {
            if kind == "调休上班" {
                assert!(is_weekend(day), "{day}");
            }
        }
    }
}
