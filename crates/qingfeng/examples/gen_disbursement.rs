//! Writes a large `disbursement` CSV for the import benchmark:
//! `cargo run --release -p qingfeng --example gen_disbursement -- OUT.csv MEGABYTES`.
//!
//! Rows look like a county's monthly payments and mix the value forms the
//! contract allows (`1,234.50`, `2026年3月`, `20260310` …), so the importer does
//! its real work on every field.

use std::io::Write;

const NAMES: [&str; 8] = ["王秀英", "张伟", "李娜", "刘强", "陈静", "杨洋", "赵磊", "阿依古丽·买买提"];
const PROGRAMS: [&str; 4] = ["DB01", "TK01", "GL80", "CJ02"];

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (Some(out), Some(megabytes)) = (args.next(), args.next()) else {
        eprintln!("usage: gen_disbursement OUT.csv MEGABYTES");
        std::process::exit(2);
    };
    let target: u64 = megabytes.parse::<u64>().unwrap_or(1024) * 1024 * 1024;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(out)?);
    let header = "记录号,项目代码,所属期,领取人身份证号,领取人姓名,发放金额,核定金额,收款账号,发放日期,所属村(社区),经办单位代码,经办人身份证号\n";
    out.write_all(header.as_bytes())?;
    let mut written = header.len() as u64;
    let birth = chrono::NaiveDate::from_ymd_opt(1940, 1, 1).unwrap_or_default();
    let handler = domain::IdNumber::from_parts("331023", birth, 11).map(|i| i.to_string()).unwrap_or_default();
    let mut line = String::with_capacity(256);
    let mut i: u64 = 0;
    while written < target {
        line.clear();
        let person = i % 500_000;
        let id = domain::IdNumber::from_parts(
            "331023",
            birth + chrono::Duration::days((person / 900) as i64),
            (person % 900) as u16,
        )
        .map(|i| i.to_string())
        .unwrap_or_default();
        let month = 1 + (i / 500_000) % 12;
        let period = if i.is_multiple_of(3) { format!("2026年{month}月") } else { format!("2026-{month:02}") };
        let fen = 30_000 + (i * 7919) % 150_000;
        let amount = if i.is_multiple_of(2) {
            format!("{}.{:02}", fen / 100, fen % 100)
        } else {
            format!("\"{},{:03}.{:02}\"", fen / 100_000, (fen / 100) % 1000, fen % 100)
        };
        let pay_date = if i.is_multiple_of(4) { format!("2026{month:02}10") } else { format!("2026-{month:02}-10") };
        use std::fmt::Write as _;
        let _ = writeln!(
            line,
            "R{i:012},{},{period},{id},{},{amount},{}.{:02},6217{person:015},{pay_date},331023{:03}{:03},12331023MB0000012C,{handler}",
            PROGRAMS[(i % 4) as usize],
            NAMES[(person % 8) as usize],
            fen / 100,
            fen % 100,
            100 + person % 20,
            200 + person % 15,
        );
        out.write_all(line.as_bytes())?;
        written += line.len() as u64;
        i += 1;
    }
    out.flush()?;
    eprintln!("{i} rows, {written} bytes");
    Ok(())
}
