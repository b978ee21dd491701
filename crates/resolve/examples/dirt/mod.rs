//! What the resolution benchmarks share: a small generator, and the dirt that
//! department exports carry (traditional characters, homophones, a character
//! off, mistyped or missing ID numbers, missing phones and dates).

#![allow(dead_code)]

use resolve::link::{FieldSpec, KeyPart, Kind, Settings};

/// A record's fields in the order of [`settings`]: name, birth date, region,
/// phone, ID number as recorded, and the key — the ID number if valid (exact
/// keys first, as `warehouse::entities` does).
pub fn values(
    name: Option<String>,
    birth: Option<String>,
    region: Option<String>,
    phone: Option<String>,
    id: Option<String>,
) -> Vec<Option<String>> {
    let key = id.clone().filter(|id| resolve::compare::id_check_ok(id));
    vec![name, birth, region, phone, id, key]
}

/// The person fields and blocking rules of `warehouse::entities`, less the
/// bank account, linking two sides.
pub fn settings() -> Settings {
    let fields = vec![
        FieldSpec::new("name", Kind::ChineseName).with_term_frequency(),
        FieldSpec::new("birth_date", Kind::Typed),
        FieldSpec::new("region", Kind::Region),
        FieldSpec::new("phone", Kind::Exact),
        FieldSpec::new("id_number", Kind::IdNumber).implying(&[1, 2]),
        FieldSpec::new("key", Kind::Exact),
    ];
    let blocking = vec![
        vec![KeyPart::Field(4)],
        vec![KeyPart::Field(3)],
        vec![KeyPart::Reading(0), KeyPart::Substr(1, 0, 4)],
        vec![KeyPart::Reading(0), KeyPart::Substr(2, 0, 6)],
        vec![KeyPart::Substr(4, 0, 14)],
    ];
    let mut settings = Settings::new(fields, blocking);
    settings.link_only = true;
    settings.distinct_key = Some(5);
    if let Some(n) = std::env::var("RANDOM_PAIRS").ok().and_then(|n| n.parse().ok()) {
        settings.random_pairs = n;
    }
    settings
}

pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    /// Skewed towards the front of a list: the square of a uniform draw.
    pub fn skewed(&mut self, n: usize) -> usize {
        let u = (self.next() >> 11) as f64 / (1u64 << 53) as f64;
        ((u * u) * n as f64) as usize
    }
    pub fn chance(&mut self, p: f64) -> bool {
        ((self.next() >> 11) as f64 / (1u64 << 53) as f64) < p
    }
}

/// Characters written differently in traditional script, and homophones.
pub const TRADITIONAL: [(char, char); 8] =
    [('张', '張'), ('刘', '劉'), ('陈', '陳'), ('杨', '楊'), ('黄', '黃'), ('赵', '趙'), ('伟', '偉'), ('华', '華')];
pub const HOMOPHONES: [(char, char); 8] =
    [('伟', '玮'), ('静', '婧'), ('丽', '莉'), ('军', '君'), ('杰', '洁'), ('红', '虹'), ('明', '铭'), ('燕', '艳')];

pub struct Person {
    pub name: String,
    pub birth: String,
    pub region: String,
    pub phone: String,
    pub id: String,
}

pub fn check_char(first17: &str) -> char {
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = first17.chars().zip(W).map(|(c, w)| c.to_digit(10).unwrap_or(0) * w).sum();
    b"10X98765432"[(sum % 11) as usize] as char
}

pub fn dirty(rng: &mut Rng, p: &Person, given: &[char]) -> Person {
    let mut name = p.name.clone();
    match rng.below(5) {
        0 => {
            for (s, t) in TRADITIONAL {
                name = name.replace(s, &t.to_string());
            }
        }
        1 => {
            for (s, t) in HOMOPHONES {
                name = name.replace(s, &t.to_string());
            }
        }
        2 if rng.chance(0.5) => {
            let mut chars: Vec<char> = name.chars().collect();
            let last = chars.len() - 1;
            chars[last] = given[rng.below(given.len())];
            name = chars.into_iter().collect();
        }
        _ => {}
    }
    let id = match rng.below(4) {
        0 => String::new(),
        1 => {
            let mut chars: Vec<char> = p.id.chars().collect();
            let i = 14 + rng.below(3);
            chars[i] = char::from_digit((chars[i].to_digit(10).unwrap_or(0) + 1) % 10, 10).unwrap_or('0');
            chars.into_iter().collect()
        }
        _ => p.id.clone(),
    };
    let phone = if rng.chance(0.3) {
        String::new()
    } else if rng.chance(0.1) {
        format!("139{:08}", rng.below(100_000_000))
    } else {
        p.phone.clone()
    };
    let region = if rng.chance(0.3) { p.region[..6].to_owned() } else { p.region.clone() };
    let birth = if rng.chance(0.3) { String::new() } else { p.birth.clone() };
    Person { name, birth, region, phone, id }
}
