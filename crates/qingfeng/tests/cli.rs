//! The `qingfeng` binary as a user runs it.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn qingfeng() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_qingfeng"));
    command.env_remove("QINGFENG_DATA").env("QINGFENG_USER", "tester");
    command
}

fn run(args: &[&str]) -> Output {
    qingfeng().args(args).output().unwrap()
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn sample_county() -> PathBuf {
    Path::new(&std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo test")).join("../../examples/county")
}

#[test]
fn sample_county_imports_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let county = sample_county();
    let output = run(&["--data", data, "import", county.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}{}", stdout(&output), String::from_utf8_lossy(&output.stderr));
    assert_eq!(stdout(&output).matches("accepted").count(), 22, "{}", stdout(&output));

    // `--data` after the subcommand, and from the environment, mean the same.
    let again = run(&["import", county.join("person.csv").to_str().unwrap(), "--data", data]);
    assert_eq!(again.status.code(), Some(0));
    assert!(stdout(&again).contains("identical to batch #1"), "{}", stdout(&again));

    let batches = qingfeng().env("QINGFENG_DATA", data).args(["batches", "--format", "json"]).output().unwrap();
    let batches: Value = serde_json::from_slice(&batches.stdout).unwrap();
    let batches = batches.as_array().unwrap();
    assert_eq!(batches.len(), 22);
    assert!(batches.iter().all(|b| b["status"] == "accepted" && b["imported_by"] == "tester"));
    let fund = batches.iter().find(|b| b["table"] == "fund_program").unwrap();
    assert_eq!(fund["encoding"], "gb18030");

    let quality = run(&["quality", "--format", "json", "--data", data]);
    let quality: Value = serde_json::from_slice(&quality.stdout).unwrap();
    let disbursement = quality["tables"].as_array().unwrap().iter().find(|t| t["table"] == "disbursement").unwrap();
    assert_eq!(disbursement["dangling"][0]["rows"], 1);
    let text = stdout(&run(&["quality", "--data", data]));
    assert!(
        text.contains("悬空引用 dangling program_code → fund_program.program_code: 1 行 rows, e.g. LB99"),
        "{text}"
    );

    // For model authors: each model's plan with every step's time and rows, on standard
    // error (P07 reads two CTEs written AS MATERIALIZED).
    let explained =
        qingfeng().env("QINGFENG_EXPLAIN", "1").args(["scan", "--models", "P07,M01", "--data", data]).output().unwrap();
    let errors = String::from_utf8_lossy(&explained.stderr);
    assert_eq!(explained.status.code(), Some(0), "{errors}");
    // P07's materialized CTEs have plans of their own.
    for model in ["=== P07 keyed AS MATERIALIZED", "=== P07 run AS MATERIALIZED", "=== P07\n", "=== M01\n"] {
        assert!(errors.contains(model), "{errors}");
    }
    assert!(errors.contains("Plan with Metrics") && errors.contains("elapsed_compute"), "{errors}");
    let plain = qingfeng().args(["scan", "--models", "P07", "--data", data]).output().unwrap();
    assert!(!String::from_utf8_lossy(&plain.stderr).contains("Plan with Metrics"));
}

#[test]
fn rejected_file_exits_3_and_names_the_row() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("upload.csv");
    std::fs::write(&file, "身份证号,姓名\n11010519491231002X,王秀英\n1234,张伟\n").unwrap();
    let output = run(&["--data", data.to_str().unwrap(), "import", "--table", "人员基础信息", file.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(3));
    let text = stdout(&output);
    assert!(text.contains("第3行 row 3  身份证号  “1234”  身份证号应为18位或15位，实为4位 / an ID number has 18 or 15 characters, found 4"), "{text}");
    assert!(text.contains("batch-1-upload.errors.csv"), "{text}");

    let json = run(&[
        "--data",
        data.to_str().unwrap(),
        "import",
        "--table",
        "person",
        "--format",
        "json",
        file.to_str().unwrap(),
    ]);
    let line: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(line["status"], "rejected");
    assert_eq!(line["errors"][0]["row"], 3);
}

#[test]
fn usage_errors_are_clear() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let output = run(&["--data", data.to_str().unwrap(), "import", "--table", "nosuch", "x.csv"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stderr).contains("there is no table 'nosuch'"));
    let output = run(&["import"]);
    assert_eq!(output.status.code(), Some(2));
    let help = stdout(&run(&["import", "--help"]));
    assert!(help.contains("3  import: at least one file was rejected"), "{help}");
}

/// A disbursement file of `rows` valid rows.
fn disbursement_csv(path: &Path, rows: usize) {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    writeln!(out, "记录号,项目代码,所属期,领取人身份证号,领取人姓名,发放金额,收款账号,发放日期").unwrap();
    let birth = chrono::NaiveDate::from_ymd_opt(1950, 1, 1).unwrap();
    for i in 0..rows {
        let id = domain::IdNumber::from_parts(
            "331023",
            birth + chrono::Duration::days((i / 1000) as i64),
            (i % 1000) as u16,
        )
        .unwrap();
        writeln!(out, "R{i:08},DB01,2026-03,{id},王秀英,685.50,62170000{i:08},2026-03-10").unwrap();
    }
}

fn accepted_batches_are_intact(data: &Path) -> Vec<Value> {
    let output = run(&["--data", data.to_str().unwrap(), "batches", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let batches: Value = serde_json::from_slice(&output.stdout).unwrap();
    let accepted: Vec<Value> =
        batches.as_array().unwrap().iter().filter(|b| b["status"] == "accepted").cloned().collect();
    for b in &accepted {
        let bytes = std::fs::read(data.join(b["data_path"].as_str().unwrap())).unwrap();
        use sha2::Digest;
        assert_eq!(
            hex::encode(sha2::Sha256::digest(&bytes)),
            b["data_sha256"].as_str().unwrap(),
            "batch {} damaged",
            b["id"]
        );
    }
    accepted
}

/// Killing an import at any moment leaves the whole batch or none of it.
#[test]
fn sigkill_during_import_leaves_all_or_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = dir.path().join("disbursement.csv");
    let rows = 200_000;
    disbursement_csv(&file, rows);
    let import = || {
        let mut c = qingfeng();
        c.args(["--data", data.to_str().unwrap(), "import", file.to_str().unwrap()]);
        c.stdout(std::process::Stdio::null()).stderr(std::process::Stdio::null());
        c
    };
    // How long one whole import takes here, so kills spread over all of it.
    let started = std::time::Instant::now();
    let status = import().status().unwrap();
    assert!(status.success());
    let full = started.elapsed();
    std::fs::remove_dir_all(&data).unwrap();

    let mut completed = 0;
    for attempt in 0..12u32 {
        // Spread kills over the whole import, from the start to past its end.
        let delay = full.mul_f64(f64::from(attempt) / 10.0);
        let mut child = import().spawn().unwrap();
        std::thread::sleep(delay);
        let _ = child.kill();
        let _ = child.wait();
        let accepted = accepted_batches_are_intact(&data);
        assert!(accepted.len() <= 1, "one file, at most one batch: {accepted:?}");
        if let Some(b) = accepted.first() {
            assert_eq!(b["rows_stored"], rows);
            completed += 1;
        }
    }
    // Whatever the kills left, finishing the import gives exactly one whole batch.
    assert!(import().status().unwrap().success());
    let accepted = accepted_batches_are_intact(&data);
    assert_eq!(accepted.len(), 1);
    assert_eq!(accepted[0]["rows_stored"], rows);
    let stray: Vec<_> = std::fs::read_dir(data.join("tmp")).unwrap().collect();
    assert!(stray.is_empty());
    let tables: Vec<_> = std::fs::read_dir(data.join("tables/disbursement")).unwrap().collect();
    assert_eq!(tables.len(), 1, "no orphaned batch files");
    // The ledger holds that one batch, under a signed checkpoint.
    let checkpoint = stdout(&run(&["--data", data.to_str().unwrap(), "ledger", "checkpoint"]));
    assert_eq!(checkpoint.lines().nth(1), Some("1"), "{checkpoint}");
    eprintln!("kills: {completed} of 12 landed after the batch was committed");
}

#[test]
fn ledger_proofs_verify_offline_and_tampering_fails() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    assert_eq!(run(&["--data", data, "import", sample_county().to_str().unwrap()]).status.code(), Some(0));
    let key = dir.path().join("key");
    std::fs::write(&key, run(&["--data", data, "ledger", "key"]).stdout).unwrap();
    let proof = dir.path().join("proof.json");
    std::fs::write(&proof, run(&["--data", data, "ledger", "proof", "3"]).stdout).unwrap();
    let ok = run(&["verify", proof.to_str().unwrap(), "--key", key.to_str().unwrap()]);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    // 22 batches, then the scan the import started and the audit trail's head.
    assert!(stdout(&ok).contains("entry 3 is included under the checkpoint of size 24"), "{}", stdout(&ok));

    let scan: serde_json::Value =
        serde_json::from_slice(&run(&["--data", data, "ledger", "proof", "22"]).stdout).unwrap();
    assert_eq!(scan["kind"], "scan");
    let record: serde_json::Value = serde_json::from_str(scan["record"].as_str().unwrap()).unwrap();
    assert_eq!(record["config_sha256"].as_str().unwrap().len(), 64, "{record}");
    assert_eq!(record["result_sha256"].as_str().unwrap().len(), 64, "{record}");
    assert!(record["warnings"].as_u64().unwrap() > 0, "{record}");
    let text = std::fs::read_to_string(&proof).unwrap().replace("\\\"batch\\\":4", "\\\"batch\\\":5");
    std::fs::write(&proof, text).unwrap();
    let bad = run(&["verify", proof.to_str().unwrap(), "--key", key.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(4), "{}", stdout(&bad));
    assert!(stdout(&bad).contains("the record, its salt or the inclusion proof does not match"));

    let consistency = dir.path().join("consistency.json");
    std::fs::write(&consistency, run(&["--data", data, "ledger", "consistency", "10"]).stdout).unwrap();
    let ok = run(&["verify", consistency.to_str().unwrap(), "--key", key.to_str().unwrap()]);
    assert!(stdout(&ok).contains("checkpoints 10 and 24 are consistent"), "{}", stdout(&ok));
}

/// The same commands with the state store in PostgreSQL (`--database-url`).
#[test]
#[ignore = "needs PostgreSQL: scripts/test starts a throwaway cluster"]
fn import_and_batches_on_postgres() {
    let server = std::env::var("QINGFENG_TEST_POSTGRES").expect("QINGFENG_TEST_POSTGRES (scripts/test sets it)");
    let name = format!("qingfeng_cli_{}", std::process::id());
    let runtime = tokio::runtime::Runtime::new().unwrap();
    runtime.block_on(store::PgStore::create_database(&server, &name)).unwrap();
    let url = format!("{}/{name}", server.rsplit_once('/').unwrap().0);
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let output = run(&["--data", data, "--database-url", &url, "import", sample_county().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(!dir.path().join("data/state.db").exists(), "the state is in PostgreSQL, not SQLite");
    let batches = qingfeng()
        .env("QINGFENG_DATABASE_URL", &url)
        .args(["--data", data, "batches", "--format", "json"])
        .output()
        .unwrap();
    let batches: Value = serde_json::from_slice(&batches.stdout).unwrap();
    assert_eq!(batches.as_array().unwrap().len(), 22);
}

/// A random inspection draw: run from a plan and revealed secrets, reproduced by
/// anyone, and any change to plan or result detected.
#[test]
fn draws_reproduce_and_tampering_is_named() {
    use sha2::Digest;
    let dir = tempfile::tempdir().unwrap();
    let commit = |s: &str| hex::encode(sha2::Sha256::digest(s.as_bytes()));
    let targets: Vec<Value> = (0..30)
        .map(|i| {
            let stratum = ["A", "B", "C"][i % 3];
            serde_json::json!({"code": format!("91331099MA{i:08}"), "stratum": stratum})
        })
        .collect();
    let plan = serde_json::json!({
        "strata": [["A", 100], ["B", 300], ["C", 1000]],
        "targets": targets,
        "inspectors": ["P1", "P2", "P3", "P4", "P5"],
        "per_target": 2,
        "conflicts": [["P1", "91331099MA00000002"]],
        "secret_commitments": [commit("alice-secret"), commit("bob-secret")],
    });
    let plan_path = dir.path().join("plan.json");
    std::fs::write(&plan_path, serde_json::to_string_pretty(&plan).unwrap()).unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let draw_run = |reveals: [&str; 2]| {
        run(&[
            "--data",
            data,
            "draw",
            "run",
            plan_path.to_str().unwrap(),
            "--reveal",
            reveals[0],
            "--reveal",
            reveals[1],
        ])
    };
    // The plan must be in the ledger before the draw.
    let early = draw_run(["alice-secret", "bob-secret"]);
    assert_eq!(early.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&early.stderr).contains("the plan is not in the ledger yet"));
    assert_eq!(run(&["--data", data, "draw", "commit", plan_path.to_str().unwrap()]).status.code(), Some(0));
    let result = draw_run(["alice-secret", "bob-secret"]);
    assert_eq!(result.status.code(), Some(0), "{}", String::from_utf8_lossy(&result.stderr));
    let result_path = dir.path().join("result.json");
    std::fs::write(&result_path, &result.stdout).unwrap();
    let parsed: Value = serde_json::from_slice(&result.stdout).unwrap();
    assert_eq!(parsed["selections"].as_array().unwrap().len(), 1 + 3 + 10);

    let ok = run(&["draw", "verify", plan_path.to_str().unwrap(), result_path.to_str().unwrap()]);
    assert_eq!(ok.status.code(), Some(0), "{}", stdout(&ok));
    assert!(stdout(&ok).contains("the draw reproduces: 14 targets"));

    // The same plan pretty-printed differently commits to the same thing.
    std::fs::write(&plan_path, serde_json::to_string(&plan).unwrap()).unwrap();
    assert_eq!(
        run(&["draw", "verify", plan_path.to_str().unwrap(), result_path.to_str().unwrap()]).status.code(),
        Some(0)
    );

    let mut altered = plan.clone();
    altered["strata"][1][1] = serde_json::json!(400);
    std::fs::write(&plan_path, altered.to_string()).unwrap();
    let bad = run(&["draw", "verify", plan_path.to_str().unwrap(), result_path.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(4));
    assert!(stdout(&bad).contains("the plan was altered"), "{}", stdout(&bad));

    std::fs::write(&plan_path, plan.to_string()).unwrap();
    let mut forged = parsed.clone();
    forged["selections"][0]["inspectors"][0] = serde_json::json!("P9");
    std::fs::write(&result_path, forged.to_string()).unwrap();
    let bad = run(&["draw", "verify", plan_path.to_str().unwrap(), result_path.to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(4));
    assert!(stdout(&bad).contains("selection 1 differs"), "{}", stdout(&bad));

    // Plan and result are both in the ledger.
    let checkpoint = stdout(&run(&["--data", data, "ledger", "checkpoint"]));
    assert_eq!(checkpoint.lines().nth(1), Some("2"), "{checkpoint}");
    let wrong = draw_run(["alice-secret", "guess"]);
    assert_eq!(wrong.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wrong.stderr).contains("reveal 2 does not match its commitment"));
}
