//! Conduct (四风) pages: a unit's reimbursements with their warnings, and an
//! official vehicle's fuel history on a calendar heat-map.

use crate::auth::CurrentUser;
use crate::i18n::{self, Lang};
use crate::pages::render;
use crate::{AppError, AppState};
use axum::extract::{Path, State};
use axum::response::Html;
use chrono::NaiveDate;
use minijinja::{Value, context};
use std::collections::BTreeMap;
use store::{WarningFilter, WarningRecord};
use warehouse::SourceRecord;

fn get<'a>(r: &'a SourceRecord, key: &str) -> &'a str {
    r.values.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str()).unwrap_or("")
}

fn badges(warnings: &[&WarningRecord]) -> Vec<Value> {
    warnings
        .iter()
        .map(|w| context! { id => w.id.clone(), model => w.model.clone(), severity => w.severity.clone() })
        .collect()
}

pub async fn unit_claims(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(org): Path<String>,
) -> Result<Html<String>, AppError> {
    user.require(crate::auth::SUPERVISION)?;
    user.require_unscoped()?;
    let claims = state.warehouse.records_where("reimbursement", "org_code", std::slice::from_ref(&org)).await?;
    let filter = WarningFilter { org_code: Some(org.clone()), all_statuses: false, ..Default::default() };
    let (warnings, _) = state.warehouse.store().warnings(&filter).await?;
    let mut by_claim: BTreeMap<&str, Vec<&WarningRecord>> = BTreeMap::new();
    for w in warnings.iter().filter(|w| w.subject_kind == "claim") {
        by_claim.entry(w.subject_id.as_str()).or_default().push(w);
    }
    let mut rows: Vec<(String, Value)> = claims
        .iter()
        .map(|r| {
            let id = get(r, "claim_id");
            let category = get(r, "category");
            let label = i18n::enum_label(lang, "reimbursement", "category", category);
            let flagged = by_claim.get(id).map(|w| badges(w)).unwrap_or_default();
            (
                get(r, "expense_date").to_owned(),
                context! {
                    claim_id => id, date => get(r, "expense_date"), category => label, vendor => get(r, "vendor_name"),
                    amount => get(r, "amount"), guests => get(r, "guests"), companions => get(r, "companions"),
                    claimant => get(r, "claimant_name"), approval => get(r, "approval_doc"), warnings => flagged,
                },
            )
        })
        .collect();
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    let name =
        warnings.iter().find(|w| w.subject_kind == "unit" || w.subject_kind == "claim").map(|w| w.subject_name.clone());
    let page = context! {
        org => org,
        name => name,
        claims => rows.into_iter().map(|(_, v)| v).collect::<Vec<_>>(),
        flagged => by_claim.len(),
    };
    render(&state, "unit_claims.html", lang, Some(&user), "warnings", page)
}

pub async fn vehicle(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(plate): Path<String>,
) -> Result<Html<String>, AppError> {
    user.require(crate::auth::SUPERVISION)?;
    user.require_unscoped()?;
    let cars = state.warehouse.records_where("official_vehicle", "plate", std::slice::from_ref(&plate)).await?;
    let car = cars.last();
    let home = car.map(|c| get(c, "city").to_owned()).unwrap_or_default();
    let card = car.map(|c| get(c, "fuel_card_no").to_owned()).filter(|c| !c.is_empty());
    let mut refuels = state.warehouse.records_where("fuel_record", "plate", std::slice::from_ref(&plate)).await?;
    if let Some(card) = &card {
        // Refuels that name only the card.
        let by_card = state.warehouse.records_where("fuel_record", "card_no", std::slice::from_ref(card)).await?;
        refuels.extend(by_card.into_iter().filter(|r| get(r, "plate").is_empty()));
    }
    refuels.sort_by(|a, b| get(a, "time").cmp(get(b, "time")));
    let filter = WarningFilter { subject_id: Some(plate.clone()), ..Default::default() };
    let (warnings, _) = state.warehouse.store().warnings(&filter).await?;
    let mut per_day: BTreeMap<String, f64> = BTreeMap::new();
    let mut marks = Vec::new();
    let rows: Vec<Value> = refuels
        .iter()
        .map(|r| {
            let time = get(r, "time");
            let day = time.get(..10).unwrap_or_default().to_owned();
            let litres: f64 = get(r, "litres").parse().unwrap_or(0.0);
            *per_day.entry(day.clone()).or_default() += litres;
            let rest = NaiveDate::parse_from_str(&day, "%Y-%m-%d").is_ok_and(domain::calendar::is_rest_day);
            let city = get(r, "city");
            let away = !city.is_empty() && !home.is_empty() && city != home;
            if rest || away {
                marks.push(serde_json::json!([day, litres, if rest { "rest" } else { "away" }]));
            }
            context! { time => time, station => get(r, "station"), city => city, litres => get(r, "litres"), product => get(r, "product"), amount => get(r, "amount"), rest => rest, away => away }
        })
        .collect();
    let years: Vec<i32> = per_day
        .keys()
        .filter_map(|d| d.get(..4)?.parse().ok())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let chart = serde_json::json!({
        "years": years,
        "days": per_day.iter().map(|(d, l)| serde_json::json!([d, (l * 10.0).round() / 10.0])).collect::<Vec<_>>(),
        "marks": marks,
        "labels": {"litres": i18n::get(lang, "vehicle_litres"), "rest": i18n::get(lang, "vehicle_rest_day"), "away": i18n::get(lang, "vehicle_out_of_town")},
    });
    let page = context! {
        plate => plate,
        car => car.map(|c| context! { org => get(c, "org_code"), model => get(c, "vehicle_type"), fuel => get(c, "fuel_type"), tank => get(c, "tank_capacity"), card => get(c, "fuel_card_no"), city => get(c, "city") }),
        refuels => rows,
        chart => chart.to_string(),
        warnings => warnings.iter().map(|w| context! { id => w.id.clone(), model => w.model.clone(), severity => w.severity.clone(), reason => if lang == Lang::Zh { w.reason_zh.clone() } else { w.reason_en.clone() } }).collect::<Vec<_>>(),
    };
    render(&state, "vehicle.html", lang, Some(&user), "warnings", page)
}
