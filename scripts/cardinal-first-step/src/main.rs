//! What cardinal-rs's `indicators` command does with each line before any
//! indicator sees it (`fold_reduce` in its `src/lib.rs`): the line read into a
//! `String` (`BufRead::lines`) and parsed into a `serde_json::Value`. Timing this
//! alone gives a floor under Cardinal's own CPU time on a file.
//!
//! Usage: cardinal-first-step FILE.jsonl

use std::io::BufRead;

fn main() -> std::io::Result<()> {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: cardinal-first-step FILE.jsonl");
        std::process::exit(2);
    };
    let file = std::io::BufReader::new(std::fs::File::open(path)?);
    let (mut objects, mut other) = (0u64, 0u64);
    for line in file.lines() {
        match serde_json::from_str::<serde_json::Value>(&line?) {
            Ok(serde_json::Value::Object(_)) => objects += 1,
            _ => other += 1,
        }
    }
    println!("{objects} JSON objects, {other} other lines");
    Ok(())
}
