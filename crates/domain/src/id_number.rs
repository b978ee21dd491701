//! Resident identity card numbers, GB 11643-1999.
//!
//! 18 characters: a 6-digit region code, an 8-digit birth date, a 3-digit
//! sequence whose last digit is odd for men and even for women, and a check
//! character by ISO 7064 MOD 11-2. First-generation cards have 15 digits (no
//! century, no check character); they are upgraded by inserting `19`.

use chrono::NaiveDate;
use std::fmt;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [u8; 11] = *b"10X98765432";

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct IdNumber(String);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub fn key(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }
}

/// Whether the check character of an 18-character number matched.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CheckDigit {
    Valid,
    /// Real registries hold a few legacy numbers whose check character fails;
    /// those are imported and flagged, never silently trusted.
    Invalid {
        expected: char,
    },
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("身份证号应为18位或15位，实为{0}位 / an ID number has 18 or 15 characters, found {0}")]
    Length(usize),
    #[error("身份证号含非法字符“{0}” / invalid character '{0}' in ID number")]
    Character(char),
    #[error("身份证号中的出生日期无效 / invalid birth date in the ID number")]
    BirthDate(String),
    #[error("身份证号地区码无效 / invalid region code in the ID number")]
    Region(String),
    #[error("身份证号校验位应为{expected}，实为{found} / check character should be {expected}, found {found}")]
    CheckDigit { expected: char, found: char },
}

impl IdNumber {
    /// Parses and normalizes an ID number (lower-case `x` to `X`, 15 digits upgraded
    /// to 18); the check character must match.
    pub fn parse(s: &str) -> Result<IdNumber, IdNumberError> {
        match Self::parse_allowing_bad_check(s)? {
            (id, CheckDigit::Valid) => Ok(id),
            (id, CheckDigit::Invalid { expected }) => {
                Err(IdNumberError::CheckDigit { expected, found: id.0.as_bytes()[17] as char })
            }
        }
    }

    /// Whether `s` is a number with the right check character: `parse(s).is_ok()`
    /// without allocating, for checks over every row of a large table.
    pub fn is_valid(s: &str) -> bool {
        matches!(Self::normalize_allowing_bad_check(s), Ok((_, CheckDigit::Valid)))
    }

    /// Parses a number whose structure is right but whose check character may fail,
    /// reporting which; the import contract keeps such numbers and flags them.
    pub fn parse_allowing_bad_check(s: &str) -> Result<(IdNumber, CheckDigit), IdNumberError> {
        let (bytes, check) = Self::normalize_allowing_bad_check(s)?;
        // All 18 bytes are ASCII digits or `X`.
        Ok((IdNumber(std::str::from_utf8(&bytes).unwrap_or_default().to_owned()), check))
    }

    /// What `parse_allowing_bad_check` checks, without allocating: the normalized
    /// 18 ASCII characters (an importer keeps the input when it equals them).
    pub fn normalize_allowing_bad_check(s: &str) -> Result<([u8; 18], CheckDigit), IdNumberError> {
        let s = crate::text::trim(s);
        let mut bytes = [0u8; 18];
        match s.len() {
            18 if s.is_ascii() => bytes.copy_from_slice(s.as_bytes()),
            15 if s.is_ascii() => {
                if let Some(c) = s.chars().find(|c| !c.is_ascii_digit()) {
                    return Err(IdNumberError::Character(c));
                }
                bytes[..6].copy_from_slice(&s.as_bytes()[..6]);
                bytes[6..8].copy_from_slice(b"19");
                bytes[8..17].copy_from_slice(&s.as_bytes()[6..]);
                bytes[17] = check_char(&bytes[..17]);
            }
            _ => {
                let chars = s.chars().count();
                return Err(match s.chars().find(|c| !c.is_ascii()) {
                    Some(c) if chars == 18 || chars == 15 => IdNumberError::Character(c),
                    _ => IdNumberError::Length(chars),
                });
            }
        }
        if bytes[17] == b'x' {
            bytes[17] = b'X';
        }
        for (i, &b) in bytes.iter().enumerate() {
            let ok = b.is_ascii_digit() || (i == 17 && b == b'X');
            if !ok {
                return Err(IdNumberError::Character(b as char));
            }
        }
        let region = &bytes[..6];
        if &region[..2] < b"11".as_slice() || &region[..2] > b"91".as_slice() {
            return Err(IdNumberError::Region(String::from_utf8_lossy(region).into_owned()));
        }
        if !is_birth_date(&bytes[6..14]) {
            return Err(IdNumberError::BirthDate(String::from_utf8_lossy(&bytes[6..14]).into_owned()));
        }
        let expected = check_char(&bytes[..17]);
        let check =
            if expected == bytes[17] { CheckDigit::Valid } else { CheckDigit::Invalid { expected: expected as char } };
        Ok((bytes, check))
    }

    /// The normalized 18-character number.
    pub fn into_string(self) -> String {
        self.0
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn birth_date(&self) -> NaiveDate {
        // Checked in `parse`, so this cannot fail for a value of this type.
        birth_date_of(&self.0.as_bytes()[6..14]).unwrap_or(NaiveDate::MIN)
    }

    pub fn gender(&self) -> Gender {
        if (self.0.as_bytes()[16] - b'0') % 2 == 1 { Gender::Male } else { Gender::Female }
    }

    pub fn region(&self) -> &str {
        &self.0[..6]
    }

    /// Builds a valid number from its parts; used by generators and tests.
    pub fn from_parts(region: &str, birth: NaiveDate, sequence: u16) -> Option<IdNumber> {
        if region.len() != 6 || !region.bytes().all(|b| b.is_ascii_digit()) || sequence > 999 {
            return None;
        }
        let mut s = format!("{region}{}{sequence:03}", birth.format("%Y%m%d"));
        if s.len() != 17 {
            return None;
        }
        s.push(check_char(s.as_bytes()) as char);
        IdNumber::parse(&s).ok()
    }
}

/// The birth date of 8 ASCII digits `YYYYMMDD`, if it is a real day from 1850 to 2200.
/// Whether `birth_date_of` finds a date, without building it (importers check
/// every ID number of a file).
fn is_birth_date(yyyymmdd: &[u8]) -> bool {
    let Some(digits) = yyyymmdd.get(..8).filter(|d| d.iter().all(u8::is_ascii_digit)) else {
        return false;
    };
    let number = |digits: &[u8]| digits.iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0'));
    let (year, month, day) = (number(&digits[..4]), number(&digits[4..6]), number(&digits[6..8]));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return false,
    };
    (1850..=2200).contains(&year) && (1..=days).contains(&day)
}

fn birth_date_of(yyyymmdd: &[u8]) -> Option<NaiveDate> {
    let number = |digits: &[u8]| -> Option<u32> {
        digits.iter().try_fold(0u32, |n, &d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
    };
    let year = number(yyyymmdd.get(..4)?)? as i32;
    let month = number(yyyymmdd.get(4..6)?)?;
    let day = number(yyyymmdd.get(6..8)?)?;
    if !(1850..=2200).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

/// ISO 7064 MOD 11-2 over the first 17 digits.
fn check_char(first17: &[u8]) -> u8 {
    let sum: u32 = first17.iter().zip(WEIGHTS).map(|(&d, w)| u32::from(d.wrapping_sub(b'0')) * w).sum();
    CHECK_CHARS[(sum % 11) as usize]
}

impl fmt::Display for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for IdNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IdNumber({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_birth_date_check_agrees_with_the_calendar() {
        for year in [1849, 1850, 1900, 1999, 2000, 2004, 2023, 2024, 2100, 2200, 2201] {
            for month in 0..=13 {
                for day in 0..=32 {
                    let text = format!("{year:04}{month:02}{day:02}");
                    assert_eq!(is_birth_date(text.as_bytes()), birth_date_of(text.as_bytes()).is_some(), "{text}");
                }
            }
        }
        assert!(!is_birth_date(b"2000a101") && !is_birth_date(b"200001"));
    }

    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_the_standard_example() {
        // The example number of GB 11643-1999, appendix.
        let id = IdNumber::parse("11010519491231002x").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.gender(), Gender::Female);
        assert_eq!(id.birth_date(), NaiveDate::from_ymd_opt(1949, 12, 31).unwrap());
        assert_eq!(id.region(), "110105");
    }

    #[test]
    fn upgrades_fifteen_digits() {
        let id = IdNumber::parse("110105491231002").unwrap();
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn reports_what_is_wrong() {
        assert_eq!(IdNumber::parse("1234"), Err(IdNumberError::Length(4)));
        assert!(!IdNumber::is_valid("1234") && !IdNumber::is_valid("110105194912310021"));
        assert_eq!(IdNumber::parse("110105194912310021"), Err(IdNumberError::CheckDigit { expected: 'X', found: '1' }));
        assert_eq!(IdNumber::parse("110105194913310021"), Err(IdNumberError::BirthDate("19491331".into())));
        assert!(matches!(IdNumber::parse("11010519491231002Y"), Err(IdNumberError::Character('Y'))));
        let (id, check) = IdNumber::parse_allowing_bad_check("110105194912310021").unwrap();
        assert_eq!(check, CheckDigit::Invalid { expected: 'X' });
        assert_eq!(id.as_str(), "110105194912310021");
    }

    fn valid_id() -> impl Strategy<Value = IdNumber> {
        (11u32..=65, 0u32..10_000, 0i64..60_000, 0u16..1000).prop_map(|(p, r, days, seq)| {
            let region = format!("{p:02}{r:04}");
            let birth = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days);
            IdNumber::from_parts(&region, birth, seq).unwrap()
        })
    }

    proptest! {
        #[test]
        fn every_valid_number_round_trips(id in valid_id()) {
            let again = IdNumber::parse(id.as_str()).unwrap();
            prop_assert_eq!(&again, &id);
            prop_assert_eq!(IdNumber::parse(&id.as_str().to_lowercase()).unwrap(), id.clone());
            prop_assert!(IdNumber::is_valid(id.as_str()));
            let gender = id.gender();
            let seq_digit = id.as_str().as_bytes()[16] - b'0';
            prop_assert_eq!(gender == Gender::Male, seq_digit % 2 == 1);
        }

        #[test]
        fn every_single_character_corruption_is_caught(
            id in valid_id(),
            position in 0usize..18,
            replacement in proptest::sample::select(b"0123456789X".to_vec()),
        ) {
            let mut bytes = id.as_str().as_bytes().to_vec();
            prop_assume!(bytes[position] != replacement);
            bytes[position] = replacement;
            let corrupted = String::from_utf8(bytes).unwrap();
            prop_assert!(IdNumber::parse(&corrupted).is_err(), "{} accepted", corrupted);
            prop_assert!(!IdNumber::is_valid(&corrupted), "{} accepted", corrupted);
        }

        #[test]
        fn fifteen_digit_upgrade_keeps_birth_and_gender(
            region in 110000u32..659999, days in 0i64..36_000, seq in 0u16..1000
        ) {
            let birth = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days);
            let old = format!("{region:06}{}{seq:03}", &birth.format("%Y%m%d").to_string()[2..]);
            let id = IdNumber::parse(&old).unwrap();
            prop_assert_eq!(id.birth_date(), birth);
            prop_assert_eq!(id.gender() == Gender::Male, seq % 2 == 1);
        }
    }
}
