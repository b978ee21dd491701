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
use ingest::{FileError, FileFacts, Mapping, Outcome, ReadOptions, RowError, TextRows};
use parquet::arrow::ArrowWriter;
use parquet::basic::Compression;
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{EnabledStatistics, WriterProperties};
use parquet::schema::types::ColumnPath;
use sha2::{Digest, Sha256};
use std::cell::{Cell, RefCell};
use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
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
    /// The file name recorded as the batch's source, when not the imported file's own.
    pub source_name: Option<String>,
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

    /// Imports an OCDS file (release or record packages, JSON or JSON Lines): reads
    /// it once, as a stream, validating the rows of the `tender`, `bid` and `award`
    /// tables and of the three `ocds_*` tables as it goes, and stores each table as
    /// a batch whose source is the OCDS file. A table's batch begins with its first
    /// row (a table the file has no rows for gets none); a table the file was
    /// already imported into is a duplicate. Rows are numbered by their line in the
    /// file. Lines that are not JSON or not OCDS are in the summary's errors, by line.
    pub async fn import_ocds(
        &self,
        path: &Path,
        options: &ImportOptions,
        progress: Option<Progress>,
    ) -> Result<OcdsImport, ImportError> {
        let (sha256, bytes) = {
            let path = path.to_owned();
            tokio::task::spawn_blocking(move || hash_file(&path))
                .await
                .map_err(|e| FileError::Sink { path: PathBuf::new(), detail: e.to_string() })??
        };
        let _lock = self.lock()?;
        self.recover().await?;
        let now = china_now();
        let source_name = options
            .source_name
            .clone()
            .unwrap_or_else(|| path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default());
        let mut results = Vec::new();
        let mut templates = Vec::new();
        for (index, name) in ingest::ocds::FILES.into_iter().enumerate() {
            let table =
                contract::stored_table(name).ok_or_else(|| FileError::UnknownTable { path: path.to_owned() })?;
            if let Some(existing) = self.store.find_accepted(table.name, &sha256).await? {
                results.push((index, table.name, ImportResult::Duplicate { existing }));
                templates.push(None);
                continue;
            }
            templates.push(Some((
                table,
                NewBatch {
                    table: table.name.to_owned(),
                    source_name: source_name.clone(),
                    source_sha256: sha256.clone(),
                    source_bytes: bytes,
                    format: "ocds".to_owned(),
                    encoding: Some("utf8".to_owned()),
                    tolerance: options.tolerance,
                    imported_at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
                    imported_by: options.user.clone(),
                },
            )));
        }
        let job = OcdsJob {
            path: path.to_owned(),
            templates,
            store: self.store.clone(),
            runtime: tokio::runtime::Handle::current(),
            tmp_dir: self.root.join("tmp"),
            batch_rows: options.batch_rows.unwrap_or(ingest::DEFAULT_BATCH_ROWS),
            today: now.date_naive(),
            progress,
        };
        let (begun, written) = tokio::task::spawn_blocking(move || OcdsRows::write(job))
            .await
            .map_err(|e| FileError::Sink { path: path.to_owned(), detail: e.to_string() })?;
        let (summary, written) = match written {
            Ok(w) => w,
            Err(error) => {
                for b in &begun {
                    remove_if_exists(&b.tmp)?;
                    self.store.end_batch(b.id, &failed(&error)).await?;
                }
                return Err(error.into());
            }
        };
        for (b, written) in begun.into_iter().zip(written) {
            let result = self.end_batch(b.id, b.table, &b.new.source_name, &b.tmp, written, options.tolerance).await?;
            results.push((b.index, b.table.name, result));
        }
        results.sort_by_key(|(index, ..)| *index);
        let results = results.into_iter().map(|(_, name, result)| (name, result)).collect();
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
                self.store.end_batch(id, &failed(&error)).await?;
                return Err(error.into());
            }
        };
        self.end_batch(id, table, &source_name, &tmp, written, options.tolerance).await
    }

    /// Ends a batch whose rows were written to `tmp`: accepted (its file moved into
    /// `tables/`, the ledger told) or rejected, with its error report.
    async fn end_batch(
        &self,
        id: i64,
        table: &'static Table,
        source_name: &str,
        tmp: &Path,
        written: Written,
        tolerance: u64,
    ) -> Result<ImportResult, ImportError> {
        let outcome = written.outcome;
        let error_count = outcome.errors.len() as u64;
        let accepted = outcome.rows_with_errors <= tolerance && outcome.rows_ok > 0;
        let report_path =
            if outcome.errors.is_empty() { None } else { Some(self.write_report(id, source_name, &outcome.errors)?) };
        let stats_json = serde_json::to_string(&outcome.stats).ok();
        let end = if accepted {
            let relative = format!("tables/{}/batch-{id}.parquet", table.name);
            let destination = self.root.join(&relative);
            let dir = destination.parent().unwrap_or(&self.root).to_owned();
            std::fs::create_dir_all(&dir).map_err(io_error(&dir))?;
            std::fs::rename(tmp, &destination).map_err(io_error(&destination))?;
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
            remove_if_exists(tmp)?;
            let reason = if outcome.rows_ok == 0 && outcome.rows_with_errors <= tolerance {
                "没有一行通过校验 / no row passed validation".to_owned()
            } else {
                format!(
                    "{}行有错误，超过容错数{} / {} rows have errors, more than the tolerance of {}",
                    outcome.rows_with_errors, tolerance, outcome.rows_with_errors, tolerance
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

/// A batch's Parquet file at `tmp`, its provenance in the file's metadata.
fn batch_writer(
    table: &'static Table,
    batch_id: i64,
    new: &NewBatch,
    tmp: &Path,
) -> Result<ArrowWriter<HashingFile>, FileError> {
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
    ArrowWriter::try_new(HashingFile { file, hasher: Sha256::new() }, schema, Some(properties.build()))
        .map_err(|e| sink_error(e.to_string()))
}

/// Finishes a batch's Parquet file and syncs it; returns its SHA-256.
fn close_writer(writer: ArrowWriter<HashingFile>, tmp: &Path) -> Result<String, FileError> {
    let sink_error = |detail: String| FileError::Sink { path: tmp.to_owned(), detail };
    let mut inner = writer.into_inner().map_err(|e| sink_error(e.to_string()))?;
    inner.flush().map_err(|e| sink_error(e.to_string()))?;
    inner.file.sync_all().map_err(|e| sink_error(e.to_string()))?;
    Ok(hex::encode(inner.hasher.finalize()))
}

/// How a batch that failed as a whole (unreadable file, full disk) ends.
fn failed(error: &FileError) -> BatchEnd {
    BatchEnd {
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
    }
}

/// The SHA-256 and size of a file.
fn hash_file(path: &Path) -> Result<(String, u64), FileError> {
    let io = |source| FileError::Io { path: path.to_owned(), source };
    let mut file = File::open(path).map_err(io)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    let mut bytes = 0u64;
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        if n == 0 {
            return Ok((hex::encode(hasher.finalize()), bytes));
        }
        hasher.update(&buf[..n]);
        bytes += n as u64;
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
    let mut writer = batch_writer(table, batch_id, new, tmp)?;
    let bytes_read = std::sync::atomic::AtomicU64::new(0);
    let read_options = ReadOptions {
        table: Some(table),
        mapping: options.mapping.as_ref(),
        batch_id,
        batch_rows: options.batch_rows.unwrap_or(ingest::DEFAULT_BATCH_ROWS),
        today,
        bytes_read: Some(&bytes_read),
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
    let data_sha256 = Some(close_writer(writer, tmp)?);
    Ok(Written { outcome, data_sha256 })
}

/// One table of an OCDS import: its batch, begun, and the file its rows go to.
struct OcdsBatch {
    /// The table's position in `ingest::ocds::FILES`.
    index: usize,
    table: &'static Table,
    id: i64,
    new: NewBatch,
    tmp: PathBuf,
}

type BatchSink = Box<dyn FnMut(RecordBatch) -> Result<(), String>>;

/// A table being written: its rows validated, its good rows going to its writer.
struct OcdsTable {
    rows: TextRows<'static, BatchSink>,
    writer: Rc<RefCell<Option<ArrowWriter<HashingFile>>>>,
}

/// What an OCDS import's blocking thread needs.
struct OcdsJob {
    path: PathBuf,
    /// Per table: its batch to begin, or `None` when the file is already imported into it.
    templates: Vec<Option<(&'static Table, NewBatch)>>,
    store: Arc<dyn store::StateStore>,
    runtime: tokio::runtime::Handle,
    tmp_dir: PathBuf,
    batch_rows: usize,
    today: chrono::NaiveDate,
    progress: Option<Progress>,
}

/// The OCDS reader's rows, validated per table, each table's batch begun (in
/// the state store) when its first row comes.
struct OcdsRows {
    job: OcdsJob,
    tables: Vec<Option<OcdsTable>>,
    begun: Vec<OcdsBatch>,
    rows_written: Rc<Cell<u64>>,
    bytes_read: Rc<AtomicU64>,
}

impl OcdsRows {
    /// Reads the file into the tables. Returns the batches begun (to end, whatever
    /// happened) and, per batch, what was written.
    fn write(job: OcdsJob) -> (Vec<OcdsBatch>, Result<(ingest::ocds::OcdsSummary, Vec<Written>), FileError>) {
        let tables = ingest::ocds::FILES.iter().map(|_| None).collect();
        let mut this = OcdsRows {
            job,
            tables,
            begun: Vec::new(),
            rows_written: Default::default(),
            bytes_read: Default::default(),
        };
        let (path, bytes_read) = (this.job.path.clone(), this.bytes_read.clone());
        let summary = ingest::ocds::read(&path, &mut this, Some(&bytes_read));
        let mut this = this;
        let result = summary.and_then(|summary| {
            let mut written = Vec::new();
            for b in &this.begun {
                let Some(table) = this.tables[b.index].take() else {
                    return Err(FileError::Sink { path: b.tmp.clone(), detail: "table not begun".into() });
                };
                let outcome = table.rows.finish()?;
                let writer = table.writer.borrow_mut().take();
                let Some(writer) = writer else {
                    return Err(FileError::Sink { path: b.tmp.clone(), detail: "writer closed".into() });
                };
                written.push(Written { outcome, data_sha256: Some(close_writer(writer, &b.tmp)?) });
            }
            Ok((summary, written))
        });
        (this.begun, result)
    }

    /// Begins the batch of table `index` and its Parquet file.
    fn begin(&mut self, index: usize, table: &'static Table, new: NewBatch) -> Result<OcdsTable, FileError> {
        let job = &self.job;
        let sink_error = |detail: String| FileError::Sink { path: job.path.clone(), detail };
        let id = job.runtime.block_on(job.store.begin_batch(&new)).map_err(|e| sink_error(e.to_string()))?;
        let tmp = job.tmp_dir.join(format!("batch-{id}.parquet"));
        let writer = batch_writer(table, id, &new, &tmp);
        self.begun.push(OcdsBatch { index, table, id, new, tmp });
        let writer = Rc::new(RefCell::new(Some(writer?)));
        let sink: BatchSink = {
            let (writer, rows_written, progress) =
                (writer.clone(), self.rows_written.clone(), self.job.progress.clone());
            let bytes_read = self.bytes_read.clone();
            Box::new(move |batch: RecordBatch| {
                let rows = rows_written.get() + batch.num_rows() as u64;
                rows_written.set(rows);
                if let Some(progress) = &progress {
                    progress(rows, bytes_read.load(Ordering::Relaxed));
                }
                match writer.borrow_mut().as_mut() {
                    Some(w) => w.write(&batch).map_err(|e| e.to_string()),
                    None => Err("writer closed".into()),
                }
            })
        };
        let options = ReadOptions {
            table: Some(table),
            mapping: None,
            batch_id: id,
            batch_rows: self.job.batch_rows,
            today: self.job.today,
            bytes_read: None,
        };
        let rows = TextRows::new(&self.job.path, table, ingest::ocds::HEADERS[index], &options, sink)?;
        Ok(OcdsTable { rows, writer })
    }
}

impl ingest::ocds::Tables for OcdsRows {
    fn row(&mut self, index: usize, line: u64, fields: &[&str]) -> Result<(), FileError> {
        if self.tables[index].is_none() {
            // Already imported into this table: its rows are not written again.
            let Some((table, new)) = self.job.templates[index].take() else { return Ok(()) };
            self.tables[index] = Some(self.begin(index, table, new)?);
        }
        match &mut self.tables[index] {
            Some(table) => table.rows.push(line, fields),
            None => Ok(()),
        }
    }
}
