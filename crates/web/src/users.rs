//! The security administrator's pages (安全管理员): accounts and their roles.
//! Under 三员分立 only the security administrator manages accounts; the system
//! administrator runs the system and the auditor reads the trail. Every change
//! is in the audit trail, written in the change's own transaction.

use crate::auth::{self, CurrentUser};
use crate::i18n::Lang;
use crate::pages::render;
use crate::{AppError, AppState};
use axum::Form;
use axum::extract::{Path, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use std::collections::HashMap;
use store::Role;

const SECURITY: &[Role] = &[Role::SecurityAdmin];

fn audit(user: &CurrentUser, action: &str, object: &str, detail: serde_json::Value) -> store::NewAudit {
    let who = crate::audit::actor(user);
    store::NewAudit {
        at: warehouse::china_now().to_rfc3339(),
        actor: who.name,
        role: who.role,
        address: who.address,
        action: action.into(),
        object: object.into(),
        detail: detail.to_string(),
    }
}

fn one_time_password() -> Result<String, AppError> {
    Ok(auth::random_token()?.chars().take(16).collect())
}

async fn page(
    state: &AppState,
    lang: Lang,
    user: &CurrentUser,
    shown: Option<(String, String)>,
    message: Option<String>,
) -> Result<Html<String>, AppError> {
    let users: Vec<Value> = state
        .warehouse
        .store()
        .users()
        .await?
        .iter()
        .map(|u| {
            context! {
                id => u.id, username => u.username.clone(), name => u.display_name.clone(),
                role => crate::i18n::get(lang, &format!("role_{}", u.role.as_str())),
                unit => u.unit_code.clone(), region => u.region_code.clone(), disabled => u.disabled, own => u.id == user.user.id,
            }
        })
        .collect();
    let roles: Vec<Value> = Role::ALL
        .iter()
        .map(|r| context! { key => r.as_str(), label => crate::i18n::get(lang, &format!("role_{}", r.as_str())) })
        .collect();
    let page = context! {
        users => users, roles => roles, message => message,
        shown_user => shown.as_ref().map(|s| s.0.clone()), shown_password => shown.map(|s| s.1),
    };
    render(state, "users.html", lang, Some(user), "users", page)
}

/// `GET /users`
pub async fn list(State(state): State<AppState>, lang: Lang, user: CurrentUser) -> Result<Html<String>, AppError> {
    user.require(SECURITY)?;
    page(&state, lang, &user, None, None).await
}

/// `POST /users`: a new account; its one-time password is shown once.
pub async fn create(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    user.require(SECURITY)?;
    let field = |k: &str| form.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let username = field("username");
    let valid = !username.is_empty()
        && username.len() <= 64
        && username.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    let Some(role) = Role::parse(&field("role")) else {
        return Err(AppError::BadRequest("请选择角色 / choose a role".into()));
    };
    if !valid {
        let message = "用户名只能由字母、数字和 - _ . 组成 / a user name is letters, digits, - _ . only".to_owned();
        let html = page(&state, lang, &user, None, Some(message)).await?;
        return Ok((axum::http::StatusCode::BAD_REQUEST, html).into_response());
    }
    let unit = Some(field("unit")).filter(|u| !u.is_empty());
    let region = Some(field("region")).filter(|r| !r.is_empty());
    if region.as_ref().is_some_and(|r| !r.chars().all(|c| c.is_ascii_digit()) || r.len() > 12) {
        let message = "区划应为数字代码或其前缀 / a region is a numeric code or its prefix".to_owned();
        let html = page(&state, lang, &user, None, Some(message)).await?;
        return Ok((axum::http::StatusCode::BAD_REQUEST, html).into_response());
    }
    let password = one_time_password()?;
    let new = store::NewUser {
        display_name: Some(field("name")).filter(|n| !n.is_empty()).unwrap_or_else(|| username.clone()),
        username: username.clone(),
        role,
        password_hash: auth::hash_password(&password).map_err(AppError::internal)?,
        unit_code: unit.clone(),
    };
    let id = match state.warehouse.store().create_user(&new, chrono::Utc::now().timestamp()).await {
        Ok(id) => id,
        Err(e @ store::StoreError::UserExists(_)) => {
            let html = page(&state, lang, &user, None, Some(e.to_string())).await?;
            return Ok((axum::http::StatusCode::CONFLICT, html).into_response());
        }
        Err(e) => return Err(e.into()),
    };
    let entry = audit(
        &user,
        "user.create",
        &format!("user:{username}"),
        serde_json::json!({ "role": role.as_str(), "unit": unit }),
    );
    state.warehouse.store().audit_append(&entry).await?;
    if let Some(region) = &region {
        let scoped = audit(&user, "user.region", &format!("user:{username}"), serde_json::json!({ "region": region }));
        state.warehouse.store().set_user_region(id, Some(region), &scoped).await?;
    }
    Ok(page(&state, lang, &user, Some((username, password)), None).await?.into_response())
}

/// `POST /users/{id}`: `action=disable|enable|reset` (a reset shows a new one-time password once).
pub async fn act(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    user.require(SECURITY)?;
    let store = state.warehouse.store();
    let target = store.users().await?.into_iter().find(|u| u.id == id).ok_or(AppError::NotFound)?;
    let object = format!("user:{}", target.username);
    match form.get("action").map(String::as_str) {
        Some(action @ ("disable" | "enable")) => {
            if target.id == user.user.id {
                return Err(AppError::BadRequest("不能停用自己的账号 / you cannot disable your own account".into()));
            }
            let disabled = action == "disable";
            store
                .set_user_disabled(
                    id,
                    disabled,
                    &audit(&user, &format!("user.{action}"), &object, serde_json::json!({})),
                )
                .await?;
            Ok(Redirect::to("/users").into_response())
        }
        Some("reset") => {
            let password = one_time_password()?;
            let hash = auth::hash_password(&password).map_err(AppError::internal)?;
            store.set_password(id, &hash, &audit(&user, "user.reset_password", &object, serde_json::json!({}))).await?;
            Ok(page(&state, lang, &user, Some((target.username, password)), None).await?.into_response())
        }
        other => Err(AppError::BadRequest(format!("未知操作 / unknown action {other:?}"))),
    }
}
