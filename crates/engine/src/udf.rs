//! Rust functions models call from SQL where SQL is unnatural.
//!
//! | function | returns |
//! |---|---|
//! | `src(table, _batch, _row, key)` | a source reference for the evidence (`src_…` columns) |
//! | `id_valid(id)` | the ID number's GB 11643 check digit is right |
//! | `age_at(id, date)` | whole years of age at `date`, from the birth date in the ID number |
//! | `norm_name(name)` | the name trimmed, full-width folded, middle dots unified |
//! | `is_workday(date)` | a working day on the holiday calendar (weekends, holidays, swapped workdays) |
//! | `workdays_between(a, b)` | working days after `a` up to and including `b` |
//! | `next_workday(date)` | the first working day after `date` |
//! | `local_date(time)` | the calendar day of a contract date-time in China (UTC+8) |
//! | `matches_method_details(details, include, exclude)` | Cardinal's test of a process's procurement method details against two `|`-separated lists |

use datafusion::arrow::array::Date32Array;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Int64Array, RecordBatch, StringArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Date32Type, Int64Type, TimeUnit, TimestampSecondType};
use datafusion::error::Result;
use datafusion::logical_expr::{ColumnarValue, ScalarUDF, Volatility, create_udf};
use std::collections::HashMap;
use std::sync::Arc;

/// Separates the parts of a source reference (a control character no key contains).
pub const SOURCE_SEPARATOR: char = '\u{1f}';

const EPOCH_DAYS_CE: i32 = 719_163;

fn to_date(days: i32) -> Option<chrono::NaiveDate> {
    chrono::NaiveDate::from_num_days_from_ce_opt(days.checked_add(EPOCH_DAYS_CE)?)
}

#[cfg(test)]
fn from_date(d: chrono::NaiveDate) -> i32 {
    chrono::Datelike::num_days_from_ce(&d) - EPOCH_DAYS_CE
}

/// The State Council's holiday arrangements: an imported `calendar` table's
/// holidays and swapped working days, else the calendar shipped for 2019–2026
/// (`domain::calendar`), else Monday to Friday.
#[derive(Default, Debug)]
pub struct Calendar {
    days: HashMap<i32, bool>,
}

impl Calendar {
    /// From rows `(date, kind)` of table `calendar`.
    pub fn from_batches(batches: &[RecordBatch]) -> Calendar {
        let mut days = HashMap::new();
        for b in batches {
            let (Ok(dates), Ok(kinds)) = (cast(b.column(0), &DataType::Date32), cast(b.column(1), &DataType::Utf8))
            else {
                continue;
            };
            let (dates, kinds) = (dates.as_primitive::<Date32Type>(), kinds.as_string::<i32>());
            for i in 0..b.num_rows() {
                if dates.is_valid(i) && kinds.is_valid(i) {
                    days.insert(dates.value(i), kinds.value(i) == "workday");
                }
            }
        }
        Calendar { days }
    }

    pub fn is_workday(&self, days: i32) -> bool {
        if let Some(&workday) = self.days.get(&days) {
            return workday;
        }
        to_date(days).is_some_and(domain::calendar::is_workday)
    }
}

fn arrays(args: &[ColumnarValue], types: &[DataType]) -> Result<Vec<ArrayRef>> {
    ColumnarValue::values_to_arrays(args)?.iter().zip(types).map(|(a, t)| Ok(cast(a, t)?)).collect()
}

fn udf(
    name: &str,
    input: Vec<DataType>,
    output: DataType,
    f: impl Fn(&[ArrayRef]) -> Result<ArrayRef> + Send + Sync + 'static,
) -> ScalarUDF {
    let types = input.clone();
    create_udf(
        name,
        input,
        output,
        Volatility::Immutable,
        Arc::new(move |args: &[ColumnarValue]| Ok(ColumnarValue::Array(f(&arrays(args, &types)?)?))),
    )
}

/// The birth date in an 18-character ID number, whether or not its check digit is right.
fn birth(id: &str) -> Option<chrono::NaiveDate> {
    let digits = id.get(6..14)?;
    let (y, m, d) = (digits[..4].parse().ok()?, digits[4..6].parse().ok()?, digits[6..].parse().ok()?);
    chrono::NaiveDate::from_ymd_opt(y, m, d)
}

fn age(birth: chrono::NaiveDate, at: chrono::NaiveDate) -> i64 {
    use chrono::Datelike;
    let mut years = i64::from(at.year() - birth.year());
    if (at.month(), at.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

pub fn all(calendar: Arc<Calendar>) -> Vec<ScalarUDF> {
    let utf8 = || DataType::Utf8;
    let workdays = calendar.clone();
    let next = calendar.clone();
    vec![
        udf("src", vec![utf8(), DataType::Int64, DataType::Int64, utf8()], utf8(), |a| {
            let (table, batch, row, key) = (
                a[0].as_string::<i32>(),
                a[1].as_primitive::<Int64Type>(),
                a[2].as_primitive::<Int64Type>(),
                a[3].as_string::<i32>(),
            );
            let s = SOURCE_SEPARATOR;
            let out: StringArray = (0..table.len())
                .map(|i| {
                    (table.is_valid(i) && batch.is_valid(i) && row.is_valid(i)).then(|| {
                        let key = if key.is_valid(i) { key.value(i) } else { "" };
                        format!("{}{s}{}{s}{}{s}{key}", table.value(i), batch.value(i), row.value(i))
                    })
                })
                .collect();
            Ok(Arc::new(out))
        }),
        udf("id_valid", vec![utf8()], DataType::Boolean, |a| {
            let ids = a[0].as_string::<i32>();
            let out: BooleanArray =
                ids.iter().map(|id| id.map(|id| domain::IdNumber::parse(id).is_ok_and(|p| p.as_str() == id))).collect();
            Ok(Arc::new(out))
        }),
        udf("age_at", vec![utf8(), DataType::Date32], DataType::Int64, |a| {
            let (ids, dates) = (a[0].as_string::<i32>(), a[1].as_primitive::<Date32Type>());
            let out: Int64Array = (0..ids.len())
                .map(|i| {
                    if ids.is_null(i) || dates.is_null(i) {
                        return None;
                    }
                    Some(age(birth(ids.value(i))?, to_date(dates.value(i))?))
                })
                .collect();
            Ok(Arc::new(out))
        }),
        udf("norm_name", vec![utf8()], utf8(), |a| {
            let out: StringArray = a[0].as_string::<i32>().iter().map(|n| n.map(domain::normalize_name)).collect();
            Ok(Arc::new(out))
        }),
        udf("is_workday", vec![DataType::Date32], DataType::Boolean, move |a| {
            let out: BooleanArray =
                a[0].as_primitive::<Date32Type>().iter().map(|d| d.map(|d| calendar.is_workday(d))).collect();
            Ok(Arc::new(out))
        }),
        udf("next_workday", vec![DataType::Date32], DataType::Date32, {
            let calendar = next.clone();
            move |a| {
                let out: Date32Array = a[0]
                    .as_primitive::<Date32Type>()
                    .iter()
                    .map(|d| {
                        // Holidays last at most ten days; the bound guards against a broken calendar.
                        d.map(|d| ((d + 1)..=(d + 31)).find(|&n| calendar.is_workday(n)).unwrap_or(d + 1))
                    })
                    .collect();
                Ok(Arc::new(out))
            }
        }),
        udf("local_date", vec![DataType::Timestamp(TimeUnit::Second, Some("+08:00".into()))], DataType::Date32, |a| {
            let times = a[0].as_primitive::<TimestampSecondType>();
            let out: Date32Array = times.iter().map(|t| t.map(|t| (t + 8 * 3600).div_euclid(86_400) as i32)).collect();
            Ok(Arc::new(out))
        }),
        udf("workdays_between", vec![DataType::Date32, DataType::Date32], DataType::Int64, move |a| {
            let (from, to) = (a[0].as_primitive::<Date32Type>(), a[1].as_primitive::<Date32Type>());
            let out: Int64Array = (0..from.len())
                .map(|i| {
                    if from.is_null(i) || to.is_null(i) {
                        return None;
                    }
                    let (a, b) = (from.value(i), to.value(i));
                    let (lo, hi, sign) = if a <= b { (a, b, 1) } else { (b, a, -1) };
                    // Bounded: a century of days at most.
                    let n = ((lo + 1)..=hi.min(lo + 36_600)).filter(|&d| workdays.is_workday(d)).count() as i64;
                    Some(sign * n)
                })
                .collect();
            Ok(Arc::new(out))
        }),
        udf("matches_method_details", vec![utf8(), utf8(), utf8()], DataType::Boolean, |a| {
            let (details, include, exclude) =
                (a[0].as_string::<i32>(), a[1].as_string::<i32>(), a[2].as_string::<i32>());
            let out: BooleanArray = (0..details.len())
                .map(|i| {
                    fn list(l: &StringArray, i: usize) -> &str {
                        if l.is_valid(i) { l.value(i) } else { "" }
                    }
                    let details = details.is_valid(i).then(|| details.value(i));
                    Some(matches_method_details(details, list(include, i), list(exclude, i)))
                })
                .collect();
            Ok(Arc::new(out))
        }),
    ]
}

/// Cardinal's `matches_procurement_method_details`: with an `include` list (`|`-separated), a
/// process matches if its procurement method details are set and listed; else it matches
/// unless they are set and in the `exclude` list. Lists split as Cardinal's
/// `split_terminator('|')` does: `""` is the empty list.
fn matches_method_details(details: Option<&str>, include: &str, exclude: &str) -> bool {
    let listed = |list: &str, d: &str| list.split_terminator('|').any(|x| x == d);
    match details {
        Some(d) if include.is_empty() => !listed(exclude, d),
        Some(d) => listed(include, d),
        None => include.is_empty(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn method_details_match_as_in_cardinal() {
        // Cardinal's own cases (lib.rs, `matches_procurement_method_details`): X matches
        // neither list, Y is included, N is excluded.
        for (value, include, exclude, matches) in [
            ("X", false, false, true),
            ("X", true, false, false),
            ("X", false, true, true),
            ("Y", false, false, true),
            ("Y", true, false, true),
            ("Y", false, true, true),
            ("N", false, false, true),
            ("N", true, false, false),
            ("N", false, true, false),
        ] {
            let (include, exclude) = (if include { "Y" } else { "" }, if exclude { "N" } else { "" });
            assert_eq!(matches_method_details(Some(value), include, exclude), matches, "{value} {include} {exclude}");
        }
        assert!(matches_method_details(None, "", "N"));
        assert!(!matches_method_details(None, "Y", ""));
        assert!(!matches_method_details(Some("A"), "", "A|"), "a trailing | adds no empty entry");
        assert!(!matches_method_details(Some("Sorteo de Obras"), "", "Random Selection|Sorteo de Obras"));
        assert!(matches_method_details(Some(""), "", "A"));
    }

    #[test]
    fn the_shipped_calendar_without_an_imported_one() {
        let c = Calendar::default();
        let day = |y, m, d| from_date(chrono::NaiveDate::from_ymd_opt(y, m, d).unwrap());
        assert!(c.is_workday(day(2025, 3, 3))); // Monday
        assert!(!c.is_workday(day(2025, 3, 1))); // Saturday
        assert!(!c.is_workday(day(2023, 10, 2))); // National Day, a Monday
        assert!(c.is_workday(day(2023, 10, 7))); // a swapped Saturday
        assert!(!c.is_workday(day(2031, 3, 1))); // beyond the shipped years: Saturday
    }

    #[test]
    fn age_counts_whole_years() {
        let d = |y, m, dd| chrono::NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(age(d(1945, 6, 15), d(2025, 6, 14)), 79);
        assert_eq!(age(d(1945, 6, 15), d(2025, 6, 15)), 80);
        assert_eq!(birth("33109919450615001X"), Some(d(1945, 6, 15)));
        assert_eq!(birth("3310991945"), None);
    }

    #[test]
    fn calendar_overrides_weekends() {
        let dates = Date32Array::from(vec![
            from_date(chrono::NaiveDate::from_ymd_opt(2025, 1, 26).unwrap()),
            from_date(chrono::NaiveDate::from_ymd_opt(2025, 1, 28).unwrap()),
        ]);
        let kinds = StringArray::from(vec!["workday", "holiday"]);
        let batch =
            RecordBatch::try_from_iter([("date", Arc::new(dates) as ArrayRef), ("kind", Arc::new(kinds) as ArrayRef)])
                .unwrap();
        let c = Calendar::from_batches(&[batch]);
        assert!(c.is_workday(from_date(chrono::NaiveDate::from_ymd_opt(2025, 1, 26).unwrap()))); // a swapped Sunday
        assert!(!c.is_workday(from_date(chrono::NaiveDate::from_ymd_opt(2025, 1, 28).unwrap()))); // Spring Festival eve, a Tuesday
    }

    /// The functions as models call them, in SQL.
    #[tokio::test]
    async fn functions_in_sql() {
        let ctx = datafusion::prelude::SessionContext::new();
        for f in all(Arc::new(Calendar::default())) {
            ctx.register_udf(f);
        }
        // 1759267800 is 2025-09-30 21:30 UTC, 2025-10-01 05:30 in China.
        let sql = "SELECT CAST(next_workday(DATE '2025-09-30') AS VARCHAR), workdays_between(DATE '2025-09-26', DATE '2025-10-13'),
            is_workday(DATE '2025-10-11'), age_at('33109919450615001X', DATE '2025-06-15'), id_valid('11010519491231002X'),
            norm_name(' 阿依古丽•买买提 '), CAST(local_date(arrow_cast(1759267800, 'Timestamp(Second, Some(\"+08:00\"))')) AS VARCHAR)";
        let batches = ctx.sql(sql).await.unwrap().collect().await.unwrap();
        let row = datafusion::arrow::util::pretty::pretty_format_batches(&batches).unwrap().to_string();
        for expected in ["2025-10-09", "| 7 ", "true", "| 80 ", "阿依古丽·买买提", "2025-10-01"] {
            assert!(row.contains(expected), "{expected} in {row}");
        }
    }
}
