//! Open Contracting Data Standard (OCDS 1.1) input: release packages, record
//! packages and compiled releases, as one JSON document or as JSON Lines (one
//! release, record or package per line), read as a stream: memory holds one
//! contracting process at a time, whatever the file size.
//!
//! Each contracting process (`ocid`) becomes one `tender` row, one `bid` row per
//! bid in `bids.details`, and one `award` row per supplier of each award, written
//! as contract CSV files that the ordinary importer then validates and stores.
//! Every row carries `ocds_line`, the line (JSON Lines) or release number (a
//! single document) it came from. The mapping is in `docs/ocds.md`.
//!
//! The same process is also written as OCDS says it — `ocds_process`,
//! `ocds_bid` (one row per tenderer of every bid, invited and withdrawn ones
//! too) and `ocds_award` (one row per supplier of every award, whatever its
//! status) — for the Cardinal indicators, which need OCDS's own statuses,
//! currencies and identifiers that the contract's tables do not keep.

use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};
use std::fmt;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// The column of the converted files that holds each row's line (JSON Lines) or
/// release number (one document) in the OCDS file; the importer reports errors
/// and records provenance by it.
pub const LINE_COLUMN: &str = "ocds_line";

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
    "ocds_line",
];
const BID: &[&str] = &["tender_id", "bidder_code", "bidder_name", "price", "submit_time", "status", "ocds_line"];
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
    "ocds_line",
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
    "ocds_line",
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
    "ocds_line",
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
    "ocds_line",
];

/// The files `convert` writes, by table name.
pub const FILES: [&str; 6] = ["tender", "bid", "award", "ocds_process", "ocds_bid", "ocds_award"];

struct Out {
    tender: csv::Writer<std::fs::File>,
    bid: csv::Writer<std::fs::File>,
    award: csv::Writer<std::fs::File>,
    ocds_process: csv::Writer<std::fs::File>,
    ocds_bid: csv::Writer<std::fs::File>,
    ocds_award: csv::Writer<std::fs::File>,
    summary: OcdsSummary,
    /// The process being gathered: consecutive releases of one ocid merge.
    pending: Option<(String, u64, Value)>,
    seen: std::collections::HashSet<String>,
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> crate::FileError + '_ {
    move |e| crate::FileError::Io { path: path.to_owned(), source: e }
}

fn csv_error(path: &Path) -> impl Fn(csv::Error) -> crate::FileError + '_ {
    move |e| crate::FileError::Io { path: path.to_owned(), source: std::io::Error::other(e.to_string()) }
}

/// Reads the OCDS file at `path` and writes one CSV file per table of
/// [`FILES`] (`tender.csv` …) into `out` (which must exist).
pub fn convert(path: &Path, out: &Path) -> Result<OcdsSummary, crate::FileError> {
    let writer = |name: &str, header: &[&str]| -> Result<csv::Writer<std::fs::File>, crate::FileError> {
        let p = out.join(name);
        let mut w = csv::Writer::from_writer(std::fs::File::create(&p).map_err(io(&p))?);
        w.write_record(header).map_err(csv_error(&p))?;
        Ok(w)
    };
    let mut o = Out {
        tender: writer("tender.csv", TENDER)?,
        bid: writer("bid.csv", BID)?,
        award: writer("award.csv", AWARD)?,
        ocds_process: writer("ocds_process.csv", OCDS_PROCESS)?,
        ocds_bid: writer("ocds_bid.csv", OCDS_BID)?,
        ocds_award: writer("ocds_award.csv", OCDS_AWARD)?,
        summary: OcdsSummary::default(),
        pending: None,
        seen: Default::default(),
    };
    let file = std::fs::File::open(path).map_err(io(path))?;
    let mut reader = BufReader::with_capacity(1 << 20, file);
    // One document if it opens with an object that spans lines; else JSON Lines.
    let single = {
        let head = reader.fill_buf().map_err(io(path))?;
        let text = String::from_utf8_lossy(&head[..head.len().min(1 << 16)]).trim_start_matches('\u{feff}').to_owned();
        let first_line = text.trim_start().lines().next().unwrap_or("");
        serde_json::from_str::<Value>(first_line).is_err() && text.trim_start().starts_with('{')
    };
    if single {
        let mut de = serde_json::Deserializer::from_reader(SkipBom::new(reader));
        let result = Package { out: &mut o }.deserialize(&mut de);
        if let Err(e) = result {
            let n = o.summary.processes + 1;
            o.error(n, format!("JSON格式错误：{e}"), format!("not valid JSON: {e}"));
        }
    } else {
        let mut line = String::new();
        let mut number = 0u64;
        loop {
            line.clear();
            let n = reader.read_line(&mut line).map_err(io(path))?;
            if n == 0 {
                break;
            }
            number += 1;
            let text = line.trim().trim_start_matches('\u{feff}');
            if text.is_empty() {
                continue;
            }
            match serde_json::from_str::<Value>(text) {
                Ok(v) => o.item(number, v),
                Err(e) => o.error(number, format!("不是有效的JSON：{e}"), format!("not valid JSON: {e}")),
            }
        }
    }
    o.flush_pending();
    for (w, name) in [
        (&mut o.tender, "tender.csv"),
        (&mut o.bid, "bid.csv"),
        (&mut o.award, "award.csv"),
        (&mut o.ocds_process, "ocds_process.csv"),
        (&mut o.ocds_bid, "ocds_bid.csv"),
        (&mut o.ocds_award, "ocds_award.csv"),
    ] {
        w.flush().map_err(io(&out.join(name)))?;
    }
    Ok(o.summary)
}

/// A release package `{"releases": [...]}` or record package `{"records": [...]}`,
/// streamed one element at a time; a lone release or record is taken as it is.
struct Package<'a> {
    out: &'a mut Out,
}

impl<'de> DeserializeSeed<'de> for Package<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for Package<'_> {
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

struct Items<'a> {
    out: &'a mut Out,
}

impl<'de> DeserializeSeed<'de> for Items<'_> {
    type Value = ();
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<(), D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for Items<'_> {
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

fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::String(s)) => s.trim().to_owned(),
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
    }
}

fn day(v: Option<&Value>) -> String {
    text(v).chars().take(10).collect()
}

fn amount(v: Option<&Value>) -> String {
    match v.and_then(|v| v.get("amount")) {
        Some(Value::Number(n)) => n.as_f64().map(|x| format!("{x:.2}")).unwrap_or_default(),
        Some(Value::String(s)) => s.clone(),
        _ => String::new(),
    }
}

/// An OCDS value's amount as written (a number), for the OCDS tables.
fn number(v: Option<&Value>) -> String {
    match v.and_then(|v| v.get("amount")) {
        Some(Value::Number(n)) => n.to_string(),
        _ => String::new(),
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
fn paid(contract: &Value) -> String {
    let list = contract.pointer("/implementation/transactions").and_then(Value::as_array);
    let values: Vec<f64> = list
        .into_iter()
        .flatten()
        .filter_map(|t| t.get("value").or(t.get("amount")).and_then(|v| v.get("amount")).and_then(Value::as_f64))
        .collect();
    if values.is_empty() { String::new() } else { format!("{:.2}", values.iter().sum::<f64>()) }
}

impl Out {
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
        match &mut self.pending {
            Some((current, _, base)) if *current == ocid => merge(base, release),
            _ => {
                self.flush_pending();
                if !self.seen.insert(ocid.clone()) {
                    self.error(
                        line,
                        format!("ocid {ocid} 的发布不连续：请导入编译发布（compiled release）或记录包"),
                        format!(
                            "releases of ocid {ocid} are not consecutive: import compiled releases or a record package"
                        ),
                    );
                    return;
                }
                self.pending = Some((ocid, line, release));
            }
        }
    }

    fn flush_pending(&mut self) {
        if let Some((ocid, line, r)) = self.pending.take() {
            self.summary.processes += 1;
            if let Err(e) = self.process(&ocid, line, &r) {
                self.error(line, format!("写出失败：{e}"), format!("cannot write: {e}"));
            }
        }
    }

    /// Writes the rows of one compiled contracting process.
    fn process(&mut self, ocid: &str, line: u64, r: &Value) -> Result<(), csv::Error> {
        let line_text = line.to_string();
        // Parties by their release-local id → (code, name). A Chinese unified social
        // credit code in `identifier` is the code; otherwise scheme-id, else the party id.
        let mut parties = std::collections::HashMap::new();
        for p in r.get("parties").and_then(Value::as_array).into_iter().flatten() {
            let id = text(p.get("id"));
            let ident = p.get("identifier");
            let code = match (text(ident.and_then(|i| i.get("scheme"))), text(ident.and_then(|i| i.get("id")))) {
                (_, i) if domain::CreditCode::parse_allowing_bad_check(&i).is_ok() => i,
                (s, i) if !s.is_empty() && !i.is_empty() => format!("{s}-{i}"),
                (_, i) if !i.is_empty() => i,
                _ => id.clone(),
            };
            parties.insert(id, (code, text(p.get("name"))));
        }
        let party = |v: &Value| -> (String, String) {
            let id = text(v.get("id"));
            parties.get(&id).cloned().unwrap_or_else(|| (id, text(v.get("name"))))
        };
        let tender = r.get("tender").cloned().unwrap_or(Value::Null);
        let buyer = r.get("buyer").map(&party).unwrap_or_default();
        let category = match text(tender.get("mainProcurementCategory")).as_str() {
            "goods" => "goods",
            "works" => "works",
            "services" => "services",
            _ => "other",
        };
        // The Chinese method, when procurementMethodDetails names one, is finer than OCDS's four.
        let details = text(tender.get("procurementMethodDetails"));
        let method = match (text(tender.get("procurementMethod")).as_str(), details.as_str()) {
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
        let evaluation = match text(tender.get("awardCriteria")).as_str() {
            "priceOnly" | "lowestCost" => "lowest_price",
            "" => "",
            "ratedCriteria" | "qualityOnly" | "bestProposal" | "bestValueToGovernment" => "comprehensive",
            _ => "other",
        };
        let awards: Vec<&Value> = r.get("awards").and_then(Value::as_array).into_iter().flatten().collect();
        let award_date = awards.iter().map(|a| day(a.get("date"))).filter(|d| !d.is_empty()).min().unwrap_or_default();
        let period = tender.get("tenderPeriod");
        let publish = day(period.and_then(|p| p.get("startDate")).or(tender.get("datePublished")));
        let title = match text(tender.get("title")) {
            t if t.is_empty() => ocid.to_owned(),
            t => t,
        };
        self.tender.write_record([
            ocid,
            &title,
            category,
            method,
            &buyer.0,
            &buyer.1,
            &amount(tender.get("value")),
            &publish,
            &day(period.and_then(|p| p.get("endDate"))),
            &award_date,
            &text(tender.get("id")),
            evaluation,
            &line_text,
        ])?;
        self.summary.tenders += 1;
        self.ocds(ocid, &line_text, r, &tender, &party)?;
        for b in r.pointer("/bids/details").and_then(Value::as_array).into_iter().flatten() {
            let status = match text(b.get("status")).as_str() {
                "valid" | "pending" | "" => "valid",
                "disqualified" => "rejected",
                "withdrawn" => "withdrawn",
                // Invited: no bid was made.
                _ => continue,
            };
            for t in b.get("tenderers").and_then(Value::as_array).into_iter().flatten() {
                let (code, name) = party(t);
                let time = text(b.get("date")).replace('T', " ").chars().take(19).collect::<String>();
                self.bid.write_record([
                    ocid,
                    &code,
                    &name,
                    &amount(b.get("value")),
                    time.as_str(),
                    status,
                    &line_text,
                ])?;
                self.summary.bids += 1;
            }
        }
        let contracts: Vec<&Value> = r.get("contracts").and_then(Value::as_array).into_iter().flatten().collect();
        for a in awards {
            if matches!(text(a.get("status")).as_str(), "cancelled" | "unsuccessful") {
                continue;
            }
            let id = text(a.get("id"));
            let contract = contracts.iter().find(|c| text(c.get("awardID")) == id && !id.is_empty());
            let status = match contract.map(|c| text(c.get("status"))).as_deref() {
                Some("terminated") | Some("cancelled") => "terminated",
                Some("active") => "performing",
                _ => "",
            };
            for s in a.get("suppliers").and_then(Value::as_array).into_iter().flatten() {
                let (code, name) = party(s);
                self.award.write_record([
                    ocid,
                    &code,
                    &name,
                    &amount(a.get("value")),
                    &contract.map(|c| text(c.get("id"))).unwrap_or_default(),
                    &contract.map(|c| day(c.get("dateSigned"))).unwrap_or_default(),
                    &contract.map(|c| amount(c.get("value"))).unwrap_or_default(),
                    &contract.map(|c| paid(c)).unwrap_or_default(),
                    status,
                    &line_text,
                ])?;
                self.summary.awards += 1;
            }
        }
        Ok(())
    }

    /// Writes the process as OCDS says it: `ocds_process`, `ocds_bid`, `ocds_award`.
    fn ocds(
        &mut self,
        ocid: &str,
        line: &str,
        r: &Value,
        tender: &Value,
        party: &dyn Fn(&Value) -> (String, String),
    ) -> Result<(), csv::Error> {
        let (buyer_id, buyer_name) = r.get("buyer").map(party).unwrap_or_default();
        let (entity_id, entity_name) = tender.get("procuringEntity").map(party).unwrap_or_default();
        let period = tender.get("tenderPeriod");
        let start = text(period.and_then(|p| p.get("startDate")));
        let end = text(period.and_then(|p| p.get("endDate")));
        let tenderers = match tender.get("numberOfTenderers") {
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        self.ocds_process.write_record([
            ocid,
            &text(tender.get("title")),
            &buyer_id,
            &buyer_name,
            &entity_id,
            &entity_name,
            &text(tender.get("procurementMethod")),
            &text(tender.get("procurementMethodDetails")),
            &text(tender.get("mainProcurementCategory")),
            &text(tender.get("status")),
            &tenderers,
            &text(tender.get("awardCriteria")),
            &start,
            &end,
            &days_between(&start, &end),
            line,
        ])?;
        // Tenderers and suppliers may be written as one object instead of a list.
        let list = |v: Option<&Value>| -> Vec<Value> {
            match v {
                Some(Value::Array(a)) => a.clone(),
                Some(o @ Value::Object(_)) => vec![o.clone()],
                _ => Vec::new(),
            }
        };
        for (i, b) in r.pointer("/bids/details").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let tenderers = list(b.get("tenderers"));
            let value = b.get("value");
            let head = [
                ocid.to_owned(),
                (i + 1).to_string(),
                text(b.get("id")),
                text(b.get("status")),
                number(value),
                text(value.and_then(|v| v.get("currency"))),
                text(b.get("date")),
            ];
            let count = tenderers.len().to_string();
            let rows: Vec<(String, String)> = if tenderers.is_empty() {
                vec![Default::default()]
            } else {
                tenderers
                    .iter()
                    .map(|t| if text(t.get("id")).is_empty() { Default::default() } else { party(t) })
                    .collect()
            };
            for (id, name) in rows {
                let mut rec = head.to_vec();
                rec.extend([id, name, count.clone(), line.to_owned()]);
                self.ocds_bid.write_record(&rec)?;
                self.summary.ocds_bids += 1;
            }
        }
        for (i, a) in r.get("awards").and_then(Value::as_array).into_iter().flatten().enumerate() {
            let suppliers = list(a.get("suppliers"));
            let classes: Vec<String> = a
                .get("items")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .map(|item| text(item.pointer("/classification/id")).replace('|', "/"))
                .filter(|c| !c.is_empty())
                .collect();
            let value = a.get("value");
            let head = [ocid.to_owned(), (i + 1).to_string(), text(a.get("id")), text(a.get("status"))];
            let tail = [
                suppliers.len().to_string(),
                number(value),
                text(value.and_then(|v| v.get("currency"))),
                text(a.get("date")),
                classes.join("|"),
                line.to_owned(),
            ];
            let rows: Vec<(String, String)> = if suppliers.is_empty() {
                vec![Default::default()]
            } else {
                suppliers
                    .iter()
                    .map(|s| if text(s.get("id")).is_empty() { Default::default() } else { party(s) })
                    .collect()
            };
            for (id, name) in rows {
                let mut rec = head.to_vec();
                rec.extend([id, name]);
                rec.extend(tail.iter().cloned());
                self.ocds_award.write_record(&rec)?;
                self.summary.ocds_awards += 1;
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(name: &str, text: &str) -> (OcdsSummary, String, String, String) {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join(name);
        std::fs::write(&input, text).unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir(&out).unwrap();
        let summary = convert(&input, &out).unwrap();
        let read = |n: &str| std::fs::read_to_string(out.join(n)).unwrap();
        (summary, read("tender.csv"), read("bid.csv"), read("award.csv"))
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
    }
}
