//! Comparison levels of field values, as the Fellegi–Sunter model reads them.

use pinyin::ToPinyinMulti;

/// Levels of two Chinese personal names, from most to least alike:
pub const NAME_EXACT: u8 = 4;
/// the same name in traditional and simplified characters (張偉 / 张伟);
pub const NAME_VARIANT: u8 = 3;
/// the same readings, character by character (张伟 / 章玮: a clerk typing by pinyin);
pub const NAME_HOMOPHONE: u8 = 2;
/// one character added, dropped or changed (张伟 / 张伟强, 张伟 / 张强);
pub const NAME_ONE_CHARACTER: u8 = 1;
/// anything else.
pub const NAME_ELSE: u8 = 0;

/// The number of name levels.
pub const NAME_LEVELS: usize = 5;

fn clean(name: &str) -> Vec<char> {
    name.chars().filter(|c| !c.is_whitespace()).map(|c| if matches!(c, '•' | '‧' | '・') { '·' } else { c }).collect()
}

/// Every plain reading of a character (several for heteronyms such as 单: dan, shan).
fn readings(c: char) -> Vec<&'static str> {
    match c.to_pinyin_multi() {
        Some(multi) => multi.into_iter().map(|p| p.plain()).collect(),
        None => Vec::new(),
    }
}

fn homophones(a: &[char], b: &[char]) -> bool {
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            if x == y {
                return true;
            }
            let (rx, ry) = (readings(*x), readings(*y));
            !rx.is_empty() && rx.iter().any(|r| ry.contains(r))
        })
}

/// Levenshtein distance over characters, stopping early once above 1.
fn within_one_edit(a: &[char], b: &[char]) -> bool {
    match a.len().abs_diff(b.len()) {
        0 => a.iter().zip(b).filter(|(x, y)| x != y).count() <= 1,
        1 => {
            let (short, long) = if a.len() < b.len() { (a, b) } else { (b, a) };
            let first = short.iter().zip(long).position(|(x, y)| x != y).unwrap_or(short.len());
            short[first..] == long[first + 1..]
        }
        _ => false,
    }
}

/// A name made ready for comparing many times: cleaned, simplified, and its
/// reading (the first reading of each character) for blocking.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Name {
    raw: Vec<char>,
    simple: Vec<char>,
}

impl Name {
    pub fn new(name: &str) -> Name {
        let raw = clean(name);
        let simple = simplet2s::convert(&raw.iter().collect::<String>()).chars().collect();
        Name { raw, simple }
    }

    pub fn is_empty(&self) -> bool {
        self.raw.is_empty()
    }

    /// The simplified form, as text.
    pub fn simplified(&self) -> String {
        self.simple.iter().collect()
    }

    /// The plain pinyin of the simplified form, first reading of each character,
    /// syllables joined by nothing: a blocking key that homophones usually share.
    pub fn reading(&self) -> String {
        self.simple
            .iter()
            .map(|c| readings(*c).first().map(|r| (*r).to_owned()).unwrap_or_else(|| c.to_string()))
            .collect()
    }

    /// The comparison level of two prepared names (see the constants).
    pub fn level(&self, other: &Name) -> u8 {
        if self.raw.is_empty() || other.raw.is_empty() {
            return NAME_ELSE;
        }
        if self.raw == other.raw {
            return NAME_EXACT;
        }
        if self.simple == other.simple {
            return NAME_VARIANT;
        }
        if homophones(&self.simple, &other.simple) {
            return NAME_HOMOPHONE;
        }
        if within_one_edit(&self.simple, &other.simple) {
            return NAME_ONE_CHARACTER;
        }
        NAME_ELSE
    }
}

/// The comparison level of two names (see the constants).
pub fn name_level(a: &str, b: &str) -> u8 {
    Name::new(a).level(&Name::new(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn name_levels() {
        assert_eq!(name_level("张伟", "张伟"), NAME_EXACT);
        assert_eq!(name_level(" 张 伟", "张伟"), NAME_EXACT, "spaces do not count");
        assert_eq!(name_level("張偉", "张伟"), NAME_VARIANT);
        assert_eq!(name_level("阿依古丽•买买提", "阿依古丽·买买提"), NAME_EXACT, "middle dots unified");
        assert_eq!(name_level("张伟", "章玮"), NAME_HOMOPHONE);
        assert_eq!(name_level("單小红", "善小红"), NAME_HOMOPHONE, "单 reads shan as a surname, like 善");
        assert_eq!(name_level("张伟", "张强"), NAME_ONE_CHARACTER);
        assert_eq!(name_level("张伟", "张伟强"), NAME_ONE_CHARACTER);
        assert_eq!(name_level("张伟", "李强"), NAME_ELSE);
        assert_eq!(name_level("张伟", ""), NAME_ELSE);
    }

    #[test]
    fn readings_block_homophones_together() {
        assert_eq!(Name::new("张伟").reading(), Name::new("章玮").reading());
        assert_eq!(Name::new("張偉").reading(), "zhangwei");
        assert_eq!(Name::new("張偉").simplified(), "张伟");
    }
}
