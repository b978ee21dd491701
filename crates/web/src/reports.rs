//! Citizens' reports (信访举报): the public form, following a report with its
//! receipt code and secret, and the staff's pages. The reporter's name and
//! contact are encrypted (XChaCha20-Poly1305) with a key kept in a file outside
//! the database — `QINGFENG_REPORT_KEY` names it, else `keys/report-identity.key`
//! in the data directory, created on first use, readable by its owner only —
//! and shown to a supervisor only on request, every showing audited.

use crate::auth::{self, CurrentUser};
use crate::i18n::{self, Lang};
use crate::pages::{ClientAddr, render};
use crate::{AppError, AppState};
use axum::Form;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chacha20poly1305::aead::Aead;
use chacha20poly1305::{KeyInit, XChaCha20Poly1305};
use minijinja::{Value, context};
use std::collections::HashMap;
use store::Role;

/// A report's text, at most; longer ones are refused with the reason.
pub const MAX_CONTENT: usize = 5000;
/// Reports accepted from one address within [`WINDOW_SECONDS`].
pub const MAX_PER_ADDRESS: u64 = 5;
pub const WINDOW_SECONDS: i64 = 3600;
const KINDS: [&str; 4] = ["person", "unit", "fund", "other"];
/// Receipt codes: no 0/O, 1/I/L, so that they can be read out and typed.
const RECEIPT_CHARS: &[u8] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

fn now() -> String {
    warehouse::china_now().to_rfc3339()
}

fn random_code(n: usize) -> Result<String, AppError> {
    let mut bytes = vec![0u8; n];
    getrandom::fill(&mut bytes).map_err(|e| AppError::internal(format!("no randomness: {e}")))?;
    Ok(bytes.iter().map(|b| RECEIPT_CHARS[*b as usize % RECEIPT_CHARS.len()] as char).collect())
}

/// The identity key: read, or made on first use.
fn key(state: &AppState) -> Result<[u8; 32], AppError> {
    let path = match std::env::var_os("QINGFENG_REPORT_KEY") {
        Some(p) => std::path::PathBuf::from(p),
        None => state.warehouse.root().join("keys").join("report-identity.key"),
    };
    if let Ok(bytes) = std::fs::read(&path) {
        return bytes.try_into().map_err(|_| AppError::internal(format!("{}: not a 32-byte key", path.display())));
    }
    let mut fresh = [0u8; 32];
    getrandom::fill(&mut fresh).map_err(|e| AppError::internal(format!("no randomness: {e}")))?;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(AppError::internal)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    match options.open(&path) {
        Ok(mut f) => {
            std::io::Write::write_all(&mut f, &fresh).map_err(AppError::internal)?;
            Ok(fresh)
        }
        // Another request made it first: use theirs.
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            let bytes = std::fs::read(&path).map_err(AppError::internal)?;
            bytes.try_into().map_err(|_| AppError::internal("the identity key is not 32 bytes"))
        }
        Err(e) => Err(AppError::internal(format!("{}: {e}", path.display()))),
    }
}

/// Nonce (24 bytes) then ciphertext.
fn seal(key: &[u8; 32], plain: &[u8]) -> Result<Vec<u8>, AppError> {
    let mut nonce = [0u8; 24];
    getrandom::fill(&mut nonce).map_err(|e| AppError::internal(format!("no randomness: {e}")))?;
    let sealed = XChaCha20Poly1305::new(key.into())
        .encrypt(&nonce.into(), plain)
        .map_err(|_| AppError::internal("cannot encrypt"))?;
    Ok([nonce.as_slice(), &sealed].concat())
}

fn open(key: &[u8; 32], data: &[u8]) -> Option<Vec<u8>> {
    if data.len() < 24 {
        return None;
    }
    let (nonce, sealed) = data.split_at(24);
    XChaCha20Poly1305::new(key.into()).decrypt(nonce.into(), sealed).ok()
}

fn form_page(
    state: &AppState,
    lang: Lang,
    headers: &HeaderMap,
    status: StatusCode,
    page: Value,
) -> Result<Response, AppError> {
    let csrf = auth::random_token()?;
    let html = render(state, "report_form.html", lang, None, "report", context! { form_csrf => csrf.clone(), ..page })?;
    let secure = auth::is_https(headers, state.secure_cookies);
    // The same double-submit cookie as the sign-in form: no session exists yet.
    let cookie = auth::set_cookie(auth::LOGIN_CSRF_COOKIE, &csrf, 1800, secure);
    Ok((status, [(header::SET_COOKIE, cookie)], html).into_response())
}

/// `GET /report`: the public form, and the form to follow a report.
pub async fn form(State(state): State<AppState>, lang: Lang, headers: HeaderMap) -> Result<Response, AppError> {
    form_page(&state, lang, &headers, StatusCode::OK, context! {})
}

fn csrf_ok(headers: &HeaderMap, form: &HashMap<String, String>) -> bool {
    let cookie = auth::cookie(headers, auth::LOGIN_CSRF_COOKIE);
    cookie.is_some_and(|c| form.get("csrf").is_some_and(|f| auth::same_secret(c, f)))
}

/// `POST /report`: stores a report; shows its receipt code and secret once.
pub async fn submit(
    State(state): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    ClientAddr(address): ClientAddr,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    if !csrf_ok(&headers, &form) {
        return Err(AppError::Forbidden);
    }
    let field = |k: &str| form.get(k).map(|v| v.trim().to_owned()).unwrap_or_default();
    let (kind, about, content) = (field("about_kind"), field("about"), field("content"));
    let problem = if !KINDS.contains(&kind.as_str()) {
        Some("report_bad_kind")
    } else if about.is_empty() || content.is_empty() {
        Some("report_empty")
    } else if content.chars().count() > MAX_CONTENT || about.chars().count() > 200 {
        Some("report_too_long")
    } else {
        None
    };
    if let Some(p) = problem {
        let page = context! { message => i18n::get(lang, p), about => about, content => content };
        return form_page(&state, lang, &headers, StatusCode::BAD_REQUEST, page);
    }
    let store = state.warehouse.store();
    // Counted like failed sign-ins, under a key of its own.
    let limit_key = format!("report:{}", address.map(|a| a.to_string()).unwrap_or_else(|| "-".into()));
    let since = auth::now() - WINDOW_SECONDS;
    if store.login_failures_since(&limit_key, since).await? >= MAX_PER_ADDRESS {
        return Err(AppError::TooManyRequests);
    }
    store.record_login_failure(&limit_key, auth::now()).await?;
    let (name, contact) = (field("name"), field("contact"));
    let identity = if name.is_empty() && contact.is_empty() {
        None
    } else {
        let plain = serde_json::json!({ "name": name, "contact": contact }).to_string();
        Some(seal(&key(&state)?, plain.as_bytes())?)
    };
    let receipt = random_code(12)?;
    let secret = random_code(16)?;
    let at = now();
    let report = store::NewReport {
        receipt: receipt.clone(),
        secret_hash: auth::token_hash(&secret),
        about_kind: kind,
        about,
        content,
        identity,
        at: at.clone(),
    };
    // The trail records that a report came, not who sent it: no address, no name.
    let audit = store::NewAudit {
        at,
        actor: "public".into(),
        role: String::new(),
        address: None,
        action: "report.create".into(),
        object: format!("report:{receipt}"),
        detail: serde_json::json!({ "named": report.identity.is_some() }).to_string(),
    };
    store.create_report(&report, &audit).await?;
    let page = context! { receipt => receipt, secret => secret };
    Ok(render(&state, "report_receipt.html", lang, None, "report", page)?.into_response())
}

/// `POST /report/status`: what became of a report, for whoever holds its receipt and secret.
pub async fn status(
    State(state): State<AppState>,
    lang: Lang,
    headers: HeaderMap,
    ClientAddr(address): ClientAddr,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    if !csrf_ok(&headers, &form) {
        return Err(AppError::Forbidden);
    }
    let store = state.warehouse.store();
    // Guessing receipts and secrets is throttled like guessing passwords.
    let limit_key = format!("report-status:{}", address.map(|a| a.to_string()).unwrap_or_else(|| "-".into()));
    let since = auth::now() - auth::FAILURE_WINDOW_SECONDS;
    if store.login_failures_since(&limit_key, since).await? >= auth::MAX_FAILURES_PER_ADDRESS {
        return Err(AppError::TooManyRequests);
    }
    let receipt = form.get("receipt").map(|r| r.trim().to_uppercase()).unwrap_or_default();
    let secret = form.get("secret").map(|s| s.trim().to_uppercase()).unwrap_or_default();
    let found = store.report_by_receipt(&receipt).await?;
    let Some(report) = found.filter(|r| auth::same_secret(&r.secret_hash, &auth::token_hash(&secret))) else {
        store.record_login_failure(&limit_key, auth::now()).await?;
        let page = context! { status_message => i18n::get(lang, "report_not_found") };
        return form_page(&state, lang, &headers, StatusCode::NOT_FOUND, page);
    };
    let page = context! {
        found => context! {
            receipt => report.receipt,
            status => i18n::get(lang, &format!("report_status_{}", report.status)),
            reply => report.reply,
            created_at => report.created_at,
        },
    };
    form_page(&state, lang, &headers, StatusCode::OK, page)
}

fn report_value(lang: Lang, r: &store::ReportRecord) -> Value {
    context! {
        id => r.id,
        receipt => r.receipt.clone(),
        about_kind => i18n::get(lang, &format!("report_kind_{}", r.about_kind)),
        about => r.about.clone(),
        content => r.content.clone(),
        named => r.identity.is_some(),
        status => i18n::get(lang, &format!("report_status_{}", r.status)),
        clue => r.clue.clone(),
        reply => r.reply.clone(),
        closed => r.status == "closed",
        created_at => r.created_at.clone(),
    }
}

/// `GET /reports`: the reports received (never who sent them).
pub async fn list(State(state): State<AppState>, lang: Lang, user: CurrentUser) -> Result<Html<String>, AppError> {
    user.require(auth::SUPERVISION)?;
    user.require_unscoped()?;
    let reports = state.warehouse.store().reports().await?;
    let page = context! { reports => reports.iter().map(|r| report_value(lang, r)).collect::<Vec<_>>() };
    render(&state, "reports.html", lang, Some(&user), "reports", page)
}

/// `GET /reports/{id}`: one report; its sender's identity only on request (`POST`).
pub async fn detail(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(id): Path<i64>,
) -> Result<Html<String>, AppError> {
    user.require(auth::SUPERVISION)?;
    user.require_unscoped()?;
    let report = state.warehouse.store().report(id).await?.ok_or(AppError::NotFound)?;
    crate::audit::record(&state, &user, "report.view", &format!("report:{}", report.receipt), serde_json::json!({}))
        .await?;
    let page = context! {
        report => report_value(lang, &report),
        may_reveal => user.user.role == Role::Supervisor,
        identity => Value::from(()),
    };
    render(&state, "report.html", lang, Some(&user), "reports", page)
}

/// `POST /reports/{id}` with `action=identity` (supervisors: shows who sent it, audited),
/// `action=clue` (makes a clue of it) or `action=answer` (a reply the reporter reads
/// with their receipt; `close=1` closes the report).
pub async fn act(
    State(state): State<AppState>,
    lang: Lang,
    user: CurrentUser,
    Path(id): Path<i64>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response, AppError> {
    user.check_csrf(form.get("csrf").map(String::as_str))?;
    user.require(auth::SUPERVISION)?;
    user.require_unscoped()?;
    let store = state.warehouse.store();
    let report = store.report(id).await?.ok_or(AppError::NotFound)?;
    match form.get("action").map(String::as_str) {
        Some("identity") => {
            if user.user.role != Role::Supervisor {
                return Err(AppError::Forbidden);
            }
            let object = format!("report:{}", report.receipt);
            crate::audit::record(&state, &user, "report.identity.view", &object, serde_json::json!({})).await?;
            let identity: Value = match &report.identity {
                None => Value::from(i18n::get(lang, "report_anonymous")),
                Some(sealed) => {
                    let plain = open(&key(&state)?, sealed)
                        .ok_or_else(|| AppError::internal("the identity does not open with this key"))?;
                    let v: serde_json::Value = serde_json::from_slice(&plain).map_err(AppError::internal)?;
                    Value::from(format!(
                        "{} {}",
                        v["name"].as_str().unwrap_or_default(),
                        v["contact"].as_str().unwrap_or_default()
                    ))
                }
            };
            let page = context! { report => report_value(lang, &report), may_reveal => true, identity => identity };
            Ok(render(&state, "report.html", lang, Some(&user), "reports", page)?.into_response())
        }
        Some("clue") => {
            let title = format!("{} {}", i18n::get(lang, "report_clue_title"), report.about);
            let clue = store
                .create_clue(&store::NewClue {
                    title: title.chars().take(200).collect(),
                    warnings: vec![],
                    report: Some(report.id),
                    note: format!("{} {}", i18n::get(lang, "report_receipt"), report.receipt),
                    by: crate::audit::actor(&user),
                    at: now(),
                })
                .await?;
            Ok(Redirect::to(&format!("/clues/{}", clue.code)).into_response())
        }
        Some("answer") => {
            let reply: String = form.get("reply").map(|r| r.trim().chars().take(2000).collect()).unwrap_or_default();
            if reply.is_empty() {
                return Err(AppError::BadRequest("答复不能为空 / the reply is empty".into()));
            }
            let close = form.get("close").is_some_and(|c| c == "1");
            store.answer_report(report.id, &reply, close, &crate::audit::actor(&user), &now()).await?;
            Ok(Redirect::to(&format!("/reports/{}", report.id)).into_response())
        }
        _ => Err(AppError::BadRequest("未知操作 / unknown action".into())),
    }
}
