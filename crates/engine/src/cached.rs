//! Views and tables computed or decoded once per engine.
//!
//! DataFusion plans a view into every query that reads it, once per reference:
//! `won`, read by most trading models (some twice), would be grouped again each
//! time. A [`CachedView`] runs its query the first time a plan reads it and
//! keeps the rows for the engine's life — one scan or one command, so they are
//! never stale. The rows stay in memory for that long; grouping them holds them
//! all in memory while it runs anyway.
//!
//! Likewise every model of a scan would decode the same Parquet columns again:
//! a [`CachedTable`] decodes each column a query asks for the first time one
//! does, and keeps it, up to a memory limit.

use async_trait::async_trait;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::array::{Array, ArrayRef, RecordBatchOptions};
use datafusion::arrow::compute::concat;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::{Session, TableProvider};
use datafusion::datasource::{MemTable, TableType};
use datafusion::error::Result;
use datafusion::logical_expr::{Expr, LogicalPlan};
use datafusion::physical_plan::{ExecutionPlan, collect, collect_partitioned};
use std::collections::HashMap;
use std::sync::Arc;
use tokio::sync::{Mutex, OnceCell};

/// The views of `views.sql` kept this way: aggregates far smaller than what
/// they read, read by several models. Plain projections and filters
/// (`trade`, `cardinal_process`) stay views, so that filters reach the files.
pub const CACHED_VIEWS: &[&str] = &["won", "cardinal_final", "cardinal_gap"];

#[derive(Debug)]
pub struct CachedView {
    plan: LogicalPlan,
    schema: SchemaRef,
    partitions: usize,
    rows: OnceCell<Vec<Vec<RecordBatch>>>,
}

impl CachedView {
    pub fn new(plan: LogicalPlan, partitions: usize) -> CachedView {
        let schema = plan.schema().inner().clone();
        CachedView { plan, schema, partitions: partitions.max(1), rows: OnceCell::new() }
    }
}

#[async_trait]
impl TableProvider for CachedView {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn table_type(&self) -> TableType {
        TableType::Temporary
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let partitions = self
            .rows
            .get_or_try_init(|| async {
                let plan = state.create_physical_plan(&self.plan).await?;
                let batches = collect(plan, state.task_ctx()).await?;
                // Spread over as many partitions as the engine has cores.
                let mut partitions = vec![Vec::new(); self.partitions];
                for (i, batch) in batches.into_iter().enumerate() {
                    let batch = RecordBatch::try_new(self.schema.clone(), batch.columns().to_vec())?;
                    partitions[i % self.partitions].push(batch);
                }
                Ok::<_, datafusion::error::DataFusionError>(partitions)
            })
            .await?;
        MemTable::try_new(self.schema.clone(), partitions.clone())?.scan(state, projection, filters, limit).await
    }
}

/// Decoded columns an engine keeps in memory by default, over all its tables:
/// a scan of the OCDS tables of 1 GB of JSON peaks 0.65 GiB higher with them (BENCHMARKS.md).
/// Past the limit, a table's columns are dropped and its files read by every
/// query again. A scan sets a smaller limit on a machine with little memory.
pub const TABLE_CACHE_BYTES: usize = 4 << 30;

/// Rows per record batch handed out of a cached table.
const CACHED_BATCH_ROWS: usize = 8192;

/// A table's files, each column decoded the first time a query reads it and
/// kept for the engine's life. Columns decoded by different queries must be
/// rows of the same order: each decode reads the table's row-identifying
/// columns (`_batch`, `_row`) too and compares them with the first decode's;
/// should they differ, the table is read from its files from then on.
#[derive(Debug)]
pub struct CachedTable {
    files: Arc<dyn TableProvider>,
    schema: SchemaRef,
    partitions: usize,
    /// The columns that identify a row (decoded with every other).
    keys: Vec<usize>,
    budget: Arc<std::sync::atomic::AtomicUsize>,
    columns: Mutex<Columns>,
}

#[derive(Debug, Default)]
struct Columns {
    arrays: HashMap<usize, ArrayRef>,
    bytes: usize,
    /// Read from the files, not cached: over the budget, or decodes did not line up.
    bypass: bool,
}

impl CachedTable {
    /// `files` reads the table; `keys` name the columns that identify a row;
    /// `budget` is the bytes left for every cached table of the engine together.
    pub fn new(
        files: Arc<dyn TableProvider>,
        keys: &[&str],
        partitions: usize,
        budget: Arc<std::sync::atomic::AtomicUsize>,
    ) -> CachedTable {
        let schema = files.schema();
        let keys = keys.iter().filter_map(|k| schema.index_of(k).ok()).collect();
        CachedTable { files, schema, partitions: partitions.max(1), keys, budget, columns: Mutex::default() }
    }

    /// Decodes the columns `wanted` lacks into `columns`; false if the table is to be
    /// read from its files instead.
    async fn decode(&self, state: &dyn Session, columns: &mut Columns, wanted: &[usize]) -> Result<bool> {
        let mut decode = self.keys.clone();
        decode.extend(wanted.iter().filter(|i| !columns.arrays.contains_key(i) && !self.keys.contains(i)));
        if decode.len() == self.keys.len() && self.keys.iter().all(|k| columns.arrays.contains_key(k)) {
            return Ok(true);
        }
        let plan = self.files.scan(state, Some(&decode), &[], None).await?;
        let batches: Vec<RecordBatch> =
            collect_partitioned(plan, state.task_ctx()).await?.into_iter().flatten().collect();
        let mut decoded = Vec::with_capacity(decode.len());
        for (position, &column) in decode.iter().enumerate() {
            let parts: Vec<&dyn Array> = batches.iter().map(|b| b.column(position).as_ref()).collect();
            if let Some(known) = columns.arrays.get(&column) {
                // A key decoded again: compared part by part with the first decode,
                // not concatenated (a copy of the key columns for every query that
                // brings a new column).
                if !same_rows(known.as_ref(), &parts) {
                    return Ok(false);
                }
                continue;
            }
            let array = match parts.is_empty() {
                true => datafusion::arrow::array::new_empty_array(self.schema.field(column).data_type()),
                false => concat(&parts)?,
            };
            decoded.push((column, array));
        }
        let bytes: usize = decoded.iter().map(|(_, a)| a.get_array_memory_size()).sum();
        let granted = self
            .budget
            .fetch_update(std::sync::atomic::Ordering::SeqCst, std::sync::atomic::Ordering::SeqCst, |left| {
                left.checked_sub(bytes)
            })
            .is_ok();
        if !granted {
            return Ok(false);
        }
        columns.bytes += bytes;
        for (column, array) in decoded {
            columns.arrays.entry(column).or_insert(array);
        }
        Ok(true)
    }
}

/// Whether `parts`, one after another, hold what `known` holds.
fn same_rows(known: &dyn Array, parts: &[&dyn Array]) -> bool {
    let mut offset = 0;
    for part in parts {
        if offset + part.len() > known.len() || known.slice(offset, part.len()).as_ref() != *part {
            return false;
        }
        offset += part.len();
    }
    offset == known.len()
}

#[async_trait]
impl TableProvider for CachedTable {
    fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    fn table_type(&self) -> TableType {
        TableType::Base
    }

    async fn scan(
        &self,
        state: &dyn Session,
        projection: Option<&Vec<usize>>,
        filters: &[Expr],
        limit: Option<usize>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        let wanted: Vec<usize> = projection.cloned().unwrap_or_else(|| (0..self.schema.fields().len()).collect());
        let mut columns = self.columns.lock().await;
        if !columns.bypass && (self.keys.is_empty() || !self.decode(state, &mut columns, &wanted).await?) {
            // Dropped, not kept half: the memory goes back to the other tables.
            columns.bypass = true;
            self.budget.fetch_add(columns.bytes, std::sync::atomic::Ordering::SeqCst);
            *columns = Columns { bypass: true, ..Columns::default() };
        }
        if columns.bypass {
            drop(columns);
            return self.files.scan(state, projection, filters, limit).await;
        }
        let schema = Arc::new(self.schema.project(&wanted)?);
        let rows = columns.arrays.get(&self.keys[0]).map_or(0, |a| a.len());
        let mut partitions = vec![Vec::new(); self.partitions];
        for (i, start) in (0..rows).step_by(CACHED_BATCH_ROWS).enumerate() {
            let length = CACHED_BATCH_ROWS.min(rows - start);
            let arrays: Vec<ArrayRef> = wanted.iter().map(|c| columns.arrays[c].slice(start, length)).collect();
            let options = RecordBatchOptions::new().with_row_count(Some(length));
            partitions[i % self.partitions].push(RecordBatch::try_new_with_options(schema.clone(), arrays, &options)?);
        }
        MemTable::try_new(schema, partitions)?.scan(state, None, filters, limit).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{ArrayRef, Int64Array};
    use datafusion::arrow::datatypes::DataType;
    use datafusion::prelude::SessionContext;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// The engine finds a cached view's query by this line; reformatted, the view
    /// would quietly be planned into every query again.
    #[test]
    fn every_cached_view_is_in_views_sql() {
        for name in CACHED_VIEWS {
            assert!(crate::VIEWS.contains(&format!("CREATE VIEW {name} AS\n")), "{name}");
        }
    }

    #[tokio::test]
    async fn a_cached_view_is_computed_once_and_reads_as_the_view() {
        let ctx = SessionContext::new();
        // Counts the rows the view's query passes through it.
        let seen = Arc::new(AtomicUsize::new(0));
        ctx.register_udf(crate::tests::tick(seen.clone()));
        ctx.sql("CREATE TABLE award (tender_id VARCHAR, amount BIGINT) AS VALUES ('T1', 5), ('T1', 7), ('T2', 1)")
            .await
            .unwrap();
        let view = "SELECT tender_id, sum(tick(amount)) AS total FROM award GROUP BY tender_id";
        let plan = ctx.sql(view).await.unwrap().logical_plan().clone();
        ctx.register_table("won", Arc::new(CachedView::new(plan, 2))).unwrap();
        let query = "SELECT a.tender_id, a.total, b.total AS again FROM won a JOIN won b ON a.tender_id = b.tender_id
                     WHERE a.total > 2 ORDER BY a.tender_id";
        for _ in 0..2 {
            let rows = ctx.sql(query).await.unwrap().collect().await.unwrap();
            let totals: Vec<i64> = rows
                .iter()
                .flat_map(|b| b.column(1).as_any().downcast_ref::<Int64Array>().unwrap().values().to_vec())
                .collect();
            assert_eq!(totals, [12]);
        }
        assert_eq!(seen.load(Ordering::SeqCst), 3, "the view's three rows went through its query once");
    }

    /// A table in memory whose scans are counted; `shuffle` hands its rows out in
    /// another order on every other scan.
    #[derive(Debug)]
    struct Files {
        batches: Vec<RecordBatch>,
        scans: AtomicUsize,
        shuffle: bool,
    }

    #[async_trait]
    impl TableProvider for Files {
        fn schema(&self) -> SchemaRef {
            self.batches[0].schema()
        }
        fn table_type(&self) -> TableType {
            TableType::Base
        }
        async fn scan(
            &self,
            state: &dyn Session,
            projection: Option<&Vec<usize>>,
            filters: &[Expr],
            limit: Option<usize>,
        ) -> Result<Arc<dyn ExecutionPlan>> {
            let n = self.scans.fetch_add(1, Ordering::SeqCst);
            let mut batches = self.batches.clone();
            if self.shuffle && n % 2 == 1 {
                batches.reverse();
            }
            MemTable::try_new(self.schema(), vec![batches])?.scan(state, projection, filters, limit).await
        }
    }

    fn files(shuffle: bool) -> Arc<Files> {
        use datafusion::arrow::array::StringArray;
        use datafusion::arrow::datatypes::{Field, Schema};
        let schema = Arc::new(Schema::new(vec![
            Field::new("_batch", DataType::Int64, false),
            Field::new("_row", DataType::Int64, false),
            Field::new("name", DataType::Utf8, true),
            Field::new("price", DataType::Int64, true),
        ]));
        let batch = |rows: std::ops::Range<i64>| {
            let columns: Vec<ArrayRef> = vec![
                Arc::new(Int64Array::from(vec![1; rows.clone().count()])),
                Arc::new(Int64Array::from(rows.clone().collect::<Vec<_>>())),
                Arc::new(StringArray::from(rows.clone().map(|r| format!("n{}", r % 7)).collect::<Vec<_>>())),
                Arc::new(Int64Array::from(rows.map(|r| r * 10).collect::<Vec<_>>())),
            ];
            RecordBatch::try_new(schema.clone(), columns).unwrap()
        };
        Arc::new(Files { batches: vec![batch(1..9000), batch(9000..20000)], scans: AtomicUsize::new(0), shuffle })
    }

    const QUERIES: [&str; 4] = [
        "SELECT name, count(*) AS n FROM t GROUP BY name ORDER BY name",
        "SELECT _row, price FROM t WHERE price % 997 = 0 ORDER BY _row",
        "SELECT name, sum(price) AS total FROM t WHERE _row > 15000 GROUP BY name ORDER BY name",
        "SELECT count(*) AS n FROM t",
    ];

    async fn answers(files: Arc<Files>, budget: usize) -> Vec<String> {
        let ctx = SessionContext::new();
        let budget = Arc::new(AtomicUsize::new(budget));
        ctx.register_table("t", Arc::new(CachedTable::new(files, &["_batch", "_row"], 2, budget))).unwrap();
        let mut out = Vec::new();
        for query in QUERIES {
            let rows = ctx.sql(query).await.unwrap().collect().await.unwrap();
            out.push(datafusion::arrow::util::pretty::pretty_format_batches(&rows).unwrap().to_string());
        }
        out
    }

    #[tokio::test]
    async fn a_cached_table_decodes_each_column_once_and_reads_as_its_files() {
        let ctx = SessionContext::new();
        ctx.register_table("t", files(false)).unwrap();
        let mut expected = Vec::new();
        for query in QUERIES {
            let rows = ctx.sql(query).await.unwrap().collect().await.unwrap();
            expected.push(datafusion::arrow::util::pretty::pretty_format_batches(&rows).unwrap().to_string());
        }
        // Cached: the first query decodes name, the second price; the rest decode nothing.
        let cached = files(false);
        assert_eq!(answers(cached.clone(), 1 << 30).await, expected);
        assert_eq!(cached.scans.load(Ordering::SeqCst), 2);
        // Over the budget, or rows that do not line up between decodes: read from the files each time.
        let poor = files(false);
        assert_eq!(answers(poor.clone(), 1000).await, expected);
        assert_eq!(poor.scans.load(Ordering::SeqCst), 1 + QUERIES.len());
        let shuffled = files(true);
        assert_eq!(answers(shuffled.clone(), 1 << 30).await, expected);
        assert_eq!(shuffled.scans.load(Ordering::SeqCst), 2 + QUERIES.len() - 1);
    }
}
