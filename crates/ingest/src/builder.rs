//! Arrow schemas of the contract tables and the builders that fill them.

use arrow_array::builder::{
    BooleanBuilder, Date32Builder, Float64Builder, Int64Builder, StringBuilder, TimestampSecondBuilder,
};
use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{ArrowError, DataType, Field, Schema, SchemaRef, TimeUnit};
use chrono::NaiveDate;
use contract::{Kind, Table, Value};
use std::collections::HashMap;
use std::sync::Arc;

/// The import batch a record came from (its number in the batch register).
pub const PROVENANCE_BATCH: &str = "_batch";
/// The record's row in the source file, as a spreadsheet shows it.
pub const PROVENANCE_ROW: &str = "_row";
/// Columns the contract does not know, as a JSON object `{header: value}`.
pub const PROVENANCE_EXTRA: &str = "_extra";

/// China has kept UTC+8 all year since 1991; contract date-times are local time.
pub const LOCAL_OFFSET_SECONDS: i64 = 8 * 3600;
const TIMEZONE: &str = "+08:00";

fn data_type(kind: Kind) -> DataType {
    match kind {
        Kind::Date | Kind::Period => DataType::Date32,
        Kind::DateTime => DataType::Timestamp(TimeUnit::Second, Some(TIMEZONE.into())),
        Kind::Money | Kind::Integer | Kind::Year => DataType::Int64,
        Kind::Bool => DataType::Boolean,
        Kind::Decimal => DataType::Float64,
        Kind::Text
        | Kind::Name
        | Kind::IdNumber
        | Kind::CreditCode
        | Kind::PartyId
        | Kind::RegionCode
        | Kind::Enum(_) => DataType::Utf8,
    }
}

/// The stored schema of a table: its contract columns in contract order (each
/// with its kind and label as field metadata: money is fen, a period is the
/// first day of its month), then the provenance columns.
pub fn schema(table: &Table) -> SchemaRef {
    let mut fields: Vec<Field> = table
        .columns
        .iter()
        .map(|c| {
            let metadata = HashMap::from([
                ("qingfeng.kind".to_owned(), c.kind.name().to_owned()),
                ("qingfeng.label".to_owned(), c.label.to_owned()),
            ]);
            Field::new(c.key, data_type(c.kind), !c.required).with_metadata(metadata)
        })
        .collect();
    fields.push(Field::new(PROVENANCE_BATCH, DataType::Int64, false));
    fields.push(Field::new(PROVENANCE_ROW, DataType::Int64, false));
    fields.push(Field::new(PROVENANCE_EXTRA, DataType::Utf8, true));
    let metadata = HashMap::from([
        ("qingfeng.table".to_owned(), table.name.to_owned()),
        ("qingfeng.contract_version".to_owned(), contract::CONTRACT_VERSION.to_string()),
    ]);
    Arc::new(Schema::new_with_metadata(fields, metadata))
}

enum ColumnBuilder {
    Utf8(StringBuilder),
    Date(Date32Builder),
    Timestamp(TimestampSecondBuilder),
    Int(Int64Builder),
    Bool(BooleanBuilder),
    Float(Float64Builder),
}

fn days_since_epoch(date: NaiveDate) -> i32 {
    const EPOCH_DAYS_FROM_CE: i32 = 719_163;
    chrono::Datelike::num_days_from_ce(&date) - EPOCH_DAYS_FROM_CE
}

impl ColumnBuilder {
    fn new(kind: Kind, capacity: usize) -> ColumnBuilder {
        match data_type(kind) {
            DataType::Utf8 => ColumnBuilder::Utf8(StringBuilder::with_capacity(capacity, capacity * 8)),
            DataType::Date32 => ColumnBuilder::Date(Date32Builder::with_capacity(capacity)),
            DataType::Timestamp(..) => {
                ColumnBuilder::Timestamp(TimestampSecondBuilder::with_capacity(capacity).with_timezone(TIMEZONE))
            }
            DataType::Int64 => ColumnBuilder::Int(Int64Builder::with_capacity(capacity)),
            DataType::Boolean => ColumnBuilder::Bool(BooleanBuilder::with_capacity(capacity)),
            _ => ColumnBuilder::Float(Float64Builder::with_capacity(capacity)),
        }
    }

    /// Appends a value the contract parsed for this column's kind; the pairing of
    /// kinds and builders is fixed by `data_type`, so a mismatch is a bug, stored as null.
    fn append(&mut self, value: &Value<'_>) {
        match (self, value) {
            (ColumnBuilder::Utf8(b), Value::Text(t)) => b.append_value(t),
            (ColumnBuilder::Utf8(b), Value::Enum(k)) => b.append_value(k),
            (ColumnBuilder::Date(b), Value::Date(d)) => b.append_value(days_since_epoch(*d)),
            (ColumnBuilder::Date(b), Value::Period(p)) => b.append_value(days_since_epoch(p.first_day())),
            (ColumnBuilder::Timestamp(b), Value::DateTime(t)) => {
                b.append_value(t.and_utc().timestamp() - LOCAL_OFFSET_SECONDS)
            }
            (ColumnBuilder::Int(b), Value::Money(m)) => b.append_value(m.fen()),
            (ColumnBuilder::Int(b), Value::Integer(i)) => b.append_value(*i),
            (ColumnBuilder::Bool(b), Value::Bool(v)) => b.append_value(*v),
            (ColumnBuilder::Float(b), Value::Decimal(f)) => b.append_value(*f),
            (builder, _) => builder.append_null(),
        }
    }

    fn append_null(&mut self) {
        match self {
            ColumnBuilder::Utf8(b) => b.append_null(),
            ColumnBuilder::Date(b) => b.append_null(),
            ColumnBuilder::Timestamp(b) => b.append_null(),
            ColumnBuilder::Int(b) => b.append_null(),
            ColumnBuilder::Bool(b) => b.append_null(),
            ColumnBuilder::Float(b) => b.append_null(),
        }
    }

    fn finish(&mut self) -> ArrayRef {
        match self {
            ColumnBuilder::Utf8(b) => Arc::new(b.finish()),
            ColumnBuilder::Date(b) => Arc::new(b.finish()),
            ColumnBuilder::Timestamp(b) => Arc::new(b.finish()),
            ColumnBuilder::Int(b) => Arc::new(b.finish()),
            ColumnBuilder::Bool(b) => Arc::new(b.finish()),
            ColumnBuilder::Float(b) => Arc::new(b.finish()),
        }
    }
}

/// Accumulates the good rows of one table into record batches.
pub struct BatchBuilder {
    schema: SchemaRef,
    columns: Vec<ColumnBuilder>,
    batch_id: i64,
    rows: Int64Builder,
    extra: StringBuilder,
    len: usize,
}

impl BatchBuilder {
    pub fn new(table: &Table, batch_id: i64, capacity: usize) -> BatchBuilder {
        BatchBuilder {
            schema: schema(table),
            columns: table.columns.iter().map(|c| ColumnBuilder::new(c.kind, capacity)).collect(),
            batch_id,
            rows: Int64Builder::with_capacity(capacity),
            extra: StringBuilder::new(),
            len: 0,
        }
    }

    /// Appends one validated row: one value per contract column.
    pub fn append(&mut self, values: &[Value<'_>], row: u64, extra: Option<&str>) {
        for (builder, value) in self.columns.iter_mut().zip(values) {
            match value {
                Value::Null => builder.append_null(),
                v => builder.append(v),
            }
        }
        self.rows.append_value(row as i64);
        self.extra.append_option(extra);
        self.len += 1;
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn finish(&mut self) -> Result<RecordBatch, ArrowError> {
        let mut arrays: Vec<ArrayRef> = self.columns.iter_mut().map(ColumnBuilder::finish).collect();
        let mut batch = Int64Builder::with_capacity(self.len);
        batch.append_value_n(self.batch_id, self.len);
        arrays.push(Arc::new(batch.finish()));
        arrays.push(Arc::new(self.rows.finish()));
        arrays.push(Arc::new(self.extra.finish()));
        self.len = 0;
        RecordBatch::try_new(self.schema.clone(), arrays)
    }
}
