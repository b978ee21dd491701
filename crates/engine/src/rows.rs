//! Result rows of a model → findings.

use crate::EngineError;
use datafusion::arrow::array::{Array, ArrayRef, AsArray, RecordBatch};
use datafusion::arrow::datatypes::{DataType, Date32Type, Float64Type, Int32Type, Int64Type, Schema, UInt64Type};
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use models::{Finding, Model, ModelError, Source, Subject};
use serde_json::{Map, Value};
use std::collections::BTreeSet;

const EPOCH_DAYS_CE: i32 = 719_163;

fn date_text(days: i32) -> String {
    chrono::NaiveDate::from_num_days_from_ce_opt(days + EPOCH_DAYS_CE).map(|d| d.to_string()).unwrap_or_default()
}

/// One cell as JSON: numbers stay numbers, dates become `YYYY-MM-DD`, lists
/// become arrays, anything else its display text.
fn cell(array: &ArrayRef, row: usize) -> Value {
    if array.is_null(row) {
        return Value::Null;
    }
    match array.data_type() {
        DataType::Utf8 => Value::String(array.as_string::<i32>().value(row).to_owned()),
        DataType::LargeUtf8 => Value::String(array.as_string::<i64>().value(row).to_owned()),
        DataType::Utf8View => Value::String(array.as_string_view().value(row).to_owned()),
        DataType::Int64 => Value::from(array.as_primitive::<Int64Type>().value(row)),
        DataType::Int32 => Value::from(array.as_primitive::<Int32Type>().value(row)),
        DataType::UInt64 => Value::from(array.as_primitive::<UInt64Type>().value(row)),
        DataType::Float64 => {
            let x = array.as_primitive::<Float64Type>().value(row);
            // Six decimals: enough for every ratio a model reports, and stable across runs.
            serde_json::Number::from_f64((x * 1e6).round() / 1e6).map(Value::Number).unwrap_or(Value::Null)
        }
        DataType::Boolean => Value::Bool(array.as_boolean().value(row)),
        DataType::Date32 => Value::String(date_text(array.as_primitive::<Date32Type>().value(row))),
        DataType::List(_) => {
            let items = array.as_list::<i32>().value(row);
            Value::Array((0..items.len()).map(|i| cell(&items, i)).collect())
        }
        DataType::LargeList(_) => {
            let items = array.as_list::<i64>().value(row);
            Value::Array((0..items.len()).map(|i| cell(&items, i)).collect())
        }
        _ => match ArrayFormatter::try_new(array.as_ref(), &FormatOptions::default()) {
            Ok(f) => Value::String(f.value(row).to_string()),
            Err(_) => Value::Null,
        },
    }
}

/// The column names of `schema` and every row of `batches` as JSON values.
pub fn table(schema: &Schema, batches: &[RecordBatch]) -> (Vec<String>, Vec<Vec<Value>>) {
    let columns = schema.fields().iter().map(|f| f.name().clone()).collect();
    let mut rows = Vec::new();
    for b in batches {
        for row in 0..b.num_rows() {
            rows.push((0..b.num_columns()).map(|i| cell(b.column(i), row)).collect());
        }
    }
    (columns, rows)
}

fn text(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        other => Some(other.to_string()),
    }
}

/// A source reference as `udf::src` writes it.
fn source(model: &Model, text: &str) -> Result<Source, ModelError> {
    let parts: Vec<&str> = text.split(crate::udf::SOURCE_SEPARATOR).collect();
    let bad = || {
        ModelError::at(
            &model.path,
            0,
            format!("来源列的值{text:?}不是src()的结果 / source value {text:?} was not made by src()"),
        )
    };
    if parts.len() != 4 {
        return Err(bad());
    }
    Ok(Source {
        table: parts[0].to_owned(),
        batch: parts[1].parse().map_err(|_| bad())?,
        row: parts[2].parse().map_err(|_| bad())?,
        key: parts[3].to_owned(),
    })
}

fn collect_sources(model: &Model, v: &Value, out: &mut BTreeSet<Source>) -> Result<(), ModelError> {
    match v {
        Value::Null => Ok(()),
        Value::String(s) => {
            out.insert(source(model, s)?);
            Ok(())
        }
        Value::Array(items) => items.iter().try_for_each(|i| collect_sources(model, i, out)),
        other => Err(ModelError::at(&model.path, 0, format!("来源列的值{other}无效 / invalid source value {other}"))),
    }
}

pub(crate) fn findings(model: &Model, schema: &Schema, batches: &[RecordBatch]) -> Result<Vec<Finding>, EngineError> {
    let mut out = Vec::new();
    let mut seen = BTreeSet::new();
    for batch in batches {
        for row in 0..batch.num_rows() {
            let mut figures = Map::new();
            let mut sources = BTreeSet::new();
            let (mut key, mut kind, mut id, mut name) = (None, None, None, String::new());
            let (mut amount, mut org, mut region) = (0i64, None, None);
            for (i, field) in schema.fields().iter().enumerate() {
                let v = cell(batch.column(i), row);
                match field.name().as_str() {
                    "key" => key = text(&v),
                    "subject_kind" => kind = text(&v),
                    "subject_id" => id = text(&v),
                    "subject_name" => name = text(&v).unwrap_or_default(),
                    "amount_fen" => amount = v.as_i64().unwrap_or(0),
                    "org_code" => org = text(&v),
                    "region_code" => region = text(&v),
                    n if n.starts_with("src_") => collect_sources(model, &v, &mut sources)?,
                    n => {
                        figures.insert(n.to_owned(), v);
                    }
                }
            }
            let missing =
                |what: &str| ModelError::at(&model.path, 0, format!("结果行缺少{what} / a result row has no {what}"));
            let key = key.ok_or_else(|| missing("key"))?;
            if !seen.insert(key.clone()) {
                return Err(ModelError::at(
                    &model.path,
                    0,
                    format!("结果中key {key:?}重复 / the query returns key {key:?} twice: group by it"),
                )
                .into());
            }
            // Figures in the order the model declares them.
            let mut ordered = Map::new();
            for name in model.figures.keys() {
                if let Some(v) = figures.remove(name) {
                    ordered.insert(name.clone(), v);
                }
            }
            out.push(Finding {
                key,
                subject: Subject {
                    kind: kind.ok_or_else(|| missing("subject_kind"))?,
                    id: id.ok_or_else(|| missing("subject_id"))?,
                    name,
                },
                amount_fen: amount,
                org_code: org,
                region_code: region,
                figures: ordered,
                sources: sources.into_iter().collect(),
            });
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    Ok(out)
}
