//! Unified social credit codes, GB 32100-2015.
//!
//! 18 characters over the 31-character alphabet `0-9A-Y` without I, O, S, V, Z:
//! registration authority, category, 6-digit region, 9-character organization
//! code, and a check character by MOD 31.

use std::fmt;

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CreditCodeError {
    #[error("统一社会信用代码应为18位，实为{0}位 / a credit code has 18 characters, found {0}")]
    Length(usize),
    #[error("统一社会信用代码含非法字符“{0}” / invalid character '{0}' in credit code")]
    Character(char),
    #[error("统一社会信用代码校验位应为{expected}，实为{found} / check character should be {expected}, found {found}")]
    CheckDigit { expected: char, found: char },
}

impl CreditCode {
    /// Parses and upper-cases a credit code; the check character must match.
    pub fn parse(s: &str) -> Result<CreditCode, CreditCodeError> {
        let (code, expected) = Self::parse_allowing_bad_check(s)?;
        match expected {
            None => Ok(code),
            Some(expected) => Err(CreditCodeError::CheckDigit { expected, found: code.0.as_bytes()[17] as char }),
        }
    }

    /// Whether `s` is a code with the right check character: `parse(s).is_ok()`
    /// without allocating, for checks over every row of a large table.
    pub fn is_valid(s: &str) -> bool {
        matches!(Self::normalize_allowing_bad_check(s), Ok((_, None)))
    }

    /// Parses a code whose check character may fail; returns the expected check
    /// character when it does.
    pub fn parse_allowing_bad_check(s: &str) -> Result<(CreditCode, Option<char>), CreditCodeError> {
        let (upper, bad) = Self::normalize_allowing_bad_check(s)?;
        // Every byte is from ALPHABET, so ASCII.
        Ok((CreditCode(std::str::from_utf8(&upper).unwrap_or_default().to_owned()), bad))
    }

    /// What `parse_allowing_bad_check` checks, without allocating: the upper-cased
    /// 18 characters (an importer keeps the input when it equals them).
    pub fn normalize_allowing_bad_check(s: &str) -> Result<([u8; 18], Option<char>), CreditCodeError> {
        let s = crate::text::trim(s);
        if s.len() != 18 || !s.is_ascii() {
            if let Some(c) = s.chars().find(|c| !c.is_ascii()).filter(|_| s.chars().count() == 18) {
                return Err(CreditCodeError::Character(c));
            }
            return Err(CreditCodeError::Length(s.chars().count()));
        }
        let mut upper = [0u8; 18];
        let mut values = [0u32; 18];
        for (i, b) in s.bytes().enumerate() {
            upper[i] = b.to_ascii_uppercase();
            values[i] = value_of(upper[i]).ok_or(CreditCodeError::Character(b as char))?;
        }
        let expected = check_char(&values[..17]);
        let bad = (expected != upper[17]).then_some(expected as char);
        Ok((upper, bad))
    }

    pub fn into_string(self) -> String {
        self.0
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 6-digit region part (characters 3–8).
    pub fn region(&self) -> &str {
        &self.0[2..8]
    }

    /// Completes the first 17 characters with their check character; used by
    /// generators and tests.
    pub fn from_first17(first17: &str) -> Option<CreditCode> {
        if first17.len() != 17 {
            return None;
        }
        let mut values = [0u32; 17];
        for (i, b) in first17.bytes().enumerate() {
            values[i] = value_of(b)?;
        }
        let mut s = first17.to_owned();
        s.push(check_char(&values) as char);
        CreditCode::parse(&s).ok()
    }
}

/// Each byte's value in ALPHABET, or 255 where it is not in it.
const VALUES: [u8; 256] = {
    let mut table = [255u8; 256];
    let mut i = 0;
    while i < ALPHABET.len() {
        table[ALPHABET[i] as usize] = i as u8;
        i += 1;
    }
    table
};

fn value_of(b: u8) -> Option<u32> {
    match VALUES[b as usize] {
        255 => None,
        v => Some(u32::from(v)),
    }
}

fn check_char(values: &[u32]) -> u8 {
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    ALPHABET[((31 - sum % 31) % 31) as usize]
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "CreditCode({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_published_codes() {
        // Codes as published in public registries and examples of the standard.
        for code in ["91110000802100433B", "91350100M000100Y43", "11100000000013127D"] {
            assert_eq!(CreditCode::parse(code).unwrap().as_str(), code);
        }
        assert_eq!(CreditCode::parse("91350100m000100y43").unwrap().as_str(), "91350100M000100Y43");
    }

    #[test]
    fn reports_what_is_wrong() {
        assert_eq!(CreditCode::parse("123"), Err(CreditCodeError::Length(3)));
        assert_eq!(
            CreditCode::parse("91110000802100433C"),
            Err(CreditCodeError::CheckDigit { expected: 'B', found: 'C' })
        );
        assert_eq!(CreditCode::parse("91110000802100433I"), Err(CreditCodeError::Character('I')));
    }

    fn valid_code() -> impl Strategy<Value = CreditCode> {
        proptest::collection::vec(0usize..31, 17).prop_map(|v| {
            let s: String = v.iter().map(|&i| ALPHABET[i] as char).collect();
            CreditCode::from_first17(&s).unwrap()
        })
    }

    proptest! {
        #[test]
        fn every_valid_code_round_trips(code in valid_code()) {
            prop_assert_eq!(CreditCode::parse(code.as_str()).unwrap(), code.clone());
            prop_assert_eq!(CreditCode::parse(&code.as_str().to_lowercase()).unwrap(), code.clone());
            prop_assert!(CreditCode::is_valid(code.as_str()));
        }

        #[test]
        fn every_single_character_corruption_is_caught(
            code in valid_code(),
            position in 0usize..18,
            replacement in proptest::sample::select(b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ".to_vec()),
        ) {
            let mut bytes = code.as_str().as_bytes().to_vec();
            prop_assume!(bytes[position] != replacement);
            bytes[position] = replacement;
            let corrupted = String::from_utf8(bytes).unwrap();
            prop_assert!(CreditCode::parse(&corrupted).is_err(), "{} accepted", corrupted);
            prop_assert!(!CreditCode::is_valid(&corrupted), "{} accepted", corrupted);
        }
    }
}
