//! The one masking policy for everything published (the public portal, exports
//! to the public): what of an identifier may be shown.

/// `610902199001011234` → `610902********123X`-style: the 6-digit region and the
/// last four characters stay. Anything too short to mask safely is masked whole.
pub fn id_number(s: &str) -> String {
    keep(s, 6, 4)
}

/// A bank account: only the last four digits stay.
pub fn account(s: &str) -> String {
    keep(s, 0, 4)
}

/// A phone number: `138****5678`.
pub fn phone(s: &str) -> String {
    keep(s, 3, 4)
}

/// A person's name: the surname stays (`王**`); names of one character are masked whole.
pub fn name(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    match chars.len() {
        0 => String::new(),
        1 => "*".to_owned(),
        n => std::iter::once(chars[0]).chain(std::iter::repeat_n('*', n - 1)).collect(),
    }
}

/// Free text for publication (findings, notices): every run of digits that could be
/// an ID number (15 or 18 characters, the last may be `X`), a mobile number (11
/// digits from `1`) or an account (12 digits or more) is masked as above.
pub fn scrub(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        // A check character X ends an 18-character ID number.
        if i - start == 17 && i < chars.len() && matches!(chars[i], 'X' | 'x') {
            i += 1;
        }
        let run: String = chars[start..i].iter().collect();
        let masked = match run.len() {
            15 | 18 => id_number(&run),
            11 if run.starts_with('1') => phone(&run),
            n if n >= 12 => account(&run),
            _ => run,
        };
        out.push_str(&masked);
    }
    out
}

fn keep(s: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let n = chars.len();
    // Showing head and tail of a short value would show most of it.
    if n < head + tail + 4 {
        return "*".repeat(n.max(1));
    }
    chars[..head].iter().chain(std::iter::repeat_n(&'*', n - head - tail)).chain(chars[n - tail..].iter()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(id_number("61090219900101123X"), "610902********123X");
        assert_eq!(account("6217331099000000000012"), "******************0012");
        assert_eq!(phone("13812345678"), "138****5678");
        assert_eq!(name("王秀英"), "王**");
        assert_eq!(name("阿依古丽·买买提"), "阿*******");
        assert_eq!(id_number("1234"), "****", "too short: masked whole");
        assert_eq!(phone(""), "*");
    }

    #[test]
    fn scrub_masks_identifiers_in_free_text() {
        let text = "当事人张三（身份证61090219900101123X，电话13812345678）账户6217331099000000000012退回；\
                    信用代码91331099MA0000298E，金额12345.67元，2026年11月20日";
        let scrubbed = scrub(text);
        assert!(scrubbed.contains("610902********123X"), "{scrubbed}");
        assert!(scrubbed.contains("138****5678"), "{scrubbed}");
        assert!(scrubbed.contains("******************0012"), "{scrubbed}");
        for kept in ["91331099MA0000298E", "12345.67", "2026年11月20日"] {
            assert!(scrubbed.contains(kept), "{kept} kept: {scrubbed}");
        }
    }

    #[test]
    fn no_mask_reveals_a_full_id_number() {
        let id = "11010519491231002X";
        for masked in [id_number(id), account(id), phone(id)] {
            assert!(!masked.contains(&id[6..14]), "{masked}");
        }
    }
}
