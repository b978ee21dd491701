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

/// Whether an 18-character resident ID number's check character is right
/// (GB 11643, ISO 7064 MOD 11-2). A single mistyped digit always fails it.
pub fn id_check_ok(id: &str) -> bool {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let b = id.as_bytes();
    if b.len() != 18 || !b[..17].iter().all(u8::is_ascii_digit) {
        return false;
    }
    let sum: u32 = b[..17].iter().zip(WEIGHTS).map(|(d, w)| u32::from(d - b'0') * w).sum();
    b"10X98765432"[(sum % 11) as usize] == b[17].to_ascii_uppercase()
}

/// Levels of two resident ID numbers: exact (2); one edit apart where either
/// fails its check character — a typo (1); else (0). Two *valid* numbers one
/// digit apart are two people: neighbours born the same day in the same county
/// differ only in the sequence digits.
pub fn id_level(a: &str, b: &str) -> u8 {
    if a == b {
        2
    } else if (!id_check_ok(a) || !id_check_ok(b)) && edits_within_ascii(a.as_bytes(), b.as_bytes(), 1).is_some() {
        1
    } else {
        0
    }
}

/// Jaro–Winkler similarity (prefix scale 0.1, up to four characters, boosting
/// only above 0.7), as `strsim` computes it, without allocating for short values.
pub fn jaro_winkler<T: PartialEq + Copy>(a: &[T], b: &[T]) -> f64 {
    winkler(jaro(a, b), a, b)
}

thread_local! {
    /// Bit masks of where each byte occurs in a string of at most 64 bytes;
    /// every entry is zero between uses (each use clears what it set).
    static POSITIONS: std::cell::RefCell<[u64; 256]> = const { std::cell::RefCell::new([0; 256]) };
}

/// Runs `f` with the positions of each byte of `s` (at most 64 bytes).
fn with_positions<R>(s: &[u8], f: impl FnOnce(&[u64; 256]) -> R) -> R {
    POSITIONS.with(|cell| {
        let mut table = cell.borrow_mut();
        for (j, &c) in s.iter().enumerate() {
            table[c as usize] |= 1 << j;
        }
        let out = f(&table);
        for &c in s {
            table[c as usize] = 0;
        }
        out
    })
}

/// The optimal-string-alignment distance of two ASCII strings if at most
/// `max`, bit-parallel (Hyyrö 2003) when the first is at most 64 bytes: one
/// pass of word operations per byte of the second. The same result as
/// [`edits_within`].
pub fn edits_within_ascii(a: &[u8], b: &[u8], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    if a.is_empty() || b.is_empty() {
        return Some(a.len().max(b.len())).filter(|d| *d <= max);
    }
    if a.len() > 64 {
        return edits_within(a, b, max);
    }
    let distance = with_positions(a, |peq| {
        let last = 1u64 << (a.len() - 1);
        let (mut vp, mut vn, mut d0, mut pm_old) = (u64::MAX, 0u64, 0u64, 0u64);
        let mut distance = a.len();
        for &c in b {
            let pm = peq[c as usize];
            let tr = ((!d0 & pm) << 1) & pm_old;
            d0 = (((pm & vp).wrapping_add(vp)) ^ vp) | pm | vn | tr;
            let hp = vn | !(d0 | vp);
            let hn = d0 & vp;
            if hp & last != 0 {
                distance += 1;
            } else if hn & last != 0 {
                distance -= 1;
            }
            let hp = (hp << 1) | 1;
            let hn = hn << 1;
            vp = hn | !(d0 | hp);
            vn = hp & d0;
            pm_old = pm;
        }
        distance
    });
    Some(distance).filter(|d| *d <= max)
}

/// [`jaro_winkler`] for ASCII text, bit-parallel when both are at most 64
/// bytes: each character of `a` finds its first unmatched equal in `b`'s window
/// with one mask operation instead of a scan. The same result.
pub fn jaro_winkler_ascii(a: &[u8], b: &[u8]) -> f64 {
    if a.is_empty() || b.is_empty() || a.len() > 64 || b.len() > 64 {
        return jaro_winkler(a, b);
    }
    let range = (a.len().max(b.len()) / 2).saturating_sub(1);
    let (a_flags, b_flags, matches) = with_positions(b, |positions| {
        let (mut a_flags, mut b_flags) = (0u64, 0u64);
        let mut matches = 0usize;
        for (i, &c) in a.iter().enumerate() {
            let lo = i.saturating_sub(range);
            let hi = (i + range + 1).min(b.len());
            if lo >= hi {
                continue;
            }
            let window = (u64::MAX >> (64 - (hi - lo))) << lo;
            let candidates = positions[c as usize] & window & !b_flags;
            if candidates != 0 {
                b_flags |= candidates & candidates.wrapping_neg();
                a_flags |= 1 << i;
                matches += 1;
            }
        }
        (a_flags, b_flags, matches)
    });
    winkler(jaro_of_flags(a, b, u128::from(a_flags), u128::from(b_flags), matches), a, b)
}

/// Jaro similarity from the matched characters (bit i of `a_flags`: `a[i]` matched; the same for `b`).
fn jaro_of_flags<T: PartialEq>(a: &[T], b: &[T], a_flags: u128, b_flags: u128, matches: usize) -> f64 {
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let (mut fa, mut fb) = (a_flags, b_flags);
    while fa != 0 {
        let (i, j) = (fa.trailing_zeros() as usize, fb.trailing_zeros() as usize);
        transpositions += usize::from(a[i] != b[j]);
        fa &= fa - 1;
        fb &= fb - 1;
    }
    score(matches, transpositions, a.len(), b.len())
}

/// Winkler's boost for a common prefix of up to four characters, above 0.7.
fn winkler<T: PartialEq>(jaro: f64, a: &[T], b: &[T]) -> f64 {
    if jaro <= 0.7 {
        return jaro;
    }
    let prefix = a.iter().zip(b).take(4).take_while(|(x, y)| x == y).count();
    jaro + 0.1 * prefix as f64 * (1.0 - jaro)
}

fn jaro<T: PartialEq + Copy>(a: &[T], b: &[T]) -> f64 {
    if a.is_empty() && b.is_empty() {
        return 1.0;
    }
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a.len() > 128 || b.len() > 128 {
        return jaro_long(a, b);
    }
    // Flags as bits: no allocation, no clearing.
    let range = (a.len().max(b.len()) / 2).saturating_sub(1);
    let (mut a_flags, mut b_flags) = (0u128, 0u128);
    let mut matches = 0usize;
    for (i, x) in a.iter().enumerate() {
        let lo = i.saturating_sub(range);
        let hi = (i + range + 1).min(b.len());
        for j in lo..hi {
            if b_flags & (1 << j) == 0 && b[j] == *x {
                a_flags |= 1 << i;
                b_flags |= 1 << j;
                matches += 1;
                break;
            }
        }
    }
    jaro_of_flags(a, b, a_flags, b_flags, matches)
}

fn score(matches: usize, transpositions: usize, la: usize, lb: usize) -> f64 {
    let m = matches as f64;
    (m / la as f64 + m / lb as f64 + (m - (transpositions / 2) as f64) / m) / 3.0
}

fn jaro_long<T: PartialEq + Copy>(a: &[T], b: &[T]) -> f64 {
    let range = (a.len().max(b.len()) / 2).saturating_sub(1);
    let mut a_flags = vec![false; a.len()];
    let mut b_flags = vec![false; b.len()];
    let mut matches = 0usize;
    for (i, x) in a.iter().enumerate() {
        let lo = i.saturating_sub(range);
        let hi = (i + range + 1).min(b.len());
        for j in lo..hi {
            if !b_flags[j] && b[j] == *x {
                a_flags[i] = true;
                b_flags[j] = true;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let matched_b = b.iter().zip(&b_flags).filter(|(_, f)| **f).map(|(y, _)| y);
    let matched_a = a.iter().zip(&a_flags).filter(|(_, f)| **f).map(|(x, _)| x);
    let transpositions = matched_a.zip(matched_b).filter(|(x, y)| x != y).count();
    score(matches, transpositions, a.len(), b.len())
}

/// The optimal-string-alignment distance (insertions, deletions, substitutions
/// and transpositions of neighbours) if it is at most `max`, else `None`.
pub fn edits_within<T: PartialEq + Copy>(a: &[T], b: &[T], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    // Three rows of the dynamic programme; values above max are capped at max + 1.
    let width = b.len() + 1;
    let cap = max + 1;
    let mut rows = [[0usize; 33]; 3];
    let mut heap = Vec::new();
    let [previous2, previous, current]: [&mut [usize]; 3] = if width <= 33 {
        let [x, y, z] = &mut rows;
        [&mut x[..width], &mut y[..width], &mut z[..width]]
    } else {
        heap.resize(3 * width, 0);
        let (x, rest) = heap.split_at_mut(width);
        let (y, z) = rest.split_at_mut(width);
        [x, y, z]
    };
    let (mut previous2, mut previous, mut current) = (previous2, previous, current);
    previous2.fill(cap);
    for (j, v) in previous.iter_mut().enumerate() {
        *v = j.min(cap);
    }
    for i in 1..=a.len() {
        current[0] = i.min(cap);
        let mut row_min = current[0];
        for j in 1..width {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (previous[j] + 1).min(current[j - 1] + 1).min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(previous2[j - 2] + 1);
            }
            current[j] = d.min(cap);
            row_min = row_min.min(current[j]);
        }
        if row_min > max {
            return None;
        }
        std::mem::swap(&mut previous2, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    Some(previous[b.len()]).filter(|d| *d <= max)
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
    fn id_levels_tell_a_typo_from_a_neighbour() {
        assert!(id_check_ok("11010519491231002X") && id_check_ok("11010519491231002x"));
        assert!(!id_check_ok("110105194912310021"));
        assert_eq!(id_level("11010519491231002X", "11010519491231002X"), 2);
        assert_eq!(id_level("11010519491231002X", "110105194912310021"), 1, "one digit off, check fails");
        // Two valid numbers one digit apart: two people born the same day.
        assert!(id_check_ok("331099198507160042") && id_check_ok("331099198507160026"));
        assert_eq!(id_level("331099198507160042", "331099198507160026"), 0);
        assert_eq!(id_level("331099198507160042", "331099198507160044"), 1, "…044 fails its check: a typo");
    }

    #[test]
    fn string_distances_agree_with_strsim() {
        let words = [
            "martha",
            "marhta",
            "dwayne",
            "duane",
            "dixon",
            "dicksonx",
            "",
            "a",
            "jones",
            "johnson",
            "19560409",
            "19560490",
            "19650409",
            "abcdefghijklmnopqrstuvwxyz0123456789abcdefghijklmnopqrstuvwxyz0123456789",
        ];
        for a in words {
            for b in words {
                let (x, y) = (a.as_bytes(), b.as_bytes());
                assert!((jaro_winkler(x, y) - strsim::jaro_winkler(a, b)).abs() < 1e-12, "{a} {b}");
                assert!((jaro_winkler_ascii(x, y) - strsim::jaro_winkler(a, b)).abs() < 1e-12, "{a} {b}");
                let osa = strsim::osa_distance(a, b);
                assert_eq!(edits_within(x, y, 2), Some(osa).filter(|d| *d <= 2), "{a} {b}");
                assert_eq!(edits_within_ascii(x, y, 2), Some(osa).filter(|d| *d <= 2), "{a} {b}");
            }
        }
    }

    #[test]
    fn bit_parallel_jaro_winkler_agrees_on_random_strings() {
        let mut state = 9u64;
        let mut next = || {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            (state >> 33) as usize
        };
        for _ in 0..20_000 {
            // Mostly short, as names and dates are; sometimes past 64 bytes.
            let (la, lb) = if next() % 4 == 0 { (next() % 70, next() % 70) } else { (next() % 10, next() % 10) };
            let a: String = (0..la).map(|_| b"abcdeab"[next() % 7] as char).collect();
            let b: String = (0..lb).map(|_| b"abcdeab"[next() % 7] as char).collect();
            let (x, y) = (jaro_winkler_ascii(a.as_bytes(), b.as_bytes()), strsim::jaro_winkler(&a, &b));
            assert!((x - y).abs() < 1e-12, "{a:?} {b:?}: {x} vs {y}");
            let osa = strsim::osa_distance(&a, &b);
            for max in [1, 2, 70] {
                assert_eq!(
                    edits_within_ascii(a.as_bytes(), b.as_bytes(), max),
                    Some(osa).filter(|d| *d <= max),
                    "{a:?} {b:?}"
                );
            }
        }
    }

    #[test]
    fn readings_block_homophones_together() {
        assert_eq!(Name::new("张伟").reading(), Name::new("章玮").reading());
        assert_eq!(Name::new("張偉").reading(), "zhangwei");
        assert_eq!(Name::new("張偉").simplified(), "张伟");
    }
}
