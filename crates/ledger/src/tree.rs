//! A Merkle tree kept as the hashes of its complete subtrees, level by level,
//! so that roots and proofs for any size up to the current one cost
//! O(log² n) hashes instead of rehashing the log.

use crate::{Hash, node_hash};
use sha2::{Digest, Sha256};

#[derive(Clone, Debug, Default)]
pub struct Tree {
    /// `levels[k][i]`: the root of leaves `i·2^k .. (i+1)·2^k`, for complete subtrees only.
    levels: Vec<Vec<Hash>>,
}

/// The largest power of two smaller than `n` (`n >= 2`).
fn split(n: u64) -> u64 {
    let mut k = 1;
    while k << 1 < n {
        k <<= 1;
    }
    k
}

impl Tree {
    pub fn new() -> Tree {
        Tree::default()
    }

    pub fn from_leaves(leaves: &[Hash]) -> Tree {
        let mut tree = Tree::new();
        for leaf in leaves {
            tree.push(*leaf);
        }
        tree
    }

    pub fn len(&self) -> u64 {
        self.levels.first().map(|l| l.len() as u64).unwrap_or(0)
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Appends a leaf hash, completing the subtrees it closes.
    pub fn push(&mut self, leaf: Hash) {
        if self.levels.is_empty() {
            self.levels.push(Vec::new());
        }
        self.levels[0].push(leaf);
        let mut k = 0;
        while self.levels[k].len().is_multiple_of(2) {
            let n = self.levels[k].len();
            let parent = node_hash(&self.levels[k][n - 2], &self.levels[k][n - 1]);
            if self.levels.len() == k + 1 {
                self.levels.push(Vec::new());
            }
            self.levels[k + 1].push(parent);
            k += 1;
        }
    }

    /// MTH(D[a:b]) for `a < b <= len`, as RFC 9162 splits it.
    pub fn subtree_root(&self, a: u64, b: u64) -> Hash {
        self.range_root(a, b)
    }

    fn range_root(&self, a: u64, b: u64) -> Hash {
        let n = b - a;
        if n.is_power_of_two() && a.is_multiple_of(n) {
            let k = n.trailing_zeros() as usize;
            return self.levels[k][(a >> k) as usize];
        }
        let k = split(n);
        node_hash(&self.range_root(a, a + k), &self.range_root(a + k, b))
    }

    /// The root of the tree of the first `size` leaves (`size <= len`).
    pub fn root(&self, size: u64) -> Hash {
        if size == 0 { Sha256::digest([]).into() } else { self.range_root(0, size) }
    }

    /// The inclusion proof of `index` in the tree of the first `size` leaves.
    pub fn inclusion_proof(&self, index: u64, size: u64) -> Vec<Hash> {
        let mut proof = Vec::new();
        if index < size && size <= self.len() {
            self.path(index, 0, size, &mut proof);
        }
        proof
    }

    fn path(&self, index: u64, a: u64, b: u64, proof: &mut Vec<Hash>) {
        let n = b - a;
        if n <= 1 {
            return;
        }
        let k = split(n);
        if index < a + k {
            self.path(index, a, a + k, proof);
            proof.push(self.range_root(a + k, b));
        } else {
            self.path(index, a + k, b, proof);
            proof.push(self.range_root(a, a + k));
        }
    }

    /// The consistency proof from the tree of `old` leaves to that of `size`.
    pub fn consistency_proof(&self, old: u64, size: u64) -> Vec<Hash> {
        let mut proof = Vec::new();
        if old > 0 && old < size && size <= self.len() {
            self.subproof(old, 0, size, true, &mut proof);
        }
        proof
    }

    fn subproof(&self, m: u64, a: u64, b: u64, complete: bool, proof: &mut Vec<Hash>) {
        let n = b - a;
        if m == n {
            if !complete {
                proof.push(self.range_root(a, b));
            }
            return;
        }
        let k = split(n);
        if m <= k {
            self.subproof(m, a, a + k, complete, proof);
            proof.push(self.range_root(a + k, b));
        } else {
            self.subproof(m - k, a + k, b, false, proof);
            proof.push(self.range_root(a, a + k));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{consistency_proof, inclusion_proof, leaf_hash, root};

    #[test]
    fn agrees_with_the_definitions_for_every_size_up_to_70() {
        let leaves: Vec<Hash> = (0u32..70).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let tree = Tree::from_leaves(&leaves);
        for size in 0..=leaves.len() {
            let s = size as u64;
            assert_eq!(tree.root(s), root(&leaves[..size]), "root {size}");
            for i in 0..size {
                assert_eq!(tree.inclusion_proof(i as u64, s), inclusion_proof(&leaves[..size], i), "{i} in {size}");
            }
            for m in 1..size {
                assert_eq!(tree.consistency_proof(m as u64, s), consistency_proof(&leaves[..size], m), "{m} -> {size}");
            }
        }
    }
}
