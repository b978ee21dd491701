//! Writing the county's files as departments send them: CSV with Chinese
//! headers, some in GBK, and with `--dirty` the mess real exports have.

use crate::rng::Rng;
use chrono::{Datelike, NaiveDate, NaiveDateTime};
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// Writes UTF-8 text as GB18030, carrying a character split across writes.
struct Gbk<W: Write> {
    inner: W,
    carry: Vec<u8>,
}

impl<W: Write> Write for Gbk<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.carry.extend_from_slice(buf);
        let valid = match std::str::from_utf8(&self.carry) {
            Ok(_) => self.carry.len(),
            Err(e) => e.valid_up_to(),
        };
        let text = std::str::from_utf8(&self.carry[..valid]).unwrap_or_default();
        let (bytes, _, _) = encoding_rs::GB18030.encode(text);
        self.inner.write_all(&bytes)?;
        self.carry.drain(..valid);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

pub struct Table {
    writer: csv::Writer<Box<dyn Write>>,
    pub rows: u64,
}

impl Table {
    pub fn row<I, T>(&mut self, fields: I) -> std::io::Result<()>
    where
        I: IntoIterator<Item = T>,
        T: AsRef<[u8]>,
    {
        self.rows += 1;
        self.writer.write_record(fields).map_err(std::io::Error::other)
    }

    pub fn finish(mut self) -> std::io::Result<()> {
        self.writer.flush()
    }
}

pub struct Out {
    dir: PathBuf,
    pub dirty: bool,
    rng: Rng,
}

impl Out {
    pub fn new(dir: &Path, dirty: bool, seed: u64) -> std::io::Result<Out> {
        std::fs::create_dir_all(dir)?;
        Ok(Out { dir: dir.to_owned(), dirty, rng: Rng::new(seed ^ 0xD1E7) })
    }

    /// Opens `name.csv` with the given Chinese headers. With `--dirty`, `gbk`
    /// tables are written as GBK, as Excel in China saves CSV.
    pub fn table(&self, name: &str, headers: &[&str], gbk: bool) -> std::io::Result<Table> {
        let file = BufWriter::with_capacity(1 << 16, File::create(self.dir.join(format!("{name}.csv")))?);
        let sink: Box<dyn Write> = if gbk && self.dirty {
            Box::new(Gbk { inner: file, carry: Vec::new() })
        } else {
            let mut file = file;
            file.write_all(b"\xEF\xBB\xBF")?;
            Box::new(file)
        };
        let mut writer = csv::Writer::from_writer(sink);
        writer.write_record(headers).map_err(std::io::Error::other)?;
        Ok(Table { writer, rows: 0 })
    }

    pub fn money(&mut self, fen: i64) -> String {
        let plain = format!("{}.{:02}", fen / 100, fen % 100);
        if !self.dirty || !self.rng.chance(0.25) {
            return plain;
        }
        let digits = (fen / 100).to_string();
        let mut grouped = String::new();
        for (i, d) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(d);
        }
        match self.rng.range(0, 3) {
            0 => format!("{grouped}.{:02}元", fen % 100),
            1 => format!("¥{grouped}.{:02}", fen % 100),
            _ => format!("{grouped}.{:02}", fen % 100),
        }
    }

    pub fn date(&mut self, d: NaiveDate) -> String {
        if self.dirty && self.rng.chance(0.2) {
            match self.rng.range(0, 3) {
                0 => format!("{}年{}月{}日", d.year(), d.month(), d.day()),
                1 => format!("{}/{}/{}", d.year(), d.month(), d.day()),
                _ => d.format("%Y%m%d").to_string(),
            }
        } else {
            d.format("%Y-%m-%d").to_string()
        }
    }

    pub fn datetime(&mut self, t: NaiveDateTime) -> String {
        format!("{} {}", self.date(t.date()), t.format("%H:%M"))
    }

    pub fn period(&mut self, year: i32, month: u32) -> String {
        if self.dirty && self.rng.chance(0.2) {
            if self.rng.chance(0.5) { format!("{year}年{month}月") } else { format!("{year}{month:02}") }
        } else {
            format!("{year}-{month:02}")
        }
    }

    /// A name, with `--dirty` sometimes padded with a full-width space.
    pub fn name(&mut self, name: &str) -> String {
        if self.dirty && self.rng.chance(0.02) { format!("\u{3000}{name} ") } else { name.to_owned() }
    }

    /// An ID number, with `--dirty` sometimes in full-width digits or lower-case `x`.
    pub fn id(&mut self, id: &str) -> String {
        if self.dirty && self.rng.chance(0.01) {
            id.chars()
                .map(|c| if c.is_ascii_digit() { char::from_u32(c as u32 - 0x30 + 0xFF10).unwrap_or(c) } else { c })
                .collect()
        } else if self.dirty && id.ends_with('X') && self.rng.chance(0.3) {
            id.to_lowercase()
        } else {
            id.to_owned()
        }
    }
}
