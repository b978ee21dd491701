//! Administrative division codes, GB/T 2260 (6-digit county) and the
//! 12-digit statistical village code that extends it.

use std::fmt;

#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RegionCode(String);

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum RegionCodeError {
    #[error("区划代码应为6位或12位数字 / a region code has 6 or 12 digits")]
    Format(String),
    #[error("区划代码的省级代码无效 / the region code has no valid province part")]
    Province(String),
}

/// Province-level prefixes of GB/T 2260.
const PROVINCES: [u8; 34] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53, 54, 61, 62, 63,
    64, 65, 71, 81, 82,
];

impl RegionCode {
    pub fn parse(s: &str) -> Result<RegionCode, RegionCodeError> {
        Self::check(s).map(|s| RegionCode(s.to_owned()))
    }

    /// What `parse` checks, without allocating: the trimmed code.
    pub fn check(s: &str) -> Result<&str, RegionCodeError> {
        let s = crate::text::trim(s);
        if !(s.len() == 6 || s.len() == 12) || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(RegionCodeError::Format(s.to_owned()));
        }
        let province: u8 = s[..2].parse().unwrap_or(0);
        if !PROVINCES.contains(&province) {
            return Err(RegionCodeError::Province(s.to_owned()));
        }
        Ok(s)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 6-digit county this code lies in.
    pub fn county(&self) -> &str {
        &self.0[..6]
    }

    pub fn is_village(&self) -> bool {
        self.0.len() == 12
    }
}

impl fmt::Display for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for RegionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RegionCode({})", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn county_and_village() {
        let village = RegionCode::parse("330106001001").unwrap();
        assert!(village.is_village());
        assert_eq!(village.county(), "330106");
        assert!(RegionCode::parse("330106").is_ok());
        assert!(matches!(RegionCode::parse("3301"), Err(RegionCodeError::Format(_))));
        assert!(matches!(RegionCode::parse("990106"), Err(RegionCodeError::Province(_))));
    }
}
