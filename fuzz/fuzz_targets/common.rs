//! Shared by the fuzz targets: import arbitrary bytes as a file of one table.

use std::path::PathBuf;

/// Writes `bytes` to a file named for a table chosen by the first byte and reads
/// it as the importer would. Any outcome but a panic is fine.
pub fn import(bytes: &[u8], extension: &str) {
    let Some((&selector, body)) = bytes.split_first() else { return };
    let table = &contract::TABLES[selector as usize % contract::TABLES.len()];
    let dir = std::env::temp_dir().join(format!("qingfeng-fuzz-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let path: PathBuf = dir.join(format!("{}.{extension}", table.name));
    if std::fs::write(&path, body).is_err() {
        return;
    }
    let options = ingest::ReadOptions {
        table: None,
        mapping: None,
        batch_id: 1,
        batch_rows: 7,
        today: chrono::NaiveDate::from_ymd_opt(2026, 11, 29).unwrap_or_default(),
        bytes_read: None,
    };
    if let Ok(facts) = ingest::inspect(&path) {
        let _ = ingest::read_file(&facts, &options, &mut |_batch| Ok(()));
    }
}
