//! The published form of draws: the plan (JSON, committed to the ledger before
//! the draw) and the result (JSON, with the revealed secrets and the seed).
//! `reproduce` redoes a published draw from these two texts alone.

use crate::{Plan, Target, Team};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PlanFile {
    /// What the draw is, in words (`2026年第四季度市场监管双随机抽查`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
    /// The inspection items (抽查事项) checked, by code.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub items: Vec<String>,
    /// `[stratum, rate per mille]`, in draw order.
    pub strata: Vec<(String, u32)>,
    pub targets: Vec<TargetFile>,
    /// One department's inspectors (with `per_target`) …
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub inspectors: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub per_target: Option<usize>,
    /// … or teams, one per department, for a joint inspection (联合抽查).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub teams: Option<Vec<TeamFile>>,
    #[serde(default)]
    pub conflicts: Vec<(String, String)>,
    /// SHA-256 (hex) of each official's secret, published with the plan before the draw.
    pub secret_commitments: Vec<String>,
    /// A public randomness beacon named before the draw (`drand quicknet round 12345678`,
    /// `上海证券交易所综合指数2026年12月1日收盘价`): its value, unknown when the plan is
    /// committed, joins the seed after the secrets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beacon: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TargetFile {
    pub code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub stratum: String,
    #[serde(default)]
    pub last_inspector: Option<String>,
}

#[derive(Clone, Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TeamFile {
    pub department: String,
    pub inspectors: Vec<String>,
    pub per_target: usize,
}

#[derive(Clone, Deserialize, Serialize, PartialEq, Debug)]
#[serde(deny_unknown_fields)]
pub struct ResultFile {
    pub plan_commitment: String,
    /// The secrets, revealed after the commitment.
    pub reveals: Vec<String>,
    /// The value of the plan's beacon, when it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beacon_value: Option<String>,
    pub seed: String,
    pub selections: Vec<SelectionFile>,
}

#[derive(Clone, Deserialize, Serialize, PartialEq, Debug)]
pub struct SelectionFile {
    pub target: String,
    pub stratum: String,
    pub inspectors: Vec<String>,
}

#[derive(Debug, thiserror::Error)]
pub enum WireError {
    #[error("计划不是有效的JSON / the plan is not JSON: {0}")]
    NotJson(String),
    #[error("不是抽查计划 / not a draw plan: {0}")]
    NotAPlan(String),
    #[error(
        "检查人员须给出 inspectors 与 per_target，或 teams，二者取一 / give either inspectors with per_target, or teams"
    )]
    Teams,
    #[error("至少需要两名官员的承诺 / the plan needs the commitments of at least two officials")]
    TooFewOfficials,
    #[error("揭示数量与承诺不符 / {revealed} secrets revealed for {committed} commitments")]
    RevealCount { revealed: usize, committed: usize },
    #[error("第{0}个揭示值与其承诺不符 / reveal {0} does not match its commitment")]
    Reveal(usize),
    #[error("计划指定了公共随机信标（{0}），请给出其数值 / the plan names a public beacon ({0}): give its value")]
    BeaconMissing(String),
    #[error("计划未指定公共随机信标，不能加入信标值 / the plan names no beacon: a beacon value cannot join the seed")]
    BeaconUnplanned,
    #[error(transparent)]
    Draw(#[from] crate::DrawError),
}

/// SHA-256 of the plan's canonical JSON (keys sorted, no spaces).
pub fn commitment(plan_text: &str) -> Result<[u8; 32], WireError> {
    let value: serde_json::Value = serde_json::from_str(plan_text).map_err(|e| WireError::NotJson(e.to_string()))?;
    Ok(Sha256::digest(value.to_string().as_bytes()).into())
}

pub fn parse_plan(plan_text: &str) -> Result<PlanFile, WireError> {
    serde_json::from_str(plan_text).map_err(|e| WireError::NotAPlan(e.to_string()))
}

impl PlanFile {
    /// The teams of the plan, whichever form it uses.
    pub fn teams(&self) -> Result<Vec<Team>, WireError> {
        match (&self.inspectors, self.per_target, &self.teams) {
            (Some(inspectors), Some(per_target), None) => {
                Ok(vec![Team { department: String::new(), inspectors: inspectors.clone(), per_target }])
            }
            (None, None, Some(teams)) if !teams.is_empty() => Ok(teams
                .iter()
                .map(|t| Team {
                    department: t.department.clone(),
                    inspectors: t.inspectors.clone(),
                    per_target: t.per_target,
                })
                .collect()),
            _ => Err(WireError::Teams),
        }
    }

    /// Every inspector of the plan, once.
    pub fn all_inspectors(&self) -> Vec<String> {
        let mut all: Vec<String> = self.inspectors.iter().flatten().cloned().collect();
        all.extend(self.teams.iter().flatten().flat_map(|t| t.inspectors.iter().cloned()));
        all.sort();
        all.dedup();
        all
    }
}

/// Draws per a plan with the revealed secrets (checked against their commitments)
/// and, if the plan names a beacon, the beacon's value.
pub fn draw(plan_text: &str, reveals: &[String], beacon_value: Option<&str>) -> Result<ResultFile, WireError> {
    let plan = parse_plan(plan_text)?;
    if plan.secret_commitments.len() < 2 {
        return Err(WireError::TooFewOfficials);
    }
    if reveals.len() != plan.secret_commitments.len() {
        return Err(WireError::RevealCount { revealed: reveals.len(), committed: plan.secret_commitments.len() });
    }
    for (i, (reveal, committed)) in reveals.iter().zip(&plan.secret_commitments).enumerate() {
        if hex::encode(crate::commit_secret(reveal.as_bytes())) != committed.to_lowercase() {
            return Err(WireError::Reveal(i + 1));
        }
    }
    match (&plan.beacon, beacon_value) {
        (Some(beacon), None) => return Err(WireError::BeaconMissing(beacon.clone())),
        (None, Some(_)) => return Err(WireError::BeaconUnplanned),
        _ => {}
    }
    let commitment = commitment(plan_text)?;
    let mut reveal_bytes: Vec<&[u8]> = reveals.iter().map(|r| r.as_bytes()).collect();
    reveal_bytes.extend(beacon_value.map(str::as_bytes));
    let seed = crate::seed(&commitment, &reveal_bytes);
    let core = Plan {
        strata: plan.strata.clone(),
        targets: plan
            .targets
            .iter()
            .map(|t| Target {
                code: t.code.clone(),
                stratum: t.stratum.clone(),
                last_inspector: t.last_inspector.clone(),
            })
            .collect(),
        teams: plan.teams()?,
        conflicts: plan.conflicts.clone(),
    };
    let selections = crate::run(&core, &seed)?
        .into_iter()
        .map(|s| SelectionFile { target: s.target, stratum: s.stratum, inspectors: s.inspectors })
        .collect();
    Ok(ResultFile {
        plan_commitment: hex::encode(commitment),
        reveals: reveals.to_vec(),
        beacon_value: beacon_value.map(str::to_owned),
        seed: hex::encode(seed),
        selections,
    })
}

/// Redoes a published draw; `Err` names what does not match.
pub fn reproduce(plan_text: &str, published: &ResultFile) -> Result<usize, String> {
    match commitment(plan_text) {
        Ok(c) if hex::encode(c) == published.plan_commitment => {}
        Ok(_) => {
            return Err(
                "计划与结果中的承诺不符（计划被改动） / the plan does not match the result's commitment (the plan was altered)"
                    .into(),
            );
        }
        Err(e) => return Err(e.to_string()),
    }
    let again = draw(plan_text, &published.reveals, published.beacon_value.as_deref()).map_err(|e| e.to_string())?;
    if again.seed != published.seed {
        return Err("种子与公布的不符 / the seed differs from the published one".into());
    }
    if again.selections != published.selections {
        let first = again
            .selections
            .iter()
            .zip(&published.selections)
            .position(|(a, b)| a != b)
            .unwrap_or(again.selections.len().min(published.selections.len()));
        return Err(format!(
            "第{}条抽取结果与重算不符 / selection {} differs from the recomputed draw",
            first + 1,
            first + 1
        ));
    }
    Ok(again.selections.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plan(beacon: Option<&str>) -> String {
        let mut plan = serde_json::json!({
            "strata": [["A", 500]],
            "targets": (0..10).map(|i| serde_json::json!({"code": format!("T{i}"), "stratum": "A"})).collect::<Vec<_>>(),
            "inspectors": ["P1", "P2", "P3", "P4"],
            "per_target": 2,
            "secret_commitments": [hex::encode(crate::commit_secret(b"a")), hex::encode(crate::commit_secret(b"b"))],
        });
        if let Some(b) = beacon {
            plan["beacon"] = serde_json::json!(b);
        }
        plan.to_string()
    }

    #[test]
    fn a_beacon_named_in_the_plan_joins_the_seed() {
        let secrets = ["a".to_owned(), "b".to_owned()];
        let text = plan(Some("drand quicknet round 1000"));
        assert!(matches!(draw(&text, &secrets, None), Err(WireError::BeaconMissing(_))));
        let result = draw(&text, &secrets, Some("8f3a")).unwrap();
        assert_eq!(reproduce(&text, &result), Ok(5));
        let other = draw(&text, &secrets, Some("8f3b")).unwrap();
        assert_ne!(result.seed, other.seed, "the beacon's value changes the seed");
        let mut forged = result.clone();
        forged.beacon_value = Some("8f3b".into());
        assert!(reproduce(&text, &forged).unwrap_err().contains("seed differs"));
        // Without a beacon, none may be added after the fact.
        assert!(matches!(draw(&plan(None), &secrets, Some("x")), Err(WireError::BeaconUnplanned)));
    }
}
