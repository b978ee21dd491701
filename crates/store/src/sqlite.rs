use crate::{
    BatchEnd, BatchRecord, BatchStatus, LedgerEntry, NewBatch, NewUser, Result, Role, Session, StateStore, StoreError,
    User,
};
use async_trait::async_trait;
use sqlx::Row;
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteRow, SqliteSynchronous,
};
use std::path::Path;
use std::time::Duration;

/// Schema migrations, applied in order, each once, each in its own transaction.
/// Never edit a published migration: add a new one.
const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        "CREATE TABLE batch (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        table_name TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'aborted')),
        source_name TEXT NOT NULL,
        source_sha256 TEXT NOT NULL,
        source_bytes INTEGER NOT NULL,
        format TEXT NOT NULL,
        encoding TEXT,
        sheet TEXT,
        tolerance INTEGER NOT NULL,
        imported_at TEXT NOT NULL,
        imported_by TEXT NOT NULL,
        rows_read INTEGER NOT NULL DEFAULT 0,
        rows_stored INTEGER NOT NULL DEFAULT 0,
        error_count INTEGER NOT NULL DEFAULT 0,
        data_path TEXT,
        data_sha256 TEXT,
        stats_json TEXT,
        reason TEXT,
        report_path TEXT
    );
    CREATE UNIQUE INDEX batch_accepted_source ON batch (table_name, source_sha256) WHERE status = 'accepted';
    CREATE INDEX batch_table ON batch (table_name, status);",
    ),
    (
        2,
        "CREATE TABLE app_user (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        username TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'handler', 'clerk')),
        password_hash TEXT NOT NULL,
        unit_code TEXT,
        created_at INTEGER NOT NULL,
        disabled INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE session (
        token_hash TEXT PRIMARY KEY,
        user_id INTEGER NOT NULL REFERENCES app_user (id),
        csrf_token TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL
    );
    CREATE INDEX session_user ON session (user_id);
    CREATE TABLE login_failure (
        key TEXT NOT NULL,
        at INTEGER NOT NULL
    );
    CREATE INDEX login_failure_key ON login_failure (key, at);",
    ),
    (
        3,
        "CREATE TABLE ledger_entry (
        idx INTEGER PRIMARY KEY,
        kind TEXT NOT NULL,
        record TEXT NOT NULL,
        salt TEXT NOT NULL,
        leaf_hash BLOB NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE ledger_checkpoint (
        size INTEGER PRIMARY KEY,
        note TEXT NOT NULL,
        created_at TEXT NOT NULL
    );",
    ),
];

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

type Store = SqliteStore;
type DbRow = SqliteRow;
const SCHEMA_MIGRATION_TABLE: &str =
    "CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)";
const RECORD_MIGRATION: &str = "INSERT INTO schema_migration (version, applied_at) VALUES ($1, datetime('now'))";

include!("backend.rs");
