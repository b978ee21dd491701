//! The data-quality report: per table, what a supervisor must know before
//! trusting a model's findings on it.

use crate::{Warehouse, WarehouseError};
use arrow_array::{Array, Date32Array, Int64Array, StringArray};
use contract::{Kind, TABLES, Table};
use ingest::ColumnStats;
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

const SAMPLES: usize = 5;

#[derive(Debug, serde::Serialize)]
pub struct QualityReport {
    pub generated_at: String,
    pub tables: Vec<TableQuality>,
}

#[derive(Debug, serde::Serialize)]
pub struct TableQuality {
    pub table: String,
    pub label: String,
    pub batches: usize,
    pub rows: u64,
    pub columns: Vec<ColumnQuality>,
    /// For tables with a key: keys that appear in more than one row (across batches).
    pub duplicate_keys: Option<DuplicateKeys>,
    pub dangling: Vec<Dangling>,
    /// Bad rows reported by the batches accepted within their tolerance.
    pub tolerated_errors: u64,
}

#[derive(Debug, serde::Serialize)]
pub struct ColumnQuality {
    pub column: String,
    pub label: String,
    /// Share of rows without a value, 0 to 1.
    pub null_rate: f64,
    pub checksum_failures: u64,
    pub future_dates: u64,
    pub dates_before_1900: u64,
}

#[derive(Debug, serde::Serialize)]
pub struct DuplicateKeys {
    pub column: String,
    /// Distinct key values that occur more than once.
    pub keys: u64,
    /// Rows beyond the first of each such key.
    pub extra_rows: u64,
    pub samples: Vec<String>,
}

/// Rows whose reference names nothing in the referenced table.
#[derive(Debug, serde::Serialize)]
pub struct Dangling {
    pub column: String,
    pub references: String,
    pub rows: u64,
    /// `(value, batch, row)` of the first few.
    pub samples: Vec<(String, i64, i64)>,
    /// The referenced table has no data at all.
    pub target_empty: bool,
}

impl Warehouse {
    /// Builds the quality report over every accepted batch.
    pub async fn quality(&self) -> Result<QualityReport, WarehouseError> {
        let mut files: HashMap<&'static str, Vec<PathBuf>> = HashMap::new();
        let mut stats: HashMap<&'static str, (usize, u64, u64, Vec<ColumnStats>)> = HashMap::new();
        for table in TABLES {
            for (batch, path) in self.table_files(table.name).await? {
                files.entry(table.name).or_default().push(path);
                let entry = stats.entry(table.name).or_insert_with(|| (0, 0, 0, Vec::new()));
                entry.0 += 1;
                entry.1 += batch.rows_stored;
                entry.2 += batch.error_count;
                let batch_stats: Vec<ColumnStats> =
                    batch.stats_json.as_deref().and_then(|s| serde_json::from_str(s).ok()).unwrap_or_default();
                merge(&mut entry.3, &batch_stats);
            }
        }
        let root = self.root.clone();
        let report = tokio::task::spawn_blocking(move || build(&root, &files, &stats))
            .await
            .map_err(|e| WarehouseError::Parquet { path: PathBuf::new(), detail: e.to_string() })??;
        Ok(report)
    }
}

fn merge(total: &mut Vec<ColumnStats>, batch: &[ColumnStats]) {
    for s in batch {
        match total.iter_mut().find(|t| t.key == s.key) {
            Some(t) => {
                t.present |= s.present;
                t.non_null += s.non_null;
                t.bad_check += s.bad_check;
                t.future += s.future;
                t.before_1900 += s.before_1900;
            }
            None => total.push(s.clone()),
        }
    }
}

type Stats = HashMap<&'static str, (usize, u64, u64, Vec<ColumnStats>)>;

fn build(
    _root: &Path,
    files: &HashMap<&'static str, Vec<PathBuf>>,
    stats: &Stats,
) -> Result<QualityReport, WarehouseError> {
    let mut tables = Vec::new();
    let no_files = Vec::new();
    for table in TABLES {
        let Some((batches, rows, tolerated_errors, column_stats)) = stats.get(table.name) else {
            continue;
        };
        let table_files = files.get(table.name).unwrap_or(&no_files);
        let columns = table
            .columns
            .iter()
            .map(|c| {
                let s = column_stats.iter().find(|s| s.key == c.key).cloned().unwrap_or_default();
                let null_rate = if *rows == 0 { 0.0 } else { 1.0 - s.non_null as f64 / *rows as f64 };
                ColumnQuality {
                    column: c.key.to_owned(),
                    label: c.label.to_owned(),
                    null_rate: (null_rate * 10_000.0).round() / 10_000.0,
                    checksum_failures: s.bad_check,
                    future_dates: s.future,
                    dates_before_1900: s.before_1900,
                }
            })
            .collect();
        let duplicate_keys = match table.key {
            Some(key) => Some(duplicate_keys(table, key, table_files)?),
            None => None,
        };
        let mut dangling = Vec::new();
        for reference in table.references {
            let target_files = files.get(reference.table).unwrap_or(&no_files);
            let mut known = HashSet::new();
            for path in target_files {
                for_each_value(path, reference.target, |value, _, _| {
                    known.insert(value.to_owned());
                })?;
            }
            let mut found = Dangling {
                column: reference.column.to_owned(),
                references: format!("{}.{}", reference.table, reference.target),
                rows: 0,
                samples: Vec::new(),
                target_empty: target_files.is_empty(),
            };
            for path in table_files {
                for_each_value(path, reference.column, |value, batch, row| {
                    if !known.contains(value) {
                        found.rows += 1;
                        if found.samples.len() < SAMPLES {
                            found.samples.push((value.to_owned(), batch, row));
                        }
                    }
                })?;
            }
            dangling.push(found);
        }
        tables.push(TableQuality {
            table: table.name.to_owned(),
            label: table.label.to_owned(),
            batches: *batches,
            rows: *rows,
            columns,
            duplicate_keys,
            dangling,
            tolerated_errors: *tolerated_errors,
        });
    }
    let generated_at = chrono::Utc::now()
        .with_timezone(&crate::import::china_time())
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
    Ok(QualityReport { generated_at, tables })
}

fn duplicate_keys(table: &Table, key: &str, files: &[PathBuf]) -> Result<DuplicateKeys, WarehouseError> {
    debug_assert!(matches!(table.column(key).map(|c| c.kind), Some(k) if k != Kind::Bool));
    let mut counts: HashMap<String, u64> = HashMap::new();
    for path in files {
        for_each_value(path, key, |value, _, _| *counts.entry(value.to_owned()).or_default() += 1)?;
    }
    let mut duplicated: Vec<(&String, &u64)> = counts.iter().filter(|(_, n)| **n > 1).collect();
    duplicated.sort();
    Ok(DuplicateKeys {
        column: key.to_owned(),
        keys: duplicated.len() as u64,
        extra_rows: duplicated.iter().map(|(_, n)| *n - 1).sum(),
        samples: duplicated.iter().take(SAMPLES).map(|(k, _)| (*k).clone()).collect(),
    })
}

/// Calls `f(value, batch, row)` for every non-null value of a text or date column.
fn for_each_value(path: &Path, column: &str, mut f: impl FnMut(&str, i64, i64)) -> Result<(), WarehouseError> {
    let err = |detail: String| WarehouseError::Parquet { path: path.to_owned(), detail };
    let file = std::fs::File::open(path).map_err(|e| err(e.to_string()))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(file).map_err(|e| err(e.to_string()))?;
    let arrow_schema = builder.schema().clone();
    let wanted = [column, ingest::PROVENANCE_BATCH, ingest::PROVENANCE_ROW];
    let mut indices = Vec::new();
    for name in wanted {
        indices.push(arrow_schema.index_of(name).map_err(|e| err(e.to_string()))?);
    }
    let mask = ProjectionMask::roots(builder.parquet_schema(), indices);
    let reader = builder.with_projection(mask).build().map_err(|e| err(e.to_string()))?;
    for batch in reader {
        let batch = batch.map_err(|e| err(e.to_string()))?;
        let Some(values) = batch.column_by_name(column) else {
            return Err(err(format!("no column {column}")));
        };
        let batches =
            batch.column_by_name(ingest::PROVENANCE_BATCH).and_then(|c| c.as_any().downcast_ref::<Int64Array>());
        let rows = batch.column_by_name(ingest::PROVENANCE_ROW).and_then(|c| c.as_any().downcast_ref::<Int64Array>());
        let (Some(batches), Some(rows)) = (batches, rows) else {
            return Err(err("provenance columns missing".to_owned()));
        };
        if let Some(text) = values.as_any().downcast_ref::<StringArray>() {
            for i in 0..text.len() {
                if text.is_valid(i) {
                    f(text.value(i), batches.value(i), rows.value(i));
                }
            }
        } else if let Some(dates) = values.as_any().downcast_ref::<Date32Array>() {
            for i in 0..dates.len() {
                if let Some(date) = dates.value_as_date(i).filter(|_| dates.is_valid(i)) {
                    f(&date.to_string(), batches.value(i), rows.value(i));
                }
            }
        } else {
            return Err(err(format!("column {column} is neither text nor a date")));
        }
    }
    Ok(())
}
