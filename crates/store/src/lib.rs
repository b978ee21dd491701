//! The state store: everything mutable about a deployment. Today the batch
//! register; later warnings, clues, users and the audit trail.
//!
//! Callers see one trait, [`StateStore`]; SQLite in the data directory is the
//! embedded default, and a PostgreSQL backend will implement the same trait.
//! Imported data itself is not here: it is immutable Parquet (see `warehouse`).

mod sqlite;

pub use sqlite::SqliteStore;

use async_trait::async_trait;

pub type Result<T> = std::result::Result<T, StoreError>;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("状态库错误 / state store error: {0}")]
    Database(#[from] sqlx::Error),
    #[error("状态库迁移{version}失败 / state store migration {version} failed: {source}")]
    Migration { version: i64, source: sqlx::Error },
    #[error(
        "状态库版本{found}比本程序支持的{supported}新，请升级清风 / the state store is at version {found}, newer than this program's {supported}: upgrade Qingfeng"
    )]
    TooNew { found: i64, supported: i64 },
    #[error("批次{0}不存在 / no batch {0}")]
    NoSuchBatch(i64),
    #[error("状态库数据损坏 / corrupt state store data: {0}")]
    Corrupt(String),
}

/// Where a batch stands. A batch is `Pending` only while its import runs; one
/// left pending by a killed import is marked `Aborted` by the next import.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BatchStatus {
    Pending,
    Accepted,
    Rejected,
    Aborted,
}

impl BatchStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            BatchStatus::Pending => "pending",
            BatchStatus::Accepted => "accepted",
            BatchStatus::Rejected => "rejected",
            BatchStatus::Aborted => "aborted",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            BatchStatus::Pending => "导入中",
            BatchStatus::Accepted => "已接收",
            BatchStatus::Rejected => "已拒收",
            BatchStatus::Aborted => "已中断",
        }
    }

    fn parse(s: &str) -> Result<BatchStatus> {
        Ok(match s {
            "pending" => BatchStatus::Pending,
            "accepted" => BatchStatus::Accepted,
            "rejected" => BatchStatus::Rejected,
            "aborted" => BatchStatus::Aborted,
            other => return Err(StoreError::Corrupt(format!("batch status {other:?}"))),
        })
    }
}

/// What is known of a batch when its import starts.
#[derive(Clone, Debug)]
pub struct NewBatch {
    pub table: String,
    pub source_name: String,
    pub source_sha256: String,
    pub source_bytes: u64,
    pub format: String,
    pub encoding: Option<String>,
    pub tolerance: u64,
    /// RFC 3339.
    pub imported_at: String,
    pub imported_by: String,
}

/// How an import ended.
#[derive(Clone, Debug)]
pub struct BatchEnd {
    pub status: BatchStatus,
    pub sheet: Option<String>,
    pub rows_read: u64,
    pub rows_stored: u64,
    pub error_count: u64,
    /// The Parquet file, relative to the data directory; accepted batches only.
    pub data_path: Option<String>,
    pub data_sha256: Option<String>,
    /// Per-column statistics (JSON), for the quality report.
    pub stats_json: Option<String>,
    /// Why a batch was rejected, bilingual.
    pub reason: Option<String>,
    /// Where the error report was written, if anywhere.
    pub report_path: Option<String>,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct BatchRecord {
    pub id: i64,
    pub table: String,
    pub status: BatchStatus,
    pub source_name: String,
    pub source_sha256: String,
    pub source_bytes: u64,
    pub format: String,
    pub encoding: Option<String>,
    pub sheet: Option<String>,
    pub tolerance: u64,
    pub imported_at: String,
    pub imported_by: String,
    pub rows_read: u64,
    pub rows_stored: u64,
    pub error_count: u64,
    pub data_path: Option<String>,
    pub data_sha256: Option<String>,
    #[serde(skip)]
    pub stats_json: Option<String>,
    pub reason: Option<String>,
    pub report_path: Option<String>,
}

#[async_trait]
pub trait StateStore: Send + Sync {
    /// Registers an import that is starting; returns the batch number.
    async fn begin_batch(&self, batch: &NewBatch) -> Result<i64>;
    /// Records how an import ended. Only a pending batch can end.
    async fn end_batch(&self, id: i64, end: &BatchEnd) -> Result<()>;
    /// Marks batches left pending by killed imports as aborted and returns them,
    /// so that their files can be removed. Call only while holding the import lock.
    async fn abort_pending(&self) -> Result<Vec<BatchRecord>>;
    /// The accepted batch of `table` with this source hash, if one exists.
    async fn find_accepted(&self, table: &str, source_sha256: &str) -> Result<Option<BatchRecord>>;
    async fn batch(&self, id: i64) -> Result<BatchRecord>;
    /// Every batch, oldest first.
    async fn batches(&self) -> Result<Vec<BatchRecord>>;
}
