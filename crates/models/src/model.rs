//! A model as its file declares it.
//!
//! A model file is SQL whose first lines, each starting with `--!`, hold its
//! metadata as TOML (see `docs/models/README.md`). Because those lines are SQL
//! comments, the whole file is the query, and a line number in a query error is
//! a line number in the file.

use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// A model file that cannot be used, with where and why.
#[derive(Debug, thiserror::Error)]
#[error("{}:{line}: {message}", path.display())]
pub struct ModelError {
    pub path: PathBuf,
    /// 1-based; 0 when the error concerns the whole file.
    pub line: usize,
    pub message: String,
}

impl ModelError {
    pub fn at(path: &Path, line: usize, message: impl Into<String>) -> ModelError {
        ModelError { path: path.to_owned(), line, message: message.into() }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    High,
    Medium,
    Low,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::High => "high",
            Severity::Medium => "medium",
            Severity::Low => "low",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Severity::High => "高",
            Severity::Medium => "中",
            Severity::Low => "低",
        }
    }

    /// 1 for high: the queue sorts on it.
    pub fn rank(self) -> i64 {
        match self {
            Severity::High => 1,
            Severity::Medium => 2,
            Severity::Low => 3,
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        [Severity::High, Severity::Medium, Severity::Low].into_iter().find(|x| x.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Domain {
    /// 民生资金
    Livelihood,
    /// 公共资源交易
    Trading,
    /// 财政资金
    Finance,
    /// 四风
    Conduct,
    /// Custom models that name no other domain.
    Other,
}

impl Domain {
    pub const ALL: [Domain; 5] = [Domain::Livelihood, Domain::Trading, Domain::Finance, Domain::Conduct, Domain::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Domain::Livelihood => "livelihood",
            Domain::Trading => "trading",
            Domain::Finance => "finance",
            Domain::Conduct => "conduct",
            Domain::Other => "other",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Domain::Livelihood => "民生资金",
            Domain::Trading => "公共资源交易",
            Domain::Finance => "财政资金",
            Domain::Conduct => "四风",
            Domain::Other => "其他",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Domain::Livelihood => "Livelihood funds",
            Domain::Trading => "Public resource trading",
            Domain::Finance => "Public finance",
            Domain::Conduct => "Conduct of officials",
            Domain::Other => "Other",
        }
    }

    pub fn parse(s: &str) -> Option<Domain> {
        Domain::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// What a warning is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    Person,
    Account,
    Tender,
    Group,
    Enterprise,
    Unit,
    Claim,
    Vehicle,
}

impl SubjectKind {
    pub const ALL: [SubjectKind; 8] = [
        SubjectKind::Person,
        SubjectKind::Account,
        SubjectKind::Tender,
        SubjectKind::Group,
        SubjectKind::Enterprise,
        SubjectKind::Unit,
        SubjectKind::Claim,
        SubjectKind::Vehicle,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SubjectKind::Person => "person",
            SubjectKind::Account => "account",
            SubjectKind::Tender => "tender",
            SubjectKind::Group => "group",
            SubjectKind::Enterprise => "enterprise",
            SubjectKind::Unit => "unit",
            SubjectKind::Claim => "claim",
            SubjectKind::Vehicle => "vehicle",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            SubjectKind::Person => "人员",
            SubjectKind::Account => "账户",
            SubjectKind::Tender => "交易项目",
            SubjectKind::Group => "企业组",
            SubjectKind::Enterprise => "企业",
            SubjectKind::Unit => "单位",
            SubjectKind::Claim => "报销单",
            SubjectKind::Vehicle => "车辆",
        }
    }

    pub fn parse(s: &str) -> Option<SubjectKind> {
        SubjectKind::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ParamKind {
    /// A whole number (counts, days).
    Int,
    /// A ratio or other real number.
    Number,
    /// Yuan in the configuration and the docs, fen in the query.
    Money,
    /// `MM-DD`, a day of the year; the query gets the text.
    MonthDay,
    Text,
    /// Whole numbers by name (a TOML table such as `{ "竞争性磋商" = 10 }`); the
    /// query gets a table of `name` and `value` rows.
    IntByName,
}

/// A parameter's value, as the query receives it.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
#[serde(untagged)]
pub enum ParamValue {
    Int(i64),
    Number(f64),
    Text(String),
    IntByName(BTreeMap<String, i64>),
}

impl ParamValue {
    /// The value as an SQL literal.
    pub fn sql(&self) -> String {
        match self {
            ParamValue::Int(n) => n.to_string(),
            ParamValue::Number(x) => {
                let s = format!("{x:?}");
                if s.contains(['.', 'e']) { s } else { format!("{s}.0") }
            }
            ParamValue::Text(s) => text_literal(s),
            ParamValue::IntByName(map) if map.is_empty() => {
                "(SELECT CAST(NULL AS VARCHAR) AS name, CAST(NULL AS BIGINT) AS value WHERE false)".into()
            }
            ParamValue::IntByName(map) => {
                let rows: Vec<String> =
                    map.iter().map(|(k, v)| format!("({}, CAST({v} AS BIGINT))", text_literal(k))).collect();
                format!("(SELECT column1 AS name, column2 AS value FROM (VALUES {}))", rows.join(", "))
            }
        }
    }
}

fn text_literal(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

impl fmt::Display for ParamValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParamValue::Int(n) => write!(f, "{n}"),
            ParamValue::Number(x) => write!(f, "{x}"),
            ParamValue::Text(s) => f.write_str(s),
            ParamValue::IntByName(map) => {
                let pairs: Vec<String> = map.iter().map(|(k, v)| format!("{k}={v}")).collect();
                f.write_str(&pairs.join(", "))
            }
        }
    }
}

#[derive(Clone, Debug, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Param {
    pub kind: ParamKind,
    /// In the configuration's unit: yuan for money.
    pub default: toml::Value,
    pub zh: String,
    pub en: String,
}

impl Param {
    /// Converts a configured (or default) value to what the query receives,
    /// checking its type.
    pub fn value(&self, v: &toml::Value) -> Result<ParamValue, String> {
        let bad = |want: &str| Err(format!("应为{want} / expected {want}, found {v}"));
        match self.kind {
            ParamKind::Int => match v {
                toml::Value::Integer(n) => Ok(ParamValue::Int(*n)),
                _ => bad("整数 an integer"),
            },
            ParamKind::Number => match v {
                toml::Value::Integer(n) => Ok(ParamValue::Number(*n as f64)),
                toml::Value::Float(x) if x.is_finite() => Ok(ParamValue::Number(*x)),
                _ => bad("数值 a number"),
            },
            ParamKind::Money => {
                let text = match v {
                    toml::Value::Integer(n) => n.to_string(),
                    toml::Value::Float(x) => format!("{x}"),
                    toml::Value::String(s) => s.clone(),
                    _ => return bad("金额（元） an amount in yuan"),
                };
                match domain::Money::parse(&text) {
                    Ok(m) => Ok(ParamValue::Int(m.fen())),
                    Err(_) => bad("金额（元，最多两位小数） an amount in yuan with at most 2 decimals"),
                }
            }
            ParamKind::MonthDay => match v {
                toml::Value::String(s) if s.len() == 5 && chrono_like_month_day(s).is_some() => {
                    Ok(ParamValue::Text(s.clone()))
                }
                _ => bad("月-日（如\"09-30\"） a month-day such as \"09-30\""),
            },
            ParamKind::Text => match v {
                toml::Value::String(s) => Ok(ParamValue::Text(s.clone())),
                _ => bad("文本 text"),
            },
            ParamKind::IntByName => {
                let want = "名称到整数的表（如{ \"竞争性磋商\" = 10 }） a table of names to integers such as { \"Cotización\" = 7 }";
                let toml::Value::Table(table) = v else { return bad(want) };
                let mut map = BTreeMap::new();
                for (name, value) in table {
                    let toml::Value::Integer(n) = value else {
                        return Err(format!(
                            "{name}的值应为整数 / the value of {name} should be an integer, found {value}"
                        ));
                    };
                    map.insert(name.clone(), *n);
                }
                Ok(ParamValue::IntByName(map))
            }
        }
    }
}

fn chrono_like_month_day(s: &str) -> Option<(u32, u32)> {
    let (m, d) = s.split_once('-')?;
    let (m, d): (u32, u32) = (m.parse().ok()?, d.parse().ok()?);
    let days = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    (m >= 1 && m <= 12 && d >= 1 && d <= days[m as usize - 1]).then_some((m, d))
}

/// A figure of a model's evidence: what a column of its result means.
#[derive(Clone, Debug, Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Figure {
    pub zh: String,
    pub en: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    code: String,
    name_zh: String,
    name_en: String,
    domain: Domain,
    severity: Severity,
    subject: SubjectKind,
    summary_zh: String,
    summary_en: String,
    basis_zh: String,
    basis_en: String,
    reads: Vec<String>,
    reason_zh: String,
    reason_en: String,
    #[serde(default)]
    params: BTreeMap<String, Param>,
    #[serde(default)]
    figures: BTreeMap<String, Figure>,
}

#[derive(Clone, Debug, serde::Serialize)]
pub struct Model {
    pub code: String,
    pub name_zh: String,
    pub name_en: String,
    pub domain: Domain,
    pub severity: Severity,
    pub subject: SubjectKind,
    /// What it finds, in a sentence.
    pub summary_zh: String,
    pub summary_en: String,
    /// The law or policy that makes it a red flag.
    pub basis_zh: String,
    pub basis_en: String,
    /// The contract tables the query reads.
    pub reads: Vec<String>,
    /// Templates: `{figure}` is replaced by the figure's value (see `Warning`).
    pub reason_zh: String,
    pub reason_en: String,
    pub params: BTreeMap<String, Param>,
    /// Every evidence column the query returns besides the reserved ones, in
    /// the order the query returns them.
    pub figures: BTreeMap<String, Figure>,
    /// The file, as written: the query with its metadata as comments.
    #[serde(skip)]
    pub sql: String,
    #[serde(skip)]
    pub path: PathBuf,
    /// Shipped with Qingfeng (as opposed to dropped into the data directory).
    pub builtin: bool,
    #[serde(skip)]
    pub code_line: usize,
}

/// Columns every model returns, in addition to its figures. `subject_name`,
/// `amount_fen`, `org_code` and `region_code` may be null; a column whose name
/// starts with `src_` holds source references (see `engine`), one or a list.
pub const RESERVED_COLUMNS: [&str; 7] =
    ["key", "subject_kind", "subject_id", "subject_name", "amount_fen", "org_code", "region_code"];

impl Model {
    /// Reads a model file. `builtin` marks the models shipped in the binary.
    pub fn parse(path: &Path, text: &str, builtin: bool) -> Result<Model, ModelError> {
        let mut header = String::new();
        for line in text.lines() {
            match line.strip_prefix("--!") {
                Some(rest) => {
                    header.push_str(rest.strip_prefix(' ').unwrap_or(rest));
                    header.push('\n');
                }
                None => break,
            }
        }
        if header.is_empty() {
            return Err(ModelError::at(
                path,
                1,
                "模型文件须以\"--!\"开头的元数据行开始 / a model file starts with its metadata, lines beginning \"--!\"",
            ));
        }
        let h: Header = toml::from_str(&header).map_err(|e| {
            let line = e.span().map(|s| header[..s.start].matches('\n').count() + 1).unwrap_or(1);
            ModelError::at(path, line, format!("元数据错误 / metadata error: {}", e.message()))
        })?;
        let line_of =
            |needle: &str| header.lines().position(|l| l.trim_start().starts_with(needle)).map(|i| i + 1).unwrap_or(1);
        let code_ok = !h.code.is_empty()
            && h.code.len() <= 16
            && h.code.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && h.code.starts_with(|c: char| c.is_ascii_uppercase());
        if !code_ok {
            return Err(ModelError::at(
                path,
                line_of("code"),
                format!(
                    "模型代码{:?}无效：大写字母开头，仅字母、数字、下划线，最长16 / model code {:?} is invalid: an upper-case letter, then letters, digits or _, at most 16",
                    h.code, h.code
                ),
            ));
        }
        if let Some(stem) = path.file_stem().and_then(|s| s.to_str())
            && stem != h.code
        {
            return Err(ModelError::at(
                path,
                line_of("code"),
                format!("文件名须为{}.sql / the file must be named {}.sql", h.code, h.code),
            ));
        }
        for (name, p) in &h.params {
            if let Err(e) = p.value(&p.default) {
                return Err(ModelError::at(
                    path,
                    line_of(&format!("[params.{name}]")),
                    format!("参数{name}的默认值 / default of parameter {name}: {e}"),
                ));
            }
        }
        for name in h.figures.keys() {
            if RESERVED_COLUMNS.contains(&name.as_str()) || name.starts_with("src_") {
                return Err(ModelError::at(
                    path,
                    line_of(&format!("[figures.{name}]")),
                    format!("{name}是保留列名 / {name} is a reserved column name"),
                ));
            }
        }
        for (which, template) in [("reason_zh", &h.reason_zh), ("reason_en", &h.reason_en)] {
            for name in placeholders(template) {
                let known = h.figures.contains_key(name)
                    || ["subject_id", "subject_name", "amount", "org_code", "region_code"].contains(&name);
                if !known {
                    return Err(ModelError::at(
                        path,
                        line_of(which),
                        format!(
                            "{which}引用了未声明的{{{name}}} / {which} refers to {{{name}}}, which is not a declared figure"
                        ),
                    ));
                }
            }
        }
        let model = Model {
            code_line: line_of("code"),
            code: h.code,
            name_zh: h.name_zh,
            name_en: h.name_en,
            domain: h.domain,
            severity: h.severity,
            subject: h.subject,
            summary_zh: h.summary_zh,
            summary_en: h.summary_en,
            basis_zh: h.basis_zh,
            basis_en: h.basis_en,
            reads: h.reads,
            reason_zh: h.reason_zh,
            reason_en: h.reason_en,
            params: h.params,
            figures: h.figures,
            sql: text.to_owned(),
            path: path.to_owned(),
            builtin,
        };
        // Every `${name}` must be a parameter.
        model.query(&BTreeMap::new())?;
        Ok(model)
    }

    /// The query with each `${param}` replaced by its value: `values` where
    /// given, else the default. Line numbers are unchanged.
    pub fn query(&self, values: &BTreeMap<String, ParamValue>) -> Result<String, ModelError> {
        let mut out = String::with_capacity(self.sql.len());
        for (i, line) in self.sql.lines().enumerate() {
            let mut rest = line;
            if !line.starts_with("--") {
                while let Some(start) = rest.find("${") {
                    out.push_str(&rest[..start]);
                    let after = &rest[start + 2..];
                    let Some(end) = after.find('}') else {
                        return Err(ModelError::at(&self.path, i + 1, "\"${\"未闭合 / unclosed \"${\""));
                    };
                    let name = &after[..end];
                    let value = match (values.get(name), self.params.get(name)) {
                        (Some(v), _) => v.clone(),
                        (None, Some(p)) => p.value(&p.default).map_err(|e| ModelError::at(&self.path, i + 1, e))?,
                        (None, None) => {
                            return Err(ModelError::at(
                                &self.path,
                                i + 1,
                                format!("未声明的参数${{{name}}} / undeclared parameter ${{{name}}}"),
                            ));
                        }
                    };
                    out.push_str(&value.sql());
                    rest = &after[end + 1..];
                }
            }
            out.push_str(rest);
            out.push('\n');
        }
        Ok(out)
    }

    /// The parameters' defaults, as the query receives them.
    pub fn defaults(&self) -> BTreeMap<String, ParamValue> {
        self.params.iter().filter_map(|(k, p)| Some((k.clone(), p.value(&p.default).ok()?))).collect()
    }
}

/// The `{name}` placeholders of a reason template (`{name:%}` formats as a percentage).
pub(crate) fn placeholders(template: &str) -> Vec<&str> {
    let mut names = Vec::new();
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        match after.find('}') {
            Some(end) => {
                let inner = &after[..end];
                names.push(inner.split(':').next().unwrap_or(inner));
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    names
}
