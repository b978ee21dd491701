//! Checkpoints, C2SP `tlog-checkpoint`: the origin line, the tree size in
//! decimal, the root hash in base64, then optional extension lines.

use crate::Hash;
use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
}

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CheckpointError {
    #[error("检查点格式错误 / malformed checkpoint: {0}")]
    Malformed(String),
}

impl Checkpoint {
    /// The note text of this checkpoint.
    pub fn text(&self) -> String {
        format!("{}\n{}\n{}\n", self.origin, self.size, B64.encode(self.root))
    }

    pub fn parse(text: &str) -> Result<Checkpoint, CheckpointError> {
        let bad = |what: &str| CheckpointError::Malformed(what.to_owned());
        let mut lines = text.split('\n');
        let origin = lines.next().filter(|o| !o.is_empty()).ok_or_else(|| bad("no origin line"))?;
        let size = lines.next().ok_or_else(|| bad("no size line"))?;
        if size.is_empty() || !size.bytes().all(|b| b.is_ascii_digit()) || (size.len() > 1 && size.starts_with('0')) {
            return Err(bad("the size is not a decimal number"));
        }
        let size: u64 = size.parse().map_err(|_| bad("the size is out of range"))?;
        let root =
            B64.decode(lines.next().ok_or_else(|| bad("no root line"))?).map_err(|_| bad("the root is not base64"))?;
        let root: Hash = root.try_into().map_err(|_| bad("the root is not 32 bytes"))?;
        if !text.ends_with('\n') {
            return Err(bad("no final newline"));
        }
        Ok(Checkpoint { origin: origin.to_owned(), size, root })
    }
}
