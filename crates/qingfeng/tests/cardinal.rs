//! The Cardinal indicators (R models) on the worked examples of Cardinal's
//! documentation (`docs/models/cardinal/`): each example raises exactly the flags
//! Cardinal's page shows, with the same values.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn qingfeng(data: &Path) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_qingfeng"));
    command.env_remove("QINGFENG_DATA").env("QINGFENG_USER", "tester").arg("--data").arg(data);
    command
}

fn ok(output: Output) -> String {
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    assert_eq!(output.status.code(), Some(0), "{text}{}", String::from_utf8_lossy(&output.stderr));
    text
}

/// Imports `file` into a new data directory, scans with `config` and returns the
/// R warnings as (model, subject kind, subject id, figures), sorted.
fn flags(file: &Path, config: &str) -> Vec<(String, String, String, Value)> {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // Cardinal's examples carry no buyer or award amount, which the contract's
    // tender and award tables require: those batches are rejected (exit 1), the
    // OCDS tables are stored.
    let out = qingfeng(&data).args(["import", "--no-scan"]).arg(file).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("→ ocds_process 批次 batch") && stdout.contains("已接收 accepted"), "{stdout}");
    let settings = dir.path().join("settings.toml");
    std::fs::write(&settings, config).unwrap();
    ok(qingfeng(&data).args(["scan", "--config"]).arg(&settings).output().unwrap());
    let jsonl = ok(qingfeng(&data).args(["warnings", "export", "--format", "jsonl"]).output().unwrap());
    let mut list: Vec<_> = jsonl
        .lines()
        .map(|l| serde_json::from_str::<Value>(l).unwrap())
        .filter(|w| w["model"].as_str().unwrap().starts_with('R'))
        .map(|w| {
            let s = |v: &Value| v.as_str().unwrap().to_owned();
            (s(&w["model"]), s(&w["subject"]["kind"]), s(&w["subject"]["id"]), w["evidence"]["figures"].clone())
        })
        .collect();
    list.sort_by(|a, b| (&a.0, &a.1, &a.2).cmp(&(&b.0, &b.1, &b.2)));
    list
}

fn example(code: &str) -> std::path::PathBuf {
    Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo test"))
        .join("../../docs/models/cardinal")
        .join(format!("{code}.jsonl"))
}

fn close(v: &Value, expected: f64) -> bool {
    v.as_f64().is_some_and(|x| (x - expected).abs() < 1e-6)
}

/// One flag: its model, subject and the figure that holds Cardinal's value.
fn one(code: &str, config: &str, kind: &str, id: &str, figure: &str, value: f64) {
    let got = flags(&example(code), config);
    assert_eq!(got.len(), 1, "{code}: {got:?}");
    let (model, k, i, figures) = &got[0];
    assert_eq!((model.as_str(), k.as_str(), i.as_str()), (code, kind, id), "{code}: {got:?}");
    assert!(close(&figures[figure], value), "{code}: {figure} = {} ≠ {value}", figures[figure]);
}

#[test]
fn r003_short_submission_period() {
    // Cardinal's page shows {"OCID":{"F":{"R003":1.0}}}: every procurement method is checked.
    one("R003", "", "tender", "F", "days", 1.0);
}

#[test]
fn r003_thresholds_per_method_and_details() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("periods.jsonl");
    let process = |ocid: &str, end: &str, method: &str, details: &str| {
        format!(
            r#"{{"ocid":"{ocid}","tender":{{"tenderPeriod":{{"startDate":"2020-08-03T18:00:00-05:00","endDate":"{end}"}},"procurementMethod":"{method}","procurementMethodDetails":"{details}"}}}}"#
        )
    };
    let lines = [
        process("S", "2020-08-04T18:00:00-05:00", "open", "Licitación"),
        process("L", "2020-08-18T18:00:00-05:00", "open", "Licitación"),
        process("C", "2020-08-11T18:00:00-05:00", "limited", "Cotización"),
        process("D", "2020-08-11T18:00:00-05:00", "direct", ""),
    ];
    std::fs::write(&file, lines.join("\n") + "\n").unwrap();
    let ids = |got: Vec<(String, String, String, Value)>| {
        got.into_iter().map(|(_, _, id, figures)| (id, figures["threshold"].as_i64().unwrap())).collect::<Vec<_>>()
    };
    // Defaults: 15 days, every method (L has 15 whole days, not under 15).
    let all = vec![("C".to_owned(), 15), ("D".to_owned(), 15), ("S".to_owned(), 15)];
    assert_eq!(ids(flags(&file, "")), all);
    // Cardinal's [R003.procurement_method_details]: 7 days for Cotización, 16 for Licitación.
    let details = "[models.R003.procurement_method_details]\n\"Cotización\" = 7\n\"Licitación\" = 16\n";
    assert_eq!(ids(flags(&file, details)), vec![("D".to_owned(), 15), ("L".to_owned(), 16), ("S".to_owned(), 16)]);
    // Cardinal's procurement_methods = open|selective|limited.
    let methods = "[models.R003]\nprocurement_methods = \"open|selective|limited\"\n";
    assert_eq!(ids(flags(&file, methods)), vec![("C".to_owned(), 15), ("S".to_owned(), 15)]);
}

#[test]
fn r018_single_bid() {
    one("R018", "", "tender", "F", "tenderers", 1.0);
}

#[test]
fn r024_price_close_to_winning_bid() {
    one("R024", "", "tender", "F", "difference", 1.0);
}

#[test]
fn r025_excessive_unsuccessful_bids() {
    one("R025", "", "enterprise", "F", "ratio", 1.0 / 6.0);
}

#[test]
fn r028_identical_bid_prices() {
    // Cardinal flags the process and, under Tenderer, both firms: here they are named in its evidence.
    let got = flags(&example("R028"), "");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].0.as_str(), got[0].1.as_str(), got[0].2.as_str()), ("R028", "tender", "F"));
    assert_eq!(got[0].3["tenderer_ids"], serde_json::json!(["D", "V"]));
}

#[test]
fn r030_late_bid_won() {
    let got = flags(&example("R030"), "");
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!((got[0].0.as_str(), got[0].2.as_str()), ("R030", "F"));
}

#[test]
fn r035_all_except_winning_bid_disqualified() {
    one("R035", "", "tender", "F", "disqualified", 1.0);
}

#[test]
fn r036_lowest_bid_disqualified() {
    one("R036", "", "tender", "F", "lowest_amount", 1.0);
}

#[test]
fn r038_excessive_disqualified_bids() {
    one("R038", "", "unit", "B", "ratio", 0.5);
}

#[test]
fn r048_heterogeneous_supplier() {
    // Cardinal's example sets minimum_contracting_processes = 1 (default 20).
    let settings = std::fs::read_to_string(example("R048").with_extension("toml")).unwrap();
    one("R048", &settings, "enterprise", "F", "variety", 2.0);
    assert!(flags(&example("R048"), "").is_empty(), "by default a supplier needs 20 processes");
}

#[test]
fn r058_heavily_discounted_bid() {
    one("R058", "", "tender", "F", "difference", 99.0);
}
