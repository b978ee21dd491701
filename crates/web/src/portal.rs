//! The public portal (no sign-in, read-only): livelihood-fund payments by
//! village, random inspections with their draws and results, procurement
//! awards, typical-case notices, and for each record its place in the
//! disclosure ledger with a proof anyone can check offline.
//!
//! Everything personal passes through `domain::mask` (the one masking policy)
//! before it reaches a page: names keep their surname, ID numbers their region
//! and last four characters, accounts and phones their last four digits.

use crate::i18n::Lang;
use crate::pages::render;
use crate::{AppError, AppState};
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Response};
use base64::Engine;
use minijinja::{Value, context};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;
use warehouse::SourceRecord;

const PAGE_SIZE: usize = 100;

/// What the portal serves, kept in memory: the published data rows (rebuilt
/// when a batch is accepted) and what the ledger holds (rebuilt when it grows),
/// checked against the store at most once a second, so that a page reads no
/// Parquet and, mostly, no database.
#[derive(Default)]
pub struct Cache {
    snapshot: tokio::sync::RwLock<Option<Arc<Snapshot>>>,
}

/// How long a snapshot is served before the store is asked whether it changed.
const FRESH: std::time::Duration = std::time::Duration::from_secs(1);

struct Snapshot {
    at: std::time::Instant,
    data: Arc<Published>,
    ledger: Arc<LedgerView>,
}

/// The published view of the data, at one data version.
struct Published {
    version: (usize, i64),
    /// Payments by village, in batch order.
    funds: HashMap<String, Vec<FundRow>>,
    villages: Vec<String>,
    programs: Vec<(String, String)>,
    periods: Vec<String>,
    awards: Vec<AwardRow>,
}

/// What the ledger holds, at one size.
struct LedgerView {
    size: u64,
    checkpoint: Value,
    draws: Vec<warehouse::inspections::Draw>,
    /// Published inspection results by draw commitment: `(entry, record)`.
    results: HashMap<String, Vec<(u64, serde_json::Value)>>,
    /// `(entry, record)` of every notice, and of the withdrawal of each withdrawn one.
    notices: Vec<(u64, serde_json::Value, Option<(u64, serde_json::Value)>)>,
    /// Withdrawn entries, and the entry that withdrew each.
    withdrawn: HashMap<u64, u64>,
}

impl Cache {
    async fn get(&self, state: &AppState) -> Result<Arc<Snapshot>, AppError> {
        if let Some(s) = self.snapshot.read().await.as_ref()
            && s.at.elapsed() < FRESH
        {
            return Ok(s.clone());
        }
        let mut slot = self.snapshot.write().await;
        if let Some(s) = slot.as_ref()
            && s.at.elapsed() < FRESH
        {
            return Ok(s.clone());
        }
        let size = state.warehouse.store().ledger_size().await?;
        let (data, ledger) = match slot.as_ref() {
            // Every accepted batch grows the ledger: an unchanged ledger means unchanged data.
            Some(s) if s.ledger.size == size => (s.data.clone(), s.ledger.clone()),
            previous => {
                let batches = state.warehouse.batches().await?;
                let version = (batches.len(), batches.iter().map(|b| b.id).max().unwrap_or(0));
                let data = match previous {
                    Some(s) if s.data.version == version => s.data.clone(),
                    _ => Arc::new(build(state, version).await?),
                };
                (data, Arc::new(ledger_view(state, size).await?))
            }
        };
        let snapshot = Arc::new(Snapshot { at: std::time::Instant::now(), data, ledger });
        *slot = Some(snapshot.clone());
        Ok(snapshot)
    }
}

async fn ledger_view(state: &AppState, size: u64) -> Result<LedgerView, AppError> {
    let store = state.warehouse.store();
    let mut results: HashMap<String, Vec<(u64, serde_json::Value)>> = HashMap::new();
    for (index, entry) in store.ledger_entries_of_kind("inspection_result").await? {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&entry.record)
            && let Some(c) = v["plan_commitment"].as_str()
        {
            results.entry(c.to_owned()).or_default().push((index, v));
        }
    }
    let mut withdrawals: HashMap<u64, (u64, serde_json::Value)> = HashMap::new();
    for (index, entry) in store.ledger_entries_of_kind("notice_withdrawal").await? {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&entry.record)
            && let Some(of) = v["withdraws"].as_u64()
        {
            withdrawals.insert(of, (index, v));
        }
    }
    let withdrawn = withdrawals.iter().map(|(of, (by, _))| (*of, *by)).collect();
    let mut notices = Vec::new();
    for (index, entry) in store.ledger_entries_of_kind("notice").await? {
        let Ok(v) = serde_json::from_str::<serde_json::Value>(&entry.record) else { continue };
        notices.push((index, v, withdrawals.remove(&index)));
    }
    notices.reverse();
    Ok(LedgerView {
        size,
        checkpoint: ledger_context(state).await?,
        draws: state.warehouse.draws().await?,
        results,
        notices,
        withdrawn,
    })
}

impl LedgerView {
    fn draw(&self, prefix: &str) -> Option<&warehouse::inspections::Draw> {
        warehouse::inspections::find_draw(&self.draws, prefix)
    }
}

#[derive(Clone, Serialize)]
struct FundRow {
    village: String,
    program: String,
    program_name: String,
    period: String,
    name: String,
    id_number: String,
    amount: String,
    account: String,
    pay_date: String,
    ledger_index: Option<u64>,
}

#[derive(Clone, Serialize)]
struct AwardRow {
    tender_id: String,
    title: String,
    buyer: String,
    winner_code: String,
    winner: String,
    amount: String,
    award_date: String,
    ledger_index: Option<u64>,
}

async fn build(state: &AppState, version: (usize, i64)) -> Result<Published, AppError> {
    let w = &state.warehouse;
    // Which ledger entry holds each batch.
    let mut batch_entry: HashMap<i64, u64> = HashMap::new();
    for (index, entry) in w.store().ledger_entries_of_kind("import_batch").await? {
        if let Ok(v) = serde_json::from_str::<serde_json::Value>(&entry.record)
            && let Some(batch) = v["batch"].as_i64()
        {
            batch_entry.insert(batch, index);
        }
    }
    let programs: BTreeMap<String, String> = w
        .records_all("fund_program", "program_code")
        .await?
        .iter()
        .map(|r| (r.source.key.clone(), r.value("name").to_owned()))
        .collect();
    let mut funds: HashMap<String, Vec<FundRow>> = HashMap::new();
    let (mut villages, mut periods) = (BTreeSet::new(), BTreeSet::new());
    for r in w.records_all("disbursement", "program_code").await? {
        let village = r.value("region_code").to_owned();
        let period = r.value("period").to_owned();
        villages.insert(village.clone());
        periods.insert(period.clone());
        funds.entry(village.clone()).or_default().push(FundRow {
            program_name: programs.get(&r.source.key).cloned().unwrap_or_default(),
            program: r.source.key.clone(),
            village,
            period,
            name: domain::mask::name(r.value("recipient_name")),
            id_number: domain::mask::id_number(r.value("recipient_id")),
            amount: r.value("amount").to_owned(),
            account: match r.value("bank_account") {
                "" => String::new(),
                a => domain::mask::account(a),
            },
            pay_date: r.value("pay_date").to_owned(),
            ledger_index: batch_entry.get(&r.source.batch).copied(),
        });
    }
    let tenders: HashMap<String, SourceRecord> =
        w.records_all("tender", "tender_id").await?.into_iter().map(|r| (r.source.key.clone(), r)).collect();
    let mut awards: Vec<AwardRow> = w
        .records_all("award", "tender_id")
        .await?
        .iter()
        .map(|r| {
            let tender = tenders.get(&r.source.key);
            AwardRow {
                tender_id: r.source.key.clone(),
                title: tender.map(|t| t.value("title").to_owned()).unwrap_or_default(),
                buyer: tender
                    .map(|t| {
                        let name = t.value("buyer_name");
                        if name.is_empty() { t.value("buyer_code") } else { name }.to_owned()
                    })
                    .unwrap_or_default(),
                winner_code: r.value("winner_code").to_owned(),
                winner: r.value("winner_name").to_owned(),
                amount: r.value("award_amount").to_owned(),
                award_date: tender.map(|t| t.value("award_date").to_owned()).unwrap_or_default(),
                ledger_index: batch_entry.get(&r.source.batch).copied(),
            }
        })
        .collect();
    awards.sort_by(|a, b| b.award_date.cmp(&a.award_date).then_with(|| a.tender_id.cmp(&b.tender_id)));
    Ok(Published {
        version,
        funds,
        villages: villages.into_iter().filter(|v| !v.is_empty()).collect(),
        programs: programs.into_iter().collect(),
        periods: periods.into_iter().rev().filter(|p| !p.is_empty()).collect(),
        awards,
    })
}

/// What every portal page shows at its foot: the log's latest checkpoint.
async fn ledger_context(state: &AppState) -> Result<Value, AppError> {
    let Some(note) = state.warehouse.latest_checkpoint().await? else { return Ok(Value::from(())) };
    let text = note.split("\n\n").next().unwrap_or("");
    let checkpoint = ledger::Checkpoint::parse(&format!("{text}\n")).ok();
    Ok(context! {
        size => checkpoint.as_ref().map(|c| c.size),
        root => checkpoint.as_ref().map(|c| base64::engine::general_purpose::STANDARD.encode(c.root)),
        origin => checkpoint.as_ref().map(|c| c.origin.clone()),
    })
}

fn page(
    state: &AppState,
    template: &str,
    lang: Lang,
    active: &str,
    ledger: Value,
    page: Value,
) -> Result<Response, AppError> {
    let html = render(state, template, lang, None, active, context! { ledger => ledger, ..page })?;
    // Public and the same for everyone: a shared cache may keep it briefly.
    Ok(([(header::CACHE_CONTROL, "public, max-age=30")], html).into_response())
}

pub async fn index(State(state): State<AppState>, lang: Lang, headers: HeaderMap) -> Result<Response, AppError> {
    let snapshot = state.portal.get(&state).await?;
    let draws = snapshot.ledger.draws.len();
    let notices = snapshot.ledger.notices.len();
    let ledger = snapshot.ledger.checkpoint.clone();
    let scheme = if crate::auth::is_https(&headers, state.secure_cookies) { "https" } else { "http" };
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("localhost");
    let site = format!("{scheme}://{host}");
    page(
        &state,
        "portal_index.html",
        lang,
        "portal",
        ledger,
        context! { draws => draws, notices => notices, site => site },
    )
}

#[derive(Deserialize, Default)]
pub struct FundQuery {
    village: Option<String>,
    program: Option<String>,
    period: Option<String>,
    page: Option<usize>,
}

pub async fn funds(
    State(state): State<AppState>,
    lang: Lang,
    Query(q): Query<FundQuery>,
) -> Result<Response, AppError> {
    let snapshot = state.portal.get(&state).await?;
    let published = &snapshot.data;
    let pick = |v: &Option<String>| v.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned);
    let (village, program, period) = (pick(&q.village), pick(&q.program), pick(&q.period));
    // A village must be chosen: the portal answers "who in my village was paid what", not a county-wide dump.
    let (rows, total) = match &village {
        Some(v) => {
            let matching: Vec<&FundRow> = published
                .funds
                .get(v)
                .into_iter()
                .flatten()
                .filter(|r| program.as_ref().is_none_or(|p| r.program == *p))
                .filter(|r| period.as_ref().is_none_or(|p| r.period == *p))
                .collect();
            let page_no = q.page.unwrap_or(1).max(1);
            let rows: Vec<FundRow> =
                matching.iter().skip((page_no - 1) * PAGE_SIZE).take(PAGE_SIZE).map(|r| (*r).clone()).collect();
            (rows, matching.len())
        }
        None => (Vec::new(), 0),
    };
    let page_no = q.page.unwrap_or(1).max(1);
    let ledger = snapshot.ledger.checkpoint.clone();
    page(
        &state,
        "portal_funds.html",
        lang,
        "funds",
        ledger,
        context! {
            villages => published.villages.clone(),
            programs => published.programs.clone(),
            periods => published.periods.clone(),
            village => village.clone().unwrap_or_default(),
            program => program.clone().unwrap_or_default(),
            period => period.clone().unwrap_or_default(),
            chosen => village.is_some(),
            rows => rows,
            total => total,
            page => page_no,
            pages => total.div_ceil(PAGE_SIZE).max(1),
        },
    )
}

#[derive(Deserialize, Default)]
pub struct PageQuery {
    page: Option<usize>,
}

pub async fn awards(
    State(state): State<AppState>,
    lang: Lang,
    Query(q): Query<PageQuery>,
) -> Result<Response, AppError> {
    let snapshot = state.portal.get(&state).await?;
    let published = &snapshot.data;
    let page_no = q.page.unwrap_or(1).max(1);
    let rows: Vec<AwardRow> =
        published.awards.iter().skip((page_no - 1) * PAGE_SIZE).take(PAGE_SIZE).cloned().collect();
    let ledger = snapshot.ledger.checkpoint.clone();
    page(
        &state,
        "portal_awards.html",
        lang,
        "awards",
        ledger,
        context! { rows => rows, total => published.awards.len(), page => page_no, pages => published.awards.len().div_ceil(PAGE_SIZE).max(1) },
    )
}

pub async fn inspections(State(state): State<AppState>, lang: Lang) -> Result<Response, AppError> {
    let snapshot = state.portal.get(&state).await?;
    let results = &snapshot.ledger.results;
    let draws: Vec<Value> = snapshot
        .ledger
        .draws
        .iter()
        .map(|d| {
            context! {
                commitment => d.commitment.clone(),
                short => d.commitment[..12].to_owned(),
                title => d.title(),
                items => d.plan.items.join("、"),
                targets => d.plan.targets.len(),
                drawn => d.result.as_ref().map(|(_, r)| r.selections.len()),
                published => results.get(&d.commitment).map_or(0, Vec::len),
                committed_on => d.committed_at.get(..10).unwrap_or("").to_owned(),
                plan_index => d.plan_index,
                result_index => d.result.as_ref().map(|(i, _)| *i),
            }
        })
        .collect();
    let ledger = snapshot.ledger.checkpoint.clone();
    page(&state, "portal_inspections.html", lang, "inspections", ledger, context! { draws => draws })
}

pub async fn draw(
    State(state): State<AppState>,
    lang: Lang,
    Path(commitment): Path<String>,
) -> Result<Response, AppError> {
    let snapshot = state.portal.get(&state).await?;
    let d = snapshot.ledger.draw(&commitment).ok_or(AppError::NotFound)?;
    let results = snapshot.ledger.results.get(&d.commitment).map(Vec::as_slice).unwrap_or_default();
    let result_of = |target: &str| results.iter().rev().find(|(_, v)| v["target"] == target);
    let selections: Vec<Value> = d
        .result
        .as_ref()
        .map(|(_, r)| r.selections.as_slice())
        .unwrap_or_default()
        .iter()
        .map(|s| {
            let published = result_of(&s.target);
            context! {
                target => s.target.clone(),
                name => d.target_name(&s.target).unwrap_or("").to_owned(),
                stratum => s.stratum.clone(),
                inspectors => s.inspectors.join("、"),
                outcome => published.map(|(_, v)| crate::inspections::outcome_label(lang, v["outcome"].as_str().unwrap_or(""))),
                findings => published.map(|(_, v)| domain::mask::scrub(v["findings"].as_str().unwrap_or(""))),
                checked_on => published.map(|(_, v)| v["checked_on"].as_str().unwrap_or("").to_owned()),
                published_on => published.map(|(_, v)| v["published_on"].as_str().unwrap_or("").to_owned()),
                index => published.map(|(i, _)| *i),
            }
        })
        .collect();
    let teams: Vec<Value> = d
        .plan
        .teams()
        .unwrap_or_default()
        .iter()
        .map(|t| context! { department => t.department.clone(), inspectors => t.inspectors.len(), per_target => t.per_target })
        .collect();
    let strata: Vec<Value> = d
        .plan
        .strata
        .iter()
        .map(|(s, rate)| {
            let n = d.plan.targets.iter().filter(|t| t.stratum == *s).count();
            context! { stratum => s.clone(), rate => format!("{}.{}%", rate / 10, rate % 10), targets => n }
        })
        .collect();
    let ledger = snapshot.ledger.checkpoint.clone();
    page(
        &state,
        "portal_draw.html",
        lang,
        "inspections",
        ledger,
        context! {
            commitment => d.commitment.clone(),
            title => d.title(),
            items => d.plan.items.join("、"),
            committed_at => d.committed_at.clone(),
            plan_index => d.plan_index,
            result_index => d.result.as_ref().map(|(i, _)| *i),
            seed => d.result.as_ref().map(|(_, r)| r.seed.clone()),
            beacon => d.plan.beacon.clone(),
            beacon_value => d.result.as_ref().and_then(|(_, r)| r.beacon_value.clone()),
            secret_commitments => d.plan.secret_commitments.clone(),
            reveals => d.result.as_ref().map(|(_, r)| r.reveals.clone()),
            conflicts => d.plan.conflicts.len(),
            strata => strata,
            teams => teams,
            selections => selections,
        },
    )
}

/// `plan.json` or `result.json` of a draw, for `qingfeng draw verify`.
pub async fn draw_file(
    State(state): State<AppState>,
    Path((commitment, file)): Path<(String, String)>,
) -> Result<Response, AppError> {
    let snapshot = state.portal.get(&state).await?;
    let d = snapshot.ledger.draw(&commitment).ok_or(AppError::NotFound)?;
    let body = match file.as_str() {
        "plan.json" => d.plan_text.clone(),
        "result.json" => {
            let (_, result) = d.result.as_ref().ok_or(AppError::NotFound)?;
            serde_json::to_string_pretty(result).map_err(AppError::internal)?
        }
        _ => return Err(AppError::NotFound),
    };
    Ok(([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "public, max-age=300")], body)
        .into_response())
}

pub async fn notices(State(state): State<AppState>, lang: Lang) -> Result<Response, AppError> {
    let snapshot = state.portal.get(&state).await?;
    let notices: Vec<Value> = snapshot
        .ledger
        .notices
        .iter()
        .map(|(index, v, withdrawal)| {
            let text = |k: &str| domain::mask::scrub(v[k].as_str().unwrap_or(""));
            match withdrawal {
                // A withdrawn notice keeps its place and its withdrawal, not its text.
                Some((by, w)) => context! {
                    index => index, withdrawn => true, by => by,
                    reason => domain::mask::scrub(w["reason"].as_str().unwrap_or("")),
                    on => w["withdrawn_on"].as_str().unwrap_or("").to_owned(),
                },
                None => context! {
                    index => index, withdrawn => false, title => text("title"), body => text("body"),
                    on => v["published_on"].as_str().unwrap_or("").to_owned(),
                },
            }
        })
        .collect();
    let ledger = snapshot.ledger.checkpoint.clone();
    page(&state, "portal_notices.html", lang, "notices", ledger, context! { notices => notices })
}

/// The inclusion proof of a ledger entry under the latest checkpoint (JSON),
/// what `qingfeng verify` checks.
pub async fn proof(State(state): State<AppState>, Path(index): Path<String>) -> Result<Response, AppError> {
    let index: u64 = index.trim_end_matches(".json").parse().map_err(|_| AppError::NotFound)?;
    let snapshot = state.portal.get(&state).await?;
    if let Some(by) = snapshot.ledger.withdrawn.get(&index) {
        // Taken down: the leaf stays in the log (its tiles still prove the log whole), the record is no longer served.
        let body = serde_json::json!({"index": index, "withdrawn_by": by}).to_string();
        return Ok((axum::http::StatusCode::GONE, [(header::CONTENT_TYPE, "application/json")], body).into_response());
    }
    let bundle = state.warehouse.inclusion_bundle(index).await?.ok_or(AppError::NotFound)?;
    let body = serde_json::to_string_pretty(&bundle).map_err(AppError::internal)?;
    Ok(([(header::CONTENT_TYPE, "application/json"), (header::CACHE_CONTROL, "public, max-age=5")], body)
        .into_response())
}
