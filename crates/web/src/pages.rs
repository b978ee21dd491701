//! Page handlers. Each staff handler takes a `CurrentUser`, so none is reachable
//! without a session.

use crate::auth::{self, CurrentUser};
use crate::i18n::{self, Lang};
use crate::{AppError, AppState, Htmx};
use axum::Form;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{FromRequestParts, Multipart, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use minijinja::{Value, context};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::OnceLock;
use store::{BatchRecord, BatchStatus, Role};
use warehouse::{ImportError, ImportOptions, ImportResult};

const PAGE_SIZE: usize = 50;
/// Rows of errors shown on the page; the downloadable report has them all.
const ERRORS_SHOWN: usize = 500;

/// The client's address, where the server knows it (not in router tests).
pub struct ClientAddr(pub Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(parts.extensions.get::<ConnectInfo<SocketAddr>>().map(|c| c.0.ip())))
    }
}

fn role_label(lang: Lang, role: Role) -> &'static str {
    i18n::get(lang, &format!("role_{}", role.as_str()))
}

fn status_key(status: BatchStatus) -> &'static str {
    match status {
        BatchStatus::Accepted => "status_accepted",
        BatchStatus::Rejected => "status_rejected",
        BatchStatus::Pending => "status_pending",
        BatchStatus::Aborted => "status_aborted",
    }
}

/// Renders a page with what every page needs: strings, language, user, CSRF token.
pub(crate) fn render(
    state: &AppState,
    template: &str,
    lang: Lang,
    user: Option<&CurrentUser>,
    active: &str,
    page: Value,
) -> Result<Html<String>, AppError> {
    let t = i18n::strings(lang);
    let user_value = user.map(|u| {
        context! {
            name => u.user.display_name.clone(),
            username => u.user.username.clone(),
            role => role_label(lang, u.user.role),
            scoped => u.user.region_code.is_some(),
        }
    });
    let ctx = context! {
        t => t,
        lang => lang.code(),
        other_lang => if lang == Lang::Zh { "en" } else { "zh" },
        user => user_value,
        csrf => user.map(|u| u.session.csrf_token.clone()),
        active => active,
        ..page
    };
    let html = state.templates.get_template(template)?.render(ctx)?;
    Ok(Html(html))
}

/// Only local paths are followed after sign-in or a language switch.
fn safe_next(next: Option<&str>) -> String {
    match next {
        Some(n) if n.starts_with('/') && !n.starts_with("//") && !n.contains('\\') => n.to_owned(),
        _ => "/".to_owned(),
    }
}

#[derive(Deserialize, Default)]
pub struct NextQuery {
    next: Option<String>,
}

pub async fn login_form(
    State(state): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Result<Response, AppError> {
    login_page(&state, lang, &headers, q.next.as_deref(), None, StatusCode::OK)
}

fn login_page(
    state: &AppState,
    lang: Lang,
    headers: &HeaderMap,
    next: Option<&str>,
    message: Option<&str>,
    status: StatusCode,
) -> Result<Response, AppError> {
    let csrf = auth::random_token()?;
    let page = context! { login_csrf => csrf.clone(), next => safe_next(next), message => message.map(|m| i18n::get(lang, m)) };
    let html = render(state, "login.html", lang, None, "login", page)?;
    let secure = auth::is_https(headers, state.secure_cookies);
    let cookie = auth::set_cookie(auth::LOGIN_CSRF_COOKIE, &csrf, 1800, secure);
    Ok((status, [(header::SET_COOKIE, cookie)], html).into_response())
}

#[derive(Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    csrf: String,
    next: Option<String>,
}

fn dummy_hash() -> &'static str {
    static HASH: OnceLock<String> = OnceLock::new();
    HASH.get_or_init(|| auth::hash_password("qingfeng-timing-equalizer").unwrap_or_default())
}

pub async fn login(
    State(state): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    ClientAddr(address): ClientAddr,
    Form(form): Form<LoginForm>,
) -> Result<Response, AppError> {
    let next = form.next.as_deref();
    let cookie_csrf = auth::cookie(&headers, auth::LOGIN_CSRF_COOKIE);
    if !cookie_csrf.is_some_and(|c| auth::same_secret(c, &form.csrf)) {
        return login_page(&state, lang, &headers, next, Some("login_expired"), StatusCode::FORBIDDEN);
    }
    let store = state.warehouse.store().clone();
    let now = auth::now();
    let since = now - auth::FAILURE_WINDOW_SECONDS;
    let (user_key, address_key) = auth::failure_keys(form.username.trim(), address);
    let user_failures = store.login_failures_since(&user_key, since).await?;
    let address_failures = match &address_key {
        Some(k) => store.login_failures_since(k, since).await?,
        None => 0,
    };
    if user_failures >= auth::MAX_FAILURES_PER_USER || address_failures >= auth::MAX_FAILURES_PER_ADDRESS {
        return login_page(&state, lang, &headers, next, Some("login_throttled"), StatusCode::TOO_MANY_REQUESTS);
    }
    let user = store.user_by_name(form.username.trim()).await?.filter(|u| !u.disabled);
    // Verify against a dummy hash when the user does not exist, so timing does not tell.
    let hash = user.as_ref().map(|u| u.password_hash.clone()).unwrap_or_else(|| dummy_hash().to_owned());
    let password = form.password.clone();
    let verified = tokio::task::spawn_blocking(move || auth::verify_password(&password, &hash))
        .await
        .map_err(AppError::internal)?;
    let Some(user) = user.filter(|_| verified) else {
        crate::audit::record_sign_in(&state, form.username.trim(), None, address, false).await?;
        store.record_login_failure(&user_key, now).await?;
        if let Some(k) = &address_key {
            store.record_login_failure(k, now).await?;
        }
        return login_page(&state, lang, &headers, next, Some("login_failed"), StatusCode::OK);
    };
    store.clear_login_failures(&user_key).await?;
    crate::audit::record_sign_in(&state, &user.username, Some(user.role), address, true).await?;
    let token = auth::random_token()?;
    let session = store::Session {
        token_hash: auth::token_hash(&token),
        user_id: user.id,
        csrf_token: auth::random_token()?,
        created_at: now,
        expires_at: now + auth::SESSION_SECONDS,
    };
    store.create_session(&session).await?;
    let secure = auth::is_https(&headers, state.secure_cookies);
    let cookies = [
        (header::SET_COOKIE, auth::set_cookie(auth::SESSION_COOKIE, &token, auth::SESSION_SECONDS, secure)),
        (header::SET_COOKIE, auth::set_cookie(auth::LOGIN_CSRF_COOKIE, "", 0, secure)),
    ];
    // Two Set-Cookie headers: appended, not the second replacing the first.
    Ok((axum::response::AppendHeaders(cookies), Redirect::to(&safe_next(next))).into_response())
}

#[derive(Deserialize)]
pub struct CsrfForm {
    csrf: String,
}

pub async fn logout(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    Form(form): Form<CsrfForm>,
) -> Result<Response, AppError> {
    user.check_csrf(Some(&form.csrf))?;
    crate::audit::record(&state, &user, "sign_out", &format!("user:{}", user.user.username), serde_json::json!({}))
        .await?;
    state.warehouse.store().delete_session(&user.session.token_hash).await?;
    let cookie = auth::set_cookie(auth::SESSION_COOKIE, "", 0, auth::is_https(&headers, state.secure_cookies));
    Ok(([(header::SET_COOKIE, cookie)], Redirect::to("/login")).into_response())
}

#[derive(Deserialize)]
pub struct LangQuery {
    to: String,
    next: Option<String>,
}

/// Sets the language and returns to `next`, else to the page the link was on.
pub async fn switch_language(headers: HeaderMap, Query(q): Query<LangQuery>) -> Response {
    let lang = Lang::from_code(&q.to);
    let code = if lang == Lang::En { "en" } else { "zh" };
    let cookie = format!("lang={code}; Path=/; SameSite=Lax; Max-Age=31536000");
    // The Referer is sent same-origin only (our Referrer-Policy); keep just its path.
    let referer_path = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.split_once("://").map(|(_, rest)| rest))
        .and_then(|rest| rest.find('/').map(|i| rest[i..].to_owned()));
    let next = q.next.or(referer_path);
    ([(header::SET_COOKIE, cookie)], Redirect::to(&safe_next(next.as_deref()))).into_response()
}

pub async fn asset(Path(name): Path<String>) -> Result<Response, AppError> {
    let (body, content_type): (&'static [u8], &str) = match name.as_str() {
        "htmx.min.js" => (include_bytes!("../assets/vendor/htmx.min.js"), "text/javascript; charset=utf-8"),
        "echarts.min.js" => (include_bytes!("../assets/vendor/echarts.min.js"), "text/javascript; charset=utf-8"),
        "app.js" => (include_bytes!("../assets/app.js"), "text/javascript; charset=utf-8"),
        "app.css" => (include_bytes!("../assets/app.css"), "text/css; charset=utf-8"),
        _ => return Err(AppError::NotFound),
    };
    Ok(([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "public, max-age=3600")], body).into_response())
}

fn batch_value(lang: Lang, b: &BatchRecord) -> Value {
    context! {
        id => b.id,
        table => b.table.clone(),
        table_label => i18n::table_label(lang, &b.table),
        status => b.status.as_str(),
        status_label => i18n::get(lang, status_key(b.status)),
        source_name => b.source_name.clone(),
        rows => b.rows_stored,
        errors => b.error_count,
        imported_at => b.imported_at.replace('T', " ").chars().take(19).collect::<String>(),
        imported_by => b.imported_by.clone(),
        hash => b.source_sha256.chars().take(12).collect::<String>(),
        reason => b.reason.as_deref().map(|r| bilingual(lang, r)),
        has_report => b.report_path.is_some(),
    }
}

/// The half of a `中文 / English` message for the page's language.
fn bilingual(lang: Lang, message: &str) -> String {
    let (zh, en) = contract::split_bilingual(message);
    if lang == Lang::Zh { zh.to_owned() } else { en.to_owned() }
}

pub async fn overview(State(state): State<AppState>, lang: Lang, user: CurrentUser) -> Result<Html<String>, AppError> {
    let batches = state.warehouse.batches().await?;
    let mut tables = Vec::new();
    let mut total_rows = 0u64;
    for t in contract::TABLES {
        let accepted: Vec<&BatchRecord> =
            batches.iter().filter(|b| b.table == t.name && b.status == BatchStatus::Accepted).collect();
        let rows: u64 = accepted.iter().map(|b| b.rows_stored).sum();
        total_rows += rows;
        tables.push(context! {
            name => t.name,
            label => i18n::table_label(lang, t.name),
            batches => accepted.len(),
            rows => rows,
            last_import => accepted.last().map(|b| b.imported_at.replace('T', " ").chars().take(19).collect::<String>()),
        });
    }
    let with_data =
        tables.iter().filter(|t| t.get_attr("batches").map(|b| b.as_usize() != Some(0)).unwrap_or(false)).count();
    let recent: Vec<Value> = batches.iter().rev().take(10).map(|b| batch_value(lang, b)).collect();
    let page = context! {
        tables => tables,
        with_data => with_data,
        table_count => contract::TABLES.len(),
        total_rows => total_rows,
        accepted => batches.iter().filter(|b| b.status == BatchStatus::Accepted).count(),
        rejected => batches.iter().filter(|b| b.status == BatchStatus::Rejected).count(),
        recent => recent,
    };
    render(&state, "overview.html", lang, Some(&user), "overview", page)
}

#[derive(Deserialize, Default)]
pub struct BatchQuery {
    table: Option<String>,
    status: Option<String>,
    page: Option<usize>,
}

pub async fn batches(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Query(q): Query<BatchQuery>,
) -> Result<Html<String>, AppError> {
    user.require(crate::auth::DATA)?;
    let all = state.warehouse.batches().await?;
    let table = q.table.filter(|t| !t.is_empty());
    let status = q.status.filter(|s| !s.is_empty());
    let mut filtered: Vec<&BatchRecord> = all
        .iter()
        .filter(|b| table.as_deref().is_none_or(|t| b.table == t))
        .filter(|b| status.as_deref().is_none_or(|s| b.status.as_str() == s))
        .collect();
    filtered.reverse();
    let pages = filtered.len().div_ceil(PAGE_SIZE).max(1);
    let page = q.page.unwrap_or(1).clamp(1, pages);
    let shown: Vec<Value> =
        filtered.iter().skip((page - 1) * PAGE_SIZE).take(PAGE_SIZE).map(|b| batch_value(lang, b)).collect();
    let statuses: Vec<Value> = [BatchStatus::Accepted, BatchStatus::Rejected, BatchStatus::Aborted]
        .into_iter()
        .map(|s| context! { key => s.as_str(), label => i18n::get(lang, status_key(s)) })
        .collect();
    let query = |p: usize| {
        format!(
            "?table={}&status={}&page={p}",
            crate::urlencode(table.as_deref().unwrap_or("")),
            crate::urlencode(status.as_deref().unwrap_or(""))
        )
    };
    let page_value = context! {
        batches => shown,
        tables => table_options(lang),
        statuses => statuses,
        selected_table => table.clone().unwrap_or_default(),
        selected_status => status.clone().unwrap_or_default(),
        page => page,
        pages => pages,
        total => filtered.len(),
        previous => (page > 1).then(|| query(page - 1)),
        next => (page < pages).then(|| query(page + 1)),
    };
    render(&state, "batches.html", lang, Some(&user), "batches", page_value)
}

fn table_options(lang: Lang) -> Vec<Value> {
    contract::TABLES.iter().map(|t| context! { name => t.name, label => i18n::table_label(lang, t.name) }).collect()
}

fn can_upload(user: &CurrentUser) -> bool {
    matches!(user.user.role, Role::Admin | Role::Clerk | Role::Supervisor)
}

pub async fn upload_form(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
) -> Result<Html<String>, AppError> {
    let page = context! { tables => table_options(lang), can_upload => can_upload(&user), result => Value::from(()) };
    render(&state, "upload.html", lang, Some(&user), "upload", page)
}

/// Keeps only the last component of an uploaded file's name and the characters
/// that are safe in a file name, so `../../etc/passwd` becomes `passwd`.
pub fn sanitize_file_name(name: &str) -> String {
    let last = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = last
        .chars()
        .filter(|c| !c.is_control() && !matches!(c, ':' | '*' | '?' | '"' | '<' | '>' | '|'))
        .take(120)
        .collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_owned();
    if cleaned.is_empty() { "upload".to_owned() } else { cleaned }
}

pub async fn upload(
    State(state): State<AppState>,
    lang: Lang,
    Htmx(htmx): Htmx,
    user: CurrentUser,
    headers: HeaderMap,
    mut multipart: Multipart,
) -> Result<Response, AppError> {
    let header_csrf = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_owned);
    if let Some(token) = &header_csrf {
        user.check_csrf(Some(token))?;
    }
    if !can_upload(&user) {
        return Err(AppError::Forbidden);
    }
    let upload_dir = state.warehouse.root().join("uploads").join(uuid::Uuid::new_v4().simple().to_string());
    let mut fields: BTreeMap<String, String> = BTreeMap::new();
    let mut saved: Option<std::path::PathBuf> = None;
    let bad = |e: axum::extract::multipart::MultipartError| AppError::BadRequest(e.body_text());
    while let Some(mut field) = multipart.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_owned();
        if name == "file" {
            let file_name = sanitize_file_name(field.file_name().unwrap_or(""));
            if field.file_name().unwrap_or("").is_empty() {
                continue;
            }
            tokio::fs::create_dir_all(&upload_dir).await.map_err(AppError::internal)?;
            let path = upload_dir.join(&file_name);
            let mut file = tokio::fs::File::create(&path).await.map_err(AppError::internal)?;
            use tokio::io::AsyncWriteExt;
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                file.write_all(&chunk).await.map_err(AppError::internal)?;
            }
            file.flush().await.map_err(AppError::internal)?;
            saved = Some(path);
        } else {
            let text = field.text().await.map_err(bad)?;
            fields.insert(name, text);
        }
    }
    if header_csrf.is_none()
        && let Err(e) = user.check_csrf(fields.get("csrf").map(String::as_str))
    {
        let _ = tokio::fs::remove_dir_all(&upload_dir).await;
        return Err(e);
    }
    let Some(path) = saved else {
        return upload_response(&state, lang, htmx, &user, context! { kind => "no_file" });
    };
    let table = fields.get("table").filter(|t| !t.is_empty()).and_then(|t| contract::table(t));
    let tolerance = fields.get("tolerance").and_then(|t| t.trim().parse().ok()).unwrap_or(0);
    let options = ImportOptions { table, tolerance, user: user.user.username.clone(), ..Default::default() };
    let file_name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    if table.is_none() && ingest::ocds::is_ocds(&path) {
        let result = match state.warehouse.import_ocds(&path, &options, None).await {
            Ok(ocds) => {
                if ocds.results.iter().any(|(_, r)| matches!(r, ImportResult::Accepted { .. }))
                    && let Some(hook) = &state.on_import
                {
                    hook();
                }
                ocds_value(lang, &file_name, &ocds)
            }
            Err(ImportError::File(e)) => {
                context! { kind => "file_error", file => file_name, message => bilingual(lang, &e.to_string().replace(&path.display().to_string(), &file_name)) }
            }
            Err(e) => return Err(AppError::internal(e)),
        };
        return upload_response(&state, lang, htmx, &user, result);
    }
    let result = state.warehouse.import(&path, &options, None).await;
    if matches!(result, Ok(ImportResult::Accepted { .. }))
        && let Some(hook) = &state.on_import
    {
        hook();
    }
    let result_value = match result {
        Ok(ImportResult::Accepted { batch, errors }) => import_value(lang, "accepted", &file_name, &batch, &errors),
        Ok(ImportResult::Rejected { batch, errors }) => import_value(lang, "rejected", &file_name, &batch, &errors),
        Ok(ImportResult::Duplicate { existing }) => import_value(lang, "duplicate", &file_name, &existing, &[]),
        Err(ImportError::File(e)) => {
            context! { kind => "file_error", file => file_name, message => bilingual(lang, &e.to_string().replace(&path.display().to_string(), &file_name)) }
        }
        Err(e) => return Err(AppError::internal(e)),
    };
    upload_response(&state, lang, htmx, &user, result_value)
}

fn import_value(lang: Lang, kind: &str, file: &str, batch: &BatchRecord, errors: &[ingest::RowError]) -> Value {
    let shown: Vec<Value> = errors
        .iter()
        .take(ERRORS_SHOWN)
        .map(|e| context! { row => e.row, column => e.column.clone(), value => e.value.clone(), reason => if lang == Lang::Zh { e.reason_zh() } else { e.reason_en() } })
        .collect();
    context! {
        kind => kind,
        file => file,
        batch => batch_value(lang, batch),
        errors => shown,
        error_count => errors.len(),
        more_errors => errors.len().saturating_sub(ERRORS_SHOWN),
    }
}

/// An OCDS file's import: what it held, the lines that could not be used, and one
/// result per table it filled.
fn ocds_value(lang: Lang, file: &str, ocds: &warehouse::OcdsImport) -> Value {
    let s = &ocds.summary;
    let tables: Vec<Value> = ocds
        .results
        .iter()
        .map(|(_, result)| match result {
            ImportResult::Accepted { batch, errors } => import_value(lang, "accepted", file, batch, errors),
            ImportResult::Rejected { batch, errors } => import_value(lang, "rejected", file, batch, errors),
            ImportResult::Duplicate { existing } => import_value(lang, "duplicate", file, existing, &[]),
        })
        .collect();
    let lines: Vec<Value> = s
        .errors
        .iter()
        .take(ERRORS_SHOWN)
        .map(|e| context! { line => e.line, reason => if lang == Lang::Zh { e.reason_zh.clone() } else { e.reason_en.clone() } })
        .collect();
    context! {
        kind => "ocds",
        file => file,
        processes => s.processes,
        rows => context! { tender => s.tenders, bid => s.bids, award => s.awards, ocds_bid => s.ocds_bids, ocds_award => s.ocds_awards },
        tables => tables,
        lines => lines,
        line_count => s.errors.len(),
        more_lines => s.errors.len().saturating_sub(ERRORS_SHOWN),
    }
}

fn upload_response(
    state: &AppState,
    lang: Lang,
    htmx: bool,
    user: &CurrentUser,
    result: Value,
) -> Result<Response, AppError> {
    let page = context! { tables => table_options(lang), can_upload => can_upload(user), result => result };
    let template = if htmx { "upload_result.html" } else { "upload.html" };
    Ok(render(state, template, lang, Some(user), "upload", page)?.into_response())
}

pub async fn error_report(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((batch, format)): Path<(i64, String)>,
) -> Result<Response, AppError> {
    user.require(crate::auth::DATA)?;
    let record = state.warehouse.store().batch(batch).await.map_err(|_| AppError::NotFound)?;
    let csv = record.report_path.ok_or(AppError::NotFound)?;
    let (relative, content_type) = match format.as_str() {
        "csv" => (csv, "text/csv; charset=utf-8"),
        "xlsx" => (csv.replace(".csv", ".xlsx"), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        _ => return Err(AppError::NotFound),
    };
    let body = tokio::fs::read(state.warehouse.root().join(&relative)).await.map_err(|_| AppError::NotFound)?;
    let disposition = format!("attachment; filename=\"batch-{batch}-errors.{format}\"");
    Ok(([(header::CONTENT_TYPE, content_type.to_owned()), (header::CONTENT_DISPOSITION, disposition)], body)
        .into_response())
}

pub async fn quality(State(state): State<AppState>, lang: Lang, user: CurrentUser) -> Result<Html<String>, AppError> {
    user.require(crate::auth::DATA)?;
    let report = state.warehouse.quality().await?;
    let tables: Vec<Value> = report
        .tables
        .iter()
        .map(|t| {
            let notable: Vec<Value> = t
                .columns
                .iter()
                .filter(|c| c.null_rate > 0.0 || c.checksum_failures + c.future_dates + c.dates_before_1900 > 0)
                .map(|c| context! {
                    column => c.column.clone(), label => i18n::column_label(lang, &c.label),
                    null_rate => format!("{:.1}%", c.null_rate * 100.0),
                    checksum => c.checksum_failures, future => c.future_dates, before_1900 => c.dates_before_1900,
                })
                .collect();
            let dangling: Vec<Value> = t
                .dangling
                .iter()
                .map(|d| context! {
                    column => d.column.clone(), references => d.references.clone(), rows => d.rows, target_empty => d.target_empty,
                    samples => d.samples.iter().map(|(v, b, r)| format!("{v} (#{b} / {r})")).collect::<Vec<_>>().join(", "),
                })
                .collect();
            let chart = serde_json::json!({
                "columns": t.columns.iter().map(|c| format!("{} {}", i18n::column_label(lang, &c.label), c.column).trim().to_owned()).collect::<Vec<_>>(),
                "null_rates": t.columns.iter().map(|c| (c.null_rate * 1000.0).round() / 10.0).collect::<Vec<_>>(),
            });
            context! {
                table => t.table.clone(), label => i18n::table_label(lang, &t.table), batches => t.batches, rows => t.rows,
                columns => notable, duplicates => t.duplicate_keys.as_ref().map(|d| context! {
                    column => d.column.clone(), keys => d.keys, extra_rows => d.extra_rows, samples => d.samples.join(", "),
                }),
                dangling => dangling, tolerated => t.tolerated_errors, chart => Value::from_serialize(&chart),
            }
        })
        .collect();
    let rows_chart = serde_json::json!({
        "tables": report.tables.iter().map(|t| i18n::table_label(lang, &t.table)).collect::<Vec<_>>(),
        "rows": report.tables.iter().map(|t| t.rows).collect::<Vec<_>>(),
    });
    let page = context! { generated_at => report.generated_at.replace('T', " "), tables => tables, rows_chart => Value::from_serialize(&rows_chart) };
    render(&state, "quality.html", lang, Some(&user), "quality", page)
}

pub async fn ledger_checkpoint(State(state): State<AppState>) -> Result<Response, AppError> {
    let note = state.warehouse.latest_checkpoint().await?.ok_or(AppError::NotFound)?;
    // Mutable: caches may keep it only a few seconds.
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=5")], note)
        .into_response())
}

pub async fn ledger_key(State(state): State<AppState>) -> Result<Response, AppError> {
    let key = state.warehouse.ledger_signer()?.verifier().encode();
    Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], format!("{key}\n")).into_response())
}

pub async fn ledger_tile(State(state): State<AppState>, Path(path): Path<String>) -> Result<Response, AppError> {
    let bytes = state.warehouse.ledger_tile(&path).await?.ok_or(AppError::NotFound)?;
    // Tiles never change once served.
    Ok((
        [
            (header::CONTENT_TYPE, "application/octet-stream"),
            (header::CACHE_CONTROL, "public, max-age=31536000, immutable"),
        ],
        bytes,
    )
        .into_response())
}
