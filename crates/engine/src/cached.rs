//! Views computed once per engine. DataFusion plans a view into every query
//! that reads it, once per reference: `won`, read by most trading models (some
//! twice), would be grouped again each time. A [`CachedView`] runs its query
//! the first time a plan reads it and keeps the rows for the engine's life —
//! one scan or one command, so they are never stale. The rows stay in memory
//! for that long; grouping them holds them all in memory while it runs anyway.

use async_trait::async_trait;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::{Session, TableProvider};
use datafusion::datasource::{MemTable, TableType};
use datafusion::error::Result;
use datafusion::logical_expr::{Expr, LogicalPlan};
use datafusion::physical_plan::{ExecutionPlan, collect};
use std::sync::Arc;
use tokio::sync::OnceCell;

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

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{ArrayRef, Int64Array};
    use datafusion::arrow::datatypes::DataType;
    use datafusion::logical_expr::{ColumnarValue, Volatility, create_udf};
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
        let counter = seen.clone();
        ctx.register_udf(create_udf(
            "tick",
            vec![DataType::Int64],
            DataType::Int64,
            Volatility::Volatile,
            Arc::new(move |args: &[ColumnarValue]| {
                let values = ColumnarValue::values_to_arrays(args)?;
                counter.fetch_add(values[0].len(), Ordering::SeqCst);
                Ok(ColumnarValue::Array(values[0].clone() as ArrayRef))
            }),
        ));
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
}
