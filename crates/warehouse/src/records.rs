//! The source rows behind a warning, read back from the batches' Parquet
//! files, so a reviewer sees the records themselves beside the figures.

use crate::{Warehouse, WarehouseError};
use arrow_array::cast::AsArray;
use arrow_array::types::{Date32Type, Float64Type, Int64Type, TimestampSecondType};
use arrow_array::{Array, ArrayRef, RecordBatch};
use arrow_schema::DataType;
use models::Source;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::file::statistics::Statistics;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::Arc;

/// One source record: its reference and its contract columns as text.
#[derive(Clone, Debug, serde::Serialize)]
pub struct SourceRecord {
    pub source: Source,
    /// `(column key, value)` in contract order; money in yuan, dates as `YYYY-MM-DD`.
    pub values: Vec<(String, String)>,
    /// The batch's file name as the department sent it.
    pub source_name: String,
}

const EPOCH_DAYS_CE: i32 = 719_163;

fn text(array: &ArrayRef, row: usize, kind: Option<&str>) -> String {
    if array.is_null(row) {
        return String::new();
    }
    match array.data_type() {
        DataType::Utf8 => array.as_string::<i32>().value(row).to_owned(),
        DataType::Int64 => {
            let n = array.as_primitive::<Int64Type>().value(row);
            if kind == Some("money") { models::yuan(n) } else { n.to_string() }
        }
        DataType::Float64 => array.as_primitive::<Float64Type>().value(row).to_string(),
        DataType::Boolean => if array.as_boolean().value(row) { "是" } else { "否" }.to_owned(),
        DataType::Date32 => {
            let days = array.as_primitive::<Date32Type>().value(row);
            let date = chrono::NaiveDate::from_num_days_from_ce_opt(days + EPOCH_DAYS_CE);
            match (date, kind) {
                (Some(d), Some("period")) => d.format("%Y-%m").to_string(),
                (Some(d), _) => d.to_string(),
                (None, _) => days.to_string(),
            }
        }
        DataType::Timestamp(..) => {
            let seconds = array.as_primitive::<TimestampSecondType>().value(row) + ingest::LOCAL_OFFSET_SECONDS;
            chrono::DateTime::from_timestamp(seconds, 0)
                .map(|t| t.naive_utc().format("%Y-%m-%d %H:%M:%S").to_string())
                .unwrap_or_default()
        }
        other => format!("({other})"),
    }
}

/// The contract columns of row `i` as text.
fn row_values(batch: &RecordBatch, i: usize) -> Vec<(String, String)> {
    batch
        .schema()
        .fields()
        .iter()
        .enumerate()
        .filter(|(_, f)| !f.name().starts_with('_'))
        .map(|(c, f)| {
            let kind = f.metadata().get("qingfeng.kind").map(String::as_str);
            (f.name().clone(), text(batch.column(c), i, kind))
        })
        .collect()
}

/// A record read with a few of its columns ([`Warehouse::records_projected`]):
/// its reference and those values, held in one string — millions of them fit.
#[derive(Clone, Debug)]
pub struct ProjectedRecord {
    pub source: Source,
    columns: Arc<[String]>,
    values: String,
    ends: Box<[u32]>,
}

impl ProjectedRecord {
    /// A column's value as text ("" when empty or not read).
    pub fn value(&self, column: &str) -> &str {
        let Some(i) = self.columns.iter().position(|c| c == column) else { return "" };
        let start = if i == 0 { 0 } else { self.ends[i - 1] as usize };
        self.values.get(start..self.ends[i] as usize).unwrap_or("")
    }
}

/// One row of a record batch being read, its text columns readable in place.
pub struct RowView<'a> {
    pub table: &'a str,
    batch: &'a RecordBatch,
    row: usize,
}

impl RowView<'_> {
    /// A text column's value ("" when empty, absent or not text).
    pub fn value(&self, column: &str) -> &str {
        let Ok(c) = self.batch.schema_ref().index_of(column) else { return "" };
        match self.batch.column(c).as_string_opt::<i32>() {
            Some(a) if a.is_valid(self.row) => a.value(self.row),
            _ => "",
        }
    }
}

impl Warehouse {
    /// Every record of `table` whose `column` is one of `values`, oldest batch first;
    /// the source's key is the value matched.
    pub async fn records_where(
        &self,
        table: &str,
        column: &str,
        values: &[String],
    ) -> Result<Vec<SourceRecord>, WarehouseError> {
        self.records_matching(table, column, |v| values.iter().any(|x| x == v)).await
    }

    /// Every record of `table`, oldest batch first, keyed by `column` (records
    /// without it are left out). For pages over a whole table of modest size.
    pub async fn records_all(&self, table: &str, column: &str) -> Result<Vec<SourceRecord>, WarehouseError> {
        self.records_matching(table, column, |_| true).await
    }

    async fn records_matching(
        &self,
        table: &str,
        column: &str,
        keep: impl Fn(&str) -> bool,
    ) -> Result<Vec<SourceRecord>, WarehouseError> {
        let mut out = Vec::new();
        for (record, path) in self.table_files(table).await? {
            let err = |detail: String| WarehouseError::Parquet { path: path.clone(), detail };
            let file = std::fs::File::open(&path).map_err(|e| err(e.to_string()))?;
            let reader = ParquetRecordBatchReaderBuilder::try_new(file)
                .and_then(|b| b.build())
                .map_err(|e| err(e.to_string()))?;
            for batch_data in reader {
                let batch_data: RecordBatch = batch_data.map_err(|e| err(e.to_string()))?;
                let (Ok(c), Ok(r)) =
                    (batch_data.schema().index_of(column), batch_data.schema().index_of(ingest::PROVENANCE_ROW))
                else {
                    continue;
                };
                let Some(keys) = batch_data.column(c).as_string_opt::<i32>() else { continue };
                let rows = batch_data.column(r).as_primitive::<Int64Type>();
                for i in 0..batch_data.num_rows() {
                    if keys.is_valid(i) && keep(keys.value(i)) {
                        out.push(SourceRecord {
                            source: Source {
                                table: table.to_owned(),
                                batch: record.id,
                                row: rows.value(i),
                                key: keys.value(i).to_owned(),
                            },
                            values: row_values(&batch_data, i),
                            source_name: record.source_name.clone(),
                        });
                    }
                }
            }
        }
        Ok(out)
    }

    /// Every record of `table` with only `columns` read (Parquet projection), kept
    /// when `keep` says so — asked of the row's text columns before anything is
    /// copied: for reading a few columns of a large table.
    pub async fn records_projected(
        &self,
        table: &str,
        columns: &[&str],
        keep: impl Fn(&RowView) -> bool,
    ) -> Result<Vec<ProjectedRecord>, WarehouseError> {
        let mut out = Vec::new();
        for (record, path) in self.table_files(table).await? {
            let err = |detail: String| WarehouseError::Parquet { path: path.clone(), detail };
            let file = std::fs::File::open(&path).map_err(|e| err(e.to_string()))?;
            let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| err(e.to_string()))?;
            let wanted: Vec<usize> = builder
                .schema()
                .fields()
                .iter()
                .enumerate()
                .filter(|(_, f)| columns.contains(&f.name().as_str()) || f.name() == ingest::PROVENANCE_ROW)
                .map(|(i, _)| i)
                .collect();
            let mask = parquet::arrow::ProjectionMask::roots(builder.parquet_schema(), wanted);
            let reader = builder.with_projection(mask).build().map_err(|e| err(e.to_string()))?;
            for batch_data in reader {
                let batch_data: RecordBatch = batch_data.map_err(|e| err(e.to_string()))?;
                let Ok(r) = batch_data.schema().index_of(ingest::PROVENANCE_ROW) else { continue };
                let rows = batch_data.column(r).as_primitive::<Int64Type>();
                let names: Arc<[String]> = batch_data
                    .schema()
                    .fields()
                    .iter()
                    .filter(|f| !f.name().starts_with('_'))
                    .map(|f| f.name().clone())
                    .collect();
                for i in 0..batch_data.num_rows() {
                    if keep(&RowView { table, batch: &batch_data, row: i }) {
                        let mut values = String::new();
                        let mut ends = Vec::with_capacity(names.len());
                        for (_, v) in row_values(&batch_data, i) {
                            values.push_str(&v);
                            ends.push(values.len() as u32);
                        }
                        out.push(ProjectedRecord {
                            source: Source {
                                table: table.to_owned(),
                                batch: record.id,
                                row: rows.value(i),
                                key: String::new(),
                            },
                            columns: names.clone(),
                            values,
                            ends: ends.into_boxed_slice(),
                        });
                    }
                }
            }
        }
        Ok(out)
    }

    /// The records `sources` name, in the order given. A source whose batch or
    /// row cannot be found is left out (its reference still shows on the warning).
    pub async fn source_records(&self, sources: &[Source]) -> Result<Vec<SourceRecord>, WarehouseError> {
        let mut wanted: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
        for s in sources {
            wanted.entry(s.batch).or_default().insert(s.row);
        }
        let mut files = Vec::new();
        for (batch, rows) in wanted {
            let Ok(record) = self.store.batch(batch).await else { continue };
            let Some(path) = record.data_path.as_deref().map(|p| self.root.join(p)) else { continue };
            files.push((batch, rows, path, record.source_name));
        }
        // Decoding Parquet is blocking work: off the async workers, so that one warning
        // page does not hold up every other request.
        let found = tokio::task::spawn_blocking(move || read_rows(files))
            .await
            .map_err(|e| WarehouseError::Parquet { path: PathBuf::new(), detail: e.to_string() })??;
        Ok(sources
            .iter()
            .filter_map(|s| {
                let (values, source_name) = found.get(&(s.batch, s.row))?.clone();
                Some(SourceRecord { source: s.clone(), values, source_name })
            })
            .collect())
    }
}

type Found = BTreeMap<(i64, i64), (Vec<(String, String)>, String)>;

/// The given rows of the given batch files, by (batch, row).
fn read_rows(files: Vec<(i64, BTreeSet<i64>, PathBuf, String)>) -> Result<Found, WarehouseError> {
    let mut found = Found::new();
    for (batch, rows, path, source_name) in files {
        let err = |detail: String| WarehouseError::Parquet { path: path.clone(), detail };
        let file = std::fs::File::open(&path).map_err(|e| err(e.to_string()))?;
        let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| err(e.to_string()))?;
        let schema = builder.schema().clone();
        let Ok(row_index) = schema.index_of(ingest::PROVENANCE_ROW) else { continue };
        // Row groups whose `_row` range holds none of the rows are skipped.
        let (lo, hi) = (*rows.first().unwrap_or(&0), *rows.last().unwrap_or(&0));
        let groups: Vec<usize> = builder
            .metadata()
            .row_groups()
            .iter()
            .enumerate()
            .filter(|(_, g)| match g.column(row_index).statistics() {
                Some(Statistics::Int64(s)) => match (s.min_opt(), s.max_opt()) {
                    (Some(min), Some(max)) => *max >= lo && *min <= hi,
                    _ => true,
                },
                _ => true,
            })
            .map(|(i, _)| i)
            .collect();
        let reader = builder.with_row_groups(groups).build().map_err(|e| err(e.to_string()))?;
        for batch_data in reader {
            let batch_data: RecordBatch = batch_data.map_err(|e| err(e.to_string()))?;
            let row_numbers = batch_data.column(row_index).as_primitive::<Int64Type>();
            for i in 0..batch_data.num_rows() {
                let n = row_numbers.value(i);
                if rows.contains(&n) {
                    found.insert((batch, n), (row_values(&batch_data, i), source_name.clone()));
                }
            }
        }
    }
    Ok(found)
}
