//! `qingfeng draw`: reading plan and result files, and the ledger around
//! `draw::wire` (a plan must be in the ledger before its draw).

use anyhow::{Context, bail};
use draw::wire::{self, ResultFile};
use std::path::Path;

fn read(path: &Path) -> anyhow::Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// The ledger record that commits to a plan before its draw.
pub fn plan_record(plan_path: &Path) -> anyhow::Result<(String, String)> {
    let text = read(plan_path)?;
    plan_record_of(&text).with_context(|| format!("{} is not a draw plan", plan_path.display()))
}

fn plan_record_of(text: &str) -> anyhow::Result<(String, String)> {
    let plan = wire::parse_plan(text)?;
    plan.teams()?;
    let commitment = hex::encode(wire::commitment(text)?);
    let record = serde_json::json!({
        "type": "draw_plan",
        "plan_commitment": commitment,
        "secret_commitments": plan.secret_commitments,
        "plan": serde_json::from_str::<serde_json::Value>(text)?,
    });
    Ok((commitment, record.to_string()))
}

/// Draws per a plan whose commitment the ledger already holds; returns the
/// result and its ledger record.
pub fn run(
    plan_path: &Path,
    reveals: &[String],
    beacon: Option<&str>,
    committed: &[String],
) -> anyhow::Result<(String, String)> {
    let text = read(plan_path)?;
    let result = wire::draw(&text, reveals, beacon)?;
    let in_ledger = committed
        .iter()
        .filter_map(|r| serde_json::from_str::<serde_json::Value>(r).ok())
        .any(|r| r["plan_commitment"] == result.plan_commitment.as_str());
    if !in_ledger {
        bail!(
            "计划尚未登记到公开账本，请先运行 qingfeng draw commit / the plan is not in the ledger yet: run `qingfeng draw commit` before the draw"
        );
    }
    let record = serde_json::json!({"type": "draw_result", "result": &result}).to_string();
    Ok((serde_json::to_string_pretty(&result)?, record))
}

/// Reproduces a published draw from its plan and result; `Err` names what differs.
pub fn verify(plan_path: &Path, result_path: &Path) -> anyhow::Result<Result<String, String>> {
    let text = read(plan_path)?;
    let published: ResultFile = serde_json::from_str(&read(result_path)?)
        .with_context(|| format!("{} is not a draw result", result_path.display()))?;
    Ok(wire::reproduce(&text, &published)
        .map(|n| format!("✔ 抽取结果可复现：{n}个对象 / the draw reproduces: {n} targets")))
}

/// What a plan is drawn from: the imported directories, as plain rows.
#[derive(Default)]
pub struct Directories {
    /// `(credit code, name, risk class, region, industry)`
    pub targets: Vec<(String, String, String, String, String)>,
    /// `(id number, name, department, certificate, active)`
    pub inspectors: Vec<(String, String, String, String, bool)>,
    /// `(credit code, person id)`: legal representatives and current shareholders,
    /// directors, supervisors, managers, finance heads and controllers.
    pub key_persons: Vec<(String, String)>,
    /// `(id number, relative's id number)`, either direction.
    pub kinship: Vec<(String, String)>,
    /// `(item code, department)`
    pub items: Vec<(String, String)>,
    /// Published draws before this one: `(target, inspectors)`, oldest first.
    pub previous: Vec<(String, Vec<String>)>,
    /// Declared conflicts: `(inspector id number or certificate, credit code, reason)`.
    pub declared: Vec<(String, String, String)>,
}

pub struct PlanRequest {
    pub title: Option<String>,
    pub items: Vec<String>,
    /// `(department, inspectors per target)`; empty: the items' departments.
    pub departments: Vec<(String, Option<usize>)>,
    pub rates: Vec<(String, u32)>,
    pub region: Option<String>,
    pub secret_commitments: Vec<String>,
    /// A public randomness beacon whose value, published after the commitment, joins the seed.
    pub beacon: Option<String>,
}

/// Why an inspector may not go to a target, for the plan's makers (not published:
/// the plan carries only the pair).
pub struct Avoidance {
    pub inspector: String,
    pub target: String,
    pub reason: String,
}

/// A plan from the directories: targets by risk class, each department's
/// certified inspectors in post, and every conflict the data shows.
pub fn build_plan(dirs: &Directories, request: &PlanRequest) -> anyhow::Result<(wire::PlanFile, Vec<Avoidance>)> {
    use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
    if request.secret_commitments.len() < 2 {
        bail!(
            "至少需要两名官员的承诺（--commitment 两次以上） / give the commitments of at least two officials (--commitment, twice or more)"
        );
    }
    for c in &request.secret_commitments {
        if c.len() != 64 || hex::decode(c).is_err() {
            bail!("承诺应为64位十六进制SHA-256值 / a commitment is a SHA-256 in 64 hex digits, not '{c}'");
        }
    }
    let mut departments = request.departments.clone();
    for item in &request.items {
        let Some((_, department)) = dirs.items.iter().find(|(code, _)| code == item) else {
            bail!(
                "抽查事项{item}不在已导入的事项清单中 / inspection item {item} is not in the imported inspection_item table"
            );
        };
        if !departments.iter().any(|(d, _)| d == department) {
            departments.push((department.clone(), None));
        }
    }
    if departments.is_empty() {
        bail!("请用 --item 或 --department 指明实施部门 / name the departments with --item or --department");
    }
    let default_per_team = if departments.len() == 1 { 2 } else { 1 };
    let mut teams = Vec::new();
    for (department, per_target) in &departments {
        let inspectors: Vec<String> = dirs
            .inspectors
            .iter()
            .filter(|(_, _, d, certificate, active)| d == department && *active && !certificate.is_empty())
            .map(|(_, _, _, certificate, _)| certificate.clone())
            .collect();
        if inspectors.is_empty() {
            bail!("{department}没有持执法证的在岗检查人员 / {department} has no certified inspector in post");
        }
        teams.push(wire::TeamFile {
            department: department.clone(),
            inspectors,
            per_target: per_target.unwrap_or(default_per_team),
        });
    }
    let strata: BTreeSet<&str> = request.rates.iter().map(|(s, _)| s.as_str()).collect();
    let targets: Vec<wire::TargetFile> = dirs
        .targets
        .iter()
        .filter(|(_, _, _, region, _)| request.region.as_ref().is_none_or(|r| region.starts_with(r.as_str())))
        .map(|(code, name, class, _, _)| wire::TargetFile {
            code: code.clone(),
            name: Some(name.clone()),
            stratum: if class.is_empty() { "未分类".to_owned() } else { class.clone() },
            last_inspector: None,
        })
        .collect();
    let mut rates = request.rates.clone();
    for t in &targets {
        if !strata.contains(t.stratum.as_str()) {
            bail!(
                "对象{}的信用风险分类为{}，未给出抽查比例（--rate {}=‰） / target {} is in risk class {}, which has no rate (--rate {}=PER_MILLE)",
                t.code,
                t.stratum,
                t.stratum,
                t.code,
                t.stratum,
                t.stratum
            );
        }
    }
    rates.sort_by(|a, b| a.0.cmp(&b.0));

    // Who each inspector is (certificate → id number), and their kin.
    let drawn: HashSet<&str> = teams.iter().flat_map(|t| t.inspectors.iter().map(String::as_str)).collect();
    let by_certificate: HashMap<&str, (&str, &str)> = dirs
        .inspectors
        .iter()
        .filter(|(_, _, _, c, _)| drawn.contains(c.as_str()))
        .map(|(id, name, _, c, _)| (c.as_str(), (id.as_str(), name.as_str())))
        .collect();
    let mut kin: HashMap<&str, Vec<&str>> = HashMap::new();
    for (a, b) in &dirs.kinship {
        kin.entry(a.as_str()).or_default().push(b.as_str());
        kin.entry(b.as_str()).or_default().push(a.as_str());
    }
    let mut key_persons: HashMap<&str, Vec<&str>> = HashMap::new();
    for (code, person) in &dirs.key_persons {
        key_persons.entry(person.as_str()).or_default().push(code.as_str());
    }
    let in_plan: HashSet<&str> = targets.iter().map(|t| t.code.as_str()).collect();
    let mut pairs: BTreeMap<(String, String), String> = BTreeMap::new();
    for (certificate, (id, name)) in &by_certificate {
        let own =
            key_persons.get(id).into_iter().flatten().map(|code| {
                (code, "本人为其法定代表人或主要人员 / is its legal representative or key person".to_owned())
            });
        let through_kin = kin.get(id).into_iter().flatten().flat_map(|relative| {
            key_persons.get(relative).into_iter().flatten().map(move |code| {
                (
                    code,
                    format!(
                        "亲属{}为其法定代表人或主要人员 / a relative ({}) is its legal representative or key person",
                        domain::mask::id_number(relative),
                        domain::mask::id_number(relative)
                    ),
                )
            })
        });
        for (code, reason) in own.chain(through_kin) {
            if in_plan.contains(code) {
                pairs.entry((certificate.to_string(), code.to_string())).or_insert(format!("{name}: {reason}"));
            }
        }
    }
    // The same inspectors as the target's last published inspection.
    let mut last: HashMap<&str, &[String]> = HashMap::new();
    for (target, inspectors) in &dirs.previous {
        last.insert(target.as_str(), inspectors);
    }
    for (target, inspectors) in last {
        if in_plan.contains(target) {
            for p in inspectors.iter().filter(|p| drawn.contains(p.as_str())) {
                pairs.entry((p.clone(), target.to_owned())).or_insert("上次检查该对象 / inspected it last time".into());
            }
        }
    }
    for (who, code, reason) in &dirs.declared {
        let certificate = if drawn.contains(who.as_str()) {
            Some(who.clone())
        } else {
            by_certificate.iter().find(|(_, (id, _))| id == who).map(|(c, _)| c.to_string())
        };
        match certificate {
            Some(c) if in_plan.contains(code.as_str()) => {
                pairs.entry((c, code.clone())).or_insert(format!("申报回避 / declared: {reason}"));
            }
            _ => {}
        }
    }
    let avoidances = pairs
        .iter()
        .map(|((inspector, target), reason)| Avoidance {
            inspector: inspector.clone(),
            target: target.clone(),
            reason: reason.clone(),
        })
        .collect();
    let plan = wire::PlanFile {
        title: request.title.clone(),
        items: request.items.clone(),
        strata: rates,
        targets,
        inspectors: None,
        per_target: None,
        teams: Some(teams),
        conflicts: pairs.into_keys().collect(),
        secret_commitments: request.secret_commitments.iter().map(|c| c.to_lowercase()).collect(),
        beacon: request.beacon.clone(),
    };
    Ok((plan, avoidances))
}

/// Reads the directories from the data directory (and declared conflicts from a CSV file
/// with columns `inspector`, `credit_code`, `reason`).
pub async fn load_directories(
    warehouse: &warehouse::Warehouse,
    declared: Option<&Path>,
) -> anyhow::Result<Directories> {
    let today = warehouse::china_now().date_naive().to_string();
    let mut dirs = Directories::default();
    for r in warehouse.records_all("inspection_target", "credit_code").await? {
        dirs.targets.push((
            r.source.key.clone(),
            r.value("name").to_owned(),
            r.value("risk_class").to_owned(),
            r.value("region_code").to_owned(),
            r.value("industry").to_owned(),
        ));
    }
    for r in warehouse.records_all("inspector", "id_number").await? {
        let active = r.value("active") != "否";
        dirs.inspectors.push((
            r.source.key.clone(),
            r.value("name").to_owned(),
            r.value("department").to_owned(),
            r.value("certificate").to_owned(),
            active,
        ));
    }
    for r in warehouse.records_all("inspection_item", "item_code").await? {
        dirs.items.push((r.source.key.clone(), r.value("department").to_owned()));
    }
    for r in warehouse.records_all("enterprise", "credit_code").await? {
        let rep = r.value("legal_rep_id");
        if !rep.is_empty() {
            dirs.key_persons.push((r.source.key.clone(), rep.to_owned()));
        }
    }
    for r in warehouse.records_all("enterprise_role", "credit_code").await? {
        let holder = r.value("holder_id");
        let end = r.value("end_date");
        if !holder.is_empty() && (end.is_empty() || end >= today.as_str()) {
            dirs.key_persons.push((r.source.key.clone(), holder.to_owned()));
        }
    }
    // A directory imported again replaces the entries it repeats.
    fn latest<T>(rows: &mut Vec<T>, key: impl Fn(&T) -> String) {
        let mut seen = std::collections::HashSet::new();
        rows.reverse();
        rows.retain(|r| seen.insert(key(r)));
        rows.reverse();
    }
    latest(&mut dirs.targets, |t| t.0.clone());
    latest(&mut dirs.inspectors, |i| i.0.clone());
    latest(&mut dirs.items, |i| i.0.clone());
    for r in warehouse.records_all("kinship", "id_number").await? {
        dirs.kinship.push((r.source.key.clone(), r.value("relative_id_number").to_owned()));
    }
    for record in warehouse.store().ledger_records("draw_result").await? {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&record) else { continue };
        let Ok(result) = serde_json::from_value::<ResultFile>(v["result"].clone()) else { continue };
        for s in result.selections {
            dirs.previous.push((s.target, s.inspectors));
        }
    }
    if let Some(path) = declared {
        let mut reader = csv::ReaderBuilder::new()
            .flexible(true)
            .from_path(path)
            .with_context(|| format!("cannot read {}", path.display()))?;
        let headers = reader.headers()?.clone();
        let column = |name: &str, label: &str| {
            headers.iter().position(|h| h.trim_start_matches('\u{feff}') == name || h == label)
        };
        let (Some(who), Some(code)) = (column("inspector", "检查人员"), column("credit_code", "统一社会信用代码"))
        else {
            bail!(
                "{}: 需要列 inspector 与 credit_code / the columns inspector and credit_code are required",
                path.display()
            );
        };
        let reason = column("reason", "回避事由");
        for (i, row) in reader.records().enumerate() {
            let row = row.with_context(|| format!("{}: row {}", path.display(), i + 2))?;
            dirs.declared.push((
                row.get(who).unwrap_or("").trim().to_owned(),
                row.get(code).unwrap_or("").trim().to_owned(),
                reason.and_then(|c| row.get(c)).unwrap_or("").trim().to_owned(),
            ));
        }
    }
    Ok(dirs)
}

pub async fn find_draw(warehouse: &warehouse::Warehouse, prefix: &str) -> anyhow::Result<warehouse::inspections::Draw> {
    warehouse.draw(prefix).await?.with_context(|| {
        format!("账本中没有承诺以{prefix}开头的抽查（至少8位） / no draw in the ledger whose commitment starts with {prefix} (give 8+ hex digits)")
    })
}

pub async fn enter_result(
    warehouse: &warehouse::Warehouse,
    draw: &str,
    target: &str,
    checked: &str,
    outcome: &str,
    findings: &str,
) -> anyhow::Result<()> {
    let found = find_draw(warehouse, draw).await?;
    let actor = std::env::var("QINGFENG_USER").or_else(|_| std::env::var("USER")).unwrap_or_else(|_| "cli".into());
    let due =
        warehouse.enter_result(&found, target, checked, outcome, findings, &store::Actor::new(&actor, "cli")).await?;
    println!("已录入 entered: {target}; 须于{due}前公示 / publish by {due} (qingfeng draw publish)");
    Ok(())
}

pub async fn status(warehouse: &warehouse::Warehouse, draw: Option<&str>) -> anyhow::Result<()> {
    use warehouse::inspections::{Timeliness, result_timeliness};
    let today = warehouse::china_now().date_naive();
    let calendar = warehouse.calendar_overrides().await?;
    let draws = match draw {
        Some(prefix) => vec![find_draw(warehouse, prefix).await?],
        None => warehouse.draws().await?,
    };
    for d in draws {
        let results = warehouse.store().inspection_results(Some(&d.commitment)).await?;
        let drawn = d.result.as_ref().map_or(0, |(_, r)| r.selections.len());
        let mut overdue = 0;
        let mut late = 0;
        let mut lines = Vec::new();
        for r in &results {
            let Some((due, standing)) = result_timeliness(r, today, &calendar) else { continue };
            let label = match standing {
                Timeliness::OnTime => "按时公示 on time",
                Timeliness::Late => {
                    late += 1;
                    "逾期公示 published late"
                }
                Timeliness::Due => "待公示 to publish",
                Timeliness::Overdue => {
                    overdue += 1;
                    "逾期未公示 OVERDUE"
                }
            };
            lines.push(format!("  {}  {}  checked {}  due {due}  {label}", r.target, r.outcome, r.checked_on));
        }
        println!(
            "{}  {}  drawn {}  results {}  overdue {overdue}  late {late}  (plan: ledger entry {})",
            &d.commitment[..12],
            d.title(),
            drawn,
            results.len(),
            d.plan_index
        );
        if draw.is_some() {
            for l in lines {
                println!("{l}");
            }
        }
    }
    Ok(())
}

/// The demo's random inspection: a plan from the demo county's directories,
/// committed, drawn with two generated secrets, three results published; and a
/// typical-case notice. Returns the draw's commitment.
pub async fn demo_inspections(warehouse: &warehouse::Warehouse) -> anyhow::Result<String> {
    let dirs = load_directories(warehouse, None).await?;
    let secrets: Vec<String> = (0..2)
        .map(|_| web::auth::random_token().map_err(|e| anyhow::anyhow!("{e:?}")))
        .collect::<anyhow::Result<_>>()?;
    let Some((item, _)) = dirs.items.first().cloned() else { bail!("the demo county has no inspection items") };
    let request = PlanRequest {
        title: Some("【演示】双随机抽查 demo draw".into()),
        items: vec![item],
        departments: Vec::new(),
        rates: vec![("A".into(), 30), ("B".into(), 50), ("C".into(), 100), ("D".into(), 200)],
        region: None,
        beacon: None,
        secret_commitments: secrets.iter().map(|s| hex::encode(draw::commit_secret(s.as_bytes()))).collect(),
    };
    let (plan, _) = build_plan(&dirs, &request)?;
    let text = serde_json::to_string_pretty(&plan)?;
    let (commitment, record) = plan_record_of(&text)?;
    warehouse.ledger_append(&[("draw_plan", record)]).await?;
    let result = wire::draw(&text, &secrets, None)?;
    warehouse
        .ledger_append(&[("draw_result", serde_json::json!({"type": "draw_result", "result": &result}).to_string())])
        .await?;
    let now = warehouse::china_now();
    let checked = now.date_naive() - chrono::Duration::days(10);
    let found = warehouse.draw(&commitment).await?.context("the demo draw is in the ledger")?;
    let demo = store::Actor::new("demo", "cli");
    for (i, s) in result.selections.iter().take(3).enumerate() {
        let (outcome, findings) =
            if i == 1 { ("corrected", "未按规定公示年度报告，已责令改正") } else { ("no_problem", "") };
        warehouse.enter_result(&found, &s.target, &checked.to_string(), outcome, findings, &demo).await?;
    }
    warehouse.publish_results(&found).await?;
    warehouse
        .publish_notice(
            "【演示】关于某村干部在低保审核中优亲厚友问题的通报",
            "经查，某村村委会主任在低保资格审核中，违规为其亲属办理最低生活保障，造成资金损失。\n\
             该同志受到党内警告处分，违规领取的资金已全部追缴。（演示数据）",
            None,
        )
        .await?;
    Ok(commitment)
}
