//! Reading a file row by row into validated record batches.

use crate::builder::BatchBuilder;
use crate::header::{self, HeaderPlan, MAX_TITLE_ROWS, Slot};
use crate::records::{Record, Records};
use crate::{Encoding, FileError, FileFacts, Format, Mapping, RowError, table_for_file};
use arrow_array::RecordBatch;
use chrono::{Datelike, NaiveDate};
use contract::{Cell, Column, Flag, Kind, Table, Value, ValueError};
use std::borrow::Cow;
use std::collections::HashMap;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Spreadsheets larger than this when unpacked are refused: a real department
/// export of a million rows unpacks to a few hundred megabytes; more is a zip bomb.
pub const MAX_WORKBOOK_UNPACKED_BYTES: u64 = 1 << 30;
/// Rows per record batch handed to the sink: bounds memory, whatever the file size.
pub const DEFAULT_BATCH_ROWS: usize = 64 * 1024;
const MAX_ERROR_VALUE_CHARS: usize = 200;

#[derive(Clone, Copy)]
pub struct ReadOptions<'a> {
    /// The table, when the file name does not say it.
    pub table: Option<&'static Table>,
    pub mapping: Option<&'a Mapping>,
    /// Written into every record's `_batch` column.
    pub batch_id: i64,
    pub batch_rows: usize,
    /// Dates after this day in columns of past events are counted as findings.
    pub today: NaiveDate,
    /// Receives the number of bytes of the file read so far, for progress bars.
    pub bytes_read: Option<&'a AtomicU64>,
}

/// Counts the bytes read through it, for progress reporting.
struct Counting<'a, R> {
    inner: R,
    count: &'a AtomicU64,
}

impl<R: Read> Read for Counting<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.count.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Per-column counts for the data-quality report.
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct ColumnStats {
    pub key: String,
    /// Whether the file had this column at all.
    pub present: bool,
    pub non_null: u64,
    /// ID numbers or credit codes whose check character fails.
    pub bad_check: u64,
    /// Dates of past events that lie after the import day.
    pub future: u64,
    pub before_1900: u64,
}

#[derive(Debug)]
pub struct Outcome {
    pub table: &'static Table,
    /// Data rows read, blank rows not counted.
    pub rows_read: u64,
    /// Rows that passed validation and went to the sink.
    pub rows_ok: u64,
    pub rows_with_errors: u64,
    pub blank_rows: u64,
    /// Rows above the header (titles), skipped.
    pub title_rows: u64,
    pub errors: Vec<RowError>,
    /// One per contract column, in contract order.
    pub stats: Vec<ColumnStats>,
    pub extra_columns: Vec<String>,
    /// The worksheet read, for workbooks.
    pub sheet: Option<String>,
}

pub type Sink<'s> = dyn FnMut(RecordBatch) -> Result<(), String> + 's;

/// Reads a whole file, sending good rows to `sink` in record batches and
/// collecting every bad row. Whether the batch is accepted is the caller's call.
pub fn read_file(facts: &FileFacts, options: &ReadOptions<'_>, sink: &mut Sink<'_>) -> Result<Outcome, FileError> {
    let path = facts.path.as_path();
    let table = options
        .table
        .or_else(|| table_for_file(path))
        .ok_or_else(|| FileError::UnknownTable { path: path.to_owned() })?;
    match facts.format {
        Format::Csv => read_csv(path, facts.encoding.unwrap_or(Encoding::Utf8), table, options, sink),
        Format::Workbook => read_workbook(path, table, options, sink),
    }
}

/// The validation and building state shared by the CSV and workbook readers.
struct Rows<'o, S> {
    path: PathBuf,
    table: &'static Table,
    plan: HeaderPlan,
    options: ReadOptions<'o>,
    builder: BatchBuilder,
    sink: S,
    keys: HashMap<String, u64>,
    key_column: Option<usize>,
    /// Person rows get gender and birth date from the ID number when absent.
    derive_person: bool,
    outcome: Outcome,
    /// The columns whose values are dates (dates, date-times, periods): counted
    /// before 1900 and, for past events, in the future.
    dated_columns: Vec<usize>,
    /// Buffers of `row`, kept between rows (see `recycle`).
    spare_values: Vec<Value<'static>>,
    spare_flags: Vec<Option<Flag>>,
}

impl<'o, S: FnMut(RecordBatch) -> Result<(), String>> Rows<'o, S> {
    fn new(
        path: &Path,
        table: &'static Table,
        plan: HeaderPlan,
        options: &ReadOptions<'o>,
        sink: S,
        sheet: Option<String>,
    ) -> Self {
        let stats = table
            .columns
            .iter()
            .enumerate()
            .map(|(i, c)| ColumnStats {
                key: c.key.to_owned(),
                present: plan.headers[i].is_some(),
                ..Default::default()
            })
            .collect();
        let outcome = Outcome {
            table,
            rows_read: 0,
            rows_ok: 0,
            rows_with_errors: 0,
            blank_rows: 0,
            title_rows: plan.header_index as u64,
            errors: Vec::new(),
            stats,
            extra_columns: plan.extra_headers(),
            sheet,
        };
        Rows {
            path: path.to_owned(),
            table,
            key_column: table.key.and_then(|k| table.columns.iter().position(|c| c.key == k)),
            builder: BatchBuilder::new(table, options.batch_id, options.batch_rows.min(1 << 20)),
            plan,
            options: *options,
            sink,
            keys: HashMap::new(),
            derive_person: table.name == "person",
            dated_columns: (table.columns.iter().enumerate())
                .filter(|(_, c)| matches!(c.kind, Kind::Date | Kind::DateTime | Kind::Period))
                .map(|(i, _)| i)
                .collect(),
            outcome,
            spare_values: Vec::new(),
            spare_flags: Vec::new(),
        }
    }

    fn column_header(&self, column: usize) -> String {
        self.plan.headers[column].clone().unwrap_or_else(|| self.table.columns[column].key.to_owned())
    }

    fn error(&mut self, row: u64, column: String, value: String, reason: String) {
        self.outcome.errors.push(RowError { row, column, value: shorten(value), reason });
    }

    fn row<C: RowCell>(&mut self, row: u64, cells: &[C]) -> Result<(), FileError> {
        if cells.iter().all(C::is_blank) {
            self.outcome.blank_rows += 1;
            return Ok(());
        }
        let columns = self.table.columns.len();
        let mut values: Vec<Value<'_>> = recycle(std::mem::take(&mut self.spare_values));
        values.resize(columns, Value::Null);
        let mut flags = std::mem::take(&mut self.spare_flags);
        flags.clear();
        flags.resize(columns, None);
        let result = self.validate_row(row, cells, &mut values, &mut flags);
        self.spare_values = recycle(values);
        self.spare_flags = flags;
        result
    }

    /// `row` for a row that is not blank, with `values` and `flags` of the table's width, all empty.
    fn validate_row<'c, C: RowCell>(
        &mut self,
        row: u64,
        cells: &'c [C],
        values: &mut [Value<'c>],
        flags: &mut [Option<Flag>],
    ) -> Result<(), FileError> {
        self.outcome.rows_read += 1;
        let errors_before = self.outcome.errors.len();
        let columns = self.table.columns;
        let mut extra: Vec<(String, String)> = Vec::new();
        let slots = self.plan.slots.len();
        // Columns the contract does not know are kept whole, as the file has them.
        for (i, cell) in cells.iter().enumerate().skip(slots) {
            if !cell.is_blank() {
                extra.push((format!("column_{}", i + 1), cell.display()));
            }
        }
        for i in 0..slots {
            // A short record's missing cells are empty.
            let cell = cells.get(i);
            match &self.plan.slots[i] {
                Slot::Column(c) => {
                    let parsed = match cell {
                        Some(cell) => cell.parse(&columns[*c]),
                        None => columns[*c].parse(Cell::Empty),
                    };
                    match parsed {
                        Ok((value, flag)) => {
                            values[*c] = value;
                            flags[*c] = flag;
                        }
                        Err(e) => {
                            let header = self.column_header(*c);
                            let value = cell.map(C::display).unwrap_or_default();
                            self.error(row, header, value, e.0);
                        }
                    }
                }
                Slot::Extra(header) => {
                    if let Some(cell) = cell.filter(|c| !c.is_blank()) {
                        extra.push((header.clone(), cell.display()));
                    }
                }
                Slot::Blank => {
                    if let Some(cell) = cell.filter(|c| !c.is_blank()) {
                        extra.push((format!("column_{}", i + 1), cell.display()));
                    }
                }
            }
        }
        if self.derive_person {
            derive_from_id(self.table, values);
        }
        if let Some(k) = self.key_column
            && let Value::Text(key) = &values[k]
        {
            match self.keys.get(key.as_ref()) {
                Some(first) => {
                    let first = *first;
                    let header = self.column_header(k);
                    let key = key.to_string();
                    self.error(
                        row,
                        header,
                        key,
                        format!("主键重复，与第{first}行相同 / duplicate key, first seen in row {first}"),
                    );
                }
                None if self.outcome.errors.len() == errors_before => {
                    self.keys.insert(key.to_string(), row);
                }
                None => {}
            }
        }
        if self.outcome.errors.len() > errors_before {
            self.outcome.rows_with_errors += 1;
            return Ok(());
        }
        self.count(values, flags);
        let extra_json = (!extra.is_empty()).then(|| {
            let map: serde_json::Map<String, serde_json::Value> =
                extra.into_iter().map(|(k, v)| (k, serde_json::Value::String(v))).collect();
            serde_json::Value::Object(map).to_string()
        });
        self.builder.append(values, row, extra_json.as_deref());
        self.outcome.rows_ok += 1;
        if self.builder.len() >= self.options.batch_rows {
            self.flush()?;
        }
        Ok(())
    }

    fn count(&mut self, values: &[Value<'_>], flags: &[Option<Flag>]) {
        let today = self.options.today;
        for ((value, flag), stats) in values.iter().zip(flags).zip(&mut self.outcome.stats) {
            if matches!(value, Value::Null) {
                continue;
            }
            stats.non_null += 1;
            if *flag == Some(Flag::BadCheckDigit) {
                stats.bad_check += 1;
            }
        }
        for &i in &self.dated_columns {
            let date = match &values[i] {
                Value::Date(d) => *d,
                Value::DateTime(t) => t.date(),
                Value::Period(p) => p.first_day(),
                _ => continue,
            };
            let stats = &mut self.outcome.stats[i];
            if date.year() < 1900 {
                stats.before_1900 += 1;
            }
            if self.table.columns[i].past && date > today {
                stats.future += 1;
            }
        }
    }

    fn flush(&mut self) -> Result<(), FileError> {
        if self.builder.is_empty() {
            return Ok(());
        }
        let sink_error = |detail: String| FileError::Sink { path: self.path.to_owned(), detail };
        let batch = self.builder.finish().map_err(|e| sink_error(e.to_string()))?;
        (self.sink)(batch).map_err(sink_error)
    }

    fn finish(mut self) -> Result<Outcome, FileError> {
        self.flush()?;
        if self.outcome.rows_read == 0 {
            return Err(FileError::HeaderOnly { path: self.path.to_owned() });
        }
        Ok(self.outcome)
    }
}

/// Rows handed over as text, one field per header, rather than read from a file
/// of their own (OCDS input): validated and built into batches exactly as the
/// rows of a CSV file with that header are.
pub struct TextRows<'o, S> {
    rows: Rows<'o, S>,
    spare: Vec<Field<'static>>,
}

impl<'o, S: FnMut(RecordBatch) -> Result<(), String>> TextRows<'o, S> {
    /// `path` names the input in errors; `headers` are the fields' headers; good
    /// rows go to `sink` in record batches.
    pub fn new(
        path: &Path,
        table: &'static Table,
        headers: &[&str],
        options: &ReadOptions<'o>,
        sink: S,
    ) -> Result<Self, FileError> {
        let first = [headers.iter().map(|h| h.to_string()).collect::<Vec<_>>()];
        let plan = header::plan(path, table, options.mapping, &first)?;
        Ok(TextRows { rows: Rows::new(path, table, plan, options, sink, None), spare: Vec::new() })
    }

    /// One row, numbered `row` in the input (errors and provenance give that number).
    pub fn push(&mut self, row: u64, fields: &[&str]) -> Result<(), FileError> {
        let mut cells = recycle(std::mem::take(&mut self.spare));
        cells.extend(
            fields.iter().map(|&text| Field { text, folded: !domain::may_need_width_folding(text.as_bytes()) }),
        );
        let result = self.rows.row(row, &cells);
        self.spare = recycle(cells);
        result
    }

    /// Rows pushed so far, good or bad.
    pub fn rows_read(&self) -> u64 {
        self.rows.outcome.rows_read
    }

    /// Sends the last rows to the sink. An error if no row was pushed.
    pub fn finish(self) -> Result<Outcome, FileError> {
        self.rows.finish()
    }
}

/// Gender and birth date are derived from a valid ID number when absent.
fn derive_from_id(table: &Table, values: &mut [Value<'_>]) {
    let position = |key: &str| table.columns.iter().position(|c| c.key == key);
    let (Some(id), Some(gender), Some(birth)) = (position("id_number"), position("gender"), position("birth_date"))
    else {
        return;
    };
    let Value::Text(text) = &values[id] else {
        return;
    };
    let Ok((id_number, _)) = domain::IdNumber::parse_allowing_bad_check(text) else {
        return;
    };
    if values[gender] == Value::Null {
        values[gender] = Value::Enum(id_number.gender().key());
    }
    if values[birth] == Value::Null {
        values[birth] = Value::Date(id_number.birth_date());
    }
}

/// A cell as a reader hands it over: the text of a CSV field, or a spreadsheet's typed cell.
trait RowCell {
    fn is_blank(&self) -> bool;
    fn parse(&self, column: &Column) -> Result<(Value<'_>, Option<Flag>), ValueError>;
    /// The cell as an error report shows it.
    fn display(&self) -> String;
}

/// A CSV field, and whether its record holds nothing that text normalization
/// folds (checked once per record: then the field is only trimmed).
#[derive(Clone, Copy)]
struct Field<'a> {
    text: &'a str,
    folded: bool,
}

impl RowCell for Field<'_> {
    fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }

    fn parse(&self, column: &Column) -> Result<(Value<'_>, Option<Flag>), ValueError> {
        if self.folded { column.parse_folded_text(self.text) } else { column.parse_text(self.text) }
    }

    fn display(&self) -> String {
        self.text.to_string()
    }
}

impl RowCell for Cell<'_> {
    fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(t) => t.trim().is_empty(),
            _ => false,
        }
    }

    fn parse(&self, column: &Column) -> Result<(Value<'_>, Option<Flag>), ValueError> {
        column.parse(match self {
            Cell::Text(t) => Cell::Text(Cow::Borrowed(t)),
            other => other.clone(),
        })
    }

    fn display(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(t) => t.to_string(),
            Cell::Number(n) => format!("{n}"),
            Cell::DateTime(t) => t.format("%Y-%m-%d %H:%M:%S").to_string(),
            Cell::Bool(b) => b.to_string(),
        }
    }
}

/// A value as an error report shows it: at most `MAX_ERROR_VALUE_CHARS` characters.
fn shorten(full: String) -> String {
    if full.chars().count() > MAX_ERROR_VALUE_CHARS {
        let mut short: String = full.chars().take(MAX_ERROR_VALUE_CHARS).collect();
        short.push('…');
        short
    } else {
        full
    }
}

fn read_csv(
    path: &Path,
    encoding: Encoding,
    table: &'static Table,
    options: &ReadOptions<'_>,
    sink: &mut Sink<'_>,
) -> Result<Outcome, FileError> {
    let io = |source| FileError::Io { path: path.to_owned(), source };
    let delimiter = sniff_delimiter(path).map_err(io)?;
    let file = std::fs::File::open(path).map_err(io)?;
    let no_count = AtomicU64::new(0);
    let file = Counting { inner: file, count: options.bytes_read.unwrap_or(&no_count) };
    let input: Box<dyn Read + '_> = match encoding {
        Encoding::Utf8 | Encoding::Utf8Bom => Box::new(file),
        Encoding::Gb18030 => {
            Box::new(encoding_rs_io::DecodeReaderBytesBuilder::new().encoding(Some(encoding_rs::GB18030)).build(file))
        }
    };
    let mut records = Records::new(input, delimiter);
    let read_error = |row: u64, e: std::io::Error| FileError::Csv { path: path.to_owned(), row, detail: e.to_string() };

    let mut first: Vec<Vec<String>> = Vec::new();
    while first.len() < MAX_TITLE_ROWS {
        let row = first.len() as u64 + 1;
        match records.next_record().map_err(|e| read_error(row, e))? {
            Some(record) => {
                let fields = record_fields(&record).map_err(|field| not_utf8(path, row, field))?;
                first.push(fields.map(str::to_owned).collect());
            }
            None => break,
        }
    }
    if first.is_empty() {
        return Err(FileError::Empty { path: path.to_owned() });
    }
    let plan = header::plan(path, table, options.mapping, &first)?;
    let header_index = plan.header_index;
    let mut rows = Rows::new(path, table, plan, options, &mut *sink, None);
    // Rows are numbered as a spreadsheet numbers them: the first record is row 1.
    for (index, record) in first.iter().enumerate().skip(header_index + 1) {
        let cells: Vec<Field<'_>> = record.iter().map(|text| Field { text, folded: false }).collect();
        rows.row(index as u64 + 1, &cells)?;
    }
    let mut index = first.len() as u64;
    // One vector of cells for the whole file, emptied between records.
    let mut spare: Vec<Field<'static>> = Vec::new();
    while let Some(record) = records.next_record().map_err(|e| read_error(index + 1, e))? {
        index += 1;
        let fields = record_fields(&record).map_err(|field| not_utf8(path, index, field))?;
        let folded = !domain::may_need_width_folding(record.text);
        let mut cells = recycle(std::mem::take(&mut spare));
        cells.extend(fields.map(|text| Field { text, folded }));
        rows.row(index, &cells)?;
        spare = recycle(cells);
    }
    rows.finish()
}

/// The fields of a record as text. The record's bytes are checked as UTF-8 once;
/// its fields are slices of that text (a quoted record's unescaped fields lie
/// side by side, so a boundary may still cut a character: that field is named).
/// The error is the index of the first field that is not UTF-8.
fn record_fields<'r>(record: &Record<'r>) -> Result<impl Iterator<Item = &'r str> + 'r, usize> {
    let bad_field = || (0..record.len()).find(|&i| std::str::from_utf8(record.field(i)).is_err()).unwrap_or(0);
    let text = simdutf8::basic::from_utf8(record.text).map_err(|_| bad_field())?;
    if !record.ascii_bounds
        && let Some(i) =
            record.fields.iter().position(|f| !text.is_char_boundary(f.start) || !text.is_char_boundary(f.end))
    {
        return Err(i);
    }
    Ok(record.fields.iter().map(move |f| &text[f.clone()]))
}

/// An empty vector of another lifetime in the same allocation: buffers of
/// borrowed values live across records without an allocation per record.
fn recycle<T, U>(mut cells: Vec<T>) -> Vec<U> {
    cells.clear();
    // In-place collection keeps the allocation when the layouts agree (they do:
    // only the lifetime differs); no element is left to map.
    cells.into_iter().filter_map(|_| None).collect()
}

/// A record that is not UTF-8 although the file was when it was inspected: the
/// file changed while it was read.
fn not_utf8(path: &Path, row: u64, field: usize) -> FileError {
    FileError::Csv {
        path: path.to_owned(),
        row,
        detail: format!("第{}列不是有效的UTF-8文本 / field {} is not valid UTF-8", field + 1, field + 1),
    }
}

/// Comma unless the first line has tabs and no commas (tab-separated exports).
fn sniff_delimiter(path: &Path) -> std::io::Result<u8> {
    let mut file = std::fs::File::open(path)?;
    let mut head = vec![0u8; 64 * 1024];
    let filled = crate::inspect::read_up_to(&mut file, &mut head)?;
    let head = &head[..filled];
    let line = head.split(|&b| b == b'\n').next().unwrap_or(head);
    let tabs = line.iter().filter(|&&b| b == b'\t').count();
    let commas = line.iter().filter(|&&b| b == b',').count();
    Ok(if tabs > 0 && commas == 0 { b'\t' } else { b',' })
}

fn read_workbook(
    path: &Path,
    table: &'static Table,
    options: &ReadOptions<'_>,
    sink: &mut Sink<'_>,
) -> Result<Outcome, FileError> {
    use calamine::{Data, Reader};
    let io = |source| FileError::Io { path: path.to_owned(), source };
    let bytes = std::fs::read(path).map_err(io)?;
    if let Some(count) = options.bytes_read {
        count.store(bytes.len() as u64, Ordering::Relaxed);
    }
    if bytes.starts_with(b"PK") {
        check_unpacked_size(path, &bytes)?;
    }
    let mut workbook = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| FileError::Spreadsheet { path: path.to_owned(), detail: e.to_string() })?;
    let names = workbook.sheet_names();
    let sheet = names
        .iter()
        .find(|n| n.as_str() == table.name || n.as_str() == table.label)
        .or_else(|| names.first())
        .cloned()
        .ok_or_else(|| FileError::Spreadsheet { path: path.to_owned(), detail: "no worksheet".into() })?;
    let range = workbook
        .worksheet_range(&sheet)
        .map_err(|e| FileError::Spreadsheet { path: path.to_owned(), detail: e.to_string() })?;
    let Some((start_row, start_column)) = range.start() else {
        return Err(FileError::Empty { path: path.to_owned() });
    };
    // Cells left of the used range are empty; keep column positions as the sheet has them.
    let lead = start_column as usize;
    let to_cell = |d: &Data| -> Cell<'static> {
        match d {
            Data::Empty => Cell::Empty,
            Data::String(s) => Cell::Text(Cow::Owned(s.clone())),
            Data::Int(i) => Cell::Text(Cow::Owned(i.to_string())),
            Data::Float(f) => Cell::Number(*f),
            Data::Bool(b) => Cell::Bool(*b),
            Data::DateTime(t) => match domain::excel_serial_to_datetime(t.as_f64()) {
                Some(dt) if t.is_datetime() => Cell::DateTime(dt),
                _ => Cell::Number(t.as_f64()),
            },
            Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(Cow::Owned(s.clone())),
            Data::Error(e) => Cell::Text(Cow::Owned(format!("#{e:?}"))),
        }
    };
    let first_text: Vec<Vec<String>> = range
        .rows()
        .take(MAX_TITLE_ROWS)
        .map(|r| {
            let mut row = vec![String::new(); lead];
            row.extend(r.iter().map(|d| match d {
                Data::String(s) => s.clone(),
                Data::Empty => String::new(),
                other => other.to_string(),
            }));
            row
        })
        .collect();
    if first_text.is_empty() {
        return Err(FileError::Empty { path: path.to_owned() });
    }
    let plan = header::plan(path, table, options.mapping, &first_text)?;
    let header_index = plan.header_index;
    let mut rows = Rows::new(path, table, plan, options, &mut *sink, Some(sheet));
    for (index, r) in range.rows().enumerate().skip(header_index + 1) {
        let mut cells: Vec<Cell<'_>> = vec![Cell::Empty; lead];
        cells.extend(r.iter().map(to_cell));
        rows.row(u64::from(start_row) + index as u64 + 1, &cells)?;
    }
    rows.finish()
}

/// Refuses a workbook whose parts would unpack to more than is safe to read.
fn check_unpacked_size(path: &Path, bytes: &[u8]) -> Result<(), FileError> {
    let damaged = |e: zip::result::ZipError| FileError::Spreadsheet { path: path.to_owned(), detail: e.to_string() };
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(damaged)?;
    let mut total = 0u64;
    for i in 0..archive.len() {
        total = total.saturating_add(archive.by_index_raw(i).map_err(damaged)?.size());
    }
    if total > MAX_WORKBOOK_UNPACKED_BYTES {
        return Err(FileError::TooLarge { path: path.to_owned(), bytes: total });
    }
    Ok(())
}
