//! The disclosure ledger's core: an append-only Merkle log as RFC 9162 defines
//! it (SHA-256, leaf prefix 0x00, node prefix 0x01), inclusion and consistency
//! proofs, checkpoints in the C2SP `tlog-checkpoint` format, and C2SP
//! `signed-note` signatures (Ed25519).
//!
//! No IO: the storage of leaves and keys is the caller's. The hash and signature
//! suite is a parameter ([`Suite`]) so that SM3/SM2 can be added for domestic
//! cryptography rules without changing the log's users.

mod checkpoint;
mod merkle;
mod note;
mod tiles;
mod tree;

pub use checkpoint::{Checkpoint, CheckpointError};
pub use merkle::{
    Hash, ProofError, consistency_proof, inclusion_proof, leaf_hash, node_hash, root, verify_consistency,
    verify_inclusion,
};
pub use note::{NoteError, Signer, Verifier, open, sign};
pub use tiles::{TILE_WIDTH, TileRef, entry_bundle, hash_tile, index_path};
pub use tree::Tree;

/// The hash and signature algorithms of a log. Only one exists today; the
/// version is written into checkpoints' origin line by the caller's convention.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Suite {
    /// SHA-256 Merkle tree (RFC 9162), Ed25519 signed notes (C2SP).
    Sha256Ed25519,
}
