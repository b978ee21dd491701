//! The data directory: imported batches stored immutably as Parquet with their
//! provenance, the import protocol that makes a batch all-or-nothing, and the
//! data-quality report.
//!
//! Layout of a data directory:
//!
//! ```text
//! state.db                       the state store (SQLite, WAL)
//! import.lock                    held by the one import running
//! tables/<table>/batch-<id>.parquet
//! reports/batch-<id>-<file>.errors.{csv,xlsx}
//! tmp/                           files of imports in progress
//! models/<CODE>.sql              custom supervision models (optional)
//! attachments/<sha256>           documents attached to clues, each written once
//! ledger/signing.key             the disclosure ledger's signing key
//! qingfeng.toml                  configuration (optional)
//! ```
//!
//! The batch register in the state store is the truth: a Parquet file belongs
//! to the data only while its batch is `accepted` there.

pub mod entities;
pub mod export;
mod import;
pub mod inspections;
pub mod ledger;
mod quality;
mod records;
mod warnings;

pub use import::{ImportError, ImportOptions, ImportResult, OcdsImport, Progress, china_now, collect_inputs};
pub use quality::{ColumnQuality, Dangling, QualityReport, TableQuality};
pub use records::{ProjectedRecord, RowView, SourceRecord};
pub use warnings::{warning_from_record, warning_record};

use std::path::{Path, PathBuf};
use std::sync::Arc;
use store::{SqliteStore, StateStore};

pub struct Warehouse {
    root: PathBuf,
    store: Arc<dyn StateStore>,
    /// The ledger's Merkle tree, caught up from the store before each use (another
    /// process may have appended), so proofs need not rehash the log.
    ledger_tree: tokio::sync::Mutex<::ledger::Tree>,
}

#[derive(Debug, thiserror::Error)]
pub enum WarehouseError {
    #[error("数据目录{path}: {source} / data directory {path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error(transparent)]
    Store(#[from] store::StoreError),
    #[error("读取{path}失败 / cannot read {path}: {detail}")]
    Parquet { path: PathBuf, detail: String },
}

impl Warehouse {
    /// Opens the data directory at `root`, creating it and its state store if needed.
    pub async fn open(root: &Path) -> Result<Warehouse, WarehouseError> {
        Warehouse::open_with(root, None).await
    }

    /// Opens the data directory with its state store in PostgreSQL at
    /// `database_url` (`postgres://…`), or in `state.db` when `None`.
    pub async fn open_with(root: &Path, database_url: Option<&str>) -> Result<Warehouse, WarehouseError> {
        for dir in ["tables", "reports", "tmp"] {
            let path = root.join(dir);
            std::fs::create_dir_all(&path).map_err(|source| WarehouseError::Io { path, source })?;
        }
        let store: Arc<dyn StateStore> = match database_url {
            Some(url) => Arc::new(store::PgStore::open(url).await?),
            None => Arc::new(SqliteStore::open(&root.join("state.db")).await?),
        };
        Ok(Warehouse { root: root.to_owned(), store, ledger_tree: tokio::sync::Mutex::new(::ledger::Tree::new()) })
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn store(&self) -> &Arc<dyn StateStore> {
        &self.store
    }

    pub async fn batches(&self) -> Result<Vec<store::BatchRecord>, WarehouseError> {
        Ok(self.store.batches().await?)
    }

    /// The Parquet files of the accepted batches of `table`, oldest first.
    pub async fn table_files(&self, table: &str) -> Result<Vec<(store::BatchRecord, PathBuf)>, WarehouseError> {
        Ok(self
            .store
            .batches()
            .await?
            .into_iter()
            .filter(|b| b.table == table && b.status == store::BatchStatus::Accepted)
            .filter_map(|b| {
                let path = self.root.join(b.data_path.as_deref()?);
                Some((b, path))
            })
            .collect())
    }
}
