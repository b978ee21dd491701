//! Scoring shared by the `febrl` and `chinese` examples: precision, recall and
//! F1 of found pairs, and the pairs within the clusters a resolution makes.

use resolve::link::Link;
use std::collections::{HashMap, HashSet};

pub type Pairs = HashSet<(String, String)>;

/// Precision, recall and F1 of `found` pairs against the true ones.
pub fn scores(found: &Pairs, truth: &Pairs) -> (f64, f64, f64) {
    let tp = found.intersection(truth).count() as f64;
    let precision = if found.is_empty() { 0.0 } else { tp / found.len() as f64 };
    let recall = if truth.is_empty() { 0.0 } else { tp / truth.len() as f64 };
    let f1 = if precision + recall > 0.0 { 2.0 * precision * recall / (precision + recall) } else { 0.0 };
    (precision, recall, f1)
}

/// Every pair of records in one cluster (`entity[i]` names record i's), as
/// `pair(a, b)` makes it, or leaves it out with `None`.
pub fn cluster_pairs(entity: &[usize], pair: impl Fn(usize, usize) -> Option<(String, String)>) -> Pairs {
    let mut members: HashMap<usize, Vec<usize>> = HashMap::new();
    for (record, &e) in entity.iter().enumerate() {
        members.entry(e).or_default().push(record);
    }
    let mut out = HashSet::new();
    for cluster in members.values() {
        for (i, &a) in cluster.iter().enumerate() {
            for &b in &cluster[i + 1..] {
                out.extend(pair(a, b));
            }
        }
    }
    out
}

/// The pairs of the links at match probability ≥ 0.95, as `pair(a, b)` makes them.
pub fn link_pairs(links: &[Link], pair: impl Fn(usize, usize) -> Option<(String, String)>) -> Pairs {
    links.iter().filter(|l| l.probability >= 0.95).filter_map(|l| pair(l.a, l.b)).collect()
}

/// The figures both examples print: pairs, precision, recall and F1 of the links
/// and of the clusters, rounded to four places.
pub fn metrics(found: &Pairs, clustered: &Pairs, truth: &Pairs) -> serde_json::Map<String, serde_json::Value> {
    let round = |x: f64| serde_json::json!((x * 10_000.0).round() / 10_000.0);
    let (precision, recall, f1) = scores(found, truth);
    let (cluster_precision, cluster_recall, cluster_f1) = scores(clustered, truth);
    let mut out = serde_json::Map::new();
    out.insert("true_pairs".into(), truth.len().into());
    out.insert("found_pairs".into(), found.len().into());
    out.insert("precision".into(), round(precision));
    out.insert("recall".into(), round(recall));
    out.insert("f1".into(), round(f1));
    out.insert("cluster_pairs".into(), clustered.len().into());
    out.insert("cluster_precision".into(), round(cluster_precision));
    out.insert("cluster_recall".into(), round(cluster_recall));
    out.insert("cluster_f1".into(), round(cluster_f1));
    out
}
