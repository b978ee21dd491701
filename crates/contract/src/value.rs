//! Parsing one cell of a department file into a typed value, by the column's kind.

use crate::catalogue::{Column, Kind};
use chrono::{NaiveDate, NaiveDateTime};
use domain::{CheckDigit, CreditCode, IdNumber, Money, Period, RegionCode};
use std::borrow::Cow;

/// The longest text a cell may hold: Excel's own limit per cell. A longer value
/// is a broken export, not data.
pub const MAX_CELL_CHARS: usize = 32_767;

/// One cell as a reader found it. CSV gives only text; XLSX also gives numbers,
/// date-times and booleans.
#[derive(Clone, Debug, PartialEq)]
pub enum Cell<'a> {
    Empty,
    Text(Cow<'a, str>),
    Number(f64),
    DateTime(NaiveDateTime),
    Bool(bool),
}

/// A parsed value, in the form it is stored.
#[derive(Clone, Debug, PartialEq)]
pub enum Value<'a> {
    Null,
    Text(Cow<'a, str>),
    Date(NaiveDate),
    DateTime(NaiveDateTime),
    Period(Period),
    Money(Money),
    Bool(bool),
    Integer(i64),
    Decimal(f64),
    /// The English key of an enum value.
    Enum(&'static str),
}

/// Something about a valid value that the quality report should count.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flag {
    /// An ID number or credit code whose check character fails.
    BadCheckDigit,
}

/// Why a value does not fit its column; the message is bilingual, `中文 / English`,
/// and never repeats the value (reports show it in a column of its own).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ValueError(pub String);

impl ValueError {
    fn new(zh: &str, en: &str) -> ValueError {
        ValueError(format!("{zh} / {en}"))
    }

    fn from_domain(e: impl std::fmt::Display) -> ValueError {
        ValueError(e.to_string())
    }
}

/// Splits a bilingual message `中文 / English` into its halves.
pub fn split_bilingual(message: &str) -> (&str, &str) {
    message.split_once(" / ").unwrap_or((message, message))
}

impl Column {
    /// Parses one cell of this column. An empty cell in a required column is an error.
    pub fn parse<'a>(&self, cell: Cell<'a>) -> Result<(Value<'a>, Option<Flag>), ValueError> {
        let cell = match cell {
            Cell::Text(Cow::Borrowed(text)) => return self.parse_text(text),
            Cell::Text(Cow::Owned(text)) => {
                check_length(&text)?;
                let text = domain::normalize_text(&text).into_owned();
                if text.is_empty() { Cell::Empty } else { Cell::Text(Cow::Owned(text)) }
            }
            other => other,
        };
        match cell {
            Cell::Empty => self.empty(),
            Cell::Text(text) => parse_text_kind(self.kind, text),
            other => parse_kind(self.kind, other),
        }
    }

    /// Parses the text of one cell (what a CSV file holds); `parse` of a text cell.
    pub fn parse_text<'a>(&self, text: &'a str) -> Result<(Value<'a>, Option<Flag>), ValueError> {
        check_length(text)?;
        self.parse_normalized(domain::normalize_text(text))
    }

    /// `parse_text` of text in which `domain::may_need_width_folding` found nothing
    /// to fold (a reader checks a whole record at once): the text is only trimmed.
    pub fn parse_folded_text<'a>(&self, text: &'a str) -> Result<(Value<'a>, Option<Flag>), ValueError> {
        check_length(text)?;
        self.parse_normalized(Cow::Borrowed(domain::normalize_folded(text)))
    }

    #[inline(always)]
    fn parse_normalized<'a>(&self, text: Cow<'a, str>) -> Result<(Value<'a>, Option<Flag>), ValueError> {
        if text.is_empty() { self.empty() } else { parse_text_kind(self.kind, text) }
    }

    fn empty(&self) -> Result<(Value<'static>, Option<Flag>), ValueError> {
        if self.required {
            Err(ValueError::new("必填项为空", "a required value is empty"))
        } else {
            Ok((Value::Null, None))
        }
    }
}

/// Counting characters only when the bytes could exceed the limit keeps this cheap.
fn check_length(text: &str) -> Result<(), ValueError> {
    if text.len() > MAX_CELL_CHARS && text.chars().count() > MAX_CELL_CHARS {
        return Err(ValueError::new(
            "单元格内容超过32767个字符（Excel上限），文件可能已损坏",
            "the cell holds more than 32,767 characters (Excel's limit); the file is probably broken",
        ));
    }
    Ok(())
}

/// A spreadsheet cell that is not text: numbers, date-times and booleans where the
/// kind takes them as they are; otherwise their text.
fn parse_kind(kind: Kind, cell: Cell<'_>) -> Result<(Value<'_>, Option<Flag>), ValueError> {
    let plain = |v| Ok((v, None));
    match (kind, cell) {
        (Kind::Date, Cell::DateTime(t)) => plain(Value::Date(t.date())),
        (Kind::Date, Cell::Number(n)) => plain(Value::Date(excel_date(n)?.date())),
        (Kind::DateTime, Cell::DateTime(t)) => plain(Value::DateTime(t)),
        (Kind::DateTime, Cell::Number(n)) => plain(Value::DateTime(excel_date(n)?)),
        // Excel turns a typed `2026-03` into the date 2026-03-01.
        (Kind::Period, Cell::DateTime(t)) => plain(Value::Period(Period::of(t.date()))),
        (Kind::Money, Cell::Number(n)) => {
            plain(Value::Money(Money::from_yuan_f64(n).map_err(ValueError::from_domain)?))
        }
        (Kind::Bool, Cell::Bool(b)) => plain(Value::Bool(b)),
        (Kind::Integer | Kind::Year, Cell::Number(n)) => {
            if n.fract() == 0.0 && n.abs() < 9.0e15 {
                integer(kind, n as i64)
            } else {
                Err(ValueError::new("应为整数", "expected a whole number"))
            }
        }
        (Kind::Decimal, Cell::Number(n)) => decimal(n),
        (kind, cell) => parse_text_kind(kind, text_of(cell)?),
    }
}

/// Parses normalized, non-empty text by the column's kind.
#[inline(always)]
fn parse_text_kind(kind: Kind, text: Cow<'_, str>) -> Result<(Value<'_>, Option<Flag>), ValueError> {
    let plain = |v| Ok((v, None));
    match kind {
        Kind::Text => plain(Value::Text(text)),
        Kind::Name => {
            // The text is normalized already (`Column::parse`); names also unify their dots.
            let name = match domain::unify_middle_dots(&text) {
                Cow::Borrowed(_) => text,
                Cow::Owned(o) => Cow::Owned(o),
            };
            plain(Value::Text(name))
        }
        Kind::Date => plain(Value::Date(domain::parse_date(&text).map_err(ValueError::from_domain)?)),
        Kind::DateTime => plain(Value::DateTime(domain::parse_datetime(&text).map_err(ValueError::from_domain)?)),
        Kind::Period => plain(Value::Period(domain::parse_period(&text).map_err(ValueError::from_domain)?)),
        Kind::Money => plain(Value::Money(Money::parse(&text).map_err(ValueError::from_domain)?)),
        Kind::Bool => {
            let b = match text.to_ascii_lowercase().as_str() {
                "是" | "true" | "1" | "y" | "yes" => true,
                "否" | "false" | "0" | "n" | "no" => false,
                _ => {
                    return Err(ValueError::new("应为是/否", "expected 是/否, true/false, 1/0 or Y/N"));
                }
            };
            plain(Value::Bool(b))
        }
        Kind::IdNumber => {
            let (id, check) = IdNumber::normalize_allowing_bad_check(&text).map_err(ValueError::from_domain)?;
            let flag = (check != CheckDigit::Valid).then_some(Flag::BadCheckDigit);
            Ok((Value::Text(normalized(text, &id)), flag))
        }
        Kind::CreditCode => {
            let (code, bad) = CreditCode::normalize_allowing_bad_check(&text).map_err(ValueError::from_domain)?;
            let flag = bad.map(|_| Flag::BadCheckDigit);
            Ok((Value::Text(normalized(text, &code)), flag))
        }
        Kind::PartyId => {
            if let Ok((id, check)) = IdNumber::normalize_allowing_bad_check(&text) {
                // An 18-character value that fails the ID check may still be a valid credit code.
                if check == CheckDigit::Valid || CreditCode::parse(&text).is_err() {
                    let flag = (check != CheckDigit::Valid).then_some(Flag::BadCheckDigit);
                    return Ok((Value::Text(normalized(text, &id)), flag));
                }
            }
            if let Ok((code, bad)) = CreditCode::normalize_allowing_bad_check(&text) {
                return Ok((Value::Text(normalized(text, &code)), bad.map(|_| Flag::BadCheckDigit)));
            }
            // Passports and other documents: kept as written, upper-cased.
            if text.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '(' || c == ')') && text.len() <= 30 {
                Ok((Value::Text(Cow::Owned(text.to_ascii_uppercase())), None))
            } else {
                Err(ValueError::new(
                    "证件号应为身份证号、统一社会信用代码或其他证件号码（字母数字）",
                    "expected an ID number, a credit code or another document number (letters and digits)",
                ))
            }
        }
        Kind::RegionCode => {
            let code = RegionCode::check(&text).map_err(ValueError::from_domain)?;
            plain(Value::Text(if code.len() == text.len() { text } else { Cow::Owned(code.to_owned()) }))
        }
        Kind::Enum(values) => {
            let found =
                values.iter().find(|v| v.key.eq_ignore_ascii_case(&text) || v.labels.iter().any(|l| *l == text));
            match found {
                Some(v) => plain(Value::Enum(v.key)),
                None => {
                    let allowed: Vec<String> = values
                        .iter()
                        .map(|v| format!("{}({})", v.labels.first().copied().unwrap_or(v.key), v.key))
                        .collect();
                    let allowed = allowed.join("、");
                    Err(ValueError(format!("不是允许的取值：{allowed} / not one of the allowed values: {allowed}")))
                }
            }
        }
        Kind::Integer | Kind::Year => {
            let digits = if kind == Kind::Year { text.trim_end_matches('年') } else { &text };
            let digits = digits.trim_end_matches(['人', '个', '名']);
            integer(kind, digits.parse::<i64>().map_err(|_| ValueError::new("应为整数", "expected a whole number"))?)
        }
        Kind::Decimal => {
            let text = text.trim_end_matches(['%', '升', 'L', '㎡']).trim_end_matches("m²").replace(',', "");
            decimal(text.trim().parse::<f64>().map_err(|_| ValueError::new("应为数字", "expected a number"))?)
        }
    }
}

fn integer(kind: Kind, n: i64) -> Result<(Value<'static>, Option<Flag>), ValueError> {
    if kind == Kind::Year && !(1900..=2200).contains(&n) {
        return Err(ValueError::new("年度应为四位年份", "a year has four digits, 1900 to 2200"));
    }
    Ok((Value::Integer(n), None))
}

fn decimal(n: f64) -> Result<(Value<'static>, Option<Flag>), ValueError> {
    if !n.is_finite() {
        return Err(ValueError::new("应为数字", "expected a number"));
    }
    Ok((Value::Decimal(n), None))
}

/// A code in its normalized form (upper case, 18 characters): the cell's own
/// text when it already is, so that well-formed files are read without copies.
fn normalized<'a>(text: Cow<'a, str>, code: &[u8; 18]) -> Cow<'a, str> {
    if text.as_bytes() == code { text } else { Cow::Owned(code.iter().map(|&b| char::from(b)).collect()) }
}

/// The text of a cell for a column that wants text. Spreadsheet numbers become
/// their decimal digits, unless they are too long for a float to hold exactly:
/// an 18-digit ID number typed into Excel as a number has lost its last digits.
fn text_of(cell: Cell<'_>) -> Result<Cow<'_, str>, ValueError> {
    match cell {
        Cell::Empty => Ok(Cow::Borrowed("")),
        Cell::Text(t) => Ok(t),
        Cell::Bool(b) => Ok(Cow::Borrowed(if b { "true" } else { "false" })),
        Cell::DateTime(t) => Ok(Cow::Owned(t.format("%Y-%m-%d %H:%M:%S").to_string())),
        Cell::Number(n) => {
            if n.fract() == 0.0 && n.abs() < 9.0e15 {
                Ok(Cow::Owned(format!("{}", n as i64)))
            } else if n.fract() == 0.0 {
                Err(ValueError::new(
                    "该值在Excel中以数字保存，已丢失末尾数位；请将该列设为文本格式后重新导出",
                    "Excel stored this value as a number and lost its last digits; format the column as text and export again",
                ))
            } else {
                Ok(Cow::Owned(format!("{n}")))
            }
        }
    }
}

fn excel_date(serial: f64) -> Result<NaiveDateTime, ValueError> {
    // A whole number like 20260301 in a date column is a date typed as digits.
    if serial.fract() == 0.0 && (19_000_101.0..=22_001_231.0).contains(&serial) {
        let date = domain::parse_date(&format!("{}", serial as i64)).map_err(ValueError::from_domain)?;
        return Ok(date.and_time(chrono::NaiveTime::MIN));
    }
    domain::excel_serial_to_datetime(serial)
        .ok_or_else(|| ValueError::new("不是有效的Excel日期", "not a valid Excel date"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::table;

    /// Parses `input` as text in `table.column`; returns the stored value or the error.
    fn check(table_name: &str, column: &str, input: &str, expected: &str) {
        let col = table(table_name).unwrap().column(column).unwrap();
        let got = match col.parse(Cell::Text(Cow::Borrowed(input))) {
            Ok((value, flag)) => format!("{value:?}{}", flag.map(|f| format!(" {f:?}")).unwrap_or_default()),
            Err(e) => format!("error: {e}"),
        };
        assert_eq!(got, expected, "{table_name}.{column} <- {input:?}");
    }

    #[test]
    fn values_by_kind() {
        check("person", "id_number", "11010519491231002x", r#"Text("11010519491231002X")"#);
        check("person", "id_number", "110105194912310021", r#"Text("110105194912310021") BadCheckDigit"#);
        check("person", "id_number", "１１０１０５１９４９１２３１００２Ｘ", r#"Text("11010519491231002X")"#);
        check("person", "name", " 阿依古丽•买买提 ", r#"Text("阿依古丽·买买提")"#);
        check("person", "name", "  ", "error: 必填项为空 / a required value is empty");
        check("person", "gender", "女", r#"Enum("female")"#);
        check("person", "gender", "FEMALE", r#"Enum("female")"#);
        check(
            "person",
            "gender",
            "未知",
            "error: 不是允许的取值：男(male)、女(female) / not one of the allowed values: 男(male)、女(female)",
        );
        check("person", "birth_date", "", "Null");
        check("disbursement", "amount", "1,234.50元", "Money(Money(1234.50))");
        check("disbursement", "period", "2026年3月", "Period(Period(2026-03))");
        check("fund_program", "means_tested", "是", "Bool(true)");
        check("fund_program", "means_tested", "N", "Bool(false)");
        check("budget", "year", "2026年", "Integer(2026)");
        check("budget", "year", "26", "error: 年度应为四位年份 / a year has four digits, 1900 to 2200");
        check("fuel_record", "litres", "45.5升", "Decimal(45.5)");
        check("fuel_record", "product", "92#", r#"Enum("92")"#);
        check("vehicle", "owner_id", "91350100M000100Y43", r#"Text("91350100M000100Y43")"#);
        check("vehicle", "owner_id", "E12345678", r#"Text("E12345678")"#);
        check("fuel_record", "time", "2026/3/1 08:05", "DateTime(2026-03-01T08:05:00)");
    }

    #[test]
    fn every_enum_accepts_its_key_and_every_label() {
        for t in crate::TABLES {
            for col in t.columns {
                let Some(values) = col.enum_values() else {
                    continue;
                };
                for v in values {
                    for input in std::iter::once(&v.key).chain(v.labels.iter()) {
                        let parsed = col.parse(Cell::Text(Cow::Borrowed(input))).unwrap().0;
                        assert_eq!(parsed, Value::Enum(v.key), "{}.{} <- {input}", t.name, col.key);
                    }
                }
            }
        }
    }

    #[test]
    fn spreadsheet_cells() {
        let person = table("person").unwrap();
        let id = person.column("id_number").unwrap();
        let err = id.parse(Cell::Number(110105194912310020.0)).unwrap_err();
        assert!(err.0.contains("lost its last digits"), "{err}");
        let birth = person.column("birth_date").unwrap();
        assert_eq!(
            birth.parse(Cell::Number(46082.0)).unwrap().0,
            Value::Date(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap())
        );
        assert_eq!(
            birth.parse(Cell::Number(20260301.0)).unwrap().0,
            Value::Date(NaiveDate::from_ymd_opt(2026, 3, 1).unwrap())
        );
        let amount = table("disbursement").unwrap().column("amount").unwrap();
        assert_eq!(amount.parse(Cell::Number(1234.5)).unwrap().0, Value::Money(Money::from_fen(123_450)));
    }

    #[test]
    fn huge_cell_is_an_error_not_a_crash() {
        let address = table("person").unwrap().column("address").unwrap();
        let big = "地".repeat(MAX_CELL_CHARS + 1);
        assert!(address.parse(Cell::Text(Cow::Owned(big))).is_err());
    }
}
