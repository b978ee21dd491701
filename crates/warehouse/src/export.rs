//! Warnings as files: JSON Lines for machines, CSV and XLSX for people.

use models::{Warning, yuan};

/// One warning per line, in the order given; the same warnings give the same bytes.
pub fn jsonl(warnings: &[Warning]) -> Vec<u8> {
    let mut out = Vec::new();
    for w in warnings {
        if let Ok(line) = serde_json::to_string(w) {
            out.extend_from_slice(line.as_bytes());
            out.push(b'\n');
        }
    }
    out
}

const HEADERS: [&str; 11] = [
    "预警编号 id",
    "模型 model",
    "等级 severity",
    "对象类型 subject kind",
    "对象 subject id",
    "名称 subject name",
    "涉及金额（元） amount (yuan)",
    "预警理由",
    "reason",
    "证据数据 figures",
    "来源记录 sources",
];

fn row(w: &Warning) -> [String; 11] {
    let sources =
        w.evidence.sources.iter().map(|s| format!("{}#{}:{}", s.table, s.batch, s.row)).collect::<Vec<_>>().join(" ");
    [
        w.id.clone(),
        w.model.clone(),
        w.severity.clone(),
        w.subject.kind.clone(),
        w.subject.id.clone(),
        w.subject.name.clone(),
        yuan(w.amount_fen),
        w.reason_zh.clone(),
        w.reason_en.clone(),
        serde_json::to_string(&w.evidence.figures).unwrap_or_default(),
        sources,
    ]
}

/// Cells a spreadsheet would run as formulas are prefixed with `'`.
fn defuse(cell: &str) -> String {
    if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{cell}") } else { cell.to_owned() }
}

/// CSV with a BOM, so that Excel opens it as UTF-8.
pub fn csv(warnings: &[Warning]) -> Vec<u8> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = ::csv::Writer::from_writer(&mut out);
        let _ = writer.write_record(HEADERS);
        for w in warnings {
            let _ = writer.write_record(row(w).iter().map(|c| defuse(c)));
        }
        let _ = writer.flush();
    }
    out
}

pub fn xlsx(warnings: &[Warning]) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    use rust_xlsxwriter::{Format, Workbook};
    let mut book = Workbook::new();
    let sheet = book.add_worksheet().set_name("预警 warnings")?;
    let bold = Format::new().set_bold();
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold)?;
    }
    for (r, w) in warnings.iter().enumerate() {
        let r = r as u32 + 1;
        for (c, cell) in row(w).iter().enumerate() {
            if c == 6 {
                sheet.write_number(r, c as u16, w.amount_fen as f64 / 100.0)?;
            } else {
                sheet.write_string(r, c as u16, cell)?;
            }
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    for (c, width) in [16, 6, 6, 8, 20, 16, 14, 60, 60, 40, 40].into_iter().enumerate() {
        sheet.set_column_width(c as u16, width)?;
    }
    book.save_to_buffer()
}
