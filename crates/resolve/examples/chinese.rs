//! Chinese person records against Splink (issue 7): the demo county's persons
//! linked to dirty copies of them mixed with another county's persons.
//!
//!     cargo run --release -p resolve --example chinese -- export COUNTY_A COUNTY_B OUT
//!     cargo run --release -p resolve --example chinese -- run OUT
//!
//! `export` reads `person.csv` of two synthetic counties (`qingfeng synth`,
//! different seeds) and writes OUT/a.csv (county A), OUT/b.csv (every second
//! person of A again, dirtied as `dirt::dirty` does, and as many persons of
//! county B) and OUT/links.csv. The files carry each name's simplified form and
//! pinyin reading too, so that Splink (`scripts/er-bench/splink_chinese.py`) can
//! compare at the same levels. `run` links a to b as `qingfeng` resolves persons
//! and prints precision, recall and F1 at p ≥ 0.95 (of the pairs, and of the
//! pairs within the clusters they make) and seconds, as JSON.

mod dirt;
mod score;

use resolve::compare::Name;
use resolve::link::{Records, resolve};
use std::collections::HashSet;
use std::path::Path;
use std::time::Instant;

type Error = Box<dyn std::error::Error>;

fn county(path: &Path) -> Result<Vec<dirt::Person>, Error> {
    let mut reader = csv::Reader::from_path(path.join("person.csv"))?;
    let mut out = Vec::new();
    for row in reader.records() {
        let row = row?;
        let id = row[0].trim_start_matches('\u{feff}').to_owned();
        let birth =
            if id.len() == 18 { format!("{}-{}-{}", &id[6..10], &id[10..12], &id[12..14]) } else { String::new() };
        out.push(dirt::Person {
            name: row[1].to_owned(),
            birth,
            region: row[5].to_owned(),
            phone: row[7].to_owned(),
            id,
        });
    }
    Ok(out)
}

const HEADER: [&str; 8] =
    ["rec_id", "name", "name_simplified", "name_reading", "birth_date", "region", "phone", "id_number"];

fn write(path: &Path, rows: &[(String, &dirt::Person)]) -> Result<(), Error> {
    let mut w = csv::Writer::from_path(path)?;
    w.write_record(HEADER)?;
    for (rec, p) in rows {
        let name = Name::new(&p.name);
        w.write_record([
            rec.as_str(),
            &p.name,
            &name.simplified(),
            &name.reading(),
            &p.birth,
            &p.region,
            &p.phone,
            &p.id,
        ])?;
    }
    w.flush()?;
    Ok(())
}

fn export(a_dir: &Path, b_dir: &Path, out: &Path) -> Result<(), Error> {
    std::fs::create_dir_all(out)?;
    let a = county(a_dir)?;
    let ids: HashSet<&str> = a.iter().map(|p| p.id.as_str()).collect();
    let others: Vec<dirt::Person> = county(b_dir)?.into_iter().filter(|p| !ids.contains(p.id.as_str())).collect();
    let given: Vec<char> =
        "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华玉萍红娥建文辉力成春梅海燕雪荣鹏飞".chars().collect();
    let mut rng = dirt::Rng(11);
    let a_rows: Vec<(String, &dirt::Person)> = a.iter().enumerate().map(|(i, p)| (format!("a{i}"), p)).collect();
    let copies: Vec<(usize, dirt::Person)> =
        a.iter().enumerate().step_by(2).map(|(i, p)| (i, dirt::dirty(&mut rng, p, &given))).collect();
    let mut b_rows: Vec<(String, &dirt::Person)> = copies.iter().map(|(i, p)| (format!("b{i}"), p)).collect();
    b_rows.extend(others.iter().take(copies.len()).enumerate().map(|(j, p)| (format!("n{j}"), p)));
    write(&out.join("a.csv"), &a_rows)?;
    write(&out.join("b.csv"), &b_rows)?;
    let mut links = csv::Writer::from_path(out.join("links.csv"))?;
    links.write_record(["a", "b"])?;
    for (i, _) in &copies {
        links.write_record([format!("a{i}"), format!("b{i}")])?;
    }
    links.flush()?;
    println!("wrote {} + {} records, {} true pairs, to {}", a_rows.len(), b_rows.len(), copies.len(), out.display());
    Ok(())
}

fn read(path: &Path, side: u8, records: &mut Records, ids: &mut Vec<String>) -> Result<(), Error> {
    let mut reader = csv::Reader::from_path(path)?;
    for row in reader.records() {
        let row = row?;
        ids.push(row[0].to_owned());
        let value = |i: usize| Some(row[i].to_owned()).filter(|v| !v.is_empty());
        records.push(side, dirt::values(value(1), value(4), value(5), value(6), value(7)));
    }
    Ok(())
}

fn run(dir: &Path) -> Result<(), Error> {
    let process = Instant::now();
    let (mut records, mut ids) = (Records::default(), Vec::new());
    read(&dir.join("a.csv"), 0, &mut records, &mut ids)?;
    read(&dir.join("b.csv"), 1, &mut records, &mut ids)?;
    let mut truth = HashSet::new();
    for row in csv::Reader::from_path(dir.join("links.csv"))?.records() {
        let row = row?;
        truth.insert((row[0].to_owned(), row[1].to_owned()));
    }
    let start = Instant::now();
    let settings = dirt::settings();
    let r = resolve(&settings, &records, &[]);
    let seconds = start.elapsed().as_secs_f64();
    // A pair of records as the truth names it: the A record first.
    let pair = |a: usize, b: usize| match (records.side[a], records.side[b]) {
        (0, 1) => Some((ids[a].clone(), ids[b].clone())),
        (1, 0) => Some((ids[b].clone(), ids[a].clone())),
        _ => None,
    };
    let found = score::link_pairs(&r.links, pair);
    if std::env::var_os("SHOW_WRONG").is_some() {
        for l in r.links.iter().filter(|l| l.probability >= 0.95) {
            let (a, b) = if records.side[l.a] == 0 { (l.a, l.b) } else { (l.b, l.a) };
            if !truth.contains(&(ids[a].clone(), ids[b].clone())) {
                eprintln!(
                    "wrong p={:.4} {:?} | {:?} {:?}",
                    l.probability,
                    records.rows[a],
                    records.rows[b],
                    r.evidence(&settings, l)
                        .iter()
                        .map(|e| format!("{} {} {:.1}", e.field, e.level, e.weight))
                        .collect::<Vec<_>>()
                );
            }
        }
    }
    if std::env::var_os("SHOW_MISSED").is_some() {
        let index: std::collections::HashMap<&str, usize> =
            ids.iter().enumerate().map(|(i, id)| (id.as_str(), i)).collect();
        for (a, b) in truth.difference(&found).take(15) {
            let (ia, ib) = (index[a.as_str()], index[b.as_str()]);
            let link = r.links.iter().find(|l| (l.a, l.b) == (ia, ib) || (l.a, l.b) == (ib, ia));
            eprintln!(
                "missed {:?} | {:?} {}",
                records.rows[ia],
                records.rows[ib],
                link.map(|l| format!(
                    "p={:.3} {:?}",
                    l.probability,
                    r.evidence(&settings, l)
                        .iter()
                        .map(|e| format!("{} {} {:.1}", e.field, e.level, e.weight))
                        .collect::<Vec<_>>()
                ))
                .unwrap_or("below 0.5 or not a candidate".into())
            );
        }
    }
    // The entities too: every pair of an A and a B record in one cluster.
    let clustered = score::cluster_pairs(&r.entity, pair);
    let mut out = score::metrics(&found, &clustered, &truth);
    let more = serde_json::json!({
        "tool": "qingfeng", "data": "chinese", "records": records.len(), "candidates": r.candidates,
        "seconds": (seconds * 1000.0).round() / 1000.0,
        "process_seconds": (process.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
    });
    if let serde_json::Value::Object(more) = more {
        out.extend(more);
    }
    println!("{}", serde_json::Value::Object(out));
    Ok(())
}

fn main() -> Result<(), Error> {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("export") if args.len() == 5 => export(Path::new(&args[2]), Path::new(&args[3]), Path::new(&args[4])),
        Some("run") if args.len() == 3 => run(Path::new(&args[2])),
        _ => Err("usage: chinese export COUNTY_A COUNTY_B OUT | chinese run OUT".into()),
    }
}
