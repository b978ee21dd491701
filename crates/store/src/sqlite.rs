use crate::migrations::Dialect;
use crate::{
    Action, AuditEntry, BatchEnd, BatchRecord, BatchStatus, ClueEvent, ClueFilter, ClueRecord, ClueStatus, LedgerEntry,
    NewAudit, NewBatch, NewClue, NewScan, NewUser, Result, Role, ScanCounts, ScanRecord, Session, StateStore,
    StoreError, User, WarningCount, WarningDigest, WarningFilter, WarningRecord, WarningSort, WarningStatus,
};
use crate::{EntityDecision, InspectionResult, NewInspectionResult, NewReport, ReportRecord};
use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use std::path::Path;
use std::time::Duration;

pub struct SqliteStore {
    pool: SqlitePool,
}

impl SqliteStore {
    /// Opens (creating if needed) the store at `path` and brings its schema up to date.
    pub async fn open(path: &Path) -> Result<SqliteStore> {
        let options = SqliteConnectOptions::new()
            .filename(path)
            .create_if_missing(true)
            .journal_mode(SqliteJournalMode::Wal)
            // FULL: a committed batch survives a power cut, not only a killed process.
            .synchronous(SqliteSynchronous::Full)
            .busy_timeout(Duration::from_secs(10))
            .foreign_keys(true);
        let pool = SqlitePoolOptions::new().max_connections(4).connect_with(options).await?;
        let store = SqliteStore { pool };
        store.migrate().await?;
        Ok(store)
    }
}

const DIALECT: Dialect =
    Dialect { name: "sqlite", id: "INTEGER PRIMARY KEY AUTOINCREMENT", int: "INTEGER", bytes: "BLOB" };

type Store = SqliteStore;
type DbRow = SqliteRow;
const SCHEMA_MIGRATION_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)";
const RECORD_MIGRATION: &str = "INSERT INTO schema_migration (version, applied_at) VALUES ($1, datetime('now'))";

type Db = sqlx::Sqlite;

include!("backend.rs");
