//! Reproducible random draws (双随机、一公开) that anyone can check.
//!
//! The seed is SHA-256 of the commitment to the plan and its inputs, followed by
//! the values revealed after the commitment (each official's secret, optionally
//! a public beacon), each length-prefixed. Randomness is the ChaCha20 keystream
//! under that seed (RFC 8439, nonce and counter zero), read as little-endian
//! `u64`s; integers in `0..n` come by rejection sampling (no modulo bias), and
//! `k` of `n` by a partial Fisher–Yates shuffle. No floating point anywhere, so
//! the same inputs give the same draw on every machine. No IO.

mod plan;
pub mod wire;

pub use plan::{DrawError, Plan, Selection, Target, Team, run};

use chacha20::ChaCha20;
use chacha20::cipher::{KeyIvInit, StreamCipher};
use sha2::{Digest, Sha256};
use std::num::NonZeroU64;

pub type Seed = [u8; 32];

/// SHA-256(commitment ‖ for each reveal: u32 big-endian length ‖ bytes).
pub fn seed(commitment: &[u8; 32], reveals: &[&[u8]]) -> Seed {
    let mut h = Sha256::new();
    h.update(commitment);
    for r in reveals {
        h.update((r.len() as u32).to_be_bytes());
        h.update(r);
    }
    h.finalize().into()
}

/// What an official publishes before the draw: SHA-256 of the secret they reveal after it.
pub fn commit_secret(secret: &[u8]) -> [u8; 32] {
    Sha256::digest(secret).into()
}

/// The ChaCha20 keystream under a seed.
pub struct Stream {
    cipher: ChaCha20,
}

impl Stream {
    pub fn new(seed: &Seed) -> Stream {
        Stream { cipher: ChaCha20::new(seed.into(), &[0u8; 12].into()) }
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut block = [0u8; 8];
        self.cipher.apply_keystream(&mut block);
        u64::from_le_bytes(block)
    }

    /// Uniform in `0..n`: values from the top partial range of `u64` are
    /// rejected so that every result is equally likely.
    pub fn below(&mut self, n: NonZeroU64) -> u64 {
        let n = n.get();
        let zone = u64::MAX - (u64::MAX - n + 1) % n;
        loop {
            let x = self.next_u64();
            if x <= zone {
                return x % n;
            }
        }
    }

    /// `k` distinct indices of `0..n`, in draw order (partial Fisher–Yates).
    pub fn sample(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut items: Vec<usize> = (0..n).collect();
        let k = k.min(n);
        for i in 0..k {
            // `i < k <= n`, so `n - i` is at least 1.
            let remaining = NonZeroU64::new((n - i) as u64).unwrap_or(NonZeroU64::MIN);
            let j = i + self.below(remaining) as usize;
            items.swap(i, j);
        }
        items.truncate(k);
        items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(bytes: &[u8]) -> String {
        bytes.iter().map(|b| format!("{b:02x}")).collect()
    }

    #[test]
    fn keystream_is_rfc_8439() {
        // RFC 8439 section 2.4.2: key 00..1f, nonce 00:00:00:00:00:00:00:4a:00:00:00:00, counter 1.
        let key: [u8; 32] = core::array::from_fn(|i| i as u8);
        let nonce = [0, 0, 0, 0, 0, 0, 0, 0x4a, 0, 0, 0, 0];
        let mut cipher = ChaCha20::new(&key.into(), &nonce.into());
        let mut skip = [0u8; 64];
        cipher.apply_keystream(&mut skip);
        let mut block = [0u8; 64];
        cipher.apply_keystream(&mut block);
        assert_eq!(
            hex(&block),
            "224f51f3401bd9e12fde276fb8631ded8c131f823d2c06e27e4fcaec9ef3cf788a3b0aa372600a92b57974cded2b9334794cba40c63e34cdea212c4cf07d41b7"
        );
    }

    /// Pinned outputs: these numbers must never change, on any machine, or old
    /// published draws could no longer be reproduced.
    #[test]
    fn draws_are_pinned() {
        let seed: Seed = Sha256::digest(b"qingfeng draw test").into();
        let mut stream = Stream::new(&seed);
        // The first word is the keystream's first 8 bytes, little-endian (5270b6d060ed64aa…).
        assert_eq!(stream.next_u64(), 0xaa64_ed60_d0b6_7052);
        let mut stream = Stream::new(&seed);
        assert_eq!(stream.sample(10, 4), PINNED_SAMPLE.to_vec());
        let commitment: [u8; 32] = Sha256::digest(b"plan").into();
        assert_eq!(hex(&super::seed(&commitment, &[b"alice", b"bob"])), PINNED_SEED);
    }

    // Computed independently (Python's `cryptography` ChaCha20 and the same
    // rejection sampling and shuffle), then pinned.
    const PINNED_SAMPLE: [usize; 4] = [2, 5, 9, 4];
    const PINNED_SEED: &str = "8be2e9293777d5f2af909f88f88465f83a92580b59dc93f3158ec605536d03a3";

    #[test]
    fn below_is_in_range_and_sample_is_distinct() {
        let mut stream = Stream::new(&[7u8; 32]);
        for n in 1..200u64 {
            assert!(stream.below(NonZeroU64::new(n).unwrap()) < n);
        }
        let picked = stream.sample(1000, 100);
        let mut sorted = picked.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted.len(), 100);
        assert_eq!(stream.sample(3, 10).len(), 3);
    }

    #[test]
    fn below_is_unbiased_for_an_awkward_range() {
        // 3 does not divide 2^64: without rejection, 0 would be slightly favoured.
        let mut stream = Stream::new(&[9u8; 32]);
        let mut counts = [0u32; 3];
        for _ in 0..30_000 {
            counts[stream.below(NonZeroU64::new(3).unwrap()) as usize] += 1;
        }
        for c in counts {
            assert!((9_500..10_500).contains(&c), "{counts:?}");
        }
    }
}
