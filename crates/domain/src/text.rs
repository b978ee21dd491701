//! Text normalization shared by every column: departments' exports mix full-width
//! and half-width characters, and minority names use several middle dots.

use std::borrow::Cow;

/// Folds full-width ASCII (U+FF01–U+FF5E) and the ideographic space to half-width.
pub fn fold_width(s: &str) -> Cow<'_, str> {
    // Full-width forms encode as EF BC xx / EF BD xx and the ideographic space as
    // E3 80 80: ASCII text (most values), or text without those lead bytes, needs
    // no decoding.
    if s.is_ascii()
        || !s.bytes().any(|b| b == 0xEF || b == 0xE3)
        || !s.chars().any(|c| ('\u{FF01}'..='\u{FF5E}').contains(&c) || c == '\u{3000}')
    {
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
/// ends with a visible ASCII character (then nothing can be trimmed).
pub fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(&a), Some(&b)) if (0x21..0x7F).contains(&a) && (0x21..0x7F).contains(&b) => s,
        _ => s.trim(),
    }
}

/// Trims and folds a value; what every column gets before its own parsing.
pub fn normalize_text(s: &str) -> Cow<'_, str> {
    match fold_width(s) {
        Cow::Borrowed(b) => Cow::Borrowed(trim(b)),
        Cow::Owned(o) => Cow::Owned(o.trim().to_owned()),
    }
}

/// Normalizes a person's or organization's name: trimmed, folded to half-width,
/// and the middle dots of minority names (`·•‧・` and the katakana dot) unified to `·`.
pub fn normalize_name(s: &str) -> Cow<'_, str> {
    let text = normalize_text(s);
    if text.is_ascii() || !text.chars().any(is_other_middle_dot) {
        return text;
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
        for s in ["", " ", "a", " a", "a ", "\u{3000}王\u{3000}", "王", "a\tb", "\u{a0}x", "x\u{a0}"] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }

    #[test]
    fn folds_full_width_and_dots() {
        assert_eq!(normalize_text("　１２３ＡＢｃ　"), "123ABc");
        assert_eq!(normalize_name(" 阿依古丽•买买提 "), "阿依古丽·买买提");
        assert_eq!(normalize_name("努尔・艾力"), "努尔·艾力");
        assert_eq!(normalize_name("王伟"), "王伟");
    }
}
