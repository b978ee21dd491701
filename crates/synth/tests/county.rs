//! The synthetic county: it imports cleanly, is reproducible, and its planted
//! cases are where the truth file says, while the background stays clean.

use std::collections::HashMap;
use std::path::Path;

const MODELS: [&str; 39] = [
    "M01", "M02", "M03", "M04", "M05", "M06", "M07", "M08", "M09", "P01", "P02", "P03", "P04", "P05", "P06", "P07",
    "P08", "P09", "P10", "P11", "P12", "P13", "F01", "F02", "F03", "F04", "F05", "F06", "F07", "F08", "F09", "W01",
    "W02", "W03", "W04", "W05", "W06", "W07", "W08",
];

fn generate(dir: &Path, seed: u64, dirty: bool) -> synth::Summary {
    synth::generate(&synth::Options { out: dir.to_owned(), scale: 0.02, seed, dirty }).unwrap()
}

/// Rows of a generated (clean, UTF-8) table as maps from Chinese header to value.
fn rows(dir: &Path, table: &str) -> Vec<HashMap<String, String>> {
    let mut reader = csv::Reader::from_path(dir.join(format!("{table}.csv"))).unwrap();
    let headers: Vec<String> =
        reader.headers().unwrap().iter().map(|h| h.trim_start_matches('\u{feff}').to_owned()).collect();
    reader.records().map(|r| headers.iter().cloned().zip(r.unwrap().iter().map(str::to_owned)).collect()).collect()
}

fn truth(dir: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("_truth.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[tokio::test]
async fn clean_and_dirty_counties_import_without_a_single_error() {
    for dirty in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        let files = dir.path().join("county");
        generate(&files, 7, dirty);
        let warehouse = warehouse::Warehouse::open(&dir.path().join("data")).await.unwrap();
        let (paths, skipped) = warehouse::collect_inputs(&[files], false).unwrap();
        assert_eq!(paths.len(), contract::TABLES.len(), "one file per table");
        assert!(skipped.is_empty(), "{skipped:?}");
        for path in paths {
            let result = warehouse.import(&path, &warehouse::ImportOptions::default(), None).await.unwrap();
            match result {
                warehouse::ImportResult::Accepted { errors, .. } => {
                    assert!(errors.is_empty(), "{}: {errors:?}", path.display())
                }
                other => panic!("{} (dirty: {dirty}): {other:?}", path.display()),
            }
        }
        let quality = warehouse.quality().await.unwrap();
        for t in &quality.tables {
            for d in &t.dangling {
                assert_eq!(d.rows, 0, "{}.{} dangling: {:?}", t.table, d.column, d.samples);
            }
            if let Some(keys) = &t.duplicate_keys {
                assert_eq!(keys.keys, 0, "{} duplicate keys {:?}", t.table, keys.samples);
            }
        }
    }
}

#[test]
fn one_seed_one_county() {
    let (a, b, c) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    generate(a.path(), 3, false);
    generate(b.path(), 3, false);
    generate(c.path(), 4, false);
    for entry in std::fs::read_dir(a.path()).unwrap() {
        let name = entry.unwrap().file_name();
        assert_eq!(
            std::fs::read(a.path().join(&name)).unwrap(),
            std::fs::read(b.path().join(&name)).unwrap(),
            "{name:?}"
        );
    }
    assert_ne!(
        std::fs::read(a.path().join("person.csv")).unwrap(),
        std::fs::read(c.path().join("person.csv")).unwrap()
    );
}

#[test]
fn truth_covers_every_model_with_a_subject() {
    let dir = tempfile::tempdir().unwrap();
    let summary = generate(dir.path(), 1, false);
    let cases = truth(dir.path());
    assert_eq!(cases.len(), summary.truth_cases);
    for model in MODELS {
        assert!(cases.iter().filter(|c| c["model"] == model).count() >= 2, "{model}");
    }
    for case in &cases {
        assert!(case["subject"]["id"].as_str().is_some_and(|s| !s.is_empty()), "{case}");
        assert!(case["subject"]["kind"].is_string() && case["keys"].is_object(), "{case}");
    }
}

#[test]
fn planted_cases_are_in_the_data_and_the_background_is_clean() {
    let dir = tempfile::tempdir().unwrap();
    generate(dir.path(), 5, false);
    let cases = truth(dir.path());
    let subjects = |model: &str| -> Vec<String> {
        cases.iter().filter(|c| c["model"] == model).map(|c| c["subject"]["id"].as_str().unwrap().to_owned()).collect()
    };

    // M01: paid for periods that begin after the death; nobody else is.
    let deaths: HashMap<String, chrono::NaiveDate> = rows(dir.path(), "death")
        .into_iter()
        .map(|r| (r["身份证号"].clone(), domain::parse_date(&r["死亡日期"]).unwrap()))
        .collect();
    let mut paid_after_death = std::collections::BTreeSet::new();
    for r in rows(dir.path(), "disbursement") {
        let period = domain::parse_period(&r["所属期"]).unwrap();
        if deaths.get(&r["领取人身份证号"]).is_some_and(|d| period.first_day() > *d) {
            paid_after_death.insert(r["领取人身份证号"].clone());
        }
    }
    assert_eq!(paid_after_death.into_iter().collect::<Vec<_>>(), {
        let mut s = subjects("M01");
        s.sort();
        s
    });

    // M07: the allowance for those over 80 goes to nobody younger, but the planted.
    let mut too_young = std::collections::BTreeSet::new();
    for r in rows(dir.path(), "disbursement").iter().filter(|r| r["项目代码"] == "GL80") {
        let id = domain::IdNumber::parse(&r["领取人身份证号"]).unwrap();
        let start = domain::parse_period(&r["所属期"]).unwrap().first_day();
        let mut age = chrono::Datelike::year(&start) - chrono::Datelike::year(&id.birth_date());
        if (chrono::Datelike::month(&start), chrono::Datelike::day(&start))
            < (chrono::Datelike::month(&id.birth_date()), chrono::Datelike::day(&id.birth_date()))
        {
            age -= 1;
        }
        if age < 80 {
            too_young.insert(id.to_string());
        }
    }
    assert_eq!(too_young.into_iter().collect::<Vec<_>>(), {
        let mut s = subjects("M07");
        s.sort();
        s
    });

    // W04: refuels above 105 % of the tank are exactly the planted ones.
    let tanks: HashMap<String, f64> = rows(dir.path(), "official_vehicle")
        .into_iter()
        .filter(|r| !r["油箱容积"].is_empty())
        .map(|r| (r["加油卡号"].clone(), r["油箱容积"].parse().unwrap()))
        .collect();
    let mut over: Vec<String> = rows(dir.path(), "fuel_record")
        .into_iter()
        .filter(|r| r["加油量"].parse::<f64>().unwrap() > tanks[&r["加油卡号"]] * 1.05)
        .map(|r| r["号牌"].clone())
        .collect();
    over.sort();
    assert_eq!(over, {
        let mut s = subjects("W04");
        s.sort();
        s
    });

    // P02: short bidding periods are exactly the planted ones.
    let mut short: Vec<String> = rows(dir.path(), "tender")
        .into_iter()
        .filter(|r| {
            let days = (domain::parse_date(&r["开标日期"]).unwrap() - domain::parse_date(&r["公告发布日期"]).unwrap())
                .num_days();
            let minimum = match r["交易方式"].as_str() {
                "公开招标" | "邀请招标" => 20,
                "竞争性磋商" => 10,
                _ => 3,
            };
            days < minimum
        })
        .map(|r| r["项目编号"].clone())
        .collect();
    short.sort();
    assert_eq!(short, {
        let mut s = subjects("P02");
        s.sort();
        s
    });

    // F02: cash payments of 50,000 yuan or more are exactly the planted ones.
    let mut cash: Vec<String> = rows(dir.path(), "payment")
        .into_iter()
        .filter(|r| r["结算方式"] == "现金" && domain::Money::parse(&r["金额"]).unwrap().fen() >= 5_000_000)
        .map(|r| r["单位代码"].clone())
        .collect();
    cash.sort();
    assert_eq!(cash, {
        let mut s = subjects("F02");
        s.sort();
        s
    });

    // W01: receptions on rest days are exactly the planted ones.
    let mut rest_day: Vec<String> = rows(dir.path(), "reimbursement")
        .into_iter()
        .filter(|r| r["类别"] == "公务接待")
        .filter(|r| {
            let d = domain::parse_date(&r["发生日期"]).unwrap();
            synth::is_holiday(d) || (synth::is_weekend(d) && !synth::is_swapped_workday(d))
        })
        .map(|r| r["报销单号"].clone())
        .collect();
    rest_day.sort();
    assert_eq!(rest_day, {
        let mut s = subjects("W01");
        s.sort();
        s
    });
}
