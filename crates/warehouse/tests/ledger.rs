//! The disclosure ledger of a data directory: every accepted batch is an entry,
//! and proofs verify offline — or fail naming what was altered.

mod common;

use warehouse::ledger::{VerifyError, verify_consistency_bundle, verify_inclusion_bundle};
use warehouse::{ImportOptions, Warehouse};

async fn two_batches() -> (tempfile::TempDir, Warehouse) {
    let dir = tempfile::tempdir().unwrap();
    let warehouse = Warehouse::open(&dir.path().join("data")).await.unwrap();
    for (name, text) in [
        ("person.csv", "身份证号,姓名\n11010519491231002X,王秀英\n"),
        ("death.csv", "身份证号,死亡日期\n11010519491231002X,2026-01-02\n"),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        warehouse.import(&path, &ImportOptions::default(), None).await.unwrap();
    }
    (dir, warehouse)
}

#[tokio::test]
async fn accepted_batches_are_in_the_ledger_and_proofs_verify() {
    let (_dir, warehouse) = two_batches().await;
    let key = warehouse.ledger_signer().unwrap().verifier();
    let bundle = warehouse.inclusion_bundle(1).await.unwrap().unwrap();
    assert_eq!(bundle.kind, "import_batch");
    assert!(bundle.record.contains("\"table\":\"death\""), "{}", bundle.record);
    let checkpoint = verify_inclusion_bundle(&bundle, std::slice::from_ref(&key)).unwrap();
    assert_eq!(checkpoint.size, 2);

    let consistency = warehouse.consistency_bundle(1).await.unwrap().unwrap();
    assert!(verify_consistency_bundle(&consistency, std::slice::from_ref(&key)).is_ok());
}

#[tokio::test]
async fn tampering_is_named() {
    let (_dir, warehouse) = two_batches().await;
    let key = vec![warehouse.ledger_signer().unwrap().verifier()];
    let bundle = warehouse.inclusion_bundle(0).await.unwrap().unwrap();

    let mut altered = bundle.clone();
    altered.record = altered.record.replace("\"rows\":1", "\"rows\":2");
    assert!(matches!(verify_inclusion_bundle(&altered, &key), Err(VerifyError::Inclusion(_))));

    let mut altered = bundle.clone();
    altered.salt = format!("00{}", &altered.salt[2..]);
    assert!(matches!(verify_inclusion_bundle(&altered, &key), Err(VerifyError::Inclusion(_))));

    let mut altered = bundle.clone();
    altered.checkpoint = altered.checkpoint.replacen("\n2\n", "\n3\n", 1);
    assert!(matches!(verify_inclusion_bundle(&altered, &key), Err(VerifyError::Signature(_))));

    let mut altered = bundle.clone();
    altered.index = 5;
    assert!(matches!(verify_inclusion_bundle(&altered, &key), Err(VerifyError::Beyond { .. })));

    // Flip every byte of the proof in turn: each flip is caught.
    for i in 0..bundle.proof.len() {
        let mut altered = bundle.clone();
        let mut bytes = base64_decode(&altered.proof[i]);
        bytes[0] ^= 1;
        altered.proof[i] = base64_encode(&bytes);
        assert!(verify_inclusion_bundle(&altered, &key).is_err(), "proof[{i}]");
    }

    // A key that is not the log's does not verify anything.
    let stranger = ledger::Signer::generate("qingfeng.ledger").unwrap().verifier();
    assert!(matches!(verify_inclusion_bundle(&bundle, &[stranger]), Err(VerifyError::Signature(_))));
}

fn base64_decode(s: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.decode(s).unwrap()
}

fn base64_encode(b: &[u8]) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(b)
}

#[tokio::test]
async fn a_batch_accepted_without_its_ledger_entry_gets_one_at_the_next_import() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let warehouse = Warehouse::open(&data).await.unwrap();
    // What a kill between "accepted" and the ledger append leaves: an accepted batch, no entry.
    let id = common::pending_batch(&warehouse, &"ab".repeat(32)).await;
    let end = store::BatchEnd {
        status: store::BatchStatus::Accepted,
        sheet: None,
        rows_read: 1,
        rows_stored: 1,
        error_count: 0,
        data_path: Some("tables/person/batch-1.parquet".into()),
        data_sha256: Some("cd".repeat(32)),
        stats_json: None,
        reason: None,
        report_path: None,
    };
    warehouse.store().end_batch(id, &end).await.unwrap();
    assert_eq!(warehouse.store().ledger_size().await.unwrap(), 0);
    let path = dir.path().join("death.csv");
    std::fs::write(&path, "身份证号,死亡日期\n11010519491231002X,2026-01-02\n").unwrap();
    warehouse.import(&path, &ImportOptions::default(), None).await.unwrap();
    let records = warehouse.store().ledger_records("import_batch").await.unwrap();
    assert_eq!(records.len(), 2);
    assert!(records[0].contains(&format!("\"batch\":{id}")));
}
