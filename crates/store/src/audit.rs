//! The audit trail (审计日志): every write and every sensitive read, append-only
//! and hash-chained. Each entry's hash covers the previous entry's hash and the
//! entry's own fields, so removing, reordering or altering an entry breaks the
//! chain at that point, which [`verify`] finds.

use serde::Serialize;
use sha2::{Digest, Sha256};

/// The hash before the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// What happened, by whom, from where, to what.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NewAudit {
    pub at: String,
    pub actor: String,
    pub role: String,
    pub address: Option<String>,
    /// `clue.act`, `warning.view`, `sign_in.failed`, …
    pub action: String,
    /// What it was done to: `clue:XS000001`, `warning:M01-…`, `batch:3`.
    pub object: String,
    /// JSON.
    pub detail: String,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AuditEntry {
    pub seq: i64,
    #[serde(flatten)]
    pub entry: NewAudit,
    pub prev_hash: String,
    pub hash: String,
}

/// SHA-256 over the previous hash and the entry's fields, as a JSON array, in hex.
pub fn chain_hash(prev_hash: &str, seq: i64, e: &NewAudit) -> String {
    let fields = serde_json::json!([seq, e.at, e.actor, e.role, e.address, e.action, e.object, e.detail]);
    let mut h = Sha256::new();
    h.update(prev_hash.as_bytes());
    h.update(b"\n");
    h.update(fields.to_string().as_bytes());
    hex::encode(h.finalize())
}

/// Where a chain breaks: the first entry whose sequence, link or hash is wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("审计日志在第{seq}条处断裂：{reason_zh} / the audit trail breaks at entry {seq}: {reason_en}")]
pub struct Broken {
    pub seq: i64,
    pub reason_zh: &'static str,
    pub reason_en: &'static str,
}

/// Checks a whole trail, oldest first, against its head (the last sequence and hash
/// recorded apart from the entries).
pub fn verify(entries: &[AuditEntry], head_seq: i64, head_hash: &str) -> Result<(), Broken> {
    let mut prev = GENESIS.to_owned();
    for (i, e) in entries.iter().enumerate() {
        let expected_seq = i as i64 + 1;
        if e.seq != expected_seq {
            let seq = expected_seq;
            return Err(Broken { seq, reason_zh: "缺失条目", reason_en: "an entry is missing" });
        }
        if e.prev_hash != prev {
            return Err(Broken {
                seq: e.seq,
                reason_zh: "与前一条不相连",
                reason_en: "it does not link to the entry before",
            });
        }
        if chain_hash(&prev, e.seq, &e.entry) != e.hash {
            return Err(Broken { seq: e.seq, reason_zh: "内容被改动", reason_en: "its content was altered" });
        }
        prev = e.hash.clone();
    }
    let last = entries.len() as i64;
    if last != head_seq || prev != head_hash {
        return Err(Broken {
            seq: last + 1,
            reason_zh: "末尾条目被删除",
            reason_en: "entries at the end were removed",
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let entry = NewAudit {
                    at: format!("2026-11-29T10:00:{seq:02}+08:00"),
                    actor: "zhang".into(),
                    role: "supervisor".into(),
                    address: Some("10.0.0.1".into()),
                    action: "clue.view".into(),
                    object: format!("clue:XS{seq:06}"),
                    detail: "{}".into(),
                };
                let hash = chain_hash(&prev, seq, &entry);
                let e = AuditEntry { seq, entry, prev_hash: prev.clone(), hash: hash.clone() };
                prev = hash;
                e
            })
            .collect()
    }

    #[test]
    fn a_chain_verifies_and_every_tampering_is_found() {
        let c = chain(5);
        let head = c.last().unwrap().hash.clone();
        assert_eq!(verify(&c, 5, &head), Ok(()));
        let mut altered = c.clone();
        altered[2].entry.actor = "li".into();
        assert_eq!(verify(&altered, 5, &head).unwrap_err().seq, 3);
        let mut removed = c.clone();
        removed.remove(1);
        assert_eq!(verify(&removed, 5, &head).unwrap_err().seq, 2);
        let truncated = &c[..4];
        let e = verify(truncated, 5, &head).unwrap_err();
        assert_eq!(e.seq, 5);
        assert!(e.to_string().contains("removed"));
    }
}
