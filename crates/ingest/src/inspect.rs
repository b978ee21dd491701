//! What a file is before it is read: its hash, its format and its text encoding.

use crate::FileError;
use contract::{TABLES, Table};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Csv,
    /// Any workbook calamine reads: XLSX, and the legacy XLS many offices still send.
    Workbook,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    /// GBK is a subset of GB18030, so one decoder serves both.
    Gb18030,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct FileFacts {
    pub path: PathBuf,
    pub bytes: u64,
    /// SHA-256 of the file's bytes, lower-case hex.
    pub sha256: String,
    pub format: Format,
    /// For CSV files only.
    pub encoding: Option<Encoding>,
}

const CHUNK: usize = 1 << 17;

/// Hashes the file and decides its format and encoding, in one pass (two for
/// GB18030 text, whose validity is checked from the start once UTF-8 fails).
pub fn inspect(path: &Path) -> Result<FileFacts, FileError> {
    let io = |source| FileError::Io { path: path.to_owned(), source };
    let mut file = File::open(path).map_err(io)?;
    let mut head = [0u8; 8];
    let head_len = read_up_to(&mut file, &mut head).map_err(io)?;
    let head = &head[..head_len];
    if head_len == 0 {
        return Err(FileError::Empty { path: path.to_owned() });
    }
    file.seek(SeekFrom::Start(0)).map_err(io)?;

    let workbook = head.starts_with(b"PK\x03\x04") || head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]);
    if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
        return Err(FileError::Utf16 { path: path.to_owned() });
    }
    let mut hasher = Sha256::new();
    let mut bytes = 0u64;
    let mut utf8 = Utf8Check::default();
    let mut buf = vec![0u8; CHUNK];
    loop {
        let n = file.read(&mut buf).map_err(io)?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        if !workbook {
            utf8.feed(&buf[..n], bytes);
        }
        bytes += n as u64;
    }
    let sha256 = hex::encode(hasher.finalize());
    if workbook {
        return Ok(FileFacts { path: path.to_owned(), bytes, sha256, format: Format::Workbook, encoding: None });
    }
    if let Some(offset) = utf8.nul_at {
        return Err(FileError::NotASpreadsheet {
            path: path.to_owned(),
            detail_zh: format!("第{offset}字节为NUL，是二进制文件"),
            detail_en: format!("byte {offset} is NUL: a binary file"),
        });
    }
    let encoding = if utf8.finish() {
        if head.starts_with(b"\xEF\xBB\xBF") { Encoding::Utf8Bom } else { Encoding::Utf8 }
    } else {
        file.seek(SeekFrom::Start(0)).map_err(io)?;
        if let Some(offset) = first_gb18030_error(&mut file).map_err(io)? {
            return Err(FileError::Encoding { path: path.to_owned(), offset });
        }
        Encoding::Gb18030
    };
    Ok(FileFacts { path: path.to_owned(), bytes, sha256, format: Format::Csv, encoding: Some(encoding) })
}

/// Reads until `buf` is full or the file ends; returns how much was read.
pub(crate) fn read_up_to(file: &mut File, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buf.len() {
        let n = file.read(&mut buf[filled..])?;
        if n == 0 {
            break;
        }
        filled += n;
    }
    Ok(filled)
}

/// Streaming UTF-8 validation across chunk boundaries.
#[derive(Default)]
struct Utf8Check {
    carry: Vec<u8>,
    invalid: bool,
    nul_at: Option<u64>,
}

impl Utf8Check {
    fn feed(&mut self, chunk: &[u8], offset: u64) {
        if self.nul_at.is_none()
            && let Some(i) = memchr_nul(chunk)
        {
            self.nul_at = Some(offset + i as u64);
        }
        if self.invalid {
            return;
        }
        // Complete a character split by the previous chunk boundary, then check the rest in place.
        let mut rest = chunk;
        if let Some(&lead) = self.carry.first() {
            let width = match lead {
                0xC0..=0xDF => 2,
                0xE0..=0xEF => 3,
                _ => 4,
            };
            let need = width - self.carry.len();
            if chunk.len() < need {
                self.carry.extend_from_slice(chunk);
                return;
            }
            let mut joined = std::mem::take(&mut self.carry);
            joined.extend_from_slice(&chunk[..need]);
            if std::str::from_utf8(&joined).is_err() {
                self.invalid = true;
                return;
            }
            rest = &chunk[need..];
        }
        match simdutf8::compat::from_utf8(rest) {
            Ok(_) => {}
            Err(e) if e.error_len().is_none() => self.carry = rest[e.valid_up_to()..].to_vec(),
            Err(_) => self.invalid = true,
        }
    }

    fn finish(&self) -> bool {
        !self.invalid && self.carry.is_empty()
    }
}

fn memchr_nul(chunk: &[u8]) -> Option<usize> {
    memchr::memchr(0, chunk)
}

fn first_gb18030_error(file: &mut File) -> std::io::Result<Option<u64>> {
    let mut decoder = encoding_rs::GB18030.new_decoder_without_bom_handling();
    let mut buf = vec![0u8; CHUNK];
    let mut out = String::with_capacity(CHUNK * 2);
    let mut consumed = 0u64;
    loop {
        let n = file.read(&mut buf)?;
        let last = n == 0;
        let mut input = &buf[..n];
        loop {
            out.clear();
            let (result, read) = decoder.decode_to_string_without_replacement(input, &mut out, last);
            consumed += read as u64;
            input = &input[read..];
            match result {
                encoding_rs::DecoderResult::InputEmpty => break,
                encoding_rs::DecoderResult::OutputFull => out.reserve(CHUNK),
                encoding_rs::DecoderResult::Malformed(bad, _) => {
                    return Ok(Some(consumed.saturating_sub(u64::from(bad))));
                }
            }
        }
        if last {
            return Ok(None);
        }
    }
}

/// The table a file holds, by its file name: the stem is a table's name or
/// Chinese label, or starts with one followed by `_`, `-`, `.` or a space
/// (`disbursement_2026-03.xlsx`). The longest match wins (`fund_program` over a
/// hypothetical `fund`).
pub fn table_for_file(path: &Path) -> Option<&'static Table> {
    let stem = path.file_stem()?.to_str()?;
    TABLES
        .iter()
        .flat_map(|t| [(t, t.name), (t, t.label)])
        .filter(|(_, name)| {
            stem == *name
                || stem.strip_prefix(name).is_some_and(|rest| rest.starts_with(['_', '-', '.', ' ', '（', '(']))
        })
        .max_by_key(|(_, name)| name.len())
        .map(|(t, _)| t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_check_across_every_chunk_boundary() {
        let text = "身份证号,姓名\n阿依古丽·买买提,𠀀😀\n".as_bytes();
        for size in 1..8 {
            let mut check = Utf8Check::default();
            for (i, chunk) in text.chunks(size).enumerate() {
                check.feed(chunk, (i * size) as u64);
            }
            assert!(check.finish(), "chunk size {size}");
        }
        let (gbk, _, _) = encoding_rs::GB18030.encode("身份证号,姓名\n王秀英\n");
        for size in 1..8 {
            let mut check = Utf8Check::default();
            for (i, chunk) in gbk.chunks(size).enumerate() {
                check.feed(chunk, (i * size) as u64);
            }
            assert!(!check.finish(), "chunk size {size}");
        }
        let mut truncated = Utf8Check::default();
        truncated.feed(&"王".as_bytes()[..2], 0);
        assert!(!truncated.finish());
    }

    #[test]
    fn tables_from_file_names() {
        let name = |p: &str| table_for_file(Path::new(p)).map(|t| t.name);
        assert_eq!(name("x/disbursement.csv"), Some("disbursement"));
        assert_eq!(name("disbursement_2026-03.xlsx"), Some("disbursement"));
        assert_eq!(name("fund_program.csv"), Some("fund_program"));
        assert_eq!(name("资金发放明细_2026年3月.csv"), Some("disbursement"));
        assert_eq!(name("fuel_record-2026.csv"), Some("fuel_record"));
        assert_eq!(name("disbursements.csv"), None);
        assert_eq!(name("notes.txt"), None);
    }
}
