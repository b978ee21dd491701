//! CSV records, read as the `csv` crate reads them (delimiter configurable,
//! `"` quoting with doubled quotes, `\r`, `\n` or `\r\n` ending a record, blank
//! lines skipped, a leading UTF-8 BOM dropped, any number of fields per record),
//! but faster on the records department exports are made of.
//!
//! A line is split at its delimiters where it lies in the read buffer, without a
//! copy: one vectorized search for its end, one for a quote, then its delimiters
//! eight bytes at a time (one search per field when it has quotes). A
//! quoted field that simply opens and closes within the line (`"1,234.50"`) is
//! the text between its quotes. Every other record with a quote (a doubled
//! quote, a line break inside quotes, text after a closing quote) goes through
//! `csv_core`, the state machine under the `csv` crate, which unescapes it into
//! a buffer of its own. Both agree with `csv` on every input (property test below).

use memchr::{memchr, memchr2};
use std::io::Read;
use std::ops::Range;

const READ_CHUNK: usize = 256 * 1024;

pub(crate) struct Records<R> {
    input: R,
    buf: Vec<u8>,
    /// The unread bytes are `buf[start..end]`.
    start: usize,
    end: usize,
    eof: bool,
    at_stream_start: bool,
    read_chunk: usize,
    delimiter: u8,
    core: csv_core::Reader,
    /// Unescaped fields of a quoted record.
    out: Vec<u8>,
    ends: Vec<usize>,
    /// The fields of the last record, as ranges into its text.
    fields: Vec<Range<usize>>,
}

/// One record: its text and its fields as ranges of that text.
pub(crate) struct Record<'a> {
    pub text: &'a [u8],
    pub fields: &'a [Range<usize>],
    /// Whether every field starts and ends next to an ASCII delimiter or quote, or
    /// at the text's ends (so on a character boundary, when the text is UTF-8);
    /// false for records `csv_core` unescaped, whose fields lie side by side.
    pub ascii_bounds: bool,
}

impl Record<'_> {
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    pub fn field(&self, i: usize) -> &[u8] {
        &self.text[self.fields[i].clone()]
    }
}

impl<R: Read> Records<R> {
    pub fn new(input: R, delimiter: u8) -> Self {
        Self::with_chunk(input, delimiter, READ_CHUNK)
    }

    fn with_chunk(input: R, delimiter: u8, read_chunk: usize) -> Self {
        let mut core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        // `csv_core` drops a BOM at the start of the first input it is given; the
        // stream's start is dealt with here, so it is told it has started (a blank
        // line, which changes no state).
        let (mut out, mut ends) = ([0u8; 1], [0usize; 1]);
        core.read_record(b"\n", &mut out, &mut ends);
        Records {
            input,
            buf: Vec::new(),
            start: 0,
            end: 0,
            eof: false,
            at_stream_start: true,
            read_chunk,
            delimiter,
            core,
            out: vec![0; 1024],
            ends: vec![0; 64],
            fields: Vec::new(),
        }
    }

    /// Reads more of the input after the unread bytes, moving them to the
    /// buffer's front. Returns false at the end of the input.
    fn fill(&mut self) -> std::io::Result<bool> {
        if self.eof {
            return Ok(false);
        }
        self.buf.copy_within(self.start..self.end, 0);
        self.end -= self.start;
        self.start = 0;
        let want = self.end + self.read_chunk;
        if self.buf.len() < want {
            self.buf.resize(want.max(self.buf.len() * 2), 0);
        }
        loop {
            match self.input.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => return Err(e),
            }
        }
    }

    /// The next record, or `None` at the end of the input.
    pub fn next_record(&mut self) -> std::io::Result<Option<Record<'_>>> {
        if self.at_stream_start {
            self.at_stream_start = false;
            while self.end < 3 && self.fill()? {}
            if self.buf[..self.end].starts_with(b"\xef\xbb\xbf") {
                self.start = 3;
            }
        }
        // Blank lines are no records.
        loop {
            while self.start < self.end && matches!(self.buf[self.start], b'\r' | b'\n') {
                self.start += 1;
            }
            if self.start < self.end {
                break;
            }
            if !self.fill()? {
                return Ok(None);
            }
        }
        // The line's end: the record's, unless a quoted field holds a line break.
        let mut scanned = self.start;
        let line_end = loop {
            match memchr2(b'\r', b'\n', &self.buf[scanned..self.end]) {
                Some(i) => break scanned + i,
                None => {
                    let offset = self.end - self.start;
                    if !self.fill()? {
                        break self.end;
                    }
                    scanned = self.start + offset;
                }
            }
        };
        let start = self.start;
        let line = &self.buf[start..line_end];
        self.fields.clear();
        if memchr(b'"', line).is_none() {
            split_plain(line, self.delimiter, &mut self.fields);
        } else if !split_quoted(line, self.delimiter, &mut self.fields) {
            return self.quoted();
        }
        self.start = line_end;
        Ok(Some(Record {
            text: &self.buf[start..line_end],
            fields: &self.fields,
            ascii_bounds: self.delimiter.is_ascii(),
        }))
    }

    /// A record with a quote, read by `csv_core` from its first byte.
    fn quoted(&mut self) -> std::io::Result<Option<Record<'_>>> {
        let (mut nout, mut nends) = (0, 0);
        loop {
            let input = &self.buf[self.start..self.end];
            let at_end = input.is_empty();
            let (result, nin, o, e) = self.core.read_record(input, &mut self.out[nout..], &mut self.ends[nends..]);
            self.start += nin;
            nout += o;
            nends += e;
            match result {
                // An empty input tells `csv_core` the data ended; it then answers
                // `Record` or `End`, never `InputEmpty`.
                csv_core::ReadRecordResult::InputEmpty if at_end => return Ok(None),
                csv_core::ReadRecordResult::InputEmpty => {
                    self.fill()?;
                }
                csv_core::ReadRecordResult::OutputFull => {
                    let len = self.out.len() * 2;
                    self.out.resize(len, 0);
                }
                csv_core::ReadRecordResult::OutputEndsFull => {
                    let len = self.ends.len() * 2;
                    self.ends.resize(len, 0);
                }
                csv_core::ReadRecordResult::Record => break,
                csv_core::ReadRecordResult::End => return Ok(None),
            }
        }
        self.fields.clear();
        let mut field_start = 0;
        for &end in &self.ends[..nends] {
            self.fields.push(field_start..end);
            field_start = end;
        }
        Ok(Some(Record { text: &self.out[..nout], fields: &self.fields, ascii_bounds: false }))
    }
}

/// Splits a line without quotes at every delimiter. Eight bytes are compared at
/// a time (fields are short: a search call per field costs more than the field).
fn split_plain(line: &[u8], delimiter: u8, fields: &mut Vec<Range<usize>>) {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const LOW7: u64 = u64::from_le_bytes([0x7f; 8]);
    let pattern = ONES * u64::from(delimiter);
    let mut field_start = 0;
    let mut chunks = line.chunks_exact(8);
    let mut base = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let x = u64::from_le_bytes(word) ^ pattern;
        // The high bit set exactly in the bytes of `x` that are zero (no carry
        // crosses a byte: each sum is at most 0x7f + 0x7f).
        let mut found = !(((x & LOW7) + LOW7) | x | LOW7);
        while found != 0 {
            let i = base + (found.trailing_zeros() / 8) as usize;
            fields.push(field_start..i);
            field_start = i + 1;
            found &= found - 1;
        }
        base += 8;
    }
    for (j, &b) in chunks.remainder().iter().enumerate() {
        if b == delimiter {
            fields.push(field_start..base + j);
            field_start = base + j + 1;
        }
    }
    fields.push(field_start..line.len());
}

/// Splits a line with quotes whose quoted fields are simple: each opens the
/// field, closes before the line ends and is followed by a delimiter or the
/// line's end (as `"1,234.50"` in an amount column). The fields are the text
/// between the quotes; a quote inside an unquoted field is a character, as in
/// `csv_core`. Anything else (a doubled quote, text after the closing quote, a
/// line break inside quotes) returns false and is left to `csv_core`.
fn split_quoted(line: &[u8], delimiter: u8, fields: &mut Vec<Range<usize>>) -> bool {
    let mut pos = 0;
    loop {
        if line.get(pos) == Some(&b'"') {
            let Some(close) = memchr(b'"', &line[pos + 1..]).map(|i| pos + 1 + i) else {
                return false;
            };
            fields.push(pos + 1..close);
            match line.get(close + 1) {
                None => return true,
                Some(&b) if b == delimiter => pos = close + 2,
                Some(_) => return false,
            }
        } else {
            match memchr(delimiter, &line[pos..]) {
                Some(i) => {
                    fields.push(pos..pos + i);
                    pos += i + 1;
                }
                None => {
                    fields.push(pos..line.len());
                    return true;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ours(input: &[u8], delimiter: u8, chunk: usize) -> Vec<Vec<Vec<u8>>> {
        let mut records = Records::with_chunk(input, delimiter, chunk);
        let mut all = Vec::new();
        while let Some(r) = records.next_record().unwrap() {
            all.push((0..r.len()).map(|i| r.field(i).to_vec()).collect());
        }
        all
    }

    fn theirs(input: &[u8], delimiter: u8) -> Vec<Vec<Vec<u8>>> {
        let mut reader =
            csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(input);
        let mut record = csv::ByteRecord::new();
        let mut all = Vec::new();
        while reader.read_byte_record(&mut record).unwrap() {
            all.push(record.iter().map(<[u8]>::to_vec).collect());
        }
        all
    }

    #[test]
    fn reads_as_the_csv_crate_reads() {
        let cases: &[&[u8]] = &[
            b"a,b\n1,2\n",
            b"\xef\xbb\xbfa,b\r\n1,\"2,3\"\r\n\r\n4,\"x\"\"y\"\n",
            b"a,b",
            b"\"a\nb\",c\nd",
            b"x\n\xef\xbb\xbf\"y\",z\n",
            b"a\"b,c\r\rd",
            b"",
            b"\n\n",
            b",\n,,\n",
        ];
        for case in cases {
            for chunk in [1, 2, 3, 7, 1024] {
                assert_eq!(
                    ours(case, b',', chunk),
                    theirs(case, b','),
                    "{:?} chunk {chunk}",
                    String::from_utf8_lossy(case)
                );
            }
        }
    }

    #[test]
    fn plain_lines_split_at_every_delimiter() {
        let bytes: Vec<u8> = (0..=255u8).collect();
        for delimiter in [b',', b'\t', 0x00, 0x80, 0xff] {
            for len in 0..40 {
                for seed in 0..8usize {
                    let line: Vec<u8> = (0..len)
                        .map(|i| if (i * 7 + seed) % 5 == 0 { delimiter } else { bytes[(i * 31 + seed * 17) % 256] })
                        .collect();
                    let mut fields = Vec::new();
                    split_plain(&line, delimiter, &mut fields);
                    let ours: Vec<&[u8]> = fields.iter().map(|f| &line[f.clone()]).collect();
                    let expected: Vec<&[u8]> = line.split(|&b| b == delimiter).collect();
                    assert_eq!(ours, expected, "{line:?}");
                }
            }
        }
    }

    #[test]
    fn a_field_larger_than_the_buffer() {
        let mut input = b"a,".to_vec();
        input.extend(std::iter::repeat_n(b'x', 100_000));
        input.extend(b"\n\"");
        input.extend(std::iter::repeat_n(b'y', 100_000));
        input.extend(b"\",b\n");
        assert_eq!(ours(&input, b',', 4096), theirs(&input, b','));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(5000))]
        #[test]
        fn agrees_with_the_csv_crate(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just(&b"a"[..]), Just(&b"bc"[..]), Just(&b","[..]), Just(&b"\t"[..]), Just(&b"\""[..]),
                    Just(&b"\r"[..]), Just(&b"\n"[..]), Just(&b"\r\n"[..]), Just(&b" "[..]),
                    Just("é".as_bytes()), Just(&b"\xef\xbb\xbf"[..]), Just(&b"\"1,2\""[..]), Just(&b"\"\""[..]),
                ],
                0..40,
            ),
            tab in any::<bool>(),
            chunk in 1usize..9,
        ) {
            let input: Vec<u8> = parts.concat();
            let delimiter = if tab { b'\t' } else { b',' };
            prop_assert_eq!(ours(&input, delimiter, chunk), theirs(&input, delimiter));
        }
    }
}
