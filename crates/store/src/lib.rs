//! The state store: everything mutable about a deployment: the batch register,
//! users and sessions, the ledger, scans and warnings, clues; later the audit trail.
//!
//! Callers see one trait, [`StateStore`]; SQLite in the data directory is the
//! embedded default and PostgreSQL the server database; both implement the
//! trait with one body of SQL (`backend.rs`).
//! Imported data itself is not here: it is immutable Parquet (see `warehouse`).

pub mod audit;
pub mod clues;
mod migrations;
mod postgres;
mod sqlite;
mod warnings;

pub use audit::{AuditEntry, Broken, NewAudit};
pub use clues::{
    Action, ClueEvent, ClueFilter, ClueRecord, ClueStatus, Form, NewClue, NewReport, ReportRecord, TransitionError,
    Verdict,
};
pub use postgres::PgStore;
pub use sqlite::SqliteStore;
pub use warnings::{
    NewScan, ScanCounts, ScanRecord, WarningCount, WarningDigest, WarningFilter, WarningRecord, WarningSort,
    WarningStatus,
};

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
    #[error("用户{0}已存在 / user {0} exists already")]
    UserExists(String),
    #[error("线索{0}不存在 / no clue {0}")]
    NoSuchClue(String),
    #[error("预警{0}不存在 / no warning {0}")]
    NoSuchWarning(String),
    #[error("举报{0}不存在或已立为线索 / report {0} does not exist or is a clue already")]
    NoSuchReport(i64),
    #[error(transparent)]
    Transition(#[from] TransitionError),
    #[error(
        "线索{code}已被他人更新（现为第{current}版，您依据的是第{expected}版），请刷新后再办 / clue {code} was changed by someone else (it is at version {current}, you acted on version {expected}): reload it and act again"
    )]
    Conflict { code: String, expected: i64, current: i64 },
    #[error("对象{target}的检查结果已公示，不能修改 / the result for {target} is published and cannot be changed")]
    Published { target: String },
    #[error(
        "这对记录已由{by}判定为“{current}”，改判须明确针对该判定 / {by} decided this pair already ({current}): a new decision must say it replaces that one"
    )]
    Decided { current: String, by: String },
}

/// A reviewer's decision on whether two person mentions are the same person.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct EntityDecision {
    pub id: i64,
    /// Mention references (`table/batch/row/role`) or valid ID numbers, `a < b`.
    pub a: String,
    pub b: String,
    /// `same`, `different` or `unsure`.
    pub decision: String,
    pub note: String,
    pub decided_by: String,
    pub decided_at: String,
}

/// The decisions a reviewer may take.
pub const ENTITY_DECISIONS: [&str; 3] = ["same", "different", "unsure"];

/// A random inspection's result for one drawn target, entered by staff and
/// published (into the ledger) within 20 working days of the check.
#[derive(Clone, Debug, serde::Serialize)]
pub struct InspectionResult {
    pub id: i64,
    pub plan_commitment: String,
    pub target: String,
    /// `YYYY-MM-DD`
    pub checked_on: String,
    pub outcome: String,
    pub findings: String,
    pub entered_by: String,
    pub entered_at: String,
    pub published_at: Option<String>,
    pub ledger_index: Option<u64>,
}

#[derive(Clone, Debug)]
pub struct NewInspectionResult {
    pub plan_commitment: String,
    pub target: String,
    pub checked_on: String,
    pub outcome: String,
    pub findings: String,
    pub entered_by: String,
}

/// A staff member's role. The full authorization model comes with the clue
/// workflow; these roles exist from the start.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// System administrator (系统管理员).
    Admin,
    /// Discipline-inspection and supervision staff (纪检监察).
    Supervisor,
    /// Handles the clues assigned to them (承办人).
    Handler,
    /// A department clerk who uploads data (数据报送员).
    Clerk,
    /// Security administrator (安全管理员): kept apart from the system administrator
    /// and the auditor (三员分立, GB/T 22239).
    SecurityAdmin,
    /// Security auditor (安全审计员): the only role that reads the audit trail.
    Auditor,
}

impl Role {
    pub const ALL: [Role; 6] =
        [Role::Admin, Role::Supervisor, Role::Handler, Role::Clerk, Role::SecurityAdmin, Role::Auditor];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Supervisor => "supervisor",
            Role::Handler => "handler",
            Role::Clerk => "clerk",
            Role::SecurityAdmin => "security_admin",
            Role::Auditor => "auditor",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }
}

#[derive(Clone, Debug)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    pub role: Role,
    /// A PHC string (argon2id); never the password.
    pub password_hash: String,
    /// The unit a clerk reports for (its credit code).
    pub unit_code: Option<String>,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct User {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    #[serde(skip)]
    pub password_hash: String,
    pub unit_code: Option<String>,
    /// The region (code or its prefix) whose data the user sees; `None`: all.
    pub region_code: Option<String>,
    pub disabled: bool,
}

impl User {
    /// Whether data of `region` is within the user's scope (a record without a
    /// region is within only an unscoped user's).
    pub fn sees_region(&self, region: Option<&str>) -> bool {
        match (&self.region_code, region) {
            (None, _) => true,
            (Some(scope), Some(r)) => r.starts_with(scope.as_str()),
            (Some(_), None) => false,
        }
    }
}

/// A signed-in browser. Only the SHA-256 of the cookie's token is stored, so a
/// copy of the database does not let anyone sign in.
#[derive(Clone, Debug)]
pub struct Session {
    pub token_hash: String,
    pub user_id: i64,
    pub csrf_token: String,
    /// Unix seconds.
    pub created_at: i64,
    pub expires_at: i64,
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

    async fn create_user(&self, user: &NewUser, now: i64) -> Result<i64>;
    async fn user_by_name(&self, username: &str) -> Result<Option<User>>;
    async fn users(&self) -> Result<Vec<User>>;
    /// Disables (ending its sessions) or enables an account, audited in the same transaction.
    async fn set_user_disabled(&self, user_id: i64, disabled: bool, audit: &NewAudit) -> Result<()>;
    /// Scopes an account to a region (code or prefix; `None`: all), audited in the same transaction.
    async fn set_user_region(&self, user_id: i64, region: Option<&str>, audit: &NewAudit) -> Result<()>;
    /// Sets a new password hash (ending the account's sessions), audited in the same transaction.
    async fn set_password(&self, user_id: i64, password_hash: &str, audit: &NewAudit) -> Result<()>;
    async fn create_session(&self, session: &Session) -> Result<()>;
    /// The unexpired session with this token hash, and its (enabled) user.
    async fn session(&self, token_hash: &str, now: i64) -> Result<Option<(Session, User)>>;
    async fn delete_session(&self, token_hash: &str) -> Result<()>;
    /// Failed sign-ins, keyed by user name or source address, for throttling.
    async fn record_login_failure(&self, key: &str, now: i64) -> Result<()>;
    async fn login_failures_since(&self, key: &str, since: i64) -> Result<u64>;
    async fn clear_login_failures(&self, key: &str) -> Result<()>;

    /// Appends entries to the disclosure ledger; returns the index of the first.
    async fn ledger_append(&self, entries: &[LedgerEntry]) -> Result<u64>;
    async fn ledger_size(&self) -> Result<u64>;
    /// The leaf hashes of entries `start..end`, in order.
    async fn ledger_leaf_hashes(&self, start: u64, end: u64) -> Result<Vec<Vec<u8>>>;
    async fn ledger_entry(&self, index: u64) -> Result<Option<LedgerEntry>>;
    /// The records of every entry of one kind, in log order.
    async fn ledger_records(&self, kind: &str) -> Result<Vec<String>>;
    async fn ledger_add_checkpoint(&self, size: u64, note: &str, created_at: &str) -> Result<()>;
    /// The signed checkpoint of this size, or the latest.
    async fn ledger_checkpoint(&self, size: Option<u64>) -> Result<Option<(u64, String)>>;

    /// Records a scan that is starting; returns its number.
    async fn begin_scan(&self, scan: &NewScan) -> Result<i64>;
    /// Records how a scan ended: `error` is `None` for a scan that finished.
    async fn end_scan(&self, id: i64, finished_at: &str, counts: &ScanCounts, error: Option<&str>) -> Result<()>;
    /// The latest scans, newest first.
    async fn scans(&self, limit: u64) -> Result<Vec<ScanRecord>>;
    /// Identity, digest and status of every stored warning of `model`.
    async fn warning_digests(&self, model: &str) -> Result<Vec<WarningDigest>>;
    /// In one transaction: inserts or replaces `upserts` (their `last_scan` is
    /// the scan), marks `resolved` as resolved by data in `scan`, and stamps
    /// `unchanged` with the scan.
    async fn save_warnings(
        &self,
        scan: i64,
        upserts: &[WarningRecord],
        unchanged: &[String],
        resolved: &[String],
    ) -> Result<()>;
    /// One page of warnings and how many match in all.
    async fn warnings(&self, filter: &WarningFilter) -> Result<(Vec<WarningRecord>, u64)>;
    async fn warning(&self, id: &str) -> Result<Option<WarningRecord>>;
    /// Warnings counted by domain, model and status, with their amounts.
    async fn warning_counts(&self) -> Result<Vec<WarningCount>>;

    /// Makes a clue of `clue.warnings` (each must exist), with its first event and its
    /// audit entry, in one transaction.
    async fn create_clue(&self, clue: &NewClue) -> Result<ClueRecord>;
    async fn clue(&self, code: &str) -> Result<Option<ClueRecord>>;
    /// The warnings a clue was made from, and its history, oldest first.
    async fn clue_details(&self, id: i64) -> Result<(Vec<String>, Vec<ClueEvent>)>;
    /// Clues, newest first.
    async fn clues(&self, filter: &ClueFilter) -> Result<Vec<ClueRecord>>;
    /// The clues made from a warning.
    async fn clues_of_warning(&self, warning_id: &str) -> Result<Vec<ClueRecord>>;
    /// Applies `action`, decided on version `expected` of the clue, and records it in the
    /// clue's history and the audit trail: one transaction, committed whole or not at all. `Conflict` when the clue has
    /// moved on since; `Transition` when its state does not allow the action.
    async fn act_on_clue(
        &self,
        code: &str,
        expected: i64,
        action: &Action,
        actor: &Actor,
        note: &str,
        at: &str,
    ) -> Result<ClueRecord>;

    /// Stores a citizen's report, with its audit entry, in one transaction.
    /// Splits some of a clue's warnings (at its version) off into a new clue made as
    /// `split` says: the new clue, the step on the old one, the moved links and the
    /// audit in one transaction. The old links stay, marked as moved.
    async fn split_clue(&self, code: &str, expected: i64, split: &NewClue) -> Result<ClueRecord>;
    /// Merges clue `from` (at its version) into `into` (at its): `from` is closed as merged,
    /// its warnings join `into`; both steps, the links and the audit in one transaction.
    async fn merge_clues(
        &self,
        from: (&str, i64),
        into: (&str, i64),
        actor: &Actor,
        note: &str,
        at: &str,
    ) -> Result<ClueRecord>;

    async fn create_report(&self, report: &NewReport, audit: &NewAudit) -> Result<ReportRecord>;
    async fn report(&self, id: i64) -> Result<Option<ReportRecord>>;
    async fn report_by_receipt(&self, receipt: &str) -> Result<Option<ReportRecord>>;
    /// Every report, newest first.
    async fn reports(&self) -> Result<Vec<ReportRecord>>;
    /// Answers a report (the reporter reads the reply with their receipt) and, when
    /// `close`, closes it; with its audit entry, in one transaction.
    async fn answer_report(&self, id: i64, reply: &str, close: bool, actor: &Actor, at: &str) -> Result<ReportRecord>;

    /// Appends to the audit trail, chained to the entry before; appends are serialized.
    async fn audit_append(&self, entry: &NewAudit) -> Result<AuditEntry>;

    /// Stores an API token (its SHA-256) acting as `user_id`, named `label`.
    async fn create_api_token(&self, user_id: i64, label: &str, token_hash: &str, now: i64) -> Result<()>;
    /// The user a live (unrevoked) token acts as, with the token's label; none for a disabled user.
    async fn api_token_user(&self, token_hash: &str) -> Result<Option<(User, String)>>;
    /// `(username, label, created_at, revoked_at)` of every token.
    async fn api_tokens(&self) -> Result<Vec<(String, String, i64, Option<i64>)>>;
    /// Revokes `user`'s token `label`; false if there is none live.
    async fn revoke_api_token(&self, user_id: i64, label: &str, now: i64) -> Result<bool>;

    /// Records a reviewer's decision on a pair (order does not matter), audited in
    /// the same transaction. If the pair has a decision already, `replaces` must
    /// name its id — nobody's decision is overridden without seeing it.
    async fn record_entity_decision(
        &self,
        a: &str,
        b: &str,
        decision: &str,
        note: &str,
        replaces: Option<i64>,
        audit: &NewAudit,
    ) -> Result<EntityDecision>;
    /// The current decision of every decided pair (the latest of each).
    async fn entity_decisions(&self) -> Result<Vec<EntityDecision>>;
    /// Every decision ever taken on a pair, oldest first.
    async fn entity_decision_history(&self, a: &str, b: &str) -> Result<Vec<EntityDecision>>;

    /// Enters (or corrects, while unpublished) a target's inspection result, audited in the same transaction.
    async fn save_inspection_result(&self, result: &NewInspectionResult, audit: &NewAudit) -> Result<InspectionResult>;
    /// Results of one draw (or every draw), by target.
    async fn inspection_results(&self, plan_commitment: Option<&str>) -> Result<Vec<InspectionResult>>;
    /// Marks a result published as ledger entry `ledger_index`.
    async fn mark_inspection_published(&self, id: i64, ledger_index: u64, at: &str) -> Result<()>;
    /// Every ledger entry of a kind with its index, oldest first.
    async fn ledger_entries_of_kind(&self, kind: &str) -> Result<Vec<(u64, LedgerEntry)>>;
    /// Ledger entries `start..end`, by index.
    async fn ledger_entries(&self, start: u64, end: u64) -> Result<Vec<(u64, LedgerEntry)>>;
    /// Every stored checkpoint `(size, signed note)`, smallest first.
    async fn ledger_checkpoints(&self) -> Result<Vec<(u64, String)>>;
    /// Entries after `after` (a sequence number), oldest first, at most `limit`.
    async fn audit_entries(&self, after: i64, limit: u64) -> Result<Vec<AuditEntry>>;
    /// The last sequence number and hash, recorded apart from the entries.
    async fn audit_head(&self) -> Result<(i64, String)>;
}

/// Who does something, as the audit trail records them.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Actor {
    pub name: String,
    pub role: String,
    pub address: Option<String>,
}

impl Actor {
    pub fn new(name: &str, role: &str) -> Actor {
        Actor { name: name.to_owned(), role: role.to_owned(), address: None }
    }
}

/// One leaf of the disclosure ledger: a published record, the salt of its
/// commitment, and the leaf hash. The leaf hash never changes; a lawful
/// take-down removes the record from publication with a new entry, not a rewrite.
#[derive(Clone, Debug)]
pub struct LedgerEntry {
    pub kind: String,
    /// JSON.
    pub record: String,
    /// Hex.
    pub salt: String,
    pub leaf_hash: Vec<u8>,
    pub created_at: String,
}

/// The whole audit trail, oldest first, and whether its hash chain holds.
pub async fn audit_trail(store: &dyn StateStore) -> Result<(Vec<AuditEntry>, std::result::Result<(), Broken>)> {
    let (seq, hash) = store.audit_head().await?;
    let mut entries: Vec<AuditEntry> = Vec::new();
    loop {
        let after = entries.last().map(|e| e.seq).unwrap_or(0);
        let page = store.audit_entries(after, 10_000).await?;
        if page.is_empty() {
            break;
        }
        entries.extend(page);
    }
    let check = audit::verify(&entries, seq, &hash);
    Ok((entries, check))
}
