//! A scan: every enabled model (or those named) over every accepted batch,
//! its warnings stored and compared with the last scan's.
//!
//! This is where the query engine meets the data directory: the engine gets
//! the Parquet files, the warehouse gets the warnings.

use anyhow::Context;
use models::{Config, Model, Warning};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use store::ScanCounts;
use warehouse::Warehouse;

pub struct Options {
    /// Model codes to run (any, enabled or not); `None`: every enabled model.
    pub models: Option<Vec<String>>,
    /// The configuration file; `None`: `qingfeng.toml` in the data directory, if there.
    pub config: Option<PathBuf>,
    /// `manual`, `import` or `schedule`.
    pub trigger: &'static str,
}

pub struct ModelOutcome {
    pub code: String,
    pub name_zh: String,
    pub warnings: usize,
    pub counts: ScanCounts,
    pub seconds: f64,
}

pub struct Summary {
    pub scan: i64,
    pub batches: usize,
    /// Person references the models read resolved (a mistyped or missing ID number).
    pub corrections: usize,
    pub outcomes: Vec<ModelOutcome>,
    pub seconds: f64,
}

/// The models of a data directory: the built-in ones and `models/*.sql`.
pub fn catalogue(data: &Path) -> anyhow::Result<Vec<Model>> {
    Ok(models::catalogue(Some(&data.join("models")))?)
}

/// The configuration in force: `explicit` (which must exist), or the data
/// directory's `qingfeng.toml`, or the defaults.
pub fn config(data: &Path, explicit: Option<&Path>, catalogue: &[Model]) -> anyhow::Result<Config> {
    match explicit {
        Some(path) => {
            if !path.is_file() {
                anyhow::bail!(
                    "配置文件{}不存在 / the configuration file {} does not exist",
                    path.display(),
                    path.display()
                );
            }
            Ok(Config::load(path, catalogue)?)
        }
        None => Ok(Config::load(&data.join("qingfeng.toml"), catalogue)?),
    }
}

/// The engine over every accepted batch, with the persons resolved
/// ([`warehouse::Warehouse::corrections`]), the batches' numbers, and how many
/// references resolution corrected. `partitions`: how many cores each query may use.
pub async fn load(warehouse: &Warehouse, partitions: usize) -> anyhow::Result<(engine::Engine, Vec<i64>, usize)> {
    let mut inputs = Vec::new();
    let mut batches = Vec::new();
    for table in contract::TABLES.iter().chain(contract::OCDS_TABLES) {
        let files = warehouse.table_files(table.name).await?;
        batches.extend(files.iter().map(|(b, _)| b.id));
        inputs.push(engine::TableInput {
            name: table.name.to_owned(),
            schema: ingest::schema(table),
            files: files.into_iter().map(|(_, p)| p).collect(),
        });
    }
    batches.sort_unstable();
    let corrections: Vec<engine::Correction> = warehouse
        .corrections()
        .await
        .context("实体识别失败 / entity resolution failed")?
        .into_iter()
        .map(|c| engine::Correction {
            table: c.table,
            column: c.column.to_owned(),
            batch: c.batch,
            row: c.row,
            value: c.id,
        })
        .collect();
    let engine = engine::Engine::with_corrections(&inputs, partitions, &corrections, column_cache_bytes())
        .await
        .context("无法载入数据 / cannot load the data")?;
    Ok((engine, batches, corrections.len()))
}

/// The cores this process may use.
pub fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// How many bytes of decoded columns a scan keeps: a quarter of the machine's
/// memory, at most [`engine::TABLE_CACHE_BYTES`] (1 GiB when the memory is unknown).
fn column_cache_bytes() -> usize {
    // `MemTotal:       24563716 kB`
    let total_kib = std::fs::read_to_string("/proc/meminfo").ok().and_then(|text| {
        let line = text.lines().find(|l| l.starts_with("MemTotal:"))?;
        line.split_whitespace().nth(1)?.parse::<usize>().ok()
    });
    match total_kib {
        Some(kib) => (kib.saturating_mul(1024) / 4).min(engine::TABLE_CACHE_BYTES),
        None => engine::TABLE_CACHE_BYTES.min(1 << 30),
    }
}

/// Runs a scan. `progress` is called before each model runs (with `None`) and
/// after (with its outcome).
pub async fn run(
    warehouse: &Warehouse,
    options: &Options,
    mut progress: impl FnMut(&Model, Option<&ModelOutcome>),
) -> anyhow::Result<Summary> {
    let started = Instant::now();
    let data = warehouse.root().to_owned();
    let catalogue = catalogue(&data)?;
    let config = config(&data, options.config.as_deref(), &catalogue)?;
    let selected: Vec<&Model> = match &options.models {
        Some(codes) => {
            let mut picked = Vec::new();
            for code in codes {
                let model = catalogue.iter().find(|m| m.code.eq_ignore_ascii_case(code)).with_context(|| {
                    format!("没有模型{code}（见 qingfeng models） / there is no model {code} (see qingfeng models)")
                })?;
                if !picked.iter().any(|m: &&Model| m.code == model.code) {
                    picked.push(model);
                }
            }
            picked
        }
        None => config.enabled(&catalogue),
    };

    // Models run side by side, each on its own core, rather than one at a time
    // over all cores: a query split across cores spends CPU on moving rows
    // between them (a quarter of a scan's CPU on two cores: BENCHMARKS.md), and
    // one model rarely keeps several cores busy. A scan of fewer models than
    // cores splits each model's query over the cores left.
    let cores = cores();
    let side_by_side = cores.min(selected.len()).max(1);
    let (engine, batches, corrections) = load(warehouse, (cores / side_by_side).max(1)).await?;
    let engine = Arc::new(engine);
    // Every model is checked before anything is stored: a broken custom model
    // stops the scan with its file and line, not half-way through.
    for model in &selected {
        engine.check(model).await?;
    }

    let config_json = config.to_json();
    let scan = warehouse
        .store()
        .begin_scan(&store::NewScan {
            started_at: chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            trigger: options.trigger.to_owned(),
            models_json: serde_json::to_string(&selected.iter().map(|m| &m.code).collect::<Vec<_>>())?,
            batches_json: serde_json::to_string(&batches)?,
            config_sha256: hex::encode(Sha256::digest(config_json.as_bytes())),
            config_json,
        })
        .await?;
    let mut outcomes = Vec::new();
    let mut total = ScanCounts::default();
    // The result's digest for the ledger: each model's warning identifiers, sorted.
    let mut digest = Sha256::new();
    let mut warnings_found = 0usize;
    // Up to `side_by_side` models run at a time, started in the order selected,
    // while the warnings of those done are stored in that order, so the scan's
    // record does not depend on which finishes first.
    let cores_free = Arc::new(tokio::sync::Semaphore::new(side_by_side));
    let runs: Vec<(&Model, RunningModel)> = selected
        .iter()
        .map(|model| {
            let params = config.models.get(&model.code).map(|s| s.params.clone()).unwrap_or_default();
            let run = RunningModel::start(engine.clone(), cores_free.clone(), (*model).clone(), params, scan);
            (*model, run)
        })
        .collect();
    for (model, mut run) in runs {
        progress(model, None);
        let result = async {
            let (records, seconds) = run.finish().await?;
            let saving = Instant::now();
            let n = records.len();
            let mut ids: Vec<&str> = records.iter().map(|r| r.id.as_str()).collect();
            ids.sort_unstable();
            digest.update(format!("{}:{}\n", model.code, ids.join(",")).as_bytes());
            warnings_found += n;
            let counts = warehouse.save_model_warnings(scan, model, records).await?;
            anyhow::Ok((n, counts, seconds + saving.elapsed().as_secs_f64()))
        }
        .await;
        match result {
            Ok((warnings, counts, seconds)) => {
                total.new += counts.new;
                total.unchanged += counts.unchanged;
                total.changed += counts.changed;
                total.resolved += counts.resolved;
                let outcome = ModelOutcome {
                    code: model.code.clone(),
                    name_zh: model.name_zh.clone(),
                    warnings,
                    counts,
                    seconds,
                };
                progress(model, Some(&outcome));
                outcomes.push(outcome);
            }
            Err(e) => {
                // The models still running are stopped as `runs` drops.
                let message = format!("{}: {e:#}", model.code);
                let _ = warehouse.store().end_scan(scan, &now(), &total, Some(&message)).await;
                return Err(e.context(format!("模型{}运行失败 / model {} failed", model.code, model.code)));
            }
        }
    }
    warehouse.store().end_scan(scan, &now(), &total, None).await?;
    let record = serde_json::json!({
        "type": "scan",
        "scan": scan,
        "trigger": options.trigger,
        "models": outcomes.iter().map(|o| &o.code).collect::<Vec<_>>(),
        "batches": batches,
        "config_sha256": hex::encode(Sha256::digest(config.to_json().as_bytes())),
        "warnings": warnings_found,
        "result_sha256": hex::encode(digest.finalize()),
    });
    warehouse.record_scan(record).await?;
    Ok(Summary { scan, batches: batches.len(), corrections, outcomes, seconds: started.elapsed().as_secs_f64() })
}

/// A model running on its own task: its warnings' records, and the seconds it took.
/// Dropped unfinished, the task is stopped.
struct RunningModel(tokio::task::JoinHandle<anyhow::Result<(Vec<store::WarningRecord>, f64)>>);

impl RunningModel {
    fn start(
        engine: Arc<engine::Engine>,
        cores_free: Arc<tokio::sync::Semaphore>,
        model: Model,
        params: BTreeMap<String, models::ParamValue>,
        scan: i64,
    ) -> RunningModel {
        RunningModel(tokio::spawn(async move {
            let _core = cores_free.acquire_owned().await?;
            let started = Instant::now();
            let findings = engine.run(&model, &params).await?;
            let records = findings
                .into_iter()
                .map(|f| {
                    let (org, region) = (f.org_code.clone(), f.region_code.clone());
                    let mut r = warehouse::warning_record(&model, &Warning::new(&model, f), scan);
                    (r.org_code, r.region_code) = (org, region);
                    r
                })
                .collect();
            Ok((records, started.elapsed().as_secs_f64()))
        }))
    }

    async fn finish(&mut self) -> anyhow::Result<(Vec<store::WarningRecord>, f64)> {
        match (&mut self.0).await {
            Ok(result) => result,
            Err(e) => Err(anyhow::anyhow!("模型运行中断 / the model's run was interrupted: {e}")),
        }
    }
}

impl Drop for RunningModel {
    fn drop(&mut self) {
        self.0.abort();
    }
}

fn now() -> String {
    chrono::Local::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// Runs scans one at a time for a serving process: after accepted uploads and
/// on the configured schedule.
pub struct Scanner {
    warehouse: std::sync::Arc<Warehouse>,
    running: tokio::sync::Mutex<()>,
}

impl Scanner {
    pub fn new(warehouse: std::sync::Arc<Warehouse>) -> std::sync::Arc<Scanner> {
        std::sync::Arc::new(Scanner { warehouse, running: tokio::sync::Mutex::new(()) })
    }

    pub async fn scan(&self, trigger: &'static str) -> anyhow::Result<Summary> {
        let _one_at_a_time = self.running.lock().await;
        let options = Options { models: None, config: None, trigger };
        run(&self.warehouse, &options, |_, _| {}).await
    }

    /// Scans in the background and reports on standard error.
    pub fn spawn(self: &std::sync::Arc<Self>, trigger: &'static str) {
        let scanner = self.clone();
        tokio::spawn(async move {
            match scanner.scan(trigger).await {
                Ok(s) => eprintln!("{}", one_line(&s, trigger)),
                Err(e) => eprintln!("扫描失败 scan failed ({trigger}): {e:#}"),
            }
        });
    }

    /// After an accepted upload, when `scan.after_import` is on.
    pub fn after_import(self: &std::sync::Arc<Self>) {
        let data = self.warehouse.root().to_owned();
        let on = catalogue(&data).and_then(|c| config(&data, None, &c)).map(|c| c.scan.after_import).unwrap_or(true);
        if on {
            self.spawn("import");
        }
    }

    /// Every `scan.every_minutes` minutes, if set, for as long as the process runs.
    pub fn schedule(self: &std::sync::Arc<Self>) -> anyhow::Result<()> {
        let data = self.warehouse.root().to_owned();
        let minutes = config(&data, None, &catalogue(&data)?)?.scan.every_minutes;
        if minutes == 0 {
            return Ok(());
        }
        eprintln!("定时扫描 scheduled scans every {minutes} min");
        let scanner = self.clone();
        tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(minutes * 60));
            every.tick().await;
            loop {
                every.tick().await;
                match scanner.scan("schedule").await {
                    Ok(s) => eprintln!("{}", one_line(&s, "schedule")),
                    Err(e) => eprintln!("扫描失败 scan failed (schedule): {e:#}"),
                }
            }
        });
        Ok(())
    }
}

/// `扫描 scan 3 (import): 18 models, 23 warnings (new 2, changed 0, resolved 1), 1.6 s`
pub fn one_line(s: &Summary, trigger: &str) -> String {
    let sum = |f: fn(&ScanCounts) -> u64| s.outcomes.iter().map(|o| f(&o.counts)).sum::<u64>();
    format!(
        "扫描 scan {} ({trigger}): {} models, {} warnings (new {}, changed {}, resolved {}), {:.1} s",
        s.scan,
        s.outcomes.len(),
        s.outcomes.iter().map(|o| o.warnings).sum::<usize>(),
        sum(|c| c.new),
        sum(|c| c.changed),
        sum(|c| c.resolved),
        s.seconds
    )
}
