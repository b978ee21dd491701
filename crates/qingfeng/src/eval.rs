//! `qingfeng eval`: how well the models find the planted cases of a ground
//! truth (such as the demo county's `_truth.jsonl`).
//!
//! A warning finds a case when its model is the case's model and its subject
//! is the case's subject (`docs/synth.md`). Both are counted by distinct
//! subject: recall = cases found / cases; precision = warned subjects that are
//! cases / warned subjects.

use models::{Model, Warning};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Deserialize)]
pub struct Case {
    pub model: String,
    pub subject: CaseSubject,
}

#[derive(Deserialize)]
pub struct CaseSubject {
    pub id: String,
}

pub fn parse_truth(text: &str) -> anyhow::Result<Vec<Case>> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l)
                .map_err(|e| anyhow::anyhow!("第{}行不是有效的案例 / line {} is not a case: {e}", i + 1, i + 1))
        })
        .collect()
}

#[derive(Serialize)]
pub struct ModelScore {
    pub model: String,
    /// Whether the catalogue has the model (cases of other models cannot be found yet).
    pub implemented: bool,
    pub cases: usize,
    pub found: usize,
    pub warned_subjects: usize,
    pub false_subjects: Vec<String>,
    pub missed_subjects: Vec<String>,
    pub recall: Option<f64>,
    pub precision: Option<f64>,
}

pub fn evaluate(catalogue: &[Model], cases: &[Case], warnings: &[Warning]) -> Vec<ModelScore> {
    let mut truth: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for c in cases {
        truth.entry(&c.model).or_default().insert(&c.subject.id);
    }
    let mut warned: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for w in warnings {
        warned.entry(&w.model).or_default().insert(&w.subject.id);
    }
    let codes: BTreeSet<&str> = truth.keys().chain(warned.keys()).copied().collect();
    codes
        .into_iter()
        .map(|code| {
            let empty = BTreeSet::new();
            let t = truth.get(code).unwrap_or(&empty);
            let w = warned.get(code).unwrap_or(&empty);
            let found = t.intersection(w).count();
            ModelScore {
                model: code.to_owned(),
                implemented: catalogue.iter().any(|m| m.code == code),
                cases: t.len(),
                found,
                warned_subjects: w.len(),
                false_subjects: w.difference(t).map(|s| s.to_string()).collect(),
                missed_subjects: t.difference(w).map(|s| s.to_string()).collect(),
                recall: (!t.is_empty()).then(|| found as f64 / t.len() as f64),
                precision: (!w.is_empty()).then(|| found as f64 / w.len() as f64),
            }
        })
        .collect()
}
