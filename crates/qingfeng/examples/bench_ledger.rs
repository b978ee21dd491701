//! Ledger benchmark: appends per second with a signed checkpoint per batch of
//! appends, and the latency of an inclusion proof bundle.
//! `cargo run --release -p qingfeng --example bench_ledger -- [ENTRIES] [BATCH]`

use std::time::Instant;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut args = std::env::args().skip(1);
    let entries: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let batch: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(1_000);
    let dir = tempfile::tempdir()?;
    let warehouse = warehouse::Warehouse::open(dir.path()).await?;

    let started = Instant::now();
    let mut appended = 0;
    while appended < entries {
        let n = batch.min(entries - appended);
        let records: Vec<(&str, String)> = (appended..appended + n)
            .map(|i| ("disclosure", format!("{{\"notice\":{i},\"title\":\"关于某村低保资金发放情况的通报\"}}")))
            .collect();
        warehouse.ledger_append(&records).await?;
        appended += n;
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "appended {entries} entries in batches of {batch} (one signed checkpoint each): {seconds:.2} s, {:.0} appends/s",
        entries as f64 / seconds
    );

    let mut latencies = Vec::new();
    let mut state = 0x9E37_79B9_7F4A_7C15u64;
    for _ in 0..1_000 {
        state = state.wrapping_mul(6_364_136_223_846_793_005).wrapping_add(1);
        let index = (state >> 11) % entries;
        let t = Instant::now();
        let bundle = warehouse.inclusion_bundle(index).await?;
        latencies.push(t.elapsed().as_secs_f64() * 1000.0);
        anyhow::ensure!(bundle.is_some(), "no proof for {index}");
    }
    latencies.sort_by(|a, b| a.total_cmp(b));
    let mean = latencies.iter().sum::<f64>() / latencies.len() as f64;
    println!(
        "inclusion proof bundle (entry, checkpoint, proof) over {entries} entries: mean {mean:.3} ms, p50 {:.3} ms, p99 {:.3} ms",
        latencies[500], latencies[990]
    );
    let t = Instant::now();
    let leaves: Vec<ledger::Hash> = (0..entries).map(|i| ledger::leaf_hash(&i.to_be_bytes())).collect();
    let tree = ledger::Tree::from_leaves(&leaves);
    let build = t.elapsed().as_secs_f64();
    let t = Instant::now();
    for i in 0..1_000u64 {
        std::hint::black_box(tree.inclusion_proof((i * 7919) % entries, entries));
    }
    println!(
        "in-memory tree of {entries} leaves built in {build:.3} s; proof alone {:.1} µs",
        t.elapsed().as_secs_f64() * 1000.0
    );
    Ok(())
}
