use crate::output;
use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;
use warehouse::{ImportOptions, ImportResult, Warehouse};

pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILURE: u8 = 1;
pub const EXIT_REJECTED: u8 = 3;

const EXIT_CODES: &str = "\
Exit codes 退出码:
  0  success 成功
  1  error: a file or the data directory could not be read or written 文件或数据目录读写失败
  2  usage error 命令用法错误
  3  import: at least one file was rejected (see its error report) 至少一个文件被拒收（见错误报告）";

#[derive(Parser)]
#[command(name = "qingfeng", version, about = "清风 Qingfeng — 智慧监督平台 big-data supervision platform for clean government", after_help = EXIT_CODES)]
pub struct Cli {
    /// Data directory 数据目录
    #[arg(
        long,
        global = true,
        env = "QINGFENG_DATA",
        default_value = "qingfeng-data"
    )]
    pub data: PathBuf,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
pub enum Command {
    /// Import department files (CSV, XLSX, XLS) as batches 导入数据文件
    #[command(after_help = EXIT_CODES)]
    Import {
        /// The table, when file names do not say it (e.g. disbursement or 资金发放明细)
        #[arg(long)]
        table: Option<String>,
        /// A TOML file that maps other headers to contract columns
        #[arg(long)]
        mapping: Option<PathBuf>,
        /// How many bad rows a file may have and still be accepted (without them)
        #[arg(long, default_value_t = 0)]
        tolerance: u64,
        /// Who imports (recorded with each batch); default: the login name
        #[arg(long, env = "QINGFENG_USER")]
        user: Option<String>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Files or directories
        #[arg(required = true)]
        paths: Vec<PathBuf>,
    },
    /// List imported batches 批次列表
    Batches {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Data-quality report per table 数据质量报告
    Quality {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// The tables and columns of the data contract 数据标准
    Tables {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
}

pub async fn run(cli: Cli) -> anyhow::Result<u8> {
    match cli.command {
        Command::Tables { format } => {
            output::tables(format == Format::Json);
            Ok(EXIT_OK)
        }
        Command::Import {
            table,
            mapping,
            tolerance,
            user,
            format,
            paths,
        } => {
            let table = match table {
                Some(name) => Some(contract::table(&name).with_context(|| {
                    format!("没有名为“{name}”的表（见 qingfeng tables） / there is no table '{name}' (see qingfeng tables)")
                })?),
                None => None,
            };
            let mapping = mapping.map(|m| ingest::Mapping::load(&m)).transpose()?;
            let user = user
                .or_else(|| std::env::var("USER").ok())
                .unwrap_or_else(|| "cli".to_owned());
            let options = ImportOptions {
                table,
                mapping,
                tolerance,
                user,
                batch_rows: None,
            };
            import(&cli.data, &paths, &options, format == Format::Json).await
        }
        Command::Batches { format } => {
            let warehouse = open(&cli.data).await?;
            output::batches(&warehouse.batches().await?, format == Format::Json)?;
            Ok(EXIT_OK)
        }
        Command::Quality { format } => {
            let warehouse = open(&cli.data).await?;
            output::quality(&warehouse.quality().await?, format == Format::Json)?;
            Ok(EXIT_OK)
        }
    }
}

async fn open(data: &std::path::Path) -> anyhow::Result<Warehouse> {
    Warehouse::open(data).await.with_context(|| {
        format!(
            "无法打开数据目录 / cannot open the data directory {}",
            data.display()
        )
    })
}

async fn import(
    data: &std::path::Path,
    paths: &[PathBuf],
    options: &ImportOptions,
    json: bool,
) -> anyhow::Result<u8> {
    let (files, skipped) = warehouse::collect_inputs(paths, options.table.is_some())
        .context("无法读取目录 / cannot list a directory")?;
    for path in &skipped {
        if !json {
            eprintln!(
                "跳过 skipped {} (文件名不对应任何表 / the name names no table)",
                path.display()
            );
        }
    }
    if files.is_empty() {
        anyhow::bail!("没有可导入的文件 / no files to import");
    }
    let warehouse = open(data).await?;
    let mut code = EXIT_OK;
    for path in &files {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let bar = ProgressBar::new(size);
        bar.set_style(
            ProgressStyle::with_template(
                "{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_message(path.display().to_string());
        bar.enable_steady_tick(Duration::from_millis(200));
        let progress_bar = bar.clone();
        let name = path.display().to_string();
        let progress: warehouse::Progress = Arc::new(move |rows, bytes| {
            progress_bar.set_position(bytes);
            progress_bar.set_message(format!("{name} ({rows} rows)"));
        });
        let result = warehouse.import(path, options, Some(progress)).await;
        bar.finish_and_clear();
        match result {
            Ok(result) => {
                if matches!(result, ImportResult::Rejected { .. }) {
                    code = code.max(EXIT_REJECTED);
                }
                output::import_result(&warehouse, path, &result, json);
            }
            Err(warehouse::ImportError::File(e)) => {
                code = code.max(EXIT_REJECTED);
                output::import_file_error(path, &e, json);
            }
            Err(e) => {
                return Err(e)
                    .with_context(|| format!("导入失败 / import failed: {}", path.display()));
            }
        }
    }
    Ok(code)
}
