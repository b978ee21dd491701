//! Storing what a scan found: new warnings, unchanged ones, changed ones, and
//! those whose evidence is gone (resolved by data, never deleted).

use crate::{Warehouse, WarehouseError};
use models::{Model, Warning};
use std::collections::HashMap;
use store::{ScanCounts, WarningRecord, WarningStatus};

/// The stored form of `w`, raised by `model` in scan `scan`.
pub fn warning_record(model: &Model, w: &Warning, scan: i64) -> WarningRecord {
    let (evidence_json, digest) = w.evidence_json_and_digest();
    WarningRecord {
        id: w.id.clone(),
        model: w.model.clone(),
        domain: model.domain.as_str().to_owned(),
        severity: w.severity.clone(),
        severity_rank: model.severity.rank(),
        subject_kind: w.subject.kind.clone(),
        subject_id: w.subject.id.clone(),
        subject_name: w.subject.name.clone(),
        org_code: None,
        region_code: None,
        amount_fen: w.amount_fen,
        reason_zh: w.reason_zh.clone(),
        reason_en: w.reason_en.clone(),
        evidence_json,
        digest,
        status: WarningStatus::Open,
        first_scan: scan,
        last_scan: scan,
        resolved_scan: None,
    }
}

/// The warning of a stored record, as exports show it.
pub fn warning_from_record(r: &WarningRecord) -> Result<Warning, WarehouseError> {
    let evidence = serde_json::from_str(&r.evidence_json)
        .map_err(|e| store::StoreError::Corrupt(format!("evidence of warning {}: {e}", r.id)))?;
    Ok(Warning {
        id: r.id.clone(),
        model: r.model.clone(),
        severity: r.severity.clone(),
        subject: models::Subject {
            kind: r.subject_kind.clone(),
            id: r.subject_id.clone(),
            name: r.subject_name.clone(),
        },
        amount_fen: r.amount_fen,
        reason_zh: r.reason_zh.clone(),
        reason_en: r.reason_en.clone(),
        evidence,
    })
}

impl Warehouse {
    /// Stores what `model` raised in scan `scan` (`records` from
    /// [`warning_record`], with unit and region filled in) and compares it with
    /// what the model had raised before.
    pub async fn save_model_warnings(
        &self,
        scan: i64,
        model: &Model,
        records: Vec<WarningRecord>,
    ) -> Result<ScanCounts, WarehouseError> {
        let before: HashMap<String, (String, WarningStatus)> =
            self.store.warning_digests(&model.code).await?.into_iter().map(|d| (d.id, (d.digest, d.status))).collect();
        let mut counts = ScanCounts::default();
        let mut upserts = Vec::new();
        let mut unchanged = Vec::new();
        let mut raised = std::collections::HashSet::new();
        for r in records {
            raised.insert(r.id.clone());
            match before.get(&r.id) {
                None => {
                    counts.new += 1;
                    upserts.push(r);
                }
                Some((digest, WarningStatus::Open)) if *digest == r.digest => {
                    counts.unchanged += 1;
                    unchanged.push(r.id);
                }
                Some(_) => {
                    counts.changed += 1;
                    upserts.push(r);
                }
            }
        }
        let mut resolved: Vec<String> = before
            .iter()
            .filter(|(id, (_, status))| *status == WarningStatus::Open && !raised.contains(*id))
            .map(|(id, _)| id.clone())
            .collect();
        resolved.sort();
        counts.resolved = resolved.len() as u64;
        self.store.save_warnings(scan, &upserts, &unchanged, &resolved).await?;
        Ok(counts)
    }
}
