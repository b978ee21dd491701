//! Rectification tasks (整改任务): what a clue's disposal asks of the
//! responsible unit. A department clerk sees the tasks of their own unit only —
//! the requirement and the deadline, never the clue's title, warnings or
//! persons — and reports each done; supervisors see every unit's.

use crate::auth::CurrentUser;
use crate::i18n::Lang;
use crate::pages::render;
use crate::{AppError, AppState};
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::context;
use std::collections::HashMap;
use store::{Action, ClueFilter, ClueRecord, ClueStatus, Role};

const TASK_ROLES: &[Role] = &[Role::Admin, Role::Supervisor, Role::Clerk];

/// The tasks the user may see: a clerk's unit's, or (directing roles) every unit's.
async fn visible(state: &AppState, user: &CurrentUser) -> Result<Vec<ClueRecord>, AppError> {
    let filter = match user.user.role {
        Role::Clerk => match &user.user.unit_code {
            Some(unit) => ClueFilter { rectify_unit: Some(unit.clone()), ..Default::default() },
            None => return Ok(Vec::new()),
        },
        _ => ClueFilter::default(),
    };
    let mut tasks = Vec::new();
    for clue in state.warehouse.store().clues(&filter).await? {
        // A clerk's tasks are their unit's wherever it is; others see their region's.
        if clue.rectify_unit.is_some()
            && (user.user.role == Role::Clerk || crate::auth::sees_clue(state, &user.user, &clue).await?)
        {
            tasks.push(clue);
        }
    }
    Ok(tasks)
}

/// The requirement: the note of the clue's latest rectification order.
async fn requirement(state: &AppState, clue: &ClueRecord) -> Result<String, AppError> {
    let (_, events) = state.warehouse.store().clue_details(clue.id).await?;
    Ok(events.iter().rev().find(|e| e.action == "rectify").map(|e| e.note.clone()).unwrap_or_default())
}

/// `GET /tasks`
pub async fn list(State(state): State<AppState>, lang: Lang, user: CurrentUser) -> Result<Html<String>, AppError> {
    user.require(TASK_ROLES)?;
    let today = warehouse::china_now().format("%Y-%m-%d").to_string();
    let mut tasks = Vec::new();
    for clue in visible(&state, &user).await? {
        let state_key = match (clue.status, &clue.rectified_at) {
            (ClueStatus::Closed, _) => "task_closed",
            (_, Some(_)) => "task_done",
            _ => "task_open",
        };
        tasks.push(context! {
            code => clue.code.clone(),
            // The clerk sees the task, not the clue.
            title => (user.user.role != Role::Clerk).then(|| clue.title.clone()),
            unit => clue.rectify_unit.clone(),
            deadline => clue.rectify_deadline.clone(),
            requirement => requirement(&state, &clue).await?,
            state => crate::i18n::get(lang, state_key),
            open => state_key == "task_open",
            overdue => clue.overdue(&today),
            rectified_at => clue.rectified_at.clone(),
            version => clue.version,
        });
    }
    let page = context! {
        tasks => tasks,
        no_unit => user.user.role == Role::Clerk && user.user.unit_code.is_none(),
        today => today,
    };
    render(&state, "tasks.html", lang, Some(&user), "tasks", page)
}

/// `POST /tasks/{code}`: the unit reports the rectification done.
pub async fn done(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    user.require(TASK_ROLES)?;
    let visible = visible(&state, &user).await?;
    let clue = visible.iter().find(|c| c.code == code).ok_or(AppError::NotFound)?;
    let version: i64 = form
        .get("version")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AppError::BadRequest("缺少版本 / the form has no version".into()))?;
    let note: String = form.get("note").map(|n| n.trim().chars().take(2000).collect()).unwrap_or_default();
    if note.is_empty() {
        return Err(AppError::BadRequest("请说明整改情况 / say what was done".into()));
    }
    let actor = crate::audit::actor(&user);
    let at = warehouse::china_now().to_rfc3339();
    match state.warehouse.store().act_on_clue(&clue.code, version, &Action::Rectified, &actor, &note, &at).await {
        Ok(_) => Ok(Redirect::to("/tasks").into_response()),
        Err(e @ store::StoreError::Conflict { .. }) => Err(AppError::BadRequest(e.to_string())),
        Err(store::StoreError::Transition(e)) => Err(AppError::BadRequest(e.to_string())),
        Err(e) => Err(e.into()),
    }
}
