//! The web application: server-rendered pages (minijinja), htmx for partial
//! updates, ECharts for charts; front-end libraries embedded in the binary.
//!
//! `app(state)` builds the router, so tests drive it without a socket. Routes
//! are grouped by access: public (sign-in, assets, health), and staff pages,
//! each of which extracts a [`auth::CurrentUser`] and so cannot be reached
//! without a session.

pub mod api;
mod assessment;
mod audit;
pub mod auth;
mod clues;
mod conduct;
mod dashboard;
mod graph;
mod i18n;
mod inspections;
mod pages;
mod portal;
mod reports;
mod tasks;
mod trading;
mod users;
mod warnings;

pub use i18n::Lang;

use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Response};
use axum::routing::{get, post};
use minijinja::Environment;
use std::sync::Arc;
use warehouse::Warehouse;

/// Uploads larger than this are refused before they reach the disk.
pub const MAX_UPLOAD_BYTES: usize = 512 * 1024 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub warehouse: Arc<Warehouse>,
    templates: Arc<Environment<'static>>,
    /// Always mark cookies `Secure` (when served over TLS without a proxy header).
    secure_cookies: bool,
    /// Called after an upload is accepted (the binary scans, if so configured).
    on_import: Option<Arc<dyn Fn() + Send + Sync>>,
    /// The public portal's rows, kept in memory between data changes.
    portal: Arc<portal::Cache>,
    /// The resolved entities and their graph, kept until the data or a decision changes.
    graph: Arc<graph::Cache>,
}

impl AppState {
    pub fn new(warehouse: Arc<Warehouse>, secure_cookies: bool) -> AppState {
        AppState {
            warehouse,
            templates: Arc::new(templates()),
            secure_cookies,
            on_import: None,
            portal: Arc::new(portal::Cache::default()),
            graph: Arc::new(graph::Cache::default()),
        }
    }

    /// Runs `hook` after every accepted upload.
    pub fn with_import_hook(mut self, hook: Arc<dyn Fn() + Send + Sync>) -> AppState {
        self.on_import = Some(hook);
        self
    }
}

fn templates() -> Environment<'static> {
    let mut env = Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    for (name, source) in [
        ("base.html", include_str!("../templates/base.html")),
        ("login.html", include_str!("../templates/login.html")),
        ("overview.html", include_str!("../templates/overview.html")),
        ("batches.html", include_str!("../templates/batches.html")),
        ("upload.html", include_str!("../templates/upload.html")),
        ("upload_result.html", include_str!("../templates/upload_result.html")),
        ("quality.html", include_str!("../templates/quality.html")),
        ("warnings.html", include_str!("../templates/warnings.html")),
        ("warning.html", include_str!("../templates/warning.html")),
        ("models.html", include_str!("../templates/models.html")),
        ("pager.html", include_str!("../templates/pager.html")),
        ("unit_claims.html", include_str!("../templates/unit_claims.html")),
        ("vehicle.html", include_str!("../templates/vehicle.html")),
        ("profile.html", include_str!("../templates/profile.html")),
        ("tender.html", include_str!("../templates/tender.html")),
        ("bidder.html", include_str!("../templates/bidder.html")),
        ("screens.html", include_str!("../templates/screens.html")),
        ("group.html", include_str!("../templates/group.html")),
        ("clues.html", include_str!("../templates/clues.html")),
        ("clue.html", include_str!("../templates/clue.html")),
        ("clue_conflict.html", include_str!("../templates/clue_conflict.html")),
        ("audit.html", include_str!("../templates/audit.html")),
        ("dashboard.html", include_str!("../templates/dashboard.html")),
        ("public.html", include_str!("../templates/public.html")),
        ("report_form.html", include_str!("../templates/report_form.html")),
        ("report_receipt.html", include_str!("../templates/report_receipt.html")),
        ("reports.html", include_str!("../templates/reports.html")),
        ("report.html", include_str!("../templates/report.html")),
        ("inspections.html", include_str!("../templates/inspections.html")),
        ("tasks.html", include_str!("../templates/tasks.html")),
        ("users.html", include_str!("../templates/users.html")),
        ("assessment.html", include_str!("../templates/assessment.html")),
        ("inspection.html", include_str!("../templates/inspection.html")),
        ("portal.html", include_str!("../templates/portal.html")),
        ("portal_index.html", include_str!("../templates/portal_index.html")),
        ("portal_funds.html", include_str!("../templates/portal_funds.html")),
        ("portal_awards.html", include_str!("../templates/portal_awards.html")),
        ("portal_inspections.html", include_str!("../templates/portal_inspections.html")),
        ("portal_draw.html", include_str!("../templates/portal_draw.html")),
        ("portal_notices.html", include_str!("../templates/portal_notices.html")),
    ] {
        // The templates are part of the binary; a syntax error in one is a bug caught by every page test.
        if let Err(e) = env.add_template(name, source) {
            eprintln!("template {name}: {e}");
        }
    }
    env
}

pub fn app(state: AppState) -> Router {
    let staff = Router::new()
        .route("/", get(pages::overview))
        .route("/batches", get(pages::batches))
        .route("/upload", get(pages::upload_form).post(pages::upload).layer(DefaultBodyLimit::max(MAX_UPLOAD_BYTES)))
        .route("/quality", get(pages::quality))
        .route("/warnings", get(warnings::queue))
        .route("/warnings/export.xlsx", get(warnings::export_xlsx))
        .route("/warnings/{id}", get(warnings::detail))
        .route("/models", get(warnings::catalogue_page))
        .route("/units/{org}/reimbursements", get(conduct::unit_claims))
        .route("/vehicles/{plate}", get(conduct::vehicle))
        .route("/profile/{id}", get(graph::profile))
        .route("/graph/neighbours.json", get(graph::neighbours_json))
        .route("/graph/path.json", get(graph::path_json))
        .route("/graph/decide", post(graph::decide))
        .route("/screens", get(trading::ranking))
        .route("/tenders/{id}", get(trading::tender))
        .route("/bidders/{code}", get(trading::bidder))
        .route("/groups/{firms}", get(trading::group))
        .route("/dashboard", get(dashboard::page))
        .route("/reports", get(reports::list))
        .route("/reports/{id}", get(reports::detail).post(reports::act))
        .route("/audit", get(audit::page))
        .route("/audit/export.csv", get(audit::export_csv))
        .route("/clues", get(clues::list).post(clues::create))
        .route("/clues/{code}", get(clues::detail).post(clues::act))
        .route(
            "/clues/{code}/attachments",
            post(clues::attach).layer(DefaultBodyLimit::max(clues::MAX_ATTACHMENT_BYTES + 64 * 1024)),
        )
        .route("/clues/{code}/attachments/{sha256}", get(clues::attachment))
        .route("/clues/{code}/split", post(clues::split))
        .route("/assessment", get(assessment::page))
        .route("/users", get(users::list).post(users::create))
        .route("/users/{id}", post(users::act))
        .route("/tasks", get(tasks::list))
        .route("/tasks/{code}", post(tasks::done))
        .route("/inspections", get(inspections::list))
        .route("/inspections/{draw}", get(inspections::detail).post(inspections::act))
        .route("/reports/{batch}/{format}", get(pages::error_report))
        .route("/logout", post(pages::logout));
    let public = Router::new()
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/report", get(reports::form).post(reports::submit).layer(DefaultBodyLimit::max(64 * 1024)))
        .route("/report/status", post(reports::status).layer(DefaultBodyLimit::max(4 * 1024)))
        .route("/lang", get(pages::switch_language))
        .route("/assets/{name}", get(pages::asset))
        .route("/healthz", get(|| async { "ok" }))
        // The public portal: read-only, no sign-in, everything personal masked.
        .route("/public", get(portal::index))
        .route("/public/funds", get(portal::funds))
        .route("/public/awards", get(portal::awards))
        .route("/public/inspections", get(portal::inspections))
        .route("/public/inspections/{draw}", get(portal::draw))
        .route("/public/inspections/{draw}/{file}", get(portal::draw_file))
        .route("/public/notices", get(portal::notices))
        .route("/public/proof/{index}", get(portal::proof))
        // The JSON API for machine clients (bearer tokens; see api.rs).
        .route("/api/v1/openapi.json", get(api::openapi_json))
        .route("/api/v1/batches", get(api::batches).post(api::push).layer(DefaultBodyLimit::max(api::MAX_PUSH_BYTES)))
        .route("/api/v1/warnings", get(api::warnings))
        .route("/api/v1/warnings/{id}", get(api::warning))
        .route("/api/v1/clues", get(api::clues))
        .route("/api/v1/clues/{code}", get(api::clue))
        .route("/api/v1/graph/neighbours/{id}", get(graph::api_neighbours))
        .route("/api/v1/graph/path", get(graph::api_path))
        // The disclosure ledger as C2SP tlog-tiles, for anyone to mirror and verify.
        .route("/ledger/checkpoint", get(pages::ledger_checkpoint))
        .route("/ledger/key", get(pages::ledger_key))
        .route("/ledger/{*path}", get(pages::ledger_tile));
    staff
        .merge(public)
        .fallback(|| async { AppError::NotFound })
        .layer(axum::middleware::from_fn(security_headers))
        .with_state(state)
}

/// Serves the application until the process is stopped.
pub async fn serve(listener: tokio::net::TcpListener, state: AppState) -> std::io::Result<()> {
    axum::serve(listener, app(state).into_make_service_with_connect_info::<std::net::SocketAddr>()).await
}

/// Headers every response carries. Each says why.
async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let set = |headers: &mut axum::http::HeaderMap, name: &'static str, value: &'static str| {
        headers.insert(HeaderName::from_static(name), HeaderValue::from_static(value));
    };
    // Scripts and styles only from this server: an injected <script> does not run.
    set(
        headers,
        "content-security-policy",
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
    );
    // Browsers must not guess a content type: an uploaded file is never run as script.
    set(headers, "x-content-type-options", "nosniff");
    // No framing (clickjacking); `frame-ancestors` above for current browsers, this for old ones.
    set(headers, "x-frame-options", "DENY");
    // Supervision data must not leak through the Referer header to other sites.
    set(headers, "referrer-policy", "same-origin");
    set(headers, "cross-origin-opener-policy", "same-origin");
    set(headers, "permissions-policy", "camera=(), microphone=(), geolocation=()");
    if !headers.contains_key(header::CACHE_CONTROL) {
        // Pages show personal data: no shared or back-button caches.
        set(headers, "cache-control", "no-store");
    }
    response
}

/// The language of a request: the `lang` cookie, else Chinese.
impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(auth::cookie(&parts.headers, "lang").map(Lang::from_code).unwrap_or(Lang::Zh))
    }
}

/// Whether a request came from htmx (and so wants a fragment).
pub struct Htmx(pub bool);

impl<S: Send + Sync> FromRequestParts<S> for Htmx {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Htmx(parts.headers.contains_key("hx-request")))
    }
}

/// Every failure of a handler. User errors are 4xx with a message; internal
/// errors an opaque 500 with a reference, the cause logged.
#[derive(Debug)]
pub enum AppError {
    SignIn { next: String },
    Forbidden,
    NotFound,
    BadRequest(String),
    TooManyRequests,
    Internal(String),
}

impl AppError {
    pub fn internal(cause: impl std::fmt::Display) -> AppError {
        AppError::Internal(cause.to_string())
    }
}

impl From<store::StoreError> for AppError {
    fn from(e: store::StoreError) -> Self {
        AppError::internal(e)
    }
}

impl From<warehouse::WarehouseError> for AppError {
    fn from(e: warehouse::WarehouseError) -> Self {
        AppError::internal(e)
    }
}

impl From<minijinja::Error> for AppError {
    fn from(e: minijinja::Error) -> Self {
        AppError::internal(format!("template: {e:#}"))
    }
}

fn error_page(status: StatusCode, zh: &str, en: &str, detail: &str) -> Response {
    let detail = minijinja::HtmlEscape(detail).to_string();
    let body = format!(
        "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{zh} / {en}</title>\
         <link rel=\"stylesheet\" href=\"/assets/app.css\"></head><body class=\"error-page\"><main class=\"card\">\
         <h1>{zh}</h1><p>{en}</p><p class=\"muted\">{detail}</p><p><a href=\"/\">返回首页 / Back to the overview</a></p></main></body></html>"
    );
    (status, Html(body)).into_response()
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        match self {
            AppError::SignIn { next } => {
                let location = format!("/login?next={}", urlencode(&next));
                let mut response = (StatusCode::SEE_OTHER, [(header::LOCATION, location.clone())]).into_response();
                // htmx follows redirects inside XHR; this makes it load the sign-in page instead.
                if let Ok(value) = HeaderValue::from_str(&location) {
                    response.headers_mut().insert("hx-redirect", value);
                }
                response
            }
            AppError::Forbidden => error_page(
                StatusCode::FORBIDDEN,
                "请求被拒绝",
                "Request refused",
                "表单已过期或无权限 / the form expired or you lack the right",
            ),
            AppError::NotFound => error_page(StatusCode::NOT_FOUND, "页面不存在", "Page not found", ""),
            AppError::BadRequest(message) => error_page(StatusCode::BAD_REQUEST, "请求有误", "Bad request", &message),
            AppError::TooManyRequests => error_page(
                StatusCode::TOO_MANY_REQUESTS,
                "请求过于频繁",
                "Too many requests",
                "请15分钟后再试 / try again in 15 minutes",
            ),
            AppError::Internal(cause) => {
                let reference = uuid::Uuid::new_v4().simple().to_string();
                eprintln!("internal error {reference}: {cause}");
                error_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "服务器内部错误",
                    "Internal error",
                    &format!("编号 reference {reference}"),
                )
            }
        }
    }
}

pub(crate) fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' | b'/' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
