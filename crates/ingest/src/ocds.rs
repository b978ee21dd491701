//! Open Contracting Data Standard (OCDS 1.1) input: release packages, record
//! packages and compiled releases, as one JSON document or as JSON Lines (one
//! release, record or package per line), read as a stream: memory holds one
//! contracting process at a time, whatever the file size.
//!
//! Each contracting process (`ocid`) becomes one `tender` row, one `bid` row per
//! bid in `bids.details`, and one `award` row per supplier of each award, handed
//! as text to a [`Tables`] (the importer validates them as it validates a CSV
//! file's rows: `crate::TextRows`) with the line (JSON Lines) or release number
//! (a single document) it came from. The mapping is in `docs/ocds.md`.
//!
//! A JSON Lines release is read straight into the fields the mapping uses
//! (`Release`, lenient as a JSON tree is: a field of an unexpected type reads
//! as absent); records, packages and releases to be merged are read as JSON
//! trees and then into the same type.
//!
//! The same process is also written as OCDS says it — `ocds_process`,
//! `ocds_bid` (one row per tenderer of every bid, invited and withdrawn ones
//! too) and `ocds_award` (one row per supplier of every award, whatever its
//! status) — for the Cardinal indicators, which need OCDS's own statuses,
//! currencies and identifiers that the contract's tables do not keep.

use serde::Deserialize;
use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

/// Whether `path` names an OCDS file (`.json`, `.jsonl`, `.ndjson`).
pub fn is_ocds(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| ["json", "jsonl", "ndjson"].contains(&e.to_ascii_lowercase().as_str()))
}

/// A line or release that could not be used, and why.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct OcdsError {
    /// The line in a JSON Lines file, else the release's position in the document (from 1).
    pub line: u64,
    pub reason_zh: String,
    pub reason_en: String,
}

#[derive(Debug, Default, serde::Serialize)]
pub struct OcdsSummary {
    pub processes: u64,
    pub tenders: u64,
    pub bids: u64,
    pub awards: u64,
    /// Rows of `ocds_bid` and `ocds_award` (one `ocds_process` row per process).
    pub ocds_bids: u64,
    pub ocds_awards: u64,
    pub errors: Vec<OcdsError>,
}

const TENDER: &[&str] = &[
    "tender_id",
    "title",
    "category",
    "method",
    "buyer_code",
    "buyer_name",
    "ceiling_price",
    "publish_date",
    "bid_open_date",
    "award_date",
    "project_code",
    "evaluation",
];
const BID: &[&str] = &["tender_id", "bidder_code", "bidder_name", "price", "submit_time", "status"];
const AWARD: &[&str] = &[
    "tender_id",
    "winner_code",
    "winner_name",
    "award_amount",
    "contract_no",
    "contract_date",
    "contract_amount",
    "final_amount",
    "status",
];

const OCDS_PROCESS: &[&str] = &[
    "ocid",
    "title",
    "buyer_id",
    "buyer_name",
    "procuring_entity_id",
    "procuring_entity_name",
    "procurement_method",
    "procurement_method_details",
    "main_category",
    "tender_status",
    "number_of_tenderers",
    "award_criteria",
    "tender_start",
    "tender_end",
    "tender_days",
];
const OCDS_BID: &[&str] = &[
    "ocid",
    "bid_index",
    "bid_id",
    "status",
    "amount",
    "currency",
    "date",
    "tenderer_id",
    "tenderer_name",
    "tenderer_count",
];
const OCDS_AWARD: &[&str] = &[
    "ocid",
    "award_index",
    "award_id",
    "status",
    "supplier_id",
    "supplier_name",
    "supplier_count",
    "amount",
    "currency",
    "date",
    "item_classes",
];

/// The tables [`read`] fills, in the order of [`HEADERS`].
pub const FILES: [&str; 6] = ["tender", "bid", "award", "ocds_process", "ocds_bid", "ocds_award"];

/// The header of each table's rows: the contract columns the fields fill, in order.
pub const HEADERS: [&[&str]; 6] = [TENDER, BID, AWARD, OCDS_PROCESS, OCDS_BID, OCDS_AWARD];
const T_TENDER: usize = 0;
const T_BID: usize = 1;
const T_AWARD: usize = 2;
const T_PROCESS: usize = 3;
const T_OCDS_BID: usize = 4;
const T_OCDS_AWARD: usize = 5;

/// Where [`read`] puts the rows of each contracting process: its `tender` row
/// first, then its `bid`, `award`, `ocds_process`, `ocds_bid` and `ocds_award` rows.
pub trait Tables {
    /// A row of table `table` (an index into [`FILES`]), its fields in the order of
    /// that table's header, from line `line` of the OCDS file. An error stops the read.
    fn row(&mut self, table: usize, line: u64, fields: &[&str]) -> Result<(), crate::FileError>;
}

struct Out<'t> {
    tables: &'t mut dyn Tables,
    summary: OcdsSummary,
    /// The process being gathered: consecutive releases of one ocid merge.
    pending: Option<(String, u64, Gathered)>,
    seen: std::collections::HashSet<String>,
    /// What stopped the read (the tables refused a row).
    failed: Option<crate::FileError>,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> crate::FileError + '_ {
    move |e| crate::FileError::Io { path: path.to_owned(), source: e }
}

/// Counts the bytes read through it, for progress reporting.
struct Counted<'a, R> {
    inner: R,
    count: Option<&'a AtomicU64>,
}

impl<R: Read> Read for Counted<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        if let Some(count) = self.count {
            count.fetch_add(n as u64, Ordering::Relaxed);
        }
        Ok(n)
    }
}

/// Reads the OCDS file at `path`, handing the rows of every contracting process
/// to `tables`. Lines that cannot be used are in the summary's errors; the
/// result is an error only when the file cannot be read or `tables` fails.
/// `bytes_read`, if given, counts the bytes of the file read so far.
pub fn read(
    path: &Path,
    tables: &mut dyn Tables,
    bytes_read: Option<&AtomicU64>,
) -> Result<OcdsSummary, crate::FileError> {
    let mut o = Out { tables, summary: OcdsSummary::default(), pending: None, seen: Default::default(), failed: None };
    let file = std::fs::File::open(path).map_err(io(path))?;
    let mut reader = BufReader::with_capacity(1 << 20, Counted { inner: file, count: bytes_read });
    // One document if it opens with an object or a list that spans lines; else JSON Lines.
    let (single, list) = {
        let head = reader.fill_buf().map_err(io(path))?;
        // Saved as UTF-16 (Windows tools do): every line would fail; say why once.
        if head.starts_with(&[0xFF, 0xFE]) || head.starts_with(&[0xFE, 0xFF]) {
            return Err(crate::FileError::JsonUtf16 { path: path.to_owned() });
        }
        let text = String::from_utf8_lossy(&head[..head.len().min(1 << 16)]).trim_start_matches('\u{feff}').to_owned();
        let first_line = text.trim_start().lines().next().unwrap_or("");
        let opens = |c| text.trim_start().starts_with(c);
        (serde_json::from_str::<Value>(first_line).is_err() && (opens('{') || opens('[')), opens('['))
    };
    if single {
        let mut de = serde_json::Deserializer::from_reader(SkipBom::new(reader));
        // A bare list of releases or records, as some systems export them.
        let result = if list {
            Items { out: &mut o }.deserialize(&mut de)
        } else {
            Package { out: &mut o }.deserialize(&mut de)
        };
        if let Err(e) = result
            && o.failed.is_none()
        {
            let n = o.summary.processes + 1;
            o.error(n, format!("JSON格式错误：{e}"), format!("not valid JSON: {e}"));
        }
    } else {
        let mut line = Vec::new();
        let mut number = 0u64;
        let mut blank = true;
        while o.failed.is_none() {
            line.clear();
            let n = reader.read_until(b'\n', &mut line).map_err(io(path))?;
            if n == 0 {
                break;
            }
            number += 1;
            // JSON is UTF-8 (RFC 8259): a line in another encoding is reported, not the file.
            let Ok(line) = simdutf8::basic::from_utf8(&line) else {
                o.error(
                    number,
                    "不是UTF-8编码：JSON须以UTF-8保存".into(),
                    "not UTF-8: JSON must be saved as UTF-8".into(),
                );
                continue;
            };
            let text = line.trim().trim_start_matches('\u{feff}');
            if text.is_empty() {
                continue;
            }
            blank = false;
            o.line(number, text);
        }
        if blank && o.summary.errors.is_empty() {
            return Err(crate::FileError::Empty { path: path.to_owned() });
        }
    }
    o.flush_pending();
    match o.failed {
        Some(e) => Err(e),
        None => Ok(o.summary),
    }
}

/// A release package `{"releases": [...]}` or record package `{"records": [...]}`,
/// streamed one element at a time; a lone release or record is taken as it is.
struct Package<'a, 't> {
    out: &'a mut Out<'t>,
}

impl<'de> DeserializeSeed<'de> for Package<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Package<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an OCDS release package, record package, release or record")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        let mut rest = Map::new();
        let mut streamed = false;
        while let Some(key) = map.next_key::<String>()? {
            if key == "releases" || key == "records" {
                map.next_value_seed(Items { out: &mut *self.out })?;
                streamed = true;
            } else if streamed {
                map.next_value::<IgnoredAny>()?;
            } else {
                rest.insert(key, map.next_value::<Value>()?);
            }
        }
        if !streamed {
            self.out.item(1, Value::Object(rest));
        }
        Ok(())
    }
}

struct Items<'a, 't> {
    out: &'a mut Out<'t>,
}

impl<'de> DeserializeSeed<'de> for Items<'_, '_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Items<'_, '_> {
    type Value = ();
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list of releases or records")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        let mut n = 0;
        while let Some(v) = seq.next_element::<Value>()? {
            n += 1;
            self.out.item(n, v);
        }
        Ok(())
    }
}

/// Strips a UTF-8 byte-order mark from the start of a stream.
struct SkipBom<R> {
    inner: R,
    started: bool,
}

impl<R: BufRead> SkipBom<R> {
    fn new(inner: R) -> Self {
        SkipBom { inner, started: false }
    }
}

impl<R: BufRead> Read for SkipBom<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if !self.started {
            self.started = true;
            if self.inner.fill_buf()?.starts_with(&[0xef, 0xbb, 0xbf]) {
                self.inner.consume(3);
            }
        }
        self.inner.read(buf)
    }
}

/// Merges `update` into `base` as OCDS compiles releases: objects field by
/// field, arrays of objects with `id` by id, anything else replaced.
fn merge(base: &mut Value, update: Value) {
    match (base, update) {
        (Value::Object(b), Value::Object(u)) => {
            for (k, v) in u {
                match b.get_mut(&k) {
                    Some(existing) if !v.is_null() => merge(existing, v),
                    _ => {
                        b.insert(k, v);
                    }
                }
            }
        }
        (Value::Array(b), Value::Array(u)) if u.iter().all(|x| x.get("id").is_some()) => {
            for item in u {
                let id = item.get("id").cloned();
                match b.iter_mut().find(|x| x.get("id") == id.as_ref()) {
                    Some(existing) => merge(existing, item),
                    None => b.push(item),
                }
            }
        }
        (b, u) => *b = u,
    }
}

/// A text value as OCDS files write it: a string (trimmed) or a number as
/// written; anything else (null, true, an object, a list) is empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
struct Text(String);

impl Text {
    fn as_str(&self) -> &str {
        &self.0
    }

    /// The date part (the first ten characters).
    fn day(&self) -> &str {
        prefix(&self.0, 10)
    }
}

/// The first `chars` characters of `text` (all of it when shorter).
fn prefix(text: &str, chars: usize) -> &str {
    match text.char_indices().nth(chars) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// Consumes a value whose type the field does not take.
fn skip_seq<'de, A: SeqAccess<'de>>(mut seq: A) -> Result<(), A::Error> {
    while seq.next_element::<IgnoredAny>()?.is_some() {}
    Ok(())
}

fn skip_map<'de, A: MapAccess<'de>>(mut map: A) -> Result<(), A::Error> {
    while map.next_entry::<IgnoredAny, IgnoredAny>()?.is_some() {}
    Ok(())
}

/// The visitor methods of a lenient type that read a value of another type as
/// the type's default (consuming it), by kind: `bool unit none some str
/// numbers seq map`.
macro_rules! otherwise_default {
    ($t:ty; $($kind:ident)*) => { $(otherwise_default!(@ $t; $kind);)* };
    (@ $t:ty; bool) => {
        fn visit_bool<E>(self, _: bool) -> Result<$t, E> {
            Ok(<$t>::default())
        }
    };
    (@ $t:ty; unit) => {
        fn visit_unit<E>(self) -> Result<$t, E> {
            Ok(<$t>::default())
        }
    };
    (@ $t:ty; none) => {
        fn visit_none<E>(self) -> Result<$t, E> {
            Ok(<$t>::default())
        }
    };
    (@ $t:ty; some) => {
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<$t, D::Error> {
            <$t>::deserialize(d)
        }
    };
    (@ $t:ty; str) => {
        fn visit_str<E>(self, _: &str) -> Result<$t, E> {
            Ok(<$t>::default())
        }
    };
    (@ $t:ty; numbers) => {
        fn visit_u64<E>(self, _: u64) -> Result<$t, E> {
            Ok(<$t>::default())
        }
        fn visit_i64<E>(self, _: i64) -> Result<$t, E> {
            Ok(<$t>::default())
        }
        fn visit_f64<E>(self, _: f64) -> Result<$t, E> {
            Ok(<$t>::default())
        }
    };
    (@ $t:ty; seq) => {
        fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<$t, A::Error> {
            skip_seq(seq).map(|()| <$t>::default())
        }
    };
    (@ $t:ty; map) => {
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<$t, A::Error> {
            skip_map(map).map(|()| <$t>::default())
        }
    };
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Text;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a number")
            }
            fn visit_str<E>(self, s: &str) -> Result<Text, E> {
                Ok(Text(s.trim().to_owned()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Text, E> {
                Ok(Text(n.to_string()))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Text, E> {
                Ok(Text(n.to_string()))
            }
            fn visit_f64<E>(self, x: f64) -> Result<Text, E> {
                Ok(Text(serde_json::Number::from_f64(x).map(|n| n.to_string()).unwrap_or_default()))
            }
            otherwise_default!(Text; bool unit none some seq map);
        }
        d.deserialize_any(V)
    }
}

/// An amount as written: a number, or (for the contract's tables) a string.
#[derive(Clone, Debug, Default)]
enum Amount {
    #[default]
    None,
    Number(serde_json::Number),
    Text(String),
}

impl Amount {
    /// In yuan with two decimals for a number; a string as it is.
    fn yuan(&self) -> String {
        match self {
            Amount::Number(n) => n.as_f64().map(|x| format!("{x:.2}")).unwrap_or_default(),
            Amount::Text(s) => s.clone(),
            Amount::None => String::new(),
        }
    }

    /// A number as written, for the OCDS tables; a string is not one.
    fn number(&self) -> String {
        match self {
            Amount::Number(n) => n.to_string(),
            _ => String::new(),
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match self {
            Amount::Number(n) => n.as_f64(),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Amount;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a number")
            }
            fn visit_str<E>(self, s: &str) -> Result<Amount, E> {
                Ok(Amount::Text(s.to_owned()))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Amount, E> {
                Ok(Amount::Number(n.into()))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Amount, E> {
                Ok(Amount::Number(n.into()))
            }
            fn visit_f64<E>(self, x: f64) -> Result<Amount, E> {
                Ok(serde_json::Number::from_f64(x).map(Amount::Number).unwrap_or_default())
            }
            otherwise_default!(Amount; bool unit none some seq map);
        }
        d.deserialize_any(V)
    }
}

/// An object of OCDS; a value of any other type reads as the empty object, as
/// looking fields up in it finds none.
#[derive(Clone, Debug, Default)]
struct Obj<T>(T);

impl<'de, T: Deserialize<'de> + Default> Deserialize<'de> for Obj<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de> + Default> Visitor<'de> for V<T> {
            type Value = Obj<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Obj<T>, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(Obj)
            }
            otherwise_default!(Obj<T>; bool unit none some str numbers seq);
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// A list of OCDS objects; one object written without the list is a list of
/// one (tenderers and suppliers are often written so); anything else is empty.
#[derive(Clone, Debug)]
struct List<T>(Vec<T>);

impl<T> Default for List<T> {
    fn default() -> Self {
        List(Vec::new())
    }
}

impl<T> std::ops::Deref for List<T> {
    type Target = [T];
    fn deref(&self) -> &[T] {
        &self.0
    }
}

impl<'de, T: Deserialize<'de> + Default> Deserialize<'de> for List<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<T>(std::marker::PhantomData<T>);
        impl<'de, T: Deserialize<'de> + Default> Visitor<'de> for V<T> {
            type Value = List<T>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a list of objects")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<List<T>, A::Error> {
                let mut items = Vec::new();
                while let Some(Obj(item)) = seq.next_element::<Obj<T>>()? {
                    items.push(item);
                }
                Ok(List(items))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<List<T>, A::Error> {
                T::deserialize(serde::de::value::MapAccessDeserializer::new(map)).map(|t| List(vec![t]))
            }
            otherwise_default!(List<T>; bool unit none some str numbers);
        }
        d.deserialize_any(V(std::marker::PhantomData))
    }
}

/// Whether a field is there at all, whatever its value (null too).
#[derive(Clone, Copy, Debug, Default)]
struct Present(bool);

impl<'de> Deserialize<'de> for Present {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        IgnoredAny::deserialize(d).map(|_| Present(true))
    }
}

/// The ocid: a string, as written.
#[derive(Clone, Debug, Default)]
struct Ocid(Option<String>);

impl<'de> Deserialize<'de> for Ocid {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        match Value::deserialize(d)? {
            Value::String(s) => Ok(Ocid(Some(s))),
            _ => Ok(Ocid(None)),
        }
    }
}

// What the mapping reads of a compiled release. Fields of the wrong type read as
// absent, as in a `serde_json::Value`; null is absent (OCDS: an unset field).

/// A compiled release, or the JSON Lines item that may be one: `ocid` and the
/// fields of records and packages say which.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Release {
    ocid: Ocid,
    #[serde(rename = "compiledRelease")]
    compiled_release: Present,
    releases: Present,
    records: Present,
    parties: List<Party>,
    buyer: Option<Obj<PartyRef>>,
    tender: Obj<Tender>,
    bids: Obj<Bids>,
    awards: List<Award>,
    contracts: List<Contract>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Party {
    id: Text,
    name: Text,
    identifier: Obj<Identifier>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Identifier {
    scheme: Text,
    id: Text,
}

/// A reference to a party (buyer, tenderer, supplier): its id, perhaps its name.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct PartyRef {
    id: Text,
    name: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Tender {
    id: Text,
    title: Text,
    status: Text,
    main_procurement_category: Text,
    procurement_method: Text,
    procurement_method_details: Text,
    award_criteria: Text,
    number_of_tenderers: Amount,
    value: Obj<Money>,
    tender_period: Option<Obj<Period>>,
    date_published: Text,
    procuring_entity: Option<Obj<PartyRef>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Period {
    start_date: Option<Text>,
    end_date: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Money {
    amount: Amount,
    currency: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Bids {
    details: List<Bid>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Bid {
    id: Text,
    status: Text,
    date: Text,
    value: Obj<Money>,
    tenderers: List<PartyRef>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Award {
    id: Text,
    status: Text,
    date: Text,
    value: Obj<Money>,
    suppliers: List<PartyRef>,
    items: List<Item>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Item {
    classification: Obj<Classification>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Classification {
    id: Text,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default, rename_all = "camelCase")]
struct Contract {
    id: Text,
    #[serde(rename = "awardID")]
    award_id: Text,
    status: Text,
    date_signed: Text,
    value: Obj<Money>,
    implementation: Obj<Implementation>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Implementation {
    transactions: List<Transaction>,
}

/// A payment; OCDS 1.0 named its value `amount`.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
struct Transaction {
    value: Option<Obj<Money>>,
    amount: Option<Obj<Money>>,
}

impl Release {
    /// Whether the item is a record or a package rather than a release.
    fn is_container(&self) -> bool {
        self.compiled_release.0 || self.releases.0 || self.records.0
    }
}

/// Whole days from `start` to `end` (RFC 3339), truncated toward zero.
fn days_between(start: &str, end: &str) -> String {
    match (chrono::DateTime::parse_from_rfc3339(start), chrono::DateTime::parse_from_rfc3339(end)) {
        (Ok(s), Ok(e)) => (e - s).num_days().to_string(),
        _ => String::new(),
    }
}

/// What a contract's implementation paid in all: the sum of its transactions, if any.
fn paid(contract: &Contract) -> String {
    let values: Vec<f64> = contract
        .implementation
        .0
        .transactions
        .iter()
        .filter_map(|t| t.value.as_ref().or(t.amount.as_ref()).and_then(|v| v.0.amount.as_f64()))
        .collect();
    if values.is_empty() { String::new() } else { format!("{:.2}", values.iter().sum::<f64>()) }
}

/// A release's parties: release-local id, code, name. A Chinese unified social
/// credit code in `identifier` is the code; otherwise scheme-id, else the party id.
fn parties(r: &Release) -> Vec<(&str, String, &str)> {
    r.parties
        .iter()
        .map(|p| {
            let (scheme, ident) = (p.identifier.0.scheme.as_str(), p.identifier.0.id.as_str());
            let code = match (scheme, ident) {
                (_, i) if domain::CreditCode::parse_allowing_bad_check(i).is_ok() => i.to_owned(),
                (s, i) if !s.is_empty() && !i.is_empty() => format!("{s}-{i}"),
                (_, i) if !i.is_empty() => i.to_owned(),
                _ => p.id.0.clone(),
            };
            (p.id.as_str(), code, p.name.as_str())
        })
        .collect()
}

/// The code and name of the party `v` names (the last of that id, as a map
/// keeps it), else its own id and name.
fn party<'a>(parties: &'a [(&'a str, String, &'a str)], v: &'a PartyRef) -> (&'a str, &'a str) {
    match parties.iter().rev().find(|(id, ..)| *id == v.id.as_str()) {
        Some((_, code, name)) => (code, name),
        None => (v.id.as_str(), v.name.as_str()),
    }
}

impl Out<'_> {
    fn error(&mut self, line: u64, zh: String, en: String) {
        self.summary.errors.push(OcdsError { line, reason_zh: zh, reason_en: en });
    }

    /// One release, record or package from the input.
    fn item(&mut self, line: u64, v: Value) {
        let Value::Object(map) = v else {
            self.error(line, "不是JSON对象".into(), "not a JSON object".into());
            return;
        };
        if map.contains_key("ocid") && (map.contains_key("compiledRelease") || map.contains_key("releases")) {
            // A record: its compiled release, else its releases merged in order.
            let compiled = match map.get("compiledRelease") {
                Some(c) => c.clone(),
                None => {
                    let mut base = Value::Object(Map::new());
                    if let Some(Value::Array(rs)) = map.get("releases") {
                        for r in rs {
                            merge(&mut base, r.clone());
                        }
                    }
                    base
                }
            };
            self.release(line, compiled);
            return;
        }
        if let Some(Value::Array(list)) = map.get("releases").or_else(|| map.get("records")) {
            for item in list.clone() {
                self.item(line, item);
            }
            return;
        }
        self.release(line, Value::Object(map));
    }

    fn release(&mut self, line: u64, release: Value) {
        let Some(ocid) = release.get("ocid").and_then(Value::as_str).map(str::to_owned) else {
            self.error(line, "不是OCDS发布：缺少ocid".into(), "not an OCDS release: no ocid".into());
            return;
        };
        if let Some((current, _, gathered)) = &mut self.pending
            && *current == ocid
        {
            gathered.merge(release);
            return;
        }
        self.start(ocid, line, Gathered::Merged(release));
    }

    /// One JSON Lines item, `text`, read as a release: the usual case, without
    /// building a JSON tree. Records, packages, lines that are not JSON or not
    /// OCDS and releases that continue the pending process go the general way.
    fn line(&mut self, line: u64, text: &str) {
        let parsed = match text.starts_with('{').then(|| serde_json::from_str::<Release>(text)) {
            Some(Ok(r)) if !r.is_container() => r,
            _ => return self.value_line(line, text),
        };
        let Some(ocid) = parsed.ocid.0.clone() else {
            return self.value_line(line, text);
        };
        if self.pending.as_ref().is_some_and(|(current, ..)| *current == ocid) {
            return self.value_line(line, text);
        }
        self.start(ocid, line, Gathered::Parsed { release: Box::new(parsed), text: text.to_owned() });
    }

    fn value_line(&mut self, line: u64, text: &str) {
        match serde_json::from_str::<Value>(text) {
            Ok(v) => self.item(line, v),
            Err(e) => self.error(line, format!("不是有效的JSON：{e}"), format!("not valid JSON: {e}")),
        }
    }

    /// Begins gathering a new process, after writing the pending one.
    fn start(&mut self, ocid: String, line: u64, gathered: Gathered) {
        self.flush_pending();
        if !self.seen.insert(ocid.clone()) {
            self.error(
                line,
                format!("ocid {ocid} 的发布不连续：请导入编译发布（compiled release）或记录包"),
                format!("releases of ocid {ocid} are not consecutive: import compiled releases or a record package"),
            );
            return;
        }
        self.pending = Some((ocid, line, gathered));
    }

    fn flush_pending(&mut self) {
        let Some((ocid, line, gathered)) = self.pending.take() else { return };
        self.summary.processes += 1;
        let release = match gathered {
            Gathered::Parsed { release, .. } => *release,
            Gathered::Merged(v) => match Release::deserialize(&v) {
                Ok(r) => r,
                Err(e) => return self.error(line, format!("不是OCDS发布：{e}"), format!("not an OCDS release: {e}")),
            },
        };
        if let Err(e) = self.process(&ocid, line, &release) {
            self.failed = Some(e);
        }
    }

    /// Writes the rows of one compiled contracting process.
    fn process(&mut self, ocid: &str, line: u64, r: &Release) -> Result<(), crate::FileError> {
        let parties = parties(r);
        let party = |v| party(&parties, v);
        let tender = &r.tender.0;
        let buyer = r.buyer.as_ref().map(|b| party(&b.0)).unwrap_or_default();
        let category = match tender.main_procurement_category.as_str() {
            "goods" => "goods",
            "works" => "works",
            "services" => "services",
            _ => "other",
        };
        // The Chinese method, when procurementMethodDetails names one, is finer than OCDS's four.
        let details = tender.procurement_method_details.as_str();
        let method = match (tender.procurement_method.as_str(), details) {
            (_, d) if d.contains("磋商") => "consultation",
            (_, d) if d.contains("询价") => "inquiry",
            (_, d) if d.contains("谈判") => "negotiation",
            (_, d) if d.contains("单一来源") => "single_source",
            (_, d) if d.contains("邀请") => "invited",
            ("open", _) => "open",
            ("selective", _) => "invited",
            ("limited", _) => "negotiation",
            ("direct", _) => "single_source",
            _ => "other",
        };
        let evaluation = match tender.award_criteria.as_str() {
            "priceOnly" | "lowestCost" => "lowest_price",
            "" => "",
            "ratedCriteria" | "qualityOnly" | "bestProposal" | "bestValueToGovernment" => "comprehensive",
            _ => "other",
        };
        let award_date = r.awards.iter().map(|a| a.date.day()).filter(|d| !d.is_empty()).min().unwrap_or_default();
        let period = tender.tender_period.as_ref().map(|p| &p.0);
        let publish = period.and_then(|p| p.start_date.as_ref()).unwrap_or(&tender.date_published).day();
        let title = match tender.title.as_str() {
            "" => ocid,
            t => t,
        };
        self.tables.row(
            T_TENDER,
            line,
            &[
                ocid,
                title,
                category,
                method,
                &buyer.0,
                &buyer.1,
                &tender.value.0.amount.yuan(),
                publish,
                period.map(|p| p.end_date.day()).unwrap_or_default(),
                award_date,
                tender.id.as_str(),
                evaluation,
            ],
        )?;
        self.summary.tenders += 1;
        for b in r.bids.0.details.iter() {
            let status = match b.status.as_str() {
                "valid" | "pending" | "" => "valid",
                "disqualified" => "rejected",
                "withdrawn" => "withdrawn",
                // Invited: no bid was made.
                _ => continue,
            };
            let time: String = prefix(b.date.as_str(), 19).chars().map(|c| if c == 'T' { ' ' } else { c }).collect();
            let price = b.value.0.amount.yuan();
            for t in b.tenderers.iter() {
                let (code, name) = party(t);
                self.tables.row(T_BID, line, &[ocid, code, name, &price, time.as_str(), status])?;
                self.summary.bids += 1;
            }
        }
        for a in r.awards.iter() {
            if matches!(a.status.as_str(), "cancelled" | "unsuccessful") {
                continue;
            }
            let id = a.id.as_str();
            let contract = r.contracts.iter().find(|c| c.award_id.as_str() == id && !id.is_empty());
            let status = match contract.map(|c| c.status.as_str()) {
                Some("terminated") | Some("cancelled") => "terminated",
                Some("active") => "performing",
                _ => "",
            };
            for s in a.suppliers.iter() {
                let (code, name) = party(s);
                self.tables.row(
                    T_AWARD,
                    line,
                    &[
                        ocid,
                        code,
                        name,
                        &a.value.0.amount.yuan(),
                        contract.map(|c| c.id.as_str()).unwrap_or_default(),
                        contract.map(|c| c.date_signed.day()).unwrap_or_default(),
                        &contract.map(|c| c.value.0.amount.yuan()).unwrap_or_default(),
                        &contract.map(paid).unwrap_or_default(),
                        status,
                    ],
                )?;
                self.summary.awards += 1;
            }
        }
        self.ocds(ocid, line, r, &parties)
    }

    /// Writes the process as OCDS says it: `ocds_process`, `ocds_bid`, `ocds_award`.
    fn ocds<'r>(
        &mut self,
        ocid: &str,
        line: u64,
        r: &'r Release,
        parties: &'r [(&'r str, String, &'r str)],
    ) -> Result<(), crate::FileError> {
        let party = |v: &'r PartyRef| party(parties, v);
        let tender = &r.tender.0;
        let (buyer_id, buyer_name) = r.buyer.as_ref().map(|b| party(&b.0)).unwrap_or_default();
        let (entity_id, entity_name) = tender.procuring_entity.as_ref().map(|e| party(&e.0)).unwrap_or_default();
        let period = tender.tender_period.as_ref().map(|p| &p.0);
        let start = period.and_then(|p| p.start_date.as_ref()).map(Text::as_str).unwrap_or_default();
        let end = period.map(|p| p.end_date.as_str()).unwrap_or_default();
        self.tables.row(
            T_PROCESS,
            line,
            &[
                ocid,
                tender.title.as_str(),
                &buyer_id,
                &buyer_name,
                &entity_id,
                &entity_name,
                tender.procurement_method.as_str(),
                tender.procurement_method_details.as_str(),
                tender.main_procurement_category.as_str(),
                tender.status.as_str(),
                &tender.number_of_tenderers.number(),
                tender.award_criteria.as_str(),
                start,
                end,
                &days_between(start, end),
            ],
        )?;
        // A tenderer or supplier without an id is written as none.
        let named = |t: &'r PartyRef| if t.id.as_str().is_empty() { ("", "") } else { party(t) };
        for (i, b) in r.bids.0.details.iter().enumerate() {
            let value = &b.value.0;
            let (index, amount, count) = ((i + 1).to_string(), value.amount.number(), b.tenderers.len().to_string());
            let head =
                [ocid, &index, b.id.as_str(), b.status.as_str(), &amount, value.currency.as_str(), b.date.as_str()];
            let rows: Vec<(&str, &str)> =
                if b.tenderers.is_empty() { vec![Default::default()] } else { b.tenderers.iter().map(named).collect() };
            for (id, name) in rows {
                let [a, b, c, d, e, f, g] = head;
                self.tables.row(T_OCDS_BID, line, &[a, b, c, d, e, f, g, id, name, &count])?;
                self.summary.ocds_bids += 1;
            }
        }
        for (i, a) in r.awards.iter().enumerate() {
            let classes: Vec<String> = a
                .items
                .iter()
                .map(|item| item.classification.0.id.as_str().replace('|', "/"))
                .filter(|c| !c.is_empty())
                .collect();
            let value = &a.value.0;
            let index = (i + 1).to_string();
            let head = [ocid, &index, a.id.as_str(), a.status.as_str()];
            let (count, amount, classes) = (a.suppliers.len().to_string(), value.amount.number(), classes.join("|"));
            let tail = [&count, &amount, value.currency.as_str(), a.date.as_str(), &classes];
            let rows: Vec<(&str, &str)> =
                if a.suppliers.is_empty() { vec![Default::default()] } else { a.suppliers.iter().map(named).collect() };
            for (id, name) in rows {
                let ([a, b, c, d], [e, f, g, h, i]) = (head, tail);
                self.tables.row(T_OCDS_AWARD, line, &[a, b, c, d, id, name, e, f, g, h, i])?;
                self.summary.ocds_awards += 1;
            }
        }
        Ok(())
    }
}

/// A process being gathered from its releases.
enum Gathered {
    /// One release read straight into [`Release`], with its text should a later
    /// release of the same process need merging into it.
    Parsed { release: Box<Release>, text: String },
    /// Releases merged as JSON.
    Merged(Value),
}

impl Gathered {
    fn merge(&mut self, update: Value) {
        if let Gathered::Parsed { text, .. } = self {
            // It was read as a release from this text, so the text is JSON.
            let base = serde_json::from_str::<Value>(text).unwrap_or(Value::Null);
            *self = Gathered::Merged(base);
        }
        if let Gathered::Merged(base) = self {
            merge(base, update);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The rows of every table as CSV text with a header, each row ending in its line.
    struct CsvTables(Vec<csv::Writer<Vec<u8>>>);

    impl Tables for CsvTables {
        fn row(&mut self, table: usize, line: u64, fields: &[&str]) -> Result<(), crate::FileError> {
            let line = line.to_string();
            self.0[table].write_record(fields.iter().copied().chain([line.as_str()])).unwrap();
            Ok(())
        }
    }

    /// Reads `input`; the summary and the six tables as CSV text.
    fn convert(input: &Path) -> (OcdsSummary, Vec<String>) {
        let mut tables = CsvTables(
            HEADERS
                .iter()
                .map(|h| {
                    let mut w = csv::Writer::from_writer(Vec::new());
                    w.write_record(h.iter().copied().chain(["line"])).unwrap();
                    w
                })
                .collect(),
        );
        let summary = read(input, &mut tables, None).unwrap();
        let files = tables.0.into_iter().map(|w| String::from_utf8(w.into_inner().unwrap()).unwrap()).collect();
        (summary, files)
    }

    fn run(name: &str, text: &str) -> (OcdsSummary, String, String, String) {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join(name);
        std::fs::write(&input, text).unwrap();
        let (summary, files) = convert(&input);
        let [tender, bid, award, ..] = &files[..] else { unreachable!() };
        (summary, tender.clone(), bid.clone(), award.clone())
    }

    const RELEASE: &str = r#"{"ocid":"ocds-1","id":"1","date":"2025-03-01","tag":["tender"],"buyer":{"id":"B"},"parties":[{"id":"B","name":"清风县人民医院","identifier":{"scheme":"CN-USCC","id":"12331099470000000B"}},{"id":"S1","name":"甲公司"},{"id":"S2","name":"乙公司","identifier":{"scheme":"GB-COH","id":"0123"}}],"tender":{"id":"T1","title":"设备采购","mainProcurementCategory":"goods","procurementMethod":"open","awardCriteria":"priceOnly","value":{"amount":1000000,"currency":"CNY"},"tenderPeriod":{"startDate":"2025-03-01T00:00:00+08:00","endDate":"2025-03-25T09:30:00+08:00"}},"bids":{"details":[{"id":"b1","status":"valid","tenderers":[{"id":"S1"}],"value":{"amount":880000.5}},{"id":"b2","status":"disqualified","tenderers":[{"id":"S2"}],"value":{"amount":870000}},{"id":"b3","status":"invited","tenderers":[{"id":"S3"}]}]},"awards":[{"id":"a1","status":"active","date":"2025-03-28","value":{"amount":880000.5},"suppliers":[{"id":"S1"}]}],"contracts":[{"id":"c1","awardID":"a1","status":"active","dateSigned":"2025-04-02","value":{"amount":880000.5}}]}"#;

    #[test]
    fn a_release_maps_onto_the_three_tables() {
        let (s, tender, bid, award) = run("x.jsonl", &format!("{RELEASE}\n"));
        assert_eq!((s.processes, s.tenders, s.bids, s.awards), (1, 1, 2, 1));
        assert!(s.errors.is_empty(), "{:?}", s.errors);
        assert!(tender.contains("ocds-1,设备采购,goods,open,12331099470000000B,清风县人民医院,1000000.00,2025-03-01,2025-03-25,2025-03-28,T1,lowest_price,1"), "{tender}");
        assert!(
            bid.contains("ocds-1,S1,甲公司,880000.50,,valid,1")
                && bid.contains("ocds-1,GB-COH-0123,乙公司,870000.00,,rejected,1"),
            "{bid}"
        );
        assert!(!bid.contains("S3"), "an invitation is not a bid");
        assert!(award.contains("ocds-1,S1,甲公司,880000.50,c1,2025-04-02,880000.50,,performing,1"), "{award}");
    }

    fn all_files(name: &str, text: &str) -> Vec<String> {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join(name);
        std::fs::write(&input, text).unwrap();
        let (summary, files) = convert(&input);
        assert!(summary.errors.is_empty(), "{:?}", summary.errors);
        files
    }

    /// Fields of unexpected types, nulls, single objects for lists, strings for
    /// amounts and a duplicate key (which sends the line the general way).
    const ODD: &str = r#"{"ocid":"ocds-2","buyer":null,"parties":[{"id":"S1","name":" 甲公司 ","identifier":{"id":"91330100MA2KY0JX0N"}}],"tender":{"title":5,"value":"12","tenderPeriod":{"startDate":null,"endDate":["x"]},"datePublished":"2025-01-02T08:00:00+08:00","numberOfTenderers":3.0,"procuringEntity":"E","status":"active","status":"complete"},"bids":{"details":[7,{"status":"valid","date":"2025-01-05T10:00:00+08:00","tenderers":{"id":"S1"},"value":{"amount":"1,000","currency":"CNY"}}]},"awards":{"id":"a","status":"active","value":{"amount":1e3},"suppliers":[{"name":"无编号"}],"items":[{"classification":{"id":"a|b"}},{"classification":3}]},"contracts":[{"awardID":"a","status":"active","implementation":{"transactions":[{"amount":{"amount":5}},{"value":{"amount":2.5}},{"value":{}}]}}]}"#;

    #[test]
    fn a_release_line_reads_as_the_same_release_in_a_record() {
        for release in [RELEASE, ODD] {
            let fast = all_files("x.jsonl", &format!("{release}\n"));
            let ocid = if release == RELEASE { "ocds-1" } else { "ocds-2" };
            let record = format!("{{\"ocid\":\"{ocid}\",\"compiledRelease\":{release}}}\n");
            assert_eq!(fast, all_files("r.jsonl", &record), "{release}");
        }
        let files = all_files("x.jsonl", &format!("{ODD}\n"));
        let [tender, bid, award, process, ocds_bid, ocds_award] = &files[..] else { unreachable!() };
        // Null is unset: the publish date falls back to datePublished; the last of two keys counts;
        // a value that is not an object has no amount.
        assert!(tender.contains("ocds-2,5,other,other,,,,2025-01-02,,,,,1"), "{tender}");
        assert!(process.contains("ocds-2,5,,,,,,,,complete,3.0,,,,,1"), "{process}");
        // A tenderer written as one object; an amount written as a string is kept as written.
        assert!(bid.contains("ocds-2,91330100MA2KY0JX0N,甲公司,\"1,000\",2025-01-05 10:00:00,valid,1"), "{bid}");
        // A bid that is not an object is a bid with nothing known; a supplier without an id is none.
        assert!(ocds_bid.contains("ocds-2,1,,,,,,,,0,1") && ocds_bid.contains("ocds-2,2,,valid,,CNY,"), "{ocds_bid}");
        assert!(award.contains("ocds-2,,无编号,1000.00,,,,7.50,performing,1"), "{award}");
        assert!(ocds_award.contains("ocds-2,1,a,active,,,1,1000.0,,,a/b,1"), "{ocds_award}");
    }

    #[test]
    fn packages_records_and_bad_lines() {
        let package = format!("{{\"uri\":\"x\",\n\"releases\":[\n{RELEASE}\n]}}");
        let (s, tender, ..) = run("p.json", &package);
        assert_eq!(s.tenders, 1, "{:?}", s.errors);
        assert!(tender.contains("ocds-1,设备采购"));
        let record = format!("{{\"records\":[{{\"ocid\":\"ocds-1\",\"compiledRelease\":{RELEASE}}}]}}\n");
        let (s, ..) = run("r.jsonl", &record);
        assert_eq!((s.tenders, s.bids), (1, 2));
        // Two releases of one process merge; a broken line and a non-release are reported by line.
        let update = r#"{"ocid":"ocds-1","id":"2","awards":[{"id":"a1","value":{"amount":900000}}]}"#;
        let (s, _, _, award) = run("u.jsonl", &format!("{RELEASE}\n{update}\n{{oops\n{{\"id\":\"x\"}}\n"));
        assert_eq!(s.processes, 1);
        assert!(award.contains(",900000.00,"), "{award}");
        let lines: Vec<u64> = s.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, vec![3, 4], "{:?}", s.errors);
        assert!(s.errors[1].reason_en.contains("no ocid"));
        // The same after another process, the release indented and behind a byte-order mark.
        let other = RELEASE.replace("ocds-1", "ocds-0");
        let (s, _, _, award) = run("u.jsonl", &format!("{other}\n  \u{feff}{RELEASE}  \n{update}\n"));
        assert_eq!((s.processes, s.tenders, s.bids), (2, 2, 4), "{:?}", s.errors);
        assert!(award.contains(",900000.00,") && s.errors.is_empty(), "{award} {:?}", s.errors);
        // A line saved in GBK is reported by its number; the lines around it are read.
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("gbk.jsonl");
        let mut bytes = format!("{RELEASE}\n").into_bytes();
        bytes.extend(b"{\"ocid\":\"ocds-9\",\"tender\":{\"title\":\"\xc9\xe8\xb1\xb8\"}}\n");
        bytes.extend(RELEASE.replace("ocds-1", "ocds-3").as_bytes());
        std::fs::write(&input, bytes).unwrap();
        let (s, _) = convert(&input);
        assert_eq!((s.processes, s.tenders), (2, 2), "{:?}", s.errors);
        assert_eq!(
            s.errors.iter().map(|e| (e.line, e.reason_en.as_str())).collect::<Vec<_>>(),
            [(2, "not UTF-8: JSON must be saved as UTF-8")]
        );
        // A bare list of releases (no package) reads as a package's; a file saved as UTF-16 is refused whole.
        let list = dir.path().join("list.json");
        std::fs::write(&list, format!("[\n{RELEASE},\n{}\n]\n", RELEASE.replace("ocds-1", "ocds-2"))).unwrap();
        let (s, _) = convert(&list);
        assert_eq!((s.processes, s.tenders, s.bids), (2, 2, 4), "{:?}", s.errors);
        assert!(s.errors.is_empty(), "{:?}", s.errors);
        let utf16 = dir.path().join("utf16.jsonl");
        let mut bytes = vec![0xFF, 0xFE];
        bytes.extend(format!("{RELEASE}\n").encode_utf16().flat_map(u16::to_le_bytes));
        std::fs::write(&utf16, bytes).unwrap();
        let mut tables = CsvTables(Vec::new());
        assert!(matches!(read(&utf16, &mut tables, None), Err(crate::FileError::JsonUtf16 { .. })));
        // A file with nothing but blank lines is empty, as an empty CSV file is.
        let blank = dir.path().join("blank.jsonl");
        std::fs::write(&blank, "\n  \n").unwrap();
        let mut tables = CsvTables(Vec::new());
        assert!(matches!(read(&blank, &mut tables, None), Err(crate::FileError::Empty { .. })));
    }
}
