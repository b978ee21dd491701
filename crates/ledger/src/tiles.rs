//! C2SP `tlog-tiles`: the log served as static, cacheable resources —
//! `tile/<L>/<N>[.p/<W>]` (hashes) and `tile/entries/<N>[.p/<W>]` (entries).

use crate::Tree;

pub const TILE_WIDTH: u64 = 256;

/// Which resource a tile path names.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TileRef {
    /// `None` for an entry bundle.
    pub level: Option<u8>,
    pub index: u64,
    /// 256 for a full tile, 1–255 for a partial one.
    pub width: u64,
}

/// Encodes a tile index as zero-padded 3-digit path elements, all but the last
/// prefixed with `x`: 1234067 → `x001/x234/067`.
pub fn index_path(mut n: u64) -> String {
    let mut parts = vec![format!("{:03}", n % 1000)];
    n /= 1000;
    while n > 0 {
        parts.push(format!("x{:03}", n % 1000));
        n /= 1000;
    }
    parts.reverse();
    parts.join("/")
}

impl TileRef {
    pub fn path(&self) -> String {
        let level = match self.level {
            Some(l) => l.to_string(),
            None => "entries".to_owned(),
        };
        let partial = if self.width < TILE_WIDTH { format!(".p/{}", self.width) } else { String::new() };
        format!("tile/{level}/{}{partial}", index_path(self.index))
    }

    /// Parses a path below the log's prefix, as `tile/0/x001/234` or `tile/entries/000.p/7`.
    pub fn parse(path: &str) -> Option<TileRef> {
        let rest = path.strip_prefix("tile/")?;
        let (level, rest) = rest.split_once('/')?;
        let level = if level == "entries" {
            None
        } else {
            if level.len() > 1 && level.starts_with('0') {
                return None;
            }
            Some(level.parse::<u8>().ok().filter(|l| *l <= 63)?)
        };
        let (index_part, width) = match rest.split_once(".p/") {
            Some((i, w)) => {
                if w.starts_with('0') {
                    return None;
                }
                let w: u64 = w.parse().ok()?;
                if !(1..TILE_WIDTH).contains(&w) {
                    return None;
                }
                (i, w)
            }
            None => (rest, TILE_WIDTH),
        };
        let elements: Vec<&str> = index_part.split('/').collect();
        let mut index: u64 = 0;
        for (k, element) in elements.iter().enumerate() {
            let digits = if k + 1 < elements.len() { element.strip_prefix('x')? } else { element };
            if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            index = index.checked_mul(1000)?.checked_add(digits.parse().ok()?)?;
        }
        Some(TileRef { level, index, width })
    }
}

/// The bytes of a hash tile over the first `size` leaves of `tree`, or `None`
/// when that log is too small for it (tiles are never served empty or beyond the log).
pub fn hash_tile(tree: &Tree, size: u64, level: u8, index: u64, width: u64) -> Option<Vec<u8>> {
    let span = TILE_WIDTH.checked_pow(u32::from(level))?;
    let start = index.checked_mul(TILE_WIDTH)?;
    let end_leaf = start.checked_add(width)?.checked_mul(span)?;
    if width == 0 || end_leaf > size || size > tree.len() {
        return None;
    }
    // A partial tile exists only as the log's rightmost tile at its level.
    let hashes_at_level = size / span;
    if width < TILE_WIDTH && (index != hashes_at_level / TILE_WIDTH || width != hashes_at_level % TILE_WIDTH) {
        return None;
    }
    let mut out = Vec::with_capacity(width as usize * 32);
    for i in 0..width {
        out.extend_from_slice(&tree.subtree_root((start + i) * span, (start + i + 1) * span));
    }
    Some(out)
}

/// An entry bundle: each entry as a big-endian u16 length and its bytes.
pub fn entry_bundle(entries: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for e in entries {
        out.extend_from_slice(&(e.len().min(u16::MAX as usize) as u16).to_be_bytes());
        out.extend_from_slice(&e[..e.len().min(u16::MAX as usize)]);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Hash, leaf_hash, root};

    #[test]
    fn paths() {
        assert_eq!(index_path(1_234_067), "x001/x234/067");
        assert_eq!(index_path(5), "005");
        let t = TileRef { level: Some(0), index: 1_234_067, width: 256 };
        assert_eq!(t.path(), "tile/0/x001/x234/067");
        assert_eq!(TileRef::parse("tile/0/x001/x234/067"), Some(t));
        let p = TileRef { level: None, index: 0, width: 7 };
        assert_eq!(p.path(), "tile/entries/000.p/7");
        assert_eq!(TileRef::parse("tile/entries/000.p/7"), Some(p));
        for bad in [
            "tile/00/000",
            "tile/0/0",
            "tile/0/001/002",
            "tile/0/000.p/0",
            "tile/0/000.p/256",
            "tile/64/000",
            "tiles/0/000",
        ] {
            assert_eq!(TileRef::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn tiles_of_a_600_leaf_log() {
        let leaves: Vec<Hash> = (0u32..600).map(|i| leaf_hash(&i.to_be_bytes())).collect();
        let tree = Tree::from_leaves(&leaves);
        let full = hash_tile(&tree, 600, 0, 1, 256).unwrap();
        assert_eq!(full.len(), 8192);
        assert_eq!(&full[..32], &leaves[256]);
        let partial = hash_tile(&tree, 600, 0, 2, 88).unwrap();
        assert_eq!(&partial[87 * 32..], &leaves[599]);
        assert!(hash_tile(&tree, 600, 0, 2, 89).is_none(), "wider than the log");
        assert!(hash_tile(&tree, 600, 0, 2, 87).is_none(), "not the log's partial tile");
        let level1 = hash_tile(&tree, 600, 1, 0, 2).unwrap();
        assert_eq!(&level1[..32], &root(&leaves[..256]));
        assert_eq!(&level1[32..], &root(&leaves[256..512]));
        // The root follows from the tiles: two full subtrees and the rest.
        let right = root(&leaves[512..]);
        let left = crate::node_hash(&level1[..32].try_into().unwrap(), &level1[32..].try_into().unwrap());
        assert_eq!(crate::node_hash(&left, &right), root(&leaves));
    }
}
