use std::path::PathBuf;

/// A problem with one cell (or one whole row) of a file.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct RowError {
    /// The row as a spreadsheet shows it: the header is row 1 unless title rows precede it.
    pub row: u64,
    /// The column as the file names it (its header), or the contract key.
    pub column: String,
    /// The value as written, shortened to 200 characters.
    pub value: String,
    /// `中文 / English`.
    pub reason: String,
}

impl RowError {
    pub fn reason_zh(&self) -> &str {
        contract::split_bilingual(&self.reason).0
    }

    pub fn reason_en(&self) -> &str {
        contract::split_bilingual(&self.reason).1
    }
}

/// A problem that makes a whole file unreadable; nothing of it is stored.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error("{path}: 无法读取 / cannot read: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{path}: 文件为空 / the file is empty")]
    Empty { path: PathBuf },
    #[error("{path}: 只有表头，没有数据行 / the file has a header but no data rows")]
    HeaderOnly { path: PathBuf },
    #[error(
        "{path}: 文件编码既不是UTF-8也不是GBK/GB18030（第{offset}字节起无法解码）；请另存为“CSV UTF-8” / the file is neither UTF-8 nor GBK/GB18030 (undecodable from byte {offset}); save it as \"CSV UTF-8\""
    )]
    Encoding { path: PathBuf, offset: u64 },
    #[error(
        "{path}: 文件是UTF-16编码（Excel“Unicode文本”），请另存为“CSV UTF-8” / the file is UTF-16 (Excel \"Unicode Text\"); save it as \"CSV UTF-8\""
    )]
    Utf16 { path: PathBuf },
    #[error("{path}: 文件是UTF-16编码，JSON须以UTF-8保存 / the file is UTF-16; JSON must be saved as UTF-8")]
    JsonUtf16 { path: PathBuf },
    #[error("{path}: 不是CSV或Excel表格（{detail_zh}） / not a CSV file or spreadsheet ({detail_en})")]
    NotASpreadsheet { path: PathBuf, detail_zh: String, detail_en: String },
    #[error("{path}: Excel文件已损坏或无法读取（{detail}） / the Excel file is damaged or unreadable ({detail})")]
    Spreadsheet { path: PathBuf, detail: String },
    #[error(
        "{path}: Excel文件解压后过大（{bytes}字节），拒绝读取 / the Excel file expands to {bytes} bytes, more than is safe to read"
    )]
    TooLarge { path: PathBuf, bytes: u64 },
    #[error(
        "{path}: 无法确定数据表，请用 --table 指定（文件名应以表名开头，如 disbursement_2026-03.csv） / cannot tell which table this is; name it with --table (file names start with the table, e.g. disbursement_2026-03.csv)"
    )]
    UnknownTable { path: PathBuf },
    #[error("{path}: 缺少必填列：{missing_zh} / missing required columns: {missing_en}")]
    MissingColumns { path: PathBuf, missing_zh: String, missing_en: String },
    #[error(
        "{path}: 第{row}行的列“{first}”与“{second}”都对应字段{key} / columns \"{first}\" and \"{second}\" of row {row} both mean {key}"
    )]
    DuplicateColumn { path: PathBuf, row: u64, first: String, second: String, key: String },
    #[error("{path}: CSV格式错误，第{row}行：{detail} / malformed CSV at row {row}: {detail}")]
    Csv { path: PathBuf, row: u64, detail: String },
    #[error("映射文件{path}: {detail} / mapping file {path}: {detail}")]
    Mapping { path: PathBuf, detail: String },
    #[error("{path}: 写入数据失败 / cannot store the data: {detail}")]
    Sink { path: PathBuf, detail: String },
}
