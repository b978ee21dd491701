//! Random inspections from the imported directories: avoidance found in the
//! data (kinship, enterprise roles, the last inspection, declared conflicts),
//! joint inspections, and results against the 20-working-day rule.

use std::path::Path;
use std::process::{Command, Output};

fn qingfeng(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_qingfeng"));
    c.arg("--data").arg(data).env("QINGFENG_USER", "tester");
    c
}

fn ok(out: Output) -> (String, String) {
    let (stdout, stderr) =
        (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned());
    assert!(out.status.success(), "{stdout}\n{stderr}");
    (stdout, stderr)
}

fn sha256_hex(s: &str) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(s.as_bytes()))
}

fn rows(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
}

#[test]
fn a_joint_draw_avoids_every_conflict_the_data_shows() {
    let dir = tempfile::tempdir().unwrap();
    let (files, data) = (dir.path().join("county"), dir.path().join("data"));
    ok(qingfeng(&data).args(["synth", "--scale", "0.05", "--seed", "5", "--out"]).arg(&files).output().unwrap());
    let inspectors = rows(&files.join("inspector.csv"));
    let targets = rows(&files.join("inspection_target.csv"));
    let enterprises = rows(&files.join("enterprise.csv"));
    let persons = rows(&files.join("person.csv"));
    let legal_rep = |code: &str| enterprises.iter().find(|e| e[0] == code).map(|e| e[4].clone()).unwrap();
    let (t1, t2, t3) = (&targets[0][0], &targets[1][0], &targets[2][0]);
    // Inspector 1's spouse represents target 1; inspector 2 holds shares in target 2;
    // inspector 3 declares a conflict with target 3.
    let extra = dir.path().join("extra");
    std::fs::create_dir_all(&extra).unwrap();
    std::fs::write(
        extra.join("kinship_extra.csv"),
        format!("本人身份证号,亲属身份证号,亲属姓名,关系\n{},{},某某,配偶\n", inspectors[0][0], legal_rep(t1)),
    )
    .unwrap();
    std::fs::write(
        extra.join("enterprise_role_extra.csv"),
        format!(
            "统一社会信用代码,姓名/名称,证件号/信用代码,角色,持股比例\n{t2},{},{},股东,10\n",
            inspectors[1][1], inspectors[1][0]
        ),
    )
    .unwrap();
    // The tax bureau's inspectors for the joint inspection: one without a certificate, one out of post.
    let mut tax = String::from("身份证号,姓名,所属部门,执法证号,在岗\n");
    for (i, p) in persons.iter().rev().take(5).enumerate() {
        let certificate = if i == 3 { String::new() } else { format!("TAX{i:04}") };
        tax.push_str(&format!("{},{},税务局,{certificate},{}\n", p[0], p[1], if i == 4 { "否" } else { "是" }));
    }
    std::fs::write(extra.join("inspector_tax.csv"), tax).unwrap();
    std::fs::write(
        extra.join("inspection_item_tax.csv"),
        "事项编码,事项名称,实施部门\nSW-001,发票使用情况检查,税务局\n",
    )
    .unwrap();
    let declared = dir.path().join("declared.csv");
    std::fs::write(&declared, format!("inspector,credit_code,reason\n{},{t3},曾在该企业任职\n", inspectors[2][3]))
        .unwrap();
    ok(qingfeng(&data).arg("import").arg(&files).arg(&extra).output().unwrap());

    let plan_args = |title: &str| -> Vec<String> {
        let mut args: Vec<String> = ["draw", "plan", "--item", "SJ-001", "--item", "SW-001", "--title", title]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for class in ["A", "B", "C", "D"] {
            args.extend(["--rate".into(), format!("{class}=1000")]);
        }
        args.extend(["--conflicts".into(), declared.to_str().unwrap().into()]);
        args.extend(["--commitment".into(), sha256_hex("a"), "--commitment".into(), sha256_hex("b")]);
        args
    };
    let (plan_text, reasons) = ok(qingfeng(&data).args(plan_args("第一次")).output().unwrap());
    let plan: serde_json::Value = serde_json::from_str(&plan_text).unwrap();
    let conflicts: Vec<(String, String)> = serde_json::from_value(plan["conflicts"].clone()).unwrap();
    for (inspector, target, why) in [
        (&inspectors[0][3], t1, "a relative"),
        (&inspectors[1][3], t2, "is its legal representative or key person"),
        (&inspectors[2][3], t3, "declared: 曾在该企业任职"),
    ] {
        assert!(conflicts.contains(&(inspector.clone(), target.clone())), "{inspector} ↔ {target}: {conflicts:?}");
        let line = reasons.lines().find(|l| l.contains(inspector.as_str()) && l.contains(target.as_str()));
        assert!(line.is_some_and(|l| l.contains(why)), "{why}: {reasons}");
    }
    assert!(!plan_text.contains(&inspectors[0][0]), "the plan names inspectors by certificate, not ID number");
    let teams = plan["teams"].as_array().unwrap();
    assert_eq!(teams.len(), 2, "a joint inspection: {teams:?}");
    assert_eq!(teams[1]["department"], "税务局");
    assert_eq!(teams[1]["inspectors"].as_array().unwrap().len(), 3, "certified and in post only");
    assert!(teams.iter().all(|t| t["per_target"] == 1));

    let plan_path = dir.path().join("plan1.json");
    std::fs::write(&plan_path, &plan_text).unwrap();
    ok(qingfeng(&data).arg("draw").arg("commit").arg(&plan_path).output().unwrap());
    let (result_text, _) = ok(qingfeng(&data)
        .arg("draw")
        .arg("run")
        .arg(&plan_path)
        .args(["--reveal", "a", "--reveal", "b"])
        .output()
        .unwrap());
    let result: serde_json::Value = serde_json::from_str(&result_text).unwrap();
    let selections = result["selections"].as_array().unwrap();
    assert_eq!(selections.len(), targets.len(), "every target at 100 %");
    for s in selections {
        let chosen: Vec<String> = serde_json::from_value(s["inspectors"].clone()).unwrap();
        assert_eq!(chosen.len(), 2);
        assert!(chosen[1].starts_with("TAX"), "one from each department: {chosen:?}");
        for c in &chosen {
            assert!(!conflicts.contains(&(c.clone(), s["target"].as_str().unwrap().to_owned())), "{c} avoided");
        }
    }

    // The next plan avoids the inspectors each target had this time.
    let (second, _) = ok(qingfeng(&data).args(plan_args("第二次")).output().unwrap());
    let second: serde_json::Value = serde_json::from_str(&second).unwrap();
    let again: Vec<(String, String)> = serde_json::from_value(second["conflicts"].clone()).unwrap();
    for s in selections {
        for c in s["inspectors"].as_array().unwrap() {
            let pair = (c.as_str().unwrap().to_owned(), s["target"].as_str().unwrap().to_owned());
            assert!(again.contains(&pair), "last inspector avoided: {pair:?}");
        }
    }

    // Results: a check on 2026-09-25 must be published by 2026-10-30 (National Day week off);
    // unpublished after that, it is overdue; published, it is in the ledger and the audit trail.
    let commitment = &result["plan_commitment"].as_str().unwrap()[..10];
    let target = selections[0]["target"].as_str().unwrap();
    let (entered, _) = ok(qingfeng(&data)
        .args(["draw", "result", commitment, target, "--checked", "2025-09-26", "--outcome", "no_problem"])
        .output()
        .unwrap());
    assert!(entered.contains("publish by 2025-10-30"), "{entered}");
    let (status, _) = ok(qingfeng(&data).args(["draw", "status", commitment]).output().unwrap());
    assert!(status.contains("overdue 1") && status.contains("OVERDUE"), "{status}");
    let not_drawn = qingfeng(&data)
        .args([
            "draw",
            "result",
            commitment,
            "91000000MA00000000",
            "--checked",
            "2026-11-02",
            "--outcome",
            "no_problem",
        ])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&not_drawn.stderr).contains("was not drawn"));
    let bad = qingfeng(&data)
        .args(["draw", "result", commitment, target, "--checked", "2026-11-02", "--outcome", "fine"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&bad.stderr).contains("the outcome is one of no_problem"));
    ok(qingfeng(&data).args(["draw", "publish", commitment]).output().unwrap());
    let (status, _) = ok(qingfeng(&data).args(["draw", "status", commitment]).output().unwrap());
    assert!(status.contains("late 1") && status.contains("published late"), "{status}");
    let locked = qingfeng(&data)
        .args(["draw", "result", commitment, target, "--checked", "2025-09-26", "--outcome", "pending"])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&locked.stderr).contains("is published and cannot be changed"));
    let (audit, _) = ok(qingfeng(&data).args(["ledger", "audit"]).output().unwrap());
    assert!(audit.contains("1 draws") && audit.contains("the ledger is intact"), "{audit}");
}
