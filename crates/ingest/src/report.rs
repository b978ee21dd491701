//! Error reports in the forms a department clerk opens: CSV (UTF-8 with BOM, so
//! that Excel shows the Chinese text) and XLSX.

use crate::RowError;
use rust_xlsxwriter::{Format, Workbook};
use std::io::Write;
use std::path::Path;

const HEADERS: [&str; 6] = ["文件 file", "行号 row", "列 column", "值 value", "原因", "reason"];

/// Writes the errors of one file to `csv_path` and `xlsx_path`.
pub fn write_error_report(
    file_name: &str,
    errors: &[RowError],
    csv_path: &Path,
    xlsx_path: &Path,
) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::new(std::fs::File::create(csv_path)?);
    out.write_all(b"\xEF\xBB\xBF")?;
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        writer.write_record(HEADERS)?;
        for e in errors {
            let row = e.row.to_string();
            writer.write_record([file_name, &row, &e.column, &excel_safe(&e.value), e.reason_zh(), e.reason_en()])?;
        }
        writer.flush()?;
    }
    out.flush()?;

    let mut workbook = Workbook::new();
    let sheet = workbook.add_worksheet();
    let to_io = |e: rust_xlsxwriter::XlsxError| std::io::Error::other(e.to_string());
    sheet.set_name("错误 errors").map_err(to_io)?;
    let bold = Format::new().set_bold();
    for (c, h) in HEADERS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *h, &bold).map_err(to_io)?;
    }
    // An XLSX sheet holds at most 1,048,576 rows; the CSV report has every error.
    for (i, e) in errors.iter().enumerate().take(1_048_575) {
        let r = i as u32 + 1;
        sheet.write_string(r, 0, file_name).map_err(to_io)?;
        sheet.write_number(r, 1, e.row as f64).map_err(to_io)?;
        sheet.write_string(r, 2, &e.column).map_err(to_io)?;
        sheet.write_string(r, 3, &e.value).map_err(to_io)?;
        sheet.write_string(r, 4, e.reason_zh()).map_err(to_io)?;
        sheet.write_string(r, 5, e.reason_en()).map_err(to_io)?;
    }
    sheet.set_column_width(0, 24).map_err(to_io)?;
    sheet.set_column_width(3, 24).map_err(to_io)?;
    sheet.set_column_width(4, 40).map_err(to_io)?;
    sheet.set_column_width(5, 50).map_err(to_io)?;
    sheet.set_freeze_panes(1, 0).map_err(to_io)?;
    workbook.save(xlsx_path).map_err(to_io)
}

/// A value starting with `=`, `+`, `-` or `@` would run as a formula when the
/// CSV report is opened in Excel (CSV injection); a leading apostrophe keeps it text.
fn excel_safe(value: &str) -> String {
    if value.starts_with(['=', '+', '-', '@']) { format!("'{value}") } else { value.to_owned() }
}
