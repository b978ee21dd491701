//! What the commands print: text for people, JSON for machines.

use comfy_table::{ContentArrangement, Table, presets};
use ingest::{FileError, RowError};
use serde_json::json;
use std::path::Path;
use store::BatchRecord;
use warehouse::{ImportResult, QualityReport, Warehouse};

/// Writes a line to standard output. A closed pipe (`qingfeng quality | head`)
/// ends the output quietly instead of panicking as `println!` would.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let mut stdout = std::io::stdout().lock();
        if writeln!(stdout, $($arg)*).is_err() {
            std::process::exit(0);
        }
    }};
}

/// How many bad rows are printed; the error report has all of them.
const ERRORS_SHOWN: usize = 20;

fn new_table(headers: &[&str]) -> Table {
    let mut table = Table::new();
    table.load_preset(presets::UTF8_BORDERS_ONLY).set_content_arrangement(ContentArrangement::Disabled);
    table.set_header(headers.iter().copied());
    table
}

pub fn tables(json: bool) {
    if json {
        let tables: Vec<_> = contract::TABLES
            .iter()
            .map(|t| {
                json!({
                    "table": t.name,
                    "label": t.label,
                    "key": t.key,
                    "columns": t.columns.iter().map(|c| json!({
                        "key": c.key, "label": c.label, "kind": c.kind.name(), "required": c.required,
                        "values": c.enum_values().map(|v| v.iter().map(|e| json!({"key": e.key, "labels": e.labels})).collect::<Vec<_>>()),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        outln!("{}", serde_json::Value::Array(tables));
        return;
    }
    for t in contract::TABLES {
        outln!("{} {}{}", t.name, t.label, t.key.map(|k| format!("  (key {k})")).unwrap_or_default());
        let mut table = new_table(&["列 column", "中文", "类型 kind", "必填 required"]);
        for c in t.columns {
            let kind = match c.enum_values() {
                Some(values) => values.iter().map(|v| v.key).collect::<Vec<_>>().join("|"),
                None => c.kind.name().to_owned(),
            };
            table.add_row([c.key, c.label, &kind, if c.required { "R" } else { "" }]);
        }
        outln!("{table}\n");
    }
}

fn report_paths(warehouse: &Warehouse, batch: &BatchRecord) -> Option<(String, String)> {
    let csv = batch.report_path.as_ref()?;
    let csv_path = warehouse.root().join(csv);
    let xlsx_path = csv_path.with_extension("xlsx");
    Some((csv_path.display().to_string(), xlsx_path.display().to_string()))
}

fn print_errors(errors: &[RowError]) {
    for e in errors.iter().take(ERRORS_SHOWN) {
        outln!("    第{}行 row {}  {}  “{}”  {}", e.row, e.row, e.column, e.value, e.reason);
    }
    if errors.len() > ERRORS_SHOWN {
        outln!("    … 另有{}条 and {} more", errors.len() - ERRORS_SHOWN, errors.len() - ERRORS_SHOWN);
    }
}

pub fn import_result(warehouse: &Warehouse, path: &Path, result: &ImportResult, json: bool) {
    let file = path.display().to_string();
    let (status, batch, errors) = match result {
        ImportResult::Accepted { batch, errors } => ("accepted", batch, errors.as_slice()),
        ImportResult::Rejected { batch, errors } => ("rejected", batch, errors.as_slice()),
        ImportResult::Duplicate { existing } => ("duplicate", existing, &[][..]),
    };
    let report = report_paths(warehouse, batch);
    if json {
        let line = json!({
            "file": file, "status": status, "table": batch.table, "batch": batch.id,
            "rows_read": batch.rows_read, "rows_stored": batch.rows_stored,
            "error_count": errors.len(), "errors": errors, "reason": batch.reason,
            "report_csv": report.as_ref().map(|r| &r.0), "report_xlsx": report.as_ref().map(|r| &r.1),
            "source_sha256": batch.source_sha256,
        });
        outln!("{line}");
        return;
    }
    match result {
        ImportResult::Accepted { .. } => {
            outln!(
                "✔ {file} → {} 批次 batch #{} 已接收 accepted: {} 行 rows",
                batch.table,
                batch.id,
                batch.rows_stored
            );
            if !errors.is_empty() {
                outln!(
                    "  容错范围内跳过{}条错误 {} errors within the tolerance, those rows skipped:",
                    errors.len(),
                    errors.len()
                );
                print_errors(errors);
            }
        }
        ImportResult::Rejected { .. } => {
            outln!(
                "✘ {file} → {} 批次 batch #{} 已拒收 rejected: {}",
                batch.table,
                batch.id,
                batch.reason.as_deref().unwrap_or("")
            );
            print_errors(errors);
        }
        ImportResult::Duplicate { existing } => {
            outln!(
                "= {file} 与批次#{} 内容相同，未重复导入 / identical to batch #{} ({}), nothing changed",
                existing.id,
                existing.id,
                existing.source_name
            );
        }
    }
    if let Some((csv, xlsx)) = report {
        outln!("  错误报告 error report: {csv}\n                          {xlsx}");
    }
}

pub fn import_file_error(path: &Path, error: &FileError, json: bool) {
    if json {
        outln!("{}", json!({"file": path.display().to_string(), "status": "rejected", "reason": error.to_string()}));
    } else {
        outln!("✘ {error}");
    }
}

pub fn batches(batches: &[BatchRecord], json: bool) -> anyhow::Result<()> {
    if json {
        outln!("{}", serde_json::to_string(batches)?);
        return Ok(());
    }
    if batches.is_empty() {
        outln!("还没有导入任何批次 / no batches yet");
        return Ok(());
    }
    let mut table = new_table(&[
        "批次 batch",
        "表 table",
        "状态 status",
        "文件 file",
        "行 rows",
        "错误 errors",
        "导入时间 imported",
        "导入人 by",
        "SHA-256",
    ]);
    for b in batches {
        table.add_row([
            format!("#{}", b.id),
            b.table.clone(),
            format!("{} {}", b.status.label_zh(), b.status.as_str()),
            b.source_name.clone(),
            b.rows_stored.to_string(),
            b.error_count.to_string(),
            b.imported_at.clone(),
            b.imported_by.clone(),
            b.source_sha256.chars().take(12).collect::<String>(),
        ]);
    }
    outln!("{table}");
    Ok(())
}

fn percent(rate: f64) -> String {
    if rate == 0.0 { "0".to_owned() } else { format!("{:.1}%", rate * 100.0) }
}

fn count(n: u64) -> String {
    if n == 0 { String::new() } else { n.to_string() }
}

pub fn quality(report: &QualityReport, json: bool) -> anyhow::Result<()> {
    if json {
        outln!("{}", serde_json::to_string_pretty(report)?);
        return Ok(());
    }
    outln!("数据质量报告 data-quality report — {}", report.generated_at);
    if report.tables.is_empty() {
        outln!("还没有数据 / no data yet: qingfeng import <files>");
    }
    for t in &report.tables {
        outln!("\n■ {} {} — {} 批次 batches, {} 行 rows", t.table, t.label, t.batches, t.rows);
        let mut table = new_table(&[
            "列 column",
            "中文",
            "空值率 null",
            "校验位错误 checksum",
            "未来日期 future",
            "1900年前 <1900",
        ]);
        let notable: Vec<_> = t
            .columns
            .iter()
            .filter(|c| c.null_rate > 0.0 || c.checksum_failures + c.future_dates + c.dates_before_1900 > 0)
            .collect();
        if notable.is_empty() {
            outln!("  每列都有值，无校验位错误和异常日期 / every column filled, no checksum failures or odd dates");
        }
        for c in notable {
            table.add_row([
                c.column.clone(),
                c.label.clone(),
                percent(c.null_rate),
                count(c.checksum_failures),
                count(c.future_dates),
                count(c.dates_before_1900),
            ]);
        }
        if table.row_count() > 0 {
            outln!("{table}");
        }
        if let Some(d) = &t.duplicate_keys {
            if d.keys == 0 {
                outln!("  主键 key {}: 无重复 no duplicates", d.column);
            } else {
                outln!(
                    "  ! 主键重复 duplicate keys ({}): {} 个值 values, {} 多余行 extra rows, e.g. {}",
                    d.column,
                    d.keys,
                    d.extra_rows,
                    d.samples.join(", ")
                );
            }
        }
        for d in &t.dangling {
            if d.target_empty && d.rows > 0 {
                outln!(
                    "  ! {} → {}: 被引用的表没有数据，{}行无法核对 / the referenced table has no data; {} rows cannot be checked",
                    d.column,
                    d.references,
                    d.rows,
                    d.rows
                );
            } else if d.rows > 0 {
                let samples: Vec<String> = d.samples.iter().map(|(v, b, r)| format!("{v} (#{b} row {r})")).collect();
                outln!(
                    "  ! 悬空引用 dangling {} → {}: {} 行 rows, e.g. {}",
                    d.column,
                    d.references,
                    d.rows,
                    samples.join(", ")
                );
            } else {
                outln!("  引用 {} → {}: 全部有效 all resolve", d.column, d.references);
            }
        }
        if t.tolerated_errors > 0 {
            outln!("  容错导入时跳过的错误行 rows skipped within tolerance: {}", t.tolerated_errors);
        }
    }
    Ok(())
}

pub fn scan_summary(s: &crate::scan::Summary, json: bool) {
    if json {
        let models: Vec<_> = s
            .outcomes
            .iter()
            .map(|o| {
                json!({"model": o.code, "warnings": o.warnings, "new": o.counts.new, "unchanged": o.counts.unchanged,
                       "changed": o.counts.changed, "resolved": o.counts.resolved, "seconds": o.seconds})
            })
            .collect();
        outln!(
            "{}",
            json!({"scan": s.scan, "batches": s.batches, "resolved_references": s.corrections, "seconds": s.seconds, "models": models})
        );
        return;
    }
    let mut table = new_table(&[
        "模型 model",
        "名称 name",
        "预警 warnings",
        "新增 new",
        "未变 unchanged",
        "变化 changed",
        "消除 resolved",
        "秒 s",
    ]);
    for o in &s.outcomes {
        table.add_row([
            o.code.clone(),
            o.name_zh.clone(),
            o.warnings.to_string(),
            o.counts.new.to_string(),
            o.counts.unchanged.to_string(),
            o.counts.changed.to_string(),
            o.counts.resolved.to_string(),
            format!("{:.1}", o.seconds),
        ]);
    }
    outln!("{table}");
    let total: usize = s.outcomes.iter().map(|o| o.warnings).sum();
    outln!(
        "扫描 scan {}: {} models over {} batches, {} warnings, {:.1} s",
        s.scan,
        s.outcomes.len(),
        s.batches,
        total,
        s.seconds
    );
    if s.corrections > 0 {
        outln!(
            "实体识别：{} 处人员记录的证件号缺失或有误，模型按识别出的人员比对（qingfeng graph resolution） / entity resolution: {} person references without a valid ID number were read as the person they resolve to (qingfeng graph resolution)",
            s.corrections,
            s.corrections
        );
    }
}

pub fn warnings(list: &[models::Warning], json: bool) -> anyhow::Result<()> {
    if json {
        outln!("{}", serde_json::to_string(list)?);
        return Ok(());
    }
    for w in list {
        // Models whose amounts are not yuan (OCDS in any currency) leave amount_fen empty.
        let amount = if w.amount_fen == 0 { String::new() } else { format!(" · {} 元", models::yuan(w.amount_fen)) };
        outln!("{} · {} · {} {} {}{amount}", w.id, w.severity, w.subject.kind, w.subject.id, w.subject.name);
        outln!("  {}", w.reason_zh);
        outln!("  {}", w.reason_en);
        let figures: Vec<String> = w
            .evidence
            .figures
            .iter()
            .map(|(k, v)| match v {
                serde_json::Value::String(s) => format!("{k}={s}"),
                other => format!("{k}={other}"),
            })
            .collect();
        outln!("  证据 figures: {}", figures.join("  "));
        let sources: Vec<String> =
            w.evidence.sources.iter().map(|s| format!("{} #{} row {}", s.table, s.batch, s.row)).collect();
        outln!("  来源 sources: {}", sources.join(", "));
    }
    outln!("共{}条预警 / {} warning(s)", list.len(), list.len());
    Ok(())
}

pub fn models(list: &[models::Model], json: bool) -> anyhow::Result<()> {
    if json {
        outln!("{}", serde_json::to_string(list)?);
        return Ok(());
    }
    let mut table = new_table(&["模型 model", "名称 name", "领域 domain", "等级 severity", "参数 parameters"]);
    for m in list {
        let params = m.params.iter().map(|(k, p)| format!("{k}={}", p.default)).collect::<Vec<_>>().join(" ");
        table.add_row([
            format!("{}{}", m.code, if m.builtin { "" } else { " *" }),
            format!("{} {}", m.name_zh, m.name_en),
            m.domain.label_zh().to_owned(),
            m.severity.label_zh().to_owned(),
            params,
        ]);
    }
    outln!("{table}");
    if list.iter().any(|m| !m.builtin) {
        outln!("* 自定义模型 custom model (data directory models/)");
    }
    Ok(())
}

pub fn eval(report: &[crate::eval::ModelScore], json: bool) -> anyhow::Result<()> {
    if json {
        outln!("{}", serde_json::to_string(report)?);
        return Ok(());
    }
    let ratio = |x: Option<f64>| x.map(|x| format!("{x:.2}")).unwrap_or_else(|| "—".into());
    let mut table =
        new_table(&["模型 model", "案例 cases", "发现 found", "预警对象 warned", "召回率 recall", "精确率 precision"]);
    for s in report {
        let model = if s.implemented { s.model.clone() } else { format!("{} (未实现 not implemented)", s.model) };
        table.add_row([
            model,
            s.cases.to_string(),
            s.found.to_string(),
            s.warned_subjects.to_string(),
            ratio(s.recall),
            ratio(s.precision),
        ]);
    }
    outln!("{table}");
    for s in report.iter().filter(|s| s.implemented) {
        for id in &s.missed_subjects {
            outln!("  {} 未发现 missed {id}", s.model);
        }
        for id in &s.false_subjects {
            outln!("  {} 误报 false warning {id}", s.model);
        }
    }
    Ok(())
}

pub fn scans(list: &[store::ScanRecord], json: bool) -> anyhow::Result<()> {
    if json {
        outln!("{}", serde_json::to_string(list)?);
        return Ok(());
    }
    let mut table = new_table(&[
        "扫描 scan",
        "开始 started",
        "触发 trigger",
        "状态 status",
        "模型 models",
        "批次 batches",
        "配置 config",
        "新增 new",
        "未变 unchanged",
        "变化 changed",
        "消除 resolved",
    ]);
    for s in list {
        let count = |json: &str| serde_json::from_str::<Vec<serde_json::Value>>(json).map(|v| v.len()).unwrap_or(0);
        table.add_row([
            s.id.to_string(),
            s.started_at.clone(),
            s.trigger.clone(),
            s.status.clone(),
            count(&s.models_json).to_string(),
            count(&s.batches_json).to_string(),
            s.config_sha256.chars().take(12).collect(),
            s.new_count.to_string(),
            s.unchanged_count.to_string(),
            s.changed_count.to_string(),
            s.resolved_count.to_string(),
        ]);
    }
    outln!("{table}");
    for s in list.iter().filter(|s| s.error.is_some()) {
        outln!("  扫描 scan {}: {}", s.id, s.error.as_deref().unwrap_or_default());
    }
    Ok(())
}

fn screen_cell(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => String::new(),
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(items) => items.iter().map(screen_cell).collect::<Vec<_>>().join(";"),
        other => other.to_string(),
    }
}

/// The screens of the `limit` tenders with the highest collusion score.
pub fn screens(columns: &[String], rows: &[Vec<serde_json::Value>], limit: usize) {
    let pick = ["tender_id", "title", "bids", "cv", "spread", "diffp", "rd", "kurtosis", "skewness", "ks", "score"];
    let index: Vec<usize> = pick.iter().filter_map(|p| columns.iter().position(|c| c == p)).collect();
    let mut table = new_table(&[
        "项目 tender",
        "名称 title",
        "报价 bids",
        "CV",
        "SPD",
        "DIFFP",
        "RD",
        "KURT",
        "SKEW",
        "KS",
        "评分 score",
    ]);
    for row in rows.iter().take(limit) {
        table.add_row(index.iter().map(|&i| match &row[i] {
            serde_json::Value::Number(n) if n.is_f64() => format!("{:.3}", n.as_f64().unwrap_or(0.0)),
            v => screen_cell(v),
        }));
    }
    println!("{table}");
    println!("共{}个项目（有效报价≥3） / {} tender(s) with three or more valid priced bids", rows.len(), rows.len());
}

/// One JSON object per tender, columns in query order.
pub fn screens_jsonl(columns: &[String], rows: &[Vec<serde_json::Value>]) -> Vec<u8> {
    let mut out = Vec::new();
    for row in rows {
        let fields: Vec<String> =
            columns.iter().zip(row).map(|(c, v)| format!("{}:{}", serde_json::Value::String(c.clone()), v)).collect();
        out.extend_from_slice(format!("{{{}}}\n", fields.join(",")).as_bytes());
    }
    out
}

/// CSV (UTF-8 with BOM, for Excel), lists joined by `;`.
pub fn screens_csv(columns: &[String], rows: &[Vec<serde_json::Value>]) -> anyhow::Result<Vec<u8>> {
    fn quote(s: &str) -> String {
        if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s.to_owned() }
    }
    let mut out = "\u{feff}".as_bytes().to_vec();
    let line = |cells: Vec<String>| format!("{}\r\n", cells.iter().map(|c| quote(c)).collect::<Vec<_>>().join(","));
    out.extend_from_slice(line(columns.to_vec()).as_bytes());
    for row in rows {
        out.extend_from_slice(line(row.iter().map(screen_cell).collect()).as_bytes());
    }
    Ok(out)
}

/// What an OCDS file held, and every line that could not be used.
pub fn ocds_summary(path: &Path, s: &ingest::ocds::OcdsSummary, json: bool) {
    if json {
        outln!("{}", json!({"file": path.display().to_string(), "ocds": s}));
        return;
    }
    outln!(
        "OCDS {}: {} 个交易过程 contracting processes → {} tender, {} bid, {} award 行 rows; {} ocds_process, {} ocds_bid, {} ocds_award 行 rows",
        path.display(),
        s.processes,
        s.tenders,
        s.bids,
        s.awards,
        s.tenders,
        s.ocds_bids,
        s.ocds_awards
    );
    for e in s.errors.iter().take(50) {
        outln!("  第{}行 line {}: {} / {}", e.line, e.line, e.reason_zh, e.reason_en);
    }
    if s.errors.len() > 50 {
        outln!("  …共{}处 / {} in all", s.errors.len(), s.errors.len());
    }
}
