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

/// Random releases full of the cases the indicators decide on (`scripts/ocds-edge-cases.py
/// --utc --firms 30 1000 … 3`) and Cardinal's own output for them (`ocdscardinal indicators`,
/// every indicator enabled; docs/models/cardinal/README.md): every process, firm, buyer and
/// procuring entity Cardinal flags is flagged here with the same value, and nothing else — but
/// R018's processes without `numberOfTenderers`, whose bids name one tenderer, which only we
/// flag (the model's documented difference). Returns Cardinal's flags.
fn agrees_with_cardinal(expected: &str, config: &str) -> Vec<(String, String, String)> {
    use std::collections::BTreeMap;
    let file = example("R003").with_file_name("edge-cases.jsonl");
    let cardinal: Value =
        serde_json::from_str(&std::fs::read_to_string(file.with_file_name(expected)).unwrap()).unwrap();
    // Cardinal's values, but the firms it lists as a flagged process's by-product (value 0 or 1):
    // our warnings name those in the process's evidence.
    let mut theirs = BTreeMap::new();
    for (group, entries) in cardinal.as_object().unwrap() {
        if group == "Meta" {
            continue;
        }
        for (id, indicators) in entries.as_object().unwrap() {
            for (code, value) in indicators.as_object().unwrap() {
                let by_product =
                    group == "Tenderer" && ["R024", "R028", "R030", "R035", "R058"].contains(&code.as_str());
                if !by_product {
                    theirs.insert((code.clone(), group.clone(), id.clone()), value.as_f64().unwrap());
                }
            }
        }
    }
    let figure = |code: &str| match code {
        "R024" | "R058" => Some("difference"),
        "R025" | "R038" => Some("ratio"),
        "R035" => Some("disqualified"),
        "R048" => Some("variety"),
        _ => None,
    };
    let mut ours = BTreeMap::new();
    for (code, kind, id, figures) in flags(&file, config) {
        if code == "R018" && figures["declared"].is_null() {
            assert_eq!(figures["counted"], Value::from(1), "{id}");
            continue;
        }
        let group = match (kind.as_str(), figures["role"].as_str()) {
            ("tender", _) => "OCID",
            (_, Some("采购人 buyer")) => "Buyer",
            (_, Some("采购代理 procuring entity")) => "ProcuringEntity",
            _ => "Tenderer",
        };
        let value = figure(&code).map_or(1.0, |f| figures[f].as_f64().unwrap_or(f64::NAN));
        ours.insert((code, group.to_owned(), id), value);
    }
    let only = |a: &BTreeMap<(String, String, String), f64>, b: &BTreeMap<(String, String, String), f64>| {
        a.keys().filter(|k| !b.contains_key(*k)).take(5).cloned().collect::<Vec<_>>()
    };
    let (only_ours, only_theirs) = (only(&ours, &theirs), only(&theirs, &ours));
    assert!(
        only_ours.is_empty() && only_theirs.is_empty(),
        "only ours: {only_ours:?}; only Cardinal's: {only_theirs:?}"
    );
    for (key, value) in &theirs {
        // Our evidence keeps ratios to 6 decimals.
        assert!((ours[key] - value).abs() <= 5.0001e-7, "{key:?}: {} ≠ {value}", ours[key]);
    }
    theirs.into_keys().collect()
}

#[test]
fn agrees_with_cardinal_on_random_releases() {
    let theirs = agrees_with_cardinal("edge-cases.cardinal.json", "");
    // Every indicator, and R038 in each of its three groups, is exercised.
    for code in ["R003", "R018", "R024", "R025", "R028", "R030", "R035", "R036", "R038", "R048", "R058"] {
        assert!(theirs.iter().any(|k| k.0 == code), "{code} never fires");
    }
    for group in ["Buyer", "ProcuringEntity", "Tenderer"] {
        assert!(theirs.iter().any(|k| k.0 == "R038" && k.1 == group), "R038 {group}");
    }
}

/// Cardinal's global settings, given in a `[cardinal]` section: with
/// `no_price_comparison_procurement_methods = Licitación` and `[exclusions]
/// procurement_method_details = Cotización` in Cardinal's settings file, and with
/// `price_comparison_procurement_methods = Random Selection`, the same flags as Cardinal's.
#[test]
fn agrees_with_cardinal_with_its_global_settings() {
    let all = agrees_with_cardinal("edge-cases.cardinal.json", "");
    let excluded = agrees_with_cardinal(
        "edge-cases.excluded.cardinal.json",
        "[cardinal]\nno_price_comparison_procurement_methods = \"Licitación\"\n\n[cardinal.exclusions]\nprocurement_method_details = \"Cotización\"\n",
    );
    let priced = agrees_with_cardinal(
        "edge-cases.priced.cardinal.json",
        "[cardinal]\nprice_comparison_procurement_methods = \"Random Selection\"\n",
    );
    assert!(excluded.len() < all.len() && priced.len() < all.len());
    // A model's own section overrides the [cardinal] one: here R028 compares every price again.
    let got = flags(
        &example("R003").with_file_name("edge-cases.jsonl"),
        "[cardinal]\nprice_comparison_procurement_methods = \"Random Selection\"\n\n[models.R028]\nprice_comparison_procurement_methods = \"\"\n",
    );
    let r028 = got.iter().filter(|w| w.0 == "R028").count();
    assert_eq!(r028, all.iter().filter(|k| k.0 == "R028" && k.1 == "OCID").count());
    assert!(r028 > priced.iter().filter(|k| k.0 == "R028").count());
}

/// Every indicator's own settings away from their defaults, in Cardinal's settings file and
/// in `qingfeng.toml` (R038's `minimum_contracting_processes`, which counts bids, is our
/// `minimum_organization_bids`): the same flags as Cardinal's.
#[test]
fn agrees_with_cardinal_with_every_indicator_configured() {
    let config = r#"
[models.R003]
threshold = 10
procurement_methods = "open|selective|limited"

[models.R003.procurement_method_details]
"Cotización" = 7
"Licitación" = 12

[models.R018]
procurement_methods = "open|selective|limited"

[models.R024]
threshold = 0.03

[models.R025]
percentile = 50
threshold = 0.2

[models.R035]
threshold = 2

[models.R038]
threshold = 0.3
minimum_submitted_bids = 5
minimum_organization_bids = 10

[models.R048]
digits = 1
threshold = 3
minimum_contracting_processes = 5

[models.R058]
threshold = 0.08
"#;
    let configured = agrees_with_cardinal("edge-cases.configured.cardinal.json", config);
    assert!(configured.iter().any(|k| k.0 == "R048") && configured.iter().any(|k| k.0 == "R025"));
}
