//! Runs supervision models on Apache DataFusion.
//!
//! The caller names the Parquet files of each contract table ([`TableInput`]);
//! the engine registers them as tables, adds the Rust functions models call
//! ([`udf`]), runs each model's SQL and turns its rows into [`Finding`]s. It
//! reads the files it is given and nothing else, writes nothing, and knows
//! nothing of the state store or of HTTP. Models are plain SQL over named
//! tables plus scalar functions, so the same files can run on a Ballista
//! cluster that registers the same tables and functions (and drops the hint
//! `AS MATERIALIZED`, or computes those CTEs first, as [`Engine::run`] does).

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
    partitions: usize,
    /// Numbers the in-memory tables of materialized CTEs (see [`Engine::run`]).
    materialized: std::sync::atomic::AtomicUsize,
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
        Ok(Engine { ctx, partitions: partitions.max(1), materialized: Default::default() })
    }

    /// Plans `model` without running it: its SQL parses, names existing tables
    /// and columns, and returns the reserved columns and exactly its declared figures.
    pub async fn check(&self, model: &Model) -> Result<(), EngineError> {
        let (sql, _) = materialized_ctes(&model.query(&BTreeMap::new())?);
        let df = self.ctx.sql(&sql).await.map_err(|e| query_error(model, e))?;
        check_columns(model, df.schema().inner())?;
        // Physical planning finds type errors (date arithmetic, say) without running.
        df.create_physical_plan().await.map_err(|e| query_error(model, e))?;
        Ok(())
    }

    /// Runs `model` with these parameter values (defaults for those missing).
    ///
    /// A CTE written `name AS MATERIALIZED (…)` (PostgreSQL's spelling) is computed
    /// once, before the query, and read from memory wherever the query names it:
    /// DataFusion plans a CTE into every place that names it, so a CTE read twice
    /// is otherwise computed twice. The results are the same either way.
    pub async fn run(&self, model: &Model, params: &BTreeMap<String, ParamValue>) -> Result<Vec<Finding>, EngineError> {
        let (sql, names) = materialized_ctes(&model.query(params)?);
        let mut tables = Vec::new();
        let result = self.run_sql(model, &sql, &names, &mut tables).await;
        let mut dropped = Ok(());
        for table in tables {
            if let Err(e) = self.ctx.deregister_table(table.as_str()) {
                dropped = Err(e.into());
            }
        }
        // The model's own error first.
        let findings = result?;
        dropped.map(|()| findings)
    }

    async fn run_sql(
        &self,
        model: &Model,
        sql: &str,
        materialized: &[String],
        tables: &mut Vec<String>,
    ) -> Result<Vec<Finding>, EngineError> {
        let sql = if materialized.is_empty() {
            sql.to_owned()
        } else {
            self.materialize(model, sql, materialized, tables).await.map_err(|e| query_error(model, e))?
        };
        let df = self.ctx.sql(&sql).await.map_err(|e| query_error(model, e))?;
        let schema = df.schema().inner().clone();
        check_columns(model, &schema)?;
        // For model authors: where a model's time goes (the query runs twice).
        if explain() {
            let plan = self.ctx.sql(&format!("EXPLAIN ANALYZE {sql}")).await?.collect().await?;
            let text = datafusion::arrow::util::pretty::pretty_format_batches(&plan)
                .map_err(|e| EngineError::Engine(e.to_string()))?;
            eprintln!("=== {}\n{text}", model.code);
        }
        let batches = df.collect().await.map_err(|e| query_error(model, e))?;
        rows::findings(model, &schema, &batches)
    }

    /// Computes each CTE of `sql` named in `names` (with the CTEs before it) into an
    /// in-memory table registered under a new name (pushed onto `tables`), and returns
    /// `sql` with those CTEs reading their tables. A CTE with a WITH clause of its own
    /// is left as it is.
    async fn materialize(
        &self,
        model: &Model,
        sql: &str,
        names: &[String],
        tables: &mut Vec<String>,
    ) -> Result<String, datafusion::error::DataFusionError> {
        use datafusion::error::DataFusionError;
        use datafusion::sql::sqlparser::ast::{Statement, With};
        use datafusion::sql::sqlparser::dialect::GenericDialect;
        use datafusion::sql::sqlparser::parser::Parser;
        let parse =
            |sql: &str| Parser::parse_sql(&GenericDialect {}, sql).map_err(|e| DataFusionError::SQL(Box::new(e), None));
        let mut statements = parse(sql)?;
        let [Statement::Query(query)] = statements.as_mut_slice() else {
            return Ok(sql.to_owned());
        };
        let Some(with) = query.with.as_mut() else {
            return Ok(sql.to_owned());
        };
        for i in 0..with.cte_tables.len() {
            let cte = &with.cte_tables[i];
            if !names.iter().any(|n| cte.alias.name.value.eq_ignore_ascii_case(n)) || cte.query.with.is_some() {
                continue;
            }
            let mut body = (*cte.query).clone();
            body.with = (i > 0).then(|| With { cte_tables: with.cte_tables[..i].to_vec(), ..with.clone() });
            let plan = self.ctx.sql(&body.to_string()).await?.create_physical_plan().await?;
            // The batches' schema, which may differ from the logical one in nullability.
            let schema = plan.schema();
            let mut parts = vec![Vec::new(); self.partitions];
            for (n, batch) in
                datafusion::physical_plan::collect(plan.clone(), self.ctx.task_ctx()).await?.into_iter().enumerate()
            {
                parts[n % self.partitions].push(batch);
            }
            if explain() {
                let steps = datafusion::physical_plan::display::DisplayableExecutionPlan::with_metrics(plan.as_ref())
                    .indent(true);
                eprintln!("=== {} {} AS MATERIALIZED\n{steps}", model.code, cte.alias.name.value);
            }
            let n = self.materialized.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            let name = format!("__materialized_{n}");
            self.ctx.register_table(name.as_str(), Arc::new(MemTable::try_new(schema, parts)?))?;
            tables.push(name.clone());
            let Statement::Query(read) = parse(&format!("SELECT * FROM {name}"))?.remove(0) else {
                unreachable!("a SELECT parses as a query")
            };
            with.cte_tables[i].query = read;
        }
        Ok(statements[0].to_string())
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

/// Whether to print each model's plan with its steps' timings (`QINGFENG_EXPLAIN=1`).
fn explain() -> bool {
    std::env::var_os("QINGFENG_EXPLAIN").is_some()
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

/// `sql` without the word MATERIALIZED of each `name AS MATERIALIZED (`, which
/// DataFusion's SQL dialect does not know, and those CTEs' names. Read as SQL
/// tokens, so that the words inside a string or a comment are left alone; SQL
/// that does not tokenize is returned as it is, for DataFusion to report.
fn materialized_ctes(sql: &str) -> (String, Vec<String>) {
    use datafusion::sql::sqlparser::dialect::GenericDialect;
    use datafusion::sql::sqlparser::keywords::Keyword;
    use datafusion::sql::sqlparser::tokenizer::{Location, Token, Tokenizer};
    let Ok(tokens) = Tokenizer::new(&GenericDialect {}, sql).tokenize_with_location() else {
        return (sql.to_owned(), Vec::new());
    };
    let tokens: Vec<_> = tokens.iter().filter(|t| !matches!(t.token, Token::Whitespace(_))).collect();
    // Byte offset of a location (line and column count from 1, the column in characters).
    let line_starts: Vec<usize> = std::iter::once(0).chain(sql.match_indices('\n').map(|(i, _)| i + 1)).collect();
    let offset = |at: Location| {
        let start = line_starts[at.line as usize - 1];
        sql[start..].char_indices().nth(at.column as usize - 1).map_or(sql.len(), |(i, _)| start + i)
    };
    let mut out = String::with_capacity(sql.len());
    let mut names = Vec::new();
    let mut copied = 0;
    for w in tokens.windows(4) {
        let (Token::Word(name), Token::Word(r#as), Token::Word(word), Token::LParen) =
            (&w[0].token, &w[1].token, &w[2].token, &w[3].token)
        else {
            continue;
        };
        if r#as.keyword == Keyword::AS && word.quote_style.is_none() && word.value.eq_ignore_ascii_case("MATERIALIZED")
        {
            names.push(name.value.clone());
            let start = offset(w[2].span.start);
            out.push_str(&sql[copied..start]);
            copied = start + word.value.len();
        }
    }
    out.push_str(&sql[copied..]);
    (out, names)
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

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::ArrayRef;
    use datafusion::arrow::datatypes::DataType;
    use datafusion::logical_expr::{ColumnarValue, Volatility, create_udf};
    use std::sync::atomic::{AtomicUsize, Ordering};

    #[test]
    fn materialized_ctes_are_found_and_the_word_dropped() {
        // Neither the string nor the comment is touched; the Chinese text before shifts
        // characters against bytes.
        let sql = "WITH a AS MATERIALIZED (SELECT '招标 x AS MATERIALIZED (' AS s), b AS (SELECT 2),\n\
                   -- c AS MATERIALIZED (…) is computed once\n\
                   c_2 as materialized\n  (SELECT 3)\nSELECT * FROM a, b, c_2";
        let (plain, names) = materialized_ctes(sql);
        assert_eq!(names, ["a", "c_2"]);
        assert_eq!(
            plain,
            "WITH a AS  (SELECT '招标 x AS MATERIALIZED (' AS s), b AS (SELECT 2),\n\
             -- c AS MATERIALIZED (…) is computed once\n\
             c_2 as \n  (SELECT 3)\nSELECT * FROM a, b, c_2"
        );
        assert_eq!(materialized_ctes("SELECT 1").1, Vec::<String>::new());
        // Not SQL: left for DataFusion to report.
        assert_eq!(materialized_ctes("SELECT 'open"), ("SELECT 'open".to_owned(), Vec::new()));
    }

    const MODEL: &str = r#"--! code = "X01"
--! name_zh = "测试"
--! name_en = "Test"
--! domain = "trading"
--! severity = "low"
--! subject = "tender"
--! summary_zh = "测试。"
--! summary_en = "Test."
--! basis_zh = "测试。"
--! basis_en = "Test."
--! reads = ["award"]
--! reason_zh = "{total}"
--! reason_en = "{total}"
--!
--! [figures]
--! total = { zh = "合计", en = "Total" }
WITH per AS MATERIALIZED (
    SELECT tender_id, sum(tick(amount)) AS total, min(_row) AS r FROM award GROUP BY tender_id
),
top AS (SELECT max(total) AS m FROM per)
SELECT p.tender_id AS key, 'tender' AS subject_kind, p.tender_id AS subject_id, p.total,
    src('award', 1, p.r, p.tender_id) AS src_award
FROM per p JOIN top ON p.total * 2 >= top.m
"#;

    /// `tick(x)`: `x`, counting in `seen` the rows it passes.
    pub(crate) fn tick(seen: Arc<AtomicUsize>) -> datafusion::logical_expr::ScalarUDF {
        create_udf(
            "tick",
            vec![DataType::Int64],
            DataType::Int64,
            Volatility::Volatile,
            Arc::new(move |args: &[ColumnarValue]| {
                let values = ColumnarValue::values_to_arrays(args)?;
                seen.fetch_add(values[0].len(), Ordering::SeqCst);
                Ok(ColumnarValue::Array(values[0].clone() as ArrayRef))
            }),
        )
    }

    /// An engine over one small `award` table whose `tick(x)` counts the rows it sees.
    async fn engine(seen: Arc<AtomicUsize>) -> Engine {
        let ctx = SessionContext::new();
        for f in udf::all(Arc::new(udf::Calendar::default())) {
            ctx.register_udf(f);
        }
        ctx.register_udf(tick(seen));
        let values = "('T1', 5, 1), ('T1', 7, 2), ('T2', 1, 3), ('T3', 9, 4)";
        ctx.sql(&format!("CREATE TABLE award (tender_id VARCHAR, amount BIGINT, _row BIGINT) AS VALUES {values}"))
            .await
            .unwrap();
        Engine { ctx, partitions: 2, materialized: Default::default() }
    }

    #[tokio::test]
    async fn a_materialized_cte_is_computed_once_with_the_same_findings() {
        let path = Path::new("X01.sql");
        let materialized = Model::parse(path, MODEL, false).unwrap();
        let plain = Model::parse(path, &MODEL.replace("AS MATERIALIZED (", "AS ("), false).unwrap();
        let mut runs = Vec::new();
        for model in [&materialized, &plain] {
            let seen = Arc::new(AtomicUsize::new(0));
            let engine = engine(seen.clone()).await;
            engine.check(model).await.unwrap();
            let mut findings = engine.run(model, &BTreeMap::new()).await.unwrap();
            findings.sort_by(|a, b| a.key.cmp(&b.key));
            let keys: Vec<&str> = findings.iter().map(|f| f.key.as_str()).collect();
            assert_eq!(keys, ["T1", "T3"]);
            assert_eq!(findings[0].figures["total"], 12);
            // The in-memory table lives for the run only.
            assert!(!engine.ctx.table_exist("__materialized_0").unwrap());
            runs.push((findings, seen.load(Ordering::SeqCst)));
        }
        assert_eq!(runs[0].0, runs[1].0);
        assert_eq!(runs[0].1, 4, "computed once");
        assert_eq!(runs[1].1, 8, "planned into both places that read it, computed twice");
    }
}
