//! Text normalization shared by every column: departments' exports mix full-width
//! and half-width characters, and minority names use several middle dots.

use std::borrow::Cow;

/// Folds full-width ASCII (U+FF01–U+FF5E) and the ideographic space to half-width.
#[inline]
pub fn fold_width(s: &str) -> Cow<'_, str> {
    // Full-width forms encode as EF BC xx / EF BD xx and the ideographic space as
    // E3 80 80: text without those lead bytes (all ASCII text, most values) needs
    // no decoding.
    if !may_need_width_folding(s.as_bytes()) {
        return Cow::Borrowed(s);
    }
    fold_width_slow(s)
}

/// Whether `fold_width` could change text holding these bytes: false when they
/// have no lead byte of a full-width form (EF BC, EF BD) or of the ideographic
/// space (E3 80 80). Readers check a whole record at once and then only trim its
/// fields (`normalize_folded`).
#[inline]
pub fn may_need_width_folding(bytes: &[u8]) -> bool {
    memchr::memchr2(0xEF, 0xE3, bytes).is_some()
}

fn fold_width_slow(s: &str) -> Cow<'_, str> {
    if !s.chars().any(|c| ('\u{FF01}'..='\u{FF5E}').contains(&c) || c == '\u{3000}') {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| match c {
                '\u{3000}' => ' ',
                '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFF01 + 0x21).unwrap_or(c),
                _ => c,
            })
            .collect(),
    )
}

/// `str::trim`, with a fast path for the common case of a value that starts and
/// ends with a visible ASCII character or a CJK ideograph (then nothing can be
/// trimmed).
#[inline]
pub fn trim(s: &str) -> &str {
    let bytes = s.as_bytes();
    // A character whose UTF-8 form starts with E4 to E9 lies in U+4000 to U+9FFF
    // (CJK ideographs): no whitespace there. A string ends with such a character
    // when its third byte from the end is one of those lead bytes.
    let kept = |b: u8| (0x21..0x7F).contains(&b) || (0xE4..=0xE9).contains(&b);
    let first = bytes.first().is_some_and(|&b| kept(b));
    let last = match bytes.last() {
        Some(&b) if b < 0x80 => kept(b),
        Some(_) => bytes.len() >= 3 && (0xE4..=0xE9).contains(&bytes[bytes.len() - 3]),
        None => false,
    };
    if first && last { s } else { s.trim() }
}

/// Trims and folds a value; what every column gets before its own parsing.
#[inline]
pub fn normalize_text(s: &str) -> Cow<'_, str> {
    match fold_width(s) {
        Cow::Borrowed(b) => Cow::Borrowed(trim(b)),
        Cow::Owned(o) => Cow::Owned(o.trim().to_owned()),
    }
}

/// `normalize_text` of text for which `may_need_width_folding` is false: only trimmed.
#[inline]
pub fn normalize_folded(s: &str) -> &str {
    debug_assert!(!may_need_width_folding(s.as_bytes()));
    trim(s)
}

/// Normalizes a person's or organization's name: trimmed, folded to half-width,
/// and the middle dots of minority names (`·•‧・` and the katakana dot) unified to `·`.
pub fn normalize_name(s: &str) -> Cow<'_, str> {
    match normalize_text(s) {
        Cow::Borrowed(b) => unify_middle_dots(b),
        Cow::Owned(o) => Cow::Owned(unify_middle_dots(&o).into_owned()),
    }
}

/// The last step of `normalize_name`, for text already normalized.
pub fn unify_middle_dots(text: &str) -> Cow<'_, str> {
    if text.is_ascii() || !text.chars().any(is_other_middle_dot) {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.chars().map(|c| if is_other_middle_dot(c) { '·' } else { c }).collect())
}

fn is_other_middle_dot(c: char) -> bool {
    matches!(c, '•' | '‧' | '・' | '･' | '∙' | '⋅' | '●')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_trim_is_trim() {
        for s in [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\u{3000}王\u{3000}",
            "王",
            "a\tb",
            "\u{a0}x",
            "x\u{a0}",
            "王 ",
            " 王",
            "王\u{2003}",
            "é",
            "王é",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
        // Every character that ends a string after a CJK ideograph, and before one.
        for c in (0..=0x10FFFFu32).filter_map(char::from_u32) {
            for s in [format!("王{c}"), format!("{c}王"), format!("{c}")] {
                assert_eq!(trim(&s), s.trim(), "{s:?}");
            }
        }
    }

    #[test]
    fn text_without_the_lead_bytes_needs_no_folding() {
        for s in ["abc", "王伟", "阿依古丽·买买提", "１２３", "　x", "、", "ｘ"] {
            if !may_need_width_folding(s.as_bytes()) {
                assert_eq!(normalize_text(s), normalize_folded(s), "{s:?}");
            }
        }
        assert!(may_need_width_folding("１２３".as_bytes()) && may_need_width_folding("　x".as_bytes()));
    }

    #[test]
    fn folds_full_width_and_dots() {
        assert_eq!(normalize_text("　１２３ＡＢｃ　"), "123ABc");
        assert_eq!(normalize_name(" 阿依古丽•买买提 "), "阿依古丽·买买提");
        assert_eq!(normalize_name("努尔・艾力"), "努尔·艾力");
        assert_eq!(normalize_name("王伟"), "王伟");
    }
}
