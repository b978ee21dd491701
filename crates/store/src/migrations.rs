//! The schema, once for every backend.

/// How a backend spells the types the migrations use.
pub(crate) struct Dialect {
    /// `sqlite` or `postgres`: a migration's `{sqlite}…{/sqlite}` and
    /// `{postgres}…{/postgres}` sections are kept for that backend only.
    pub name: &'static str,
    pub id: &'static str,
    pub int: &'static str,
    pub bytes: &'static str,
}

impl Dialect {
    /// The `n`th parameter (from 1) of a statement that uses each parameter once,
    /// in order: `?` in SQLite, which looks a numbered parameter up by a search
    /// through all of the statement's (`sqlite3_bind_parameter_name`, quadratic in
    /// a multi-row insert); `$n` in PostgreSQL.
    pub(crate) fn parameter(&self, n: usize) -> String {
        if self.name == "sqlite" { "?".to_owned() } else { format!("${n}") }
    }

    pub(crate) fn sql(&self, template: &str) -> String {
        let mut text = template.to_owned();
        for name in ["sqlite", "postgres"] {
            let (open, close) = (format!("{{{name}}}"), format!("{{/{name}}}"));
            while let (Some(start), Some(end)) = (text.find(&open), text.find(&close)) {
                let inner = text[start + open.len()..end].to_owned();
                let keep = if name == self.name { inner } else { String::new() };
                text.replace_range(start..end + close.len(), &keep);
            }
        }
        text.replace("{id}", self.id).replace("{int}", self.int).replace("{bytes}", self.bytes)
    }
}

/// Schema migrations for every backend, applied in order, each once, each in its
/// own transaction. `{id}`, `{int}` and `{bytes}` stand for each backend's types
/// (see `Dialect`). Never edit a published migration: add a new one.
pub(crate) const MIGRATIONS: &[(i64, &str)] = &[
    (
        1,
        "CREATE TABLE batch (
        id {id},
        table_name TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('pending', 'accepted', 'rejected', 'aborted')),
        source_name TEXT NOT NULL,
        source_sha256 TEXT NOT NULL,
        source_bytes {int} NOT NULL,
        format TEXT NOT NULL,
        encoding TEXT,
        sheet TEXT,
        tolerance {int} NOT NULL,
        imported_at TEXT NOT NULL,
        imported_by TEXT NOT NULL,
        rows_read {int} NOT NULL DEFAULT 0,
        rows_stored {int} NOT NULL DEFAULT 0,
        error_count {int} NOT NULL DEFAULT 0,
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
        id {id},
        username TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'handler', 'clerk')),
        password_hash TEXT NOT NULL,
        unit_code TEXT,
        created_at {int} NOT NULL,
        disabled {int} NOT NULL DEFAULT 0
    );
    CREATE TABLE session (
        token_hash TEXT PRIMARY KEY,
        user_id {int} NOT NULL REFERENCES app_user (id),
        csrf_token TEXT NOT NULL,
        created_at {int} NOT NULL,
        expires_at {int} NOT NULL
    );
    CREATE INDEX session_by_user ON session (user_id);
    CREATE TABLE login_failure (
        key TEXT NOT NULL,
        at {int} NOT NULL
    );
    CREATE INDEX login_failure_key ON login_failure (key, at);",
    ),
    (
        3,
        "CREATE TABLE ledger_entry (
        idx {int} PRIMARY KEY,
        kind TEXT NOT NULL,
        record TEXT NOT NULL,
        salt TEXT NOT NULL,
        leaf_hash {bytes} NOT NULL,
        created_at TEXT NOT NULL
    );
    CREATE TABLE ledger_checkpoint (
        size {int} PRIMARY KEY,
        note TEXT NOT NULL,
        created_at TEXT NOT NULL
    );",
    ),
    (
        4,
        "CREATE TABLE scan (
        id {id},
        started_at TEXT NOT NULL,
        finished_at TEXT,
        trigger_kind TEXT NOT NULL,
        models_json TEXT NOT NULL,
        batches_json TEXT NOT NULL,
        config_json TEXT NOT NULL,
        config_sha256 TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'failed')),
        new_count {int} NOT NULL DEFAULT 0,
        unchanged_count {int} NOT NULL DEFAULT 0,
        changed_count {int} NOT NULL DEFAULT 0,
        resolved_count {int} NOT NULL DEFAULT 0,
        error TEXT
    );
    CREATE TABLE warning (
        id TEXT PRIMARY KEY,
        model TEXT NOT NULL,
        domain TEXT NOT NULL,
        severity TEXT NOT NULL,
        severity_rank {int} NOT NULL,
        subject_kind TEXT NOT NULL,
        subject_id TEXT NOT NULL,
        subject_name TEXT NOT NULL,
        org_code TEXT,
        region_code TEXT,
        amount_fen {int} NOT NULL,
        reason_zh TEXT NOT NULL,
        reason_en TEXT NOT NULL,
        evidence_json TEXT NOT NULL,
        digest TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('open', 'resolved_by_data')),
        first_scan {int} NOT NULL REFERENCES scan (id),
        last_scan {int} NOT NULL REFERENCES scan (id),
        resolved_scan {int} REFERENCES scan (id)
    );
    CREATE INDEX warning_queue ON warning (status, severity_rank, amount_fen);
    CREATE INDEX warning_model ON warning (model, status);
    CREATE INDEX warning_subject ON warning (subject_id);",
    ),
    (
        5,
        "CREATE TABLE clue (
        id {id},
        title TEXT NOT NULL,
        status TEXT NOT NULL CHECK (status IN ('registered', 'assigned', 'verifying', 'verified', 'disposed', 'rectifying', 'closed')),
        handler TEXT,
        deadline TEXT,
        verdict TEXT CHECK (verdict IN ('true', 'partly_true', 'untrue')),
        form TEXT CHECK (form IN ('first', 'second', 'third', 'fourth')),
        accountable TEXT,
        recovered_fen {int} NOT NULL DEFAULT 0,
        rectify_unit TEXT,
        rectify_deadline TEXT,
        rectified_at TEXT,
        version {int} NOT NULL,
        created_at TEXT NOT NULL,
        created_by TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );
    CREATE INDEX clue_by_handler ON clue (handler, status);
    CREATE TABLE clue_warning (
        clue_id {int} NOT NULL REFERENCES clue (id),
        warning_id TEXT NOT NULL REFERENCES warning (id),
        PRIMARY KEY (clue_id, warning_id)
    );
    CREATE INDEX clue_warning_by_warning ON clue_warning (warning_id);
    CREATE TABLE clue_event (
        id {id},
        clue_id {int} NOT NULL REFERENCES clue (id),
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        from_status TEXT,
        to_status TEXT NOT NULL,
        note TEXT NOT NULL,
        detail_json TEXT NOT NULL
    );
    CREATE INDEX clue_event_by_clue ON clue_event (clue_id, id);",
    ),
    (
        6,
        // The security administrator and auditor roles. SQLite cannot change a CHECK in
        // place: the user table is rebuilt (sessions end; people sign in again).
        "{sqlite}DELETE FROM session;
    CREATE TABLE app_user_new (
        id {id},
        username TEXT NOT NULL UNIQUE,
        display_name TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('admin', 'supervisor', 'handler', 'clerk', 'security_admin', 'auditor')),
        password_hash TEXT NOT NULL,
        unit_code TEXT,
        created_at {int} NOT NULL,
        disabled {int} NOT NULL DEFAULT 0
    );
    INSERT INTO app_user_new (id, username, display_name, role, password_hash, unit_code, created_at, disabled)
        SELECT id, username, display_name, role, password_hash, unit_code, created_at, disabled FROM app_user;
    DROP TABLE app_user;
    ALTER TABLE app_user_new RENAME TO app_user;{/sqlite}{postgres}ALTER TABLE app_user DROP CONSTRAINT app_user_role_check;
    ALTER TABLE app_user ADD CONSTRAINT app_user_role_check
        CHECK (role IN ('admin', 'supervisor', 'handler', 'clerk', 'security_admin', 'auditor'));{/postgres}
    CREATE TABLE audit (
        seq {int} PRIMARY KEY,
        at TEXT NOT NULL,
        actor TEXT NOT NULL,
        role TEXT NOT NULL,
        address TEXT,
        action TEXT NOT NULL,
        object TEXT NOT NULL,
        detail TEXT NOT NULL,
        prev_hash TEXT NOT NULL,
        hash TEXT NOT NULL
    );
    CREATE TABLE audit_head (
        id {int} PRIMARY KEY CHECK (id = 1),
        seq {int} NOT NULL,
        hash TEXT NOT NULL
    );
    INSERT INTO audit_head (id, seq, hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');",
    ),
    (
        7,
        "CREATE TABLE report (
        id {id},
        receipt TEXT NOT NULL UNIQUE,
        secret_hash TEXT NOT NULL,
        about_kind TEXT NOT NULL CHECK (about_kind IN ('person', 'unit', 'fund', 'other')),
        about TEXT NOT NULL,
        content TEXT NOT NULL,
        identity {bytes},
        status TEXT NOT NULL CHECK (status IN ('received', 'accepted', 'closed')),
        reply TEXT,
        clue_id {int} REFERENCES clue (id),
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
    );",
    ),
    (
        8,
        "CREATE TABLE inspection_result (
        id {id},
        plan_commitment TEXT NOT NULL,
        target TEXT NOT NULL,
        checked_on TEXT NOT NULL,
        outcome TEXT NOT NULL,
        findings TEXT NOT NULL,
        entered_by TEXT NOT NULL,
        entered_at TEXT NOT NULL,
        published_at TEXT,
        ledger_index {int},
        UNIQUE (plan_commitment, target)
    );",
    ),
    (
        9,
        "CREATE TABLE api_token (
        token_hash TEXT PRIMARY KEY,
        user_id {int} NOT NULL REFERENCES app_user (id),
        label TEXT NOT NULL,
        created_at {int} NOT NULL,
        revoked_at {int}
    );
    CREATE UNIQUE INDEX api_token_label ON api_token (user_id, label);",
    ),
    (10, "ALTER TABLE app_user ADD COLUMN region_code TEXT;"),
    // A warning split off to another clue keeps its row here, marked with that clue.
    (11, "ALTER TABLE clue_warning ADD COLUMN moved_to {int};"),
    // Reviewers' decisions on pairs of person mentions (entity resolution),
    // append-only: the latest per pair counts, the earlier stay as history.
    (
        12,
        "CREATE TABLE entity_decision (
        id {id},
        a TEXT NOT NULL,
        b TEXT NOT NULL,
        decision TEXT NOT NULL,
        note TEXT NOT NULL,
        decided_by TEXT NOT NULL,
        decided_at TEXT NOT NULL
    );
    CREATE INDEX entity_decision_pair ON entity_decision (a, b, id);",
    ),
];

#[cfg(test)]
mod tests {
    use super::Dialect;

    #[test]
    fn dialect_sections() {
        let d = Dialect { name: "sqlite", id: "ID", int: "INT", bytes: "B" };
        assert_eq!(d.sql("a {sqlite}s {int}{/sqlite}{postgres}p{/postgres} z"), "a s INT z");
        let p = Dialect { name: "postgres", ..d };
        assert_eq!(p.sql("a {sqlite}s{/sqlite}{postgres}p {id}{/postgres} z"), "a p ID z");
    }
}
