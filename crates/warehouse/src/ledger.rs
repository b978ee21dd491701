//! The disclosure ledger of a data directory: entries in the state store, a
//! signing key in `ledger/signing.key`, signed checkpoints, proof bundles that
//! anyone can verify offline with `qingfeng verify`.
//!
//! Each leaf commits to a published record: leaf data = SHA-256(salt ‖ record).
//! Publishing the record and its salt lets anyone check the leaf; withdrawing a
//! record (a lawful take-down) is a new entry, never a rewrite.

use crate::{Warehouse, WarehouseError};
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ledger::{Checkpoint, Hash, Signer, Verifier};
use sha2::{Digest, Sha256};
use std::path::Path;
use store::LedgerEntry;

/// What `qingfeng ledger proof` hands out and `qingfeng verify` checks.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct InclusionBundle {
    /// The signed checkpoint (C2SP signed note).
    pub checkpoint: String,
    pub index: u64,
    pub kind: String,
    pub record: String,
    /// Hex.
    pub salt: String,
    /// Base64 hashes.
    pub proof: Vec<String>,
}

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ConsistencyBundle {
    pub old_checkpoint: String,
    pub new_checkpoint: String,
    pub proof: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum VerifyError {
    #[error(
        "检查点签名不成立（检查点被改动或密钥不对） / the checkpoint's signature does not hold (checkpoint altered, or not this log's key) [{0:?}]"
    )]
    Signature(#[from] ledger::NoteError),
    #[error("检查点格式错误 / malformed checkpoint: {0}")]
    Checkpoint(#[from] ledger::CheckpointError),
    #[error("证明格式错误 / malformed proof: {0}")]
    Malformed(String),
    #[error("记录序号{index}不在检查点（大小{size}）之内 / entry {index} is not within the checkpoint (size {size})")]
    Beyond { index: u64, size: u64 },
    #[error(
        "记录、盐或包含证明与检查点的根不符（被改动过） / the record, its salt or the inclusion proof does not match the checkpoint's root (altered) [{0:?}]"
    )]
    Inclusion(ledger::ProofError),
    #[error("两个检查点不一致（日志被改写） / the two checkpoints are not consistent (the log was rewritten) [{0:?}]")]
    Consistency(ledger::ProofError),
}

/// SHA-256(salt ‖ record): the leaf data of a record.
pub fn commitment(salt: &[u8], record: &str) -> Hash {
    let mut h = Sha256::new();
    h.update(salt);
    h.update(record.as_bytes());
    h.finalize().into()
}

fn decode_hashes(proof: &[String]) -> Result<Vec<Hash>, VerifyError> {
    proof
        .iter()
        .map(|p| {
            B64.decode(p)
                .ok()
                .and_then(|b| Hash::try_from(b.as_slice()).ok())
                .ok_or_else(|| VerifyError::Malformed(format!("not a hash: {p}")))
        })
        .collect()
}

fn decode_hex(s: &str) -> Result<Vec<u8>, VerifyError> {
    if !s.len().is_multiple_of(2) {
        return Err(VerifyError::Malformed("odd-length hex".into()));
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).map_err(|_| VerifyError::Malformed(format!("bad hex {s}"))))
        .collect()
}

/// Checks, offline, that a record is in the log under a signed checkpoint.
pub fn verify_inclusion_bundle(bundle: &InclusionBundle, trusted: &[Verifier]) -> Result<Checkpoint, VerifyError> {
    let text = ledger::open(&bundle.checkpoint, trusted)?;
    let checkpoint = Checkpoint::parse(text)?;
    if bundle.index >= checkpoint.size {
        return Err(VerifyError::Beyond { index: bundle.index, size: checkpoint.size });
    }
    let salt = decode_hex(&bundle.salt)?;
    let leaf = ledger::leaf_hash(&commitment(&salt, &bundle.record));
    let proof = decode_hashes(&bundle.proof)?;
    ledger::verify_inclusion(&leaf, bundle.index, checkpoint.size, &proof, &checkpoint.root)
        .map_err(VerifyError::Inclusion)?;
    Ok(checkpoint)
}

/// Checks, offline, that the newer checkpoint extends the older one.
pub fn verify_consistency_bundle(
    bundle: &ConsistencyBundle,
    trusted: &[Verifier],
) -> Result<(Checkpoint, Checkpoint), VerifyError> {
    let old = Checkpoint::parse(ledger::open(&bundle.old_checkpoint, trusted)?)?;
    let new = Checkpoint::parse(ledger::open(&bundle.new_checkpoint, trusted)?)?;
    let proof = decode_hashes(&bundle.proof)?;
    ledger::verify_consistency(old.size, new.size, &proof, &old.root, &new.root).map_err(VerifyError::Consistency)?;
    Ok((old, new))
}

fn now() -> String {
    chrono::Utc::now().with_timezone(&crate::import::china_time()).to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

impl Warehouse {
    /// The ledger's signing key, created on first use (readable by the owner only).
    pub fn ledger_signer(&self) -> Result<Signer, WarehouseError> {
        let dir = self.root.join("ledger");
        let path = dir.join("signing.key");
        let io = |p: &Path, source| WarehouseError::Io { path: p.to_owned(), source };
        if let Ok(text) = std::fs::read_to_string(&path) {
            return Signer::parse(text.trim())
                .map_err(|e| WarehouseError::Parquet { path: path.clone(), detail: e.to_string() });
        }
        std::fs::create_dir_all(&dir).map_err(|e| io(&dir, e))?;
        let signer = Signer::generate("qingfeng.ledger")
            .map_err(|e| WarehouseError::Parquet { path: path.clone(), detail: e.to_string() })?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        use std::io::Write;
        let mut file = options.open(&path).map_err(|e| io(&path, e))?;
        file.write_all(format!("{}\n", signer.encode()).as_bytes()).map_err(|e| io(&path, e))?;
        file.sync_all().map_err(|e| io(&path, e))?;
        Ok(signer)
    }

    /// Appends records (`kind`, JSON) and signs a new checkpoint; returns the first index.
    pub async fn ledger_append(&self, records: &[(&str, String)]) -> Result<u64, WarehouseError> {
        let signer = self.ledger_signer()?;
        let mut entries = Vec::new();
        for (kind, record) in records {
            let mut salt = [0u8; 16];
            getrandom::fill(&mut salt)
                .map_err(|e| WarehouseError::Parquet { path: self.root.clone(), detail: e.to_string() })?;
            let leaf = ledger::leaf_hash(&commitment(&salt, record));
            entries.push(LedgerEntry {
                kind: (*kind).to_owned(),
                record: record.clone(),
                salt: hex::encode(salt),
                leaf_hash: leaf.to_vec(),
                created_at: now(),
            });
        }
        let first = self.store.ledger_append(&entries).await?;
        self.ledger_checkpoint(&signer).await?;
        Ok(first)
    }

    /// The ledger's tree, caught up with the store.
    async fn tree(&self) -> Result<tokio::sync::MutexGuard<'_, ledger::Tree>, WarehouseError> {
        let size = self.store.ledger_size().await?;
        self.tree_to(size).await
    }

    /// The ledger's tree holding at least `size` leaves (a checkpoint's): asks the
    /// store only when the tree has fewer.
    async fn tree_to(&self, size: u64) -> Result<tokio::sync::MutexGuard<'_, ledger::Tree>, WarehouseError> {
        let mut tree = self.ledger_tree.lock().await;
        if tree.len() < size {
            for raw in self.store.ledger_leaf_hashes(tree.len(), size).await? {
                let leaf = Hash::try_from(raw.as_slice())
                    .map_err(|_| WarehouseError::Store(store::StoreError::Corrupt("ledger leaf hash".into())))?;
                tree.push(leaf);
            }
        }
        Ok(tree)
    }

    /// Signs and stores a checkpoint of the whole log; returns the signed note.
    pub async fn ledger_checkpoint(&self, signer: &Signer) -> Result<String, WarehouseError> {
        let (size, root) = {
            let tree = self.tree().await?;
            (tree.len(), tree.root(tree.len()))
        };
        let checkpoint =
            Checkpoint { origin: format!("{}/{}", signer.name(), &signer.verifier().encode()[16..24]), size, root };
        let note = ledger::sign(&checkpoint.text(), signer)
            .map_err(|e| WarehouseError::Parquet { path: self.root.clone(), detail: e.to_string() })?;
        self.store.ledger_add_checkpoint(size, &note, &now()).await?;
        Ok(note)
    }

    /// The latest signed checkpoint, if any entry exists.
    pub async fn latest_checkpoint(&self) -> Result<Option<String>, WarehouseError> {
        Ok(self.store.ledger_checkpoint(None).await?.map(|(_, note)| note))
    }

    /// The inclusion proof of entry `index` under the latest checkpoint.
    pub async fn inclusion_bundle(&self, index: u64) -> Result<Option<InclusionBundle>, WarehouseError> {
        let Some((size, note)) = self.store.ledger_checkpoint(None).await? else { return Ok(None) };
        let Some(entry) = self.store.ledger_entry(index).await?.filter(|_| index < size) else { return Ok(None) };
        let proof = self.tree_to(size).await?.inclusion_proof(index, size).iter().map(|h| B64.encode(h)).collect();
        Ok(Some(InclusionBundle {
            checkpoint: note,
            index,
            kind: entry.kind,
            record: entry.record,
            salt: entry.salt,
            proof,
        }))
    }

    /// A `tlog-tiles` resource (`tile/…` below the log's prefix) under the latest
    /// checkpoint, or `None` where the log has no such tile.
    pub async fn ledger_tile(&self, path: &str) -> Result<Option<Vec<u8>>, WarehouseError> {
        let Some(tile) = ledger::TileRef::parse(path) else { return Ok(None) };
        let Some((size, _)) = self.store.ledger_checkpoint(None).await? else { return Ok(None) };
        match tile.level {
            Some(level) => {
                let tree = self.tree_to(size).await?;
                Ok(ledger::hash_tile(&tree, size, level, tile.index, tile.width))
            }
            None => {
                // Entry bundles hold each leaf's data: the record's commitment.
                let start = tile.index * ledger::TILE_WIDTH;
                let end = start + tile.width;
                let full = size / ledger::TILE_WIDTH;
                let valid = end <= size
                    && (tile.width == ledger::TILE_WIDTH
                        || (tile.index == full && tile.width == size % ledger::TILE_WIDTH));
                if !valid {
                    return Ok(None);
                }
                let mut entries = Vec::new();
                for i in start..end {
                    let Some(e) = self.store.ledger_entry(i).await? else { return Ok(None) };
                    let salt = decode_hex(&e.salt)
                        .map_err(|_| WarehouseError::Store(store::StoreError::Corrupt("ledger salt".into())))?;
                    entries.push(commitment(&salt, &e.record).to_vec());
                }
                Ok(Some(ledger::entry_bundle(&entries)))
            }
        }
    }

    /// The consistency proof from the checkpoint of `old_size` to the latest.
    pub async fn consistency_bundle(&self, old_size: u64) -> Result<Option<ConsistencyBundle>, WarehouseError> {
        let Some((size, new_note)) = self.store.ledger_checkpoint(None).await? else { return Ok(None) };
        let Some((_, old_note)) = self.store.ledger_checkpoint(Some(old_size)).await? else { return Ok(None) };
        let proof = self.tree_to(size).await?.consistency_proof(old_size, size).iter().map(|h| B64.encode(h)).collect();
        Ok(Some(ConsistencyBundle { old_checkpoint: old_note, new_checkpoint: new_note, proof }))
    }
}

/// What a full audit of the ledger found: each finding names the entry,
/// checkpoint, draw or batch file that does not match.
#[derive(Debug, Default, serde::Serialize)]
pub struct LedgerAudit {
    pub entries: u64,
    pub checkpoints: u64,
    pub draws: u64,
    pub batch_files: u64,
    pub findings: Vec<String>,
}

/// Entries read per round trip while auditing.
const AUDIT_CHUNK: u64 = 10_000;

impl Warehouse {
    /// Checks the whole ledger of this data directory against `trusted` keys:
    /// every entry's record and salt against its leaf hash, every checkpoint's
    /// signature and root against the entries, every draw result against a
    /// re-run of its committed plan, every import batch's data file against the
    /// hash the ledger holds.
    pub async fn audit_ledger(&self, trusted: &[Verifier]) -> Result<LedgerAudit, WarehouseError> {
        let mut audit = LedgerAudit::default();
        let size = self.store.ledger_size().await?;
        let mut leaves: Vec<Hash> = Vec::with_capacity(size as usize);
        let mut plans: std::collections::HashMap<String, String> = std::collections::HashMap::new();
        let mut results: Vec<(u64, String)> = Vec::new();
        let mut batches: Vec<(u64, String)> = Vec::new();
        let mut start = 0;
        while start < size {
            let end = (start + AUDIT_CHUNK).min(size);
            let chunk = self.store.ledger_entries(start, end).await?;
            for (index, entry) in chunk {
                if index != leaves.len() as u64 {
                    audit.findings.push(format!(
                        "账本缺少第{}条 / ledger entry {} is missing",
                        leaves.len(),
                        leaves.len()
                    ));
                    leaves.push([0; 32]);
                    continue;
                }
                let stored = Hash::try_from(entry.leaf_hash.as_slice()).unwrap_or([0; 32]);
                let leaf = match hex::decode(&entry.salt) {
                    Ok(salt) => ledger::leaf_hash(&commitment(&salt, &entry.record)),
                    Err(_) => {
                        audit.findings.push(format!(
                            "账本第{index}条（{}）的盐被改动 / ledger entry {index} ({}): its salt was altered (not hex)",
                            entry.kind, entry.kind
                        ));
                        stored
                    }
                };
                if leaf != stored {
                    audit.findings.push(format!(
                        "账本第{index}条（{}）的记录、盐或叶哈希被改动 / ledger entry {index} ({}): its record, salt or leaf hash was altered",
                        entry.kind, entry.kind
                    ));
                }
                leaves.push(leaf);
                match entry.kind.as_str() {
                    "draw_plan" => {
                        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&entry.record)
                            && let Some(c) = v["plan_commitment"].as_str()
                        {
                            plans.insert(c.to_owned(), v["plan"].to_string());
                        }
                    }
                    "draw_result" => results.push((index, entry.record)),
                    "import_batch" => batches.push((index, entry.record)),
                    _ => {}
                }
            }
            start = end;
        }
        audit.entries = leaves.len() as u64;
        let tree = ledger::Tree::from_leaves(&leaves);
        // The last checkpoint that holds: an altered entry lies after it.
        let mut holds = 0;
        for (size, note) in self.store.ledger_checkpoints().await? {
            audit.checkpoints += 1;
            let text = match ledger::open(&note, trusted) {
                Ok(text) => text,
                Err(e) => {
                    audit.findings.push(format!(
                        "大小为{size}的检查点签名不成立（被改动） / the checkpoint of size {size}: its signature does not hold (altered) [{e:?}]"
                    ));
                    continue;
                }
            };
            let checkpoint = match Checkpoint::parse(text) {
                Ok(c) => c,
                Err(e) => {
                    audit.findings.push(format!(
                        "大小为{size}的检查点格式错误 / the checkpoint of size {size} is malformed: {e}"
                    ));
                    continue;
                }
            };
            if checkpoint.size != size || size > tree.len() {
                audit.findings.push(format!(
                    "检查点大小{}与登记的{size}或账本条数{}不符 / the checkpoint of size {size} says {} and the log has {} entries",
                    checkpoint.size,
                    tree.len(),
                    checkpoint.size,
                    tree.len()
                ));
            } else if tree.root(size) != checkpoint.root {
                audit.findings.push(format!(
                    "大小为{size}的检查点与第{holds}至{}条记录不符（其间有记录被改写） / the checkpoint of size {size} does not match the entries: an entry from {holds} to {} was rewritten",
                    size - 1,
                    size - 1
                ));
            } else {
                holds = size;
            }
        }
        for (index, record) in &results {
            audit.draws += 1;
            let published = serde_json::from_str::<serde_json::Value>(record)
                .ok()
                .and_then(|v| serde_json::from_value::<draw::wire::ResultFile>(v["result"].clone()).ok());
            let Some(published) = published else {
                audit.findings.push(format!(
                    "账本第{index}条抽取结果无法读取 / ledger entry {index}: the draw result cannot be read"
                ));
                continue;
            };
            let Some(plan) = plans.get(&published.plan_commitment) else {
                audit.findings.push(format!(
                    "账本第{index}条抽取结果的计划不在账本中 / ledger entry {index}: the draw result's plan is not in the ledger"
                ));
                continue;
            };
            if let Err(why) = draw::wire::reproduce(plan, &published) {
                audit.findings.push(format!(
                    "账本第{index}条抽取结果无法复现 / ledger entry {index}: the draw does not reproduce: {why}"
                ));
            }
        }
        let register = self.store.batches().await?;
        for (index, record) in &batches {
            let v: serde_json::Value = serde_json::from_str(record).unwrap_or_default();
            let (Some(id), Some(sha)) = (v["batch"].as_i64(), v["data_sha256"].as_str()) else { continue };
            audit.batch_files += 1;
            let Some(batch) = register.iter().find(|b| b.id == id) else {
                audit.findings.push(format!(
                    "账本第{index}条的批次{id}不在批次登记中 / ledger entry {index}: batch {id} is not in the register"
                ));
                continue;
            };
            let path = self.root.join("tables").join(&batch.table).join(format!("batch-{id}.parquet"));
            match std::fs::read(&path) {
                Ok(bytes) if hex::encode(Sha256::digest(&bytes)) == sha => {}
                Ok(_) => audit.findings.push(format!(
                    "批次{id}的数据文件{}被改动（与账本第{index}条不符） / batch {id}: its data file {} was altered (does not match ledger entry {index})",
                    path.display(),
                    path.display()
                )),
                Err(e) => audit.findings.push(format!(
                    "批次{id}的数据文件{}无法读取 / batch {id}: its data file {} cannot be read: {e}",
                    path.display(),
                    path.display()
                )),
            }
        }
        Ok(audit)
    }
}

impl Warehouse {
    /// The audit trail's chain head as a ledger record: anchoring it makes a
    /// later rewrite of the trail up to there detectable from outside.
    async fn audit_head_record(&self) -> Result<(&'static str, String), WarehouseError> {
        let (seq, hash) = self.store.audit_head().await?;
        Ok(("audit_head", serde_json::json!({"type": "audit_head", "seq": seq, "hash": hash}).to_string()))
    }

    /// A finished scan into the ledger: its configuration's hash and a digest of
    /// its result (the warnings' identifiers), with the audit trail's head.
    pub async fn record_scan(&self, scan: serde_json::Value) -> Result<u64, WarehouseError> {
        let head = self.audit_head_record().await?;
        self.ledger_append(&[("scan", scan.to_string()), head]).await
    }

    /// A clue's closure summary into the ledger (no names: the code, the verdict,
    /// the form, the money recovered, the day), with the audit trail's head.
    pub async fn record_clue_closure(&self, clue: &store::ClueRecord) -> Result<u64, WarehouseError> {
        let record = serde_json::json!({
            "type": "clue_closure",
            "clue": clue.code,
            "verdict": clue.verdict.map(|v| v.as_str()),
            "form": clue.form.map(|f| f.as_str()),
            "recovered_fen": clue.recovered_fen,
            "rectified": clue.rectified_at.is_some(),
            "closed_at": clue.updated_at,
        });
        let head = self.audit_head_record().await?;
        self.ledger_append(&[("clue_closure", record.to_string()), head]).await
    }
}
