//! Recording to the audit trail, and the auditor's pages. Every write and every
//! sensitive read (a warning, a clue, an export, the trail itself) is recorded
//! before the page is served: if it cannot be recorded, the page is not served.
//! A clue's steps are recorded by the store in the step's own transaction.

use crate::auth::CurrentUser;
use crate::i18n::Lang;
use crate::pages::render;
use crate::{AppError, AppState};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{Html, IntoResponse, Response};
use minijinja::{Value, context};
use serde::Deserialize;

fn now() -> String {
    warehouse::china_now().to_rfc3339()
}

/// The signed-in user as the audit trail names them. Writes that the store records in
/// their own transaction (clues) take this; other events go through [`record`].
pub(crate) fn actor(user: &CurrentUser) -> store::Actor {
    store::Actor {
        name: user.user.username.clone(),
        role: user.user.role.as_str().to_owned(),
        address: user.address.map(|a| a.to_string()),
    }
}

/// The audit entry of what a signed-in user does now, for writes that the
/// store records in the same transaction.
pub(crate) fn entry(user: &CurrentUser, action: &str, object: &str, detail: serde_json::Value) -> store::NewAudit {
    let who = actor(user);
    store::NewAudit {
        at: now(),
        actor: who.name,
        role: who.role,
        address: who.address,
        action: action.to_owned(),
        object: object.to_owned(),
        detail: detail.to_string(),
    }
}

/// Records what a signed-in user did.
pub(crate) async fn record(
    state: &AppState,
    user: &CurrentUser,
    action: &str,
    object: &str,
    detail: serde_json::Value,
) -> Result<(), AppError> {
    state.warehouse.store().audit_append(&entry(user, action, object, detail)).await?;
    Ok(())
}

/// Records a sign-in attempt, which has no session yet.
pub(crate) async fn record_sign_in(
    state: &AppState,
    username: &str,
    role: Option<store::Role>,
    address: Option<std::net::IpAddr>,
    ok: bool,
) -> Result<(), AppError> {
    let entry = store::NewAudit {
        at: now(),
        actor: username.chars().take(64).collect(),
        role: role.map(|r| r.as_str().to_owned()).unwrap_or_default(),
        address: address.map(|a| a.to_string()),
        action: if ok { "sign_in" } else { "sign_in.failed" }.to_owned(),
        object: format!("user:{}", username.chars().take(64).collect::<String>()),
        detail: "{}".to_owned(),
    };
    state.warehouse.store().audit_append(&entry).await?;
    Ok(())
}

/// The whole trail and whether it verifies.
async fn whole(state: &AppState) -> Result<(Vec<store::AuditEntry>, Result<(), store::Broken>), AppError> {
    Ok(store::audit_trail(state.warehouse.store().as_ref()).await?)
}

#[derive(Deserialize)]
pub struct AuditQuery {
    actor: Option<String>,
    action: Option<String>,
}

/// `GET /audit`: the latest entries (filtered by actor or action) and the chain's state.
pub async fn page(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Query(q): Query<AuditQuery>,
) -> Result<Html<String>, AppError> {
    user.require(crate::auth::AUDIT)?;
    record(&state, &user, "audit.view", "audit", serde_json::json!({})).await?;
    let (entries, check) = whole(&state).await?;
    let actor = q.actor.unwrap_or_default();
    let action = q.action.unwrap_or_default();
    let shown: Vec<Value> = entries
        .iter()
        .rev()
        .filter(|e| actor.is_empty() || e.entry.actor == actor)
        .filter(|e| action.is_empty() || e.entry.action.starts_with(&action))
        .take(500)
        .map(|e| {
            context! {
                seq => e.seq, at => e.entry.at.clone(), actor => e.entry.actor.clone(), role => e.entry.role.clone(),
                address => e.entry.address.clone(), action => e.entry.action.clone(), object => e.entry.object.clone(),
                detail => e.entry.detail.clone(), hash => e.hash[..16].to_owned(),
            }
        })
        .collect();
    let page = context! {
        entries => shown,
        total => entries.len(),
        intact => check.is_ok(),
        broken => check.err().map(|b| b.to_string()),
        actor => actor,
        action => action,
    };
    render(&state, "audit.html", lang, Some(&user), "audit", page)
}

/// `GET /audit/export.csv`: the whole trail with its hashes, for checking elsewhere.
pub async fn export_csv(State(state): State<AppState>, user: CurrentUser) -> Result<Response, AppError> {
    user.require(crate::auth::AUDIT)?;
    record(&state, &user, "audit.export", "audit", serde_json::json!({})).await?;
    let (entries, _) = whole(&state).await?;
    let mut w = csv::Writer::from_writer(Vec::new());
    let fail = |e: csv::Error| AppError::internal(e);
    w.write_record(["seq", "at", "actor", "role", "address", "action", "object", "detail", "prev_hash", "hash"])
        .map_err(fail)?;
    for e in &entries {
        let seq = e.seq.to_string();
        let a = &e.entry;
        w.write_record([
            seq.as_str(),
            &a.at,
            &a.actor,
            &a.role,
            a.address.as_deref().unwrap_or(""),
            &a.action,
            &a.object,
            &a.detail,
            &e.prev_hash,
            &e.hash,
        ])
        .map_err(fail)?;
    }
    let bytes = w.into_inner().map_err(|e| AppError::internal(e.to_string()))?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"audit.csv\""),
        ],
        bytes,
    )
        .into_response())
}
