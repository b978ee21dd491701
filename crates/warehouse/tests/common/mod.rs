//! Shared by the warehouse's test files.

/// Registers a pending `person` batch, as an import that was killed leaves it.
#[allow(dead_code)]
pub async fn pending_batch(warehouse: &warehouse::Warehouse, source_sha256: &str) -> i64 {
    warehouse
        .store()
        .begin_batch(&store::NewBatch {
            table: "person".into(),
            source_name: "person.csv".into(),
            source_sha256: source_sha256.into(),
            source_bytes: 1,
            format: "csv".into(),
            encoding: None,
            tolerance: 0,
            imported_at: "2026-11-29T08:00:00+08:00".into(),
            imported_by: "x".into(),
        })
        .await
        .unwrap()
}
