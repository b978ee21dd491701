//! C2SP signed notes with Ed25519 keys: text, a blank line, and signature lines
//! `— <name> base64(key ID || signature)`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signer as _, SigningKey, Verifier as _, VerifyingKey};
use sha2::{Digest, Sha256};

const ED25519: u8 = 0x01;
const EM_DASH: &str = "\u{2014}";

#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NoteError {
    #[error("密钥格式错误 / malformed key: {0}")]
    Key(String),
    #[error("签名文本格式错误 / malformed signed note: {0}")]
    Malformed(String),
    #[error("没有受信任密钥的有效签名 / no signature by a trusted key")]
    Unverified,
    #[error(
        "密钥{0}的签名验证失败，内容或签名被改动 / the signature of key {0} does not verify: the text or the signature was altered"
    )]
    BadSignature(String),
}

/// `SHA-256(name || 0x0A || type || public key)[:4]`, big-endian.
fn key_id(name: &str, public: &[u8; 32]) -> u32 {
    let mut h = Sha256::new();
    h.update(name.as_bytes());
    h.update([b'\n', ED25519]);
    h.update(public);
    let d = h.finalize();
    u32::from_be_bytes([d[0], d[1], d[2], d[3]])
}

fn valid_name(name: &str) -> bool {
    !name.is_empty() && !name.chars().any(|c| c.is_whitespace() || c == '+')
}

pub struct Signer {
    name: String,
    id: u32,
    key: SigningKey,
}

impl Signer {
    /// A new random key.
    pub fn generate(name: &str) -> Result<Signer, NoteError> {
        let mut seed = [0u8; 32];
        getrandom::fill(&mut seed).map_err(|e| NoteError::Key(e.to_string()))?;
        Signer::from_seed(name, seed)
    }

    fn from_seed(name: &str, seed: [u8; 32]) -> Result<Signer, NoteError> {
        if !valid_name(name) {
            return Err(NoteError::Key(format!("invalid key name {name:?}")));
        }
        let key = SigningKey::from_bytes(&seed);
        let id = key_id(name, key.verifying_key().as_bytes());
        Ok(Signer { name: name.to_owned(), id, key })
    }

    /// Parses `PRIVATE+KEY+<name>+<id hex>+base64(0x01 || seed)`.
    pub fn parse(skey: &str) -> Result<Signer, NoteError> {
        let rest = skey.strip_prefix("PRIVATE+KEY+").ok_or_else(|| NoteError::Key("missing PRIVATE+KEY+".into()))?;
        let mut parts = rest.splitn(3, '+');
        let (Some(name), Some(id), Some(material)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(NoteError::Key("expected name+id+key".into()));
        };
        let bytes = B64.decode(material).map_err(|e| NoteError::Key(e.to_string()))?;
        if bytes.len() != 33 || bytes[0] != ED25519 {
            return Err(NoteError::Key("not an Ed25519 key".into()));
        }
        let mut seed = [0u8; 32];
        seed.copy_from_slice(&bytes[1..]);
        let signer = Signer::from_seed(name, seed)?;
        if format!("{:08x}", signer.id) != id {
            return Err(NoteError::Key(format!("key id {id} does not match the key")));
        }
        Ok(signer)
    }

    pub fn encode(&self) -> String {
        let mut bytes = vec![ED25519];
        bytes.extend_from_slice(self.key.as_bytes());
        format!("PRIVATE+KEY+{}+{:08x}+{}", self.name, self.id, B64.encode(bytes))
    }

    pub fn verifier(&self) -> Verifier {
        Verifier { name: self.name.clone(), id: self.id, key: self.key.verifying_key() }
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

#[derive(Clone, Debug)]
pub struct Verifier {
    name: String,
    id: u32,
    key: VerifyingKey,
}

impl Verifier {
    /// Parses `<name>+<id hex>+base64(0x01 || public key)`.
    pub fn parse(vkey: &str) -> Result<Verifier, NoteError> {
        let mut parts = vkey.trim().splitn(3, '+');
        let (Some(name), Some(id), Some(material)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(NoteError::Key("expected name+id+key".into()));
        };
        if !valid_name(name) {
            return Err(NoteError::Key(format!("invalid key name {name:?}")));
        }
        let bytes = B64.decode(material).map_err(|e| NoteError::Key(e.to_string()))?;
        if bytes.len() != 33 || bytes[0] != ED25519 {
            return Err(NoteError::Key("not an Ed25519 key".into()));
        }
        let mut public = [0u8; 32];
        public.copy_from_slice(&bytes[1..]);
        let key = VerifyingKey::from_bytes(&public).map_err(|e| NoteError::Key(e.to_string()))?;
        let computed = key_id(name, &public);
        if format!("{computed:08x}") != id {
            return Err(NoteError::Key(format!("key id {id} does not match the key")));
        }
        Ok(Verifier { name: name.to_owned(), id: computed, key })
    }

    pub fn encode(&self) -> String {
        let mut bytes = vec![ED25519];
        bytes.extend_from_slice(self.key.as_bytes());
        format!("{}+{:08x}+{}", self.name, self.id, B64.encode(bytes))
    }

    pub fn name(&self) -> &str {
        &self.name
    }
}

/// Signs `text` (which must end in a newline): the text, a blank line, the signature line.
pub fn sign(text: &str, signer: &Signer) -> Result<String, NoteError> {
    if !text.ends_with('\n') || text.contains("\n\n\u{2014}") {
        return Err(NoteError::Malformed("the text must end with a newline".into()));
    }
    let signature = signer.key.sign(text.as_bytes());
    let mut bytes = signer.id.to_be_bytes().to_vec();
    bytes.extend_from_slice(&signature.to_bytes());
    Ok(format!("{text}\n{EM_DASH} {} {}\n", signer.name, B64.encode(bytes)))
}

/// Opens a signed note: returns its text if at least one signature by a trusted
/// key verifies and none by a trusted key fails.
pub fn open<'a>(note: &'a str, trusted: &[Verifier]) -> Result<&'a str, NoteError> {
    if note.chars().any(|c| c.is_control() && c != '\n') {
        return Err(NoteError::Malformed("control characters".into()));
    }
    let split = note.rfind("\n\n").ok_or_else(|| NoteError::Malformed("no blank line before the signatures".into()))?;
    let (text, signatures) = (&note[..split + 1], &note[split + 2..]);
    if signatures.is_empty() || !signatures.ends_with('\n') {
        return Err(NoteError::Malformed("no signature lines".into()));
    }
    let mut verified = false;
    for line in signatures.lines() {
        let rest = line
            .strip_prefix(&format!("{EM_DASH} "))
            .ok_or_else(|| NoteError::Malformed(format!("bad signature line {line:?}")))?;
        let (name, b64) =
            rest.split_once(' ').ok_or_else(|| NoteError::Malformed(format!("bad signature line {line:?}")))?;
        let bytes = B64.decode(b64).map_err(|_| NoteError::Malformed(format!("bad base64 in {line:?}")))?;
        if bytes.len() < 4 {
            return Err(NoteError::Malformed(format!("short signature in {line:?}")));
        }
        let id = u32::from_be_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]);
        // Unknown keys are ignored; a known key's signature must verify.
        let Some(verifier) = trusted.iter().find(|v| v.name == name && v.id == id) else { continue };
        let signature =
            ed25519_dalek::Signature::from_slice(&bytes[4..]).map_err(|_| NoteError::BadSignature(name.to_owned()))?;
        verifier.key.verify(text.as_bytes(), &signature).map_err(|_| NoteError::BadSignature(name.to_owned()))?;
        verified = true;
    }
    if verified { Ok(text) } else { Err(NoteError::Unverified) }
}
