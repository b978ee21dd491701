//! The clue workflow's pages: the clue list, a clue with its history and the
//! steps its state allows, and the forms that make and move clues. Supervisors
//! and administrators do everything; a handler sees and works only the clues
//! assigned to them; a department clerk sees none.

use crate::auth::CurrentUser;
use crate::i18n::{self, Lang};
use crate::pages::render;
use crate::{AppError, AppState};
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;
use std::collections::HashMap;
use store::{Action, ClueFilter, ClueRecord, ClueStatus, Role, StoreError, Verdict};

/// Who may work clues at all (docs/authorization.md); handlers only their own.
const CLUE_ROLES: &[Role] = &[Role::Admin, Role::Supervisor, Role::Handler];

fn now() -> chrono::DateTime<chrono::FixedOffset> {
    warehouse::china_now()
}

/// Whether the user directs the workflow (makes, assigns, disposes of, closes clues).
fn directs(user: &CurrentUser) -> bool {
    matches!(user.user.role, Role::Admin | Role::Supervisor)
}

/// Whether the user may see this clue.
fn may_see(user: &CurrentUser, clue: &ClueRecord) -> bool {
    directs(user) || (user.user.role == Role::Handler && clue.handler.as_deref() == Some(user.user.username.as_str()))
}

/// The clue `code` if the user may see it: theirs (a handler) and within their region.
/// Otherwise "not found", so that nobody learns of clues not theirs.
async fn visible_clue(state: &AppState, user: &CurrentUser, code: &str) -> Result<ClueRecord, AppError> {
    let clue = state.warehouse.store().clue(code).await?.ok_or(AppError::NotFound)?;
    if !may_see(user, &clue) || !crate::auth::sees_clue(state, &user.user, &clue).await? {
        return Err(AppError::NotFound);
    }
    Ok(clue)
}

/// The steps a user may take on a clue in its present state.
fn allowed(user: &CurrentUser, clue: &ClueRecord) -> Vec<&'static str> {
    let handler = clue.handler.as_deref() == Some(user.user.username.as_str());
    let mut steps = Vec::new();
    let probe = |a: Action| clue.apply(&a, "").is_ok();
    let d = || "2000-01-01".to_owned();
    if directs(user) && probe(Action::Assign { handler: String::new(), deadline: d() }) {
        steps.push("assign");
    }
    if (directs(user) || handler) && probe(Action::Start) {
        steps.push("start");
    }
    if (directs(user) || handler) && probe(Action::Verify { verdict: Verdict::True }) {
        steps.push("verify");
    }
    let dispose = Action::Dispose { form: store::Form::First, accountable: String::new(), recovered_fen: 0 };
    if directs(user) && probe(dispose) {
        steps.push("dispose");
    }
    if directs(user) && probe(Action::Rectify { unit: String::new(), deadline: d() }) {
        steps.push("rectify");
    }
    if (directs(user) || handler) && probe(Action::Rectified) {
        steps.push("rectified");
    }
    if directs(user) && probe(Action::Close) {
        steps.push("close");
    }
    if clue.status != ClueStatus::Closed && (directs(user) || handler) {
        steps.push("comment");
    }
    if clue.status != ClueStatus::Closed && directs(user) {
        steps.push("merge");
        steps.push("split");
    }
    steps
}

fn status_label(lang: Lang, s: ClueStatus) -> String {
    if lang == Lang::Zh { s.label_zh().to_owned() } else { s.as_str().replace('_', " ") }
}

fn clue_value(lang: Lang, c: &ClueRecord, today: &str) -> Value {
    context! {
        code => c.code.clone(),
        title => c.title.clone(),
        status => c.status.as_str(),
        status_label => status_label(lang, c.status),
        handler => c.handler.clone(),
        deadline => c.deadline.clone(),
        verdict => c.verdict.map(|v| if lang == Lang::Zh { v.label_zh().to_owned() } else { v.as_str().replace('_', " ") }),
        form => c.form.map(|f| if lang == Lang::Zh { f.label_zh().to_owned() } else { format!("{} form", f.as_str()) }),
        accountable => c.accountable.clone(),
        recovered => models::yuan(c.recovered_fen),
        rectify_unit => c.rectify_unit.clone(),
        rectify_deadline => c.rectify_deadline.clone(),
        rectified_at => c.rectified_at.clone(),
        version => c.version,
        created_at => c.created_at.clone(),
        created_by => c.created_by.clone(),
        updated_at => c.updated_at.clone(),
        overdue => c.overdue(today),
    }
}

#[derive(Deserialize)]
pub struct ListQuery {
    status: Option<String>,
}

pub async fn list(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Query(q): Query<ListQuery>,
) -> Result<Html<String>, AppError> {
    let filter = ClueFilter {
        handler: (!directs(&user)).then(|| user.user.username.clone()),
        status: q.status.as_deref().and_then(ClueStatus::parse),
        rectify_unit: None,
    };
    user.require(CLUE_ROLES)?;
    let today = now().format("%Y-%m-%d").to_string();
    let mut clues = Vec::new();
    for clue in state.warehouse.store().clues(&filter).await? {
        if crate::auth::sees_clue(&state, &user.user, &clue).await? {
            clues.push(clue);
        }
    }
    let overdue = clues.iter().filter(|c| c.overdue(&today)).count();
    let statuses: Vec<Value> =
        ClueStatus::ALL.iter().map(|s| context! { key => s.as_str(), label => status_label(lang, *s) }).collect();
    let page = context! {
        clues => clues.iter().map(|c| clue_value(lang, c, &today)).collect::<Vec<_>>(),
        overdue => overdue,
        statuses => statuses,
        status => q.status.unwrap_or_default(),
    };
    render(&state, "clues.html", lang, Some(&user), "clues", page)
}

pub async fn detail(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(code): Path<String>,
) -> Result<Html<String>, AppError> {
    let store = state.warehouse.store();
    user.require(CLUE_ROLES)?;
    let clue = visible_clue(&state, &user, &code).await?;
    crate::audit::record(&state, &user, "clue.view", &format!("clue:{}", clue.code), serde_json::json!({})).await?;
    let (warning_ids, events) = store.clue_details(clue.id).await?;
    let mut warnings = Vec::new();
    for id in &warning_ids {
        if let Some(w) = store.warning(id).await? {
            warnings.push(context! { id => w.id, model => w.model, subject => w.subject_name, reason => if lang == Lang::Zh { w.reason_zh } else { w.reason_en } });
        }
    }
    let today = now().format("%Y-%m-%d").to_string();
    let attachments: Vec<Value> = attachments(&events)
        .into_iter()
        .map(|(name, sha256, bytes, at, by)| context! { name => name, sha256 => sha256, size => size_label(bytes), at => at, by => by })
        .collect();
    let events: Vec<Value> = events
        .iter()
        .map(|e| {
            context! {
                at => e.at.clone(),
                actor => e.actor.clone(),
                action => i18n::get(lang, &format!("clue_action_{}", e.action)),
                from => e.from_status.map(|s| status_label(lang, s)),
                to => status_label(lang, e.to_status),
                note => e.note.clone(),
            }
        })
        .collect();
    let handlers: Vec<String> = store
        .users()
        .await?
        .into_iter()
        .filter(|u| matches!(u.role, Role::Handler | Role::Supervisor) && !u.disabled)
        .map(|u| u.username)
        .collect();
    let verdicts: Vec<Value> = Verdict::ALL
        .iter()
        .map(|v| context! { key => v.as_str(), label => if lang == Lang::Zh { v.label_zh().to_owned() } else { v.as_str().replace('_', " ") } })
        .collect();
    let forms: Vec<Value> = store::Form::ALL
        .iter()
        .map(|f| context! { key => f.as_str(), label => if lang == Lang::Zh { f.label_zh().to_owned() } else { format!("{} form", f.as_str()) } })
        .collect();
    let page = context! {
        clue => clue_value(lang, &clue, &today),
        warnings => warnings,
        events => events,
        steps => allowed(&user, &clue),
        handlers => handlers,
        verdicts => verdicts,
        forms => forms,
        attachments => attachments,
        may_attach => clue.status != ClueStatus::Closed && (directs(&user) || clue.handler.as_deref() == Some(user.user.username.as_str())),
        max_attachment_mb => MAX_ATTACHMENT_BYTES / (1024 * 1024),
    };
    render(&state, "clue.html", lang, Some(&user), "clues", page)
}

/// `POST /clues`: makes one clue of the warnings named (`warning`, once or more).
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let field = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_owned());
    user.check_csrf(field("csrf").as_deref())?;
    user.require(crate::auth::SUPERVISION)?;
    let mut warnings: Vec<String> = fields
        .iter()
        .filter(|(n, v)| n == "warning" && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_owned())
        .collect();
    warnings.dedup();
    let first = warnings.first().ok_or_else(|| AppError::BadRequest("请选择预警 / choose a warning".into()))?;
    let store = state.warehouse.store();
    for id in &warnings {
        let w = store.warning(id).await?.ok_or(AppError::NotFound)?;
        if !user.user.sees_region(w.region_code.as_deref()) {
            return Err(AppError::NotFound);
        }
    }
    let record = store.warning(first).await?.ok_or(AppError::NotFound)?;
    let title = match field("title").filter(|t| !t.is_empty()) {
        Some(t) => t.chars().take(200).collect(),
        None if warnings.len() > 1 => format!("{} {} 等{}条预警", record.model, record.subject_name, warnings.len()),
        None => format!("{} {}", record.model, record.subject_name),
    };
    let clue = store
        .create_clue(&store::NewClue {
            title,
            warnings,
            report: None,
            note: field("note").unwrap_or_default(),
            by: crate::audit::actor(&user),
            at: now().to_rfc3339(),
        })
        .await
        .map_err(|e| match e {
            StoreError::NoSuchWarning(w) => AppError::BadRequest(format!("预警{w}不存在 / no warning {w}")),
            e => e.into(),
        })?;
    Ok(Redirect::to(&format!("/clues/{}", clue.code)).into_response())
}

fn date(form: &HashMap<String, String>, key: &str) -> Result<String, AppError> {
    let text = form.get(key).map(|s| s.trim()).unwrap_or("");
    domain::parse_date(text)
        .map(|d| d.format("%Y-%m-%d").to_string())
        .map_err(|_| AppError::BadRequest(format!("日期无效 / not a date: {text:?} ({key})")))
}

/// The action a form asks for, with its data checked.
fn action_of(form: &HashMap<String, String>) -> Result<Action, AppError> {
    let text = |key: &str| form.get(key).map(|s| s.trim().to_owned()).unwrap_or_default();
    let bad = |what: &str| AppError::BadRequest(what.to_owned());
    Ok(match text("action").as_str() {
        "assign" => {
            let handler = text("handler");
            if handler.is_empty() {
                return Err(bad("请选择承办人 / choose a handler"));
            }
            Action::Assign { handler, deadline: date(form, "deadline")? }
        }
        "start" => Action::Start,
        "verify" => Action::Verify {
            verdict: Verdict::parse(&text("verdict")).ok_or_else(|| bad("请选择核查结论 / choose a verdict"))?,
        },
        "dispose" => {
            let recovered = text("recovered");
            let recovered_fen = if recovered.is_empty() {
                0
            } else {
                domain::Money::parse(&recovered)
                    .map_err(|e| bad(&format!("追缴金额无效 / recovered amount: {e}")))?
                    .fen()
            };
            Action::Dispose {
                form: store::Form::parse(&text("form"))
                    .ok_or_else(|| bad("请选择处置形态 / choose one of the four forms"))?,
                accountable: text("accountable"),
                recovered_fen,
            }
        }
        "rectify" => {
            let unit = text("unit");
            if unit.is_empty() {
                return Err(bad("请填写整改单位 / name the unit that rectifies"));
            }
            Action::Rectify { unit, deadline: date(form, "rectify_deadline")? }
        }
        "rectified" => Action::Rectified,
        "close" => Action::Close,
        "comment" => {
            if text("note").is_empty() {
                return Err(bad("意见不能为空 / a comment needs text"));
            }
            Action::Comment
        }
        other => return Err(bad(&format!("未知操作 / unknown action {other:?}"))),
    })
}

/// `POST /clues/{code}`: one step on a clue, decided on the version the form shows.
pub async fn act(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    user.require(CLUE_ROLES)?;
    let store = state.warehouse.store();
    let clue = visible_clue(&state, &user, &code).await?;
    if form.get("action").map(String::as_str) == Some("merge") {
        return merge(&state, lang, &user, &clue, &form).await;
    }
    if form.get("action").map(String::as_str) == Some("split") {
        return Err(AppError::BadRequest("拆分请用拆分表单 / use the split form".into()));
    }
    let action = action_of(&form)?;
    if !allowed(&user, &clue).contains(&action.name()) && clue.apply(&action, "").is_ok() {
        return Err(AppError::Forbidden);
    }
    let version: i64 = form
        .get("version")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AppError::BadRequest("缺少版本 / the form has no version".into()))?;
    let note: String = form.get("note").map(|n| n.trim().chars().take(2000).collect()).unwrap_or_default();
    let actor = crate::audit::actor(&user);
    match store.act_on_clue(&code, version, &action, &actor, &note, &now().to_rfc3339()).await {
        Ok(c) => {
            if c.status == ClueStatus::Closed && clue.status != ClueStatus::Closed {
                state.warehouse.record_clue_closure(&c).await?;
            }
            Ok(Redirect::to(&format!("/clues/{}", c.code)).into_response())
        }
        Err(e @ StoreError::Conflict { .. }) => {
            let page = context! { message => e.to_string(), code => code };
            let html = render(&state, "clue_conflict.html", lang, Some(&user), "clues", page)?;
            Ok((axum::http::StatusCode::CONFLICT, html).into_response())
        }
        Err(StoreError::Transition(e)) => Err(AppError::BadRequest(e.to_string())),
        Err(e) => Err(e.into()),
    }
}

/// Merges `clue` into the clue the form names (`into`): its warnings join that one,
/// and it is closed as merged.
async fn merge(
    state: &AppState,
    lang: Lang,
    user: &CurrentUser,
    clue: &ClueRecord,
    form: &HashMap<String, String>,
) -> Result<Response, AppError> {
    if !allowed(user, clue).contains(&"merge") {
        return Err(AppError::Forbidden);
    }
    let store = state.warehouse.store();
    let into_code = form.get("into").map(|c| c.trim().to_uppercase()).unwrap_or_default();
    let into = store
        .clue(&into_code)
        .await?
        .ok_or_else(|| AppError::BadRequest(format!("线索{into_code}不存在 / there is no clue {into_code}")))?;
    if !crate::auth::sees_clue(state, &user.user, &into).await? {
        return Err(AppError::BadRequest(format!("线索{into_code}不存在 / there is no clue {into_code}")));
    }
    let version: i64 = form
        .get("version")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AppError::BadRequest("缺少版本 / the form has no version".into()))?;
    let note: String = form.get("note").map(|n| n.trim().chars().take(2000).collect()).unwrap_or_default();
    let actor = crate::audit::actor(user);
    let at = now().to_rfc3339();
    match store.merge_clues((&clue.code, version), (&into.code, into.version), &actor, &note, &at).await {
        Ok(merged) => Ok(Redirect::to(&format!("/clues/{}", merged.code)).into_response()),
        Err(e @ StoreError::Conflict { .. }) => {
            let page = context! { message => e.to_string(), code => clue.code.clone() };
            let html = render(state, "clue_conflict.html", lang, Some(user), "clues", page)?;
            Ok((axum::http::StatusCode::CONFLICT, html).into_response())
        }
        Err(StoreError::Transition(e)) => Err(AppError::BadRequest(e.to_string())),
        Err(StoreError::Corrupt(message)) => Err(AppError::BadRequest(message)),
        Err(e) => Err(e.into()),
    }
}

/// `POST /clues/{code}/split`: the warnings ticked (`warning`, once or more) become a new clue.
pub async fn split(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(code): Path<String>,
    Form(fields): Form<Vec<(String, String)>>,
) -> Result<Response, AppError> {
    let field = |k: &str| fields.iter().find(|(n, _)| n == k).map(|(_, v)| v.trim().to_owned());
    user.check_csrf(field("csrf").as_deref())?;
    user.require(CLUE_ROLES)?;
    let store = state.warehouse.store();
    let clue = visible_clue(&state, &user, &code).await?;
    if !allowed(&user, &clue).contains(&"split") {
        return Err(AppError::Forbidden);
    }
    let warnings: Vec<String> = fields
        .iter()
        .filter(|(n, v)| n == "warning" && !v.trim().is_empty())
        .map(|(_, v)| v.trim().to_owned())
        .collect();
    let version: i64 = field("version")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AppError::BadRequest("缺少版本 / the form has no version".into()))?;
    let title = field("title")
        .filter(|t| !t.is_empty())
        .map(|t| t.chars().take(200).collect())
        .unwrap_or_else(|| format!("{}（拆分）", clue.title));
    let split = store::NewClue {
        title,
        warnings,
        report: None,
        note: field("note").unwrap_or_default().chars().take(2000).collect(),
        by: crate::audit::actor(&user),
        at: now().to_rfc3339(),
    };
    match store.split_clue(&clue.code, version, &split).await {
        Ok(created) => Ok(Redirect::to(&format!("/clues/{}", created.code)).into_response()),
        Err(e @ StoreError::Conflict { .. }) => {
            let page = context! { message => e.to_string(), code => clue.code.clone() };
            let html = render(&state, "clue_conflict.html", lang, Some(&user), "clues", page)?;
            Ok((axum::http::StatusCode::CONFLICT, html).into_response())
        }
        Err(StoreError::Transition(e)) => Err(AppError::BadRequest(e.to_string())),
        Err(StoreError::Corrupt(message)) => Err(AppError::BadRequest(message)),
        Err(e) => Err(e.into()),
    }
}

/// Attachments larger than this are refused before they reach the disk.
pub const MAX_ATTACHMENT_BYTES: usize = 50 * 1024 * 1024;

/// `(name, sha256, bytes, at, by)` of every document attached to a clue, from its history.
fn attachments(events: &[store::ClueEvent]) -> Vec<(String, String, u64, String, String)> {
    events
        .iter()
        .filter(|e| e.action == "attach")
        .filter_map(|e| {
            let d: serde_json::Value = serde_json::from_str(&e.detail).ok()?;
            let text = |k: &str| d[k].as_str().map(str::to_owned);
            Some((text("name")?, text("sha256")?, d["bytes"].as_u64()?, e.at.clone(), e.actor.clone()))
        })
        .collect()
}

fn size_label(bytes: u64) -> String {
    match bytes {
        b if b >= 1024 * 1024 => format!("{:.1} MB", b as f64 / (1024.0 * 1024.0)),
        b if b >= 1024 => format!("{:.1} KB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

/// Where an attachment's bytes live: `attachments/<sha256>`, written once.
fn attachment_path(state: &AppState, sha256: &str) -> std::path::PathBuf {
    state.warehouse.root().join("attachments").join(sha256)
}

/// `POST /clues/{code}/attachments`: a document for the clue (multipart: `csrf`, `version`, `note`, `file`).
pub async fn attach(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(code): Path<String>,
    mut multipart: axum::extract::Multipart,
) -> Result<Response, AppError> {
    use sha2::Digest;
    user.require(CLUE_ROLES)?;
    let store = state.warehouse.store();
    let clue = visible_clue(&state, &user, &code).await?;
    let bad = |e: axum::extract::multipart::MultipartError| AppError::BadRequest(e.body_text());
    let mut fields: HashMap<String, String> = HashMap::new();
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            let file_name = crate::pages::sanitize_file_name(field.file_name().unwrap_or(""));
            let bytes = field.bytes().await.map_err(bad)?;
            file = Some((file_name, bytes.to_vec()));
        } else {
            fields.insert(name, field.text().await.map_err(bad)?);
        }
    }
    user.check_csrf(fields.get("csrf").map(String::as_str))?;
    let may_attach = clue.status != ClueStatus::Closed
        && (directs(&user) || clue.handler.as_deref() == Some(user.user.username.as_str()));
    if !may_attach {
        return Err(AppError::Forbidden);
    }
    let (name, bytes) =
        file.filter(|(_, b)| !b.is_empty()).ok_or_else(|| AppError::BadRequest("请选择文件 / choose a file".into()))?;
    let version: i64 = fields
        .get("version")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| AppError::BadRequest("缺少版本 / the form has no version".into()))?;
    let sha256 = hex::encode(sha2::Sha256::digest(&bytes));
    let path = attachment_path(&state, &sha256);
    if !path.exists() {
        // Written under a temporary name and renamed: a file at its final name is whole.
        let dir = path.parent().map(std::path::Path::to_path_buf).unwrap_or_default();
        tokio::fs::create_dir_all(&dir).await.map_err(AppError::internal)?;
        let tmp = dir.join(format!(".{sha256}.{}", uuid::Uuid::new_v4().simple()));
        tokio::fs::write(&tmp, &bytes).await.map_err(AppError::internal)?;
        tokio::fs::rename(&tmp, &path).await.map_err(AppError::internal)?;
    }
    let note: String = fields.get("note").map(|n| n.trim().chars().take(2000).collect()).unwrap_or_default();
    let action = Action::Attach { name, sha256, bytes: bytes.len() as u64 };
    let actor = crate::audit::actor(&user);
    match store.act_on_clue(&code, version, &action, &actor, &note, &now().to_rfc3339()).await {
        Ok(c) => Ok(Redirect::to(&format!("/clues/{}", c.code)).into_response()),
        Err(e @ StoreError::Conflict { .. }) => Err(AppError::BadRequest(e.to_string())),
        Err(e) => Err(e.into()),
    }
}

/// `GET /clues/{code}/attachments/{sha256}`: the document, as a download (an audited read).
pub async fn attachment(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((code, sha256)): Path<(String, String)>,
) -> Result<Response, AppError> {
    user.require(CLUE_ROLES)?;
    let store = state.warehouse.store();
    let clue = visible_clue(&state, &user, &code).await?;
    let (_, events) = store.clue_details(clue.id).await?;
    let (name, ..) = attachments(&events).into_iter().find(|a| a.1 == sha256).ok_or(AppError::NotFound)?;
    let bytes = tokio::fs::read(attachment_path(&state, &sha256)).await.map_err(AppError::internal)?;
    crate::audit::record(
        &state,
        &user,
        "clue.attachment.view",
        &format!("clue:{}", clue.code),
        serde_json::json!({ "sha256": sha256 }),
    )
    .await?;
    let disposition = format!("attachment; filename=\"attachment\"; filename*=UTF-8''{}", crate::urlencode(&name));
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, "application/octet-stream".to_owned()),
            (axum::http::header::CONTENT_DISPOSITION, disposition),
        ],
        bytes,
    )
        .into_response())
}
