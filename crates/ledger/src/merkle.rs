//! Merkle tree hashing and proofs, RFC 9162 section 2.1.

use sha2::{Digest, Sha256};

pub type Hash = [u8; 32];

/// `SHA-256(0x00 || data)`.
pub fn leaf_hash(data: &[u8]) -> Hash {
    let mut h = Sha256::new();
    h.update([0u8]);
    h.update(data);
    h.finalize().into()
}

/// `SHA-256(0x01 || left || right)`.
pub fn node_hash(left: &Hash, right: &Hash) -> Hash {
    let mut h = Sha256::new();
    h.update([1u8]);
    h.update(left);
    h.update(right);
    h.finalize().into()
}

/// The largest power of two smaller than `n` (`n >= 2`).
fn split(n: usize) -> usize {
    let mut k = 1;
    while k << 1 < n {
        k <<= 1;
    }
    k
}

/// MTH(D[n]): the root of the tree over these leaf hashes; SHA-256 of the empty
/// string for no leaves.
pub fn root(leaves: &[Hash]) -> Hash {
    match leaves.len() {
        0 => Sha256::digest([]).into(),
        1 => leaves[0],
        n => {
            let k = split(n);
            node_hash(&root(&leaves[..k]), &root(&leaves[k..]))
        }
    }
}

/// PATH(m, D[n]): the inclusion proof of leaf `index`.
pub fn inclusion_proof(leaves: &[Hash], index: usize) -> Vec<Hash> {
    let n = leaves.len();
    if n <= 1 || index >= n {
        return Vec::new();
    }
    let k = split(n);
    if index < k {
        let mut proof = inclusion_proof(&leaves[..k], index);
        proof.push(root(&leaves[k..]));
        proof
    } else {
        let mut proof = inclusion_proof(&leaves[k..], index - k);
        proof.push(root(&leaves[..k]));
        proof
    }
}

/// PROOF(m, D[n]): the consistency proof from the tree of the first `old_size` leaves.
pub fn consistency_proof(leaves: &[Hash], old_size: usize) -> Vec<Hash> {
    if old_size == 0 || old_size >= leaves.len() {
        return Vec::new();
    }
    subproof(old_size, leaves, true)
}

fn subproof(m: usize, leaves: &[Hash], complete: bool) -> Vec<Hash> {
    let n = leaves.len();
    if m == n {
        return if complete { Vec::new() } else { vec![root(leaves)] };
    }
    let k = split(n);
    if m <= k {
        let mut proof = subproof(m, &leaves[..k], complete);
        proof.push(root(&leaves[k..]));
        proof
    } else {
        let mut proof = subproof(m - k, &leaves[k..], false);
        proof.push(root(&leaves[..k]));
        proof
    }
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ProofError {
    #[error("叶子序号{index}不小于树的大小{size} / leaf index {index} is not below tree size {size}")]
    IndexOutOfRange { index: u64, size: u64 },
    #[error("证明长度不对：应为{expected}个哈希，实为{found}个 / the proof has {found} hashes, {expected} expected")]
    WrongLength { expected: usize, found: usize },
    #[error("由证明算出的根与检查点的根不符 / the root computed from the proof does not match the checkpoint's root")]
    RootMismatch,
    #[error("旧树大小{old}大于新树大小{new} / old tree size {old} exceeds new tree size {new}")]
    SizesOutOfOrder { old: u64, new: u64 },
    #[error("相同大小的两棵树根不同 / two trees of the same size have different roots")]
    DifferentRootsSameSize,
    #[error("证明应为空 / the proof should be empty")]
    NonEmptyProof,
}

/// Verifies an inclusion proof (RFC 9162 section 2.1.3.2).
pub fn verify_inclusion(leaf: &Hash, index: u64, size: u64, proof: &[Hash], root: &Hash) -> Result<(), ProofError> {
    if index >= size {
        return Err(ProofError::IndexOutOfRange { index, size });
    }
    let (mut f_n, mut s_n) = (index, size - 1);
    let expected = inclusion_length(index, size);
    if proof.len() != expected {
        return Err(ProofError::WrongLength { expected, found: proof.len() });
    }
    let mut r = *leaf;
    for p in proof {
        if s_n == 0 {
            return Err(ProofError::WrongLength { expected, found: proof.len() });
        }
        if f_n & 1 == 1 || f_n == s_n {
            r = node_hash(p, &r);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            r = node_hash(&r, p);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    if s_n != 0 {
        return Err(ProofError::WrongLength { expected, found: proof.len() });
    }
    if &r == root { Ok(()) } else { Err(ProofError::RootMismatch) }
}

/// How many hashes an inclusion proof of `index` in a tree of `size` has.
fn inclusion_length(index: u64, size: u64) -> usize {
    let (mut f_n, mut s_n, mut length) = (index, size - 1, 0);
    while s_n != 0 {
        if (f_n & 1 == 1 || f_n == s_n) && f_n & 1 == 0 {
            while f_n & 1 == 0 && f_n != 0 {
                f_n >>= 1;
                s_n >>= 1;
            }
        }
        f_n >>= 1;
        s_n >>= 1;
        length += 1;
    }
    length
}

/// Verifies a consistency proof (RFC 9162 section 2.1.4.2).
pub fn verify_consistency(
    old_size: u64,
    new_size: u64,
    proof: &[Hash],
    old_root: &Hash,
    new_root: &Hash,
) -> Result<(), ProofError> {
    if old_size > new_size {
        return Err(ProofError::SizesOutOfOrder { old: old_size, new: new_size });
    }
    if old_size == new_size {
        if !proof.is_empty() {
            return Err(ProofError::NonEmptyProof);
        }
        return if old_root == new_root { Ok(()) } else { Err(ProofError::DifferentRootsSameSize) };
    }
    if old_size == 0 {
        // Every tree is consistent with the empty tree; the proof is empty.
        return if proof.is_empty() { Ok(()) } else { Err(ProofError::NonEmptyProof) };
    }
    if proof.is_empty() {
        return Err(ProofError::WrongLength { expected: 1, found: 0 });
    }
    let mut path: Vec<Hash> = proof.to_vec();
    if old_size.is_power_of_two() {
        path.insert(0, *old_root);
    }
    let (mut f_n, mut s_n) = (old_size - 1, new_size - 1);
    while f_n & 1 == 1 {
        f_n >>= 1;
        s_n >>= 1;
    }
    let mut fr = path[0];
    let mut sr = path[0];
    for c in &path[1..] {
        if s_n == 0 {
            return Err(ProofError::WrongLength { expected: path.len() - 1, found: proof.len() });
        }
        if f_n & 1 == 1 || f_n == s_n {
            fr = node_hash(c, &fr);
            sr = node_hash(c, &sr);
            if f_n & 1 == 0 {
                while f_n & 1 == 0 && f_n != 0 {
                    f_n >>= 1;
                    s_n >>= 1;
                }
            }
        } else {
            sr = node_hash(&sr, c);
        }
        f_n >>= 1;
        s_n >>= 1;
    }
    if s_n != 0 {
        return Err(ProofError::WrongLength { expected: path.len(), found: proof.len() });
    }
    if &fr != old_root || &sr != new_root {
        return Err(ProofError::RootMismatch);
    }
    Ok(())
}
