//! `qingfeng draw`: the wire format of draw plans and results (JSON), and the
//! commit–reveal checks around `draw::run`.

use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    /// `[stratum, rate per mille]`, in draw order.
    pub strata: Vec<(String, u32)>,
    pub targets: Vec<TargetFile>,
    pub inspectors: Vec<String>,
    pub per_target: usize,
    #[serde(default)]
    pub conflicts: Vec<(String, String)>,
    /// SHA-256 (hex) of each official's secret, published with the plan before the draw.
    pub secret_commitments: Vec<String>,
}

#[derive(Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TargetFile {
    pub code: String,
    pub stratum: String,
    #[serde(default)]
    pub last_inspector: Option<String>,
}

#[derive(Deserialize, Serialize, PartialEq, Debug)]
#[serde(deny_unknown_fields)]
pub struct ResultFile {
    pub plan_commitment: String,
    /// The secrets, revealed after the commitment.
    pub reveals: Vec<String>,
    pub seed: String,
    pub selections: Vec<SelectionFile>,
}

#[derive(Deserialize, Serialize, PartialEq, Debug)]
pub struct SelectionFile {
    pub target: String,
    pub stratum: String,
    pub inspectors: Vec<String>,
}

/// SHA-256 of the plan's canonical JSON (keys sorted, no spaces).
fn commitment(plan_text: &str) -> anyhow::Result<[u8; 32]> {
    let value: serde_json::Value = serde_json::from_str(plan_text).context("the plan is not JSON")?;
    Ok(Sha256::digest(value.to_string().as_bytes()).into())
}

fn load(path: &Path) -> anyhow::Result<(String, PlanFile)> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    let plan: PlanFile =
        serde_json::from_str(&text).with_context(|| format!("{} is not a draw plan", path.display()))?;
    Ok((text, plan))
}

fn draw(plan_text: &str, plan: &PlanFile, reveals: &[String]) -> anyhow::Result<ResultFile> {
    if plan.secret_commitments.len() < 2 {
        bail!("至少需要两名官员的承诺 / the plan needs the commitments of at least two officials");
    }
    if reveals.len() != plan.secret_commitments.len() {
        bail!(
            "揭示数量与承诺不符 / {} secrets revealed for {} commitments",
            reveals.len(),
            plan.secret_commitments.len()
        );
    }
    for (i, (reveal, committed)) in reveals.iter().zip(&plan.secret_commitments).enumerate() {
        if hex::encode(draw::commit_secret(reveal.as_bytes())) != committed.to_lowercase() {
            bail!("第{}个揭示值与其承诺不符 / reveal {} does not match its commitment", i + 1, i + 1);
        }
    }
    let commitment = commitment(plan_text)?;
    let reveal_bytes: Vec<&[u8]> = reveals.iter().map(|r| r.as_bytes()).collect();
    let seed = draw::seed(&commitment, &reveal_bytes);
    let core = draw::Plan {
        strata: plan.strata.clone(),
        targets: plan
            .targets
            .iter()
            .map(|t| draw::Target {
                code: t.code.clone(),
                stratum: t.stratum.clone(),
                last_inspector: t.last_inspector.clone(),
            })
            .collect(),
        inspectors: plan.inspectors.clone(),
        per_target: plan.per_target,
        conflicts: plan.conflicts.clone(),
    };
    let selections = draw::run(&core, &seed)?
        .into_iter()
        .map(|s| SelectionFile { target: s.target, stratum: s.stratum, inspectors: s.inspectors })
        .collect();
    Ok(ResultFile {
        plan_commitment: hex::encode(commitment),
        reveals: reveals.to_vec(),
        seed: hex::encode(seed),
        selections,
    })
}

/// The ledger record that commits to a plan before its draw.
pub fn plan_record(plan_path: &Path) -> anyhow::Result<(String, String)> {
    let (text, plan) = load(plan_path)?;
    let commitment = hex::encode(commitment(&text)?);
    let record = serde_json::json!({
        "type": "draw_plan",
        "plan_commitment": commitment,
        "secret_commitments": plan.secret_commitments,
        "plan": serde_json::from_str::<serde_json::Value>(&text)?,
    });
    Ok((commitment, record.to_string()))
}

/// Draws per a plan whose commitment the ledger already holds; returns the
/// result and its ledger record.
pub fn run(plan_path: &Path, reveals: &[String], committed: &[String]) -> anyhow::Result<(String, String)> {
    let (text, plan) = load(plan_path)?;
    let result = draw(&text, &plan, reveals)?;
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
    let (text, plan) = load(plan_path)?;
    let published: ResultFile = serde_json::from_str(
        &std::fs::read_to_string(result_path).with_context(|| format!("cannot read {}", result_path.display()))?,
    )
    .with_context(|| format!("{} is not a draw result", result_path.display()))?;
    if hex::encode(commitment(&text)?) != published.plan_commitment {
        return Ok(Err("计划与结果中的承诺不符（计划被改动） / the plan does not match the result's commitment (the plan was altered)".into()));
    }
    let again = match draw(&text, &plan, &published.reveals) {
        Ok(r) => r,
        Err(e) => return Ok(Err(e.to_string())),
    };
    if again.seed != published.seed {
        return Ok(Err("种子与公布的不符 / the seed differs from the published one".into()));
    }
    if again.selections != published.selections {
        let first = again
            .selections
            .iter()
            .zip(&published.selections)
            .position(|(a, b)| a != b)
            .unwrap_or(again.selections.len().min(published.selections.len()));
        return Ok(Err(format!(
            "第{}条抽取结果与重算不符 / selection {} differs from the recomputed draw",
            first + 1,
            first + 1
        )));
    }
    Ok(Ok(format!(
        "✔ 抽取结果可复现：{}个对象 / the draw reproduces: {} targets",
        again.selections.len(),
        again.selections.len()
    )))
}
