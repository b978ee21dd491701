//! The State Council's holiday arrangements (国务院办公厅关于部分节假日安排的通知)
//! for the years the county covers, written out as table `calendar`.

use chrono::{Datelike, NaiveDate};

pub use domain::calendar::{is_holiday, is_swapped_workday, is_weekend};

/// A day on which background activity may safely happen: Monday to Friday, not a
/// holiday, and not next to one (so that no reading of the calendar makes it a rest day).
pub fn is_safe_workday(d: NaiveDate) -> bool {
    let near_holiday = (-1..=1).any(|k| is_holiday(d + chrono::Duration::days(k)));
    !is_weekend(d) && !near_holiday && !is_swapped_workday(d)
}

/// Every holiday and swapped working day of the county's years (2025 and 2026), in
/// date order, with the Chinese labels a department would write.
pub fn entries() -> Vec<(NaiveDate, &'static str)> {
    domain::calendar::entries()
        .into_iter()
        .filter(|(d, _)| (2025..=2026).contains(&d.year()))
        .map(|(d, kind)| (d, if kind == "holiday" { "节假日" } else { "调休上班" }))
        .collect()
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
