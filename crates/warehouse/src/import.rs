//! The import protocol. One import of one file is one batch:
//!
//! 1. Under the import lock, batches left pending by a killed import are marked
//!    aborted and their files removed.
//! 2. A file whose bytes match an accepted batch of the same table changes nothing.
//! 3. The batch is registered as pending; the file is read and validated
//!    completely, good rows streaming into a Parquet file under `tmp/`.
//! 4. More errors than the tolerance: the batch is rejected, its file deleted,
//!    the error report written. Otherwise the file is synced, renamed into
//!    `tables/`, and only then is the batch marked accepted.
//!
//! Killed at any moment, the directory holds the whole batch (accepted in the
//! register) or none of it (pending, cleaned by the next import).

use crate::{Warehouse, WarehouseError};
use arrow_array::RecordBatch;
use contract::{TABLES, Table};
use ingest::{FileError, FileFacts, Mapping, Outcome, ReadOptions, RowError};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use store::{BatchEnd, BatchRecord, BatchStatus, NewBatch};

/// Called as an import advances, with the rows stored and the bytes of the file read so far.
pub type Progress = Arc<dyn Fn(u64, u64) + Send + Sync>;

#[derive(Clone, Default)]
pub struct ImportOptions {
    /// The table, when file names do not say it.
    pub table: Option<&'static Table>,
    pub mapping: Option<Mapping>,
    /// How many bad rows a batch may have and still be accepted (without them).
    pub tolerance: u64,
    /// Who imports, recorded with the batch.
    pub user: String,
    /// Rows per Parquet row group and Arrow batch; `None` for the default.
    pub batch_rows: Option<usize>,
    /// The file name recorded as the batch's source, when not the imported file's
    /// own (an OCDS file's tables are imported from files converted from it).
    pub source_name: Option<String>,
    /// The column holding each row's number in that original file (`ocds_line`),
    /// for errors and provenance.
    pub row_column: Option<&'static str>,
}

/// What an OCDS file became: what the conversion read, and one batch per table.
#[derive(Debug)]
pub struct OcdsImport {
    pub summary: ingest::ocds::OcdsSummary,
    /// `tender`, `bid`, `award`, in that order; a table the file has no rows for is left out.
    pub results: Vec<(&'static str, ImportResult)>,
}

#[derive(Debug)]
pub enum ImportResult {
    Accepted {
        batch: BatchRecord,
        errors: Vec<RowError>,
    },
    Rejected {
        batch: BatchRecord,
        errors: Vec<RowError>,
    },
    /// The same bytes were already imported into the same table.
    Duplicate {
        existing: BatchRecord,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    File(#[from] FileError),
    #[error(transparent)]
    Warehouse(#[from] WarehouseError),
    #[error(transparent)]
    Store(#[from] store::StoreError),
}

/// The files an import of `paths` reads: files as given, and in directories
/// every file whose name names a table (names starting with `_` or `.` are
/// skipped), in the order of the contract's tables. Returns the files and the
/// directory entries skipped because their names name no table.
pub fn collect_inputs(paths: &[PathBuf], explicit_table: bool) -> std::io::Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let mut files = Vec::new();
    let mut skipped = Vec::new();
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let mut found = Vec::new();
        for entry in std::fs::read_dir(path)? {
            let entry = entry?;
            let p = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with('_') || name.starts_with('.') || !p.is_file() {
                continue;
            }
            match ingest::table_for_file(&p) {
                Some(t) => found.push((TABLES.iter().position(|x| x.name == t.name).unwrap_or(0), p)),
                // OCDS files (.json, .jsonl) carry the trading tables.
                None if ingest::ocds::is_ocds(&p) => {
                    found.push((TABLES.iter().position(|x| x.name == "tender").unwrap_or(0), p))
                }
                None if explicit_table => found.push((0, p)),
                None => skipped.push(p),
            }
        }
        found.sort();
        files.extend(found.into_iter().map(|(_, p)| p));
    }
    Ok((files, skipped))
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> WarehouseError + '_ {
    move |source| WarehouseError::Io { path: path.to_owned(), source }
}

/// Writes what it is given to a file and hashes it on the way.
struct HashingFile {
    file: File,
    hasher: Sha256,
}

impl Write for HashingFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.file.write(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.file.flush()
    }
}

struct Written {
    outcome: Outcome,
    data_sha256: Option<String>,
}

impl Warehouse {
    fn lock(&self) -> Result<File, WarehouseError> {
        let path = self.root.join("import.lock");
        let file = File::options().create(true).truncate(false).write(true).open(&path).map_err(io_error(&path))?;
        // Released when the file is closed, including when the process dies.
        file.lock().map_err(io_error(&path))?;
        Ok(file)
    }

    /// Cleans up after imports that were killed. Must hold the import lock.
    async fn recover(&self) -> Result<(), ImportError> {
        // A batch accepted just before a kill may have missed its ledger entry.
        let logged: std::collections::HashSet<i64> = self
            .store
            .ledger_records("import_batch")
            .await?
            .iter()
            .filter_map(|r| serde_json::from_str::<serde_json::Value>(r).ok()?.get("batch")?.as_i64())
            .collect();
        let missing: Vec<String> = self
            .store
            .batches()
            .await?
            .iter()
            .filter(|b| b.status == BatchStatus::Accepted && !logged.contains(&b.id))
            .map(batch_record)
            .collect();
        if !missing.is_empty() {
            let records: Vec<(&str, String)> = missing.into_iter().map(|r| ("import_batch", r)).collect();
            self.ledger_append(&records).await?;
        }
        // Entries appended just before a kill may lack their checkpoint.
        let size = self.store.ledger_size().await?;
        let signed = self.store.ledger_checkpoint(None).await?.map(|(s, _)| s).unwrap_or(0);
        if size > signed {
            let signer = self.ledger_signer()?;
            self.ledger_checkpoint(&signer).await?;
        }
        for batch in self.store.abort_pending().await? {
            let data = self.root.join("tables").join(&batch.table).join(format!("batch-{}.parquet", batch.id));
            remove_if_exists(&data)?;
        }
        let tmp = self.root.join("tmp");
        for entry in std::fs::read_dir(&tmp).map_err(io_error(&tmp))? {
            let path = entry.map_err(io_error(&tmp))?.path();
            remove_if_exists(&path)?;
        }
        Ok(())
    }

    /// Imports an OCDS file (release or record packages, JSON or JSON Lines):
    /// converts it, as a stream, into the `tender`, `bid` and `award` tables and
    /// imports each as a batch whose source is the OCDS file. Lines that are not
    /// JSON or not OCDS are in the summary's errors, by line.
    pub async fn import_ocds(
        &self,
        path: &Path,
        options: &ImportOptions,
        progress: Option<Progress>,
    ) -> Result<OcdsImport, ImportError> {
        // Not under tmp/, which every import clears of what a crash left.
        let dir = self.root.join("ocds-work").join(uuid::Uuid::new_v4().to_string());
        std::fs::create_dir_all(&dir).map_err(|e| FileError::Io { path: dir.clone(), source: e })?;
        let summary = {
            let (path, dir) = (path.to_owned(), dir.clone());
            tokio::task::spawn_blocking(move || ingest::ocds::convert(&path, &dir))
                .await
                .map_err(|e| FileError::Sink { path: PathBuf::new(), detail: e.to_string() })?
        };
        let summary = match summary {
            Ok(s) => s,
            Err(e) => {
                let _ = std::fs::remove_dir_all(&dir);
                return Err(e.into());
            }
        };
        let source_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let mut results = Vec::new();
        let counts =
            [summary.tenders, summary.bids, summary.awards, summary.tenders, summary.ocds_bids, summary.ocds_awards];
        for (name, rows) in ingest::ocds::FILES.into_iter().zip(counts) {
            if rows == 0 {
                continue;
            }
            let table =
                contract::stored_table(name).ok_or_else(|| FileError::UnknownTable { path: path.to_owned() })?;
            let options = ImportOptions {
                table: Some(table),
                mapping: None,
                source_name: Some(source_name.clone()),
                row_column: Some(ingest::ocds::LINE_COLUMN),
                ..options.clone()
            };
            let result = self.import(&dir.join(format!("{name}.csv")), &options, progress.clone()).await;
            match result {
                Ok(r) => results.push((table.name, r)),
                Err(e) => {
                    let _ = std::fs::remove_dir_all(&dir);
                    return Err(e);
                }
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
        // The parent too, when no other OCDS import is under way.
        let _ = std::fs::remove_dir(self.root.join("ocds-work"));
        Ok(OcdsImport { summary, results })
    }

    /// Imports one file as one batch.
    pub async fn import(
        &self,
        path: &Path,
        options: &ImportOptions,
        progress: Option<Progress>,
    ) -> Result<ImportResult, ImportError> {
        let table = options
            .table
            .or_else(|| ingest::table_for_file(path))
            .ok_or_else(|| FileError::UnknownTable { path: path.to_owned() })?;
        let facts = {
            let path = path.to_owned();
            tokio::task::spawn_blocking(move || ingest::inspect(&path))
                .await
                .map_err(|e| FileError::Sink { path: PathBuf::new(), detail: e.to_string() })??
        };
        let _lock = self.lock()?;
        self.recover().await?;
        if let Some(existing) = self.store.find_accepted(table.name, &facts.sha256).await? {
            return Ok(ImportResult::Duplicate { existing });
        }
        let now = chrono::Utc::now().with_timezone(&china_time());
        let source_name = options
            .source_name
            .clone()
            .unwrap_or_else(|| path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        let new = NewBatch {
            table: table.name.to_owned(),
            source_name: source_name.clone(),
            source_sha256: facts.sha256.clone(),
            source_bytes: facts.bytes,
            format: serde_json::to_value(facts.format)
                .ok()
                .and_then(|v| v.as_str().map(str::to_owned))
                .unwrap_or_default(),
            encoding: facts
                .encoding
                .and_then(|e| serde_json::to_value(e).ok())
                .and_then(|v| v.as_str().map(str::to_owned)),
            tolerance: options.tolerance,
            imported_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            imported_by: options.user.clone(),
        };
        let id = self.store.begin_batch(&new).await?;
        let tmp = self.root.join("tmp").join(format!("batch-{id}.parquet"));
        let written = {
            let (facts, tmp, options, new) = (facts.clone(), tmp.clone(), options.clone(), new.clone());
            let today = now.date_naive();
            tokio::task::spawn_blocking(move || write_batch(&facts, table, &options, id, &new, today, &tmp, progress))
                .await
                .map_err(|e| FileError::Sink { path: path.to_owned(), detail: e.to_string() })?
        };
        let written = match written {
            Ok(w) => w,
            Err(error) => {
                remove_if_exists(&tmp)?;
                let end = BatchEnd {
                    status: BatchStatus::Rejected,
                    sheet: None,
                    rows_read: 0,
                    rows_stored: 0,
                    error_count: 0,
                    data_path: None,
                    data_sha256: None,
                    stats_json: None,
                    reason: Some(error.to_string()),
                    report_path: None,
                };
                self.store.end_batch(id, &end).await?;
                return Err(error.into());
            }
        };
        let outcome = written.outcome;
        let error_count = outcome.errors.len() as u64;
        let accepted = outcome.rows_with_errors <= options.tolerance && outcome.rows_ok > 0;
        let report_path = if outcome.errors.is_empty() {
            None
        } else {
            Some(self.write_report(id, &source_name, &outcome.errors)?)
        };
        let stats_json = serde_json::to_string(&outcome.stats).ok();
        let end = if accepted {
            let relative = format!("tables/{}/batch-{id}.parquet", table.name);
            let destination = self.root.join(&relative);
            let dir = destination.parent().unwrap_or(&self.root).to_owned();
            std::fs::create_dir_all(&dir).map_err(io_error(&dir))?;
            std::fs::rename(&tmp, &destination).map_err(io_error(&destination))?;
            File::open(&dir).and_then(|d| d.sync_all()).map_err(io_error(&dir))?;
            BatchEnd {
                status: BatchStatus::Accepted,
                sheet: outcome.sheet.clone(),
                rows_read: outcome.rows_read,
                rows_stored: outcome.rows_ok,
                error_count,
                data_path: Some(relative),
                data_sha256: written.data_sha256,
                stats_json,
                reason: None,
                report_path,
            }
        } else {
            remove_if_exists(&tmp)?;
            let reason = if outcome.rows_ok == 0 && outcome.rows_with_errors <= options.tolerance {
                "没有一行通过校验 / no row passed validation".to_owned()
            } else {
                format!(
                    "{}行有错误，超过容错数{} / {} rows have errors, more than the tolerance of {}",
                    outcome.rows_with_errors, options.tolerance, outcome.rows_with_errors, options.tolerance
                )
            };
            BatchEnd {
                status: BatchStatus::Rejected,
                sheet: outcome.sheet.clone(),
                rows_read: outcome.rows_read,
                rows_stored: 0,
                error_count,
                data_path: None,
                data_sha256: None,
                stats_json,
                reason: Some(reason),
                report_path,
            }
        };
        self.store.end_batch(id, &end).await?;
        let batch = self.store.batch(id).await?;
        if accepted {
            self.ledger_append(&[("import_batch", batch_record(&batch))]).await?;
        }
        Ok(if accepted {
            ImportResult::Accepted { batch, errors: outcome.errors }
        } else {
            ImportResult::Rejected { batch, errors: outcome.errors }
        })
    }

    /// Writes the error report; returns its CSV path relative to the data directory.
    fn write_report(&self, id: i64, source_name: &str, errors: &[RowError]) -> Result<String, WarehouseError> {
        let stem: String = Path::new(source_name)
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
            .chars()
            .map(|c| if c.is_alphanumeric() || c == '-' || c == '_' { c } else { '_' })
            .take(60)
            .collect();
        let base = format!("reports/batch-{id}-{stem}.errors");
        let csv = self.root.join(format!("{base}.csv"));
        let xlsx = self.root.join(format!("{base}.xlsx"));
        ingest::write_error_report(source_name, errors, &csv, &xlsx).map_err(io_error(&csv))?;
        Ok(format!("{base}.csv"))
    }
}

/// The ledger record of an accepted batch: what it is and the hashes that pin it.
fn batch_record(batch: &BatchRecord) -> String {
    serde_json::json!({
        "type": "import_batch",
        "table": batch.table,
        "batch": batch.id,
        "source_sha256": batch.source_sha256,
        "data_sha256": batch.data_sha256,
        "rows": batch.rows_stored,
        "imported_at": batch.imported_at,
    })
    .to_string()
}

/// China Standard Time, UTC+8 all year.
pub(crate) fn china_time() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset")
}

/// Now, in China Standard Time: the clock of every record the platform writes.
pub fn china_now() -> chrono::DateTime<chrono::FixedOffset> {
    chrono::Utc::now().with_timezone(&china_time())
}

fn remove_if_exists(path: &Path) -> Result<(), WarehouseError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(WarehouseError::Io { path: path.to_owned(), source: e })
        }
        _ => Ok(()),
    }
}

/// Reads and validates the file, streaming good rows into a Parquet file at `tmp`.
#[allow(clippy::too_many_arguments)]
fn write_batch(
    facts: &FileFacts,
    table: &'static Table,
    options: &ImportOptions,
    batch_id: i64,
    new: &NewBatch,
    today: chrono::NaiveDate,
    tmp: &Path,
    progress: Option<Progress>,
) -> Result<Written, FileError> {
    let sink_error = |detail: String| FileError::Sink { path: tmp.to_owned(), detail };
    let file = File::create(tmp).map_err(|source| FileError::Io { path: tmp.to_owned(), source })?;
    let provenance = [
        ("qingfeng.table", table.name.to_owned()),
        ("qingfeng.batch", batch_id.to_string()),
        ("qingfeng.source_name", new.source_name.clone()),
        ("qingfeng.source_sha256", new.source_sha256.clone()),
        ("qingfeng.imported_at", new.imported_at.clone()),
        ("qingfeng.imported_by", new.imported_by.clone()),
    ];
    let schema = ingest::schema(table);
    let mut properties = WriterProperties::builder()
        // Plain encoding under LZ4: dictionary interning of every value cost 11 % of
        // the import's instructions (callgrind, BENCHMARKS.md) for little gain after compression.
        .set_dictionary_enabled(false)
        // Row groups of 32,768 rows: a warning's page reads its source rows from the groups
        // whose `_row` range holds them, so it decodes tens of thousands of rows, not a file.
        .set_max_row_group_row_count(Some(32 * 1024))
        // LZ4: zstd (level 1) took 17 % of the import's instructions and LZ4 about half
        // of that; files are about twice as large and scans read them as fast
        // (BENCHMARKS.md). Batches written with zstd before stay readable (`zstd` feature).
        .set_compression(Compression::LZ4_RAW)
        .set_key_value_metadata(Some(provenance.into_iter().map(|(k, v)| KeyValue::new(k.to_owned(), v)).collect()));
    // No minimum and maximum for text columns: rows keep the order of the department's
    // file, so a group's text range spans nearly every value and prunes nothing, while
    // comparing every value cost 6 % of the import (callgrind, BENCHMARKS.md). Numbers,
    // dates and `_row` keep theirs.
    for field in schema.fields() {
        if field.data_type() == &arrow_schema::DataType::Utf8 {
            properties = properties
                .set_column_statistics_enabled(ColumnPath::from(field.name().as_str()), EnabledStatistics::None);
        }
    }
    let properties = properties.build();
    let mut writer = ArrowWriter::try_new(HashingFile { file, hasher: Sha256::new() }, schema, Some(properties))
        .map_err(|e| sink_error(e.to_string()))?;
    let bytes_read = std::sync::atomic::AtomicU64::new(0);
    let read_options = ReadOptions {
        table: Some(table),
        mapping: options.mapping.as_ref(),
        batch_id,
        batch_rows: options.batch_rows.unwrap_or(ingest::DEFAULT_BATCH_ROWS),
        today,
        bytes_read: Some(&bytes_read),
        row_column: options.row_column,
    };
    let mut rows_written = 0u64;
    let mut sink = |batch: RecordBatch| -> Result<(), String> {
        rows_written += batch.num_rows() as u64;
        if let Some(progress) = &progress {
            progress(rows_written, bytes_read.load(std::sync::atomic::Ordering::Relaxed));
        }
        writer.write(&batch).map_err(|e| e.to_string())
    };
    let outcome = ingest::read_file(facts, &read_options, &mut sink)?;
    let mut inner = writer.into_inner().map_err(|e| sink_error(e.to_string()))?;
    inner.flush().map_err(|e| sink_error(e.to_string()))?;
    inner.file.sync_all().map_err(|e| sink_error(e.to_string()))?;
    let data_sha256 = Some(hex::encode(inner.hasher.finalize()));
    Ok(Written { outcome, data_sha256 })
}
