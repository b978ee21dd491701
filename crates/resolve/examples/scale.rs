//! The scale benchmark of issue 7: link N synthetic person records to N others
//! (default 1,000,000 each) and report time, candidate pairs, accuracy and
//! peak memory (read from /proc/self/status).
//!
//!     cargo run --release -p resolve --example scale -- [N]
//!
//! Side A: N people with a name (surnames and given names drawn by a skewed
//! distribution, so that common names are common), birth date, county and
//! village code, mobile number and a valid ID number. Side B: half of them again,
//! dirtied as department exports are — the name in traditional characters, by
//! a homophone or one character off; the ID number missing or one digit
//! mistyped; the phone missing or changed; the village recorded as the county —
//! and half new people.

use resolve::link::{Records, resolve};
use std::time::Instant;

mod dirt;

use dirt::{Person, Rng, check_char, dirty};

const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN: &str = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥建文辉力成春梅海燕雪荣鹏飞斌宇浩凯健俊帆帅旭宁龙林欢阳建国志强永胜德福振华晓东丹玲慧琳婷颖倩洁莉欣怡佳雨婧瑶";
fn person(rng: &mut Rng, surnames: &[char], given: &[char]) -> Person {
    let mut name = String::new();
    name.push(surnames[rng.skewed(surnames.len())]);
    name.push(given[rng.skewed(given.len())]);
    if rng.chance(0.7) {
        name.push(given[rng.below(given.len())]);
    }
    let (y, m, d) = (1940 + rng.below(66), 1 + rng.below(12), 1 + rng.below(28));
    let county = format!("3301{:02}", 1 + rng.below(30));
    let region = format!("{county}{:03}{:03}", 1 + rng.below(20), 1 + rng.below(30));
    let phone = format!("1{}{:09}", [3, 5, 8][rng.below(3)], rng.below(1_000_000_000));
    let first17 = format!("{county}{y:04}{m:02}{d:02}{:03}", rng.below(1000));
    let id = format!("{first17}{}", check_char(&first17));
    Person { name, birth: format!("{y:04}-{m:02}-{d:02}"), region, phone, id }
}

fn peak_memory_kb() -> String {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l.trim_start_matches("VmHWM:").trim().to_owned())
        })
        .unwrap_or_else(|| "?".into())
}

fn main() {
    let n: usize = std::env::args().nth(1).and_then(|a| a.parse().ok()).unwrap_or(1_000_000);
    let surnames: Vec<char> = SURNAMES.chars().collect();
    let given: Vec<char> = GIVEN.chars().collect();
    let mut rng = Rng(7);
    let generated = Instant::now();
    let mut records = Records::default();
    let mut truth = Vec::new(); // the A record of each B record, if any
    let values = |p: &Person| -> Vec<Option<String>> {
        let v = |s: &String| Some(s.clone()).filter(|s| !s.is_empty());
        dirt::values(v(&p.name), v(&p.birth), v(&p.region), v(&p.phone), v(&p.id))
    };
    let mut people = Vec::with_capacity(n);
    for _ in 0..n {
        let p = person(&mut rng, &surnames, &given);
        records.push(0, values(&p));
        people.push(p);
    }
    for i in 0..n {
        if i % 2 == 0 {
            let d = dirty(&mut rng, &people[i], &given);
            records.push(1, values(&d));
            truth.push(Some(i));
        } else {
            records.push(1, values(&person(&mut rng, &surnames, &given)));
            truth.push(None);
        }
    }
    drop(people);
    let generated = generated.elapsed().as_secs_f64();

    let settings = dirt::settings();
    let start = Instant::now();
    let r = resolve(&settings, &records, &[]);
    let seconds = start.elapsed().as_secs_f64();

    let (mut tp, mut found) = (0usize, 0usize);
    for l in r.links.iter().filter(|l| l.probability >= settings.match_threshold) {
        found += 1;
        let (a, b) = if records.side[l.a] == 0 { (l.a, l.b) } else { (l.b, l.a) };
        tp += usize::from(truth[b - n] == Some(a));
    }
    let true_pairs = truth.iter().flatten().count();
    let precision = tp as f64 / found.max(1) as f64;
    let recall = tp as f64 / true_pairs.max(1) as f64;
    println!(
        "{{\"records_a\":{n},\"records_b\":{n},\"generate_seconds\":{generated:.1},\"resolve_seconds\":{seconds:.1},\"candidates\":{},\"skipped_blocks\":{},\"true_pairs\":{true_pairs},\"found_pairs\":{found},\"precision\":{precision:.4},\"recall\":{recall:.4},\"em_converged\":{},\"peak_memory\":\"{}\"}}",
        r.candidates,
        r.skipped_blocks,
        r.em.converged,
        peak_memory_kb()
    );
}
