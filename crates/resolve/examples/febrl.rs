//! `resolve` on one FEBRL data set exported by `scripts/er-bench/febrl_export.py`,
//! with the comparisons and blocking rules of `scripts/er-bench/splink_febrl.py`.
//! Prints one JSON line: precision, recall and F1 of the pairs at match
//! probability ≥ 0.95, and seconds.
//!
//!     cargo run --release -p resolve --example febrl -- DIR febrl3   # deduplicate
//!     cargo run --release -p resolve --example febrl -- DIR febrl4   # link a to b

mod score;

use resolve::link::{FieldSpec, KeyPart, Kind, Records, Settings, resolve};
use std::collections::HashSet;
use std::path::Path;
use std::time::Instant;

const FIELDS: [(&str, Kind, bool); 9] = [
    ("given_name", Kind::Text, true),
    ("surname", Kind::Text, true),
    ("date_of_birth", Kind::Typed, false),
    ("soc_sec_id", Kind::Typed, false),
    ("street_number", Kind::Exact, false),
    ("address_1", Kind::Text, false),
    ("suburb", Kind::Text, false),
    ("postcode", Kind::Typed, false),
    ("state", Kind::Exact, false),
];

fn read(path: &Path, side: u8, records: &mut Records, ids: &mut Vec<String>) -> Result<(), Box<dyn std::error::Error>> {
    let mut reader = csv::Reader::from_path(path)?;
    let headers = reader.headers()?.clone();
    let column =
        |name: &str| headers.iter().position(|h| h == name).ok_or(format!("{}: no column {name}", path.display()));
    let id = column("rec_id")?;
    let columns: Vec<usize> = FIELDS.iter().map(|(f, ..)| column(f)).collect::<Result<_, _>>()?;
    for row in reader.records() {
        let row = row?;
        ids.push(row[id].to_owned());
        records.push(side, columns.iter().map(|&c| Some(row[c].to_owned()).filter(|v| !v.is_empty())).collect());
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let process = Instant::now();
    let args: Vec<String> = std::env::args().collect();
    let (folder, name) = (Path::new(&args[1]), args[2].as_str());
    let link = name == "febrl4";
    let (mut records, mut ids) = (Records::default(), Vec::new());
    if link {
        read(&folder.join("febrl4a.csv"), 0, &mut records, &mut ids)?;
        read(&folder.join("febrl4b.csv"), 1, &mut records, &mut ids)?;
    } else {
        read(&folder.join(format!("{name}.csv")), 0, &mut records, &mut ids)?;
    }
    let mut truth = HashSet::new();
    for row in csv::Reader::from_path(folder.join(format!("{name}.links.csv")))?.records() {
        let row = row?;
        let (a, b) = (row[0].to_owned(), row[1].to_owned());
        truth.insert(if a < b { (a, b) } else { (b, a) });
    }

    let start = Instant::now();
    let fields = FIELDS
        .iter()
        .map(
            |(f, kind, tf)| if *tf { FieldSpec::new(f, *kind).with_term_frequency() } else { FieldSpec::new(f, *kind) },
        )
        .collect();
    let blocking = (0..4).map(|f| vec![KeyPart::Field(f)]).collect();
    let mut settings = Settings::new(fields, blocking);
    settings.link_only = link;
    if let Ok(n) = std::env::var("RANDOM_PAIRS") {
        settings.random_pairs = n.parse()?;
    }
    let r = resolve(&settings, &records, &[]);
    let seconds = start.elapsed().as_secs_f64();

    // A pair of records as the truth names it (across the two files when linking).
    let pair = |a: usize, b: usize| {
        (!link || records.side[a] != records.side[b]).then(|| {
            let (a, b) = (ids[a].clone(), ids[b].clone());
            if a < b { (a, b) } else { (b, a) }
        })
    };
    let found = score::link_pairs(&r.links, pair);
    // The entities too: every pair of records in one cluster, which is what a
    // profile shows as one person.
    let clustered = score::cluster_pairs(&r.entity, pair);
    let mut out = score::metrics(&found, &clustered, &truth);
    let more = serde_json::json!({
        "tool": "qingfeng", "data": name, "records": records.len(), "candidates": r.candidates,
        "seconds": (seconds * 1000.0).round() / 1000.0,
        "process_seconds": (process.elapsed().as_secs_f64() * 1000.0).round() / 1000.0,
            "lambda": r.model.lambda, "em_converged": r.em.converged,
    });
    if let serde_json::Value::Object(more) = more {
        out.extend(more);
    }
    println!("{}", serde_json::Value::Object(out));
    if let Some(path) = std::env::var_os("FEBRL_FOUND") {
        let mut sorted: Vec<_> = found.iter().collect();
        sorted.sort();
        std::fs::write(path, sorted.iter().map(|(a, b)| format!("{a} {b}\n")).collect::<String>())?;
    }
    if std::env::var_os("FEBRL_MISSES").is_some() {
        for (a, b) in truth.difference(&found).take(20) {
            let link = r.links.iter().find(|l| {
                let (x, y) = (&ids[l.a], &ids[l.b]);
                (x == a && y == b) || (x == b && y == a)
            });
            let why =
                link.map(|l| format!("p={:.3} {}", l.probability, resolve::link::describe(&r.evidence(&settings, l))));
            eprintln!("missed {a} {b} {}", why.unwrap_or_else(|| "below 0.5 or not a candidate".into()));
        }
        for (a, b) in found.difference(&truth).take(20) {
            eprintln!("wrong {a} {b}");
        }
    }
    Ok(())
}
