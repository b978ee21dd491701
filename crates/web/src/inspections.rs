//! Staff pages of random inspections: the draws with their results against the
//! 20-working-day rule, entering a drawn target's result, publishing.

use crate::auth::{self, CurrentUser};
use crate::i18n::Lang;
use crate::pages::render;
use crate::{AppError, AppState};
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use std::collections::HashMap;
use warehouse::inspections::{Draw, OUTCOMES, Timeliness, result_timeliness};

/// An outcome key in the page's language.
pub(crate) fn outcome_label(lang: Lang, key: &str) -> String {
    OUTCOMES
        .iter()
        .find(|(k, _, _)| *k == key)
        .map(|(_, zh, en)| if lang == Lang::Zh { *zh } else { *en })
        .unwrap_or(key)
        .to_owned()
}

fn standing_key(t: Timeliness) -> &'static str {
    match t {
        Timeliness::OnTime => "insp_on_time",
        Timeliness::Late => "insp_late",
        Timeliness::Due => "insp_due_state",
        Timeliness::Overdue => "insp_overdue_state",
    }
}

/// Each drawn target of a draw with its result and standing.
async fn rows(state: &AppState, lang: Lang, draw: &Draw) -> Result<Vec<Value>, AppError> {
    let results: HashMap<String, store::InspectionResult> = state
        .warehouse
        .store()
        .inspection_results(Some(&draw.commitment))
        .await?
        .into_iter()
        .map(|r| (r.target.clone(), r))
        .collect();
    let calendar = state.warehouse.calendar_overrides().await?;
    let today = warehouse::china_now().date_naive();
    let selections = draw.result.as_ref().map(|(_, r)| r.selections.as_slice()).unwrap_or_default();
    Ok(selections
        .iter()
        .map(|s| {
            let result = results.get(&s.target);
            let standing = result.and_then(|r| result_timeliness(r, today, &calendar));
            context! {
                target => s.target.clone(),
                name => draw.target_name(&s.target).unwrap_or("").to_owned(),
                inspectors => s.inspectors.join("、"),
                entered => result.is_some(),
                published => result.is_some_and(|r| r.published_at.is_some()),
                checked_on => result.map(|r| r.checked_on.clone()),
                outcome => result.map(|r| r.outcome.clone()),
                outcome_label => result.map(|r| outcome_label(lang, &r.outcome)),
                findings => result.map(|r| r.findings.clone()),
                due => standing.map(|(due, _)| due.to_string()),
                standing => standing.map(|(_, t)| crate::i18n::get(lang, standing_key(t))),
                overdue => standing.is_some_and(|(_, t)| t == Timeliness::Overdue),
                index => result.and_then(|r| r.ledger_index),
            }
        })
        .collect())
}

/// `GET /inspections`: every draw, with its results' standing.
pub async fn list(State(state): State<AppState>, lang: Lang, user: CurrentUser) -> Result<Html<String>, AppError> {
    user.require(auth::DATA)?;
    user.require_unscoped()?;
    let mut draws = Vec::new();
    for d in state.warehouse.draws().await? {
        let rows = rows(&state, lang, &d).await?;
        let count = |key: &str| rows.iter().filter(|r| r.get_attr(key).is_ok_and(|v| v.is_true())).count();
        draws.push(context! {
            short => d.commitment[..12].to_owned(),
            title => d.title(),
            committed_on => d.committed_at.get(..10).unwrap_or("").to_owned(),
            drawn => d.result.as_ref().map(|(_, r)| r.selections.len()),
            entered => count("entered"),
            published => count("published"),
            overdue => count("overdue"),
        });
    }
    render(&state, "inspections.html", lang, Some(&user), "inspections", context! { draws => draws })
}

async fn find(state: &AppState, code: &str) -> Result<Draw, AppError> {
    state.warehouse.draw(code).await?.ok_or(AppError::NotFound)
}

fn page(
    state: &AppState,
    lang: Lang,
    user: &CurrentUser,
    draw: &Draw,
    rows: Vec<Value>,
    message: Option<String>,
) -> Result<Html<String>, AppError> {
    let outcomes: Vec<Value> = OUTCOMES
        .iter()
        .map(|(key, zh, en)| context! { key => *key, label => if lang == Lang::Zh { *zh } else { *en } })
        .collect();
    let pending = rows.iter().filter(|r| {
        r.get_attr("entered").is_ok_and(|v| v.is_true()) && !r.get_attr("published").is_ok_and(|v| v.is_true())
    });
    let pending = pending.count();
    render(
        state,
        "inspection.html",
        lang,
        Some(user),
        "inspections",
        context! {
            short => draw.commitment[..12].to_owned(),
            commitment => draw.commitment.clone(),
            title => draw.title(),
            drawn => draw.result.is_some(),
            rows => rows,
            outcomes => outcomes,
            pending => pending,
            today => warehouse::china_now().date_naive().to_string(),
            message => message,
        },
    )
}

/// `GET /inspections/{draw}`: the drawn targets, each with its result or a form to enter it.
pub async fn detail(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Html<String>, AppError> {
    user.require(auth::DATA)?;
    user.require_unscoped()?;
    let draw = find(&state, &code).await?;
    let rows = rows(&state, lang, &draw).await?;
    page(&state, lang, &user, &draw, rows, None)
}

/// `POST /inspections/{draw}`: enter a result (`action=result`) or publish the entered ones (`action=publish`).
pub async fn act(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    user.require(auth::DATA)?;
    user.require_unscoped()?;
    let draw = find(&state, &code).await?;
    let field = |k: &str| form.get(k).map(String::as_str).unwrap_or("");
    let location = format!("/inspections/{}", &draw.commitment[..12]);
    match field("action") {
        "result" => {
            let actor = crate::audit::actor(&user);
            match state
                .warehouse
                .enter_result(&draw, field("target"), field("checked"), field("outcome"), field("findings"), &actor)
                .await
            {
                Ok(_) => Ok(Redirect::to(&location).into_response()),
                Err(warehouse::inspections::ResultError::Warehouse(e)) => Err(e.into()),
                Err(e) => {
                    let rows = rows(&state, lang, &draw).await?;
                    let html = page(&state, lang, &user, &draw, rows, Some(e.to_string()))?;
                    Ok((axum::http::StatusCode::BAD_REQUEST, html).into_response())
                }
            }
        }
        "publish" => {
            let published = state.warehouse.publish_results(&draw).await?;
            let detail = serde_json::json!({
                "published": published.iter().map(|(t, i)| serde_json::json!({"target": t, "ledger_index": i})).collect::<Vec<_>>(),
            });
            crate::audit::record(
                &state,
                &user,
                "inspection.publish",
                &format!("inspection:{}", &draw.commitment[..12]),
                detail,
            )
            .await?;
            Ok(Redirect::to(&location).into_response())
        }
        other => Err(AppError::BadRequest(format!("未知操作 / unknown action {other:?}"))),
    }
}
