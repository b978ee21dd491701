//! What a model finds, and the warning made of it.

use crate::model::Model;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Subject {
    pub kind: String,
    pub id: String,
    pub name: String,
}

/// A source row: the table, the import batch, the row number in the file the
/// department sent, and the record's own key (its `record_id`, `payment_id`, …).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Source {
    pub table: String,
    pub batch: i64,
    pub row: i64,
    pub key: String,
}

/// One result row of a model: a warning before it has an identity and reasons.
#[derive(Clone, Debug, PartialEq)]
pub struct Finding {
    /// Identifies the warning within its model: the keys of its evidence.
    pub key: String,
    pub subject: Subject,
    pub amount_fen: i64,
    /// The unit concerned (credit code), for the queue's filter.
    pub org_code: Option<String>,
    pub region_code: Option<String>,
    /// Figure name → value, in the order the model declares them.
    pub figures: Map<String, Value>,
    /// Sorted, without repeats.
    pub sources: Vec<Source>,
}

/// A warning as stored and exported.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Warning {
    pub id: String,
    pub model: String,
    pub severity: String,
    pub subject: Subject,
    pub amount_fen: i64,
    pub reason_zh: String,
    pub reason_en: String,
    pub evidence: Evidence,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub figures: Map<String, Value>,
    pub sources: Vec<Source>,
}

/// The identity of a warning: its model and the keys of its evidence, so the
/// same facts give the same warning in every scan.
pub fn warning_id(model: &str, key: &str) -> String {
    let digest =
        Sha256::new().chain_update(model.as_bytes()).chain_update([0u8]).chain_update(key.as_bytes()).finalize();
    format!("{model}-{}", &hex::encode(digest)[..12])
}

impl Warning {
    pub fn new(model: &Model, finding: Finding) -> Warning {
        let reason_zh = render(&model.reason_zh, &finding, Lang::Zh);
        let reason_en = render(&model.reason_en, &finding, Lang::En);
        Warning {
            id: warning_id(&model.code, &finding.key),
            model: model.code.clone(),
            severity: model.severity.as_str().to_owned(),
            subject: finding.subject,
            amount_fen: finding.amount_fen,
            reason_zh,
            reason_en,
            evidence: Evidence { figures: finding.figures, sources: finding.sources },
        }
    }

    /// The evidence as JSON, and the SHA-256 of the evidence and reasons (changes
    /// when the facts do): the digest hashes the JSON array `[evidence, amount,
    /// subject, reason_zh]`, written around the evidence's JSON rather than
    /// serializing the evidence twice.
    pub fn evidence_json_and_digest(&self) -> (String, String) {
        let evidence = serde_json::to_string(&self.evidence).unwrap_or_default();
        let rest = serde_json::to_string(&(&self.amount_fen, &self.subject, &self.reason_zh)).unwrap_or_default();
        // `rest` is `[amount,subject,reason]`: its opening bracket becomes the comma.
        let digest = Sha256::new()
            .chain_update(b"[")
            .chain_update(evidence.as_bytes())
            .chain_update(b",")
            .chain_update(&rest.as_bytes()[1..])
            .finalize();
        (evidence, hex::encode(digest))
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Lang {
    Zh,
    En,
}

/// Yuan with thousands separators: `12,345.60`.
pub fn yuan(fen: i64) -> String {
    let sign = if fen < 0 { "-" } else { "" };
    let abs = fen.unsigned_abs();
    let whole = (abs / 100).to_string();
    let mut grouped = String::new();
    for (i, c) in whole.chars().enumerate() {
        if i > 0 && (whole.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    format!("{sign}{grouped}.{:02}", abs % 100)
}

fn money(fen: i64, lang: Lang) -> String {
    match lang {
        Lang::Zh => format!("{}元", yuan(fen)),
        Lang::En => format!("¥{}", yuan(fen)),
    }
}

fn show(name: &str, format: Option<&str>, value: &Value, lang: Lang) -> String {
    let sep = if lang == Lang::Zh { "、" } else { ", " };
    match value {
        Value::Null => "—".to_owned(),
        Value::String(s) => s.clone(),
        Value::Bool(b) => match (b, lang) {
            (true, Lang::Zh) => "是".into(),
            (false, Lang::Zh) => "否".into(),
            (b, Lang::En) => b.to_string(),
        },
        Value::Number(n) => {
            if format == Some("%") {
                return format!("{:.1}%", n.as_f64().unwrap_or(0.0) * 100.0);
            }
            if name.ends_with("_fen") || format == Some("yuan") {
                return money(n.as_i64().unwrap_or(0), lang);
            }
            match n.as_f64() {
                Some(x) if n.is_f64() => format!("{x:.4}").trim_end_matches('0').trim_end_matches('.').to_owned(),
                _ => n.to_string(),
            }
        }
        Value::Array(items) => items.iter().map(|v| show(name, format, v, lang)).collect::<Vec<_>>().join(sep),
        Value::Object(_) => value.to_string(),
    }
}

/// The template with each `{name}`, `{name:%}` and `{name:yuan}` replaced by the
/// finding's value, in one pass: a value that itself contains braces is left as
/// it is. Other `{…}` stay as written.
fn render(template: &str, f: &Finding, lang: Lang) -> String {
    let mut out = String::with_capacity(template.len() + 64);
    let mut rest = template;
    while let Some(start) = rest.find('{') {
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else { break };
        let inner = &after[..end];
        let (name, format) = match inner.split_once(':') {
            Some((name, format)) => (name, Some(format)),
            None => (inner, None),
        };
        out.push_str(&rest[..start]);
        match format {
            None | Some("%") | Some("yuan") => out.push_str(&match name {
                "subject_id" => f.subject.id.clone(),
                "subject_name" => f.subject.name.clone(),
                "amount" => money(f.amount_fen, lang),
                "org_code" => f.org_code.clone().unwrap_or_default(),
                "region_code" => f.region_code.clone().unwrap_or_default(),
                _ => show(name, format, f.figures.get(name).unwrap_or(&Value::Null), lang),
            }),
            Some(_) => out.push_str(&rest[start..start + 2 + end]),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yuan_groups_thousands() {
        assert_eq!(yuan(0), "0.00");
        assert_eq!(yuan(5), "0.05");
        assert_eq!(yuan(123_456_789), "1,234,567.89");
        assert_eq!(yuan(-100_000), "-1,000.00");
    }

    #[test]
    fn reasons_fill_each_placeholder_once() {
        let mut figures = Map::new();
        figures.insert("share".into(), serde_json::json!(0.125));
        figures.insert("paid_fen".into(), serde_json::json!(1_234_500));
        figures.insert("names".into(), serde_json::json!(["甲", "乙"]));
        let f = Finding {
            key: "k".into(),
            subject: Subject { kind: "person".into(), id: "1".into(), name: "张{share}".into() },
            amount_fen: 100,
            org_code: None,
            region_code: None,
            figures,
            sources: Vec::new(),
        };
        assert_eq!(
            render(
                "{subject_name}：{share:%}，{paid_fen}，{names}，{amount}，{missing}，{share:x}，{open",
                &f,
                Lang::Zh
            ),
            "张{share}：12.5%，12,345.00元，甲、乙，1.00元，—，{share:x}，{open"
        );
        assert_eq!(render("{names} {share}", &f, Lang::En), "甲, 乙 0.125");
    }

    #[test]
    fn the_digest_is_that_of_the_evidence_amount_subject_and_reason() {
        let mut figures = Map::new();
        figures.insert("bids".into(), serde_json::json!(3));
        let w = Warning {
            id: "P04-x".into(),
            model: "P04".into(),
            severity: "medium".into(),
            subject: Subject { kind: "tender".into(), id: "T1".into(), name: "“引号”\\".into() },
            amount_fen: -5,
            reason_zh: "三家".into(),
            reason_en: "three".into(),
            evidence: Evidence {
                figures,
                sources: vec![Source { table: "bid".into(), batch: 1, row: 2, key: "T1/a".into() }],
            },
        };
        let whole = serde_json::to_string(&(&w.evidence, &w.amount_fen, &w.subject, &w.reason_zh)).unwrap();
        let (json, digest) = w.evidence_json_and_digest();
        assert_eq!(json, serde_json::to_string(&w.evidence).unwrap());
        assert_eq!(digest, hex::encode(Sha256::digest(whole.as_bytes())));
    }

    #[test]
    fn identity_depends_on_model_and_key_only() {
        assert_eq!(warning_id("M01", "a/b"), warning_id("M01", "a/b"));
        assert_ne!(warning_id("M01", "a/b"), warning_id("M02", "a/b"));
        assert_ne!(warning_id("M01", "a/b"), warning_id("M01", "a/c"));
        assert!(warning_id("F03", "x").starts_with("F03-"));
    }
}
