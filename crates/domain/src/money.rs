//! Money as an integer number of fen (分, 0.01 yuan); never a float.

use std::fmt;

#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Money(i64);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum MoneyError {
    #[error("金额为空 / empty amount")]
    Empty,
    #[error("金额不是数字 / the amount is not a number")]
    NotANumber(String),
    #[error("金额超过两位小数 / the amount has more than 2 decimal places")]
    TooManyDecimals(String),
    #[error("金额的千分位分隔符位置不对 / misplaced thousands separator in the amount")]
    Grouping(String),
    #[error("金额超出范围 / the amount is out of range")]
    Overflow(String),
}

impl Money {
    pub const fn from_fen(fen: i64) -> Money {
        Money(fen)
    }

    pub const fn fen(self) -> i64 {
        self.0
    }

    /// Parses yuan with up to two decimals: `1234.5`, `1,234.50`, `¥1234.50`,
    /// `1234.50元`, optionally negative (reversals are real).
    pub fn parse(input: &str) -> Result<Money, MoneyError> {
        match Self::parse_plain(input.as_bytes()) {
            Some(money) => Ok(money),
            None => Self::parse_general(input),
        }
    }

    fn parse_general(input: &str) -> Result<Money, MoneyError> {
        let mut s = crate::text::trim(input);
        if s.is_empty() {
            return Err(MoneyError::Empty);
        }
        let mut negative = false;
        if let Some(rest) = s.strip_prefix('-') {
            negative = true;
            s = rest.trim_start();
        }
        for prefix in ['¥', '￥'] {
            if let Some(rest) = s.strip_prefix(prefix) {
                s = rest.trim_start();
            }
        }
        if let Some(rest) = s.strip_prefix("RMB") {
            s = rest.trim_start();
        }
        if let Some(rest) = s.strip_suffix('元') {
            s = rest.trim_end();
        }
        if !negative && let Some(rest) = s.strip_prefix('-') {
            negative = true;
            s = rest;
        }
        let (whole, fraction) = match s.bytes().position(|b| b == b'.') {
            Some(dot) => (&s[..dot], &s[dot + 1..]),
            None => (s, ""),
        };
        let not_a_number = || MoneyError::NotANumber(input.trim().to_owned());
        if whole.is_empty() && fraction.is_empty() {
            return Err(not_a_number());
        }
        if !fraction.bytes().all(|b| b.is_ascii_digit()) {
            return Err(not_a_number());
        }
        if fraction.len() > 2 {
            // `1234.500` is still exact; only non-zero digits beyond fen are lost.
            if fraction.as_bytes()[2..].iter().any(|&b| b != b'0') {
                return Err(MoneyError::TooManyDecimals(input.trim().to_owned()));
            }
        }
        // Digits of whole yuan, in groups of three after the first when commas are used.
        if whole.bytes().any(|b| b == b',') {
            let mut groups = whole.split(',');
            let first_ok = groups.next().is_some_and(|g| (1..=3).contains(&g.len()));
            if !first_ok || !groups.all(|g| g.len() == 3) {
                return Err(MoneyError::Grouping(input.trim().to_owned()));
            }
        }
        if !whole.bytes().all(|b| b.is_ascii_digit() || b == b',') {
            return Err(not_a_number());
        }
        let overflow = || MoneyError::Overflow(input.trim().to_owned());
        let mut yuan = 0i64;
        for b in whole.bytes().filter(|&b| b != b',') {
            yuan = yuan.checked_mul(10).and_then(|y| y.checked_add(i64::from(b - b'0'))).ok_or_else(overflow)?;
        }
        let mut fen_part = 0i64;
        for (i, b) in fraction.bytes().take(2).enumerate() {
            fen_part += i64::from(b - b'0') * if i == 0 { 10 } else { 1 };
        }
        let fen = yuan.checked_mul(100).and_then(|y| y.checked_add(fen_part)).ok_or_else(overflow)?;
        Ok(Money(if negative { -fen } else { fen }))
    }

    /// The most common forms, `1234`, `1234.5`, `1234.50` and `1,234.50` (at most
    /// 15 digits of yuan), without the checks the other forms need; `None` for
    /// anything else.
    fn parse_plain(s: &[u8]) -> Option<Money> {
        let (whole, fraction) = match s.iter().position(|&b| b == b'.') {
            Some(dot) => (&s[..dot], &s[dot + 1..]),
            None => (s, &[][..]),
        };
        if whole.is_empty() || fraction.len() > 2 || (fraction.is_empty() && whole.len() < s.len()) {
            return None;
        }
        let mut fen = 0i64;
        let mut digits = 0;
        // Digits since the last comma; `None` before the first one. Groups after a
        // comma have three digits, the first one to three.
        let mut group: Option<u32> = None;
        for &b in whole {
            match b {
                b'0'..=b'9' if digits < 15 => {
                    fen = fen * 10 + i64::from(b - b'0');
                    digits += 1;
                    if let Some(g) = &mut group {
                        *g += 1;
                    }
                }
                b',' => {
                    match group {
                        None if (1..=3).contains(&digits) => {}
                        Some(3) => {}
                        _ => return None,
                    }
                    group = Some(0);
                }
                _ => return None,
            }
        }
        if group.is_some_and(|g| g != 3) {
            return None;
        }
        for i in 0..2 {
            let b = fraction.get(i).copied().unwrap_or(b'0');
            if !b.is_ascii_digit() {
                return None;
            }
            fen = fen * 10 + i64::from(b - b'0');
        }
        Some(Money(fen))
    }

    /// Converts a spreadsheet number (yuan) without going through float arithmetic
    /// that could round: the shortest decimal that round-trips is parsed as text.
    pub fn from_yuan_f64(yuan: f64) -> Result<Money, MoneyError> {
        if !yuan.is_finite() || yuan.abs() > 9.0e13 {
            return Err(MoneyError::Overflow(yuan.to_string()));
        }
        Money::parse(&format!("{yuan}"))
    }

    pub fn checked_add(self, other: Money) -> Option<Money> {
        self.0.checked_add(other.0).map(Money)
    }
}

impl fmt::Display for Money {
    /// Yuan with two decimals, e.g. `1234.50`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

impl fmt::Debug for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Money({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_the_contract_forms() {
        for (input, fen) in [
            ("1234.5", 123_450),
            ("1,234.50", 123_450),
            ("¥1234.50", 123_450),
            ("￥1,234.50", 123_450),
            ("1234.50元", 123_450),
            ("0.07", 7),
            ("12", 1200),
            ("-35.00", -3500),
            ("1234.500", 123_450),
            (".5", 50),
        ] {
            assert_eq!(Money::parse(input), Ok(Money(fen)), "{input}");
        }
    }

    #[test]
    fn rejects_with_reasons() {
        assert_eq!(Money::parse(""), Err(MoneyError::Empty));
        assert!(matches!(Money::parse("12.345"), Err(MoneyError::TooManyDecimals(_))));
        assert!(matches!(Money::parse("1,23,4.00"), Err(MoneyError::Grouping(_))));
        assert!(matches!(Money::parse("1.5万"), Err(MoneyError::NotANumber(_))));
        assert!(matches!(Money::parse("abc"), Err(MoneyError::NotANumber(_))));
        assert!(matches!(Money::parse("."), Err(MoneyError::NotANumber(_))));
        assert!(matches!(Money::parse("99999999999999999999"), Err(MoneyError::Overflow(_))));
    }

    #[test]
    fn converts_spreadsheet_numbers_exactly() {
        assert_eq!(Money::from_yuan_f64(1234.5), Ok(Money(123_450)));
        assert_eq!(Money::from_yuan_f64(0.1 + 0.2), Err(MoneyError::TooManyDecimals("0.30000000000000004".into())));
        assert_eq!(Money::from_yuan_f64(19.99), Ok(Money(1999)));
    }

    proptest! {
        #[test]
        fn the_fast_path_agrees_with_the_general_parser(input in "[0-9.,]{0,20}|[0-9]{1,3}(,[0-9]{2,4}){0,5}(\\.[0-9,]{0,3})?") {
            if let Some(money) = Money::parse_plain(input.as_bytes()) {
                prop_assert_eq!(Money::parse_general(&input), Ok(money));
            }
        }

        #[test]
        fn plain_amounts_take_the_fast_path(input in "([0-9]{1,15}|[0-9]{1,3}(,[0-9]{3}){1,4})(\\.[0-9]{1,2})?") {
            prop_assert_eq!(Money::parse_plain(input.as_bytes()).map(Ok), Some(Money::parse_general(&input)));
        }


        #[test]
        fn display_round_trips(fen in -1_000_000_000_000i64..1_000_000_000_000) {
            let money = Money(fen);
            prop_assert_eq!(Money::parse(&money.to_string()), Ok(money));
        }
    }
}
