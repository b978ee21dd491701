//! Runs supervision models on Apache DataFusion.
//!
//! The caller names the Parquet files of each contract table ([`TableInput`]);
//! the engine registers them as tables, adds the Rust functions models call
//! ([`udf`]), runs each model's SQL and turns its rows into [`Finding`]s. It
//! reads the files it is given and nothing else, writes nothing, and knows
//! nothing of the state store or of HTTP. Models are plain SQL over named
//! tables plus scalar functions, so the same files can run on a Ballista
//! cluster that registers the same tables and functions.

mod cached;
mod rows;
pub mod trading;
pub mod udf;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::datasource::MemTable;
use datafusion::datasource::file_format::parquet::ParquetFormat;
use datafusion::datasource::listing::{ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl};
use datafusion::prelude::{SessionConfig, SessionContext};
use models::{Finding, Model, ModelError, ParamValue, RESERVED_COLUMNS};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use cached::TABLE_CACHE_BYTES;
pub use datafusion::arrow;

/// The bid screens of every tender (`qingfeng screens export`): see `screens.sql`.
pub const SCREENS: &str = include_str!("screens.sql");

/// Views every model may read (`kin`, `program`, `unit`): see `views.sql`.
pub const VIEWS: &str = include_str!("views.sql");

/// One contract table: its stored schema and the Parquet files of its accepted batches.
#[derive(Clone, Debug)]
pub struct TableInput {
    pub name: String,
    pub schema: SchemaRef,
    pub files: Vec<PathBuf>,
}

/// A value of one column of one source row that the models read in place of
/// what the row holds: the ID number entity resolution found for a person
/// recorded without one, or with a mistyped one.
#[derive(Clone, Debug)]
pub struct Correction {
    pub table: String,
    pub column: String,
    pub batch: i64,
    pub row: i64,
    pub value: String,
}

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error(transparent)]
    Model(#[from] ModelError),
    #[error("查询引擎错误 / query engine error: {0}")]
    Engine(String),
}

impl From<datafusion::error::DataFusionError> for EngineError {
    fn from(e: datafusion::error::DataFusionError) -> Self {
        EngineError::Engine(e.to_string())
    }
}

pub struct Engine {
    ctx: SessionContext,
}

impl Engine {
    /// Registers `tables` (a table without files is registered empty, so models
    /// that read it find nothing) and the model functions. `partitions` is how
    /// many cores a query may use.
    pub async fn new(tables: &[TableInput], partitions: usize) -> Result<Engine, EngineError> {
        Engine::with_corrections(tables, partitions, &[], cached::TABLE_CACHE_BYTES).await
    }

    /// As [`Engine::new`], and every table with corrections is a view over its
    /// files in which each corrected column reads the correction where there is
    /// one (matched by batch and row), so models join on resolved persons while
    /// their evidence still names the source rows. At most `cache_bytes` of
    /// decoded columns are kept for the engine's life (`CachedTable`, in `cached.rs`).
    pub async fn with_corrections(
        tables: &[TableInput],
        partitions: usize,
        corrections: &[Correction],
        cache_bytes: usize,
    ) -> Result<Engine, EngineError> {
        let mut config = SessionConfig::new().with_target_partitions(partitions.max(1));
        // Plain Utf8 strings, as the files store them: the model functions take Utf8.
        config.options_mut().execution.parquet.schema_force_view_types = false;
        // Hash-join dynamic filters can deadlock (every thread parked, no CPU) when a
        // build side feeds several joins: apache/datafusion#21625. R025 on 1 GB of OCDS
        // hung with them on; off, it runs in seconds.
        config.options_mut().optimizer.enable_join_dynamic_filter_pushdown = false;
        let ctx = SessionContext::new_with_config(config);
        let cache_budget = Arc::new(std::sync::atomic::AtomicUsize::new(cache_bytes));
        let cached = |files: ListingTable| {
            // Every stored row is identified by its batch and its row in that batch.
            let keys = ["_batch", "_row"];
            Arc::new(cached::CachedTable::new(Arc::new(files), &keys, partitions, cache_budget.clone()))
        };
        for t in tables {
            if t.files.is_empty() {
                let empty = MemTable::try_new(t.schema.clone(), vec![vec![]])?;
                ctx.register_table(t.name.as_str(), Arc::new(empty))?;
                continue;
            }
            let urls = t.files.iter().map(|p| file_url(p)).collect::<Result<Vec<_>, _>>()?;
            let options = ListingOptions::new(Arc::new(ParquetFormat::default())).with_file_extension(".parquet");
            let config = ListingTableConfig::new_with_multi_paths(urls)
                .with_listing_options(options)
                .with_schema(t.schema.clone());
            let own: Vec<&Correction> = corrections.iter().filter(|c| c.table == t.name).collect();
            if own.is_empty() {
                ctx.register_table(t.name.as_str(), cached(ListingTable::try_new(config)?))?;
            } else {
                let raw = format!("__raw_{}", t.name);
                ctx.register_table(raw.as_str(), cached(ListingTable::try_new(config)?))?;
                register_corrected(&ctx, t, &raw, &own).await?;
            }
        }
        let calendar = if tables.iter().any(|t| t.name == "calendar" && !t.files.is_empty()) {
            udf::Calendar::from_batches(&ctx.sql("SELECT date, kind FROM calendar").await?.collect().await?)
        } else {
            udf::Calendar::default()
        };
        for f in udf::all(Arc::new(calendar)).into_iter().chain(trading::all()) {
            ctx.register_udf(f);
        }
        // Views last: they call the functions.
        for statement in VIEWS
            .split("\n;\n")
            .map(str::trim)
            .filter(|s| s.lines().any(|l| !l.starts_with("--") && !l.trim().is_empty()))
        {
            let cached = cached::CACHED_VIEWS.iter().find_map(|name| {
                let select = statement.split_once(&format!("CREATE VIEW {name} AS\n"))?.1;
                Some((name, select))
            });
            match cached {
                Some((name, select)) => {
                    let plan = ctx.sql(select).await?.logical_plan().clone();
                    ctx.register_table(*name, Arc::new(cached::CachedView::new(plan, partitions)))?;
                }
                None => {
                    ctx.sql(statement).await?;
                }
            }
        }
        Ok(Engine { ctx })
    }

    /// Plans `model` without running it: its SQL parses, names existing tables
    /// and columns, and returns the reserved columns and exactly its declared figures.
    pub async fn check(&self, model: &Model) -> Result<(), EngineError> {
        let sql = model.query(&BTreeMap::new())?;
        let df = self.ctx.sql(&sql).await.map_err(|e| query_error(model, e))?;
        check_columns(model, df.schema().inner())?;
        // Physical planning finds type errors (date arithmetic, say) without running.
        df.create_physical_plan().await.map_err(|e| query_error(model, e))?;
        Ok(())
    }

    /// Runs `model` with these parameter values (defaults for those missing).
    pub async fn run(&self, model: &Model, params: &BTreeMap<String, ParamValue>) -> Result<Vec<Finding>, EngineError> {
        let sql = model.query(params)?;
        let df = self.ctx.sql(&sql).await.map_err(|e| query_error(model, e))?;
        let schema = df.schema().inner().clone();
        check_columns(model, &schema)?;
        let batches = df.collect().await.map_err(|e| query_error(model, e))?;
        rows::findings(model, &schema, &batches)
    }

    /// Runs a query: its column names, and its rows as JSON values (numbers
    /// stay numbers, dates `YYYY-MM-DD`, lists arrays).
    pub async fn table(&self, sql: &str) -> Result<(Vec<String>, Vec<Vec<serde_json::Value>>), EngineError> {
        let df = self.ctx.sql(sql).await?;
        let schema = df.schema().inner().clone();
        let batches = df.collect().await?;
        Ok(rows::table(&schema, &batches))
    }

    /// Runs any query (for tests and diagnostics).
    pub async fn query(&self, sql: &str) -> Result<Vec<datafusion::arrow::array::RecordBatch>, EngineError> {
        Ok(self.ctx.sql(sql).await?.collect().await?)
    }
}

/// Registers `t` as a view over `raw` with its corrected columns: each reads
/// `coalesce(correction, value)`, the corrections an in-memory table per column.
async fn register_corrected(
    ctx: &SessionContext,
    t: &TableInput,
    raw: &str,
    corrections: &[&Correction],
) -> Result<(), EngineError> {
    use datafusion::arrow::array::{Int64Array, StringArray};
    use datafusion::arrow::datatypes::{DataType, Field, Schema};
    use datafusion::arrow::record_batch::RecordBatch;
    let mut columns: Vec<&str> = corrections.iter().map(|c| c.column.as_str()).collect();
    columns.sort_unstable();
    columns.dedup();
    let mut joins = String::new();
    let mut corrected = BTreeMap::new();
    for (n, column) in columns.iter().enumerate() {
        if t.schema.field_with_name(column).map(|f| f.data_type() != &DataType::Utf8).unwrap_or(true) {
            continue;
        }
        let mine: Vec<&&Correction> = corrections.iter().filter(|c| c.column == *column).collect();
        let schema = Arc::new(Schema::new(vec![
            Field::new("_batch", DataType::Int64, false),
            Field::new("_row", DataType::Int64, false),
            Field::new("value", DataType::Utf8, false),
        ]));
        let batch = RecordBatch::try_new(
            schema.clone(),
            vec![
                Arc::new(Int64Array::from_iter_values(mine.iter().map(|c| c.batch))),
                Arc::new(Int64Array::from_iter_values(mine.iter().map(|c| c.row))),
                Arc::new(StringArray::from_iter_values(mine.iter().map(|c| c.value.as_str()))),
            ],
        )
        .map_err(|e| EngineError::Engine(e.to_string()))?;
        let name = format!("__fix_{}_{n}", t.name);
        ctx.register_table(name.as_str(), Arc::new(MemTable::try_new(schema, vec![vec![batch]])?))?;
        joins.push_str(&format!(" LEFT JOIN {name} f{n} ON f{n}._batch = r._batch AND f{n}._row = r._row"));
        corrected.insert(*column, n);
    }
    let select: Vec<String> = t
        .schema
        .fields()
        .iter()
        .map(|f| match corrected.get(f.name().as_str()) {
            Some(n) => format!("coalesce(f{n}.value, r.\"{0}\") AS \"{0}\"", f.name()),
            None => format!("r.\"{0}\"", f.name()),
        })
        .collect();
    ctx.sql(&format!("CREATE VIEW {} AS SELECT {} FROM {raw} r{joins}", t.name, select.join(", "))).await?;
    Ok(())
}

fn file_url(path: &Path) -> Result<ListingTableUrl, EngineError> {
    let absolute = std::path::absolute(path).map_err(|e| EngineError::Engine(format!("{}: {e}", path.display())))?;
    Ok(ListingTableUrl::parse(absolute.to_string_lossy())?)
}

/// A query error, with the line of the model file when the parser gave one.
fn query_error(model: &Model, e: datafusion::error::DataFusionError) -> EngineError {
    let text = e.to_string();
    let line = text
        .split("Line: ")
        .nth(1)
        .and_then(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    EngineError::Model(ModelError::at(&model.path, line, format!("查询错误 / query error: {text}")))
}

fn check_columns(model: &Model, schema: &datafusion::arrow::datatypes::Schema) -> Result<(), ModelError> {
    let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
    let fail = |message: String| Err(ModelError::at(&model.path, 0, message));
    for required in ["key", "subject_kind", "subject_id"] {
        if !names.contains(&required) {
            return fail(format!("查询结果缺少{required}列 / the query returns no column {required}"));
        }
    }
    if !names.iter().any(|n| n.starts_with("src_")) {
        return fail("查询结果没有来源列（src_…） / the query returns no source column (src_…)".into());
    }
    for name in &names {
        let declared = RESERVED_COLUMNS.contains(name) || name.starts_with("src_") || model.figures.contains_key(*name);
        if !declared {
            return fail(format!(
                "查询结果列{name}未在[figures]中声明 / the query returns column {name}, which [figures] does not declare"
            ));
        }
    }
    for name in model.figures.keys() {
        if !names.contains(&name.as_str()) {
            return fail(format!(
                "[figures]声明的{name}不在查询结果中 / figure {name} is declared but the query does not return it"
            ));
        }
    }
    Ok(())
}
