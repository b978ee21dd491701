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

    async fn migrate(&self) -> Result<()> {
        sqlx::raw_sql(
            "CREATE TABLE IF NOT EXISTS schema_migration (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
        )
        .execute(&self.pool)
        .await?;
        let current: i64 = sqlx::query("SELECT COALESCE(MAX(version), 0) FROM schema_migration")
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        let supported = MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
        if current > supported {
            return Err(StoreError::TooNew { found: current, supported });
        }
        for &(version, sql) in MIGRATIONS.iter().filter(|m| m.0 > current) {
            let failed = |source| StoreError::Migration { version, source };
            let mut tx = self.pool.begin().await?;
            sqlx::raw_sql(sql).execute(&mut *tx).await.map_err(failed)?;
            sqlx::query("INSERT INTO schema_migration (version, applied_at) VALUES (?, datetime('now'))")
                .bind(version)
                .execute(&mut *tx)
                .await
                .map_err(failed)?;
            tx.commit().await.map_err(failed)?;
        }
        Ok(())
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

const BATCH_COLUMNS: &str = "SELECT id, table_name, status, source_name, source_sha256, source_bytes, format, encoding, sheet, tolerance, imported_at, imported_by, rows_read, rows_stored, error_count, data_path, data_sha256, stats_json, reason, report_path FROM batch";

fn batch_from_row(row: &SqliteRow) -> Result<BatchRecord> {
    let count = |name: &str| -> Result<u64> { Ok(row.try_get::<i64, _>(name)?.max(0) as u64) };
    Ok(BatchRecord {
        id: row.try_get("id")?,
        table: row.try_get("table_name")?,
        status: BatchStatus::parse(row.try_get("status")?)?,
        source_name: row.try_get("source_name")?,
        source_sha256: row.try_get("source_sha256")?,
        source_bytes: count("source_bytes")?,
        format: row.try_get("format")?,
        encoding: row.try_get("encoding")?,
        sheet: row.try_get("sheet")?,
        tolerance: count("tolerance")?,
        imported_at: row.try_get("imported_at")?,
        imported_by: row.try_get("imported_by")?,
        rows_read: count("rows_read")?,
        rows_stored: count("rows_stored")?,
        error_count: count("error_count")?,
        data_path: row.try_get("data_path")?,
        data_sha256: row.try_get("data_sha256")?,
        stats_json: row.try_get("stats_json")?,
        reason: row.try_get("reason")?,
        report_path: row.try_get("report_path")?,
    })
}

fn db_int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn user_from_row(row: &SqliteRow) -> Result<User> {
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(row.try_get("role")?).ok_or_else(|| StoreError::Corrupt("user role".into()))?,
        password_hash: row.try_get("password_hash")?,
        unit_code: row.try_get("unit_code")?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
    })
}

const USER_COLUMNS: &str = "SELECT id, username, display_name, role, password_hash, unit_code, disabled FROM app_user";

#[async_trait]
impl StateStore for SqliteStore {
    async fn create_user(&self, user: &NewUser, now: i64) -> Result<i64> {
        let result = sqlx::query(
            "INSERT INTO app_user (username, display_name, role, password_hash, unit_code, created_at) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&user.username)
        .bind(&user.display_name)
        .bind(user.role.as_str())
        .bind(&user.password_hash)
        .bind(&user.unit_code)
        .bind(now)
        .fetch_one(&self.pool)
        .await;
        match result {
            Ok(row) => Ok(row.try_get(0)?),
            Err(sqlx::Error::Database(e)) if e.is_unique_violation() => {
                Err(StoreError::UserExists(user.username.clone()))
            }
            Err(e) => Err(e.into()),
        }
    }

    async fn user_by_name(&self, username: &str) -> Result<Option<User>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{USER_COLUMNS} WHERE username = ?")))
            .bind(username)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(user_from_row).transpose()
    }

    async fn users(&self) -> Result<Vec<User>> {
        let rows =
            sqlx::query(sqlx::AssertSqlSafe(format!("{USER_COLUMNS} ORDER BY id"))).fetch_all(&self.pool).await?;
        rows.iter().map(user_from_row).collect()
    }

    async fn create_session(&self, session: &Session) -> Result<()> {
        sqlx::query(
            "INSERT INTO session (token_hash, user_id, csrf_token, created_at, expires_at) VALUES (?, ?, ?, ?, ?)",
        )
        .bind(&session.token_hash)
        .bind(session.user_id)
        .bind(&session.csrf_token)
        .bind(session.created_at)
        .bind(session.expires_at)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn session(&self, token_hash: &str, now: i64) -> Result<Option<(Session, User)>> {
        let row = sqlx::query(
            "SELECT s.token_hash, s.user_id, s.csrf_token, s.created_at, s.expires_at,
                    u.id, u.username, u.display_name, u.role, u.password_hash, u.unit_code, u.disabled
             FROM session s JOIN app_user u ON u.id = s.user_id
             WHERE s.token_hash = ? AND s.expires_at > ? AND u.disabled = 0",
        )
        .bind(token_hash)
        .bind(now)
        .fetch_optional(&self.pool)
        .await?;
        let Some(row) = row else { return Ok(None) };
        let session = Session {
            token_hash: row.try_get("token_hash")?,
            user_id: row.try_get("user_id")?,
            csrf_token: row.try_get("csrf_token")?,
            created_at: row.try_get("created_at")?,
            expires_at: row.try_get("expires_at")?,
        };
        Ok(Some((session, user_from_row(&row)?)))
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM session WHERE token_hash = ?").bind(token_hash).execute(&self.pool).await?;
        Ok(())
    }

    async fn record_login_failure(&self, key: &str, now: i64) -> Result<()> {
        sqlx::query("INSERT INTO login_failure (key, at) VALUES (?, ?)")
            .bind(key)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn login_failures_since(&self, key: &str, since: i64) -> Result<u64> {
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM login_failure WHERE key = ? AND at >= ?")
            .bind(key)
            .bind(since)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        Ok(n.max(0) as u64)
    }

    async fn ledger_append(&self, entries: &[LedgerEntry]) -> Result<u64> {
        let mut tx = self.pool.begin().await?;
        let size: i64 = sqlx::query("SELECT COUNT(*) FROM ledger_entry").fetch_one(&mut *tx).await?.try_get(0)?;
        for (i, e) in entries.iter().enumerate() {
            sqlx::query(
                "INSERT INTO ledger_entry (idx, kind, record, salt, leaf_hash, created_at) VALUES (?, ?, ?, ?, ?, ?)",
            )
            .bind(size + i as i64)
            .bind(&e.kind)
            .bind(&e.record)
            .bind(&e.salt)
            .bind(e.leaf_hash.as_slice())
            .bind(&e.created_at)
            .execute(&mut *tx)
            .await?;
        }
        tx.commit().await?;
        Ok(size.max(0) as u64)
    }

    async fn ledger_size(&self) -> Result<u64> {
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM ledger_entry").fetch_one(&self.pool).await?.try_get(0)?;
        Ok(n.max(0) as u64)
    }

    async fn ledger_leaf_hashes(&self, size: u64) -> Result<Vec<Vec<u8>>> {
        let rows = sqlx::query("SELECT leaf_hash FROM ledger_entry WHERE idx < ? ORDER BY idx")
            .bind(db_int(size))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(r.try_get::<Vec<u8>, _>(0)?)).collect()
    }

    async fn ledger_entry(&self, index: u64) -> Result<Option<LedgerEntry>> {
        let row = sqlx::query("SELECT kind, record, salt, leaf_hash, created_at FROM ledger_entry WHERE idx = ?")
            .bind(db_int(index))
            .fetch_optional(&self.pool)
            .await?;
        let Some(r) = row else { return Ok(None) };
        Ok(Some(LedgerEntry {
            kind: r.try_get("kind")?,
            record: r.try_get("record")?,
            salt: r.try_get("salt")?,
            leaf_hash: r.try_get("leaf_hash")?,
            created_at: r.try_get("created_at")?,
        }))
    }

    async fn ledger_records(&self, kind: &str) -> Result<Vec<String>> {
        let rows = sqlx::query("SELECT record FROM ledger_entry WHERE kind = ? ORDER BY idx")
            .bind(kind)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    async fn ledger_add_checkpoint(&self, size: u64, note: &str, created_at: &str) -> Result<()> {
        sqlx::query("INSERT OR REPLACE INTO ledger_checkpoint (size, note, created_at) VALUES (?, ?, ?)")
            .bind(db_int(size))
            .bind(note)
            .bind(created_at)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn ledger_checkpoint(&self, size: Option<u64>) -> Result<Option<(u64, String)>> {
        let row = match size {
            Some(s) => {
                sqlx::query("SELECT size, note FROM ledger_checkpoint WHERE size = ?")
                    .bind(db_int(s))
                    .fetch_optional(&self.pool)
                    .await?
            }
            None => {
                sqlx::query("SELECT size, note FROM ledger_checkpoint ORDER BY size DESC LIMIT 1")
                    .fetch_optional(&self.pool)
                    .await?
            }
        };
        row.map(|r| Ok((r.try_get::<i64, _>("size")?.max(0) as u64, r.try_get("note")?))).transpose()
    }

    async fn clear_login_failures(&self, key: &str) -> Result<()> {
        sqlx::query("DELETE FROM login_failure WHERE key = ?").bind(key).execute(&self.pool).await?;
        Ok(())
    }

    async fn begin_batch(&self, b: &NewBatch) -> Result<i64> {
        let row = sqlx::query(
            "INSERT INTO batch (table_name, status, source_name, source_sha256, source_bytes, format, encoding, tolerance, imported_at, imported_by)
             VALUES (?, 'pending', ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
        )
        .bind(&b.table)
        .bind(&b.source_name)
        .bind(&b.source_sha256)
        .bind(db_int(b.source_bytes))
        .bind(&b.format)
        .bind(&b.encoding)
        .bind(db_int(b.tolerance))
        .bind(&b.imported_at)
        .bind(&b.imported_by)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get(0)?)
    }

    async fn end_batch(&self, id: i64, e: &BatchEnd) -> Result<()> {
        let done = sqlx::query(
            "UPDATE batch SET status = ?, sheet = ?, rows_read = ?, rows_stored = ?, error_count = ?, data_path = ?, data_sha256 = ?, stats_json = ?, reason = ?, report_path = ?
             WHERE id = ? AND status = 'pending'",
        )
        .bind(e.status.as_str())
        .bind(&e.sheet)
        .bind(db_int(e.rows_read))
        .bind(db_int(e.rows_stored))
        .bind(db_int(e.error_count))
        .bind(&e.data_path)
        .bind(&e.data_sha256)
        .bind(&e.stats_json)
        .bind(&e.reason)
        .bind(&e.report_path)
        .bind(id)
        .execute(&self.pool)
        .await?;
        if done.rows_affected() != 1 {
            return Err(StoreError::NoSuchBatch(id));
        }
        Ok(())
    }

    async fn abort_pending(&self) -> Result<Vec<BatchRecord>> {
        let mut tx = self.pool.begin().await?;
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{BATCH_COLUMNS} WHERE status = 'pending' ORDER BY id")))
            .fetch_all(&mut *tx)
            .await?;
        let pending = rows.iter().map(batch_from_row).collect::<Result<Vec<_>>>()?;
        sqlx::query(
            "UPDATE batch SET status = 'aborted', reason = '导入进程被中断，未保存任何数据 / the import was interrupted; nothing of it was stored' WHERE status = 'pending'",
        )
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(pending)
    }

    async fn find_accepted(&self, table: &str, source_sha256: &str) -> Result<Option<BatchRecord>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{BATCH_COLUMNS} WHERE table_name = ? AND source_sha256 = ? AND status = 'accepted'"
        )))
        .bind(table)
        .bind(source_sha256)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(batch_from_row).transpose()
    }

    async fn batch(&self, id: i64) -> Result<BatchRecord> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{BATCH_COLUMNS} WHERE id = ?")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or(StoreError::NoSuchBatch(id))?;
        batch_from_row(&row)
    }

    async fn batches(&self) -> Result<Vec<BatchRecord>> {
        let rows =
            sqlx::query(sqlx::AssertSqlSafe(format!("{BATCH_COLUMNS} ORDER BY id"))).fetch_all(&self.pool).await?;
        rows.iter().map(batch_from_row).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn new_batch(sha: &str) -> NewBatch {
        NewBatch {
            table: "person".into(),
            source_name: "person.csv".into(),
            source_sha256: sha.into(),
            source_bytes: 10,
            format: "csv".into(),
            encoding: Some("utf8".into()),
            tolerance: 0,
            imported_at: "2026-11-29T08:00:00+08:00".into(),
            imported_by: "tester".into(),
        }
    }

    fn accepted() -> BatchEnd {
        BatchEnd {
            status: BatchStatus::Accepted,
            sheet: None,
            rows_read: 3,
            rows_stored: 3,
            error_count: 0,
            data_path: Some("tables/person/1.parquet".into()),
            data_sha256: Some("ff".into()),
            stats_json: Some("[]".into()),
            reason: None,
            report_path: None,
        }
    }

    #[tokio::test]
    async fn batch_lifecycle() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("state.db")).await.unwrap();
        let id = store.begin_batch(&new_batch("aa")).await.unwrap();
        assert_eq!(store.batch(id).await.unwrap().status, BatchStatus::Pending);
        assert!(store.find_accepted("person", "aa").await.unwrap().is_none());
        store.end_batch(id, &accepted()).await.unwrap();
        assert_eq!(store.find_accepted("person", "aa").await.unwrap().unwrap().id, id);
        // An ended batch cannot end again.
        assert!(matches!(store.end_batch(id, &accepted()).await, Err(StoreError::NoSuchBatch(_))));
        // The same source cannot be accepted twice for one table.
        let again = store.begin_batch(&new_batch("aa")).await.unwrap();
        assert!(store.end_batch(again, &accepted()).await.is_err());

        let orphan = store.begin_batch(&new_batch("bb")).await.unwrap();
        let aborted = store.abort_pending().await.unwrap();
        assert_eq!(aborted.iter().map(|b| b.id).collect::<Vec<_>>(), vec![again, orphan]);
        assert_eq!(store.batch(orphan).await.unwrap().status, BatchStatus::Aborted);
        assert_eq!(store.batches().await.unwrap().len(), 3);
    }

    #[tokio::test]
    async fn users_sessions_and_throttling() {
        let dir = tempfile::tempdir().unwrap();
        let store = SqliteStore::open(&dir.path().join("state.db")).await.unwrap();
        let new = NewUser {
            username: "zhang".into(),
            display_name: "张三".into(),
            role: Role::Supervisor,
            password_hash: "$argon2id$...".into(),
            unit_code: None,
        };
        let id = store.create_user(&new, 100).await.unwrap();
        assert!(matches!(store.create_user(&new, 100).await, Err(StoreError::UserExists(_))));
        assert_eq!(store.user_by_name("zhang").await.unwrap().unwrap().role, Role::Supervisor);
        let session =
            Session { token_hash: "h".into(), user_id: id, csrf_token: "c".into(), created_at: 100, expires_at: 200 };
        store.create_session(&session).await.unwrap();
        assert_eq!(store.session("h", 150).await.unwrap().unwrap().1.username, "zhang");
        assert!(store.session("h", 200).await.unwrap().is_none(), "expired");
        store.delete_session("h").await.unwrap();
        assert!(store.session("h", 150).await.unwrap().is_none());
        for t in [10, 20, 30] {
            store.record_login_failure("user:zhang", t).await.unwrap();
        }
        assert_eq!(store.login_failures_since("user:zhang", 15).await.unwrap(), 2);
        store.clear_login_failures("user:zhang").await.unwrap();
        assert_eq!(store.login_failures_since("user:zhang", 0).await.unwrap(), 0);
    }

    #[tokio::test]
    async fn reopening_keeps_data_and_schema() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("state.db");
        let store = SqliteStore::open(&path).await.unwrap();
        store.begin_batch(&new_batch("aa")).await.unwrap();
        store.close().await;
        let store = SqliteStore::open(&path).await.unwrap();
        assert_eq!(store.batches().await.unwrap().len(), 1);
    }
}
