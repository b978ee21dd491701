// The body shared by every backend of the state store, included by `sqlite.rs`
// and `postgres.rs`. Each defines `Store` (its store type, with a `pool`),
// `DbRow`, `DIALECT`, `SCHEMA_MIGRATION_TABLE` and `RECORD_MIGRATION`; the SQL
// below is written once, with `$n` parameters, in the dialect both accept.

impl Store {
    async fn migrate(&self) -> Result<()> {
        sqlx::raw_sql(
            SCHEMA_MIGRATION_TABLE,
        )
        .execute(&self.pool)
        .await?;
        let current: i64 = sqlx::query("SELECT COALESCE(MAX(version), 0) FROM schema_migration")
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        let supported = crate::migrations::MIGRATIONS.last().map(|m| m.0).unwrap_or(0);
        if current > supported {
            return Err(StoreError::TooNew { found: current, supported });
        }
        for &(version, template) in crate::migrations::MIGRATIONS.iter().filter(|m| m.0 > current) {
            let sql = DIALECT.sql(template);
            let failed = |source| StoreError::Migration { version, source };
            let mut tx = self.pool.begin().await?;
            sqlx::raw_sql(sqlx::AssertSqlSafe(sql)).execute(&mut *tx).await.map_err(failed)?;
            sqlx::query(RECORD_MIGRATION)
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

/// Rows per multi-row insert into the ledger (6 parameters each; both backends
/// allow far more parameters than 6 × 200).
const LEDGER_ROWS_PER_INSERT: usize = 200;

/// Warnings per multi-row upsert (17 parameters each) and identifiers per
/// `IN (…)` list: a statement per row costs a round trip to the database each,
/// so hundreds, not thousands.
const WARNING_ROWS_PER_INSERT: usize = 32;
const IDS_PER_UPDATE: usize = 250;

/// The rows of a multi-row `VALUES`: `rows` groups of `columns` parameters,
/// numbered from 1 and each used once, each group followed by `tail` inside its
/// parentheses.
fn values_list(rows: usize, columns: usize, tail: &str) -> String {
    let mut sql = String::with_capacity(rows * columns * 6);
    for row in 0..rows {
        sql.push_str(if row == 0 { "(" } else { ", (" });
        for column in 0..columns {
            if column > 0 {
                sql.push_str(", ");
            }
            sql.push_str(&DIALECT.parameter(row * columns + column + 1));
        }
        sql.push_str(tail);
        sql.push(')');
    }
    sql
}

/// Parameters `first`, `first+1`, … for an `IN (…)` list of `n` parameters.
fn parameter_list(first: usize, n: usize) -> String {
    (first..first + n).map(|i| DIALECT.parameter(i)).collect::<Vec<_>>().join(", ")
}

const INSPECTION_COLUMNS: &str = "SELECT id, plan_commitment, target, checked_on, outcome, findings, entered_by, entered_at, published_at, ledger_index FROM inspection_result";

const DECISION_COLUMNS: &str = "SELECT id, a, b, decision, note, decided_by, decided_at FROM entity_decision";

fn decision_from_row(row: &DbRow) -> Result<EntityDecision> {
    Ok(EntityDecision {
        id: row.try_get("id")?,
        a: row.try_get("a")?,
        b: row.try_get("b")?,
        decision: row.try_get("decision")?,
        note: row.try_get("note")?,
        decided_by: row.try_get("decided_by")?,
        decided_at: row.try_get("decided_at")?,
    })
}

fn inspection_from_row(row: &DbRow) -> Result<InspectionResult> {
    Ok(InspectionResult {
        id: row.try_get("id")?,
        plan_commitment: row.try_get("plan_commitment")?,
        target: row.try_get("target")?,
        checked_on: row.try_get("checked_on")?,
        outcome: row.try_get("outcome")?,
        findings: row.try_get("findings")?,
        entered_by: row.try_get("entered_by")?,
        entered_at: row.try_get("entered_at")?,
        published_at: row.try_get("published_at")?,
        ledger_index: row.try_get::<Option<i64>, _>("ledger_index")?.map(|i| i.max(0) as u64),
    })
}

fn ledger_from_row(r: &DbRow) -> Result<(u64, LedgerEntry)> {
    Ok((
        r.try_get::<i64, _>("idx")?.max(0) as u64,
        LedgerEntry {
            kind: r.try_get("kind")?,
            record: r.try_get("record")?,
            salt: r.try_get("salt")?,
            leaf_hash: r.try_get("leaf_hash")?,
            created_at: r.try_get("created_at")?,
        },
    ))
}

const BATCH_COLUMNS: &str = "SELECT id, table_name, status, source_name, source_sha256, source_bytes, format, encoding, sheet, tolerance, imported_at, imported_by, rows_read, rows_stored, error_count, data_path, data_sha256, stats_json, reason, report_path FROM batch";

fn batch_from_row(row: &DbRow) -> Result<BatchRecord> {
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

fn user_from_row(row: &DbRow) -> Result<User> {
    Ok(User {
        id: row.try_get("id")?,
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        role: Role::parse(row.try_get("role")?).ok_or_else(|| StoreError::Corrupt("user role".into()))?,
        password_hash: row.try_get("password_hash")?,
        unit_code: row.try_get("unit_code")?,
        region_code: row.try_get("region_code")?,
        disabled: row.try_get::<i64, _>("disabled")? != 0,
    })
}

const USER_COLUMNS: &str =
    "SELECT id, username, display_name, role, password_hash, unit_code, region_code, disabled FROM app_user";

#[async_trait]
impl StateStore for Store {
    async fn create_user(&self, user: &NewUser, now: i64) -> Result<i64> {
        let result = sqlx::query(
            "INSERT INTO app_user (username, display_name, role, password_hash, unit_code, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
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
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{USER_COLUMNS} WHERE username = $1")))
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
            "INSERT INTO session (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
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
                    u.id, u.username, u.display_name, u.role, u.password_hash, u.unit_code, u.region_code, u.disabled
             FROM session s JOIN app_user u ON u.id = s.user_id
             WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.disabled = 0",
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

    async fn set_user_disabled(&self, user_id: i64, disabled: bool, audit: &NewAudit) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE app_user SET disabled = $1 WHERE id = $2")
            .bind(i64::from(disabled))
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        if disabled {
            sqlx::query("DELETE FROM session WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
        }
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_user_region(&self, user_id: i64, region: Option<&str>, audit: &NewAudit) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE app_user SET region_code = $1 WHERE id = $2").bind(region).bind(user_id).execute(&mut *tx).await?;
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn set_password(&self, user_id: i64, password_hash: &str, audit: &NewAudit) -> Result<()> {
        let mut tx = self.pool.begin().await?;
        sqlx::query("UPDATE app_user SET password_hash = $1 WHERE id = $2")
            .bind(password_hash)
            .bind(user_id)
            .execute(&mut *tx)
            .await?;
        sqlx::query("DELETE FROM session WHERE user_id = $1").bind(user_id).execute(&mut *tx).await?;
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(())
    }

    async fn create_api_token(&self, user_id: i64, label: &str, token_hash: &str, now: i64) -> Result<()> {
        sqlx::query("INSERT INTO api_token (token_hash, user_id, label, created_at) VALUES ($1, $2, $3, $4)")
            .bind(token_hash)
            .bind(user_id)
            .bind(label)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn api_token_user(&self, token_hash: &str) -> Result<Option<(User, String)>> {
        let row = sqlx::query(
            "SELECT t.label, u.id, u.username, u.display_name, u.role, u.password_hash, u.unit_code, u.region_code, u.disabled
             FROM api_token t JOIN app_user u ON u.id = t.user_id
             WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.disabled = 0",
        )
        .bind(token_hash)
        .fetch_optional(&self.pool)
        .await?;
        row.map(|r| Ok((user_from_row(&r)?, r.try_get("label")?))).transpose()
    }

    async fn api_tokens(&self) -> Result<Vec<(String, String, i64, Option<i64>)>> {
        let rows = sqlx::query(
            "SELECT u.username, t.label, t.created_at, t.revoked_at FROM api_token t JOIN app_user u ON u.id = t.user_id
             ORDER BY u.username, t.label",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| Ok((r.try_get("username")?, r.try_get("label")?, r.try_get("created_at")?, r.try_get("revoked_at")?)))
            .collect()
    }

    async fn revoke_api_token(&self, user_id: i64, label: &str, now: i64) -> Result<bool> {
        let done = sqlx::query("UPDATE api_token SET revoked_at = $1 WHERE user_id = $2 AND label = $3 AND revoked_at IS NULL")
            .bind(now)
            .bind(user_id)
            .bind(label)
            .execute(&self.pool)
            .await?;
        Ok(done.rows_affected() == 1)
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        sqlx::query("DELETE FROM session WHERE token_hash = $1").bind(token_hash).execute(&self.pool).await?;
        Ok(())
    }

    async fn record_login_failure(&self, key: &str, now: i64) -> Result<()> {
        sqlx::query("INSERT INTO login_failure (key, at) VALUES ($1, $2)")
            .bind(key)
            .bind(now)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn login_failures_since(&self, key: &str, since: i64) -> Result<u64> {
        let n: i64 = sqlx::query("SELECT COUNT(*) FROM login_failure WHERE key = $1 AND at >= $2")
            .bind(key)
            .bind(since)
            .fetch_one(&self.pool)
            .await?
            .try_get(0)?;
        Ok(n.max(0) as u64)
    }

    async fn ledger_append(&self, entries: &[LedgerEntry]) -> Result<u64> {
        let mut tx = self.pool.begin().await?;
        let size: i64 = sqlx::query("SELECT COALESCE(MAX(idx) + 1, 0) FROM ledger_entry").fetch_one(&mut *tx).await?.try_get(0)?;
        // Many rows per statement: a round trip per row would cap appends far below
        // what the log needs (see BENCHMARKS.md).
        for (chunk_index, chunk) in entries.chunks(LEDGER_ROWS_PER_INSERT).enumerate() {
            let sql = format!(
                "INSERT INTO ledger_entry (idx, kind, record, salt, leaf_hash, created_at) VALUES {}",
                values_list(chunk.len(), 6, "")
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for (i, e) in chunk.iter().enumerate() {
                let index = size + (chunk_index * LEDGER_ROWS_PER_INSERT + i) as i64;
                query = query.bind(index).bind(&e.kind).bind(&e.record).bind(&e.salt).bind(e.leaf_hash.as_slice()).bind(&e.created_at);
            }
            query.execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(size.max(0) as u64)
    }

    async fn ledger_size(&self) -> Result<u64> {
        let n: i64 = sqlx::query("SELECT COALESCE(MAX(idx) + 1, 0) FROM ledger_entry").fetch_one(&self.pool).await?.try_get(0)?;
        Ok(n.max(0) as u64)
    }

    async fn ledger_leaf_hashes(&self, start: u64, end: u64) -> Result<Vec<Vec<u8>>> {
        let rows = sqlx::query("SELECT leaf_hash FROM ledger_entry WHERE idx >= $1 AND idx < $2 ORDER BY idx")
            .bind(db_int(start))
            .bind(db_int(end))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(r.try_get::<Vec<u8>, _>(0)?)).collect()
    }

    async fn ledger_entry(&self, index: u64) -> Result<Option<LedgerEntry>> {
        let row = sqlx::query("SELECT kind, record, salt, leaf_hash, created_at FROM ledger_entry WHERE idx = $1")
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
        let rows = sqlx::query("SELECT record FROM ledger_entry WHERE kind = $1 ORDER BY idx")
            .bind(kind)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(|r| Ok(r.try_get(0)?)).collect()
    }

    async fn ledger_add_checkpoint(&self, size: u64, note: &str, created_at: &str) -> Result<()> {
        sqlx::query("INSERT INTO ledger_checkpoint (size, note, created_at) VALUES ($1, $2, $3) ON CONFLICT (size) DO UPDATE SET note = excluded.note, created_at = excluded.created_at")
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
                sqlx::query("SELECT size, note FROM ledger_checkpoint WHERE size = $1")
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
        sqlx::query("DELETE FROM login_failure WHERE key = $1").bind(key).execute(&self.pool).await?;
        Ok(())
    }

    async fn begin_batch(&self, b: &NewBatch) -> Result<i64> {
        let row = sqlx::query(
            "INSERT INTO batch (table_name, status, source_name, source_sha256, source_bytes, format, encoding, tolerance, imported_at, imported_by)
             VALUES ($1, 'pending', $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
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
            "UPDATE batch SET status = $1, sheet = $2, rows_read = $3, rows_stored = $4, error_count = $5, data_path = $6, data_sha256 = $7, stats_json = $8, reason = $9, report_path = $10
             WHERE id = $11 AND status = 'pending'",
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
            "{BATCH_COLUMNS} WHERE table_name = $1 AND source_sha256 = $2 AND status = 'accepted'"
        )))
        .bind(table)
        .bind(source_sha256)
        .fetch_optional(&self.pool)
        .await?;
        row.as_ref().map(batch_from_row).transpose()
    }

    async fn batch(&self, id: i64) -> Result<BatchRecord> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{BATCH_COLUMNS} WHERE id = $1")))
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

    async fn begin_scan(&self, scan: &NewScan) -> Result<i64> {
        let row = sqlx::query(
            "INSERT INTO scan (started_at, trigger_kind, models_json, batches_json, config_json, config_sha256, status)
             VALUES ($1, $2, $3, $4, $5, $6, 'running') RETURNING id",
        )
        .bind(&scan.started_at)
        .bind(&scan.trigger)
        .bind(&scan.models_json)
        .bind(&scan.batches_json)
        .bind(&scan.config_json)
        .bind(&scan.config_sha256)
        .fetch_one(&self.pool)
        .await?;
        Ok(row.try_get(0)?)
    }

    async fn end_scan(&self, id: i64, finished_at: &str, c: &ScanCounts, error: Option<&str>) -> Result<()> {
        sqlx::query(
            "UPDATE scan SET finished_at = $1, status = $2, new_count = $3, unchanged_count = $4, changed_count = $5,
             resolved_count = $6, error = $7 WHERE id = $8",
        )
        .bind(finished_at)
        .bind(if error.is_some() { "failed" } else { "finished" })
        .bind(db_int(c.new))
        .bind(db_int(c.unchanged))
        .bind(db_int(c.changed))
        .bind(db_int(c.resolved))
        .bind(error)
        .bind(id)
        .execute(&self.pool)
        .await?;
        Ok(())
    }

    async fn scans(&self, limit: u64) -> Result<Vec<ScanRecord>> {
        let rows = sqlx::query(
            "SELECT id, started_at, finished_at, trigger_kind, models_json, batches_json, config_json, config_sha256,
                    status, new_count, unchanged_count, changed_count, resolved_count, error
             FROM scan ORDER BY id DESC LIMIT $1",
        )
        .bind(db_int(limit))
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|row| {
                let count = |name: &str| -> Result<u64> { Ok(row.try_get::<i64, _>(name)?.max(0) as u64) };
                Ok(ScanRecord {
                    id: row.try_get("id")?,
                    started_at: row.try_get("started_at")?,
                    finished_at: row.try_get("finished_at")?,
                    trigger: row.try_get("trigger_kind")?,
                    models_json: row.try_get("models_json")?,
                    batches_json: row.try_get("batches_json")?,
                    config_json: row.try_get("config_json")?,
                    config_sha256: row.try_get("config_sha256")?,
                    status: row.try_get("status")?,
                    new_count: count("new_count")?,
                    unchanged_count: count("unchanged_count")?,
                    changed_count: count("changed_count")?,
                    resolved_count: count("resolved_count")?,
                    error: row.try_get("error")?,
                })
            })
            .collect()
    }

    async fn warning_digests(&self, model: &str) -> Result<Vec<WarningDigest>> {
        let rows = sqlx::query("SELECT id, digest, status FROM warning WHERE model = $1 ORDER BY id")
            .bind(model)
            .fetch_all(&self.pool)
            .await?;
        rows.iter()
            .map(|row| {
                let status: String = row.try_get("status")?;
                Ok(WarningDigest {
                    id: row.try_get("id")?,
                    digest: row.try_get("digest")?,
                    status: WarningStatus::parse(&status)
                        .ok_or_else(|| StoreError::Corrupt(format!("warning status {status:?}")))?,
                })
            })
            .collect()
    }

    async fn save_warnings(
        &self,
        scan: i64,
        upserts: &[WarningRecord],
        unchanged: &[String],
        resolved: &[String],
    ) -> Result<()> {
        // A model raising one identifier twice: the last one stands, as it did when
        // rows were written one at a time (PostgreSQL refuses to upsert a row twice
        // in one statement).
        let last: std::collections::HashMap<&str, usize> = upserts.iter().enumerate().map(|(i, w)| (w.id.as_str(), i)).collect();
        let upserts: Vec<&WarningRecord> =
            upserts.iter().enumerate().filter(|(i, w)| last.get(w.id.as_str()) == Some(i)).map(|(_, w)| w).collect();
        let mut tx = self.pool.begin().await?;
        for chunk in upserts.chunks(WARNING_ROWS_PER_INSERT) {
            let sql = format!(
                "INSERT INTO warning (id, model, domain, severity, severity_rank, subject_kind, subject_id, subject_name,
                    org_code, region_code, amount_fen, reason_zh, reason_en, evidence_json, digest, first_scan,
                    last_scan, status, resolved_scan)
                 VALUES {}
                 ON CONFLICT (id) DO UPDATE SET domain = excluded.domain, severity = excluded.severity,
                    severity_rank = excluded.severity_rank, subject_kind = excluded.subject_kind,
                    subject_id = excluded.subject_id, subject_name = excluded.subject_name, org_code = excluded.org_code,
                    region_code = excluded.region_code, amount_fen = excluded.amount_fen, reason_zh = excluded.reason_zh,
                    reason_en = excluded.reason_en, evidence_json = excluded.evidence_json, digest = excluded.digest,
                    status = 'open', last_scan = excluded.last_scan, resolved_scan = NULL",
                values_list(chunk.len(), 17, ", 'open', NULL")
            );
            let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
            for w in chunk {
                query = query
                    .bind(&w.id)
                    .bind(&w.model)
                    .bind(&w.domain)
                    .bind(&w.severity)
                    .bind(w.severity_rank)
                    .bind(&w.subject_kind)
                    .bind(&w.subject_id)
                    .bind(&w.subject_name)
                    .bind(&w.org_code)
                    .bind(&w.region_code)
                    .bind(w.amount_fen)
                    .bind(&w.reason_zh)
                    .bind(&w.reason_en)
                    .bind(&w.evidence_json)
                    .bind(&w.digest)
                    .bind(scan)
                    .bind(scan);
            }
            query.execute(&mut *tx).await?;
        }
        let updates = [
            ("UPDATE warning SET last_scan = {scan} WHERE id IN", unchanged),
            ("UPDATE warning SET status = 'resolved_by_data', resolved_scan = {scan} WHERE status = 'open' AND id IN", resolved),
        ];
        for (update, ids) in updates {
            for chunk in ids.chunks(IDS_PER_UPDATE) {
                let update = update.replace("{scan}", &DIALECT.parameter(1));
                let sql = format!("{update} ({})", parameter_list(2, chunk.len()));
                let mut query = sqlx::query(sqlx::AssertSqlSafe(sql)).bind(scan);
                for id in chunk {
                    query = query.bind(id);
                }
                query.execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(())
    }

    async fn warnings(&self, filter: &WarningFilter) -> Result<(Vec<WarningRecord>, u64)> {
        let (clause, args) = warning_filter_sql(filter);
        let mut count = sqlx::query(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM warning{clause}")));
        for a in &args {
            count = match a {
                Arg::Text(s) => count.bind(s.clone()),
                Arg::Int(n) => count.bind(*n),
            };
        }
        let total: i64 = count.fetch_one(&self.pool).await?.try_get(0)?;
        let order = match filter.sort {
            WarningSort::Severity => "severity_rank, amount_fen DESC, id",
            WarningSort::Amount => "amount_fen DESC, severity_rank, id",
            WarningSort::Newest => "first_scan DESC, severity_rank, amount_fen DESC, id",
            WarningSort::Model => "model, severity_rank, amount_fen DESC, id",
        };
        let limit = filter.limit.map(db_int).unwrap_or(i64::MAX);
        let sql = format!(
            "{WARNING_COLUMNS}{clause} ORDER BY {order} LIMIT ${} OFFSET ${}",
            args.len() + 1,
            args.len() + 2
        );
        let mut query = sqlx::query(sqlx::AssertSqlSafe(sql));
        for a in &args {
            query = match a {
                Arg::Text(s) => query.bind(s.clone()),
                Arg::Int(n) => query.bind(*n),
            };
        }
        let rows = query.bind(limit).bind(db_int(filter.offset)).fetch_all(&self.pool).await?;
        let list = rows.iter().map(warning_from_row).collect::<Result<Vec<_>>>()?;
        Ok((list, total.max(0) as u64))
    }

    async fn warning(&self, id: &str) -> Result<Option<WarningRecord>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{WARNING_COLUMNS} WHERE id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(warning_from_row).transpose()
    }

    async fn warning_counts(&self) -> Result<Vec<WarningCount>> {
        let rows = sqlx::query(
            "SELECT domain, model, status, COUNT(*) AS n, CAST(COALESCE(SUM(amount_fen), 0) AS BIGINT) AS amount
             FROM warning GROUP BY domain, model, status ORDER BY domain, model, status",
        )
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                let status: String = r.try_get("status")?;
                Ok(WarningCount {
                    domain: r.try_get("domain")?,
                    model: r.try_get("model")?,
                    status: WarningStatus::parse(&status)
                        .ok_or_else(|| StoreError::Corrupt(format!("warning status {status}")))?,
                    count: r.try_get("n")?,
                    amount_fen: r.try_get("amount")?,
                })
            })
            .collect()
    }

    async fn create_clue(&self, clue: &NewClue) -> Result<ClueRecord> {
        let mut tx = self.pool.begin().await?;
        let record = create_clue_in_tx(&mut tx, clue).await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn split_clue(&self, code: &str, expected: i64, split: &NewClue) -> Result<ClueRecord> {
        let current = self.clue(code).await?.ok_or_else(|| StoreError::NoSuchClue(code.to_owned()))?;
        if current.version != expected {
            return Err(StoreError::Conflict { code: code.to_owned(), expected, current: current.version });
        }
        let (warnings, _) = self.clue_details(current.id).await?;
        let moving: Vec<&String> = split.warnings.iter().filter(|w| warnings.contains(w)).collect();
        if moving.is_empty() || moving.len() != split.warnings.len() || moving.len() >= warnings.len() {
            return Err(StoreError::Corrupt(
                "拆分须选出线索的部分预警（非全部） / a split takes some of the clue's warnings, not all and not others"
                    .into(),
            ));
        }
        let mut tx = self.pool.begin().await?;
        let created = create_clue_in_tx(&mut tx, split).await?;
        let action = Action::Split { into: created.code.clone(), warnings: split.warnings.clone() };
        let next = current.apply(&action, &split.at)?;
        step_in_tx(&mut tx, &current, &next, &action, &split.by, &split.note, &split.at).await?;
        for w in &split.warnings {
            sqlx::query("UPDATE clue_warning SET moved_to = $1 WHERE clue_id = $2 AND warning_id = $3")
                .bind(created.id)
                .bind(current.id)
                .bind(w)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(created)
    }

    async fn clue(&self, code: &str) -> Result<Option<ClueRecord>> {
        let Some(id) = crate::clues::clue_id(code) else { return Ok(None) };
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{CLUE_COLUMNS} WHERE id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(clue_from_row).transpose()
    }

    async fn clue_details(&self, id: i64) -> Result<(Vec<String>, Vec<ClueEvent>)> {
        let warnings = sqlx::query("SELECT warning_id FROM clue_warning WHERE clue_id = $1 AND moved_to IS NULL ORDER BY warning_id")
            .bind(id)
            .fetch_all(&self.pool)
            .await?
            .iter()
            .map(|r| r.try_get::<String, _>(0))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let rows = sqlx::query(
            "SELECT at, actor, action, from_status, to_status, note, detail_json FROM clue_event WHERE clue_id = $1 ORDER BY id",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        let status = |s: Option<String>| -> Result<Option<ClueStatus>> {
            s.map(|s| ClueStatus::parse(&s).ok_or_else(|| StoreError::Corrupt(format!("clue status {s}")))).transpose()
        };
        let events = rows
            .iter()
            .map(|r| {
                Ok(ClueEvent {
                    at: r.try_get("at")?,
                    actor: r.try_get("actor")?,
                    action: r.try_get("action")?,
                    from_status: status(r.try_get("from_status")?)?,
                    to_status: status(Some(r.try_get("to_status")?))?.unwrap_or(ClueStatus::Registered),
                    note: r.try_get("note")?,
                    detail: r.try_get("detail_json")?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok((warnings, events))
    }

    async fn clues(&self, filter: &ClueFilter) -> Result<Vec<ClueRecord>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{CLUE_COLUMNS} WHERE ($1 IS NULL OR handler = $1) AND ($2 IS NULL OR status = $2)
             AND ($3 IS NULL OR rectify_unit = $3) ORDER BY id DESC"
        )))
        .bind(filter.handler.as_deref())
        .bind(filter.status.map(|s| s.as_str()))
        .bind(filter.rectify_unit.as_deref())
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(clue_from_row).collect()
    }

    async fn clues_of_warning(&self, warning_id: &str) -> Result<Vec<ClueRecord>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{CLUE_COLUMNS} WHERE id IN (SELECT clue_id FROM clue_warning WHERE warning_id = $1 AND moved_to IS NULL) ORDER BY id"
        )))
        .bind(warning_id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(clue_from_row).collect()
    }

    async fn act_on_clue(
        &self,
        code: &str,
        expected: i64,
        action: &Action,
        actor: &crate::Actor,
        note: &str,
        at: &str,
    ) -> Result<ClueRecord> {
        let current = self.clue(code).await?.ok_or_else(|| StoreError::NoSuchClue(code.to_owned()))?;
        if current.version != expected {
            return Err(StoreError::Conflict { code: code.to_owned(), expected, current: current.version });
        }
        let next = current.apply(action, at)?;
        // The version check is the transaction's first statement, so it takes the write
        // lock on a fresh view: of two people acting on version n, one writes n + 1 and
        // the other finds no row of version n.
        let mut tx = self.pool.begin().await?;
        match step_in_tx(&mut tx, &current, &next, action, actor, note, at).await {
            Ok(()) => {}
            Err(StoreError::Conflict { .. }) => {
                drop(tx);
                let now = self.clue(code).await?.map(|c| c.version).unwrap_or(expected);
                return Err(StoreError::Conflict { code: code.to_owned(), expected, current: now });
            }
            Err(e) => return Err(e),
        }
        tx.commit().await?;
        Ok(next)
    }

    async fn merge_clues(
        &self,
        from: (&str, i64),
        into: (&str, i64),
        actor: &crate::Actor,
        note: &str,
        at: &str,
    ) -> Result<ClueRecord> {
        if from.0 == into.0 {
            return Err(StoreError::Corrupt("a clue cannot be merged into itself / 线索不能合并到自身".into()));
        }
        let load = |code: &str| {
            let code = code.to_owned();
            async move { self.clue(&code).await?.ok_or(StoreError::NoSuchClue(code)) }
        };
        let (source, target) = (load(from.0).await?, load(into.0).await?);
        for (clue, expected) in [(&source, from.1), (&target, into.1)] {
            if clue.version != expected {
                return Err(StoreError::Conflict { code: clue.code.clone(), expected, current: clue.version });
            }
        }
        let (moved, _) = self.clue_details(source.id).await?;
        let merge = Action::Merge { into: target.code.clone() };
        let absorb = Action::Absorb { from: source.code.clone(), warnings: moved.clone() };
        let (source_next, target_next) = (source.apply(&merge, at)?, target.apply(&absorb, at)?);
        let mut tx = self.pool.begin().await?;
        step_in_tx(&mut tx, &source, &source_next, &merge, actor, note, at).await?;
        step_in_tx(&mut tx, &target, &target_next, &absorb, actor, note, at).await?;
        for warning in &moved {
            sqlx::query("INSERT INTO clue_warning (clue_id, warning_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(target.id)
                .bind(warning)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(target_next)
    }

    async fn create_report(&self, r: &NewReport, audit: &NewAudit) -> Result<ReportRecord> {
        let mut tx = self.pool.begin().await?;
        let id: i64 = sqlx::query(
            "INSERT INTO report (receipt, secret_hash, about_kind, about, content, identity, status, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, 'received', $7, $7) RETURNING id",
        )
        .bind(&r.receipt)
        .bind(&r.secret_hash)
        .bind(&r.about_kind)
        .bind(&r.about)
        .bind(&r.content)
        .bind(&r.identity)
        .bind(&r.at)
        .fetch_one(&mut *tx)
        .await?
        .try_get(0)?;
        append_audit(&mut tx, audit).await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{REPORT_COLUMNS} WHERE r.id = $1")))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let record = report_from_row(&row)?;
        tx.commit().await?;
        Ok(record)
    }

    async fn report(&self, id: i64) -> Result<Option<ReportRecord>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{REPORT_COLUMNS} WHERE r.id = $1")))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(report_from_row).transpose()
    }

    async fn report_by_receipt(&self, receipt: &str) -> Result<Option<ReportRecord>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{REPORT_COLUMNS} WHERE r.receipt = $1")))
            .bind(receipt)
            .fetch_optional(&self.pool)
            .await?;
        row.as_ref().map(report_from_row).transpose()
    }

    async fn reports(&self) -> Result<Vec<ReportRecord>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{REPORT_COLUMNS} ORDER BY r.id DESC")))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(report_from_row).collect()
    }

    async fn answer_report(
        &self,
        id: i64,
        reply: &str,
        close: bool,
        actor: &crate::Actor,
        at: &str,
    ) -> Result<ReportRecord> {
        let mut tx = self.pool.begin().await?;
        let updated = sqlx::query(
            "UPDATE report SET reply = $1, status = CASE WHEN $2 THEN 'closed' ELSE status END, updated_at = $3
             WHERE id = $4 AND status <> 'closed'",
        )
        .bind(reply)
        .bind(close)
        .bind(at)
        .bind(id)
        .execute(&mut *tx)
        .await?;
        if updated.rows_affected() != 1 {
            return Err(StoreError::NoSuchReport(id));
        }
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{REPORT_COLUMNS} WHERE r.id = $1")))
            .bind(id)
            .fetch_one(&mut *tx)
            .await?;
        let record = report_from_row(&row)?;
        let detail = serde_json::json!({ "reply": reply, "close": close }).to_string();
        append_audit(&mut tx, &audit_of(actor, at, "report.answer", format!("report:{}", record.receipt), detail))
            .await?;
        tx.commit().await?;
        Ok(record)
    }

    async fn record_entity_decision(
        &self,
        a: &str,
        b: &str,
        decision: &str,
        note: &str,
        replaces: Option<i64>,
        audit: &NewAudit,
    ) -> Result<EntityDecision> {
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        let mut tx = self.pool.begin().await?;
        // The audit append comes first: it takes the trail's head lock, so two
        // reviewers deciding the same pair at once are serialized.
        append_audit(&mut tx, audit).await?;
        let current = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{DECISION_COLUMNS} WHERE a = $1 AND b = $2 ORDER BY id DESC LIMIT 1"
        )))
        .bind(a)
        .bind(b)
        .fetch_optional(&mut *tx)
        .await?;
        if let Some(row) = current {
            let current = decision_from_row(&row)?;
            if replaces != Some(current.id) {
                return Err(StoreError::Decided { current: current.decision, by: current.decided_by });
            }
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO entity_decision (a, b, decision, note, decided_by, decided_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(a)
        .bind(b)
        .bind(decision)
        .bind(note)
        .bind(&audit.actor)
        .bind(&audit.at)
        .fetch_one(&mut *tx)
        .await?;
        tx.commit().await?;
        Ok(EntityDecision {
            id,
            a: a.to_owned(),
            b: b.to_owned(),
            decision: decision.to_owned(),
            note: note.to_owned(),
            decided_by: audit.actor.clone(),
            decided_at: audit.at.clone(),
        })
    }

    async fn entity_decisions(&self) -> Result<Vec<EntityDecision>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{DECISION_COLUMNS} d WHERE id = (SELECT MAX(id) FROM entity_decision e WHERE e.a = d.a AND e.b = d.b) ORDER BY a, b"
        )))
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(decision_from_row).collect()
    }

    async fn entity_decision_history(&self, a: &str, b: &str) -> Result<Vec<EntityDecision>> {
        let (a, b) = if a <= b { (a, b) } else { (b, a) };
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!("{DECISION_COLUMNS} WHERE a = $1 AND b = $2 ORDER BY id")))
            .bind(a)
            .bind(b)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(decision_from_row).collect()
    }

    async fn save_inspection_result(&self, r: &NewInspectionResult, audit: &NewAudit) -> Result<InspectionResult> {
        let mut tx = self.pool.begin().await?;
        let existing = sqlx::query("SELECT published_at FROM inspection_result WHERE plan_commitment = $1 AND target = $2")
            .bind(&r.plan_commitment)
            .bind(&r.target)
            .fetch_optional(&mut *tx)
            .await?;
        if let Some(row) = existing {
            if row.try_get::<Option<String>, _>(0)?.is_some() {
                return Err(StoreError::Published { target: r.target.clone() });
            }
            sqlx::query(
                "UPDATE inspection_result SET checked_on = $1, outcome = $2, findings = $3, entered_by = $4, entered_at = $5
                 WHERE plan_commitment = $6 AND target = $7",
            )
            .bind(&r.checked_on)
            .bind(&r.outcome)
            .bind(&r.findings)
            .bind(&r.entered_by)
            .bind(&audit.at)
            .bind(&r.plan_commitment)
            .bind(&r.target)
            .execute(&mut *tx)
            .await?;
        } else {
            sqlx::query(
                "INSERT INTO inspection_result (plan_commitment, target, checked_on, outcome, findings, entered_by, entered_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(&r.plan_commitment)
            .bind(&r.target)
            .bind(&r.checked_on)
            .bind(&r.outcome)
            .bind(&r.findings)
            .bind(&r.entered_by)
            .bind(&audit.at)
            .execute(&mut *tx)
            .await?;
        }
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{INSPECTION_COLUMNS} WHERE plan_commitment = $1 AND target = $2"
        )))
        .bind(&r.plan_commitment)
        .bind(&r.target)
        .fetch_one(&mut *tx)
        .await?;
        let saved = inspection_from_row(&row)?;
        append_audit(&mut tx, audit).await?;
        tx.commit().await?;
        Ok(saved)
    }

    async fn inspection_results(&self, plan_commitment: Option<&str>) -> Result<Vec<InspectionResult>> {
        let rows = match plan_commitment {
            Some(c) => {
                sqlx::query(sqlx::AssertSqlSafe(format!("{INSPECTION_COLUMNS} WHERE plan_commitment = $1 ORDER BY target")))
                    .bind(c)
                    .fetch_all(&self.pool)
                    .await?
            }
            None => {
                sqlx::query(sqlx::AssertSqlSafe(format!("{INSPECTION_COLUMNS} ORDER BY plan_commitment, target")))
                    .fetch_all(&self.pool)
                    .await?
            }
        };
        rows.iter().map(inspection_from_row).collect()
    }

    async fn mark_inspection_published(&self, id: i64, ledger_index: u64, at: &str) -> Result<()> {
        sqlx::query("UPDATE inspection_result SET published_at = $1, ledger_index = $2 WHERE id = $3 AND published_at IS NULL")
            .bind(at)
            .bind(db_int(ledger_index))
            .bind(id)
            .execute(&self.pool)
            .await?;
        Ok(())
    }

    async fn ledger_entries_of_kind(&self, kind: &str) -> Result<Vec<(u64, LedgerEntry)>> {
        let rows = sqlx::query("SELECT idx, kind, record, salt, leaf_hash, created_at FROM ledger_entry WHERE kind = $1 ORDER BY idx")
            .bind(kind)
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(ledger_from_row).collect()
    }

    async fn ledger_entries(&self, start: u64, end: u64) -> Result<Vec<(u64, LedgerEntry)>> {
        let rows = sqlx::query("SELECT idx, kind, record, salt, leaf_hash, created_at FROM ledger_entry WHERE idx >= $1 AND idx < $2 ORDER BY idx")
            .bind(db_int(start))
            .bind(db_int(end))
            .fetch_all(&self.pool)
            .await?;
        rows.iter().map(ledger_from_row).collect()
    }

    async fn ledger_checkpoints(&self) -> Result<Vec<(u64, String)>> {
        let rows = sqlx::query("SELECT size, note FROM ledger_checkpoint ORDER BY size").fetch_all(&self.pool).await?;
        rows.iter().map(|r| Ok((r.try_get::<i64, _>("size")?.max(0) as u64, r.try_get("note")?))).collect()
    }

    async fn audit_append(&self, e: &NewAudit) -> Result<AuditEntry> {
        let mut tx = self.pool.begin().await?;
        let entry = append_audit(&mut tx, e).await?;
        tx.commit().await?;
        Ok(entry)
    }

    async fn audit_entries(&self, after: i64, limit: u64) -> Result<Vec<AuditEntry>> {
        let rows = sqlx::query(
            "SELECT seq, at, actor, role, address, action, object, detail, prev_hash, hash FROM audit
             WHERE seq > $1 ORDER BY seq LIMIT $2",
        )
        .bind(after)
        .bind(limit.min(i64::MAX as u64) as i64)
        .fetch_all(&self.pool)
        .await?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    seq: r.try_get("seq")?,
                    entry: NewAudit {
                        at: r.try_get("at")?,
                        actor: r.try_get("actor")?,
                        role: r.try_get("role")?,
                        address: r.try_get("address")?,
                        action: r.try_get("action")?,
                        object: r.try_get("object")?,
                        detail: r.try_get("detail")?,
                    },
                    prev_hash: r.try_get("prev_hash")?,
                    hash: r.try_get("hash")?,
                })
            })
            .collect()
    }

    async fn audit_head(&self) -> Result<(i64, String)> {
        let row = sqlx::query("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&self.pool).await?;
        Ok((row.try_get(0)?, row.try_get(1)?))
    }
}


/// Appends to the audit trail inside `tx`. In a transaction of its own the head row's
/// update is the first statement and takes the write lock, so two appends cannot link to
/// the same entry; inside a write's transaction it comes after the write, which holds it.
async fn append_audit(tx: &mut sqlx::Transaction<'_, Db>, e: &NewAudit) -> Result<AuditEntry> {
    let head = sqlx::query("UPDATE audit_head SET seq = seq + 1 WHERE id = 1 RETURNING seq, hash")
        .fetch_one(&mut **tx)
        .await?;
    let (seq, prev): (i64, String) = (head.try_get(0)?, head.try_get(1)?);
    let hash = crate::audit::chain_hash(&prev, seq, e);
    sqlx::query(
        "INSERT INTO audit (seq, at, actor, role, address, action, object, detail, prev_hash, hash)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(seq)
    .bind(&e.at)
    .bind(&e.actor)
    .bind(&e.role)
    .bind(&e.address)
    .bind(&e.action)
    .bind(&e.object)
    .bind(&e.detail)
    .bind(&prev)
    .bind(&hash)
    .execute(&mut **tx)
    .await?;
    sqlx::query("UPDATE audit_head SET hash = $1 WHERE id = 1").bind(&hash).execute(&mut **tx).await?;
    Ok(AuditEntry { seq, entry: e.clone(), prev_hash: prev, hash })
}

fn audit_of(actor: &crate::Actor, at: &str, action: &str, object: String, detail: String) -> NewAudit {
    NewAudit {
        at: at.to_owned(),
        actor: actor.name.clone(),
        role: actor.role.clone(),
        address: actor.address.clone(),
        action: action.to_owned(),
        object,
        detail,
    }
}

#[allow(clippy::too_many_arguments)]
/// Makes a clue inside `tx` (its warnings must exist).
async fn create_clue_in_tx(tx: &mut sqlx::Transaction<'_, Db>, clue: &NewClue) -> Result<ClueRecord> {
        for w in &clue.warnings {
            let found = sqlx::query("SELECT 1 FROM warning WHERE id = $1").bind(w).fetch_optional(&mut **tx).await?;
            if found.is_none() {
                return Err(StoreError::NoSuchWarning(w.clone()));
            }
        }
        let id: i64 = sqlx::query(
            "INSERT INTO clue (title, status, version, created_at, created_by, updated_at)
             VALUES ($1, 'registered', 1, $2, $3, $2) RETURNING id",
        )
        .bind(&clue.title)
        .bind(&clue.at)
        .bind(&clue.by.name)
        .fetch_one(&mut **tx)
        .await?
        .try_get(0)?;
        if let Some(report) = clue.report {
            let linked = sqlx::query(
                "UPDATE report SET clue_id = $1, status = 'accepted', updated_at = $2 WHERE id = $3 AND clue_id IS NULL",
            )
            .bind(id)
            .bind(&clue.at)
            .bind(report)
            .execute(&mut **tx)
            .await?;
            if linked.rows_affected() != 1 {
                return Err(StoreError::NoSuchReport(report));
            }
        }
        for w in &clue.warnings {
            sqlx::query("INSERT INTO clue_warning (clue_id, warning_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(id)
                .bind(w)
                .execute(&mut **tx)
                .await?;
        }
        let detail = serde_json::json!({ "action": "create", "warnings": clue.warnings }).to_string();
        insert_clue_event(
            tx,
            id,
            &clue.at,
            &clue.by.name,
            "create",
            None,
            ClueStatus::Registered,
            &clue.note,
            &detail,
        )
        .await?;
        let detail = serde_json::json!({ "warnings": clue.warnings, "report": clue.report, "title": clue.title }).to_string();
        let code = crate::clues::clue_code(id);
        append_audit(tx, &audit_of(&clue.by, &clue.at, "clue.create", format!("clue:{code}"), detail)).await?;
        let row = sqlx::query(sqlx::AssertSqlSafe(format!("{CLUE_COLUMNS} WHERE id = $1")))
            .bind(id)
            .fetch_one(&mut **tx)
            .await?;
        clue_from_row(&row)
}

/// Writes one step of a clue — its new state on the version it was decided on, its
/// event, its audit entry — inside `tx`; `Conflict` when the clue has moved on.
async fn step_in_tx(
    tx: &mut sqlx::Transaction<'_, Db>,
    current: &ClueRecord,
    next: &ClueRecord,
    action: &Action,
    actor: &crate::Actor,
    note: &str,
    at: &str,
) -> Result<()> {
    let updated = sqlx::query(
        "UPDATE clue SET status = $1, handler = $2, deadline = $3, verdict = $4, form = $5, accountable = $6,
            recovered_fen = $7, rectify_unit = $8, rectify_deadline = $9, rectified_at = $10, version = $11,
            updated_at = $12
         WHERE id = $13 AND version = $14",
    )
    .bind(next.status.as_str())
    .bind(&next.handler)
    .bind(&next.deadline)
    .bind(next.verdict.map(|v| v.as_str()))
    .bind(next.form.map(|f| f.as_str()))
    .bind(&next.accountable)
    .bind(next.recovered_fen)
    .bind(&next.rectify_unit)
    .bind(&next.rectify_deadline)
    .bind(&next.rectified_at)
    .bind(next.version)
    .bind(at)
    .bind(current.id)
    .bind(current.version)
    .execute(&mut **tx)
    .await?;
    if updated.rows_affected() != 1 {
        return Err(StoreError::Conflict { code: current.code.clone(), expected: current.version, current: current.version + 1 });
    }
    let detail = serde_json::to_string(action).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    insert_clue_event(tx, current.id, at, &actor.name, action.name(), Some(current.status), next.status, note, &detail).await?;
    let detail = serde_json::json!({ "step": action, "version": next.version, "note": note }).to_string();
    append_audit(tx, &audit_of(actor, at, "clue.act", format!("clue:{}", current.code), detail)).await?;
    Ok(())
}

async fn insert_clue_event(
    tx: &mut sqlx::Transaction<'_, Db>,
    clue_id: i64,
    at: &str,
    actor: &str,
    action: &str,
    from: Option<ClueStatus>,
    to: ClueStatus,
    note: &str,
    detail: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO clue_event (clue_id, at, actor, action, from_status, to_status, note, detail_json)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(clue_id)
    .bind(at)
    .bind(actor)
    .bind(action)
    .bind(from.map(|s| s.as_str()))
    .bind(to.as_str())
    .bind(note)
    .bind(detail)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

const CLUE_COLUMNS: &str = "SELECT id, title, status, handler, deadline, verdict, form, accountable, recovered_fen, rectify_unit, rectify_deadline, rectified_at, version, created_at, created_by, updated_at FROM clue";

fn clue_from_row(row: &DbRow) -> Result<ClueRecord> {
    let corrupt = |what: &str, v: &str| StoreError::Corrupt(format!("clue {what} {v}"));
    let status: String = row.try_get("status")?;
    let verdict: Option<String> = row.try_get("verdict")?;
    let form: Option<String> = row.try_get("form")?;
    let id: i64 = row.try_get("id")?;
    Ok(ClueRecord {
        id,
        code: crate::clues::clue_code(id),
        title: row.try_get("title")?,
        status: ClueStatus::parse(&status).ok_or_else(|| corrupt("status", &status))?,
        handler: row.try_get("handler")?,
        deadline: row.try_get("deadline")?,
        verdict: verdict.map(|v| crate::Verdict::parse(&v).ok_or_else(|| corrupt("verdict", &v))).transpose()?,
        form: form.map(|f| crate::Form::parse(&f).ok_or_else(|| corrupt("form", &f))).transpose()?,
        accountable: row.try_get("accountable")?,
        recovered_fen: row.try_get("recovered_fen")?,
        rectify_unit: row.try_get("rectify_unit")?,
        rectify_deadline: row.try_get("rectify_deadline")?,
        rectified_at: row.try_get("rectified_at")?,
        version: row.try_get("version")?,
        created_at: row.try_get("created_at")?,
        created_by: row.try_get("created_by")?,
        updated_at: row.try_get("updated_at")?,
    })
}

const WARNING_COLUMNS: &str = "SELECT id, model, domain, severity, severity_rank, subject_kind, subject_id, subject_name, org_code, region_code, amount_fen, reason_zh, reason_en, evidence_json, digest, status, first_scan, last_scan, resolved_scan FROM warning";

fn warning_from_row(row: &DbRow) -> Result<WarningRecord> {
    let status: String = row.try_get("status")?;
    Ok(WarningRecord {
        id: row.try_get("id")?,
        model: row.try_get("model")?,
        domain: row.try_get("domain")?,
        severity: row.try_get("severity")?,
        severity_rank: row.try_get("severity_rank")?,
        subject_kind: row.try_get("subject_kind")?,
        subject_id: row.try_get("subject_id")?,
        subject_name: row.try_get("subject_name")?,
        org_code: row.try_get("org_code")?,
        region_code: row.try_get("region_code")?,
        amount_fen: row.try_get("amount_fen")?,
        reason_zh: row.try_get("reason_zh")?,
        reason_en: row.try_get("reason_en")?,
        evidence_json: row.try_get("evidence_json")?,
        digest: row.try_get("digest")?,
        status: WarningStatus::parse(&status).ok_or_else(|| StoreError::Corrupt(format!("warning status {status:?}")))?,
        first_scan: row.try_get("first_scan")?,
        last_scan: row.try_get("last_scan")?,
        resolved_scan: row.try_get("resolved_scan")?,
    })
}

enum Arg {
    Text(String),
    Int(i64),
}

/// ` WHERE …` with `$1…` parameters, and their values.
fn warning_filter_sql(f: &WarningFilter) -> (String, Vec<Arg>) {
    let mut conditions = Vec::new();
    let mut args = Vec::new();
    let mut push = |condition: &str, arg: Arg| {
        args.push(arg);
        conditions.push(condition.replace('?', &format!("${}", args.len())));
    };
    for (column, value) in [
        ("domain", &f.domain),
        ("model", &f.model),
        ("severity", &f.severity),
        ("org_code", &f.org_code),
        ("subject_id", &f.subject_id),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            push(&format!("{column} = ?"), Arg::Text(v.to_owned()));
        }
    }
    if let Some(r) = f.region.as_deref().filter(|r| !r.is_empty()) {
        if r.bytes().all(|b| b.is_ascii_digit()) {
            push("region_code LIKE ?", Arg::Text(format!("{r}%")));
        } else {
            push("region_code = ?", Arg::Text(r.to_owned()));
        }
    }
    if let Some(n) = f.min_amount_fen {
        push("amount_fen >= ?", Arg::Int(n));
    }
    if !f.all_statuses {
        push("status = ?", Arg::Text(f.status.unwrap_or(WarningStatus::Open).as_str().to_owned()));
    }
    if conditions.is_empty() { (String::new(), args) } else { (format!(" WHERE {}", conditions.join(" AND ")), args) }
}


const REPORT_COLUMNS: &str = "SELECT r.id, r.receipt, r.secret_hash, r.about_kind, r.about, r.content, r.identity, r.status, r.reply, r.clue_id, r.created_at, r.updated_at FROM report r";

fn report_from_row(row: &DbRow) -> Result<ReportRecord> {
    let clue: Option<i64> = row.try_get("clue_id")?;
    Ok(ReportRecord {
        id: row.try_get("id")?,
        receipt: row.try_get("receipt")?,
        secret_hash: row.try_get("secret_hash")?,
        about_kind: row.try_get("about_kind")?,
        about: row.try_get("about")?,
        content: row.try_get("content")?,
        identity: row.try_get("identity")?,
        status: row.try_get("status")?,
        reply: row.try_get("reply")?,
        clue: clue.map(crate::clues::clue_code),
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
    })
}
