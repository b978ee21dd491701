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
        let mut tree = self.ledger_tree.lock().await;
        let size = self.store.ledger_size().await?;
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
        let proof = self.tree().await?.inclusion_proof(index, size).iter().map(|h| B64.encode(h)).collect();
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
                let tree = self.tree().await?;
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
        let proof = self.tree().await?.consistency_proof(old_size, size).iter().map(|h| B64.encode(h)).collect();
        Ok(Some(ConsistencyBundle { old_checkpoint: old_note, new_checkpoint: new_note, proof }))
    }
}
