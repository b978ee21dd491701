//! `bid_screens` and `rotation_groups`: the trading statistics of
//! `models::trading` as SQL functions over `array_agg` lists.
//!
//! | function | returns |
//! |---|---|
//! | `bid_screens(prices)` | the screens of a list of bid prices, a struct (null under three prices) |
//! | `rotation_groups(tenders, window_days, min_tenders)` | the rotation groups among a list of `named_struct('tender', …, 'day', …, 'winner', …, 'bidders', [...])` |
//! | `quantile_r8(values, tau)` | the τ-quantile of a list of numbers as Cardinal computes it (`models::stats`), null for an empty list |
//! | `distinct_count(list)` | how many distinct values other than null a list holds (0 for a null list) |
//!
//! `distinct_count(array_agg(x))` counts what `count(DISTINCT x)` counts, and
//! `array_distinct(array_agg(x))` holds what `array_agg(DISTINCT x)` holds; grouped
//! by hundreds of thousands of keys they take a tenth of the time and memory:
//! DataFusion keeps a separate set per group for a `DISTINCT` aggregate
//! (apache/datafusion#25116).

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Float64Array, GenericListArray, Int64Array, ListArray, ListBuilder, OffsetSizeTrait,
    StringArray, StringBuilder, StructArray,
};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Date32Type, Field, Fields, Float64Type, Int64Type};
use datafusion::arrow::row::{RowConverter, SortField};
use datafusion::common::{exec_err, plan_err};
use datafusion::error::Result;
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility};
use models::trading::{CoBid, rotation_groups, screens};
use std::sync::Arc;

fn float_list() -> DataType {
    DataType::List(Arc::new(Field::new_list_field(DataType::Float64, true)))
}

fn screen_fields() -> Fields {
    let f = |name: &str, t: DataType| Field::new(name, t, true);
    Fields::from(vec![
        f("n", DataType::Int64),
        f("cv", DataType::Float64),
        f("spread", DataType::Float64),
        f("diffp", DataType::Float64),
        f("rd", DataType::Float64),
        f("kurtosis", DataType::Float64),
        f("skewness", DataType::Float64),
        f("ks", DataType::Float64),
        f("identical", DataType::Int64),
        f("gap_spread", DataType::Float64),
        f("score", DataType::Float64),
        f("flags", DataType::Utf8),
    ])
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct BidScreens {
    signature: Signature,
}

impl ScalarUDFImpl for BidScreens {
    fn name(&self) -> &str {
        "bid_screens"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, args: &[DataType]) -> Result<DataType> {
        match args {
            [DataType::List(_) | DataType::LargeList(_) | DataType::Null] => Ok(DataType::Struct(screen_fields())),
            _ => plan_err!("bid_screens takes one list of prices, e.g. array_agg(price)"),
        }
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let lists = ColumnarValue::values_to_arrays(&args.args)?;
        let lists = cast(&lists[0], &float_list())?;
        let lists = lists.as_list::<i32>();
        let all: Vec<Option<models::trading::Screens>> = (0..lists.len())
            .map(|i| {
                if lists.is_null(i) {
                    return None;
                }
                let v = lists.value(i);
                let prices: Vec<f64> = v.as_primitive::<Float64Type>().iter().flatten().collect();
                screens(&prices)
            })
            .collect();
        let float = |f: fn(&models::trading::Screens) -> Option<f64>| -> ArrayRef {
            Arc::new(all.iter().map(|s| s.as_ref().and_then(f)).collect::<Float64Array>())
        };
        let int = |f: fn(&models::trading::Screens) -> i64| -> ArrayRef {
            Arc::new(all.iter().map(|s| s.as_ref().map(f)).collect::<Int64Array>())
        };
        let columns: Vec<ArrayRef> = vec![
            int(|s| s.n as i64),
            float(|s| Some(s.cv)),
            float(|s| Some(s.spread)),
            float(|s| Some(s.diffp)),
            float(|s| s.rd),
            float(|s| s.kurtosis),
            float(|s| s.skewness),
            float(|s| Some(s.ks)),
            int(|s| s.identical as i64),
            float(|s| Some(s.gap_spread)),
            float(|s| Some(s.score)),
            Arc::new(all.iter().map(|s| s.as_ref().map(|s| s.flags.join(","))).collect::<StringArray>()),
        ];
        let nulls = datafusion::arrow::buffer::NullBuffer::from(all.iter().map(Option::is_some).collect::<Vec<_>>());
        Ok(ColumnarValue::Array(Arc::new(StructArray::try_new(screen_fields(), columns, Some(nulls))?)))
    }
}

fn group_fields() -> Fields {
    Fields::from(vec![
        Field::new("firms", DataType::Utf8, false),
        Field::new("tenders", DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true))), false),
    ])
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct RotationGroups {
    signature: Signature,
}

impl ScalarUDFImpl for RotationGroups {
    fn name(&self) -> &str {
        "rotation_groups"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, args: &[DataType]) -> Result<DataType> {
        match args {
            [DataType::List(item), _, _] if matches!(item.data_type(), DataType::Struct(_)) => {
                Ok(DataType::List(Arc::new(Field::new_list_field(DataType::Struct(group_fields()), true))))
            }
            _ => plan_err!(
                "rotation_groups takes array_agg(named_struct('tender', …, 'day', …, 'winner', …, 'bidders', …)), window_days, min_tenders"
            ),
        }
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let lists = arrays[0].as_list::<i32>();
        let window = cast(&arrays[1], &DataType::Int64)?;
        let min = cast(&arrays[2], &DataType::Int64)?;
        let (window, min) = (window.as_primitive::<Int64Type>(), min.as_primitive::<Int64Type>());
        let mut firms = StringBuilder::new();
        let mut tenders = ListBuilder::new(StringBuilder::new());
        let mut lengths = Vec::with_capacity(lists.len());
        for row in 0..lists.len() {
            if lists.is_null(row) || window.is_null(row) || min.is_null(row) {
                lengths.push(0);
                continue;
            }
            let items = lists.value(row);
            let items = items.as_struct();
            let column = |name: &str, t: &DataType| -> Result<ArrayRef> {
                match items.column_by_name(name) {
                    Some(c) => Ok(cast(c, t)?),
                    None => exec_err!("rotation_groups: the struct has no field {name}"),
                }
            };
            let ids = column("tender", &DataType::Utf8)?;
            let days = column("day", &DataType::Date32)?;
            let winners = column("winner", &DataType::Utf8)?;
            let bidders = column("bidders", &DataType::List(Arc::new(Field::new_list_field(DataType::Utf8, true))))?;
            let (ids, days, winners, bidders) = (
                ids.as_string::<i32>(),
                days.as_primitive::<Date32Type>(),
                winners.as_string::<i32>(),
                bidders.as_list::<i32>(),
            );
            let (names, offsets) = (bidders.values().as_string::<i32>(), bidders.value_offsets());
            let cobids: Vec<CoBid> = (0..items.len())
                .filter(|&i| ids.is_valid(i) && days.is_valid(i) && bidders.is_valid(i))
                .map(|i| CoBid {
                    tender: ids.value(i),
                    day: days.value(i),
                    winner: winners.is_valid(i).then(|| winners.value(i)),
                    bidders: (offsets[i] as usize..offsets[i + 1] as usize)
                        .filter(|&j| names.is_valid(j))
                        .map(|j| names.value(j))
                        .collect(),
                })
                .collect();
            let window_days = i32::try_from(window.value(row)).unwrap_or(i32::MAX);
            let found = rotation_groups(&cobids, window_days, usize::try_from(min.value(row)).unwrap_or(usize::MAX));
            lengths.push(found.len());
            for g in found {
                firms.append_value(g.firms.join(","));
                tenders.append_value(g.tenders.iter().map(|&i| Some(cobids[i].tender)));
            }
        }
        let groups =
            StructArray::try_new(group_fields(), vec![Arc::new(firms.finish()), Arc::new(tenders.finish())], None)?;
        let field = Arc::new(Field::new_list_field(DataType::Struct(group_fields()), true));
        let list = ListArray::try_new(field, OffsetBuffer::from_lengths(lengths), Arc::new(groups), None)?;
        Ok(ColumnarValue::Array(Arc::new(list)))
    }
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct Quantile {
    signature: Signature,
}

impl ScalarUDFImpl for Quantile {
    fn name(&self) -> &str {
        "quantile_r8"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, args: &[DataType]) -> Result<DataType> {
        match args {
            [DataType::List(_) | DataType::LargeList(_) | DataType::Null, _] => Ok(DataType::Float64),
            _ => plan_err!("quantile_r8 takes a list of numbers and a fraction, e.g. quantile_r8(array_agg(x), 0.25)"),
        }
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let lists = cast(&arrays[0], &float_list())?;
        let lists = lists.as_list::<i32>();
        let taus = cast(&arrays[1], &DataType::Float64)?;
        let taus = taus.as_primitive::<Float64Type>();
        let out: Float64Array = (0..lists.len())
            .map(|i| {
                if lists.is_null(i) || taus.is_null(i) {
                    return None;
                }
                let v = lists.value(i);
                let values: Vec<f64> = v.as_primitive::<Float64Type>().iter().flatten().collect();
                models::stats::quantile(&values, taus.value(i))
            })
            .collect();
        Ok(ColumnarValue::Array(Arc::new(out)))
    }
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct DistinctCount {
    signature: Signature,
}

impl ScalarUDFImpl for DistinctCount {
    fn name(&self) -> &str {
        "distinct_count"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, args: &[DataType]) -> Result<DataType> {
        match args {
            [DataType::List(_) | DataType::LargeList(_) | DataType::Null] => Ok(DataType::Int64),
            _ => plan_err!("distinct_count takes one list, e.g. distinct_count(array_agg(x))"),
        }
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let out: Int64Array = match arrays[0].data_type() {
            DataType::List(_) => distinct_counts(arrays[0].as_list::<i32>())?,
            DataType::LargeList(_) => distinct_counts(arrays[0].as_list::<i64>())?,
            _ => std::iter::repeat_n(Some(0), arrays[0].len()).collect(),
        };
        Ok(ColumnarValue::Array(Arc::new(out)))
    }
}

fn distinct_counts<O: OffsetSizeTrait>(lists: &GenericListArray<O>) -> Result<Int64Array> {
    let offsets = lists.value_offsets();
    let (first, last) = (offsets[0].as_usize(), offsets[lists.len()].as_usize());
    let values = lists.values().slice(first, last - first);
    // Rows compare equal exactly when the values do, whatever their type.
    let rows =
        RowConverter::new(vec![SortField::new(values.data_type().clone())])?.convert_columns(&[values.clone()])?;
    let mut seen = std::collections::HashSet::new();
    Ok((0..lists.len())
        .map(|i| {
            if lists.is_null(i) {
                return Some(0);
            }
            seen.clear();
            let (start, end) = (offsets[i].as_usize() - first, offsets[i + 1].as_usize() - first);
            Some((start..end).filter(|&j| values.is_valid(j) && seen.insert(rows.row(j))).count() as i64)
        })
        .collect())
}

pub fn all() -> Vec<ScalarUDF> {
    vec![
        ScalarUDF::new_from_impl(DistinctCount { signature: Signature::any(1, Volatility::Immutable) }),
        ScalarUDF::new_from_impl(Quantile { signature: Signature::any(2, Volatility::Immutable) }),
        ScalarUDF::new_from_impl(BidScreens { signature: Signature::any(1, Volatility::Immutable) }),
        ScalarUDF::new_from_impl(RotationGroups { signature: Signature::any(3, Volatility::Immutable) }),
    ]
}

#[cfg(test)]
mod tests {
    use datafusion::prelude::SessionContext;

    async fn query(sql: &str) -> String {
        let ctx = SessionContext::new();
        for f in super::all() {
            ctx.register_udf(f);
        }
        let batches = ctx.sql(sql).await.unwrap().collect().await.unwrap();
        datafusion::arrow::util::pretty::pretty_format_batches(&batches).unwrap().to_string()
    }

    #[tokio::test]
    async fn screens_in_sql() {
        let out = query(
            "SELECT s['n'] AS n, round(s['diffp'], 4) AS diffp, s['identical'] AS same, s['flags'] AS flags
             FROM (SELECT bid_screens(array_agg(p)) AS s FROM (VALUES (11200), (10000), (11100), (11000)) AS t(p))",
        )
        .await;
        assert!(out.contains("| 4 | 0.1   | 0    |"), "{out}");
        let out = query("SELECT bid_screens(make_array(1, 2)) IS NULL AS none").await;
        assert!(out.contains("true"), "{out}");
    }

    #[tokio::test]
    async fn distinct_count_counts_as_count_distinct() {
        let out = query(
            "SELECT g, distinct_count(array_agg(x)) AS fast, count(DISTINCT x) AS slow,
                distinct_count(array_agg(x) FILTER (WHERE g = 'none')) AS filtered
             FROM (VALUES ('a', 'p'), ('a', 'q'), ('a', 'p'), ('a', NULL), ('b', NULL), ('c', 'r')) AS t(g, x)
             GROUP BY g ORDER BY g",
        )
        .await;
        for row in
            ["| a | 2    | 2    | 0        |", "| b | 0    | 0    | 0        |", "| c | 1    | 1    | 0        |"]
        {
            assert!(out.contains(row), "{out}");
        }
        let out = query("SELECT distinct_count(make_array(1.5, 1.5, 2.0)) AS n, distinct_count(NULL) AS none").await;
        assert!(out.contains("| 2 | 0    |"), "{out}");
    }

    #[tokio::test]
    async fn quantiles_in_sql() {
        let out = query(
            "SELECT round(quantile_r8(array_agg(x), 0.25), 4) AS q1, quantile_r8(array_agg(x), 0.75) AS q3
             FROM (VALUES (1), (99), (99), (99), (99)) AS t(x)",
        )
        .await;
        assert!(out.contains("| 66.3333 | 99.0 |"), "{out}");
    }

    #[tokio::test]
    async fn rotation_in_sql() {
        let out = query(
            "WITH t(tender, day, winner, bidders) AS (VALUES
                ('T1', DATE '2025-01-01', 'A', make_array('A', 'B', 'C')),
                ('T2', DATE '2025-03-01', 'B', make_array('A', 'B', 'C')),
                ('T3', DATE '2025-05-01', 'C', make_array('A', 'B', 'C', 'D')))
             SELECT g['firms'] AS firms, g['tenders'] AS tenders FROM (
                SELECT unnest(rotation_groups(array_agg(named_struct('tender', tender, 'day', day, 'winner', winner,
                    'bidders', bidders)), 730, 3)) AS g FROM t)",
        )
        .await;
        assert!(out.contains("| A,B,C | [T1, T2, T3] |"), "{out}");
    }

    /// Scopes aggregated in one batch (one call of the function, a row each)
    /// keep their own groups, though their firms' names interleave.
    #[tokio::test]
    async fn rotation_per_scope_in_one_batch() {
        let out = query(
            "WITH t(scope, tender, day, winner, bidders) AS (VALUES
                ('x', 'X1', DATE '2025-01-01', 'F', make_array('B', 'F')),
                ('y', 'Y1', DATE '2025-01-02', 'A', make_array('A', 'C', 'E')),
                ('x', 'X2', DATE '2025-02-01', 'B', make_array('B', 'F', 'D')),
                ('y', 'Y2', DATE '2025-02-02', 'C', make_array('A', 'C')),
                ('x', 'X3', DATE '2025-03-01', 'F', make_array('F', 'B')),
                ('y', 'Y3', DATE '2025-03-02', 'A', make_array('C', 'A', 'G')),
                ('y', 'Y4', DATE '2025-04-02', 'G', make_array('G', 'B')))
             SELECT scope, g['firms'] AS firms, g['tenders'] AS tenders FROM (
                SELECT scope, unnest(rotation_groups(array_agg(named_struct('tender', tender, 'day', day,
                    'winner', winner, 'bidders', bidders)), 730, 3)) AS g FROM t GROUP BY scope)
             ORDER BY scope",
        )
        .await;
        assert!(out.contains("| x     | B,F   | [X1, X2, X3] |"), "{out}");
        assert!(out.contains("| y     | A,C   | [Y1, Y2, Y3] |"), "{out}");
        assert_eq!(out.lines().filter(|l| l.starts_with("| ")).count(), 3, "a header and two groups: {out}");
    }
}
