//! Random inspections after the draw (双随机、一公开): the draws as the ledger
//! holds them, the results entered per drawn target, and their publication
//! into the ledger within 20 working days of the check.

use crate::{Warehouse, WarehouseError};
use arrow_array::Array;
use arrow_array::cast::AsArray;
use arrow_array::types::Date32Type;
use chrono::NaiveDate;
use draw::wire::{PlanFile, ResultFile};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use std::collections::HashMap;

/// Working days within which a result must be published after the check.
pub const PUBLISH_WITHIN_WORKDAYS: u32 = 20;

/// The outcomes of a check (as the market regulator's public notices word them): key, Chinese, English.
pub const OUTCOMES: &[(&str, &str, &str)] = &[
    ("no_problem", "未发现问题", "No problem found"),
    ("corrected", "发现问题已责令改正", "Problems found, correction ordered"),
    ("pending", "发现问题待后续处理", "Problems found, to be dealt with"),
    ("unreachable", "通过登记的住所（经营场所）无法联系", "Cannot be reached at the registered address"),
    ("not_operating", "未发现开展本次抽查涉及的经营活动", "Not engaged in the activity checked"),
    ("refused", "不配合检查情节严重", "Refused to cooperate"),
];

/// A draw as published: its plan (committed first) and, once drawn, its result.
#[derive(Clone, Debug)]
pub struct Draw {
    pub commitment: String,
    pub plan_index: u64,
    pub committed_at: String,
    pub plan: PlanFile,
    /// The plan's canonical JSON text, as committed.
    pub plan_text: String,
    pub result: Option<(u64, ResultFile)>,
}

impl Draw {
    pub fn title(&self) -> String {
        self.plan.title.clone().unwrap_or_else(|| format!("抽查 {}", &self.commitment[..12]))
    }

    pub fn target_name(&self, code: &str) -> Option<&str> {
        self.plan.targets.iter().find(|t| t.code == code).and_then(|t| t.name.as_deref())
    }
}

/// Where a result stands against the 20-working-day rule.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Timeliness {
    /// Published by the deadline.
    OnTime,
    /// Published after the deadline.
    Late,
    /// Not published; the deadline has not passed.
    Due,
    /// Not published and the deadline has passed.
    Overdue,
}

/// The deadline and standing of a result checked on `checked_on`.
pub fn timeliness(
    checked_on: NaiveDate,
    published_on: Option<NaiveDate>,
    today: NaiveDate,
    calendar: &HashMap<NaiveDate, bool>,
) -> (NaiveDate, Timeliness) {
    let due = domain::calendar::add_workdays(checked_on, PUBLISH_WITHIN_WORKDAYS, |d| calendar.get(&d).copied());
    let standing = match published_on {
        Some(p) if p <= due => Timeliness::OnTime,
        Some(_) => Timeliness::Late,
        None if today <= due => Timeliness::Due,
        None => Timeliness::Overdue,
    };
    (due, standing)
}

/// The deadline and standing of a stored result (`None` if its check date is unreadable).
pub fn result_timeliness(
    r: &store::InspectionResult,
    today: NaiveDate,
    calendar: &HashMap<NaiveDate, bool>,
) -> Option<(NaiveDate, Timeliness)> {
    let day = |s: &str| NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok();
    let checked = day(&r.checked_on)?;
    Some(timeliness(checked, r.published_at.as_deref().and_then(day), today, calendar))
}

/// The draw whose commitment starts with `prefix` (at least 8 hex digits).
pub fn find_draw<'a>(draws: &'a [Draw], prefix: &str) -> Option<&'a Draw> {
    let prefix = prefix.to_lowercase();
    if prefix.len() < 8 {
        return None;
    }
    draws.iter().find(|d| d.commitment.starts_with(&prefix))
}

impl Warehouse {
    /// Every draw committed to the ledger, newest first.
    pub async fn draws(&self) -> Result<Vec<Draw>, WarehouseError> {
        let mut draws = Vec::new();
        for (index, entry) in self.store.ledger_entries_of_kind("draw_plan").await? {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&entry.record) else { continue };
            let (Some(commitment), Ok(plan)) =
                (v["plan_commitment"].as_str(), serde_json::from_value::<PlanFile>(v["plan"].clone()))
            else {
                continue;
            };
            draws.push(Draw {
                commitment: commitment.to_owned(),
                plan_index: index,
                committed_at: entry.created_at,
                plan,
                plan_text: v["plan"].to_string(),
                result: None,
            });
        }
        for (index, entry) in self.store.ledger_entries_of_kind("draw_result").await? {
            let Ok(v) = serde_json::from_str::<serde_json::Value>(&entry.record) else { continue };
            let Ok(result) = serde_json::from_value::<ResultFile>(v["result"].clone()) else { continue };
            if let Some(d) = draws.iter_mut().find(|d| d.commitment == result.plan_commitment && d.result.is_none()) {
                d.result = Some((index, result));
            }
        }
        draws.reverse();
        Ok(draws)
    }

    /// The draw whose commitment starts with `prefix` (at least 8 hex digits).
    pub async fn draw(&self, prefix: &str) -> Result<Option<Draw>, WarehouseError> {
        Ok(find_draw(&self.draws().await?, prefix).cloned())
    }

    /// Days the imported `calendar` table marks (`true`: working day), overriding the shipped calendar.
    pub async fn calendar_overrides(&self) -> Result<HashMap<NaiveDate, bool>, WarehouseError> {
        let mut days = HashMap::new();
        for (_, path) in self.table_files("calendar").await? {
            let err = |detail: String| WarehouseError::Parquet { path: path.clone(), detail };
            let file = std::fs::File::open(&path).map_err(|e| err(e.to_string()))?;
            let reader = ParquetRecordBatchReaderBuilder::try_new(file)
                .and_then(|b| b.build())
                .map_err(|e| err(e.to_string()))?;
            for batch in reader {
                let batch = batch.map_err(|e| err(e.to_string()))?;
                let (Ok(d), Ok(k)) = (batch.schema().index_of("date"), batch.schema().index_of("kind")) else {
                    continue;
                };
                let (Some(dates), Some(kinds)) =
                    (batch.column(d).as_primitive_opt::<Date32Type>(), batch.column(k).as_string_opt::<i32>())
                else {
                    continue;
                };
                for i in 0..batch.num_rows() {
                    if dates.is_valid(i)
                        && kinds.is_valid(i)
                        && let Some(date) = dates.value_as_date(i)
                    {
                        days.insert(date, kinds.value(i) == "workday");
                    }
                }
            }
        }
        Ok(days)
    }

    /// Publishes the draw's entered, unpublished results into the ledger; returns
    /// `(target, ledger index)` of each.
    pub async fn publish_results(&self, draw: &Draw) -> Result<Vec<(String, u64)>, WarehouseError> {
        let pending: Vec<store::InspectionResult> = self
            .store
            .inspection_results(Some(&draw.commitment))
            .await?
            .into_iter()
            .filter(|r| r.published_at.is_none())
            .collect();
        if pending.is_empty() {
            return Ok(Vec::new());
        }
        let today = crate::china_now().date_naive().to_string();
        let inspectors = |target: &str| -> Vec<String> {
            draw.result
                .as_ref()
                .and_then(|(_, r)| r.selections.iter().find(|s| s.target == target))
                .map(|s| s.inspectors.clone())
                .unwrap_or_default()
        };
        let records: Vec<(&str, String)> = pending
            .iter()
            .map(|r| {
                let record = serde_json::json!({
                    "type": "inspection_result",
                    "plan_commitment": r.plan_commitment,
                    "title": draw.title(),
                    "target": r.target,
                    "target_name": draw.target_name(&r.target),
                    "inspectors": inspectors(&r.target),
                    "checked_on": r.checked_on,
                    "outcome": r.outcome,
                    "findings": domain::mask::scrub(&r.findings),
                    "published_on": today,
                });
                ("inspection_result", record.to_string())
            })
            .collect();
        let first = self.ledger_append(&records).await?;
        let at = crate::china_now().to_rfc3339_opts(chrono::SecondsFormat::Secs, false);
        let mut published = Vec::new();
        for (i, r) in pending.iter().enumerate() {
            self.store.mark_inspection_published(r.id, first + i as u64, &at).await?;
            published.push((r.target.clone(), first + i as u64));
        }
        Ok(published)
    }
}

impl Warehouse {
    /// Publishes a typical-case notice (通报曝光) into the ledger, identifiers masked;
    /// returns its ledger index.
    pub async fn publish_notice(&self, title: &str, body: &str, clue: Option<&str>) -> Result<u64, WarehouseError> {
        let record = serde_json::json!({
            "type": "notice",
            "title": domain::mask::scrub(title.trim()),
            "body": domain::mask::scrub(body.trim()),
            "clue": clue,
            "published_on": crate::china_now().date_naive().to_string(),
        });
        self.ledger_append(&[("notice", record.to_string())]).await
    }

    /// Withdraws a published notice (a lawful take-down): a new entry that names
    /// the withdrawn one; the withdrawn entry stays in the log.
    pub async fn withdraw_notice(&self, index: u64, reason: &str) -> Result<Option<u64>, WarehouseError> {
        match self.store.ledger_entry(index).await? {
            Some(entry) if entry.kind == "notice" => {}
            _ => return Ok(None),
        }
        let record = serde_json::json!({
            "type": "notice_withdrawal",
            "withdraws": index,
            "reason": domain::mask::scrub(reason.trim()),
            "withdrawn_on": crate::china_now().date_naive().to_string(),
        });
        Ok(Some(self.ledger_append(&[("notice_withdrawal", record.to_string())]).await?))
    }
}

/// Why a result cannot be entered.
#[derive(Debug, thiserror::Error)]
pub enum ResultError {
    #[error("该抽查尚未抽取 / this draw has not been run yet")]
    NotRun,
    #[error("{0}未被此次抽查抽中 / {0} was not drawn in this draw")]
    NotDrawn(String),
    #[error("检查日期应为 YYYY-MM-DD / the check date is YYYY-MM-DD, not '{0}'")]
    Date(String),
    #[error("检查日期{0}在将来 / the check date {0} is in the future")]
    Future(NaiveDate),
    #[error(
        "检查结果应为 / the outcome is one of no_problem, corrected, pending, unreachable, not_operating, refused, not '{0}'"
    )]
    Outcome(String),
    #[error(transparent)]
    Warehouse(#[from] WarehouseError),
}

impl From<store::StoreError> for ResultError {
    fn from(e: store::StoreError) -> Self {
        ResultError::Warehouse(WarehouseError::Store(e))
    }
}

/// The outcome key of `text`: a key or its Chinese wording.
pub fn outcome_key(text: &str) -> Option<&'static str> {
    let text = text.trim();
    OUTCOMES.iter().find(|(key, zh, _)| *key == text || *zh == text).map(|(key, _, _)| *key)
}

impl Warehouse {
    /// Enters (or corrects, while unpublished) a drawn target's result, in the
    /// audit trail with it; returns the day by which it must be published.
    pub async fn enter_result(
        &self,
        draw: &Draw,
        target: &str,
        checked: &str,
        outcome: &str,
        findings: &str,
        actor: &store::Actor,
    ) -> Result<NaiveDate, ResultError> {
        let Some((_, result)) = &draw.result else { return Err(ResultError::NotRun) };
        if !result.selections.iter().any(|s| s.target == target) {
            return Err(ResultError::NotDrawn(target.to_owned()));
        }
        let checked_on =
            NaiveDate::parse_from_str(checked.trim(), "%Y-%m-%d").map_err(|_| ResultError::Date(checked.to_owned()))?;
        let now = crate::china_now();
        if checked_on > now.date_naive() {
            return Err(ResultError::Future(checked_on));
        }
        let outcome = outcome_key(outcome).ok_or_else(|| ResultError::Outcome(outcome.to_owned()))?;
        let entry = store::NewInspectionResult {
            plan_commitment: draw.commitment.clone(),
            target: target.to_owned(),
            checked_on: checked_on.to_string(),
            outcome: outcome.to_owned(),
            findings: findings.trim().chars().take(2000).collect(),
            entered_by: actor.name.clone(),
        };
        let audit = store::NewAudit {
            at: now.to_rfc3339_opts(chrono::SecondsFormat::Secs, false),
            actor: actor.name.clone(),
            role: actor.role.clone(),
            address: actor.address.clone(),
            action: "inspection.result".into(),
            object: format!("inspection:{}:{target}", &draw.commitment[..12]),
            detail: serde_json::json!({"checked_on": entry.checked_on, "outcome": outcome}).to_string(),
        };
        self.store.save_inspection_result(&entry, &audit).await?;
        let calendar = self.calendar_overrides().await?;
        Ok(timeliness(checked_on, None, now.date_naive(), &calendar).0)
    }
}
