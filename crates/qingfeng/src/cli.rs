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
pub const EXIT_UNVERIFIED: u8 = 4;
pub const EXIT_NOT_FOUND: u8 = 5;

const EXIT_CODES: &str = "\
Exit codes 退出码:
  0  success 成功
  1  error: a file or the data directory could not be read or written 文件或数据目录读写失败
  2  usage error 命令用法错误
  3  import: at least one file was rejected (see its error report) 至少一个文件被拒收（见错误报告）
  4  verify: the proof does not verify 验证未通过";

#[derive(Parser)]
#[command(name = "qingfeng", version, about = "清风 Qingfeng — 智慧监督平台 big-data supervision platform for clean government", after_help = EXIT_CODES)]
pub struct Cli {
    /// Data directory 数据目录
    #[arg(long, global = true, env = "QINGFENG_DATA", default_value = "qingfeng-data")]
    pub data: PathBuf,
    /// The state store in PostgreSQL (postgres://user@host/db) instead of SQLite in the data directory
    #[arg(long, global = true, env = "QINGFENG_DATABASE_URL", hide_env_values = true)]
    pub database_url: Option<String>,
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
        /// Do not run the models afterwards (by default a scan follows an import that
        /// accepted a batch, unless qingfeng.toml sets scan.after_import = false)
        #[arg(long)]
        no_scan: bool,
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
    /// Run the supervision models over the imported data 运行监督模型扫描
    Scan {
        /// Only these models, e.g. M01,F03 (default: every model the configuration enables)
        #[arg(long, value_delimiter = ',')]
        models: Option<Vec<String>>,
        /// Configuration file (default: qingfeng.toml in the data directory, if there)
        #[arg(long)]
        config: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// List, or export, the warnings 预警列表与导出
    #[command(args_conflicts_with_subcommands = true)]
    Warnings {
        #[command(subcommand)]
        command: Option<WarningsCommand>,
        /// Only this model
        #[arg(long)]
        model: Option<String>,
        /// Include warnings resolved by data
        #[arg(long)]
        all: bool,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Bid screens of every tender with ≥ 3 valid priced bids, highest collusion score first 报价筛查
    Screens {
        #[command(subcommand)]
        command: Option<ScreensCommand>,
        /// How many tenders to list
        #[arg(long, default_value_t = 20)]
        limit: usize,
    },
    /// The latest scans: when, trigger, models, batches, configuration, counts 扫描记录
    Scans {
        #[arg(long, default_value_t = 20)]
        limit: u64,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// The supervision models: code, name, severity, parameters 模型目录
    Models {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Recall and precision of the models against a ground truth such as the demo's _truth.jsonl 模型评估
    Eval {
        /// JSON Lines: {"model": "M01", "subject": {"id": …}, …} per planted case
        #[arg(long)]
        truth: PathBuf,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Generate a synthetic county with planted cases 生成模拟县数据
    Synth {
        /// Output folder
        #[arg(long)]
        out: PathBuf,
        /// Size: 1 is about 100,000 persons, 0.05 about 5,000
        #[arg(long, default_value_t = 0.05)]
        scale: f64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Add the mess real exports have (GBK files, 1,234.50元, 2026年3月1日, full-width digits, mistyped IDs)
        #[arg(long)]
        dirty: bool,
    },
    /// Generate, import and serve a demo county 一键演示
    Demo {
        #[arg(long, default_value_t = 0.05)]
        scale: f64,
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Serve the web application 启动网页服务
    Serve {
        /// Address to listen on
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Mark cookies Secure even without X-Forwarded-Proto (when serving TLS directly)
        #[arg(long)]
        secure_cookies: bool,
    },
    /// Manage staff accounts 用户管理
    #[command(subcommand)]
    User(UserCommand),
    /// The audit trail: verify its hash chain 审计日志
    #[command(subcommand)]
    Audit(AuditCommand),
    /// The disclosure ledger: key, checkpoints, proofs 公开账本
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// Random inspections: draw, and reproduce a published draw 双随机抽查
    #[command(subcommand)]
    Draw(DrawCommand),
    /// The relationship graph of persons, enterprises and units, and the
    /// resolution of persons across tables 关系图谱与实体识别
    #[command(subcommand)]
    Graph(GraphCommand),
    /// Typical-case notices on the public portal 通报曝光
    #[command(subcommand)]
    Notice(NoticeCommand),
    /// API tokens for machine clients (the JSON API, /api/v1) 接口令牌
    #[command(subcommand)]
    Token(TokenCommand),
    /// Verify a ledger proof offline 离线验证账本证明
    #[command(
        after_help = "Exit codes: 0 verified, 1 error, 4 verification failed (the message names what does not match)"
    )]
    Verify {
        /// A proof bundle from `qingfeng ledger proof` or `qingfeng ledger consistency`
        bundle: PathBuf,
        /// The log's verifier key (`name+id+key`), or a file holding it
        #[arg(long)]
        key: String,
    },
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ExportFormat {
    Jsonl,
    Csv,
    Xlsx,
}

#[derive(Subcommand)]
pub enum WarningsCommand {
    /// Write the warnings to a file (or standard output) 导出预警
    Export {
        #[arg(long, value_enum)]
        format: ExportFormat,
        /// Output file (default: standard output; required for xlsx)
        #[arg(long)]
        out: Option<PathBuf>,
        /// Only this model
        #[arg(long)]
        model: Option<String>,
        /// Include warnings resolved by data
        #[arg(long)]
        all: bool,
    },
}

#[derive(Subcommand)]
pub enum ScreensCommand {
    /// Write every tender's screens to a file (or standard output) 导出报价筛查
    Export {
        #[arg(long, value_enum)]
        format: ScreensFormat,
        /// Output file (default: standard output)
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScreensFormat {
    Jsonl,
    Csv,
}

#[derive(Subcommand)]
pub enum DrawCommand {
    /// Make a draw plan from the imported directories (inspection_target, inspector,
    /// inspection_item) with every conflict the data shows: an inspector who, or whose
    /// relative (kinship), is the target's legal representative or key person
    /// (enterprise, enterprise_role); the inspectors of the target's last published
    /// draw; declared conflicts. Prints the plan (JSON); the reasons go to standard error.
    Plan {
        /// Inspection item code (its department draws inspectors); repeat for several
        #[arg(long = "item")]
        items: Vec<String>,
        /// DEPARTMENT or DEPARTMENT=N (inspectors per target); repeat for a joint inspection.
        /// Default: the items' departments, 2 inspectors each if one, else 1 each
        #[arg(long = "department")]
        departments: Vec<String>,
        /// CLASS=PER_MILLE, the share of a risk class's targets drawn
        /// [default: A=30 B=50 C=100 D=200]
        #[arg(long = "rate")]
        rates: Vec<String>,
        /// Only targets in this region (code prefix)
        #[arg(long)]
        region: Option<String>,
        #[arg(long)]
        title: Option<String>,
        /// Declared conflicts: CSV with columns inspector (certificate or ID number), credit_code, reason
        #[arg(long)]
        conflicts: Option<PathBuf>,
        /// SHA-256 (hex) of an official's secret; at least two officials
        #[arg(long = "commitment", required = true)]
        commitments: Vec<String>,
        /// A public randomness beacon (its source and round, in words) whose value, known only
        /// after the commitment, joins the seed: `draw run --beacon VALUE`
        #[arg(long)]
        beacon: Option<String>,
    },
    /// Commit PLAN to the disclosure ledger, before the draw
    Commit { plan: PathBuf },
    /// Draw per a committed PLAN once the officials reveal their secrets; prints the result
    /// (JSON) and records it in the ledger
    Run {
        plan: PathBuf,
        /// Each official's secret, in the order of the plan's commitments
        #[arg(long = "reveal", required = true)]
        reveals: Vec<String>,
        /// The value of the beacon the plan names
        #[arg(long)]
        beacon: Option<String>,
    },
    /// Reproduce a published draw from its plan and result; exit 4 if it differs
    Verify { plan: PathBuf, result: PathBuf },
    /// The draws in the ledger, with their results and the 20-working-day publication rule
    Status {
        /// One draw (commitment, or its first 8+ hex digits): its targets one by one
        draw: Option<String>,
    },
    /// Enter a drawn target's inspection result (correctable until published)
    Result {
        /// The draw (commitment, or its first 8+ hex digits)
        draw: String,
        /// The target's credit code
        target: String,
        /// The day of the check (YYYY-MM-DD)
        #[arg(long)]
        checked: String,
        /// no_problem, corrected, pending, unreachable, not_operating or refused (or the Chinese wording)
        #[arg(long)]
        outcome: String,
        #[arg(long, default_value = "")]
        findings: String,
    },
    /// Publish a draw's entered results into the ledger (and so on the public portal)
    Publish { draw: String },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Issue a token that acts as USER (its role and unit); printed once
    Add {
        user: String,
        /// A name for the token (the client system), unique per user
        #[arg(long)]
        label: String,
    },
    /// List tokens (never the tokens themselves)
    List,
    /// Revoke USER's token LABEL
    Revoke {
        user: String,
        #[arg(long)]
        label: String,
    },
}

#[derive(Subcommand)]
pub enum NoticeCommand {
    /// Publish a notice into the ledger (ID numbers, phones and accounts in it are masked)
    Publish {
        #[arg(long)]
        title: String,
        /// A file holding the notice's text (UTF-8)
        #[arg(long)]
        text: PathBuf,
        /// The clue it reports on
        #[arg(long)]
        clue: Option<String>,
    },
    /// Withdraw a notice (a lawful take-down): a new ledger entry; the old one stays
    Withdraw {
        /// The notice's ledger entry
        index: u64,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Subcommand)]
pub enum GraphCommand {
    /// Everything within K hops of a person, enterprise or unit 关系邻居
    #[command(after_help = "Exit codes: 0 found, 1 error, 5 no such entity")]
    Neighbours {
        /// An ID number or credit code
        id: String,
        #[arg(long, default_value_t = 1)]
        hops: usize,
        /// Only these edge kinds: kin, household, post, role, agent, bid, award, payment, disbursement, shared_identifier
        #[arg(long = "kind", value_delimiter = ',')]
        kinds: Vec<String>,
        /// At most this many entities
        #[arg(long, default_value_t = 500)]
        limit: usize,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// A shortest path between two entities, each edge with its evidence 关系路径
    #[command(after_help = "Exit codes: 0 found, 1 error, 5 no such entity or no path")]
    Path {
        a: String,
        b: String,
        #[arg(long = "kind", value_delimiter = ',')]
        kinds: Vec<String>,
        #[arg(long, default_value_t = 6)]
        max_hops: usize,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// How persons were resolved: mentions joined by the model, and pairs for review 实体识别结果
    Resolution {
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Decide a pair from the review list: same, different or unsure 复核判定
    #[command(after_help = "A and B are mention references (table/batch/row/role, as `graph resolution` lists them) \
or valid ID numbers. A pair decided already needs --replaces with that decision's id: nobody's decision is \
overridden unseen. Every later resolution respects the decision.")]
    Decide {
        a: String,
        b: String,
        #[arg(value_parser = ["same", "different", "unsure"])]
        decision: String,
        #[arg(long, default_value = "")]
        note: String,
        /// The id of the decision this one replaces
        #[arg(long)]
        replaces: Option<i64>,
    },
}

#[derive(Subcommand)]
pub enum LedgerCommand {
    /// Print the log's public verifier key
    Key,
    /// Print the latest signed checkpoint
    Checkpoint,
    /// Print the inclusion proof bundle of entry INDEX (JSON)
    Proof { index: u64 },
    /// Print the consistency proof bundle from the checkpoint of OLD_SIZE to the latest (JSON)
    Consistency { old_size: u64 },
    /// Check the whole log: every entry against its leaf hash, every checkpoint's
    /// signature and root, every draw re-run, every import batch's data file; exit 4
    /// naming each thing that does not match 全面核验账本
    #[command(after_help = "Exit codes: 0 intact, 1 error, 4 altered (each finding names what)")]
    Audit {
        /// The log's published verifier key (or a file holding it); default: this data directory's own
        #[arg(long)]
        key: Option<String>,
    },
}

#[derive(Subcommand)]
pub enum AuditCommand {
    /// Check the whole trail's hash chain; exit 4 at the first removed or altered entry 校验审计日志
    #[command(
        after_help = "Exit codes: 0 intact, 1 error, 4 broken (the message names the first entry that does not match)"
    )]
    Verify,
}

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a staff account 新建用户
    Add {
        /// Sign-in name
        username: String,
        /// admin, supervisor, handler, clerk, security_admin or auditor
        #[arg(long)]
        role: String,
        /// The name shown (default: the sign-in name)
        #[arg(long)]
        name: Option<String>,
        /// A clerk's unit (its credit code)
        #[arg(long)]
        unit: Option<String>,
        /// Scope the account to a region (its code or a prefix): it sees that region's warnings and clues only
        #[arg(long)]
        region: Option<String>,
        /// Read the password from the first line of standard input; otherwise one is generated and printed once
        #[arg(long)]
        password_stdin: bool,
    },
    /// List staff accounts 用户列表
    List,
}

pub async fn run(cli: Cli) -> anyhow::Result<u8> {
    let _ = DATABASE_URL.set(cli.database_url.clone());
    match cli.command {
        Command::Tables { format } => {
            output::tables(format == Format::Json);
            Ok(EXIT_OK)
        }
        Command::Import { table, mapping, tolerance, user, format, no_scan, paths } => {
            let table = match table {
                Some(name) => Some(contract::table(&name).with_context(|| {
                    format!(
                        "没有名为“{name}”的表（见 qingfeng tables） / there is no table '{name}' (see qingfeng tables)"
                    )
                })?),
                None => None,
            };
            let mapping = mapping.map(|m| ingest::Mapping::load(&m)).transpose()?;
            let user = user.or_else(|| std::env::var("USER").ok()).unwrap_or_else(|| "cli".to_owned());
            let options = ImportOptions { table, mapping, tolerance, user, batch_rows: None, source_name: None };
            import(&cli.data, &paths, &options, format == Format::Json, !no_scan).await
        }
        Command::Batches { format } => {
            let warehouse = open(&cli.data).await?;
            output::batches(&warehouse.batches().await?, format == Format::Json)?;
            Ok(EXIT_OK)
        }
        Command::Serve { addr, secure_cookies } => serve(&cli.data, &addr, secure_cookies).await,
        Command::Synth { out, scale, seed, dirty } => {
            let started = std::time::Instant::now();
            let summary = synth::generate(&synth::Options { out: out.clone(), scale, seed, dirty })?;
            println!(
                "已生成模拟县 generated {} persons in {} villages, {} planted cases, into {} ({:.1} s)",
                summary.persons,
                summary.villages,
                summary.truth_cases,
                out.display(),
                started.elapsed().as_secs_f64()
            );
            for (table, rows) in &summary.files {
                println!("  {table}.csv  {rows}");
            }
            Ok(EXIT_OK)
        }
        Command::Demo { scale, addr, seed } => demo(&cli.data, scale, seed, &addr).await,
        Command::Ledger(command) => {
            let warehouse = open(&cli.data).await?;
            match command {
                LedgerCommand::Key => println!("{}", warehouse.ledger_signer()?.verifier().encode()),
                LedgerCommand::Checkpoint => match warehouse.latest_checkpoint().await? {
                    Some(note) => print!("{note}"),
                    None => anyhow::bail!("账本为空 / the ledger is empty"),
                },
                LedgerCommand::Proof { index } => match warehouse.inclusion_bundle(index).await? {
                    Some(bundle) => println!("{}", serde_json::to_string_pretty(&bundle)?),
                    None => anyhow::bail!("账本中没有第{index}条 / the ledger has no entry {index}"),
                },
                LedgerCommand::Audit { key } => {
                    let verifier = match key {
                        Some(key) => parse_verifier(&key)?,
                        None => warehouse.ledger_signer()?.verifier(),
                    };
                    let audit = warehouse.audit_ledger(&[verifier]).await?;
                    println!(
                        "{}条记录、{}个检查点、{}次抽取、{}个批次文件 / {} entries, {} checkpoints, {} draws, {} batch files",
                        audit.entries,
                        audit.checkpoints,
                        audit.draws,
                        audit.batch_files,
                        audit.entries,
                        audit.checkpoints,
                        audit.draws,
                        audit.batch_files
                    );
                    if audit.findings.is_empty() {
                        println!("✔ 账本完整 / the ledger is intact");
                    } else {
                        for f in &audit.findings {
                            println!("✘ {f}");
                        }
                        return Ok(EXIT_UNVERIFIED);
                    }
                }
                LedgerCommand::Consistency { old_size } => match warehouse.consistency_bundle(old_size).await? {
                    Some(bundle) => println!("{}", serde_json::to_string_pretty(&bundle)?),
                    None => anyhow::bail!("没有大小为{old_size}的检查点 / no checkpoint of size {old_size}"),
                },
            }
            Ok(EXIT_OK)
        }
        Command::Verify { bundle, key } => verify(&bundle, &key),
        Command::Graph(command) => crate::graph::run(&open(&cli.data).await?, command).await,
        Command::Draw(DrawCommand::Plan {
            items,
            departments,
            rates,
            region,
            title,
            conflicts,
            commitments,
            beacon,
        }) => {
            let warehouse = open(&cli.data).await?;
            let dirs = crate::drawing::load_directories(&warehouse, conflicts.as_deref()).await?;
            let rates = if rates.is_empty() {
                vec![("A".into(), 30), ("B".into(), 50), ("C".into(), 100), ("D".into(), 200)]
            } else {
                rates
                    .iter()
                    .map(|r| {
                        let (class, rate) = r.split_once('=').unwrap_or((r, ""));
                        let rate: u32 = rate.trim().parse().ok().filter(|n| *n <= 1000).with_context(|| {
                            format!("--rate 应为 类别=千分比（0–1000），如 D=200 / --rate is CLASS=PER_MILLE (0–1000), e.g. D=200, not '{r}'")
                        })?;
                        Ok((class.trim().to_owned(), rate))
                    })
                    .collect::<anyhow::Result<Vec<_>>>()?
            };
            let departments = departments
                .iter()
                .map(|d| match d.rsplit_once('=') {
                    Some((name, n)) => {
                        n.trim().parse::<usize>().map(|n| (name.trim().to_owned(), Some(n))).with_context(|| {
                            format!("--department 应为 部门 或 部门=人数 / --department is NAME or NAME=N, not '{d}'")
                        })
                    }
                    None => Ok((d.trim().to_owned(), None)),
                })
                .collect::<anyhow::Result<Vec<_>>>()?;
            let request = crate::drawing::PlanRequest {
                title,
                items,
                departments,
                rates,
                region,
                secret_commitments: commitments,
                beacon,
            };
            let (plan, avoidances) = crate::drawing::build_plan(&dirs, &request)?;
            eprintln!(
                "{}个对象，{}组检查人员，{}对回避 / {} targets, {} teams, {} conflicts avoided",
                plan.targets.len(),
                plan.teams.as_ref().map_or(0, Vec::len),
                avoidances.len(),
                plan.targets.len(),
                plan.teams.as_ref().map_or(0, Vec::len),
                avoidances.len()
            );
            for a in &avoidances {
                eprintln!("  回避 avoid {} ↔ {}: {}", a.inspector, a.target, a.reason);
            }
            println!("{}", serde_json::to_string_pretty(&plan)?);
            Ok(EXIT_OK)
        }
        Command::Draw(DrawCommand::Commit { plan }) => {
            let warehouse = open(&cli.data).await?;
            let (commitment, record) = crate::drawing::plan_record(&plan)?;
            let index = warehouse.ledger_append(&[("draw_plan", record)]).await?;
            println!("计划已登记 plan committed: ledger entry {index}, commitment {commitment}");
            Ok(EXIT_OK)
        }
        Command::Draw(DrawCommand::Run { plan, reveals, beacon }) => {
            let warehouse = open(&cli.data).await?;
            let committed = warehouse.store().ledger_records("draw_plan").await?;
            let (result, record) = crate::drawing::run(&plan, &reveals, beacon.as_deref(), &committed)?;
            warehouse.ledger_append(&[("draw_result", record)]).await?;
            println!("{result}");
            Ok(EXIT_OK)
        }
        Command::Token(command) => {
            let warehouse = open(&cli.data).await?;
            match command {
                TokenCommand::Add { user, label } => crate::tokens::add(&warehouse, &user, &label).await?,
                TokenCommand::List => crate::tokens::list(&warehouse).await?,
                TokenCommand::Revoke { user, label } => crate::tokens::revoke(&warehouse, &user, &label).await?,
            }
            Ok(EXIT_OK)
        }
        Command::Notice(NoticeCommand::Publish { title, text, clue }) => {
            let body = std::fs::read_to_string(&text).with_context(|| format!("cannot read {}", text.display()))?;
            if title.trim().is_empty() || body.trim().is_empty() {
                anyhow::bail!("通报的标题和正文不能为空 / a notice needs a title and a text");
            }
            let warehouse = open(&cli.data).await?;
            let index = warehouse.publish_notice(&title, &body, clue.as_deref()).await?;
            println!("已发布通报 notice published: ledger entry {index}");
            Ok(EXIT_OK)
        }
        Command::Notice(NoticeCommand::Withdraw { index, reason }) => {
            let warehouse = open(&cli.data).await?;
            match warehouse.withdraw_notice(index, &reason).await? {
                Some(at) => println!("已撤回 withdrawn: entry {index}, by ledger entry {at}"),
                None => anyhow::bail!("账本第{index}条不是通报 / ledger entry {index} is not a notice"),
            }
            Ok(EXIT_OK)
        }
        Command::Draw(DrawCommand::Status { draw }) => {
            let warehouse = open(&cli.data).await?;
            crate::drawing::status(&warehouse, draw.as_deref()).await?;
            Ok(EXIT_OK)
        }
        Command::Draw(DrawCommand::Result { draw, target, checked, outcome, findings }) => {
            let warehouse = open(&cli.data).await?;
            crate::drawing::enter_result(&warehouse, &draw, &target, &checked, &outcome, &findings).await?;
            Ok(EXIT_OK)
        }
        Command::Draw(DrawCommand::Publish { draw }) => {
            let warehouse = open(&cli.data).await?;
            let found = crate::drawing::find_draw(&warehouse, &draw).await?;
            let published = warehouse.publish_results(&found).await?;
            println!("已公示 published {} results", published.len());
            for (target, index) in published {
                println!("  {target}  账本 ledger entry {index}");
            }
            Ok(EXIT_OK)
        }
        Command::Draw(DrawCommand::Verify { plan, result }) => match crate::drawing::verify(&plan, &result)? {
            Ok(message) => {
                println!("{message}");
                Ok(EXIT_OK)
            }
            Err(mismatch) => {
                println!("✘ {mismatch}");
                Ok(EXIT_UNVERIFIED)
            }
        },
        Command::User(UserCommand::Add { username, role, name, unit, region, password_stdin }) => {
            let role = store::Role::parse(&role).with_context(|| {
                format!("角色应为 admin、supervisor、handler、clerk、security_admin 或 auditor / the role is admin, supervisor, handler, clerk, security_admin or auditor, not '{role}'")
            })?;
            let (password, generated) = if password_stdin {
                let mut line = String::new();
                std::io::stdin().read_line(&mut line).context("cannot read the password from standard input")?;
                (line.trim_end_matches(['\r', '\n']).to_owned(), false)
            } else {
                (web::auth::random_token().map_err(|e| anyhow::anyhow!("{e:?}"))?.chars().take(16).collect(), true)
            };
            if password.chars().count() < 8 {
                anyhow::bail!("密码至少8个字符 / the password needs at least 8 characters");
            }
            let hash = web::auth::hash_password(&password).map_err(|e| anyhow::anyhow!(e))?;
            let warehouse = open(&cli.data).await?;
            let user = store::NewUser {
                display_name: name.unwrap_or_else(|| username.clone()),
                username: username.clone(),
                role,
                password_hash: hash,
                unit_code: unit,
            };
            let id = warehouse.store().create_user(&user, chrono::Utc::now().timestamp()).await?;
            let actor =
                std::env::var("QINGFENG_USER").or_else(|_| std::env::var("USER")).unwrap_or_else(|_| "cli".into());
            let entry = store::NewAudit {
                at: warehouse::china_now().to_rfc3339(),
                actor,
                role: "cli".into(),
                address: None,
                action: "user.create".into(),
                object: format!("user:{username}"),
                detail: serde_json::json!({ "role": role.as_str() }).to_string(),
            };
            warehouse.store().audit_append(&entry).await?;
            if let Some(region) = region.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
                if !region.chars().all(|c| c.is_ascii_digit()) || region.len() > 12 {
                    anyhow::bail!(
                        "区划应为数字代码或其前缀 / a region is a numeric code or its prefix, not '{region}'"
                    );
                }
                let scoped = store::NewAudit {
                    action: "user.region".into(),
                    detail: serde_json::json!({ "region": region }).to_string(),
                    ..entry
                };
                warehouse.store().set_user_region(id, Some(region), &scoped).await?;
            }
            println!("已创建用户 created user {username} ({})", role.as_str());
            if generated {
                println!("初始密码 password (shown once): {password}");
            }
            Ok(EXIT_OK)
        }
        Command::Audit(AuditCommand::Verify) => {
            let warehouse = open(&cli.data).await?;
            let (entries, check) = store::audit_trail(warehouse.store().as_ref()).await?;
            match check {
                Ok(()) => {
                    println!("✔ 审计日志完整 the audit trail is intact: {} 条 entries", entries.len());
                    Ok(EXIT_OK)
                }
                Err(broken) => {
                    println!("✘ {broken}");
                    Ok(EXIT_UNVERIFIED)
                }
            }
        }
        Command::User(UserCommand::List) => {
            let warehouse = open(&cli.data).await?;
            for u in warehouse.store().users().await? {
                println!(
                    "{}\t{}\t{}{}",
                    u.username,
                    u.role.as_str(),
                    u.display_name,
                    if u.disabled { "\t(disabled)" } else { "" }
                );
            }
            Ok(EXIT_OK)
        }
        Command::Scan { models, config, format } => {
            let warehouse = open(&cli.data).await?;
            let options = crate::scan::Options { models, config, trigger: "manual" };
            let json = format == Format::Json;
            let summary = crate::scan::run(&warehouse, &options, |model, outcome| {
                if json {
                    return;
                }
                match outcome {
                    None => eprint!("  {} {} …", model.code, model.name_zh),
                    Some(o) => eprintln!(" {} ({:.1} s)", o.warnings, o.seconds),
                }
            })
            .await?;
            output::scan_summary(&summary, json);
            Ok(EXIT_OK)
        }
        Command::Warnings { command: None, model, all, format } => {
            let warehouse = open(&cli.data).await?;
            let warnings = list_warnings(&warehouse, model, all).await?;
            output::warnings(&warnings, format == Format::Json)?;
            Ok(EXIT_OK)
        }
        Command::Warnings { command: Some(WarningsCommand::Export { format, out, model, all }), .. } => {
            let warehouse = open(&cli.data).await?;
            let warnings = list_warnings(&warehouse, model, all).await?;
            let bytes = match format {
                ExportFormat::Jsonl => warehouse::export::jsonl(&warnings),
                ExportFormat::Csv => warehouse::export::csv(&warnings),
                ExportFormat::Xlsx => {
                    if out.is_none() {
                        anyhow::bail!("xlsx须用--out指定文件 / xlsx needs --out FILE");
                    }
                    warehouse::export::xlsx(&warnings)?
                }
            };
            write_out(out.as_deref(), &bytes, &format!("{} warnings", warnings.len()))?;
            Ok(EXIT_OK)
        }
        Command::Screens { command, limit } => {
            let warehouse = open(&cli.data).await?;
            let (engine, _, _) = crate::scan::load(&warehouse, crate::scan::cores()).await?;
            let (columns, rows) = engine.table(engine::SCREENS).await?;
            match command {
                None => output::screens(&columns, &rows, limit),
                Some(ScreensCommand::Export { format, out }) => {
                    let bytes = match format {
                        ScreensFormat::Jsonl => output::screens_jsonl(&columns, &rows),
                        ScreensFormat::Csv => output::screens_csv(&columns, &rows)?,
                    };
                    write_out(out.as_deref(), &bytes, &format!("{} tenders", rows.len()))?;
                }
            }
            Ok(EXIT_OK)
        }
        Command::Scans { limit, format } => {
            let warehouse = open(&cli.data).await?;
            output::scans(&warehouse.store().scans(limit).await?, format == Format::Json)?;
            Ok(EXIT_OK)
        }
        Command::Models { format } => {
            let catalogue = crate::scan::catalogue(&cli.data)?;
            output::models(&catalogue, format == Format::Json)?;
            Ok(EXIT_OK)
        }
        Command::Eval { truth, format } => {
            let warehouse = open(&cli.data).await?;
            let catalogue = crate::scan::catalogue(&cli.data)?;
            let text = std::fs::read_to_string(&truth).with_context(|| format!("cannot read {}", truth.display()))?;
            let cases = crate::eval::parse_truth(&text).with_context(|| format!("{}", truth.display()))?;
            let warnings = list_warnings(&warehouse, None, false).await?;
            let report = crate::eval::evaluate(&catalogue, &cases, &warnings);
            output::eval(&report, format == Format::Json)?;
            Ok(EXIT_OK)
        }
        Command::Quality { format } => {
            let warehouse = open(&cli.data).await?;
            output::quality(&warehouse.quality().await?, format == Format::Json)?;
            Ok(EXIT_OK)
        }
    }
}

/// Generates a county into a fresh data directory, imports it, creates the demo
/// sign-in, and serves the web application.
async fn demo(data: &std::path::Path, scale: f64, seed: u64, addr: &str) -> anyhow::Result<u8> {
    if data.join("state.db").exists() {
        anyhow::bail!(
            "数据目录{}已有数据；演示需要新目录，请用 --data 指定 / the data directory {} holds data already; the demo needs a fresh one (--data DIR)",
            data.display(),
            data.display()
        );
    }
    let started = std::time::Instant::now();
    let files = data.join("demo-county");
    println!("生成模拟县 generating the county (scale {scale}) …");
    let summary = synth::generate(&synth::Options { out: files.clone(), scale, seed, dirty: false })?;
    println!(
        "  {} persons, {} planted cases ({:.1} s)",
        summary.persons,
        summary.truth_cases,
        started.elapsed().as_secs_f64()
    );
    let warehouse = open(data).await?;
    let options = ImportOptions { user: "demo".into(), ..Default::default() };
    let (paths, _) = warehouse::collect_inputs(std::slice::from_ref(&files), false)?;
    for path in &paths {
        match warehouse.import(path, &options, None).await {
            Ok(ImportResult::Accepted { batch, .. }) => {
                println!("  导入 imported {} ({} rows)", batch.table, batch.rows_stored)
            }
            Ok(other) => anyhow::bail!("demo import of {} did not succeed: {other:?}", path.display()),
            Err(e) => anyhow::bail!("demo import of {} failed: {e}", path.display()),
        }
    }
    println!("数据已导入 data imported in {:.1} s", started.elapsed().as_secs_f64());
    let options = crate::scan::Options { models: None, config: None, trigger: "import" };
    let summary = crate::scan::run(&warehouse, &options, |_, _| {}).await?;
    println!("{}", crate::scan::one_line(&summary, "import"));
    let draw = crate::drawing::demo_inspections(&warehouse).await?;
    println!("演示抽查与通报 demo draw and notice: /public/inspections/{}", &draw[..12]);
    let password =
        web::auth::random_token().map_err(|e| anyhow::anyhow!("{e:?}"))?.chars().take(12).collect::<String>();
    let hash = web::auth::hash_password(&password).map_err(|e| anyhow::anyhow!(e))?;
    let user = store::NewUser {
        username: "demo".into(),
        display_name: "演示用户".into(),
        role: store::Role::Admin,
        password_hash: hash,
        unit_code: None,
    };
    warehouse.store().create_user(&user, chrono::Utc::now().timestamp()).await?;
    println!("演示登录 demo sign-in: 用户名 user demo  密码 password {password}");
    drop(warehouse);
    serve(data, addr, false).await
}

/// Open warnings (or all) in queue order, optionally of one model.
async fn list_warnings(
    warehouse: &Warehouse,
    model: Option<String>,
    all: bool,
) -> anyhow::Result<Vec<models::Warning>> {
    let filter =
        store::WarningFilter { model: model.map(|m| m.to_uppercase()), all_statuses: all, ..Default::default() };
    let (records, _) = warehouse.store().warnings(&filter).await?;
    Ok(records.iter().map(warehouse::warning_from_record).collect::<Result<Vec<_>, _>>()?)
}

/// Verifies a proof bundle offline; exit code 4 when it does not verify.
/// A verifier key given on the command line, or the file holding it.
fn parse_verifier(key: &str) -> anyhow::Result<ledger::Verifier> {
    let key_text = if std::path::Path::new(key).is_file() { std::fs::read_to_string(key)? } else { key.to_owned() };
    ledger::Verifier::parse(key_text.trim()).map_err(|e| anyhow::anyhow!("验证密钥无效 / invalid verifier key: {e}"))
}

fn verify(bundle: &std::path::Path, key: &str) -> anyhow::Result<u8> {
    let verifier = parse_verifier(key)?;
    let text = std::fs::read_to_string(bundle).with_context(|| format!("cannot read {}", bundle.display()))?;
    let value: serde_json::Value = serde_json::from_str(&text).context("the bundle is not JSON")?;
    let outcome = if value.get("index").is_some() {
        let b: warehouse::ledger::InclusionBundle = serde_json::from_value(value)?;
        warehouse::ledger::verify_inclusion_bundle(&b, &[verifier]).map(|c| {
            format!(
                "✔ 第{}条记录包含在检查点（大小{}）中 / entry {} is included under the checkpoint of size {}",
                b.index, c.size, b.index, c.size
            )
        })
    } else {
        let b: warehouse::ledger::ConsistencyBundle = serde_json::from_value(value)?;
        warehouse::ledger::verify_consistency_bundle(&b, &[verifier]).map(|(old, new)| {
            format!(
                "✔ 检查点{}与{}一致，日志只增未改 / checkpoints {} and {} are consistent: the log was only appended to",
                old.size, new.size, old.size, new.size
            )
        })
    };
    match outcome {
        Ok(message) => {
            println!("{message}");
            Ok(EXIT_OK)
        }
        Err(e) => {
            println!("✘ {e}");
            Ok(EXIT_UNVERIFIED)
        }
    }
}

async fn serve(data: &std::path::Path, addr: &str, secure_cookies: bool) -> anyhow::Result<u8> {
    let warehouse = Arc::new(open(data).await?);
    let listener =
        tokio::net::TcpListener::bind(addr).await.with_context(|| format!("无法监听 / cannot listen on {addr}"))?;
    let local = listener.local_addr()?;
    println!("清风已启动 Qingfeng is serving at http://{local}/  (数据目录 data: {})", data.display());
    let scanner = crate::scan::Scanner::new(warehouse.clone());
    scanner.schedule()?;
    let hook = scanner.clone();
    let state = web::AppState::new(warehouse, secure_cookies).with_import_hook(Arc::new(move || hook.after_import()));
    web::serve(listener, state).await.context("web server failed")?;
    Ok(EXIT_OK)
}

/// The global `--database-url`, set once when the command starts.
static DATABASE_URL: std::sync::OnceLock<Option<String>> = std::sync::OnceLock::new();

async fn open(data: &std::path::Path) -> anyhow::Result<Warehouse> {
    let url = DATABASE_URL.get().and_then(|u| u.as_deref());
    Warehouse::open_with(data, url)
        .await
        .with_context(|| format!("无法打开数据目录 / cannot open the data directory {}", data.display()))
}

async fn import(
    data: &std::path::Path,
    paths: &[PathBuf],
    options: &ImportOptions,
    json: bool,
    scan: bool,
) -> anyhow::Result<u8> {
    let (files, skipped) =
        warehouse::collect_inputs(paths, options.table.is_some()).context("无法读取目录 / cannot list a directory")?;
    for path in &skipped {
        if !json {
            eprintln!("跳过 skipped {} (文件名不对应任何表 / the name names no table)", path.display());
        }
    }
    if files.is_empty() {
        anyhow::bail!("没有可导入的文件 / no files to import");
    }
    let warehouse = open(data).await?;
    let mut code = EXIT_OK;
    let mut accepted = 0;
    for path in &files {
        let size = std::fs::metadata(path).map(|m| m.len()).unwrap_or(0);
        let bar = ProgressBar::new(size);
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} {eta}")
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
        if options.table.is_none() && ingest::ocds::is_ocds(path) {
            let result = warehouse.import_ocds(path, options, Some(progress)).await;
            bar.finish_and_clear();
            match result {
                Ok(ocds) => {
                    output::ocds_summary(path, &ocds.summary, json);
                    if !ocds.summary.errors.is_empty() {
                        code = code.max(EXIT_REJECTED);
                    }
                    for (_, result) in &ocds.results {
                        if matches!(result, ImportResult::Rejected { .. }) {
                            code = code.max(EXIT_REJECTED);
                        }
                        if matches!(result, ImportResult::Accepted { .. }) {
                            accepted += 1;
                        }
                        output::import_result(&warehouse, path, result, json);
                    }
                }
                Err(warehouse::ImportError::File(e)) => {
                    code = code.max(EXIT_REJECTED);
                    output::import_file_error(path, &e, json);
                }
                Err(e) => return Err(e).with_context(|| format!("导入失败 / import failed: {}", path.display())),
            }
            continue;
        }
        let result = warehouse.import(path, options, Some(progress)).await;
        bar.finish_and_clear();
        match result {
            Ok(result) => {
                if matches!(result, ImportResult::Rejected { .. }) {
                    code = code.max(EXIT_REJECTED);
                }
                if matches!(result, ImportResult::Accepted { .. }) {
                    accepted += 1;
                }
                output::import_result(&warehouse, path, &result, json);
            }
            Err(warehouse::ImportError::File(e)) => {
                code = code.max(EXIT_REJECTED);
                output::import_file_error(path, &e, json);
            }
            Err(e) => {
                return Err(e).with_context(|| format!("导入失败 / import failed: {}", path.display()));
            }
        }
    }
    if accepted > 0 && scan {
        scan_after_import(&warehouse, json).await;
    }
    Ok(code)
}

/// The scan after an import, when `scan.after_import` is on (the default). Its
/// failure does not fail the import: the data is in, and `qingfeng scan` says why.
async fn scan_after_import(warehouse: &Warehouse, json: bool) {
    let data = warehouse.root().to_owned();
    let on = crate::scan::catalogue(&data)
        .and_then(|c| crate::scan::config(&data, None, &c))
        .map(|c| c.scan.after_import)
        .unwrap_or(true);
    if !on {
        return;
    }
    let options = crate::scan::Options { models: None, config: None, trigger: "import" };
    match crate::scan::run(warehouse, &options, |_, _| {}).await {
        Ok(summary) if !json => eprintln!("{}", crate::scan::one_line(&summary, "import")),
        Ok(_) => {}
        Err(e) => eprintln!("导入后扫描失败 the scan after the import failed: {e:#}"),
    }
}

/// Writes an export to `out`, or to standard output (a closed pipe is not an error).
fn write_out(out: Option<&std::path::Path>, bytes: &[u8], what: &str) -> anyhow::Result<()> {
    match out {
        Some(path) => {
            std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
            eprintln!("已导出 exported {what} to {}", path.display());
        }
        None => {
            use std::io::Write as _;
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(bytes).and_then(|_| stdout.flush());
        }
    }
    Ok(())
}
