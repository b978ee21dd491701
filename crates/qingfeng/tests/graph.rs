//! Entity resolution and the relationship graph on a demo county with planted
//! dirt: a shareholder recorded with a mistyped ID number, a bid agent recorded
//! by name and phone only. The graph still finds the official's way to the
//! enterprise his brother owns, which won a tender of his own unit, and model
//! P08 (conflict of interest) warns of it through the resolved shareholder; a
//! reviewer's "different" cuts the link, and the next scan drops the warning.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn qingfeng(data: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_qingfeng"));
    c.arg("--data").arg(data).env("QINGFENG_USER", "reviewer");
    c
}

fn ok(out: Output) -> String {
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{stdout}\n{stderr}");
    stdout
}

fn json(out: Output) -> Value {
    serde_json::from_str(&ok(out)).unwrap()
}

fn rows(path: &Path) -> Vec<Vec<String>> {
    let mut reader = csv::Reader::from_path(path).unwrap();
    reader.records().map(|r| r.unwrap().iter().map(str::to_owned).collect()).collect()
}

#[test]
fn links_through_mistyped_and_missing_ids_are_found_and_reviewed() {
    let dir = tempfile::tempdir().unwrap();
    let (files, extra, data) = (dir.path().join("county"), dir.path().join("extra"), dir.path().join("data"));
    ok(qingfeng(&data).args(["synth", "--scale", "0.05", "--seed", "7", "--out"]).arg(&files).output().unwrap());
    let official = rows(&files.join("official.csv")).remove(0);
    let brother = rows(&files.join("person.csv")).into_iter().filter(|p| p[0] != official[0]).nth(100).unwrap();
    let enterprise = rows(&files.join("enterprise.csv")).remove(5);
    let (official_id, unit) = (&official[0], &official[2]);
    let (brother_id, brother_name, brother_phone) = (&brother[0], &brother[1], &brother[7]);
    // The check digit mistyped: imported (flagged), and not a valid key.
    let mistyped = format!("{}{}", &brother_id[..17], if brother_id.ends_with('0') { '1' } else { '0' });
    // The firm's credit code mistyped in the award (its check character) and in
    // the bid (two neighbours swapped): both fail the check, and resolve to the
    // one registered code a character away.
    let code = &enterprise[0];
    let award_code = format!("{}{}", &code[..17], if code.ends_with('0') { '1' } else { '0' });
    let bytes = code.as_bytes();
    let swap = (0..17).find(|&i| bytes[i] != bytes[i + 1]).unwrap();
    let mut swapped = bytes.to_vec();
    swapped.swap(swap, swap + 1);
    let bid_code = String::from_utf8(swapped).unwrap();
    for typo in [&award_code, &bid_code] {
        assert!(domain::CreditCode::parse(typo).is_err(), "{typo} fails its check");
    }
    std::fs::create_dir_all(&extra).unwrap();
    let write = |name: &str, text: String| std::fs::write(extra.join(name), text).unwrap();
    write(
        "kinship_g.csv",
        format!("本人身份证号,亲属身份证号,亲属姓名,关系\n{official_id},{brother_id},{brother_name},兄弟姐妹\n"),
    );
    write(
        "enterprise_role_g.csv",
        format!(
            "统一社会信用代码,姓名/名称,证件号/信用代码,角色,持股比例\n{},{brother_name},{mistyped},股东,30\n",
            enterprise[0]
        ),
    );
    write(
        "tender_g.csv",
        format!(
            "项目编号,项目名称,交易类别,交易方式,招标人(采购人)代码,招标人名称\nTG-1,办公楼维修,工程建设,公开招标,{unit},{}\n",
            official[3]
        ),
    );
    write(
        "award_g.csv",
        // Under a name the register does not know: only the code can say which firm.
        format!("项目编号,中标人代码,中标人名称,中标金额\nTG-1,{award_code},{}工程部,100000\n", enterprise[1]),
    );
    // The official's unit pays the brother's firm, named without its credit code.
    write(
        "payment_g.csv",
        format!(
            "payment_id,org_code,pay_date,amount,payee_name,purpose\nPG-1,{unit},2025-06-30,48000,{},维修费\n",
            enterprise[1]
        ),
    );
    write(
        "bid_g.csv",
        format!(
            "项目编号,投标人代码,投标人名称,投标报价,委托代理人,联系电话,状态\nTG-1,{bid_code},{},100000,{brother_name},{brother_phone},有效\n",
            enterprise[1]
        ),
    );
    // The brother claims an expense under his mistyped ID.
    write(
        "reimbursement_g.csv",
        format!(
            "报销单号,单位代码,报销人身份证号,报销人,类别,发生日期,金额\nRG-1,{unit},{mistyped},{brother_name},差旅,2025-06-30,800\n"
        ),
    );
    ok(qingfeng(&data).args(["import", "--no-scan"]).arg(&files).arg(&extra).output().unwrap());

    // Both dirty mentions are joined to the brother, each with its score and evidence.
    let resolution = json(qingfeng(&data).args(["graph", "resolution", "--format", "json"]).output().unwrap());
    let linked = resolution["linked"].as_array().unwrap();
    let holder = linked.iter().find(|l| l["mention"]["table"] == "enterprise_role").expect("the shareholder linked");
    assert_eq!(holder["entity"], brother_id.as_str());
    assert!(holder["probability"].as_f64().unwrap() >= 0.95);
    let level = |l: &Value, field: &str| {
        l["evidence"].as_array().unwrap().iter().find(|e| e["field"] == field).unwrap()["level"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    assert_eq!(level(holder, "id_number"), "typo (one edit, check failing)");
    assert_eq!(level(holder, "name"), "exact");
    let claimant = linked.iter().find(|l| l["mention"]["table"] == "reimbursement").expect("the claimant linked");
    assert_eq!(claimant["entity"], brother_id.as_str());
    assert_eq!(level(claimant, "id_number"), "typo (one edit, check failing)");
    let agent = linked.iter().find(|l| l["mention"]["table"] == "bid").expect("the agent linked");
    assert_eq!(agent["entity"], brother_id.as_str());
    assert_eq!(level(agent, "phone"), "exact");
    assert_eq!(level(agent, "id_number"), "missing");

    // The official's way to his own unit through his brother's enterprise.
    let path_args =
        ["graph", "path", official_id.as_str(), unit.as_str(), "--kind", "kin,role,award", "--format", "json"];
    let path = json(qingfeng(&data).args(path_args).output().unwrap());
    let ids: Vec<&str> = path["nodes"].as_array().unwrap().iter().map(|n| n["id"].as_str().unwrap()).collect();
    assert_eq!(ids, [official_id.as_str(), brother_id.as_str(), enterprise[0].as_str(), unit.as_str()]);
    let edges = path["edges"].as_array().unwrap();
    assert_eq!(edges.iter().map(|e| e["kind"].as_str().unwrap()).collect::<Vec<_>>(), ["kin", "role", "award"]);
    for e in edges {
        let evidence = e["evidence"].as_array().unwrap();
        assert!(!evidence.is_empty() && evidence.iter().all(|v| v["row"].as_i64().unwrap() >= 2), "{e}");
    }
    // Neighbours in text, and the exit code of an unknown ID.
    let text = ok(qingfeng(&data).args(["graph", "neighbours", brother_id.as_str(), "--hops", "1"]).output().unwrap());
    assert!(text.contains("agent:TG-1") && text.contains("role:shareholder"), "{text}");
    let unknown = qingfeng(&data).args(["graph", "neighbours", "110101199001011237"]).output().unwrap();
    assert_eq!(unknown.status.code(), Some(5));

    // The payment's payee is the firm, found by its name.
    let path = json(
        qingfeng(&data)
            .args(["graph", "neighbours", enterprise[0].as_str(), "--kind", "payment", "--format", "json"])
            .output()
            .unwrap(),
    );
    assert!(path["nodes"].as_array().unwrap().iter().any(|n| n["id"] == unit.as_str()), "{path}");

    // The models read the resolved persons and firms: P08 warns of the brother's firm
    // winning TG-1, F04 of the unit paying it.
    let scan = |data: &Path| {
        ok(qingfeng(data).args(["scan", "--models", "P08,F04"]).output().unwrap());
    };
    let open_warnings = |data: &Path, model: &str| -> Vec<Value> {
        let warnings = json(qingfeng(data).args(["warnings", "--model", model, "--format", "json"]).output().unwrap());
        warnings
            .as_array()
            .unwrap()
            .iter()
            .filter(|w| {
                w["subject"]["id"] == "TG-1" || w["reason_zh"].as_str().unwrap_or("").contains(enterprise[1].as_str())
            })
            .cloned()
            .collect()
    };
    scan(&data);
    let found = open_warnings(&data, "P08");
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(found[0]["reason_zh"].as_str().unwrap().contains(brother_name.as_str()), "{}", found[0]);
    let paid = open_warnings(&data, "F04");
    assert_eq!(paid.len(), 1, "{paid:?}");

    // A reviewer decides the shareholder is someone else: the next run respects it.
    let reference = format!(
        "enterprise_role/{}/{}/holder",
        holder["mention"]["batch"].as_i64().unwrap(),
        holder["mention"]["row"].as_i64().unwrap()
    );
    ok(qingfeng(&data)
        .args(["graph", "decide", reference.as_str(), brother_id.as_str(), "different"])
        .output()
        .unwrap());
    let again =
        qingfeng(&data).args(["graph", "decide", reference.as_str(), brother_id.as_str(), "same"]).output().unwrap();
    assert!(!again.status.success(), "a decision is not overridden without naming it");
    let resolution = json(qingfeng(&data).args(["graph", "resolution", "--format", "json"]).output().unwrap());
    let linked = resolution["linked"].as_array().unwrap();
    assert!(!linked.iter().any(|l| l["mention"]["table"] == "enterprise_role"));
    // Nor through the claimant, who carries the same mistyped ID: the decision holds through others.
    assert!(!linked.iter().any(|l| l["mention"]["table"] == "reimbursement"), "{linked:?}");
    let cut = qingfeng(&data).args(path_args).output().unwrap();
    assert_eq!(
        cut.status.code(),
        Some(5),
        "no path once the shareholder is someone else: {}",
        String::from_utf8_lossy(&cut.stdout)
    );
    scan(&data);
    assert!(open_warnings(&data, "P08").is_empty(), "and no conflict-of-interest warning");
    assert!(open_warnings(&data, "F04").is_empty(), "nor one of the payment");
}
